// The benchmarks' universe: every valid Vietnamese mobile number of numrep's built-in plan
// (NSN 9 digits behind country code 84), U = 401.4M numbers under 45 national prefixes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace numrep_bench {

// National prefixes of Vietnamese mobile numbers and how many numbers each holds.
struct mobile_prefix {
    std::uint64_t prefix;  // with country code 84
    std::uint64_t numbers;
};

inline const std::vector<mobile_prefix>& mobile_prefixes() {
    static const std::vector<mobile_prefix> p = [] {
        std::vector<mobile_prefix> out;
        for (const std::uint64_t two :
             std::initializer_list<std::uint64_t>{32, 33, 34, 35, 36, 37, 38, 39, 86, 96, 97, 98, 31, 81,
                                                  82, 83, 84, 85, 88, 91, 94, 87, 70, 76, 77, 78, 79, 89,
                                                  90, 93, 30, 51, 52, 56, 58, 92, 59, 99, 55, 95}) {
            out.push_back({8400 + two, 10'000'000});
        }
        out.push_back({84160, 1'000'000});
        for (const std::uint64_t four : std::initializer_list<std::uint64_t>{1210, 1211, 1212, 1213})
            out.push_back({840000 + four, 100'000});
        return out;
    }();
    return p;
}

inline std::uint64_t universe() {
    std::uint64_t u = 0;
    for (const auto& p : mobile_prefixes()) u += p.numbers;
    return u;
}

// The r-th valid mobile number, r < universe() (not in increasing order across prefixes).
inline std::uint64_t nth_mobile(std::uint64_t r) {
    for (const auto& p : mobile_prefixes()) {
        if (r < p.numbers) return p.prefix * p.numbers + r;  // 9-digit NSN: prefix digits + the rest
        r -= p.numbers;
    }
    return 0;
}

}  // namespace numrep_bench
