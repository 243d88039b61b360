"""Benchmark: the same requirement curve given to pyworkforce and to shiftcare.

GitHub issue #5. pyworkforce plans *head counts*: how many anonymous agents start each
shift on each day (``MinAbsDifference`` or ``MinRequiredResources``), then where each
anonymous slot takes its breaks (``BreakScheduler``). This script feeds it the
requirement curve and the shift types of a shiftcare workbook and measures its plan
the way shiftcare measures a roster: under- and over-staffed agent-minutes with and
without breaks, paid hours, shifts, runtime, whether every break could be placed
without cutting coverage, and whether the plan fits the team's contracts. Solved
shiftcare workbooks (``shiftcare solve ... -o``) given with ``--shiftcare`` are read
into the same table.

pyworkforce 0.5.4 (``BreakScheduler`` arrived in 0.5.3) declares Python >= 3.12 but
runs on 3.11; install it in a throwaway virtual environment, never the project's, as in
``benchmarks/staffing.md``, and run from the repository root (shiftcare is imported
from the checkout):

    python -m venv .venv-bench
    .venv-bench/bin/pip install numpy pandas ortools joblib openpyxl click
    .venv-bench/bin/pip download --no-deps --ignore-requires-python pyworkforce==0.5.4 -d wheels
    .venv-bench/bin/pip install --no-deps --ignore-requires-python wheels/pyworkforce-0.5.4-*.whl
    shiftcare solve instances/medium.xlsx --mode stress-aware -o stress.xlsx
    shiftcare solve instances/medium.xlsx --mode baseline -o baseline.xlsx
    .venv-bench/bin/python benchmarks/pyworkforce_compare.py instances/medium.xlsx \\
        --shiftcare stress-aware=stress.xlsx --shiftcare baseline=baseline.xlsx

Modelling choices (each is what pyworkforce can express; see benchmarks/pyworkforce.md):

- one pyworkforce shift per shift type and allowed start time (``FT_early@08:00``);
  its coverage array covers the whole shift, breaks included, on a one-day grid, so a
  shift that ends after midnight cannot be expressed and is left out (counted);
- pyworkforce has no weekdays per shift, so each day is solved on its own with the
  shift types allowed that weekday (the objective is a sum over days, so this loses
  nothing);
- ``max_period_concurrency`` and ``max_shift_concurrency`` are the number of agents
  in the workbook: pyworkforce never learns who they are, their skills or contracts;
- ``MinRequiredResources`` costs each shift its paid minutes, so it minimises paid
  hours subject to no on-shift under-staffing;
- ``BreakScheduler`` takes one list of breaks for every shift it is given, so it is
  called once per day and per group of shift types with the same break rules.
  Groups run in turn; a group must keep ``required - agents of the other groups``
  on the phone (placed groups with their breaks, later groups counted whole); every
  order of the groups is tried and the one keeping most shifts at the requirement
  wins (the break runtime counts all orders). When
  that is impossible (pyworkforce raises ``ValueError`` when the requirement exceeds
  the agents on shift, or the model is infeasible) the group retries keeping only
  ``min(that, agents on shift)``, then with no coverage floor (breaks are a legal
  duty, they happen anyway). The coverage after breaks is measured, not assumed.
- ``--curve pooled`` (default) sums the queues: as if every agent took every queue.
  ``--curve per-queue`` plans each queue with its own curve: dedicated teams, which
  makes the per-queue figures and complaint stretches measurable.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise, permutations
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shiftcare.io.excel_read import read_workbook
from shiftcare.problem import MINUTES_PER_DAY, BreakRule, Problem, ShiftType
from shiftcare.staffing import required_agents, service_level

IntArray = npt.NDArray[np.int64]

METHODS = ("MinAbsDifference", "MinRequiredResources")
#: Break-placement attempts, strictest first (see the module docstring).
BREAK_LEVELS = ("required", "clamped", "none")


@dataclass(frozen=True)
class ShiftPattern:
    """One pyworkforce shift: a shift type started at one time of day (minutes)."""

    shift_type: ShiftType
    start_minute: int

    @property
    def name(self) -> str:
        return f"{self.shift_type.id}@{self.start_minute // 60:02d}:{self.start_minute % 60:02d}"

    def coverage(self, interval_minutes: int) -> list[int]:
        """pyworkforce coverage array over one day: 1 where the shift is on, breaks included."""
        first = self.start_minute // interval_minutes
        length = self.shift_type.length_minutes // interval_minutes
        periods = MINUTES_PER_DAY // interval_minutes
        return [1 if first <= p < first + length else 0 for p in range(periods)]


@dataclass
class BreakOutcome:
    """What happened to the breaks of one day and one group of shift types."""

    day: int
    group: str
    slots: int
    level: str  # one of BREAK_LEVELS, or "none-failed" when even that failed
    first_error: str = ""


@dataclass
class Plan:
    """A pyworkforce plan for one curve: slots per (day, pattern) and their breaks.

    ``on_phone`` and ``on_shift`` are (days, periods) agent counts; ``slot_phone``
    holds one (periods,) on-phone vector per slot with its day.
    """

    counts: dict[tuple[int, str], int] = field(default_factory=dict)
    on_shift: IntArray | None = None
    on_phone: IntArray | None = None
    slot_phone: list[tuple[int, npt.NDArray[np.bool_]]] = field(default_factory=list)
    break_outcomes: list[BreakOutcome] = field(default_factory=list)
    gap_violations: int = 0
    shift_seconds: float = 0.0
    break_seconds: float = 0.0
    statuses: list[str] = field(default_factory=list)


def shift_patterns(problem: Problem) -> tuple[list[ShiftPattern], list[str]]:
    """Every shift type at every allowed start; also the names left out (past midnight)."""
    patterns: list[ShiftPattern] = []
    left_out: list[str] = []
    for shift_type in problem.shift_types:
        for start in shift_type.start_times_of_day():
            pattern = ShiftPattern(shift_type, start)
            if start + shift_type.length_minutes > MINUTES_PER_DAY:
                left_out.append(pattern.name)
            else:
                patterns.append(pattern)
    return patterns, left_out


def patterns_of_day(problem: Problem, patterns: Sequence[ShiftPattern],
                    day: int) -> list[ShiftPattern]:
    """The patterns whose shift type may be worked on that day's weekday."""
    weekday = problem.date_of(day).weekday()
    return [p for p in patterns if weekday in p.shift_type.weekdays]


def pyworkforce_break(rule: BreakRule, shift_type: ShiftType, interval: int) -> dict[str, Any]:
    """A shiftcare break rule as a pyworkforce break dict (periods from shift start/end)."""
    return {
        "name": rule.name,
        "duration_periods": rule.duration_minutes // interval,
        "min_start_after": rule.earliest_start_after_minutes // interval,
        "max_end_before": (shift_type.length_minutes - rule.latest_start_after_minutes
                           - rule.duration_minutes) // interval,
    }


def break_groups(patterns: Iterable[ShiftPattern]) -> dict[tuple[Any, ...], list[ShiftPattern]]:
    """Patterns grouped by identical break rules (one BreakScheduler call per group)."""
    groups: dict[tuple[Any, ...], list[ShiftPattern]] = {}
    for pattern in patterns:
        rules = tuple((b.name, b.duration_minutes, b.earliest_start_after_minutes,
                       b.latest_start_after_minutes) for b in pattern.shift_type.breaks)
        key = (pattern.shift_type.length_minutes, *rules)
        groups.setdefault(key, []).append(pattern)
    return groups


def solve_shifts(problem: Problem, curve: IntArray, method: str, time_limit: float,
                 patterns: Sequence[ShiftPattern]) -> Plan:
    """Head counts per day and pattern from pyworkforce, one day at a time.

    ``curve`` is (days, periods) required agents.
    """
    from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources

    interval = problem.interval_minutes
    periods = problem.intervals_per_day
    agents = len(problem.agents)
    plan = Plan()
    for day in range(problem.days):
        todays = patterns_of_day(problem, patterns, day)
        if not todays or curve[day].sum() == 0:
            continue
        coverage = {p.name: p.coverage(interval) for p in todays}
        common = {
            "num_days": 1, "periods": periods, "shifts_coverage": coverage,
            "required_resources": [curve[day].tolist()],
            "max_period_concurrency": agents, "max_shift_concurrency": agents,
            "max_search_time": time_limit,
        }
        scheduler: Any
        if method == "MinAbsDifference":
            scheduler = MinAbsDifference(**common)
        else:
            costs = {p.name: p.shift_type.paid_minutes for p in todays}
            scheduler = MinRequiredResources(cost_dict=costs, **common)
        started = time.perf_counter()
        solution = scheduler.solve()
        plan.shift_seconds += time.perf_counter() - started
        plan.statuses.append(solution["status"])
        for row in solution["resources_shifts"]:
            if row["resources"] > 0:
                plan.counts[(day, row["shift"])] = int(row["resources"])
    return plan


def place_breaks(problem: Problem, curve: IntArray, plan: Plan,
                 patterns: Sequence[ShiftPattern], time_limit: float) -> None:
    """Run BreakScheduler per day and break group; fill the plan's coverage and slots."""
    interval = problem.interval_minutes
    periods = problem.intervals_per_day
    by_name = {p.name: p for p in patterns}
    plan.on_shift = np.zeros((problem.days, periods), dtype=np.int64)
    plan.on_phone = np.zeros((problem.days, periods), dtype=np.int64)
    for (day, name), count in plan.counts.items():
        plan.on_shift[day] += count * np.asarray(by_name[name].coverage(interval), dtype=np.int64)
    for day in range(problem.days):
        todays = [by_name[n] for (d, n) in plan.counts if d == day]
        best: tuple[tuple[int, int], Plan, IntArray] | None = None
        for order in permutations(break_groups(todays).values()):
            trial = Plan(counts=plan.counts)
            phone = _place_day_breaks(problem, trial, day, list(order), curve[day], time_limit)
            plan.break_seconds += trial.break_seconds
            score = tuple(sum(o.slots for o in trial.break_outcomes if o.level == level)
                          for level in BREAK_LEVELS[:2])
            if best is None or score > best[0]:
                best = ((score[0], score[1]), trial, phone)
        if best is not None:
            _, trial, plan.on_phone[day] = best
            plan.break_outcomes += trial.break_outcomes
            plan.slot_phone += trial.slot_phone
            plan.gap_violations += trial.gap_violations


def _place_day_breaks(problem: Problem, plan: Plan, day: int, groups: list[list[ShiftPattern]],
                      required: IntArray, time_limit: float) -> IntArray:
    """Breaks of one day, group after group in this order; returns agents on the phone.

    A group must keep ``required`` less the agents of the other groups on the phone:
    groups already placed with their breaks, later groups counted whole.
    """
    interval = problem.interval_minutes
    periods = problem.intervals_per_day
    placed = np.zeros(periods, dtype=np.int64)
    for index, group in enumerate(groups):
        later = sum(
            (plan.counts[(day, p.name)] * np.asarray(p.coverage(interval), dtype=np.int64)
             for g in groups[index + 1:] for p in g),
            start=np.zeros(periods, dtype=np.int64),
        )
        floor = np.maximum(required - placed - later, 0)
        placed += _place_group_breaks(problem, plan, day, group, floor, time_limit)
    return placed


def _place_group_breaks(problem: Problem, plan: Plan, day: int, group: list[ShiftPattern],
                        floor: IntArray, time_limit: float) -> IntArray:
    """Breaks of one group on one day, strictest floor first; returns its on-phone counts."""
    from pyworkforce.breaks import BreakScheduler

    interval = problem.interval_minutes
    periods = problem.intervals_per_day
    coverage = {p.name: p.coverage(interval) for p in group}
    slots = {p.name: [plan.counts[(day, p.name)]] for p in group}
    on_shift = sum((plan.counts[(day, p.name)] * np.asarray(coverage[p.name], dtype=np.int64)
                    for p in group), start=np.zeros(periods, dtype=np.int64))
    shift_type = group[0].shift_type
    breaks = [pyworkforce_break(b, shift_type, interval) for b in shift_type.breaks]
    outcome = BreakOutcome(day, "+".join(sorted({p.shift_type.id for p in group})),
                           sum(s[0] for s in slots.values()), "none-failed")
    floors = {"required": floor, "clamped": np.minimum(floor, on_shift),
              "none": np.zeros(periods, dtype=np.int64)}
    schedule: list[dict[str, Any]] = []
    for level in BREAK_LEVELS if breaks else ():
        scheduler = BreakScheduler(
            num_days=1, periods=periods, shifts_coverage=coverage,
            scheduled_resources=slots, breaks=breaks,
            min_coverage=[floors[level].tolist()], max_search_time=time_limit,
        )
        started = time.perf_counter()
        try:
            result = scheduler.solve()
            error = "" if result["status"] in ("OPTIMAL", "FEASIBLE") else result["status"]
        except ValueError as exc:
            error = f"ValueError: {exc}"
        plan.break_seconds += time.perf_counter() - started
        if not error:
            outcome.level = level
            schedule = result["break_schedule"]
            break
        outcome.first_error = outcome.first_error or error.split(" at day")[0]
    if not breaks:
        outcome.level = "required"
    plan.break_outcomes.append(outcome)
    gap = -(-problem.settings.min_minutes_between_breaks // interval)
    return _slot_phones(plan, day, group, coverage, schedule, gap)


def _slot_phones(plan: Plan, day: int, group: list[ShiftPattern],
                 coverage: dict[str, list[int]], schedule: list[dict[str, Any]],
                 gap: int) -> IntArray:
    """Per-slot on-phone vectors from a break schedule; counts gap-rule breaches."""
    by_slot: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for row in schedule:
        by_slot.setdefault((row["shift"], row["slot"]), []).append(
            (row["start_period"], row["end_period"]))
    total = np.zeros(len(next(iter(coverage.values()))), dtype=np.int64)
    for pattern in group:
        for slot in range(plan.counts[(day, pattern.name)]):
            phone = np.asarray(coverage[pattern.name], dtype=bool)
            windows = sorted(by_slot.get((pattern.name, slot), []))
            for start, end in windows:
                phone[start:end] = False
            plan.gap_violations += _gap_breaches(windows, gap)
            plan.slot_phone.append((day, phone))
            total += phone
    return total


def _gap_breaches(windows: Sequence[tuple[int, int]], gap: int) -> int:
    """Consecutive breaks of one slot closer than ``gap`` periods (end to next start)."""
    return sum(1 for a, b in pairwise(windows) if b[0] - a[1] < gap)


def longest_run(mask: npt.NDArray[np.bool_]) -> int:
    """Length of the longest run of True values."""
    best = run = 0
    for value in mask:
        run = run + 1 if value else 0
        best = max(best, run)
    return best


@dataclass
class Row:
    """One column of the comparison table (label -> figure)."""

    label: str
    figures: dict[str, str]


def staffing_minutes(required: IntArray, scheduled: IntArray, interval: int) -> tuple[int, int]:
    """(understaffed, overstaffed) agent-minutes of two equally shaped count arrays."""
    gap = scheduled.astype(np.int64) - required.astype(np.int64)
    return int(np.maximum(-gap, 0).sum()) * interval, int(np.maximum(gap, 0).sum()) * interval


def evaluate_plans(problem: Problem, required: IntArray, curve_mode: str,
                   plans: list[tuple[int | None, Plan]], patterns: Sequence[ShiftPattern],
                   method: str) -> dict[str, str]:
    """Figures of one method's plans (one per curve) in the table's vocabulary."""
    interval = problem.interval_minutes
    days, periods = problem.days, problem.intervals_per_day
    pooled_required = required.sum(axis=0).reshape(days, periods)
    on_shift = sum((p.on_shift for _, p in plans if p.on_shift is not None),
                   start=np.zeros((days, periods), dtype=np.int64))
    on_phone = sum((p.on_phone for _, p in plans if p.on_phone is not None),
                   start=np.zeros((days, periods), dtype=np.int64))
    by_name = {p.name: p for p in patterns}
    counts: dict[tuple[int, str], int] = {}
    for _, plan in plans:
        for day_pattern, count in plan.counts.items():
            counts[day_pattern] = counts.get(day_pattern, 0) + count
    shifts = sum(counts.values())
    paid_minutes = sum(c * by_name[n].shift_type.paid_minutes for (_, n), c in counts.items())
    per_day = [sum(c for (d, _), c in counts.items() if d == day) for day in range(days)]
    outcomes = [o for _, p in plans for o in p.break_outcomes]
    slots = sum(o.slots for o in outcomes)
    safe = sum(o.slots for o in outcomes if o.level == "required")
    under_shift, over_shift = staffing_minutes(pooled_required, on_shift, interval)
    under_phone, over_phone = staffing_minutes(pooled_required, on_phone, interval)
    figures = {
        "status": ", ".join(sorted({s for _, p in plans for s in p.statuses})),
        "runtime_s": f"{sum(p.shift_seconds for _, p in plans):.2f} + "
                     f"{sum(p.break_seconds for _, p in plans):.2f} (breaks)",
        "under_pooled_shift": f"{under_shift:,}",
        "over_pooled_shift": f"{over_shift:,}",
        "under_pooled_phone": f"{under_phone:,}",
        "over_pooled_phone": f"{over_phone:,}",
        "paid_hours": f"{paid_minutes / 60:,.1f}",
        "shifts": f"{shifts} ({_shifts_by_type(counts, by_name)})",
        "peak_day_shifts": f"{max(per_day)}",
        "breaks": _breaks_summary(outcomes, slots, safe),
        "gap_violations": f"{sum(p.gap_violations for _, p in plans)}",
        "fits_contracts": _contract_check(problem, counts, by_name, per_day),
    }
    if curve_mode == "per-queue":
        phone_by_queue = np.zeros_like(required)
        for queue, plan in plans:
            assert queue is not None and plan.on_phone is not None
            phone_by_queue[queue] = plan.on_phone.reshape(-1)
        under_q, over_q = staffing_minutes(required, phone_by_queue, interval)
        figures["under_queue_phone"] = f"{under_q:,}"
        figures["over_queue_phone"] = f"{over_q:,}"
        figures["service_level"] = f"{_calls_weighted_sl(problem, phone_by_queue):.4f}"
        figures["max_complaint_stretch"] = _complaint_stretch(problem, plans)
    else:
        for key in ("under_queue_phone", "over_queue_phone", "service_level",
                    "max_complaint_stretch"):
            figures[key] = "n/a (no queues)"
    figures["method"] = method
    return figures


def _shifts_by_type(counts: dict[tuple[int, str], int], by_name: dict[str, ShiftPattern]) -> str:
    totals: dict[str, int] = {}
    for (_, name), count in counts.items():
        type_id = by_name[name].shift_type.id
        totals[type_id] = totals.get(type_id, 0) + count
    return ", ".join(f"{k} {v}" for k, v in sorted(totals.items()))


def _breaks_summary(outcomes: list[BreakOutcome], slots: int, safe: int) -> str:
    """'x of y shifts with coverage-safe breaks; ...' with the fallbacks that were needed."""
    levels = {level: sum(o.slots for o in outcomes if o.level == level)
              for level in (*BREAK_LEVELS, "none-failed")}
    errors = sorted({o.first_error.split(":")[0] for o in outcomes if o.first_error})
    text = f"{safe} of {slots} shifts without cutting the requirement"
    if levels["clamped"]:
        text += f"; {levels['clamped']} keeping only the agents on shift"
    if levels["none"]:
        text += f"; {levels['none']} only with no coverage floor"
    if levels["none-failed"]:
        text += f"; {levels['none-failed']} not at all"
    if errors:
        text += f" (pyworkforce: {', '.join(errors)})"
    return text


def _contract_check(problem: Problem, counts: dict[tuple[int, str], int],
                    by_name: dict[str, ShiftPattern], per_day: list[int]) -> str:
    """Shifts per shift-type group against the agents who may work them, per day and week."""
    notes: list[str] = []
    agents = problem.agents
    if max(per_day) > len(agents):
        notes.append(f"a day needs {max(per_day)} agents of {len(agents)}")
    type_sets = sorted({frozenset(a.shift_types) for a in agents}, key=sorted)
    for types in type_sets:
        eligible = [a for a in agents if frozenset(a.shift_types) == types]
        week = sum(c for (_, n), c in counts.items() if by_name[n].shift_type.id in types)
        capacity = sum(a.max_days for a in eligible)
        worst_day = max(sum(c for (d, n), c in counts.items()
                            if d == day and by_name[n].shift_type.id in types)
                        for day in range(problem.days))
        label = "/".join(sorted(types))
        if week > capacity or worst_day > len(eligible):
            notes.append(f"{label}: {week} shifts for {len(eligible)} agents "
                         f"(max {capacity}/week, {len(eligible)}/day; busiest day {worst_day})")
    minutes = sum(c * by_name[n].shift_type.paid_minutes for (_, n), c in counts.items())
    max_hours = sum(a.max_hours for a in agents)
    min_hours = sum(a.min_hours for a in agents)
    if not min_hours <= minutes / 60 <= max_hours:
        notes.append(f"paid hours outside the team's {min_hours:.0f}..{max_hours:.0f}")
    return "yes" if not notes else "no: " + "; ".join(notes)


def _calls_weighted_sl(problem: Problem, phone_by_queue: IntArray) -> float:
    """Calls-weighted predicted service level with these agents on the phone."""
    levels = service_level(problem, phone_by_queue.astype(np.int64))
    calls = problem.forecast.calls
    return float((levels * calls).sum() / max(calls.sum(), 1e-12))


def _complaint_stretch(problem: Problem, plans: list[tuple[int | None, Plan]]) -> str:
    """Longest complaint-heavy phone stretch of any slot, and slots over the stretch cap."""
    heavy = problem.complaint_heavy()
    periods = problem.intervals_per_day
    interval = problem.interval_minutes
    cap = problem.settings.max_complaint_stretch_minutes
    longest = over = 0
    for queue, plan in plans:
        assert queue is not None
        for day, phone in plan.slot_phone:
            mask = phone & heavy[queue, day * periods:(day + 1) * periods]
            run = longest_run(mask) * interval
            longest = max(longest, run)
            over += run > cap
    return f"{longest} min ({over} shifts over {cap})"


def run_pyworkforce(problem: Problem, method: str, curve_mode: str,
                    time_limit: float) -> tuple[dict[str, str], list[str]]:
    """Plan with one pyworkforce method on the pooled or per-queue curves; its figures."""
    required = required_agents(problem)
    days, periods = problem.days, problem.intervals_per_day
    patterns, left_out = shift_patterns(problem)
    curves: list[tuple[int | None, IntArray]]
    if curve_mode == "pooled":
        curves = [(None, required.sum(axis=0).reshape(days, periods))]
    else:
        curves = [(q, required[q].reshape(days, periods)) for q in range(len(problem.queues))]
    plans: list[tuple[int | None, Plan]] = []
    for queue, curve in curves:
        plan = solve_shifts(problem, curve, method, time_limit, patterns)
        place_breaks(problem, curve, plan, patterns, time_limit)
        plans.append((queue, plan))
    return evaluate_plans(problem, required, curve_mode, plans, patterns, method), left_out


def shiftcare_figures(problem: Problem, path: Path) -> dict[str, str]:
    """The same figures read from a solved shiftcare workbook (Summary and Coverage)."""
    import pandas as pd

    summary = pd.read_excel(path, sheet_name="Summary", dtype=object)
    values = {str(k).strip(): v for k, v in zip(summary.iloc[:, 0], summary.iloc[:, 1],
                                                 strict=True)}
    coverage = pd.read_excel(path, sheet_name="Coverage")
    coverage["slot"] = coverage["date"].astype(str) + " " + coverage["interval_start"].astype(str)
    pooled = coverage.groupby("slot", sort=False)[["required", "scheduled"]].sum()
    interval = problem.interval_minutes
    under_p, over_p = staffing_minutes(pooled["required"].to_numpy(),
                                       pooled["scheduled"].to_numpy(), interval)
    shifts = int(float(values["shifts"]))
    pooled_required = required_agents(problem).sum(axis=0)
    under_s, over_s = staffing_minutes(pooled_required, on_shift_counts(problem, path), interval)
    return {
        "method": f"shiftcare {values['mode']}",
        "status": str(values["status"]),
        "runtime_s": f"{float(values['solve_seconds']):.1f} (limit)",
        "under_pooled_shift": f"{under_s:,}",
        "over_pooled_shift": f"{over_s:,}",
        "under_pooled_phone": f"{under_p:,}",
        "over_pooled_phone": f"{over_p:,}",
        "under_queue_phone": f"{int(float(values['understaffed_agent_minutes'])):,}",
        "over_queue_phone": f"{int(float(values['overstaffed_agent_minutes'])):,}",
        "paid_hours": f"{float(values['paid_hours']):,.1f}",
        "shifts": str(shifts),
        "peak_day_shifts": "",
        "breaks": f"{shifts}/{shifts} (hard rule)",
        "gap_violations": "0 (hard rule)",
        "fits_contracts": "yes (hard rules)",
        "service_level": f"{float(values['service_level']):.4f}",
        "max_complaint_stretch": f"{int(float(values['max_complaint_stretch_minutes']))} min "
                                 f"({int(float(values['stress_violations']))} stress violations)",
    }


def on_shift_counts(problem: Problem, path: Path) -> IntArray:
    """Agents on shift (any activity, breaks included) per interval, from Activities."""
    import pandas as pd

    activities = pd.read_excel(path, sheet_name="Activities")
    origin = pd.Timestamp(problem.start_date)
    step = pd.Timedelta(minutes=problem.interval_minutes)
    counts = np.zeros(problem.num_intervals + 1, dtype=np.int64)
    first = ((activities["start"] - origin) // step).to_numpy(dtype=np.int64)
    last = ((activities["end"] - origin) // step).to_numpy(dtype=np.int64)
    np.add.at(counts, np.clip(first, 0, problem.num_intervals), 1)
    np.add.at(counts, np.clip(last, 0, problem.num_intervals), -1)
    return np.cumsum(counts)[:-1]


TABLE_ROWS: tuple[tuple[str, str], ...] = (
    ("status", "solver status"),
    ("runtime_s", "runtime, s"),
    ("under_pooled_shift", "understaffed agent-min, pooled, on shift (before breaks)"),
    ("over_pooled_shift", "overstaffed agent-min, pooled, on shift (before breaks)"),
    ("under_pooled_phone", "understaffed agent-min, pooled, on phone"),
    ("over_pooled_phone", "overstaffed agent-min, pooled, on phone"),
    ("under_queue_phone", "understaffed agent-min, per queue, on phone"),
    ("over_queue_phone", "overstaffed agent-min, per queue, on phone"),
    ("service_level", "service level (calls-weighted)"),
    ("paid_hours", "paid hours"),
    ("shifts", "shifts"),
    ("breaks", "breaks placed"),
    ("gap_violations", "breaks < min_minutes_between_breaks apart"),
    ("max_complaint_stretch", "longest complaint-heavy stretch"),
    ("fits_contracts", "fits the 40 named agents' contracts"),
)


def markdown_table(columns: list[dict[str, str]]) -> str:
    """The comparison as a markdown table, one column per plan or roster."""
    lines = ["| figure | " + " | ".join(c["method"] for c in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for key, label in TABLE_ROWS:
        lines.append(f"| {label} | " + " | ".join(c.get(key, "") for c in columns) + " |")
    return "\n".join(lines)


def parse_shiftcare(values: Sequence[str]) -> list[tuple[str, Path]]:
    """``LABEL=PATH`` pairs of solved shiftcare workbooks."""
    pairs = []
    for value in values:
        label, _, path = value.partition("=")
        pairs.append((label, Path(path or label)))
    return pairs


def main(argv: Sequence[str] | None = None,
         runner: Callable[..., tuple[dict[str, str], list[str]]] = run_pyworkforce) -> int:
    """Command line: print the comparison table (and optionally write it as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--curve", choices=("pooled", "per-queue", "both"), default="both")
    parser.add_argument("--method", choices=(*METHODS, "both"), default="both")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds per pyworkforce solver call (default 60)")
    parser.add_argument("--shiftcare", action="append", default=[], metavar="LABEL=PATH",
                        help="a solved shiftcare workbook to put in the table")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    problem = read_workbook(args.workbook)
    methods = METHODS if args.method == "both" else (args.method,)
    curves = ("pooled", "per-queue") if args.curve == "both" else (args.curve,)
    columns: list[dict[str, str]] = []
    left_out: list[str] = []
    for curve_mode in curves:
        for method in methods:
            figures, left_out = runner(problem, method, curve_mode, args.time_limit)
            figures["method"] = f"pyworkforce {method}, {curve_mode}"
            columns.append(figures)
            print(f"{figures['method']}: done", file=sys.stderr)
    if left_out:
        print(f"left out (end after midnight): {', '.join(left_out)}", file=sys.stderr)
    for _, path in parse_shiftcare(args.shiftcare):
        columns.append(shiftcare_figures(problem, path))
    print(markdown_table(columns))
    if args.json:
        args.json.write_text(json.dumps(columns, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
