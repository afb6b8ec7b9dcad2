#!/usr/bin/env python3
"""A mixed-region corpus of written phone numbers for the parse benchmarks, from phonenumbers.

Every region phonenumbers knows, and every non-geographic entity (+800, +882, ...), gives its
example number of every type (fixed line, mobile, toll free, premium rate, shared cost, VoIP,
personal, pager, UAN, voicemail); each example number gets VARIANTS siblings whose last digits
are redrawn until phonenumbers calls the sibling valid and of the same type. Each number is
written in these forms, each with the region a person dialling it that way would give:

    national        format_number(n, NATIONAL)               region: the number's own
    international   format_number(n, INTERNATIONAL)          region: the number's own
    E.164           format_number(n, E164)                   region: the number's own
    RFC 3966        format_number(n, RFC3966)                region: the number's own
    out of country  format_out_of_country_calling_number(n, D)  region: D, for DIALLED_FROM
                    regions D (OUT_OF_COUNTRY of them per number, drawn from the list)

Non-geographic numbers have no national form; their region is drawn from the list too. The
lines are shuffled (fixed seed), so consecutive numbers come from different regions, as in a
column of reports. Output: a comment header (lines starting with '#'), then one line per
number: REGION<TAB>TEXT. Same seed and same phonenumbers version: same file.

    python benchmarks/world_corpus.py -o build/world_corpus.tsv          # ~90,000 lines
    python benchmarks/world_corpus.py --variants 0 --out-of-country 16   # examples only

compare_parse.py imports make_corpus() from here; bench_world_parse.cpp reads the file (its
CMake build writes one into the build directory when phonenumbers is importable).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# Regions the numbers are dialled from: those whose international prefix is a pattern, holds a
# '~' or differs from 00 (issue 8's list), and the big or nearby ones of numrep's users.
DIALLED_FROM = (
    "RU", "KZ", "BY", "UA", "SG", "BR", "CO", "CL", "KR", "TH", "HK", "AU", "IL",
    "US", "CA", "GB", "DE", "FR", "JP", "CN", "IN", "VN", "KH", "NG", "AR", "MX",
)

TYPES = (
    PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST, PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.PAGER, PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
)

FORMS = ("national", "international", "e164", "rfc3966", "out_of_country")


def example_numbers(regions=None) -> list[tuple[str | None, phonenumbers.PhoneNumber]]:
    """(region or None for non-geographic, number) for every example number phonenumbers has."""
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS if regions is None else regions):
        seen = set()
        for number_type in TYPES:
            n = phonenumbers.example_number_for_type(region, number_type)
            if n is not None and (n.country_code, n.national_number) not in seen:
                seen.add((n.country_code, n.national_number))
                out.append((region, n))
    if regions is None:
        for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
            n = phonenumbers.example_number_for_non_geo_entity(code)
            if n is not None:
                out.append((None, n))
    return out


def variant(n: phonenumbers.PhoneNumber, rng: random.Random, tries: int = 20) -> phonenumbers.PhoneNumber | None:
    """A sibling of n with its last digits redrawn, valid and of n's type; None if none found."""
    digits = str(n.national_number)
    if n.italian_leading_zero:
        digits = "0" * (n.number_of_leading_zeros or 1) + digits
    keep = max(len(digits) - 4, min(2, len(digits) - 1))  # redraw up to the last 4 digits
    wanted = phonenumbers.number_type(n)
    for _ in range(tries):
        text = "+" + str(n.country_code) + digits[:keep] + "".join(rng.choices("0123456789", k=len(digits) - keep))
        try:
            m = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            continue
        if m.national_number != n.national_number and phonenumbers.is_valid_number(m) \
                and phonenumbers.number_type(m) == wanted:
            return m
    return None


def written(n: phonenumbers.PhoneNumber, own: str | None, dialled_from: list[str]) -> list[tuple[str, str, str]]:
    """(form, region, text) for every written form of n."""
    home = own or dialled_from[0]
    out = []
    if own is not None:
        out.append(("national", own, phonenumbers.format_number(n, PhoneNumberFormat.NATIONAL)))
    out.append(("international", home, phonenumbers.format_number(n, PhoneNumberFormat.INTERNATIONAL)))
    out.append(("e164", home, phonenumbers.format_number(n, PhoneNumberFormat.E164)))
    out.append(("rfc3966", home, phonenumbers.format_number(n, PhoneNumberFormat.RFC3966)))
    for region in dialled_from:
        out.append(("out_of_country", region, phonenumbers.format_out_of_country_calling_number(n, region)))
    return out


def make_corpus(variants: int = 9, out_of_country: int = 4, seed: int = 8, regions=None,
                dialled_from=DIALLED_FROM, with_forms: bool = False) -> list[tuple[str, ...]]:
    """The corpus as a shuffled list of (region, text) pairs ((form, region, text) with_forms).

    regions: restrict to these regions' example numbers (None: all, non-geographic ones too)."""
    rng = random.Random(seed)
    rows: list[tuple[str, ...]] = []
    for own, example in example_numbers(regions):
        numbers = [example]
        for _ in range(variants):
            sibling = variant(example, rng)
            if sibling is not None:
                numbers.append(sibling)
        for n in numbers:
            choices = [r for r in dialled_from if r != own]
            picked = rng.sample(choices, min(out_of_country, len(choices)))
            if own is None and not picked:
                picked = [rng.choice(list(dialled_from))]
            for form, region, text in written(n, own, picked):
                rows.append((form, region, text) if with_forms else (region, text))
    rng.shuffle(rows)
    return rows


def write_corpus(path: Path | None, rows, header: str) -> None:
    lines = [f"# {line}" for line in header.splitlines()]
    lines += [f"{region}\t{text}" for region, text in rows]
    data = "\n".join(lines) + "\n"
    if path is None:
        sys.stdout.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(data, encoding="utf-8")
    tmp.replace(path)  # a build interrupted mid-write never leaves half a corpus


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=None, help="file to write (default: standard output)")
    parser.add_argument("--variants", type=int, default=9, help="valid siblings per example number (default 9)")
    parser.add_argument("--out-of-country", type=int, default=4,
                        help="regions each number is dialled from, drawn from DIALLED_FROM (default 4)")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    rows = make_corpus(args.variants, args.out_of_country, args.seed, with_forms=True)
    counts = {form: sum(1 for r in rows if r[0] == form) for form in FORMS}
    header = (
        f"numrep mixed-region parse corpus: benchmarks/world_corpus.py --variants {args.variants} "
        f"--out-of-country {args.out_of_country} --seed {args.seed}\n"
        f"phonenumbers {phonenumbers.__version__}; {len(rows)} lines; {len({r[1] for r in rows})} regions; "
        + ", ".join(f"{form} {count}" for form, count in counts.items()) + "\n"
        "columns: REGION<TAB>TEXT (REGION: the default region to parse TEXT with)"
    )
    write_corpus(args.output, [(region, text) for _, region, text in rows], header)
    if args.output is not None:
        print(f"wrote {args.output}: {len(rows)} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
