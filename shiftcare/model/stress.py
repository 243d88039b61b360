"""Stress rules: complaint stretch cap, recovery after long runs, daily cap, fairness.

Per agent-day, ``complaint[t]`` is the sum of phone variables on complaint-heavy
(queue, interval) pairs and ``phone[t]`` the sum over all queues; both are 0 or 1.
Runs never cross shifts because every rule works inside one agent-day.
Eligibility (``complaint_eligible = no``) is enforced by never creating those phone
variables in stress-aware mode (see ``builder.phone_allowed``).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from shiftcare.model.builder import AgentDay, BuiltModel


def complaint_and_phone(
    built: BuiltModel, agent_day: AgentDay
) -> tuple[dict[int, list[cp_model.IntVar]], dict[int, list[cp_model.IntVar]]]:
    """Interval -> complaint-heavy phone variables, and interval -> all phone variables."""
    heavy = built.problem.complaint_heavy()
    complaint: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    phone: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (q, t), var in agent_day.phone.items():
        phone[t].append(var)
        if heavy[q, t]:
            complaint[t].append(var)
    return complaint, phone


def add_stress_rules(built: BuiltModel) -> None:
    """Stretch cap, recovery and daily cap for every agent-day (stress-aware mode)."""
    for agent_day in built.agent_days:
        complaint, phone = complaint_and_phone(built, agent_day)
        if not complaint:
            continue
        add_stretch_cap(built, agent_day, complaint)
        add_recovery(built, agent_day, complaint, phone)
        add_daily_complaint_cap(built, agent_day, complaint)


def add_stretch_cap(
    built: BuiltModel, agent_day: AgentDay, complaint: dict[int, list[cp_model.IntVar]]
) -> None:
    """Any ``cap + 1`` consecutive intervals hold at most ``cap`` complaint intervals."""
    cap = agent_day.agent.max_complaint_stretch_minutes // built.interval
    guard = built.guard(f"stretch_cap:{agent_day.agent.id}", "Agents", agent_day.agent.row)
    for first in sorted(complaint):
        window = [v for t in range(first, first + cap + 1) for v in complaint.get(t, [])]
        if all(t in complaint for t in range(first, first + cap + 1)):
            built.model.add(cp_model.LinearExpr.sum(window) <= cap).only_enforce_if(guard)


def add_recovery(
    built: BuiltModel,
    agent_day: AgentDay,
    complaint: dict[int, list[cp_model.IntVar]],
    phone: dict[int, list[cp_model.IntVar]],
) -> None:
    """A run of at least ``recovery_after`` intervals ending at ``t`` keeps ``t+1..t+B`` off phone.

    Linear form: ``sum(complaint[t-R+1..t]) - complaint[t+1] + phone[t+j] <= R``.
    """
    settings = built.problem.settings
    run = settings.recovery_after_intervals
    rest = settings.recovery_break_intervals
    guard = built.guard("recovery", "Settings", None)
    for end in sorted(complaint):
        run_intervals = range(end - run + 1, end + 1)
        if not all(t in complaint for t in run_intervals):
            continue
        run_sum = [v for t in run_intervals for v in complaint[t]]
        continuing = complaint.get(end + 1, [])
        for offset in range(1, rest + 1):
            after = phone.get(end + offset, [])
            if not after:
                continue
            built.model.add(
                cp_model.LinearExpr.sum(run_sum) - cp_model.LinearExpr.sum(continuing)
                + cp_model.LinearExpr.sum(after) <= run
            ).only_enforce_if(guard)


def add_daily_complaint_cap(
    built: BuiltModel, agent_day: AgentDay, complaint: dict[int, list[cp_model.IntVar]]
) -> None:
    """Complaint-heavy phone intervals of one shift date at most the daily cap."""
    cap = built.problem.settings.max_complaint_intervals_per_day
    variables = [v for vs in complaint.values() for v in vs]
    if len(variables) > cap:
        guard = built.guard("max_complaint_minutes_per_day", "Settings", None)
        built.model.add(cp_model.LinearExpr.sum(variables) <= cap).only_enforce_if(guard)


def fairness_agents(built: BuiltModel) -> list[int]:
    """Complaint-eligible agents skilled for a queue with a complaint-heavy interval."""
    heavy = built.problem.complaint_heavy()
    heavy_queues = {q.id for i, q in enumerate(built.problem.queues) if heavy[i].any()}
    return [
        i for i, agent in enumerate(built.problem.agents)
        if agent.complaint_eligible and heavy_queues & set(agent.skills)
    ]


def add_fairness_objective(built: BuiltModel) -> None:
    """``weight_complaint_fairness`` per hour of spread in complaint minutes over the horizon."""
    weight = built.problem.settings.weight_complaint_fairness
    agents = fairness_agents(built)
    if weight <= 0 or len(agents) < 2:
        return
    by_agent = built.by_agent()
    horizon = built.problem.num_intervals
    most = built.model.new_int_var(0, horizon, "complaint_max")
    least = built.model.new_int_var(0, horizon, "complaint_min")
    per_agent: list[list[cp_model.IntVar]] = []
    for agent_index in agents:
        variables: list[cp_model.IntVar] = []
        for agent_day in by_agent.get(agent_index, []):
            complaint, _ = complaint_and_phone(built, agent_day)
            variables.extend(v for vs in complaint.values() for v in vs)
        total = cp_model.LinearExpr.sum(variables)
        built.model.add(total <= most)
        built.model.add(total >= least)
        per_agent.append(variables)
    built.fairness = (most, least, per_agent)
    built.add_objective(most - least, weight * built.interval / 60)
