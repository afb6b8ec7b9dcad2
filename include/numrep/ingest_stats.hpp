// What ingestion counts: good rows, bad rows by reason (and unparseable numbers by parse
// error), the first bad rows with their lines, and progress. Nothing is dropped uncounted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse.hpp"

namespace numrep {

enum class bad_row_reason : std::uint8_t {
    wrong_field_count = 0,  // more or fewer fields than the header has
    missing_number,         // the number field is empty (or white space)
    unparseable_number,     // try_parse refused it; see ingest_stats::unparseable_by_error
    missing_time,           // the time field is empty and no default_time was given
    bad_time,               // not a date parse_time accepts, before 1970, after latest_time or past 2106
    bad_not_spam,           // the not_spam field is not a yes/no value
    too_many_names,         // no longer given: names past the interner's range count under their category's name
    unterminated_quote,     // a quoted field never closed: the rest of the input is this row
};

inline constexpr std::size_t bad_row_reason_count = 8;

constexpr std::string_view to_string(bad_row_reason r) noexcept {
    switch (r) {
        case bad_row_reason::wrong_field_count: return "wrong_field_count";
        case bad_row_reason::missing_number: return "missing_number";
        case bad_row_reason::unparseable_number: return "unparseable_number";
        case bad_row_reason::missing_time: return "missing_time";
        case bad_row_reason::bad_time: return "bad_time";
        case bad_row_reason::bad_not_spam: return "bad_not_spam";
        case bad_row_reason::too_many_names: return "too_many_names";
        case bad_row_reason::unterminated_quote: return "unterminated_quote";
    }
    return "unknown";
}

constexpr std::string_view describe(bad_row_reason r) noexcept {
    switch (r) {
        case bad_row_reason::wrong_field_count: return "wrong number of fields";
        case bad_row_reason::missing_number: return "missing number";
        case bad_row_reason::unparseable_number: return "unparseable number";
        case bad_row_reason::missing_time: return "missing time";
        case bad_row_reason::bad_time: return "bad time";
        case bad_row_reason::bad_not_spam: return "bad not_spam value";
        case bad_row_reason::too_many_names: return "too many distinct names";
        case bad_row_reason::unterminated_quote: return "unterminated quoted field";
    }
    return "unknown";
}

// parse_errc values, ok included, for per-error counts.
inline constexpr std::size_t parse_errc_count = static_cast<std::size_t>(parse_errc::unknown_region) + 1;

// A bad row as the rejects callback sees it: views valid during the call only.
struct rejected_row {
    std::string_view input;  // the name of the input (file path or "<memory>")
    std::size_t line = 0;    // physical line where the row starts (1-based)
    bad_row_reason reason = bad_row_reason::wrong_field_count;
    parse_errc parse_error = parse_errc::ok;  // for unparseable_number
    std::string_view message;                 // what was wrong, quoting the field
    std::string_view text;                    // the row as written, without its line ending
};

// A bad row kept in ingest_stats (owning; text cut to at most max_kept_text bytes, never inside
// a UTF-8 character). `text` holds the row's bytes as written: not UTF-8 if the file is not.
struct bad_row {
    static constexpr std::size_t max_kept_text = 256;
    std::size_t line = 0;
    bad_row_reason reason = bad_row_reason::wrong_field_count;
    parse_errc parse_error = parse_errc::ok;
    std::string message;
    std::string text;
};

struct ingest_progress {
    std::uint64_t rows = 0;  // rows read so far (good and bad)
    std::uint64_t bad = 0;
    std::size_t bytes_done = 0;
    std::size_t bytes_total = 0;
};

struct ingest_stats {
    std::uint64_t rows = 0;             // data rows read (blank lines and the header excluded)
    std::uint64_t good = 0;             // reports handed to the sink
    std::uint64_t bad = 0;              // rows rejected; rows == good + bad
    std::uint64_t invalid_numbers = 0;  // good rows whose number the plan does not validate
    std::uint64_t defaulted_times = 0;  // good rows whose time came from default_time
    std::uint64_t blank_lines = 0;
    // Rows over more than one line: quoted fields may hold line breaks, but a quote left open
    // by mistake makes one row of every line up to the next quote, and it reads as one good row.
    std::uint64_t multiline_rows = 0;
    std::size_t longest_row_lines = 0;  // the lines of the longest such row
    std::size_t longest_row_line = 0;   // where it starts (1-based, in its file)
    std::string longest_row_input;      // and that file (the input's name)
    std::size_t bytes = 0;
    char delimiter = ',';  // the delimiter used (the detected one under auto_delimiter)
    std::array<std::uint64_t, bad_row_reason_count> bad_by_reason{};
    std::array<std::uint64_t, parse_errc_count> unparseable_by_error{};
    std::vector<bad_row> first_bad_rows;  // the first ingest_options::keep_bad_rows, in order
    // Header columns named like a report field (number, time, category, source, not_spam)
    // that were not read because that field was left out or mapped to another column.
    std::vector<std::string> ignored_columns;

    std::uint64_t count(bad_row_reason r) const noexcept { return bad_by_reason[static_cast<std::size_t>(r)]; }
    std::uint64_t count(parse_errc e) const noexcept { return unparseable_by_error[static_cast<std::size_t>(e)]; }

    // One paragraph for people: totals, then bad rows by reason (numbers by parse error).
    std::string summary() const {
        std::string s = std::to_string(rows) + " rows: " + std::to_string(good) + " good";
        if (invalid_numbers != 0) s += " (" + std::to_string(invalid_numbers) + " with numbers not valid by the plan)";
        s += ", " + std::to_string(bad) + " bad";
        // Not rows, but said: in a file of numbers alone, an empty number is a blank line.
        if (blank_lines != 0) s += "; " + std::to_string(blank_lines) + " blank lines skipped";
        if (multiline_rows != 0)
            s += "\n  " + std::to_string(multiline_rows) + " rows over more than one line (quoted line breaks); the " +
                 "longest, from line " + std::to_string(longest_row_line) + " of " + longest_row_input + ", spans " +
                 std::to_string(longest_row_lines) + " lines: a quote left open joins the lines after it";
        for (std::size_t i = 0; i < bad_row_reason_count; ++i) {
            if (bad_by_reason[i] == 0) continue;
            s.append("\n  ").append(describe(static_cast<bad_row_reason>(i))).append(": ");
            s += std::to_string(bad_by_reason[i]);
            if (static_cast<bad_row_reason>(i) != bad_row_reason::unparseable_number) continue;
            std::string by_error;
            for (std::size_t e = 1; e < parse_errc_count; ++e) {
                if (unparseable_by_error[e] == 0) continue;
                if (!by_error.empty()) by_error += ", ";
                by_error.append(describe(static_cast<parse_errc>(e))).append(" ");
                by_error += std::to_string(unparseable_by_error[e]);
            }
            s += " (" + by_error + ")";
        }
        for (const auto& b : first_bad_rows) s += "\n  line " + std::to_string(b.line) + ": " + b.message;
        for (const auto& c : ignored_columns) s += "\n  column \"" + c + "\" not read (not mapped to its field)";
        return s;
    }
};

}  // namespace numrep
