"""Solving GLOP linear programs the one way every LP of shiftcare is solved."""

from __future__ import annotations

import logging

from ortools.linear_solver import pywraplp

log = logging.getLogger(__name__)

WITHOUT_PRESOLVE = "use_preprocessing: false"
"""GLOP's parameters for a second try when an LP ends ABNORMAL: with some dive columns
fixed its presolve failed on a 200-agent date's master LP (primal infeasibility of 1e15
after presolve) and the date's re-plan was lost; without the presolve the same LP
solved. The week master LP of ``benchmarks/week_column_bound.py`` ended ABNORMAL too, on
the 40x7 week after 20 rounds."""
WITH_PRESOLVE = "use_preprocessing: true"
"""GLOP's default, restored after the second try."""


def solve_glop(solver: pywraplp.Solver) -> int:
    """Solve ``solver`` (a GLOP solver, its time limit set), once more without its
    presolve when it ends ABNORMAL; GLOP's status (``pywraplp.Solver.OPTIMAL``, ...)."""
    status = solver.Solve()
    if status == pywraplp.Solver.ABNORMAL:
        log.debug("GLOP ended ABNORMAL; solving again without its presolve")
        solver.SetSolverSpecificParametersAsString(WITHOUT_PRESOLVE)
        status = solver.Solve()
        solver.SetSolverSpecificParametersAsString(WITH_PRESOLVE)
    return int(status)


def solved_to_optimality(solver: pywraplp.Solver) -> bool:
    """True when ``solve_glop`` proves ``solver``'s LP optimal."""
    return solve_glop(solver) == pywraplp.Solver.OPTIMAL
