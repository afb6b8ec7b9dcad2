// numrep::parse_time: unix seconds (UTC) from the date forms reports carry (ISO 8601 or unix
// seconds). A pure function: no locale, no time zone database, no allocation. It reads times
// before 1970 too (negative); ingestion refuses those (see earliest_report_time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace numrep {

namespace detail {

// The current time in unix seconds. std::time is unix seconds on POSIX, numrep's only platform;
// <chrono> would cost the headers that ask (ingest_options.hpp) a fifth of their compile time.
inline std::int64_t unix_now() noexcept { return static_cast<std::int64_t>(std::time(nullptr)); }

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The proleptic Gregorian date of a day count from 1970-01-01 (the inverse, after the same
// author's civil_from_days).
struct civil_date {
    std::int64_t year;
    unsigned month;
    unsigned day;
};
constexpr civil_date civil_from_days(std::int64_t days) noexcept {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);                 // [0, 146096]
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
    const unsigned mp = (5 * doy + 2) / 153;                                     // March is 0
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0), month, doy - (153 * mp + 2) / 5 + 1};
}

// "2021-07-07T00:01:15Z" for unix seconds, for messages that name a time.
inline std::string utc_text(std::int64_t t) {
    const std::int64_t days = t / 86400 - (t % 86400 < 0 ? 1 : 0);  // floored; no negation to overflow
    const auto second = static_cast<unsigned>(t - days * 86400);
    const civil_date date = civil_from_days(days);
    const auto two = [](unsigned v) { return std::string(v < 10 ? "0" : "") + std::to_string(v); };
    std::string year = std::to_string(date.year < 0 ? -date.year : date.year);
    year.insert(0, year.size() < 4 ? 4 - year.size() : 0, '0');
    return (date.year < 0 ? "-" : "") + year + "-" + two(date.month) + "-" + two(date.day) + "T" + two(second / 3600) +
           ":" + two(second / 60 % 60) + ":" + two(second % 60) + "Z";
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
//   unix seconds              "1625616075", "-86400": any run of digits (optionally signed)
//                              except the two basic-format lengths below; a fraction
//                              ("1625616075.0", as pandas writes a float column) is floored
//                              to the second, as in the forms below
//   ISO 8601 basic format     exactly 8 digits "20210707" (YYYYMMDD, midnight UTC) and exactly
//                              14 digits "20210707000115" (YYYYMMDDhhmmss), a fraction
//                              ignored ("20210707.0" from a float column): as unix seconds these
//                              would be 1970-04-26..1973-03-03 and years past 5000, never the
//                              time of a report, while spreadsheets and exports write dates so;
//                              8 or 14 digits that are no valid date ("20211399") are not a time
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

    // Digits with a fraction: the digits' time, floored to the second (-1.5 is -2).
    if (const std::size_t dot = s.rfind('.'); dot != std::string_view::npos && dot + 1 < s.size()) {
        const std::string_view whole = s.substr(0, dot);
        const std::string_view fraction = s.substr(dot + 1);
        const std::size_t first = !whole.empty() && (whole[0] == '-' || whole[0] == '+') ? 1 : 0;
        bool digits = first < whole.size();
        for (std::size_t i = first; i < whole.size(); ++i) digits = digits && is_ascii_digit(whole[i]);
        bool nonzero = false;
        for (const char c : fraction) {
            digits = digits && is_ascii_digit(c);
            nonzero = nonzero || (c != '0');
        }
        if (digits) {
            const std::optional<std::int64_t> t = parse_time(whole);
            if (t && whole[0] == '-' && nonzero) return *t - 1;
            return t;
        }
    }

    // 8 or 14 unsigned digits: a basic-format date (and time), never unix seconds.
    if (s.size() == 8 || s.size() == 14) {
        bool digits = true;
        for (const char c : s) digits = digits && is_ascii_digit(c);
        if (digits) {
            const int y = fixed_digits(s, 0, 4);
            const int mo = fixed_digits(s, 4, 2);
            const int d = fixed_digits(s, 6, 2);
            if (mo < 1 || mo > 12 || d < 1 ||
                static_cast<unsigned>(d) > detail::days_in_month(static_cast<unsigned>(y), static_cast<unsigned>(mo)))
                return std::nullopt;
            std::int64_t t = detail::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400;
            if (s.size() == 8) return t;
            const int hh = fixed_digits(s, 8, 2);
            const int mi = fixed_digits(s, 10, 2);
            const int ss = fixed_digits(s, 12, 2);
            if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;
            return t + hh * 3600 + mi * 60 + ss;
        }
    }

    // Other digits (with an optional sign): unix seconds. 18 digits cannot overflow int64.
    {
        std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
        if (i < s.size() && s.size() - i <= 18) {
            std::int64_t v = 0;
            bool digits = true;
            for (std::size_t j = i; j < s.size() && digits; ++j) {
                if (!is_ascii_digit(s[j])) digits = false;
                else
                    v = v * 10 + (s[j] - '0');
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
