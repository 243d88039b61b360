"""Candidate shifts per agent and day: the slot grid the model chooses from.

A candidate is one (shift type, start minute). Rules that forbid a candidate outright
(availability, History rest) are recorded as *blockers* so that the infeasibility
diagnosis can switch them on and off; the normal model simply leaves blocked
candidates out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from shiftcare.problem import MINUTES_PER_DAY, Agent, Problem, RosterEntry, ShiftType


@dataclass(frozen=True)
class Blocker:
    """Why a candidate shift is forbidden: a rule group key and the workbook row."""

    group: str
    sheet: str
    row: int | None


@dataclass
class Candidate:
    """One possible shift of an agent on a day; minutes from the horizon start."""

    agent_index: int
    day: int
    shift_type: ShiftType
    start: int
    blockers: list[Blocker] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.start + self.shift_type.length_minutes

    def start_interval(self, interval_minutes: int) -> int:
        return self.start // interval_minutes

    def end_interval(self, interval_minutes: int) -> int:
        return self.end // interval_minutes


def allowed_shift_types(problem: Problem, agent: Agent) -> tuple[ShiftType, ...]:
    """Shift types the agent may work (their ``shift_types`` column)."""
    return tuple(s for s in problem.shift_types if s.id in agent.shift_types)


def candidate_shifts(problem: Problem, agent_index: int, day: int) -> list[Candidate]:
    """Every grid-, window- and weekday-valid shift of one agent on one day, with blockers."""
    agent = problem.agents[agent_index]
    weekday = problem.date_of(day).weekday()
    candidates = []
    for shift_type in allowed_shift_types(problem, agent):
        if weekday not in shift_type.weekdays:
            continue
        for time_of_day in shift_type.start_times_of_day():
            candidate = Candidate(agent_index, day, shift_type, day * MINUTES_PER_DAY + time_of_day)
            candidate.blockers.extend(_availability_blockers(problem, agent, candidate))
            candidate.blockers.extend(_history_blockers(problem, agent, candidate))
            candidates.append(candidate)
    return candidates


def open_dates(problem: Problem, agent_index: int) -> list[int]:
    """The dates on which the agent has at least one unblocked candidate shift."""
    return [d for d in range(problem.days)
            if any(not c.blockers for c in candidate_shifts(problem, agent_index, d))]


def _availability_blockers(problem: Problem, agent: Agent, candidate: Candidate) -> list[Blocker]:
    """Hard availability rows (``off``, ``window``) that forbid this candidate."""
    blockers = []
    for row in problem.availability_of(agent.id, candidate.day):
        if row.status == "off":
            blockers.append(Blocker(f"availability_off:{agent.id}:{candidate.day}",
                                    "Availability", row.row))
        elif row.status == "window":
            too_early = row.window_from is not None and candidate.start < row.window_from
            too_late = row.window_to is not None and candidate.end > row.window_to
            if too_early or too_late:
                blockers.append(Blocker(f"availability_window:{agent.id}:{candidate.day}",
                                        "Availability", row.row))
    return blockers


def _history_blockers(problem: Problem, agent: Agent, candidate: Candidate) -> list[Blocker]:
    """The History sheet's last shift end, when this candidate starts within min rest of it."""
    history = problem.history_of(agent.id)
    if history is None or history.last_shift_end is None:
        return []
    rest_minutes = agent.min_rest_minutes
    if candidate.start - history.last_shift_end >= rest_minutes:
        return []
    return [Blocker(f"min_rest_history:{agent.id}", "History", history.row)]


def roster_candidate(problem: Problem, entry: RosterEntry) -> Candidate:
    """The input Roster's shift as a candidate, keeping its own start and end.

    A cell without a shift type takes the agent's type of the same length (else any
    type of that length, else the agent's first type); the shift keeps the breaks of its
    type that fit inside it.
    """
    agent_index = problem.agent_index(entry.agent_id)
    shift_type = _roster_shift_type(problem, problem.agents[agent_index], entry)
    length = entry.end - entry.start
    if shift_type.length_minutes != length:
        fitting = tuple(b for b in shift_type.breaks
                        if b.latest_start_after_minutes + b.duration_minutes <= length)
        shift_type = replace(shift_type, length_minutes=length, breaks=fitting)
    candidate = Candidate(agent_index, entry.day, shift_type, entry.start)
    candidate.blockers.extend(_availability_blockers(problem, problem.agents[agent_index],
                                                     candidate))
    candidate.blockers.extend(_history_blockers(problem, problem.agents[agent_index], candidate))
    return candidate


def _roster_shift_type(problem: Problem, agent: Agent, entry: RosterEntry) -> ShiftType:
    if entry.shift_type is not None:
        return problem.shift_type(entry.shift_type)
    length = entry.end - entry.start
    own = [s for s in problem.shift_types if s.id in agent.shift_types]
    for pool in (own, list(problem.shift_types)):
        for shift_type in pool:
            if shift_type.length_minutes == length:
                return shift_type
    return own[0] if own else problem.shift_types[0]
