"""Warm starts: a complete hint from a roster (greedy or the input's Roster sheet)."""

from __future__ import annotations

from shiftcare.model.builder import BuiltModel
from shiftcare.solution import Solution


def add_roster_shift_hints(built: BuiltModel) -> None:
    """Hint every candidate shift: 1 where the input Roster has that shift, else 0."""
    roster = built.problem.existing_roster
    if not roster:
        return
    wanted = {(e.agent_id, e.day, e.start): e.shift_type for e in roster}
    for agent_day in built.agent_days:
        hinted = False
        for candidate, var in zip(agent_day.candidates, agent_day.shift_vars, strict=True):
            key = (agent_day.agent.id, agent_day.day, candidate.start)
            matches = key in wanted and wanted[key] in (None, candidate.shift_type.id)
            built.model.add_hint(var, matches and not hinted)
            hinted = hinted or matches


def add_solution_hint(built: BuiltModel, solution: Solution) -> None:
    """Hint every shift, break, phone and understaffing variable from ``solution``."""
    interval = built.interval
    problem = built.problem
    shift_of = {(s.agent_id, s.day): s for s in solution.shifts}
    breaks: set[tuple[str, int, str, int]] = set()
    phone: set[tuple[str, int, int, int]] = set()
    for block in solution.activities:
        if block.activity == "break":
            breaks.add((block.agent_id, block.day, block.detail, block.start // interval))
        elif block.activity == "phone":
            q = problem.queue_index(block.detail)
            phone.update((block.agent_id, block.day, q, t)
                         for t in range(block.start // interval, block.end // interval))
    scheduled: dict[tuple[int, int], int] = {}
    for agent_day in built.agent_days:
        agent_id, day = agent_day.agent.id, agent_day.day
        shift = shift_of.get((agent_id, day))
        for candidate, var in zip(agent_day.candidates, agent_day.shift_vars, strict=True):
            built.model.add_hint(var, shift is not None and candidate.start == shift.start
                                 and candidate.shift_type.id == shift.shift_type)
        for (type_id, name, t), var in agent_day.break_vars.items():
            chosen = shift is not None and shift.shift_type == type_id
            built.model.add_hint(var, chosen and (agent_id, day, name, t) in breaks)
        for (q, t), var in agent_day.phone.items():
            on = (agent_id, day, q, t) in phone
            built.model.add_hint(var, on)
            scheduled[(q, t)] = scheduled.get((q, t), 0) + int(on)
    for (q, t), under in built.under.items():
        built.model.add_hint(under, max(0, int(built.required[q, t]) - scheduled.get((q, t), 0)))
    hint_fairness(built)


def hint_fairness(built: BuiltModel) -> None:
    """Hint the fairness term's most/least complaint intervals from the hinted phone values."""
    if built.fairness is None:
        return
    most, least, per_agent = built.fairness
    proto = built.model.proto
    hinted = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    totals = [sum(hinted.get(v.index, 0) for v in variables) for variables in per_agent]
    built.model.add_hint(most, max(totals, default=0))
    built.model.add_hint(least, min(totals, default=0))
