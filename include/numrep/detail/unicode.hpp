// Code-point level helpers for the parser: a bounds-checked UTF-8 decoder, the value of any
// Unicode decimal digit (general category Nd, Unicode 14), and the characters people put
// between digits. Everything is constexpr and allocation-free; decoding is O(1) per code point.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace numrep::detail {

inline constexpr char32_t invalid_code_point = 0xFFFFFFFFu;

struct decoded {
    char32_t code_point;  // invalid_code_point for a malformed sequence
    std::size_t length;   // code units consumed, at least 1
};

// Decodes one code point at text[pos]. Overlong forms, surrogates and values above U+10FFFF
// are malformed; a malformed sequence consumes one byte so that scanning always advances.
constexpr decoded decode_at(std::string_view text, std::size_t pos) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) return {lead, 1};
    std::size_t length = 0;
    char32_t value = 0;
    char32_t minimum = 0;
    if ((lead & 0xE0) == 0xC0) {
        length = 2, value = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, value = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, value = lead & 0x07, minimum = 0x10000;
    } else {
        return {invalid_code_point, 1};
    }
    if (text.size() - pos < length) return {invalid_code_point, 1};
    for (std::size_t i = 1; i < length; ++i) {
        const unsigned char next = byte(pos + i);
        if ((next & 0xC0) != 0x80) return {invalid_code_point, 1};
        value = (value << 6) | (next & 0x3F);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {invalid_code_point, 1};
    return {value, length};
}

// UTF-32 input (NumPy 'U' arrays) needs no decoding, only validation.
constexpr decoded decode_at(std::u32string_view text, std::size_t pos) noexcept {
    const char32_t c = text[pos];
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return {invalid_code_point, 1};
    return {c, 1};
}

// The code point of '0' in every Unicode decimal-digit run; each run holds 0..9 in order.
inline constexpr std::array<char32_t, 66> digit_zeros{
    0x30,    0x660,   0x6F0,   0x7C0,   0x966,   0x9E6,   0xA66,   0xAE6,   0xB66,   0xBE6,   0xC66,
    0xCE6,   0xD66,   0xDE6,   0xE50,   0xED0,   0xF20,   0x1040,  0x1090,  0x17E0,  0x1810,  0x1946,
    0x19D0,  0x1A80,  0x1A90,  0x1B50,  0x1BB0,  0x1C40,  0x1C50,  0xA620,  0xA8D0,  0xA900,  0xA9D0,
    0xA9F0,  0xAA50,  0xABF0,  0xFF10,  0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0,
    0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60,
    0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
};

// 0-9 for a decimal digit of any script, -1 otherwise.
constexpr int digit_value(char32_t c) noexcept {
    if (c < 0x80) return (c >= '0' && c <= '9') ? static_cast<int>(c - '0') : -1;
    // Largest zero not above c; c is a digit when it lies within ten of it.
    const auto* it = std::upper_bound(digit_zeros.begin(), digit_zeros.end(), c);
    if (it == digit_zeros.begin()) return -1;
    const char32_t zero = *(it - 1);
    return c - zero < 10 ? static_cast<int>(c - zero) : -1;
}

// White space that may surround or split a number (Unicode White_Space plus zero-width ones
// that copy-paste from web pages and spreadsheets leaves behind), and the invisible
// bidirectional marks that right-to-left text and chat exports put around numbers
// ("\u202A+84 912 345 678\u202C").
constexpr bool is_space(char32_t c) noexcept {
    switch (c) {
        case 0x09:
        case 0x0A:
        case 0x0B:
        case 0x0C:
        case 0x0D:
        case 0x20:
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
        case 0x200B:
        case 0x200C:
        case 0x200D:
        case 0x2060:
        case 0xFEFF:
        case 0x061C:               // Arabic letter mark
        case 0x200E:               // left-to-right mark
        case 0x200F: return true;  // right-to-left mark
        default:
            // Spaces of every width; bidirectional embeddings and overrides; isolates.
            return (c >= 0x2000 && c <= 0x200A) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }
}

// Punctuation that groups digits: dots, dashes of every kind, slashes, and their full-width forms.
constexpr bool is_digit_separator(char32_t c) noexcept {
    switch (c) {
        case '.':
        case '-':
        case '/':
        case 0x2010:
        case 0x2011:
        case 0x2012:
        case 0x2013:
        case 0x2014:
        case 0x2015:
        case 0x2212:
        case 0x30FB:
        case 0xFF0D:
        case 0xFF0E:
        case 0xFF0F:
        case 0x00AD:
        case 0x00B7: return true;
        default: return false;
    }
}

constexpr bool is_open_paren(char32_t c) noexcept { return c == '(' || c == '[' || c == 0xFF08; }
constexpr bool is_close_paren(char32_t c) noexcept { return c == ')' || c == ']' || c == 0xFF09; }
constexpr bool is_plus(char32_t c) noexcept { return c == '+' || c == 0xFF0B; }

}  // namespace numrep::detail
