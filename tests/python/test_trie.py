"""numrep.TrieStore: every query against a Python set / dict model, inputs, merge policies,
persistence (files, bytes, pickle, C++ <-> Python), corruption, errors, threads."""

from __future__ import annotations

import bisect
import copy
import gc
import pathlib
import pickle
import re
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import numrep
from conftest import build_cpp_tool

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAX_KEY = 10**15 - 1
U64_MAX = 2**64 - 1


def random_keys(seed: int, count: int, low: int = 84_100_000_000, high: int = 84_999_999_999) -> np.ndarray:
    return np.random.default_rng(seed).integers(low, high, size=count, dtype=np.uint64)


def keys_of_every_length(seed: int, per_length: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.integers(10 ** (d - 1), 10**d, size=per_length, dtype=np.uint64) for d in range(7, 16)])


def several_countries(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    parts = [rng.integers(12_000_000_000, 12_999_999_999, 300, dtype=np.uint64),        # +1, 11 digits
             rng.integers(447_000_000_000, 447_999_999_999, 300, dtype=np.uint64),      # +44 mobile, 12 digits
             rng.integers(84_300_000_000, 84_999_999_999, 300, dtype=np.uint64),        # +84, 11 digits
             rng.integers(8_613_000_000_000, 8_619_999_999_999, 300, dtype=np.uint64),  # +86, 13 digits
             rng.integers(4_930_000_000, 4_939_999_999, 300, dtype=np.uint64)]          # +49, 10 digits
    return np.concatenate(parts)


KEY_SETS = {
    "empty": np.array([], dtype=np.uint64),
    "one key": np.array([84_912_345_678], dtype=np.uint64),
    "smallest and largest": np.array([1, 9, 10, MAX_KEY, MAX_KEY - 1], dtype=np.uint64),
    "shared long prefix": np.concatenate([np.arange(849_123_456_700, 849_123_456_800, dtype=np.uint64),
                                          np.arange(84_912_345_600, 84_912_345_700, 3, dtype=np.uint64),
                                          np.array([8_491_234_567_890], dtype=np.uint64)]),
    "lengths 7 to 15": keys_of_every_length(1, 200),
    "several countries": several_countries(2),
    "dense range": np.arange(84_912_000_000, 84_912_020_000, dtype=np.uint64),
    # Bitmap groups: a third of a block of 10^5 numbers, and 3-digit keys.
    "dense random": np.concatenate([np.sort(np.random.default_rng(4).choice(100_000, 33_000, replace=False))
                                    .astype(np.uint64) + np.uint64(84_912_300_000),
                                    np.arange(100, 1000, 3, dtype=np.uint64)]),
    "random VN": random_keys(3, 20_000),
}


def probes_for(keys: list[int], seed: int) -> list[int]:
    """Hits, their neighbours (near misses) and random keys of every length."""
    rng = np.random.default_rng(seed)
    near = [k + d for k in keys[:500] for d in (-1, 1) if 1 <= k + d <= MAX_KEY]
    far = [*keys_of_every_length(seed, 30).tolist(), 1, 2, 10, MAX_KEY]
    picked = [keys[i] for i in rng.integers(0, len(keys), 500)] if keys else []
    return picked + near + far


def prefixes_for(keys: list[int], seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    out = {1, 8, 84, 849, 8491, 999_999_999_999_999}
    for k in [keys[i] for i in rng.integers(0, len(keys), 60)] if keys else []:
        text = str(k)
        out.update(int(text[:d]) for d in range(1, len(text) + 1))
    out.update(int(rng.integers(1, 10**d)) for d in range(1, 16))
    return sorted(out)


def model_prefix(sorted_keys: list[int], prefix: int) -> list[int]:
    p = str(prefix)
    return [k for k in sorted_keys if str(k).startswith(p)]


def check_against_model(ts: numrep.TrieStore, model: dict[int, int] | set[int], seed: int = 0) -> None:
    sorted_keys = sorted(model)
    assert len(ts) == len(sorted_keys)
    assert bool(ts) == bool(sorted_keys)
    assert list(ts) == sorted_keys
    assert list(ts.keys()) == sorted_keys
    probes = probes_for(sorted_keys, seed)
    present = [p in model for p in probes]
    assert [p in ts for p in probes] == present
    probe_array = np.array(probes, dtype=np.uint64)
    assert ts.contains_many(probe_array).tolist() == present
    assert ts.contains_many(probes).tolist() == present
    assert [ts.rank(p) for p in probes] == [bisect.bisect_left(sorted_keys, p) for p in probes]
    for i in list(range(min(len(sorted_keys), 50))) + list(range(max(0, len(sorted_keys) - 50), len(sorted_keys))):
        assert ts.select(i) == sorted_keys[i]
        assert ts.select(i - len(sorted_keys)) == sorted_keys[i]
    # Beyond 64 bits too, as a list says (pybind11 said TypeError for 2**63).
    for bad in (len(sorted_keys), -len(sorted_keys) - 1, 2**63, -2**63 - 1, 10**30):
        with pytest.raises(IndexError, match=f"index {bad} is out of range for {len(sorted_keys)} keys"):
            ts.select(bad)
    if sorted_keys:
        assert ts.select(np.int64(0)) == sorted_keys[0]
        with pytest.raises(TypeError):
            ts.select(0.0)
        with pytest.raises(TypeError, match="takes an int index, not a bool"):  # True gave the second key
            ts.select(True)
    for prefix in prefixes_for(sorted_keys, seed):
        under = model_prefix(sorted_keys, prefix)
        assert ts.count_prefix(prefix) == len(under), prefix
        assert ts.count_prefix(str(prefix)) == len(under)
        assert list(ts.keys(prefix)) == under, prefix
    if isinstance(model, dict):
        assert ts.has_values
        expected = [model.get(p) for p in probes]
        assert [ts.get(p) for p in probes] == expected
        assert [ts.get(p, -1) for p in probes] == [model.get(p, -1) for p in probes]
        values, found = ts.get_many(probe_array)
        assert values.dtype == np.uint64 and found.dtype == np.bool_
        assert found.tolist() == present
        assert values.tolist() == [model.get(p, 0) for p in probes]
        values, found = ts.get_many(probes, default=U64_MAX)
        assert values.tolist() == [model.get(p, U64_MAX) for p in probes]
    else:
        assert not ts.has_values


# ---- queries against the model ----

@pytest.mark.parametrize("name", list(KEY_SETS))
def test_set_queries_match_a_python_set(name: str) -> None:
    keys = KEY_SETS[name]
    ts = numrep.TrieStore.build(keys)
    check_against_model(ts, set(keys.tolist()), seed=len(keys))


@pytest.mark.parametrize("name", list(KEY_SETS))
def test_map_queries_match_a_python_dict(name: str) -> None:
    keys = KEY_SETS[name]
    values = np.random.default_rng(7).integers(0, 2**40, size=len(keys), dtype=np.uint64)
    ts = numrep.TrieStore.build(keys, values)
    check_against_model(ts, dict(zip(keys.tolist(), values.tolist())), seed=len(keys) + 1)


@given(st.lists(st.integers(1, MAX_KEY), max_size=200), st.lists(st.integers(0, U64_MAX), min_size=200, max_size=200))
def test_any_keys_and_values_match_the_model(keys: list[int], values: list[int]) -> None:
    values = values[: len(keys)]
    model: dict[int, int] = {}
    for k, v in zip(keys, values):
        model[k] = v  # "last"
    ts = numrep.TrieStore.build(keys, values, merge="last")
    assert list(ts) == sorted(model)
    assert [ts.get(k) for k in keys] == [model[k] for k in keys]
    assert numrep.TrieStore.build(keys).contains_many(np.array(keys, dtype=np.uint64)).all()
    for k in keys[:10]:
        text = str(k)
        for d in (1, len(text) // 2 or 1, len(text)):
            assert ts.count_prefix(int(text[:d])) == sum(str(m).startswith(text[:d]) for m in model)


def test_single_queries_take_str_int_and_phone_number() -> None:
    ts = numrep.TrieStore.build(["0912 345 678", "0162 345 6789"], values=[5, 7])  # the second is legacy
    assert "0912345678" in ts and "+84 912 345 678" in ts and 84912345678 in ts
    assert numrep.parse("0912345678") in ts and np.uint64(84912345678) in ts
    assert ts.get("0323456789") == 7 and ts.get(84323456789) == 7
    assert ts.get("0912345679") is None and ts.get("0912345679", "absent") == "absent"
    assert ts.rank("0912345678") == 1 and ts.rank(84912345679) == 2
    with pytest.raises(numrep.ParseError, match="not-a-number"):
        _ = "not-a-number" in ts
    for bad, message in ((0, "key 0 is not an E.164 number"), (-5, "key -5 is negative"),
                         (10**15, "key 1000000000000000 has more than 15 digits")):
        for query in (lambda: bad in ts, lambda: ts.get(bad), lambda: ts.rank(bad)):
            with pytest.raises(ValueError, match=message):
                query()
    for wrong in (None, 1.5, True, b"0912345678"):
        with pytest.raises(TypeError, match="expected a phone number"):
            _ = wrong in ts


def test_a_set_has_no_values() -> None:
    ts = numrep.TrieStore.build([84912345678])
    with pytest.raises(TypeError, match="TrieStore.get: this store is a set"):
        ts.get(84912345678)
    with pytest.raises(TypeError, match="TrieStore.get_many: this store is a set"):
        ts.get_many([84912345678])


def test_count_prefix_and_keys_take_written_prefixes() -> None:
    keys = [84912345678, 84912345679, 84913000000, 849123456789, 8491234, 84861234567, 12025550123]
    ts = numrep.TrieStore.build(keys)
    under = [8491234, 84912345678, 84912345679, 849123456789]  # every length, ascending
    for prefix in ("+8491234", "8491234", "+84 912-34", " 84.91(234) ", 8491234, np.int64(8491234)):
        assert ts.count_prefix(prefix) == 4, prefix
        assert list(ts.keys(prefix)) == under
        assert list(ts.keys(prefix=prefix)) == under
    assert ts.count_prefix(numrep.parse("0912345678")) == 2  # 84912345678 and 849123456789
    assert ts.count_prefix("+1") == 1 and ts.count_prefix("7") == 0 and list(ts.keys("7")) == []
    assert ts.count_prefix(999_999_999_999_999) == 0
    # The trunk zero in parentheses is dropped, as parse() drops it (read as a digit, the prefix
    # matched nothing); "00" is named as a dialling prefix.
    london = numrep.TrieStore.build(["+44 20 7946 0958", "+44 20 7946 0959"])
    assert numrep.parse("+44 (0) 20 7946 0958").key == 442079460958
    for prefix in ("+44 (0) 20", "+44(0)20", "+44 (0)20 79"):
        assert london.count_prefix(prefix) == 2 and len(london.keys(prefix)) == 2, prefix
    with pytest.raises(ValueError, match="starts with 00, an international dialling prefix: write '\\+' for it"):
        london.count_prefix("0044 20")
    # Only right after a country code whose trunk prefix is 0: parse() keeps the 0 of "+36 (0) 1"
    # (Hungary's trunk prefix is 06) and of "+1 (0) 202", and "+4420 (0) 7" is past the code.
    for unsure in ("+36 (0) 1", "+1 (0) 202", "+4420 (0) 7", "+39 (0) 6", "(0) 20"):
        with pytest.raises(ValueError, match='has "\\(0\\)" at position'):
            london.count_prefix(unsure)
    # The message names every separator read ("spaces and dashes" left out dots and parentheses).
    with pytest.raises(ValueError, match="a prefix is digits, optionally with '\\+' first and spaces, dashes, dots or "
                                         "parentheses between them$"):
        ts.count_prefix("84a91")
    assert ts.count_prefix("+8(4) 9.1-2") == ts.count_prefix("84912")
    for bad, message in (("84a91", "'a' at position 2"), ("+84 91#", "'#' at position 6"), ("84+91", "'\\+' at position 2"),
                         ("0912", "starts with 0"), ("", "has no digits"), ("+ ", "has no digits"),
                         # A dash or dot before the digits: "-84" answered for 84 (the int -84 is refused).
                         ("-84", "'-' at position 0 before its digits"), ("+ -", "'-' at position 2 before"),
                         (".84", "'.' at position 0 before its digits"),
                         ("1234567890123456", "more than 15 digits"), (0, "prefix 0 is not 1 to 15 digits"),
                         (-84, "prefix -84 is not"), (10**15, "is not 1 to 15 digits"), ("８４", "'８' at position 0")):
        with pytest.raises(ValueError, match=message):
            ts.count_prefix(bad)
        with pytest.raises(ValueError, match=message):
            ts.keys(bad)
    for wrong in (None, 8.4, True):
        with pytest.raises(TypeError, match="a prefix is a str of digits"):
            ts.count_prefix(wrong)


def test_keys_are_a_uint64_array_like_reputation_db_keys() -> None:
    """keys(prefix) was an iterator here and a NumPy array on ReputationDB: both are arrays now."""
    keys = random_keys(4, 5000)
    ts = numrep.TrieStore.build(keys)
    under = ts.keys("849")
    assert isinstance(under, np.ndarray) and under.dtype == np.uint64 and len(under) == ts.count_prefix("849")
    assert under.tolist() == sorted(k for k in set(keys.tolist()) if str(k).startswith("849"))
    assert ts.contains_many(under).all()  # a batch call takes it as it is
    assert ts.keys("7").shape == (0,) and ts.keys().tolist() == list(ts)


def test_key_iterator_keeps_its_store_alive_and_hints_its_length() -> None:
    keys = random_keys(4, 5000)
    it = iter(numrep.TrieStore.build(keys))
    gc.collect()
    expected = sorted(set(keys.tolist()))
    assert it.__length_hint__() == len(expected)
    first = next(it)
    assert it.__length_hint__() == len(expected) - 1
    assert [first, *it] == expected
    assert it.__length_hint__() == 0
    with pytest.raises(StopIteration):
        next(it)
    assert iter(it) is it


# ---- building ----

@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int64])
def test_values_of_every_integer_dtype(dtype: type) -> None:
    keys = random_keys(5, 1000)
    info = np.iinfo(dtype)
    values = np.random.default_rng(6).integers(0, info.max, size=len(keys), dtype=dtype, endpoint=True)
    ts = numrep.TrieStore.build(keys, values, merge="last")
    model = dict(zip(keys.tolist(), values.tolist()))
    got, found = ts.get_many(keys)
    assert found.all() and got.tolist() == [model[k] for k in keys.tolist()]


def test_values_up_to_2_64_minus_1_and_saturating_sum() -> None:
    keys = [84912345678, 84912345678, 84912345679, 84912345680, 84912345680]
    values = [U64_MAX - 1, 5, U64_MAX, 0, 1]
    assert numrep.TrieStore.build(keys, values).get_many(keys[::2])[0].tolist() == [U64_MAX, U64_MAX, 1]
    assert numrep.TrieStore.build(np.array(keys, dtype=np.uint64), np.array(values, dtype=np.uint64)).get(keys[0]) == U64_MAX
    assert numrep.TrieStore.build(keys, values, merge="max").get(keys[0]) == U64_MAX - 1
    assert numrep.TrieStore.build(keys, values, merge="last").get(keys[0]) == 5
    single = numrep.TrieStore.build([1], [U64_MAX])
    assert single.get(1) == U64_MAX and single.get_many([1])[0].tolist() == [U64_MAX]


@given(st.lists(st.tuples(st.sampled_from([84912345678, 84912345679, 12025550123, 7]), st.integers(0, 2**62)),
                max_size=40))
def test_merge_policies_match_the_model(pairs: list[tuple[int, int]]) -> None:
    keys = [k for k, _ in pairs]
    values = [v for _, v in pairs]
    groups: dict[int, list[int]] = {}
    for k, v in pairs:
        groups.setdefault(k, []).append(v)
    expected = {
        "sum": {k: min(sum(vs), U64_MAX) for k, vs in groups.items()},
        "max": {k: max(vs) for k, vs in groups.items()},
        "last": {k: vs[-1] for k, vs in groups.items()},
    }
    for merge, model in expected.items():
        ts = numrep.TrieStore.build(keys, values, merge=merge)
        assert {k: ts.get(k) for k in ts} == model
    calls: list[tuple[int, int]] = []

    def first(a: int, b: int) -> int:
        calls.append((a, b))
        return a

    ts = numrep.TrieStore.build(keys, values, merge=first)
    assert {k: ts.get(k) for k in ts} == {k: vs[0] for k, vs in groups.items()}
    assert len(calls) == len(pairs) - len(groups)


def test_merge_function_results_are_checked() -> None:
    keys, values = [84912345678, 84912345678], [1, 2]
    with pytest.raises(ValueError, match=r"merge\(1, 2\) is -1, which is negative"):
        numrep.TrieStore.build(keys, values, merge=lambda a, b: a - b)
    with pytest.raises(ZeroDivisionError) as raised:
        numrep.TrieStore.build(keys, values, merge=lambda a, b: a // 0)
    if sys.version_info >= (3, 11):  # the function's own exception, with a note of the call
        assert raised.value.__notes__ == ["numrep: raised by TrieStore.build's merge(1, 2) for a repeated key"]
    with pytest.raises(TypeError, match=r"merge\(1, 2\) returned a str \('x'\), expected an int"):
        numrep.TrieStore.build(keys, values, merge=lambda a, b: "x")
    assert numrep.TrieStore.build(keys, values, merge=lambda a, b: np.uint8(7)).get(keys[0]) == 7
    with pytest.raises(ValueError, match='merge must be "sum", "max", "last" or a function'):
        numrep.TrieStore.build(keys, values, merge="avg")
    with pytest.raises(TypeError, match="merge must be"):
        numrep.TrieStore.build(keys, values, merge=3)


def test_keys_from_every_kind_of_input() -> None:
    texts = ["0912345678", "+84 86 123 4567", "028 3823 4567", "0162 345 6789"]
    expected = sorted(numrep.parse_many(texts).tolist())
    pandas = pytest.importorskip("pandas")
    for keys in (texts, tuple(texts), np.array(texts), np.array(texts, dtype=object), pandas.Series(texts),
                 (t for t in texts), numrep.parse_many(texts), numrep.parse_many(texts).astype(np.int64),
                 numrep.parse_many(texts).tolist(), pandas.Series(numrep.parse_many(texts).astype(np.int64)),
                 [numrep.parse(t) for t in texts]):
        assert list(numrep.TrieStore.build(keys)) == expected, type(keys)
    series = pandas.Series(np.arange(4, dtype=np.uint32), index=[10, 3, 7, 1])  # by position, not label
    ts = numrep.TrieStore.build(pandas.Series(texts, index=[9, 8, 7, 6]), series)
    assert [ts.get(t) for t in texts] == [0, 1, 2, 3]


def test_bad_keys_and_values_are_named() -> None:
    with pytest.raises(numrep.ParseError, match=r'item 1: cannot parse "zz"'):
        numrep.TrieStore.build(["0912345678", "zz"])
    with pytest.raises(numrep.ParseError, match="item 2"):
        numrep.TrieStore.build(np.array(["0912345678", "0912345679", "1"]))
    for keys, message in (([84912345678, 0], "key 0 at index 1 is not an E.164 number"),
                          (np.array([5, 10**15], dtype=np.uint64), "key 1000000000000000 at index 1 has more than 15 digits"),
                          ([3, -7], "key -7 at index 1 is negative"),
                          (np.array([3, 4, -7]), "key -7 at index 2 is negative"),
                          ([2**64], "key 18446744073709551616 at index 0 does not fit in 64 bits")):
        with pytest.raises(ValueError, match=message) as caught:
            numrep.TrieStore.build(keys)
        assert str(caught.value).startswith("numrep: TrieStore.build: "), caught.value  # not the C++ name
    for keys in (np.array([1.5, 2.0]), np.array([True, False])):
        with pytest.raises(TypeError, match="takes integer keys or strings, got an array of dtype"):
            numrep.TrieStore.build(keys)
    with pytest.raises(TypeError, match="not one string"):
        numrep.TrieStore.build("0912345678")
    with pytest.raises(ValueError, match="one-dimensional"):
        numrep.TrieStore.build(np.ones((2, 2), dtype=np.uint64))
    keys = [84912345678, 84912345679]
    for values, error, message in (([1, -2], ValueError, "value at index 1 is -2, which is negative"),
                                   (np.array([1, -2]), ValueError, "value at index 1 is -2, which is negative"),
                                   ([1, 2**64], ValueError, "does not fit in 64 bits"),
                                   ([1, 2.5], TypeError, "value at index 1 is a float"),
                                   (np.array([1.0, 2.0]), TypeError, "values must be unsigned integers, got an array of dtype float64"),
                                   ([1], ValueError, "2 keys but 1 values"),
                                   (np.arange(3, dtype=np.uint8), ValueError, "2 keys but 3 values"),
                                   ("12", TypeError, "not a string"),
                                   # A dict gave its keys as the values, a set its hash order.
                                   ({84912345678: 100, 84912345679: 200}, TypeError,
                                    "in the keys' order, not a dict .*list\\(d.values\\(\\)\\)"),
                                   ({200, 100}, TypeError, "in the keys' order, not a set"),
                                   (frozenset({1, 2}), TypeError, "not a frozenset"),
                                   (3, TypeError, "values must be a list or array of integers, not an int")):
        with pytest.raises(error, match=message):
            numrep.TrieStore.build(keys, values)
    assert numrep.TrieStore.build(keys, iter([100, 200])).get(84912345679) == 200  # any iterable in order


def test_batch_queries_take_lists_strings_and_arrays() -> None:
    ts = numrep.TrieStore.build(["0912345678", "0861234567"], values=[3, 4])
    for keys in (["0912345678", "0912345679"], [84912345678, 84912345679], np.array(["0912345678", "0912345679"]),
                 np.array([84912345678, 84912345679], dtype=np.int64)):
        assert ts.contains_many(keys).tolist() == [True, False]
        values, found = ts.get_many(keys, default=9)
        assert values.tolist() == [3, 9] and found.tolist() == [True, False]
    assert ts.contains_many(np.array([0, 10**16, 2**64 - 1], dtype=np.uint64)).tolist() == [False] * 3  # not found
    assert ts.contains_many([]).shape == (0,)
    with pytest.raises(ValueError, match="TrieStore.contains_many: key -1 at index 1 is negative"):
        ts.contains_many(np.array([1, -1]))
    with pytest.raises(ValueError, match="TrieStore.get_many: default is -1, which is negative"):
        ts.get_many([1], default=-1)
    for bad in (None, 1.5, "7", True):  # pybind11 listed the signatures
        with pytest.raises(TypeError, match=r"^numrep: TrieStore.get_many: default must be an int .*, got "):
            ts.get_many([1], default=bad)
    with pytest.raises(numrep.ParseError, match="item 0"):
        ts.contains_many(["garbage"])


def test_sizes_and_repr() -> None:
    keys = random_keys(8, 100_000)
    ts = numrep.TrieStore.build(keys)
    assert 8 < ts.bits_per_key < 20  # ~11 bits at this density; a sorted array takes 64
    assert ts.key_bytes * 8 / len(ts) == pytest.approx(ts.bits_per_key)
    assert ts.value_bytes <= 64 and ts.size_in_bytes >= ts.key_bytes
    assert repr(ts) == f"TrieStore(size={len(ts)}, bits_per_key={ts.bits_per_key:.2f}, values=None)"
    with_values = numrep.TrieStore.build(keys, np.arange(len(keys), dtype=np.uint32))  # 17 bits each
    assert with_values.value_bytes >= len(keys) * 2 and "values='uint64'" in repr(with_values)
    assert len(ts.to_bytes()) == ts.size_in_bytes
    empty = numrep.TrieStore.build([])
    assert len(empty) == 0 and empty.bits_per_key == 0.0 and not empty and list(empty) == []


def test_dense_keys_cost_about_a_bit_per_number_of_their_range() -> None:
    # A group whose keys fill a fifth or more of its range is a bitmap: 1 + 1/16 bits per number.
    block = np.arange(84_912_300_000, 84_912_400_000, dtype=np.uint64)
    assert numrep.TrieStore.build(block).bits_per_key < 1.2  # Elias-Fano took ~2.6
    half = block[::2]
    assert numrep.TrieStore.build(half).bits_per_key < 2.3
    assert numrep.TrieStore.build(block[::50]).bits_per_key > 5  # sparse: Elias-Fano, no bitmap


# ---- persistence ----

def stores() -> list[numrep.TrieStore]:
    keys = several_countries(9)
    return [numrep.TrieStore.build(keys), numrep.TrieStore.build(keys, np.arange(len(keys), dtype=np.uint64) * 7919),
            numrep.TrieStore.build([]), numrep.TrieStore.build([], values=[])]


def same(a: numrep.TrieStore, b: numrep.TrieStore) -> bool:
    if a.has_values != b.has_values or list(a) != list(b):
        return False
    return not a.has_values or all(a.get(k) == b.get(k) for k in a)


def test_save_open_load_round_trip(tmp_path: pathlib.Path) -> None:
    for i, ts in enumerate(stores()):
        path = tmp_path / f"store{i}.nrt"
        ts.save(path)
        ts.save(str(tmp_path / f"as-str{i}.nrt"))
        assert path.read_bytes() == ts.to_bytes()
        for other in (numrep.TrieStore.open(path), numrep.TrieStore.open(path, verify="header"),
                      numrep.TrieStore.load(path), numrep.TrieStore.open(str(tmp_path / f"as-str{i}.nrt"))):
            assert same(other, ts)
            assert other.bits_per_key == ts.bits_per_key and other.size_in_bytes == ts.size_in_bytes


def test_bytes_pickle_and_copy_round_trip() -> None:
    for ts in stores():
        data = ts.to_bytes()
        for buffer in (data, bytearray(data), memoryview(data), np.frombuffer(data, dtype=np.uint8)):
            assert same(numrep.TrieStore.from_bytes(buffer), ts)
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            assert same(pickle.loads(pickle.dumps(ts, protocol=protocol)), ts)
        assert same(copy.copy(ts), ts) and same(copy.deepcopy(ts), ts)
    with pytest.raises(BufferError):
        numrep.TrieStore.from_bytes(memoryview(data)[::2])
    with pytest.raises(TypeError):
        numrep.TrieStore.from_bytes("not bytes")  # type: ignore[arg-type]


def test_corrupted_bytes_raise_format_error() -> None:
    for ts in (numrep.TrieStore.build([84912345678, 8491234, 12025550123]),
               numrep.TrieStore.build([84912345678, 12025550123], values=[3, 2**40])):
        data = ts.to_bytes()
        for i in range(len(data)):
            damaged = bytearray(data)
            damaged[i] ^= 0x5A
            with pytest.raises(numrep.FormatError):
                numrep.TrieStore.from_bytes(damaged)
        for length in (0, 1, 16, 64, len(data) // 2, len(data) - 1):
            with pytest.raises(numrep.FormatError):
                numrep.TrieStore.from_bytes(data[:length])


def test_damaged_missing_and_foreign_files(tmp_path: pathlib.Path) -> None:
    damaged = tmp_path / "damaged.nrt"
    damaged.write_bytes(b"not a trie at all" * 10)
    bloom = tmp_path / "bloom.nrb"
    numrep.BloomFilter(100).save(bloom)
    for reader in (numrep.TrieStore.open, numrep.TrieStore.load):
        with pytest.raises(numrep.FormatError, match="damaged.nrt"):
            reader(damaged)
        with pytest.raises(numrep.FormatError, match="holds a bloom_filter, not a trie_store"):
            reader(bloom)
        with pytest.raises(FileNotFoundError):
            reader(tmp_path / "missing.nrt")
        with pytest.raises(OSError):
            reader(tmp_path)
    with pytest.raises(FileNotFoundError):
        numrep.TrieStore.build([1]).save(tmp_path / "no-such-dir" / "x.nrt")
    for bad in ("none", "FULL", ""):
        with pytest.raises(ValueError, match='verify must be "full" or "header"'):
            numrep.TrieStore.open(damaged, verify=bad)
    # Not a str: named too (pybind11 listed the signatures).
    for bad, shown in ((5, "an int (5)"), (None, "(None)"), (True, "a bool (True)")):
        for opener in (numrep.TrieStore.open, numrep.BloomFilter.open):
            with pytest.raises(TypeError, match=r'^numrep: verify must be "full" or "header", got .*' + re.escape(shown)):
                opener(damaged, verify=bad)


def test_open_full_checks_every_byte_header_only_the_sizes(tmp_path: pathlib.Path) -> None:
    keys = random_keys(10, 2000)
    data = bytearray(numrep.TrieStore.build(keys).to_bytes())
    data[-1] ^= 0x01  # inside the last section: only the checksum sees it
    path = tmp_path / "flipped.nrt"
    path.write_bytes(data)
    with pytest.raises(numrep.FormatError, match="flipped.nrt"):
        numrep.TrieStore.open(path)
    mapped = numrep.TrieStore.open(path, verify="header")  # opens; answers may differ, nothing crashes
    mapped.contains_many(keys)
    list(mapped.keys("849"))


# ---- Python <-> C++ ----

@pytest.fixture(scope="module")
def cpp_tool(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    return build_cpp_tool("trie_roundtrip", tmp_path_factory.mktemp("cpp"))


def run_cpp(tool: pathlib.Path, command: str, path: pathlib.Path, numbers) -> list[list[int]]:
    result = subprocess.run([str(tool), command, str(path)], input=" ".join(str(int(n)) for n in numbers),
                            capture_output=True, text=True, check=True)
    return [[int(x) for x in line.split()] for line in result.stdout.splitlines()]


def test_store_saved_by_python_answers_the_same_in_cpp(cpp_tool: pathlib.Path, tmp_path: pathlib.Path) -> None:
    keys = np.concatenate([several_countries(11), keys_of_every_length(12, 50)])
    values = np.random.default_rng(13).integers(0, U64_MAX, size=len(keys), dtype=np.uint64, endpoint=True)
    probes = probes_for(sorted(set(keys.tolist())), 14)
    ts = numrep.TrieStore.build(keys)
    ts.save(tmp_path / "set.nrt")
    assert run_cpp(cpp_tool, "query-set", tmp_path / "set.nrt", probes) == [[int(p in ts), ts.rank(p)] for p in probes]
    prefixes = prefixes_for(list(ts), 15)
    assert run_cpp(cpp_tool, "prefix-set", tmp_path / "set.nrt", prefixes) == [
        [ts.count_prefix(p), int(ts.keys(p)[0]) if ts.count_prefix(p) else 0] for p in prefixes]
    tm = numrep.TrieStore.build(keys, values, merge="max")
    tm.save(tmp_path / "map.nrt")
    got, found = tm.get_many(probes)
    assert run_cpp(cpp_tool, "query-map", tmp_path / "map.nrt", probes) == [
        [int(f), int(v)] for f, v in zip(found, got)]


def test_store_saved_by_cpp_answers_the_same_in_python(cpp_tool: pathlib.Path, tmp_path: pathlib.Path) -> None:
    keys = np.concatenate([several_countries(16), keys_of_every_length(17, 50), several_countries(16)[:100]])
    run_cpp(cpp_tool, "build-set", tmp_path / "set.nrt", keys)
    from_cpp = numrep.TrieStore.open(tmp_path / "set.nrt")
    assert not from_cpp.has_values
    assert from_cpp.to_bytes() == numrep.TrieStore.build(keys).to_bytes()  # byte-identical files
    check_against_model(from_cpp, set(keys.tolist()), seed=18)
    values = np.random.default_rng(19).integers(0, U64_MAX, size=len(keys), dtype=np.uint64, endpoint=True)
    run_cpp(cpp_tool, "build-map", tmp_path / "map.nrt", np.column_stack([keys, values]).ravel())
    model: dict[int, int] = {}
    for k, v in zip(keys.tolist(), values.tolist()):
        model[k] = max(v, model.get(k, 0))
    for reader in (numrep.TrieStore.open, numrep.TrieStore.load):
        check_against_model(reader(tmp_path / "map.nrt"), model, seed=20)


# ---- threads ----

def test_batch_calls_from_threads_agree() -> None:
    keys = random_keys(21, 200_000)
    values = np.arange(len(keys), dtype=np.uint64)
    ts = numrep.TrieStore.build(keys, values, merge="last")
    probes = np.concatenate([keys, random_keys(22, 200_000)])
    expected_found = ts.contains_many(probes)
    expected_values, _ = ts.get_many(probes)
    failures: list[str] = []
    start = threading.Barrier(8)

    def work(i: int) -> None:
        start.wait()
        for _ in range(5):
            if i % 2:
                if not (ts.contains_many(probes) == expected_found).all():
                    failures.append(f"thread {i}: contains_many differs")
            else:
                got, found = ts.get_many(probes)
                if not ((got == expected_values).all() and (found == expected_found).all()):
                    failures.append(f"thread {i}: get_many differs")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


@pytest.mark.parametrize("method", ["contains_many", "get_many"])
def test_batch_calls_release_the_gil(method: str) -> None:
    """While a long batch runs in a thread, the main thread keeps running Python code."""
    keys = random_keys(23, 200_000)
    ts = numrep.TrieStore.build(keys, np.ones(len(keys), dtype=np.uint8))
    probes = np.tile(random_keys(24, 1_000_000), 4)
    call = getattr(ts, method)
    window: list[float] = []

    def batch() -> None:
        window.append(time.perf_counter())
        call(probes)
        window.append(time.perf_counter())

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        ticks: list[float] = []
        worker = threading.Thread(target=batch)
        worker.start()
        while worker.is_alive():
            ticks.append(time.perf_counter())
        worker.join()
    finally:
        sys.setswitchinterval(old_interval)
    begin, end = window
    assert end - begin > 0.01, "the batch was too short to tell"
    middle = [t for t in ticks if begin + (end - begin) / 4 < t < end - (end - begin) / 4]
    assert len(middle) > 100, f"main thread ran {len(middle)} times during the middle half of the batch"


def test_opening_a_fifo_is_refused_at_once(tmp_path) -> None:
    """TrieStore.open and load read the header to choose set or map with a plain open(), which on
    a FIFO waited for a writer forever; BloomFilter refused it at once. Run in a child process so
    that a hang fails the test instead of the run."""
    import os
    import subprocess
    import sys

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    script = ("import numrep, sys\n"
              "for call in (numrep.TrieStore.open, numrep.TrieStore.load, numrep.BloomFilter.open):\n"
              "    try:\n"
              "        call(sys.argv[1])\n"
              "    except OSError as error:\n"
              "        print(type(error).__name__, error)\n")
    done = subprocess.run([sys.executable, "-c", script, str(fifo)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3 and all("non-regular file" in line for line in lines), lines


def test_a_database_records_file_is_named_for_what_it_holds(tmp_path) -> None:
    """TrieStore.open on a ReputationDB's records file said "values of kind 2 with 13 fields"."""
    db = numrep.ReputationDB.from_frame([{"number": "0912345678", "time": "2025-01-01", "category": "scam"}])
    db.save(tmp_path / "db")
    [records] = list((tmp_path / "db").glob("records-*.trie"))
    with pytest.raises(numrep.FormatError, match=r"number_record values \(a ReputationDB's report records: open its "
                                                 r"directory\)"):
        numrep.TrieStore.open(records)


@given(st.dictionaries(st.integers(1, MAX_KEY), st.integers(0, 2**64 - 1), max_size=40), st.booleans())
def test_equal_stores_are_those_with_the_same_keys_and_values(model: dict[int, int], with_values: bool) -> None:
    """TrieStore had no __eq__: two stores of the same keys and values compared by identity."""
    keys = list(model)
    build = (lambda k, v: numrep.TrieStore.build(k, v)) if with_values else (lambda k, v: numrep.TrieStore.build(k))
    a = build(keys, list(model.values()))
    b = build(keys[::-1], list(model.values())[::-1])  # another order: the same store
    assert a == b
    assert (a != b) is False
    assert a == numrep.TrieStore.from_bytes(a.to_bytes())
    if keys:
        changed = dict(model)
        changed[keys[0]] = (model[keys[0]] + 1) % 2**64
        assert (a == build(list(changed), list(changed.values()))) is (not with_values)
        fewer = keys[1:]
        assert a != build(fewer, [model[k] for k in fewer])
        other = max(keys) % MAX_KEY + 1
        if other not in model:
            assert a != build([*fewer, other], [*(model[k] for k in fewer), 0])
    assert (a == numrep.TrieStore.build(keys)) is (not with_values)  # a set never equals a map
    assert a != 3 and a != keys


def test_a_set_never_equals_a_store_with_values() -> None:
    keys = [84912345678, 84912345679]
    assert numrep.TrieStore.build(keys) != numrep.TrieStore.build(keys, [0, 0])
    assert numrep.TrieStore.build([]) == numrep.TrieStore.build([])
    with pytest.raises(TypeError, match="unhashable"):
        hash(numrep.TrieStore.build(keys))


def test_arrow_values_that_are_not_integers_are_named() -> None:
    """A decimal or string Arrow column of values leaked pyarrow's "zero_copy_only" error."""
    import decimal

    pa = pytest.importorskip("pyarrow")
    with pytest.raises(TypeError, match="value at index 0 is a Decimal, expected an int"):
        numrep.TrieStore.build([84912345678], pa.array([decimal.Decimal(1)]))
    with pytest.raises(TypeError, match="value at index 0 is a str, expected an int"):
        numrep.TrieStore.build([84912345678], pa.array(["1"]))
    assert numrep.TrieStore.build([84912345678], pa.array([7])).get(84912345678) == 7
