// The shortest decimal text that reads back as the same double ("0.001", "1e-300"): for
// messages that repeat a setting and for the canonical manifest. <charconv> only.
#pragma once

#include <array>
#include <charconv>
#include <string>

namespace numrep::detail {

inline std::string shortest_text(double v) {
    std::array<char, 32> buffer{};  // holds any double's shortest form
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
    return {buffer.data(), result.ptr};
}

}  // namespace numrep::detail
