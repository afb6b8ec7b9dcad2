"""How the command line writes things: tables, counts with percentages, sizes, dates and the
progress bar. Every command formats its output with these (the CLI uses no colours)."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from .. import _core
from .._display import _bytes

# What a terminal acts on rather than shows: C0 and C1 controls (ESC, BEL, CR, backspace),
# invisible and bidi format characters (U+200B..U+200F, U+202A..U+202E, U+2060..U+2069, BOM)
# and the line and paragraph separators.
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def terminal_safe(text: str) -> str:
    """Text for a terminal line: what _TERMINAL_UNSAFE finds as \\x../\\u.... escapes, the rest as
    it is. Not _core._escaped: a message numrep already escaped keeps its backslashes as written."""
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}",
                                text)


def shown_path(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """A path as the command line shows it: escaped as numrep's messages escape text (a file
    named with ESC [2J cleared the screen when `numrep stats` named its database)."""
    return _core._escaped(os.fsdecode(path))


def display_width(text: str) -> int:
    """Terminal columns taken by text: wide (e.g. full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def print_table(rows: Sequence[dict[str, object]], columns: Sequence[str]) -> None:
    """Rows as aligned columns under a header line; booleans as yes/no. Text is escaped as the
    messages escape it: an input's carriage return, backspaces or direction marks, written as
    they were, moved the cursor over the row on a terminal and threw the columns out."""
    widths = {c: max([len(c)] + [display_width(table_cell(r, c)) for r in rows]) for c in columns}
    print(table_line({c: c for c in columns}, widths))
    for row in rows:
        print(table_line(row, widths))


def table_cell(row: dict[str, object], column: str) -> str:
    """A value as a table shows it: booleans as yes/no, text escaped (see print_table)."""
    value = row.get(column, "")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _core._escaped(str(value))


def table_line(row: dict[str, object], widths: dict[str, int]) -> str:
    """One line of a table: the row's cells in the columns of `widths` (a wider cell pushes the
    rest of its line to the right), separated by two spaces."""
    return "  ".join(pad(table_cell(row, c), widths[c]) for c in widths).rstrip()


MOST_ROWS = 15  # rows of a printed or plotted breakdown; --json has them all

# Bytes that were no UTF-8 (a file name, an argument), read as lone surrogates U+DC80..U+DCFF.
_UNDECODED = re.compile("[\udc80-\udcff]")


def print_json(value: object) -> None:
    """`value` as JSON on stdout, non-ASCII text as itself. Bytes that were no UTF-8 are written
    as \\u escapes of the surrogates that stand for them: written as themselves (as the tables
    do), they made the output invalid UTF-8, which strict JSON readers refuse. On a stream that
    is not UTF-8 (PYTHONIOENCODING=ascii, a Latin-1 locale) all non-ASCII text is escaped so, as
    JSON spells it: the streams' own escapes wrote U+1F600 as \\U0001f600, which JSON has not."""
    print(json_text(value))


def json_text(value: object) -> str:
    """`value` as print_json writes it (indented by 2)."""
    if codecs.lookup(getattr(sys.stdout, "encoding", None) or "ascii").name != "utf-8":
        return json.dumps(value, ensure_ascii=True, indent=2)
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _UNDECODED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class RowWriter:
    """Per-number results written as they come (`add`, then `close`): all of them as one JSON
    list, or the ones without an "error" as a table. Holding every row until the end took 1.2 GB
    and 10 s before the first line for a million numbers from standard input; now only the first
    `held` rows (and one more, which says there are more) wait, to size the table's columns (a
    later, wider cell pushes the rest of its line to the right). columns(table rows, complete)
    chooses the columns; complete is False when more rows may follow those it is given. The JSON
    is the same text json.dumps(rows, indent=2) makes of the whole list."""

    def __init__(self, *, as_json: bool, table_row: Callable[[dict[str, Any]], dict[str, object]],
                 columns: Callable[[list[dict[str, object]], bool], Sequence[str]], held: int = 1000) -> None:
        self.as_json = as_json
        self.table_row = table_row
        self.columns = columns
        self.held = held
        self.waiting: list[dict[str, object]] = []  # table rows before the widths are known
        self.widths: dict[str, int] | None = None
        self.header_written = False
        self.json_rows = 0  # written
        self.json_waiting: list[dict[str, Any]] = []
        # JSON rows are encoded a batch at a time, as the inside of a list: one json.dumps a row
        # took 1.7 times as long as the whole list in one (it sets up its encoder on every call).
        self.json_batch = 256

    def add(self, row: dict[str, Any]) -> None:
        if self.as_json:
            self.json_waiting.append(row)
            if len(self.json_waiting) >= self.json_batch:
                self._write_json()
            return
        if "error" in row:
            return
        if self.widths is None:
            self.waiting.append(self.table_row(row))
            if len(self.waiting) > self.held:  # more than `held` rows: the table is not complete with them
                self._settle(complete=False)
            return
        self._write(self.table_row(row))

    def close(self) -> None:
        if self.as_json:
            self._write_json()
            print("\n]" if self.json_rows else "[]")
            return
        if self.widths is None:
            self._settle(complete=True)

    def _write_json(self) -> None:
        if not self.json_waiting:
            return
        inside = json_text(self.json_waiting)[2:-2]  # without the list's "[\n" and "\n]"
        print(("[\n" if self.json_rows == 0 else ",\n") + inside, end="")
        self.json_rows += len(self.json_waiting)
        self.json_waiting = []

    def _settle(self, complete: bool) -> None:
        columns = self.columns(self.waiting, complete)
        self.widths = {c: max([len(c)] + [display_width(table_cell(r, c)) for r in self.waiting]) for c in columns}
        for row in self.waiting:
            self._write(row)
        self.waiting = []

    def _write(self, row: dict[str, object]) -> None:
        assert self.widths is not None
        if not self.header_written:
            print(table_line({c: c for c in self.widths}, self.widths))
            self.header_written = True
        print(table_line(row, self.widths))


def top_rows(counts: dict[str, int], most: int = MOST_ROWS) -> tuple[dict[str, int], int, int]:
    """What fits in `most` printed rows: all entries if they fit, else the `most` - 1 largest, how many
    others there are and what they add up to (printed as the last row)."""
    items = list(counts.items())
    if len(items) <= most:
        return counts, 0, 0
    shown = dict(items[:most - 1])
    return shown, len(items) - len(shown), sum(n for _, n in items[most - 1:])


def print_counts(counts: dict[str, int]) -> None:
    """Label, count and percentage of the total per line, the largest MOST_ROWS (then the rest as one)."""
    total = sum(counts.values()) or 1
    shown, others, rest = top_rows(counts)
    width = max([20] + [display_width(label) for label in shown])
    for label, n in shown.items():
        print(f"    {pad(label, width)} {n:>10,}  {100 * n / total:5.1f}%")
    if others:
        print(f"    {pad(f'({others:,} more)', width)} {rest:>10,}  {100 * rest / total:5.1f}%")


def format_size(n: int) -> str:
    """Bytes for people: '512 bytes', '1.5 KiB', '3.2 MiB' (the unit chosen after rounding)."""
    return _bytes(n, "bytes")


def format_date(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d")


class ProgressBar:
    """progress(rows, bad, bytes_done, bytes_total) drawn on one terminal line of `stream`."""

    def __init__(self, stream: TextIO, every: float = 0.1) -> None:
        self.stream = stream
        self.every = every
        self.start = time.perf_counter()
        self.last = 0.0
        self.drawn = False

    def __call__(self, rows: int, bad: int, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        rate = rows / max(now - self.start, 1e-9)
        percent = 100.0 * done / total if total else 100.0
        filled = int(percent / 5)
        bar = "#" * filled + "." * (20 - filled)
        self.stream.write(f"\r  [{bar}] {percent:5.1f}%  {rows:,} rows  {rate:,.0f} rows/s  {bad:,} bad ")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:  # once: a second close writes nothing
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
