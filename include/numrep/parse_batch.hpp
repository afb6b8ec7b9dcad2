// numrep::parse_keys: a column of texts to keys, the answers of try_parse one by one, faster on
// columns that mix written forms.
//
// Why a batch parser: try_parse takes a different path through its branches for each written
// form ("0912 345 678", "+84 912...", "tel:...", full-width digits) and for each length. In a
// column where the forms come in random order the branch predictor misses on nearly every
// number, and those misses were about a quarter of the time (38-43 ns a number shuffled, 25-27
// ns for each form alone, on the Vietnamese corpus of benchmarks/compare_parse.py). So a block
// of texts is first ordered by shape (its first character's class and its length), a counting
// sort that costs a few ns a number, and parsed in that order; each key goes back to its row.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "detail/throw.hpp"
#include "parse.hpp"
#include "region.hpp"

namespace numrep {

namespace detail {

// The shape of a text, 0..255: its first character's class (3 bits) and its length (5 bits,
// 31 for any longer). Texts of one shape nearly always take one path through try_parse.
struct text_shape {
    static constexpr std::size_t count = 256;

    static constexpr std::array<std::uint8_t, 256> first_class = [] {
        std::array<std::uint8_t, 256> t{};
        for (std::size_t c = 0; c < t.size(); ++c) {
            t[c] = c == '0'               ? 1
                   : c >= '1' && c <= '9' ? 2
                   : c == '+'             ? 3
                   : c == '('             ? 4
                   : c == 't' || c == 'T' ? 5
                   : c == ' '             ? 6
                                          : 7;  // 0xEF (full-width forms) and anything else
        }
        return t;
    }();

    static std::uint8_t of(std::string_view text) noexcept {
        const unsigned first = text.empty() ? 0U : first_class[static_cast<unsigned char>(text[0])];
        const unsigned length = text.size() < 31 ? static_cast<unsigned>(text.size()) : 31U;
        return static_cast<std::uint8_t>(first << 5 | length);
    }
};

}  // namespace detail

namespace detail {

// parse_keys' work, once the sizes are known to match: blocks of texts ordered by shape, then
// parsed in that order. Kept apart for callers that compile it their own way (the Python module
// inlines every step of it into one function per instruction set: python/src/convert.cpp).
inline void parse_keys_of_same_size(std::span<const std::string_view> texts, const region& home,
                                    std::span<std::uint64_t> keys) noexcept {
    const auto key_of = [&home](std::string_view text) noexcept { return parse_key(text, home); };
    // Too few to be worth ordering (and callers that give one text at a time pay nothing more).
    constexpr std::size_t few = 64;
    if (texts.size() < few) {
        for (std::size_t k = 0; k < texts.size(); ++k) keys[k] = key_of(texts[k]);
        return;
    }
    // Blocks small enough that their texts stay in cache while they are read out of order;
    // 512 and 1024 measured alike, 8192 lost most of the gain. The arrays are written before
    // they are read: no need to clear them.
    constexpr std::size_t block = 512;
    std::array<std::uint8_t, block> shape;
    std::array<std::uint16_t, block> order;
    std::array<std::uint32_t, text_shape::count + 1> start;
    for (std::size_t first = 0; first < texts.size(); first += block) {
        const std::size_t n = std::min(block, texts.size() - first);
        const std::string_view* in = texts.data() + first;
        std::uint64_t* out = keys.data() + first;
        if (n < few) {
            for (std::size_t k = 0; k < n; ++k) out[k] = key_of(in[k]);
            continue;
        }
        start.fill(0);
        for (std::size_t k = 0; k < n; ++k) {
            shape[k] = text_shape::of(in[k]);
            ++start[shape[k] + 1U];
        }
        for (std::size_t s = 1; s < start.size(); ++s) start[s] += start[s - 1];
        for (std::size_t k = 0; k < n; ++k) order[start[shape[k]]++] = static_cast<std::uint16_t>(k);
        for (std::size_t j = 0; j < n; ++j) out[order[j]] = key_of(in[order[j]]);
    }
}

}  // namespace detail

// keys[i] = the key of texts[i] read with `home`, or 0 when it does not parse (a view with a
// null data() is an empty text: 0). texts and keys must have the same size, else
// std::invalid_argument (as every batch call says; a smaller `keys` was written past its end).
// Nothing is allocated.
inline void parse_keys(std::span<const std::string_view> texts, const region& home, std::span<std::uint64_t> keys) {
    if (texts.size() != keys.size())
        detail::throw_invalid_argument("parse_keys: " + std::to_string(texts.size()) + " texts but " +
                                       std::to_string(keys.size()) + " keys: the spans must have the same size");
    detail::parse_keys_of_same_size(texts, home, keys);
}

}  // namespace numrep
