"""Next History: what one horizon's roster carries into the next run (cron weeks)."""

from __future__ import annotations

from datetime import datetime

from shiftcare.history import next_history
from shiftcare.problem import History
from shiftcare.solution import Shift, Solution
from tests.tiny import agent, problem


def test_last_shift_end_and_days_in_a_row_up_to_the_last_date() -> None:
    week = problem([agent("A"), agent("B"), agent("C")], days=3)
    shifts = (
        Shift("A", 0, "day", 8 * 60, 12 * 60),
        Shift("A", 2, "day", 2 * 1440 + 9 * 60, 2 * 1440 + 13 * 60),
        Shift("B", 0, "day", 8 * 60, 12 * 60),
    )
    rows = {row.agent_id: row for row in next_history(week, Solution(shifts, ()))}
    assert rows["A"].last_shift_end == datetime(2026, 12, 2, 13, 0)
    assert rows["A"].consecutive_days_worked == 1
    assert rows["B"].last_shift_end == datetime(2026, 11, 30, 12, 0)
    assert rows["B"].consecutive_days_worked == 0
    assert rows["C"].last_shift_end is None


def test_a_streak_over_the_whole_horizon_adds_the_input_history() -> None:
    week = problem([agent("A"), agent("B")], days=2).replace(history=(
        History("A", -600, 4), History("B", -120, 2)))
    shifts = tuple(Shift("A", d, "day", d * 1440 + 480, d * 1440 + 720) for d in range(2))
    rows = {row.agent_id: row for row in next_history(week, Solution(shifts, ()))}
    assert rows["A"].consecutive_days_worked == 6
    assert rows["B"].consecutive_days_worked == 0
    assert rows["B"].last_shift_end == datetime(2026, 11, 29, 22, 0)
