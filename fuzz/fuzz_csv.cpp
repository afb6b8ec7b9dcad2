// Fuzzes the CSV report reader (csv_reader and report_reader / ingest). Input: two option bytes
// (delimiter or auto-detection, FTC preset or the default columns, strict mode, a default time,
// validity by plan or by length, a latest time or none, how many bad rows to keep, how often to
// report progress), then the CSV text. Checks: only std::invalid_argument is thrown (a header
// without the columns, an empty input, strict mode's first bad row); nothing hangs; the counts
// add up (rows = good + bad, bad = the sum over reasons, unparseable numbers = the sum over parse
// errors, the sink got `good` reports, on_reject saw `bad` rows, first_bad_rows kept
// min(bad, keep_bad_rows), the last progress report has the final counts, strict mode never
// lets a bad row through); every report has a valid key; the rejects CSV reads back as one
// header and one 5-field record per bad row; csv_reader moves forward on every record. And a
// round trip: the text cut into records (at LF) and fields (at the delimiter), written back as
// RFC 4180 CSV with every field quoted, reads back as the same fields, raw text and lines.
#include <numrep/csv.hpp>
#include <numrep/ingest.hpp>
#include <numrep/phone_number.hpp>

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"

namespace {

constexpr char delimiters[8] = {',', ';', '\t', '|', numrep::auto_delimiter, ',', ',', ','};

void check_csv_reader(std::string_view text, char delimiter) {
    numrep::csv_reader csv(text, delimiter);
    std::size_t last_offset = 0, last_line = 0;
    for (;;) {
        const numrep::csv_status status = csv.next();
        if (status != numrep::csv_status::record) break;
        NUMREP_FUZZ_CHECK(csv.offset() > last_offset || (csv.offset() == text.size() && last_offset < text.size()),
                          "the reader did not move: offset %zu after %zu", csv.offset(), last_offset);
        NUMREP_FUZZ_CHECK(csv.line() >= last_line && csv.last_line() >= csv.line(), "line %zu after %zu (last %zu)",
                          csv.line(), last_line, csv.last_line());
        NUMREP_FUZZ_CHECK(csv.size() >= 1, "a record of no fields");
        const std::string_view raw = csv.raw();
        NUMREP_FUZZ_CHECK(raw.data() >= text.data() && raw.data() + raw.size() <= text.data() + text.size(),
                          "raw() is not inside the text");
        last_offset = csv.offset();
        last_line = csv.line();
    }
}

std::size_t physical_lines_before(std::string_view text, std::size_t end) {
    std::size_t lines = 1;
    for (std::size_t i = 0; i < end; ++i)
        if (text[i] == '\n' || (text[i] == '\r' && !(i + 1 < text.size() && text[i + 1] == '\n'))) ++lines;
    return lines;
}

// Fields cut from `text` written as quoted CSV must read back exactly.
void check_round_trip(std::string_view text, char delimiter, bool crlf) {
    std::vector<std::vector<std::string_view>> records;
    for (std::string_view rest = text; !rest.empty();) {
        const std::size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        std::vector<std::string_view>& fields = records.emplace_back();
        for (;;) {
            const std::size_t cut = line.find(delimiter);
            fields.push_back(line.substr(0, cut));
            if (cut == std::string_view::npos) break;
            line.remove_prefix(cut + 1);
        }
    }
    std::string csv;
    std::vector<std::size_t> starts;
    std::vector<std::size_t> ends;
    for (const auto& fields : records) {
        starts.push_back(csv.size());
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i != 0) csv += delimiter;
            numrep::detail::append_csv_field(csv, fields[i]);
        }
        ends.push_back(csv.size());
        csv += crlf ? "\r\n" : "\n";
    }
    numrep::csv_reader reader(csv, delimiter);
    for (std::size_t r = 0; r < records.size(); ++r) {
        NUMREP_FUZZ_CHECK(reader.next() == numrep::csv_status::record, "record %zu of %zu missing", r, records.size());
        NUMREP_FUZZ_CHECK(reader.size() == records[r].size(), "record %zu: %zu fields read, %zu written", r,
                          reader.size(), records[r].size());
        for (std::size_t f = 0; f < reader.size(); ++f)
            NUMREP_FUZZ_CHECK(reader[f] == records[r][f], "record %zu field %zu reads back differently", r, f);
        NUMREP_FUZZ_CHECK(reader.raw() == std::string_view(csv).substr(starts[r], ends[r] - starts[r]),
                          "record %zu: raw() is not the record as written", r);
        NUMREP_FUZZ_CHECK(reader.line() == physical_lines_before(csv, starts[r]) &&
                              reader.last_line() == physical_lines_before(csv, ends[r]),
                          "record %zu: lines %zu-%zu, written on %zu-%zu", r, reader.line(), reader.last_line(),
                          physical_lines_before(csv, starts[r]), physical_lines_before(csv, ends[r]));
    }
    NUMREP_FUZZ_CHECK(reader.next() == numrep::csv_status::end, "more records read than the %zu written",
                      records.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    numrep_fuzz::input in(data, size);
    const std::uint8_t a = in.byte();
    const std::uint8_t b = in.byte();
    const std::string_view text = in.rest_text();

    numrep::ingest_options options = (a & 8U) != 0 ? numrep::ingest_options::for_preset(numrep::preset::ftc)
                                                   : numrep::ingest_options{};
    options.delimiter = delimiters[a & 7U];
    options.strict = (a & 16U) != 0;
    if ((a & 32U) != 0) options.default_time = 1'600'000'000;
    if ((a & 64U) != 0) options.plan = nullptr;
    options.latest_time = (a & 128U) != 0 ? std::optional<std::int64_t>{} : std::optional<std::int64_t>{1'700'000'000};
    options.keep_bad_rows = b & 3U;
    options.progress_every = (b >> 2) + 1U;
    std::uint64_t rejected = 0;
    options.on_reject = [&](const numrep::rejected_row& row) {
        ++rejected;
        NUMREP_FUZZ_CHECK(row.line >= 1, "bad row on line %zu", row.line);
    };
    numrep::ingest_progress last_progress;
    std::uint64_t previous_rows = 0;
    options.on_progress = [&](const numrep::ingest_progress& p) {
        NUMREP_FUZZ_CHECK(p.rows >= previous_rows && p.bad <= p.rows && p.bytes_done <= p.bytes_total,
                          "progress: %llu rows (before %llu), %llu bad, %zu of %zu bytes",
                          static_cast<unsigned long long>(p.rows), static_cast<unsigned long long>(previous_rows),
                          static_cast<unsigned long long>(p.bad), p.bytes_done, p.bytes_total);
        previous_rows = p.rows;
        last_progress = p;
    };
    std::ostringstream rejects;
    options.rejects = &rejects;

    check_csv_reader(text, options.delimiter);
    check_round_trip(text, options.delimiter == numrep::auto_delimiter ? ',' : options.delimiter, (b & 1U) != 0);

    numrep::report_reader reader(options);
    std::vector<numrep::report> reports;
    numrep::ingest_stats stats;
    try {
        stats = reader.read(text, reports);
    } catch (const std::invalid_argument&) {
        return 0;  // no header with the columns, an empty input, or a bad row in strict mode
    }

    const auto sum = [](const auto& counts) { return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}); };
    NUMREP_FUZZ_CHECK(stats.rows == stats.good + stats.bad, "%llu rows, %llu good, %llu bad",
                      static_cast<unsigned long long>(stats.rows), static_cast<unsigned long long>(stats.good),
                      static_cast<unsigned long long>(stats.bad));
    NUMREP_FUZZ_CHECK(sum(stats.bad_by_reason) == stats.bad, "bad rows by reason add up to %llu, not %llu",
                      static_cast<unsigned long long>(sum(stats.bad_by_reason)),
                      static_cast<unsigned long long>(stats.bad));
    NUMREP_FUZZ_CHECK(sum(stats.unparseable_by_error) == stats.count(numrep::bad_row_reason::unparseable_number) &&
                          stats.unparseable_by_error[0] == 0,
                      "unparseable numbers by error do not add up");
    NUMREP_FUZZ_CHECK(reports.size() == stats.good, "%zu reports for %llu good rows", reports.size(),
                      static_cast<unsigned long long>(stats.good));
    NUMREP_FUZZ_CHECK(rejected == stats.bad, "on_reject saw %llu of %llu bad rows",
                      static_cast<unsigned long long>(rejected), static_cast<unsigned long long>(stats.bad));
    NUMREP_FUZZ_CHECK(stats.first_bad_rows.size() == std::min<std::uint64_t>(stats.bad, options.keep_bad_rows),
                      "%zu bad rows kept, %llu bad", stats.first_bad_rows.size(),
                      static_cast<unsigned long long>(stats.bad));
    NUMREP_FUZZ_CHECK(!options.strict || stats.bad == 0, "strict mode let %llu bad rows through",
                      static_cast<unsigned long long>(stats.bad));
    NUMREP_FUZZ_CHECK(stats.invalid_numbers <= stats.good && stats.defaulted_times <= stats.good,
                      "more invalid numbers or defaulted times than good rows");
    NUMREP_FUZZ_CHECK(stats.bytes <= text.size(), "%zu bytes read of %zu", stats.bytes, text.size());
    NUMREP_FUZZ_CHECK(last_progress.rows == stats.rows && last_progress.bad == stats.bad,
                      "the last progress report says %llu rows, %llu bad",
                      static_cast<unsigned long long>(last_progress.rows),
                      static_cast<unsigned long long>(last_progress.bad));
    for (const numrep::report& r : reports) {
        NUMREP_FUZZ_CHECK(numrep::phone_number::from_key(r.key).has_value(), "report with key %llu",
                          static_cast<unsigned long long>(r.key));
        NUMREP_FUZZ_CHECK(!options.latest_time || r.time <= *options.latest_time, "report dated %lld",
                          static_cast<long long>(r.time));
    }

    // The rejects file is CSV: a header (even with no bad row), then one record of five fields
    // per bad row.
    const std::string out = rejects.str();
    numrep::csv_reader back(out, ',');
    std::uint64_t records = 0;
    while (back.next() == numrep::csv_status::record) {
        NUMREP_FUZZ_CHECK(back.size() == 5, "rejects record %llu has %zu fields",
                          static_cast<unsigned long long>(records), back.size());
        ++records;
    }
    NUMREP_FUZZ_CHECK(records == stats.bad + 1, "the rejects CSV has %llu records for %llu bad rows",
                      static_cast<unsigned long long>(records), static_cast<unsigned long long>(stats.bad));
    return 0;
}
