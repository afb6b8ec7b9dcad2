// Report ingestion: CSV text (in memory or a mapped file) to a stream of numrep::report, one
// pass, handed to a sink as each row is read. Memory is independent of the number of rows
// (it grows only with distinct category and source names). Bad rows are never dropped in
// silence: each is counted by reason, the first ones are kept with their line numbers, every
// one can go to a rejects callback or a rejects CSV stream, and strict mode stops at the first.
//
//   numrep::report_reader reader(numrep::ingest_options::for_preset(numrep::preset::ftc));
//   std::vector<numrep::report> out;
//   numrep::ingest_stats stats = reader.read_file("complaints.csv", out);
//   reader.categories().name(out[0].category);
//
// Which column is which is chosen by header name (ingest_options::columns). A row's fields:
//   number    required; any written form numrep::try_parse accepts, national forms in
//             options.default_region. Empty: bad row "missing number"; not a number: bad row
//             "unparseable number", sub-counted by parse_errc. A number that parses but that
//             the plan does not validate is kept, with report::valid_number = false.
//   time      parse_time forms. Empty: bad row "missing time", unless options.default_time is
//             set, which then fills it in (counted in defaulted_times). Not mapping a time
//             column at all requires default_time: a report without a time cannot be weighed.
//   category  any text, trimmed, interned; empty is id 0.
//   source    who reported (any text, trimmed, interned); empty is id 0 (unknown).
//   not_spam  empty, 0/1, true/false, yes/no, y/n, t/f (any case); anything else is a bad row.
// A row is checked in that order and rejected for its first problem only. A row whose field
// count differs from the header's is rejected whole (its columns cannot be trusted). Empty
// lines are not rows; they are counted in blank_lines.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "csv.hpp"
#include "detail/mapped_file.hpp"
#include "detail/throw.hpp"
#include "numbering_plan.hpp"
#include "parse.hpp"
#include "region.hpp"
#include "report.hpp"
#include "world_plan.hpp"

namespace numrep {

enum class bad_row_reason : std::uint8_t {
    wrong_field_count = 0,  // more or fewer fields than the header has
    missing_number,         // the number field is empty (or white space)
    unparseable_number,     // try_parse refused it; see ingest_stats::unparseable_by_error
    missing_time,           // the time field is empty and no default_time was given
    bad_time,               // the time field is not a date parse_time accepts
    bad_not_spam,           // the not_spam field is not a yes/no value
    too_many_names,         // a category or source name past the interner's id range
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

// A bad row kept in ingest_stats (owning; text cut to max_kept_text bytes).
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
    std::size_t bytes = 0;
    char delimiter = ',';  // the delimiter used (the detected one under auto_delimiter)
    std::array<std::uint64_t, bad_row_reason_count> bad_by_reason{};
    std::array<std::uint64_t, parse_errc_count> unparseable_by_error{};
    std::vector<bad_row> first_bad_rows;  // the first ingest_options::keep_bad_rows, in order

    std::uint64_t count(bad_row_reason r) const noexcept { return bad_by_reason[static_cast<std::size_t>(r)]; }
    std::uint64_t count(parse_errc e) const noexcept { return unparseable_by_error[static_cast<std::size_t>(e)]; }

    // One paragraph for people: totals, then bad rows by reason (numbers by parse error).
    std::string summary() const {
        std::string s = std::to_string(rows) + " rows: " + std::to_string(good) + " good";
        if (invalid_numbers != 0) s += " (" + std::to_string(invalid_numbers) + " with numbers not valid by the plan)";
        s += ", " + std::to_string(bad) + " bad";
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
        for (const auto& b : first_bad_rows)
            s += "\n  line " + std::to_string(b.line) + ": " + b.message;
        return s;
    }
};

// Header names of the report fields. A column set to std::nullopt is not read; a named column
// missing from the header is an error (std::invalid_argument), so a typo never silently
// turns into "no categories".
struct column_names {
    std::string number = "number";
    std::optional<std::string> time = "time";
    std::optional<std::string> category = "category";
    std::optional<std::string> source;
    std::optional<std::string> not_spam;
};

// Named column layouts of public complaint data.
enum class preset : std::uint8_t {
    // US FTC Do-Not-Call complaints (Company_Phone_Number, Created_Date, Violation_Date,
    // Consumer_City, Consumer_State, Consumer_Area_Code, Subject, Recorded_Message_Or_Robocall).
    //   number   Company_Phone_Number, region US.
    //   time     Violation_Date: when the call happened. Created_Date is when the complaint
    //            was filed, the same day for a whole daily file; first/last seen and time decay
    //            are about when a number was calling, so the call date it is. Times have no
    //            zone in the file and are read as UTC.
    //   category Subject, as written ("No Subject Provided" is a category like any other).
    //   source   Consumer_Area_Code: the FTC publishes no reporter id, and "distinct sources"
    //            is meant to count independent reporters. The consumer's own area code (about
    //            300 values a day, never empty) is the finest published attribute that tells
    //            reporters apart: complaints from two area codes come from two people, while
    //            Consumer_State (54 values) saturates and Consumer_City is empty in a third
    //            of rows. It undercounts reporters sharing an area code; no choice counts more.
    //   not_spam none (the FTC collects complaints only).
    //   validity by the world plan (libphonenumber's US and Canadian rules), as for every preset.
    ftc,
};

constexpr std::optional<preset> find_preset(std::string_view name) noexcept {
    if (name == "ftc" || name == "FTC") return preset::ftc;
    return std::nullopt;
}

struct ingest_options {
    column_names columns{};
    // Field delimiter, or auto_delimiter to detect one of , ; TAB | from the header line.
    char delimiter = ',';
    // Supplies the country code for national forms ("0912 345 678", "(202) 555-0123").
    region default_region = region::vietnam();
    // Judges report::valid_number: the world plan (every region, Vietnam's rules on top) by
    // default. nullptr: valid when the national part has a length the number's region allows.
    // The plan must outlive the reader.
    const numbering_plan* plan = &plans::world();
    // Time given to reports whose time field is empty or not mapped; nullopt: they are bad rows.
    std::optional<std::int64_t> default_time;
    // Reports dated after this (unix seconds) are bad rows ("time in the future"): one report
    // dated decades ahead would otherwise outweigh every real one in the decayed score.
    // Default: one day after the reader was made; std::nullopt accepts any time.
    std::optional<std::int64_t> latest_time = std::chrono::duration_cast<std::chrono::seconds>(
                                                  std::chrono::system_clock::now().time_since_epoch()).count() + 86400;
    // Throw std::invalid_argument at the first bad row, naming its line and what was wrong.
    bool strict = false;
    // How many bad rows ingest_stats::first_bad_rows keeps.
    std::size_t keep_bad_rows = 20;
    // Called for every bad row (after it is counted).
    std::function<void(const rejected_row&)> on_reject;
    // Receives every bad row as CSV: a header "input,line,reason,message,row" (once per
    // reader), then one record per bad row, the original row quoted in the last field.
    std::ostream* rejects = nullptr;
    // Called every progress_every rows and once at the end of each input.
    std::function<void(const ingest_progress&)> on_progress;
    std::uint64_t progress_every = 1 << 16;

    static ingest_options for_preset(preset p) {
        ingest_options o;
        switch (p) {
            case preset::ftc:
                o.columns.number = "Company_Phone_Number";
                o.columns.time = "Violation_Date";
                o.columns.category = "Subject";
                o.columns.source = "Consumer_Area_Code";
                o.columns.not_spam = std::nullopt;
                o.default_region = *region::find("US");
                break;
        }
        return o;
    }
};

namespace detail {

// Yes/no values of a not_spam column, any case; nullopt for anything else.
constexpr std::optional<bool> parse_flag(std::string_view s) noexcept {
    s = trim(s);
    if (s.empty()) return false;
    if (s.size() > 5) return std::nullopt;
    char lower[5] = {};
    for (std::size_t i = 0; i < s.size(); ++i)
        lower[i] = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] + 32) : s[i];
    const std::string_view l(lower, s.size());
    if (l == "1" || l == "true" || l == "yes" || l == "y" || l == "t") return true;
    if (l == "0" || l == "false" || l == "no" || l == "n" || l == "f") return false;
    return std::nullopt;
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

// Reads reports from any number of CSV inputs with one set of options; category and source
// ids are shared across inputs (the interners live in the reader).
class report_reader {
public:
    explicit report_reader(ingest_options options = {}) : options_(std::move(options)) {
        if (!options_.columns.time && !options_.default_time)
            detail::throw_invalid_argument(
                "no time column and no default_time: every report needs a time (map a column or give a default)");
        if (options_.columns.number.empty()) detail::throw_invalid_argument("the number column name is empty");
        if (options_.progress_every == 0) options_.progress_every = 1;
    }
    // Not copyable: the name caches point into this reader's interners.
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
                if (options_.latest_time && *t > *options_.latest_time) {
                    reject(stats, csv, input, bad_row_reason::bad_time, parse_errc::ok, csv.line(), [&] {
                        return "bad time " + detail::quote(time_text) + " (column " + *options_.columns.time +
                               "): in the future";
                    });
                    continue;
                }
                r.time = *t;
            } else {
                reject(stats, csv, input, bad_row_reason::bad_time, parse_errc::ok, csv.line(), [&] {
                    return "bad time " + detail::quote(time_text) + " (column " + *options_.columns.time +
                           "): expected ISO 8601 (2021-07-07, 2021-07-07 00:01:15, 2021-07-07T00:01:15Z) or "
                           "unix seconds";
                });
                continue;
            }

            if (cols.not_spam != npos) {
                const auto flag = detail::parse_flag(f[cols.not_spam]);
                if (!flag) {
                    reject(stats, csv, input, bad_row_reason::bad_not_spam, parse_errc::ok, csv.line(), [&] {
                        return "bad not_spam value " + detail::quote(f[cols.not_spam]) + " (column " +
                               *options_.columns.not_spam + "): expected empty, 0/1, true/false, yes/no, y/n";
                    });
                    continue;
                }
                r.not_spam = *flag;
            }

            if (cols.category != npos || cols.source != npos) {
                std::optional<std::string> too_many;  // what to say of a name that did not fit
                if (cols.category != npos) {
                    if (const auto id = intern(categories_, last_category_, f[cols.category])) r.category = *id;
                    else too_many = categories_.full_message(detail::trim(f[cols.category]));
                }
                if (!too_many && cols.source != npos) {
                    if (const auto id = intern(sources_, last_source_, f[cols.source])) r.source = *id;
                    else too_many = sources_.full_message(detail::trim(f[cols.source]));
                }
                if (too_many) {
                    reject(stats, csv, input, bad_row_reason::too_many_names, parse_errc::ok, csv.line(),
                           [&] { return *too_many; });
                    continue;
                }
            }

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

    // Maps `path` read-only and reads it; std::system_error if it cannot be opened.
    template <class Sink>
    ingest_stats read_file(const std::filesystem::path& path, Sink&& sink) {
        const detail::mapped_file file(path);
        const auto bytes = file.bytes();
        const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        return read(text, std::forward<Sink>(sink), path.string());
    }

    const string_interner<std::uint16_t>& categories() const noexcept { return categories_; }
    const string_interner<std::uint32_t>& sources() const noexcept { return sources_; }
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

    // The id of a field's name; nullopt when it is new and no new name fits.
    template <class Id>
    static std::optional<Id> intern(string_interner<Id>& names, name_cache<Id>& cache, std::string_view field) {
        const std::string_view name = detail::trim(field);
        if (cache.set && cache.name == name) return cache.id;
        if (names.full() && !names.find(name)) return std::nullopt;
        const Id id = names.intern(name);
        cache = {names.name(id), id, true};
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
        columns c;
        c.width = csv.size();
        const auto find = [&](const std::string& name, const char* role) {
            for (std::size_t i = 0; i < csv.size(); ++i)
                if (detail::trim(csv[i]) == name) return i;
            std::string names;
            for (std::size_t i = 0; i < csv.size(); ++i) {
                if (i != 0) names += ", ";
                names += detail::quote(detail::trim(csv[i]));
            }
            detail::throw_invalid_argument(std::string(input) + ": no column " + detail::quote(name) + " (for the " +
                                           role + ") in the header on line " + std::to_string(csv.line()) +
                                           "; columns: " + names);
        };
        c.number = find(options_.columns.number, "number");
        if (options_.columns.time) c.time = find(*options_.columns.time, "time");
        if (options_.columns.category) c.category = find(*options_.columns.category, "category");
        if (options_.columns.source) c.source = find(*options_.columns.source, "source");
        if (options_.columns.not_spam) c.not_spam = find(*options_.columns.not_spam, "not_spam flag");
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
                {line, reason, error, text, std::string(raw.substr(0, bad_row::max_kept_text))});
        if (options_.on_reject) options_.on_reject(rejected_row{input, line, reason, error, text, raw});
        if (options_.rejects != nullptr) {
            std::string out;
            if (!rejects_header_written_) {
                out = "input,line,reason,message,row\n";
                rejects_header_written_ = true;
            }
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
    string_interner<std::uint32_t> sources_;
    name_cache<std::uint16_t> last_category_;
    name_cache<std::uint32_t> last_source_;
    std::uint16_t length_cc_ = 0;
    int length_min_ = 0;
    int length_max_ = 0;
    bool rejects_header_written_ = false;
};

// One input, one set of options; category and source names are not kept (use report_reader
// for those).
template <class Sink>
ingest_stats ingest_csv(std::string_view text, Sink&& sink, const ingest_options& options = {}) {
    report_reader reader(options);
    return reader.read(text, std::forward<Sink>(sink));
}

template <class Sink>
ingest_stats ingest_csv_file(const std::filesystem::path& path, Sink&& sink, const ingest_options& options = {}) {
    report_reader reader(options);
    return reader.read_file(path, std::forward<Sink>(sink));
}

}  // namespace numrep
