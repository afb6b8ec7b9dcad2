// Parsing: any written form of a phone number to a phone_number (an E.164 integer key).
//   try_parse(text[, region]) -> parse_result   noexcept; says what was wrong and where
//   parse(text[, region])     -> phone_number   throws numrep::parse_error quoting the input
// One left-to-right pass over the text, O(length) time, no allocation; input is UTF-8
// (std::string_view) or UTF-32 (std::u32string_view, as NumPy stores strings).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "detail/key.hpp"
#include "detail/throw.hpp"
#include "detail/unicode.hpp"
#include "detail/vietnam_rules.hpp"
#include "phone_number.hpp"
#include "region.hpp"

namespace numrep {

enum class parse_errc : std::uint8_t {
    ok = 0,
    empty,                  // nothing but white space
    bad_character,          // a character that has no place in a phone number (or bad UTF-8)
    too_short,              // fewer than 3 national digits
    too_long,               // more digits than the country's numbers (or E.164's 15) allow
    unknown_country_code,   // international form whose leading digits are no country code
    missing_country_code,   // national form, but no default region to supply a country code
    unknown_region,         // the default region given is not an ISO 3166 code we know
};

constexpr std::string_view describe(parse_errc e) noexcept {
    switch (e) {
        case parse_errc::ok: return "ok";
        case parse_errc::empty: return "empty input";
        case parse_errc::bad_character: return "bad character";
        case parse_errc::too_short: return "too short";
        case parse_errc::too_long: return "too long";
        case parse_errc::unknown_country_code: return "unknown country code";
        case parse_errc::missing_country_code: return "national number without a default region";
        case parse_errc::unknown_region: return "unknown region";
    }
    return "unknown error";
}

// Shortest national significant number accepted: 3 digits, for short codes such as 113.
inline constexpr int min_national_length = 3;

// Either a phone_number or the reason there is none (and, for bad characters, where).
class parse_result {
public:
    constexpr parse_result(phone_number number) noexcept : number_(number) {}
    constexpr parse_result(parse_errc error, std::size_t position = 0) noexcept
        : error_(error), position_(position) {}

    constexpr bool ok() const noexcept { return error_ == parse_errc::ok; }
    constexpr explicit operator bool() const noexcept { return ok(); }
    constexpr parse_errc error() const noexcept { return error_; }
    // Offset (in code units of the input) of the offending character for bad_character.
    constexpr std::size_t position() const noexcept { return position_; }
    // The number; an empty phone_number (key 0) when parsing failed.
    constexpr const phone_number& value() const noexcept { return number_; }
    constexpr const phone_number& operator*() const noexcept { return number_; }
    constexpr const phone_number* operator->() const noexcept { return &number_; }

private:
    phone_number number_{};
    parse_errc error_ = parse_errc::ok;
    std::size_t position_ = 0;
};

namespace detail {

// Digits kept while scanning: more than any valid number has, so "too long" is still seen.
inline constexpr int scan_digit_capacity = 20;

struct scanned {
    char digits[scan_digit_capacity];
    int count = 0;            // digits seen (may exceed capacity: then the number is too long)
    bool plus = false;        // a leading '+'
    int paren_zero = -1;      // index of a digit 0 standing alone in parentheses: "+84 (0) 91..."
    parse_errc error = parse_errc::ok;
    std::size_t position = 0;
};

template <class Text>
constexpr bool starts_with_tel(Text text, std::size_t pos) noexcept {
    constexpr char scheme[] = "tel:";
    if (text.size() - pos < 4) return false;
    for (std::size_t i = 0; i < 4; ++i) {
        auto c = static_cast<char32_t>(text[pos + i]);
        if (c >= 'A' && c <= 'Z') c += 32;
        if (c != static_cast<char32_t>(scheme[i])) return false;
    }
    return true;
}

// Collects the digits of `text` and checks that everything else is punctuation we accept.
template <class Text>
constexpr scanned scan(Text text) noexcept {
    scanned s{};
    std::size_t pos = 0;
    bool only_space = true;
    bool tel_uri = false;
    int paren_open_at = -1;  // digit count when the innermost '(' opened
    while (pos < text.size()) {
        const decoded d = decode_at(text, pos);
        const char32_t c = d.code_point;
        const std::size_t here = pos;
        pos += d.length;
        if (is_space(c)) continue;
        if (only_space && starts_with_tel(text, here)) {
            tel_uri = true;
            only_space = false;
            pos = here + 4;
            continue;
        }
        only_space = false;
        if (const int v = digit_value(c); v >= 0) {
            if (s.count < scan_digit_capacity) s.digits[s.count] = static_cast<char>('0' + v);
            if (++s.count > scan_digit_capacity) {
                s.error = parse_errc::too_long;  // stop early: huge inputs cost no more than this
                return s;
            }
        } else if (is_plus(c) && s.count == 0 && !s.plus) {
            s.plus = true;
        } else if (is_open_paren(c)) {
            paren_open_at = s.count;
        } else if (is_close_paren(c)) {
            if (paren_open_at >= 0 && s.count == paren_open_at + 1 && s.digits[paren_open_at] == '0')
                s.paren_zero = paren_open_at;
            paren_open_at = -1;
        } else if (is_digit_separator(c)) {
            // grouping punctuation carries no meaning
        } else if (tel_uri && c == ';' && s.count > 0) {
            break;  // tel: URI parameters (";phone-context=...") follow the number
        } else {
            s.error = parse_errc::bad_character;
            s.position = here;
            return s;
        }
    }
    if (s.count == 0) s.error = only_space ? parse_errc::empty : parse_errc::too_short;
    return s;
}

constexpr std::uint64_t digits_value(const char* digits, int count) noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < count; ++i) v = v * 10 + static_cast<unsigned>(digits[i] - '0');
    return v;
}

constexpr bool starts_with_digits(const char* digits, int count, std::string_view prefix) noexcept {
    if (prefix.empty() || static_cast<std::size_t>(count) <= prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (digits[i] != prefix[i]) return false;
    return true;
}

// Builds the number from a country code and national digits, applying per-country rules.
constexpr parse_result make_number(unsigned cc, const char* nsn, int nsn_length) noexcept {
    // Vietnamese national numbers never start with 0, so zeros there are trunk-prefix noise:
    // "+84 0912...", "840912...". Dropping them keeps parse(national(n)) == n.
    if (cc == vietnam::country_code) {
        while (nsn_length > 0 && nsn[0] == '0') {
            ++nsn;
            --nsn_length;
        }
    }
    if (nsn_length < min_national_length) return parse_result(parse_errc::too_short);
    if (nsn_length > max_national_length(cc)) return parse_result(parse_errc::too_long);
    std::uint64_t national = digits_value(nsn, nsn_length);
    bool legacy = false;
    if (cc == vietnam::country_code) {
        const auto converted = vietnam::convert_legacy(national, nsn_length);
        national = converted.national_number;
        nsn_length = converted.national_length;
        legacy = converted.converted;
    }
    const int cc_length = cc >= 100 ? 3 : cc >= 10 ? 2 : 1;
    if (cc_length + nsn_length > max_key_digits) return parse_result(parse_errc::too_long);
    const std::uint64_t key = cc * pow10[static_cast<std::size_t>(nsn_length)] + national;
    return parse_result(phone_number::from_parts(key, cc_length, nsn_length, legacy));
}

// "+CC NSN" (or "00CC NSN" once the international prefix is removed): `offset` is where the
// country code starts within s.digits.
constexpr parse_result parse_international(const scanned& s, int offset) noexcept {
    const char* d = s.digits + offset;
    const int n = s.count - offset;
    unsigned cc = 0;
    int cc_length = 0;
    if (n > 0 && d[0] == '0') return parse_result(parse_errc::unknown_country_code);  // no code starts with 0
    for (int len = 1; len <= 3 && len <= n; ++len) {
        cc = cc * 10 + static_cast<unsigned>(d[len - 1] - '0');
        if (is_country_code(cc)) {
            cc_length = len;
            break;
        }
    }
    if (cc_length == 0) return parse_result(n < 1 ? parse_errc::too_short : parse_errc::unknown_country_code);
    const char* nsn = d + cc_length;
    int nsn_length = n - cc_length;
    // "+44 (0)20 ...": a parenthesised trunk 0 is dropped for every country. (Vietnam's trunk
    // zeros are dropped in make_number, whatever the form.)
    if (nsn_length > 0 && nsn[0] == '0' && s.paren_zero == offset + cc_length) {
        ++nsn;
        --nsn_length;
    }
    return make_number(cc, nsn, nsn_length);
}

constexpr parse_result parse_scanned(const scanned& s, const region& home) noexcept {
    if (s.error != parse_errc::ok) return parse_result(s.error, s.position);
    if (s.plus) return parse_international(s, 0);
    if (home.is_none()) return parse_result(parse_errc::missing_country_code);
    if (starts_with_digits(s.digits, s.count, home.international_prefix()))
        return parse_international(s, static_cast<int>(home.international_prefix().size()));
    const unsigned cc = home.country_code();
    if (starts_with_digits(s.digits, s.count, home.national_prefix())) {
        const int trunk = static_cast<int>(home.national_prefix().size());
        return make_number(cc, s.digits + trunk, s.count - trunk);
    }
    // The country code written without '+' ("84912345678"): taken as such only when the digits
    // are too long for a national number and what follows the code has a national length.
    const int cc_length = cc >= 100 ? 3 : cc >= 10 ? 2 : 1;
    const int rest = s.count - cc_length;
    if (s.count > home.max_national_length() && rest >= home.min_national_length() &&
        rest <= max_national_length(cc) && digits_value(s.digits, cc_length) == cc)
        return make_number(cc, s.digits + cc_length, rest);
    return make_number(cc, s.digits, s.count);
}

// Quotes untrusted input for an error message: printable ASCII as is, other bytes escaped,
// long inputs cut (a 10 MB string must not become a 40 MB message).
inline std::string quote(std::string_view text) {
    constexpr std::size_t shown = 64;
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size() && i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
        } else {
            constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out += '"';
    if (text.size() > shown) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

}  // namespace detail

constexpr parse_result try_parse(std::string_view text, const region& home = region::vietnam()) noexcept {
    return detail::parse_scanned(detail::scan(text), home);
}

constexpr parse_result try_parse(std::u32string_view text, const region& home = region::vietnam()) noexcept {
    return detail::parse_scanned(detail::scan(text), home);
}

// Region given by ISO code ("VN", "US"); an unknown code is an error, not a fallback.
constexpr parse_result try_parse(std::string_view text, std::string_view region_code) noexcept {
    const auto home = region::find(region_code);
    if (!home) return parse_result(parse_errc::unknown_region);
    return try_parse(text, *home);
}

// The message parse_error carries: `numrep: cannot parse "0912x": bad character 'x' at offset 4`.
inline std::string parse_error_message(std::string_view text, const parse_result& r,
                                       std::string_view region_code = {}) {
    // Built with append: GCC 12 warns falsely (-Wrestrict) on chains of operator+ here.
    std::string message = "cannot parse ";
    message.append(detail::quote(text)).append(": ").append(describe(r.error()));
    if (r.error() == parse_errc::bad_character && r.position() < text.size()) {
        const auto d = detail::decode_at(text, r.position());
        if (d.code_point == detail::invalid_code_point)
            message.append(" (invalid UTF-8)");
        else
            message.append(" ").append(detail::quote(text.substr(r.position(), d.length)));
        message.append(" at offset ").append(std::to_string(r.position()));
    } else if (r.error() == parse_errc::unknown_region) {
        message.append(" ").append(detail::quote(region_code));
    }
    return message;
}

inline phone_number parse(std::string_view text, const region& home = region::vietnam()) {
    const parse_result r = try_parse(text, home);
    if (!r) detail::throw_parse_error(parse_error_message(text, r));
    return r.value();
}

inline phone_number parse(std::string_view text, std::string_view region_code) {
    const auto home = region::find(region_code);
    if (!home) detail::throw_parse_error(parse_error_message(text, parse_result(parse_errc::unknown_region), region_code));
    return parse(text, *home);
}

}  // namespace numrep
