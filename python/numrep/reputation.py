"""numrep.ReputationDB: the compiled database (numrep._core.ReputationDB) with its Python-side
constructors and batch calls, as one class.

    db = numrep.ReputationDB.from_csv("reports.csv")                 # columns number,time,category
    db = numrep.ReputationDB.from_csv("ftc.csv", preset="ftc")
    db = numrep.ReputationDB.from_csv(path, number="Phone", time="Date", category="Kind")
    db = numrep.ReputationDB.from_frame(df)                           # same column names
    db = numrep.ReputationDB.open("reports.db")                       # a saved one, memory-mapped
    db.check("0912345678")                                            # Verdict
    db.check_many(keys_or_strings)                                    # dict of NumPy columns
    db.check_many(numbers, as_frame=True)                             # pandas DataFrame
"""

from __future__ import annotations

import collections.abc
import datetime
import math
import numbers
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Callable, Literal, TypeVar, Union, overload

import numpy as np
import numpy.typing as npt

from . import _core
from ._pandas import _arrow_view_type, _is_narrow_float, _narrow_float_of, _number_or_none, _without_arrow_views
from ._warnings import IntegerKeysWarning, LaterReportsWarning, warn_caller

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ReputationDB"]

# What the calls take (the bindings' conversion layer, python/src/convert.hpp, reads them).
PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
TimeLike = Union[datetime.datetime, datetime.date, np.datetime64, int, float, str]
NumbersLike = Union[npt.NDArray[Any], Iterable[Union[str, bytes, int, _core.PhoneNumber, None]]]
# One region for every number, or one per number (a list, a pandas Series or an Arrow column).
RegionsLike = Union[str, None, Sequence[Union[str, None]], "npt.NDArray[np.str_ | np.object_]"]
Columns = dict[str, npt.NDArray[Any]]
# Reports as the compiled builder takes them: keys (0: bad row), unix times, category codes into
# the names, source ids (0: none) and not-spam flags.
_ReportArrays = tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64], list[str],
                      npt.NDArray[np.int64], npt.NDArray[np.bool_]]
_Self = TypeVar("_Self", bound="ReputationDB")


class _Unset:
    """A default that each parameter's documentation spells out, where None means something else:
    an optional column's usual name (None: no such column), the database's region or the preset's
    (None: international forms only). Shown as <default> in signatures, for every such parameter
    (it was "<the usual column>" for regions too)."""

    def __repr__(self) -> str:
        return "<default>"


_UNSET = _Unset()


class ReputationDB(_core.ReputationDB):
    """Reported numbers and their records: a succinct trie snapshot behind a Bloom filter, plus a
    delta of reports added since. Make one with from_csv, from_frame or open; check numbers with
    check (one) and check_many (a batch; releases the GIL).

    The class is the compiled database (numrep._core.ReputationDB, its base) with the constructors
    and batch calls that are easier in Python; every constructor returns this class (or the
    subclass it is called on).
    """

    def __init__(self, db: _core.ReputationDB, *, ingest_stats: dict[str, Any] | None = None) -> None:
        """Take over `db`, a database from the compiled core (shared, not copied). from_csv,
        from_frame and open call this; `ingest_stats` are the counts of the rows it was built from."""
        super().__init__(db)
        self._ingest_stats: dict[str, Any] = db._csv_stats if ingest_stats is None else ingest_stats
        self._build_stats: dict[str, int] = {}
        # latest_report in unix seconds (-1: no reports) and the core's generation it is for
        self._latest: tuple[int, int] | None = None

    def _repr_html_(self) -> str:
        """The database in a notebook: numbers, reports, levels now and at the newest report, the
        stores' sizes and the settings (levels are left out above a few million numbers)."""
        from ._display import database_html

        return database_html(self)

    # ------------------------------------------------------------------------- constructors

    def save(self, path: PathLike, *, region: str | _Unset | None = _UNSET) -> None:
        """Save as a directory (the delta is compacted first): new store files, then one atomic
        rename of its MANIFEST. `region` sets the region saved with it, in which those who open it
        read national forms (None: international forms only); by default the one it was built with
        or opened from, or last given to save() (a region given to open() is that object's own and
        is not saved). Saving back to the directory it was opened from (by any path) is a
        RuntimeError when another object or process has published there since it opened it or
        last saved it there: those reports would be lost."""
        if isinstance(region, _Unset):
            super().save(path)
        else:
            self._save_with_region(path, region)  # the region saved only if the save is

    @classmethod
    def open(cls: type[_Self], path: PathLike, *, region: str | _Unset | None = _UNSET) -> _Self:
        """Open a saved database (a directory); its stores are memory-mapped. Checks read national
        forms in the region the database was built with (``db.region``; the ftc preset: "US"),
        unless `region` overrides it here (None: international forms only) or in a call; the
        override is this object's own, not saved with it (save(region=...) changes the saved one).
        After a crash it opens the last published state; a damaged or foreign directory is a
        FormatError naming the file, a path that is not there a FileNotFoundError."""
        if isinstance(region, _Unset):
            return cls(_core.ReputationDB._open(path, None, True))
        return cls(_core.ReputationDB._open(path, region, False))

    @classmethod
    def from_csv(
        cls: type[_Self],
        path: PathLike | Iterable[PathLike],
        *,
        preset: str | None = None,
        number: str | None = None,
        time: str | _Unset | None = _UNSET,
        category: str | _Unset | None = _UNSET,
        source: str | _Unset | None = _UNSET,
        not_spam: str | _Unset | None = _UNSET,
        delimiter: str | None = None,
        region: str | _Unset | None = _UNSET,
        strict: bool = False,
        rejects: PathLike | None = None,
        default_time: TimeLike | None = None,
        half_life_days: float = 90.0,
        progress: Callable[[int, int, int, int], None] | None = None,
    ) -> _Self:
        """Build a database from one or more CSV files of reports.

        Columns are found by header name: `number` (required), `time`, `category`, and `source`
        and `not_spam` when the header has them (a not_spam=yes row is a vote, not a report; a column
        named like one but not as written, such as "Not_Spam", is a ValueError); pass
        another name to map a column (``number="Phone"``; a named column must be there), or None to
        leave one out (``db.ingest_stats["ignored_columns"]`` lists header columns named like a field
        but not read). ``preset="ftc"`` reads the US FTC Do-Not-Call complaint files.
        The delimiter is detected unless given. Bad rows are counted by reason in
        ``db.ingest_stats`` (never dropped silently; its "first_bad_rows" give each one's "file" and
        "line"), written to `rejects` if given (the file appears once every input is read; it may
        not be an input), or raise at the first one with ``strict=True``. `progress(rows, bad,
        bytes_done, bytes_total)` is called as the files are read, counting over all of them.
        `region` reads national forms (DEFAULT_REGION unless a preset names one: "US" for ftc; an
        explicit region overrides the preset's). `default_time` (any time form) is the time of the
        reports whose time is missing (a bad time stays a bad row); `half_life_days` how fast a
        report's weight fades (docs/scoring.md).
        """
        if default_time is not None:
            _default_time_seconds(default_time)
        strict = _flag(strict, "strict")
        column = _csv_column
        db = _core.ReputationDB._from_csv(
            path, _preset_name(preset), _number_column(number), column("time", time), column("category", category),
            column("source", source), column("not_spam", not_spam), delimiter,
            _core.DEFAULT_REGION if isinstance(region, _Unset) else region,
            # Without an explicit region, a preset's own (ftc: US) holds.
            isinstance(region, _Unset) and preset is not None,
            strict, rejects, default_time, half_life_days, progress,
        )
        return cls(db)

    @classmethod
    def from_frame(cls: type[_Self], frame: Any, *, number: str = "number", time: str = "time",
                   category: str | None = "category", source: str | _Unset | None = _UNSET,
                   not_spam: str | _Unset | None = _UNSET, region: str | None = _core.DEFAULT_REGION,
                   default_time: TimeLike | None = None, half_life_days: float = 90.0) -> _Self:
        """Build a database from a pandas DataFrame, a pyarrow Table, or an iterable of dicts with
        the report fields; `number`, `time` and `category` name their columns (category=None leaves
        it out), `source` and `not_spam` are read when the frame has columns of those names (None
        leaves them out). `region` reads national forms (None: international forms only);
        `default_time` and `half_life_days` as in from_csv. Rows whose number does not parse or
        whose time is missing are counted by reason in ``db.ingest_stats``, not dropped silently."""
        arrays, stats = _report_arrays(_as_frame(frame), number=number, time=time, category=category, source=source,
                                       not_spam=not_spam, region=region, default_time=default_time)
        return cls(_core.ReputationDB._from_arrays(*arrays, half_life_days, region), ingest_stats=stats)

    @classmethod
    def from_parquet(cls: type[_Self], path: PathLike | Iterable[PathLike], *, number: str = "number",
                     time: str = "time", category: str | None = "category", source: str | _Unset | None = _UNSET,
                     not_spam: str | _Unset | None = _UNSET, region: str | None = _core.DEFAULT_REGION,
                     default_time: TimeLike | None = None, half_life_days: float = 90.0, strict: bool = False,
                     batch_rows: int = 65_536, progress: Callable[[int, int, int, int], None] | None = None) -> _Self:
        """Build a database from one or more Parquet files of reports (needs pyarrow). `path` is a
        path, a glob pattern (``"data/**/*.parquet"``; its matches sorted, and it must match
        something) or an iterable of them.

        Columns and their reading are from_frame's: `number`, `time` and `category` must be there
        unless left out (category=None), `source` and `not_spam` are read when the file has them,
        and any other name maps a field (``number="Phone"``; a missing one is a ValueError naming
        the file); `region`, `default_time` and `half_life_days` as in from_frame. Files are read
        `batch_rows` rows at a time, only the mapped columns. Bad rows
        are counted by reason over all files in ``db.ingest_stats``; its "first_bad_rows" give
        each one's "file" and "row" (the row's index in its file, from 0); ``strict=True`` raises
        at the first one instead. `progress(rows, bad, bytes_done, bytes_total)` is called after
        each batch, counting over all the files.
        """
        from ._ingest import _read_parquet, expand_inputs

        strict = _flag(strict, "strict")
        batch_rows = _whole_number(batch_rows, "batch_rows", " of rows")
        if batch_rows < 1:
            raise ValueError(f"numrep: batch_rows must be at least 1, got {batch_rows}")
        # A bad half-life or region is said before the files are read, not after (an empty build).
        _core.ReputationDB._from_arrays(np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64), [],
                                        np.zeros(0, np.int64), np.zeros(0, bool), half_life_days, region)
        arrays, stats = _read_parquet(expand_inputs(path), strict=strict, progress=progress, number=number, time=time,
                                      category=category, source=source, not_spam=not_spam, region=region,
                                      default_time=default_time, batch_rows=batch_rows)
        return cls(_core.ReputationDB._from_arrays(*arrays, half_life_days, region), ingest_stats=stats)

    @classmethod
    def build(cls: type[_Self], reports: Any, path: PathLike, *, memory: int | str | None = None,
              shards: int | None = None, preset: str | None = None, number: str | None = None,
              time: str | _Unset | None = _UNSET, category: str | _Unset | None = _UNSET,
              source: str | _Unset | None = _UNSET, not_spam: str | _Unset | None = _UNSET,
              delimiter: str | None = None, region: str | _Unset | None = _UNSET, strict: bool = False,
              rejects: PathLike | None = None, default_time: TimeLike | None = None, half_life_days: float = 90.0,
              bloom_fpr: float = 0.001, temp_dir: PathLike | None = None,
              progress: Callable[[int, int, int, int], None] | None = None) -> _Self:
        """Build a database straight into the directory `path` (crash-safe, as save), within a
        memory budget: `memory` ("4G", "512M" or bytes; None: no limit) bounds what the build holds,
        spilling sorted runs to `temp_dir` (default: next to `path`) and building one shard at a
        time; `shards` splits the numbers into that many key ranges of equal size (fewer when there
        are fewer numbers, more when the budget needs them). `reports`: CSV or Parquet files (paths
        or glob patterns; one kind per build), read as from_csv or from_parquet read them, or a
        DataFrame / Arrow table read as from_frame reads it. Returns the database opened from
        `path`; ``db.ingest_stats`` counts the rows and ``db.build_stats`` what the build did
        (numbers, shards, runs spilled). The columns and `preset`, `delimiter`, `region`, `strict`,
        `rejects`, `default_time` and `half_life_days` are from_csv's (for CSV files; from_parquet's
        or from_frame's for the others); `bloom_fpr` is the Bloom filter's false-positive rate
        (0.001: one never-reported number in a thousand goes on to the trie)."""
        budget = _memory_bytes(memory)
        shards = _shard_count(shards)
        strict = _flag(strict, "strict")
        if temp_dir is not None:
            # Inside a new output, the save found the folder the spill had made there ("will not
            # replace ...: neither empty nor a numrep database") after every report was read.
            _check_outside_output("the temporary folder", "temp_dir (--temp-dir)", temp_dir, path)
        builder = _core._Builder(path, half_life_days=half_life_days, bloom_fpr=bloom_fpr, memory=budget,
                                 shards=shards or 0, temp_dir=temp_dir)
        try:
            return cls._build_with(builder, reports, path, number=number, time=time, category=category,
                                   source=source, not_spam=not_spam, region=region, preset=preset, delimiter=delimiter,
                                   strict=strict, rejects=rejects, default_time=default_time, progress=progress)
        except BaseException:
            builder.close()  # its spill folder now: the traceback keeps the builder (a notebook keeps that)
            raise

    @classmethod
    def _build_with(cls: type[_Self], builder: _core._Builder, reports: Any, path: PathLike, *, number: str | None,
                    time: str | _Unset | None, category: str | _Unset | None, source: str | _Unset | None,
                    not_spam: str | _Unset | None, region: str | _Unset | None, preset: str | None,
                    delimiter: str | None, strict: bool, rejects: PathLike | None, default_time: TimeLike | None,
                    progress: Callable[[int, int, int, int], None] | None) -> _Self:
        """build's reading and publishing, into `builder`."""
        from ._ingest import _feed_parquet, report_files

        if rejects is not None:
            _check_rejects_apart(rejects, path)

        read_in: str | None
        frame_time = "time" if isinstance(time, _Unset) else time
        # Any source may leave the time out when default_time gives every report one (the CSV
        # reader checks for itself).
        no_time = ValueError(_NO_TIME_COLUMN)
        if default_time is not None:
            _default_time_seconds(default_time)
        files = report_files(reports, preset=preset, delimiter=delimiter, rejects=rejects)
        if files is not None:
            paths, kind = files
            if kind == "parquet":
                if frame_time is None and default_time is None:
                    raise no_time
                read_in = _core.DEFAULT_REGION if isinstance(region, _Unset) else region
                stats = _feed_parquet(
                    paths, lambda arrays: builder.add_arrays(*arrays), strict=strict, progress=progress,
                    number=number or "number", time=frame_time,
                    category="category" if isinstance(category, _Unset) else category, source=source,
                    not_spam=not_spam, region=read_in, default_time=default_time)
            else:
                column = _csv_column
                stats, read_in = builder.add_csv(
                    paths, _preset_name(preset), _number_column(number), column("time", time),
                    column("category", category),
                    column("source", source), column("not_spam", not_spam), delimiter,
                    _core.DEFAULT_REGION if isinstance(region, _Unset) else region,
                    isinstance(region, _Unset) and preset is not None, strict, rejects, default_time, progress)
        else:
            if frame_time is None and default_time is None:
                raise no_time
            read_in = _core.DEFAULT_REGION if isinstance(region, _Unset) else region
            arrays, stats = _report_arrays(
                _as_frame(reports), number="number" if number is None else number, time=frame_time,
                category="category" if isinstance(category, _Unset) else category, source=source, not_spam=not_spam,
                region=read_in, default_time=default_time)
            builder.add_arrays(*arrays)
        summary = builder.finish(read_in)
        db = cls(_core.ReputationDB._open(path, None, True), ingest_stats=stats)
        db._build_stats = summary
        return db

    @property
    def build_stats(self) -> dict[str, Any]:
        """What ReputationDB.build did: numbers, shards, runs spilled and bytes spilled ({} otherwise)."""
        return self._build_stats

    # ------------------------------------------------------------------------- reports and checks

    @property
    def ingest_stats(self) -> dict[str, Any]:
        """Counts of the rows the database was built from: good, bad by reason, the first bad rows."""
        return self._ingest_stats

    def add_reports(self, frame: Any, *, number: str = "number", time: str = "time", category: str | None = "category",
                    source: str | _Unset | None = _UNSET, not_spam: str | _Unset | None = _UNSET,
                    region: str | _Unset | None = _UNSET, default_time: TimeLike | None = None) -> dict[str, Any]:
        """Add reports that arrived after the build (a DataFrame, an Arrow table or an iterable of
        dicts with the report fields); they are visible to check() at once and folded in by
        compact(). The columns and `default_time` are from_frame's; national forms are read in
        ``db.region`` unless `region` says otherwise. Returns the counts of good and bad rows."""
        arrays, stats = _report_arrays(_as_frame(frame), number=number, time=time, category=category, source=source,
                                       not_spam=not_spam, region=self._region_or_own(region),
                                       default_time=default_time)
        self._add_arrays(*arrays)
        return stats

    def __contains__(self, number: object) -> bool:
        """``number in db``: whether the database holds a record of the number (reports, or
        not-spam votes alone), as ``check(number).reported`` says. A str in national form is read
        in ``db.region``, an int is a key; a text that does not parse raises ParseError and
        anything else TypeError, as the stores' ``in`` does."""
        # Any integer (a NumPy key from keys() or parse_many too), not a bool.
        if not isinstance(number, (str, numbers.Integral, _core.PhoneNumber)) or isinstance(number, (bool, np.bool_)):
            raise TypeError("numrep: expected a phone number as str, int key or PhoneNumber, got "
                            f"{type(number).__name__}")
        return bool(self.check(int(number) if isinstance(number, numbers.Integral) else number).reported)

    @property
    def latest_report(self) -> datetime.datetime | None:
        """The time of the newest report in the database (UTC), None when it holds none: the
        ``now`` that ``now="latest"`` stands for. Found by reading every record (a pass over the
        numbers, about as long as check_many on all of them), then remembered until reports are
        added."""
        # Remembered for the database's contents as they were, which the core's generation names
        # (another wrapper of the same core, ReputationDB(db), may add reports; sizes cannot tell:
        # reports for numbers already held, then a compaction, leave both as they were).
        state = self._generation
        if self._latest is None or self._latest[0] != state:
            # One pass over one state of the records (two passes, keys then their verdicts, could
            # each see another state beside a writer, and gave times no state had).
            self._latest = (state, super()._latest_report_seconds())
        if self._latest[1] < 0:
            return None
        return datetime.datetime.fromtimestamp(self._latest[1], datetime.timezone.utc)

    def _now(self, now: TimeLike | None) -> TimeLike | None:
        """`now` as a time: "latest" becomes the newest report's time (numrep.dask fixes the time
        of every partition so, when its graph is made)."""
        if self._now_for_core(now) == "latest":
            latest = self.latest_report
            if latest is None:
                raise ValueError('numrep: now="latest" needs a report in the database, and it has none')
            return latest
        return now

    def _now_for_core(self, now: TimeLike | None) -> TimeLike | None:
        """`now` as the compiled check and _check_many take it: "latest" in any case and spacing as
        the str "latest", which they read in the state their verdicts come from."""
        if isinstance(now, str) and now.strip().lower() == "latest":
            return "latest"
        return now

    @overload
    def _region_or_own(self, region: str | _Unset | None) -> str | None: ...

    @overload
    def _region_or_own(self, region: RegionsLike | _Unset) -> RegionsLike: ...

    def _region_or_own(self, region: RegionsLike | _Unset) -> RegionsLike:
        """An explicit region (None: international forms only), or the database's own."""
        return self.region if isinstance(region, _Unset) else region

    def check(self, number: str | int | _core.PhoneNumber, now: TimeLike | None = None,
              region: str | _Unset | None = _UNSET) -> _core.Verdict:
        """The verdict on one number (str, int key or PhoneNumber) as of `now`: a datetime, date,
        numpy.datetime64, pandas.Timestamp, unix seconds, an ISO 8601 str, or "latest" (the newest
        report's time, for historical data); default: the current time. The verdict's ``as_of``
        says which time it is. National forms are read in ``db.region`` (the region the database
        was built with) unless `region` says otherwise. A number reported after a `now` you give
        gets a verdict that counts those reports too (``includes_later_reports``), with a
        LaterReportsWarning."""
        read_in = self._region_or_own(region)
        verdict = super().check(number, self._now_for_core(now), read_in)
        if not verdict.valid and _is_signed_int(number) and isinstance(read_in, str):
            _warn_of_integer_keys([number], np.zeros(1, dtype=np.intp), read_in, "check")
        if now is not None and verdict.includes_later_reports:
            _warn_of_later_reports(1, verdict.as_of_seconds)
        return verdict

    @overload
    def check_many(self, numbers: NumbersLike, *, now: TimeLike | None = None, region: RegionsLike | _Unset = ...,
                   as_frame: Literal[False] = False) -> Columns: ...

    @overload
    def check_many(self, numbers: NumbersLike, *, now: TimeLike | None = None, region: RegionsLike | _Unset = ...,
                   as_frame: Literal[True]) -> pd.DataFrame: ...

    @overload
    def check_many(self, numbers: NumbersLike, *, now: TimeLike | None = None, region: RegionsLike | _Unset = ...,
                   as_frame: bool) -> Columns | pd.DataFrame: ...

    def check_many(self, numbers: NumbersLike, *, now: TimeLike | None = None,
                   region: RegionsLike | _Unset = _UNSET, as_frame: bool = False) -> Columns | pd.DataFrame:
        """Verdicts for many numbers: strings are parsed (0 where they do not parse), integer arrays
        are keys. Returns a dict of NumPy columns (level and type as codes into LEVEL_NAMES and
        TYPE_NAMES, carrier into carrier_names(), region (the area) into region_names(), region_code into
        region_codes(), as lookup_many gives them; counts as an (n, 8)
        array in CATEGORY_NAMES order), or a pandas DataFrame with readable columns when
        as_frame=True (its ``attrs["as_of"]`` holds the time the verdicts are as of; from a pandas
        Series, its index is the Series' index, so that it aligns with the Series' frame). `now` takes
        what check's does, "latest" included. National forms are read in ``db.region`` unless
        `region` says otherwise. Arrow, polars and Arrow-backed pandas columns of strings are read
        in place. Releases the GIL. Numbers reported after a `now` you give get verdicts that
        count those reports too (their last_seen is later than now), with a LaterReportsWarning
        that counts them."""
        as_frame = _flag(as_frame, "as_frame")  # "no" is truthy: it asked for a frame
        # One conversion of the numbers for every call (the bindings' keys): integer keys as they are
        # (a negative one is a ValueError naming it and its index), strings parsed, 0 where they do not.
        columns, as_of_seconds, later = self._verdict_columns(numbers, now, region)
        read_in = self._region_or_own(region)
        if isinstance(read_in, str):  # (with none, or one per row, an int has one reading)
            invalid = np.flatnonzero(~columns["valid"].astype(bool) & (columns["key"] != 0))
            if len(invalid):
                _warn_of_integer_keys(numbers, invalid, read_in, "check_many")
        # Not at the current time (now=None): reports stamped a little ahead of this machine's
        # clock are common (ingestion takes them up to a day ahead), and their verdicts are right.
        if later and now is not None:
            mask = (columns["last_seen"] > as_of_seconds) & (columns["reports"] > 0)  # (a now before 1970)
            _warn_of_later_reports(len(np.unique(columns["key"][mask])), as_of_seconds)
        if not as_frame:
            return columns
        frame = _verdict_frame(columns)
        # A pandas Series' rows keep their labels: assigned back to its frame (`df["level"] =
        # db.check_many(df["caller"], as_frame=True)["level"]`), a fresh 0..n-1 index aligned the
        # verdicts with other rows wherever the frame's labels were not 0..n-1 in order.
        index = _pandas_index(numbers)
        if index is not None:
            frame.index = index
        frame.attrs["as_of"] = datetime.datetime.fromtimestamp(as_of_seconds, datetime.timezone.utc)
        return frame

    def _verdict_columns(self, numbers: NumbersLike, now: TimeLike | None,
                         region: RegionsLike | _Unset) -> tuple[Columns, int, int]:
        """check_many's columns, the unix seconds they are as of, and how many rows have a number
        reported after then; no warning (numrep.dask's partitions call this)."""
        as_of = self._now_for_core(now)
        if as_of is None:  # one time for every number, stated in the frame
            as_of = datetime.datetime.now(datetime.timezone.utc)
        columns, later, as_of_seconds = self._check_many(numbers, as_of, self._region_or_own(region))
        return columns, as_of_seconds, later


def _is_signed_int(value: Any) -> bool:
    """A Python int or a NumPy signed integer (not a bool, not a PhoneNumber): what reading a file
    of numbers as numbers gives; unsigned ones are keys, as numrep returns them."""
    return (isinstance(value, (int, np.signedinteger)) and not isinstance(value, (bool, np.bool_)))


def _signed_int_values(numbers: Any) -> Any:
    """The values of a batch that may hold signed ints, indexable by row (a list, an object or
    signed integer array): a list or tuple, a NumPy object or signed integer array, a pandas,
    pyarrow or polars column of signed integers (nulls as 0) or of objects. None for anything else
    (strings, unsigned keys, floats): no copy of a column of strings is made."""
    if isinstance(numbers, (list, tuple)):
        return numbers
    if isinstance(numbers, np.ndarray):
        return numbers if numbers.ndim == 1 and numbers.dtype.kind in "iO" else None
    module = type(numbers).__module__.split(".")[0]
    dtype = getattr(numbers, "dtype", None)
    if module == "pandas":
        import pandas as pd

        if _arrow_view_type(dtype) is not None:  # text: pandas' dtype tests raise NotImplementedError for views
            return None
        if pd.api.types.is_signed_integer_dtype(dtype):
            return numbers.to_numpy(dtype=np.int64, na_value=0)
        if isinstance(dtype, pd.CategoricalDtype):  # read one object at a time, as check_many reads it
            categories = dtype.categories
            has_ints = categories.dtype.kind == "i" or (
                categories.dtype == object and any(_is_signed_int(c) for c in categories))
            return numbers.astype(object).to_numpy() if has_ints else None
        return numbers.to_numpy() if pd.api.types.is_object_dtype(dtype) else None  # an object column's own array
    if module == "pyarrow":
        import pyarrow as pa

        return numbers.fill_null(0).to_numpy() if pa.types.is_signed_integer(numbers.type) else None
    if module == "polars":
        return numbers.fill_null(0).to_numpy() if dtype is not None and dtype.is_signed_integer() else None
    return None


_MAX_KEY = 999_999_999_999_999  # the largest E.164 key: 15 digits
# Rows of invalid keys looked at for ints, and ints read by the integer rule, at most: enough for
# the warning's example and a proportion, at a cost that does not grow with the batch.
_INTEGER_ROWS_LOOKED_AT = 10_000
_INTEGERS_READ = 1_000


def _warn_of_integer_keys(numbers: Any, invalid: np.ndarray, region: str, call: str) -> None:
    """check and check_many take an int as an E.164 key. Warns when ints given to them (at
    `invalid`, the rows whose key is no valid number) are valid numbers by the integer rule in
    `region` (numbers that lost their leading zeros, as pd.read_csv makes them): their verdicts,
    the keys', are most likely not of the numbers meant. Answers are not changed (an int is a
    key, as documented). Looks at a bounded sample of the rows, so the cost is a few ms at most."""
    values = _signed_int_values(numbers)
    if values is None:
        return
    rows = invalid[:_INTEGER_ROWS_LOOKED_AT]
    if isinstance(values, np.ndarray) and values.dtype.kind == "i":
        picked = values[rows]
        ints = picked[(picked > 0) & (picked <= _MAX_KEY)][:_INTEGERS_READ].tolist()
    else:
        ints = [int(v) for v in (values[i] for i in rows.tolist()) if _is_signed_int(v) and 0 < v <= _MAX_KEY]
        ints = ints[:_INTEGERS_READ]
    if not ints:
        return
    readings = np.asarray(_core.parse_many(ints, region=region)).tolist()
    meant = [(v, r) for v, r in zip(ints, readings) if r and r != v]
    if not meant:
        return
    value, key = meant[0]
    example = f"{value}: the key +{value}, the number +{key}"
    if call == "check":
        what = (f"the int {value} as an E.164 key, which is no valid number, though as a number of {region} that "
                f"lost its leading zeros it is ({example}), and judged the key")
    else:
        what = (f"ints as E.164 keys that are no valid number, though as numbers of {region} that lost their "
                f"leading zeros they are ({len(meant):,} of the {len(ints):,} such ints looked at; such as "
                f"{example}), and judged the keys")
    warn_caller(f"numrep: {call} took {what}. Give the numbers as text (pd.read_csv(..., dtype=str)), or parse "
                "them first (numrep.parse_many(list_of_ints, region=...), or Series.numrep.check(db)).",
                IntegerKeysWarning, varies=True)


def _warn_of_later_reports(numbers: int, as_of_seconds: int) -> None:
    """Verdicts as of a time before some of their numbers' reports count those reports too: a
    record keeps totals and its first and last report, not each report's time."""
    when = datetime.datetime.fromtimestamp(as_of_seconds, datetime.timezone.utc).isoformat(timespec="seconds")
    who, whose = ("1 number was", "its verdict counts") if numbers == 1 else (f"{numbers:,} numbers were",
                                                                              "their verdicts count")
    warn_caller(f"numrep: {who} reported after now ({when}), and {whose} those reports as if they had come by "
                "then: a database keeps each number's totals, not each report's time. Judge at or after the last "
                "report (now=\"latest\" is the newest report's time), or build a database of the reports up to "
                "now.", LaterReportsWarning, varies=True)


def newest_report_seconds(columns: Columns) -> int:
    """The newest report's unix seconds among check_many's columns (at any `now`: last_seen does
    not decay), -1 when none of the numbers has a report with a time (vote-only numbers)."""
    seen = columns["last_seen"][columns["reports"] > 0]
    return int(seen.max()) if len(seen) else -1


def _flag(value: bool, name: str) -> bool:
    """A True-or-False argument (numpy.bool_ too): any truthy value was taken as True."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"numrep: {name} must be True or False, got {type(value).__name__} {value!r}")


def _str_or_none(value: object, name: str, what: str = "a column name") -> str | None:
    """`value` unless it is neither a str nor None: then a TypeError naming `name` (the compiled
    reader's binding said "Unable to cast ... to C++ type '?'")."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"numrep: {name} must be {what} (str) or None, got {type(value).__name__} {value!r}")
    return value


def _preset_name(value: str | None) -> str | None:
    """A CSV preset's name, or None."""
    return _str_or_none(value, "preset", "a preset's name")


def _header_name(value: str, name: str, if_empty: str) -> str:
    """A CSV column's name as the reader matches it: trimmed of ASCII blanks as the header's cells
    are (" Phone " was "no column" beside a header that has "Phone"); an empty one refused,
    saying `if_empty`."""
    trimmed = value.strip(" \t\r\n")
    if trimmed == "":
        raise ValueError(f"numrep: the {name} column name is empty ({if_empty})")
    return trimmed


def _number_column(value: str | None) -> str | None:
    """The CSV reader's number column: None for the default (or the preset's), else a name."""
    _str_or_none(value, "number")
    # None is no way out here: it reads the default column, and every report needs its number.
    return None if value is None else _header_name(value, "number", 'every report needs its number; None reads '
                                                                    'the column "number"')


def _csv_column(name: str, value: str | _Unset | None) -> str | None:
    """A column argument in the compiled CSV reader's protocol: None keeps the default (or the
    preset's) mapping, "" leaves the field out, a name maps it (and must be in the header)."""
    if isinstance(value, _Unset):
        return None
    _str_or_none(value, name)
    return "" if value is None else _header_name(value, name, f"pass None to leave it out; on the command line, "
                                                             f"--{name.replace('_', '-')} ''")


def _whole_number(value: Any, name: str, unit: str = "") -> int:
    """An int argument (NumPy's too), never a bool or a float: 2.5 and True were taken."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"numrep: {name} must be a whole number{unit}, got {type(value).__name__} {value!r}")
    return int(value)


def _shard_count(shards: int | None) -> int | None:
    """A build's shard count, None for the default: a whole number from 1 to 16384 (2.5 was taken
    by a Dask build, True as 1, and "x" failed inside a comparison)."""
    if shards is None:
        return None
    shards = _whole_number(shards, "shards")
    if not 1 <= shards <= 16384:
        raise ValueError(f"numrep: shards must be from 1 to 16384, got {shards}")
    return shards


_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50}


def _memory_bytes(memory: int | str | None) -> int:
    """A memory budget in bytes (0: no limit) from bytes or "4G", "512M", "1.5G", "64K"."""
    if memory is None:
        return 0
    if isinstance(memory, str):
        text = memory.strip().upper().removesuffix("IB").removesuffix("B")
        unit = text[-1:] if text[-1:] in _SIZE_UNITS else ""
        try:
            value = float(text[:len(text) - len(unit)])
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ValueError(f"numrep: memory {memory!r} is not a size (e.g. 4G, 512M, 1.5G)")
        size = value * _SIZE_UNITS[unit]
    elif isinstance(memory, int) and not isinstance(memory, bool):
        size = memory
    else:
        raise TypeError(f"numrep: memory must be a size such as '4G' or a number of bytes, got {memory!r}")
    if size < 16 << 20:
        raise ValueError(f"numrep: a memory budget of {memory!r} is below the 16M a build needs")
    if size > 1 << 50:
        raise ValueError(f"numrep: a memory budget of {memory!r} is beyond any machine (at most 1P)")
    return int(size)


def _check_rejects_apart(rejects: PathLike, output: PathLike) -> None:
    """Refuse, before any report is read, a rejects file that cannot be written, or one at the
    database's path or inside it: the save replaces that directory, so it failed on the rejects
    file after the whole ingest, or dropped the file with the old database; and a rejects file in
    a missing or read-only folder failed after the whole ingest too, saving nothing."""
    _check_outside_output("the rejects file", "the rejects", rejects, output)
    where = os.path.realpath(os.fsdecode(rejects))
    folder = os.path.dirname(where)
    problem = ("is a directory" if os.path.isdir(where) else
               "its folder does not exist" if not os.path.isdir(folder) else folder_write_problem(folder))
    if problem is not None:
        raise ValueError(f"numrep: cannot write the rejects file {os.fsdecode(rejects)}: {problem}")


def _check_outside_output(what: str, option: str, given: PathLike, output: PathLike) -> None:
    """Refuse, before any report is read, a path at the database's path or inside it (`what`,
    given by `option`): the save replaces that directory."""
    where, out = os.path.realpath(os.fsdecode(given)), os.path.realpath(os.fsdecode(output))
    if where == out or where.startswith(out.rstrip(os.sep) + os.sep):
        raise ValueError(f"numrep: {what} {os.fsdecode(given)} is at or inside the database {os.fsdecode(output)}, "
                         f"which the build replaces: give {option} another path")


def folder_write_problem(folder: str) -> str | None:
    """Why no file can be made in `folder` (the system's words), or None: a file is made and
    removed, which is what permissions, read-only disks and full inodes all answer to."""
    import tempfile

    try:
        probe, name = tempfile.mkstemp(prefix=".numrep-write-test-", dir=folder)
    except OSError as error:
        return error.strerror or str(error)
    os.close(probe)
    os.unlink(name)
    return None


_NO_TIME_COLUMN = ("numrep: time=None leaves the report time out: give default_time, the time of every report "
                   "(in the command line: --time '' with --default-time ISO)")


def _for_time_reader(value: Any, column: str) -> Any:
    """An object of a time column as the time reader (via its text) reads it as now= does: a
    datetime as one in whole minutes of offset, a numpy.datetime64 as ISO 8601 text, a float as
    a float64 column reads it; anything else as it is."""
    if isinstance(value, datetime.datetime):
        return _in_whole_minutes(value)
    if isinstance(value, np.datetime64):
        return _datetime64_text(value)
    if isinstance(value, (float, np.floating)):
        return _float_time_text(value, column)
    return value


def _float_time_text(value: float | np.floating[Any], column: str) -> Any:
    """A float among the objects of a time column as the text of the second a float64 column
    holds it for (floored, and clipped as there): its own text was no time to the reader when
    in exponent form ("5e-05", "1e+16"). A float32 (or float16) refused as in a float32 column;
    NaN and infinities left as they are (missing, and a bad time, as in a float column)."""
    if _is_narrow_float(value):
        raise TypeError(f"numrep: time column {column!r} holds a {type(value).__name__} value ({value!r}), which "
                        "cannot hold unix seconds to the second: give the times as int64, float64 or datetimes")
    seconds = float(value)
    if not math.isfinite(seconds):
        return value
    return str(math.floor(min(max(seconds, -2.0**62), 2.0**62)))


def _in_whole_minutes(value: datetime.datetime) -> datetime.datetime:
    """A datetime whose UTC offset has seconds (Africa/Monrovia's -0:44:30 until 1972) as the same
    instant in UTC: its text ("...-00:44:30") is no ISO 8601 the time reader takes, while now= takes
    the datetime itself."""
    if value.tzinfo is not None:
        offset = value.utcoffset()
        if offset is not None and (offset.seconds % 60 != 0 or offset.microseconds != 0):
            return value.astimezone(datetime.timezone.utc)
    return value


def _datetime64_text(value: np.datetime64) -> str | None:
    """A numpy.datetime64 of any unit as ISO 8601 text (None for NaT, a text that is no time for
    one out of range): pandas refused an object column holding one of a multiplied unit
    (numpy.datetime64(171007200, "10s")), NaT too, with an error that named nothing."""
    if np.isnat(value):
        return None
    try:
        seconds = _core._unix_time(value, "time")
    except ValueError:
        return "out of range"  # a bad time, as the text of one is
    when = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    return f"{when.year:04d}-{when.month:02d}-{when.day:02d}T{when.hour:02d}:{when.minute:02d}:{when.second:02d}Z"


def _text(values: Any) -> Any:
    """A column as pandas strings. Bytes (a Parquet binary column) are UTF-8, and a value that is
    not has its bad bytes as \\xNN escapes, as from_csv shows them, where astype("string") raised
    a UnicodeDecodeError that named neither the file nor the column."""
    try:
        return values.astype("string")
    except UnicodeDecodeError:
        return values.map(lambda v: v.decode("utf-8", "backslashreplace") if isinstance(v, bytes) else v,
                          na_action="ignore").astype("string")
    except UnicodeEncodeError:
        # A str with lone surrogates (bytes that were no UTF-8), which a string dtype cannot hold:
        # kept as it is, for the readers to find (a bad number or time, a source hashed from the
        # bytes it stands for); every other value as astype("string") gives it (an int as its digits).
        import pandas as pd

        def text(v: Any) -> Any:
            if isinstance(v, str) or (pd.api.types.is_scalar(v) and pd.isna(v)):
                return v
            return v.decode("utf-8", "backslashreplace") if isinstance(v, bytes) else str(v)

        # A Series of objects as given (Series.map would infer pandas' string dtype, which refuses them).
        return pd.Series([text(v) for v in values.tolist()], dtype=object, index=values.index)


def _column_codes(values: Any) -> tuple[np.ndarray, list[str]]:
    """Integer codes and the names they stand for; missing values get -1. Names are written as a
    CSV file has them: in a float column (integers with gaps, as pandas and Arrow give them) a
    whole number is named 17, not 17.0. Value by value: when it was decided for the whole column,
    a 17.5 in one batch or partition made its 17.0 "17.0", "17" in the others, and one source
    counted as two."""
    import pandas as pd  # only from_frame needs pandas

    series = pd.Series(values)
    if pd.api.types.is_float_dtype(series.dtype):
        categorical = pd.Categorical(series)  # each distinct value named once
        numbers = pd.Series(categorical.categories)
        whole = (numbers == np.floor(numbers)) & (numbers.abs() < 2**53)
        names = _text(numbers.astype("object"))
        names[whole] = _text(numbers[whole].astype("int64").astype("object"))
        return np.asarray(categorical.codes, dtype=np.int64), [str(name) for name in names]
    categorical = pd.Categorical(_text(series.astype("object")))
    return np.asarray(categorical.codes, dtype=np.int64), [str(c) for c in categorical.categories]


def _source_ids(values: Any) -> np.ndarray:
    """numrep::source_id of each row's source name, 0 where it has none: a hash of the name, so
    that a source has one id in every file, batch and process, as in from_csv. Each distinct name
    is hashed once."""
    codes, names = _column_codes(values)
    ids = np.zeros(len(names) + 1, dtype=np.int64)  # ids[0]: a missing name
    ids[1:] = _core._source_ids(names)
    sources: np.ndarray = ids[codes + 1]
    return sources


def _flags(column: Any) -> tuple[np.ndarray, np.ndarray]:
    """Not-spam flags and which rows are not flags, with the CSV reader's vocabulary (empty,
    0/1, true/false, yes/no, y/n, t/f in any case); booleans and 0/1 numbers pass through."""
    import pandas as pd

    values = pd.Series(column)
    if values.dtype == bool:
        return values.to_numpy(), np.zeros(len(values), dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype):  # 1.0 / 0.0 from float columns read as 1 / 0
        values = values.map(lambda v: v if pd.isna(v) else str(int(v)) if float(v).is_integer() else str(v))
    text = _text(values).fillna("").astype(object).tolist()
    flags, bad = _core._parse_flags(text)  # the CSV reader's words (empty, 0/1, true/false, yes/no, y/n, t/f)
    return flags.astype(bool), bad


def _cell_text(cell: Any) -> str:
    """A cell as a message shows it: a bytes cell (a binary column) as its text, invalid bytes as
    the CSV reader shows them (surrogate escapes, which _quote writes as \\xff), not as "b'...'"."""
    return cell.decode("utf-8", "surrogateescape") if isinstance(cell, (bytes, bytearray)) else str(cell)


def _unix_times(column: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Unix seconds of a time column and which rows have no valid time. Numbers (and strings
    of digits) are unix seconds, as in CSV files; everything else is parsed as a date/time,
    naive ones as UTC."""
    import pandas as pd

    values = pd.Series(column)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        if "decimal" in str(values.dtype):
            # Arrow decimals as doubles first: pandas' to_numeric dropped their nulls and then
            # failed on the lengths ("Length of values (1) does not match length of index (2)").
            values = values.astype("float64[pyarrow]")
        seconds = pd.to_numeric(values, errors="coerce")
        bad = seconds.isna().to_numpy().copy()
        numbers = seconds.fillna(0).to_numpy(dtype=np.float64)
        # Beyond int64 (1e30, inf, a uint64 of 2**63 + 5): cast, they wrapped around into "before
        # 1970" with a NumPy RuntimeWarning; clipped, they are far in the future or the past.
        finite = np.isfinite(numbers)
        bad |= ~finite
        numbers = np.where(finite, np.clip(numbers, -2.0**62, 2.0**62), 0.0)
        # Floored to the second (-1.5 is -2), as from_csv reads "-1.5" and every other time form.
        numbers = np.floor(numbers)
        # 8 and 14 digits are YYYYMMDD[hhmmss], as from_csv reads them (20210707 was 1970-08-23),
        # with a fraction too (20210707.0, "20210707.0" in a CSV file).
        dated = np.flatnonzero(~bad & (((numbers >= 1e7) & (numbers < 1e8)) | ((numbers >= 1e13) & (numbers < 1e14))))
        out = np.where(bad, 0, numbers).astype(np.int64)
        if len(dated):
            parsed, not_dates = _core._parse_times([str(int(v)) for v in numbers[dated]])
            out[dated] = parsed
            bad[dated] = not_dates
        return out, bad
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = pd.to_datetime(values, utc=True)
    else:
        # Texts are read by the CSV reader's own parser (ISO 8601 or unix seconds), so that a row
        # means the same in from_frame and from_csv: "07/07/2021" is a bad time in both.
        # Datetimes among the objects (a C-level pass finds out; a Python call per row of a
        # column of strings cost a third of reading it).
        if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty", "bytes"):
            # Every value, missing ones too: pandas skips what it sees as missing, and then failed
            # on a NaT of a multiplied unit when putting it back.
            values = values.map(lambda v: _for_time_reader(v, name))
        texts = _text(values).astype(object).where(values.notna(), None).tolist()
        return _core._parse_times(texts)
    bad = parsed.isna().to_numpy()
    seconds = parsed.to_numpy(dtype="datetime64[s]", na_value=np.datetime64(0, "s")).astype(np.int64)
    return np.where(bad, 0, seconds), bad


def _refuse_narrow_float_times(column: Any, name: str) -> None:
    """A float32 (or float16) column keeps 24 bits (11): today's unix seconds in steps of 128, so
    every report would move by up to a minute. Refused, as float32 columns of numbers are; and so
    is a complex column (pandas counts it as numbers, and its imaginary parts went unread)."""
    narrow = _narrow_float_of(column.dtype)
    if narrow is not None:
        with np.errstate(over="ignore"):
            rounded = float(np.float64(1710072000).astype(narrow))
        # float16 cannot hold it at all (its largest is 65504): int() of its infinity raised OverflowError.
        becomes = f"rounds 1710072000 to {int(rounded)}" if math.isfinite(rounded) else "cannot hold 1710072000"
        raise TypeError(f"numrep: time column {name!r} is {column.dtype}, which cannot hold unix seconds to the "
                        f"second ({narrow.name} {becomes}): give the times as int64, float64 or datetimes")
    dtype = getattr(column.dtype, "numpy_dtype", column.dtype)  # pandas' Float64, an Arrow float
    if isinstance(dtype, np.dtype) and dtype.kind == "c":  # pandas counts complex as numeric: read by its real part
        raise TypeError(f"numrep: time column {name!r} is {column.dtype}: give the times as int64, float64 or "
                        "datetimes")


def _default_time_seconds(default_time: TimeLike) -> int:
    """default_time in unix seconds, refused (naming it as given: the C++ reader's message named
    the seconds) unless a report can carry it."""
    import time as _time

    seconds = _core._unix_time(default_time, "default_time")
    if seconds > int(_time.time()) + 86400 and seconds <= _LATEST_STORABLE_TIME:
        raise ValueError(f"numrep: default_time {default_time!r} is in the future (later than a day from now): "
                         "reports dated then would outweigh every real one")
    if not 0 <= seconds <= _LATEST_STORABLE_TIME:
        raise ValueError(f"numrep: default_time {default_time!r} is outside 1970-01-01 .. 2106-02-07 06:28:15 "
                         "UTC, the times a report can carry")
    return seconds


_FIELD_NAMES = ("number", "time", "category", "source", "not_spam")
# The last time a report can carry: records keep unix seconds in 32 bits (2106-02-07 06:28:15).
_LATEST_STORABLE_TIME = 0xFFFFFFFF


def _optional_column(columns: Any, field: str, where: str = "", taken: Any = ()) -> str | None:
    """The column of an optional field (source, not_spam) left to its default name, among
    `columns` (a frame's or a file's, named in messages by `where`): that name if there, else
    None; a column named like it but not as written ("Not_Spam") is an error, as the CSV reader
    says, rather than left out (its votes would count as reports), unless it is read as another
    field (`taken`: number="Source" in a file of calls)."""
    if field in columns:
        return field
    for name in columns:
        if name in taken:
            continue
        # As the CSV reader compares them (its own rule).
        if isinstance(name, str) and _core._loose_column_name(name) == _core._loose_column_name(field):
            raise ValueError(f"numrep: {where}column {name!r} is named like the {field} field, which is read only by "
                             f"its exact name: pass {field}={name!r} to read it, or {field}=None to leave it out")
    return None


def _escaped_surrogates(value: Any) -> Any:
    """A str with lone surrogates (what "surrogateescape" decoding leaves of bytes that are not
    UTF-8) as the bytes they stand for, shown as \\xNN escapes, as from_csv shows such bytes in
    names and messages; anything else as it is."""
    if not isinstance(value, str):
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        try:
            data = value.encode("utf-8", "surrogateescape")  # U+DC80..U+DCFF: the bytes they stand for
        except UnicodeEncodeError:
            data = value.encode("utf-8", "surrogatepass")
        return data.decode("utf-8", "backslashreplace")


def _report_arrays(frame: Any, *, number: str, time: str | None, category: str | None, source: str | _Unset | None,
                   not_spam: str | _Unset | None, region: str | None,
                   default_time: TimeLike | None) -> tuple[_ReportArrays, dict[str, Any]]:
    if time is None and default_time is None:  # from_frame(time=None) was a bare KeyError: None
        raise ValueError(_NO_TIME_COLUMN)
    if number is None:  # was a bare KeyError: None
        raise ValueError("numrep: number must name the column of numbers (every report needs one)")
    for field, name in (("number", number), ("time", time), ("category", category), ("source", source),
                        ("not_spam", not_spam)):
        # A list, array or frame is no column label (pandas' errors named neither the field nor it).
        if not isinstance(name, (_Unset, collections.abc.Hashable)):
            raise TypeError(f"numrep: {field} must be a column name, got {type(name).__name__}")
    frame = _without_arrow_views(frame)
    if len(frame.columns) == 0 and len(frame) == 0:
        # No reports at all (an empty list of dicts: a feed with nothing new) has no columns to
        # miss: the ones named, empty, as an empty frame with them has ("columns ['number', ...]
        # not in the frame (it has [])" said the caller had made a mistake).
        frame = frame.reindex(columns=[c for c in (number, time, category, source, not_spam)
                                       if isinstance(c, str)])
    # As in from_csv: source and not_spam are read when the frame has them (a not-spam vote must
    # not count as a report); a column named by the caller must be there.
    if isinstance(source, _Unset):
        source = _optional_column(list(frame.columns), "source", taken=(number, time, category))
    if isinstance(not_spam, _Unset):
        not_spam = _optional_column(list(frame.columns), "not_spam", taken=(number, time, category, source))
    read = {number, time, category, source, not_spam}
    ignored = [name for name in _FIELD_NAMES if name in frame.columns and name not in read]
    missing = [c for c in (number, time, category, source, not_spam) if c is not None and c not in frame.columns]
    if missing:
        raise ValueError(f"numrep: columns {missing} not in the frame (it has {list(frame.columns)})")
    headers = list(frame.columns)
    for field, name in (("number", number), ("time", time), ("category", category), ("source", source),
                        ("not_spam", not_spam)):
        if name is not None and headers.count(name) > 1:
            # As the CSV reader says: reading either column would silently drop the other.
            raise ValueError(f"numrep: column {name!r} (for the {field}) appears {headers.count(name)} times in the "
                             "frame: rename one, or map the field to another column")
    used = [name for name in (number, time, category, source, not_spam) if name is not None]
    for name in set(used):
        if used.count(name) > 1:
            raise ValueError(f"numrep: column {name!r} is given for more than one field; each field needs a column "
                             "of its own")
    n = len(frame)
    numbers = frame[number]
    notes: list[str] = []
    if _narrow_float_of(numbers.dtype) is not None:
        raise TypeError(f"numrep: column {number!r} (the numbers) is {numbers.dtype}, which cannot hold phone numbers "
                        "exactly (it keeps about 7 digits; 2025550143 becomes 2025550080): read the column as str or "
                        "int64")
    key_column = numbers.dtype.kind == "u"
    if key_column:
        # Keys already (check_many's "key" column, the accessor's parse()), as the accessor and
        # the batch calls read unsigned integers (docs/python.md): by the integer rule, +20 2555
        # 0143's key 202555 0143 had been read as the US number +1 202 555 0143.
        keys = _core._valid_keys(np.asarray(numbers.fillna(0), dtype=np.uint64))
    elif numbers.dtype.kind == "f":
        import pandas as pd

        # Integers with a missing value among them: pandas reads such a column (a CSV's, an Arrow
        # int64 column with nulls) as floats. Whole values are the integers they were; missing
        # ones stay missing; any other float (912345678.5) is no number (a bad row).
        values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
        whole = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2.0**53)
        numbers = pd.Series(pd.array(np.where(whole, values, np.nan)).astype("Int64"), index=numbers.index)
    if numbers.dtype.kind == "i":
        # pd.read_csv made integers of the numbers and dropped their leading zeros (0912345678 is
        # 912345678). Each is read by the integer rule (docs/python.md): national (0 restored) and
        # international readings judged by the plan; no single valid reading is an unparseable row.
        if len(numbers):  # (an empty column holds none: an empty frame's, or an empty list's of reports)
            notes.append(f"column {number!r} holds integers, which have lost any leading zero: they were read by "
                         "the integer rule; read the file with dtype=str (pd.read_csv(..., dtype={"
                         f"{number!r}: str}})) to keep the numbers as written")
        keys = _core.parse_many(numbers.astype(object).tolist(), region=region)
    elif numbers.dtype.kind != "u":
        try:
            keys = _core.parse_many(numbers, region=region)
        except TypeError:
            if numbers.dtype.kind != "O":
                raise
            # A value parse_many refuses (a float or a Decimal among strings, from a spreadsheet;
            # an Arrow decimal column) stopped the whole frame: such a value is read as the
            # accessor reads it (a whole number by the integer rule, anything else no number: a
            # bad row).
            keys = _core.parse_many([_number_or_none(v) for v in numbers.tolist()], region=region)
    if time is None:  # no time column: every report at the default time
        times, bad_time = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
        missing_time = np.ones(n, dtype=bool)
    else:
        _refuse_narrow_float_times(frame[time], time)
        times, bad_time = _unix_times(frame[time], time)
        # As in CSV ingestion: a report dated before 1970 or more than a day ahead is a bad row (the
        # one would have become 1970-01-01, the other would outweigh all real reports in the decayed
        # score), and the default time fills in missing times only, never bad ones.
        import time as _time

        bad_time = bad_time | (times < 0) | (times > min(int(_time.time()) + 86400, _LATEST_STORABLE_TIME))
        texts = _text(frame[time])
        # Blank is what the CSV reader trims (time.hpp): ASCII space, tab, CR, LF. A cell of other
        # white space (a no-break space from a spreadsheet) is a bad time there, so here too.
        missing_time = (frame[time].isna() | (texts.str.strip(" \t\r\n") == "").fillna(True)).to_numpy()
    defaulted = np.zeros(n, dtype=bool)
    if default_time is not None:
        seconds = _default_time_seconds(default_time)
        defaulted = missing_time
        times = np.where(defaulted, seconds, times)
        bad_time = bad_time & ~defaulted
    names: list[str] = []
    if category is None:
        codes = np.full(n, -1, dtype=np.int64)
    else:
        codes, names = _column_codes(frame[category])
        # Lone surrogates (bytes that were no UTF-8) as \xNN, as from_csv shows such a name.
        names = [_escaped_surrogates(name) for name in names]
    sources = np.zeros(n, dtype=np.int64) if source is None else _source_ids(frame[source])
    if not_spam is None:
        votes, bad_vote = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    else:
        votes, bad_vote = _flags(frame[not_spam])
    bad_number = keys == 0
    blank = (_text(frame[number]).str.strip() == "").fillna(True).to_numpy()
    empty_number = frame[number].isna().to_numpy() | blank
    keep_keys = np.where(bad_time | bad_vote, np.uint64(0), keys)
    good_keys = keep_keys[keep_keys != 0]
    stats: dict[str, Any] = {
        "rows": n,
        "bad_by_reason": {},
        # As from_csv counts them: good rows whose number the world plan does not validate (kept,
        # and marked in the database), and the unparseable ones by why they did not parse.
        "invalid_numbers": int(np.count_nonzero(~_core.lookup_many(good_keys)["valid"])) if len(good_keys) else 0,
        "unparseable_by_error": _errors_counted(frame[number].iloc[np.flatnonzero(bad_number & ~empty_number)],
                                                region, key_column),
        "ignored_columns": ignored,
        "notes": notes,
    }
    reasons = {
        "missing_number": int((bad_number & empty_number).sum()),
        "unparseable_number": int((bad_number & ~empty_number).sum()),
        "missing_time": int((~bad_number & bad_time & missing_time).sum()),
        "bad_time": int((~bad_number & bad_time & ~missing_time).sum()),
        "bad_not_spam": int((~bad_number & ~bad_time & bad_vote).sum()),
    }
    stats["bad_by_reason"] = {k: v for k, v in reasons.items() if v}
    stats["bad"] = int(sum(reasons.values()))
    stats["good"] = n - stats["bad"]
    stats["defaulted_times"] = int((defaulted & ~bad_number & ~bad_vote).sum())
    # The first bad rows, as from_csv keeps them (with the row's position, from 0, for its line).
    first = np.flatnonzero(bad_number | bad_time | bad_vote)[:_KEPT_BAD_ROWS].tolist()
    columns = {"number": number, "time": time, "not_spam": not_spam, "keys": key_column}
    stats["first_bad_rows"] = [
        _bad_row(i, bool(bad_number[i]), bool(empty_number[i]), bool(bad_time[i]), bool(missing_time[i]),
                 int(times[i]), frame.iloc[i], columns, region) for i in first]
    return (keep_keys, times, codes, names, sources, votes), stats


# Why a value of an unsigned number column (keys) is a bad row: no E.164 number has that key.
_NOT_A_KEY = "not an E.164 key"

# As many bad rows as from_csv keeps per file (ingest_options::keep_bad_rows).
_KEPT_BAD_ROWS = 20


def _as_written(value: Any) -> str | bytes | int:
    """A number column's value that did not parse, as the column was parsed (_number_or_none's
    rule): text as it is, a whole number (int, whole float or Decimal) as its int, anything else
    (a fraction, a bool, a date) as its text."""
    if isinstance(value, (str, bytes)):  # most of them: no more work (one is met per bad row)
        return value
    whole = None if isinstance(value, (bool, np.bool_)) else _number_or_none(value)
    return str(value) if whole is None else whole


def _errors_counted(unparseable: Any, region: str | None, keys: bool = False) -> dict[str, int]:
    """The unparseable values of a number column (a Series) counted by why they do not parse, in
    from_csv's words for its unparseable_by_error ("bad character", "too short", ...; an int's
    reasons as ParseError.reason words them: "invalid integer"; a value that is neither text nor a
    whole number, such as a fraction, whose text may parse: "not text or a whole number"). In a
    column of keys (unsigned integers), what is no key."""
    if keys:
        return {_NOT_A_KEY: len(unparseable)} if len(unparseable) else {}
    reasons = _core._parse_error_reasons([_as_written(v) for v in unparseable.tolist()], region)
    counts: dict[str, int] = {}
    for reason in reasons:
        words = _core._PARSE_ERROR_WORDS.get(reason) or reason.replace("_", " ") or "not text or a whole number"
        counts[words] = counts.get(words, 0) + 1
    return counts


def _bad_row(i: int, bad_number: bool, empty_number: bool, bad_time: bool, missing_time: bool, seconds: int,
             row: Any, columns: dict[str, Any], region: str | None) -> dict[str, Any]:
    """A bad row as ingest_stats["first_bad_rows"] lists it: its position, reason and message
    (worded as from_csv words them)."""
    number, time, not_spam = columns["number"], columns["time"], columns["not_spam"]
    if bad_number and empty_number:
        reason, message = "missing_number", f"missing number (column {number} is empty)"
    elif bad_number and columns["keys"]:
        reason = "unparseable_number"
        message = f"{_NOT_A_KEY}: {row[number]} (column {number} is unsigned: it holds E.164 keys)"
    elif bad_number:
        reason = "unparseable_number"
        value = _as_written(row[number])  # an integer column with a gap arrives as floats
        try:
            # As the column was parsed: text by its characters, bytes by their bytes (offsets
            # count either), integers by the integer rule (whose message says why one failed).
            _core.parse_many([value], region=region, errors="raise")
            message = f"cannot read {str(value)!r}"
        except (ValueError, TypeError) as error:
            message = str(error).removeprefix("numrep: ").removeprefix("item 0: ")
        message += f" (column {number})"
    elif bad_time and missing_time:
        reason, message = "missing_time", f"missing time (column {time} is empty)"
    elif bad_time:
        reason = "bad_time"
        why = ("before 1970-01-01, the earliest time a report can carry" if seconds < 0 else
               "in the future" if seconds > 0 else
               "expected ISO 8601 (2021-07-07, 2021-07-07 00:01:15, 2021-07-07T00:01:15Z, 20210707) or unix seconds")
        text = _cell_text(row[time])
        why += _core._bad_time_hint(text, (seconds > 0) - (seconds < 0))
        message = f"bad time {_core._quote(text)} (column {time}): {why}"
    else:
        reason = "bad_not_spam"
        message = (f"bad not_spam value {_core._quote(_cell_text(row[not_spam]))} (column {not_spam}): expected empty, "
                   "0/1 (or 0.0/1.0), true/false, yes/no, y/n or t/f")
    return {"row": i, "reason": reason, "message": message}


def _pandas(what: str) -> Any:
    """pandas, or an ImportError saying which call needs it and how to get it: numpy is numrep's
    one dependency, pandas comes with the `pandas` extra."""
    try:
        import pandas
    except ImportError:
        raise ImportError(f"numrep: {what} needs pandas: pip install pandas (or numrep-phone[pandas])") from None
    return pandas


def _as_frame(reports: Any) -> Any:
    """A pandas DataFrame from a DataFrame, an Arrow table, record batch or stream, a polars
    DataFrame, a dict of columns or an iterable of mappings."""
    pd = _pandas("reports given as a DataFrame, an Arrow table or dicts (from_frame, add_reports, build)")

    if isinstance(reports, pd.DataFrame):
        return reports
    module = type(reports).__module__.split(".")[0]
    if module == "pyarrow" and hasattr(reports, "read_all"):  # a RecordBatchReader: its batches, as one table
        reports = reports.read_all()
    if module == "pyarrow" and hasattr(reports, "schema"):
        return _arrow_frame(reports)
    if module == "polars" and hasattr(reports, "to_arrow"):  # its to_pandas made floats of integers with nulls
        return _arrow_frame(reports.to_arrow())
    if hasattr(reports, "to_pandas"):
        return reports.to_pandas()
    if isinstance(reports, (str, bytes)):
        raise TypeError("numrep: reports must be a DataFrame, an Arrow table or an iterable of dicts; "
                        "for a CSV file use ReputationDB.from_csv(path)")
    if isinstance(reports, collections.abc.Mapping):
        # A dict of columns, as pandas reads one. A dict of single values is one report: iterated,
        # it was its field names, and "columns [...] not in the frame (it has [0])".
        if not all(_is_column(v) for v in reports.values()):
            raise TypeError("numrep: reports given as a dict must be a dict of columns (lists of values); for one "
                            "report give a list of one dict: [{'number': ..., 'time': ..., ...}]")
        return _frame_of_records(pd, reports, lambda name: reports[name])
    if isinstance(reports, np.ndarray) and reports.dtype.names is not None:  # a structured array: its fields
        return pd.DataFrame(reports)
    if not isinstance(reports, Iterable):  # 5, None: "'int' object is not iterable" named nothing
        raise TypeError("numrep: reports must be report files (a path or a list of them), a DataFrame, an Arrow "
                        f"table or an iterable of dicts, got {type(reports).__name__}")
    records = list(reports)
    return _frame_of_records(pd, records, lambda name: [r.get(name) if isinstance(r, collections.abc.Mapping)
                                                        else None for r in records])


def _is_column(value: Any) -> bool:
    """Whether a dict's value is a column of values rather than one value."""
    return not isinstance(value, (str, bytes, bytearray)) and (
        isinstance(value, (collections.abc.Sequence, np.ndarray)) or hasattr(value, "__array__")
        or hasattr(value, "__arrow_c_array__") or hasattr(value, "__arrow_c_stream__"))


def _frame_of_records(pd: Any, data: Any, values_of: Callable[[Any], list[Any]]) -> Any:
    """pd.DataFrame(data), but a column of Python ints with gaps (None) keeps its ints, as a
    nullable Int64 column (or Python ints, beyond int64): pandas made floats of it, which name
    2**53 + 1 as 9007199254740992.0, so 64-bit user ids merged into one source."""
    frame = pd.DataFrame(data)
    for i, name in enumerate(frame.columns):
        if frame.dtypes.iloc[i].kind != "f":
            continue
        values = list(values_of(name))
        if not all(v is None or (isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)))
                   for v in values):
            continue
        exact = all(v is None or -2**63 <= v < 2**63 for v in values)
        frame.isetitem(i, pd.Series(pd.array(values, dtype="Int64") if exact else values,
                                    dtype=None if exact else object, index=frame.index))
    return frame


def _arrow_frame(table: Any) -> Any:
    """An Arrow table or record batch of reports as a pandas frame for _report_arrays. Its columns
    as they are: a pandas index saved with the file (`df.set_index("number").to_parquet()`) came
    back as the frame's index, and "columns ['number'] not in the frame". An integer column with a
    null as pandas' nullable integers (Int64, UInt64, ...): to_pandas made floats of it, which name
    2**53 + 1 as 9007199254740992.0, so 64-bit user ids merged into one source."""
    import pandas as pd
    import pyarrow as pa

    frame = table.to_pandas(ignore_metadata=True)
    for i, field in enumerate(table.schema):
        if pa.types.is_integer(field.type) and table.column(i).null_count:
            frame.isetitem(i, pd.Series(table.column(i).to_pandas(types_mapper=pd.ArrowDtype)
                                        .astype(str(field.type).replace("int", "Int").replace("uInt", "UInt")),
                                        index=frame.index))
    return frame


def _pandas_index(numbers: Any) -> Any:
    """The index of a pandas Series (None for anything else), without importing pandas."""
    if type(numbers).__module__.split(".")[0] != "pandas":
        return None
    index = getattr(numbers, "index", None)
    return index if index is not None and len(index) == len(numbers) else None


def _verdict_frame(columns: Columns) -> pd.DataFrame:
    """check_many's columns as a DataFrame with readable values."""
    pd = _pandas("check_many(as_frame=True)")

    carriers = np.array(_core.carrier_names(), dtype=object)
    seen = columns["reports"] > 0
    frame = pd.DataFrame({
        "e164": ["+" + str(k) if k else "" for k in columns["key"].tolist()],
        "reported": columns["reported"],
        "score": columns["score"],
        "level": pd.Categorical.from_codes(columns["level"], categories=list(_core.LEVEL_NAMES)),
        "delisted": columns["delisted"],
        "reports": columns["reports"],
        "not_spam": columns["not_spam"],
        # Vote-only numbers are "reported" but were never seen calling: no dates for them.
        "first_seen": pd.to_datetime(np.where(seen, columns["first_seen"], np.nan), unit="s", utc=True),
        "last_seen": pd.to_datetime(np.where(seen, columns["last_seen"], np.nan), unit="s", utc=True),
        "carrier": carriers[columns["carrier"]],
        "type": np.array(_core.TYPE_NAMES, dtype=object)[columns["type"]],
        "region": np.array(_core.region_names(), dtype=object)[columns["region"]],
        "region_code": np.array(_core.region_codes(), dtype=object)[columns["region_code"]],
        "valid": columns["valid"],
    })
    # Text columns in the dtype pandas gives a column of str (object before pandas 3, str since)
    # with no rows too: built from no values, "e164" would be float64 and the others object. With
    # rows they have that dtype already (no copy needed).
    if len(frame) == 0:
        text = pd.Series(["+"]).dtype
        frame = frame.astype(dict.fromkeys(("e164", "carrier", "type", "region", "region_code"), text))
    for i, name in enumerate(_core.CATEGORY_NAMES):
        frame[name] = columns["counts"][:, i]
    return frame
