"""Whole-week column generation bound on understaffing, against the Summary's class bound.

Usage::

    python benchmarks/week_column_bound.py 200x7 --seed 1

Each class of interchangeable agents (``bound.agent_classes``) takes a convex
combination of *week columns*: a shift on some of its dates, each with its breaks and
its interval-by-interval queues valid for every stress rule. The master LP minimises
understaffed agent-intervals; pricing is exact: per date and candidate shift, the day
programme (``activities.Programme``, the one the date re-plans price with) finds the
pattern worth the most under the coverage rows' duals, and a programme over the dates
combines them within max days, max consecutive days (with History), max paid hours and
min rest between shifts on adjacent dates (min hours and rest across a day off are
dropped, which can only lower the bound). Whatever the duals, the Lagrangian bound
(the duals times the requirement, less each class's best week) is valid, so the best
one is printed with the LP: at convergence they meet, and no LP over individual
agents' week schedules (min hours dropped) proves more. The Summary's bound
(``understaffing_lower_bound``, the compact class LP and MIP) is printed beside it.

The script is slow (14-21 minutes for 200x7 on 2 cores): it measures how much the class
model loses by summing its agents' runs and breaks, and is not part of ``solve``.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

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
from shiftcare.bound import _history_streak, agent_classes, understaffing_lower_bound
from shiftcare.model.options import Candidate, candidate_shifts
from shiftcare.pipeline import load
from shiftcare.problem import Mode, Problem
from shiftcare.samples import build_generated

MODE: Mode = "stress-aware"
CONVERGED = 0.01
"""Column generation stops once the Lagrangian bound is this close to the LP
(agent-intervals)."""

Cover = Counter[tuple[int, int]]
"""Phone intervals of a column per (queue, interval)."""
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
    """Exact pricing of week columns for every class under one set of duals."""

    def __init__(self, problem: Problem, required: npt.NDArray[np.int64],
                 classes: list[list[int]]) -> None:
        self.problem = problem
        self.required = required
        self.classes = classes
        self.limits: StressLimits | None = stress_limits(problem, MODE)
        self.candidates = [[[c for c in candidate_shifts(problem, group[0], day) if not c.blockers]
                            for day in range(problem.days)] for group in classes]
        self.masks: dict[tuple[object, ...], npt.NDArray[np.bool_]] = {}
        self.no_counts = np.zeros_like(required)

    def _profile(self, agent_index: int) -> tuple[object, ...]:
        agent = self.problem.agents[agent_index]
        return agent.skills, agent.complaint_eligible, agent.max_complaint_stretch_minutes

    def _allowed(self, item: AgentDate) -> npt.NDArray[np.bool_]:
        """Per (queue, offset of the item's shift): whether its agent may take that queue
        then (``activities.phone_gains``: skills, a requirement, complaint eligibility)."""
        key = (self._profile(item.agent_index), item.first, len(item.labels))
        if key not in self.masks:
            self.masks[key] = ~np.isnan(phone_gains(self.problem, self.required, MODE, item,
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

    def best_weeks(self, duals: npt.NDArray[np.float64]) -> list[tuple[float, Cover]]:
        """Per class, its best week column's worth and cover."""
        patterns: dict[tuple[object, ...], DayPattern | None] = {}
        weeks = []
        for index, group in enumerate(self.classes):
            days = []
            for day_candidates in self.candidates[index]:
                found = []
                for candidate in day_candidates:
                    key = (self._profile(group[0]), candidate.start, candidate.shift_type.id)
                    if key not in patterns:
                        patterns[key] = self.day_pattern(candidate, duals)
                    pattern = patterns[key]
                    if pattern is not None and pattern.worth > 0:
                        found.append(pattern)
                days.append(found)
            weeks.append(self._best_week(group[0], days))
        return weeks

    def _best_week(self, agent_index: int,
                   days: list[list[DayPattern]]) -> tuple[float, Cover]:
        """The agent's best week of the day patterns within its contract (see the module
        docstring for what is kept)."""
        agent = self.problem.agents[agent_index]
        rest = round(agent.min_rest_hours * 60)
        most_paid = round(agent.max_hours * 60)
        streak = _history_streak(self.problem, agent_index)
        states: dict[WeekState, tuple[float, tuple[DayPattern, ...]]] = {
            (-math.inf, streak, 0, 0): (0.0, ())}
        for patterns in days:
            following: dict[WeekState, tuple[float, tuple[DayPattern, ...]]] = {}
            for (last_end, in_row, worked, paid), (worth, chosen) in states.items():
                _keep(following, (-math.inf, 0, worked, paid), worth, chosen)
                if in_row >= agent.max_consecutive_days or worked >= agent.max_days:
                    continue
                for pattern in patterns:
                    candidate = pattern.candidate
                    total = paid + candidate.shift_type.paid_minutes
                    if candidate.start - last_end < rest or total > most_paid:
                        continue
                    _keep(following, (candidate.end, in_row + 1, worked + 1, total),
                          worth + pattern.worth, (*chosen, pattern))
            states = following
        worth, chosen = max(states.values(), key=lambda entry: entry[0])
        cover: Cover = Counter()
        for pattern in chosen:
            cover.update(pattern.cover)
        return worth, cover


def _keep(states: dict[WeekState, tuple[float, tuple[DayPattern, ...]]], key: WeekState,
          worth: float, chosen: tuple[DayPattern, ...]) -> None:
    """Keep ``chosen`` as ``key``'s week so far when it is worth the most yet."""
    if key not in states or worth > states[key][0]:
        states[key] = (worth, chosen)


class WeekMaster:
    """The master LP: per class, its agents shared over week columns; per (queue,
    interval) with a requirement, phone agents plus short at least the requirement."""

    def __init__(self, required: npt.NDArray[np.int64], classes: list[list[int]]) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.rows: dict[tuple[int, int], pywraplp.Constraint] = {}
        objective = self.solver.Objective()
        for (q, t), value in np.ndenumerate(required):
            if value > 0:
                row = self.solver.Constraint(float(value), self.solver.infinity())
                short = self.solver.NumVar(0.0, self.solver.infinity(), "")
                row.SetCoefficient(short, 1.0)
                objective.SetCoefficient(short, 1.0)
                self.rows[(int(q), int(t))] = row
        objective.SetMinimization()
        self.convexity = [self.solver.Constraint(0.0, float(len(group))) for group in classes]

    def add(self, index: int, cover: Cover) -> None:
        """A week column of class ``index``."""
        variable = self.solver.NumVar(0.0, self.solver.infinity(), "")
        self.convexity[index].SetCoefficient(variable, 1.0)
        for key, count in cover.items():
            if key in self.rows:
                self.rows[key].SetCoefficient(variable, float(count))

    def solve(self, shape: tuple[int, int]) -> tuple[float, npt.NDArray[np.float64], list[float]]:
        """(LP optimum, coverage duals padded by a day, convexity duals)."""
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"master LP ended with status {status}")
        duals = np.zeros(shape)
        for (q, t), row in self.rows.items():
            duals[q, t] = row.dual_value()
        return (self.solver.Objective().Value(), duals,
                [row.dual_value() for row in self.convexity])


def week_column_bound(problem: Problem, required: npt.NDArray[np.int64],
                      max_rounds: int) -> tuple[float, float, int]:
    """(LP optimum, best Lagrangian bound, rounds), both in agent-intervals."""
    classes = agent_classes(problem)
    pricing = WeekPricing(problem, required, classes)
    master = WeekMaster(required, classes)
    shape = (required.shape[0], required.shape[1] + problem.intervals_per_day)
    best = -math.inf
    value = math.inf
    started = time.monotonic()
    for round_number in range(1, max_rounds + 1):
        value, duals, convexity = master.solve(shape)
        weeks = pricing.best_weeks(duals)
        lagrangian = float((duals[:, :required.shape[1]] * required).sum()) - sum(
            len(group) * worth for group, (worth, _) in zip(classes, weeks, strict=True))
        best = max(best, lagrangian)
        entering = [(index, cover) for index, (worth, cover) in enumerate(weeks)
                    if worth + convexity[index] > 1e-6]
        for index, cover in entering:
            master.add(index, cover)
        if round_number % 10 == 0:
            print(f"round {round_number}: LP {value:.2f}, bound {best:.2f} agent-intervals, "
                  f"{time.monotonic() - started:.0f} s", flush=True)
        if not entering or best > value - CONVERGED:
            return value, best, round_number
    return value, best, max_rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", default="200x7", help="AGENTSxDAYS")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-rounds", type=int, default=1000)
    parser.add_argument("--class-seconds", type=float, default=120.0,
                        help="time for the Summary's class bound")
    args = parser.parse_args()
    agents, days = (int(part) for part in args.size.split("x"))
    with tempfile.TemporaryDirectory() as folder:
        source = build_generated(agents, days, 2, args.seed,
                                 path=Path(folder) / f"generated-{args.size}.xlsx")
        problem, required = load(source)
    interval = problem.interval_minutes
    started = time.monotonic()
    classed = understaffing_lower_bound(problem, required, MODE, args.class_seconds)
    class_seconds = time.monotonic() - started
    started = time.monotonic()
    value, best, rounds = week_column_bound(problem, required, args.max_rounds)
    seconds = time.monotonic() - started
    whole = math.ceil(best - 1e-6) * interval
    print("| instance | seed | class bound | week LP | week bound | rounds | seconds |")
    print("|---|---|---|---|---|---|---|")
    class_cell = "none" if classed is None else f"{classed:,.0f}"
    print(f"| {args.size} | {args.seed} | {class_cell} ({class_seconds:.0f} s) | "
          f"{value * interval:,.1f} | {whole:,} | {rounds} | {seconds:.0f} |")


if __name__ == "__main__":
    main()
