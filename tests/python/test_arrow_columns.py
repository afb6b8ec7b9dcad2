"""Columns read in place through the Arrow C data interface: pyarrow arrays and chunked arrays,
polars Series and Arrow-backed pandas Series give the same keys as the same values in a list
(the reference path, through Python str objects), with nulls as missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numrep

polars = pytest.importorskip("polars")

VALUES = ["0912345678", None, "", "nonsense", "+1 650 253 0000", "84 86 123 4567", "0912345678", "+44 20 7946 0958",
          "012 3456 7890", "  +84-912-345-678 ext 9  "]


def reference(values: list[str | None], region: str | None = "VN") -> np.ndarray:
    """Keys by the list path, 0 for a missing value or one that does not parse."""
    return numrep.parse_many([v if v is not None else None for v in values], region=region)


def as_numpy(keys: object) -> np.ndarray:
    """Arrow / polars keys with nulls as 0, as the NumPy path gives them."""
    if isinstance(keys, (pa.Array, pa.ChunkedArray)):
        return np.asarray(keys.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.uint64)
    if isinstance(keys, polars.Series):
        return keys.fill_null(0).to_numpy().astype(np.uint64)
    return np.asarray(keys, dtype=np.uint64)


ARROW_KINDS = {
    "string": lambda v: pa.array(v, type=pa.string()),
    "large_string": lambda v: pa.array(v, type=pa.large_string()),
    "string_view": lambda v: pa.array(v, type=pa.string_view()),
    "binary": lambda v: pa.array([None if x is None else x.encode() for x in v], type=pa.binary()),
    "large_binary": lambda v: pa.array([None if x is None else x.encode() for x in v], type=pa.large_binary()),
    "dictionary": lambda v: pa.array(v, type=pa.string()).dictionary_encode(),
    "chunked": lambda v: pa.chunked_array([pa.array(v[:3], type=pa.string()), pa.array([], type=pa.string()),
                                           pa.array(v[3:], type=pa.string())], type=pa.string()),
    "sliced": lambda v: pa.array(["x", "y", *v], type=pa.string())[2:],
    "polars": lambda v: polars.Series("caller", v, dtype=polars.String),
    "polars_categorical": lambda v: polars.Series("caller", v, dtype=polars.String).cast(polars.Categorical),
    "pandas_pyarrow": lambda v: pd.Series(v, dtype="string[pyarrow]"),
    "pandas_arrowdtype": lambda v: pd.Series(v, dtype=pd.ArrowDtype(pa.string())),
    "pandas_python": lambda v: pd.Series(v, dtype="string[python]"),
}


@pytest.mark.parametrize("kind", sorted(ARROW_KINDS))
def test_parse_many_matches_the_list_path(kind: str) -> None:
    column = ARROW_KINDS[kind](VALUES)
    keys = numrep.parse_many(column)
    assert as_numpy(keys).tolist() == reference(VALUES).tolist()


@pytest.mark.parametrize("kind", ["string", "chunked", "dictionary"])
def test_pyarrow_in_gives_arrow_out_with_nulls(kind: str) -> None:
    keys = numrep.parse_many(ARROW_KINDS[kind](VALUES))
    assert isinstance(keys, pa.Array)
    assert keys.type == pa.uint64()
    expected = [None if k == 0 else int(k) for k in reference(VALUES)]
    assert keys.to_pylist() == expected


def test_polars_in_gives_polars_out_with_nulls() -> None:
    keys = numrep.parse_many(polars.Series("caller", VALUES))
    assert isinstance(keys, polars.Series)
    assert keys.name == "caller"
    assert keys.dtype == polars.UInt64
    assert keys.to_list() == [None if k == 0 else int(k) for k in reference(VALUES)]


def test_pandas_gives_numpy() -> None:
    keys = numrep.parse_many(pd.Series(VALUES, dtype="string[pyarrow]", index=range(100, 110)))
    assert isinstance(keys, np.ndarray)
    assert keys.tolist() == reference(VALUES).tolist()


def test_regions_per_value_and_none() -> None:
    values = ["0912345678", "020 7946 0958", "+84912345678", None]
    regions = ["VN", "GB", None, "VN"]
    assert as_numpy(numrep.parse_many(pa.array(values), region=regions)).tolist() == \
        numrep.parse_many(values, region=regions).tolist()
    # A dictionary column with regions per value parses each row with its own region.
    dictionary = pa.array(["0912345678", "0912345678"]).dictionary_encode()
    keys = as_numpy(numrep.parse_many(dictionary, region=["VN", "GB"]))
    assert keys.tolist() == numrep.parse_many(["0912345678", "0912345678"], region=["VN", "GB"]).tolist()
    assert numrep.parse_many(pa.array(["0912345678"]), region=None).to_pylist() == [None]


def test_errors_raise_names_the_item() -> None:
    with pytest.raises(numrep.ParseError, match=r"item 3: .*nonsense"):
        numrep.parse_many(pa.array(["0912345678", "0912345679", "0912345670", "nonsense"]), errors="raise")
    with pytest.raises(numrep.ParseError, match="item 1: missing value"):
        numrep.parse_many(pa.array(["0912345678", None, "nonsense"]), errors="raise")
    with pytest.raises(numrep.ParseError, match=r"item 4: .*nonsense"):
        numrep.parse_many(pa.chunked_array([["0912345678", "0912345678"], ["0912345678", "0912345678", "nonsense"]]),
                          errors="raise")
    with pytest.raises(numrep.ParseError, match=r"item 2: .*bad"):
        numrep.parse_many(pa.array(["0912345678", "0912345678", "bad"]).dictionary_encode(), errors="raise")


def test_other_arrow_types_are_type_errors_naming_the_format() -> None:
    with pytest.raises(TypeError, match='parse_many takes strings; got an Arrow column of integers \\(format "l"'):
        numrep.parse_many(pa.array([84912345678]))
    with pytest.raises(TypeError, match='format "g"'):
        numrep.parse_many(pa.array([1.5]))
    with pytest.raises(TypeError, match='format "tsu:"'):
        numrep.BloomFilter(10).contains_many(pa.array([pd.Timestamp("2026-01-01")], type=pa.timestamp("us")))



def test_tables_and_float_columns_are_named_and_told_what_to_do() -> None:
    """A table was "an Arrow column of format '+s'", and parse_many said it took integer keys."""
    table = pa.table({"number": ["0912345678"]})
    for value in (table, table.to_batches()[0], polars.DataFrame({"number": ["0912345678"]})):
        with pytest.raises(TypeError, match=r'parse_many takes strings, got an Arrow table .*table\["number"\]'):
            numrep.parse_many(value)
        with pytest.raises(TypeError, match="lookup_many takes strings or integer keys, got an Arrow table"):
            numrep.lookup_many(value)
    for call in (numrep.parse_many, numrep.lookup_many, numrep.BloomFilter(10).contains_many):
        with pytest.raises(TypeError, match=r'takes a column, got a pandas DataFrame: pass one of its columns'):
            call(pd.DataFrame({"number": ["0912345678"]}))
    for floats in (pa.array([912345678.0]), pd.Series([912345678.0], dtype="Float64"),
                   polars.Series("n", [912345678.0])):
        with pytest.raises(TypeError, match='takes strings, got an Arrow column of floats.*lost its leading zeros'):
            numrep.parse_many(floats)


def test_empty_and_all_null_columns() -> None:
    assert numrep.parse_many(pa.array([], type=pa.string())).to_pylist() == []
    assert numrep.parse_many(pa.array([None, None])).to_pylist() == [None, None]
    # A dictionary of the null type is all missing too (it was refused as 'a dictionary of format "n"').
    assert numrep.parse_many(pa.array([None, None]).dictionary_encode()).to_pylist() == [None, None]
    assert numrep.lookup_many(pa.array([None, None]).dictionary_encode())["valid"].tolist() == [False, False]
    assert numrep.parse_many(polars.Series("x", [], dtype=polars.String)).to_list() == []


@pytest.mark.parametrize("type_", [pa.int64(), pa.uint64(), pa.int32(), pa.uint32()])
def test_integer_columns_are_keys(type_: pa.DataType) -> None:
    trie = numrep.TrieStore.build([84912345678, 16502530000 % (1 << 31)])
    keys = pa.array([84912345678 % (1 << 31) if type_.bit_width == 32 else 84912345678, 7, 16502530000 % (1 << 31)],
                    type=type_)
    expected = trie.contains_many(np.asarray(keys.to_numpy(), dtype=np.uint64))
    assert trie.contains_many(keys).tolist() == expected.tolist()
    # A null is a missing value, as in any column (test_store_calls_refuse_a_missing_key_in_any_column_type).
    with pytest.raises(numrep.ParseError, match="item 1: missing value"):
        trie.contains_many(pa.array([keys[0].as_py(), None], type=type_))


def test_negative_integer_key_is_named() -> None:
    with pytest.raises(ValueError, match="contains_many: key -5 at index 1 is negative"):
        numrep.BloomFilter(10).contains_many(pa.chunked_array([[84912345678], [-5]]))
    with pytest.raises(ValueError, match="key -5 at index 0 is negative"):
        numrep.BloomFilter(10).contains_many(pd.Series([-5, None], dtype="Int64"))


def test_batch_calls_take_arrow_columns(tmp_path: object) -> None:
    numbers = ["0912345678", "0861234567", "nonsense", "0912345679", "+1 650 253 0000"]
    reported = [84912345678, 84861234567]
    bloom = numrep.BloomFilter(100)
    bloom.add_many(reported)
    trie = numrep.TrieStore.build(reported, [3, 4])
    for column in (pa.array(numbers), polars.Series("n", numbers), pd.Series(numbers, dtype="string[pyarrow]")):
        keys = numrep.parse_many(numbers)
        valid = keys[keys != 0]
        assert bloom.contains_many(pa.array(numbers[:2] + numbers[3:])).tolist() == bloom.contains_many(
            valid).tolist()
        head = column[:2] if not isinstance(column, pd.Series) else column.iloc[:2]
        values, found = trie.get_many(head)
        assert values.tolist() == [3, 4]
        assert found.tolist() == [True, True]
        looked = numrep.lookup_many(column)
        expected = numrep.lookup_many(keys)
        for name in expected:
            assert np.array_equal(looked[name], expected[name]), name


def test_check_many_from_arrow_matches_numpy(tmp_path: object) -> None:
    frame = pd.DataFrame({"number": ["0912345678", "0912345678", "0861234567"],
                          "time": ["2026-01-01", "2026-01-02", "2026-01-03"],
                          "category": ["scam", "scam", "spam"]})
    db = numrep.ReputationDB.from_frame(frame)
    numbers = ["0912345678", None, "0861234567", "x", "0912345679"]
    keys = numrep.parse_many(numbers)
    expected = db.check_many(keys, now=1767484800)
    for column in (pa.array(numbers), pa.chunked_array([numbers[:1], numbers[1:]]), polars.Series(numbers)):
        got = db.check_many(column, now=1767484800)
        for name in expected:
            assert np.array_equal(got[name], expected[name]), name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789+-() .xabc٠١٢", max_size=20),
                          st.from_regex(r"\+?[0-9 ]{8,16}", fullmatch=True)), max_size=40),
       st.integers(min_value=0, max_value=5))
def test_property_arrow_equals_list(values: list[str | None], split: int) -> None:
    expected = reference(values).tolist()
    assert as_numpy(numrep.parse_many(pa.array(values, type=pa.string()))).tolist() == expected
    assert as_numpy(numrep.parse_many(pa.array(values, type=pa.string_view()))).tolist() == expected
    cut = min(split, len(values))
    chunked = pa.chunked_array([pa.array(values[:cut], type=pa.large_string()),
                                pa.array(values[cut:], type=pa.large_string())])
    assert as_numpy(numrep.parse_many(chunked)).tolist() == expected
    assert as_numpy(numrep.parse_many(pa.array(values, type=pa.string()).dictionary_encode())).tolist() == expected


def test_regions_as_arrow_and_pandas_na() -> None:
    values = ["0912345678", "6502530000"]
    expected = numrep.parse_many(values, region=["VN", None]).tolist()
    assert as_numpy(numrep.parse_many(pa.array(values), region=pa.array(["VN", None]))).tolist() == expected
    assert numrep.parse_many(values, region=pd.Series(["VN", None], dtype="string[pyarrow]")).tolist() == expected
    assert numrep.parse_many(values, region=pd.Series(["VN", pd.NA], dtype="string[python]")).tolist() == expected


def test_mixed_lists_keep_int_keys_in_batch_calls() -> None:
    """A list mixing ints with missing values or text: the ints are keys (as in an all-int list),
    as an Arrow integer column's are."""
    assert numrep.lookup_many([2025550123, None])["region_code"].tolist() == \
        numrep.lookup_many(pa.array([2025550123, None]))["region_code"].tolist()
    assert numrep.lookup_many([2025550123, None])["region_code"][0] == numrep.lookup_many([2025550123])["region_code"][0]
    trie = numrep.TrieStore.build([84912345678])
    assert trie.contains_many([84912345678, "0912345678"]).tolist() == [True, True]
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-01-01"],
                                                      "category": ["scam"]}))
    assert db.check_many([84912345678, None, "0912345678"], now="latest")["reports"].tolist() == [1, 0, 1]


def test_raise_names_the_first_bad_item_in_order() -> None:
    """errors="raise" names the first value that is no number, whether it is missing or bad text."""
    with pytest.raises(numrep.ParseError, match='item 1: cannot parse "bad"'):
        numrep.parse_many(["0912345678", "bad", None], errors="raise")
    with pytest.raises(numrep.ParseError, match="item 1: missing value"):
        numrep.parse_many(["0912345678", None, "bad"], errors="raise")
    for values in (["0912345678", "bad", None], ["0912345678", None, "bad"]):
        with pytest.raises(numrep.ParseError) as from_list:
            numrep.parse_many(values, errors="raise")
        with pytest.raises(numrep.ParseError) as from_arrow:
            numrep.parse_many(pa.array(values), errors="raise")
        assert str(from_list.value) == str(from_arrow.value)


def test_sliced_dictionary_chunks() -> None:
    """Chunks sliced from one dictionary array share it (the values parsed for one serve the
    next), and chunks with other dictionaries start over: both give the list path's keys."""
    texts = [f"09{i:08d}" for i in range(2000)]
    dictionary = pa.array(texts).dictionary_encode()
    chunked = pa.chunked_array([dictionary[i:i + 1] for i in range(2000)])
    assert chunked.num_chunks == 2000
    expected = numrep.parse_many(texts).tolist()
    assert numrep.parse_many(chunked).to_pylist() == expected
    reversed_dictionary = pa.array(texts[::-1]).dictionary_encode()  # other values at the same indices
    mixed = pa.chunked_array([dictionary[:5], reversed_dictionary[:5], dictionary[5:10]])
    assert numrep.parse_many(mixed).to_pylist() == expected[:5] + expected[::-1][:5] + expected[5:10]


def test_long_mixed_columns_match_one_by_one_parsing() -> None:
    """Columns long enough to be parsed in reordered blocks (parse_keys sorts blocks of 512 by
    the texts' shapes): every row still gets its own key, the one numrep.parse gives it."""
    rng = np.random.default_rng(20261205)
    forms = ["0912 345 678", "+84 912 345 678", "(+84) 912-345-678", "0084912345678", "84912345678",
             "tel:+84-91-234-5678", "\uff10\uff19\uff11\uff12345678", " 0912345678 ", "0162 345 6789",
             "024 3826 4321", "+1 650 253 0000", "nonsense", "", None]
    values = []
    for _ in range(1500):
        form = forms[rng.integers(len(forms))]
        values.append(None if form is None else form.replace("5", str(rng.integers(5, 10)), 1))

    def one(v: str | None) -> int:
        try:
            return 0 if v is None else numrep.parse(v, region="VN").key
        except numrep.ParseError:
            return 0

    expected = np.array([one(v) for v in values], dtype=np.uint64)
    assert np.count_nonzero(expected) > 1000
    assert np.array_equal(numrep.parse_many(values), expected)
    for kind in ("string", "large_string", "string_view", "chunked", "sliced", "dictionary", "polars",
                 "polars_categorical", "pandas_pyarrow"):
        got = numrep.parse_many(ARROW_KINDS[kind](values))
        assert np.array_equal(as_numpy(got), expected), kind
        # Missing exactly where no key came out (the null count is taken while parsing).
        if isinstance(got, pa.Array):
            assert got.null_count == np.count_nonzero(expected == 0), kind
            assert np.array_equal(np.asarray(got.is_null().to_numpy(zero_copy_only=False)), expected == 0), kind
        elif isinstance(got, polars.Series):
            assert np.array_equal(got.is_null().to_numpy(), expected == 0), kind


class _ArrowProducer:
    """A producer of one Arrow string chunk with the buffers given (as raw addresses), for
    columns no library would hand over: numrep must refuse them, not read through them."""

    def __init__(self, length: int, offsets: np.ndarray | None, data: bytes | None, fmt: bytes = b"u",
                 validity: bytes | None = None, null_count: int = 0, raw_buffers: list | None = None) -> None:
        import ctypes

        class Schema(ctypes.Structure):
            pass

        class Array(ctypes.Structure):
            pass

        schema_release = ctypes.CFUNCTYPE(None, ctypes.POINTER(Schema))
        array_release = ctypes.CFUNCTYPE(None, ctypes.POINTER(Array))
        Schema._fields_ = [("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
                           ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64), ("children", ctypes.c_void_p),
                           ("dictionary", ctypes.c_void_p), ("release", schema_release),
                           ("private_data", ctypes.c_void_p)]
        Array._fields_ = [("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
                          ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64), ("buffers", ctypes.c_void_p),
                          ("children", ctypes.c_void_p), ("dictionary", ctypes.c_void_p), ("release", array_release),
                          ("private_data", ctypes.c_void_p)]

        def release_schema(s):  # the consumer calls these when it is done: mark released
            s.contents.release = schema_release()

        def release_array(a):
            a.contents.release = array_release()

        self._keep = [schema_release(release_schema), array_release(release_array), offsets, data, fmt, validity]
        self._buffers = (ctypes.c_void_p * 3)(None if validity is None else ctypes.cast(ctypes.c_char_p(validity),
                                                                                          ctypes.c_void_p).value,
                                               None if offsets is None else offsets.ctypes.data,
                                               None if data is None else ctypes.cast(ctypes.c_char_p(data),
                                                                                      ctypes.c_void_p).value)
        if raw_buffers is not None:  # any layout: addresses (or None) as given, the objects kept alive
            self._keep.append(raw_buffers)
            self._buffers = (ctypes.c_void_p * len(raw_buffers))(*[
                None if b is None else b.ctypes.data if isinstance(b, np.ndarray)
                else ctypes.cast(ctypes.c_char_p(b), ctypes.c_void_p).value for b in raw_buffers])
        self._schema = Schema(fmt, None, None, 2, 0, None, None, self._keep[0], None)
        self._array = Array(length, null_count, 0, len(self._buffers), 0, ctypes.cast(self._buffers, ctypes.c_void_p),
                            None, None,
                            self._keep[1], None)
        new_capsule = ctypes.pythonapi.PyCapsule_New
        new_capsule.restype = ctypes.py_object
        new_capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        self._capsules = (new_capsule(ctypes.addressof(self._schema), b"arrow_schema", None),
                          new_capsule(ctypes.addressof(self._array), b"arrow_array", None))

    def __arrow_c_array__(self, requested_schema: object = None) -> tuple:
        return self._capsules


def test_well_formed_raw_arrow_producer_reads_like_pyarrow() -> None:
    """The raw producer below, with sound buffers, gives what pyarrow gives: the tests after it
    change one thing only."""
    texts = b"0912345678+84 912 345 679"
    producer = _ArrowProducer(2, np.array([0, 10, 25], dtype=np.int32), texts)
    assert list(numrep.parse_many(producer, region="VN")) == [84912345678, 84912345679]


@pytest.mark.parametrize("offsets, data, message", [
    ([0, 10, 4], b"0912345678+84 912", "offsets run backwards"),
    ([0, -2, 10], b"0912345678", "offsets run backwards"),
    ([0, 10, 25], None, "without its character buffer"),
    ([0, 5, 0], None, "without its character buffer"),  # the last offset alone says nothing
    (None, b"0912345678", "without its data buffer"),
])
def test_broken_arrow_string_buffers_are_refused(offsets: list[int] | None, data: bytes | None, message: str) -> None:
    producer = _ArrowProducer(2, None if offsets is None else np.array(offsets, dtype=np.int32), data)
    with pytest.raises(ValueError, match=message):
        numrep.parse_many(producer, region="VN")


def test_broken_offsets_are_named_at_the_first_whatever_the_threads() -> None:
    """A chunk long enough to be read on several threads (numrep.set_threads), broken in two
    places that different threads read: the error names the first place, as one thread does."""
    rows = 150_000
    offsets = np.arange(rows + 1, dtype=np.int32) * 10
    offsets[100_001] = 5    # value 100000 runs backwards
    offsets[140_001] = 7    # and value 140000
    data = b"0912345678" * rows
    try:
        for threads in (1, 4):
            numrep.set_threads(threads)
            with pytest.raises(ValueError, match=r"parse_many: Arrow column \(format \"u\"\): the value at row 100000 "
                                                 "is malformed: its string offsets run backwards"):
                numrep.parse_many(_ArrowProducer(rows, offsets, data), region="VN")
    finally:
        numrep.set_threads(None)


def test_a_long_chunk_without_character_buffer_is_refused_before_any_value_is_read() -> None:
    """Offsets that run back to 0 only in a later block (rows are read a block of 512 at a time)
    must not let the first block read through the missing buffer."""
    offsets = np.array([0] + [5] * 512 + [0], dtype=np.int32)
    with pytest.raises(ValueError, match="without its character buffer"):
        numrep.parse_many(_ArrowProducer(513, offsets, None), region="VN")


def test_the_validity_bitmap_decides_nulls_whatever_null_count_says() -> None:
    """A producer that leaves null_count at 0 (or -1, "not computed") but clears a validity bit:
    that value is null, as the bitmap says."""
    texts = b"0912345678" + b"0912345679" + b"0912345670"
    offsets = np.array([0, 10, 20, 30], dtype=np.int32)
    for null_count in (0, -1, 1):
        keys = numrep.parse_many(_ArrowProducer(3, offsets, texts, validity=bytes([0b101]), null_count=null_count),
                                 region="VN")
        assert list(keys) == [84912345678, 0, 84912345670], null_count


def test_string_views_into_a_missing_data_buffer_are_refused() -> None:
    """The 16-byte view layout (polars' strings): a long value lives in a data buffer; one that is
    missing is refused, while the same views over a real buffer read like pyarrow."""
    data = b"+84 912 345 678 and more"
    view = np.zeros(16, dtype=np.uint8)
    view[0:4] = np.frombuffer(np.int32(15).tobytes(), dtype=np.uint8)  # length 15: in data buffer 0, offset 0
    sizes = np.array([len(data)], dtype=np.int64)
    good = _ArrowProducer(1, None, None, fmt=b"vu", raw_buffers=[None, view, data, sizes])
    assert list(numrep.parse_many(good, region="VN")) == [84912345678]
    with pytest.raises(ValueError, match="missing data buffer"):
        numrep.parse_many(_ArrowProducer(1, None, None, fmt=b"vu", raw_buffers=[None, view, None, sizes]), region="VN")


def test_malformed_string_views_are_named_with_the_call_and_the_row() -> None:
    """A view with a negative length, one into a data buffer that is not there, one that runs past
    its buffer's end: refused, naming the call that read the column and the row (not only the
    value's place in its chunk)."""
    data = b"+84 912 345 678 and more"
    sizes = np.array([len(data)], dtype=np.int64)

    def view(length: int, buffer: int = 0, offset: int = 0) -> np.ndarray:
        v = np.zeros(16, dtype=np.uint8)
        v[0:4] = np.frombuffer(np.int32(length).tobytes(), dtype=np.uint8)
        if length > 12:
            v[8:12] = np.frombuffer(np.int32(buffer).tobytes(), dtype=np.uint8)
            v[12:16] = np.frombuffer(np.int32(offset).tobytes(), dtype=np.uint8)
        return v

    short = view(10)
    short[4:14] = np.frombuffer(b"0912345678", dtype=np.uint8)
    for bad, reason in [(view(-1), "its string view has a negative length"),
                        (view(15, buffer=1), "its string view points outside its data buffers"),
                        (view(15, offset=20), "its string view runs past the end of its data buffer")]:
        views = np.concatenate([short, short, bad])
        producer = _ArrowProducer(3, None, None, fmt=b"vu", raw_buffers=[None, views, data, sizes])
        with pytest.raises(ValueError, match=r"numrep: lookup_many: Arrow column \(format \"vu\"\): "
                                             f"the value at row 2 is malformed: {reason}"):
            numrep.lookup_many(producer, region="VN")


def test_malformed_values_of_a_later_chunk_name_the_row_in_the_column() -> None:
    """A chunked column whose second chunk has offsets that run backwards: the row is counted from
    the column's start, as every other message counts rows."""
    pyarrow = pytest.importorskip("pyarrow")
    good = pyarrow.array(["0912345678"] * 3)
    broken = pyarrow.Array.from_buffers(pyarrow.string(), 2, [None, pyarrow.py_buffer(np.array([0, 10, 4], np.int32)),
                                                                pyarrow.py_buffer(b"0912345678")])
    with pytest.raises(ValueError, match="the value at row 4 is malformed: its string offsets run backwards"):
        numrep.parse_many(pyarrow.chunked_array([good, broken]), region="VN")
    # A dictionary no larger than its chunk is read whole, one larger value by value as rows need them.
    whole = pyarrow.DictionaryArray.from_arrays(pyarrow.array([0, 1, 1], pyarrow.int32()), broken)
    with pytest.raises(ValueError, match=r"lookup_many: .*dictionary value 1 of the chunk from row 0 is malformed"):
        numrep.lookup_many(whole, region="VN")
    by_row = pyarrow.DictionaryArray.from_arrays(pyarrow.array([0, 4], pyarrow.int32()),
                                                 pyarrow.concat_arrays([good, broken]))
    with pytest.raises(ValueError, match=r"lookup_many: .*dictionary value 4 \(of row 1\) is malformed"):
        numrep.lookup_many(pyarrow.chunked_array([by_row.slice(0, 1), by_row.slice(1, 1)]), region="VN")
    bad_index = pyarrow.DictionaryArray.from_buffers(
        pyarrow.dictionary(pyarrow.int32(), pyarrow.string()), 2,
        [None, pyarrow.py_buffer(np.array([0, 5], np.int32))], dictionary=good)
    with pytest.raises(ValueError, match=r"parse_many: Arrow dictionary index 5 at row 1 is outside its 3 values"):
        numrep.parse_many(bad_index, region="VN")


@pytest.mark.parametrize("column", [
    pa.nulls(2), pa.array([None, None], type=pa.int64()), pa.array([84912345678, None]),
    polars.Series([None, None]), polars.Series([84912345678, None]),
], ids=["pa-null-type", "pa-int-nulls", "pa-int-one-null", "polars-null-type", "polars-int-one-null"])
def test_store_calls_refuse_a_missing_key_in_any_column_type(column: object) -> None:
    # As a null in a text column is (a store call raises for what is no number): not key 0,
    # which would answer "absent" in a query and be called "not a number" by add_many.
    store = numrep.TrieStore.build(["0912345678"], values=[5])
    bloom = numrep.BloomFilter(10)
    values = column.to_list() if isinstance(column, polars.Series) else column.to_pylist()
    first = next(i for i, v in enumerate(values) if v is None)
    for call in (store.contains_many, store.get_many, bloom.add_many, bloom.contains_many, numrep.TrieStore.build):
        with pytest.raises(numrep.ParseError, match="missing value") as raised:
            call(column)
        assert raised.value.reason == "missing_value" and raised.value.item == first
    # check_many reads a missing value as no number (a row of its own), not an error.
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-03-01"],
                                                      "category": ["scam"]}))
    assert db.check_many(column, now="latest")["key"].tolist()[first] == 0


def test_extension_types_stored_as_integers_are_not_keys() -> None:
    period = pd.Series(pd.period_range("2020-01-01", periods=2, freq="D"))
    store = numrep.TrieStore.build([18262])
    with pytest.raises(TypeError, match='contains_many takes strings or integer keys, got .*extension type "pandas.period"'):
        store.contains_many(period)
    # parse_many takes no integer keys: its message does not offer them.
    with pytest.raises(TypeError, match='parse_many takes strings, got .*extension type "pandas.period"'):
        numrep.parse_many(period)
    with pytest.raises(TypeError, match='extension type "pandas.period"'):
        numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-03-01"],
                                                     "category": ["scam"]})).check_many(period, now="latest")
    if hasattr(pa, "bool8"):
        with pytest.raises(TypeError, match='extension type "arrow.bool8"'):
            store.contains_many(pa.array([1, 0], pa.bool8()))
    # The plain integers are keys.
    assert store.contains_many(pa.array([18262, 18263])).tolist() == [True, False]


@pytest.mark.parametrize("values", [pa.array([1, None]), polars.Series([1, None]), pd.Series([1, None], dtype="Int64"),
                                    pd.Series([1.0, np.nan])], ids=["pyarrow", "polars", "pandas-Int64", "pandas-NaN"])
def test_build_names_a_missing_value(values: object) -> None:
    with pytest.raises(ValueError, match="value at index 1 is missing"):
        numrep.TrieStore.build(["0912345678", "0987654321"], values=values)


def test_negative_keys_in_an_object_column_are_named_with_the_call() -> None:
    store = numrep.TrieStore.build(["0912345678"])
    for column in ([1, -7], pd.Series([1, -7], dtype=object), np.array(["0912345678", -7], dtype=object)):
        with pytest.raises(ValueError, match=r"^numrep: TrieStore.contains_many: key -7 at index 1 is negative"):
            store.contains_many(column)
    with pytest.raises(ValueError, match=r"^numrep: TrieStore.contains_many: key 18446744073709551616 at index 0 does "
                                         r"not fit in 64 bits"):
        store.contains_many(pd.Series([2**64, "0912345678"], dtype=object))


def test_build_values_of_two_columns_are_refused_for_their_shape() -> None:
    with pytest.raises(ValueError, match="one-dimensional"):
        numrep.TrieStore.build(["0912345678", "0987654321"], values=pd.DataFrame({"v": [1, 2], "w": [None, 3]}))


def test_nulls_counted_while_parsing_match_the_keys_on_every_thread_count() -> None:
    """parse_many counts an Arrow or polars column's 0 keys block by block while it parses (on
    several threads at once): the null count and the nulls must be exactly where no key came out,
    for columns with failures and without (a polars Series without any keeps no nulls)."""
    rng = np.random.default_rng(20261207)
    count = 150_000
    numbers = [f"09{n:08d}" for n in rng.integers(0, 10**8, count)]
    bad = rng.random(count) < 0.03
    with_failures = [("not a number" if b else v) for v, b in zip(numbers, bad)]
    expected = numrep.parse_many(with_failures)
    assert np.count_nonzero(expected == 0) == np.count_nonzero(bad)
    try:
        for threads in (1, 2):
            numrep.set_threads(threads)
            for values in (with_failures, numbers):
                want = numrep.parse_many(values)
                for column in (pa.array(values), pa.chunked_array([pa.array(values[:70_000]), pa.array(values[70_000:])]),
                               polars.Series("n", values)):
                    got = numrep.parse_many(column)
                    assert np.array_equal(as_numpy(got), want), (threads, type(column))
                    if isinstance(got, pa.Array):
                        nulls, null_count = got.is_null().to_numpy(zero_copy_only=False), got.null_count
                    else:
                        nulls, null_count = got.is_null().to_numpy(), got.null_count()
                    assert np.array_equal(np.asarray(nulls), want == 0), (threads, type(column))
                    assert null_count == np.count_nonzero(want == 0), (threads, type(column))
    finally:
        numrep.set_threads(None)
