"""The ``solve`` job end to end: read, staff, solve, diagnose, evaluate, write."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

from shiftcare.diagnose import Conflict, minimal_conflict
from shiftcare.evaluate import evaluate
from shiftcare.io.excel_read import read_workbook
from shiftcare.io.excel_write import DiagnosticRow, write_workbook
from shiftcare.problem import Problem
from shiftcare.report import Report
from shiftcare.solution import Solution
from shiftcare.solve import ProgressFn, SolveOptions, solve
from shiftcare.staffing import required_agents

log = logging.getLogger("shiftcare")

EXIT_OK, EXIT_ERROR, EXIT_INFEASIBLE, EXIT_NO_ROSTER = 0, 1, 3, 4


def run_solve(
    input_path: Path,
    output_path: Path,
    options: SolveOptions,
    progress: ProgressFn | None = None,
) -> int:
    """Solve one workbook and write the result; returns the command's exit code."""
    started = time.monotonic()
    problem = read_workbook(input_path)
    required = required_agents(problem)
    log.info("read %s: %d agents, %d queues, %d days of %d-minute intervals, peak need %d",
             input_path.name, len(problem.agents), len(problem.queues), problem.days,
             problem.interval_minutes, int(required.sum(axis=0).max(initial=0)))
    remaining = _remaining_time(problem, options, started)
    solution = solve(problem, _with_time_limit(options, remaining), progress, required)
    status = solution.info.status
    if status == "INFEASIBLE":
        return _write_infeasible(problem, solution, options, input_path, output_path, required)
    if status not in ("OPTIMAL", "FEASIBLE"):
        log.error("no roster found within the time limit (solver status %s); "
                  "raise --time-limit or relax the rules", status)
        return EXIT_NO_ROSTER if status == "UNKNOWN" else EXIT_ERROR
    report = evaluate(problem, solution, required)
    diagnostics = [_violation_row(v.rule, v.agent_id, v.day, v.message)
                   for v in report.hard_violations]
    if diagnostics:
        log.error("the roster breaks %d hard rule(s); see the Diagnostics sheet", len(diagnostics))
    write_workbook(problem, solution, report, output_path, input_path, diagnostics,
                   _extra_summary(problem, solution))
    _log_summary(solution, report, output_path)
    return EXIT_OK


def _remaining_time(problem: Problem, options: SolveOptions, started: float) -> float:
    """Seconds left of the time limit after reading (writing needs a moment too)."""
    limit = options.time_limit_seconds
    total = problem.settings.time_limit_seconds if limit is None else limit
    return max(1.0, total - (time.monotonic() - started))


def _with_time_limit(options: SolveOptions, seconds: float) -> SolveOptions:
    return replace(options, time_limit_seconds=seconds)


def _write_infeasible(problem: Problem, solution: Solution, options: SolveOptions,
                      input_path: Path, output_path: Path, required: object) -> int:
    """Explain infeasibility on stderr and in a Diagnostics sheet; exit code 3."""
    log.error("the rules cannot all hold; searching a minimal set of conflicting rules ...")
    conflicts = minimal_conflict(problem, required, options.mode)  # type: ignore[arg-type]
    rows = [_conflict_row(c) for c in conflicts] or [
        DiagnosticRow("unknown", "", None, "", "",
                      "infeasible, but no minimal conflicting set was found in time")
    ]
    for row in rows:
        log.error("  conflict: %s%s", row.message,
                  f" (sheet {row.sheet}, row {row.row})" if row.row else "")
    report = evaluate(problem, solution, required)
    write_workbook(problem, solution, report, output_path, input_path, rows,
                   _extra_summary(problem, solution))
    log.error("wrote the diagnosis to %s", output_path)
    return EXIT_INFEASIBLE


def _conflict_row(conflict: Conflict) -> DiagnosticRow:
    return DiagnosticRow(conflict.rule, conflict.sheet, conflict.row, conflict.agent_id,
                         conflict.date, conflict.message)


def _violation_row(rule: str, agent_id: str | None, day: object, message: str) -> DiagnosticRow:
    return DiagnosticRow(rule, "Roster", None, agent_id or "", str(day or ""), message)


def _extra_summary(problem: Problem, solution: Solution) -> dict[str, object]:
    return {
        "start_date": problem.start_date.isoformat(),
        "days": problem.days,
        "interval_minutes": problem.interval_minutes,
        "timezone": problem.settings.timezone,
        "agents": len(problem.agents),
        "queues": ",".join(q.id for q in problem.queues),
        "model_variables": solution.info.num_variables,
        "model_constraints": solution.info.num_constraints,
    }


def _log_summary(solution: Solution, report: Report, output_path: Path) -> None:
    info, kpis = solution.info, report.kpis
    gap = info.gap
    log.info("%s roster (%s): gap %s, understaffed %s agent-min, service level %.1f%%, "
             "paid %.1f h, longest complaint stretch %s min, stress violations %s, %.1f s",
             info.status, info.mode, "n/a" if gap is None else f"{gap:.2%}",
             kpis.get("understaffed_agent_minutes"), 100 * float(kpis.get("service_level", 0)),
             float(kpis.get("paid_hours", 0)), kpis.get("max_complaint_stretch_minutes"),
             kpis.get("stress_violations"), info.solve_seconds)
    log.info("wrote %s", output_path)
