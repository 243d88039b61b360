"""Output workbooks: the solved roster (``solve``) and the side-by-side comparison (``compare``).

Every input sheet is copied unchanged (an input ``Roster``, and any input sheet whose name
collides with an output sheet, is renamed ``<name> (input)``); the output sheets are added
after them. Files are written atomically: a temporary file in the output's folder, then a
rename, so a failed write never leaves a half-written workbook or touches the input.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import TextAxis
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shiftcare.errors import OutputWriteError
from shiftcare.history import NEXT_HISTORY_COLUMNS, next_history
from shiftcare.problem import MINUTES_PER_DAY, Problem
from shiftcare.report import COVERAGE_COLUMNS, STRESS_COLUMNS, DiagnosticRow, Report
from shiftcare.solution import Shift, Solution
from shiftcare.summary import plain_value, summary_items

OUTPUT_SHEETS = ("Roster", "Activities", "Coverage", "Stress", "Summary", "Diagnostics",
                 "Next History", "Charts")
ACTIVITY_COLUMNS = ("agent_id", "date", "start", "end", "activity", "detail", "paid")
DIAGNOSTIC_COLUMNS = ("rule", "sheet", "row", "agent_id", "date", "message")
SUMMARY_COLUMNS = ("key", "value")
OFF = "OFF"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
MAX_SHEET_NAME = 31
WIDTH_SAMPLE_ROWS = 200
BOLD = Font(bold=True)
WHITE, RED = "FFFFFF", "F8696B"


# --------------------------------------------------------------------------- public API


def write_workbook(
    problem: Problem,
    solution: Solution,
    report: Report,
    output_path: Path,
    input_path: Path,
    diagnostics: Sequence[DiagnosticRow] = (),
    extra_summary: Mapping[str, object] = {},
) -> None:
    """Write the ``solve`` output workbook: input sheets plus the contract's output sheets.

    Raises OutputWriteError when ``output_path`` is the input or cannot be written.
    """
    output_path, input_path = Path(output_path), Path(input_path)
    refuse_input_as_output(output_path, input_path)
    workbook = copy_input_workbook(input_path, OUTPUT_SHEETS)
    write_roster_sheet(workbook.create_sheet("Roster"), problem, solution)
    write_activities_sheet(workbook.create_sheet("Activities"), problem, solution)
    write_coverage_sheet(workbook.create_sheet("Coverage"), report.coverage)
    write_stress_sheet(workbook.create_sheet("Stress"), report.stress)
    summary = summary_values(problem, solution, report, input_path, extra_summary)
    write_summary_sheet(workbook.create_sheet("Summary"), summary)
    if diagnostics:
        write_diagnostics_sheet(workbook.create_sheet("Diagnostics"), diagnostics)
    if solution.shifts:
        write_next_history_sheet(workbook.create_sheet("Next History"), problem, solution)
    write_charts_sheet(workbook.create_sheet("Charts"), problem, report)
    save_atomically(workbook, output_path)


def write_comparison_workbook(
    problem: Problem,
    rosters: Sequence[tuple[str, Solution, Report]],
    table: pd.DataFrame,
    complaint_grids: Mapping[str, pd.DataFrame],
    output_path: Path,
    input_path: Path,
) -> None:
    """Write the ``compare`` workbook: input sheets, Comparison, per roster its Roster,
    Coverage and Complaint minutes sheets, and Charts.

    Raises OutputWriteError when ``output_path`` is the input or cannot be written.
    """
    output_path, input_path = Path(output_path), Path(input_path)
    refuse_input_as_output(output_path, input_path)
    names = comparison_sheet_names([name for name, _, _ in rosters])
    reserved = ["Comparison", "Charts", *(n for per_roster in names.values() for n in per_roster)]
    workbook = copy_input_workbook(input_path, reserved)
    write_comparison_sheet(workbook.create_sheet("Comparison"), table)
    for name, solution, report in rosters:
        roster_title, coverage_title, complaint_title = names[name]
        write_roster_sheet(workbook.create_sheet(roster_title), problem, solution)
        write_coverage_sheet(workbook.create_sheet(coverage_title), report.coverage)
        grid = complaint_grids.get(name)
        if grid is not None:
            write_complaint_grid_sheet(workbook.create_sheet(complaint_title), grid)
    write_comparison_charts_sheet(workbook.create_sheet("Charts"), problem,
                                  [(name, report) for name, _, report in rosters])
    save_atomically(workbook, output_path)


def roster_cell(problem: Problem, shift: Shift) -> str:
    """The grid text of one shift: ``HH:MM-HH:MM shift_type`` (end before start: next day)."""
    start = clock(shift.start - shift.day * MINUTES_PER_DAY)
    end = clock(shift.end - shift.day * MINUTES_PER_DAY)
    return f"{start}-{end} {shift.shift_type}".rstrip()


def clock(minute: int) -> str:
    """``HH:MM`` time of day of a minute count (wraps past midnight)."""
    minute %= MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


# --------------------------------------------------------------------------- files


def refuse_input_as_output(output_path: Path, input_path: Path) -> None:
    """Raise OutputWriteError when the output would overwrite the input workbook."""
    same = output_path.resolve() == input_path.resolve()
    if not same and output_path.exists() and input_path.exists():
        same = os.path.samefile(output_path, input_path)
    if same:
        raise OutputWriteError(
            f"refusing to write the output onto the input workbook {input_path}; "
            "choose another output file with -o")


def save_atomically(workbook: Workbook, output_path: Path) -> None:
    """Save to a temporary file beside ``output_path``, then rename it into place.

    Raises OutputWriteError (and leaves no temporary file) when that fails.
    """
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed at once, renamed later
            dir=output_path.parent, prefix=f".{output_path.stem}-", suffix=".xlsx",
            delete=False)
    except OSError as error:
        raise OutputWriteError(write_failure_message(output_path, error)) from error
    temporary = Path(handle.name)
    handle.close()
    try:
        workbook.save(temporary)
        os.chmod(temporary, output_mode(output_path))
        os.replace(temporary, output_path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputWriteError(write_failure_message(output_path, error)) from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def output_mode(output_path: Path) -> int:
    """Permission bits for the output: those of the file it replaces, else rw-r--r--."""
    if output_path.is_file():
        return output_path.stat().st_mode & 0o777
    return 0o644


def write_failure_message(output_path: Path, error: OSError) -> str:
    """What went wrong writing ``output_path`` and what the user can do about it."""
    folder = output_path.parent
    if not folder.is_dir():
        return (f"cannot write {output_path}: the folder {folder} does not exist; "
                "create it or choose another output file with -o")
    if output_path.is_dir():
        return (f"cannot write {output_path}: it is a folder; "
                "choose an output file name with -o")
    reason = error.strerror or str(error)
    return (f"cannot write {output_path} ({reason}): if it is open in Excel, close it, "
            "or choose another output file with -o in a folder you may write to")


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- sheet names


def copy_input_workbook(input_path: Path, output_sheets: Iterable[str]) -> Workbook:
    """The input workbook with formatting, its sheets renamed out of the output's way.

    An input sheet named like an output sheet (case and spaces ignored) becomes
    ``<name> (input)``; ``Roster`` always counts as an output sheet.
    """
    try:
        workbook = load_workbook(input_path)
    except OSError as error:
        raise OutputWriteError(
            f"cannot read the input workbook {input_path} to copy its sheets: "
            f"{error.strerror or error}") from error
    reserved = {name.strip().lower() for name in (*output_sheets, "Roster")}
    taken = reserved | {ws.title.lower() for ws in workbook.worksheets}
    for worksheet in workbook.worksheets:
        if worksheet.title.strip().lower() in reserved:
            new_title = unique_sheet_name(f"{worksheet.title.strip()} (input)", taken)
            taken.add(new_title.lower())
            worksheet.title = new_title
    return workbook


def unique_sheet_name(base: str, taken: set[str]) -> str:
    """``base`` made a legal sheet name (<= 31 characters) not in ``taken`` (lower case)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in base).strip("'") or "Sheet"
    name = clean[:MAX_SHEET_NAME]
    number = 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = clean[:MAX_SHEET_NAME - len(suffix)] + suffix
        number += 1
    return name


def comparison_sheet_names(roster_names: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """Per roster its unique ``Roster <name>``, ``Coverage <name>`` and
    ``Complaint minutes <name>`` sheet names."""
    taken = {"comparison", "charts", "roster"}
    names: dict[str, tuple[str, str, str]] = {}
    for roster in roster_names:
        titles = []
        for prefix in ("Roster", "Coverage", "Complaint minutes"):
            title = unique_sheet_name(f"{prefix} {roster}", taken)
            taken.add(title.lower())
            titles.append(title)
        names[roster] = (titles[0], titles[1], titles[2])
    return names


# --------------------------------------------------------------------------- tables


def excel_value(value: object) -> object:
    """A cell value openpyxl writes faithfully: numpy scalars as Python, NaN and NaT as
    blank, booleans as yes/no, timestamps as datetimes, anything else unusual as text."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if not isinstance(value, (datetime, date)):
        value = plain_value(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (str, int, float, datetime, date)):
        return value
    return str(value)


def column_values(column: pd.Series) -> list[object]:
    """One DataFrame column as cell values (dates as dates, booleans as yes/no, NaN blank)."""
    if pd.api.types.is_bool_dtype(column):
        return ["yes" if flag else "no" for flag in column.tolist()]
    if pd.api.types.is_datetime64_any_dtype(column):
        return [None if pd.isna(t) else t.date() for t in column.tolist()]
    if pd.api.types.is_float_dtype(column):
        return [None if v != v else v for v in column.tolist()]
    if pd.api.types.is_integer_dtype(column):
        return column.tolist()
    return [excel_value(v) for v in column.tolist()]


def frame_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple[object, ...]]:
    """Rows of ``frame[columns]`` as cell values."""
    return list(zip(*(column_values(frame[c]) for c in columns), strict=True)) if len(
        frame) else []


def write_table(worksheet: Worksheet, header: Sequence[str],
                rows: Iterable[Sequence[object]], freeze: str = "A2") -> int:
    """Header (bold, filtered) and rows, panes frozen above and left of ``freeze``;
    column widths from the first rows. Returns the number of data rows written.
    """
    worksheet.append(list(header))
    count = 0
    for row in rows:
        worksheet.append(list(row))
        count += 1
    style_table(worksheet, len(header), count, freeze)
    return count


def style_table(worksheet: Worksheet, columns: int, rows: int, freeze: str) -> None:
    """Bold frozen header, autofilter over the table and widths that fit the first rows."""
    for cell in worksheet[1]:
        cell.font = BOLD
    worksheet.freeze_panes = freeze
    if columns:
        last = get_column_letter(columns)
        worksheet.auto_filter.ref = f"A1:{last}{rows + 1}"
    for index, cells in enumerate(worksheet.iter_cols(min_row=1, max_row=1 + min(
            rows, WIDTH_SAMPLE_ROWS), max_col=columns), start=1):
        width = max((display_width(c.value) for c in cells), default=8)
        worksheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))


def display_width(value: object) -> int:
    """Characters a cell value shows with the formats used here."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, date):
        return len(DATE_FORMAT)
    if isinstance(value, float):
        return min(len(f"{value:.6g}"), 12)
    return len(str(value))


def set_number_format(worksheet: Worksheet, column: int, rows: int, number_format: str) -> None:
    """Apply ``number_format`` to data rows 2 .. rows + 1 of one column."""
    for (cell,) in worksheet.iter_rows(min_row=2, max_row=rows + 1, min_col=column,
                                       max_col=column):
        cell.number_format = number_format


# --------------------------------------------------------------------------- solve sheets


def roster_grid_rows(problem: Problem, solution: Solution) -> list[list[object]]:
    """One row per agent (problem order, then unknown agents): agent_id, then one cell per
    date, ``OFF`` where the agent has no shift (several shifts of a date joined by ``; ``)."""
    cells: dict[tuple[str, int], list[str]] = {}
    for shift in sorted(solution.shifts, key=lambda s: s.start):
        cells.setdefault((shift.agent_id, shift.day), []).append(roster_cell(problem, shift))
    agent_ids = [a.id for a in problem.agents]
    known = set(agent_ids)
    agent_ids += sorted({s.agent_id for s in solution.shifts} - known)
    return [[agent_id, *("; ".join(cells.get((agent_id, day), [OFF]))
                         for day in range(problem.days))] for agent_id in agent_ids]


def write_roster_sheet(worksheet: Worksheet, problem: Problem, solution: Solution) -> None:
    """Roster: agent x date grid, one column per ISO date, cells ``HH:MM-HH:MM type``/``OFF``."""
    header = ["agent_id", *(problem.date_of(day).isoformat() for day in range(problem.days))]
    write_table(worksheet, header, roster_grid_rows(problem, solution), freeze="B2")


def write_activities_sheet(worksheet: Worksheet, problem: Problem, solution: Solution) -> None:
    """Activities: one row per block, in agent then time order; start/end as datetimes."""
    order = {a.id: i for i, a in enumerate(problem.agents)}
    blocks = sorted(solution.activities,
                    key=lambda b: (order.get(b.agent_id, len(order)), b.agent_id, b.start))
    horizon_start = problem.datetime_of(0)
    dates = {day: problem.date_of(day) for day in {b.day for b in blocks}}
    rows = (
        (b.agent_id, dates[b.day], horizon_start + timedelta(minutes=b.start),
         horizon_start + timedelta(minutes=b.end), b.activity, b.detail,
         "yes" if b.paid else "no")
        for b in blocks
    )
    count = write_table(worksheet, ACTIVITY_COLUMNS, rows)
    for column in (3, 4):
        set_number_format(worksheet, column, count, DATETIME_FORMAT)


def write_next_history_sheet(worksheet: Worksheet, problem: Problem, solution: Solution) -> None:
    """Next History: the History sheet of a horizon starting the day after this one ends."""
    rows = ((h.agent_id, h.last_shift_end, h.consecutive_days_worked)
            for h in next_history(problem, solution))
    count = write_table(worksheet, NEXT_HISTORY_COLUMNS, rows)
    set_number_format(worksheet, 2, count, DATETIME_FORMAT)


def write_coverage_sheet(worksheet: Worksheet, coverage: pd.DataFrame) -> None:
    """Coverage: the report's coverage table (COVERAGE_COLUMNS), dates as Excel dates."""
    write_table(worksheet, COVERAGE_COLUMNS, frame_rows(coverage, COVERAGE_COLUMNS))


def write_stress_sheet(worksheet: Worksheet, stress: pd.DataFrame) -> None:
    """Stress: the report's stress table (STRESS_COLUMNS), one row per agent and date."""
    write_table(worksheet, STRESS_COLUMNS, frame_rows(stress, STRESS_COLUMNS))


def summary_values(problem: Problem, solution: Solution, report: Report, input_path: Path,
                   extra_summary: Mapping[str, object]) -> dict[str, object]:
    """The Summary keys in order; ``input_sha256`` hashed from the input when not known."""
    items = summary_items(problem, solution, report, extra_summary)
    if not items.get("input_sha256"):
        items["input_sha256"] = file_sha256(input_path)
    return items


def write_summary_sheet(worksheet: Worksheet, items: Mapping[str, object]) -> None:
    """Summary: ``key`` | ``value`` rows; None written as a blank cell."""
    write_table(worksheet, SUMMARY_COLUMNS,
                ((key, excel_value(value)) for key, value in items.items()))


def write_diagnostics_sheet(worksheet: Worksheet, diagnostics: Sequence[DiagnosticRow]) -> None:
    """Diagnostics: one row per failed rule, naming sheet, row, agent and date."""
    write_table(worksheet, DIAGNOSTIC_COLUMNS,
                ((d.rule, d.sheet, d.row, d.agent_id, d.date, d.message) for d in diagnostics))


# --------------------------------------------------------------------------- charts

CHART_DATA_COLUMN = 22  # chart data tables start at column V, right of the charts
CHART_ROWS = 16  # rows between chart anchors
CHART_WIDTH_CM, CHART_HEIGHT_CM = 30, 8


def interval_labels(coverage: pd.DataFrame) -> list[str]:
    """``yyyy-mm-dd HH:MM`` of each interval, in Coverage order (one per interval)."""
    first_queue = coverage["queue"].iloc[0]
    rows = coverage[coverage["queue"] == first_queue]
    return [f"{d} {t}" for d, t in zip(column_values(rows["date"]),
                                       rows["interval_start"].tolist(), strict=True)]


def queue_column(coverage: pd.DataFrame, queue: str, column: str) -> list[object]:
    """One Coverage column for one queue, in interval order."""
    return column_values(coverage.loc[coverage["queue"] == queue, column])


def write_columns(worksheet: Worksheet, first_column: int,
                  columns: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Write named columns side by side from ``first_column``, header in row 1 (bold)."""
    for offset, (title, values) in enumerate(columns):
        column = first_column + offset
        worksheet.cell(row=1, column=column, value=title).font = BOLD
        for row, value in enumerate(values, start=2):
            worksheet.cell(row=row, column=column, value=value)


def coverage_line_chart(worksheet: Worksheet, title: str, label_column: int,
                        series_columns: Sequence[int], points: int,
                        intervals_per_day: int) -> LineChart:
    """A line chart of the given data columns (header = series name) over the intervals."""
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = "agents"
    chart.x_axis.title = "interval"
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    for column in series_columns:
        chart.add_data(Reference(worksheet, min_col=column, min_row=1, max_row=points + 1),
                       titles_from_data=True)
    chart.set_categories(Reference(worksheet, min_col=label_column, min_row=2,
                                   max_row=points + 1))
    for series in chart.series:
        series.marker.symbol = "none"
        series.smooth = False
    category_axis = cast(TextAxis, chart.x_axis)
    category_axis.tickLblSkip = intervals_per_day
    category_axis.tickMarkSkip = intervals_per_day
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def complaint_bar_chart(worksheet: Worksheet, label_column: int, points: int) -> BarChart:
    """A bar chart of complaint minutes per agent (data in the column after the labels)."""
    chart = BarChart()
    chart.type = "col"
    chart.title = "complaint minutes per agent over the horizon"
    chart.y_axis.title = "minutes"
    chart.x_axis.title = "agent"
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    chart.legend = None
    chart.add_data(Reference(worksheet, min_col=label_column + 1, min_row=1,
                             max_row=points + 1), titles_from_data=True)
    chart.set_categories(Reference(worksheet, min_col=label_column, min_row=2,
                                   max_row=points + 1))
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def complaint_minutes_by_agent(problem: Problem, stress: pd.DataFrame) -> list[tuple[str, int]]:
    """Complaint minutes over the horizon per agent who worked, in problem order."""
    if stress.empty:
        return []
    totals = stress.groupby("agent_id")["complaint_minutes"].sum()
    order = [a.id for a in problem.agents if a.id in totals.index]
    order += sorted(set(map(str, totals.index)) - set(order))
    return [(agent_id, int(totals[agent_id])) for agent_id in order]


def write_charts_sheet(worksheet: Worksheet, problem: Problem, report: Report) -> None:
    """Charts: per queue required vs scheduled agents per interval, and complaint minutes
    per agent; their data tables stand right of the charts."""
    coverage = report.coverage
    anchor_row = 1
    if not coverage.empty:
        labels = interval_labels(coverage)
        columns: list[tuple[str, Sequence[object]]] = [("interval", labels)]
        for queue in problem.queues:
            columns.append((f"{queue.id} required", queue_column(coverage, queue.id, "required")))
            columns.append((f"{queue.id} scheduled",
                            queue_column(coverage, queue.id, "scheduled")))
        write_columns(worksheet, CHART_DATA_COLUMN, columns)
        for index, queue in enumerate(problem.queues):
            first = CHART_DATA_COLUMN + 1 + 2 * index
            chart = coverage_line_chart(worksheet, f"{queue.id}: required vs scheduled agents",
                                        CHART_DATA_COLUMN, (first, first + 1), len(labels),
                                        problem.intervals_per_day)
            worksheet.add_chart(chart, f"A{anchor_row}")
            anchor_row += CHART_ROWS
        agent_column = CHART_DATA_COLUMN + len(columns) + 1
    else:
        agent_column = CHART_DATA_COLUMN
    per_agent = complaint_minutes_by_agent(problem, report.stress)
    write_columns(worksheet, agent_column, [("agent_id", [a for a, _ in per_agent]),
                                            ("complaint_minutes", [m for _, m in per_agent])])
    if per_agent:
        worksheet.add_chart(complaint_bar_chart(worksheet, agent_column, len(per_agent)),
                            f"A{anchor_row}")


# --------------------------------------------------------------------------- comparison sheets


def write_comparison_sheet(worksheet: Worksheet, table: pd.DataFrame) -> None:
    """Comparison: one row per figure (index), one column per roster."""
    header = ["figure", *map(str, table.columns)]
    rows = ([excel_value(label), *(excel_value(v) for v in values)]
            for label, values in zip(table.index, table.itertuples(index=False), strict=True))
    write_table(worksheet, header, rows)


def write_complaint_grid_sheet(worksheet: Worksheet, grid: pd.DataFrame) -> None:
    """Agent x date complaint minutes, shaded white (0) to red (the largest)."""
    header: list[str] = ["agent_id", *(d.isoformat() if isinstance(d, date) else str(d)
                            for d in grid.columns)]
    rows = ([excel_value(agent), *(excel_value(v) for v in values)]
            for agent, values in zip(grid.index, grid.itertuples(index=False), strict=True))
    count = write_table(worksheet, header, rows, freeze="B2")
    if count and len(grid.columns):
        cells = f"B2:{get_column_letter(len(header))}{count + 1}"
        worksheet.conditional_formatting.add(cells, ColorScaleRule(
            start_type="num", start_value=0, start_color=WHITE,
            end_type="max", end_color=RED))


def write_comparison_charts_sheet(worksheet: Worksheet, problem: Problem,
                                  rosters: Sequence[tuple[str, Report]]) -> None:
    """Charts: per roster and queue, required vs scheduled agents per interval."""
    filled = [(name, report) for name, report in rosters if not report.coverage.empty]
    if not filled:
        return
    labels = interval_labels(filled[0][1].coverage)
    columns: list[tuple[str, Sequence[object]]] = [("interval", labels)]
    position: dict[tuple[str, str], int] = {}
    for queue in problem.queues:
        position[("", queue.id)] = CHART_DATA_COLUMN + len(columns)
        columns.append((f"{queue.id} required",
                        queue_column(filled[0][1].coverage, queue.id, "required")))
        for name, report in filled:
            position[(name, queue.id)] = CHART_DATA_COLUMN + len(columns)
            columns.append((f"{queue.id} scheduled {name}",
                            queue_column(report.coverage, queue.id, "scheduled")))
    write_columns(worksheet, CHART_DATA_COLUMN, columns)
    anchor_row = 1
    for name, _ in filled:
        for queue in problem.queues:
            chart = coverage_line_chart(
                worksheet, f"{name}, {queue.id}: required vs scheduled agents",
                CHART_DATA_COLUMN, (position[("", queue.id)], position[(name, queue.id)]),
                len(labels), problem.intervals_per_day)
            worksheet.add_chart(chart, f"A{anchor_row}")
            anchor_row += CHART_ROWS
