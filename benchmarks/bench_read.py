"""Time ``read_workbook`` (parsing and validation) on a generated large workbook.

Usage: ``python benchmarks/bench_read.py [--agents 1000] [--days 28] [--queues 2] [--repeat 3]``.
Builds the workbook with ``shiftcare.samples.build_generated`` in a temporary folder, then
reads it ``--repeat`` times and prints each time in seconds and the best. ``--all-intervals``
writes a Forecast row for every interval of every day (closed ones with 0 calls) instead of
only the opening hours: the largest Forecast a 15-minute workbook can have.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from shiftcare import samples
from shiftcare.io.excel_read import read_workbook


def build(agents: int, days: int, queues: int, path: Path, all_intervals: bool) -> Path:
    """The generated workbook, optionally with a Forecast row for every interval."""
    if not all_intervals:
        return samples.build_generated(agents, days, queues, path=path)
    spec = samples.generated_spec(agents, days, queues)
    sheets = list(samples.instance_sheets(spec))
    forecast = next(i for i, s in enumerate(sheets) if s.name == "Forecast")
    header = sheets[forecast].header
    rows = tuple(
        (spec.start_date + timedelta(days=d), samples.hhmm(i * 15), q.id,
         round(float(spec.calls[k, d, i]), 1), round(float(spec.aht_seconds[k, d, i])),
         round(float(spec.complaint_share[k, d, i]), 2))
        for d in range(days) for i in range(samples.INTERVALS_PER_DAY)
        for k, q in enumerate(spec.queues)
    )
    sheets[forecast] = samples.Sheet("Forecast", header, rows)
    return samples.write_sheets(sheets, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--queues", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--all-intervals", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.xlsx"
        started = time.perf_counter()
        build(args.agents, args.days, args.queues, path, args.all_intervals)
        print(f"built {path.name}: {args.agents} agents x {args.days} days, {args.queues} "
              f"queues, {path.stat().st_size / 1e6:.2f} MB in "
              f"{time.perf_counter() - started:.1f} s")
        seconds = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            problem = read_workbook(path)
            seconds.append(time.perf_counter() - started)
        print(f"read {len(problem.agents)} agents, {int((problem.forecast.aht_seconds > 0).sum())} "
              f"forecast rows, {problem.days} days, "
              f"{problem.forecast.calls.shape[1]} intervals x {len(problem.queues)} queues, "
              f"{len(problem.availability)} availability rows")
        print("read_workbook seconds: " + ", ".join(f"{s:.2f}" for s in seconds)
              + f" (best {min(seconds):.2f})")


if __name__ == "__main__":
    main()
