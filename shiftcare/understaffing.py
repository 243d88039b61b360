"""The lower bound on understaffed agent-minutes in the Summary sheet.

The best of three bounds, each valid whatever roster is found:

- the compact class LP with understaffing the only cost (``bound.solve_compact_lp``);
- a Lagrangian bound at that LP's coverage duals with exact week pricing
  (``lagrangian_understaffing``): the duals price each agent-interval on the phone, each
  class of interchangeable agents (``bound.agent_classes``) takes its best week under
  them (``WeekPricing``: per date and candidate shift the day programme of
  ``activities.Programme``, with breaks and every stress rule, then a programme over the
  dates within the contract), and the bound is the duals times the requirement less
  every agent's best week. It is never below the LP's (each agent's own week is one of
  the class model's points) and above it where the class model spreads runs and
  recoveries over its agents in fractions;
- the compact MIP's root node (``bound.compact_mip_understaffing``).

``BackgroundBound`` works it out in a process of its own while the large path plans.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import numpy as np
import numpy.typing as npt

from shiftcare.activities import (
    AgentDate,
    Programme,
    StressLimits,
    candidate_date,
    phone_gains,
    stress_limits,
)
from shiftcare.bound import (
    UNDERSTAFFING_WEIGHTS,
    agent_classes,
    below_optimum,
    compact_mip_understaffing,
    history_streak,
    solve_compact_lp,
    whole_agent_minutes,
)
from shiftcare.model.options import Candidate, candidate_shifts
from shiftcare.problem import Mode, Problem

log = logging.getLogger("shiftcare")

Cover = Counter[tuple[int, int]]
"""Phone intervals of a column per (queue, interval)."""
WeekState = tuple[float, int, int, int]
"""(end of the shift on the date before, else minus infinity; dates worked in a row;
dates worked; paid minutes) of a week so far."""


@dataclass(frozen=True)
class DayPattern:
    """One date's best pattern on one candidate shift under the current duals."""

    worth: float
    candidate: Candidate
    cover: Cover


class WeekPricing:
    """Exact pricing of week columns for every class under one set of duals: each class
    must be of truly interchangeable agents (``bound.agent_classes``), as its first
    agent's candidate shifts and contract stand for all of them."""

    def __init__(self, problem: Problem, required: npt.NDArray[np.int64],
                 classes: list[list[int]], mode: Mode) -> None:
        self.problem = problem
        self.mode = mode
        self.required = required
        self.classes = classes
        self.limits: StressLimits | None = stress_limits(problem, mode)
        self.candidates = [[[c for c in candidate_shifts(problem, group[0], day) if not c.blockers]
                            for day in range(problem.days)] for group in classes]
        self.masks: dict[tuple[object, ...], npt.NDArray[np.bool_]] = {}
        self.no_counts = np.zeros_like(required)

    def _profile(self, agent_index: int) -> tuple[object, ...]:
        """What an agent's day patterns depend on besides the shift: skills, complaint
        eligibility and stretch cap."""
        agent = self.problem.agents[agent_index]
        return agent.skills, agent.complaint_eligible, agent.max_complaint_stretch_minutes

    def _allowed(self, item: AgentDate) -> npt.NDArray[np.bool_]:
        """Per (queue, offset of the item's shift): whether its agent may take that queue
        then (``activities.phone_gains``: skills, a requirement, complaint eligibility)."""
        key = (self._profile(item.agent_index), item.first, len(item.labels))
        if key not in self.masks:
            self.masks[key] = ~np.isnan(phone_gains(self.problem, self.required, self.mode, item,
                                                    self.no_counts))
        return self.masks[key]

    def day_pattern(self, candidate: Candidate,
                    duals: npt.NDArray[np.float64]) -> DayPattern | None:
        """The candidate shift's pattern worth the most under ``duals`` (None when its
        breaks cannot all be placed)."""
        problem = self.problem
        item = candidate_date(problem, candidate)
        first, length = item.first, len(item.labels)
        allowed = self._allowed(item)
        gains = np.full(allowed.shape, np.nan)
        gains[allowed] = duals[:, first:first + length][allowed]
        found = Programme.of(problem, item, gains, self.limits, place_breaks=True).best(problem)
        if found is None:
            return None
        labels, worth = found
        cover: Cover = Counter((problem.queue_index(detail), first + offset)
                               for offset, (kind, detail, _) in enumerate(labels)
                               if kind == "phone")
        return DayPattern(worth, candidate, cover)

    def best_weeks(self, duals: npt.NDArray[np.float64],
                   deadline: float = math.inf) -> list[tuple[float, Cover]] | None:
        """Per class, its best week's worth and cover under ``duals`` (per queue and
        interval, padded by a day for shifts that end past the horizon); None when
        ``deadline`` (``time.monotonic()``) passes first."""
        patterns: dict[tuple[object, ...], DayPattern | None] = {}
        weeks = []
        for index, group in enumerate(self.classes):
            if time.monotonic() >= deadline:
                return None
            days = []
            for day_candidates in self.candidates[index]:
                found = []
                for candidate in day_candidates:
                    key = (self._profile(group[0]), candidate.start, candidate.shift_type.id)
                    if key not in patterns:
                        patterns[key] = self.day_pattern(candidate, duals)
                    pattern = patterns[key]
                    if pattern is not None and pattern.worth > 0:
                        found.append(pattern)
                days.append(found)
            weeks.append(self._best_week(group[0], days))
        return weeks

    def _best_week(self, agent_index: int,
                   days: list[list[DayPattern]]) -> tuple[float, Cover]:
        """The agent's best week of the day patterns: within max days, max consecutive
        days (History's included), max paid hours and min rest between shifts on
        adjacent dates (min hours and rest across a day off are left out, which can only
        raise its worth)."""
        agent = self.problem.agents[agent_index]
        rest = round(agent.min_rest_hours * 60)
        most_paid = round(agent.max_hours * 60)
        streak = history_streak(self.problem, agent_index)
        states: dict[WeekState, tuple[float, tuple[DayPattern, ...]]] = {
            (-math.inf, streak, 0, 0): (0.0, ())}
        for patterns in days:
            following: dict[WeekState, tuple[float, tuple[DayPattern, ...]]] = {}
            for (last_end, in_row, worked, paid), (worth, chosen) in states.items():
                _keep(following, (-math.inf, 0, worked, paid), worth, chosen)
                if in_row >= agent.max_consecutive_days or worked >= agent.max_days:
                    continue
                for pattern in patterns:
                    candidate = pattern.candidate
                    total = paid + candidate.shift_type.paid_minutes
                    if candidate.start - last_end < rest or total > most_paid:
                        continue
                    _keep(following, (candidate.end, in_row + 1, worked + 1, total),
                          worth + pattern.worth, (*chosen, pattern))
            states = following
        worth, chosen = max(states.values(), key=lambda entry: entry[0])
        cover: Cover = Counter()
        for pattern in chosen:
            cover.update(pattern.cover)
        return worth, cover


def _keep(states: dict[WeekState, tuple[float, tuple[DayPattern, ...]]], key: WeekState,
          worth: float, chosen: tuple[DayPattern, ...]) -> None:
    """Keep ``chosen`` as ``key``'s week so far when it is worth the most yet."""
    if key not in states or worth > states[key][0]:
        states[key] = (worth, chosen)


def lagrangian_understaffing(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                             duals: npt.NDArray[np.float64],
                             deadline: float = math.inf) -> float | None:
    """A lower bound on understaffed agent-intervals from ``duals`` (per queue and
    interval, clipped to 0..1): the duals times the requirement less, for every agent,
    its best week's phone intervals priced at the duals (``WeekPricing``). None when
    ``deadline`` passes first.

    Valid whatever the duals: for any roster, each interval's shortfall is at least the
    requirement less the agents on the phone, so with prices between 0 and 1 its
    understaffing is at least the prices times the requirement less the prices of every
    agent's phone intervals, and no agent's week is worth more than its best. Min hours,
    preferences and rest across a day off are left out of the weeks, which can only
    raise their worth and lower the bound."""
    horizon = required.shape[1]
    prices = np.zeros((required.shape[0], horizon + problem.intervals_per_day))
    prices[:, :horizon] = np.where(required > 0, np.clip(duals, 0.0, 1.0), 0.0)
    classes = agent_classes(problem)
    weeks = WeekPricing(problem, required, classes, mode).best_weeks(prices, deadline)
    return None if weeks is None else lagrangian_value(required, prices, classes, weeks)


def lagrangian_value(required: npt.NDArray[np.int64], prices: npt.NDArray[np.float64],
                     classes: list[list[int]], weeks: list[tuple[float, Cover]]) -> float:
    """The prices (per queue and interval, padded past the horizon) times the
    requirement, less every agent's best week under them (``WeekPricing.best_weeks`` of
    ``classes``: each class's worth once per agent), in agent-intervals."""
    return float((prices[:, :required.shape[1]] * required).sum()) - sum(
        len(group) * worth for group, (worth, _) in zip(classes, weeks, strict=True))


def understaffing_lower_bound(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                              seconds: float) -> float | None:
    """The best lower bound on understaffed agent-minutes found within ``seconds``: the
    compact LP's (understaffing the only cost), the Lagrangian bound at its duals
    (``lagrangian_understaffing``) and then, with the time left, the compact MIP's
    (``compact_mip_understaffing``). None when the LP is not solved within ``seconds``.

    The Lagrangian and the MIP run only where the LP leaves some agent short: where it
    leaves none, a roster without understaffing is usually at hand, and SCIP's root node
    spent seconds proving nothing more (4.6 s on the 40-agent medium sample)."""
    started = time.monotonic()
    deadline = started + seconds
    solved = solve_compact_lp(problem, required, mode, UNDERSTAFFING_WEIGHTS, seconds)
    if solved is None:
        return None
    lp, duals = solved
    bounds = [whole_agent_minutes(problem, lp)]
    if bounds[0] == 0:
        return 0.0
    lagrangian = lagrangian_understaffing(problem, required, mode, duals, deadline)
    if lagrangian is not None:
        bounds.append(whole_agent_minutes(problem, below_optimum(lagrangian)))
        log.info("Lagrangian bound: understaffed %s agent-min in %.1f s",
                 f"{bounds[-1]:,.0f}", time.monotonic() - started)
    left = deadline - time.monotonic()
    mip = compact_mip_understaffing(problem, required, mode, left) if left > 1.0 else None
    if mip is not None:
        bounds.append(mip)
    return max(bounds)


@dataclass
class BackgroundBound:
    """``understaffing_lower_bound`` worked out in a forked process, on a core the caller
    leaves idle; ``result`` collects it. Where the platform cannot fork there is none."""

    process: BaseProcess | None
    receiver: Connection | None

    @classmethod
    def start(cls, problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
              seconds: float) -> BackgroundBound:
        """Starts the process, which stops on its own within ``seconds``."""
        if "fork" not in multiprocessing.get_all_start_methods():
            return cls(None, None)
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_send_understaffing_bound, daemon=True,
                                  args=(sender, problem, required, mode, seconds))
        process.start()
        sender.close()
        return cls(process, receiver)

    def result(self) -> float | None:
        """The bound (agent-minutes) if the process has sent it, without waiting; the
        process is stopped either way (``stop``)."""
        value: float | None = None
        if self.receiver is not None:
            with contextlib.suppress(EOFError):  # the process ended without sending
                if self.receiver.poll(0):
                    value = self.receiver.recv()
        self.stop()
        return value

    def stop(self) -> None:
        """Ends the process, if still running, and closes the pipe; safe to call again."""
        if self.process is not None:
            self.process.terminate()
            self.process.join()
            self.process = None
        if self.receiver is not None:
            self.receiver.close()
            self.receiver = None

    def __enter__(self) -> BackgroundBound:
        return self

    def __exit__(self, *exception: object) -> None:
        self.stop()


def _send_understaffing_bound(sender: Connection, problem: Problem,
                              required: npt.NDArray[np.int64], mode: Mode,
                              seconds: float) -> None:
    """``BackgroundBound``'s process: computes the bound and sends it (None on failure)."""
    try:
        sender.send(understaffing_lower_bound(problem, required, mode, seconds))
    except Exception as error:  # the roster must never depend on the bound
        log.warning("the understaffing bound could not be computed: %s", error)
        sender.send(None)
    finally:
        sender.close()


