// How report ingestion reads its input: which header names are which report field, presets
// for public complaint data, the default region, time limits, strictness and callbacks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "csv.hpp"
#include "ingest_stats.hpp"
#include "numbering_plan.hpp"
#include "region.hpp"
#include "time.hpp"
#include "world_plan.hpp"

namespace numrep {

// Header names of the report fields. A column set to std::nullopt is not read; a named column
// missing from the header is an error (std::invalid_argument), so a typo never silently
// turns into "no categories". One exception keeps a default reader from miscounting: source
// and not_spam are read by default when the header has them (a not-spam vote must never count
// as a report) and not required when it has not, as long as they keep their default names and
// optional_source / optional_not_spam are true; a header column named like one of those but
// not as written ("Not_Spam", "not-spam") is then an error, not left out. Any other name is
// required. A header column named like a field that is not read from it (e.g. "not_spam" with
// not_spam = nullopt) is listed in ingest_stats::ignored_columns.
struct column_names {
    std::string number = "number";
    std::optional<std::string> time = "time";
    std::optional<std::string> category = "category";
    std::optional<std::string> source = "source";
    std::optional<std::string> not_spam = "not_spam";
    bool optional_source = true;
    bool optional_not_spam = true;

    // The default names, which is what ignored_columns looks for.
    static constexpr std::string_view default_number = "number";
    static constexpr std::string_view default_time = "time";
    static constexpr std::string_view default_category = "category";
    static constexpr std::string_view default_source = "source";
    static constexpr std::string_view default_not_spam = "not_spam";
};

namespace detail {
// A header name as a field's name is compared loosely, to tell a column that was meant as a field
// ("Not_Spam", "not-spam", "NOT SPAM" for not_spam): ASCII lower case, without ' ', '-' and '_'.
inline std::string loose_column_name(std::string_view name) {
    std::string out;
    for (const char c : name) {
        if (c == ' ' || c == '-' || c == '_') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
    }
    return out;
}
}  // namespace detail

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

// A preset by its name in any ASCII case ("ftc", "FTC", "Ftc": only two of those were known).
constexpr std::optional<preset> find_preset(std::string_view name) noexcept {
    constexpr std::string_view ftc = "ftc";
    if (name.size() != ftc.size()) return std::nullopt;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] + ('a' - 'A')) : name[i];
        if (c != ftc[i]) return std::nullopt;
    }
    return preset::ftc;
}

struct ingest_options {
    column_names columns{};
    // Field delimiter, or auto_delimiter to detect one of , ; TAB | from the header line.
    char delimiter = ',';
    // Supplies the country code for national forms ("0912 345 678", "(202) 555-0123").
    region default_region = numrep::default_region;
    // Judges report::valid_number: the world plan (every region, Vietnam's rules on top) by
    // default. nullptr: valid when the national part has a length the number's region allows.
    // The plan must outlive the reader.
    const numbering_plan* plan = &plans::world();
    // Time given to reports whose time field is empty or not mapped; nullopt: they are bad rows.
    std::optional<std::int64_t> default_time;
    // Reports dated after this (unix seconds) are bad rows ("time in the future"): one report
    // dated decades ahead would otherwise outweigh every real one in the decayed score.
    // Default: one day after the reader was made; std::nullopt accepts any time.
    std::optional<std::int64_t> latest_time = detail::unix_now() + 86400;
    // Throw std::invalid_argument at the first bad row, naming its line and what was wrong.
    bool strict = false;
    // How many bad rows ingest_stats::first_bad_rows keeps.
    std::size_t keep_bad_rows = 20;
    // Called for every bad row (after it is counted).
    std::function<void(const rejected_row&)> on_reject;
    // Receives every bad row as CSV: a header "input,line,reason,message,row" (once per
    // reader, when it is made), then one record per bad row, the original row quoted in the
    // last field.
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

// Yes/no values of a not_spam column, any case; nullopt for anything else. 0 and 1 may carry
// a fraction of zeros ("1.0", as pandas writes a float column of votes, which from_frame reads
// as 1): the same file through from_csv had each such vote a bad row.
constexpr std::optional<bool> parse_flag(std::string_view s) noexcept {
    s = detail::trim(s);
    if (s.empty()) return false;
    if (s.size() >= 3 && (s[0] == '0' || s[0] == '1') && s[1] == '.' &&
        s.find_first_not_of('0', 2) == std::string_view::npos)
        return s[0] == '1';
    if (s.size() > 5) return std::nullopt;
    char lower[5] = {};
    for (std::size_t i = 0; i < s.size(); ++i)
        lower[i] = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] + 32) : s[i];
    const std::string_view l(lower, s.size());
    if (l == "1" || l == "true" || l == "yes" || l == "y" || l == "t") return true;
    if (l == "0" || l == "false" || l == "no" || l == "n" || l == "f") return false;
    return std::nullopt;
}

}  // namespace numrep
