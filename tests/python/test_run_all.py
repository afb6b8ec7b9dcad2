"""benchmarks/run_all.py's arithmetic: repetitions read from Google Benchmark's JSON, ratios
against the references and the target verdicts (the driver itself runs in ./dev test's smoke)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import run_all


def runs(name: str, ns: list[float], **counters: float) -> list[dict]:
    return [{"run_name": name, "name": name, "run_type": "iteration", "repetitions": len(ns), "repetition_index": i,
             "iterations": 1000, "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ns", "ns/key": v, **counters}
            for i, v in enumerate(ns)]


def test_repetitions_give_min_median_max_and_counter_medians() -> None:
    data = {"benchmarks": [
        *runs("trie_lookup_hit/1000000", [70.0, 60.0, 65.0], **{"bits/key": 12.0}),
        {"run_name": "trie_lookup_hit/1000000", "run_type": "aggregate", "aggregate_name": "median", "ns/key": 1.0},
    ]}
    got = run_all.repetitions(data)["trie_lookup_hit/1000000"]
    assert (got["min"], got["median"], got["max"]) == (60.0, 65.0, 70.0)
    assert got["counters"]["bits/key"] == 12.0
    assert "repetition_index" not in got["counters"]


def test_ns_per_key_falls_back_to_items_per_second_then_time() -> None:
    assert run_all.ns_per_key({"items_per_second": 1e8}) == pytest.approx(10.0)
    assert run_all.ns_per_key({"real_time": 2.0, "time_unit": "us"}) == pytest.approx(2000.0)


def test_targets_divide_medians_of_the_same_run_and_judge_them() -> None:
    results = {"bench_trie": run_all.repetitions({"benchmarks": [
        *runs("trie_lookup_hit/1000000", [60.0, 66.0, 63.0]),
        *runs("trie_lookup_chained/1000000", [60.0, 66.0, 63.0]),
        *runs("reference_dependent_trie_bytes/1000000", [20.0, 22.0, 21.0]),
        *runs("unordered_set_lookup/1000000", [50.0, 50.0, 50.0]),
    ]})}
    rows = {row[0]: row for row in run_all.targets(results, "1000000")}
    dependent = rows["trie lookup, chained (latency) ÷ one dependent miss over the trie's bytes (1000000 keys)"]
    assert dependent[2] == "3.00" and dependent[5] == "NOT met"
    versus_set = rows["trie lookup ÷ unordered_set lookup, independent lookups in a loop (1000000 keys)"]
    assert versus_set[2] == "1.26" and versus_set[5] == "met"
    # a target whose benchmarks did not run is left out, not reported as met
    assert not any("batch" in name for name in rows)


def test_mobile_keys_are_distinct_valid_vietnamese_mobiles_in_random_order() -> None:
    import numpy as np

    import numrep

    keys = run_all.mobile_keys(5000, np.random.default_rng(3))
    assert len(keys) == 5000 and len(np.unique(keys)) == 5000
    assert not np.all(np.diff(keys.astype(np.int64)) > 0)  # not sorted
    info = numrep.lookup_many(keys)
    mobile = numrep.lookup_many(np.array([84912345678], dtype=np.uint64))["type"][0]
    assert info["valid"].all() and (info["type"] == mobile).all(), "every key is a mobile number of the plan"


def test_time_split_compares_in_cache_and_full_size_runs_and_says_when_counters_are_missing() -> None:
    results = {"bench_bloom": run_all.repetitions({"benchmarks": [
        *runs("contains_batch<blocked, false>/100000", [8.0, 8.0, 8.0]),
        *runs("contains_batch<blocked, false>/10000000", [16.0, 16.0, 16.0]),
    ]})}
    rows = run_all.time_split_rows(results, counters_exposed=False)
    assert rows[0].startswith("- Bloom contains_batch (misses): 8.0 ns/key") and "50% of the time remains" in rows[0]
    assert "not exposed" in rows[-1]
    assert not any("not exposed" in row for row in run_all.time_split_rows(results, counters_exposed=True))
    assert run_all.counters_exposed({"bench_bloom": {"context": {"hardware_counters": "instructions, ..."}}})
    assert not run_all.counters_exposed({"bench_bloom": {"context": {"hardware_counters": "not exposed: ..."}}})


def test_a_summary_rebuilt_from_earlier_runs_says_so_and_dates_each_program() -> None:
    """--summary-only folds in raw results of runs made at different times: its header said "one
    run" and `./dev bench --full`, which it was not."""
    raw = {name: {"context": {"date": date}, "benchmarks": [], "command": name}
           for name, date in (("bench_parse", "2026-12-07T08:53:51+00:00"), ("bench_trie", "2026-12-07T03:40:41+00:00"))}
    results = {name: run_all.repetitions(data) for name, data in raw.items()}
    rebuilt = run_all.summary(results, raw, True, Path("/nonexistent"), [], [], rebuilt=True)
    assert "one run" not in rebuilt.splitlines()[0] and "rebuilt from the raw results of earlier runs" in rebuilt
    assert "bench_parse 2026-12-07T08:53:51+00:00, bench_trie 2026-12-07T03:40:41+00:00" in rebuilt
    assert "--summary-only" in rebuilt
    one_run = run_all.summary(results, raw, True, Path("/nonexistent"), [], [])
    assert one_run.startswith("# All benchmarks, one run") and "`./dev bench --full`" in one_run
