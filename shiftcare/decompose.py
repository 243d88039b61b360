"""Large instances: agent-group fix-and-optimise from a constructive roster, with an honest gap.

Above ``LARGE_AGENT_DAYS`` agent-dates one monolithic CP-SAT model does not pay within
minutes on two cores (measured: 200 agents x 7 days, ~160k variables, CP-SAT improved
the greedy roster by 12 % in 60 s; 1,000 x 28 would be ~3M variables). ``solve_large``
starts from the cheaper of two constructive rosters, both valid for every hard and
stress rule: ``shiftcare.greedy``'s and the shift plan's of
``shiftcare.shiftplan`` (``best_start``; its counts from the day-pattern master up to
``DAY_PATTERN_PLAN_MAX_AGENT_DATES``), re-plans its activities and moves its shifts
(another start, shift type or date off) by dynamic programming (``shiftcare.activities``,
``replan_share`` of the time limit), re-plans each date's activities for all its agents
together by column generation (``shiftcare.columns``, ``COLUMN_SHARE``; as many dates at
once, each in its own process, as there are workers; each date's best dive with its
queues re-assigned by MIP, ``shiftcare.queuemip``), re-places the activities of
windows of a few hours of the dates still short of more than their LP allows, every
agent of the date at once, with CP-SAT (``improve_windows``, ``WINDOW_SHARE`` less what
column generation took of it), and then,
until the time limit, re-solves one *block* (some agents on a window of dates) at a
time with CP-SAT while every other agent-date stays fixed:

- the sub-problem is the whole horizon with only the block's agents, ``off`` outside
  the window, each keeping exactly the hours and dates its fixed shifts leave; min rest
  against the fixed shifts and max consecutive days over the whole horizon (History
  included) are added to the block's model, so every rule holds exactly;
- its requirement is the *residual*: required minus what the fixed agent-dates put on
  the phone per queue and interval (clipped at 0), so its under- and overstaffing costs
  are the full objective's, less a constant;
- it starts from the block's current roster as a complete hint, so a sub-solve never
  returns a worse roster; windows and agent groups (mixing skills and contracts) are
  reshuffled every round;
- every other round (the first included) keeps the shifts fixed and places only breaks,
  recovery and queues again, per date for the agents working it (``activity_blocks``):
  a much smaller model, so CP-SAT gets further in the same time (measured on 200 x 7,
  60 s: 12,915-13,185 understaffed agent-minutes against 14,460 with shift rounds only).

The activities and shifts are re-planned once more at the end (``_polish_seconds``). The objective
of the final roster is computed from the validator's figures and the bound is the
compact LP bound of ``shiftcare.bound`` over the whole horizon.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from shiftcare.activities import improve_activities
from shiftcare.bound import (
    compact_lp_bounds,
    proven_agent_minutes,
    understaffing_objective_bound,
)
from shiftcare.columns import improve_dates
from shiftcare.evaluate import evaluate, validate
from shiftcare.greedy import greedy_roster
from shiftcare.model import BuiltModel, build_model
from shiftcare.model.builder import ShiftPolicy
from shiftcare.model.hints import add_solution_hint
from shiftcare.model.objective import objective_value
from shiftcare.problem import (
    MINUTES_PER_DAY,
    Availability,
    Mode,
    Problem,
    RosterEntry,
    too_close,
)
from shiftcare.shiftplan import (
    RefineCounts,
    ShiftPlan,
    plan_shift_counts,
    roster_from_plan,
)
from shiftcare.solution import ActivityBlock, Shift, Solution, SolveInfo
from shiftcare.understaffing import BackgroundBound, pattern_plan_counts

log = logging.getLogger("shiftcare")

LARGE_AGENT_DAYS = 1_000
"""Agent-dates above which ``solve()`` uses ``solve_large`` (measured on 200 x 7 = 1,400,
60 s, 2 workers: 34,155 understaffed agent-minutes against 37,725 with the full model)."""
BLOCK_AGENT_DAYS = 200
"""Agent-dates per fix-and-optimise block (e.g. 200 agents x 1 date)."""
WINDOW_DAYS = 1
"""Consecutive dates per block (measured on 200 x 7, 60 s: 1 date x 200 agents 34,155
understaffed agent-minutes, 2 dates x 200 agents 34,710)."""
PLAN_SHARE = 0.15
"""Share of the time limit the shift plan's LP may take (measured: 1.4 s on 200 x 7,
whose plan is done in about 2.5 s whatever the share; 61.7 s with the recovery rows on
1,000 x 28, 54.4 s without, so 10 % of 600 s left no margin: a plan not solved in time
falls back to the greedy start roster)."""
PATTERN_PLAN_SHARE = 0.35
"""Share of the time limit added to the plan's for the day-pattern master's shift
counts (``understaffing.pattern_plan_counts``: column generation until its LP settles,
then a dive over its patterns) on rosters of up to ``DAY_PATTERN_PLAN_MAX_AGENT_DATES``
agent-dates; the plan takes 11-21 s of it on 200 x 7. Measured on the ten generated
200 x 7 weeks at 60 s on 2 cores (``benchmarks/run_scale.py``, understaffed
agent-minutes in all; weeks within 1 % of the bound): 89,385 and 8 of 10 against the
compact LP's plan's 89,565 and 6 of 10 (89,145 and 10 of 10 with
``PATTERN_REPLAN_SHARE``); its counts alone, computed before the solve
and given to it at no cost, 8,985 / 8,655 / 9,675 / 9,915 on seeds 6 / 8 / 3 / 9,
against 9,060 / 8,850 / 9,795 / 10,020 with the compact plan. The day-pattern LP's
counts rounded without the dive gained on seeds 8 and 3 only (9,180 / 8,775 / 9,675 /
10,020)."""
DAY_PATTERN_PLAN_MAX_AGENT_DATES = 2_000
"""Agent-dates up to which the shift plan may take the day-pattern master's counts
(column generation over whole weeks of day patterns takes 15-25 s on 1,400)."""
MATCH_SHARE = 0.05
"""Share of the time limit for naming agents for the planned shifts over the whole week
(``shiftplan.match_week``)."""
REPLAN_SHARE = 0.1
"""Share of the time limit for re-planning the start roster's activities and shifts
(``activities.improve_activities``) before column generation."""
PATTERN_REPLAN_SHARE = 0.05
"""``REPLAN_SHARE`` after a shift plan from day patterns (``uses_day_patterns``), whose
counts already place each agent's day whole, so column generation gets the time the
plan took back in part. Measured on the ten generated 200 x 7 weeks at 60 s on 2 cores
(``benchmarks/run_scale.py``): 89,145 understaffed agent-minutes in all and every week
within 1 % of its bound, against 89,385 and 89,370 with 0.1 (8 of 10 in both runs)."""
COLUMN_SHARE = 0.55
"""Share of the time limit for re-planning each date's activities together by column
generation (``columns.improve_dates``), before the windows, whose share it may take too
(``WINDOW_SHARE``), and fix-and-optimise (measured on 200 x 7 at 60 s, seeds 0 / 1 / 2
summed, with the windows after it: 0.55 23,640 understaffed agent-minutes, 0.5 23,655;
0.7 before the windows; earlier, with breaks moved one at a time in pricing: re-planning
20 % and columns 50 % 26,205, 20 % and 70 % 25,560, 10 % and 60 % 25,140, 10 % and 70 %
25,095, 5 % and 75 % 25,155)."""
WINDOW_SHARE = 0.15
"""Share of the time limit for CP-SAT on windows of a date (``improve_windows``), after
column generation, which may take it first: the windows get what column generation
leaves of the two shares. Measured on 200 x 7 at 60 s with the queue MIP's local search
(understaffed agent-minutes, seeds 0 / 1 / 2): 8,265 / 6,420 / 8,445 (three runs of
seed 2), against 8,265 / 6,420 / 8,490-8,505 with the 15 % held for the windows, which
gained nothing on any of those weeks."""
IDLE_BOUND_MAX_AGENT_DATES = 2_000
"""Agent-dates up to which the understaffing bound's process goes on after its share, on
the cycles the roster leaves idle (``start_understaffing_bound``). Measured at 60 s on
2 cores, 200 x 7 (1,400): the day patterns converge on seeds 3 and 8 (9,645 and 8,655
against 9,525 and 8,175), rosters within the noise; 1,000 x 28 in 600 s, one run each:
the same bound, 177,030, and a roster 182,805 against 180,825 without (two runs of one
code there differ by about 600); on 500 x 7 the bound is the roster's already."""
WINDOW_MAX_AGENTS = 500
"""Agents above which the window stage's share goes to column generation
(``stage_shares``): a window holds every agent of its date, and on the generated
1,000 x 28 week (900-980 agents a date) the stage gained one window in 22 s; with its
time in column generation the roster was 180,540 and 180,720 understaffed agent-minutes
in two runs, against 180,705-180,780 in three runs without."""
WINDOW_INTERVALS = 16
"""Intervals of one window (4 hours at 15 minutes)."""
WINDOW_SECONDS = 3.0
"""CP-SAT's time limit on one window (measured on 200 x 7 dates after column generation:
the windows that gained were solved, or improved, in 0.9-3.0 s)."""
MIN_SUBSOLVE_SECONDS = 2.0
"""A block is not started with less time than this left."""
ProgressFn = Callable[[float, float, float], None]
"""Called on each improving roster with (seconds, objective, best bound)."""


@dataclass(frozen=True)
class LargeOptions:
    """Time, threads and seed of the decomposition (seconds)."""

    time_limit_seconds: float
    workers: int = 2
    seed: int = 0
    block_agent_days: int = BLOCK_AGENT_DAYS
    window_days: int = WINDOW_DAYS
    subsolve_seconds: float | None = None
    """Wall-clock limit of one block's CP-SAT solve (model building included); None = an
    equal share of the time left in the round."""
    plan_share: float = PLAN_SHARE
    """Share of the time limit for the shift plan's LP (``shiftcare.shiftplan``); 0 =
    start from the greedy roster only."""
    pattern_plan_share: float = PATTERN_PLAN_SHARE
    """Share of the time limit added to ``plan_share`` for the day-pattern master's
    shift counts (up to ``DAY_PATTERN_PLAN_MAX_AGENT_DATES``); 0 = the compact LP's."""
    column_share: float = COLUMN_SHARE
    """Share of the time limit for ``columns.improve_dates``; 0 = none."""
    window_share: float = WINDOW_SHARE
    """Share of the time limit for ``improve_windows``; 0 = none."""
    column_shift_moves: bool = True
    """Whether column generation may also move shifts within their date."""
    activity_rounds: bool = True
    """Alternate rounds of ``activity_blocks`` (shifts fixed, from the first round on) with
    rounds of ``round_blocks``; False = ``round_blocks`` only."""


def worker_count(workers: int) -> int:
    """Workers to use: ``workers``, or one per core when it is 0 (or less)."""
    return workers if workers > 0 else os.cpu_count() or 1


def is_large(problem: Problem) -> bool:
    """Whether ``problem`` has more agent-dates than ``LARGE_AGENT_DAYS``."""
    return problem.agent_dates > LARGE_AGENT_DAYS


def roster_objective(problem: Problem, solution: Solution,
                     required: npt.NDArray[np.int64]) -> float:
    """The model's objective (workbook weight units) of a roster, from the validator.

    Understaffing and overstaffing per agent-interval, paid hours, ``prefer_off`` dates
    worked and the complaint-minute spread in hours, each times its Settings weight.
    """
    settings = problem.settings
    kpis = evaluate(problem, solution, required).kpis
    interval = problem.interval_minutes
    broken = sum(problem.prefers_off(s.agent_id, s.day) for s in solution.shifts)
    return (settings.weight_understaffing * float(kpis["understaffed_agent_minutes"]) / interval
            + settings.weight_overstaffing * float(kpis["overstaffed_agent_minutes"]) / interval
            + settings.weight_paid_hour * float(kpis["paid_hours"])
            + settings.weight_preference * broken
            + settings.weight_complaint_fairness
            * float(kpis.get("complaint_minutes_spread", 0)) / 60)


# --------------------------------------------------------------------------- roster state


@dataclass
class _AgentRoster:
    """One agent's shifts and activity blocks, and their phone count per (queue, interval)."""

    shifts: list[Shift]
    blocks: list[ActivityBlock]
    phone: npt.NDArray[np.int64]


def phone_counts(problem: Problem, blocks: Sequence[ActivityBlock]) -> npt.NDArray[np.int64]:
    """Agents on the phone per (queue, interval of the horizon) in ``blocks``."""
    counts = np.zeros((len(problem.queues), problem.num_intervals), dtype=np.int64)
    interval = problem.interval_minutes
    for block in blocks:
        if block.activity != "phone":
            continue
        first = min(block.start // interval, problem.num_intervals)
        last = min(block.end // interval, problem.num_intervals)
        counts[problem.queue_index(block.detail), first:last] += 1
    return counts


def _split_roster(problem: Problem, solution: Solution) -> dict[str, _AgentRoster]:
    """The roster per agent id (every agent, also those without shifts)."""
    shifts: dict[str, list[Shift]] = {a.id: [] for a in problem.agents}
    blocks: dict[str, list[ActivityBlock]] = {a.id: [] for a in problem.agents}
    for shift in solution.shifts:
        shifts[shift.agent_id].append(shift)
    for block in solution.activities:
        blocks[block.agent_id].append(block)
    return {agent_id: _AgentRoster(shifts[agent_id], blocks[agent_id],
                                   phone_counts(problem, blocks[agent_id]))
            for agent_id in shifts}


def _join_roster(problem: Problem, rosters: dict[str, _AgentRoster], info: SolveInfo) -> Solution:
    """One Solution from the per-agent rosters, in agent order."""
    shifts: list[Shift] = []
    blocks: list[ActivityBlock] = []
    for agent in problem.agents:
        shifts.extend(sorted(rosters[agent.id].shifts, key=lambda s: s.start))
        blocks.extend(sorted(rosters[agent.id].blocks, key=lambda b: b.start))
    return Solution(tuple(shifts), tuple(blocks), info)


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    """The part of the roster one sub-solve may change: some agents on some dates."""

    agents: tuple[int, ...]
    days: tuple[int, ...]
    fixed_shifts: bool = False
    """Only breaks, recovery and queues change; the block's shifts stay as they are."""
    window: tuple[int, int] | None = None
    """With ``fixed_shifts``: only phone intervals first..last - 1 of the horizon and the
    breaks lying wholly inside them change."""


def agent_groups(problem: Problem, per_group: int, rng: np.random.Generator,
                 agents: Sequence[int] | None = None) -> list[list[int]]:
    """Agent indices (all, or ``agents``) split into groups of about ``per_group`` agents.

    Agents are shuffled, sorted by (skills, shift types) and dealt round-robin, so every
    group mixes skills and contracts in about the problem's proportions.
    """
    pool = list(range(len(problem.agents))) if agents is None else list(agents)
    count = max(1, math.ceil(len(pool) / max(1, per_group)))
    order = [pool[int(i)] for i in rng.permutation(len(pool))]
    order.sort(key=lambda i: (problem.agents[i].skills, problem.agents[i].shift_types))
    groups: list[list[int]] = [[] for _ in range(count)]
    for position, agent_index in enumerate(order):
        groups[position % count].append(agent_index)
    return [sorted(group) for group in groups if group]


def round_blocks(problem: Problem, block_agent_days: int, window_days: int,
                 rng: np.random.Generator) -> list[Block]:
    """One round: windows of ``window_days`` consecutive dates (random offset), each split
    into agent groups of about ``block_agent_days`` agent-dates; every agent-date is in
    exactly one block."""
    window = max(1, min(window_days, problem.days))
    offset = int(rng.integers(window)) if window < problem.days else 0
    starts = sorted({max(0, s) for s in range(offset - window, problem.days, window)})
    blocks: list[Block] = []
    for first in starts:
        days = tuple(d for d in range(first, min(first + window, problem.days)))
        if not days:
            continue
        per_group = max(1, block_agent_days // len(days))
        blocks.extend(Block(tuple(group), days)
                      for group in agent_groups(problem, per_group, rng))
    order = rng.permutation(len(blocks))
    return [blocks[int(i)] for i in order]


def activity_blocks(problem: Problem, rosters: dict[str, _AgentRoster], per_block: int,
                    rng: np.random.Generator) -> list[Block]:
    """One round of blocks with shifts fixed (only breaks, recovery and queues are placed
    again), in random order: per date, the agents working it in groups of about
    ``per_block`` (``agent_groups``)."""
    blocks: list[Block] = []
    for day in range(problem.days):
        working = [i for i, agent in enumerate(problem.agents)
                   if any(s.day == day for s in rosters[agent.id].shifts)]
        if working:
            blocks.extend(Block(tuple(group), (day,), fixed_shifts=True)
                          for group in agent_groups(problem, per_block, rng, working))
    order = rng.permutation(len(blocks))
    return [blocks[int(i)] for i in order]


def _fixed_outside(roster: _AgentRoster, days: Sequence[int]) -> list[Shift]:
    """The agent's shifts on dates outside the block's window (they stay as they are)."""
    inside = set(days)
    return [s for s in roster.shifts if s.day not in inside]


def block_problem(problem: Problem, block: Block,
                  rosters: dict[str, _AgentRoster]) -> Problem:
    """``problem`` for the block's agents, who may work only on the block's dates.

    Dates outside the window are ``off``; each agent's min/max hours and max days are
    what the fixed shifts outside the window leave. Rest and consecutive days across the
    window's edges are added to the model by ``_add_edge_rules``. Fairness is left out
    (its spread is over the whole horizon; weight 5 per hour against 1,000 per missing
    agent-interval).
    """
    agents = []
    ids = set()
    inside = set(block.days)
    for index in block.agents:
        agent = problem.agents[index]
        fixed = _fixed_outside(rosters[agent.id], block.days)
        paid = sum(problem.shift_type(s.shift_type).paid_minutes for s in fixed)
        agents.append(replace(
            agent,
            min_hours=max(0.0, agent.min_hours - paid / 60),
            max_hours=max(0.0, agent.max_hours - paid / 60),
            max_days=max(0, agent.max_days - len(fixed)),
        ))
        ids.add(agent.id)
    availability = [a for a in problem.availability if a.agent_id in ids and a.day in inside]
    availability.extend(Availability(agent_id, day, "off")
                        for agent_id in sorted(ids) for day in range(problem.days)
                        if day not in inside)
    settings = problem.settings
    if len(block.days) < problem.days:
        settings = replace(settings, weight_complaint_fairness=0.0)
    return problem.replace(
        agents=tuple(agents), availability=tuple(availability), settings=settings,
        history=tuple(h for h in problem.history if h.agent_id in ids),
    )


def _add_edge_rules(built: BuiltModel, block: Block, rosters: dict[str, _AgentRoster]) -> None:
    """Min rest against the fixed shifts, and max consecutive days over the whole
    horizon (fixed dates and History included), for the block's agents."""
    problem = built.problem
    model = built.model
    for agent_index, agent_days in built.by_agent().items():
        agent = problem.agents[agent_index]
        fixed = _fixed_outside(rosters[agent.id], block.days)
        rest = agent.min_rest_minutes
        for agent_day in agent_days:
            for candidate, var in zip(agent_day.candidates, agent_day.shift_vars, strict=True):
                if any(too_close(f, candidate, rest) for f in fixed):
                    model.add(var == 0)
        if not fixed and problem.history_of(agent.id) is None:
            continue
        limit = agent.max_consecutive_days
        history = problem.history_of(agent.id)
        before = 0 if history is None else history.consecutive_days_worked
        worked: dict[int, cp_model.LinearExprT | int] = {d: 1 for d in range(-before, 0)}
        worked.update({s.day: 1 for s in fixed})
        worked.update({d.day: d.works() for d in agent_days})
        for first in range(-before, problem.days - limit):
            span = range(first, first + limit + 1)
            if not any(d in block.days for d in span):
                continue
            terms = [worked[d] for d in span if d in worked]
            if len(terms) > limit:
                model.add(cp_model.LinearExpr.sum(terms) <= limit)


def residual_requirement(required: npt.NDArray[np.int64],
                         others_on_phone: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """What is still required once the fixed agents are on the phone (never below 0)."""
    return np.clip(required - others_on_phone, 0, None).astype(np.int64)


# --------------------------------------------------------------------------- sub-solve


@dataclass(frozen=True, order=True)
class ModelSize:
    """Variables and constraints of one CP-SAT model."""

    variables: int = 0
    constraints: int = 0


@dataclass(frozen=True)
class _SubResult:
    """A block's new roster (None when CP-SAT found nothing better than the hint)."""

    solution: Solution | None
    size: ModelSize


def _block_roster(problem: Problem, block: Block,
                  rosters: dict[str, _AgentRoster]) -> Solution:
    """The block's agents' current shifts and blocks on the block's dates."""
    inside = set(block.days)
    shifts: list[Shift] = []
    blocks: list[ActivityBlock] = []
    for index in block.agents:
        roster = rosters[problem.agents[index].id]
        shifts.extend(s for s in roster.shifts if s.day in inside)
        blocks.extend(b for b in roster.blocks if b.day in inside)
    return Solution(tuple(shifts), tuple(blocks))


def _solve_block(problem: Problem, block: Block, rosters: dict[str, _AgentRoster],
                 current: Solution, residual: npt.NDArray[np.int64], mode: Mode,
                 seconds: float, deadline: float, workers: int, seed: int) -> _SubResult:
    """CP-SAT on one block's sub-problem, hinted with its ``current`` roster
    (``_block_roster``), for ``seconds`` but never past ``deadline`` (``time.monotonic()``;
    model building included)."""
    from shiftcare.solve import extract_roster, hinted_objective  # solve imports this module

    if block.fixed_shifts:
        built = build_model(_fixed_shift_problem(problem, block, current), residual, mode,
                            policy=ShiftPolicy("fixed"))
    else:
        built = build_model(block_problem(problem, block, rosters), residual, mode)
        _add_edge_rules(built, block, rosters)
    add_solution_hint(built, current)
    if block.window is not None:
        _fix_outside(built, *block.window)
    hinted = hinted_objective(built)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, min(seconds,
                                                         deadline - time.monotonic()))
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    status = solver.solve(built.model)
    size = ModelSize(len(built.model.proto.variables), len(built.model.proto.constraints))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _SubResult(None, size)
    if solver.objective_value >= hinted - 0.5:
        return _SubResult(None, size)
    shifts, blocks = extract_roster(built, solver)
    log.debug("block of %d agents x %d dates: %.0f -> %.0f", len(block.agents),
              len(block.days), objective_value(built, hinted),
              objective_value(built, solver.objective_value))
    return _SubResult(Solution(shifts, blocks), size)


def _fix_outside(built: BuiltModel, first: int, last: int) -> None:
    """Fix to its hinted value every phone variable outside intervals ``first`` to
    ``last`` - 1 and every break start whose break does not lie wholly inside them."""
    proto = built.model.proto
    hint = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    problem = built.problem
    for agent_day in built.agent_days:
        for (_, t), var in agent_day.phone.items():
            if not first <= t < last:
                built.model.add(var == hint[var.index])
        for (type_id, name, t), var in agent_day.break_vars.items():
            rule = next(r for r in problem.shift_type(type_id).breaks if r.name == name)
            if not first <= t <= last - rule.duration_minutes // built.interval:
                built.model.add(var == hint[var.index])


def _fixed_shift_problem(problem: Problem, block: Block, current: Solution) -> Problem:
    """``problem`` for the block's agents with their current shifts as a fixed Roster (the
    shifts are already valid, so contract rules, availability and History are left out)."""
    ids = {problem.agents[i].id for i in block.agents}
    roster = tuple(RosterEntry(s.agent_id, s.day, s.start, s.end, s.shift_type)
                   for s in current.shifts)
    return problem.replace(
        agents=tuple(problem.agents[i] for i in block.agents), existing_roster=roster,
        availability=(), history=tuple(h for h in problem.history if h.agent_id in ids),
        settings=replace(problem.settings, weight_complaint_fairness=0.0))


def _fast_objective(problem: Problem, rosters: dict[str, _AgentRoster],
                    required: npt.NDArray[np.int64]) -> float:
    """Coverage, paid-hour and preference cost of the rosters (fairness left out), for
    progress reports between sub-solves (the final objective comes from the validator)."""
    settings = problem.settings
    scheduled = sum((r.phone for r in rosters.values()),
                    np.zeros_like(required, dtype=np.int64))
    under = float(np.clip(required - scheduled, 0, None).sum())
    over = float(np.clip(scheduled - required, 0, None).sum())
    paid = sum(problem.shift_type(s.shift_type).paid_minutes
               for r in rosters.values() for s in r.shifts)
    broken = sum(problem.prefers_off(s.agent_id, s.day)
                 for r in rosters.values() for s in r.shifts)
    return (settings.weight_understaffing * under + settings.weight_overstaffing * over
            + settings.weight_paid_hour * paid / 60 + settings.weight_preference * broken)


def fix_and_optimise(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                     start: Solution, options: LargeOptions, deadline: float,
                     progress: Callable[[float], None] | None = None) -> tuple[Solution, ModelSize]:
    """Improve ``start`` block by block (``round_blocks``) until ``deadline``
    (``time.monotonic()``).

    Returns the roster and the size of the largest sub-model. ``progress`` gets the
    (fast) objective after every improving block.
    """
    rng = np.random.default_rng(options.seed)
    rosters = _split_roster(problem, start)
    total = sum((r.phone for r in rosters.values()), np.zeros_like(required, dtype=np.int64))
    largest = ModelSize()
    rounds = 0
    while deadline - time.monotonic() > MIN_SUBSOLVE_SECONDS:
        if rounds % 2 == 0 and options.activity_rounds:
            blocks = activity_blocks(problem, rosters, options.block_agent_days, rng)
        else:
            blocks = round_blocks(problem, options.block_agent_days, options.window_days, rng)
        improved = 0
        for position, block in enumerate(blocks):
            left = deadline - time.monotonic()
            if left < MIN_SUBSOLVE_SECONDS:
                break
            seconds = options.subsolve_seconds or max(
                MIN_SUBSOLVE_SECONDS, left / max(1, len(blocks) - position))
            better, size = _improve_block(problem, block, rosters, total, required, mode,
                                          seconds, deadline, options.workers,
                                          options.seed + rounds)
            largest = max(largest, size)
            if not better:
                continue
            improved += 1
            if progress is not None:
                progress(_fast_objective(problem, rosters, required))
        rounds += 1
        log.info("fix-and-optimise round %d: %d of %d blocks improved", rounds, improved,
                 len(blocks))
    return _join_roster(problem, rosters, SolveInfo()), largest


def _improve_block(problem: Problem, block: Block, rosters: dict[str, _AgentRoster],
                   total: npt.NDArray[np.int64], required: npt.NDArray[np.int64], mode: Mode,
                   seconds: float, deadline: float, workers: int, seed: int,
                   ) -> tuple[bool, ModelSize]:
    """CP-SAT on ``block`` (``_solve_block``) against what every other agent-date puts on
    the phone (``total``, per queue and interval, less the block's own); a better roster
    replaces the block's in ``rosters`` and ``total``. Returns whether it did and the
    sub-model's size."""
    current = _block_roster(problem, block, rosters)
    own = phone_counts(problem, current.activities)
    result = _solve_block(problem, block, rosters, current,
                          residual_requirement(required, total - own), mode, seconds,
                          deadline, workers, seed)
    if result.solution is None:
        return False, result.size
    _apply(problem, block, rosters, result.solution)
    total += phone_counts(problem, result.solution.activities) - own
    return True, result.size


def _apply(problem: Problem, block: Block, rosters: dict[str, _AgentRoster],
           solution: Solution) -> None:
    """Replace the block's agents' shifts on the block's dates with ``solution``'s."""
    inside = set(block.days)
    for index in block.agents:
        agent_id = problem.agents[index].id
        old = rosters[agent_id]
        shifts = [s for s in old.shifts if s.day not in inside]
        shifts.extend(s for s in solution.shifts if s.agent_id == agent_id)
        blocks = [b for b in old.blocks if b.day not in inside]
        blocks.extend(b for b in solution.activities if b.agent_id == agent_id)
        rosters[agent_id] = _AgentRoster(shifts, blocks, phone_counts(problem, blocks))


def window_blocks(problem: Problem, rosters: dict[str, _AgentRoster],
                  short: npt.NDArray[np.int64], targets: dict[int, int], offset: int,
                  ) -> list[Block]:
    """Blocks of ``WINDOW_INTERVALS`` intervals with the shifts fixed, for every agent
    working the date: on each date short of more agent-intervals (``short``: per
    interval of the horizon) than its target (0 when it has none), one window centred
    ``offset`` intervals after each interval short that the window before does not
    reach. Dates take turns, the one most above its target first, and each date's
    windows go from the least short to the most (a lone agent short where the rest is
    covered is what moving several agents' runs and breaks can mend; a peak short all
    along is not)."""
    per_day = MINUTES_PER_DAY // problem.interval_minutes
    excess = {day: int(short[day * per_day:(day + 1) * per_day].sum()) - targets.get(day, 0)
              for day in range(problem.days)}
    turns: list[list[Block]] = []
    for day in sorted((day for day in excess if excess[day] > 0), key=lambda d: -excess[d]):
        working = tuple(i for i, agent in enumerate(problem.agents)
                        if any(s.day == day for s in rosters[agent.id].shifts))
        windows: list[tuple[int, int]] = []
        for t in range(day * per_day, (day + 1) * per_day):
            if short[t] == 0 or (windows and t < windows[-1][1]):
                continue
            first = max(0, t + offset - WINDOW_INTERVALS // 2)
            windows.append((first, min(problem.num_intervals, first + WINDOW_INTERVALS)))
        windows.sort(key=lambda w: int(short[w[0]:w[1]].sum()))
        turns.append([Block(working, (day,), fixed_shifts=True, window=w) for w in windows])
    return [turn[i] for i in range(max(map(len, turns), default=0))
            for turn in turns if i < len(turn)]


def improve_windows(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                    start: Solution, targets: dict[int, int], options: LargeOptions,
                    deadline: float) -> tuple[Solution, int, ModelSize]:
    """Re-place the breaks, recovery and queues of windows of a date (``window_blocks``)
    with CP-SAT, every agent of the date at once, until ``deadline`` (``time.monotonic()``):
    column generation rounds each date's LP to whole plans, and a few agents short remain
    where several agents' runs and breaks must move together (measured on 200 x 7 after
    column generation: 8,325 -> 8,280 understaffed agent-minutes). Rounds follow one
    another, each window's centre moved by a quarter window, while one gains. Returns the
    roster, the windows that gained and the size of the largest window's model."""
    rosters = _split_roster(problem, start)
    total = sum((r.phone for r in rosters.values()), np.zeros_like(required, dtype=np.int64))
    offsets = (0, WINDOW_INTERVALS // 4, -WINDOW_INTERVALS // 4)
    gained = 0
    largest = ModelSize()
    for round_number in range(len(offsets)):
        short = np.clip(required - total, 0, None).sum(axis=0)
        blocks = window_blocks(problem, rosters, short, targets, offsets[round_number])
        gained_now = 0
        for block in blocks:
            if deadline - time.monotonic() < MIN_SUBSOLVE_SECONDS / 2:
                break
            better, size = _improve_block(problem, block, rosters, total, required, mode,
                                          WINDOW_SECONDS, deadline, options.workers,
                                          options.seed)
            largest = max(largest, size)
            gained_now += better
        gained += gained_now
        if not gained_now or deadline - time.monotonic() < MIN_SUBSOLVE_SECONDS / 2:
            break
    return _join_roster(problem, rosters, SolveInfo()), gained, largest


def solve_large(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                bound_seconds: float, options: LargeOptions | None = None,
                progress: ProgressFn | None = None) -> Solution:
    """The best start (``best_start``: greedy or shift-plan roster) improved within the
    time limit (``improve_roster``), its objective and the compact LP lower bound over
    the whole horizon (FEASIBLE), and the understaffing bound its own process proves
    meanwhile (``start_understaffing_bound``), which raises the objective's bound to
    what it implies (``bound.understaffing_objective_bound``) where that is higher. The
    shift plan's LP is that bound's LP, so with a plan it is solved once.

    Without ``options`` only the greedy roster is returned (no CP-SAT). The roster is
    checked with the validator; should fix-and-optimise ever produce one that breaks a
    rule, the greedy roster is returned instead.
    """
    started = time.monotonic()
    with start_understaffing_bound(problem, required, mode, options) as understaffing:
        greedy = greedy_roster(problem, required, mode)
        plan = None if options is None else shift_plan(problem, required, mode, options)
        bound = plan.objective_bound if plan is not None else compact_lp_bounds(
            problem, required, mode, bound_seconds, understaffing=False).objective
        roster, largest = greedy, ModelSize()
        if options is not None:
            roster, largest = improve_roster(problem, required, mode, greedy, plan, bound,
                                             options, started, progress)
            if any(not v.stress or mode == "stress-aware" for v in validate(problem, roster)):
                log.warning("fix-and-optimise roster breaks a rule; keeping the greedy roster")
                roster = greedy
        objective = roster_objective(problem, roster, required)
        understaffed_bound = _best_bound(understaffing.result(), problem, plan)
    if understaffed_bound is not None:
        floor = understaffing_objective_bound(problem, understaffed_bound)
        bound = floor if bound is None else max(bound, floor)
    info = SolveInfo(status="FEASIBLE", mode=mode, objective=objective,
                     best_bound=None if bound is None else min(bound, objective),
                     solve_seconds=round(time.monotonic() - started, 3),
                     num_variables=largest.variables,
                     num_constraints=largest.constraints,
                     understaffed_bound=understaffed_bound)
    return roster.replace(info=info)


def improve_roster(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                   greedy: Solution, plan: ShiftPlan | None, bound: float | None,
                   options: LargeOptions, started: float,
                   progress: ProgressFn | None = None) -> tuple[Solution, ModelSize]:
    """The best start improved until ``started`` plus the time limit (less the closing
    time): activity re-planning, ``columns.improve_dates`` and ``improve_windows`` (their
    shares of the time limit by ``stage_shares``, together: column generation may take
    the windows' share too, and the windows get what it leaves), ``fix_and_optimise``,
    activity re-planning again; with the largest model solved.
    ``progress`` gets each stage's objective against ``bound``."""
    polish = _polish_seconds(problem)
    deadline = started + options.time_limit_seconds - _closing_seconds(problem) - polish

    def report(objective: float) -> None:
        if progress is not None:
            floor = -math.inf if bound is None else bound
            progress(time.monotonic() - started, objective, min(floor, objective))

    start = best_start(problem, required, mode, greedy, plan,
                       MATCH_SHARE * options.time_limit_seconds)
    start, improved = improve_activities(
        problem, required, mode, start,
        time.monotonic() + replan_share(problem, options) * options.time_limit_seconds,
        options.seed, move_shifts=True)
    log.info("activity re-planning of the start roster: %d moves kept", improved)
    report(_fast_objective(problem, _split_roster(problem, start), required))
    stage_size = ModelSize()
    targets: dict[int, int] = {}
    column_share, window_share = stage_shares(problem, options)
    stages_end = min(deadline, time.monotonic()
                     + (column_share + window_share) * options.time_limit_seconds)
    if column_share > 0:
        start, kept, master_size, targets = improve_dates(
            problem, required, mode, start, stages_end, options.column_shift_moves,
            worker_count(options.workers))
        log.info("column generation: %d date re-plans kept", kept)
        stage_size = ModelSize(*master_size)
        report(_fast_objective(problem, _split_roster(problem, start), required))
    if window_share > 0:
        start, gained, window_size = improve_windows(problem, required, mode, start,
                                                     targets, options, stages_end)
        log.info("date windows: %d gained", gained)
        stage_size = max(stage_size, window_size)
        report(_fast_objective(problem, _split_roster(problem, start), required))
    roster, largest = fix_and_optimise(problem, required, mode, start, options,
                                       deadline, report)
    roster, improved = improve_activities(problem, required, mode, roster,
                                          max(time.monotonic(), deadline) + polish,
                                          options.seed, move_shifts=True)
    log.info("activity re-planning of the final roster: %d moves kept", improved)
    return roster, max(largest, stage_size)


def stage_shares(problem: Problem, options: LargeOptions) -> tuple[float, float]:
    """The shares of the time limit for column generation and the window stage: the
    options' own, but above ``WINDOW_MAX_AGENTS`` agents (with column generation on) the
    window stage's share goes to column generation."""
    if len(problem.agents) <= WINDOW_MAX_AGENTS or options.column_share <= 0:
        return options.column_share, options.window_share
    return options.column_share + options.window_share, 0.0


def start_understaffing_bound(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                              options: LargeOptions | None) -> BackgroundBound:
    """The understaffing bound's process (``understaffing.BackgroundBound``): at full
    priority for the compact plan's, weekly match's and start re-planning's shares,
    which use one core (so does the day-pattern plan's share, where the lowest priority
    takes nothing from the process), then at the lowest for as long as these shares and
    the day-pattern plan's, and up to ``IDLE_BOUND_MAX_AGENT_DATES`` on the cycles the
    stages leave idle until the roster is collected; none with fewer than two workers,
    where it would take the roster's time."""
    if options is None or worker_count(options.workers) < 2:
        return BackgroundBound(None, None)
    replan = replan_share(problem, options)
    full_seconds = (options.plan_share + MATCH_SHARE + replan) * options.time_limit_seconds
    seconds = (plan_share(problem, options) + MATCH_SHARE + replan) * (
        options.time_limit_seconds)
    if problem.agent_dates <= IDLE_BOUND_MAX_AGENT_DATES:
        seconds = max(seconds, options.time_limit_seconds - _closing_seconds(problem))
    return BackgroundBound.start(problem, required, mode, seconds, full_seconds)


def uses_day_patterns(problem: Problem, options: LargeOptions) -> bool:
    """Whether the shift plan takes the day-pattern master's counts: with a share for
    them (``PATTERN_PLAN_SHARE`` by default), up to ``DAY_PATTERN_PLAN_MAX_AGENT_DATES``
    agent-dates."""
    return (options.pattern_plan_share > 0
            and problem.agent_dates <= DAY_PATTERN_PLAN_MAX_AGENT_DATES)


def plan_share(problem: Problem, options: LargeOptions) -> float:
    """The shift plan's share of the time limit: ``plan_share``, plus
    ``pattern_plan_share`` where it takes the day-pattern master's counts."""
    if uses_day_patterns(problem, options):
        return options.plan_share + options.pattern_plan_share
    return options.plan_share


def replan_share(problem: Problem, options: LargeOptions) -> float:
    """The start roster's re-planning share of the time limit: ``PATTERN_REPLAN_SHARE``
    after a shift plan from day patterns (``uses_day_patterns``), else
    ``REPLAN_SHARE``."""
    return PATTERN_REPLAN_SHARE if uses_day_patterns(problem, options) else REPLAN_SHARE


def shift_plan(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
               options: LargeOptions) -> ShiftPlan | None:
    """The large path's shift plan (``shiftplan.plan_shift_counts``) in its share of the
    time limit (``plan_share``), with the day-pattern master's counts where
    ``uses_day_patterns``; None without a plan share or when its LP is not solved."""
    if options.plan_share <= 0:
        return None
    return plan_shift_counts(problem, required, mode,
                             plan_share(problem, options) * options.time_limit_seconds,
                             day_pattern_counts(problem, required, mode, options))


def day_pattern_counts(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                       options: LargeOptions) -> RefineCounts | None:
    """The shift plan's counts from the day-pattern master
    (``understaffing.pattern_plan_counts``) where ``uses_day_patterns``, else None."""
    if not uses_day_patterns(problem, options):
        return None
    return partial(pattern_plan_counts, problem, required, mode)


def best_start(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
               greedy: Solution, plan: ShiftPlan | None, match_seconds: float = 0.0,
               ) -> Solution:
    """The roster of the shift plan (``shiftplan.roster_from_plan``, its weekly match
    given ``match_seconds``) when it breaks no rule and costs less
    than ``greedy`` (coverage, paid hours and preferences), else ``greedy`` (also
    without a plan)."""
    if plan is None:
        return greedy
    planned = roster_from_plan(problem, required, mode, plan, match_seconds)
    if any(not v.stress or mode == "stress-aware" for v in validate(problem, planned)):
        log.warning("the shift-plan roster breaks a rule; starting from the greedy roster")
        return greedy
    planned_cost = _fast_objective(problem, _split_roster(problem, planned), required)
    greedy_cost = _fast_objective(problem, _split_roster(problem, greedy), required)
    log.info("start roster: shift plan %.0f, greedy %.0f", planned_cost, greedy_cost)
    return planned if planned_cost < greedy_cost else greedy


def _best_bound(found: float | None, problem: Problem, plan: ShiftPlan | None) -> float | None:
    """The higher of ``found`` (the bound's process's, agent-minutes) and the bound the
    shift plan's day patterns proved (``ShiftPlan.understaffed_bound``), in agent-minutes;
    None when neither has one."""
    if plan is None or plan.understaffed_bound is None:
        return found
    planned = proven_agent_minutes(problem, plan.understaffed_bound)
    return planned if found is None else max(found, planned)


def _polish_seconds(problem: Problem) -> float:
    """Time kept for re-planning the final roster's activities (``improve_activities``):
    room for about three passes of every agent-date alone (measured 0.6 s a pass on
    1,400 agent-dates); break and group moves use what is left of it."""
    return 0.5 + 3 * problem.agent_dates / 2_000


def _closing_seconds(problem: Problem) -> float:
    """Time kept for validating and scoring the final roster (measured about 1 s per
    5,000 agent-dates, doubled)."""
    return 1.0 + 2.0 * problem.agent_dates / 5_000
