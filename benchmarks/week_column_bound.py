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

With ``--per-date`` it also prints, at the last master LP, the agent-intervals short
and the agents at work on each date, and the agents of each contract class
(``bound.contract_classes``) at work on each date: where the LP puts its agents, to
compare with a roster's. An agent counts as at work on the dates its column has phone
time on.

Each round prices at 0.8 times the prices of the best bound so far plus 0.2 times the
master's duals (``--smoothing``, Wentges' smoothing; 0 prices at the duals alone), and
at the duals whenever that brings no column. With ``--solve-first`` the week is solved
first (as ``shiftcare solve`` does, ``--time-limit``, ``--workers``), the master starts
from every agent's week in that roster, and the row adds the roster's understaffing and
its gap to the Summary's bound and to the week bound. Both together converge in 2-5
minutes for 200x7 on 2 cores (104-181 rounds, against 235-360 rounds and 10-20 minutes
with neither); on seed 8 after 100 rounds the bound is 8,610 agent-minutes with both,
8,505 with smoothing alone and 7,710 with the roster's weeks alone. It measures how
much the class model loses by summing its agents' runs and breaks, and is not part of
``solve``.
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from generated_week import gap_cell, load_week, solve_week, understaffed_minutes
from ortools.linear_solver import pywraplp

from shiftcare.bound import agent_classes, contract_classes, whole_agent_minutes
from shiftcare.lp import solve_glop
from shiftcare.problem import Mode, Problem
from shiftcare.solution import Solution
from shiftcare.understaffing import (
    Cover,
    WeekPricing,
    lagrangian_value,
    understaffing_lower_bound,
)

MODE: Mode = "stress-aware"
CONVERGED = 0.01
"""Column generation stops once the Lagrangian bound is this close to the LP
(agent-intervals)."""
SMOOTHING = 0.8
"""Weight of the best bound's prices in each round's pricing (``week_column_bound``)."""

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
        self.classes = classes
        """The agents of each class (``bound.agent_classes``), one convexity row each."""
        self.convexity = [self.solver.Constraint(0.0, float(len(group))) for group in classes]
        self.columns: list[tuple[int, Cover, pywraplp.Variable]] = []
        """Each column's class, cover and variable."""

    def add(self, index: int, cover: Cover) -> None:
        """A week column of class ``index``."""
        variable = self.solver.NumVar(0.0, self.solver.infinity(), "")
        self.columns.append((index, cover, variable))
        self.convexity[index].SetCoefficient(variable, 1.0)
        for key, count in cover.items():
            if key in self.rows:
                self.rows[key].SetCoefficient(variable, float(count))

    def add_roster(self, problem: Problem, roster: Solution) -> None:
        """Each agent's week in ``roster`` (``roster_weeks``) as a column of its class."""
        class_of = {agent: index for index, group in enumerate(self.classes) for agent in group}
        for agent_index, cover in roster_weeks(problem, roster).items():
            self.add(class_of[agent_index], cover)

    def solve(self, shape: tuple[int, int]) -> tuple[float, npt.NDArray[np.float64], list[float]]:
        """(LP optimum, coverage duals padded by a day, convexity duals), solved by
        ``lp.solve_glop``."""
        status = solve_glop(self.solver)
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"master LP ended with status {status}")
        duals = np.zeros(shape)
        for (q, t), row in self.rows.items():
            duals[q, t] = row.dual_value()
        return (self.solver.Objective().Value(), duals,
                [row.dual_value() for row in self.convexity])


def week_column_bound(problem: Problem, required: npt.NDArray[np.int64], max_rounds: int,
                      master: WeekMaster | None = None, smoothing: float = 0.0,
                      ) -> tuple[float, float, int]:
    """(LP optimum, best Lagrangian bound, rounds), both in agent-intervals, generating
    the columns of ``master`` (one for ``agent_classes`` when not given).

    With ``smoothing`` above 0 each round prices at ``smoothing`` times the prices of the
    best bound so far plus the rest times the master's duals (Wentges' smoothing); a
    round whose smoothed pricing brings no column with a positive reduced cost at the
    master's duals prices at those duals instead, so the LP still converges."""
    master = WeekMaster(required, agent_classes(problem)) if master is None else master
    classes = master.classes
    pricing = WeekPricing(problem, required, classes, MODE)
    shape = (required.shape[0], required.shape[1] + problem.intervals_per_day)
    best = -math.inf
    centre: npt.NDArray[np.float64] | None = None
    value = math.inf
    started = time.monotonic()
    for round_number in range(1, max_rounds + 1):
        value, duals, convexity = master.solve(shape)
        points = [duals] if centre is None else [
            smoothing * centre + (1 - smoothing) * duals, duals]
        for prices in points:
            entering = _price(pricing, required, prices, duals, convexity)
            if entering.bound > best:
                best, centre = entering.bound, prices
            if entering.columns:
                break
        for index, cover in entering.columns:
            master.add(index, cover)
        if round_number % 10 == 0:
            print(f"round {round_number}: LP {value:.2f}, bound {best:.2f} agent-intervals, "
                  f"{time.monotonic() - started:.0f} s", flush=True)
        if not entering.columns or best > value - CONVERGED:
            return value, best, round_number
    return value, best, max_rounds


class _Priced(NamedTuple):
    """One pricing round: its Lagrangian bound and the columns entering the master."""

    bound: float
    columns: list[tuple[int, Cover]]


def _price(pricing: WeekPricing, required: npt.NDArray[np.int64],
           prices: npt.NDArray[np.float64], duals: npt.NDArray[np.float64],
           convexity: list[float]) -> _Priced:
    """Every class's best week at ``prices`` (the Lagrangian bound there), kept as a
    column when its reduced cost at the master's ``duals`` and ``convexity`` duals is
    positive."""
    weeks = pricing.best_weeks(prices)
    assert weeks is not None  # no deadline
    columns = [(index, cover) for index, (_, cover) in enumerate(weeks)
               if _cover_worth(cover, duals) + convexity[index] > 1e-6]
    return _Priced(lagrangian_value(required, prices, pricing.classes, weeks), columns)


def _cover_worth(cover: Cover, duals: npt.NDArray[np.float64]) -> float:
    """A column's phone intervals priced at ``duals`` (per queue and interval, padded)."""
    return float(sum(count * duals[q, t] for (q, t), count in cover.items()))


def roster_weeks(problem: Problem, roster: Solution) -> dict[int, Cover]:
    """Each agent's week in ``roster`` as a column: its phone intervals per (queue,
    interval); a valid week of the agent's class, to start the master from."""
    interval = problem.interval_minutes
    weeks: dict[int, Cover] = {}
    for block in roster.activities:
        if block.activity != "phone":
            continue
        cover = weeks.setdefault(problem.agent_index(block.agent_id), Counter())
        for t in range(block.start // interval, block.end // interval):
            cover[(problem.queue_index(block.detail), t)] += 1
    return weeks


def print_per_date(problem: Problem, required: npt.NDArray[np.int64],
                   master: WeekMaster) -> None:
    """Per date, the last master LP's agent-intervals short and agents at work; per
    contract class, its agents at work per date (one decimal)."""
    contract_of = {agent: number
                   for number, group in enumerate(contract_classes(problem, MODE))
                   for agent in group}
    per_day = problem.intervals_per_day
    phone = np.zeros(required.shape)
    at_work = np.zeros((max(contract_of.values()) + 1, problem.days))
    for index, cover, variable in master.columns:
        agents = variable.solution_value()
        if agents <= 1e-9:
            continue
        for (q, t), count in cover.items():
            if t < required.shape[1]:
                phone[q, t] += agents * count
        for day in {t // per_day for (_, t) in cover if t // per_day < problem.days}:
            at_work[contract_of[master.classes[index][0]], day] += agents
    short = np.clip(required - phone, 0, None)
    print("| date | agent-intervals short | agents at work |")
    print("|---|---|---|")
    for day in range(problem.days):
        print(f"| {day} | {short[:, day * per_day:(day + 1) * per_day].sum():.1f} | "
              f"{at_work[:, day].sum():.1f} |")
    print("| contract class | agents at work per date |")
    print("|---|---|")
    for number, row in enumerate(at_work):
        print(f"| {number} | {' / '.join(f'{value:.1f}' for value in row)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", default="200x7", help="AGENTSxDAYS")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-rounds", type=int, default=1000)
    parser.add_argument("--class-seconds", type=float, default=120.0,
                        help="time for the Summary's class bound (with --solve-first, "
                             "the solve's own is printed)")
    parser.add_argument("--smoothing", type=float, default=SMOOTHING,
                        help="weight of the best bound's prices in each round's pricing (0 = none)")
    parser.add_argument("--solve-first", action="store_true",
                        help="solve the week first (--time-limit, --workers) and start the "
                             "master from the roster's weeks")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds for the solve, with --solve-first")
    parser.add_argument("--workers", type=int, default=2,
                        help="CP-SAT workers of the solve, with --solve-first")
    parser.add_argument("--per-date", action="store_true",
                        help="also print where the last master LP puts its agents")
    args = parser.parse_args()
    problem, required, loaded = load_week(args.size, args.seed)
    interval = problem.interval_minutes
    master = WeekMaster(required, agent_classes(problem))
    roster: Solution | None = None
    if args.solve_first:
        roster = solve_week(problem, required, loaded, args.time_limit, args.workers,
                            args.seed)
        master.add_roster(problem, roster)
    started = time.monotonic()
    classed = (understaffing_lower_bound(problem, required, MODE, args.class_seconds)
               if roster is None else roster.info.understaffed_bound)
    class_seconds = time.monotonic() - started
    started = time.monotonic()
    value, best, rounds = week_column_bound(problem, required, args.max_rounds, master,
                                            args.smoothing)
    seconds = time.monotonic() - started
    whole = whole_agent_minutes(problem, best)
    print("| instance | seed | class bound | week LP | week bound | rounds | seconds "
          "| roster | gap (class / week bound) |")
    print("|---|---|---|---|---|---|---|---|---|")
    class_cell = "none" if classed is None else f"{classed:,.0f}"
    roster_cells = "none | none"
    if roster is not None:
        short = understaffed_minutes(problem, roster, required)
        roster_cells = f"{short:,} | {gap_cell(short, classed)} / {gap_cell(short, whole)}"
    print(f"| {args.size} | {args.seed} | {class_cell} ({class_seconds:.0f} s) | "
          f"{value * interval:,.1f} | {whole:,.0f} | {rounds} | {seconds:.0f} | {roster_cells} |")
    if args.per_date:
        print_per_date(problem, required, master)


if __name__ == "__main__":
    main()
