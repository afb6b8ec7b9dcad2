#!/usr/bin/env python3
"""The reputation database end to end from Python, with the C++ figures beside it.

Python (numrep.ReputationDB):
  from_csv     rows/s reading a CSV of REPORTS reports about NUMBERS distinct Vietnamese mobile
               numbers (written in mixed forms: 0912345678, +84 912 345 678, 0912.345.678, and
               some legacy 11-digit ones), columns number,time,category,source;
  check_many   ns per number, end to end from strings (parsing included; a list of str and a
               NumPy str array), and from uint64 keys; on the NUMBERS reported numbers and on
               as many never reported. Goal (issue 5): at most 200 ns per number from strings.
C++ (benchmarks/bench_reputation): ingest rows/s into reputation_builder (goal: at least 1M
rows/s), build records/s, check ns/number on a 1M-number database; run once, if it is built.

Data are generated deterministically (seeded) into a temporary directory. Times are medians: of 5
interleaved rounds for the checks, of 3 runs for from_csv and parse_many.

    python benchmarks/compare_reputation.py                  # 1M reports / 300k numbers -> results/reputation.md
    python benchmarks/compare_reputation.py --smoke          # 20k / 6k, a few seconds
    python benchmarks/compare_reputation.py --output DIR     # write reputation.md elsewhere
    python benchmarks/compare_reputation.py --cpp-bench build/release/benchmarks/bench_reputation
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import bench_common

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5  # rounds of the check rows (interleaved); from_csv and parse_many: 3 runs
# Today's Vietnamese mobile prefixes (after 84); the 2018 conversion table gives their legacy forms.
PREFIXES = np.array([90, 91, 93, 94, 96, 97, 98, 32, 33, 34, 35, 36, 37, 38, 39, 70, 76, 77, 78, 79, 81, 82, 83, 84, 85,
                     86, 88, 89, 56, 58, 59], dtype=np.uint64)
CONVERSION = ROOT / "tests" / "data" / "vn_2018_mobile_prefix_conversion.csv"
CATEGORIES = ["scam", "lừa đảo (giả danh công an)", "spam", "quảng cáo", "telemarketing", "robocall", "silent", "other"]
CPP_CANDIDATES = ("build/release", "build-ex", "build-perf", "build")


def distinct_keys(count: int, rng: np.random.Generator, exclude: np.ndarray | None = None) -> np.ndarray:
    """`count` distinct valid VN mobile keys (84 + 9 digits), shuffled, none in `exclude`."""
    keys = np.empty(0, dtype=np.uint64)
    while len(keys) < count:
        more = PREFIXES[rng.integers(0, len(PREFIXES), size=count)] * np.uint64(10_000_000) + \
            rng.integers(0, 10_000_000, size=count).astype(np.uint64)
        keys = np.unique(np.concatenate([keys, more + np.uint64(84_000_000_000)]))
        if exclude is not None:
            keys = np.setdiff1d(keys, exclude)
    rng.shuffle(keys)
    return keys[:count]


def legacy_prefixes() -> dict[str, str]:
    """New national prefix ("070") to the 11-digit one it replaced in 2018 ("0120")."""
    with open(CONVERSION, newline="", encoding="utf-8") as f:
        return {row["new_prefix_national"]: row["old_prefix_national"] for row in csv.DictReader(f)}


LEGACY = legacy_prefixes()


def written(key: int, style: int) -> str:
    """One of the ways people write a VN mobile number."""
    national = str(key)[2:]  # 9 digits
    if style == 0:
        return "0" + national
    if style == 1:
        return f"+84 {national[:3]} {national[3:6]} {national[6:]}"
    if style == 2:
        return f"0{national[:3]}.{national[3:6]}.{national[6:]}"
    legacy = LEGACY.get("0" + national[:2])
    return legacy + national[2:] if legacy else "84" + national


def make_csv(path: Path, reports: int, numbers: int, seed: int = 20240901) -> tuple[np.ndarray, np.ndarray]:
    """Writes the reports CSV; returns the reported keys and as many never-reported keys."""
    rng = np.random.default_rng(seed)
    keys = distinct_keys(numbers, rng)
    unreported = distinct_keys(numbers, rng, exclude=keys)
    # Every number is reported at least once; the rest of the reports pile on a few (Zipf-like).
    which = np.concatenate([np.arange(numbers), np.minimum(rng.zipf(1.3, reports - numbers) - 1, numbers - 1)])
    rng.shuffle(which)
    times = 1_714_521_600 + rng.integers(0, 120 * 86400, size=reports)  # May-August 2024
    styles = rng.integers(0, 4, size=reports)
    categories = rng.integers(0, len(CATEGORIES), size=reports)
    sources = rng.integers(1, 5000, size=reports)
    key_list = keys.tolist()
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("number,time,category,source\n")
        lines = []
        for i, (k, t, s, c, src) in enumerate(zip(which.tolist(), times.tolist(), styles.tolist(), categories.tolist(),
                                                  sources.tolist())):
            stamp = dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S") if i % 2 else str(t)
            lines.append(f'{written(key_list[k], s)},{stamp},"{CATEGORIES[c]}",u{src}\n')
            if len(lines) == 65536:
                f.writelines(lines)
                lines.clear()
        f.writelines(lines)
    return keys, unreported


def median_seconds(fn, repeats: int = 3) -> tuple[tuple[float, float], object]:
    """(median wall seconds, median CPU seconds of this process), and fn's last result. CPU time
    is the steadier figure on a shared machine; both are reported."""
    wall, cpu, out = bench_common.time_repeats(fn, repeats, cpu=True, drop_previous=False)
    return (statistics.median(wall), statistics.median(cpu)), out


def per_number_ns(seconds: tuple[float, float], count: int) -> tuple[float, float]:
    return seconds[0] / count * 1e9, seconds[1] / count * 1e9


def arrow_strings(texts: list[str]):
    """The texts as a pyarrow string array (read in place by numrep), or None without pyarrow."""
    try:
        import pyarrow
    except ImportError:
        return None
    return pyarrow.array(texts, type=pyarrow.string())


def python_figures(csv_path: Path, keys: np.ndarray, unreported: np.ndarray) -> dict:
    import numrep

    seconds, db = median_seconds(lambda: numrep.ReputationDB.from_csv(csv_path, source="source"))
    stats = db.ingest_stats
    if stats["bad"] != 0 or len(db) != len(keys):
        raise SystemExit(f"compare_reputation: expected {len(keys)} numbers and no bad rows, got {len(db)} and "
                         f"{stats['bad']}: {stats['summary']}")
    now = 1_714_521_600 + 121 * 86400
    rng = np.random.default_rng(7)
    styles = rng.integers(0, 4, size=len(keys)).tolist()
    figures = {"rows": stats["rows"], "numbers": len(db), "from_csv_s": seconds,
               "from_csv_rows_per_s": (stats["rows"] / seconds[0], stats["rows"] / seconds[1]),
               "records_bits_per_key": db.records_bits_per_key, "bloom_bytes": db.bloom_bytes, "records_bytes": db.records_bytes}
    inputs = {
        "reported": (keys, [written(k, s) for k, s in zip(keys.tolist(), styles)]),
        "unreported": (unreported, [written(k, s) for k, s in zip(unreported.tolist(), styles)]),
    }
    # Where end-to-end time goes: parsing alone (the rest is the lookups and the result columns).
    seconds, parsed = median_seconds(lambda: numrep.parse_many(inputs["reported"][1]))
    if not np.array_equal(parsed, keys):
        raise SystemExit("compare_reputation: parse_many gave wrong keys")
    figures["parse_many list of str"] = per_number_ns(seconds, len(keys))
    # Every check row, timed once per round, in 5 rounds (as compare_parse times its columns): a
    # noisy moment of this shared machine lands on every row alike rather than on the rows that
    # happened to run then. Within a round the one-thread rows come first, then those on every
    # CPU: one switch of thread count a round (the first calls after a switch ran slowest). As in
    # a caller's loop (`verdicts = db.check_many(batch)`), the previous call's result is alive
    # during the next call and released within its timing.
    threads = bench_common.usable_cpus()
    runs = []  # (label, numbers, thread count, expected keys, expected reported)
    for count in sorted({1, threads}):
        for name, (key_array, texts) in inputs.items():
            cases = {"strings (list of str)": texts, "strings (NumPy str array)": np.array(texts),
                     "strings (pyarrow array)": arrow_strings(texts), "keys (uint64 array)": key_array}
            if cases["strings (pyarrow array)"] is None:
                del cases["strings (pyarrow array)"]
            for case, numbers in cases.items():
                # One thread (as the peers run), and, for the columns, every usable CPU (numrep's default).
                if count == 1:
                    runs.append((f"check {case}, {name}", numbers, 1, key_array, name == "reported"))
                elif case in ("strings (pyarrow array)", "keys (uint64 array)"):
                    runs.append((f"check {case}, {name}, {count} threads", numbers, count, key_array,
                                 name == "reported"))
    for label, numbers, count, key_array, expected in runs:  # checked once, untimed
        with bench_common.numrep_threads(count):
            out = db.check_many(numbers, now=now)
        if not (np.array_equal(out["key"], key_array) and bool(np.all(out["reported"] == expected))):
            raise SystemExit(f"compare_reputation: {label} gave wrong keys or verdicts")
    wall: dict[str, list[float]] = {label: [] for label, *_ in runs}
    cpu: dict[str, list[float]] = {label: [] for label, *_ in runs}
    for _ in range(REPEATS):
        for label, numbers, count, _, _ in runs:
            with bench_common.numrep_threads(count):
                start, start_cpu = time.perf_counter(), time.process_time()
                out = db.check_many(numbers, now=now)  # the previous result goes here, timed
                wall[label].append(time.perf_counter() - start)
                cpu[label].append(time.process_time() - start_cpu)
    del out
    # Shown with each row on every CPU right after its one-thread row.
    shown = []
    for run in runs:
        if run[2] == 1:
            shown += [run, *(r for r in runs if r[0] == f"{run[0]}, {threads} threads")]
    for label, numbers, *_ in shown:
        figures[label] = per_number_ns((statistics.median(wall[label]), statistics.median(cpu[label])), len(numbers))
        figures["rounds " + label] = [w / len(numbers) * 1e9 for w in wall[label]]
    return figures


def find_cpp_bench(given: Path | None) -> Path | None:
    if given is not None:
        return given if given.is_file() else None
    found = [ROOT / d / "benchmarks" / "bench_reputation" for d in CPP_CANDIDATES]
    found = [p for p in found if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def cpp_figures(bench: Path, smoke: bool) -> tuple[dict, str] | None:
    # Medians of 5 interleaved repetitions, as run_all.py times every program (summary.md): one
    # run of each gave figures outside the summary's own range for the same benchmarks.
    repeated = ["--benchmark_repetitions=5", "--benchmark_enable_random_interleaving=true",
                "--benchmark_display_aggregates_only=true"]
    command = [str(bench), "--benchmark_format=json"] + (["--benchmark_min_time=0.001"] if smoke else repeated)
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"compare_reputation: {bench} failed:\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    report = json.loads(result.stdout)
    if smoke:
        rates = {b["name"]: b for b in report["benchmarks"] if b.get("run_type", "iteration") == "iteration"}
    else:
        rates = {b["run_name"]: b for b in report["benchmarks"] if b.get("aggregate_name") == "median"}
    for name, b in rates.items():
        if b.get("error_occurred"):
            print(f"compare_reputation: {name}: {b.get('error_message')}", file=sys.stderr)
            return None
    shown = shlex.join([os.path.relpath(command[0], ROOT)] + command[1:])
    return rates, shown


def rounds(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


def markdown(py: dict, cpp: tuple[dict, str] | None, command: str, reports: int, numbers: int, cpp_note: str) -> str:
    import numrep

    string_ns = py["check strings (list of str), reported"][0]
    miss_ns = py["check strings (list of str), unreported"][0]
    lines = [
        "# Reputation database: ingest and check throughput",
        "",
        f"numrep {numrep.__version__}. {reports:,} generated reports about {numbers:,} distinct Vietnamese mobile "
        "numbers (mixed written forms, legacy 11-digit ones included; half the times ISO 8601, half unix seconds; "
        "categories in English and Vietnamese; 5,000 sources). Unreported: as many other valid numbers. The "
        f"`check_many` rows are medians of {REPEATS} rounds, each of which times every row once, in turn "
        "(interleaved, so that a noisy moment hits every row alike; the one-thread rows first, then the others), "
        "after one untimed call of each row that checks its keys and verdicts (and leaves numrep's result buffers "
        "ready for reuse); as in a caller's loop, the previous call's result is released within the next call's "
        "timing. `from_csv` and `parse_many` are medians of 3 runs. numrep runs on one thread, as the peers do, "
        "except in rows that name a number of threads (its batch calls split long columns across threads: "
        "`numrep.set_threads`).",
        "",
        "## Python",
        "",
        "| operation | wall clock | CPU time |",
        "|---|---:|---:|",
        f"| `ReputationDB.from_csv` (read, parse, score-ready records, build) | {py['from_csv_rows_per_s'][0] / 1e6:.2f} M rows/s "
        f"({py['from_csv_s'][0]:.2f} s) | {py['from_csv_rows_per_s'][1] / 1e6:.2f} M rows/s |",
    ]
    for key, value in py.items():
        if key.startswith("check "):
            wall, cpu = value
            lines.append(f"| `check_many` {key[6:]} | {wall:.0f} ns/number | {cpu:.0f} ns/number |")
    parse_wall, parse_cpu = py["parse_many list of str"]
    lines += [
        f"| of which parsing: `numrep.parse_many` on the list of str | {parse_wall:.0f} ns/number | {parse_cpu:.0f} ns/number |",
        "",
        f"Records trie {py['records_bytes'] / 2**20:.1f} MiB in all, of which the keys {py['records_bits_per_key']:.1f} "
        f"bits/number (the rest: each number's report record); Bloom filter of reported numbers "
        f"{py['bloom_bytes'] / 2**20:.2f} MiB.",
        "",
        f"Goal: `check_many` at most 200 ns per number end to end from strings. On a list of str (wall clock): "
        f"{string_ns:.0f} ns/number for reported numbers — {'met' if string_ns <= 200 else 'NOT met'}; "
        f"{miss_ns:.0f} ns/number for never-reported ones (most callers) — {'met' if miss_ns <= 200 else 'NOT met'}.",
    ]
    arrow_hit = py.get("check strings (pyarrow array), reported")
    if arrow_hit is not None:
        # Judged on one thread, as the target was set and the peers run; the default thread
        # count's figures beside it, not instead of it.
        arrow_miss = py["check strings (pyarrow array), unreported"][0]
        met = arrow_hit[0] <= 100 and arrow_miss <= 100
        lines += [
            "",
            f"**Goal (issue 12): `check_many` from an Arrow string column at most 100 ns per number end to end. "
            f"On one thread: {arrow_hit[0]:.0f} ns/number for reported numbers, {arrow_miss:.0f} for never-reported "
            f"ones — {'met' if met else 'NOT met'}.** Every round, reported, wall clock: "
            f"{rounds(py['rounds check strings (pyarrow array), reported'])} ns/number.",
        ]
        threaded = [k for k in py if k.startswith("check strings (pyarrow array), reported, ")]
        if threaded:
            label = threaded[0].rsplit(", ", 1)[1]
            hit = py[threaded[0]][0]
            miss = py[f"check strings (pyarrow array), unreported, {label}"][0]
            lines += [
                f"On {label} (numrep's default here, every usable CPU; wall clock): {hit:.0f} ns/number for reported "
                f"numbers, {miss:.0f} for never-reported ones (every round, reported: "
                f"{rounds(py['rounds ' + threaded[0]])}). CPU time is that of every thread, so it does not fall with "
                "threads.",
            ]
    lines += [
        "",
        f"Command: `{command}`",
        "",
        "## C++ (bench_reputation)",
        "",
    ]
    if cpp is None:
        lines += [cpp_note, ""]
    else:
        rates, shown = cpp
        ingest = rates["bm_ingest_csv_to_builder"]
        build = rates["bm_build_from_ingested"]
        hit, miss = rates["bm_check_reported"], rates["bm_check_unreported"]
        lines += [
            f"FTC-shaped CSV in memory ({ingest['rows']:,.0f} rows about {ingest['numbers']:,.0f} numbers); checks on a "
            f"{hit['numbers_in_db']:,.0f}-number database. Rates from CPU time, medians of 5 interleaved repetitions.",
            "",
            "| operation | figure |",
            "|---|---:|",
            f"| ingest: report_reader → reputation_builder | {ingest['items_per_second'] / 1e6:.2f} M rows/s "
            f"({ingest['bytes_per_second'] / 2**20:.0f} MiB/s) |",
            f"| build: reputation_db::build (sort, trie, Bloom) | {build['items_per_second'] / 1e6:.2f} M records/s |",
            f"| check, reported numbers (one at a time) | {1e9 / hit['items_per_second']:.0f} ns/number |",
            f"| check, never reported (one at a time) | {1e9 / miss['items_per_second']:.0f} ns/number |",
            *([f"| check_each in batches of 1024, reported | {1e9 / rates['bm_check_batch_reported']['items_per_second']:.0f} ns/number |",
               f"| check_each in batches of 1024, never reported | "
               f"{1e9 / rates['bm_check_batch_unreported']['items_per_second']:.0f} ns/number |"]
              if "bm_check_batch_reported" in rates and "bm_check_batch_unreported" in rates else []),
            *([f"| check_each in batches of 1024, reported, after 2,000 one-report add_reports calls "
               f"({rates['bm_check_batch_after_single_adds'].get('delta_layers', 0):.0f} delta layers) | "
               f"{1e9 / rates['bm_check_batch_after_single_adds']['items_per_second']:.0f} ns/number |"]
              if "bm_check_batch_after_single_adds" in rates else []),
            "",
            f"Goal: ingest at least 1M rows/s: {ingest['items_per_second'] / 1e6:.2f} M rows/s — "
            f"{'met' if ingest['items_per_second'] >= 1e6 else 'NOT met'}.",
            "",
            f"Command: `{shown}`",
            "",
        ]
    load = (bench_common.load_average() or (0.0,))[0]
    if load > (os.cpu_count() or 1) / 2:
        lines += [f"Note: the machine was busy with other work (load average {load:.1f} on {os.cpu_count()} CPUs); "
                  "figures from such runs vary by up to 2x between runs.", ""]
    lines += [f"Machine: {bench_common.machine()}", "", f"Run: {bench_common.utc_now()} UTC", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000, help="reports in the CSV (default 1,000,000)")
    parser.add_argument("--numbers", type=int, default=300_000, help="distinct reported numbers (default 300,000)")
    bench_common.add_smoke_and_output(parser, smoke_help="20k reports / 6k numbers, for CI: a few seconds",
                                      output_help="directory for reputation.md")
    parser.add_argument("--cpp-bench", type=Path, default=None,
                        help="the bench_reputation program (default: the newest under build/release, build-ex, ...)")
    args = parser.parse_args()
    reports, numbers = (20_000, 6_000) if args.smoke else (args.reports, args.numbers)
    if not 0 < numbers <= reports:
        parser.error("need 0 < --numbers <= --reports")

    with tempfile.TemporaryDirectory(prefix="numrep-reputation-") as tmp:
        csv_path = Path(tmp) / "reports.csv"
        keys, unreported = make_csv(csv_path, reports, numbers)
        py = python_figures(csv_path, keys, unreported)
    print(f"from_csv: {py['from_csv_rows_per_s'][0] / 1e6:.2f} M rows/s ({py['rows']:,} rows, {py['numbers']:,} numbers)")
    for key, value in py.items():
        if key.startswith("check "):
            print(f"check_many {key[6:]}: {value[0]:.0f} ns/number (CPU {value[1]:.0f})")

    bench = find_cpp_bench(args.cpp_bench)
    cpp, note = None, ""
    if bench is None:
        note = ("Not run: no bench_reputation program found (build it with `cmake --build build/release --target "
                "bench_reputation`, or pass --cpp-bench PATH).")
        print(f"compare_reputation: {note}", file=sys.stderr)
    else:
        cpp = cpp_figures(bench, args.smoke)
        if cpp is None:
            print(f"compare_reputation: {bench} failed", file=sys.stderr)
            return 1
        ingest = cpp[0]["bm_ingest_csv_to_builder"]["items_per_second"]
        print(f"C++ ingest: {ingest / 1e6:.2f} M rows/s ({cpp[1]})")

    bench_common.write_result(args.output, "reputation.md",
                              markdown(py, cpp, bench_common.command_line(__file__), reports, numbers, note))
    return 0


if __name__ == "__main__":
    sys.exit(main())
