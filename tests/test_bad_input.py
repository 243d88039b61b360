"""Bad workbooks: every problem reported at once, with sheet, row and column; never a crash."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shiftcare.errors import InputProblem, WorkbookError
from shiftcare.io.excel_read import read_workbook
from shiftcare.problem import Problem
from tests.workbook_builder import Sheets, valid_sheets, write_workbook

Mutation = Callable[[Sheets], None]
Where = tuple[str, int | None, str]


def set_cell(sheet: str, index: int, column: str, value: object) -> Mutation:
    """Set one cell of data row ``index`` (Excel row ``index + 2``)."""
    def mutate(sheets: Sheets) -> None:
        sheets[sheet][index][column] = value
    return mutate


def add_row(sheet: str, row: dict[object, object]) -> Mutation:
    def mutate(sheets: Sheets) -> None:
        sheets[sheet].append(row)
    return mutate


def copy_row(sheet: str, index: int, **changes: object) -> Mutation:
    def mutate(sheets: Sheets) -> None:
        row = copy.deepcopy(sheets[sheet][index])
        row.update(changes)
        sheets[sheet].append(row)
    return mutate


def drop_column(sheet: str, column: str) -> Mutation:
    def mutate(sheets: Sheets) -> None:
        for row in sheets[sheet]:
            row.pop(column, None)
    return mutate


def drop_sheet(sheet: str) -> Mutation:
    def mutate(sheets: Sheets) -> None:
        del sheets[sheet]
    return mutate


def empty_forecast(sheets: Sheets) -> None:
    sheets["Forecast"] = []


def problems_of(sheets: Sheets, tmp_path: Path) -> list[InputProblem]:
    header: list[object] = ["date", "interval_start", "queue", "calls", "aht_seconds"]
    path = write_workbook(sheets, tmp_path / "bad.xlsx", headers={"Forecast": header})
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)
    return list(raised.value.problems)


CASES: dict[str, tuple[Mutation, Where]] = {
    "negative calls": (set_cell("Forecast", 0, "calls", -3), ("Forecast", 2, "calls")),
    "text calls": (set_cell("Forecast", 1, "calls", "many"), ("Forecast", 3, "calls")),
    "aht 0 with calls": (set_cell("Forecast", 2, "aht_seconds", 0),
                         ("Forecast", 4, "aht_seconds")),
    "aht blank with calls": (set_cell("Forecast", 2, "aht_seconds", None),
                             ("Forecast", 4, "aht_seconds")),
    "complaint share above 1": (set_cell("Forecast", 3, "complaint_share", 1.5),
                                ("Forecast", 5, "complaint_share")),
    "interval off the grid": (set_cell("Forecast", 0, "interval_start", "08:07"),
                              ("Forecast", 2, "interval_start")),
    "date not a date": (set_cell("Forecast", 0, "date", "yesterday"), ("Forecast", 2, "date")),
    "unknown forecast queue": (set_cell("Forecast", 5, "queue", "billing"),
                               ("Forecast", 7, "queue")),
    "forecast date outside horizon": (set_cell("Forecast", 4, "date", "2026-12-05"),
                                      ("Forecast", 6, "date")),
    "duplicate forecast row": (copy_row("Forecast", 0), ("Forecast", 34, "interval_start")),
    "required agents negative": (set_cell("Forecast", 0, "required_agents", -1),
                                 ("Forecast", 2, "required_agents")),
    "empty forecast": (empty_forecast, ("Forecast", None, "")),
    "forecast without queue column": (drop_column("Forecast", "queue"),
                                      ("Forecast", None, "queue")),
    "missing calls column": (drop_column("Forecast", "calls"), ("Forecast", None, "calls")),
    "missing Agents sheet": (drop_sheet("Agents"), ("Agents", None, "")),
    "missing ShiftTypes sheet": (drop_sheet("ShiftTypes"), ("ShiftTypes", None, "")),
    "interval minutes 7": (set_cell("Settings", 2, "value", 7), ("Settings", 4, "value")),
    "bad timezone": (set_cell("Settings", 3, "value", "Mars/Olympus"), ("Settings", 5, "value")),
    "stretch off the grid": (set_cell("Settings", 4, "value", 50), ("Settings", 6, "value")),
    "days zero": (set_cell("Settings", 1, "value", 0), ("Settings", 3, "value")),
    "unknown settings key": (add_row("Settings", {"key": "interval_minute", "value": 15}),
                             ("Settings", 8, "key")),
    "duplicate settings key": (add_row("Settings", {"key": "Days", "value": 2}),
                               ("Settings", 8, "key")),
    "service level above 1": (add_row("Settings", {"key": "service_level_target",
                                                   "value": 1.5}), ("Settings", 8, "value")),
    "shrinkage 1": (add_row("Settings", {"key": "shrinkage", "value": 1}),
                    ("Settings", 8, "value")),
    "max occupancy 0": (add_row("Settings", {"key": "max_occupancy", "value": 0}),
                        ("Settings", 8, "value")),
    "queue service level 0": (set_cell("Queues", 0, "service_level_target", 0),
                              ("Queues", 2, "service_level_target")),
    "duplicate queue": (copy_row("Queues", 0), ("Queues", 4, "queue")),
    "duplicate agent": (copy_row("Agents", 0, name="Other"), ("Agents", 5, "agent_id")),
    "unknown skill": (set_cell("Agents", 0, "skills", "general,billing"),
                      ("Agents", 2, "skills")),
    "unknown agent shift type": (set_cell("Agents", 1, "shift_types", "NIGHT"),
                                 ("Agents", 3, "shift_types")),
    "min hours above max": (set_cell("Agents", 0, "min_hours", 20), ("Agents", 2, "min_hours")),
    "negative max days": (set_cell("Agents", 2, "max_days", -1), ("Agents", 4, "max_days")),
    "fractional max days": (set_cell("Agents", 2, "max_days", 1.5), ("Agents", 4, "max_days")),
    "bad boolean": (set_cell("Agents", 1, "complaint_eligible", "maybe"),
                    ("Agents", 3, "complaint_eligible")),
    "agent stretch off grid": (set_cell("Agents", 0, "max_complaint_stretch_minutes", 20),
                               ("Agents", 2, "max_complaint_stretch_minutes")),
    "earliest start off grid": (set_cell("ShiftTypes", 0, "earliest_start", "08:07"),
                                ("ShiftTypes", 2, "earliest_start")),
    "latest start not a time": (set_cell("ShiftTypes", 1, "latest_start", "25:00"),
                                ("ShiftTypes", 3, "latest_start")),
    "length off grid": (set_cell("ShiftTypes", 1, "length_minutes", 470),
                        ("ShiftTypes", 3, "length_minutes")),
    "start step zero": (set_cell("ShiftTypes", 0, "start_step_minutes", 0),
                        ("ShiftTypes", 2, "start_step_minutes")),
    "bad weekday": (set_cell("ShiftTypes", 0, "weekdays", "Mon,Funday"),
                    ("ShiftTypes", 2, "weekdays")),
    "duplicate shift type": (copy_row("ShiftTypes", 1), ("ShiftTypes", 4, "shift_type")),
    "break of unknown shift type": (set_cell("Breaks", 2, "shift_type", "NIGHT"),
                                    ("Breaks", 4, "shift_type")),
    "break duration off grid": (set_cell("Breaks", 0, "duration_minutes", 10),
                                ("Breaks", 2, "duration_minutes")),
    "break window reversed": (set_cell("Breaks", 1, "latest_start_after_minutes", 150),
                              ("Breaks", 3, "latest_start_after_minutes")),
    "break ends after shift": (set_cell("Breaks", 2, "latest_start_after_minutes", 360),
                               ("Breaks", 4, "latest_start_after_minutes")),
    "duplicate break": (copy_row("Breaks", 0, paid="no"), ("Breaks", 5, "break")),
    "duplicate history agent": (copy_row("History", 0), ("History", 3, "agent_id")),
    "duplicate roster agent": (copy_row("Roster", 1), ("Roster", 5, "agent_id")),
    "availability unknown agent": (set_cell("Availability", 0, "agent_id", "A9"),
                                   ("Availability", 2, "agent_id")),
    "availability bad status": (set_cell("Availability", 0, "status", "sick"),
                                ("Availability", 2, "status")),
    "availability outside horizon": (set_cell("Availability", 2, "date", "2026-12-02"),
                                     ("Availability", 4, "date")),
    "availability window off grid": (set_cell("Availability", 1, "from", "12:10"),
                                     ("Availability", 3, "from")),
    "history unknown agent": (set_cell("History", 0, "agent_id", "A9"),
                              ("History", 2, "agent_id")),
    "history bad datetime": (set_cell("History", 0, "last_shift_end", "last night"),
                             ("History", 2, "last_shift_end")),
    "history negative days": (set_cell("History", 0, "consecutive_days_worked", -1),
                              ("History", 2, "consecutive_days_worked")),
    "roster cell unparsable": (set_cell("Roster", 0, "2026-11-30", "8-16"),
                               ("Roster", 2, "2026-11-30")),
    "roster cell off grid": (set_cell("Roster", 1, "2026-12-01", "08:10-16:10"),
                             ("Roster", 3, "2026-12-01")),
    "roster unknown shift type": (set_cell("Roster", 2, "2026-11-30", "08:00-16:00 NIGHT"),
                                  ("Roster", 4, "2026-11-30")),
    "roster unknown agent": (set_cell("Roster", 2, "agent_id", "A9"), ("Roster", 4, "agent_id")),
    "roster header not a date": (set_cell("Roster", 0, "notes", "x"), ("Roster", 1, "notes")),
    "roster date outside horizon": (set_cell("Roster", 0, "2026-12-02", "OFF"),
                                    ("Roster", 1, "2026-12-02")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_located(case: str, tmp_path: Path) -> None:
    mutate, (sheet, row, column) = CASES[case]
    sheets = valid_sheets()
    mutate(sheets)
    problems = problems_of(sheets, tmp_path)
    assert (sheet, row, column) in [(p.sheet, p.row, p.column) for p in problems], problems
    assert len(problems) == 1, problems
    assert problems[0].file == "bad.xlsx" and problems[0].expected and problems[0].found


def test_messages_speak_the_schedulers_language(tmp_path: Path) -> None:
    sheets = valid_sheets()
    CASES["interval off the grid"][0](sheets)
    (problem,) = problems_of(sheets, tmp_path)
    assert problem.expected == "a time HH:MM on the 15-minute grid"
    assert problem.found == "'08:07'"
    assert str(problem) == ("bad.xlsx, sheet Forecast, row 2, column interval_start: "
                            "expected a time HH:MM on the 15-minute grid, found '08:07'")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    chosen = ["negative calls", "bad timezone", "unknown skill", "earliest start off grid",
              "break ends after shift", "availability bad status", "history bad datetime",
              "roster cell unparsable", "duplicate agent", "unknown settings key"]
    sheets = valid_sheets()
    for case in chosen:
        CASES[case][0](sheets)
    found = {(p.sheet, p.row, p.column) for p in problems_of(sheets, tmp_path)}
    assert {CASES[case][1] for case in chosen} <= found


@pytest.mark.parametrize(("content", "name"), [
    (None, "missing.xlsx"),
    (b"date,calls\n2026-11-30,12\n", "forecast.xlsx"),
    (b"PK\x03\x04 not really a zip", "broken.xlsx"),
    ("folder", "folder.xlsx"),
])
def test_unreadable_files_are_one_problem(content: bytes | str | None, name: str,
                                          tmp_path: Path) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "folder":
        path.mkdir()
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)
    (problem,) = raised.value.problems
    assert (problem.file, problem.sheet, problem.row) == (name, "", None)
    assert "xlsx" in problem.expected and problem.found


# --------------------------------------------------------------------------- property


SHEET_NAMES = list(valid_sheets())
GARBAGE = st.sampled_from([None, "", "  ", "garbage", -5, -0.5, 1e9, 3.7, True, "08:07",
                           "2026-13-45", "yes", "x" * 40, 0])


@st.composite
def mutated_sheets(draw: st.DrawFn) -> Sheets:
    """The valid workbook with a few random blank/garbage cells, dropped columns or sheets
    and duplicated rows."""
    sheets = valid_sheets()
    for _ in range(draw(st.integers(1, 4))):
        names = [n for n in SHEET_NAMES if n in sheets]
        name = draw(st.sampled_from(names))
        rows = sheets[name]
        action = draw(st.sampled_from(["cell", "cell", "cell", "column", "sheet", "duplicate"]))
        if action == "sheet":
            del sheets[name]
        elif rows and action == "duplicate":
            rows.append(copy.deepcopy(draw(st.sampled_from(rows))))
        elif rows:
            column = draw(st.sampled_from(list(rows[0])))
            if action == "column":
                for row in rows:
                    row.pop(column, None)
            else:
                draw(st.sampled_from(rows))[column] = draw(GARBAGE)
    return sheets


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sheets=mutated_sheets())
def test_mutated_workbooks_give_a_problem_or_located_errors(sheets: Sheets,
                                                            tmp_path: Path) -> None:
    path = write_workbook(sheets, tmp_path / "mutated.xlsx")
    try:
        result = read_workbook(path)
    except WorkbookError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.sheet or problem.file
            assert problem.expected and problem.found
        return
    assert isinstance(result, Problem)


# --------------------------------------------------------------------------- command line


def test_cli_reports_bad_input_with_exit_code_2(tmp_path: Path) -> None:
    from shiftcare.cli import main

    sheets = valid_sheets()
    for case in ("negative calls", "unknown skill"):
        CASES[case][0](sheets)
    path = write_workbook(sheets, tmp_path / "BAD.xlsx")
    result = CliRunner().invoke(main, ["solve", str(path), "--time-limit", "5"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "sheet Forecast, row 2, column calls" in result.output
    assert "sheet Agents, row 2, column skills" in result.output
    assert not (tmp_path / "BAD.solved.xlsx").exists()
