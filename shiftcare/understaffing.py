"""The lower bound on understaffed agent-minutes in the Summary sheet.

The best of four bounds, each valid whatever roster is found:

- the compact class LP with understaffing the only cost (``bound.solve_compact_lp``);
- a Lagrangian bound at that LP's coverage duals with exact week pricing
  (``lagrangian_understaffing``): the duals price each agent-interval on the phone, each
  class of interchangeable agents (``bound.agent_classes``) takes its best week under
  them (``WeekPricing``: per date and candidate shift the day programme of
  ``activities.Programme``, with breaks and every stress rule, then a programme over the
  dates within the contract), and the bound is the duals times the requirement less
  every agent's best week. It is never below the LP's (each agent's own week is one of
  the class model's points) and above it where the class model spreads runs and
  recoveries over its agents in fractions;
- the day-pattern bound (``pattern_understaffing``): the same Lagrangian bound at the
  best prices met by column generation over whole day patterns of the class model's
  shifts (``PatternMaster``), which converged proves what column generation over whole
  weeks proves;
- the compact MIP's root node (``bound.compact_mip_understaffing``).

``BackgroundBound`` works it out in a process of its own while the large path plans.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from shiftcare.activities import (
    AgentDate,
    Programme,
    StressLimits,
    candidate_date,
    phone_gains,
    stress_limits,
)
from shiftcare.bound import (
    UNDERSTAFFING_WEIGHTS,
    ShiftKey,
    add_class_date_shifts,
    add_class_week_rows,
    add_coverage_rows,
    agent_classes,
    class_paid_row,
    compact_mip_understaffing,
    contract_classes,
    history_streak,
    proven_agent_minutes,
    relaxed_shift_vars,
    solve_compact_lp,
    whole_agent_minutes,
)
from shiftcare.lp import solved_to_optimality
from shiftcare.model.options import Candidate, candidate_shifts
from shiftcare.problem import Mode, Problem
from shiftcare.shiftplan import dive_counts

log = logging.getLogger("shiftcare")

Cover = Counter[tuple[int, int]]
"""Phone intervals of a column per (queue, interval)."""
PatternCache = dict[tuple[object, ...], "DayPattern | None"]
"""Day patterns under one set of duals per (agent profile, shift start, shift type)."""
BoundFound = Callable[[float], None]
"""Called with each better bound as it is proven."""
WeekState = tuple[float, int, int, int]
"""(end of the shift on the date before, else minus infinity; dates worked in a row;
dates worked; paid minutes) of a week so far."""


@dataclass(frozen=True)
class DayPattern:
    """One date's best pattern on one candidate shift under the current duals."""

    worth: float
    candidate: Candidate
    cover: Cover


class WeekPricing:
    """Exact pricing of week columns for every class under one set of duals: each class
    must be of truly interchangeable agents (``bound.agent_classes``), as its first
    agent's candidate shifts and contract stand for all of them."""

    def __init__(self, problem: Problem, required: npt.NDArray[np.int64],
                 classes: list[list[int]], mode: Mode) -> None:
        self.problem = problem
        self.mode = mode
        self.required = required
        self.classes = classes
        self.limits: StressLimits | None = stress_limits(problem, mode)
        self.candidates = [[[c for c in candidate_shifts(problem, group[0], day) if not c.blockers]
                            for day in range(problem.days)] for group in classes]
        self.masks: dict[tuple[object, ...], npt.NDArray[np.bool_]] = {}
        self.no_counts = np.zeros_like(required)

    def _profile(self, agent_index: int) -> tuple[object, ...]:
        """What an agent's day patterns depend on besides the shift: skills, complaint
        eligibility and stretch cap."""
        agent = self.problem.agents[agent_index]
        return agent.skills, agent.complaint_eligible, agent.max_complaint_stretch_minutes

    def _allowed(self, item: AgentDate) -> npt.NDArray[np.bool_]:
        """Per (queue, offset of the item's shift): whether its agent may take that queue
        then (``activities.phone_gains``: skills, a requirement, complaint eligibility)."""
        key = (self._profile(item.agent_index), item.first, len(item.labels))
        if key not in self.masks:
            self.masks[key] = ~np.isnan(phone_gains(self.problem, self.required, self.mode, item,
                                                    self.no_counts))
        return self.masks[key]

    def day_pattern(self, candidate: Candidate,
                    duals: npt.NDArray[np.float64]) -> DayPattern | None:
        """The candidate shift's pattern worth the most under ``duals`` (None when its
        breaks cannot all be placed)."""
        problem = self.problem
        item = candidate_date(problem, candidate)
        first, length = item.first, len(item.labels)
        allowed = self._allowed(item)
        gains = np.full(allowed.shape, np.nan)
        gains[allowed] = duals[:, first:first + length][allowed]
        found = Programme.of(problem, item, gains, self.limits, place_breaks=True).best(problem)
        if found is None:
            return None
        labels, worth = found
        cover: Cover = Counter((problem.queue_index(detail), first + offset)
                               for offset, (kind, detail, _) in enumerate(labels)
                               if kind == "phone")
        return DayPattern(worth, candidate, cover)

    def cached_pattern(self, candidate: Candidate, duals: npt.NDArray[np.float64],
                       patterns: PatternCache) -> DayPattern | None:
        """``day_pattern``, kept in ``patterns`` (one cache per set of duals) for every
        candidate of the same shift and agent profile."""
        key = (self._profile(candidate.agent_index), candidate.start, candidate.shift_type.id)
        if key not in patterns:
            patterns[key] = self.day_pattern(candidate, duals)
        return patterns[key]

    def best_weeks(self, duals: npt.NDArray[np.float64], deadline: float = math.inf,
                   patterns: PatternCache | None = None,
                   ) -> list[tuple[float, Cover]] | None:
        """Per class, its best week's worth and cover under ``duals`` (per queue and
        interval, padded by a day for shifts that end past the horizon); None when
        ``deadline`` (``time.monotonic()``) passes first. ``patterns`` caches the day
        patterns at these duals (a new cache when not given)."""
        patterns = {} if patterns is None else patterns
        weeks = []
        for index, group in enumerate(self.classes):
            if time.monotonic() >= deadline:
                return None
            days = []
            for day_candidates in self.candidates[index]:
                found = []
                for candidate in day_candidates:
                    pattern = self.cached_pattern(candidate, duals, patterns)
                    if pattern is not None and pattern.worth > 0:
                        found.append(pattern)
                days.append(found)
            weeks.append(self._best_week(group[0], days))
        return weeks

    def _best_week(self, agent_index: int,
                   days: list[list[DayPattern]]) -> tuple[float, Cover]:
        """The agent's best week of the day patterns: within max days, max consecutive
        days (History's included), max paid hours and min rest between shifts on
        adjacent dates (min hours and rest across a day off are left out, which can only
        raise its worth). A state keeps its shift's end only where some pattern of the
        next date starts within min rest of some pattern's end (elsewhere rest cannot
        bind, so states differing only in it merge)."""
        agent = self.problem.agents[agent_index]
        rest = agent.min_rest_minutes
        most_paid = agent.max_paid_minutes
        start_state: WeekState = (-math.inf, history_streak(self.problem, agent_index), 0, 0)
        layers: list[dict[WeekState, tuple[float, WeekState | None, DayPattern | None]]] = [
            {start_state: (0.0, None, None)}]
        for day, patterns in enumerate(days):
            following = days[day + 1] if day + 1 < len(days) else []
            ends_matter = bool(patterns) and bool(following) and (
                max(p.candidate.end for p in patterns) + rest
                > min(p.candidate.start for p in following))
            options = [(p.candidate.start, p.candidate.end if ends_matter else -math.inf,
                        p.candidate.shift_type.paid_minutes, p.worth, p) for p in patterns]
            layers.append(_next_week_states(layers[-1], options, rest, most_paid,
                                            agent.max_consecutive_days, agent.max_days))
        state = max(layers[-1], key=lambda key: layers[-1][key][0])
        worth = layers[-1][state][0]
        cover: Cover = Counter()
        for layer in reversed(layers[1:]):
            _, previous, pattern = layer[state]
            if pattern is not None:
                cover.update(pattern.cover)
            assert previous is not None
            state = previous
        return worth, cover


WeekOption = tuple[int, float, int, float, DayPattern]
"""A date's pattern in the week programme: (shift start, shift end or minus infinity
where rest cannot bind, paid minutes, worth, pattern)."""


def _next_week_states(
        states: dict[WeekState, tuple[float, WeekState | None, DayPattern | None]],
        options: list[WeekOption], rest: int, most_paid: int, most_in_row: int,
        most_days: int) -> dict[WeekState, tuple[float, WeekState | None, DayPattern | None]]:
    """The week programme's states after one more date: each state off that date or on
    one of ``options`` within rest, paid minutes, days in a row and days; per state its
    best worth, the state before and the pattern taken (None: off)."""
    following: dict[WeekState, tuple[float, WeekState | None, DayPattern | None]] = {}
    for state, (worth, _, _) in states.items():
        last_end, in_row, worked, paid = state
        off = (-math.inf, 0, worked, paid)
        kept = following.get(off)
        if kept is None or worth > kept[0]:
            following[off] = (worth, state, None)
        if in_row >= most_in_row or worked >= most_days:
            continue
        earliest = last_end + rest
        for start, end, minutes, gain, pattern in options:
            total = paid + minutes
            if start < earliest or total > most_paid:
                continue
            key = (end, in_row + 1, worked + 1, total)
            value = worth + gain
            kept = following.get(key)
            if kept is None or value > kept[0]:
                following[key] = (value, state, pattern)
    return following


def lagrangian_understaffing(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                             duals: npt.NDArray[np.float64],
                             deadline: float = math.inf) -> float | None:
    """A lower bound on understaffed agent-intervals from ``duals`` (per queue and
    interval, clipped to 0..1): the duals times the requirement less, for every agent,
    its best week's phone intervals priced at the duals (``WeekPricing``). None when
    ``deadline`` passes first.

    Valid whatever the duals: for any roster, each interval's shortfall is at least the
    requirement less the agents on the phone, so with prices between 0 and 1 its
    understaffing is at least the prices times the requirement less the prices of every
    agent's phone intervals, and no agent's week is worth more than its best. Min hours,
    preferences and rest across a day off are left out of the weeks, which can only
    raise their worth and lower the bound."""
    prices = padded_prices(problem, required, duals)
    classes = agent_classes(problem)
    weeks = WeekPricing(problem, required, classes, mode).best_weeks(prices, deadline)
    return None if weeks is None else lagrangian_value(required, prices, classes, weeks)


def padded_prices(problem: Problem, required: npt.NDArray[np.int64],
                  duals: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``duals`` (per queue and interval) clipped to 0..1, 0 where nothing is required,
    padded by a day of zeros for shifts that end past the horizon."""
    horizon = required.shape[1]
    prices = np.zeros((required.shape[0], horizon + problem.intervals_per_day))
    prices[:, :horizon] = np.where(required > 0, np.clip(duals[:, :horizon], 0.0, 1.0), 0.0)
    return prices


def lagrangian_value(required: npt.NDArray[np.int64], prices: npt.NDArray[np.float64],
                     classes: list[list[int]], weeks: list[tuple[float, Cover]]) -> float:
    """The prices (per queue and interval, padded past the horizon) times the
    requirement, less every agent's best week under them (``WeekPricing.best_weeks`` of
    ``classes``: each class's worth once per agent), in agent-intervals."""
    return float((prices[:, :required.shape[1]] * required).sum()) - sum(
        len(group) * worth for group, (worth, _) in zip(classes, weeks, strict=True))


PATTERN_SMOOTHING = 0.8
"""Share of the best prices so far in the prices a pattern round prices at (Wentges'
smoothing, as ``benchmarks/week_column_bound.py``)."""
PATTERN_START_LIFTS = (0.01, 0.1)
"""The first patterns are priced at the compact LP's duals lifted by each of these (agent
intervals the LP leaves covered then still weigh a little, so the patterns cover them):
on 200x7 seed 8 the first master LP was 9,889 agent-intervals short with the duals alone,
1,629 with these lifts."""
PATTERN_MIN_SECONDS = 5.0
"""Pattern rounds start only with this much time left."""
PATTERN_FIRST_GAIN = 1.0
"""Agent-intervals the Lagrangian bound at the compact LP's duals must gain over the LP
for the day patterns to run before the compact MIP (``_pattern_first``). Measured on
the ten generated 200x7 weeks (seeds 0-9): the gain was 4.8, 4.0 and 7.8 on seeds 3, 6
and 8 and 0.00 elsewhere; converged, the day-pattern bound was 642.3 and 576.1
agent-intervals on seeds 3 and 8 (the Lagrangian 634.5 and 544.7, the MIP's root 631
and 538), and 547.96 / 555.52 / 652.35 on seeds 0 / 2 / 9, where the MIP's root
proved 551 / 557.5 / 656."""
CONVERGED = 0.01
"""Agent-intervals between the master LP and the best bound at which rounds stop."""


class PatternMaster:
    """The day-pattern master LP: the compact model's classes (``bound.contract_classes``)
    with their shift counts and week rows as in ``bound.build_compact_model``, and instead
    of its day rows whole day patterns (one agent's phone intervals on one candidate
    shift, breaks and stress rules kept): per class, date and candidate shift at most as
    many agents on patterns as work it, and the patterns' phone intervals plus
    understaffing cover the requirement."""

    def __init__(self, problem: Problem, required: npt.NDArray[np.int64], mode: Mode) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.objective = self.solver.Objective()
        """Agents short, summed over queues and intervals (agent-intervals)."""
        self.problem = problem
        self.required = required
        self.mode = mode
        self.links: list[tuple[Candidate, pywraplp.Constraint]] = []
        """Per class, date and candidate shift: its patterns less its agents, at most 0."""
        self.shift_vars: dict[ShiftKey, pywraplp.Variable] = {}
        """(class index, date, shift type id, start minute) -> agents of the class
        working it (as ``bound.CompactModel``'s, so the shift plan's dive fixes them)."""
        self.shift_counts: dict[ShiftKey, float] = {}
        """The shift counts of the last LP solved to optimality (none before)."""
        factory = partial(relaxed_shift_vars, problem)
        for class_index, group in enumerate(contract_classes(problem, mode)):
            paid_row = class_paid_row(self.solver, problem, group)
            works_by_day = []
            for day in range(problem.days):
                candidates = candidate_shifts(problem, group[0], day)
                shifts = add_class_date_shifts(self.solver, factory, class_index, group, day,
                                               candidates, paid_row)
                works_by_day.append(shifts)
                for candidate, var in zip(candidates, shifts, strict=True):
                    link = self.solver.RowConstraint(-self.solver.infinity(), 0.0, "")
                    link.SetCoefficient(var, -1.0)
                    self.links.append((candidate, link))
                    self.shift_vars[(class_index, day, candidate.shift_type.id,
                                     candidate.start)] = var
            add_class_week_rows(self.solver, problem, group, works_by_day)
        _, self.coverage = add_coverage_rows(self.solver, required, 1.0)
        self.objective.SetMinimization()

    def add(self, link_index: int, cover: Cover) -> None:
        """A pattern of the link's candidate shift with ``cover`` phone intervals."""
        column = self.solver.NumVar(0.0, self.solver.infinity(), "")
        self.links[link_index][1].SetCoefficient(column, 1.0)
        for key, count in cover.items():
            row = self.coverage.get(key)
            if row is not None:
                row.SetCoefficient(column, float(count))

    def solve(self, deadline: float) -> tuple[float, npt.NDArray[np.float64], list[float]] | None:
        """The LP's agent-intervals short, its coverage duals (per queue and interval) and
        link duals, its shift counts kept in ``shift_counts``; None when GLOP does not
        solve it before ``deadline``."""
        remaining = deadline - time.monotonic()
        if remaining <= 0.1:
            return None
        self.solver.SetTimeLimit(max(1, int(1000 * remaining)))
        if not solved_to_optimality(self.solver):
            return None
        self.shift_counts = {key: var.solution_value() for key, var in self.shift_vars.items()}
        duals = np.zeros(self.required.shape)
        for (q, t), row in self.coverage.items():
            duals[q, t] = row.dual_value()
        return (self.objective.Value(), duals,
                [link.dual_value() for _, link in self.links])

    def add_priced(self, pricing: WeekPricing, prices: npt.NDArray[np.float64],
                   patterns: PatternCache, duals: npt.NDArray[np.float64],
                   link_duals: list[float], deadline: float) -> int:
        """Every candidate's best pattern at ``prices`` (padded) whose reduced cost at the
        master's ``duals`` (padded) and ``link_duals`` is negative; how many entered."""
        added = 0
        for index, (candidate, _) in enumerate(self.links):
            if time.monotonic() >= deadline:
                break
            pattern = pricing.cached_pattern(candidate, prices, patterns)
            if pattern is None:
                continue
            worth = sum(count * duals[q, t] for (q, t), count in pattern.cover.items())
            if worth + link_duals[index] > 1e-6:
                self.add(index, pattern.cover)
                added += 1
        return added


def pattern_understaffing(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                          duals: npt.NDArray[np.float64], deadline: float,
                          at_duals: float = -math.inf,
                          improved: BoundFound | None = None) -> float | None:
    """A lower bound on understaffed agent-intervals by column generation of day patterns
    (``PatternMaster``, ``generate_patterns``) from the compact LP's ``duals``, until it
    converges or ``deadline`` passes. ``at_duals`` is the Lagrangian bound at ``duals``
    where known: the best prices start there. ``improved``, where given, gets each
    better bound (agent-intervals) as a round finds it. None when no round ends in time
    and ``at_duals`` is not given."""
    return generate_patterns(PatternMaster(problem, required, mode), duals, deadline,
                             at_duals, improved)


def generate_patterns(master: PatternMaster, duals: npt.NDArray[np.float64], deadline: float,
                      at_duals: float = -math.inf, improved: BoundFound | None = None,
                      settle_rounds: int = 0) -> float | None:
    """Column generation of day patterns into ``master`` (for its problem, requirement
    and mode) from the compact LP's ``duals`` until it converges or ``deadline`` passes;
    the best Lagrangian bound met on the way (agent-intervals, ``lagrangian_value``, each
    class of interchangeable agents on its best week, ``WeekPricing``) at the prices each
    round prices at, which is valid at any prices. Each round prices at
    ``PATTERN_SMOOTHING`` times the best prices so far plus the rest times the master's
    duals, and at the master's duals alone when that brings no pattern; converged (no
    pattern enters at the master's duals), the bound there meets the master LP.
    ``at_duals`` and ``improved`` as in ``pattern_understaffing``. With ``settle_rounds``
    it stops as soon as the master LP has fallen by less than ``SETTLED_FALL`` over that
    many rounds (its counts settled, its bound maybe not)."""
    problem, required = master.problem, master.required
    weeks = WeekPricing(problem, required, agent_classes(problem), master.mode)
    no_duals = [0.0] * len(master.links)
    for lift in PATTERN_START_LIFTS:
        lifted = padded_prices(problem, required, np.clip(duals, 0.0, 1.0) + lift)
        master.add_priced(weeks, lifted, {}, lifted, no_duals, deadline)
    best, centre = at_duals, padded_prices(problem, required, duals)
    values: list[float] = []
    while (solved := master.solve(deadline)) is not None:
        value, master_duals, link_duals = solved
        values.append(value)
        log.debug("day patterns, round %d: master LP %.2f, bound %.2f agent-intervals",
                  len(values), value, best)
        padded = padded_prices(problem, required, master_duals)
        added = 0
        for prices in (PATTERN_SMOOTHING * centre + (1 - PATTERN_SMOOTHING) * padded, padded):
            patterns: PatternCache = {}
            found = weeks.best_weeks(prices, deadline, patterns)
            if found is None:
                break
            bound = lagrangian_value(required, prices, weeks.classes, found)
            if bound > best:
                best, centre = bound, prices
                if improved is not None:
                    improved(best)
            added = master.add_priced(weeks, prices, patterns, padded, link_duals, deadline)
            if added:
                break
        if found is None or not added or best > value - CONVERGED or (
                _settled(values, settle_rounds)):
            break
    return None if best == -math.inf else best


SETTLED_FALL = 1.0
"""Agent-intervals the master LP must fall by over ``settle_rounds`` rounds for
``generate_patterns`` to go on (measured on the generated 200 x 7 weeks, seeds 8 and 9:
over three rounds their master LPs fell by 0.55 and 0.74 to 577.2 and 653.3
agent-intervals, 1.1 and 0.9 above where they converge; seed 9's plan took 15.5 s
against 20.6 s generating until convergence)."""


def _settled(values: list[float], rounds: int) -> bool:
    """Whether the master LP ``values`` (one per round) fell by less than ``SETTLED_FALL``
    over the last ``rounds`` rounds (never for 0 rounds)."""
    return 0 < rounds < len(values) and values[-rounds - 1] - values[-1] < SETTLED_FALL


PATTERN_SETTLE_ROUNDS = 3
"""Rounds over which ``pattern_plan_counts``'s column generation stops once its master
LP has settled (``SETTLED_FALL``): the plan needs its counts, not its bound, which the
bound's own process proves."""
PATTERN_DIVE_SHARE = 0.2
"""Share of ``pattern_plan_counts``'s time kept for its dive (measured on the generated
200 x 7 weeks: 1.8-4.8 s; the column generation before it converged in 11-15 s)."""


def pattern_plan_counts(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                        duals: npt.NDArray[np.float64], deadline: float,
                        ) -> tuple[dict[ShiftKey, float], float | None]:
    """Shift counts of the day-pattern master LP (``PatternMaster``) after column
    generation from ``duals`` (``generate_patterns``) until it converges, its LP settles
    (``PATTERN_SETTLE_ROUNDS``) or ``PATTERN_DIVE_SHARE`` of the time to ``deadline`` is
    left, made whole by the shift plan's ``dive_counts`` over the patterns generated;
    with the bound that generation proves (agent-intervals; None when none). The counts
    are the last LP's (maybe fractional) where the dive is cut short, empty when no
    master LP is solved in time."""
    started = time.monotonic()
    master = PatternMaster(problem, required, mode)
    bound = generate_patterns(master, duals,
                              deadline - PATTERN_DIVE_SHARE * (deadline - started),
                              settle_rounds=PATTERN_SETTLE_ROUNDS)
    if master.solve(deadline) is None:
        return master.shift_counts, bound
    relaxed = master.objective.Value()
    counts = dive_counts(master.solver, master, deadline)
    log.info("shift plan: day-pattern LP %.1f agent-intervals short, dived %.1f, in %.1f s",
             relaxed, master.objective.Value(), time.monotonic() - started)
    return counts, bound


def understaffing_lower_bound(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                              seconds: float, found: BoundFound | None = None) -> float | None:
    """The best lower bound on understaffed agent-minutes found within ``seconds``: the
    compact LP's (understaffing the only cost), the Lagrangian bound at its duals
    (``lagrangian_understaffing``) and then, with the time left, the day-pattern bound
    (``pattern_understaffing``) and the compact MIP's (``compact_mip_understaffing``),
    in the order ``_pattern_first`` picks. None when the LP is not solved within
    ``seconds``. ``found``, where given, gets each better bound (agent-minutes) as soon
    as it is proven, so a caller that stops the work early keeps what it has.

    The Lagrangian and the rest run only where the LP leaves some agent short: where it
    leaves none, a roster without understaffing is usually at hand, and SCIP's root node
    spent seconds proving nothing more (4.6 s on the 40-agent medium sample)."""
    started = time.monotonic()
    deadline = started + seconds
    best = -math.inf

    def keep(minutes: float) -> float:
        nonlocal best
        if minutes > best:
            best = minutes
            if found is not None:
                found(minutes)
        return minutes

    def keep_intervals(bound: float) -> None:
        keep(proven_agent_minutes(problem, bound))

    solved = solve_compact_lp(problem, required, mode, UNDERSTAFFING_WEIGHTS, seconds)
    if solved is None:
        return None
    lp, duals = solved
    if keep(whole_agent_minutes(problem, lp)) == 0:
        return 0.0
    lagrangian = lagrangian_understaffing(problem, required, mode, duals, deadline)
    if lagrangian is not None:
        minutes = keep(proven_agent_minutes(problem, lagrangian))
        log.info("Lagrangian bound: understaffed %s agent-min in %.1f s", f"{minutes:,.0f}",
                 time.monotonic() - started)

    def patterns() -> float | None:
        if deadline - time.monotonic() < PATTERN_MIN_SECONDS:
            return None
        result = pattern_understaffing(
            problem, required, mode, duals, deadline,
            -math.inf if lagrangian is None else lagrangian, keep_intervals)
        if result is None:
            return None
        minutes = proven_agent_minutes(problem, result)
        log.info("day-pattern bound: understaffed %s agent-min in %.1f s", f"{minutes:,.0f}",
                 time.monotonic() - started)
        return minutes

    def mip() -> float | None:
        left = deadline - time.monotonic()
        return compact_mip_understaffing(problem, required, mode, left) if left > 1.0 else None

    for stage in ((patterns, mip) if _pattern_first(lp, lagrangian) else (mip, patterns)):
        result = stage()
        if result is not None:
            keep(result)
    return best


def _pattern_first(lp: float, lagrangian: float | None) -> bool:
    """Whether the day-pattern bound runs before the compact MIP: where the Lagrangian
    bound at the LP's duals is ``PATTERN_FIRST_GAIN`` above the LP, the class model
    spreads runs and recoveries in fractions, which day patterns take whole."""
    return lagrangian is not None and lagrangian >= lp + PATTERN_FIRST_GAIN


LOWEST_PRIORITY = 19
"""The scheduling priority (nice value) of the bound's process once the caller may use
every core: it then runs only on cycles the roster's stages leave idle (measured on
a 200 x 7 week, seed 1, at 60 s on 2 cores: 1.68 cores busy on average without it, the
second idle while the column stage's last date ran alone; 1.99 with it)."""


@dataclass
class BackgroundBound:
    """``understaffing_lower_bound`` worked out in a forked process, on a core the caller
    leaves idle, then at the lowest priority; ``result`` collects the best bound it has
    sent. Where the platform cannot fork there is none."""

    process: BaseProcess | None
    receiver: Connection | None

    @classmethod
    def start(cls, problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
              seconds: float, full_seconds: float) -> BackgroundBound:
        """Starts the process, which runs at the caller's priority for ``full_seconds``,
        then (where ``seconds`` is longer) at ``LOWEST_PRIORITY``, and stops on its own
        within ``seconds``."""
        if "fork" not in multiprocessing.get_all_start_methods():
            return cls(None, None)
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_send_understaffing_bound, daemon=True,
                                  args=(sender, problem, required, mode, seconds,
                                        full_seconds))
        process.start()
        sender.close()
        return cls(process, receiver)

    def result(self) -> float | None:
        """The best bound (agent-minutes) the process has sent, without waiting; the
        process is stopped either way (``stop``)."""
        value: float | None = None
        if self.receiver is not None:
            with contextlib.suppress(EOFError):  # the process ended
                while self.receiver.poll(0):
                    sent = self.receiver.recv()
                    value = sent if value is None else max(value, sent)
        self.stop()
        return value

    def stop(self) -> None:
        """Ends the process, if still running, and closes the pipe; safe to call again."""
        if self.process is not None:
            self.process.terminate()
            self.process.join()
            self.process = None
        if self.receiver is not None:
            self.receiver.close()
            self.receiver = None

    def __enter__(self) -> BackgroundBound:
        return self

    def __exit__(self, *exception: object) -> None:
        self.stop()


def _send_understaffing_bound(sender: Connection, problem: Problem,
                              required: npt.NDArray[np.int64], mode: Mode,
                              seconds: float, full_seconds: float) -> None:
    """``BackgroundBound``'s process: sends each better bound as it is proven, at
    ``LOWEST_PRIORITY`` after ``full_seconds``."""
    lower = threading.Timer(full_seconds, _lower_priority)
    lower.daemon = True
    if full_seconds < seconds:
        lower.start()
    try:
        understaffing_lower_bound(problem, required, mode, seconds, sender.send)
    except Exception as error:  # the roster must never depend on the bound
        log.warning("the understaffing bound could not be computed: %s", error)
    finally:
        lower.cancel()
        sender.close()


def _lower_priority() -> None:
    """Sets this process's main thread, where the bound is worked out, to
    ``LOWEST_PRIORITY`` (on Linux a nice value is a thread's, and the main thread's id is
    the process id)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, os.getpid(), LOWEST_PRIORITY)
