#!/usr/bin/env python3
"""numrep at scale (issue 11): Dask builds against a single-process build, and the report.

Dask: ROWS reports (Parquet files, row groups of 250k rows: one partition each) built into a
database by numrep.dask.build on a LocalCluster of 1 and then 2 worker processes
(threads_per_worker=1), and by ReputationDB.build in this process, interleaved round by round:
rows/s, medians. Also the partial records a Dask build moves (8-byte key + 52-byte record per
distinct number per partition), counted from the data.

With --cpp-results DIR (the JSON that benchmarks/bench_scale wrote: build-*.json, check.json), the
report also holds the single-machine builds and checks, the plot (scale.png) and the projection
to a 16-node cluster from the measured figures.

    python benchmarks/compare_scale.py --data /data/scale --cpp-results /data/scale   # -> results/scale.md
    python benchmarks/compare_scale.py --smoke --output DIR                           # 100k rows, seconds
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bench_common
import numpy as np

ROW_GROUP = 250_000
RECORD_BYTES = 8 + 52  # what a partition hands on per distinct number: key + packed record
CATEGORIES = ["scam", "spam", "telemarketing", "robocall", "impersonation", "debt collection", "silent", "other"]
T0 = 1_735_689_600  # 2025-01-01


def allocated_ranges() -> tuple[np.ndarray, np.ndarray]:
    """(first key, count) of the ranges bench_scale draws from: VN mobile, 10 US area codes, TH 08."""
    vn = [32, 33, 34, 35, 36, 37, 38, 39, 86, 96, 97, 98, 31, 81, 82, 83, 84, 85, 88, 91, 94, 87, 70, 76, 77, 78, 79,
          89, 90, 93, 30, 51, 52, 56, 58, 92, 59, 99, 55, 95]
    firsts = [(8400 + p) * 10**7 for p in vn] + [(1000 + a) * 10**7 + 2 * 10**6 for a in
                                                 (201, 212, 213, 305, 312, 415, 646, 702, 713, 917)] + [668 * 10**8]
    counts = [10**7] * len(vn) + [8 * 10**6] * 10 + [10**8]
    return np.array(firsts, dtype=np.uint64), np.array(counts, dtype=np.uint64)


def make_parquet(directory: Path, rows: int, files: int, seed: int = 11) -> dict:
    """`rows` reports about rows/1.3 distinct numbers (each at least once; the rest repeats of
    random ones), shuffled, in `files` Parquet files; returns the data's counts."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    firsts, counts = allocated_ranges()
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.uint64)
    numbers = int(rows / 1.3)
    index = np.unique(rng.integers(0, int(counts.sum()), size=int(numbers * 1.02) + 100, dtype=np.uint64))
    index = rng.permutation(index)[:numbers]
    at = np.searchsorted(starts, index, side="right") - 1
    keys = firsts[at] + (index - starts[at])
    row_keys = np.concatenate([keys, keys[rng.integers(0, numbers, size=rows - numbers)]])
    row_keys = row_keys[rng.permutation(rows)]
    directory.mkdir(parents=True, exist_ok=True)
    per_file = -(-rows // files)
    paths, partial_numbers = [], 0
    for f in range(files):
        part = row_keys[f * per_file:(f + 1) * per_file]
        n = len(part)
        for g in range(0, n, ROW_GROUP):
            partial_numbers += len(np.unique(part[g:g + ROW_GROUP]))
        frame = pd.DataFrame({
            "number": pd.Series(part).map("+{}".format),
            "time": T0 + rng.integers(0, 180 * 86400, size=n),
            "category": np.array(CATEGORIES, dtype=object)[rng.integers(0, len(CATEGORIES), size=n)],
            "source": pd.Series(rng.integers(1, 5001, size=n)).map("src-{}".format),
        })
        path = directory / f"reports-{f:03d}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=ROW_GROUP)
        paths.append(str(path))
    return {"rows": rows, "numbers": numbers, "files": paths, "partitions": -(-per_file // ROW_GROUP) * files,
            "partial_numbers": partial_numbers}


def dask_figures(data: dict, out: Path, rounds: int, memory: str, tasks: int, processes: bool = True) -> dict:
    """rows/s of ReputationDB.build and numrep.dask.build on 1 and 2 workers, interleaved by round.
    processes=False (the smoke run) puts the workers in this process: the same calls, started in
    a fraction of the time, but no figure to quote."""
    from distributed import Client, LocalCluster

    import numrep
    import numrep.dask

    clusters = {}
    for workers in (1, 2):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                               dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
                               silence_logs=logging.CRITICAL)
        clusters[workers] = (cluster, Client(cluster, set_as_default=False))
    seconds: dict[str, list[float]] = {"single": [], "dask1": [], "dask2": []}
    sizes = {}
    try:
        for r in range(rounds):
            order = ["single", "dask1", "dask2"]
            if r % 2:
                order.reverse()
            for name in order:
                target = out / f"db-{name}"
                shutil.rmtree(target, ignore_errors=True)
                start = time.perf_counter()
                if name == "single":
                    db = numrep.ReputationDB.build(data["files"], target, memory=memory)
                else:
                    db = numrep.dask.build(data["files"], target, client=clusters[int(name[-1])][1])
                seconds[name].append(time.perf_counter() - start)
                sizes[name] = (len(db), db.shard_count)
                if len(db) != data["numbers"]:
                    raise SystemExit(f"compare_scale: {name} built {len(db)} numbers, not {data['numbers']}")
                del db
                print(f"round {r + 1}: {name} {seconds[name][-1]:.1f} s", flush=True)
        # The scheduler's cost of one small task (numrep.dask.build submits a few per partition and
        # per shard): `tasks` no-op tasks on the 2-worker cluster, median of 3.
        client = clusters[2][1]
        task_seconds = []
        for r in range(3):
            start = time.perf_counter()
            client.gather([client.submit(_noop, i, r, pure=False) for i in range(tasks)])
            task_seconds.append((time.perf_counter() - start) / tasks)
    finally:
        for cluster, client in clusters.values():
            client.close()
            cluster.close()
    return {"seconds": seconds, "shards": {k: v[1] for k, v in sizes.items()}, "rounds": rounds, "memory": memory,
            "task_seconds": statistics.median(task_seconds), "processes": processes}


def _noop(i: int, r: int) -> int:
    return i + r


def phase_figures(data: dict, out: Path) -> dict:
    """The two halves of a Dask build, timed on one core in this process with numrep.dask's own
    task functions: every partition's records (read a row group, parse, one record per number),
    then one shard of all numbers from all the pieces (merge, trie, Bloom filter, write)."""
    import pyarrow.parquet as pq

    import numrep.dask as nd
    from numrep import _core
    from numrep.reputation import _UNSET

    columns = {"number": "number", "time": "time", "category": "category", "source": _UNSET, "not_spam": _UNSET,
               "region": _core.DEFAULT_REGION, "default_time": None}
    start = time.perf_counter()
    parts = []
    for file in data["files"]:
        first = 0
        meta = pq.ParquetFile(file).metadata
        for g in range(meta.num_row_groups):
            parts.append(nd._parquet_records(file, g, first, columns, 90.0))
            first += meta.row_group(g).num_rows
    map_seconds = time.perf_counter() - start
    target = out / "db-phases"
    shutil.rmtree(target, ignore_errors=True)
    publication = _core._Publication(str(target), 90.0, 0.001, parts[0][3])
    try:
        start = time.perf_counter()
        entry = _core._write_shard(str(target), publication.generation, 0, 0, 2**64 - 1, [p[:2] for p in parts], 90.0,
                                0.001)
        shard_seconds = time.perf_counter() - start
        publication.commit([entry])
    finally:
        publication.close()
    return {"map_seconds": map_seconds, "shard_seconds": shard_seconds}


# ---------------------------------------------------------------------------------------- report

def load_cpp(directory: Path) -> tuple[list[dict], dict | None]:
    builds = sorted((json.loads(p.read_text()) for p in directory.glob("build-*.json") if p.stat().st_size),
                    key=lambda b: b["numbers"])
    check = directory / "check.json"
    return builds, (json.loads(check.read_text()) if check.is_file() and check.stat().st_size else None)


def millions(n: float) -> str:
    return f"{n / 1e9:g}B" if n >= 1e9 else f"{n / 1e6:g}M"


def plot(builds: list[dict], check: dict | None, projected: dict | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    n = [x["numbers"] for x in builds]
    a.plot(n, [x["wall_seconds"] / 60 for x in builds], "o-", label="build wall time (min)")
    a.plot(n, [x["peak_rss_bytes"] / 2**30 for x in builds], "s-", label="peak RSS (GiB)")
    a.plot(n, [(x["trie_bytes"] + x["bloom_bytes"]) / 2**30 for x in builds], "^-", label="database on disk (GiB)")
    if projected:
        a.plot([n[-1], projected["numbers"]], [builds[-1]["wall_seconds"] / 60, projected["wall_seconds"] / 60], "o--",
               color="C0", alpha=0.5, label="projected, CPU time (not run)")
        a.plot([n[-1], projected["numbers"]], [(builds[-1]["trie_bytes"] + builds[-1]["bloom_bytes"]) / 2**30,
                                                projected["db_bytes"] / 2**30], "^--", color="C2", alpha=0.5)
    a.axhline(builds[0]["memory_budget"] / 2**30, color="C1", ls=":", lw=1, label="memory budget (GiB)")
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_xlabel("distinct numbers")
    a.set_title(f"database_builder, --memory {builds[0]['memory_budget'] / 2**30:g}G")
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    if check:
        dbs = check["databases"]
        x = [d["numbers"] for d in dbs]
        for key, label, style in (("single_reported_ns", "check(), reported", "o-"),
                                  ("batch_reported_ns", "check_each, reported", "s-"),
                                  ("single_unreported_ns", "check(), never reported", "o:"),
                                  ("batch_unreported_ns", "check_each, never reported", "s:")):
            b.plot(x, [d[key + "_median"] for d in dbs], style, label=label)
        gib = check["array_bytes"] / 2**30
        b.axhline(check["memory_dependent_ns_median"], color="grey", ls="--", lw=1,
                  label=f"1 dependent random read, {gib:g} GiB array")
        b.axhline(check["memory_independent_ns_median"], color="grey", ls="-.", lw=1,
                  label=f"1 independent random read, {gib:g} GiB array")
        b.set_xscale("log")
        b.set_xlabel("distinct numbers in the database")
        b.set_ylabel("ns per number (median)")
        b.set_title("check latency, same process, interleaved")
        b.legend(fontsize=7)
        b.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


def projection(builds: list[dict]) -> dict | None:
    """1B numbers from the two largest builds, by CPU seconds (user + sys: the wall times here
    swing with the other work on the machine; the build is single-threaded, so on a quiet machine
    its wall time is about its CPU time). CPU per number grows from one build to the next (more
    runs to merge); assume it grows as much again per the same factor of size. Disk: the runs hold
    every number (60 bytes, more for numbers in several runs) until the end, beside the database."""
    if len(builds) < 2:
        return None
    a, b = builds[-2], builds[-1]
    target = 1_000_000_000
    cpu = [(x["user_seconds"] + x["sys_seconds"]) / x["numbers"] for x in (a, b)]
    growth = max(1.0, cpu[1] / cpu[0]) ** (np.log(target / b["numbers"]) / np.log(b["numbers"] / a["numbers"]))
    db_per_number = (b["trie_bytes"] + b["bloom_bytes"]) / b["numbers"]
    runs_per_number = b["spilled_bytes"] / b["numbers"]
    return {"numbers": target, "wall_seconds": cpu[1] * growth * target, "db_bytes": db_per_number * target,
            "spilled_bytes": runs_per_number * target, "peak_disk_bytes": (db_per_number + runs_per_number) * target,
            "runs": int(np.ceil(b["runs"] * target / b["numbers"]))}


def gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB"


# The cluster of the projection (assumptions, not measurements).
NODES, CORES_PER_NODE, NIC_BYTES_PER_S = 16, 8, 10e9 / 8
CLUSTER_NUMBERS = 1_000_000_000
NUMBERS_PER_SHARD = 16_000_000  # numrep.dask's default aim


def cluster_lines(dask: dict, builds: list[dict]) -> list[str]:
    """A 16-node projection from the measured per-core rates, with the arithmetic shown."""
    rows = CLUSTER_NUMBERS * dask["rows"] / dask["numbers"]
    workers = NODES * CORES_PER_NODE
    map_rate = dask["rows"] / dask["phases"]["map_seconds"]
    shard_rate = dask["numbers"] / dask["phases"]["shard_seconds"]
    per_row = dask["partial_numbers"] * RECORD_BYTES / dask["rows"]
    rows_per_partition = dask["rows"] / dask["partitions"]
    partitions = rows / rows_per_partition
    partial = rows * per_row
    # numrep.dask.build: shards = max(workers, partial numbers / 16M); per partition a read, a summary, a
    # frame and a shuffle transfer task; per shard a shuffle unpack and a write task; one shuffle barrier.
    shards = max(workers, int(np.ceil(partial / RECORD_BYTES / NUMBERS_PER_SHARD)))
    tasks = 4 * partitions + 2 * shards + 1
    map_s = rows / workers / map_rate
    net_s = partial / NODES * (NODES - 1) / NODES / NIC_BYTES_PER_S
    waves = int(np.ceil(shards / workers))
    shard_s = waves * (CLUSTER_NUMBERS / shards) / shard_rate
    sched_s = tasks * dask["task_seconds"]
    lines = [
        "## Projection: a 16-node cluster", "",
        f"Assumed: {NODES} nodes of {CORES_PER_NODE} cores, one worker process per core ({workers} workers, "
        f"threads_per_worker=1), each core as fast as one here; {NIC_BYTES_PER_S * 8 / 1e9:g} Gbit/s per node; "
        f"{CLUSTER_NUMBERS / 1e9:g}B numbers in {rows / 1e9:.2f}B rows (this run's "
        f"{dask['rows'] / dask['numbers']:.2f} rows per number), Parquet row groups of {rows_per_partition:,.0f} "
        "rows as here. Measured here, on one core "
        "in one process, with numrep.dask's own task functions on this run's data: the map side (read a row group, "
        f"parse, one record per number) {map_rate / 1e6:.2f} M rows/s; the shard side (merge the pieces, trie, Bloom "
        f"filter, write) {shard_rate / 1e6:.2f} M numbers/s; the scheduler's cost of one small task "
        f"{dask['task_seconds'] * 1e3:.2f} ms (no-op tasks on the 2-worker LocalCluster, on this loaded 2-core "
        "machine; a dedicated scheduler core does better).", "",
        "| step | arithmetic | time |",
        "|---|---|---:|",
        f"| map: every partition's records | {rows / 1e9:.2f}B rows / {workers} workers / "
        f"{map_rate / 1e6:.2f} M rows/s | {map_s:.0f} s |",
        f"| shuffle: partial records to their shard's worker | {rows / 1e9:.2f}B rows x {per_row:.1f} B/row = "
        f"{partial / 1e9:.0f} GB; {(NODES - 1)}/{NODES} of each node's {partial / NODES / 1e9:.1f} GB leaves it, at "
        f"{NIC_BYTES_PER_S / 1e9:.2f} GB/s | {net_s:.0f} s |",
        f"| shards: {shards} (max(workers, numbers/16M)), {waves} wave(s) of {workers} | "
        f"{CLUSTER_NUMBERS / shards / 1e6:.1f}M numbers per shard / {shard_rate / 1e6:.2f} M numbers/s | "
        f"{shard_s:.0f} s |",
        f"| scheduler: {partitions:,.0f} partitions x 4 tasks (read, summary, frame, shuffle transfer) + {shards} "
        f"shards x 2 (shuffle unpack, write) + 1 = {tasks:,.0f} tasks | x {dask['task_seconds'] * 1e3:.2f} ms, one "
        f"scheduler process | {sched_s:.0f} s |",
        "",
        f"Partial records held in the workers' memory until the last shard is written: {partial / NODES / 2**30:.1f} "
        f"GiB per node (the build keeps every partition's records as futures until it ends).",
    ]
    if builds:
        b = builds[-1]
        lines += ["", f"For comparison, one machine (this one, one core for the build): the {millions(b['numbers'])} "
                  f"build took {b['wall_seconds']:.0f} s, {b['wall_seconds'] / b['numbers'] * 1e9:.0f} ns per number "
                  f"end to end in C++; its merge + shards part ran at {b['numbers'] / b['finish_seconds'] / 1e6:.2f} M "
                  "numbers/s."]
    return lines


def markdown(dask: dict, builds: list[dict], check: dict | None, projected: dict | None, commands: str) -> str:
    import numrep

    lines = ["# numrep at scale: sharded builds, checks on big databases, Dask", "",
             f"numrep {numrep.__version__}. Issue 11.", ""]
    if builds:
        lines += [
            "## Single machine: numrep::database_builder", "",
            "Synthetic reports: keys drawn uniformly without repetition from allocated ranges (40 Vietnamese "
            "2-digit mobile prefixes, 400M numbers; 10 US area codes, 80M; Thai mobile 08, 100M: 580M in all, 69% "
            "Vietnamese), about 1.3 reports per number (a new number, or with probability 3/13 a repeat of one "
            "seen before), times rising over 180 days, 8 categories, 5,000 sources, 2% not-spam votes. Each size "
            "in its own process; peak RSS is getrusage's ru_maxrss of that process.", "",
            "| numbers | reports | budget | wall | of which reading reports | of which merge + shards | CPU (user+sys) "
            "| peak RSS | runs spilled | spilled | shards | trie B/number | Bloom B/number |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for x in builds:
            n = x["numbers"]
            lines.append(
                f"| {millions(n)} | {x['reports'] / 1e6:.1f}M | {x['memory_budget'] / 2**30:g} GiB | "
                f"{x['wall_seconds']:.0f} s | {x['add_seconds']:.0f} s | {x['finish_seconds']:.0f} s | "
                f"{x['user_seconds'] + x['sys_seconds']:.0f} s | {gib(x['peak_rss_bytes'])} | {x['runs']} | "
                f"{gib(x['spilled_bytes'])} | {x['shards']} | {x['trie_bytes'] / n:.2f} | {x['bloom_bytes'] / n:.2f} |")
        lines.append("")
    if projected:
        lines += [
            f"1B numbers (projected, not run): about {projected['wall_seconds'] / 3600:.1f} h of CPU (from the CPU "
            "seconds per number of the two largest builds), "
            f"{projected['runs']} runs, "
            f"{gib(projected['spilled_bytes'])} of runs plus {gib(projected['db_bytes'])} of database on disk at once "
            f"(the runs are removed only after the last shard is written): {gib(projected['peak_disk_bytes'])}, more "
            "than the ~70 GB free here.", ""]
    if check:
        dbs = check["databases"]
        base = dbs[0]
        lines += [
            "## Check latency on the big databases", "",
            f"One process opens every database (verify::full, which reads every byte through the mapping, so the "
            f"pages are resident and mapped before timing), then {check['rounds']} timed rounds after an untimed "
            f"one; each round checks {check['keys_per_round']:,} random reported and {check['keys_per_round']:,} "
            "never-reported numbers on each database in turn (order alternating by round), with check() one at a "
            "time and check_each in batches of 1024, and then reads the reference array. Medians over rounds; "
            f"ratios are per round, against the {millions(base['numbers'])} database, then the median.", "",
            "| database | shards | on disk | check() reported | check_each reported | check() never reported "
            "| check_each never reported |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        keys = ("single_reported_ns", "batch_reported_ns", "single_unreported_ns", "batch_unreported_ns")
        for d in dbs:
            cells = []
            for k in keys:
                ratio = statistics.median(x / y for x, y in zip(d[k], base[k]))
                cells.append(f"{d[k + '_median']:.0f} ns" + ("" if d is base else f" ({ratio:.2f}x)"))
            lines.append(f"| {millions(d['numbers'])} | {d['shards']} | {gib(d['trie_bytes'] + d['bloom_bytes'])} | "
                         + " | ".join(cells) + " |")
        lines += [
            f"| reference: one random 8-byte read in a {check['array_bytes'] / 2**30:g} GiB array | | | "
            f"{check['memory_dependent_ns_median']:.0f} ns (dependent) | "
            f"{check['memory_independent_ns_median']:.0f} ns (independent) | "
            f"{check['memory_dependent_ns_median']:.0f} ns (dependent) | "
            f"{check['memory_independent_ns_median']:.0f} ns (independent) |", ""]
    s = dask["seconds"]
    med = {k: statistics.median(v) for k, v in s.items()}
    rate = {k: dask["rows"] / v for k, v in med.items()}
    lines += [
        "## Dask: numrep.dask.build against ReputationDB.build", "",
        f"{dask['rows']:,} reports about {dask['numbers']:,} numbers (same generator shape: uniform keys from the "
        f"same ranges, ~1.3 reports each, shuffled), in {dask['files']} Parquet files of row groups of "
        f"{ROW_GROUP:,} rows: {dask['partitions']} partitions. Numbers as E.164 strings (\"+84...\"), times as unix "
        "seconds, categories and sources as strings. LocalCluster(n_workers=1 or 2, threads_per_worker=1, "
        f"processes={dask.get('processes', True)}); ReputationDB.build(files, path, memory=\"{dask['memory']}\") "
        "in the client process. "
        f"{dask['rounds']} rounds, each running the three in turn (order alternating); medians. Cluster start-up is "
        "not timed; reading the Parquet files is (all three read the same files, from the page cache).", "",
        "| build | median wall | rows/s | vs single process | shards |",
        "|---|---:|---:|---:|---:|",
        f"| ReputationDB.build, one process | {med['single']:.1f} s | {rate['single'] / 1e6:.2f} M | 1.00x | "
        f"{dask['shards']['single']} |",
        f"| numrep.dask.build, 1 worker | {med['dask1']:.1f} s | {rate['dask1'] / 1e6:.2f} M | "
        f"{rate['dask1'] / rate['single']:.2f}x | {dask['shards']['dask1']} |",
        f"| numrep.dask.build, 2 workers | {med['dask2']:.1f} s | {rate['dask2'] / 1e6:.2f} M | "
        f"{rate['dask2'] / rate['single']:.2f}x | {dask['shards']['dask2']} |", "",
        "Every round: " + "; ".join(f"{k} " + ", ".join(f"{x:.1f}" for x in v) + " s" for k, v in s.items()) + ".", "",
        f"Partial records the Dask build hands from partitions to shards: {dask['partial_numbers']:,} (numbers "
        f"counted once per partition), x {RECORD_BYTES} bytes = "
        f"{dask['partial_numbers'] * RECORD_BYTES / 2**20:.0f} MiB, "
        f"{dask['partial_numbers'] * RECORD_BYTES / dask['rows']:.1f} bytes per row.", "",
        f"Command: `{dask['command']}`", "", f"Machine (Dask run): {dask['machine']}", "",
    ]
    if "phases" in dask:
        lines += [*cluster_lines(dask, builds), ""]
    if commands:
        lines += ["## Commands", "", "```", commands.strip(), "```", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=12_000_000, help="reports for the Dask comparison (12M)")
    parser.add_argument("--files", type=int, default=12, help="Parquet files to write them into (12)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three builds (3)")
    parser.add_argument("--memory", default="4G", help="ReputationDB.build's memory budget (4G)")
    parser.add_argument("--data", type=Path, default=None, help="where the Parquet files and databases go "
                        "(default: a temporary directory)")
    parser.add_argument("--cpp-results", type=Path, default=None, help="bench_scale's JSON files (build-*.json, "
                        "check.json)")
    parser.add_argument("--cpp-commands", type=Path, default=None, help="a file with the commands that made them")
    parser.add_argument("--dask-json", type=Path, default=None, help="reuse the Dask figures saved by an earlier run")
    bench_common.add_smoke_and_output(parser, smoke_help="100k rows in 2 files, one round, workers as threads: seconds",
                                      output_help="directory for scale.md and scale.png")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.files, args.rounds = 100_000, 2, 1

    if args.dask_json:
        dask = json.loads(args.dask_json.read_text())
    else:
        with tempfile.TemporaryDirectory(prefix="numrep-scale-", dir=args.data) as tmp:
            start = time.perf_counter()
            data = make_parquet(Path(tmp) / "parquet", args.rows, args.files)
            print(f"wrote {args.rows:,} rows about {data['numbers']:,} numbers in {time.perf_counter() - start:.0f} s")
            dask = dask_figures(data, Path(tmp), args.rounds, args.memory, 100 if args.smoke else 2000,
                                processes=not args.smoke)
            dask["phases"] = phase_figures(data, Path(tmp))
            print(f"phases: {dask['phases']}")
            dask.update({k: data[k] for k in ("rows", "numbers", "partitions", "partial_numbers")})
            dask["files"] = args.files
            dask["machine"] = bench_common.machine()
            dask["command"] = bench_common.command_line(__file__)
        args.output.mkdir(parents=True, exist_ok=True)
        (args.output / "scale_dask.json").write_text(json.dumps(dask, indent=1))
    for name, s in dask["seconds"].items():
        print(f"{name}: {dask['rows'] / statistics.median(s) / 1e6:.2f} M rows/s (median of {len(s)})")
    builds, check = load_cpp(args.cpp_results) if args.cpp_results else ([], None)
    projected = projection(builds) if builds else None
    args.output.mkdir(parents=True, exist_ok=True)
    if builds:
        plot(builds, check, projected, args.output / "scale.png")
    commands = args.cpp_commands.read_text() if args.cpp_commands else ""
    bench_common.write_result(args.output, "scale.md", markdown(dask, builds, check, projected, commands))
    return 0


if __name__ == "__main__":
    sys.exit(main())
