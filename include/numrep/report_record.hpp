// numrep::report_record: what is known about one number's reports, in 52 bytes: a count per
// category, "not spam" votes, when it was first and last reported, a 32-bit sketch of the
// distinct sources that reported it, and the time-decayed report count (see reputation.hpp,
// which keeps it). Records of one number combine (+=) by adding counts, widening the time
// span and OR-ing the source sketches, so records built from separate batches of reports
// merge into the record of all of them.
//
// Encodings. In memory and in pack() it is thirteen little-endian uint32 fields in declaration
// order (the NumPy dtype of `fields` below, so a column of records is one memcpy). In a
// trie_store each field is stored as an offset from the store's smallest value of that field,
// in just the bits the largest offset needs: a store of mostly one-category records with
// small counts costs a few bits per field.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>

namespace numrep {

// Why a number was reported. Fixed order: it is the order of the counts in records and files.
enum class report_category : std::uint8_t {
    scam = 0,           // fraud attempts: fake bank, police, prize, parcel
    spam = 1,           // unsolicited advertising
    telemarketing = 2,  // sales calls from a real business
    robocall = 3,       // recorded or automated calls
    harassment = 4,
    debt_collection = 5,
    silent = 6,         // silent or one-ring ("wangiri") calls
    other = 7,
};

inline constexpr std::size_t report_category_count = 8;

constexpr std::string_view to_string(report_category c) noexcept {
    switch (c) {
        case report_category::scam: return "scam";
        case report_category::spam: return "spam";
        case report_category::telemarketing: return "telemarketing";
        case report_category::robocall: return "robocall";
        case report_category::harassment: return "harassment";
        case report_category::debt_collection: return "debt_collection";
        case report_category::silent: return "silent";
        case report_category::other: return "other";
    }
    return "unknown";
}

struct report_record {
    static constexpr std::size_t category_count = report_category_count;
    // Fields as integers, in the order of pack(): the counts, not_spam, first_seen, last_seen,
    // source_bits, decayed_bits.
    static constexpr std::size_t field_count = category_count + 5;
    static constexpr std::size_t packed_size = 4 * field_count;

    std::array<std::uint32_t, category_count> counts{};  // reports per report_category
    std::uint32_t not_spam = 0;                          // votes that the number is legitimate
    std::uint32_t first_seen = 0;                        // Unix time (seconds, UTC) of the first report
    std::uint32_t last_seen = 0;                         // Unix time of the latest report
    std::uint32_t source_bits = 0;   // one bit per distinct source (hashed): a mergeable sketch
    std::uint32_t decayed_bits = 0;  // float32 bits: sum of 2^(-(last_seen - t) / half-life) over reports

    std::uint32_t& count(report_category c) noexcept { return counts[static_cast<std::size_t>(c)]; }
    std::uint32_t count(report_category c) const noexcept { return counts[static_cast<std::size_t>(c)]; }

    // Reports of every category (not_spam votes excluded), summed in 64 bits so it cannot wrap.
    std::uint64_t total() const noexcept {
        std::uint64_t t = 0;
        for (const auto c : counts) t += c;
        return t;
    }

    // A record of one report at `time`.
    static report_record single(report_category c, std::uint32_t time) noexcept {
        report_record r;
        r.count(c) = 1;
        r.first_seen = time;
        r.last_seen = time;
        return r;
    }

    // Combining records of the same number: counts add (saturating at 2^32 - 1, so merging
    // never wraps a heavy reporter's count to a small one), the span widens.
    report_record& operator+=(const report_record& o) noexcept {
        for (std::size_t i = 0; i < category_count; ++i) counts[i] = saturating_add(counts[i], o.counts[i]);
        not_spam = saturating_add(not_spam, o.not_spam);
        first_seen = std::min(first_seen, o.first_seen);
        last_seen = std::max(last_seen, o.last_seen);
        source_bits |= o.source_bits;
        // The decayed counts add as if both referred to the same time: exact when they do, an
        // upper bound otherwise. numrep::merge_records (reputation.hpp) merges with the decay.
        decayed_bits = std::bit_cast<std::uint32_t>(std::bit_cast<float>(decayed_bits) + std::bit_cast<float>(o.decayed_bits));
        return *this;
    }
    friend report_record operator+(report_record a, const report_record& b) noexcept { return a += b; }

    // Field-wise maximum of the counts and votes, with the span widened as in +=.
    static report_record max(const report_record& a, const report_record& b) noexcept {
        report_record r;
        for (std::size_t i = 0; i < category_count; ++i) r.counts[i] = std::max(a.counts[i], b.counts[i]);
        r.not_spam = std::max(a.not_spam, b.not_spam);
        r.first_seen = std::min(a.first_seen, b.first_seen);
        r.last_seen = std::max(a.last_seen, b.last_seen);
        r.source_bits = a.source_bits | b.source_bits;
        r.decayed_bits = std::bit_cast<std::uint32_t>(std::max(std::bit_cast<float>(a.decayed_bits), std::bit_cast<float>(b.decayed_bits)));
        return r;
    }

    friend bool operator==(const report_record&, const report_record&) = default;

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

    // The fixed 44-byte little-endian encoding, whatever the host.
    std::array<std::byte, packed_size> pack() const noexcept {
        std::array<std::byte, packed_size> out{};
        for (std::size_t i = 0; i < field_count; ++i) {
            const std::uint32_t v = field(i);
            for (std::size_t b = 0; b < 4; ++b) out[4 * i + b] = static_cast<std::byte>((v >> (8 * b)) & 0xFF);
        }
        return out;
    }
    static report_record unpack(const std::array<std::byte, packed_size>& in) noexcept {
        report_record r;
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

static_assert(std::is_trivially_copyable_v<report_record> && std::is_standard_layout_v<report_record> &&
                  sizeof(report_record) == report_record::packed_size,
              "report_record must stay thirteen packed uint32 fields (its NumPy dtype and pack() rely on it)");

}  // namespace numrep
