"""The generated weeks that ``week_exchange.py`` and ``week_column_bound.py`` measure on:
built, read and solved as ``shiftcare solve`` does, and their understaffing and gap as
the Summary sheet gives them."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from shiftcare.evaluate import evaluate
from shiftcare.pipeline import load, within_time_limit
from shiftcare.problem import Problem
from shiftcare.samples import build_generated
from shiftcare.solution import Solution
from shiftcare.solve import SolveOptions, solve
from shiftcare.summary import understaffed_gap


def load_week(size: str, seed: int) -> tuple[Problem, npt.NDArray[np.int64], float]:
    """The generated ``AGENTSxDAYS`` week of ``seed`` (two queues): its problem, required
    agents and the ``time.monotonic()`` at which reading began (where ``shiftcare
    solve``'s time limit starts)."""
    agents, days = (int(part) for part in size.split("x"))
    with tempfile.TemporaryDirectory() as folder:
        source = build_generated(agents, days, 2, seed,
                                 path=Path(folder) / f"generated-{size}.xlsx")
        started = time.monotonic()
        problem, required = load(source)
    return problem, required, started


def solve_week(problem: Problem, required: npt.NDArray[np.int64], started: float,
               time_limit: float, workers: int, seed: int) -> Solution:
    """The week solved as ``shiftcare solve`` does, within ``time_limit`` seconds of
    ``started``."""
    options = SolveOptions(time_limit_seconds=time_limit, workers=workers, seed=seed)
    return solve(problem, within_time_limit(problem, options, started), None, required)


def understaffed_minutes(problem: Problem, roster: Solution,
                         required: npt.NDArray[np.int64]) -> int:
    """The roster's understaffed agent-minutes, as the evaluator scores them for the
    Summary."""
    return int(evaluate(problem, roster, required).kpis["understaffed_agent_minutes"])


def gap_cell(roster: int, bound: float | None) -> str:
    """The gap of ``roster`` to ``bound`` (agent-minutes) as the Summary gives it, in
    percent; "none" without a bound."""
    gap = understaffed_gap(roster, bound)
    return "none" if gap is None else f"{100 * gap:.2f} %"
