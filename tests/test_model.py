"""The CP-SAT model enforces every rule of the contract.

Each test builds a tiny problem in which the rule binds (the cheapest roster without
the rule would break it), solves it, and checks the rule on the Solution directly.
Where a mode or a setting switches the rule off, the test also shows the roster then
breaks it, so the assertion could fail.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest

from shiftcare.evaluate import validate
from shiftcare.greedy import greedy_roster
from shiftcare.problem import Availability, BreakRule, History, Problem
from shiftcare.solution import Solution
from shiftcare.solve import SolveOptions, solve
from shiftcare.staffing import required_agents
from tests.tiny import INTERVAL, PER_DAY, agent, at, problem, shift_type


def run(p: Problem, mode: str = "stress-aware", seconds: float = 20) -> Solution:
    options = SolveOptions(mode=mode, time_limit_seconds=seconds, workers=1,  # type: ignore[arg-type]
                           lp_bound_share=0)
    solution = solve(p, options)
    assert solution.info.status in ("OPTIMAL", "FEASIBLE")
    return solution


def phone_intervals(solution: Solution, agent_id: str, queue: str | None = None) -> list[int]:
    return sorted(
        t for b in solution.activities
        if b.agent_id == agent_id and b.activity == "phone" and queue in (None, b.detail)
        for t in range(b.start // INTERVAL, b.end // INTERVAL)
    )


def runs(intervals: list[int]) -> list[int]:
    """Lengths of maximal consecutive runs in a sorted interval list."""
    lengths: list[int] = []
    for i, t in enumerate(intervals):
        if i and intervals[i - 1] == t - 1:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


def test_coverage_staffs_the_requirement_with_skilled_agents() -> None:
    p = problem([agent("A"), agent("B", skills=("calm",))], queues=("main", "calm"),
                need={("main", at(9), at(11)): 1})
    solution = run(p)
    assert phone_intervals(solution, "A", "main") == list(range(at(9), at(11)))
    assert phone_intervals(solution, "B", "main") == []


def test_one_shift_per_agent_and_date_even_when_two_would_cover_more() -> None:
    types = [shift_type("early", earliest_start=6 * 60, latest_start=6 * 60),
             shift_type("late", earliest_start=14 * 60, latest_start=14 * 60)]
    p = problem([agent("A", shift_types=("early", "late"), min_rest_hours=0)], types,
                need={("main", at(6), at(18)): 1})
    solution = run(p)
    assert len(solution.shifts) == 1


def test_shift_starts_on_grid_window_and_weekday() -> None:
    weekend = shift_type("wk", earliest_start=8 * 60, latest_start=9 * 60,
                         weekdays=frozenset({5, 6}))
    weekday = shift_type("day", start_step_minutes=60)
    p = problem([agent("A", shift_types=("day", "wk"))], [weekday, weekend], days=1,
                need={("main", at(8.5), at(12.5)): 1})
    solution = run(p)
    (shift,) = solution.shifts
    assert shift.shift_type == "day"  # Monday: the weekend type is not allowed
    assert shift.start % 60 == 0 and 8 * 60 <= shift.start <= 10 * 60


def test_shift_types_column_limits_the_agent() -> None:
    types = [shift_type("day"), shift_type("late", earliest_start=14 * 60, latest_start=14 * 60)]
    p = problem([agent("A", shift_types=("day",))], types, need={("main", at(14), at(18)): 1})
    solution = run(p)
    assert all(s.shift_type == "day" for s in solution.shifts)


def test_availability_off_and_window_are_hard_and_prefer_off_is_soft() -> None:
    agents = [agent("OFF"), agent("WIN"), agent("PREF")]
    p = problem(agents, days=1, need={("main", at(8), at(14)): 3})
    p = p.replace(availability=(
        Availability("OFF", 0, "off"),
        Availability("WIN", 0, "window", 9 * 60, 13 * 60),
        Availability("PREF", 0, "prefer_off"),
    ))
    solution = run(p)
    by_agent = {s.agent_id: s for s in solution.shifts}
    assert "OFF" not in by_agent
    assert by_agent["WIN"].start >= 9 * 60 and by_agent["WIN"].end <= 13 * 60
    assert "PREF" in by_agent  # understaffing costs more than a broken preference


def test_min_and_max_hours() -> None:
    p = problem([agent("LAZY", min_hours=8.0), agent("BUSY", max_hours=4.0)], days=3,
                need={("main", at(8), at(12)): 1})
    solution = run(p)
    worked = {a: sum(s.end - s.start for s in solution.shifts if s.agent_id == a) / 60
              for a in ("LAZY", "BUSY")}
    assert worked["LAZY"] >= 8.0
    assert worked["BUSY"] <= 4.0


def test_max_days() -> None:
    p = problem([agent("A", max_days=2)], days=4, need={("main", 0, 4 * PER_DAY): 1})
    assert len(run(p).shifts) == 2


def test_min_rest_between_shifts_and_after_history() -> None:
    types = [shift_type("late", earliest_start=18 * 60, latest_start=18 * 60),
             shift_type("early", earliest_start=6 * 60, latest_start=6 * 60)]
    need = {("main", at(6), at(10)): 1, ("main", at(18), at(22)): 1,
            ("main", PER_DAY + at(6), PER_DAY + at(10)): 1}
    p = problem([agent("A", shift_types=("late", "early"), min_rest_hours=11)], types, days=2,
                need=need)
    shifts = sorted(run(p).shifts, key=lambda s: s.start)
    for first, second in itertools.pairwise(shifts):
        assert second.start - first.end >= 11 * 60
    with_history = p.replace(history=(History("A", -2 * 60, 0),))  # last shift ended 22:00
    starts = {s.start for s in run(with_history).shifts}
    assert 6 * 60 not in starts


def test_min_rest_of_a_fraction_of_a_minute_is_rounded_up() -> None:
    """11.005 h of rest is 660.3 minutes: a late shift ending 22:00 and an early one
    at 09:00 the next date leave 660 and may not both be worked (rounded to the nearest
    minute the rule allowed them, and the validator flagged the roster). The greedy
    roster of the large path keeps the rest the same way."""
    types = [shift_type("late", earliest_start=18 * 60, latest_start=18 * 60),
             shift_type("early", earliest_start=9 * 60, latest_start=9 * 60)]
    need = {("main", at(18), at(22)): 1, ("main", PER_DAY + at(9), PER_DAY + at(13)): 1}
    p = problem([agent("A", shift_types=("late", "early"), min_rest_hours=11.005)], types,
                days=2, need=need)
    assert p.agents[0].min_rest_minutes == 661
    solution = run(p)
    assert len(solution.shifts) == 1
    assert validate(p, solution) == ()
    greedy = greedy_roster(p, required_agents(p))
    assert len(greedy.shifts) == 1 and validate(p, greedy) == ()
    rested = p.replace(agents=(replace(p.agents[0], min_rest_hours=11.0),))
    assert len(run(rested).shifts) == 2


def test_max_consecutive_days_counts_history() -> None:
    p = problem([agent("A", max_consecutive_days=2)], days=4,
                need={("main", 0, 4 * PER_DAY): 1})
    days = sorted(s.day for s in run(p).shifts)
    assert days == [0, 1, 3]
    tired = p.replace(history=(History("A", None, 2),))
    assert 0 not in {s.day for s in run(tired).shifts}


def _break_problem(min_between: int) -> Problem:
    breaks = (BreakRule("b1", 15, 60, 120), BreakRule("lunch", 30, 120, 180, paid=False))
    long_type = shift_type(length_minutes=6 * 60, breaks=breaks)
    return problem([agent("A")], [long_type], need={("main", 0, PER_DAY): 1},
                   min_minutes_between_breaks=min_between)


def test_every_break_once_inside_its_window_apart() -> None:
    solution = run(_break_problem(min_between=45))
    (shift,) = solution.shifts
    breaks = {b.detail: b for b in solution.activities if b.activity == "break"}
    assert set(breaks) == {"b1", "lunch"}
    assert 60 <= breaks["b1"].start - shift.start <= 120
    assert breaks["b1"].end - breaks["b1"].start == 15
    assert 120 <= breaks["lunch"].start - shift.start <= 180
    first, second = sorted(breaks.values(), key=lambda b: b.start)
    assert second.start - first.end >= 45
    assert not breaks["lunch"].paid


def test_activities_tile_each_shift_exactly() -> None:
    solution = run(_break_problem(min_between=0))
    for shift in solution.shifts:
        blocks = solution.activities_of(shift.agent_id, shift.day)
        assert blocks[0].start == shift.start and blocks[-1].end == shift.end
        assert all(a.end == b.start for a, b in itertools.pairwise(blocks))


def _complaint_problem(**agent_changes: object) -> Problem:
    """One agent, one complaint-heavy queue needing one agent for a whole 4-hour shift."""
    return problem([agent("A", **agent_changes)], need={("main", 0, PER_DAY): 1},
                   share={("main", 0, PER_DAY): 0.9})


def test_stretch_cap_holds_in_stress_aware_mode_and_not_in_baseline() -> None:
    stress = phone_intervals(run(_complaint_problem()), "A")
    baseline = phone_intervals(run(_complaint_problem(), "baseline"), "A")
    assert max(runs(stress)) * INTERVAL <= 60
    assert max(runs(baseline)) * INTERVAL > 60


def test_per_agent_stretch_cap_override() -> None:
    phone = phone_intervals(run(_complaint_problem(max_complaint_stretch_minutes=30)), "A")
    assert max(runs(phone)) * INTERVAL <= 30


def test_long_runs_are_followed_by_recovery() -> None:
    p = _complaint_problem()
    solution = run(p)
    phone = set(phone_intervals(solution, "A"))
    (shift,) = solution.shifts
    recovery = p.settings.recovery_break_intervals
    for length, end in _run_ends(sorted(phone)):
        if length * INTERVAL >= p.settings.recovery_after_minutes and (
            end + 1 < shift.end // INTERVAL
        ):
            assert not phone & set(range(end + 1, end + 1 + recovery))


def _run_ends(intervals: list[int]) -> list[tuple[int, int]]:
    ends: list[tuple[int, int]] = []
    for t in intervals:
        if ends and ends[-1][1] == t - 1:
            ends[-1] = (ends[-1][0] + 1, t)
        else:
            ends.append((1, t))
    return ends


def test_calm_phone_right_after_a_long_run_is_not_recovery() -> None:
    p = problem([agent("A", skills=("hot", "calm"))], queues=("hot", "calm"),
                need={("hot", 0, PER_DAY): 1, ("calm", 0, PER_DAY): 1},
                share={("hot", 0, PER_DAY): 0.9})
    solution = run(p)
    hot = phone_intervals(solution, "A", "hot")
    calm = set(phone_intervals(solution, "A", "calm"))
    for length, end in _run_ends(hot):
        if length * INTERVAL >= p.settings.recovery_after_minutes:
            assert end + 1 not in calm


def test_daily_complaint_cap() -> None:
    p = problem([agent("A")], [shift_type(length_minutes=8 * 60)],
                need={("main", 0, PER_DAY): 1}, share={("main", 0, PER_DAY): 0.9},
                max_complaint_minutes_per_day=90)
    assert len(phone_intervals(run(p), "A")) * INTERVAL <= 90
    assert len(phone_intervals(run(p, "baseline"), "A")) * INTERVAL > 90


def test_complaint_ineligible_agents_never_take_complaint_heavy_intervals() -> None:
    p = problem([agent("A", complaint_eligible=False)], need={("main", 0, PER_DAY): 1},
                share={("main", at(9), at(10)): 0.5})
    phone = set(phone_intervals(run(p), "A"))
    assert phone and not phone & set(range(at(9), at(10)))
    assert set(phone_intervals(run(p, "baseline"), "A")) & set(range(at(9), at(10)))


def test_rotation_falls_out_of_the_stress_rules() -> None:
    both = ("general", "complaints")
    p = problem([agent("A", skills=both), agent("B", skills=both)], queues=both,
                need={("general", 0, PER_DAY): 1, ("complaints", 0, PER_DAY): 1},
                share={("complaints", 0, PER_DAY): 0.9})
    solution = run(p, seconds=3)
    for agent_id in ("A", "B"):
        assert phone_intervals(solution, agent_id, "complaints")
        assert phone_intervals(solution, agent_id, "general")


@pytest.mark.parametrize("mode", ["stress-aware", "baseline"])
def test_understaffing_is_soft(mode: str) -> None:
    p = problem([agent("A")], need={("main", 0, PER_DAY): 3})
    solution = run(p, mode)
    assert len(solution.shifts) == 1


def _roster_problem(**changes: Any) -> Problem:
    """A and B; the input Roster has A on Monday 08:00-12:00 only."""
    from shiftcare.problem import RosterEntry

    p = problem([agent("A", min_hours=4.0), agent("B")], days=2, **changes)
    return p.replace(existing_roster=(RosterEntry("A", 0, 8 * 60, 12 * 60, "day"),))


def test_keep_shifts_works_exactly_the_input_roster() -> None:
    from shiftcare.model.builder import ShiftPolicy

    p = _roster_problem().replace(forecast=problem(
        [agent("A")], days=2, need={("main", at(13), at(15)): 2}).forecast)
    options = SolveOptions(time_limit_seconds=20, workers=1, lp_bound_share=0,
                           policy=ShiftPolicy("keep"))
    solution = solve(p, options)
    assert solution.info.status in ("OPTIMAL", "FEASIBLE")
    assert [(s.agent_id, s.day, s.start, s.end) for s in solution.shifts] == [
        ("A", 0, 8 * 60, 12 * 60)]


@pytest.mark.parametrize(("change_weight", "expected_day"), [(0.0, 1), (100.0, 0)])
def test_min_change_keeps_a_shift_that_only_a_preference_would_move(
        change_weight: float, expected_day: int) -> None:
    from shiftcare.model.builder import ShiftPolicy

    p = _roster_problem().replace(availability=(Availability("A", 0, "prefer_off"),))
    options = SolveOptions(time_limit_seconds=20, workers=1, lp_bound_share=0,
                           policy=ShiftPolicy("free", change_weight))
    solution = solve(p, options)
    assert solution.info.status == "OPTIMAL"
    assert [(s.agent_id, s.day) for s in solution.shifts] == [("A", expected_day)]
