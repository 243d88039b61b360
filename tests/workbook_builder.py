"""Input workbooks from Python rows, for reader tests.

``valid_sheets()`` is a small valid workbook as ``{sheet name: [row dict, ...]}``: two
queues ``general`` and ``complaints``, three agents, two days from Monday 2026-11-30 on
the 15-minute grid, shift types ``DAY`` and ``LATE`` with breaks, availability, history
and an input Roster. Tests mutate a copy and write it with ``write_workbook``. The
header of a sheet is the union of its rows' keys, in first-seen order; a key may be a
date (a Roster column written as an Excel date cell).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from shiftcare.samples import format_date_cells

Row = dict[object, object]
Sheets = dict[str, list[Row]]
AnySheets = Mapping[str, Sequence[Mapping[Any, object]]]
"""Sheets whose rows may be keyed by strings only (what tests usually build)."""

MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)
FORECAST_TIMES = ("08:00", "08:15", "08:30", "08:45", "09:00", "09:15", "09:30", "09:45")
"""Forecast rows per date and queue: general first, then complaints, per time."""


def header_of(rows: Sequence[Mapping[Any, object]]) -> list[object]:
    """Union of the rows' keys in first-seen order."""
    header: list[object] = []
    for row in rows:
        header.extend(key for key in row if key not in header)
    return header


def write_workbook(sheets: AnySheets, path: Path,
                   headers: Mapping[str, Sequence[object]] | None = None) -> Path:
    """Write ``sheets`` to ``path`` (dates and times as Excel cells); returns ``path``.

    ``headers`` gives the header of a sheet without rows.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        header = header_of(rows) or list((headers or {}).get(name, []))
        worksheet.append(header)
        for row in rows:
            worksheet.append([row.get(key) for key in header])
        format_date_cells(worksheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def forecast_rows() -> list[Row]:
    """Two dates x 8 intervals x 2 queues; complaints are complaint-heavy."""
    rows: list[Row] = []
    for day in ("2026-11-30", "2026-12-01"):
        for interval_start in FORECAST_TIMES:
            rows.append({"date": day, "interval_start": interval_start, "queue": "general",
                         "calls": 12, "aht_seconds": 300, "complaint_share": 0.1})
            rows.append({"date": day, "interval_start": interval_start, "queue": "complaints",
                         "calls": 3, "aht_seconds": 540, "complaint_share": 0.7})
    return rows


def valid_sheets() -> Sheets:
    """A fresh copy of the small valid workbook (see the module docstring)."""
    return copy.deepcopy(_VALID)


def forecast_excel_row(day: int, time_index: int, queue: int) -> int:
    """Excel row of a Forecast row of ``valid_sheets()`` (header is row 1)."""
    return 2 + (day * len(FORECAST_TIMES) + time_index) * 2 + queue


_VALID: Sheets = {
    "Settings": [
        {"key": "start_date", "value": "2026-11-30"},
        {"key": "days", "value": 2},
        {"key": "interval_minutes", "value": 15},
        {"key": "timezone", "value": "Europe/Berlin"},
        {"key": "max_complaint_stretch_minutes", "value": 45},
        {"key": "min_rest_hours", "value": 12},
    ],
    "Queues": [
        {"queue": "general", "service_level_target": 0.8, "answer_seconds": 20,
         "patience_seconds": None},
        {"queue": "complaints", "service_level_target": None, "answer_seconds": 30,
         "patience_seconds": 120},
    ],
    "Forecast": forecast_rows(),
    "Agents": [
        {"agent_id": "A1", "name": "Ada Novak", "skills": "general, complaints",
         "shift_types": "DAY,LATE", "min_hours": 8, "max_hours": 16, "max_days": 2,
         "min_rest_hours": None, "max_consecutive_days": 5, "complaint_eligible": "yes",
         "max_complaint_stretch_minutes": 30},
        {"agent_id": "A2", "name": "Ben Okafor", "skills": "general", "shift_types": "DAY",
         "min_hours": None, "max_hours": None, "max_days": None, "min_rest_hours": 10,
         "max_consecutive_days": None, "complaint_eligible": "no",
         "max_complaint_stretch_minutes": None},
        {"agent_id": "A3", "name": None, "skills": None, "shift_types": None,
         "min_hours": None, "max_hours": None, "max_days": None, "min_rest_hours": None,
         "max_consecutive_days": None, "complaint_eligible": None,
         "max_complaint_stretch_minutes": None},
    ],
    "ShiftTypes": [
        {"shift_type": "DAY", "earliest_start": "08:00", "latest_start": "10:00",
         "start_step_minutes": 30, "length_minutes": 480, "weekdays": "Mon,Tue,Wed,Thu,Fri"},
        {"shift_type": "LATE", "earliest_start": "12:00", "latest_start": "14:00",
         "start_step_minutes": None, "length_minutes": 360, "weekdays": None},
    ],
    "Breaks": [
        {"shift_type": "DAY", "break": "break1", "duration_minutes": 15,
         "earliest_start_after_minutes": 60, "latest_start_after_minutes": 120, "paid": "yes"},
        {"shift_type": "DAY", "break": "lunch", "duration_minutes": 30,
         "earliest_start_after_minutes": 180, "latest_start_after_minutes": 300, "paid": "no"},
        {"shift_type": "LATE", "break": "break1", "duration_minutes": 15,
         "earliest_start_after_minutes": 60, "latest_start_after_minutes": 180, "paid": None},
    ],
    "Availability": [
        {"agent_id": "A2", "date": "2026-12-01", "status": "off", "from": None, "to": None},
        {"agent_id": "A3", "date": "2026-11-30", "status": "window", "from": "12:00",
         "to": "20:00"},
        {"agent_id": "A1", "date": "2026-12-01", "status": "prefer_off", "from": None,
         "to": None},
    ],
    "History": [
        {"agent_id": "A1", "last_shift_end": "2026-11-29 22:00", "consecutive_days_worked": 3},
    ],
    "Roster": [
        {"agent_id": "A1", "2026-11-30": "08:00-16:00 DAY", "2026-12-01": "OFF"},
        {"agent_id": "A2", "2026-11-30": None, "2026-12-01": "08:30-16:30"},
        {"agent_id": "A3", "2026-11-30": "22:00-06:00", "2026-12-01": None},
    ],
}
