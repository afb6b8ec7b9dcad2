#!/usr/bin/env python3
"""Bloom filters from Python: numrep vs rbloom vs pybloomfiltermmap3, side by side in one run.

numrep:             bf.add_many(keys); bf.contains_many(keys)          (NumPy uint64 batch, GIL released)
rbloom:             bf.update(list_of_ints); list(map(bf.__contains__, list_of_ints))
pybloomfiltermmap3: bf.update(list_of_ints); list(map(bf.__contains__, list_of_ints))
(the peers have a batch insert, update, but no batch query: map over the bound __contains__ is their
fastest query path, faster than a list comprehension of `k in bf`).

COUNT distinct random Vietnamese-length E.164 keys (10,000,000 by default) are inserted into a
filter sized for COUNT at 1% FPR; queries are timed on the inserted keys (hits) and on as many
(at least 1,000,000) distinct keys never inserted (misses), whose positive fraction is the
measured FPR. Each library runs in its own subprocess, so that its peak memory (peak RSS,
VmHWM reset through /proc/self/clear_refs, above the RSS just before building, input keys already
in memory) is its own. Times are
medians of 3 repeats. numrep is also run at several target FPRs for the bits/key plot.

    python benchmarks/compare_bloom.py                 # writes benchmarks/results/bloom.{md,png}
    python benchmarks/compare_bloom.py --smoke         # ~50k keys, a few seconds
    python benchmarks/compare_bloom.py --output DIR    # write the results elsewhere
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

import bench_common
from bench_common import timed

KEY_LOW, KEY_HIGH = 84_100_000_000, 84_999_999_999
REPEATS = 3
LIBRARIES = ("numrep", "rbloom", "pybloomfiltermmap3")
SWEEP_FPRS = (0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001)


def make_keys(count: int, misses: int, seed: int = 20240601) -> tuple[np.ndarray, np.ndarray]:
    """`count` keys to insert and `misses` other keys, all distinct, in a random order."""
    rng = np.random.default_rng(seed)
    need = count + misses
    pool = np.unique(rng.integers(KEY_LOW, KEY_HIGH, size=int(need * 1.1) + 100, dtype=np.uint64))
    while len(pool) < need:  # pragma: no cover - only for tiny key ranges
        pool = np.unique(np.concatenate([pool, rng.integers(KEY_LOW, KEY_HIGH, size=need, dtype=np.uint64)]))
    rng.shuffle(pool)
    return pool[:count].copy(), pool[count:need].copy()


def start_peak() -> int:
    """Resets the peak RSS where Linux allows it (/proc/self/clear_refs); returns the baseline."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        current = bench_common.status_bytes("VmRSS")
        if current is not None:
            return current
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def peak_since(baseline: int) -> int:
    peak = bench_common.status_bytes("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return max(0, peak - baseline)


# ---- worker: one library in its own process ----

def run_worker(library: str, keys_file: Path, fpr: float) -> dict:
    data = np.load(keys_file)
    hits, misses = data["hits"], data["misses"]
    if library == "numrep":
        import numrep

        def build():
            bf = numrep.BloomFilter(len(hits), fpr)
            bf.add_many(hits)
            return bf

        def query(bf, keys):
            return bf.contains_many(keys)

        def describe(bf):
            return {"bits_per_key": bf.num_bits / len(hits), "size_bytes": bf.size_in_bytes,
                    "version": numrep.__version__, "method": "add_many / contains_many on a NumPy uint64 array"}
        hit_input, miss_input = hits, misses
    else:
        hit_input, miss_input = hits.tolist(), misses.tolist()  # Python ints: the peers' natural input
        if library == "rbloom":
            import rbloom

            make, num_bits = rbloom.Bloom, lambda bf: bf.size_in_bits
        elif library == "pybloomfiltermmap3":
            import pybloomfilter

            make, num_bits = pybloomfilter.BloomFilter, lambda bf: bf.num_bits
        else:
            raise SystemExit(f"compare_bloom: unknown library {library!r}")

        def build():
            bf = make(len(hit_input), fpr)
            bf.update(hit_input)
            return bf

        def describe(bf):
            return {"bits_per_key": num_bits(bf) / len(hits), "size_bytes": num_bits(bf) // 8,
                    "version": _version(library), "method": "update / list(map(bf.__contains__, keys))"}

        def query(bf, keys):
            return list(map(bf.__contains__, keys))

    rss_before = start_peak()
    build_times, bf = [], None
    for _ in range(REPEATS):
        bf = None  # free the previous filter first
        seconds, bf = timed(build)
        build_times.append(seconds)
        if len(build_times) == 1:
            peak = peak_since(rss_before)
    hit_times, miss_times = [], []
    for _ in range(REPEATS):
        seconds, found = timed(lambda: query(bf, hit_input))
        hit_times.append(seconds)
        seconds, false_hits = timed(lambda: query(bf, miss_input))
        miss_times.append(seconds)
    if not all(found):
        raise SystemExit(f"compare_bloom: {library} has false negatives")
    result = describe(bf)
    result.update({
        "library": library, "target_fpr": fpr, "keys": len(hits), "misses": len(misses),
        "build_ns": statistics.median(build_times) / len(hits) * 1e9,
        "hit_ns": statistics.median(hit_times) / len(hits) * 1e9,
        "miss_ns": statistics.median(miss_times) / len(misses) * 1e9,
        "fpr": float(np.count_nonzero(np.asarray(false_hits, dtype=bool))) / len(misses),
        "peak_bytes": peak,
    })
    return result


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


def ideal_fpr(bits_per_key: float) -> float:
    """The best FPR of a classic Bloom filter with this many bits per key, over integer k."""
    k0 = max(1, math.floor(bits_per_key * math.log(2)))
    return min((1 - math.exp(-k / bits_per_key)) ** k for k in (k0, k0 + 1))


# ---- driver ----

def spawn(library: str, keys_file: Path, fpr: float) -> dict | None:
    return bench_common.spawn_worker(__file__, ["--worker", library, "--keys", str(keys_file), "--fpr", str(fpr)],
                                     f"compare_bloom: {library} at fpr {fpr}")


def markdown(rows: list[dict], sweep: list[dict], command: str, count: int, misses: int) -> str:
    lines = [
        "# Bloom filters from Python: numrep vs rbloom vs pybloomfiltermmap3",
        "",
        f"{count:,} distinct random keys inserted into a filter sized for {count:,} at 1% target FPR; "
        f"hits = those keys, misses = {misses:,} other keys never inserted (their positive fraction is the "
        f"measured FPR). Medians of {REPEATS} repeats; each library in its own process. "
        "Peak memory: the process's peak RSS while building the first filter, above its RSS just before "
        "(input keys already in memory; Linux VmHWM reset through /proc/self/clear_refs).",
        "",
        "| library | bits/key | measured FPR | ideal FPR at these bits/key | build ns/key | query ns/key (hits) "
        "| query ns/key (misses) | filter size | peak memory | how it is called |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['library']} {r['version']} | {r['bits_per_key']:.2f} | {r['fpr'] * 100:.3f}% | "
            f"{ideal_fpr(r['bits_per_key']) * 100:.3f}% | {r['build_ns']:.1f} | {r['hit_ns']:.1f} | {r['miss_ns']:.1f} | "
            f"{r['size_bytes'] / 2**20:.1f} MiB | {r['peak_bytes'] / 2**20:.1f} MiB | {r['method']} |")
    numrep_row = next((r for r in rows if r["library"] == "numrep"), None)
    if numrep_row:
        lines.append("")
        for r in rows:
            if r is not numrep_row:
                lines.append(f"- numrep contains_many is {r['hit_ns'] / numrep_row['hit_ns']:.1f}x faster than "
                             f"{r['library']} on hits and {r['miss_ns'] / numrep_row['miss_ns']:.1f}x on misses.")
        lines.append(f"- numrep measured FPR / ideal classic filter at the same bits/key: "
                     f"{numrep_row['fpr'] / ideal_fpr(numrep_row['bits_per_key']):.2f}x.")
    lines += ["", "numrep at other target FPRs (same keys):", "",
              "| target FPR | bits/key | measured FPR | ideal FPR | query ns/key (hits) | query ns/key (misses) |",
              "|---:|---:|---:|---:|---:|---:|"]
    for r in sweep:
        lines.append(f"| {r['target_fpr']} | {r['bits_per_key']:.2f} | {r['fpr'] * 100:.3f}% | "
                     f"{ideal_fpr(r['bits_per_key']) * 100:.3f}% | {r['hit_ns']:.1f} | {r['miss_ns']:.1f} |")
    lines += ["", f"Command: `{command}`", "", f"Machine: {bench_common.machine()}", "",
              f"Run: {bench_common.utc_now()} UTC", ""]
    return "\n".join(lines)


def write_plot(path: Path, rows: list[dict], sweep: list[dict]) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("compare_bloom: matplotlib not installed, no plot", file=sys.stderr)
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    sweep = sorted(sweep, key=lambda r: r["bits_per_key"])
    bpk = [r["bits_per_key"] for r in sweep]
    left.plot(bpk, [r["hit_ns"] for r in sweep], "o-", label="numrep contains_many (hits)")
    left.plot(bpk, [r["miss_ns"] for r in sweep], "o--", label="numrep contains_many (misses)")
    right.plot(bpk, [r["fpr"] for r in sweep], "o-", label="numrep measured")
    grid = np.linspace(min(bpk + [r["bits_per_key"] for r in rows]) * 0.95, max(bpk) * 1.05, 100)
    right.plot(grid, [ideal_fpr(b) for b in grid], ":", color="gray", label="ideal classic Bloom filter")
    for r, marker in zip([r for r in rows if r["library"] != "numrep"], "s^D"):
        left.plot([r["bits_per_key"]], [r["hit_ns"]], marker, markersize=9, label=f"{r['library']} (hits)")
        left.plot([r["bits_per_key"]], [r["miss_ns"]], marker, markersize=9, fillstyle="none", label=f"{r['library']} (misses)")
        right.plot([r["bits_per_key"]], [r["fpr"]], marker, markersize=9, label=r["library"])
    left.set(xlabel="bits per key", ylabel="ns per query", yscale="log", title="Query time from Python")
    right.set(xlabel="bits per key", ylabel="false-positive rate", yscale="log", title="Measured FPR")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000_000, help="keys inserted (default 10,000,000)")
    bench_common.add_smoke_and_output(parser, smoke_help="~50k keys, for CI: finishes in a few seconds",
                                      output_help="directory for bloom.md and bloom.png")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--keys", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fpr", type=float, default=0.01, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.keys, args.fpr)))
        return 0

    count = 50_000 if args.smoke else args.count
    misses = 100_000 if args.smoke else max(count, 1_000_000)
    sweep_fprs = (0.1, 0.01, 0.001) if args.smoke else SWEEP_FPRS
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        keys_file = Path(tmp) / "keys.npz"
        hits, other = make_keys(count, misses)
        np.savez(keys_file, hits=hits, misses=other)
        del hits, other
        rows = [r for r in (spawn(lib, keys_file, 0.01) for lib in LIBRARIES) if r is not None]
        sweep = [r for r in (spawn("numrep", keys_file, f) for f in sweep_fprs) if r is not None]
    if not any(r["library"] == "numrep" for r in rows):
        print("compare_bloom: numrep itself failed", file=sys.stderr)
        return 1
    for r in rows:
        print(f"{r['library']:>20}: {r['bits_per_key']:.2f} bits/key, FPR {r['fpr'] * 100:.3f}%, build {r['build_ns']:.1f} ns/key, "
              f"hits {r['hit_ns']:.1f} ns/key, misses {r['miss_ns']:.1f} ns/key, peak {r['peak_bytes'] / 2**20:.1f} MiB")
    text = markdown(rows, sweep, bench_common.command_line(__file__), count, misses)
    bench_common.write_result(args.output, "bloom.md", text)
    write_plot(args.output / "bloom.png", rows, sweep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
