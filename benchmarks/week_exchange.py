"""What moving shifts between dates could still gain on a solved generated week.

Usage::

    python benchmarks/week_exchange.py 200x7 --seed 6

Solves the generated week as ``shiftcare solve`` does (``--time-limit``, ``--workers``),
then measures, outside the solve, what the column stage leaves: every date's re-plan
(``columns.replan_date``) keeps each agent on the dates the shift plan gave it. The
*week exchange master* is one LP over every agent-date of the week, each on its own
shift or on a shift its agent may work instead on one of its dates off
(``activities.shift_moves``: max days and hours, min rest, max consecutive days, History),
at most one such move per agent (so every combination of moves keeps those rules), with
columns priced exactly as the dates' masters price theirs (breaks placed anew). A dive
then settles the moves, the nearest to whole first (each move taken when its LP weight is
at least half, else the agent-date stays), pricing the agent-dates not settled between
steps (on seeds 6 and 9 of 200x7 that kept the dived LP 100-150 agent-minutes lower than
a dive without it, in less time), every agent-date takes its largest LP column,
and the column stage (``columns.improve_dates``, shifts movable within their dates)
re-plans the dates from there. The roster is checked by the validator.

It prints one row: the solved roster's understaffed agent-minutes, the exchange LP, the
moves the dive kept and its LP, the re-planned roster, the Summary's bound and both gaps,
the violations and the seconds of each step. It takes several minutes (the LP alone takes
20-40 s on 200x7, the dive minutes): more than ``solve``'s 60 s, so it is not part of it.
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np
from generated_week import gap_cell, load_week, solve_week, understaffed_minutes
from ortools.linear_solver import pywraplp

from shiftcare.activities import (
    AgentDate,
    Label,
    Replanner,
    candidate_date,
    descend,
    replanned_solution,
    shift_moves,
)
from shiftcare.columns import DateMaster, _Shape, improve_dates
from shiftcare.evaluate import validate
from shiftcare.problem import Mode

MODE: Mode = "stress-aware"
WHOLE = 1 - 1e-6
"""LP weight from which a move counts as whole."""
DIVE_PRICING_SECONDS = 30.0
"""Most time for one pricing round between dive steps (a round over the week's
agent-dates takes about a second on 200x7)."""


class WeekExchangeMaster(DateMaster):
    """The master LP of every agent-date of the week: its own shift or one it may work on
    one of its agent's dates off, at most one such move per agent."""

    settle_at_target = False
    """Its LP value is what the benchmark measures, so pricing goes on to its optimum."""

    def __init__(self, replanner: Replanner) -> None:
        self.move_rows: dict[int, pywraplp.Constraint] = {}
        """Per agent with a move column: its columns on moved shifts sum to at most 1."""
        super().__init__(replanner, list(replanner.dates))

    def _shapes(self, item: AgentDate, move_shifts: bool) -> list[_Shape]:
        """The item's own shift, then every shift its agent may work instead on one of
        its dates off."""
        replanner = self.replanner
        moves = [candidate for candidate in shift_moves(
            replanner.problem, item, replanner.by_agent[item.agent_index],
            replanner.unblocked) if candidate.day != item.shift.day]
        return [self._shape(item, item)] + [
            self._shape(item, candidate_date(replanner.problem, move)) for move in moves]

    def _shape(self, item: AgentDate, date: AgentDate) -> _Shape:
        """``DateMaster._shape``, its cost also counting the change in preferred days off
        worked (objective units)."""
        shape = super()._shape(item, date)
        problem = self.replanner.problem
        agent_id = item.shift.agent_id
        preferred = int(problem.prefers_off(agent_id, date.shift.day)) \
            - int(problem.prefers_off(agent_id, item.shift.day))
        shape.cost += problem.settings.weight_preference * preferred
        return shape

    def add_column(self, index: int, shape: int, labels: list[Label]) -> bool:
        """``DateMaster.add_column``; a column on a moved shift also enters its agent's
        move row."""
        added = super().add_column(index, shape, labels)
        if added and shape > 0:
            agent = self.items[index].agent_index
            if agent not in self.move_rows:
                self.move_rows[agent] = self.solver.Constraint(0.0, 1.0)
            self.move_rows[agent].SetCoefficient(self.columns[index][-1].variable, 1.0)
        return added

    def _pricing_cost(self, index: int, number: int) -> float:
        """The shape's cost, less its agent's move row dual on a moved shift."""
        cost = super()._pricing_cost(index, number)
        row = self.move_rows.get(self.items[index].agent_index)
        return cost - row.dual_value() if number > 0 and row is not None else cost


def _move_choice(master: WeekExchangeMaster, index: int) -> tuple[float, int, int] | None:
    """(confidence, agent-date, shape) of the agent-date's nearer whole choice in the LP:
    its heaviest move when that weighs at least half (confidence its weight), else its
    own shift (confidence 1 less every move's weight); None without move weight."""
    weights: dict[int, float] = {}
    for column in master.columns[index]:
        value = column.variable.solution_value()
        if column.shape > 0 and value > 1e-6:
            weights[column.shape] = weights.get(column.shape, 0.0) + value
    if not weights:
        return None
    shape = max(weights, key=weights.__getitem__)
    if weights[shape] >= 0.5:
        return weights[shape], index, shape
    return 1.0 - sum(weights.values()), index, 0


def _keep_shape(master: WeekExchangeMaster, index: int, shape: int) -> None:
    """Close the agent-date's columns on other shapes than ``shape`` (0 = its own) and
    leave it out of pricing."""
    for column in master.columns[index]:
        if column.shape != shape:
            column.variable.SetUb(0.0)
    master.fixed[index] = True


def dive_moves(master: WeekExchangeMaster, share: float, least: int) -> int:
    """Settle every agent-date's move in the LP, step by step: each step every whole
    choice (``_move_choice``) and ``share`` of the fractional ones (at least ``least``),
    most confident first; an agent moved keeps its other agent-dates on their own
    shifts. Between steps the agent-dates not settled are priced once (breaks placed
    anew). Returns the moves kept."""
    settled: set[int] = set()
    moved: set[int] = set()
    by_agent: dict[int, list[int]] = {}
    for index, item in enumerate(master.items):
        by_agent.setdefault(item.agent_index, []).append(index)
    while master.solve(None):
        choices = sorted((choice for choice in (_move_choice(master, index)
                                                for index in range(len(master.items))
                                                if index not in settled)
                          if choice is not None), reverse=True)
        if not choices:
            break
        whole = sum(choice[0] > WHOLE for choice in choices)
        count = whole + max(least, int(share * (len(choices) - whole)))
        for _, index, shape in choices[:count]:
            if index in settled:  # its agent moved another agent-date this step
                continue
            _keep_shape(master, index, shape)
            settled.add(index)
            if shape:
                agent = master.items[index].agent_index
                moved.add(agent)
                for other in by_agent[agent]:
                    if other not in settled:
                        _keep_shape(master, other, 0)
                        settled.add(other)
        if master.solve(None):
            master.price(True, time.monotonic() + DIVE_PRICING_SECONDS)
    for index in range(len(master.items)):
        if index not in settled:
            _keep_shape(master, index, 0)
    master.solve(None)
    return len(moved)


def take_largest_columns(master: WeekExchangeMaster) -> None:
    """Give every agent-date its largest LP column's shift and labels."""
    for index, item in enumerate(master.items):
        column = max(master.columns[index], key=lambda c: c.variable.solution_value())
        date = master.shapes[index][column.shape].date
        master.replanner.relabel(item, column.labels, date.shift, date.first)


def lp_short_minutes(master: WeekExchangeMaster) -> float:
    """Understaffed agent-minutes of the master's last LP solution (its objective also
    counts overstaffing and pay)."""
    problem = master.replanner.problem
    queues, horizon = master.replanner.required.shape
    covered = np.zeros((queues, horizon))
    for index, columns in enumerate(master.columns):
        for column in columns:
            value = column.variable.solution_value()
            first = master.shapes[index][column.shape].date.first
            for offset, (kind, detail, _) in enumerate(column.labels):
                if kind == "phone" and value > 0 and first + offset < horizon:
                    covered[problem.queue_index(detail), first + offset] += value
    short = np.clip(master.replanner.required - covered, 0, None).sum()
    return float(short) * problem.interval_minutes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", default="200x7", help="AGENTSxDAYS")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds for the solve itself")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--exchange-seconds", type=float, default=300.0,
                        help="time for the exchange LP's column generation")
    parser.add_argument("--share", type=float, default=0.25,
                        help="share of the fractional moves a dive step settles")
    parser.add_argument("--least", type=int, default=10,
                        help="fewest moves a dive step settles")
    parser.add_argument("--replan-seconds", type=float, default=30.0,
                        help="time for re-planning the dates after the dive")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    problem, required, started = load_week(args.size, args.seed)
    solved = solve_week(problem, required, started, args.time_limit, args.workers, args.seed)
    bound = solved.info.understaffed_bound
    replanner = Replanner.of(problem, required, MODE, solved)
    origins = {item.shift: item for item in replanner.dates}
    before = understaffed_minutes(problem, solved, required)

    clock = time.monotonic()
    master = WeekExchangeMaster(replanner)
    master.generate(clock + args.exchange_seconds)
    master.solve(None)  # the values of the last LP, which pricing may have added to
    exchange = lp_short_minutes(master)
    exchange_seconds = time.monotonic() - clock
    clock = time.monotonic()
    moves = dive_moves(master, args.share, args.least)
    dived = lp_short_minutes(master)
    take_largest_columns(master)
    descend(replanner, time.monotonic() + 5.0)
    dive_seconds = time.monotonic() - clock
    clock = time.monotonic()
    moved = replanned_solution(problem, solved, origins)
    replanned = improve_dates(problem, required, MODE, moved,
                              time.monotonic() + args.replan_seconds, True,
                              args.workers).solution
    replan_seconds = time.monotonic() - clock
    after = understaffed_minutes(problem, replanned, required)
    violations = len(validate(problem, replanned))

    print("| instance | seed | roster | exchange LP | moves | dived LP | re-planned | bound "
          "| gap before | gap after | violations | seconds (LP / dive / re-plan) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    bound_cell = "none" if bound is None else f"{bound:,.0f}"
    print(f"| {args.size} | {args.seed} | {before:,} | {exchange:,.1f} "
          f"| {moves} | {dived:,.1f} | {after:,} | {bound_cell} "
          f"| {gap_cell(before, bound)} | {gap_cell(after, bound)} | {violations} "
          f"| {exchange_seconds:.0f} / {dive_seconds:.0f} / {replan_seconds:.0f} |")


if __name__ == "__main__":
    main()
