"""Staffing math: Erlang C / Erlang A against published values, a simulation and brute force."""

from __future__ import annotations

import math
from pathlib import Path
from types import ModuleType

import numpy as np
import openpyxl
import pytest

from shiftcare.errors import OutputWriteError
from shiftcare.problem import Problem, Queue
from shiftcare.staffing import (
    STAFFING_COLUMNS,
    agents_before_shrinkage,
    erlang_a,
    erlang_a_agents,
    erlang_b,
    erlang_c,
    erlang_c_agents,
    erlang_c_wait_probability,
    queue_metrics,
    required_agents,
    service_level,
    staffing_table,
    with_shrinkage,
    write_staffing_workbook,
)
from tests.factories import make_problem
from tests.scripts import load_benchmark


def load_simulator() -> ModuleType:
    """benchmarks/simulate_queues.py as a module."""
    return load_benchmark("simulate_queues")


def textbook_problem(**settings: object) -> Problem:
    """100 calls in one 30-minute interval (08:00), AHT 180 s, 80 % in 20 s."""
    overrides = {"max_occupancy": 0.85, **settings}
    return make_problem(interval_minutes=30, calls={("main", "08:00", "08:30"): 100.0},
                        aht_seconds=180.0, settings_overrides=overrides)


def with_patience(problem: Problem, patience_seconds: float) -> Problem:
    queue = problem.queues[0]
    return problem.replace(queues=(Queue(queue.id, queue.service_level_target,
                                         queue.answer_seconds, patience_seconds),))


EIGHT = 16  # 08:00 with 30-minute intervals


# --------------------------------------------------------------------------- published values


def test_textbook_case_needs_14_agents_and_20_after_30_percent_shrinkage() -> None:
    # A = 100 * 180 / 1800 = 10 Erlangs; 13 agents give 79.6 %, 14 give 88.8 %.
    assert required_agents(textbook_problem())[0, EIGHT] == 14
    assert required_agents(textbook_problem(shrinkage=0.3))[0, EIGHT] == 20
    row = staffing_table(textbook_problem(shrinkage=0.3)).iloc[EIGHT]
    assert (row["required_agents"], row["agents_on_phone"]) == (20, 14)
    assert row["offered_load"] == pytest.approx(10.0)
    assert row["service_level"] == pytest.approx(0.8884, abs=5e-4)
    assert row["asa_seconds"] == pytest.approx(7.84, abs=0.01)
    assert row["occupancy"] == pytest.approx(10 / 14)
    assert row["model"] == "erlang_c"


def test_erlang_c_wait_probabilities_of_the_standard_table() -> None:
    # 10 Erlangs with 11..14 agents (the textbook's worked table).
    wait = erlang_c_wait_probability(10.0, np.array([11, 12, 13, 14]))
    assert wait == pytest.approx([0.6821, 0.4494, 0.2853, 0.1741], abs=5e-5)
    metrics = erlang_c(10.0, np.array([11, 12, 13, 14]), 180.0, 20.0)
    assert metrics.service_level == pytest.approx([0.3896, 0.6402, 0.7956, 0.8884], abs=5e-4)
    assert metrics.asa_seconds == pytest.approx([122.78, 40.44, 17.12, 7.84], abs=0.01)


def test_erlang_c_exact_small_cases() -> None:
    # C(2 agents, 1 Erlang) = 1/3 and C(3 agents, 2 Erlangs) = 4/9 in closed form.
    assert erlang_c_wait_probability(np.array([1.0, 2.0]), np.array([2, 3])) == pytest.approx(
        [1 / 3, 4 / 9], rel=1e-12)
    # M/M/1: P(wait) = rho, ASA = rho / (1 - rho) * AHT, SL = 1 - rho exp(-(1 - rho) T / AHT).
    m = erlang_c(0.4, 1, 300.0, 30.0)
    assert float(m.wait_probability) == pytest.approx(0.4)
    assert float(m.asa_seconds) == pytest.approx(200.0)
    assert float(m.service_level) == pytest.approx(1 - 0.4 * math.exp(-0.6 * 30 / 300))


def test_erlang_b_table_values() -> None:
    # Erlang B: 10 Erlangs on 10 lines blocks 21.46 %; 5 on 5 blocks 28.49 %.
    assert erlang_b(np.array([10.0, 5.0]), np.array([10, 5])) == pytest.approx(
        [0.21458, 0.28487], abs=5e-5)
    assert float(erlang_b(3.0, 0)) == 1.0


def test_erlang_a_matches_pyworkforce_on_the_textbook_case() -> None:
    # pyworkforce 0.5.4 ErlangA(100 calls, aht 3 min, asa 20 s, 30 min, patience 5 min),
    # 13 positions (exact chain + uniformisation, an independent implementation).
    m = erlang_a(10.0, 13, 180.0, 20.0, 300.0)
    assert float(m.service_level) == pytest.approx(0.8581777000307624, abs=1e-9)
    assert float(m.abandonment) == pytest.approx(0.02496330363357157, abs=1e-9)
    assert float(m.wait_probability) == pytest.approx(0.2257970840473752, abs=1e-9)
    assert float(m.occupancy) == pytest.approx(0.7500282279741758, abs=1e-9)
    assert erlang_a_agents(10.0, 180.0, 20.0, 0.8, 300.0, 0.85) == 13


def stationary_chain(load: float, agents: int, patience_over_aht: float,
                     states: int = 400) -> np.ndarray:
    """Stationary distribution of the truncated M/M/N+M chain, state by state (time in AHTs)."""
    weights = [1.0]
    for n in range(1, states):
        departures = min(n, agents) + max(n - agents, 0) / patience_over_aht
        weights.append(weights[-1] * load / departures)
    pi = np.array(weights)
    return pi / pi.sum()


@pytest.mark.parametrize(("load", "agents", "patience"), [
    (10.0, 13, 300.0), (10.0, 7, 60.0), (0.3, 1, 30.0), (40.0, 38, 900.0), (5.0, 0, 200.0)])
def test_erlang_a_waiting_and_abandonment_match_a_dense_chain(
        load: float, agents: int, patience: float) -> None:
    aht = 180.0
    pi = stationary_chain(load, agents, patience / aht)
    queue = np.maximum(np.arange(len(pi)) - agents, 0)
    m = erlang_a(load, agents, aht, 20.0, patience)
    assert float(m.wait_probability) == pytest.approx(pi[agents:].sum(), abs=1e-10)
    # Abandonment rate theta E[queue] over the arrival rate.
    assert float(m.abandonment) == pytest.approx((queue * pi).sum() * aht / patience / load,
                                                 abs=1e-10)


# --------------------------------------------------------------------------- simulation


@pytest.mark.parametrize(("load", "agents", "aht", "answer", "patience"), [
    (10.0, 14, 180.0, 20.0, None),
    (0.4, 1, 300.0, 30.0, None),
    (10.0, 13, 180.0, 20.0, 300.0),
    (10.0, 9, 180.0, 20.0, 120.0),
    (0.4, 1, 300.0, 30.0, 60.0),
])
def test_formulas_agree_with_a_seeded_simulation(
        load: float, agents: int, aht: float, answer: float, patience: float | None) -> None:
    simulator = load_simulator()
    sim = simulator.simulate(load, agents, aht, answer, patience, customers=200_000, seed=11)
    exact = queue_metrics(load, agents, aht, answer, np.inf if patience is None else patience)
    for name in ("service_level", "wait_probability", "abandonment", "occupancy"):
        assert simulator.within_tolerance(float(getattr(exact, name)), getattr(sim, name),
                                          getattr(sim, f"{name}_se")), name
    assert abs(float(exact.asa_seconds) - sim.asa_seconds) <= max(4 * sim.asa_seconds_se, 0.05)


def test_simulation_detects_a_wrong_formula() -> None:
    # The tolerance is tight enough to reject one agent less than simulated.
    simulator = load_simulator()
    sim = simulator.simulate(10.0, 13, 180.0, 20.0, 300.0, customers=200_000, seed=11)
    wrong = erlang_a(10.0, 12, 180.0, 20.0, 300.0)
    assert not simulator.within_tolerance(float(wrong.service_level), sim.service_level,
                                          sim.service_level_se)


# --------------------------------------------------------------------------- numerics


def test_five_thousand_agents_stay_finite() -> None:
    agents = np.array([4951, 5000, 5100, 6000])
    for m in (erlang_c(4950.0, agents, 180.0, 20.0),
              erlang_a(4950.0, agents, 180.0, 20.0, 600.0)):
        for values in (m.wait_probability, m.service_level, m.asa_seconds, m.abandonment,
                       m.occupancy):
            assert np.all(np.isfinite(values))
        assert np.all((m.service_level >= 0) & (m.service_level <= 1))
        assert np.all(np.diff(m.service_level) >= 0)
        assert m.service_level[-1] == pytest.approx(1.0, abs=1e-9)
    needed = erlang_c_agents(4950.0, 180.0, 20.0, 0.8, 1.0)
    assert 4950 < needed < 5100
    assert erlang_a_agents(4950.0, 180.0, 20.0, 0.8, 600.0, 1.0) <= needed
    # A small load on thousands of agents: Erlang B underflows to 0, never NaN.
    assert float(erlang_b(0.5, 5000)) == 0.0
    assert float(erlang_c(0.5, 5000, 180.0, 20.0).service_level) == 1.0
    quiet = erlang_a(0.5, 5000, 180.0, 20.0, 60.0)
    assert (float(quiet.service_level), float(quiet.wait_probability)) == (1.0, 0.0)
    assert float(quiet.asa_seconds) == 0.0 and float(quiet.abandonment) == 0.0


def test_fractional_loads() -> None:
    loads = np.array([0.01, 0.2, 0.5, 0.99])
    assert list(erlang_c_agents(loads, 300.0, 20.0, 0.8, 1.0)) == [1, 1, 2, 3]
    # One agent with 0.01 Erlangs: almost nobody waits.
    m = erlang_c(0.01, 1, 300.0, 20.0)
    assert float(m.wait_probability) == pytest.approx(0.01)
    assert erlang_a_agents(loads, 300.0, 20.0, 0.8, 120.0, 1.0).min() == 1


@pytest.mark.parametrize("patience", [None, 30.0, 300.0, 3000.0])
def test_service_level_rises_and_occupancy_falls_with_agents(patience: float | None) -> None:
    loads = np.array([0.3, 2.0, 10.0, 55.5, 300.0])[:, None]
    agents = np.arange(0, 340)[None, :]
    m = queue_metrics(loads, agents, 240.0, 20.0, np.inf if patience is None else patience)
    assert np.all(np.diff(m.service_level, axis=1) >= -1e-12)
    busy = agents[0] >= 1
    assert np.all(np.diff(m.occupancy[:, busy], axis=1) <= 1e-12)
    asa = np.where(np.isfinite(m.asa_seconds), m.asa_seconds, 1e300)
    assert np.all(np.diff(asa[:, busy], axis=1) <= 1e-9)


def test_huge_patience_is_erlang_c() -> None:
    loads = np.array([0.5, 8.0, 10.0, 42.0])
    agents = np.array([1, 10, 14, 48])
    c = erlang_c(loads, agents, 180.0, 20.0)
    a = erlang_a(loads, agents, 180.0, 20.0, 1e9)
    for name in ("wait_probability", "service_level", "occupancy"):
        assert getattr(a, name) == pytest.approx(getattr(c, name), abs=1e-5), name
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-4)
    assert np.all(a.abandonment < 1e-5)


def test_zero_answer_time_counts_only_calls_answered_at_once() -> None:
    for m in (erlang_c(10.0, 12, 180.0, 0.0), erlang_a(10.0, 12, 180.0, 0.0, 300.0)):
        assert float(m.service_level) == pytest.approx(1.0 - float(m.wait_probability))


def test_no_agents_answer_nothing() -> None:
    c = erlang_c(3.0, 0, 180.0, 20.0)
    a = erlang_a(3.0, 0, 180.0, 20.0, 60.0)
    assert float(c.service_level) == float(a.service_level) == 0.0
    assert float(a.abandonment) == pytest.approx(1.0)
    assert math.isinf(float(c.asa_seconds))


# --------------------------------------------------------------------------- requirements


def brute_force_agents(load: float, aht: float, answer: float, target: float,
                       patience: float | None, cap: float) -> int:
    """Smallest N among 1..499 meeting the criteria, from the metrics of every N at once."""
    n = np.arange(1, 500)
    m = queue_metrics(load, n, aht, answer, np.inf if patience is None else patience)
    stable = (n > load) if patience is None else np.ones(n.size, dtype=bool)
    ok = stable & (m.service_level >= target - 1e-9) & (m.occupancy <= cap + 1e-9)
    assert ok.any()
    return int(n[np.argmax(ok)])


@pytest.mark.parametrize("patience", [None, 45.0, 240.0, 1200.0])
def test_vectorised_search_equals_brute_force(patience: float | None) -> None:
    rng = np.random.default_rng(3)
    loads = np.concatenate([rng.uniform(0.05, 3, 8), rng.uniform(3, 60, 8)])
    aht = rng.uniform(60, 600, loads.size)
    answer = rng.choice([0.0, 10.0, 20.0, 60.0], loads.size)
    target = rng.choice([0.5, 0.8, 0.95], loads.size)
    cap = rng.choice([0.8, 0.9, 1.0], loads.size)
    got = agents_before_shrinkage(loads, aht, answer, target,
                                  np.inf if patience is None else patience, cap)
    expected = [brute_force_agents(load, h, t, goal, patience, c)
                for load, h, t, goal, c in zip(loads, aht, answer, target, cap, strict=True)]
    assert got.tolist() == expected


def test_impatient_callers_can_need_more_agents_than_erlang_c() -> None:
    # 99 % in 300 s with 5 s patience: callers hang up long before 300 s, so the search
    # walks up from the Erlang C answer.
    loads = np.array([0.5, 3.0, 10.0, 50.0])
    got = erlang_a_agents(loads, 180.0, 300.0, 0.99, 5.0, 1.0)
    assert np.all(got > erlang_c_agents(loads, 180.0, 300.0, 0.99, 1.0))
    assert got.tolist() == [brute_force_agents(load, 180.0, 300.0, 0.99, 5.0, 1.0)
                            for load in loads]


def test_occupancy_cap_binds() -> None:
    # 40 Erlangs at 50 % in 60 s needs about 42 agents; the 85 % cap needs ceil(40 / 0.85) = 48.
    assert erlang_c_agents(40.0, 300.0, 60.0, 0.5, 1.0) < 48
    assert erlang_c_agents(40.0, 300.0, 60.0, 0.5, 0.85) == 48
    assert erlang_c_agents(42.5, 300.0, 60.0, 0.5, 0.85) == 50  # 42.5 / 50 = 0.85 exactly
    # 357 calls in 30 min at 3 min: 35.7 Erlangs, 35.7 / 0.85 = 42.00000000000001 in floats.
    assert erlang_c_agents(357 / 30 * 3, 180.0, 20.0, 0.5, 0.85) == 42
    needed = erlang_a_agents(40.0, 300.0, 60.0, 0.5, 200.0, 0.85)
    occupancy = erlang_a(40.0, np.array([needed - 1, needed]), 300.0, 60.0, 200.0).occupancy
    assert occupancy[0] > 0.85 >= occupancy[1]


def test_erlang_c_needs_more_than_the_load_even_with_a_low_target() -> None:
    assert erlang_c_agents(7.0, 180.0, 20.0, 0.0, 1.0) == 8
    assert erlang_a_agents(7.0, 180.0, 20.0, 0.0, 60.0, 1.0) == 1


def test_shrinkage_rounds_up_without_float_noise() -> None:
    assert with_shrinkage(np.array([14, 7, 0, 1]), 0.3).tolist() == [20, 10, 0, 2]
    # 21 / (1 - 0.3) is 30.000000000000004 in floating point: still 30 agents, not 31.
    assert with_shrinkage(np.array([21, 42]), 0.3).tolist() == [30, 60]
    with pytest.raises(ValueError, match="shrinkage"):
        with_shrinkage(np.array([3]), 1.0)


def test_given_requirements_are_final_and_quiet_rows_need_nobody() -> None:
    calls: dict[tuple[str, int | str, int | str], float] = {("main", "08:00", "10:00"): 40.0}
    p = make_problem(calls=calls,
                     required={("main", "09:00", "09:30"): 7.0, ("main", "20:00", "20:15"): 2.0},
                     settings_overrides={"shrinkage": 0.3})
    required = required_agents(p)[0]
    assert required[36] == required[37] == 7  # given: no Erlang, no shrinkage
    assert required[80] == 2  # given on a row without calls
    on_phone = required_agents(make_problem(calls=calls))[0, 32]
    assert required[32] == math.ceil(on_phone / 0.7 - 1e-9) > on_phone
    assert required[:32].sum() == 0 and required[40:80].sum() == 0
    table = staffing_table(p)
    assert list(table["model"][36:38]) == ["given", "given"]
    assert table["agents_on_phone"][36] == 7


def test_erlang_a_queue_uses_patience_and_reports_abandonment() -> None:
    p = with_patience(textbook_problem(), 300.0)
    assert required_agents(p)[0, EIGHT] == 13
    row = staffing_table(p).iloc[EIGHT]
    assert row["model"] == "erlang_a"
    assert row["abandonment"] == pytest.approx(0.02496, abs=1e-5)
    assert row["service_level"] == pytest.approx(0.85818, abs=1e-5)


def test_service_level_of_a_problem() -> None:
    p = textbook_problem()
    agents = np.zeros(p.forecast.calls.shape, dtype=np.int64)
    level = service_level(p, agents)
    assert level[0, EIGHT] == 0.0
    assert level[0, 0] == 1.0  # no calls
    agents[0, EIGHT] = 14
    assert service_level(p, agents)[0, EIGHT] == pytest.approx(0.8884, abs=5e-4)
    impatient = with_patience(p, 300.0)
    agents[0, EIGHT] = 13
    assert service_level(impatient, agents)[0, EIGHT] == pytest.approx(0.85818, abs=1e-5)


# --------------------------------------------------------------------------- table and workbook


def test_staffing_table_has_one_row_per_interval_and_queue() -> None:
    p = make_problem(queues=("main", "calm"), calls={("calm", "08:00", "08:15"): 12.0})
    table = staffing_table(p)
    assert tuple(table.columns) == STAFFING_COLUMNS
    assert len(table) == 2 * 96
    assert list(table["queue"][:2]) == ["main", "calm"]
    busy = table[table["calls"] > 0]
    assert len(busy) == 1 and busy.iloc[0]["interval_start"] == "08:00"
    quiet = table[table["calls"] == 0]
    assert set(quiet["required_agents"]) == {0} and set(quiet["service_level"]) == {1.0}


def test_workbook_round_trip(tmp_path: Path) -> None:
    p = textbook_problem(shrinkage=0.3)
    table = staffing_table(p)
    path = tmp_path / "staffing.xlsx"
    write_staffing_workbook(table, path)
    sheet = openpyxl.load_workbook(path)["Staffing"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == STAFFING_COLUMNS
    assert len(rows) == len(table) + 1
    record = dict(zip(rows[0], rows[1 + EIGHT], strict=True))
    assert record["required_agents"] == 20 and record["agents_on_phone"] == 14
    assert record["interval_start"] == "08:00" and record["model"] == "erlang_c"
    assert [f.name for f in tmp_path.iterdir()] == ["staffing.xlsx"]  # no temporary left


def test_unstable_asa_is_blank_in_the_workbook(tmp_path: Path) -> None:
    p = make_problem(calls={("main", "08:00", "08:15"): 40.0},
                     required={("main", "08:00", "08:15"): 1.0})  # 13.3 Erlangs on 1 agent
    table = staffing_table(p)
    assert math.isinf(table["asa_seconds"][32])
    write_staffing_workbook(table, tmp_path / "s.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx")["Staffing"]
    assert sheet.cell(row=2 + 32, column=STAFFING_COLUMNS.index("asa_seconds") + 1).value is None


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    table = staffing_table(textbook_problem())
    with pytest.raises(OutputWriteError, match="does not exist"):
        write_staffing_workbook(table, tmp_path / "missing" / "staffing.xlsx")


def test_a_folder_as_output_is_a_clear_error(tmp_path: Path) -> None:
    table = staffing_table(textbook_problem())
    with pytest.raises(OutputWriteError, match="is a folder"):
        write_staffing_workbook(table, tmp_path)
    assert list(tmp_path.iterdir()) == []
