"""Batch calls write their result columns a block of rows at a time (python/src/result_blocks.hpp):
calls of 65,536 rows or more copy each block out with non-temporal stores, smaller ones with plain
stores. Both must give every row, the last, partial block included.

The large calls below take their columns from the pool of buffers that earlier results gave back
(output_arrays.hpp), after a call on other numbers has filled those buffers: a row that is not
written keeps the other call's answer, and the comparison fails."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import numrep
from numrep import _core

ROWS = 70_001  # streamed (at least 65,536), and not a whole number of 256-row blocks
SLICE = 20_000  # plain stores
NOW = 1_714_521_600 + 40 * 86_400


@pytest.fixture(scope="module")
def reported() -> np.ndarray:
    rng = np.random.default_rng(20261205)
    return np.unique(84_900_000_000 + rng.choice(10_000_000, size=6_000, replace=False)).astype(np.uint64)


@pytest.fixture(scope="module")
def db(reported: np.ndarray) -> numrep.ReputationDB:
    """Records that differ in every field: counts in several categories, times, votes, sources."""
    rng = np.random.default_rng(7)
    categories = ["scam", "spam", "robocall", "telemarketing", "debt_collector", "other"]
    numbers, times, kinds, sources, votes = [], [], [], [], []
    for i, key in enumerate(reported.tolist()):
        for r in range(1 + i % 5):
            numbers.append(key)
            times.append(1_714_521_600 - int(rng.integers(0, 400)) * 86_400)
            kinds.append(categories[(i + r) % len(categories)])
            sources.append(f"u{rng.integers(0, 50)}")
            votes.append(1 if (i + r) % 7 == 0 else 0)
    return numrep.ReputationDB.from_frame(pa.table({"number": pa.array(numbers, pa.uint64()), "time": times,
                                                    "category": kinds, "source": sources, "not_spam": votes}))


def rows(reported: np.ndarray, seed: int) -> np.ndarray:
    """Reported numbers, never-reported ones, numbers of other countries and zeros, mixed, with a
    run of reported numbers only (on which check_many stops asking the Bloom filter)."""
    rng = np.random.default_rng(seed)
    kinds = rng.integers(0, 4, size=ROWS)
    kinds[20_000:45_000] = 0
    out = np.where(kinds == 0, rng.choice(reported, size=ROWS),
                   np.where(kinds == 1, 84_900_000_000 + rng.integers(0, 10_000_000, size=ROWS),
                            np.where(kinds == 2, 12_025_550_000 + rng.integers(0, 10_000, size=ROWS), 0)))
    return out.astype(np.uint64)


def by_slices(call, keys: np.ndarray) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    parts = [call(keys[i:i + SLICE]) for i in range(0, len(keys), SLICE)]
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("method", ["check_many", "lookup_many"])
def test_streamed_columns_hold_every_row(db: numrep.ReputationDB, reported: np.ndarray, method: str,
                                         threads: int) -> None:
    def call(keys: np.ndarray) -> dict[str, np.ndarray]:
        return db.check_many(keys, now=NOW) if method == "check_many" else numrep.lookup_many(keys)

    keys = rows(reported, 1)
    expected = by_slices(call, keys)
    numrep.set_threads(threads)
    try:
        _core._output_pool_clear()
        other = call(rows(reported, 2))  # fills the buffers the next call is given
        del other
        assert _core._output_pool_buffers() > 0
        got = call(keys)
    finally:
        numrep.set_threads(None)
    assert got.keys() == expected.keys()
    for name in expected:
        assert got[name].shape == expected[name].shape, name
        assert np.array_equal(got[name], expected[name]), (method, name)
    if method == "check_many":
        assert np.count_nonzero(got["reported"]) > ROWS // 5
        assert len(np.unique(got["score"])) > 20
        assert np.count_nonzero(got["not_spam"]) > 0 and np.count_nonzero(got["counts"][:, 1]) > 0
    else:
        assert np.count_nonzero(got["valid"]) > ROWS // 2 and len(np.unique(got["region_code"])) > 1


def test_streamed_verdicts_match_one_at_a_time(db: numrep.ReputationDB, reported: np.ndarray) -> None:
    keys = rows(reported, 3)
    got = db.check_many(keys, now=NOW)
    # Streamed stores need whole, aligned lines: every result column starts on one (the pool's;
    # "key" is the array given).
    assert all(got[name].ctypes.data % 64 == 0 for name in got if name != "key"), "columns not 64-byte aligned"
    # The first and last rows of blocks and of the last, partial block, a spread between, and
    # every fifth row of the run of reported numbers (checked without the Bloom filter).
    rows_to_check = {0, 255, 256, 511, ROWS - 1, ROWS - 2, ROWS - ROWS % 256, *range(0, ROWS, 4_999),
                     *range(20_000, 45_000, 5)}
    levels = list(numrep.LEVEL_NAMES)
    for i in sorted(rows_to_check):
        if keys[i] == 0:
            assert not got["reported"][i]
            continue
        v = db.check(int(keys[i]), now=NOW)
        assert got["reported"][i] == v.reported, i
        assert got["score"][i] == v.score, i
        assert levels[got["level"][i]] == v.level, i
        assert got["delisted"][i] == v.delisted, i
        assert got["reports"][i] == v.reports, i
        assert got["not_spam"][i] == v.not_spam, i
        assert got["first_seen"][i] == (v.first_seen.timestamp() if v.first_seen else 0), i
        assert got["last_seen"][i] == (v.last_seen.timestamp() if v.last_seen else 0), i
        assert dict(zip(numrep.CATEGORY_NAMES, got["counts"][i].tolist())) == {
            name: v.counts.get(name, 0) for name in numrep.CATEGORY_NAMES}, i
        assert numrep.carrier_names()[got["carrier"][i]] == v.carrier, i
        assert numrep.region_codes()[got["region_code"][i]] == v.region_code, i
