"""Allowed differences between numrep and phonenumbers in the world differential test
(test_differential_world.py). Every entry says why numrep answers differently on purpose.

A difference (world_corpus.Difference) is one aspect of one corpus entry:
  accept       one library parses the text, the other refuses it
  e164         both parse, to different numbers
  extension    both parse, with different extensions
  valid, type, region_code
               both parse to the same number and say different things of it
  exception    numrep raised something other than numrep.ParseError (never allow-listed)

Add an entry with one of:
  by_region(name, reason, home=..., region=..., aspects=...)
      every difference of entries made for a region (`home`: the region the number belongs to,
      "001" for non-geographic numbers) and/or parsed with a default region (`region`);
  by_pair(text, region, reason, aspects=...)
      one exact corpus entry (text, default region);
  Allowed(name, reason, predicate)
      a class of differences described by a predicate on the Difference.
Each reason is a sentence a reviewer can check. An entry that no longer matches any
difference fails test_every_allowed_entry_still_matches, so the list stays exact.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from typing import Callable, Optional

from world_corpus import Difference, reference_answer

PLAN_ASPECTS = frozenset({"valid", "type", "region_code"})
ALL_ASPECTS = frozenset({"accept", "e164", "extension"}) | PLAN_ASPECTS


@dataclasses.dataclass(frozen=True)
class Allowed:
    name: str
    reason: str
    matches: Callable[[Difference], bool]


def by_region(name: str, reason: str, *, home: Iterable[str] = (), region: Iterable[Optional[str]] = (),
              aspects: Iterable[str] = ALL_ASPECTS) -> Allowed:
    """Differences of entries made for a region in `home` or parsed with a default region in
    `region` (either may be empty), on the given aspects."""
    homes, regions, kinds = frozenset(home), frozenset(region), frozenset(aspects)
    assert homes or regions, "by_region needs home= or region="
    assert kinds <= ALL_ASPECTS, kinds - ALL_ASPECTS
    return Allowed(name, reason, lambda d: d.aspect in kinds and (d.home in homes or d.region in regions))


def by_pair(text: str, region: Optional[str], reason: str, aspects: Iterable[str] = ALL_ASPECTS) -> Allowed:
    """The differences of one corpus entry (text, default region), on the given aspects."""
    kinds = frozenset(aspects)
    assert kinds <= ALL_ASPECTS, kinds - ALL_ASPECTS
    return Allowed(f"{text!r} region={region}", reason,
                   lambda d: d.aspect in kinds and d.text == text and d.region == region)


# ---------------------------------------------------------------- Vietnam's overlay
# The same reasoning as the allow-list of test_differential_phonenumbers.py (classes explained
# in docs/vietnam-plan.md); that test compares every Vietnamese prefix and owns the details.

def _legacy_rows():
    try:
        from conftest import MissingReference, read_legacy_conversion
    except ImportError:  # run outside pytest without tests/python on the path
        return [], None
    try:
        return read_legacy_conversion()
    except MissingReference:
        return [], None


_LEGACY_MOBILE, _LEGACY_VSAT = _legacy_rows()
_LEGACY_NEW = {row.old: row.new for row in _LEGACY_MOBILE}


def _vn_nsn(e164: Optional[str]) -> Optional[str]:
    return e164[3:] if e164 and e164.startswith("+84") else None


def is_vn_legacy_mobile(d: Difference) -> bool:
    old = _vn_nsn(d.theirs.e164)
    return (
        d.aspect == "e164" and old is not None and len(old) == 10 and old[:3] in _LEGACY_NEW
        and _vn_nsn(d.ours.e164) == _LEGACY_NEW[old[:3]] + old[3:]
    )


def is_vn_legacy_vsat(d: Difference) -> bool:
    old = _vn_nsn(d.theirs.e164)
    return (
        d.aspect == "e164" and _LEGACY_VSAT is not None and old is not None and len(old) == 9
        and old.startswith(_LEGACY_VSAT.old) and _vn_nsn(d.ours.e164) == _LEGACY_VSAT.new + old[len(_LEGACY_VSAT.old):]
    )


def is_vn_plan_overlay(d: Difference) -> bool:
    return d.aspect in ("valid", "type") and d.ours.e164 == d.theirs.e164 and _vn_nsn(d.ours.e164) is not None


def is_vn_leading_zeros(d: Difference) -> bool:
    """numrep drops every 0 left at the front of a Vietnamese national number; phonenumbers keeps them.
    When fewer than two digits are left, numrep refuses the number as too short."""
    ours, theirs = _vn_nsn(d.ours.e164), _vn_nsn(d.theirs.e164)
    if d.aspect == "accept" and not d.ours.accepted and d.ours.error == "too short" and theirs is not None:
        return theirs.startswith("0") and len(theirs.lstrip("0")) < 2
    return (
        d.aspect == "e164" and ours is not None and theirs is not None and theirs.startswith("0")
        and theirs.lstrip("0") == ours
    )


# ---------------------------------------------------------------- everywhere


def is_longer_than_e164(d: Difference) -> bool:
    return d.aspect == "accept" and not d.ours.accepted and d.theirs.accepted and d.theirs.digits > 15


ALLOWED: list[Allowed] = [
    Allowed(
        "e164-longer-than-15-digits",
        "numrep's keys are E.164 numbers, at most 15 digits with the country code (ITU-T E.164); "
        "phonenumbers accepts national numbers of up to 17 digits and gives longer 'E.164' strings, "
        "which numrep refuses",
        is_longer_than_e164,
    ),
    Allowed(
        "vn-legacy-11-digit-mobile",
        "Vietnam's overlay: numrep converts pre-2018 11-digit mobile numbers (0162 345 6789) to today's "
        "form (0323 456 789) by the 2018 conversion table; phonenumbers keeps the old digits "
        "(class legacy-11-digit-mobile of test_differential_phonenumbers.py)",
        is_vn_legacy_mobile,
    ),
    Allowed(
        "vn-legacy-vsat-0992",
        "Vietnam's overlay: old VSAT numbers 0992 + 6 digits moved to 0672 + 6 digits in the 2018 plan; "
        "numrep converts them, phonenumbers keeps 0992 (class legacy-vsat-0992)",
        is_vn_legacy_vsat,
    ),
    Allowed(
        "vn-plan-overlay",
        "Vietnam's overlay: validity and type of +84 numbers follow the allocation notices (whole 052/055/089 "
        "blocks, every Hanoi/HCMC subscriber range, the type of a wrong-length number taken from its prefix); "
        "test_differential_phonenumbers.py classifies each such difference exactly, over every prefix",
        is_vn_plan_overlay,
    ),
    Allowed(
        "vn-leading-zeros",
        "Vietnam's overlay: no Vietnamese national number starts with 0, so numrep drops every 0 left after "
        "+84 and the trunk prefix ('+84 00912...', '840136') as dialling noise, keeping one key per subscriber; "
        "phonenumbers keeps the zeros (class leading-zeros-after-84 of test_differential_phonenumbers.py)",
        is_vn_leading_zeros,
    ),
]


def classify(d: Difference) -> Optional[Allowed]:
    """The first allow-list entry that explains `d`, or None."""
    return next((allowed for allowed in ALLOWED if allowed.matches(d)), None)


# ---------------------------------------------------------------- messy text
# Differences that only numbers written messily show (test_differential_messy.py); each class is
# one of the documented choices of docs/world-plan.md ("Where numrep answers differently").

# White space numrep reads between digits and libphonenumber does not: tab, line breaks, every
# Unicode space (thin, narrow no-break...), zero-width joiners, the byte-order mark and the
# bidirectional marks; and the middle dots numrep takes for separators. (Not the no-break,
# zero-width and ideographic spaces or the word joiner: libphonenumber has rules for those.)
NUMREP_ONLY_SPACES = frozenset(
    "\t\n\v\f\r\x85\u1680\u2028\u2029\u202f\u205f\u200c\u200d\ufeff\u061c\u200e\u200f\u00b7\u30fb"
    + "".join(map(chr, range(0x2000, 0x200B))) + "".join(map(chr, range(0x202A, 0x202F)))
    + "".join(map(chr, range(0x2066, 0x206A))))


# What numrep reads each of NUMREP_ONLY_SPACES as, in libphonenumber's terms: a tab as the
# no-break space (both may stand around extension labels, neither in "- 503#" or "/ x"), the
# middle dots as a dash; the rest as a space.
_AS_LIBPHONENUMBER = {"\t": "\u00a0", "\u00b7": "\u2010", "\u30fb": "\u2010"}


def _digits_of(text: str) -> str:
    """Decimal digits of any script as ASCII; other characters as they are."""
    return "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c for c in text)


def _bad_character_at(d: Difference) -> Optional[int]:
    """Where numrep's 'bad character' refusal points (code points), or None for other answers."""
    found = re.search(r"bad character .* at offset (\d+)$", d.ours.error)  # (a long text's quote is cut short)
    return int(found.group(1)) if found and not d.ours.accepted else None


def is_numrep_white_space(d: Difference) -> bool:
    """numrep reads the text; phonenumbers refuses it, but reads it as numrep does once every
    white space numrep alone accepts is a plain space."""
    if d.aspect != "accept" or not d.ours.accepted or d.theirs.accepted:
        return False
    if not any(c in NUMREP_ONLY_SPACES for c in d.text):
        return False
    spaced = reference_answer("".join(_AS_LIBPHONENUMBER.get(c, " ") if c in NUMREP_ONLY_SPACES else c
                                      for c in d.text), d.region)
    return spaced.e164 == d.ours.e164 and _digits_of(spaced.extension) == d.ours.extension


def is_text_before_number(d: Difference) -> bool:
    """numrep refuses a character written before the first digit or '+'; phonenumbers skips it."""
    at = _bad_character_at(d)
    return (d.aspect == "accept" and d.theirs.accepted and at is not None
            and not any(c in "+\uff0b" or unicodedata.decimal(c, None) is not None for c in d.text[:at + 1]))


_LETTER_RUN = r"[^\W\d_\u30fc]*"


def _numrep_e164(text: str, region: Optional[str]) -> Optional[str]:
    """numrep's E.164 form of `text`, or None when it refuses it."""
    import numrep

    try:
        return numrep.parse(text, region=region).e164
    except numrep.ParseError:
        return None


def is_stray_letter(d: Difference) -> bool:
    """numrep refuses one or two letters (of any script) among the digits; phonenumbers drops them.
    Not a run of three letters or more (extension labels, which numrep must read as phonenumbers
    does), nor letters phonenumbers read as keypad digits (a vanity number), nor an 'x' that
    phonenumbers took for an extension label."""
    at = _bad_character_at(d)
    if not (d.aspect == "accept" and d.theirs.accepted and at is not None and at < len(d.text)):
        return False
    # The run of letters around the flagged one; U+30FC (the katakana prolonged sound mark) is a
    # letter to Unicode but punctuation to libphonenumber, as to numrep.
    before = re.search(_LETTER_RUN + "$", d.text[:at])
    after = re.match(_LETTER_RUN, d.text[at:])
    letters = before.group(0) + after.group(0)
    if not 1 <= len(letters) <= 2:
        return False
    # phonenumbers dropped the letters, not read them as keypad digits (a vanity number): its
    # national number is written in the text's digits, or numrep reads the text without the
    # letters as phonenumbers read it with them (a trunk prefix transformed, as NF's "3").
    written = re.sub(r"\D", "", _digits_of(d.text))
    if d.theirs.e164 is None:
        return False
    if not any(d.theirs.e164[1 + cc:] in written for cc in (1, 2, 3)):
        dropped = d.text[:before.start()] + d.text[at + after.end():]
        if _numrep_e164(dropped, d.region) != d.theirs.e164:
            return False
    # An 'x' (in any case or width) is punctuation to phonenumbers, or an extension label: only
    # where it read no extension.
    return unicodedata.normalize("NFKC", letters).casefold() != "x" or d.theirs.extension == ""


def is_extension_over_19_digits(d: Difference) -> bool:
    """numrep refuses extensions of 20 digits (its extension is one uint64); phonenumbers reads up to 20."""
    return (d.aspect == "accept" and d.theirs.accepted and not d.ours.accepted and d.ours.error == "too long"
            and len(d.theirs.extension) == 20)


def is_extension_in_other_digits(d: Difference) -> bool:
    """An extension written in another script's digits: numrep keeps its value (ASCII digits),
    phonenumbers the characters as written."""
    return d.aspect == "extension" and _digits_of(d.theirs.extension) == d.ours.extension


MESSY_ALLOWED: list[Allowed] = [
    Allowed("white-space-numrep-reads",
            "numrep reads tabs, line breaks, every Unicode space, zero-width joiners and bidirectional marks "
            "as white space, and middle dots as separators; libphonenumber's punctuation lacks them and it "
            "refuses the text (a lenient reading, never another number: the test checks that phonenumbers "
            "reads the same number once they are plain spaces)",
            is_numrep_white_space),
    Allowed("text-before-the-number",
            "numrep refuses characters before the first digit or '+' ('Tel: 0912...', ':12', '#78'); "
            "libphonenumber skips whatever comes first, which may be another number's end",
            is_text_before_number),
    Allowed("stray-letters",
            "numrep refuses one or two letters among the digits ('123t', 'x12'): a typo is likelier than a "
            "number; libphonenumber drops them (three or more are vanity letters in both)",
            is_stray_letter),
    Allowed("extension-over-19-digits",
            "numrep keeps an extension as one 64-bit integer, at most 19 digits; phonenumbers reads up to 20 "
            "after an explicit label, which numrep refuses as too long",
            is_extension_over_19_digits),
    Allowed("extension-in-other-digits",
            "numrep keeps an extension's value, in ASCII digits, whatever script it was written in; "
            "phonenumbers keeps the characters as written ('\u0665' stays '\u0665')",
            is_extension_in_other_digits),
]


def classify_messy(d: Difference) -> Optional[Allowed]:
    """The allow-list entry (the world corpus' first, then the messy text's) that explains `d`."""
    return classify(d) or next((allowed for allowed in MESSY_ALLOWED if allowed.matches(d)), None)
