// Which bytes of a short text are ASCII digits, the grouping punctuation a plain number is
// written with, '+' or '~': one bit per byte, found for up to 32 bytes at once with SSE2.
// The parser's one-pass scan uses it to read a plain number without a branch per character
// (branches on the order of digits and separators are mispredicted from text to text).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define NUMREP_HAVE_PLAIN_TEXT_CLASSES 1
#else
#define NUMREP_HAVE_PLAIN_TEXT_CLASSES 0
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

// Bits set in a mask. std::popcount is a call into libgcc where the target has no POPCNT
// instruction (x86-64's baseline), slower than these few operations.
constexpr int bit_count(std::uint32_t m) noexcept {
#if defined(__POPCNT__)
    return __builtin_popcount(m);
#else
    m -= (m >> 1) & 0x55555555U;
    m = (m & 0x33333333U) + ((m >> 2) & 0x33333333U);
    m = (m + (m >> 4)) & 0x0F0F0F0FU;
    return static_cast<int>((m * 0x01010101U) >> 24);
#endif
}

inline constexpr std::size_t plain_text_classes_min = 8;
inline constexpr std::size_t plain_text_classes_max = 32;

#if NUMREP_HAVE_PLAIN_TEXT_CLASSES

namespace plain_classes_impl {

struct masks16 {
    std::uint32_t digits, separators, plus, tilde;
};

inline masks16 classify16(__m128i v) noexcept {
    const auto is = [v](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
    // Signed compares: bytes from 0x80 up are negative, so never digits.
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                        _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    const __m128i separator = _mm_or_si128(_mm_or_si128(_mm_or_si128(is(' '), is('-')), _mm_or_si128(is('.'), is('/'))),
                                           _mm_or_si128(is('('), is(')')));
    const auto bits = [](__m128i m) { return static_cast<std::uint32_t>(_mm_movemask_epi8(m)); };
    return {bits(digit), bits(separator), bits(is('+')), bits(is('~'))};
}

}  // namespace plain_classes_impl

// The classes of text[0, n), 8 <= n <= 32. Reads only the n bytes: two loads that overlap when
// n is not 16 or 32 (8-byte halves below 16), each bit then moved to its byte's offset.
inline plain_text_classes classify_plain_text(const char* text, std::size_t n) noexcept {
    using plain_classes_impl::classify16;
    using plain_classes_impl::masks16;
    masks16 low, high;
    unsigned shift;           // how far high's bit j lies from offset j
    std::uint32_t high_keep;  // offsets high alone covers
    if (n < 16) {
        std::uint64_t head, tail;
        std::memcpy(&head, text, 8);
        std::memcpy(&tail, text + n - 8, 8);
        const masks16 both = classify16(_mm_set_epi64x(static_cast<long long>(tail), static_cast<long long>(head)));
        low = {both.digits & 0xFFU, both.separators & 0xFFU, both.plus & 0xFFU, both.tilde & 0xFFU};
        high = {both.digits >> 8, both.separators >> 8, both.plus >> 8, both.tilde >> 8};
        shift = static_cast<unsigned>(n - 8);
        high_keep = ~0xFFU;
    } else {
        low = classify16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text)));
        high = classify16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text + n - 16)));
        shift = static_cast<unsigned>(n - 16);
        high_keep = ~0xFFFFU;
    }
    const auto merge = [&](std::uint32_t l, std::uint32_t h) { return l | ((h << shift) & high_keep); };
    return {merge(low.digits, high.digits), merge(low.separators, high.separators), merge(low.plus, high.plus),
            merge(low.tilde, high.tilde)};
}

#endif

}  // namespace numrep::detail
