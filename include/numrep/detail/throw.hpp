// The helpers numrep throws through (file errors: file_error.hpp): [[noreturn]] functions keep
// throwing sites one line and hot paths small; quote() caps and escapes input a message repeats.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "../error.hpp"

namespace numrep::detail {

// Quotes untrusted input for an error message: printable ASCII as is, other bytes escaped,
// long inputs cut (a 10 MB string must not become a 40 MB message).
inline std::string quote(std::string_view text) {
    constexpr std::size_t shown = 64;
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size() && i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
        } else {
            constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out += '"';
    if (text.size() > shown) out += "... (" + std::to_string(text.size()) + " bytes)";
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
