"""What does care cost? Stress-aware vs baseline vs the existing roster, side by side."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from shiftcare.evaluate import evaluate
from shiftcare.model.builder import ShiftPolicy
from shiftcare.model.options import roster_candidate
from shiftcare.problem import Mode, Problem
from shiftcare.report import Report
from shiftcare.solution import Shift, Solution, SolveInfo
from shiftcare.solve import ProgressFn, SolveOptions, deterministic_budget, solve

log = logging.getLogger("shiftcare")

COMPARISON_ROWS = (
    ("status", "solver status"),
    ("service_level", "service level (calls-weighted)"),
    ("understaffed_agent_minutes", "understaffed agent-minutes"),
    ("overstaffed_agent_minutes", "overstaffed agent-minutes"),
    ("paid_hours", "paid hours"),
    ("shifts", "shifts"),
    ("max_complaint_stretch_minutes", "longest complaint stretch (min)"),
    ("complaint_minutes_mean", "complaint minutes per agent, mean"),
    ("complaint_minutes_max", "complaint minutes per agent, max"),
    ("complaint_minutes_spread", "complaint minutes per agent, max - min"),
    ("most_loaded_agents", "most complaint-loaded agents"),
    ("recovery_compliance", "recovery compliance"),
    ("stress_violations", "stress violations"),
    ("hard_violations", "hard-rule violations"),
)


@dataclass(frozen=True)
class ScoredRoster:
    """One roster of the comparison with its evaluation."""

    name: str
    solution: Solution
    report: Report

    def value(self, key: str) -> object:
        """The comparison figure ``key`` for this roster."""
        if key == "status":
            return self.solution.info.status
        if key.startswith("complaint_minutes_") and key != "complaint_minutes_spread":
            per_agent = complaint_minutes_per_agent(self.report)
            if per_agent.empty:
                return 0.0
            return float(per_agent.mean() if key.endswith("mean") else per_agent.max())
        if key == "most_loaded_agents":
            top = complaint_minutes_per_agent(self.report).nlargest(3)
            return ", ".join(f"{agent} {int(minutes)}" for agent, minutes in top.items())
        return self.report.kpis.get(key, "")


def complaint_minutes_per_agent(report: Report) -> pd.Series:
    """Complaint-heavy phone minutes over the horizon per agent who worked."""
    if report.stress.empty:
        return pd.Series(dtype=float)
    return report.stress.groupby("agent_id")["complaint_minutes"].sum().astype(float)


def complaint_minutes_grid(problem: Problem, report: Report) -> pd.DataFrame:
    """Agent x date table of complaint minutes (0 where the agent did not work)."""
    dates = [problem.date_of(d) for d in range(problem.days)]
    grid = pd.DataFrame(0.0, index=[a.id for a in problem.agents], columns=dates)
    stress = report.stress
    for agent_id, day, minutes in zip(stress["agent_id"], stress["date"],
                                      stress["complaint_minutes"], strict=True):
        grid.at[str(agent_id), day] = float(minutes)
    return grid


def price_of_care(stress_aware: ScoredRoster, baseline: ScoredRoster) -> dict[str, float]:
    """What the stress rules cost against the baseline: service-level points, agent-hours."""
    level = float(baseline.report.kpis["service_level"]) - float(
        stress_aware.report.kpis["service_level"])
    under = float(stress_aware.report.kpis["understaffed_agent_minutes"]) - float(
        baseline.report.kpis["understaffed_agent_minutes"])
    paid = float(stress_aware.report.kpis["paid_hours"]) - float(
        baseline.report.kpis["paid_hours"])
    return {
        "service_level_points": round(100 * level, 2),
        "understaffed_agent_hours": round(under / 60, 2),
        "paid_hours": round(paid, 2),
    }


def existing_solution(problem: Problem, required: npt.NDArray[np.int64],
                      options: SolveOptions, progress: ProgressFn | None = None) -> Solution:
    """The input's existing roster as a Solution.

    With an input Activities sheet that covers every shift of the Roster, its blocks are
    taken as they are; otherwise breaks, recovery and queues are placed by ``place_activities``.
    """
    shifts = roster_shifts(problem)
    activities = problem.existing_activities or ()
    covered = {(b.agent_id, b.day) for b in activities}
    if shifts and all((s.agent_id, s.day) in covered for s in shifts):
        log.info("evaluating the existing roster with its own Activities sheet")
        info = SolveInfo(status="EVALUATED", mode="existing")
        return Solution(shifts, tuple(activities), info)
    return place_activities(problem, required, options, progress)


def roster_shifts(problem: Problem) -> tuple[Shift, ...]:
    """The input Roster's shifts, each with its (possibly inferred) shift type."""
    shifts = []
    for entry in problem.existing_roster or ():
        candidate = roster_candidate(problem, entry)
        shifts.append(Shift(entry.agent_id, entry.day, candidate.shift_type.id,
                            entry.start, entry.end))
    return tuple(shifts)


def place_activities(problem: Problem, required: npt.NDArray[np.int64],
                     options: SolveOptions, progress: ProgressFn | None = None) -> Solution:
    """The input Roster with its shifts as given; breaks and queues placed as well as possible.

    Contract rules are not enforced (the evaluator reports them). The placement tries the
    stress rules first, then the baseline rules, then shifts without breaks, and keeps the
    first that gives a roster; all attempts together keep to the time limit.
    """
    limit = options.time_limit(problem)
    deadline = time.monotonic() + limit
    fixed = replace(options, policy=ShiftPolicy("fixed"), lp_bound_share=0.0,
                    deterministic_seconds=deterministic_budget(options, limit))
    without_breaks = problem.replace(shift_types=tuple(
        replace(s, breaks=()) for s in problem.shift_types))
    attempts: tuple[tuple[str, Problem, Mode], ...] = (
        ("with the stress rules", problem, "stress-aware"),
        ("without the stress rules", problem, "baseline"),
        ("without breaks", without_breaks, "baseline"),
    )
    solution = Solution((), ())
    for how, candidate_problem, mode in attempts:
        seconds = max(1.0, deadline - time.monotonic())
        solution = solve(candidate_problem,
                         replace(fixed, mode=mode, time_limit_seconds=seconds), progress,
                         required)
        if solution.info.status in ("OPTIMAL", "FEASIBLE"):
            log.info("placed the existing roster's breaks and queues %s", how)
            return solution.replace(info=replace(solution.info, mode="existing"))
        log.warning("the existing roster's activities cannot be placed %s", how)
    return solution


def compare_rosters(problem: Problem, required: npt.NDArray[np.int64], options: SolveOptions,
                    progress: ProgressFn | None = None) -> list[ScoredRoster]:
    """Stress-aware and baseline rosters (and the existing one), each evaluated.

    Both rosters are solved from scratch (the existing roster is not their warm start), so
    the comparison shows what each set of rules allows. The time limit is shared: each
    solve gets its part of ``options.time_limit_seconds``.
    """
    limit = options.time_limit(problem)
    has_roster = bool(problem.existing_roster)
    share = limit / (3 if has_roster else 2)
    options = replace(options, deterministic_seconds=deterministic_budget(options, limit)
                      * share / limit)
    rosters = []
    modes: tuple[Mode, ...] = ("stress-aware", "baseline")
    from_scratch = problem.replace(existing_roster=None)
    for mode in modes:
        log.info("solving the %s roster (%.0f s)", mode, share)
        solution = solve(from_scratch, replace(options, mode=mode, time_limit_seconds=share),
                         progress, required)
        rosters.append(ScoredRoster(mode, solution, evaluate(problem, solution, required)))
    if has_roster:
        log.info("evaluating the existing roster (%.0f s)", share)
        solution = existing_solution(problem, required,
                                     replace(options, time_limit_seconds=share), progress)
        rosters.append(ScoredRoster("existing", solution, evaluate(problem, solution, required)))
    return rosters


def comparison_table(rosters: list[ScoredRoster]) -> pd.DataFrame:
    """One row per figure, one column per roster, plus the price of care."""
    table = pd.DataFrame(
        {r.name: [r.value(key) for key, _ in COMPARISON_ROWS] for r in rosters},
        index=[label for _, label in COMPARISON_ROWS],
    )
    by_name = {r.name: r for r in rosters}
    if "stress-aware" in by_name and "baseline" in by_name:
        price = price_of_care(by_name["stress-aware"], by_name["baseline"])
        extra = pd.DataFrame(
            {name: ["", "", ""] for name in table.columns},
            index=["price of care: service-level points", "price of care: understaffed hours",
                   "price of care: paid hours"],
        )
        extra[table.columns[0]] = [price["service_level_points"],
                                   price["understaffed_agent_hours"], price["paid_hours"]]
        table = pd.concat([table, extra])
    table.index.name = "figure"
    return table
