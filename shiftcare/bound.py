"""A lower bound on the objective, independent of CP-SAT's search: an aggregated LP.

The CP-SAT model is linear, so relaxing every variable to its continuous range gives
a linear program whose optimum can only be lower than any roster's objective. Agents
who are interchangeable (same contract, skills, shift types, stress limits,
availability and history) are merged into one class: the class's variables count
agents (0..size) and each per-agent constraint is summed over the class (its bounds
times the size). Any roster maps to a solution of this smaller LP with the same
objective, so its optimum is still a valid bound. The fairness term (never negative)
is left out. The LP is solved with GLOP (OR-Tools' simplex); constraints with
enforcement literals are dropped, which only weakens the bound.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from shiftcare.lp import solved_to_optimality
from shiftcare.model.builder import ShiftPolicy
from shiftcare.model.options import candidate_shifts, open_dates
from shiftcare.problem import Mode, Problem, Settings

log = logging.getLogger("shiftcare")

UNDERSTAFFING_WEIGHTS = (1.0, 0.0, 0.0)
"""The compact model's weights (``build_compact_model``) with understaffing the only cost."""


def _literal_term(ref: int) -> tuple[int, float, float]:
    """A CP-SAT literal reference as (variable, coefficient, constant)."""
    if ref >= 0:
        return ref, 1.0, 0.0
    return -ref - 1, -1.0, 1.0


def agent_classes(problem: Problem) -> list[list[int]]:
    """Groups of interchangeable agents (indices), in first-appearance order."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, agent in enumerate(problem.agents):
        availability = tuple(sorted(
            (a.day, a.status, a.window_from or -1, a.window_to or -1)
            for a in problem.availability if a.agent_id == agent.id))
        history = problem.history_of(agent.id)
        roster = tuple(sorted((e.day, e.start, e.end, e.shift_type or "")
                              for e in problem.existing_roster or () if e.agent_id == agent.id))
        key = (replace(agent, id="", name="", row=None), availability, roster,
               None if history is None else (history.last_shift_end,
                                             history.consecutive_days_worked))
        groups.setdefault(key, []).append(index)
    return list(groups.values())


def aggregated_lp_bound(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                        seconds: float, objective_scale: int,
                        policy: ShiftPolicy | None = None) -> float | None:
    """A valid lower bound on the objective (CP-SAT's scaled integer units), or None."""
    settings = replace(problem.settings, weight_complaint_fairness=0.0)
    found = _aggregated_lp(problem, settings, required, mode, seconds, policy)
    if found is None:
        return None
    value, scale = found
    assert scale == objective_scale
    return value


def _aggregated_lp(problem: Problem, settings: Settings, required: npt.NDArray[np.int64],
                   mode: Mode, seconds: float,
                   policy: ShiftPolicy | None) -> tuple[float, int] | None:
    """The aggregated LP optimum under ``settings``' weights and the model's objective scale."""
    from shiftcare.model.builder import build_model

    started = time.monotonic()
    classes = agent_classes(problem)
    representatives = [problem.agents[group[0]] for group in classes]
    kept = {a.id for a in representatives}
    reduced = problem.replace(
        agents=tuple(representatives),
        availability=tuple(a for a in problem.availability if a.agent_id in kept),
        history=tuple(h for h in problem.history if h.agent_id in kept),
        existing_roster=None if problem.existing_roster is None else tuple(
            e for e in problem.existing_roster if e.agent_id in kept),
        settings=settings,
    )
    built = build_model(reduced, required, mode, policy=policy)
    size_of_var: dict[int, int] = {}
    for agent_day in built.agent_days:
        size = len(classes[agent_day.agent_index])
        variables = [*agent_day.shift_vars, *agent_day.break_vars.values(),
                     *agent_day.phone.values()]
        size_of_var.update((v.index, size) for v in variables)
    log.info("LP bound: %d agents in %d classes", len(problem.agents), len(classes))
    remaining = seconds - (time.monotonic() - started)
    if remaining <= 0.5:
        return None
    value = lp_lower_bound(built.model.proto, remaining, size_of_var)
    return None if value is None else (value, built.objective_scale)


def lp_lower_bound(proto: Any, seconds: float,
                   size_of_var: dict[int, int] | None = None) -> float | None:
    """The LP relaxation optimum of ``proto``'s minimisation, in CP-SAT objective units.

    ``size_of_var`` maps a variable to the number of agents it stands for; a constraint
    whose variables all stand for one class has its bounds multiplied by that size.
    Returns None when the LP is not solved to optimality within ``seconds``.
    """
    sizes = size_of_var or {}
    started = time.monotonic()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None or not proto.has_objective():
        return None
    infinity = solver.infinity()
    variables = []
    for index, variable in enumerate(proto.variables):
        bounds = list(variable.domain)
        size = sizes.get(index, 1)
        lower = float(bounds[0]) * size if index in sizes else min(0.0, float(bounds[0]))
        variables.append(solver.NumVar(lower, float(bounds[-1]) * size, ""))
    for constraint in proto.constraints:
        if constraint.enforcement_literal:
            continue
        _add_relaxed(solver, variables, constraint, infinity, _class_size(constraint, sizes))
    objective = solver.Objective()
    for ref, coefficient in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective.SetCoefficient(variables[ref], float(coefficient))
    objective.SetMinimization()
    solver.SetTimeLimit(max(1, int(1000 * (seconds - (time.monotonic() - started)))))
    if not solved_to_optimality(solver):
        log.info("LP bound: not solved to optimality in %.1f s", seconds)
        return None
    value = objective.Value() + proto.objective.offset
    value -= 1e-7 * abs(value) + 1e-3  # floating-point tolerance: stay a valid bound
    log.info("LP bound %.1f in %.1f s", value, time.monotonic() - started)
    return value


def _class_size(constraint: Any, sizes: dict[int, int]) -> int:
    """The class size when every variable of ``constraint`` stands for one class, else 1."""
    refs = list(constraint.linear.vars) if constraint.has_linear() else [
        ref if ref >= 0 else -ref - 1
        for kind in ("at_most_one", "exactly_one", "bool_or")
        if getattr(constraint, f"has_{kind}")()
        for ref in getattr(constraint, kind).literals
    ]
    found = {sizes.get(ref, 0) for ref in refs}
    return found.pop() if len(found) == 1 and 0 not in found else 1


def _add_relaxed(
    solver: pywraplp.Solver,
    variables: list[pywraplp.Variable],
    constraint: Any,
    infinity: float,
    size: int,
) -> None:
    """Add the relaxation of one linear, at-most-one, exactly-one or or-constraint.

    Its constant bounds are multiplied by ``size`` (the agents its variables stand for).
    """
    if constraint.has_linear():
        domain = list(constraint.linear.domain)
        lower, upper = domain[0], domain[-1]
        row = solver.RowConstraint(
            -infinity if lower <= -(2**62) else float(lower) * size,
            infinity if upper >= 2**62 else float(upper) * size,
            "",
        )
        for ref, coefficient in zip(constraint.linear.vars, constraint.linear.coeffs,
                                    strict=True):
            row.SetCoefficient(variables[ref], float(coefficient))
        return
    kind = next((k for k in ("at_most_one", "exactly_one", "bool_or")
                 if getattr(constraint, f"has_{k}")()), None)
    if kind is not None:
        literals = getattr(constraint, kind).literals
        constant = 0.0
        terms: dict[int, float] = {}
        for ref in literals:
            index, coefficient, offset = _literal_term(ref)
            terms[index] = terms.get(index, 0.0) + coefficient
            constant += offset
        lower = {"at_most_one": -infinity, "exactly_one": 1.0, "bool_or": 1.0}[kind]
        upper = {"at_most_one": 1.0, "exactly_one": 1.0, "bool_or": infinity}[kind]
        constant *= size
        row = solver.RowConstraint(lower * size - constant if math.isfinite(lower) else lower,
                                   upper * size - constant if math.isfinite(upper) else upper,
                                   "")
        for index, coefficient in terms.items():
            row.SetCoefficient(variables[index], coefficient)


@dataclass(frozen=True)
class CompactBound:
    """Lower bounds from the compact class LP; None where the LP was not solved."""

    objective: float | None
    """On the objective, in workbook weight units (as ``SolveInfo.objective``)."""
    understaffed_minutes: float | None
    """On understaffed agent-minutes."""


def contract_classes(problem: Problem, mode: Mode) -> list[list[int]]:
    """Agents grouped by what the compact LP keeps: skills, shift types, contract, eligibility.

    In stress-aware mode the stretch cap splits classes too. Availability and History
    enter the compact LP only as per-class caps (``available_agents``), so they do not
    split classes.
    """
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, agent in enumerate(problem.agents):
        stress = mode == "stress-aware"
        key = (agent.skills, agent.shift_types, agent.min_hours, agent.max_hours,
               agent.max_days, agent.max_consecutive_days, agent.complaint_eligible or not stress,
               problem.stretch_cap_minutes(agent) if stress else 0)
        groups.setdefault(key, []).append(index)
    return list(groups.values())


def compact_lp_bounds(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                      seconds: float, understaffing: bool = True,
                      runs: bool = True) -> CompactBound:
    """Valid lower bounds on the objective and on understaffed agent-minutes.

    A relaxation of the CP-SAT model over classes of agents (``contract_classes``): per
    class, day and shift start the number of agents working it; per break rule and start
    interval the number on that break; per queue and interval the number on the phone.
    It keeps one shift per agent and date, max days, min/max hours, max consecutive
    days, every break once inside its shift's window, one activity per interval, skills,
    complaint eligibility, and in stress-aware mode the daily complaint cap and the
    stretch cap with recovery summed over each class (``_add_compact_runs``,
    ``_add_compact_recoveries``), and
    availability and History rest as caps per class (a candidate's count at most the
    class's agents allowed to work it, ``available_agents``, shared out by availability
    pattern, ``_add_availability_patterns``), History's consecutive days summed per
    class (``_add_history_streaks``), per set of dates at most the dates its agents can
    each work there (``_add_workable_dates``); it drops rest between the
    horizon's own shifts, break spacing, preferences and fairness. Every
    roster maps to a feasible point with the same coverage and a cost no lower than
    the LP's, so both optima (understaffing alone, then the full weighted objective)
    are valid bounds. Each LP gets half of ``seconds``; with ``understaffing=False`` only
    the full objective's LP is solved, with all of ``seconds``. ``runs=False`` drops the
    summed stretch-cap and recovery rows (the relaxation the shift plan solves).
    """
    started = time.monotonic()
    under = (_solve_compact(problem, required, mode, UNDERSTAFFING_WEIGHTS, seconds / 2, runs)
             if understaffing else None)
    under_minutes = None if under is None else whole_agent_minutes(problem, under)
    left = seconds - (time.monotonic() - started)
    full = (_solve_compact(problem, required, mode, full_objective_weights(problem.settings),
                           left, runs)
            if left > 0.5 else None)
    objective = None if full is None else objective_bound(problem.settings, required, full)
    log.info("compact LP bounds: objective %s, understaffed %s agent-min in %.1f s",
             "n/a" if objective is None else f"{objective:,.1f}",
             "n/a" if under_minutes is None else f"{under_minutes:,.0f}",
             time.monotonic() - started)
    return CompactBound(objective, under_minutes)


def whole_agent_minutes(problem: Problem, intervals: float) -> float:
    """A bound on understaffed agent-intervals (already lowered by the solver's tolerance)
    rounded up to whole agent-intervals, in agent-minutes."""
    return float(math.ceil(max(0.0, intervals) - 1e-6) * problem.interval_minutes)


def proven_agent_minutes(problem: Problem, intervals: float) -> float:
    """A solver's bound on understaffed agent-intervals, lowered by its floating-point
    tolerance (``below_optimum``) and rounded up to whole agent-intervals, in
    agent-minutes."""
    return whole_agent_minutes(problem, below_optimum(intervals))


MIP_BOUND_PARAMETERS = "limits/nodes = 1"
"""SCIP stops after the root node: on 200x7 its cuts there gave the whole gain, and
branching raised the bound no further in 240 s."""


def compact_mip_understaffing(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                              seconds: float) -> float | None:
    """A lower bound on understaffed agent-minutes: the compact model of
    ``compact_lp_bounds`` (understaffing the only cost, min hours dropped) with every
    count whole, given to SCIP for its root node within ``seconds``
    (``MIP_BOUND_PARAMETERS``), its dual bound lowered by the solver's tolerance
    (``below_optimum``) and rounded up to whole agent-intervals.

    Every variable of the compact model counts agents (of a class on a shift, on a break,
    on a queue, short), so any roster maps to a whole-numbered feasible point with its own
    understaffing, and any dual bound SCIP proves on the MIP is a valid bound. Dropping
    min hours only weakens it, and lets SCIP's trivial heuristic find a solution (nobody
    at work), without which it reports no bound. SCIP's cuts at the root raised it above
    the LP's on generated weeks (see benchmarks/README.md). None when SCIP is unavailable
    or proved nothing above 0 (it stopped before solving its root LP: on a slow machine
    SCIP's root LP of a 200x7 week alone can take the whole budget)."""
    started = time.monotonic()
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:
        return None
    compact = build_compact_model(solver, problem, required, mode, UNDERSTAFFING_WEIGHTS,
                                  min_hours=False)
    for variable in solver.variables():
        variable.SetInteger(True)
    remaining = seconds - (time.monotonic() - started)
    if remaining <= 0.2:
        return None
    solver.SetTimeLimit(max(1, int(1000 * remaining)))
    solver.SetSolverSpecificParametersAsString(MIP_BOUND_PARAMETERS)
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        log.info("compact MIP: no bound within %.1f s (status %d)", seconds, status)
        return None
    bound = float(compact.objective.BestBound())
    if not math.isfinite(bound) or bound <= 0:
        log.info("compact MIP: no bound above 0 within %.1f s", seconds)
        return None
    minutes = proven_agent_minutes(problem, bound)
    log.info("compact MIP bound: understaffed %s agent-min in %.1f s", f"{minutes:,.0f}",
             time.monotonic() - started)
    return minutes


def full_objective_weights(settings: Settings) -> tuple[float, float, float]:
    """The compact model's weights (per understaffed agent-interval, per agent-interval on
    the phone, per paid minute) for the full objective, on CP-SAT's 1/60 grid. Each
    agent-interval on the phone saves one of overstaffing or understaffing, so
    understaffing weighs ``understaffing + overstaffing`` and the phone ``overstaffing``,
    and ``objective_bound`` takes the constant ``overstaffing x required`` off."""
    scale = 60
    return (
        round((settings.weight_understaffing + settings.weight_overstaffing) * scale) / scale,
        round(settings.weight_overstaffing * scale) / scale,
        round(settings.weight_paid_hour / 60 * scale) / scale,
    )


def objective_bound(settings: Settings, required: npt.NDArray[np.int64],
                    lp_value: float) -> float:
    """A lower bound on the objective (workbook units) from the compact LP's optimum with
    ``full_objective_weights`` (already lowered by ``below_optimum``)."""
    return lp_value - settings.weight_overstaffing * float(required.sum())


def understaffing_objective_bound(problem: Problem, understaffed_minutes: float) -> float:
    """A lower bound on the objective (workbook units) from one on understaffed
    agent-minutes: every roster pays for at least that understaffing and, min hours
    being hard, for every agent's min hours; overstaffing, preferences and fairness cost
    at least nothing."""
    settings = problem.settings
    least_paid_minutes = sum(agent.min_paid_minutes for agent in problem.agents)
    return (settings.weight_understaffing * understaffed_minutes / problem.interval_minutes
            + settings.weight_paid_hour * least_paid_minutes / 60)


def below_optimum(value: float) -> float:
    """An LP optimum lowered by GLOP's floating-point tolerance, so it stays a valid bound."""
    return value - (1e-7 * abs(value) + 1e-4)


ShiftVarFactory = Callable[[pywraplp.Solver, int, list[int], int, list[Any]],
                          tuple[list[pywraplp.Variable], float]]
"""(solver, class index, agents of the class, date, candidates) -> one variable per
candidate (agents of the class working it) and the most agents of the class at work."""


ShiftKey = tuple[int, int, str, int]
"""(class index of ``contract_classes``, date, shift type id, start minute): one shift
count of the compact model and of the day-pattern master."""
CoverageRows = dict[tuple[int, int], pywraplp.Constraint]
"""Per (queue, interval) with a requirement: its coverage row (``add_coverage_rows``)."""


@dataclass
class CompactModel:
    """The compact class model in a pywraplp solver, with handles to read a solution."""

    objective: Any
    shift_vars: dict[ShiftKey, pywraplp.Variable]
    """(class index, date, shift type id, start minute) -> agents of the class working it."""
    unders: list[pywraplp.Variable]
    classes: list[list[int]]
    coverage: CoverageRows
    """(queue index, interval) -> its coverage row (phone agents plus understaffing at
    least the requirement); its dual is what one more agent on the phone there saves."""


def relaxed_shift_vars(problem: Problem, solver: pywraplp.Solver, class_index: int,
                       group: list[int], day: int, candidates: list[Any],
                       ) -> tuple[list[pywraplp.Variable], float]:
    """Continuous counts per candidate (the LP relaxation), shared out among the class's
    agents by what their availability (and History rest) allows on ``day``
    (``_add_availability_patterns``); at most the agents who may work that date at work."""
    available, present = available_agents(problem, group, day)
    shifts = [solver.NumVar(0.0, float(available.get((c.shift_type.id, c.start), 0)), "")
              for c in candidates]
    _add_availability_patterns(problem, solver, group, day, candidates, shifts)
    return shifts, float(present)


def _add_availability_patterns(problem: Problem, solver: pywraplp.Solver, group: list[int],
                               day: int, candidates: list[Any],
                               shifts: list[pywraplp.Variable]) -> None:
    """Agents with the same allowed candidates on ``day`` form a pattern; each candidate's
    count is split over the patterns allowing it, and each pattern works at most its
    agents' shifts (a transportation of agents to candidates, so agents allowed only late
    starts never count towards early ones). Nothing is added when every agent of the class
    may work every candidate."""
    keys = [(c.shift_type.id, c.start) for c in candidates]
    patterns: dict[frozenset[tuple[str, int]], int] = defaultdict(int)
    for agent_index in group:
        allowed = frozenset((c.shift_type.id, c.start)
                            for c in candidate_shifts(problem, agent_index, day)
                            if not c.blockers)
        if allowed:
            patterns[allowed] += 1
    if len(patterns) <= 1 and all(set(keys) <= allowed for allowed in patterns):
        return
    splits: dict[tuple[str, int], list[pywraplp.Variable]] = defaultdict(list)
    for allowed, agents in patterns.items():
        row = solver.RowConstraint(0.0, float(agents), "")
        for key in sorted(allowed):  # a set's order would change with the string hash
            share = solver.NumVar(0.0, float(agents), "")
            row.SetCoefficient(share, 1.0)
            splits[key].append(share)
    for key, var in zip(keys, shifts, strict=True):
        row = solver.RowConstraint(0.0, 0.0, "")
        row.SetCoefficient(var, -1.0)
        for share in splits.get(key, []):
            row.SetCoefficient(share, 1.0)


def available_agents(problem: Problem, group: list[int],
                     day: int) -> tuple[dict[tuple[str, int], int], int]:
    """Agents of the class whose availability (and History rest) allows each candidate
    (type, start) on ``day``, and those who may work any shift that day."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    present = 0
    for agent_index in group:
        unblocked = [c for c in candidate_shifts(problem, agent_index, day) if not c.blockers]
        present += 1 if unblocked else 0
        for candidate in unblocked:
            counts[(candidate.shift_type.id, candidate.start)] += 1
    return counts, present


def build_compact_model(solver: pywraplp.Solver, problem: Problem,
                        required: npt.NDArray[np.int64], mode: Mode,
                        weights: tuple[float, float, float],
                        make_shift_vars: ShiftVarFactory | None = None,
                        runs: bool = True, min_hours: bool = True) -> CompactModel:
    """The compact model of ``under_w * under + phone_w * phone + paid_w * paid minutes``.

    Per class of agents with the same contract, date and candidate shift: how many of the
    class work it; per break rule and start interval, how many are on that break; per
    queue and interval, how many are on the phone. See ``compact_lp_bounds`` for the rules
    it keeps and drops; ``runs=False`` leaves out the summed stretch-cap and recovery rows,
    ``min_hours=False`` the contracts' min hours. ``make_shift_vars`` defaults to
    ``relaxed_shift_vars``.
    """
    make_vars = make_shift_vars or partial(relaxed_shift_vars, problem)
    under_w, phone_w, paid_w = weights
    infinity = solver.infinity()
    interval = problem.interval_minutes
    horizon = problem.num_intervals
    heavy = problem.complaint_heavy()
    stress = mode == "stress-aware"
    daily_cap = problem.settings.max_complaint_intervals_per_day
    objective = solver.Objective()
    phone_at: dict[tuple[int, int], list[pywraplp.Variable]] = defaultdict(list)
    classes = contract_classes(problem, mode)
    shift_vars: dict[ShiftKey, pywraplp.Variable] = {}
    for class_index, group in enumerate(classes):
        agent = problem.agents[group[0]]
        size = float(len(group))
        works_by_day: list[list[pywraplp.Variable]] = []
        paid_row = class_paid_row(solver, problem, group, min_hours)
        for day in range(problem.days):
            candidates = candidate_shifts(problem, group[0], day)
            shifts = add_class_date_shifts(solver, make_vars, class_index, group, day,
                                           candidates, paid_row)
            works_by_day.append(shifts)
            if not candidates:
                continue
            on_shift: dict[int, list[pywraplp.Variable]] = defaultdict(list)
            busy: dict[int, list[pywraplp.Variable]] = defaultdict(list)
            for candidate, var in zip(candidates, shifts, strict=True):
                shift_vars[(class_index, day, candidate.shift_type.id, candidate.start)] = var
                objective.SetCoefficient(var, paid_w * float(candidate.shift_type.paid_minutes))
                for t in range(candidate.start_interval(interval),
                               candidate.end_interval(interval)):
                    on_shift[t].append(var)
            _add_compact_breaks(solver, candidates, shifts, interval, busy)
            complaint_at: dict[int, list[pywraplp.Variable]] = defaultdict(list)
            phone_of_class: dict[int, list[pywraplp.Variable]] = defaultdict(list)
            complaint_row = solver.RowConstraint(-infinity, 0.0, "") if stress else None
            if complaint_row is not None:
                for var in shifts:
                    complaint_row.SetCoefficient(var, -float(daily_cap))
            for t, covering in on_shift.items():
                row = solver.RowConstraint(-infinity, 0.0, "")
                for var in covering:
                    row.SetCoefficient(var, -1.0)
                for var in busy.get(t, []):
                    row.SetCoefficient(var, 1.0)
                if t >= horizon:
                    continue
                for q, queue in enumerate(problem.queues):
                    is_heavy = bool(heavy[q, t])
                    if required[q, t] <= 0 or queue.id not in agent.skills:
                        continue
                    if is_heavy and stress and not agent.complaint_eligible:
                        continue
                    phone = solver.NumVar(0.0, size, "")
                    row.SetCoefficient(phone, 1.0)
                    objective.SetCoefficient(phone, phone_w)
                    phone_at[(q, t)].append(phone)
                    phone_of_class[t].append(phone)
                    if is_heavy and complaint_row is not None:
                        complaint_row.SetCoefficient(phone, 1.0)
                        complaint_at[t].append(phone)
            if stress and runs and complaint_at:
                cap = problem.stretch_cap_minutes(agent) // interval
                recovery_after = problem.settings.recovery_after_intervals
                _add_compact_runs(solver, candidates, shifts, interval, complaint_at,
                                  phone_of_class, cap, recovery_after)
                if cap >= recovery_after:
                    _add_compact_recoveries(solver, candidates, shifts, interval,
                                            complaint_at, phone_of_class, recovery_after,
                                            problem.settings.recovery_break_intervals)
        add_class_week_rows(solver, problem, group, works_by_day)
    unders, coverage = add_coverage_rows(solver, required, under_w)
    for key, row in coverage.items():
        for phone in phone_at.get(key, []):
            row.SetCoefficient(phone, 1.0)
    objective.SetMinimization()
    return CompactModel(objective, shift_vars, unders, classes, coverage)


def add_coverage_rows(solver: pywraplp.Solver, required: npt.NDArray[np.int64],
                      under_weight: float) -> tuple[list[pywraplp.Variable], CoverageRows]:
    """Per (queue, interval) with a requirement, queue-major: agents short (0 up to the
    requirement, ``under_weight`` each in the objective) and the row that the agents on the
    phone, added by the caller, plus those short are at least the requirement."""
    unders: list[pywraplp.Variable] = []
    coverage: CoverageRows = {}
    objective = solver.Objective()
    queues, intervals = required.shape
    for q in range(queues):
        for t in range(intervals):
            need = float(required[q, t])
            if need <= 0:
                continue
            under = solver.NumVar(0.0, need, "")
            unders.append(under)
            objective.SetCoefficient(under, under_weight)
            row = solver.RowConstraint(need, solver.infinity(), "")
            row.SetCoefficient(under, 1.0)
            coverage[(q, t)] = row
    return unders, coverage


def class_paid_row(solver: pywraplp.Solver, problem: Problem, group: list[int],
                   min_hours: bool = True) -> pywraplp.Constraint:
    """The class's paid minutes over the horizon: between its agents' min hours (when
    ``min_hours``) and max hours, times the class's size."""
    agent = problem.agents[group[0]]
    size = float(len(group))
    least = agent.min_paid_minutes * size if min_hours else 0.0
    return solver.RowConstraint(least, agent.max_paid_minutes * size, "")


def add_class_date_shifts(solver: pywraplp.Solver, make_vars: ShiftVarFactory,
                          class_index: int, group: list[int], day: int,
                          candidates: list[Any], paid_row: pywraplp.Constraint,
                          ) -> list[pywraplp.Variable]:
    """One variable per candidate shift of the class on ``day`` (``make_vars``): at most
    the class's agents who may work that date at work, their paid minutes in
    ``paid_row``."""
    shifts, most_at_work = make_vars(solver, class_index, group, day, candidates)
    if candidates:
        one_shift = solver.RowConstraint(0.0, most_at_work, "")
        for candidate, var in zip(candidates, shifts, strict=True):
            one_shift.SetCoefficient(var, 1.0)
            paid_row.SetCoefficient(var, float(candidate.shift_type.paid_minutes))
    return shifts


def add_class_week_rows(solver: pywraplp.Solver, problem: Problem, group: list[int],
                        works_by_day: list[list[pywraplp.Variable]]) -> None:
    """The class's rows over its dates: max days and max consecutive days
    (``_add_compact_days``), History's streaks (``_add_history_streaks``) and the dates
    its agents can work per set of dates (``_add_workable_dates``)."""
    agent = problem.agents[group[0]]
    _add_compact_days(solver, agent.max_days, agent.max_consecutive_days, float(len(group)),
                      works_by_day)
    _add_history_streaks(solver, agent.max_consecutive_days, works_by_day,
                         [history_streak(problem, i) for i in group])
    _add_workable_dates(solver, problem, group, works_by_day)


def _solve_compact(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                   weights: tuple[float, float, float], seconds: float,
                   runs: bool = True) -> float | None:
    """The compact LP optimum of ``under_w * under + phone_w * phone + paid_w * paid minutes``
    (lowered by ``below_optimum``); None when GLOP does not prove optimality within
    ``seconds``."""
    solved = solve_compact_lp(problem, required, mode, weights, seconds, runs)
    return None if solved is None else solved[0]


def solve_compact_lp(problem: Problem, required: npt.NDArray[np.int64], mode: Mode,
                     weights: tuple[float, float, float], seconds: float,
                     runs: bool = True,
                     ) -> tuple[float, npt.NDArray[np.float64]] | None:
    """``_solve_compact``'s optimum and its coverage rows' duals per (queue, interval) (0
    where nothing is required); None when GLOP does not prove optimality within
    ``seconds``.
    """
    started = time.monotonic()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    compact = build_compact_model(solver, problem, required, mode, weights, runs=runs)
    remaining = seconds - (time.monotonic() - started)
    if remaining <= 0.2:
        return None
    solver.SetTimeLimit(max(1, int(1000 * remaining)))
    if not solved_to_optimality(solver):
        log.info("compact LP: not solved to optimality in %.1f s", seconds)
        return None
    duals = np.zeros(required.shape)
    for (q, t), row in compact.coverage.items():
        duals[q, t] = row.dual_value()
    return below_optimum(float(compact.objective.Value())), duals


def _add_compact_breaks(solver: pywraplp.Solver, candidates: list[Any],
                        shifts: list[pywraplp.Variable], interval: int,
                        busy: dict[int, list[pywraplp.Variable]]) -> None:
    """Break starts per candidate shift, break rule and start interval: the agents working
    a candidate take each break of its type once, inside that candidate's window (a
    transportation of shifts to starts, so a window never lends its breaks to another
    shift's); the break's intervals go to ``busy``."""
    for candidate, var in zip(candidates, shifts, strict=True):
        for rule in candidate.shift_type.breaks:
            count = solver.RowConstraint(0.0, 0.0, "")
            count.SetCoefficient(var, -1.0)
            first = (candidate.start + rule.earliest_start_after_minutes) // interval
            last = (candidate.start + rule.latest_start_after_minutes) // interval
            for t in range(first, last + 1):
                start = solver.NumVar(0.0, solver.infinity(), "")
                count.SetCoefficient(start, 1.0)
                for u in range(t, t + rule.duration_minutes // interval):
                    busy[u].append(start)


def _add_compact_runs(solver: pywraplp.Solver, candidates: list[Any],
                      shifts: list[pywraplp.Variable], interval: int,
                      complaint: dict[int, list[pywraplp.Variable]],
                      phone: dict[int, list[pywraplp.Variable]], cap: int,
                      recovery_after: int) -> None:
    """The stretch cap and recovery rule, summed over a class's agents on one date.

    With ``cap`` K and ``recovery_after`` R (intervals, K >= R), one agent on complaint-heavy
    calls in all of t .. t+R-1 is in a run that needs recovery and ends by t+K-1, so they
    are off the phone once in t+R .. t+K: complaint intervals in t .. t+R-1 plus phone
    intervals in t+R .. t+K are at most K, and at most the intervals of their shift in
    t .. t+K. Summed over the agents of each candidate shift this bounds the class's
    counts. With K < R no run needs recovery: complaint intervals in t .. t+K are at
    most K.
    """
    first_part = recovery_after if cap >= recovery_after else cap + 1
    for t in sorted(complaint):
        row = solver.RowConstraint(-solver.infinity(), 0.0, "")
        for u in range(t, t + first_part):
            for var in complaint.get(u, []):
                row.SetCoefficient(var, 1.0)
        for u in range(t + first_part, t + cap + 1):
            for var in phone.get(u, []):
                row.SetCoefficient(var, 1.0)
        _add_shift_room(row, candidates, shifts, interval, (t, t + cap + 1), cap)


def _add_compact_recoveries(solver: pywraplp.Solver, candidates: list[Any],
                            shifts: list[pywraplp.Variable], interval: int,
                            complaint: dict[int, list[pywraplp.Variable]],
                            phone: dict[int, list[pywraplp.Variable]], recovery_after: int,
                            recovery: int) -> None:
    """Recovery comes at once, summed over a class's agents on one date.

    With ``recovery_after`` R and ``recovery`` B (intervals): one agent on
    complaint-heavy calls in all of t .. t+R-1 either goes on with the run at t+R or is
    off the phone in t+R .. t+R+B-1, so complaint intervals in t .. t+R-1, less
    complaint at t+R, plus phone at t+R+j (calm phone only, for j = 0) are at most R,
    and at most the intervals of their shift in t .. t+R+j. ``_add_compact_runs``'
    rows let the recovery fall anywhere before the stretch cap, also after calm phone
    (measured on a 200 x 7 Saturday: its fixed LP rose from 40.5 agent-intervals to the
    per-agent 53.0).
    """
    for t in sorted(complaint):
        if not all(u in complaint for u in range(t, t + recovery_after)):
            continue
        run = [var for u in range(t, t + recovery_after) for var in complaint[u]]
        after = t + recovery_after
        heavy_after = complaint.get(after, [])
        for j in range(recovery):
            row = solver.RowConstraint(-solver.infinity(), 0.0, "")
            for var in run:
                row.SetCoefficient(var, 1.0)
            if j == 0:
                calm = set(map(id, heavy_after))
                for var in phone.get(after, []):
                    if id(var) not in calm:
                        row.SetCoefficient(var, 1.0)
            else:
                for var in heavy_after:
                    row.SetCoefficient(var, -1.0)
                for var in phone.get(after + j, []):
                    row.SetCoefficient(var, 1.0)
            _add_shift_room(row, candidates, shifts, interval, (t, after + j + 1),
                            recovery_after)


def _add_shift_room(row: pywraplp.Constraint, candidates: list[Any],
                    shifts: list[pywraplp.Variable], interval: int, window: tuple[int, int],
                    most: int) -> None:
    """Give ``row`` (at most 0) minus, per candidate shift's agent, the intervals of the
    shift inside ``window`` (first, end; intervals), at most ``most``."""
    for candidate, var in zip(candidates, shifts, strict=True):
        overlap = max(0, min(candidate.end_interval(interval), window[1])
                      - max(candidate.start_interval(interval), window[0]))
        if overlap:
            row.SetCoefficient(var, -float(min(most, overlap)))


def _add_compact_days(solver: pywraplp.Solver, max_days: int, max_consecutive: int,
                      size: float, works_by_day: list[list[pywraplp.Variable]]) -> None:
    """Max dates over the horizon and max dates in any ``max_consecutive + 1`` window."""
    total = solver.RowConstraint(0.0, max_days * size, "")
    for shifts in works_by_day:
        for var in shifts:
            total.SetCoefficient(var, 1.0)
    span = max_consecutive + 1
    for first in range(len(works_by_day) - span + 1):
        row = solver.RowConstraint(0.0, max_consecutive * size, "")
        for shifts in works_by_day[first:first + span]:
            for var in shifts:
                row.SetCoefficient(var, 1.0)


def history_streak(problem: Problem, agent_index: int) -> int:
    """Dates in a row the agent worked up to the day before date 0 (History), else 0."""
    history = problem.history_of(problem.agents[agent_index].id)
    return 0 if history is None else history.consecutive_days_worked


def _add_history_streaks(solver: pywraplp.Solver, max_consecutive: int,
                         works_by_day: list[list[pywraplp.Variable]],
                         streaks: list[int]) -> None:
    """Max consecutive days across the horizon's start, summed over a class: an agent who
    worked ``s`` dates in a row before date 0 works at most ``j`` of dates 0 .. j when
    ``s + j + 1`` exceeds the maximum (one of them is a rest day), else all ``j + 1``."""
    if not any(streaks):
        return
    for last in range(min(max_consecutive, len(works_by_day))):
        length = last + 1
        cap = sum(length - 1 if streak > 0 and streak + length > max_consecutive else length
                  for streak in streaks)
        if cap >= length * len(streaks):
            continue
        row = solver.RowConstraint(0.0, float(cap), "")
        for shifts in works_by_day[:length]:
            for var in shifts:
                row.SetCoefficient(var, 1.0)


MAX_DATES_FOR_ALL_SUBSETS = 8
"""Horizons up to this many dates get a workable-dates row for every set of dates; longer
ones for every run of consecutive dates."""


def _add_workable_dates(solver: pywraplp.Solver, problem: Problem, group: list[int],
                        works_by_day: list[list[pywraplp.Variable]]) -> None:
    """Per set of dates, the class works at most what its agents can each work there
    (``workable_dates``: open dates, max days, max consecutive days with History), where
    that is less than the class's rows for max days and consecutive days allow. Every
    set of dates for short horizons, runs of consecutive dates for longer ones. An
    agent off on two of six dates works at most four of them, while the class's
    max-days row (five dates each) and its per-date caps let the class's other agents'
    room count for it."""
    days = len(works_by_day)
    patterns = Counter((frozenset(open_dates(problem, i)), history_streak(problem, i))
                       for i in group)
    agent = problem.agents[group[0]]
    for dates in _date_sets(days):
        if not any(works_by_day[d] for d in dates):
            continue
        most = sum(agents * workable_dates(dates & opened, agent.max_days,
                                           agent.max_consecutive_days, streak)
                   for (opened, streak), agents in patterns.items())
        if most >= min(len(dates), agent.max_days) * len(group):
            continue
        row = solver.RowConstraint(0.0, float(most), "")
        for d in dates:
            for var in works_by_day[d]:
                row.SetCoefficient(var, 1.0)


def _date_sets(days: int) -> list[frozenset[int]]:
    """Every non-empty set of dates (up to ``MAX_DATES_FOR_ALL_SUBSETS`` dates), else
    every run of consecutive dates."""
    if days <= MAX_DATES_FOR_ALL_SUBSETS:
        return [frozenset(d for d in range(days) if mask >> d & 1)
                for mask in range(1, 1 << days)]
    return [frozenset(range(first, last + 1))
            for first in range(days) for last in range(first, days)]


def workable_dates(dates: frozenset[int], max_days: int, max_consecutive: int,
                   history_streak: int) -> int:
    """The most of ``dates`` one agent can work: at most ``max_days``, and never more
    than ``max_consecutive`` dates in a row counting the ``history_streak`` dates worked
    before date 0 (dates outside ``dates`` are rest days)."""
    best: dict[int, int] = {history_streak: 0}
    for day in range(max(dates, default=-1) + 1):
        following: dict[int, int] = {}
        for streak, worked in best.items():
            following[0] = max(following.get(0, 0), worked)
            if day in dates and streak < max_consecutive and worked < max_days:
                following[streak + 1] = max(following.get(streak + 1, 0), worked + 1)
        best = following
    return max(best.values())
