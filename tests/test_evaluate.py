"""``evaluate``: Coverage rows, Stress rows and Summary KPIs on hand-computed rosters."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import numpy as np
import pytest

from shiftcare import staffing
from shiftcare.evaluate import evaluate, validate
from shiftcare.problem import Problem
from shiftcare.report import COVERAGE_COLUMNS, STRESS_COLUMNS, Report
from shiftcare.solution import Solution
from tests.factories import (
    MONDAY,
    at,
    make_agent,
    make_problem,
    make_shift_type,
    solution_from_timeline,
    valid_day,
)

SHORT = make_shift_type("short", earliest_start=0, latest_start=23 * 60, length_minutes=120,
                        breaks=())


def row(report: Report, time_of_day: str, queue: str = "main", day: int = 0) -> dict[str, object]:
    """The Coverage row of one interval and queue."""
    c = report.coverage
    match = c[(c["date"] == MONDAY.fromordinal(MONDAY.toordinal() + day))
              & (c["interval_start"] == time_of_day) & (c["queue"] == queue)]
    assert len(match) == 1
    return dict(match.iloc[0])


def stress_row(report: Report, agent_id: str, day: int = 0) -> dict[str, object]:
    s = report.stress
    match = s[(s["agent_id"] == agent_id)
              & (s["date"] == MONDAY.fromordinal(MONDAY.toordinal() + day))]
    assert len(match) == 1
    return dict(match.iloc[0])


# ---------------------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------------------


def two_queue_roster() -> tuple[Problem, Solution]:
    """A1 on main from 08:00 (break1 09:00, lunch 11:00); A2 on calm from 09:00."""
    p = make_problem(queues=("main", "calm"))
    solution = solution_from_timeline(p, {("A1", 0): ("day", "08:00", valid_day("P")),
                                          ("A2", 0): ("day", "09:00", valid_day("Q"))})
    return p, solution


def test_coverage_has_one_row_per_interval_and_queue() -> None:
    p = make_problem(days=2, queues=("main", "calm"))
    report = evaluate(p, Solution((), ()))
    coverage = report.coverage
    assert list(coverage.columns) == list(COVERAGE_COLUMNS)
    assert len(coverage) == 2 * 96 * 2
    assert list(coverage["queue"][:4]) == ["main", "calm", "main", "calm"]
    assert list(coverage["interval_start"][:4]) == ["00:00", "00:00", "00:15", "00:15"]
    assert type(coverage["date"].iloc[0]) is date
    assert coverage["date"].iloc[-1] == date(2026, 12, 1)
    assert coverage["interval_start"].iloc[-1] == "23:45"
    assert coverage["complaint_heavy"].dtype == bool


def test_coverage_counts_agents_on_the_phone_per_queue() -> None:
    p, solution = two_queue_roster()
    report = evaluate(p, solution)
    assert row(report, "08:00")["scheduled"] == 1
    assert row(report, "08:00", "calm")["scheduled"] == 0
    assert row(report, "09:00")["scheduled"] == 0  # A1's break1
    assert row(report, "09:00", "calm")["scheduled"] == 1
    assert row(report, "10:00", "calm")["scheduled"] == 0  # A2's break1
    assert row(report, "11:15")["scheduled"] == 0  # A1's lunch
    assert row(report, "16:00")["scheduled"] == 0  # A1's shift has ended
    scheduled = report.coverage.groupby("queue")["scheduled"].sum()
    assert scheduled["main"] == scheduled["calm"] == 32 - 3


def test_under_and_overstaffing() -> None:
    # A1 on main 08:00-16:00 except 09:00 (break1) and 11:00-11:30 (lunch).
    p = make_problem(agents=[make_agent("A1")],
                     required={("main", "08:00", "12:00"): 1, ("main", "12:00", "13:00"): 2})
    report = evaluate(p, solution_from_timeline(p, {("A1", 0): ("day", "08:00", valid_day())}))
    assert row(report, "09:00")["understaffed"] == 1
    assert row(report, "12:30")["required"] == 2
    assert row(report, "12:30")["understaffed"] == 1
    assert row(report, "14:00")["overstaffed"] == 1
    assert row(report, "08:00")["understaffed"] == row(report, "08:00")["overstaffed"] == 0
    # Under: 09:00, 11:00, 11:15 and 12:00-13:00; over: 13:00-16:00.
    assert report.kpis["understaffed_agent_minutes"] == (3 + 4) * 15
    assert report.kpis["overstaffed_agent_minutes"] == 12 * 15


def test_required_defaults_to_the_erlang_requirement() -> None:
    p = make_problem(calls={("main", "08:00", "10:00"): 40.0})
    report = evaluate(p, Solution((), ()))
    expected = staffing.required_agents(p)[0]
    assert list(report.coverage["required"]) == expected.tolist()
    assert expected.max() > 0


def test_requirements_argument_replaces_the_erlang_requirement() -> None:
    p = make_problem(calls={("main", "08:00", "10:00"): 40.0})
    report = evaluate(p, Solution((), ()), np.full((1, 96), 3, dtype=np.int64))
    assert set(report.coverage["required"]) == {3}
    assert report.kpis["understaffed_agent_minutes"] == 3 * 96 * 15
    with pytest.raises(ValueError, match="shape"):
        evaluate(p, Solution((), ()), np.zeros((2, 96), dtype=np.int64))


def test_service_level_is_calls_weighted() -> None:
    # 30 calls at 08:00 with A1 on the phone (about 1.0), 10 calls at 09:00 during the break.
    p = make_problem(agents=[make_agent("A1")], aht_seconds=1.0,
                     calls={("main", "08:00", "08:15"): 30.0, ("main", "09:00", "09:15"): 10.0})
    report = evaluate(p, solution_from_timeline(p, {("A1", 0): ("day", "08:00", valid_day())}))
    assert row(report, "08:00")["service_level"] == pytest.approx(1.0, abs=1e-6)
    assert row(report, "09:00")["service_level"] == 0.0
    assert row(report, "12:00")["service_level"] == 1.0  # no calls
    assert report.kpis["service_level"] == pytest.approx(30 / 40, abs=1e-6)


def test_service_level_is_one_without_calls() -> None:
    p = make_problem()
    report = evaluate(p, Solution((), ()))
    assert report.kpis["service_level"] == 1.0
    assert set(report.coverage["service_level"]) == {1.0}


def test_phone_past_the_horizon_has_no_coverage_row() -> None:
    p = make_problem(agents=[make_agent("A1", shift_types=("short",))], shift_types=[SHORT],
                     complaint_share=0.5, required=1)
    report = evaluate(p, solution_from_timeline(p, {("A1", 0): ("short", "23:00", "RRPPPPPP")}))
    assert len(report.coverage) == 96
    assert row(report, "23:30")["scheduled"] == 1
    assert report.coverage["scheduled"].sum() == 2
    assert stress_row(report, "A1")["complaint_minutes"] == 30


# ---------------------------------------------------------------------------------------
# Stress and KPIs
# ---------------------------------------------------------------------------------------

# Day shift 08:00-16:00; main is complaint-heavy 09:00-12:00, calm never.
# A1: runs of 60 (recovered), 30 and 30 minutes. A2: runs of 75 (not recovered: calm
# phone follows), 15 and 30 minutes.
A1_DAY = "QQQQ B PPPP R PP LL PP " + "P" * 16
A2_DAY = "QQQQ B PPPPP Q P LL PP " + "P" * 16


def stress_problem(**settings: object) -> Problem:
    both = ("main", "calm")
    return make_problem(
        queues=both,
        agents=[make_agent("A1", skills=both), make_agent("A2", skills=both),
                make_agent("A3", skills=("main",)),
                make_agent("A4", skills=both, complaint_eligible=False),
                make_agent("A5", skills=("calm",))],
        complaint_share={("main", "09:00", "12:00"): 0.5},
        settings_overrides=settings,
    )


def stress_roster(p: Problem) -> Solution:
    return solution_from_timeline(p, {("A1", 0): ("day", "08:00", A1_DAY),
                                      ("A2", 0): ("day", "08:00", A2_DAY)})


def test_stress_rows_per_agent_and_shift_date() -> None:
    p = stress_problem()
    report = evaluate(p, stress_roster(p))
    assert list(report.stress.columns) == list(STRESS_COLUMNS)
    assert list(report.stress["agent_id"]) == ["A1", "A2"]
    assert stress_row(report, "A1") == {
        "agent_id": "A1", "date": MONDAY, "complaint_minutes": 120,
        "longest_complaint_stretch_minutes": 60, "recoveries_required": 1,
        "recoveries_given": 1, "violations": 0,
    }
    assert stress_row(report, "A2") == {
        "agent_id": "A2", "date": MONDAY, "complaint_minutes": 120,
        "longest_complaint_stretch_minutes": 75, "recoveries_required": 1,
        "recoveries_given": 0, "violations": 2,  # stretch cap and recovery
    }


def test_stress_violations_add_the_daily_cap_once() -> None:
    p = stress_problem(max_complaint_minutes_per_day=105)
    report = evaluate(p, stress_roster(p))
    assert list(report.stress["violations"]) == [1, 3]
    assert report.kpis["stress_violations"] == 4
    assert report.kpis["stress_violations"] == len(report.stress_violations)


def test_stress_violations_count_each_run_of_an_ineligible_agent() -> None:
    p = stress_problem()
    report = evaluate(p, solution_from_timeline(p, {("A4", 0): ("day", "08:00", A1_DAY)}))
    assert stress_row(report, "A4")["violations"] == 3


def test_kpis_on_a_hand_computed_roster() -> None:
    p = stress_problem()
    report = evaluate(p, stress_roster(p))
    kpis = report.kpis
    assert kpis["paid_hours"] == 2 * 7.5
    assert kpis["shifts"] == 2
    assert kpis["max_complaint_stretch_minutes"] == 75
    assert kpis["recovery_compliance"] == 0.5
    assert kpis["stress_violations"] == 2
    assert kpis["complaint_minutes_total"] == 240
    # Eligible agents skilled for main: A1 120, A2 120, A3 0 (A4 ineligible, A5 calm only).
    assert kpis["complaint_minutes_spread"] == 120
    assert kpis["hard_violations"] == 0
    assert report.violations == validate(p, stress_roster(p))


def test_recovery_compliance_is_one_when_no_run_needs_recovery() -> None:
    p = stress_problem()
    # One 30-minute run 09:15-09:45, then calm phone.
    short_run = "QQQQ B PP QQQ QQ LL QQ " + "Q" * 16
    report = evaluate(p, solution_from_timeline(p, {("A1", 0): ("day", "08:00", short_run)}))
    assert report.kpis["recovery_compliance"] == 1.0
    assert report.kpis["max_complaint_stretch_minutes"] == 30
    assert stress_row(report, "A1")["recoveries_required"] == 0


def test_run_at_shift_end_is_required_and_given() -> None:
    p = make_problem(agents=[make_agent("A1", shift_types=("short",))], shift_types=[SHORT],
                     complaint_share={("main", "10:00", "12:00"): 0.5})
    report = evaluate(p, solution_from_timeline(p, {("A1", 0): ("short", "10:00", "RRRRPPPP")}))
    assert stress_row(report, "A1")["recoveries_required"] == 1
    assert stress_row(report, "A1")["recoveries_given"] == 1
    assert report.kpis["recovery_compliance"] == 1.0


def test_stress_has_a_row_for_each_date_worked() -> None:
    p = make_problem(days=3, complaint_share=0.5)
    solution = solution_from_timeline(p, {("A1", 0): ("day", "08:00", valid_day("R")),
                                          ("A1", 2): ("day", "08:00", valid_day("R")),
                                          ("A2", 1): ("day", "08:00", valid_day("R"))})
    report = evaluate(p, solution)
    assert [(r.agent_id, r.date) for r in report.stress.itertuples()] == [
        ("A1", p.date_of(0)), ("A1", p.date_of(2)), ("A2", p.date_of(1))]
    assert report.kpis["shifts"] == 3
    assert report.kpis["paid_hours"] == 3 * 7.5


def test_hard_violations_are_counted_and_unknown_agents_left_out() -> None:
    p = make_problem(required=1)
    solution = solution_from_timeline(p, {("Z9", 0): ("day", "08:00", valid_day()),
                                          ("A1", 0): ("day", "08:30", valid_day())})
    report = evaluate(p, solution)
    assert [v.rule for v in report.hard_violations] == ["unknown_agent", "shift_start_grid"]
    assert report.kpis["hard_violations"] == 2
    assert report.kpis["shifts"] == 1
    assert list(report.stress["agent_id"]) == ["A1"]
    assert report.coverage["scheduled"].max() == 1


# ---------------------------------------------------------------------------------------
# Independence and speed
# ---------------------------------------------------------------------------------------


def test_evaluate_does_not_import_ortools() -> None:
    code = ("import sys, shiftcare.evaluate; "
            "sys.exit(1 if any(m.startswith('ortools') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_large_roster_is_evaluated_quickly() -> None:
    days, agents = 7, 500
    p = make_problem(days=days, agents=[make_agent(f"A{i}") for i in range(agents)],
                     complaint_share={("main", at("09:00"), at("12:00", day=days - 1)): 0.5},
                     required=40)
    timelines = {(f"A{i}", d): ("day", "08:00" if i % 2 else "10:00", valid_day())
                 for i in range(agents) for d in range(days) if (i + d) % 7 < 5}
    solution = solution_from_timeline(p, timelines)
    started = time.perf_counter()
    report = evaluate(p, solution)
    assert time.perf_counter() - started < 5.0
    assert report.kpis["shifts"] == 2500
    assert report.kpis["stress_violations"] > 0
