"""The Excel reader on valid workbooks: round trips, defaults, cell kinds, grids."""

from __future__ import annotations

import hashlib
import math
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pytest

from shiftcare import samples
from shiftcare.io.excel_read import (
    Bad,
    parse_bool,
    parse_date,
    parse_number,
    parse_time,
    parse_weekdays,
    read_workbook,
)
from shiftcare.problem import Problem, RosterEntry
from shiftcare.solution import ActivityBlock
from tests.workbook_builder import (
    MONDAY,
    AnySheets,
    forecast_excel_row,
    valid_sheets,
    write_workbook,
)

REPO = Path(__file__).resolve().parent.parent
INSTANCES = REPO / "instances"


def read(sheets: AnySheets, tmp_path: Path, name: str = "input.xlsx") -> Problem:
    return read_workbook(write_workbook(sheets, tmp_path / name))


def same_content(first: Problem, second: Problem) -> None:
    """Every field but the source equal; forecast arrays element by element."""
    for name in ("start_date", "days", "settings", "queues", "agents", "shift_types",
                 "availability", "history", "existing_roster", "existing_activities"):
        assert getattr(first, name) == getattr(second, name), name
    for name in ("calls", "aht_seconds", "complaint_share", "required_override"):
        np.testing.assert_array_equal(getattr(first.forecast, name),
                                      getattr(second.forecast, name))


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(("kind", "agents", "queues", "days"), [
    ("small", 10, ["main"], 3),
    ("medium", 40, ["general", "complaints"], 7),
])
def test_bundled_instances_read(kind: str, agents: int, queues: list[str], days: int) -> None:
    path = INSTANCES / f"{kind}.xlsx"
    problem = read_workbook(path)
    assert len(problem.agents) == agents
    assert [q.id for q in problem.queues] == queues
    assert problem.days == days and problem.start_date == date(2026, 11, 30)
    assert problem.forecast.calls.shape == (len(queues), days * 96)
    assert problem.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert problem.source_path == str(path)
    assert problem.existing_roster is None and problem.existing_activities is None


def test_build_sample_round_trips_its_specification(tmp_path: Path) -> None:
    spec = samples.sample_spec("medium")
    problem = read_workbook(samples.build_sample("medium", tmp_path / "medium.xlsx"))
    expected = samples.forecast_problem(spec)
    for name in ("calls", "complaint_share", "required_override"):
        np.testing.assert_array_equal(getattr(problem.forecast, name),
                                      getattr(expected.forecast, name))
    opening = samples.open_mask(spec.start_date, spec.days).reshape(-1)
    np.testing.assert_array_equal(problem.forecast.aht_seconds[:, opening],
                                  expected.forecast.aht_seconds[:, opening])
    assert not problem.forecast.aht_seconds[:, ~opening].any()
    assert [(q.id, q.answer_seconds) for q in problem.queues] == [
        (q.id, q.answer_seconds) for q in expected.queues]
    assert [a.id for a in problem.agents] == [a.id for a in spec.agents]
    assert [a.skills for a in problem.agents] == [a.skills for a in spec.agents]
    assert [t.id for t in problem.shift_types] == [t.id for t in spec.shift_types]
    assert [t.paid_minutes for t in problem.shift_types] == [
        round(t.paid_hours * 60) for t in spec.shift_types]
    assert len(problem.availability) == len(spec.availability)
    assert [h.last_shift_end for h in problem.history] == [
        h.last_shift_end for h in spec.history]


def test_reading_leaves_the_file_byte_identical(tmp_path: Path) -> None:
    path = write_workbook(valid_sheets(), tmp_path / "input.xlsx")
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    read_workbook(path)
    read_workbook(str(path))
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.xlsx"]


# --------------------------------------------------------------------------- the valid workbook


def test_valid_workbook_settings_and_queues(tmp_path: Path) -> None:
    problem = read(valid_sheets(), tmp_path)
    assert problem.start_date == MONDAY and problem.days == 2
    assert problem.settings.timezone == "Europe/Berlin"
    assert problem.settings.max_complaint_stretch_minutes == 45
    assert problem.settings.recovery_after_minutes == 45  # a default
    general, complaints = problem.queues
    assert (general.id, general.answer_seconds, general.patience_seconds) == ("general", 20, None)
    assert (complaints.service_level_target, complaints.patience_seconds) == (0.8, 120)
    assert (general.row, complaints.row) == (2, 3)


def test_forecast_arrays_and_missing_intervals(tmp_path: Path) -> None:
    problem = read(valid_sheets(), tmp_path)
    calls = problem.forecast.calls
    eight, tuesday_nine = 32, 96 + 36
    assert calls[0, eight] == 12 and calls[1, eight] == 3
    assert calls[1, tuesday_nine + 3] == 3 and calls[1, tuesday_nine + 4] == 0
    assert calls.sum() == 2 * 8 * (12 + 3)
    assert problem.forecast.aht_seconds[0, 0] == 0 and problem.forecast.aht_seconds[1, 32] == 540
    assert problem.forecast.complaint_share[1, eight] == 0.7
    assert np.isnan(problem.forecast.required_override).all()
    assert problem.complaint_heavy()[1].sum() == 16


def test_agent_values_and_defaults(tmp_path: Path) -> None:
    problem = read(valid_sheets(), tmp_path)
    a1, a2, a3 = problem.agents
    assert a1.skills == ("general", "complaints") and a1.shift_types == ("DAY", "LATE")
    assert (a1.min_hours, a1.max_hours, a1.max_days) == (8, 16, 2)
    assert (a1.min_rest_hours, a1.max_consecutive_days) == (12, 5)  # Settings, own
    assert a1.max_complaint_stretch_minutes == 30
    assert a2.complaint_eligible is False and a2.min_rest_hours == 10
    assert a2.max_complaint_stretch_minutes == 45  # Settings
    assert a3.name == "A3" and a3.skills == ("general", "complaints")
    assert a3.shift_types == ("DAY", "LATE") and a3.complaint_eligible
    assert a3.max_consecutive_days == 6 and a3.min_hours == 0
    assert a3.max_hours == pytest.approx(max(40 * 2 / 7, 7.5))
    assert a3.max_days == 2
    assert [a.row for a in problem.agents] == [2, 3, 4]


def test_shift_types_and_breaks(tmp_path: Path) -> None:
    day, late = read(valid_sheets(), tmp_path).shift_types
    assert (day.earliest_start, day.latest_start, day.start_step_minutes) == (480, 600, 30)
    assert day.weekdays == frozenset(range(5)) and day.paid_minutes == 450
    assert [(b.name, b.paid, b.row) for b in day.breaks] == [
        ("break1", True, 2), ("lunch", False, 3)]
    assert late.start_step_minutes == 15 and late.weekdays == frozenset(range(7))
    assert [(b.name, b.latest_start_after_minutes, b.row) for b in late.breaks] == [
        ("break1", 180, 4)]


def test_availability_history_and_roster(tmp_path: Path) -> None:
    problem = read(valid_sheets(), tmp_path)
    off, window, prefer = problem.availability
    assert (off.agent_id, off.day, off.status, off.row) == ("A2", 1, "off", 2)
    assert (window.window_from, window.window_to) == (720, 1200)
    assert (prefer.status, prefer.day) == ("prefer_off", 1)
    (history,) = problem.history
    assert (history.last_shift_end, history.consecutive_days_worked) == (-120, 3)
    assert problem.existing_roster == (
        RosterEntry("A1", 0, 480, 960, "DAY", row=2),
        RosterEntry("A2", 1, 1440 + 510, 1440 + 990, None, row=3),
        RosterEntry("A3", 0, 1320, 1800, None, row=4),
    )


def test_window_across_midnight_and_open_sides(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Availability"][1].update({"from": "20:00", "to": "02:00"})
    sheets["Availability"][0].update({"status": "Window", "from": None, "to": "14:00"})
    problem = read(sheets, tmp_path)
    assert (problem.availability[1].window_from, problem.availability[1].window_to) == (
        1200, 1440 + 120)
    assert (problem.availability[0].window_from, problem.availability[0].window_to) == (
        None, 1440 + 840)


def test_activities_sheet_becomes_existing_activities(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Activities"] = [
        {"agent_id": "A1", "date": MONDAY, "start": datetime(2026, 11, 30, 8),
         "end": datetime(2026, 11, 30, 9), "activity": "phone", "detail": "general",
         "paid": "yes"},
        {"agent_id": "A1", "date": "2026-11-30", "start": "2026-11-30 09:00",
         "end": "2026-11-30 09:15", "activity": "break", "detail": "break1", "paid": None},
        {"agent_id": "A3", "date": "2026-11-30", "start": "2026-11-30 23:30",
         "end": "2026-12-01 00:15", "activity": "Recovery", "detail": None, "paid": "no"},
    ]
    blocks = read(sheets, tmp_path).existing_activities
    assert blocks == (
        ActivityBlock("A1", 0, 480, 540, "phone", "general", True),
        ActivityBlock("A1", 0, 540, 555, "break", "break1", True),
        ActivityBlock("A3", 0, 1410, 1455, "recovery", "", False),
    )


# --------------------------------------------------------------------------- flexibility


def test_names_are_case_insensitive_and_extras_ignored(tmp_path: Path) -> None:
    reference = read(valid_sheets(), tmp_path, "reference.xlsx")
    sheets = {f"  {name.upper()} ": [{f" {str(k).title()} ": v for k, v in row.items()}
                                      for row in rows]
              for name, rows in valid_sheets().items()}
    sheets["  AGENTS "][0]["Notes"] = "prefers mornings"
    sheets["Extra"] = [{"anything": 1}]
    same_content(read(sheets, tmp_path, "shouting.xlsx"), reference)


def test_excel_cells_read_like_text(tmp_path: Path) -> None:
    reference = read(valid_sheets(), tmp_path, "text.xlsx")
    sheets = valid_sheets()
    sheets["Settings"][0]["value"] = MONDAY
    sheets["Settings"][1]["value"] = "2"
    for row in sheets["Forecast"]:
        row["date"] = date.fromisoformat(str(row["date"]))
        hours, minutes = str(row["interval_start"]).split(":")
        row["interval_start"] = time(int(hours), int(minutes))
        row["calls"] = str(row["calls"])
    sheets["ShiftTypes"][0].update({"earliest_start": "8:00", "latest_start": "10:00:00"})
    sheets["ShiftTypes"][1]["earliest_start"] = datetime(2026, 1, 1, 12, 0)
    sheets["Agents"][0].update({"complaint_eligible": True, "max_hours": "16"})
    sheets["Agents"][1]["complaint_eligible"] = "FALSE"
    sheets["Breaks"][1]["paid"] = 0
    sheets["History"][0]["last_shift_end"] = datetime(2026, 11, 29, 22, 0)
    sheets["Availability"][1]["from"] = time(12, 0)
    sheets["Roster"] = [{("agent_id" if k == "agent_id" else date.fromisoformat(str(k))): v
                         for k, v in row.items()} for row in sheets["Roster"]]
    same_content(read(sheets, tmp_path, "cells.xlsx"), reference)


def test_without_settings_and_queues_the_forecast_sets_the_horizon(tmp_path: Path) -> None:
    sheets = valid_sheets()
    del sheets["Settings"], sheets["Queues"], sheets["Roster"]
    sheets["Forecast"] = [{k: v for k, v in row.items() if k != "queue"}
                          for row in sheets["Forecast"] if row["queue"] == "general"]
    sheets["Forecast"][-1]["date"] = "2026-12-03"
    for row in sheets["Agents"]:
        row["skills"] = None
    problem = read(sheets, tmp_path)
    assert problem.start_date == MONDAY and problem.days == 4
    assert [q.id for q in problem.queues] == ["main"]
    assert problem.settings.interval_minutes == 15 and problem.settings.timezone == "UTC"
    assert problem.forecast.calls.shape == (1, 4 * 96)
    assert problem.forecast.calls[0, 3 * 96 + 39] == 12
    assert problem.agents[2].max_days == 3  # min(4, ceil(20 / 7))
    assert problem.agents[2].max_hours == pytest.approx(40 * 4 / 7)
    assert problem.existing_roster is None


def test_short_horizon_defaults(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Settings"][1]["value"] = 1
    sheets["Forecast"] = sheets["Forecast"][:16]
    sheets["Availability"] = sheets["Availability"][1:2]
    sheets["Roster"] = [{"agent_id": r["agent_id"], "2026-11-30": r["2026-11-30"]}
                        for r in sheets["Roster"]]
    a3 = read(sheets, tmp_path).agents[2]
    assert a3.max_days == 1
    assert a3.max_hours == 7.5  # the DAY shift's paid hours beat 40 / 7


def test_required_agents_override_and_interval_grid(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Settings"][2]["value"] = 30
    sheets["Forecast"] = [row for row in sheets["Forecast"]
                          if str(row["interval_start"]).endswith(("00", "30"))]
    sheets["Forecast"][0]["required_agents"] = 4
    sheets["ShiftTypes"][1]["start_step_minutes"] = None
    for row in sheets["Breaks"]:
        row["duration_minutes"] = 30
    sheets["Agents"][0]["max_complaint_stretch_minutes"] = 60
    sheets["Settings"][4]["value"] = 60
    problem = read(sheets, tmp_path)
    assert problem.settings.interval_minutes == 30
    assert problem.forecast.calls.shape == (2, 96)
    assert problem.forecast.required_override[0, 16] == 4
    assert np.isnan(problem.forecast.required_override[1, 16])
    assert problem.shift_types[1].start_step_minutes == 30


def test_rolled_start_date_skips_rows_outside(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Settings"][1]["value"] = None
    path = write_workbook(sheets, tmp_path / "input.xlsx")
    problem = read_workbook(path, start_date=date(2026, 12, 1))
    assert problem.start_date == date(2026, 12, 1) and problem.days == 1
    assert problem.forecast.calls.sum() == 8 * 15
    assert [(a.agent_id, a.day) for a in problem.availability] == [("A2", 0), ("A1", 0)]
    assert [(e.agent_id, e.start) for e in problem.existing_roster or ()] == [("A2", 510)]
    assert problem.history[0].last_shift_end == -120 - 1440


def test_blank_rows_are_skipped_and_row_numbers_kept(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Agents"].insert(1, {"agent_id": None, "name": "  "})
    problem = read(sheets, tmp_path)
    assert [(a.id, a.row) for a in problem.agents] == [("A1", 2), ("A2", 4), ("A3", 5)]
    assert forecast_excel_row(1, 0, 1) == 19


# --------------------------------------------------------------------------- cell parsers


@pytest.mark.parametrize(("value", "minutes"), [
    ("08:00", 480), ("8:15", 495), ("23:45:00", 1425), (time(6, 30), 390),
    (datetime(2026, 1, 1, 7, 0), 420), (None, None), ("  ", None),
])
def test_parse_time_accepts(value: object, minutes: int | None) -> None:
    assert parse_time(value) == minutes


@pytest.mark.parametrize("value", ["8", "08:60", "24:00", "08:00:30", "noon", 0.5, True])
def test_parse_time_rejects(value: object) -> None:
    assert isinstance(parse_time(value), Bad)


def test_parse_number_bool_date_weekdays() -> None:
    assert parse_number("12") == 12.0 and parse_number(" 2.5 ") == 2.5
    assert isinstance(parse_number("twelve"), Bad) and isinstance(parse_number(True), Bad)
    assert isinstance(parse_number(math.inf), Bad)
    assert [parse_bool(v) for v in ("YES", "no", "True", 0, 1, False, "1")] == [
        True, False, True, False, True, False, True]
    assert isinstance(parse_bool("maybe"), Bad)
    assert parse_date("2026-11-30") == parse_date(datetime(2026, 11, 30, 0, 0)) == MONDAY
    assert isinstance(parse_date("30/11/2026"), Bad) and isinstance(parse_date(46000), Bad)
    assert parse_weekdays("mon-fri") == frozenset(range(5))
    assert parse_weekdays("Sat, sunday") == frozenset({5, 6})
    assert parse_weekdays("Fri-Mon") == frozenset({4, 5, 6, 0})
    assert isinstance(parse_weekdays("Mon,Funday"), Bad)
