"""The compact class model solved by each solver OR-Tools ships: which is fastest here.

Usage::

    python benchmarks/lp_solvers.py 200x7 --seed 8 --solvers GLOP HIGHS_LP PDLP SCIP HIGHS

Per generated week (as ``run_scale.py`` builds it) and solver one row: the compact class
model of ``shiftcare.bound`` with understaffing as the only cost, built through
``pywraplp`` as the bound builds it. LP solvers (``GLOP``, ``HIGHS_LP``, ``PDLP``, ``CLP``)
solve its LP (min hours kept, as ``bound.compact_lp_bounds``); MIP solvers (``SCIP``,
``HIGHS``) solve its MIP for one node (min hours dropped, every count whole, as
``bound.compact_mip_understaffing``) and report their dual bound. Each gets
``--seconds``; the row gives the status, the value in agent-intervals (the LP optimum,
or the MIP's dual bound) and the seconds of the solve alone. ``shiftcare`` solves its
LPs with GLOP and the compact MIP with SCIP; see benchmarks/README.md for what this
measured.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
from generated_week import load_week
from ortools.linear_solver import pywraplp

from shiftcare.bound import MIP_BOUND_PARAMETERS, UNDERSTAFFING_WEIGHTS, build_compact_model
from shiftcare.problem import Problem

MIP_SOLVERS = {"SCIP": MIP_BOUND_PARAMETERS, "HIGHS": "output_flag=false\nmip_max_nodes=1"}
"""MIP solvers and their parameters for one node (SCIP's those of the bound itself)."""
LP_PARAMETERS = {"HIGHS_LP": "output_flag=false"}
"""Parameters of LP solvers that need them (HiGHS's banner off)."""
STATUS = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE",
          pywraplp.Solver.INFEASIBLE: "INFEASIBLE", pywraplp.Solver.UNBOUNDED: "UNBOUNDED",
          pywraplp.Solver.ABNORMAL: "ABNORMAL", pywraplp.Solver.NOT_SOLVED: "NOT_SOLVED"}


def measure(size: str, seed: int, solver_names: Sequence[str], seconds: float,
            ) -> Iterator[str]:
    """One table row per solver of ``solver_names``, in order, each printed as soon as
    it is solved: the solver on the week's compact model within ``seconds``; the week
    is built and read once."""
    problem, required, _ = load_week(size, seed)
    for name in solver_names:
        yield _row(problem, required, size, seed, name, seconds)


def _row(problem: Problem, required: npt.NDArray[np.int64], size: str, seed: int,
         solver_name: str, seconds: float) -> str:
    """One table row: ``solver_name`` on the compact model of ``problem`` (the week
    ``size`` of ``seed``) within ``seconds``."""
    solver = pywraplp.Solver.CreateSolver(solver_name)
    if solver is None:
        return f"| {size} | {seed} | {solver_name} | | not available | | |"
    mip = solver_name in MIP_SOLVERS
    compact = build_compact_model(solver, problem, required, "stress-aware",
                                  UNDERSTAFFING_WEIGHTS, min_hours=not mip)
    if mip:
        for variable in solver.variables():
            variable.SetInteger(True)
    parameters = MIP_SOLVERS.get(solver_name, LP_PARAMETERS.get(solver_name))
    if parameters is not None:
        solver.SetSolverSpecificParametersAsString(parameters)
    solver.SetTimeLimit(max(1, int(1000 * seconds)))
    started = time.monotonic()
    status = solver.Solve()
    elapsed = time.monotonic() - started
    value = ""
    if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        found = compact.objective.BestBound() if mip else compact.objective.Value()
        value = f"{found:,.2f}"
    kind = "MIP, one node" if mip else "LP"
    outcome = STATUS.get(status, f"no result ({status})")
    return (f"| {size} | {seed} | {solver_name} | {kind} | {outcome} | {value} | "
            f"{elapsed:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", default="200x7", help="AGENTSxDAYS")
    parser.add_argument("--seed", type=int, nargs="+", default=[8])
    parser.add_argument("--solvers", nargs="+", default=["GLOP", "HIGHS_LP", "SCIP", "HIGHS"],
                        help="pywraplp solver names (LP: GLOP, HIGHS_LP, PDLP, CLP; "
                             "MIP: SCIP, HIGHS)")
    parser.add_argument("--seconds", type=float, default=300.0,
                        help="most seconds for each solve")
    args = parser.parse_args()
    print("| instance | seed | solver | problem | status | agent-intervals short "
          "(LP optimum or MIP dual bound) | seconds |")
    print("|---|---|---|---|---|---|---|")
    for seed in args.seed:
        for row in measure(args.size, seed, args.solvers, args.seconds):
            print(row, flush=True)


if __name__ == "__main__":
    main()
