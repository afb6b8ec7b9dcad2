// Catch2 v3 splits its headers; v2 is one file. Tests include this and work with either.
#pragma once
#if NUMREP_CATCH_MAJOR >= 3
#include <catch2/catch_all.hpp>
using Catch::Approx;  // global in v2
#else
#include <catch2/catch.hpp>
#endif

#include <string>

namespace numrep_test {
// "message contains this text": Matchers::Contains in v2, ContainsSubstring in v3.
inline auto contains(const std::string& text) {
#if NUMREP_CATCH_MAJOR >= 3
    return Catch::Matchers::ContainsSubstring(text);
#else
    return Catch::Matchers::Contains(text);
#endif
}
}  // namespace numrep_test
