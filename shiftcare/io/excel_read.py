"""Read an input workbook (docs/workbook.md) into a ``Problem``.

Every problem in the workbook is collected as an ``InputProblem`` (file, sheet, Excel
row, column, what was expected, what was found) and raised together as one
``WorkbookError``. The input file is only read, never written.

Layers: cell parsers (``parse_*``: a value, ``None`` for a blank cell, or ``Bad``),
``Record`` (one row of a sheet; typed getters that log problems), one function per
sheet, and ``read_workbook`` that ties them together.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from openpyxl import load_workbook

from shiftcare.errors import InputProblem, WorkbookError
from shiftcare.problem import (
    MINUTES_PER_DAY,
    WEEKDAY_NAMES,
    Agent,
    Availability,
    AvailabilityStatus,
    BreakRule,
    Forecast,
    History,
    Problem,
    Queue,
    RosterEntry,
    Settings,
    ShiftType,
)
from shiftcare.solution import ActivityBlock, ActivityKind

T = TypeVar("T")
INTERVAL_CHOICES = (5, 10, 15, 20, 30, 60)
REQUIRED_SHEETS = ("Forecast", "Agents", "ShiftTypes")
OPTIONAL_SHEETS = ("Settings", "Queues", "Breaks", "Availability", "History", "Roster",
                   "Activities")
AVAILABILITY_STATUSES: tuple[AvailabilityStatus, ...] = ("off", "prefer_off", "window")
ACTIVITY_KINDS: tuple[ActivityKind, ...] = ("phone", "break", "recovery", "other")
TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "0"})
TIME_TEXT = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
ROSTER_CELL = re.compile(
    r"^(\d{1,2}:\d{2}(?::\d{2})?)\s*[-\u2013]\s*(\d{1,2}:\d{2}(?::\d{2})?)(?:\s+(\S.*))?$"
)
WEEKDAY_WORDS = {
    **{name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)},
    **{name.lower(): i for i, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))},
}


# --------------------------------------------------------------------------- cell parsing


@dataclass(frozen=True)
class Bad:
    """A cell that does not parse; ``expected`` says what would have."""

    expected: str


def is_blank(value: object) -> bool:
    """An empty cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def describe(value: object) -> str:
    """A cell value as a scheduler would recognise it in a message."""
    if is_blank(value):
        return "a blank cell"
    if isinstance(value, datetime):
        return f"'{value.isoformat(sep=' ', timespec='minutes')}'"
    if isinstance(value, date | time):
        return f"'{value.isoformat()}'"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return repr(value.strip())
    return str(value)


def parse_text(value: object) -> str | None:
    """A cell as stripped text (whole numbers without ``.0``); ``None`` when blank."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def parse_number(value: object) -> float | Bad | None:
    """A finite number from a numeric cell or text like ``"12"``."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return Bad("a number")
    number: float
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return Bad("a number")
    else:
        return Bad("a number")
    return number if math.isfinite(number) else Bad("a number")


def parse_date(value: object) -> date | Bad | None:
    """A date from an Excel date/datetime cell or ISO text (``2026-11-30``)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            pass
    return Bad("a date (2026-11-30 or an Excel date)")


def parse_datetime(value: object) -> datetime | Bad | None:
    """A naive wall-clock datetime from an Excel cell or ISO text (``2026-11-29 22:30``)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
        except ValueError:
            pass
    return Bad("a date and time (2026-11-29 22:30 or an Excel datetime)")


def parse_time(value: object) -> int | Bad | None:
    """Minutes after midnight from ``HH:MM``/``H:MM``/``HH:MM:00`` text or a time cell."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        if value.second or value.microsecond:
            return Bad("a time HH:MM")
        return value.hour * 60 + value.minute
    if isinstance(value, str):
        match = TIME_TEXT.match(value.strip())
        if match:
            hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
            if hours < 24 and minutes < 60 and seconds == 0:
                return hours * 60 + minutes
    return Bad("a time HH:MM")


def parse_bool(value: object) -> bool | Bad | None:
    """yes/no/true/false/1/0 (any case), or a real boolean cell."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = parse_text(value)
    word = (text or "").lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return Bad("yes or no")


def parse_list(value: object) -> tuple[str, ...] | None:
    """Comma-separated items, stripped, empties dropped; ``None`` when there are none."""
    text = parse_text(value)
    if text is None:
        return None
    items = tuple(item.strip() for item in text.split(",") if item.strip())
    return items or None


def parse_weekdays(value: object) -> frozenset[int] | Bad | None:
    """Weekday names (``Mon,Tue`` or full names, any case; ranges like ``Mon-Fri``)."""
    items = parse_list(value)
    if items is None:
        return None
    days: set[int] = set()
    for item in items:
        ends = [WEEKDAY_WORDS.get(part.strip().lower()) for part in item.split("-")]
        if len(ends) > 2 or any(end is None for end in ends):
            return Bad("weekday names like Mon,Tue,Wed,Thu,Fri")
        first, last = cast(list[int], ends)[0], cast(list[int], ends)[-1]
        days.update((first + k) % 7 for k in range((last - first) % 7 + 1))
    return frozenset(days)


def number_expectation(low: float | None, high: float | None, low_open: bool = False,
                       high_open: bool = False, whole: bool = False) -> str:
    """``"a number from 0 to 1"``, ``"a whole number >= 0"``, ``"a number > 0 and <= 1"``..."""
    kind = "a whole number" if whole else "a number"
    low_text = None if low is None else f"{'>' if low_open else '>='} {low:g}"
    high_text = None if high is None else f"{'<' if high_open else '<='} {high:g}"
    if low_text and high_text:
        if not low_open and not high_open:
            return f"{kind} from {low:g} to {high:g}"
        return f"{kind} {low_text} and {high_text}"
    bound = low_text or high_text
    return f"{kind} {bound}" if bound else kind


def grid_text(grid: int) -> str:
    return "" if grid <= 1 else f" on the {grid}-minute grid"


# --------------------------------------------------------------------------- sheets and rows


class ProblemLog:
    """Collects the problems of one workbook."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[InputProblem] = []

    def add(self, sheet: str, row: int | None, column: str, expected: str, found: str) -> None:
        self.problems.append(InputProblem(self.file, sheet, row, column, expected, found))


def normalise(name: object) -> str:
    """Sheet and column names compare case-insensitively, without surrounding spaces."""
    return str(name).strip().lower() if name is not None else ""


@dataclass
class Table:
    """One worksheet: its title, header cells, column index by name and non-blank rows."""

    title: str
    header: tuple[object, ...]
    rows: list[tuple[int, tuple[object, ...]]]
    columns: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, name in enumerate(self.header):
            if not is_blank(name):
                self.columns.setdefault(normalise(name), index)

    def has(self, column: str) -> bool:
        return column in self.columns


def table_from_rows(title: str, rows: Iterable[tuple[object, ...]]) -> Table:
    """A Table from a sheet's rows (row 1 the header); blank rows are dropped."""
    header: tuple[object, ...] = ()
    body: list[tuple[int, tuple[object, ...]]] = []
    for number, values in enumerate(rows, start=1):
        if number == 1:
            header = tuple(values)
        elif any(not is_blank(v) for v in values):
            body.append((number, tuple(values)))
    return Table(title.strip(), header, body)


def require_columns(table: Table, columns: Sequence[str], log: ProblemLog) -> bool:
    """Log each missing required column; True when all are there."""
    missing = [c for c in columns if not table.has(c)]
    for column in missing:
        log.add(table.title, None, column, f"a column named {column} in row 1",
                "no such column")
    return not missing


class Record:
    """One data row of a sheet; getters log a problem and return ``None`` when a cell is bad.

    ``label`` prefixes every expectation (the Settings key of a ``key | value`` row).
    """

    def __init__(self, table: Table, number: int, values: tuple[object, ...],
                 log: ProblemLog, label: str = "") -> None:
        self.table, self.row, self.values, self.log = table, number, values, log
        self.label = label

    def raw(self, column: str) -> object:
        index = self.table.columns.get(column)
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def problem(self, column: str, expected: str, found: str | None = None) -> None:
        """Log a problem with this row's cell in ``column``."""
        self.log.add(self.table.title, self.row, column, self.label + expected,
                     describe(self.raw(column)) if found is None else found)

    def parsed(self, column: str, parser: Callable[[object], T | Bad | None],
               expected: str, required: bool = False) -> T | None:
        """The parsed cell, or ``None`` (blank or bad; bad and required-blank are logged)."""
        value = parser(self.raw(column))
        if isinstance(value, Bad):
            self.problem(column, expected or value.expected)
        elif value is None and required:
            self.problem(column, expected)
        return value if not isinstance(value, Bad) else None

    def text(self, column: str, required: bool = False, what: str = "a value") -> str | None:
        value = parse_text(self.raw(column))
        if value is None and required:
            self.problem(column, what)
        return value

    def number(self, column: str, *, low: float | None = None, high: float | None = None,
               low_open: bool = False, high_open: bool = False,
               required: bool = False) -> float | None:
        """A number within bounds, or ``None`` when blank or bad."""
        expected = number_expectation(low, high, low_open, high_open)
        value = self.parsed(column, parse_number, expected, required)
        if value is None or _within(value, low, high, low_open, high_open):
            return value
        self.problem(column, expected)
        return None

    def integer(self, column: str, *, low: int | None = None, high: int | None = None,
                required: bool = False) -> int | None:
        """A whole number within bounds, or ``None`` when blank or bad."""
        expected = number_expectation(low, high, whole=True)
        value = self.parsed(column, parse_number, expected, required)
        if value is None:
            return None
        if not value.is_integer() or not _within(value, low, high, False, False):
            self.problem(column, expected)
            return None
        return int(value)

    def minutes(self, column: str, grid: int, *, positive: bool = False,
                required: bool = False) -> int | None:
        """A duration in whole minutes, ``>= 0`` (``> 0`` if positive), a multiple of grid."""
        sign = "> 0" if positive else ">= 0"
        multiple = f", a multiple of {grid}" if grid > 1 else ""
        expected = f"a whole number of minutes {sign}{multiple}"
        value = self.parsed(column, parse_number, expected, required)
        if value is None:
            return None
        if (not value.is_integer() or value < 0 or (positive and value == 0)
                or int(value) % grid):
            self.problem(column, expected)
            return None
        return int(value)

    def time(self, column: str, grid: int, required: bool = False) -> int | None:
        """A time of day on the interval grid, minutes after midnight."""
        expected = f"a time HH:MM{grid_text(grid)}"
        value = self.parsed(column, parse_time, expected, required)
        if value is not None and value % grid:
            self.problem(column, expected)
            return None
        return value

    def date(self, column: str, required: bool = False) -> date | None:
        return self.parsed(column, parse_date, "a date (2026-11-30 or an Excel date)",
                           required)

    def datetime(self, column: str, required: bool = False) -> datetime | None:
        return self.parsed(column, parse_datetime,
                           "a date and time (2026-11-29 22:30 or an Excel datetime)", required)

    def boolean(self, column: str, default: bool) -> bool:
        value = self.parsed(column, parse_bool, "yes or no")
        return default if value is None else value


def _within(value: float, low: float | None, high: float | None, low_open: bool,
            high_open: bool) -> bool:
    if low is not None and (value < low or (low_open and value == low)):
        return False
    return high is None or not (value > high or (high_open and value == high))


def declared_ids(table: Table | None, column: str) -> frozenset[str] | None:
    """Every id written in a column, also on rows with other problems (so that references
    to them do not repeat those problems); ``None`` without the column."""
    if table is None or not table.has(column):
        return None
    index = table.columns[column]
    texts = (parse_text(values[index] if index < len(values) else None)
             for _, values in table.rows)
    return frozenset(text for text in texts if text is not None)


def records(table: Table, log: ProblemLog) -> list[Record]:
    """The non-blank data rows of a sheet as Records."""
    return [Record(table, number, values, log) for number, values in table.rows]


def parsed_rows(table: Table, log: ProblemLog, parse: Callable[[Record], T | None]) -> list[T]:
    """``parse`` applied to every data row, without the rows it rejected (None)."""
    parsed = (parse(record) for record in records(table, log))
    return [row for row in parsed if row is not None]


class UniqueIds:
    """Reports an id seen in an earlier row of the same sheet."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.first_row: dict[str, int] = {}

    def is_new(self, record: Record, column: str, key: str, shown: str | None = None) -> bool:
        first = self.first_row.setdefault(key, record.row)
        if first == record.row:
            return True
        record.problem(column, f"a {self.what} not used in an earlier row",
                       f"{shown or repr(key)} again (first in row {first})")
        return False


# --------------------------------------------------------------------------- Settings


SettingRule = Callable[[Record, int], Any]
"""Reads the ``value`` cell of one Settings row, given the interval grid."""


def _setting_rules() -> dict[str, SettingRule]:
    value = "value"
    return {
        "start_date": lambda r, g: r.date(value),
        "days": lambda r, g: r.integer(value, low=1),
        "interval_minutes": lambda r, g: _interval_minutes(r),
        "timezone": lambda r, g: _timezone(r),
        "service_level_target": lambda r, g: r.number(value, low=0, high=1, low_open=True),
        "answer_seconds": lambda r, g: r.number(value, low=0),
        "patience_seconds": lambda r, g: r.number(value, low=0, low_open=True),
        "max_occupancy": lambda r, g: r.number(value, low=0, high=1, low_open=True),
        "shrinkage": lambda r, g: r.number(value, low=0, high=1, high_open=True),
        "complaint_heavy_share": lambda r, g: r.number(value, low=0, high=1),
        "max_complaint_stretch_minutes": lambda r, g: r.minutes(value, g),
        "recovery_after_minutes": lambda r, g: r.minutes(value, 1, positive=True),
        "recovery_break_minutes": lambda r, g: r.minutes(value, 1, positive=True),
        "max_complaint_minutes_per_day": lambda r, g: r.minutes(value, g),
        "min_minutes_between_breaks": lambda r, g: r.minutes(value, g),
        "min_rest_hours": lambda r, g: r.number(value, low=0),
        "max_consecutive_days": lambda r, g: r.integer(value, low=1),
        "time_limit_seconds": lambda r, g: r.number(value, low=0, low_open=True),
        "workers": lambda r, g: r.integer(value, low=0),
        "seed": lambda r, g: r.integer(value, low=0),
        "weight_understaffing": lambda r, g: r.number(value, low=0),
        "weight_overstaffing": lambda r, g: r.number(value, low=0),
        "weight_paid_hour": lambda r, g: r.number(value, low=0),
        "weight_preference": lambda r, g: r.number(value, low=0),
        "weight_complaint_fairness": lambda r, g: r.number(value, low=0),
    }


SETTING_RULES = _setting_rules()


def _interval_minutes(record: Record) -> int | None:
    expected = "one of " + ", ".join(str(c) for c in INTERVAL_CHOICES)
    value = record.parsed("value", parse_number, expected)
    if value is None:
        return None
    if value not in INTERVAL_CHOICES:
        record.problem("value", expected)
        return None
    return int(value)


def _timezone(record: Record) -> str | None:
    name = record.text("value")
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        record.problem("value", "an IANA time zone name like Europe/Berlin")
        return None
    return name


def read_settings(table: Table | None, log: ProblemLog) -> dict[str, Any]:
    """Settings given in the workbook (blank values left out), by key."""
    if table is None or not require_columns(table, ("key", "value"), log):
        return {}
    rows: dict[str, Record] = {}
    seen = UniqueIds("Settings key")
    for record in records(table, log):
        key = normalise(record.raw("key"))
        if key not in SETTING_RULES:
            record.problem("key", "a Settings key of the contract (e.g. interval_minutes)")
        elif seen.is_new(record, "key", key):
            record.label = f"{key}: "
            rows[key] = record
    values: dict[str, Any] = {}
    if "interval_minutes" in rows:
        values["interval_minutes"] = SETTING_RULES["interval_minutes"](rows["interval_minutes"], 1)
    grid = values.get("interval_minutes") or 1
    for key, record in rows.items():
        if key != "interval_minutes":
            values[key] = SETTING_RULES[key](record, grid)
    return {key: value for key, value in values.items() if value is not None}


def settings_from(values: dict[str, Any]) -> Settings:
    """A Settings with the contract's defaults where the workbook is silent."""
    fields = {k: v for k, v in values.items() if k not in ("start_date", "days")}
    return replace(Settings(), **fields)


def grid_of(values: dict[str, Any], log: ProblemLog) -> int:
    """The interval grid for checks: 1 (no grid checks) when interval_minutes is bad."""
    if any(p.expected.startswith("interval_minutes:") for p in log.problems):
        return 1
    return int(values.get("interval_minutes", Settings().interval_minutes))


# --------------------------------------------------------------------------- Queues


def read_queues(table: Table | None, settings: Settings, log: ProblemLog) -> tuple[Queue, ...]:
    """Queues sheet rows; one queue ``main`` when the sheet is absent or empty."""
    default = (Queue("main", settings.service_level_target, settings.answer_seconds,
                     settings.patience_seconds),)
    if table is None or not table.rows:
        return default
    if not require_columns(table, ("queue",), log):
        return ()
    queues = []
    seen = UniqueIds("queue id")
    for record in records(table, log):
        queue_id = record.text("queue", required=True, what="a queue id")
        target = record.number("service_level_target", low=0, high=1, low_open=True)
        answer = record.number("answer_seconds", low=0)
        patience = record.number("patience_seconds", low=0, low_open=True)
        if queue_id is None or not seen.is_new(record, "queue", queue_id):
            continue
        queues.append(Queue(
            queue_id,
            settings.service_level_target if target is None else target,
            settings.answer_seconds if answer is None else answer,
            settings.patience_seconds if patience is None else patience,
            row=record.row,
        ))
    return tuple(queues)


# --------------------------------------------------------------------------- Forecast


@dataclass(frozen=True)
class ForecastRow:
    """One parsed Forecast row (minute = time of day)."""

    row: int
    day: date
    minute: int
    queue: int
    calls: float
    aht_seconds: float
    complaint_share: float
    required: float


def read_forecast_rows(table: Table, queues: Sequence[Queue], declared: frozenset[str] | None,
                       grid: int, log: ProblemLog) -> list[ForecastRow]:
    """Parse Forecast rows; duplicates and horizon checks come later."""
    needed = ["date", "interval_start", "calls", "aht_seconds"]
    if len(queues) != 1:
        needed.append("queue")
    if not require_columns(table, needed, log):
        return []
    queue_index = {q.id: i for i, q in enumerate(queues)}
    return parsed_rows(table, log,
                       lambda record: _forecast_row(record, queue_index, declared, grid))


def _forecast_row(record: Record, queue_index: dict[str, int], declared: frozenset[str] | None,
                  grid: int) -> ForecastRow | None:
    day = record.date("date", required=True)
    minute = record.time("interval_start", grid, required=True)
    queue = _forecast_queue(record, queue_index, declared)
    calls = record.number("calls", low=0)
    aht = record.number("aht_seconds", low=0)
    share = record.number("complaint_share", low=0, high=1)
    required = record.integer("required_agents", low=0)
    if calls is not None and calls > 0 and aht is not None and aht <= 0:
        record.problem("aht_seconds", "a number > 0 (the row has calls)")
        aht = None
    if calls is not None and calls > 0 and aht is None and is_blank(record.raw("aht_seconds")):
        record.problem("aht_seconds", "a number > 0 (the row has calls)")
    if day is None or minute is None or queue is None:
        return None
    return ForecastRow(record.row, day, minute, queue, calls or 0.0, aht or 0.0,
                       share or 0.0, math.nan if required is None else float(required))


def _forecast_queue(record: Record, queue_index: dict[str, int],
                    declared: frozenset[str] | None) -> int | None:
    """The row's queue index; ``None`` (and no problem) for a queue whose own row is bad."""
    queue_id = record.text("queue")
    if queue_id is None:
        if len(queue_index) == 1:
            return 0
        record.problem("queue", "a queue id from the Queues sheet")
        return None
    if queue_id not in queue_index:
        if declared is None or queue_id not in declared:
            record.problem("queue", "a queue id from the Queues sheet: "
                           + ", ".join(sorted(declared or queue_index)))
        return None
    return queue_index[queue_id]


@dataclass(frozen=True)
class Horizon:
    """The planning horizon: ``days`` dates from ``start``."""

    start: date
    days: int

    @property
    def last(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    @property
    def start_datetime(self) -> datetime:
        return datetime.combine(self.start, time())

    def day_index(self, value: date) -> int | None:
        index = (value - self.start).days
        return index if 0 <= index < self.days else None

    def expectation(self) -> str:
        return f"a date from {self.start.isoformat()} to {self.last.isoformat()} (the horizon)"


def horizon_of(settings_values: dict[str, Any], rows: Sequence[ForecastRow],
               start_date: date | None = None) -> Horizon | None:
    """``start_date`` (a rolled horizon) or Settings start_date, else the first Forecast
    date; Settings days, else up to the last Forecast date inclusive."""
    start = (start_date or settings_values.get("start_date")
             or min((r.day for r in rows), default=None))
    if start is None:
        return None
    days = settings_values.get("days")
    if days is None:
        last = max((r.day for r in rows), default=start)
        days = max(1, (last - start).days + 1)
    return Horizon(start, int(days))


def build_forecast(table: Table, rows: Sequence[ForecastRow], refs: References, queues: int,
                   log: ProblemLog) -> Forecast:
    """Arrays (queues x intervals); duplicate and out-of-horizon rows are logged (the
    latter skipped silently on a rolled horizon)."""
    horizon, grid = cast(Horizon, refs.horizon), refs.grid
    per_day = MINUTES_PER_DAY // grid
    shape = (queues, horizon.days * per_day)
    calls, aht, share = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    required = np.full(shape, np.nan)
    first_row: dict[tuple[int, int], int] = {}
    for row in rows:
        day = horizon.day_index(row.day)
        if day is None:
            if not refs.skip_outside:
                log.add(table.title, row.row, "date", horizon.expectation(),
                        f"'{row.day.isoformat()}'")
            continue
        key = (row.queue, day * per_day + row.minute // grid)
        if key in first_row:
            log.add(table.title, row.row, "interval_start",
                    "one row per date, interval_start and queue",
                    f"a second row for {row.day.isoformat()} {_hhmm(row.minute)} "
                    f"(first in row {first_row[key]})")
            continue
        first_row[key] = row.row
        calls[key], aht[key], share[key] = row.calls, row.aht_seconds, row.complaint_share
        required[key] = row.required
    return Forecast(calls, aht, share, required)


def _hhmm(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


# --------------------------------------------------------------------------- ShiftTypes


def read_shift_types(table: Table, breaks: Table | None, grid: int,
                     log: ProblemLog) -> tuple[ShiftType, ...] | None:
    """ShiftTypes with their Breaks; ``None`` when the sheet lacks required columns."""
    needed = ("shift_type", "earliest_start", "latest_start", "length_minutes")
    if not require_columns(table, needed, log):
        return None
    types: list[ShiftType] = []
    seen = UniqueIds("shift type id")
    for record in records(table, log):
        shift_type = _shift_type(record, grid)
        if shift_type is not None and seen.is_new(record, "shift_type", shift_type.id):
            types.append(shift_type)
    return _with_breaks(types, breaks, grid, log, declared_ids(table, "shift_type"))


def _shift_type(record: Record, grid: int) -> ShiftType | None:
    type_id = record.text("shift_type", required=True, what="a shift type id")
    earliest = record.time("earliest_start", grid, required=True)
    latest = record.time("latest_start", grid, required=True)
    step = record.minutes("start_step_minutes", grid, positive=True)
    length = record.minutes("length_minutes", grid, positive=True, required=True)
    if length is not None and length > MINUTES_PER_DAY:
        record.problem("length_minutes", f"at most {MINUTES_PER_DAY} minutes (one day)")
        length = None
    weekdays = record.parsed("weekdays", parse_weekdays,
                             "weekday names like Mon,Tue,Wed,Thu,Fri")
    if None in (type_id, earliest, latest, length):
        return None
    return ShiftType(cast(str, type_id), cast(int, earliest), cast(int, latest),
                     grid if step is None else step,
                     cast(int, length),
                     frozenset(range(7)) if weekdays is None else weekdays, row=record.row)


def _with_breaks(types: list[ShiftType], table: Table | None, grid: int, log: ProblemLog,
                 declared: frozenset[str] | None) -> tuple[ShiftType, ...]:
    """Attach each Breaks row to its shift type (rows of a type whose own row is bad are
    checked but not attached)."""
    if table is None or not table.rows:
        return tuple(types)
    needed = ("shift_type", "break", "duration_minutes", "earliest_start_after_minutes",
              "latest_start_after_minutes")
    if not require_columns(table, needed, log):
        return tuple(types)
    by_id = {t.id: t for t in types}
    found: dict[str, list[BreakRule]] = {t.id: [] for t in types}
    seen = UniqueIds("break name within its shift type")
    for record in records(table, log):
        type_id = record.text("shift_type", required=True, what="a shift type id")
        rule = _break_rule(record, grid)
        if type_id is None:
            continue
        if type_id not in by_id:
            if declared is None or type_id not in declared:
                record.problem("shift_type", "a shift type from the ShiftTypes sheet")
            continue
        if rule is None or not seen.is_new(record, "break", f"{type_id}/{rule.name}",
                                           f"{rule.name!r} of {type_id}"):
            continue
        if _break_fits(record, rule, by_id[type_id]):
            found[type_id].append(rule)
    return tuple(replace(t, breaks=tuple(found[t.id])) for t in types)


def _break_rule(record: Record, grid: int) -> BreakRule | None:
    name = record.text("break", required=True, what="a break name")
    duration = record.minutes("duration_minutes", grid, positive=True, required=True)
    earliest = record.minutes("earliest_start_after_minutes", grid, required=True)
    latest = record.minutes("latest_start_after_minutes", grid, required=True)
    paid = record.boolean("paid", True)
    if name is None or duration is None or earliest is None or latest is None:
        return None
    if latest < earliest:
        record.problem("latest_start_after_minutes",
                       f"at least earliest_start_after_minutes ({earliest})")
        return None
    return BreakRule(name, duration, earliest, latest, paid, row=record.row)


def _break_fits(record: Record, rule: BreakRule, shift_type: ShiftType) -> bool:
    """The break can end by the shift end: latest start + duration <= length."""
    limit = shift_type.length_minutes - rule.duration_minutes
    if rule.latest_start_after_minutes <= limit:
        return True
    record.problem("latest_start_after_minutes",
                   f"at most {limit} (shift length {shift_type.length_minutes} less the "
                   f"{rule.duration_minutes}-minute break) so the break ends by the shift end")
    return False


# --------------------------------------------------------------------------- Agents


@dataclass(frozen=True)
class AgentContext:
    """What agent rows are checked against and default to."""

    settings: Settings
    days: int
    queue_ids: tuple[str, ...]
    shift_types: dict[str, ShiftType] | None
    grid: int
    declared_queues: frozenset[str] | None = None
    declared_shift_types: frozenset[str] | None = None


def read_agents(table: Table, context: AgentContext,
                log: ProblemLog) -> tuple[Agent, ...] | None:
    """Agents rows with the contract's defaults; ``None`` without an agent_id column."""
    if not require_columns(table, ("agent_id",), log):
        return None
    agents = []
    seen = UniqueIds("agent id")
    for record in records(table, log):
        agent = _agent(record, context)
        if agent is not None and seen.is_new(record, "agent_id", agent.id):
            agents.append(agent)
    return tuple(agents)


def _agent(record: Record, context: AgentContext) -> Agent | None:
    settings = context.settings
    agent_id = record.text("agent_id", required=True, what="an agent id")
    skills = _known_items(record, "skills", context.declared_queues,
                          "queue ids from the Queues sheet")
    types = _known_items(record, "shift_types", context.declared_shift_types,
                         "shift types from the ShiftTypes sheet")
    min_hours = record.number("min_hours", low=0)
    max_hours = record.number("max_hours", low=0)
    max_days = record.integer("max_days", low=0)
    rest = record.number("min_rest_hours", low=0)
    consecutive = record.integer("max_consecutive_days", low=1)
    eligible = record.boolean("complaint_eligible", True)
    stretch = record.minutes("max_complaint_stretch_minutes", context.grid)
    if agent_id is None:
        return None
    skills = skills or context.queue_ids or ()
    types = types or tuple(context.shift_types or ())
    max_hours = default_max_hours(context, types) if max_hours is None else max_hours
    if min_hours is not None and min_hours > max_hours:
        record.problem("min_hours", f"at most max_hours ({max_hours:g})")
    return Agent(
        agent_id, record.text("name") or agent_id, skills, types, min_hours or 0.0, max_hours,
        default_max_days(context.days) if max_days is None else max_days,
        settings.min_rest_hours if rest is None else rest,
        settings.max_consecutive_days if consecutive is None else consecutive,
        eligible,
        settings.max_complaint_stretch_minutes if stretch is None else stretch,
        row=record.row,
    )


def _known_items(record: Record, column: str, known: frozenset[str] | None,
                 expected: str) -> tuple[str, ...] | None:
    """A comma-separated list whose items must all be known ids (unchecked if unknown)."""
    items = parse_list(record.raw(column))
    if items is None or known is None:
        return items
    unknown = [item for item in items if item not in known]
    if unknown:
        record.problem(column, f"{expected}: {', '.join(sorted(known))}",
                       ", ".join(repr(item) for item in unknown))
        return None
    return items


def default_max_days(days: int) -> int:
    """``min(days, ceil(5 * days / 7))``."""
    return min(days, math.ceil(5 * days / 7 - 1e-9))


def default_max_hours(context: AgentContext, shift_types: Sequence[str]) -> float:
    """40 hours per 7 days, but never below the longest paid shift the agent may work."""
    known = context.shift_types or {}
    longest = max((known[t].paid_minutes / 60 for t in shift_types if t in known), default=0.0)
    return max(40 * context.days / 7, longest)


# --------------------------------------------------------------------------- references


@dataclass(frozen=True)
class References:
    """Ids and horizon the dependent sheets refer to; ``None`` where unknown (unchecked)."""

    agent_ids: frozenset[str] | None
    queue_ids: frozenset[str] | None
    shift_type_ids: frozenset[str] | None
    horizon: Horizon | None
    grid: int
    skip_outside: bool = False
    """A rolled horizon: rows dated outside it are skipped, not problems."""


def agent_of(record: Record, refs: References) -> str | None:
    """The row's agent_id, which must be on the Agents sheet."""
    agent_id = record.text("agent_id", required=True, what="an agent id")
    if agent_id is not None and refs.agent_ids is not None and agent_id not in refs.agent_ids:
        record.problem("agent_id", "an agent id from the Agents sheet")
        return None
    return agent_id


def day_of(record: Record, column: str, refs: References) -> int | None:
    """The row's date as a day index of the horizon."""
    value = record.date(column, required=True)
    if value is None or refs.horizon is None:
        return None
    day = refs.horizon.day_index(value)
    if day is None and not refs.skip_outside:
        record.problem(column, refs.horizon.expectation())
    return day


# --------------------------------------------------------------------------- Availability


def read_availability(table: Table | None, refs: References,
                      log: ProblemLog) -> tuple[Availability, ...]:
    if table is None or not require_columns(table, ("agent_id", "date", "status"), log):
        return ()
    return tuple(parsed_rows(table, log, lambda record: _availability(record, refs)))


def _availability(record: Record, refs: References) -> Availability | None:
    agent_id = agent_of(record, refs)
    day = day_of(record, "date", refs)
    status = _status(record)
    window_from = record.time("from", refs.grid)
    window_to = record.time("to", refs.grid)
    if agent_id is None or day is None or status is None:
        return None
    if status != "window":
        return Availability(agent_id, day, status, row=record.row)
    start = None if window_from is None else day * MINUTES_PER_DAY + window_from
    end = None if window_to is None else day * MINUTES_PER_DAY + window_to
    if start is not None and end is not None and end <= start:
        end += MINUTES_PER_DAY
    return Availability(agent_id, day, status, start, end, row=record.row)


def _status(record: Record) -> AvailabilityStatus | None:
    text = record.text("status", required=True, what="off, prefer_off or window")
    if text is None:
        return None
    word = re.sub(r"[\s-]+", "_", text.lower())
    for status in AVAILABILITY_STATUSES:
        if word == status:
            return status
    record.problem("status", "off, prefer_off or window")
    return None


# --------------------------------------------------------------------------- History


def read_history(table: Table | None, refs: References, log: ProblemLog) -> tuple[History, ...]:
    if table is None or not require_columns(table, ("agent_id",), log):
        return ()
    rows = []
    seen = UniqueIds("agent id (one History row per agent)")
    for record in records(table, log):
        agent_id = agent_of(record, refs)
        last_end = record.datetime("last_shift_end")
        consecutive = record.integer("consecutive_days_worked", low=0)
        if agent_id is None or not seen.is_new(record, "agent_id", agent_id):
            continue
        minute = None
        if last_end is not None and refs.horizon is not None:
            minute = _minutes_between(refs.horizon.start_datetime, last_end)
        rows.append(History(agent_id, minute, consecutive or 0, row=record.row))
    return tuple(rows)


def _minutes_between(start: datetime, moment: datetime) -> int:
    return round((moment - start).total_seconds() / 60)


# --------------------------------------------------------------------------- Roster


def read_roster(table: Table | None, refs: References,
                log: ProblemLog) -> tuple[RosterEntry, ...] | None:
    """The agent-by-date grid as shifts; ``None`` when the workbook has no Roster."""
    if table is None:
        return None
    if not require_columns(table, ("agent_id",), log):
        return ()
    dates = _roster_dates(table, refs, log)
    entries = []
    seen = UniqueIds("agent id (one Roster row per agent)")
    for record in records(table, log):
        agent_id = agent_of(record, refs)
        if agent_id is None or not seen.is_new(record, "agent_id", agent_id):
            continue
        for index, (column, day) in dates.items():
            entry = _roster_cell(record, index, column, agent_id, day, refs)
            if entry is not None:
                entries.append(entry)
    return tuple(entries)


def _roster_dates(table: Table, refs: References,
                  log: ProblemLog) -> dict[int, tuple[str, int]]:
    """Column index -> (header text, day index) for the date columns of the Roster."""
    dates: dict[int, tuple[str, int]] = {}
    agent_column = table.columns["agent_id"]
    for index, header in enumerate(table.header):
        if index == agent_column or is_blank(header):
            continue
        shown = parse_text(header) or ""
        value = parse_date(header)
        if not isinstance(value, date):
            log.add(table.title, 1, shown, "a date (2026-11-30) as the column header",
                    describe(header))
            continue
        day = None if refs.horizon is None else refs.horizon.day_index(value)
        if day is None:
            if refs.horizon is not None and not refs.skip_outside:
                log.add(table.title, 1, shown, refs.horizon.expectation(), describe(header))
            continue
        dates[index] = (shown, day)
    return dates


def _roster_cell(record: Record, index: int, column: str, agent_id: str, day: int,
                 refs: References) -> RosterEntry | None:
    """One grid cell: ``HH:MM-HH:MM`` with an optional `` shift_type``; OFF/blank is none."""
    value = record.values[index] if index < len(record.values) else None
    text = parse_text(value)
    if text is None or text.lower() == "off":
        return None
    expected = (f"HH:MM-HH:MM{grid_text(refs.grid)} with an optional shift type, "
                "or OFF")
    match = ROSTER_CELL.match(text)
    start = end = None
    if match:
        start, end = parse_time(match[1]), parse_time(match[2])
    if not isinstance(start, int) or not isinstance(end, int) or start % refs.grid or (
            end % refs.grid):
        record.log.add(record.table.title, record.row, column, expected, describe(value))
        return None
    shift_type = cast(re.Match[str], match)[3]
    if (shift_type is not None and refs.shift_type_ids is not None
            and shift_type not in refs.shift_type_ids):
        record.log.add(record.table.title, record.row, column,
                       "a shift type from the ShiftTypes sheet after the times",
                       repr(shift_type))
        return None
    first = day * MINUTES_PER_DAY + start
    last = day * MINUTES_PER_DAY + end + (MINUTES_PER_DAY if end <= start else 0)
    return RosterEntry(agent_id, day, first, last, shift_type, row=record.row)


# --------------------------------------------------------------------------- Activities


def read_activities(table: Table | None, refs: References,
                    log: ProblemLog) -> tuple[ActivityBlock, ...] | None:
    """An input Activities sheet (as written by ``solve``); ``None`` when there is none."""
    if table is None:
        return None
    needed = ("agent_id", "date", "start", "end", "activity")
    if not require_columns(table, needed, log):
        return ()
    return tuple(parsed_rows(table, log, lambda record: _activity(record, refs)))


def _activity(record: Record, refs: References) -> ActivityBlock | None:
    agent_id = agent_of(record, refs)
    day = day_of(record, "date", refs)
    start = record.datetime("start", required=True)
    end = record.datetime("end", required=True)
    kind = _activity_kind(record)
    detail = record.text("detail") or ""
    paid = record.boolean("paid", True)
    if start is not None and end is not None and end <= start:
        record.problem("end", f"a time after the start ({describe(start)})")
        return None
    if kind == "phone" and refs.queue_ids is not None and detail not in refs.queue_ids:
        record.problem("detail", "the queue id of the phone block")
        return None
    if (agent_id is None or day is None or start is None or end is None or kind is None
            or refs.horizon is None):
        return None
    origin = refs.horizon.start_datetime
    return ActivityBlock(agent_id, day, _minutes_between(origin, start),
                         _minutes_between(origin, end), kind, detail, paid)


def _activity_kind(record: Record) -> ActivityKind | None:
    expected = "phone, break, recovery or other"
    text = record.text("activity", required=True, what=expected)
    if text is None:
        return None
    for kind in ACTIVITY_KINDS:
        if text.lower() == kind:
            return kind
    record.problem("activity", expected)
    return None


# --------------------------------------------------------------------------- workbook


def load_tables(data: bytes, log: ProblemLog) -> dict[str, Table] | None:
    """Every sheet of the workbook as a Table by normalised name; ``None`` if unreadable."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        log.add("", None, "", "an Excel .xlsx workbook",
                f"a file that cannot be opened as one ({type(error).__name__}: {error})")
        return None
    try:
        tables: dict[str, Table] = {}
        for worksheet in workbook.worksheets:
            key = normalise(worksheet.title)
            if key in tables or not hasattr(worksheet, "iter_rows"):
                continue
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(values_only=True)
            tables[key] = table_from_rows(worksheet.title, rows)
        return tables
    except Exception as error:  # a damaged sheet inside a valid zip
        log.add("", None, "", "a readable Excel .xlsx workbook",
                f"a damaged file ({type(error).__name__}: {error})")
        return None
    finally:
        workbook.close()


def read_bytes(path: Path, log: ProblemLog) -> bytes | None:
    """The file's bytes; a problem when it is missing or unreadable."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        log.add("", None, "", "an existing .xlsx workbook", "no such file")
    except IsADirectoryError:
        log.add("", None, "", "an .xlsx workbook", "a folder")
    except OSError as error:
        log.add("", None, "", "a readable .xlsx workbook", f"{type(error).__name__}: {error}")
    return None


def missing_sheets(tables: dict[str, Table], log: ProblemLog) -> None:
    for name in REQUIRED_SHEETS:
        if name.lower() not in tables:
            present = ", ".join(t.title for t in tables.values()) or "none"
            log.add(name, None, "", f"a sheet named {name}", f"no such sheet (sheets: {present})")


def read_workbook(path: Path | str, start_date: date | None = None) -> Problem:
    """Read an input workbook into a ``Problem``; ``WorkbookError`` lists every problem.

    ``start_date`` rolls the horizon to start on that date (Settings ``days`` long, else
    up to the last Forecast date); rows dated outside it are then skipped, not problems.
    """
    path = Path(path)
    log = ProblemLog(path.name)
    data = read_bytes(path, log)
    tables = None if data is None else load_tables(data, log)
    if data is None or tables is None:
        raise WorkbookError(log.problems)
    missing_sheets(tables, log)
    problem = _read_sheets(tables, log, start_date)
    if log.problems or problem is None:
        raise WorkbookError(log.problems)
    return replace(problem, source_path=str(path),
                   source_sha256=hashlib.sha256(data).hexdigest())


def _read_sheets(tables: dict[str, Table], log: ProblemLog,
                 start_date: date | None) -> Problem | None:
    """Parse every sheet in dependency order; ``None`` when the Problem cannot be built."""
    settings_values = read_settings(tables.get("settings"), log)
    settings = settings_from(settings_values)
    grid = grid_of(settings_values, log)
    queues = read_queues(tables.get("queues"), settings, log)
    queue_ids = _declared_queues(tables.get("queues"))
    forecast_table = tables.get("forecast")
    rows = [] if forecast_table is None else read_forecast_rows(
        forecast_table, queues, queue_ids, grid, log)
    if forecast_table is not None and not forecast_table.rows:
        log.add(forecast_table.title, None, "", "at least one forecast row", "no rows")
    horizon = horizon_of(settings_values, rows, start_date)
    shift_types = None if "shifttypes" not in tables else read_shift_types(
        tables["shifttypes"], tables.get("breaks"), grid, log)
    type_ids = declared_ids(tables.get("shifttypes"), "shift_type")
    context = AgentContext(settings, horizon.days if horizon else 7,
                           tuple(q.id for q in queues),
                           None if shift_types is None else {t.id: t for t in shift_types},
                           grid, queue_ids, type_ids)
    agents = None if "agents" not in tables else read_agents(tables["agents"], context, log)
    refs = References(declared_ids(tables.get("agents"), "agent_id"), queue_ids, type_ids,
                      horizon, grid, skip_outside=start_date is not None)
    availability = read_availability(tables.get("availability"), refs, log)
    history = read_history(tables.get("history"), refs, log)
    roster = read_roster(tables.get("roster"), refs, log)
    activities = read_activities(tables.get("activities"), refs, log)
    if horizon is None or forecast_table is None or agents is None or shift_types is None:
        return None
    forecast = build_forecast(forecast_table, rows, refs, len(queues), log)
    return Problem(horizon.start, horizon.days, settings, queues, forecast, agents,
                   shift_types, availability, history, roster,
                   existing_activities=activities)


def _declared_queues(table: Table | None) -> frozenset[str] | None:
    """Queue ids written on the Queues sheet; ``main`` without one."""
    if table is None or not table.rows:
        return frozenset({"main"})
    return declared_ids(table, "queue")
