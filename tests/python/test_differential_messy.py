"""Differential test of numrep against `phonenumbers` on messy text: numbers written the way
copy-paste, word processors, other scripts and chat exports leave them.

The corpus (world_corpus.messy_corpus: 6,000 entries, deterministic) takes random example
numbers of every region, writes each in a random form (national, international, E.164,
RFC 3966, dialled from a random region), then disturbs it: separators changed or added (every
dash, full-width forms, ideographic, thin and narrow spaces, tabs, zero-width characters, '~',
'*', and characters neither library takes there), brackets, digits of other scripts, a
full-width plus, an extension with any of libphonenumber's labels, characters before the number
and after it (punctuation, quotes, bidirectional marks, a telephone sign).

As in test_differential_world.py, the reference is phonenumbers.parse(text, region): numrep must
give the same E.164 number and extension, refuse what it refuses, and say the same of validity,
type and region; every difference must belong to a class of the world allow-list or of
MESSY_ALLOWED (differential_allowlist.py), each a documented choice (docs/world-plan.md), and
every class of MESSY_ALLOWED must still be needed.

Run:  python -m pytest tests/python/test_differential_messy.py -s      (prints the summary)
"""

from __future__ import annotations

import collections
import dataclasses
from pathlib import Path
from typing import Optional

import numpy as np
import pytest

phonenumbers = pytest.importorskip("phonenumbers", reason="the differential test needs the phonenumbers package")

import numrep  # noqa: E402
import world_corpus  # noqa: E402
from differential_allowlist import MESSY_ALLOWED, Allowed, classify_messy  # noqa: E402
from test_differential_world import ask_numrep, compare  # noqa: E402
from world_corpus import Answer, Difference, Entry, reference_answer  # noqa: E402

DOCS = Path(__file__).resolve().parents[2] / "docs" / "world-plan.md"
SHOWN = 30


@dataclasses.dataclass
class Messy:
    entries: tuple[Entry, ...]
    ours: list[Answer]
    theirs: list[Answer]
    differences: list[Difference]
    allowed_by: list[Optional[Allowed]]  # per difference

    def __repr__(self) -> str:  # pytest shows the fixture on failure: keep it to one line
        return f"Messy({len(self.entries)} entries, {len(self.differences)} differences)"

    @property
    def unexplained(self) -> list[Difference]:
        return [d for d, a in zip(self.differences, self.allowed_by) if a is None]


@pytest.fixture(scope="module")
def messy() -> Messy:
    entries = world_corpus.messy_corpus()
    ours, theirs, differences = [], [], []
    for entry in entries:
        mine, _ = ask_numrep(entry.text, entry.region)
        reference = reference_answer(entry.text, entry.region)
        ours.append(mine)
        theirs.append(reference)
        differences += compare(entry, mine, reference)
    return Messy(entries, ours, theirs, differences, [classify_messy(d) for d in differences])


def test_summary(messy: Messy) -> None:
    both = sum(1 for o, t in zip(messy.ours, messy.theirs) if o.accepted and t.accepted)
    same = sum(1 for o, t in zip(messy.ours, messy.theirs) if o.accepted and t.accepted and o.e164 == t.e164)
    print(f"\nmessy text: {len(messy.entries)} entries; numrep parsed {sum(o.accepted for o in messy.ours)}, "
          f"phonenumbers {sum(t.accepted for t in messy.theirs)}; of the {both} both parsed, {same} to the "
          f"same E.164")
    classes = collections.Counter(a.name if a else "(unexplained)" for a in messy.allowed_by)
    for name, count in classes.most_common():
        print(f"  {name}: {count}")
    for d in messy.unexplained[:SHOWN]:
        print(f"  unexplained: {d}")


def test_the_corpus_is_messy_and_deterministic(messy: Messy) -> None:
    assert world_corpus.messy_corpus() is messy.entries  # cached: one corpus per run
    again = world_corpus.messy_corpus.__wrapped__()
    assert again == messy.entries
    texts = "".join(e.text for e in messy.entries)
    for wanted in ("\u2009", "\u202f", "\t", "\uff0b", "\u3002", "\u200e", "\u0660", "~", " ext"):
        assert wanted in texts, f"the messy corpus has no {wanted!r}"
    assert len({e.home for e in messy.entries}) > 200


def test_numrep_raises_only_parse_error(messy: Messy) -> None:
    raised = [d for d in messy.differences if d.aspect == "exception"]
    assert not raised, "\n".join(map(str, raised[:SHOWN]))


def test_every_difference_on_messy_text_is_explained(messy: Messy) -> None:
    unexplained = messy.unexplained
    assert not unexplained, f"{len(unexplained)} unexplained differences:\n" + "\n".join(
        map(str, unexplained[:SHOWN]))


def test_every_messy_class_still_occurs(messy: Messy) -> None:
    used = {a.name for a in messy.allowed_by if a is not None}
    stale = [a.name for a in MESSY_ALLOWED if a.name not in used]
    assert not stale, f"messy-text classes that match no difference any more: {stale}"


def test_messy_classes_are_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [a.name for a in MESSY_ALLOWED if f"`{a.name}`" not in text]
    assert not missing, f"classes not named in {DOCS.name}: {missing}"


def test_numbers_both_parse_are_the_same_number(messy: Messy) -> None:
    """Messy text explains no different number (only Vietnam's overlay does): a wrong key is worse
    than an error."""
    different = []
    for d, allowed in zip(messy.differences, messy.allowed_by):
        if d.aspect == "e164" and (allowed is None or not allowed.name.startswith("vn-")):
            different.append(d)
    assert not different, "\n".join(map(str, different[:SHOWN]))


def test_parse_many_gives_the_keys_of_parse(messy: Messy) -> None:
    """Every column kind (a list of str, NumPy's UTF-32 strings, an Arrow string array) gives the
    keys parse gives."""
    pyarrow = pytest.importorskip("pyarrow")
    by_region: dict[Optional[str], list[int]] = collections.defaultdict(list)
    for i, entry in enumerate(messy.entries):
        by_region[entry.region].append(i)
    for region, rows in by_region.items():
        texts = [messy.entries[i].text for i in rows]
        expected = [int(messy.ours[i].e164[1:]) if messy.ours[i].e164 else 0 for i in rows]
        for column in (texts, np.array(texts), pyarrow.array(texts, type=pyarrow.string())):
            # (An Arrow column's keys come back as Arrow, with nulls where parse_many of a list gives 0.)
            keys = [key or 0 for key in numrep.parse_many(column, region=region).tolist()]
            wrong = [(t, k, e) for t, k, e in zip(texts, keys, expected) if k != e]
            assert not wrong, f"{type(column).__name__}, region {region}: (text, key, parse's key) {wrong[:5]}"
