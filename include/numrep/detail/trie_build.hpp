// Building a trie_store's sections from sorted distinct keys (and their values): the chunk
// exponent and the encoding (Elias-Fano or bitmap) of each key length chosen by exact cost,
// the chunk bitmaps, the codes and the bit-packed value records. Also the radix sort that
// orders the input.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "../trie_value_traits.hpp"
#include "bit_vector.hpp"
#include "bitmap_set.hpp"
#include "elias_fano.hpp"
#include "key.hpp"
#include "packed_array.hpp"
#include "trie_file.hpp"

namespace numrep::detail {

// Stable LSD radix sort on the low `key_bits` bits of key_of(x), 11 bits per pass; passes in
// which every key has the same digit are skipped (E.164 keys share their top digits).
template <class T, class KeyOf>
void radix_sort(std::vector<T>& a, KeyOf key_of, unsigned key_bits) {
    constexpr unsigned digit_bits = 11;
    constexpr std::size_t radix = std::size_t{1} << digit_bits;
    const unsigned passes = (key_bits + digit_bits - 1) / digit_bits;
    if (a.size() < 2 || passes == 0) return;
    std::vector<std::array<std::size_t, radix>> counts(passes);
    for (auto& c : counts) c.fill(0);
    for (const T& x : a) {
        const std::uint64_t k = key_of(x);
        for (unsigned p = 0; p < passes; ++p) ++counts[p][(k >> (p * digit_bits)) & (radix - 1)];
    }
    std::vector<T> tmp(a.size());
    for (unsigned p = 0; p < passes; ++p) {
        auto& c = counts[p];
        if (std::find(c.begin(), c.end(), a.size()) != c.end()) continue;  // one digit value: no-op pass
        std::size_t sum = 0;
        for (auto& x : c) sum += std::exchange(x, sum);
        const unsigned shift = p * digit_bits;
        for (const T& x : a) tmp[c[(key_of(x) >> shift) & (radix - 1)]++] = x;
        a.swap(tmp);
    }
}

struct trie_group_plan {
    unsigned c = 0;
    trie_encoding encoding = trie_encoding::elias_fano;
};

// The bytes of a group's mapped values in each encoding; a bitmap only where its shape fits.
inline std::uint64_t mapped_bytes(std::uint64_t n, std::uint64_t universe, trie_encoding encoding) {
    if (encoding == trie_encoding::bitmap) {
        if (universe > bv_max_bits) return std::numeric_limits<std::uint64_t>::max();
        return bitmap_set_shape{n, universe}.size_in_bytes();
    }
    return elias_fano_shape{n, universe}.size_in_bytes();
}

// The chunk exponent c and the encoding minimising the group's bits, from one pass over its
// sorted keys: for each neighbour pair, the smallest c at which both fall in one chunk. Ties
// go to Elias-Fano, so that a store which gains nothing from bitmaps is written as layout 2.
// `only` restricts the choice to one encoding (tests and benchmarks compare the two).
inline trie_group_plan choose_group_plan(std::span<const std::uint64_t> keys, unsigned length,
                                         std::optional<trie_encoding> only = std::nullopt) {
    std::array<std::uint64_t, 17> same_from{};  // pairs whose chunks first coincide at c
    for (std::size_t i = 1; i < keys.size(); ++i) {
        std::uint64_t a = keys[i - 1], b = keys[i];
        unsigned c = 0;
        while (a != b) {
            a /= 10;
            b /= 10;
            ++c;
        }
        ++same_from[c];
    }
    const std::uint64_t n = keys.size();
    double best_bits = std::numeric_limits<double>::infinity();
    trie_group_plan best{length - 1, trie_encoding::elias_fano};
    std::uint64_t differing = n - 1;  // pairs in different chunks at c
    for (unsigned c = 0; c < length; ++c) {
        differing -= same_from[c];
        const std::uint64_t pow = pow10[c];
        const std::uint64_t chunk_count = keys.back() / pow - keys.front() / pow + 1;
        if (chunk_count > bv_max_bits) continue;
        const std::uint64_t nonempty = differing + 1;
        const bit_vector_shape chunks{chunk_count, nonempty};
        for (const trie_encoding e : {trie_encoding::elias_fano, trie_encoding::bitmap}) {
            if (only && e != *only) continue;
            const std::uint64_t mapped = mapped_bytes(n, nonempty * pow, e);
            if (mapped == std::numeric_limits<std::uint64_t>::max()) continue;
            const double bits = 8.0 * static_cast<double>(chunks.size_in_bytes() + mapped);
            // Among equal sizes the larger c (fewer chunks), as before bitmaps, and EF.
            if (bits < best_bits || (bits == best_bits && e == trie_encoding::elias_fano)) {
                best_bits = bits;
                best = {c, e};
            }
        }
    }
    return best;
}

// The key sections of sorted distinct keys: one group per key length.
inline void build_trie_keys(std::span<const std::uint64_t> keys, trie_sections& s,
                            std::optional<trie_encoding> only = std::nullopt) {
    std::vector<std::uint64_t> mapped;
    std::uint64_t group_count = 0;
    bool any_bitmap = false;
    for (std::size_t b = 0; b < keys.size();) {
        const unsigned length = decimal_digits_u(keys[b]);
        std::size_t e = b;
        while (e < keys.size() && keys[e] < pow10[length]) ++e;
        const auto group_keys = keys.subspan(b, e - b);
        const trie_group_plan plan = choose_group_plan(group_keys, length, only);
        const unsigned c = plan.c;
        const std::uint64_t pow = pow10[c];
        const std::uint64_t first_chunk = group_keys.front() / pow;
        const std::uint64_t chunk_count = group_keys.back() / pow - first_chunk + 1;

        // The chunk bitmap and the mapped values.
        const std::size_t chunk_base = s.chunk_words.size();
        bit_vector_shape chunk_shape{chunk_count, 0};
        s.chunk_words.resize(chunk_base + static_cast<std::size_t>(chunk_shape.words()), 0);
        mapped.clear();
        mapped.reserve(group_keys.size());
        std::uint64_t rank = 0;
        std::uint64_t last_chunk = ~std::uint64_t{0};
        for (const std::uint64_t k : group_keys) {
            const std::uint64_t q = k / pow - first_chunk;
            if (q != last_chunk) {
                if (last_chunk != ~std::uint64_t{0}) ++rank;
                s.chunk_words[chunk_base + q / 64] |= std::uint64_t{1} << (q % 64);
                last_chunk = q;
            }
            mapped.push_back(rank * pow + k % pow);
        }
        chunk_shape.ones = rank + 1;
        append_bit_vector_tables(std::span<const std::uint64_t>(s.chunk_words.data() + chunk_base,
                                                                static_cast<std::size_t>(chunk_shape.words())),
                                 chunk_shape, s.chunk_ranks, s.chunk_select1, s.chunk_select0);

        const std::uint64_t universe = chunk_shape.ones * pow;
        unsigned low_bits = 0;
        if (plan.encoding == trie_encoding::bitmap) {
            any_bitmap = true;
            append_bitmap_set(mapped, bitmap_set_shape{group_keys.size(), universe}, s.high_words, s.high_ranks,
                              s.high_select1, s.high_select0);
        } else {
            const elias_fano_shape ef_shape{group_keys.size(), universe};
            low_bits = ef_shape.low_bits();
            append_elias_fano(mapped, ef_shape,
                              {s.high_words, s.high_ranks, s.high_select1, s.high_select0, s.low_words, s.high_dir});
        }
        s.groups.insert(s.groups.end(), {length, c, first_chunk, chunk_count, chunk_shape.ones,
                                         static_cast<std::uint64_t>(group_keys.size()), low_bits,
                                         static_cast<std::uint64_t>(plan.encoding)});
        ++group_count;
        b = e;
    }
    s.description.kind = store_kind::trie_store;
    s.description.params[trie_p_size] = keys.size();
    s.description.params[trie_p_groups] = group_count;
    s.description.params[trie_p_layout] = any_bitmap ? trie_layout_version : trie_layout_elias_fano_only;
}

// A set's value sections: none, and one zero word (a section is never empty).
inline void build_trie_no_values(trie_sections& s) {
    s.value_words.assign(1, 0);
    s.description.params[trie_p_value_kind] = trie_value_traits<void>::kind;
    s.description.params[trie_p_field_count] = 0;
    s.description.params[trie_p_record_width] = 0;
}

// The value sections: per field, offsets from the smallest in the bits the largest offset needs.
template <class Value>
void build_trie_values(std::span<const Value> values, trie_sections& s) {
    using traits = trie_value_traits<Value>;
    constexpr std::size_t fields = traits::field_count;
    std::uint64_t record_width = 0;
    std::array<std::uint64_t, fields> lo{}, hi{};
    lo.fill(std::numeric_limits<std::uint64_t>::max());
    for (const Value& v : values) {
        for (std::size_t f = 0; f < fields; ++f) {
            lo[f] = std::min(lo[f], traits::field(v, f));
            hi[f] = std::max(hi[f], traits::field(v, f));
        }
    }
    std::array<unsigned, fields> width{};
    std::array<std::uint64_t, fields> offset{};
    for (std::size_t f = 0; f < fields; ++f) {
        if (values.empty()) lo[f] = 0;
        width[f] = values.empty() ? 0U : static_cast<unsigned>(std::bit_width(hi[f] - lo[f]));
        offset[f] = record_width;
        record_width += width[f];
        s.value_fields.push_back(lo[f]);
        s.value_fields.push_back(width[f]);
        s.value_fields.push_back(values.empty() ? 0 : hi[f]);
    }
    s.value_words.assign(static_cast<std::size_t>(packed_words(values.size(), record_width)), 0);
    for (std::size_t i = 0; i < values.size(); ++i) {
        for (std::size_t f = 0; f < fields; ++f) {
            write_bits(s.value_words.data(), i * record_width + offset[f], width[f],
                       traits::field(values[i], f) - lo[f]);
        }
    }
    s.description.params[trie_p_value_kind] = traits::kind;
    s.description.params[trie_p_field_count] = fields;
    s.description.params[trie_p_record_width] = record_width;
}

}  // namespace numrep::detail
