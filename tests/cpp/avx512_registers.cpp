// numrep_avx512_register_tests: the AVX-512 Bloom block test (detail/block_probes.hpp) keeps
// the registers that code built for AVX-512 may hold values in. The checks below are compiled
// for AVX-512 (a target attribute each; the rest of this file and the headers stay at the
// baseline), so the compiler keeps masks in k registers and wide values in zmm registers
// across the inline assembly, as a user's AVX-512 build would. They run only on a CPU that
// can execute them. Exit code 77: skipped. (GCC keeps a mask in k1 across the test, so a
// missing restore of k1 fails here; Clang allocates other mask registers there.) Not in
// numrep_tests: its sanitizer build turns CPU dispatch off, and this needs a main of its own
// that checks the CPU first.
#include <immintrin.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <random>

#include <numrep/bloom_filter.hpp>
#include <numrep/detail/block_probes.hpp>
#include <numrep/detail/cpu_features.hpp>

#include "bloom_probe_reference.hpp"

#if defined(NUMREP_X86_CPU_DISPATCH)
#define NUMREP_TEST_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw")))
namespace {
// Seven masks live across each block test, used after it: with the k registers this full,
// the compiler keeps one in k1, which the test's assembly uses and must give back.
NUMREP_TEST_AVX512 int masks_survive_block_tests() {
    const auto powers = numrep_test::probe_powers();
    std::mt19937_64 rng(77);
    alignas(64) std::array<std::uint64_t, 8> block{};
    alignas(64) std::array<std::uint64_t, 8> lanes{};
    int failures = 0;
    for (int t = 0; t < 20'000; ++t) {
        for (auto& w : block) w = rng() | rng();
        for (auto& l : lanes) l = rng();
        const __m512i v = _mm512_load_si512(lanes.data());
        const std::uint64_t x = rng();
        const unsigned k = 1 + static_cast<unsigned>(t % 8);
        // m_i: the sign bits of v shifted left by i - 1 (doublings: no shift intrinsic, whose
        // GCC 12 header warns under -Wmaybe-uninitialized).
        const __m512i v2 = _mm512_add_epi64(v, v);
        const __m512i v3 = _mm512_add_epi64(v2, v2);
        const __m512i v4 = _mm512_add_epi64(v3, v3);
        const __m512i v5 = _mm512_add_epi64(v4, v4);
        const __m512i v6 = _mm512_add_epi64(v5, v5);
        const __m512i v7 = _mm512_add_epi64(v6, v6);
        const __mmask8 m1 = _mm512_movepi64_mask(v);
        const __mmask8 m2 = _mm512_movepi64_mask(v2);
        const __mmask8 m3 = _mm512_movepi64_mask(v3);
        const __mmask8 m4 = _mm512_movepi64_mask(v4);
        const __mmask8 m5 = _mm512_movepi64_mask(v5);
        const __mmask8 m6 = _mm512_movepi64_mask(v6);
        const __mmask8 m7 = _mm512_movepi64_mask(v7);
        const bool got = numrep::detail::block_probes_set_avx512(block.data(), x, powers.data(), (1U << k) - 1);
        // Each mask selects lanes of v by its own shift: recomputed here, they must agree.
        const __m512i used = _mm512_mask_add_epi64(
            _mm512_maskz_mov_epi64(m1, v), m2,
            _mm512_mask_add_epi64(_mm512_maskz_mov_epi64(m3, v), m4,
                                  _mm512_mask_add_epi64(_mm512_maskz_mov_epi64(m5, v), m6,
                                                        _mm512_maskz_mov_epi64(m7, v), v),
                                  v),
            v);
        std::uint64_t expected_lanes[8];
        std::uint64_t got_lanes[8];
        _mm512_storeu_si512(got_lanes, used);
        for (std::size_t i = 0; i < 8; ++i) {
            const std::uint64_t l = lanes[i];
            const auto in = [&](int mask) { return ((l << (mask - 1)) >> 63) != 0; };  // m1: shift 0, ...
            const std::uint64_t y = in(6) ? (in(7) ? l : 0) + l : (in(5) ? l : 0);
            const std::uint64_t xx = in(4) ? y + l : (in(3) ? l : 0);
            expected_lanes[i] = in(2) ? xx + l : (in(1) ? l : 0);
        }
        bool same = true;
        for (std::size_t i = 0; i < 8; ++i) same = same && got_lanes[i] == expected_lanes[i];
        if (!same || got != numrep_test::probes_set(block.data(), x, powers, k)) {
            if (failures++ < 5)
                std::printf("test %d (k %u): %s\n", t, k, same ? "wrong probe answer" : "a mask changed across it");
        }
    }
    numrep::detail::leave_wide_vectors();
    return failures;
}

// A 512-bit value live across leave_wide_vectors (vzeroupper) keeps its upper half.
NUMREP_TEST_AVX512 int wide_values_survive_vzeroupper() {
    std::mt19937_64 rng(78);
    int failures = 0;
    for (int t = 0; t < 1'000; ++t) {
        alignas(64) std::array<std::uint64_t, 8> lanes{};
        for (auto& l : lanes) l = rng();
        const __m512i a = _mm512_load_si512(lanes.data());
        const __m512i b = _mm512_add_epi64(a, _mm512_set1_epi64(static_cast<long long>(t)));
        numrep::detail::leave_wide_vectors();
        alignas(64) std::array<std::uint64_t, 8> out{};
        _mm512_store_si512(out.data(), _mm512_xor_si512(a, b));
        for (std::size_t i = 0; i < 8; ++i) {
            if (out[i] != (lanes[i] ^ (lanes[i] + static_cast<std::uint64_t>(t)))) {
                if (failures++ < 5) std::printf("test %d: lane %zu of a live zmm value changed\n", t, i);
                break;
            }
        }
    }
    return failures;
}

}  // namespace

int main() {
    if (!(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
          __builtin_cpu_supports("avx512bw"))) {
        std::puts("skipped: this CPU has no AVX-512 (F, DQ and BW)");
        return 77;
    }
    const int failures = masks_survive_block_tests() + wide_values_survive_vzeroupper();
    std::printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
#else
int main() {
    std::puts("skipped: built without run-time CPU dispatch (NUMREP_NO_CPU_DISPATCH, or not x86-64 GCC/Clang)");
    return 77;
}
#endif
