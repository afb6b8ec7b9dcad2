// throw_file_error: an operating-system error on a file as std::system_error (OSError in Python)
// naming the path. Apart from throw.hpp so that headers without file I/O skip <filesystem>.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>

namespace numrep::detail {

// An operating-system error on a file: std::system_error (OSError in Python) naming the path.
[[noreturn]] inline void throw_file_error(int error, const std::filesystem::path& path, const char* what) {
    throw std::system_error(error, std::generic_category(),
                            "numrep: " + std::string(what) + " '" + path.string() + "'");
}

}  // namespace numrep::detail
