// throw_file_error: an operating-system error on a file as std::system_error (OSError in Python)
// naming the path. Apart from throw.hpp so that headers without file I/O skip <system_error>.
// Paths are std::string, not std::filesystem::path: <filesystem> alone costs about twice a
// baseline translation unit (benchmarks/results/compile_times.md), and on POSIX a path converts
// to std::string implicitly, so callers holding one pass it unchanged.
#pragma once

#include <string>
#include <system_error>

namespace numrep::detail {

// An operating-system error on a file: std::system_error (OSError in Python) naming the path.
[[noreturn]] inline void throw_file_error(int error, const std::string& path, const char* what) {
    throw std::system_error(error, std::generic_category(), "numrep: " + std::string(what) + " '" + path + "'");
}

}  // namespace numrep::detail
