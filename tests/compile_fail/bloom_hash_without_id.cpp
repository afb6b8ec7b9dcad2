// expect-error: static assertion failed.*numrep::bloom_filter: Hash must be .*define .static constexpr std::uint32_t id.
#include <cstdint>

#include <numrep/bloom_filter.hpp>

struct anonymous_hash {
    std::uint64_t operator()(std::uint64_t key, std::uint64_t seed) const noexcept { return key ^ seed; }
};
numrep::bloom_filter<512, anonymous_hash> filter(10, 0.01);
