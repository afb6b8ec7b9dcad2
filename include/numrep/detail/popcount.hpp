// Counting set bits without a call into libgcc: without a popcnt instruction in the target
// (x86-64's baseline), GCC turns std::popcount into one; the SWAR form stays inline. Builds
// with -mpopcnt (or for ARM) take the instruction.
#pragma once

#include <bit>
#include <cstdint>

namespace numrep::detail {

constexpr unsigned popcount64(std::uint64_t x) noexcept {
#if defined(__POPCNT__) || defined(__ARM_NEON) || defined(__aarch64__)
    return static_cast<unsigned>(std::popcount(x));
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<unsigned>((x * 0x0101010101010101ULL) >> 56);
#endif
}

}  // namespace numrep::detail
