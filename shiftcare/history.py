"""The History rows of the next horizon: what this roster leaves behind for next week's run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shiftcare.problem import Problem
from shiftcare.solution import Solution

NEXT_HISTORY_COLUMNS = ("agent_id", "last_shift_end", "consecutive_days_worked")


@dataclass(frozen=True)
class NextHistory:
    """One agent's History row for a horizon starting the day after this one ends."""

    agent_id: str
    last_shift_end: datetime | None
    consecutive_days_worked: int


def next_history(problem: Problem, solution: Solution) -> tuple[NextHistory, ...]:
    """Per agent: the end of their last shift and the dates worked in a row up to the last day.

    An agent who works every date of the horizon adds the input History's
    ``consecutive_days_worked``; one who never works keeps the input's last shift end.
    """
    rows = []
    for agent in problem.agents:
        shifts = [s for s in solution.shifts if s.agent_id == agent.id]
        worked = {s.day for s in shifts}
        history = problem.history_of(agent.id)
        streak = 0
        while streak < problem.days and (problem.days - 1 - streak) in worked:
            streak += 1
        if streak == problem.days and history is not None:
            streak += history.consecutive_days_worked
        if shifts:
            last_end: datetime | None = problem.datetime_of(max(s.end for s in shifts))
        elif history is not None and history.last_shift_end is not None:
            last_end = problem.datetime_of(history.last_shift_end)
        else:
            last_end = None
        rows.append(NextHistory(agent.id, last_end, streak))
    return tuple(rows)
