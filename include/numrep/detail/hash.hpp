// XXH3-64 of one integer key under a seed: the hash every numrep store uses, so that a store
// built in one process (or in Python) answers the same in any other. About 2 ns per key;
// xxHash is used header-only, nothing to link.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

// xxhash.h supports being included both with and without XXH_INLINE_ALL in one translation
// unit (it renames its inline copy), so we define the macro only around our own include and
// leave the user's setting as we found it.
#if !defined(XXH_INLINE_ALL)
#define XXH_INLINE_ALL
#define NUMREP_DETAIL_UNDEF_XXH_INLINE_ALL
#endif
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 warns about a memcpy in XXH3's streaming update that it cannot prove in bounds once
// inlined (stringop-overread), and, where AVX-512 is enabled (-march=native, -mavx512f), about
// an intrinsic's argument in XXH3's AVX-512 accumulator ((maybe-)uninitialized): known false
// positives; keep them out of users' -Wall -Werror builds.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <xxhash.h>
#if defined(NUMREP_DETAIL_UNDEF_XXH_INLINE_ALL)
#undef XXH_INLINE_ALL
#undef NUMREP_DETAIL_UNDEF_XXH_INLINE_ALL
#endif

namespace numrep {

// The default hash policy of the stores. `id` is written into store files, so a file built
// with one hash is never read with another; a custom policy must pick an id other than 1.
struct xxh3_hasher {
    static constexpr std::uint32_t id = 1;

    // Hashes the key's 8 bytes in little-endian order, whatever the host, so files agree.
    std::uint64_t operator()(std::uint64_t key, std::uint64_t seed) const noexcept {
        if constexpr (std::endian::native == std::endian::big) {
            key = ((key & 0x00000000000000FFULL) << 56) | ((key & 0x000000000000FF00ULL) << 40) |
                  ((key & 0x0000000000FF0000ULL) << 24) | ((key & 0x00000000FF000000ULL) << 8) |
                  ((key & 0x000000FF00000000ULL) >> 8) | ((key & 0x0000FF0000000000ULL) >> 24) |
                  ((key & 0x00FF000000000000ULL) >> 40) | ((key & 0xFF00000000000000ULL) >> 56);
        }
        return static_cast<std::uint64_t>(XXH3_64bits_withSeed(&key, sizeof key, seed));
    }
};

namespace detail {

// XXH3-64 of a byte range, used for file checksums (seed 0: checksums need no secret).
inline std::uint64_t xxh3_bytes(std::span<const std::byte> bytes) noexcept {
    return static_cast<std::uint64_t>(XXH3_64bits(bytes.data(), bytes.size()));
}

// Streaming XXH3-64 for checksums over data that is never contiguous in memory (a header
// built field by field, then sections written straight from the store). Equal to
// xxh3_bytes of the concatenation.
class xxh3_stream {
public:
    xxh3_stream() noexcept {
        XXH3_INITSTATE(&state_);  // a state not from XXH3_createState must be initialised
        XXH3_64bits_reset(&state_);
    }
    xxh3_stream(const xxh3_stream&) = delete;
    xxh3_stream& operator=(const xxh3_stream&) = delete;

    void update(std::span<const std::byte> bytes) noexcept {
        if (!bytes.empty()) XXH3_64bits_update(&state_, bytes.data(), bytes.size());
    }
    // Feeds n zero bytes (section padding) without materialising them all at once.
    void update_zeros(std::size_t n) noexcept {
        static constexpr std::array<std::byte, 64> zeros{};
        while (n > 0) {
            const std::size_t chunk = n < zeros.size() ? n : zeros.size();
            XXH3_64bits_update(&state_, zeros.data(), chunk);
            n -= chunk;
        }
    }
    std::uint64_t digest() const noexcept { return static_cast<std::uint64_t>(XXH3_64bits_digest(&state_)); }

private:
    XXH3_state_t state_;
};

}  // namespace detail
}  // namespace numrep

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
