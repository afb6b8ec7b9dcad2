"""numrep check -d DB NUMBER... [--json] [--now ISO|latest]: verdicts on numbers ('-' reads stdin), as of
--now (default: the current time; "latest": the newest report in the database)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import _core
from .._display import shown_score
from .common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    as_of,
    iso_time,
    later_reports_note,
    later_reports_said_here,
    numbers_from,
    open_db,
    region_option,
    region_text,
)
from .output import RowWriter


def top_categories(counts: dict[str, int], most: int = 3) -> str:
    ranked = sorted(((n, name) for name, n in counts.items() if n), key=lambda item: (-item[0], item[1]))
    return ", ".join(f"{name} {n}" for n, name in ranked[:most])


def verdict_row(text: str, verdict: _core.Verdict) -> dict[str, Any]:
    return {
        "number": text,
        "e164": verdict.e164,
        "level": verdict.level,
        # Unrounded: levels compare the score itself, and 29.99996 shown as 30.0 beside "clean"
        # read as a wrong level to a program re-reading it (the table shows one decimal).
        "score": verdict.score,
        "reported": verdict.reported,  # in the database: reports or "not spam" votes (votes alone: reports 0)
        "reports": verdict.reports,
        "not_spam": verdict.not_spam,
        "delisted": verdict.delisted,
        "counts": {name: n for name, n in verdict.counts.items() if n},
        # The score's two inputs besides the categories (docs/scoring.md): why it is what it is.
        "distinct_sources": verdict.distinct_sources,
        "recent_reports": verdict.recent_reports,
        "first_seen": None if verdict.first_seen is None else verdict.first_seen.isoformat(),
        "last_seen": None if verdict.last_seen is None else verdict.last_seen.isoformat(),
        "carrier": verdict.carrier,
        "type": verdict.type,
        "region_code": verdict.region_code,
        "region": verdict.region,
        "valid": verdict.valid,
        "as_of": verdict.as_of.isoformat(),
        "includes_later_reports": verdict.includes_later_reports,
    }


CHECK_COLUMNS = ["number", "e164", "level", "score", "reports", "top categories", "first seen", "last seen", "carrier",
                 "type", "region code", "area", "valid"]


def check_table_row(row: dict[str, Any]) -> dict[str, object]:
    return {
        "number": row["number"],
        "e164": row["e164"],
        "level": row["level"] + (" (delisted)" if row["delisted"] else ""),
        "score": shown_score(row["score"]),
        "reports": row["reports"],
        "top categories": top_categories(row["counts"]),
        "first seen": (row["first_seen"] or "")[:10],
        "last seen": (row["last_seen"] or "")[:10],
        "carrier": row["carrier"],
        "type": row["type"],
        "region code": row["region_code"],
        "area": row["region"],
        "valid": row["valid"],
    }


def run(args: argparse.Namespace) -> int:
    db = open_db(args.db)
    # National forms are read in the database's own region (the ftc preset's: US) unless told.
    region = db.region if args.region is None else region_option(args.region)
    now = as_of(db, args.now)
    writer = RowWriter(as_json=args.json, table_row=check_table_row, columns=lambda _rows, _complete: CHECK_COLUMNS)
    errors = 0
    later: set[str] = set()  # numbers reported after `now`
    for text in numbers_from(args.numbers):
        try:
            with later_reports_said_here():
                row = verdict_row(text, db.check(text, now=now, region=region))
        except _core.ParseError as error:
            message = str(error).removeprefix("numrep: ")
            row = {"number": text, "error": message}
            print(f"numrep: {message}", file=sys.stderr)
            errors += 1
        if row.get("includes_later_reports"):
            later.add(row["e164"])
        writer.add(row)
    writer.close()
    if not args.json:  # JSON rows carry it in "as_of"
        print(f"(verdicts as of {now.isoformat(timespec='seconds')})")
    # Only for a --now given: at the current time, a report stamped a little ahead of this
    # machine's clock is common, and its verdict is right.
    note = later_reports_note(len(later), now) if args.now is not None else None
    if note is not None:  # JSON rows carry it in "includes_later_reports"
        print(f"numrep: {note}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_BAD_INPUT if errors else EXIT_OK


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check", help="verdicts on numbers from a database")
    check.add_argument("-d", "--db", required=True, metavar="DB", help="database directory (from numrep build)")
    check.add_argument("numbers", nargs="+", metavar="NUMBER", help="numbers in any written form; '-' reads stdin")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.add_argument("--region", default=None, type=region_text,
                       help="region of national forms (default: the one the database was built with; "
                            "'none': international forms only)")
    check.add_argument("--now", type=iso_time, metavar="ISO",
                       help="judge as of this time, or 'latest' (the newest report in the database; for "
                            "historical data); default: now")
    check.set_defaults(run=run)

