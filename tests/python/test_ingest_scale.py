"""Reports from many inputs (issue 11): source ids that are the same in every file, frame and
process; Parquet files read in record batches; paths and glob patterns; `numrep build` of them.
Parquet files are written by pyarrow into tmp_path."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import numrep
from numrep import _core
from numrep._ingest import _report_batches, expand_inputs, input_kind

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

NOW = dt.datetime(2025, 2, 1)
COLUMNS = ["number", "time", "category", "source", "not_spam"]
# Reports of a few numbers, each met by its sources in a different order in each half.
ROWS = [
    ("0912345678", "2025-01-10T08:00:00Z", "scam", "alice", ""),
    ("0912 345 678", "2025-01-12T09:30:00Z", "Calls pretending to be the police", "bob", ""),
    ("+84 86 123 4567", "2025-01-11T10:00:00Z", "spam", "alice", ""),
    ("0861234567", "2025-01-12T10:00:00Z", "scam", " dave ", "yes"),
    ("not a number", "2025-01-11T11:00:00Z", "scam", "carol", ""),
    ("0912345678", "2025-01-13T08:00:00Z", "scam", "carol", ""),
    ("0861234567", "2025-01-09T10:00:00Z", "robocall", "erin", ""),
    ("0987654321", "2025-01-13T00:00:00Z", "silent", "", ""),
    ("0912345678", "yesterday", "scam", "frank", ""),
    ("0912345678", "2025-01-14T08:00:00Z", "scam", "frank", ""),
    ("0987654321", "2025-01-14T00:00:00Z", "harassment", "gina", "maybe"),
    ("", "2025-01-14T00:00:00Z", "scam", "gina", ""),
]
NUMBERS = ["0912345678", "0861234567", "0987654321", "0900000000"]


def frame(rows: list[tuple[str, ...]] = ROWS) -> Any:
    return pd.DataFrame(rows, columns=COLUMNS, dtype=str)


def write_csv(path: Path, rows: list[tuple[str, ...]] = ROWS) -> Path:
    frame(rows).to_csv(path, index=False)
    return path


def write_parquet(path: Path, rows: list[tuple[str, ...]] = ROWS, *, row_group_size: int | None = None,
                  table: Any = None) -> Path:
    pq.write_table(table if table is not None else pa.Table.from_pandas(frame(rows), preserve_index=False), path,
                   row_group_size=row_group_size)
    return path


def records(db: numrep.ReputationDB) -> dict[str, np.ndarray]:
    """What the database says of NUMBERS: every column of check_many (scores depend on the
    distinct sources, so a different source sketch shows)."""
    return db.check_many(NUMBERS, now=NOW)


def assert_same_records(a: numrep.ReputationDB, b: numrep.ReputationDB) -> None:
    ra, rb = records(a), records(b)
    assert ra.keys() == rb.keys()
    for name in ra:
        if ra[name].dtype.kind == "f":
            np.testing.assert_allclose(ra[name], rb[name], rtol=1e-5, err_msg=name)
        else:
            np.testing.assert_array_equal(ra[name], rb[name], err_msg=name)
    assert a.keys().tolist() == b.keys().tolist()


# --- stable source ids --------------------------------------------------------------------------


def test_source_ids_are_a_hash_of_the_trimmed_name_as_in_cpp() -> None:
    ids = _core._source_ids(["alice", "Nguyễn Văn A", None, "", "  \t", " alice "])
    assert ids.dtype == np.uint32
    # The values tests/cpp/test_ingest.cpp pins for numrep::source_id.
    assert ids.tolist() == [1470110566, 3902057374, 0, 0, 0, 1470110566]
    with pytest.raises(TypeError, match="source at index 1 must be a str or None, got int"):
        _core._source_ids(["alice", 17])


def test_frame_sources_are_named_as_csv_names_them() -> None:
    """A float column of whole numbers (ints with gaps, as pandas and Arrow make them) names 17."""
    from numrep.reputation import _source_ids

    floats = _source_ids(pd.Series([17.0, None, 3.0]))
    assert floats.tolist() == _core._source_ids(["17", None, "3"]).tolist()
    assert _source_ids(pd.Series([1.5])).tolist() == _core._source_ids(["1.5"]).tolist()
    # Value by value, not for the column: a 17.5 beside it made 17.0 "17.0" (another source than
    # the "17" of a batch without one), so one reporter counted twice once rows were split.
    assert _source_ids(pd.Series([17.0, None, 17.5, -0.0])).tolist() == _core._source_ids(
        ["17", None, "17.5", "0"]).tolist()


def test_float_sources_count_alike_however_the_rows_are_batched(tmp_path: Path) -> None:
    rows = pd.DataFrame({"number": ["0912345678"] * 4, "time": ["2026-01-01T00:00:00Z"] * 4,
                         "category": ["scam"] * 4, "source": [17.0, None, 17.0, 17.5]})
    path = tmp_path / "sources.parquet"
    rows.to_parquet(path, index=False)
    verdicts = [numrep.ReputationDB.from_parquet(path, batch_rows=batch).check("0912345678", now="2026-01-02")
                for batch in (65536, 2, 1)]
    assert [v.distinct_sources for v in verdicts] == [2, 2, 2]
    assert len({v.score for v in verdicts}) == 1
    split = numrep.ReputationDB.from_frame(rows[:2])
    split.add_reports(rows[2:])
    assert split.check("0912345678", now="2026-01-02").distinct_sources == 2


@pytest.mark.parametrize("split", [4, 7])
def test_reports_split_over_two_csv_files_or_frames_in_any_order_equal_one(tmp_path: Path, split: int) -> None:
    """Each half read by itself (another reader, as another process would): before issue 11 a
    source's id was its index in that reader, so carol of the second half took alice's bit."""
    whole = numrep.ReputationDB.from_csv(write_csv(tmp_path / "all.csv"))
    first, second = ROWS[:split], ROWS[split:]
    for a, b in ((first, second), (second, first)):
        db = numrep.ReputationDB.from_csv(write_csv(tmp_path / "a.csv", a))
        db.add_reports(frame(b))  # the other half as a frame: from_frame's ids must be from_csv's
        assert_same_records(db, whole)
        db.compact()
        assert_same_records(db, whole)
        by_frames = numrep.ReputationDB.from_frame(frame(a))
        by_frames.add_reports(frame(b))
        by_frames.compact()
        assert_same_records(by_frames, whole)
        two_files = numrep.ReputationDB.from_csv([write_csv(tmp_path / "1.csv", a), write_csv(tmp_path / "2.csv", b)])
        assert_same_records(two_files, whole)
    assert_same_records(numrep.ReputationDB.from_frame(frame()), whole)


# --- Parquet --------------------------------------------------------------------------------------


def test_from_parquet_equals_from_csv_and_from_frame(tmp_path: Path) -> None:
    csv_db = numrep.ReputationDB.from_csv(write_csv(tmp_path / "r.csv"))
    parquet_db = numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "r.parquet"))
    assert_same_records(parquet_db, csv_db)
    assert_same_records(numrep.ReputationDB.from_frame(frame()), csv_db)
    stats, csv_stats = parquet_db.ingest_stats, csv_db.ingest_stats
    for key in ("rows", "good", "bad", "bad_by_reason", "defaulted_times"):
        assert stats[key] == csv_stats[key], key
    assert stats["files"] == [str(tmp_path / "r.parquet")]
    # The same bad rows with the same messages: CSV lines count the header, Parquet rows from 0.
    assert [(r["row"] + 2, r["reason"], r["message"]) for r in stats["first_bad_rows"]] == [
        (r["line"], r["reason"], r["message"]) for r in csv_stats["first_bad_rows"]]
    assert isinstance(parquet_db, numrep.ReputationDB) and parquet_db.region == "VN"


def test_parquet_of_many_files_row_groups_and_batches(tmp_path: Path) -> None:
    whole = numrep.ReputationDB.from_csv(write_csv(tmp_path / "all.csv"))
    paths = [write_parquet(tmp_path / "part-0.parquet", ROWS[:5], row_group_size=2),
             write_parquet(tmp_path / "part-1.parquet", ROWS[5:], row_group_size=3)]
    assert pq.ParquetFile(paths[0]).num_row_groups == 3
    for batch_rows in (1, 2, 1000):
        db = numrep.ReputationDB.from_parquet(paths, batch_rows=batch_rows)
        assert_same_records(db, whole)
        assert db.ingest_stats["rows"] == len(ROWS) and db.ingest_stats["bad"] == whole.ingest_stats["bad"]
        # Bad rows with their file and row in it, counted from 0.
        assert [(Path(r["file"]).name, r["row"], r["reason"]) for r in db.ingest_stats["first_bad_rows"]] == [
            ("part-0.parquet", 4, "unparseable_number"), ("part-1.parquet", 3, "bad_time"),
            ("part-1.parquet", 5, "bad_not_spam"), ("part-1.parquet", 6, "missing_number")]
    reversed_db = numrep.ReputationDB.from_parquet(list(reversed(paths)))
    assert_same_records(reversed_db, whole)


def test_report_batches_are_bounded_and_read_only_the_mapped_columns(tmp_path: Path) -> None:
    table = pa.Table.from_pandas(frame(), preserve_index=False).append_column("comment", pa.array(["x"] * len(ROWS)))
    path = write_parquet(tmp_path / "r.parquet", table=table)
    batches = list(_report_batches(path, batch_rows=5, category=None))
    assert [len(arrays[0]) for arrays, _ in batches] == [5, 5, 2]
    _, _, codes, names, sources, _ = batches[0][0]
    assert names == [] and (codes == -1).all()  # category left out
    assert sources.tolist()[:2] == _core._source_ids(["alice", "bob"]).tolist()
    assert batches[0][1]["ignored_columns"] == ["category"]
    assert batches[0][1]["file"] == str(path) and batches[0][1]["file_rows"] == len(ROWS)


def test_parquet_typed_columns(tmp_path: Path) -> None:
    """Timestamps, integer seconds, dictionary-encoded categories and integer sources with gaps."""
    seconds = [1736496000, 1736674200, 1736589600]
    table = pa.table({
        "number": ["0912345678", "0912345678", "0861234567"],
        "time": pa.array([dt.datetime.fromtimestamp(s, dt.timezone.utc) for s in seconds], pa.timestamp("s", tz="UTC")),
        "category": pa.array(["scam", "scam", "spam"]).dictionary_encode(),
        "source": pa.array([7, None, 7], pa.int64()),
    })
    db = numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "typed.parquet", table=table))
    as_csv = tmp_path / "typed.csv"
    as_csv.write_text("number,time,category,source\n0912345678,1736496000,scam,7\n0912345678,1736674200,scam,\n"
                      "0861234567,1736589600,spam,7\n", encoding="utf-8")
    assert_same_records(db, numrep.ReputationDB.from_csv(as_csv))
    table = table.set_column(1, "time", pa.array(seconds, pa.int64()))
    assert_same_records(numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "secs.parquet", table=table)), db)


def test_parquet_dates_and_naive_timestamps(tmp_path: Path) -> None:
    """A date is its midnight and a naive timestamp is UTC, as in CSV files; a null is a missing time."""
    table = pa.table({"number": ["0912345678", "0912345678", "0861234567"],
                      "time": pa.array([dt.date(2025, 1, 10), None, dt.date(2025, 1, 11)], pa.date32()),
                      "category": ["scam", "scam", "spam"]})
    db = numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "dates.parquet", table=table))
    assert db.ingest_stats["bad_by_reason"] == {"missing_time": 1}
    as_csv = tmp_path / "dates.csv"
    as_csv.write_text("number,time,category\n0912345678,2025-01-10,scam\n0912345678,,scam\n"
                      "0861234567,2025-01-11,spam\n", encoding="utf-8")
    assert_same_records(db, numrep.ReputationDB.from_csv(as_csv))
    naive = table.set_column(1, "time", pa.array([dt.datetime(2025, 1, 10), None, dt.datetime(2025, 1, 11)],
                                                  pa.timestamp("us")))
    assert_same_records(numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "naive.parquet", table=naive)), db)


def test_parquet_int96_times_far_from_now_are_not_wrapped_into_other_years(tmp_path: Path) -> None:
    """INT96 timestamps (Spark, Hive) read in nanoseconds wrapped every 584 years: 2580 became a
    good report of 1995, 1420 one of 2004."""
    import pyarrow.parquet as pq

    times = [dt.datetime(2025, 1, 10, 12), dt.datetime(2580, 1, 1), dt.datetime(1420, 1, 1)]
    table = pa.table({"number": ["0912345678", "0861234567", "0987654321"],
                      "time": pa.array(times, pa.timestamp("us")), "category": ["scam"] * 3})
    path = tmp_path / "int96.parquet"
    pq.write_table(table, path, use_deprecated_int96_timestamps=True)
    assert pq.ParquetFile(path).schema.column(1).physical_type == "INT96"
    db = numrep.ReputationDB.from_parquet(path)
    assert db.ingest_stats["good"] == 1 and db.ingest_stats["bad_by_reason"] == {"bad_time": 2}
    assert db.check("0912345678", now="latest").last_seen == dt.datetime(2025, 1, 10, 12, tzinfo=dt.timezone.utc)


def test_parquet_column_mapping_and_missing_columns_name_the_file(tmp_path: Path) -> None:
    renamed = frame().rename(columns={"number": "Phone", "time": "When"})
    path = tmp_path / "renamed.parquet"
    pq.write_table(pa.Table.from_pandas(renamed, preserve_index=False), path)
    with pytest.raises(ValueError, match=r"renamed\.parquet: no column 'number' \(for the number\); columns: 'Phone'"):
        numrep.ReputationDB.from_parquet(path)
    with pytest.raises(ValueError, match=r"renamed\.parquet: no column 'reporter' \(for the source\)"):
        numrep.ReputationDB.from_parquet(path, number="Phone", time="When", source="reporter")
    db = numrep.ReputationDB.from_parquet(path, number="Phone", time="When")
    assert_same_records(db, numrep.ReputationDB.from_frame(frame()))
    without = numrep.ReputationDB.from_parquet(path, number="Phone", time="When", source=None, not_spam=None)
    assert without.ingest_stats["ignored_columns"] == ["source", "not_spam"]
    # Two columns of one name (Parquet allows it): which to read is not guessed. It was pyarrow's
    # bare KeyError "Column number does not exist in schema".
    twice = pa.Table.from_arrays([pa.array(["0912345678"]), pa.array(["0988777666"]), pa.array(["2025-01-10"])],
                                 names=["number", "number", "time"])
    pq.write_table(twice, tmp_path / "twice.parquet")
    with pytest.raises(ValueError, match=r"twice\.parquet: 2 columns are named 'number' \(for the number\)"):
        numrep.ReputationDB.from_parquet(tmp_path / "twice.parquet", category=None)
    # A repeated column that is not read is no matter.
    extra = pa.Table.from_arrays([pa.array(["0912345678"]), pa.array(["2025-01-10"]), pa.array([1]), pa.array([2])],
                                 names=["number", "time", "extra", "extra"])
    pq.write_table(extra, tmp_path / "extra.parquet")
    assert len(numrep.ReputationDB.from_parquet(tmp_path / "extra.parquet", category=None)) == 1


def test_parquet_strict_default_time_and_bad_options(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "r.parquet")
    with pytest.raises(ValueError, match=r"r\.parquet: row 4: cannot parse \"not a number\""):
        numrep.ReputationDB.from_parquet(path, strict=True)
    rows = [("0912345678", "", "scam", "a", ""), ("0912345678", "2025-01-10", "scam", "b", "")]
    gaps = write_parquet(tmp_path / "gaps.parquet", rows)
    assert numrep.ReputationDB.from_parquet(gaps).ingest_stats["bad_by_reason"] == {"missing_time": 1}
    filled = numrep.ReputationDB.from_parquet(gaps, default_time="2025-01-09")
    assert filled.ingest_stats["defaulted_times"] == 1 and filled.check("0912345678", now=NOW).reports == 2
    with pytest.raises(ValueError, match="half"):
        numrep.ReputationDB.from_parquet(tmp_path / "never read.parquet", half_life_days=0)
    with pytest.raises(ValueError, match="batch_rows"):
        numrep.ReputationDB.from_parquet(path, batch_rows=0)
    not_parquet = tmp_path / "text.parquet"
    not_parquet.write_text("number\n0912345678\n")
    with pytest.raises(ValueError, match=r"text\.parquet: not a Parquet file"):
        numrep.ReputationDB.from_parquet(not_parquet)


def test_empty_parquet_file_builds_an_empty_database(tmp_path: Path) -> None:
    db = numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "empty.parquet", []))
    assert len(db) == 0 and db.ingest_stats["rows"] == 0
    assert db.ingest_stats["files"] == [str(tmp_path / "empty.parquet")]


# --- paths and globs ------------------------------------------------------------------------------


def test_expand_inputs_globs_sorted_and_literal_paths(tmp_path: Path) -> None:
    (tmp_path / "data" / "2025" / "01").mkdir(parents=True)
    for name in ("data/b.parquet", "data/a.parquet", "data/2025/01/c.parquet", "data/notes.txt", "x[1].csv"):
        (tmp_path / name).write_bytes(b"")
    root = str(tmp_path)
    assert expand_inputs(f"{root}/data/*.parquet") == [f"{root}/data/a.parquet", f"{root}/data/b.parquet"]
    assert expand_inputs([f"{root}/data/**/*.parquet"]) == [
        f"{root}/data/2025/01/c.parquet", f"{root}/data/a.parquet", f"{root}/data/b.parquet"]
    assert expand_inputs([tmp_path / "x[1].csv"]) == [f"{root}/x[1].csv"]  # an existing name is not a pattern
    with pytest.raises(FileNotFoundError, match=r"no file matches '.*/reports/\*\.csv'"):
        expand_inputs(f"{root}/reports/*.csv")
    with pytest.raises(FileNotFoundError, match="no such report file"):
        expand_inputs(f"{root}/nope.csv")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        expand_inputs(f"{root}/data")


def test_input_kind_by_suffix_or_magic_bytes(tmp_path: Path) -> None:
    parquet_named_csv = write_parquet(tmp_path / "reports.dat")
    assert input_kind(parquet_named_csv) == "parquet"
    assert input_kind(write_csv(tmp_path / "reports.csv")) == "csv"
    (tmp_path / "later.PQ").write_bytes(b"")
    assert input_kind(tmp_path / "later.PQ") == "parquet"
    assert numrep.ReputationDB.from_parquet(parquet_named_csv).ingest_stats["rows"] == len(ROWS)


def test_from_parquet_takes_a_glob(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    write_parquet(tmp_path / "p" / "0.parquet", ROWS[:6])
    write_parquet(tmp_path / "p" / "1.parquet", ROWS[6:])
    db = numrep.ReputationDB.from_parquet(str(tmp_path / "p" / "*.parquet"))
    assert_same_records(db, numrep.ReputationDB.from_frame(frame()))
    with pytest.raises(FileNotFoundError, match="no file matches"):
        numrep.ReputationDB.from_parquet(str(tmp_path / "q" / "*.parquet"))


# --- the command line -----------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "numrep", *args], capture_output=True, text=True, timeout=120)


def test_cli_builds_from_parquet_and_from_globs(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    write_parquet(tmp_path / "in" / "a.parquet", ROWS[:5])
    write_parquet(tmp_path / "in" / "b.parquet", ROWS[5:])
    result = run("build", str(tmp_path / "in" / "*.parquet"), "-o", str(tmp_path / "db"))
    assert result.returncode == 0, result.stderr
    assert "Read 2 Parquet report files" in result.stdout
    assert re.search(r"rows\s+12\n", result.stdout) and re.search(r"bad\s+4\n", result.stdout)
    assert re.search(r"a\.parquet row 4: cannot parse \"not a number\"", result.stdout)
    assert_same_records(numrep.ReputationDB.open(tmp_path / "db"), numrep.ReputationDB.from_frame(frame()))

    write_csv(tmp_path / "in" / "a.csv", ROWS[:5])
    write_csv(tmp_path / "in" / "b.csv", ROWS[5:])
    by_csv = run("build", str(tmp_path / "in" / "*.csv"), "-o", str(tmp_path / "csv db"))
    assert by_csv.returncode == 0, by_csv.stderr
    assert "Read 2 report files" in by_csv.stdout
    assert_same_records(numrep.ReputationDB.open(tmp_path / "csv db"), numrep.ReputationDB.open(tmp_path / "db"))


def test_cli_parquet_column_options(tmp_path: Path) -> None:
    renamed = frame().rename(columns={"number": "Phone", "source": "who"})
    pq.write_table(pa.Table.from_pandas(renamed, preserve_index=False), tmp_path / "r.parquet")
    result = run("build", str(tmp_path / "r.parquet"), "-o", str(tmp_path / "db"), "--number", "Phone",
                 "--source", "who", "--region", "VN", "--half-life", "30d")
    assert result.returncode == 0, result.stderr
    db = numrep.ReputationDB.open(tmp_path / "db")
    assert db.half_life_days == 30
    np.testing.assert_array_equal(
        records(db)["reports"],
        records(numrep.ReputationDB.from_frame(frame(), half_life_days=30))["reports"])


@pytest.mark.parametrize(("extra", "status", "says"), [
    (["{root}/in/*.xyz"], 1, ["no file matches", "*.xyz"]),
    (["{root}/in/a.csv", "{root}/in/a.parquet"], 1, ["cannot mix CSV and Parquet", "a.csv", "a.parquet"]),
    # Options that cannot go together: status 2 (docs/cli.md), as argparse gives; they were 1.
    (["{root}/in/a.parquet", "--delimiter", ";"], 2, ["--delimiter applies to CSV files only", "a.parquet"]),
    (["{root}/in/a.parquet", "--preset", "ftc"], 2, ["--preset applies to CSV files only"]),
    (["{root}/in/a.parquet", "--rejects", "{root}/rejects.csv"], 2, ["--rejects applies to CSV files only"]),
    (["{root}/in/a.parquet", "--number", "Phone"], 1, ["a.parquet", "no column 'Phone'"]),
    (["{root}/in/a.parquet", "--strict"], 1, ["a.parquet: row 4", "not a number"]),
])
def test_cli_parquet_errors_are_one_line(tmp_path: Path, extra: list[str], status: int, says: list[str]) -> None:
    (tmp_path / "in").mkdir()
    write_parquet(tmp_path / "in" / "a.parquet")
    write_csv(tmp_path / "in" / "a.csv")
    args = [a.replace("{root}", str(tmp_path)) for a in extra]
    result = run("build", *args, "-o", str(tmp_path / "db"))
    assert result.returncode == status, result.stdout
    assert result.stderr.startswith("numrep: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for text in says:
        assert text in result.stderr, result.stderr


def test_cli_build_help_names_parquet_and_globs() -> None:
    result = run("build", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Parquet" in text and "glob" in text and "not mixed" in text


def test_damaged_parquet_data_is_an_error_naming_the_file(tmp_path: Path) -> None:
    """Flipped bytes inside the data pages (the footer intact): pyarrow's own message alone said
    'Corrupt snappy compressed data.' with no file; the error now names it."""
    n = 20_000
    path = tmp_path / "damaged.parquet"
    pq.write_table(pa.table({"number": [f"09{i:08d}" for i in range(n)], "time": ["2021-07-07"] * n,
                             "category": ["scam"] * n}), path, compression="snappy")
    data = bytearray(path.read_bytes())
    for i in range(1000, 1200):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=f"^numrep: {re.escape(str(path))}: cannot read its Parquet data"):
        numrep.ReputationDB.from_parquet(path)


def test_numbers_without_times_read_alike_from_csv_parquet_and_frames(tmp_path: Path) -> None:
    """`--time '' --default-time ISO` (time=None with default_time) built from a CSV file of numbers
    alone, but a Parquet file or a frame of the same numbers was refused ("need a report time
    column"), though docs/cli.md gives the recipe for both kinds."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.DataFrame({"number": ["0912345678", "0987654321", "0912345678", "not a number"]})
    frame.to_csv(tmp_path / "numbers.csv", index=False)
    pq.write_table(pa.table(frame), tmp_path / "numbers.parquet")
    options = {"time": None, "category": None, "default_time": "2025-01-09", "region": "VN"}
    built = [numrep.ReputationDB.from_csv(tmp_path / "numbers.csv", **options),
             numrep.ReputationDB.from_parquet(tmp_path / "numbers.parquet", **options),
             numrep.ReputationDB.from_frame(frame, **options),
             numrep.ReputationDB.build(tmp_path / "numbers.parquet", tmp_path / "built", **options)]
    for db in built:
        assert sorted(db.keys().tolist()) == [84912345678, 84987654321]
        assert db.check("0912345678", now=NOW).reports == 2
        assert db.check("0912345678", now=NOW).last_seen.date().isoformat() == "2025-01-09"
        assert db.ingest_stats["bad"] == 1
    for read in (lambda: numrep.ReputationDB.from_parquet(tmp_path / "numbers.parquet", time=None, category=None, region="VN"),
                 lambda: numrep.ReputationDB.from_frame(frame, time=None, category=None, region="VN")):
        with pytest.raises(ValueError, match="time=None leaves the report time out: give default_time"):
            read()
    cli = subprocess.run([sys.executable, "-m", "numrep", "build", str(tmp_path / "numbers.parquet"), "-o",
                          str(tmp_path / "cli"), "--time", "", "--category", "", "--default-time", "2025-01-09",
                          "--region", "VN"], capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr


def test_parquet_and_frames_count_invalid_and_unparseable_numbers_as_csv_does(tmp_path: Path) -> None:
    """A build from Parquet or a frame summed its bad rows but left out `invalid_numbers` (good rows
    whose number the plan does not validate) and `unparseable_by_error`, which from_csv counts:
    `numrep build x.parquet` said neither "with numbers not valid by the plan" nor why numbers
    did not parse."""
    numbers = ["0912345678", "0912x345678", "+84 123", "1", "+999 1234567", "0912345678901234567890", "+84 123",
               "0987654321", "9", "0912 345 67x", "", "+84 2 123"]
    rows = [(n, "2025-01-10T08:00:00Z", "scam", "alice", "") for n in numbers]
    csv_stats = numrep.ReputationDB.from_csv(write_csv(tmp_path / "r.csv", rows)).ingest_stats
    assert csv_stats["invalid_numbers"] >= 2 and len(csv_stats["unparseable_by_error"]) >= 4  # the test can fail
    built = {"parquet": numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "r.parquet", rows), batch_rows=5),
             "frame": numrep.ReputationDB.from_frame(frame(rows)),
             "build": numrep.ReputationDB.build(tmp_path / "r.parquet", tmp_path / "built")}
    for how, db in built.items():
        for key in ("rows", "good", "bad", "bad_by_reason", "invalid_numbers", "unparseable_by_error"):
            assert db.ingest_stats[key] == csv_stats[key], (how, key)
    cli = subprocess.run([sys.executable, "-m", "numrep", "build", str(tmp_path / "r.parquet"), "-o",
                          str(tmp_path / "cli")], capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    assert f"({csv_stats['invalid_numbers']} with numbers not valid by the plan" in cli.stdout
    assert f"bad character {csv_stats['unparseable_by_error']['bad character']}" in cli.stdout


def test_integer_numbers_that_do_not_parse_are_counted_by_the_integer_rule(tmp_path: Path) -> None:
    """An integer column (numbers that lost their leading zeros) counts its unparseable rows by the
    integer rule's reasons, as parse_many's ParseError gives them; a float column with gaps (how
    pandas holds integers with nulls) and a fraction among them count alike."""
    table = pa.table({"number": pa.array([912345678, 5, 0, None, 987654321, 10**17], type=pa.int64()),
                      "time": ["2025-01-10"] * 6})
    db = numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "ints.parquet", table=table), category=None)
    assert db.ingest_stats["unparseable_by_error"] == {"invalid integer": 1, "not a key": 2}
    assert db.ingest_stats["bad_by_reason"] == {"missing_number": 1, "unparseable_number": 3}
    floats = pd.DataFrame({"number": [912345678.0, 5.0, float("nan"), 912345678.5], "time": ["2025-01-10"] * 4})
    stats = numrep.ReputationDB.from_frame(floats, category=None).ingest_stats
    assert stats["unparseable_by_error"] == {"invalid integer": 1, "not text or a whole number": 1}
    assert stats["first_bad_rows"][-1]["message"] == "cannot read '912345678.5' (column number)"
    with pytest.raises(numrep.ParseError) as error:
        numrep.parse(5, region="VN")
    assert error.value.reason == "invalid_integer"


def test_integer_sources_beyond_2_53_with_a_null_are_the_sources_csv_reads(tmp_path: Path) -> None:
    """An int64 source column with a null came through pandas as floats: 2**53 + 1, + 3 and + 5
    were named 9007199254740992.0 and 9007199254740996.0, three reporters counted as one or two,
    and the score differed from the CSV build's."""
    ids = [2**53 + 1, 2**53 + 3, 2**53 + 5, None]
    table = pa.table({"number": ["0912345678"] * 4, "time": ["2025-01-10", "2025-01-11", "2025-01-12", "2025-01-13"],
                      "category": ["scam"] * 4, "source": pa.array(ids, type=pa.int64())})
    parquet_db = numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "r.parquet", table=table))
    (tmp_path / "r.csv").write_text("number,time,category,source\n" + "".join(
        f"0912345678,{t},scam,{'' if s is None else s}\n" for t, s in zip(table["time"].to_pylist(), ids)))
    csv_db = numrep.ReputationDB.from_csv(tmp_path / "r.csv")
    for db in (parquet_db, numrep.ReputationDB.build(tmp_path / "r.parquet", tmp_path / "built")):
        verdict, expected = db.check("0912345678", now=NOW), csv_db.check("0912345678", now=NOW)
        assert verdict.distinct_sources == expected.distinct_sources == 3
        assert verdict.score == expected.score


def test_a_parquet_file_pandas_wrote_with_an_index_builds(tmp_path: Path) -> None:
    """`df.set_index("number").to_parquet()` keeps the number as a column of the file, which pandas'
    metadata made the frame's index again: "columns ['number'] not in the frame (it has ['time',
    'category'])", about a file that has it."""
    frame(ROWS[:4]).set_index("number").to_parquet(tmp_path / "indexed.parquet")
    assert "number" in pq.ParquetFile(tmp_path / "indexed.parquet").schema_arrow.names
    expected = numrep.ReputationDB.from_frame(frame(ROWS[:4]))
    for db in (numrep.ReputationDB.from_parquet(tmp_path / "indexed.parquet"),
               numrep.ReputationDB.from_frame(pq.read_table(tmp_path / "indexed.parquet"))):
        assert_same_records(db, expected)


def test_bad_row_messages_cut_a_long_value_as_csv_does(tmp_path: Path) -> None:
    """A 1 MB bad time was quoted whole in its bad row's message (and `numrep build` printed it),
    where from_csv cuts it after 64 bytes and gives its size."""
    long_time = "2025-" + "x" * 1_000_000
    rows = [("0912345678", long_time, "scam", "alice", "")]
    parquet_stats = numrep.ReputationDB.from_parquet(write_parquet(tmp_path / "r.parquet", rows)).ingest_stats
    csv_stats = numrep.ReputationDB.from_csv(write_csv(tmp_path / "r.csv", rows)).ingest_stats
    message = parquet_stats["first_bad_rows"][0]["message"]
    assert len(message) < 300 and message == csv_stats["first_bad_rows"][0]["message"]
