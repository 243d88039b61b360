"""The ``shiftcare`` command line: wiring and exit codes, no scheduling logic.

Exit codes: 0 roster written, 2 bad input or usage, 3 infeasible (Diagnostics written),
4 no roster within the time limit, 1 unexpected error.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from shiftcare import __version__
from shiftcare.errors import OutputWriteError
from shiftcare.model.builder import ShiftPolicy
from shiftcare.solve import SolveOptions

if TYPE_CHECKING:
    from shiftcare.pipeline import JobResult

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_ROSTER = 0, 1, 2, 3, 4
log = logging.getLogger("shiftcare")
F = TypeVar("F", bound=Callable[..., Any])
CHANGE_WEIGHT = 100.0
"""Objective cost of one changed shift under --min-change (a tenth of one missing agent-interval
at the default weight_understaffing of 1000)."""


class ExitWith(Exception):
    """Stop the command with an exit code after its message was printed."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class _LevelFormatter(logging.Formatter):
    """``shiftcare: message`` for information, ``shiftcare: warning: message`` above it."""

    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        if record.levelno >= logging.WARNING:
            return f"shiftcare: {record.levelname.lower()}: {message}"
        return f"shiftcare: {message}"


def _configure_logging(quiet: bool, verbose: bool) -> None:
    """Log to stderr: warnings and errors only with --quiet, debug with --verbose."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LevelFormatter("%(message)s"))
    level = logging.WARNING if quiet else (logging.DEBUG if verbose else logging.INFO)
    logging.basicConfig(level=level, handlers=[handler], force=True)


def user_errors(command: F) -> F:
    """Turn bad input into exit 2 with one line per problem, and crashes into exit 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from shiftcare.errors import ShiftcareError, WorkbookError

        try:
            return command(*args, **kwargs)
        except ExitWith as stop:
            sys.exit(stop.code)
        except WorkbookError as error:
            click.echo(f"error: {len(error.problems)} problem(s) in the workbook:", err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except ShiftcareError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(getattr(error, "exit_code", EXIT_BAD_INPUT))
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_ERROR)
        except Exception as error:  # an unexpected failure: exit 1, traceback only with -v
            log.debug("unexpected error", exc_info=True)
            click.echo(f"unexpected error ({type(error).__name__}): {error}\n"
                       "run again with --verbose for the traceback", err=True)
            sys.exit(EXIT_ERROR)

    return cast(F, wrapper)


def default_output(input_path: Path, suffix: str) -> Path:
    """``<input stem>.<suffix>.xlsx`` beside the input."""
    return input_path.with_name(f"{input_path.stem}.{suffix}.xlsx")


def check_output_path(input_path: Path, output_path: Path) -> None:
    """Refuse to overwrite the input workbook."""
    if output_path.resolve() == input_path.resolve():
        click.echo(f"error: the output {output_path} is the input workbook; "
                   "shiftcare never writes its input, choose another -o", err=True)
        raise ExitWith(EXIT_BAD_INPUT)


PROGRESS_EVERY_SECONDS = 2.0
"""The least time between two progress lines on stderr."""


def _progress_printer(quiet: bool) -> Callable[[float, float, float], None] | None:
    """Print improving rosters (objective, bound, gap) to stderr, at most every 2 s."""
    if quiet:
        return None
    last_printed = [-PROGRESS_EVERY_SECONDS]

    def show(seconds: float, objective: float, bound: float) -> None:
        if seconds - last_printed[0] < PROGRESS_EVERY_SECONDS:
            return
        last_printed[0] = seconds
        gap = (objective - bound) / max(1.0, abs(objective))
        click.echo(f"  {seconds:7.1f} s  objective {objective:14.1f}  bound {bound:14.1f}"
                   f"  gap {gap:7.2%}", err=True)

    return show


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shiftcare")
def main() -> None:
    """Stress-aware workforce scheduling for call centres (Excel in, roster out)."""


def input_and_output(suffix: str) -> Callable[[F], F]:
    """The INPUT argument and the ``-o`` option of a command writing ``<stem>.<suffix>.xlsx``."""

    def decorate(command: F) -> F:
        command = click.option(
            "-o", "--output", "output_path", type=click.Path(path_type=Path),
            help=f"Output workbook [default: <INPUT stem>.{suffix}.xlsx beside INPUT].")(command)
        return click.argument("input_path", metavar="INPUT",
                              type=click.Path(path_type=Path))(command)

    return decorate


def prepare(input_path: Path, output_path: Path | None, suffix: str, quiet: bool,
            verbose: bool) -> Path:
    """Set up logging and return the output path (default beside INPUT, never INPUT)."""
    _configure_logging(quiet, verbose)
    output_path = output_path or default_output(input_path, suffix)
    check_output_path(input_path, output_path)
    return output_path


def solver_options(command: F) -> F:
    """The options every solving command shares (time limit, workers, seed, horizon, output)."""
    decorators = [
        click.option("--time-limit", type=click.FloatRange(min=1), default=None,
                     help="Wall-clock limit in seconds, reading and writing included "
                          "[default: Settings time_limit_seconds, 60]."),
        click.option("--workers", type=click.IntRange(min=0), default=None,
                     help="Solver threads, 0 = all cores [default: Settings workers]."),
        click.option("--seed", type=int, default=None,
                     help="Random seed [default: Settings seed]. With --workers 1 the same "
                          "input and seed give the same roster."),
        click.option("--start-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="Roll the horizon to start on this date (YYYY-MM-DD); Forecast, "
                          "Availability and Roster rows outside it are skipped."),
        click.option("--json", "json_path", default=None, metavar="PATH",
                     help="Also write the summary as JSON to PATH ('-' for stdout)."),
        click.option("-q", "--quiet", is_flag=True,
                     help="Print only warnings and errors (for cron)."),
        click.option("-v", "--verbose", is_flag=True,
                     help="Debug logging and the solver's search log."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def write_json(json_path: str | None, result: JobResult) -> None:
    """The job's summary as JSON to a file or stdout (``-``), with exit code and output path."""
    if json_path is None:
        return
    payload = {"exit_code": result.exit_code,
               "output": None if result.output_path is None else str(result.output_path),
               **result.summary}
    text = json.dumps(payload, indent=2, default=str)
    if json_path == "-":
        click.echo(text)
        return
    try:
        Path(json_path).write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise OutputWriteError(f"cannot write the JSON summary {json_path}: "
                               f"{error.strerror or error}") from error


def _options(mode: str, time_limit: float | None, workers: int | None, seed: int | None,
             verbose: bool, policy: ShiftPolicy | None = None) -> SolveOptions:
    return SolveOptions(mode=mode, time_limit_seconds=time_limit,  # type: ignore[arg-type]
                        workers=workers, seed=seed, log_search=verbose,
                        policy=policy or ShiftPolicy())


def _start(start_date: datetime | None) -> date | None:
    return None if start_date is None else start_date.date()


@main.command()
@input_and_output("solved")
@click.option("--mode", type=click.Choice(["stress-aware", "baseline"]), default="stress-aware",
              show_default=True, help="baseline drops the stress rules and nothing else.")
@click.option("--keep-shifts", is_flag=True,
              help="Keep the input Roster's shifts; optimise breaks, recovery and queues only.")
@click.option("--min-change", is_flag=True,
              help="Penalise every shift that differs from the input Roster's "
                   f"(cost {CHANGE_WEIGHT:g} per changed agent-date).")
@solver_options
@user_errors
def solve(input_path: Path, output_path: Path | None, mode: str, keep_shifts: bool,
          min_change: bool, time_limit: float | None, workers: int | None, seed: int | None,
          start_date: datetime | None, json_path: str | None, quiet: bool,
          verbose: bool) -> None:
    """Solve INPUT and write the roster workbook."""
    from shiftcare.pipeline import run_solve

    output_path = prepare(input_path, output_path, "solved", quiet, verbose)
    policy = ShiftPolicy("keep" if keep_shifts else "free",
                         CHANGE_WEIGHT if min_change else 0.0)
    options = _options(mode, time_limit, workers, seed, verbose, policy)
    result = run_solve(input_path, output_path, options, _progress_printer(quiet),
                       _start(start_date))
    write_json(json_path, result)
    raise ExitWith(result.exit_code)


@main.command()
@input_and_output("evaluated")
@solver_options
@user_errors
def evaluate(input_path: Path, output_path: Path | None, time_limit: float | None,
             workers: int | None, seed: int | None, start_date: datetime | None,
             json_path: str | None, quiet: bool, verbose: bool) -> None:
    """Score the existing Roster of INPUT: Coverage, Stress, Summary and every broken rule.

    Breaks and queues come from an input Activities sheet when it covers every shift;
    otherwise they are placed as well as possible with the shifts fixed.
    """
    from shiftcare.pipeline import run_evaluate

    output_path = prepare(input_path, output_path, "evaluated", quiet, verbose)
    options = _options("stress-aware", time_limit, workers, seed, verbose)
    result = run_evaluate(input_path, output_path, options, _progress_printer(quiet),
                          _start(start_date))
    write_json(json_path, result)
    raise ExitWith(result.exit_code)


@main.command()
@input_and_output("compared")
@solver_options
@user_errors
def compare(input_path: Path, output_path: Path | None, time_limit: float | None,
            workers: int | None, seed: int | None, start_date: datetime | None,
            json_path: str | None, quiet: bool, verbose: bool) -> None:
    """Stress-aware vs baseline roster (and the existing Roster), side by side.

    The time limit is shared between the rosters. Prints the comparison table and writes a
    workbook with the table, each roster, coverage charts and complaint-minute heat maps.
    """
    from shiftcare.pipeline import run_compare

    output_path = prepare(input_path, output_path, "compared", quiet, verbose)
    options = _options("stress-aware", time_limit, workers, seed, verbose)
    result, table = run_compare(input_path, output_path, options, _progress_printer(quiet),
                                _start(start_date))
    if table and not quiet:
        click.echo(table, err=json_path == "-")
    write_json(json_path, result)
    raise ExitWith(result.exit_code)


@main.command()
@input_and_output("staffing")
@click.option("-q", "--quiet", is_flag=True, help="Do not print the table.")
@user_errors
def staffing(input_path: Path, output_path: Path | None, quiet: bool) -> None:
    """Required agents per interval and queue (Erlang C / Erlang A) for INPUT."""
    from shiftcare.io.excel_read import read_workbook
    from shiftcare.staffing import staffing_table, write_staffing_workbook

    output_path = prepare(input_path, output_path, "staffing", quiet, False)
    table = staffing_table(read_workbook(input_path))
    if not quiet:
        busy = table[table["calls"] > 0]
        click.echo(busy.to_string(index=False, max_rows=60))
    write_staffing_workbook(table, output_path)
    click.echo(f"wrote {output_path}", err=True)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--size", type=click.Choice(["small", "medium", "medium-roster"]), default="small",
              show_default=True,
              help="Which bundled sample to write (medium-roster: medium plus today's Roster).")
@user_errors
def demo(path: Path | None, size: str) -> None:
    """Write a sample input workbook to PATH [default: shiftcare-<size>.xlsx]."""
    from shiftcare.samples import build_sample

    path = path or Path(f"shiftcare-{size}.xlsx")
    build_sample(size, path)  # type: ignore[arg-type]
    click.echo(f"wrote {path}; solve it with: shiftcare solve {path}", err=True)


if __name__ == "__main__":
    main()
