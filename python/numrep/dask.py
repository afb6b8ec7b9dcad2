"""numrep.dask: build a database from more reports than one machine reads in time, and check
whole Dask columns against one, on a Dask cluster (``pip install numrep-phone[dask]``).

    from dask.distributed import Client
    import numrep.dask
    client = Client()                                            # or Client("scheduler:8786")
    db = numrep.dask.build("reports/*.csv", "reports.db")        # CSV / Parquet files or a Dask DataFrame
    verdicts = numrep.dask.check(ddf["caller"], "reports.db")    # a Dask DataFrame of verdicts

How a build runs: every partition (a CSV file, a Parquet row group, a DataFrame partition) is
read and turned into one record per number on a worker, in C++; the client splits the key space
into shards of about equal size from a sample of each partition's keys; each shard's pieces go
to one worker, which merges them and writes the shard's files into the output directory (which
every worker must see at the same path: a local disk for a LocalCluster, a shared file system
otherwise); the client then publishes the manifest, crash-safe as every numrep save. The records
equal those of a single-process build of the same rows; scores agree within float rounding (a
number's decayed count is summed in another order).
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import os
import threading
import time as _time
from collections.abc import Sequence
from typing import Any, Union, cast

import numpy as np
import numpy.typing as npt

try:
    import pandas as pd
except ImportError:  # "No module named 'pandas'" said neither what needs it nor how to get it
    raise ImportError("numrep.dask needs dask and pandas: pip install numrep-phone[dask]") from None

from . import _core
from ._pandas import _is_integer, _is_string_dtype
from .reputation import (
    _UNSET,
    PathLike,
    ReputationDB,
    TimeLike,
    _as_frame,
    _csv_column,
    _default_time_seconds,
    _number_column,
    _preset_name,
    _report_arrays,
    _shard_count,
    _Unset,
    _verdict_frame,
)

__all__ = ["build", "check"]

# A partition's records: keys (sorted), their records (n, 13), its ingest stats, the region read in.
_Part = tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32], dict[str, Any], Union[str, None]]
# What the client gathers of a partition: its number count, a sample of its keys, stats, region.
_Summary = tuple[int, npt.NDArray[np.uint64], dict[str, Any], Union[str, None]]
_Records = tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]
_ShardEntry = tuple[int, int, int, tuple[str, int, int], tuple[str, int, int]]

# Partial records each partition returns to the client, to place the shard boundaries.
_SAMPLE_SIZE = 1024
# First bad rows kept across partitions (each partition reports its own first ones).
_FIRST_BAD_ROWS = 20
# Numbers per shard a build aims at when not told how many shards to make.
_NUMBERS_PER_SHARD = 16_000_000


def _absolute_path(path: PathLike) -> str:
    """The database path as every worker can use it, refused as ReputationDB.open refuses one (None
    was os.fspath's message; "" was the working directory)."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"numrep: path must be a str, bytes or os.PathLike, got {type(path).__name__}")
    text = os.fsdecode(os.fspath(path))
    if text == "":
        raise ValueError("numrep: path is empty")
    return os.path.abspath(text)


def _dask_dataframe() -> Any:
    """dask.dataframe, or an ImportError saying how to get it (the `dask` extra)."""
    try:
        import dask.dataframe as dd
    except ImportError:
        raise ImportError("numrep.dask needs dask.dataframe: pip install numrep-phone[dask]") from None
    return dd


def _client(client: Any) -> Any:
    if client is not None:
        if not callable(getattr(client, "submit", None)):  # 3 was "'int' object has no attribute 'submit'"
            raise TypeError(f"numrep.dask: client must be a distributed.Client, got {type(client).__name__}")
        return client
    try:
        from distributed import default_client
    except ImportError as e:  # pragma: no cover - the extra is missing
        raise ImportError("numrep.dask needs dask.distributed: pip install numrep-phone[dask]") from e
    try:
        return default_client()  # type: ignore[no-untyped-call]
    except ValueError as e:
        raise ValueError("numrep.dask: no Dask client; start one (distributed.Client()) or pass client=") from e


# ----------------------------------------------------------------------------- on the workers

def _frame_records(frame: Any, where: dict[str, Any], columns: dict[str, Any], half_life_days: float) -> _Part:
    """One partition of reports (a pandas DataFrame) as one record per number, with its counts."""
    try:
        arrays, stats = _report_arrays(_as_frame(frame), **columns)
    except (ValueError, TypeError, OverflowError) as error:
        if type(error) not in (ValueError, TypeError, OverflowError):
            raise
        # A column one partition lacks, or holds as float32: among thousands, the message must say
        # which (the frame's meta, all the client sees, is right).
        place = (f"partition {where['partition']} of the frame" if "partition" in where else
                 f"{where['file']}, the row group from row {where.get('first_row', 0)}")
        raise type(error)(f"{error} (in {place})") from None
    first_row = int(where.pop("first_row", 0))
    for row in stats["first_bad_rows"]:  # rows of the partition, or of the file for a row group
        row.update(where)
        row["row"] += first_row
    record_keys, records = _core._partial_records(*arrays, half_life_days)
    return record_keys, records, stats, columns["region"]


def _parquet_records(path: str, row_group: int, first_row: int, columns: dict[str, Any],
                     half_life_days: float) -> _Part:
    from ._ingest import _checked_parquet_columns, _read_row_group
    from .reputation import _arrow_frame

    parquet, fields = _checked_parquet_columns(path, columns)
    columns = {**columns, "source": fields["source"], "not_spam": fields["not_spam"]}
    wanted = [c for c in dict.fromkeys(fields.values()) if c is not None]
    # A file of no row groups (a writer closed before any row) is one empty part, as from_parquet
    # reads it: with no part at all, a build of such files was "no reports to build from".
    table = (_read_row_group(path, parquet, row_group, wanted) if row_group < parquet.metadata.num_row_groups
             else parquet.schema_arrow.empty_table().select(wanted))
    return _frame_records(_arrow_frame(table), {"file": path, "first_row": first_row}, columns, half_life_days)


def _csv_records(path: str, options: dict[str, Any], half_life_days: float) -> _Part:
    keys, records, core_stats, region = _core._csv_records(path, **options, half_life_days=half_life_days)
    stats = cast(dict[str, Any], core_stats)
    for row in stats["first_bad_rows"]:
        row["file"] = path
    return keys, records, stats, region


def _summary(part: _Part, sample_size: int) -> _Summary:
    """What the client needs of a partition: its number count, a sample of its keys, its stats."""
    keys = part[0]
    if len(keys) > sample_size:
        keys = keys[np.linspace(0, len(keys) - 1, sample_size).astype(np.int64)]
    return len(part[0]), np.asarray(keys), part[2], part[3]


_FIELDS = [f"f{i}" for i in range(13)]  # the thirteen fields of a number_record
_EMPTY_PART: _Part = (np.zeros(0, np.uint64), np.zeros((0, 13), np.uint32), {}, None)
_ENTRIES_META = pd.DataFrame({
    "shard": pd.Series(dtype=np.int64), "first": pd.Series(dtype=object), "last": pd.Series(dtype=object),
    "numbers": pd.Series(dtype=np.int64), "records": pd.Series(dtype=object), "bloom": pd.Series(dtype=object)})


def _records_frame(part: _Part, index: int, cuts: list[int]) -> pd.DataFrame:
    """A partition's records as a frame for the shuffle: key, shard, partition, the fields."""
    keys, records = part[0], part[1]
    frame = pd.DataFrame(records, columns=_FIELDS)
    frame.insert(0, "key", keys)
    frame.insert(1, "shard", np.searchsorted(np.asarray(cuts, dtype=np.uint64), keys, side="left").astype(np.int64))
    frame.insert(2, "part", np.full(len(keys), index, dtype=np.int64))
    return frame


def _write_shards(frame: pd.DataFrame, path: str, generation: int, ranges: list[tuple[int, int]],
                  half_life_days: float, bloom_fpr: float) -> pd.DataFrame:
    """Writes each shard whose records this partition of the shuffle received; records of one
    number merge in partition order (not in the order the shuffle delivered them)."""
    rows = []
    for shard, records in frame.groupby("shard", sort=True):
        records = records.sort_values(["part", "key"], kind="stable")
        pieces = [(group["key"].to_numpy(np.uint64), group[_FIELDS].to_numpy(np.uint32))
                  for _, group in records.groupby("part", sort=True)]
        first, last = ranges[int(shard)]
        entry = _core._write_shard(path, generation, int(shard), first, last, pieces, half_life_days, bloom_fpr)
        rows.append({"shard": int(shard), "first": entry[0], "last": entry[1], "numbers": entry[2],
                     "records": entry[3], "bloom": entry[4]})
    return pd.DataFrame(rows, columns=list(_ENTRIES_META.columns)).astype(_ENTRIES_META.dtypes.to_dict())


def _entry_of(row: Any) -> _ShardEntry:
    return (int(row.first), int(row.last), int(row.numbers), tuple(row.records), tuple(row.bloom))


# ----------------------------------------------------------------------------- on the client

def _boundaries(summaries: Sequence[_Summary], shards: int) -> list[int]:
    """The last key of each shard but the last: weighted quantiles of the partitions' samples."""
    keys, weights = [], []
    for count, sample, _, _ in summaries:
        if len(sample):
            keys.append(sample)
            weights.append(np.full(len(sample), count / len(sample)))
    if not keys or shards <= 1:
        return []
    all_keys = np.concatenate(keys)
    all_weights = np.concatenate(weights)
    order = np.argsort(all_keys, kind="stable")
    all_keys, cumulative = all_keys[order], np.cumsum(all_weights[order])
    targets = cumulative[-1] * np.arange(1, shards) / shards
    cut = np.unique(all_keys[np.minimum(np.searchsorted(cumulative, targets), len(all_keys) - 1)])
    # Not after the largest key: the shard beyond it would hold nothing (3 numbers and shards=8
    # made 4 shards, the last empty, where a build in one process makes 3).
    return [int(k) for k in cut if k < all_keys[-1]]


def _add_stats(total: dict[str, Any], more: dict[str, Any], per_file: bool) -> None:
    for key, value in more.items():
        if key in ("summary", "notes") or key not in total:
            if key == "notes":
                total.setdefault("notes", [])
                total["notes"].extend(n for n in value if n not in total["notes"])
            elif key not in total:
                total[key] = value if not isinstance(value, (list, dict)) else type(value)(value)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, dict, list)):
            continue
        if key == "longest_row_lines":  # the longest row of any partition, and where it starts
            if value > total[key]:
                total[key], total["longest_row_line"] = value, more["longest_row_line"]
                total["longest_row_file"] = more["longest_row_file"]
        elif key in ("longest_row_line", "longest_row_file"):
            continue
        elif isinstance(value, int):
            total[key] += value
        elif isinstance(value, dict):
            for k, v in value.items():
                total[key][k] = total[key].get(k, 0) + v
        elif key == "first_bad_rows":
            # As a build in one process keeps them: the first _FIRST_BAD_ROWS of each CSV file
            # (20 in all dropped 40 of three files' 60), of Parquet files and a frame's partitions
            # the first in all (from_parquet's and from_frame's; 20 a file kept 60 of three files).
            kept = collections.Counter(row.get("file") if per_file else None for row in total[key])
            for row in value:
                where = row.get("file") if per_file else None
                if kept[where] < _FIRST_BAD_ROWS:
                    total[key].append(row)
                    kept[where] += 1
        else:
            total[key].extend(v for v in value if v not in total[key])


def build(reports: Any, path: PathLike, *, preset: str | None = None, number: str | None = None,
          time: str | _Unset | None = _UNSET, category: str | _Unset | None = _UNSET,
          source: str | _Unset | None = _UNSET, not_spam: str | _Unset | None = _UNSET,
          delimiter: str | None = None, region: str | _Unset | None = _UNSET, default_time: TimeLike | None = None,
          half_life_days: float = 90.0, bloom_fpr: float = 0.001, shards: int | None = None,
          client: Any = None) -> ReputationDB:
    """Build a database at `path` on a Dask cluster from `reports`: a Dask DataFrame (columns as
    ReputationDB.from_frame reads them), or CSV / Parquet files (paths or globs; CSV read as from_csv
    reads it, Parquet as from_frame reads its columns). Bad rows are counted across partitions in
    ``db.ingest_stats`` (file and line, or partition and row, of the first ones). `shards`: key
    ranges to split the database into (default: one per 16 million numbers, at least one per
    worker). The other options are ReputationDB.build's. `client`: the distributed.Client to run
    on (default: the current one, which distributed.Client() makes; none is a ValueError). Returns
    the database, opened from `path`."""
    client = _client(client)
    out = _absolute_path(path)
    shards = _shard_count(shards)
    if default_time is not None:  # refused here, before any task (on a worker it left the output's lock behind)
        _default_time_seconds(default_time)
    # Frame columns as from_frame names them; CSV ones as from_csv does.
    frame_region = _core.DEFAULT_REGION if isinstance(region, _Unset) else region
    frame_columns = {
        "number": "number" if number is None else number,  # a column labelled 0 is a name too
        "time": "time" if isinstance(time, _Unset) else time,
        "category": "category" if isinstance(category, _Unset) else category,
        "source": source, "not_spam": not_spam, "region": frame_region, "default_time": default_time,
    }
    if frame_columns["time"] is None:
        raise ValueError("numrep: a Dask build needs a report time column (leaving it out, with a default time, is "
                         "for a CSV build in one process)")

    # Checked here, as from_csv checks them: on a worker a bad one failed after the output was locked.
    csv_options = {
        "preset": _preset_name(preset), "number": _number_column(number), "time": _csv_column("time", time),
        "category": _csv_column("category", category), "source": _csv_column("source", source),
        "not_spam": _csv_column("not_spam", not_spam), "delimiter": delimiter,
        "region": _core.DEFAULT_REGION if isinstance(region, _Unset) else region,
        "keep_preset_region": isinstance(region, _Unset) and preset is not None,
        "strict": False, "default_time": default_time,
    }

    if hasattr(reports, "to_delayed") and hasattr(reports, "npartitions") and hasattr(reports, "columns"):
        # A column named like source or not_spam but not as written, refused here as from_frame
        # refuses it (on the workers, the output's directory was made and locked first).
        from .reputation import _optional_column

        taken = (frame_columns["number"], frame_columns["time"], frame_columns["category"])
        if isinstance(source, _Unset):
            _optional_column(list(reports.columns), "source", taken=taken)
        if isinstance(not_spam, _Unset):  # a source column given by name is the source's
            _optional_column(list(reports.columns), "not_spam", taken=(*taken, source))
    # The inputs resolved and their columns checked before the publication is made: a build refused
    # for its input left a new output directory holding only its lock.
    is_frame = hasattr(reports, "to_delayed") and hasattr(reports, "npartitions")
    paths: list[str] = []
    kind = "frame"
    parquet_meta: dict[str, Any] = {}
    if is_frame:
        missing = [frame_columns[f] for f in ("number", "time", "category")
                   if frame_columns[f] is not None and frame_columns[f] not in reports.columns]
        if missing:  # as from_frame says it
            raise ValueError(f"numrep: columns {missing} not in the frame (it has {list(reports.columns)})")
    else:
        from ._ingest import _checked_parquet_columns, report_files

        files = report_files(reports, preset=preset, delimiter=delimiter)
        if files is None:
            raise TypeError(f"numrep.dask.build takes a Dask DataFrame or report files (paths or globs), not "
                            f"{type(reports).__name__}" + (
                                ": give a pandas DataFrame to ReputationDB.from_frame, or make it a Dask one "
                                "(dask.dataframe.from_pandas)" if hasattr(reports, "columns") else ""))
        paths, kind = files
        paths = [os.path.abspath(f) for f in paths]
        if not paths:
            raise ValueError("numrep: no reports to build from")
        if kind == "parquet":  # the files' columns checked here, as from_parquet checks them
            parquet_meta = {file: _checked_parquet_columns(file, frame_columns)[0].metadata for file in paths}
    # Then the publication: it refuses an output it may not replace before any row is read, and
    # holds the directory's lock (so no reader's cleanup removes the workers' files) until the end.
    planned_region: str | None = frame_region if preset is None or not isinstance(region, _Unset) else None
    publication = _core._Publication(out, half_life_days, bloom_fpr, planned_region)
    parts: list[Any] = []
    written: list[Any] = []
    try:
        if is_frame:
            from dask.delayed import delayed

            parts = client.compute([delayed(_frame_records)(p, {"partition": i}, frame_columns, half_life_days)
                                    for i, p in enumerate(reports.to_delayed())])
        else:
            for file in paths:
                if kind == "parquet":
                    meta = parquet_meta[file]
                    first = 0
                    for g in range(max(1, meta.num_row_groups)):
                        parts.append(client.submit(_parquet_records, file, g, first, frame_columns, half_life_days,
                                                   pure=False))
                        first += meta.row_group(g).num_rows if g < meta.num_row_groups else 0
                else:
                    parts.append(client.submit(_csv_records, file, csv_options, half_life_days, pure=False))
        if not parts:
            raise ValueError("numrep: no reports to build from")
        # Shard boundaries are cut from the samples: several keys for each shard asked for (1,024
        # a partition capped shards=2000 of one partition at 1,024).
        sample_size = max(_SAMPLE_SIZE, 4 * (shards or 0))
        summaries = client.gather([client.submit(_summary, p, sample_size, pure=False) for p in parts])
        stats: dict[str, Any] = {}
        for s in summaries:
            _add_stats(stats, s[2], per_file=kind == "csv")
        # As a build in one process gives them: CSV files' summaries one after another (a
        # partition is a file), Parquet's files read; a frame's partitions have no one summary.
        if kind == "csv":
            stats["summary"] = "\n".join(s[2]["summary"] for s in summaries)
        else:
            stats.pop("summary", None)
        if kind == "parquet":
            stats["files"] = paths
        read_in = summaries[0][3]
        if read_in != planned_region:
            # A preset's own region (ftc: US), known once a CSV file was read: publish with it.
            publication.close()
            publication = _core._Publication(out, half_life_days, bloom_fpr, read_in)
        numbers = sum(s[0] for s in summaries)  # partial records: numbers counted once per partition
        if shards is None:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            shards = max(workers, -(-numbers // _NUMBERS_PER_SHARD))
        cuts = _boundaries(summaries, shards)
        ranges = list(zip([0, *[c + 1 for c in cuts]], [*cuts, 2**64 - 1]))
        generation = publication.generation
        # The exchange: every partition's records, tagged with their shard, go through Dask's
        # shuffle (peer to peer between workers: O(partitions + shards) tasks, not one per pair),
        # and each output partition writes the shards it received.
        dd = _dask_dataframe()
        frames = [client.submit(_records_frame, p, i, cuts, pure=False) for i, p in enumerate(parts)]
        records = dd.from_delayed(frames, meta=_records_frame(_EMPTY_PART, 0, []), verify_meta=False)
        shuffled = records.shuffle("shard", npartitions=max(1, min(len(ranges), len(parts) * 4)))
        written = client.compute(shuffled.map_partitions(
            _write_shards, out, generation, ranges, half_life_days, bloom_fpr, meta=_ENTRIES_META).to_delayed())
        by_shard = {}
        for frame in client.gather(written):
            for row in frame.itertuples(index=False):
                by_shard[int(row.shard)] = _entry_of(row)
        # A shard no partition had numbers for is written empty here.
        entries = [by_shard[i] if i in by_shard else
                   _core._write_shard(out, generation, i, first, last, [], half_life_days, bloom_fpr)
                   for i, (first, last) in enumerate(ranges)]
        publication.commit(entries)
    except BaseException:
        # Shard tasks still running would go on writing files after the lock is released: wait
        # for them to end first (cancelling does not stop a running task). A later publication
        # is safe either way (a shard's file is never replaced once written), but would fail.
        _wait_ended(written, timeout=600)
        raise
    finally:
        publication.close()
        for p in parts:
            p.release()
    return ReputationDB(_core.ReputationDB._open(out, None, True), ingest_stats=stats)


def _wait_ended(futures: list[Any], timeout: float) -> None:
    """Waits until every future has ended (finished, failed or cancelled), at most `timeout`
    seconds, through each future's own client (distributed.wait asks for the default client, which
    a caller's client= need not be). Never raises: it runs while the build's own error is on its
    way to the caller, which it must not replace; a future its cluster lost has ended too."""
    deadline = _time.monotonic() + timeout
    for future in futures:
        # Cancelled, lost or timed out: nothing left to wait for.
        with contextlib.suppress(Exception):
            future.exception(timeout=max(0.0, deadline - _time.monotonic()))


# One opened database per worker process and path, reopened when its manifest changes; the
# few used last only: every database ever checked stayed mapped (deleted ones too, whose disk
# space a long-lived worker or notebook then never gave back).
_OPENED: collections.OrderedDict[tuple[str, Any], tuple[tuple[int, int], ReputationDB]] = collections.OrderedDict()
_MOST_OPENED = 4
_OPENED_LOCK = threading.Lock()  # a worker runs partitions on several threads


def _opened(path: str, region: str | _Unset | None) -> ReputationDB:
    manifest = os.path.join(path, "MANIFEST")
    try:
        st = os.stat(manifest)
        version = (st.st_mtime_ns, st.st_ino)
    except OSError:
        version = (0, 0)  # a format 1 directory: opened once
    key = (path, None if isinstance(region, _Unset) else ("region", region))
    with _OPENED_LOCK:
        cached = _OPENED.get(key)
        if cached is None or cached[0] != version:
            cached = (version, ReputationDB.open(path, region=region))
            _OPENED[key] = cached
        _OPENED.move_to_end(key)
        while len(_OPENED) > _MOST_OPENED:
            _OPENED.popitem(last=False)
        return cached[1]


def _check_partition(numbers: Any, path: str, now: int, region: str | _Unset | None,
                     partition_info: dict[str, Any] | None = None) -> Any:
    try:
        return _checked_partition(numbers, path, now, region)
    except (ValueError, TypeError, OverflowError) as error:
        if type(error) not in (ValueError, TypeError, OverflowError) or partition_info is None or not len(numbers):
            raise
        # "key -7 at index 5" counted from the partition's first row, which the message did not say.
        raise type(error)(f"{error} (in partition {partition_info['number']} of the Series, whose index counts "
                          f"from the row labelled {numbers.index[0]!r})") from None


def _checked_partition(numbers: Any, path: str, now: int, region: str | _Unset | None) -> Any:
    db = _opened(path, region)
    values: Any = numbers  # check_many reads a Series as it is (Arrow-backed and Int64 with <NA> too)
    if numbers.dtype.kind == "O" and not _is_string_dtype(numbers.dtype):
        # NumPy objects or a category of them (a string dtype is read in place).
        # What check_many reads (str, bytes, PhoneNumber, int keys) as it is, anything else (NaN,
        # a float, a date) as a missing value, so that one odd value does not fail the partition.
        # A whole float is not an int key here: check_many refuses floats, and the accessor
        # reads them as national numbers, so either reading would be a guess.
        values = [v if isinstance(v, (str, bytes, _core.PhoneNumber)) or _is_integer(v) else None
                  for v in numbers.tolist()]
    # Without check_many's LaterReportsWarning: raised in a worker it would name dask's code and
    # count one partition (docs/scale.md says how to find such rows).
    columns, as_of_seconds, _ = db._verdict_columns(values, now, _UNSET)
    frame = _verdict_frame(columns)
    frame.attrs["as_of"] = datetime.datetime.fromtimestamp(as_of_seconds, datetime.timezone.utc)
    frame.index = numbers.index
    return frame


def check(numbers: Any, path: PathLike, *, now: TimeLike | None = None,
          region: str | _Unset | None = _UNSET) -> Any:
    """Verdicts for a Dask Series of numbers (strings, parsed; or integer keys) against the database
    at `path`, as a Dask DataFrame with ReputationDB.check_many(..., as_frame=True)'s columns and the
    series' index. Each worker process opens the database once (memory-mapped) and keeps it while
    its manifest is unchanged. `now` is fixed when the graph is made (default: now; "latest": the
    database's newest report, as in check_many), so that every partition is scored at the same
    moment."""
    dd = _dask_dataframe()
    if isinstance(numbers, dd.DataFrame):
        raise TypeError("numrep.dask.check takes a Dask Series of numbers, not a DataFrame: pick its column "
                        "(frame['caller'])")
    if not isinstance(numbers, dd.Series):
        raise TypeError(f"numrep.dask.check takes a Dask Series of numbers, not {type(numbers).__name__}: for numbers "
                        "in this process use ReputationDB.open(path).check_many(numbers), or make a Dask Series "
                        "(dask.dataframe.from_pandas(series, npartitions=...))")
    if not (isinstance(region, (str, _Unset)) or region is None):
        raise TypeError(f"numrep.dask.check takes one region (a str, or None) for every number, not "
                        f"{type(region).__name__}; for a region per row, call ReputationDB.check_many in "
                        "map_partitions with each partition's regions")
    out = _absolute_path(path)
    db = ReputationDB.open(out, region=region)  # fails here, on the client, for a bad path
    resolved = db._now(now)
    seconds = int(_time.time()) if resolved is None else _core._unix_time(resolved, "now")
    # The columns of one row, then none: pandas infers the text columns' dtype (str, or object
    # before pandas 3) from a value, as it does in each partition; from no value it says float64.
    meta = _verdict_frame(db._check_many(np.zeros(1, dtype=np.uint64), seconds, db._region_or_own(region))[0]).iloc[:0]
    # Dask gives the meta itself for a result with no rows: it carries the time too.
    meta.attrs["as_of"] = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    # The Series' index, as each partition's result has it: an unnamed RangeIndex made the graph's
    # reset_index() name a column "index" that the computed frame called by the index's name.
    meta.index = numbers._meta.index[:0]
    return numbers.map_partitions(_check_partition, out, seconds, region, meta=meta)
