"""Contracts and availability: hours, days, rest, consecutive days, ``prefer_off``."""

from __future__ import annotations

from ortools.sat.python import cp_model

from shiftcare.model.builder import AgentDay, BuiltModel
from shiftcare.problem import Agent


def add_contract_rules(built: BuiltModel) -> None:
    """Every contract rule for every agent, and the preference cost."""
    for agent_index, agent_days in built.by_agent().items():
        agent = built.problem.agents[agent_index]
        add_paid_hours(built, agent, agent_days)
        add_max_days(built, agent, agent_days)
        add_min_rest(built, agent, agent_days)
        add_max_consecutive_days(built, agent, agent_days)
        add_preference_cost(built, agent, agent_days)
    for agent_index, agent in enumerate(built.problem.agents):
        if agent_index not in built.by_agent() and agent.min_hours > 0:
            guard = built.guard(f"min_hours:{agent.id}", "Agents", agent.row)
            built.model.add_bool_or([]).only_enforce_if(guard)


def paid_minutes(agent_days: list[AgentDay]) -> cp_model.LinearExprT:
    """Paid minutes of the agent over the horizon."""
    variables, coefficients = [], []
    for agent_day in agent_days:
        for candidate, var in zip(agent_day.candidates, agent_day.shift_vars, strict=True):
            variables.append(var)
            coefficients.append(candidate.shift_type.paid_minutes)
    return cp_model.LinearExpr.weighted_sum(variables, coefficients)


def add_paid_hours(built: BuiltModel, agent: Agent, agent_days: list[AgentDay]) -> None:
    """``min_hours <= paid hours <= max_hours`` over the horizon."""
    minutes = paid_minutes(agent_days)
    lower = agent.min_paid_minutes
    upper = agent.max_paid_minutes
    if lower > 0:
        guard = built.guard(f"min_hours:{agent.id}", "Agents", agent.row)
        built.model.add(minutes >= lower).only_enforce_if(guard)
    guard = built.guard(f"max_hours:{agent.id}", "Agents", agent.row)
    built.model.add(minutes <= upper).only_enforce_if(guard)


def add_max_days(built: BuiltModel, agent: Agent, agent_days: list[AgentDay]) -> None:
    """Working dates over the horizon at most ``max_days``."""
    if len(agent_days) <= agent.max_days:
        return
    guard = built.guard(f"max_days:{agent.id}", "Agents", agent.row)
    works = [var for agent_day in agent_days for var in agent_day.shift_vars]
    built.model.add(cp_model.LinearExpr.sum(works) <= agent.max_days).only_enforce_if(guard)


def add_min_rest(built: BuiltModel, agent: Agent, agent_days: list[AgentDay]) -> None:
    """A shift may not start within ``min_rest_hours`` of the end of an earlier one."""
    rest = agent.min_rest_minutes
    guard = built.guard(f"min_rest:{agent.id}", "Agents", agent.row)
    ordered = sorted(agent_days, key=lambda d: d.day)
    for later_index, later in enumerate(ordered):
        for earlier in ordered[:later_index]:
            latest_end = max(c.end for c in earlier.candidates)
            if latest_end + rest <= min(c.start for c in later.candidates):
                continue
            for candidate, var in zip(later.candidates, later.shift_vars, strict=True):
                clash = [
                    v for c, v in zip(earlier.candidates, earlier.shift_vars, strict=True)
                    if c.end + rest > candidate.start
                ]
                if clash:
                    built.model.add(var + cp_model.LinearExpr.sum(clash) <= 1).only_enforce_if(
                        guard
                    )


def add_max_consecutive_days(
    built: BuiltModel, agent: Agent, agent_days: list[AgentDay]
) -> None:
    """No more than ``max_consecutive_days`` working dates in a row, History included."""
    limit = agent.max_consecutive_days
    works_on = {d.day: d.works() for d in agent_days}
    guard = built.guard(f"max_consecutive_days:{agent.id}", "Agents", agent.row)
    for first in range(built.problem.days - limit):
        window = [works_on[d] for d in range(first, first + limit + 1) if d in works_on]
        if len(window) > limit:
            built.model.add(cp_model.LinearExpr.sum(window) <= limit).only_enforce_if(guard)
    history = built.problem.history_of(agent.id)
    if history is None or history.consecutive_days_worked <= 0:
        return
    allowed = max(0, limit - history.consecutive_days_worked)
    lead_days = min(built.problem.days, allowed + 1)
    window = [works_on[d] for d in range(lead_days) if d in works_on]
    if len(window) > allowed:
        history_guard = built.guard(f"max_consecutive_days_history:{agent.id}", "History",
                                    history.row)
        built.model.add(cp_model.LinearExpr.sum(window) <= allowed).only_enforce_if(
            history_guard
        )


def add_preference_cost(built: BuiltModel, agent: Agent, agent_days: list[AgentDay]) -> None:
    """``weight_preference`` for each worked date the agent marked ``prefer_off``."""
    weight = built.problem.settings.weight_preference
    for agent_day in agent_days:
        if built.problem.prefers_off(agent.id, agent_day.day):
            built.add_objective(agent_day.works(), weight)
