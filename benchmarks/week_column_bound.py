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
(``understaffing.understaffing_lower_bound``: the compact class LP, the Lagrangian
bound at its duals and the class MIP) is printed beside it.

The script is slow (10-21 minutes for 200x7 on 2 cores): it measures how much the class
model loses by summing its agents' runs and breaks, and is not part of ``solve``.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from shiftcare.bound import agent_classes
from shiftcare.pipeline import load
from shiftcare.problem import Mode, Problem
from shiftcare.samples import build_generated
from shiftcare.understaffing import Cover, WeekPricing, understaffing_lower_bound

MODE: Mode = "stress-aware"
CONVERGED = 0.01
"""Column generation stops once the Lagrangian bound is this close to the LP
(agent-intervals)."""

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
    pricing = WeekPricing(problem, required, classes, MODE)
    master = WeekMaster(required, classes)
    shape = (required.shape[0], required.shape[1] + problem.intervals_per_day)
    best = -math.inf
    value = math.inf
    started = time.monotonic()
    for round_number in range(1, max_rounds + 1):
        value, duals, convexity = master.solve(shape)
        weeks = pricing.best_weeks(duals)
        assert weeks is not None  # no deadline
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
