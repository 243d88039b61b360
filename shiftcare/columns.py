"""Re-plan every agent's activities on one date at once, by column generation.

Single-agent moves (``shiftcare.activities``) stall where agents must trade complaint
intervals: one agent's recovery can only move if another's run takes over. Here one
date's shifts stay fixed and its agents' activity *patterns* (each interval's queue,
break or time off, valid for the stress rules on its own) are the columns of an LP:

- the master LP picks a convex combination of patterns per agent-date so as to minimise
  the date's understaffing and overstaffing (weights of the Settings) against what the
  agents of other dates leave required;
- pricing finds, per agent-date, the pattern worth the most under the coverage rows'
  duals, on each shift it may work, with the duals as gains and the breaks placed anew
  (``activities.best_labels_and_breaks``, exact over every placement), skipping the
  shapes whose ``pattern_ceiling`` cannot beat the best found; its columns enter while
  their reduced cost is negative;
- a dive then makes it whole: each step fixes every agent-date whose LP pattern is
  already whole and ``DIVE_SHARE`` of the others (those nearest to whole first), and
  prices once more for the rest, with the breaks where their largest LP column has them
  (``activities.best_labels``); while time is left, the dives are freed and done
  again from the same LP, each with the columns the ones before priced.

On dates of up to ``QUEUE_MIP_MAX_AGENT_DATES`` agent-dates the dives keep each
agent-date's shift and breaks instead of a whole pattern (``DateMaster.shape_dive``: its
queues stay free in the LP), each dive is judged by what the queue MIP's LP says its
shifts and breaks allow (``queuemip.queue_lp_shortage``), and the best dive's queues are
re-assigned by that MIP (``queuemip.assign_queues``, ``QUEUE_MIP_SHARE`` of the date's
time after pricing). The best dive's patterns, each followed by single re-plans
(``activities.descend``), replace the date's only when they cover the date better, so
the roster never gets worse. The LP's optimum, once pricing with the breaks placed anew
finds nothing, bounds only that date's activities on its fixed shifts (the other dates'
fixed too), not the roster: the Summary's bound stays ``shiftcare.bound``'s.

Measured on the seed-1 week of ``benchmarks/run_scale.py 200x7``, one start roster
(agent-intervals short): Thursday 44 -> 18 (LP 15) in 12 s, Wednesday 59 -> 19 (LP 18)
in 5 s; with breaks moved one at a time instead of placed anew, Thursday stopped at 38.
On the seed-0 Monday, pricing with the breaks placed anew in every round reached the LP's
349.0 in 4 s, where rounds that kept the breaks in place until they stalled took 12 s.
Skipping shapes by their ceiling, generation to convergence on the six dates of the
seed-0 start roster took 16.2 s instead of 25.7 s (the seed-1 one 38.1 s, not 45.3 s).
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import time
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from shiftcare.activities import (
    AgentDate,
    Label,
    Replanner,
    best_labels,
    best_labels_and_breaks,
    candidate_date,
    count_phone,
    descend,
    phone_gains,
    replanned_solution,
    shift_moves,
)
from shiftcare.lp import solved_to_optimality
from shiftcare.problem import MINUTES_PER_DAY, Mode, Problem, too_close
from shiftcare.queuemip import assign_queues, queue_lp_shortage
from shiftcare.solution import Shift, Solution

log = logging.getLogger("shiftcare")

ModelCount = tuple[int, int]
"""(variables, constraints) of an LP."""

DIVE_SHARE = 0.25
"""Share of the fractional agent-dates fixed per dive step, nearest to whole first."""
STALL_DIVES = 4
"""A date's dives stop after this many in a row found no better plan."""
DIVE_LP_SECONDS = 60.0
"""Time limit of one master LP in the dive, which must end with whole patterns (measured:
about 10 ms on 200 agents' date)."""
PRICING_SHARE = 0.6
"""Share of a date's time for column generation; the dive and the single re-plans take
the rest (the dive took 2-4 s on 200 agents' dates of 14,000 columns)."""
QUEUE_MIP_SHARE = 0.4
"""Share of a date's time after pricing for re-assigning the best dive's queues by MIP
(``queuemip.assign_queues``); the dives take the rest (measured on 200x7 at 60 s with
whole-pattern dives judged by their own coverage, understaffed agent-minutes: 0.4 gave
6,570 and 6,555 on seed 1 and 8,655, 8,685 and 8,670 on seed 2; 0.25 6,645 and 8,655;
0.6 6,735 and 8,685; without the MIP 6,615-6,705 and 8,640; the MIP solved by SCIP
alone; with HiGHS after the local search, 0.25 on the ten generated 200x7 weeks left
nine rosters the same and one 30 agent-minutes worse)."""
QUEUE_MIP_MAX_AGENT_DATES = 500
"""Dates with more agent-dates than this skip the queue MIP and dive on whole patterns
(``DateMaster.dive``) for all their time: the queue MIP was measured only on dates of up
to 500 agents."""
CLASH_REPLAN_MAX_AGENT_DATES = 500
"""A date with a shift move refused when its plans are taken is re-planned again in the
same pass (``_parallel_pass``) only up to this many agent-dates: it was measured to pay
on 200 x 7 (about 180 agent-dates a date); on 1000 x 28 (about 700) two runs with no
limit left 186,465 and 185,820 understaffed agent-minutes against 181,575 by the code
before it the same day."""
MIN_DATE_SECONDS = 0.5
"""A date is re-planned only with at least this much time for it (its master LP alone
takes tenths of a second)."""
REDUCED_COST_TOLERANCE = 1e-6
"""A column enters only when its reduced cost is below minus this (objective units)."""
STOP_GAIN = 0.1
"""Column generation ends when its Lagrangian estimate says the LP can gain less than
this many understaffed agent-intervals (at the understaffing weight): on the busiest
date of the 200x7 week that ends it after 6.5 s at 349.00, where its optimum of 348.98
took 10.5 s. At 0.5 a small date stopped half an agent-interval short of its optimum."""
FLOOR_TOLERANCE = 0.5
"""Column generation also ends when the LP is within this of the least it could cost
(objective units: half an overstaffed agent-interval at the default weights)."""
TARGET_TOLERANCE = 0.1
"""A date's dives stop once one leaves no more agent-intervals short than its master LP
(at the understaffing weight) less this, rounded up: a master LP of 45.96 stops them at
46, where rounding down had a 200x7 date dive 34 times in 13.7 s for a 45 no whole plan
reaches."""


@dataclass
class _Shape:
    """A shift one agent-date may work in the master: its own, or another start or shift
    type on the same date (``activities.shift_moves``)."""

    date: AgentDate
    """The shift, its first interval and (its own shape only) its current labels."""
    allowed: npt.NDArray[np.bool_]
    """Per (queue, offset): whether the agent may take that queue then."""
    cost: float
    """Pay change against the agent-date's own shift (objective units)."""


@dataclass
class _Column:
    """One agent-date's pattern on one of its shapes, and its LP variable."""

    shape: int
    labels: list[Label]
    variable: pywraplp.Variable


class DateMaster:
    """The master LP of one date's agent-dates, their columns and the pricing."""

    settle_at_target = True
    """Whether ``generate`` also stops once its estimate settles the dives' target
    (``target_settled``); off where the LP's own value is what is wanted."""

    def __init__(self, replanner: Replanner, items: list[AgentDate],
                 move_shifts: bool = False) -> None:
        self.replanner = replanner
        self.items = items
        problem = replanner.problem
        self.shapes = [self._shapes(item, move_shifts) for item in items]
        dates = [shape.date for shapes in self.shapes for shape in shapes]
        self.first = min(date.first for date in dates)
        self.last = min(replanner.required.shape[1],
                        max(date.first + len(date.labels) for date in dates))
        own = np.zeros_like(replanner.counts)
        for item in items:
            count_phone(problem, item, own, 1)
        self.target = replanner.required - (replanner.counts - own)
        """Agents still required per (queue, interval) once every other date's are on."""
        span = slice(self.first, self.last)
        self.floor = float(problem.settings.weight_overstaffing * np.where(
            replanner.required[:, span] > 0, np.clip(-self.target[:, span], 0, None), 0).sum())
        """The least the master LP can cost: what the other dates already overstaff in
        the date's span."""
        self.converged = False
        """Whether the last ``generate`` ended because pricing could gain no more."""
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.rows = self._coverage_rows()
        self.convexity = [self.solver.Constraint(1.0, 1.0) for _ in items]
        self.columns: list[list[_Column]] = [[] for _ in items]
        self.seen: list[set[tuple[object, ...]]] = [set() for _ in items]
        self.fixed = [False] * len(items)
        self.kept: list[_Kept | None] = [None] * len(items)
        """Per agent-date, the shift and breaks a shape dive kept it to, else None."""
        self.patterns: dict[tuple[object, ...], tuple[list[Label], float]] = {}
        self.ceilings: dict[tuple[object, ...], float] = {}
        for index, item in enumerate(items):
            self.add_column(index, 0, item.labels)

    def _shapes(self, item: AgentDate, move_shifts: bool) -> list[_Shape]:
        """The item's own shift and, with ``move_shifts``, every other it may work on its
        date instead (``activities.shift_moves``)."""
        replanner = self.replanner
        shapes = [self._shape(item, item)]
        if move_shifts:
            day = item.shift.day
            shapes.extend(self._shape(item, candidate_date(replanner.problem, candidate))
                          for candidate in shift_moves(replanner.problem, item,
                                                       replanner.by_agent[item.agent_index],
                                                       replanner.unblocked,
                                                       range(day, day + 1)))
        return shapes

    def _shape(self, item: AgentDate, date: AgentDate) -> _Shape:
        """``date``'s shift as a shape of ``item``: the queues its agent may take then and
        the pay change against the item's own shift."""
        replanner = self.replanner
        problem = replanner.problem
        allowed = ~np.isnan(phone_gains(problem, replanner.required, replanner.mode, date,
                                        np.zeros_like(replanner.counts)))
        paid = (problem.shift_type(date.shift.shift_type).paid_minutes
                - problem.shift_type(item.shift.shift_type).paid_minutes)
        return _Shape(date, allowed, problem.settings.weight_paid_hour * paid / 60)

    def _coverage_rows(self) -> dict[tuple[int, int], pywraplp.Constraint]:
        """Per (queue, interval) of the date's span with a requirement: phone agents plus
        short minus over equals the target; short and over cost their weights."""
        settings = self.replanner.problem.settings
        solver = self.solver
        objective = solver.Objective()
        rows = {}
        for q in range(self.target.shape[0]):
            for t in range(self.first, self.last):
                if self.replanner.required[q, t] <= 0:
                    continue
                target = float(self.target[q, t])
                row = solver.Constraint(target, target)
                short = solver.NumVar(0.0, solver.infinity(), "")
                over = solver.NumVar(0.0, solver.infinity(), "")
                row.SetCoefficient(short, 1.0)
                row.SetCoefficient(over, -1.0)
                objective.SetCoefficient(short, settings.weight_understaffing)
                objective.SetCoefficient(over, settings.weight_overstaffing)
                rows[(q, t)] = row
        objective.SetMinimization()
        return rows

    def add_column(self, index: int, shape: int, labels: list[Label]) -> bool:
        """Add ``labels`` on shape ``shape`` as a column of agent-date ``index``; False
        when it already is."""
        key = (shape, tuple(labels))
        if key in self.seen[index]:
            return False
        self.seen[index].add(key)
        variable = self.solver.NumVar(0.0, self.solver.infinity(), "")
        self.convexity[index].SetCoefficient(variable, 1.0)
        self.solver.Objective().SetCoefficient(variable, self.shapes[index][shape].cost)
        problem = self.replanner.problem
        first = self.shapes[index][shape].date.first
        for offset, (kind, detail, _) in enumerate(labels):
            row = self.rows.get((problem.queue_index(detail), first + offset)) \
                if kind == "phone" else None
            if row is not None:
                row.SetCoefficient(variable, 1.0)
        self.columns[index].append(_Column(shape, labels, variable))
        return True

    def solve(self, deadline: float | None) -> bool:
        """Solve the master LP within ``deadline`` (``time.monotonic()``; None =
        ``DIVE_LP_SECONDS``); True when optimal."""
        seconds = DIVE_LP_SECONDS if deadline is None else deadline - time.monotonic()
        self.solver.SetTimeLimit(max(1, int(1000 * seconds)))
        return solved_to_optimality(self.solver)

    def price(self, move_breaks: bool, deadline: float) -> tuple[int, float]:
        """Add every open agent-date's best pattern under the last LP's duals when its
        reduced cost is negative: on its own shift with the breaks of its largest LP
        column there (so breaks moved in one round may move on in the next), or with
        ``move_breaks`` on each of its shapes with the breaks placed anew. Returns the
        columns added and the sum of the negative reduced costs' sizes (objective
        units)."""
        per_day = MINUTES_PER_DAY // self.replanner.problem.interval_minutes
        queues, horizon = self.target.shape
        duals = np.zeros((queues, horizon + per_day))  # a shift may end past the horizon
        for (q, t), row in self.rows.items():
            duals[q, t] = row.dual_value()
        convexity = [row.dual_value() for row in self.convexity]
        found: list[tuple[int, int, list[Label]]] = []
        reduced = 0.0
        for index in range(len(self.items)):
            if self.fixed[index] or time.monotonic() >= deadline:
                continue
            best = self._priced(index, duals, REDUCED_COST_TOLERANCE - convexity[index],
                                move_breaks)
            if best is not None:
                found.append((index, best[1], best[2]))
                reduced += best[0] + convexity[index]
        return sum(self.add_column(*entry) for entry in found), reduced

    def _priced(self, index: int, duals: npt.NDArray[np.float64], threshold: float,
                move_breaks: bool) -> tuple[float, int, list[Label]] | None:
        """(worth less cost, shape, labels) of the agent-date's best pattern over the
        shapes priced this round (``price``), when it is worth more than ``threshold``
        (objective units), else None. Shapes are tried from the highest
        ``pattern_ceiling`` down, and none is programmed whose ceiling cannot beat the
        best found so far. An agent-date a shape dive kept is priced on its kept shift
        with its kept breaks only."""
        kept = self.kept[index]
        numbers = [kept[0]] if kept is not None else (
            range(len(self.shapes[index])) if move_breaks else [0])
        shapes = self.shapes[index]
        ranked = []
        for number in numbers:
            shape = shapes[number]
            date = shape.date
            gains = np.full(shape.allowed.shape, np.nan)
            gains[shape.allowed] = duals[:, date.first:date.first
                                         + shape.allowed.shape[1]][shape.allowed]
            ranked.append((self._ceiling(date, gains) - self._pricing_cost(index, number),
                           number, gains))
        ranked.sort(key=lambda entry: -entry[0])
        best = None
        for ceiling, number, gains in ranked:
            if ceiling <= threshold:
                break
            shape = shapes[number]
            base = shape.date.labels
            if not move_breaks or kept is not None:
                largest = self.columns[index][self._largest(index)[2]]
                base = largest.labels if largest.shape == number else base
            labels, worth = self._best_pattern(shape.date, base, gains,
                                               move_breaks and kept is None)
            cost = self._pricing_cost(index, number)
            if worth - cost > threshold:
                threshold = worth - cost
                best = (threshold, number, labels)
        return best

    def _pricing_cost(self, index: int, number: int) -> float:
        """What pricing charges agent-date ``index`` for a pattern on its shape ``number``
        (objective units): the shape's pay change; a master with rows of its own beside
        the coverage and convexity rows takes their duals off it."""
        return self.shapes[index][number].cost

    def _ceiling(self, date: AgentDate, gains: npt.NDArray[np.float64]) -> float:
        """``pattern_ceiling`` of ``date``'s shift under ``gains``, remembered per (shift
        start and type, gains) as agents of one shift share it."""
        key = (date.first, date.shift.shift_type, gains.tobytes())
        if key not in self.ceilings:
            self.ceilings[key] = pattern_ceiling(self.replanner.problem, date, gains)
        return self.ceilings[key]

    def _best_pattern(self, date: AgentDate, base: list[Label],
                      gains: npt.NDArray[np.float64],
                      move_breaks: bool) -> tuple[list[Label], float]:
        """The best pattern of ``date``'s shift under ``gains``, with the breaks of
        ``base`` or (``move_breaks``) placed anew, and its worth; remembered per (shift
        start and type, stretch cap, breaks, gains), which agents of one shift often share
        and later rounds often repeat."""
        problem = self.replanner.problem
        breaks = None if move_breaks else tuple(
            (offset, label) for offset, label in enumerate(base) if label[0] == "break")
        key = (date.first, date.shift.shift_type,
               problem.agents[date.agent_index].max_complaint_stretch_minutes,
               breaks, gains.tobytes())
        if key not in self.patterns:
            trial = AgentDate(date.agent_index, date.shift, date.first, list(base))
            found = best_labels_and_breaks(problem, trial, gains, self.replanner.limits) \
                if move_breaks else None
            self.patterns[key] = found or best_labels(problem, trial, gains,
                                                      self.replanner.limits)
        return self.patterns[key]

    def generate(self, deadline: float) -> float:
        """Column generation, pricing with the breaks placed anew, until the deadline or
        until pricing can gain no more: no column enters, the LP is within ``STOP_GAIN``
        of its best Lagrangian estimate (the LP optimum less the reduced costs found) or
        that estimate settles the dives' target (``target_settled``, where
        ``settle_at_target``), or the LP is within ``FLOOR_TOLERANCE`` of the least any
        plan could cost (what the other dates already overstaff); ``converged`` says
        whether one of these ended it. Returns the last LP optimum (objective units)."""
        value = math.inf
        estimate = -math.inf
        weight = self.replanner.problem.settings.weight_understaffing
        tolerance = STOP_GAIN * weight
        self.converged = False
        while time.monotonic() < deadline and self.solve(deadline):
            value = self.solver.Objective().Value()
            if value <= self.floor + FLOOR_TOLERANCE:
                self.converged = True
                break
            added, reduced = self.price(True, deadline)
            estimate = max(estimate, value - reduced)
            log.debug("pricing: LP %.1f, estimate %.1f, %d columns added", value, estimate,
                      added)
            if added == 0 or value - estimate < tolerance or (
                    self.settle_at_target and target_settled(value, estimate, weight)):
                self.converged = True
                break
        return value

    def _largest(self, index: int) -> tuple[float, int, int]:
        """(LP value, agent-date, column) of the agent-date's largest LP column."""
        values = [column.variable.solution_value() for column in self.columns[index]]
        column = int(np.argmax(values))
        return values[column], index, column

    def undive(self) -> None:
        """Free every agent-date the dive fixed, for another dive from the same LP."""
        for columns in self.columns:
            for column in columns:
                column.variable.SetBounds(0.0, self.solver.infinity())
        self.fixed = [False] * len(self.items)
        self.kept = [None] * len(self.items)

    def _heaviest_shape(self, index: int) -> tuple[float, int, _Kept]:
        """(LP value, agent-date, shift and breaks) of the agent-date's columns' shift and
        breaks with the most LP value."""
        weights: dict[_Kept, float] = {}
        for column in self.columns[index]:
            key = _kept_of(column)
            weights[key] = weights.get(key, 0.0) + column.variable.solution_value()
        key = max(weights, key=weights.__getitem__)
        return weights[key], index, key

    def shape_dive(self, deadline: float) -> list[_Column] | None:
        """Whole columns, one per agent-date, by keeping step by step each agent-date to
        the shift and breaks its LP columns weigh most (``DIVE_SHARE`` of the fractional
        ones per step, nearest to whole first) while its queues stay free in the LP,
        pricing between steps; at the end each takes its largest column, whose queues the
        queue MIP then re-assigns. None when the LP fails."""
        while any(kept is None for kept in self.kept):
            if not self.solve(None):
                return None
            ranked = sorted((self._heaviest_shape(index) for index in range(len(self.items))
                             if self.kept[index] is None), reverse=True)
            count, late = _dive_step([entry[0] for entry in ranked], deadline)
            for _, index, key in ranked[:count]:
                for column in self.columns[index]:
                    if _kept_of(column) != key:
                        column.variable.SetUb(0.0)
                self.kept[index] = key
            if not late and self.solve(deadline):
                self.price(False, deadline)
        if not self.solve(None):
            return None
        return [self.columns[index][self._largest(index)[2]] for index in range(len(self.items))]

    def dive(self, deadline: float) -> list[_Column] | None:
        """Whole columns, one per agent-date, by fixing the LP's columns step by step
        (``DIVE_SHARE``) and pricing once between steps; past the deadline every open
        agent-date takes its largest LP column. None when the LP fails."""
        chosen: dict[int, int] = {}
        while not all(self.fixed):
            if not self.solve(None):
                return None
            ranked = sorted((self._largest(index) for index in range(len(self.items))
                             if not self.fixed[index]), reverse=True)
            count, late = _dive_step([entry[0] for entry in ranked], deadline)
            for _, index, column in ranked[:count]:
                self.columns[index][column].variable.SetLb(1.0)
                self.fixed[index] = True
                chosen[index] = column
            if not all(self.fixed) and not late and self.solve(deadline):
                self.price(False, deadline)
        return [self.columns[index][chosen[index]] for index in range(len(self.items))]


def whole_target(lp_value: float, weight: float) -> int:
    """The agent-intervals short a date's dives aim at for a master LP of ``lp_value``
    (objective units) at the understaffing ``weight``: rounded up, less
    ``TARGET_TOLERANCE``."""
    return math.ceil(lp_value / weight - TARGET_TOLERANCE)


def target_settled(lp_value: float, estimate: float, weight: float) -> bool:
    """Whether more pricing can no longer lower the dives' target (``whole_target``): the
    Lagrangian ``estimate``, a lower bound on the LP optimum, rounds to the same target
    as ``lp_value`` (both objective units). Measured on the ten 200x7 weeks at 60 s: dates
    stop pricing up to a few seconds sooner and leave the time to their dives and queue
    MIP, 90,060 understaffed agent-minutes in all on average over three runs against
    90,608 over two without it."""
    return whole_target(estimate, weight) >= whole_target(lp_value, weight)


def _dive_step(values: list[float], deadline: float) -> tuple[int, bool]:
    """How many of the open agent-dates, ranked by ``values`` (their largest LP value,
    highest first), a dive step fixes: every whole one and ``DIVE_SHARE`` of the
    fractional ones (at least one), or all of them once past ``deadline``; and whether
    it is past."""
    whole = sum(value > 1 - 1e-6 for value in values)
    fractional = len(values) - whole
    late = time.monotonic() >= deadline
    if late or not fractional:
        return len(values), late
    return whole + max(1, int(DIVE_SHARE * fractional)), late


_Kept = tuple[int, tuple[tuple[int, str], ...]]
"""A column's shape and its breaks' (offset, name)."""


def _kept_of(column: _Column) -> _Kept:
    """The column's shape and its breaks (``_Kept``)."""
    return column.shape, tuple((offset, detail) for offset, (kind, detail, _)
                               in enumerate(column.labels) if kind == "break")


def pattern_ceiling(problem: Problem, date: AgentDate, gains: npt.NDArray[np.float64]) -> float:
    """At least what any pattern of ``date``'s shift is worth under ``gains`` (per queue
    and offset, NaN where not allowed; objective units): every positive gain taken at
    each offset, less, per break of the shift type, the least its window could lose
    (breaks never overlap). Stress rules only lower it further."""
    best = np.nan_to_num(gains, nan=0.0).max(axis=0, initial=0.0)  # never below 0
    ceiling = float(best.sum())
    interval = problem.interval_minutes
    sums = np.concatenate(([0.0], np.cumsum(best)))
    for rule in problem.shift_type(date.shift.shift_type).breaks:
        length = rule.duration_minutes // interval
        earliest = rule.earliest_start_after_minutes // interval
        latest = min(rule.latest_start_after_minutes // interval, best.size - length)
        if earliest <= latest:
            starts = np.arange(earliest, latest + 1)
            ceiling -= float((sums[starts + length] - sums[starts]).min())
    return ceiling


def coverage_cost(replanner: Replanner, first: int, last: int) -> float:
    """Understaffing and overstaffing cost (objective units) of intervals ``first`` to
    ``last`` - 1 in the replanner's counts."""
    settings = replanner.problem.settings
    required = replanner.required[:, first:last]
    counts = replanner.counts[:, first:last]
    short = _shortage(replanner, first, last)
    over = np.where(required > 0, np.clip(counts - required, 0, None), 0)
    return float(settings.weight_understaffing * short.sum()
                 + settings.weight_overstaffing * over.sum())


@dataclass(frozen=True)
class DateOutcome:
    """What one date's re-plan did."""

    kept: bool
    """Whether its best dive lowered the date's coverage and pay cost and was kept."""
    target: int
    """Agent-intervals short the master LP leaves (understaffing weight) less
    ``TARGET_TOLERANCE``, rounded up; -1 when column generation did not converge."""
    size: ModelCount
    """The master LP's (variables, constraints) at the end."""


class DatesReplanned(NamedTuple):
    """What ``improve_dates`` returns."""

    solution: Solution
    kept: int
    """Date re-plans kept."""
    largest: ModelCount
    """The largest master LP's (variables, constraints)."""
    targets: dict[int, int]
    """Per date re-planned, its last ``DateOutcome.target``."""


def replan_date(replanner: Replanner, day: int, deadline: float,
                move_shifts: bool = False) -> DateOutcome:
    """Re-plan the activities of every agent-date on ``day`` together (``DateMaster``;
    with ``move_shifts`` each may also take another shift on the date), then each alone
    (``activities.descend``), until ``deadline``: after column generation, dives follow
    one another from the same master (each with the columns the ones before priced)
    while the time left is at least what the last one took, the last left more
    agent-intervals short than the target (``TARGET_TOLERANCE``) and one of the last
    ``STALL_DIVES`` found a better plan. On dates of up to ``QUEUE_MIP_MAX_AGENT_DATES``
    agent-dates the dives keep shifts and breaks (``DateMaster.shape_dive``),
    ``QUEUE_MIP_SHARE`` of the time after pricing is kept for the queue MIP
    (``_queues_assigned``), and each dive counts as short as the LP of that MIP
    (``queuemip.queue_lp_shortage``) says its shifts and breaks allow. The best is kept
    when it lowers the date's coverage and pay cost."""
    items = replanner.on_date(day)
    if not items:
        return DateOutcome(False, 0, (0, 0))
    master = DateMaster(replanner, items, move_shifts)
    before = coverage_cost(replanner, master.first, master.last)
    started = time.monotonic()
    lp_value = master.generate(started + PRICING_SHARE * (deadline - started))
    start = _plans(items)
    weight = replanner.problem.settings.weight_understaffing
    target = whole_target(lp_value, weight) if master.converged else -1
    best: tuple[float, list[_Plan], int] | None = None
    best_reach: float | None = None
    best_score = math.inf
    dives = best_dive = 0
    queue_mip = len(items) <= QUEUE_MIP_MAX_AGENT_DATES
    dives_end = deadline - queue_mip * QUEUE_MIP_SHARE * (deadline - time.monotonic())
    while True:
        dive_started = time.monotonic()
        columns = master.shape_dive(dives_end) if queue_mip else master.dive(dives_end)
        if columns is None:
            break
        dives += 1
        cost = _dived_cost(replanner, master, columns, deadline)
        rounded = short = int(_shortage(replanner, master.first, master.last).sum())
        reach = None
        if queue_mip:  # judged by what the MIP can reach with its shifts and breaks
            reach = queue_lp_shortage(replanner, items)
            short = short if reach is None else math.ceil(reach - TARGET_TOLERANCE)
        score = cost - weight * (rounded - short)
        if best is None or score < best_score - 1e-9:
            best = (cost, _plans(items), sum(column.shape > 0 for column in columns))
            best_score, best_dive, best_reach = score, dives, reach
        log.debug("date %d: dive %d leaves %d agent-intervals short", day, dives, short)
        _restore(replanner, items, start)
        now = time.monotonic()
        if dives_end - now < now - dive_started or short <= target \
                or dives - best_dive >= STALL_DIVES:
            break
        master.undive()
    size = (master.solver.NumVariables(), master.solver.NumConstraints())
    if best is not None and queue_mip:
        best = _queues_assigned(replanner, master, best, target, deadline, best_reach)
    if best is None:
        return DateOutcome(False, target, size)
    log.info("date %d: %d agent-dates, %d shifts moved, coverage %.1f -> %.1f agent-intervals"
             " (LP %.1f, best of %d dives) in %.1f s", day, len(items), best[2],
             before / weight, best[0] / weight, lp_value / weight, dives,
             time.monotonic() - started)
    kept = best[0] < before - 1e-9
    if kept:
        _restore(replanner, items, best[1])
    return DateOutcome(kept, target, size)


def _queues_assigned(replanner: Replanner, master: DateMaster,
                     best: tuple[float, list[_Plan], int], target: int, deadline: float,
                     reach: float | None = None) -> tuple[float, list[_Plan], int]:
    """The best dive's plans with their queues re-assigned by MIP
    (``queuemip.assign_queues``, given the dive's queue LP shortage ``reach`` when it was
    judged by it) when they leave more agent-intervals short than ``target`` and the MIP
    lowers their cost, else ``best``."""
    items = master.items
    start = _plans(items)
    _restore(replanner, items, best[1])
    pay = best[0] - coverage_cost(replanner, master.first, master.last)
    short = int(_shortage(replanner, master.first, master.last).sum())
    found = short > target and assign_queues(replanner, items, deadline, reach)
    cost = coverage_cost(replanner, master.first, master.last) + pay
    weight = replanner.problem.settings.weight_understaffing
    log.info("date %d: queues by MIP, coverage %.1f -> %.1f agent-intervals",
             items[0].shift.day, (best[0] - pay) / weight, (cost - pay) / weight)
    improved = (cost, _plans(items), best[2]) if found and cost < best[0] - 1e-9 else best
    _restore(replanner, items, start)
    return improved


_Plan = tuple[Shift, int, list[Label]]
"""An agent-date's shift, first interval and labels."""


def _plans(items: list[AgentDate]) -> list[_Plan]:
    """The items' current plans."""
    return [(item.shift, item.first, item.labels) for item in items]


def _restore(replanner: Replanner, items: list[AgentDate], plans: list[_Plan]) -> None:
    """Give the items ``plans`` (their phone time moved in the counts)."""
    for item, (shift, first, labels) in zip(items, plans, strict=True):
        replanner.relabel(item, labels, shift, first)


def _date_short(replanner: Replanner, day: int) -> int:
    """Agents short summed over the intervals of ``day`` in the replanner's counts."""
    per_day = MINUTES_PER_DAY // replanner.problem.interval_minutes
    return int(_shortage(replanner, day * per_day, (day + 1) * per_day).sum())


def _shortage(replanner: Replanner, first: int, last: int) -> npt.NDArray[np.int64]:
    """Agents short per (queue, interval) of intervals ``first`` to ``last`` - 1 in the
    replanner's counts."""
    return np.clip(replanner.required[:, first:last] - replanner.counts[:, first:last], 0,
                   None)


def _dived_cost(replanner: Replanner, master: DateMaster, columns: list[_Column],
                deadline: float) -> float:
    """Give the master's agent-dates the dive's ``columns``, re-plan each alone
    (``activities.descend``) and return the date's coverage cost plus the pay change of
    the shifts moved (objective units)."""
    pay = 0.0
    for item, shapes, column in zip(master.items, master.shapes, columns, strict=True):
        shape = shapes[column.shape]
        replanner.relabel(item, column.labels, shape.date.shift, shape.date.first)
        pay += shape.cost
    descend(replanner, deadline, master.items)
    return coverage_cost(replanner, master.first, master.last) + pay


def improve_dates(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                  solution: Solution, deadline: float, move_shifts: bool = False,
                  processes: int = 1) -> DatesReplanned:
    """``solution`` with each date's activities (with ``move_shifts`` also its shifts)
    re-planned together (``replan_date``) until ``deadline`` (``time.monotonic()``), each
    date an equal share of the time left (at least ``MIN_DATE_SECONDS``), the dates with
    fewest agents short first (they often end early and leave their time to the
    busiest); dates covered in full are skipped. While a pass over the dates keeps a new
    plan and time is left, another pass starts from the new roster over the dates still
    short of more than their target (``DateOutcome.target``). With ``processes`` above 1
    (and where the platform forks), that many dates, adjacent ones only when no other is
    waiting, are re-planned at once in their own processes, each process taking the next
    date as soon as it is free (``_parallel_pass``).
    """
    replanner = Replanner.of(problem, required, mode, solution)
    origins = {item.shift: item for item in replanner.dates}
    short = {day: _date_short(replanner, day) for day in range(problem.days)}
    days = sorted((day for day in short if short[day] > 0), key=short.__getitem__)
    parallel = processes > 1 and len(days) > 1 \
        and "fork" in multiprocessing.get_all_start_methods()
    kept = 0
    largest = (0, 0)
    targets: dict[int, int] = {}
    pool = ProcessPoolExecutor(
        max_workers=processes, mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker, initargs=(problem, required, mode, move_shifts),
    ) if parallel else None
    try:
        while time.monotonic() < deadline:
            days = [day for day in days if day not in targets or targets[day] < 0
                    or _date_short(replanner, day) > targets[day]]
            if not days:
                break
            try:
                kept_now, size = _parallel_pass(
                    pool, replanner, solution, origins, days, deadline, processes, targets,
                ) if pool is not None else _sequential_pass(replanner, days, deadline,
                                                            move_shifts, targets)
            except BrokenExecutor:
                log.warning("a date re-planning process ended abruptly; going on in one")
                pool.shutdown(cancel_futures=True)  # type: ignore[union-attr]
                pool = None
                continue
            kept += kept_now
            largest = max(largest, size)
            if not kept_now:
                break
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return DatesReplanned(replanned_solution(problem, solution, origins), kept, largest,
                          targets)


def _sequential_pass(replanner: Replanner, days: list[int], deadline: float,
                     move_shifts: bool, targets: dict[int, int]) -> tuple[int, ModelCount]:
    """One pass of ``replan_date`` over ``days`` in order, each an equal share of the
    time left; records each date's target in ``targets`` and returns the re-plans kept
    and the largest master LP's size."""
    kept = 0
    largest = (0, 0)
    for position, day in enumerate(days):
        left = deadline - time.monotonic()
        if left < MIN_DATE_SECONDS * (len(days) - position):
            break
        outcome = replan_date(replanner, day, time.monotonic() + left / (len(days) - position),
                              move_shifts)
        kept += outcome.kept
        largest = max(largest, outcome.size)
        _record_target(targets, day, outcome.target)
    return kept, largest


def _parallel_pass(pool: ProcessPoolExecutor, replanner: Replanner, solution: Solution,
                   origins: dict[Shift, AgentDate], days: list[int], deadline: float,
                   processes: int, targets: dict[int, int]) -> tuple[int, ModelCount]:
    """One pass over ``days`` in the pool's processes: whenever a process is free, the
    next waiting date (``next_dates``) starts from the roster as it is then, with an
    equal share of the process time left (at least ``MIN_DATE_SECONDS``, else it is
    skipped); each finished date's plans are taken at once (``take_date_plans``). A date
    of up to ``CLASH_REPLAN_MAX_AGENT_DATES`` agent-dates with a shift move refused there
    (clashing with the hours or rest of moves a date re-planned meanwhile made) waits
    again at the front, once per pass, for the plans refused or taken without the move:
    measured on 200 x 7, seed 5's Thursday (65 -> 54 agent-intervals short) was dropped
    for one move of 17 and seed 7's Tuesday (76 -> 60) taken at 73, and the next pass
    had 3-4 s for them.
    Records each date's target in ``targets`` and returns the re-plans kept and the
    largest master LP's size."""
    problem = replanner.problem
    waiting = list(days)
    clashed: set[int] = set()
    running: dict[Future[tuple[int, DateOutcome, list[_WorkerPlan]]], int] = {}
    paid: dict[int, dict[int, int]] = {}
    kept = 0
    largest = (0, 0)
    while waiting or running:
        for day in next_dates(waiting, list(running.values()), processes):
            dates_left = len(waiting) + len(running)
            share = (deadline - time.monotonic()) * min(processes, dates_left) / dates_left
            waiting.remove(day)
            if share < MIN_DATE_SECONDS:
                continue
            paid[day] = _paid_minutes(replanner)
            snapshot = replanned_solution(problem, solution, origins)
            date_deadline = min(deadline, time.monotonic() + share)
            running[pool.submit(_replan_in_worker, (snapshot, day, date_deadline))] = day
        if not running:
            continue
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            day, outcome, plans = future.result()
            del running[future]
            largest = max(largest, outcome.size)
            _record_target(targets, day, outcome.target)
            if not outcome.kept:
                continue
            taken, refused = take_date_plans(replanner, day, plans, paid[day])
            kept += taken
            if refused and day not in clashed and len(plans) <= CLASH_REPLAN_MAX_AGENT_DATES:
                log.info("date %d: its plans clashed with another date's; re-planned again",
                         day)
                clashed.add(day)
                waiting.insert(0, day)
    return kept, largest


def _record_target(targets: dict[int, int], day: int, target: int) -> None:
    """Keep ``day``'s new target, or its last known one when the new one is unknown."""
    if target >= 0 or day not in targets:
        targets[day] = target


def next_dates(waiting: list[int], running: list[int], processes: int) -> list[int]:
    """The waiting dates to start now, in order: while a process is free, the first not
    next to a date running or already chosen, else (rather than leave the process idle)
    the first waiting; ``take_date_plans`` refuses the shift moves two adjacent dates
    would make against each other's rest."""
    chosen: list[int] = []
    pending = list(waiting)
    while pending and len(running) + len(chosen) < processes:
        day = next((day for day in pending
                    if all(abs(day - other) > 1 for other in running + chosen)), pending[0])
        chosen.append(day)
        pending.remove(day)
    return chosen


_WorkerPlan = tuple[int, Shift, int, list[Label]]
"""An agent-date's agent index, shift, first interval and labels, as a worker returns
it."""
_worker: dict[str, object] = {}
"""The problem, requirement, mode and shift-move switch of a worker process."""


def _start_worker(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                  move_shifts: bool) -> None:
    """Keep what every date's re-plan in this worker process needs."""
    _worker.update(problem=problem, required=required, mode=mode, move_shifts=move_shifts)


def _replan_in_worker(task: tuple[Solution, int, float],
                      ) -> tuple[int, DateOutcome, list[_WorkerPlan]]:
    """``replan_date`` of one date of ``snapshot`` in a worker process: (date, outcome,
    the date's plans)."""
    snapshot, day, deadline = task
    problem = _worker["problem"]
    assert isinstance(problem, Problem)
    replanner = Replanner.of(problem, _worker["required"],  # type: ignore[arg-type]
                             _worker["mode"], snapshot)  # type: ignore[arg-type]
    outcome = replan_date(replanner, day, deadline, bool(_worker["move_shifts"]))
    plans = [(item.agent_index, item.shift, item.first, item.labels)
             for item in replanner.on_date(day)]
    return day, outcome, plans


def _paid_minutes(replanner: Replanner) -> dict[int, int]:
    """Paid minutes of each agent's shifts in the replanner."""
    return {agent: _paid(replanner.problem, items)
            for agent, items in replanner.by_agent.items()}


def _paid(problem: Problem, items: list[AgentDate]) -> int:
    """Paid minutes of the items' shifts."""
    return sum(problem.shift_type(item.shift.shift_type).paid_minutes for item in items)


class PlansTaken(NamedTuple):
    """What ``take_date_plans`` did with a worker's plans."""

    taken: int
    """1 when any plan was taken, else 0."""
    refused: int
    """Shift moves refused (against the hours or rest of another date's moves)."""


def take_date_plans(replanner: Replanner, day: int, plans: list[_WorkerPlan],
                    paid_before: dict[int, int]) -> PlansTaken:
    """Give ``day``'s agent-dates the worker's ``plans``, each whose shift moves keep its
    agent's week within the contract's hours together with the shifts other dates moved
    while this one was re-planned (``paid_before``: paid minutes as it started); when a
    move was refused and the date then covers worse than before, it keeps its plans."""
    items = {item.agent_index: item for item in replanner.on_date(day)}
    before = _plans(list(items.values()))
    first_interval = min(item.first for item in items.values())
    last_interval = max(item.first + len(item.labels) for item in items.values())
    cost = coverage_cost(replanner, first_interval, last_interval)
    taken = refused = 0
    for agent_index, shift, first, labels in plans:
        item = items[agent_index]
        if shift != item.shift and not (
                _hours_allow(replanner, item, shift, paid_before[agent_index])
                and _rest_allows(replanner, item, shift)):
            refused += 1
            continue
        if (shift, first, labels) != (item.shift, item.first, item.labels):
            replanner.relabel(item, labels, shift, first)
            taken = 1
    if refused and coverage_cost(replanner, first_interval, last_interval) > cost + 1e-9:
        _restore(replanner, list(items.values()), before)
        return PlansTaken(0, refused)
    return PlansTaken(taken, refused)


def _hours_allow(replanner: Replanner, item: AgentDate, shift: Shift, paid_before: int) -> bool:
    """Whether ``item`` may take ``shift`` as far as its agent's weekly hours go, with
    every other shift as the replanner has it now: at most the contract's maximum, and at
    least its minimum or no lower than ``paid_before``."""
    problem = replanner.problem
    agent = problem.agents[item.agent_index]
    paid = problem.shift_type(shift.shift_type).paid_minutes + _paid(
        problem, [other for other in replanner.by_agent[item.agent_index] if other is not item])
    return paid <= agent.max_paid_minutes and agent.keeps_min_hours(paid, paid_before)


def _rest_allows(replanner: Replanner, item: AgentDate, shift: Shift) -> bool:
    """Whether ``shift`` keeps the agent's min rest against its other shifts as the
    replanner has them now (a date re-planned at the same time may have moved them)."""
    problem = replanner.problem
    rest = problem.agents[item.agent_index].min_rest_minutes
    return not any(too_close(other.shift, shift, rest)
                   for other in replanner.by_agent[item.agent_index] if other is not item)
