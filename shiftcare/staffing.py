"""Required agents per interval and queue (Erlang C / Erlang A).

Public API used by the rest of shiftcare (keep these signatures):

- ``required_agents(problem) -> int64 array (queues, intervals)``
- ``service_level(problem, agents) -> float64 array (queues, intervals)``
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from shiftcare.problem import Problem


def _erlang_c_service_level(calls: float, aht: float, interval_s: float, n: int, t: float) -> float:
    """Erlang C share of calls answered within ``t`` seconds with ``n`` agents."""
    if calls <= 0:
        return 1.0
    load = calls * aht / interval_s
    if n <= load:
        return 0.0
    blocking = 1.0
    for k in range(1, n + 1):
        blocking = load * blocking / (k + load * blocking)
    wait = n * blocking / (n - load * (1.0 - blocking))
    return 1.0 - wait * math.exp(-(n - load) * t / aht)


def required_agents(problem: Problem) -> npt.NDArray[np.int64]:
    """Agents needed per (queue, interval) after shrinkage; overrides are final."""
    s = problem.settings
    interval_s = s.interval_minutes * 60.0
    forecast = problem.forecast
    result = np.zeros(forecast.calls.shape, dtype=np.int64)
    for q, queue in enumerate(problem.queues):
        for t in range(forecast.calls.shape[1]):
            override = forecast.required_override[q, t]
            if not np.isnan(override):
                result[q, t] = int(override)
                continue
            calls = forecast.calls[q, t]
            if calls <= 0:
                continue
            aht = forecast.aht_seconds[q, t]
            load = calls * aht / interval_s
            n = max(1, math.floor(load) + 1, math.ceil(load / s.max_occupancy - 1e-9))
            while _erlang_c_service_level(calls, aht, interval_s, n, queue.answer_seconds) < (
                queue.service_level_target
            ):
                n += 1
            result[q, t] = math.ceil(n / (1.0 - s.shrinkage) - 1e-9)
    return result


def service_level(problem: Problem, agents: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Predicted service level per (queue, interval) with the given agents on the phone."""
    s = problem.settings
    interval_s = s.interval_minutes * 60.0
    forecast = problem.forecast
    result = np.ones(forecast.calls.shape, dtype=np.float64)
    for q, queue in enumerate(problem.queues):
        for t in range(forecast.calls.shape[1]):
            result[q, t] = _erlang_c_service_level(
                forecast.calls[q, t], forecast.aht_seconds[q, t], interval_s,
                int(agents[q, t]), queue.answer_seconds,
            )
    return result
