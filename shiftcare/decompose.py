"""Large instances: the greedy roster with an honest gap, without one monolithic model.

Above ``LARGE_AGENT_DAYS`` agent-dates, building and searching the full CP-SAT model does
not pay within minutes on two cores (measured: 200 agents x 7 days, ~160k variables,
CP-SAT improved the greedy roster by 5 % in 60 s; 1,000 x 28 would be ~3M variables).
``solve_large`` returns the constructive roster of ``shiftcare.greedy`` (valid for every
hard and stress rule) with its objective computed from the validator's figures and the
compact LP bound of ``shiftcare.bound`` over the whole horizon, so the Summary's gap is
honest.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from shiftcare.bound import compact_lp_bounds
from shiftcare.evaluate import evaluate
from shiftcare.greedy import greedy_roster
from shiftcare.problem import Mode, Problem
from shiftcare.solution import Solution, SolveInfo

LARGE_AGENT_DAYS = 2_000
"""Agent-dates above which ``solve()`` uses ``solve_large`` (200 x 7 = 1,400 still gets
the full model; 500 x 7 = 3,500 and 1,000 x 28 = 28,000 do not)."""


def is_large(problem: Problem) -> bool:
    """Whether ``problem`` has more agent-dates than ``LARGE_AGENT_DAYS``."""
    return len(problem.agents) * problem.days > LARGE_AGENT_DAYS


def roster_objective(problem: Problem, solution: Solution,
                     required: npt.NDArray[np.int64]) -> float:
    """The model's objective (workbook weight units) of a roster, from the validator.

    Understaffing and overstaffing per agent-interval, paid hours, ``prefer_off`` dates
    worked and the complaint-minute spread in hours, each times its Settings weight.
    """
    settings = problem.settings
    kpis = evaluate(problem, solution, required).kpis
    interval = problem.interval_minutes
    preferred_off = {(a.agent_id, a.day) for a in problem.availability
                     if a.status == "prefer_off"}
    broken = sum(1 for s in solution.shifts if (s.agent_id, s.day) in preferred_off)
    return (settings.weight_understaffing * float(kpis["understaffed_agent_minutes"]) / interval
            + settings.weight_overstaffing * float(kpis["overstaffed_agent_minutes"]) / interval
            + settings.weight_paid_hour * float(kpis["paid_hours"])
            + settings.weight_preference * broken
            + settings.weight_complaint_fairness
            * float(kpis.get("complaint_minutes_spread", 0)) / 60)


def solve_large(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                bound_seconds: float) -> Solution:
    """The greedy roster, its objective and the compact LP lower bound (FEASIBLE)."""
    started = time.monotonic()
    roster = greedy_roster(problem, required, mode)
    objective = roster_objective(problem, roster, required)
    bound = compact_lp_bounds(problem, required, mode, bound_seconds).objective
    info = SolveInfo(status="FEASIBLE", mode=mode, objective=objective,
                     best_bound=None if bound is None else min(bound, objective),
                     solve_seconds=round(time.monotonic() - started, 3))
    return roster.replace(info=info)
