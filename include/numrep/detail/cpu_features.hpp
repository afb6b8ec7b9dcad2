// Instructions beyond x86-64's baseline that numrep uses when the CPU has them, checked once at
// start-up: builds for the baseline (as wheels and distributions make) still get them. A
// check made before this runs (another start-up initializer) sees false: the portable code.
// Defining NUMREP_NO_CPU_DISPATCH turns these checks off: popcnt and the SSSE3 byte shuffle are
// then used only where the compiler's flags enable them (-mpopcnt, -mssse3), pdep and AVX-512
// never.
// ./dev test builds its sanitizer tests so, so that the portable code is tested end to end.
#pragma once

namespace numrep::detail {

#if !defined(NUMREP_NO_CPU_DISPATCH) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NUMREP_X86_CPU_DISPATCH 1

struct cpu_features {
    bool popcnt = false;
    bool ssse3 = false;  // the byte shuffle that gathers a plain number's digits
    // pdep in a few cycles: Intel's BMI2. AMD's before Zen 3 run it in microcode, slower
    // than the portable code, so AMD takes the portable code.
    bool fast_pdep = false;
    // 64-bit lane multiplies and permutes in 512-bit registers, 64-bit mask moves: the Bloom
    // block test (block_probes.hpp). __builtin_cpu_supports also checks that the OS saves
    // those registers.
    bool avx512 = false;
};

inline const cpu_features cpu = [] {
    __builtin_cpu_init();
    cpu_features f;
    f.popcnt = __builtin_cpu_supports("popcnt") != 0;
    f.ssse3 = __builtin_cpu_supports("ssse3") != 0;
    // tzcnt (BMI1) follows pdep in select64.
    f.fast_pdep = __builtin_cpu_supports("bmi2") != 0 && __builtin_cpu_supports("bmi") != 0 &&
                  __builtin_cpu_is("intel") != 0;
    f.avx512 = __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512dq") != 0 &&
               __builtin_cpu_supports("avx512bw") != 0;
    return f;
}();
#endif

}  // namespace numrep::detail
