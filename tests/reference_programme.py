"""A reference for ``shiftcare.activities.Programme``: the same dynamic programme with
one dictionary entry per state, written for reading, not speed.

Tests compare the fast programme (and its break placement) against it; it is the
programme the package ran before it moved to precomputed graphs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shiftcare.activities import OFF_PHONE, AgentDate, Label, StressLimits
from shiftcare.problem import Problem

IntervalOptions = tuple[tuple[Label, float] | None, tuple[Label, float] | None]
"""(best calm queue, best complaint-heavy queue) of one interval: label and gain."""
State = tuple[int, int, int]
"""(complaint run so far, recovery intervals still owed, complaint intervals today)."""


@dataclass(frozen=True)
class ReferenceProgramme:
    """One agent-date's dynamic programme: its options per interval and its limits."""

    labels: list[Label]
    """The item's labels (only where the breaks are matters)."""
    options: list[IntervalOptions]
    limits: StressLimits | None
    stretch_cap: int
    track_daily: bool
    """Whether the daily complaint cap can bind (more heavy options than it allows)."""

    @classmethod
    def of(cls, problem: Problem, item: AgentDate, gains: npt.NDArray[np.float64],
           limits: StressLimits | None) -> ReferenceProgramme:
        agent = problem.agents[item.agent_index]
        options = interval_options(problem, item, gains)
        heavy_intervals = sum(1 for _, heavy_option in options if heavy_option is not None)
        return cls(item.labels, options, limits,
                   agent.max_complaint_stretch_minutes // problem.interval_minutes,
                   limits is not None and heavy_intervals > limits.daily_cap)

    def rested(self, state: State) -> State:
        """The state after one interval off the phone (a break or time off)."""
        run, owed, today = state
        if self.limits is not None and run >= self.limits.recovery_after:
            return (0, self.limits.recovery_break - 1, today)
        return (0, max(0, owed - 1), today)

    def moves(self, state: State, offset: int) -> list[tuple[State, float, Label]]:
        """(next state, gain, label) of every move allowed from ``state`` at ``offset``:
        time off first, then the calm queue, then the complaint-heavy one."""
        label = self.labels[offset]
        if label[0] == "break":
            return [(self.rested(state), 0.0, label)]
        found: list[tuple[State, float, Label]] = [(self.rested(state), 0.0, OFF_PHONE)]
        run, owed, today = state
        if owed > 0:
            return found
        calm, complaint = self.options[offset]
        limits = self.limits
        if calm is not None and (limits is None or run < limits.recovery_after):
            found.append(((0, 0, today), calm[1], calm[0]))
        if complaint is None:
            return found
        if limits is None:
            found.append(((0, 0, 0), complaint[1], complaint[0]))
        elif run < self.stretch_cap and today < limits.daily_cap:
            found.append(((run + 1, 0, today + 1 if self.track_daily else 0),
                          complaint[1], complaint[0]))
        return found

    def forward(self) -> tuple[list[dict[State, float]], list[dict[State, tuple[State, Label]]]]:
        """Best value of each state reachable before every offset (and after the last),
        and per offset the (previous state, label) that reached each state."""
        values: list[dict[State, float]] = [{(0, 0, 0): 0.0}]
        steps: list[dict[State, tuple[State, Label]]] = []
        for offset in range(len(self.labels)):
            reached: dict[State, float] = {}
            back: dict[State, tuple[State, Label]] = {}
            for state, value in values[-1].items():
                for following, gain, label in self.moves(state, offset):
                    if value + gain > reached.get(following, -np.inf) + 1e-9:
                        reached[following] = value + gain
                        back[following] = (state, label)
            values.append(reached)
            steps.append(back)
        return values, steps


def reference_best_labels(problem: Problem, item: AgentDate, gains: npt.NDArray[np.float64],
                limits: StressLimits | None) -> tuple[list[Label], float]:
    """The labels of the item's shift worth the most under ``gains``, and their worth.

    Breaks stay. Each other interval is off the phone, on the best calm queue or on the
    best complaint-heavy queue. Forward dynamic programming over (run, recovery owed,
    complaint intervals today): a heavy interval extends the run (at most the agent's
    stretch cap, at most the daily cap); a run of at least ``recovery_after`` intervals
    must be followed by ``recovery_break`` intervals off the phone (a break counts);
    a calm queue may follow a shorter run. Ties prefer time off, then calm queues.
    """
    values, steps = ReferenceProgramme.of(problem, item, gains, limits).forward()
    state = max(values[-1], key=lambda s: values[-1][s])
    return _traced(steps, state), values[-1][state]


def _traced(steps: list[dict[State, tuple[State, Label]]], state: State) -> list[Label]:
    """The labels of the path a forward programme's ``steps`` took to its final
    ``state``."""
    labels: list[Label] = []
    for back in reversed(steps):
        state, chosen = back[state]
        labels.append(chosen)
    labels.reverse()
    return labels


def interval_options(problem: Problem, item: AgentDate,
                     gains: npt.NDArray[np.float64]) -> list[IntervalOptions]:
    """Per offset of the item's shift, its best calm and complaint-heavy queue."""
    heavy = problem.complaint_heavy()
    return [_interval_option(problem, item, gains, heavy, offset)
            for offset in range(len(item.labels))]


def _interval_option(problem: Problem, item: AgentDate, gains: npt.NDArray[np.float64],
                     heavy: npt.NDArray[np.bool_], offset: int) -> IntervalOptions:
    """The best calm queue and the best complaint-heavy queue at ``offset`` (label and
    gain), each None when there is none worth more than time off the phone."""
    t = item.first + offset
    best: list[tuple[Label, float] | None] = [None, None]
    for q, queue in enumerate(problem.queues):
        gain = gains[q, offset]
        if np.isnan(gain) or gain <= 0:
            continue
        kind = int(bool(heavy[q, t]))
        if best[kind] is None or gain > best[kind][1]:  # type: ignore[index]
            best[kind] = (("phone", queue.id, True), float(gain))
    return best[0], best[1]
