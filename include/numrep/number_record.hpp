// numrep::number_record: what is known about one number's reports, in 52 bytes (thirteen
// uint32 fields): counts per category, not-spam votes, first and last report, a sketch of the
// distinct sources and the decayed count. Records of one number merge (merge_records): exactly
// but for the float32 decayed count, whose rounding follows the order of the merges.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>

#include "category.hpp"
#include "trie_value_traits.hpp"

namespace numrep {

struct number_record {
    static constexpr std::size_t category_count = report_category_count;
    // Fields as integers, in the order of pack(): the counts, not_spam, first_seen, last_seen,
    // source_bits, decayed_bits.
    static constexpr std::size_t field_count = category_count + 5;
    static constexpr std::size_t packed_size = 4 * field_count;

    std::array<std::uint32_t, category_count> counts{};  // reports per report_category
    std::uint32_t not_spam = 0;                          // votes that the number is legitimate
    std::uint32_t first_seen = 0;                        // Unix time (seconds, UTC) of the first report
    std::uint32_t last_seen = 0;                         // Unix time of the latest report
    std::uint32_t source_bits = 0;                       // one bit per distinct source (hashed): a mergeable sketch
    std::uint32_t decayed_bits = 0;  // float32 bits: sum of 2^(-(last_seen - t) / half-life) over reports

    // The decayed report count as a float (referred to last_seen).
    float decayed() const noexcept { return std::bit_cast<float>(decayed_bits); }
    void set_decayed(double v) noexcept { decayed_bits = std::bit_cast<std::uint32_t>(static_cast<float>(v)); }

    std::uint32_t& count(report_category c) noexcept { return counts[static_cast<std::size_t>(c)]; }
    std::uint32_t count(report_category c) const noexcept { return counts[static_cast<std::size_t>(c)]; }

    // Reports of every category (not_spam votes excluded), summed in 64 bits so it cannot wrap.
    std::uint64_t total() const noexcept {
        std::uint64_t t = 0;
        for (const auto c : counts) t += c;
        return t;
    }

    // A record of one report at `time`.
    static number_record single(report_category c, std::uint32_t time) noexcept {
        number_record r;
        r.count(c) = 1;
        r.first_seen = time;
        r.last_seen = time;
        return r;
    }

    // Combining records of the same number: counts add (saturating at 2^32 - 1, so merging
    // never wraps a heavy reporter's count to a small one), the span widens.
    number_record& operator+=(const number_record& o) noexcept {
        for (std::size_t i = 0; i < category_count; ++i) counts[i] = saturating_add(counts[i], o.counts[i]);
        not_spam = saturating_add(not_spam, o.not_spam);
        first_seen = std::min(first_seen, o.first_seen);
        last_seen = std::max(last_seen, o.last_seen);
        source_bits |= o.source_bits;
        // The decayed counts add as if both referred to the same time: exact when they do, an
        // upper bound otherwise. numrep::merge_records (below) merges with the decay.
        decayed_bits = std::bit_cast<std::uint32_t>(std::bit_cast<float>(decayed_bits) +
                                                    std::bit_cast<float>(o.decayed_bits));
        return *this;
    }
    friend number_record operator+(number_record a, const number_record& b) noexcept { return a += b; }

    // Field-wise maximum of the counts and votes, with the span widened as in +=.
    static number_record max(const number_record& a, const number_record& b) noexcept {
        number_record r;
        for (std::size_t i = 0; i < category_count; ++i) r.counts[i] = std::max(a.counts[i], b.counts[i]);
        r.not_spam = std::max(a.not_spam, b.not_spam);
        r.first_seen = std::min(a.first_seen, b.first_seen);
        r.last_seen = std::max(a.last_seen, b.last_seen);
        r.source_bits = a.source_bits | b.source_bits;
        r.decayed_bits = std::bit_cast<std::uint32_t>(
            std::max(std::bit_cast<float>(a.decayed_bits), std::bit_cast<float>(b.decayed_bits)));
        return r;
    }

    friend bool operator==(const number_record&, const number_record&) = default;

    // Field i of field_count, as an integer (the trie encodes records field by field).
    std::uint32_t field(std::size_t i) const noexcept {
        if (i < category_count) return counts[i];
        switch (i - category_count) {
            case 0: return not_spam;
            case 1: return first_seen;
            case 2: return last_seen;
            case 3: return source_bits;
            default: return decayed_bits;
        }
    }
    void set_field(std::size_t i, std::uint32_t v) noexcept {
        if (i < category_count) {
            counts[i] = v;
            return;
        }
        switch (i - category_count) {
            case 0: not_spam = v; break;
            case 1: first_seen = v; break;
            case 2: last_seen = v; break;
            case 3: source_bits = v; break;
            default: decayed_bits = v; break;
        }
    }

    // The fixed little-endian encoding (packed_size bytes: 4 per field), whatever the host.
    std::array<std::byte, packed_size> pack() const noexcept {
        std::array<std::byte, packed_size> out{};
        for (std::size_t i = 0; i < field_count; ++i) {
            const std::uint32_t v = field(i);
            for (std::size_t b = 0; b < 4; ++b) out[4 * i + b] = static_cast<std::byte>((v >> (8 * b)) & 0xFF);
        }
        return out;
    }
    static number_record unpack(const std::array<std::byte, packed_size>& in) noexcept {
        number_record r;
        for (std::size_t i = 0; i < field_count; ++i) {
            std::uint32_t v = 0;
            for (std::size_t b = 0; b < 4; ++b) v |= static_cast<std::uint32_t>(in[4 * i + b]) << (8 * b);
            r.set_field(i, v);
        }
        return r;
    }

private:
    static std::uint32_t saturating_add(std::uint32_t a, std::uint32_t b) noexcept {
        const std::uint32_t s = a + b;
        return s < a ? std::numeric_limits<std::uint32_t>::max() : s;
    }
};

static_assert(std::is_trivially_copyable_v<number_record> && std::is_standard_layout_v<number_record> &&
                  sizeof(number_record) == number_record::packed_size,
              "number_record must stay thirteen packed uint32 fields (its NumPy dtype and pack() rely on it)");

// A trie_store<number_record> keeps each of the thirteen fields bit-packed.
template <>
struct trie_value_traits<number_record> {
    static constexpr std::uint64_t kind = 2;
    static constexpr std::size_t field_count = number_record::field_count;
    static constexpr const char* name = "number_record values";
    static constexpr std::uint64_t field_max = std::numeric_limits<std::uint32_t>::max();
    static std::uint64_t field(const number_record& v, std::size_t i) noexcept { return v.field(i); }
    static void set_field(number_record& v, std::size_t i, std::uint64_t f) noexcept {
        v.set_field(i, static_cast<std::uint32_t>(f));
    }
    static number_record sum(const number_record& a, const number_record& b) noexcept { return a + b; }
    static number_record max(const number_record& a, const number_record& b) noexcept {
        return number_record::max(a, b);
    }
};

namespace detail {
inline std::uint32_t source_bit(std::uint32_t source) noexcept {
    // A fixed mix of the source id picks one of 32 bits: distinct sources merge by OR, exactly.
    std::uint64_t x = source * 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    return std::uint32_t{1} << (x >> 59);
}
}  // namespace detail

// Merges record `b` into `a` (same number): counts add, spans widen, sources OR, and the
// decayed sums are brought to the later last_seen before adding.
inline void merge_records(number_record& a, const number_record& b, double half_life_seconds) {
    const bool a_empty = a.total() == 0;
    const bool b_empty = b.total() == 0;
    const double da = a_empty ? 0.0 : a.decayed();
    const double db = b_empty ? 0.0 : b.decayed();
    const std::uint32_t la = a.last_seen, lb = b.last_seen;
    const std::uint32_t fa = a.first_seen, fb = b.first_seen;
    a += b;
    if (a_empty) a.first_seen = fb, a.last_seen = lb;
    else if (b_empty)
        a.first_seen = fa, a.last_seen = la;
    const double reference = a.last_seen;
    const double sum = (a_empty ? 0.0 : da * std::exp2(-(reference - la) / half_life_seconds)) +
                       (b_empty ? 0.0 : db * std::exp2(-(reference - lb) / half_life_seconds));
    a.set_decayed(sum);
}

// Adds one report (or one not-spam vote) to a record. `time` is unix seconds; `source` an
// interned source id (0: unknown source, which counts as no source).
inline void add_report(number_record& r, report_category category, std::uint32_t time, std::uint32_t source,
                       bool not_spam, double half_life_seconds) {
    detail::check_category(category, "add_report");
    if (not_spam) {
        r.not_spam = r.not_spam == 0xFFFFFFFFu ? r.not_spam : r.not_spam + 1;
        return;
    }
    number_record one = number_record::single(category, time);
    if (source != 0) one.source_bits = detail::source_bit(source);
    one.set_decayed(1.0);
    merge_records(r, one, half_life_seconds);
}

}  // namespace numrep
