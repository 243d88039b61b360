"""Builds the CP-SAT model of a Problem: variables per agent-day, then one module per rule.

Variables (all Boolean, created only where the rules allow them):

- ``shift[c]``: candidate shift ``c`` (type, start) is worked;
- ``break_start[(type, break, interval)]``: that break of the day's shift starts there;
- ``phone[(queue, interval)]``: on the phone for that queue in that interval.

Idle on-shift time (``recovery``) is the slack of
``sum(phone) + on_break <= on_shift``, so it needs no variables. Every rule module adds
its constraints through :meth:`BuiltModel.guard`, which returns the enforcement
literals of a rule group (none in a normal solve, one assumption literal per group in
the infeasibility diagnosis).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from shiftcare.model.options import Blocker, Candidate, candidate_shifts, roster_candidate
from shiftcare.problem import Agent, Mode, Problem

ShiftKeeping = Literal["free", "keep", "fixed"]


@dataclass(frozen=True)
class ShiftPolicy:
    """How the input Roster's shifts bind the model.

    ``free``: shifts are optimised (the input roster is only a warm start);
    ``keep``: only the input's shifts may be worked, contracts still hold;
    ``fixed``: the input's shifts are worked exactly as given and contract rules are not
    enforced (``evaluate`` reports them instead). ``change_weight`` is the objective cost
    of each agent-date whose shift differs from the input's (``--min-change``).
    """

    keeping: ShiftKeeping = "free"
    change_weight: float = 0.0

BreakKey = tuple[str, str, int]  # (shift type id, break name, start interval)


@dataclass
class AgentDay:
    """The variables of one agent on one shift date."""

    agent_index: int
    agent: Agent
    day: int
    candidates: list[Candidate]
    shift_vars: list[cp_model.IntVar]
    break_vars: dict[BreakKey, cp_model.IntVar] = field(default_factory=dict)
    phone: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)

    def works(self) -> cp_model.LinearExprT:
        """1 when the agent works a shift on this date."""
        return cp_model.LinearExpr.sum(self.shift_vars)

    def phone_at(self, t: int) -> list[cp_model.IntVar]:
        return [v for (q, u), v in self.phone.items() if u == t]


@dataclass
class BuiltModel:
    """A CP-SAT model with the handles the solver, the hints and the extractor need."""

    problem: Problem
    mode: Mode
    required: npt.NDArray[np.int64]
    model: cp_model.CpModel
    agent_days: list[AgentDay]
    diagnose: bool = False
    policy: ShiftPolicy = field(default_factory=ShiftPolicy)
    guards: dict[str, cp_model.IntVar] = field(default_factory=dict)
    guard_sources: dict[str, list[Blocker]] = field(default_factory=dict)
    objective_terms: list[tuple[cp_model.LinearExprT, int]] = field(default_factory=list)
    objective_scale: int = 60
    under: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    objective_offset_units: float = 0.0
    fairness: tuple[cp_model.IntVar, cp_model.IntVar, list[list[cp_model.IntVar]]] | None = None
    """(most, least, complaint phone variables per fairness agent) of the fairness term."""

    @property
    def interval(self) -> int:
        return self.problem.interval_minutes

    def guard(self, group: str, sheet: str = "", row: int | None = None) -> list[cp_model.IntVar]:
        """Enforcement literals of a rule group: ``[]`` normally, an assumption when diagnosing."""
        if not self.diagnose:
            return []
        if group not in self.guards:
            self.guards[group] = self.model.new_bool_var(f"guard[{group}]")
            self.guard_sources[group] = []
        if sheet:
            self.guard_sources[group].append(Blocker(group, sheet, row))
        return [self.guards[group]]

    def add_objective(self, expression: cp_model.LinearExprT, weight_per_unit: float) -> None:
        """Add ``weight * expression`` to the objective (weights are scaled to integers)."""
        scaled = round(weight_per_unit * self.objective_scale)
        if scaled != 0:
            self.objective_terms.append((expression, scaled))

    def by_agent(self) -> dict[int, list[AgentDay]]:
        grouped: dict[int, list[AgentDay]] = defaultdict(list)
        for agent_day in self.agent_days:
            grouped[agent_day.agent_index].append(agent_day)
        return grouped


def build_model(
    problem: Problem,
    required: npt.NDArray[np.int64],
    mode: Mode = "stress-aware",
    diagnose: bool = False,
    policy: ShiftPolicy | None = None,
) -> BuiltModel:
    """The full CP-SAT model of ``problem`` for ``mode`` with requirements (queues, intervals)."""
    from shiftcare.model import breaks, contracts, coverage, objective, shifts, stress

    built = BuiltModel(problem, mode, required, cp_model.CpModel(), [], diagnose=diagnose,
                       policy=policy or ShiftPolicy())
    _create_agent_days(built)
    shifts.add_shift_rules(built)
    shifts.add_change_cost(built)
    breaks.add_break_rules(built)
    _create_phone_vars(built)
    shifts.add_one_activity_per_interval(built)
    if built.policy.keeping != "fixed":
        contracts.add_contract_rules(built)
    if mode == "stress-aware":
        stress.add_stress_rules(built)
    stress.add_fairness_objective(built)
    coverage.add_coverage(built)
    objective.set_objective(built)
    return built


def _create_agent_days(built: BuiltModel) -> None:
    """One AgentDay per agent and date that has at least one candidate shift."""
    problem = built.problem
    roster = {(e.agent_id, e.day): e for e in problem.existing_roster or ()}
    for agent_index, agent in enumerate(problem.agents):
        for day in range(problem.days):
            if built.policy.keeping == "free":
                candidates = candidate_shifts(problem, agent_index, day)
            else:
                entry = roster.get((agent.id, day))
                candidates = [roster_candidate(problem, entry)] if entry else []
            if not built.diagnose and built.policy.keeping != "fixed":
                candidates = [c for c in candidates if not c.blockers]
            if not candidates:
                continue
            shift_vars = [
                built.model.new_bool_var(f"shift[{agent.id},{day},{c.shift_type.id},{c.start}]")
                for c in candidates
            ]
            built.agent_days.append(AgentDay(agent_index, agent, day, candidates, shift_vars))


def phone_allowed(built: BuiltModel, agent: Agent, queue_index: int, t: int) -> bool:
    """Whether a phone variable is worth creating for (agent, queue, interval)."""
    problem = built.problem
    if t >= problem.num_intervals or built.required[queue_index, t] <= 0:
        return False
    if problem.queues[queue_index].id not in agent.skills:
        return False
    heavy = bool(problem.complaint_heavy()[queue_index, t])
    return not (heavy and built.mode == "stress-aware" and not agent.complaint_eligible)


def _create_phone_vars(built: BuiltModel) -> None:
    """Phone variables for every interval an agent-day's candidates may cover."""
    problem = built.problem
    interval = built.interval
    for agent_day in built.agent_days:
        covered: set[int] = set()
        for candidate in agent_day.candidates:
            covered.update(range(candidate.start_interval(interval),
                                 candidate.end_interval(interval)))
        for t in sorted(covered):
            for q in range(len(problem.queues)):
                if not phone_allowed(built, agent_day.agent, q, t):
                    continue
                agent_day.phone[(q, t)] = built.model.new_bool_var(
                    f"phone[{agent_day.agent.id},{agent_day.day},{q},{t}]"
                )
