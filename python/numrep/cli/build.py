"""numrep build REPORTS... -o DB [--preset ftc] ...: a reputation database from CSV or Parquet
files of reports (paths or glob patterns), with a progress bar and a summary of rows, bad rows
and sizes."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any, Callable, Literal

from .. import _core
from .._ingest import report_files
from ..reputation import ReputationDB, folder_write_problem
from .common import (
    EXIT_OK,
    UTC,
    UsageError,
    delimiter_option,
    half_life_days,
    memory_option,
    region_option,
    region_text,
    report_time,
    said_if_saved_when_interrupted,
)
from .output import ProgressBar, format_size, shown_path


def guard_output(path: str) -> None:
    """Refuse, before any report is read, to replace anything but a numrep database: saving
    replaces the whole directory. The library's rule, which also takes the files a failed build
    left (a lock, unpublished stores), as the save at the end would."""
    try:
        _core._check_replaceable(path)
    except ValueError as e:
        raise ValueError(f"{e} (choose another -o)") from None
    _check_writable(path)


def _check_writable(path: str) -> None:
    """Refuse, before any report is read, a target that cannot be written: the directory the
    database goes into (the target if it is one, else the nearest existing directory above it,
    under which the build creates the rest) must take a file. Found at the save, such a target
    cost the whole ingest (a file where a directory should be, no permission, a read-only disk)."""
    where = os.path.abspath(path)
    while not os.path.lexists(where) and os.path.dirname(where) != where:
        where = os.path.dirname(where)
    if not os.path.isdir(where):
        raise ValueError(f"cannot write the database to {path}: {where} is not a directory (choose another -o)")
    problem = folder_write_problem(where)
    if problem is not None:
        raise ValueError(f"cannot write the database to {path}: {where}: {problem} (choose another -o)")


def build_database(reports: Sequence[str], output: str, *, preset: str | None = None,
                   columns: dict[str, str | None] | None = None, delimiter: str | None = None,
                   region: str | Literal["preset"] | None = "preset", half_life: float = 90.0, strict: bool = False,
                   rejects: str | None = None, default_time: dt.datetime | None = None,
                   progress: Callable[[int, int, int, int], None] | None = None, memory: str | None = None,
                   shards: int | None = None, temp_dir: str | None = None, dask: str | None = None,
                   workers: int | None = None) -> tuple[ReputationDB, dict[str, Any]]:
    """The database of the files `reports` name (paths or glob patterns), written to `output`
    within `memory` (ReputationDB.build), or on a Dask cluster (`dask`: a scheduler address, or
    `workers`: a local cluster of that many processes); returns it and facts for the summary
    (facts["inputs"]: the files read)."""
    guard_output(output)
    # CSV and Parquet files are not mixed in one build: they are read by different readers (the
    # C++ CSV reader with its delimiter, preset, rejects file and line numbers; pyarrow batches
    # with row numbers), and a mixed build would apply the CSV options to some of its inputs only.
    files = report_files(list(reports))
    assert files is not None  # paths
    paths, kind = files
    options: dict[str, Any] = dict(columns or {})
    if kind == "parquet":
        for option, value in (("--preset", preset), ("--delimiter", delimiter), ("--rejects", rejects)):
            if value is not None:
                raise UsageError(f"{option} applies to CSV files only, and {paths[0]} is Parquet")
    if preset is not None:
        options["preset"] = preset
    if region != "preset" or preset is None:  # "preset": the preset's own region (ftc: US)
        options["region"] = _core.DEFAULT_REGION if region == "preset" else region
    start = time.perf_counter()
    if dask is not None or workers is not None:
        for option, value in (("--memory", memory), ("--rejects", rejects), ("--temp-dir", temp_dir)):
            if value is not None:
                raise UsageError(f"{option} does not apply to a Dask build (the workers hold the partial records)")
        if strict:
            raise UsageError("--strict does not apply to a Dask build (bad rows are counted on the workers)")
        db = _dask_build(paths, output, dask=dask, workers=workers, shards=shards, delimiter=delimiter,
                         default_time=default_time, half_life_days=half_life, **options)
    else:
        db = ReputationDB.build(paths, output, memory=memory, shards=shards, temp_dir=temp_dir, delimiter=delimiter,
                                strict=strict, rejects=rejects, default_time=default_time, half_life_days=half_life,
                                progress=progress, **options)
    facts = {
        "seconds": time.perf_counter() - start,
        "files": _core._store_files(output),  # the manifest's store files: (name, bytes, numbers of the shard)
        "inputs": paths,
        "kind": kind,
        "build": db.build_stats,
    }
    return db, facts


def _dask_build(paths: list[str], output: str, *, dask: str | None, workers: int | None,
                **options: Any) -> ReputationDB:
    try:
        import distributed
        from dask import config as dask_config

        from .. import dask as numrep_dask
    except ImportError:
        raise ValueError("--dask and --workers need Dask: pip install 'numrep-phone[dask]'") from None
    if dask is not None:
        with distributed.Client(dask) as client:  # type: ignore[no-untyped-call]
            return numrep_dask.build(paths, output, client=client, **options)
    # The workers ignore Ctrl-C once started (numrep._dask_worker): this process stops the build.
    # While the cluster starts, a Ctrl-C is kept and raised once it is up, so that it is closed
    # as after any other (raised inside LocalCluster, it left the cluster to an exit handler,
    # which printed tracebacks). A task's error comes back to the client as an exception: the
    # workers need not log it.
    # The worker processes come from a fork server started with SIGINT ignored, which they
    # inherit: started by "spawn", a Ctrl-C reached them while they imported distributed, before
    # the preload, and killed them (a traceback from each, "Nanny failed to start", status 1).
    with dask_config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        return _local_cluster_build(paths, output, workers, options)


def _local_cluster_build(paths: list[str], output: str, workers: int | None, options: dict[str, Any]) -> ReputationDB:
    import multiprocessing.forkserver

    import distributed
    import distributed.utils
    from dask import config as dask_config

    from .. import dask as numrep_dask

    # The fork server's preloads (distributed and what it uses), set as Dask sets them.
    distributed.utils.get_mp_context()  # type: ignore[no-untyped-call]
    ignoring = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, ignoring)
    interrupted: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(signum))
    try:
        cluster = distributed.LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True,
            # The HTTP server on any free port of this machine only, with no dashboard: Dask's
            # default, 8787, is taken by any other cluster running (a notebook's), and distributed
            # then printed "Port 8787 is already in use" (":0" alone would listen on every
            # interface and start the dashboard).
            dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
            silence_logs=logging.CRITICAL,
            # With the user's own (given, a preload replaces them).
            preload=[*dask_config.get("distributed.worker.preload", default=[]), "numrep._dask_worker"])
    finally:
        signal.signal(signal.SIGINT, previous)
    with cluster, distributed.Client(cluster) as client, _quiet_if_interrupted():  # type: ignore[no-untyped-call]
        if interrupted:
            raise KeyboardInterrupt
        return numrep_dask.build(paths, output, client=client, **options)


@contextlib.contextmanager
def _quiet_if_interrupted() -> Iterator[None]:
    """Ctrl-C during a build on a local cluster: the client's and the cluster's tasks, cut off
    as they close, logged their errors ("Task exception was never retrieved", a closed comm) with
    tracebacks, where numrep exits quietly with 130. Logging is switched off first (the process
    is ending: nothing else is left to log)."""
    try:
        yield
    except KeyboardInterrupt:
        logging.disable(logging.CRITICAL)
        raise


def print_build_summary(db: ReputationDB, facts: dict[str, Any], reports: Sequence[str], output: str, *,
                        bad_rows: int = 5) -> None:
    stats = db.ingest_stats
    rows = stats["rows"]
    inputs = facts.get("inputs", reports)
    kind = "Parquet " if facts.get("kind") == "parquet" else ""
    print(f"Read {len(inputs)} {kind}report file{'s' if len(inputs) != 1 else ''} in {facts['seconds']:.2f} s "
          f"({rows / max(facts['seconds'], 1e-9):,.0f} rows/s)")
    print(f"  rows               {rows:>12,}")
    if stats.get("blank_lines"):  # not rows; in a file of numbers alone, an empty number is one
        print(f"  blank lines skipped {stats['blank_lines']:>11,}")
    if stats.get("multiline_rows"):  # a quote left open joins every line up to the next quote
        print(f"  rows over more lines {stats['multiline_rows']:>10,}   (quoted line breaks; the longest, from line "
              f"{stats['longest_row_line']:,} of {shown_path(stats['longest_row_file'])}, spans "
              f"{stats['longest_row_lines']:,} lines: a quote left open joins the lines after it)")
    invalid = (f"   ({stats['invalid_numbers']:,} with numbers not valid by the plan, kept and marked)"
               if stats.get("invalid_numbers") else "")
    print(f"  good               {stats['good']:>12,}{invalid}")
    if stats.get("defaulted_times"):
        print(f"    with the default time {stats['defaulted_times']:>7,}")
    print(f"  bad                {stats['bad']:>12,}")
    for reason, count in sorted(stats["bad_by_reason"].items(), key=lambda item: -item[1]):
        detail = ""
        if reason == "unparseable_number" and stats.get("unparseable_by_error"):
            by_error = sorted(stats["unparseable_by_error"].items())
            detail = "   (" + ", ".join(f"{why} {n:,}" for why, n in by_error) + ")"
        print(f"    {reason.replace('_', ' '):<22} {count:>9,}{detail}")
    first = stats.get("first_bad_rows", [])[:bad_rows]
    if first and "row" in first[0]:  # Parquet: rows of each file, from 0
        print("  first bad rows (rows count from 0 in each file):")
        for row in first:
            print(f"    {shown_path(row['file'])} row {row['row']}: {row['message']}")
    elif first:
        print(f"  first bad rows{' (line numbers count from 1 in each file)' if len(inputs) > 1 else ''}:")
        for row in first:
            where = f"{shown_path(row['file'])} line" if len(inputs) > 1 and "file" in row else "line"
            print(f"    {where} {row['line']}: {row['message']}")
    n = db.snapshot_size
    print(f"  distinct numbers   {n:>12,}")
    files = facts["files"]

    def per_key(size: int, numbers: int) -> str:
        return f"{8 * size / numbers:6.1f} bits/number" if numbers else ""

    build = facts.get("build") or {}
    shards = f", {db.shard_count} shards" if db.shard_count > 1 else ""  # a Dask build has no build_stats
    spilled = (f"; {build['runs']} runs spilled ({format_size(build['spilled_bytes'])})" if build.get("runs") else "")
    print(f"Saved {shown_path(output)}/ (region {db.region or 'none'}{shards}){spilled}")
    # Each file's bits a number of its own shard (format 1 records no count: its one shard has all).
    one_shard = db.shard_count == 1
    key_index = f"(the key index: {db.records_bits_per_key:.1f} bits/number)"
    for name, size, numbers in files:
        note = f"   {key_index}" if one_shard and name.endswith(".trie") else ""
        print(f"  {name:<30} {format_size(size):>12}   {per_key(size, n if numbers is None else numbers)}{note}")
    if not one_shard:
        tries = sum(size for name, size, _ in files if name.endswith(".trie"))
        print(f"  {'the ' + str(db.shard_count) + ' tries':<30} {format_size(tries):>12}   {per_key(tries, n)}"
              f"   {key_index}")


def utc_text(when: dt.datetime) -> str:
    """ISO 8601 in UTC with its year's four digits ("0099-01-01T00:00:00Z"; strftime's %Y dropped
    the leading zeros)."""
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def run(args: argparse.Namespace) -> int:
    # An empty name (--time '') leaves that field out, as None does in Python: a file of numbers
    # alone builds with --time '' --category '' --default-time ISO.
    columns = {name: (None if name != "number" and getattr(args, name) == "" else getattr(args, name))
               for name in ("number", "time", "category", "source", "not_spam") if getattr(args, name) is not None}
    if columns.get("number") == "":
        raise UsageError("--number cannot be empty: every report needs its number's column")
    if "time" in columns and columns["time"] is None and args.default_time is None:
        raise UsageError("--time '' leaves the report time out: give --default-time ISO, the time of every report")
    if args.default_time is not None and args.default_time > dt.datetime.now(UTC) + dt.timedelta(days=1):
        raise UsageError(f"--default-time {utc_text(args.default_time)} is in the future (later than a day "
                         "from now): reports dated then would outweigh every real one")
    if args.default_time is not None and args.default_time < dt.datetime(1970, 1, 1, tzinfo=UTC):
        raise UsageError(f"--default-time {utc_text(args.default_time)} is before 1970-01-01, the earliest "
                         "time a report can carry")
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        with said_if_saved_when_interrupted(args.output, bar.close if bar is not None else None):
            db, facts = build_database(args.reports, args.output, preset=args.preset, columns=columns,
                                       delimiter=args.delimiter,
                                       region="preset" if args.region is None else region_option(args.region),
                                       half_life=args.half_life, strict=args.strict, rejects=args.rejects,
                                       default_time=args.default_time, progress=bar, memory=args.memory,
                                       shards=args.shards, temp_dir=args.temp_dir, dask=args.dask,
                                       workers=args.workers)
    finally:
        if bar is not None:
            bar.close()
    print_build_summary(db, facts, args.reports, args.output)
    if args.rejects:
        print(f"Bad rows written to {shown_path(args.rejects)}")
    return EXIT_OK


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    build = commands.add_parser(
        "build", help="build a reputation database from CSV or Parquet files of reports",
        description="Build a reputation database from CSV or Parquet files of reports. REPORTS are paths or glob "
                    "patterns (quoted, so that numrep expands them: 'reports/*.csv', 'data/**/*.parquet'; each "
                    "must match a file). A file named .parquet or .pq, or starting with Parquet's magic bytes, is "
                    "Parquet (read with pyarrow); any other is CSV. One build reads one kind: CSV and Parquet "
                    "files are not mixed. The column options apply to both kinds; --preset, --delimiter and "
                    "--rejects to CSV only.")
    build.add_argument("reports", nargs="+", metavar="REPORTS",
                       help="CSV files (header line first) or Parquet files of reports, or glob patterns of them")
    build.add_argument("-o", "--output", required=True, metavar="DB",
                       help="database directory to write (replaced if it is one)")
    build.add_argument("--preset", type=preset_option,
                       help="a named column layout of CSV files: ftc (US FTC Do-Not-Call complaints)")
    columns = build.add_argument_group("columns (header names; default number, time, category; an empty name "
                                       "leaves the field out: --time '' needs --default-time)")
    columns.add_argument("--number", metavar="COL", help="column of the reported number")
    columns.add_argument("--time", metavar="COL", help="column of the report time")
    columns.add_argument("--category", metavar="COL", help="column of the category")
    columns.add_argument("--source", metavar="COL", help="column naming who reported (counts distinct reporters)")
    columns.add_argument("--not-spam", dest="not_spam", metavar="COL", help="column of yes/no 'not spam' votes")
    build.add_argument("--delimiter", type=delimiter_option,
                       help="CSV field delimiter (default: detected from the header)")
    build.add_argument("--region", type=region_text,
                       help=f"default region for national forms (default: the preset's, else {_core.DEFAULT_REGION}; "
                            "'none' for none)")
    build.add_argument("--half-life", dest="half_life", type=half_life_days, default=90.0, metavar="DURATION",
                       help="a report's weight halves every DURATION: 90d, 12w, 2160h or 90 (days; default 90d)")
    build.add_argument("--strict", action="store_true", help="fail at the first bad row")
    build.add_argument("--rejects", metavar="FILE", help="write every bad row of CSV inputs to FILE (CSV)")
    build.add_argument("--default-time", dest="default_time", type=report_time, metavar="ISO",
                       help="time of reports whose time is empty (otherwise they are bad rows)")
    scale = build.add_argument_group("scale (docs/scale.md)")
    scale.add_argument("--memory", metavar="SIZE", type=memory_option,
                       help="memory the build may hold (4G, 512M): beyond it, sorted runs spill to disk and the "
                            "database is built one shard at a time (default: no limit)")
    scale.add_argument("--shards", type=shard_count, metavar="N",
                       help="split the database into N key ranges of equal size (fewer with fewer numbers; "
                       "default: 1, or what --memory needs)")
    scale.add_argument("--temp-dir", dest="temp_dir", metavar="DIR",
                       help="where runs spill (default: next to the output)")
    where = scale.add_mutually_exclusive_group()
    where.add_argument("--dask", metavar="SCHEDULER",
                       help="build on a Dask cluster (its scheduler's address, e.g. tcp://10.0.0.1:8786); every "
                            "worker must see the report files and the output at the same paths")
    where.add_argument("--workers", type=worker_count, metavar="N",
                       help="build on a local Dask cluster of N worker processes")
    build.set_defaults(run=run)


def preset_option(text: str) -> str:
    """A preset's name, as ingest_options.hpp's find_preset knows them; argparse type."""
    if text.lower() != "ftc":
        raise argparse.ArgumentTypeError(f"unknown preset {text!r} (known: ftc)")
    return text


def shard_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of shards") from None
    if not 1 <= n <= 16384:
        raise argparse.ArgumentTypeError(f"shards must be from 1 to 16384, got {n}")
    return n


def worker_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of workers") from None
    if not 1 <= n <= 1024:
        raise argparse.ArgumentTypeError(f"workers must be from 1 to 1024, got {n}")
    return n

