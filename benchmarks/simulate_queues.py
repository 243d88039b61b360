"""Seeded discrete-event simulation of M/M/N (Erlang C) and M/M/N+M (Erlang A) queues.

Cross-checks ``shiftcare.staffing`` against a model that shares no formula with it.
Run from the repository root (the long run takes about a minute on 2 cores):

    python benchmarks/simulate_queues.py [--customers 5000000] [--seed 7]

Method: customers arrive in a Poisson stream and are served first come, first served
by N agents with exponential handle times; each has an exponential patience (none for
Erlang C). Served in arrival order, a customer's wait is the time until the earliest
agent is free; one whose patience runs out first hangs up and never takes an agent,
so the agents' free times only depend on earlier customers who were served. Metrics
are taken after a warm-up share of customers; their standard errors come from batch
means (20 batches), and a formula passes when it lies within 4 standard errors (or
0.002 absolute) of the simulation.
"""

from __future__ import annotations

import argparse
import heapq
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BATCHES = 20
Z_TOLERANCE = 4.0
ABSOLUTE_TOLERANCE = 0.002


@dataclass(frozen=True)
class SimulatedMetrics:
    """Means and batch-means standard errors of the simulated metrics (units as staffing)."""

    service_level: float
    wait_probability: float
    abandonment: float
    asa_seconds: float
    occupancy: float
    service_level_se: float
    wait_probability_se: float
    abandonment_se: float
    asa_seconds_se: float
    occupancy_se: float


def simulate(load: float, agents: int, aht: float, answer: float, patience: float | None,
             customers: int, seed: int, warmup: float = 0.05) -> SimulatedMetrics:
    """Simulate ``customers`` arrivals at ``load`` Erlangs (times in seconds)."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(aht / load, customers))
    handle = rng.exponential(aht, customers)
    if patience is None:
        patience_times = np.full(customers, np.inf)
    else:
        patience_times = rng.exponential(patience, customers)
    waits, served = _serve(arrivals, handle, patience_times, agents)
    first = int(customers * warmup)
    sl = (served & (waits <= answer))[first:].astype(np.float64)
    delayed = (waits > 0)[first:].astype(np.float64)
    gone = (~served)[first:].astype(np.float64)
    answered_wait = np.where(served, waits, np.nan)[first:]
    busy = np.where(served, handle, 0.0)[first:]
    span = np.diff(arrivals[first:], prepend=arrivals[first - 1] if first else 0.0)

    def batch(values: np.ndarray) -> tuple[float, float]:
        chunks = np.array_split(values, BATCHES)
        means = np.array([np.nanmean(c) for c in chunks])
        return float(np.nanmean(values)), float(np.std(means, ddof=1) / math.sqrt(BATCHES))

    occupancy_chunks = [b.sum() / (agents * s.sum())
                        for b, s in zip(np.array_split(busy, BATCHES),
                                        np.array_split(span, BATCHES), strict=True)]
    level, level_se = batch(sl)
    wait, wait_se = batch(delayed)
    abandon, abandon_se = batch(gone)
    asa, asa_se = batch(answered_wait)
    return SimulatedMetrics(
        service_level=level, wait_probability=wait, abandonment=abandon, asa_seconds=asa,
        occupancy=float(busy.sum() / (agents * span.sum())),
        service_level_se=level_se, wait_probability_se=wait_se, abandonment_se=abandon_se,
        asa_seconds_se=asa_se,
        occupancy_se=float(np.std(occupancy_chunks, ddof=1) / math.sqrt(BATCHES)),
    )


def _serve(arrivals: np.ndarray, handle: np.ndarray, patience: np.ndarray,
           agents: int) -> tuple[np.ndarray, np.ndarray]:
    """Offered wait of each customer (seconds) and whether it was served (FCFS)."""
    free_at = [0.0] * agents  # a heap of the times the agents become free
    waits = np.empty(len(arrivals))
    served = np.empty(len(arrivals), dtype=bool)
    arrival_list = arrivals.tolist()
    handle_list = handle.tolist()
    patience_list = patience.tolist()
    for i, arrival in enumerate(arrival_list):
        wait = free_at[0] - arrival
        if wait <= 0.0:
            waits[i] = 0.0
            served[i] = True
            heapq.heapreplace(free_at, arrival + handle_list[i])
        elif wait <= patience_list[i]:
            waits[i] = wait
            served[i] = True
            heapq.heapreplace(free_at, free_at[0] + handle_list[i])
        else:
            waits[i] = wait
            served[i] = False
    return waits, served


def within_tolerance(formula: float, simulated: float, standard_error: float) -> bool:
    """Whether a formula value agrees with the simulation (4 standard errors or 0.002)."""
    return abs(formula - simulated) <= max(Z_TOLERANCE * standard_error, ABSOLUTE_TOLERANCE)


# (load in Erlangs, agents, AHT s, answer s, patience s or None)
CASES: tuple[tuple[float, int, float, float, float | None], ...] = (
    (10.0, 14, 180.0, 20.0, None),
    (10.0, 11, 180.0, 20.0, None),
    (0.4, 1, 300.0, 30.0, None),
    (45.0, 50, 240.0, 15.0, None),
    (10.0, 13, 180.0, 20.0, 300.0),
    (10.0, 9, 180.0, 20.0, 120.0),
    (0.4, 1, 300.0, 30.0, 60.0),
    (45.0, 44, 240.0, 15.0, 600.0),
    (120.0, 125, 300.0, 20.0, 900.0),
)


def main() -> int:
    """Run the long simulation over CASES and print formula against simulation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from shiftcare.staffing import queue_metrics

    header = (f"{'load':>6} {'N':>4} {'AHT':>5} {'T':>4} {'patience':>8} | "
              f"{'metric':<16} {'formula':>10} {'simulated':>10} {'+-se':>8} ok")
    print(header)
    print("-" * len(header))
    failures = 0
    started = time.perf_counter()
    for case_index, (load, agents, aht, answer, patience) in enumerate(CASES):
        exact = queue_metrics(load, agents, aht, answer,
                              np.inf if patience is None else patience)
        sim = simulate(load, agents, aht, answer, patience, args.customers,
                       args.seed + case_index)
        for name in ("service_level", "wait_probability", "abandonment", "asa_seconds",
                     "occupancy"):
            formula = float(getattr(exact, name))
            simulated = getattr(sim, name)
            error = getattr(sim, f"{name}_se")
            if name == "asa_seconds":
                ok = abs(formula - simulated) <= max(Z_TOLERANCE * error, 0.01 * formula, 0.05)
            else:
                ok = within_tolerance(formula, simulated, error)
            failures += not ok
            label = "-" if patience is None else f"{patience:g}"
            print(f"{load:>6g} {agents:>4} {aht:>5g} {answer:>4g} {label:>8} | {name:<16} "
                  f"{formula:>10.5f} {simulated:>10.5f} {error:>8.5f} {'yes' if ok else 'NO'}")
    print(f"{failures} disagreements; {len(CASES)} cases x {args.customers} customers "
          f"in {time.perf_counter() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
