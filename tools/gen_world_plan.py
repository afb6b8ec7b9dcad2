#!/usr/bin/env python3
"""Regenerate numrep's world numbering data from the pinned `phonenumbers` package.

Everything the parser and the world plan know of the 245 regions and the non-geographic
country codes comes from libphonenumber's metadata (facts; the C++ around them is ours):

- per country code, one minimal digit automaton (tools/phone_regex.py) that recognises every
  number-type pattern and "leading digits" rule of each of its regions at once; the answer of
  an end state (which region, which type, for each national length) is worked out here with
  libphonenumber's own rules, so a lookup is one walk down the national digits and one read;
- per region, the rules for reading national and international forms: international
  prefixes and national prefixes as ordered match paths (so the alternative a backtracking
  regex engine would pick is the one we pick), transform rules, possible lengths;
- carrier names by number prefix (libphonenumber's carrier data, English names) and, for
  +1, the state or province of each area code, as sorted disjoint key ranges.

Large tables go into string literals (compiled much faster than brace lists).

    python tools/gen_world_plan.py          # writes include/numrep/detail/{country_codes,world_data,world_names}.hpp
    python tools/gen_world_plan.py --check   # self-test the path matcher against `re`
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import phonenumbers  # noqa: E402
from phonenumbers import PhoneMetadata  # noqa: E402
from phonenumbers.carrierdata import CARRIER_DATA  # noqa: E402
from phonenumbers.geodata import GEOCODE_DATA  # noqa: E402

from phone_regex import build_dfa, paths  # noqa: E402

PINNED = "9.0.43"

# Order is numrep::number_type's order for the types libphonenumber has (see numbering_plan.hpp).
DESCS = ["general_desc", "premium_rate", "toll_free", "shared_cost", "voip", "personal_number",
         "pager", "uan", "voicemail", "fixed_line", "mobile"]
TYPE_CODE = {  # numrep::number_type values
    "unknown": 0, "mobile": 1, "fixed_line": 2, "toll_free": 3, "premium_rate": 4, "voip": 5,
    "uan": 6, "short_code": 7, "shared_cost": 8, "personal_number": 9, "pager": 10,
    "voicemail": 11, "fixed_line_or_mobile": 12,
}
MAX_NSN = 17  # libphonenumber's longest national significant number


def metadata_rows():
    """(country code, region code, metadata) in libphonenumber's order for each code."""
    rows = []
    for cc in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc]:
            meta = (PhoneMetadata.metadata_for_nongeo_region(cc) if region == "001"
                    else PhoneMetadata.metadata_for_region(region))
            if meta is not None:
                rows.append((cc, region, meta))
    return rows


def length_mask(lengths):
    mask = 0
    for n in lengths or ():
        if n > 0:
            mask |= 1 << n
    return mask


def desc_lengths(meta, desc):
    """The lengths a type accepts (libphonenumber's isNumberMatchingDesc), None = any."""
    d = getattr(meta, desc)
    if d is None or not d.national_number_pattern:
        return None
    if d.possible_length:
        return set(d.possible_length)
    return "any"


def type_of(meta, tags, index, length):
    """libphonenumber's getNumberTypeHelper for region `index` of a country, from the tags
    of the automaton's end state."""
    def matches(desc):
        lengths = desc_lengths(meta, desc)
        if lengths is None or (index, desc) not in tags:
            return False
        return lengths == "any" or length in lengths

    if not matches("general_desc"):
        return "unknown"
    for desc in DESCS[1:9]:
        if matches(desc):
            return desc
    same = meta.same_mobile_and_fixed_line_pattern
    if matches("fixed_line"):
        if same or matches("mobile"):
            return "fixed_line_or_mobile"
        return "fixed_line"
    if not same and matches("mobile"):
        return "mobile"
    return "unknown"


def answer(members, tags, length):
    """(region index within the country, type) for a national number of `length` digits whose
    end state carries `tags`: libphonenumber's getRegionCodeForNumber then getNumberType."""
    if len(members) == 1:
        return 0, type_of(members[0][2], tags, 0, length)
    for i, (_, _, meta) in enumerate(members):
        if meta.leading_digits:
            if (i, "ld") in tags:
                return i, type_of(meta, tags, i, length)
        else:
            t = type_of(meta, tags, i, length)
            if t != "unknown":
                return i, t
    return 0xFF, "unknown"


STEP_OPEN, STEP_CLOSE, STEP_END = 0x4000, 0x8000, 0xC000


def encode_path(path):
    out = []
    for step in path:
        if step[0] == "cls":
            out.append(step[1])
        elif step[0] == "open":
            out.append(STEP_OPEN | step[1])
        elif step[0] == "close":
            out.append(STEP_CLOSE | step[1])
        else:
            out.append(STEP_END)
    return out


def literal_digits(text):
    """A prefix pattern that is one string of digits ("00", "011", "0") as that string, else "":
    the parser compares such a prefix directly instead of walking its path (most do)."""
    if not text:
        return ""
    ps, _ = paths(text)
    if len(ps) != 1:
        return ""
    digits = ""
    for step in encode_path(ps[0]):
        if step & 0xC000 or bin(step).count("1") != 1:
            return ""
        digits += str(step.bit_length() - 1)
    return digits


def match_paths(encoded, digits):
    """The C++ matcher, in Python, for --check: (end, groups) of the first path that matches."""
    for path in encoded:
        pos = 0
        groups = {}
        ok = True
        for step in path:
            kind = step & 0xC000
            if kind == 0:
                if pos < len(digits) and (step >> int(digits[pos])) & 1:
                    pos += 1
                else:
                    ok = False
                    break
            elif kind == STEP_OPEN:
                groups[step & 0xFF] = [pos, None]
            elif kind == STEP_CLOSE:
                groups[step & 0xFF][1] = pos
            elif pos != len(digits):
                ok = False
                break
        if ok:
            return pos, groups
    return None


def repaired_name(name: str) -> str:
    """A carrier name whose UTF-8 bytes were read as Latin-1 somewhere upstream ("TelefÃ³nica",
    in phonenumbers 9.0.43's data for Chile) put back ("Telefónica"). A name that really holds
    Latin-1 letters ("Telefónica") is no UTF-8 when encoded so, and stays as it is."""
    try:
        return name.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def prefix_ranges(prefixes):
    """Longest-prefix data as sorted disjoint ranges of 15-digit-scaled keys.

    `prefixes`: {digit string: id}. Returns [(start, id)]: a key k with d digits, scaled to
    k * 10**(15 - d), takes the id of the last start <= scaled (id 0: none).
    """
    events = []
    for p, ident in prefixes.items():
        scale = 10 ** (15 - len(p))
        events.append((int(p) * scale, (int(p) + 1) * scale, len(p), ident))
    # Sweep: points where the deepest covering prefix can change.
    points = sorted({e[0] for e in events} | {e[1] for e in events})
    events.sort()
    out = []
    active = []  # (end, depth, id)
    j = 0
    for x in points:
        while j < len(events) and events[j][0] <= x:
            s, e, depth, ident = events[j]
            active.append((e, depth, ident))
            j += 1
        active = [a for a in active if a[0] > x]
        ident = max(active, key=lambda a: a[1])[2] if active else 0
        if not out or out[-1][1] != ident:
            out.append((x, ident))
    return out


def rows_of(items, per_line=8):
    """Initializer items as indented source lines, `per_line` to a line."""
    items = list(items)
    return ["    " + " ".join(items[k:k + per_line]) for k in range(0, len(items), per_line)]


def c_string(data: bytes) -> str:
    """A C++ string literal for arbitrary bytes, split into lines."""
    parts = []
    line = []
    width = 0
    prev_octal = False
    for b in data:
        if 0x20 <= b < 0x7F and b not in (0x22, 0x5C, 0x3F):
            ch = chr(b)
            if prev_octal and ch in "01234567":
                piece = '""' + ch
            else:
                piece = ch
            prev_octal = False
        else:
            piece = "\\" + format(b, "o")
            prev_octal = True
        line.append(piece)
        width += len(piece)
        if width >= 100:
            parts.append('"' + "".join(line) + '"')
            line, width, prev_octal = [], 0, False
    if line or not parts:
        parts.append('"' + "".join(line) + '"')
    return "\n".join(parts)


def u16(values):
    return b"".join(int(v).to_bytes(2, "little") for v in values)


def u64(values):
    return b"".join(int(v).to_bytes(8, "little") for v in values)


def check_paths(rows):
    rng = random.Random(8)
    checked = 0
    for cc, region, meta in rows:
        for field in ("international_prefix", "national_prefix_for_parsing"):
            text = getattr(meta, field)
            if not text:
                continue
            ps, groups = paths(text)
            enc = [encode_path(p) for p in ps]
            compiled = re.compile(text)
            samples = [enc_sample(p, rng) for p in ps] + [
                "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 16))) for _ in range(300)]
            for s in samples:
                for extra in ("", "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 12)))):
                    digits = s + extra
                    m = compiled.match(digits)
                    got = match_paths(enc, digits)
                    if (m is None) != (got is None) or (m and m.end() != got[0]):
                        raise SystemExit(f"{region} {field} {text!r} on {digits}: re {m} ours {got}")
                    if m:
                        for g in range(1, groups + 1):
                            want = m.span(g) if m.group(g) is not None else None
                            have = tuple(got[1][g]) if g in got[1] else None
                            if want != have:
                                raise SystemExit(f"{region} {field} group {g} on {digits}: {want} vs {have}")
                    checked += 1
    print(f"path matcher agrees with re on {checked} inputs", file=sys.stderr)


def enc_sample(path, rng):
    out = []
    for step in path:
        if step[0] == "cls":
            out.append(str(rng.choice([d for d in range(10) if step[1] >> d & 1])))
    return "".join(out)



OVERLENGTH_PUSH = (
    "// Each table is one string literal, so that it stays constexpr. C++ requires compilers to take\n"
    "// literals of 65,536 characters; GCC and Clang take longer ones, but Clang's -Wpedantic warns\n"
    "// of them, which broke users' -Werror builds: the warning is off for these tables alone.\n"
    "#pragma GCC diagnostic push\n"
    '#pragma GCC diagnostic ignored "-Woverlength-strings"\n')
OVERLENGTH_POP = "#pragma GCC diagnostic pop"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--output", default=os.path.join(os.path.dirname(__file__), "..", "include", "numrep", "detail"))
    args = ap.parse_args()
    if phonenumbers.__version__ != PINNED:
        raise SystemExit(f"phonenumbers {phonenumbers.__version__} is installed; this table pins {PINNED}")
    rows = metadata_rows()
    if args.check:
        check_paths(rows)
        return

    countries = []  # (cc, [row indexes])
    for i, (cc, _, _) in enumerate(rows):
        if not countries or countries[-1][0] != cc:
            countries.append((cc, []))
        countries[-1][1].append(i)

    transitions = []
    state_tagset = []
    tagset_ids = {}
    tagset_rows = []  # (general mask, answer row id)
    answer_ids = {}
    answer_rows = []
    country_lines = []
    for cc, members_idx in countries:
        members = [rows[i] for i in members_idx]
        patterns = []
        for k, (_, _, meta) in enumerate(members):
            for desc in DESCS:
                d = getattr(meta, desc)
                if d is not None and d.national_number_pattern:
                    patterns.append((d.national_number_pattern, (k, desc), "full"))
            if meta.leading_digits and len(members) > 1:
                patterns.append((meta.leading_digits, (k, "ld"), "prefix"))
        trans, tags = build_dfa(patterns)
        if len(trans) >= (1 << 16) - 1:
            raise SystemExit(f"+{cc}: {len(trans)} states do not fit 16 bits")
        first_state = len(transitions)
        chains = uniform_chains(trans)
        for row, t, chain in zip(trans, tags, chains):
            transitions.append(list(row) + list(chain))
            key = (cc, t)
            if key not in tagset_ids:
                general = 0
                for k in range(len(members)):
                    if (k, "general_desc") in t:
                        general |= 1 << k
                ans = tuple((region << 8) | TYPE_CODE[kind]
                            for region, kind in (answer(members, t, length) for length in range(MAX_NSN + 1)))
                if ans not in answer_ids:
                    answer_ids[ans] = len(answer_rows)
                    answer_rows.append(ans)
                tagset_ids[key] = len(tagset_rows)
                tagset_rows.append((general, answer_ids[ans]))
            state_tagset.append(tagset_ids[key])
        longest = max(max(length_mask_list(meta)) for _, _, meta in members)
        country_lines.append((cc, members_idx[0], len(members), first_state, len(trans),
                              min(longest, 15 - len(str(cc)))))

    # per-metadata rows: parsing rules
    steps = []
    path_table = []  # (first step, step count)

    def add_paths(text):
        if not text:
            return 0, 0
        ps, _ = paths(text)
        first = len(path_table)
        for p in ps:
            e = encode_path(p)
            path_table.append((len(steps), len(e)))
            steps.extend(e)
        return first, len(ps)

    meta_lines = []
    for i, (cc, region, meta) in enumerate(rows):
        idd_first, idd_count = add_paths(meta.international_prefix)
        npp_first, npp_count = add_paths(meta.national_prefix_for_parsing)
        groups = re.compile(meta.national_prefix_for_parsing).groups if meta.national_prefix_for_parsing else 0
        general = meta.general_desc
        possible = length_mask(general.possible_length)
        local_only = length_mask(general.possible_length_local_only)
        index_in_country = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc].index(region)
        dial = meta.preferred_international_prefix or (meta.international_prefix
                                                       if (meta.international_prefix or "").isdigit() else "")
        transform = (meta.national_prefix_transform_rule or "").replace("\\", "$")
        meta_lines.append(
            f'    {{"{region}", {cc}, {index_in_country}, {"true" if meta.main_country_for_code else "false"}, '
            f'{possible:#x}, {local_only:#x}, "{meta.national_prefix or ""}", "{dial}", '
            f'{idd_first}, {idd_count}, {npp_first}, {npp_count}, "{transform}", {groups}, '
            f'"{literal_digits(meta.international_prefix)}", "{literal_digits(meta.national_prefix_for_parsing)}"}},')

    region_index = sorted((region, i) for i, (_, region, _) in enumerate(rows) if region != "001")

    # carriers (English names) and NANP area codes
    carrier_names = {}
    carrier_prefixes = {}
    for prefix, names in CARRIER_DATA.items():
        name = names.get("en")
        if not name or prefix.startswith("84"):
            continue  # Vietnam's carriers come from its own plan (numrep's overlay)
        carrier_prefixes[prefix] = carrier_names.setdefault(repaired_name(name), len(carrier_names) + 1)
    area_names = {}
    area_prefixes = {}
    for npa, state in nanp_states().items():
        area_prefixes["1" + npa] = area_names.setdefault(state, len(area_names) + 1)
    carrier_ranges = prefix_ranges(carrier_prefixes)
    area_ranges = prefix_ranges(area_prefixes)
    # Each country's slice of the carrier ranges, so a lookup searches only its own.
    import bisect
    starts = [start for start, _ in carrier_ranges]
    country_lines = [line + (bisect.bisect_left(starts, line[0] * 10 ** (15 - len(str(line[0])))),
                             bisect.bisect_left(starts, (line[0] + 1) * 10 ** (15 - len(str(line[0])))))
                     for line in country_lines]

    out = []
    w = out.append
    w(f"// Generated by tools/gen_world_plan.py from the phonenumbers package {phonenumbers.__version__}")
    w("// (libphonenumber's metadata, carrier and geocoding data). Do not edit by hand.")
    w(f"// {len(rows)} metadata entries, {len(countries)} country codes, {len(transitions)} automaton states,")
    w(f"// {len(path_table)} prefix paths, {len(carrier_prefixes)} carrier prefixes in {len(carrier_ranges)} ranges,")
    w(f"// {len(area_prefixes)} NANP area codes.")
    w("#pragma once")
    w("#include <array>\n#include <cstdint>\n#include <string_view>\n")
    w(OVERLENGTH_PUSH)
    w("namespace numrep::detail::world {\n")
    w(f'inline constexpr std::string_view metadata_version = "{phonenumbers.__version__}";\n')
    w("// Path steps: a digit class (bit d: digit d matches), or a group mark, or the end anchor.")
    w(f"inline constexpr std::uint16_t step_open = {STEP_OPEN:#x}, step_close = {STEP_CLOSE:#x}, "
      f"step_end = {STEP_END:#x};\n")
    w("struct metadata_row {")
    w("    std::string_view region;           // ISO 3166-1 alpha-2, \"001\" for a non-geographic code")
    w("    std::uint16_t country_code;")
    w("    std::uint8_t index_in_country;     // position in libphonenumber's list for the code")
    w("    bool main_country;")
    w("    std::uint32_t possible_lengths;    // bit n: national numbers of n digits are possible")
    w("    std::uint32_t local_only_lengths;  // bit n: n digits dial only locally")
    w("    std::string_view national_prefix;  // trunk prefix (\"0\"), \"\" if none")
    w("    std::string_view dialling_prefix;  // international prefix as dialled, \"8~10\" waits for a tone")
    w("    std::uint16_t idd_first, idd_count;  // international prefix paths")
    w("    std::uint16_t npp_first, npp_count;  // national prefix for parsing paths")
    w("    std::string_view npp_transform;    // replacement, $1 for group 1; \"\" if none")
    w("    std::uint8_t npp_groups;")
    w("    // The international and national prefixes for parsing when each is one string of digits")
    w("    // (\"00\", \"0\"): compared directly, not walked as paths. \"\" otherwise.")
    w("    std::string_view idd_digits, npp_digits;")
    w("};\n")
    w(f"inline constexpr std::array<metadata_row, {len(meta_lines)}> metadata{{{{")
    out.extend(meta_lines)
    w("}};\n")
    w("// ISO codes, sorted, with their metadata row.")
    w("struct region_entry {\n    std::string_view code;\n    std::uint16_t row;\n};")
    w(f"inline constexpr std::array<region_entry, {len(region_index)}> regions{{{{")
    out.extend(rows_of(f'{{"{r}", {i}}},' for r, i in region_index))
    w("}};\n")
    w("struct country_row {")
    w("    std::uint16_t code;")
    w("    std::uint16_t first_row;      // its metadata rows, in libphonenumber's order")
    w("    std::uint8_t row_count;")
    w("    std::uint32_t first_state;    // its automaton: states [first_state, first_state + state_count)")
    w("    std::uint16_t state_count;")
    w("    std::uint8_t max_national_length;  // longest national number of its regions, E.164-capped")
    w("    std::uint16_t carrier_first, carrier_end;  // its carrier ranges (world_names.hpp) start in [first, end)")
    w("};")
    w("// Every assigned country calling code, ascending.")
    w(f"inline constexpr std::array<country_row, {len(country_lines)}> countries{{{{")
    for c in country_lines:
        w(f"    {{{c[0]}, {c[1]}, {c[2]}, {c[3]}, {c[4]}, {c[5]}, {c[6]}, {c[7]}}},")
    w("}};\n")
    w("struct path_entry {\n    std::uint16_t first_step;\n    std::uint8_t step_count;\n};")
    w(f"inline constexpr std::array<path_entry, {len(path_table)}> prefix_paths{{{{")
    out.extend(rows_of(f"{{{a}, {b}}}," for a, b in path_table))
    w("}};")
    w(f"inline constexpr std::array<std::uint16_t, {len(steps)}> path_steps{{{{")
    out.extend(rows_of((f"{s}," for s in steps), per_line=16))
    w("}};\n")
    w("// Automaton tables, little-endian in string literals:")
    w("// transitions: 12 uint16 a state: the next state for digits 0-9 (local to its country; 0 is dead, 1")
    w("// the start), then a chain of uniform steps: every digit leads on for `length` steps (0: none;")
    w("// 0xFFFF: this state absorbs every digit) to `target`, which a walk may jump to;")
    w("// state_tagsets: uint16 a state; tagsets: (uint32 general mask, uint16 answer row) as 3 uint16;")
    w("// answers: 18 uint16 a row, (region index in country << 8) | number_type, by national length.")
    w(f"inline constexpr std::uint32_t state_count = {len(transitions)};")
    w(f"inline constexpr std::uint32_t tagset_count = {len(tagset_rows)};")
    w(f"inline constexpr std::uint32_t answer_row_count = {len(answer_rows)};")
    w(f"inline constexpr std::uint32_t answer_stride = {MAX_NSN + 1};")
    w("inline constexpr std::uint32_t row_width = 12;  // uint16 per automaton state")
    w(f"inline constexpr std::uint16_t absorbing = {ABSORBING:#x};")
    flat = [x for row in transitions for x in row]
    w(f"inline constexpr std::string_view transitions{{\n{c_string(u16(flat))},\n{len(flat) * 2}}};")
    w(f"inline constexpr std::string_view state_tagsets{{\n{c_string(u16(state_tagset))},\n{len(state_tagset) * 2}}};")
    ts = [x for g, a in tagset_rows for x in (g & 0xFFFF, g >> 16, a)]
    w(f"inline constexpr std::string_view tagsets{{\n{c_string(u16(ts))},\n{len(ts) * 2}}};")
    an = [x for row in answer_rows for x in row]
    w(f"inline constexpr std::string_view answers{{\n{c_string(u16(an))},\n{len(an) * 2}}};\n")

    def names_table(name, names):
        ordered = sorted(names, key=names.get)
        w(f"inline constexpr std::array<std::string_view, {len(ordered) + 1}> {name}{{{{")
        w('    "",')
        for n in ordered:
            w('    "' + n.replace("\\", "\\\\").replace('"', '\\"') + '",')
        w("}};")

    w("\n}  // namespace numrep::detail::world\n")
    w(OVERLENGTH_POP)
    files = {"world_data.hpp": out}
    out = []
    w = out.append
    w(f"// Generated by tools/gen_world_plan.py from the phonenumbers package {phonenumbers.__version__}")
    w("// (libphonenumber's carrier and geocoding data). Do not edit by hand.")
    w("#pragma once")
    w("#include <array>\n#include <cstdint>\n#include <string_view>\n")
    w(OVERLENGTH_PUSH)
    w("namespace numrep::detail::world {\n")
    w("// Carriers by prefix (names by id; id 0 is none) and NANP area codes to state or province:")
    w("// sorted range starts of 15-digit-scaled keys (uint64) with the id from there on (uint16).")
    for kind, names, ranges in (("carrier", carrier_names, carrier_ranges), ("area", area_names, area_ranges)):
        names_table(f"{kind}_names", names)
        w(f"inline constexpr std::uint32_t {kind}_range_count = {len(ranges)};")
        w(f"inline constexpr std::string_view {kind}_starts{{\n{c_string(u64(s for s, _ in ranges))},\n"
          f"{len(ranges) * 8}}};")
        w(f"inline constexpr std::string_view {kind}_ids{{\n{c_string(u16(i for _, i in ranges))},\n"
          f"{len(ranges) * 2}}};")
    w("\n}  // namespace numrep::detail::world\n")
    w(OVERLENGTH_POP)
    files["world_names.hpp"] = out
    out = []
    w = out.append
    w(f"// Generated by tools/gen_world_plan.py from the phonenumbers package {phonenumbers.__version__}.")
    w("// Do not edit by hand. Facts: ITU-T E.164 country calling codes.")
    w("#pragma once")
    w("#include <array>\n#include <cstdint>\n")
    w("namespace numrep::detail {\n")
    w("struct country_row {\n    std::uint16_t code;\n"
      "    std::uint8_t max_nsn_length;  // longest national number of any of its regions, E.164-capped\n};\n")
    w("// Every assigned country calling code, ascending (E.164 codes form a prefix-free set).")
    w(f"inline constexpr std::array<country_row, {len(country_lines)}> country_rows{{{{")
    out.extend(rows_of(f"{{{c[0]}, {c[5]}}}," for c in country_lines))
    w("}};\n")
    w("}  // namespace numrep::detail")
    files["country_codes.hpp"] = out
    for name, lines in files.items():
        with open(os.path.join(args.output, name), "w") as f:
            f.write("\n".join(lines) + "\n")
    total = len(flat) * 2 + len(state_tagset) * 2 + len(ts) * 2 + len(an) * 2 + len(carrier_ranges) * 10 \
        + len(area_ranges) * 10 + len(steps) * 2
    print(f"data bytes: {total}", file=sys.stderr)


def nanp_states():
    """Area code -> state or province, from libphonenumber's English geocoding data.

    Most area codes have a 4-digit entry naming their state ("1201": "New Jersey"); some name a
    city there ("1212": "New York, NY") or have none ("1203"), while their longer entries name
    cities with the state's postal abbreviation ("1203200": "Bridgeport, CT"). The abbreviations
    are read off the data itself: for area codes whose entry is a state, the abbreviation their
    cities carry most often stands for that state.
    """
    import collections
    by_npa = collections.defaultdict(list)
    for prefix, names in GEOCODE_DATA.items():
        if prefix.startswith("1") and len(prefix) >= 4 and names.get("en"):
            by_npa[prefix[1:4]].append((len(prefix), names["en"]))
    stated = {}
    for npa, entries in by_npa.items():
        for length, name in entries:
            if length == 4 and ", " not in name:
                stated[npa] = name

    def abbreviation(entries):
        counts = collections.Counter(name.rsplit(", ", 1)[1] for _, name in entries
                                     if ", " in name and len(name.rsplit(", ", 1)[1]) == 2)
        return counts.most_common(1)[0][0] if counts else None

    votes = collections.defaultdict(collections.Counter)
    for npa, state in stated.items():
        abbr = abbreviation(by_npa[npa])
        if abbr:
            votes[abbr][state] += 1
    states_by_abbreviation = {abbr: c.most_common(1)[0][0] for abbr, c in votes.items()}
    out = dict(stated)
    for npa, entries in by_npa.items():
        if npa not in out:
            abbr = abbreviation(entries)
            if abbr in states_by_abbreviation:
                out[npa] = states_by_abbreviation[abbr]
    return out


ABSORBING = 0xFFFF


def uniform_chains(trans):
    """(length, target) per state: from a state whose ten digits all lead to the same live state
    (a \\d step), `length` such steps in a row reach `target` whatever the digits are; a walk
    with that many digits left jumps there in one read instead of `length` (national numbers
    mostly end in such runs: "[2-9]\\d{9}" is one step and a jump)."""
    memo = {}

    def chain(s):
        if s in memo:
            return memo[s]
        row = trans[s]
        t = row[0]
        if s == 0 or any(x != t for x in row) or t == 0:
            memo[s] = (0, 0)
        elif t == s:
            memo[s] = (ABSORBING, s)
        else:
            memo[s] = (0, 0)  # guards a cycle through other states (none occur: patterns are finite)
            length, target = chain(t)
            memo[s] = (1, t) if length in (0, ABSORBING) else (1 + length, target)
        return memo[s]

    return [chain(s) for s in range(len(trans))]


def length_mask_list(meta):
    found = set(meta.general_desc.possible_length or ()) | set(meta.general_desc.possible_length_local_only or ())
    found.discard(-1)
    return found or {15}


if __name__ == "__main__":
    main()
