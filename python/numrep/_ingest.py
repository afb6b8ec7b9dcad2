"""Report inputs beyond one CSV file: paths and globs, CSV or Parquet, and Parquet files read in
record batches of bounded size, each turned into report arrays by from_frame's conversion
(numrep.reputation._report_arrays: parsing and hashing in C++, no per-row Python).

    paths = expand_inputs(["reports/*.csv", "data/**/*.parquet"])   # sorted, each pattern must match
    input_kind(path)                                                # "csv" or "parquet"
    for arrays, stats in _report_batches(path, number="number", ...):
        ...                                                          # keys, times, codes, names, sources, votes

_report_batches is what every builder consumes: ReputationDB.from_parquet concatenates the
batches (one database in memory); a bounded-memory builder or a Dask task can feed them on.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import _core
from .reputation import (
    _FIELD_NAMES,
    _KEPT_BAD_ROWS,
    _UNSET,
    _arrow_frame,
    _optional_column,
    _report_arrays,
    _ReportArrays,
    _Unset,
)

if TYPE_CHECKING:
    from .reputation import PathLike, TimeLike

__all__ = ["expand_inputs", "input_kind"]

PARQUET_SUFFIXES = (".parquet", ".pq")
PARQUET_MAGIC = b"PAR1"
# Rows per record batch: about 3 MB of report arrays, and a pandas frame of the batch's columns.
DEFAULT_BATCH_ROWS = 65_536


# An empty list of files built an empty database whose ingest_stats was {} (no "bad" to read).
NO_REPORT_FILES = ("numrep: no report files given: the list of paths is empty (a Path.glob that matches nothing "
                   "gives an empty one; a pattern given as a str says which matched nothing)")


def expand_inputs(patterns: PathLike | Iterable[PathLike]) -> list[str]:
    """The files that paths and glob patterns name, in order: a path that exists is taken as it
    is (even with * or [ in its name); a pattern (``reports/*.csv``, ``data/**/*.parquet``, where
    ``**`` is any depth) becomes its matching files, sorted. A pattern matching no file, or a path
    that does not exist, is a FileNotFoundError naming it; a directory is an IsADirectoryError; a
    file named twice (by a pattern and its name) is a ValueError."""
    if isinstance(patterns, (str, bytes, os.PathLike)):
        patterns = [patterns]
    elif not isinstance(patterns, Iterable) or isinstance(patterns, dict):  # 5, None: "'int' object is not iterable"
        raise TypeError(f"numrep: path must be a str, bytes or os.PathLike, or a list of them, got "
                        f"{type(patterns).__name__}")  # as from_csv says it
    out: list[str] = []
    for item in patterns:
        if not isinstance(item, (str, bytes, os.PathLike)):
            raise TypeError(f"numrep: a report path must be a str, bytes or os.PathLike, got {type(item).__name__}")
        pattern = os.fsdecode(item)
        if os.path.isdir(pattern):
            raise IsADirectoryError(21, f"{pattern} is a directory, not a file of reports (give a pattern such as "
                                        f"{os.path.join(pattern, '*.csv')})", pattern)
        if os.path.exists(pattern) or not glob.has_magic(pattern):
            if not os.path.exists(pattern):
                raise FileNotFoundError(2, f"{pattern}: no such report file", pattern)
            out.append(pattern)
            continue
        matches = sorted(path for path in glob.glob(pattern, recursive=True) if not os.path.isdir(path))
        if not matches:
            raise FileNotFoundError(2, f"no file matches {pattern!r}", pattern)
        out.extend(matches)
    if not out:
        raise ValueError(NO_REPORT_FILES)
    # The same file twice (a glob and its own name) would count every report in it twice.
    seen: dict[tuple[int, int], str] = {}
    for path in out:
        info = os.stat(path)
        # A pipe or a device is refused here, as the readers refuse it: opening a FIFO to look
        # for Parquet's magic bytes (input_kind) waited for a writer, for ever.
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, f"numrep: cannot open non-regular file '{path}': report files must be "
                                        "regular files, not pipes or devices")
        first = seen.get((info.st_dev, info.st_ino))
        if first is not None:
            raise ValueError(f"numrep: the report file {path!r} is given twice (as {first!r} too): its reports would "
                             "be counted twice")
        seen[(info.st_dev, info.st_ino)] = path
    return out


def input_kind(path: PathLike) -> Literal["csv", "parquet"]:
    """"parquet" for a file named .parquet or .pq or starting with Parquet's magic bytes, else "csv"."""
    name = os.fsdecode(path)
    if name.lower().endswith(PARQUET_SUFFIXES):
        return "parquet"
    try:
        with open(name, "rb") as file:
            head = file.read(len(PARQUET_MAGIC))
    except IsADirectoryError:
        return "csv"  # the reader says what is wrong with it
    except OSError as error:  # a failing disk's EIO said "Input/output error" without the file
        if error.filename is not None:
            raise
        raise type(error)(error.errno, f"cannot read report file '{name}': {error.strerror}", name) from None
    return "parquet" if head == PARQUET_MAGIC else "csv"


def report_files(reports: Any, *, preset: str | None = None, delimiter: str | None = None,
                 rejects: Any = None) -> tuple[list[str], Literal["csv", "parquet"]] | None:
    """The report files that `reports` names (a path or glob, or a list of them) and their one
    kind, or None when `reports` is not paths (a DataFrame). CSV and Parquet files are not mixed
    in one build, and the CSV reader's options are refused for Parquet files, in every build."""
    if not isinstance(reports, (str, bytes, os.PathLike)):
        # Columns and frames are not paths, though some iterate as their column names.
        if any(hasattr(reports, a) for a in ("columns", "to_delayed", "__arrow_c_stream__", "__arrow_c_array__")):
            return None
        try:
            reports = list(reports)  # a generator of paths (Path.glob) too
        except TypeError:
            return None
        if not all(isinstance(r, (str, bytes, os.PathLike)) for r in reports):
            return None
    paths = expand_inputs(reports)
    kinds = {p: input_kind(p) for p in paths}
    if len(set(kinds.values())) > 1:
        csv = next(p for p in paths if kinds[p] == "csv")
        parquet = next(p for p in paths if kinds[p] == "parquet")
        raise ValueError(f"numrep: cannot mix CSV and Parquet files in one build ({csv} is CSV, {parquet} is "
                         "Parquet): convert one kind to the other")
    if set(kinds.values()) != {"parquet"}:
        return paths, "csv"
    for option, value in (("preset", preset), ("delimiter", delimiter), ("rejects", rejects)):
        if value is not None:
            raise ValueError(f"numrep: {option} applies to CSV files only, and {paths[0]} is Parquet")
    return paths, "parquet"


def _parquet_file(path: str) -> Any:
    try:
        import pandas  # noqa: F401 - the reports are read through pandas frames (reputation._arrow_frame)
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("numrep: reading Parquet files needs pyarrow and pandas: pip install pyarrow pandas "
                          "(or numrep-phone[pandas])") from None
    import pyarrow as pa

    try:
        # INT96 timestamps (Spark's and Hive's old ones) are read in microseconds: in pyarrow's
        # default nanoseconds a time outside 1677..2262 wraps into another year, silently.
        return pq.ParquetFile(path, coerce_int96_timestamp_unit="us")
    except (pa.ArrowInvalid, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise FileNotFoundError(2, f"{path}: no such report file", path) from None
        raise ValueError(f"numrep: {path}: not a Parquet file ({error})") from None


@contextlib.contextmanager
def _parquet_data_errors(name: str) -> Iterator[None]:
    """Damaged Parquet data (pyarrow's "Corrupt snappy compressed data") as a ValueError that
    names the file, as the other errors of a build do; out of memory stays what it is."""
    import pyarrow as pa

    try:
        yield
    except MemoryError:  # pyarrow's ArrowMemoryError too: out of memory, not damage
        raise
    except (pa.ArrowException, OSError) as error:
        raise ValueError(f"numrep: {name}: cannot read its Parquet data ({error})") from None


def _read_row_group(name: str, parquet: Any, row_group: int, columns: list[str]) -> Any:
    """One row group of the file as a table."""
    with _parquet_data_errors(name):
        return parquet.read_row_group(row_group, columns=columns)


def _checked_parquet_columns(name: str, columns: dict[str, Any]) -> tuple[Any, dict[str, str | None]]:
    """The ParquetFile `name` and the column of each field (as _columns_to_read gives them), once
    the mapped columns (`columns`: the fields' names, as a build maps them) are there and hold one
    value per row: the checks from_parquet makes before it reads."""
    parquet = _parquet_file(name)
    fields, _ = _columns_to_read(name, list(parquet.schema_arrow.names), number=columns["number"],
                                 time=columns["time"], category=columns["category"], source=columns["source"],
                                 not_spam=columns["not_spam"])
    _refuse_nested_columns(name, parquet.schema_arrow, fields)
    return parquet, fields


def _batches_of(name: str, parquet: Any, batch_rows: int, columns: list[str]) -> Iterator[Any]:
    """The file's record batches (damaged data: _parquet_data_errors)."""
    batches = parquet.iter_batches(batch_size=batch_rows, columns=columns)
    while True:
        with _parquet_data_errors(name):
            batch = next(batches, None)
        if batch is None:
            return
        yield batch


def _columns_to_read(path: str, schema_names: list[str], *, number: str, time: str, category: str | None,
                     source: str | _Unset | None, not_spam: str | _Unset | None
                     ) -> tuple[dict[str, str | None], list[str]]:
    """The column of each field in this file (None: not read), and the header columns named like a
    field but not read; a column the caller named must be in the file."""
    if isinstance(source, _Unset):
        source = _optional_column(schema_names, "source", f"{path}: ", taken=(number, time, category))
    if isinstance(not_spam, _Unset):
        not_spam = _optional_column(schema_names, "not_spam", f"{path}: ", taken=(number, time, category, source))
    fields: dict[str, str | None] = {"number": number, "time": time, "category": category, "source": source,
                                     "not_spam": not_spam}
    for field, column in fields.items():
        if column is None:
            continue
        role = "not_spam flag" if field == "not_spam" else field
        if column not in schema_names:
            raise ValueError(f"numrep: {path}: no column {column!r} (for the {role}); columns: "
                             + ", ".join(repr(name) for name in schema_names))
        if schema_names.count(column) > 1:
            raise ValueError(f"numrep: {path}: {schema_names.count(column)} columns are named {column!r} (for the "
                             f"{role}); numrep cannot tell which to read: give the file one column of that name")
    read = set(fields.values())
    ignored = [name for name in _FIELD_NAMES if name in schema_names and name not in read]
    return fields, ignored


def _refuse_nested_columns(path: str, schema: Any, fields: dict[str, str | None]) -> None:
    """A column of lists, structs or maps holds no value per report: a ValueError naming the file,
    the column and its type (it reached parse_many as arrays and was reported as numrep's bug)."""
    import pyarrow as pa

    for field, column in fields.items():
        if column is None:
            continue
        kind = schema.field(column).type
        value = kind.value_type if pa.types.is_dictionary(kind) else kind
        if pa.types.is_nested(value):
            raise ValueError(f"numrep: {path}: column {column!r} (for the {field}) is of type {kind}, which holds no "
                             "single value per report: give the column of the values themselves")


def _report_batches(path: PathLike, *, number: str = "number", time: str = "time", category: str | None = "category",
                    source: str | _Unset | None = _UNSET, not_spam: str | _Unset | None = _UNSET,
                    region: str | None = _core.DEFAULT_REGION, default_time: TimeLike | None = None,
                    batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[tuple[_ReportArrays, dict[str, Any]]]:
    """The reports of one Parquet file, a record batch at a time: (arrays, stats) per batch, the
    arrays as _core.ReputationDB._from_arrays and _Builder.add_arrays take them (category codes
    index the batch's own names) and the stats as from_frame counts them, plus "file", "file_rows"
    (the rows of the whole file) and, in each of "first_bad_rows", the file and the row's index
    in the file (from 0). Only the mapped
    columns are read; memory is bounded by `batch_rows`. A missing column is a ValueError naming
    the file and the column before any batch."""
    name = os.fsdecode(path)
    parquet = _parquet_file(name)
    schema_names = list(parquet.schema_arrow.names)
    fields, ignored = _columns_to_read(name, schema_names, number=number, time=time, category=category,
                                       source=source, not_spam=not_spam)
    wanted = [column for column in dict.fromkeys(fields.values()) if column is not None]
    _refuse_nested_columns(name, parquet.schema_arrow, fields)
    offset = 0
    for batch in _batches_of(name, parquet, batch_rows, wanted):
        frame = _arrow_frame(batch)
        arrays, stats = _report_arrays(frame, number=number, time=time, category=category,
                                       source=fields["source"], not_spam=fields["not_spam"], region=region,
                                       default_time=default_time)
        stats["file"] = name
        stats["file_rows"] = parquet.metadata.num_rows
        stats["ignored_columns"] = ignored
        for row in stats["first_bad_rows"]:
            row["file"] = name
            row["row"] += offset
        offset += batch.num_rows
        yield arrays, stats


def _empty_stats() -> dict[str, Any]:
    return {"rows": 0, "good": 0, "bad": 0, "invalid_numbers": 0, "defaulted_times": 0, "bad_by_reason": {},
            "unparseable_by_error": {}, "first_bad_rows": [], "ignored_columns": [], "notes": [], "files": []}


def _add_stats(total: dict[str, Any], more: dict[str, Any]) -> None:
    """Adds one batch's stats to the running total: counts add, the first bad rows are the first
    _KEPT_BAD_ROWS of all, notes and ignored columns are listed once."""
    for key in ("rows", "good", "bad", "invalid_numbers", "defaulted_times"):
        total[key] += more[key]
    for counts in ("bad_by_reason", "unparseable_by_error"):
        for reason, count in more[counts].items():
            total[counts][reason] = total[counts].get(reason, 0) + count
    room = _KEPT_BAD_ROWS - len(total["first_bad_rows"])
    total["first_bad_rows"].extend(more["first_bad_rows"][:max(room, 0)])
    for key in ("ignored_columns", "notes"):
        total[key].extend(item for item in more[key] if item not in total[key])
    if "file" in more and more["file"] not in total["files"]:
        total["files"].append(more["file"])


class _Concatenation:
    """Batches of report arrays gathered into one set: category codes re-based onto one list of
    names (each name once), the other columns concatenated."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.names: dict[str, int] = {}

    def add(self, arrays: _ReportArrays) -> None:
        keys, times, codes, names, sources, votes = arrays
        # codes[i] is -1 (no category) or an index into this batch's names: map them to ours.
        mapping = np.array([self.names.setdefault(name, len(self.names)) for name in names] + [-1], dtype=np.int64)
        self.parts.append((keys, times, mapping[codes], sources, votes))  # codes -1 pick the last entry, -1

    def arrays(self) -> _ReportArrays:
        if not self.parts:
            return (np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64), [], np.zeros(0, np.int64),
                    np.zeros(0, bool))
        keys, times, codes, sources, votes = (np.concatenate(column) for column in zip(*self.parts))
        return keys, times, codes, list(self.names), sources, votes


def _feed_parquet(paths: list[str], add: Callable[[_ReportArrays], None], *, strict: bool = False,
                  progress: Callable[[int, int, int, int], None] | None = None, **options: Any) -> dict[str, Any]:
    """Reads the reports of Parquet files batch by batch into `add` (a concatenation, or a
    bounded-memory builder's add_arrays); returns their stats over every batch. `strict`: a
    ValueError at the first bad row, naming its file and row. `progress(rows, bad, bytes_done,
    bytes_total)` is called after each batch (bytes estimated from the rows read of each file)."""
    sizes = [os.path.getsize(path) for path in paths]
    total_bytes, done_bytes = sum(sizes), 0
    stats = _empty_stats()
    for path, size in zip(paths, sizes):
        start_rows = stats["rows"]
        for arrays, batch_stats in _report_batches(path, **options):
            if strict and batch_stats["first_bad_rows"]:
                first = batch_stats["first_bad_rows"][0]
                raise ValueError(f"numrep: {first['file']}: row {first['row']}: {first['message']}")
            add(arrays)
            _add_stats(stats, batch_stats)
            if progress is not None:
                share = min((stats["rows"] - start_rows) / max(batch_stats["file_rows"], 1), 1.0)
                progress(stats["rows"], stats["bad"], done_bytes + int(size * share), total_bytes)
        if path not in stats["files"]:  # a file without rows still counts as read
            stats["files"].append(path)
        done_bytes += size
    if progress is not None:
        progress(stats["rows"], stats["bad"], total_bytes, total_bytes)
    return stats


def _read_parquet(paths: list[str], **options: Any) -> tuple[_ReportArrays, dict[str, Any]]:
    """The reports of Parquet files as one set of arrays, and their stats (see _feed_parquet)."""
    gathered = _Concatenation()
    stats = _feed_parquet(paths, gathered.add, **options)
    return gathered.arrays(), stats
