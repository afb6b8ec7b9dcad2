// The manifest of a database directory (format 2): the one file that says what the database
// is. It names every store file with its size and checksum, holds the settings and the default
// region, lists the shards by key range, and ends with a checksum of itself. Text, so that
// `cat MANIFEST` explains a database; canonical, so that any byte that differs from what
// format_manifest writes for the same contents is refused. Pure text in and out (no files):
// db_directory.hpp reads and publishes it.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../region.hpp"
#include "../score.hpp"
#include "hash.hpp"
#include "number_text.hpp"
#include "throw.hpp"

namespace numrep::detail::db_manifest {

inline constexpr std::string_view header = "numrep-database 2";
// A manifest is small (about 300 bytes and 250 per shard); anything larger is not ours and is
// refused before it is read into memory.
inline constexpr std::size_t max_bytes = std::size_t{4} << 20;
inline constexpr std::size_t max_shards = 16384;
inline constexpr std::uint64_t max_generation = 99999999;  // names keep a fixed width of 8

// The Bloom filters' false-positive rate, kept within what the filter can honour.
inline constexpr double min_bloom_fpr = 1e-9;
inline constexpr double max_bloom_fpr = 0.5;

// One store file: its name in the directory, its size and the checksum in its header (which
// covers the header, which holds the XXH3 of the rest), so that the manifest pins every byte
// of the store while opening reads 16 of them (verify::full then checks the rest).
struct file_entry {
    std::string name;
    std::uint64_t size = 0;
    std::uint64_t checksum = 0;
    friend bool operator==(const file_entry&, const file_entry&) = default;
};

// The reported numbers whose keys lie in [first_key, last_key]: a trie of records and a Bloom
// filter of the same keys. Shards cover all keys, in order, without gaps or overlaps.
struct shard_entry {
    std::uint64_t first_key = 0;
    std::uint64_t last_key = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t numbers = 0;  // keys in the trie
    file_entry records;
    file_entry bloom;
    friend bool operator==(const shard_entry&, const shard_entry&) = default;
};

struct manifest {
    std::string database_id;       // 32 hex digits, chosen when the directory is first written
    std::uint64_t generation = 1;  // one more at every publication
    region default_region = numrep::default_region;
    reputation_config config;
    double bloom_fpr = 0.001;
    std::vector<shard_entry> shards;
};

// The names a publication gives its store files: the generation keeps a new publication from
// ever writing over a file the published manifest names.
inline std::string store_file_name(std::string_view stem, std::uint64_t generation, std::size_t shard,
                                   std::string_view extension) {
    const auto fixed = [&](std::uint64_t v, int width) {
        std::string s = std::to_string(v);
        return std::string(static_cast<std::size_t>(std::max<int>(0, width - static_cast<int>(s.size()))), '0') + s;
    };
    return std::string(stem) + "-" + fixed(generation, 8) + "-" + fixed(shard, 5) + "." + std::string(extension);
}
inline std::string records_name(std::uint64_t generation, std::size_t shard) {
    return store_file_name("records", generation, shard, "trie");
}
inline std::string bloom_name(std::uint64_t generation, std::size_t shard) {
    return store_file_name("numbers", generation, shard, "bloom");
}

// The generation in `name` if it is the records (or Bloom) store name of `shard`, else 0.
inline std::uint64_t generation_of_store(std::string_view name, bool records, std::size_t shard) {
    const std::string_view stem = records ? "records-" : "numbers-";
    if (name.size() < stem.size() + 8 || name.substr(0, stem.size()) != stem) return 0;
    const std::string_view digits = name.substr(stem.size(), 8);
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) return 0;
    std::uint64_t g = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), g);
    if (g == 0 || name != (records ? records_name(g, shard) : bloom_name(g, shard))) return 0;
    return g;
}

inline std::string hex16(std::uint64_t v) {
    constexpr char digits[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 15];
    return s;
}

// The ranges settings must lie in, so that no parseable but absurd value (a half-life of
// 1e-300 days, a weight of 1e308) can make every number clean or every report 100: documented
// in docs/file-format.md. reputation_config::problem() holds the scoring ranges; these are the
// database's own.
inline std::string settings_problem(const manifest& m) {
    if (std::string why = m.config.problem(); !why.empty()) return why;
    if (!(m.bloom_fpr >= min_bloom_fpr && m.bloom_fpr <= max_bloom_fpr))
        return "bloom_fpr must be from " + shortest_text(min_bloom_fpr) + " to " + shortest_text(max_bloom_fpr) +
               ", got " + shortest_text(m.bloom_fpr);
    return {};
}

// The manifest's text, its checksum line last.
inline std::string format_manifest(const manifest& m) {
    std::string out;
    out.reserve(400 + 260 * m.shards.size());
    const auto line = [&](std::string_view name, const std::string& value) {
        out.append(name).append("=").append(value).append("\n");
    };
    out.append(header).append("\n");
    line("database", m.database_id);
    line("generation", std::to_string(m.generation));
    line("region", m.default_region.is_none() ? std::string("none") : std::string(m.default_region.code()));
    line("half_life_days", shortest_text(m.config.half_life_days));
    line("quiet_days", shortest_text(m.config.quiet_days));
    line("delist_min_votes", std::to_string(m.config.delist_min_votes));
    line("suspicious_score", shortest_text(m.config.suspicious_score));
    line("likely_scam_score", shortest_text(m.config.likely_scam_score));
    std::string weights;
    for (std::size_t i = 0; i < m.config.category_weights.size(); ++i) {
        // Appended in two steps: GCC 12 at -O3 warned of an overlapping memcpy (-Wrestrict, a
        // false positive) in `"," + std::string&&`, which broke users' -Werror builds.
        if (i != 0) weights += ',';
        weights += shortest_text(m.config.category_weights[i]);
    }
    line("category_weights", weights);
    line("bloom_fpr", shortest_text(m.bloom_fpr));
    line("shards", std::to_string(m.shards.size()));
    for (std::size_t i = 0; i < m.shards.size(); ++i) {
        const shard_entry& s = m.shards[i];
        const std::string prefix = "shard." + std::to_string(i) + ".";
        const auto file = [](const file_entry& f) {
            return f.name + " " + std::to_string(f.size) + " " + hex16(f.checksum);
        };
        line(prefix + "keys", std::to_string(s.first_key) + "-" + std::to_string(s.last_key));
        line(prefix + "numbers", std::to_string(s.numbers));
        line(prefix + "records", file(s.records));
        line(prefix + "bloom", file(s.bloom));
    }
    line("checksum", hex16(xxh3_bytes(std::as_bytes(std::span(out.data(), out.size())))));
    return out;
}

// Reads a manifest, refusing anything numrep would not have written: format_error naming
// `source`, the line and the problem. Safe on any bytes (fuzzed in fuzz/).
inline manifest parse_manifest(std::string_view text, const std::string& source) {
    const auto bad = [&](const std::string& why) -> void { throw_format_error(source + ": " + why); };
    if (text.size() > max_bytes) bad("larger than any manifest (" + std::to_string(text.size()) + " bytes)");

    // The checksum first: a flipped byte anywhere is reported as damage, not as whatever the
    // flipped text happens to say.
    constexpr std::string_view checksum_key = "checksum=";
    const std::size_t last_start = text.size() < 2 ? std::string_view::npos : text.rfind('\n', text.size() - 2);
    if (text.empty() || text.back() != '\n' || last_start == std::string_view::npos ||
        text.substr(last_start + 1, checksum_key.size()) != checksum_key)
        bad("incomplete (no checksum line at the end): the database was not published whole");
    const std::string_view body = text.substr(0, last_start + 1);
    const std::string_view stated = text.substr(last_start + 1 + checksum_key.size(),
                                                text.size() - last_start - 2 - checksum_key.size());
    if (stated != hex16(xxh3_bytes(std::as_bytes(std::span(body.data(), body.size())))))
        bad("checksum mismatch (damaged manifest)");

    // Line by line, in the one order format_manifest writes.
    std::size_t at = 0;
    std::size_t line_number = 0;
    const auto next_line = [&]() -> std::string_view {
        const std::size_t end = body.find('\n', at);
        if (end == std::string_view::npos) return {};
        const std::string_view l = body.substr(at, end - at);
        at = end + 1;
        ++line_number;
        return l;
    };
    const auto where = [&] { return "line " + std::to_string(line_number) + ": "; };
    const auto value_of = [&](std::string_view key) -> std::string_view {
        const std::string_view l = next_line();
        if (l.size() <= key.size() || l.substr(0, key.size()) != key || l[key.size()] != '=')
            bad(where() + "expected " + std::string(key) + "=..., got " + quote(l));
        return l.substr(key.size() + 1);
    };
    const auto unsigned_of = [&](std::string_view key, std::string_view text_value, std::uint64_t max) {
        std::uint64_t v = 0;
        const auto [end, error] = std::from_chars(text_value.data(), text_value.data() + text_value.size(), v);
        if (error != std::errc{} || end != text_value.data() + text_value.size() || v > max ||
            (text_value.size() > 1 && text_value[0] == '0'))
            bad(where() + std::string(key) + ": " + quote(text_value) + " is not a whole number from 0 to " +
                std::to_string(max));
        return v;
    };
    const auto double_of = [&](std::string_view key, std::string_view text_value) {
        double v = 0;
        const auto [end, error] = std::from_chars(text_value.data(), text_value.data() + text_value.size(), v,
                                                  std::chars_format::general);
        if (error != std::errc{} || end != text_value.data() + text_value.size() || !std::isfinite(v))
            bad(where() + std::string(key) + ": " + quote(text_value) + " is not a finite decimal number");
        return v;
    };

    if (const std::string_view first = next_line(); first != header) {
        if (first.starts_with("numrep-database "))  // a later format: say so, not "not a manifest"
            bad("a database format this numrep does not know (it begins " + quote(first) + "; this numrep reads \"" +
                std::string(header) + "\"): written by a newer numrep?");
        bad("not a numrep database manifest (expected \"" + std::string(header) + "\" first)");
    }
    manifest m;
    m.database_id = std::string(value_of("database"));
    if (m.database_id.size() != 32 || m.database_id.find_first_not_of("0123456789abcdef") != std::string::npos)
        bad(where() + "database id " + quote(m.database_id) + " is not 32 hex digits");
    m.generation = unsigned_of("generation", value_of("generation"), max_generation);
    if (m.generation == 0) bad(where() + "generation 0 (generations start at 1)");
    const std::string_view region_code = value_of("region");
    if (region_code == "none") {
        m.default_region = region::none();
    } else {
        const auto r = region::find(region_code);
        if (!r || r->code() != region_code) bad(where() + "unknown region " + quote(region_code));
        m.default_region = *r;
    }
    m.config.half_life_days = double_of("half_life_days", value_of("half_life_days"));
    m.config.quiet_days = double_of("quiet_days", value_of("quiet_days"));
    m.config.delist_min_votes = static_cast<std::uint32_t>(
        unsigned_of("delist_min_votes", value_of("delist_min_votes"), 4294967295U));
    m.config.suspicious_score = double_of("suspicious_score", value_of("suspicious_score"));
    m.config.likely_scam_score = double_of("likely_scam_score", value_of("likely_scam_score"));
    {
        const std::string_view weights = value_of("category_weights");
        std::size_t i = 0, start = 0;
        while (start <= weights.size()) {
            const std::size_t comma = std::min(weights.find(',', start), weights.size());
            if (i >= m.config.category_weights.size())
                bad(where() + "more than " + std::to_string(m.config.category_weights.size()) + " category weights");
            m.config.category_weights[i++] = double_of("category weight", weights.substr(start, comma - start));
            start = comma + 1;
        }
        if (i != m.config.category_weights.size())
            bad(where() + "expected " + std::to_string(m.config.category_weights.size()) + " category weights");
    }
    m.bloom_fpr = double_of("bloom_fpr", value_of("bloom_fpr"));
    if (const std::string why = settings_problem(m); !why.empty()) bad("settings out of range: " + why);

    const std::uint64_t shard_count = unsigned_of("shards", value_of("shards"), max_shards);
    if (shard_count == 0) bad(where() + "no shards");
    // A store's name follows from its shard and the generation that wrote it: this one, or an
    // earlier one for a shard a partial compaction kept (records and filter written together).
    const auto file_of = [&](std::string_view key, bool records, std::size_t shard, std::uint64_t generation) {
        const std::string_view v = value_of(key);
        const std::size_t space1 = v.find(' ');
        const std::size_t space2 = space1 == std::string_view::npos ? space1 : v.find(' ', space1 + 1);
        if (space2 == std::string_view::npos) bad(where() + std::string(key) + ": expected \"name size checksum\"");
        file_entry f;
        f.name = std::string(v.substr(0, space1));
        const std::uint64_t g = generation != 0 ? generation : generation_of_store(f.name, records, shard);
        const std::string expected_name = records ? records_name(g, shard) : bloom_name(g, shard);
        if (g == 0 || g > m.generation || f.name != expected_name)
            bad(where() + std::string(key) + ": file " + quote(f.name) + " is not " +
                (g == 0 || g > m.generation ? "a store name of shard " + std::to_string(shard) +
                                                  " and generation 1 to " + std::to_string(m.generation)
                                            : "the expected " + quote(expected_name)));
        f.size = unsigned_of(key, v.substr(space1 + 1, space2 - space1 - 1), std::numeric_limits<std::int64_t>::max());
        const std::string_view sum = v.substr(space2 + 1);
        if (sum.size() != 16 || sum.find_first_not_of("0123456789abcdef") != std::string_view::npos)
            bad(where() + std::string(key) + ": checksum " + quote(sum) + " is not 16 hex digits");
        std::from_chars(sum.data(), sum.data() + sum.size(), f.checksum, 16);
        return f;
    };
    for (std::size_t i = 0; i < shard_count; ++i) {
        const std::string prefix = "shard." + std::to_string(i) + ".";
        shard_entry s;
        const std::string_view keys = value_of(prefix + "keys");
        const std::size_t dash = keys.find('-');
        if (dash == std::string_view::npos) bad(where() + "expected a key range first-last");
        s.first_key = unsigned_of("first key", keys.substr(0, dash), std::numeric_limits<std::uint64_t>::max());
        s.last_key = unsigned_of("last key", keys.substr(dash + 1), std::numeric_limits<std::uint64_t>::max());
        const std::uint64_t expected_first = i == 0 ? 0 : m.shards.back().last_key + 1;
        if (s.first_key != expected_first || s.last_key < s.first_key ||
            (i > 0 && m.shards.back().last_key == std::numeric_limits<std::uint64_t>::max()))
            bad(where() + "shard key ranges must cover every key in order, without gaps or overlaps");
        s.numbers = unsigned_of("numbers", value_of(prefix + "numbers"), std::numeric_limits<std::int64_t>::max());
        s.records = file_of(prefix + "records", true, i, 0);
        s.bloom = file_of(prefix + "bloom", false, i, generation_of_store(s.records.name, true, i));
        m.shards.push_back(std::move(s));
    }
    if (m.shards.back().last_key != std::numeric_limits<std::uint64_t>::max())
        bad("shard key ranges stop at " + std::to_string(m.shards.back().last_key) + " (they must cover every key)");
    if (at != body.size()) bad("line " + std::to_string(line_number + 1) + ": unexpected text after the last shard");
    // Canonical: the same bytes format_manifest writes (no "+1", "1.50" or "0x" spellings).
    if (format_manifest(m) != text) bad("not in the form numrep writes (a value is spelt differently)");
    return m;
}

}  // namespace numrep::detail::db_manifest
