"""numrep stats -d DB [--json] [--plot FILE.png] [--now ISO]: what a database holds, by carrier,
type, validity, region code, area, level and category."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import _core
from ..reputation import ReputationDB
from .common import EXIT_OK, UTC, iso_time, open_db
from .output import MOST_ROWS, format_size, print_counts


def database_keys(db: ReputationDB) -> npt.NDArray[np.uint64]:
    """Every reported number of the database (snapshot and delta), ascending."""
    return db.keys()


def breakdown(db: ReputationDB, keys: npt.NDArray[np.uint64], now: dt.datetime) -> dict[str, dict[str, int]]:
    """Numbers by carrier, type, validity, region code, geographic area (state, province) and
    level (at `now`), and reports by category. Carrier, type, validity and region code are the
    world plan's (libphonenumber's data for every region, Vietnam's allocation notices for +84)."""
    columns = db.check_many(keys, now=now)
    areas = _core.lookup_many(keys)["region"]  # verdicts carry the region code; the area comes from the plan

    def tally(codes: npt.NDArray[Any], names: Sequence[str] | npt.NDArray[np.object_]) -> dict[str, int]:
        counts = np.bincount(codes.astype(np.int64), minlength=len(names))
        merged: dict[str, int] = {}
        for i in np.flatnonzero(counts).tolist():
            label = names[i] or "(none)"
            merged[label] = merged.get(label, 0) + int(counts[i])
        return dict(sorted(merged.items(), key=lambda item: (-item[1], item[0])))

    valid = int(columns["valid"].sum())
    by_category = columns["counts"].sum(axis=0, dtype=np.uint64) if len(keys) else np.zeros(len(_core.CATEGORY_NAMES))
    return {
        "carrier": tally(columns["carrier"], _core.carrier_names()),
        "type": tally(columns["type"], _core.TYPE_NAMES),
        "validity": {"valid": valid, "not valid": len(keys) - valid},
        "region_code": tally(columns["region_code"], _core.region_codes()),
        "area": tally(areas, _core.region_names()),
        "category": dict(sorted(((name, int(n)) for name, n in zip(_core.CATEGORY_NAMES, by_category) if n),
                                key=lambda item: -item[1])),
        "level": {name: int((columns["level"] == i).sum()) for i, name in enumerate(_core.LEVEL_NAMES)},
        "delisted": {"delisted": int(columns["delisted"].sum())},
    }


BREAKDOWN_TITLES = {"carrier": "numbers by allocated carrier", "type": "numbers by type",
                    "validity": "numbers valid by the numbering plan", "region_code": "numbers by region code",
                    "area": "numbers by area (state, province)", "category": "reports by category",
                    "level": "numbers by level"}
PLOTTED = ("carrier", "type", "region_code", "area", "category", "level")



def print_breakdown(parts: dict[str, dict[str, int]], now: dt.datetime,
                    which: Sequence[str] = tuple(BREAKDOWN_TITLES)) -> None:
    for name in which:
        title = BREAKDOWN_TITLES[name] + (f" at {now.isoformat(timespec='seconds')}" if name == "level" else "")
        print(f"\n  {title}")
        print_counts(parts[name])
        if name == "level" and parts["delisted"]["delisted"]:
            print(f"    (delisted, counted as clean: {parts['delisted']['delisted']:,})")


def plot_breakdown(parts: dict[str, dict[str, int]], path: str, title: str) -> None:
    try:
        import matplotlib
    except ImportError:
        raise ValueError("--plot needs matplotlib (pip install matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(3, 2, figsize=(11, 11))
    for axis, name in zip(axes.flat, PLOTTED):
        counts = dict(list(parts[name].items())[:MOST_ROWS])
        labels = list(counts)[::-1]
        axis.barh(labels, [counts[label] for label in labels], color="#b5443b" if name == "level" else "#3b6ea5")
        more = len(parts[name]) - len(counts)
        axis.set_title(BREAKDOWN_TITLES[name] + (f" (top {len(counts)} of {len(parts[name])})" if more else ""))
        axis.set_xlabel("reports" if name == "category" else "numbers")
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def run(args: argparse.Namespace) -> int:
    if args.plot and os.path.isdir(args.plot):  # matplotlib would write DIR.png beside it instead
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file for --plot", args.plot)
    db = open_db(args.db)
    now = args.now if args.now is not None else dt.datetime.now(UTC)
    keys = database_keys(db)
    parts = breakdown(db, keys, now)
    n = db.snapshot_size
    # Sizes of the files on disk, as `numrep build` prints them (headers included).
    stores = dict(_core._store_files(args.db))
    if args.json:
        json.dump({"database": args.db, "numbers": n, "now": now.isoformat(), "shards": db.shard_ranges(),
                   "half_life_days": db.half_life_days, "store_bytes": stores,
                   "records_bits_per_key": db.records_bits_per_key,
                   **{f"by_{k}": v for k, v in parts.items() if k != "delisted"},
                   "delisted": parts["delisted"]["delisted"]}, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(f"{args.db}: {n:,} reported numbers, half-life {db.half_life_days:g} days, "
              f"region {db.region or 'none'}")
        files = list(stores.items())
        if db.shard_count == 1:
            (records, records_size), (bloom, bloom_size) = files[:2]
            print(f"  {records} {format_size(records_size)} ({db.records_bits_per_key:.1f} bits/key), "
                  f"{bloom} {format_size(bloom_size)}")
        else:
            tries = sum(size for name, size in files if name.endswith(".trie"))
            blooms = sum(size for name, size in files if name.endswith(".bloom"))
            print(f"  {db.shard_count} shards: tries {format_size(tries)} ({db.records_bits_per_key:.1f} bits/key), "
                  f"Bloom filters {format_size(blooms)}")
            for (first, last), (records, records_size), (bloom, bloom_size) in zip(
                    db.shard_ranges(), files[0::2], files[1::2]):
                print(f"    keys {first:>15}-{last:<20} {records} {format_size(records_size):>10}, "
                      f"{bloom} {format_size(bloom_size):>10}")
        print_breakdown(parts, now)
    if args.plot:
        plot_breakdown(parts, args.plot, f"{os.path.basename(os.path.normpath(args.db))}: {n:,} reported numbers")
        print(f"\nPlot written to {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK




def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = commands.add_parser("stats", help="what a database holds: numbers by carrier, type, region code, area, "
                                               "level; reports by category")
    stats.add_argument("-d", "--db", required=True, metavar="DB", help="database directory (from numrep build)")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.add_argument("--plot", metavar="FILE.png", help="also draw the breakdowns to a PNG file")
    stats.add_argument("--now", type=iso_time, metavar="ISO", help="levels as of this time (default: now)")
    stats.set_defaults(run=run)

