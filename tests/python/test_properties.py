"""Hypothesis properties of parsing.

1. Any way of writing a valid Vietnamese number (country code or trunk prefix in any of their
   forms, any separators, any script's digits, white space around) parses to the same key,
   through parse and through every parse_many path (UTF-8 list, UTF-32 NumPy array, bytes).
2. Formatting and parsing are inverse: parse(n.national) == n, parse(n.e164) == n and
   parse(n.key, region=None) == n for random valid numbers of every type, and for other countries' numbers
   parsed with their home region.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import numrep

# Example counts come from the Hypothesis profile (tests/python/conftest.py): 400 by default,
# many more with HYPOTHESIS_PROFILE=thorough.
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def probe_valid_shapes() -> list[tuple[str, int, str]]:
    """(national prefix, national length, type) for every shape the built-in plan validates.

    Found by asking the plan itself about every 4-digit prefix at every length, so that new rules
    are covered without editing this file. No Vietnamese rule looks deeper than 4 digits."""
    shapes = []
    candidates = []
    for length in range(3, 11):
        width = min(4, length)
        for head in range(10**width):
            prefix = f"{head:0{width}d}"
            if prefix[0] == "0":
                continue
            candidates.append((prefix, length, int("84" + prefix + "5" * (length - width))))
    columns = numrep.lookup_many(np.array([key for _, _, key in candidates], dtype=np.uint64))
    for (prefix, length, _), valid, kind in zip(candidates, columns["valid"], columns["type"]):
        if valid:
            shapes.append((prefix, length, numrep.TYPE_NAMES[kind]))
    return shapes


VALID_SHAPES = probe_valid_shapes()


def test_the_probe_finds_every_number_type():
    not_in_vietnam = {"unknown", "shared_cost", "personal_number", "pager", "voicemail", "fixed_line_or_mobile"}
    assert {kind for _, _, kind in VALID_SHAPES} == set(numrep.TYPE_NAMES) - not_in_vietnam


@st.composite
def valid_vietnamese_numbers(draw) -> numrep.PhoneNumber:
    prefix, length, _ = draw(st.sampled_from(VALID_SHAPES))
    rest = draw(st.text(alphabet="0123456789", min_size=length - len(prefix), max_size=length - len(prefix)))
    number = numrep.parse("+84" + prefix + rest)
    assume(number.national_digits == prefix + rest)  # 0992... is converted to 0672...: drawn elsewhere
    assert numrep.lookup(number).valid
    return number


# Digit scripts people paste numbers in: ASCII, full-width, Arabic-Indic, Extended Arabic-Indic,
# Devanagari, Bengali, Thai, Myanmar, Khmer, mathematical bold and monospace.
DIGIT_ZEROS = [0x30, 0xFF10, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0x1040, 0x17E0, 0x1D7CE, 0x1D7F6]
SEPARATORS = ["", "", "", " ", ".", "-", "/", " - ", "\u00a0", "\u2009", "\u3000", "\u2013", "\u2011", "\uff0d", "\u200b"]
SURROUNDING_SPACE = ["", " ", "\t", "\n", "\u00a0", "\u3000", "\ufeff", "\r\n"]


def in_script(digits: str, zeros: list[int]) -> str:
    return "".join(chr(zero + int(d)) for d, zero in zip(digits, zeros))


@st.composite
def written_forms(draw, number: numrep.PhoneNumber) -> str:
    nsn = number.national_digits
    # How the country is given. The bare "84" form needs more digits than any national number
    # (10) for the parser to recognise it, so it is only used for 9- and 10-digit numbers.
    leads = ["+84", "+84 ", "(+84) ", "+84 (0) ", "+84(0)", "+84 0", "0084", "00 84 ", "0", "", "tel:+84-"]
    if len(nsn) >= 9:
        leads.append("84")
    lead = draw(st.sampled_from(leads))
    if draw(st.booleans()):
        lead = lead.replace("+", "\uff0b")  # full-width plus
    digits = draw(st.sampled_from(DIGIT_ZEROS))
    mixed = draw(st.lists(st.sampled_from(DIGIT_ZEROS), min_size=len(nsn), max_size=len(nsn)))
    zeros = mixed if draw(st.booleans()) else [digits] * len(nsn)
    lead_digits = "".join(in_script(c, [digits]) if c.isdigit() else c for c in lead)
    body = []
    for i, d in enumerate(nsn):
        body.append(in_script(d, [zeros[i]]))
        if i + 1 < len(nsn):
            body.append(draw(st.sampled_from(SEPARATORS)))
    text = lead_digits + "".join(body)
    if lead == "tel:+84-" and draw(st.booleans()):
        text += ";phone-context=example.com"
    before = draw(st.sampled_from(SURROUNDING_SPACE))
    after = draw(st.sampled_from(SURROUNDING_SPACE))
    return before + text + after


@st.composite
def numbers_and_forms(draw):
    number = draw(valid_vietnamese_numbers())
    forms = draw(st.lists(written_forms(number), min_size=1, max_size=5))
    return number, forms


@SETTINGS
@given(numbers_and_forms())
def test_any_written_form_of_a_valid_number_parses_to_its_key(number_and_forms):
    number, forms = number_and_forms
    for text in forms:
        assert numrep.parse(text).key == number.key, ascii(text)
    expected = [number.key] * len(forms)
    assert numrep.parse_many(forms).tolist() == expected  # UTF-8 views of str
    assert numrep.parse_many(np.array(forms)).tolist() == expected  # UTF-32 NumPy strings
    assert numrep.parse_many([f.encode("utf-8") for f in forms]).tolist() == expected  # bytes


@SETTINGS
@given(valid_vietnamese_numbers())
def test_formatting_and_parsing_are_inverse(number):
    assert numrep.parse(number.national) == number
    assert numrep.parse(number.e164) == number
    assert numrep.parse(number.e164, region=None) == number
    assert numrep.parse(number.key, region=None) == number  # an int with no region is a key
    assert number.key == int(f"{number.country_code}{number.national_digits}")
    assert number.national.replace(" ", "").lstrip("0") == number.national_digits
    again = numrep.parse(number.national)
    assert (again.national, again.e164) == (number.national, number.e164)


@SETTINGS
@given(st.text(alphabet="0123456789", min_size=1, max_size=12), st.sampled_from(["+84", "0", ""]))
def test_any_vietnamese_number_round_trips_valid_or_not(digits, lead):
    try:
        number = numrep.parse(lead + digits)
    except numrep.ParseError:
        return
    # "+84 0 0912..." leaves national digits starting 0, which have no national written form
    # ("00..." is the international prefix); only E.164 carries them.
    assume(number.country_code == 84 and not number.national_digits.startswith("0"))
    assert numrep.parse(number.national) == number
    assert numrep.parse(number.e164) == number


@SETTINGS
@given(st.sampled_from([
    ("0", "162"), ("0", "120"), ("0", "199"), ("+84", "188"), ("0084", "127")
]), st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_legacy_numbers_round_trip_to_their_current_form(lead_and_prefix, subscriber):
    lead, old = lead_and_prefix
    legacy = numrep.parse(lead + old + subscriber)
    assert legacy.is_legacy
    assert legacy.national_digits.endswith(subscriber)
    current = numrep.parse(legacy.national)
    assert current == legacy and not current.is_legacy


@pytest.mark.skipif(
    unicodedata.unidata_version != "14.0.0",
    reason=f"numrep's digit table is Unicode 14.0; this Python has Unicode {unicodedata.unidata_version}",
)
def test_every_unicode_decimal_digit_is_read():
    digits = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Nd"]
    assert len(digits) == 660
    texts = ["091234567" + d for d in digits]
    expected = [int("8491234567" + str(unicodedata.decimal(d))) for d in digits]
    assert numrep.parse_many(texts).tolist() == expected
    assert numrep.parse_many(np.array(texts)).tolist() == expected


def test_numeric_characters_that_are_not_decimal_digits_are_refused():
    # Superscripts, circled digits, fractions: numeric, but nobody writes phone numbers in them.
    others = [
        chr(c) for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) in ("No", "Nl") and unicodedata.digit(chr(c), None) is not None
    ]
    assert others
    assert not numrep.parse_many(["091234567" + c for c in others]).any()


@pytest.mark.skipif(
    unicodedata.unidata_version != "14.0.0",
    reason=f"numrep's letter and number table is Unicode 14.0; this Python has Unicode {unicodedata.unidata_version}",
)
def test_what_follows_a_number_is_dropped_unless_a_letter_or_number():
    """libphonenumber drops every trailing character that is neither a letter nor a number (Unicode
    L and N) nor '#': so does numrep, for every code point; a trailing letter is refused."""
    candidates = [chr(c) for c in range(0x80, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    dropped = [c for c in candidates if unicodedata.category(c)[0] not in "LN"]
    # (U+30FC, the prolonged sound mark, is a letter that libphonenumber's punctuation includes.)
    letters = [c for c in candidates if unicodedata.category(c)[0] == "L" and c != "\u30fc"]
    keys = numrep.parse_many(["0912 345 678" + c for c in dropped])
    kept = [f"U+{ord(c):04X}" for c, key in zip(dropped, keys.tolist()) if key != 84912345678]
    assert not kept, f"{len(kept)} trailing characters were not dropped: {kept[:20]}"
    assert not numrep.parse_many(["0912 345 678" + c for c in letters]).any()


@pytest.mark.parametrize("header", ["unicode_word.hpp", "latin_letters.hpp"])
def test_the_unicode_tables_are_generated(header: str):
    """include/numrep/detail/unicode_word.hpp (letters and numbers) and latin_letters.hpp (base
    letters) are what tools/gen_unicode_tables.py makes (with this Python's Unicode; on another
    version, the table's own version is checked instead)."""
    root = Path(__file__).resolve().parents[2]
    kept = (root / "include" / "numrep" / "detail" / header).read_text(encoding="utf-8")
    assert "from Unicode 14.0.0" in kept
    if unicodedata.unidata_version == "14.0.0":
        made = subprocess.run([sys.executable, str(root / "tools" / "gen_unicode_tables.py"), "--stdout", header],
                              capture_output=True, text=True, check=True).stdout
        assert made == kept, f"{header} differs from what tools/gen_unicode_tables.py makes: regenerate it"


def test_category_keywords_match_in_any_case_and_normal_form_and_only_with_their_accents():
    """classify_category folds names without the locale: a Vietnamese keyword in upper or lower
    case, NFC or NFD, whole or letter by letter in either form, is found inside other text; with
    any one of its accents changed or dropped it is not (other words would match)."""
    import random
    import unicodedata as ud

    keywords = {"lừa đảo": "scam", "giả danh": "scam", "mạo danh": "scam", "quảng cáo": "spam"}
    rng = random.Random(7)
    for word, category in keywords.items():
        for cased in (word, word.upper(), word.title()):
            nfd = ud.normalize("NFD", cased)
            forms = [cased, nfd, ud.normalize("NFC", nfd)]
            for _ in range(20):  # some letters composed, others decomposed
                forms.append("".join(ud.normalize(rng.choice(["NFC", "NFD"]), ch) for ch in cased))
            for form in forms:
                assert numrep.classify_category(f"Gọi {form} cán bộ") == category, form
        # Each accented letter swapped for another accent of the same base letter, or none.
        for i, ch in enumerate(word):
            base = ud.normalize("NFD", ch)[0]
            if base == ch:
                continue
            for code_point in [ord(base), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
                other = chr(code_point)
                if other == ch or ud.normalize("NFD", other)[0] != base:
                    continue
                changed = word[:i] + other + word[i + 1:]
                if any(keyword in changed for keyword in keywords):
                    continue
                assert numrep.classify_category(changed) == "other", changed


def test_category_keywords_match_with_their_marks_in_any_canonically_equal_order():
    """Marks typed in another order than NFD's (a tone before a horn; "ô" then a dot below, as
    Unikey's composite mode writes "ộ") make a text canonically equal to the keyword: it matches.
    (tests/cpp/test_reputation.cpp checks the fold itself, "ộ" and same-class marks included.)"""
    import random
    import unicodedata as ud

    keywords = {"lừa đảo": "scam", "giả danh": "scam", "mạo danh": "scam", "quảng cáo": "spam"}
    rng = random.Random(11)
    reordered = 0
    for word, category in keywords.items():
        nfd = ud.normalize("NFD", word)
        clusters: list[list[str]] = []
        for ch in nfd:
            if ud.combining(ch) and clusters:
                clusters[-1].append(ch)
            else:
                clusters.append([ch])
        for _ in range(200):
            parts = []
            for base, *marks in clusters:
                rng.shuffle(marks)
                k = rng.randint(0, len(marks))
                head = ud.normalize("NFC", base + "".join(marks[:k]))
                parts.append((head if len(head) == 1 else base + "".join(marks[:k])) + "".join(marks[k:]))
            form = "".join(parts)
            text = f"Gọi {form.upper() if rng.random() < 0.3 else form} cán bộ"
            assert ud.normalize("NFD", form) == nfd  # every mark here has a class of its own
            reordered += form not in (word, nfd)
            assert numrep.classify_category(text) == category, ascii(form)
    assert reordered > 150  # many forms were neither NFC nor NFD


# ---------------------------------------------------------------- other countries

phonenumbers = pytest.importorskip("phonenumbers", reason="phonenumbers supplies example numbers of other countries")

EXAMPLES = []
for region_code in sorted(phonenumbers.SUPPORTED_REGIONS):
    for number_type in (
        phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.VOIP, phonenumbers.PhoneNumberType.UAN,
    ):
        example = phonenumbers.example_number_for_type(region_code, number_type)
        if example is not None and region_code != "VN":
            EXAMPLES.append((region_code, phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)))


def test_there_are_examples_for_most_regions():
    assert len({region for region, _ in EXAMPLES}) > 200


@SETTINGS
@given(st.sampled_from(EXAMPLES), st.data())
def test_other_countries_numbers_round_trip_with_their_home_region(example, data):
    region, e164 = example
    # Keep the example's length and leading digits, vary the last few, keep what stays valid.
    keep = data.draw(st.integers(min_value=max(4, len(e164) - 4), max_value=len(e164) - 1))
    tail = data.draw(st.text(alphabet="0123456789", min_size=len(e164) - keep, max_size=len(e164) - keep))
    text = e164[:keep] + tail
    assume(phonenumbers.is_valid_number_for_region(phonenumbers.parse(text), region))
    number = numrep.parse(text, region=None)
    assert numrep.parse(number.e164, region=None) == number
    assert numrep.parse(number.national, region=region) == number, (region, number.national)
    assert numrep.parse(number.key, region=None) == number  # an int with no region is a key
