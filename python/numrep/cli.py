"""The `numrep` command line.

    numrep info NUMBER... [--json] [--region VN]     what the plan says about numbers ('-': stdin)
    numrep demo                                      a tour of what numrep does

Errors are one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from typing import Iterable, Sequence

import numpy as np

from . import _core

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


def _numbers_from(arguments: Sequence[str]) -> Iterable[str]:
    """The arguments, with '-' replaced by the lines of standard input."""
    for argument in arguments:
        if argument == "-":
            for line in sys.stdin:
                line = line.strip()
                if line:
                    yield line
        else:
            yield argument


def _info_row(text: str, region: str | None) -> dict[str, object]:
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
        "region": info.region,
        "valid": info.valid,
        "legacy": number.is_legacy,
    }


def _display_width(text: str) -> int:
    """Terminal columns taken by text: wide (e.g. full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def _print_table(rows: list[dict[str, object]], columns: Sequence[str]) -> None:
    def cell(row: dict[str, object], column: str) -> str:
        value = row.get(column, "")
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    widths = {c: max([len(c)] + [_display_width(cell(r, c)) for r in rows]) for c in columns}
    print("  ".join(_pad(c, widths[c]) for c in columns).rstrip())
    for row in rows:
        print("  ".join(_pad(cell(row, c), widths[c]) for c in columns).rstrip())


def command_info(args: argparse.Namespace) -> int:
    region = None if args.region.lower() == "none" else args.region
    rows = [_info_row(text, region) for text in _numbers_from(args.numbers)]
    failed = [r for r in rows if "error" in r]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        good = [r for r in rows if "error" not in r]
        if good:
            _print_table(good, ["input", "e164", "national", "carrier", "type", "region", "valid", "legacy"])
        for row in failed:
            print(f"numrep: {row['error']}", file=sys.stderr)
    return EXIT_BAD_INPUT if failed else EXIT_OK


# A few numbers in the forms people write them, with what each shows.
DEMO_SAMPLES = [
    ("0912 345 678", "Vinaphone mobile, national form"),
    ("+84 86 123 4567", "Viettel mobile, international form"),
    ("(+84) 93-456-7890", "MobiFone, with punctuation"),
    ("0084 56 789 0123", "Vietnamobile, 00 international prefix"),
    ("0162 345 6789", "pre-2018 11-digit Viettel number, converted"),
    ("０９７１２３４５６７", "full-width digits"),
    ("tel:+84-24-3826-4321", "Hanoi landline as a tel: URI"),
    ("0236 3822 123", "Da Nang landline"),
    ("1800 1091", "toll free"),
    ("069 234 8560", "police hotline libphonenumber rejects: kept, marked not valid"),
    ("113", "police short code"),
    ("0912-345-67x", "a typo: clear error"),
]


def _demo_numbers(count: int, seed: int = 2026) -> list[str]:
    """Random Vietnamese mobile numbers in mixed written forms (deterministic)."""
    rng = np.random.default_rng(seed)
    prefixes = np.array(["32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98", "81", "82", "83",
                         "84", "85", "88", "91", "94", "70", "76", "77", "78", "79", "89", "90", "93", "56", "58",
                         "92", "59", "99", "87", "52", "55"])
    heads = prefixes[rng.integers(0, len(prefixes), count)]
    tails = rng.integers(0, 10_000_000, count)
    forms = rng.integers(0, 4, count)
    out = []
    for head, tail, form in zip(heads.tolist(), tails.tolist(), forms.tolist()):
        t = f"{tail:07d}"
        if form == 0:
            out.append(f"0{head}{t}")
        elif form == 1:
            out.append(f"+84 {head} {t[:3]} {t[3:]}")
        elif form == 2:
            out.append(f"0{head}{t[0]}.{t[1:4]}.{t[4:]}")
        else:
            out.append(f"84{head}{t}")
    return out


def command_demo(args: argparse.Namespace) -> int:
    print(f"numrep {_core.__version__}: phone-number reputation\n")
    print("1. Parsing any written form and looking up the allocated carrier (built-in Vietnamese plan)\n")
    rows = []
    for text, note in DEMO_SAMPLES:
        row = _info_row(text, "VN")
        row["note"] = note
        rows.append(row)
    good = [r for r in rows if "error" not in r]
    _print_table(good, ["input", "e164", "carrier", "type", "region", "valid", "legacy", "note"])
    for row in rows:
        if "error" in row:
            print(f"\n  {row['input']!r} -> error: {row['error']}")

    count = args.count
    print(f"\n2. Batch: {count:,} numbers in mixed forms through parse_many + lookup_many\n")
    texts = _demo_numbers(count)
    start = time.perf_counter()
    keys = _core.parse_many(texts)
    parsed = time.perf_counter()
    columns = _core.lookup_many(keys)
    looked_up = time.perf_counter()
    names = _core.carrier_names()
    counts = np.bincount(columns["carrier"], minlength=len(names))
    parse_ns = (parsed - start) / count * 1e9
    lookup_ns = (looked_up - parsed) / count * 1e9
    print(f"  parse_many:  {parse_ns:6.1f} ns/number   lookup_many: {lookup_ns:5.1f} ns/number")
    print(f"  parsed: {int((keys != 0).sum()):,}   valid by the plan: {int(columns['valid'].sum()):,}\n")
    print("  allocated carrier      numbers")
    for code in np.argsort(-counts):
        if counts[code]:
            print(f"  {names[code] or '(none)':<20} {int(counts[code]):>9,}")
    print("\nCarrier is the carrier a prefix was allocated to; numbers may have been ported since 2018.")
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as argparse does, without the usage dump
        self.exit(EXIT_USAGE, f"numrep: {message} (see numrep --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="numrep", description="Phone-number reputation: parsing, carriers, stores.")
    parser.add_argument("--version", action="version", version=f"numrep {_core.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    info = commands.add_parser("info", help="what the numbering plan says about numbers")
    info.add_argument("numbers", nargs="+", metavar="NUMBER", help="numbers in any written form; '-' reads stdin")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.add_argument("--region", default="VN", help="default region for national forms (VN; 'none' for none)")
    info.set_defaults(run=command_info)

    demo = commands.add_parser("demo", help="a tour of what numrep does")
    demo.add_argument("--count", type=int, default=1_000_000, help="numbers in the batch part (default 1,000,000)")
    demo.set_defaults(run=command_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ValueError, OSError) as error:
        message = str(error).removeprefix("numrep: ")
        print(f"numrep: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
