"""Builds at scale in one process: ReputationDB.build within a memory budget (sorted runs spilled
to disk, merged, cut into shards) and into N shards equals the in-memory builds of the same rows
(from_csv, from_frame, from_parquet); sharded databases answer as one; the CLI's --memory,
--shards and --workers (a real LocalCluster of worker processes)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import numrep

NOW = 1_760_000_000


def reports(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    numbers = np.array(["09" + str(x).zfill(8) for x in rng.integers(0, 10**8, n // 2)]
                       + ["+1202555" + str(x).zfill(4) for x in rng.integers(0, 10**4, n // 4)]
                       + ["024" + str(x).zfill(8) for x in rng.integers(0, 10**8, n - n // 2 - n // 4)], dtype=object)
    frame = pd.DataFrame({
        "number": numbers[rng.permutation(n)],
        "time": NOW - rng.integers(0, 400 * 86400, n),
        "category": rng.choice(["scam", "spam", "robocall"], n),
        "source": rng.choice(["app", "hotline", "web"], n),
    })
    frame.loc[rng.integers(0, n, 5), "number"] = "garbage"
    return frame


def same_answers(got: numrep.ReputationDB, want: numrep.ReputationDB) -> None:
    keys = want.keys()
    assert np.array_equal(got.keys(), keys)
    assert len(got) == len(want)
    for prefix in ("+84", "+849", "+1202", "+8424", "+44"):
        assert got.count_prefix(prefix) == want.count_prefix(prefix)
    probe = np.concatenate([keys, np.arange(84900000000, 84999999999, 9_999_991, dtype=np.uint64)])
    a, b = got.check_many(probe, now=NOW), want.check_many(probe, now=NOW)
    for column in ("reported", "reports", "not_spam", "first_seen", "last_seen", "counts", "level", "carrier"):
        assert np.array_equal(a[column], b[column]), column
    np.testing.assert_allclose(a["score"], b["score"], rtol=1e-6, atol=1e-6)
    assert got.check(int(keys[len(keys) // 2]), now=NOW).reports == want.check(int(keys[len(keys) // 2]),
                                                                                 now=NOW).reports


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    # More distinct numbers than a 16M budget holds at once (about 100,000), so builds spill.
    frame = reports(260_000, 7)
    path = tmp_path_factory.mktemp("scale") / "reports.csv"
    frame.to_csv(path, index=False)
    return frame, path


def test_a_bounded_build_spills_shards_and_equals_from_csv(big: tuple[pd.DataFrame, Path], tmp_path: Path) -> None:
    _, csv_path = big
    want = numrep.ReputationDB.from_csv(csv_path)
    got = numrep.ReputationDB.build(csv_path, tmp_path / "db", memory="16M")
    assert got.build_stats["runs"] > 1 and got.build_stats["spilled_bytes"] > 0
    assert got.shard_count == got.build_stats["shards"] > 1
    assert got.ingest_stats["bad"] == want.ingest_stats["bad"] == 5
    same_answers(got, want)
    same_answers(numrep.ReputationDB.open(tmp_path / "db"), want)
    ranges = got.shard_ranges()
    assert ranges[0][0] == 0 and ranges[-1][1] == 2**64 - 1
    assert all(ranges[i][1] + 1 == ranges[i + 1][0] for i in range(len(ranges) - 1))
    assert not list(tmp_path.glob("db.build-*"))  # the spill folder is gone


def test_shards_of_equal_size_from_frames_and_parquet(big: tuple[pd.DataFrame, Path], tmp_path: Path) -> None:
    frame, _ = big
    part = frame.iloc[:60_000]
    want = numrep.ReputationDB.from_frame(part)
    got = numrep.ReputationDB.build(part, tmp_path / "frame.db", shards=4)
    assert got.shard_count == 4 and got.build_stats["runs"] == 0
    same_answers(got, want)
    parquet = tmp_path / "reports.parquet"
    part.to_parquet(parquet, row_group_size=7000)
    got = numrep.ReputationDB.build(parquet, tmp_path / "parquet.db", shards=3, memory="16M")
    assert got.shard_count == 3
    same_answers(got, numrep.ReputationDB.from_parquet(parquet))
    assert got.ingest_stats["first_bad_rows"][0]["file"] == str(parquet)


def test_a_sharded_database_takes_reports_and_saves_only_what_changed(big: tuple[pd.DataFrame, Path],
                                                                      tmp_path: Path) -> None:
    frame, _ = big
    part = frame.iloc[:20_000]
    db = numrep.ReputationDB.build(part, tmp_path / "db", shards=4)
    before = {name: size for name, size, _ in numrep._core._store_files(tmp_path / "db")}
    late = pd.DataFrame({"number": ["+12025550001"], "time": [NOW], "category": ["scam"]})
    db.add_reports(late)
    db.save(tmp_path / "db")
    after = {name: size for name, size, _ in numrep._core._store_files(tmp_path / "db")}
    assert len(set(before) & set(after)) == 6  # three shards kept their files, one was rewritten
    want = numrep.ReputationDB.from_frame(pd.concat([part, late]))
    same_answers(numrep.ReputationDB.open(tmp_path / "db"), want)


def test_bad_budgets_and_shard_counts_are_refused(tmp_path: Path) -> None:
    frame = reports(100, 1)
    for memory, why in (("lots", "not a size"), ("1K", "below the 16M"), (1000, "below the 16M"),
                        ("inf", "'inf' is not a size"), ("nan", "'nan' is not a size"), ("1e30", "beyond any machine"),
                        (2**70, "beyond any machine")):
        with pytest.raises(ValueError, match=why):
            numrep.ReputationDB.build(frame, tmp_path / "db", memory=memory)
    with pytest.raises(TypeError, match="memory must be a size"):
        numrep.ReputationDB.build(frame, tmp_path / "db", memory=True)  # type: ignore[arg-type]
    builder = numrep._core._Builder(tmp_path / "once.db")
    builder.finish("VN")
    with pytest.raises(ValueError, match="this builder has finished or was closed"):
        builder.finish("VN")
    publication = numrep._core._Publication(tmp_path / "pub.db", 90.0, 0.001, "VN")
    publication.close()
    with pytest.raises(ValueError, match="this publication is closed"):
        publication.commit([])
    with pytest.raises(ValueError, match="shards must be from 1 to 16384"):
        numrep.ReputationDB.build(frame, tmp_path / "db", shards=0)
    assert not (tmp_path / "db").exists()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "numrep", *args], capture_output=True, text=True, timeout=300)


def test_cli_builds_within_memory_in_shards_and_on_local_workers(big: tuple[pd.DataFrame, Path],
                                                                  tmp_path: Path) -> None:
    frame, csv_path = big
    done = run("build", str(csv_path), "-o", str(tmp_path / "db"), "--memory", "16M", "--shards", "5")
    assert done.returncode == 0, done.stderr
    assert "5 shards" in done.stdout and "runs spilled" in done.stdout
    # Each store file's bits a number are of its own shard's numbers (the whole count was used).
    for name, size, numbers in numrep._core._store_files(tmp_path / "db"):
        shown = re.search(rf"{name}\s+\S+ (?:bytes|KiB|MiB)\s+([\d.]+) bits/number", done.stdout)
        assert shown and float(shown[1]) == pytest.approx(8 * size / numbers, abs=0.05), (name, done.stdout)
    assert numrep.ReputationDB.open(tmp_path / "db").shard_count == 5
    number = frame["number"].iloc[0]
    checked = run("check", "--db", str(tmp_path / "db"), number)
    assert checked.returncode == 0 and number.lstrip("+")[-6:] in checked.stdout
    stats = run("stats", "--db", str(tmp_path / "db"))
    assert stats.returncode == 0 and "records-00000001-00004.trie" in stats.stdout, stats.stderr

    small = tmp_path / "small.csv"
    frame.iloc[:5000].to_csv(small, index=False)
    done = run("build", str(small), "-o", str(tmp_path / "dask.db"), "--workers", "2", "--shards", "2")
    assert done.returncode == 0, done.stderr
    assert "2 shards" in done.stdout  # said of a Dask build too
    same_answers(numrep.ReputationDB.open(tmp_path / "dask.db"), numrep.ReputationDB.from_csv(small))

    for args, why in ((["--workers", "2", "--memory", "1G"], "--memory does not apply to a Dask build"),
                      (["--workers", "0"], "workers must be from 1 to 1024"),
                      (["--shards", "x"], "not a whole number of shards"),
                      (["--memory", "huge"], "not a size")):
        failed = run("build", str(small), "-o", str(tmp_path / "bad.db"), *args)
        assert failed.returncode != 0 and why in failed.stderr, failed.stderr
        assert len(failed.stderr.strip().splitlines()) <= 3


def test_a_failed_build_removes_its_spill_folder_while_its_traceback_lives(big: tuple[pd.DataFrame, Path],
                                                                           tmp_path: Path) -> None:
    """The traceback of a failed build held the builder, and with it the spill folder: a notebook
    keeps the last traceback (sys.last_traceback), so the runs stayed on disk."""
    _, csv_path = big
    seen: list[int] = []

    def stop_after_a_spill(rows: int, bad: int, done: int, total: int) -> None:
        seen.append(rows)
        if list(tmp_path.glob("db.build-*/run-*")) and len(seen) > 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as raised:
        numrep.ReputationDB.build(csv_path, tmp_path / "db", memory="16M", progress=stop_after_a_spill)
    assert raised.value.__traceback__ is not None  # kept, as a notebook keeps it
    assert not list(tmp_path.glob("db.build-*"))


def test_the_private_builder_closed_or_called_again_while_a_call_reads_is_safe(tmp_path: Path) -> None:
    # close() while add_csv ran (it reads without the GIL; another thread can call) freed the
    # builder under it: a segmentation fault (helper 136). Called here from add_csv's progress
    # callback, at a moment it is surely reading: the call keeps the builder to its end, and a
    # second call meanwhile is refused rather than changing it at the same time.
    rows = ["number,time,category"] + [f"09{i:08d},2024-05-01,scam" for i in range(200_000)]
    (tmp_path / "reports.csv").write_text("\n".join(rows) + "\n")
    builder = numrep._core._Builder(tmp_path / "db")
    refusals: list[str] = []

    def progress(rows: int, bad: int, done: int, total: int) -> None:
        try:
            builder.add_records(np.zeros(0, dtype=np.uint64), np.zeros((0, 13), dtype=np.uint32))
        except ValueError as e:
            refusals.append(str(e))
        builder.close()

    stats, _ = builder.add_csv(str(tmp_path / "reports.csv"), None, None, None, None, None, None, None, "VN", False,
                               False, None, None, progress)
    assert stats["good"] == 200_000
    # The first progress report finds it in use; the later ones, closed.
    assert "in use by another call" in refusals[0]
    assert len(refusals) > 1 and all("finished or was closed" in r for r in refusals[1:])
    with pytest.raises(ValueError, match="finished or was closed"):
        builder.finish("VN")
