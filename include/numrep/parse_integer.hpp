// numrep::read_integer: a phone number that arrived as an integer (a spreadsheet or pandas column
// that dropped its leading zeros: 0912345678 -> 912345678) read without guessing. Kept apart from
// try_parse so that the string parser's hot path never sees integers; a call is three parses
// and three plan lookups, O(digits), no allocation. Rule: docs/architecture.md ("Integers").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "numbering_plan.hpp"
#include "parse.hpp"
#include "region.hpp"
#include "world_plan.hpp"

namespace numrep {

// The readings of an integer and the one numrep takes, if any.
struct integer_reading {
    std::optional<phone_number> number;         // the one valid reading; nullopt: ambiguous or invalid
    std::optional<phone_number> national;       // a national reading in the region (valid if any is)
    bool national_valid = false;                // ... and whether the plan validates it
    std::optional<phone_number> international;  // "+" and the digits
    bool international_valid = false;
    bool ambiguous = false;  // two valid readings that are different numbers

    explicit operator bool() const noexcept { return number.has_value(); }
};

// Reads `value` both ways and judges each reading with `plan`:
//   national       the digits as a national number of `home`, as written ("912345678") and with
//                  the leading 0 an integer cannot hold ("0912345678": a trunk prefix, or the
//                  first digit of the number as in Italy); none when `home` reads no national forms
//                  (region::none(), or a non-geographic region such as for_country_code(800));
//   international  "+" and the digits ("+912345678").
// Exactly one valid number among the readings (several readings may give the same number) is
// the answer. Two different valid numbers are ambiguous and none is invalid: no answer, so an
// integer is never silently turned into another country's number (4708091299 from the US is
// not Norway's +47 08091299, 912345678 from Vietnam is not India's +91 2345678).
inline integer_reading read_integer(std::uint64_t value, const region& home,
                                    const numbering_plan& plan = plans::world()) noexcept {
    integer_reading r;
    if (value == 0) return r;
    char digits[24];
    int length = 0;
    for (std::uint64_t v = value; v != 0; v /= 10) digits[length++] = static_cast<char>('0' + v % 10);
    char text[24];  // room for "+" or "0", then at most 20 digits
    for (int i = 0; i < length; ++i) text[1 + i] = digits[length - 1 - i];
    const std::string_view bare(text + 1, static_cast<std::size_t>(length));
    const std::string_view with_prefix(text, static_cast<std::size_t>(length) + 1);

    text[0] = '+';
    if (const parse_result p = try_parse(with_prefix, region::none())) {
        r.international = *p;
        r.international_valid = plan.lookup(p->key()).valid;
    }
    if (home.reads_national_forms()) {  // not none(), nor a non-geographic "001"
        const parse_result as_written = try_parse(bare, home);
        text[0] = '0';
        const parse_result with_zero = try_parse(with_prefix, home);
        for (const parse_result* p : {&as_written, &with_zero}) {
            if (!*p) continue;
            const bool valid = plan.lookup((*p)->key()).valid;
            if (valid && r.national_valid && r.national->key() != (*p)->key()) r.ambiguous = true;
            if (!r.national || (valid && !r.national_valid)) {
                r.national = **p;
                r.national_valid = valid;
            }
        }
    }
    if (r.national_valid && r.international_valid && r.national->key() != r.international->key()) r.ambiguous = true;
    if (!r.ambiguous) {
        if (r.national_valid) r.number = r.national;
        else if (r.international_valid)
            r.number = r.international;
    }
    return r;
}

// Why read_integer gave no answer, for an error message or a bad row: the integer, its
// readings, and how to keep a number's leading zeros.
inline std::string integer_error_message(std::uint64_t value, const region& home, const integer_reading& r) {
    const auto reading = [](const std::optional<phone_number>& n, bool valid) {
        if (!n) return std::string("does not parse");
        return n->e164() + (valid ? " (valid)" : " (not valid)");
    };
    std::string out = "integer " + std::to_string(value);
    out += r.ambiguous ? " is ambiguous:" : " is no valid number:";
    if (home.reads_national_forms())
        out += " as a national number of " + std::string(home.code()) + " " + reading(r.national, r.national_valid) +
               ",";
    out += " as an international number " + reading(r.international, r.international_valid);
    out += r.ambiguous ? "; both are valid" : "";
    out += ". An integer has lost any leading zero; give numbers as text (read CSV files with dtype=str)";
    return out;
}

}  // namespace numrep
