"""parse_many (and so every batch call that takes numbers as text) on NumPy fixed-width string
arrays: 'U' values are converted to UTF-8 a block at a time and parsed as Arrow strings are, 'S'
values are read in place (python/src/fixed_width_text.hpp). Every key must be the one the same
text gives as a Python str, whatever the characters, the padding, the array's width, the
number of rows (blocks of 512, threads) and the regions."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numrep

# Characters numbers are written with, and characters that make a text fail, of every UTF-8
# length: full-width digits and '+' (3 bytes), Arabic-Indic digits (2), a Vietnamese letter,
# no-break and ideographic spaces, an emoji (4 bytes), NUL, and a lone surrogate (which UTF-8
# cannot carry).
ALPHABET = [*"0123456789 +-.()/~#xt;=,e", "\uff10", "\uff11", "\uff19", "\uff0b", "\u0660", "\u0669", "\u1eeb",
            "\u00a0", "\u3000", "\U0001f4de", "\x00", "\ud800", "\udfff"]
FORMS = ["0912 345 678", "+84 912 345 678", "0084912345678", "84912345678", "tel:+84-91-234-5678",
         "\uff10\uff19\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", " 0162 345 6789 ", "(+84) 24 3825 1234",
         "+1 650 253 0000", "0912 345 678 ext 12", "\u0660\u0669\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
         "0912y45678", "", "+", "1900 1234", "0912\u00a0345\u00a0678"]


def as_str_keys(array: np.ndarray, region=None) -> list[int]:
    """The keys of the array's values parsed as Python str (NumPy strips trailing NULs: tolist()
    gives the values as the array holds them)."""
    values = [v.decode("utf-8", "surrogatepass") if isinstance(v, bytes) else v for v in array.tolist()]
    if region is None:
        return numrep.parse_many(values).tolist()
    return numrep.parse_many(values, region=region).tolist()


def utf8_bytes(texts: list[str]) -> np.ndarray:
    return np.array([t.encode("utf-8", "surrogatepass") for t in texts], dtype="S")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(ALPHABET), max_size=24), min_size=1, max_size=40))
def test_u_and_s_arrays_give_the_keys_of_the_same_str(texts):
    unicode_array = np.array(texts, dtype="U")
    assert numrep.parse_many(unicode_array).tolist() == as_str_keys(unicode_array)
    byte_array = utf8_bytes(texts)
    assert numrep.parse_many(byte_array).tolist() == as_str_keys(byte_array)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(FORMS), min_size=1, max_size=30), st.integers(min_value=0, max_value=40))
def test_padding_of_any_width_is_not_input(texts, extra):
    # Arrays wider than their values: the NUL padding is trimmed whatever its length.
    width = max(len(t) for t in texts) + extra
    unicode_array = np.array(texts, dtype=f"U{max(width, 1)}")
    assert numrep.parse_many(unicode_array).tolist() == as_str_keys(unicode_array)
    byte_array = np.array([t.encode() for t in texts], dtype=f"S{max(4 * width, 1)}")
    assert numrep.parse_many(byte_array).tolist() == as_str_keys(byte_array)


def test_embedded_nuls_stay_and_trailing_ones_go():
    array = np.array(["0912345678\x00", "0912\x00345678", "\x00\x00", "0912345678"], dtype="U16")
    assert array.tolist()[0] == "0912345678"  # NumPy itself drops a trailing NUL
    keys = numrep.parse_many(array).tolist()
    assert keys == as_str_keys(array)
    assert keys[0] == keys[3] == 84912345678 and keys[1] == 0 and keys[2] == 0


def test_values_wider_than_the_converted_width_are_parsed_in_place():
    # More than 500 code points: parsed as UTF-32 where they are. Leading and trailing white
    # space does not count against the 250-character limit, so these still parse.
    long_padded = " " * 600 + "0912 345 678"
    trailing = "+84 912 345 678" + "\u3000" * 520
    too_long = "0912345678" * 60
    texts = [long_padded, "0912 345 678", trailing, too_long, " " * 300 + "0084912345678", "", "0162 345 6789"]
    array = np.array(texts)
    assert array.dtype.itemsize // 4 > 500
    keys = numrep.parse_many(array).tolist()
    assert keys == as_str_keys(array)
    assert keys[0] == keys[1] == keys[2] == keys[4] == 84912345678 and keys[3] == 0 and keys[5] == 0


def test_many_rows_on_every_thread_count():
    # Blocks of 512 rows and ranges of 4096 split across threads: row k must get text k's key.
    rng = random.Random(12)
    texts = [rng.choice(FORMS) if rng.random() < 0.3 else f"0{rng.choice('35789')}{rng.randrange(10**8):08d}"
             for _ in range(70_001)]
    unicode_array, byte_array = np.array(texts), utf8_bytes(texts)
    expected = numrep.parse_many(texts).tolist()
    for threads in (1, 2):
        numrep.set_threads(threads)
        try:
            assert numrep.parse_many(unicode_array).tolist() == expected
            assert numrep.parse_many(byte_array).tolist() == expected
        finally:
            numrep.set_threads(None)


def test_a_region_per_row():
    texts = ["0912 345 678", "(650) 253-0000", "020 7946 0958", "+84 912 345 678", "\uff10\uff19\uff11\uff12"
             "\uff13\uff14\uff15\uff16\uff17\uff18"] * 300
    regions = ["VN", "US", "GB", "US", "VN"] * 300
    unicode_array = np.array(texts)
    expected = numrep.parse_many(texts, region=regions).tolist()
    assert numrep.parse_many(unicode_array, region=regions).tolist() == expected
    assert numrep.parse_many(utf8_bytes(texts), region=regions).tolist() == expected
    assert expected[:4] == [84912345678, 16502530000, 442079460958, 84912345678]


@pytest.mark.parametrize("make", [np.array, utf8_bytes], ids=["U", "S"])
def test_check_many_reads_numpy_strings_the_same_way(make):
    db = numrep.ReputationDB.from_frame([{"number": "0912345678", "time": 1_700_000_000, "category": "scam"},
                                         {"number": "+84 988 777 666", "time": 1_700_000_000, "category": "scam"}])
    texts = ["0912 345 678", "\uff10\uff19\uff18\uff18\uff17\uff17\uff17\uff16\uff16\uff16", "0912\ud800", ""]
    verdicts = db.check_many(make(texts), now=1_700_000_000)
    assert verdicts["key"].tolist() == [84912345678, 84988777666, 0, 0]
    assert verdicts["reported"].tolist() == [True, True, False, False]


def test_blocks_of_the_longest_utf8_and_values_parsed_in_place_among_them():
    # Values that take the most UTF-8 there is (4 bytes a code point) fill whole blocks, in an
    # array 500 code points wide (every value converted) and 501 wide (the widest parsed where
    # it lies), with numbers between them in later blocks and a region per row.
    emoji = "\U0001f4de"
    for width in (500, 501):
        texts = [emoji * width if k % 7 else f"+84 912 345 {k % 1000:03d}" for k in range(1300)]
        texts[1025] = " " * (width - 12) + "0912 345 678"
        array = np.array(texts, dtype=f"U{width}")
        expected = numrep.parse_many(texts).tolist()
        assert numrep.parse_many(array).tolist() == expected
        assert expected[0] == 84912345000 and expected[1025] == 84912345678 and expected[1] == 0
        regions = ["VN", "US"] * 650
        assert numrep.parse_many(array, region=regions).tolist() == numrep.parse_many(texts, region=regions).tolist()


def test_code_points_no_str_can_hold_give_zero_and_a_clear_error():
    # A 'U' array viewed from integers can hold values above U+10FFFF, which no Python str (and
    # no UTF-8) can: a bad character, as a lone surrogate is.
    raw = np.array([[ord(c) for c in "0912345678"], [0x110000] + [ord("9")] * 9, [0x80000000] + [ord("1")] * 9],
                   dtype="<u4")
    array = raw.view("<U10").ravel()
    assert numrep.parse_many(array).tolist() == [84912345678, 0, 0]
    with pytest.raises(numrep.ParseError, match=r"^numrep: item 1: .*bad character"):
        numrep.parse_many(array, errors="raise")


def test_big_endian_arrays_read_as_native_ones():
    texts = ["0912 345 678", "\uff10\uff19\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "+1 650 253 0000", "x"]
    native = np.array(texts)
    swapped = native.astype(native.dtype.newbyteorder("S"))
    assert not swapped.dtype.isnative
    assert numrep.parse_many(swapped).tolist() == numrep.parse_many(native).tolist() == [84912345678] * 2 + [
        16502530000, 0]
    with pytest.raises(numrep.ParseError, match="^numrep: item 3: "):
        numrep.parse_many(swapped, errors="raise")


def test_zero_width_and_one_width_arrays():
    assert numrep.parse_many(np.zeros(3, dtype="U1")).tolist() == [0, 0, 0]
    assert numrep.parse_many(np.array(["1", "", "9"], dtype="U1")).tolist() == [0, 0, 0]
    assert numrep.parse_many(np.zeros(2, dtype="S1")).tolist() == [0, 0]


@pytest.mark.parametrize("text", ["0912345678\ud83d", "0912345678\udc80", "\udcff0912345678\ud800", "09\udcc3\udca9"])
def test_a_bad_value_of_a_u_array_is_the_str_of_a_list(text: str) -> None:
    """The value of a ParseError from a 'U' array is the str a list's value gives (a lone
    surrogate was the byte 0xFF there: '0912345678\\udcff' against '...\\udced\\udca0\\udcbd')."""
    values = []
    for column in ([text], np.array([text], dtype=object), np.array([text])):
        with pytest.raises(numrep.ParseError) as raised:
            numrep.parse_many(column, errors="raise")
        values.append((raised.value.value, str(raised.value)))
    assert values[0] == values[1] == values[2], values


# The bytes EF BC 98 (a full-width 8) escaped one by one, as an ASCII decode with surrogateescape
# leaves them: UTF-8 once read as the bytes they stand for.
ESCAPED_UTF8 = b"091234567\xef\xbc\x98".decode("ascii", "surrogateescape")


@pytest.mark.parametrize("text", [ESCAPED_UTF8, "0912345678\udc80", "0912345678\ud83d", "\udcef\udcbc\udc90912345678"])
def test_strs_with_lone_surrogates_give_one_key_in_every_form(text: str) -> None:
    """parse() reads a str's lone surrogates as the bytes they stand for; a list and an object
    array gave 0 without reading them, a 'U' array read each as the byte 0xFF."""
    try:
        expected = numrep.parse(text, region="VN").key
    except numrep.ParseError:
        expected = 0
    for column in ([text], np.array([text], dtype=object), np.array([text]), np.array([text, "0912345678"])):
        assert numrep.parse_many(column, region="VN").tolist()[0] == expected, type(column)
    if text == ESCAPED_UTF8:
        assert expected == 84912345678
