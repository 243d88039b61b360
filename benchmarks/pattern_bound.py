"""The day-pattern bound on generated weeks alone: what it adds to the class LP, in what time.

Usage::

    python benchmarks/pattern_bound.py 200x7 --seed 0 1 2 3 4 5 6 7 8 9

Per generated week (as ``run_scale.py`` builds it): the compact class LP's understaffing
(``bound.solve_compact_lp``), the Lagrangian bound at its duals
(``understaffing.lagrangian_understaffing``) and the day-pattern bound from those duals
(``understaffing.pattern_understaffing``) given ``--seconds`` on one core, in
agent-intervals and in whole agent-minutes as the Summary sheet gives them, with the
seconds each took. Inside ``shiftcare solve`` the pattern bound gets what is left of the
bound process's 30 % of the time limit (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import time

from generated_week import load_week

from shiftcare.bound import (
    UNDERSTAFFING_WEIGHTS,
    proven_agent_minutes,
    solve_compact_lp,
)
from shiftcare.problem import Mode
from shiftcare.understaffing import lagrangian_understaffing, pattern_understaffing

MODE: Mode = "stress-aware"


def measure(size: str, seed: int, seconds: float) -> str:
    """One table row: the week's LP, Lagrangian and day-pattern bounds and their seconds."""
    problem, required, _ = load_week(size, seed)
    started = time.monotonic()
    solved = solve_compact_lp(problem, required, MODE, UNDERSTAFFING_WEIGHTS, seconds)
    if solved is None:
        return f"| {size} | {seed} | not solved in {seconds:.0f} s | | | | |"
    lp, duals = solved
    lp_seconds = time.monotonic() - started
    lagrangian = lagrangian_understaffing(problem, required, MODE, duals)
    started = time.monotonic()
    patterns = pattern_understaffing(problem, required, MODE, duals, started + seconds,
                                     -float("inf") if lagrangian is None else lagrangian)
    pattern_seconds = time.monotonic() - started

    def cell(value: float | None) -> str:
        if value is None:
            return "none"
        minutes = proven_agent_minutes(problem, value)
        return f"{value:,.2f} ({minutes:,.0f})"

    return (f"| {size} | {seed} | {cell(lp)} | {cell(lagrangian)} | {cell(patterns)} | "
            f"{lp_seconds:.1f} | {pattern_seconds:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", default="200x7", help="AGENTSxDAYS")
    parser.add_argument("--seed", type=int, nargs="+", default=[0])
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="most seconds for the compact LP, and for the pattern rounds")
    args = parser.parse_args()
    print("| instance | seed | class LP | Lagrangian at its duals | day-pattern bound "
          "| LP seconds | pattern seconds |")
    print("|---|---|---|---|---|---|---|")
    for seed in args.seed:
        print(measure(args.size, seed, args.seconds), flush=True)


if __name__ == "__main__":
    main()
