"""Scale pieces: the greedy roster's validity and speed, the compact LP bounds, and the
large-instance path of ``solve()``."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from ortools.linear_solver import pywraplp

from shiftcare import decompose, greedy, shiftplan, understaffing
from shiftcare.activities import Replanner, replanned_solution
from shiftcare.bound import (
    UNDERSTAFFING_WEIGHTS,
    agent_classes,
    below_optimum,
    build_compact_model,
    compact_lp_bounds,
    compact_mip_understaffing,
    contract_classes,
    full_objective_weights,
    solve_compact_lp,
    understaffing_objective_bound,
    whole_agent_minutes,
    workable_dates,
)
from shiftcare.evaluate import evaluate, validate
from shiftcare.greedy import greedy_roster
from shiftcare.model import build_model
from shiftcare.model.options import Candidate, candidate_shifts
from shiftcare.pipeline import load
from shiftcare.problem import Availability, History, Problem
from shiftcare.samples import build_generated
from shiftcare.solution import ActivityBlock, Shift, Solution
from shiftcare.solve import SolveOptions, independent_bound, solve
from shiftcare.staffing import required_agents
from shiftcare.summary import summary_items, understaffed_gap
from shiftcare.understaffing import (
    BackgroundBound,
    lagrangian_understaffing,
    pattern_understaffing,
    understaffing_lower_bound,
)
from tests import tiny
from tests.scripts import load_benchmark, row_cells


def test_greedy_roster_breaks_no_rule_and_meets_min_hours(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    roster = greedy_roster(problem, required, "stress-aware")
    assert validate(problem, roster) == ()
    paid: dict[str, int] = {}
    for shift in roster.shifts:
        paid[shift.agent_id] = paid.get(shift.agent_id, 0) + problem.shift_type(
            shift.shift_type).paid_minutes
    for agent in problem.agents:
        assert paid.get(agent.id, 0) >= agent.min_hours * 60


def test_greedy_roster_is_fast_on_many_agents(tmp_path: Path) -> None:
    problem, required = load(build_generated(300, 7, 2, 0, path=tmp_path / "g.xlsx"), None)
    started = time.monotonic()
    roster = greedy_roster(problem, required, "stress-aware")
    assert time.monotonic() - started < 15.0
    assert len(roster.shifts) > 300


def test_compact_bounds_are_below_the_greedy_roster(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    roster = greedy_roster(problem, required, "stress-aware")
    kpis = evaluate(problem, roster, required).kpis
    bound = compact_lp_bounds(problem, required, "stress-aware", 30.0)
    assert bound.objective is not None and bound.understaffed_minutes is not None
    assert 0 <= bound.understaffed_minutes <= kpis["understaffed_agent_minutes"]
    assert bound.objective <= decompose.roster_objective(problem, roster, required)
    assert bound.understaffed_minutes % problem.interval_minutes == 0


def test_compact_bound_counts_demand_no_shift_can_cover(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    night = required.copy()
    night[0, 2] = 5  # 00:30 on the first date: no shift type starts before 08:00
    base = compact_lp_bounds(problem, required, "stress-aware", 30.0).understaffed_minutes
    more = compact_lp_bounds(problem, night, "stress-aware", 30.0).understaffed_minutes
    assert base is not None and more is not None
    added = 5 - int(required[0, 2])
    assert more == base + added * problem.interval_minutes


def test_contract_classes_merge_agents_with_equal_contracts(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, _ = generated
    classes = contract_classes(problem, "stress-aware")
    assert sorted(i for group in classes for i in group) == list(range(len(problem.agents)))
    assert len(classes) < len(problem.agents) / 2
    for group in classes:
        first = problem.agents[group[0]]
        assert all(problem.agents[i].skills == first.skills for i in group)


def test_solve_takes_the_large_path_above_the_threshold(
        generated: tuple[Problem, npt.NDArray[np.int64]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    problem, required = generated
    monkeypatch.setattr(decompose, "LARGE_AGENT_DAYS", 10)
    monkeypatch.setattr(decompose, "BLOCK_AGENT_DAYS", 20)
    reports: list[tuple[float, float, float]] = []
    solution = solve(problem, SolveOptions(time_limit_seconds=20, workers=1),
                     lambda *r: reports.append(r), required)
    info = solution.info
    assert info.status == "FEASIBLE"
    assert 0 < info.num_variables < 20_000  # one block's model, not the full one
    assert info.objective is not None and info.best_bound is not None
    assert info.best_bound <= info.objective
    assert info.solve_seconds <= 20 + 2
    assert validate(problem, solution) == ()
    greedy = greedy_roster(problem, required, "stress-aware")
    assert info.objective < decompose.roster_objective(problem, greedy, required)
    assert reports, "an improving block reports progress"
    objectives = [objective for _, objective, _ in reports]
    assert objectives == sorted(objectives, reverse=True)
    assert all(bound <= objective for _, objective, bound in reports)
    # one worker: no core left for the bound's process; the day-pattern plan's bound
    short = evaluate(problem, solution, required).kpis["understaffed_agent_minutes"]
    assert info.understaffed_bound is not None and 0 < info.understaffed_bound <= short


def _four_agents_one_date() -> Problem:
    """Four agents, one date, one agent needed on the main queue 08:00-12:00."""
    return tiny.problem([tiny.agent(f"A{i}") for i in range(4)], days=1,
                        need={("main", tiny.at(8), tiny.at(12)): 1})


@pytest.mark.parametrize(("max_agents", "column_share", "expected"), [
    (1_000, 0.55, (0.55, 0.15)),
    (3, 0.55, (0.70, 0.0)),
    (3, 0.0, (0.0, 0.15)),
])
def test_window_share_goes_to_column_generation_above_a_size(
        monkeypatch: pytest.MonkeyPatch, max_agents: int, column_share: float,
        expected: tuple[float, float]) -> None:
    """Four agents: windows keep their share up to the size, and above it column
    generation takes it, unless column generation is off."""
    problem = _four_agents_one_date()
    monkeypatch.setattr(decompose, "WINDOW_MAX_AGENTS", max_agents)
    options = decompose.LargeOptions(60.0, column_share=column_share, window_share=0.15)
    assert decompose.stage_shares(problem, options) == pytest.approx(expected)


def test_column_generation_may_take_the_window_stage_share(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The column stage runs until the end of both stages' shares, and the window stage
    (which gets whatever the column stage leaves) until that same end; the stages are
    stand-ins that return at once."""
    problem = _four_agents_one_date()
    ends: dict[str, float] = {}

    def dates(problem: Problem, required: Any, mode: Any, start: Solution,
              deadline: float, *args: Any) -> Any:
        ends["columns"] = deadline
        return start, 0, (0, 0), {}

    def windows(problem: Problem, required: Any, mode: Any, start: Solution,
                targets: Any, options: Any, deadline: float) -> Any:
        ends["windows"] = deadline
        return start, 0, decompose.ModelSize()

    monkeypatch.setattr(decompose, "improve_dates", dates)
    monkeypatch.setattr(decompose, "improve_windows", windows)
    monkeypatch.setattr(decompose, "improve_activities",
                        lambda problem, required, mode, start, *args, **kwargs: (start, 0))
    monkeypatch.setattr(decompose, "fix_and_optimise",
                        lambda problem, required, mode, start, *args: (
                            start, decompose.ModelSize()))
    needed = required_agents(problem)
    greedy = greedy_roster(problem, needed, "stress-aware")
    options = decompose.LargeOptions(100.0, workers=1)
    started = time.monotonic()
    decompose.improve_roster(problem, needed, "stress-aware", greedy, None, None, options,
                             started)
    shares = decompose.COLUMN_SHARE + decompose.WINDOW_SHARE
    assert ends["columns"] == pytest.approx(started + shares * 100, abs=2.0)
    assert ends["windows"] == ends["columns"]


def test_round_blocks_cover_every_agent_date_once(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, _ = generated
    blocks = decompose.round_blocks(problem, 30, 2, np.random.default_rng(1))
    cells = [(a, d) for block in blocks for a in block.agents for d in block.days]
    assert len(cells) == len(set(cells)) == len(problem.agents) * problem.days
    assert all(len(block.days) <= 2 and len(block.agents) * len(block.days) <= 30 + 2
               for block in blocks)
    for block in blocks:
        assert list(block.days) == list(range(block.days[0], block.days[-1] + 1))
        skills = {problem.agents[a].skills for a in block.agents}
        assert len(skills) > 1  # groups mix skills


def test_block_problem_leaves_what_the_fixed_dates_have_not_used(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    roster = greedy_roster(problem, required, "stress-aware")
    rosters = decompose._split_roster(problem, roster)
    agent_index = next(i for i, a in enumerate(problem.agents)
                       if len(rosters[a.id].shifts) >= 3)
    agent = problem.agents[agent_index]
    day = rosters[agent.id].shifts[1].day
    sub = decompose.block_problem(problem, decompose.Block((agent_index,), (day,)), rosters)
    fixed = [s for s in rosters[agent.id].shifts if s.day != day]
    paid = sum(problem.shift_type(s.shift_type).paid_minutes for s in fixed) / 60
    (adjusted,) = sub.agents
    assert adjusted.max_days == agent.max_days - len(fixed)
    assert adjusted.max_hours == pytest.approx(agent.max_hours - paid)
    assert adjusted.min_hours == pytest.approx(max(0.0, agent.min_hours - paid))
    off = {a.day for a in sub.availability if a.status == "off"}
    assert off == set(range(problem.days)) - {day}


def test_fix_and_optimise_never_breaks_a_rule_and_lowers_understaffing(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    greedy = greedy_roster(problem, required, "stress-aware")
    options = decompose.LargeOptions(10.0, workers=1, seed=0, block_agent_days=40,
                                     window_days=1, subsolve_seconds=1.0)
    roster, largest = decompose.fix_and_optimise(problem, required, "stress-aware", greedy,
                                                 options, time.monotonic() + 10.0)
    assert largest.variables > 0 and largest.constraints > 0
    assert validate(problem, roster) == ()
    before = evaluate(problem, greedy, required).kpis["understaffed_agent_minutes"]
    after = evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
    assert after < before
    assert {s.agent_id for s in roster.shifts} <= {a.id for a in problem.agents}


# --------------------------------------------------------------------------- shift plan


@pytest.fixture(scope="module")
def plan(generated: tuple[Problem, npt.NDArray[np.int64]]) -> shiftplan.ShiftPlan:
    """The generated week's shift plan (the compact LP, rounded)."""
    problem, required = generated
    found = shiftplan.plan_shift_counts(problem, required, "stress-aware", 3.0)
    assert found is not None
    return found


def test_shift_plan_rounds_the_lp_within_classes(
        generated: tuple[Problem, npt.NDArray[np.int64]], plan: shiftplan.ShiftPlan) -> None:
    problem, required = generated
    assert plan.counts and all(n > 0 for n in plan.counts.values())
    for class_index, group in enumerate(plan.classes):
        agent = problem.agents[group[0]]
        per_day = [sum(n for (c, d, _, _), n in plan.counts.items()
                       if c == class_index and d == day) for day in range(problem.days)]
        assert max(per_day) <= len(group)
        # each date's total is the LP's rounded: at most half an agent more per date
        assert sum(per_day) <= agent.max_days * len(group) + problem.days / 2
    bound = compact_lp_bounds(problem, required, "stress-aware", 30.0).understaffed_minutes
    assert bound is not None
    assert math.ceil(plan.understaffed_intervals - 1e-6) * problem.interval_minutes == bound


def test_shift_plan_takes_refined_counts_rounded_and_falls_back_without(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """With ``refine`` the plan's counts are the refined ones rounded per class and
    date (1.6 and 0.4 of one class-date make 2 of the first), from the LP's coverage
    duals in agent-intervals (0 to 1), and its bound is the plan's; when it finds none,
    the compact LP's counts."""
    problem, required = generated
    _, compact = _solved_compact(problem, required)
    first, second = [key for key in compact.shift_vars if key[:2] == (0, 0)][:2]
    seen: list[npt.NDArray[np.float64]] = []

    def refine(duals: npt.NDArray[np.float64],
               deadline: float) -> tuple[dict[Any, float], float | None]:
        seen.append(duals)
        return {first: 1.6, second: 0.4}, 7.5

    refined = shiftplan.plan_shift_counts(problem, required, "stress-aware", 30.0, refine)
    assert refined is not None and refined.counts == {first: 2}
    assert refined.understaffed_bound == 7.5
    assert seen[0].shape == required.shape
    assert seen[0].min() >= 0.0 and 0.5 < seen[0].max() <= 1.0 + 1e-9
    plain = shiftplan.plan_shift_counts(problem, required, "stress-aware", 30.0)
    fallback = shiftplan.plan_shift_counts(problem, required, "stress-aware", 30.0,
                                           lambda duals, deadline: ({}, None))
    assert plain is not None and fallback is not None
    assert fallback.counts == plain.counts
    assert plain.understaffed_bound is None


def test_day_pattern_plan_only_with_its_share_and_up_to_its_agent_dates() -> None:
    """The shift plan takes the day-pattern master's counts, its share of the time
    limit grows by ``pattern_plan_share`` and the start re-planning's shrinks to
    ``PATTERN_REPLAN_SHARE``, only with that share above 0 (the default) and up to
    ``DAY_PATTERN_PLAN_MAX_AGENT_DATES`` agent-dates."""
    limit = decompose.DAY_PATTERN_PLAN_MAX_AGENT_DATES
    small = tiny.problem([tiny.agent(f"A{i}") for i in range(limit // 7)],
                         [tiny.shift_type()], days=7)
    large = tiny.problem([tiny.agent(f"A{i}") for i in range(limit // 7 + 1)],
                         [tiny.shift_type()], days=7)
    required = np.zeros((1, 1), dtype=np.int64)
    options = decompose.LargeOptions(time_limit_seconds=600)
    assert options.pattern_plan_share > 0
    assert decompose.uses_day_patterns(small, options)
    assert decompose.plan_share(small, options) == (options.plan_share
                                                    + options.pattern_plan_share)
    assert decompose.day_pattern_counts(small, required, "stress-aware", options) is not None
    assert not decompose.uses_day_patterns(large, options)
    assert decompose.plan_share(large, options) == options.plan_share
    compact = replace(options, pattern_plan_share=0.0)
    assert not decompose.uses_day_patterns(small, compact)
    assert decompose.plan_share(small, compact) == compact.plan_share
    assert decompose.day_pattern_counts(small, required, "stress-aware", compact) is None
    assert decompose.replan_share(small, options) == decompose.PATTERN_REPLAN_SHARE
    assert decompose.replan_share(large, options) == decompose.REPLAN_SHARE
    assert decompose.replan_share(small, compact) == decompose.REPLAN_SHARE


def _solved_compact(problem: Problem, required: npt.NDArray[np.int64],
                    ) -> tuple[pywraplp.Solver, Any]:
    """The generated week's compact LP (full objective), solved."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    compact = build_compact_model(solver, problem, required, "stress-aware",
                                  full_objective_weights(problem.settings))
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    return solver, compact


def test_dive_ends_with_whole_shift_counts_the_lp_keeps(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """The dive fixes shift counts round by round and solves the LP again: it ends with
    whole counts only, in an LP solved with them fixed (no cheaper than the free LP)."""
    problem, required = generated
    solver, compact = _solved_compact(problem, required)
    free = compact.objective.Value()
    assert any(abs(v.solution_value() - round(v.solution_value())) > 1e-6
               for v in compact.shift_vars.values())
    values = shiftplan.dive_counts(solver, compact, time.monotonic() + 30.0)
    assert all(abs(value - round(value)) <= 1e-6 for value in values.values())
    assert compact.objective.Value() >= free - 1e-6
    assert all(abs(var.solution_value() - values[key]) <= 1e-6
               for key, var in compact.shift_vars.items())


def test_strong_finish_ends_with_whole_counts_its_lp_keeps(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """From a dive with a few counts still fractional, the strong finish rounds them one
    at a time: whole counts, in an LP solved with them, costing what it says and no less
    than the LP it started from."""
    problem, required = generated
    solver, compact = _solved_compact(problem, required)
    deadline = time.monotonic() + 30.0
    values, cost = shiftplan._dive_rounds(solver, compact, shiftplan._shift_counts(compact),
                                          compact.objective.Value(), deadline,
                                          shiftplan.STRONG_FINISH_COUNTS)
    assert 0 < len(shiftplan._fractional(values)) <= shiftplan.STRONG_FINISH_COUNTS
    finished = shiftplan._strong_finish(solver, compact, values, cost, deadline)
    assert finished is not None
    whole, whole_cost = finished
    assert not shiftplan._fractional(whole)
    assert whole_cost == pytest.approx(compact.objective.Value())
    assert whole_cost >= cost - 1e-6
    assert all(abs(var.solution_value() - whole[key]) <= 1e-6
               for key, var in compact.shift_vars.items())


def test_dive_keeps_the_cheaper_of_its_two_ends(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """The dive ends both ways, plainly and by the strong finish, and keeps the cheaper:
    its LP with whole counts costs no more than either end reached alone (on this week
    the strong finish is the cheaper by about 2 %)."""
    problem, required = generated
    deadline = time.monotonic() + 60.0
    solver, compact = _solved_compact(problem, required)
    free = compact.objective.Value()
    plain, _ = shiftplan._dive_rounds(solver, compact, shiftplan._shift_counts(compact),
                                      free, deadline, 0)
    assert not shiftplan._fractional(plain)
    plain_cost = compact.objective.Value()
    solver, compact = _solved_compact(problem, required)
    values, cost = shiftplan._dive_rounds(solver, compact, shiftplan._shift_counts(compact),
                                          free, deadline, shiftplan.STRONG_FINISH_COUNTS)
    finished = shiftplan._strong_finish(solver, compact, values, cost, deadline)
    assert finished is not None
    solver, compact = _solved_compact(problem, required)
    kept = shiftplan.dive_counts(solver, compact, deadline)
    assert not shiftplan._fractional(kept)
    assert compact.objective.Value() <= min(plain_cost, finished[1]) + 1e-6


def test_largest_remainder_rounding_keeps_the_rounded_total() -> None:
    values = [((0, 0, "day", 480), 1.6), ((0, 0, "day", 540), 0.7), ((0, 0, "day", 600), 0.4)]
    counts = shiftplan._round_largest_remainder(values)
    assert counts == {(0, 0, "day", 480): 2, (0, 0, "day", 540): 1, (0, 0, "day", 600): 0}
    assert sum(counts.values()) == round(1.6 + 0.7 + 0.4)
    whole = shiftplan._round_largest_remainder([((0, 0, "day", 480), 2.0000001)])
    assert whole == {(0, 0, "day", 480): 2}


def test_planned_roster_breaks_no_rule_and_staffs_most_planned_shifts(
        generated: tuple[Problem, npt.NDArray[np.int64]], plan: shiftplan.ShiftPlan) -> None:
    problem, required = generated
    loads = shiftplan.assign_agents(problem, plan)
    assigned = sum(len(load.shifts) for load in loads)
    assert assigned >= 0.9 * sum(plan.counts.values())
    roster = shiftplan.roster_from_plan(problem, required, "stress-aware", plan)
    assert validate(problem, roster) == ()
    assert len(roster.shifts) >= assigned


def _unblocked(problem: Problem, agent_index: int, day: int) -> list[Candidate]:
    return [c for c in candidate_shifts(problem, agent_index, day) if not c.blockers]


def test_may_add_keeps_rest_and_consecutive_days(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, _ = generated
    agent_index = next(i for i, a in enumerate(problem.agents)
                       if problem.history_of(a.id) is None
                       and all(len(_unblocked(problem, i, d)) > 1 for d in range(3)))
    agent = problem.agents[agent_index]
    rest = agent.min_rest_minutes
    late = max(_unblocked(problem, agent_index, 0), key=lambda c: c.end)
    load = shiftplan.AgentLoad(agent_index, [late])
    next_day = _unblocked(problem, agent_index, 1)
    assert all(shiftplan.may_add(problem, load, c) == (c.start - late.end >= rest)
               for c in next_day)
    assert not shiftplan.may_add(problem, load, _unblocked(problem, agent_index, 0)[0])
    streak = shiftplan.AgentLoad(agent_index, history_streak=agent.max_consecutive_days)
    assert not shiftplan.may_add(problem, streak, _unblocked(problem, agent_index, 0)[0])
    assert shiftplan.may_add(problem, streak, next_day[0])  # date 0 off ends the run


def test_balanced_breaks_do_not_pile_up(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    agent_index, candidate = next(
        (i, c) for i in range(len(problem.agents)) for c in _unblocked(problem, i, 0)
        if len(c.shift_type.breaks) >= 2)
    interval = problem.interval_minutes
    length = candidate.end_interval(interval) - candidate.start_interval(interval)
    planned = [greedy._Planned(agent_index, candidate, [("recovery", "", True)] * length)
               for _ in range(2)]
    shiftplan.place_breaks_balanced(problem, planned, np.zeros_like(required))
    on_break = [{k for k, label in enumerate(p.labels) if label[0] == "break"}
                for p in planned]
    assert all(len(b) == sum(r.duration_minutes for r in candidate.shift_type.breaks)
               // interval for b in on_break)
    assert not on_break[0] & on_break[1]  # the second agent's breaks avoid the first's


def test_best_start_takes_the_cheaper_valid_roster(
        generated: tuple[Problem, npt.NDArray[np.int64]], plan: shiftplan.ShiftPlan) -> None:
    problem, required = generated
    greedy_start = greedy_roster(problem, required, "stress-aware")
    start = decompose.best_start(problem, required, "stress-aware", greedy_start, plan)
    assert validate(problem, start) == ()
    def cost(roster: Solution) -> float:
        return decompose._fast_objective(problem, decompose._split_roster(problem, roster),
                                         required)

    assert cost(start) <= cost(greedy_start)
    assert decompose.best_start(problem, required, "stress-aware", greedy_start,
                                None) is greedy_start


def test_shift_plan_bound_is_the_compact_lp_bound(
        generated: tuple[Problem, npt.NDArray[np.int64]], plan: shiftplan.ShiftPlan) -> None:
    problem, required = generated
    bound = compact_lp_bounds(problem, required, "stress-aware", 30.0, understaffing=False)
    assert bound.objective is not None
    assert plan.objective_bound == pytest.approx(bound.objective, rel=1e-6)


@pytest.mark.parametrize(("stretch", "recovery_after", "recovery"),
                         [(60, 45, 10), (60, 30, 20), (30, 45, 10), (90, 45, 15)])
def test_compact_bound_with_stress_rules_stays_below_the_optimum(
        stretch: int, recovery_after: int, recovery: int) -> None:
    """One agent, one 4-hour shift, one complaint-heavy agent needed all shift: the stress
    rules leave some intervals short. The bound must count some of them (without the
    stretch-cap and recovery rows it would be 0: the daily cap allows all 16 intervals)
    and never more than CP-SAT's proven optimum."""
    problem = tiny.problem(
        [tiny.agent("A1", max_complaint_stretch_minutes=stretch)],
        [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60)],
        need={("main", tiny.at(8), tiny.at(12)): 1},
        share={("main", tiny.at(8), tiny.at(12)): 1.0},
        recovery_after_minutes=recovery_after, recovery_break_minutes=recovery,
        max_complaint_minutes_per_day=240)
    required = required_agents(problem)
    optimum = solve(problem, SolveOptions(time_limit_seconds=20, workers=1), None, required)
    assert optimum.info.status == "OPTIMAL"
    short = evaluate(problem, optimum, required).kpis["understaffed_agent_minutes"]
    bound = compact_lp_bounds(problem, required, "stress-aware", 10.0)
    assert bound.understaffed_minutes is not None and bound.objective is not None
    assert 0 < bound.understaffed_minutes <= short
    assert bound.objective <= decompose.roster_objective(problem, optimum, required) + 1e-6
    baseline = compact_lp_bounds(problem, required, "baseline", 10.0)
    assert baseline.understaffed_minutes == 0


def _one_agent_with_long_recoveries() -> Problem:
    """One agent, a fixed 4-hour shift, complaint-heavy need all shift, a stretch cap of
    60 minutes and a 20-minute recovery after 30 (CP-SAT's proven optimum: 60 minutes
    short)."""
    return tiny.problem(
        [tiny.agent("A1", max_complaint_stretch_minutes=60)],
        [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60)],
        need={("main", tiny.at(8), tiny.at(12)): 1},
        share={("main", tiny.at(8), tiny.at(12)): 1.0},
        recovery_after_minutes=30, recovery_break_minutes=20,
        max_complaint_minutes_per_day=240)


def test_independent_bound_takes_the_objective_the_understaffing_bound_implies() -> None:
    """``_one_agent_with_long_recoveries``: the LPs spread the agent's phone time in
    fractions (45 minutes short), the understaffing bound proves 60, and every roster
    pays for those 60 minutes."""
    problem = _one_agent_with_long_recoveries()
    required = required_agents(problem)
    options = SolveOptions(time_limit_seconds=20, workers=1)
    built = build_model(problem, required, options.mode, policy=options.policy)
    bounds = independent_bound(built, options, 10.0)
    floor = understaffing_objective_bound(problem, 60.0)
    assert bounds.understaffed_minutes == 60.0
    assert bounds.objective is not None
    assert bounds.objective >= (floor - built.objective_offset_units) * built.objective_scale


def test_understaffing_objective_bound_is_below_a_roster_with_that_understaffing(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """At a roster's own understaffing the bound leaves out overstaffing, hours above the
    min, preferences and fairness: at most the roster's objective, and what it charges
    besides understaffing is every agent's min hours."""
    problem, required = generated
    roster = greedy_roster(problem, required, "stress-aware")
    short = float(evaluate(problem, roster, required).kpis["understaffed_agent_minutes"])
    settings = problem.settings
    floor = understaffing_objective_bound(problem, short)
    assert floor == pytest.approx(
        settings.weight_understaffing * short / problem.interval_minutes
        + settings.weight_paid_hour * sum(agent.min_hours for agent in problem.agents))
    assert floor <= decompose.roster_objective(problem, roster, required)


def test_compact_mip_bound_counts_whole_agents_up_to_the_optimum() -> None:
    """``_one_agent_with_long_recoveries``: the LP spreads the agent's phone time in
    fractions and bounds 45 minutes short, whole agents cannot do better than CP-SAT's
    proven 60, and the MIP bound finds that."""
    problem = _one_agent_with_long_recoveries()
    required = required_agents(problem)
    optimum = solve(problem, SolveOptions(time_limit_seconds=20, workers=1), None, required)
    assert optimum.info.status == "OPTIMAL"
    short = evaluate(problem, optimum, required).kpis["understaffed_agent_minutes"]
    lp = compact_lp_bounds(problem, required, "stress-aware", 10.0).understaffed_minutes
    mip = compact_mip_understaffing(problem, required, "stress-aware", 10.0)
    assert lp is not None and mip is not None
    assert lp < mip <= short
    assert optimum.info.understaffed_bound == mip == short
    items = summary_items(problem, optimum, evaluate(problem, optimum, required))
    assert items["understaffed_lower_bound"] == short
    assert items["understaffed_gap"] == 0.0


def test_week_column_bound_meets_its_lp_within_the_optimum() -> None:
    """benchmarks/week_column_bound.py on ``_one_agent_with_long_recoveries`` (optimum 60
    minutes short): its column generation converges (the Lagrangian bound meets the
    LP), and as its columns are the agent's own runs and recoveries, which the compact
    LP spreads in fractions (45), it proves the optimum."""
    week_bound = load_benchmark("week_column_bound")
    problem = _one_agent_with_long_recoveries()
    required = required_agents(problem)
    value, best, rounds = week_bound.week_column_bound(problem, required, 100)
    assert rounds < 100
    assert value - week_bound.CONVERGED <= best <= value + 1e-6
    minutes = math.ceil(best - 1e-6) * problem.interval_minutes
    lp = compact_lp_bounds(problem, required, "stress-aware", 10.0).understaffed_minutes
    assert lp is not None and lp < minutes == 60


def test_week_column_bound_per_date_adds_up_to_its_lp(
        capsys: pytest.CaptureFixture[str]) -> None:
    """``--per-date`` of benchmarks/week_column_bound.py: the dates' agent-intervals
    short sum to the master LP, and the one agent's share at work on each date is
    between 0 and 1."""
    week_bound = load_benchmark("week_column_bound")
    problem = _one_agent_with_long_recoveries()
    required = required_agents(problem)
    master = week_bound.WeekMaster(required, agent_classes(problem))
    value, _, _ = week_bound.week_column_bound(problem, required, 100, master)
    capsys.readouterr()
    week_bound.print_per_date(problem, required, master)
    rows = [row_cells(line) for line in capsys.readouterr().out.splitlines()
            if line.startswith("| ") and line[2].isdigit()]
    dates = [row for row in rows if len(row) == 3]
    assert len(dates) == problem.days
    assert sum(float(row[1]) for row in dates) == pytest.approx(value, abs=0.05 * problem.days)
    for row in dates:
        assert 0.0 <= float(row[2]) <= 1.0


def _compact_lp_and_duals(problem: Problem, required: npt.NDArray[np.int64],
                          ) -> tuple[float, npt.NDArray[np.float64]]:
    """The compact LP's understaffed agent-intervals and coverage duals."""
    solved = solve_compact_lp(problem, required, "stress-aware", UNDERSTAFFING_WEIGHTS, 10.0)
    assert solved is not None
    return solved


def test_lagrangian_bound_proves_the_optimum_the_lp_spreads_in_fractions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``_one_agent_with_long_recoveries`` (CP-SAT's proven optimum: 60 minutes short): at
    the compact LP's duals the agent's best week has whole runs and recoveries, so the
    Lagrangian bound proves the 60 minutes where the LP proves 45, and the Summary's bound
    takes it without the MIP."""
    problem = _one_agent_with_long_recoveries()
    required = required_agents(problem)
    lp, duals = _compact_lp_and_duals(problem, required)
    lagrangian = lagrangian_understaffing(problem, required, "stress-aware", duals)
    assert lagrangian is not None
    assert whole_agent_minutes(problem, lp) == 45
    assert whole_agent_minutes(problem, below_optimum(lagrangian)) == 60
    monkeypatch.setattr(understaffing, "compact_mip_understaffing", lambda *_: None)
    assert understaffing_lower_bound(problem, required, "stress-aware", 10.0) == 60


def test_pattern_bound_proves_the_optimum_the_lp_spreads_in_fractions() -> None:
    """``_one_agent_with_long_recoveries`` (CP-SAT's proven optimum: 60 minutes short):
    the day-pattern master takes the agent's runs and recoveries whole, so its bound
    proves the 60 minutes where the LP proves 45."""
    problem = _one_agent_with_long_recoveries()
    required = required_agents(problem)
    lp, duals = _compact_lp_and_duals(problem, required)
    found = pattern_understaffing(problem, required, "stress-aware", duals,
                                  time.monotonic() + 30.0)
    assert found is not None
    assert whole_agent_minutes(problem, lp) == 45
    assert whole_agent_minutes(problem, below_optimum(found)) == 60


def test_pattern_bound_starts_from_the_lagrangian_and_gives_up_at_its_deadline(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """On a generated week the day-pattern bound is at least the Lagrangian bound it
    starts from and at most a roster's understaffing; with its deadline passed it
    returns that start (or nothing without one)."""
    problem, required = generated
    _, duals = _compact_lp_and_duals(problem, required)
    start = lagrangian_understaffing(problem, required, "stress-aware", duals)
    assert start is not None
    found = pattern_understaffing(problem, required, "stress-aware", duals,
                                  time.monotonic() + 20.0, start)
    roster = greedy_roster(problem, required, "stress-aware")
    short = evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
    assert found is not None
    assert start <= found <= short / problem.interval_minutes
    past = time.monotonic() - 1.0
    assert pattern_understaffing(problem, required, "stress-aware", duals, past, start) == start
    assert pattern_understaffing(problem, required, "stress-aware", duals, past) is None


def test_pattern_plan_counts_are_whole_and_within_each_class(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """The day-pattern master's dived shift counts (the shift plan's with
    ``LargeOptions.pattern_plan_share``) are whole and the class model's own: one per
    class, date and candidate shift of the compact model, at most the class's agents per
    date and its paid minutes within the class's hours; the bound its column generation
    proves (stopped once its LP settles, so maybe below the compact LP's) is at most a
    roster's understaffing; with the deadline passed there are no counts and no bound."""
    problem, required = generated
    _, duals = _compact_lp_and_duals(problem, required)
    counts, proved = understaffing.pattern_plan_counts(problem, required, "stress-aware",
                                                       duals, time.monotonic() + 20.0)
    _, compact = _solved_compact(problem, required)
    assert counts and set(counts) == set(compact.shift_vars)
    assert all(abs(n - round(n)) <= 1e-6 for n in counts.values())
    roster = greedy_roster(problem, required, "stress-aware")
    short = evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
    assert proved is not None and 0 < proved <= short / problem.interval_minutes
    classes = contract_classes(problem, "stress-aware")
    for class_index, group in enumerate(classes):
        agent = problem.agents[group[0]]
        mine = {key: n for key, n in counts.items() if key[0] == class_index}
        for day in range(problem.days):
            assert sum(n for key, n in mine.items() if key[1] == day) <= len(group) + 1e-6
        paid = sum(n * problem.shift_type(key[2]).paid_minutes for key, n in mine.items())
        assert agent.min_paid_minutes * len(group) - 1e-3 <= paid
        assert paid <= agent.max_paid_minutes * len(group) + 1e-3
    past = time.monotonic() - 1.0
    assert understaffing.pattern_plan_counts(problem, required, "stress-aware", duals,
                                             past) == ({}, None)


def test_pattern_generation_settles_when_its_lp_stops_falling() -> None:
    """A plan's column generation stops once the master LP fell by less than
    ``SETTLED_FALL`` over its settle rounds; never with fewer rounds or none asked."""
    fall = understaffing.SETTLED_FALL
    assert understaffing._settled([10.0, 9.0, 8.0, 10.0 - 0.9 * fall], 3)
    assert not understaffing._settled([10.0, 9.0, 8.0, 10.0 - 1.1 * fall], 3)
    assert not understaffing._settled([10.0, 10.0, 10.0], 3)
    assert not understaffing._settled([10.0, 10.0, 10.0, 10.0], 0)


def test_pattern_bound_benchmark_row_shows_the_patterns_gaining() -> None:
    """benchmarks/pattern_bound.py: one row per generated week, its bounds in
    agent-intervals; on the 40-agent week of seed 1 the Lagrangian bound at the class
    LP's duals gains on the LP (369.9 against 362.0, measured) and the day patterns gain
    more than an agent-interval on it (371.3)."""
    row = load_benchmark("pattern_bound").measure("40x7", 1, 60.0)
    cells = row_cells(row)
    lp, lagrangian, patterns = (float(cell.split(" ")[0].replace(",", ""))
                                for cell in cells[2:5])
    assert cells[:2] == ["40x7", "1"]
    assert lp < lagrangian and lagrangian + 1.0 < patterns


def test_pattern_plan_benchmark_row_compares_both_plans_validly() -> None:
    """benchmarks/pattern_plan.py: one row per generated week with the start roster and
    the roster of each plan (understaffed agent-minutes, whole agent-intervals), each
    roster at or above its Summary bound (gap from 0 to 100 %) and no rule broken."""
    row = load_benchmark("pattern_plan").measure("40x7", 1, 8.0, 2, 0.35)
    cells = row_cells(row)
    assert cells[0] == "1" and cells[7] == "0"
    minutes = [int(cells[index].replace(",", "")) for index in (1, 2, 3, 5)]
    assert all(value > 0 and value % 15 == 0 for value in minutes)
    for gap in (cells[4], cells[6]):
        assert gap.endswith(" %") and 0.0 <= float(gap[:-2]) < 100.0


def test_understaffing_bound_runs_the_patterns_first_where_the_lagrangian_gains(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The day patterns run before the compact MIP where the Lagrangian bound at the LP's
    duals gains ``PATTERN_FIRST_GAIN`` on the LP (``_one_agent_with_long_recoveries``:
    4 agent-intervals against 3), after it where it gains nothing
    (``_three_agents_two_queues``); the bound is the best of all."""
    calls: list[str] = []

    def fake_mip(*_: object) -> float:
        calls.append("mip")
        return 15.0

    def fake_patterns(*_: object) -> float:
        calls.append("patterns")
        return 1.0

    monkeypatch.setattr(understaffing, "compact_mip_understaffing", fake_mip)
    monkeypatch.setattr(understaffing, "pattern_understaffing", fake_patterns)
    problem = _one_agent_with_long_recoveries()
    required = required_agents(problem)
    assert understaffing_lower_bound(problem, required, "stress-aware", 30.0) == 60
    assert calls == ["patterns", "mip"]
    calls.clear()
    problem = _three_agents_two_queues()
    required = required_agents(problem)
    lp, duals = _compact_lp_and_duals(problem, required)
    assert lagrangian_understaffing(problem, required, "stress-aware", duals) == pytest.approx(
        lp, abs=1e-3)
    understaffing_lower_bound(problem, required, "stress-aware", 30.0)
    assert calls == ["mip", "patterns"]


def test_best_week_keeps_min_rest_between_adjacent_dates() -> None:
    """One agent, needed 20:00-24:00 on the first date and 06:00-10:00 on the second:
    both shifts would leave 6 hours of rest, less than the 11 required, so at price 1
    the best week covers one of them and the Lagrangian bound is the other's 16
    intervals (0 without the rest)."""
    problem = tiny.problem(
        [tiny.agent("A1")],
        [tiny.shift_type(earliest_start=6 * 60, latest_start=20 * 60)],
        days=2, need={("main", tiny.at(20), tiny.at(24)): 1,
                      ("main", tiny.PER_DAY + tiny.at(6), tiny.PER_DAY + tiny.at(10)): 1})
    required = required_agents(problem)
    ones = np.ones(required.shape)
    assert lagrangian_understaffing(problem, required, "baseline", ones) == pytest.approx(16)
    rested = replace(problem, agents=(replace(problem.agents[0], min_rest_hours=6.0),))
    assert lagrangian_understaffing(rested, required, "baseline", ones) == pytest.approx(0)


def test_lagrangian_bound_is_between_the_lp_and_a_roster(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """On a generated week the Lagrangian bound at the LP's duals is at least the LP's
    (each agent's own week is a point of the class model) and at most a roster's
    understaffing; past its deadline it gives up."""
    problem, required = generated
    lp, duals = _compact_lp_and_duals(problem, required)
    lagrangian = lagrangian_understaffing(problem, required, "stress-aware", duals)
    roster = greedy_roster(problem, required, "stress-aware")
    short = evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
    assert lagrangian is not None
    assert lp - 1e-6 <= lagrangian <= short / problem.interval_minutes
    assert lagrangian_understaffing(problem, required, "stress-aware", duals,
                                    time.monotonic()) is None


def test_understaffed_gap_is_the_share_of_the_roster_the_bound_leaves_open() -> None:
    assert understaffed_gap(8_400, 8_316.0) == pytest.approx(0.01)
    assert understaffed_gap(0, 0.0) == 0.0
    assert understaffed_gap(600, None) is None
    assert understaffed_gap(None, 60.0) is None


def test_large_path_proves_the_understaffing_bound_on_the_idle_core(
        generated: tuple[Problem, npt.NDArray[np.int64]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With two workers the bound's process runs beside the shift plan and start roster;
    the Summary's bound is at least what the process alone finds (the shift plan's day
    patterns may prove more), at most the roster's understaffing."""
    problem, required = generated
    monkeypatch.setattr(decompose, "LARGE_AGENT_DAYS", 10)
    solution = solve(problem, SolveOptions(time_limit_seconds=20, workers=2), None, required)
    found: list[float] = []
    alone = understaffing_lower_bound(problem, required, "stress-aware", 10.0, found.append)
    short = evaluate(problem, solution, required).kpis["understaffed_agent_minutes"]
    assert alone is not None and solution.info.understaffed_bound is not None
    assert alone <= solution.info.understaffed_bound <= short
    assert len(found) >= 2 and found == sorted(set(found)) and found[-1] == alone
    objective, best_bound = solution.info.objective, solution.info.best_bound
    assert objective is not None and best_bound is not None
    assert best_bound >= min(objective, understaffing_objective_bound(problem, alone)) - 1e-6


def test_background_bound_not_ready_is_none_and_its_process_stops(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    background = BackgroundBound.start(problem, required, "stress-aware", 60.0, 60.0)
    process = background.process
    assert process is not None and process.is_alive()
    assert background.result() is None
    assert not process.is_alive()
    with pytest.raises(RuntimeError), BackgroundBound.start(
            problem, required, "stress-aware", 60.0, 60.0) as background:
        process = background.process
        raise RuntimeError("the solve failed")
    assert process is not None and not process.is_alive()


def test_background_bound_keeps_what_it_sent_before_it_was_stopped(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """Stopped mid-way, the process has already sent the LP's bound (its first), and the
    best of what it sent is the result."""
    problem, required = generated
    lp = compact_lp_bounds(problem, required, "stress-aware", 30.0).understaffed_minutes
    roster = greedy_roster(problem, required, "stress-aware")
    short = evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
    background = BackgroundBound.start(problem, required, "stress-aware", 60.0, 60.0)
    assert background.receiver is not None and background.receiver.poll(30.0)
    result = background.result()
    assert lp is not None and result is not None
    assert lp <= result <= short


def test_bound_process_goes_on_past_its_share_only_on_weeks_up_to_its_size(
        generated: tuple[Problem, npt.NDArray[np.int64]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Its full-priority share is the compact plan's, match's and start re-planning's
    (the day-pattern plan's share is single-core time too, where a low priority costs
    nothing); it lasts as long as these with the day-pattern plan's, and on weeks up to
    ``IDLE_BOUND_MAX_AGENT_DATES`` it goes on until the closing time."""
    problem, required = generated
    started: list[tuple[Any, ...]] = []

    def record(cls: type[BackgroundBound], *args: Any) -> BackgroundBound:
        started.append(args[3:])
        return cls(None, None)

    monkeypatch.setattr(BackgroundBound, "start", classmethod(record))
    options = decompose.LargeOptions(60.0, workers=2)
    share = (options.plan_share + decompose.MATCH_SHARE
             + decompose.PATTERN_REPLAN_SHARE) * 60.0
    longer = share + options.pattern_plan_share * 60.0
    compact_share = (options.plan_share + decompose.MATCH_SHARE
                     + decompose.REPLAN_SHARE) * 60.0
    decompose.start_understaffing_bound(problem, required, "stress-aware", options)
    monkeypatch.setattr(decompose, "IDLE_BOUND_MAX_AGENT_DATES", len(problem.agents) * 6)
    decompose.start_understaffing_bound(problem, required, "stress-aware", options)
    compact = replace(options, pattern_plan_share=0.0)
    decompose.start_understaffing_bound(problem, required, "stress-aware", compact)
    closing = decompose._closing_seconds(problem)
    assert started == [(pytest.approx(60.0 - closing), pytest.approx(share)),
                       (pytest.approx(longer), pytest.approx(share)),
                       (pytest.approx(compact_share), pytest.approx(compact_share))]


def test_summary_bound_is_the_best_of_the_process_and_the_plan(
        plan: shiftplan.ShiftPlan, generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """The understaffing bound is the higher of the bound process's (agent-minutes) and
    the day-pattern plan's (agent-intervals, lowered by GLOP's tolerance and rounded up
    to whole agent-intervals)."""
    problem, _ = generated
    minutes = problem.interval_minutes
    proved = replace(plan, understaffed_bound=12.0)
    assert decompose._best_bound(None, problem, plan) is None
    assert decompose._best_bound(150.0, problem, plan) == 150.0
    assert decompose._best_bound(None, problem, proved) == 12 * minutes
    assert decompose._best_bound(10 * minutes, problem, proved) == 12 * minutes
    assert decompose._best_bound(20 * minutes, problem, proved) == 20 * minutes


def test_background_bound_yields_its_core_after_its_full_priority_time(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    with BackgroundBound.start(problem, required, "stress-aware", 60.0, 1.0) as background:
        assert background.process is not None and background.process.pid is not None
        pid = background.process.pid
        assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0)
        time.sleep(2.5)
        assert os.getpriority(os.PRIO_PROCESS, pid) == understaffing.LOWEST_PRIORITY


def test_compact_mip_bound_is_between_the_lp_bound_and_a_roster(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    roster = greedy_roster(problem, required, "stress-aware")
    short = evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
    lp = compact_lp_bounds(problem, required, "stress-aware", 30.0).understaffed_minutes
    mip = compact_mip_understaffing(problem, required, "stress-aware", 30.0)
    assert lp is not None and mip is not None
    assert lp <= mip <= short
    assert mip % problem.interval_minutes == 0


def test_compact_mip_bound_that_proved_nothing_is_no_bound(
        generated: tuple[Problem, npt.NDArray[np.int64]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SCIP stopped before solving its root LP reports the trivial dual bound 0 (here an
    iteration limit stops it, as the time limit does on a slow machine): that is no
    bound, not a proof of 0 agent-minutes where the LP proves more."""
    problem, required = generated
    lp = compact_lp_bounds(problem, required, "stress-aware", 30.0).understaffed_minutes
    assert lp is not None and lp > 0
    monkeypatch.setattr("shiftcare.bound.MIP_BOUND_PARAMETERS",
                        "limits/nodes = 1\nlp/rootiterlim = 1")
    assert compact_mip_understaffing(problem, required, "stress-aware", 30.0) is None


def test_compact_bound_knows_recovery_comes_at_once() -> None:
    """One agent on a fixed 4-hour shift from 08:00 who may take a complaint-heavy and
    a calm queue: 45 minutes of complaint-heavy need from 08:00, calm need at 08:45 and
    from 09:15 on, none at 09:00. Taking the run whole needs the recovery at 08:45, not
    at 09:00 where no one is needed, so one interval stays short either way: the bound
    is the optimum's 15 minutes (the stretch-cap rows alone let the recovery wait until
    09:00 and bound 0)."""
    problem = tiny.problem(
        [tiny.agent("A1", skills=("hot", "calm"))],
        [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60)],
        need={("hot", tiny.at(8), tiny.at(8.75)): 1, ("calm", tiny.at(8.75), tiny.at(9)): 1,
              ("calm", tiny.at(9.25), tiny.at(12)): 1},
        share={("hot", tiny.at(8), tiny.at(8.75)): 1.0}, queues=("hot", "calm"))
    short, optimum = _bound_and_optimum_understaffing(problem)
    assert short == optimum == 15


def _three_agents_two_queues() -> Problem:
    """Three agents (two may take complaints), 8-hour shifts with a break and a lunch, a
    calm queue and a complaint-heavy one, understaffing the only cost."""
    from tests.factories import DEFAULT_BREAKS

    agents = [tiny.agent("A1", skills=("main", "complaints")),
              tiny.agent("A2", skills=("main", "complaints")),
              tiny.agent("A3")]
    return tiny.problem(
        agents, [tiny.shift_type(length_minutes=8 * 60, breaks=DEFAULT_BREAKS)],
        need={("main", tiny.at(8), tiny.at(18)): 1, ("complaints", tiny.at(9), tiny.at(17)): 2},
        share={("complaints", tiny.at(8), tiny.at(18)): 0.5}, queues=("main", "complaints"),
        weight_overstaffing=0.0, weight_paid_hour=0.0, weight_complaint_fairness=0.0)


def test_compact_bound_with_breaks_and_two_queues_stays_below_the_optimum() -> None:
    """``_three_agents_two_queues``: the LP, MIP, week column and day-pattern bounds on
    understaffed minutes are at most CP-SAT's proven optimum."""
    problem = _three_agents_two_queues()
    required = required_agents(problem)
    optimum = solve(problem, SolveOptions(time_limit_seconds=60, workers=2), None, required)
    assert optimum.info.status == "OPTIMAL"
    short = evaluate(problem, optimum, required).kpis["understaffed_agent_minutes"]
    bound = compact_lp_bounds(problem, required, "stress-aware", 10.0)
    assert bound.understaffed_minutes is not None
    assert 0 < bound.understaffed_minutes <= short
    mip = compact_mip_understaffing(problem, required, "stress-aware", 10.0)
    assert mip is not None and bound.understaffed_minutes <= mip <= short
    _, week, _ = load_benchmark("week_column_bound").week_column_bound(problem, required, 100)
    week_minutes = math.ceil(week - 1e-6) * problem.interval_minutes
    assert bound.understaffed_minutes <= week_minutes <= short
    _, duals = _compact_lp_and_duals(problem, required)
    patterns = pattern_understaffing(problem, required, "stress-aware", duals,
                                     time.monotonic() + 30.0)
    assert patterns is not None
    assert bound.understaffed_minutes <= whole_agent_minutes(
        problem, below_optimum(patterns)) <= short
    rng = np.random.default_rng(0)
    for prices in [duals, np.ones(required.shape), *rng.random((5, *required.shape))]:
        lagrangian = lagrangian_understaffing(problem, required, "stress-aware", prices)
        assert lagrangian is not None
        assert lagrangian * problem.interval_minutes <= short + 1e-6


def test_week_column_bound_from_a_roster_with_smoothing_meets_the_same_lp() -> None:
    """benchmarks/week_column_bound.py ``--solve-first``: the master started from a
    roster's weeks (the greedy's on ``_three_agents_two_queues``) proves at most the
    roster's understaffing before any pricing, and with smoothed pricing it converges
    to the LP of plain column generation from an empty master."""
    week_bound = load_benchmark("week_column_bound")
    problem = _three_agents_two_queues()
    required = required_agents(problem)
    roster = greedy_roster(problem, required, "stress-aware")
    short = evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
    master = week_bound.WeekMaster(required, agent_classes(problem))
    master.add_roster(problem, roster)
    shape = (required.shape[0], required.shape[1] + problem.intervals_per_day)
    start, _, _ = master.solve(shape)
    assert 0 < start * problem.interval_minutes <= short + 1e-6
    value, best, rounds = week_bound.week_column_bound(problem, required, 100, master, 0.8)
    plain, _, _ = week_bound.week_column_bound(problem, required, 100)
    assert rounds < 100
    assert value == pytest.approx(plain, abs=week_bound.CONVERGED)
    assert value - week_bound.CONVERGED <= best <= value + 1e-6


def test_stress_rows_raise_the_compact_bound(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    with_runs = compact_lp_bounds(problem, required, "stress-aware", 30.0)
    without = compact_lp_bounds(problem, required, "stress-aware", 30.0, runs=False)
    assert with_runs.objective is not None and without.objective is not None
    assert with_runs.objective > without.objective


def test_useful_shifts_cover_need_no_agent_was_planned_for(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    loads = shiftplan._loads(problem)
    need = np.zeros_like(required, dtype=np.float64)
    assert shiftplan.add_useful_shifts(problem, loads, need) == 0
    per_day = 1440 // problem.interval_minutes
    day = next(d for d in range(problem.days) if required[:, d * per_day:(d + 1) * per_day].sum())
    need[:, day * per_day:(day + 1) * per_day] = required[:, day * per_day:(day + 1) * per_day]
    added = shiftplan.add_useful_shifts(problem, loads, need)
    assert added > 0
    shifts = [c for load in loads for c in load.shifts]
    assert len(shifts) == added and {c.day for c in shifts} == {day}
    may_work = sum(1 for i in range(len(problem.agents))
                   if any(not c.blockers for c in candidate_shifts(problem, i, day)))
    assert added <= may_work
    assert all(shiftplan.may_add(problem, shiftplan.AgentLoad(load.agent_index), c)
               for load in loads for c in load.shifts)


def test_activity_blocks_keep_every_shift_and_break_no_rule(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    start = greedy_roster(problem, required, "stress-aware")
    rosters = decompose._split_roster(problem, start)
    blocks = decompose.activity_blocks(problem, rosters, 15, np.random.default_rng(0))
    cells = [(a, d) for block in blocks for a in block.agents for d in block.days]
    worked = {(problem.agent_index(s.agent_id), s.day) for s in start.shifts}
    assert sorted(cells) == sorted(worked) and all(b.fixed_shifts for b in blocks)
    options = decompose.LargeOptions(8.0, workers=1, block_agent_days=15,
                                     subsolve_seconds=0.5, plan_share=0.0)
    roster, _ = decompose.fix_and_optimise(problem, required, "stress-aware", start,
                                           replace(options, activity_rounds=True),
                                           time.monotonic() + 4.0)
    assert validate(problem, roster) == ()
    assert sorted(roster.shifts, key=str) == sorted(start.shifts, key=str)
    before = evaluate(problem, start, required).kpis["understaffed_agent_minutes"]
    after = evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
    assert after < before


def _bound_and_optimum_understaffing(problem: Problem) -> tuple[float | None, object]:
    """The compact bound's understaffed agent-minutes and CP-SAT's proven optimum's."""
    required = required_agents(problem)
    bound = compact_lp_bounds(problem, required, "stress-aware", 10.0)
    optimum = solve(problem, SolveOptions(time_limit_seconds=20, workers=1), None, required)
    assert optimum.info.status == "OPTIMAL"
    return (bound.understaffed_minutes,
            evaluate(problem, optimum, required).kpis["understaffed_agent_minutes"])


def test_compact_bound_counts_agents_off_by_availability() -> None:
    """Two agents, one of them off: the bound knows only one can work."""
    problem = tiny.problem([tiny.agent("A1"), tiny.agent("A2")],
                           need={("main", tiny.at(8), tiny.at(12)): 2})
    problem = problem.replace(availability=(Availability("A2", 0, "off"),))
    assert _bound_and_optimum_understaffing(problem) == (4 * 60,) * 2


def test_compact_bound_knows_which_starts_each_agent_may_take() -> None:
    """Two agents of one contract, one allowed only the 10:00 start by an availability
    window, two agents needed 08:00-10:00: only one agent can cover it, and the bound
    (which would otherwise let the free agent's starts count twice) says so."""
    problem = tiny.problem([tiny.agent("A1"), tiny.agent("A2")],
                           need={("main", tiny.at(8), tiny.at(10)): 2})
    window = Availability("A2", 0, "window", window_from=10 * 60, window_to=14 * 60)
    problem = problem.replace(availability=(window,))
    assert len(contract_classes(problem, "stress-aware")) == 1
    assert _bound_and_optimum_understaffing(problem) == (2 * 60,) * 2


@pytest.mark.parametrize(("streak", "short_days"), [(6, 1), (5, 1), (4, 0)])
def test_compact_bound_counts_the_rest_day_history_forces(streak: int,
                                                          short_days: int) -> None:
    """One agent with at most 6 dates in a row who worked ``streak`` dates before the
    horizon, one agent needed 08:00-12:00 on both dates: after 5 or 6 dates one of the two
    is a rest day, and the bound counts it; after 4 it counts nothing."""
    problem = tiny.problem([tiny.agent("A1", max_consecutive_days=6)], days=2,
                           need={("main", tiny.at(8), tiny.at(12)): 1,
                                 ("main", tiny.at(32), tiny.at(36)): 1})
    problem = problem.replace(history=(History("A1", -24 * 60, streak),))
    assert _bound_and_optimum_understaffing(problem) == (short_days * 4 * 60,) * 2


def test_compact_bound_counts_the_dates_each_agent_can_work() -> None:
    """Two agents of one contract (at most 2 dates each), one off on the second and third
    dates, two agents needed on each of three dates: A1 works one date and A2 two, so
    three 4-hour shifts are short. The class's sums alone (4 dates of work, at most one
    agent on the second and third dates) would count two."""
    need = {("main", tiny.at(8 + 24 * day), tiny.at(12 + 24 * day)): 2 for day in range(3)}
    problem = tiny.problem([tiny.agent("A1", max_days=2), tiny.agent("A2", max_days=2)],
                           days=3, need=need)
    problem = problem.replace(availability=(Availability("A1", 1, "off"),
                                            Availability("A1", 2, "off")))
    assert len(contract_classes(problem, "stress-aware")) == 1
    assert _bound_and_optimum_understaffing(problem) == (3 * 4 * 60,) * 2


@pytest.mark.parametrize(("dates", "max_days", "max_consecutive", "streak", "most"), [
    ({0, 1, 2, 3}, 7, 6, 0, 4),
    ({0, 1, 2, 3}, 3, 6, 0, 3),
    ({0, 1, 2, 3}, 7, 2, 0, 3),
    ({0, 1, 2, 3}, 7, 6, 5, 3),
    ({0, 1, 2, 3}, 7, 6, 6, 3),
    ({0, 2, 4}, 7, 1, 1, 2),
    (set(), 7, 6, 0, 0),
])
def test_workable_dates_keeps_max_days_and_consecutive_days(
        dates: set[int], max_days: int, max_consecutive: int, streak: int, most: int) -> None:
    assert workable_dates(frozenset(dates), max_days, max_consecutive, streak) == most


def _one_class_plan(problem: Problem, counts: dict[tuple[int, int, str, int], int],
                    ) -> shiftplan.ShiftPlan:
    """A plan of ``counts`` for the problem's one contract class."""
    classes = contract_classes(problem, "stress-aware")
    assert len(classes) == 1
    return shiftplan.ShiftPlan(classes, counts, 0.0, 0.0, np.ones((1, problem.num_intervals)))


def _dates_of(problem: Problem, loads: list[shiftplan.AgentLoad]) -> dict[str, list[int]]:
    return {problem.agents[load.agent_index].id: [c.day for c in load.shifts] for load in loads}


def _three_agents_one_date_each() -> tuple[Problem, shiftplan.ShiftPlan]:
    """Three agents of one contract, one date each at most: A1 may work only the first
    date, A2 not the second, A3 not the third; two shifts are planned on the first date
    and one on the third. Date by date, A2 and A3 tie on the first date (one date left
    of two open ones each) and the first agent, A2, takes it, so the third date's shift
    is dropped; matched over the horizon, A3 takes the first date and A2 the third."""
    problem = tiny.problem([tiny.agent(f"A{i}", max_days=1) for i in (1, 2, 3)], days=3,
                           need={("main", tiny.at(8), tiny.at(12)): 1})
    problem = problem.replace(availability=(
        Availability("A1", 1, "off"), Availability("A1", 2, "off"),
        Availability("A2", 1, "off"), Availability("A3", 2, "off")))
    return problem, _one_class_plan(problem, {(0, 0, "day", 8 * 60): 2,
                                              (0, 2, "day", 2 * 1440 + 8 * 60): 1})


def test_weekly_match_names_agents_the_date_by_date_pass_runs_out_of() -> None:
    problem, plan = _three_agents_one_date_each()
    by_date = _dates_of(problem, shiftplan.assign_agents(problem, plan))
    matched = shiftplan.match_week(problem, plan, 5.0)
    assert matched is not None
    assert by_date == {"A1": [0], "A2": [0], "A3": []}
    assert _dates_of(problem, matched[0]) == {"A1": [0], "A2": [2], "A3": [0]}
    assert sum(matched[1].values()) == 0


def test_a_class_left_short_date_by_date_is_matched_alone() -> None:
    problem, plan = _three_agents_one_date_each()
    by_date = shiftplan.assign_agents(problem, plan)
    options = shiftplan._options(problem)
    rematched = shiftplan.match_classes(problem, plan, by_date, options,
                                        time.monotonic() + 5.0)
    assert _dates_of(problem, rematched) == {"A1": [0], "A2": [2], "A3": [0]}
    assert _dates_of(problem, shiftplan.assign_agents(problem, plan, match_seconds=5.0)) \
        == {"A1": [0], "A2": [2], "A3": [0]}


@pytest.mark.parametrize(("max_shifts", "whole_matches"), [(3, 1), (2, 0)])
def test_the_week_is_matched_as_a_whole_only_up_to_a_size(
        monkeypatch: pytest.MonkeyPatch, max_shifts: int, whole_matches: int) -> None:
    """Three planned shifts: the whole-week match (stand-ins allowed) runs when the cap
    allows three shifts and is left out below; the class match names the agents either
    way."""
    problem, plan = _three_agents_one_date_each()
    calls: list[bool] = []
    match_week = shiftplan.match_week

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("stand_ins", True))
        return match_week(*args, **kwargs)

    monkeypatch.setattr(shiftplan, "WHOLE_MATCH_MAX_SHIFTS", max_shifts)
    monkeypatch.setattr(shiftplan, "match_week", spy)
    loads = shiftplan.assign_agents(problem, plan, match_seconds=5.0)
    assert calls.count(True) == whole_matches
    assert calls.count(False) == 1
    assert _dates_of(problem, loads) == {"A1": [0], "A2": [2], "A3": [0]}


def test_date_by_date_gives_out_first_to_agents_with_fewest_dates_to_spare() -> None:
    """One date each at most; A1 is off on the second date, A2 is not. The first date's
    shift goes to A1 (one shift left for one open date) rather than to the first agent
    with the shortest streak: A2 is the only one left who may work the second date."""
    problem = tiny.problem([tiny.agent("A2", max_days=1), tiny.agent("A1", max_days=1)],
                           days=2, need={("main", tiny.at(8), tiny.at(12)): 1})
    problem = problem.replace(availability=(Availability("A1", 1, "off"),))
    plan = _one_class_plan(problem, {(0, 0, "day", 8 * 60): 1, (0, 1, "day", 1440 + 8 * 60): 1})
    assert _dates_of(problem, shiftplan.assign_agents(problem, plan)) == {"A2": [1], "A1": [0]}


def test_date_by_date_gives_out_first_to_agents_with_the_shortest_streak() -> None:
    """Two agents of one contract (at most 6 dates in a row), one shift planned on the
    first date and two on the second; A1 worked 5 dates in a row before the horizon, so
    whoever takes the first date must be A2, whose run of dates through it is shorter:
    all three are named date by date."""
    problem = tiny.problem([tiny.agent("A1"), tiny.agent("A2")], days=2,
                           need={("main", tiny.at(8), tiny.at(12)): 1,
                                 ("main", tiny.at(32), tiny.at(36)): 2})
    problem = problem.replace(history=(History("A1", -24 * 60, 5),))
    plan = _one_class_plan(problem, {(0, 0, "day", 8 * 60): 1, (0, 1, "day", 1440 + 8 * 60): 2})
    assert _dates_of(problem, shiftplan.assign_agents(problem, plan)) == {"A1": [1],
                                                                          "A2": [0, 1]}


@pytest.mark.parametrize(("max_days", "expected"), [
    (1, {"G1": [], "B1": [1]}),
    (2, {"G1": [], "B1": [0, 1]}),
])
def test_stand_ins_come_only_from_classes_with_shifts_to_spare(
        max_days: int, expected: dict[str, list[int]]) -> None:
    """G1 (general) is off on the first date, where its class has a shift planned; B1
    (general and complaints) may stand in but has its own class's shift planned on the
    second date. With one date at most B1 keeps it (the general shift is dropped); with
    two it works both."""
    problem = tiny.problem([tiny.agent("G1", skills=("main",)),
                            tiny.agent("B1", skills=("main", "calm"), max_days=max_days)],
                           days=2, need={("main", tiny.at(8), tiny.at(12)): 1},
                           queues=("main", "calm"))
    problem = problem.replace(availability=(Availability("G1", 0, "off"),))
    classes = contract_classes(problem, "stress-aware")
    general = next(c for c, group in enumerate(classes) if problem.agents[group[0]].id == "G1")
    both = 1 - general
    plan = shiftplan.ShiftPlan(classes, {(general, 0, "day", 8 * 60): 1,
                                         (both, 1, "day", 1440 + 8 * 60): 1},
                               0.0, 0.0, np.ones((2, problem.num_intervals)))
    assert _dates_of(problem, shiftplan.assign_agents(problem, plan)) == expected


_PLAN_DIGEST = """
import hashlib, sys
from pathlib import Path
from shiftcare.pipeline import load
from shiftcare.activities import Replanner, replanned_solution
from shiftcare.shiftplan import plan_shift_counts
problem, required = load(Path(sys.argv[1]), None)
plan = plan_shift_counts(problem, required, "stress-aware", 60.0)
print(hashlib.sha256(repr(sorted(plan.counts.items())).encode()).hexdigest())
"""


def test_the_shift_plan_does_not_depend_on_the_string_hash(tmp_path: Path) -> None:
    """The shift plan of one week is the same in processes with different string hash
    seeds (``PYTHONHASHSEED``): its LP is built in the same order, so GLOP returns the
    same vertex among equally good ones."""
    path = build_generated(60, 7, 2, 2, path=tmp_path / "g.xlsx")
    digests = set()
    for hash_seed in ("1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", _PLAN_DIGEST, str(path)],
                              env={**os.environ, "PYTHONHASHSEED": hash_seed},
                              capture_output=True, text=True, check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1


# --------------------------------------------------------------------------- date windows


def _greedy_shortage(problem: Problem, required: npt.NDArray[np.int64]) -> tuple[
        Solution, dict[str, decompose._AgentRoster], npt.NDArray[np.int64],
        npt.NDArray[np.int64]]:
    """The greedy roster, per agent, its phone counts per (queue, interval) and its
    agents short per interval summed over the queues."""
    start = greedy_roster(problem, required, "stress-aware")
    rosters = decompose._split_roster(problem, start)
    total = sum((r.phone for r in rosters.values()), np.zeros_like(required))
    return start, rosters, total, np.clip(required - total, 0, None).sum(axis=0)


def test_window_blocks_go_only_where_a_date_is_short_of_more_than_its_target(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """Dates at or below their target get no window; every short interval of the others
    lies in a window of the date's working agents; the date most above its target
    comes first."""
    problem, required = generated
    start, rosters, _, short = _greedy_shortage(problem, required)
    per_day = short.size // problem.days
    by_day = [int(short[d * per_day:(d + 1) * per_day].sum()) for d in range(problem.days)]
    targets = {0: by_day[0], 1: by_day[1] - 1}
    blocks = decompose.window_blocks(problem, rosters, short, targets, 0)
    days = [block.days[0] for block in blocks]
    above = [d for d in range(problem.days) if by_day[d] > targets.get(d, 0)]
    assert 0 not in days and set(days) == set(above)
    excess = {d: by_day[d] - targets.get(d, 0) for d in above}
    assert excess[days[0]] == max(excess.values())
    for day in above:
        windows = [b.window for b in blocks if b.days == (day,)]
        assert all(w is not None and w[1] - w[0] <= decompose.WINDOW_INTERVALS
                   for w in windows)
        for t in range(day * per_day, (day + 1) * per_day):
            if short[t]:
                assert any(w is not None and w[0] <= t < w[1] for w in windows)
    working = {problem.agent_index(s.agent_id) for s in start.shifts if s.day == days[0]}
    assert set(blocks[0].agents) == working and blocks[0].fixed_shifts


def test_a_window_changes_nothing_outside_it(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """CP-SAT on the first window of a date that gains keeps the shifts, every phone
    interval outside the window and every break not wholly inside it, breaks no rule and
    covers better."""
    problem, required = generated
    start, rosters, total, short = _greedy_shortage(problem, required)
    for block in decompose.window_blocks(problem, rosters, short, {}, 0):
        current = decompose._block_roster(problem, block, rosters)
        own = decompose.phone_counts(problem, current.activities)
        result = decompose._solve_block(problem, block, rosters, current,
                                        decompose.residual_requirement(required, total - own),
                                        "stress-aware", 3.0, time.monotonic() + 3.0, 2, 0)
        if result.solution is not None:
            break
    assert result.solution is not None and block.window is not None
    assert sorted(result.solution.shifts, key=str) == sorted(current.shifts, key=str)
    first, last = (t * problem.interval_minutes for t in block.window)

    def outside(solution: Solution) -> set[tuple[str, str, str, int]]:
        """(agent, activity, detail, minute) of every minute outside the window, and of
        every minute of a break not wholly inside it."""
        return {(b.agent_id, b.activity, b.detail, minute) for b in solution.activities
                for minute in range(b.start, b.end, problem.interval_minutes)
                if not first <= minute < last
                or (b.activity == "break" and not first <= b.start <= b.end <= last)}

    assert outside(result.solution) == outside(current)
    decompose._apply(problem, block, rosters, result.solution)
    roster = decompose._join_roster(problem, rosters, start.info)
    assert validate(problem, roster) == ()
    assert (evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
            < evaluate(problem, start, required).kpis["understaffed_agent_minutes"])


def test_improve_windows_keeps_every_rule_and_lowers_understaffing(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    start = greedy_roster(problem, required, "stress-aware")
    options = decompose.LargeOptions(10.0, workers=2, seed=0)
    roster, gained, largest = decompose.improve_windows(problem, required, "stress-aware",
                                                        start, {}, options,
                                                        time.monotonic() + 8.0)
    assert gained > 0 and largest.variables > 0
    assert validate(problem, roster) == ()
    assert sorted(roster.shifts, key=str) == sorted(start.shifts, key=str)
    assert (evaluate(problem, roster, required).kpis["understaffed_agent_minutes"]
            < evaluate(problem, start, required).kpis["understaffed_agent_minutes"])


def test_run_scale_labels_seeds_and_counts_weeks_within_the_goal() -> None:
    """benchmarks/run_scale.py with several seeds: rows of seeds other than 0 say their
    seed, and the closing count takes the rows whose understaffed gap is at most 1 %
    (a blank gap, e.g. an instance not solved, counts in neither)."""
    run_scale = load_benchmark("run_scale")
    column = run_scale.COLUMNS.index("understaffed gap")

    def row(gap: str) -> list[object]:
        cells: list[object] = [200, 7, 2, *[""] * (len(run_scale.COLUMNS) - 3)]
        cells[column] = gap
        return cells

    assert run_scale.labelled(row("0.00 %"), 0)[0] == 200
    assert run_scale.labelled(row("0.00 %"), 3)[0] == "200 (seed 3)"
    rows = [row("0.00 %"), row("1.00 %"), row("1.01 %"), row("7.78 %"), row("")]
    assert run_scale.within_goal(rows) == (2, 4)


def _idle_shifts_before_the_need(days_worked: tuple[int, ...], days: int) -> tuple[
        Problem, npt.NDArray[np.int64], Solution]:
    """One agent idle on 08:00-12:00 shifts on ``days_worked``, where nothing is needed,
    and needed 10:00-12:00 on every other of ``days`` dates."""
    per_day = tiny.PER_DAY
    need = {("main", day * per_day + tiny.at(10), day * per_day + tiny.at(12)): 1
            for day in range(days) if day not in days_worked}
    problem = tiny.problem([tiny.agent("A1")], days=days, need=need)
    shifts = tuple(Shift("A1", day, "day", day * 1440 + 8 * 60, day * 1440 + 12 * 60)
                   for day in days_worked)
    blocks = tuple(ActivityBlock("A1", shift.day, shift.start, shift.end, "recovery")
                   for shift in shifts)
    return problem, required_agents(problem), Solution(shifts, blocks)


@pytest.mark.parametrize(("days_worked", "days", "short"), [((0,), 2, 0), ((0, 1), 4, 120)])
def test_week_exchange_moves_at_most_one_shift_per_agent_to_the_dates_that_need_it(
        days_worked: tuple[int, ...], days: int, short: int) -> None:
    """benchmarks/week_exchange.py. One idle shift (Monday) and Tuesday needing the agent:
    the exchange LP moves it there and covers everything. Two idle shifts (Monday,
    Tuesday) and two dates off needing the agent (Wednesday, Thursday): each move alone
    keeps every rule, but the master moves one shift per agent, so its LP leaves one
    date's need (120 agent-minutes) short. Either way the dive keeps one move and the
    roster it gives is as short as the LP and breaks no rule."""
    exchange = load_benchmark("week_exchange")
    problem, required, start = _idle_shifts_before_the_need(days_worked, days)
    replanner = Replanner.of(problem, required, "stress-aware", start)
    origins = {item.shift: item for item in replanner.dates}
    master = exchange.WeekExchangeMaster(replanner)
    master.generate(time.monotonic() + 10)
    master.solve(None)
    assert exchange.lp_short_minutes(master) == pytest.approx(short)
    assert exchange.dive_moves(master, 0.25, 1) == 1
    exchange.take_largest_columns(master)
    moved = replanned_solution(problem, start, origins)
    assert exchange.understaffed_minutes(problem, moved, required) == short
    assert sum(a.day != b.day for a, b in zip(start.shifts, moved.shifts, strict=True)) == 1
    assert validate(problem, moved) == ()


def test_lp_solvers_benchmark_rows_agree_on_the_class_lp() -> None:
    """benchmarks/lp_solvers.py: GLOP and HiGHS, two independent simplex codes, prove the
    same optimum of the 40-agent week's compact class LP (362.02 agent-intervals,
    measured), the LP ``shiftcare.bound`` solves with GLOP."""
    names = ("GLOP", "HIGHS_LP")
    rows = load_benchmark("lp_solvers").measure("40x7", 1, names, 60.0)
    values = []
    for name, row in zip(names, rows, strict=True):
        cells = row_cells(row)
        assert cells[:5] == ["40x7", "1", name, "LP", "OPTIMAL"]
        values.append(float(cells[5].replace(",", "")))
    assert values[0] == pytest.approx(values[1], abs=1e-3)
    assert values[0] > 0
