#!/usr/bin/env python3
"""Exact sets of phone numbers from Python: numrep.TrieStore vs marisa-trie vs set / dict, in one run.

Keys: N distinct random valid Vietnamese mobile numbers, drawn uniformly from every mobile prefix of
numrep's built-in plan (found by asking the plan, NumberingPlan.vietnam().lookup_many, about every
5-digit national block), so U = the count of valid Vietnamese mobile numbers and the
information-theoretic bound for any exact set of N of them is log2 C(U, N) / N bits per key.
Misses are other valid mobile numbers, not in the set (the hard case: same digits, same prefixes).

How each structure is built and queried (batches from Python, as a user would):
  numrep.TrieStore  TrieStore.build(uint64 array), unsorted; contains_many(uint64 array) -> bool array;
                    a map built with uint16 values for get_many(uint64 array) -> (values, found);
                    count_prefix(int) in a Python loop.
  marisa_trie.Trie  Trie(list of decimal str); [k in trie for k in keys]; [trie.get(k) for k in keys]
                    (the key id, marisa's "value"); len(trie.keys(prefix_str)) for a prefix count
                    (marisa enumerates, it has no count).
  set / dict        set(list of int) / dict(zip(ints, values)); [k in s for k in keys];
                    [d.get(k) for k in keys]; no prefix query.
Space: numrep ts.bits_per_key (key structure; whole file in size_in_bytes); marisa the size of its
saved file; set / dict sys.getsizeof(container) + sys.getsizeof of every element (and of every
value for dict). Each structure runs in its own subprocess, whose RSS growth while building is
shown too. Times are medians of 3 repeats; lookups are timed on min(N, 1,000,000) hits and as many
misses.

    python benchmarks/compare_trie.py                  # 1M and 10M keys: writes benchmarks/results/trie.{md,png}
    python benchmarks/compare_trie.py --smoke          # ~50k keys, a few seconds
    python benchmarks/compare_trie.py --output DIR     # write the results elsewhere
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import tempfile
from pathlib import Path

import numpy as np

import bench_common

REPEATS = 3
STRUCTURES = ("numrep", "marisa", "set", "dict")
BLOCK = 10_000  # numbers per 5-digit national block (NSN of 9 digits)
PREFIXES = 10_000  # prefix queries timed


def mobile_blocks() -> np.ndarray:
    """First key of every 5-digit national block whose numbers are all valid VN mobile numbers."""
    import numrep

    plan = numrep.NumberingPlan.vietnam()
    mobile = numrep.TYPE_NAMES.index("mobile")
    first = np.arange(10_000, 100_000, dtype=np.uint64) * BLOCK + np.uint64(84 * 10**9)
    ok = np.ones(len(first), dtype=bool)
    for offset in (0, BLOCK // 2 + 17, BLOCK - 1):  # the rules are prefixes: both ends and a middle
        info = plan.lookup_many(first + np.uint64(offset))
        ok &= info["valid"] & (info["type"] == mobile)
    return first[ok]


def make_keys(blocks: np.ndarray, count: int, misses: int, seed: int = 20240601) -> tuple[np.ndarray, np.ndarray]:
    """`count` keys and `misses` other keys, distinct, uniform over the blocks, in random order."""
    rng = np.random.default_rng(seed)
    universe = len(blocks) * BLOCK
    need = count + misses
    index = np.unique(rng.integers(0, universe, size=int(need * 1.05) + 1000, dtype=np.uint64))
    while len(index) < need:  # pragma: no cover - only when the draw collides a lot
        index = np.unique(np.concatenate([index, rng.integers(0, universe, size=need, dtype=np.uint64)]))
    rng.shuffle(index)
    index = index[:need]
    keys = blocks[(index // BLOCK).astype(np.int64)] + index % np.uint64(BLOCK)
    return keys[:count].copy(), keys[count:].copy()


def bound_bits_per_key(universe: int, n: int) -> float:
    """log2 C(universe, n) / n."""
    if n <= 0 or universe <= n:
        return 0.0
    log_binomial = math.lgamma(universe + 1) - math.lgamma(n + 1) - math.lgamma(universe - n + 1)
    return log_binomial / math.log(2) / n


def rss_bytes() -> int:
    return bench_common.status_bytes("VmRSS") or 0


def median_seconds(fn, repeats: int = REPEATS) -> tuple[float, object]:
    return bench_common.median_seconds(fn, repeats)


# ---- worker: one structure in its own process ----

def run_worker(structure: str, keys_file: Path) -> dict:
    data = np.load(keys_file)
    keys, hits, misses, values, prefixes = data["keys"], data["hits"], data["misses"], data["values"], data["prefixes"]
    n = len(keys)
    result: dict = {"structure": structure, "keys": n, "hits": len(hits), "misses": len(misses)}
    prefix_ints = prefixes.tolist()

    if structure == "numrep":
        import numrep

        result["version"] = numrep.__version__
        rss = rss_bytes()
        first = numrep.TrieStore.build(keys)
        result["rss_bytes"] = rss_bytes() - rss
        del first
        build_s, ts = median_seconds(lambda: numrep.TrieStore.build(keys))
        _, tm = median_seconds(lambda: numrep.TrieStore.build(keys, values), repeats=1)
        result["build_ns"] = build_s / n * 1e9
        result["bits_per_key"] = ts.bits_per_key
        result["file_bits_per_key"] = ts.size_in_bytes * 8 / n
        result["map_bits_per_key"] = tm.size_in_bytes * 8 / n
        hit_s, found = median_seconds(lambda: ts.contains_many(hits))
        miss_s, false_hits = median_seconds(lambda: ts.contains_many(misses))
        get_s, (got, got_found) = median_seconds(lambda: tm.get_many(hits))
        get_miss_s, _ = median_seconds(lambda: tm.get_many(misses))
        assert found.all() and not false_hits.any() and got_found.all()
        expected = dict(zip(keys[:1000].tolist(), values[:1000].tolist()))
        assert all(tm.get(k) == v for k, v in expected.items())
        prefix_s, counts = median_seconds(lambda: [ts.count_prefix(p) for p in prefix_ints])
        short = sorted({p // 1000 for p in prefix_ints})  # 4-digit prefixes: ~1000x more keys under each
        short_s, _ = median_seconds(lambda: [ts.count_prefix(p) for p in short])
        result["prefix_short_ns"] = short_s / len(short) * 1e9
        result["method"] = "build(uint64 array); contains_many / get_many(uint64 array); count_prefix(int)"
    elif structure == "marisa":
        import marisa_trie

        from importlib.metadata import version

        result["version"] = version("marisa-trie")
        texts = [str(k) for k in keys.tolist()]
        hit_texts = [str(k) for k in hits.tolist()]
        miss_texts = [str(k) for k in misses.tolist()]
        rss = rss_bytes()
        first = marisa_trie.Trie(texts)
        result["rss_bytes"] = rss_bytes() - rss
        del first
        build_s, trie = median_seconds(lambda: marisa_trie.Trie(texts))
        result["build_ns"] = build_s / n * 1e9
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "keys.marisa"
            trie.save(str(path))
            result["bits_per_key"] = path.stat().st_size * 8 / n
        result["file_bits_per_key"] = result["bits_per_key"]
        hit_s, found = median_seconds(lambda: [k in trie for k in hit_texts])
        miss_s, false_hits = median_seconds(lambda: [k in trie for k in miss_texts])
        get_s, got = median_seconds(lambda: [trie.get(k) for k in hit_texts])
        get_miss_s, _ = median_seconds(lambda: [trie.get(k) for k in miss_texts])
        assert all(found) and not any(false_hits) and None not in got
        prefix_texts = [str(p) for p in prefix_ints]
        prefix_s, counts = median_seconds(lambda: [len(trie.keys(p)) for p in prefix_texts])
        result["method"] = "Trie(list of str); [k in t for k in keys]; [t.get(k) for k in keys]; len(t.keys(prefix))"
    elif structure in ("set", "dict"):
        key_list = keys.tolist()
        hit_list, miss_list = hits.tolist(), misses.tolist()
        value_list = values.tolist()
        rss = rss_bytes()
        first = set(key_list) if structure == "set" else dict(zip(key_list, value_list))
        result["rss_bytes"] = rss_bytes() - rss
        del first
        if structure == "set":
            build_s, s = median_seconds(lambda: set(key_list))
            size = sys.getsizeof(s) + sum(map(sys.getsizeof, s))
            hit_s, found = median_seconds(lambda: [k in s for k in hit_list])
            miss_s, false_hits = median_seconds(lambda: [k in s for k in miss_list])
            get_s = get_miss_s = None
            result["method"] = "set(list of int); [k in s for k in keys]"
        else:
            build_s, s = median_seconds(lambda: dict(zip(key_list, value_list)))
            size = sys.getsizeof(s) + sum(map(sys.getsizeof, s)) + sum(map(sys.getsizeof, s.values()))
            hit_s, found = median_seconds(lambda: [k in s for k in hit_list])
            miss_s, false_hits = median_seconds(lambda: [k in s for k in miss_list])
            get_s, got = median_seconds(lambda: [s.get(k) for k in hit_list])
            get_miss_s, _ = median_seconds(lambda: [s.get(k) for k in miss_list])
            result["method"] = "dict(zip(ints, values)); [k in d for k in keys]; [d.get(k) for k in keys]"
        assert all(found) and not any(false_hits)
        result["build_ns"] = build_s / n * 1e9
        result["bits_per_key"] = result["file_bits_per_key"] = size * 8 / n
        prefix_s, counts = None, None
        result["version"] = platform.python_version()
    else:
        raise SystemExit(f"compare_trie: unknown structure {structure!r}")

    result["hit_ns"] = hit_s / len(hits) * 1e9
    result["miss_ns"] = miss_s / len(misses) * 1e9
    result["get_ns"] = None if get_s is None else get_s / len(hits) * 1e9
    result["get_miss_ns"] = None if get_miss_s is None else get_miss_s / len(misses) * 1e9
    result["prefix_ns"] = None if prefix_s is None else prefix_s / len(prefix_ints) * 1e9
    result["prefix_counts"] = None if counts is None else int(sum(counts))
    return result


# ---- driver ----

def spawn(structure: str, keys_file: Path) -> dict | None:
    return bench_common.spawn_worker(__file__, ["--worker", structure, "--keys", str(keys_file)], f"compare_trie: {structure}")


NAMES = {"numrep": "numrep.TrieStore", "marisa": "marisa_trie.Trie", "set": "Python set", "dict": "Python dict"}


def cell(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def markdown(runs: list[dict], universe: int, blocks: int, command: str) -> str:
    lines = [
        "# Exact sets of phone numbers from Python: numrep.TrieStore vs marisa-trie vs set / dict",
        "",
        f"Keys: N distinct random valid Vietnamese mobile numbers, uniform over every mobile prefix of numrep's "
        f"built-in plan ({blocks:,} blocks of {BLOCK:,} numbers: U = {universe:,} valid mobile numbers). "
        "Hits: min(N, 1M) of the keys; misses: as many other valid mobile numbers. Medians of "
        f"{REPEATS} repeats, each structure in its own process. ns are per key from Python, batch calls as "
        "described below the tables. bits/key: numrep the key structure (ts.bits_per_key; the whole file, header "
        "and tables included, in brackets); marisa its saved file; set / dict sys.getsizeof of the container and "
        "of every element (and value). RSS: growth of the process while building the first instance.",
        "",
    ]
    for run in runs:
        n, bound = run["keys"], run["bound"]
        lines += [
            f"## N = {n:,}: information-theoretic bound log2 C(U, N) / N = {bound:.2f} bits/key",
            "",
            "| structure | bits/key | x bound | build ns/key | contains ns/key (hits) | contains ns/key (misses) "
            "| get ns/key (hits) | get ns/key (misses) | prefix count ns | RSS growth |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in run["rows"]:
            bits = f"{r['bits_per_key']:.2f}"
            if r["structure"] == "numrep":
                bits += f" ({r['file_bits_per_key']:.2f})"
            lines.append(
                f"| {NAMES[r['structure']]} {r['version']} | {bits} | {r['bits_per_key'] / bound:.2f} | "
                f"{cell(r['build_ns'])} | {cell(r['hit_ns'])} | {cell(r['miss_ns'])} | {cell(r['get_ns'])} | "
                f"{cell(r['get_miss_ns'])} | {cell(r['prefix_ns'])} | {r['rss_bytes'] / 2**20:,.1f} MiB |")
        numrep_row = next((r for r in run["rows"] if r["structure"] == "numrep"), None)
        if numrep_row:
            lines += ["", f"- numrep count_prefix on 7-digit prefixes (~{numrep_row['prefix_counts'] / PREFIXES:,.0f} keys "
                      f"under each): {numrep_row['prefix_ns']:,.0f} ns; on 4-digit prefixes (~1000x more keys): "
                      f"{numrep_row['prefix_short_ns']:,.0f} ns. The map (uint16 values) used for get_many: "
                      f"{numrep_row['map_bits_per_key']:.2f} bits/key in all."]
            for r in run["rows"]:
                if r is not numrep_row:
                    lines.append(f"- {NAMES[r['structure']]} takes {r['bits_per_key'] / numrep_row['bits_per_key']:.1f}x "
                                 f"numrep's space and {r['hit_ns'] / numrep_row['hit_ns']:.1f}x (hits) / "
                                 f"{r['miss_ns'] / numrep_row['miss_ns']:.1f}x (misses) its time per membership test"
                                 + (f", {r['prefix_ns'] / numrep_row['prefix_ns']:.1f}x its time per prefix count"
                                    if r["prefix_ns"] else "") + ".")
        lines.append("")
    lines += ["How each is called:", ""]
    for r in runs[-1]["rows"]:
        lines.append(f"- {NAMES[r['structure']]}: `{r['method']}`")
    lines += ["", f"Command: `{command}`", "", f"Machine: {bench_common.machine()} at the end "
              "(a loaded machine inflates every time above, the pure-Python loops most)", "",
              f"Run: {bench_common.utc_now()} UTC", ""]
    return "\n".join(lines)


def write_plot(path: Path, runs: list[dict]) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("compare_trie: matplotlib not installed, no plot", file=sys.stderr)
        return False
    fig, ax = plt.subplots(figsize=(8, 5))
    markers = {"numrep": "o", "marisa": "s", "set": "^", "dict": "D"}
    colors = {"numrep": "C0", "marisa": "C1", "set": "C2", "dict": "C3"}
    fills = ["full", "none", "left", "right"]
    for run, fill in zip(runs, fills):
        label_n = f"{run['keys']:,}"
        for r in run["rows"]:
            s = r["structure"]
            ax.plot([r["bits_per_key"]], [r["hit_ns"]], markers[s], color=colors[s], markersize=9, fillstyle=fill,
                    label=f"{NAMES[s]}, N={label_n}")
        ax.axvline(run["bound"], color="gray", linestyle=":" if fill == "full" else "--", linewidth=1,
                   label=f"bound log2 C(U,N)/N, N={label_n}")
    ax.set(xscale="log", yscale="log", xlabel="bits per key (log)", ylabel="ns per lookup from Python, hits (log)",
           title="Exact membership of VN mobile numbers: space vs lookup time")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000], help="key counts (default 1M 10M)")
    bench_common.add_smoke_and_output(parser, smoke_help="~50k keys, for CI: finishes in a few seconds",
                                      output_help="directory for trie.md and trie.png")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--keys", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.keys)))
        return 0

    sizes = [50_000] if args.smoke else args.sizes
    blocks = mobile_blocks()
    universe = len(blocks) * BLOCK
    print(f"valid Vietnamese mobile numbers in the plan: U = {universe:,} ({len(blocks):,} blocks of {BLOCK:,})")
    args.output.mkdir(parents=True, exist_ok=True)
    runs = []
    for n in sizes:
        queries = min(n, 1_000_000)
        keys, misses = make_keys(blocks, n, queries)
        rng = np.random.default_rng(n)
        hits = keys[rng.integers(0, n, size=queries)]
        values = rng.integers(0, 2**16, size=n, dtype=np.uint16)
        prefixes = np.unique(keys[rng.integers(0, n, size=PREFIXES)] // np.uint64(10_000))  # 7 digits: 84 + 5
        prefixes = np.resize(prefixes, PREFIXES)
        bound = bound_bits_per_key(universe, n)
        print(f"N = {n:,}: bound log2 C(U, N) / N = {bound:.2f} bits/key")
        with tempfile.TemporaryDirectory() as tmp:
            keys_file = Path(tmp) / "keys.npz"
            np.savez(keys_file, keys=keys, hits=hits, misses=misses, values=values, prefixes=prefixes)
            del keys, misses, hits, values
            rows = [r for r in (spawn(s, keys_file) for s in STRUCTURES) if r is not None]
        if not any(r["structure"] == "numrep" for r in rows):
            print("compare_trie: numrep itself failed", file=sys.stderr)
            return 1
        for r in rows:
            print(f"  {NAMES[r['structure']]:>17}: {r['bits_per_key']:7.2f} bits/key ({r['bits_per_key'] / bound:.2f}x bound), "
                  f"build {r['build_ns']:7.1f} ns/key, contains {r['hit_ns']:6.1f} / {r['miss_ns']:6.1f} ns/key (hit/miss), "
                  f"get {cell(r['get_ns'])} ns/key, prefix count {cell(r['prefix_ns'], 0)} ns")
        runs.append({"keys": n, "bound": bound, "rows": rows})
    text = markdown(runs, universe, len(blocks), bench_common.command_line(__file__))
    bench_common.write_result(args.output, "trie.md", text)
    write_plot(args.output / "trie.png", runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
