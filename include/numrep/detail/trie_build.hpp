// Building a trie_store's sections from sorted distinct keys (and their values): the chunk
// exponent and the encoding (Elias-Fano, bitmap or Rice) of each key length chosen by cost,
// the chunk bitmaps, the codes and the bit-packed value records. Also the radix sort that
// orders the input.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
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
#include "rice_set.hpp"
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
    double bits = std::numeric_limits<double>::infinity();  // chunks and mapped values (Rice: estimated)
    unsigned k = 0;                                         // Rice parameter (estimated)
    std::uint64_t universe = 0;                             // of the mapped values
};

// The fastest encodings (bitmap, then Elias-Fano) are kept while within this factor of the
// information bound of the group's mapped values; past it a group is Rice coded when that is
// smaller. Rice codes come within a few percent of the bound at any density (Elias-Fano pays
// about half a bit a key more plus its directory, a bitmap u / n bits), but a lookup decodes
// a bucket of ~90 codes, and batches cannot hide that work: on 10M Vietnamese mobile keys
// (Elias-Fano 1.21x the bound) batch lookups took 116 ns a key in Elias-Fano against 411 in
// Rice codes, single hits 225 against 363, for 1 bit a key (bench_trie_density, issue 13).
// 1.25 keeps such sets in Elias-Fano; sparser-than-bound sets past it (30M keys: 1.33x)
// are still Rice coded.
inline constexpr double trie_fast_allowance = 1.25;

// log2 C(u, n) bits, from the entropy (an upper bound within log2(n) / 2 + 2 bits).
inline double set_bound_bits(std::uint64_t n, std::uint64_t u) noexcept {
    if (n == 0 || n >= u) return 0.0;
    const double p = static_cast<double>(n) / static_cast<double>(u);
    return static_cast<double>(u) * -(p * std::log2(p) + (1 - p) * std::log2(1 - p));
}

// The bytes of a group's mapped values in each encoding; a bitmap only where its shape fits.
inline std::uint64_t mapped_bytes(std::uint64_t n, std::uint64_t universe, trie_encoding encoding) {
    if (encoding == trie_encoding::bitmap) {
        if (universe > bv_max_bits) return std::numeric_limits<std::uint64_t>::max();
        return bitmap_set_shape{n, universe}.size_in_bytes();
    }
    return elias_fano_shape{n, universe}.size_in_bytes();
}

// Expected Rice bits of n values spread evenly below u (geometric gaps) at the best k, with
// the directory: steers the chunk exponent; the builder then codes with the exact best k.
inline std::pair<double, unsigned> rice_estimate(std::uint64_t n, std::uint64_t u) {
    const double p = static_cast<double>(n) / static_cast<double>(u);
    double best = std::numeric_limits<double>::infinity();
    unsigned best_k = 0;
    for (unsigned k = 0; k <= rice_max_k; ++k) {
        const double stay = std::exp(std::ldexp(std::log1p(-std::min(p, 1.0 - 1e-12)), static_cast<int>(k)));
        const double zeros = static_cast<double>(n) * stay / (1 - stay);
        const double dir = 32.0 * static_cast<double>(rice_set_shape{n, u, k, 0}.dir_entries());
        const double bits = static_cast<double>(n) * (k + 1) + zeros + dir + 64.0 * 2;  // codes, lows, padding
        if (bits < best) {
            best = bits;
            best_k = k;
        }
    }
    return {best, best_k};
}

// The chunk exponent c and the encoding minimising the group's bits, from one pass over its
// sorted keys: for each neighbour pair, the smallest c at which both fall in one chunk. Ties
// go to Elias-Fano, so that a store which gains nothing from bitmaps is written as layout 2.
// `only` restricts the choice to one encoding (tests and benchmarks compare them). Returns
// the best Elias-Fano or bitmap plan and the best Rice plan (estimated).
struct trie_group_choice {
    trie_group_plan fast;
    trie_group_plan rice;
};
inline trie_group_choice choose_group_plan(std::span<const std::uint64_t> keys, unsigned length,
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
    trie_group_choice best;
    best.fast = {length - 1, trie_encoding::elias_fano};
    best.rice = {length - 1, trie_encoding::rice};
    std::uint64_t differing = n - 1;  // pairs in different chunks at c
    for (unsigned c = 0; c < length; ++c) {
        differing -= same_from[c];
        const std::uint64_t pow = pow10[c];
        const std::uint64_t chunk_count = keys.back() / pow - keys.front() / pow + 1;
        if (chunk_count > bv_max_bits) continue;
        const std::uint64_t nonempty = differing + 1;
        const bit_vector_shape chunks{chunk_count, nonempty};
        const double chunk_bits = 8.0 * static_cast<double>(chunks.size_in_bytes());
        for (const trie_encoding e : {trie_encoding::elias_fano, trie_encoding::bitmap}) {
            if (only && e != *only) continue;
            const std::uint64_t mapped = mapped_bytes(n, nonempty * pow, e);
            if (mapped == std::numeric_limits<std::uint64_t>::max()) continue;
            const double bits = chunk_bits + 8.0 * static_cast<double>(mapped);
            // Among equal sizes the larger c (fewer chunks), as before bitmaps, and EF.
            if (bits < best.fast.bits || (bits == best.fast.bits && e == trie_encoding::elias_fano))
                best.fast = {c, e, bits, 0, nonempty * pow};
        }
        if (!only || *only == trie_encoding::rice) {
            const auto [bits, k] = rice_estimate(n, nonempty * pow);
            if (chunk_bits + bits <= best.rice.bits)
                best.rice = {c, trie_encoding::rice, chunk_bits + bits, k, nonempty * pow};
        }
    }
    return best;
}

// A group's keys at chunk exponent c: the chunk bitmap's words and the mapped values.
struct trie_mapped_group {
    unsigned c = 0;
    std::uint64_t first_chunk = 0;
    bit_vector_shape chunk_shape;
    std::vector<std::uint64_t> chunk_words;
    std::vector<std::uint64_t> values;
    std::uint64_t universe() const noexcept { return chunk_shape.ones * pow10[c]; }
};
inline trie_mapped_group map_trie_group(std::span<const std::uint64_t> keys, unsigned c) {
    trie_mapped_group g;
    g.c = c;
    const std::uint64_t pow = pow10[c];
    g.first_chunk = keys.front() / pow;
    g.chunk_shape = {keys.back() / pow - g.first_chunk + 1, 0};
    g.chunk_words.assign(static_cast<std::size_t>(g.chunk_shape.words()), 0);
    g.values.reserve(keys.size());
    std::uint64_t rank = 0;
    std::uint64_t last_chunk = ~std::uint64_t{0};
    for (const std::uint64_t k : keys) {
        const std::uint64_t q = k / pow - g.first_chunk;
        if (q != last_chunk) {
            if (last_chunk != ~std::uint64_t{0}) ++rank;
            g.chunk_words[static_cast<std::size_t>(q / 64)] |= std::uint64_t{1} << (q % 64);
            last_chunk = q;
        }
        g.values.push_back(rank * pow + k % pow);
    }
    g.chunk_shape.ones = rank + 1;
    return g;
}

// The exact best Rice shape near the estimated k (nothing if the directory would overflow),
// and its bits with the chunks.
inline std::pair<rice_set_shape, double> best_rice_shape(const trie_mapped_group& g, unsigned k_estimate) {
    rice_set_shape best{};
    double best_bits = std::numeric_limits<double>::infinity();
    const std::uint64_t n = g.values.size();
    for (unsigned k = k_estimate == 0 ? 0 : k_estimate - 1; k <= std::min(k_estimate + 1, rice_max_k); ++k) {
        const rice_set_shape shape = plan_rice_set(g.values, n, g.universe(), k);
        if (shape.code_bits == 0) continue;
        const double bits = 8.0 * static_cast<double>(g.chunk_shape.size_in_bytes() + shape.size_in_bytes());
        if (bits < best_bits) {
            best_bits = bits;
            best = shape;
        }
    }
    return {best, best_bits};
}

// The key sections of sorted distinct keys: one group per key length.
inline void build_trie_keys(std::span<const std::uint64_t> keys, trie_sections& s,
                            std::optional<trie_encoding> only = std::nullopt) {
    std::uint64_t group_count = 0;
    bool any_bitmap = false;
    bool any_rice = false;
    for (std::size_t b = 0; b < keys.size();) {
        const unsigned length = decimal_digits_u(keys[b]);
        std::size_t e = b;
        while (e < keys.size() && keys[e] < pow10[length]) ++e;
        const auto group_keys = keys.subspan(b, e - b);
        const std::uint64_t n = group_keys.size();
        const trie_group_choice choice = choose_group_plan(group_keys, length, only);

        // Rice codes when forced, or when the faster encodings stray past the allowance and
        // they are smaller.
        const bool have_fast = choice.fast.bits < std::numeric_limits<double>::infinity();
        const bool forced_rice = only == trie_encoding::rice;
        trie_encoding encoding = have_fast ? choice.fast.encoding : trie_encoding::elias_fano;
        rice_set_shape rice_shape{};
        std::optional<trie_mapped_group> mapped;
        // (A full group, n == u, has a bound of 0 bits and keeps its bitmap.)
        if (forced_rice || (!only && n < choice.fast.universe &&
                            choice.fast.bits > trie_fast_allowance * set_bound_bits(n, choice.fast.universe))) {
            trie_mapped_group coded = map_trie_group(group_keys, choice.rice.c);
            const auto [shape, bits] = best_rice_shape(coded, choice.rice.k);
            if (shape.code_bits != 0 && (forced_rice || bits < choice.fast.bits)) {
                encoding = trie_encoding::rice;
                rice_shape = shape;
                mapped = std::move(coded);
            }
        }
        if (!mapped) mapped = map_trie_group(group_keys, have_fast ? choice.fast.c : length - 1);
        const trie_mapped_group& g = *mapped;

        // The chunk bitmap and the mapped values.
        s.chunk_words.insert(s.chunk_words.end(), g.chunk_words.begin(), g.chunk_words.end());
        append_bit_vector_tables(std::span<const std::uint64_t>(g.chunk_words), g.chunk_shape, s.chunk_ranks,
                                 s.chunk_select1, s.chunk_select0);
        const std::uint64_t universe = g.universe();
        unsigned low_bits = 0;
        std::uint64_t code_bits = 0;
        if (encoding == trie_encoding::bitmap) {
            any_bitmap = true;
            append_bitmap_set(g.values, bitmap_set_shape{n, universe}, s.high_words, s.high_ranks, s.high_select1,
                              s.high_select0);
        } else if (encoding == trie_encoding::rice) {
            any_rice = true;
            low_bits = rice_shape.k;
            code_bits = rice_shape.code_bits;
            append_rice_set(g.values, rice_shape, s.high_words, s.low_words, s.high_dir);
        } else {
            const elias_fano_shape ef_shape{n, universe};
            low_bits = ef_shape.low_bits();
            append_elias_fano(g.values, ef_shape,
                              {s.high_words, s.high_ranks, s.high_select1, s.high_select0, s.low_words, s.high_dir});
        }
        s.groups.insert(s.groups.end(), {length, g.c, g.first_chunk, g.chunk_shape.bits, g.chunk_shape.ones, n,
                                         low_bits, static_cast<std::uint64_t>(encoding), code_bits});
        ++group_count;
        b = e;
    }
    const std::uint64_t layout = any_rice     ? trie_layout_version
                                 : any_bitmap ? trie_layout_bitmaps
                                              : trie_layout_elias_fano_only;
    if (layout != trie_layout_version) {
        // Older layouts have no code-bits field.
        std::vector<std::uint64_t> records;
        for (std::size_t i = 0; i < s.groups.size(); i += trie_group_fields_rice)
            records.insert(records.end(), s.groups.begin() + static_cast<std::ptrdiff_t>(i),
                           s.groups.begin() + static_cast<std::ptrdiff_t>(i + trie_group_fields));
        s.groups = std::move(records);
    }
    s.description.kind = store_kind::trie_store;
    s.description.params[trie_p_size] = keys.size();
    s.description.params[trie_p_groups] = group_count;
    s.description.params[trie_p_layout] = layout;
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
