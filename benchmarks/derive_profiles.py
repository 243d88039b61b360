"""Derive the small call-centre profiles in ``shiftcare/data/`` from public data.

Run from the repository root (the public data sits beside the repository by default):

    python benchmarks/derive_profiles.py --data ../shared/data

Inputs (see the README of each data folder for source, authors and terms):

- ``us_bank_calls/bank_calls.csv``: 5-minute call counts of a US bank, weekdays of 2003.
- ``israel_bank_callcenter/arrivals_15min_by_type.csv``: 15-minute arrivals by service
  type with mean service seconds, "Anonymous Bank", Israel, 1999.

Outputs (small CSVs the package reads at run time; ``shiftcare/data/README.md`` credits them):

- ``intraday_profile.csv``: ``weekday, interval_start, share``: share of a day's calls
  arriving in each 15-minute interval (00:00-23:45), per weekday; each weekday sums to 1.
  From the Israeli bank, all service types. The Israeli working week runs Sunday to
  Thursday, so days are mapped by their place in the week: Israeli Sunday (first
  working day after the weekend) -> Monday, ... Thursday (last full working day) ->
  Friday, Friday (short day, closes 14:00) -> Saturday, Saturday -> Sunday. This curve
  has the classic two peaks (mid-morning and mid-afternoon, with a lunch dip); the US
  bank's mean curve peaks once, at about 10:15, and then falls steadily.
- ``daily_volume.csv``: ``weekday, relative_volume, source``: a day's calls relative to
  the mean Monday-Friday day. Monday-Friday from the US bank (mean calls per weekday);
  Saturday and Sunday from the Israeli bank (Friday and Saturday against its mean
  Sunday-Thursday day, mapped as above).
- ``aht_profile.csv``: ``interval_start, mean_service_seconds, relative_aht``: mean
  service time of regular (``PS``) calls answered Sunday-Thursday at the Israeli bank,
  weighted by answered calls, and that value over the all-day mean. Intervals with fewer
  than ``MIN_ANSWERED`` answered calls over the nine months have a blank mean and a
  relative AHT of 1.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
INTERVAL_MINUTES = 15
MIN_ANSWERED = 200
ISRAEL_WORKING_DAYS = (6, 0, 1, 2, 3)  # Sunday..Thursday as pandas day_of_week numbers
REPO_ROOT = Path(__file__).resolve().parent.parent


def interval_labels() -> list[str]:
    """All 96 interval starts of a day, ``HH:MM``."""
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 1440, INTERVAL_MINUTES)]


def western_weekday(israeli_day_of_week: int) -> int:
    """Map an Israeli weekday (pandas numbering, Monday = 0) to its place in a Mon-Sun week."""
    return (israeli_day_of_week + 1) % 7


def read_israel(data: Path) -> pd.DataFrame:
    """The Israeli 15-minute arrivals with a ``day_of_week`` column (Monday = 0)."""
    frame = pd.read_csv(data / "israel_bank_callcenter" / "arrivals_15min_by_type.csv")
    frame["date"] = pd.to_datetime(frame["date"])
    frame["day_of_week"] = frame["date"].dt.day_of_week
    return frame


def read_us_bank(data: Path) -> pd.DataFrame:
    """The US bank's 5-minute counts with ``date`` and ``day_of_week`` columns."""
    frame = pd.read_csv(data / "us_bank_calls" / "bank_calls.csv", parse_dates=["DateTime"])
    frame["date"] = frame["DateTime"].dt.date
    frame["day_of_week"] = frame["DateTime"].dt.day_of_week
    return frame


def intraday_profile(israel: pd.DataFrame) -> pd.DataFrame:
    """Share of each weekday's calls per 15-minute interval (rows sum to 1 per weekday)."""
    counts = israel.groupby(["day_of_week", "interval_start"])["calls"].sum().unstack(0)
    counts = counts.reindex(interval_labels()).fillna(0.0)
    rows = []
    for israeli_day in range(7):
        shares = counts[israeli_day] / counts[israeli_day].sum()
        weekday = WEEKDAYS[western_weekday(israeli_day)]
        rows += [(weekday, label, round(float(s), 6)) for label, s in shares.items()]
    profile = pd.DataFrame(rows, columns=["weekday", "interval_start", "share"])
    profile["order"] = profile["weekday"].map(WEEKDAYS.index)
    return profile.sort_values(["order", "interval_start"]).drop(columns="order")


def daily_volume(us_bank: pd.DataFrame, israel: pd.DataFrame) -> pd.DataFrame:
    """Relative daily volume per weekday (mean Monday-Friday day = 1)."""
    us_daily = us_bank.groupby(["date", "day_of_week"])["Calls"].sum().reset_index()
    us_mean = us_daily.groupby("day_of_week")["Calls"].mean()
    il_daily = israel.groupby(["date", "day_of_week"])["calls"].sum().reset_index()
    il_mean = il_daily.groupby("day_of_week")["calls"].mean()
    il_working_day = il_mean[list(ISRAEL_WORKING_DAYS)].mean()
    rows = [(WEEKDAYS[d], round(float(us_mean[d] / us_mean.mean()), 4), "us_bank_calls")
            for d in range(5)]
    rows += [(WEEKDAYS[western_weekday(d)], round(float(il_mean[d] / il_working_day), 4),
              "israel_bank_callcenter") for d in (4, 5)]
    return pd.DataFrame(rows, columns=["weekday", "relative_volume", "source"])


def aht_profile(israel: pd.DataFrame) -> pd.DataFrame:
    """Mean service seconds of regular calls per interval and relative to the day's mean."""
    regular = israel[(israel["service_type"] == "PS")
                     & israel["day_of_week"].isin(ISRAEL_WORKING_DAYS)
                     & israel["mean_service_seconds"].notna()].copy()
    regular["service_total"] = regular["mean_service_seconds"] * regular["answered"]
    sums = regular.groupby("interval_start")[["service_total", "answered"]].sum()
    sums = sums.reindex(interval_labels()).fillna(0.0)
    overall = sums["service_total"].sum() / sums["answered"].sum()
    rows: list[tuple[object, float | None, float]] = []
    for label, row in sums.iterrows():
        if row["answered"] >= MIN_ANSWERED:
            mean = row["service_total"] / row["answered"]
            rows.append((label, round(float(mean), 1), round(float(mean / overall), 4)))
        else:
            rows.append((label, None, 1.0))
    return pd.DataFrame(rows, columns=["interval_start", "mean_service_seconds", "relative_aht"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO_ROOT.parent / "shared" / "data",
                        help="folder holding us_bank_calls/ and israel_bank_callcenter/")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "shiftcare" / "data",
                        help="where the profile CSVs are written")
    args = parser.parse_args()
    israel = read_israel(args.data)
    us_bank = read_us_bank(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    outputs = {
        "intraday_profile.csv": intraday_profile(israel),
        "daily_volume.csv": daily_volume(us_bank, israel),
        "aht_profile.csv": aht_profile(israel),
    }
    for name, frame in outputs.items():
        frame.to_csv(args.out / name, index=False, lineterminator="\n")
        print(f"wrote {args.out / name} ({len(frame)} rows)")


if __name__ == "__main__":
    main()
