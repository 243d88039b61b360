"""Tiny Problems and readable Solutions built directly in Python, for tests.

Defaults: 1 day from Monday 2026-11-30, 15-minute intervals, one queue ``main``, two
agents ``A1`` and ``A2`` skilled for every queue, and one shift type ``day``: 8 hours
starting 08:00-10:00 on a 60-minute step, with a 15-minute paid ``break1`` starting
1h-2h after the shift start and a 30-minute unpaid ``lunch`` starting 3h-5h after it.

Series arguments (``calls``, ``complaint_share``, ``required``, ``aht_seconds``) accept
a number (every interval and queue), an array of shape (queues, intervals) or
(intervals,) for one queue, or a mapping ``{(queue, first, last): value}`` that sets
intervals ``first .. last - 1``; ``first``/``last`` are interval indices or ``"HH:MM"``
times of the first date. Unset intervals take the default (0 calls, share 0, no
required override).

Timelines for :func:`solution_from_timeline` are strings, one letter per interval
(spaces ignored): ``P`` phone on the first queue, ``Q`` phone on the second queue,
``B`` break ``break1``, ``L`` break ``lunch``, ``R`` recovery, ``O`` other, ``.`` no
block; or lists of ``(activity, detail)`` pairs (``None`` for no block).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

import numpy as np
import numpy.typing as npt

from shiftcare.problem import (
    MINUTES_PER_DAY,
    Agent,
    Availability,
    BreakRule,
    Forecast,
    History,
    Problem,
    Queue,
    Settings,
    ShiftType,
)
from shiftcare.solution import ActivityBlock, ActivityKind, Shift, Solution, SolveInfo

MONDAY = date(2026, 11, 30)

SeriesSpec = float | npt.NDArray[np.float64] | Mapping[tuple[str, int | str, int | str], float]
IntervalActivity = tuple[str, str] | None
TimelineSpec = str | Sequence[IntervalActivity]
ShiftSpec = tuple[str, int | str, TimelineSpec] | tuple[str, int | str, TimelineSpec, int]

DEFAULT_LEGEND: dict[str, IntervalActivity] = {
    "B": ("break", "break1"),
    "L": ("break", "lunch"),
    "R": ("recovery", ""),
    "O": ("other", ""),
    ".": None,
}


def minutes_of(time_of_day: int | str) -> int:
    """Minutes after midnight of ``"HH:MM"`` (ints pass through)."""
    if isinstance(time_of_day, int):
        return time_of_day
    hours, minutes = time_of_day.split(":")
    return int(hours) * 60 + int(minutes)


def at(time_of_day: int | str, day: int = 0, interval_minutes: int = 15) -> int:
    """Interval index of a time of day (``"HH:MM"`` or minutes) on date index ``day``."""
    return (day * MINUTES_PER_DAY + minutes_of(time_of_day)) // interval_minutes


def make_agent(agent_id: str, **overrides: object) -> Agent:
    """An agent skilled for ``main`` on shift type ``day`` with roomy contract limits."""
    base = Agent(
        id=agent_id,
        name=agent_id,
        skills=("main",),
        shift_types=("day",),
        min_hours=0.0,
        max_hours=200.0,
        max_days=7,
        min_rest_hours=11.0,
        max_consecutive_days=6,
        complaint_eligible=True,
        max_complaint_stretch_minutes=60,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def make_break(name: str, duration_minutes: int, earliest: int, latest: int,
               paid: bool = True) -> BreakRule:
    """A break rule; ``earliest``/``latest`` are start minutes after the shift start."""
    return BreakRule(name, duration_minutes, earliest, latest, paid)


DEFAULT_BREAKS = (
    make_break("break1", 15, 60, 120, paid=True),
    make_break("lunch", 30, 180, 300, paid=False),
)


def make_shift_type(shift_type_id: str = "day", **overrides: object) -> ShiftType:
    """An 8-hour type starting 08:00-10:00 every 60 minutes with ``break1`` and ``lunch``."""
    base = ShiftType(
        id=shift_type_id,
        earliest_start=8 * 60,
        latest_start=10 * 60,
        start_step_minutes=60,
        length_minutes=8 * 60,
        breaks=DEFAULT_BREAKS,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def make_problem(
    days: int = 1,
    interval_minutes: int = 15,
    queues: Sequence[str] = ("main",),
    agents: Iterable[Agent] | None = None,
    shift_types: Iterable[ShiftType] | None = None,
    calls: SeriesSpec | None = None,
    complaint_share: SeriesSpec | None = None,
    required: SeriesSpec | None = None,
    settings_overrides: Mapping[str, object] | None = None,
    availability: Iterable[Availability] = (),
    history: Iterable[History] = (),
    aht_seconds: SeriesSpec = 300.0,
    start_date: date = MONDAY,
) -> Problem:
    """A tiny Problem; see the module docstring for defaults and series arguments."""
    queue_ids = tuple(queues)
    settings = replace(Settings(interval_minutes=interval_minutes),
                       **dict(settings_overrides or {}))  # type: ignore[arg-type]
    shape = (len(queue_ids), days * MINUTES_PER_DAY // interval_minutes)
    forecast = Forecast(
        calls=series(calls, shape, queue_ids, interval_minutes, 0.0),
        aht_seconds=series(aht_seconds, shape, queue_ids, interval_minutes, 300.0),
        complaint_share=series(complaint_share, shape, queue_ids, interval_minutes, 0.0),
        required_override=series(required, shape, queue_ids, interval_minutes, np.nan),
    )
    if agents is None:
        agents = (make_agent("A1", skills=queue_ids), make_agent("A2", skills=queue_ids))
    return Problem(
        start_date=start_date,
        days=days,
        settings=settings,
        queues=tuple(Queue(q, settings.service_level_target, settings.answer_seconds)
                     for q in queue_ids),
        forecast=forecast,
        agents=tuple(agents),
        shift_types=tuple(shift_types if shift_types is not None else (make_shift_type(),)),
        availability=tuple(availability),
        history=tuple(history),
    )


def series(
    spec: SeriesSpec | None,
    shape: tuple[int, int],
    queue_ids: Sequence[str],
    interval_minutes: int,
    default: float,
) -> npt.NDArray[np.float64]:
    """A (queues, intervals) float array from a series argument."""
    values = np.full(shape, default, dtype=np.float64)
    if spec is None:
        return values
    if isinstance(spec, Mapping):
        for (queue, first, last), value in spec.items():
            values[list(queue_ids).index(queue),
                   _interval(first, interval_minutes):_interval(last, interval_minutes)] = value
        return values
    if isinstance(spec, np.ndarray):
        return np.broadcast_to(np.asarray(spec, dtype=np.float64), shape).copy()
    values[:] = float(spec)
    return values


def _interval(position: int | str, interval_minutes: int) -> int:
    return position if isinstance(position, int) else at(position, 0, interval_minutes)


def solution_from_timeline(
    problem: Problem,
    timelines: Mapping[tuple[str, int], ShiftSpec],
    legend: Mapping[str, IntervalActivity] | None = None,
) -> Solution:
    """A Solution from ``{(agent_id, day): (shift_type, start, timeline[, length_minutes])}``.

    ``start`` is ``"HH:MM"`` or minutes after midnight of the shift's date (the shift
    starts at minute ``day * 1440 + start``); the shift ends after ``length_minutes``
    (default: its type's length, or the timeline's length for an unknown type). The
    timeline gives one activity per interval from the shift start. Breaks are paid
    as their BreakRule says. Equal neighbouring intervals merge into one block.
    """
    shifts: list[Shift] = []
    blocks: list[ActivityBlock] = []
    for (agent_id, day), spec in timelines.items():
        type_id, start_of_day, timeline = spec[0], spec[1], spec[2]
        labels = _labels(problem, timeline, legend)
        start = day * MINUTES_PER_DAY + minutes_of(start_of_day)
        length = spec[3] if len(spec) == 4 else _default_length(problem, type_id, labels)
        shifts.append(Shift(agent_id, day, type_id, start, start + length))
        blocks.extend(_blocks(problem, agent_id, day, type_id, start, labels))
    return Solution(tuple(shifts), tuple(blocks), SolveInfo(status="FEASIBLE"))


def _default_length(problem: Problem, type_id: str, labels: Sequence[IntervalActivity]) -> int:
    known = {s.id: s for s in problem.shift_types}
    if type_id in known:
        return known[type_id].length_minutes
    return len(labels) * problem.interval_minutes


def _labels(problem: Problem, timeline: TimelineSpec,
            legend: Mapping[str, IntervalActivity] | None) -> list[IntervalActivity]:
    if not isinstance(timeline, str):
        return list(timeline)
    letters: dict[str, IntervalActivity] = dict(DEFAULT_LEGEND)
    letters["P"] = ("phone", problem.queues[0].id)
    if len(problem.queues) > 1:
        letters["Q"] = ("phone", problem.queues[1].id)
    letters.update(legend or {})
    return [letters[letter] for letter in timeline if not letter.isspace()]


def _blocks(problem: Problem, agent_id: str, day: int, type_id: str, start: int,
            labels: Sequence[IntervalActivity]) -> list[ActivityBlock]:
    """Consecutive equal intervals merged into blocks; ``None`` intervals are left empty."""
    interval = problem.interval_minutes
    known = {s.id: s for s in problem.shift_types}
    paid_breaks = {b.name: b.paid for b in known[type_id].breaks} if type_id in known else {}
    blocks: list[ActivityBlock] = []
    for offset, label in enumerate(labels):
        if label is None:
            continue
        kind, detail = label
        paid = paid_breaks.get(detail, True) if kind == "break" else True
        minute = start + offset * interval
        last = blocks[-1] if blocks else None
        if (last is not None and last.end == minute
                and (last.activity, last.detail, last.paid) == (kind, detail, paid)):
            blocks[-1] = replace(last, end=minute + interval)
        else:
            blocks.append(ActivityBlock(agent_id, day, minute, minute + interval,
                                        _kind(kind), detail, paid))
    return blocks


def _kind(kind: str) -> ActivityKind:
    return kind  # type: ignore[return-value]


def valid_day(
    phone: str = "P",
    break1_after: int = 4,
    lunch_after: int = 12,
    intervals: int = 32,
) -> str:
    """A timeline for the default 8-hour shift: phone with ``break1`` and ``lunch``.

    ``break1_after``/``lunch_after`` are interval offsets from the shift start
    (defaults: break1 after 1 h, lunch after 3 h, 1h45 apart).
    """
    cells = [phone] * intervals
    cells[break1_after] = "B"
    cells[lunch_after:lunch_after + 2] = ["L", "L"]
    return "".join(cells)
