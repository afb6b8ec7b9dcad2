// Software prefetch hints: batch queries issue them for many keys before reading any, so that
// cache misses overlap. No-ops on compilers without __builtin_prefetch.
#pragma once

namespace numrep::detail {

inline void prefetch_read(const void* address) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#else
    (void)address;
#endif
}

inline void prefetch_write(const void* address) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 1, 3);
#else
    (void)address;
#endif
}

}  // namespace numrep::detail
