// Which bytes of a short text are ASCII digits, the grouping punctuation a plain number is
// written with, '+' or '~': one bit per byte, found for up to 32 bytes at once with SSE2; the
// bytes a mask selects, gathered (with SSSE3's byte shuffle where the CPU has it); and the
// value of up to 16 gathered digits (SSSE3's multiply-adds).
// The parser's one-pass scan uses them to read a plain number without a branch per character
// (branches on the order of digits and separators are mispredicted from text to text).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "cpu_features.hpp"
#include "popcount.hpp"

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define NUMREP_HAVE_PLAIN_TEXT_CLASSES 1
#else
#define NUMREP_HAVE_PLAIN_TEXT_CLASSES 0
#endif
// The byte shuffle: always where the compiler targets SSSE3, else chosen at run time where
// cpu_features.hpp checks the CPU (GCC and Clang can compile one function for SSSE3).
#if NUMREP_HAVE_PLAIN_TEXT_CLASSES && (defined(__SSSE3__) || defined(NUMREP_X86_CPU_DISPATCH))
#include <tmmintrin.h>
#define NUMREP_HAVE_BYTE_SHUFFLE 1
#else
#define NUMREP_HAVE_BYTE_SHUFFLE 0
#endif

namespace numrep::detail {

// Bit i: the byte at offset i is of that class. Bytes of no class (letters, other punctuation,
// any byte of a multi-byte UTF-8 sequence) have no bit set anywhere.
struct plain_text_classes {
    std::uint32_t digits = 0;
    std::uint32_t separators = 0;  // ' ' '-' '.' '(' ')' '/'
    std::uint32_t plus = 0;
    std::uint32_t tilde = 0;
    constexpr std::uint32_t any() const noexcept { return digits | separators | plus | tilde; }
};

inline constexpr std::size_t plain_text_classes_min = 8;
inline constexpr std::size_t plain_text_classes_max = 32;

#if NUMREP_HAVE_PLAIN_TEXT_CLASSES

namespace plain_classes_impl {

struct masks16 {
    std::uint32_t digits, separators, plus, tilde;
};

#if defined(__GNUC__) || defined(__clang__)
#define NUMREP_PLAIN_INLINE [[gnu::always_inline]] inline
#else
#define NUMREP_PLAIN_INLINE inline
#endif

NUMREP_PLAIN_INLINE masks16 classify16(__m128i v) noexcept {
    const auto is = [v](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
    // Signed compares: bytes from 0x80 up are negative, so never digits.
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                        _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    const __m128i separator = _mm_or_si128(_mm_or_si128(_mm_or_si128(is(' '), is('-')), _mm_or_si128(is('.'), is('/'))),
                                           _mm_or_si128(is('('), is(')')));
    const auto bits = [](__m128i m) { return static_cast<std::uint32_t>(_mm_movemask_epi8(m)); };
    return {bits(digit), bits(separator), bits(is('+')), bits(is('~'))};
}

// text[0, n), 8 <= n < 16, in one vector, each byte at its own offset and zeros after them
// (a zero byte is of no class): two 8-byte loads, the bytes of the second that the first
// already has shifted out. Reads only the n bytes.
NUMREP_PLAIN_INLINE __m128i load_short(const char* text, std::size_t n) noexcept {
    std::uint64_t head, tail;
    std::memcpy(&head, text, 8);
    std::memcpy(&tail, text + n - 8, 8);
    const unsigned drop = 4U * static_cast<unsigned>(16 - n);  // half the bits to shift out: 64 for n = 8
    tail = (tail >> drop) >> drop;
    return _mm_set_epi64x(static_cast<long long>(tail), static_cast<long long>(head));
}

}  // namespace plain_classes_impl

// The classes of text[0, n), 8 <= n <= 32. Reads only the n bytes: below 16, one vector of them
// (load_short); else two loads that overlap unless n is 32, each bit then moved to its byte's offset.
inline plain_text_classes classify_plain_text(const char* text, std::size_t n) noexcept {
    using plain_classes_impl::classify16;
    using plain_classes_impl::masks16;
    if (n < 16) {
        const masks16 m = classify16(plain_classes_impl::load_short(text, n));
        return {m.digits, m.separators, m.plus, m.tilde};
    }
    const masks16 low = classify16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text)));
    const masks16 high = classify16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text + n - 16)));
    // high's bit j is offset j + n - 16; offsets below 16 are low's.
    const auto merge = [shift = static_cast<unsigned>(n - 16)](std::uint32_t l, std::uint32_t h) {
        return l | ((h << shift) & ~0xFFFFU);
    };
    return {merge(low.digits, high.digits), merge(low.separators, high.separators), merge(low.plus, high.plus),
            merge(low.tilde, high.tilde)};
}

// The bytes of text[0, n) (8 <= n <= 32) whose bit is set in `mask`, in order, written to
// out[0, count) where count = popcount64(mask). Up to 8 bytes past them may be written too:
// out must have count + 8 bytes of room.
int gather_plain_text(const char* text, std::size_t n, std::uint32_t mask, char* out) noexcept;

namespace plain_classes_impl {

// Eight digits a round, whatever is left: a loop that stops after each byte would end at a
// different count for every text and mispredict there; this one ends after two rounds for
// nearly all numbers. Past the last selected byte a round copies the final byte (the
// sentinel keeps every read inside the text).
inline int gather_by_bits(const char* text, std::size_t n, std::uint32_t mask, char* out) noexcept {
    const auto count = static_cast<int>(popcount64(mask));
    const std::uint32_t sentinel = 1U << (n - 1);
    for (int round = 0; round < count; round += 8)
        for (int k = round; k < round + 8; ++k) {
            out[k] = text[std::countr_zero(mask | sentinel)];
            mask &= mask - 1;
        }
    return count;
}

#if NUMREP_HAVE_BYTE_SHUFFLE

// For each 8-bit mask, the shuffle that moves its bytes to the front: the offsets of its set
// bits in order, then 0x80 (a zero byte).
inline constexpr std::array<std::uint64_t, 256> front_shuffles = [] {
    std::array<std::uint64_t, 256> table{};
    for (unsigned m = 0; m < 256; ++m) {
        std::uint64_t entry = 0;
        int at = 0;
        for (unsigned b = 0; b < 8; ++b)
            if ((m >> b) & 1U) entry |= std::uint64_t{b} << (8 * at++);
        for (; at < 8; ++at) entry |= std::uint64_t{0x80} << (8 * at);
        table[m] = entry;
    }
    return table;
}();

#if defined(__SSSE3__)
#define NUMREP_SSSE3_FUNCTION NUMREP_PLAIN_INLINE
#else
#define NUMREP_SSSE3_FUNCTION [[gnu::target("ssse3")]] inline
#endif

// The bytes of v that mask16 selects, appended at out + count, eight bytes a store.
NUMREP_SSSE3_FUNCTION void gather16(__m128i v, std::uint32_t mask16, char* out, int& count) noexcept {
    const __m128i low = _mm_cvtsi64_si128(static_cast<long long>(front_shuffles[mask16 & 0xFFU]));
    const __m128i high = _mm_add_epi8(_mm_cvtsi64_si128(static_cast<long long>(front_shuffles[mask16 >> 8])),
                                      _mm_set1_epi8(8));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + count), _mm_shuffle_epi8(v, low));
    count += static_cast<int>(popcount64(mask16 & 0xFFU));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + count), _mm_shuffle_epi8(v, high));
    count += static_cast<int>(popcount64(mask16 >> 8));
}

// The same loads as classify_plain_text; from 16 bytes, each vector's bits taken back from text offsets.
NUMREP_SSSE3_FUNCTION int gather_by_shuffle(const char* text, std::size_t n, std::uint32_t mask, char* out) noexcept {
    int count = 0;
    if (n < 16) {
        gather16(load_short(text, n), mask, out, count);
    } else {
        const auto shift = static_cast<unsigned>(n - 16);  // offset q >= 16 is bit q - shift
        const std::uint32_t high_bits = (mask >> shift) & 0xFFFFU & ~((1U << (16 - shift)) - 1);
        gather16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text)), mask & 0xFFFFU, out, count);
        gather16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text + n - 16)), high_bits, out, count);
    }
    return count;
}

// For each length 1..16, the shuffle that moves digits[0, length) to the end of a 16-byte
// vector and zeroes the bytes before them (0x80).
inline constexpr std::array<std::array<std::uint8_t, 16>, 17> right_align_shuffles = [] {
    std::array<std::array<std::uint8_t, 16>, 17> table{};
    for (std::size_t length = 0; length <= 16; ++length)
        for (std::size_t j = 0; j < 16; ++j) {
            const std::size_t before = 16 - length;  // bytes before the first digit
            table[length][j] = j < before ? 0x80 : static_cast<std::uint8_t>(j - before);
        }
    return table;
}();

// The value of the ASCII digits digits[0, length), 1 <= length <= 16, reading digits[0, 16):
// right-aligned behind zeros, then pairs, quadruples and eights summed by multiply-adds, a
// dozen instructions where the scalar reading takes about fifty.
NUMREP_SSSE3_FUNCTION std::uint64_t digits_value_by_shuffle(const char* digits, int length) noexcept {
    const __m128i text = _mm_loadu_si128(reinterpret_cast<const __m128i*>(digits));
    const __m128i align = _mm_loadu_si128(
        reinterpret_cast<const __m128i*>(right_align_shuffles[static_cast<std::size_t>(length)].data()));
    // '0' is subtracted before the shuffle, whose 0x80 entries write zero bytes: the places
    // before the digits then read as 0.
    const __m128i values = _mm_shuffle_epi8(_mm_sub_epi8(text, _mm_set1_epi8('0')), align);
    const __m128i pairs = _mm_maddubs_epi16(values, _mm_set1_epi16(0x010A));     // 10a + b, 8 x 16 bits
    const __m128i quads = _mm_madd_epi16(pairs, _mm_set1_epi32(0x00010064));     // 100p + q, 4 x 32 bits
    const __m128i quads16 = _mm_packs_epi32(quads, quads);                       // each <= 9999: no saturation
    const __m128i eights = _mm_madd_epi16(quads16, _mm_set1_epi32(0x00012710));  // 10000p + q, 2 x 32 bits
    const auto both = static_cast<std::uint64_t>(_mm_cvtsi128_si64(eights));
    return (both & 0xFFFFFFFFULL) * 100'000'000 + (both >> 32);
}

inline bool cpu_has_ssse3() noexcept {
#if defined(__SSSE3__)
    return true;
#else
    return cpu.ssse3;
#endif
}

#endif

}  // namespace plain_classes_impl

inline int gather_plain_text(const char* text, std::size_t n, std::uint32_t mask, char* out) noexcept {
#if NUMREP_HAVE_BYTE_SHUFFLE
    if (plain_classes_impl::cpu_has_ssse3()) return plain_classes_impl::gather_by_shuffle(text, n, mask, out);
#endif
    return plain_classes_impl::gather_by_bits(text, n, mask, out);
}

#endif

}  // namespace numrep::detail
