"""What does care cost? Stress-aware vs baseline vs the existing roster, side by side."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from shiftcare.evaluate import evaluate
from shiftcare.model.builder import ShiftPolicy
from shiftcare.problem import Problem
from shiftcare.report import Report
from shiftcare.solution import Solution
from shiftcare.solve import ProgressFn, SolveOptions, solve

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
    for row in report.stress.itertuples(index=False):
        grid.loc[row.agent_id, row.date] = float(row.complaint_minutes)
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


def evaluate_existing(problem: Problem, required: npt.NDArray[np.int64],
                      options: SolveOptions, progress: ProgressFn | None = None) -> Solution:
    """The input Roster with its shifts as given; breaks and queues placed as well as possible.

    Contract rules are not enforced (the evaluator reports them). When the breaks of a
    shift cannot all be placed, the shifts are evaluated without break rules.
    """
    fixed = replace(options, policy=ShiftPolicy("fixed"), lp_bound_share=0.0)
    solution = solve(problem, fixed, progress, required)
    if solution.info.status in ("OPTIMAL", "FEASIBLE"):
        return solution
    log.warning("the input roster's breaks cannot all be placed; evaluating it without breaks")
    without_breaks = problem.replace(shift_types=tuple(
        replace(s, breaks=()) for s in problem.shift_types))
    solution = solve(without_breaks, fixed, progress, required)
    return solution


def compare_rosters(problem: Problem, required: npt.NDArray[np.int64], options: SolveOptions,
                    progress: ProgressFn | None = None) -> list[ScoredRoster]:
    """Stress-aware and baseline rosters (and the existing one), each evaluated.

    The time limit is shared: each solve gets its part of ``options.time_limit_seconds``.
    """
    limit = options.time_limit_seconds or problem.settings.time_limit_seconds
    has_roster = bool(problem.existing_roster)
    share = limit / (3 if has_roster else 2)
    rosters = []
    for mode in ("stress-aware", "baseline"):
        log.info("solving the %s roster (%.0f s)", mode, share)
        solution = solve(problem, replace(options, mode=mode, time_limit_seconds=share),  # type: ignore[arg-type]
                         progress, required)
        rosters.append(ScoredRoster(mode, solution, evaluate(problem, solution, required)))
    if has_roster:
        log.info("evaluating the existing roster (%.0f s)", share)
        solution = evaluate_existing(problem, required,
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
