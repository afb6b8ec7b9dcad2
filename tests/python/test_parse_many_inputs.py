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
