"""What the evaluator says about a roster: coverage, stress per agent-day, KPIs, violations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

COVERAGE_COLUMNS = (
    "date", "interval_start", "queue", "calls", "aht_seconds", "complaint_share",
    "complaint_heavy", "required", "scheduled", "understaffed", "overstaffed", "service_level",
)
STRESS_COLUMNS = (
    "agent_id", "date", "complaint_minutes", "longest_complaint_stretch_minutes",
    "recoveries_required", "recoveries_given", "violations",
)


@dataclass(frozen=True)
class Violation:
    """One broken rule. ``rule`` is a stable key such as ``min_rest`` or ``stretch_cap``.

    ``stress`` is True for the stress rules (hard only in stress-aware mode).
    """

    rule: str
    message: str
    agent_id: str | None = None
    day: date | None = None
    stress: bool = False


@dataclass(frozen=True)
class DiagnosticRow:
    """One line of the Diagnostics sheet: a rule that failed and where (``row`` is Excel's)."""

    rule: str
    sheet: str
    row: int | None
    agent_id: str
    date: str
    message: str


@dataclass(frozen=True)
class Report:
    """The evaluator's verdict on one Solution.

    ``coverage`` has ``COVERAGE_COLUMNS`` (one row per interval and queue of the horizon),
    ``stress`` has ``STRESS_COLUMNS`` (one row per agent and shift date worked), and
    ``kpis`` holds ``understaffed_agent_minutes``, ``overstaffed_agent_minutes``,
    ``service_level``, ``paid_hours``, ``shifts``, ``max_complaint_stretch_minutes``,
    ``recovery_compliance`` and ``stress_violations``.
    """

    coverage: pd.DataFrame
    stress: pd.DataFrame
    kpis: dict[str, float | int]
    violations: tuple[Violation, ...] = field(default_factory=tuple)

    @property
    def hard_violations(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if not v.stress)

    @property
    def stress_violations(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.stress)
