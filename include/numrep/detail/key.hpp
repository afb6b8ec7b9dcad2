// Integer keys: an E.164 number's digits read as one uint64_t (country codes never start
// with 0, so digits and integer determine each other). At most 15 digits, i.e. under 2^50.
// Helpers here are constexpr, branch-light and allocation-free.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

#include "country_codes.hpp"

namespace numrep::detail {

inline constexpr int max_key_digits = 15;  // ITU-T E.164
inline constexpr std::uint64_t max_key = 999'999'999'999'999ULL;

inline constexpr std::array<std::uint64_t, 20> pow10 = [] {
    std::array<std::uint64_t, 20> p{};
    p[0] = 1;
    for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
    return p;
}();

// Number of decimal digits of x (1 for 0). log10 estimated from the bit width, then corrected.
constexpr int decimal_digits(std::uint64_t x) noexcept {
    const int approx = (static_cast<int>(std::bit_width(x | 1)) * 1233) >> 12;  // ~ floor(log10)
    return approx + (x >= pow10[static_cast<std::size_t>(approx)] ? 1 : 0);
}

constexpr unsigned decimal_digits_u(std::uint64_t x) noexcept { return static_cast<unsigned>(decimal_digits(x)); }

// x / 10^c with a constant divisor per case, so the compiler emits a multiply, not a divide.
inline std::uint64_t div_pow10(std::uint64_t x, unsigned c) noexcept {
    switch (c) {
        case 0: return x;
        case 1: return x / 10ULL;
        case 2: return x / 100ULL;
        case 3: return x / 1000ULL;
        case 4: return x / 10000ULL;
        case 5: return x / 100000ULL;
        case 6: return x / 1000000ULL;
        case 7: return x / 10000000ULL;
        case 8: return x / 100000000ULL;
        case 9: return x / 1000000000ULL;
        case 10: return x / 10000000000ULL;
        case 11: return x / 100000000000ULL;
        case 12: return x / 1000000000000ULL;
        case 13: return x / 10000000000000ULL;
        case 14: return x / 100000000000000ULL;
        default: return x / pow10[c & 15U];
    }
}

// Membership bitmap of the country codes, indexed by the code itself (< 1000).
inline constexpr std::array<std::uint64_t, 16> country_code_bits = [] {
    std::array<std::uint64_t, 16> bits{};
    for (const auto& row : country_rows) bits[row.code / 64] |= std::uint64_t{1} << (row.code % 64);
    return bits;
}();

constexpr bool is_country_code(unsigned code) noexcept {
    return code < 1000 && ((country_code_bits[code / 64] >> (code % 64)) & 1U) != 0;
}

// Longest national number the country code's regions use (E.164-capped); 0 if not a code.
constexpr int max_national_length(unsigned code) noexcept {
    const auto* first = country_rows.begin();
    const auto* last = country_rows.end();
    while (first < last) {
        const auto* mid = first + (last - first) / 2;
        if (mid->code < code) first = mid + 1;
        else
            last = mid;
    }
    return (first != country_rows.end() && first->code == code) ? first->max_nsn_length : 0;
}

// The first three digits of a key of `digits` digits (fewer digits: padded with zeros). By a
// multiplication and a constant divisor: a divisor read from a table costs a hardware divide,
// ~15 to 40 cycles, several times over in a lookup.
constexpr unsigned leading_three_digits(std::uint64_t key, int digits) noexcept {
    return static_cast<unsigned>(key * pow10[static_cast<std::size_t>(max_key_digits - digits)] /
                                 pow10[static_cast<std::size_t>(max_key_digits - 3)]);
}

// Number of leading digits of `key` (which has `digits` digits) that form its country code;
// 0 when no prefix of 1 to 3 digits is an assigned code.
constexpr int country_code_length(std::uint64_t key, int digits) noexcept {
    const unsigned lead = leading_three_digits(key, digits);
    if (digits > 1 && is_country_code(lead / 100)) return 1;
    if (digits > 2 && is_country_code(lead / 10)) return 2;
    if (digits > 3 && is_country_code(lead)) return 3;
    return 0;
}

// Number of leading digits of a digit string that form its country code; 0 when none does.
constexpr int country_code_length(std::string_view digits) noexcept {
    unsigned code = 0;
    for (std::size_t len = 1; len <= 3 && len <= digits.size(); ++len) {
        code = code * 10 + static_cast<unsigned>(digits[len - 1] - '0');
        if (is_country_code(code)) return static_cast<int>(len);
    }
    return 0;
}

// Whether the decimal digits of `key` start with those of `prefix` (0: every key does).
constexpr bool key_has_prefix(std::uint64_t key, std::uint64_t prefix) noexcept {
    if (prefix == 0) return true;
    const int kd = decimal_digits(key), pd = decimal_digits(prefix);
    return kd >= pd && key / pow10[static_cast<std::size_t>(kd - pd)] == prefix;
}

}  // namespace numrep::detail
