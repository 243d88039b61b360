"""Re-plan each agent's phone time, breaks and shift by dynamic programming, one
agent-date at a time.

For one agent on one date, every interval of the shift gets a queue or time off the
phone so as to cover the most requirement that the other agents leave open, within the
agent's skills and, in stress-aware mode, the stretch cap, the recovery after long
complaint runs and the daily complaint cap (``best_labels``); its breaks may be placed
anew at any starts their windows and the break spacing allow, in the same programme
(``best_labels_and_breaks``); with shift moves,
the shift itself may take another start or shift type, or move to a date the agent has
off, within every contract rule (``Replanner.move_shift``). Every move is kept only
when it lowers a potential (the objective's coverage terms, ``Replanner.potential``,
plus pay and preference costs for shift moves), so the roster never gets worse. The
interval-by-interval queue pass of the greedy cannot look ahead; this can: an agent
whose complaint run would force a recovery where the queue is short stops the run
earlier, where the queue has room, or takes a break right after it.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shiftcare.model.options import Candidate, candidate_shifts
from shiftcare.problem import MINUTES_PER_DAY, BreakRule, Mode, Problem
from shiftcare.shiftplan import AgentLoad, may_add
from shiftcare.solution import ActivityBlock, ActivityKind, Shift, Solution, merge_blocks

Label = tuple[ActivityKind, str, bool]
"""(activity, detail, paid) of one interval, as in ``ActivityBlock``."""
OFF_PHONE: Label = ("recovery", "", True)


@dataclass
class AgentDate:
    """One shift's intervals and their labels while re-planning."""

    agent_index: int
    shift: Shift
    first: int
    """The shift's first interval of the horizon."""
    labels: list[Label]


@dataclass(frozen=True)
class StressLimits:
    """The stress rules of a date in intervals (the stretch cap is the agent's own)."""

    recovery_after: int
    recovery_break: int
    daily_cap: int


GROUP_SIZE = 6
"""Agent-dates re-planned together in one group move (``Replanner.replan_group``)."""
PATIENCE = 1_000
"""Group moves in a row that may fail before re-planning stops early."""


@dataclass
class Replanner:
    """The roster being re-planned: its agent-dates, the phone counts and the weights."""

    problem: Problem
    required: npt.NDArray[np.int64]
    mode: Mode
    dates: list[AgentDate]
    counts: npt.NDArray[np.int64]
    limits: StressLimits | None
    tie_weight: float
    """Weight of the squared shortage in the potential: small enough that no plan's
    squared-shortage terms outweigh one agent-interval of the objective."""
    by_agent: dict[int, list[AgentDate]]
    """Each agent's agent-dates (the rest and hours rules of shift moves look at all)."""
    candidates: dict[tuple[int, int], list[Candidate]] = field(default_factory=dict)
    """Unblocked candidate shifts per (agent, date), filled as shift moves ask."""

    @classmethod
    def of(cls, problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
           solution: Solution) -> Replanner:
        dates = _agent_dates(problem, solution)
        counts = np.zeros(required.shape, dtype=np.int64)
        for item in dates:
            count_phone(problem, item, counts, 1)
        settings = problem.settings
        weights = [w for w in (settings.weight_understaffing, settings.weight_overstaffing)
                   if w > 0]
        longest = max((len(item.labels) for item in dates), default=1)
        tie = min(weights, default=1.0) / (4.0 * longest * (2 * int(required.max(initial=0))
                                                          + 1))
        by_agent: dict[int, list[AgentDate]] = {}
        for item in dates:
            by_agent.setdefault(item.agent_index, []).append(item)
        return cls(problem, required, mode, dates, counts, stress_limits(problem, mode), tie,
                   by_agent)

    def potential(self, first_day: int, last_day: int) -> float:
        """The objective's coverage terms (understaffing, overstaffing) plus
        ``tie_weight`` per squared agent short, over the intervals shifts of dates
        ``first_day`` .. ``last_day`` may span: re-plans only ever lower it."""
        per_day = MINUTES_PER_DAY // self.problem.interval_minutes
        window = slice(first_day * per_day, (last_day + 2) * per_day)
        required = self.required[:, window]
        short = np.clip(required - self.counts[:, window], 0, None)
        over = np.where(required > 0, np.clip(self.counts[:, window] - required, 0, None), 0)
        settings = self.problem.settings
        return float(settings.weight_understaffing * short.sum()
                     + settings.weight_overstaffing * over.sum()
                     + self.tie_weight * (short.astype(np.float64) ** 2).sum())

    def _lift(self, item: AgentDate) -> tuple[npt.NDArray[np.float64], float]:
        """Take the item's phone time out of the counts (the caller puts its new plan
        back); its gains against everyone else and what its current plan is worth."""
        count_phone(self.problem, item, self.counts, -1)
        gains = phone_gains(self.problem, self.required, self.mode, item, self.counts,
                            self.tie_weight)
        return gains, _value(self.problem, item.labels, gains)

    def _settle(self, item: AgentDate, plan: tuple[list[Label], float] | None,
                current: float) -> bool:
        """Give the item ``plan`` (labels, worth) when it is worth more than ``current``,
        and put its phone time back in the counts; True when it took the plan."""
        better = plan is not None and plan[1] > current + 1e-9
        if plan is not None and better:
            item.labels = plan[0]
        count_phone(self.problem, item, self.counts, 1)
        return better

    def replan(self, item: AgentDate) -> bool:
        """Re-plan one agent-date against everyone else's phone time; True when its plan
        changed (lowering the potential)."""
        gains, current = self._lift(item)
        return self._settle(item, best_labels(self.problem, item, gains, self.limits),
                            current)

    def near(self, group: list[AgentDate]) -> list[AgentDate]:
        """The agent-dates whose shifts may share an interval with the group's: only
        their re-plans can change when the group's phone time does."""
        first = min(item.shift.day for item in group) - 1
        last = max(item.shift.day for item in group) + 1
        return [item for item in self.dates if first <= item.shift.day <= last]

    def on_date(self, day: int) -> list[AgentDate]:
        """The agent-dates of date ``day``, in roster order."""
        return [item for item in self.dates if item.shift.day == day]

    def by_shortage(self) -> list[AgentDate]:
        """The agent-dates, those whose shift spans the most agents short first."""
        short = np.clip(self.required - self.counts, 0, None).sum(axis=0)
        return sorted(self.dates, key=lambda item: -int(
            short[item.first:item.first + len(item.labels)].sum()))

    def move_breaks(self, item: AgentDate) -> bool:
        """Place the agent-date's breaks anew with its phone time
        (``best_labels_and_breaks``: every spaced start inside the windows); keep the
        plan when it beats the current one. True when kept."""
        if not self.problem.shift_type(item.shift.shift_type).breaks:
            return False
        gains, current = self._lift(item)
        return self._settle(item, best_labels_and_breaks(self.problem, item, gains,
                                                         self.limits), current)

    def move_shift(self, item: AgentDate) -> bool:
        """Try the agent-date's shift at every other start and shift type the agent may
        work on its date or on a date it has off (``shift_moves``), each with its breaks
        and phone time planned (``best_labels_and_breaks``), in order of
        ``_ranked_moves``' ceiling until no ceiling beats the best found. Keep the best
        when it lowers the potential plus the pay and preference costs. True when kept."""
        moves = shift_moves(self.problem, item, self.by_agent[item.agent_index],
                            self.unblocked)
        if not moves:
            return False
        _, current = self._lift(item)
        best: tuple[float, AgentDate] | None = None
        for most, cost, candidate in self._ranked_moves(item, moves):
            if most <= (current if best is None else max(current, best[0])) + 1e-9:
                break
            trial = candidate_date(self.problem, candidate)
            gains = phone_gains(self.problem, self.required, self.mode, trial, self.counts,
                                self.tie_weight)
            plan = best_labels_and_breaks(self.problem, trial, gains, self.limits)
            if plan is not None and (best is None or plan[1] - cost > best[0]):
                trial.labels = plan[0]
                best = (plan[1] - cost, trial)
        kept = best is not None and best[0] > current + 1e-9
        if kept and best is not None:
            item.shift, item.first, item.labels = best[1].shift, best[1].first, best[1].labels
        count_phone(self.problem, item, self.counts, 1)
        return kept

    def _ranked_moves(self, item: AgentDate, moves: list[Candidate],
                      ) -> list[tuple[float, float, Candidate]]:
        """(ceiling less cost, cost, candidate) of each move, highest ceiling first: the
        cost is the change in paid hours and ``prefer_off`` dates worked, in objective
        units; the ceiling is ``_phone_ceiling`` over the candidate's intervals."""
        problem = self.problem
        settings = problem.settings
        ceiling = self._phone_ceiling(item.agent_index)
        interval = problem.interval_minutes
        paid_now = problem.shift_type(item.shift.shift_type).paid_minutes
        agent_id = item.shift.agent_id
        ranked = []
        for candidate in moves:
            cost = (settings.weight_paid_hour * (candidate.shift_type.paid_minutes
                                                 - paid_now) / 60
                    + settings.weight_preference
                    * (problem.prefers_off(agent_id, candidate.day)
                       - problem.prefers_off(agent_id, item.shift.day)))
            first = min(candidate.start // interval, len(ceiling) - 1)
            last = min(candidate.end // interval, len(ceiling) - 1)
            ranked.append((float(ceiling[last] - ceiling[first]) - cost, cost, candidate))
        return sorted(ranked, key=lambda entry: -entry[0])

    def unblocked(self, agent_index: int, day: int) -> list[Candidate]:
        """The agent's unblocked ``candidate_shifts`` on ``day`` (kept once computed)."""
        key = (agent_index, day)
        if key not in self.candidates:
            self.candidates[key] = [c for c in candidate_shifts(self.problem, agent_index, day)
                                    if not c.blockers]
        return self.candidates[key]

    def _phone_ceiling(self, agent_index: int) -> npt.NDArray[np.float64]:
        """Running sum over the horizon's intervals of the most the agent on the phone
        can lower the potential there (``phone_gains`` on its best skilled queue,
        complaint eligibility left out), 0 before the first: the difference over a
        shift's intervals bounds what any plan of that shift is worth."""
        skilled = [q for q, queue in enumerate(self.problem.queues)
                   if queue.id in self.problem.agents[agent_index].skills]
        short = (self.required[skilled] - self.counts[skilled]).astype(np.float64)
        gain = np.where(short > 0, self.problem.settings.weight_understaffing
                        + self.tie_weight * (2 * short - 1), 0.0).max(axis=0, initial=0.0)
        return np.concatenate(([0.0], np.cumsum(gain)))

    def replan_group(self, group: list[AgentDate]) -> bool:
        """Take the group's agent-dates (one date) off the phone and re-plan them one
        after another; keep the result when it lowers the potential, else restore."""
        days = (min(item.shift.day for item in group), max(item.shift.day for item in group))
        before = self.potential(*days)
        old = [item.labels for item in group]
        for item in group:
            self.relabel(item, [label if label[0] == "break" else OFF_PHONE
                                for label in item.labels])
        for item in group:
            self.replan(item)
        if self.potential(*days) < before - 1e-9:
            return True
        for item, labels in zip(group, old, strict=True):
            self.relabel(item, labels)
        return False

    def relabel(self, item: AgentDate, labels: list[Label], shift: Shift | None = None,
                first: int | None = None) -> None:
        """Give the item ``labels`` (and ``shift`` starting at interval ``first``, when
        given), its phone time moved in the counts."""
        count_phone(self.problem, item, self.counts, -1)
        item.labels = labels
        if shift is not None and first is not None:
            item.shift, item.first = shift, first
        count_phone(self.problem, item, self.counts, 1)


def improve_activities(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                       solution: Solution, deadline: float, seed: int = 0,
                       move_shifts: bool = False) -> tuple[Solution, int]:
    """``solution`` with its phone time and breaks re-planned until ``deadline``
    (``time.monotonic()``): passes re-planning every agent-date alone (``best_labels``)
    until one changes nothing; then, while a round keeps a move, one break move per
    agent-date (``move_breaks``), with ``move_shifts`` one shift move per agent-date
    (``Replanner.move_shift``: another start, shift type or date off), each round of
    moves taking those spanning the most shortage first, and group moves
    (``GROUP_SIZE`` agent-dates present in one understaffed interval, re-planned
    together) until ``PATIENCE`` fail in a row.

    Returns the roster and the number of re-plans kept.
    """
    replanner = Replanner.of(problem, required, mode, solution)
    origins = {item.shift: item for item in replanner.dates}
    rng = np.random.default_rng(seed)
    improved = descend(replanner, deadline)
    while time.monotonic() < deadline:
        kept = _move_each(replanner, replanner.move_breaks, deadline)
        kept += _move_each(replanner, replanner.move_shift, deadline) if move_shifts else 0
        kept += _group_moves(replanner, rng, deadline)
        improved += kept
        if kept == 0:
            break
    return replanned_solution(problem, solution, origins), improved


def _move_each(replanner: Replanner, move: Callable[[AgentDate], bool],
               deadline: float) -> int:
    """One ``move`` per agent-date, those spanning the most shortage first, then passes
    alone; returns the moves kept."""
    kept = 0
    for item in replanner.by_shortage():
        if time.monotonic() >= deadline:
            break
        kept += move(item)
    return kept + (descend(replanner, deadline) if kept else 0)


def _group_moves(replanner: Replanner, rng: np.random.Generator, deadline: float) -> int:
    """Group moves until ``PATIENCE`` fail in a row or the deadline; returns the moves
    kept (each followed by passes alone)."""
    kept = failed = 0
    while time.monotonic() < deadline and failed < PATIENCE:
        group = _short_group(replanner, rng)
        if not group:
            break
        if replanner.replan_group(group):
            kept += 1 + descend(replanner, deadline, replanner.near(group))
            failed = 0
        else:
            failed += 1
    return kept


def descend(replanner: Replanner, deadline: float,
            items: list[AgentDate] | None = None) -> int:
    """Passes re-planning every agent-date (or only ``items``) alone until one changes
    nothing or the deadline; returns the re-plans kept."""
    improved = 0
    while time.monotonic() < deadline:
        changed = 0
        for item in replanner.dates if items is None else items:
            if time.monotonic() >= deadline:
                break
            changed += replanner.replan(item)
        improved += changed
        if changed == 0:
            break
    return improved


def _short_group(replanner: Replanner, rng: np.random.Generator) -> list[AgentDate]:
    """Up to ``GROUP_SIZE`` agent-dates on shift in a random understaffed interval."""
    short = np.flatnonzero((replanner.required > replanner.counts).any(axis=0))
    if short.size == 0:
        return []
    t = int(rng.choice(short))
    present = [item for item in replanner.dates
               if item.first <= t < item.first + len(item.labels)]
    if not present:
        return []
    chosen = rng.choice(len(present), size=min(GROUP_SIZE, len(present)), replace=False)
    return [present[int(i)] for i in chosen]


def shift_moves(problem: Problem, item: AgentDate, own: list[AgentDate],
                unblocked: Callable[[int, int], list[Candidate]],
                days: range | None = None) -> list[Candidate]:
    """The unblocked shifts (``unblocked(agent index, day)``, e.g.
    ``Replanner.unblocked``: start grid, windows, weekdays, availability, History) the
    agent may work instead of the item's, on its date or on a date it has off: those
    ``shiftplan.may_add`` allows next to the agent's other shifts (``own``: max days and
    hours, min rest, max consecutive days, History included) that keep the week's paid
    minutes at least the contract's minimum, or no lower than now; only on ``days``
    when given."""
    agent = problem.agents[item.agent_index]
    load = AgentLoad(item.agent_index, [
        Candidate(item.agent_index, other.shift.day,
                  problem.shift_type(other.shift.shift_type), other.shift.start)
        for other in own if other is not item])
    history = problem.history_of(agent.id)
    if history is not None:
        load.history_streak = history.consecutive_days_worked
        load.history_end = history.last_shift_end
    paid_now = load.paid_minutes + problem.shift_type(item.shift.shift_type).paid_minutes
    moves = []
    for day in range(problem.days) if days is None else days:
        if load.works_on(day):
            continue
        for candidate in unblocked(item.agent_index, day):
            if (candidate.day, candidate.shift_type.id, candidate.start) == (
                    item.shift.day, item.shift.shift_type, item.shift.start):
                continue
            paid = load.paid_minutes + candidate.shift_type.paid_minutes
            if agent.keeps_min_hours(paid, paid_now) and may_add(problem, load, candidate):
                moves.append(candidate)
    return moves


def candidate_date(problem: Problem, candidate: Candidate) -> AgentDate:
    """The candidate's agent on its shift, off the phone all shift."""
    interval = problem.interval_minutes
    shift = Shift(problem.agents[candidate.agent_index].id, candidate.day,
                  candidate.shift_type.id, candidate.start, candidate.end)
    return AgentDate(candidate.agent_index, shift, candidate.start // interval,
                     [OFF_PHONE] * (candidate.shift_type.length_minutes // interval))


def with_breaks(length: int, rules: tuple[BreakRule, ...], starts: list[int],
                interval: int) -> list[Label]:
    """``length`` intervals off the phone with the breaks at ``starts`` (offsets)."""
    labels = [OFF_PHONE] * length
    for rule, start in zip(rules, starts, strict=True):
        for offset in range(start, min(length, start + rule.duration_minutes // interval)):
            labels[offset] = ("break", rule.name, rule.paid)
    return labels


def _agent_dates(problem: Problem, solution: Solution) -> list[AgentDate]:
    """Every shift with its per-interval labels (off the phone where no block says)."""
    interval = problem.interval_minutes
    dates: dict[tuple[str, int], AgentDate] = {}
    for shift in solution.shifts:
        length = (shift.end - shift.start) // interval
        dates[(shift.agent_id, shift.day)] = AgentDate(
            problem.agent_index(shift.agent_id), shift, shift.start // interval,
            [OFF_PHONE] * length)
    for block in solution.activities:
        item = dates[(block.agent_id, block.day)]
        for t in range(block.start // interval, block.end // interval):
            item.labels[t - item.first] = (block.activity, block.detail, block.paid)
    return sorted(dates.values(), key=lambda d: (d.shift.day, d.agent_index))


def count_phone(problem: Problem, item: AgentDate, counts: npt.NDArray[np.int64],
                sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) the item's phone intervals from ``counts``."""
    for offset, (kind, detail, _) in enumerate(item.labels):
        t = item.first + offset
        if kind == "phone" and t < counts.shape[1]:
            counts[problem.queue_index(detail), t] += sign


def stress_limits(problem: Problem, mode: Mode) -> StressLimits | None:
    """The stress rules in intervals (stress-aware mode), else None."""
    if mode != "stress-aware":
        return None
    settings = problem.settings
    return StressLimits(settings.recovery_after_intervals,
                        settings.recovery_break_intervals,
                        settings.max_complaint_intervals_per_day)


def phone_gains(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                item: AgentDate, counts: npt.NDArray[np.int64],
                tie_weight: float = 0.0) -> npt.NDArray[np.float64]:
    """Per (queue, offset in the shift): how much the agent on that queue lowers the
    potential (``Replanner.potential``): where the others leave ``n`` agents short, the
    understaffing weight plus ``tie_weight * (2n - 1)`` (the scarcest intervals first
    among plans of equal coverage), else minus the overstaffing weight; NaN where the
    agent may not take it (skills, no requirement, complaint eligibility in
    stress-aware mode)."""
    settings = problem.settings
    agent = problem.agents[item.agent_index]
    heavy = problem.complaint_heavy()
    horizon = required.shape[1]
    gains = np.full((len(problem.queues), len(item.labels)), np.nan)
    for q, queue in enumerate(problem.queues):
        if queue.id not in agent.skills:
            continue
        for offset in range(len(item.labels)):
            t = item.first + offset
            if t >= horizon or required[q, t] <= 0:
                continue
            if heavy[q, t] and mode == "stress-aware" and not agent.complaint_eligible:
                continue
            short = int(required[q, t] - counts[q, t])
            gains[q, offset] = (settings.weight_understaffing + tie_weight * (2 * short - 1)
                                if short > 0 else -settings.weight_overstaffing)
    return gains


def _value(problem: Problem, labels: list[Label], gains: npt.NDArray[np.float64]) -> float:
    """What ``labels``' phone intervals are worth under ``gains``."""
    return sum(float(gains[problem.queue_index(detail), offset])
               for offset, (kind, detail, _) in enumerate(labels) if kind == "phone")


def best_labels(problem: Problem, item: AgentDate, gains: npt.NDArray[np.float64],
                limits: StressLimits | None) -> tuple[list[Label], float]:
    """The labels of the item's shift worth the most under ``gains``, and their worth.

    Breaks stay. Each other interval is off the phone, on the best calm queue or on the
    best complaint-heavy queue. Forward dynamic programming over (run, recovery owed,
    complaint intervals today) (``Programme``): a heavy interval extends the run (at
    most the agent's stretch cap, at most the daily cap); a run of at least
    ``recovery_after`` intervals must be followed by ``recovery_break`` intervals off the
    phone (a break counts); a calm queue may follow a shorter run. Ties prefer time off,
    then calm queues.
    """
    found = Programme.of(problem, item, gains, limits, place_breaks=False).best(problem)
    assert found is not None  # with no break to place, every path ends well
    return found


Key = tuple[int, int, int, int, int, int]
"""(run, recovery owed, breaks placed as a bit mask, the break under way (-1: none), its
intervals still to come, intervals since the last break ended, at most the spacing): a
programme's state less its complaint intervals today, which index its value row."""
OFF, CALM, HEAVY, FIXED, BREAK = 0, 1, 2, 3, 4
"""Kinds of a programme's move: time off, the best calm queue, the best complaint-heavy
queue, a break that stays where it is, and break ``j`` placed anew (``BREAK + j``)."""


@dataclass(frozen=True)
class ProgrammeRules:
    """What a programme's keys and moves depend on (not the gains)."""

    calm: tuple[bool, ...]
    """Per offset, whether some calm queue is allowed."""
    heavy: tuple[bool, ...]
    """Per offset, whether some complaint-heavy queue is allowed."""
    fixed: tuple[bool, ...]
    """Per offset, whether a break stays there."""
    limits: StressLimits | None
    stretch_cap: int
    lengths: tuple[int, ...]
    """Intervals of each break to place."""
    windows: tuple[tuple[int, int], ...]
    """Each break's earliest and latest start (offsets in the shift)."""
    gap: int
    """Intervals from the end of one break to the start of the next."""

    def rested(self, run: int, owed: int) -> tuple[int, int]:
        """(run, owed) after one interval off the phone (a break or time off)."""
        if self.limits is not None and run >= self.limits.recovery_after:
            return 0, self.limits.recovery_break - 1
        return 0, max(0, owed - 1)

    def core_moves(self, run: int, owed: int, offset: int) -> list[tuple[int, int, int]]:
        """(run, owed, kind) after each move on or off the phone at ``offset``: time off;
        unless recovery is owed, a calm queue after a run too short to need recovery,
        and a complaint-heavy one while the run is below the stretch cap."""
        found = [(*self.rested(run, owed), OFF)]
        if owed > 0:
            return found
        limits = self.limits
        if self.calm[offset] and (limits is None or run < limits.recovery_after):
            found.append((0, 0, CALM))
        if self.heavy[offset]:
            if limits is None:
                found.append((0, 0, HEAVY))
            elif run < self.stretch_cap and limits.daily_cap > 0:
                found.append((run + 1, 0, HEAVY))
        return found

    def moves(self, key: Key, offset: int) -> list[tuple[Key, int]]:
        """(next key, kind) of every move from ``key`` at ``offset``: a break that stays,
        on with the break under way, a move on or off the phone, or a break starting
        (inside its window, ``gap`` after the last one ended, ending within the shift)."""
        run, owed, placed, current, left, since = key
        if self.fixed[offset]:
            return [((*self.rested(run, owed), placed, current, left, since), FIXED)]
        if left > 0:
            return [((*self.rested(run, owed), placed, current, left - 1, 0),
                     BREAK + current)]
        complete = (1 << len(self.lengths)) - 1
        # once every break is placed, the spacing no longer matters: one state for all
        after = self.gap if placed == complete else min(self.gap, since + 1)
        found = [((next_run, next_owed, placed, -1, 0, after), kind)
                 for next_run, next_owed, kind in self.core_moves(run, owed, offset)]
        if since < self.gap:
            return found
        for j, (earliest, latest) in enumerate(self.windows):
            if (not placed >> j & 1 and earliest <= offset <= latest
                    and offset + self.lengths[j] <= len(self.calm)):
                found.append(((*self.rested(run, owed), placed | 1 << j, j,
                               self.lengths[j] - 1, 0), BREAK + j))
        return found

    def due(self, position: int) -> int:
        """The mask of the breaks that must be placed before ``position`` (their latest
        start is earlier): a key without all of them placed is dead."""
        return sum(1 << j for j, (_, latest) in enumerate(self.windows) if latest < position)

    def width(self) -> int:
        """Entries of a key's value row (``ProgrammeGraph.width``)."""
        limits = self.limits
        open_heavy = sum(h and not f for h, f in zip(self.heavy, self.fixed, strict=True))
        if limits is None or open_heavy <= limits.daily_cap:
            return 1
        return limits.daily_cap + 1


@dataclass(frozen=True)
class ProgrammeStep:
    """A programme's moves at one offset, whatever the gains. The last move of every step
    is a sentinel from the sentinel row (always unreached) of the keys before it."""

    source: npt.NDArray[np.int32]
    """Per move, the row of its key before the offset (-1: the sentinel row)."""
    kind: npt.NDArray[np.int32]
    """Per move, its kind (``OFF`` ... ``BREAK + j``)."""
    heavy: npt.NDArray[np.int32]
    """The moves onto a complaint-heavy queue."""
    incoming: npt.NDArray[np.int32]
    """Per key after the offset, the moves reaching it (padded with the sentinel move)."""
    rows: npt.NDArray[np.int32]
    """The keys' rows as a column (0, 1, ...), to index ``incoming`` with."""


@dataclass(frozen=True)
class ProgrammeGraph:
    """Every key a programme can reach after each offset and the moves between them: it
    depends on which queues are allowed when and where breaks may go, not on the gains,
    so an agent-date's re-plans and pricing rounds, and the agents of one shift, share
    it."""

    steps: tuple[ProgrammeStep, ...]
    finals: npt.NDArray[np.int32]
    """Rows of the last offset's keys with every break placed and none under way."""
    width: int
    """Complaint intervals today tracked: 0 to the daily cap, or one entry when the cap
    cannot bind."""


GRAPHS_KEPT = 1024
"""Programme graphs kept for reuse (``programme_graph``): 16 kB each on average, 54 kB
at most on the 200x7 week; a 60 s run of that week built 588 (98 % of the programmes
reused one), a 150 s run of 1000x28 483."""


@functools.lru_cache(maxsize=GRAPHS_KEPT)
def programme_graph(rules: ProgrammeRules) -> ProgrammeGraph:
    """Every key reachable after each offset and the moves between them
    (``ProgrammeGraph``)."""
    keys: dict[Key, int] = {(0, 0, 0, -1, 0, rules.gap): 0}
    steps = []
    for offset in range(len(rules.calm)):
        due = rules.due(offset + 1)
        reached: dict[Key, int] = {}
        source: list[int] = []
        kind: list[int] = []
        incoming: list[list[int]] = []
        for key, row in keys.items():
            for following, move_kind in rules.moves(key, offset):
                if following[2] & due != due:
                    continue
                if following not in reached:
                    reached[following] = len(reached)
                    incoming.append([])
                incoming[reached[following]].append(len(source))
                source.append(row)
                kind.append(move_kind)
        sentinel = len(source)
        source.append(-1)
        kind.append(OFF)
        most = max((len(moves) for moves in incoming), default=1)
        padded = np.full((len(incoming), most), sentinel, dtype=np.int32)
        for row, moves in enumerate(incoming):
            padded[row, :len(moves)] = moves
        kinds = np.array(kind, dtype=np.int32)
        steps.append(ProgrammeStep(np.array(source, dtype=np.int32), kinds,
                                   np.flatnonzero(kinds == HEAVY).astype(np.int32), padded,
                                   np.arange(len(incoming), dtype=np.int32)[:, None]))
        keys = reached
    complete = (1 << len(rules.lengths)) - 1
    finals = [row for key, row in keys.items() if key[2] == complete and key[4] == 0]
    return ProgrammeGraph(tuple(steps), np.array(finals, dtype=np.int32), rules.width())


@dataclass(frozen=True)
class Programme:
    """One agent-date's dynamic programme: its phone time under ``gains`` and, when asked,
    every break of its shift type placed anew: each once, starting inside its window
    and ``min_minutes_between_breaks`` after the end of the one before (as
    ``greedy.spaced_break_starts``), in any order; otherwise its breaks stay.

    Its keys and moves (``programme_graph``) are built once per shift, allowed queues and
    breaks; each programme then runs them with numpy, one value row per key over the
    complaint intervals taken today. Measured on the seed-1 Thursday of the 200x7 week:
    a programme placing the breaks of a shift whose daily cap may bind took 1.6 ms,
    where one dictionary entry per state took 10.4 ms, and column generation to
    convergence on the week's six dates took 14.5 s instead of 44.7 s."""

    rules: ProgrammeRules
    labels: tuple[Label, ...]
    """The item's labels (the breaks that stay)."""
    names: tuple[tuple[str, bool], ...]
    """Each break to place: its name and whether it is paid."""
    gains: npt.NDArray[np.float64]
    """Per offset and kind: what the move is worth; minus infinity for ``CALM`` and
    ``HEAVY`` where no queue of the kind is worth more than time off."""
    queues: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
    """Per offset, the best calm and the best complaint-heavy queue (index)."""

    @classmethod
    def of(cls, problem: Problem, item: AgentDate, gains: npt.NDArray[np.float64],
           limits: StressLimits | None, place_breaks: bool) -> Programme:
        interval = problem.interval_minutes
        rules = problem.shift_type(item.shift.shift_type).breaks if place_breaks else ()
        length = len(item.labels)
        heavy = problem.complaint_heavy()[:, item.first:item.first + length]
        heavy = np.pad(heavy, ((0, 0), (0, length - heavy.shape[1])))
        allowed = ~np.isnan(gains)
        worth = np.where(allowed, gains, -np.inf)
        table = np.zeros((length, BREAK + len(rules)))
        queues = []
        for kind, of_kind in ((CALM, ~heavy), (HEAVY, heavy)):
            kind_worth = np.where(of_kind, worth, -np.inf)
            queue = kind_worth.argmax(axis=0)
            best = kind_worth[queue, np.arange(length)]
            table[:, kind] = np.where(best > 0, best, -np.inf)
            queues.append(queue)
        fixed = tuple(not place_breaks and label[0] == "break" for label in item.labels)
        programme_rules = ProgrammeRules(
            tuple(np.any(allowed & ~heavy, axis=0).tolist()),
            tuple(np.any(allowed & heavy, axis=0).tolist()), fixed, limits,
            problem.agents[item.agent_index].max_complaint_stretch_minutes // interval,
            tuple(rule.duration_minutes // interval for rule in rules),
            tuple((rule.earliest_start_after_minutes // interval,
                   rule.latest_start_after_minutes // interval) for rule in rules),
            math.ceil(problem.settings.min_minutes_between_breaks / interval - 1e-9))
        return cls(programme_rules, tuple(item.labels),
                   tuple((rule.name, rule.paid) for rule in rules), table,
                   (queues[0], queues[1]))

    def label(self, problem: Problem, kind: int, offset: int) -> Label:
        """The label of a move of ``kind`` at ``offset``."""
        if kind == OFF:
            return OFF_PHONE
        if kind in (CALM, HEAVY):
            queue = self.queues[kind - CALM][offset]
            return ("phone", problem.queues[int(queue)].id, True)
        if kind == FIXED:
            return self.labels[offset]
        name, paid = self.names[kind - BREAK]
        return ("break", name, paid)

    def best(self, problem: Problem) -> tuple[list[Label], float] | None:
        """The labels worth the most with every break placed, and their worth; None when
        the breaks cannot all be placed."""
        graph = programme_graph(self.rules)
        width = graph.width
        values = np.full((2, width), -np.inf)
        values[0, 0] = 0.0
        backs = []
        for offset, step in enumerate(graph.steps):
            worth = values[step.source]
            worth += self.gains[offset, step.kind][:, None]
            if width > 1 and step.heavy.size:
                worth[step.heavy, 1:] = worth[step.heavy, :-1]
                worth[step.heavy, 0] = -np.inf
            candidates = worth[step.incoming]
            slot = candidates.argmax(axis=1)
            values = np.full((len(step.rows) + 1, width), -np.inf)
            candidates.max(axis=1, out=values[:-1])
            backs.append(step.incoming[step.rows, slot])
        if graph.finals.size == 0:
            return None
        finals = values[graph.finals]
        final, last_today = np.unravel_index(int(finals.argmax()), finals.shape)
        total = float(finals[final, last_today])
        if not np.isfinite(total):
            return None
        row, today = int(graph.finals[final]), int(last_today)
        labels: list[Label] = []
        for offset in range(len(graph.steps) - 1, -1, -1):
            step = graph.steps[offset]
            move = int(backs[offset][row, today])
            kind = int(step.kind[move])
            labels.append(self.label(problem, kind, offset))
            today -= kind == HEAVY and width > 1
            row = int(step.source[move])
        labels.reverse()
        return labels, total


def best_labels_and_breaks(problem: Problem, item: AgentDate, gains: npt.NDArray[np.float64],
                           limits: StressLimits | None) -> tuple[list[Label], float] | None:
    """The labels of the item's shift worth the most under ``gains`` with its breaks
    placed anew (``Programme``), and their worth; None when its breaks cannot all be
    placed."""
    return Programme.of(problem, item, gains, limits, place_breaks=True).best(problem)


def replanned_solution(problem: Problem, solution: Solution,
                 origins: dict[Shift, AgentDate]) -> Solution:
    """``solution`` with each of its shifts replaced by where its item (``origins``) is
    now, and each shift's activity blocks rebuilt from the item's labels."""
    interval = problem.interval_minutes
    blocks: list[ActivityBlock] = []
    for item in sorted(origins.values(), key=lambda d: (d.agent_index, d.shift.start)):
        shift = item.shift
        blocks.extend(merge_blocks(shift.agent_id, shift.day, shift.start, interval,
                                   item.labels))
    shifts = tuple(origins[shift].shift for shift in solution.shifts)
    return solution.replace(shifts=shifts, activities=tuple(blocks))
