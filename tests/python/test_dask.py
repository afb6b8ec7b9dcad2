"""numrep.dask on a real dask.distributed LocalCluster with two worker processes: builds from Dask
DataFrames, CSV and Parquet files equal single-process builds of the same rows (records exactly,
scores within float rounding); bad rows are counted across partitions; checks of a Dask column
equal ReputationDB.check_many."""

from __future__ import annotations

import datetime
import time

import numpy as np
import pandas as pd
import pytest

import numrep

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
import numrep.dask  # noqa: E402

NOW = 1_760_000_000

# distributed warns when making its scratch folders takes over a second (a busy disk, another
# cluster holding the shared folder's lock); pytest's filterwarnings=error would make that fail
# the cluster's start.
pytestmark = pytest.mark.filterwarnings("ignore:Creating scratch directories:UserWarning")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    # Worker processes (not threads): the build's pieces cross process boundaries as they would
    # between machines. Scratch space of their own, not the shared /tmp/dask-scratch-space.
    # Workers inherit this environment: a NUMREP_THREADS set for the test run would outrank the
    # OMP_NUM_THREADS=1 dask gives them, which test_worker_processes_use_one_thread_each checks.
    with pytest.MonkeyPatch.context() as environment:
        environment.delenv("NUMREP_THREADS", raising=False)
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                                           scheduler_kwargs={"dashboard": False},
                                           silence_logs=40, local_directory=str(tmp_path_factory.mktemp("dask")))
        with distributed.Client(cluster) as c:
            yield c
        cluster.close()


def reports(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    national = ["09" + str(x).zfill(8) for x in rng.integers(0, 10**8, n // 2)]
    foreign = ["+1202555" + str(x).zfill(4) for x in rng.integers(0, 10**4, n // 4)]
    local = ["024" + str(x).zfill(8) for x in rng.integers(0, 10**8, n - n // 2 - n // 4)]
    numbers = np.array(national + foreign + local, dtype=object)
    numbers = numbers[rng.integers(0, len(numbers), n)]  # repeats: a number's reports land in several partitions
    frame = pd.DataFrame({
        "number": numbers,
        "time": NOW - rng.integers(0, 400 * 86400, n),
        "category": rng.choice(["scam", "spam", "robocall", "impersonation"], n),
        "source": rng.choice(["app", "hotline", "web", "sms"], n),
    })
    frame.loc[rng.integers(0, n, 7), "number"] = "not a number"
    return frame


def same_records(got: numrep.ReputationDB, want: numrep.ReputationDB) -> None:
    assert len(got) == len(want)
    keys = want.keys()
    assert np.array_equal(got.keys(), keys)
    a = got.check_many(keys, now=NOW)
    b = want.check_many(keys, now=NOW)
    for column in ("reported", "reports", "not_spam", "first_seen", "last_seen", "counts", "level"):
        assert np.array_equal(a[column], b[column]), column
    np.testing.assert_allclose(a["score"], b["score"], rtol=1e-6, atol=1e-6)


def test_build_from_a_dask_dataframe_equals_a_single_process_build(client, tmp_path):
    frame = reports(20_000, 1)
    want = numrep.ReputationDB.from_frame(frame)
    got = numrep.dask.build(dd.from_pandas(frame, npartitions=6), tmp_path / "db", shards=3, client=client)
    assert got.shard_count == 3
    same_records(got, want)
    same_records(numrep.ReputationDB.open(tmp_path / "db"), want)
    # Bad rows are counted across partitions, with the partition and row of the first ones.
    assert got.ingest_stats["bad"] == want.ingest_stats["bad"] == 7
    assert got.ingest_stats["good"] == want.ingest_stats["good"]
    ddf = dd.from_pandas(frame, npartitions=6)
    starts = np.cumsum([0] + [len(p) for p in ddf.partitions])
    rows = got.ingest_stats["first_bad_rows"]
    assert len(rows) == 7
    for row in rows:
        assert frame["number"].iloc[starts[row["partition"]] + row["row"]] == "not a number"


def test_build_from_csv_and_parquet_files_equals_from_csv(client, tmp_path):
    frame = reports(12_000, 2)
    for i in range(3):
        frame.iloc[i * 4000:(i + 1) * 4000].to_csv(tmp_path / f"part{i}.csv", index=False)
    want = numrep.ReputationDB.from_csv(sorted(tmp_path.glob("part*.csv")))
    got = numrep.dask.build(str(tmp_path / "part*.csv"), tmp_path / "from_csv.db", client=client)
    same_records(got, want)
    assert got.ingest_stats["bad"] == want.ingest_stats["bad"] == 7
    assert all("file" in row and "line" in row for row in got.ingest_stats["first_bad_rows"])
    # The files' summaries, one after another, as a build in one process gives them.
    assert got.ingest_stats["summary"] == want.ingest_stats["summary"]

    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "all.parquet", row_group_size=2500)
    got = numrep.dask.build(tmp_path / "all.parquet", tmp_path / "from_parquet.db", shards=2, client=client)
    same_records(got, numrep.ReputationDB.from_frame(frame))
    rows = got.ingest_stats["first_bad_rows"]
    assert rows and all(frame["number"].iloc[r["row"]] == "not a number" for r in rows)
    one_process = numrep.ReputationDB.build([tmp_path / "all.parquet"], tmp_path / "one_process.db")
    assert got.ingest_stats["files"] == one_process.ingest_stats["files"] == [str(tmp_path / "all.parquet")]


def test_bad_rows_kept_of_each_file_as_in_one_process(client, tmp_path):
    """The Dask build kept 20 bad rows in all where from_csv and build keep each file's first 20."""
    for i in range(3):
        (tmp_path / f"bad{i}.csv").write_text("number,time,category\n0912345678,1700000000,scam\n" +
                                              "".join(f"bad {k},1700000000,scam\n" for k in range(30)), encoding="utf-8")
    files = sorted(tmp_path.glob("bad*.csv"))
    want = numrep.ReputationDB.from_csv(files)
    got = numrep.dask.build(str(tmp_path / "bad*.csv"), tmp_path / "db", client=client)
    assert got.ingest_stats["bad"] == want.ingest_stats["bad"] == 90
    rows = [(r["file"], r["line"]) for r in got.ingest_stats["first_bad_rows"]]
    assert rows == [(r["file"], r["line"]) for r in want.ingest_stats["first_bad_rows"]]
    assert len(rows) == 60


def test_parquet_bad_rows_and_empty_files_as_from_parquet(client, tmp_path):
    """Of Parquet files the Dask build kept each file's first 20 bad rows (60 of three files, each
    with a "row_group" key) where from_parquet keeps 20 in all; and a file of no row groups (a
    writer closed before any row) made "no reports to build from" where from_parquet reads none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for i in range(3):
        frame = pd.DataFrame({"number": ["0912345678"] + [f"bad {k}" for k in range(25)], "time": NOW,
                              "category": "scam"})
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / f"bad{i}.parquet",
                       row_group_size=10)
    files = sorted(tmp_path.glob("bad*.parquet"))
    want = numrep.ReputationDB.from_parquet(files)
    got = numrep.dask.build(str(tmp_path / "bad*.parquet"), tmp_path / "db", client=client)
    assert got.ingest_stats["bad"] == want.ingest_stats["bad"] == 75
    assert got.ingest_stats["first_bad_rows"] == want.ingest_stats["first_bad_rows"]
    assert len(want.ingest_stats["first_bad_rows"]) == 20
    empty = tmp_path / "empty.parquet"
    pq.ParquetWriter(empty, pa.schema([("number", pa.string()), ("time", pa.int64()), ("category", pa.string())])).close()
    assert pq.ParquetFile(empty).metadata.num_row_groups == 0
    want = numrep.ReputationDB.from_parquet(empty)
    got = numrep.dask.build(empty, tmp_path / "empty.db", client=client)
    assert len(got) == len(want) == 0
    assert got.ingest_stats == want.ingest_stats


def test_fewer_numbers_than_shards_make_one_shard_each(client, tmp_path):
    """shards=8 over 3 numbers made 4 shards, the last empty; a build in one process makes 3."""
    few = pd.DataFrame({"number": ["0912345678"] * 500 + ["0912345679"] * 3 + ["+12025550100"],
                        "time": 1_760_000_000 - np.arange(504) * 1000, "category": "scam"})
    few.to_csv(tmp_path / "few.csv", index=False)
    one = numrep.ReputationDB.build(tmp_path / "few.csv", tmp_path / "one.db", shards=8)
    got = numrep.dask.build(dd.from_pandas(few, npartitions=4), tmp_path / "dask.db", shards=8, client=client)
    assert got.shard_count == one.shard_count == 3
    keys = got.keys()
    assert [int(((keys >= a) & (keys <= b)).sum()) for a, b in got.shard_ranges()] == [1, 1, 1]
    # Boundaries were cut from 1,024 sampled keys a partition: shards=1200 of one partition made 1,024.
    many = pd.DataFrame({"number": [f"0912{i:06d}" for i in range(1300)], "time": 1_760_000_000, "category": "scam"})
    one = numrep.ReputationDB.build(many, tmp_path / "many_one.db", shards=1200)
    got = numrep.dask.build(dd.from_pandas(many, npartitions=1), tmp_path / "many.db", shards=1200, client=client)
    assert got.shard_count == one.shard_count == 1200
    same_records(got, one)


def test_dask_build_replaces_a_database_and_refuses_what_it_must(client, tmp_path):
    frame = reports(3000, 3)
    numrep.ReputationDB.from_frame(frame.iloc[:100]).save(tmp_path / "db")
    got = numrep.dask.build(dd.from_pandas(frame, npartitions=2), tmp_path / "db", client=client)
    same_records(got, numrep.ReputationDB.from_frame(frame))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="will not replace"):
        numrep.dask.build(dd.from_pandas(frame, npartitions=2), tmp_path / "mine", client=client)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "mine"
    with pytest.raises(FileNotFoundError, match="no file matches"):
        numrep.dask.build(str(tmp_path / "nothing*.csv"), tmp_path / "x", client=client)
    with pytest.raises(ValueError, match="shards must be from 1 to 16384"):
        numrep.dask.build(dd.from_pandas(frame, npartitions=2), tmp_path / "x", shards=0, client=client)
    # Wrong kinds of arguments, named (2.5 shards were taken; None and a number as path or client
    # were Python's own messages; "" was the working directory).
    with pytest.raises(TypeError, match="shards must be a whole number, got float 2.5"):
        numrep.dask.build(dd.from_pandas(frame, npartitions=2), tmp_path / "x", shards=2.5, client=client)
    with pytest.raises(TypeError, match="path must be a str, bytes or os.PathLike, got NoneType"):
        numrep.dask.build(dd.from_pandas(frame, npartitions=2), None, client=client)
    with pytest.raises(ValueError, match="path is empty"):
        numrep.dask.check(dd.from_pandas(frame["number"], npartitions=2), "")
    reports_csv = tmp_path / "r.csv"
    frame.to_csv(reports_csv, index=False)
    with pytest.raises(TypeError, match="number must be a column name \\(str\\) or None, got float 3.7"):
        numrep.dask.build(str(reports_csv), tmp_path / "x", number=3.7, client=client)  # was a worker's RuntimeError
    with pytest.raises(TypeError, match="client must be a distributed.Client, got int"):
        numrep.dask.build(dd.from_pandas(frame, npartitions=2), tmp_path / "x", client=3)
    assert not (tmp_path / "x").exists()


def test_check_a_dask_column(client, tmp_path):
    frame = reports(5000, 4)
    db = numrep.ReputationDB.from_frame(frame)
    db.save(tmp_path / "db")
    probe = pd.Series([*frame["number"].iloc[:3000], "0912345678", None, "garbage"], name="caller")
    probe.index = probe.index + 1000
    got = numrep.dask.check(dd.from_pandas(probe, npartitions=4), tmp_path / "db", now=NOW).compute()
    want = db.check_many(probe.to_numpy(dtype=object), now=NOW, as_frame=True)
    want.index = probe.index
    pd.testing.assert_frame_equal(got, want)
    as_of = datetime.datetime.fromtimestamp(NOW, datetime.timezone.utc)
    assert got.attrs["as_of"] == want.attrs["as_of"] == as_of
    # With no rows too (Dask then gives the meta, which had no time).
    empty = numrep.dask.check(dd.from_pandas(probe.iloc[:0], npartitions=1), tmp_path / "db", now=NOW).compute()
    assert len(empty) == 0 and empty.attrs["as_of"] == as_of
    # now="latest" as check_many takes it: the database's newest report (it was "not a time").
    latest = numrep.dask.check(dd.from_pandas(probe, npartitions=2), tmp_path / "db", now="latest").compute()
    want_latest = db.check_many(probe.to_numpy(dtype=object), now="latest", as_frame=True)
    want_latest.index = probe.index
    pd.testing.assert_frame_equal(latest, want_latest)
    # The dtypes Dask is told are those of the partitions (e164 was declared float64).
    lazy = numrep.dask.check(dd.from_pandas(probe, npartitions=4), tmp_path / "db", now=NOW)
    assert lazy.dtypes.to_dict() == got.dtypes.to_dict()
    # And its index: a RangeIndex with no name made reset_index() name a column "index" in the
    # graph that the computed frame called "call_id" (a KeyError while building the graph).
    labelled = probe.set_axis(pd.Index([f"c{i}" for i in range(len(probe))], name="call_id"))
    lazy = numrep.dask.check(dd.from_pandas(labelled, npartitions=3), tmp_path / "db", now=NOW)
    computed = lazy.compute()
    assert (lazy._meta.index.name, lazy._meta.index.dtype) == (computed.index.name, computed.index.dtype)
    assert sorted(lazy.reset_index()["call_id"].compute()) == sorted(labelled.index)
    assert lazy["e164"].str.startswith("+84").compute().sum() == (got["e164"].str.startswith("+84")).sum() > 0
    # Integer keys too, nullable ones with <NA> among them (a TypeError: to_numpy made them floats).
    keys = pd.Series(db.keys()[:500].astype(np.int64))
    got = numrep.dask.check(dd.from_pandas(keys, npartitions=3), tmp_path / "db", now=NOW).compute()
    assert got["reported"].all()
    nullable = pd.Series([*db.keys()[:5].tolist(), None], dtype="Int64")
    got = numrep.dask.check(dd.from_pandas(nullable, npartitions=2), tmp_path / "db", now=NOW).compute()
    assert got["reported"].tolist() == [True] * 5 + [False]
    # An object column holding what check_many reads (bytes, PhoneNumber, NumPy ints): read, not
    # dropped as missing values; anything else (a float, a date) a missing value.
    held = db.keys()[0]
    mixed = pd.Series([f"+{held}", f"+{held}".encode(), numrep.parse(f"+{held}"), np.uint64(held), 1.5, None,
                       float(held), True], dtype=object)
    with dask.config.set({"dataframe.convert-string": False}):
        got = numrep.dask.check(dd.from_pandas(mixed, npartitions=2), tmp_path / "db", now=NOW).compute()
    assert got["reported"].tolist() == [True] * 4 + [False] * 4  # a whole float is no key here either
    assert got["e164"].tolist()[4:] == [""] * 4
    odd_category = pd.Series([f"+{held}", 1.5, None], dtype="category")  # a category is read by value too
    got = numrep.dask.check(dd.from_pandas(odd_category, npartitions=1), tmp_path / "db", now=NOW).compute()
    assert got["reported"].tolist() == [True, False, False]
    # Each worker process opened the database once, however many partitions it checked.
    opened = client.run(lambda: [key for key in numrep.dask._OPENED if key[0] == str(tmp_path / "db")])
    assert all(len(keys) == 1 for keys in opened.values()) and len(opened) == 2

    # A database published again at the path is opened again: answers follow it.
    numrep.ReputationDB.from_frame(frame.iloc[:10]).save(tmp_path / "db")
    got = numrep.dask.check(dd.from_pandas(probe, npartitions=4), tmp_path / "db", now=NOW).compute()
    assert got["reported"].sum() == numrep.ReputationDB.open(tmp_path / "db").check_many(
        probe.to_numpy(dtype=object), now=NOW)["reported"].sum() < want["reported"].sum()


def test_worker_processes_use_one_thread_each(client):
    """Dask's nanny starts worker processes with OMP_NUM_THREADS=1, which numrep's batch calls
    follow (numrep.set_threads): two workers on two cores do not each split their partitions
    across every core."""
    import os

    threads = client.run(lambda: (os.environ.get("OMP_NUM_THREADS"), numrep.get_threads()))
    assert len(threads) == 2
    for omp, used in threads.values():
        assert omp == "1" and used == 1


def test_a_failed_build_with_a_client_that_is_not_the_default_gives_its_own_error(client, tmp_path):
    # The cleanup waited through distributed.wait, which asks for the default client: with a
    # client made with set_as_default=False, "No clients found" replaced the build's error.
    # A process of its own, where that client is the only one (this module's is the default here).
    import subprocess
    import sys

    (tmp_path / "nonum.csv").write_text("phone,time,category\n0912345678,1750000000,scam\n")
    script = (
        "import sys, distributed, numrep.dask\n"
        "with distributed.Client(sys.argv[1], set_as_default=False) as other:\n"
        "    try:\n"
        "        numrep.dask.build(sys.argv[2], sys.argv[3], client=other)\n"
        "    except ValueError as error:\n"
        "        print(error)\n")
    result = subprocess.run([sys.executable, "-c", script, client.scheduler.address, str(tmp_path / "nonum.csv"),
                             str(tmp_path / "db")], capture_output=True, text=True, check=False, timeout=300)
    assert 'nonum.csv: no column "number"' in result.stdout, (result.stdout, result.stderr)


def test_a_build_that_fails_on_one_partition_names_it(client, tmp_path):
    # Its meta is right, so nothing on the client said which of the partitions was at fault.
    import dask
    import dask.dataframe as dd

    parts = [reports(20, 5) for _ in range(3)]
    parts[1] = parts[1].astype({"time": "float32"})
    frame = dd.from_delayed([dask.delayed(lambda x: x)(p) for p in parts], meta=parts[0].iloc[:0],
                            verify_meta=False)
    with pytest.raises(TypeError, match=r"time column 'time' is float32.* \(in partition 1 of the frame\)$"):
        numrep.dask.build(frame, tmp_path / "db", client=client)
    parts[1] = reports(20, 5).drop(columns=["category"])
    frame = dd.from_delayed([dask.delayed(lambda x: x)(p) for p in parts], meta=parts[0].iloc[:0],
                            verify_meta=False)
    with pytest.raises(ValueError, match=r"columns \['category'\] not in the frame .* \(in partition 1 of the frame\)$"):
        numrep.dask.build(frame, tmp_path / "db2", client=client)


def test_a_failed_dask_build_leaves_a_path_a_later_build_takes(client, tmp_path):
    # The failed build's lock (and any unpublished store) is no reason to refuse the path: the CLI
    # asks the library's rule before it reads, as the save at the end would.
    import subprocess
    import sys

    (tmp_path / "good.csv").write_text("number,time,category\n0912345678,1750000000,scam\n")
    (tmp_path / "bad.csv").write_text("phone,time,category\n0912345679,1750000000,scam\n")
    with pytest.raises(ValueError, match='no column "number"'):
        numrep.dask.build([str(tmp_path / "good.csv"), str(tmp_path / "bad.csv")], tmp_path / "db", client=client)
    assert (tmp_path / "db").is_dir() and not (tmp_path / "db" / "MANIFEST").exists()
    result = subprocess.run([sys.executable, "-m", "numrep", "build", str(tmp_path / "good.csv"), "-o",
                             str(tmp_path / "db")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert len(numrep.ReputationDB.open(tmp_path / "db")) == 1


def test_dask_build_refuses_what_the_one_process_build_refuses(client, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = reports(200, 5)
    with pytest.raises(TypeError, match="takes a Dask DataFrame or report files.*from_frame"):
        numrep.dask.build(frame, tmp_path / "db", client=client)  # its column names are no files
    with pytest.raises(TypeError, match="takes a Dask DataFrame or report files"):
        numrep.dask.build(pa.Table.from_pandas(frame), tmp_path / "db", client=client)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "r.parquet")
    frame.to_csv(tmp_path / "r.csv", index=False)
    for option in ({"preset": "ftc"}, {"delimiter": ";"}):
        with pytest.raises(ValueError, match="applies to CSV files only"):
            numrep.dask.build(tmp_path / "r.parquet", tmp_path / "db", client=client, **option)
    with pytest.raises(ValueError, match="cannot mix CSV and Parquet"):
        numrep.dask.build([tmp_path / "r.csv", tmp_path / "r.parquet"], tmp_path / "db", client=client)
    # Columns that hold no value per report, as from_parquet refuses them, naming file and column.
    nested = pa.table({"number": pa.array([["0912345678"]]), "time": pa.array([NOW]),
                       "category": pa.array(["scam"])})
    pq.write_table(nested, tmp_path / "nested.parquet")
    with pytest.raises(ValueError, match=r"nested.parquet.*number") as raised:
        numrep.dask.build(tmp_path / "nested.parquet", tmp_path / "db", client=client)
    with pytest.raises(ValueError) as reference:
        numrep.ReputationDB.from_parquet(tmp_path / "nested.parquet")
    assert str(raised.value) == str(reference.value)
    assert not (tmp_path / "db" / "MANIFEST").exists()
    # A frame's column named like not_spam but not as written: refused before any task, as
    # from_frame refuses it.
    loose = dd.from_pandas(frame.rename(columns={"source": "Not_Spam"}), npartitions=2)
    with pytest.raises(ValueError, match="column 'Not_Spam' is named like the not_spam field"):
        numrep.dask.build(loose, tmp_path / "loose.db", client=client)
    assert not (tmp_path / "loose.db").exists()
    # Given by name as the source, it is the source's, as from_frame reads it.
    built = numrep.dask.build(loose, tmp_path / "named.db", source="Not_Spam", client=client)
    assert len(built) == len(numrep.ReputationDB.from_frame(frame.rename(columns={"source": "Not_Spam"}),
                                                            source="Not_Spam"))
    # A default time that is no time: refused before any task, leaving nothing at the output (a
    # worker refused it, and the output's directory was left behind holding only its lock).
    for reports_in in (dd.from_pandas(frame, npartitions=2), tmp_path / "r.csv"):
        with pytest.raises(ValueError, match="default_time must be .*'bogus' is not a time"):
            numrep.dask.build(reports_in, tmp_path / "bogus.db", default_time="bogus", client=client)
        assert not (tmp_path / "bogus.db").exists()


def test_check_says_what_it_takes(client, tmp_path):
    numrep.ReputationDB.from_frame(reports(100, 6)).save(tmp_path / "db")
    frame = dd.from_pandas(pd.DataFrame({"caller": ["0912345678", "+12025550100"]}), npartitions=1)
    with pytest.raises(TypeError, match=r"not a DataFrame: pick its column"):
        numrep.dask.check(frame, tmp_path / "db", now=NOW)
    for in_process in (pd.Series(["0912345678"]), ["0912345678"]):  # an AttributeError of Dask's before
        with pytest.raises(TypeError, match=r"takes a Dask Series of numbers, not (Series|list): .*check_many"):
            numrep.dask.check(in_process, tmp_path / "db", now=NOW)
    with pytest.raises(TypeError, match="one region"):
        numrep.dask.check(frame["caller"], tmp_path / "db", now=NOW, region=pd.Series(["VN", "US"]))
    got = numrep.dask.check(frame["caller"], tmp_path / "db", now=NOW, region="VN").compute()
    assert got["e164"].tolist() == ["+84912345678", "+12025550100"]
    # A bad key's position was counted from its partition's first row, and nothing said so.
    keys = pd.Series([84912345678] * 100, index=range(1000, 1100))
    keys.iloc[80] = -7
    with pytest.raises(ValueError, match=r"key -7 at index 5 is negative.*\(in partition 3 of the Series, whose "
                                         r"index counts from the row labelled 1075\)"):
        numrep.dask.check(dd.from_pandas(keys, npartitions=4), tmp_path / "db", now=NOW).compute()


def test_build_takes_report_paths_from_any_iterable(client, tmp_path):
    # Path.glob gives a generator: paths all the same (ReputationDB.build takes them too).
    frame = reports(300, 7)
    frame.iloc[:150].to_csv(tmp_path / "a.csv", index=False)
    frame.iloc[150:].to_csv(tmp_path / "b.csv", index=False)
    want = numrep.ReputationDB.from_csv(sorted(tmp_path.glob("*.csv")))
    got = numrep.dask.build(tmp_path.glob("*.csv"), tmp_path / "db", client=client)
    same_records(got, want)
    same_records(numrep.ReputationDB.build(tmp_path.glob("*.csv"), tmp_path / "db2"), want)


def test_a_worker_keeps_the_few_databases_it_used_last(tmp_path):
    """Every database a worker ever checked stayed open (mapped), deleted ones too."""
    numrep.dask._OPENED.clear()
    paths = []
    for i in range(numrep.dask._MOST_OPENED + 3):
        path = str(tmp_path / f"db{i}")
        numrep.ReputationDB.from_frame(pd.DataFrame({"number": [f"09123456{i:02d}"], "time": 1_700_000_000,
                                                     "category": "scam"})).save(path)
        paths.append(path)
        assert numrep.dask._opened(path, numrep.dask._UNSET).check(f"09123456{i:02d}").reports == 1
    assert [key[0] for key in numrep.dask._OPENED] == paths[-numrep.dask._MOST_OPENED:]
    numrep.dask._opened(paths[-2], numrep.dask._UNSET)  # used again: the last one used
    assert [key[0] for key in numrep.dask._OPENED][-1] == paths[-2]


def test_a_second_build_to_the_same_path_in_one_process_waits_its_turn(client, tmp_path):
    """The second build's publication waited for the writers' lock holding the GIL, which the
    first build (on another thread of the process) needed to finish and let the lock go: both
    hung forever."""
    import threading

    slow_rows = reports(200, 3)

    def slow(seconds: float) -> pd.DataFrame:
        time.sleep(seconds)
        return slow_rows

    first = dd.from_delayed([dask.delayed(slow)(3)], meta=slow_rows.iloc[:0])
    errors: list[BaseException] = []

    def build_first() -> None:
        try:
            numrep.dask.build(first, tmp_path / "db", client=client)
        except BaseException as error:  # reported below
            errors.append(error)

    thread = threading.Thread(target=build_first)
    thread.start()
    time.sleep(1)  # the first build holds the lock, its partition sleeping
    second = dd.from_pandas(reports(50, 4), npartitions=1)
    built = numrep.dask.build(second, tmp_path / "db", client=client)  # waits for the first, then publishes
    thread.join(timeout=60)
    assert not thread.is_alive() and not errors, errors
    assert len(built) == len(numrep.ReputationDB.from_frame(reports(50, 4)))


def test_a_build_refused_for_its_input_leaves_no_output_directory(client, tmp_path):
    """The publication (which makes the directory and its lock) came before the inputs were
    checked: a refused build left a new directory holding only `lock`, which open() then called
    no database."""
    frame = reports(20, 8)
    frame.to_parquet(tmp_path / "r.parquet")
    refused = [
        (TypeError, "not DataFrame", lambda out: numrep.dask.build(frame, out, client=client)),
        (ValueError, "no report files given", lambda out: numrep.dask.build([], out, client=client)),
        (ValueError, r"columns \['phone'\] not in the frame",
         lambda out: numrep.dask.build(dd.from_pandas(frame, npartitions=2), out, number="phone", client=client)),
        (ValueError, "phone", lambda out: numrep.dask.build(tmp_path / "r.parquet", out, number="phone",
                                                           client=client)),
    ]
    for i, (error, message, call) in enumerate(refused):
        out = tmp_path / f"out{i}.db"
        with pytest.raises(error, match=message):
            call(out)
        assert not out.exists(), message
