// Vietnam-specific rules the parser and formatter need (facts from
// ../shared/reference/VN-NUMBERING.md): the 2018 conversion of 11-digit mobile numbers and
// the old VSAT range, and the digit grouping used when writing numbers nationally.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace numrep::detail::vietnam {

inline constexpr unsigned country_code = 84;

struct legacy_prefix {
    std::uint16_t old_prefix;  // national significant digits, trunk 0 removed (162 for 0162)
    std::uint16_t new_prefix;  // 32 for 032
};

// The 2018 mobile conversion: 0 + old 3-digit prefix + 7 digits became 0 + new 2-digit prefix
// + the same 7 digits (switch-over 15 Sep - 14 Nov 2018).
inline constexpr std::array<legacy_prefix, 21> legacy_mobile_prefixes{{
    {120, 70}, {121, 79}, {122, 77}, {126, 76}, {128, 78},                                   // MobiFone
    {123, 83}, {124, 84}, {125, 85}, {127, 81}, {129, 82},                                   // Vinaphone
    {162, 32}, {163, 33}, {164, 34}, {165, 35}, {166, 36}, {167, 37}, {168, 38}, {169, 39},  // Viettel
    {186, 56}, {188, 58},                                                                    // Vietnamobile
    {199, 59},                                                                               // Gmobile
}};

// Old VSAT numbers 0992 + 6 digits moved to 0672 + 6 digits in the same 2018 plan.
inline constexpr std::uint32_t legacy_vsat_prefix = 992;
inline constexpr std::uint32_t new_vsat_prefix = 672;

struct conversion {
    std::uint64_t national_number;
    int national_length;
    bool converted;
};

// Converts a Vietnamese national significant number from a legacy form, if it is one.
// Length decides: a 10-digit NSN 1xx + 7 digits is legacy, while 9-digit 121[0-3]/160 numbers
// are today's ranges and stay as they are.
// Every legacy prefix is 1xx: the new prefix of 100 + i at [i], 0 for none. One load instead of
// a search through the 21 pairs, which every 10-digit number (landlines too) went through.
inline constexpr std::array<std::uint8_t, 100> new_prefix_of_1xx = [] {
    std::array<std::uint8_t, 100> t{};
    for (const auto& p : legacy_mobile_prefixes) t[p.old_prefix - 100U] = static_cast<std::uint8_t>(p.new_prefix);
    return t;
}();
static_assert([] {
    for (const auto& p : legacy_mobile_prefixes)
        if (p.old_prefix < 100 || p.old_prefix > 199 || p.new_prefix == 0 || p.new_prefix > 255) return false;
    return true;
}());

constexpr conversion convert_legacy(std::uint64_t nsn, int length) noexcept {
    if (length == 10) {
        const std::uint64_t head = nsn / 10'000'000;
        if (head >= 100 && head <= 199)
            if (const unsigned to = new_prefix_of_1xx[head - 100]; to != 0)
                return {to * 10'000'000ULL + nsn % 10'000'000, 9, true};
    } else if (length == 9 && nsn / 1'000'000 == legacy_vsat_prefix) {
        return {new_vsat_prefix * 1'000'000ULL + nsn % 1'000'000, 9, true};
    }
    return {nsn, length, false};
}

// Writes `digits` as groups of the given sizes separated by spaces, with `lead` in front.
inline std::string grouped(std::string_view lead, std::string_view digits, std::initializer_list<int> sizes) {
    std::string out(lead);
    std::size_t pos = 0;
    for (int size : sizes) {
        if (pos >= digits.size()) break;
        if (pos != 0) out += ' ';
        out += digits.substr(pos, static_cast<std::size_t>(size));
        pos += static_cast<std::size_t>(size);
    }
    if (pos < digits.size()) {
        out += ' ';
        out += digits.substr(pos);
    }
    return out;
}

// National format as Vietnamese operators print it: "0912 345 678", "024 3826 4321",
// "0203 3826 432", "1800 1234", "113". Every output parses back to the same number, but for a
// key 84 992 xxx xxx, which no text parses to (every written 0992 + 6 digits is the 2018 plan's
// 0672: docs/vietnam-plan.md); its "0992 ..." reads as 84 672 ....
inline std::string format_national(std::string_view nsn) {
    const std::size_t n = nsn.size();
    const char first = n ? nsn[0] : '\0';
    if (n <= 5 && first == '1') return std::string(nsn);  // short codes: 113, 156, 1xxx
    if (nsn.starts_with("1800") || nsn.starts_with("1900") || nsn.starts_with("1201") || nsn.starts_with("1203") ||
        nsn.starts_with("1228"))
        return grouped("", nsn, {4, 6});  // dialled without the trunk prefix
    if (n == 7 && (nsn.starts_with("199") || nsn.starts_with("799"))) return grouped("", nsn, {3, 4});
    if (n == 10 && (nsn.starts_with("24") || nsn.starts_with("28"))) return grouped("0", nsn, {2, 4, 4});
    if (n == 10 && first == '2') return grouped("0", nsn, {3, 4, 3});
    if (n == 9) return grouped("0", nsn, {3, 3, 3});
    if (n == 4) return std::string(nsn);  // 5656 spam reporting
    return grouped("0", nsn, {3, 3, 4});
}

}  // namespace numrep::detail::vietnam
