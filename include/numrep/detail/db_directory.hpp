// The directory a reputation_db is saved as (format 1): records.trie (trie_store<number_record>),
// numbers.bloom (bloom_filter) and meta.txt (the scoring settings). Written to a temporary
// sibling and renamed into place; read back with every file validated.
#pragma once

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "../bloom_filter.hpp"
#include "../number_record.hpp"
#include "../score.hpp"
#include "../trie_store.hpp"
#include "file_error.hpp"
#include "throw.hpp"

namespace numrep::detail::db_directory {

inline constexpr std::string_view meta_header = "numrep-reputation 1";

// The path without a trailing separator ("db/" names the directory db).
inline std::filesystem::path normal_path(const std::filesystem::path& p) {
    std::filesystem::path normal = p.lexically_normal();
    if (!normal.has_filename() && normal.has_parent_path() && normal != normal.root_path())
        normal = normal.parent_path();
    return normal;
}

inline std::filesystem::path sibling(const std::filesystem::path& dir, const char* suffix) {
    return dir.parent_path() / (dir.filename().string() + suffix);
}

inline bool is_empty_dir(const std::filesystem::path& dir) {
    std::error_code error;
    return std::filesystem::is_directory(dir, error) && std::filesystem::is_empty(dir, error) && !error;
}

inline bool is_database_dir(const std::filesystem::path& dir) {
    std::ifstream in(dir / "meta.txt", std::ios::binary);
    std::string first;
    return in && std::getline(in, first) && first == meta_header;
}

// Saving may replace an empty directory or a database, nothing else.
inline void check_replaceable(const std::filesystem::path& dir) {
    if (std::filesystem::exists(dir) && !(is_database_dir(dir) || is_empty_dir(dir)))
        throw_invalid_argument("will not replace " + dir.string() +
                               ": it exists and is neither empty nor a numrep database (no meta.txt of ours)");
}

inline void write_meta(const std::filesystem::path& path, const reputation_config& c) {
    errno = 0;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.precision(17);
    out << meta_header << "\n"
        << "half_life_days=" << c.half_life_days << "\n"
        << "quiet_days=" << c.quiet_days << "\n"
        << "delist_min_votes=" << c.delist_min_votes << "\n"
        << "suspicious_score=" << c.suspicious_score << "\n"
        << "likely_scam_score=" << c.likely_scam_score << "\n"
        << "category_weights=";
    for (std::size_t i = 0; i < c.category_weights.size(); ++i) out << (i ? "," : "") << c.category_weights[i];
    out << "\n";
    out.flush();
    if (!out) throw_file_error(errno != 0 ? errno : EIO, path, "cannot write");
}

inline reputation_config read_meta(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw_format_error(path.string() + ": missing (not a numrep database?)");
    std::string line;
    const auto bad = [&](const std::string& why) { throw_format_error(path.string() + ": " + why); };
    if (!std::getline(in, line) || line != meta_header)
        bad("not a numrep database header (expected \"numrep-reputation 1\")");
    // A decimal number, nothing before or after it (no spaces, no hex, no "nan").
    const auto number = [&](const std::string& name, std::string_view text) {
        double v = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v,
                                                  std::chars_format::general);
        if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(v))
            bad(name + ": " + quote(text) + " is not a finite decimal number");
        return v;
    };
    reputation_config c;
    const std::array<std::string_view, 6> names{"half_life_days",   "quiet_days",        "delist_min_votes",
                                                "suspicious_score", "likely_scam_score", "category_weights"};
    std::array<bool, 6> seen{};
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) bad("malformed line " + quote(line));
        const std::string name = line.substr(0, eq);
        const std::string_view value = std::string_view(line).substr(eq + 1);
        const auto which = std::find(names.begin(), names.end(), name);
        if (which == names.end()) bad("unknown setting " + quote(name));
        const auto index = static_cast<std::size_t>(which - names.begin());
        if (seen[index]) bad("setting " + quote(name) + " given twice");
        seen[index] = true;
        if (name == "half_life_days") c.half_life_days = number(name, value);
        else if (name == "quiet_days")
            c.quiet_days = number(name, value);
        else if (name == "delist_min_votes") {
            const double v = number(name, value);
            if (v < 0 || v > 1e9 || v != std::floor(v)) bad("delist_min_votes must be a whole number from 0 to 10^9");
            c.delist_min_votes = static_cast<std::uint32_t>(v);
        } else if (name == "suspicious_score")
            c.suspicious_score = number(name, value);
        else if (name == "likely_scam_score")
            c.likely_scam_score = number(name, value);
        else {
            std::size_t i = 0, start = 0;
            while (start <= value.size()) {
                const std::size_t comma = std::min(value.find(',', start), value.size());
                if (i >= c.category_weights.size()) bad("too many category weights");
                c.category_weights[i++] = number("category weight", value.substr(start, comma - start));
                start = comma + 1;
            }
            if (i != c.category_weights.size())
                bad("expected " + std::to_string(c.category_weights.size()) + " category weights");
        }
    }
    for (std::size_t i = 0; i < names.size(); ++i)
        if (!seen[i]) bad("setting \"" + std::string(names[i]) + "\" missing");
    if (const std::string why = c.problem(); !why.empty()) bad(why);
    return c;
}

// Writes the stores and settings to a temporary sibling, then renames it into place; the
// previous database (if any) is left whole on failure and no temporary directory stays.
inline void write(const std::filesystem::path& dir, const trie_store<number_record>& records,
                  const bloom_filter<>& bloom, const reputation_config& config) {
    const std::filesystem::path tmp = sibling(dir, ".tmp-save");
    const std::filesystem::path old = sibling(dir, ".tmp-old");
    struct remove_on_exit {
        std::filesystem::path path;
        ~remove_on_exit() {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
    } cleanup_tmp{tmp}, cleanup_old{old};
    std::filesystem::remove_all(tmp);
    std::filesystem::remove_all(old);
    std::filesystem::create_directories(tmp);
    records.save(tmp / "records.trie");
    bloom.save(tmp / "numbers.bloom");
    write_meta(tmp / "meta.txt", config);
    const bool existed = std::filesystem::exists(dir);
    if (existed) std::filesystem::rename(dir, old);
    try {
        std::filesystem::rename(tmp, dir);
    } catch (...) {
        if (existed) std::filesystem::rename(old, dir);  // put the previous database back
        throw;
    }
}

struct contents {
    reputation_config config;
    trie_store<number_record> records;
    bloom_filter<> bloom{1, 0.5};
};

// Opens a saved database (stores memory-mapped); format_error naming the file and the problem.
inline contents read(const std::filesystem::path& dir) {
    if (!std::filesystem::is_directory(dir))
        throw_format_error(dir.string() +
                           ": not a numrep database (expected a directory with meta.txt, "
                           "records.trie and numbers.bloom)");
    for (const char* name : {"meta.txt", "records.trie", "numbers.bloom"})
        if (!std::filesystem::is_regular_file(dir / name))
            throw_format_error((dir / name).string() + ": missing (not a complete numrep database)");
    contents c;
    c.config = read_meta(dir / "meta.txt");
    c.records = trie_store<number_record>::open(dir / "records.trie");
    c.bloom = bloom_filter<>::open(dir / "numbers.bloom");
    if (c.records.size() > 0 && !c.bloom.contains(c.records.select(0).value_or(0)))
        throw_format_error((dir / "numbers.bloom").string() + ": does not belong to records.trie");
    return c;
}

}  // namespace numrep::detail::db_directory
