"""The objective: understaffing first (by weight), then paid hours, preferences, fairness."""

from __future__ import annotations

from ortools.sat.python import cp_model

from shiftcare.model.builder import BuiltModel
from shiftcare.model.contracts import paid_minutes


def add_paid_hours_cost(built: BuiltModel) -> None:
    """``weight_paid_hour`` per paid hour, charged per paid minute."""
    weight = built.problem.settings.weight_paid_hour / 60
    for agent_days in built.by_agent().values():
        built.add_objective(paid_minutes(agent_days), weight)


def set_objective(built: BuiltModel) -> None:
    """Minimise the weighted sum of all terms the rule modules registered."""
    add_paid_hours_cost(built)
    if built.diagnose:
        return
    expressions = [expression for expression, _ in built.objective_terms]
    weights = [weight for _, weight in built.objective_terms]
    built.model.minimize(cp_model.LinearExpr.weighted_sum(expressions, weights))


def objective_value(built: BuiltModel, raw: float) -> float:
    """The objective in workbook weight units from CP-SAT's scaled integer value."""
    return raw / built.objective_scale + built.objective_offset_units


def scaled_objective(built: BuiltModel, value: float) -> float:
    """A value in workbook weight units on CP-SAT's scale (``objective_value`` undone)."""
    return (value - built.objective_offset_units) * built.objective_scale
