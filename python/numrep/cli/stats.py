"""numrep stats -d DB [--json] [--plot FILE.png] [--now ISO]: what a database holds, by carrier,
type, validity, region code, area, level and category."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import _core
from ..reputation import _UNSET, ReputationDB, folder_write_problem, newest_report_seconds
from .common import (
    EXIT_OK,
    UTC,
    UsageError,
    as_of,
    decayed_note,
    iso_time,
    later_reports_note,
    naming_the_file,
    open_db,
)
from .output import MOST_ROWS, format_size, print_counts, print_json, shown_path


def database_keys(db: ReputationDB) -> npt.NDArray[np.uint64]:
    """Every reported number of the database (snapshot and delta), ascending."""
    return db.keys()


def _tally(codes: npt.NDArray[Any], names: Sequence[str] | npt.NDArray[np.object_]) -> dict[str, int]:
    """Counts of each name the codes index, most first; "" is "(none)"."""
    counts = np.bincount(codes.astype(np.int64), minlength=len(names))
    merged: dict[str, int] = {}
    for i in np.flatnonzero(counts).tolist():
        label = names[i] or "(none)"
        merged[label] = merged.get(label, 0) + int(counts[i])
    return dict(sorted(merged.items(), key=lambda item: (-item[1], item[0])))


def breakdown(keys: npt.NDArray[np.uint64], columns: dict[str, npt.NDArray[Any]]) -> dict[str, dict[str, int]]:
    """Numbers by carrier, type, validity, region code, geographic area (state, province) and
    level (in `columns`, check_many's at the time stats is as of), and reports by category.
    Carrier, type, validity and region code are the world plan's (libphonenumber's data for every
    region, Vietnam's allocation notices for +84)."""
    areas = _core.lookup_many(keys)["region"]  # verdicts carry the region code; the area comes from the plan
    tally = _tally
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
PARTIAL = "more reports after"  # first reported by then, its level not known yet (see levels_over_time)
LEVEL_COLOURS = {"clean": "#9bbf85", "suspicious": "#e8b04a", "likely_scam": "#b5443b", PARTIAL: "#c9c9c9"}
DAY = 86400
# The levels-over-time panel is flat from quiet_days after the newest report (every number is
# delisted by then); it runs this much longer, to show the step.
SETTLED_MARGIN_DAYS = 35


def print_breakdown(parts: dict[str, dict[str, int]], now: dt.datetime,
                    which: Sequence[str] = tuple(BREAKDOWN_TITLES)) -> None:
    for name in which:
        title = BREAKDOWN_TITLES[name] + (f" as of {now.isoformat(timespec='seconds')}" if name == "level" else "")
        print(f"\n  {title}")
        print_counts(parts[name])
        if name == "level" and parts["delisted"]["delisted"]:
            print(f"    (delisted, counted as clean: {parts['delisted']['delisted']:,})")


def levels_over_time(db: ReputationDB, keys: npt.NDArray[np.uint64], first_seen: npt.NDArray[np.int64],
                     last_seen: npt.NDArray[np.int64], start: int, end: int,
                     points: int = 25) -> tuple[list[dt.datetime], dict[str, npt.NDArray[np.int64]]]:
    """Reported numbers at each level at `points` times from start to end (unix seconds). The
    records hold each number's totals and its first and last report, not every report's time, so
    a number's level at t is known exactly only once all its reports are in (last report <= t);
    numbers first reported by t with more reports after it are counted apart ("more reports
    after"), not given a level that would count reports from their future."""
    times = np.linspace(start, end, points).astype(np.int64)
    counts = {name: np.zeros(points, dtype=np.int64) for name in (*_core.LEVEL_NAMES, PARTIAL)}
    for i, t in enumerate(times.tolist()):
        complete = last_seen <= t
        counts[PARTIAL][i] = int(((first_seen <= t) & ~complete).sum())
        # As a datetime: an int of 8 digits is a date (YYYYMMDD) to now=, and times in 1970-1973
        # (a "0" placeholder among the reports) were refused as no date.
        levels = db.check_many(keys[complete], now=dt.datetime.fromtimestamp(t, UTC))["level"]
        for code, name in enumerate(_core.LEVEL_NAMES):
            counts[name][i] = int((levels == code).sum())
    return [dt.datetime.fromtimestamp(t, UTC) for t in times.tolist()], counts


def first_time_shown(first_seen: npt.NDArray[Any]) -> int:
    """Where time axes start: the 1st percentile of first reports, so that a few numbers with
    a report years older than the rest (FTC violation dates) do not squash the plots."""
    return int(np.percentile(first_seen, 1))


def first_reports_by_period(columns: dict[str, npt.NDArray[Any]]) -> tuple[str, list[dt.datetime],
                                                                              dict[str, npt.NDArray[np.int64]], int]:
    """Numbers by the day or week (weeks when the reports span more than four) of their first
    report, split by each number's main category (its most reported one), and how many were first
    reported before the first period (first_time_shown; left out, not added to its bar). The
    database keeps a first and a last time per number, not every report's, so this counts numbers
    newly reported."""
    seen = columns["reports"] > 0
    first = columns["first_seen"][seen]
    main = np.argmax(columns["counts"][seen], axis=1)
    if len(first) == 0:
        return "day", [], {}, 0
    start = first_time_shown(first)
    span = int(first.max()) - start
    width, label = (7 * DAY, "week") if span > 28 * DAY else (DAY, "day")
    origin = start // DAY * DAY
    shown = first >= origin
    bucket = (first[shown] - origin) // width
    periods = int(bucket.max()) + 1
    series = {}
    for code, name in enumerate(_core.CATEGORY_NAMES):
        mask = main[shown] == code
        if mask.any():
            series[name] = np.bincount(bucket[mask], minlength=periods).astype(np.int64)
    starts = [dt.datetime.fromtimestamp(origin + i * width, UTC) for i in range(periods)]
    return label, starts, series, int((~shown).sum())


def plot_breakdown(db: ReputationDB, keys: npt.NDArray[np.uint64], columns: dict[str, npt.NDArray[Any]],
                   parts: dict[str, dict[str, int]], path: str, title: str, now: dt.datetime) -> None:
    """Six panels an analyst can put in a report: levels over time, numbers newly reported per day
    or week by category, levels as of `now`, reports by category, and the top carriers and areas
    (numbers the plan gives none of are said in the title, not drawn as a bar). check_plot_path
    has said whether matplotlib is there."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(3, 2, figsize=(12, 12))
    seen = columns["reports"] > 0
    now_s = int(now.timestamp())
    if seen.any():
        start = first_time_shown(columns["first_seen"][seen])
        latest = int(columns["last_seen"][seen].max())
        # Through `now`, and on far enough past the newest report to show the decay; but not
        # past where every level is flat (every number delisted, quiet_days after the newest
        # report): an "as of" far ahead (--now 9999-12-31) then stays off the right edge, said in
        # the title, rather than stretching the axis past the dates matplotlib can draw.
        decayed = latest + int(2 * db.half_life_days * DAY)
        settled = latest + int((db.quiet_days + SETTLED_MARGIN_DAYS) * DAY)  # every number delisted by then
        end = min(max(now_s, decayed), max(decayed, settled))
        times, counts = levels_over_time(db, keys[seen], columns["first_seen"][seen], columns["last_seen"][seen],
                                         start, end)
        axis = axes[0, 0]
        axis.stackplot(times, *counts.values(), labels=list(counts), colors=[LEVEL_COLOURS[n] for n in counts])
        axis.axvline(dt.datetime.fromtimestamp(latest, UTC), color="black", linestyle=":", label="newest report")
        if start <= now_s <= end:
            axis.axvline(now, color="black", linestyle="--", label="as of")
        off_axis = " (as of {}: further {})".format(now.date().isoformat(), "right" if now_s > end else "left")
        axis.set_title("reported numbers by level over time" + (off_axis if not start <= now_s <= end else ""))
        axis.set_ylabel("numbers")
        axis.legend(loc="upper left", fontsize="small")
        axis.tick_params(axis="x", labelrotation=30)
        label, starts, series, earlier = first_reports_by_period(columns)
        axis = axes[0, 1]
        bottom = np.zeros(len(starts))
        width = 0.8 * (7 if label == "week" else 1)
        for name, values in sorted(series.items(), key=lambda item: -int(item[1].sum())):  # every category
            axis.bar(starts, values, width=width, bottom=bottom, label=name, align="edge")
            bottom += values
        before = f"\n({earlier:,} first reported before {starts[0].date().isoformat()} not shown)" if earlier else ""
        axis.set_title(f"numbers first reported per {label}, by main category{before}")
        axis.set_ylabel("numbers")
        axis.legend(loc="upper left", fontsize="small")
        axis.tick_params(axis="x", labelrotation=30)
    else:
        for axis in axes[0]:
            axis.set_title("no reports with a time")
            axis.axis("off")

    def bars(axis: Any, name: str, counts: dict[str, int], unit: str, colour: str, title: str) -> None:
        missing = counts.pop("(none)", 0)
        shown = dict(list(counts.items())[:MOST_ROWS])
        labels = list(shown)[::-1]
        if not shown:  # an empty frame with ticks at +-0.04 said nothing
            axis.text(0.5, 0.5, f"no {name} for any number", ha="center", va="center", transform=axis.transAxes)
            axis.set_xticks([])
            axis.set_yticks([])
        axis.barh(labels, [shown[label] for label in labels], color=colour)
        notes = []
        if len(counts) > len(shown):
            notes.append(f"top {len(shown)} of {len(counts)}")
        if missing:
            notes.append(f"{missing:,} with none")
        axis.set_title(title + (f"\n({'; '.join(notes)})" if notes else ""))  # on one line, cut off at the edge
        axis.set_xlabel(unit)

    levels = {name: parts["level"].get(name, 0) for name in _core.LEVEL_NAMES}
    axes[1, 0].bar(list(levels), list(levels.values()), color=[LEVEL_COLOURS[n] for n in levels])
    if not any(levels.values()):  # ticks at +-0.04, as bars() avoids
        axes[1, 0].set_ylim(0, 1)
        axes[1, 0].set_yticks([0, 1])
    axes[1, 0].set_title(f"numbers by level as of {now.date().isoformat()}")
    axes[1, 0].set_ylabel("numbers")
    bars(axes[1, 1], "category", dict(parts["category"]), "reports", "#3b6ea5", "reports by category")
    bars(axes[2, 0], "carrier", dict(parts["carrier"]), "numbers", "#3b6ea5", "top carriers (allocation)")
    bars(axes[2, 1], "area", dict(parts["area"]), "numbers", "#3b6ea5", "top areas (state, province)")
    figure.suptitle(title)
    figure.tight_layout()
    # The format named, so that the file is written where it was asked for: without it matplotlib
    # adds ".png" to a name that has no extension (and the summary named a file that was not there).
    try:
        with naming_the_file(path, f"cannot write --plot {path}"):
            figure.savefig(path, dpi=100, format=os.path.splitext(path)[1][1:].lower() or "png")
    finally:
        plt.close(figure)


def check_plot_path(path: str) -> None:
    """Refuse, before anything is printed, a --plot file that cannot be written: the report went
    to stdout in full and only then did the plot fail (a missing or read-only folder, a format
    matplotlib does not write, in matplotlib's words that named neither --plot nor the file)."""
    if os.path.isdir(path):  # matplotlib would write DIR.png beside it instead
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file for --plot", path)
    try:
        import matplotlib.figure
    except ImportError:
        raise ValueError("--plot needs matplotlib (pip install matplotlib)") from None
    extension = os.path.splitext(path)[1][1:].lower() or "png"
    formats = matplotlib.figure.Figure().canvas.get_supported_filetypes()
    if extension not in formats:
        raise UsageError(f"--plot {path}: matplotlib cannot write .{extension} files (it writes "
                         f"{', '.join('.' + name for name in sorted(formats))})")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(errno.ENOENT, f"cannot write --plot {path}: no folder {folder}")
    problem = folder_write_problem(folder)
    if problem is not None:
        raise ValueError(f"cannot write --plot {path}: {folder}: {problem}")


def run(args: argparse.Namespace) -> int:
    if args.plot == "":  # it was left out, without a word
        raise UsageError("--plot needs a file name (FILE.png)")
    if args.plot:
        check_plot_path(args.plot)
    db = open_db(args.db)
    now = as_of(db, args.now)
    keys = database_keys(db)
    # The database's own keys (distinct numbers), and how many were reported after `now`, said in
    # a line of stats' own for a --now given (at the current time, a report stamped a little
    # ahead of this machine's clock is common, and its verdict is right).
    columns, _, later = db._verdict_columns(keys, now, _UNSET)
    later_note = later_reports_note(later, now) if args.now is not None else None
    parts = breakdown(keys, columns)
    # The newest report from the columns at hand (last_seen does not depend on `now`), rather
    # than db.latest_report's own pass over every record.
    newest = newest_report_seconds(columns)
    latest = dt.datetime.fromtimestamp(newest, UTC) if newest >= 0 else None

    def levels_at(then: dt.datetime) -> dict[str, int]:
        codes = db._verdict_columns(keys, then, _UNSET)[0]["level"]
        return dict(zip(_core.LEVEL_NAMES, np.bincount(codes, minlength=len(_core.LEVEL_NAMES)).tolist()))

    note = decayed_note(latest, parts["level"], now, levels_at)
    n = db.snapshot_size
    # Sizes of the files on disk, as `numrep build` prints them (headers included).
    stores = {name: size for name, size, _ in _core._store_files(args.db)}
    if args.json:
        print_json({"database": args.db, "numbers": n, "now": now.isoformat(), "as_of": now.isoformat(),
                   "latest_report": None if latest is None else latest.isoformat(),
                   "all_decayed": note is not None, "shards": db.shard_ranges(),
                   "numbers_reported_later": later,
                   "half_life_days": db.half_life_days, "store_bytes": stores,
                   "records_bits_per_key": db.records_bits_per_key,
                   **{f"by_{k}": v for k, v in parts.items() if k != "delisted"},
                   "delisted": parts["delisted"]["delisted"]})
    else:
        print(f"{shown_path(args.db)}: {n:,} reported numbers, half-life {db.half_life_days:g} days, "
              f"region {db.region or 'none'}")
        print(f"  as of {now.isoformat(timespec='seconds')}; newest report "
              f"{'none' if latest is None else latest.isoformat(timespec='seconds')}")
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
    for line in (note, later_note):
        if line is not None:
            print(f"\nnumrep: {line}", file=sys.stderr if args.json else sys.stdout)
    if args.plot:
        # A directory name of bytes that are no UTF-8 (lone surrogates here) as \xNN escapes:
        # matplotlib refuses such text, after the whole report was printed (status 70).
        name = os.fsencode(os.path.basename(os.path.normpath(args.db))).decode("utf-8", "backslashreplace")
        plot_breakdown(db, keys, columns, parts, args.plot,
                       f"{name}: {n:,} reported numbers, "
                       f"as of {now.isoformat(timespec='minutes')}", now)
        print(f"\nPlot written to {shown_path(args.plot)}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = commands.add_parser("stats", help="what a database holds: numbers by carrier, type, region code, area, "
                                               "level; reports by category")
    stats.add_argument("-d", "--db", required=True, metavar="DB", help="database directory (from numrep build)")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.add_argument("--plot", metavar="FILE.png", help="also draw the breakdowns to a PNG file")
    stats.add_argument("--now", type=iso_time, metavar="ISO",
                       help="levels as of this time, or 'latest' (the newest report in the database; for "
                            "historical data); default: now")
    stats.set_defaults(run=run)

