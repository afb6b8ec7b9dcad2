"""The pandas accessor: ``series.numrep`` on any Series of phone numbers.

    df["caller"].numrep.parse(region="VN")     # keys, UInt64 with <NA> where a value is no number
    df["caller"].numrep.e164()                 # "+84912345678" strings, <NA> likewise
    df["caller"].numrep.lookup()               # DataFrame: carrier, type, region, region_code, valid
    df["caller"].numrep.check(db)              # DataFrame of verdicts (check_many's columns)

Every result keeps the Series' index, so it lines up with the frame it came from. A value that
is missing or does not parse, or is no number at all (a bool, a date, a fraction in an object
column), gives missing values (pandas' <NA>), never an exception. A Series of regions
(``region=df["country"]``) is matched to the values by index label, as pandas aligns. Strings
are read as parse_many reads them (an Arrow-backed column in place); integers as parse_many reads
ints: with a region, a number that lost its leading zeros; with region=None, an E.164 key.

numrep registers the accessor when pandas is imported (or at once, if it already is), so that
``import numrep`` does not import pandas itself (the CLI starts faster without it).
"""

from __future__ import annotations

import datetime
import decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._warnings import AmbiguousIntegersWarning, warn_caller

if TYPE_CHECKING:
    import pandas as pd

    from .reputation import ReputationDB

_registered = False
_MAX_KEY = 999_999_999_999_999  # the largest E.164 key: 15 digits


class _DatabaseRegion:
    """check()'s default region: the database's own (shown so in signatures, not as an object's address)."""

    def __repr__(self) -> str:
        return "<the database's region>"


_DB_REGION: Any = _DatabaseRegion()


def _whole_number(value: Any) -> int | None:
    """An int from a float holding a whole number; None for NaN, None and fractions."""
    if value is None or value != value:  # None, NaN
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return int(value)


def _is_narrow_float(value: Any) -> bool:
    """A NumPy float32 or float16 holding a number: it keeps about 7 digits, so a phone number or
    a unix second in it is not the one written. A NaN among them is a missing value, not lost digits."""
    return isinstance(value, np.floating) and value.dtype.itemsize < 8 and value == value


def _narrow_float_of(dtype: Any) -> np.dtype[Any] | None:
    """float32 or float16 for a column of them (NumPy, pandas' Float32, Arrow's, a sparse column's
    values), else None. Such a column holds 24 bits of a number (11), so 2025550143 is stored as
    2025550080, a valid number that is not the one written. No reading can undo that: a column of
    numbers or times of them is refused."""
    dtype = getattr(dtype, "subtype", dtype)  # a sparse column's values
    dtype = getattr(dtype, "numpy_dtype", dtype)  # pandas' Float32, an Arrow float
    return dtype if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize < 8 else None


def _number_or_none(value: Any) -> Any:
    """A value of an object column as parse_many takes it: text, a PhoneNumber or a whole number
    (an int, a whole float or Decimal: a SQL export's DECIMAL(15,0)) as it is; anything else (a
    fraction, a bool, a date) as a missing value. A float32 or float16 is a TypeError."""
    if isinstance(value, (str, bytes, _core.PhoneNumber)):
        return value
    if _is_integer(value):
        return int(value)
    if _is_narrow_float(value):
        # As a float32 column is refused: the number written is lost (2025550143 is 2025550080).
        raise TypeError(f"numrep: a column of numbers holds a {value.dtype.name} value ({value!r}), which keeps "
                        "about 7 digits of a phone number: read the column as str or int64")
    if isinstance(value, (float, np.floating)):
        return _whole_number(float(value))
    if isinstance(value, decimal.Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    return None


def _aligned_regions(series: pd.Series, region: Any) -> Any:
    """`region` as parse_many takes it. A Series of regions is matched to the values by index
    label, as pandas aligns two Series (a region missing for a label is None), not by position."""
    import pandas as pd

    if not isinstance(region, pd.Series):
        return region
    region = _without_arrow_view(region)  # pandas can neither reindex nor convert a view column
    if not region.index.equals(series.index):
        if not region.index.is_unique:
            raise ValueError("numrep: the Series of regions has repeated index labels, so it cannot be matched to the "
                             "numbers by label; give it the numbers' index, or pass a list (matched by position)")
        region = region.reindex(series.index)
    return region.astype(object).where(region.notna(), None).tolist()


def _holds_no_numbers(dtype: Any) -> bool:
    """A dtype of kind "O" whose every value is no number: periods, intervals, Arrow lists, structs
    and maps. Read value by value as an object column is, every value became a missing one."""
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):  # read by its categories' values
        return _holds_no_numbers(dtype.categories.dtype)
    if isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype)):
        return True
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is None:
        return False
    import pyarrow as pa

    return bool(pa.types.is_nested(arrow))


def _keys(series: pd.Series, region: Any) -> np.ndarray:
    """Keys by position, 0 where the value is missing or is no number. Unsigned integers (such as
    parse()'s own UInt64 result) are keys already (0 if no E.164 number); other integers, and floats holding whole
    numbers (an integer column with a NaN), are read by parse_many's integer rule. An object
    column that mixes numbers with other things has those things read as missing values."""
    kind = series.dtype.kind
    region = _aligned_regions(series, region)
    if kind == "u":
        # Keys need no region, but a bad one is refused as for any other column (same message).
        _core.parse_many([None] * len(series), region=region)
        # 0 for what is no E.164 number (1, 999, more than 15 digits), as parse_many gives.
        return _core._valid_keys(np.asarray(series.fillna(0), dtype=np.uint64))
    values: Any = series
    if _narrow_float_of(series.dtype) is not None:
        raise TypeError(f"numrep: Series.numrep: a {series.dtype} column cannot hold phone numbers exactly (it "
                        "keeps about 7 digits; 2025550143 becomes 2025550080): read the column as str or int64")
    if kind in "if":
        values = [_whole_number(v) for v in series.astype(object).where(series.notna(), None).tolist()]
        whole_keys = np.asarray(_core.parse_many(values, region=region), dtype=np.uint64)
        _warn_of_lost_integers(series, values, whole_keys, region)
        return whole_keys
    try:
        parsed: Any = _core.parse_many(values, region=region)
    except TypeError as first:
        if (kind != "O" or _holds_no_numbers(series.dtype)) and not _is_string_dtype(series.dtype):
            # Named as the caller gave it (a Series of this dtype), not as parse_many's array or
            # Arrow column that the caller never made.
            raise TypeError(f"numrep: Series.numrep reads columns of text or whole numbers, not dtype "
                            f"{series.dtype}") from None
        if kind != "O":
            raise
        # The column as it is has a value parse_many refuses (a float from a merge, a bool, a
        # date): read again with those as missing values. If that fails too, the fault was not
        # the values (a region of the wrong type): the first error says so.
        numbers = [_number_or_none(v) for v in series.tolist()]
        try:
            parsed = _core.parse_many(numbers, region=region)
        except TypeError:
            raise first from None
    keys = np.asarray(parsed, dtype=np.uint64)
    if not _is_string_dtype(series.dtype):  # objects or a category of them; a string dtype holds no ints
        _warn_of_lost_integers_in_objects(series, keys, region)
    return keys


def _arrow_view_type(dtype: Any) -> Any:
    """The Arrow type a pandas ArrowDtype of string_view or binary_view should be read as
    (large_string, large_binary), or None for any other dtype. pandas 3.1 cannot convert view
    columns to objects or strings, nor test their kind (the dtype's .type, which its dtype tests
    and to_numpy read, raises NotImplementedError)."""
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is None:
        return None
    import pyarrow as pa

    if getattr(pa.types, "is_string_view", None) and pa.types.is_string_view(arrow):
        return pa.large_string()
    if getattr(pa.types, "is_binary_view", None) and pa.types.is_binary_view(arrow):
        return pa.large_binary()
    return None


def _without_arrow_view(column: pd.Series) -> pd.Series:
    """A string_view / binary_view Series as large_string / large_binary (_arrow_view_type), with
    its index and name; any other Series as it is."""
    target = _arrow_view_type(column.dtype)
    if target is None:
        return column
    import pandas as pd
    import pyarrow as pa

    return pd.Series(pa.array(column).cast(target), dtype=pd.ArrowDtype(target), index=column.index, name=column.name)


def _without_arrow_views(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its string_view / binary_view columns as _without_arrow_view makes them, so
    that reading reports can convert them; the same frame when it has none."""
    views = [i for i, dtype in enumerate(frame.dtypes) if _arrow_view_type(dtype) is not None]
    if not views:
        return frame
    frame = frame.copy(deep=False)
    for i in views:
        frame.isetitem(i, _without_arrow_view(frame.iloc[:, i]))
    return frame


def _is_string_dtype(dtype: Any) -> bool:
    """pandas' string dtypes (pandas 3's default str, string[python], string[pyarrow], Arrow text
    or bytes, and dictionaries of them): their values are all text, and kind "O" as object
    columns'. Not every Arrow dtype: an Arrow bool or timestamp column was refused in
    parse_many's words, and a dictionary of ints gave no AmbiguousIntegersWarning."""
    import pandas as pd

    if isinstance(dtype, pd.StringDtype):
        return True
    if not isinstance(dtype, pd.ArrowDtype):
        return False
    import pyarrow as pa

    arrow_type = dtype.pyarrow_dtype
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    text = ("is_string", "is_large_string", "is_string_view", "is_binary", "is_large_binary", "is_binary_view")
    return any(getattr(pa.types, test, lambda _: False)(arrow_type) for test in text)


def _warn_of_lost_integers_in_objects(series: pd.Series, keys: np.ndarray, region: Any) -> None:
    """_warn_of_lost_integers for an object column: pd.read_csv makes one of Python ints when a
    column of numbers has a value too long for int64 (the FTC's own files do), and its integers
    lose their zeros as an int64 column's do."""
    if region is None:
        return
    # An object column's own array (no copy), a category's values: floats where a category of
    # ints has a missing value, so whole floats count as the integers they are read as.
    values = series.to_numpy()
    if all(_integer_of(values[i]) is None for i in np.flatnonzero(keys == 0).tolist()):
        return  # the usual case: no integer gave no number, and the column is not read again
    _warn_of_lost_integers(series, [_integer_of(v) for v in values.tolist()], keys, region)


def _is_integer(value: Any) -> bool:
    """A Python or NumPy int that is not a bool (which is an int to Python)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _integer_of(value: Any) -> int | None:
    """A Python or NumPy int that is not a bool (which is an int to Python), or a float holding a
    whole number (parse_many reads those by the integer rule), as an int; else None."""
    if _is_integer(value):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _whole_number(float(value))  # None for NaN, infinities and fractions
    return None


def _warn_of_lost_integers(series: pd.Series, values: list[int | None], keys: np.ndarray, region: Any) -> None:
    """Warns when integers of the column gave no number because they read validly two ways (as a
    national and as an international number): real numbers, most likely, that lost the leading
    zeros and '+' that told the readings apart, which the caller can keep by reading the column as
    text. Integers with no valid reading at all (0, -1, 911) are <NA> quietly, as text that does
    not parse is."""
    if region is None:
        return  # E.164 keys: one reading
    # The integers that gave no number (0 elsewhere, which reads no way), with the regions as
    # parse_many took them (a str, or one per row in any form it takes).
    # Only the rows that gave no number are looked at in Python (most columns have few).
    failed = np.zeros(len(values), dtype=np.uint64)
    for i in np.flatnonzero(keys == 0).tolist():
        if (v := values[i]) is not None and 0 < v <= _MAX_KEY:
            failed[i] = v
    if not failed.any():
        return
    ambiguous = np.flatnonzero(_core._ambiguous_integers(failed, region))
    if len(ambiguous) == 0:
        return
    example = values[int(ambiguous[0])]
    where = f"column {series.name!r}" if series.name is not None else "the Series"
    whole = sum(v is not None for v in values)
    warn_caller(f"numrep: {len(ambiguous):,} of {whole:,} integers in {where} read validly both as a national and "
                f"as an international number (such as {example}), so they gave no number (<NA>): an integer has "
                "lost the leading zeros and '+' that told the two apart. Read the column as str (for example "
                "pd.read_csv(..., dtype=str)) to keep what was written.", AmbiguousIntegersWarning)


class NumrepSeriesAccessor:
    """``Series.numrep``: parse, e164, lookup and check a column of phone numbers."""

    def __init__(self, series: pd.Series) -> None:
        self._series = series

    def _frame(self, columns: dict[str, Any]) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(columns, index=self._series.index)

    def parse(self, region: str | None = _core.DEFAULT_REGION) -> pd.Series:
        """E.164 keys as a nullable UInt64 Series (<NA> where there is no number)."""
        import pandas as pd

        keys = _keys(self._series, region)
        return pd.Series(pd.arrays.IntegerArray(keys, keys == 0), index=self._series.index, name=self._series.name)

    def e164(self, region: str | None = _core.DEFAULT_REGION) -> pd.Series:
        """E.164 text ("+84912345678") as a string Series (<NA> where there is no number)."""
        import pandas as pd

        keys = _keys(self._series, region)
        text = [None if k == 0 else f"+{k}" for k in keys.tolist()]
        return pd.Series(text, index=self._series.index, name=self._series.name, dtype="string")

    def lookup(self, region: str | None = _core.DEFAULT_REGION) -> pd.DataFrame:
        """What the built-in numbering plan says of each number: carrier, type, region (the area:
        state, province), region_code and valid. A value that is no number is <NA> throughout;
        names the plan does not give (no carrier) are <NA> too."""
        import pandas as pd

        keys = _keys(self._series, region)
        columns = _core.lookup_many(keys)
        none = keys == 0

        def names(codes: np.ndarray, table: Any) -> pd.Series:
            values = np.asarray(table, dtype=object)[codes]
            values[none | (values == "")] = None
            return pd.array(values, dtype="string")

        return self._frame({
            "carrier": names(columns["carrier"], _core.carrier_names()),
            "type": names(columns["type"], _core.TYPE_NAMES),
            "region": names(columns["region"], _core.region_names()),
            "region_code": names(columns["region_code"], _core.region_codes()),
            "valid": pd.arrays.BooleanArray(columns["valid"].astype(bool), none),
        })

    def check(self, db: ReputationDB, *, now: Any = None, region: Any = _DB_REGION) -> pd.DataFrame:
        """Verdicts from `db` (check_many(as_frame=True)'s columns) as of `now` (any time form, or
        "latest"); national forms in `region` (None: international forms only), by default the
        database's own. Rows whose value is no number are missing throughout: <NA>, but NaN in the
        categorical level (pandas' categories hold no <NA>) and NaT in the times; ``attrs["as_of"]``
        holds the time."""
        import pandas as pd

        from .reputation import ReputationDB

        if not isinstance(db, ReputationDB):  # a path or None was "'str' object has no attribute 'region'"
            raise TypeError(f"numrep: db must be a ReputationDB (numrep.ReputationDB.open(path)), got "
                            f"{type(db).__name__}")
        keys = _keys(self._series, db.region if region is _DB_REGION else region)
        frame = db.check_many(keys, as_frame=True, now=now)
        frame.index = self._series.index
        # The nullable dtypes whatever the values, so that a batch with a bad number and one
        # without give the same dtypes; a name the plan does not give is <NA>, as in lookup().
        frame = frame.astype({name: _nullable(dtype) for name, dtype in frame.dtypes.items()})
        for name in ("carrier", "region", "region_code"):
            if name in frame.columns:
                frame.loc[frame[name] == "", name] = pd.NA
        none = keys == 0
        if none.any():
            frame.loc[none, :] = pd.NA
        as_of = frame.attrs.get("as_of")
        frame.attrs["as_of"] = as_of if isinstance(as_of, datetime.datetime) else None
        return frame


def _nullable(dtype: Any) -> Any:
    """A dtype that holds <NA>: pandas' nullable ints and booleans; others as they are."""
    import pandas as pd

    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return "boolean"
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return pd.api.types.pandas_dtype(dtype.name.replace("u", "U").replace("i", "I", 1))
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return "Float64"
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype):
        return pd.StringDtype(na_value=pd.NA) if _string_dtype_takes_na_value() else pd.StringDtype()
    return dtype


def _string_dtype_takes_na_value() -> bool:
    """pandas 2.3 and 3 give StringDtype a na_value (NaN for the default str); older ones do not."""
    import inspect

    import pandas as pd

    return "na_value" in inspect.signature(pd.StringDtype).parameters


def register() -> None:
    """Register ``Series.numrep`` with pandas (once)."""
    global _registered
    if _registered:
        return
    import pandas as pd

    pd.api.extensions.register_series_accessor("numrep")(NumrepSeriesAccessor)
    _registered = True
