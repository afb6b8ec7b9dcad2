"""Series.numrep: parse, e164, lookup and check on a column, index kept, missing values for
anything that is no number; registered when pandas is imported, without numrep importing it."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import numrep

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

VALUES = ["0912345678", None, "nonsense", "+1 650 253 0000", "", "0861234567"]
INDEX = [10, 11, 12, 13, 14, 15]


@pytest.fixture(params=["object", "string[pyarrow]", "string[python]", "arrow"])
def column(request: pytest.FixtureRequest) -> pd.Series:
    dtype = pd.ArrowDtype(pa.string()) if request.param == "arrow" else request.param
    return pd.Series(VALUES, index=INDEX, name="caller", dtype=dtype)


def expected_keys(region: str | None = "VN") -> list[int | None]:
    keys = numrep.parse_many(VALUES, region=region)
    return [None if k == 0 else int(k) for k in keys.tolist()]


def test_parse_keeps_the_index_and_gives_na(column: pd.Series) -> None:
    keys = column.numrep.parse(region="VN")
    assert str(keys.dtype) == "UInt64" and keys.name == "caller" and list(keys.index) == INDEX
    assert [None if v is pd.NA else int(v) for v in keys] == expected_keys()
    assert [None if v is pd.NA else int(v) for v in column.numrep.parse(region="US")] == expected_keys("US")


def test_e164(column: pd.Series) -> None:
    text = column.numrep.e164()
    assert list(text.index) == INDEX
    assert [None if v is pd.NA else v for v in text] == [None if k is None else f"+{k}" for k in expected_keys()]


def test_lookup_matches_lookup_many(column: pd.Series) -> None:
    frame = column.numrep.lookup()
    assert list(frame.columns) == ["carrier", "type", "region", "region_code", "valid"]
    assert list(frame.index) == INDEX
    for value, (_, row) in zip(VALUES, frame.iterrows()):
        try:
            info = numrep.lookup(value) if value else None
        except numrep.ParseError:
            info = None
        if info is None:
            assert row.isna().all(), value
            continue
        assert row["valid"] == info.valid and row["type"] == info.type and row["region_code"] == info.region_code
        assert (row["carrier"] if row["carrier"] is not pd.NA else "") == info.carrier


def test_integers_follow_the_integer_rule() -> None:
    """Ints as parse_many reads them: with a region, numbers that lost their leading zeros; with
    region=None, E.164 keys. <NA> gives <NA>."""
    values = [912345678, 84912345678, None]
    ints = pd.Series(values, dtype="Int64")
    for region in ("VN", None):
        got = [None if v is pd.NA else int(v) for v in ints.numrep.parse(region=region)]
        expected = [None if k == 0 else int(k) for k in numrep.parse_many(values, region=region)]
        assert got == expected, region
    assert expected[1] == 84912345678  # region=None: the E.164 key as it is


def test_integers_read_validly_two_ways_are_named_in_a_warning() -> None:
    """An integer that reads validly both as a national and as an international number is <NA>
    (the integer rule takes neither) with a warning that counts them and says how to keep them:
    they are most likely real numbers that lost their leading zeros. Integers with no valid
    reading (0, -1, 911) are <NA> quietly, as text that does not parse is."""
    ints = pd.Series([6077932004, 2025550143, 84912345678, 0, -1, 911, None], dtype="Int64", name="caller")
    with pytest.warns(numrep.AmbiguousIntegersWarning,
                      match=r"1 of 6 integers in column 'caller' read validly both as a national and as an "
                            r"international number \(such as 6077932004\)") as caught:
        keys = ints.numrep.parse(region="US")  # +1 607 793 2004 and +60 77932004 are both valid
    assert caught[0].filename == __file__  # pointed at the caller's line
    assert issubclass(numrep.AmbiguousIntegersWarning, UserWarning)
    assert [None if v is pd.NA else int(v) for v in keys] == [None, 12025550143, 84912345678, None, None, None, None]
    with pytest.warns(numrep.AmbiguousIntegersWarning, match="dtype=str"):
        ints.numrep.check(numrep.ReputationDB.from_frame([{"number": "+12025550143", "time": "2021-01-01",
                                                           "category": "scam"}]), region="US", now="latest")
    regions = pd.Series(["US", "VN", None], index=[2, 1, 0])  # matched by label: row 0 (6077932004) has no region
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keys = pd.Series([6077932004, 912345678, 2025550143]).numrep.parse(region=regions)
        assert keys.tolist() == [6077932004, 84912345678, 12025550143]  # without a region: +60 77932004 only
        pd.Series([0, -1, 911, 12345], dtype="int64").numrep.parse(region="US")  # no valid reading: quietly
        pd.Series([912345678, None, 1.5, np.nan]).numrep.parse(region="VN")  # every whole number is one
        pd.Series([0.0, 1234567890123456.0]).numrep.parse(region=None)  # keys: one reading
        pd.Series(["call me", "0912345678"]).numrep.parse()  # text: <NA> without a warning
    with pytest.warns(numrep.AmbiguousIntegersWarning, match="1 of 3 integers in the Series"):
        pd.Series([6077932004, 912345678, 6077932004]).numrep.parse(region=pd.Series(["US", "VN", "VN"]))
    pa = pytest.importorskip("pyarrow")
    for regions in (["US", "VN", "VN"], np.array(["US", "VN", "VN"]), pa.array(["US", "VN", "VN"])):
        with pytest.warns(numrep.AmbiguousIntegersWarning, match="1 of 3 integers"):  # regions in every form
            pd.Series([6077932004, 912345678, 6077932004]).numrep.parse(region=regions)



def test_columns_of_other_types_are_refused_naming_their_dtype() -> None:
    """A bool or datetime Series was refused in parse_many's words ("got an Arrow column of
    format "b"", "for integer keys use them directly"), naming things the caller never made."""
    others = [pd.Series([True, None], dtype="boolean"), pd.Series([True, False]),
              pd.Series(pd.date_range("2021", periods=2)),
              # Of kind "O" as object columns are, these were read value by value: all <NA>, unsaid.
              pd.Series(pd.period_range("2021-01", periods=2, freq="M")), pd.Series(pd.interval_range(0, 2)),
              pd.Series(pd.Categorical(pd.period_range("2021-01", periods=2, freq="M")))]  # by its categories
    pa = pytest.importorskip("pyarrow")
    others += [pd.Series(pd.arrays.ArrowExtensionArray(pa.array([["0912345678"], None]))),
               pd.Series(pd.arrays.ArrowExtensionArray(pa.array([{"phone": "0912345678"}])))]
    for series in others:
        with pytest.raises(TypeError, match=r"^numrep: Series.numrep reads columns of text or whole numbers, "
                                            rf"not dtype {series.dtype}$".replace("[", r"\[").replace("]", r"\]")):
            series.numrep.parse()


def test_a_float32_column_is_refused_for_the_digits_it_lost() -> None:
    """float32 keeps 24 bits: 2025550143 was read as +1 202 555 0080, a valid number that was not
    the one written, with no word of it."""
    for dtype in ("float32", "Float32"):
        with pytest.raises(TypeError, match=f"a {dtype} column cannot hold phone numbers exactly"):
            pd.Series([2025550143], dtype=dtype).numrep.e164(region="US")
    assert pd.Series([2025550143.0], dtype="float64").numrep.e164(region="US").tolist() == ["+12025550143"]
    # A float32 among the objects of a column was read as the number it had become, in the
    # accessor and in from_frame's number column alike; parse() itself refuses one.
    mixed = pd.Series([np.float32(2025550143), "x"], dtype=object)
    with pytest.raises(TypeError, match=r"^numrep: a column of numbers holds a float32 value \(.*\), which keeps "
                                        "about 7 digits"):
        mixed.numrep.e164(region="US")
    with pytest.raises(TypeError, match="holds a float32 value"):
        numrep.ReputationDB.from_frame(pd.DataFrame({"number": mixed, "time": "2021-01-01"}), category=None,
                                       region="US")
    with pytest.raises(TypeError):
        numrep.parse(np.float32(2025550143), region="US")
    # A float32 NaN lost no digits: a missing value, as NaN is.
    nan32 = pd.Series(["0912345678", np.float32("nan")], dtype=object)
    assert nan32.numrep.e164().tolist() == ["+84912345678", pd.NA]


def test_an_object_column_of_ints_warns_of_integers_read_two_ways() -> None:
    """pd.read_csv makes an object column of Python ints when one value is too long for int64 (the
    FTC's 90-day file has 14): its ambiguous integers were <NA> with no warning."""
    import io

    column = pd.read_csv(io.StringIO("p\n6077932004\n2025550143\n61446357266144635726\n"))["p"]
    assert column.dtype == object
    with pytest.warns(numrep.AmbiguousIntegersWarning, match=r"1 of 3 integers in column 'p'.*such as 6077932004"):
        keys = column.numrep.parse(region="US")
    assert [None if v is pd.NA else int(v) for v in keys] == [None, 12025550143, None]
    with pytest.warns(numrep.AmbiguousIntegersWarning, match="1 of 3 integers"):  # a category of them too
        column.astype("category").numrep.parse(region="US")
    # A category of ints with a missing value (its values come back as floats), and whole floats in
    # an object column: read by the integer rule, so warned of as the integers they are.
    for odd in (pd.Series([6077932004, None], dtype="category"), pd.Series([6077932004.0, None], dtype=object),
                pd.Series([np.float64(6077932004.0), "2025550143"], dtype=object)):
        with pytest.warns(numrep.AmbiguousIntegersWarning, match="such as 6077932004"):
            assert odd.numrep.parse(region="US").iloc[0] is pd.NA
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pd.Series([2025550143, "0912345678", None, 10**20], dtype=object).numrep.parse(region="US")
        pd.Series(["6077932004", True], dtype=object).numrep.parse(region="US")  # text and a bool: no integers


def test_check_gives_verdict_columns_with_na_rows(column: pd.Series) -> None:
    reports = pd.DataFrame({"number": ["0912345678"] * 3 + ["0861234567"], "time": ["2021-03-01"] * 4,
                            "category": ["scam"] * 3 + ["spam"]})
    db = numrep.ReputationDB.from_frame(reports)
    frame = column.numrep.check(db, now="latest")
    assert list(frame.index) == INDEX
    assert frame.attrs["as_of"].isoformat() == "2021-03-01T00:00:00+00:00"
    keys = expected_keys()
    reference = db.check_many(np.array([k or 0 for k in keys], dtype=np.uint64), now="2021-03-01", as_frame=True)
    for i, key in enumerate(keys):
        row = frame.iloc[i]
        if key is None:
            assert row.isna().all(), i
        else:
            assert row["level"] == reference["level"].iloc[i] and row["reports"] == reference["reports"].iloc[i]
            assert row["e164"] == f"+{key}" and bool(row["reported"]) == bool(reference["reported"].iloc[i])
    assert frame.loc[10, "level"] == "likely_scam"


def test_importing_numrep_does_not_import_pandas_and_the_accessor_comes_with_it() -> None:
    code = ("import sys, numrep; assert 'pandas' not in sys.modules; import pandas as pd; "
            "print(pd.Series(['0912345678']).numrep.e164()[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "+84912345678"
    first = "import pandas as pd, numrep; print(pd.Series(['0912345678']).numrep.parse()[0])"
    out = subprocess.run([sys.executable, "-c", first], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "84912345678"


def test_calls_that_need_pandas_say_so_without_it() -> None:
    """numpy is numrep's one dependency: without pandas, what needs it names itself and the fix;
    the rest works."""
    pytest.importorskip("pyarrow")
    code = """
import sys
sys.modules["pandas"] = None  # as if pandas were not installed
import numrep
db = numrep.ReputationDB.from_csv(sys.argv[1])
assert db.check_many(["0912345678"], now="latest")["reports"].tolist() == [1]
def dask():
    import numrep.dask
for call, says in ((lambda: db.check_many(["0912345678"], as_frame=True), "needs pandas: pip install pandas"),
                   (lambda: numrep.ReputationDB.from_frame([{"number": "0912345678", "time": "2021-01-01"}]),
                    "needs pandas: pip install pandas"),
                   # Parquet is read through pandas frames: "No module named 'pandas'" from pyarrow
                   (lambda: numrep.ReputationDB.from_parquet(sys.argv[2]),
                    "reading Parquet files needs pyarrow and pandas: pip install pyarrow pandas"),
                   (dask, "numrep.dask needs dask and pandas: pip install numrep-phone[dask]")):
    try:
        call()
    except ImportError as error:
        assert says in str(error), error
        print("said:", error)
    else:
        raise AssertionError("no ImportError")
# The command line: what to install is bad input (status 1), not "internal error ... (a bug)".
from numrep import cli
assert cli.main(["build", sys.argv[2], "-o", sys.argv[2] + ".db"]) == 1
"""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "reports.csv"
        csv.write_text("number,time,category\n0912345678,2021-01-01,scam\n")
        parquet = Path(tmp) / "reports.parquet"
        pd.read_csv(csv, dtype=str).to_parquet(parquet)
        out = subprocess.run([sys.executable, "-c", code, str(csv), str(parquet)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("said: numrep") == 4
    assert "numrep: reading Parquet files needs pyarrow and pandas" in out.stderr and "a bug" not in out.stderr


def test_hook_survives_find_spec_and_polars() -> None:
    """Asking whether pandas is there (importlib.util.find_spec, which polars does at import) must
    not use up the hook that registers the accessor when pandas is imported."""
    for prelude in ("import numrep, importlib.util; importlib.util.find_spec('pandas')",
                    "import numrep, polars", "import polars, numrep"):
        code = prelude + "; import pandas as pd; print(hasattr(pd.Series, 'numrep'))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "True", prelude


def test_floats_holding_whole_numbers_and_fractions() -> None:
    """An integer column with a NaN arrives as floats: whole ones follow the integer rule,
    fractions and NaN are <NA>, never an exception."""
    got = pd.Series([912345678.0, np.nan, 1.5]).numrep.parse(region="VN")
    assert [None if v is pd.NA else int(v) for v in got] == [84912345678, None, None]


def test_unsigned_series_are_keys_and_check_takes_region_none() -> None:
    db = numrep.ReputationDB.from_frame([{"number": "+20 2 5550123", "time": "2021-01-01", "category": "scam"}])
    keys = pd.Series(["+20 2 5550123", "x"]).numrep.parse()
    assert [None if v is pd.NA else int(v) for v in keys.numrep.parse()] == [int(keys[0]), None]  # kept as keys
    # Keys longer than E.164's 15 digits are no number (e164() gave "+10000000000000000").
    for dtype in ("uint64", "UInt64"):
        long_keys = pd.Series([10**16, 849_123_456_789_012], dtype=dtype)
        assert long_keys.numrep.e164().tolist() == [pd.NA, "+849123456789012"], dtype
        # Nor are keys of no assigned country code, or with no national digits (they gave "+1"
        # and "+999", and a verdict row for +999, where is_valid_key and every other call refuse them).
        not_keys = pd.Series([1, 999, 10**15 - 1, 84912345678], dtype=dtype)
        assert not_keys.numrep.e164().tolist() == [pd.NA, pd.NA, pd.NA, "+84912345678"], dtype
        assert not_keys.numrep.lookup()["valid"].tolist() == [pd.NA, pd.NA, pd.NA, True], dtype
        assert not_keys.numrep.check(db, region=None)["e164"].tolist() == [pd.NA, pd.NA, pd.NA, "+84912345678"]
        # A bad region is refused as for any other column, though keys need none.
        with pytest.raises(numrep.ParseError, match='unknown region "NOT A REGION"'):
            not_keys.numrep.parse(region="NOT A REGION")
        with pytest.raises(numrep.ParseError, match='region 1: unknown region "XX"'):
            not_keys.numrep.e164(region=pd.Series(["VN", "XX", None, "VN"]))
    assert keys.numrep.check(db, now="latest")["reports"].tolist()[0] == 1
    # region=None: international forms only, as in parse(); the default is the database's region.
    national = pd.Series(["6502530000"])
    assert national.numrep.check(db, region=None)["e164"].isna().all()
    assert national.numrep.check(db)["e164"].tolist() == ["+846502530000"]


def test_check_string_columns_are_na_not_nan() -> None:
    db = numrep.ReputationDB.from_frame([{"number": "0912345678", "time": "2021-01-01", "category": "scam"}])
    frame = pd.Series(["0912345678", "x"]).numrep.check(db)
    for name in ("e164", "carrier", "type", "region_code"):
        assert frame[name].iloc[1] is pd.NA, name


def test_latest_report_follows_a_shared_core() -> None:
    db = numrep.ReputationDB.from_frame([{"number": "0912345678", "time": "2021-01-01", "category": "scam"}])
    other = numrep.ReputationDB(db)  # the same database, shared
    assert other.latest_report is not None and other.latest_report.year == 2021
    db.add_reports([{"number": "0912345679", "time": "2024-01-01", "category": "scam"}])
    assert other.latest_report is not None and other.latest_report.year == 2024


def test_an_object_column_mixing_numbers_with_other_things_gives_na_not_an_error() -> None:
    import datetime as dt

    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-03-01"],
                                                      "category": ["scam"]}))
    mixed = pd.Series(["0912345678", 912345678.0, np.int64(84912345678), True, dt.date(2021, 3, 1), 0.5, None,
                       b"0912345678", numrep.parse("0912345678")], index=range(20, 29), dtype=object)
    keys = mixed.numrep.parse()
    # A whole float and an int are read by the integer rule (with a region: a number that lost its
    # leading zeros); a bool, a date and a fraction are no numbers.
    assert [None if v is pd.NA else int(v) for v in keys] == [84912345678, 84912345678, 84912345678, None, None,
                                                              None, None, 84912345678, 84912345678]
    assert list(keys.index) == list(range(20, 29))
    verdicts = mixed.numrep.check(db, now="latest")
    assert verdicts["reported"].tolist()[:4] == [True, True, True, pd.NA]
    assert mixed.numrep.lookup()["valid"].tolist()[3] is pd.NA


def test_a_series_of_regions_is_matched_by_index_label() -> None:
    frame = pd.DataFrame({"caller": ["0912345678", "(202) 555-0143", "020 7946 0958", "0912345678"],
                          "country": ["VN", "US", "GB", "VN"]}, index=[5, 6, 7, 8])
    expected = [84912345678, 12025550143, 442079460958, None]
    shuffled = frame["country"].iloc[[2, 0, 1]]  # labels 7, 5, 6 in that order; 8 has none
    keys = frame["caller"].numrep.parse(region=shuffled)
    assert [None if v is pd.NA else int(v) for v in keys] == expected  # 8: no region, a national form: NA
    assert frame["caller"].numrep.e164(region=frame["country"]).tolist()[:3] == ["+84912345678", "+12025550143",
                                                                                  "+442079460958"]
    looked_up = frame["caller"].numrep.lookup(region=shuffled)
    assert looked_up["region_code"].tolist()[:3] == ["VN", "US", "GB"]


def test_check_gives_the_same_dtypes_with_and_without_a_bad_number() -> None:
    db = numrep.ReputationDB.from_frame([{"number": "0912345678", "time": "2021-01-01", "category": "scam"}])
    good = pd.Series(["0912345678", "024 3825 1234"]).numrep.check(db, now="latest")
    with_bad = pd.Series(["0912345678", "x"]).numrep.check(db, now="latest")
    assert good.dtypes.to_dict() == with_bad.dtypes.to_dict()
    assert str(good["reports"].dtype) == "UInt32" and str(good["valid"].dtype) == "boolean"
    # A fixed line has no carrier: <NA>, as lookup() gives, not "".
    assert good["carrier"].iloc[1] is pd.NA
    assert pd.Series(["024 3825 1234"]).numrep.lookup()["carrier"].iloc[0] is pd.NA
    assert good["carrier"].iloc[0] == db.check("0912345678").carrier != ""


def test_a_bad_region_is_one_clear_error_and_repeated_region_labels_are_refused() -> None:
    values = pd.Series(["0912345678", "0861234567"], dtype=object)
    with pytest.raises(TypeError, match="region") as raised:
        values.numrep.parse(region=7)
    assert raised.value.__context__ is None or raised.value.__suppress_context__
    regions = pd.Series(["VN", "US"], index=[0, 0])
    with pytest.raises(ValueError, match="repeated index labels"):
        values.numrep.parse(region=regions)


def test_latest_report_follows_new_reports_for_numbers_already_held_after_a_compaction(tmp_path) -> None:
    # add_reports for a number already held, then compact (save compacts too): both sizes end as
    # they began, which is all latest_report used to look at.
    db = numrep.ReputationDB.from_frame([{"number": "0912345678", "time": "2025-01-10", "category": "scam"}])
    assert db.latest_report is not None and db.latest_report.date().isoformat() == "2025-01-10"
    db.add_reports([{"number": "0912345678", "time": "2025-04-01", "category": "scam"}])
    db.compact()
    assert (db.snapshot_size, db.delta_size) == (1, 0)
    assert db.latest_report.date().isoformat() == "2025-04-01"
    assert db.check("0912345678", now="latest").as_of.date().isoformat() == "2025-04-01"
    db.add_reports([{"number": "0912345678", "time": "2025-05-01", "category": "scam"}])
    db.save(tmp_path / "db")
    assert db.latest_report.date().isoformat() == "2025-05-01"
    assert numrep.ReputationDB.open(tmp_path / "db").latest_report == db.latest_report


def test_a_string_python_series_with_a_lone_surrogate_reads_it_as_a_bad_value() -> None:
    # Text read with errors="surrogateescape" keeps undecodable bytes as lone surrogates;
    # pyarrow cannot convert such a "string[python]" Series, so it is read as an object one is.
    values = ["0912345678", "0912\udcff345678", None]
    series = pd.Series(values, dtype="string[python]")
    assert series.numrep.parse().tolist() == series.astype(object).numrep.parse().tolist()
    assert series.numrep.parse().tolist()[0] == 84912345678
    assert numrep.parse_many(series).tolist() == [84912345678, 0, 0]
    with pytest.raises(numrep.ParseError) as raised:
        numrep.parse_many(series, errors="raise")
    assert raised.value.item == 1


def test_check_frames_have_the_same_dtypes_with_no_rows() -> None:
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-03-01"],
                                                      "category": ["scam"]}))
    for kind in (str, "string[pyarrow]", object):
        none = pd.Series([], dtype=kind).numrep.check(db, now="latest")
        some = pd.Series(["0912345678"], dtype=kind).numrep.check(db, now="latest")
        assert none.dtypes.to_dict() == some.dtypes.to_dict(), kind
    none = db.check_many([], as_frame=True, now="latest")
    some = db.check_many(["0912345678"], as_frame=True, now="latest")
    assert none.dtypes.to_dict() == some.dtypes.to_dict()


def test_a_categorical_series_of_ints_is_read_one_object_at_a_time() -> None:
    # Its NumPy form would be floats (NaN for the missing one): read as the objects, as documented.
    categorical = pd.Series(pd.Categorical([912345678, None, 912345678]))
    objects = pd.Series([912345678, None, 912345678], dtype=object)
    assert numrep.parse_many(categorical).tolist() == numrep.parse_many(objects).tolist() == [84912345678, 0,
                                                                                             84912345678]
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-03-01"],
                                                      "category": ["scam"]}))
    # check_many takes the ints as keys as they are, as in a list (not by the integer rule), and
    # warns that they read as numbers of the region.
    with pytest.warns(numrep.IntegerKeysWarning, match="2 of the 2 such ints looked at"):
        checked = db.check_many(categorical, now="latest")["key"].tolist()
    with pytest.warns(numrep.IntegerKeysWarning, match="2 of the 2 such ints looked at"):
        assert checked == db.check_many(objects, now="latest")["key"].tolist() == [912345678, 0, 912345678]


def test_whole_decimals_arrow_non_text_and_sparse_columns() -> None:
    """A DECIMAL(15,0) column (a SQL export's) was all <NA> in the accessor and every row bad in
    from_frame, with "cannot read '912345678'"; Arrow bool and timestamp columns were refused in
    parse_many's words and an Arrow dictionary of ints gave no AmbiguousIntegersWarning (every
    Arrow dtype counted as text); a sparse float column failed with AttributeError."""
    from decimal import Decimal

    decimals = pd.Series([Decimal("912345678"), Decimal("912345678.5"), None, "0912345678"])
    assert decimals.numrep.parse().tolist() == [84912345678, pd.NA, pd.NA, 84912345678]
    arrow_decimals = pd.Series([Decimal("912345678"), None], dtype=pd.ArrowDtype(pa.decimal128(15, 0)))
    assert arrow_decimals.numrep.parse().tolist() == [84912345678, pd.NA]
    for numbers in (decimals.iloc[:1], arrow_decimals.iloc[:1]):
        frame = pd.DataFrame({"number": numbers, "time": ["2024-01-01"]})
        db = numrep.ReputationDB.from_frame(frame, category=None)
        assert db.ingest_stats["bad"] == 0 and db.keys().tolist() == [84912345678]
    for dtype, name in ((pa.bool_(), "bool"), (pa.timestamp("us"), "timestamp")):
        with pytest.raises(TypeError, match=f"^numrep: Series.numrep reads columns of text or whole numbers, not "
                                            f"dtype {name}"):
            pd.Series([None], dtype=pd.ArrowDtype(dtype)).numrep.parse()
    ints = pd.Series(pd.arrays.ArrowExtensionArray(pa.array([6077932004, 2025550143, None]).dictionary_encode()))
    with pytest.warns(numrep.AmbiguousIntegersWarning, match="1 of 2 integers"):
        assert ints.numrep.parse(region="US").tolist() == [pd.NA, 12025550143, pd.NA]
    sparse = pd.Series([912345678.0, float("nan")]).astype(pd.SparseDtype("float64"))
    assert sparse.numrep.parse().tolist() == [84912345678, pd.NA]
    text = pd.Series(["0912345678", None], dtype=pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string())))
    assert text.numrep.parse().tolist() == [84912345678, pd.NA]  # a dictionary of text is still text


def test_check_many_as_frame_keeps_a_series_index_so_that_it_aligns(column: pd.Series) -> None:
    # A fresh 0..n-1 index put the verdicts on other rows when assigned back to a frame whose
    # labels were not 0..n-1 in order (after sort_values, or any filter).
    reports = pd.DataFrame({"number": ["0912345678"] * 3, "time": ["2021-03-01"] * 3, "category": ["scam"] * 3})
    db = numrep.ReputationDB.from_frame(reports)
    calls = pd.DataFrame({"caller": column.iloc[::-1]})  # labels 15, 14, ..., 10
    frame = db.check_many(calls["caller"], now="latest", as_frame=True)
    assert list(frame.index) == list(calls.index)
    calls["reports"] = frame["reports"]
    assert calls.loc[10, "reports"] == 3 and calls.loc[15, "reports"] == 0
    # Arrays and lists have no labels: 0..n-1, as before.
    assert list(db.check_many(list(VALUES), now="latest", as_frame=True).index) == list(range(len(VALUES)))


def test_check_rows_that_are_no_number_are_missing_in_every_column() -> None:
    # The documented missing values: <NA>, NaN in the categorical level, NaT in the times.
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-03-01"], "category": ["scam"]}))
    frame = pd.Series(["0912345678", "call me"], index=["a", "b"]).numrep.check(db, now="latest")
    assert frame.loc["b"].isna().all()
    assert isinstance(frame["level"].dtype, pd.CategoricalDtype)
    assert frame.loc["b", "reports"] is pd.NA and pd.isna(frame.loc["b", "level"])
    assert frame.loc["b", "first_seen"] is pd.NaT
