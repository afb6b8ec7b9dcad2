#!/usr/bin/env python3
"""What the US FTC Do-Not-Call complaints say about the numbers in them, with numrep.

Builds a reputation database from an FTC complaint file, then reports what went in (rows,
bad rows by reason), what the complaints are about (top subjects and numrep categories), what
the numbers are by the numbering plan (valid or not, region code, type: libphonenumber's data,
built into numrep), where they are (the states and provinces with the most reported numbers),
how the numbers score (score distribution, levels) and the ten worst numbers, and draws the
same in a PNG.

    python examples/python/ftc_analysis.py                       # the cut shipped in tests/data
    python examples/python/ftc_analysis.py --data full           # ../shared/data, the whole day
    python examples/python/ftc_analysis.py --data FILE.csv --output plots/ --now 2021-07-08

Scores decay with time (90-day half-life), so they are taken at --now: by default midnight
after the last complaint in the file was filed, as if the analysis ran the next morning (or the
newest report's time, if a violation is dated later still).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import numrep

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "ftc_sample.csv"
FULL = ROOT.parent / "shared" / "data" / "ftc_dnc_complaint_numbers_2021-07-08.csv"
SCORE_BINS = np.arange(0, 101, 10)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(SAMPLE),
                        help=f"FTC complaint CSV, or 'full' for {FULL.name} (default: the shipped cut)")
    parser.add_argument("--output", type=Path, default=None, help="directory for ftc_analysis.png (default: a new temp dir)")
    parser.add_argument("--now", default=None, help="score at this time (ISO date or unix seconds)")
    args = parser.parse_args()
    args.data = FULL if args.data == "full" else Path(args.data)
    if not args.data.is_file():
        parser.error(f"no such file: {args.data}" + (" (the full FTC file lives in ../shared/data)" if args.data == FULL else ""))
    if args.now is not None:
        text = args.now
        try:
            args.now = (pd.Timestamp(int(text), unit="s", tz="UTC") if text.isdigit()
                        else pd.to_datetime(text, utc=True))
        except (ValueError, TypeError, OverflowError, NotImplementedError):
            parser.error(f"--now: {text!r} is not an ISO date or unix seconds")
        if args.now.year < 1970:  # pandas reads "-5" as the year -5
            parser.error(f"--now: {text!r} is before 1970")
    return args


def section(title: str) -> None:
    print(f"\n== {title}")


def main() -> int:
    args = parse_args()
    try:
        return analyse(args)
    except (ValueError, OSError) as error:  # a file numrep cannot read, an output it cannot write
        print(f"ftc_analysis: {error}", file=sys.stderr)
        return 1


def analyse(args: argparse.Namespace) -> int:
    # 1. Build: numrep reads the file itself (C++, streaming); the ftc preset maps its columns.
    db = numrep.ReputationDB.from_csv(args.data, preset="ftc")
    stats = db.ingest_stats
    section(f"ingest: {args.data.name}")
    print(f"rows: {stats['rows']}\ngood: {stats['good']}\nbad: {stats['bad']}\nnumbers: {len(db)}")
    for reason, count in sorted(stats["bad_by_reason"].items(), key=lambda item: -item[1]):
        print(f"  bad, {reason}: {count}")
    for error, count in stats["unparseable_by_error"].items():
        print(f"    unparseable, {error}: {count}")

    # 2. The same file through pandas, for what the database does not keep: the raw subjects,
    #    and the numbers as written (to ask the database about each of them).
    raw = pd.read_csv(args.data, dtype=str, keep_default_na=False)
    if len(db) == 0:
        print(f"ftc_analysis: {args.data} holds no complaint with a number", file=sys.stderr)
        return 1
    filed = pd.to_datetime(raw["Created_Date"], errors="coerce", utc=True)
    now = args.now
    if now is None:  # the preset dates reports by violation, which may come after the filing
        now = max(filed.max().normalize() + pd.Timedelta(days=1), pd.Timestamp(db.latest_report))
    print(f"scores at: {now:%Y-%m-%d %H:%M} UTC")

    # 3. Every distinct number in the file, checked in one call (parsed as US national numbers;
    #    the ones that do not parse come back unreported with an empty e164).
    verdicts = db.check_many(raw["Company_Phone_Number"].unique(), region="US", now=now.to_pydatetime(), as_frame=True)
    verdicts = verdicts[verdicts["reported"]].drop_duplicates("e164").reset_index(drop=True)
    if len(verdicts) != len(db):
        print(f"ftc_analysis: {len(verdicts)} reported numbers found in the file, but the database has {len(db)}",
              file=sys.stderr)
        return 1
    # Verdicts carry the state or province of the number's area code (NANP) as "region".
    verdicts["state"] = verdicts["region"]

    section("top complaint subjects (as the FTC writes them; rows with a number)")
    good_subjects = raw.loc[raw["Company_Phone_Number"].str.strip() != "", "Subject"].str.strip()
    for subject, count in good_subjects.value_counts().head(8).items():
        print(f"{count:6d}  {subject[:70]}  -> {numrep.classify_category(subject)}")

    section("reports by numrep category")
    categories = list(numrep.CATEGORY_NAMES)
    by_category = verdicts[categories].sum().sort_values(ascending=False)
    for name, count in by_category.items():
        print(f"category {name}: {int(count)}")
    print(f"reports: {int(by_category.sum())}")

    section("numbers by the numbering plan (valid, region code of the valid ones, type)")
    valid = verdicts["valid"]
    print(f"valid: {int(valid.sum())}\nnot valid: {int((~valid).sum())}")
    for code, count in ranked(verdicts.loc[valid, "region_code"]).items():
        print(f"region {code}: {count}")
    types = ranked(verdicts["type"])  # 'unknown' for the numbers that are not valid
    for name, count in types.items():
        print(f"type {name}: {count}")

    section("top 10 states and provinces (valid numbers; reports: complaints about them)")
    placed = verdicts[valid & (verdicts["state"] != "")]
    by_state = placed.groupby("state").agg(numbers=("e164", "size"), reports=("reports", "sum"))
    by_state = by_state.sort_values(["numbers", "reports"], ascending=False, kind="stable").head(10)
    print(f"{'numbers':>7} {'reports':>7}  state")
    for state, row in by_state.iterrows():
        print(f"{row['numbers']:7d} {row['reports']:7d}  {state}")
    print(f"valid numbers without a state or province: {int(valid.sum()) - len(placed)} (toll-free and other "
          "non-geographic numbers, regions without states, area codes without a state in the data)")

    section("score distribution (numbers)")
    histogram, _ = np.histogram(verdicts["score"], bins=SCORE_BINS)
    widest = max(histogram.max(), 1)
    for low, count in zip(SCORE_BINS[:-1], histogram):
        print(f"{low:3d}-{low + 10:<3d} {count:6d}  {'#' * round(40 * count / widest)}")

    section("levels")
    levels = verdicts["level"].value_counts().reindex(numrep.LEVEL_NAMES, fill_value=0)
    for level, count in levels.items():
        print(f"level {level}: {count}")

    section("top 10 numbers")
    top = verdicts.sort_values(["score", "reports"], ascending=False).head(10)
    print(f"{'number':<15} {'reports':>7} {'score':>6}  {'level':<12} main category   last seen         "
          f"{'type':<20}  region  state")
    for _, row in top.iterrows():
        main_category = max(categories, key=lambda c: row[c])
        odd = " " if row["valid"] else "*"
        print(f"{row['e164']:<14}{odd} {row['reports']:>7d} {row['score']:>6.1f}  {row['level']:<12} {main_category:<15} "
              f"{row['last_seen']:%Y-%m-%d %H:%M}  {row['type']:<20}  {row['region_code'] or '-':<6}  {row['state'] or '-'}")
    print("(* not a valid number by the numbering plan: kept, as numrep keeps every number that parses, and marked)")

    output = args.output or Path(tempfile.mkdtemp(prefix="numrep-ftc-"))
    output.mkdir(parents=True, exist_ok=True)
    png = output / "ftc_analysis.png"
    plot(png, args.data.name, by_category, histogram, levels, verdicts["reports"], types, by_state["numbers"])
    print(f"\nplot: {png}")
    return 0


def ranked(values: pd.Series) -> pd.Series:
    """Counts of each value, most common first (ties in name order)."""
    counts = values.value_counts()
    return counts.iloc[np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))]


def plot(path: Path, title: str, by_category: pd.Series, histogram: np.ndarray, levels: pd.Series,
         reports: pd.Series, types: pd.Series, states: pd.Series) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    fig, ((cats, scores), (lv, per_number), (by_type, by_state)) = plt.subplots(3, 2, figsize=(11, 11))
    cats.barh(by_category.index[::-1], by_category.to_numpy()[::-1], color="tab:blue")
    cats.set(title="Reports by category", xlabel="reports")
    scores.bar(SCORE_BINS[:-1] + 5, histogram, width=9, color="tab:orange")
    scores.set(title="Score distribution", xlabel="score", ylabel="numbers", xticks=SCORE_BINS)
    lv.bar(levels.index, levels.to_numpy(), color=["tab:green", "gold", "tab:red"])
    lv.set(title="Levels", ylabel="numbers")
    counts = reports.value_counts().sort_index()
    per_number.bar(counts.index.astype(str), counts.to_numpy(), color="tab:purple")
    per_number.set(title="Reports per number", xlabel="reports", ylabel="numbers", yscale="log")
    by_type.barh(types.index[::-1], types.to_numpy()[::-1], color="tab:cyan")
    by_type.set(title="Numbers by type ('unknown': not valid)", xlabel="numbers", xscale="log")
    by_state.barh(states.index[::-1], states.to_numpy()[::-1], color="tab:brown")
    by_state.set(title="Top states and provinces", xlabel="numbers")
    fig.suptitle(f"numrep on FTC Do-Not-Call complaints: {title}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
