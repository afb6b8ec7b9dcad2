"""numrep info NUMBER... [--json] [--region VN]: what the numbering plan says about numbers of any
region ('-' reads stdin)."""

from __future__ import annotations

import argparse
import sys

from .. import _core
from .common import EXIT_BAD_INPUT, EXIT_OK, numbers_from, region_option, region_text
from .output import RowWriter


def info_row(text: str, region: str | None) -> dict[str, object]:
    try:
        info = _core.lookup(text, region=region)
    except _core.ParseError as error:
        return {"input": text, "error": str(error).removeprefix("numrep: ")}
    number = info.number
    return {
        "input": text,
        "e164": number.e164,
        "national": number.national,
        "carrier": info.carrier,
        "type": info.type,
        "region_code": info.region_code,  # 'US', 'CA' for +1; '001' non-geographic; '' none
        "region": info.region,            # geographic area: province, state; '' none
        "valid": info.valid,
        "legacy": number.is_legacy,
        "extension": number.extension,
    }


def info_table_row(row: dict[str, object]) -> dict[str, object]:
    """A JSON row of `numrep info` under the table's column names."""
    return {**row, "region code": row["region_code"], "area": row["region"]}


INFO_COLUMNS = ["input", "e164", "national", "carrier", "type", "region code", "area", "valid", "legacy"]


def info_columns(rows: list[dict[str, object]], complete: bool) -> list[str]:
    """The table's columns: an extension column when a number has one, or may (rows to come)."""
    return INFO_COLUMNS + (["extension"] if not complete or any(r["extension"] for r in rows) else [])


def run(args: argparse.Namespace) -> int:
    writer = RowWriter(as_json=args.json, table_row=info_table_row, columns=info_columns)
    failed = 0
    region = region_option(args.region)
    for text in numbers_from(args.numbers):
        row = info_row(text, region)
        if "error" in row:  # with --json too: the rows carry them, and stderr says what failed
            print(f"numrep: {row['error']}", file=sys.stderr)
            failed += 1
        writer.add(row)
    writer.close()
    return EXIT_BAD_INPUT if failed else EXIT_OK


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    info = commands.add_parser("info", help="what the numbering plan says about numbers of any region: "
                                             "region code, type, validity, carrier, area")
    info.add_argument("numbers", nargs="+", metavar="NUMBER", help="numbers in any written form; '-' reads stdin")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.add_argument("--region", default=_core.DEFAULT_REGION, type=region_text,
                      help="region of national forms: any region code such as US, GB, KR "
                           f"(default {_core.DEFAULT_REGION}; 'none': international forms only)")
    info.set_defaults(run=run)

