"""Solver-independent rosters: shifts and the activity blocks that tile them.

A CP-SAT result, a baseline roster and a roster read from Excel are all ``Solution``s,
so the evaluator and the writer serve every one of them. Minutes count from the
horizon start, as in ``shiftcare.problem``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

ActivityKind = Literal["phone", "break", "recovery", "other"]
Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID", "EVALUATED"]
OFF_PHONE_KINDS: frozenset[str] = frozenset({"break", "recovery", "other"})


@dataclass(frozen=True)
class Shift:
    """One worked shift: agent, shift date index, type and [start, end) in minutes."""

    agent_id: str
    day: int
    shift_type: str
    start: int
    end: int


@dataclass(frozen=True)
class ActivityBlock:
    """A contiguous block of one activity inside a shift, [start, end) in minutes.

    ``detail`` is the queue id for ``phone``, the break name for ``break``, else ``""``.
    """

    agent_id: str
    day: int
    start: int
    end: int
    activity: ActivityKind
    detail: str = ""
    paid: bool = True


@dataclass(frozen=True)
class SolveInfo:
    """How a roster was obtained: solver status, objective and proven bound."""

    status: Status = "UNKNOWN"
    mode: str = "stress-aware"
    objective: float | None = None
    best_bound: float | None = None
    solve_seconds: float = 0.0
    num_variables: int = 0
    num_constraints: int = 0
    understaffed_bound: float | None = None
    """A proven lower bound on understaffed agent-minutes (any roster's), or None."""

    @property
    def gap(self) -> float | None:
        """``(objective - best_bound) / max(1, |objective|)``, 0 when optimal."""
        if self.status == "OPTIMAL":
            return 0.0
        if self.objective is None or self.best_bound is None:
            return None
        return max(0.0, (self.objective - self.best_bound) / max(1.0, abs(self.objective)))


@dataclass(frozen=True)
class Solution:
    """A roster: shifts, the activity blocks tiling each shift, and how it was found."""

    shifts: tuple[Shift, ...]
    activities: tuple[ActivityBlock, ...]
    info: SolveInfo = field(default_factory=SolveInfo)

    def replace(self, **changes: object) -> Solution:
        return replace(self, **changes)  # type: ignore[arg-type]

    def activities_of(self, agent_id: str, day: int) -> tuple[ActivityBlock, ...]:
        """Blocks of one agent's shift on one day, in time order."""
        return tuple(
            sorted(
                (b for b in self.activities if b.agent_id == agent_id and b.day == day),
                key=lambda b: b.start,
            )
        )


def merge_blocks(
    agent_id: str,
    day: int,
    start: int,
    interval: int,
    labels: Sequence[tuple[ActivityKind, str, bool]],
) -> list[ActivityBlock]:
    """Consecutive intervals with the same activity, detail and pay become one block."""
    blocks: list[ActivityBlock] = []
    for offset, (kind, detail, paid) in enumerate(labels):
        minute = start + offset * interval
        last = blocks[-1] if blocks else None
        if last and (last.activity, last.detail, last.paid) == (kind, detail, paid):
            blocks[-1] = ActivityBlock(agent_id, day, last.start, minute + interval, kind,
                                       detail, paid)
        else:
            blocks.append(ActivityBlock(agent_id, day, minute, minute + interval, kind,
                                        detail, paid))
    return blocks
