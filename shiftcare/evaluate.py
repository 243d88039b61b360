"""The solver-independent judge: rule violations, coverage, stress and KPIs of a roster.

``validate`` recomputes every rule of the workbook contract from a ``Solution`` alone;
``evaluate`` adds the Coverage and Stress tables and the Summary KPIs. Neither imports
ortools. Every rule reuses one per-shift timeline (``ShiftTimeline``): the queue the
agent answers in each interval of the shift and whether that interval is complaint-heavy.

Shifts of agents that are not in the problem are reported as ``unknown_agent`` and
otherwise ignored (no other rule, no coverage, no Stress row).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from shiftcare import staffing
from shiftcare.problem import (
    MINUTES_PER_DAY,
    WEEKDAY_NAMES,
    Agent,
    Availability,
    BreakRule,
    History,
    Problem,
    ShiftType,
)
from shiftcare.report import COVERAGE_COLUMNS, STRESS_COLUMNS, Report, Violation
from shiftcare.solution import ActivityBlock, Shift, Solution

OFF_PHONE = -1
UNKNOWN_QUEUE = -2
ACTIVITY_KINDS = frozenset({"phone", "break", "recovery", "other"})
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Run:
    """A complaint-heavy run of one shift: interval offset from the shift start, length."""

    first: int
    length: int
    needs_recovery: bool
    recovered: bool


@dataclass(frozen=True)
class BreakTaken:
    """One break as taken: adjacent blocks of the same break merged (minutes)."""

    name: str
    start: int
    end: int


def breaks_taken(blocks: Iterable[ActivityBlock]) -> tuple[BreakTaken, ...]:
    """The breaks among time-ordered blocks, adjacent blocks of one break merged."""
    taken: list[BreakTaken] = []
    for block in blocks:
        if block.activity != "break":
            continue
        last = taken[-1] if taken else None
        if last is not None and last.name == block.detail and last.end == block.start:
            taken[-1] = BreakTaken(last.name, last.start, block.end)
        else:
            taken.append(BreakTaken(block.detail, block.start, block.end))
    return tuple(taken)


@dataclass(frozen=True)
class ShiftTimeline:
    """One shift of a known agent with its activity blocks and per-interval arrays.

    ``blocks`` are in time order and ``breaks`` are the breaks among them.
    ``queue[i]`` is the queue index the agent answers in interval ``first_interval + i``
    (``OFF_PHONE`` off the phone or without a block, ``UNKNOWN_QUEUE`` on the phone for a
    queue the problem lacks); ``heavy[i]`` says that phone interval is complaint-heavy.
    """

    shift: Shift
    agent: Agent
    shift_type: ShiftType | None
    date: date
    blocks: tuple[ActivityBlock, ...]
    first_interval: int
    queue: IntArray
    heavy: BoolArray
    runs: tuple[Run, ...]
    breaks: tuple[BreakTaken, ...]

    @property
    def complaint_intervals(self) -> int:
        return int(self.heavy.sum())


@dataclass
class RosterView:
    """A Solution indexed for the rules: timelines per shift and per agent."""

    problem: Problem
    timelines: list[ShiftTimeline]
    unknown_agent_shifts: list[Shift]
    stray_blocks: list[ActivityBlock]
    availability: dict[tuple[str, int], list[Availability]]
    history: dict[str, History]
    by_agent: dict[str, list[ShiftTimeline]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[str, list[ShiftTimeline]] = defaultdict(list)
        for timeline in self.timelines:
            grouped[timeline.agent.id].append(timeline)
        self.by_agent = {a: sorted(ts, key=lambda t: t.shift.start) for a, ts in grouped.items()}


# ---------------------------------------------------------------------------------------
# Building the timelines
# ---------------------------------------------------------------------------------------


def build_view(problem: Problem, solution: Solution) -> RosterView:
    """Attach every block to the shift of its agent and date that contains its start."""
    agents = {a.id: a for a in problem.agents}
    types = {s.id: s for s in problem.shift_types}
    heavy = problem.complaint_heavy()
    shifts_of: dict[tuple[str, int], list[Shift]] = defaultdict(list)
    unknown: list[Shift] = []
    for shift in solution.shifts:
        if shift.agent_id in agents:
            shifts_of[(shift.agent_id, shift.day)].append(shift)
        else:
            unknown.append(shift)
    blocks_of: dict[int, list[ActivityBlock]] = defaultdict(list)
    stray: list[ActivityBlock] = []
    for block in solution.activities:
        if block.agent_id not in agents:
            continue
        owner = _owning_shift(shifts_of.get((block.agent_id, block.day), ()), block)
        if owner is None:
            stray.append(block)
        else:
            blocks_of[id(owner)].append(block)
    timelines = [
        _timeline(problem, heavy, agents[s.agent_id], types.get(s.shift_type), s,
                  blocks_of.get(id(s), []))
        for group in shifts_of.values() for s in group
    ]
    availability: dict[tuple[str, int], list[Availability]] = defaultdict(list)
    for row in problem.availability:
        availability[(row.agent_id, row.day)].append(row)
    history = {h.agent_id: h for h in problem.history}
    return RosterView(problem, timelines, unknown, stray, dict(availability), history)


def _owning_shift(shifts: Iterable[Shift], block: ActivityBlock) -> Shift | None:
    for shift in shifts:
        if shift.start <= block.start < shift.end:
            return shift
    return None


def _timeline(problem: Problem, heavy: BoolArray, agent: Agent, shift_type: ShiftType | None,
              shift: Shift, blocks: list[ActivityBlock]) -> ShiftTimeline:
    """Per-interval queue and complaint-heavy arrays of one shift, and its runs."""
    interval = problem.interval_minutes
    first = shift.start // interval
    length = max(0, math.ceil(shift.end / interval) - first)
    ordered = tuple(sorted(blocks, key=lambda b: (b.start, b.end)))
    queue = _queue_per_interval(problem, ordered, first, length)
    is_heavy = _heavy_per_interval(problem, heavy, queue, first)
    runs = _runs(problem, queue, is_heavy)
    return ShiftTimeline(shift, agent, shift_type, problem.date_of(shift.day), ordered, first,
                         queue, is_heavy, runs, breaks_taken(ordered))


def _queue_per_interval(problem: Problem, blocks: tuple[ActivityBlock, ...], first: int,
                        length: int) -> IntArray:
    interval = problem.interval_minutes
    queue = np.full(length, OFF_PHONE, dtype=np.int64)
    for block in blocks:
        if block.activity != "phone":
            continue
        lo = max(0, block.start // interval - first)
        hi = min(length, -(-block.end // interval) - first)
        queue[lo:hi] = _queue_code(problem, block.detail)
    return queue


def _queue_code(problem: Problem, queue_id: str) -> int:
    try:
        return problem.queue_index(queue_id)
    except KeyError:
        return UNKNOWN_QUEUE


def _heavy_per_interval(problem: Problem, heavy: BoolArray, queue: IntArray,
                        first: int) -> BoolArray:
    """Phone intervals of the shift on a complaint-heavy queue interval of the horizon."""
    t = first + np.arange(len(queue))
    inside = (queue >= 0) & (t >= 0) & (t < problem.num_intervals)
    result = np.zeros(len(queue), dtype=np.bool_)
    if inside.any():
        result[inside] = heavy[queue[inside], t[inside]]
    return result


def _runs(problem: Problem, queue: IntArray, heavy: BoolArray) -> tuple[Run, ...]:
    """Maximal complaint-heavy runs; recovered when the next intervals are off the phone.

    Shifts are a few dozen intervals, so plain lists beat numpy calls here.
    """
    if not heavy.any():
        return ()
    settings = problem.settings
    rest = settings.recovery_break_intervals
    is_heavy = heavy.tolist()
    off_phone = (queue == OFF_PHONE).tolist()
    runs: list[Run] = []
    first = None
    for i, value in enumerate([*is_heavy, False]):
        if value and first is None:
            first = i
        elif not value and first is not None:
            length = i - first
            needs = length * settings.interval_minutes >= settings.recovery_after_minutes
            runs.append(Run(first, length, needs, all(off_phone[i:i + rest])))
            first = None
    return tuple(runs)


# ---------------------------------------------------------------------------------------
# Message helpers
# ---------------------------------------------------------------------------------------


def _clock(minute: int) -> str:
    """``HH:MM`` wall-clock time of a minute counted from the horizon start."""
    return f"{(minute % MINUTES_PER_DAY) // 60:02d}:{minute % 60:02d}"


def _span(start: int, end: int) -> str:
    return f"{_clock(start)}-{_clock(end)}"


def _hours(minutes: float) -> str:
    return f"{minutes / 60:g} h"


def _on(timeline: ShiftTimeline) -> str:
    return f"agent {timeline.agent.id} on {timeline.date.isoformat()}"


def _violation(rule: str, timeline: ShiftTimeline, text: str, stress: bool = False) -> Violation:
    return Violation(rule, f"{_on(timeline)}: {text}", timeline.agent.id, timeline.date, stress)


def _run_span(problem: Problem, timeline: ShiftTimeline, run: Run) -> str:
    interval = problem.interval_minutes
    start = (timeline.first_interval + run.first) * interval
    return _span(start, start + run.length * interval)


# ---------------------------------------------------------------------------------------
# Hard rules: shifts
# ---------------------------------------------------------------------------------------


def check_one_shift_per_day(view: RosterView) -> Iterator[Violation]:
    """At most one shift per agent and date."""
    count: dict[tuple[str, int], list[ShiftTimeline]] = defaultdict(list)
    for timeline in view.timelines:
        count[(timeline.agent.id, timeline.shift.day)].append(timeline)
    for same_day in count.values():
        if len(same_day) > 1:
            spans = ", ".join(_span(t.shift.start, t.shift.end) for t in same_day)
            yield _violation("one_shift_per_day", same_day[0],
                             f"{len(same_day)} shifts on one date ({spans})")


def check_unknown_agent(view: RosterView) -> Iterator[Violation]:
    """Every shift belongs to an agent of the Agents sheet."""
    for shift in view.unknown_agent_shifts:
        day = view.problem.date_of(shift.day)
        yield Violation("unknown_agent",
                        f"agent {shift.agent_id} on {day.isoformat()}: not in the Agents sheet",
                        shift.agent_id, day)


def check_shift_type_allowed(view: RosterView) -> Iterator[Violation]:
    """The shift's type exists and is one of the agent's shift_types."""
    for timeline in view.timelines:
        type_id = timeline.shift.shift_type
        if timeline.shift_type is None:
            yield _violation("shift_type_not_allowed", timeline,
                             f"shift type {type_id!r} is not in the ShiftTypes sheet")
        elif type_id not in timeline.agent.shift_types:
            allowed = ", ".join(timeline.agent.shift_types)
            yield _violation("shift_type_not_allowed", timeline,
                             f"shift type {type_id} is not one of the agent's ({allowed})")


def check_shift_start_grid(view: RosterView) -> Iterator[Violation]:
    """The start time of day is one of the type's allowed start times."""
    for timeline in view.timelines:
        if timeline.shift_type is None:
            continue
        start_of_day = timeline.shift.start - timeline.shift.day * MINUTES_PER_DAY
        if start_of_day not in timeline.shift_type.start_times_of_day():
            st = timeline.shift_type
            yield _violation(
                "shift_start_grid", timeline,
                f"shift starts at {_clock(timeline.shift.start)}"
                f"{'' if 0 <= start_of_day < MINUTES_PER_DAY else ' (not on its date)'}, "
                f"type {st.id} starts {_clock(st.earliest_start)}-{_clock(st.latest_start)} "
                f"every {st.start_step_minutes} min",
            )


def check_shift_weekday(view: RosterView) -> Iterator[Violation]:
    """The shift's date falls on one of its type's weekdays."""
    for timeline in view.timelines:
        if timeline.shift_type is None:
            continue
        weekday = timeline.date.weekday()
        if weekday not in timeline.shift_type.weekdays:
            allowed = ",".join(WEEKDAY_NAMES[d] for d in sorted(timeline.shift_type.weekdays))
            yield _violation("shift_weekday", timeline,
                             f"shift type {timeline.shift_type.id} runs on {allowed}, "
                             f"not {WEEKDAY_NAMES[weekday]}")


def check_shift_length(view: RosterView) -> Iterator[Violation]:
    """The shift lasts exactly its type's length_minutes."""
    for timeline in view.timelines:
        if timeline.shift_type is None:
            continue
        length = timeline.shift.end - timeline.shift.start
        if length != timeline.shift_type.length_minutes:
            yield _violation("shift_length", timeline,
                             f"shift {_span(timeline.shift.start, timeline.shift.end)} is "
                             f"{length} min, type {timeline.shift_type.id} is "
                             f"{timeline.shift_type.length_minutes} min")


# ---------------------------------------------------------------------------------------
# Hard rules: skills, queues, availability
# ---------------------------------------------------------------------------------------


def check_skill(view: RosterView) -> Iterator[Violation]:
    """Phone only on queues the agent is skilled for."""
    interval = view.problem.interval_minutes
    for timeline in view.timelines:
        for q in np.unique(timeline.queue[timeline.queue >= 0]).tolist():
            queue_id = view.problem.queues[q].id
            if queue_id not in timeline.agent.skills:
                minutes = int((timeline.queue == q).sum()) * interval
                yield _violation("skill", timeline,
                                 f"{minutes} min on queue {queue_id}, skills "
                                 f"{', '.join(timeline.agent.skills) or 'none'}")


def check_unknown_queue(view: RosterView) -> Iterator[Violation]:
    """Phone blocks name a queue of the problem."""
    queues = {q.id for q in view.problem.queues}
    for timeline in view.timelines:
        for block in timeline.blocks:
            if block.activity == "phone" and block.detail not in queues:
                yield _violation("unknown_queue", timeline,
                                 f"phone {_span(block.start, block.end)} on unknown queue "
                                 f"{block.detail!r}")


def check_availability_off(view: RosterView) -> Iterator[Violation]:
    """No shift on a date the agent is ``off``."""
    for timeline in view.timelines:
        rows = view.availability.get((timeline.agent.id, timeline.shift.day), [])
        if any(row.status == "off" for row in rows):
            yield _violation("availability_off", timeline,
                             f"shift {_span(timeline.shift.start, timeline.shift.end)} "
                             "on a date marked off")


def check_availability_window(view: RosterView) -> Iterator[Violation]:
    """The shift lies inside every ``window`` row of its agent and date."""
    for timeline in view.timelines:
        shift = timeline.shift
        for row in view.availability.get((timeline.agent.id, shift.day), []):
            if row.status != "window":
                continue
            early = row.window_from is not None and shift.start < row.window_from
            late = row.window_to is not None and shift.end > row.window_to
            if early or late:
                lo = "open" if row.window_from is None else _clock(row.window_from)
                hi = "open" if row.window_to is None else _clock(row.window_to)
                yield _violation("availability_window", timeline,
                                 f"shift {_span(shift.start, shift.end)} outside the "
                                 f"available window {lo}-{hi}")


# ---------------------------------------------------------------------------------------
# Hard rules: contracts over the horizon
# ---------------------------------------------------------------------------------------


def fitting_breaks(shift_type: ShiftType | None, length_minutes: int) -> tuple[BreakRule, ...]:
    """Break rules of the type that fit a shift of this length (all of them normally)."""
    if shift_type is None:
        return ()
    return tuple(b for b in shift_type.breaks
                 if b.latest_start_after_minutes + b.duration_minutes <= length_minutes)


def paid_minutes(timeline: ShiftTimeline) -> int:
    """Shift length less the unpaid breaks of its type (minutes)."""
    length = timeline.shift.end - timeline.shift.start
    unpaid = sum(b.duration_minutes for b in fitting_breaks(timeline.shift_type, length)
                 if not b.paid)
    return length - unpaid


def check_hours(view: RosterView) -> Iterator[Violation]:
    """Paid hours over the horizon within the agent's min_hours..max_hours."""
    for agent in view.problem.agents:
        minutes = sum(paid_minutes(t) for t in view.by_agent.get(agent.id, []))
        if minutes < agent.min_hours * 60 - 1e-6:
            yield Violation("min_hours", f"agent {agent.id}: {_hours(minutes)} paid, "
                            f"min {agent.min_hours:g} h", agent.id)
        if minutes > agent.max_hours * 60 + 1e-6:
            yield Violation("max_hours", f"agent {agent.id}: {_hours(minutes)} paid, "
                            f"max {agent.max_hours:g} h", agent.id)


def worked_days(timelines: Iterable[ShiftTimeline]) -> list[int]:
    """Sorted distinct date indices the agent works."""
    return sorted({t.shift.day for t in timelines})


def check_max_days(view: RosterView) -> Iterator[Violation]:
    """Working dates over the horizon at most max_days."""
    for agent in view.problem.agents:
        days = worked_days(view.by_agent.get(agent.id, []))
        if len(days) > agent.max_days:
            yield Violation("max_days", f"agent {agent.id}: works {len(days)} dates, "
                            f"max {agent.max_days}", agent.id)


def check_min_rest(view: RosterView) -> Iterator[Violation]:
    """Each shift starts min_rest_hours after the end of every earlier one (and History)."""
    problem = view.problem
    for agent in problem.agents:
        rest = agent.min_rest_hours * 60
        history = view.history.get(agent.id)
        previous_end = None if history is None else history.last_shift_end
        for timeline in view.by_agent.get(agent.id, []):
            start = timeline.shift.start
            if previous_end is not None and start - previous_end < rest - 1e-6:
                ended = problem.datetime_of(previous_end).strftime("%Y-%m-%d %H:%M")
                yield _violation("min_rest", timeline,
                                 f"shift starts {_clock(start)}, "
                                 f"{_hours(start - previous_end)} after a shift ended "
                                 f"{ended}, min rest {agent.min_rest_hours:g} h")
            end = timeline.shift.end
            previous_end = end if previous_end is None else max(previous_end, end)


def check_max_consecutive_days(view: RosterView) -> Iterator[Violation]:
    """Working dates in a row at most max_consecutive_days, History's days included."""
    problem = view.problem
    for agent in problem.agents:
        timelines = view.by_agent.get(agent.id, [])
        first_of_day = {t.shift.day: t for t in reversed(timelines)}
        history = view.history.get(agent.id)
        before = 0 if history is None else history.consecutive_days_worked
        streak = before
        for day in range(problem.days):
            streak = streak + 1 if day in first_of_day else 0
            if streak == agent.max_consecutive_days + 1:
                yield _violation("max_consecutive_days", first_of_day[day],
                                 f"working date {streak} in a row "
                                 f"({before} before the horizon), "
                                 f"max {agent.max_consecutive_days}")


# ---------------------------------------------------------------------------------------
# Hard rules: breaks and activities
# ---------------------------------------------------------------------------------------


def _break_rules(timeline: ShiftTimeline) -> dict[str, BreakRule]:
    length = timeline.shift.end - timeline.shift.start
    return {b.name: b for b in fitting_breaks(timeline.shift_type, length)}


def check_break_count(view: RosterView) -> Iterator[Violation]:
    """Every break of the type exactly once, and no other break.

    A shift without any activity block is left to ``activity_tiling``.
    """
    for timeline in view.timelines:
        if timeline.shift_type is None or not timeline.blocks:
            continue
        rules = _break_rules(timeline)
        taken = timeline.breaks
        for name in rules:
            times = sum(1 for b in taken if b.name == name)
            if times != 1:
                yield _violation("break_count", timeline,
                                 f"break {name} taken {times} times, expected once")
        for name in sorted({b.name for b in taken} - set(rules)):
            yield _violation("break_count", timeline,
                             f"break {name!r} is not a break of shift type "
                             f"{timeline.shift_type.id}")


def _breaks_with_rules(
        view: RosterView) -> Iterator[tuple[ShiftTimeline, BreakTaken, BreakRule]]:
    """Every break taken whose name is a break of its shift type, with that rule."""
    for timeline in view.timelines:
        rules = _break_rules(timeline)
        for taken in timeline.breaks:
            rule = rules.get(taken.name)
            if rule is not None:
                yield timeline, taken, rule


def check_break_window(view: RosterView) -> Iterator[Violation]:
    """Each break starts inside its window (minutes after the shift start)."""
    for timeline, taken, rule in _breaks_with_rules(view):
        after = taken.start - timeline.shift.start
        if not rule.earliest_start_after_minutes <= after <= rule.latest_start_after_minutes:
            yield _violation("break_window", timeline,
                             f"break {taken.name} starts {after} min after the shift "
                             f"start, window {rule.earliest_start_after_minutes}-"
                             f"{rule.latest_start_after_minutes} min")


def check_break_duration(view: RosterView) -> Iterator[Violation]:
    """Each break lasts its duration_minutes."""
    for timeline, taken, rule in _breaks_with_rules(view):
        if taken.end - taken.start != rule.duration_minutes:
            yield _violation("break_duration", timeline,
                             f"break {taken.name} {_span(taken.start, taken.end)} is "
                             f"{taken.end - taken.start} min, expected "
                             f"{rule.duration_minutes} min")


def check_break_overlap(view: RosterView) -> Iterator[Violation]:
    """Breaks of a shift do not overlap each other."""
    for timeline in view.timelines:
        latest: BreakTaken | None = None
        for taken in timeline.breaks:
            if latest is not None and taken.start < latest.end:
                yield _violation("break_overlap", timeline,
                                 f"break {taken.name} {_span(taken.start, taken.end)} "
                                 f"overlaps break {latest.name} "
                                 f"{_span(latest.start, latest.end)}")
            if latest is None or taken.end > latest.end:
                latest = taken


def check_break_spacing(view: RosterView) -> Iterator[Violation]:
    """min_minutes_between_breaks from the end of one break to the start of the next."""
    gap = view.problem.settings.min_minutes_between_breaks
    for timeline in view.timelines:
        taken = timeline.breaks
        for earlier, later in itertools.pairwise(taken):
            apart = later.start - earlier.end
            if 0 <= apart < gap:
                yield _violation("break_spacing", timeline,
                                 f"break {later.name} starts {apart} min after break "
                                 f"{earlier.name} ends, min {gap} min")


def check_activity_tiling(view: RosterView) -> Iterator[Violation]:
    """Blocks tile each shift exactly on the interval grid; no block outside a shift.

    Two overlapping breaks are left to ``break_overlap``.
    """
    for timeline in view.timelines:
        for text in _tiling_problems(timeline, view.problem.interval_minutes):
            yield _violation("activity_tiling", timeline, text)
    for block in view.stray_blocks:
        day = view.problem.date_of(block.day)
        yield Violation("activity_tiling",
                        f"agent {block.agent_id} on {day.isoformat()}: {block.activity} "
                        f"{_span(block.start, block.end)} lies outside every shift",
                        block.agent_id, day)


def _tiles_exactly(timeline: ShiftTimeline, interval: int) -> bool:
    """Fast check: known kinds, on the grid, each block starting where the last ended."""
    cursor = timeline.shift.start
    for block in timeline.blocks:
        if (block.start != cursor or block.end <= block.start or block.end % interval
                or block.activity not in ACTIVITY_KINDS):
            return False
        cursor = block.end
    return cursor == timeline.shift.end and cursor % interval == 0 and bool(timeline.blocks)


def _tiling_problems(timeline: ShiftTimeline, interval: int) -> Iterator[str]:
    """What keeps the blocks from tiling the shift, one message per gap, overlap or block."""
    if _tiles_exactly(timeline, interval):
        return
    shift = timeline.shift
    if not timeline.blocks:
        yield f"shift {_span(shift.start, shift.end)} has no activities"
        return
    cursor = shift.start
    previous: ActivityBlock | None = None
    for block in timeline.blocks:
        span = f"{block.activity} {_span(block.start, block.end)}"
        if block.activity not in ACTIVITY_KINDS:
            yield f"{span}: unknown activity {block.activity!r}"
        if block.end <= block.start:
            yield f"{span} is empty"
            continue
        if block.start % interval or block.end % interval:
            yield f"{span} is off the {interval}-minute grid"
        if block.start > cursor:
            yield f"no activity {_span(cursor, block.start)}"
        elif previous is not None and block.start < cursor and not (
                block.activity == "break" and previous.activity == "break"):
            yield (f"{span} overlaps {previous.activity} "
                   f"{_span(previous.start, previous.end)}")
        if block.end > cursor:
            cursor, previous = block.end, block
    if cursor < shift.end:
        yield f"no activity {_span(cursor, shift.end)}"
    elif cursor > shift.end:
        yield f"activities run to {_clock(cursor)}, after the shift end {_clock(shift.end)}"


# ---------------------------------------------------------------------------------------
# Stress rules
# ---------------------------------------------------------------------------------------


def check_stretch_cap(view: RosterView) -> Iterator[Violation]:
    """No complaint-heavy run longer than the agent's stretch cap."""
    interval = view.problem.interval_minutes
    for timeline in view.timelines:
        cap = view.problem.stretch_cap_minutes(timeline.agent)
        for run in timeline.runs:
            if run.length * interval > cap:
                yield _violation("stretch_cap", timeline,
                                 f"complaint run {_run_span(view.problem, timeline, run)} is "
                                 f"{run.length * interval} min, cap {cap} min", stress=True)


def check_recovery(view: RosterView) -> Iterator[Violation]:
    """Runs of at least recovery_after_minutes are followed at once by time off the phone."""
    settings = view.problem.settings
    off = settings.recovery_break_intervals * settings.interval_minutes
    for timeline in view.timelines:
        for run in timeline.runs:
            if run.needs_recovery and not run.recovered:
                yield _violation("recovery", timeline,
                                 f"complaint run {_run_span(view.problem, timeline, run)} is "
                                 f"{run.length * settings.interval_minutes} min (recovery "
                                 f"after {settings.recovery_after_minutes} min) but is not "
                                 f"followed by {off} min off the phone", stress=True)


def check_daily_complaint_cap(view: RosterView) -> Iterator[Violation]:
    """Complaint-heavy phone minutes per agent and shift date at most the daily cap."""
    settings = view.problem.settings
    per_day: dict[tuple[str, int], list[ShiftTimeline]] = defaultdict(list)
    for timeline in view.timelines:
        per_day[(timeline.agent.id, timeline.shift.day)].append(timeline)
    for timelines in per_day.values():
        minutes = sum(t.complaint_intervals for t in timelines) * settings.interval_minutes
        if minutes > settings.max_complaint_minutes_per_day:
            yield _violation("daily_complaint_cap", timelines[0],
                             f"{minutes} complaint minutes, cap "
                             f"{settings.max_complaint_minutes_per_day} min", stress=True)


def check_complaint_eligible(view: RosterView) -> Iterator[Violation]:
    """Agents with complaint_eligible = no have no complaint-heavy run."""
    interval = view.problem.interval_minutes
    for timeline in view.timelines:
        if timeline.agent.complaint_eligible:
            continue
        for run in timeline.runs:
            yield _violation("complaint_eligible", timeline,
                             f"not complaint-eligible but on complaint-heavy calls "
                             f"{_run_span(view.problem, timeline, run)} "
                             f"({run.length * interval} min)", stress=True)


RULES: tuple[Callable[[RosterView], Iterator[Violation]], ...] = (
    check_one_shift_per_day,
    check_unknown_agent,
    check_shift_type_allowed,
    check_shift_start_grid,
    check_shift_weekday,
    check_shift_length,
    check_skill,
    check_unknown_queue,
    check_availability_off,
    check_availability_window,
    check_hours,
    check_max_days,
    check_min_rest,
    check_max_consecutive_days,
    check_break_count,
    check_break_window,
    check_break_duration,
    check_break_overlap,
    check_break_spacing,
    check_activity_tiling,
    check_stretch_cap,
    check_recovery,
    check_daily_complaint_cap,
    check_complaint_eligible,
)


def _validate_view(view: RosterView) -> tuple[Violation, ...]:
    return tuple(v for rule in RULES for v in rule(view))


def validate(problem: Problem, solution: Solution) -> tuple[Violation, ...]:
    """Every broken rule of the contract: hard rules (stress=False), then stress rules."""
    return _validate_view(build_view(problem, solution))


# ---------------------------------------------------------------------------------------
# Coverage, Stress and KPIs
# ---------------------------------------------------------------------------------------


def scheduled_agents(view: RosterView) -> IntArray:
    """(queues, intervals): agents on the phone for each queue in each horizon interval."""
    problem = view.problem
    horizon = problem.num_intervals
    flat: list[IntArray] = []
    for timeline in view.timelines:
        t = timeline.first_interval + np.arange(len(timeline.queue))
        inside = (timeline.queue >= 0) & (t >= 0) & (t < horizon)
        flat.append(timeline.queue[inside] * horizon + t[inside])
    size = len(problem.queues) * horizon
    indices = np.concatenate(flat) if flat else np.zeros(0, dtype=np.int64)
    counts = np.bincount(indices, minlength=size)
    return counts.reshape(len(problem.queues), horizon).astype(np.int64)


def coverage_table(problem: Problem, required: IntArray, scheduled: IntArray) -> pd.DataFrame:
    """One row per horizon interval and queue (interval-major), with COVERAGE_COLUMNS."""
    forecast = problem.forecast
    queues, horizon = scheduled.shape
    calls = forecast.calls
    level = staffing.service_level(problem, scheduled)
    level = np.where(calls > 0, level, 1.0)
    per_day = problem.intervals_per_day
    interval = problem.interval_minutes
    clock = [f"{(i * interval) // 60:02d}:{(i * interval) % 60:02d}" for i in range(per_day)]
    dates = [problem.date_of(d) for d in range(problem.days)]
    t = np.repeat(np.arange(horizon), queues)
    q = np.tile(np.arange(queues), horizon)
    under = np.maximum(0, required - scheduled)
    over = np.maximum(0, scheduled - required)
    columns = {
        "date": [dates[i // per_day] for i in t.tolist()],
        "interval_start": [clock[i % per_day] for i in t.tolist()],
        "queue": [problem.queues[i].id for i in q.tolist()],
        "calls": calls[q, t],
        "aht_seconds": forecast.aht_seconds[q, t],
        "complaint_share": forecast.complaint_share[q, t],
        "complaint_heavy": problem.complaint_heavy()[q, t],
        "required": required[q, t],
        "scheduled": scheduled[q, t],
        "understaffed": under[q, t],
        "overstaffed": over[q, t],
        "service_level": level[q, t],
    }
    return pd.DataFrame(columns, columns=list(COVERAGE_COLUMNS))


def stress_table(view: RosterView, violations: Iterable[Violation]) -> pd.DataFrame:
    """One row per agent and shift date worked, with STRESS_COLUMNS.

    ``violations`` counts the stress Violations of that agent and date, which follows
    the contract's definition (one per rule breach).
    """
    interval = view.problem.interval_minutes
    per_day: dict[tuple[str, int], list[ShiftTimeline]] = defaultdict(list)
    for agent_id, timelines in view.by_agent.items():
        for timeline in timelines:
            per_day[(agent_id, timeline.shift.day)].append(timeline)
    broken: dict[tuple[str | None, date | None], int] = defaultdict(int)
    for violation in violations:
        if violation.stress:
            broken[(violation.agent_id, violation.day)] += 1
    rows = []
    order = {a.id: i for i, a in enumerate(view.problem.agents)}
    for (agent_id, _), timelines in sorted(per_day.items(),
                                           key=lambda item: (order[item[0][0]], item[0][1])):
        runs = [run for t in timelines for run in t.runs]
        rows.append({
            "agent_id": agent_id,
            "date": timelines[0].date,
            "complaint_minutes": sum(t.complaint_intervals for t in timelines) * interval,
            "longest_complaint_stretch_minutes": max((r.length for r in runs), default=0)
            * interval,
            "recoveries_required": sum(1 for r in runs if r.needs_recovery),
            "recoveries_given": sum(1 for r in runs if r.needs_recovery and r.recovered),
            "violations": broken[(agent_id, timelines[0].date)],
        })
    return pd.DataFrame(rows, columns=list(STRESS_COLUMNS))


def complaint_minutes_spread(view: RosterView, stress: pd.DataFrame) -> int:
    """Max - min horizon complaint minutes over eligible agents who could take complaints.

    Those are complaint-eligible agents skilled for a queue with a complaint-heavy
    interval; an agent without shifts counts 0 minutes.
    """
    problem = view.problem
    heavy_queues = {q.id for q, row in zip(problem.queues, problem.complaint_heavy(),
                                           strict=True) if row.any()}
    candidates = [a.id for a in problem.agents
                  if a.complaint_eligible and heavy_queues.intersection(a.skills)]
    if not candidates:
        return 0
    totals: dict[str, int] = defaultdict(int)
    for agent_id, minutes_of_day in zip(stress["agent_id"], stress["complaint_minutes"],
                                        strict=True):
        totals[str(agent_id)] += int(minutes_of_day)
    minutes = [totals[agent_id] for agent_id in candidates]
    return max(minutes) - min(minutes)


def kpis(view: RosterView, coverage: pd.DataFrame, stress: pd.DataFrame,
         violations: tuple[Violation, ...]) -> dict[str, float | int]:
    """The Summary figures (minutes, hours, shares) of one roster."""
    interval = view.problem.interval_minutes
    calls = coverage["calls"].to_numpy(dtype=np.float64)
    total_calls = float(calls.sum())
    level = coverage["service_level"].to_numpy(dtype=np.float64)
    runs = [run for t in view.timelines for run in t.runs]
    needing = [run for run in runs if run.needs_recovery]
    return {
        "understaffed_agent_minutes": int(coverage["understaffed"].sum()) * interval,
        "overstaffed_agent_minutes": int(coverage["overstaffed"].sum()) * interval,
        "service_level": float(calls @ level / total_calls) if total_calls > 0 else 1.0,
        "paid_hours": sum(paid_minutes(t) for t in view.timelines) / 60,
        "shifts": len(view.timelines),
        "max_complaint_stretch_minutes": max((r.length for r in runs), default=0) * interval,
        "recovery_compliance": (sum(1 for r in needing if r.recovered) / len(needing)
                                if needing else 1.0),
        "stress_violations": int(stress["violations"].sum()) if len(stress) else 0,
        "complaint_minutes_total": sum(t.complaint_intervals for t in view.timelines) * interval,
        "complaint_minutes_spread": complaint_minutes_spread(view, stress),
        "hard_violations": sum(1 for v in violations if not v.stress),
    }


def evaluate(problem: Problem, solution: Solution,
             requirements: npt.NDArray[np.int64] | None = None) -> Report:
    """Coverage, Stress, KPIs and violations of a roster.

    ``requirements`` (queues, intervals) replaces ``staffing.required_agents(problem)``.
    """
    view = build_view(problem, solution)
    violations = _validate_view(view)
    required = (staffing.required_agents(problem) if requirements is None
                else np.asarray(requirements)).astype(np.int64)
    expected = (len(problem.queues), problem.num_intervals)
    if required.shape != expected:
        raise ValueError(f"requirements have shape {required.shape}, expected {expected}")
    coverage = coverage_table(problem, required, scheduled_agents(view))
    stress = stress_table(view, violations)
    return Report(coverage, stress, kpis(view, coverage, stress, violations), violations)
