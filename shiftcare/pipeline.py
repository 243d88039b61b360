"""The jobs behind the commands: read, staff, solve or evaluate, write; each returns an exit code.

Every job returns a ``JobResult`` whose ``summary`` is what ``--json`` prints.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from shiftcare.compare import (
    compare_rosters,
    comparison_table,
    complaint_minutes_grid,
    existing_solution,
)
from shiftcare.diagnose import minimal_conflict
from shiftcare.errors import ShiftcareError
from shiftcare.evaluate import evaluate
from shiftcare.io.excel_read import read_workbook
from shiftcare.io.excel_write import write_comparison_workbook, write_workbook
from shiftcare.problem import Problem
from shiftcare.report import DiagnosticRow, Report, Violation
from shiftcare.solution import Solution
from shiftcare.solve import ProgressFn, SolveOptions, deterministic_budget, solve
from shiftcare.staffing import required_agents
from shiftcare.summary import plain_value, summary_items, understaffed_gap

log = logging.getLogger("shiftcare")

EXIT_OK, EXIT_ERROR, EXIT_INFEASIBLE, EXIT_NO_ROSTER = 0, 1, 3, 4
WRITE_RESERVE_SECONDS_PER_AGENT_DAY = 0.002
"""Time kept back from the solver for writing the output, per agent and day (seconds)."""
WRITE_RESERVE_BASE_SECONDS = 1.0
"""Time kept back for writing the output whatever its size, and for the solver's own
overrun (seconds). Measured on a 2-core machine slower than the benchmarks' usual one:
writing a 200x7 roster took 2.1-2.7 s and the solve ended up to 0.4 s past its limit,
so the per-agent-day reserve alone (2.8 s) let 60 s runs end at 60.1-60.2 s."""
Requirements = npt.NDArray[np.int64]


@dataclass(frozen=True)
class JobResult:
    """What a command did: its exit code, the output written and the summary figures."""

    exit_code: int
    output_path: Path | None
    summary: dict[str, object] = field(default_factory=dict)


def load(input_path: Path, start_date: date | None = None) -> tuple[Problem, Requirements]:
    """Read and validate the workbook and compute the required agents per queue and interval."""
    problem = read_workbook(input_path, start_date=start_date)
    required = required_agents(problem)
    log.info("read %s: %d agents, %d queues, %d days from %s, %d-minute intervals, "
             "peak requirement %d agents", input_path.name, len(problem.agents),
             len(problem.queues), problem.days, problem.start_date.isoformat(),
             problem.interval_minutes, int(required.sum(axis=0).max(initial=0)))
    return problem, required


def run_solve(input_path: Path, output_path: Path, options: SolveOptions,
              progress: ProgressFn | None = None, start_date: date | None = None) -> JobResult:
    """Solve one workbook and write the roster workbook."""
    started = time.monotonic()
    problem, required = load(input_path, start_date)
    if options.policy.keeping == "keep" and not problem.existing_roster:
        raise ShiftcareError(f"{input_path.name}: --keep-shifts needs a Roster sheet with the "
                             "shifts to keep, and the workbook has none")
    solution = solve(problem, within_time_limit(problem, options, started), progress, required)
    status = solution.info.status
    if status == "INFEASIBLE":
        return _write_infeasible(problem, solution, options, input_path, output_path, required)
    if status not in ("OPTIMAL", "FEASIBLE"):
        log.error("no roster found within the time limit (solver status %s); "
                  "raise --time-limit or relax the rules", status)
        code = EXIT_NO_ROSTER if status == "UNKNOWN" else EXIT_ERROR
        return JobResult(code, None, {"status": status, "mode": options.mode})
    report = evaluate(problem, solution, required)
    diagnostics = [violation_row(v) for v in report.hard_violations]
    if diagnostics:
        log.error("the roster breaks %d hard rule(s); see the Diagnostics sheet", len(diagnostics))
    extra = run_facts(problem, solution)
    write_workbook(problem, solution, report, output_path, input_path, diagnostics, extra)
    log_summary(solution, report, output_path)
    return JobResult(EXIT_OK, output_path, summary_items(problem, solution, report, extra))


def run_evaluate(input_path: Path, output_path: Path, options: SolveOptions,
                 progress: ProgressFn | None = None, start_date: date | None = None) -> JobResult:
    """Score the input's existing roster and write its Coverage, Stress and Summary."""
    problem, required = load(input_path, start_date)
    if not problem.existing_roster:
        raise ShiftcareError(f"{input_path.name}: evaluate needs a Roster sheet (agent_id, then "
                             "one column per date) and the workbook has none")
    solution = existing_solution(problem, required, options, progress)
    if solution.info.status not in ("OPTIMAL", "FEASIBLE", "EVALUATED"):
        log.error("the existing roster's activities could not be placed (status %s)",
                  solution.info.status)
        return JobResult(EXIT_NO_ROSTER, None, {"status": solution.info.status})
    report = evaluate(problem, solution, required)
    diagnostics = [violation_row(v) for v in report.violations]
    extra = run_facts(problem, solution)
    write_workbook(problem, solution, report, output_path, input_path, diagnostics, extra)
    log.info("the existing roster breaks %d hard rule(s) and has %d stress violation(s)",
             len(report.hard_violations), int(report.kpis.get("stress_violations", 0)))
    log_summary(solution, report, output_path)
    return JobResult(EXIT_OK, output_path, summary_items(problem, solution, report, extra))


def run_compare(input_path: Path, output_path: Path, options: SolveOptions,
                progress: ProgressFn | None = None, start_date: date | None = None,
                ) -> tuple[JobResult, str]:
    """Stress-aware vs baseline (vs existing) rosters; returns the result and the text table."""
    started = time.monotonic()
    problem, required = load(input_path, start_date)
    rosters = compare_rosters(problem, required, within_time_limit(problem, options, started),
                              progress)
    missing = [r.name for r in rosters if r.solution.info.status not in
               ("OPTIMAL", "FEASIBLE", "EVALUATED")]
    if missing:
        log.error("no roster found for %s within the time limit; raise --time-limit",
                  ", ".join(missing))
        return JobResult(EXIT_NO_ROSTER, None, {"missing": missing}), ""
    table = comparison_table(rosters)
    write_comparison_workbook(
        problem, [(r.name, r.solution, r.report) for r in rosters], table,
        {r.name: complaint_minutes_grid(problem, r.report) for r in rosters},
        output_path, input_path)
    log.info("wrote %s", output_path)
    summary: dict[str, object] = {
        str(name): {str(k): plain_value(v) for k, v in table[name].items()}
        for name in table.columns}
    return JobResult(EXIT_OK, output_path, summary), table.to_string()


def within_time_limit(problem: Problem, options: SolveOptions, started: float) -> SolveOptions:
    """Options whose time limit leaves room for what was spent reading and for writing."""
    total = options.time_limit(problem)
    reserve = (WRITE_RESERVE_BASE_SECONDS
               + WRITE_RESERVE_SECONDS_PER_AGENT_DAY * problem.agent_dates)
    remaining = total - (time.monotonic() - started) - reserve
    return replace(options, time_limit_seconds=max(1.0, remaining),
                   deterministic_seconds=deterministic_budget(options, total))


def _write_infeasible(problem: Problem, solution: Solution, options: SolveOptions,
                      input_path: Path, output_path: Path, required: Requirements) -> JobResult:
    """Explain infeasibility on stderr and in a Diagnostics sheet; exit code 3."""
    log.error("the rules cannot all hold; searching a minimal set of conflicting rules ...")
    conflicts = minimal_conflict(problem, required, options.mode, policy=options.policy)
    rows = list(conflicts) or [
        DiagnosticRow("unknown", "", None, "", "",
                      "infeasible, but no minimal conflicting set was found in time")
    ]
    for row in rows:
        log.error("  conflict: %s%s", row.message,
                  f" (sheet {row.sheet}, row {row.row})" if row.row else "")
    report = evaluate(problem, solution, required)
    extra = run_facts(problem, solution)
    write_workbook(problem, solution, report, output_path, input_path, rows, extra)
    log.error("wrote the diagnosis to %s", output_path)
    summary = summary_items(problem, solution, report, extra)
    summary["conflicts"] = [row.message for row in rows]
    return JobResult(EXIT_INFEASIBLE, output_path, summary)


def violation_row(violation: Violation) -> DiagnosticRow:
    day = "" if violation.day is None else violation.day.isoformat()
    return DiagnosticRow(violation.rule, "Roster", None, violation.agent_id or "", day,
                         violation.message)


def run_facts(problem: Problem, solution: Solution) -> dict[str, object]:
    """Summary rows beyond the contract's: the horizon and the model's size."""
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


def log_summary(solution: Solution, report: Report, output_path: Path) -> None:
    info, kpis = solution.info, report.kpis
    gap = info.gap
    understaffed = plain_value(kpis.get("understaffed_agent_minutes"))
    under_gap = understaffed_gap(understaffed, info.understaffed_bound)
    log.info("%s roster (%s): gap %s, understaffed %s agent-min (gap to its bound %s), "
             "service level %.1f%%, paid %.1f h, longest complaint stretch %s min, "
             "stress violations %s, %.1f s",
             info.status, info.mode, "n/a" if gap is None else f"{gap:.2%}", understaffed,
             "n/a" if under_gap is None else f"{under_gap:.2%}",
             100 * float(kpis.get("service_level", 0)),
             float(kpis.get("paid_hours", 0)), kpis.get("max_complaint_stretch_minutes"),
             kpis.get("stress_violations"), info.solve_seconds)
    log.info("wrote %s", output_path)

