"""shiftcare.lp: GLOP solved once more without its presolve when it ends ABNORMAL."""

from __future__ import annotations

from ortools.linear_solver import pywraplp

from shiftcare.lp import WITH_PRESOLVE, WITHOUT_PRESOLVE, solve_glop, solved_to_optimality


class _ScriptedSolver:
    """A stand-in for a GLOP solver whose solves end with the given statuses in turn."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.solves = 0
        self.parameters: list[str] = []

    def Solve(self) -> int:
        self.solves += 1
        return self.statuses.pop(0)

    def SetSolverSpecificParametersAsString(self, text: str) -> bool:
        self.parameters.append(text)
        return True


def test_an_abnormal_end_is_solved_again_without_presolve_then_presolve_restored() -> None:
    """ABNORMAL then OPTIMAL: two solves, the second without presolve, and the default
    parameters back afterwards; the status is the second solve's."""
    solver = _ScriptedSolver(pywraplp.Solver.ABNORMAL, pywraplp.Solver.OPTIMAL)
    assert solve_glop(solver) == pywraplp.Solver.OPTIMAL
    assert solver.solves == 2
    assert solver.parameters == [WITHOUT_PRESOLVE, WITH_PRESOLVE]


def test_other_statuses_are_returned_after_one_solve() -> None:
    """OPTIMAL, INFEASIBLE and NOT_SOLVED (a time limit) are not retried."""
    for status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.INFEASIBLE,
                   pywraplp.Solver.NOT_SOLVED):
        solver = _ScriptedSolver(status)
        assert solve_glop(solver) == status
        assert solver.solves == 1 and solver.parameters == []


def test_a_real_lp_is_solved_to_optimality_and_an_infeasible_one_is_not() -> None:
    """GLOP itself: min x with x >= 2 is optimal at 2; x >= 2 and x <= 1 is not solved."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = solver.NumVar(0.0, 10.0, "x")
    solver.Add(x >= 2.0)
    solver.Minimize(x)
    assert solved_to_optimality(solver)
    assert x.solution_value() == 2.0
    solver.Add(x <= 1.0)
    assert not solved_to_optimality(solver)
