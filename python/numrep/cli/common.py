"""What the commands share: exit statuses, reading numbers from arguments and stdin, option
types (regions, durations, times, delimiters) and opening a database."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import os
import re
import sys
import typing
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence

from .. import _core
from .._warnings import LaterReportsWarning
from ..reputation import ReputationDB
from .output import shown_path

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # a bug (sysexits.h EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it

UTC = dt.timezone.utc


class UsageError(Exception):
    """A command line whose options cannot go together, found after parsing: exit status 2, as
    argparse gives for the options it checks itself."""

DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


# Characters of a line of numbers on standard input: more is no phone number, and reading it
# whole held as much memory as the line (/dev/zero: until the kernel killed the process).
MOST_LINE_CHARACTERS = 65_536


_LINE_END = re.compile(r"\r\n?|\n")


def _bounded_lines(stream: typing.TextIO) -> Iterable[str]:
    """The lines of `stream`, each with its line end: "\n", "\r\n" or a lone "\r", as the CSV
    reader ends lines (standard input splits at "\n" only, and "911\r0912345678\r" was one number,
    +849110912345678). A line is read to at most MOST_LINE_CHARACTERS and its end; a longer one
    comes as a piece longer than that, which the caller refuses."""
    pending = ""
    while True:
        chunk = stream.readline(MOST_LINE_CHARACTERS + 2)
        text = pending + chunk
        start = 0
        for end in _LINE_END.finditer(text):
            yield text[start:end.end()]
            start = end.end()
        pending = text[start:]
        if not chunk:
            if pending:
                yield pending
            return
        if len(pending) > MOST_LINE_CHARACTERS:
            yield pending
            pending = ""


def numbers_from(arguments: Sequence[str]) -> Iterable[str]:
    """The arguments, with '-' replaced by the lines of standard input."""
    for argument in arguments:
        if argument == "-":
            if sys.stdin is None:
                raise ValueError("'-' reads standard input, which is closed")
            for number, line in enumerate(_bounded_lines(sys.stdin), start=1):
                # A line that looks blank (spaces of any kind) is skipped; any other loses only its
                # line end and blanks: str.strip() also took control characters (\x1c..\x1f) that
                # the parser refuses in an argument, so the same text gave a number from standard
                # input and an error as an argument.
                if len(line.rstrip("\r\n")) > MOST_LINE_CHARACTERS:
                    raise ValueError(f"line {number} of standard input is over {MOST_LINE_CHARACTERS:,} characters "
                                     "long: no phone number is (one number a line)")
                if line.strip():
                    yield line.rstrip("\r\n").strip(" \t")
        else:
            yield argument


def region_option(text: str) -> str | None:
    """A --region value: a region code, or 'none' for international forms only."""
    return None if text.lower() == "none" else text


def memory_option(text: str) -> str:
    """argparse type of --memory: a size a build can run in ("4G", "512M"), as given; anything
    else is a usage error naming the option."""
    from ..reputation import _memory_bytes

    try:
        _memory_bytes(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("numrep: ")) from None
    return text


def region_text(text: str) -> str:
    """argparse type of --region: a known region code or 'none', as given (region_option reads
    it); anything else is a usage error naming the option."""
    if text.lower() != "none":
        try:
            _core.parse_many([], region=text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"unknown region {text!r}: expected an ISO 3166 code such as VN or US, or none") from None
    return text


def half_life_days(text: str) -> float:
    """'90d', '12w', '2160h' or '90' (days) as a number of days; argparse type."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([dwh]?)\s*", text, flags=re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(
            f"bad half-life {text!r}: expected a duration such as 90d, 12w, 2160h or 90 (days)")
    value = float(match.group(1)) * {"": 1.0, "d": 1.0, "w": 7.0, "h": 1 / 24}[match.group(2).lower()]
    shortest, longest = _core._HALF_LIFE_DAYS_RANGE  # the library's limits, named here as the user wrote
    if not shortest <= value <= longest:
        raise argparse.ArgumentTypeError(
            f"bad half-life {text!r}: it must be from {shortest * 24:g}h to {longest:g} days")
    return value


def iso_time(text: str) -> dt.datetime | str:
    """A time as the library reads one (ISO 8601, UTC unless it names a zone; unix seconds), or
    "latest" (the database's newest report, resolved by as_of); argparse type. The library's
    reader, not datetime.fromisoformat: that one took week dates and refused "...Z" in lower case
    and unix seconds, so a time good for `now=` and in a CSV file was bad here, and back."""
    if text.strip().lower() == "latest":
        return "latest"
    return report_time(text)


def report_time(text: str) -> dt.datetime:
    """A time as iso_time reads one, without "latest" (--default-time: a time for reports, which
    no database's newest report can be while it is being built); argparse type."""
    try:
        seconds = _core._unix_time(text, "time")
    except ValueError as error:
        # The library's reason where it says more than "not a time" (out of range, milliseconds
        # for seconds, 8 digits that are no date); its list of Python types is not for a command line.
        reason = str(error).removeprefix("numrep: ")
        if reason.startswith("time must be") and "; " in reason:
            reason = reason.split("; ", 1)[1]  # what is wrong with this value, without the list of types
        detail = "" if reason.endswith("is not a time") else f" ({reason})"
        latest = " (\"latest\" is for --now)" if text.strip().lower() == "latest" else ""
        raise argparse.ArgumentTypeError(
            f"bad time {text!r}{latest}: expected ISO 8601 such as 2026-03-01 or 2026-03-01T12:00:00Z, or unix "
            f"seconds{detail}") from None
    return dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=seconds)  # any year 1-9999


def as_of(db: ReputationDB, now: dt.datetime | str | None) -> dt.datetime:
    """The time a command judges at: --now as given, the newest report for "latest", else now,
    to the second (verdicts are judged at whole seconds, and say so in their as_of)."""
    if now is None:
        return dt.datetime.now(UTC).replace(microsecond=0)
    if isinstance(now, str):
        latest = db.latest_report
        if latest is None:
            raise ValueError("--now latest: the database holds no reports")
        return latest
    return now


@contextlib.contextmanager
def later_reports_said_here() -> Iterator[None]:
    """The library's warning about verdicts before their numbers' last reports, left out: the
    commands say it in their own words (later_reports_note)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LaterReportsWarning)
        yield


def later_reports_note(later: int, now: dt.datetime) -> str | None:
    """A line for when numbers were reported after --now: their verdicts count those reports."""
    if later == 0:
        return None
    who = "1 number was" if later == 1 else f"{later:,} numbers were"
    return (f"{who} reported after {now.isoformat(timespec='seconds')}, and the verdicts count those reports "
            "too (a database keeps each number's totals, not each report's time); judge at or after the last "
            "report (--now latest) for exact verdicts")


def decayed_note(latest: dt.datetime | None, levels: dict[str, int], now: dt.datetime,
                 levels_at_latest: Callable[[dt.datetime], dict[str, int]]) -> str | None:
    """A line for when every reported number has decayed to clean by `now` (old data judged
    today), naming the newest report (`latest`) and the option that shows the data as it was.
    Decayed means some number was above clean at the newest report (`levels_at_latest(latest)`,
    asked only when every level is clean now): numbers that never were are not decayed ones."""
    if sum(levels.values()) == 0 or any(n for name, n in levels.items() if name != "clean"):
        return None
    if latest is None or latest >= now:
        return None
    if not any(n for name, n in levels_at_latest(latest).items() if name != "clean"):
        return None
    return (f"every number has decayed to clean by {now.isoformat(timespec='seconds')}: the newest report is "
            f"from {latest.isoformat(timespec='seconds')}; use --now latest to see the levels as of then")


@contextlib.contextmanager
def naming_the_file(path: str, what: str) -> Iterator[None]:
    """OSErrors raised within, said as `what` and named by `path` when they name no file: a full
    disk's "No space left on device" named none."""
    try:
        yield
    except OSError as error:
        if error.filename is not None:
            raise
        raise OSError(error.errno, f"{what}: {error.strerror}", path) from None


def delimiter_option(text: str) -> str:
    value = DELIMITER_NAMES.get(text.lower(), text)
    # One byte, as the reader splits on: "é" (two in UTF-8) passed here and failed in the library;
    # a byte of a legacy encoding ($'\xa7') is one lone surrogate here, and one byte there.
    if len(value.encode("utf-8", "surrogateescape")) != 1 or value in '"\r\n':
        raise argparse.ArgumentTypeError(
            f"bad delimiter {text!r}: expected one byte, an ASCII character (or tab, comma, semicolon, pipe)")
    return value



def _link_loop(path: str) -> bool:
    """A path that is there but cannot be followed (a symbolic link loop): open says so, where
    "no database at" would be untrue. A dangling link is no database, as a missing path is."""
    try:
        os.stat(path)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def open_db(path: str) -> ReputationDB:
    # A database numrep 0.1 left at DB.tmp-old when killed mid-save is put back by open.
    if not os.path.exists(path) and not _link_loop(path) and not os.path.exists(path.rstrip("/") + ".tmp-old"):
        # Escaped as messages escape a value (control characters, and bytes that are no UTF-8 as
        # \xff): {path!r} wrote those bytes as Python's \udcff.
        shown = shown_path(path)
        raise FileNotFoundError(2, f"no database at '{shown}' (build one with `numrep build REPORTS -o {shown}`)",
                                shown)  # the name the error's line begins with, escaped too
    return ReputationDB.open(path)


def _publication(path: str) -> tuple[int, int] | None:
    """Which publication the database at `path` holds: its MANIFEST's inode and time (a save
    renames a new one in), None without one."""
    try:
        st = os.stat(os.path.join(path, "MANIFEST"))
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


@contextlib.contextmanager
def said_if_saved_when_interrupted(path: str, before_saying: Callable[[], None] | None = None) -> Iterator[None]:
    """A Ctrl-C that comes once the database at `path` is saved (the merge and the save run
    without a pause where it is raised, so it comes after them) says that the new one is in
    place, as status 130 alone reads as "nothing was replaced". `before_saying` clears the line
    first (a progress bar)."""
    before = _publication(path)
    try:
        yield
    except KeyboardInterrupt:
        if _publication(path) != before:
            if before_saying is not None:
                before_saying()
            with contextlib.suppress(OSError, ValueError):
                print(f"numrep: interrupted once the database was saved: {shown_path(path)} holds the new one",
                      file=sys.stderr, flush=True)
        raise
