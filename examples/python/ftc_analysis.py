#!/usr/bin/env python3
"""What the US FTC Do-Not-Call complaints say about the numbers in them, with numrep.

Builds a reputation database from an FTC complaint file, then reports what went in (rows,
bad rows by reason), what the complaints are about (top subjects and numrep categories), how
the numbers score (score distribution, levels) and the ten worst numbers, and draws the same
in a PNG.

    python examples/python/ftc_analysis.py                       # the cut shipped in tests/data
    python examples/python/ftc_analysis.py --data full           # ../shared/data, the whole day
    python examples/python/ftc_analysis.py --data FILE.csv --output plots/ --now 2021-07-08

Scores decay with time (90-day half-life), so they are taken at --now: by default midnight
after the last complaint in the file was filed, as if the analysis ran the next morning.
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
        try:
            args.now = (pd.Timestamp(int(args.now), unit="s", tz="UTC") if args.now.isdigit()
                        else pd.to_datetime(args.now, utc=True))
        except ValueError:
            parser.error(f"--now: {args.now!r} is not an ISO date or unix seconds")
    return args


def section(title: str) -> None:
    print(f"\n== {title}")


def main() -> int:
    args = parse_args()

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
    filed = pd.to_datetime(raw["Created_Date"], errors="coerce", utc=True)
    now = args.now if args.now is not None else filed.max().normalize() + pd.Timedelta(days=1)
    print(f"scores at: {now:%Y-%m-%d %H:%M} UTC")

    # 3. Every distinct number in the file, checked in one call (parsed as US national numbers;
    #    the ones that do not parse come back unreported with an empty e164).
    verdicts = db.check_many(raw["Company_Phone_Number"].unique(), region="US", now=now.to_pydatetime(), as_frame=True)
    verdicts = verdicts[verdicts["reported"]].drop_duplicates("e164").reset_index(drop=True)
    if len(verdicts) != len(db):
        print(f"ftc_analysis: {len(verdicts)} reported numbers found in the file, but the database has {len(db)}",
              file=sys.stderr)
        return 1

    section("top complaint subjects (as the FTC writes them; rows with a number)")
    good_subjects = raw.loc[raw["Company_Phone_Number"].str.strip() != "", "Subject"].str.strip()
    for subject, count in good_subjects.value_counts().head(8).items():
        print(f"{count:6d}  {subject[:70]}  -> {numrep.classify_category(subject)}")

    section("reports by numrep category")
    categories = list(numrep._core.CATEGORY_NAMES)
    by_category = verdicts[categories].sum().sort_values(ascending=False)
    for name, count in by_category.items():
        print(f"category {name}: {int(count)}")
    print(f"reports: {int(by_category.sum())}")

    section("score distribution (numbers)")
    histogram, _ = np.histogram(verdicts["score"], bins=SCORE_BINS)
    widest = max(histogram.max(), 1)
    for low, count in zip(SCORE_BINS[:-1], histogram):
        print(f"{low:3d}-{low + 10:<3d} {count:6d}  {'#' * round(40 * count / widest)}")

    section("levels")
    levels = verdicts["level"].value_counts().reindex(numrep._core.LEVEL_NAMES, fill_value=0)
    for level, count in levels.items():
        print(f"level {level}: {count}")

    section("top 10 numbers")
    top = verdicts.sort_values(["score", "reports"], ascending=False).head(10)
    print(f"{'number':<15} {'reports':>7} {'score':>6}  {'level':<12} main category   last seen")
    for _, row in top.iterrows():
        main_category = max(categories, key=lambda c: row[c])
        odd = "*" if len(row["e164"]) != len("+1NPANXXXXXX") else " "  # parses, but not 10 digits
        print(f"{row['e164']:<14}{odd} {row['reports']:>7d} {row['score']:>6.1f}  {row['level']:<12} {main_category:<15} "
              f"{row['last_seen']:%Y-%m-%d %H:%M}")
    print("(* not a 10-digit US number: kept, as numrep keeps every number that parses, and marked invalid)")

    output = args.output or Path(tempfile.mkdtemp(prefix="numrep-ftc-"))
    output.mkdir(parents=True, exist_ok=True)
    png = output / "ftc_analysis.png"
    plot(png, args.data.name, by_category, histogram, levels, verdicts["reports"])
    print(f"\nplot: {png}")
    return 0


def plot(path: Path, title: str, by_category: pd.Series, histogram: np.ndarray, levels: pd.Series,
         reports: pd.Series) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    fig, ((cats, scores), (lv, per_number)) = plt.subplots(2, 2, figsize=(11, 7.5))
    cats.barh(by_category.index[::-1], by_category.to_numpy()[::-1], color="tab:blue")
    cats.set(title="Reports by category", xlabel="reports")
    scores.bar(SCORE_BINS[:-1] + 5, histogram, width=9, color="tab:orange")
    scores.set(title="Score distribution", xlabel="score", ylabel="numbers", xticks=SCORE_BINS)
    lv.bar(levels.index, levels.to_numpy(), color=["tab:green", "gold", "tab:red"])
    lv.set(title="Levels", ylabel="numbers")
    counts = reports.value_counts().sort_index()
    per_number.bar(counts.index.astype(str), counts.to_numpy(), color="tab:purple")
    per_number.set(title="Reports per number", xlabel="reports", ylabel="numbers", yscale="log")
    fig.suptitle(f"numrep on FTC Do-Not-Call complaints: {title}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
