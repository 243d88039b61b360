"""``validate`` catches each rule of the contract, and only that rule.

Every test checks a valid roster first (no violation), then breaks exactly one rule
and expects exactly that rule key, for the right agent and date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from shiftcare.evaluate import validate
from shiftcare.problem import Availability, BreakRule, History, Problem
from shiftcare.report import Violation
from shiftcare.solution import ActivityBlock, Solution
from tests.factories import (
    make_agent,
    make_problem,
    make_shift_type,
    minutes_of,
    solution_from_timeline,
    valid_day,
)

STRESS_RULES = {"stretch_cap", "recovery", "daily_complaint_cap", "complaint_eligible"}

# A short type without breaks: 2 hours, any full hour of the day.
SHORT = make_shift_type("short", earliest_start=0, latest_start=23 * 60, length_minutes=120,
                        breaks=())


def assert_valid(problem: Problem, solution: Solution) -> None:
    assert validate(problem, solution) == ()


def assert_only(problem: Problem, solution: Solution, rule: str, agent_id: str,
                day: int | None, count: int = 1) -> tuple[Violation, ...]:
    """Exactly ``count`` violations, all of ``rule`` for this agent and date index."""
    violations = validate(problem, solution)
    assert [v.rule for v in violations] == [rule] * count, violations
    for violation in violations:
        assert violation.agent_id == agent_id
        assert violation.day == (None if day is None else problem.date_of(day))
        assert violation.stress == (rule in STRESS_RULES)
        assert agent_id in violation.message
    return violations


def merged(*solutions: Solution) -> Solution:
    return Solution(tuple(s for sol in solutions for s in sol.shifts),
                    tuple(b for sol in solutions for b in sol.activities))


def day_shift(problem: Problem, agent_id: str = "A1", day: int = 0, start: str = "08:00",
              timeline: str | None = None) -> Solution:
    return solution_from_timeline(problem, {(agent_id, day): ("day", start,
                                                              timeline or valid_day())})


def with_block(solution: Solution, block: ActivityBlock) -> Solution:
    return solution.replace(activities=(*solution.activities, block))


# ---------------------------------------------------------------------------------------
# Shifts
# ---------------------------------------------------------------------------------------


def test_one_shift_per_day() -> None:
    p = make_problem(agents=[make_agent("A1", shift_types=("short",), min_rest_hours=0)],
                     shift_types=[SHORT])
    first = solution_from_timeline(p, {("A1", 0): ("short", "08:00", "P" * 8)})
    second = solution_from_timeline(p, {("A1", 0): ("short", "12:00", "P" * 8)})
    assert_valid(p, first)
    assert_only(p, merged(first, second), "one_shift_per_day", "A1", 0)


def test_unknown_agent() -> None:
    p = make_problem()
    assert_valid(p, day_shift(p, "A2"))
    violations = assert_only(p, day_shift(p, "Z9"), "unknown_agent", "Z9", 0)
    assert "Agents" in violations[0].message


def test_shift_type_not_allowed_for_the_agent() -> None:
    late = make_shift_type("late", earliest_start=14 * 60, latest_start=16 * 60)
    p = make_problem(agents=[make_agent("A1"), make_agent("A2", shift_types=("day", "late"))],
                     shift_types=[make_shift_type(), late])
    late_shift = {("A2", 0): ("late", "14:00", valid_day())}
    assert_valid(p, solution_from_timeline(p, late_shift))
    wrong = solution_from_timeline(p, {("A1", 0): ("late", "14:00", valid_day())})
    assert_only(p, wrong, "shift_type_not_allowed", "A1", 0)


def test_unknown_shift_type_is_not_allowed() -> None:
    p = make_problem()
    unknown = solution_from_timeline(p, {("A1", 0): ("nope", "08:00", valid_day())})
    assert_only(p, unknown, "shift_type_not_allowed", "A1", 0)


@pytest.mark.parametrize("start", ["08:30", "11:00", "07:00"])
def test_shift_start_grid(start: str) -> None:
    p = make_problem()
    assert_valid(p, day_shift(p, start="10:00"))
    violations = assert_only(p, day_shift(p, start=start), "shift_start_grid", "A1", 0)
    assert start in violations[0].message


def test_shift_start_grid_across_midnight() -> None:
    night = make_shift_type("night", earliest_start=22 * 60, latest_start=60, breaks=())
    p = make_problem(days=2, agents=[make_agent("A1", shift_types=("night",))],
                     shift_types=[night])
    assert night.start_times_of_day() == (0, 60, 22 * 60, 23 * 60)
    for start in ("22:00", "23:00", "00:00", "01:00"):
        assert_valid(p, solution_from_timeline(p, {("A1", 1): ("night", start, "R" * 32)}))
    bad = solution_from_timeline(p, {("A1", 1): ("night", "02:00", "R" * 32)})
    assert_only(p, bad, "shift_start_grid", "A1", 1)


def test_shift_start_on_another_date_is_off_grid() -> None:
    p = make_problem(days=2)
    # Day 0 at 08:00 of day 1: a shift of day 0 must start on day 0.
    late = solution_from_timeline(p, {("A1", 0): ("day", 1440 + 480, valid_day())})
    assert_only(p, late, "shift_start_grid", "A1", 0)


def test_shift_weekday() -> None:
    weekdays = make_shift_type(weekdays=frozenset(range(5)))
    p = make_problem(days=7, shift_types=[weekdays])
    assert_valid(p, day_shift(p, day=4))
    violations = assert_only(p, day_shift(p, day=5), "shift_weekday", "A1", 5)
    assert "Sat" in violations[0].message


def test_shift_length() -> None:
    p = make_problem()
    longer = solution_from_timeline(p, {("A1", 0): ("day", "08:00", valid_day(intervals=36),
                                                    540)})
    violations = assert_only(p, longer, "shift_length", "A1", 0)
    assert "540 min" in violations[0].message and "480 min" in violations[0].message


# ---------------------------------------------------------------------------------------
# Skills, queues, availability
# ---------------------------------------------------------------------------------------


def test_skill() -> None:
    p = make_problem(queues=("main", "calm"),
                     agents=[make_agent("A1"), make_agent("A2", skills=("main", "calm"))])
    calm_day = valid_day().replace("PPPP", "QQQQ", 1)
    assert_valid(p, day_shift(p, "A2", timeline=calm_day))
    violations = assert_only(p, day_shift(p, "A1", timeline=calm_day), "skill", "A1", 0)
    assert "60 min on queue calm" in violations[0].message


def test_unknown_queue() -> None:
    p = make_problem()
    timeline = valid_day().replace("PPPP", "XXXX", 1)
    solution = solution_from_timeline(p, {("A1", 0): ("day", "08:00", timeline)},
                                      legend={"X": ("phone", "nowhere")})
    assert_only(p, solution, "unknown_queue", "A1", 0)


def test_availability_off() -> None:
    p = make_problem(availability=[Availability("A2", 0, "off")])
    assert_valid(p, day_shift(p, "A1"))
    assert_only(p, day_shift(p, "A2"), "availability_off", "A2", 0)


def test_prefer_off_is_not_a_hard_rule() -> None:
    p = make_problem(availability=[Availability("A1", 0, "prefer_off")])
    assert_valid(p, day_shift(p, "A1"))


@pytest.mark.parametrize(("window_from", "window_to", "ok"), [
    ("07:00", "17:00", True), ("08:00", "16:00", True), (None, "16:00", True),
    ("08:15", None, False), ("07:00", "15:45", False), (None, "12:00", False),
])
def test_availability_window(window_from: str | None, window_to: str | None, ok: bool) -> None:
    row = Availability("A1", 0, "window",
                       None if window_from is None else minutes_of(window_from),
                       None if window_to is None else minutes_of(window_to))
    p = make_problem(availability=[row])
    if ok:
        assert_valid(p, day_shift(p))
    else:
        assert_only(p, day_shift(p), "availability_window", "A1", 0)


# ---------------------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------------------


def test_min_hours_counts_paid_time_only() -> None:
    # 8 h shift with an unpaid 30-minute lunch: 7.5 paid hours.
    solution = day_shift(make_problem())
    assert_valid(make_problem(agents=[make_agent("A1", min_hours=7.5)]), solution)
    p = make_problem(agents=[make_agent("A1", min_hours=7.75)])
    violations = assert_only(p, solution, "min_hours", "A1", None)
    assert "7.5 h" in violations[0].message


def test_min_hours_without_any_shift() -> None:
    p = make_problem(agents=[make_agent("A1"), make_agent("A2", min_hours=1)])
    assert_only(p, day_shift(p, "A1"), "min_hours", "A2", None)


def test_max_hours() -> None:
    solution = day_shift(make_problem())
    assert_valid(make_problem(agents=[make_agent("A1", max_hours=7.5)]), solution)
    p = make_problem(agents=[make_agent("A1", max_hours=7.25)])
    assert_only(p, solution, "max_hours", "A1", None)


def three_days(p: Problem, agent_id: str = "A1") -> Solution:
    return solution_from_timeline(p, {(agent_id, d): ("day", "08:00", valid_day())
                                      for d in range(3)})


def test_max_days() -> None:
    assert_valid(make_problem(days=3, agents=[make_agent("A1", max_days=3)]),
                 three_days(make_problem(days=3)))
    p = make_problem(days=3, agents=[make_agent("A1", max_days=2)])
    assert_only(p, three_days(p), "max_days", "A1", None)


def test_min_rest_between_shifts() -> None:
    # 08:00-16:00 then 08:00 next day: 16 hours of rest.
    assert_valid(make_problem(days=3, agents=[make_agent("A1", min_rest_hours=16)]),
                 three_days(make_problem(days=3)))
    p = make_problem(days=2, agents=[make_agent("A1", min_rest_hours=16.5)])
    solution = solution_from_timeline(p, {("A1", 0): ("day", "08:00", valid_day()),
                                          ("A1", 1): ("day", "08:00", valid_day())})
    violations = assert_only(p, solution, "min_rest", "A1", 1)
    assert "16 h" in violations[0].message


def test_min_rest_after_history() -> None:
    # Last shift ended 20:00 the day before the horizon: 12 hours before 08:00.
    history = [History("A1", last_shift_end=-4 * 60)]
    assert_valid(make_problem(agents=[make_agent("A1", min_rest_hours=12)], history=history),
                 day_shift(make_problem()))
    p = make_problem(agents=[make_agent("A1", min_rest_hours=13)], history=history)
    violations = assert_only(p, day_shift(p), "min_rest", "A1", 0)
    assert "2026-11-29 20:00" in violations[0].message


def test_max_consecutive_days() -> None:
    assert_valid(make_problem(days=3, agents=[make_agent("A1", max_consecutive_days=3)]),
                 three_days(make_problem(days=3)))
    p = make_problem(days=3, agents=[make_agent("A1", max_consecutive_days=2)])
    assert_only(p, three_days(p), "max_consecutive_days", "A1", 2)


def test_max_consecutive_days_with_history() -> None:
    solution = solution_from_timeline(make_problem(days=3),
                                      {("A1", d): ("day", "08:00", valid_day()) for d in (0, 1)})
    agents = [make_agent("A1", max_consecutive_days=3)]
    assert_valid(make_problem(days=3, agents=agents, history=[History("A1", None, 1)]),
                 solution)
    p = make_problem(days=3, agents=agents, history=[History("A1", None, 2)])
    assert_only(p, solution, "max_consecutive_days", "A1", 1)


def test_a_day_off_resets_the_streak() -> None:
    p = make_problem(days=5, agents=[make_agent("A1", max_consecutive_days=2)])
    solution = solution_from_timeline(p, {("A1", d): ("day", "08:00", valid_day())
                                          for d in (0, 1, 3, 4)})
    assert_valid(p, solution)


# ---------------------------------------------------------------------------------------
# Breaks
# ---------------------------------------------------------------------------------------


def test_breaks_at_the_edges_of_their_windows_and_spacing_are_valid() -> None:
    p = make_problem()
    assert_valid(p, day_shift(p, timeline=valid_day(break1_after=4, lunch_after=20)))
    # break1 ends 2h15 after the start, lunch starts at 3h15: exactly 60 minutes apart.
    assert_valid(p, day_shift(p, timeline=valid_day(break1_after=8, lunch_after=13)))


def test_break_count_missing_break() -> None:
    p = make_problem()
    no_lunch = valid_day().replace("LL", "PP")
    violations = assert_only(p, day_shift(p, timeline=no_lunch), "break_count", "A1", 0)
    assert "lunch taken 0 times" in violations[0].message


def test_break_count_break_of_another_type() -> None:
    p = make_problem()
    tea = valid_day()[:24] + "T" + valid_day()[25:]
    solution = solution_from_timeline(p, {("A1", 0): ("day", "08:00", tea)},
                                      legend={"T": ("break", "tea")})
    assert_only(p, solution, "break_count", "A1", 0)


def test_break_window() -> None:
    p = make_problem()
    # Lunch 5h15 after the shift start; its window ends at 5h.
    late_lunch = valid_day(lunch_after=21)
    violations = assert_only(p, day_shift(p, timeline=late_lunch), "break_window", "A1", 0)
    assert "315 min" in violations[0].message


def test_break_duration() -> None:
    p = make_problem()
    long_lunch = valid_day().replace("LLP", "LLL", 1)
    violations = assert_only(p, day_shift(p, timeline=long_lunch), "break_duration", "A1", 0)
    assert "45 min" in violations[0].message


def test_break_spacing() -> None:
    p = make_problem()
    # break1 ends 2h15 after the start, lunch starts at 3h: 45 minutes apart, min 60.
    close = valid_day(break1_after=8, lunch_after=12)
    assert_valid(p.replace(settings=replace(p.settings, min_minutes_between_breaks=45)),
                 day_shift(p, timeline=close))
    p = p.replace(settings=replace(p.settings, min_minutes_between_breaks=50))
    violations = assert_only(p, day_shift(p, timeline=close), "break_spacing", "A1", 0)
    assert "45 min" in violations[0].message


def test_break_overlap() -> None:
    twin = make_shift_type(breaks=(BreakRule("b1", 15, 60, 120), BreakRule("b2", 15, 60, 120)))
    p = make_problem(shift_types=[twin], settings_overrides={"min_minutes_between_breaks": 0})
    legend: dict[str, tuple[str, str] | None] = {"B": ("break", "b1"), "C": ("break", "b2")}
    back_to_back = solution_from_timeline(p, {("A1", 0): ("day", "08:00", "PPPPBC" + "P" * 26)},
                                          legend=legend)
    assert_valid(p, back_to_back)
    only_b1 = solution_from_timeline(p, {("A1", 0): ("day", "08:00", "PPPPB" + "P" * 27)},
                                     legend=legend)
    # b2 09:00-09:15 on top of b1.
    assert_only(p, with_block(only_b1, ActivityBlock("A1", 0, 540, 555, "break", "b2")),
                "break_overlap", "A1", 0)


# ---------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------


def _gap(p: Problem, s: Solution) -> Solution:
    return solution_from_timeline(p, {("A1", 0): ("day", "08:00",
                                                  valid_day()[:20] + "." + valid_day()[21:])})


def _stray(p: Problem, s: Solution) -> Solution:
    return with_block(s, ActivityBlock("A1", 0, 17 * 60, 17 * 60 + 15, "phone", "main"))


def _stray_on_a_date_without_shift(p: Problem, s: Solution) -> Solution:
    return with_block(s, ActivityBlock("A1", 1, 1440 + 600, 1440 + 615, "recovery"))


def _overlap(p: Problem, s: Solution) -> Solution:
    return with_block(s, ActivityBlock("A1", 0, 10 * 60, 10 * 60 + 15, "recovery"))


def _off_grid(p: Problem, s: Solution) -> Solution:
    blocks = []
    for b in s.activities:
        if b.end == 540:
            b = replace(b, end=545)
        elif b.start == 540:
            b = replace(b, start=545, end=560)
        elif b.start == 555:
            b = replace(b, start=560)
        blocks.append(b)
    return s.replace(activities=tuple(blocks))


def _past_the_end(p: Problem, s: Solution) -> Solution:
    return s.replace(activities=tuple(replace(b, end=b.end + 15) if b.end == 960 else b
                                      for b in s.activities))


def _unknown_kind(p: Problem, s: Solution) -> Solution:
    return s.replace(activities=tuple(replace(b, activity="coffee") if b.start == 555 else b  # type: ignore[arg-type]
                                      for b in s.activities))


def _no_blocks(p: Problem, s: Solution) -> Solution:
    return s.replace(activities=())


@pytest.mark.parametrize("breaking", [_gap, _stray, _stray_on_a_date_without_shift, _overlap,
                                      _off_grid, _past_the_end, _unknown_kind, _no_blocks])
def test_activity_tiling(breaking: Callable[[Problem, Solution], Solution]) -> None:
    p = make_problem(days=2)
    solution = day_shift(p)
    assert_valid(p, solution)
    broken = breaking(p, solution)
    violations = validate(p, broken)
    assert {v.rule for v in violations} == {"activity_tiling"}, violations
    assert all(v.agent_id == "A1" for v in violations)
    expected_day = 1 if breaking is _stray_on_a_date_without_shift else 0
    assert all(v.day == p.date_of(expected_day) for v in violations)


# ---------------------------------------------------------------------------------------
# Stress rules and the run definition
# ---------------------------------------------------------------------------------------

# Day shift 08:00-16:00; main is complaint-heavy 09:00-12:00 (offsets 4..15), calm never.
# Offsets: 0-3 calm phone, 4 break1, 5-8 heavy run of 60 min, 9 recovery, 10-11 heavy run
# of 30 min, 12-13 lunch, 14-15 heavy run of 30 min, then main phone (calm hours).
CALM_AND_RUNS = "QQQQ B PPPP R PP LL PP " + "P" * 16


def stress_problem(**settings: object) -> Problem:
    return make_problem(queues=("main", "calm"),
                        agents=[make_agent("A1", skills=("main", "calm")),
                                make_agent("A2", skills=("main", "calm"))],
                        complaint_share={("main", "09:00", "12:00"): 0.5},
                        settings_overrides=settings)


def test_stress_baseline_is_valid() -> None:
    p = stress_problem()
    assert_valid(p, day_shift(p, timeline=CALM_AND_RUNS))


def test_stretch_cap() -> None:
    p = stress_problem()
    # 75-minute run (offsets 5-9), recovery at 10.
    violations = assert_only(p, day_shift(p, timeline="QQQQ B PPPPP R P LL PP " + "P" * 16),
                             "stretch_cap", "A1", 0)
    assert violations[0].message == (
        "agent A1 on 2026-11-30: complaint run 09:15-10:30 is 75 min, cap 60 min")


def test_stretch_cap_is_per_agent() -> None:
    p = stress_problem()
    p = p.replace(agents=(make_agent("A1", skills=("main", "calm"),
                                     max_complaint_stretch_minutes=45),))
    assert_only(p, day_shift(p, timeline=CALM_AND_RUNS), "stretch_cap", "A1", 0)


def test_recovery_calm_queue_phone_is_not_recovery() -> None:
    p = stress_problem()
    violations = assert_only(p, day_shift(p, timeline="QQQQ B PPPP Q PP LL PP " + "P" * 16),
                             "recovery", "A1", 0)
    assert "09:15-10:15" in violations[0].message


def test_run_exactly_recovery_after_minutes_needs_recovery() -> None:
    p = stress_problem()
    # 45-minute run (offsets 5-7) then calm phone.
    assert_only(p, day_shift(p, timeline="QQQQ B PPP QQ PP LL PP " + "P" * 16),
                "recovery", "A1", 0)
    # A 30-minute run needs none.
    assert_valid(p, day_shift(p, timeline="QQQQ B PP QQQ PP LL PP " + "P" * 16))


def test_recovery_minutes_round_up_to_whole_intervals() -> None:
    # 20 minutes of recovery on a 15-minute grid: two intervals off the phone.
    p = stress_problem(recovery_break_minutes=20)
    assert_only(p, day_shift(p, timeline="QQQQ B PPPP R Q P LL PP " + "P" * 16),
                "recovery", "A1", 0)
    assert_valid(p, day_shift(p, timeline="QQQQ B PPPP RR P LL PP " + "P" * 16))


def test_recovery_may_be_a_break_or_other() -> None:
    p = stress_problem()
    # 45-minute runs 09:15-10:00 then other, 10:15-11:00 then lunch.
    assert_valid(p, day_shift(p, timeline="QQQQ B PPP O PPP LL PP " + "P" * 16))


def test_recovery_after_minutes_not_on_the_grid_rounds_runs_up() -> None:
    # Recovery after 40 minutes: a 45-minute run (3 intervals) needs it, 30 minutes not.
    p = stress_problem(recovery_after_minutes=40)
    assert_only(p, day_shift(p, timeline="QQQQ B PPP QQ PP LL PP " + "P" * 16),
                "recovery", "A1", 0)
    assert_valid(p, day_shift(p, timeline="QQQQ B PP QQQ PP LL PP " + "P" * 16))


def test_run_at_shift_end_has_its_recovery() -> None:
    p = make_problem(agents=[make_agent("A1", shift_types=("short",))], shift_types=[SHORT],
                     complaint_share={("main", "10:00", "12:00"): 0.5})
    # A 60-minute run ending with the shift at 12:00.
    assert_valid(p, solution_from_timeline(p, {("A1", 0): ("short", "10:00", "RRRRPPPP")}))


def test_runs_never_cross_shifts() -> None:
    p = make_problem(days=2, agents=[make_agent("A1", shift_types=("short",),
                                                min_rest_hours=0)],
                     shift_types=[SHORT], complaint_share=0.5)
    # 22:00-24:00 then 00:00-02:00: 60 minutes of complaints on either side of midnight.
    solution = solution_from_timeline(p, {("A1", 0): ("short", "22:00", "RRRRPPPP"),
                                          ("A1", 1): ("short", "00:00", "PPPPRRRR")})
    assert_valid(p, solution)
    one_shift = make_shift_type("long", earliest_start=22 * 60, latest_start=22 * 60,
                                length_minutes=240, breaks=())
    p = p.replace(shift_types=(one_shift,),
                  agents=(make_agent("A1", shift_types=("long",)),))
    joined = solution_from_timeline(p, {("A1", 0): ("long", "22:00", "RRRRPPPPPPPPRRRR")})
    assert_only(p, joined, "stretch_cap", "A1", 0)


@pytest.mark.parametrize(("share", "heavy"), [(0.30, True), (0.29, False)])
def test_complaint_heavy_threshold_holds_without_calls(share: float, heavy: bool) -> None:
    p = make_problem(complaint_share={("main", "09:00", "12:00"): share})
    assert p.forecast.calls.sum() == 0
    # 75 minutes on main 09:15-10:30.
    solution = day_shift(p, timeline="PPPP B PPPPP R P LL PP " + "P" * 16)
    if heavy:
        assert_only(p, solution, "stretch_cap", "A1", 0)
    else:
        assert_valid(p, solution)


def test_daily_complaint_cap() -> None:
    # The baseline roster has 120 complaint minutes: 60 + 30 + 30.
    p = stress_problem(max_complaint_minutes_per_day=120)
    assert_valid(p, day_shift(p, timeline=CALM_AND_RUNS))
    p = stress_problem(max_complaint_minutes_per_day=105)
    violations = assert_only(p, day_shift(p, timeline=CALM_AND_RUNS), "daily_complaint_cap",
                             "A1", 0)
    assert "120 complaint minutes, cap 105" in violations[0].message


def test_complaint_eligible_counts_each_run() -> None:
    p = stress_problem()
    p = p.replace(agents=(make_agent("A1", skills=("main", "calm"), complaint_eligible=False),))
    assert_valid(p, day_shift(p, timeline="QQQQ B QQQQ R QQ LL QQ " + "P" * 16))
    assert_only(p, day_shift(p, timeline=CALM_AND_RUNS), "complaint_eligible", "A1", 0, count=3)


def test_phone_past_the_horizon_is_never_complaint_heavy() -> None:
    p = make_problem(agents=[make_agent("A1", shift_types=("short",))], shift_types=[SHORT],
                     complaint_share=0.5)
    # 23:00-01:00 on the last date, all on the phone: the run is 23:00-24:00 (60 min, at
    # the cap) and the phone after midnight, outside the horizon, denies its recovery.
    late = solution_from_timeline(p, {("A1", 0): ("short", "23:00", "PPPPPPPP")})
    violations = assert_only(p, late, "recovery", "A1", 0)
    assert "23:00-00:00" in violations[0].message


def test_several_broken_rules_are_all_reported_in_rule_order() -> None:
    p = stress_problem()
    p = p.replace(agents=(make_agent("A1", skills=("main",), max_hours=4),),
                  shift_types=(make_shift_type(earliest_start=9 * 60),))
    solution = day_shift(p, timeline="QQQQ B PPPPP Q P LL PP " + "P" * 16)
    rules = [v.rule for v in validate(p, solution)]
    assert rules == ["shift_start_grid", "skill", "max_hours", "stretch_cap", "recovery"]
