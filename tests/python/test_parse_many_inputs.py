"""parse_many over pandas objects: values are taken by position, missing values give 0."""

from __future__ import annotations

import numpy as np
import pytest

import numrep

pd = pytest.importorskip("pandas")


def test_series_with_a_non_default_index_is_read_by_position() -> None:
    series = pd.Series(["0912345678", None, "+1 469 257 6503", "bad"], index=[10, 3, 7, 0])
    keys = numrep.parse_many(series)
    assert keys.dtype == np.uint64
    assert keys.tolist() == [84912345678, 0, 14692576503, 0]


def test_string_dtype_series_and_nan() -> None:
    series = pd.Series(["0162 345 6789", pd.NA, float("nan")], dtype="object")
    assert numrep.parse_many(series).tolist() == [84323456789, 0, 0]
    typed = pd.Series(["0912345678", None], dtype="string")
    assert numrep.parse_many(typed).tolist() == [84912345678, 0]


def test_dataframe_column_round_trip_through_lookup_many() -> None:
    frame = pd.DataFrame({"number": ["0912345678", "02438264321", "0861234567"]})
    columns = numrep.lookup_many(numrep.parse_many(frame["number"]))
    names = numrep.carrier_names()
    assert [names[c] for c in columns["carrier"]] == ["Vinaphone", "", "Viettel"]
    assert [numrep.region_names()[r] for r in columns["region"]] == ["", "Hanoi City", ""]
    assert [numrep.TYPE_NAMES[t] for t in columns["type"]] == ["mobile", "fixed_line", "mobile"]


def test_a_column_with_nothing_in_it_gives_missing_values() -> None:
    """pandas makes floats of an empty CSV column and of a category Series of missing values:
    parse_many and the calls that take keys raised "got an array of dtype float64" for them, while
    the same column with one string in it gave 0 for the missing rows."""
    import io

    empty = pd.read_csv(io.StringIO("n,x\n,1\n,2\n"))["n"]
    assert empty.dtype == np.float64
    for column in (empty, pd.Series([None, None], dtype="category"), np.array([np.nan, np.nan])):
        assert numrep.parse_many(column).tolist() == [0, 0]
        assert numrep.lookup_many(column)["valid"].tolist() == [False, False]
    # A column of floats that are numbers is still refused, saying why and what to do.
    for call in (numrep.parse_many, numrep.lookup_many):
        with pytest.raises(TypeError, match=r"float64.*read as floats has lost its leading zeros.*dtype=str"):
            call(pd.Series([912345678.0, np.nan]))


def test_masked_entries_of_numpy_masked_arrays_are_missing_values() -> None:
    """The data under a mask was read as if it were there: a masked key was found valid, a masked
    text parsed, a masked region applied, a masked value stored."""
    keys = np.ma.array(np.array([84912345678, 84912345679], dtype=np.uint64), mask=[False, True])
    assert numrep.lookup_many(keys)["valid"].tolist() == [True, False]
    assert numrep.lookup_many(np.ma.getdata(keys))["valid"].tolist() == [True, True]
    texts = np.ma.array(["0912345678", "0912345679"], mask=[True, False])
    assert numrep.parse_many(texts).tolist() == [0, 84912345679]
    with pytest.raises(numrep.ParseError, match="item 0: missing value"):
        numrep.parse_many(texts, errors="raise")
    with pytest.raises(numrep.ParseError, match="item 1: missing value"):
        numrep.BloomFilter(100).add_many(keys)
    # A masked region is no region (it already was: tolist() gives None for it): the
    # international form still parses, the national one not.
    regions = np.ma.array(["VN", "GB"], mask=[False, True])
    both = ["0912345678", "+44 20 7946 0958"]
    assert numrep.parse_many(np.array(both), region=regions).tolist() == [84912345678, 442079460958]
    assert numrep.parse_many(["0912345678", "020 7946 0958"], region=regions).tolist() == [84912345678, 0]
    with pytest.raises(ValueError, match="value at index 1 is missing"):
        numrep.TrieStore.build([84912345678, 84912345679], np.ma.array([1, 2], mask=[False, True]))
    with pytest.raises(ValueError, match="value at index 1 is missing"):
        numrep.TrieStore.build([84912345678, 84912345679], [1, None])
    # Arrays refused whatever their mask keep their own messages: parse_many's integers too
    # (with an entry masked they became objects, and 912345678 was read as a national number).
    for integers in (np.ma.array([912345678, 84912345678], mask=[False, True]),
                     np.ma.array(np.array([6077932004, 1], dtype=np.uint64), mask=[False, True])):
        with pytest.raises(TypeError, match="takes strings; got an array of dtype"):
            numrep.parse_many(integers, region="US")
    floats = np.ma.array([912345678.0, 1.0], mask=[False, True])
    with pytest.raises(TypeError, match="lost its leading zeros"):
        numrep.lookup_many(floats)
    with pytest.raises(ValueError, match="one-dimensional"):
        numrep.TrieStore.build([84912345678], np.ma.array([[1, 2]], mask=[[False, True]]))
    # Nothing masked: the data as it is.
    store = numrep.TrieStore.build(np.ma.array(np.ma.getdata(keys)), np.ma.array([1, 2], mask=[False, False]))
    assert store.get(84912345679) == 2


def test_a_bare_pandas_categorical_is_read_as_its_series_is() -> None:
    # Every batch call raised AttributeError ("'numpy.ndarray' object has no attribute
    # 'to_numpy'"): a Categorical's astype(object) is a NumPy array already (helper 138).
    values = ["0912345678", "nonsense", "0912345678", None, "+1 650 253 0000"]
    bare, series = pd.Categorical(values), pd.Series(pd.Categorical(values))
    assert np.array_equal(numrep.parse_many(bare), numrep.parse_many(series))
    assert numrep.parse_many(bare).tolist()[0] == 84912345678
    assert np.array_equal(numrep.lookup_many(bare)["carrier"], numrep.lookup_many(series)["carrier"])
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2024-05-01"],
                                                      "category": ["scam"]}))
    assert db.check_many(bare, now="latest")["reports"].tolist() == [1, 0, 1, 0, 0]
    bloom = numrep.BloomFilter(100)
    bloom.add_many(pd.Categorical(["0912345678", "+1 650 253 0000"]))
    assert bloom.contains_many(pd.Categorical(["0912345678", "0987654321"])).tolist() == [True, False]
