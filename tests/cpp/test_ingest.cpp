// CSV reading, time parsing, name interning, source ids and report ingestion (issue 5, "Reports in";
// issue 11: ids stable across inputs).
#include "catch.hpp"

#include <numrep/csv.hpp>
#include <numrep/ingest.hpp>
#include <numrep/report.hpp>
#include <numrep/reputation_builder.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

using numrep_test::contains;

namespace {

// Every record of `text` as vectors of strings (throws on an unterminated quote).
std::vector<std::vector<std::string>> read_all(std::string_view text, char delimiter = ',') {
    numrep::csv_reader csv(text, delimiter);
    std::vector<std::vector<std::string>> out;
    for (;;) {
        const auto status = csv.next();
        if (status == numrep::csv_status::end) break;
        if (status == numrep::csv_status::unterminated_quote) throw std::runtime_error(csv.error_message());
        out.emplace_back(csv.fields().begin(), csv.fields().end());
    }
    return out;
}

using rows = std::vector<std::vector<std::string>>;

bool points_into(std::string_view field, std::string_view text) {
    return field.data() >= text.data() && field.data() + field.size() <= text.data() + text.size();
}

std::int64_t utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    return numrep::detail::days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

}  // namespace

TEST_CASE("csv: plain records, empty fields, no final line break", "[ingest][csv]") {
    CHECK(read_all("a,b,c\n1,2,3\n") == rows{{"a", "b", "c"}, {"1", "2", "3"}});
    CHECK(read_all("a,b\n1,2") == rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all(",,\n") == rows{{"", "", ""}});
    CHECK(read_all("a,\n,b\n") == rows{{"a", ""}, {"", "b"}});
    CHECK(read_all("").empty());
    CHECK(read_all("\"\",x\n") == rows{{"", "x"}});
}

TEST_CASE("csv: quoted fields with escapes, delimiters and line breaks inside", "[ingest][csv]") {
    const std::string text = "h1,h2,h3\n\"x \"\"y\"\"\",\"one\ntwo\",\"a,b\"\nlast,row,here\n";
    numrep::csv_reader csv(text);
    REQUIRE(csv.next() == numrep::csv_status::record);
    CHECK(csv.line() == 1);
    REQUIRE(csv.next() == numrep::csv_status::record);
    REQUIRE(csv.size() == 3);
    CHECK(csv[0] == "x \"y\"");
    CHECK(csv[1] == "one\ntwo");
    CHECK(csv[2] == "a,b");
    CHECK(csv.line() == 2);
    CHECK(csv.last_line() == 3);
    CHECK(csv.raw() == "\"x \"\"y\"\"\",\"one\ntwo\",\"a,b\"");
    // Zero copy where nothing needs unquoting; the escaped field is a copy.
    CHECK(points_into(csv[1], text));
    CHECK(points_into(csv[2], text));
    CHECK_FALSE(points_into(csv[0], text));
    REQUIRE(csv.next() == numrep::csv_status::record);
    CHECK(csv.line() == 4);  // physical line, after the embedded break
    CHECK(csv[0] == "last");
    CHECK(points_into(csv[0], text));
    CHECK(csv.next() == numrep::csv_status::end);
    CHECK(csv.offset() == text.size());
}

TEST_CASE("csv: CRLF, lone CR, and line breaks inside quotes counted once", "[ingest][csv]") {
    CHECK(read_all("a,b\r\n1,2\r\n") == rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a,b\r1,2\r") == rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a,\"x\r\ny\"\r\n") == rows{{"a", "x\r\ny"}});
    numrep::csv_reader csv("\"p\r\nq\",1\r\nr,2\r\n");
    REQUIRE(csv.next() == numrep::csv_status::record);
    CHECK(csv.last_line() == 2);
    REQUIRE(csv.next() == numrep::csv_status::record);
    CHECK(csv.line() == 3);
    CHECK(csv[0] == "r");
}

TEST_CASE("csv: a UTF-8 byte order mark is skipped", "[ingest][csv]") {
    CHECK(read_all("\xEF\xBB\xBFnumber,time\n1,2\n") == rows{{"number", "time"}, {"1", "2"}});
    CHECK(read_all("\xEF\xBB\xBF\"number\";time\n", numrep::auto_delimiter) == rows{{"number", "time"}});
}

TEST_CASE("csv: any delimiter, or detected from the header line", "[ingest][csv]") {
    CHECK(read_all("a;b\n1;2\n", ';') == rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a\tb\n1\t2\n", '\t') == rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a|b,c\n", '|') == rows{{"a", "b,c"}});
    CHECK(numrep::detect_delimiter("a,b,c\n") == ',');
    CHECK(numrep::detect_delimiter("a;b;c\nx,y,z,w,v\n") == ';');  // the first line only
    CHECK(numrep::detect_delimiter("a\tb\n") == '\t');
    CHECK(numrep::detect_delimiter("a|b|c,d\n") == '|');
    CHECK(numrep::detect_delimiter("\"x;y;z\",b\n") == ',');  // not inside quotes
    // A quote opens a field only where one starts, as the reader reads it: a stray one in a header
    // name skipped the line break, and the next row's quoted commas outvoted the header's ';'.
    CHECK(numrep::detect_delimiter("number;time;note\"\n0912345678;2025-03-01;\"a,b,c\"\n") == ';');
    CHECK(numrep::detect_delimiter("a;\"b,\"\"c,d\"\"\";e\n") == ';');  // "" inside quotes is a quote
    CHECK(numrep::detect_delimiter("a\"b,c;d;e\n") == ';');             // mid-field: an ordinary character
    CHECK(numrep::detect_delimiter("\n\r\na;b;c\n") == ';');            // blank lines before the header
    CHECK(numrep::detect_delimiter("\xEF\xBB\xBF\na;b\n") == ';');
    CHECK(numrep::detect_delimiter("single\n") == ',');
    CHECK(numrep::detect_delimiter("a,b;c\n") == ',');  // a tie goes to the comma
    CHECK(read_all("a;b\n1;\"2;3\"\n", numrep::auto_delimiter) == rows{{"a", "b"}, {"1", "2;3"}});
    CHECK_THROWS_AS(numrep::csv_reader("a", '"'), std::invalid_argument);
    CHECK_THROWS_AS(numrep::csv_reader("a", '\n'), std::invalid_argument);
}

TEST_CASE("csv: stray quotes are kept, not lost", "[ingest][csv]") {
    CHECK(read_all("ab\"c,d\n") == rows{{"ab\"c", "d"}});
    CHECK(read_all("\"ab\"c,d\n") == rows{{"abc", "d"}});
    CHECK(read_all(" \"a\",b\n") == rows{{" \"a\"", "b"}});
}

TEST_CASE("csv: blank lines are records of one empty field", "[ingest][csv]") {
    numrep::csv_reader csv("a\n\nb\n");
    REQUIRE(csv.next() == numrep::csv_status::record);
    CHECK_FALSE(csv.is_blank());
    REQUIRE(csv.next() == numrep::csv_status::record);
    CHECK(csv.is_blank());
    CHECK(csv.size() == 1);
    CHECK(csv.line() == 2);
    REQUIRE(csv.next() == numrep::csv_status::record);
    CHECK(csv.line() == 3);
}

TEST_CASE("csv: an unterminated quote names the line where it opened", "[ingest][csv]") {
    numrep::csv_reader csv("a,b\n1,2\n3,\"open\nmore\nlines\n");
    REQUIRE(csv.next() == numrep::csv_status::record);
    REQUIRE(csv.next() == numrep::csv_status::record);
    REQUIRE(csv.next() == numrep::csv_status::unterminated_quote);
    CHECK(csv.error_line() == 3);
    CHECK_THAT(csv.error_message(), contains("line 3"));
    CHECK_THAT(csv.error_message(), contains("unterminated quoted field"));
    CHECK(csv.raw() == "3,\"open\nmore\nlines\n");
    CHECK(csv.next() == numrep::csv_status::end);
}

TEST_CASE("parse_time: ISO 8601 dates and times, and unix seconds", "[ingest][time]") {
    using numrep::parse_time;
    CHECK(parse_time("2021-07-07") == utc(2021, 7, 7));
    CHECK(parse_time("2021-07-07") == 1625616000);
    CHECK(parse_time("2021-07-07 00:01:15") == 1625616075);
    CHECK(parse_time("2021-07-07T00:01:15Z") == 1625616075);
    CHECK(parse_time("2021-07-07t00:01:15z") == 1625616075);
    CHECK(parse_time("2021-07-07T00:01:15.999Z") == 1625616075);  // fractions truncate
    CHECK(parse_time("2021-07-07T00:01:15,5") == 1625616075);
    CHECK(parse_time("2021-07-07T07:01:15+07:00") == 1625616075);
    CHECK(parse_time("2021-07-07T07:01:15+0700") == 1625616075);
    CHECK(parse_time("2021-07-07T07:01:15+07") == 1625616075);
    CHECK(parse_time("2021-07-06T19:31:15.25-04:30") == 1625616075);
    CHECK(parse_time("2021-07-07 00:01") == 1625616060);
    CHECK(parse_time("  2021-07-07 00:01:15 ") == 1625616075);
    CHECK(parse_time("1625616075") == 1625616075);
    CHECK(parse_time("0") == 0);
    CHECK(parse_time("-86400") == -86400);
    CHECK(parse_time("1970-01-01") == 0);
    CHECK(parse_time("1969-12-31 23:59:59") == -1);
    CHECK(parse_time("2000-02-29") == utc(2000, 2, 29));
    CHECK(parse_time("2024-02-29 12:00:00") == utc(2024, 2, 29, 12));
    CHECK(parse_time("2016-12-31 23:59:60Z") == utc(2017, 1, 1));  // leap second
    CHECK(parse_time("2007-06-07 13:05:00") == utc(2007, 6, 7, 13, 5));
    CHECK(parse_time("9999-12-31T23:59:59Z") == utc(9999, 12, 31, 23, 59, 59));
    static_assert(numrep::parse_time("2021-07-07").value() == 1625616000);
    // Unix seconds with a fraction, as pandas writes a float column ("1625616075.0"): floored
    // to the second, as the fractions of the ISO forms are (they were not a time; from_frame read
    // the same float).
    CHECK(parse_time("1625616075.0") == 1625616075);
    CHECK(parse_time(" 1625616075.999 ") == 1625616075);
    CHECK(parse_time("-1.5") == -2);
    CHECK(parse_time("-86400.000") == -86400);
    CHECK(parse_time("-0.25") == -1);
    CHECK(parse_time("20210707.0") == utc(2021, 7, 7));  // an 8-digit date from a float column
    CHECK(parse_time("20210707000115.5") == 1625616075);
}

TEST_CASE("utc_text writes unix seconds as parse_time reads them back", "[ingest][time]") {
    using numrep::detail::utc_text;
    CHECK(utc_text(0) == "1970-01-01T00:00:00Z");
    CHECK(utc_text(1625616075) == "2021-07-07T00:01:15Z");
    CHECK(utc_text(-1) == "1969-12-31T23:59:59Z");
    CHECK(utc_text(-86400) == "1969-12-31T00:00:00Z");
    CHECK(utc_text(951782400) == "2000-02-29T00:00:00Z");
    CHECK(utc_text(253402300799) == "9999-12-31T23:59:59Z");
    CHECK(utc_text(-62135596800) == "0001-01-01T00:00:00Z");
    CHECK(utc_text(std::numeric_limits<std::int64_t>::min()).find("T08:29:52Z") != std::string::npos);
    CHECK(utc_text(std::numeric_limits<std::int64_t>::max()).find("T15:30:07Z") != std::string::npos);
    std::mt19937_64 rng(5);
    for (int i = 0; i < 100000; ++i) {
        const auto t = static_cast<std::int64_t>(rng() % 315537897600ULL) - 62135596800;  // years 1..9999
        REQUIRE(numrep::parse_time(utc_text(t)) == t);
    }
}

TEST_CASE("parse_time: everything else is not a date", "[ingest][time]") {
    using numrep::parse_time;
    for (const char* bad : {"",
                            "   ",
                            "2021-13-01",
                            "2021-00-10",
                            "2021-02-29",
                            "1900-02-29",
                            "2021-04-31",
                            "2021-07-00",
                            "2021-7-7",
                            "21-07-07",
                            "2021/07/07",
                            "07/07/2021",
                            "2021-07-07 24:00:00",
                            "2021-07-07 23:60:00",
                            "2021-07-07 23:59:61",
                            "2021-07-07 1:02:03",
                            "2021-07-07T",
                            "2021-07-07 00:01:15 Z",
                            "2021-07-07T00:01:15+24:00",
                            "2021-07-07T00:01:15+07:60",
                            "2021-07-07T00:01:15+7",
                            "2021-07-07T00:01:15+07:00:00",
                            "2021-07-07T00:01:15.",
                            "2021-07-07T00:01:15ZZ",
                            "2021-07-07x",
                            "yesterday",
                            "1625616075.",
                            ".5",
                            "1.2.3",
                            "-.5",
                            "1625616075.5x",
                            "12e5",
                            "-",
                            "+",
                            "1234567890123456789",
                            "2021-07-07T00:01:15Q",
                            "2021-07-07 00:01:1"}) {
        INFO(bad);
        CHECK_FALSE(parse_time(bad).has_value());
    }
}

TEST_CASE("parse_time: 8 and 14 digits are basic-format dates, never unix seconds", "[ingest][time]") {
    using numrep::parse_time;
    CHECK(parse_time("20210707") == utc(2021, 7, 7));  // was 1970-08-23 (20210707 seconds)
    CHECK(parse_time(" 20240229 ") == utc(2024, 2, 29));
    CHECK(parse_time("20210707000115") == 1625616075);
    CHECK(parse_time("20161231235960") == utc(2017, 1, 1));  // leap second, as in the extended form
    // 8 or 14 digits that are no date are not a time (not seconds of 1971 or of the year 5000).
    for (const char* bad :
         {"20211399", "20210230", "12345678", "00000000", "20210707240000", "20210707006000", "99999999999999"}) {
        INFO(bad);
        CHECK_FALSE(parse_time(bad).has_value());
    }
    // Other lengths are unix seconds, as before; a sign makes any length seconds.
    CHECK(parse_time("1234567") == 1234567);
    CHECK(parse_time("123456789") == 123456789);
    CHECK(parse_time("1625616075") == 1625616075);
    CHECK(parse_time("+20210707") == 20210707);
    CHECK(parse_time("-20210707") == -20210707);
    static_assert(numrep::parse_time("20210707").value() == 1625616000);
}

TEST_CASE("string_interner: stable ids, retrievable names", "[ingest][interner]") {
    numrep::string_interner<std::uint16_t> names;
    CHECK(names.size() == 1);
    CHECK(names.name(0).empty());
    CHECK(names.intern("") == 0);
    CHECK(names.intern("Other") == 1);
    CHECK(names.intern("Charities") == 2);
    CHECK(names.intern("Other") == 1);
    CHECK(names.find("Charities") == std::uint16_t{2});
    CHECK_FALSE(names.find("Nope").has_value());
    CHECK(names.name(2) == "Charities");
    CHECK_THROWS_AS(names.name(3), std::invalid_argument);
    const auto copy = names;
    CHECK(copy.name(1) == "Other");
    CHECK(copy.find("Charities") == std::uint16_t{2});
    numrep::string_interner<std::uint8_t> small;
    for (int i = 1; i <= 255; ++i) CHECK(small.intern(std::to_string(i)) == i);
    CHECK_THROWS_AS(small.intern("one too many"), std::length_error);
    CHECK(small.intern("17") == 17);  // known names still resolve when full
    // A moved-from interner is an empty one: id 0 is "" again (intern("x") gave x the id 0).
    auto moved = std::move(names);
    CHECK(moved.name(2) == "Charities");
    CHECK(names.size() == 1);
    CHECK(names.name(0).empty());
    CHECK(names.names().size() == 1);
    CHECK(names.find("") == std::uint16_t{0});
    CHECK(names.intern("x") == 1);
    numrep::string_interner<std::uint16_t> assigned;
    assigned = std::move(moved);
    CHECK(assigned.find("Charities") == std::uint16_t{2});
    CHECK(moved.size() == 1);
    CHECK(moved.intern("y") == 1);
}

namespace {

numrep::ingest_options hand_options() {
    numrep::ingest_options o;
    o.columns.source = "source";
    o.columns.not_spam = "not_spam";
    return o;
}

}  // namespace

TEST_CASE("ingest: good rows become reports, with interned categories and hashed sources", "[ingest]") {
    const std::string text =
        "number,time,category,source,not_spam\n"
        "0912 345 678,2021-07-07 00:01:15,scam,alice,\n"
        "+84 91 234 5678,1625616075,\" scam \",bob,yes\n"
        "0200000000,2021-07-07,spam,,0\n";
    numrep::report_reader reader(hand_options());
    std::vector<numrep::report> out;
    const auto stats = reader.read(text, out);
    CHECK(stats.rows == 3);
    CHECK(stats.good == 3);
    CHECK(stats.bad == 0);
    CHECK(stats.invalid_numbers == 1);
    REQUIRE(out.size() == 3);
    CHECK(out[0].key == 84912345678ULL);
    CHECK(out[0].time == 1625616075);
    CHECK(out[0].valid_number);
    CHECK_FALSE(out[0].not_spam);
    CHECK(out[1].key == 84912345678ULL);
    CHECK(out[1].category == out[0].category);  // trimmed
    CHECK(out[1].not_spam);
    CHECK(out[1].source != out[0].source);
    CHECK(reader.categories().name(out[0].category) == "scam");
    CHECK(reader.categories().name(out[2].category) == "spam");
    CHECK(out[1].source == numrep::source_id("bob"));
    CHECK(out[2].source == 0);  // empty source
    CHECK(out[2].key == 84200000000ULL);
    CHECK_FALSE(out[2].valid_number);  // parses, but no rule validates it: kept and marked

    // A callable sink sees the same, and ids stay stable across inputs of one reader.
    std::vector<std::uint64_t> keys;
    const auto again = reader.read(text, [&](const numrep::report& r) { keys.push_back(r.key); });
    CHECK(again.good == 3);
    CHECK(keys == std::vector<std::uint64_t>{84912345678ULL, 84912345678ULL, 84200000000ULL});
    CHECK(reader.categories().size() == 3);
}

TEST_CASE("ingest: every bad row kind, counted exactly", "[ingest]") {
    const std::string text =
        "number,time,category,source,not_spam\r\n"
        "0912345678,2021-07-07,scam,a,no\r\n"                   // 2 good
        ",2021-07-07,scam,a,no\r\n"                             // 3 missing number
        "   ,2021-07-07,scam,a,no\r\n"                          // 4 missing number (white space)
        "0912y45678,2021-07-07,scam,a,no\r\n"                   // 5 unparseable: bad character
        "1,2021-07-07,scam,a,no\r\n"                            // 6 unparseable: too short
        "091234567890123456,2021-07-07,scam,a,no\r\n"           // 7 unparseable: too long
        "+999 123456,2021-07-07,scam,a,no\r\n"                  // 8 unparseable: unknown country code
        "0912345678,,scam,a,no\r\n"                             // 9 missing time
        "0912345678,2021-02-30,scam,a,no\r\n"                   // 10 bad time
        "0912345678,07/07/2021,scam,a,no\r\n"                   // 11 bad time
        "0912345678,2021-07-07,scam,a,maybe\r\n"                // 12 bad not_spam
        "0912345678,2021-07-07,scam,a\r\n"                      // 13 wrong field count (fewer)
        "0912345678,2021-07-07,scam,a,no,extra\r\n"             // 14 wrong field count (more)
        "\r\n"                                                  // 15 blank line: not a row
        "0912345678,\"2021-07-07\nT00:00:00Z\",scam,a,no\r\n"   // 16-17 bad time, spans two lines
        "+1 202 055 0123,2021-07-07T00:00:00Z,scam,a,TRUE\r\n"  // 18 good (not valid: no exchange starts with 0)
        "0912345678,2021-07-07,\"unterminated,a,no\r\n"         // 19 unterminated quote, to the end
        "0912345678,2021-07-07,scam,a,no\r\n";
    std::vector<numrep::report> out;
    const auto stats = numrep::ingest_csv(text, out, hand_options());
    using R = numrep::bad_row_reason;
    CHECK(stats.rows == 16);
    CHECK(stats.good == 2);
    CHECK(stats.bad == 14);
    CHECK(stats.blank_lines == 1);
    CHECK(stats.count(R::missing_number) == 2);
    CHECK(stats.count(R::unparseable_number) == 4);
    CHECK(stats.count(numrep::parse_errc::bad_character) == 1);
    CHECK(stats.count(numrep::parse_errc::too_short) == 1);
    CHECK(stats.count(numrep::parse_errc::too_long) == 1);
    CHECK(stats.count(numrep::parse_errc::unknown_country_code) == 1);
    CHECK(stats.count(R::missing_time) == 1);
    CHECK(stats.count(R::bad_time) == 3);
    CHECK(stats.count(R::bad_not_spam) == 1);
    CHECK(stats.count(R::wrong_field_count) == 2);
    CHECK(stats.count(R::unterminated_quote) == 1);
    CHECK(stats.count(R::too_many_names) == 0);
    CHECK(stats.invalid_numbers == 1);
    REQUIRE(out.size() == 2);
    CHECK(out[1].key == 12020550123ULL);
    CHECK(out[1].not_spam);
    CHECK_FALSE(out[1].valid_number);

    REQUIRE(stats.first_bad_rows.size() == 14);
    const std::vector<std::size_t> lines{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 19};
    for (std::size_t i = 0; i < lines.size(); ++i) CHECK(stats.first_bad_rows[i].line == lines[i]);
    CHECK(stats.first_bad_rows[0].reason == R::missing_number);
    CHECK(stats.first_bad_rows[2].parse_error == numrep::parse_errc::bad_character);
    CHECK_THAT(stats.first_bad_rows[2].message, contains("\"0912y45678\""));
    CHECK_THAT(stats.first_bad_rows[2].message, contains("bad character \"y\""));
    CHECK(stats.first_bad_rows[2].text == "0912y45678,2021-07-07,scam,a,no");
    CHECK_THAT(stats.first_bad_rows[7].message, contains("\"2021-02-30\""));
    CHECK_THAT(stats.first_bad_rows[9].message, contains("maybe"));
    CHECK_THAT(stats.first_bad_rows[10].message, contains("expected 5 fields"));
    CHECK_THAT(stats.first_bad_rows[10].message, contains("found 4"));
    CHECK(stats.first_bad_rows[13].reason == R::unterminated_quote);
    CHECK_THAT(stats.first_bad_rows[13].message, contains("line 19"));

    const std::string summary = stats.summary();
    CHECK_THAT(summary, contains("16 rows: 2 good"));
    CHECK_THAT(summary, contains("missing number: 2"));
    CHECK_THAT(summary,
               contains("unparseable number: 4 (bad character 1, too short 1, too long 1, unknown country code 1)"));
}

TEST_CASE("ingest: past 65,535 distinct category names, new ones count under their category's name", "[ingest]") {
    std::string text = "number,time,category\n";
    for (int i = 0; i < 70000; ++i) text += "0912345678,0,c" + std::to_string(i) + "\n";
    text += "0912345678,0,c17\n";                       // a name held early: its own id
    text += "0912345678,0,telemarketing call 99\n";     // new and past the limit: "telemarketing"
    text += "0912345678,0,Lừa đảo giả danh công an\n";  // "scam"
    numrep::report_reader reader;
    std::vector<numrep::report> out;
    const auto stats = reader.read(text, out);
    CHECK(stats.good == 70003);
    CHECK(stats.bad == 0);
    REQUIRE(out.size() == 70003);
    const auto& names = reader.categories();
    CHECK(names.size() <= 65536);
    CHECK(names.name(out[17].category) == "c17");
    CHECK(names.name(out[70000].category) == "c17");
    CHECK(names.name(out[69999].category) == "other");  // "c69999": a category name of no kind
    CHECK(names.name(out[70001].category) == "telemarketing");
    CHECK(names.name(out[70002].category) == "scam");
    // A builder reads every one: none is lost, as none is from a DataFrame.
    numrep::reputation_builder builder;
    builder.add(out, names);
    const auto& counts = builder.records().at(84912345678ULL).counts;
    std::uint64_t total = 0;
    for (const auto c : counts) total += c;
    CHECK(total == 70003);
    CHECK(counts[static_cast<std::size_t>(numrep::report_category::telemarketing)] == 1);
    CHECK(counts[static_cast<std::size_t>(numrep::report_category::scam)] == 1);
}

TEST_CASE("ingest: missing time and the default time", "[ingest]") {
    const std::string text = "number,time\n0912345678,\n0912345678,2021-07-07\n";
    std::vector<numrep::report> out;
    CHECK(numrep::ingest_csv(text, out,
                             [] {
                                 numrep::ingest_options o;
                                 o.columns.category = std::nullopt;
                                 return o;
                             }())
              .count(numrep::bad_row_reason::missing_time) == 1);

    numrep::ingest_options o;
    o.columns.category = std::nullopt;
    o.default_time = 42;
    out.clear();
    const auto stats = numrep::ingest_csv(text, out, o);
    CHECK(stats.good == 2);
    CHECK(stats.defaulted_times == 1);
    REQUIRE(out.size() == 2);
    CHECK(out[0].time == 42);
    CHECK(out[1].time == 1625616000);

    // No time column at all: allowed only with a default.
    o.columns.time = std::nullopt;
    out.clear();
    CHECK(numrep::ingest_csv("number\n0912345678\n", out, o).defaulted_times == 1);
    o.default_time.reset();
    CHECK_THROWS_WITH(numrep::report_reader(o), contains("no time column and no default_time"));

    // A default in the future is refused, as such a time in the column is a bad row.
    o.default_time = numrep::detail::unix_now() + 3 * 86400;
    CHECK_THROWS_WITH(numrep::report_reader(o), contains("is in the future"));
    o.default_time = 1893456000;  // named as a date too
    CHECK_THROWS_WITH(numrep::report_reader(o),
                      contains("default_time 2030-01-01T00:00:00Z (unix seconds 1893456000) is in the future"));
    o.latest_time.reset();  // no guard asked for: taken
    CHECK_NOTHROW(numrep::report_reader(o));
}

TEST_CASE("ingest: one column given for two fields is an error", "[ingest]") {
    std::vector<numrep::report> out;
    numrep::ingest_options o;
    o.columns.time = "number";
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category\n0912345678,2021-07-07,scam\n", out, o),
                      contains("column \"number\" is given for both the number and the time"));
    o.columns.time = "time";
    o.columns.category = "time";
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category\n0912345678,2021-07-07,scam\n", out, o),
                      contains("column \"time\" is given for both the time and the category"));
    CHECK(out.empty());
}

TEST_CASE("ingest: header problems are errors that name the column", "[ingest]") {
    std::vector<numrep::report> out;
    CHECK_THROWS_WITH(numrep::ingest_csv("phone,time,category\n1,2,3\n", out),
                      contains("no column \"number\" (for the number) in the header on line 1; columns: \"phone\", "
                               "\"time\", \"category\""));
    numrep::ingest_options o;
    o.columns.category = "Subjcet";
    CHECK_THROWS_AS(numrep::ingest_csv("number,time,Subject\n", out, o), std::invalid_argument);
    CHECK_THROWS_WITH(numrep::ingest_csv("", out), contains("<memory>: empty input"));
    CHECK_THROWS_WITH(numrep::ingest_csv("\n\n", out), contains("empty input"));
    CHECK_THROWS_WITH(numrep::ingest_csv("\"number,time\n", out),
                      contains("line 1: header: unterminated quoted field"));
    // gzip's magic bytes (a .csv.gz given as it is): said, not "no column" over binary bytes.
    CHECK_THROWS_WITH(numrep::ingest_csv(std::string_view("\x1f\x8b\x08\x00\x12\x34,\n", 8), out),
                      contains("<memory>: gzip-compressed data, not CSV text: decompress it first"));
    // Header names are trimmed; a header with no rows is zero rows.
    const auto stats = numrep::ingest_csv(" number , time ,category\r\n", out);
    CHECK(stats.rows == 0);
    CHECK(out.empty());
}

TEST_CASE("ingest: kept bad rows are cut at a UTF-8 character boundary", "[ingest]") {
    using numrep::detail::utf8_prefix;
    CHECK(utf8_prefix("ab\xC3\xA9", 3) == "ab");  // never half of an e-acute
    CHECK(utf8_prefix("ab\xC3\xA9", 4) == "ab\xC3\xA9");
    CHECK(utf8_prefix("ab\xC3\xA9", 9) == "ab\xC3\xA9");
    CHECK(utf8_prefix("\xE2\x82\xAC", 1).empty());
    CHECK(utf8_prefix("\xE2\x82\xAC", 2).empty());
    CHECK(utf8_prefix("a\xF0\x9F\x93\x9E", 4) == "a");           // a 4-byte character
    CHECK(utf8_prefix("x\xE9yz", 2) == "x\xE9");                 // Latin-1: not UTF-8, cut where it falls
    CHECK(utf8_prefix("x\x80\x80\x80\x80z", 3) == "x\x80\x80");  // stray continuation bytes

    // A bad row whose byte 256 falls inside a two-byte character keeps 255 bytes.
    std::string category(251, 'c');
    category += "\xC3\xA9\xC3\xA9";  // the first e-acute is bytes 256-257 of the row
    const std::string row = "x,0," + category;
    REQUIRE(row.size() > numrep::bad_row::max_kept_text);
    std::vector<numrep::report> out;
    auto stats = numrep::ingest_csv("number,time,category\n" + row + "\n", out);
    CHECK(stats.bad == 1);
    REQUIRE(stats.first_bad_rows.size() == 1);
    CHECK(stats.first_bad_rows[0].text == row.substr(0, 255));
    // Latin-1 bytes are kept as written (the reader of the stats decides how to show them).
    stats = numrep::ingest_csv("number,time,category\n09\xE9,0,caf\xE9\n", out);
    REQUIRE(stats.first_bad_rows.size() == 1);
    CHECK(stats.first_bad_rows[0].text == "09\xE9,0,caf\xE9");
    CHECK_THAT(stats.first_bad_rows[0].message, contains("\"09\\xe9\""));  // quoted, a byte outside UTF-8 escaped
}

TEST_CASE("ingest: a column name twice among the columns read is an error naming it", "[ingest]") {
    std::vector<numrep::report> out;
    CHECK_THROWS_AS(numrep::ingest_csv("number,time,number\n0912345678,0,0987654321\n", out), std::invalid_argument);
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category, time \n0912345678,0,a,1\n", out),
                      contains("<memory>: column \"time\" (for the time) appears more than once in the header on "
                               "line 1 (columns 2 and 4)"));
    numrep::ingest_options o;
    o.columns.source = "reporter";
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,reporter,category,reporter\n", out, o),
                      contains("column \"reporter\" (for the source)"));
    // Columns numrep does not read may repeat.
    out.clear();
    const auto stats = numrep::ingest_csv("number,time,category,note,note\n0912345678,0,a,x,y\n", out);
    CHECK(stats.good == 1);
    CHECK(out.size() == 1);
}

TEST_CASE("ingest: not_spam flags are the yes/no words, and 0 or 1 with a fraction of zeros", "[ingest]") {
    for (const char* yes : {"1", "yes", "Y", "true", "T", " 1.0 ", "1.000"}) CHECK(numrep::parse_flag(yes) == true);
    for (const char* no : {"", "0", "no", "N", "false", "f", "0.0", "0.00"}) CHECK(numrep::parse_flag(no) == false);
    for (const char* bad : {"maybe", "2", "1.5", "2.0", "1.", ".0", "0.01", "-1", "1e0"})
        CHECK_FALSE(numrep::parse_flag(bad).has_value());
}

TEST_CASE("ingest: source and not_spam columns are read by default when the header has them", "[ingest]") {
    const std::string text =
        "number,time,category,source,not_spam\n"
        "0912345678,2021-07-07,scam,alice,\n"
        "0912345678,2021-07-07,scam,bob,yes\n"
        "0912345678,2021-07-07,,carol,yes\n";
    numrep::report_reader reader;  // default options
    std::vector<numrep::report> out;
    const auto stats = reader.read(text, out);
    CHECK(stats.good == 3);
    CHECK(stats.ignored_columns.empty());
    REQUIRE(out.size() == 3);
    CHECK_FALSE(out[0].not_spam);
    CHECK(out[1].not_spam);  // a vote, not a report (was counted as a report)
    CHECK(out[2].not_spam);
    CHECK(out[0].source == numrep::source_id("alice"));
    CHECK(out[2].source == numrep::source_id("carol"));

    // Named like the field but not as written: an error, not left out (its votes would count
    // as reports); read when mapped by that name.
    out.clear();
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category,Not_Spam\n0912345678,0,scam,yes\n", out),
                      contains("column \"Not_Spam\" on line 1 is named like the not_spam field"));
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category, SOURCE \n", out),
                      contains("column \"SOURCE\" on line 1 is named like the source field"));
    numrep::ingest_options calls;  // a column read as another field is that field's
    calls.columns.number = "Source";
    CHECK(numrep::ingest_csv("Source,Destination,time,category\n0912345678,0987654321,0,scam\n", out, calls).good == 1);
    numrep::ingest_options mapped;
    mapped.columns.not_spam = "not-spam";
    CHECK(numrep::ingest_csv("number,time,category,not-spam\n0912345678,0,,yes\n", out, mapped).good == 1);
    CHECK(out.back().not_spam);

    // Absent: not required, nothing said.
    out.clear();
    auto plain = numrep::ingest_csv("number,time,category\n0912345678,0,scam\n", out);
    CHECK(plain.good == 1);
    CHECK(plain.ignored_columns.empty());
    CHECK(out[0].source == 0);
    CHECK_FALSE(out[0].not_spam);

    // Named explicitly (a name of one's own, or the default one made required): required.
    numrep::ingest_options o;
    o.columns.not_spam = "legit";
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category\n", out, o),
                      contains("no column \"legit\" (for the not_spam flag)"));
    o = {};
    o.columns.optional_source = false;
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category\n", out, o),
                      contains("no column \"source\" (for the source)"));

    // Left out on purpose: the stats say that the header's column was not read.
    o = {};
    o.columns.not_spam = std::nullopt;
    out.clear();
    const auto ignored = numrep::ingest_csv(text, out, o);
    CHECK(ignored.good == 3);
    CHECK(ignored.ignored_columns == std::vector<std::string>{"not_spam"});
    CHECK_THAT(ignored.summary(), contains("column \"not_spam\" not read"));
    CHECK_FALSE(out[1].not_spam);
    // Mapped to another column: the one named like the field is not read either.
    o = {};
    o.columns.category = "Subject";
    CHECK(numrep::ingest_csv("number,time,Subject,category\n", out, o).ignored_columns ==
          std::vector<std::string>{"category"});
}

TEST_CASE("ingest: detected and explicit delimiters", "[ingest]") {
    std::vector<numrep::report> out;
    numrep::ingest_options o;
    o.delimiter = numrep::auto_delimiter;
    for (const char* text :
         {"number;time;category\n0912345678;0;\"a;b\"\n", "number\ttime\tcategory\n0912345678\t0\ta;b\n",
          "number|time|category\n0912345678|0|a;b\n", "\xEF\xBB\xBFnumber,time,category\n0912345678,0,a;b\n"}) {
        INFO(text);
        numrep::report_reader reader(o);
        out.clear();
        const auto stats = reader.read(text, out);
        CHECK(stats.good == 1);
        REQUIRE(out.size() == 1);
        CHECK(reader.categories().name(out[0].category) == "a;b");
    }
    o.delimiter = ';';
    out.clear();
    CHECK(numrep::ingest_csv("number;time;category\n0912345678;0;x\n", out, o).delimiter == ';');
}

TEST_CASE("ingest: strict mode stops at the first bad row, naming its line and reason", "[ingest]") {
    numrep::ingest_options o;
    o.strict = true;
    std::vector<numrep::report> out;
    const std::string text = "number,time,category\n0912345678,0,a\n0912345678,2021-99-01,a\n12,x,a\n";
    try {
        numrep::report_reader reader(o);
        reader.read(text, out, "calls.csv");
        FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()) ==
              "numrep: calls.csv: line 3: bad time \"2021-99-01\" (column time): expected ISO 8601 (2021-07-07, "
              "2021-07-07 00:01:15, 2021-07-07T00:01:15Z, 20210707) or unix seconds");
    }
    CHECK(out.size() == 1);
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category\n09x,0,a\n", out, o),
                      contains(
                          "<memory>: line 2: cannot parse \"09x\": bad character \"x\" at offset 2 (column number)"));
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category\n1,2\n", out, o),
                      contains("line 2: expected 3 fields (as in the header), found 2"));
    CHECK_THROWS_WITH(numrep::ingest_csv("number,time,category\n0912345678,0,\"a\n\n", out, o),
                      contains("line 2: unterminated quoted field (the quote opened on line 2 is never closed)"));
}

TEST_CASE("ingest: rejects go to a CSV stream and a callback, every one of them", "[ingest]") {
    std::ostringstream rejects;
    std::vector<numrep::rejected_row> seen;
    std::vector<std::string> seen_text;
    numrep::ingest_options o;
    o.rejects = &rejects;
    o.keep_bad_rows = 1;
    o.on_reject = [&](const numrep::rejected_row& r) {
        seen.push_back(r);
        seen_text.emplace_back(r.text);
    };
    numrep::report_reader reader(o);
    std::vector<numrep::report> out;
    const auto stats = reader.read("number,time,category\n,0,a\n0912345678,0,a\n\"0912\"\"x\",0,\"b\nc\"\n", out,
                                   "in.csv");
    CHECK(stats.bad == 2);
    CHECK(stats.first_bad_rows.size() == 1);  // kept: one; counted and sent on: all
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].line == 2);
    CHECK(seen[0].reason == numrep::bad_row_reason::missing_number);
    CHECK(seen_text[0] == ",0,a");
    CHECK(seen[1].line == 4);
    CHECK(seen[1].parse_error == numrep::parse_errc::bad_character);
    CHECK(seen_text[1] == "\"0912\"\"x\",0,\"b\nc\"");
    CHECK(
        rejects.str() ==
        "input,line,reason,message,row\n"
        "\"in.csv\",2,missing_number,\"missing number (column number is empty)\",\",0,a\"\n"
        "\"in.csv\",4,unparseable_number,\"cannot parse \"\"0912\\\"\"x\"\": bad character \"\"\\\"\"\"\" at offset 4 "
        "(column number)\",\"\"\"0912\"\"\"\"x\"\",0,\"\"b\nc\"\"\"\n");
    // The rejects file is CSV itself: reading it back gives the original rows.
    const auto back = read_all(rejects.str());
    REQUIRE(back.size() == 3);
    CHECK(back[1][4] == ",0,a");
    CHECK(back[2][4] == "\"0912\"\"x\",0,\"b\nc\"");
    // A second input through the same reader does not repeat the header.
    reader.read("number,time,category\n,0,a\n", out, "two.csv");
    CHECK(read_all(rejects.str()).size() == 4);
}

TEST_CASE("ingest: a rejects stream of no bad row holds the header", "[ingest]") {
    // It was empty, a file CSV readers refuse, where one of bad rows began with the header.
    std::ostringstream rejects;
    numrep::ingest_options o;
    o.rejects = &rejects;
    numrep::report_reader reader(o);
    std::vector<numrep::report> out;
    CHECK(reader.read("number,time,category\n0912345678,0,a\n", out, "in.csv").bad == 0);
    CHECK(rejects.str() == "input,line,reason,message,row\n");
}

TEST_CASE("ingest: progress every N rows and at the end", "[ingest]") {
    std::string text = "number,time,category\n";
    for (int i = 0; i < 10; ++i) text += (i % 3 == 0 ? "x" : "0912345678") + std::string(",0,a\n");
    std::vector<numrep::ingest_progress> calls;
    numrep::ingest_options o;
    o.progress_every = 4;
    o.on_progress = [&](const numrep::ingest_progress& p) { calls.push_back(p); };
    std::vector<numrep::report> out;
    const auto stats = numrep::ingest_csv(text, out, o);
    CHECK(stats.bad == 4);
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].rows == 4);
    CHECK(calls[1].rows == 8);
    CHECK(calls[2].rows == 10);
    CHECK(calls[2].bad == 4);
    CHECK(calls[2].bytes_done == text.size());
    CHECK(calls[2].bytes_total == text.size());
    CHECK(calls[0].bytes_done < calls[1].bytes_done);
}

TEST_CASE("ingest: presets by name", "[ingest]") {
    CHECK(numrep::find_preset("ftc") == numrep::preset::ftc);
    CHECK(numrep::find_preset("FTC") == numrep::preset::ftc);
    CHECK(numrep::find_preset("Ftc") == numrep::preset::ftc);  // any case, not two spellings
    CHECK_FALSE(numrep::find_preset("nope").has_value());
    CHECK_FALSE(numrep::find_preset("ftcx").has_value());
    CHECK_FALSE(numrep::find_preset("ft").has_value());
    const auto o = numrep::ingest_options::for_preset(numrep::preset::ftc);
    CHECK(o.columns.number == "Company_Phone_Number");
    CHECK(o.columns.time == std::optional<std::string>("Violation_Date"));
    CHECK(o.default_region.code() == "US");
    CHECK(o.plan == &numrep::plans::world());
}

namespace {

// A deliberately naive reading of the FTC sample, sharing no code with numrep's CSV reader:
// getline per physical line (the file has no line breaks inside fields), split on commas
// outside double quotes (it has no "" escapes).
std::vector<std::vector<std::string>> naive_read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::vector<std::string>> out;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::vector<std::string> fields(1);
        bool quoted = false;
        for (const char c : line) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted)
                fields.emplace_back();
            else
                fields.back() += c;
        }
        out.push_back(fields);
    }
    return out;
}

}  // namespace

TEST_CASE("ingest: the FTC preset on the shipped sample", "[ingest][ftc]") {
    const std::string path = std::string(NUMREP_TEST_DATA_DIR) + "/ftc_sample.csv";
    const auto lines = naive_read(path);
    REQUIRE(lines.size() == 1569);  // header + 1,568 rows, as cut (see tests/data/README.md)
    const auto& header = lines[0];
    REQUIRE(header.size() == 8);
    CHECK(header[0] == "Company_Phone_Number");
    CHECK(header[2] == "Violation_Date");

    // Expected counts, from the naive reading and a regex for the one date form in the file.
    const std::regex date(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})");
    const auto us = *numrep::region::find("US");
    std::uint64_t missing = 0, good = 0, not_valid = 0, bad_time = 0;
    std::map<numrep::parse_errc, std::uint64_t> unparseable;
    std::set<std::string> subjects;
    std::vector<std::uint64_t> keys;
    std::size_t first_good = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto& f = lines[i];
        REQUIRE(f.size() == 8);
        if (f[0].empty()) {
            ++missing;
            continue;
        }
        const auto r = numrep::try_parse(f[0], us);
        if (!r) {
            ++unparseable[r.error()];
            continue;
        }
        if (!std::regex_match(f[2], date)) {
            ++bad_time;
            continue;
        }
        ++good;
        if (first_good == 0) first_good = i;
        keys.push_back(r->key());
        not_valid += numrep::plans::world().lookup(*r).valid ? 0U : 1U;
        subjects.insert(f[6]);
    }
    CHECK(missing == 73);  // from Python's csv module when the sample was cut

    numrep::report_reader reader(numrep::ingest_options::for_preset(numrep::preset::ftc));
    std::vector<numrep::report> out;
    const auto stats = reader.read_file(path, out);
    CHECK(stats.rows == lines.size() - 1);
    CHECK(stats.good == good);
    CHECK(stats.bad == stats.rows - good);
    CHECK(stats.count(numrep::bad_row_reason::missing_number) == missing);
    CHECK(stats.count(numrep::bad_row_reason::bad_time) == bad_time);
    CHECK(stats.count(numrep::bad_row_reason::wrong_field_count) == 0);
    std::uint64_t unparseable_total = 0;
    for (const auto& [errc, n] : unparseable) {
        INFO(numrep::describe(errc));
        CHECK(stats.count(errc) == n);
        unparseable_total += n;
    }
    CHECK(unparseable_total > 0);  // the sample keeps the messy numbers
    CHECK(stats.count(numrep::bad_row_reason::unparseable_number) == unparseable_total);
    CHECK(stats.invalid_numbers == not_valid);  // the FTC's mistyped numbers (checked against phonenumbers in Python)
    CHECK(not_valid > 0);
    CHECK(stats.first_bad_rows.size() == 20);
    CHECK(stats.bytes == 156128);

    REQUIRE(out.size() == keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(out[i].key == keys[i]);
    CHECK(reader.categories().size() == subjects.size() + 1);  // + id 0, the empty name
    for (const auto& s : subjects) CHECK(reader.categories().find(s).has_value());

    // The first good rows, by hand: 70611454600144 (14 digits: a number, as libphonenumber reads
    // it, but not a valid one), then 4708091299,2021-07-07 00:05:28,2021-06-02 15:11:00,,California,510,...
    REQUIRE(first_good == 1);
    CHECK(out[0].key == 170611454600144ULL);
    CHECK_FALSE(out[0].valid_number);
    const auto& second = lines[2];
    CHECK(out[1].key == 14708091299ULL);
    CHECK(out[1].time == utc(2021, 6, 2, 15, 11));
    CHECK(reader.categories().name(out[1].category) == second[6]);
    CHECK(out[1].source == numrep::source_id(second[5]));
    CHECK_FALSE(out[1].not_spam);
    CHECK(out[1].valid_number);
}

TEST_CASE("ingest: a file that cannot be opened is a system_error naming it", "[ingest]") {
    std::vector<numrep::report> out;
    const std::string path = std::string(NUMREP_TEST_DATA_DIR) + "/no_such_file.csv";
    CHECK_THROWS_AS(numrep::ingest_csv_file(path, out), std::system_error);
    CHECK_THROWS_WITH(numrep::ingest_csv_file(path, out), contains("no_such_file.csv"));
    CHECK_THROWS_WITH(numrep::ingest_csv_file(NUMREP_TEST_DATA_DIR, out), contains("cannot open"));
    // A std::filesystem::path converts to the std::string the function takes.
    CHECK_THROWS_WITH(numrep::ingest_csv_file(std::filesystem::path(path), out), contains("no_such_file.csv"));
}

TEST_CASE("report times before 1970 or past 2106 are bad rows, not 1970-01-01 or 2106", "[ingest]") {
    const std::string csv =
        "number,time,category\n"
        "0912345678,-86400,scam\n"                     // 2 before 1970
        "0912345678,0000-01-01,scam\n"                 // 3 before 1970
        "0912345678,1969-12-31,scam\n"                 // 4 before 1970
        "0912345678,1969-12-31T23:59:59Z,scam\n"       // 5 before 1970
        "0912345678,1970-01-01T07:00:00+07:00,scam\n"  // 6 good: 0, the earliest time
        "0912345678,20210707,scam\n"                   // 7 good: 2021-07-07
        "0912345678,20210707000115,scam\n"             // 8 good: 2021-07-07 00:01:15
        "0912345678,2999-01-01,scam\n"                 // 9 in the future
        "0912345678,20211399,scam\n";                  // 10 not a date
    std::vector<numrep::report> reports;
    numrep::ingest_options options;
    auto stats = numrep::ingest_csv(csv, reports, options);
    CHECK(stats.good == 3);
    CHECK(stats.bad == 6);
    CHECK(stats.count(numrep::bad_row_reason::bad_time) == 6);
    REQUIRE(reports.size() == 3);
    CHECK(reports[0].time == 0);
    CHECK(reports[1].time == utc(2021, 7, 7));
    CHECK(reports[2].time == 1625616075);
    REQUIRE(stats.first_bad_rows.size() == 6);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(stats.first_bad_rows[i].line == i + 2);
        CHECK_THAT(stats.first_bad_rows[i].message, contains("before 1970-01-01"));
    }
    CHECK_THAT(stats.first_bad_rows[0].message, contains("bad time \"-86400\" (column time): before 1970-01-01"));
    CHECK_THAT(stats.first_bad_rows[4].message, contains("in the future"));
    CHECK_THAT(stats.first_bad_rows[5].message, contains("\"20211399\""));
    CHECK_THAT(stats.first_bad_rows[5].message, contains("expected ISO 8601"));

    // Without a latest time, what a record cannot store (past 2106-02-07 06:28:15) is still bad.
    options.latest_time = std::nullopt;
    reports.clear();
    stats = numrep::ingest_csv(
        "number,time\n0912345678,2106-02-07 06:28:15\n0912345678,2106-02-07 06:28:16\n"
        "0912345678,2999-01-01\n",
        reports, [&] {
            auto o = options;
            o.columns.category = std::nullopt;
            return o;
        }());
    CHECK(stats.good == 1);
    CHECK(stats.count(numrep::bad_row_reason::bad_time) == 2);
    REQUIRE(stats.first_bad_rows.size() == 2);
    CHECK_THAT(stats.first_bad_rows[0].message, contains("after 2106-02-07 06:28:15 UTC"));
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].time == 4294967295LL);

    // A default time must be one a report can carry.
    numrep::ingest_options o;
    o.default_time = -1;
    CHECK_THROWS_WITH(numrep::report_reader(o), contains("default_time -1 is outside 1970-01-01"));
    o.default_time = 0;
    CHECK_NOTHROW(numrep::report_reader(o));

    // The builder refuses such times too, rather than clamp them.
    numrep::reputation_builder builder;
    CHECK_THROWS_WITH(builder.add(84912345678ULL, numrep::report_category::scam, -1, 0, false),
                      contains("time -1 is outside 1970-01-01"));
    CHECK_THROWS_AS(builder.add(84912345678ULL, numrep::report_category::scam, 4294967296LL, 0, false),
                    std::invalid_argument);
    CHECK(builder.size() == 0);
    builder.add(84912345678ULL, numrep::report_category::scam, 0, 0, false);
    CHECK(builder.size() == 1);
}

TEST_CASE("reports dated in the future are bad rows, unless allowed", "[ingest]") {
    const std::string csv = "number,time,category\n0912345678,2021-07-07,scam\n0912345678,2100-01-01,scam\n";
    std::vector<numrep::report> reports;
    numrep::ingest_options options;
    const auto stats = numrep::ingest_csv(csv, reports, options);
    CHECK(stats.good == 1);
    CHECK(stats.count(numrep::bad_row_reason::bad_time) == 1);
    REQUIRE(stats.first_bad_rows.size() == 1);
    CHECK(stats.first_bad_rows[0].line == 3);
    CHECK_THAT(stats.first_bad_rows[0].message, numrep_test::contains("in the future"));
    options.latest_time = std::nullopt;
    reports.clear();
    CHECK(numrep::ingest_csv(csv, reports, options).good == 2);
}

TEST_CASE("the default latest report time is one day after the options were made, in Unix seconds", "[ingest]") {
    // Read from std::time (no <chrono> in the header): compared here with the system clock.
    const auto unix_now = [] {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    const std::int64_t before = unix_now();
    const numrep::ingest_options options;
    const std::int64_t after = unix_now();
    REQUIRE(options.latest_time.has_value());
    // std::time reads Linux's coarse clock, which lags the system clock by up to one tick: just
    // after a second turns, it can still say the previous second (a CI run saw 1 s less).
    CHECK(*options.latest_time >= before - 1 + 86400);
    CHECK(*options.latest_time <= after + 86400);
}

TEST_CASE("source_id: a hash of the trimmed name, 0 only for none", "[ingest][source]") {
    CHECK(numrep::source_id("") == 0);
    CHECK(numrep::source_id(" \t ") == 0);
    CHECK(numrep::source_id("alice") != 0);
    CHECK(numrep::source_id(" alice\t") == numrep::source_id("alice"));
    CHECK(numrep::source_id("alice") != numrep::source_id("bob"));
    CHECK(numrep::source_id("Alice") != numrep::source_id("alice"));  // names are compared as written
    // Pinned: ids feed the source sketch of every saved record, and Python computes the same
    // (tests/python/test_ingest_scale.py pins these values too).
    CHECK(numrep::source_id("alice") == 1470110566U);
    CHECK(numrep::source_id("Nguyễn Văn A") == 3902057374U);
    std::set<std::uint32_t> ids;
    for (int i = 0; i < 10000; ++i) ids.insert(numrep::source_id("reporter " + std::to_string(i)));
    CHECK(ids.size() >= 9990);  // a 32-bit hash: collisions among 10,000 names are rare
    CHECK_FALSE(ids.contains(0));
}

namespace {

// The records of reports read from `files`, each by its own reader and builder (as separate
// workers would), merged record by record into the first builder.
std::map<std::uint64_t, numrep::number_record> records_of(const std::vector<std::string>& files) {
    std::vector<numrep::reputation_builder> builders;
    for (const auto& text : files) {
        numrep::report_reader reader;
        std::vector<numrep::report> out;
        const auto stats = reader.read(text, out);
        REQUIRE(stats.bad == 0);
        builders.emplace_back().add(out, reader.categories());
    }
    std::map<std::uint64_t, numrep::number_record> merged;
    for (const auto& b : builders)
        for (const auto& [key, record] : b.records())
            numrep::merge_records(merged[key], record, b.config().half_life_seconds());
    return merged;
}

}  // namespace

TEST_CASE("ingest: reports split over files in any order give the records of one file", "[ingest][source]") {
    const std::string header = "number,time,category,source,not_spam\n";
    // Each file meets its sources in another order: interned ids (the old way) would give "carol"
    // in the second file the id "alice" has in the first, and the merged sketch would differ.
    const std::string first =
        "0912345678,2025-01-10,scam,alice,\n"
        "0912345678,2025-01-11,spam,bob,\n"
        "0861234567,2025-01-11,scam,alice,\n"
        "0861234567,2025-01-12,scam, dave ,yes\n";
    const std::string second =
        "0912345678,2025-01-12,scam,carol,\n"
        "0861234567,2025-01-09,robocall,erin,\n"
        "0912345678,2025-01-13,scam,frank,\n"
        "0987654321,2025-01-13,silent,,\n";
    const auto whole = records_of({header + first + second});
    REQUIRE(whole.size() == 3);
    for (const auto& files : {std::vector<std::string>{header + first, header + second},
                              std::vector<std::string>{header + second, header + first}}) {
        const auto split = records_of(files);
        REQUIRE(split.size() == whole.size());
        for (const auto& [key, all] : whole) {
            INFO(key);
            const auto& part = split.at(key);
            CHECK(part.counts == all.counts);
            CHECK(part.not_spam == all.not_spam);
            CHECK(part.first_seen == all.first_seen);
            CHECK(part.last_seen == all.last_seen);
            CHECK(part.source_bits == all.source_bits);
            CHECK(part.decayed() == Approx(all.decayed()).epsilon(1e-6));
        }
    }
    // The sketch holds exactly the bits of the sources named.
    const auto bits = [](std::initializer_list<const char*> names) {
        std::uint32_t b = 0;
        for (const char* n : names) b |= numrep::detail::source_bit(numrep::source_id(n));
        return b;
    };
    CHECK(whole.at(84912345678ULL).source_bits == bits({"alice", "bob", "carol", "frank"}));
    CHECK(whole.at(84861234567ULL).source_bits == bits({"alice", "erin"}));  // dave's row is a vote
    CHECK(whole.at(84987654321ULL).source_bits == 0);
}

TEST_CASE("ingest: one builder fed by several readers files each report under its own category", "[ingest]") {
    // Each reader numbers its category names from 0: id 0 is "scam" in the first file and
    // "telemarketing" in the second. The builder must read each id in the interner it came with.
    numrep::reputation_builder builder;
    const auto read_into = [&](std::string_view text) {
        numrep::report_reader reader;  // a fresh reader per file, as a service reading files one by one
        std::vector<numrep::report> reports;
        REQUIRE(reader.read(text, reports).good == 1);
        builder.add(reports, reader.categories());
    };
    read_into("number,time,category\n0912345678,2021-07-07,scam\n");
    read_into("number,time,category\n0861234567,2021-07-07,telemarketing\n");
    read_into("number,time,category\n0912345678,2021-07-07,Lừa đảo (giả danh công an)\n");
    const auto& records = builder.records();
    const auto counts = [&](std::uint64_t key) { return records.at(key).counts; };
    CHECK(counts(84861234567ULL)[static_cast<std::size_t>(numrep::report_category::telemarketing)] == 1);
    CHECK(counts(84861234567ULL)[static_cast<std::size_t>(numrep::report_category::scam)] == 0);
    CHECK(counts(84912345678ULL)[static_cast<std::size_t>(numrep::report_category::scam)] == 2);
}
