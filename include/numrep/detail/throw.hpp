// [[noreturn]] helpers so that throwing sites stay one line and hot paths stay small.
#pragma once

#include <stdexcept>
#include <string>

#include "../error.hpp"

namespace numrep::detail {

[[noreturn]] inline void throw_invalid_argument(const std::string& message) {
    throw std::invalid_argument("numrep: " + message);
}

[[noreturn]] inline void throw_parse_error(const std::string& message) {
    throw parse_error("numrep: " + message);
}

[[noreturn]] inline void throw_format_error(const std::string& message) {
    throw format_error("numrep: " + message);
}

}  // namespace numrep::detail
