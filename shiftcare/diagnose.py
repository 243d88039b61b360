"""Why is a problem infeasible? A minimal set of conflicting rule groups.

Every hard rule group (one agent's min hours, an Availability row, the recovery rule,
...) is switched by an assumption literal. CP-SAT returns a core of assumptions that is
infeasible on its own; dropping members one by one while it stays infeasible leaves a
minimal conflicting set, which is translated back to sheets, rows, agents and dates.
"""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from shiftcare.model import build_model
from shiftcare.model.builder import ShiftPolicy
from shiftcare.problem import Mode, Problem
from shiftcare.report import DiagnosticRow

log = logging.getLogger("shiftcare")

RULE_TEXT = {
    "availability_off": "Availability: off that date",
    "availability_window": "Availability: shift must lie inside the window",
    "min_rest_history": "History: min rest after the last shift before the horizon",
    "min_hours": "Agents: min_hours",
    "max_hours": "Agents: max_hours",
    "max_days": "Agents: max_days",
    "min_rest": "Agents/Settings: min_rest_hours between shifts",
    "max_consecutive_days": "Agents/Settings: max_consecutive_days",
    "max_consecutive_days_history": "History: consecutive_days_worked",
    "stretch_cap": "stress: max_complaint_stretch_minutes",
    "recovery": "stress: recovery after recovery_after_minutes",
    "max_complaint_minutes_per_day": "stress: max_complaint_minutes_per_day",
    "break_count": "Breaks: every break once inside its window",
    "break_spacing": "Settings: min_minutes_between_breaks",
    "keep_shift": "Roster: the input shift kept by --keep-shifts",
}


Conflict = DiagnosticRow
"""One rule group of a minimal infeasible set, located in the workbook."""


def _is_infeasible(model: cp_model.CpModel, assumptions: list[cp_model.IntVar],
                   seconds: float) -> bool | None:
    """True infeasible, False feasible, None unknown within ``seconds``."""
    model.clear_assumptions()
    model.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return True
    if status in (cp_model.FEASIBLE, cp_model.OPTIMAL):
        return False
    return None


def _core(model: cp_model.CpModel, literals: list[cp_model.IntVar],
          seconds: float) -> list[cp_model.IntVar] | None:
    model.clear_assumptions()
    model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    if solver.solve(model) != cp_model.INFEASIBLE:
        return None
    core_indices = set(solver.sufficient_assumptions_for_infeasibility())
    return [lit for lit in literals if lit.index in core_indices]


def minimal_conflict(
    problem: Problem,
    required: npt.NDArray[np.int64],
    mode: Mode = "stress-aware",
    seconds: float = 30.0,
    policy: ShiftPolicy | None = None,
) -> list[Conflict]:
    """A minimal set of rule groups that cannot all hold; empty if none was found."""
    built = build_model(problem, required, mode, diagnose=True, policy=policy)
    literals = list(built.guards.values())
    core = _core(built.model, literals, seconds / 2)
    if core is None:
        log.warning("diagnosis: the rules alone are satisfiable or the check timed out")
        return []
    per_check = max(0.5, seconds / 2 / max(1, len(core)))
    kept = list(core)
    for literal in list(core):
        trial = [lit for lit in kept if lit is not literal]
        if _is_infeasible(built.model, trial, per_check):
            kept = trial
    by_literal = {lit.index: group for group, lit in built.guards.items()}
    return [conflict for lit in kept
            for conflict in _describe(problem, by_literal[lit.index], built.guard_sources)]


def _describe(problem: Problem, group: str, sources: dict[str, list]) -> list[Conflict]:
    """Turn a rule group key such as ``min_hours:A7`` into workbook locations."""
    rule, _, rest = group.partition(":")
    parts = rest.split(":") if rest else []
    agent_id = parts[0] if parts and parts[0] in {a.id for a in problem.agents} else ""
    date = ""
    if rule in ("availability_off", "availability_window", "keep_shift") and len(parts) > 1:
        date = problem.date_of(int(parts[1])).isoformat()
    text = RULE_TEXT.get(rule, rule)
    where = sorted({(s.sheet, s.row) for s in sources.get(group, [])},
                   key=lambda pair: (pair[0], pair[1] or 0))
    if not where:
        where = [("Settings", None)]
    subject = f"agent {agent_id}" if agent_id else (parts[0] if parts else "all agents")
    message = f"{text} ({subject}{', ' + date if date else ''})"
    return [Conflict(rule, sheet, row, agent_id, date, message) for sheet, row in where]
