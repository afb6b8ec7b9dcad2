"""numrep.BloomFilter: membership, false-positive rate, set operations, persistence, errors."""

from __future__ import annotations

import copy
import pathlib
import pickle
import re
import subprocess
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import numrep
from conftest import build_cpp_tool

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEY_LOW, KEY_HIGH = 84_100_000_000, 84_999_999_999  # Vietnamese-length E.164 keys


def random_keys(seed: int, count: int, low: int = KEY_LOW, high: int = KEY_HIGH) -> np.ndarray:
    return np.random.default_rng(seed).integers(low, high, size=count, dtype=np.uint64)


def filled(keys: np.ndarray, capacity: int | None = None, fpr: float = 0.01, **options: object) -> numrep.BloomFilter:
    bf = numrep.BloomFilter(capacity or max(1, len(keys)), fpr, **options)
    bf.add_many(keys)
    return bf


# ---- membership ----

@pytest.mark.parametrize("count", [0, 1, 7, 1000, 300_000])
@pytest.mark.parametrize("fpr", [0.1, 0.01, 0.0001])
def test_no_false_negatives(count: int, fpr: float) -> None:
    keys = random_keys(count, count)
    bf = filled(keys, fpr=fpr)
    assert bf.contains_many(keys).all()


@given(st.lists(st.integers(1, 10**15 - 1), max_size=300), st.integers(0, 2**64 - 1))  # E.164 keys
def test_no_false_negatives_property(keys: list[int], seed: int) -> None:
    array = np.array(keys, dtype=np.uint64)
    bf = numrep.BloomFilter(max(1, len(keys)), 0.05, seed=seed)
    bf.add_many(array)
    assert bf.contains_many(array).all()
    assert all(bf.contains_many(np.array([k], dtype=np.uint64))[0] for k in keys[:20])


def test_single_calls_accept_str_int_and_phone_number() -> None:
    bf = numrep.BloomFilter(100)
    bf.add("0912 345 678")
    assert "+84912345678" in bf
    assert 84912345678 in bf
    assert numrep.parse("0912345678") in bf
    assert "0912345679" not in bf  # one key in 100 keys' worth of bits: a false positive is ~1e-12
    bf.add(84_323_456_789)
    assert "0162 345 6789" in bf  # legacy form of the same number
    with pytest.raises(numrep.ParseError, match="not-a-number"):
        bf.add("not-a-number")
    with pytest.raises(ValueError):
        _ = "1" in bf


def test_batch_calls_accept_lists_of_strings_and_agree_with_single_calls() -> None:
    texts = ["0912345678", "+84 86 123 4567", "028 3823 4567"]
    bf = numrep.BloomFilter(100)
    bf.add_many(texts)
    assert bf.contains_many(texts).tolist() == [True, True, True]
    assert all(t in bf for t in texts)
    assert bf.contains_many(numrep.parse_many(texts)).tolist() == [True, True, True]
    assert bf.contains_many(np.array(texts)).tolist() == [True, True, True]
    assert bf.contains_many(["0912345679"]).tolist() == [False]
    assert bf.contains_many(np.array([], dtype=np.uint64)).shape == (0,)
    assert bf.contains_many(numrep.parse_many(texts)).dtype == np.bool_


def test_invalid_string_in_batch_names_the_item_and_adds_nothing() -> None:
    bf = numrep.BloomFilter(100)
    before = bf.to_bytes()
    with pytest.raises(ValueError, match=r'item 1: cannot parse "oops"'):
        bf.add_many(["0912345678", "oops", "0912345670"])
    with pytest.raises(ValueError, match="item 0: missing value"):
        bf.add_many([None])
    assert bf.to_bytes() == before
    with pytest.raises(ValueError, match="item 2"):
        bf.contains_many(["0912345678", "0912345670", "x"])
    with pytest.raises(TypeError, match="one string"):
        bf.add_many("0912345678")
    with pytest.raises(TypeError, match="float64"):
        bf.add_many(np.array([1.5]))


def test_update_takes_any_iterable() -> None:
    bf = numrep.BloomFilter(100)
    bf.update(f"09123456{i:02d}" for i in range(50))
    assert all(f"09123456{i:02d}" in bf for i in range(50))


def run_threads(*targets: object) -> None:
    errors: list[BaseException] = []

    def guarded(target) -> None:  # type: ignore[no-untyped-def]
        try:
            target()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_adds_from_threads_on_an_exclusive_filter_lose_nothing() -> None:
    # Without concurrent=True inserts are not atomic: the filter's lock makes threads take turns.
    # (Unlocked, two threads' read-modify-write of one word loses a bit in about half the rounds.)
    capacity = 600_000
    chunks = [np.array_split(random_keys(200 + i, 100_000), 5) for i in range(6)]
    expected = filled(np.concatenate([np.concatenate(c) for c in chunks]), capacity=capacity)
    for _ in range(20):
        bf = numrep.BloomFilter(capacity)
        assert not bf.concurrent
        start = threading.Barrier(len(chunks))

        def adder(parts: list[np.ndarray]):  # type: ignore[no-untyped-def]
            def run() -> None:
                start.wait()
                for part in parts:
                    bf.add_many(part)
            return run

        run_threads(*(adder(parts) for parts in chunks))
        assert bf == expected  # no false negatives: every bit of every key is set


@pytest.mark.parametrize("concurrent", [False, True])
def test_readers_and_writers_from_threads_see_consistent_filters(concurrent: bool) -> None:
    chunks = [random_keys(300 + i, 40_000) for i in range(3)]
    bf = numrep.BloomFilter(120_000, concurrent=concurrent)
    other = numrep.BloomFilter(120_000, concurrent=concurrent)
    other.add_many(random_keys(310, 1000))
    snapshots: list[bytes] = []
    copies: list[numrep.BloomFilter] = []

    def writer(chunk: np.ndarray):  # type: ignore[no-untyped-def]
        return lambda: [bf.add_many(part) for part in np.array_split(chunk, 40)]

    def reader() -> None:
        for _ in range(20):
            snapshots.append(bf.to_bytes())
            copies.append(copy.copy(bf))
            _ = bf == other, len(bf), bf.expected_fpr, "0912345678" in bf
            merged = copy.copy(other)
            merged |= bf

    run_threads(*(writer(chunk) for chunk in chunks), reader, reader)
    final = filled(np.concatenate(chunks), capacity=120_000)
    assert bf == final
    for data in snapshots:
        assert numrep.BloomFilter.from_bytes(data) | final == final  # verified, and a subset of the end state
    for c in copies:
        assert c | final == final


def test_concurrent_adds_from_threads_lose_nothing() -> None:
    bf = numrep.BloomFilter(400_000, concurrent=True)
    assert bf.concurrent
    chunks = [random_keys(100 + i, 100_000) for i in range(4)]
    threads = [threading.Thread(target=bf.add_many, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(bf.contains_many(chunk).all() for chunk in chunks)
    assert bf == filled(np.concatenate(chunks), capacity=400_000)


# ---- false-positive rate and estimates ----

@pytest.mark.parametrize("fpr", [0.05, 0.01, 0.001])
def test_false_positive_rate_within_bounds(fpr: float) -> None:
    n = 100_000
    bf = filled(random_keys(1, n, KEY_LOW, 84_500_000_000), fpr=fpr)
    probes = random_keys(2, 1_000_000, 84_500_000_000, KEY_HIGH)  # disjoint: never inserted
    measured = float(bf.contains_many(probes).mean())
    assert measured <= fpr * 1.1, (measured, fpr)
    # The model for the bits set now must agree with what is measured, to within 5 sigma.
    sigma = (bf.expected_fpr / len(probes)) ** 0.5
    assert abs(measured - bf.expected_fpr) <= 5 * sigma + 0.05 * bf.expected_fpr, (measured, bf.expected_fpr)
    assert bf.fpr_at_capacity <= fpr


def test_sizing_properties() -> None:
    bf = numrep.BloomFilter(1_000_000, 0.01)
    assert 9.0 <= bf.bits_per_key <= 10.5
    assert 3 <= bf.num_probes <= 8
    assert bf.num_bits % 512 == 0
    assert bf.size_in_bytes == bf.num_bits // 8
    assert bf.bits_per_key == pytest.approx(bf.num_bits / 1_000_000)
    assert bf.capacity == 1_000_000
    assert numrep.BloomFilter(10, seed=2**64 - 1).seed == 2**64 - 1
    assert numrep.BloomFilter(10).seed == numrep.BloomFilter(20).seed  # a fixed default: default filters merge
    assert numrep.BloomFilter(1, 0.5).num_bits == 512  # capacity 1: one block


def test_approx_len_is_an_estimate_close_to_the_distinct_count() -> None:
    keys = random_keys(3, 50_000)
    bf = filled(np.concatenate([keys, keys]), capacity=60_000)
    distinct = len(np.unique(keys))
    assert abs(bf.approx_len() - distinct) <= 0.03 * distinct
    assert len(bf) == round(bf.approx_len())
    assert len(numrep.BloomFilter(100)) == 0
    assert bool(numrep.BloomFilter(100))  # a filter is not a falsy empty container


def test_repr_names_the_parameters_only() -> None:
    bf = numrep.BloomFilter(1000, 0.01)
    bf.add_many(random_keys(30, 500))
    # Parameters only: estimates from the bits (expected_fpr, approx_len) would scan them all.
    assert repr(bf) == (f"BloomFilter(capacity=1000, bits_per_key={bf.bits_per_key:.3g}, k={bf.num_probes}, "
                        f"fpr_at_capacity={bf.fpr_at_capacity:.3g})")
    assert "expected_fpr" not in repr(bf) and "approx_len" not in repr(bf)


@pytest.mark.parametrize("capacity, fpr", [(10, float("nan")), (10, 0.0), (10, 1.0), (10, -0.5),
                                           (10, 1.5), (10, float("inf")), (10**18, 1e-9)])
def test_bad_sizes_are_rejected(capacity: int, fpr: float) -> None:
    with pytest.raises(ValueError, match="capacity|fpr|too large"):
        numrep.BloomFilter(capacity, fpr)


@pytest.mark.parametrize("capacity", [0, np.uint64(0)])
def test_capacity_zero_is_refused_as_in_cpp(capacity: object) -> None:
    # A filter sized for nothing got one block and, a few hundred adds later, answered True for
    # every number: a store that silently stops filtering.
    with pytest.raises(ValueError, match="capacity must be at least 1, got 0"):
        numrep.BloomFilter(capacity)  # type: ignore[arg-type]


@pytest.mark.parametrize("capacity, shown", [(1000.0, "a float (1000.0)"), ("1000", "a str ('1000')"),
                                             (None, "(None)"), (np.float64(5), "a float64")])
def test_a_capacity_that_is_no_int_is_named(capacity: object, shown: str) -> None:
    # pybind11 listed the constructor's signature ("incompatible constructor arguments").
    with pytest.raises(TypeError, match=r"^numrep: BloomFilter capacity must be an int .*, got .*" + re.escape(shown)):
        numrep.BloomFilter(capacity)  # type: ignore[arg-type]


def test_capacity_one_is_the_smallest_filter() -> None:
    bf = numrep.BloomFilter(1)
    assert bf.capacity == 1 and bf.num_bits == 512
    assert "0912345678" not in bf
    bf.add("0912345678")
    assert "0912345678" in bf
    assert numrep.BloomFilter.from_bytes(bf.to_bytes()) == bf


@pytest.mark.parametrize("capacity, message", [(-1, "must not be negative, got -1"),
                                               (-(2**70), f"must not be negative, got {-(2**70)}"),
                                               (2**64, f"capacity {2**64} is too large")])
def test_capacity_out_of_range_is_a_value_error_naming_it(capacity: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        numrep.BloomFilter(capacity)


def test_capacity_takes_any_integer_but_not_a_float() -> None:
    assert numrep.BloomFilter(np.int64(1000)).capacity == 1000
    assert numrep.BloomFilter(np.uint64(5000)).capacity == 5000
    with pytest.raises(TypeError):
        numrep.BloomFilter(1000.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        numrep.BloomFilter("1000")  # type: ignore[arg-type]


# ---- set operations ----

def test_union_equals_the_filter_of_the_union() -> None:
    a_keys, b_keys = random_keys(4, 20_000), random_keys(5, 30_000)
    a, b = filled(a_keys, capacity=50_000), filled(b_keys, capacity=50_000)
    both = filled(np.concatenate([a_keys, b_keys]), capacity=50_000)
    assert a | b == both
    a_copy = copy.copy(a)
    original = a_copy
    a_copy |= b
    assert a_copy is original and a_copy == both
    assert a != both


def test_union_and_intersection_keep_the_left_operands_capacity() -> None:
    """Filters made for slightly different capacities can have one size (and so combine): the
    result's capacity is the left operand's, as the docstrings say."""
    a, b = numrep.BloomFilter(1000, 0.01), numrep.BloomFilter(990, 0.01)
    assert a.num_bits == b.num_bits and a == b
    assert ((a | b).capacity, (b | a).capacity) == (1000, 990)
    assert ((a & b).capacity, (b & a).capacity) == (1000, 990)
    assert "left operand's capacity" in (numrep.BloomFilter.__or__.__doc__ or "")


def test_intersection_keeps_common_keys() -> None:
    common, only_a, only_b = random_keys(6, 5000), random_keys(7, 5000), random_keys(8, 5000)
    a = filled(np.concatenate([common, only_a]), capacity=20_000)
    b = filled(np.concatenate([common, only_b]), capacity=20_000)
    both = a & b
    assert both.contains_many(common).all()
    assert both.contains_many(only_a).mean() < 0.05
    c = copy.deepcopy(a)
    c &= b
    assert c == both
    assert (a & a) == a


@pytest.mark.parametrize("other, what", [
    (lambda: numrep.BloomFilter(2000), "sizes"),
    (lambda: numrep.BloomFilter(1000, seed=7), "hash seeds"),
])
def test_set_operations_name_the_mismatch(other, what: str) -> None:
    bf = numrep.BloomFilter(1000)
    for operation in (lambda x, y: x | y, lambda x, y: x & y):
        with pytest.raises(ValueError, match=what):
            operation(bf, other())
    with pytest.raises(ValueError, match=f"union of filters with different {what}"):
        bf |= other()
    with pytest.raises(ValueError, match=f"intersection of filters with different {what}"):
        bf &= other()
    with pytest.raises(TypeError):
        _ = bf | 3


# ---- persistence ----

def test_save_open_load_round_trip(tmp_path: pathlib.Path) -> None:
    keys = random_keys(9, 10_000)
    bf = filled(keys, seed=12345)
    path = tmp_path / "reported.nrb"
    bf.save(path)
    bf.save(str(tmp_path / "as-str.nrb"))
    for other in (numrep.BloomFilter.open(path), numrep.BloomFilter.load(path),
                  numrep.BloomFilter.open(str(tmp_path / "as-str.nrb"))):
        assert other == bf
        assert other.seed == 12345 and other.capacity == bf.capacity
        assert other.contains_many(keys).all()
    probes = random_keys(10, 10_000)
    assert (numrep.BloomFilter.open(path).contains_many(probes) == bf.contains_many(probes)).all()
    loaded = numrep.BloomFilter.load(path)
    loaded.add("0912345678")  # load gives a writable copy
    assert "0912345678" in loaded


def test_opened_filter_is_read_only(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "f.nrb"
    filled(random_keys(11, 100)).save(path)
    mapped = numrep.BloomFilter.open(path)
    assert mapped.read_only and "read_only=True" in repr(mapped)
    before = mapped.to_bytes()
    for update in (lambda: mapped.add("0912345678"), lambda: mapped.add_many(random_keys(12, 10)),
                   lambda: mapped.update(["0912345678"]), mapped.clear):
        with pytest.raises(TypeError, match="read-only BloomFilter"):
            update()
    with pytest.raises(TypeError, match="read-only"):
        mapped |= numrep.BloomFilter.load(path)
    assert mapped.to_bytes() == before
    writable = mapped | mapped  # a new, writable filter
    writable.add("0912345678")
    assert not writable.read_only


def test_bytes_and_pickle_round_trip() -> None:
    bf = filled(random_keys(13, 5000), seed=99, concurrent=True)
    assert numrep.BloomFilter.from_bytes(bf.to_bytes()) == bf
    data = bf.to_bytes()
    for buffer in (bytearray(data), memoryview(data), memoryview(bytearray(data)), np.frombuffer(data, dtype=np.uint8)):
        assert numrep.BloomFilter.from_bytes(buffer) == bf
    with pytest.raises(BufferError):
        numrep.BloomFilter.from_bytes(memoryview(data)[::2])  # not contiguous
    with pytest.raises(TypeError):
        numrep.BloomFilter.from_bytes("not bytes")  # type: ignore[arg-type]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        copy_ = pickle.loads(pickle.dumps(bf, protocol=protocol))
        assert copy_ == bf and copy_.seed == 99 and copy_.concurrent and copy_.capacity == bf.capacity


def test_corrupted_bytes_raise_format_error() -> None:
    data = filled(random_keys(14, 20), capacity=20).to_bytes()
    for i in range(len(data)):
        damaged = bytearray(data)
        damaged[i] ^= 0x5A
        with pytest.raises(numrep.FormatError):
            numrep.BloomFilter.from_bytes(damaged)
    for length in (0, 1, 16, len(data) // 2, len(data) - 1):
        with pytest.raises(numrep.FormatError):
            numrep.BloomFilter.from_bytes(data[:length])


def test_open_verifies_the_whole_file_or_only_the_header(tmp_path: pathlib.Path) -> None:
    keys = random_keys(18, 1000)
    bf = filled(keys)
    data = bytearray(bf.to_bytes())
    path = tmp_path / "f.nrb"
    path.write_bytes(data)
    for verify in ("full", "header"):
        assert numrep.BloomFilter.open(path, verify=verify) == bf
    data[-1] ^= 0x01  # a bit of the bit array: only the full check reads it
    path.write_bytes(data)
    with pytest.raises(numrep.FormatError, match="checksum mismatch"):
        numrep.BloomFilter.open(path)
    with pytest.raises(numrep.FormatError, match="checksum mismatch"):
        numrep.BloomFilter.open(path, verify="full")
    mapped = numrep.BloomFilter.open(path, verify="header")  # opens; answers may differ, nothing crashes
    assert mapped.read_only and mapped.capacity == bf.capacity
    mapped.contains_many(keys)
    data[70] ^= 0x01  # a header byte: refused either way
    path.write_bytes(data)
    with pytest.raises(numrep.FormatError, match="header checksum mismatch"):
        numrep.BloomFilter.open(path, verify="header")
    for bad in ("none", "FULL", ""):
        with pytest.raises(ValueError, match='verify must be "full" or "header"'):
            numrep.BloomFilter.open(path, verify=bad)


def test_damaged_file_raises_format_error_naming_it(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "damaged.nrb"
    path.write_bytes(b"not a filter at all" * 10)
    for reader in (numrep.BloomFilter.open, numrep.BloomFilter.load):
        with pytest.raises(numrep.FormatError, match="damaged.nrb"):
            reader(path)


# ---- Python <-> C++ ----

@pytest.fixture(scope="module")
def cpp_tool(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    return build_cpp_tool("bloom_roundtrip", tmp_path_factory.mktemp("cpp"))


def keys_text(keys: np.ndarray) -> str:
    return "\n".join(str(int(k)) for k in keys) + "\n"


def test_filter_saved_by_python_answers_the_same_in_cpp(cpp_tool: pathlib.Path, tmp_path: pathlib.Path) -> None:
    keys = random_keys(15, 20_000)
    bf = filled(keys, seed=4242)
    path = tmp_path / "py.nrb"
    bf.save(path)
    probes = np.concatenate([keys[:2000], random_keys(16, 20_000)])
    result = subprocess.run([str(cpp_tool), "query", str(path)], input=keys_text(probes),
                            capture_output=True, text=True, check=True)
    answers = np.array([line == "1" for line in result.stdout.split()], dtype=bool)
    assert (answers == bf.contains_many(probes)).all()
    assert answers[:2000].all() and 0 < answers[2000:].sum() < 20_000 * 0.02  # some false positives, few


def test_filter_saved_by_cpp_answers_the_same_in_python(cpp_tool: pathlib.Path, tmp_path: pathlib.Path) -> None:
    keys = random_keys(17, 20_000)
    path = tmp_path / "cpp.nrb"
    subprocess.run([str(cpp_tool), "build", str(path), "20000", "0.01", "777"], input=keys_text(keys),
                   capture_output=True, text=True, check=True)
    from_cpp = numrep.BloomFilter.open(path)
    assert from_cpp.seed == 777 and from_cpp.capacity == 20_000
    assert from_cpp == filled(keys, capacity=20_000, fpr=0.01, seed=777)
    assert from_cpp.contains_many(keys).all()


def test_batch_adds_refuse_key_zero_and_batch_checks_say_not_in() -> None:
    # 0 is what parse_many(errors="coerce") gives for text that is no number: storing it would
    # make every such text "reported" afterwards.
    bf = numrep.BloomFilter(capacity=1000, fpr=0.01)
    keys = numrep.parse_many(["0912345678", "not a number"], errors="coerce")
    with pytest.raises(ValueError, match=r"BloomFilter.add_many: key 0 at index 1 is not a number"):
        bf.add_many(keys)
    with pytest.raises(ValueError, match=r"key 10000000000000000 at index 0 has more than 15 digits"):
        bf.update(np.array([10**16], dtype=np.uint64))
    bf.add_many(keys[keys != 0])
    assert bf.contains_many(keys).tolist() == [True, False]
    assert not bf.contains_many(np.array([0, 10**16], dtype=np.uint64)).any()


def test_keys_never_added_are_out_in_every_block_of_a_long_batch() -> None:
    # A filter so overfull that it answers yes to nearly any valid key: keys 0 and past 15
    # digits (which add refuses) must still be out, wherever they fall in a batch of many
    # blocks (contains_many works through a long array a block of keys at a time).
    bf = numrep.BloomFilter(10, 0.5)
    bf.add_many(random_keys(7, 20_000))
    keys = random_keys(8, 10_000)
    bad_at = [0, 4095, 4096, 4097, 8191, 8192, 9999]
    for i, bad in zip(bad_at, [0, 10**15, 2**64 - 1, 0, 10**16, 0, 10**15]):
        keys[i] = bad
    got = bf.contains_many(keys)
    assert not got[bad_at].any()
    good = np.setdiff1d(np.arange(len(keys)), bad_at)
    assert got[good].tolist() == bf.contains_many(keys[good]).tolist()
    assert got[good].mean() > 0.99


def test_fpr_and_seed_of_the_wrong_kind_are_named() -> None:
    """pybind11 answered with its list of signatures; a negative seed said nothing of why."""
    with pytest.raises(TypeError, match=r"fpr must be a float in \(0, 1\), got a str \('x'\)"):
        numrep.BloomFilter(100, fpr="x")
    with pytest.raises(TypeError, match=r"fpr must be a float in \(0, 1\), got a bool"):
        numrep.BloomFilter(100, fpr=True)
    with pytest.raises(TypeError, match=r"seed must be an int or None, got a str \('x'\)"):
        numrep.BloomFilter(100, seed="x")
    with pytest.raises(TypeError, match="seed must be an int or None, got a float"):
        numrep.BloomFilter(100, seed=1.0)
    for seed in (-1, 2**64):
        with pytest.raises(ValueError, match=f"seed must be 0 to 2\\*\\*64 - 1, got {seed}"):
            numrep.BloomFilter(100, seed=seed)
    # Every number kind that is one: NumPy scalars, the whole range of seeds.
    assert numrep.BloomFilter(100, fpr=np.float32(0.1)) == numrep.BloomFilter(100, fpr=0.1)
    assert numrep.BloomFilter(100, seed=2**64 - 1) == numrep.BloomFilter(100, seed=np.uint64(2**64 - 1))
    assert numrep.BloomFilter(100, seed=3) != numrep.BloomFilter(100)
