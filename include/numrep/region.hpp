// numrep::region: what a default region tells the parser about national forms: its country
// code, trunk prefix ("0" in Vietnam) and international prefix ("00"). Built from a generated
// table of every region (detail/country_table.hpp); lookups are a binary search, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "detail/country_table.hpp"

namespace numrep {

class region {
public:
    // The region for an ISO 3166-1 alpha-2 code ("VN", "us": case-insensitive); nullopt if unknown.
    static constexpr std::optional<region> find(std::string_view code) noexcept {
        if (code.size() != 2) return std::nullopt;
        const char upper[2] = {to_upper(code[0]), to_upper(code[1])};
        const std::string_view wanted(upper, 2);
        const auto& rows = detail::region_rows;
        const auto* first = rows.begin();
        const auto* last = rows.end();
        while (first < last) {
            const auto* mid = first + (last - first) / 2;
            if (mid->code < wanted) first = mid + 1; else last = mid;
        }
        if (first == rows.end() || first->code != wanted) return std::nullopt;
        return region(static_cast<int>(first - rows.begin()));
    }

    // The main region of a country code (the first listed one, e.g. "US" for 1); nullopt if none.
    static constexpr std::optional<region> for_country_code(unsigned country_code) noexcept {
        for (std::size_t i = 0; i < detail::region_rows.size(); ++i)
            if (detail::region_rows[i].country_code == country_code) return region(static_cast<int>(i));
        return std::nullopt;
    }

    static constexpr region vietnam() noexcept { return *find("VN"); }

    // No default region: only international forms (+CC..., 00CC... is not recognised) parse.
    static constexpr region none() noexcept { return region(-1); }

    constexpr bool is_none() const noexcept { return index_ < 0; }
    constexpr std::string_view code() const noexcept { return row().code; }
    constexpr std::uint16_t country_code() const noexcept { return row().country_code; }
    constexpr std::string_view international_prefix() const noexcept { return row().international_prefix; }
    constexpr std::string_view national_prefix() const noexcept { return row().national_prefix; }
    constexpr int min_national_length() const noexcept { return row().min_nsn_length; }
    constexpr int max_national_length() const noexcept { return row().max_nsn_length; }

    friend constexpr bool operator==(const region& a, const region& b) noexcept { return a.index_ == b.index_; }

private:
    // An index, not a pointer: GCC's UBSan cannot evaluate pointer tests in constant expressions.
    constexpr explicit region(int index) noexcept : index_(index) {}
    static constexpr char to_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? char(c - 32) : c; }
    constexpr const detail::region_row& row() const noexcept {
        return index_ < 0 ? no_region_row : detail::region_rows[static_cast<std::size_t>(index_)];
    }
    static constexpr detail::region_row no_region_row{"", 0, "", "", 0, 0};

    int index_;
};

}  // namespace numrep
