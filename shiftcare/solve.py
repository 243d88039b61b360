"""Runs CP-SAT on the model of a Problem and turns the result into a Solution."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from shiftcare.bound import (
    aggregated_lp_bound,
    compact_lp_bounds,
    understaffing_objective_bound,
)
from shiftcare.decompose import LargeOptions, is_large, solve_large, worker_count
from shiftcare.evaluate import validate
from shiftcare.greedy import greedy_roster
from shiftcare.model import BuiltModel, build_model
from shiftcare.model.builder import ShiftPolicy
from shiftcare.model.hints import add_roster_shift_hints, add_solution_hint
from shiftcare.model.objective import objective_value, scaled_objective
from shiftcare.problem import Mode, Problem
from shiftcare.solution import (
    ActivityBlock,
    ActivityKind,
    Shift,
    Solution,
    SolveInfo,
    Status,
    merge_blocks,
)
from shiftcare.staffing import required_agents
from shiftcare.understaffing import understaffing_lower_bound

log = logging.getLogger("shiftcare")

DETERMINISTIC_SHARE = 0.5
"""Deterministic time of a one-worker solve, as a share of the wall-clock limit left
after the LP bound's share (``lp_bound_share``): well below 1, so a slow or loaded
machine still stops on deterministic time (the same roster). Measured on a 2-core
machine, one worker, with CP-SAT's interleaved search (in ``solve``): the small
sample (20 s) stops on its 7 deterministic seconds at 9.5 s with no agent short, where
5.6 left 480 understaffed agent-minutes; the medium sample (60 s) on its 21 at 42.6 s
(2,415 agent-minutes short, as with the plain search; two workers in parallel, 45).
CP-SAT's plain one-worker search, 0.35 deterministic seconds a second there, hit the
wall clock first at this share on the small sample (reruns differed) and left 405-435
agent-minutes short at any share."""
WARM_START_SHARE = 0.2
"""Share of the time limit spent placing activities in the input Roster's shifts."""
GREEDY_HINT_MIN_VARIABLES = 0
"""Models above this many variables start from the greedy roster (measured: medium sample,
60 s, 2 workers: stress-aware 555 vs 5,070 understaffed agent-minutes with and without)."""
AGGREGATED_LP_MAX_VARIABLES = 60_000
"""Above this many model variables only the compact LP bound runs (measured: the
aggregated LP did not finish in 120 s on 200 agents x 7 days, 99 classes, ~190k
variables; the compact LP took 1 s there)."""
ProgressFn = Callable[[float, float, float], None]
"""Called on each improving roster with (seconds, objective, best bound)."""


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings; ``None`` takes the workbook's Settings value."""

    mode: Mode = "stress-aware"
    time_limit_seconds: float | None = None
    workers: int | None = None
    seed: int | None = None
    log_search: bool = False
    lp_bound_share: float = 0.3
    """Share of the time limit the LP lower bound may use before CP-SAT starts (0 = skip)."""
    greedy_hint: bool | None = None
    """Hint CP-SAT with the greedy roster; None = above ``GREEDY_HINT_MIN_VARIABLES``."""
    deterministic_seconds: float | None = None
    """With one worker CP-SAT also stops after this much deterministic time (about seconds
    on an idle core); None = ``DETERMINISTIC_SHARE`` of the time limit less the LP
    bound's share. Set it from the
    user's limit, not from what is left of it, so that reruns stop at the same point."""
    policy: ShiftPolicy = field(default_factory=ShiftPolicy)
    """How the input Roster binds the shifts (free, keep, fixed) and the cost of changes."""

    def time_limit(self, problem: Problem) -> float:
        """The wall-clock limit in seconds: this option's, else the workbook's Settings."""
        if self.time_limit_seconds is None:
            return float(problem.settings.time_limit_seconds)
        return float(self.time_limit_seconds)


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Reports every improving roster to ``progress``."""

    def __init__(self, built: BuiltModel, progress: ProgressFn, bound_floor: float | None,
                 started: float) -> None:
        super().__init__()
        self._built = built
        self._progress = progress
        self._bound_floor = bound_floor
        self._started = started

    def on_solution_callback(self) -> None:
        bound = self.best_objective_bound
        if self._bound_floor is not None:
            bound = max(bound, min(self._bound_floor, self.objective_value))
        self._progress(
            time.monotonic() - self._started,
            objective_value(self._built, self.objective_value),
            objective_value(self._built, bound),
        )


def solver_parameters(problem: Problem, options: SolveOptions) -> cp_model.CpSolver:
    """A CpSolver with time limit, workers and seed from options, else Settings."""
    settings = problem.settings
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = options.time_limit(problem)
    workers = settings.workers if options.workers is None else options.workers
    solver.parameters.num_workers = worker_count(workers)
    solver.parameters.random_seed = settings.seed if options.seed is None else options.seed
    solver.parameters.log_search_progress = options.log_search
    return solver


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    progress: ProgressFn | None = None,
    required: npt.NDArray[np.int64] | None = None,
) -> Solution:
    """Build and solve the model; the Solution is empty unless status is OPTIMAL/FEASIBLE.

    Free-shift problems above ``decompose.LARGE_AGENT_DAYS`` agent-dates get the greedy
    roster improved block by block (fix-and-optimise) with the compact LP bound instead
    (``decompose.solve_large``).
    """
    options = options or SolveOptions()
    started = time.monotonic()
    if required is None:
        required = required_agents(problem)
    if is_large(problem) and options.policy.keeping == "free" and not problem.existing_roster:
        parameters = solver_parameters(problem, options).parameters
        limit = parameters.max_time_in_seconds
        large = LargeOptions(limit, parameters.num_workers, parameters.random_seed)
        return solve_large(problem, required, options.mode, max(1.0, min(60.0, 0.2 * limit)),
                           large, progress)
    built = build_model(problem, required, options.mode, policy=options.policy)
    greedy: Solution | None = None
    if problem.existing_roster:
        greedy = roster_warm_start(problem, required, options)
        if greedy is not None:
            add_solution_hint(built, greedy)
        else:
            add_roster_shift_hints(built)
    elif _wants_greedy_hint(built, options):
        greedy = greedy_roster(problem, required, options.mode)
        add_solution_hint(built, greedy)
    proto = built.model.proto
    log.info("model: %d variables, %d constraints (built in %.1f s)",
             len(proto.variables), len(proto.constraints), time.monotonic() - started)
    solver = solver_parameters(problem, options)
    bounds = IndependentBounds(None, None)
    if options.lp_bound_share > 0:
        budget = options.lp_bound_share * solver.parameters.max_time_in_seconds
        bounds = independent_bound(built, options, budget)
    lp_bound = bounds.objective
    remaining = solver.parameters.max_time_in_seconds - (time.monotonic() - started)
    if solver.parameters.num_workers == 1:
        # One worker interleaves CP-SAT's portfolio (its LNS and local search included,
        # which a plain one-worker search leaves out) and stops on deterministic time
        # (independent of machine load): a rerun gives the same roster unless the wall
        # clock runs out first.
        solver.parameters.interleave_search = True
        solver.parameters.max_deterministic_time = max(1.0, deterministic_budget(
            options, solver.parameters.max_time_in_seconds))
    solver.parameters.max_time_in_seconds = max(1.0, remaining)
    callback = _ProgressCallback(built, progress, lp_bound, started) if progress else None
    status_code = solver.solve(built.model, callback)
    status: Status = solver.status_name(status_code)  # type: ignore[assignment]
    info = SolveInfo(
        status=status,
        mode=options.mode,
        solve_seconds=round(time.monotonic() - started, 3),
        num_variables=len(proto.variables),
        num_constraints=len(proto.constraints),
        understaffed_bound=bounds.understaffed_minutes,
    )
    if status not in ("OPTIMAL", "FEASIBLE"):
        if status == "UNKNOWN" and greedy is not None:
            return greedy_fallback(built, greedy, info, lp_bound)
        return Solution((), (), info)
    best_bound = solver.best_objective_bound
    if lp_bound is not None and status == "FEASIBLE":
        best_bound = max(best_bound, min(lp_bound, solver.objective_value))
    info = SolveInfo(
        status=status,
        mode=options.mode,
        objective=objective_value(built, solver.objective_value),
        best_bound=objective_value(built, best_bound),
        solve_seconds=info.solve_seconds,
        num_variables=info.num_variables,
        num_constraints=info.num_constraints,
        understaffed_bound=info.understaffed_bound,
    )
    shifts, blocks = extract_roster(built, solver)
    return Solution(shifts, blocks, info)


def deterministic_budget(options: SolveOptions, time_limit_seconds: float) -> float:
    """The deterministic-time limit of a one-worker solve (see ``deterministic_seconds``)."""
    if options.deterministic_seconds is not None:
        return options.deterministic_seconds
    return DETERMINISTIC_SHARE * (1.0 - options.lp_bound_share) * time_limit_seconds


def roster_warm_start(problem: Problem, required: npt.NDArray[np.int64],
                      options: SolveOptions) -> Solution | None:
    """The input Roster's shifts with breaks and queues placed, as a complete warm start.

    Only for free shifts: a short solve that keeps the Roster's shifts
    (``WARM_START_SHARE`` of the time limit). None when that finds no roster (the
    Roster breaks a rule, say); the caller then hints the shifts alone.
    """
    if options.policy.keeping != "free":
        return None
    limit = options.time_limit(problem)
    keep = replace(options, policy=ShiftPolicy("keep"), lp_bound_share=0.0, greedy_hint=False,
                   time_limit_seconds=max(1.0, WARM_START_SHARE * limit),
                   deterministic_seconds=WARM_START_SHARE * deterministic_budget(options, limit))
    log.info("warm start: placing breaks and queues in the input Roster's shifts")
    solution = solve(problem, keep, None, required)
    if solution.info.status in ("OPTIMAL", "FEASIBLE"):
        return solution
    log.warning("the input Roster cannot be kept as it is (%s); hinting its shifts only",
                solution.info.status)
    return None


def greedy_fallback(built: BuiltModel, greedy: Solution, info: SolveInfo,
                    lp_bound: float | None) -> Solution:
    """The greedy roster as a FEASIBLE result when CP-SAT found none in time.

    Only a roster that the solver-independent validator accepts (no hard violation, and
    no stress violation in stress-aware mode) is returned; otherwise an empty Solution.
    """
    violations = validate(built.problem, greedy)
    if any(not v.stress or built.mode == "stress-aware" for v in violations):
        return Solution((), (), info)
    log.warning("CP-SAT found no roster within the time limit; keeping the greedy roster")
    raw = hinted_objective(built)
    bound = None if lp_bound is None else min(lp_bound, raw)
    return greedy.replace(info=replace(
        info, status="FEASIBLE", objective=objective_value(built, raw),
        best_bound=None if bound is None else objective_value(built, bound)))


def hinted_objective(built: BuiltModel) -> float:
    """CP-SAT's (scaled) objective at the model's complete solution hint."""
    proto = built.model.proto
    hint = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))

    def value(ref: int) -> int:
        return hint.get(ref, 0) if ref >= 0 else 1 - hint.get(-ref - 1, 0)

    objective = proto.objective
    total = sum(c * value(v) for v, c in zip(objective.vars, objective.coeffs, strict=True))
    return float(total + objective.offset)


@dataclass(frozen=True)
class IndependentBounds:
    """Lower bounds proven outside CP-SAT's search; None where none was found in time."""

    objective: float | None
    """On the objective, in CP-SAT's scaled units."""
    understaffed_minutes: float | None
    """On understaffed agent-minutes (``understaffing.understaffing_lower_bound``)."""


def independent_bound(built: BuiltModel, options: SolveOptions,
                      seconds: float) -> IndependentBounds:
    """The best lower bounds found within ``seconds``.

    When shifts are free, the compact model's bound on understaffing (a third of
    ``seconds``, with the objective it implies, ``bound.understaffing_objective_bound``)
    and its LP bound on the objective (seconds even for 1,000 agents x 28 days) run
    first; the aggregated LP (tighter, but GLOP needs minutes above about
    ``AGGREGATED_LP_MAX_VARIABLES``) runs on smaller models or other policies.
    """
    started = time.monotonic()
    problem, required = built.problem, built.required
    bounds: list[float] = []
    understaffed = None
    if options.policy.keeping == "free":
        understaffed = understaffing_lower_bound(problem, required, options.mode, seconds / 3)
        if understaffed is not None:
            floor = understaffing_objective_bound(problem, understaffed)
            bounds.append(scaled_objective(built, floor))
        left = seconds - (time.monotonic() - started)
        compact = compact_lp_bounds(problem, required, options.mode, left / 2,
                                    understaffing=False)
        if compact.objective is not None:
            bounds.append(scaled_objective(built, compact.objective))
    small = len(built.model.proto.variables) <= AGGREGATED_LP_MAX_VARIABLES
    left = seconds - (time.monotonic() - started)
    if small or options.policy.keeping != "free":
        aggregated = aggregated_lp_bound(problem, required, options.mode, left,
                                         built.objective_scale, options.policy)
        if aggregated is not None:
            bounds.append(aggregated)
    return IndependentBounds(max(bounds) if bounds else None, understaffed)


def _wants_greedy_hint(built: BuiltModel, options: SolveOptions) -> bool:
    """Whether to start from the greedy roster (see ``GREEDY_HINT_MIN_VARIABLES``)."""
    if options.greedy_hint is not None:
        return options.greedy_hint
    return len(built.model.proto.variables) > GREEDY_HINT_MIN_VARIABLES


def extract_roster(
    built: BuiltModel, solver: cp_model.CpSolver
) -> tuple[tuple[Shift, ...], tuple[ActivityBlock, ...]]:
    """The chosen shifts and the activity blocks that tile each of them."""
    problem = built.problem
    interval = built.interval
    shifts: list[Shift] = []
    blocks: list[ActivityBlock] = []
    for agent_day in built.agent_days:
        chosen = [c for c, v in zip(agent_day.candidates, agent_day.shift_vars, strict=True)
                  if solver.boolean_value(v)]
        if not chosen:
            continue
        candidate = chosen[0]
        agent_id = agent_day.agent.id
        shifts.append(Shift(agent_id, agent_day.day, candidate.shift_type.id,
                            candidate.start, candidate.end))
        first = candidate.start_interval(interval)
        labels: list[tuple[ActivityKind, str, bool]] = [
            ("recovery", "", True) for _ in range(candidate.end_interval(interval) - first)
        ]
        rules = {b.name: b for b in candidate.shift_type.breaks}
        for (type_id, name, t), var in agent_day.break_vars.items():
            if type_id == candidate.shift_type.id and solver.boolean_value(var):
                for u in range(t, t + rules[name].duration_minutes // interval):
                    labels[u - first] = ("break", name, rules[name].paid)
        for (q, t), var in agent_day.phone.items():
            if first <= t < first + len(labels) and solver.boolean_value(var):
                labels[t - first] = ("phone", problem.queues[q].id, True)
        blocks.extend(merge_blocks(agent_id, agent_day.day, candidate.start, interval, labels))
    return tuple(shifts), tuple(blocks)


