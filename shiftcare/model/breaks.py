"""Breaks: every break of the worked shift type once, inside its window, spaced apart.

Break starts are Booleans on the interval grid, per agent-day, shift type and break.
A break start is allowed only where some chosen candidate of that type puts it inside
its window, which ties the break to the shift without one variable per (shift, break).
"""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.sat.python import cp_model

from shiftcare.model.builder import AgentDay, BuiltModel
from shiftcare.model.options import Candidate
from shiftcare.problem import BreakRule, ShiftType


def add_break_rules(built: BuiltModel) -> None:
    """Create break-start variables and the window, count and spacing rules."""
    for agent_day in built.agent_days:
        by_type: dict[str, list[tuple[Candidate, cp_model.IntVar]]] = defaultdict(list)
        for candidate, var in zip(agent_day.candidates, agent_day.shift_vars, strict=True):
            by_type[candidate.shift_type.id].append((candidate, var))
        for chosen in by_type.values():
            shift_type = chosen[0][0].shift_type
            for rule in shift_type.breaks:
                _add_break_window(built, agent_day, shift_type, rule, chosen)
            _add_break_spacing(built, agent_day, shift_type)


def _window_intervals(built: BuiltModel, candidate: Candidate, rule: BreakRule) -> range:
    """Intervals where ``rule``'s break may start in ``candidate``'s shift."""
    interval = built.interval
    first = (candidate.start + rule.earliest_start_after_minutes) // interval
    last = (candidate.start + rule.latest_start_after_minutes) // interval
    return range(first, last + 1)


def _add_break_window(
    built: BuiltModel,
    agent_day: AgentDay,
    shift_type: ShiftType,
    rule: BreakRule,
    chosen: list[tuple[Candidate, cp_model.IntVar]],
) -> None:
    """Exactly one start of ``rule`` per worked shift of this type, inside the window."""
    enablers: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for candidate, var in chosen:
        for t in _window_intervals(built, candidate, rule):
            enablers[t].append(var)
    starts = []
    for t, shift_vars in sorted(enablers.items()):
        start = built.model.new_bool_var(
            f"break[{agent_day.agent.id},{agent_day.day},{shift_type.id},{rule.name},{t}]"
        )
        agent_day.break_vars[(shift_type.id, rule.name, t)] = start
        built.model.add(start <= cp_model.LinearExpr.sum(shift_vars))
        starts.append(start)
    guard = built.guard(f"break_count:{shift_type.id}:{rule.name}", "Breaks", rule.row)
    built.model.add(
        cp_model.LinearExpr.sum(starts) == cp_model.LinearExpr.sum([v for _, v in chosen])
    ).only_enforce_if(guard)


def _add_break_spacing(built: BuiltModel, agent_day: AgentDay, shift_type: ShiftType) -> None:
    """Two breaks of a shift never overlap and keep ``min_minutes_between_breaks`` apart."""
    interval = built.interval
    gap = math.ceil(built.problem.settings.min_minutes_between_breaks / interval - 1e-9)
    rules = shift_type.breaks
    guard = built.guard(f"break_spacing:{shift_type.id}", "Settings", None)
    for i, first in enumerate(rules):
        for second in rules[i + 1:]:
            first_starts = _starts_of(agent_day, shift_type, first)
            second_starts = _starts_of(agent_day, shift_type, second)
            first_len = first.duration_minutes // interval
            second_len = second.duration_minutes // interval
            for t1, var1 in first_starts.items():
                clash = [
                    var2 for t2, var2 in second_starts.items()
                    if t1 - second_len - gap < t2 < t1 + first_len + gap
                ]
                if clash:
                    built.model.add(var1 + cp_model.LinearExpr.sum(clash) <= 1).only_enforce_if(
                        guard
                    )


def _starts_of(
    agent_day: AgentDay, shift_type: ShiftType, rule: BreakRule
) -> dict[int, cp_model.IntVar]:
    return {
        t: var for (type_id, name, t), var in agent_day.break_vars.items()
        if type_id == shift_type.id and name == rule.name
    }
