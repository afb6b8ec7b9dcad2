"""numrep demo [--count N]: a tour of what numrep does, on generated numbers and reports."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import signal
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

# numpy imports numpy.random lazily, at first use, and a Ctrl-C during that import went wrong: the
# Cython module's init runs code through PyRun_String and ignores its failure, so the demo ran on
# to status 0, or CPython, having seen the KeyboardInterrupt leave PyRun_String, killed the
# process with SIGINT at exit, without a word. Imported here, before the demo begins.
from numpy.random import Generator, default_rng

from .. import _core
from ..reputation import ReputationDB
from .build import build_database, print_build_summary
from .check import check_table_row, verdict_row
from .common import EXIT_OK, UTC, naming_the_file
from .info import info_row
from .output import print_table
from .stats import breakdown, database_keys, print_breakdown

# A few numbers in the forms people write them, with what each shows.
DEMO_SAMPLES = [
    ("0912 345 678", "Vinaphone mobile, national form"),
    ("+84 86 123 4567", "Viettel mobile, international form"),
    ("(+84) 93-456-7890", "MobiFone, with punctuation"),
    ("0084 56 789 0123", "Vietnamobile, 00 international prefix"),
    ("0162 345 6789", "pre-2018 11-digit Viettel number, converted"),
    ("０９７１２３４５６７", "full-width digits"),  # noqa: RUF001 - full-width on purpose
    ("tel:+84-24-3826-4321", "Hanoi landline as a tel: URI"),
    ("0236 3822 123", "Da Nang landline"),
    ("1800 1091", "toll free"),
    ("069 234 8560", "police hotline libphonenumber rejects: kept, marked not valid"),
    ("113", "police short code"),
    ("0912-345-67x", "a typo: clear error"),
]


# The demo holds its numbers as Python strings (about 100 bytes each, twice): ten million take a
# couple of gigabytes. More is refused up front rather than failing with MemoryError half way.
MAX_COUNT = 10_000_000


def count_option(text: str) -> int:
    """--count: a whole number from 1 to MAX_COUNT; argparse type."""
    try:
        count = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad count {text!r}: expected a whole number such as 200000") from None
    if not 1 <= count <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"bad count {text!r}: it must be from 1 to {MAX_COUNT:,}")
    return count


def _demo_numbers(count: int, seed: int = 2026) -> list[str]:
    """Random Vietnamese mobile numbers in mixed written forms (deterministic)."""
    rng = default_rng(seed)
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


def _demo_written(national: str, rng: Generator) -> str:
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
    rng = default_rng(seed)
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
            written = _demo_written(national, rng)
            rows.append([written, when.strftime("%Y-%m-%d %H:%M:%S"), category, f"u{reporter % 5000}", ""])
        for _ in range(not_spam_votes):
            when = DEMO_NOW - dt.timedelta(days=float(rng.uniform(1, 30)))
            reporter += 1
            rows.append([f"0{national}", when.strftime("%Y-%m-%d %H:%M:%S"), "", f"u{reporter % 5000}", "yes"])
    # What real report files also hold: a typo, an empty number, a date nobody can read.
    rows.insert(57, ["0912-345-67x", "2025-11-02 10:00:00", "impersonating police", "u1", ""])
    rows.insert(301, ["", "2025-12-24 08:30:00", "impersonating police", "u2", ""])
    rows.insert(777, ["0389 123 456", "31/02/2026", "spam", "u3", ""])
    return rows, picks


def run(args: argparse.Namespace) -> int:
    print(f"numrep {_core.__version__}: phone-number reputation\n")
    print("1. Parsing any written form and looking up the allocated carrier (built-in Vietnamese plan)\n")
    rows = []
    for text, note in DEMO_SAMPLES:
        row = info_row(text, _core.DEFAULT_REGION)
        row["note"] = note
        rows.append(row)
    good = [r for r in rows if "error" not in r]
    print_table(good, ["input", "e164", "carrier", "type", "region", "valid", "legacy", "note"])
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

    # A kill (SIGTERM) left the scratch directory behind: it ends the demo as an exception does,
    # through the directory's removal.
    main_thread = threading.current_thread() is threading.main_thread()  # signal.signal's only place
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm) if main_thread else None
    try:
        with tempfile.TemporaryDirectory(prefix="numrep-demo-") as scratch:
            _demo_reputation(Path(scratch), args.count)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_OK


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # the status a shell reports for the signal


def _demo_reputation(scratch: Path, count: int) -> None:
    report_rows, picks = demo_reports()
    reports = scratch / "impersonation_reports.csv"
    with naming_the_file(str(reports), "cannot write the demo's reports"), \
            reports.open("w", encoding="utf-8", newline="") as f:
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
            row = check_table_row(verdict_row(text, db.check(text, now=DEMO_NOW)))
        except _core.ParseError as error:
            print(f"  {text!r} ({note}) -> error: {str(error).removeprefix('numrep: ')}")
            continue
        row["note"] = note
        table.append(row)
    print()
    print_table(table, ["number", "level", "score", "reports", "top categories", "last seen", "carrier", "note"])

    keys = database_keys(db)
    print("\n5. What the database holds (numrep stats -d DB)")
    print_breakdown(breakdown(keys, db.check_many(keys, now=DEMO_NOW)), DEMO_NOW, ("carrier", "level", "category"))

    print("\n6. Prefix queries on the succinct trie of reported numbers")
    for prefix, what in (("+8432", "Viettel 032 (was 0162 before 2018)"), ("+8486", "Viettel 086"),
                         ("+8470", "MobiFone 070 (was 0120)"), ("+8455", "Reddi 055")):
        print(f"  {prefix:<8} {db.count_prefix(prefix):>6,} reported numbers   {what}")
    first = [f"+{k}" for k in db.keys(prefix="+8432")[:3].tolist()]
    print(f"  the first under +8432: {', '.join(first)}")

    print(f"\n7. Screening speed: {count:,} calls, one in ten from a reported number")
    rng = default_rng(7)
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
    print(f"  parse_many {1e9 * (parsed - start) / count:6.1f} ns/number + "
          f"check_many {1e9 * (checked - parsed) / count:6.1f} ns/number = "
          f"{1e9 * (checked - start) / count:6.1f} ns/number end to end")
    print(f"  {int(verdicts['reported'].sum()):,} reported, {flagged:,} suspicious or likely scam")




def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser("demo", help="a tour of what numrep does")
    demo.add_argument("--count", type=count_option, default=200_000,
                      help=f"numbers in the batch and timing parts (default 200,000; at most {MAX_COUNT:,})")
    demo.set_defaults(run=run)
