// expect-error: static assertion failed.*numrep::bloom_filter: Hash must be default-constructible, callable as
// The hash must be noexcept (contains() is).
#include <cstdint>

#include <numrep/bloom_filter.hpp>

struct throwing_hash {
    static constexpr std::uint32_t id = 9;
    std::uint64_t operator()(std::uint64_t key, std::uint64_t seed) const { return key ^ seed; }
};
numrep::bloom_filter<512, throwing_hash> filter(10, 0.01);
