"""One date's activities re-planned together by column generation (``shiftcare.columns``)."""

from __future__ import annotations

import logging
import os
import time

import numpy as np
import numpy.typing as npt
import pytest
from ortools.linear_solver import pywraplp

from shiftcare import columns
from shiftcare.activities import (
    OFF_PHONE,
    Replanner,
    best_labels_and_breaks,
    improve_activities,
    phone_gains,
    stress_limits,
)
from shiftcare.columns import (
    MIN_DATE_SECONDS,
    TARGET_TOLERANCE,
    DateMaster,
    PlansTaken,
    coverage_cost,
    improve_dates,
    next_dates,
    pattern_ceiling,
    replan_date,
    take_date_plans,
    whole_target,
)
from shiftcare.evaluate import validate
from shiftcare.greedy import greedy_roster
from shiftcare.problem import Mode, Problem
from shiftcare.solution import ActivityBlock, Shift, Solution
from shiftcare.solve import SolveOptions, solve
from shiftcare.staffing import required_agents
from tests import tiny
from tests.tiny import idle_roster, understaffed


def _complaint_date() -> Problem:
    """Three agents on 08:00-12:00, a complaint-heavy queue needing two of them all shift
    and a calm queue needing one: every agent must trade complaint runs, recoveries and
    calm intervals with the others (stretch cap 60 min, recovery after 45 min)."""
    agents = [tiny.agent(f"A{i}", skills=("calm", "hot")) for i in range(1, 4)]
    return tiny.problem(
        agents, [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60)],
        need={("hot", tiny.at(8), tiny.at(12)): 2, ("calm", tiny.at(8), tiny.at(12)): 1},
        share={("hot", tiny.at(8), tiny.at(12)): 1.0}, queues=("calm", "hot"))


def test_a_date_replanned_together_reaches_cp_sat_optimum() -> None:
    """From every agent off the phone, the date's joint re-plan breaks no rule and is
    short exactly as much as CP-SAT's proven optimum on the same problem."""
    problem = _complaint_date()
    required = required_agents(problem)
    start = idle_roster(problem)
    roster, kept, _, targets = improve_dates(problem, required, "stress-aware", start,
                                             time.monotonic() + 20)
    assert kept == 1
    assert validate(problem, roster) == ()
    assert roster.shifts == start.shifts
    optimum = solve(problem, SolveOptions(time_limit_seconds=30, workers=1), None, required)
    assert optimum.info.status == "OPTIMAL"
    assert understaffed(problem, roster, required) == understaffed(problem, optimum, required)
    assert understaffed(problem, roster, required) < understaffed(problem, start, required)
    assert targets == {0: understaffed(problem, optimum, required) // problem.interval_minutes}


def test_no_date_is_replanned_without_the_time_for_it() -> None:
    """With less than ``MIN_DATE_SECONDS`` left the short date is not touched: no plan
    kept, the roster returned as it came (a dive with no time would fix every agent-date
    at once)."""
    problem = _complaint_date()
    required = required_agents(problem)
    start = idle_roster(problem)
    roster, kept, size, _ = improve_dates(problem, required, "stress-aware", start,
                                          time.monotonic() + MIN_DATE_SECONDS / 2)
    assert (kept, size) == (0, (0, 0))
    assert roster.shifts == start.shifts
    assert understaffed(problem, roster, required) == understaffed(problem, start, required)


def test_the_master_lp_is_at_most_the_start_and_at_least_the_dive() -> None:
    """The master LP starts from the current patterns, so its optimum is no more than
    their coverage cost, and no less than the whole patterns the dive returns (one per
    agent-date, on its own shift: no shift moves were asked for)."""
    problem = _complaint_date()
    required = required_agents(problem)
    replanner = Replanner.of(problem, required, "stress-aware", idle_roster(problem))
    master = DateMaster(replanner, list(replanner.dates))
    before = coverage_cost(replanner, master.first, master.last)
    lp_value = master.generate(time.monotonic() + 20)
    columns = master.dive(time.monotonic() + 20)
    assert columns is not None and len(columns) == 3
    for item, column in zip(replanner.dates, columns, strict=True):
        assert column.shape == 0
        replanner.relabel(item, column.labels)
    after = coverage_cost(replanner, master.first, master.last)
    assert lp_value <= before
    assert lp_value <= after + 1e-6
    assert after < before


def test_generation_stopped_at_a_settled_target_has_the_optimums_target(
        generated: tuple[Problem, npt.NDArray[np.int64]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a date of the generated week (greedy roster, shift moves), column generation
    that stops because its Lagrangian estimate settles the dives' target (``target_settled``)
    may stop above its LP optimum, yet generation resumed to that optimum (the rule off)
    rounds to the same target."""
    problem, required = generated
    weight = problem.settings.weight_understaffing
    replanner = Replanner.of(problem, required, "stress-aware",
                             greedy_roster(problem, required, "stress-aware"))
    settled: list[bool] = []
    target_settled = columns.target_settled

    def recorded(lp_value: float, estimate: float, unit: float) -> bool:
        settled.append(target_settled(lp_value, estimate, unit))
        return settled[-1]

    monkeypatch.setattr(columns, "target_settled", recorded)
    stopped_by_target = False
    for day in range(problem.days):
        items = replanner.on_date(day)
        if not items:
            continue
        master = DateMaster(replanner, items, move_shifts=True)
        settled.clear()
        stopped = master.generate(time.monotonic() + 20)
        if not (master.converged and settled and settled[-1]):
            continue
        stopped_by_target = True
        master.settle_at_target = False
        monkeypatch.setattr(columns, "STOP_GAIN", 1e-3)
        optimum = master.generate(time.monotonic() + 20)
        assert master.converged and optimum <= stopped + 1e-6
        assert whole_target(optimum, weight) == whole_target(stopped, weight)
        break
    assert stopped_by_target


def _shift_and_breaks(column: columns._Column) -> tuple[object, ...]:
    """A column's shape and its breaks' (offset, name)."""
    return column.shape, tuple((offset, label[1]) for offset, label in enumerate(column.labels)
                               if label[0] == "break")


def test_a_shape_dive_keeps_shifts_and_breaks_and_leaves_the_queues_free() -> None:
    """A shape dive on a date with a break per shift keeps every agent-date to one shift
    and break placement, and returns for each a column with exactly those; the LP at its
    end is no less than before the dive (it only restricts, up to what generation left to
    gain) and the columns' coverage no better than that LP; ``undive`` frees them all again."""
    problem = tiny.break_date()
    required = required_agents(problem)
    replanner = Replanner.of(problem, required, "stress-aware",
                             greedy_roster(problem, required, "stress-aware"))
    master = DateMaster(replanner, list(replanner.dates), move_shifts=True)
    lp_value = master.generate(time.monotonic() + 20)
    chosen = master.shape_dive(time.monotonic() + 20)
    assert chosen is not None and len(chosen) == len(replanner.dates)
    for index, column in enumerate(chosen):
        assert master.kept[index] == _shift_and_breaks(column)
        assert all(other.variable.ub() == 0.0 for other in master.columns[index]
                   if _shift_and_breaks(other) != _shift_and_breaks(column))
    end_value = master.solver.Objective().Value()
    # generation stops within STOP_GAIN of its optimum, or above the whole target below it
    # (target_settled), so the dive's pricing may gain that much
    weight = problem.settings.weight_understaffing
    assert end_value >= min(lp_value - columns.STOP_GAIN * weight,
                            (whole_target(lp_value, weight) - 1 + TARGET_TOLERANCE) * weight)
    for item, shape, column in zip(replanner.dates, master.shapes, chosen, strict=True):
        replanner.relabel(item, column.labels, shape[column.shape].date.shift,
                          shape[column.shape].date.first)
    pay = sum(shapes[column.shape].cost for shapes, column in zip(master.shapes, chosen,
                                                                  strict=True))
    assert coverage_cost(replanner, master.first, master.last) + pay >= end_value - 1e-6
    master.undive()
    assert master.kept == [None] * len(replanner.dates) and not any(master.fixed)
    assert all(column.variable.ub() == master.solver.infinity()
               for columns_of in master.columns for column in columns_of)


def test_a_dive_freed_leaves_the_lp_as_it_was_for_the_next() -> None:
    """``undive`` frees what a dive fixed: the master LP solves to its optimum before the
    dive again (columns priced during the dive stay, so it can only be lower), and a
    second dive ends with whole patterns as good as the first's coverage allows."""
    problem = _complaint_date()
    required = required_agents(problem)
    replanner = Replanner.of(problem, required, "stress-aware", idle_roster(problem))
    master = DateMaster(replanner, list(replanner.dates))
    lp_value = master.generate(time.monotonic() + 20)
    first = master.dive(time.monotonic() + 20)
    assert first is not None and all(master.fixed)
    master.undive()
    assert not any(master.fixed)
    assert all(column.variable.lb() == 0.0 for columns in master.columns for column in columns)
    assert master.solve(None)
    assert master.solver.Objective().Value() <= lp_value + 1e-6
    second = master.dive(time.monotonic() + 20)
    assert second is not None and len(second) == len(first)


class _PresolveFailing:
    """A master LP solver whose every solve with GLOP's presolve ends ABNORMAL."""

    def __init__(self, solver: pywraplp.Solver) -> None:
        self.solver = solver
        self.parameters = ""
        self.abnormal = 0

    def SetSolverSpecificParametersAsString(self, parameters: str) -> bool:
        self.parameters = parameters
        return bool(self.solver.SetSolverSpecificParametersAsString(parameters))

    def Solve(self) -> int:
        if self.parameters != "use_preprocessing: false":
            self.abnormal += 1
            return int(pywraplp.Solver.ABNORMAL)
        return int(self.solver.Solve())

    def __getattr__(self, name: str) -> object:
        return getattr(self.solver, name)


def test_a_master_lp_glop_fails_on_is_solved_again_without_presolve() -> None:
    """When GLOP ends ABNORMAL (its presolve failed on a 200-agent date's dive), the
    master LP is solved again without the presolve, which is switched back on after:
    generation and the dive still end with whole patterns that beat the start."""
    problem = _complaint_date()
    required = required_agents(problem)
    replanner = Replanner.of(problem, required, "stress-aware", idle_roster(problem))
    master = DateMaster(replanner, list(replanner.dates))
    before = coverage_cost(replanner, master.first, master.last)
    failing = _PresolveFailing(master.solver)
    master.solver = failing
    lp_value = master.generate(time.monotonic() + 20)
    columns = master.dive(time.monotonic() + 20)
    assert failing.abnormal > 1 and failing.parameters == "use_preprocessing: true"
    assert columns is not None and lp_value < before


@pytest.mark.parametrize("mode", ["stress-aware", "baseline"])
def test_dates_replanned_from_a_replanned_roster_keep_every_rule_and_do_better(
        generated: tuple[Problem, npt.NDArray[np.int64]], mode: Mode) -> None:
    """After single-agent re-planning has stopped, re-planning each date's agents together
    keeps the shifts and every rule, and lowers understaffing."""
    problem, required = generated
    start, _ = improve_activities(problem, required, mode,
                                  greedy_roster(problem, required, mode),
                                  time.monotonic() + 5)
    roster, kept, size, _ = improve_dates(problem, required, mode, start,
                                          time.monotonic() + 10)
    assert kept > 0
    assert size[0] > len(problem.agents) and size[1] > len(problem.agents)
    assert [v for v in validate(problem, roster) if mode == "stress-aware" or not v.stress] == []
    assert roster.shifts == start.shifts
    assert understaffed(problem, roster, required) < understaffed(problem, start, required)


@pytest.mark.parametrize("mode", ["stress-aware", "baseline"])
def test_dates_replanned_in_two_processes_keep_every_rule_and_do_better(
        generated: tuple[Problem, npt.NDArray[np.int64]], mode: Mode) -> None:
    """Two dates at a time in two processes, shifts moving within their dates: every rule
    holds in the merged roster (hours, rest and stress included), each agent keeps its
    dates, and understaffing falls."""
    problem, required = generated
    start, _ = improve_activities(problem, required, mode,
                                  greedy_roster(problem, required, mode),
                                  time.monotonic() + 5)
    roster, kept, size, _ = improve_dates(problem, required, mode, start,
                                          time.monotonic() + 10, True, processes=2)
    assert kept > 0
    assert size[0] > len(problem.agents)
    assert [v for v in validate(problem, roster) if mode == "stress-aware" or not v.stress] == []
    assert sorted((s.agent_id, s.day) for s in roster.shifts) == sorted(
        (s.agent_id, s.day) for s in start.shifts)
    assert roster.shifts != start.shifts
    assert understaffed(problem, roster, required) < understaffed(problem, start, required)


def _end_abruptly(task: object) -> object:
    """A date re-plan whose process dies at once."""
    os._exit(1)


def test_a_dead_re_planning_process_leaves_the_dates_to_one(
        generated: tuple[Problem, npt.NDArray[np.int64]],
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """When a worker process dies, the pass goes on in the calling process, saying so:
    dates are still re-planned, every rule holds."""
    problem, required = generated
    monkeypatch.setattr(columns, "_replan_in_worker", _end_abruptly)
    start, _ = improve_activities(problem, required, "stress-aware",
                                  greedy_roster(problem, required, "stress-aware"),
                                  time.monotonic() + 5)
    roster, kept, _, _ = improve_dates(problem, required, "stress-aware", start,
                                       time.monotonic() + 10, True, processes=2)
    assert "ended abruptly" in caplog.text
    assert kept > 0
    assert validate(problem, roster) == ()
    assert understaffed(problem, roster, required) < understaffed(problem, start, required)


def test_a_date_whose_plans_clash_is_re_planned_again_in_the_same_pass(
        generated: tuple[Problem, npt.NDArray[np.int64]],
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Every date's first better plans refused as if they clashed with another date's
    shift moves: each such date waits again and is re-planned from the roster as it is
    then, once, so the pass still keeps re-plans (before, it kept none and the column
    stage ended there) and every rule holds. Above ``CLASH_REPLAN_MAX_AGENT_DATES``
    (here 0) no date is re-planned again and the pass keeps none."""
    problem, required = generated
    takes: list[int] = []

    def refuse_first(replanner: Replanner, day: int, plans: list[object],
                     paid_before: dict[int, int]) -> PlansTaken:
        takes.append(day)
        if takes.count(day) == 1:
            return PlansTaken(0, 1)
        return take_date_plans(replanner, day, plans, paid_before)  # type: ignore[arg-type]

    monkeypatch.setattr(columns, "take_date_plans", refuse_first)
    caplog.set_level(logging.INFO, logger="shiftcare")
    start, _ = improve_activities(problem, required, "stress-aware",
                                  greedy_roster(problem, required, "stress-aware"),
                                  time.monotonic() + 5)
    roster, kept, _, _ = improve_dates(problem, required, "stress-aware", start,
                                       time.monotonic() + 10, True, processes=2)
    refused = [day for day in set(takes) if takes.count(day) >= 2]
    assert refused and kept > 0
    assert all(f"date {day}: its plans clashed" in caplog.text for day in refused)
    assert validate(problem, roster) == ()
    assert understaffed(problem, roster, required) < understaffed(problem, start, required)
    takes.clear()
    monkeypatch.setattr(columns, "CLASH_REPLAN_MAX_AGENT_DATES", 0)
    _, kept, _, _ = improve_dates(problem, required, "stress-aware", start,
                                  time.monotonic() + 10, True, processes=2)
    assert kept == 0 and len(takes) == len(set(takes))


def test_dates_re_planned_at_once_are_adjacent_only_when_nothing_else_waits() -> None:
    """A free process takes the first waiting date not next to one running or chosen,
    else the first waiting date (no process idles while a date waits); none starts while
    every process is busy."""
    assert next_dates([5, 3, 4, 1, 0, 2], [], 2) == [5, 3]
    assert next_dates([4, 1, 0, 2], [3], 2) == [1]
    assert next_dates([0, 1, 2], [], 3) == [0, 2, 1]
    assert next_dates([2], [1], 2) == [2]
    assert next_dates([0, 2], [5], 1) == []


def test_a_worker_shift_move_against_a_neighbours_rest_is_refused() -> None:
    """Two adjacent dates re-planned at once: one moves its shift late, the other early,
    each keeping 11 hours' rest against the other's old shift but not against its new
    one: the first date's plan is taken, the second keeps its shift."""
    problem = tiny.problem([tiny.agent("A1")],
                           [tiny.shift_type(earliest_start=0, latest_start=23 * 60,
                                            start_step_minutes=60)], days=2)
    day = 24 * 60
    start = Solution((Shift("A1", 0, "day", 12 * 60, 16 * 60),
                      Shift("A1", 1, "day", day + 12 * 60, day + 16 * 60)), ())
    replanner = Replanner.of(problem, required_agents(problem), "stress-aware", start)
    paid_before = {0: 8 * 60}
    moves = {0: Shift("A1", 0, "day", 18 * 60, 22 * 60),
             1: Shift("A1", 1, "day", day + 6 * 60, day + 10 * 60)}
    for date, shift in moves.items():
        first = shift.start // problem.interval_minutes
        taken = take_date_plans(replanner, date, [(0, shift, first, [OFF_PHONE] * 16)],
                                paid_before)
        assert taken == (date == 0, date == 1)
    assert [item.shift for item in replanner.dates] == [moves[0], start.shifts[1]]


def test_a_worker_shift_move_over_the_weekly_hours_is_refused() -> None:
    """Two dates re-planned at once each lengthen one agent's 4-hour shift to 8 hours,
    which its 12 weekly hours allow one at a time but not together: the first date's
    plan is taken, the second keeps its shift."""
    problem = tiny.problem(
        [tiny.agent("A1", shift_types=("day", "long"), max_hours=12.0)],
        [tiny.shift_type(), tiny.shift_type("long", length_minutes=8 * 60)], days=3)
    day_start = 24 * 60
    start = Solution(tuple(Shift("A1", day, "day", day * day_start + 8 * 60,
                                 day * day_start + 12 * 60) for day in (0, 2)), ())
    replanner = Replanner.of(problem, required_agents(problem), "stress-aware", start)
    paid_before = {0: 8 * 60}
    for day in (0, 2):
        long = Shift("A1", day, "long", day * day_start + 8 * 60, day * day_start + 16 * 60)
        first = long.start // problem.interval_minutes
        taken = take_date_plans(replanner, day, [(0, long, first, [OFF_PHONE] * 32)],
                                paid_before)
        assert taken == (day == 0, day == 2)
    assert [item.shift.shift_type for item in replanner.dates] == ["long", "day"]


def test_a_date_is_kept_only_when_it_covers_better(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """With no time the dive takes the LP's first columns (the current patterns): nothing
    changes and the date is not counted as re-planned."""
    problem, required = generated
    start = greedy_roster(problem, required, "stress-aware")
    replanner = Replanner.of(problem, required, "stress-aware", start)
    counts = replanner.counts.copy()
    labels = [list(item.labels) for item in replanner.dates]
    assert not replan_date(replanner, 0, time.monotonic() - 1).kept
    assert np.array_equal(replanner.counts, counts)
    assert [item.labels for item in replanner.dates] == labels


@pytest.mark.parametrize("move_shifts", [True, False])
def test_a_shift_moves_within_its_date_when_asked(move_shifts: bool) -> None:
    """Two agents, starts 08:00-10:00, needed 10:00-14:00, both placed at 08:00: with
    shift moves the date's master moves both to 10:00 and is short exactly as much as
    CP-SAT's proven optimum (nothing); without them the shifts stay."""
    problem = tiny.problem([tiny.agent("A1"), tiny.agent("A2")], [tiny.shift_type()],
                           need={("main", tiny.at(10), tiny.at(14)): 2})
    required = required_agents(problem)
    start = idle_roster(problem)
    roster, kept, _, _ = improve_dates(problem, required, "stress-aware", start,
                                       time.monotonic() + 10, move_shifts)
    assert kept == 1
    assert validate(problem, roster) == ()
    if not move_shifts:
        assert roster.shifts == start.shifts
        assert understaffed(problem, roster, required) == 2 * 120
        return
    assert sorted(s.start for s in roster.shifts) == [10 * 60, 10 * 60]
    optimum = solve(problem, SolveOptions(time_limit_seconds=20, workers=1), None, required)
    assert optimum.info.status == "OPTIMAL"
    assert understaffed(problem, roster, required) == understaffed(problem, optimum, required) == 0


def test_a_shift_ending_past_the_horizon_is_replanned() -> None:
    """A 4-hour shift from 22:00 on the last date runs two hours past the horizon: the
    date's master prices it on the intervals that exist and covers the need."""
    problem = tiny.problem([tiny.agent("A1")],
                           [tiny.shift_type(earliest_start=22 * 60, latest_start=22 * 60)],
                           need={("main", tiny.at(22), tiny.at(24)): 1})
    required = required_agents(problem)
    start = Solution((Shift("A1", 0, "day", 22 * 60, 26 * 60),),
                     (ActivityBlock("A1", 0, 22 * 60, 26 * 60, "recovery"),))
    assert validate(problem, start) == ()
    roster, kept, _, _ = improve_dates(problem, required, "stress-aware", start,
                                       time.monotonic() + 10)
    assert kept == 1
    assert validate(problem, roster) == ()
    assert understaffed(problem, roster, required) == 0


def test_the_pattern_ceiling_is_never_below_the_best_pattern(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """Under random gains, ``pattern_ceiling`` is at least what the exact programme's best
    pattern (breaks placed anew, stress rules kept) is worth, so pricing may skip a shape
    whose ceiling cannot beat the best found; and it is below the sum of the positive
    gains wherever the shift has breaks."""
    problem, required = generated
    replanner = Replanner.of(problem, required, "stress-aware",
                             greedy_roster(problem, required, "stress-aware"))
    limits = stress_limits(problem, "stress-aware")
    rng = np.random.default_rng(11)
    below_sum = 0
    for item in replanner.dates[::5]:
        gains = phone_gains(problem, required, "stress-aware", item,
                            np.zeros_like(replanner.counts))
        allowed = ~np.isnan(gains)
        gains[allowed] = rng.choice([-10.0, 0.0, 1.0, 1000.0], size=int(allowed.sum()))
        found = best_labels_and_breaks(problem, item, gains, limits)
        assert found is not None
        ceiling = pattern_ceiling(problem, item, gains)
        assert ceiling >= found[1] - 1e-6
        positive = float(np.nan_to_num(gains, nan=0.0).clip(0).max(axis=0).sum())
        below_sum += ceiling < positive
    assert below_sum >= 10
