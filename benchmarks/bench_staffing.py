"""Staffing benchmark: speed on 100,000 intervals, and a comparison with pyworkforce.

Run from the repository root:

    python benchmarks/bench_staffing.py [--intervals 100000] [--repeats 3]

Part 1 times ``shiftcare.staffing.required_agents`` (Erlang C and Erlang A),
``service_level`` and ``staffing_table`` on one seeded forecast of ``--intervals``
15-minute intervals, and checks Erlang C against its 1-second budget.

Part 2 (only where pyworkforce is importable; it is a benchmark-only extra, see
``benchmarks/staffing.md`` for the setup) compares the required agents and the metrics
at equal agents with pyworkforce's ``ErlangC`` and ``ErlangA`` on a grid of loads, and
prints every scenario where the staffing differs, with the reason.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from datetime import date
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shiftcare.problem import Forecast, Problem, Queue, Settings
from shiftcare.staffing import (
    agents_before_shrinkage,
    queue_metrics,
    required_agents,
    service_level,
    staffing_table,
    with_shrinkage,
)

BUDGET_SECONDS = 1.0
INTERVAL_MINUTES = 30  # pyworkforce grid: calls per 30-minute interval
SHRINKAGE = 0.3
MAX_OCCUPANCY = 0.85


# --------------------------------------------------------------------------- part 1: speed


def forecast_problem(intervals: int, patience_seconds: float | None, seed: int = 1) -> Problem:
    """One queue, ``intervals`` 15-minute intervals of seeded load (about 10 % without calls)."""
    rng = np.random.default_rng(seed)
    per_day = 96
    days = math.ceil(intervals / per_day)
    shape = (1, days * per_day)
    calls = np.round(rng.gamma(2.0, 60.0, shape), 1) * (rng.random(shape) > 0.1)
    aht = rng.uniform(150.0, 450.0, shape)
    settings = Settings(interval_minutes=15, max_occupancy=MAX_OCCUPANCY, shrinkage=SHRINKAGE,
                        patience_seconds=patience_seconds)
    forecast = Forecast(calls=calls, aht_seconds=aht, complaint_share=np.zeros(shape),
                        required_override=np.full(shape, np.nan))
    queue = Queue("main", 0.80, 20.0, patience_seconds)
    return Problem(start_date=date(2026, 1, 5), days=days, settings=settings, queues=(queue,),
                   forecast=forecast, agents=(), shift_types=())


def best_time(action: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Fastest wall-clock seconds of ``repeats`` runs, and the last result."""
    best, result = math.inf, None
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def speed(intervals: int, repeats: int) -> bool:
    """Print the timings of part 1; True when Erlang C stays within its budget."""
    print(f"Part 1: {intervals:,} intervals of 15 minutes, 80 % in 20 s, occupancy <= "
          f"{MAX_OCCUPANCY}, shrinkage {SHRINKAGE}; best of {repeats}")
    erlang_c = forecast_problem(intervals, None)
    erlang_a = forecast_problem(intervals, 120.0)
    rows = erlang_c.forecast.calls.size
    busy = int(np.count_nonzero(erlang_c.forecast.calls))
    c_seconds, needed = best_time(lambda: required_agents(erlang_c), repeats)
    a_seconds, needed_a = best_time(lambda: required_agents(erlang_a), repeats)
    sl_seconds, _ = best_time(lambda: service_level(erlang_c, needed), repeats)
    sla_seconds, _ = best_time(lambda: service_level(erlang_a, needed_a), repeats)
    table_seconds, _ = best_time(lambda: staffing_table(erlang_c), 1)
    print(f"  rows {rows:,} ({busy:,} with calls), agents needed up to {int(needed.max())}")
    print(f"  required_agents, Erlang C            {c_seconds:7.3f} s")
    print(f"  required_agents, Erlang A (120 s)    {a_seconds:7.3f} s")
    print(f"  service_level, Erlang C              {sl_seconds:7.3f} s")
    print(f"  service_level, Erlang A              {sla_seconds:7.3f} s")
    print(f"  staffing_table, Erlang C             {table_seconds:7.3f} s")
    within = c_seconds < BUDGET_SECONDS
    print(f"  Erlang C budget {BUDGET_SECONDS:.0f} s: {'PASS' if within else 'FAIL'}")
    return within


# --------------------------------------------------------------------------- part 2: pyworkforce

CALLS = (2, 10, 40, 100, 300, 357, 600)  # per 30 minutes
AHT_MINUTES = (2.0, 3.0, 5.0)
TARGETS = ((0.8, 20.0), (0.9, 15.0), (0.5, 60.0))  # (service level, answer seconds)
PATIENCE_MINUTES = (1.0, 5.0)
ERLANG_A_MAX_LOAD = 60.0  # pyworkforce's Erlang A is pure Python: O(states^2) per N


def ours(load: float, aht_s: float, answer_s: float, target: float,
         patience_s: float | None) -> tuple[int, int, Any]:
    """Our raw agents, agents after shrinkage and metrics at the raw agents."""
    p = math.inf if patience_s is None else patience_s
    raw = int(agents_before_shrinkage(load, aht_s, answer_s, target, p, MAX_OCCUPANCY))
    return raw, int(with_shrinkage(raw, SHRINKAGE)), queue_metrics(load, raw, aht_s,
                                                                  answer_s, p)


def reason_for(load: float, raw: int, their_raw: int, positions: int, their_positions: int,
               erlang_a: bool) -> str:
    """Why pyworkforce staffs differently (see staffing.md); ``load`` is pyworkforce's."""
    if raw == their_raw and positions != their_positions:
        return "shrinkage: ceil without tolerance"
    if their_raw > raw and not erlang_a and raw < round(load + 1):
        return "Erlang C search starts at round(A + 1)"
    if their_raw > raw and erlang_a and raw < math.ceil(load):
        return "Erlang A search starts at ceil(A)"
    if their_raw > raw and raw == math.ceil(load / MAX_OCCUPANCY - 1e-9):
        return "occupancy: ceil(A / cap) without tolerance"
    return "unexplained"


def compare_erlang_c(pyworkforce_c: Any) -> list[str]:
    """Compare with pyworkforce.ErlangC; returns the lines of differing scenarios."""
    lines, worst, ours_s, theirs_s, count = [], dict.fromkeys(("sl", "wait"), 0.0), 0.0, 0.0, 0
    for calls, aht, (target, answer) in product(CALLS, AHT_MINUTES, TARGETS):
        load = calls / INTERVAL_MINUTES * aht
        started = time.perf_counter()
        raw, positions, metrics = ours(load, aht * 60, answer, target, None)
        ours_s += time.perf_counter() - started
        started = time.perf_counter()
        model = pyworkforce_c(transactions=calls, aht=aht, asa=answer / 60,
                              interval=INTERVAL_MINUTES, shrinkage=SHRINKAGE)
        theirs = model.required_positions(service_level=target, max_occupancy=MAX_OCCUPANCY)
        theirs_s += time.perf_counter() - started
        count += 1
        worst["sl"] = max(worst["sl"], abs(model.service_level(raw) -
                                           float(metrics.service_level)))
        worst["wait"] = max(worst["wait"], abs(model.waiting_probability(raw) -
                                               float(metrics.wait_probability)))
        if (raw, positions) != (theirs["raw_positions"], theirs["positions"]):
            reason = reason_for(model.intensity, raw, theirs["raw_positions"], positions,
                                theirs["positions"], False)
            lines.append(
                f"  C  {calls:>4} {aht:>4g} {load:>7.2f} {target:>4g}/{answer:<3g} "
                f"{raw:>4} {theirs['raw_positions']:>4} {positions:>4} {theirs['positions']:>4}"
                f"  {reason}")
    print(f"  Erlang C: {count} scenarios, {len(lines)} staff differently; at equal agents "
          f"max |SL diff| {worst['sl']:.1e}, max |P(wait) diff| {worst['wait']:.1e}; "
          f"time ours {ours_s:.3f} s, pyworkforce {theirs_s:.3f} s")
    return lines


def compare_erlang_a(pyworkforce_a: Any) -> list[str]:
    """Compare with pyworkforce.ErlangA; returns the lines of differing scenarios."""
    names = ("sl", "wait", "abandon", "occupancy", "asa_all")
    lines, worst = [], dict.fromkeys(names, 0.0)
    ours_s, theirs_s, count = 0.0, 0.0, 0
    for calls, aht, (target, answer), patience in product(CALLS, AHT_MINUTES, TARGETS,
                                                          PATIENCE_MINUTES):
        load = calls / INTERVAL_MINUTES * aht
        if load > ERLANG_A_MAX_LOAD:
            continue
        started = time.perf_counter()
        raw, positions, metrics = ours(load, aht * 60, answer, target, patience * 60)
        ours_s += time.perf_counter() - started
        started = time.perf_counter()
        model = pyworkforce_a(transactions=calls, aht=aht, asa=answer / 60,
                              interval=INTERVAL_MINUTES, patience=patience,
                              shrinkage=SHRINKAGE)
        theirs = model.required_positions(service_level=target, max_occupancy=MAX_OCCUPANCY)
        theirs_s += time.perf_counter() - started
        count += 1
        # pyworkforce's ASA is the mean wait of all offered calls (abandoned included) in
        # minutes = P(abandon) * patience (Little's law); ours is answered calls only.
        asa_all = float(metrics.abandonment) * patience
        pairs = {"sl": (model.service_level(raw), metrics.service_level),
                 "wait": (model.waiting_probability(raw), metrics.wait_probability),
                 "abandon": (model.abandonment_probability(raw), metrics.abandonment),
                 "occupancy": (model.achieved_occupancy(raw), metrics.occupancy),
                 "asa_all": (model.average_speed_of_answer(raw), asa_all)}
        for name, (theirs_value, ours_value) in pairs.items():
            worst[name] = max(worst[name], abs(float(theirs_value) - float(ours_value)))
        if (raw, positions) != (theirs["raw_positions"], theirs["positions"]):
            reason = reason_for(model.intensity, raw, theirs["raw_positions"], positions,
                                theirs["positions"], True)
            lines.append(
                f"  A  {calls:>4} {aht:>4g} {load:>7.2f} {target:>4g}/{answer:<3g} "
                f"{raw:>4} {theirs['raw_positions']:>4} {positions:>4} {theirs['positions']:>4}"
                f"  patience {patience:g} min: {reason}")
    print(f"  Erlang A: {count} scenarios (load <= {ERLANG_A_MAX_LOAD:g}), {len(lines)} staff "
          f"differently; at equal agents max |diff| " +
          ", ".join(f"{name} {value:.1e}" for name, value in worst.items()) +
          f"; time ours {ours_s:.3f} s, pyworkforce {theirs_s:.3f} s")
    return lines


def comparison() -> None:
    """Part 2, or a message saying why it is skipped."""
    print(f"\nPart 2: pyworkforce, calls per {INTERVAL_MINUTES} min x AHT x target; occupancy "
          f"<= {MAX_OCCUPANCY}, shrinkage {SHRINKAGE}")
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        print("  skipped: pyworkforce is not installed (pip install 'shiftcare[bench]'; "
              "see benchmarks/staffing.md)")
        return
    try:
        from pyworkforce.queuing import ErlangA
    except ImportError:
        ErlangA = None  # pyworkforce < 0.5.2 has no Erlang A
    lines = compare_erlang_c(ErlangC)
    if ErlangA is None:
        print("  Erlang A skipped: this pyworkforce has no ErlangA (it came in 0.5.2)")
    else:
        lines += compare_erlang_a(ErlangA)
    if lines:
        print("  model calls  AHT    load target   N  pwN  pos pwpos  reason")
        print("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    within = speed(args.intervals, args.repeats)
    comparison()
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
