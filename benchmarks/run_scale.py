"""Scale benchmark: generated weeks of hundreds of agents, solved end to end on this machine.

Usage::

    python benchmarks/run_scale.py                      # 200x7, 500x7, 1000x28
    python benchmarks/run_scale.py 200x7 --time-limit 60 --workers 2
    python benchmarks/run_scale.py 200x7 --seed 0 1 2 3 4 5 6 7 8 9

Each instance is a seeded workbook from ``shiftcare.samples.build_generated`` (bank
call-centre curves, two queues: general and complaints, lunch and two breaks per
full-time shift). It is solved with ``shiftcare solve`` in stress-aware mode, and one
Markdown table row is printed per instance from the output's Summary sheet (the
understaffing bound too: ``solve`` proves it within the time limit). Each seed gives
another instance (and solver seed); with several instances a last line counts those
whose understaffing gap is within ``GAP_GOAL``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

from shiftcare.pipeline import run_solve
from shiftcare.samples import build_generated
from shiftcare.solve import SolveOptions

DEFAULT_SIZES = ("200x7", "500x7", "1000x28")
DEFAULT_LIMITS = {"200x7": 60.0, "500x7": 600.0, "1000x28": 600.0}
COLUMNS = ("agents", "days", "queues", "variables", "constraints", "status",
           "understaffed agent-min", "understaffed lower bound", "understaffed gap",
           "objective", "lower bound", "gap", "service level", "paid hours",
           "stress violations", "hard violations", "seconds")
GAP_GOAL = 1.0
"""The understaffing gap (%) issue #5 asks of 200x7 weeks at 60 s."""


def summary_of(path: Path) -> dict[str, object]:
    """The Summary sheet of an output workbook as a dict."""
    workbook = load_workbook(path, read_only=True)
    rows = workbook["Summary"].iter_rows(min_row=2, values_only=True)
    summary: dict[str, object] = {str(key): value for key, value, *_ in rows}
    workbook.close()
    return summary


def hard_violations_of(path: Path) -> int:
    """Rows of the output's Diagnostics sheet (hard rules the roster breaks), 0 without one."""
    workbook = load_workbook(path, read_only=True)
    names = {name.lower(): name for name in workbook.sheetnames}
    count = 0
    if "diagnostics" in names:
        count = sum(1 for _ in workbook[names["diagnostics"]].iter_rows(min_row=2))
    workbook.close()
    return count


def run_one(size: str, limit: float, workers: int, seed: int, folder: Path) -> list[object]:
    """Generate, solve and summarise one instance; returns its table row."""
    agents, days = (int(part) for part in size.split("x"))
    source = build_generated(agents, days, 2, seed, path=folder / f"generated-{size}.xlsx")
    output = folder / f"generated-{size}.solved.xlsx"
    started = time.monotonic()
    result = run_solve(source, output, SolveOptions(time_limit_seconds=limit, workers=workers,
                                                    seed=seed))
    seconds = time.monotonic() - started
    if result.output_path is None:
        return [agents, days, 2, "", "", result.summary.get("status"), *[""] * 10,
                f"{seconds:.1f}"]
    s = summary_of(output)
    return [agents, days, 2, s.get("model_variables"), s.get("model_constraints"),
            s.get("status"), _round(s.get("understaffed_agent_minutes")),
            _round(s.get("understaffed_lower_bound")), _percent(s.get("understaffed_gap")),
            _round(s.get("objective")), _round(s.get("best_bound")), _percent(s.get("gap")),
            _percent(s.get("service_level")), _round(s.get("paid_hours")),
            s.get("stress_violations"), hard_violations_of(output), f"{seconds:.1f}"]


def _round(value: object) -> str:
    return "" if value is None else f"{float(str(value)):,.0f}"


def _percent(value: object) -> str:
    return "" if value is None else f"{100 * float(str(value)):.2f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=list(DEFAULT_SIZES),
                        help="AGENTSxDAYS, e.g. 200x7")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per instance [default: 60 for 200x7, else 600]")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, nargs="+", default=[0],
                        help="one or more seeds, one instance each [default: 0]")
    args = parser.parse_args()
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            limit = args.time_limit or DEFAULT_LIMITS.get(size, 600.0)
            for seed in args.seed:
                row = labelled(run_one(size, limit, args.workers, seed, Path(folder)), seed)
                rows.append(row)
                print("| " + " | ".join(str(cell) for cell in row) + " |", flush=True)
    if len(rows) > 1:
        within, measured = within_goal(rows)
        print(f"\nunderstaffed gap within {GAP_GOAL:g} %: {within} of {measured} instances")


def labelled(row: list[object], seed: int) -> list[object]:
    """``row`` with its agents cell saying the seed when it is not 0, e.g. "200 (seed 3)"."""
    return row if seed == 0 else [f"{row[0]} (seed {seed})", *row[1:]]


def within_goal(rows: list[list[object]]) -> tuple[int, int]:
    """(rows whose understaffed gap is at most ``GAP_GOAL`` %, rows with a gap)."""
    column = COLUMNS.index("understaffed gap")
    gaps = [float(str(row[column]).removesuffix(" %")) for row in rows if row[column]]
    return sum(gap <= GAP_GOAL for gap in gaps), len(gaps)


if __name__ == "__main__":
    main()
