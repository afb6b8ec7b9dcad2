"""The world corpus for the differential test against `phonenumbers` (test_differential_world.py).

Every entry is a written phone number and the default region to parse it with, generated
deterministically (fixed seeds) from the metadata that the pinned `phonenumbers` ships:

- ``example``: every region of ``phonenumbers.SUPPORTED_REGIONS`` and every non-geographic
  country code (+800, +808, +870, ...) x every number type that has an example number, each
  written as NATIONAL, INTERNATIONAL, E164 (with the home region and with no default region)
  and RFC3966 by ``format_number``;
- ``slip``, ``paren-trunk``: the same example numbers written ``+CC 0...`` and ``+CC (0)...``
  (international form with the national prefix left in) where the region has a national prefix;
- ``dialled``: each example number dialled from CALLERS with
  ``format_out_of_country_calling_number``, parsed with the calling region as default;
- ``idd``: numbers dialled from EVERY region with its own international prefixes, expanded
  from the metadata's pattern (KR's 001, 002, 00700, ...; AU's 0011 and 14110011; the ``~``
  forms such as RU's 8~10), parsed with that region as default;
- ``extension``: one number per region with an extension, written `` x123``, `` ext. 12`` and
  RFC 3966 ``;ext=``;
- ``random-valid``: example numbers with some of their last digits changed at random, kept when
  ``phonenumbers.is_valid_number`` says valid, each in two randomly chosen written forms;
- ``random-invalid``: the same, kept when it says invalid, in one random written form;
- ``random-digits``: random digit strings of random lengths (1 to 18), with and without ``+``,
  for every region and for no default region (mostly invalid or unparseable);
- ``hand``: the hard cases from issue 8 and the Vietnamese overlay cases.

The reference answer for an entry is what `phonenumbers` says (``reference_answer``).
Run ``python tests/python/world_corpus.py`` to print the corpus size by kind.
"""

from __future__ import annotations

import dataclasses
import functools
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Optional

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType

try:  # Python >= 3.11
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

# The phonenumbers release the corpus and the allow-list were reviewed against.
REVIEWED_WITH = "9.0.43"
SEED = 20240808

# Calling regions for format_out_of_country_calling_number (several have pattern or "~"
# international prefixes: RU 8~10, KR 00(?:[125689]|...), HK, AU 0011, BR, SG 0[0-3]\d).
CALLERS = ("US", "GB", "DE", "RU", "KR", "HK", "AU", "BR", "SG", "VN")

# International prefixes tried per region in the ``idd`` forms, and example numbers per prefix.
IDD_PREFIXES_PER_REGION = 6
IDD_NUMBERS_PER_PREFIX = 3
RANDOM_VALID_PER_EXAMPLE = 4  # each written in two random forms
RANDOM_INVALID_PER_EXAMPLE = 1
RANDOM_VALID_TRIES = 60
RANDOM_DIGITS_PER_REGION = 20

# libphonenumber's PhoneNumberType -> numrep's type names.
TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}

# Number types with example numbers (example_number_for_type answers FIXED_LINE_OR_MOBILE with
# the fixed-line example, so it adds nothing).
EXAMPLE_TYPES = tuple(t for t in TYPE_NAMES if t not in (PhoneNumberType.UNKNOWN, PhoneNumberType.FIXED_LINE_OR_MOBILE))

# Descriptor attribute of PhoneMetadata per type, for the non-geographic entities.
NONGEO_DESCRIPTORS = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "voip",
                      "personal_number", "pager", "uan", "voicemail")

NONGEO = "001"


@dataclasses.dataclass(frozen=True)
class Entry:
    text: str  # the written number
    region: Optional[str]  # default region for both libraries; None = no default region
    kind: str  # how it was made: example/national, dialled/KR, idd, random-valid, hand, ...
    home: str  # the region the entry was made for ("001" for non-geographic numbers)
    intended: Optional[str] = None  # E.164 of the number it was written from; None for random digits
    note: str = ""  # for hand-written cases: why the case is there


@dataclasses.dataclass(frozen=True)
class Answer:
    """What one library says about one entry."""

    e164: Optional[str]  # "+14692576503"; None when the text does not parse
    error: str = ""  # why it does not parse
    extension: str = ""
    valid: Optional[bool] = None
    type: Optional[str] = None
    region_code: Optional[str] = None  # "" when none

    @property
    def accepted(self) -> bool:
        return self.e164 is not None

    @property
    def digits(self) -> int:
        """Digits of the E.164 form (country code included); 0 when refused."""
        return len(self.e164) - 1 if self.e164 else 0


@dataclasses.dataclass(frozen=True)
class Difference:
    """One aspect on which numrep and phonenumbers disagree for one corpus entry."""

    entry: Entry
    aspect: str  # accept, e164, extension, valid, type, region_code, exception
    ours: Answer  # numrep
    theirs: Answer  # phonenumbers

    @property
    def text(self) -> str:
        return self.entry.text

    @property
    def region(self) -> Optional[str]:
        return self.entry.region

    @property
    def home(self) -> str:
        return self.entry.home

    def values(self) -> str:
        """'aspect: numrep X, phonenumbers Y' (for a plan aspect, the whole valid/type/region)."""
        if self.aspect in ("accept", "exception"):
            mine = self.ours.e164 if self.ours.accepted else f"error: {self.ours.error}"
            other = self.theirs.e164 if self.theirs.accepted else f"error: {self.theirs.error}"
        elif self.aspect in ("valid", "type", "region_code"):
            mine = f"{self.ours.valid}/{self.ours.type}/{self.ours.region_code!r}"
            other = f"{self.theirs.valid}/{self.theirs.type}/{self.theirs.region_code!r}"
        else:
            mine, other = getattr(self.ours, self.aspect), getattr(self.theirs, self.aspect)
        return f"{self.aspect}: numrep {mine}, phonenumbers {other}"

    def __str__(self) -> str:
        number = f" [{self.theirs.e164}]" if self.aspect in ("valid", "type", "region_code") else ""
        return f"{self.entry.text!r} region={self.entry.region}{number} ({self.entry.kind}): {self.values()}"


# ---------------------------------------------------------------- the reference


def reference_answer(text: str, region: Optional[str]) -> Answer:
    """What phonenumbers says: parse, then E.164, extension, validity, type and region code."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        return Answer(None, error=str(error))
    kind = phonenumbers.number_type(number)
    return Answer(
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
        extension=number.extension or "",
        valid=phonenumbers.is_valid_number(number),
        type=TYPE_NAMES.get(kind, f"other:{kind}"),
        region_code=phonenumbers.region_code_for_number(number) or "",
    )


# ---------------------------------------------------------------- international prefixes


def expand_pattern(pattern: str, limit: int = 20_000) -> list[str]:
    """Every digit string that fully matches `pattern` (an international-prefix pattern of
    libphonenumber's metadata: literals, classes, alternation, groups, bounded repeats),
    shortest first; at most `limit` of them."""

    def expand(items) -> list[str]:
        results = [""]
        for op, arg in items:
            if op is sre_constants.LITERAL:
                options = [chr(arg)]
            elif op is sre_constants.IN:
                options = sorted(set(in_class(arg)))
            elif op is sre_constants.BRANCH:
                options = [s for branch in arg[1] for s in expand(branch)]
            elif op is sre_constants.SUBPATTERN:
                options = expand(arg[-1])
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, sub = arg
                if high is sre_constants.MAXREPEAT:
                    high = low + 2
                body = expand(sub)
                options = []
                for count in range(low, high + 1):
                    layer = [""]
                    for _ in range(count):
                        layer = [a + b for a in layer for b in body][:limit]
                    options.extend(layer)
            elif op is sre_constants.CATEGORY and arg is sre_constants.CATEGORY_DIGIT:
                options = list("0123456789")
            else:
                raise ValueError(f"unsupported construct {op} in international prefix pattern {pattern!r}")
            results = [a + b for a in results for b in options][:limit]
        return results

    def in_class(items) -> Iterator[str]:
        for op, arg in items:
            if op is sre_constants.LITERAL:
                yield chr(arg)
            elif op is sre_constants.RANGE:
                yield from (chr(c) for c in range(arg[0], arg[1] + 1))
            elif op is sre_constants.CATEGORY and arg is sre_constants.CATEGORY_DIGIT:
                yield from "0123456789"
            else:
                raise ValueError(f"unsupported class item {op} in {pattern!r}")

    found = sorted(set(expand(sre_parse.parse(pattern))), key=lambda s: (len(s), s))
    assert all(re.fullmatch(pattern, s) for s in found), pattern
    return found


@functools.cache
def international_prefixes(region: str) -> tuple[str, ...]:
    """Written international prefixes of `region`: the preferred one as written (with its
    "~" when it has one), then a deterministic sample of the pattern's expansions, shortest
    first; at most IDD_PREFIXES_PER_REGION."""
    metadata = PhoneMetadata.metadata_for_region(region)
    assert metadata is not None, region
    chosen: list[str] = []
    if metadata.preferred_international_prefix:
        chosen.append(metadata.preferred_international_prefix)
    if metadata.international_prefix:
        expanded = expand_pattern(metadata.international_prefix)
        rng = random.Random(f"{SEED}:idd-prefixes:{region}")
        shortest = expanded[:2]
        rest = [p for p in expanded if p not in shortest]
        sample = shortest + rng.sample(rest, min(len(rest), IDD_PREFIXES_PER_REGION))
        chosen.extend(p for p in sample if p not in chosen)
    return tuple(chosen[:IDD_PREFIXES_PER_REGION])


# ---------------------------------------------------------------- example numbers


@dataclasses.dataclass(frozen=True)
class Example:
    home: str  # region, or "001"
    type_name: str  # the type it is the example of
    number: phonenumbers.PhoneNumber


def national_significant(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.national_significant_number(number)


def region_examples(region: str) -> list[Example]:
    found: list[Example] = []
    seen: set[str] = set()
    for kind in EXAMPLE_TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is None:
            continue
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        if e164 not in seen:
            seen.add(e164)
            found.append(Example(region, TYPE_NAMES[kind], number))
    return found


def nongeo_country_codes() -> list[int]:
    return sorted(cc for cc, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items() if NONGEO in regions)


def nongeo_examples(country_code: int) -> list[Example]:
    metadata = PhoneMetadata.metadata_for_nongeo_region(country_code)
    found: list[Example] = []
    seen: set[str] = set()
    for attribute in NONGEO_DESCRIPTORS:
        descriptor = getattr(metadata, attribute, None)
        example = getattr(descriptor, "example_number", None) if descriptor is not None else None
        if not example or example in seen:
            continue
        seen.add(example)
        found.append(Example(NONGEO, attribute, phonenumbers.parse(f"+{country_code}{example}", None)))
    return found


@functools.cache
def all_examples(regions: Optional[tuple[str, ...]] = None) -> tuple[Example, ...]:
    chosen = sorted(phonenumbers.SUPPORTED_REGIONS) if regions is None else [r for r in regions if r != NONGEO]
    examples = [e for region in chosen for e in region_examples(region)]
    if regions is None or NONGEO in regions:
        examples += [e for cc in nongeo_country_codes() for e in nongeo_examples(cc)]
    return tuple(examples)


# ---------------------------------------------------------------- written forms


def default_region(example: Example) -> Optional[str]:
    return None if example.home == NONGEO else example.home


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def basic_forms(example: Example) -> list[Entry]:
    n, home, region = example.number, example.home, default_region(example)
    kind, intended = f"example:{example.type_name}", e164(n)
    fmt = functools.partial(phonenumbers.format_number, n)
    forms = [
        # with no default region (non-geographic numbers) the national form cannot be read back
        Entry(fmt(PhoneNumberFormat.NATIONAL), region, f"{kind}/national", home, intended if region else None),
        Entry(fmt(PhoneNumberFormat.INTERNATIONAL), region, f"{kind}/international", home, intended),
        Entry(fmt(PhoneNumberFormat.E164), region, f"{kind}/e164", home, intended),
        Entry(fmt(PhoneNumberFormat.E164), None, f"{kind}/e164-no-region", home, intended),
        Entry(fmt(PhoneNumberFormat.RFC3966), region, f"{kind}/rfc3966", home, intended),
    ]
    forms += trunk_slips(example, kind)
    return forms


def trunk_slips(example: Example, kind: str) -> list[Entry]:
    """'+CC 0...' and '+CC (0)...': the international form with the national prefix left in."""
    if example.home == NONGEO:
        return []
    metadata = PhoneMetadata.metadata_for_region(example.home)
    assert metadata is not None, example.home
    prefix = metadata.national_prefix
    national = phonenumbers.format_number(example.number, PhoneNumberFormat.NATIONAL)
    if not prefix or not national.startswith(prefix):
        return []
    cc = f"+{example.number.country_code}"
    rest = national[len(prefix):].lstrip()
    intended = e164(example.number)
    return [
        Entry(f"{cc} {national}", example.home, f"{kind}/slip", example.home, intended),
        Entry(f"{cc} ({prefix}){rest}", example.home, f"{kind}/paren-trunk", example.home, intended),
    ]


def dialled_forms(example: Example, callers: Iterable[str] = CALLERS) -> list[Entry]:
    return [
        Entry(phonenumbers.format_out_of_country_calling_number(example.number, caller), caller,
              f"dialled/{caller}", example.home, e164(example.number))
        for caller in callers
    ]


def idd_forms(regions: Sequence[str], examples: Sequence[Example]) -> list[Entry]:
    """Numbers dialled from every region with each of its international prefixes."""
    entries = []
    for caller in regions:
        rng = random.Random(f"{SEED}:idd:{caller}")
        for prefix in international_prefixes(caller):
            for example in rng.sample(list(examples), min(len(examples), IDD_NUMBERS_PER_PREFIX)):
                cc, nsn = example.number.country_code, national_significant(example.number)
                text = rng.choice([f"{prefix} {cc} {nsn}", f"{prefix}{cc}{nsn}", f"{prefix} {cc} {nsn[:3]} {nsn[3:]}"])
                entries.append(Entry(text, caller, f"idd/{prefix}", example.home, e164(example.number)))
    return entries


def extension_forms(example: Example) -> list[Entry]:
    n, region = example.number, default_region(example)
    with_extension = phonenumbers.PhoneNumber()
    with_extension.merge_from(n)
    with_extension.extension = "1234"
    home, intended = example.home, e164(n)
    return [
        Entry(phonenumbers.format_number(n, PhoneNumberFormat.NATIONAL) + " x123", region, "extension/x", home,
              intended if region else None),
        Entry(phonenumbers.format_number(n, PhoneNumberFormat.INTERNATIONAL) + " ext. 12", region, "extension/ext.",
              home, intended),
        Entry(phonenumbers.format_number(with_extension, PhoneNumberFormat.RFC3966), region, "extension/rfc3966",
              home, intended),
    ]


def random_numbers(example: Example, rng: random.Random) -> tuple[list[phonenumbers.PhoneNumber], list[phonenumbers.PhoneNumber]]:
    """(valid, invalid) numbers made from `example` by changing some of its last digits: 1 to 4
    digits in half of the tries, up to all but the first in the other half."""
    cc, nsn = example.number.country_code, national_significant(example.number)
    valid: list[phonenumbers.PhoneNumber] = []
    invalid: list[phonenumbers.PhoneNumber] = []
    seen = {nsn}
    for attempt in range(RANDOM_VALID_TRIES):
        if len(valid) >= RANDOM_VALID_PER_EXAMPLE and len(invalid) >= RANDOM_INVALID_PER_EXAMPLE:
            break
        most = max(1, min(4, len(nsn) - 2)) if attempt % 2 == 0 else max(1, len(nsn) - 1)
        changed = rng.randint(1, most)
        candidate = nsn[:-changed] + "".join(rng.choice("0123456789") for _ in range(changed))
        if candidate in seen:
            continue
        seen.add(candidate)
        try:
            number = phonenumbers.parse(f"+{cc}{candidate}", None)
        except phonenumbers.NumberParseException:
            continue
        kept = valid if phonenumbers.is_valid_number(number) else invalid
        if len(kept) < (RANDOM_VALID_PER_EXAMPLE if kept is valid else RANDOM_INVALID_PER_EXAMPLE):
            kept.append(number)
    return valid, invalid


def random_written(example: Example, number: phonenumbers.PhoneNumber, rng: random.Random, label: str) -> Entry:
    """`number` in a randomly chosen written form."""
    home, region, intended = example.home, default_region(example), e164(number)
    choice = rng.choice(["national", "international", "e164", "rfc3966", "dialled", "idd"])
    if choice == "national" and region is None:
        choice = "international"
    kind = f"{label}/{choice}"
    if choice == "national":
        return Entry(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL), region, kind, home, intended)
    if choice == "international":
        return Entry(phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL), region, kind, home, intended)
    if choice == "e164":
        return Entry(intended, rng.choice([region, None]), kind, home, intended)
    if choice == "rfc3966":
        return Entry(phonenumbers.format_number(number, PhoneNumberFormat.RFC3966), region, kind, home, intended)
    caller = rng.choice(sorted(phonenumbers.SUPPORTED_REGIONS))
    if choice == "dialled":
        return Entry(phonenumbers.format_out_of_country_calling_number(number, caller), caller, f"{kind}/{caller}",
                     home, intended)
    prefix = rng.choice(international_prefixes(caller))
    return Entry(f"{prefix} {number.country_code} {national_significant(number)}", caller, f"{kind}/{caller}",
                 home, intended)


def random_digits(home: str, region: Optional[str], rng: random.Random) -> list[Entry]:
    entries = []
    for _ in range(RANDOM_DIGITS_PER_REGION):
        length = rng.randint(1, 18)
        digits = "".join(rng.choice("0123456789") for _ in range(length))
        plus = rng.random() < 0.5
        entries.append(Entry(("+" if plus else "") + digits, region, "random-digits/" + ("plus" if plus else "plain"), home))
    return entries


# ---------------------------------------------------------------- hand-written cases

def hand(text: str, region: Optional[str], home: str, intended: Optional[str], note: str) -> Entry:
    return Entry(text, region, "hand", home, intended, note)


HAND_CASES: tuple[Entry, ...] = (
    # issue 8, as tried by a new user
    hand("8 10 84 91 234 5678", "RU", "VN", "+84912345678", "RU international prefix 8~10, written with a space"),
    hand("001 84 912345678", "KR", "VN", "+84912345678", "KR international prefix 001, one of a pattern"),
    hand("009 84 912345678", "HK", "VN", "+84912345678", "HK international prefix 009, one of a pattern"),
    hand("8 029 491-19-11", "BY", "BY", "+375294911911", "BY national prefix 8 followed by a 0"),
    hand("+49 030 123456", "DE", "DE", "+4930123456", "the '+CC 0' slip: one key with '030 123456'"),
    hand("+49 030 123456", None, "DE", "+4930123456", "the '+CC 0' slip with no default region"),
    hand("030 123456", "DE", "DE", "+4930123456", "national form of the same number"),
    hand("+44 020 7031 3000", None, "GB", "+442070313000", "the '+CC 0' slip, refused by numrep before issue 8"),
    hand("+44 (0)20 7031 3000", None, "GB", "+442070313000", "'+CC (0)'"),
    hand("020 7031 3000", "GB", "GB", "+442070313000", "national form of the same number"),
    hand("tel:331-6005;phone-context=+64-3", None, "NZ", "+6433316005", "RFC 3966 phone-context"),
    hand("tel:331-6005;phone-context=+64-3", "US", "NZ", "+6433316005", "phone-context beats the default region"),
    hand("+1 469 257 6503 x123", "US", "US", "+14692576503", "extension 'x123'"),
    hand("(469) 257-6503 ext. 12", "US", "US", "+14692576503", "extension 'ext. 12'"),
    hand("tel:+1-469-257-6503;ext=77", "US", "US", "+14692576503", "extension ';ext='"),
    hand("1-800-FLOWERS", "US", "US", "+18003569377", "vanity letters"),
    hand("+1 800 FLOWERS", None, "US", "+18003569377", "vanity letters after +1"),
    hand("(469) 257-6503", "US", "US", "+14692576503", "the README's US example"),
    # Vietnam's overlay (pre-listed in differential_allowlist.py, as in test_differential_phonenumbers.py)
    hand("0162 345 6789", "VN", "VN", None, "legacy 11-digit mobile, converted by numrep"),
    hand("0992 023 456", "VN", "VN", None, "legacy VSAT 0992, converted by numrep to 0672"),
    hand("0520 023 456", "VN", "VN", "+84520023456", "Vietnamobile's whole 052 block, valid to numrep only"),
    hand("0912 2345 6789", "VN", "VN", None, "11 national digits: refused by numrep, invalid to phonenumbers"),
)


# ---------------------------------------------------------------- the corpus


def generate(regions: Optional[Sequence[str]] = None) -> list[Entry]:
    """The corpus, deterministic; `regions` restricts it to those regions ("001": the
    non-geographic entities) for quick runs; None: the whole world."""
    chosen = tuple(sorted(regions)) if regions is not None else None
    examples = all_examples(chosen)
    geo = sorted(phonenumbers.SUPPORTED_REGIONS) if chosen is None else [r for r in chosen if r != NONGEO]
    with_nongeo = chosen is None or NONGEO in chosen

    # hand-written cases first, so that they keep their kind and note when a generated form repeats one
    entries: list[Entry] = [e for e in HAND_CASES if chosen is None or e.home in chosen]
    for example in examples:
        entries += basic_forms(example)
        entries += dialled_forms(example)
    entries += idd_forms(geo, examples)

    first_of_home: dict[str, Example] = {}
    for example in examples:
        first_of_home.setdefault(example.home, example)
    for example in first_of_home.values():
        entries += extension_forms(example)

    for example in examples:
        rng = random.Random(f"{SEED}:random:{example.home}:{example.type_name}")
        valid, invalid = random_numbers(example, rng)
        for number in valid:
            entries += [random_written(example, number, rng, "random-valid") for _ in range(2)]
        entries += [random_written(example, number, rng, "random-invalid") for number in invalid]

    for region in geo:
        entries += random_digits(region, region, random.Random(f"{SEED}:digits:{region}"))
    if with_nongeo:
        entries += random_digits(NONGEO, None, random.Random(f"{SEED}:digits:none"))

    unique: dict[tuple[str, Optional[str]], Entry] = {}
    for entry in entries:
        unique.setdefault((entry.text, entry.region), entry)
    return list(unique.values())


# ---------------------------------------------------------------- messy text
# Numbers as people and programs really write them: the example numbers in a random form, then
# disturbed the way copy-paste, word processors, other scripts and chat exports disturb them.
# test_differential_messy.py compares the two libraries on these.

MESSY_SEED = 20261206
MESSY_ENTRIES = 6000
# Between digits: libphonenumber's punctuation (every dash, full-width forms, the ideographic
# space, zero-width space and word joiner, soft hyphen, '~' and '*'), white space it refuses
# (tab, thin and narrow no-break spaces) and characters neither library accepts there ('_', ',').
MESSY_SEPARATORS = (" ", "-", ".", "/", "\u00a0", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015",
                    "\u2212", "\u30fc", "\uff0d", "\uff0e", "\uff0f", "\u3000", "\u200b", "\u2060", "\u00ad", "~",
                    "*", "  ", " - ", "\t", "\u2009", "\u202f", "_", ",")
MESSY_OPEN, MESSY_CLOSE = ("(", "[", "\uff08", "\uff3b"), (")", "]", "\uff09", "\uff3d")
# The '0' of some scripts' decimal digits: full-width, Arabic-Indic, Persian, Devanagari, Bengali,
# Gujarati, Thai, Myanmar, mathematical bold.
MESSY_DIGIT_ZEROS = (0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0AE6, 0x0E50, 0x1040, 0x1D7CE)
MESSY_BEFORE = (" ", "\u00a0", "\t", "(", "\ufeff", "\u200e", "\u202a", "Tel: ", "*", "#", ":", "/x", " / x ")
MESSY_AFTER = (".", ",", ";", "!", "?", ")", " ", "\u3002", "\u3001", "-", "#", "'", '"', "*", "\u200f", "\u202c",
               "\u201d", "\u00bb", "\u2026", "\u260e", "\u0301", "/x3", " / x 99", "\uff03")
MESSY_EXTENSIONS = (" ext 12", " ext. 12", " x 12", " x12", "#12", ",12", ",,12", ";ext=12", " \u0434\u043e\u0431 12",
                    " anexo 12", " extension 12", " ext:12", " int 12", " \uff5e12", " # 12", "  x  12", " EXT 12",
                    ",\uff0e12", ", 12", " 12#", " - 12#", "\u200e~12", " \u2009ext\u2009 12", "\u202f-\u202f12#",
                    " ext. 12345678901234567890", " x 1234567890")


def messy_text(text: str, rng: random.Random) -> str:
    """`text` disturbed: separators changed or added, brackets, digits of another script, a
    letter typed for a digit, a full-width plus, an extension, characters before and after."""
    zero = rng.choice(MESSY_DIGIT_ZEROS) if rng.random() < 0.15 else None
    out = []
    for ch in text:
        if ch in " -./" and rng.random() < 0.5:
            out.append(rng.choice(MESSY_SEPARATORS))
        elif ch in "01" and rng.random() < 0.02:  # a typo, or OCR: the letter O for 0, l for 1
            out.append("O" if ch == "0" else "l")
        elif ch.isdigit():
            out.append(chr(zero + int(ch)) if zero is not None and rng.random() < 0.7 else ch)
            if rng.random() < 0.06:
                out.append(rng.choice(MESSY_SEPARATORS))
            if rng.random() < 0.02:
                out.append(rng.choice(MESSY_OPEN))
            if rng.random() < 0.02:
                out.append(rng.choice(MESSY_CLOSE))
        elif ch == "+" and rng.random() < 0.2:
            out.append("\uff0b")
        elif ch in "()" and rng.random() < 0.3:
            out.append(rng.choice(MESSY_OPEN if ch == "(" else MESSY_CLOSE))
        else:
            out.append(ch)
    messy = "".join(out)
    if rng.random() < 0.15:
        messy += rng.choice(MESSY_EXTENSIONS)
    if rng.random() < 0.2:
        messy += rng.choice(MESSY_AFTER)
    if rng.random() < 0.15:
        messy = rng.choice(MESSY_BEFORE) + messy
    return messy


@functools.cache
def messy_corpus(count: int = MESSY_ENTRIES, seed: int = MESSY_SEED) -> tuple[Entry, ...]:
    """`count` messy entries: random example numbers of every region, each written in a random form
    (national, international, E.164, RFC 3966, dialled from a random region), then messy_text."""
    rng = random.Random(seed)
    examples = all_examples()
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    entries = []
    for _ in range(count):
        example = rng.choice(examples)
        number, region = example.number, default_region(example)
        form = rng.choice(["national", "international", "e164", "rfc3966", "dialled"])
        if form == "national" and region is None:
            form = "international"
        if form == "dialled":
            region = rng.choice(regions)
            text = phonenumbers.format_out_of_country_calling_number(number, region)
        else:
            text = phonenumbers.format_number(number, {
                "national": PhoneNumberFormat.NATIONAL, "international": PhoneNumberFormat.INTERNATIONAL,
                "e164": PhoneNumberFormat.E164, "rfc3966": PhoneNumberFormat.RFC3966}[form])
        entries.append(Entry(messy_text(text, rng), region, f"messy/{form}", example.home, e164(number)))
    return tuple(entries)


@functools.cache
def corpus() -> tuple[Entry, ...]:
    """The whole-world corpus (cached)."""
    return tuple(generate())


if __name__ == "__main__":
    import collections
    import time

    started = time.perf_counter()
    entries = corpus()
    print(f"{len(entries)} entries in {time.perf_counter() - started:.1f} s (phonenumbers {phonenumbers.__version__})")
    by_kind = collections.Counter(e.kind.split("/")[0].split(":")[0] for e in entries)
    for kind, count in by_kind.most_common():
        print(f"  {kind:15} {count}")
