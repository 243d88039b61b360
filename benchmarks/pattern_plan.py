"""What a shift plan from the day-pattern master gains over the compact LP's.

Usage::

    python benchmarks/pattern_plan.py 200x7 --seed 8 2 3 9

The shift plan (``shiftplan.plan_shift_counts``) can take its shift counts from the
compact class LP, which spreads breaks, complaint runs and recoveries over a class in
fractions, or from the day-pattern master (``understaffing.pattern_plan_counts``: the
day-pattern bound's column generation, then a dive over its patterns), which takes each
agent's day whole. Per generated week (``--seed``, the
instance and solver seed as in ``run_scale.py``) this prints one row:

- the start roster (``decompose.best_start``: the plan's roster after the weekly match)
  of the compact plan, and of the day-pattern plan given ``--share`` more of the time
  limit (understaffed agent-minutes);
- the roster of the large path (``decompose.solve_large``, as ``shiftcare solve`` runs
  it on 2 workers within ``--time-limit``) with each plan, one after the other, the
  day-pattern one with ``LargeOptions.pattern_plan_share`` = ``--share`` (taken from
  the rest of the solve; ``solve``'s is ``decompose.PATTERN_PLAN_SHARE``), the compact
  one with none, and the gap of each to its Summary understaffing bound.

Everything is timed on this machine, so rosters move between runs (up to a few hundred
agent-minutes on 200x7 at 60 s on 2 cores); compare several weeks.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import numpy.typing as npt
from generated_week import gap_cell, load_week, understaffed_minutes

from shiftcare.decompose import (
    MATCH_SHARE,
    PATTERN_PLAN_SHARE,
    PLAN_SHARE,
    LargeOptions,
    best_start,
    shift_plan,
    solve_large,
)
from shiftcare.evaluate import validate
from shiftcare.greedy import greedy_roster
from shiftcare.problem import Problem

COLUMNS = ("seed", "compact start", "patterns start", "compact roster", "compact gap",
           "patterns roster", "patterns gap", "violations", "seconds")


def start_minutes(problem: Problem, required: npt.NDArray[np.int64],
                  options: LargeOptions) -> int:
    """Understaffed agent-minutes of the start roster of ``options``' shift plan."""
    plan = shift_plan(problem, required, "stress-aware", options)
    greedy = greedy_roster(problem, required, "stress-aware")
    start = best_start(problem, required, "stress-aware", greedy, plan,
                       MATCH_SHARE * options.time_limit_seconds)
    return understaffed_minutes(problem, start, required)


def solved(problem: Problem, required: npt.NDArray[np.int64],
           options: LargeOptions) -> tuple[int, str, int]:
    """The large path's roster with ``options``: understaffed agent-minutes, the gap to
    its Summary bound, and the rules it breaks (the validator's count)."""
    limit = options.time_limit_seconds
    roster = solve_large(problem, required, "stress-aware",
                         max(1.0, min(60.0, 0.2 * limit)), options)
    minutes = understaffed_minutes(problem, roster, required)
    return (minutes, gap_cell(minutes, roster.info.understaffed_bound),
            len(validate(problem, roster)))


def measure(size: str, seed: int, time_limit: float, workers: int, share: float) -> str:
    """One table row for the generated week ``size`` of ``seed``: both plans' start
    rosters and rosters (see the module's docstring)."""
    began = time.monotonic()
    problem, required, _ = load_week(size, seed)
    compact = LargeOptions(time_limit, workers, seed, plan_share=PLAN_SHARE,
                           pattern_plan_share=0.0)
    patterns = LargeOptions(time_limit, workers, seed, plan_share=PLAN_SHARE,
                            pattern_plan_share=share)
    starts = [start_minutes(problem, required, options) for options in (compact, patterns)]
    rosters = [solved(problem, required, options) for options in (compact, patterns)]
    cells = [str(seed), f"{starts[0]:,}", f"{starts[1]:,}",
             f"{rosters[0][0]:,}", rosters[0][1], f"{rosters[1][0]:,}", rosters[1][1],
             str(rosters[0][2] + rosters[1][2]), f"{time.monotonic() - began:.0f}"]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="AGENTSxDAYS, e.g. 200x7")
    parser.add_argument("--seed", type=int, nargs="+", default=[8])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--share", type=float, default=PATTERN_PLAN_SHARE,
                        help="share of the time limit added for the day patterns")
    arguments = parser.parse_args()
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for seed in arguments.seed:
        print(measure(arguments.size, seed, arguments.time_limit, arguments.workers,
                      arguments.share), flush=True)


if __name__ == "__main__":
    main()
