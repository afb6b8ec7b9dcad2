// numrep::region: a default region for reading national forms (its country code, trunk prefix,
// international prefixes and national-number rules from libphonenumber's metadata). An index into
// the world table: finding one is one table read, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "detail/world_rules.hpp"

namespace numrep {

class region {
public:
    // The region for an ISO 3166-1 alpha-2 code ("VN", "us": case-insensitive); nullopt if unknown.
    // A code libphonenumber has no metadata for ("UM", see without_metadata) is none(), as "ZZ" is.
    // "ZZ" is none(): libphonenumber's code for an unknown region, which it parses international
    // forms with, and which its GetRegionCodeForNumber gives a number of no region. So is "001",
    // the code() of a non-geographic entity (+800, +882...): libphonenumber parses international
    // forms with it and refuses national ones, which have no country code to take.
    static constexpr std::optional<region> find(std::string_view code) noexcept {
        if (code == "001") return none();
        if (code.size() != 2) return std::nullopt;
        const int a = to_upper(code[0]) - 'A';
        const int b = to_upper(code[1]) - 'A';
        if (a < 0 || a >= 26 || b < 0 || b >= 26) return std::nullopt;
        if (a == 'Z' - 'A' && b == 'Z' - 'A') return none();
        const int row = detail::world::region_row_by_letters[static_cast<std::size_t>(a * 26 + b)];
        if (row >= 0) return region(row);
        if (without_metadata(code)) return none();
        return std::nullopt;
    }

    // ISO 3166-1 codes libphonenumber has no metadata for (uninhabited or without a numbering
    // plan of their own: Antarctica, Bouvet, South Georgia, Heard, Pitcairn, the French Southern
    // Lands, the US Minor Outlying Islands). libphonenumber reads them as an unknown region, as
    // "ZZ": international forms parse, national ones have no country code to take. Other
    // unknown codes stay refused: a typo ("VM") is an error, not a fallback.
    static constexpr bool without_metadata(std::string_view code) noexcept {
        if (code.size() != 2) return false;
        const char upper[2] = {to_upper(code[0]), to_upper(code[1])};
        for (const std::string_view iso : {"AQ", "BV", "GS", "HM", "PN", "TF", "UM"})
            if (iso[0] == upper[0] && iso[1] == upper[1]) return true;
        return false;
    }

    // The main region of a country code (libphonenumber's first: "US" for 1, "RU" for 7); for a
    // non-geographic code such as 800 its "001" entry. nullopt if the code is unassigned.
    static constexpr std::optional<region> for_country_code(unsigned country_code) noexcept {
        if (!detail::world::is_country(country_code)) return std::nullopt;
        return region(detail::world::country(country_code).first_row);
    }

    static constexpr region vietnam() noexcept { return region(detail::world::vietnam_row); }

    // No default region: only international forms (+CC...) parse.
    static constexpr region none() noexcept { return region(-1); }

    constexpr bool is_none() const noexcept { return index_ < 0; }
    // Whether national forms (without a country code) parse with this as the default region: not
    // for none(), nor for a non-geographic entity (for_country_code(800): "001"), which has no
    // national numbers to read them as (libphonenumber refuses them; find("001") is none()). It
    // read "12345678" as +80012345678.
    constexpr bool reads_national_forms() const noexcept { return index_ >= 0 && row().region.size() == 2; }
    // "VN"; "001" for a non-geographic entity; "" for none().
    constexpr std::string_view code() const noexcept { return is_none() ? std::string_view{} : row().region; }
    constexpr std::uint16_t country_code() const noexcept { return is_none() ? 0 : row().country_code; }
    // The international prefix as dialled from here ("00", "011"; "8~10": 8, wait for a tone, 10).
    constexpr std::string_view international_prefix() const noexcept {
        return is_none() ? std::string_view{} : row().dialling_prefix;
    }
    constexpr std::string_view national_prefix() const noexcept {
        return is_none() ? std::string_view{} : row().national_prefix;
    }
    // Shortest and longest national numbers of this region (local-only lengths included).
    constexpr int min_national_length() const noexcept {
        const std::uint32_t all = lengths();
        return all == 0 ? 0 : __builtin_ctz(all);
    }
    constexpr int max_national_length() const noexcept {
        const std::uint32_t all = lengths();
        return all == 0 ? 0 : 31 - __builtin_clz(all);
    }

    // The metadata row (for the parser and the world plan).
    constexpr const detail::world::metadata_row& metadata() const noexcept { return row(); }
    constexpr int index() const noexcept { return index_; }

    friend constexpr bool operator==(const region& a, const region& b) noexcept { return a.index_ == b.index_; }

private:
    constexpr explicit region(int index) noexcept : index_(index) {}
    static constexpr char to_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? char(c - 32) : c; }
    constexpr const detail::world::metadata_row& row() const noexcept {
        return detail::world::metadata[static_cast<std::size_t>(index_ < 0 ? 0 : index_)];
    }
    constexpr std::uint32_t lengths() const noexcept {
        return is_none() ? 0 : (row().possible_lengths | row().local_only_lengths);
    }

    int index_;
};

// The region national forms are read in when a caller names none: Vietnam, numrep's first home.
// Every default in the library (try_parse, parse, ingest_options) and numrep.DEFAULT_REGION is this one.
inline constexpr region default_region = region::vietnam();

}  // namespace numrep
