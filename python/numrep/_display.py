"""How numrep's objects show in a notebook: ``_repr_html_`` for PhoneNumber, Verdict,
BloomFilter, TrieStore and ReputationDB (Jupyter calls it for the last value of a cell). Each is a
small table of what the object is; text is escaped, since numbers and names come from data."""


import datetime
import html
import itertools
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from . import _core
from .reputation import newest_report_seconds

# Above this many numbers a database's HTML does not compute its levels (a pass over every
# record): a notebook shows at once, and says how to get them.
LEVELS_LIMIT = 2_000_000
BLOOM_SCAN_LIMIT = 64 << 20  # bytes of a filter whose estimates the HTML computes
LEVEL_COLOURS = {"clean": "#2e7d32", "suspicious": "#b26a00", "likely_scam": "#b3261e"}
_STYLE = "border-collapse:collapse;font-size:0.9em"
_CELL = "padding:2px 10px;text-align:left;border-bottom:1px solid #ddd"


def _text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        value = value.isoformat(timespec="seconds")
    elif isinstance(value, float):
        value = f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = f"{int(value):,}"
    return html.escape(str(value))


def _bytes(n: int, byte_unit: str = "B") -> str:
    """A size for people, '512 B' (byte_unit: how bytes are written), '1.5 KiB', '3.2 MiB'; the
    command line's too (cli/output.py)."""
    if n < 1024:
        return f"{n:,} {byte_unit}"
    value = n / 1024
    for unit in ("KiB", "MiB"):
        if round(value, 1) < 1024:  # the unit chosen after rounding: 1,048,575 B is 1.0 MiB, not 1,024.0 KiB
            return f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:,.1f} GiB"


def _table(title: str, rows: Iterable[tuple[str, Any]], *, raw: frozenset[str] = frozenset()) -> str:
    """A two-column table under a bold title; values of the rows named in `raw` are HTML already."""
    body = "".join(
        f'<tr><th style="{_CELL};font-weight:normal;color:#555">{html.escape(name)}</th>'
        f'<td style="{_CELL}">{value if name in raw else _text(value)}</td></tr>'
        for name, value in rows)
    return f'<div><strong>{html.escape(title)}</strong><table style="{_STYLE}">{body}</table></div>'


def _level(level: str) -> str:
    colour = LEVEL_COLOURS.get(level, "#333")
    return f'<span style="color:{colour};font-weight:bold">{html.escape(level)}</span>'


def phone_number_html(number: _core.PhoneNumber) -> str:
    info = _core.lookup(number)
    rows: list[tuple[str, Any]] = [("E.164", number.e164), ("national", number.national),
                                   ("country code", number.country_code)]
    if number.extension:
        rows.append(("extension", number.extension))
    if number.is_legacy:
        rows.append(("written as", "a pre-2018 Vietnamese number (converted)"))
    rows += [("valid", info.valid), ("type", info.type), ("carrier", info.carrier or "(none)"),
             ("region code", info.region_code or "(none)"), ("area", info.region or "(none)")]
    return _table(f"PhoneNumber {number.e164}", rows)


def shown_score(score: float) -> str:
    """A score to one decimal, truncated: rounded, 69.97 showed as 70.0 beside "suspicious", a
    wrong level to a reader (levels start at 30 and 70; the exact score is in check's JSON)."""
    return f"{math.floor(score * 10) / 10:.1f}"


def verdict_html(verdict: _core.Verdict) -> str:
    categories = ", ".join(f"{name} {n:,}" for name, n in sorted(verdict.counts.items(), key=lambda item: -item[1])
                           if n) or "(none)"
    rows: list[tuple[str, Any]] = [
        ("level", _level(verdict.level) + (" (delisted)" if verdict.delisted else "")),
        ("score", shown_score(verdict.score)),
        ("reports", verdict.reports),
        ("by category", categories),
        ("not spam votes", verdict.not_spam),
        ("first seen", verdict.first_seen or "—"),
        ("last seen", verdict.last_seen or "—"),
        ("carrier", verdict.carrier or "(none)"),
        ("type", verdict.type),
        ("region code", verdict.region_code or "(none)"),
        ("area", verdict.region or "(none)"),
        ("valid", verdict.valid),
        ("as of", verdict.as_of),
    ]
    if verdict.includes_later_reports:
        rows.append(("note", "reported after the time it is as of: the verdict counts those reports too"))
    return _table(f"Verdict on {verdict.e164}", rows, raw=frozenset({"level"}))


def bloom_html(bloom: _core.BloomFilter) -> str:
    # The estimates count the set bits: a pass over the filter, left out for big ones.
    small = bloom.size_in_bytes <= BLOOM_SCAN_LIMIT
    rows: list[tuple[str, Any]] = [
        ("numbers (estimate)", round(bloom.approx_len()) if small else "not computed (bloom.approx_len())"),
        ("capacity", bloom.capacity),
        ("size", _bytes(bloom.size_in_bytes)),
        ("bits per key", round(bloom.bits_per_key, 2)),
        ("hash probes", bloom.num_probes),
        ("false-positive rate now", bloom.expected_fpr if small else "not computed (bloom.expected_fpr)"),
        ("false-positive rate at capacity", bloom.fpr_at_capacity),
        ("read only", bloom.read_only),
    ]
    return _table("BloomFilter", rows)


def trie_html(trie: _core.TrieStore) -> str:
    size = len(trie)
    rows: list[tuple[str, Any]] = [
        ("numbers", size),
        ("size", _bytes(trie.size_in_bytes)),
        ("bits per key", round(trie.bits_per_key, 2)),
        ("values", "yes (uint64)" if trie.has_values else "no (a set)"),
    ]
    if size:
        first = list(itertools.islice(iter(trie), 5))  # not keys(): that copies every key
        rows.append(("first numbers", ", ".join(f"+{k}" for k in first) + (", …" if size > 5 else "")))
    return _table("TrieStore", rows)


def database_html(db: Any) -> str:
    """numbers, reports, levels as of now and as of the newest report, bytes per store, settings."""
    numbers = len(db)
    rows: list[tuple[str, Any]] = [("numbers", numbers)]
    raw: set[str] = set()
    if numbers <= LEVELS_LIMIT:
        keys = db.keys()
        current = db.check_many(keys)
        newest = newest_report_seconds(current)  # from these columns: no pass of latest_report's own
        latest = datetime.datetime.fromtimestamp(newest, datetime.timezone.utc) if newest >= 0 else None
        rows.append(("reports", int(current["reports"].sum())))
        levels = [("levels now", current)]
        if latest is not None:
            levels.append((f"levels at the newest report ({latest.date().isoformat()})",
                           db.check_many(keys, now=latest)))
        for name, columns in levels:
            counts = np.bincount(columns["level"], minlength=len(_core.LEVEL_NAMES))
            rows.append((name, ", ".join(f"{_level(level)} {int(n):,}" for level, n in
                                         zip(_core.LEVEL_NAMES, counts.tolist()))))
            raw.add(name)
        rows.append(("newest report", latest or "(none)"))
    else:
        rows.append(("levels", f"not computed for {numbers:,} numbers: db.check_many(db.keys(), now=...)"))
    rows += [
        ("records trie", f"{_bytes(db.records_bytes)} ({db.records_bits_per_key:.1f} bits/number)"),
        ("Bloom filter", _bytes(db.bloom_bytes)),
        ("shards", db.shard_count),
        # delta_size counts numbers, each once (12 reports of one number in any number of batches: 1).
        ("numbers in reports added since the build (delta)", db.delta_size),
        ("half-life", f"{db.half_life_days:g} days"),
        ("region of national forms", db.region or "(none: international forms only)"),
    ]
    return _table("ReputationDB", rows, raw=frozenset(raw))
