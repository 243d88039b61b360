"""Re-assign the queues of every agent on one date at once, by MIP, shifts and breaks fixed.

Column generation (``shiftcare.columns``) picks each agent's shift, breaks and queues
from an LP and rounds it by diving; the dive's rounding loses most where agents must
trade complaint runs and recoveries. With the date's shifts and breaks as they are, the
queue assignment alone is a small MIP whose LP is nearly whole: per agent-date and
interval on shift, one binary per queue the agent may take (skills, a requirement,
complaint eligibility in stress-aware mode), at most one of them, none in a break; an
interval on none is time off the phone (recovery). The stress rules are linear rows
over each agent's complaint-heavy intervals (``complaint_rows``): at most the stretch
cap of any ``cap + 1`` in a row, off the phone for ``recovery_break`` intervals after
``recovery_after`` in a row that then end, at most the daily cap. Coverage rows count
the agents short per queue and interval against what the other dates' agents leave
required, and their sum is the objective; single re-plans after it
(``activities.descend``) take surplus agents off the phone where the rules allow.

Two solvers take turns from the current assignment: CP-SAT's local search alone
(``LOCAL_SEARCH``, one thread) for ``LOCAL_SEARCH_SHARE`` of the time, then a branch
and bound (HiGHS, SCIP where OR-Tools lacks it: ``BRANCH_AND_BOUND``) for the rest,
its result kept when it leaves fewer agents short; both stop as soon as the shortage
reaches the LP's, rounded up (a row keeps the objective at or above it, so reaching it
proves the optimum). SCIP is hinted with the local search's best; HiGHS starts
without it, as OR-Tools' HiGHS interface crashes on hints. The caller keeps the result
only when it covers better, so the roster never gets worse.

HiGHS replaced SCIP there, measured on the best dives of five dates each of the
seed-2 and seed-3 200x7 weeks (their start rosters, the dive of a 10 s re-plan, MIP
time as given, 2 cores): at 3 s a date the two left 1,182 and 1,188 agent-intervals
short over the ten dates, against their LPs' 1,176; at 5 s HiGHS reached the LP on all
ten (the busiest, seed 2's Monday, 343 in 5.2 s), SCIP stayed above it on five (1,185).
Alone (5 s, no local search first) HiGHS reached the LP on all ten in 1.0-2.9 s.

Before that, measured on the best dives of the dates of two generated 200x7 weeks, 4
s a date: the local search reached the LP's value on eleven dates of twelve, in
0.03-1.5 s, where SCIP (hinted) left four dates of each week above it (seed 1: 40 / 28
against 34 / 24 on two of them; alone it took 42 s to reach the 34); CP-SAT's default portfolio
reached the LP quickly only with two threads, and with one found nothing better than
its start. On two dates of the seed-2 week after dives that also moved shifts it went
the other way: SCIP reached the LP (52, 342) in 0.9 and 2.9 s, the local search in 14
and 11 s. Hence the local search first, SCIP after it. In 60 s runs of the whole
pipeline (seeds 0 / 1 / 2, understaffed agent-minutes): 8,265 / 6,420 / 8,505 with the
two, 8,265 / 6,420 / 8,490 with the local search alone, against 8,265-8,280 /
6,525-6,570 / 8,520-8,550 with SCIP alone; 8,445 on seed 2 (three runs) once column
generation could take the window stage's share too (``decompose.WINDOW_SHARE``).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from shiftcare.activities import (
    OFF_PHONE,
    AgentDate,
    Label,
    Replanner,
    StressLimits,
    count_phone,
    descend,
    phone_gains,
)
from shiftcare.lp import solved_to_optimality

log = logging.getLogger("shiftcare")

MIN_MIP_SECONDS = 0.5
"""A date's MIP is not started with less time than this left."""
DESCEND_SECONDS = 1.0
"""Single re-plans of a date's agent-dates after its MIP, at most."""
LP_TOLERANCE = 1e-6
"""Agents short by which the LP's optimum may exceed a whole number and still round down
to it (GLOP's tolerances)."""
LOCAL_SEARCH = "num_workers: 1 use_ls_only: true"
"""CP-SAT's parameters for the queue MIP: its local search alone, in one thread."""
LOCAL_SEARCH_SHARE = 0.3
"""Share of a date's MIP time for CP-SAT's local search; the branch and bound
(``BRANCH_AND_BOUND``) takes the rest when it did not reach the LP (see the module's
docstring for what each found alone)."""
BRANCH_AND_BOUND = ("HIGHS", "SCIP")
"""The MIP solvers tried, in order, after the local search (the first ``pywraplp``
has, HiGHS only up to ``HIGHS_MAX_AGENT_DATES``)."""
HIGHS_MAX_AGENT_DATES = 250
"""Dates with more agent-dates than this take SCIP after the local search, not HiGHS:
HiGHS was measured to pay on the 200x7 weeks' dates (84-194 agent-dates); on 1000x28,
whose dates of up to 500 agent-dates are its Saturdays (about 300-470 in a greedy
roster), one run each left 183,480 understaffed agent-minutes with HiGHS on every date
of the MIP against 182,100 with SCIP."""
HIGHS_PARAMETERS = "output_flag=false"
"""HiGHS's parameters: silent (its banner would go to standard output)."""


@dataclass
class DateQueueModel:
    """One date's queue-assignment MIP (``pywraplp`` with CP-SAT or SCIP) or its LP
    (GLOP)."""

    solver: pywraplp.Solver
    items: list[AgentDate]
    queue_ids: tuple[str, ...]
    backend: str
    """``pywraplp``'s solver: CP_SAT, HIGHS or SCIP (the queue variables binary) or GLOP
    (the LP)."""
    on_queue: dict[tuple[int, int, int], pywraplp.Variable] = field(default_factory=dict)
    """Per (item position, queue, offset in its shift): the agent on that queue then."""
    shortages: list[pywraplp.Variable] = field(default_factory=list)
    """Agents short per queue and interval some item may take (their sum is minimised)."""
    uncovered: int = 0
    """Agents short where none of the items may take the queue (a constant)."""

    @classmethod
    def of(cls, replanner: Replanner, items: list[AgentDate],
           backend: str = "CP_SAT") -> DateQueueModel | None:
        """The MIP (``backend`` CP_SAT, HIGHS or SCIP) or its LP (GLOP) of ``items`` (one
        date's agent-dates, their phone time out of the replanner's counts); None when the
        solver is not available."""
        solver = pywraplp.Solver.CreateSolver(backend)
        if solver is None:
            return None
        problem = replanner.problem
        model = cls(solver, items, tuple(queue.id for queue in problem.queues), backend)
        heavy = problem.complaint_heavy()
        for position, item in enumerate(items):
            model._add_agent_date(replanner, position, item, heavy)
        model._add_coverage(replanner)
        return model

    def _add_agent_date(self, replanner: Replanner, position: int, item: AgentDate,
                        heavy: npt.NDArray[np.bool_]) -> None:
        """The item's queue variables, at most one an interval, and its stress rows
        (``heavy``: ``Problem.complaint_heavy``)."""
        problem = replanner.problem
        allowed = ~np.isnan(phone_gains(problem, replanner.required, replanner.mode, item,
                                        replanner.counts))
        phone: dict[int, list[pywraplp.Variable]] = {}
        on_heavy: dict[int, list[pywraplp.Variable]] = {}
        for queue, offset in zip(*np.nonzero(allowed), strict=True):
            if item.labels[offset][0] == "break":
                continue
            variable = self.solver.Var(0, 1, self.backend != "GLOP",
                                       f"x{position}_{queue}_{offset}")
            self.on_queue[position, int(queue), int(offset)] = variable
            phone.setdefault(int(offset), []).append(variable)
            if heavy[queue, item.first + offset]:
                on_heavy.setdefault(int(offset), []).append(variable)
        for variables in phone.values():
            if len(variables) > 1:
                self.solver.Add(self.solver.Sum(variables) <= 1)
        if replanner.limits is not None:
            cap = (problem.agents[item.agent_index].max_complaint_stretch_minutes
                   // problem.interval_minutes)
            complaint_rows(self.solver, len(item.labels), phone, on_heavy, cap,
                           replanner.limits)

    def _add_coverage(self, replanner: Replanner) -> None:
        """Agents short per queue and interval the date's agents may take, the objective
        (the other intervals are the constant ``uncovered``; surplus agents are left to
        the single re-plans after it, which take them off the phone where the rules
        allow)."""
        solver = self.solver
        by_cell: dict[tuple[int, int], list[pywraplp.Variable]] = {}
        for (position, queue, offset), variable in self.on_queue.items():
            by_cell.setdefault((queue, self.items[position].first + offset), []).append(
                variable)
        covered = 0
        for (queue, interval), variables in by_cell.items():
            need = int(replanner.required[queue, interval] - replanner.counts[queue, interval])
            if need > 0:
                short = solver.NumVar(0, need, "")
                solver.Add(solver.Sum(variables) + short >= need)
                self.shortages.append(short)
                covered += need
        solver.Minimize(solver.Sum(self.shortages))
        first = min(item.first for item in self.items)
        last = max(item.first + len(item.labels) for item in self.items)
        span = slice(first, last)
        self.uncovered = int(np.clip(replanner.required[:, span] - replanner.counts[:, span],
                                     0, None).sum()) - covered

    def lp_shortage(self) -> float | None:
        """Agents short over the date's span in the LP's optimum (backend GLOP), the
        constant included; None when GLOP did not solve it."""
        if not solved_to_optimality(self.solver):
            return None
        return self.shortage()

    def shortage(self) -> float:
        """Agents short over the date's span in the solver's last solution, the constant
        included."""
        return self.solver.Objective().Value() + self.uncovered

    def _label(self, queue: int) -> Label:
        """The label of an interval on ``queue``."""
        return ("phone", self.queue_ids[queue], True)

    def solve(self, seconds: float, floor: int, hint: list[list[Label]],
              ) -> list[list[Label]] | None:
        """The items' labels in the MIP's best assignment found within ``seconds``,
        starting from ``hint`` (labels per item; HiGHS starts without it), stopping as
        soon as it leaves ``floor`` agents short over the date's span (a lower bound: the
        LP's, rounded up); None when it found none. CP-SAT runs its local search alone
        (``LOCAL_SEARCH``), HiGHS silent (``HIGHS_PARAMETERS``)."""
        if self.backend != "HIGHS":  # OR-Tools' HiGHS interface crashes on hints
            cells = list(self.on_queue)
            self.solver.SetHint(
                [self.on_queue[cell] for cell in cells],
                [float(hint[position][offset] == self._label(queue))
                 for position, queue, offset in cells])
        if floor > self.uncovered:
            row = self.solver.Constraint(floor - self.uncovered, self.solver.infinity())
            for short in self.shortages:
                row.SetCoefficient(short, 1)
        if self.backend == "CP_SAT" \
                and not self.solver.SetSolverSpecificParametersAsString(LOCAL_SEARCH):
            log.warning("queue MIP: CP-SAT refused %r; its default search runs", LOCAL_SEARCH)
        if self.backend == "HIGHS":  # kept for the solve though the call returns False
            self.solver.SetSolverSpecificParametersAsString(HIGHS_PARAMETERS)
        self.solver.SetTimeLimit(max(1, int(seconds * 1000)))
        if self.solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return None
        labels = [[label if label[0] == "break" else OFF_PHONE for label in item.labels]
                  for item in self.items]
        for (position, queue, offset), variable in self.on_queue.items():
            if variable.solution_value() > 0.5:
                labels[position][offset] = self._label(queue)
        return labels


def complaint_rows(solver: pywraplp.Solver, length: int,
                   phone: dict[int, list[pywraplp.Variable]],
                   on_heavy: dict[int, list[pywraplp.Variable]], cap: int,
                   limits: StressLimits) -> None:
    """The stress rules of one agent-date of ``length`` intervals whose queue variables
    are ``phone`` (per offset) and ``on_heavy`` (those of complaint-heavy queues): the
    stretch cap, the recovery after a long run and the daily cap."""
    stretch_rows(solver, length, on_heavy, cap)
    recovery_rows(solver, length, phone, on_heavy, limits)
    if on_heavy and limits.daily_cap < len(on_heavy):
        solver.Add(_heavy_sum(solver, on_heavy, range(length)) <= limits.daily_cap)


def stretch_rows(solver: pywraplp.Solver, length: int,
                 on_heavy: dict[int, list[pywraplp.Variable]], cap: int) -> None:
    """At most ``cap`` complaint-heavy intervals in any ``cap + 1`` in a row."""
    for start in range(max(length - cap, 1)):
        window = range(start, min(start + cap + 1, length))
        if any(offset in on_heavy for offset in window):
            solver.Add(_heavy_sum(solver, on_heavy, window) <= cap)


def recovery_rows(solver: pywraplp.Solver, length: int,
                  phone: dict[int, list[pywraplp.Variable]],
                  on_heavy: dict[int, list[pywraplp.Variable]],
                  limits: StressLimits) -> None:
    """After ``recovery_after`` complaint-heavy intervals in a row that then end, the
    next ``recovery_break`` intervals off the phone (a break counts: it has no
    variable): per run and interval after it, the run's heavy intervals, less the heavy
    one right after it, plus the phone then, at most the run's length."""
    run = limits.recovery_after
    for end in range(run - 1, length - 1):
        stretch = range(end - run + 1, end + 1)
        if not all(offset in on_heavy for offset in stretch):
            continue
        ended = _heavy_sum(solver, on_heavy, stretch) - _heavy_sum(
            solver, on_heavy, range(end + 1, end + 2))
        for after in range(end + 1, min(end + 1 + limits.recovery_break, length)):
            if after in phone:
                solver.Add(ended + solver.Sum(phone[after]) <= run)


def _heavy_sum(solver: pywraplp.Solver, on_heavy: dict[int, list[pywraplp.Variable]],
               offsets: range) -> pywraplp.LinearExpr:
    """The complaint-heavy queue variables of ``offsets``, summed."""
    return solver.Sum([v for offset in offsets for v in on_heavy.get(offset, [])])


def assign_queues(replanner: Replanner, items: list[AgentDate], deadline: float,
                  reach: float | None = None) -> bool:
    """Re-assign the queues of ``items`` (one date's agent-dates) together
    (``DateQueueModel``) until ``deadline`` (``time.monotonic()``) or until they leave no
    more agents short than the MIP's LP (rounded up): CP-SAT's local search for
    ``LOCAL_SEARCH_SHARE`` of the time, then SCIP from its best; then re-plan each alone
    (``activities.descend``: surplus agents off the phone where the rules allow).
    ``reach`` is the MIP's LP (``queue_lp_shortage`` of these shifts and breaks) when
    the caller has it, else it is solved here. False, with nothing changed, when there
    was no time or no solver found an assignment; the caller keeps the result only when
    it covers better."""
    if not items or deadline - time.monotonic() < MIN_MIP_SECONDS:
        return False
    with _phone_out(replanner, items):
        if reach is None:
            reach = _relaxed_shortage(replanner, items)
        found = _best_assignment(replanner, items, deadline, reach)
    if found is None:
        return False
    for item, labels in zip(items, found, strict=True):
        replanner.relabel(item, labels)
    descend(replanner, min(deadline, time.monotonic() + DESCEND_SECONDS), items)
    return True


def _best_assignment(replanner: Replanner, items: list[AgentDate], deadline: float,
                     reach: float | None) -> list[list[Label]] | None:
    """The items' labels (their phone time out of the counts) in the best assignment
    CP-SAT's local search, then the branch and bound (``_branch_and_bound``), found by
    ``deadline``, each stopping at ``reach`` (the MIP's LP, None when unknown) rounded
    up; None when none did."""
    floor = 0 if reach is None else math.ceil(reach - LP_TOLERANCE)
    best: tuple[float, list[list[Label]]] | None = None
    hint = [item.labels for item in items]
    for backend, share in (("CP_SAT", LOCAL_SEARCH_SHARE),
                           (_branch_and_bound(len(items)), 1.0)):
        started = time.monotonic()
        if started >= deadline or backend is None:
            break
        model = DateQueueModel.of(replanner, items, backend)
        labels = None if model is None else model.solve(share * (deadline - started), floor,
                                                        hint)
        if model is None or labels is None:
            continue
        log.debug("date %d: %s leaves %.0f agent-intervals short (LP %d) after %.1f s",
                  items[0].shift.day, backend, model.shortage(), floor,
                  time.monotonic() - started)
        if best is None or model.shortage() < best[0] - LP_TOLERANCE:
            best = (model.shortage(), labels)
            hint = labels
        if best[0] < floor + LP_TOLERANCE:
            break
    return None if best is None else best[1]


def _branch_and_bound(agent_dates: int) -> str | None:
    """The first of ``BRANCH_AND_BOUND`` this OR-Tools build has for a date of
    ``agent_dates`` agent-dates (HiGHS up to ``HIGHS_MAX_AGENT_DATES``), None when
    none."""
    return next((name for name in BRANCH_AND_BOUND if _available(name)
                 and (name != "HIGHS" or agent_dates <= HIGHS_MAX_AGENT_DATES)), None)


@functools.cache
def _available(name: str) -> bool:
    """Whether this OR-Tools build has the ``pywraplp`` solver ``name``."""
    return pywraplp.Solver.CreateSolver(name) is not None


def queue_lp_shortage(replanner: Replanner, items: list[AgentDate]) -> float | None:
    """Agents short over the span of ``items`` (one date's agent-dates) in the LP of
    their queue MIP (``DateQueueModel.lp_shortage``): what the MIP can at best reach with
    their shifts and breaks, and on the 200x7 weeks measured what it did reach."""
    with _phone_out(replanner, items):
        return _relaxed_shortage(replanner, items)


def _relaxed_shortage(replanner: Replanner, items: list[AgentDate]) -> float | None:
    """Agents short in the optimum of the items' queue LP (their phone time out of the
    counts); None when GLOP is not available or did not solve it."""
    model = DateQueueModel.of(replanner, items, "GLOP")
    return None if model is None else model.lp_shortage()


@contextlib.contextmanager
def _phone_out(replanner: Replanner, items: list[AgentDate]) -> Iterator[None]:
    """The items' phone time out of the replanner's counts while the block runs (their
    models count against the other agents' alone), put back after."""
    for item in items:
        count_phone(replanner.problem, item, replanner.counts, -1)
    try:
        yield
    finally:
        for item in items:
            count_phone(replanner.problem, item, replanner.counts, 1)
