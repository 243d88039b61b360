"""A lower bound on the objective, independent of CP-SAT's search: an aggregated LP.

The CP-SAT model is linear, so relaxing every variable to its continuous range gives
a linear program whose optimum can only be lower than any roster's objective. Agents
who are interchangeable (same contract, skills, shift types, stress limits,
availability and history) are merged into one class: the class's variables count
agents (0..size) and each per-agent constraint is summed over the class (its bounds
times the size). Any roster maps to a solution of this smaller LP with the same
objective, so its optimum is still a valid bound. The fairness term (never negative)
is left out. The LP is solved with GLOP (OR-Tools' simplex); constraints with
enforcement literals are dropped, which only weakens the bound.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from shiftcare.model.builder import ShiftPolicy
from shiftcare.problem import Mode, Problem

log = logging.getLogger("shiftcare")


def _literal_term(ref: int) -> tuple[int, float, float]:
    """A CP-SAT literal reference as (variable, coefficient, constant)."""
    if ref >= 0:
        return ref, 1.0, 0.0
    return -ref - 1, -1.0, 1.0


def agent_classes(problem: Problem) -> list[list[int]]:
    """Groups of interchangeable agents (indices), in first-appearance order."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, agent in enumerate(problem.agents):
        availability = tuple(sorted(
            (a.day, a.status, a.window_from or -1, a.window_to or -1)
            for a in problem.availability if a.agent_id == agent.id))
        history = problem.history_of(agent.id)
        roster = tuple(sorted((e.day, e.start, e.end, e.shift_type or "")
                              for e in problem.existing_roster or () if e.agent_id == agent.id))
        key = (replace(agent, id="", name="", row=None), availability, roster,
               None if history is None else (history.last_shift_end,
                                             history.consecutive_days_worked))
        groups.setdefault(key, []).append(index)
    return list(groups.values())


def aggregated_lp_bound(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                        seconds: float, objective_scale: int,
                        policy: ShiftPolicy | None = None) -> float | None:
    """A valid lower bound on the objective (CP-SAT's scaled integer units), or None."""
    from shiftcare.model.builder import build_model

    started = time.monotonic()
    classes = agent_classes(problem)
    representatives = [problem.agents[group[0]] for group in classes]
    kept = {a.id for a in representatives}
    reduced = problem.replace(
        agents=tuple(representatives),
        availability=tuple(a for a in problem.availability if a.agent_id in kept),
        history=tuple(h for h in problem.history if h.agent_id in kept),
        existing_roster=None if problem.existing_roster is None else tuple(
            e for e in problem.existing_roster if e.agent_id in kept),
        settings=replace(problem.settings, weight_complaint_fairness=0.0),
    )
    built = build_model(reduced, required, mode, policy=policy)
    size_of_var: dict[int, int] = {}
    for agent_day in built.agent_days:
        size = len(classes[agent_day.agent_index])
        variables = [*agent_day.shift_vars, *agent_day.break_vars.values(),
                     *agent_day.phone.values()]
        size_of_var.update((v.index, size) for v in variables)
    log.info("LP bound: %d agents in %d classes", len(problem.agents), len(classes))
    remaining = seconds - (time.monotonic() - started)
    if remaining <= 0.5:
        return None
    value = lp_lower_bound(built.model.proto, remaining, size_of_var)
    if value is None:
        return None
    assert built.objective_scale == objective_scale
    return value


def lp_lower_bound(proto: Any, seconds: float,
                   size_of_var: dict[int, int] | None = None) -> float | None:
    """The LP relaxation optimum of ``proto``'s minimisation, in CP-SAT objective units.

    ``size_of_var`` maps a variable to the number of agents it stands for; a constraint
    whose variables all stand for one class has its bounds multiplied by that size.
    Returns None when the LP is not solved to optimality within ``seconds``.
    """
    sizes = size_of_var or {}
    started = time.monotonic()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None or not proto.has_objective():
        return None
    infinity = solver.infinity()
    variables = []
    for index, variable in enumerate(proto.variables):
        bounds = list(variable.domain)
        size = sizes.get(index, 1)
        lower = float(bounds[0]) * size if index in sizes else min(0.0, float(bounds[0]))
        variables.append(solver.NumVar(lower, float(bounds[-1]) * size, ""))
    for constraint in proto.constraints:
        if constraint.enforcement_literal:
            continue
        _add_relaxed(solver, variables, constraint, infinity, _class_size(constraint, sizes))
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


def _class_size(constraint: Any, sizes: dict[int, int]) -> int:
    """The class size when every variable of ``constraint`` stands for one class, else 1."""
    refs = list(constraint.linear.vars) if constraint.has_linear() else [
        ref if ref >= 0 else -ref - 1
        for kind in ("at_most_one", "exactly_one", "bool_or")
        if getattr(constraint, f"has_{kind}")()
        for ref in getattr(constraint, kind).literals
    ]
    found = {sizes.get(ref, 0) for ref in refs}
    return found.pop() if len(found) == 1 and 0 not in found else 1


def _add_relaxed(
    solver: pywraplp.Solver,
    variables: list[pywraplp.Variable],
    constraint: Any,
    infinity: float,
    size: int,
) -> None:
    """Add the relaxation of one linear, at-most-one, exactly-one or or-constraint.

    Its constant bounds are multiplied by ``size`` (the agents its variables stand for).
    """
    if constraint.has_linear():
        domain = list(constraint.linear.domain)
        lower, upper = domain[0], domain[-1]
        row = solver.RowConstraint(
            -infinity if lower <= -(2**62) else float(lower) * size,
            infinity if upper >= 2**62 else float(upper) * size,
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
        constant *= size
        row = solver.RowConstraint(lower * size - constant if math.isfinite(lower) else lower,
                                   upper * size - constant if math.isfinite(upper) else upper,
                                   "")
        for index, coefficient in terms.items():
            row.SetCoefficient(variables[index], coefficient)
