"""The `numrep` command line.

    numrep info NUMBER... [--json] [--region VN]     what the plan says about numbers of any region ('-': stdin)
    numrep build REPORTS... -o DB [--preset ftc]     a reputation database from CSV reports
    numrep check -d DB NUMBER... [--json]            verdicts on numbers ('-': stdin)
    numrep stats -d DB [--json] [--plot FILE.png]    what a database holds, by carrier, type, region, area, ...
    numrep demo                                      a tour of what numrep does

Errors are one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterable, NoReturn, Sequence

import numpy as np

from . import _core
from .reputation import ReputationDB

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
        "region_code": info.region_code,  # 'US', 'CA' for +1; '001' non-geographic; '' none
        "region": info.region,            # geographic area: province, state; '' none
        "valid": info.valid,
        "legacy": number.is_legacy,
        "extension": number.extension,
    }


def _info_table_row(row: dict[str, object]) -> dict[str, object]:
    """A JSON row of `numrep info` under the table's column names."""
    return {**row, "region code": row["region_code"], "area": row["region"]}


INFO_COLUMNS = ["input", "e164", "national", "carrier", "type", "region code", "area", "valid", "legacy"]


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
        good = [_info_table_row(r) for r in rows if "error" not in r]
        if good:
            extension = ["extension"] if any(r["extension"] for r in good) else []
            _print_table(good, INFO_COLUMNS + extension)
        for row in failed:
            print(f"numrep: {row['error']}", file=sys.stderr)
    return EXIT_BAD_INPUT if failed else EXIT_OK


# ---------------------------------------------------------------------------------------------
# Shared by build, check, stats and demo

UTC = dt.timezone.utc

DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _region_option(text: str) -> str | None:
    return None if text.lower() == "none" else text


def half_life_days(text: str) -> float:
    """'90d', '12w', '2160h' or '90' (days) as a number of days; argparse type."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([dwh]?)\s*", text, flags=re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"bad half-life {text!r}: expected a duration such as 90d, 12w, 2160h or 90 (days)")
    value = float(match.group(1)) * {"": 1.0, "d": 1.0, "w": 7.0, "h": 1 / 24}[match.group(2).lower()]
    if value <= 0:
        raise argparse.ArgumentTypeError(f"bad half-life {text!r}: it must be longer than zero")
    return value


def iso_time(text: str) -> dt.datetime:
    """An ISO 8601 date or date-time (UTC unless it names a zone); argparse type."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad time {text!r}: expected ISO 8601 such as 2026-03-01 or 2026-03-01T12:00:00Z") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def delimiter_option(text: str) -> str:
    value = DELIMITER_NAMES.get(text.lower(), text)
    if len(value) != 1 or value in '"\r\n':
        raise argparse.ArgumentTypeError(f"bad delimiter {text!r}: expected one character (or tab, comma, semicolon, pipe)")
    return value


def _open_db(path: str) -> Any:
    if not os.path.exists(path):
        raise FileNotFoundError(2, f"no database at {path!r} (build one with `numrep build REPORTS -o {path}`)", path)
    return ReputationDB.open(path)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n:,} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            return f"{value:,.1f} {unit}"
    raise AssertionError("unreachable")


def _date(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d")


# ---------------------------------------------------------------------------------------------
# numrep build

class _ProgressBar:
    """progress(rows, bad, bytes_done, bytes_total) drawn on one terminal line of `stream`."""

    def __init__(self, stream: Any, every: float = 0.1) -> None:
        self.stream = stream
        self.every = every
        self.start = time.perf_counter()
        self.last = 0.0
        self.drawn = False

    def __call__(self, rows: int, bad: int, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        rate = rows / max(now - self.start, 1e-9)
        percent = 100.0 * done / total if total else 100.0
        filled = int(percent / 5)
        bar = "#" * filled + "." * (20 - filled)
        self.stream.write(f"\r  [{bar}] {percent:5.1f}%  {rows:,} rows  {rate:,.0f} rows/s  {bad:,} bad ")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _guard_output(path: str) -> None:
    """Refuse to replace anything but a numrep database: saving replaces the whole directory."""
    target = Path(path)
    if target.exists() and not (target.is_dir() and ((target / "meta.txt").is_file() or not any(target.iterdir()))):
        raise ValueError(f"{path} exists and is not a numrep database; refusing to replace it (choose another -o)")


def build_database(reports: Sequence[str], output: str, *, preset: str | None = None, columns: dict[str, str] | None = None,
                   delimiter: str | None = None, region: str | None = _core.DEFAULT_REGION, half_life: float = 90.0, strict: bool = False,
                   rejects: str | None = None, default_time: dt.datetime | None = None,
                   progress: Callable[[int, int, int, int], None] | None = None) -> tuple[Any, dict[str, Any]]:
    """from_csv, then save to `output`; returns the database and facts for the summary."""
    _guard_output(output)
    for path in reports:
        if os.path.isdir(path):
            raise IsADirectoryError(21, f"{path} is a directory, not a CSV file of reports", path)
    options: dict[str, Any] = dict(columns or {})
    if preset is not None:
        options["preset"] = preset
    start = time.perf_counter()
    db = ReputationDB.from_csv(list(reports), delimiter=delimiter, region=region, strict=strict, rejects=rejects,
                                     default_time=default_time, half_life_days=half_life, progress=progress, **options)
    built = time.perf_counter()
    db.save(output)
    facts = {
        "seconds": built - start,
        "files": {name: os.path.getsize(os.path.join(output, name)) for name in ("records.trie", "numbers.bloom")},
    }
    return db, facts


def print_build_summary(db: Any, facts: dict[str, Any], reports: Sequence[str], output: str, *, bad_rows: int = 5) -> None:
    stats = db.ingest_stats
    rows = stats["rows"]
    print(f"Read {len(reports)} report file{'s' if len(reports) != 1 else ''} in {facts['seconds']:.2f} s "
          f"({rows / max(facts['seconds'], 1e-9):,.0f} rows/s)")
    print(f"  rows               {rows:>12,}")
    invalid = f"   ({stats['invalid_numbers']:,} with numbers not valid by the plan, kept and marked)" if stats["invalid_numbers"] else ""
    print(f"  good               {stats['good']:>12,}{invalid}")
    if stats.get("defaulted_times"):
        print(f"    with the default time {stats['defaulted_times']:>7,}")
    print(f"  bad                {stats['bad']:>12,}")
    for reason, count in sorted(stats["bad_by_reason"].items(), key=lambda item: -item[1]):
        detail = ""
        if reason == "unparseable_number" and stats.get("unparseable_by_error"):
            detail = "   (" + ", ".join(f"{why} {n:,}" for why, n in sorted(stats["unparseable_by_error"].items())) + ")"
        print(f"    {reason.replace('_', ' '):<22} {count:>9,}{detail}")
    first = stats.get("first_bad_rows", [])[:bad_rows]
    if first:
        print(f"  first bad rows{' (line numbers count from 1 in each file)' if len(reports) > 1 else ''}:")
        for row in first:
            print(f"    line {row['line']}: {row['message']}")
    n = db.snapshot_size
    print(f"  distinct numbers   {n:>12,}")
    files = facts["files"]
    per_key = lambda size: f"{8 * size / n:6.1f} bits/number" if n else ""  # noqa: E731
    print(f"Saved {output}/")
    print(f"  records.trie       {_size(files['records.trie']):>12}   {per_key(files['records.trie'])}   "
          f"(the key index: {db.records_bits_per_key:.1f} bits/number)")
    print(f"  numbers.bloom      {_size(files['numbers.bloom']):>12}   {per_key(files['numbers.bloom'])}")


def command_build(args: argparse.Namespace) -> int:
    columns = {name: getattr(args, name) for name in ("number", "time", "category", "source", "not_spam")
               if getattr(args, name) is not None}
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        db, facts = build_database(args.reports, args.output, preset=args.preset, columns=columns, delimiter=args.delimiter,
                                   region=_region_option(args.region), half_life=args.half_life, strict=args.strict,
                                   rejects=args.rejects, default_time=args.default_time, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    print_build_summary(db, facts, args.reports, args.output)
    if args.rejects:
        print(f"Bad rows written to {args.rejects}")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# numrep check

def _top_categories(counts: dict[str, int], most: int = 3) -> str:
    ranked = sorted(((n, name) for name, n in counts.items() if n), key=lambda item: (-item[0], item[1]))
    return ", ".join(f"{name} {n}" for n, name in ranked[:most])


def _verdict_row(text: str, verdict: Any) -> dict[str, Any]:
    return {
        "number": text,
        "e164": verdict.e164,
        "level": verdict.level,
        "score": round(verdict.score, 1),
        "reports": verdict.reports,
        "not_spam": verdict.not_spam,
        "delisted": verdict.delisted,
        "counts": {name: n for name, n in verdict.counts.items() if n},
        "first_seen": None if verdict.first_seen is None else verdict.first_seen.isoformat(),
        "last_seen": None if verdict.last_seen is None else verdict.last_seen.isoformat(),
        "carrier": verdict.carrier,
        "type": verdict.type,
        "region_code": verdict.region_code,
        "region": verdict.region,
        "valid": verdict.valid,
    }


CHECK_COLUMNS = ["number", "e164", "level", "score", "reports", "top categories", "first seen", "last seen", "carrier",
                 "type", "region code", "area", "valid"]


def _check_table_row(row: dict[str, Any]) -> dict[str, object]:
    return {
        "number": row["number"],
        "e164": row["e164"],
        "level": row["level"] + (" (delisted)" if row["delisted"] else ""),
        "score": f"{row['score']:.1f}",
        "reports": row["reports"],
        "top categories": _top_categories(row["counts"]),
        "first seen": (row["first_seen"] or "")[:10],
        "last seen": (row["last_seen"] or "")[:10],
        "carrier": row["carrier"],
        "type": row["type"],
        "region code": row["region_code"],
        "area": row["region"],
        "valid": row["valid"],
    }


def command_check(args: argparse.Namespace) -> int:
    db = _open_db(args.db)
    region = _region_option(args.region)
    now = args.now if args.now is not None else dt.datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    errors = 0
    for text in _numbers_from(args.numbers):
        try:
            rows.append(_verdict_row(text, db.check(text, now=now, region=region)))
        except _core.ParseError as error:
            message = str(error).removeprefix("numrep: ")
            rows.append({"number": text, "error": message})
            print(f"numrep: {message}", file=sys.stderr)
            errors += 1
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        good = [_check_table_row(r) for r in rows if "error" not in r]
        if good:
            _print_table(good, CHECK_COLUMNS)
    return EXIT_BAD_INPUT if errors else EXIT_OK


# ---------------------------------------------------------------------------------------------
# numrep stats

def database_keys(db: Any) -> np.ndarray:
    """Every reported number of the database (snapshot and delta), ascending."""
    return np.asarray(db.keys(), dtype=np.uint64)


def breakdown(db: Any, keys: np.ndarray, now: dt.datetime) -> dict[str, dict[str, int]]:
    """Numbers by carrier, type, validity, region code, geographic area (state, province) and
    level (at `now`), and reports by category. Carrier, type, validity and region code are the
    world plan's (libphonenumber's data for every region, Vietnam's allocation notices for +84)."""
    columns = db.check_many(keys, now=now)
    areas = _core.lookup_many(keys)["region"]  # verdicts carry the region code; the area comes from the plan

    def tally(codes: np.ndarray, names: Sequence[str]) -> dict[str, int]:
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
MOST_ROWS = 15  # rows of a printed or plotted breakdown; --json has them all


def _top_rows(counts: dict[str, int], most: int = MOST_ROWS) -> tuple[dict[str, int], int, int]:
    """What fits in `most` printed rows: all entries if they fit, else the `most` - 1 largest, how many
    others there are and what they add up to (printed as the last row)."""
    items = list(counts.items())
    if len(items) <= most:
        return counts, 0, 0
    shown = dict(items[:most - 1])
    return shown, len(items) - len(shown), sum(n for _, n in items[most - 1:])


def print_breakdown(parts: dict[str, dict[str, int]], now: dt.datetime, which: Sequence[str] = tuple(BREAKDOWN_TITLES)) -> None:
    for name in which:
        title = BREAKDOWN_TITLES[name] + (f" at {now.isoformat(timespec='seconds')}" if name == "level" else "")
        print(f"\n  {title}")
        counts = parts[name]
        total = sum(counts.values()) or 1
        shown, others, rest = _top_rows(counts)
        width = max([20] + [_display_width(label) for label in shown])
        for label, n in shown.items():
            print(f"    {_pad(label, width)} {n:>10,}  {100 * n / total:5.1f}%")
        if others:
            print(f"    {_pad(f'({others:,} more)', width)} {rest:>10,}  {100 * rest / total:5.1f}%")
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


def command_stats(args: argparse.Namespace) -> int:
    db = _open_db(args.db)
    now = args.now if args.now is not None else dt.datetime.now(UTC)
    keys = database_keys(db)
    parts = breakdown(db, keys, now)
    n = db.snapshot_size
    stores = {"records.trie": db.records_bytes, "numbers.bloom": db.bloom_bytes}
    if args.json:
        json.dump({"database": args.db, "numbers": n, "now": now.isoformat(),
                   "half_life_days": db.half_life_days, "store_bytes": stores,
                   "records_bits_per_key": db.records_bits_per_key, **{f"by_{k}": v for k, v in parts.items() if k != "delisted"},
                   "delisted": parts["delisted"]["delisted"]}, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(f"{args.db}: {n:,} reported numbers, half-life {db.half_life_days:g} days")
        print(f"  records.trie {_size(stores['records.trie'])} ({db.records_bits_per_key:.1f} bits/key), "
              f"numbers.bloom {_size(stores['numbers.bloom'])}")
        print_breakdown(parts, now)
    if args.plot:
        plot_breakdown(parts, args.plot, f"{os.path.basename(os.path.normpath(args.db))}: {n:,} reported numbers")
        print(f"\nPlot written to {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


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


# The demo's report data: impersonation calls in Vietnam (callers posing as police officers or
# provincial officials), reported by the people they called. Generated, deterministic.
DEMO_NOW = dt.datetime(2026, 3, 1, tzinfo=UTC)
DEMO_START = dt.datetime(2025, 9, 1, tzinfo=UTC)
DEMO_CARRIER_PREFIXES = {  # national prefixes after the trunk 0, by allocated carrier
    "Viettel": ["86", "96", "97", "98", "32", "33", "34", "35", "36", "37", "38", "39"],
    "Vinaphone": ["88", "91", "94", "81", "82", "83", "84", "85"],
    "MobiFone": ["89", "90", "93", "70", "76", "77", "78", "79"],
    "Vietnamobile": ["92", "56", "58"],
    "Gmobile": ["59"],  # 099 too, but 0992 is VSAT: kept out for simplicity
    "Itelecom": ["87"],
    "Reddi": ["55"],
}
DEMO_CARRIER_SHARE = {"Viettel": 0.36, "Vinaphone": 0.24, "MobiFone": 0.2, "Vietnamobile": 0.1, "Gmobile": 0.05,
                      "Itelecom": 0.03, "Reddi": 0.02}
# The 2018 conversion, new prefix -> old 11-digit one, from the library's own table (a hand copy
# here once drifted: it had 076 <- 0121 where the conversion says 0126).
DEMO_LEGACY = {new: old for old, new in _core.LEGACY_MOBILE_PREFIXES.items()}
DEMO_SCAM_CATEGORIES = ["Giả danh công an - lừa đảo", "impersonating police", "impersonating provincial official",
                        "fake traffic fine (scam)", "lừa đảo: giả danh cán bộ tỉnh"]
DEMO_OTHER_CATEGORIES = ["spam", "telemarketing", "silent"]
DEMO_UNREPORTED = "0912 345 678"  # the generator never reports a Vinaphone 091 number


def _demo_written(national: str, rng: np.random.Generator) -> str:
    """A 9-digit national significant number written the way a person might: legacy 11-digit
    form when its prefix had one, else one of a few modern forms."""
    head, tail = national[:2], national[2:]
    if head in DEMO_LEGACY and rng.random() < 0.25:
        return f"0{DEMO_LEGACY[head]}{tail}"
    form = rng.integers(0, 4)
    return [f"0{national}", f"+84 {head} {tail[:3]} {tail[3:]}", f"0{head}{tail[0]}.{tail[1:4]}.{tail[4:]}",
            f"84{national}"][form]


def demo_reports(seed: int = 2018) -> tuple[list[list[str]], dict[str, str]]:
    """CSV rows (header first) of generated reports, and a few numbers worth checking by name."""
    rng = np.random.default_rng(seed)
    span = (DEMO_NOW - DEMO_START).total_seconds()
    carriers = list(DEMO_CARRIER_SHARE)
    rows: list[list[str]] = [["number", "time", "category", "source", "not_spam"]]
    picks: dict[str, str] = {}
    used: set[str] = set()
    reporter = 0
    for i in range(1500):
        carrier = carriers[rng.choice(len(carriers), p=list(DEMO_CARRIER_SHARE.values()))]
        prefixes = [p for p in DEMO_CARRIER_PREFIXES[carrier] if p != "91"]
        national = f"{prefixes[rng.integers(len(prefixes))]}{rng.integers(0, 10_000_000):07d}"
        if national in used:
            continue
        used.add(national)
        # A campaign: a few days to two months of calls somewhere in the six months.
        start = rng.uniform(0, span)
        length = rng.uniform(2, 60) * 86400
        reports = int(rng.zipf(1.8)) if i >= 3 else 40
        reports = min(reports, 200)
        scam = rng.random() < 0.8
        not_spam_votes = 0
        if i == 0:  # the busiest caller: a police impersonation campaign in the last weeks
            start, length = span - 20 * 86400, 19 * 86400
            picks["busy"] = _demo_written(national, rng)
        elif i == 1:  # a campaign that went quiet five months ago: its reports have decayed
            start, length, reports = 5 * 86400, 5 * 86400, 2
            picks["old"] = f"0{national}"
        elif i == 2:  # a delivery driver reported by mistake, then vouched for
            reports, scam, not_spam_votes = 2, False, 4
            picks["vouched"] = f"+84 {national[:2]} {national[2:5]} {national[5:]}"
        for _ in range(reports):
            when = DEMO_START + dt.timedelta(seconds=float(min(start + rng.uniform(0, length), span - 1)))
            reporter += 1 + int(rng.integers(0, 3))
            category = (DEMO_SCAM_CATEGORIES[rng.integers(len(DEMO_SCAM_CATEGORIES))] if scam
                        else DEMO_OTHER_CATEGORIES[rng.integers(len(DEMO_OTHER_CATEGORIES))])
            rows.append([_demo_written(national, rng), when.strftime("%Y-%m-%d %H:%M:%S"), category, f"u{reporter % 5000}", ""])
        for _ in range(not_spam_votes):
            when = DEMO_NOW - dt.timedelta(days=float(rng.uniform(1, 30)))
            reporter += 1
            rows.append([f"0{national}", when.strftime("%Y-%m-%d %H:%M:%S"), "", f"u{reporter % 5000}", "yes"])
    # What real report files also hold: a typo, an empty number, a date nobody can read.
    rows.insert(57, ["0912-345-67x", "2025-11-02 10:00:00", "impersonating police", "u1", ""])
    rows.insert(301, ["", "2025-12-24 08:30:00", "impersonating police", "u2", ""])
    rows.insert(777, ["0389 123 456", "31/02/2026", "spam", "u3", ""])
    return rows, picks


def command_demo(args: argparse.Namespace) -> int:
    print(f"numrep {_core.__version__}: phone-number reputation\n")
    print("1. Parsing any written form and looking up the allocated carrier (built-in Vietnamese plan)\n")
    rows = []
    for text, note in DEMO_SAMPLES:
        row = _info_row(text, _core.DEFAULT_REGION)
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

    with tempfile.TemporaryDirectory(prefix="numrep-demo-") as scratch:
        _demo_reputation(Path(scratch), args.count)
    return EXIT_OK


def _demo_reputation(scratch: Path, count: int) -> None:
    report_rows, picks = demo_reports()
    reports = scratch / "impersonation_reports.csv"
    with reports.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(report_rows)
    output = str(scratch / "vn.numrepdb")
    print(f"\n3. A reputation database from {len(report_rows) - 1:,} generated reports of impersonation calls "
          "(callers posing as police\n   or provincial officials), September 2025 to February 2026\n")
    print(f"  $ numrep build {reports} -o {output} --source source --not-spam not_spam\n")
    db, facts = build_database([str(reports)], output, columns={"source": "source", "not_spam": "not_spam"})
    print_build_summary(db, facts, [str(reports)], output, bad_rows=3)

    print(f"\n4. Checking numbers on {DEMO_NOW:%Y-%m-%d} (numrep check -d DB NUMBER... --now {DEMO_NOW:%Y-%m-%d})\n")
    db = ReputationDB.open(output)  # what a service does: open the saved stores (mmap)
    samples = [(picks["busy"], "the busiest caller, a recent campaign"),
               (picks["old"], "a campaign that went quiet in September"),
               (picks["vouched"], "reported twice, then four 'not spam' votes"),
               (DEMO_UNREPORTED, "never reported"),
               ("0912-345-67x", "malformed")]
    table = []
    for text, note in samples:
        try:
            row = _check_table_row(_verdict_row(text, db.check(text, now=DEMO_NOW)))
        except _core.ParseError as error:
            print(f"  {text!r} ({note}) -> error: {str(error).removeprefix('numrep: ')}")
            continue
        row["note"] = note
        table.append(row)
    print()
    _print_table(table, ["number", "level", "score", "reports", "top categories", "last seen", "carrier", "note"])

    keys = database_keys(db)
    print(f"\n5. What the database holds (numrep stats -d DB)")
    print_breakdown(breakdown(db, keys, DEMO_NOW), DEMO_NOW, ("carrier", "level", "category"))

    print("\n6. Prefix queries on the succinct trie of reported numbers")
    for prefix, what in (("+8432", "Viettel 032 (was 0162 before 2018)"), ("+8486", "Viettel 086"),
                         ("+8470", "MobiFone 070 (was 0120)"), ("+8455", "Reddi 055")):
        print(f"  {prefix:<8} {db.count_prefix(prefix):>6,} reported numbers   {what}")
    first = [f"+{k}" for k in db.keys(prefix="+8432")[:3].tolist()]
    print(f"  the first under +8432: {', '.join(first)}")

    print(f"\n7. Screening speed: {count:,} calls, one in ten from a reported number")
    rng = np.random.default_rng(7)
    texts = _demo_numbers(count, seed=11)
    reported = keys[rng.integers(0, len(keys), count // 10)]
    for i, key in zip(rng.choice(count, len(reported), replace=False).tolist(), reported.tolist()):
        texts[i] = f"0{str(key)[2:]}"
    start = time.perf_counter()
    call_keys = _core.parse_many(texts)
    parsed = time.perf_counter()
    verdicts = db.check_many(call_keys, now=DEMO_NOW)
    checked = time.perf_counter()
    flagged = int((verdicts["level"] > 0).sum())
    print(f"  parse_many {1e9 * (parsed - start) / count:6.1f} ns/number + check_many {1e9 * (checked - parsed) / count:6.1f} "
          f"ns/number = {1e9 * (checked - start) / count:6.1f} ns/number end to end")
    print(f"  {int(verdicts['reported'].sum()):,} reported, {flagged:,} suspicious or likely scam")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as argparse does, without the usage dump
        self.exit(EXIT_USAGE, f"numrep: {message} (see numrep --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="numrep", description="Phone-number reputation: parsing, carriers, stores.")
    parser.add_argument("--version", action="version", version=f"numrep {_core.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    info = commands.add_parser("info", help="what the numbering plan says about numbers of any region: region code, type, "
                                             "validity, carrier, area")
    info.add_argument("numbers", nargs="+", metavar="NUMBER", help="numbers in any written form; '-' reads stdin")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.add_argument("--region", default=_core.DEFAULT_REGION,
                      help="region of national forms: any region code such as US, GB, KR "
                           f"(default {_core.DEFAULT_REGION}; 'none': international forms only)")
    info.set_defaults(run=command_info)

    build = commands.add_parser("build", help="build a reputation database from CSV files of reports")
    build.add_argument("reports", nargs="+", metavar="REPORTS", help="CSV files of reports (header line first)")
    build.add_argument("-o", "--output", required=True, metavar="DB", help="database directory to write (replaced if it is one)")
    build.add_argument("--preset", help="a named column layout: ftc (US FTC Do-Not-Call complaints)")
    columns = build.add_argument_group("columns (header names; default number, time, category)")
    columns.add_argument("--number", metavar="COL", help="column of the reported number")
    columns.add_argument("--time", metavar="COL", help="column of the report time")
    columns.add_argument("--category", metavar="COL", help="column of the category")
    columns.add_argument("--source", metavar="COL", help="column naming who reported (counts distinct reporters)")
    columns.add_argument("--not-spam", dest="not_spam", metavar="COL", help="column of yes/no 'not spam' votes")
    build.add_argument("--delimiter", type=delimiter_option, help="field delimiter (default: detected from the header)")
    build.add_argument("--region", default=_core.DEFAULT_REGION,
                       help=f"default region for national forms ({_core.DEFAULT_REGION}; 'none' for none)")
    build.add_argument("--half-life", dest="half_life", type=half_life_days, default=90.0, metavar="DURATION",
                       help="a report's weight halves every DURATION: 90d, 12w, 2160h or 90 (days; default 90d)")
    build.add_argument("--strict", action="store_true", help="fail at the first bad row")
    build.add_argument("--rejects", metavar="FILE", help="write every bad row to FILE (CSV)")
    build.add_argument("--default-time", dest="default_time", type=iso_time, metavar="ISO",
                       help="time of reports whose time is empty (otherwise they are bad rows)")
    build.set_defaults(run=command_build)

    check = commands.add_parser("check", help="verdicts on numbers from a database")
    check.add_argument("-d", "--db", required=True, metavar="DB", help="database directory (from numrep build)")
    check.add_argument("numbers", nargs="+", metavar="NUMBER", help="numbers in any written form; '-' reads stdin")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.add_argument("--region", default=_core.DEFAULT_REGION,
                       help=f"default region for national forms ({_core.DEFAULT_REGION}; 'none' for none)")
    check.add_argument("--now", type=iso_time, metavar="ISO", help="judge as of this time (default: now)")
    check.set_defaults(run=command_check)

    stats = commands.add_parser("stats", help="what a database holds: numbers by carrier, type, region code, area, "
                                               "level; reports by category")
    stats.add_argument("-d", "--db", required=True, metavar="DB", help="database directory (from numrep build)")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.add_argument("--plot", metavar="FILE.png", help="also draw the breakdowns to a PNG file")
    stats.add_argument("--now", type=iso_time, metavar="ISO", help="levels as of this time (default: now)")
    stats.set_defaults(run=command_stats)

    demo = commands.add_parser("demo", help="a tour of what numrep does")
    demo.add_argument("--count", type=int, default=200_000, help="numbers in the batch and timing parts (default 200,000)")
    demo.set_defaults(run=command_demo)
    return parser


def describe_error(error: BaseException) -> str:
    """One line for people: numrep's own messages without their prefix, OS errors with the file."""
    if isinstance(error, OSError) and error.strerror:
        message = error.strerror.removeprefix("numrep: ")
        if error.filename is not None and str(error.filename) not in message:
            message = f"{error.filename}: {message}"
        return message
    return str(error).removeprefix("numrep: ").replace("\n", " ")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "count", 1) <= 0:
        print("numrep: --count must be positive", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except (ValueError, OSError, RuntimeError) as error:
        if isinstance(error, BrokenPipeError):
            return EXIT_OK
        print(f"numrep: {describe_error(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
