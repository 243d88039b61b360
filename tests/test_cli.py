"""The command line end to end on the bundled small sample and on hand-made workbooks."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from shiftcare.cli import main
from tests.workbook_builder import valid_sheets, write_workbook

SAMPLES = Path(__file__).resolve().parent.parent / "instances"
OUTPUT_SHEETS = ("Roster", "Activities", "Coverage", "Stress", "Summary")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sheet_values(path: Path, name: str) -> list[tuple[Any, ...]]:
    workbook = load_workbook(path, read_only=True)
    rows = [tuple(row) for row in workbook[name].iter_rows(values_only=True)]
    workbook.close()
    return rows


def summary(path: Path) -> dict[str, Any]:
    return {str(row[0]): row[1] for row in sheet_values(path, "Summary")[1:]}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    return Path(shutil.copy(SAMPLES / "small.xlsx", folder / "small.xlsx"))


@pytest.fixture(scope="module")
def solved(small: Path) -> Path:
    """The small sample solved once, stress-aware, one worker."""
    output = small.with_name("solved.xlsx")
    before = sha256(small)
    result = run("solve", str(small), "-o", str(output), "--time-limit", "20",
                 "--workers", "1", "-q")
    assert result.exit_code == 0, result.stderr
    assert sha256(small) == before
    return output


def test_solve_writes_every_output_sheet_with_zero_stress_violations(solved: Path) -> None:
    sheets = load_workbook(solved, read_only=True).sheetnames
    assert set(OUTPUT_SHEETS) <= set(sheets)
    assert "Diagnostics" not in sheets
    values = summary(solved)
    assert values["status"] in ("OPTIMAL", "FEASIBLE")
    assert values["mode"] == "stress-aware"
    assert values["stress_violations"] == 0
    assert len(sheet_values(solved, "Activities")) > 1


def test_same_seed_and_one_worker_give_the_same_roster(small: Path, solved: Path) -> None:
    again = small.with_name("again.xlsx")
    result = run("solve", str(small), "-o", str(again), "--time-limit", "20",
                 "--workers", "1", "-q")
    assert result.exit_code == 0, result.stderr
    for sheet in ("Roster", "Activities"):
        assert sheet_values(again, sheet) == sheet_values(solved, sheet)


def test_one_worker_interleaves_the_search_and_leaves_no_one_short(solved: Path) -> None:
    """One worker runs CP-SAT's interleaved portfolio: on the small sample (20 s) it
    leaves no agent-minute short, where the plain one-worker search left 405-435, and it
    stops on its deterministic time well before the wall clock."""
    values = summary(solved)
    assert values["understaffed_agent_minutes"] == 0
    assert float(str(values["solve_seconds"])) < 18


def test_baseline_mode_reports_its_stress_violations(small: Path) -> None:
    output = small.with_name("baseline.xlsx")
    result = run("solve", str(small), "-o", str(output), "--mode", "baseline",
                 "--time-limit", "8", "-q")
    assert result.exit_code == 0, result.stderr
    stress = sheet_values(output, "Stress")
    column = stress[0].index("violations")
    assert sum(int(row[column] or 0) for row in stress[1:]) == summary(output)["stress_violations"]
    assert summary(output)["stress_violations"] > 0


def test_json_summary_on_stdout(small: Path) -> None:
    output = small.with_name("json.xlsx")
    result = run("solve", str(small), "-o", str(output), "--time-limit", "10", "--json", "-",
                 "-q")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["exit_code"] == 0
    assert payload["output"] == str(output)
    assert payload["status"] == summary(output)["status"]
    assert payload["input_sha256"] == sha256(small)


def test_quiet_prints_nothing_on_success(small: Path) -> None:
    output = small.with_name("quiet.xlsx")
    result = run("solve", str(small), "-o", str(output), "--time-limit", "5", "-q")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == ""


def test_evaluate_a_solved_roster_reproduces_its_figures(solved: Path, tmp_path: Path) -> None:
    output = tmp_path / "evaluated.xlsx"
    result = run("evaluate", str(solved), "-o", str(output), "--time-limit", "10", "-q")
    assert result.exit_code == 0, result.stderr
    evaluated, original = summary(output), summary(solved)
    assert evaluated["status"] == "EVALUATED"
    for key in ("understaffed_agent_minutes", "paid_hours", "stress_violations",
                "max_complaint_stretch_minutes", "shifts"):
        assert evaluated[key] == original[key], key


def test_evaluate_places_breaks_and_lists_broken_rules(tmp_path: Path) -> None:
    source = write_workbook(valid_sheets(), tmp_path / "existing.xlsx")
    output = tmp_path / "evaluated.xlsx"
    result = run("evaluate", str(source), "-o", str(output), "--time-limit", "10", "-q")
    assert result.exit_code == 0, result.stderr
    diagnostics = sheet_values(output, "Diagnostics")
    rules = {row[0] for row in diagnostics[1:]}
    assert "availability_off" in rules  # A2 works on the date they are off
    assert summary(output)["shifts"] == 3


def test_evaluate_without_a_roster_is_a_clear_error(tmp_path: Path) -> None:
    sheets = valid_sheets()
    del sheets["Roster"]
    source = write_workbook(sheets, tmp_path / "no-roster.xlsx")
    result = run("evaluate", str(source), "--time-limit", "5")
    assert result.exit_code == 2
    assert "Roster" in result.stderr
    assert "Traceback" not in result.stderr


def test_keep_shifts_keeps_the_input_roster(solved: Path, tmp_path: Path) -> None:
    output = tmp_path / "kept.xlsx"
    result = run("solve", str(solved), "-o", str(output), "--keep-shifts", "--time-limit", "6",
                 "-q")
    assert result.exit_code == 0, result.stderr
    assert sheet_values(output, "Roster") == sheet_values(solved, "Roster")


def test_compare_prints_and_writes_the_comparison(small: Path) -> None:
    output = small.with_name("compared.xlsx")
    result = run("compare", str(small), "-o", str(output), "--time-limit", "8")
    assert result.exit_code == 0, result.stderr
    assert "price of care" in result.stdout
    assert "stress-aware" in result.stdout and "baseline" in result.stdout
    assert "Comparison" in load_workbook(output, read_only=True).sheetnames


def test_output_equal_to_input_is_refused(small: Path) -> None:
    before = sha256(small)
    result = run("solve", str(small), "-o", str(small))
    assert result.exit_code == 2
    assert "input" in result.stderr
    assert sha256(small) == before


def test_unwritable_output_is_a_clear_error(small: Path, tmp_path: Path) -> None:
    result = run("solve", str(small), "-o", str(tmp_path / "missing" / "out.xlsx"),
                 "--time-limit", "5", "-q")
    assert result.exit_code == 2
    assert "out.xlsx" in result.stderr
    assert "Traceback" not in result.stderr


def test_infeasible_rules_exit_3_with_a_diagnosis(tmp_path: Path) -> None:
    sheets = valid_sheets()
    del sheets["Roster"]
    agent = sheets["Agents"][0]
    agent["min_hours"] = 12  # two shifts (7.5 paid hours at most each) ...
    sheets["Availability"].append({"agent_id": "A1", "date": "2026-11-30", "status": "off"})
    source = write_workbook(sheets, tmp_path / "infeasible.xlsx")  # ... but one date off
    output = tmp_path / "diagnosed.xlsx"
    result = run("solve", str(source), "-o", str(output), "--time-limit", "20")
    assert result.exit_code == 3, result.stderr
    assert "A1" in result.stderr
    diagnostics = sheet_values(output, "Diagnostics")
    assert diagnostics[0] == ("rule", "sheet", "row", "agent_id", "date", "message")
    located = {(row[0], row[1], row[2], row[3], row[4]) for row in diagnostics[1:]}
    assert located == {("min_hours", "Agents", 2, "A1", None),
                       ("availability_off", "Availability", 5, "A1", "2026-11-30")}
    assert "Availability" in result.stderr and "2026-11-30" in result.stderr


def test_no_roster_within_the_time_limit_exits_4_and_writes_nothing(
        small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shiftcare.pipeline
    from shiftcare.solution import Solution, SolveInfo

    monkeypatch.setattr(shiftcare.pipeline, "solve",
                        lambda *args, **kwargs: Solution((), (), SolveInfo(status="UNKNOWN")))
    output = small.with_name("nothing.xlsx")
    result = run("solve", str(small), "-o", str(output), "--json", "-")
    assert result.exit_code == 4
    assert "time limit" in result.stderr
    assert json.loads(result.stdout)["exit_code"] == 4
    assert not output.exists()


def test_the_time_limit_covers_reading_solving_and_writing(small: Path) -> None:
    import time

    output = small.with_name("timed.xlsx")
    started = time.monotonic()
    result = run("solve", str(small), "-o", str(output), "--time-limit", "6", "-q")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    assert summary(output)["status"] == "FEASIBLE"
    assert elapsed < 6 + 3


def test_start_date_rolls_the_horizon_and_next_history_is_written(tmp_path: Path) -> None:
    sheets = valid_sheets()
    del sheets["Roster"]
    source = write_workbook(sheets, tmp_path / "rolling.xlsx")
    output = tmp_path / "rolled.xlsx"
    result = run("solve", str(source), "-o", str(output), "--start-date", "2026-12-01",
                 "--time-limit", "10", "-q")
    assert result.exit_code == 0, result.stderr
    values = summary(output)
    assert values["start_date"] == "2026-12-01"
    assert values["days"] == 2
    history = sheet_values(output, "Next History")
    assert history[0] == ("agent_id", "last_shift_end", "consecutive_days_worked")
    assert sorted(row[0] for row in history[1:]) == ["A1", "A2", "A3"]


def test_staffing_prints_and_writes_the_requirement(small: Path) -> None:
    output = small.with_name("staffing.xlsx")
    result = run("staffing", str(small), "-o", str(output))
    assert result.exit_code == 0, result.stderr
    assert "required_agents" in result.stdout and "service_level" in result.stdout
    rows = sheet_values(output, "Staffing")
    header = rows[0]
    required = [row[header.index("required_agents")] for row in rows[1:]]
    calls = [row[header.index("calls")] for row in rows[1:]]
    assert max(required) > 0
    assert all(r == 0 for r, c in zip(required, calls, strict=True) if not c)


def test_demo_writes_the_bundled_sample(tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    result = run("demo", str(path), "--size", "small")
    assert result.exit_code == 0
    bundled = SAMPLES / "small.xlsx"
    names = load_workbook(bundled, read_only=True).sheetnames
    assert load_workbook(path, read_only=True).sheetnames == names
    for name in names:
        assert sheet_values(path, name) == sheet_values(bundled, name), name
