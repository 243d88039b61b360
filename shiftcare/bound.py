"""A lower bound on the objective, independent of CP-SAT's search: the LP relaxation.

The CP-SAT model is linear, so relaxing every variable to its continuous range gives
a linear program whose optimum can only be lower than any roster's objective. It is
solved with GLOP (OR-Tools' simplex). Constraints with enforcement literals are
dropped, which only weakens (never invalidates) the bound.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from ortools.linear_solver import pywraplp

log = logging.getLogger("shiftcare")


def _literal_term(ref: int) -> tuple[int, float, float]:
    """A CP-SAT literal reference as (variable, coefficient, constant)."""
    if ref >= 0:
        return ref, 1.0, 0.0
    return -ref - 1, -1.0, 1.0


def lp_lower_bound(proto: Any, seconds: float) -> float | None:
    """The LP relaxation optimum of ``proto``'s minimisation, in CP-SAT objective units.

    Returns None when the LP is not solved to optimality within ``seconds``.
    """
    started = time.monotonic()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None or not proto.has_objective():
        return None
    infinity = solver.infinity()
    variables = [
        solver.NumVar(float(bounds[0]), float(bounds[-1]), "")
        for bounds in (list(v.domain) for v in proto.variables)
    ]
    for constraint in proto.constraints:
        if constraint.enforcement_literal:
            continue
        _add_relaxed(solver, variables, constraint, infinity)
    objective = solver.Objective()
    for ref, coefficient in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective.SetCoefficient(variables[ref], float(coefficient))
    objective.SetMinimization()
    solver.SetTimeLimit(max(1, int(1000 * (seconds - (time.monotonic() - started)))))
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        log.info("LP bound: not solved to optimality in %.1f s", seconds)
        return None
    value = objective.Value() + proto.objective.offset
    value -= 1e-7 * abs(value) + 1e-3  # floating-point tolerance: stay a valid bound
    log.info("LP bound %.1f in %.1f s", value, time.monotonic() - started)
    return value


def _add_relaxed(
    solver: pywraplp.Solver,
    variables: list[pywraplp.Variable],
    constraint: Any,
    infinity: float,
) -> None:
    """Add the linear relaxation of one linear, at-most-one, exactly-one or or-constraint."""
    if constraint.has_linear():
        domain = list(constraint.linear.domain)
        lower, upper = domain[0], domain[-1]
        row = solver.RowConstraint(
            -infinity if lower <= -(2**62) else float(lower),
            infinity if upper >= 2**62 else float(upper),
            "",
        )
        for ref, coefficient in zip(constraint.linear.vars, constraint.linear.coeffs,
                                    strict=True):
            row.SetCoefficient(variables[ref], float(coefficient))
        return
    kind = next((k for k in ("at_most_one", "exactly_one", "bool_or")
                 if getattr(constraint, f"has_{k}")()), None)
    if kind is not None:
        literals = getattr(constraint, kind).literals
        constant = 0.0
        terms: dict[int, float] = {}
        for ref in literals:
            index, coefficient, offset = _literal_term(ref)
            terms[index] = terms.get(index, 0.0) + coefficient
            constant += offset
        lower = {"at_most_one": -infinity, "exactly_one": 1.0, "bool_or": 1.0}[kind]
        upper = {"at_most_one": 1.0, "exactly_one": 1.0, "bool_or": infinity}[kind]
        row = solver.RowConstraint(lower - constant if math.isfinite(lower) else lower,
                                   upper - constant if math.isfinite(upper) else upper, "")
        for index, coefficient in terms.items():
            row.SetCoefficient(variables[index], coefficient)
