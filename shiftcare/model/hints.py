"""Warm starts: hint the shifts of an existing roster (the input's Roster sheet)."""

from __future__ import annotations

from shiftcare.model.builder import BuiltModel


def add_hints(built: BuiltModel) -> None:
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
