"""Tiny problems built in Python for model and diagnosis tests (one 4-hour shift type)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import numpy.typing as npt

from shiftcare.evaluate import evaluate
from shiftcare.problem import Agent, BreakRule, Forecast, Problem, Queue, Settings, ShiftType
from shiftcare.solution import ActivityBlock, Shift, Solution

MONDAY = date(2026, 11, 30)
INTERVAL = 15
PER_DAY = 1440 // INTERVAL


def agent(agent_id: str, **changes: object) -> Agent:
    base = Agent(agent_id, agent_id, ("main",), ("day",), 0.0, 200.0, 7, 11.0, 6, True, 60)
    return replace(base, **changes)  # type: ignore[arg-type]


def shift_type(type_id: str = "day", **changes: object) -> ShiftType:
    base = ShiftType(type_id, 8 * 60, 10 * 60, 60, 4 * 60)
    return replace(base, **changes)  # type: ignore[arg-type]


def problem(
    agents: list[Agent],
    shift_types: list[ShiftType] | None = None,
    days: int = 1,
    need: dict[tuple[str, int, int], int] | None = None,
    share: dict[tuple[str, int, int], float] | None = None,
    queues: tuple[str, ...] = ("main",),
    **settings: object,
) -> Problem:
    """A tiny problem; ``need[(queue, first, last)]`` sets required agents on intervals."""
    intervals = days * PER_DAY
    required = np.zeros((len(queues), intervals))
    complaint = np.zeros((len(queues), intervals))
    for (queue, first, last), value in (need or {}).items():
        required[queues.index(queue), first:last] = value
    for (queue, first, last), fraction in (share or {}).items():
        complaint[queues.index(queue), first:last] = fraction
    forecast = Forecast(required * 10.0, np.full_like(required, 300.0), complaint, required)
    return Problem(
        start_date=MONDAY,
        days=days,
        settings=replace(Settings(), **settings),  # type: ignore[arg-type]
        queues=tuple(Queue(q, 0.8, 20.0) for q in queues),
        forecast=forecast,
        agents=tuple(agents),
        shift_types=tuple(shift_types or [shift_type()]),
    )


def at(hour: float) -> int:
    """The interval index of a time of day on the first date."""
    return int(hour * 60 // INTERVAL)


def idle_roster(problem: Problem) -> Solution:
    """Every agent on a 4-hour shift at 08:00 on the first date, off the phone all shift."""
    shifts = tuple(Shift(a.id, 0, "day", 8 * 60, 12 * 60) for a in problem.agents)
    blocks = tuple(ActivityBlock(a.id, 0, 8 * 60, 12 * 60, "recovery") for a in problem.agents)
    return Solution(shifts, blocks)


def understaffed(problem: Problem, roster: Solution,
                 required: npt.NDArray[np.int64]) -> float:
    """The roster's understaffed agent-minutes, by the validator."""
    return float(evaluate(problem, roster, required).kpis["understaffed_agent_minutes"])


def break_date(agents: int = 4) -> Problem:
    """``agents`` agents who may start at 08:00 to 09:00 on 4-hour shifts with one
    15-minute break (60-150 minutes in), a complaint-heavy and a calm queue each needing
    two of them from 08:00 to 13:00."""
    shift = shift_type(earliest_start=8 * 60, latest_start=9 * 60,
                       breaks=(BreakRule("B", 15, 60, 150),))
    people = [agent(f"A{i}", skills=("calm", "hot")) for i in range(1, agents + 1)]
    return problem(people, [shift], need={("hot", at(8), at(13)): 2, ("calm", at(8), at(13)): 2},
                   share={("hot", at(8), at(13)): 1.0}, queues=("calm", "hot"))
