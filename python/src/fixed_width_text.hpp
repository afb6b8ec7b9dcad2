// NumPy's fixed-width strings ('U': UTF-32 code points, 'S': bytes; each value padded with NULs
// to the array's width) as UTF-8, so that they are parsed as Arrow's strings are: by the
// parser's one-pass vector scan, which reads UTF-8, in parse_keys' order by shape.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define NUMREP_FIXED_WIDTH_SSE2 1
#else
#define NUMREP_FIXED_WIDTH_SSE2 0
#endif

namespace numrep::python {

// Appends the UTF-8 form of one code point. A surrogate gets its three bytes (Python's
// "surrogatepass"); a value above U+10FFFF, which UTF-8 cannot carry, the byte 0xFF. Neither is
// valid UTF-8: the parser refuses both (a bad character), so the key, 0, is the same.
inline char* append_utf8(std::uint32_t c, char* out) noexcept {
    if (c < 0x80) {
        *out++ = static_cast<char>(c);
    } else if (c < 0x800) {
        *out++ = static_cast<char>(0xC0 | (c >> 6));
        *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *out++ = static_cast<char>(0xE0 | (c >> 12));
        *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c <= 0x10FFFF) {
        *out++ = static_cast<char>(0xF0 | (c >> 18));
        *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
        *out++ = static_cast<char>(0xFF);
    }
    return out;
}

constexpr bool is_surrogate(std::uint32_t c) noexcept { return c >= 0xD800 && c <= 0xDFFF; }
// U+DC80..U+DCFF: a byte that was not UTF-8, as os.fsdecode and errors="surrogateescape" keep it.
constexpr bool is_escaped_byte(std::uint32_t c) noexcept { return c >= 0xDC80 && c <= 0xDCFF; }

// A value's surrogates are written as the UTF-8 of a str is (convert.cpp, utf8_of): as the
// bytes they stand for when every one is an escaped byte, else each as its three bytes; so
// that a bad value of a 'U' array reads back as the same str as the value of a list.
inline bool surrogates_are_escaped_bytes(const std::uint32_t* c, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i)
        if (is_surrogate(c[i]) && !is_escaped_byte(c[i])) return false;
    return true;
}

// Bytes of UTF-8 that `count` code points take at most.
inline constexpr std::size_t utf8_bytes_at_most(std::size_t count) noexcept { return 4 * count; }

// Writes the UTF-8 form of code points [0, count) at out; returns the end. Runs of eight ASCII
// code points (nearly every phone number) are narrowed eight at a time.
inline char* utf8_of_code_points(const std::uint32_t* c, std::size_t count, char* out) noexcept {
    int escaped = -1;  // surrogates_are_escaped_bytes, once a surrogate is met
    const auto append = [&](std::uint32_t code_point) {
        if (is_surrogate(code_point)) {
            if (escaped < 0) escaped = surrogates_are_escaped_bytes(c, count) ? 1 : 0;
            if (escaped == 1) {
                *out++ = static_cast<char>(code_point - 0xDC00);
                return;
            }
        }
        out = append_utf8(code_point, out);
    };
    std::size_t i = 0;
#if NUMREP_FIXED_WIDTH_SSE2
    const __m128i ascii_bits = _mm_set1_epi32(0x7F);
    for (; i + 8 <= count; i += 8) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c + i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c + i + 4));
        const __m128i high = _mm_andnot_si128(ascii_bits, _mm_or_si128(a, b));
        if (_mm_movemask_epi8(_mm_cmpeq_epi32(high, _mm_setzero_si128())) != 0xFFFF) {
            for (std::size_t k = i; k < i + 8; ++k) append(c[k]);
            continue;
        }
        // Every value is below 0x80: the saturating packs keep them as they are.
        const __m128i words = _mm_packs_epi32(a, b);
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(words, words));
        out += 8;
    }
#endif
    for (; i < count; ++i) append(c[i]);
    return out;
}

// The length of bytes [0, n) without their trailing NUL bytes (NumPy's padding: in UTF-8 a NUL
// byte is only ever U+0000, so this also trims a converted 'U' value).
inline std::size_t without_trailing_nuls(const char* bytes, std::size_t n) noexcept {
#if NUMREP_FIXED_WIDTH_SSE2
    for (; n >= 16; n -= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + n - 16));
        const auto nuls = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())));
        const unsigned others = ~nuls & 0xFFFFU;
        if (others != 0) return n - 16 + static_cast<std::size_t>(std::bit_width(others));
    }
#endif
    while (n > 0 && bytes[n - 1] == 0) --n;
    return n;
}

}  // namespace numrep::python
