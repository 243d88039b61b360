"""Immutable input data of a scheduling problem: the workbook contract as typed values.

Times are integers. A *minute* is counted from the horizon start (``start_date`` 00:00);
an *interval* ``t`` covers minutes ``[t * interval_minutes, (t + 1) * interval_minutes)``.
A *day* is a date index ``0 .. days - 1``. No pandas and no ortools here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from shiftcare.solution import ActivityBlock

MINUTES_PER_DAY = 1440
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Mode = Literal["stress-aware", "baseline"]
AvailabilityStatus = Literal["off", "prefer_off", "window"]


class TimeSpan(Protocol):
    """Anything with a [start, end) in minutes from the horizon start (a shift, a
    candidate shift)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def too_close(first: TimeSpan, second: TimeSpan, rest_minutes: int) -> bool:
    """Whether two shifts overlap or leave less than ``rest_minutes`` between them, in
    either order."""
    return first.end + rest_minutes > second.start and second.end + rest_minutes > first.start


@dataclass(frozen=True)
class Settings:
    """The Settings sheet with the contract's defaults (units in the names)."""

    interval_minutes: int = 15
    timezone: str = "UTC"
    service_level_target: float = 0.80
    answer_seconds: float = 20.0
    patience_seconds: float | None = None
    max_occupancy: float = 0.85
    shrinkage: float = 0.0
    complaint_heavy_share: float = 0.30
    max_complaint_stretch_minutes: int = 60
    recovery_after_minutes: int = 45
    recovery_break_minutes: int = 10
    max_complaint_minutes_per_day: int = 240
    min_minutes_between_breaks: int = 60
    min_rest_hours: float = 11.0
    max_consecutive_days: int = 6
    time_limit_seconds: float = 60.0
    workers: int = 0
    seed: int = 0
    weight_understaffing: float = 1000.0
    weight_overstaffing: float = 1.0
    weight_paid_hour: float = 1.0
    weight_preference: float = 50.0
    weight_complaint_fairness: float = 5.0

    @property
    def recovery_after_intervals(self) -> int:
        """A run of at least this many intervals needs a recovery."""
        return max(1, math.ceil(self.recovery_after_minutes / self.interval_minutes - 1e-9))

    @property
    def recovery_break_intervals(self) -> int:
        """Intervals off the phone a recovery needs (rounded up)."""
        return max(1, math.ceil(self.recovery_break_minutes / self.interval_minutes - 1e-9))

    @property
    def max_complaint_intervals_per_day(self) -> int:
        """Complaint-heavy phone intervals allowed per agent and shift date."""
        return self.max_complaint_minutes_per_day // self.interval_minutes


@dataclass(frozen=True)
class Queue:
    """A call queue with its service-level target (seconds)."""

    id: str
    service_level_target: float
    answer_seconds: float
    patience_seconds: float | None = None
    row: int | None = None


@dataclass(frozen=True)
class Forecast:
    """Per-queue, per-interval load; arrays have shape (queues, intervals of the horizon).

    ``required_override`` is NaN where the workbook gives no ``required_agents``.
    """

    calls: npt.NDArray[np.float64]
    aht_seconds: npt.NDArray[np.float64]
    complaint_share: npt.NDArray[np.float64]
    required_override: npt.NDArray[np.float64]

    def __post_init__(self) -> None:
        for array in (self.calls, self.aht_seconds, self.complaint_share, self.required_override):
            array.setflags(write=False)


@dataclass(frozen=True)
class BreakRule:
    """One break of a shift type; window for its start in minutes after the shift start."""

    name: str
    duration_minutes: int
    earliest_start_after_minutes: int
    latest_start_after_minutes: int
    paid: bool = True
    row: int | None = None


@dataclass(frozen=True)
class ShiftType:
    """A kind of shift: allowed start times of day, length, weekdays and breaks.

    ``earliest_start``/``latest_start`` are minutes after midnight; a window with
    ``latest_start < earliest_start`` wraps across midnight. ``weekdays`` holds
    ``date.weekday()`` numbers (0 = Monday).
    """

    id: str
    earliest_start: int
    latest_start: int
    start_step_minutes: int
    length_minutes: int
    weekdays: frozenset[int] = frozenset(range(7))
    breaks: tuple[BreakRule, ...] = ()
    row: int | None = None

    def start_times_of_day(self) -> tuple[int, ...]:
        """Allowed start times (minutes after midnight), stepping from ``earliest_start``."""
        window = (self.latest_start - self.earliest_start) % MINUTES_PER_DAY
        steps = window // self.start_step_minutes
        return tuple(
            sorted((self.earliest_start + k * self.start_step_minutes) % MINUTES_PER_DAY
                   for k in range(steps + 1))
        )

    @property
    def paid_minutes(self) -> int:
        """Paid minutes of one shift: its length less its unpaid breaks."""
        return self.length_minutes - sum(b.duration_minutes for b in self.breaks if not b.paid)

    @property
    def on_phone_share(self) -> float:
        """Share of the shift's length outside its breaks (0..1)."""
        return 1 - sum(b.duration_minutes for b in self.breaks) / max(1, self.length_minutes)


@dataclass(frozen=True)
class Agent:
    """An agent with contract, skills and stress limits (hours, days, minutes)."""

    id: str
    name: str
    skills: tuple[str, ...]
    shift_types: tuple[str, ...]
    min_hours: float
    max_hours: float
    max_days: int
    min_rest_hours: float
    max_consecutive_days: int
    complaint_eligible: bool = True
    max_complaint_stretch_minutes: int = 60
    row: int | None = None

    @property
    def min_paid_minutes(self) -> int:
        """``min_hours`` in whole paid minutes, rounded up."""
        return math.ceil(self.min_hours * 60 - 1e-6)

    @property
    def max_paid_minutes(self) -> int:
        """``max_hours`` in whole paid minutes, rounded down."""
        return math.floor(self.max_hours * 60 + 1e-6)

    def keeps_min_hours(self, paid_minutes: int, paid_now: int) -> bool:
        """Whether a change to a week of ``paid_now`` paid minutes that leaves
        ``paid_minutes`` keeps the minimum hours: at least ``min_paid_minutes``, or no
        lower than before where the week was already short."""
        return paid_minutes >= self.min_paid_minutes or paid_minutes >= paid_now

    @property
    def min_rest_minutes(self) -> int:
        """``min_rest_hours`` in whole minutes, rounded up (shifts start on whole
        minutes, so a gap of at least this many keeps the rest)."""
        return math.ceil(self.min_rest_hours * 60 - 1e-6)


@dataclass(frozen=True)
class Availability:
    """One Availability row. ``window_from``/``window_to`` are minutes from the horizon start."""

    agent_id: str
    day: int
    status: AvailabilityStatus
    window_from: int | None = None
    window_to: int | None = None
    row: int | None = None


@dataclass(frozen=True)
class History:
    """What happened before the horizon: last shift end (minutes, negative) and days in a row."""

    agent_id: str
    last_shift_end: int | None
    consecutive_days_worked: int = 0
    row: int | None = None


@dataclass(frozen=True)
class RosterEntry:
    """A shift from an input Roster grid: agent, day, start minute, end minute, type."""

    agent_id: str
    day: int
    start: int
    end: int
    shift_type: str | None
    row: int | None = None


@dataclass(frozen=True)
class Problem:
    """Everything the solver and the evaluator need, read from one workbook."""

    start_date: date
    days: int
    settings: Settings
    queues: tuple[Queue, ...]
    forecast: Forecast
    agents: tuple[Agent, ...]
    shift_types: tuple[ShiftType, ...]
    availability: tuple[Availability, ...] = ()
    history: tuple[History, ...] = ()
    existing_roster: tuple[RosterEntry, ...] | None = None
    existing_activities: tuple[ActivityBlock, ...] | None = None
    source_path: str = ""
    source_sha256: str = ""
    _index: dict[str, dict[str, int]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _availability: dict[tuple[str, int], tuple[Availability, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _history: dict[str, History] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        self._index["queue"] = {q.id: i for i, q in enumerate(self.queues)}
        self._index["agent"] = {a.id: i for i, a in enumerate(self.agents)}
        self._index["shift_type"] = {s.id: i for i, s in enumerate(self.shift_types)}
        for row in self.availability:
            key = (row.agent_id, row.day)
            self._availability[key] = (*self._availability.get(key, ()), row)
        for history in reversed(self.history):
            self._history[history.agent_id] = history

    def replace(self, **changes: object) -> Problem:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def interval_minutes(self) -> int:
        return self.settings.interval_minutes

    @property
    def intervals_per_day(self) -> int:
        return MINUTES_PER_DAY // self.settings.interval_minutes

    @property
    def num_intervals(self) -> int:
        """Intervals of the horizon (coverage is measured on these)."""
        return self.days * self.intervals_per_day

    @property
    def horizon_minutes(self) -> int:
        return self.days * MINUTES_PER_DAY

    @property
    def agent_dates(self) -> int:
        """Agents times dates of the horizon: the size the solver's paths and time
        reserves are chosen by."""
        return len(self.agents) * self.days

    def date_of(self, day: int) -> date:
        return self.start_date + timedelta(days=day)

    def datetime_of(self, minute: int) -> datetime:
        """Wall-clock datetime of a minute counted from the horizon start."""
        start = datetime(self.start_date.year, self.start_date.month, self.start_date.day)
        return start + timedelta(minutes=minute)

    def queue_index(self, queue_id: str) -> int:
        return self._index["queue"][queue_id]

    def agent_index(self, agent_id: str) -> int:
        return self._index["agent"][agent_id]

    def shift_type(self, shift_type_id: str) -> ShiftType:
        return self.shift_types[self._index["shift_type"][shift_type_id]]

    def complaint_heavy(self) -> npt.NDArray[np.bool_]:
        """(queues, intervals): complaint_share at least the complaint-heavy threshold."""
        return self.forecast.complaint_share >= self.settings.complaint_heavy_share - 1e-12

    def availability_of(self, agent_id: str, day: int) -> tuple[Availability, ...]:
        """The agent's Availability rows for ``day``, in workbook order."""
        return self._availability.get((agent_id, day), ())

    def prefers_off(self, agent_id: str, day: int) -> bool:
        """Whether the agent asked for ``day`` off (an Availability ``prefer_off`` row)."""
        return any(row.status == "prefer_off" for row in self.availability_of(agent_id, day))

    def history_of(self, agent_id: str) -> History | None:
        """The agent's History row (the first, should there be several), else None."""
        return self._history.get(agent_id)

    def stretch_cap_minutes(self, agent: Agent) -> int:
        """The agent's longest allowed complaint-heavy run, in minutes."""
        return agent.max_complaint_stretch_minutes
