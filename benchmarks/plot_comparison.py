"""Draw the charts of a ``shiftcare compare`` workbook as one PNG (GitHub issue #7).

The figure mirrors the workbook's native charts so the README can show them: one row
per roster (stress-aware, baseline, and the existing roster when there is one), with
required vs scheduled agents per interval for each queue (line plots, one tick per
day) and the roster's agent x date complaint-minute table as a white-to-red heat map
(the ``Complaint minutes <roster>`` sheets). Row titles quote the roster's service
level and longest complaint stretch from the ``Comparison`` sheet.

matplotlib is a benchmark-only extra (``pip install -e '.[bench]'``). From the
repository root:

    shiftcare compare instances/medium.xlsx -o medium.compared.xlsx --time-limit 120
    python benchmarks/plot_comparison.py medium.compared.xlsx -o docs/comparison.png
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure, SubFigure
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

COVERAGE_PREFIX = "Coverage "
COMPLAINT_PREFIX = "Complaint minutes "
#: The workbook's heat-map colours (white for 0, red for the largest value).
WHITE_TO_RED = LinearSegmentedColormap.from_list("white_to_red", ["#FFFFFF", "#F8696B"])
#: Comparison figures quoted in each row title, when the sheet has them.
TITLE_FIGURES = ("service level", "longest complaint stretch")


@dataclass
class QueueCoverage:
    """Required and scheduled agents per interval of one queue."""

    required: list[float] = field(default_factory=list)
    scheduled: list[float] = field(default_factory=list)


@dataclass
class RosterCharts:
    """What the figure draws for one roster.

    ``dates`` are the Coverage dates in interval order (one per interval);
    ``complaint`` is agents x dates minutes with its labels.
    """

    name: str
    queues: dict[str, QueueCoverage]
    dates: list[str]
    agents: list[str]
    complaint_dates: list[str]
    complaint: np.ndarray
    figures: dict[str, str]


def sheet_rows(worksheet: Worksheet) -> Iterator[dict[str, object]]:
    """Rows of a sheet as dicts keyed by the lower-cased header."""
    rows = worksheet.iter_rows(values_only=True)
    header = [str(h).strip().lower() if h is not None else "" for h in next(rows, ())]
    for row in rows:
        if any(value is not None for value in row):
            yield dict(zip(header, row, strict=False))


def date_text(value: object) -> str:
    """An ISO date from a date cell or text (time of day dropped)."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10]


def number(value: object) -> float:
    """A numeric cell as float; blank (or anything not a number) as 0."""
    return float(value) if isinstance(value, int | float) else 0.0


def read_coverage(worksheet: Worksheet) -> tuple[dict[str, QueueCoverage], list[str]]:
    """Per queue its required and scheduled series, and the date of each interval."""
    queues: dict[str, QueueCoverage] = {}
    dates: list[str] = []
    for row in sheet_rows(worksheet):
        queue = str(row["queue"])
        if not queues or queue == next(iter(queues)):
            dates.append(date_text(row["date"]))
        series = queues.setdefault(queue, QueueCoverage())
        series.required.append(number(row["required"]))
        series.scheduled.append(number(row["scheduled"]))
    return queues, dates


def read_complaint_grid(worksheet: Worksheet) -> tuple[list[str], list[str], np.ndarray]:
    """Agents, dates and the agents x dates complaint minutes (blank as 0)."""
    rows = list(worksheet.iter_rows(values_only=True))
    if not rows:
        return [], [], np.zeros((0, 0))
    dates = [date_text(v) for v in rows[0][1:] if v is not None]
    agents = [str(r[0]) for r in rows[1:] if r[0] is not None]
    values = np.array([[number(v) for v in r[1:len(dates) + 1]]
                       for r in rows[1:] if r[0] is not None], dtype=np.float64)
    return agents, dates, values.reshape(len(agents), len(dates))


def read_comparison(worksheet: Worksheet) -> dict[str, dict[str, str]]:
    """Comparison sheet as {roster: {figure: value text}}."""
    rows = list(worksheet.iter_rows(values_only=True))
    if not rows:
        return {}
    rosters = [str(r) for r in rows[0][1:]]
    table: dict[str, dict[str, str]] = {r: {} for r in rosters}
    for row in rows[1:]:
        for roster, value in zip(rosters, row[1:], strict=False):
            table[roster][str(row[0]).strip().lower()] = format_figure(value)
    return table


def format_figure(value: object) -> str:
    """A Comparison cell as short text (floats to 4 significant digits)."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def read_rosters(path: Path) -> list[RosterCharts]:
    """Every roster of a compare workbook that has a Coverage sheet, in sheet order."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        names = {s.lower(): s for s in workbook.sheetnames}
        comparison = read_comparison(workbook[names["comparison"]]) if "comparison" in names else {}
        rosters = []
        for title in workbook.sheetnames:
            if not title.startswith(COVERAGE_PREFIX):
                continue
            name = title[len(COVERAGE_PREFIX):]
            queues, dates = read_coverage(workbook[title])
            agents: list[str] = []
            complaint_dates: list[str] = []
            grid = np.zeros((0, 0))
            if COMPLAINT_PREFIX + name in workbook.sheetnames:
                agents, complaint_dates, grid = read_complaint_grid(
                    workbook[COMPLAINT_PREFIX + name])
            rosters.append(RosterCharts(name, queues, dates, agents, complaint_dates, grid,
                                        comparison.get(name, {})))
        return rosters
    finally:
        workbook.close()


def day_ticks(dates: Sequence[str]) -> tuple[list[int], list[str]]:
    """Interval positions where a new date starts, labelled ``Mon 11-30``."""
    positions, labels = [], []
    for index, day in enumerate(dates):
        if index == 0 or day != dates[index - 1]:
            positions.append(index)
            weekday = np.datetime64(day).astype("datetime64[D]").item().strftime("%a")
            labels.append(f"{weekday} {day[5:]}")
    return positions, labels


def draw_coverage(axes: plt.Axes, roster: RosterCharts, queue: str) -> None:
    """Required vs scheduled agents per interval of one queue (the workbook's line chart)."""
    series = roster.queues[queue]
    steps = np.arange(len(series.required) + 1)
    required = np.append(series.required, series.required[-1:])
    scheduled = np.append(series.scheduled, series.scheduled[-1:])
    axes.fill_between(steps, 0, required, step="post", color="#c7c7c7", linewidth=0,
                      label="required")
    axes.step(steps, scheduled, where="post", color="#1f5fa8", linewidth=0.9,
              label="scheduled (on the phone)")
    short = required > scheduled
    axes.fill_between(steps, scheduled, required, where=short, step="post",
                      color="#d62728", linewidth=0, label="understaffed")
    top = max(float(required.max()), float(scheduled.max()), 1.0)
    axes.plot(steps[short], np.full(int(short.sum()), -0.04 * top), "|", color="#d62728",
              markersize=6)
    positions, labels = day_ticks(roster.dates)
    axes.set_xticks(positions, labels, fontsize=8)
    axes.set_xlim(0, len(steps) - 1)
    axes.set_ylim(-0.08 * top, 1.08 * top)
    axes.grid(axis="x", color="#dddddd")
    axes.set_ylabel("agents")
    axes.set_title(f"{roster.name}, {queue}: required vs scheduled agents", fontsize=10)


def draw_heat_map(figure: Figure | SubFigure, axes: plt.Axes, roster: RosterCharts,
                  top: float) -> None:
    """Agents x dates complaint minutes, white (0) to red (``top``)."""
    worked = roster.complaint.sum(axis=1) > 0
    grid = roster.complaint[worked]
    agents = [a for a, keep in zip(roster.agents, worked, strict=True) if keep]
    image = axes.imshow(grid, aspect="auto", cmap=WHITE_TO_RED, vmin=0, vmax=max(top, 1),
                        interpolation="nearest")
    _, day_labels = day_ticks(roster.complaint_dates)
    axes.set_xticks(range(len(roster.complaint_dates)), [d[:3] for d in day_labels],
                    fontsize=8)
    axes.set_yticks(range(len(agents)), agents, fontsize=6)
    axes.set_title(f"{roster.name}: complaint minutes\n(agents with any)", fontsize=10)
    for spine in axes.spines.values():
        spine.set_color("#999999")
    figure.colorbar(image, ax=axes, fraction=0.08, pad=0.03, label="minutes")


def row_title(roster: RosterCharts) -> str:
    """Roster name with its headline figures from the Comparison sheet."""
    quoted = []
    for prefix in TITLE_FIGURES:
        label = next((k for k in roster.figures if k.startswith(prefix)), None)
        if label is not None and roster.figures[label]:
            quoted.append(f"{label} {roster.figures[label]}")
    return roster.name + (f":  {', '.join(quoted)}" if quoted else "")


def comparison_figure(rosters: Sequence[RosterCharts], width_px: int = 1600,
                      height_px: int = 1000, dpi: int = 100) -> Figure:
    """One row per roster: a coverage plot per queue, then the complaint heat map."""
    queues = list(rosters[0].queues)
    figure = plt.figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi,
                        layout="constrained")
    rows = figure.subfigures(len(rosters), 1, squeeze=False)[:, 0]
    top = max((float(r.complaint.max()) for r in rosters if r.complaint.size), default=1.0)
    for row, (subfigure, roster) in enumerate(zip(rows, rosters, strict=True)):
        subfigure.suptitle(row_title(roster), x=0.01, ha="left", fontsize=11,
                           fontweight="bold")
        axes = subfigure.subplots(1, len(queues) + 1, squeeze=False,
                                  width_ratios=[3.0] * len(queues) + [1.3])[0]
        for column, queue in enumerate(queues):
            if queue in roster.queues:
                draw_coverage(axes[column], roster, queue)
            if row == 0 and column == 0:
                axes[column].legend(loc="upper right", fontsize=8)
        if roster.complaint.size:
            draw_heat_map(subfigure, axes[-1], roster, top)
        else:
            axes[-1].set_axis_off()
    figure.suptitle("shiftcare compare: where care costs coverage, and who carries the "
                    "complaint load", fontsize=13)
    return figure


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: read a compare workbook, write the PNG."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workbook", type=Path, help="a `shiftcare compare` output workbook")
    parser.add_argument("-o", "--output", type=Path, default=Path("docs/comparison.png"))
    parser.add_argument("--width", type=int, default=1600, help="pixels")
    parser.add_argument("--height", type=int, default=1000, help="pixels")
    args = parser.parse_args(argv)
    rosters = read_rosters(args.workbook)
    if not rosters:
        parser.error(f"{args.workbook}: no '{COVERAGE_PREFIX}<roster>' sheet")
    figure = comparison_figure(rosters, args.width, args.height)
    figure.savefig(args.output, dpi=100)
    plt.close(figure)
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KB, "
          f"{len(rosters)} rosters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
