// Counting set bits without a call into libgcc. x86-64's baseline has no popcnt instruction,
// so GCC turns std::popcount into a libgcc call there; instead, the instruction is used when
// the CPU has it (checked once, at start-up), and a SWAR count when it does not. Builds with
// -mpopcnt (or for ARM) take the instruction directly.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "cpu_features.hpp"

namespace numrep::detail {

// The count in a few shifts, masks and one multiplication: for targets without the instruction.
constexpr unsigned popcount64_portable(std::uint64_t x) noexcept {
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<unsigned>((x * 0x0101010101010101ULL) >> 56);
}

#if defined(NUMREP_X86_CPU_DISPATCH)
// The popcnt instruction, for CPUs that have it (cpu.popcnt).
inline unsigned popcount64_instruction(std::uint64_t x) noexcept {
    std::uint64_t count;
    // Zeroed first: popcnt waits on its destination's old value on some Intel CPUs.
    asm("xorl %k0, %k0\n\tpopcntq %1, %0" : "=&r"(count) : "r"(x) : "cc");
    return static_cast<unsigned>(count);
}
#endif

constexpr unsigned popcount64(std::uint64_t x) noexcept {
#if defined(__POPCNT__) || defined(__ARM_NEON) || defined(__aarch64__)
    return static_cast<unsigned>(std::popcount(x));
#else
#if defined(NUMREP_X86_CPU_DISPATCH)
    if (!std::is_constant_evaluated() && cpu.popcnt) return popcount64_instruction(x);
#endif
    return popcount64_portable(x);
#endif
}

}  // namespace numrep::detail
