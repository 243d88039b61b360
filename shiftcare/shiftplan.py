"""A starting roster from the compact class model: plan shift counts, then name agents.

The greedy roster picks shifts one at a time and stops far above the compact LP bound
(``shiftcare.bound``). This module solves the compact class LP of ``bound`` (per contract
class, date and candidate shift the number of agents working it, with breaks, phone
time, the daily complaint cap, the stretch cap and recovery summed per class), brings
its shift counts to whole numbers by diving (fix some, solve again; the last few
counts also by strong branching, keeping the cheaper end) and rounds what is left per
class and date (``plan_shift_counts``; the large path takes the counts of the
day-pattern master instead, dived the same way, up to a size:
``understaffing.pattern_plan_counts``), then:

1. ``assign_agents``: named agents for the planned shifts under their own rules:
   availability, min rest (History included), max consecutive days (History
   included), max days and max hours. ``match_week`` matches agents to planned shifts
   over the whole week with a MIP (SCIP; each shift valued by the LP's coverage duals);
   ``_give_out`` then gives out what is left date by date, earliest start first: to
   the agent of its class with the most missing minimum hours per remaining open date,
   else an agent with the same shift type and at least its skills, else an agent of
   its class at the nearest other start;
2. ``add_missing_hours``: agents still short of their minimum hours get extra shifts on
   free dates (the candidate covering the most remaining need); then
   ``add_useful_shifts``: agents whose rules still allow a shift get one while it saves
   more understaffing than it costs (planned shifts that found no agent leave need);
3. ``place_breaks_balanced`` places breaks where the agents present exceed the
   requirement most, counting the breaks already placed; queues are filled by the
   greedy's queue pass (``shiftcare.greedy``), so the roster obeys the same hard and
   stress rules as the greedy one.
"""

from __future__ import annotations

import heapq
import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from shiftcare import greedy
from shiftcare.bound import (
    ShiftKey,
    below_optimum,
    build_compact_model,
    full_objective_weights,
    objective_bound,
)
from shiftcare.lp import solved_to_optimality
from shiftcare.model.options import Candidate, candidate_shifts
from shiftcare.model.options import open_dates as agent_open_dates
from shiftcare.problem import Mode, Problem, Settings, too_close
from shiftcare.solution import Solution

log = logging.getLogger("shiftcare")

RefineCounts = Callable[[npt.NDArray[np.float64], float],
                        tuple[dict[ShiftKey, float], float | None]]
"""Shift counts from coverage duals (agent-intervals, per queue and interval) by a
deadline (``time.monotonic()``), empty when none are found in time; with a lower bound
on understaffed agent-intervals proven on the way (None when none)."""
CandidateOptions = dict[tuple[int, int], dict[tuple[str, int], Candidate]]
"""(agent index, date) -> (shift type id, start minute) -> the agent's candidate."""


@dataclass(frozen=True)
class ShiftPlan:
    """Integer shift counts per class, date and candidate, and the LP's own figures."""

    classes: list[list[int]]
    counts: dict[ShiftKey, int]
    understaffed_intervals: float
    """Understaffed agent-intervals of the LP before rounding."""
    objective_bound: float
    """The LP's optimum as a lower bound on the objective (workbook units): the plan's LP
    is ``bound.compact_lp_bounds``'s full-objective LP."""
    phone_values: npt.NDArray[np.float64] = field(
        default_factory=lambda: np.zeros((0, 0)))
    """Per (queue, interval): what one more agent on the phone saves in the LP (the dual
    of its coverage row, objective units); 0 where the requirement is met with room."""
    understaffed_bound: float | None = None
    """A lower bound on understaffed agent-intervals proven by the refined counts' LP
    (``understaffing.pattern_plan_counts``: the day patterns' Lagrangian bound); None
    without one."""

    def class_of(self) -> dict[int, int]:
        """Agent index -> the index of its class."""
        return {i: c for c, group in enumerate(self.classes) for i in group}


def plan_shift_counts(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                      seconds: float, refine: RefineCounts | None = None) -> ShiftPlan | None:
    """The compact LP (``bound``, stretch-cap and recovery rows included) solved by GLOP,
    then shift counts: ``refine``'s where given and it finds some (for the time left,
    from the LP's coverage duals in agent-intervals), else the LP's made whole by
    ``dive_counts`` (when the time left is at least what the first LP took: on 1,000 x 28 the
    LP takes 40-48 s of 60, and a dive cut short there gave a worse start roster, 21,402
    understaffed agent-intervals against 21,336); what is still fractional is rounded
    per class and date: the class-date total rounded, the candidates' whole parts kept
    and the rest given to the largest fractional parts. The bound and the coverage duals
    are the first (free) LP's. None when GLOP does not solve the LP within ``seconds``.

    The large path's ``refine``, where ``decompose.uses_day_patterns``, is
    ``understaffing.pattern_plan_counts``: the day-pattern master places each agent's breaks and
    complaint runs whole, where the compact LP spreads them over the class in fractions
    and so plans shifts that cover less than it counts on."""
    started = time.monotonic()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    weights = full_objective_weights(problem.settings)
    compact = build_compact_model(solver, problem, required, mode, weights)
    solver.SetTimeLimit(max(1, int(1000 * seconds)))
    if not solved_to_optimality(solver):
        log.info("shift plan: the LP was not solved in %.1f s", seconds)
        return None
    understaffed = float(sum(u.solution_value() for u in compact.unders))
    bound = objective_bound(problem.settings, required,
                            below_optimum(float(compact.objective.Value())))
    log.info("shift plan: LP understaffing %.0f agent-intervals, bound %.1f, in %.1f s",
             understaffed, bound, time.monotonic() - started)
    phone_values = np.zeros(required.shape, dtype=np.float64)
    for (q, t), row in compact.coverage.items():
        phone_values[q, t] = max(0.0, row.dual_value())
    solved = time.monotonic() - started
    values: dict[ShiftKey, float] = {}
    refined_bound = None
    if refine is not None:
        values, refined_bound = refine(phone_values / weights[0], started + seconds)
        log.info("shift plan: refined counts %s after %.1f s",
                 "found" if values else "not found", time.monotonic() - started)
    if not values:
        values = (_shift_counts(compact) if seconds - solved < solved
                  else dive_counts(solver, compact, started + seconds))
    by_class_date: dict[tuple[int, int], list[tuple[ShiftKey, float]]] = defaultdict(list)
    for key, value in values.items():
        by_class_date[(key[0], key[1])].append((key, value))
    counts: dict[ShiftKey, int] = {}
    for class_date in by_class_date.values():
        counts.update(_round_largest_remainder(class_date))
    return ShiftPlan(compact.classes, {k: n for k, n in counts.items() if n > 0},
                     understaffed, bound, phone_values, refined_bound)


class CountLP(Protocol):
    """What a dive needs of an LP with shift counts (``bound.CompactModel``,
    ``understaffing.PatternMaster``)."""

    objective: Any
    shift_vars: dict[ShiftKey, pywraplp.Variable]


DIVE_ROUNDS = 30
"""Rounds (LP re-solves) of one ``_dive_rounds``."""
DIVE_SHARE = 0.34
"""Share of the fractional shift counts each dive round fixes."""
DIVE_TOLERANCE = 1e-6
"""A shift count this close to a whole number is whole."""
STRONG_FINISH_COUNTS = 8
"""Fractional shift counts left at which the dive also tries ``_strong_finish`` and keeps
the better end (measured on the generated 200 x 7 weeks, seeds 0-9: the LP with whole
counts lower by 3 agent-intervals on seeds 6 and 9, 2.5 on seed 7, 0.5 on seed 8, equal
on the others; the strong finish alone was 3 worse on seed 2, so both ends are kept;
about 20-60 more LPs, 1-4 s)."""
SETTLE_SECONDS = 10.0
"""Time limit of the LP solved again with the plain dive's counts, all fixed, when they
beat the strong finish's (the LP is left solved with the counts returned)."""


def dive_counts(solver: pywraplp.Solver, compact: CountLP,
                deadline: float) -> dict[ShiftKey, float]:
    """Shift counts of the solved LP ``compact`` (the compact model's or the day-pattern
    master's, in ``solver``) brought to whole numbers: ``_dive_rounds``
    until at most ``STRONG_FINISH_COUNTS`` are fractional, then both ways to the end,
    ``_dive_rounds`` and ``_strong_finish``, keeping whichever LP costs less. The LP is
    left solved with the counts returned, unless ``deadline`` (``time.monotonic()``)
    cut the dive short: then they are the last solved LP's, some maybe fractional
    (``_round_largest_remainder`` rounds them)."""
    values, cost = _dive_rounds(solver, compact, _shift_counts(compact),
                                compact.objective.Value(), deadline, STRONG_FINISH_COUNTS)
    if not _fractional(values):
        return values
    saved = _bounds(compact, compact.shift_vars)
    plain, plain_cost = _dive_rounds(solver, compact, values, cost, deadline, 0)
    if _fractional(plain):
        plain_cost = math.inf
    _set_bounds(compact, saved)
    strong = _strong_finish(solver, compact, values, cost, deadline)
    if strong is not None and strong[1] < plain_cost - DIVE_TOLERANCE:
        log.debug("shift plan: strong finish %.1f, plain dive %.1f", strong[1], plain_cost)
        return strong[0]
    if plain_cost < math.inf:
        _solve_fixed(solver, compact, plain, time.monotonic() + SETTLE_SECONDS)
    return plain


def _fractional(values: dict[ShiftKey, float]) -> list[ShiftKey]:
    """The shift counts not whole, those nearest to a whole number first."""
    return [key for _, key in sorted((abs(value - round(value)), key)
                                     for key, value in values.items()
                                     if abs(value - round(value)) > DIVE_TOLERANCE)]


def _fix_whole(compact: CountLP, values: dict[ShiftKey, float]) -> None:
    """Fix every shift count that is whole in ``values``."""
    for key, value in values.items():
        if abs(value - round(value)) <= DIVE_TOLERANCE:
            compact.shift_vars[key].SetBounds(float(round(value)), float(round(value)))


def _dive_rounds(solver: pywraplp.Solver, compact: CountLP, values: dict[ShiftKey, float],
                 cost: float, deadline: float, fractional_left: int,
                 ) -> tuple[dict[ShiftKey, float], float]:
    """``values`` (an LP solution costing ``cost``) brought towards whole numbers: each
    round fixes the counts already whole and rounds the ``DIVE_SHARE`` of the fractional
    ones closest to a whole number, then solves the LP again. A round whose LP has no
    solution is undone and tried with half as many counts rounded; one count alone is
    also tried rounded the other way. Stops with at most ``fractional_left`` fractional
    counts, after ``DIVE_ROUNDS``, at ``deadline`` (``time.monotonic()``) or when even
    that fails, returning the last solved LP's counts and cost."""
    share = DIVE_SHARE
    for dive_round in range(DIVE_ROUNDS):
        fractional = _fractional(values)
        log.debug("shift plan: dive round %d, %d fractional shift counts, LP %.1f",
                  dive_round, len(fractional), cost)
        if len(fractional) <= fractional_left or time.monotonic() >= deadline:
            break
        _fix_whole(compact, values)
        chosen = fractional[:max(1, int(share * len(fractional)))]
        trials = [{key: float(round(values[key])) for key in chosen}]
        if len(chosen) == 1:
            key = chosen[0]
            other = math.floor(values[key]) if round(values[key]) > values[key] else math.ceil(
                values[key])
            trials.append({key: float(other)})
        if any(_solve_fixed(solver, compact, trial, deadline) for trial in trials):
            values, cost = _shift_counts(compact), compact.objective.Value()
        elif len(chosen) > 1:
            share /= 2
        else:
            if solved_to_optimality(solver):
                values, cost = _shift_counts(compact), compact.objective.Value()
            break
    return values, cost


def _strong_finish(solver: pywraplp.Solver, compact: CountLP,
                   values: dict[ShiftKey, float], cost: float, deadline: float,
                   ) -> tuple[dict[ShiftKey, float], float] | None:
    """Whole shift counts from ``values`` (an LP solution costing ``cost``, few counts
    fractional) by strong branching, and their LP's cost: each step solves the LP once
    per fractional count and direction, that count alone rounded down or up, and keeps
    the cheapest of those roundings. None when ``deadline`` (``time.monotonic()``)
    passes first or no rounding has a solution."""
    while fractional := _fractional(values):
        _fix_whole(compact, values)
        best: tuple[float, ShiftKey, float] | None = None
        for key in fractional:
            saved = _bounds(compact, [key])
            for count in (float(math.floor(values[key])), float(math.ceil(values[key]))):
                if time.monotonic() >= deadline:
                    return None
                if _solve_fixed(solver, compact, {key: count}, deadline):
                    if best is None or compact.objective.Value() < best[0] - DIVE_TOLERANCE:
                        best = (compact.objective.Value(), key, count)
                    _set_bounds(compact, saved)
        if best is None or not _solve_fixed(solver, compact, {best[1]: best[2]}, deadline):
            return None
        values, cost = _shift_counts(compact), compact.objective.Value()
    return values, cost


def _shift_counts(compact: CountLP) -> dict[ShiftKey, float]:
    """The shift counts of the compact model's last LP solution."""
    return {key: var.solution_value() for key, var in compact.shift_vars.items()}


def _solve_fixed(solver: pywraplp.Solver, compact: CountLP, fixed: dict[ShiftKey, float],
                 deadline: float) -> bool:
    """Solve the LP with the ``fixed`` shift counts; True when it is solved, else their
    bounds are put back."""
    saved = _bounds(compact, fixed)
    _set_bounds(compact, {key: (value, value) for key, value in fixed.items()})
    solver.SetTimeLimit(max(1, int(1000 * (deadline - time.monotonic()))))
    if solved_to_optimality(solver):
        return True
    _set_bounds(compact, saved)
    return False


def _bounds(compact: CountLP, keys: Iterable[ShiftKey]) -> dict[ShiftKey, tuple[float, float]]:
    """The (lower, upper) bounds of the shift counts of ``keys``."""
    return {key: (compact.shift_vars[key].lb(), compact.shift_vars[key].ub()) for key in keys}


def _set_bounds(compact: CountLP, bounds: dict[ShiftKey, tuple[float, float]]) -> None:
    """Give each shift count of ``bounds`` its (lower, upper) bounds."""
    for key, (low, high) in bounds.items():
        compact.shift_vars[key].SetBounds(low, high)


def _round_largest_remainder(values: list[tuple[ShiftKey, float]]) -> dict[ShiftKey, int]:
    """Whole counts summing to the rounded total of ``values``: each value's whole part,
    plus one for the largest fractional parts until the total is reached."""
    tolerance = 1e-6
    counts = {key: math.floor(value + tolerance) for key, value in values}
    missing = round(sum(value for _, value in values)) - sum(counts.values())
    by_fraction = sorted(values, key=lambda kv: kv[1] - math.floor(kv[1] + tolerance),
                         reverse=True)
    for key, _ in by_fraction[:max(0, missing)]:
        counts[key] += 1
    return counts


@dataclass
class AgentLoad:
    """One agent's shifts so far (sorted by start) and what their rules still allow."""

    agent_index: int
    shifts: list[Candidate] = field(default_factory=list)
    history_streak: int = 0
    history_end: int | None = None

    @property
    def paid_minutes(self) -> int:
        return sum(c.shift_type.paid_minutes for c in self.shifts)

    def works_on(self, day: int) -> bool:
        return any(c.day == day for c in self.shifts)


def may_add(problem: Problem, load: AgentLoad, candidate: Candidate) -> bool:
    """Whether the agent may also work ``candidate``: unblocked, one shift per date, max
    days and hours, min rest against earlier and later shifts (History included), max
    consecutive days (History included)."""
    agent = problem.agents[load.agent_index]
    if candidate.blockers or load.works_on(candidate.day):
        return False
    if len(load.shifts) + 1 > agent.max_days:
        return False
    if load.paid_minutes + candidate.shift_type.paid_minutes > agent.max_paid_minutes:
        return False
    rest = agent.min_rest_minutes
    if any(too_close(c, candidate, rest) for c in load.shifts):
        return False
    if load.history_end is not None and candidate.start - load.history_end < rest:
        return False
    return _longest_streak(load, candidate.day) <= agent.max_consecutive_days


def _longest_streak(load: AgentLoad, day: int) -> int:
    """The run of consecutive worked dates through ``day`` if it is worked (History
    counts as dates before date 0)."""
    worked = {c.day for c in load.shifts} | {day}
    worked |= set(range(-load.history_streak, 0))
    first, last = day, day
    while first - 1 in worked:
        first -= 1
    while last + 1 in worked:
        last += 1
    return last - first + 1


def _loads(problem: Problem) -> list[AgentLoad]:
    """An empty load per agent, with their History."""
    loads = []
    for index, agent in enumerate(problem.agents):
        history = problem.history_of(agent.id)
        loads.append(AgentLoad(
            index,
            history_streak=0 if history is None else history.consecutive_days_worked,
            history_end=None if history is None else history.last_shift_end))
    return loads


def _urgency(problem: Problem, load: AgentLoad, day: int, open_dates: list[int]) -> float:
    """Missing minimum paid minutes per open date left from ``day`` on (within max days)."""
    agent = problem.agents[load.agent_index]
    missing = agent.min_paid_minutes - load.paid_minutes
    left = min(sum(1 for d in open_dates if d >= day), agent.max_days - len(load.shifts))
    return missing / max(1, left)


MIN_MATCH_SECONDS = 0.5
"""A class is not matched alone (``match_classes``) with less time than this."""
WHOLE_MATCH_MAX_SHIFTS = 10_000
"""Planned shifts above which the week is not matched as a whole (``match_week``): on the
generated 500 x 7 week (2,495 shifts) SCIP solves it to optimality in 2.7 s and it names
the most paid minutes; on 1,000 x 28 (20,000 shifts) it took 34 s, about half of it
building the MIP, for a match that named fewer paid minutes than date by date."""


def assign_agents(problem: Problem, plan: ShiftPlan,
                  match_seconds: float = 0.0) -> list[AgentLoad]:
    """Named agents for the planned shifts.

    Every planned shift is first given out date by date (``_give_out``), which is the
    answer without ``match_seconds``. With ``match_seconds`` > 0, each class whose
    agents that leaves short of its planned shifts is then matched alone over the whole
    horizon (``match_classes``, half of the time left per class), and, with at most
    ``WHOLE_MATCH_MAX_SHIFTS`` planned shifts, the week is matched as a whole by a MIP
    (``match_week``, the time left) whose leftover shifts are given out date by date;
    that result is kept when it names agents for at least as many paid minutes.
    """
    deadline = time.monotonic() + match_seconds
    options = _options(problem)
    by_date = _give_out(problem, plan, dict(plan.counts), _loads(problem), options)
    if match_seconds <= 0:
        return by_date
    by_date = match_classes(problem, plan, by_date, options, deadline)
    if sum(plan.counts.values()) > WHOLE_MATCH_MAX_SHIFTS:
        return by_date
    matched = match_week(problem, plan, deadline - time.monotonic(), options)
    if matched is None:
        return by_date
    loads, left = matched
    weekly = _give_out(problem, plan, left, loads, options)
    minutes = (sum(load.paid_minutes for load in weekly),
               sum(load.paid_minutes for load in by_date))
    log.info("shift plan: agents named for %d paid minutes by the weekly match, %d date "
             "by date", *minutes)
    return weekly if minutes[0] >= minutes[1] else by_date


def match_classes(problem: Problem, plan: ShiftPlan, loads: list[AgentLoad],
                  options: CandidateOptions, deadline: float) -> list[AgentLoad]:
    """``loads`` with the agents of each class holding fewer shifts than its planned
    ones named again by ``match_week`` on that class's planned shifts alone (no stand-ins;
    half of the time left to ``deadline``, ``time.monotonic()``), wherever that gives its
    agents more shifts. The plan usually gives a class every shift its agents may work,
    which date by date, not seeing the dates ahead, cannot always name; the class alone
    is a small MIP (measured on the generated 1,000 x 28 week: 73 agents and 1,461
    shifts solved to optimality in 1.0 s, 178 agents and 3,559 shifts in 3.4 s)."""
    planned: Counter[int] = Counter()
    for (class_index, *_), count in plan.counts.items():
        planned[class_index] += count
    for class_index, group in enumerate(plan.classes):
        held = sum(len(loads[i].shifts) for i in group)
        seconds = (deadline - time.monotonic()) / 2
        if held >= planned[class_index] or seconds < MIN_MATCH_SECONDS:
            continue
        alone = replace(plan, counts={key: count for key, count in plan.counts.items()
                                      if key[0] == class_index})
        matched = match_week(problem, alone, seconds, options, stand_ins=False)
        if matched is None:
            continue
        named = matched[0]
        named_now = sum(len(named[i].shifts) for i in group)
        log.info("shift plan: class %d matched alone: %d shifts named instead of %d of %d",
                 class_index, named_now, held, planned[class_index])
        if named_now > held:
            for agent_index in group:
                loads[agent_index] = named[agent_index]
    return loads


def _give_out(problem: Problem, plan: ShiftPlan, counts: dict[ShiftKey, int],
              loads: list[AgentLoad], options: CandidateOptions) -> list[AgentLoad]:
    """Give out ``counts`` planned shifts on top of ``loads``, date by date and earliest
    start first (``options``: ``_options``).

    A planned shift goes to the first agent of its class who may work it (``may_add``)
    in ``_ranked`` order, else to one of its class at the nearest other start of its
    type, else to one of another class with its shift type and at least its skills
    whose class has shifts to spare (``_spare_shifts``: the plan usually gives each
    class every shift its agents may work, so a stand-in would leave one of its own
    class's later shifts without an agent); a shift nobody may work is dropped.
    Measured on the generated 1,000 x 28 week, whose plan gives every class all the
    shifts its agents may work: 37 of its 20,000 planned shifts dropped, against 60
    with the most urgent agent first and stand-ins before other starts.
    """
    open_dates = [agent_open_dates(problem, i) for i in range(len(problem.agents))]
    class_of = plan.class_of()
    left = dict(counts)
    dropped = 0
    for day in range(problem.days):
        slots = sorted(((key, count) for key, count in counts.items()
                        if key[1] == day and count > 0),
                       key=lambda item: (item[0][3], item[0][0]))
        for (class_index, _, type_id, start), count in slots:
            group = plan.classes[class_index]
            key = (type_id, start)
            left[(class_index, day, type_id, start)] = 0
            chosen = _ranked(problem, loads, options, open_dates, group, day, key)[:count]
            for agent_index in chosen:
                loads[agent_index].shifts.append(options[(agent_index, day)][key])
            missing = count - len(chosen)
            for _ in range(missing):
                nearest_agent, nearest = _nearest_start(problem, loads, options, open_dates,
                                                        group, day, key)
                if nearest_agent is None:
                    break
                loads[nearest_agent].shifts.append(options[(nearest_agent, day)][nearest])
                missing -= 1
            if missing:
                others = _stand_ins(problem, group)
                spare = {c: _spare_shifts(problem, plan, left, loads, open_dates, c, day)
                         for c in {class_of[i] for i in others}}
                stand_ins = _ranked(problem, loads, options, open_dates,
                                    [i for i in others if spare[class_of[i]] > 0], day,
                                    key)[:missing]
                for agent_index in stand_ins:
                    loads[agent_index].shifts.append(options[(agent_index, day)][key])
                dropped += missing - len(stand_ins)
    if dropped:
        log.info("shift plan: %d planned shifts had no agent who may work them", dropped)
    for load in loads:
        load.shifts.sort(key=lambda c: c.start)
    return loads


def _spare_shifts(problem: Problem, plan: ShiftPlan, left: dict[ShiftKey, int],
                  loads: list[AgentLoad], open_dates: list[list[int]], class_index: int,
                  day: int) -> int:
    """Shifts the class's agents may still work from ``day`` on (max days, max paid
    hours in its shortest shifts, open dates not worked) beyond the class's planned
    shifts ``left`` to give out: an agent standing in for another class uses one."""
    capacity = 0
    for agent_index in plan.classes[class_index]:
        load = loads[agent_index]
        capacity += min(_shifts_left(problem, load),
                        _dates_left(load, open_dates[agent_index], day))
    planned = sum(n for (c, d, _, _), n in left.items() if c == class_index and d >= day)
    return capacity - planned


def _options(problem: Problem) -> CandidateOptions:
    """(agent index, date) -> (shift type id, start minute) -> the agent's candidate."""
    return {(i, d): {(c.shift_type.id, c.start): c for c in candidate_shifts(problem, i, d)}
            for i in range(len(problem.agents)) for d in range(problem.days)}


def _stand_ins(problem: Problem, group: list[int]) -> list[int]:
    """Agents outside ``group`` with at least the skills of its agents."""
    members = set(group)
    skills = set(problem.agents[group[0]].skills)
    return [i for i in range(len(problem.agents))
            if i not in members and skills <= set(problem.agents[i].skills)]


def match_week(problem: Problem, plan: ShiftPlan, seconds: float,
               options: CandidateOptions | None = None, stand_ins: bool = True,
               ) -> tuple[list[AgentLoad], dict[ShiftKey, int]] | None:
    """Named agents for the planned shifts over the whole horizon at once (a MIP, SCIP).

    One binary per agent and planned shift kind the agent may work as planned (its
    class's, or with ``stand_ins`` another class's when the agent has at least that
    class's skills): at most the planned count per kind, one shift per agent and date,
    max days, max paid minutes, min rest between shifts, max consecutive days (History
    included). It maximises what the named shifts are worth (``_shift_value``: the LP's
    value of their phone time less their pay; one more for an agent of the shift's own
    class) less one per minimum paid minute still missing. Giving out date by date, an
    agent taken early in the week may be the only one left who could work a later
    shift; the whole week sees that.

    A MIP rather than CP-SAT: the match's LP relaxation is (nearly) whole, so SCIP
    proves the optimum of a 200-agent week in under a second where CP-SAT on 2 workers
    was still 0.45-0.7 % below it after 10 s. Returns the loads and the planned counts
    left, or None when SCIP is missing or finds nothing in ``seconds``.
    """
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:
        log.warning("shift plan: SCIP is not available; agents are named date by date")
        return None
    options = _options(problem) if options is None else options
    class_of = plan.class_of()
    others = {c: set(_stand_ins(problem, group)) if stand_ins else set()
              for c, group in enumerate(plan.classes)}
    empty = _loads(problem)
    chosen: dict[tuple[int, ShiftKey], pywraplp.Variable] = {}
    by_key: dict[ShiftKey, list[pywraplp.Variable]] = defaultdict(list)
    objective = []
    for key in plan.counts:
        class_index, day, type_id, start = key
        for agent_index in [*plan.classes[class_index], *sorted(others[class_index])]:
            candidate = options[(agent_index, day)].get((type_id, start))
            if candidate is None or not may_add(problem, empty[agent_index], candidate):
                continue
            var = solver.BoolVar("")
            chosen[(agent_index, key)] = var
            by_key[key].append(var)
            weight = _shift_value(problem, plan, class_index, candidate)
            objective.append((weight + (class_of[agent_index] == class_index)) * var)
    for key, variables in by_key.items():
        solver.Add(solver.Sum(variables) <= plan.counts[key])
    by_agent: dict[int, list[tuple[Candidate, pywraplp.Variable]]] = defaultdict(list)
    for (agent_index, key), var in chosen.items():
        by_agent[agent_index].append((options[(agent_index, key[1])][(key[2], key[3])], var))
    for load in empty:
        shifts = by_agent.get(load.agent_index, [])
        if shifts:
            objective.append(-_add_agent_rules(problem, solver, load, shifts))
    solver.Maximize(solver.Sum(objective))
    solver.SetTimeLimit(max(500, round(seconds * 1000)))
    started = time.monotonic()
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    log.info("shift plan: weekly match %s, worth %.0f of at most %.0f, in %.1f s",
             "OPTIMAL" if status == pywraplp.Solver.OPTIMAL else "FEASIBLE",
             solver.Objective().Value(), solver.Objective().BestBound(),
             time.monotonic() - started)
    loads = _loads(problem)
    left = dict(plan.counts)
    for (agent_index, key), var in chosen.items():
        if var.solution_value() > 0.5:
            loads[agent_index].shifts.append(options[(agent_index, key[1])][(key[2], key[3])])
            left[key] -= 1
    for load in loads:
        load.shifts.sort(key=lambda c: c.start)
    return loads, left


def _shift_value(problem: Problem, plan: ShiftPlan, class_index: int,
                 candidate: Candidate) -> int:
    """What an agent of the class on ``candidate`` is worth in the plan's LP, in whole
    objective units and at least 1: the LP's value of one more agent on the phone
    (``ShiftPlan.phone_values``, best queue of the class's skills) over the shift times
    its on-phone share, less its paid hours' cost."""
    skills = problem.agents[plan.classes[class_index][0]].skills
    queues = [q for q, queue in enumerate(problem.queues) if queue.id in skills]
    interval = problem.interval_minutes
    first = candidate.start_interval(interval)
    last = min(candidate.end_interval(interval), plan.phone_values.shape[1])
    window = plan.phone_values[queues, first:last]
    phone = float(window.max(axis=0).sum()) if window.size else 0.0
    shift_type = candidate.shift_type
    pay = shift_type.paid_minutes / 60 * problem.settings.weight_paid_hour
    return max(1, round(phone * shift_type.on_phone_share - pay))


def _add_agent_rules(problem: Problem, solver: pywraplp.Solver, load: AgentLoad,
                     shifts: list[tuple[Candidate, pywraplp.Variable]]) -> pywraplp.Variable:
    """One agent's rules over their planned-shift binaries in ``match_week``: one shift
    per date, max days, max paid minutes, min rest between shifts, max consecutive days
    (History included). Returns the minimum paid minutes they still miss."""
    agent = problem.agents[load.agent_index]
    by_day: dict[int, list[tuple[Candidate, pywraplp.Variable]]] = defaultdict(list)
    for candidate, var in shifts:
        by_day[candidate.day].append((candidate, var))
    works = {day: [var for _, var in pairs] for day, pairs in by_day.items()}
    for variables in works.values():
        solver.Add(solver.Sum(variables) <= 1)
    solver.Add(solver.Sum([var for _, var in shifts]) <= agent.max_days)
    paid = solver.Sum([candidate.shift_type.paid_minutes * var for candidate, var in shifts])
    solver.Add(paid <= agent.max_paid_minutes)
    rest = agent.min_rest_minutes
    for candidate, var in shifts:
        for later in (candidate.day + 1, candidate.day + 2):
            for other, other_var in by_day.get(later, []):
                if candidate.end + rest > other.start:
                    solver.Add(var + other_var <= 1)
    most = agent.max_consecutive_days
    for first in range(-load.history_streak, problem.days - most):
        window = [var for day in range(max(0, first), first + most + 1)
                  for var in works.get(day, [])]
        if window:
            solver.Add(solver.Sum(window) <= most - max(0, -first))
    missing_minutes = agent.min_paid_minutes
    missing = solver.NumVar(0, max(0, missing_minutes), "")
    solver.Add(missing >= missing_minutes - paid)
    return missing


def _nearest_start(problem: Problem, loads: list[AgentLoad],
                   options: CandidateOptions,
                   open_dates: list[list[int]], members: list[int], day: int,
                   key: tuple[str, int]) -> tuple[int | None, tuple[str, int]]:
    """The most urgent member who may work the planned shift type on ``day`` at the start
    nearest to the planned one (and that start), when nobody may work it as planned."""
    type_id, start = key
    starts = sorted({k[1] for m in members for k in options[(m, day)] if k[0] == type_id},
                    key=lambda other: abs(other - start))
    for other in starts:
        if other == start:
            continue
        chosen = _most_urgent(problem, loads, options, open_dates, members, day,
                              (type_id, other))
        if chosen is not None:
            return chosen, (type_id, other)
    return None, key


def _shifts_left(problem: Problem, load: AgentLoad) -> int:
    """Shifts the agent may still work by max days and max paid hours (in its shortest
    shift type)."""
    agent = problem.agents[load.agent_index]
    shortest = min(problem.shift_type(t).paid_minutes for t in agent.shift_types)
    minutes_left = agent.max_paid_minutes - load.paid_minutes
    return min(agent.max_days - len(load.shifts), minutes_left // max(1, shortest))


def _dates_left(load: AgentLoad, open_dates: list[int], day: int) -> int:
    """The agent's open dates from ``day`` on that it does not work yet."""
    worked = {c.day for c in load.shifts}
    return sum(1 for d in open_dates if d >= day and d not in worked)


def _capacity_share(problem: Problem, load: AgentLoad, open_dates: list[int], day: int,
                    ) -> float:
    """Shifts the agent may still work (``_shifts_left``) per open date it has not worked
    from ``day`` on: near 1, it must work nearly every date left to use what its
    contract allows."""
    return _shifts_left(problem, load) / max(1, _dates_left(load, open_dates, day))


def _ranked(problem: Problem, loads: list[AgentLoad],
            options: CandidateOptions,
            open_dates: list[list[int]], members: list[int], day: int,
            key: tuple[str, int]) -> list[int]:
    """The members who may work ``key`` on ``day``: highest ``_capacity_share`` first
    (an agent who must work nearly every date left to use its contract before one
    with dates to spare), then the shortest run of dates through ``day``
    (``_longest_streak``), the most urgent (``_urgency``) and the fewest paid minutes.
    Giving one of them the shift changes no other member's rank on that date, so the
    first ``n`` are the ``n`` picks one at a time."""
    scored: list[tuple[float, int, float, int, int]] = []
    for agent_index in members:
        candidate = options[(agent_index, day)].get(key)
        if candidate is None or not may_add(problem, loads[agent_index], candidate):
            continue
        load = loads[agent_index]
        scored.append((-_capacity_share(problem, load, open_dates[agent_index], day),
                       _longest_streak(load, day),
                       -_urgency(problem, load, day, open_dates[agent_index]),
                       load.paid_minutes, agent_index))
    return [agent_index for *_, agent_index in sorted(scored)]


def _most_urgent(problem: Problem, loads: list[AgentLoad],
                 options: CandidateOptions,
                 open_dates: list[list[int]], members: list[int], day: int,
                 key: tuple[str, int]) -> int | None:
    """The member who may work ``key`` on ``day`` with the highest urgency, or None."""
    ranked = _ranked(problem, loads, options, open_dates, members, day, key)
    return ranked[0] if ranked else None


def add_missing_hours(problem: Problem, loads: list[AgentLoad],
                      need: npt.NDArray[np.float64]) -> int:
    """Extra shifts for agents below their minimum hours: on a free date, the candidate
    that covers the most remaining ``need`` (agents per queue and interval). Returns the
    number of shifts added."""
    interval = problem.interval_minutes
    added = 0
    total_need = np.clip(need, 0, None).sum(axis=0)
    for load in loads:
        agent = problem.agents[load.agent_index]
        while load.paid_minutes < agent.min_paid_minutes:
            feasible = [c for d in range(problem.days)
                        for c in candidate_shifts(problem, load.agent_index, d)
                        if may_add(problem, load, c)]
            if not feasible:
                break
            best = max(feasible, key=lambda c: float(total_need[
                c.start_interval(interval):min(c.end_interval(interval),
                                               total_need.shape[0])].sum()))
            load.shifts.append(best)
            load.shifts.sort(key=lambda c: c.start)
            added += 1
    return added


def add_useful_shifts(problem: Problem, loads: list[AgentLoad],
                      need: npt.NDArray[np.float64]) -> int:
    """Extra shifts for agents whose rules still allow one, while one pays: repeatedly the
    (agent, candidate) covering the most remaining ``need`` (agents per queue and interval,
    in the agent's skills) whose understaffing saved outweighs its paid hours. Planned
    shifts that found no agent (``assign_agents``) leave such need behind. Returns the
    number of shifts added.

    Lazy greedy: a shift's gain only falls as need is covered and an agent's options only
    shrink as shifts are added, so each (agent, date)'s last best gain is an upper bound;
    the top entry is re-evaluated and taken when it still beats the next one.
    """
    interval = problem.interval_minutes
    remaining = np.clip(need, 0, None)
    skilled = [np.array([q.id in agent.skills for q in problem.queues])
               for agent in problem.agents]
    heap: list[tuple[float, int, int]] = []
    for load in loads:
        for day in range(problem.days):
            gain, _ = _best_useful(problem, load, day, remaining, skilled[load.agent_index])
            if gain > 0:
                heap.append((-gain, load.agent_index, day))
    heapq.heapify(heap)
    added = 0
    while heap:
        _, agent_index, day = heapq.heappop(heap)
        load = loads[agent_index]
        gain, candidate = _best_useful(problem, load, day, remaining, skilled[agent_index])
        if candidate is None or gain <= 0:
            continue
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, agent_index, day))
            continue
        load.shifts.append(candidate)
        load.shifts.sort(key=lambda c: c.start)
        greedy.lower_need(remaining, np.flatnonzero(skilled[agent_index]).tolist(),
                          candidate.start_interval(interval), candidate.end_interval(interval),
                          candidate.shift_type.on_phone_share)
        added += 1
    return added


def _best_useful(problem: Problem, load: AgentLoad, day: int,
                 remaining: npt.NDArray[np.float64],
                 mask: npt.NDArray[np.bool_]) -> tuple[float, Candidate | None]:
    """The agent's candidate on ``day`` that saves the most (``_useful_gain``) and that
    their rules allow (``may_add``), with its gain; (0, None) when none does."""
    if not mask.any() or load.works_on(day):
        return 0.0, None
    interval = problem.interval_minutes
    covered = np.clip(remaining[mask].max(axis=0), 0.0, 1.0)
    best: tuple[float, Candidate | None] = (0.0, None)
    for candidate in candidate_shifts(problem, load.agent_index, day):
        if not may_add(problem, load, candidate):
            continue
        gain = _useful_gain(candidate, covered, interval, remaining.shape[1],
                            problem.settings)
        if gain > best[0]:
            best = (gain, candidate)
    return best


def _useful_gain(candidate: Candidate, covered: npt.NDArray[np.float64], interval: int,
                 horizon: int, settings: Settings) -> float:
    """Understaffing cost a shift saves (its on-phone share of the need it spans) minus its
    paid-hour cost, in objective units."""
    shift_type = candidate.shift_type
    share = shift_type.on_phone_share
    first = candidate.start_interval(interval)
    last = min(candidate.end_interval(interval), horizon)
    saved = share * float(covered[first:last].sum()) * settings.weight_understaffing
    return saved - shift_type.paid_minutes / 60 * settings.weight_paid_hour


# --------------------------------------------------------------------------- breaks

BREAK_PASSES = 3
"""Rounds of taking each shift's breaks out and placing them again (``place_breaks_balanced``)."""


def place_breaks_balanced(problem: Problem, planned: list[greedy._Planned],
                          required: npt.NDArray[np.int64], passes: int = BREAK_PASSES) -> None:
    """Every break where the agents present exceed the requirement the most, keeping
    break windows and spacing; repeated ``passes`` times, each shift's breaks taken out
    and placed again against everyone else's.

    The greedy's own break pass ranks starts by need but does not count the breaks it
    has already placed, so breaks of shifts with one start pile up in one interval.
    """
    interval = problem.interval_minutes
    horizon = required.shape[1]
    surplus = -required.sum(axis=0).astype(np.float64)
    for item in planned:
        first = item.candidate.start_interval(interval)
        surplus[first:min(item.candidate.end_interval(interval), horizon)] += 1
    placed: dict[int, list[tuple[int, int]]] = {}
    for round_index in range(max(1, passes)):
        for number, item in enumerate(planned):
            first = item.candidate.start_interval(interval)
            if round_index > 0:
                for start, end in placed[number]:
                    surplus[first + start:min(first + end, horizon)] += 1
            placed[number] = _best_break_starts(problem, item, surplus)
            for start, end in placed[number]:
                surplus[first + start:min(first + end, horizon)] -= 1
    for number, item in enumerate(planned):
        item.labels = [label if label[0] != "break" else ("recovery", "", True)
                       for label in item.labels]
        rules = item.candidate.shift_type.breaks
        for rule, (start, end) in zip(rules, placed[number], strict=True):
            for offset in range(start, end):
                item.labels[offset] = ("break", rule.name, rule.paid)


def _best_break_starts(problem: Problem, item: greedy._Planned,
                       surplus: npt.NDArray[np.float64]) -> list[tuple[int, int]]:
    """(start, end) offsets in intervals of the shift's breaks, in break-rule order: each
    where it takes the fewest agents from intervals without surplus, then where the
    surplus is largest; spaced ``min_minutes_between_breaks`` from the breaks before."""
    interval = problem.interval_minutes
    first = item.candidate.start_interval(interval)
    horizon = surplus.shape[0]
    chosen: list[tuple[int, int]] = []
    for rule in item.candidate.shift_type.breaks:
        length = rule.duration_minutes // interval
        allowed = greedy.allowed_break_starts(problem, rule, chosen)

        def cost(start: int, length: int = length) -> tuple[int, float]:
            values = surplus[first + start:min(first + start + length, horizon)]
            return int((values < 1).sum()), -float(np.minimum(values, 4).sum())

        best = min(allowed, key=cost)
        chosen.append((best, best + length))
    return chosen


# --------------------------------------------------------------------------- the roster


def roster_from_plan(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                     plan: ShiftPlan, match_seconds: float = 0.0) -> Solution:
    """Named agents for ``plan`` (``assign_agents``, with ``match_seconds`` for its
    weekly match; ``add_missing_hours``, ``add_useful_shifts``), breaks placed
    by ``place_breaks_balanced`` and queues by the greedy's queue pass."""
    loads = assign_agents(problem, plan, match_seconds)
    need = required.astype(np.float64).copy()
    states = greedy._initial_states(problem)
    planned: list[greedy._Planned] = []
    for load in loads:
        for candidate in load.shifts:
            planned.append(greedy._commit_shift(problem, states[load.agent_index],
                                                load.agent_index, candidate, need))
    extra = add_missing_hours(problem, loads, need)
    _commit_new_shifts(problem, loads, states, planned, need)
    extra += add_useful_shifts(problem, loads, need)
    _commit_new_shifts(problem, loads, states, planned, need)
    place_breaks_balanced(problem, planned, required)
    greedy._assign_queues(problem, planned, required, mode)
    log.info("shift plan: %d shifts, %d added for min hours and need left uncovered",
             len(planned), extra)
    return greedy._to_solution(problem, planned, mode)


def _commit_new_shifts(problem: Problem, loads: list[AgentLoad],
                       states: list[greedy._AgentState], planned: list[greedy._Planned],
                       need: npt.NDArray[np.float64]) -> None:
    """Commit the shifts of ``loads`` not yet in ``planned`` (lowering ``need``)."""
    known = {(p.agent_index, p.candidate.day) for p in planned}
    for load in loads:
        for candidate in load.shifts:
            if (load.agent_index, candidate.day) not in known:
                planned.append(greedy._commit_shift(problem, states[load.agent_index],
                                                    load.agent_index, candidate, need))

