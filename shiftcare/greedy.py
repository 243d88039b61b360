"""A fast constructive roster: shifts, then breaks, then queues, interval by interval.

It obeys every hard rule and, in stress-aware mode, every stress rule, so it is a valid
roster on its own and a complete hint for CP-SAT. Three greedy passes:

1. shifts: day by day, repeatedly give the (agent, candidate) that covers the most
   remaining need (agents on the phone still required), within each agent's contract;
2. breaks: each break at the allowed start whose intervals have the least need;
3. queues: per interval, complaint-heavy queues first, then the queues the fewest
   present agents can take, to agents whose run, daily complaint minutes and pending
   recovery allow it; a run is kept short of needing a recovery unless it can run on
   to the agent's next break or shift end, or the free agents are not enough, and the
   daily complaint cap is spread over the shift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shiftcare.model.options import Candidate, candidate_shifts, open_dates
from shiftcare.problem import Agent, BreakRule, Mode, Problem, Settings
from shiftcare.solution import ActivityBlock, ActivityKind, Shift, Solution, SolveInfo, merge_blocks


@dataclass
class _AgentState:
    """What the shift pass knows of one agent: days worked, paid minutes, last shift."""

    agent: Agent
    paid_minutes: int = 0
    days: list[int] = field(default_factory=list)
    last_end: int | None = None
    streak_before: int = 0


@dataclass
class _Planned:
    """A chosen shift and its per-interval labels (kind, detail, paid)."""

    agent_index: int
    candidate: Candidate
    labels: list[tuple[ActivityKind, str, bool]]


def greedy_roster(problem: Problem, required: npt.NDArray[np.int64],
                  mode: Mode = "stress-aware") -> Solution:
    """A complete roster built greedily (see the module docstring)."""
    need = required.astype(np.float64).copy()
    planned = _choose_shifts(problem, need)
    for plan in planned:
        _place_breaks(problem, plan, need)
    _assign_queues(problem, planned, required, mode)
    return _to_solution(problem, planned, mode)


def _initial_states(problem: Problem) -> list[_AgentState]:
    states = []
    for agent in problem.agents:
        history = problem.history_of(agent.id)
        state = _AgentState(agent)
        if history is not None:
            state.last_end = history.last_shift_end
            state.streak_before = history.consecutive_days_worked
        states.append(state)
    return states


def _may_work(problem: Problem, state: _AgentState, candidate: Candidate) -> bool:
    """Contract checks of adding ``candidate`` after the agent's earlier shifts."""
    agent = state.agent
    if len(state.days) >= agent.max_days:
        return False
    if state.paid_minutes + candidate.shift_type.paid_minutes > agent.max_paid_minutes:
        return False
    rest = agent.min_rest_minutes
    if state.last_end is not None and candidate.start - state.last_end < rest:
        return False
    return _streak_if_added(state, candidate.day) <= agent.max_consecutive_days


def _streak_if_added(state: _AgentState, day: int) -> int:
    """Length of the run of consecutive worked dates ending at ``day`` if it is worked."""
    streak = 1
    previous = day - 1
    while previous in state.days:
        streak += 1
        previous -= 1
    if previous < 0:
        streak += state.streak_before
    return streak


CandidateKey = tuple[str, int]
"""(shift type id, start minute): candidates with one key cover the same intervals."""


def _need_prefix(need: npt.NDArray[np.float64], skilled: list[int], first: int,
                 last: int) -> npt.NDArray[np.float64]:
    """Prefix sums over intervals ``first..last`` of the positive need on ``skilled`` queues,
    at most 1 per interval (one agent covers one call slot)."""
    if not skilled:
        return np.zeros(last - first + 1)
    per_interval = np.minimum(np.clip(need[skilled, first:last], 0, None).sum(axis=0), 1.0)
    return np.concatenate([[0.0], np.cumsum(per_interval)])


@dataclass
class _DayPool:
    """Agents who may still get a shift today, grouped by what makes their gains equal.

    Agents of one group share skills, shift types and urgency, so a candidate key has the
    same gain for all of them; only its feasibility differs (availability, rest).
    """

    groups: dict[tuple[tuple[str, ...], tuple[str, ...], bool], list[int]]
    options: dict[int, dict[CandidateKey, Candidate]]


def _day_pool(problem: Problem, states: list[_AgentState], day: int,
              open_days: list[list[int]]) -> _DayPool:
    """Every agent with a contract-feasible, unblocked candidate on ``day``."""
    groups: dict[tuple[tuple[str, ...], tuple[str, ...], bool], list[int]] = {}
    options: dict[int, dict[CandidateKey, Candidate]] = {}
    for agent_index, state in enumerate(states):
        feasible = {(c.shift_type.id, c.start): c
                    for c in candidate_shifts(problem, agent_index, day)
                    if not c.blockers and _may_work(problem, state, c)}
        if not feasible:
            continue
        options[agent_index] = feasible
        urgent = _needs_hours_now(problem, state, day, open_days[agent_index])
        key = (state.agent.skills, state.agent.shift_types, urgent)
        groups.setdefault(key, []).append(agent_index)
    return _DayPool(groups, options)


def _choose_shifts(problem: Problem, need: npt.NDArray[np.float64]) -> list[_Planned]:
    """Day by day, the shifts with the largest covered need per minute, urgent min hours first.

    Gains are computed once per group of equal agents and candidate key, so one pick costs
    about (groups x candidate keys), not (agents x candidates).
    """
    interval = problem.interval_minutes
    states = _initial_states(problem)
    planned: list[_Planned] = []
    horizon = need.shape[1]
    per_day = problem.intervals_per_day
    skilled_of = {a.skills: [i for i, q in enumerate(problem.queues) if q.id in a.skills]
                  for a in problem.agents}
    open_days = [open_dates(problem, i) for i in range(len(problem.agents))]
    threshold = 0.25 / max(1, interval)
    budgets = _day_budgets(problem, need)
    for day in range(problem.days):
        pool = _day_pool(problem, states, day, open_days)
        first_t = min(day * per_day, horizon)
        last_t = min((day + 2) * per_day + 1, horizon)
        spent = 0.0
        while pool.groups:
            if spent >= budgets[day]:
                _keep_urgent_only(pool)
                if not pool.groups:
                    break
            prefixes = {skills: _need_prefix(need, rows, first_t, last_t)
                        for skills, rows in skilled_of.items()}
            best: tuple[float, int, Candidate] | None = None
            for (skills, _, urgent), members in pool.groups.items():
                keys = {k: c for m in members for k, c in pool.options[m].items()}
                prefix = prefixes[skills]
                scored = []
                for key, candidate in keys.items():
                    lo = min(max(candidate.start_interval(interval), first_t), last_t) - first_t
                    hi = min(candidate.end_interval(interval), last_t) - first_t
                    gain = (prefix[hi] - prefix[lo]) / candidate.shift_type.length_minutes
                    scored.append((gain + (1.0 if urgent else 0.0), key))
                scored.sort(key=lambda item: -item[0])
                for score, key in scored:
                    if best is not None and score <= best[0]:
                        break
                    owner = next((m for m in members if key in pool.options[m]), None)
                    if owner is not None:
                        best = (score, owner, pool.options[owner][key])
                        break
            if best is None or best[0] <= threshold:
                break
            _, agent_index, candidate = best
            spent += candidate.shift_type.paid_minutes
            planned.append(_commit_shift(problem, states[agent_index], agent_index, candidate,
                                         need))
            _leave_pool(pool, agent_index)
    return planned


def _day_budgets(problem: Problem, need: npt.NDArray[np.float64]) -> list[float]:
    """Paid minutes each date may take: the agents' total capacity shared by the dates'
    need, with 10 % slack, so early dates do not use up everyone's days and hours."""
    capacity = 0.0
    for agent in problem.agents:
        longest = max((s.paid_minutes for s in problem.shift_types
                       if s.id in agent.shift_types), default=0)
        capacity += min(agent.max_days * longest, agent.max_paid_minutes)
    per_day = problem.intervals_per_day
    day_need = [float(np.clip(need[:, d * per_day:(d + 1) * per_day], 0, None).sum())
                for d in range(problem.days)]
    total = sum(day_need) or 1.0
    return [1.1 * capacity * n / total for n in day_need]


def _keep_urgent_only(pool: _DayPool) -> None:
    """Drop the groups of agents who do not need hours now (the date's budget is spent)."""
    for key in [k for k in pool.groups if not k[2]]:
        del pool.groups[key]


def _leave_pool(pool: _DayPool, agent_index: int) -> None:
    """Remove an agent who got today's shift from every group."""
    del pool.options[agent_index]
    for key in list(pool.groups):
        members = pool.groups[key]
        if agent_index in members:
            members.remove(agent_index)
            if not members:
                del pool.groups[key]


def _needs_hours_now(problem: Problem, state: _AgentState, day: int,
                     open_days: list[int]) -> bool:
    """Whether skipping ``day`` would put the agent's min hours at risk (one spare date)."""
    missing = state.agent.min_paid_minutes - state.paid_minutes
    if missing <= 0:
        return False
    later = sum(1 for d in open_days if d > day)
    dates_left = min(later, state.agent.max_days - len(state.days))
    longest = max((s.paid_minutes for s in problem.shift_types
                   if s.id in state.agent.shift_types), default=0)
    return (dates_left - 1) * longest < missing


def _commit_shift(problem: Problem, state: _AgentState, agent_index: int,
                  candidate: Candidate, need: npt.NDArray[np.float64]) -> _Planned:
    interval = problem.interval_minutes
    state.days.append(candidate.day)
    state.paid_minutes += candidate.shift_type.paid_minutes
    state.last_end = candidate.end
    first = candidate.start_interval(interval)
    last = candidate.end_interval(interval)
    skilled = [i for i, q in enumerate(problem.queues) if q.id in state.agent.skills]
    lower_need(need, skilled, first, last, candidate.shift_type.on_phone_share)
    labels: list[tuple[ActivityKind, str, bool]] = [("recovery", "", True)] * (last - first)
    return _Planned(agent_index, candidate, list(labels))


def lower_need(need: npt.NDArray[np.float64], skilled: list[int], first: int, last: int,
               share: float) -> None:
    """Lower ``need`` (agents per queue and interval) by ``share`` (an agent's on-phone
    share) in intervals ``first`` .. ``last - 1``, each on the skilled queue with the most
    need, where some is left."""
    for t in range(first, min(last, need.shape[1])):
        queue = max(skilled, key=lambda q: need[q, t], default=None)
        if queue is not None and need[queue, t] > 0:
            need[queue, t] -= share


def allowed_break_starts(problem: Problem, rule: BreakRule,
                         placed: list[tuple[int, int]]) -> list[int]:
    """Starts of ``rule``'s break inside its window, ``min_minutes_between_breaks`` from the
    ``placed`` breaks (all in intervals from the shift start); the whole window if none is."""
    interval = problem.interval_minutes
    window = range(rule.earliest_start_after_minutes // interval,
                   rule.latest_start_after_minutes // interval + 1)
    return spaced_break_starts(problem, rule, placed) or list(window)


def spaced_break_starts(problem: Problem, rule: BreakRule,
                        placed: list[tuple[int, int]]) -> list[int]:
    """Starts of ``rule``'s break inside its window, ``min_minutes_between_breaks`` from the
    ``placed`` breaks (all in intervals from the shift start); maybe none."""
    interval = problem.interval_minutes
    gap = math.ceil(problem.settings.min_minutes_between_breaks / interval - 1e-9)
    length = rule.duration_minutes // interval
    window = range(rule.earliest_start_after_minutes // interval,
                   rule.latest_start_after_minutes // interval + 1)
    return [s for s in window
            if all(s >= e + gap or s + length + gap <= b for b, e in placed)]


def _place_breaks(problem: Problem, plan: _Planned, need: npt.NDArray[np.float64]) -> None:
    """Each break at the allowed start with the least need, spaced from earlier breaks."""
    interval = problem.interval_minutes
    candidate = plan.candidate
    first = candidate.start_interval(interval)
    placed: list[tuple[int, int]] = []
    total_need = np.clip(need, 0, None).sum(axis=0)
    for rule in candidate.shift_type.breaks:
        length = rule.duration_minutes // interval
        allowed = allowed_break_starts(problem, rule, placed)
        start = min(allowed, key=lambda s: sum(
            total_need[first + s + k] for k in range(length)
            if first + s + k < total_need.shape[0]))
        placed.append((start, start + length))
        for k in range(length):
            plan.labels[start + k] = ("break", rule.name, rule.paid)


@dataclass
class _RunState:
    """Stress bookkeeping of one shift during the queue pass (intervals)."""

    run: int = 0
    complaint_today: int = 0
    owed_rest: int = 0
    off_ahead: list[int] = field(default_factory=list)
    """Per offset of the shift (and one past its end): intervals until the next break or
    the end of the shift (``_off_phone_ahead``)."""


def _assign_queues(problem: Problem, planned: list[_Planned],
                   required: npt.NDArray[np.int64], mode: Mode) -> None:
    """Per interval, staff complaint-heavy queues first, then calm ones, within the rules."""
    settings = problem.settings
    interval = problem.interval_minutes
    heavy = problem.complaint_heavy()
    horizon = required.shape[1]
    states = [_RunState(off_ahead=_off_phone_ahead(plan)) for plan in planned]
    by_interval: dict[int, list[int]] = {}
    for index, plan in enumerate(planned):
        first = plan.candidate.start_interval(interval)
        for offset in range(len(plan.labels)):
            by_interval.setdefault(first + offset, []).append(index)
    stress = mode == "stress-aware"
    for t in sorted(by_interval):
        present = [i for i in by_interval[t] if _label_at(planned[i], t, interval)[0] != "break"]
        present_set = set(present)
        for i in by_interval[t]:
            if i not in present_set or t >= horizon:
                _off_phone(states[i], settings)
        if t >= horizon:
            continue
        taken: set[int] = set()
        queues = _queue_order(problem, planned, present, required, heavy, t)
        for q in queues:
            chosen_agents = _pick_agents(problem, planned, states, present, taken, q,
                                         int(required[q, t]), bool(heavy[q, t]), stress, t)
            for chosen in chosen_agents:
                taken.add(chosen)
                _set_label(planned[chosen], t, interval, ("phone", problem.queues[q].id, True))
                if heavy[q, t]:
                    states[chosen].run += 1
                    states[chosen].complaint_today += 1
                else:
                    states[chosen].run = 0
        for i in present:
            if i not in taken:
                _off_phone(states[i], settings)


def _queue_order(problem: Problem, planned: list[_Planned], present: list[int],
                 required: npt.NDArray[np.int64], heavy: npt.NDArray[np.bool_],
                 t: int) -> list[int]:
    """Queues in the order the queue pass staffs them in interval ``t``: complaint-heavy
    first, then the fewest skilled agents present per required agent (a queue few agents
    can take goes before one everyone can take)."""
    def scarcity(q: int) -> tuple[bool, float]:
        queue_id = problem.queues[q].id
        skilled = sum(1 for i in present
                      if queue_id in problem.agents[planned[i].agent_index].skills)
        return (not heavy[q, t], skilled / max(1, int(required[q, t])))

    return sorted(range(len(problem.queues)), key=scarcity)


def _label_at(plan: _Planned, t: int, interval: int) -> tuple[ActivityKind, str, bool]:
    return plan.labels[t - plan.candidate.start_interval(interval)]


def _set_label(plan: _Planned, t: int, interval: int,
               label: tuple[ActivityKind, str, bool]) -> None:
    plan.labels[t - plan.candidate.start_interval(interval)] = label


def _off_phone(state: _RunState, settings: Settings) -> None:
    """The agent is off the phone this interval: close the run, count down owed rest."""
    if state.run >= settings.recovery_after_intervals:
        state.owed_rest = settings.recovery_break_intervals - 1
    elif state.owed_rest > 0:
        state.owed_rest -= 1
    state.run = 0


def _pick_agents(problem: Problem, planned: list[_Planned], states: list[_RunState],
                 present: list[int], taken: set[int], queue: int, count: int, heavy: bool,
                 stress: bool, t: int) -> list[int]:
    """Up to ``count`` free agents for ``queue`` in interval ``t``, best first, or fewer
    when fewer may take it.

    In stress-aware mode complaint-heavy intervals go first to agents whose run already
    needs a recovery (stopping now would cost one), then to those with the most daily
    complaint minutes left per interval left in their shift (so the daily cap is not
    spent by noon), then to the shortest runs; agents whose run would newly need a
    recovery come last (``_complaint_tier``). Baseline: shortest runs, fewest complaint
    minutes. Calm queues go first to agents ending a run, then the fewest skills.

    Taking one agent changes only that agent's state, so ranking once and taking the
    first ``count`` equals picking the best agent ``count`` times.
    """
    if count <= 0:
        return []
    settings = problem.settings
    recovery_after = settings.recovery_after_intervals
    queue_id = problem.queues[queue].id
    ranked: list[tuple[tuple[float, ...], int]] = []
    for i in present:
        if i in taken:
            continue
        agent = problem.agents[planned[i].agent_index]
        if queue_id not in agent.skills:
            continue
        state = states[i]
        if stress and state.owed_rest > 0:
            continue
        offset = t - planned[i].candidate.start_interval(settings.interval_minutes)
        tier = (_complaint_tier(agent, state, settings, state.off_ahead[offset + 1])
                 if heavy and stress else 0)
        if tier is None:
            continue
        if not heavy and stress and state.run >= recovery_after:
            continue
        skills = len(agent.skills)
        if heavy and stress:
            cap_left = settings.max_complaint_intervals_per_day - state.complaint_today
            shift_left = max(1, len(planned[i].labels) - offset)
            key: tuple[float, ...] = (tier, 0 if state.run >= recovery_after else 1,
                                      -cap_left / shift_left, state.run, -skills)
        elif heavy:
            key = (state.run, state.complaint_today, -skills)
        else:
            key = (-state.run, 0, skills)
        ranked.append((key, i))
    ranked.sort()
    return [i for _, i in ranked[:count]]


def _off_phone_ahead(plan: _Planned) -> list[int]:
    """Per offset of the shift and one past its end: intervals until the next break or the
    end of the shift (0 on a break and at the end)."""
    ahead = [0] * (len(plan.labels) + 1)
    for offset in range(len(plan.labels) - 1, -1, -1):
        ahead[offset] = 0 if plan.labels[offset][0] == "break" else ahead[offset + 1] + 1
    return ahead


def _complaint_tier(agent: Agent, state: _RunState, settings: Settings,
                    until_break: int) -> int | None:
    """Whether the agent may take another complaint-heavy interval, and at what price.

    None: not eligible, the stretch cap or the daily cap forbids it. 0: free, the run
    stays short of needing recovery, or can run on to the next break or shift end
    (``until_break`` intervals after this one; the break is its recovery), or already
    needs its recovery. 1: the run would newly need a recovery, an interval off the
    phone later (taken only when the free agents are not enough).
    """
    if not agent.complaint_eligible:
        return None
    if state.complaint_today + 1 > settings.max_complaint_intervals_per_day:
        return None
    cap = agent.max_complaint_stretch_minutes // settings.interval_minutes
    if state.run + 1 > cap:
        return None
    recovery_after = settings.recovery_after_intervals
    if (state.run + 1 < recovery_after or state.run >= recovery_after
            or state.run + 1 + until_break <= cap):
        return 0
    return 1


def _to_solution(problem: Problem, planned: list[_Planned], mode: Mode) -> Solution:
    interval = problem.interval_minutes
    shifts = []
    blocks: list[ActivityBlock] = []
    for plan in sorted(planned, key=lambda p: (p.agent_index, p.candidate.start)):
        agent_id = problem.agents[plan.agent_index].id
        candidate = plan.candidate
        shifts.append(Shift(agent_id, candidate.day, candidate.shift_type.id, candidate.start,
                            candidate.end))
        blocks.extend(merge_blocks(agent_id, candidate.day, candidate.start, interval,
                                   plan.labels))
    return Solution(tuple(shifts), tuple(blocks), SolveInfo(status="FEASIBLE", mode=mode))
