// The in-memory views of a trie_store: one group of keys per decimal length (a chunk bitmap
// over the top digits, below it Elias-Fano codes, a bitmap for dense groups or Rice codes
// where both would stray from the information bound) and the bit-packed value records. The layout and its cost model are described in
// docs/architecture.md ("trie_store").
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bit_vector.hpp"
#include "bitmap_set.hpp"
#include "elias_fano.hpp"
#include "key.hpp"
#include "packed_array.hpp"
#include "prefetch.hpp"
#include "rice_set.hpp"

namespace numrep::detail {

inline constexpr std::uint64_t trie_not_found = ~std::uint64_t{0};
inline constexpr std::size_t trie_max_groups = 15;  // key lengths 1..15

// How a group stores its mapped values (the builder picks the smaller for the actual keys).
enum class trie_encoding : std::uint8_t {
    elias_fano = 0,
    bitmap = 1,  // a bit per mapped value: smaller once a quarter or so of them are keys
    rice = 2,    // Rice-coded gaps: near the bound at any density, a bucket decoded per lookup
};

// The keys of one decimal length L. A key k maps, order preserved, to
// m = rank(k / 10^c in the chunk bitmap) * 10^c + k mod 10^c < u = (non-empty chunks) * 10^c,
// and the m are Elias-Fano coded, set in a bitmap of u bits or Rice coded.
struct trie_group {
    unsigned length = 0;
    unsigned c = 0;         // chunks are k / 10^c
    std::uint64_t pow = 1;  // 10^c
    std::uint64_t first_chunk = 0;
    std::uint64_t first_key = 0;  // first_chunk * pow
    std::uint64_t end_key = 0;    // (first_chunk + chunk count) * pow
    std::uint64_t count = 0;
    std::uint64_t rank_base = 0;  // keys in shorter groups
    std::uint64_t universe = 0;   // u: the mapped values are below it
    trie_encoding encoding = trie_encoding::elias_fano;
    bit_vector_view chunks;
    elias_fano_view ef;      // when encoding is elias_fano
    bitmap_set_view bitmap;  // when encoding is bitmap
    rice_set_view rice;      // when encoding is rice

    bool dense() const noexcept { return encoding == trie_encoding::bitmap; }
    bool coded() const noexcept { return encoding == trie_encoding::rice; }

    // The mapped value of key k (of this length) if its chunk is non-empty, else trie_not_found.
    std::uint64_t mapped(std::uint64_t k) const noexcept {
        if (k < first_key || k >= end_key) return trie_not_found;
        const std::uint64_t q = div_pow10(k, c);
        const std::uint64_t bit = q - first_chunk;
        if (!chunks.get(bit)) return trie_not_found;
        return chunks.rank1(bit) * pow + (k - q * pow);
    }

    // Local index of k, or trie_not_found. `on_bucket(first index of k's bucket)` runs as soon
    // as that is known (before the bucket's low bits are read): a hook to prefetch values. A
    // bitmap has no buckets: it is called with the index itself, when k is present.
    template <class OnBucket>
    std::uint64_t find(std::uint64_t k, OnBucket on_bucket) const noexcept {
        const std::uint64_t m = mapped(k);
        if (m >= universe) return trie_not_found;  // also trie_not_found itself
        if (coded()) {
            const std::uint64_t i = rice.find(m);
            if (i >= count) return trie_not_found;
            on_bucket(i);
            return i;
        }
        if (dense()) {
            const std::uint64_t i = bitmap.find(m);
            if (i >= count) return trie_not_found;
            on_bucket(i);
            return i;
        }
        const std::uint64_t h = m >> ef.low_bits();
        const std::uint64_t pos = ef.bucket_start(h);
        on_bucket(pos - h);
        const std::uint64_t i = ef.find_from(pos, m);
        return i < count ? i : trie_not_found;
    }

    // A lookup of mapped value m < universe in steps, for batches that interleave many: each
    // step reads only what the step before prefetched. Elias-Fano: the bucket directory entry,
    // the high-bit words, the low bits; a bitmap: the bit's word and its block's count; Rice:
    // the directory entries, then the bucket's first code and low bits.
    void prefetch_lookup(std::uint64_t m) const noexcept {
        if (dense()) bitmap.prefetch(m);
        else if (coded())
            rice.prefetch_dir(m);
        else
            ef.prefetch_bucket_dir(m >> ef.low_bits());
    }
    void prefetch_lookup_next(std::uint64_t m) const noexcept {
        if (coded()) rice.prefetch_codes(m);
        else if (!dense())
            ef.prefetch_bucket_words(m >> ef.low_bits());
    }
    // Returns the state for finish_lookup and sets `first` to the index whose value record to
    // prefetch (count or more: none).
    std::uint64_t locate(std::uint64_t m, std::uint64_t& first) const noexcept {
        if (coded()) {
            first = rice.find(m);
            return first;
        }
        if (dense()) {
            first = bitmap.find(m);
            return first;
        }
        const std::uint64_t h = m >> ef.low_bits();
        const std::uint64_t pos = ef.bucket_start(h);
        first = pos - h;
        ef.prefetch_low(first);
        return pos;
    }
    // Local index of m, or trie_not_found.
    std::uint64_t finish_lookup(std::uint64_t m, std::uint64_t located) const noexcept {
        const std::uint64_t i = dense() || coded() ? located : ef.find_from(located, m);
        return i < count ? i : trie_not_found;
    }

    // Keys of this group below k (k may have any number of digits >= length).
    std::uint64_t rank(std::uint64_t k) const noexcept {
        if (k <= first_key) return 0;
        if (k >= end_key) return count;
        const std::uint64_t q = div_pow10(k, c);
        const std::uint64_t bit = q - first_chunk;
        const std::uint64_t m = chunks.rank1(bit) * pow + (chunks.get(bit) ? k - q * pow : 0);
        return std::min(dense() ? bitmap.lower_bound(m) : coded() ? rice.lower_bound(m) : ef.lower_bound(m), count);
    }

    std::uint64_t key_at(std::uint64_t i) const noexcept {
        return key_of(dense() ? bitmap.access(i) : coded() ? rice.access(i) : ef.access(i));
    }

    // The key whose mapped value is m (garbage, but computed in bounds, for m >= universe).
    std::uint64_t key_of(std::uint64_t m) const noexcept {
        const std::uint64_t r = div_pow10(m, c);
        return (first_chunk + chunks.select1(r)) * pow + (m - r * pow);
    }

    // Sequential decoding of the mapped values from index i: pos is the value's one in the
    // Elias-Fano high bits, or the value itself in a bitmap; a Rice cursor carries its own.
    struct cursor {
        std::uint64_t pos = 0;
        std::uint64_t index = 0;
        rice_set_view::cursor rice{};
    };
    cursor cursor_at(std::uint64_t i) const noexcept {
        if (coded()) {
            const auto r = rice.cursor_at(i);
            return {0, r.index, r};
        }
        if (dense()) return {bitmap.access(i), i, {}};
        const auto e = ef.cursor_at(i);
        return {e.pos, e.index, {}};
    }
    std::uint64_t value(const cursor& at) const noexcept {
        if (coded()) return rice.value(at.rice);
        return dense() ? at.pos : ef.value({at.pos, at.index});
    }
    void advance(cursor& at) const noexcept {
        if (coded()) {
            rice.advance(at.rice);
            at.index = at.rice.index;
        } else if (dense()) {
            at.pos = bitmap.next_from(at.pos + 1);
            ++at.index;
        } else {
            elias_fano_view::cursor e{at.pos, at.index};
            ef.advance(e);
            at.pos = e.pos;
            at.index = e.index;
        }
    }
};

// Every group of a store, in increasing key length (which is increasing key order).
struct trie_keys {
    std::array<trie_group, trie_max_groups> groups{};
    std::size_t group_count = 0;
    std::array<std::int8_t, 17> group_of_length{};  // by digit count; -1: no keys of that length
    std::array<std::uint64_t, 17> below_length{};   // keys shorter than the index
    std::uint64_t size = 0;

    // Fills group_of_length and below_length from the groups.
    void index_lengths() noexcept {
        group_of_length.fill(-1);
        for (std::size_t i = 0; i < group_count; ++i) group_of_length[groups[i].length] = static_cast<std::int8_t>(i);
        below_length.fill(0);
        for (std::size_t len = 1; len < below_length.size(); ++len) {
            below_length[len] = below_length[len - 1];
            if (group_of_length[len - 1] >= 0)
                below_length[len] += groups[static_cast<std::size_t>(group_of_length[len - 1])].count;
        }
    }

    // The group holding keys of k's length, or nullptr.
    const trie_group* group_for(std::uint64_t k) const noexcept {
        if (k == 0 || k > max_key) return nullptr;
        const int gi = group_of_length[decimal_digits_u(k)];
        return gi < 0 ? nullptr : &groups[static_cast<std::size_t>(gi)];
    }

    // Global index of k, or trie_not_found; on_bucket(group, first index of its bucket).
    template <class OnBucket>
    std::uint64_t find_index(std::uint64_t k, OnBucket on_bucket) const noexcept {
        const trie_group* g = group_for(k);
        if (g == nullptr) return trie_not_found;
        const std::uint64_t i = g->find(k, [&](std::uint64_t first) { on_bucket(*g, first); });
        return i == trie_not_found ? trie_not_found : g->rank_base + i;
    }

    const trie_group& group_of_index(std::uint64_t i) const noexcept {
        std::size_t gi = 0;
        while (gi + 1 < group_count && groups[gi + 1].rank_base <= i) ++gi;
        return groups[gi];
    }

    // Keys below k.
    std::uint64_t rank(std::uint64_t k) const noexcept {
        if (k == 0) return 0;
        if (k > max_key) return size;
        const unsigned d = decimal_digits_u(k);
        std::uint64_t r = below_length[d];
        if (group_of_length[d] >= 0) r += groups[static_cast<std::size_t>(group_of_length[d])].rank(k);
        return r;
    }

    // Keys whose digits start with those of prefix (0: all): two ranks per longer group.
    std::uint64_t count_prefix(std::uint64_t prefix) const noexcept {
        if (prefix == 0) return size;
        if (prefix > max_key) return 0;
        const unsigned d = decimal_digits_u(prefix);
        std::uint64_t total = 0;
        for (std::size_t gi = 0; gi < group_count; ++gi) {
            const trie_group& g = groups[gi];
            if (g.length < d) continue;
            const std::uint64_t scale = pow10[g.length - d];
            const std::uint64_t lo = prefix * scale;
            const std::uint64_t hi = (prefix + 1) * scale;
            if (lo <= g.first_key && hi >= g.end_key) {
                total += g.count;
            } else {
                const std::uint64_t a = g.rank(lo);
                const std::uint64_t b = g.rank(hi);
                total += b > a ? b - a : 0;
            }
        }
        return total;
    }
};

// Fixed-width value records in rank order: field f of record i is base[f] plus the width[f]
// bits at i * record_width + offset[f].
template <std::size_t Fields>
struct trie_values {
    std::array<std::uint64_t, Fields> base{};
    std::array<std::uint64_t, Fields> offset{};
    std::array<unsigned, Fields> width{};
    std::uint64_t record_width = 0;
    const std::uint64_t* words = nullptr;
    // Set by index_fields() once the fields are known.
    std::array<std::uint64_t, Fields> mask{};  // low_mask(width[f])
    bool narrow = false;                       // every field fits one unaligned 8-byte load

    static constexpr unsigned narrow_width = 57;  // 64 less the 7 bits a byte-aligned load may start early

    void index_fields() noexcept {
        narrow = true;
        for (std::size_t f = 0; f < Fields; ++f) {
            mask[f] = low_mask(width[f]);
            narrow = narrow && width[f] <= narrow_width;
        }
    }

    // Every field of record i. Decoding whole records is the cost of a lookup with values (13
    // fields for a reputation record), so narrow fields, the usual case, are read with one
    // unaligned load, shift and mask each, about a third of read_bits' instructions. The load
    // stays inside the array: it starts within the data words, and the padding word follows them.
    void fields(std::uint64_t i, std::array<std::uint64_t, Fields>& out) const noexcept {
        const std::uint64_t first = i * record_width;
        if (!narrow) {
            for (std::size_t f = 0; f < Fields; ++f) out[f] = base[f] + read_bits(words, first + offset[f], width[f]);
            return;
        }
        const auto* bytes = reinterpret_cast<const unsigned char*>(words);
        for (std::size_t f = 0; f < Fields; ++f) {
            const std::uint64_t pos = first + offset[f];
            std::uint64_t w;
            std::memcpy(&w, bytes + (pos >> 3), sizeof w);
            out[f] = base[f] + ((w >> (pos & 7)) & mask[f]);
        }
    }
    // Both ends of record i: a record may cross into the next cache line, and read_bits also
    // reads the word after the one a field starts in.
    void prefetch(std::uint64_t i) const noexcept {
        const std::uint64_t first_bit = i * record_width;
        prefetch_read(words + (first_bit >> 6));
        prefetch_read(words + ((first_bit + record_width + 63) >> 6));  // the last word read
    }
};

}  // namespace numrep::detail
