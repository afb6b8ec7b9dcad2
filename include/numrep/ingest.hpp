// Report ingestion: CSV text (in memory or a mapped file) to a stream of numrep::report in one
// pass, memory independent of the row count; bad rows are counted by reason, never dropped.
// Field rules and an example: docs/architecture.md ("ingestion").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "category.hpp"
#include "csv.hpp"
#include "detail/mapped_file.hpp"
#include "detail/throw.hpp"
#include "ingest_options.hpp"
#include "ingest_stats.hpp"
#include "numbering_plan.hpp"
#include "parse.hpp"
#include "region.hpp"
#include "report.hpp"
#include "string_interner.hpp"
#include "time.hpp"
#include "world_plan.hpp"

namespace numrep {

namespace detail {

// The longest start of `text` of at most `max` bytes that does not end inside a UTF-8
// character: a kept bad row must decode wherever it was cut. Bytes that are not UTF-8 (Latin-1
// files) are cut where they fall; they stay as they are, for the reader of the text to handle.
constexpr std::string_view utf8_prefix(std::string_view text, std::size_t max) noexcept {
    if (text.size() <= max) return text;
    std::size_t start = max;  // the first byte left out; back up to the start of its character
    while (start > 0 && max - start < 3 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    if (start == max) return text.substr(0, max);
    const decoded d = decode_at(text, start);
    return text.substr(0, d.code_point != invalid_code_point && start + d.length > max ? start : max);
}

// What a bad report time in a time column is, for the hint after the reason.
enum class bad_time_kind : std::uint8_t { unreadable, too_early, too_late };

// The hint after the reason a time written in a time column is bad: for a number of 8 or 14
// digits that does not read, that those are dates (YYYYMMDD[hhmmss], as now= reads them); for
// a number of 12 digits or more (but 14, a date) too far ahead, that unix times are in seconds. "" otherwise.
inline std::string bad_time_hint(std::string_view written, bad_time_kind kind) {
    std::string_view digits = written;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    if (const auto point = digits.find('.');
        point != std::string_view::npos && digits.find_first_not_of('0', point + 1) == std::string_view::npos)
        digits = digits.substr(0, point);  // 1500000000000.0, as a float column writes it
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return {};
    if (kind == bad_time_kind::unreadable && (digits.size() == 8 || digits.size() == 14))
        return "; a number of 8 or 14 digits is a date, YYYYMMDD or YYYYMMDDhhmmss, and this is no date";
    // (14 digits are a date, read as one: 20991231000000 is no time in milliseconds.)
    if (kind == bad_time_kind::too_late && digits.size() >= 12 && digits.size() != 14)
        return "; unix times are in seconds (one in milliseconds is 1000 times too large)";
    return {};
}

inline void append_csv_field(std::string& out, std::string_view field) {
    out += '"';
    for (const char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

}  // namespace detail

// Reads reports from any number of CSV inputs with one set of options; category ids are shared
// across inputs (the interner lives in the reader). Source ids are source_id(name), the same in
// every reader.
class report_reader {
public:
    explicit report_reader(ingest_options options = {}) : options_(std::move(options)) {
        if (!options_.columns.time && !options_.default_time)
            detail::throw_invalid_argument(
                "no time column and no default_time: every report needs a time (map a column or give a default)");
        if (options_.columns.number.empty()) detail::throw_invalid_argument("the number column name is empty");
        if (options_.default_time &&
            (*options_.default_time < earliest_report_time || *options_.default_time > latest_storable_report_time))
            detail::throw_invalid_argument("default_time " + std::to_string(*options_.default_time) +
                                           " is outside 1970-01-01 .. 2106-02-07 06:28:15 UTC (unix seconds 0 .. "
                                           "4294967295), the times a report can carry");
        // The guard on the time column holds for the default too: a default in the future would
        // put every report it fills in there.
        if (options_.default_time && options_.latest_time && *options_.default_time > *options_.latest_time)
            detail::throw_invalid_argument("default_time " + detail::utc_text(*options_.default_time) +
                                           " (unix seconds " + std::to_string(*options_.default_time) +
                                           ") is in the future (later than " + detail::utc_text(*options_.latest_time) +
                                           ", the latest a report may carry; by default a day from now): reports dated "
                                           "then would outweigh every real one");
        if (options_.progress_every == 0) options_.progress_every = 1;
        // The header at once: a build without a bad row leaves a file of no rows, not an empty
        // one (which CSV readers refuse).
        if (options_.rejects != nullptr) *options_.rejects << "input,line,reason,message,row\n";
    }
    // Not copyable: the name cache points into this reader's interner.
    report_reader(const report_reader&) = delete;
    report_reader& operator=(const report_reader&) = delete;
    report_reader(report_reader&&) noexcept = default;
    report_reader& operator=(report_reader&&) noexcept = default;
    ~report_reader() = default;

    // Reads CSV `text` (header first) and hands each good report to `sink`: a
    // std::vector<report> (appended to) or anything callable with a const report&. `input`
    // names the text in messages. Throws std::invalid_argument for a header that lacks a
    // mapped column, for an empty input, and in strict mode for the first bad row.
    template <class Sink>
    ingest_stats read(std::string_view text, Sink&& sink, std::string_view input = "<memory>") {
        csv_reader csv(text, options_.delimiter);
        ingest_stats stats;
        stats.delimiter = csv.delimiter();
        const columns cols = read_header(csv, stats, input);
        const std::size_t width = cols.width;
        const std::uint64_t every = options_.progress_every;
        const bool need_plan = options_.plan != nullptr;

        for (;;) {
            const csv_status status = csv.next();
            if (status == csv_status::end) break;
            if (status == csv_status::unterminated_quote) {
                ++stats.rows;
                reject(stats, csv, input, bad_row_reason::unterminated_quote, parse_errc::ok, csv.error_line(),
                       [&] { return csv.error_message(); });
                break;
            }
            if (csv.is_blank()) {
                ++stats.blank_lines;
                continue;
            }
            ++stats.rows;
            if (stats.rows % every == 0 && options_.on_progress) progress(stats, csv);
            if (csv.last_line() != csv.line()) {
                ++stats.multiline_rows;
                const std::size_t lines = csv.last_line() - csv.line() + 1;
                if (lines > stats.longest_row_lines) {
                    stats.longest_row_lines = lines;
                    stats.longest_row_line = csv.line();
                    stats.longest_row_input.assign(input);
                }
            }
            const auto f = csv.fields();
            if (f.size() != width) {
                reject(stats, csv, input, bad_row_reason::wrong_field_count, parse_errc::ok, csv.line(), [&] {
                    return "expected " + std::to_string(width) + " fields (as in the header), found " +
                           std::to_string(f.size());
                });
                continue;
            }

            report r;
            const std::string_view number = f[cols.number];
            const parse_result parsed = try_parse(number, options_.default_region);
            if (!parsed) {
                if (parsed.error() == parse_errc::empty) {
                    reject(stats, csv, input, bad_row_reason::missing_number, parse_errc::empty, csv.line(),
                           [&] { return "missing number (column " + options_.columns.number + " is empty)"; });
                } else {
                    reject(stats, csv, input, bad_row_reason::unparseable_number, parsed.error(), csv.line(),
                           [&] { return parse_error_message(number, parsed) + column_note(options_.columns.number); });
                }
                continue;
            }
            r.key = parsed->key();

            const std::string_view time_text = cols.time != npos ? detail::trim(f[cols.time]) : std::string_view{};
            if (time_text.empty()) {
                if (!options_.default_time) {
                    reject(stats, csv, input, bad_row_reason::missing_time, parse_errc::ok, csv.line(),
                           [&] { return "missing time (column " + *options_.columns.time + " is empty)"; });
                    continue;
                }
                r.time = *options_.default_time;
            } else if (const auto t = parse_time(time_text)) {
                const char* const wrong = *t < earliest_report_time ? "before 1970-01-01, the earliest time a report "
                                                                      "can carry"
                                          : options_.latest_time && *t > *options_.latest_time ? "in the future"
                                          : *t > latest_storable_report_time
                                              ? "after 2106-02-07 06:28:15 UTC, the latest time a report can carry"
                                              : nullptr;
                if (wrong != nullptr) {
                    reject(stats, csv, input, bad_row_reason::bad_time, parse_errc::ok, csv.line(), [&] {
                        return "bad time " + detail::quote(time_text) + " (column " + *options_.columns.time +
                               "): " + wrong +
                               detail::bad_time_hint(time_text, *t < earliest_report_time
                                                                    ? detail::bad_time_kind::too_early
                                                                    : detail::bad_time_kind::too_late);
                    });
                    continue;
                }
                r.time = *t;
            } else {
                reject(stats, csv, input, bad_row_reason::bad_time, parse_errc::ok, csv.line(), [&] {
                    return "bad time " + detail::quote(time_text) + " (column " + *options_.columns.time +
                           "): expected ISO 8601 (2021-07-07, 2021-07-07 00:01:15, 2021-07-07T00:01:15Z, "
                           "20210707) or unix seconds" +
                           detail::bad_time_hint(time_text, detail::bad_time_kind::unreadable);
                });
                continue;
            }

            if (cols.not_spam != npos) {
                const auto flag = parse_flag(f[cols.not_spam]);
                if (!flag) {
                    reject(stats, csv, input, bad_row_reason::bad_not_spam, parse_errc::ok, csv.line(), [&] {
                        return "bad not_spam value " + detail::quote(f[cols.not_spam]) + " (column " +
                               *options_.columns.not_spam +
                               "): expected empty, 0/1 (or 0.0/1.0), true/false, yes/no, y/n or t/f";
                    });
                    continue;
                }
                r.not_spam = *flag;
            }

            if (cols.category != npos) r.category = category_id(f[cols.category]);
            // A hash of the name, not an interned id: the same in every input, reader and process.
            if (cols.source != npos) r.source = source_id(f[cols.source]);

            r.valid_number = need_plan ? options_.plan->lookup(r.key).valid : valid_by_length(*parsed);
            stats.invalid_numbers += r.valid_number ? 0U : 1U;
            stats.defaulted_times += time_text.empty() ? 1U : 0U;
            ++stats.good;
            if constexpr (requires { sink.push_back(r); }) {
                sink.push_back(r);
            } else {
                std::invoke(sink, static_cast<const report&>(r));
            }
        }
        stats.bytes = csv.offset();
        if (options_.on_progress) progress(stats, csv);
        return stats;
    }

    // Maps `path` read-only and reads it; std::system_error if it cannot be opened. (A
    // std::filesystem::path converts to the std::string taken here: see detail/file_error.hpp.)
    template <class Sink>
    ingest_stats read_file(const std::string& path, Sink&& sink) {
        const detail::mapped_file file(path);
        const auto bytes = file.bytes();
        const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        return read(text, std::forward<Sink>(sink), path);
    }

    const string_interner<std::uint16_t>& categories() const noexcept { return categories_; }
    const ingest_options& options() const noexcept { return options_; }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    static std::string column_note(const std::string& column) { return " (column " + column + ")"; }

    struct columns {
        std::size_t width = 0;
        std::size_t number = npos, time = npos, category = npos, source = npos, not_spam = npos;
    };

    // Last name looked up and its id: FTC-like files repeat the same few names, and a
    // comparison is cheaper than a hash.
    template <class Id>
    struct name_cache {
        std::string_view name;  // points into the interner, which never moves its names
        Id id = 0;
        bool set = false;
    };

    // The id of a category field's name. Once the interner holds all but report_category_count
    // of the names its ids can number (65,535), a new name stands in by the name of the category
    // it falls in ("scam", "spam", ...), for which those last ids are kept: a database keeps only
    // that category of a report, so every row still counts, as it does from a DataFrame.
    std::uint16_t category_id(std::string_view field) {
        const std::string_view name = detail::trim(field);
        if (last_category_.set && last_category_.name == name) return last_category_.id;
        constexpr std::size_t ids = std::size_t{std::numeric_limits<std::uint16_t>::max()} + 1;
        if (categories_.size() + report_category_count >= ids && !categories_.find(name))
            return categories_.intern(to_string(classify_category(name)));  // the field is not kept: no cache
        const std::uint16_t id = categories_.intern(name);
        last_category_ = {categories_.name(id), id, true};
        return id;
    }

    columns read_header(csv_reader& csv, ingest_stats& stats, std::string_view input) {
        csv_status status;
        while ((status = csv.next()) == csv_status::record && csv.is_blank()) ++stats.blank_lines;
        if (status == csv_status::end)
            detail::throw_invalid_argument(std::string(input) + ": empty input, expected a header line");
        if (status == csv_status::unterminated_quote)
            detail::throw_invalid_argument(std::string(input) + ": line " + std::to_string(csv.error_line()) +
                                           ": header: " + csv.error_message());
        // gzip's magic bytes: read as text it was "no column ..." over a dump of binary bytes.
        if (csv.size() != 0 && csv[0].substr(0, 2) == "\x1f\x8b")
            detail::throw_invalid_argument(std::string(input) +
                                           ": gzip-compressed data, not CSV text: decompress it first (gunzip -k)");
        columns c;
        c.width = csv.size();
        const auto find = [&](const std::string& name, const char* role) {
            for (std::size_t i = 0; i < csv.size(); ++i) {
                if (detail::trim(csv[i]) != name) continue;
                // Two columns of one name: reading either would silently drop the other.
                for (std::size_t j = i + 1; j < csv.size(); ++j)
                    if (detail::trim(csv[j]) == name)
                        detail::throw_invalid_argument(
                            std::string(input) + ": column " + detail::quote(name) + " (for the " + role +
                            ") appears more than once in the header on line " + std::to_string(csv.line()) +
                            " (columns " + std::to_string(i + 1) + " and " + std::to_string(j + 1) +
                            "): rename one, or map the " + role + " to another column");
                return i;
            }
            std::string names;
            for (std::size_t i = 0; i < csv.size(); ++i) {
                if (i != 0) names += ", ";
                names += detail::quote(detail::trim(csv[i]));
            }
            detail::throw_invalid_argument(std::string(input) + ": no column " + detail::quote(name) + " (for the " +
                                           role + ") in the header on line " + std::to_string(csv.line()) +
                                           "; columns: " + names);
        };
        const auto present = [&](std::string_view name) {
            for (std::size_t i = 0; i < csv.size(); ++i)
                if (detail::trim(csv[i]) == name) return true;
            return false;
        };
        // source and not_spam under their default names: read when there, else left out. A
        // column named like one but not as written ("Not_Spam", "not-spam", "SOURCE") is an
        // error rather than left out: votes in it would count as reports, without a word.
        const auto optional_column = [&](const std::optional<std::string>& name, bool optional,
                                         std::string_view default_name) {
            if (!(name && optional && *name == default_name && !present(*name))) return false;
            for (std::size_t i = 0; i < csv.size(); ++i)
                if (i != c.number && i != c.time && i != c.category && i != c.source &&  // read as another field
                    detail::loose_column_name(detail::trim(csv[i])) == detail::loose_column_name(default_name))
                    detail::throw_invalid_argument(
                        std::string(input) + ": column " + detail::quote(detail::trim(csv[i])) + " on line " +
                        std::to_string(csv.line()) + " is named like the " + std::string(default_name) +
                        " field, which is read only by its exact name: map the field to it by that name, or "
                        "leave the field out");
            return true;
        };
        const auto& names = options_.columns;
        c.number = find(names.number, "number");
        if (names.time) c.time = find(*names.time, "time");
        if (names.category) c.category = find(*names.category, "category");
        if (names.source && !optional_column(names.source, names.optional_source, column_names::default_source))
            c.source = find(*names.source, "source");
        if (names.not_spam && !optional_column(names.not_spam, names.optional_not_spam, column_names::default_not_spam))
            c.not_spam = find(*names.not_spam, "not_spam flag");
        // One column read as two fields (the time taken from the number column) would give every
        // row wrong data that still looks good.
        const std::array<std::pair<std::size_t, const char*>, 5> fields{{{c.number, "number"},
                                                                         {c.time, "time"},
                                                                         {c.category, "category"},
                                                                         {c.source, "source"},
                                                                         {c.not_spam, "not_spam flag"}}};
        for (std::size_t a = 0; a < fields.size(); ++a)
            for (std::size_t b = a + 1; b < fields.size(); ++b)
                if (fields[a].first != npos && fields[a].first == fields[b].first)
                    detail::throw_invalid_argument(std::string(input) + ": column " +
                                                   detail::quote(detail::trim(csv[fields[a].first])) +
                                                   " is given for both the " + fields[a].second + " and the " +
                                                   fields[b].second + "; each field needs a column of its own");
        // Header columns named like a report field but not read: say so in the stats.
        for (const std::string_view field :
             {column_names::default_number, column_names::default_time, column_names::default_category,
              column_names::default_source, column_names::default_not_spam}) {
            for (std::size_t i = 0; i < csv.size(); ++i) {
                if (detail::trim(csv[i]) != field) continue;
                if (i != c.number && i != c.time && i != c.category && i != c.source && i != c.not_spam)
                    stats.ignored_columns.emplace_back(field);
                break;
            }
        }
        return c;
    }

    bool valid_by_length(const phone_number& n) noexcept {
        if (n.country_code() != length_cc_) {
            length_cc_ = n.country_code();
            const auto home = region::for_country_code(length_cc_);
            length_min_ = home ? home->min_national_length() : 0;
            length_max_ = home ? home->max_national_length() : 0;
        }
        return n.national_length() >= length_min_ && n.national_length() <= length_max_;
    }

    void progress(const ingest_stats& stats, const csv_reader& csv) const {
        options_.on_progress({stats.rows, stats.bad, csv.offset(), csv.total()});
    }

    // Counts a bad row and hands it to whoever wants it; the message is built only then.
    template <class Message>
    void reject(ingest_stats& stats, const csv_reader& csv, std::string_view input, bad_row_reason reason,
                parse_errc error, std::size_t line, Message&& message) {
        ++stats.bad;
        ++stats.bad_by_reason[static_cast<std::size_t>(reason)];
        if (reason == bad_row_reason::unparseable_number) ++stats.unparseable_by_error[static_cast<std::size_t>(error)];
        const bool keep = stats.first_bad_rows.size() < options_.keep_bad_rows;
        if (!keep && !options_.strict && !options_.on_reject && options_.rejects == nullptr) return;
        const std::string text = message();
        if (options_.strict)
            detail::throw_invalid_argument(std::string(input) + ": line " + std::to_string(line) + ": " + text);
        const std::string_view raw = csv.raw();
        if (keep)
            stats.first_bad_rows.push_back(
                {line, reason, error, text, std::string(detail::utf8_prefix(raw, bad_row::max_kept_text))});
        if (options_.on_reject) options_.on_reject(rejected_row{input, line, reason, error, text, raw});
        if (options_.rejects != nullptr) {
            std::string out;
            detail::append_csv_field(out, input);
            out += ',' + std::to_string(line) + ',';
            out.append(to_string(reason)).append(",");
            detail::append_csv_field(out, text);
            out += ',';
            detail::append_csv_field(out, raw);
            out += '\n';
            options_.rejects->write(out.data(), static_cast<std::streamsize>(out.size()));
        }
    }

    ingest_options options_;
    string_interner<std::uint16_t> categories_;
    name_cache<std::uint16_t> last_category_;
    std::uint16_t length_cc_ = 0;
    int length_min_ = 0;
    int length_max_ = 0;
};

// One input, one set of options; category names are not kept (use report_reader for those).
template <class Sink>
ingest_stats ingest_csv(std::string_view text, Sink&& sink, const ingest_options& options = {}) {
    report_reader reader(options);
    return reader.read(text, std::forward<Sink>(sink));
}

template <class Sink>
ingest_stats ingest_csv_file(const std::string& path, Sink&& sink, const ingest_options& options = {}) {
    report_reader reader(options);
    return reader.read_file(path, std::forward<Sink>(sink));
}

}  // namespace numrep
