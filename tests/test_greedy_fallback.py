"""When CP-SAT finds no roster in time, a valid greedy roster is kept, an invalid one never."""

from __future__ import annotations

from ortools.sat.python import cp_model

from shiftcare.greedy import greedy_roster
from shiftcare.model import build_model
from shiftcare.model.hints import add_solution_hint
from shiftcare.solution import Shift, Solution, SolveInfo
from shiftcare.solve import greedy_fallback, hinted_objective
from shiftcare.staffing import required_agents
from tests.tiny import agent, at, problem


def test_a_valid_greedy_roster_is_kept_with_its_exact_objective() -> None:
    tiny = problem([agent("A"), agent("B")], need={("main", at(8), at(12)): 1})
    required = required_agents(tiny)
    built = build_model(tiny, required)
    greedy = greedy_roster(tiny, required, "stress-aware")
    add_solution_hint(built, greedy)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(built.model) == cp_model.OPTIMAL
    assert hinted_objective(built) == solver.objective_value
    kept = greedy_fallback(built, greedy, SolveInfo(status="UNKNOWN"), None)
    assert kept.info.status == "FEASIBLE"
    assert kept.shifts == greedy.shifts
    assert kept.info.objective is not None


def test_an_invalid_greedy_roster_is_never_written() -> None:
    tiny = problem([agent("A", min_hours=8.0)], days=2, need={("main", at(8), at(12)): 1})
    built = build_model(tiny, required_agents(tiny))
    one_shift = Solution((Shift("A", 0, "day", at(8) * 15, at(12) * 15),), ())
    result = greedy_fallback(built, one_shift, SolveInfo(status="UNKNOWN"), None)
    assert result.info.status == "UNKNOWN"
    assert result.shifts == ()
