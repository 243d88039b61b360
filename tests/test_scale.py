"""Scale pieces: the greedy roster's validity and speed, the compact LP bounds, and the
large-instance path of ``solve()``."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from shiftcare import decompose
from shiftcare.bound import compact_lp_bounds, contract_classes
from shiftcare.evaluate import evaluate, validate
from shiftcare.greedy import greedy_roster
from shiftcare.pipeline import load
from shiftcare.problem import Problem
from shiftcare.samples import build_generated
from shiftcare.solve import SolveOptions, solve


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Problem,
                                                                  npt.NDArray[np.int64]]:
    """A generated week of 40 agents, two queues, stress-aware settings."""
    path = build_generated(40, 7, 2, 3, path=tmp_path_factory.mktemp("scale") / "g.xlsx")
    return load(Path(path), None)


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
    solution = solve(problem, SolveOptions(time_limit_seconds=20, workers=1), None, required)
    info = solution.info
    assert info.status == "FEASIBLE"
    assert info.num_variables == 0  # no CP-SAT model was built
    assert info.objective is not None and info.best_bound is not None
    assert info.best_bound <= info.objective
    assert validate(problem, solution) == ()
