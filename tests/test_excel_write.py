"""The output workbooks: sheets, headers, preserved input, atomic writes, comparison sheets."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from shiftcare import __version__, samples
from shiftcare.compare import ScoredRoster, comparison_table, complaint_minutes_grid
from shiftcare.errors import OutputWriteError
from shiftcare.evaluate import evaluate
from shiftcare.greedy import greedy_roster
from shiftcare.io.excel_write import (
    ACTIVITY_COLUMNS,
    DATETIME_FORMAT,
    DIAGNOSTIC_COLUMNS,
    DiagnosticRow,
    comparison_sheet_names,
    excel_value,
    roster_cell,
    write_comparison_workbook,
    write_workbook,
)
from shiftcare.problem import Agent, BreakRule, Problem, ShiftType
from shiftcare.report import COVERAGE_COLUMNS, STRESS_COLUMNS, Report
from shiftcare.solution import Shift, Solution
from shiftcare.staffing import required_agents
from shiftcare.summary import KPI_KEYS
from tests.factories import make_problem, make_shift_type

OUTPUT_SHEETS = ["Roster", "Activities", "Coverage", "Stress", "Summary", "Next History", "Charts"]
CONTRACT_SUMMARY_KEYS = [
    "status", "mode", "objective", "best_bound", "gap", *KPI_KEYS, "solve_seconds",
    "shiftcare_version", "input_sha256",
]
UNDERSTAFFING_BOUND_KEYS = ["understaffed_lower_bound", "understaffed_gap"]
EXTRA = {"timezone": "America/New_York", "model_variables": 1234, "note": None}


def problem_of(spec: samples.InstanceSpec) -> Problem:
    """The Problem a reader would make of ``spec`` (availability and history left out)."""
    agents = tuple(
        Agent(a.id, a.name, a.skills, a.contract.shift_types, a.contract.min_hours,
              a.contract.max_hours, a.contract.max_days, 11.0, 6, a.complaint_eligible,
              a.max_complaint_stretch_minutes or 60)
        for a in spec.agents)
    shift_types = tuple(
        ShiftType(s.id, s.earliest_start, s.latest_start, s.step_minutes, s.length_minutes,
                  frozenset(s.weekdays), tuple(BreakRule(*b) for b in s.breaks))
        for s in spec.shift_types)
    return samples.forecast_problem(spec).replace(agents=agents, shift_types=shift_types)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def header(worksheet: Worksheet) -> list[object]:
    return [cell.value for cell in worksheet[1]]


def data_rows(worksheet: Worksheet) -> list[tuple[object, ...]]:
    return list(worksheet.iter_rows(min_row=2, values_only=True))


def charts_of(workbook: Workbook, name: str) -> list[object]:
    worksheet = cast(Worksheet, workbook[name])
    return list(worksheet._charts)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Case:
    """A small sample input workbook, a greedy roster of it, and the written output."""

    problem: Problem
    solution: Solution
    report: Report
    input_path: Path
    input_hash_before: str
    output_path: Path
    output: Workbook


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    folder = tmp_path_factory.mktemp("solved")
    input_path = samples.build_sample("small", folder / "small.xlsx")
    before = sha256(input_path)
    problem = problem_of(samples.sample_spec("small"))
    required = required_agents(problem)
    solution = greedy_roster(problem, required)
    report = evaluate(problem, solution, required)
    output_path = folder / "small.solved.xlsx"
    write_workbook(problem, solution, report, output_path, input_path, extra_summary=EXTRA)
    return Case(problem, solution, report, input_path, before, output_path,
                load_workbook(output_path))


def test_sample_roster_has_shifts(case: Case) -> None:
    assert len(case.solution.shifts) > 5
    assert len(case.solution.activities) > len(case.solution.shifts)


def test_output_holds_input_sheets_then_output_sheets(case: Case) -> None:
    input_names = load_workbook(case.input_path).sheetnames
    assert case.output.sheetnames == [*input_names, *OUTPUT_SHEETS]


def test_output_sheets_have_exact_headers(case: Case) -> None:
    dates = [case.problem.date_of(d).isoformat() for d in range(case.problem.days)]
    assert header(case.output["Roster"]) == ["agent_id", *dates]
    assert header(case.output["Activities"]) == list(ACTIVITY_COLUMNS)
    assert header(case.output["Coverage"]) == list(COVERAGE_COLUMNS)
    assert header(case.output["Stress"]) == list(STRESS_COLUMNS)
    assert header(case.output["Summary"]) == ["key", "value"]


def test_tables_have_bold_frozen_filtered_headers(case: Case) -> None:
    for name in ("Activities", "Coverage", "Stress", "Summary"):
        worksheet = case.output[name]
        assert all(cell.font.bold for cell in worksheet[1]), name
        assert worksheet.freeze_panes == "A2", name
        last_column = get_column_letter(worksheet.max_column)
        assert worksheet.auto_filter.ref == f"A1:{last_column}{worksheet.max_row}", name
        assert worksheet.column_dimensions["A"].width >= len(str(worksheet["A1"].value))
    assert case.output["Roster"].freeze_panes == "B2"  # agent ids stay in view


def test_input_file_is_byte_identical_after_writing(case: Case) -> None:
    assert sha256(case.input_path) == case.input_hash_before


def test_input_sheets_are_preserved_cell_for_cell(case: Case) -> None:
    original = load_workbook(case.input_path)
    for name in original.sheetnames:
        source, copy = original[name], case.output[name]
        assert source.max_row == copy.max_row and source.max_column == copy.max_column, name
        for source_row, copy_row in zip(source.iter_rows(), copy.iter_rows(), strict=True):
            for a, b in zip(source_row, copy_row, strict=True):
                assert (a.value, a.number_format, a.font.bold) == (
                    b.value, b.number_format, b.font.bold), (name, a.coordinate)


def test_activities_tile_each_shift_exactly(case: Case) -> None:
    worksheet = case.output["Activities"]
    rows = data_rows(worksheet)
    assert len(rows) == len(case.solution.activities)
    blocks: dict[tuple[object, object], list[tuple[datetime, datetime]]] = defaultdict(list)
    for agent_id, shift_date, start, end, activity, detail, paid in rows:
        assert isinstance(start, datetime) and isinstance(end, datetime)
        assert activity in ("phone", "break", "recovery", "other")
        assert paid in ("yes", "no")
        assert detail is None or isinstance(detail, str)
        assert isinstance(shift_date, datetime)  # an Excel date cell reads back as datetime
        blocks[(agent_id, shift_date.date())].append((start, end))
    assert worksheet["C2"].number_format == DATETIME_FORMAT
    assert worksheet["D2"].number_format == DATETIME_FORMAT
    assert worksheet["B2"].is_date
    assert len(blocks) == len(case.solution.shifts)
    for shift in case.solution.shifts:
        spans = sorted(blocks[(shift.agent_id, case.problem.date_of(shift.day))])
        assert spans[0][0] == case.problem.datetime_of(shift.start)
        assert spans[-1][1] == case.problem.datetime_of(shift.end)
        assert all(a[1] == b[0] for a, b in pairwise(spans))
        total = sum((end - start for start, end in spans), timedelta())
        assert total == timedelta(minutes=shift.end - shift.start)


def test_roster_grid_matches_the_shifts(case: Case) -> None:
    rows = data_rows(case.output["Roster"])
    assert [row[0] for row in rows] == [a.id for a in case.problem.agents]
    by_cell = {(s.agent_id, s.day): s for s in case.solution.shifts}
    for row in rows:
        for day, text in enumerate(row[1:]):
            shift = by_cell.get((str(row[0]), day))
            if shift is None:
                assert text == "OFF"
                continue
            assert text == roster_cell(case.problem, shift)
            span, shift_type = str(text).split(" ")
            start_text, end_text = span.split("-")
            start = day * 1440 + int(start_text[:2]) * 60 + int(start_text[3:])
            assert (start, shift_type) == (shift.start, shift.shift_type)
            assert (int(end_text[:2]) * 60 + int(end_text[3:])) % 1440 == shift.end % 1440


def test_roster_cell_formats_overnight_shifts() -> None:
    problem = make_problem(days=2, shift_types=[make_shift_type("night")])
    assert roster_cell(problem, Shift("A1", 1, "night", 1440 + 22 * 60, 2880 + 6 * 60)) == (
        "22:00-06:00 night")
    assert roster_cell(problem, Shift("A1", 0, "day", 8 * 60, 16 * 60 + 30)) == (
        "08:00-16:30 day")


def test_cell_values_are_plain_python() -> None:
    values = [None, pd.NaT, pd.Timestamp("2026-11-30 08:00"), np.int64(3), np.float64("nan"),
              np.bool_(False), True, 2.5, "x", (1, 2)]
    assert [excel_value(v) for v in values] == [
        None, None, datetime(2026, 11, 30, 8, 0), 3, None, "no", "yes", 2.5, "x", "(1, 2)"]
    assert type(excel_value(np.int64(3))) is int


def test_coverage_sheet_holds_the_report_table(case: Case) -> None:
    worksheet = case.output["Coverage"]
    rows = data_rows(worksheet)
    coverage = case.report.coverage
    assert len(rows) == len(coverage)
    assert worksheet["A2"].is_date
    assert rows[0][0] == datetime.combine(case.problem.start_date, datetime.min.time())
    assert all(isinstance(r[1], str) and len(r[1]) == 5 for r in rows)
    column = {name: i for i, name in enumerate(COVERAGE_COLUMNS)}
    assert [r[column["required"]] for r in rows] == coverage["required"].tolist()
    assert [r[column["scheduled"]] for r in rows] == coverage["scheduled"].tolist()
    assert {r[column["complaint_heavy"]] for r in rows} <= {"yes", "no"}


def test_stress_sheet_holds_the_report_table(case: Case) -> None:
    rows = data_rows(case.output["Stress"])
    stress = case.report.stress
    assert len(rows) == len(stress) > 0
    assert [r[0] for r in rows] == stress["agent_id"].tolist()
    assert [r[2] for r in rows] == stress["complaint_minutes"].tolist()


def test_summary_has_the_contract_keys_and_report_figures(case: Case) -> None:
    items = {row[0]: row[1] for row in data_rows(case.output["Summary"])}
    keys = [row[0] for row in data_rows(case.output["Summary"])]
    assert keys == [*CONTRACT_SUMMARY_KEYS, *UNDERSTAFFING_BOUND_KEYS, *EXTRA]
    for key in KPI_KEYS:
        assert items[key] == pytest.approx(case.report.kpis[key]), key
    assert items["status"] == case.solution.info.status
    assert items["mode"] == "stress-aware"
    assert items["objective"] is None  # greedy rosters have no objective: a blank cell
    assert items["shiftcare_version"] == __version__
    assert items["input_sha256"] == case.input_hash_before
    assert items["timezone"] == "America/New_York" and items["model_variables"] == 1234
    assert items["note"] is None
    assert items["understaffed_lower_bound"] is None  # a greedy roster proves no bound
    assert items["understaffed_gap"] is None


def test_diagnostics_sheet_absent_when_there_is_nothing_to_say(case: Case) -> None:
    assert "Diagnostics" not in case.output.sheetnames


def test_diagnostics_sheet_lists_every_row(case: Case, tmp_path: Path) -> None:
    diagnostics = [
        DiagnosticRow("min_rest", "Agents", 4, "A03", "2026-11-30", "11 h rest needed"),
        DiagnosticRow("unknown", "", None, "", "", "no minimal set found"),
    ]
    output = tmp_path / "diagnosed.xlsx"
    write_workbook(case.problem, case.solution, case.report, output, case.input_path,
                   diagnostics)
    worksheet = load_workbook(output)["Diagnostics"]
    assert header(worksheet) == list(DIAGNOSTIC_COLUMNS)
    assert data_rows(worksheet) == [
        ("min_rest", "Agents", 4, "A03", "2026-11-30", "11 h rest needed"),
        ("unknown", None, None, None, None, "no minimal set found"),
    ]


def test_charts_sheet_has_a_line_chart_per_queue_and_a_bar_chart(case: Case) -> None:
    charts = charts_of(case.output, "Charts")
    kinds = sorted(type(chart).__name__ for chart in charts)
    assert kinds == sorted(["BarChart"] + ["LineChart"] * len(case.problem.queues))


def test_input_roster_and_colliding_sheets_are_renamed(case: Case, tmp_path: Path) -> None:
    workbook = load_workbook(case.input_path)
    roster = workbook.create_sheet("Roster")
    roster.append(["agent_id", "2026-11-30"])
    roster.append(["A01", "08:00-16:30 FT"])
    roster["A1"].font = Font(bold=True)
    roster["B2"].fill = PatternFill("solid", fgColor="FFFF00")
    stress = workbook.create_sheet(" stress ")
    stress["A1"] = "my own notes"
    input_path = tmp_path / "with_roster.xlsx"
    workbook.save(input_path)
    before = sha256(input_path)
    output = tmp_path / "out.xlsx"
    write_workbook(case.problem, case.solution, case.report, output, input_path)
    result = load_workbook(output)
    assert "Roster (input)" in result.sheetnames and "stress (input)" in result.sheetnames
    kept = result["Roster (input)"]
    assert data_rows(kept) == [("A01", "08:00-16:30 FT")]
    assert kept["A1"].font.bold and kept["B2"].fill.fgColor.rgb.endswith("FFFF00")
    assert result["stress (input)"]["A1"].value == "my own notes"
    assert header(result["Roster"])[0] == "agent_id" and result["Roster"].max_row == 11
    assert header(result["Stress"]) == list(STRESS_COLUMNS)
    assert sha256(input_path) == before


def test_output_onto_the_input_is_refused(case: Case) -> None:
    same = case.input_path.parent / "sub" / ".." / case.input_path.name
    with pytest.raises(OutputWriteError, match="input workbook"):
        write_workbook(case.problem, case.solution, case.report, same, case.input_path)
    assert sha256(case.input_path) == case.input_hash_before


def unwritable_outputs(folder: Path) -> dict[str, Path]:
    (folder / "a folder.xlsx").mkdir()
    return {"folder": folder / "a folder.xlsx", "missing": folder / "no such dir" / "x.xlsx"}


@pytest.mark.parametrize("kind", ["folder", "missing"])
def test_unwritable_output_raises_and_leaves_nothing(case: Case, tmp_path: Path,
                                                     kind: str) -> None:
    output = unwritable_outputs(tmp_path)[kind]
    with pytest.raises(OutputWriteError, match="-o") as caught:
        write_workbook(case.problem, case.solution, case.report, output, case.input_path)
    assert str(output) in str(caught.value)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions that apply to this user")
def test_read_only_folder_raises(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputWriteError, match="-o"):
            write_workbook(case.problem, case.solution, case.report, folder / "out.xlsx",
                           case.input_path)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_folder_refusing_new_files_raises(case: Case, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refused)
    output = tmp_path / "out.xlsx"
    with pytest.raises(OutputWriteError, match="Permission denied") as caught:
        write_workbook(case.problem, case.solution, case.report, output, case.input_path)
    assert str(output) in str(caught.value) and "-o" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_failed_rename_removes_the_temporary_file(case: Case, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "open in excel.xlsx"
    output.write_bytes(b"old")

    def locked(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputWriteError, match="close it"):
        write_workbook(case.problem, case.solution, case.report, output, case.input_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["open in excel.xlsx"]
    assert output.read_bytes() == b"old"


def test_rewriting_replaces_an_existing_output(case: Case, tmp_path: Path) -> None:
    output = tmp_path / "out.xlsx"
    output.write_bytes(b"stale")
    write_workbook(case.problem, case.solution, case.report, output, case.input_path)
    assert "Summary" in load_workbook(output).sheetnames
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


# --------------------------------------------------------------------------- comparison


@pytest.fixture(scope="module")
def comparison(case: Case, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[
        ScoredRoster]]:
    required = required_agents(case.problem)
    baseline = greedy_roster(case.problem, required, mode="baseline")
    scored = [ScoredRoster("stress-aware", case.solution, case.report),
              ScoredRoster("baseline", baseline, evaluate(case.problem, baseline, required))]
    output = tmp_path_factory.mktemp("compare") / "small.compare.xlsx"
    write_comparison_workbook(
        case.problem, [(r.name, r.solution, r.report) for r in scored],
        comparison_table(scored),
        {r.name: complaint_minutes_grid(case.problem, r.report) for r in scored},
        output, case.input_path)
    return output, scored


def test_comparison_workbook_has_its_sheets(case: Case,
                                           comparison: tuple[Path, list[ScoredRoster]]) -> None:
    output, _ = comparison
    workbook = load_workbook(output)
    expected = ["Comparison"]
    for name in ("stress-aware", "baseline"):
        expected += [f"Roster {name}", f"Coverage {name}", f"Complaint minutes {name}"]
    assert workbook.sheetnames == [*load_workbook(case.input_path).sheetnames, *expected,
                                   "Charts"]
    assert all(len(name) <= 31 for name in workbook.sheetnames)
    assert header(workbook["Coverage baseline"]) == list(COVERAGE_COLUMNS)
    assert sha256(case.input_path) == case.input_hash_before


def test_comparison_sheet_is_the_table(comparison: tuple[Path, list[ScoredRoster]]) -> None:
    output, scored = comparison
    table = comparison_table(scored)
    worksheet = load_workbook(output)["Comparison"]
    assert header(worksheet) == ["figure", "stress-aware", "baseline"]
    rows = data_rows(worksheet)
    assert [r[0] for r in rows] == list(table.index)
    figures = {r[0]: r for r in rows}
    assert figures["paid hours"][1] == pytest.approx(table.loc["paid hours", "stress-aware"])
    assert figures["solver status"][1:] == ("FEASIBLE", "FEASIBLE")


def test_comparison_roster_and_complaint_grids(case: Case,
                                              comparison: tuple[Path, list[ScoredRoster]]) -> None:
    output, scored = comparison
    workbook = load_workbook(output)
    baseline = scored[1]
    roster_rows = data_rows(workbook["Roster baseline"])
    cells = {(s.agent_id, s.day): roster_cell(case.problem, s) for s in baseline.solution.shifts}
    assert [list(r[1:]) for r in roster_rows] == [
        [cells.get((a.id, d), "OFF") for d in range(case.problem.days)]
        for a in case.problem.agents]
    grid = complaint_minutes_grid(case.problem, baseline.report)
    worksheet = workbook["Complaint minutes baseline"]
    assert [r[0] for r in data_rows(worksheet)] == list(grid.index)
    assert [list(r[1:]) for r in data_rows(worksheet)] == grid.to_numpy().tolist()
    rules = [rule for ranges in worksheet.conditional_formatting for rule in ranges.rules]
    assert [rule.type for rule in rules] == ["colorScale"]
    colours = [c.rgb for c in rules[0].colorScale.color]
    assert colours[0].endswith("FFFFFF") and not colours[-1].endswith("FFFFFF")


def test_comparison_charts_per_roster_and_queue(
        case: Case, comparison: tuple[Path, list[ScoredRoster]]) -> None:
    output, _ = comparison
    charts = charts_of(load_workbook(output), "Charts")
    assert len(charts) == 2 * len(case.problem.queues)
    assert all(type(chart).__name__ == "LineChart" for chart in charts)


def test_comparison_sheet_names_are_short_and_unique() -> None:
    names = comparison_sheet_names(["a-very-long-roster-name-indeed", "a-very-long-roster-name"
                                    "-indeed-too", "x/y"])
    titles = [title for triple in names.values() for title in triple]
    assert all(len(title) <= 31 for title in titles)
    assert len({t.lower() for t in titles}) == len(titles)
    assert names["x/y"][0] == "Roster x_y"
