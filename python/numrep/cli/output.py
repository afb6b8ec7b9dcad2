"""How the command line writes things: tables, counts with percentages, sizes, dates and the
progress bar. Every command formats its output with these (the CLI uses no colours)."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from .. import _core
from .._display import _bytes


def display_width(text: str) -> int:
    """Terminal columns taken by text: wide (e.g. full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def print_table(rows: Sequence[dict[str, object]], columns: Sequence[str]) -> None:
    """Rows as aligned columns under a header line; booleans as yes/no. Text is escaped as the
    messages escape it: an input's carriage return, backspaces or direction marks, written as
    they were, moved the cursor over the row on a terminal and threw the columns out."""
    def cell(row: dict[str, object], column: str) -> str:
        value = row.get(column, "")
        if isinstance(value, bool):
            return "yes" if value else "no"
        return _core._escaped(str(value))

    widths = {c: max([len(c)] + [display_width(cell(r, c)) for r in rows]) for c in columns}
    print("  ".join(pad(c, widths[c]) for c in columns).rstrip())
    for row in rows:
        print("  ".join(pad(cell(row, c), widths[c]) for c in columns).rstrip())


MOST_ROWS = 15  # rows of a printed or plotted breakdown; --json has them all

# Bytes that were no UTF-8 (a file name, an argument), read as lone surrogates U+DC80..U+DCFF.
_UNDECODED = re.compile("[\udc80-\udcff]")


def print_json(value: object) -> None:
    """`value` as JSON on stdout, non-ASCII text as itself. Bytes that were no UTF-8 are written
    as \\u escapes of the surrogates that stand for them: written as themselves (as the tables
    do), they made the output invalid UTF-8, which strict JSON readers refuse. On a stream that
    is not UTF-8 (PYTHONIOENCODING=ascii, a Latin-1 locale) all non-ASCII text is escaped so, as
    JSON spells it: the streams' own escapes wrote U+1F600 as \\U0001f600, which JSON has not."""
    if codecs.lookup(getattr(sys.stdout, "encoding", None) or "ascii").name != "utf-8":
        print(json.dumps(value, ensure_ascii=True, indent=2))
        return
    text = json.dumps(value, ensure_ascii=False, indent=2)
    print(_UNDECODED.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def print_rows(rows: Sequence[dict[str, Any]], *, as_json: bool,
               table_row: Callable[[dict[str, Any]], dict[str, object]],
               columns: Callable[[list[dict[str, object]]], Sequence[str]]) -> None:
    """Per-number results: all of them as JSON, or the ones without an "error" as a table
    (columns(table rows) chooses the columns)."""
    if as_json:
        print_json(list(rows))
        return
    good = [table_row(r) for r in rows if "error" not in r]
    if good:
        print_table(good, columns(good))


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
