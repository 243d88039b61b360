"""Coverage: agents on the phone per queue and interval against the requirement (soft).

Only understaffing needs a variable: with ``under >= required - scheduled`` minimal,
overstaffing equals ``scheduled - required + under``, so its cost is charged on the
phone variables directly and ``under`` carries both weights.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from shiftcare.model.builder import BuiltModel


def scheduled_vars(built: BuiltModel) -> dict[tuple[int, int], list[cp_model.IntVar]]:
    """(queue, interval) -> every agent's phone variable there."""
    scheduled: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for agent_day in built.agent_days:
        for key, var in agent_day.phone.items():
            scheduled[key].append(var)
    return scheduled


def add_coverage(built: BuiltModel) -> None:
    """Under-staffing slack per (queue, interval) and the under/over-staffing cost."""
    settings = built.problem.settings
    scheduled = scheduled_vars(built)
    queues, intervals = built.required.shape
    under_terms = []
    phone_terms = []
    for q in range(queues):
        for t in range(intervals):
            required = int(built.required[q, t])
            if required <= 0:
                continue
            on_phone = scheduled.get((q, t), [])
            phone_terms.extend(on_phone)
            under = built.model.new_int_var(max(0, required - len(on_phone)), required,
                                            f"under[{q},{t}]")
            built.under[(q, t)] = under
            if on_phone:
                built.model.add(under + cp_model.LinearExpr.sum(on_phone) >= required)
            under_terms.append(under)
    under_weight = settings.weight_understaffing + settings.weight_overstaffing
    built.add_objective(cp_model.LinearExpr.sum(under_terms), under_weight)
    built.add_objective(cp_model.LinearExpr.sum(phone_terms), settings.weight_overstaffing)
    built.objective_offset_units = -settings.weight_overstaffing * float(built.required.sum())
