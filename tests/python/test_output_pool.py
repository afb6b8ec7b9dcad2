"""Result columns of at least 64 KiB come from a pool of buffers that dead columns gave back
(python/src/output_arrays.hpp): a live column's buffer is never handed out again, buffers are
reused once their arrays die, and the pool keeps no more than its limit idle."""

from __future__ import annotations

import gc
import pickle
from pathlib import Path

import numpy as np
import pytest

import numrep
from numrep import _core

N = 100_000  # every check_many column is then at least 64 KiB (the bool ones: 100 kB)
COLUMNS = 14  # check_many's columns other than the keys (which are the input array)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> numrep.ReputationDB:
    rng = np.random.default_rng(11)
    reported = 84_900_000_000 + rng.choice(10_000_000, size=2_000, replace=False)
    path: Path = tmp_path_factory.mktemp("pool") / "reports.csv"
    lines = ["number,time,category"] + [f"+{k},2026-02-20,scam" for k in reported.tolist()]
    path.write_text("\n".join(lines) + "\n")
    return numrep.ReputationDB.from_csv(path)


def keys_for(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (84_900_000_000 + rng.integers(0, 10_000_000, size=N)).astype(np.uint64)


def pooled_columns(result: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: column for name, column in result.items() if name != "key"}


def test_columns_come_from_the_pool_and_own_their_buffer(db: numrep.ReputationDB) -> None:
    result = db.check_many(keys_for(1), now="2026-03-01")
    columns = pooled_columns(result)
    assert len(columns) == COLUMNS
    for name, column in columns.items():
        assert column.nbytes >= _core._OUTPUT_POOL_MINIMUM, name
        assert column.base is not None and not column.flags.owndata, name  # the capsule owns it
        assert column.flags.c_contiguous and column.flags.writeable, name
        assert column.ctypes.data % 64 == 0, name
    # Pickling copies the values: the copy does not depend on the buffer.
    again = pickle.loads(pickle.dumps(result["score"]))
    assert np.array_equal(again, result["score"]) and again.ctypes.data != result["score"].ctypes.data


def test_a_live_column_is_never_given_out_again(db: numrep.ReputationDB) -> None:
    keys = keys_for(2)
    first = db.check_many(keys, now="2026-03-01")
    kept = {name: column.copy() for name, column in pooled_columns(first).items()}
    score = first["score"]
    del first  # only `score` of the first result lives on
    gc.collect()
    in_use = score.ctypes.data
    for seed in range(3, 9):  # other results, made and dropped, reuse the freed buffers
        other = db.check_many(keys_for(seed), now="2026-03-01")
        assert in_use not in {c.ctypes.data for c in pooled_columns(other).values()}
        for column in pooled_columns(other).values():
            column[...] = 0  # would show in `score` if its buffer were shared
        del other
    assert np.array_equal(score, kept["score"])
    # The same call again gives the same answers as the copies kept.
    fresh = db.check_many(keys, now="2026-03-01")
    for name, column in pooled_columns(fresh).items():
        assert np.array_equal(column, kept[name]), name


def test_dead_columns_buffers_are_reused(db: numrep.ReputationDB) -> None:
    keys = keys_for(20)
    result = db.check_many(keys, now="2026-03-01")
    del result
    gc.collect()
    idle, idle_bytes = _core._output_pool_buffers(), _core._output_pool_bytes()
    assert idle >= COLUMNS
    again = db.check_many(keys, now="2026-03-01")  # every column from an idle buffer: none new
    assert _core._output_pool_buffers() == idle - COLUMNS
    assert _core._output_pool_bytes() <= idle_bytes - sum(c.nbytes for c in pooled_columns(again).values())
    del again
    gc.collect()
    assert _core._output_pool_buffers() == idle


def test_small_results_are_numpy_own(db: numrep.ReputationDB) -> None:
    idle = _core._output_pool_buffers()
    result = db.check_many(keys_for(30)[:1000], now="2026-03-01")
    assert all(column.flags.owndata for column in pooled_columns(result).values())
    assert _core._output_pool_buffers() == idle


def test_the_pool_keeps_at_most_its_limit(db: numrep.ReputationDB) -> None:
    # check_many writes about 75 bytes a number: 4M numbers' columns exceed the 256 MiB limit.
    keys = np.full(4_000_000, 84_912_345_678, dtype=np.uint64)
    result = db.check_many(keys, now="2026-03-01")
    assert sum(c.nbytes for c in pooled_columns(result).values()) > _core._OUTPUT_POOL_LIMIT
    del result
    gc.collect()
    assert 0 < _core._output_pool_bytes() <= _core._OUTPUT_POOL_LIMIT
    _core._output_pool_clear()  # the rest of the session need not keep them
    assert _core._output_pool_buffers() == 0 and _core._output_pool_bytes() == 0


def test_the_pool_keeps_at_most_64_buffers() -> None:
    _core._output_pool_clear()
    keys = np.full(70_000, 84_912_345_678, dtype=np.uint64)  # a 70 kB bool result each
    filter_ = numrep.BloomFilter(1000)
    results = [filter_.contains_many(keys) for _ in range(70)]
    assert all(r.base is not None for r in results)
    del results
    gc.collect()
    assert _core._output_pool_buffers() == 64
