// numrep::report: one complaint about one number, as ingestion hands it on (24 bytes), plus
// what reports need around them: a string_interner that turns category and source names into
// small stable ids, and parse_time for the dates reports carry (ISO 8601 or unix seconds).
// Time parsing is a pure function: no locale, no time zone database, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "detail/throw.hpp"

namespace numrep {

struct report {
    std::uint64_t key = 0;       // E.164 number as an integer (see phone_number::key)
    std::int64_t time = 0;       // unix seconds, UTC
    std::uint16_t category = 0;  // id in the reader's category interner; 0: none given
    std::uint32_t source = 0;    // id in the reader's source interner; 0: none given
    bool not_spam = false;       // the reporter says the number is legitimate
    bool valid_number = false;   // the number parsed and is valid by the numbering plan
};

// Names to dense ids in order of first appearance: id 0 is always "" (no name), the first
// other name gets 1, and so on. Ids never change, so they can be stored and looked up later.
// Memory grows with distinct names only. Id is the id type; interning the name that would
// need an id past its maximum throws std::length_error.
template <class Id = std::uint32_t>
class string_interner {
    static_assert(std::is_unsigned_v<Id>, "string_interner ids must be an unsigned integer type");

public:
    string_interner() { add(""); }
    string_interner(const string_interner& other) : string_interner() {
        for (std::size_t i = 1; i < other.names_.size(); ++i) add(other.names_[i]);
    }
    string_interner& operator=(const string_interner& other) {
        if (this != &other) *this = string_interner(other);
        return *this;
    }
    // Moving a deque hands over its blocks, so the map's views stay valid.
    string_interner(string_interner&&) noexcept = default;
    string_interner& operator=(string_interner&&) noexcept = default;
    ~string_interner() = default;

    // The id of `name`, adding it if new.
    Id intern(std::string_view name) {
        if (const auto id = find(name)) return *id;
        if (full()) throw std::length_error("numrep: " + full_message(name));
        return add(name);
    }
    // Whether no new name fits, and what to say then (callers add where the name came from).
    bool full() const noexcept { return names_.size() > std::numeric_limits<Id>::max(); }
    static std::string full_message(std::string_view name) {
        return "more than " + std::to_string(std::numeric_limits<Id>::max()) + " distinct names; cannot add \"" +
               std::string(name.substr(0, 64)) + "\"";
    }

    std::optional<Id> find(std::string_view name) const noexcept {
        const auto it = ids_.find(name);
        if (it == ids_.end()) return std::nullopt;
        return it->second;
    }

    // The name of an id; std::invalid_argument for an id this interner never gave out.
    std::string_view name(Id id) const {
        if (id >= names_.size())
            detail::throw_invalid_argument("name id " + std::to_string(id) + " out of range (" +
                                           std::to_string(names_.size()) + " names)");
        return names_[id];
    }

    // Names known, counting the empty name of id 0.
    std::size_t size() const noexcept { return names_.size(); }

private:
    Id add(std::string_view name) {
        const auto id = static_cast<Id>(names_.size());
        names_.emplace_back(name);
        ids_.emplace(std::string_view(names_.back()), id);  // deque elements never move
        return id;
    }

    std::deque<std::string> names_;
    std::unordered_map<std::string_view, Id> ids_;
};

namespace detail {

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr bool is_leap_year(unsigned y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(unsigned y, unsigned m) noexcept {
    constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool is_ascii_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

constexpr std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
    return s;
}

// Reads exactly n digits at s[pos]; -1 if any is not a digit.
constexpr int fixed_digits(std::string_view s, std::size_t pos, std::size_t n) noexcept {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (!is_ascii_digit(c)) return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

}  // namespace detail

// Unix seconds (UTC) from the date forms reports carry, surrounding white space ignored:
//   integer unix seconds      "1625616075", "-86400"  (an all-digit field is always seconds:
//                              "20210707" is 1970-08-23, not a basic-format date)
//   ISO 8601 date             "2021-07-07" (midnight UTC)
//   ISO 8601 date and time    "2021-07-07 00:01:15", "2021-07-07T00:01:15Z", "...T00:01",
//                              optional fraction ".123" (truncated to the second), optional
//                              zone Z, +hh:mm, +hhmm or +hh (-hh...); no zone means UTC.
// Years 0000-9999; months, days (leap years included), hours 0-23, minutes 0-59 and seconds
// 0-60 are checked (60, a leap second, counts as the next minute's :00). Anything else is
// not a date: nullopt.
constexpr std::optional<std::int64_t> parse_time(std::string_view text) noexcept {
    using detail::fixed_digits;
    using detail::is_ascii_digit;
    const std::string_view s = detail::trim(text);
    if (s.empty()) return std::nullopt;

    // All digits (with an optional sign): unix seconds. 18 digits cannot overflow int64.
    {
        std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
        if (i < s.size() && s.size() - i <= 18) {
            std::int64_t v = 0;
            bool digits = true;
            for (std::size_t j = i; j < s.size() && digits; ++j) {
                if (!is_ascii_digit(s[j])) digits = false;
                else v = v * 10 + (s[j] - '0');
            }
            if (digits) return s[0] == '-' ? -v : v;
        }
    }

    const int year = fixed_digits(s, 0, 4);
    if (year < 0 || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    const int month = fixed_digits(s, 5, 2);
    const int day = fixed_digits(s, 8, 2);
    if (month < 1 || month > 12 || day < 1 ||
        static_cast<unsigned>(day) > detail::days_in_month(static_cast<unsigned>(year), static_cast<unsigned>(month)))
        return std::nullopt;
    std::int64_t t = detail::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400;
    if (s.size() == 10) return t;

    if (s[10] != ' ' && s[10] != 'T' && s[10] != 't') return std::nullopt;
    const int hour = fixed_digits(s, 11, 2);
    if (hour < 0 || hour > 23 || s.size() < 16 || s[13] != ':') return std::nullopt;
    const int minute = fixed_digits(s, 14, 2);
    if (minute < 0 || minute > 59) return std::nullopt;
    int second = 0;
    std::size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        second = fixed_digits(s, pos + 1, 2);
        if (second < 0 || second > 60) return std::nullopt;
        pos += 3;
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            const std::size_t first = ++pos;
            while (pos < s.size() && is_ascii_digit(s[pos])) ++pos;
            if (pos == first) return std::nullopt;
        }
    }
    t += hour * 3600 + minute * 60 + second;
    if (pos == s.size()) return t;

    const char zone = s[pos];
    if ((zone == 'Z' || zone == 'z') && pos + 1 == s.size()) return t;
    if (zone != '+' && zone != '-') return std::nullopt;
    const int zh = fixed_digits(s, pos + 1, 2);
    if (zh < 0 || zh > 23) return std::nullopt;
    int zm = 0;
    pos += 3;
    if (pos < s.size()) {
        if (s[pos] == ':') ++pos;
        zm = fixed_digits(s, pos, 2);
        if (zm < 0 || zm > 59 || pos + 2 != s.size()) return std::nullopt;
    }
    const std::int64_t offset = zh * 3600 + zm * 60;
    return zone == '+' ? t - offset : t + offset;
}

}  // namespace numrep
