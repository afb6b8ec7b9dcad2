"""Differential test of numrep against `phonenumbers` (libphonenumber's Python port) for every
region libphonenumber knows (issue 8, "Targets and proof").

The corpus (world_corpus.py: about 33,000 entries, generated deterministically from the pinned
phonenumbers' metadata) holds every region's and every non-geographic entity's example number
of every type in every written form (national, international, E.164, RFC 3966, "+CC 0...",
dialled from other regions with their international prefixes), random valid and invalid
numbers of every region, random digit strings, and the hard cases of the issue. For each entry
(text, region) the reference is phonenumbers.parse(text, region):

- when phonenumbers refuses the text, numrep.parse must raise numrep.ParseError (and nothing
  else); when phonenumbers parses it, numrep must parse it too;
- then numrep must give the same E.164 number and extension;
- for the same number, numrep.lookup(key) must say what is_valid_number, number_type and
  region_code_for_number say (valid, type, region_code; None -> "").

Targets: the same E.164 on >= 99.9 % of the entries both parse; the same valid/type/region on
>= 99.9 % of the entries both parse to the same number; every difference at all (refusals
included) explained in differential_allowlist.py, and every entry there still needed.
parse_many must give the keys parse gives, lookup_many the validity lookup gives.

Run:  python -m pytest tests/python/test_differential_world.py -s     (prints the summary)
      NUMREP_WORLD_DIFFERENCES=/tmp/diff.tsv python -m pytest ... -s  (also writes every difference)
      python tests/python/world_corpus.py                             (corpus size by kind)
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import os
import time
from typing import Optional

import numpy as np
import pytest

phonenumbers = pytest.importorskip("phonenumbers", reason="the differential test needs the phonenumbers package")

import numrep  # noqa: E402
import world_corpus  # noqa: E402
from differential_allowlist import ALLOWED, Allowed, by_pair, by_region, classify  # noqa: E402
from world_corpus import Answer, Difference, Entry, reference_answer  # noqa: E402

TARGET = 0.999
# The targets are read strictly: an allow-listed difference is still a difference and
# counts against the 99.9 %. Set True to count allow-listed differences as agreement instead
# (the summary prints both figures either way).
RATES_COUNT_ALLOWED = False
SHOWN = 20  # entries with unexplained differences listed in the summary
PER_REGION = 3  # at most so many of them per region
MISSING = "<missing attribute>"


# ---------------------------------------------------------------- asking numrep


def parse_error_reason(error: Exception) -> str:
    """What follows the quoted text: 'numrep: cannot parse "TEXT": REASON'. A long text's quote
    ends '"... (82 bytes)', not '"', so the split is at the last ': ', which no reason holds."""
    return str(error).rsplit(": ", 1)[-1]


def ask_numrep(text: str, region: Optional[str]) -> tuple[Answer, int]:
    """numrep's answer for one entry, and the key (0 when it does not parse)."""
    try:
        number = numrep.parse(text, region=region)
    except numrep.ParseError as error:
        return Answer(None, error=parse_error_reason(error)), 0
    except Exception as error:
        return Answer(None, error=f"raised {type(error).__name__}, not ParseError: {error}"), -1
    extension = getattr(number, "extension", MISSING)
    try:
        info = numrep.lookup(number.key)
    except Exception as error:
        return Answer(number.e164, extension=extension, type=f"lookup raised {type(error).__name__}: {error}"), number.key
    return (
        Answer(number.e164, extension=extension, valid=info.valid, type=info.type,
               region_code=getattr(info, "region_code", MISSING)),
        number.key,
    )


# ---------------------------------------------------------------- comparing


def compare(entry: Entry, ours: Answer, theirs: Answer) -> list[Difference]:
    def difference(aspect: str) -> Difference:
        return Difference(entry, aspect, ours, theirs)

    if ours.error.startswith("raised "):
        return [difference("exception")]
    if ours.accepted != theirs.accepted:
        return [difference("accept")]
    if not ours.accepted:
        return []
    found = []
    if ours.e164 != theirs.e164:
        found.append(difference("e164"))
    if ours.extension != theirs.extension:
        found.append(difference("extension"))
    if ours.e164 == theirs.e164:
        found += [difference(aspect) for aspect in ("valid", "type", "region_code")
                  if getattr(ours, aspect) != getattr(theirs, aspect)]
    return found


@dataclasses.dataclass
class Outcome:
    entries: tuple[Entry, ...]
    ours: list[Answer]
    theirs: list[Answer]
    keys: list[int]  # numrep's key per entry, 0 when it does not parse, -1 when it raised otherwise
    differences: list[Difference]
    allowed_by: dict[int, Optional[Allowed]]  # id(difference) -> its allow-list entry
    seconds: dict[str, float]

    def __repr__(self) -> str:  # pytest shows the fixture on failure: keep it to one line
        return f"Outcome({len(self.entries)} entries, {len(self.differences)} differences)"

    @functools.cached_property
    def unexplained(self) -> list[Difference]:
        return [d for d in self.differences if self.allowed_by[id(d)] is None]

    def count(self, predicate) -> int:
        return sum(1 for o, t in zip(self.ours, self.theirs) if predicate(o, t))

    @functools.cached_property
    def both_accept(self) -> int:
        return self.count(lambda o, t: o.accepted and t.accepted)

    @functools.cached_property
    def same_e164(self) -> int:
        return self.count(lambda o, t: o.accepted and t.accepted and o.e164 == t.e164)

    @functools.cached_property
    def same_extension(self) -> int:
        return self.count(lambda o, t: o.accepted and t.accepted and o.extension == t.extension)

    @functools.cached_property
    def same_plan(self) -> int:
        return self.count(lambda o, t: o.accepted and t.accepted and o.e164 == t.e164
                          and (o.valid, o.type, o.region_code) == (t.valid, t.type, t.region_code))

    @functools.cached_property
    def allowed_e164(self) -> int:
        """Entries both parse, to different numbers, with every difference allow-listed."""
        return self._allowed_entries(lambda o, t: o.e164 != t.e164)

    @functools.cached_property
    def allowed_plan(self) -> int:
        """Entries both parse to the same number, whose plan differences are all allow-listed."""
        return self._allowed_entries(lambda o, t: o.e164 == t.e164
                                     and (o.valid, o.type, o.region_code) != (t.valid, t.type, t.region_code))

    def _allowed_entries(self, selected) -> int:
        unexplained_entries = {id(d.entry) for d in self.unexplained}
        return sum(1 for e, o, t in zip(self.entries, self.ours, self.theirs)
                   if o.accepted and t.accepted and selected(o, t) and id(e) not in unexplained_entries)

    @property
    def e164_rate(self) -> float:
        same = self.same_e164 + (self.allowed_e164 if RATES_COUNT_ALLOWED else 0)
        return same / max(1, self.both_accept)

    @property
    def plan_rate(self) -> float:
        same = self.same_plan + (self.allowed_plan if RATES_COUNT_ALLOWED else 0)
        return same / max(1, self.same_e164)


@functools.cache
def outcome() -> Outcome:
    seconds = {}
    started = time.perf_counter()
    entries = world_corpus.corpus()
    seconds["corpus"] = time.perf_counter() - started

    started = time.perf_counter()
    theirs = [reference_answer(e.text, e.region) for e in entries]
    seconds["phonenumbers"] = time.perf_counter() - started

    started = time.perf_counter()
    asked = [ask_numrep(e.text, e.region) for e in entries]
    seconds["numrep"] = time.perf_counter() - started
    ours = [answer for answer, _ in asked]
    keys = [key for _, key in asked]

    differences = [d for e, o, t in zip(entries, ours, theirs) for d in compare(e, o, t)]
    allowed_by = {id(d): (None if d.aspect == "exception" else classify(d)) for d in differences}
    return Outcome(entries, ours, theirs, keys, differences, allowed_by, seconds)


# ---------------------------------------------------------------- the summary


def percent(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / max(1, whole):.3f} %"


def summary(result: Outcome) -> str:
    n = len(result.entries)
    both_refuse = result.count(lambda o, t: not o.accepted and not t.accepted)
    numrep_only = result.count(lambda o, t: o.accepted and not t.accepted)
    phonenumbers_only = result.count(lambda o, t: not o.accepted and t.accepted)
    missing = sorted({name for o in result.ours for name, value in (("PhoneNumber.extension", o.extension),
                                                                  ("NumberInfo.region_code", o.region_code))
                      if value == MISSING})
    timing = ", ".join(f"{name} {s:.1f} s" for name, s in result.seconds.items())
    lines = [
        f"world differential: numrep {getattr(numrep, '__version__', '?')} vs phonenumbers "
        f"{phonenumbers.__version__} (reviewed with {world_corpus.REVIEWED_WITH}); {timing}",
        f"  corpus: {n} entries, {len({e.home for e in result.entries})} regions; both parse {result.both_accept}, "
        f"both refuse {both_refuse}, only numrep parses {numrep_only}, only phonenumbers parses {phonenumbers_only}",
        f"  same E.164:          {percent(result.same_e164, result.both_accept)} of entries both parse; "
        f"same or allow-listed {percent(result.same_e164 + result.allowed_e164, result.both_accept)} (target >= 99.9 %"
        f"{', allow-listed count' if RATES_COUNT_ALLOWED else ''})",
        f"  same extension:      {percent(result.same_extension, result.both_accept)}",
        f"  same valid/type/region: {percent(result.same_plan, result.same_e164)} of entries with the same E.164; "
        f"same or allow-listed {percent(result.same_plan + result.allowed_plan, result.same_e164)}",
    ]
    misread = [(e, o) for e, o, t in zip(result.entries, result.ours, result.theirs)
               if e.intended and e.kind != "hand" and t.e164 != e.intended]
    if misread:
        by_caller = collections.Counter(str(e.region) for e, _ in misread)
        numrep_right = sum(1 for e, o in misread if o.e164 == e.intended)
        lines.append(f"  phonenumbers does not read {len(misread)} generated entries back to the number they were written "
                     f"from (numrep does for {numrep_right}); by default region: "
                     + ", ".join(f"{r} {c}" for r, c in by_caller.most_common(10)))
    if missing:
        lines.append(f"  numrep lacks {', '.join(missing)}: every such answer counts as a difference")

    aspects = collections.Counter(d.aspect for d in result.differences)
    unexplained_aspects = collections.Counter(d.aspect for d in result.unexplained)
    lines.append("  differences by aspect (unexplained/all): " + ", ".join(
        f"{a} {unexplained_aspects[a]}/{aspects[a]}" for a in sorted(aspects)) if aspects else "  no differences")
    used = collections.Counter(a.name for a in result.allowed_by.values() if a is not None)
    if used:
        lines.append("  allow-listed: " + ", ".join(f"{name} {count}" for name, count in used.most_common()))

    unexplained = result.unexplained
    if unexplained:
        entries_hit = len({id(d.entry) for d in unexplained})
        lines.append(f"  UNEXPLAINED: {len(unexplained)} differences in {entries_hit} entries")
        by_home: dict[str, list[Difference]] = collections.defaultdict(list)
        for d in unexplained:
            by_home[d.home].append(d)
        ranked = sorted(by_home.items(), key=lambda item: (-len(item[1]), item[0]))
        lines.append("  by region: " + ", ".join(f"{home} {len(ds)}" for home, ds in ranked[:40])
                     + (f", ... ({len(ranked)} regions)" if len(ranked) > 40 else ""))
        by_kind = collections.Counter(d.entry.kind.split(":")[0].split("/")[0] + "/" + d.entry.kind.split("/")[-1]
                                      if d.entry.kind.startswith("example") else d.entry.kind.split("/")[0]
                                      for d in unexplained)
        lines.append("  by written form: " + ", ".join(f"{k} {c}" for k, c in by_kind.most_common(12)))
        lines.append(f"  first {SHOWN} entries (wrong keys first, then refusals, extensions, plan answers), by region:")
        lines += first_entries(unexplained, by_home)
    return "\n".join(lines)


SEVERITY = {"exception": 0, "e164": 1, "accept": 2, "extension": 3, "valid": 4, "type": 4, "region_code": 4}


def describe(entry: Entry, differences: list[Difference]) -> str:
    """One line for one entry: where it comes from and every aspect it differs on."""
    ours, theirs = differences[0].ours, differences[0].theirs
    parts: list[str] = []
    for aspect in sorted({d.aspect for d in differences}, key=lambda a: SEVERITY[a]):
        if aspect in ("valid", "type", "region_code"):
            text = Difference(entry, "valid", ours, theirs).values().replace("valid:", "valid/type/region:", 1)
        elif aspect == "extension" and ours.extension == MISSING:
            continue  # said once in the summary
        else:
            text = Difference(entry, aspect, ours, theirs).values()
        if text not in parts:
            parts.append(text)
    if not parts:
        parts.append("extension: numrep has no .extension")
    number = f" [{theirs.e164}]" if theirs.accepted else ""
    if entry.intended and theirs.e164 != entry.intended:
        number += f" (written from {entry.intended})"
    return f"{entry.text!r} region={entry.region}{number} ({entry.kind}): " + "; ".join(parts)


def first_entries(unexplained: list[Difference], by_home: dict[str, list[Difference]]) -> list[str]:
    per_entry: dict[int, list[Difference]] = collections.defaultdict(list)
    for d in unexplained:
        per_entry[id(d.entry)].append(d)
    ranked = sorted(per_entry.values(), key=lambda ds: min(SEVERITY[d.aspect] for d in ds))
    grouped: dict[str, list[list[Difference]]] = collections.defaultdict(list)
    for ds in ranked:  # at most PER_REGION entries of a region, so that more causes show
        if len(grouped[ds[0].home]) < PER_REGION:
            grouped[ds[0].home].append(ds)
            if sum(map(len, grouped.values())) >= SHOWN:
                break
    lines = []
    for home, groups in grouped.items():
        if not groups:
            continue
        lines.append(f"  {home} ({len(by_home[home])} unexplained differences):")
        lines += [f"    {describe(ds[0].entry, ds)}" for ds in groups]
    return lines


def write_differences(result: Outcome, path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("aspect\tallowed\thome\tregion\ttext\tkind\twritten_from\tnumrep\tphonenumbers\n")
        for d in result.differences:
            allowed = result.allowed_by[id(d)]
            out.write("\t".join([
                d.aspect, allowed.name if allowed else "", d.home, str(d.region), d.text, d.entry.kind,
                d.entry.intended or "", repr(d.ours), repr(d.theirs)]) + "\n")


@pytest.fixture(scope="module")
def result() -> Outcome:
    return outcome()


# ---------------------------------------------------------------- tests


def test_summary(result):
    """Prints the summary (run with -s); writes every difference where NUMREP_WORLD_DIFFERENCES says."""
    print("\n" + summary(result))
    path = os.environ.get("NUMREP_WORLD_DIFFERENCES")
    if path:
        write_differences(result, path)
        print(f"  every difference written to {path}")


def test_corpus_is_deterministic_and_covers_the_world(result):
    entries = result.entries
    assert 20_000 <= len(entries) <= 60_000, len(entries)
    assert list(entries) == world_corpus.generate(), "the corpus must not depend on the run"
    assert world_corpus.generate(["KR", "VN", "001"]) == world_corpus.generate(["VN", "001", "KR"])
    homes = {e.home for e in entries}
    assert homes >= set(phonenumbers.SUPPORTED_REGIONS) | {world_corpus.NONGEO}
    hand = {(e.text, e.region) for e in entries if e.kind == "hand"}
    assert hand == {(e.text, e.region) for e in world_corpus.HAND_CASES}
    kinds = {e.kind.split("/")[0].split(":")[0] for e in entries}
    assert kinds >= {"example", "dialled", "idd", "extension", "random-valid", "random-digits", "hand"}
    # the reference parses most entries and finds every type among them
    parsed = [t for t in result.theirs if t.accepted]
    assert len(parsed) > 0.8 * len(entries)
    assert {t.type for t in parsed if t.valid} == set(world_corpus.TYPE_NAMES.values()) - {"unknown"}


def test_numrep_has_the_world_api():
    number = numrep.parse("+1 469 257 6503", region=None)
    assert hasattr(number, "extension"), "PhoneNumber has no .extension"
    assert hasattr(numrep.lookup(number.key), "region_code"), "NumberInfo has no .region_code"


def test_same_e164_on_999_per_mille(result):
    assert result.e164_rate >= TARGET, summary(result)


def test_same_valid_type_region_on_999_per_mille(result):
    assert result.plan_rate >= TARGET, summary(result)


def test_numrep_raises_only_parse_error(result):
    raised = [d for d in result.differences if d.aspect == "exception"]
    assert not raised, "\n".join(str(d) for d in raised[:SHOWN])


def test_every_difference_is_allow_listed(result):
    assert not result.unexplained, summary(result)


def test_every_allowed_entry_still_matches(result):
    used = {a.name for a in result.allowed_by.values() if a is not None}
    stale = [a.name for a in ALLOWED if a.name not in used]
    assert not stale, f"allow-list entries that match no difference any more: {stale}"


def test_parse_many_gives_the_keys_of_parse(result):
    by_region: dict[Optional[str], list[int]] = collections.defaultdict(list)
    for i, entry in enumerate(result.entries):
        by_region[entry.region].append(i)
    mismatches = []
    for region, indices in by_region.items():
        keys = numrep.parse_many([result.entries[i].text for i in indices], region=region)
        assert keys.dtype == np.uint64 and len(keys) == len(indices)
        for i, key in zip(indices, keys.tolist()):
            expected = max(result.keys[i], 0)
            if key != expected:
                mismatches.append(f"{result.entries[i].text!r} region={region}: parse_many {key}, parse {expected}")
    assert not mismatches, f"{len(mismatches)} keys differ:\n" + "\n".join(mismatches[:SHOWN])


def test_lookup_many_agrees_with_lookup(result):
    keys = np.array(sorted({k for k in result.keys if k > 0}), dtype=np.uint64)
    columns = numrep.lookup_many(keys)
    valid = np.asarray(columns["valid"])
    by_key = {key: answer for key, answer in zip(result.keys, result.ours) if key > 0}
    wrong = [int(k) for k, v in zip(keys.tolist(), valid.tolist()) if bool(v) != by_key[k].valid]
    assert not wrong, f"lookup_many's valid differs from lookup's for {len(wrong)} keys, e.g. {wrong[:10]}"


def test_an_unlisted_difference_would_be_reported():
    entry = Entry("+49 30 123456", None, "hand", "DE")
    made_up = Difference(entry, "e164", Answer("+4930123456"), Answer("+49030123456"))
    assert classify(made_up) is None
    assert by_pair("+49 30 123456", None, "made up", aspects={"e164"}).matches(made_up)
    assert not by_pair("+49 30 123456", "DE", "made up").matches(made_up)
    assert by_region("made up", "made up", home={"DE"}).matches(made_up)
    assert not by_region("made up", "made up", region={"DE"}, aspects={"accept"}).matches(made_up)
    assert str(made_up) == "'+49 30 123456' region=None (hand): e164: numrep +4930123456, phonenumbers +49030123456"
