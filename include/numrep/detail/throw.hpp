// The helpers numrep throws through (file errors: file_error.hpp): [[noreturn]] functions keep
// throwing sites one line and hot paths small; quote() caps and escapes input a message repeats.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../error.hpp"
#include "requirements.hpp"
#include "unicode.hpp"

namespace numrep::detail {

// Characters that print as nothing, or as something other than themselves, or that reorder
// what follows: Unicode's default-ignorable code points and format characters (soft hyphen,
// zero-width and direction marks, bidirectional embeddings and isolates, variation selectors,
// Hangul fillers, the byte-order mark, tags), line and paragraph separators, private use and
// noncharacters. Shown escaped, so that a message shows what was given.
constexpr bool is_invisible(char32_t c) noexcept {
    constexpr std::array<std::array<char32_t, 2>, 32> ranges{{
        {0xAD, 0xAD},       {0x34F, 0x34F},     {0x600, 0x605},      {0x61C, 0x61C},     {0x6DD, 0x6DD},
        {0x70F, 0x70F},     {0x890, 0x891},     {0x8E2, 0x8E2},      {0x115F, 0x1160},   {0x17B4, 0x17B5},
        {0x180B, 0x180F},   {0x200B, 0x200F},   {0x2028, 0x202E},    {0x2060, 0x206F},   {0x3164, 0x3164},
        {0xE000, 0xF8FF},   {0xFDD0, 0xFDEF},   {0xFE00, 0xFE0F},    {0xFEFF, 0xFEFF},   {0xFFA0, 0xFFA0},
        {0xFFF0, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},  {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3},
        {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF}, {0xF0000, 0x10FFFF}, {0xFFFE, 0xFFFF},   {0x1FFFE, 0x1FFFF},
        {0x2FFFE, 0x2FFFF}, {0x3FFFE, 0x3FFFF},
    }};
    if ((c & 0xFFFE) == 0xFFFE) return true;  // the noncharacters ending every plane
    for (const auto& [first, last] : ranges)
        if (c >= first && c <= last) return true;
    return false;
}

// "U+1ECD": a code point as Unicode names it (four hex digits at least).
inline std::string code_point_name(char32_t c) {
    constexpr char hex[] = "0123456789ABCDEF";
    std::string digits;
    for (int shift = 20; shift >= 0; shift -= 4)
        if (const auto d = (c >> shift) & 15; d != 0 || !digits.empty() || shift < 16) digits += hex[d];
    return "U+" + digits;
}

// Untrusted input as it may be shown: printable characters as they are (well-formed UTF-8
// included, so that "Số 0912" reads as written), control characters, invisible ones and bytes
// that are not UTF-8 escaped (\x1b, \u200b, \xff), and '\' (and '"' when `quoted`, for text
// shown between quotes) escaped too, so that an escape cannot be mistaken for the text. At most
// `limit` bytes of the input, cut at a character; `used`, when given, gets how many were shown.
inline std::string escaped(std::string_view text, bool quoted = false, std::size_t limit = std::string_view::npos,
                           std::size_t* used = nullptr) {
    constexpr char hex[] = "0123456789abcdef";
    const auto escape = [&](std::string& out, const char* prefix, std::uint32_t value, int digits) {
        out += prefix;
        for (int d = digits - 1; d >= 0; --d) out += hex[(value >> (4 * d)) & 15];
    };
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        // A control character or a byte outside UTF-8 decodes as invalid, one byte long.
        const decoded d = c >= 0x20 && c < 0x7F ? decoded{c, 1}
                          : c < 0x80            ? decoded{invalid_code_point, 1}
                                                : decode_at(text, i);
        if (i + d.length > limit) break;  // stops before a character that would end past `limit`
        if ((c == '"' && quoted) || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (d.code_point == invalid_code_point) {
            escape(out, "\\x", c, 2);
        } else if (d.code_point >= 0x7F && (d.code_point < 0xA0 || is_invisible(d.code_point))) {
            escape(out, d.code_point <= 0xFFFF ? "\\u" : "\\U", d.code_point, d.code_point <= 0xFFFF ? 4 : 8);
        } else {
            out.append(text.substr(i, d.length));
        }
        i += d.length;
    }
    if (used != nullptr) *used = i;
    return out;
}

// Quotes untrusted input for an error message (escaped): long inputs cut at a character (a 10 MB
// string must not become a 40 MB message).
inline std::string quote(std::string_view text) {
    constexpr std::size_t shown = 64;  // bytes of the input
    std::size_t used = 0;
    std::string out = "\"" + escaped(text, true, shown, &used) + "\"";
    if (used < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

[[noreturn]] inline void throw_invalid_argument(const std::string& message) {
    throw std::invalid_argument("numrep: " + message);
}

[[noreturn]] inline void throw_parse_error(const std::string& message) { throw parse_error("numrep: " + message); }

[[noreturn]] inline void throw_format_error(const std::string& message) { throw format_error("numrep: " + message); }

// Misuse of the API that no input can cause (e.g. unaligned bytes handed to a store).
[[noreturn]] inline void throw_logic_error(const std::string& message) { throw std::logic_error("numrep: " + message); }

[[noreturn]] inline void throw_length_error(const std::string& message) {
    throw std::length_error("numrep: " + message);
}

// A state of the world that forbids the call now (another writer published first).
[[noreturn]] inline void throw_runtime_error(const std::string& message) {
    throw std::runtime_error("numrep: " + message);
}

}  // namespace numrep::detail
