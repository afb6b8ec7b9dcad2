// Reading the generated world data (world_data.hpp): country rows, each country code's digit
// automaton, possible-length tests and the ordered prefix paths that stand in for libphonenumber's
// prefix regular expressions. constexpr, noexcept, allocation-free (docs/world-plan.md).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "world_data.hpp"

namespace numrep::detail::world {

// Little-endian reads out of the string-literal tables (compilers fuse these into one load).
constexpr std::uint16_t u16_at(std::string_view table, std::size_t index) noexcept {
    if (!std::is_constant_evaluated()) {
        std::uint16_t v;
        std::memcpy(&v, table.data() + 2 * index, sizeof v);
        if constexpr (std::endian::native == std::endian::big) v = static_cast<std::uint16_t>((v >> 8) | (v << 8));
        return v;
    }
    const auto lo = static_cast<unsigned char>(table[2 * index]);
    const auto hi = static_cast<unsigned char>(table[2 * index + 1]);
    return static_cast<std::uint16_t>(lo | (hi << 8));
}

constexpr std::uint64_t u64_at(std::string_view table, std::size_t index) noexcept {
    if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
        std::uint64_t v;
        std::memcpy(&v, table.data() + 8 * index, sizeof v);
        return v;
    }
    std::uint64_t v = 0;
    for (int b = 7; b >= 0; --b)
        v = (v << 8) | static_cast<unsigned char>(table[8 * index + static_cast<std::size_t>(b)]);
    return v;
}

// countries[] index of each calling code, -1 where the code is unassigned.
inline constexpr std::array<std::int16_t, 1000> country_index_by_code = [] {
    std::array<std::int16_t, 1000> index{};
    index.fill(-1);
    for (std::size_t i = 0; i < countries.size(); ++i) index[countries[i].code] = static_cast<std::int16_t>(i);
    return index;
}();

// The first metadata row of each calling code (its main region, whose rules libphonenumber
// reads international numbers by), 0xFF where the code is unassigned. One byte a code: the
// parser goes from a code to its rules in one load from a table that stays in cache.
inline constexpr std::array<std::uint8_t, 1000> main_row_by_code = [] {
    static_assert(metadata.size() < 0xFF, "metadata rows no longer fit in a byte");
    std::array<std::uint8_t, 1000> rows{};
    rows.fill(0xFF);
    for (const auto& country : countries) rows[country.code] = static_cast<std::uint8_t>(country.first_row);
    return rows;
}();

// Metadata row of each two-letter region code ("AA" = 0 ... "ZZ" = 675), -1 where none.
inline constexpr std::array<std::int16_t, 26 * 26> region_row_by_letters = [] {
    std::array<std::int16_t, 26 * 26> rows{};
    rows.fill(-1);
    for (const auto& entry : regions)
        rows[static_cast<std::size_t>((entry.code[0] - 'A') * 26 + (entry.code[1] - 'A'))] = static_cast<std::int16_t>(
            entry.row);
    return rows;
}();

// Vietnam's metadata row: the default region everywhere, found once at compile time.
inline constexpr int vietnam_row = [] {
    for (std::size_t i = 0; i < metadata.size(); ++i)
        if (metadata[i].region == "VN") return static_cast<int>(i);
    return -1;
}();

// Whether `code` is an assigned calling code. Code that runs in constant expressions tests this
// rather than comparing find_country's pointer with nullptr: GCC's UBSan instrumentation makes
// pointer comparisons non-constant (-fsanitize=undefined, as ./dev test builds).
constexpr bool is_country(unsigned code) noexcept { return code < 1000 && main_row_by_code[code] != 0xFF; }

constexpr const country_row& country(unsigned code) noexcept {  // code must be assigned
    return countries[static_cast<std::size_t>(country_index_by_code[code])];
}

constexpr const country_row* find_country(unsigned code) noexcept {
    if (code >= 1000 || country_index_by_code[code] < 0) return nullptr;
    return &countries[static_cast<std::size_t>(country_index_by_code[code])];
}

// The state (local to the country; 0 is dead) after reading `digits` (count of them) from the
// country's start state. Runs of "any digit" steps are jumped over in one read when enough
// digits are left.
constexpr std::uint32_t walk_state(const country_row& country, const char* digits, int count) noexcept {
    std::uint32_t state = 1;
    for (int i = 0; i < count && state != 0;) {
        const std::uint32_t row = (country.first_state + state) * row_width;
        const std::uint16_t chain = u16_at(transitions, row + 10);
        if (chain == absorbing) break;  // every further digit leaves it here
        if (chain != 0 && chain <= count - i) {
            state = u16_at(transitions, row + 11);
            i += chain;
            continue;
        }
        state = u16_at(transitions, row + static_cast<unsigned>(digits[i] - '0'));
        ++i;
    }
    return state;
}

// Bit d: a walk of the code's automaton outlives a first digit d (every bit where its start
// state jumps over a run of digits unread, or takes every digit to itself); 0 for an unassigned
// code. In most countries a number written with its trunk prefix ("0912...") starts with a
// digit no national number starts with: general_match answers it from here, without the walk.
inline constexpr std::array<std::uint16_t, 1000> first_digits_by_code = [] {
    std::array<std::uint16_t, 1000> bits{};
    for (const auto& country : countries) {
        const std::uint32_t row = (country.first_state + 1) * row_width;
        if (u16_at(transitions, row + 10) != 0) {  // a chain, or absorbing
            bits[country.code] = 0x3FF;
            continue;
        }
        for (unsigned d = 0; d < 10; ++d)
            if (u16_at(transitions, row + d) != 0) bits[country.code] |= static_cast<std::uint16_t>(1U << d);
    }
    return bits;
}();

// The end state's tag set after reading `digits` from the country's start state.
constexpr std::uint16_t walk(const country_row& country, const char* digits, int count) noexcept {
    return u16_at(state_tagsets, country.first_state + walk_state(country, digits, count));
}

// Bit k: the national number fully matches region k's general pattern (libphonenumber's
// "matchNationalNumber" against the general description, no length test).
constexpr std::uint32_t general_mask(std::uint16_t tagset) noexcept {
    return u16_at(tagsets, 3U * tagset) | (std::uint32_t{u16_at(tagsets, 3U * tagset + 1)} << 16);
}

// Whether `digits` fully match the general pattern of the country's region at index_in_country.
// A dead walk matches none (a test in test_world.cpp holds the data to that), so the loads of
// its tag set, two more links in the chain of dependent loads, are skipped: most numbers
// written with a trunk prefix ("0912...") die on their first digit.
constexpr bool matches_general(const country_row& country, unsigned index_in_country, const char* digits,
                               int count) noexcept {
    const std::uint32_t state = walk_state(country, digits, count);
    if (state == 0) return false;
    return ((general_mask(u16_at(state_tagsets, country.first_state + state)) >> index_in_country) & 1U) != 0;
}

// (region index within the country << 8) | number_type for a national number of `length`
// digits that ended in `tagset`; region index 0xFF when no region of the code claims it.
constexpr std::uint16_t answer(std::uint16_t tagset, int length) noexcept {
    if (length < 0 || length >= static_cast<int>(answer_stride)) return 0xFF00;
    return u16_at(answers, u16_at(tagsets, 3U * tagset + 2) * answer_stride + static_cast<unsigned>(length));
}

// The id of the prefix range that holds `key` (ranges as world_names.hpp stores them: sorted
// starts of 15-digit-scaled keys, each with the id in force from there on); 0 for none.
// Only [begin, end) is searched: keys of one country code lie in its own slice (an id in force
// from before the slice would belong to another code's prefix, so the answer there is 0).
constexpr std::uint16_t range_id(std::string_view starts, std::string_view ids, std::uint32_t begin, std::uint32_t end,
                                 std::uint64_t scaled_key) noexcept {
    if (begin >= end) return 0;
    // The last start <= scaled_key, by a binary search whose steps choose without branching
    // (a branch per step would be mispredicted half the time): it stays in [base, base + n).
    std::uint32_t base = begin;
    for (std::uint32_t n = end - begin; n > 1;) {
        const std::uint32_t half = n / 2;
        base += u64_at(starts, base + half) <= scaled_key ? half : 0;
        n -= half;
    }
    return u64_at(starts, base) <= scaled_key ? u16_at(ids, base) : 0;
}

// libphonenumber's testNumberLength against a region's general description.
enum class length_check : std::uint8_t { possible, possible_local_only, too_short, invalid_length, too_long };

constexpr length_check test_length(const metadata_row& row, int length) noexcept {
    if (row.possible_lengths == 0) return length_check::invalid_length;
    if (length < 32 && ((row.local_only_lengths >> length) & 1U) != 0) return length_check::possible_local_only;
    const int shortest = __builtin_ctz(row.possible_lengths);
    const int longest = 31 - __builtin_clz(row.possible_lengths);
    if (length == shortest) return length_check::possible;
    if (length < shortest) return length_check::too_short;
    if (length > longest) return length_check::too_long;
    return ((row.possible_lengths >> length) & 1U) != 0 ? length_check::possible : length_check::invalid_length;
}

inline constexpr int max_groups = 3;

// Where the first path (in a backtracking engine's order) that matches a prefix of `digits`
// ends, and where its groups are; end < 0 when none matches.
struct path_match {
    int end = -1;
    std::array<int, max_groups + 1> group_begin{};
    std::array<int, max_groups + 1> group_end{};  // -1: the group took no part
};

// Bit d: the path starting at index p can start with digit d (every bit when it can match
// before reading a digit). Kept for the first path of every set, as the union over the set.
inline constexpr std::array<std::uint16_t, prefix_paths.size()> first_digits_of_set = [] {
    const auto first_digits = [](const path_entry& path) -> std::uint16_t {
        for (std::uint16_t s = path.first_step; s < path.first_step + path.step_count; ++s) {
            const std::uint16_t step = path_steps[s];
            if ((step & 0xC000) == 0) return step & 0x3FFU;
            if ((step & 0xC000) == step_end) break;  // matches nothing but an empty number
        }
        return 0x3FF;
    };
    std::array<std::uint16_t, prefix_paths.size()> sets{};
    for (const auto& row : metadata) {
        for (std::uint16_t p = row.idd_first; p < row.idd_first + row.idd_count; ++p)
            sets[row.idd_first] |= first_digits(prefix_paths[p]);
        for (std::uint16_t p = row.npp_first; p < row.npp_first + row.npp_count; ++p)
            sets[row.npp_first] |= first_digits(prefix_paths[p]);
    }
    return sets;
}();

// Whether a path of the set starting at `first` may match digits starting with `digit`: most
// numbers start with a digit no path of the set starts with, one test instead of every path.
constexpr bool may_start(std::uint16_t first, char digit) noexcept {
    return ((unsigned{first_digits_of_set[first]} >> static_cast<unsigned>(digit - '0')) & 1U) != 0;
}

// match_prefix's walk over paths [first, first + count), without its first-digit test.
[[gnu::noinline]] constexpr path_match match_paths(std::uint16_t first, std::uint16_t count, const char* digits,
                                                   int n) noexcept {
    path_match m;
    for (std::uint16_t p = first; p < first + count; ++p) {
        const path_entry& path = prefix_paths[p];
        int pos = 0;
        bool ok = true;
        m.group_end.fill(-1);
        for (std::uint16_t s = path.first_step; ok && s < path.first_step + path.step_count; ++s) {
            const std::uint16_t step = path_steps[s];
            switch (step & 0xC000) {
                case 0:
                    ok = pos < n && ((step >> (digits[pos] - '0')) & 1U) != 0;
                    ++pos;
                    break;
                case step_open: m.group_begin[step & 0xFF & max_groups] = pos; break;
                case step_close: m.group_end[step & 0xFF & max_groups] = pos; break;
                default: ok = pos == n; break;
            }
        }
        if (ok) {
            m.end = pos;
            return m;
        }
    }
    m.end = -1;
    return m;
}

constexpr path_match match_prefix(std::uint16_t first, std::uint16_t count, const char* digits, int n) noexcept {
    if (n > 0 && !may_start(first, digits[0])) return {};
    return match_paths(first, count, digits, n);
}

// Where the first matching path of the set ends, as match_prefix's `end`, for callers that do
// not need the groups (every international prefix, and trunk prefixes without a transform).
// Paths of digit steps alone, as nearly every such prefix is ("00", "011", "0"), are tested
// here, inline, without the groups' bookkeeping; at a path's first group or end anchor the rest
// of the set goes to match_paths, kept out of line so that this stays small. (A table of which
// paths are digits alone, computed at compile time, cost every translation unit a tenth of a
// second.) A number written in national form passes through two such sets: the Vietnamese
// benchmark corpus parsed 4-5% faster so.
[[gnu::always_inline]] constexpr int match_prefix_end(std::uint16_t first, std::uint16_t count, const char* digits,
                                                      int n) noexcept {
    if (n > 0 && !may_start(first, digits[0])) return -1;
    for (std::uint16_t p = first; p < first + count; ++p) {
        const path_entry& path = prefix_paths[p];
        int i = 0;
        for (; i < path.step_count; ++i) {
            const std::uint16_t step = path_steps[path.first_step + static_cast<std::size_t>(i)];
            // A group or an end anchor: match_paths, from this path on. Had a digit step before it
            // failed, match_paths would have failed there as well (it reads the steps in order).
            if ((step & 0xC000) != 0)
                return match_paths(p, static_cast<std::uint16_t>(first + count - p), digits, n).end;
            if (i >= n || ((step >> (digits[i] - '0')) & 1U) == 0) break;
        }
        if (i == path.step_count) return i;
    }
    return -1;
}

// match_prefix_end out of line: for the rows whose prefix is not one string of digits.
[[gnu::noinline]] constexpr int match_prefix_end_out_of_line(std::uint16_t first, std::uint16_t count,
                                                             const char* digits, int n) noexcept {
    return match_prefix_end(first, count, digits, n);
}

// Where a set of prefix paths ends in `digits`, as match_prefix_end, for a set whose row also
// gives it as one string of digits (`literal`: "00", "011", "0"; "" when it is not one): those
// digits compared directly. The walk over a path's steps was a fifth of the instructions of
// parsing a Vietnamese number written nationally, which passes two such prefixes. Inline, with
// the walk out of line: left to the compiler, the whole was a call in the Python module, whose
// parsers have many callers, and parse_many of an Arrow column took 6% longer (23.8 against
// 22.4 ns a number, benchmarks/compare_parse.py's corpus).
[[gnu::always_inline]] constexpr int prefix_end(std::string_view literal, std::uint16_t first, std::uint16_t count,
                                                const char* digits, int n) noexcept {
    if (literal.empty()) return match_prefix_end_out_of_line(first, count, digits, n);
    const auto length = static_cast<int>(literal.size());
    // A number that does not start with the prefix's first digit ("849..." against "00") is told
    // without the loop.
    if (length > n || digits[0] != literal[0]) return -1;
    for (int i = 1; i < length; ++i)
        if (digits[i] != literal[static_cast<std::size_t>(i)]) return -1;
    return length;
}

}  // namespace numrep::detail::world
