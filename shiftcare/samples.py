"""Sample and generated input workbooks built from public call-centre profiles.

The call curves come from ``shiftcare/data/`` (derived by ``benchmarks/derive_profiles.py``
from a US bank, 2003, and the "Anonymous Bank", Israel, 1999; see that folder's README):
a two-peak 15-minute intraday profile per weekday, the relative volume of each weekday
and an intraday average-handle-time profile. Agents, contracts, complaint shares and
surges are synthetic. Everything is drawn from a seeded numpy generator, so the same
arguments always give the same sheet values.

- ``build_sample("small" | "medium", path)``: the bundled samples in ``instances/``.
- ``build_generated(agents, days, queues, seed, path=...)``: benchmark instances whose
  call volume asks for about ``target_load`` of what the agents can deliver on the phone.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from shiftcare.problem import (
    MINUTES_PER_DAY,
    WEEKDAY_NAMES,
    Forecast,
    Problem,
    Queue,
    Settings,
)
from shiftcare.staffing import required_agents

SampleKind = Literal["small", "medium", "medium-roster"]
Cell = str | int | float | date | datetime | None
FloatGrid = npt.NDArray[np.float64]

DEFAULT_START_DATE = date(2026, 11, 30)
"""A Monday: every sample and generated horizon starts on it unless told otherwise."""
INTERVAL_MINUTES = 15
"""The grid of the profiles and of every workbook written here (minutes)."""
INTERVALS_PER_DAY = MINUTES_PER_DAY // INTERVAL_MINUTES
OPENING_HOURS: dict[int, tuple[int, int]] = {
    **{weekday: (8 * 60, 20 * 60) for weekday in range(5)},
    5: (8 * 60, 14 * 60),
}
"""Minutes after midnight when calls arrive, per ``date.weekday()``; Sunday is closed."""


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class Profiles:
    """Call-curve shapes on the 15-minute grid of one day.

    ``intraday[w, i]``: share of weekday ``w``'s calls arriving in interval ``i`` (rows sum
    to 1); ``daily_volume[w]``: a weekday's calls over the mean Monday-Friday day;
    ``relative_aht[i]``: handle time in interval ``i`` over the day's mean.
    """

    intraday: FloatGrid
    daily_volume: FloatGrid
    relative_aht: FloatGrid


def _read_data_csv(name: str) -> list[dict[str, str]]:
    """Rows of a CSV shipped in ``shiftcare/data``."""
    text = resources.files("shiftcare").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _interval_of(hhmm: str) -> int:
    """Index of the 15-minute interval starting at ``HH:MM``."""
    hours, minutes = hhmm.split(":")
    return (int(hours) * 60 + int(minutes)) // INTERVAL_MINUTES


@cache
def load_profiles() -> Profiles:
    """The profiles shipped in ``shiftcare/data`` (read once)."""
    intraday = np.zeros((7, INTERVALS_PER_DAY))
    for row in _read_data_csv("intraday_profile.csv"):
        intraday[WEEKDAY_NAMES.index(row["weekday"]), _interval_of(row["interval_start"])] = (
            float(row["share"])
        )
    daily_volume = np.zeros(7)
    for row in _read_data_csv("daily_volume.csv"):
        daily_volume[WEEKDAY_NAMES.index(row["weekday"])] = float(row["relative_volume"])
    relative_aht = np.ones(INTERVALS_PER_DAY)
    for row in _read_data_csv("aht_profile.csv"):
        relative_aht[_interval_of(row["interval_start"])] = float(row["relative_aht"])
    for array in (intraday, daily_volume, relative_aht):
        array.setflags(write=False)
    return Profiles(intraday, daily_volume, relative_aht)


def open_intervals(weekday: int) -> npt.NDArray[np.bool_]:
    """Which 15-minute intervals of a weekday are inside the opening hours."""
    mask = np.zeros(INTERVALS_PER_DAY, dtype=bool)
    if weekday in OPENING_HOURS:
        opens, closes = OPENING_HOURS[weekday]
        mask[opens // INTERVAL_MINUTES: closes // INTERVAL_MINUTES] = True
    return mask


def daily_call_curve(weekday: int, profiles: Profiles | None = None) -> FloatGrid:
    """Calls per 15-minute interval of one weekday, for a mean weekday of 1 call in opening
    hours: the profile cut to the opening hours, rescaled, times the weekday's volume."""
    profiles = profiles or load_profiles()
    shares = np.where(open_intervals(weekday), profiles.intraday[weekday], 0.0)
    if shares.sum() <= 0:
        return shares
    return shares / shares.sum() * profiles.daily_volume[weekday]


# --------------------------------------------------------------------------- specification


@dataclass(frozen=True)
class QueueSpec:
    """A queue to generate: its share of the calls, handle time and complaint share."""

    id: str
    share_of_calls: float
    base_aht_seconds: float
    complaint_share: float
    """Typical share of complaint calls (surges raise the general queues' share)."""
    answer_seconds: float = 20.0
    service_level_target: float = 0.80


@dataclass(frozen=True)
class ComplaintSurge:
    """Hours on one day when complaints rise on the calmer queues (after a weekend, an
    outage, a fee letter): their complaint share becomes ``share`` and calls grow by
    ``volume_factor``. ``start``/``end`` are minutes after midnight."""

    day: int
    start: int
    end: int
    share: float
    volume_factor: float = 1.1


@dataclass(frozen=True)
class Contract:
    """A kind of employment: shift types it may work, paid hours and dates over the horizon."""

    name: str
    shift_types: tuple[str, ...]
    min_hours: float
    max_hours: float
    max_days: int


@dataclass(frozen=True)
class ShiftTypeSpec:
    """A ShiftTypes row with its Breaks rows (minutes; times of day as minutes)."""

    id: str
    earliest_start: int
    latest_start: int
    step_minutes: int
    length_minutes: int
    weekdays: tuple[int, ...]
    breaks: tuple[tuple[str, int, int, int, bool], ...]
    """(name, duration, earliest start after, latest start after, paid)."""

    @property
    def paid_hours(self) -> float:
        """Paid hours of one shift of this type."""
        unpaid = sum(duration for _, duration, _, _, paid in self.breaks if not paid)
        return (self.length_minutes - unpaid) / 60

    @property
    def phone_intervals(self) -> int:
        """15-minute intervals of one shift that are not breaks."""
        breaks = sum(duration for _, duration, _, _, _ in self.breaks)
        return (self.length_minutes - breaks) // INTERVAL_MINUTES


MON_FRI = (0, 1, 2, 3, 4)
MON_SAT = (0, 1, 2, 3, 4, 5)
FULL_TIME_BREAKS = (
    ("break1", 15, 60, 150, True),
    ("lunch", 30, 180, 300, False),
    ("break2", 15, 330, 420, True),
)
SHIFT_TYPES = {
    spec.id: spec
    for spec in (
        ShiftTypeSpec("FT_early", 8 * 60, 9 * 60 + 30, 30, 510, MON_SAT, FULL_TIME_BREAKS),
        ShiftTypeSpec("FT_late", 10 * 60 + 30, 11 * 60 + 30, 30, 510, MON_FRI,
                      FULL_TIME_BREAKS),
        ShiftTypeSpec("FT", 8 * 60, 11 * 60 + 30, 30, 510, MON_SAT, FULL_TIME_BREAKS),
        ShiftTypeSpec("PT_4h", 8 * 60, 16 * 60, 60, 240, MON_SAT,
                      (("break1", 15, 90, 150, True),)),
        ShiftTypeSpec("PT_5h", 8 * 60, 15 * 60, 60, 300, MON_SAT,
                      (("break1", 15, 105, 180, True),)),
        ShiftTypeSpec("PT", 8 * 60, 16 * 60, 30, 240, MON_SAT,
                      (("break1", 15, 90, 150, True),)),
    )
}
"""Full-time shifts are 8h30 with a 30-minute unpaid lunch and two 15-minute paid breaks
(8 paid hours); part-time shifts are 4 or 5 hours with one 15-minute paid break."""


@dataclass(frozen=True)
class AgentSpec:
    """One Agents row."""

    id: str
    name: str
    skills: tuple[str, ...]
    contract: Contract
    complaint_eligible: bool = True
    max_complaint_stretch_minutes: int | None = None


@dataclass(frozen=True)
class AvailabilitySpec:
    """One Availability row; ``window`` times are minutes after midnight."""

    agent_id: str
    day: int
    status: Literal["off", "prefer_off", "window"]
    window: tuple[int, int] | None = None


@dataclass(frozen=True)
class HistorySpec:
    """One History row: last shift end in minutes from the horizon start (negative)."""

    agent_id: str
    last_shift_end: int
    consecutive_days_worked: int


@dataclass(frozen=True)
class InstanceSpec:
    """Everything a workbook says, before it becomes cells."""

    start_date: date
    days: int
    settings: dict[str, Cell]
    queues: tuple[QueueSpec, ...]
    calls: FloatGrid
    """(queues, days, intervals per day) offered calls."""
    aht_seconds: FloatGrid
    complaint_share: FloatGrid
    agents: tuple[AgentSpec, ...]
    shift_types: tuple[ShiftTypeSpec, ...]
    availability: tuple[AvailabilitySpec, ...] = ()
    history: tuple[HistorySpec, ...] = ()


COMPLAINT_HEAVY_SHARE = 0.30
"""Complaint share from which an interval of a queue is complaint-heavy (the default)."""
STRESS_SETTINGS: dict[str, Cell] = {
    "complaint_heavy_share": COMPLAINT_HEAVY_SHARE,
    "max_complaint_stretch_minutes": 60,
    "recovery_after_minutes": 45,
    "recovery_break_minutes": 10,
    "max_complaint_minutes_per_day": 240,
    "min_minutes_between_breaks": 60,
    "min_rest_hours": 11,
    "max_consecutive_days": 6,
}
"""Explicit values for the stress and rest rules of every workbook written here."""

SMALL_DAILY_CALLS = 200.0
MEDIUM_DAILY_CALLS = 800.0
"""Calls of a mean Monday-Friday day in opening hours, all queues (samples)."""

NEW_HIRE_STRETCH_MINUTES = 30
"""Stretch cap of new hires (minutes of complaint-heavy phone in a row)."""


# --------------------------------------------------------------------------- forecast


@dataclass(frozen=True)
class CallGrid:
    """Per queue, day and 15-minute interval: calls, handle time and complaint share."""

    calls: FloatGrid
    aht_seconds: FloatGrid
    complaint_share: FloatGrid


def call_grid(
    start_date: date,
    days: int,
    queues: Sequence[QueueSpec],
    surges: Sequence[ComplaintSurge],
    rng: np.random.Generator,
) -> CallGrid:
    """Calls for a mean weekday of 1 call (scale them afterwards), with noise from ``rng``.

    Calls follow the weekday's curve times a day factor (about 4 % noise) and an interval
    factor (about 6 % noise); handle times follow the AHT profile (about 3 % noise);
    complaint shares scatter around each queue's typical share, and surges lift them.
    """
    profiles = load_profiles()
    shape = (len(queues), days, INTERVALS_PER_DAY)
    weekdays = [(start_date + timedelta(days=d)).weekday() for d in range(days)]
    curves = np.array([daily_call_curve(w, profiles) for w in weekdays])
    day_noise = rng.lognormal(0.0, 0.04, size=(len(queues), days, 1))
    interval_noise = rng.lognormal(0.0, 0.06, size=shape)
    shares = np.array([q.share_of_calls for q in queues])[:, None, None]
    calls = curves[None, :, :] * shares * day_noise * interval_noise
    base_aht = np.array([q.base_aht_seconds for q in queues])[:, None, None]
    aht = base_aht * profiles.relative_aht[None, None, :] * rng.lognormal(0.0, 0.03, size=shape)
    typical = np.array([q.complaint_share for q in queues])[:, None, None]
    complaint = np.clip(typical + rng.normal(0.0, 0.025, size=shape), 0.02, 0.95)
    calm = np.array([q.complaint_share < 0.5 * COMPLAINT_HEAVY_SHARE for q in queues])
    for surge in surges:
        window = slice(surge.start // INTERVAL_MINUTES, surge.end // INTERVAL_MINUTES)
        lifted = surge.share + rng.uniform(0.0, 0.06, size=complaint[calm, surge.day, window].shape)
        complaint[calm, surge.day, window] = lifted
        calls[calm, surge.day, window] *= surge.volume_factor
    return CallGrid(calls, aht, complaint)


def open_mask(start_date: date, days: int) -> npt.NDArray[np.bool_]:
    """(days, intervals per day): inside the opening hours."""
    return np.array([open_intervals((start_date + timedelta(days=d)).weekday())
                     for d in range(days)])


def forecast_problem(spec: InstanceSpec) -> Problem:
    """A Problem holding only the forecast and queues of ``spec`` (for staffing sums)."""
    q, days, per_day = spec.calls.shape
    mask = open_mask(spec.start_date, days)[None, :, :]
    calls = np.where(mask, np.round(spec.calls, 1), 0.0).reshape(q, days * per_day)
    forecast = Forecast(
        calls=calls,
        aht_seconds=np.round(spec.aht_seconds).reshape(q, days * per_day),
        complaint_share=np.where(mask, np.round(spec.complaint_share, 2), 0.0)
        .reshape(q, days * per_day),
        required_override=np.full((q, days * per_day), np.nan),
    )
    settings = Settings(
        interval_minutes=INTERVAL_MINUTES,
        max_occupancy=_number_setting(spec, "max_occupancy"),
        shrinkage=_number_setting(spec, "shrinkage"),
    )
    queues = tuple(Queue(s.id, s.service_level_target, s.answer_seconds) for s in spec.queues)
    return Problem(spec.start_date, days, settings, queues, forecast, (), ())


def _number_setting(spec: InstanceSpec, key: str) -> float:
    value = spec.settings[key]
    if not isinstance(value, int | float):
        raise TypeError(f"setting {key} must be a number, not {value!r}")
    return float(value)


def required_agent_intervals(spec: InstanceSpec) -> int:
    """Erlang agent-intervals the forecast of ``spec`` asks for, all queues together."""
    return int(required_agents(forecast_problem(spec)).sum())


def peak_required(spec: InstanceSpec) -> int:
    """Largest number of agents needed at once, all queues together."""
    return int(required_agents(forecast_problem(spec)).sum(axis=0).max(initial=0))


# --------------------------------------------------------------------------- workforce


def agent_name(index: int) -> str:
    """A readable synthetic name for agent number ``index``."""
    first = _FIRST_NAMES[index % len(_FIRST_NAMES)]
    last = _LAST_NAMES[(index * 7 + index // len(_FIRST_NAMES)) % len(_LAST_NAMES)]
    return f"{first} {last}"


_FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dev", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kemal", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara",
    "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Aaron", "Bea", "Carlos", "Dana",
    "Emil", "Fatma", "Gio", "Hana", "Ivan", "Jade", "Kofi", "Lina", "Milo", "Nia",
)
_LAST_NAMES = (
    "Novak", "Okafor", "Silva", "Berg", "Haddad", "Kowalski", "Nguyen", "Moreau",
    "Rossi", "Schmidt", "Tanaka", "Yilmaz", "Dubois", "Costa", "Larsen", "Petrov",
    "Ahmed", "Jansen", "Ortiz", "Fischer", "Kim", "Walsh", "Banerjee", "Lindqvist",
)


def max_phone_intervals(contract: Contract) -> int:
    """Most on-phone intervals an agent on ``contract`` can work over the horizon."""
    types = [SHIFT_TYPES[t] for t in contract.shift_types]
    best = 0
    for counts in np.ndindex(*(contract.max_days + 1 for _ in types)):
        hours = sum(n * t.paid_hours for n, t in zip(counts, types, strict=True))
        if sum(counts) <= contract.max_days and hours <= contract.max_hours + 1e-9:
            best = max(best, sum(n * t.phone_intervals for n, t in zip(counts, types,
                                                                        strict=True)))
    return best


def deliverable_agent_intervals(agents: Sequence[AgentSpec]) -> int:
    """On-phone agent-intervals the whole workforce can deliver at most."""
    return sum(max_phone_intervals(a.contract) for a in agents)


# --------------------------------------------------------------------------- samples


def small_spec(start_date: date = DEFAULT_START_DATE) -> InstanceSpec:
    """About 10 agents, one queue ``main``, 3 days; a Monday-morning complaint surge."""
    rng = np.random.default_rng(20261130)
    days = 3
    queues = (QueueSpec("main", 1.0, 330.0, 0.12),)
    surges = (ComplaintSurge(0, 8 * 60, 10 * 60 + 30, 0.33, 1.15),
              ComplaintSurge(2, 15 * 60, 16 * 60 + 30, 0.32, 1.1))
    grid = call_grid(start_date, days, queues, surges, rng)
    full = Contract("full-time", ("FT",), 16, 24, 3)
    part = Contract("part-time", ("PT",), 4, 12, 3)
    contracts = [full] * 7 + [part] * 3
    agents = tuple(
        AgentSpec(f"A{i + 1:02d}", agent_name(i), ("main",), c,
                  complaint_eligible=i != 4,
                  max_complaint_stretch_minutes=NEW_HIRE_STRETCH_MINUTES if i == 6 else None)
        for i, c in enumerate(contracts)
    )
    availability = (
        AvailabilitySpec("A02", 1, "off"),
        AvailabilitySpec("A05", 2, "prefer_off"),
        AvailabilitySpec("A09", 0, "window", (12 * 60, 20 * 60)),
    )
    history = (HistorySpec("A03", -90, 5),)
    return InstanceSpec(
        start_date, days, _settings(start_date, days, time_limit=20), queues,
        grid.calls * SMALL_DAILY_CALLS, grid.aht_seconds, grid.complaint_share, agents,
        (SHIFT_TYPES["FT"], SHIFT_TYPES["PT"]), availability, history,
    )


def medium_spec(start_date: date = DEFAULT_START_DATE) -> InstanceSpec:
    """40 agents, 7 days, a ``general`` and a ``complaints`` queue (12 skilled agents)."""
    rng = np.random.default_rng(20261207)
    days = 7
    queues = (QueueSpec("general", 0.94, 340.0, 0.10),
              QueueSpec("complaints", 0.06, 540.0, 0.75, answer_seconds=30.0))
    surges = (ComplaintSurge(0, 8 * 60, 11 * 60, 0.34, 1.15),
              ComplaintSurge(3, 14 * 60, 16 * 60, 0.33, 1.1))
    grid = call_grid(start_date, days, queues, surges, rng)
    full = Contract("full-time", ("FT_early", "FT_late"), 32, 40, 5)
    part = Contract("part-time", ("PT_4h", "PT_5h"), 16, 24, 5)
    complaint_skilled = {1, 3, 7, 10, 13, 16, 19, 22, 24, 27, 29, 32, 35}
    ineligible = {5, 20, 31}
    new_hires = {26, 36}
    agents = tuple(
        AgentSpec(
            f"A{i + 1:02d}", agent_name(i),
            ("general", "complaints") if i in complaint_skilled else ("general",),
            full if i < 28 else part,
            complaint_eligible=i not in ineligible,
            max_complaint_stretch_minutes=NEW_HIRE_STRETCH_MINUTES if i in new_hires else None,
        )
        for i in range(40)
    )
    availability = (
        AvailabilitySpec("A04", 2, "off"),
        AvailabilitySpec("A11", 4, "prefer_off"),
        AvailabilitySpec("A18", 0, "prefer_off"),
        AvailabilitySpec("A24", 5, "off"),
        AvailabilitySpec("A31", 1, "window", (12 * 60, 20 * 60)),
        AvailabilitySpec("A35", 3, "window", (8 * 60, 14 * 60)),
    )
    history = (
        HistorySpec("A03", -60, 5),
        HistorySpec("A09", -120, 4),
        HistorySpec("A30", -90, 1),
    )
    shift_types = tuple(SHIFT_TYPES[t] for t in ("FT_early", "FT_late", "PT_4h", "PT_5h"))
    return InstanceSpec(
        start_date, days, _settings(start_date, days, time_limit=60), queues,
        grid.calls * MEDIUM_DAILY_CALLS, grid.aht_seconds, grid.complaint_share, agents,
        shift_types, availability, history,
    )


def _settings(start_date: date, days: int, time_limit: float) -> dict[str, Cell]:
    """The Settings rows of a sample or generated workbook."""
    return {
        "start_date": start_date,
        "days": days,
        "interval_minutes": INTERVAL_MINUTES,
        "timezone": "America/New_York",
        "service_level_target": 0.80,
        "answer_seconds": 20,
        "max_occupancy": 0.85,
        "shrinkage": 0.0,
        **STRESS_SETTINGS,
        "time_limit_seconds": time_limit,
        "workers": 0,
        "seed": 0,
    }


def sample_spec(kind: SampleKind, start_date: date | None = None) -> InstanceSpec:
    """The specification of a bundled sample."""
    builders = {"small": small_spec, "medium": medium_spec, "medium-roster": medium_spec}
    if kind not in builders:
        raise ValueError(f"unknown sample kind {kind!r}; expected 'small' or 'medium'")
    return builders[kind](start_date or DEFAULT_START_DATE)


def build_sample(kind: SampleKind, path: Path, start_date: date | None = None) -> Path:
    """Write a bundled sample input workbook to ``path``; returns ``path``.

    ``medium-roster`` is the medium sample plus the roster its centre runs today.
    """
    if kind == "medium-roster":
        return build_with_current_roster(path, start_date)
    return write_instance(sample_spec(kind, start_date), path)


def build_with_current_roster(path: Path, start_date: date | None = None) -> Path:
    """The medium sample plus a ``Roster`` sheet: today's roster, as a planner makes it.

    Its shifts follow the demand and every contract, but it was made without the stress
    rules and without planned breaks or queues (the greedy baseline construction of
    ``shiftcare.greedy``): what ``shiftcare evaluate`` and ``compare`` measure care against.
    """
    from shiftcare.greedy import greedy_roster
    from shiftcare.io.excel_read import read_workbook
    from shiftcare.io.excel_write import roster_grid_rows

    spec = sample_spec("medium", start_date)
    sheets = instance_sheets(spec)
    write_sheets(sheets, path)
    problem = read_workbook(path)
    roster = greedy_roster(problem, required_agents(problem), "baseline")
    header = ("agent_id", *(problem.date_of(d).isoformat() for d in range(problem.days)))
    rows = tuple(tuple(cast(Cell, c) for c in row) for row in roster_grid_rows(problem, roster))
    return write_sheets((*sheets, Sheet("Roster", header, rows)), path)


# --------------------------------------------------------------------------- generated


GENERATED_QUEUES = (
    QueueSpec("general", 0.70, 340.0, 0.10),
    QueueSpec("complaints", 0.10, 540.0, 0.75, answer_seconds=30.0),
    QueueSpec("billing", 0.08, 300.0, 0.15),
    QueueSpec("tech", 0.07, 420.0, 0.08),
    QueueSpec("sales", 0.05, 360.0, 0.04),
)


def generated_queues(count: int) -> tuple[QueueSpec, ...]:
    """``count`` queues: ``main`` alone, else general, complaints, billing, tech, sales,
    then ``queue6``...; call shares are renormalised to sum to 1."""
    if count < 1:
        raise ValueError("an instance needs at least one queue")
    if count == 1:
        return (QueueSpec("main", 1.0, 340.0, 0.12),)
    specs = list(GENERATED_QUEUES[:count])
    specs += [QueueSpec(f"queue{i + 1}", 0.05, 360.0, 0.06)
              for i in range(len(specs), count)]
    total = sum(s.share_of_calls for s in specs)
    return tuple(QueueSpec(s.id, s.share_of_calls / total, s.base_aht_seconds,
                           s.complaint_share, s.answer_seconds, s.service_level_target)
                 for s in specs)


def generated_contracts(days: int) -> tuple[Contract, Contract]:
    """Full- and part-time contracts scaled from a week to ``days`` (hours, dates)."""
    max_days = max(1, min(days, round(5 * days / 7)))
    full = Contract("full-time", ("FT_early", "FT_late"), 8 * math.floor(4 * days / 7),
                    8 * max_days, max_days)
    part = Contract("part-time", ("PT_4h", "PT_5h"), 4 * math.floor(4 * days / 7),
                    max(5, round(24 * days / 7)), max_days)
    return full, part


def generated_surges(start_date: date, days: int,
                     rng: np.random.Generator) -> tuple[ComplaintSurge, ...]:
    """Monday-morning surges plus one afternoon incident on a random open day per week."""
    surges = [ComplaintSurge(d, 8 * 60, 11 * 60, 0.34, 1.15) for d in range(days)
              if (start_date + timedelta(days=d)).weekday() == 0]
    open_days = [d for d in range(days)
                 if (start_date + timedelta(days=d)).weekday() in OPENING_HOURS]
    for week_start in range(0, days, 7):
        candidates = [d for d in open_days if week_start <= d < week_start + 7]
        if candidates:
            day = int(rng.choice(candidates))
            start = int(rng.choice([12, 13, 14, 15])) * 60 if day % 7 != 5 else 9 * 60
            surges.append(ComplaintSurge(day, start, start + 120, 0.33, 1.1))
    return tuple(surges)


def generated_workforce(
    agents: int, days: int, queues: Sequence[QueueSpec], rng: np.random.Generator
) -> tuple[AgentSpec, ...]:
    """About 70 % full-time; about 30 % skilled for complaints and 40 % for each other
    extra queue; about 5 % not complaint-eligible and 4 % new hires."""
    full, part = generated_contracts(days)
    ids = [q.id for q in queues]
    base = [ids[0]]
    specs = []
    for i in range(agents):
        extra = tuple(q for q in ids[1:]
                      if rng.random() < (0.3 if q == "complaints" else 0.4))
        eligible = rng.random() >= 0.05
        new_hire = rng.random() < 0.04
        specs.append(AgentSpec(
            f"A{i + 1:04d}", agent_name(i), (*base, *extra),
            full if rng.random() < 0.7 else part,
            complaint_eligible=eligible,
            max_complaint_stretch_minutes=NEW_HIRE_STRETCH_MINUTES if new_hire else None,
        ))
    return tuple(specs)


def generated_availability(
    agents: Sequence[AgentSpec], days: int, rng: np.random.Generator
) -> tuple[AvailabilitySpec, ...]:
    """About 2 % of agent-dates off, 3 % prefer off and 1 % with a time window; at most one
    hard row (off or window) per agent and 7 days, so every contract stays reachable."""
    rows: list[AvailabilitySpec] = []
    draws = rng.random(size=(len(agents), days))
    hard_limit = max(1, days // 7)
    for a, agent in enumerate(agents):
        hard = 0
        for day in range(days):
            draw = draws[a, day]
            if draw < 0.03 and hard < hard_limit:
                hard += 1
                if draw < 0.02:
                    rows.append(AvailabilitySpec(agent.id, day, "off"))
                else:
                    window = (8 * 60, 15 * 60) if draw < 0.025 else (12 * 60, 20 * 60)
                    rows.append(AvailabilitySpec(agent.id, day, "window", window))
            elif 0.03 <= draw < 0.06:
                rows.append(AvailabilitySpec(agent.id, day, "prefer_off"))
    return tuple(rows)


def generated_history(
    agents: Sequence[AgentSpec], rng: np.random.Generator
) -> tuple[HistorySpec, ...]:
    """About 20 % of agents worked the days before the horizon, some of them late."""
    rows = []
    for agent in agents:
        if rng.random() < 0.2:
            late_minutes = int(rng.choice([30, 60, 90, 120, 180, 240]))
            rows.append(HistorySpec(agent.id, -late_minutes, int(rng.integers(1, 6))))
    return tuple(rows)


def scale_calls(spec: InstanceSpec, target: float, rounds: int = 4) -> InstanceSpec:
    """``spec`` with calls scaled so that Erlang needs about ``target`` times the on-phone
    agent-intervals the workforce can deliver (a few rescaling rounds; requirement grows
    about linearly with calls)."""
    deliverable = deliverable_agent_intervals(spec.agents)
    mask = open_mask(spec.start_date, spec.days)[None, :, :]
    workload = float((spec.calls * spec.aht_seconds * mask).sum()) / (INTERVAL_MINUTES * 60)
    occupancy = _number_setting(spec, "max_occupancy")
    factor = target * deliverable * occupancy / workload if workload > 0 else 1.0
    for _ in range(rounds):
        needed = required_agent_intervals(_with_calls(spec, spec.calls * factor))
        if needed == 0:
            break
        factor *= target * deliverable / needed
    return _with_calls(spec, spec.calls * factor)


def _with_calls(spec: InstanceSpec, calls: FloatGrid) -> InstanceSpec:
    return replace(spec, calls=calls)


def generated_spec(
    agents: int,
    days: int,
    queues: int = 2,
    seed: int = 0,
    *,
    start_date: date | None = None,
    target_load: float = 0.9,
    time_limit_seconds: float = 600.0,
) -> InstanceSpec:
    """A benchmark instance like the medium sample, at any size (see ``build_generated``)."""
    if agents < 1 or days < 1:
        raise ValueError("an instance needs at least one agent and one day")
    start = start_date or DEFAULT_START_DATE
    rng = np.random.default_rng(seed)
    queue_specs = generated_queues(queues)
    grid = call_grid(start, days, queue_specs, generated_surges(start, days, rng), rng)
    workforce = generated_workforce(agents, days, queue_specs, rng)
    spec = InstanceSpec(
        start, days, _settings(start, days, time_limit_seconds), queue_specs,
        grid.calls, grid.aht_seconds, grid.complaint_share, workforce,
        tuple(SHIFT_TYPES[t] for t in ("FT_early", "FT_late", "PT_4h", "PT_5h")),
        generated_availability(workforce, days, rng), generated_history(workforce, rng),
    )
    return scale_calls(spec, target_load)


def build_generated(
    agents: int,
    days: int,
    queues: int = 2,
    seed: int = 0,
    *,
    path: Path,
    start_date: date | None = None,
    target_load: float = 0.9,
    time_limit_seconds: float = 600.0,
) -> Path:
    """Write a generated benchmark workbook (``agents`` agents, ``days`` days, ``queues``
    queues) to ``path``; returns ``path``.

    Same profiles, shift types, breaks and contract shapes as the medium sample; calls
    are scaled so that the Erlang requirement is about ``target_load`` (0.85-0.95) of the
    on-phone agent-intervals the agents can deliver. Deterministic in ``seed``.
    """
    spec = generated_spec(agents, days, queues, seed, start_date=start_date,
                          target_load=target_load, time_limit_seconds=time_limit_seconds)
    return write_instance(spec, path)


# --------------------------------------------------------------------------- workbook


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a header row and data rows of cell values."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def hhmm(minutes: int) -> str:
    """``HH:MM`` of a time of day given in minutes after midnight."""
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def instance_sheets(spec: InstanceSpec) -> tuple[Sheet, ...]:
    """The input sheets of ``spec``, in the contract's order."""
    return (
        Sheet("Settings", ("key", "value"), tuple(spec.settings.items())),
        Sheet("Queues", ("queue", "service_level_target", "answer_seconds", "patience_seconds"),
              tuple((q.id, q.service_level_target, q.answer_seconds, None)
                    for q in spec.queues)),
        forecast_sheet(spec),
        Sheet("Agents", ("agent_id", "name", "skills", "shift_types", "min_hours", "max_hours",
                         "max_days", "complaint_eligible", "max_complaint_stretch_minutes"),
              tuple((a.id, a.name, ",".join(a.skills), ",".join(a.contract.shift_types),
                     a.contract.min_hours, a.contract.max_hours, a.contract.max_days,
                     _yes_no(a.complaint_eligible), a.max_complaint_stretch_minutes)
                    for a in spec.agents)),
        Sheet("ShiftTypes", ("shift_type", "earliest_start", "latest_start",
                             "start_step_minutes", "length_minutes", "weekdays"),
              tuple((s.id, hhmm(s.earliest_start), hhmm(s.latest_start), s.step_minutes,
                     s.length_minutes, ",".join(WEEKDAY_NAMES[w] for w in s.weekdays))
                    for s in spec.shift_types)),
        Sheet("Breaks", ("shift_type", "break", "duration_minutes",
                         "earliest_start_after_minutes", "latest_start_after_minutes", "paid"),
              tuple((s.id, name, duration, earliest, latest, _yes_no(paid))
                    for s in spec.shift_types
                    for name, duration, earliest, latest, paid in s.breaks)),
        Sheet("Availability", ("agent_id", "date", "status", "from", "to"),
              tuple((a.agent_id, spec.start_date + timedelta(days=a.day), a.status,
                     hhmm(a.window[0]) if a.window else None,
                     hhmm(a.window[1]) if a.window else None)
                    for a in spec.availability)),
        Sheet("History", ("agent_id", "last_shift_end", "consecutive_days_worked"),
              tuple((h.agent_id, _start_datetime(spec) + timedelta(minutes=h.last_shift_end),
                     h.consecutive_days_worked)
                    for h in spec.history)),
    )


def _start_datetime(spec: InstanceSpec) -> datetime:
    return datetime.combine(spec.start_date, time())


def forecast_sheet(spec: InstanceSpec) -> Sheet:
    """Forecast rows for every open interval and queue (closed intervals have no row)."""
    mask = open_mask(spec.start_date, spec.days)
    rows = []
    for day in range(spec.days):
        current = spec.start_date + timedelta(days=day)
        for i in np.flatnonzero(mask[day]):
            for q, queue in enumerate(spec.queues):
                rows.append((current, hhmm(int(i) * INTERVAL_MINUTES), queue.id,
                             round(float(spec.calls[q, day, i]), 1),
                             round(float(spec.aht_seconds[q, day, i])),
                             round(float(spec.complaint_share[q, day, i]), 2)))
    return Sheet("Forecast", ("date", "interval_start", "queue", "calls", "aht_seconds",
                              "complaint_share"), tuple(rows))


def write_sheets(sheets: Sequence[Sheet], path: Path) -> Path:
    """Write sheets to an ``.xlsx`` file (dates as Excel date cells); returns ``path``."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(list(sheet.header))
        for cell in worksheet[1]:
            cell.font = bold
        for row in sheet.rows:
            worksheet.append(list(row))
        worksheet.freeze_panes = "A2"
        for column, title in zip(worksheet.iter_cols(max_row=1), sheet.header, strict=True):
            worksheet.column_dimensions[column[0].column_letter].width = max(12, len(title) + 2)
        format_date_cells(worksheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def format_date_cells(worksheet: Worksheet) -> None:
    """Show date and datetime cells as ISO dates (``yyyy-mm-dd`` and ``yyyy-mm-dd hh:mm``)."""
    for row in worksheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"


def write_instance(spec: InstanceSpec, path: Path) -> Path:
    """Write the input workbook of ``spec`` to ``path``; returns ``path``."""
    return write_sheets(instance_sheets(spec), Path(path))
