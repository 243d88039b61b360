"""Staffing math: Erlang C (M/M/N) and Erlang A (M/M/N+M), exact, vectorised and stable.

Every function works on whole numpy arrays (one entry per interval and queue) and stays
finite from a fraction of an agent to thousands of agents: Erlang B comes from the
recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, and Erlang A from the stationary
distribution of its birth-death chain, summed with a running log scale.

Units: ``load`` is the offered load in Erlangs (calls * AHT / interval seconds);
``aht``, ``answer`` and ``patience`` are seconds. Service level is the share of
offered calls answered within ``answer`` seconds (with Erlang A, abandoned calls count
as not answered). ASA is the mean wait of answered calls, in seconds (calls answered
at once count 0).

Public API used by the rest of shiftcare (signatures kept):

- ``required_agents(problem) -> int64 array (queues, intervals)``
- ``service_level(problem, agents) -> float64 array (queues, intervals)``
- ``staffing_table(problem) -> pandas.DataFrame`` and ``write_staffing_workbook``
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from openpyxl import Workbook

from shiftcare.errors import OutputWriteError
from shiftcare.problem import Problem

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ArrayLike = float | int | npt.ArrayLike

#: Slack on the service-level target and occupancy cap against rounding error.
TOLERANCE = 1e-9
#: A queue tail sum stops once its remaining terms are below e**-37 (1e-16) of its largest.
_TAIL_LOG_CUTOFF = 37.0
#: Safety cap on the queue positions summed for one Erlang A row (patience >> AHT in
#: overload needs about (load - agents) * patience / AHT of them).
MAX_QUEUE_POSITIONS = 1_000_000

STAFFING_COLUMNS = (
    "date", "interval_start", "queue", "calls", "aht_seconds", "offered_load",
    "required_agents", "agents_on_phone", "service_level", "asa_seconds",
    "abandonment", "occupancy", "model",
)


@dataclass(frozen=True)
class QueueMetrics:
    """Predicted performance per row with a given number of agents on the phone.

    ``wait_probability``: share of calls that wait at all; ``service_level``: share of
    offered calls answered within the answer time; ``asa_seconds``: mean wait of answered
    calls (inf when none is answered or the Erlang C queue is unstable);
    ``abandonment``: share of offered calls that hang up (0 for Erlang C);
    ``occupancy``: carried load per agent (0 with no agents).
    """

    wait_probability: FloatArray
    service_level: FloatArray
    asa_seconds: FloatArray
    abandonment: FloatArray
    occupancy: FloatArray


def _as_rows(*values: ArrayLike) -> list[FloatArray]:
    """Broadcast the arguments to one flat float64 array each."""
    arrays = np.broadcast_arrays(*[np.asarray(v, dtype=np.float64) for v in values])
    return [np.ascontiguousarray(a, dtype=np.float64).ravel() for a in arrays]


def _shape_of(*values: ArrayLike) -> tuple[int, ...]:
    return tuple(np.broadcast_shapes(*[np.shape(v) for v in values]))


# --------------------------------------------------------------------------- Erlang B / C


def erlang_b(load: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Erlang B blocking probability for ``agents`` servers and ``load`` Erlangs.

    Stable recursion over k = 1..agents, vectorised: rows are sorted by agents so each
    step updates one contiguous suffix; the cost is one numpy step per agent of the
    largest row. Agents are rounded to whole numbers; 0 agents block everything.
    """
    shape = _shape_of(load, agents)
    flat_load, flat_agents = _as_rows(load, agents)
    count = np.rint(flat_agents).astype(np.int64)
    order = np.argsort(count, kind="stable")
    sorted_count = count[order]
    sorted_load = flat_load[order]
    blocking = np.ones(len(count), dtype=np.float64)
    top = int(sorted_count[-1]) if len(count) else 0
    starts = np.searchsorted(sorted_count, np.arange(1, top + 1), side="left")
    for k, start in enumerate(starts.tolist(), start=1):
        carried = sorted_load[start:] * blocking[start:]
        blocking[start:] = carried / (k + carried)
    result = np.empty_like(blocking)
    result[order] = blocking
    return result.reshape(shape)


def erlang_c_wait_probability(load: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Erlang C probability that a call waits: ``N B / (N - A (1 - B))``; 1 when N <= A."""
    shape = _shape_of(load, agents)
    flat_load, flat_agents = _as_rows(load, agents)
    blocking = erlang_b(flat_load, flat_agents)
    stable = flat_agents > flat_load
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = flat_agents * blocking / (flat_agents - flat_load * (1.0 - blocking))
    wait = np.where(stable, wait, 1.0)
    wait = np.where(flat_load > 0, wait, 0.0)
    return np.clip(wait, 0.0, 1.0).reshape(shape)


def erlang_c(load: ArrayLike, agents: ArrayLike, aht: ArrayLike,
             answer: ArrayLike) -> QueueMetrics:
    """Erlang C (infinite patience) metrics for ``agents`` on the phone.

    SL = 1 - C exp(-(N - A) T / AHT), ASA = C AHT / (N - A), occupancy = A / N. With
    N <= A the queue grows without bound: SL 0, ASA inf, occupancy 1. Zero load: SL 1.
    """
    shape = _shape_of(load, agents, aht, answer)
    a, n, h, t = _as_rows(load, agents, aht, answer)
    wait = erlang_c_wait_probability(a, n)
    stable = n > a
    idle = a <= 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        spare = np.where(stable, n - a, 1.0)
        level = 1.0 - wait * np.exp(-spare * t / h)
        asa = wait * h / spare
        occupancy = np.where(n > 0, a / np.where(n > 0, n, 1.0), 0.0)
    level = np.where(stable, level, 0.0)
    asa = np.where(stable, asa, np.inf)
    occupancy = np.where(stable, occupancy, 1.0)
    level = np.where(idle, 1.0, level)
    asa = np.where(idle, 0.0, asa)
    occupancy = np.where(idle, 0.0, occupancy)
    return QueueMetrics(
        wait_probability=wait.reshape(shape),
        service_level=np.clip(level, 0.0, 1.0).reshape(shape),
        asa_seconds=asa.reshape(shape),
        abandonment=np.zeros(shape),
        occupancy=occupancy.reshape(shape),
    )


# --------------------------------------------------------------------------- Erlang A


def erlang_a(load: ArrayLike, agents: ArrayLike, aht: ArrayLike, answer: ArrayLike,
             patience: ArrayLike) -> QueueMetrics:
    """Erlang A (M/M/N+M, exponential patience with mean ``patience`` seconds) metrics.

    Exact: the stationary distribution of the birth-death chain (states n <= N: in at
    rate lambda, out n mu; n > N: out N mu + (n - N) theta) is split at N. Below N it is
    Erlang B's, ``sum_{n<=N} pi_n = pi_N / B``; above N, ``pi_{N+j} = pi_N rho_j`` with
    ``rho_j = prod_{i<=j} lambda / (N mu + i theta)``, summed until negligible. A caller
    finding j others waiting is served with probability ``q_j = N mu / (N mu + (j+1)
    theta)``, and then its wait V has ``exp(-theta V) ~ Beta(N mu/theta + 1, j + 1)``, so
    P(served within T) = q_j P(NegBin(N mu/theta + 1, exp(-theta T)) > j).
    """
    shape = _shape_of(load, agents, aht, answer, patience)
    a, n, h, t, p = _as_rows(load, agents, aht, answer, patience)
    n = np.rint(n)
    gamma = h / p  # abandonment rate over service rate
    horizon = t / h  # answer time in units of AHT
    blocking = erlang_b(a, n)
    busy = a > 0
    sums = _erlang_a_tail_sums(a[busy], n[busy], gamma[busy], horizon[busy])
    scale, total, answered_late, abandoned, served_wait = sums
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # pi_N relative to the running scale: 1 / ((1/B - 1) e^-M + S e^-M).
        below = (1.0 / blocking[busy] - 1.0) * np.exp(-scale)  # inf when B underflows
        denominator = below + total
        wait = total / denominator
        answered_at_once = 1.0 / (1.0 + total / below)  # 1 - wait, also when below is inf
        level = answered_at_once + answered_late / denominator
        abandonment = abandoned / denominator
        answered = 1.0 - abandonment
        asa = np.where(answered > 0, h[busy] * served_wait / denominator / answered, np.inf)
        occupancy = np.where(n[busy] > 0, a[busy] * answered / np.maximum(n[busy], 1.0), 0.0)
    return QueueMetrics(
        wait_probability=_fill(shape, busy, np.clip(wait, 0.0, 1.0), 0.0),
        service_level=_fill(shape, busy, np.clip(level, 0.0, 1.0), 1.0),
        asa_seconds=_fill(shape, busy, asa, 0.0),
        abandonment=_fill(shape, busy, np.clip(abandonment, 0.0, 1.0), 0.0),
        occupancy=_fill(shape, busy, occupancy, 0.0),
    )


def _fill(shape: tuple[int, ...], where: npt.NDArray[np.bool_], values: FloatArray,
          default: float) -> FloatArray:
    """An array of ``shape`` holding ``values`` at ``where`` (flat) and ``default`` elsewhere."""
    result = np.full(int(np.prod(shape, dtype=np.int64)), default, dtype=np.float64)
    result[where] = values
    return result.reshape(shape)


def _erlang_a_tail_sums(
    load: FloatArray, agents: FloatArray, gamma: FloatArray, horizon: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Sums over queue positions j >= 0, each scaled by e**-M (M = largest log rho_j).

    Rates are in units of the service rate (``gamma`` = theta / mu, ``horizon`` = T mu).
    Returns ``(M, sum rho_j, sum rho_j q_j P(V'_j <= T), sum rho_j (1 - q_j),
    sum rho_j q_j E[V'_j])``. A row stops once its remaining terms, bounded by a geometric
    series, fall below e**-37 of the largest; finished rows are dropped in batches.
    """
    rows = len(load)
    out = np.zeros((5, rows))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        # One row of ``state`` per quantity, one column per queue row still summing.
        state = np.zeros((15, rows))
        state[0], state[1], state[2] = load, agents, gamma
        state[9] = agents / gamma + 1.0  # negative binomial shape
        state[10] = np.log(-np.expm1(-gamma * horizon))  # log(1 - u), u = exp(-gamma T)
        state[11] = -(agents + gamma) * horizon  # log P(NegBin = 0) = shape * log u
        state[12] = np.exp(state[11])  # P(NegBin <= j)
        state[14] = np.arange(rows)
        j = 0
        while state.shape[1]:
            (a, n, g, log_rho, scale, total, late, gone, waited, shape_nb, log_miss, log_w,
             cdf, mean_wait, _) = state  # views: the in-place updates below change ``state``
            rescale = log_rho > scale
            if rescale.any():
                state[5:9] *= np.exp(np.minimum(scale - log_rho, 0.0))
                np.maximum(scale, log_rho, out=scale)
            rho = np.exp(log_rho - scale)
            rate = n + (j + 1) * g  # leaving position j: a service starts or one ahead hangs up
            served = n / rate  # q_j
            mean_wait += 1.0 / rate  # E[V'_j]
            total += rho
            late += rho * served * np.maximum(0.0, 1.0 - cdf)
            gone += rho * (1.0 - served)
            waited += rho * served * mean_wait
            ratio = a / rate  # rho_{j+1} / rho_j
            log_rho += np.log(ratio)
            j += 1
            log_w += np.log((shape_nb + (j - 1)) / j) + log_miss
            cdf += np.exp(log_w)
            done = (ratio < 1.0) & (log_rho - scale - np.log1p(-ratio) < -_TAIL_LOG_CUTOFF)
            if j >= MAX_QUEUE_POSITIONS:
                done[:] = True
            finished = int(np.count_nonzero(done))
            if finished and finished * 4 >= len(done):
                index = state[14, done].astype(np.int64)
                out[:, index] = state[4:9][:, done]
                state = state[:, ~done]
    return out[0], out[1], out[2], out[3], out[4]


def queue_metrics(load: ArrayLike, agents: ArrayLike, aht: ArrayLike, answer: ArrayLike,
                  patience: ArrayLike = np.inf) -> QueueMetrics:
    """Erlang A where ``patience`` (seconds) is finite, Erlang C where it is inf or NaN."""
    shape = _shape_of(load, agents, aht, answer, patience)
    a, n, h, t, p = _as_rows(load, agents, aht, answer, patience)
    impatient = np.isfinite(p) & (p > 0)
    parts = [erlang_c(a[~impatient], n[~impatient], h[~impatient], t[~impatient]),
             erlang_a(a[impatient], n[impatient], h[impatient], t[impatient], p[impatient])]
    fields = {}
    for name in QueueMetrics.__dataclass_fields__:
        merged = np.empty(len(a), dtype=np.float64)
        merged[~impatient] = getattr(parts[0], name)
        merged[impatient] = getattr(parts[1], name)
        fields[name] = merged.reshape(shape)
    return QueueMetrics(**fields)


# --------------------------------------------------------------------------- requirements


def erlang_c_agents(load: ArrayLike, aht: ArrayLike, answer: ArrayLike, target: ArrayLike,
                    max_occupancy: ArrayLike = 1.0) -> IntArray:
    """Smallest N > A with Erlang C service level >= target and A / N <= max_occupancy.

    One sweep k = 1, 2, ... of the Erlang B recursion over the rows still short; rows
    with zero load need 0. Before shrinkage.
    """
    shape = _shape_of(load, aht, answer, target, max_occupancy)
    a, h, t, goal, cap = _as_rows(load, aht, answer, target, max_occupancy)
    result = np.zeros(len(a), dtype=np.int64)
    busy = np.flatnonzero(a > 0)
    a, h, t, goal = a[busy], h[busy], t[busy], goal[busy]
    floor = np.maximum(np.floor(a) + 1.0, np.ceil(a / cap[busy] - TOLERANCE))
    blocking = np.ones(len(busy))
    k = 0
    while len(busy):
        k += 1
        carried = a * blocking
        blocking = carried / (k + carried)
        eligible = k >= floor
        if not eligible.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            wait = k * blocking / (k - a * (1.0 - blocking))
            level = 1.0 - wait * np.exp(-(k - a) * t / h)
        done = eligible & (level >= goal - TOLERANCE)
        if done.any():
            result[busy[done]] = k
            keep = ~done
            busy = busy[keep]
            a, h, t, goal, floor, blocking = (
                v[keep] for v in (a, h, t, goal, floor, blocking))
    return result.reshape(shape)


def erlang_a_agents(load: ArrayLike, aht: ArrayLike, answer: ArrayLike, target: ArrayLike,
                    patience: ArrayLike, max_occupancy: ArrayLike = 1.0) -> IntArray:
    """Smallest N >= 1 with Erlang A service level >= target and occupancy <= cap.

    Both criteria are monotone in N. Each row starts from its Erlang C answer, gallops
    (steps 1, 2, 4, ...) down or up to a bracket of a failing and a passing N, then
    bisects it; only the rows still open are evaluated. Rows with zero load need 0.
    """
    shape = _shape_of(load, aht, answer, target, patience, max_occupancy)
    a, h, t, goal, p, cap = _as_rows(load, aht, answer, target, patience, max_occupancy)
    result = np.zeros(len(a), dtype=np.int64)
    rows = np.flatnonzero(a > 0)
    a, h, t, goal, p, cap = (v[rows] for v in (a, h, t, goal, p, cap))

    def passes(which: IntArray, agents: IntArray) -> npt.NDArray[np.bool_]:
        metrics = erlang_a(a[which], agents, h[which], t[which], p[which])
        return (agents >= 1) & (metrics.service_level >= goal[which] - TOLERANCE) & (
            metrics.occupancy <= cap[which] + TOLERANCE)

    guess = erlang_c_agents(a, h, t, goal, cap)
    everyone = np.arange(len(rows))
    ok = passes(everyone, guess)
    low = np.where(ok, -1, guess)  # largest N known to fail (-1: none yet)
    high = np.where(ok, guess, -1)  # smallest N known to pass (-1: none yet)
    step = np.ones(len(rows), dtype=np.int64)
    while True:  # gallop until every row has a bracket
        down = np.flatnonzero(low < 0)
        up = np.flatnonzero(high < 0)
        if not len(down) and not len(up):
            break
        which = np.concatenate([down, up])
        trial = np.concatenate([np.maximum(high[down] - step[down], 0), low[up] + step[up]])
        ok = passes(which, trial)
        low[which[~ok]] = trial[~ok]
        high[which[ok]] = trial[ok]
        step[which] *= 2
    while True:  # bisect the brackets
        which = np.flatnonzero(high - low > 1)
        if not len(which):
            break
        trial = (low[which] + high[which]) // 2
        ok = passes(which, trial)
        high[which[ok]] = trial[ok]
        low[which[~ok]] = trial[~ok]
    result[rows] = high
    return result.reshape(shape)


def agents_before_shrinkage(load: ArrayLike, aht: ArrayLike, answer: ArrayLike,
                            target: ArrayLike, patience: ArrayLike = np.inf,
                            max_occupancy: ArrayLike = 1.0) -> IntArray:
    """Agents needed on the phone: Erlang A where ``patience`` is finite, else Erlang C."""
    shape = _shape_of(load, aht, answer, target, patience, max_occupancy)
    a, h, t, goal, p, cap = _as_rows(load, aht, answer, target, patience, max_occupancy)
    impatient = np.isfinite(p) & (p > 0)
    result = np.empty(len(a), dtype=np.int64)
    c_rows, a_rows = ~impatient, impatient
    result[c_rows] = erlang_c_agents(a[c_rows], h[c_rows], t[c_rows], goal[c_rows], cap[c_rows])
    result[a_rows] = erlang_a_agents(a[a_rows], h[a_rows], t[a_rows], goal[a_rows], p[a_rows],
                                     cap[a_rows])
    return result.reshape(shape)


def with_shrinkage(agents: ArrayLike, shrinkage: float) -> IntArray:
    """Agents to schedule so ``agents`` remain after shrinkage: ceil(N / (1 - s) - 1e-9)."""
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage}")
    values = np.asarray(agents, dtype=np.float64)
    scaled = np.ceil(values / (1.0 - shrinkage) - TOLERANCE)
    return np.maximum(scaled, 0.0).astype(np.int64)


# --------------------------------------------------------------------------- problem level


@dataclass(frozen=True)
class _QueueGrid:
    """Per-(queue, interval) inputs of a Problem, broadcast to the forecast's shape."""

    load: FloatArray
    aht: FloatArray
    answer: FloatArray
    target: FloatArray
    patience: FloatArray


def _grid(problem: Problem) -> _QueueGrid:
    """Offered load and queue parameters as (queues, intervals) arrays."""
    forecast = problem.forecast
    calls = forecast.calls
    interval_seconds = problem.settings.interval_minutes * 60.0
    aht = np.where(calls > 0, forecast.aht_seconds, 1.0)
    load = np.where(calls > 0, calls * aht / interval_seconds, 0.0)

    def column(values: list[float]) -> FloatArray:
        return np.broadcast_to(np.asarray(values, dtype=np.float64)[:, None], calls.shape)

    queues = problem.queues
    return _QueueGrid(
        load=load,
        aht=aht,
        answer=column([q.answer_seconds for q in queues]),
        target=column([q.service_level_target for q in queues]),
        patience=column([np.inf if q.patience_seconds is None else q.patience_seconds
                         for q in queues]),
    )


def _agents_on_phone(problem: Problem, grid: _QueueGrid) -> IntArray:
    """Erlang requirement before shrinkage per (queue, interval); overrides not applied."""
    return agents_before_shrinkage(grid.load, grid.aht, grid.answer, grid.target,
                                   grid.patience, problem.settings.max_occupancy)


def required_agents(problem: Problem) -> IntArray:
    """Agents needed per (queue, interval) after shrinkage; given ``required_agents`` are final."""
    grid = _grid(problem)
    needed = with_shrinkage(_agents_on_phone(problem, grid), problem.settings.shrinkage)
    override = problem.forecast.required_override
    given = ~np.isnan(override)
    return np.where(given, np.nan_to_num(override), needed).astype(np.int64)


def service_level(problem: Problem, agents: npt.NDArray[np.int64]) -> FloatArray:
    """Predicted service level per (queue, interval) with ``agents`` on the phone.

    Intervals without calls have service level 1.
    """
    grid = _grid(problem)
    metrics = queue_metrics(grid.load, agents, grid.aht, grid.answer, grid.patience)
    return np.asarray(metrics.service_level, dtype=np.float64)


def staffing_table(problem: Problem) -> pd.DataFrame:
    """One row per interval and queue (interval-major) with ``STAFFING_COLUMNS``.

    ``agents_on_phone`` is the Erlang N before shrinkage, or the given requirement;
    the predicted columns use ``agents_on_phone`` agents.
    """
    forecast = problem.forecast
    grid = _grid(problem)
    given = ~np.isnan(forecast.required_override)
    on_phone = _agents_on_phone(problem, grid)
    on_phone = np.where(given, np.nan_to_num(forecast.required_override), on_phone)
    on_phone = on_phone.astype(np.int64)
    required = required_agents(problem)
    metrics = queue_metrics(grid.load, on_phone, grid.aht, grid.answer, grid.patience)
    queues, horizon = forecast.calls.shape
    t = np.repeat(np.arange(horizon), queues)
    q = np.tile(np.arange(queues), horizon)
    per_day = problem.intervals_per_day
    minutes = problem.interval_minutes
    clock = [f"{(i * minutes) // 60:02d}:{(i * minutes) % 60:02d}" for i in range(per_day)]
    dates = [problem.date_of(d) for d in range(problem.days)]
    erlang = np.array(["erlang_c" if queue.patience_seconds is None else "erlang_a"
                       for queue in problem.queues], dtype=object)
    model = np.where(given, "given", erlang[:, None])
    return pd.DataFrame({
        "date": [dates[i // per_day] for i in t.tolist()],
        "interval_start": [clock[i % per_day] for i in t.tolist()],
        "queue": [problem.queues[i].id for i in q.tolist()],
        "calls": forecast.calls[q, t],
        "aht_seconds": forecast.aht_seconds[q, t],
        "offered_load": grid.load[q, t],
        "required_agents": required[q, t],
        "agents_on_phone": on_phone[q, t],
        "service_level": metrics.service_level[q, t],
        "asa_seconds": metrics.asa_seconds[q, t],
        "abandonment": metrics.abandonment[q, t],
        "occupancy": metrics.occupancy[q, t],
        "model": model[q, t],
    }, columns=list(STAFFING_COLUMNS))


def write_staffing_workbook(table: pd.DataFrame, path: Path | str) -> None:
    """Write ``table`` to sheet ``Staffing`` of ``path`` atomically (temp file + rename).

    Infinite or missing numbers are left blank. Raises OutputWriteError with what went
    wrong and what to do when the file cannot be written; no temporary file is left.
    """
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Staffing"
    sheet.append(list(table.columns))
    for record in table.itertuples(index=False, name=None):
        sheet.append([_cell(value) for value in record])
    for cell in sheet["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    output = Path(path)
    temporary: Path | None = None
    try:
        handle, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.stem}-",
                                        suffix=".xlsx")
        os.close(handle)
        temporary = Path(name)
        workbook.save(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise OutputWriteError(_write_failure(output, error)) from error


def _write_failure(output: Path, error: OSError) -> str:
    """Why ``output`` could not be written, and what the user can do."""
    if not output.parent.is_dir():
        return (f"cannot write {output}: the folder {output.parent} does not exist; "
                "create it or choose another output file with -o")
    if output.is_dir():
        return f"cannot write {output}: it is a folder; choose an output file name with -o"
    reason = error.strerror or str(error)
    return (f"cannot write {output} ({reason}): if it is open in Excel, close it, "
            "or choose another output file with -o in a folder you may write to")


def _cell(value: object) -> object:
    """A workbook cell value: plain Python numbers, blanks for inf and NaN."""
    if isinstance(value, date | str) or value is None:
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return value
