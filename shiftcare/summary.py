"""The Summary sheet's key/value pairs, shared by the writer, ``--json`` and the terminal."""

from __future__ import annotations

from collections.abc import Mapping

from shiftcare import __version__
from shiftcare.problem import Problem
from shiftcare.report import Report
from shiftcare.solution import Solution

KPI_KEYS = (
    "understaffed_agent_minutes", "overstaffed_agent_minutes", "service_level", "paid_hours",
    "shifts", "max_complaint_stretch_minutes", "recovery_compliance", "stress_violations",
)


def summary_items(problem: Problem, solution: Solution, report: Report,
                  extra: Mapping[str, object] | None = None) -> dict[str, object]:
    """Summary keys of the contract in order, the proven bound on understaffed
    agent-minutes and its gap, then ``extra``; None where there is no value."""
    info = solution.info
    items: dict[str, object] = {
        "status": info.status,
        "mode": info.mode,
        "objective": info.objective,
        "best_bound": info.best_bound,
        "gap": info.gap,
    }
    for key in KPI_KEYS:
        items[key] = plain_value(report.kpis.get(key))
    items["solve_seconds"] = info.solve_seconds
    items["shiftcare_version"] = __version__
    items["input_sha256"] = problem.source_sha256
    understaffed = plain_value(report.kpis.get("understaffed_agent_minutes"))
    items["understaffed_lower_bound"] = info.understaffed_bound
    items["understaffed_gap"] = understaffed_gap(understaffed, info.understaffed_bound)
    items.update(extra or {})
    return items


def understaffed_gap(understaffed: object, bound: float | None) -> float | None:
    """``(understaffed - bound) / max(1, understaffed)`` in agent-minutes, or None without
    a bound or a roster."""
    if bound is None or not isinstance(understaffed, int | float):
        return None
    return max(0.0, (understaffed - bound) / max(1.0, abs(understaffed)))


def plain_value(value: object) -> object:
    """numpy scalars as Python numbers (for JSON and openpyxl)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value
