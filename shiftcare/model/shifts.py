"""Shift choice: at most one shift per agent and date, blocked candidates, one activity."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from shiftcare.model.builder import AgentDay, BuiltModel


def add_shift_rules(built: BuiltModel) -> None:
    """At most one candidate per agent-day; blocked candidates only when diagnosing.

    Under the ``keep`` and ``fixed`` policies every input Roster shift is worked.
    """
    roster_rows = {(e.agent_id, e.day): e.row for e in built.problem.existing_roster or ()}
    for agent_day in built.agent_days:
        built.model.add_at_most_one(agent_day.shift_vars)
        if built.policy.keeping == "fixed":
            built.model.add(agent_day.works() == 1)
            continue
        if built.policy.keeping == "keep":
            guard = built.guard(f"keep_shift:{agent_day.agent.id}:{agent_day.day}", "Roster",
                                roster_rows.get((agent_day.agent.id, agent_day.day)))
            built.model.add(agent_day.works() == 1).only_enforce_if(guard)
        for candidate, var in zip(agent_day.candidates, agent_day.shift_vars, strict=True):
            for blocker in candidate.blockers:
                guard = built.guard(blocker.group, blocker.sheet, blocker.row)
                built.model.add(var == 0).only_enforce_if(guard)


def add_change_cost(built: BuiltModel) -> None:
    """``change_weight`` for each agent-date whose shift differs from the input Roster's."""
    weight = built.policy.change_weight
    if weight <= 0:
        return
    roster = {(e.agent_id, e.day): e for e in built.problem.existing_roster or ()}
    for agent_day in built.agent_days:
        entry = roster.get((agent_day.agent.id, agent_day.day))
        if entry is None:
            built.add_objective(agent_day.works(), weight)
            continue
        same = [v for c, v in zip(agent_day.candidates, agent_day.shift_vars, strict=True)
                if c.start == entry.start and entry.shift_type in (None, c.shift_type.id)]
        if same:
            built.add_objective(1 - cp_model.LinearExpr.sum(same), weight)


def on_shift_vars(built: BuiltModel, agent_day: AgentDay) -> dict[int, list[cp_model.IntVar]]:
    """Interval -> the candidate-shift variables that cover it."""
    covering: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for candidate, var in zip(agent_day.candidates, agent_day.shift_vars, strict=True):
        for t in range(candidate.start_interval(built.interval),
                       candidate.end_interval(built.interval)):
            covering[t].append(var)
    return covering


def on_break_vars(built: BuiltModel, agent_day: AgentDay) -> dict[int, list[cp_model.IntVar]]:
    """Interval -> the break-start variables whose break covers it."""
    covering: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    durations = {
        (s.id, b.name): b.duration_minutes // built.interval
        for c in agent_day.candidates for s in [c.shift_type] for b in s.breaks
    }
    for (type_id, name, start), var in agent_day.break_vars.items():
        for t in range(start, start + durations[(type_id, name)]):
            covering[t].append(var)
    return covering


def add_one_activity_per_interval(built: BuiltModel) -> None:
    """On shift, each interval holds one activity: phone, break or (the slack) recovery."""
    for agent_day in built.agent_days:
        on_shift = on_shift_vars(built, agent_day)
        on_break = on_break_vars(built, agent_day)
        phone_by_interval: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (_, t), var in agent_day.phone.items():
            phone_by_interval[t].append(var)
        for t, shift_vars in on_shift.items():
            busy = phone_by_interval.get(t, []) + on_break.get(t, [])
            if busy:
                built.model.add(
                    cp_model.LinearExpr.sum(busy) <= cp_model.LinearExpr.sum(shift_vars)
                )
