"""Infeasible rules are explained by a minimal set of conflicting rule groups."""

from __future__ import annotations

from shiftcare.diagnose import minimal_conflict
from shiftcare.problem import Availability
from shiftcare.solve import SolveOptions, solve
from shiftcare.staffing import required_agents
from tests.tiny import PER_DAY, agent, problem


def test_min_hours_against_max_days_is_the_minimal_conflict() -> None:
    # Two agents; B needs 12 h but may work 2 four-hour days: min_hours vs max_days.
    p = problem([agent("A"), agent("B", min_hours=12.0, max_days=2, row=3)], days=4,
                need={("main", 0, PER_DAY): 1})
    assert solve(p, SolveOptions(time_limit_seconds=10, workers=1)).info.status == "INFEASIBLE"
    conflicts = minimal_conflict(p, required_agents(p), seconds=10)
    assert {c.rule for c in conflicts} == {"min_hours", "max_days"}
    assert {c.agent_id for c in conflicts} == {"B"}
    assert all(c.sheet == "Agents" and c.row == 3 for c in conflicts)


def test_availability_rows_are_named_with_their_dates() -> None:
    p = problem([agent("B", min_hours=8.0)], days=3, need={("main", 0, PER_DAY): 1})
    p = p.replace(availability=(Availability("B", 0, "off", row=2),
                                Availability("B", 1, "off", row=3)))
    conflicts = minimal_conflict(p, required_agents(p), seconds=10)
    rules = sorted((c.rule, c.date, c.row) for c in conflicts)
    assert ("availability_off", "2026-11-30", 2) in rules
    assert ("availability_off", "2026-12-01", 3) in rules
    assert "min_hours" in {c.rule for c in conflicts}
    assert len({c.rule for c in conflicts}) == 2


def test_a_feasible_problem_has_no_conflict() -> None:
    p = problem([agent("A", min_hours=4.0)], days=2, need={("main", 0, PER_DAY): 1})
    assert minimal_conflict(p, required_agents(p), seconds=5) == []
