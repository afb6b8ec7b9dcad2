"""Report frames of the kinds a data scientist holds, read as from_csv reads the same reports:
unsigned key columns (check_many's "key", the accessor's parse()), 64-bit integer source ids with
gaps from every frame kind, narrow float columns refused, and dicts or Arrow streams given as
frames. (Found by a helper's hunt, each wrong before: see CHANGELOG.)"""

from __future__ import annotations

import numpy as np
import pytest

import numrep

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

NOW = "2025-02-01"


def test_an_unsigned_number_column_holds_keys_in_from_frame_and_from_parquet(tmp_path):
    # +20 2555 0143 (Egypt) and +60 7-793 2004 (Malaysia): by the integer rule in region US the
    # first had become +1 202 555 0143 and the second an ambiguous integer (a bad row).
    df = pd.DataFrame({"phone": ["+20 2555 0143", "+60 7-793 2004"], "time": ["2025-01-10"] * 2,
                       "category": ["scam"] * 2})
    df["key"] = df["phone"].numrep.parse(region="US")
    assert df["key"].dtype == "UInt64"
    expected = numrep.ReputationDB.from_frame(df, number="phone", region="US")
    assert sorted(expected.keys().tolist()) == [202555_0143, 6077932004]
    path = tmp_path / "keys.parquet"
    pq.write_table(pa.table({"key": pa.array(df["key"].to_numpy(dtype=np.uint64)), "time": df["time"],
                             "category": df["category"]}), path)
    for db in (numrep.ReputationDB.from_frame(df, number="key", region="US"),
               numrep.ReputationDB.from_frame(df.astype({"key": "uint64"}), number="key", region="US"),
               numrep.ReputationDB.from_parquet(path, number="key", region="US")):
        assert db.keys().tolist() == expected.keys().tolist()
        assert db.ingest_stats["bad"] == 0 and db.ingest_stats["notes"] == []


def test_an_unsigned_number_column_names_what_is_no_key():
    df = pd.DataFrame({"number": pd.array([84912345678, 999, None, 10**17], dtype="UInt64"),
                       "time": ["2025-01-10"] * 4, "category": ["scam"] * 4})
    db = numrep.ReputationDB.from_frame(df)
    assert db.keys().tolist() == [84912345678]
    stats = db.ingest_stats
    assert stats["bad_by_reason"] == {"missing_number": 1, "unparseable_number": 2}
    assert stats["unparseable_by_error"] == {"not an E.164 key": 2}
    assert [row["message"] for row in stats["first_bad_rows"] if row["reason"] == "unparseable_number"] == [
        "not an E.164 key: 999 (column number is unsigned: it holds E.164 keys)",
        "not an E.164 key: 100000000000000000 (column number is unsigned: it holds E.164 keys)"]


BIG_IDS = [1234567890123456789, 1234567890123456790, None]  # one float64 apart: 2**53 is far below


def reports_with_big_source_ids():
    return {"number": ["0912345678"] * 3, "time": ["2025-01-10", "2025-01-11", "2025-01-12"],
            "category": ["spam"] * 3, "source": BIG_IDS}


@pytest.mark.parametrize("kind", ["arrow table", "record batch", "arrow stream", "polars", "list of dicts",
                                  "dict of columns"])
def test_integer_source_ids_beyond_2_53_with_a_gap_stay_two_sources(kind, tmp_path):
    columns = reports_with_big_source_ids()
    table = pa.table({**columns, "source": pa.array(BIG_IDS, pa.int64())})
    # The reference: the same reports in a CSV file.
    csv = tmp_path / "reports.csv"
    csv.write_text("number,time,category,source\n" + "".join(
        f"{n},{t},{c},{'' if s is None else s}\n" for n, t, c, s in zip(*columns.values())))
    expected = numrep.ReputationDB.from_csv(csv).check("0912345678", now=NOW)
    assert expected.distinct_sources == 2
    if kind == "arrow table":
        frame = table
    elif kind == "record batch":
        frame = table.to_batches()[0]
    elif kind == "arrow stream":
        frame = table.to_reader()
    elif kind == "polars":
        frame = pytest.importorskip("polars").from_arrow(table)
    elif kind == "list of dicts":
        frame = [dict(zip(columns, row)) for row in zip(*columns.values())]
    else:
        frame = columns
    got = numrep.ReputationDB.from_frame(frame).check("0912345678", now=NOW)
    assert (got.distinct_sources, got.score) == (expected.distinct_sources, expected.score)


def test_a_list_of_dicts_keeps_integers_beyond_int64_exact():
    reports = [{"number": "0912345678", "time": "2025-01-10", "category": "spam", "source": 2**64 - 1},
               {"number": "0912345678", "time": "2025-01-11", "category": "spam", "source": 2**64 - 2},
               {"number": "0912345678", "time": "2025-01-12", "category": "spam", "source": None}]
    assert numrep.ReputationDB.from_frame(reports).check("0912345678", now=NOW).distinct_sources == 2


@pytest.mark.parametrize("make", [
    lambda v: pd.Series(np.array(v, np.float32)),
    lambda v: pd.Series(v, dtype="Float32"),
    lambda v: pd.Series(pa.array(np.array(v, np.float32)), dtype=pd.ArrowDtype(pa.float32())),
])
def test_a_float32_number_column_is_refused(make):
    # 2025550143 in float32 is 2025550080: a valid US number that nobody wrote.
    df = pd.DataFrame({"number": make([2025550143]), "time": [1736496000], "category": ["scam"]})
    with pytest.raises(TypeError, match=r"column 'number' \(the numbers\) is .*cannot hold phone numbers exactly"):
        numrep.ReputationDB.from_frame(df, region="US")


def test_a_float32_number_column_in_parquet_is_refused(tmp_path):
    path = tmp_path / "f32.parquet"
    pq.write_table(pa.table({"number": pa.array(np.array([2025550143], np.float32)), "time": [1736496000],
                             "category": ["scam"]}), path)
    with pytest.raises(TypeError, match="cannot hold phone numbers exactly"):
        numrep.ReputationDB.from_parquet(path, region="US")


@pytest.mark.parametrize("times", [np.array([1.0], np.float16), pa.array([1.0], pa.float16())])
def test_a_float16_time_column_is_a_type_error(times):
    # Its message had overflowed building "rounds 1710072000 to ..." (OverflowError).
    frame = pa.table({"number": ["0912345678"], "time": times, "category": ["scam"]}) if isinstance(
        times, pa.Array) else pd.DataFrame({"number": ["0912345678"], "time": times, "category": ["scam"]})
    with pytest.raises(TypeError, match=r"time column 'time' is .*float16 cannot hold 1710072000"):
        numrep.ReputationDB.from_frame(frame)


def test_a_dict_of_columns_is_a_frame_and_a_dict_of_values_is_refused_clearly():
    db = numrep.ReputationDB.from_frame({"number": ["0912345678", "0987654321"], "time": ["2025-01-10"] * 2,
                                         "category": np.array(["scam", "spam"])})
    assert sorted(db.keys().tolist()) == [84912345678, 84987654321]
    one = {"number": "0912345678", "time": "2025-01-10", "category": "scam"}
    with pytest.raises(TypeError, match=r"a dict must be a dict of columns .* for one report give a list of one dict"):
        numrep.ReputationDB.from_frame(one)
    with pytest.raises(TypeError, match="a dict must be a dict of columns"):
        db.add_reports(one)
    db.add_reports([one])
    assert db.check("0912345678", now=NOW).reports == 2


def test_an_arrow_stream_and_a_structured_array_are_frames():
    table = pa.table({"number": ["0912345678"], "time": ["2025-01-10"], "category": ["scam"]})
    structured = np.array([("0912345678", "2025-01-10", "scam")],
                          dtype=[("number", "U20"), ("time", "U20"), ("category", "U10")])
    for frame in (table.to_reader(), structured):
        assert numrep.ReputationDB.from_frame(frame).keys().tolist() == [84912345678]
