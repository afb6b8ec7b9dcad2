#!/usr/bin/env python3
"""Parse + carrier lookup from Python: numrep vs phonenumbers, side by side in one run.

numrep:       keys = numrep.parse_many(texts); numrep.lookup_many(keys)    (whole batch)
phonenumbers: for each text: carrier.name_for_number(phonenumbers.parse(text, "VN"), "en")

The input is COUNT Vietnamese numbers (1,000,000 by default) in the mixed written forms seen
in reports, made from a fixed seed. phonenumbers runs on a SAMPLE of the same input (20,000
by default: it is ~100 times slower) and its time per number is extrapolated; the output
says so. Each measurement is repeated and the median kept; the ratio compares medians
taken in the same run, since these machines are shared and noisy.

    python benchmarks/compare_parse.py            # writes benchmarks/results/parse.{md,json}
    python benchmarks/compare_parse.py --smoke    # tiny sizes for CI; prints, writes nothing
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys

import numpy as np

import bench_common
import numrep

try:
    import phonenumbers
    from phonenumbers import carrier as phonenumbers_carrier
except ImportError:  # pragma: no cover - reported to the user below
    phonenumbers = None

GOAL = 100.0  # times faster than phonenumbers, from the foundation issue

# National prefixes (after the trunk 0) drawn from, with 9-digit mobiles most common as in reports.
MOBILE_PREFIXES = [
    "32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98", "81", "82", "83", "84", "85",
    "88", "91", "94", "87", "70", "76", "77", "78", "79", "89", "90", "93", "52", "56", "58", "92", "59",
    "99", "55",
]
LEGACY_PREFIXES = ["162", "163", "164", "165", "166", "167", "168", "169", "120", "121", "122", "126", "128",
                   "123", "124", "125", "127", "129", "186", "188", "199"]
AREA_CODES_3 = ["203", "204", "205", "206", "208", "210", "220", "225", "236", "251", "258", "263", "274", "292"]
FULL_WIDTH = str.maketrans("0123456789+", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0b")


def national_digits(rng: random.Random) -> str:
    """One national significant number: mobile, legacy mobile, landline or toll free."""
    roll = rng.random()
    if roll < 0.78:
        return rng.choice(MOBILE_PREFIXES) + "".join(rng.choices("0123456789", k=7))
    if roll < 0.86:
        return rng.choice(LEGACY_PREFIXES) + "".join(rng.choices("0123456789", k=7))
    if roll < 0.97:
        if rng.random() < 0.4:
            return rng.choice(["24", "28"]) + "".join(rng.choices("0123456789", k=8))
        return rng.choice(AREA_CODES_3) + "".join(rng.choices("0123456789", k=7))
    return rng.choice(["1800", "1900"]) + "".join(rng.choices("0123456789", k=rng.choice([4, 6])))


def groups(digits: str, sizes: tuple[int, ...], separator: str) -> str:
    out, pos = [], 0
    for size in sizes:
        if pos < len(digits):
            out.append(digits[pos:pos + size])
            pos += size
    if pos < len(digits):
        out.append(digits[pos:])
    return separator.join(out)


def written_form(nsn: str, rng: random.Random) -> str:
    """The number the way someone typed it into a report (VN-NUMBERING.md's list of forms)."""
    form = rng.randrange(11)
    if form == 0:
        return "0" + groups(nsn, (3, 3, 3, 3), " ")  # 0912 345 678
    if form == 1:
        return "0" + groups(nsn, (3, 3, 3, 3), ".")  # 0912.345.678
    if form == 2:
        return "0" + groups(nsn, (2, 3, 4), " ")  # 091 234 5678
    if form == 3:
        return "+84 " + groups(nsn, (3, 3, 3, 3), " ")  # +84 912 345 678
    if form == 4:
        return "(+84) " + groups(nsn, (3, 3, 3, 3), "-")  # (+84) 912-345-678
    if form == 5:
        return "0084" + nsn
    if form == 6:
        return ("84" + nsn) if len(nsn) >= 9 else ("0" + nsn)  # 84912345678 (needs >= 9 digits)
    if form == 7:
        return "+84 (0) " + groups(nsn, (3, 3, 3, 3), " ")
    if form == 8:
        return "tel:+84-" + groups(nsn, (2, 3, 4), "-")
    if form == 9:
        return ("0" + nsn).translate(FULL_WIDTH)  # full-width digits
    return " 0" + nsn + " "  # surrounding white space


def make_input(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [written_form(national_digits(rng), rng) for _ in range(count)]


def median_seconds(run, repeats: int) -> tuple[float, list[float]]:
    def call():
        run()  # its result is dropped inside the timed call

    times, _, _ = bench_common.time_repeats(call, repeats)
    return statistics.median(times), times


def run_numrep(texts):
    keys = numrep.parse_many(texts)
    return keys, numrep.lookup_many(keys)


def run_phonenumbers(texts):
    names = []
    for text in texts:
        try:
            parsed = phonenumbers.parse(text, "VN")
        except phonenumbers.NumberParseException:
            names.append(None)
            continue
        names.append(phonenumbers_carrier.name_for_number(parsed, "en"))
    return names


def phonenumbers_keys(texts):
    keys = []
    for text in texts:
        try:
            parsed = phonenumbers.parse(text, "VN")
            keys.append(int(f"{parsed.country_code}{parsed.national_number}"))
        except phonenumbers.NumberParseException:
            keys.append(0)
    return keys


def machine_info() -> dict:
    return {
        "cpu": bench_common.cpu_model(),
        "logical_cpus": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numrep": numrep.__version__,
        "phonenumbers": phonenumbers.__version__,
    }


def markdown(report: dict) -> str:
    m = report["machine"]
    rows = report["rows"]
    lines = [
        "# Parse + carrier lookup from Python: numrep vs phonenumbers",
        "",
        f"Date (UTC): {report['date']}  ",
        f"Command: `{report['command']}`  ",
        f"Machine: {bench_common.machine()}  ",
        f"Software: Python {m['python']}, NumPy {m['numpy']}, numrep {m['numrep']}, phonenumbers {m['phonenumbers']}",
        "",
        f"Input: {report['count']:,} Vietnamese numbers in mixed written forms (seed {report['seed']}): "
        "`0912 345 678`, `0912.345.678`, `+84 912 345 678`, `(+84) 912-345-678`, `0084...`, `84...`, "
        "`+84 (0) ...`, `tel:+84-...`, full-width digits, white space around; 78% mobile, 8% legacy "
        "11-digit mobile, 11% landline, 3% toll-free/premium.",
        "",
        "| what | calls | numbers timed | ns/number (median) | all repeats, ns/number | vs phonenumbers |",
        "|---|---|---:|---:|---|---:|",
    ]
    for row in rows:
        repeats = ", ".join(f"{t:,.0f}" for t in row["repeats_ns"])
        speedup = "—" if row["speedup"] is None else f"{row['speedup']:,.1f}x"
        lines.append(
            f"| {row['name']} | `{row['calls']}` | {row['numbers']:,} | {row['ns_per_number']:,.1f} | {repeats} | "
            f"{speedup} |"
        )
    lines += [
        "",
        f"phonenumbers was timed on the first {report['sample']:,} numbers of the same input and its time is "
        "extrapolated per number (it is too slow to run on all of them in every repeat); numrep was timed on all "
        f"{report['count']:,}. Median of {report['repeats']} repeats each (phonenumbers: "
        f"{report['phonenumbers_repeats']}), all in one process, one thread.",
        "",
        f"**Ratio (numrep parse_many + lookup_many vs phonenumbers parse + name_for_number): "
        f"{report['ratio']:,.0f}x faster** — goal at least {GOAL:.0f}x: {'met' if report['ratio'] >= GOAL else 'NOT met'}.",
        "",
        f"Sanity check on the sample: numrep and phonenumbers give the same E.164 key for "
        f"{report['agreement']['same_key']:.1%} of numbers; the rest are legacy 11-digit numbers that numrep "
        f"converts ({report['agreement']['legacy']:.1%} of the sample) and other documented differences "
        "(docs/vietnam-plan.md).",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000, help="numbers parsed by numrep (default 1,000,000)")
    parser.add_argument("--sample", type=int, default=20_000, help="numbers parsed by phonenumbers (default 20,000)")
    parser.add_argument("--repeats", type=int, default=5, help="repeats per measurement; the median is kept")
    parser.add_argument("--seed", type=int, default=2018)
    bench_common.add_smoke_and_output(
        parser, smoke_help="tiny sizes for CI (well under 5 s); writes nothing unless --output is given",
        output_help="markdown result file or directory (default benchmarks/results/parse.md; "
                    "a .json with the raw numbers is written beside it)", output_default=None)
    args = parser.parse_args(argv)
    if phonenumbers is None:
        print("compare_parse.py needs the phonenumbers package: pip install phonenumbers", file=sys.stderr)
        return 2
    if args.smoke:
        args.count, args.sample, args.repeats = 5_000, 500, 3
    output = args.output or (None if args.smoke else bench_common.RESULTS / "parse.md")
    if output is not None and output.is_dir():
        output = output / "parse.md"  # --output DIR, as ./dev test passes it
    if args.sample > args.count:
        parser.error("--sample cannot exceed --count")

    texts = make_input(args.count, args.seed)
    sample = texts[: args.sample]
    array = np.array(texts)

    # Correctness first: the batch and one-by-one paths agree, and numrep agrees with
    # phonenumbers where it should.
    keys, columns = run_numrep(texts)
    assert (numrep.parse_many(array) == keys).all(), "list and NumPy paths disagree"
    assert keys.all(), "a generated number did not parse"
    theirs = phonenumbers_keys(sample)
    same = sum(int(a) == b for a, b in zip(keys[: args.sample], theirs)) / args.sample
    legacy = sum(numrep.parse(t).is_legacy for t in sample) / args.sample

    numrep_seconds, numrep_times = median_seconds(lambda: run_numrep(texts), args.repeats)
    array_seconds, array_times = median_seconds(lambda: run_numrep(array), args.repeats)
    parse_seconds, parse_times = median_seconds(lambda: numrep.parse_many(texts), args.repeats)
    lookup_seconds, lookup_times = median_seconds(lambda: numrep.lookup_many(keys), args.repeats)
    pn_repeats = max(1, min(args.repeats, 3))
    pn_seconds, pn_times = median_seconds(lambda: run_phonenumbers(sample), pn_repeats)

    pn_ns = pn_seconds / args.sample * 1e9

    def row(name, calls, seconds, times, numbers, compared=True):
        ns = seconds / numbers * 1e9
        return {
            "name": name, "calls": calls, "numbers": numbers, "ns_per_number": ns,
            "repeats_ns": [t / numbers * 1e9 for t in times],
            "speedup": pn_ns / ns if compared else None,  # parts of the work are not compared
        }

    rows = [
        row("numrep (list of str)", "lookup_many(parse_many(texts))", numrep_seconds, numrep_times, args.count),
        row("numrep (NumPy str array)", "lookup_many(parse_many(np.array(texts)))", array_seconds, array_times, args.count),
        row("numrep parse only", "parse_many(texts)", parse_seconds, parse_times, args.count, compared=False),
        row("numrep lookup only", "lookup_many(keys)", lookup_seconds, lookup_times, args.count, compared=False),
        row("phonenumbers (sample, extrapolated)", 'name_for_number(parse(t, "VN"), "en")', pn_seconds, pn_times,
            args.sample),
    ]
    report = {
        "date": bench_common.utc_now(),
        "command": bench_common.command_line(__file__, argv or sys.argv[1:]),
        "machine": machine_info(),
        "count": args.count, "sample": args.sample, "seed": args.seed,
        "repeats": args.repeats, "phonenumbers_repeats": pn_repeats,
        "rows": rows,
        "ratio": rows[0]["speedup"],
        "agreement": {"same_key": same, "legacy": legacy},
    }
    text = markdown(report)
    print(text)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        output.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {output} and {output.with_suffix('.json')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
