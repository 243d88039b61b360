"""Sample and generated workbooks: deterministic, sized as documented, realistic shapes."""

from __future__ import annotations

import importlib.util
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from openpyxl import load_workbook

from shiftcare import samples
from shiftcare.staffing import required_agents

REPO = Path(__file__).resolve().parent.parent
INSTANCES = REPO / "instances"
INPUT_SHEETS = ["Settings", "Queues", "Forecast", "Agents", "ShiftTypes", "Breaks",
                "Availability", "History"]
HAS_READER = importlib.util.find_spec("shiftcare.io.excel_read") is not None

Values = dict[str, list[tuple[Any, ...]]]
Rows = list[dict[str, Any]]


def sheet_values(path: Path) -> Values:
    """Every sheet's cell values, row by row."""
    workbook = load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)]
                for ws in workbook.worksheets}
    finally:
        workbook.close()


def records(values: Values, sheet: str) -> Rows:
    """A sheet as dicts keyed by its header."""
    header, *rows = values[sheet]
    return [dict(zip(header, row, strict=True)) for row in rows]


def settings_of(values: Values) -> dict[str, Any]:
    return {row["key"]: row["value"] for row in records(values, "Settings")}


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def peaks(curve: np.ndarray, prominence: float) -> list[int]:
    """Indices of local maxima that stand at least ``prominence`` above the lowest point
    between them and the next higher maximum (or the curve's end) on both sides."""
    found = []
    for i in range(1, len(curve) - 1):
        if not (curve[i] >= curve[i - 1] and curve[i] > curve[i + 1]):
            continue
        left = curve[: i + 1][::-1]
        right = curve[i:]
        drops = []
        for side in (left, right):
            higher = np.flatnonzero(side > curve[i])
            stretch = side[: higher[0]] if higher.size else side
            drops.append(curve[i] - stretch.min())
        if min(drops) >= prominence:
            found.append(i)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("samples")
    return {kind: samples.build_sample(cast(samples.SampleKind, kind), folder / f"{kind}.xlsx")
            for kind in ("small", "medium")}


@pytest.fixture(scope="module")
def values(built: dict[str, Path]) -> dict[str, Values]:
    return {kind: sheet_values(path) for kind, path in built.items()}


# --------------------------------------------------------------------------- profiles


def test_intraday_profile_sums_to_one_per_weekday() -> None:
    profiles = samples.load_profiles()
    assert profiles.intraday.shape == (7, 96)
    np.testing.assert_allclose(profiles.intraday.sum(axis=1), 1.0, atol=1e-4)
    assert (profiles.intraday >= 0).all()


def test_monday_is_the_busiest_weekday_and_the_weekend_is_quiet() -> None:
    volume = samples.load_profiles().daily_volume
    assert volume.argmax() == 0
    np.testing.assert_allclose(volume[:5].mean(), 1.0, atol=1e-3)
    assert volume[5] < 0.5 and volume[6] < volume[5]


def test_aht_profile_varies_but_stays_near_one_in_opening_hours() -> None:
    relative = samples.load_profiles().relative_aht[8 * 4: 20 * 4]
    assert 0.8 < relative.min() < 0.95
    assert 1.1 < relative.max() < 1.35


@pytest.mark.parametrize("weekday", range(5))
def test_working_day_curve_has_a_morning_and_an_afternoon_peak(weekday: int) -> None:
    hourly = samples.daily_call_curve(weekday).reshape(24, 4).sum(axis=1)[8:20]
    found = peaks(hourly, prominence=0.08 * hourly.max())
    assert len(found) == 2
    morning, afternoon = found
    assert morning + 8 < 12 <= afternoon + 8


def test_calls_only_in_opening_hours() -> None:
    for weekday in range(7):
        curve = samples.daily_call_curve(weekday)
        assert (curve[~samples.open_intervals(weekday)] == 0).all()
    assert samples.daily_call_curve(6).sum() == 0
    assert samples.daily_call_curve(5)[14 * 4:].sum() == 0


# --------------------------------------------------------------------------- samples


@pytest.mark.parametrize("kind", ["small", "medium"])
def test_build_sample_is_deterministic(
    kind: str, tmp_path: Path, values: dict[str, Values]
) -> None:
    again = samples.build_sample(cast(samples.SampleKind, kind), tmp_path / "again.xlsx")
    assert sheet_values(again) == values[kind]


@pytest.mark.parametrize("kind", ["small", "medium"])
def test_sample_has_every_input_sheet(
    kind: str, values: dict[str, Values]
) -> None:
    assert list(values[kind]) == INPUT_SHEETS
    for sheet in INPUT_SHEETS:
        assert len(values[kind][sheet]) > 1, sheet


def test_small_sample_sizes(values: dict[str, Values]) -> None:
    small = values["small"]
    settings = settings_of(small)
    assert settings["days"] == 3 and settings["time_limit_seconds"] == 20
    assert isinstance(settings["start_date"], datetime)
    assert settings["start_date"].date() == date(2026, 11, 30)
    assert [q["queue"] for q in records(small, "Queues")] == ["main"]
    agents = records(small, "Agents")
    assert 8 <= len(agents) <= 12
    assert {s["shift_type"] for s in records(small, "ShiftTypes")} == {"FT", "PT"}
    forecast_dates = {row["date"] for row in records(small, "Forecast")}
    assert len(forecast_dates) == 3


def test_medium_sample_sizes(values: dict[str, Values]) -> None:
    medium = values["medium"]
    settings = settings_of(medium)
    assert settings["days"] == 7 and settings["time_limit_seconds"] == 60
    assert settings["seed"] == 0
    assert [q["queue"] for q in records(medium, "Queues")] == ["general", "complaints"]
    agents = records(medium, "Agents")
    assert len(agents) == 40
    contracts = Counter(a["shift_types"] for a in agents)
    assert contracts == {"FT_early,FT_late": 28, "PT_4h,PT_5h": 12}
    skilled = [a for a in agents if "complaints" in str(a["skills"]).split(",")]
    general = [a for a in agents if "general" in str(a["skills"]).split(",")]
    assert 10 <= len(skilled) <= 14 and len(general) == 40
    assert 2 <= sum(a["complaint_eligible"] == "no" for a in agents) <= 3
    new_hires = [a for a in agents if a["max_complaint_stretch_minutes"] is not None]
    assert 1 <= len(new_hires) <= 2
    assert all(a["max_complaint_stretch_minutes"] == 30 for a in new_hires)
    assert {r["status"] for r in records(medium, "Availability")} == {"off", "prefer_off",
                                                                        "window"}
    assert any(h["consecutive_days_worked"] >= 4 for h in records(medium, "History"))


def test_full_time_shifts_have_a_lunch_and_two_short_breaks(
    values: dict[str, Values],
) -> None:
    breaks = records(values["medium"], "Breaks")
    for shift_type in ("FT_early", "FT_late"):
        rows = [b for b in breaks if b["shift_type"] == shift_type]
        assert sorted((b["duration_minutes"], b["paid"]) for b in rows) == [
            (15, "yes"), (15, "yes"), (30, "no")]
    for shift_type in ("PT_4h", "PT_5h"):
        assert [b["duration_minutes"] for b in breaks if b["shift_type"] == shift_type] == [15]


def test_stress_settings_are_explicit(
    values: dict[str, Values],
) -> None:
    for kind in ("small", "medium"):
        settings = settings_of(values[kind])
        assert settings["max_complaint_stretch_minutes"] == 60
        assert settings["recovery_after_minutes"] == 45
        assert settings["recovery_break_minutes"] == 10
        assert settings["complaint_heavy_share"] == 0.3


@pytest.mark.parametrize(("kind", "queue"), [("small", "main"), ("medium", "general")])
def test_complaint_share_crosses_the_threshold_in_some_calm_queue_intervals(
    kind: str, queue: str, values: dict[str, Values]
) -> None:
    rows = [r for r in records(values[kind], "Forecast") if r["queue"] == queue]
    heavy = [r for r in rows if float(r["complaint_share"]) >= 0.30]
    assert 4 <= len(heavy) <= len(rows) // 4
    assert len({r["date"] for r in heavy}) >= 2


def test_complaints_queue_is_always_complaint_heavy(
    values: dict[str, Values],
) -> None:
    shares = [float(r["complaint_share"]) for r in records(values["medium"], "Forecast")
              if r["queue"] == "complaints"]
    assert shares and min(shares) >= 0.6 and max(shares) <= 0.9


def test_forecast_has_rows_only_in_opening_hours(
    values: dict[str, Values],
) -> None:
    for row in records(values["medium"], "Forecast"):
        weekday = row["date"].weekday()
        opens, closes = samples.OPENING_HOURS[weekday]
        assert opens <= minutes(row["interval_start"]) < closes
        assert float(row["calls"]) > 0 and int(row["aht_seconds"]) > 0


@pytest.mark.parametrize("kind", ["small", "medium"])
def test_every_duration_is_on_the_interval_grid(
    kind: str, values: dict[str, Values]
) -> None:
    sheets = values[kind]
    step = settings_of(sheets)["interval_minutes"]
    durations: list[int] = [value for key, value in settings_of(sheets).items()
                               if key.endswith("_minutes") and key != "recovery_break_minutes"]
    times: list[str] = []
    for row in records(sheets, "ShiftTypes"):
        durations += [row["start_step_minutes"], row["length_minutes"]]
        times += [row["earliest_start"], row["latest_start"]]
    for row in records(sheets, "Breaks"):
        durations += [row["duration_minutes"], row["earliest_start_after_minutes"],
                      row["latest_start_after_minutes"]]
    durations += [a["max_complaint_stretch_minutes"] for a in records(sheets, "Agents")
                  if a["max_complaint_stretch_minutes"] is not None]
    times += [r[k] for r in records(sheets, "Availability") for k in ("from", "to") if r[k]]
    times += [r["interval_start"] for r in records(sheets, "Forecast")]
    assert all(d % step == 0 for d in durations)
    assert all(minutes(t) % step == 0 for t in times)


def test_breaks_lie_inside_their_shift() -> None:
    for spec in samples.SHIFT_TYPES.values():
        for _, duration, earliest, latest, _ in spec.breaks:
            assert 0 < earliest <= latest and latest + duration <= spec.length_minutes


def test_sample_requirements_leave_room_but_need_rotation() -> None:
    medium = samples.sample_spec("medium")
    required = required_agents(samples.forecast_problem(medium))
    general, complaints = required
    open_complaints = complaints[complaints > 0]
    assert 2 <= np.median(open_complaints) <= 5
    assert 0.4 <= required.sum() / samples.deliverable_agent_intervals(medium.agents) <= 0.8
    assert general.max() > 2 * general[general > 0].min()
    assert 0.35 <= samples.peak_required(medium) / len(medium.agents) <= 0.6


def test_start_date_moves_the_horizon(tmp_path: Path) -> None:
    path = samples.build_sample("small", tmp_path / "s.xlsx", start_date=date(2027, 1, 4))
    values = sheet_values(path)
    assert settings_of(values)["start_date"].date() == date(2027, 1, 4)
    assert min(r["date"] for r in records(values, "Forecast")).date() == date(2027, 1, 4)


def test_unknown_sample_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown sample kind"):
        samples.build_sample(cast(samples.SampleKind, "large"), tmp_path / "x.xlsx")


@pytest.mark.parametrize("kind", ["small", "medium"])
def test_committed_instance_equals_a_fresh_build(
    kind: str, values: dict[str, Values]
) -> None:
    committed = INSTANCES / f"{kind}.xlsx"
    assert committed.exists(), f"run build_sample({kind!r}, {committed.name}) and commit it"
    assert sheet_values(committed) == values[kind]


# --------------------------------------------------------------------------- generated


def test_generated_instance_sizes_and_load(tmp_path: Path) -> None:
    spec = samples.generated_spec(agents=80, days=14, queues=3, seed=3)
    assert len(spec.agents) == 80 and spec.days == 14
    assert [q.id for q in spec.queues] == ["general", "complaints", "billing"]
    required = required_agents(samples.forecast_problem(spec)).sum()
    load = required / samples.deliverable_agent_intervals(spec.agents)
    assert 0.85 <= load <= 0.95
    full_time = [a for a in spec.agents if a.contract.name == "full-time"]
    assert full_time and full_time[0].contract.max_days == 10
    assert full_time[0].contract.max_hours == 80


def test_generated_is_deterministic_in_its_seed(tmp_path: Path) -> None:
    first = samples.build_generated(30, 7, seed=5, path=tmp_path / "a.xlsx")
    second = samples.build_generated(30, 7, seed=5, path=tmp_path / "b.xlsx")
    other = samples.build_generated(30, 7, seed=6, path=tmp_path / "c.xlsx")
    assert sheet_values(first) == sheet_values(second)
    assert sheet_values(first)["Forecast"] != sheet_values(other)["Forecast"]


def test_generated_single_queue_is_main() -> None:
    spec = samples.generated_spec(agents=12, days=7, queues=1, seed=0)
    assert [q.id for q in spec.queues] == ["main"]
    assert all(a.skills == ("main",) for a in spec.agents)


def test_generated_availability_keeps_contracts_reachable() -> None:
    spec = samples.generated_spec(agents=300, days=7, seed=2)
    hard = Counter(a.agent_id for a in spec.availability if a.status != "prefer_off")
    assert hard and max(hard.values()) == 1


# --------------------------------------------------------------------------- with the reader


@pytest.mark.skipif(not HAS_READER, reason="shiftcare.io.excel_read not available")
@pytest.mark.parametrize("kind", ["small", "medium"])
def test_samples_read_as_problems(kind: str, built: dict[str, Path]) -> None:
    from shiftcare.io.excel_read import read_workbook

    spec = samples.sample_spec(cast(samples.SampleKind, kind))
    problem = read_workbook(built[kind])
    assert problem.days == spec.days and problem.start_date == spec.start_date
    assert [a.id for a in problem.agents] == [a.id for a in spec.agents]
    assert [q.id for q in problem.queues] == [q.id for q in spec.queues]
    np.testing.assert_array_equal(required_agents(problem),
                                  required_agents(samples.forecast_problem(spec)))
    committed = read_workbook(INSTANCES / f"{kind}.xlsx")
    for name in ("start_date", "days", "settings", "queues", "agents", "shift_types",
                 "availability", "history"):
        assert getattr(committed, name) == getattr(problem, name), name
    for name in ("calls", "aht_seconds", "complaint_share", "required_override"):
        np.testing.assert_array_equal(getattr(committed.forecast, name),
                                      getattr(problem.forecast, name))


def test_medium_roster_sample_is_medium_plus_a_valid_current_roster(
        tmp_path: Path, values: dict[str, Values]) -> None:
    from shiftcare.compare import roster_shifts
    from shiftcare.evaluate import validate
    from shiftcare.io.excel_read import read_workbook
    from shiftcare.solution import Solution

    path = samples.build_sample("medium-roster", tmp_path / "medium-roster.xlsx")
    built = sheet_values(path)
    assert {name: rows for name, rows in built.items() if name != "Roster"} == values["medium"]
    assert built == sheet_values(INSTANCES / "medium-roster.xlsx")
    problem = read_workbook(path)
    shifts = roster_shifts(problem)
    assert len(shifts) >= len(problem.agents) * 3
    shift_rules = {v.rule for v in validate(problem, Solution(shifts, ()))
                   if not v.rule.startswith(("break", "activity"))}
    assert shift_rules <= {"min_hours"}
