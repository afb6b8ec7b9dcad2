"""Texts on which numrep once read differently from phonenumbers (libphonenumber's Python port),
found by differential fuzzing; each is asked of both again: the same number and extension, or
both refuse."""
from __future__ import annotations

from typing import Optional

import phonenumbers
import pytest

import numrep

FOUND = [
    # The 15-digit ",," extension label is exactly two commas before a ':', '.' or a full-width stop.
    ("650 253 0000,,,.1234567890", "US"),
    ("650 253 0000,,.1234567890", "US"),
    ("650 253 0000,,,.123456789", "US"),
    ("650 253 0000,,,1234567890", "US"),
    # A phone-context's number part is read as written: "(70" is not viable, so "~12" is no
    # extension; "-12" is no number.
    ("tel:(70~12;phone-context=example.com", "EH"),
    ("tel:-70~12;phone-context=example.com", "US"),
    ("tel:-12;phone-context=example.com", "GB"),
    ("tel:(12~3;phone-context=+44", "GB"),
    ("tel:70~12;phone-context=example.com", "EH"),
    # ... from the text's start, white space included (punctuation to libphonenumber): " 12" is not
    # viable, so "~345" is no extension; a '+' may not follow it; two digits after it are no number.
    (" 12~345;phone-context=example.com", "CH"),
    ("\u3000 12~345;phone-context=example.com", "CH"),
    (" +41441234567;phone-context=example.com", "CH"),
    (" 12;phone-context=example.com", "CH"),
    (" 123456;phone-context=example.com", "CH"),
    (" tel:12~345;phone-context=example.com", "CH"),  # the number part starts after "tel:"
    (" 12~345;phone-context=+41", "CH"),  # a global context comes first: the white space is inside
    # All before the context is the number part: a parameter without a name is part of the number,
    # ";123" an auto-dialled extension; with ";ext=" too, or not digits, no number.
    ("tel:+1-650-253-0000;123;phone-context=example.com", "US"),
    ("0801;2345673;phone-context=+27411", "BI"),
    ("tel:650-253-0000;123;phone-context=+1", "US"),
    ("tel:650-253-0000;123;isub=5;phone-context=+1", "US"),
    ("tel:650-253-0000;isub=5;123;phone-context=+1", "US"),
    ("tel:+1-650-253-0000;abc;phone-context=example.com", "US"),
    ("tel:6502530000;1234567890123456;phone-context=+1", "US"),
    ("tel:650;ext=4;123;phone-context=example.com", "US"),
    ("tel:+1-650-253-0000;1;2;phone-context=example.com", "US"),
    # Two digits are viable alone, not with an extension: the number part, its ";ext=" included.
    ("tel:12;ext=3;phone-context=example.com", "CH"),
    ("12;ext=3;phone-context=example.com", "CH"),
    ("tel:12;isub=3;phone-context=example.com", "CH"),
    ("tel:12;ext=3;phone-context=+41", "CH"),
    # White space before a ';' is part of the phone-context value (invalid); a global one starts
    # with an ASCII '+'.
    ("tel:2070313000;phone-context=+44 ;", "GB"),
    ("tel:2070313000;phone-context=+44\u00a0;", "GB"),
    ("tel:2070313000;phone-context=example.com ;", "GB"),
    ("tel:2070313000;phone-context=\uff0b44", "GB"),
    ("tel:2070313000;phone-context=+44", "GB"),
    # ISO 3166 codes without metadata are an unknown region: international forms only.
    *[(text, region) for region in ("AQ", "BV", "GS", "HM", "PN", "TF", "UM")
      for text in ("+44 20 7031 3000", "+1 650 253 0000", "020 7031 3000")],
]


def ours(text: str, region: str) -> Optional[tuple[str, str]]:
    try:
        number = numrep.parse(text, region=region)
    except numrep.ParseError:
        return None
    return number.e164, number.extension or ""


def theirs(text: str, region: str) -> Optional[tuple[str, str]]:
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), parsed.extension or ""


@pytest.mark.parametrize(("text", "region"), FOUND)
def test_reads_as_phonenumbers_does(text: str, region: str) -> None:
    assert ours(text, region) == theirs(text, region)


def test_a_region_without_metadata_takes_a_column_of_regions() -> None:
    keys = numrep.parse_many(["+44 20 7031 3000", "+1 650 253 0000"], region=["GB", "UM"])
    assert keys.tolist() == [442070313000, 16502530000]
