"""ReputationDB from Python: ingestion counts (FTC cut and a hand-made file with every bad-row
kind), strict mode, rejects, column mapping, from_frame, verdicts on known histories, delta +
compaction against a full rebuild, save/open, damaged directories."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import errno
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import numrep

pd = pytest.importorskip("pandas")

FTC = Path(__file__).resolve().parent.parent / "data" / "ftc_sample.csv"
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, tzinfo=UTC)

# One good row, then one row of each bad kind the reader knows (too_many_names no longer
# happens: see test_csv_counts_every_report_whatever_the_number_of_category_names), the
# unterminated quote last since it ends the input.
EVERY_KIND = """number,time,category,source,not_spam
0912000001,2026-02-28T10:00:00Z,scam,a,
0912000002,2026-02-28
,2026-02-28,scam,a,
09y2,2026-02-28,scam,a,
0912000003,,scam,a,
0912000004,28/02/2026,scam,a,
0912000005,2026-02-28,scam,a,perhaps
0912000006,2026-02-28,"scam,a,
"""
EVERY_KIND_BAD = {"wrong_field_count": 3, "missing_number": 4, "unparseable_number": 5, "missing_time": 6,
                  "bad_time": 7, "bad_not_spam": 8, "unterminated_quote": 9}  # reason -> line


def write(tmp_path: Path, text: str, name: str = "reports.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ftc_sample_counts() -> None:
    with FTC.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    header, rows = records[0], records[1:]
    numbers = [r[header.index("Company_Phone_Number")].strip() for r in rows]
    ten_digit = collections.Counter(n for n in numbers if re.fullmatch(r"[2-9]\d{9}", n))
    db = numrep.ReputationDB.from_csv(FTC, preset="ftc")
    stats = db.ingest_stats
    assert stats["rows"] == len(rows)
    assert stats["good"] + stats["bad"] == len(rows)
    assert stats["bad_by_reason"]["missing_number"] == numbers.count("")
    assert stats["bad"] == sum(stats["bad_by_reason"].values())
    # Every plain 10-digit US number is in, so there are at least that many distinct numbers.
    keys = np.array([int("1" + n) for n in ten_digit], dtype=np.uint64)
    assert db.check_many(keys)["reported"].all()
    assert db.snapshot_size >= len(ten_digit)
    # No other written form in the file spells the most reported number, so its count is exact.
    top, count = ten_digit.most_common(1)[0]
    assert count > 1 and sum(top in re.sub(r"\D", "", n) for n in numbers) == count
    assert db.check(top, region="US").reports == count


def test_every_bad_row_kind_counted(tmp_path) -> None:
    db = numrep.ReputationDB.from_csv(write(tmp_path, EVERY_KIND), source="source", not_spam="not_spam")
    stats = db.ingest_stats
    assert (stats["rows"], stats["good"], stats["bad"]) == (8, 1, 7)
    assert stats["bad_by_reason"] == dict.fromkeys(EVERY_KIND_BAD, 1)
    assert [(r["line"], r["reason"]) for r in stats["first_bad_rows"]] == sorted((line, r) for r, line in EVERY_KIND_BAD.items())
    assert stats["unparseable_by_error"] == {"bad character": 1}
    assert db.snapshot_size == 1


def test_strict_names_the_line(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"line 3\b.*expected 5 fields"):
        numrep.ReputationDB.from_csv(write(tmp_path, EVERY_KIND), strict=True, source="source", not_spam="not_spam")


def test_rejects_file(tmp_path) -> None:
    rejects = tmp_path / "rejects.csv"
    numrep.ReputationDB.from_csv(write(tmp_path, EVERY_KIND), rejects=rejects, source="source", not_spam="not_spam")
    with rejects.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(int(r["line"]), r["reason"]) for r in rows] == sorted((line, r) for r, line in EVERY_KIND_BAD.items())
    assert rows[2]["row"] == "09y2,2026-02-28,scam,a,"


def test_build_refuses_a_rejects_file_at_or_inside_its_output_before_reading(tmp_path) -> None:
    """ReputationDB.build(..., path, rejects=path) read every report, then failed to save over the
    rejects file; a rejects file inside an existing database was left inside the new one."""
    reports = write(tmp_path, EVERY_KIND)
    numrep.ReputationDB.from_csv(reports).save(tmp_path / "existing")
    for output, rejects in ((tmp_path / "new", tmp_path / "new"), (tmp_path / "existing", tmp_path / "existing" / "r.csv"),
                            (tmp_path / "new", tmp_path / "." / "new")):
        with pytest.raises(ValueError, match="is at or inside the database .* which the build replaces"):
            numrep.ReputationDB.build(reports, output, rejects=rejects)
        assert not (tmp_path / "new").exists() and not (tmp_path / "existing" / "r.csv").exists()
    numrep.ReputationDB.build(reports, tmp_path / "new", rejects=tmp_path / "new-rejects.csv")  # beside it: fine


def test_build_refuses_a_rejects_file_it_cannot_write_before_reading(tmp_path) -> None:
    """A rejects file in a missing folder, or a directory, was found after every report had been
    read (the progress bar at 100%, then the error, nothing saved)."""
    reports = write(tmp_path, EVERY_KIND)
    (tmp_path / "a directory").mkdir()
    for rejects, why in ((tmp_path / "no" / "such" / "r.csv", "its folder does not exist"),
                         (tmp_path / "a directory", "is a directory")):
        progress: list[tuple[int, ...]] = []
        with pytest.raises(ValueError, match=f"cannot write the rejects file .*: {why}$"):
            numrep.ReputationDB.build(reports, tmp_path / "new", rejects=rejects,
                                      progress=lambda *done: progress.append(done))
        assert progress == [] and not (tmp_path / "new").exists()


def test_build_refuses_a_temporary_folder_at_or_inside_its_output_before_reading(tmp_path) -> None:
    """A spill folder inside a new output made the save refuse that output ("neither empty nor a
    numrep database") after every report was read, and left it behind, empty."""
    reports = write(tmp_path, EVERY_KIND)
    for temp in (tmp_path / "new", tmp_path / "new" / "tmp"):
        progress: list[tuple[int, ...]] = []
        with pytest.raises(ValueError, match="temporary folder .* is at or inside the database .* give temp_dir"):
            numrep.ReputationDB.build(reports, tmp_path / "new", memory="16M", temp_dir=temp,
                                      progress=lambda *done: progress.append(done))
        assert progress == [] and not (tmp_path / "new").exists()
    numrep.ReputationDB.build(reports, tmp_path / "new", memory="16M", temp_dir=tmp_path / "spill")


def test_a_rejects_file_of_no_bad_row_is_a_header(tmp_path) -> None:
    """It was an empty file, which pandas.read_csv refuses (EmptyDataError)."""
    pd = pytest.importorskip("pandas")
    rejects = tmp_path / "rejects.csv"
    numrep.ReputationDB.from_csv(write(tmp_path, "number,time,category\n0912000001,2026-02-28,scam\n"), rejects=rejects)
    frame = pd.read_csv(rejects)
    assert list(frame.columns) == ["input", "line", "reason", "message", "row"] and len(frame) == 0


def test_column_mapping_and_delimiter(tmp_path) -> None:
    text = "Phone|When|Kind|Who\n0912000001|2026-02-28T10:00:00Z|scam|a\n+84 912 000 001|2026-02-28T11:00:00Z|fraud|b\n"
    path = write(tmp_path, text, "reports.psv")
    for delimiter in ("|", None):  # given, and detected from the header
        db = numrep.ReputationDB.from_csv(path, number="Phone", time="When", category="Kind", source="Who",
                                          delimiter=delimiter)
        verdict = db.check("0912000001", now=NOW)
        assert verdict.reports == 2 and verdict.counts["scam"] == 2 and verdict.distinct_sources == 2
    with pytest.raises(ValueError, match='no column "number"'):
        numrep.ReputationDB.from_csv(path, delimiter="|")
    with pytest.raises(ValueError, match="one byte"):
        numrep.ReputationDB.from_csv(path, number="Phone", delimiter="||")
    # "é" is one character to its writer and two bytes to the reader: said so ("one character" was not).
    with pytest.raises(ValueError, match=r'delimiter must be one byte \(an ASCII character such as \';\'\), got "é" '
                                         r"\(2 bytes in UTF-8\)"):
        numrep.ReputationDB.from_csv(path, number="Phone", delimiter="é")
    # A column name is trimmed as the header's cells are: " Phone " was "no column".
    assert len(numrep.ReputationDB.from_csv(path, number=" Phone ", time="When", category="Kind")) == 1
    # An empty one is refused with advice that fits the field (None reads the default number column).
    with pytest.raises(ValueError, match='number column name is empty \\(every report needs its number; None reads '
                                         'the column "number"\\)'):
        numrep.ReputationDB.from_csv(path, number="  ")
    with pytest.raises(ValueError, match="time column name is empty \\(pass None to leave it out; on the command "
                                         "line, --time ''\\)"):
        numrep.ReputationDB.from_csv(path, number="Phone", time=" ")


def test_missing_file() -> None:
    with pytest.raises(FileNotFoundError):
        numrep.ReputationDB.from_csv("/nonexistent/reports.csv")


def test_missing_database_is_file_not_found_as_for_the_stores(tmp_path) -> None:
    """A database path that is not there is a FileNotFoundError, as a store's is: it was the
    FormatError of a damaged directory, which `except FileNotFoundError` missed."""
    for open_missing in (lambda p: numrep.ReputationDB.open(p), lambda p: numrep.TrieStore.open(p),
                         lambda p: numrep.BloomFilter.open(p)):
        with pytest.raises(FileNotFoundError, match="nothing_here"):
            open_missing(tmp_path / "nothing_here")
    with pytest.raises(FileNotFoundError, match="a numrep database is a directory with a MANIFEST"):
        numrep.ReputationDB.open(tmp_path / "nothing_here")


@pytest.mark.parametrize("paths", [5, None, 2.5, {"a.csv": 1}])
def test_report_paths_of_a_wrong_type_are_named_by_every_reader(paths, tmp_path) -> None:
    """from_parquet and build said "'int' object is not iterable", naming nothing, where from_csv
    names the argument and its type."""
    kind = type(paths).__name__
    for read in (lambda: numrep.ReputationDB.from_csv(paths), lambda: numrep.ReputationDB.from_parquet(paths)):
        with pytest.raises(TypeError, match=f"path must be a str, bytes or os.PathLike, or a list of them, got {kind}"):
            read()
    if not isinstance(paths, dict):  # build also takes frames and iterables of dicts: its message says so
        with pytest.raises(TypeError, match=f"reports must be report files .* or an iterable of dicts, got {kind}"):
            numrep.ReputationDB.build(paths, tmp_path / "out")


def test_from_frame_counts_nan_and_nat() -> None:
    frame = pd.DataFrame({
        "number": ["0912000001", None, "09y2", "0912000002", "0912000001", np.nan],
        "time": [pd.Timestamp("2026-02-28T10:00Z"), pd.Timestamp("2026-02-28T10:00Z"), pd.Timestamp("2026-02-28T10:00Z"),
                 pd.NaT, pd.Timestamp("2026-02-28T11:00Z"), pd.NaT],
        "category": ["scam", "scam", "scam", "scam", "scam", "spam"],
    })
    db = numrep.ReputationDB.from_frame(frame)
    stats = db.ingest_stats
    assert (stats["rows"], stats["good"], stats["bad"]) == (6, 2, 4)
    assert stats["bad_by_reason"] == {"missing_number": 2, "unparseable_number": 1, "missing_time": 1}  # NaT: as from_csv
    assert db.snapshot_size == 1 and db.check("0912000001", now=NOW).reports == 2
    assert not db.check("0912000002", now=NOW).reported


def history(now: dt.datetime = NOW) -> pd.DataFrame:
    hour = dt.timedelta(hours=1)
    return pd.DataFrame({
        "number": ["0912000001", "0912000001", "0862000002", "0933000003", "0933000003", "0933000003", "0933000003"],
        "time": [now - hour, now - 2 * hour, now - hour, now - 5 * hour, now - 4 * hour, now - 3 * hour, now - 2 * hour],
        "category": ["scam", "scam", "spam", "spam", None, None, None],
        "source": ["a", "b", "a", "a", "b", "c", "d"],
        "not_spam": [False, False, False, False, True, True, True],
    })


def test_verdicts_on_known_histories() -> None:
    db = numrep.ReputationDB.from_frame(history(), source="source", not_spam="not_spam")
    two_scams = db.check("0912 000 001", now=NOW)
    assert two_scams.level == "likely_scam" and two_scams.reports == 2 and two_scams.carrier == "Vinaphone"
    assert two_scams.first_seen == NOW - dt.timedelta(hours=2) and two_scams.last_seen == NOW - dt.timedelta(hours=1)
    one_spam = db.check("+84862000002", now=NOW)
    assert one_spam.level == "clean" and 20 < one_spam.score < 30 and not one_spam.delisted
    vouched = db.check("0933000003", now=NOW)  # one spam report, three not-spam votes: delisted
    assert vouched.reports == 1 and vouched.not_spam == 3 and vouched.delisted and vouched.level == "clean"
    unknown = db.check("0977000000", now=NOW)
    assert not unknown.reported and unknown.score == 0 and unknown.level == "clean" and unknown.first_seen is None
    year_later = db.check("0912000001", now=NOW + dt.timedelta(days=400))
    assert year_later.level == "clean" and year_later.delisted
    with pytest.raises(numrep.ParseError):
        db.check("09y2")


def test_check_many_matches_check() -> None:
    db = numrep.ReputationDB.from_frame(history(), source="source", not_spam="not_spam")
    numbers = ["0912000001", "0862000002", "0933000003", "0977000000", "garbage"]
    columns = db.check_many(numbers, now=NOW)
    assert columns["key"].tolist()[-1] == 0 and not columns["reported"][-1]
    for i, number in enumerate(numbers[:-1]):
        verdict = db.check(number, now=NOW)
        assert numrep.LEVEL_NAMES[columns["level"][i]] == verdict.level
        assert columns["score"][i] == pytest.approx(verdict.score)
        assert columns["reports"][i] == verdict.reports and bool(columns["reported"][i]) == verdict.reported
        assert dict(zip(numrep.CATEGORY_NAMES, columns["counts"][i].tolist())) == verdict.counts
        assert numrep.carrier_names()[columns["carrier"][i]] == verdict.carrier
        assert numrep.TYPE_NAMES[columns["type"][i]] == verdict.type
    frame = db.check_many(numbers, now=NOW, as_frame=True)
    assert list(frame["level"]) == ["likely_scam", "clean", "clean", "clean", "clean"]
    assert frame["scam"].tolist() == [2, 0, 0, 0, 0] and frame["e164"][0] == "+84912000001"
    keys = db.check_many(np.array([84912000001, 84977000000], dtype=np.uint64), now=NOW)
    assert keys["reports"].tolist() == [2, 0]


def test_delta_and_compaction_equal_a_full_rebuild() -> None:
    rng = np.random.default_rng(5)
    n = 3000
    frame = pd.DataFrame({
        "number": [f"09{d}" for d in rng.integers(10_000_000, 10_000_400, n)],  # repeats across halves
        "time": [NOW - dt.timedelta(days=float(x)) for x in rng.uniform(0, 200, n)],
        "category": rng.choice(["scam", "spam", "robocall", "silent"], n),
        "source": [f"s{x}" for x in rng.integers(0, 50, n)],
        "not_spam": rng.random(n) < 0.05,
    })
    columns = {"source": "source", "not_spam": "not_spam"}
    full = numrep.ReputationDB.from_frame(frame, **columns)
    db = numrep.ReputationDB.from_frame(frame.iloc[: n // 2], **columns)
    db.add_reports(frame.iloc[n // 2: 2 * n // 3], **columns)
    added = db.add_reports(frame.iloc[2 * n // 3:].to_dict("records"), **columns)
    assert added["good"] == n - 2 * n // 3 and db.delta_size > 0
    probe = [f"09{d}" for d in range(10_000_000, 10_000_410)]
    expected = full.check_many(probe, now=NOW)

    def same(got: dict) -> None:
        for name in ("reported", "level", "reports", "not_spam", "first_seen", "last_seen", "counts"):
            np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
        # The decayed sum is kept in single precision, so merge order shows in the last bits.
        np.testing.assert_allclose(got["score"], expected["score"], rtol=1e-6)

    same(db.check_many(probe, now=NOW))
    db.compact()
    assert db.delta_size == 0 and db.snapshot_size == full.snapshot_size
    same(db.check_many(probe, now=NOW))


def test_save_open_round_trip(tmp_path) -> None:
    db = numrep.ReputationDB.from_frame(history(), source="source", not_spam="not_spam", half_life_days=30)
    db.add_reports([{"number": "0977000000", "time": NOW, "category": "scam"}])
    db.save(tmp_path / "db")
    opened = numrep.ReputationDB.open(tmp_path / "db")
    assert opened.half_life_days == 30 and opened.snapshot_size == 4 and opened.delta_size == 0
    probe = ["0912000001", "0862000002", "0933000003", "0977000000", "0977000001"]
    a, b = db.check_many(probe, now=NOW), opened.check_many(probe, now=NOW)
    for name in ("reported", "level", "score", "reports", "counts", "first_seen", "last_seen"):
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert opened.records_bytes > 0 and opened.bloom_bytes > 0 and opened.records_bits_per_key > 0


def store_file(db_path, suffix: str):
    """The published store file of a saved database that ends with `suffix` (".trie", ".bloom")."""
    (name,) = [name for name, _, _ in numrep._core._store_files(db_path) if name.endswith(suffix)]
    return db_path / name


@pytest.mark.parametrize("damage", ["flip_records", "truncate_bloom", "flip_manifest", "bad_manifest", "swap_bloom",
                                    "not_a_dir", "missing_manifest", "empty_manifest"])
def test_damaged_directory_is_a_format_error(tmp_path, damage: str) -> None:
    db = numrep.ReputationDB.from_frame(history(), source="source", not_spam="not_spam")
    path = tmp_path / "db"
    db.save(path)
    manifest = path / "MANIFEST"
    match = "MANIFEST"
    if damage == "flip_records":
        records = store_file(path, ".trie")
        data = bytearray(records.read_bytes())
        data[len(data) // 2] ^= 0x01
        records.write_bytes(bytes(data))
        match = records.name
    elif damage == "truncate_bloom":
        bloom = store_file(path, ".bloom")
        bloom.write_bytes(bloom.read_bytes()[:100])
        match = bloom.name
    elif damage == "missing_manifest":
        manifest.unlink()
        match = "no MANIFEST"
    elif damage == "empty_manifest":
        manifest.write_bytes(b"")
        match = "damaged numrep database: its MANIFEST does not begin with"
    elif damage == "flip_manifest":  # suspicious_score 30 -> 20: refused, not believed
        manifest.write_text(manifest.read_text().replace("suspicious_score=30", "suspicious_score=20"))
        match = "checksum mismatch"
    elif damage == "bad_manifest":
        manifest.write_text("numrep-database 2\nhalf_life_days=banana\n")
        match = "incomplete"
    elif damage == "swap_bloom":  # a valid filter of another database
        other = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0977000000"], "time": [NOW], "category": ["scam"]}))
        other.save(tmp_path / "other")
        store_file(path, ".bloom").write_bytes(store_file(tmp_path / "other", ".bloom").read_bytes())
        match = "does not belong to this database"
    else:
        path = tmp_path / "plain_file"
        path.write_text("not a database")
        match = "not a numrep database"
    with pytest.raises(numrep.FormatError, match=match):
        numrep.ReputationDB.open(path)


def test_missing_store_file_names_it(tmp_path) -> None:
    numrep.ReputationDB.from_frame(history()).save(tmp_path / "db")
    bloom = store_file(tmp_path / "db", ".bloom")
    bloom.unlink()
    with pytest.raises(numrep.FormatError, match=bloom.name):
        numrep.ReputationDB.open(tmp_path / "db")


def test_in_says_whether_the_database_holds_the_number() -> None:
    """`number in db` was Python's "argument of type 'ReputationDB' is not iterable"; it reads
    the number as check does, as the stores' `in` does."""
    db = numrep.ReputationDB.from_frame([
        {"number": "0912345678", "time": "2024-01-01", "category": "scam"},
        {"number": "0987654321", "time": "2024-01-01", "category": "", "not_spam": "yes"}])
    for number in ("0912345678", "+84 912 345 678", 84912345678, numrep.parse("0912345678"), "0987654321"):
        assert number in db, number
    assert "0911111111" not in db
    assert ("202-555-0123" in db) == db.check("202-555-0123").reported
    # NumPy keys, as keys() and parse_many give them (they were a TypeError).
    keys = db.keys()
    assert all(key in db for key in keys) and np.int64(84912345678) in db
    with pytest.raises(numrep.ParseError):
        _ = "abc" in db
    for wrong in (None, True, 3.5):
        with pytest.raises(TypeError, match="expected a phone number"):
            _ = wrong in db


def test_an_empty_list_of_reports_adds_none() -> None:
    """add_reports([]) (a feed with nothing new) raised "columns ['number', 'time', 'category']
    not in the frame (it has [])", where an empty frame with the columns adds nothing."""
    db = numrep.ReputationDB.from_frame([{"number": "0912345678", "time": "2024-01-01", "category": "scam"}])
    for reports in ([], iter([]), (r for r in []), ()):
        assert db.add_reports(reports)["rows"] == 0
        assert len(db) == 1
    assert len(numrep.ReputationDB.from_frame([])) == 0
    # No note about integers that lost their leading zeros: there are none.
    assert not db.add_reports([]).get("notes")
    # A list with rows still needs its columns.
    with pytest.raises(ValueError, match=r"columns \['time', 'category'\] not in the frame"):
        db.add_reports([{"number": "0912345678"}])


def test_string_view_columns_of_pandas_are_read() -> None:
    """pandas' ArrowDtype(string_view) columns: from_frame raised NotImplementedError for every
    column of that type, and check_many did when a row parsed to a key that is not a number
    (pandas cannot tell a view dtype's kind nor convert it to objects)."""
    pa = pytest.importorskip("pyarrow")
    if not hasattr(pa, "string_view"):
        pytest.skip("this pyarrow has no string_view")
    views = pd.ArrowDtype(pa.string_view())
    frame = history()
    frame["time"] = frame["time"].map(lambda t: t.isoformat())
    frame["not_spam"] = frame["not_spam"].map(lambda v: "1" if v else "0")
    expected = numrep.ReputationDB.from_frame(frame, source="source", not_spam="not_spam")
    numbers = ["0912000001", "0862000002", "0933000003", "+8424", None]
    for column in frame.columns:
        viewed = frame.copy()
        texts = [None if pd.isna(v) else v for v in viewed[column].tolist()]
        viewed[column] = pd.Series(texts, dtype=views, index=viewed.index)
        db = numrep.ReputationDB.from_frame(viewed, source="source", not_spam="not_spam")
        pd.testing.assert_frame_equal(db.check_many(numbers, now=NOW, as_frame=True),
                                      expected.check_many(numbers, now=NOW, as_frame=True), obj=column)
    column = pd.Series(numbers, dtype=views, index=[5, 6, 7, 8, 9])
    got = expected.check_many(column, now=NOW)
    assert got["key"].tolist() == expected.check_many(numbers, now=NOW)["key"].tolist()
    assert got["key"].tolist()[3] == 8424
    # Regions in a view column too: by position in the batch calls, by label in the accessor.
    texts = ["0912000001", "2025550123", None]
    regions = ["VN", "US", "VN"]
    keys = numrep.parse_many(texts, region=regions).tolist()
    assert keys == [84912000001, 12025550123, 0]
    viewed_regions = pd.Series(regions, dtype=views, index=[7, 8, 9])
    assert numrep.parse_many(texts, region=viewed_regions).tolist() == keys
    assert expected.check_many(texts, now=NOW, region=viewed_regions)["key"].tolist() == keys
    assert pd.Series(texts, index=[7, 8, 9]).numrep.parse(region=viewed_regions).fillna(0).tolist() == keys
    relabelled = pd.Series(["2025550123", "0912000001"], index=[8, 7])  # matched by label, not position
    assert relabelled.numrep.parse(region=viewed_regions).tolist() == [12025550123, 84912000001]


def test_store_file_that_is_no_regular_file_is_named_first(tmp_path) -> None:
    """A FIFO, directory or socket in a store's place: the store is named and called what it is
    (the message named the MANIFEST and gave "Operation not supported")."""
    import socket

    def bind_socket(path: Path) -> None:
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(str(path))  # the socket file stays after the socket is closed

    numrep.ReputationDB.from_frame(history()).save(tmp_path / "db")
    for suffix in (".bloom", ".trie"):
        store = store_file(tmp_path / "db", suffix)
        original = store.read_bytes()
        for replace in (os.mkfifo, os.mkdir, bind_socket):
            store.unlink()
            replace(store)
            with pytest.raises(numrep.FormatError) as raised:
                numrep.ReputationDB.open(tmp_path / "db")
            assert str(raised.value).startswith(f"numrep: {store}: not a regular file"), str(raised.value)
            store.rmdir() if store.is_dir() else store.unlink()
            store.write_bytes(original)
        assert len(numrep.ReputationDB.open(tmp_path / "db")) == len(numrep.ReputationDB.from_frame(history()))


def test_a_database_remembers_its_region(tmp_path) -> None:
    """The FTC preset reads US numbers: checks of national forms use US too, unless told."""
    reports = tmp_path / "ftc.csv"
    reports.write_text("Company_Phone_Number,Violation_Date,Subject,Consumer_Area_Code\n"
                       "4708091299,2021-07-07 00:00:00,Scam,202\n", encoding="utf-8")
    db = numrep.ReputationDB.from_csv(reports, preset="ftc")
    assert db.region == "US"
    db.save(tmp_path / "ftc.db")
    opened = numrep.ReputationDB.open(tmp_path / "ftc.db")
    assert opened.region == "US" and "region='US'" in repr(opened)
    assert opened.check("4708091299", now=NOW).reported
    assert opened.check("(470) 809-1299", now=NOW).e164 == "+14708091299"
    assert opened.check_many(["4708091299", "470-809-1299"], now=NOW)["reported"].tolist() == [True, True]
    # An explicit region still wins, in the call or when opening.
    assert opened.check("4708091299", now=NOW, region="VN").e164 == "+844708091299"
    assert not opened.check_many(["4708091299"], now=NOW, region="VN")["reported"][0]
    as_vn = numrep.ReputationDB.open(tmp_path / "ftc.db", region="VN")
    assert as_vn.region == "VN" and not as_vn.check("4708091299", now=NOW).reported
    assert numrep.ReputationDB.open(tmp_path / "ftc.db", region=None).region is None  # international only
    # from_frame remembers the region it was given.
    frame = pd.DataFrame({"number": ["020 7946 0018"], "time": [NOW], "category": ["scam"]})
    assert numrep.ReputationDB.from_frame(frame, region="GB").region == "GB"


def test_reports_from_an_arrow_table_and_from_plain_dicts() -> None:
    pa = pytest.importorskip("pyarrow")
    rows = [
        {"number": "0912 345 678", "time": "2025-01-01T10:00:00Z", "category": "scam"},
        {"number": "+84 912 345 678", "time": "2025-01-02T10:00:00Z", "category": "Giả danh công an"},
        {"number": "0162 345 6789", "time": "2025-01-03", "category": "spam"},
        {"number": "not a number", "time": "2025-01-03", "category": "spam"},
    ]
    now = 1_735_900_000
    from_dicts = numrep.ReputationDB.from_frame(rows)
    from_arrow = numrep.ReputationDB.from_frame(pa.Table.from_pylist(rows))
    for db in (from_dicts, from_arrow):
        assert db.ingest_stats["bad_by_reason"] == {"unparseable_number": 1}
        assert db.ingest_stats["good"] == 3
        verdict = db.check("0912345678", now=now)
        assert verdict.counts["scam"] == 2 and verdict.level == "likely_scam"
        assert db.check("0323456789", now=now).counts["spam"] == 1  # the legacy form, converted
    later = pa.Table.from_pylist([{"number": "0323456789", "time": "2025-01-03", "category": "scam"}])
    from_arrow.add_reports(later)
    assert from_arrow.check("0162 345 6789", now=now).reports == 2
    with pytest.raises(TypeError, match="from_csv"):
        numrep.ReputationDB.from_frame("reports.csv")


@pytest.mark.parametrize(("written", "hint"), [
    ("12345678", "a number of 8 or 14 digits is a date, YYYYMMDD or YYYYMMDDhhmmss, and this is no date"),
    ("20211399000000", "a number of 8 or 14 digits is a date"),
    ("1500000000000", "unix times are in seconds (one in milliseconds is 1000 times too large)"),
    ("2099-01-01", None), ("2021-13-01", None), ("-12345678", None),
    ("20991231000000", None)])  # a date, read as one: no milliseconds hint
def test_bad_time_messages_say_why_a_number_is_no_time(tmp_path, written: str, hint: str | None) -> None:
    """A time column's "12345678" was "expected ISO 8601 ... or unix seconds" (it is written as
    seconds: 8 digits are a date) and "1500000000000" "in the future" alone, where now= explains
    both; files, frames of text and frames of numbers say the same."""
    (tmp_path / "r.csv").write_text(f"number,time,category\n0912345678,{written},scam\n", encoding="utf-8")
    messages = {numrep.ReputationDB.from_csv(tmp_path / "r.csv").ingest_stats["first_bad_rows"][0]["message"],
                numrep.ReputationDB.from_frame(pd.read_csv(tmp_path / "r.csv", dtype=str))
                .ingest_stats["first_bad_rows"][0]["message"]}
    if written.lstrip("-").isdigit() and len(written) >= 10:  # a column of numbers, as pandas reads it
        messages.add(numrep.ReputationDB.from_frame(pd.read_csv(tmp_path / "r.csv", dtype={"number": str}))
                     .ingest_stats["first_bad_rows"][0]["message"])
    assert len(messages) == 1, messages
    (message,) = messages
    assert message.startswith(f'bad time "{written}" (column time): ')
    if hint is None:
        assert "; " not in message
    else:
        assert hint in message


def test_the_bad_not_spam_message_lists_the_words_read_and_says_the_same_for_files_and_frames(tmp_path) -> None:
    """It listed "0/1, true/false, yes/no, y/n" but t/f were read too."""
    pd = pytest.importorskip("pandas")
    (tmp_path / "r.csv").write_text("number,time,category,not_spam\n0912345678,2024-01-01,scam,maybe\n", encoding="utf-8")
    from_file = numrep.ReputationDB.from_csv(tmp_path / "r.csv").ingest_stats["first_bad_rows"][0]["message"]
    from_frame = numrep.ReputationDB.from_frame(pd.read_csv(tmp_path / "r.csv", dtype=str),
                                                not_spam="not_spam").ingest_stats["first_bad_rows"][0]["message"]
    assert from_file == from_frame == 'bad not_spam value "maybe" (column not_spam): expected empty, 0/1 (or ' \
                                      "0.0/1.0), true/false, yes/no, y/n or t/f"
    listed = from_file.split("expected empty, ")[1].replace(" (or ", ", ").replace(")", "").replace(" or ", ", ")
    words = [w for pair in listed.split(", ") for w in pair.split("/")]
    flags, bad = numrep._core._parse_flags(words)
    assert len(words) == 12 and not bad.any()
    assert all(flags[i] != flags[i + 1] for i in range(0, len(words), 2))  # each pair a yes and a no


def test_frame_times_flags_and_naive_datetimes_read_like_csv() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({
        "number": ["0912345678", "0912345678", "0912345678", "0987654321", "0987654321", "0987654321"],
        "time": [1704067200, 1704153600, 1704240000, 1704067200, 1704067200, 1704067200],  # unix seconds
        "category": ["scam"] * 6,
        "not_spam": ["no", "false", "0", "yes", "maybe", ""],
    })
    db = numrep.ReputationDB.from_frame(frame, not_spam="not_spam")
    assert db.ingest_stats["bad_by_reason"] == {"bad_not_spam": 1}
    scam = db.check("0912345678", now=dt.datetime(2024, 1, 3))  # naive: UTC, like report times
    assert scam.reports == 3 and scam.not_spam == 0
    assert scam.first_seen == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    assert scam.last_seen == dt.datetime(2024, 1, 3, tzinfo=dt.timezone.utc)
    aware = db.check("0912345678", now=dt.datetime(2024, 1, 3, tzinfo=dt.timezone.utc))
    assert aware.score == scam.score
    voted = db.check("0987654321", now=1704240000)
    assert voted.not_spam == 1 and voted.reports == 1  # "yes" is a vote, "" a report, "maybe" a bad row
    digits = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["1704067200"],
                                                          "category": ["scam"]}))
    assert digits.check("0912345678", now=1704067200).first_seen == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    with pytest.raises(ValueError, match="now must be .*'tomorrow' is not a time"):  # a str is an ISO 8601 time
        db.check("0912345678", now="tomorrow")
    future = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678", "0912345678"],
                                                          "time": ["2024-01-01", "2999-01-01"], "category": ["scam"] * 2}))
    assert future.ingest_stats["bad_by_reason"] == {"bad_time": 1}


def test_vote_only_numbers_have_no_dates_in_frames() -> None:
    pd = pytest.importorskip("pandas")
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2024-01-01"],
                                                      "category": ["scam"], "not_spam": [True]}), not_spam="not_spam")
    frame = db.check_many(["0912345678"], now=1704067200, as_frame=True)
    assert bool(frame["reported"][0]) and frame["reports"][0] == 0
    assert pd.isna(frame["first_seen"][0]) and pd.isna(frame["last_seen"][0])


def test_len_counts_each_number_once_across_snapshot_and_delta() -> None:
    """A number in both the snapshot and the delta is one number (issue 9)."""
    frame = pd.DataFrame({"number": ["0912000001", "0912000002", "0912000003"], "time": [NOW] * 3,
                          "category": ["scam"] * 3})
    db = numrep.ReputationDB.from_frame(frame)
    assert len(db) == 3
    db.add_reports(pd.DataFrame({"number": ["0912000001"], "time": [NOW], "category": ["spam"]}))
    assert len(db) == 3  # the same number again
    db.add_reports(pd.DataFrame({"number": ["0912000004"], "time": [NOW], "category": ["spam"]}))
    assert len(db) == 4  # a new one
    assert len(db) == len(db.keys())
    db.compact()
    assert len(db) == 4


@pytest.mark.parametrize("keys", [np.array([84912000001, -1]), [84912000001, -1]], ids=["array", "list"])
def test_check_many_refuses_negative_keys_naming_the_index(keys) -> None:
    """-1 must not wrap around to 2**64 - 1 (issue 9)."""
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912000001"], "time": [NOW], "category": ["scam"]}))
    with pytest.raises(ValueError, match="key -1 at index 1 is negative"):
        db.check_many(keys)
    with pytest.raises(ValueError, match="key -1 at index 1 is negative"):
        numrep.lookup_many(np.array([84912000001, -1]))


@pytest.mark.parametrize("time_text, good", [
    ("2021-07-07", True), ("2021-07-07T00:01:15Z", True), ("1625616075", True), (" 2021-07-07 00:01:15 ", True),
    ("07/07/2021", False), ("2021-02-30", False), ("yesterday", False), ("", False),
    ("1625616075.0", True), ("1625616075.75", True), ("20210707.0", True), ("1625616075.", False), (".5", False),
])
def test_from_frame_and_from_csv_read_a_time_alike(tmp_path, time_text, good) -> None:
    """One time parser (the CSV reader's, in C++) for both: "07/07/2021" was a good row in
    from_frame, where pandas guessed, and a bad one in from_csv (issue 9)."""
    path = tmp_path / "reports.csv"
    path.write_text(f"number,time,category\n0912345678,{time_text},scam\n", encoding="utf-8")
    by_csv = numrep.ReputationDB.from_csv(path)
    by_frame = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": [time_text],
                                                            "category": ["scam"]}))
    for db in (by_csv, by_frame):
        assert db.ingest_stats["good"] == (1 if good else 0), db.ingest_stats
    if good:
        assert by_csv.check("0912345678").first_seen == by_frame.check("0912345678").first_seen


@pytest.mark.parametrize("flag", ["yes", "NO", "1", "0", "t", "F", "", "maybe", "2"])
def test_from_frame_and_from_csv_read_a_not_spam_flag_alike(tmp_path, flag) -> None:
    path = tmp_path / "reports.csv"
    path.write_text(f"number,time,category,not_spam\n0912345678,2021-07-07,scam,{flag}\n", encoding="utf-8")
    by_csv = numrep.ReputationDB.from_csv(path, not_spam="not_spam")
    by_frame = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-07-07"],
                                                            "category": ["scam"], "not_spam": [flag]}),
                                              not_spam="not_spam")
    assert by_csv.ingest_stats["bad_by_reason"] == by_frame.ingest_stats["bad_by_reason"]
    if by_csv.ingest_stats["good"]:
        assert by_csv.check("0912345678").not_spam == by_frame.check("0912345678").not_spam


def test_a_float_vote_column_reads_alike_in_a_frame_and_in_the_csv_pandas_writes_of_it(tmp_path) -> None:
    """A not_spam column with a gap is float in pandas, and to_csv writes its votes "1.0":
    from_frame read them as votes, from_csv counted each a bad row (and the number scored as
    reported). "1.0" and "0.0" are 1 and 0 in both now; "1.5" is no flag in either."""
    frame = pd.DataFrame({"number": ["0912345678"] * 5, "time": ["2021-07-07"] * 5,
                          "category": ["spam", None, None, None, None], "not_spam": [np.nan, 1.0, 1.0, 1.0, 0.0]})
    frame.to_csv(tmp_path / "votes.csv", index=False)
    assert "1.0" in (tmp_path / "votes.csv").read_text(encoding="utf-8")
    for db in (numrep.ReputationDB.from_csv(tmp_path / "votes.csv"), numrep.ReputationDB.from_frame(frame)):
        verdict = db.check("0912345678", now="2021-07-08")
        assert db.ingest_stats["bad"] == 0, db.ingest_stats
        assert (verdict.reports, verdict.not_spam, verdict.delisted) == (2, 3, True)
    assert numrep._core._parse_flags(["1.00", "0.0", "1.5", "2.0", "1.", ".0"])[1].tolist() == [False, False, True,
                                                                                              True, True, True]


def test_reputation_db_is_a_python_class_and_every_constructor_returns_it(tmp_path) -> None:
    """from_csv / from_frame / open were patched onto the compiled class at import and returned it:
    a subclass got the base class back, and help() showed the patched functions oddly."""
    import pydoc

    class Mine(numrep.ReputationDB):
        pass

    path = write(tmp_path, "number,time,category\n0912000001,2026-02-28,scam\n")
    frame = pd.DataFrame({"number": ["0912000001"], "time": ["2026-02-28"], "category": ["scam"]})
    for cls in (numrep.ReputationDB, Mine):
        by_csv, by_frame = cls.from_csv(path), cls.from_frame(frame)
        by_csv.save(tmp_path / "db")
        opened = cls.open(tmp_path / "db")
        for db in (by_csv, by_frame, opened):
            assert type(db) is cls and isinstance(db, numrep._core.ReputationDB)
            assert db.check("0912000001", now=NOW).reports == 1
    assert by_frame.ingest_stats["good"] == 1 and by_csv.ingest_stats["good"] == 1 and opened.ingest_stats == {}
    assert not hasattr(numrep._core.ReputationDB, "from_csv") and not hasattr(numrep._core.ReputationDB, "check_many")
    page = pydoc.render_doc(numrep.ReputationDB, renderer=pydoc.plaintext)
    assert "from_csv(path" in page and "check_many(self, numbers" in page and "numrep._core.ReputationDB" in page


def test_from_csv_region_overrides_the_preset_and_the_preset_region_holds_otherwise(tmp_path: Path) -> None:
    # The FTC preset reads national forms as US numbers unless an explicit region says otherwise.
    path = write(tmp_path, "Company_Phone_Number,Violation_Date,Subject,Consumer_Area_Code\n"
                           "0912345678,2021-07-07 00:00:00,Scam,202\n")
    assert 84912345678 not in numrep.ReputationDB.from_csv(path, preset="ftc").keys().tolist()  # read as US
    as_vn = numrep.ReputationDB.from_csv(path, preset="ftc", region="VN")
    assert as_vn.keys().tolist() == [84912345678]


def test_from_csv_rejects_file_that_cannot_be_written_is_an_os_error(tmp_path: Path) -> None:
    path = write(tmp_path, "number,time,category\n0912345678,2021-07-07,scam\n")
    target = tmp_path / "no-such-dir" / "rejects.csv"
    with pytest.raises(OSError) as error:
        numrep.ReputationDB.from_csv(path, rejects=target)
    assert error.value.errno == errno.ENOENT and str(target) in str(error.value)


def test_the_rejects_file_never_empties_an_input_or_a_file_when_the_build_fails(tmp_path: Path) -> None:
    text = "number,time,category\n0912345678,2021-07-07,scam\n09y2,2021-07-07,scam\n"
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match="rejects file .* is one of the report files"):
        numrep.ReputationDB.from_csv(path, rejects=path)
    assert path.read_text(encoding="utf-8") == text  # was emptied before it was read
    keep = tmp_path / "keep.txt"
    keep.write_text("precious\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no column"):
        numrep.ReputationDB.from_csv(path, number="phone", rejects=keep)
    assert keep.read_text(encoding="utf-8") == "precious\n"  # a failed build leaves it as it was
    numrep.ReputationDB.from_csv(path, rejects=keep)
    assert ",3,unparseable_number," in keep.read_text(encoding="utf-8").splitlines()[1]  # line 3, once it succeeded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt", "reports.csv"]  # no temporary file left


def test_the_rejects_file_keeps_a_symlink_and_the_mode_of_the_file_there(tmp_path: Path) -> None:
    import os
    import stat

    path = write(tmp_path, "number,time,category\n09y2,2021-07-07,scam\n")
    target = tmp_path / "private.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)  # rejects hold phone numbers: a private file stays private
    link = tmp_path / "rejects-link.csv"
    link.symlink_to(target)
    numrep.ReputationDB.from_csv(path, rejects=link)
    assert link.is_symlink() and os.readlink(link) == str(target)  # the link itself is kept
    assert "09y2" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_file_name_that_is_not_utf8_is_named_as_os_fsdecode_names_it(tmp_path: Path) -> None:
    import os

    name = os.fsencode(str(tmp_path)) + b"/bad\xe9.csv"
    with open(name, "w", encoding="utf-8") as f:
        f.write("number,time,category\n09y2,2021-07-07,scam\n")
    (row,) = numrep.ReputationDB.from_csv(name).ingest_stats["first_bad_rows"]
    assert row["file"] == os.fsdecode(name)


def test_a_directory_with_another_programs_manifest_is_not_called_a_damaged_database(tmp_path: Path) -> None:
    (tmp_path / "MANIFEST").write_text("include README.md\n", encoding="utf-8")  # a Python source tree's
    with pytest.raises(numrep.FormatError, match="not a numrep database \\(its MANIFEST is not numrep's\\)"):
        numrep.ReputationDB.open(tmp_path)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_rejects_file_that_cannot_take_the_rows_is_an_error_not_a_success(tmp_path: Path) -> None:
    path = write(tmp_path, "number,time,category\n" + "09y2,2021-07-07,scam\n" * 5000)
    with pytest.raises(OSError, match="rejects file"):
        numrep.ReputationDB.from_csv(path, rejects="/dev/full")


def test_bad_rows_of_several_csv_files_say_which_file(tmp_path: Path) -> None:
    first = write(tmp_path, "number,time,category\n09y2,2021-07-07,scam\n", "a.csv")
    second = write(tmp_path, "number,time,category\n0912345678,2021-07-07,scam\n09x3,2021-07-07,scam\n", "b.csv")
    rows = numrep.ReputationDB.from_csv([first, second]).ingest_stats["first_bad_rows"]
    assert [(row["file"], row["line"]) for row in rows] == [(str(first), 2), (str(second), 3)]


@pytest.mark.parametrize("into_directory", [False, True])
def test_progress_over_several_csv_files_counts_them_all(tmp_path: Path, into_directory: bool) -> None:
    """The reader counted each file from zero: a progress bar went to 100% once a file and ended
    on the last file's rows, where from_parquet's counts over all of them."""
    files = [
        write(tmp_path, "number,time,category\n" + "0912345678,2021-07-07,scam\n" * n + "09y2,2021-07-07,scam\n",
              f"{n}.csv")
        for n in (70_000, 3, 66_000)
    ]
    calls: list[tuple[int, int, int, int]] = []
    progress = lambda *call: calls.append(call)  # noqa: E731
    if into_directory:
        numrep.ReputationDB.build(files, tmp_path / "db", progress=progress)
    else:
        numrep.ReputationDB.from_csv(files, progress=progress)
    total_bytes = sum(f.stat().st_size for f in files)
    assert calls[-1] == (136_006, 3, total_bytes, total_bytes)
    assert len(calls) > 3  # every 65,536 rows, and at each file's end
    for before, after in zip(calls, calls[1:]):
        assert all(b <= a for b, a in zip(before, after)), (before, after)
        assert after[3] == total_bytes


def test_csv_counts_every_report_whatever_the_number_of_category_names(tmp_path: Path) -> None:
    """Past 65,535 distinct category texts the CSV reader used to drop rows (too_many_names)
    that a DataFrame of the same rows kept; now both count every report, by category."""
    rows = [("0912345678", "2021-07-07", f"scam call number {i}" if i % 2 else f"spam {i}") for i in range(70_000)]
    path = tmp_path / "many.csv"
    path.write_text("number,time,category\n" + "".join(f"{n},{t},{c}\n" for n, t, c in rows), encoding="utf-8")
    by_csv = numrep.ReputationDB.from_csv(path)
    by_frame = numrep.ReputationDB.from_frame(pd.DataFrame(rows, columns=["number", "time", "category"]))
    assert by_csv.ingest_stats["bad"] == 0 and by_csv.ingest_stats["good"] == 70_000
    verdict = by_csv.check("0912345678", now=NOW)
    assert verdict.reports == 70_000 and verdict.counts["scam"] == 35_000 and verdict.counts["spam"] == 35_000
    assert verdict.counts == by_frame.check("0912345678", now=NOW).counts


def test_a_report_file_given_twice_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "number,time,category\n0912345678,2021-07-07,scam\n")
    with pytest.raises(ValueError, match="given twice"):
        numrep.ReputationDB.from_csv([path, tmp_path / "." / path.name])
    with pytest.raises(ValueError, match="given twice"):  # a build in any kind: the same check
        numrep.ReputationDB.build([str(tmp_path / "*.csv"), path], tmp_path / "db")
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    pq.write_table(pa.table({"number": ["0912345678"], "time": ["2021-07-07"], "category": ["scam"]}),
                   tmp_path / "r.parquet")
    with pytest.raises(ValueError, match="given twice"):
        numrep.ReputationDB.from_parquet([tmp_path / "r.parquet", tmp_path / "*.parquet"])


def test_one_column_for_two_fields_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "number,time,category\n0912345678,2021-07-07,scam\n")
    with pytest.raises(ValueError, match="column \"number\" is given for both the number and the time"):
        numrep.ReputationDB.from_csv(path, time="number")
    frame = pd.DataFrame({"number": ["0912345678"], "time": ["2021-07-07"], "category": ["scam"]})
    with pytest.raises(ValueError, match="'number' is given for more than one field"):
        numrep.ReputationDB.from_frame(frame, time="number")


def test_a_default_time_in_the_future_is_refused_as_a_time_in_the_column_is(tmp_path: Path) -> None:
    path = write(tmp_path, "number,time,category\n0912345678,,scam\n")
    with pytest.raises(ValueError, match="default_time .* is in the future"):
        numrep.ReputationDB.from_csv(path, default_time="2099-01-01")
    frame = pd.DataFrame({"number": ["0912345678"], "time": [None], "category": ["scam"]})
    with pytest.raises(ValueError, match="default_time .* is in the future"):
        numrep.ReputationDB.from_frame(frame, default_time="2099-01-01")
    assert len(numrep.ReputationDB.from_csv(path, default_time="2021-01-01")) == 1


@pytest.mark.parametrize("cell", ["", " \t ", "\u00a0", "\x0b", "\u3000"])
def test_a_blank_time_cell_means_the_same_in_a_csv_and_a_frame(tmp_path: Path, cell: str) -> None:
    # Blank is ASCII white space alone in both readers; other white space (a spreadsheet's
    # no-break space) is a bad time in both: the frame reader had taken it for missing.
    path = tmp_path / "r.csv"
    path.write_text(f"number,time\n0912345678,{cell}\n", encoding="utf-8")
    frame = pd.DataFrame({"number": ["0912345678"], "time": [cell]})
    for default_time in (None, "2021-03-01"):
        from_csv = numrep.ReputationDB.from_csv(path, category=None, default_time=default_time).ingest_stats
        from_frame = numrep.ReputationDB.from_frame(frame, category=None, default_time=default_time).ingest_stats
        for field in ("good", "bad_by_reason", "defaulted_times"):
            assert from_csv[field] == from_frame[field], (field, default_time, from_csv, from_frame)


def test_a_bad_time_in_a_bytes_column_is_named_by_its_text() -> None:
    frame = pd.DataFrame({"number": ["0912345678", "0987654321"], "time": [b"yesterday", b"\xff2021"]})
    messages = [row["message"] for row in numrep.ReputationDB.from_frame(frame, category=None).ingest_stats["first_bad_rows"]]
    assert messages[0].startswith('bad time "yesterday" (column time)'), messages  # was "b'yesterday'"
    assert messages[1].startswith('bad time "\\xff2021"'), messages
    votes = pd.DataFrame({"number": ["0912345678"], "time": ["2021-03-01"], "not_spam": [b"maybe"]})
    (bad,) = numrep.ReputationDB.from_frame(votes, category=None, not_spam="not_spam").ingest_stats["first_bad_rows"]
    assert bad["message"].startswith('bad not_spam value "maybe"'), bad  # was "b'maybe'"


def test_a_complex_time_column_is_refused() -> None:
    frame = pd.DataFrame({"number": ["0912345678"], "time": np.array([1614556800 + 5j])})
    with pytest.raises(TypeError, match="time column 'time' is complex128"):
        numrep.ReputationDB.from_frame(frame, category=None)


def test_a_frame_with_a_repeated_column_name_is_refused_clearly() -> None:
    pa = pytest.importorskip("pyarrow")
    numbers = pa.array(["0912345678"])
    table = pa.Table.from_arrays([numbers, numbers, pa.array(["2021-07-07"]), pa.array(["scam"])],
                                 names=["number", "number", "time", "category"])
    with pytest.raises(ValueError, match="column 'number' \\(for the number\\) appears 2 times"):
        numrep.ReputationDB.from_frame(table)


def test_check_many_plan_columns_are_lookup_many_columns(tmp_path: Path) -> None:
    # One piece of code fills the plan's columns of both calls.
    path = write(tmp_path, "number,time,category\n0912345678,2021-07-07,scam\n02439123456,2021-07-07,spam\n")
    db = numrep.ReputationDB.from_csv(path)
    keys = np.array([84912345678, 842439123456, 12025550123, 0], dtype=np.uint64)
    verdicts = db.check_many(keys, now=1_700_000_000)
    info = numrep.lookup_many(keys)
    for column in ("carrier", "type", "region", "valid", "region_code"):
        assert verdicts[column].tolist() == info[column].tolist(), column


def test_bad_rows_that_are_not_utf8_or_cut_in_a_character_do_not_raise(tmp_path: Path) -> None:
    # Latin-1 bytes in bad rows, and a bad row whose 256th byte is inside a two-byte character:
    # from_csv raised UnicodeDecodeError on both. Text is decoded with errors="backslashreplace";
    # "raw" keeps the bytes (cut at a character boundary).
    long_category = "c" * 251 + "é" * 3  # the row "x,0,<category>": the first é is bytes 256-257
    data = (b"number,time,category\n"
            b"0912000001,2026-02-28,scam\n"
            b"09\xe9,2026-02-28,caf\xe9\n"         # unparseable number, Latin-1
            b"0912000002,28/02/2026,r\xe9clame\n"  # bad time, Latin-1
            + f"x,0,{long_category}\n".encode())  # unparseable number, long
    path = tmp_path / "latin1.csv"
    path.write_bytes(data)
    db = numrep.ReputationDB.from_csv(path)
    stats = db.ingest_stats
    assert (stats["rows"], stats["good"], stats["bad"]) == (4, 1, 3)
    assert stats["bad_by_reason"] == {"unparseable_number": 2, "bad_time": 1}
    rows = stats["first_bad_rows"]
    assert [r["line"] for r in rows] == [3, 4, 5]
    assert rows[0]["text"] == "09\\xe9,2026-02-28,caf\\xe9" and rows[0]["raw"] == b"09\xe9,2026-02-28,caf\xe9"
    assert rows[1]["text"] == "0912000002,28/02/2026,r\\xe9clame"
    assert rows[2]["raw"] == ("x,0," + "c" * 251).encode() and rows[2]["text"] == "x,0," + "c" * 251
    assert '"09\\xe9"' in rows[0]["message"]  # the message quotes a byte that is not UTF-8 escaped
    assert "line 3" in stats["summary"]


def test_a_column_name_twice_in_the_header_is_a_value_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "number,time,category,number\n0912000001,2026-02-28,scam,0912000002\n")
    with pytest.raises(ValueError, match=r'column "number" \(for the number\) appears more than once .* '
                                         r"\(columns 1 and 4\)"):
        numrep.ReputationDB.from_csv(path)


VOTES = """number,time,category,source,not_spam
0912000001,2026-02-28T10:00:00Z,scam,alice,
0912000001,2026-02-28T11:00:00Z,scam,bob,yes
0912000001,2026-02-28T12:00:00Z,scam,carol,yes
"""


def test_source_and_not_spam_columns_are_read_by_default(tmp_path: Path) -> None:
    # A not_spam=yes row is a vote, not a report: by default from_csv counted it as a report.
    path = write(tmp_path, VOTES)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for db in (numrep.ReputationDB.from_csv(path), numrep.ReputationDB.from_frame(frame)):
        verdict = db.check("0912000001", now=NOW)
        assert (verdict.reports, verdict.not_spam, verdict.distinct_sources) == (1, 2, 1)
        assert db.ingest_stats["ignored_columns"] == []
    # Absent columns are not required; named ones are.
    plain = write(tmp_path, "number,time,category\n0912000001,2026-02-28,scam\n", "plain.csv")
    assert numrep.ReputationDB.from_csv(plain).check("0912000001", now=NOW).reports == 1
    with pytest.raises(ValueError, match='no column "not_spam"'):
        numrep.ReputationDB.from_csv(plain, not_spam="not_spam")
    with pytest.raises(ValueError, match=r"columns \['not_spam'\] not in the frame"):
        numrep.ReputationDB.from_frame(pd.read_csv(plain, dtype=str), not_spam="not_spam")
    # Left out on purpose: counted as reports, and the stats say the column was not read.
    for db in (numrep.ReputationDB.from_csv(path, not_spam=None, source=None),
               numrep.ReputationDB.from_frame(frame, not_spam=None, source=None)):
        assert db.check("0912000001", now=NOW).reports == 3
        assert db.ingest_stats["ignored_columns"] == ["source", "not_spam"]


def test_a_region_given_to_open_is_not_saved_with_the_database(tmp_path: Path) -> None:
    """open(path, region=None) then save made None the region of everyone who opened it after
    (their checks of national forms failed, or with "US" read Vietnamese numbers as +1 0...).
    save(region=...) is how the saved region changes."""
    path = write(tmp_path, "number,time,category\n0912345678,2025-01-01T00:00:00Z,scam\n")
    numrep.ReputationDB.from_csv(path).save(tmp_path / "db")
    for override in (None, "US"):
        opened = numrep.ReputationDB.open(tmp_path / "db", region=override)
        assert opened.region == override
        opened.save(tmp_path / "db")
        reopened = numrep.ReputationDB.open(tmp_path / "db")
        assert reopened.region == "VN" and reopened.check("0912345678").reports == 1, override
    numrep.ReputationDB.open(tmp_path / "db").save(tmp_path / "db", region="US")
    assert numrep.ReputationDB.open(tmp_path / "db").region == "US"
    numrep.ReputationDB.open(tmp_path / "db").save(tmp_path / "other", region=None)
    assert numrep.ReputationDB.open(tmp_path / "other").region is None


def test_saving_over_a_publication_made_since_opening_is_refused(tmp_path: Path) -> None:
    """Two objects opened on one directory, each adding reports, then saving: the second save
    replaced the first one's publication, and its reports were gone without a word."""
    path = write(tmp_path, "number,time,category\n0912345678,2025-01-01T00:00:00Z,scam\n")
    for shards in (1, 3):
        where = tmp_path / f"db{shards}"
        numrep.ReputationDB.build([path], where, shards=shards)
        a, b = numrep.ReputationDB.open(where), numrep.ReputationDB.open(where)
        a.add_reports([{"number": "0987654321", "time": "2025-01-02", "category": "scam"}])
        b.add_reports([{"number": "0861234567", "time": "2025-01-02", "category": "scam"}])
        a.save(where)
        with pytest.raises(RuntimeError, match=r"has been published again \(generation 2\) since this one opened it"):
            b.save(where)
        (tmp_path / f"link{shards}").symlink_to(where, target_is_directory=True)
        with pytest.raises(RuntimeError, match="published again"):  # whatever path names it
            b.save(tmp_path / f"link{shards}")
        with pytest.raises(RuntimeError, match="published again"):
            b.save(where, region="US")
        b.save(tmp_path / f"after_refusal{shards}")  # a refused save left the region saved as it was
        assert numrep.ReputationDB.open(tmp_path / f"after_refusal{shards}").region == "VN"
        assert numrep.ReputationDB.open(where).keys().tolist() == [84912345678, 84987654321]
        # The object that published may save again; the other, opened anew, adds its reports.
        a.add_reports([{"number": "0912345679", "time": "2025-01-03", "category": "scam"}])
        a.save(where)
        c = numrep.ReputationDB.open(where)
        c.add_reports([{"number": "0861234567", "time": "2025-01-02", "category": "scam"}])
        c.save(where)
        assert len(numrep.ReputationDB.open(where)) == 4
        # Saved elsewhere, b's state is whole.
        assert numrep.ReputationDB.open(tmp_path / f"after_refusal{shards}").keys().tolist() == [84861234567,
                                                                                                84912345678]


def test_an_optional_column_named_like_its_field_but_not_as_written_is_an_error(tmp_path: Path) -> None:
    """A "Not_Spam" column was left out without a word (source and not_spam are read by their
    default names only), and its votes counted as reports: a clean, delisted number scored as a
    likely scam. Such a column is now an error that says how to read it or leave it out."""
    for header in ("Not_Spam", "not-spam", "NOT SPAM", "notspam"):
        text = f"number,time,category,{header}\n0912345678,2025-01-01,spam,\n" + "0912345678,2025-01-01,,yes\n" * 3
        path = write(tmp_path, text, "votes.csv")
        with pytest.raises(ValueError, match=f"column \"{header}\" on line 1 is named like the not_spam field"):
            numrep.ReputationDB.from_csv(path)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        with pytest.raises(ValueError, match=f"column '{header}' is named like the not_spam field.*not_spam="):
            numrep.ReputationDB.from_frame(frame)
        # Read by its name, the votes are votes; left out, the stats do not claim it was a field.
        for db in (numrep.ReputationDB.from_csv(path, not_spam=header),
                   numrep.ReputationDB.from_frame(frame, not_spam=header)):
            verdict = db.check("0912345678", now="2025-01-01")
            assert (verdict.reports, verdict.not_spam, verdict.delisted) == (1, 3, True), header
        assert numrep.ReputationDB.from_csv(path, not_spam=None).check("0912345678", now="2025-01-01").reports == 4
        frame.to_parquet(tmp_path / "votes.parquet")
        with pytest.raises(ValueError, match=f"votes.parquet: column '{header}' is named like the not_spam field"):
            numrep.ReputationDB.from_parquet(tmp_path / "votes.parquet")
    # A column read as another field is that field's: a file of calls whose caller is "Source".
    calls = write(tmp_path, "Source,Destination,time,category\n0912345678,0987654321,2025-01-01,scam\n", "calls.csv")
    for db in (numrep.ReputationDB.from_csv(calls, number="Source"),
               numrep.ReputationDB.from_frame(pd.read_csv(calls, dtype=str), number="Source")):
        assert db.keys().tolist() == [84912345678]
    pd.read_csv(calls, dtype=str).to_parquet(tmp_path / "calls.parquet")
    assert len(numrep.ReputationDB.from_parquet(tmp_path / "calls.parquet", number="Source")) == 1
    with pytest.raises(ValueError, match="named like the source field"):
        numrep.ReputationDB.from_csv(write(tmp_path, "number,time,category,Source\n0912345678,2025-01-01,scam,app\n", "s.csv"))


def test_a_float_time_column_reads_alike_in_a_frame_and_in_the_csv_pandas_writes_of_it(tmp_path: Path) -> None:
    """A time column with a gap is float in pandas, and to_csv writes it "1625616075.0": from_csv
    counted every such row a bad time while from_frame read the floats. Both floor fractions to
    the second now (-1.5 is -2, as a fraction of an ISO time is floored), 20210707.0 is a date."""
    frame = pd.DataFrame({"number": ["0912000001", "0912000002", "0912000003", "0912000004", "0912000005"],
                          "time": [1625616075.0, np.nan, -1.5, 1625616075.75, 20210707.0]})
    path = tmp_path / "floats.csv"
    frame.to_csv(path, index=False)
    assert "1625616075.0" in path.read_text(encoding="utf-8")
    by_csv = numrep.ReputationDB.from_csv(path, category=None)
    by_frame = numrep.ReputationDB.from_frame(frame, category=None)
    for db in (by_csv, by_frame):
        assert db.ingest_stats["bad_by_reason"] == {"missing_time": 1, "bad_time": 1}, db.ingest_stats  # -1.5: 1969
        seen = {int(key): int(last) for key, last in zip(db.keys(), db.check_many(db.keys(), now=NOW)["last_seen"])}
        assert seen == {84912000001: 1625616075, 84912000004: 1625616075, 84912000005: 1625616000}
    assert by_csv.check("0912000004", now="1625616075.9").as_of_seconds == 1625616075
    with pytest.warns(numrep.LaterReportsWarning):  # 1969: before the number's reports
        assert by_csv.check("0912000004", now="-1.5").as_of_seconds == -2


def test_floats_among_the_objects_of_a_time_column_read_as_in_a_float_column() -> None:
    """An object column's floats were read through their text, so 5e-05 (second 0 in a float64
    column and as now=) and 1e16 were "expected ISO 8601" bad times, and a float32 value, refused
    in a float32 column and as now=, became a bad time one day off (2.0240228e+07)."""
    times = [5e-05, 1740830400.75, -1.5, 20250301.0, 1e16, np.nan, np.float64(1740830401.0)]
    numbers = [f"09120000{i:02d}" for i in range(len(times))]
    by_kind = {}
    for kind in ("float64", object):
        frame = pd.DataFrame({"number": numbers, "time": pd.Series(times, dtype=kind), "category": "scam"})
        db = numrep.ReputationDB.from_frame(frame)
        by_kind[kind] = (db.ingest_stats["bad_by_reason"], db.check_many(numbers, now=NOW)["last_seen"].tolist())
    assert by_kind[object] == by_kind["float64"]
    # 5e-05 is 1970's first second: before 1970 and the future are the bad times; NaN is missing.
    assert by_kind[object] == ({"bad_time": 2, "missing_time": 1}, [0, 1740830400, 0, 1740787200, 0, 0, 1740830401])
    narrow = pd.DataFrame({"number": numbers[:2], "category": "scam",
                           "time": pd.Series([np.float32(20240229), 1740830400], dtype=object)})
    with pytest.raises(TypeError, match=r"time column 'time' holds a float32 value .*int64, float64 or datetimes"):
        numrep.ReputationDB.from_frame(narrow)
    # A float32 NaN lost no digits: a missing time, as NaN is.
    missing = pd.DataFrame({"number": numbers[:2], "category": "scam",
                            "time": pd.Series([np.float32("nan"), 1740830400], dtype=object)})
    assert numrep.ReputationDB.from_frame(missing).ingest_stats["bad_by_reason"] == {"missing_time": 1}


@pytest.mark.parametrize("offset", [-dt.timedelta(minutes=44, seconds=30), dt.timedelta(hours=7, microseconds=5)])
def test_a_datetime_with_seconds_in_its_utc_offset_is_its_instant_in_a_column_too(offset: dt.timedelta) -> None:
    """An object column's datetimes are read through their text, and one whose offset has seconds
    (Africa/Monrovia's -0:44:30 until 1972) or microseconds wrote "-00:44:30", which no ISO 8601
    reader takes: a bad time in the column, while now= took the same datetime."""
    when = dt.datetime(1971, 6, 1, 12, 0, tzinfo=dt.timezone(offset))
    frame = pd.DataFrame({"number": ["0912345678", "0861234567"], "category": ["scam"] * 2,
                          "time": pd.Series([when, dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)], dtype=object)})
    db = numrep.ReputationDB.from_frame(frame)
    assert db.ingest_stats["bad"] == 0, db.ingest_stats
    whole_second = dt.datetime.fromtimestamp(math.floor(when.timestamp()), dt.timezone.utc)  # times are floored
    assert db.check("0912345678", now=when).last_seen == whole_second == db.check("0912345678", now=when).as_of


def test_an_arrow_decimal_time_column_with_a_null_reads_as_its_numbers(tmp_path: Path) -> None:
    """pandas' to_numeric drops an Arrow decimal column's nulls and then failed on the lengths
    ("Length of values (1) does not match length of index (2)"): a row without a time is a
    missing time, as in every other dtype, and the decimals are unix seconds or dates."""
    pa = pytest.importorskip("pyarrow")
    import decimal

    for kind in (pa.decimal128(14, 0), pa.decimal128(16, 2), pa.decimal256(20, 0)):
        times = pa.array([decimal.Decimal(1740960000), None, decimal.Decimal(20250303)], kind)
        frame = pd.DataFrame({"number": ["0912000001", "0912000002", "0912000003"],
                              "time": pd.arrays.ArrowExtensionArray(times), "category": ["scam"] * 3})
        built = numrep.ReputationDB.from_frame(frame)
        assert built.ingest_stats["bad_by_reason"] == {"missing_time": 1}, (kind, built.ingest_stats)
        added = numrep.ReputationDB.from_frame(frame.iloc[:1])
        added.add_reports(frame.iloc[1:])
        for db in (built, added):
            seen = db.check_many(["0912000001", "0912000002", "0912000003"], now=NOW)["last_seen"]
            assert seen.tolist() == [1740960000, 0, 1740960000], kind


def test_report_times_before_1970_and_yyyymmdd_as_from_csv(tmp_path: Path) -> None:
    # Negative seconds and dates before 1970 became 1970-01-01; 20210707 was read as seconds.
    texts = ["-86400", "0000-01-01", "1969-12-31", "20210707", "2021-07-07", "2999-01-01", "20211399", ""]
    path = write(tmp_path, "number,time\n" + "".join(f"0912000001,{t}\n" for t in texts))
    frame = pd.DataFrame({"number": ["0912000001"] * len(texts), "time": texts})
    integers = pd.DataFrame({"number": ["0912000001"] * 4, "time": [-86400, 20210707, 20210707000115, 1625616075]})
    for db in (numrep.ReputationDB.from_csv(path, category=None), numrep.ReputationDB.from_frame(frame, category=None)):
        stats = db.ingest_stats
        assert (stats["rows"], stats["good"], stats["bad"]) == (8, 2, 6)
        assert stats["bad_by_reason"] == {"bad_time": 5, "missing_time": 1}
        verdict = db.check("0912000001", now=NOW)
        assert verdict.first_seen == verdict.last_seen == dt.datetime(2021, 7, 7, tzinfo=UTC)
    by_int = numrep.ReputationDB.from_frame(integers, category=None)
    assert by_int.ingest_stats["bad_by_reason"] == {"bad_time": 1}
    verdict = by_int.check("0912000001", now=NOW)
    assert verdict.reports == 3
    assert verdict.first_seen == dt.datetime(2021, 7, 7, tzinfo=UTC)
    assert verdict.last_seen == dt.datetime(2021, 7, 7, 0, 1, 15, tzinfo=UTC)
    # The default time fills in missing times only, never bad ones (as in from_csv).
    for db in (numrep.ReputationDB.from_csv(path, category=None, default_time=NOW),
               numrep.ReputationDB.from_frame(frame, category=None, default_time=NOW)):
        assert db.ingest_stats["bad_by_reason"] == {"bad_time": 5}
        assert db.ingest_stats["defaulted_times"] == 1
    with pytest.raises(ValueError, match="1970"):
        numrep.ReputationDB.from_frame(frame, category=None, default_time=-1)


def test_from_frame_reads_an_integer_number_column_by_the_integer_rule_and_says_how_to_keep_zeros() -> None:
    """pd.read_csv turns 0912345678 into 912345678; read as a key that would be India's +91."""
    frame = pd.DataFrame({"number": [912345678, 12345], "time": [NOW, NOW], "category": ["scam", "scam"]})
    db = numrep.ReputationDB.from_frame(frame)
    assert db.keys().tolist() == [84912345678]
    assert db.ingest_stats["bad_by_reason"] == {"unparseable_number": 1}  # 12345 is no number either way
    (note,) = db.ingest_stats["notes"]
    assert "lost any leading zero" in note and "dtype={'number': str}" in note
    us = numrep.ReputationDB.from_frame(frame.assign(number=[4708091299, 2025550123]), region="US")
    assert us.keys().tolist() == [12025550123, 14708091299]  # not Norway's +47
    text = numrep.ReputationDB.from_frame(frame.assign(number=["0912345678", "12345"]))
    assert text.ingest_stats["notes"] == []


def test_from_frame_bad_rows_quote_the_value_as_it_was_read() -> None:
    """A bad number's message reads the value as the column was parsed: bytes by their bytes (not
    the repr "b'0912x'"), an integer by the integer rule, which says why it has no number."""
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"number": pa.array([b"0912345678", b"\xef\xbc\x90\xef\xbc\x99x"], pa.binary()),
                      "time": [NOW, NOW]})
    (row,) = numrep.ReputationDB.from_frame(table, category=None).ingest_stats["first_bad_rows"]
    assert row["message"] == 'cannot parse "\uff10\uff19x": bad character "x" at offset 6 (column number)'
    frame = pd.DataFrame({"number": [6077932004, 2025550123], "time": [NOW, NOW], "category": ["scam", "scam"]})
    (row,) = numrep.ReputationDB.from_frame(frame, region="US").ingest_stats["first_bad_rows"]
    assert row["message"].startswith("integer 6077932004 is ambiguous") and row["message"].endswith("(column number)")
    floats = frame.astype({"number": float}).assign(number=[6077932004.0, np.nan])
    (first, _) = numrep.ReputationDB.from_frame(floats, region="US").ingest_stats["first_bad_rows"]
    assert first["message"].startswith("integer 6077932004 is ambiguous")


def test_from_frame_reads_integers_with_a_missing_value_as_integers() -> None:
    """pandas makes floats of an integer column with a gap (a CSV's empty cell, an Arrow int64
    column with a null): whole values are read by the integer rule, the gap is a missing number,
    a fraction a bad one; it used to be a TypeError about parse_many."""
    import io

    pa = pytest.importorskip("pyarrow")
    csv_text = "number,time,category\n912345678,2021-03-01,scam\n,2021-03-01,scam\n912345678.5,2021-03-01,scam\n"
    frame = pd.read_csv(io.StringIO(csv_text))
    assert frame["number"].dtype.kind == "f"
    db = numrep.ReputationDB.from_frame(frame)
    assert db.keys().tolist() == [84912345678]
    assert db.ingest_stats["bad_by_reason"] == {"missing_number": 1, "unparseable_number": 1}
    assert any("lost any leading zero" in note for note in db.ingest_stats["notes"])
    table = pa.table({"number": pa.array([912345678, None, 988777666], pa.int64()), "time": ["2021-03-01"] * 3})
    db = numrep.ReputationDB.from_frame(table, category=None)
    assert db.keys().tolist() == [84912345678, 84988777666]
    assert db.ingest_stats["bad_by_reason"] == {"missing_number": 1}
    empty = numrep.ReputationDB.from_frame(pd.DataFrame({"number": [], "time": []}), category=None)
    assert len(empty) == 0 and empty.ingest_stats["rows"] == 0


def test_now_latest_in_any_case_and_a_str_that_is_no_time() -> None:
    import pandas as pd

    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": ["2021-06-01"],
                                                      "category": ["scam"]}))
    for latest in ("latest", " LATEST ", "Latest"):
        assert db.check("0912345678", now=latest).as_of == dt.datetime(2021, 6, 1, tzinfo=dt.timezone.utc)
        assert db.check_many(["0912345678"], now=latest)["last_seen"][0] == 1_622_505_600
    for bad in ("later", "\udcff"):  # lone surrogates: numrep's message, not pybind11's cast error
        with pytest.raises(ValueError, match="now must be"):
            db.check("0912345678", now=bad)
        with pytest.raises(ValueError, match="now must be"):
            db.check_many(["0912345678"], now=bad)
    empty = numrep.ReputationDB.from_frame(pd.DataFrame({"number": [], "time": [], "category": []}))
    with pytest.raises(ValueError, match='now="latest" needs a report'):
        empty.check("0912345678", now="latest")


def test_later_reports_warnings_are_remembered_in_bounded_memory() -> None:
    """Each warning's text differs (a count, a time), and Python's registry of warnings already
    shown kept every one: a replay job checking day after day grew by a kilobyte a call. A text
    is still shown once per line under the default filter, from a registry of bounded size."""
    import pandas as pd

    from numrep import _warnings

    frame = pd.DataFrame({"number": ["0912345678"] * 2, "time": ["2021-01-01", "2021-06-01"], "category": "scam"})
    db = numrep.ReputationDB.from_frame(frame)
    registry = globals().setdefault("__warningregistry__", {})
    registry.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(2):  # the same texts again: not shown again
            for day in range(1, 29):
                db.check_many(["0912345678"], now=f"2021-03-{day:02d}")
    assert len(caught) == 28 and all(w.filename == __file__ for w in caught)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for seconds in range(2 * _warnings._MOST_REMEMBERED):  # a replay: a new time each call
            db.check("0912345678", now=1_614_556_800 + seconds)
    assert len(caught) == 2 * _warnings._MOST_REMEMBERED  # each new text shown
    assert [key for key in registry if key != "version"] == []
    assert len(_warnings._REGISTRIES[__file__]) <= _warnings._MOST_REMEMBERED + 1


def test_verdicts_before_a_numbers_last_report_say_they_count_it() -> None:
    """A record keeps totals, not each report's time: a verdict as of a time before the number's
    last report counts the later reports too. The verdict says so (includes_later_reports) and a
    warning, pointed at the caller's line, counts such numbers; at or after the last report there
    is neither."""
    import pandas as pd

    frame = pd.DataFrame({"number": ["0912345678", "0912345678", "0861234567", "0977000000"],
                          "time": ["2021-01-01", "2021-06-01", "2021-06-01", "2020-12-01"],
                          "category": ["scam"] * 4})
    db = numrep.ReputationDB.from_frame(frame)
    with pytest.warns(numrep.LaterReportsWarning, match=r"1 number was reported after now \(2021-03-01T00:00:00\+00:00\), "
                                                        r"and its verdict counts those reports") as caught:
        verdict = db.check("0912345678", now="2021-03-01")
    assert caught[0].filename == __file__
    assert verdict.includes_later_reports and verdict.reports == 2
    numbers = ["0912345678", "0861234567", "0977000000", "0911111111", "x", "+84912345678"]
    with pytest.warns(numrep.LaterReportsWarning, match="2 numbers were reported after now .*their verdicts count") \
            as caught:  # numbers, not rows: the repeated one counts once
        columns = db.check_many(numbers, now="2021-03-01")
    assert caught[0].filename == __file__
    assert columns["reports"].tolist() == [2, 1, 1, 0, 0, 2]
    try:  # rows counted in blocks on two threads: 240,000 rows, still 2 numbers
        numrep.set_threads(2)
        with pytest.warns(numrep.LaterReportsWarning, match="2 numbers were reported after now"):
            db.check_many(numbers * 40_000, now="2021-03-01")
        # The compiled count itself: 937 whole blocks of 256 rows and a part of one.
        assert db._check_many(numbers * 40_000, "2021-03-01", "VN")[1] == 120_000
    finally:
        numrep.set_threads(None)
    with pytest.warns(numrep.LaterReportsWarning, match="3 numbers were reported after now"):  # not the 3 others
        db.check_many(numbers, now="1969-06-01")  # before 1970: numbers without a report are not counted
    with pytest.warns(numrep.LaterReportsWarning, match="1 number was reported after now") as caught:
        pd.Series(["0861234567"]).numrep.check(db, now="2021-03-01")
    assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for now in ("2021-06-01", "latest", None):  # at the last report, or after it: exact, no warning
            assert not db.check("0912345678", now=now).includes_later_reports
            db.check_many(numbers, now=now, as_frame=True)
        assert not db.check("0911111111", now="2020-01-01").includes_later_reports  # never reported
    # At the current time (now=None) a report stamped ahead of this machine's clock (ingestion
    # takes them up to a day ahead) is common and its verdict right: flagged, not warned.
    ahead = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)
    fresh = numrep.ReputationDB.from_frame([{"number": "0912345678", "time": ahead, "category": "scam"}])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fresh.check("0912345678").includes_later_reports
        fresh.check_many(["0912345678"])
    html = verdict._repr_html_()
    assert "counts those reports too" in html
    assert "counts those reports too" not in db.check("0912345678", now="latest")._repr_html_()


def test_now_latest_and_as_of() -> None:
    """now="latest" is the newest report's time; verdicts and frames say what time they are as of;
    every time form check takes, check_many takes."""
    import datetime as dt

    import pandas as pd

    frame = pd.DataFrame({"number": ["0912345678"] * 3 + ["0861234567"],
                          "time": ["2021-03-01T10:00:00Z"] * 3 + ["2021-02-01"], "category": ["scam"] * 3 + ["spam"]})
    db = numrep.ReputationDB.from_frame(frame)
    newest = dt.datetime(2021, 3, 1, 10, tzinfo=dt.timezone.utc)
    assert db.latest_report == newest
    verdict = db.check("0912345678", now="latest")
    assert verdict.as_of == newest and verdict.level == "likely_scam"
    assert "as_of='2021-03-01T10:00:00Z'" in repr(verdict)
    assert db.check("0912345678").level == "clean"  # today: decayed
    assert abs((db.check("0912345678").as_of - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 60
    frame_out = db.check_many(["0912345678", "0861234567"], now=" Latest ", as_frame=True)
    assert frame_out.attrs["as_of"] == newest
    assert list(frame_out["level"]) == [db.check(n, now=newest).level for n in ("0912345678", "0861234567")]
    for now in ("2021-03-02", "2021-03-02T00:00:00Z", pd.Timestamp("2021-03-02"), np.datetime64("2021-03-02"),
                dt.date(2021, 3, 2), dt.datetime(2021, 3, 2, tzinfo=dt.timezone.utc), 1614643200, 1614643200.0,
                "1614643200"):
        assert db.check("0912345678", now=now).as_of == dt.datetime(2021, 3, 2, tzinfo=dt.timezone.utc), now
        assert db.check_many(["0912345678"], now=now, as_frame=True).attrs["as_of"].timestamp() == 1614643200, now
    # latest follows added reports
    db.add_reports(pd.DataFrame({"number": ["0912345678"], "time": ["2021-04-01"], "category": ["scam"]}))
    assert db.latest_report == dt.datetime(2021, 4, 1, tzinfo=dt.timezone.utc)
    empty = numrep.ReputationDB.from_frame(pd.DataFrame({"number": pd.Series([], dtype=object),
                                                         "time": pd.Series([], dtype=object),
                                                         "category": pd.Series([], dtype=object)}))
    assert empty.latest_report is None
    with pytest.raises(ValueError, match='now="latest" needs a report'):
        empty.check("0912345678", now="latest")
    with pytest.raises(ValueError, match="is not a time"):
        db.check("0912345678", now="lastest")


def test_categories_are_filed_alike_in_every_locale(tmp_path: Path) -> None:
    """classify_category lower-cased with std::tolower, which follows the locale (Python sets it
    from the environment): under tr_TR.UTF-8 "PHISHING" was filed as "other", and under an
    ISO-8859-1 locale "lừa đảo" was. The CLI builds the same database under each."""
    import shutil

    sources = Path("/usr/share/i18n/locales")
    if shutil.which("localedef") is None or not (sources / "tr_TR").exists() or not (sources / "de_DE").exists():
        pytest.skip("localedef or the locale sources (Debian's locales package) are missing")
    locales = tmp_path / "locales"
    locales.mkdir()
    for name, source, charset in (("tr_TR.UTF-8", "tr_TR", "UTF-8"), ("de_DE.ISO-8859-1", "de_DE", "ISO-8859-1")):
        subprocess.run(["localedef", "-i", source, "-f", charset, str(locales / name)], check=False,
                       capture_output=True)
        if not (locales / name).exists():
            pytest.skip(f"localedef could not make {name}")
    reports = tmp_path / "r.csv"
    reports.write_text("number,time,category\n0912345678,2025-01-10T08:00:00Z,lừa đảo\n"
                       "0987654321,2025-01-10T08:00:00Z,PHISHING\n0987654322,2025-01-10T08:00:00Z,SILENT\n"
                       "0987654323,2025-01-10T08:00:00Z,LỪA ĐẢO\n", encoding="utf-8")
    counts = {}
    for name in ("C.UTF-8", "tr_TR.UTF-8", "de_DE.ISO-8859-1"):
        env = {**os.environ, "LOCPATH": str(locales), "LC_ALL": name}
        out = tmp_path / f"db-{name}"
        subprocess.run([sys.executable, "-m", "numrep", "build", str(reports), "-o", str(out)], env=env, check=True,
                       capture_output=True)
        db = numrep.ReputationDB.open(out)
        counts[name] = {k: db.check(k, now="latest").counts for k in
                        ("0912345678", "0987654321", "0987654322", "0987654323")}
    assert counts["C.UTF-8"]["0912345678"]["scam"] == 1 and counts["C.UTF-8"]["0987654322"]["silent"] == 1
    assert counts["C.UTF-8"]["0987654323"]["scam"] == 1  # upper case Vietnamese
    assert counts["tr_TR.UTF-8"] == counts["C.UTF-8"] and counts["de_DE.ISO-8859-1"] == counts["C.UTF-8"]


def test_a_parquet_binary_column_with_bytes_that_are_not_utf8_is_read_row_by_row(tmp_path: Path) -> None:
    """One non-UTF-8 byte in a Parquet binary column stopped the whole build with a bare
    UnicodeDecodeError; a CSV file with the same bytes builds, counting the bad number as a bad
    row and keeping the category."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"number": pa.array([b"0912345678", b"0912345679", b"\xff\xfe"]),
                             "time": ["2025-01-01", "2025-01-02", "2025-01-03"],
                             "category": pa.array([b"scam", b"sc\xe9am", b"spam"])}), tmp_path / "r.parquet")
    db = numrep.ReputationDB.from_parquet(tmp_path / "r.parquet")
    stats = db.ingest_stats
    assert (stats["rows"], stats["good"], stats["bad_by_reason"]) == (3, 2, {"unparseable_number": 1})
    assert db.check("0912345678", now="latest").counts["scam"] == 1
    assert db.check("0912345679", now="latest").counts["other"] == 1
    frame = pd.DataFrame({"number": [b"0912345678", b"\xff"], "time": [b"2025-01-01", b"\xfe"],
                          "category": [b"\xe9", None]})
    assert numrep.ReputationDB.from_frame(frame).ingest_stats["bad_by_reason"] == {"unparseable_number": 1}


def test_an_empty_list_of_report_files_is_refused(tmp_path: Path) -> None:
    """from_csv([]) and a Path.glob that matched nothing built an empty database whose
    ingest_stats was {} (the README's db.ingest_stats["bad"] was a KeyError)."""
    for call in (lambda: numrep.ReputationDB.from_csv([]),
                 lambda: numrep.ReputationDB.from_csv(tmp_path.glob("none-*.csv")),
                 lambda: numrep.ReputationDB.from_parquet([]),
                 lambda: numrep.ReputationDB.build([], tmp_path / "db")):
        with pytest.raises(ValueError, match="no report files given: the list of paths is empty"):
            call()
    assert not (tmp_path / "db").exists()


def test_time_none_for_a_frame_needs_a_default_time() -> None:
    """from_frame(time=None) was a bare KeyError: None; with default_time it reads every report at
    that time, as from_csv does."""
    frame = pd.DataFrame({"number": ["0912345678"], "category": ["scam"]})
    with pytest.raises(ValueError, match="time=None leaves the report time out: give default_time"):
        numrep.ReputationDB.from_frame(frame, time=None)
    assert len(numrep.ReputationDB.from_frame(frame, time=None, default_time="2025-01-01")) == 1


def test_a_parquet_column_of_lists_is_refused_naming_the_file_and_column(tmp_path: Path) -> None:
    """It reached parse_many as arrays: "internal error ... (a bug)", exit status 70 in the CLI."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"number": pa.array([["0912345678"], None]), "time": ["2025-01-01"] * 2,
                             "category": ["scam"] * 2}), tmp_path / "l.parquet")
    with pytest.raises(ValueError, match=r"l\.parquet: column 'number' \(for the number\) is of type list<"):
        numrep.ReputationDB.from_parquet(tmp_path / "l.parquet")
    built = subprocess.run([sys.executable, "-m", "numrep", "build", str(tmp_path / "l.parquet"), "-o",
                            str(tmp_path / "l.db")], capture_output=True, text=True)
    assert built.returncode == 1 and "column 'number'" in built.stderr and "bug" not in built.stderr


def test_blank_lines_are_counted_and_said(tmp_path: Path) -> None:
    """Blank lines are not rows (as pandas skips them), but they were counted in C++ only: a file of
    numbers alone, whose empty numbers are blank lines, read as "rows 2, bad 0" for four values."""
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("number\n0912345678\n\n0912345679\n\n", encoding="utf-8")
    db = numrep.ReputationDB.from_csv(numbers, time=None, category=None, default_time="2025-01-01")
    assert (db.ingest_stats["rows"], db.ingest_stats["blank_lines"]) == (2, 2)
    assert "2 blank lines skipped" in db.ingest_stats["summary"]
    built = subprocess.run([sys.executable, "-m", "numrep", "build", str(numbers), "-o", str(tmp_path / "db"),
                            "--time", "", "--category", "", "--default-time", "2025-01-01"],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert re.search(r"blank lines skipped +2", built.stdout), built.stdout


def test_a_frame_whose_number_column_mixes_floats_with_strings_counts_bad_rows() -> None:
    """One float or Decimal among the strings stopped from_frame with "parse_many item 2 is a
    float", naming neither the column nor the call."""
    import decimal

    frame = pd.DataFrame({"number": pd.Series(["0912345678", 912345679, 912345670.0, None, 1.5,
                                               decimal.Decimal("0.5")], dtype=object),
                          "time": ["2025-01-01"] * 6, "category": ["scam"] * 6})
    db = numrep.ReputationDB.from_frame(frame)
    stats = db.ingest_stats
    assert stats["good"] == 3 and stats["bad_by_reason"] == {"missing_number": 1, "unparseable_number": 2}
    assert sorted(db.keys().tolist()) == [84912345670, 84912345678, 84912345679]


def test_rows_over_more_than_one_line_are_counted_and_said(tmp_path: Path) -> None:
    """A quote left open joins every line up to the next quote into one row, and that row read as
    one good report: 100 numbers vanished without a word (RFC 4180 reads it so; now it is said)."""
    lines = ["number,time,category", '0912345678,2025-01-10T08:00:00Z,"Caller said']
    lines += [f"09123450{i:02d},2025-01-10T08:00:00Z,scam" for i in range(100)]
    lines += ['0912345679,2025-01-10T08:00:00Z,"scam"', "0912345670,2025-01-10T08:00:00Z,spam"]
    reports = tmp_path / "r.csv"
    reports.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats = numrep.ReputationDB.from_csv(reports).ingest_stats
    # The header; lines 2-103 as one row (the quote before "scam" closes the one left open); line 104.
    assert (stats["rows"], stats["multiline_rows"], stats["longest_row_lines"], stats["longest_row_line"]) == (
        2, 1, 102, 2)
    assert f"the longest, from line 2 of {reports}, spans 102 lines" in stats["summary"]
    assert stats["longest_row_file"] == str(reports)
    # With more files, the longest row is named with its own file.
    other = tmp_path / "other.csv"
    other.write_text('number,time,category\n0912345678,2025-01-10T08:00:00Z,"two\nlines"\n', encoding="utf-8")
    both = numrep.ReputationDB.from_csv([other, reports]).ingest_stats
    assert (both["multiline_rows"], both["longest_row_lines"], both["longest_row_file"]) == (2, 102, str(reports))
    built = subprocess.run([sys.executable, "-m", "numrep", "build", str(reports), "-o", str(tmp_path / "db")],
                           capture_output=True, text=True)
    assert built.returncode == 0 and "rows over more lines" in built.stdout
    assert f"from line 2 of {reports}, spans 102 lines" in built.stdout


def test_times_beyond_int64_in_a_frame_are_bad_times_without_a_numpy_warning() -> None:
    """1e30, inf and a uint64 of 2**63 + 5 wrapped around into "before 1970-01-01" with NumPy's
    RuntimeWarning ("invalid value encountered in cast")."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for times in (pd.Series([1e30, float("inf"), 1.7e9]), pd.Series([2**63 + 5, 1_700_000_000], dtype="uint64")):
            frame = pd.DataFrame({"number": ["0912345678"] * len(times), "time": times,
                                  "category": ["scam"] * len(times)})
            stats = numrep.ReputationDB.from_frame(frame).ingest_stats
            assert stats["good"] == 1 and stats["bad_by_reason"] == {"bad_time": len(times) - 1}
            messages = [row["message"] for row in stats["first_bad_rows"]]
            assert not any("before 1970" in m for m in messages), messages


def test_a_delimiter_that_is_no_character_is_a_clear_error(tmp_path: Path) -> None:
    """delimiter=5 was pybind11's "Unable to cast ... to C++ type '?'"; "\\0" was silently None."""
    reports = tmp_path / "r.csv"
    reports.write_text("number;time;category\n0912345678;2025-01-01;scam\n", encoding="utf-8")
    with pytest.raises(TypeError, match="delimiter must be a str of one byte \\(an ASCII character\\), or None to detect it, not int"):
        numrep.ReputationDB.from_csv(reports, delimiter=5)
    with pytest.raises(ValueError, match="delimiter cannot be NUL"):
        numrep.ReputationDB.from_csv(reports, delimiter="\0")
    assert len(numrep.ReputationDB.from_csv(reports, delimiter=";")) == 1


def test_verdict_frames_have_every_column_a_verdict_has() -> None:
    """check_many(as_frame=True) and the accessor's check left out the area ("region") that
    Verdict, check_many's columns and the CLI's JSON have."""
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["+1 416 555 0100"], "time": ["2024-01-01"],
                                                      "category": ["scam"]}))
    texts = ["+1 416 555 0100", "+84 912 345 678", "+44 20 7946 0000"]
    verdicts = [db.check(t, now="latest") for t in texts]
    assert verdicts[0].region == "Ontario"
    frame = db.check_many(texts, now="latest", as_frame=True)
    assert frame["region"].tolist() == [v.region for v in verdicts]
    accessor = pd.Series(texts).numrep.check(db, now="latest")
    assert accessor["region"].tolist() == [v.region or pd.NA for v in verdicts]
    assert list(accessor.columns) == list(frame.columns)
    empty = db.check_many([], now="latest", as_frame=True)
    assert list(empty.columns) == list(frame.columns) and empty["region"].dtype == frame["region"].dtype


def test_ints_that_are_no_valid_key_but_lost_their_zeros_are_warned_of() -> None:
    """check and check_many take an int as an E.164 key (documented), so 912345678 (0912 345 678 as
    pd.read_csv reads it) was judged as +912345678, no number, and said clean without a word, where
    Series.numrep.check read it as +84912345678 and said likely_scam. The answers stay the keys'
    (an int is a key); a warning names what was most likely meant."""
    import warnings

    pa = pytest.importorskip("pyarrow")
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"] * 3, "time": ["2024-01-01"] * 3,
                                                      "category": ["scam"] * 3}))
    meant = r"912345678: the key \+912345678, the number \+84912345678"
    with pytest.warns(numrep.IntegerKeysWarning, match=meant):
        assert db.check(912345678, now="latest").reports == 0
    for numbers in ([912345678, "0912345678"], np.array([912345678, 84912345678]),
                    pd.Series([912345678, None], dtype="Int64"), pd.Series([912345678, 84912345678]),
                    pd.Series([912345678, "0912345678"], dtype=object), pa.array([912345678, None])):
        with pytest.warns(numrep.IntegerKeysWarning, match=meant):
            assert db.check_many(numbers, now="latest")["reports"][0] == 0
    assert pd.Series([912345678]).numrep.check(db, now="latest")["reports"][0] == 3  # the accessor's rule
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Keys as numrep gives them (unsigned), valid keys, text, and international forms only: silent.
        db.check_many(np.array([912345678], dtype=np.uint64), now="latest")
        db.check_many([84912345678, 16502530000], now="latest")
        db.check(84912345678, now="latest")
        db.check_many(["0912", "912345678"], now="latest")
        db.check_many([912345678], now="latest", region=None)
        db.check(912345678, now="latest", region=None)


def test_ctrl_c_stops_reading_csv_without_a_progress_callback(tmp_path: Path) -> None:
    """The CSV reader runs without the GIL, and without a `progress` callback nothing looked at
    signals until every file had been read: from_csv raised the KeyboardInterrupt only after it
    had built the whole database (minutes, for a large file). Times compared in this run: the
    interrupted read must end well before a whole one does."""
    import _thread
    import threading
    import time

    with open(tmp_path / "big.csv", "w", encoding="utf-8") as f:
        f.write("number,time,category\n")
        f.writelines(f"09{i:08d},2024-01-{1 + i % 28:02d},scam\n" for i in range(1_000_000))
    start = time.perf_counter()
    numrep.ReputationDB.from_csv(tmp_path / "big.csv")
    whole = time.perf_counter() - start
    calls = {"from_csv": lambda: numrep.ReputationDB.from_csv(tmp_path / "big.csv"),
             "build": lambda: numrep.ReputationDB.build(tmp_path / "big.csv", tmp_path / "db", memory="64M")}
    for name, call in calls.items():
        timer = threading.Timer(whole / 20, _thread.interrupt_main)
        start = time.perf_counter()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            call()
            time.sleep(5)  # where an interrupt raised only after the call would come (not in time)
        stopped = time.perf_counter() - start
        timer.join()
        assert stopped < whole / 2, (name, stopped, whole)
    assert not (tmp_path / "db").exists() or not (tmp_path / "db" / "MANIFEST").exists()


def test_check_many_s_key_column_is_not_the_caller_s_array() -> None:
    """A uint64 array (or Series) of keys is read where it lies, and the result's "key" column
    was that array: writing to the result rewrote the caller's keys."""
    pd = pytest.importorskip("pandas")
    db = numrep.ReputationDB.from_frame(pd.DataFrame({"number": ["0912345678"], "time": [1704067200],
                                                      "category": ["scam"]}))
    keys = numrep.parse_many(["0912345678", "0987654321"])
    series = pd.Series(keys.copy())
    for given, values in ((keys, keys), (series, series.to_numpy())):
        before = values.copy()
        columns = db.check_many(given, now=1704067200)
        assert columns["key"].tolist() == before.tolist()
        assert not np.shares_memory(columns["key"], values)
        columns["key"][:] = 0
        assert values.tolist() == before.tolist()


@pytest.mark.parametrize("column", ["number", "time", "category", "source"])
def test_a_str_with_lone_surrogates_in_a_frame_is_read_as_from_csv_reads_bad_bytes(column: str) -> None:
    """A str with lone surrogates (what "surrogateescape" decoding leaves of bytes that are not
    UTF-8) in an object column stopped from_frame with a UnicodeEncodeError from pandas or the
    C++ readers, naming neither the column nor the row. A number or a time holding one is a bad
    row, a category or a source a name; the other rows are read."""
    pd = pytest.importorskip("pandas")
    values = {"number": ["0912345678", "0912345679"], "time": ["2026-01-01", "2026-01-02"],
              "category": ["scam", "scam"], "source": ["alice", "bob"]}
    values[column][0] += "\udc80"
    frame = pd.DataFrame({name: pd.Series(v, dtype=object) for name, v in values.items()})
    stats = numrep.ReputationDB.from_frame(frame).ingest_stats
    bad = {"number": {"unparseable_number": 1}, "time": {"bad_time": 1}}.get(column, {})
    assert stats["bad_by_reason"] == bad and stats["good"] == 2 - len(bad)
    if column == "number":
        assert stats["first_bad_rows"][0]["message"] == (
            'cannot parse "0912345678\\x80": bad character (invalid UTF-8) at offset 10 (column number)')


def test_a_source_with_lone_surrogates_is_the_source_from_csv_reads_from_its_bytes(tmp_path: Path) -> None:
    """A source name of bytes that are no UTF-8 is hashed from those bytes by from_csv; from a
    frame (as a str with lone surrogates, as "surrogateescape" decoding gives it) it stopped the
    build, then hashed its \\\\xNN text: one source counted as two."""
    pd = pytest.importorskip("pandas")
    reports = tmp_path / "r.csv"
    reports.write_bytes(b"number,time,category,source\n0912345678,2026-01-01,scam,al\x80ice\n")
    db = numrep.ReputationDB.from_csv(reports)
    frame = pd.DataFrame({"number": pd.Series(["0912345678", "0912345679\udc80"], dtype=object),
                          "time": ["2026-01-02", "2026-01-02"], "category": ["scam", "scam"],
                          "source": pd.Series(["al\udc80ice", "bob"], dtype=object)})
    db.add_reports(frame)
    verdict = db.check("0912345678", now="2026-01-03")
    assert verdict.reports == 2 and verdict.distinct_sources == 1
    bad_time = pd.DataFrame({"number": ["0912345678"], "time": pd.Series(["2026-01-02\udc80"], dtype=object)})
    message = numrep.ReputationDB.from_frame(bad_time, category=None).ingest_stats["first_bad_rows"][0]["message"]
    assert message.startswith('bad time "2026-01-02\\x80" (column time)')


def test_a_mixed_column_with_a_lone_surrogate_reads_its_other_values_as_before() -> None:
    """With a lone surrogate in an object column, the column was kept as objects, so its ints and
    bools were no longer text to the readers: a unix-seconds time beside it became a bad row."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"number": ["0912345678", "0912345679", "0912345670"],
                          "time": pd.Series([1735689600, "2025-01-01", "2025-01-0\udc80"], dtype=object),
                          "not_spam": pd.Series([1, True, "1"], dtype=object)})
    stats = numrep.ReputationDB.from_frame(frame, category=None).ingest_stats
    assert stats["good"] == 2 and stats["bad_by_reason"] == {"bad_time": 1}


def test_a_database_directory_that_cannot_be_made_is_a_numrep_error_naming_it(tmp_path) -> None:
    """Under a file, a save said "filesystem error: cannot create directories: Not a directory
    [...]", the C++ library's words; it names the directory as numrep's other file errors do."""
    (tmp_path / "afile").write_text("x")
    frame = pd.DataFrame({"number": ["0912345678"], "time": ["2024-01-01"], "category": ["scam"]})
    db = numrep.ReputationDB.from_frame(frame)
    target = tmp_path / "afile" / "db"
    with pytest.raises(NotADirectoryError, match=f"numrep: cannot create the database directory '{target}'"):
        db.save(target)
