"""One date's queues re-assigned together by MIP, shifts and breaks fixed
(``shiftcare.queuemip``)."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from shiftcare import columns, queuemip
from shiftcare.activities import (
    OFF_PHONE,
    AgentDate,
    Label,
    Replanner,
    best_labels,
    phone_gains,
    replanned_solution,
)
from shiftcare.evaluate import validate
from shiftcare.greedy import greedy_roster
from shiftcare.problem import Problem
from shiftcare.queuemip import DateQueueModel, assign_queues, queue_lp_shortage
from shiftcare.solution import Solution
from shiftcare.solve import SolveOptions, solve
from shiftcare.staffing import required_agents
from tests import tiny
from tests.tiny import idle_roster, understaffed


def _complaints_all_shift(agents: int = 1, stretch: int = 60, **settings: int) -> Problem:
    """``agents`` agents (stretch cap ``stretch`` minutes) on 08:00-12:00 and one
    complaint-heavy queue needing all of them all shift: only the stress rules keep
    anyone off the phone."""
    people = [tiny.agent(f"A{i}", skills=("hot",), max_complaint_stretch_minutes=stretch)
              for i in range(1, agents + 1)]
    return tiny.problem(
        people, [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60)],
        need={("hot", tiny.at(8), tiny.at(12)): agents},
        share={("hot", tiny.at(8), tiny.at(12)): 1.0}, queues=("hot",), **settings)


ASSIGN_SECONDS = 5.0
"""The MIP's time in these tests: its local search, which stops early only at the LP's
shortage (below the optimum under the stress rules), runs ``LOCAL_SEARCH_SHARE`` of it;
the branch and bound proves these one-date optima in milliseconds."""


def _assigned(problem: Problem, start: Solution | None = None) -> tuple[Replanner, bool]:
    """The replanner of ``start`` (``problem``'s idle roster by default) after
    ``assign_queues`` on its one date (``ASSIGN_SECONDS``), and what that returned."""
    required = required_agents(problem)
    replanner = Replanner.of(problem, required, "stress-aware",
                             idle_roster(problem) if start is None else start)
    found = assign_queues(replanner, list(replanner.dates),
                          time.monotonic() + ASSIGN_SECONDS)
    return replanner, found


def _short_intervals(replanner: Replanner) -> int:
    """Agent-intervals short over the horizon in the replanner's counts."""
    return int(np.clip(replanner.required - replanner.counts, 0, None).sum())


RULE_CASES = [
    ({}, 60, 13),  # runs of 4 (the stretch cap), each followed by 1 interval of recovery
    ({}, 30, 11),  # runs of 2 under a 30-minute cap: one interval off after each
    ({"recovery_break_minutes": 30}, 60, 12),  # runs of 4, 2 intervals of recovery each
    ({"max_complaint_minutes_per_day": 120}, 60, 8),  # the daily cap: 8 intervals
]
"""Per stress rule: (Settings changed, stretch cap in minutes, intervals of 16 the most a
valid day of one agent alone on a complaint queue covers)."""


@pytest.mark.parametrize(("changes", "stretch", "covered"), RULE_CASES)
def test_each_stress_rule_holds_and_binds_exactly(changes: dict[str, int], stretch: int,
                                                  covered: int) -> None:
    """One agent alone on a complaint queue for 16 intervals: the MIP's assignment breaks
    no rule by the validator and covers exactly the most any valid day covers (counted
    by hand, and by the single agent's exact programme ``best_labels``), so each rule is
    neither left out nor drawn tighter than it is."""
    problem = _complaints_all_shift(stretch=stretch, **changes)
    replanner, found = _assigned(problem)
    assert found
    item = replanner.dates[0]
    roster = replanned_solution(problem, idle_roster(problem), {item.shift: item})
    assert validate(problem, roster) == ()
    assert 16 - _short_intervals(replanner) == covered
    gains = phone_gains(problem, replanner.required, "stress-aware", item,
                        np.zeros_like(replanner.counts))
    _, worth = best_labels(problem, item, gains, replanner.limits)
    assert worth == pytest.approx(covered * problem.settings.weight_understaffing)


def test_agents_trading_complaint_runs_reach_cp_sat_optimum() -> None:
    """Three agents, a complaint queue needing two and a calm one needing one all shift:
    from everyone off the phone the MIP breaks no rule and leaves exactly as many
    agent-minutes short as CP-SAT's proven optimum of the whole problem."""
    agents = [tiny.agent(f"A{i}", skills=("calm", "hot")) for i in range(1, 4)]
    problem = tiny.problem(
        agents, [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60)],
        need={("hot", tiny.at(8), tiny.at(12)): 2, ("calm", tiny.at(8), tiny.at(12)): 1},
        share={("hot", tiny.at(8), tiny.at(12)): 1.0}, queues=("calm", "hot"))
    required = required_agents(problem)
    idle = Replanner.of(problem, required, "stress-aware", idle_roster(problem))
    lp_short = queue_lp_shortage(idle, list(idle.dates))
    replanner, found = _assigned(problem)
    assert found
    origins = {item.shift: item for item in replanner.dates}
    roster = replanned_solution(problem, idle_roster(problem), origins)
    assert validate(problem, roster) == ()
    assert lp_short is not None and lp_short <= _short_intervals(replanner) + 1e-6
    optimum = solve(problem, SolveOptions(time_limit_seconds=30, workers=1), None, required)
    assert optimum.info.status == "OPTIMAL"
    assert understaffed(problem, roster, required) == understaffed(problem, optimum, required)
    assert understaffed(problem, roster, required) < understaffed(problem, idle_roster(problem),
                                                                   required)


def test_the_queue_lp_counts_need_no_agent_of_the_date_may_take() -> None:
    """Agents skilled only on the calm queue: the complaint queue's 16 agent-intervals
    short are in the LP's shortage though no variable covers them, and the calm queue
    (need 1, two agents) adds nothing."""
    agents = [tiny.agent(f"A{i}", skills=("calm",)) for i in range(1, 3)]
    problem = tiny.problem(
        agents, [tiny.shift_type(earliest_start=8 * 60, latest_start=8 * 60)],
        need={("hot", tiny.at(8), tiny.at(12)): 1, ("calm", tiny.at(8), tiny.at(12)): 1},
        share={("hot", tiny.at(8), tiny.at(12)): 1.0}, queues=("calm", "hot"))
    replanner = Replanner.of(problem, required_agents(problem), "stress-aware",
                             idle_roster(problem))
    assert queue_lp_shortage(replanner, list(replanner.dates)) == pytest.approx(16.0)
    assert _short_intervals(replanner) == 32  # nobody on the phone yet


def test_shifts_and_breaks_stay_where_they_are() -> None:
    """On a greedy roster with a break per shift, only the queues and time off change:
    every shift and every break block is the same after the MIP, the roster breaks no
    rule, and it is short no more than before (the greedy roster is the MIP's hint)."""
    problem = tiny.break_date()
    required = required_agents(problem)
    greedy = greedy_roster(problem, required, "stress-aware")
    replanner, found = _assigned(problem, greedy)
    assert found
    origins = {item.shift: item for item in replanner.dates}
    roster = replanned_solution(problem, greedy, origins)
    assert roster.shifts == greedy.shifts
    assert ({b for b in roster.activities if b.activity == "break"}
            == {b for b in greedy.activities if b.activity == "break"})
    assert validate(problem, roster) == ()
    assert understaffed(problem, roster, required) <= understaffed(problem, greedy, required)


def test_the_column_stage_uses_the_queue_lp_only_on_dates_small_enough(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``replan_date`` judges its dives by the queue MIP's LP (and keeps time for the MIP)
    on dates of at most ``QUEUE_MIP_MAX_AGENT_DATES`` agent-dates, and not above."""
    problem = _complaints_all_shift(agents=3)
    required = required_agents(problem)
    calls: list[int] = []

    def spy(replanner: Replanner, items: list[AgentDate]) -> float | None:
        calls.append(len(items))
        return queue_lp_shortage(replanner, items)

    monkeypatch.setattr(columns, "queue_lp_shortage", spy)
    for limit, expected in ((3, True), (2, False)):
        calls.clear()
        monkeypatch.setattr(columns, "QUEUE_MIP_MAX_AGENT_DATES", limit)
        replanner = Replanner.of(problem, required, "stress-aware", idle_roster(problem))
        columns.replan_date(replanner, 0, time.monotonic() + 5)
        assert bool(calls) == expected
        assert set(calls) <= {3}


def _spy_backends(monkeypatch: pytest.MonkeyPatch, local_search_finds: bool = True,
                  ) -> list[tuple[str, bool]]:
    """Per MIP solved: its backend and whether it found an assignment; with
    ``local_search_finds`` False, CP-SAT's local search is made to find none."""
    solved: list[tuple[str, bool]] = []
    original = DateQueueModel.solve

    def spy(model: DateQueueModel, seconds: float, floor: int,
            hint: list[list[Label]]) -> list[list[Label]] | None:
        found = None if model.backend == "CP_SAT" and not local_search_finds \
            else original(model, seconds, floor, hint)
        solved.append((model.backend, found is not None))
        return found

    monkeypatch.setattr(DateQueueModel, "solve", spy)
    return solved


def test_local_search_stops_at_the_lp_without_branch_and_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Three agents on a complaint queue needing all of them all shift, whose queue LP is
    whole: CP-SAT's local search reaches the LP's shortage, so the branch and bound is
    never built, and the MIP returns long before its 20 s."""
    problem = _complaints_all_shift(agents=3)
    idle = Replanner.of(problem, required_agents(problem), "stress-aware",
                        idle_roster(problem))
    lp_short = queue_lp_shortage(idle, list(idle.dates))
    solved = _spy_backends(monkeypatch)
    started = time.monotonic()
    replanner, found = _assigned(problem)
    assert found
    assert lp_short is not None and _short_intervals(replanner) == math.ceil(lp_short - 1e-6)
    assert solved == [("CP_SAT", True)]
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(("highs_limit", "backend"), [(250, "HIGHS"), (0, "SCIP")])
def test_branch_and_bound_takes_over_when_local_search_finds_nothing(
        monkeypatch: pytest.MonkeyPatch, highs_limit: int, backend: str) -> None:
    """With CP-SAT's local search finding no assignment, the branch and bound runs and
    reaches the most a valid day covers (13 of 16 intervals for one agent under a
    60-minute cap): HiGHS on a date of up to ``HIGHS_MAX_AGENT_DATES`` agent-dates,
    SCIP on one of more (none here with the limit at 0), as measured on large dates."""
    monkeypatch.setattr(queuemip, "HIGHS_MAX_AGENT_DATES", highs_limit)
    solved = _spy_backends(monkeypatch, local_search_finds=False)
    replanner, found = _assigned(_complaints_all_shift())
    assert found
    assert solved == [("CP_SAT", False), (backend, True)]
    assert 16 - _short_intervals(replanner) == 13


def test_local_search_gets_its_share_of_the_mip_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """CP-SAT's local search is given ``LOCAL_SEARCH_SHARE`` of the time left, and the
    branch and bound whatever it leaves (all of it here: the stand-in returns at once,
    finding nothing)."""
    given: list[tuple[str, float]] = []

    def spy(model: DateQueueModel, seconds: float, floor: int,
            hint: list[list[Label]]) -> list[list[Label]] | None:
        given.append((model.backend, seconds))
        return None

    monkeypatch.setattr(DateQueueModel, "solve", spy)
    problem = _complaints_all_shift()
    replanner = Replanner.of(problem, required_agents(problem), "stress-aware",
                             idle_roster(problem))
    assert not assign_queues(replanner, list(replanner.dates), time.monotonic() + 10)
    assert [backend for backend, _ in given] == ["CP_SAT", "HIGHS"]
    assert given[0][1] == pytest.approx(queuemip.LOCAL_SEARCH_SHARE * 10, abs=0.5)
    assert given[1][1] == pytest.approx(10, abs=0.5)


def test_a_queue_lp_given_is_not_solved_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the LP's shortage given (as the column stage has it from judging its dive),
    the MIP stops at it as when it solves the LP itself, without solving it again."""
    problem = _complaints_all_shift(agents=3)
    required = required_agents(problem)
    idle = Replanner.of(problem, required, "stress-aware", idle_roster(problem))
    lp_short = queue_lp_shortage(idle, list(idle.dates))
    assert lp_short is not None

    def unexpected(replanner: Replanner, items: list[AgentDate]) -> float | None:
        raise AssertionError("the queue LP was solved again")

    monkeypatch.setattr(queuemip, "_relaxed_shortage", unexpected)
    replanner = Replanner.of(problem, required, "stress-aware", idle_roster(problem))
    assert assign_queues(replanner, list(replanner.dates), time.monotonic() + 20, lp_short)
    assert _short_intervals(replanner) == math.ceil(lp_short - 1e-6)


@pytest.mark.parametrize("backend", ["HIGHS", "SCIP"])
@pytest.mark.parametrize(("changes", "stretch", "covered"), RULE_CASES)
def test_each_branch_and_bound_keeps_each_stress_rule(
        monkeypatch: pytest.MonkeyPatch, backend: str, changes: dict[str, int],
        stretch: int, covered: int) -> None:
    """With the local search finding nothing, each branch and bound of
    ``BRANCH_AND_BOUND`` alone covers exactly what a valid day covers at most
    (``RULE_CASES``) and its assignment
    breaks no rule by the validator."""
    monkeypatch.setattr(queuemip, "BRANCH_AND_BOUND", (backend,))
    solved = _spy_backends(monkeypatch, local_search_finds=False)
    problem = _complaints_all_shift(stretch=stretch, **changes)
    replanner, found = _assigned(problem)
    assert found
    assert solved == [("CP_SAT", False), (backend, True)]
    origins = {item.shift: item for item in replanner.dates}
    assert validate(problem, replanned_solution(problem, idle_roster(problem), origins)) == ()
    assert 16 - _short_intervals(replanner) == covered


def test_highs_writes_nothing_to_standard_output(capfd: pytest.CaptureFixture[str]) -> None:
    """HiGHS's banner and log stay off standard output and error, where the command line
    writes its own."""
    problem = _complaints_all_shift(agents=2)
    replanner = Replanner.of(problem, required_agents(problem), "stress-aware",
                             idle_roster(problem))
    items = list(replanner.dates)
    model = DateQueueModel.of(replanner, items, "HIGHS")
    assert model is not None
    assert model.solve(5.0, 0, [item.labels for item in items]) is not None
    assert capfd.readouterr() == ("", "")


def test_a_worse_branch_and_bound_result_does_not_replace_the_local_search_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The branch and bound starts without the local search's assignment (HiGHS takes
    no hint), so what it finds is kept only when it leaves fewer agents short: here it
    is made to return everyone off the phone, counted as worse, and the local search's
    13 covered intervals stay (the single re-plans after the MIP, which would put the
    agent back on the phone, left out)."""
    original_solve, original_shortage = DateQueueModel.solve, DateQueueModel.shortage

    def solve(model: DateQueueModel, seconds: float, floor: int,
              hint: list[list[Label]]) -> list[list[Label]] | None:
        if model.backend == "CP_SAT":
            return original_solve(model, seconds, floor, hint)
        return [[label if label[0] == "break" else OFF_PHONE for label in item.labels]
                for item in model.items]

    def shortage(model: DateQueueModel) -> float:
        # the local search counted one above the LP, so the branch and bound runs
        extra = {"CP_SAT": 1.0, "HIGHS": 1e9}.get(model.backend, 0.0)
        return original_shortage(model) + extra

    monkeypatch.setattr(DateQueueModel, "solve", solve)
    monkeypatch.setattr(DateQueueModel, "shortage", shortage)
    monkeypatch.setattr(queuemip, "descend", lambda *args: None)
    replanner, found = _assigned(_complaints_all_shift())
    assert found
    assert 16 - _short_intervals(replanner) == 13
