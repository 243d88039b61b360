"""Activity re-planning by dynamic programming (``shiftcare.activities``)."""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt
import pytest

from shiftcare.activities import (
    AgentDate,
    Programme,
    Replanner,
    best_labels,
    best_labels_and_breaks,
    improve_activities,
    phone_gains,
    programme_graph,
    shift_moves,
    stress_limits,
    with_breaks,
)
from shiftcare.evaluate import validate
from shiftcare.greedy import greedy_roster, spaced_break_starts
from shiftcare.problem import Availability, BreakRule, Mode, Problem
from shiftcare.solution import ActivityBlock, Shift, Solution
from shiftcare.solve import SolveOptions, solve
from shiftcare.staffing import required_agents
from tests import tiny
from tests.reference_programme import reference_best_labels
from tests.tiny import idle_roster, understaffed


@pytest.mark.parametrize(("mode", "stretch", "daily"), [
    ("stress-aware", 60, 240), ("stress-aware", 45, 240), ("stress-aware", 60, 120),
    ("baseline", 60, 240)])
def test_one_agent_replanned_reaches_the_optimum_within_the_rules(
        mode: Mode, stretch: int, daily: int) -> None:
    """One agent, a 4-hour shift, a complaint-heavy agent needed all shift: the re-plan
    breaks no rule and is short exactly as much as CP-SAT's proven optimum."""
    problem = tiny.problem(
        [tiny.agent("A1", max_complaint_stretch_minutes=stretch)],
        [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60)],
        need={("main", tiny.at(8), tiny.at(12)): 1},
        share={("main", tiny.at(8), tiny.at(12)): 1.0},
        max_complaint_minutes_per_day=daily)
    required = required_agents(problem)
    start = idle_roster(problem)
    roster, improved = improve_activities(problem, required, mode, start,
                                          time.monotonic() + 10)
    assert improved == 1
    assert [v for v in validate(problem, roster) if mode == "stress-aware" or not v.stress] == []
    optimum = solve(problem, SolveOptions(time_limit_seconds=20, workers=1, mode=mode),
                    None, required)
    assert optimum.info.status == "OPTIMAL"
    assert understaffed(problem, roster, required) == understaffed(problem, optimum, required)
    assert understaffed(problem, roster, required) < understaffed(problem, start, required)


def test_replan_moves_a_run_so_its_recovery_falls_where_there_is_room() -> None:
    """Two agents on one complaint-heavy queue: a lone agent needed 08:00-09:00 and both
    needed 09:00-09:30. The agent who starts at 08:00 must not end a long run at 09:00
    (its recovery would fall where both are needed)."""
    agents = [tiny.agent("A1"), tiny.agent("A2")]
    problem = tiny.problem(
        agents, [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60)],
        need={("main", tiny.at(8), tiny.at(9)): 1, ("main", tiny.at(9), tiny.at(9.5)): 2},
        share={("main", tiny.at(8), tiny.at(12)): 1.0})
    required = required_agents(problem)
    roster, _ = improve_activities(problem, required, "stress-aware", idle_roster(problem),
                                   time.monotonic() + 10)
    assert validate(problem, roster) == ()
    assert understaffed(problem, roster, required) == 0


@pytest.mark.parametrize(("share", "need_until"), [(0.0, 11), (1.0, 12), (1.0, 11)])
def test_a_break_moves_to_where_it_costs_least(share: float, need_until: int) -> None:
    """One agent, a 4-hour shift with a 15-minute break allowed 60-180 minutes in, first
    placed at 09:00: re-planning moves it (and the phone time around it) until the agent
    is short exactly as much as CP-SAT's proven optimum, within every rule (on a
    complaint-heavy queue the break also serves as a recovery)."""
    rule = BreakRule("B", 15, 60, 180)
    problem = tiny.problem(
        [tiny.agent("A1")],
        [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60, breaks=(rule,))],
        need={("main", tiny.at(8), tiny.at(need_until)): 1},
        share={("main", tiny.at(8), tiny.at(12)): share})
    required = required_agents(problem)
    shift = Shift("A1", 0, "day", 8 * 60, 12 * 60)
    start = Solution((shift,), (
        ActivityBlock("A1", 0, 8 * 60, 9 * 60, "recovery"),
        ActivityBlock("A1", 0, 9 * 60, 9 * 60 + 15, "break", "B"),
        ActivityBlock("A1", 0, 9 * 60 + 15, 12 * 60, "recovery")))
    assert validate(problem, start) == ()
    roster, _ = improve_activities(problem, required, "stress-aware", start,
                                   time.monotonic() + 10)
    assert validate(problem, roster) == ()
    optimum = solve(problem, SolveOptions(time_limit_seconds=20, workers=1), None, required)
    assert optimum.info.status == "OPTIMAL"
    assert understaffed(problem, roster, required) == understaffed(problem, optimum, required)
    moved = [b for b in roster.activities if b.activity == "break"]
    assert len(moved) == 1 and moved[0].end - moved[0].start == 15
    if share == 0.0:
        assert moved[0].start >= need_until * 60


@pytest.mark.parametrize("mode", ["stress-aware", "baseline"])
def test_replanning_the_greedy_roster_keeps_shifts_and_lowers_understaffing(
        generated: tuple[Problem, npt.NDArray[np.int64]], mode: Mode) -> None:
    problem, required = generated
    start = greedy_roster(problem, required, mode)
    roster, improved = improve_activities(problem, required, mode, start,
                                          time.monotonic() + 8)
    assert improved > 0
    assert [v for v in validate(problem, roster) if mode == "stress-aware" or not v.stress] == []
    assert roster.shifts == start.shifts

    def breaks(solution: Solution) -> list[tuple[str, int, str, int]]:
        return sorted((b.agent_id, b.day, b.detail, b.end - b.start)
                      for b in solution.activities if b.activity == "break")

    assert breaks(roster) == breaks(start)
    assert understaffed(problem, roster, required) < understaffed(problem, start, required)


def test_replanning_stops_at_the_deadline(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    start = greedy_roster(problem, required, "stress-aware")
    roster, improved = improve_activities(problem, required, "stress-aware", start,
                                          time.monotonic() - 1)
    assert improved == 0 and roster.activities == start.activities


def _one_shift(problem: Problem, day: int = 0, hour: int = 8) -> Solution:
    """Agent A1 on a 4-hour shift at ``hour`` on ``day``, off the phone all shift."""
    start = day * 1440 + hour * 60
    return Solution((Shift("A1", day, "day", start, start + 240),),
                    (ActivityBlock("A1", day, start, start + 240, "recovery"),))


@pytest.mark.parametrize("move_shifts", [True, False])
def test_a_shift_moves_to_the_start_where_it_is_needed(move_shifts: bool) -> None:
    """One agent, starts 08:00-10:00, needed 10:00-14:00, placed at 08:00: with shift
    moves it starts at 10:00 and is short exactly as much as CP-SAT's proven optimum
    (nothing); without them the shift stays."""
    problem = tiny.problem([tiny.agent("A1")], [tiny.shift_type()],
                           need={("main", tiny.at(10), tiny.at(14)): 1})
    required = required_agents(problem)
    start = _one_shift(problem)
    roster, _ = improve_activities(problem, required, "stress-aware", start,
                                   time.monotonic() + 10, move_shifts=move_shifts)
    assert validate(problem, roster) == ()
    if not move_shifts:
        assert roster.shifts == start.shifts
        return
    assert roster.shifts == (Shift("A1", 0, "day", 10 * 60, 14 * 60),)
    optimum = solve(problem, SolveOptions(time_limit_seconds=20, workers=1), None, required)
    assert optimum.info.status == "OPTIMAL"
    assert understaffed(problem, roster, required) == understaffed(problem, optimum, required) == 0


@pytest.mark.parametrize("day_one", ["free", "off", "prefer_off"])
def test_a_shift_moves_to_a_date_off_only_where_the_agent_may_work(day_one: str) -> None:
    """Agent A1 works date 0, where nobody is needed, and is needed on date 1: the
    shift moves there, unless Availability has the agent off that date; a
    ``prefer_off`` date costs the preference weight, less than the coverage won."""
    problem = tiny.problem([tiny.agent("A1")], [tiny.shift_type()], days=2,
                           need={("main", tiny.PER_DAY + tiny.at(9),
                                  tiny.PER_DAY + tiny.at(13)): 1})
    if day_one != "free":
        problem = problem.replace(availability=(Availability("A1", 1, day_one),))  # type: ignore[arg-type]
    required = required_agents(problem)
    roster, _ = improve_activities(problem, required, "stress-aware", _one_shift(problem),
                                   time.monotonic() + 10, move_shifts=True)
    assert validate(problem, roster) == ()
    if day_one == "off":
        assert [s.day for s in roster.shifts] == [0]
    else:
        assert roster.shifts == (Shift("A1", 1, "day", 1440 + 9 * 60, 1440 + 13 * 60),)
        assert understaffed(problem, roster, required) == 0


def test_shift_moves_keep_min_rest_consecutive_days_and_hours() -> None:
    """An agent on dates 0 (till midnight), 1 and 3 (11 h rest, 2 dates in a row at
    most, 12 hours a week at most): date 1's shift may not start before 11:00 nor end
    within 11 h of date 3's start (so only 20:00 on date 1 and the day starts of date 2
    are left); date 0's may not move to date 2 (three dates in a row); a 5-hour shift
    type would break max hours."""
    late = tiny.shift_type("late", earliest_start=20 * 60, latest_start=20 * 60)
    long = tiny.shift_type("long", length_minutes=5 * 60)
    agent = tiny.agent("A1", shift_types=("day", "late", "long"), max_hours=12.0,
                       max_consecutive_days=2)
    problem = tiny.problem([agent], [tiny.shift_type(), late, long], days=4)
    replanner = Replanner.of(problem, required_agents(problem), "stress-aware", Solution((
        Shift("A1", 0, "late", 20 * 60, 24 * 60),
        Shift("A1", 1, "day", 1440 + 10 * 60, 1440 + 14 * 60),
        Shift("A1", 3, "day", 3 * 1440 + 8 * 60, 3 * 1440 + 12 * 60)), ()))
    first, second, _ = replanner.dates
    moves = shift_moves(problem, second, replanner.by_agent[0], replanner.unblocked)
    assert {(m.day, m.shift_type.id, m.start % 1440) for m in moves} == {
        (1, "late", 20 * 60)} | {(2, "day", hour * 60) for hour in (8, 9, 10)}
    moves = shift_moves(problem, first, replanner.by_agent[0], replanner.unblocked)
    assert {(m.day, m.shift_type.id, m.start % 1440) for m in moves} == {
        (0, "day", hour * 60) for hour in (8, 9, 10)}
    assert all(m.shift_type.id != "long" for m in moves)


@pytest.mark.parametrize(("min_hours", "short_allowed"), [(6.0, True), (8.0, False),
                                                          (10.0, False)])
def test_shift_moves_keep_min_hours_or_never_lower_a_short_week(min_hours: float,
                                                                short_allowed: bool) -> None:
    """An agent on two 4-hour shifts, with a 3-hour shift type too: a shift may turn
    into a 3-hour one only where the week (7 h then) keeps its min hours (6 h), not where
    that leaves it short (8 h) or shorter than it already is (10 h); a 4-hour shift on
    a date off keeps the paid hours, so it is a move in every case."""
    short = tiny.shift_type("short", length_minutes=3 * 60)
    agent = tiny.agent("A1", shift_types=("day", "short"), min_hours=min_hours)
    problem = tiny.problem([agent], [tiny.shift_type(), short], days=3)
    replanner = Replanner.of(problem, required_agents(problem), "stress-aware", Solution((
        Shift("A1", 0, "day", 8 * 60, 12 * 60),
        Shift("A1", 1, "day", 1440 + 8 * 60, 1440 + 12 * 60)), ()))
    moves = shift_moves(problem, replanner.dates[0], replanner.by_agent[0],
                        replanner.unblocked)
    assert any(m.shift_type.id == "short" for m in moves) == short_allowed
    assert any(m.shift_type.id == "day" and m.day == 2 for m in moves)


def test_shift_moves_on_a_generated_week_break_no_rule_and_lower_understaffing(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """Re-planning the greedy roster with shift moves: every rule holds, shifts moved,
    and it is short less than re-planning with the shifts kept."""
    problem, required = generated
    start = greedy_roster(problem, required, "stress-aware")
    kept, _ = improve_activities(problem, required, "stress-aware", start,
                                 time.monotonic() + 8)
    moved, _ = improve_activities(problem, required, "stress-aware", start,
                                  time.monotonic() + 8, move_shifts=True)
    assert validate(problem, moved) == ()
    assert set(moved.shifts) != set(start.shifts)
    assert understaffed(problem, moved, required) < understaffed(problem, kept, required)


def _spaced_combinations(problem: Problem, rules: tuple[BreakRule, ...],
                         placed: tuple[tuple[int, int], ...] = ()) -> list[list[int]]:
    """Every assignment of starts to ``rules`` inside their windows and spaced."""
    if len(placed) == len(rules):
        return [[start for start, _ in placed]]
    rule = rules[len(placed)]
    length = rule.duration_minutes // problem.interval_minutes
    return [starts
            for start in spaced_break_starts(problem, rule, list(placed))
            for starts in _spaced_combinations(problem, rules,
                                               (*placed, (start, start + length)))]


def test_placing_breaks_in_the_programme_equals_trying_every_placement(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """``best_labels_and_breaks`` is worth exactly the best of the reference programme
    (``tests.reference_programme``) over every spaced placement of the shift's breaks
    inside their windows, under random gains, and
    its labels hold each break once, inside its window. Some shifts may take more
    complaint-heavy intervals than the daily cap allows, so the programme tracks them."""
    problem, required = generated
    replanner = Replanner.of(problem, required, "stress-aware",
                             greedy_roster(problem, required, "stress-aware"))
    limits = stress_limits(problem, "stress-aware")
    rng = np.random.default_rng(7)
    interval = problem.interval_minutes
    checked = tracked = 0
    for item in replanner.dates[::9]:
        gains = phone_gains(problem, required, "stress-aware", item,
                            np.zeros_like(replanner.counts))
        allowed = ~np.isnan(gains)
        gains[allowed] = rng.choice([-1.0, 0.0, 0.5, 500.0, 1000.0], size=int(allowed.sum()))
        rules = problem.shift_type(item.shift.shift_type).breaks
        tried = [reference_best_labels(
                     problem, AgentDate(item.agent_index, item.shift, item.first,
                                        with_breaks(len(item.labels), rules, starts, interval)),
                     gains, limits)[1]
                 for starts in _spaced_combinations(problem, rules)
                 if all(s + r.duration_minutes // interval <= len(item.labels)
                        for s, r in zip(starts, rules, strict=True))]
        found = best_labels_and_breaks(problem, item, gains, limits)
        assert found is not None and found[1] == pytest.approx(max(tried), abs=1e-6)
        tracked += programme_graph(Programme.of(problem, item, gains, limits, True).rules
                                   ).width > 1
        labels = found[0]
        for rule in rules:
            offsets = [o for o, label in enumerate(labels) if label[:2] == ("break", rule.name)]
            assert len(offsets) == rule.duration_minutes // interval
            assert (rule.earliest_start_after_minutes // interval <= offsets[0]
                    <= rule.latest_start_after_minutes // interval)
        checked += 1
    assert checked >= 20 and tracked > 0


def test_the_programme_with_breaks_kept_equals_the_reference(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """``best_labels`` (breaks kept where they are) finds the same worth and the same
    labels as the reference programme with one dictionary entry per state, under random
    gains on the greedy roster's agent-dates, in stress-aware mode and in baseline."""
    problem, required = generated
    replanner = Replanner.of(problem, required, "stress-aware",
                             greedy_roster(problem, required, "stress-aware"))
    rng = np.random.default_rng(11)
    checked = 0
    for mode in ("stress-aware", "baseline"):
        limits = stress_limits(problem, mode)
        for item in replanner.dates[::7]:
            gains = phone_gains(problem, required, mode, item,
                                np.zeros_like(replanner.counts))
            allowed = ~np.isnan(gains)
            gains[allowed] = rng.choice([-1.0, 0.0, 0.5, 500.0, 1000.0],
                                        size=int(allowed.sum()))
            labels, worth = best_labels(problem, item, gains, limits)
            reference = reference_best_labels(problem, item, gains, limits)
            assert worth == pytest.approx(reference[1], abs=1e-6)
            assert labels == reference[0]
            checked += 1
    assert checked >= 40
