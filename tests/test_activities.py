"""Activity re-planning by dynamic programming (``shiftcare.activities``)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from shiftcare.activities import (
    AgentDate,
    Replanner,
    best_break_move,
    best_labels,
    break_moves,
    break_starts,
    improve_activities,
    phone_gains,
    stress_limits,
    with_breaks,
)
from shiftcare.evaluate import evaluate, validate
from shiftcare.greedy import greedy_roster
from shiftcare.pipeline import load
from shiftcare.problem import BreakRule, Mode, Problem
from shiftcare.samples import build_generated
from shiftcare.solution import ActivityBlock, Shift, Solution
from shiftcare.solve import SolveOptions, solve
from shiftcare.staffing import required_agents
from tests import tiny


def _idle_roster(problem: Problem) -> Solution:
    """Every agent on the first 4-hour shift at 08:00, off the phone all shift."""
    shifts = tuple(Shift(a.id, 0, "day", 8 * 60, 12 * 60) for a in problem.agents)
    blocks = tuple(ActivityBlock(a.id, 0, 8 * 60, 12 * 60, "recovery") for a in problem.agents)
    return Solution(shifts, blocks)


def _understaffed(problem: Problem, roster: Solution,
                  required: npt.NDArray[np.int64]) -> float:
    return float(evaluate(problem, roster, required).kpis["understaffed_agent_minutes"])


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
    start = _idle_roster(problem)
    roster, improved = improve_activities(problem, required, mode, start,
                                          time.monotonic() + 10)
    assert improved == 1
    assert [v for v in validate(problem, roster) if mode == "stress-aware" or not v.stress] == []
    optimum = solve(problem, SolveOptions(time_limit_seconds=20, workers=1, mode=mode),
                    None, required)
    assert optimum.info.status == "OPTIMAL"
    assert _understaffed(problem, roster, required) == _understaffed(problem, optimum,
                                                                     required)
    assert _understaffed(problem, roster, required) < _understaffed(problem, start, required)


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
    roster, _ = improve_activities(problem, required, "stress-aware", _idle_roster(problem),
                                   time.monotonic() + 10)
    assert validate(problem, roster) == ()
    assert _understaffed(problem, roster, required) == 0


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
    assert _understaffed(problem, roster, required) == _understaffed(problem, optimum,
                                                                     required)
    moved = [b for b in roster.activities if b.activity == "break"]
    assert len(moved) == 1 and moved[0].end - moved[0].start == 15
    if share == 0.0:
        assert moved[0].start >= need_until * 60


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Problem,
                                                                  npt.NDArray[np.int64]]:
    path = build_generated(40, 7, 2, 3, path=tmp_path_factory.mktemp("dp") / "g.xlsx")
    return load(Path(path), None)


@pytest.mark.parametrize("mode", ["stress-aware", "baseline"])
def test_replanning_the_greedy_roster_keeps_shifts_and_lowers_understaffing(
        generated: tuple[Problem, npt.NDArray[np.int64]], mode: Mode) -> None:
    problem, required = generated
    start = greedy_roster(problem, required, mode)
    roster, improved = improve_activities(problem, required, mode, start,
                                          time.monotonic() + 30)
    assert improved > 0
    assert [v for v in validate(problem, roster) if mode == "stress-aware" or not v.stress] == []
    assert roster.shifts == start.shifts

    def breaks(solution: Solution) -> list[tuple[str, int, str, int]]:
        return sorted((b.agent_id, b.day, b.detail, b.end - b.start)
                      for b in solution.activities if b.activity == "break")

    assert breaks(roster) == breaks(start)
    assert _understaffed(problem, roster, required) < _understaffed(problem, start, required)


def test_replanning_stops_at_the_deadline(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    problem, required = generated
    start = greedy_roster(problem, required, "stress-aware")
    roster, improved = improve_activities(problem, required, "stress-aware", start,
                                          time.monotonic() - 1)
    assert improved == 0 and roster.activities == start.activities


def test_break_move_worth_equals_trying_every_start(
        generated: tuple[Problem, npt.NDArray[np.int64]]) -> None:
    """The forward-backward programme of ``best_break_move`` finds the worth of the best
    single-break move that re-planning every moved start from scratch finds."""
    problem, required = generated
    replanner = Replanner.of(problem, required, "stress-aware",
                             greedy_roster(problem, required, "stress-aware"))
    limits = stress_limits(problem, "stress-aware")
    checked = 0
    for item in replanner.dates[::7]:
        rules = problem.shift_type(item.shift.shift_type).breaks
        starts = [s for s in break_starts(item, [r.name for r in rules]) if s is not None]
        gains = phone_gains(problem, required, "stress-aware", item, replanner.counts,
                            replanner.tie_weight)
        tried = [best_labels(problem, AgentDate(item.agent_index, item.shift, item.first,
                                                with_breaks(len(item.labels), rules, moved,
                                                             problem.interval_minutes)),
                             gains, limits)[1]
                 for _, moved in break_moves(problem, rules, starts)]
        found = best_break_move(problem, item, gains, limits, rules, starts)
        if not tried:
            assert found is None
            continue
        assert found is not None and found[1] == pytest.approx(max(tried), abs=1e-6)
        checked += 1
    assert checked >= 10
