"""Differential test against the `phonenumbers` package (Python port of libphonenumber).

Inputs: every 3-digit national prefix 000-999 after the trunk 0, each with every 4th digit
0-9 (so 4-digit rules such as 0121[0-3], 052[238] and 1800 are reached), padded with fixed
filler digits to national lengths 7 to 11: 50,000 inputs such as "0912 2345678"[:n].
Prefixes 000-099 make inputs starting "00", the international prefix: both libraries read
those as international numbers.

For each input both libraries answer: does it parse and to which E.164 key; and, for
Vietnamese keys both agree on, is it valid, of which type, and (valid mobiles) which carrier.
Plan answers for other country codes are compared by test_differential_world.py, not
here.

Every disagreement must belong to one class of ALLOWED, each with its reason; the classes are
explained in docs/vietnam-plan.md. A disagreement outside them fails the test and is named.
An allowed class that no longer matches anything fails too, so the list stays exact.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Callable, Optional

import pytest

import numrep
from conftest import or_skip, read_legacy_conversion

phonenumbers = pytest.importorskip("phonenumbers", reason="the differential test needs the phonenumbers package")
from phonenumbers import carrier as phonenumbers_carrier  # noqa: E402

# The phonenumbers release the allow-list was reviewed against. Another release may add or
# remove ranges; failures then say so, and the list needs a new review.
REVIEWED_WITH = "9.0.43"

FILLER = "2345678901"
LENGTHS = range(7, 12)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "vietnam-plan.md"


@dataclasses.dataclass(frozen=True)
class Answer:
    """What one library says about one input."""

    key: Optional[int]  # E.164 digits as an int; None when the input does not parse
    error: str = ""  # why it does not parse
    valid: Optional[bool] = None
    type: Optional[str] = None
    carrier: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class Disagreement:
    text: str  # the input, "0" + national digits
    aspect: str  # parse, key, valid, type or carrier
    ours: Answer
    theirs: Answer

    @property
    def nsn(self) -> str:
        return self.text[1:]

    def __str__(self) -> str:
        field = {"parse": "key", "key": "key"}.get(self.aspect, self.aspect)
        mine, other = getattr(self.ours, field), getattr(self.theirs, field)
        if self.aspect == "parse":
            mine = mine if mine is not None else f"error: {self.ours.error}"
            other = other if other is not None else f"error: {self.theirs.error}"
        return f"{self.text}: {self.aspect}: numrep {mine!r}, phonenumbers {other!r}"


PHONENUMBERS_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.UAN: "uan",
    phonenumbers.PhoneNumberType.UNKNOWN: "unknown",
}


def ask_numrep(text: str) -> Answer:
    try:
        number = numrep.parse(text)
    except numrep.ParseError as error:
        return Answer(None, error=str(error).rsplit(": ", 1)[-1])
    info = numrep.lookup(number)
    return Answer(number.key, valid=info.valid, type=info.type, carrier=info.carrier)


def key_of(parsed) -> int:
    leading_zeros = (parsed.number_of_leading_zeros or 1) if parsed.italian_leading_zero else 0
    return int(f"{parsed.country_code}{'0' * leading_zeros}{parsed.national_number}")


def ask_phonenumbers(text: str) -> Answer:
    try:
        parsed = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException as error:
        return Answer(None, error=str(error))
    kind = phonenumbers.number_type(parsed)
    return Answer(
        key_of(parsed),
        valid=phonenumbers.is_valid_number(parsed),
        type=PHONENUMBERS_TYPES.get(kind, f"other:{kind}"),
        carrier=phonenumbers_carrier.name_for_number(parsed, "en"),
    )


def compare(text: str) -> list[Disagreement]:
    ours, theirs = ask_numrep(text), ask_phonenumbers(text)
    found = []
    if (ours.key is None) != (theirs.key is None):
        found.append(Disagreement(text, "parse", ours, theirs))
    elif ours.key is not None and ours.key != theirs.key:
        found.append(Disagreement(text, "key", ours, theirs))
    elif ours.key is not None and numrep.parse(ours.key, region=None).country_code == 84:
        if ours.valid != theirs.valid:
            found.append(Disagreement(text, "valid", ours, theirs))
        elif ours.valid and ours.type != theirs.type:
            found.append(Disagreement(text, "type", ours, theirs))
        elif ours.valid and ours.type == "mobile" and ours.carrier != theirs.carrier:
            found.append(Disagreement(text, "carrier", ours, theirs))
    return found


def inputs(hundreds: int) -> list[str]:
    """Every input whose 3-digit prefix is in [100 * hundreds, 100 * hundreds + 99]."""
    texts = []
    for prefix in range(100 * hundreds, 100 * hundreds + 100):
        for fourth in "0123456789":
            for length in LENGTHS:
                texts.append("0" + (f"{prefix:03d}" + fourth + FILLER)[:length])
    return texts


# ---------------------------------------------------------------- the allow-list

LEGACY_ROWS, VSAT_ROW = or_skip(read_legacy_conversion)
LEGACY_NEW_PREFIX = {row.old: row.new for row in LEGACY_ROWS}

def is_legacy_mobile(d: Disagreement) -> bool:
    new = LEGACY_NEW_PREFIX.get(d.nsn[:3])
    return (
        d.aspect == "key" and len(d.nsn) == 10 and new is not None
        and d.ours.key == int("84" + new + d.nsn[3:]) and d.theirs.key == int("84" + d.nsn)
    )


def is_legacy_vsat(d: Disagreement) -> bool:
    return (
        d.aspect == "key" and len(d.nsn) == 9 and d.nsn.startswith(VSAT_ROW.old)
        and d.ours.key == int("84" + VSAT_ROW.new + d.nsn[3:]) and d.theirs.key == int("84" + d.nsn)
    )


def is_whole_block(d: Disagreement) -> bool:
    return (
        d.aspect == "valid" and d.ours.valid and not d.theirs.valid and len(d.nsn) == 9
        and d.nsn[:2] in ("52", "55", "89") and d.ours.type == "mobile"
    )


def is_big_city_landline(d: Disagreement) -> bool:
    return (
        d.aspect == "valid" and d.ours.valid and not d.theirs.valid and len(d.nsn) == 10
        and d.nsn[:2] in ("24", "28") and d.ours.type == "fixed_line"
    )


def carrier_pair(prefixes: tuple[str, ...], ours: str, theirs: str) -> Callable[[Disagreement], bool]:
    def matches(d: Disagreement) -> bool:
        return d.aspect == "carrier" and d.nsn.startswith(prefixes) and (d.ours.carrier, d.theirs.carrier) == (ours, theirs)

    return matches


def is_newer_phonenumbers_range(d: Disagreement) -> bool:
    return (
        d.aspect == "valid" and not d.ours.valid and d.theirs.valid and len(d.nsn) == 9
        and d.nsn.startswith("140") and d.theirs.type == "mobile" and d.theirs.carrier == "MobiFone"
    )


def is_leading_zeros_after_84(d: Disagreement) -> bool:
    """numrep drops every 0 left at the front of a Vietnamese national number; phonenumbers keeps them."""
    if d.aspect != "key" or d.ours.key is None or d.theirs.key is None:
        return False
    theirs = str(d.theirs.key)
    if not (theirs.startswith("840") and not d.theirs.valid):
        return False
    # what is left once the zeros are gone reads as any Vietnamese number (a legacy one is converted)
    return numrep.parse("+84" + theirs[2:].lstrip("0")).key == d.ours.key


@dataclasses.dataclass(frozen=True)
class Allowed:
    name: str
    reason: str
    matches: Callable[[Disagreement], bool]


ALLOWED = [
    Allowed(
        "legacy-11-digit-mobile",
        "numrep converts pre-2018 11-digit mobile numbers (0162 345 6789) to today's form (0323 456 789) as the "
        "2018 conversion table says; phonenumbers keeps the old digits and calls them invalid",
        is_legacy_mobile,
    ),
    Allowed(
        "legacy-vsat-0992",
        "old VSAT numbers 0992 + 6 digits moved to 0672 + 6 digits in the same 2018 plan; numrep converts them, "
        "phonenumbers keeps 0992 (which it does not accept as mobile either)",
        is_legacy_vsat,
    ),
    Allowed(
        "whole-block-allocation-052-055-089",
        "the blocks 052 (Vietnamobile), 055 (Reddi) and 089 (MobiFone) are allocated whole; phonenumbers accepts "
        "only 052[238], 0559 and 089[6-9]",
        is_whole_block,
    ),
    Allowed(
        "hanoi-hcmc-all-subscriber-ranges",
        "Hanoi (024) and Ho Chi Minh City (028) numbers are valid in every subscriber range; phonenumbers accepts "
        "only 024[2-8] and 028[2-9], yet numbers such as 0249xxxxxxx appear in reports",
        is_big_city_landline,
    ),
    Allowed(
        "itelecom-087",
        "087 is allocated to Itelecom (Indochina Telecom), an MVNO on Vinaphone's network since 2019; "
        "phonenumbers names the network, Vinaphone",
        carrier_pair(("87",), "Itelecom", "Vinaphone"),
    ),
    Allowed(
        "gmobile-099-whole-block",
        "099 is allocated to Gmobile (Gtel) as a whole block; phonenumbers names no carrier for 0990/0991",
        carrier_pair(("990", "991"), "Gmobile", ""),
    ),
    Allowed(
        "gmobile-0998-0999",
        "phonenumbers names Indochina Telecom for 0998/0999; the allocation is Gmobile's 099 block",
        carrier_pair(("998", "999"), "Gmobile", "Indochina Telecom"),
    ),
    Allowed(
        "gmobile-spelling",
        "same carrier, spelled G-Mobile by libphonenumber and Gmobile by numrep",
        carrier_pair(("59", "993", "994", "995", "996", "997"), "Gmobile", "G-Mobile"),
    ),
    Allowed(
        "phonenumbers-newer-than-reference-0140",
        "phonenumbers 9.0.43 accepts 0140 + 6 digits as MobiFone mobile; the libphonenumber data numrep's plan "
        "was cross-checked against (v9.0.35) and the allocation notices do not have it yet",
        is_newer_phonenumbers_range,
    ),
    Allowed(
        "leading-zeros-after-84",
        "a 0 at the front of a Vietnamese national number can only be dialling noise (the trunk prefix after "
        "+84, or zeros after the international prefix 00, which libphonenumber reads as a national number), so "
        "numrep drops it; phonenumbers keeps it and calls the number invalid",
        is_leading_zeros_after_84,
    ),
]


def classify(d: Disagreement) -> Optional[Allowed]:
    return next((allowed for allowed in ALLOWED if allowed.matches(d)), None)


@functools.cache
def disagreements(hundreds: int) -> tuple[Disagreement, ...]:
    return tuple(d for text in inputs(hundreds) for d in compare(text))


def version_note() -> str:
    installed = phonenumbers.__version__
    if installed == REVIEWED_WITH:
        return ""
    return f"\n(note: the allow-list was reviewed against phonenumbers {REVIEWED_WITH}; installed is {installed})"


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("hundreds", range(10), ids=[f"prefixes-{h}00-{h}99" for h in range(10)])
def test_every_disagreement_is_allowed_and_explained(hundreds):
    unexplained = [str(d) for d in disagreements(hundreds) if classify(d) is None]
    shown = "\n".join(unexplained[:60])
    more = f"\n... and {len(unexplained) - 60} more" if len(unexplained) > 60 else ""
    assert not unexplained, (
        f"{len(unexplained)} disagreement(s) with phonenumbers outside the allow-list:\n{shown}{more}{version_note()}"
    )


def test_every_allowed_class_still_occurs():
    used = {classify(d).name for h in range(10) for d in disagreements(h) if classify(d) is not None}
    stale = [allowed.name for allowed in ALLOWED if allowed.name not in used]
    assert not stale, f"allow-list classes that match no disagreement any more: {stale}{version_note()}"


def test_allowed_classes_are_documented():
    text = DOCS.read_text(encoding="utf-8")
    missing = [allowed.name for allowed in ALLOWED if f"`{allowed.name}`" not in text]
    assert not missing, f"allow-list classes not explained in {DOCS}: {missing}"


def test_the_comparison_covers_agreement_too():
    """Guards against a vacuous pass: most Vietnamese ranges must be compared and agree."""
    texts = [t for h in range(1, 10) for t in inputs(h)]
    both_valid = [t for t in texts if ask_numrep(t).valid and ask_phonenumbers(t).valid]
    kinds = {ask_numrep(t).type for t in both_valid}
    assert len(both_valid) > 4000
    assert kinds >= {"mobile", "fixed_line", "toll_free", "premium_rate", "voip", "uan"}
    named = [t for t in both_valid if ask_phonenumbers(t).carrier]
    assert len(named) > 3000


@pytest.mark.parametrize(
    "text, aspect, allowed",
    [
        ("01623456789", "key", "legacy-11-digit-mobile"),
        ("0992234567", "key", "legacy-vsat-0992"),
        ("0520234567", "valid", "whole-block-allocation-052-055-089"),
        ("0249234567" + "8", "valid", "hanoi-hcmc-all-subscriber-ranges"),
        ("0878234567", "carrier", "itelecom-087"),
        ("0998234567", "carrier", "gmobile-0998-0999"),
        ("0140234567", "valid", "phonenumbers-newer-than-reference-0140"),
        ("00002345678", "key", "leading-zeros-after-84"),
    ],
)
def test_known_cases_land_in_their_class(text, aspect, allowed):
    found = compare(text)
    assert [d.aspect for d in found] == [aspect], found
    assert classify(found[0]).name == allowed


def test_an_unlisted_disagreement_would_be_reported():
    made_up = Disagreement("0912345678", "carrier", Answer(84912345678, carrier="Vinaphone"),
                           Answer(84912345678, carrier="Viettel"))
    assert classify(made_up) is None
    assert str(made_up) == "0912345678: carrier: numrep 'Vinaphone', phonenumbers 'Viettel'"
