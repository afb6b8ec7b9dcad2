// The blocked Bloom filter's probe test written out plainly, as the tests' reference for the
// AVX-512 block test (detail/block_probes.hpp): probe i of rotated hash x is bit
// (x * C^i) >> 55 of the 512-bit block, C = detail::probe_multiplier.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <numrep/bloom_filter.hpp>

namespace numrep_test {

// C^0 .. C^7: the multipliers of the first eight probes.
inline std::array<std::uint64_t, 8> probe_powers() {
    std::array<std::uint64_t, 8> powers{};
    powers[0] = 1;
    for (std::size_t i = 1; i < powers.size(); ++i) powers[i] = powers[i - 1] * numrep::detail::probe_multiplier;
    return powers;
}

// Whether the first k probes of x all find their bit set in the block.
inline bool probes_set(const std::uint64_t* block, std::uint64_t x, const std::array<std::uint64_t, 8>& powers,
                       unsigned k) {
    std::uint64_t all_set = 1;
    for (unsigned i = 0; i < k; ++i) {
        const auto bit = static_cast<unsigned>((x * powers[i]) >> 55);
        all_set &= block[bit / 64] >> (bit % 64);
    }
    return (all_set & 1U) != 0;
}

}  // namespace numrep_test
