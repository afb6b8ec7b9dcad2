// The helpers numrep throws through (file errors: file_error.hpp): [[noreturn]] functions keep
// throwing sites one line and hot paths small; quote() caps and escapes input a message repeats.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../error.hpp"
#include "unicode.hpp"

namespace numrep::detail {

// Characters that print as nothing or reorder what follows (soft hyphen, zero-width and
// direction marks, bidirectional embeddings and isolates, invisible operators, the byte-order
// mark, interlinear annotation, tags): shown escaped, so that a message shows what was given.
constexpr bool is_invisible(char32_t c) noexcept {
    return c == 0xAD || c == 0x61C || c == 0x180E || (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) ||
           (c >= 0xE0000 && c <= 0xE007F);
}

// Quotes untrusted input for an error message: printable characters as they are (well-formed
// UTF-8 included, so that "Số 0912" reads as written), control characters, invisible ones and
// bytes that are not UTF-8 escaped (\x1b, \u200b, \xff), long inputs cut at a character (a
// 10 MB string must not become a 40 MB message).
inline std::string quote(std::string_view text) {
    constexpr std::size_t shown = 64;  // bytes of the input
    constexpr char hex[] = "0123456789abcdef";
    const auto escape = [&](std::string& out, const char* prefix, std::uint32_t value, int digits) {
        out += prefix;
        for (int d = digits - 1; d >= 0; --d) out += hex[(value >> (4 * d)) & 15];
    };
    std::string out = "\"";
    std::size_t i = 0;
    while (i < text.size() && i < shown) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        const decoded d = c < 0x80 ? decoded{invalid_code_point, 1} : decode_at(text, i);
        if (d.code_point == invalid_code_point) {  // a control character or a byte outside UTF-8
            escape(out, "\\x", c, 2);
            ++i;
        } else if (d.code_point < 0xA0 || is_invisible(d.code_point)) {  // C1 controls and the invisible
            if (d.code_point <= 0xFFFF) escape(out, "\\u", d.code_point, 4);
            else
                escape(out, "\\U", d.code_point, 8);
            i += d.length;
        } else {
            out.append(text.substr(i, d.length));
            i += d.length;
        }
    }
    out += '"';
    if (i < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
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

}  // namespace numrep::detail
