// The probe test of a 512-bit Bloom block in one pass of AVX-512 instructions: up to eight
// probe positions computed, their words gathered from the block and their bits tested at
// once, where the portable loop takes a multiply, two shifts, a load and a test per probe.
// Written as inline assembly, so that no intrinsics header (it would add ~0.4 s to every
// translation unit that includes bloom_filter.hpp) and no target attribute (it would keep the
// test from being inlined into its caller) is needed; used only when the CPU has AVX-512F and
// AVX-512DQ and AVX-512BW (cpu_features.hpp; the OS must also save the registers). The mask
// register k1 is saved and restored around the test, because GCC accepts no clobber of it in
// code not built for AVX-512 (where it cannot be in use), while code that is may hold a value
// there.
#pragma once

#include <cstdint>

#include "cpu_features.hpp"

namespace numrep::detail {

#if defined(NUMREP_X86_CPU_DISPATCH)

// Whether, for every lane i < k, bit (x * powers[i]) >> 55 of the 512-bit block is set:
// bloom_filter's blocked probe test, given the block, x (the rotated hash), the eight probe
// multipliers and lanes = 2^k - 1. It leaves the upper halves of the vector registers in use:
// call leave_wide_vectors() once a batch of these is done.
inline bool block_probes_set_avx512(const std::uint64_t* block, std::uint64_t x, const std::uint64_t* powers,
                                    unsigned lanes) noexcept {
    static constexpr std::uint64_t low_six_bits = 63;
    static constexpr std::uint64_t one = 1;
    unsigned clear;       // lanes whose probed bit is clear
    std::uint64_t saved;  // k1, which the compiler may use in code built for AVX-512: restored
    // Positions p (9 bits) of the eight probes; in each lane the word p / 64 of the block,
    // shifted right by p % 64; lanes whose low bit is clear set in k1.
    asm("kmovq %%k1, %[saved]\n\t"
        "vpbroadcastq %[x], %%zmm0\n\t"
        "vpmullq %[powers], %%zmm0, %%zmm0\n\t"
        "vpsrlq $55, %%zmm0, %%zmm0\n\t"
        "vpsrlq $6, %%zmm0, %%zmm1\n\t"
        "vpermq %[block], %%zmm1, %%zmm1\n\t"
        "vpandq %[low_six]%{1to8%}, %%zmm0, %%zmm0\n\t"
        "vpsrlvq %%zmm0, %%zmm1, %%zmm1\n\t"
        "vptestnmq %[one]%{1to8%}, %%zmm1, %%k1\n\t"
        "kmovb %%k1, %[clear]\n\t"
        "kmovq %[saved], %%k1"
        : [clear] "=&r"(clear), [saved] "=&r"(saved)
        : [x] "r"(x), [powers] "m"(*reinterpret_cast<const std::uint64_t(*)[8]>(powers)),
          [block] "m"(*reinterpret_cast<const std::uint64_t(*)[8]>(block)), [low_six] "m"(low_six_bits), [one] "m"(one)
        : "xmm0", "xmm1");
    return (clear & lanes) == 0;
}

// Clears the vector registers' upper halves after AVX-512 code, so that SSE code running next
// does not pay for keeping them. The clobbers say so: in code built for AVX or AVX-512 the
// compiler may keep a wide value in any of these registers across the call.
inline void leave_wide_vectors() noexcept {
    asm volatile("vzeroupper" ::
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
                       "xmm12", "xmm13", "xmm14", "xmm15");
}

#endif

}  // namespace numrep::detail
