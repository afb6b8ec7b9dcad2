// Store-file inputs for the Bloom filter and trie harnesses: the first byte says whether to
// repair the header and payload checksums after the fuzzer's changes (without that, nearly
// every mutation stops at the checksum and the checks behind it are never reached).
#pragma once

#include <numrep/detail/file_format.hpp>
#include <numrep/detail/hash.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <vector>

#include <numrep/error.hpp>

#include "fuzz_support.hpp"

namespace numrep_fuzz {

inline constexpr std::uint8_t fix_header_checksum = 1;
inline constexpr std::uint8_t fix_payload_checksum = 2;

// Rewrites the checksums of a store file in place where the header says where they go.
inline void fix_checksums(std::vector<std::byte>& file, std::uint8_t flags) {
    namespace at = numrep::detail::header_offset;
    using numrep::detail::load_le;
    using numrep::detail::store_le;
    if (file.size() < numrep::detail::file_fixed_header_size) return;
    const auto header_size = load_le<std::uint32_t>(file.data() + at::header_size);
    if (header_size < at::checked_from || header_size > file.size()) return;
    const std::span<const std::byte> bytes(file);
    if ((flags & fix_payload_checksum) != 0)
        store_le<std::uint64_t>(file.data() + at::payload_checksum,
                                numrep::detail::xxh3_bytes(bytes.subspan(header_size)));
    if ((flags & fix_header_checksum) != 0)
        store_le<std::uint64_t>(file.data() + at::header_checksum,
                                numrep::detail::xxh3_bytes(
                                    bytes.subspan(at::checked_from, header_size - at::checked_from)));
}

// Keys to ask a store about: a fixed spread over every length, then some from the input.
inline std::vector<std::uint64_t> probe_keys(std::span<const std::byte> seed_bytes) {
    std::vector<std::uint64_t> keys{
        0, 1, 84912345678ULL, 12025550123ULL, 999999999999999ULL, 1000000000000000ULL, ~std::uint64_t{0}};
    std::uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (std::size_t i = 0; i < seed_bytes.size() && i < 64; ++i)
        x = (x ^ std::to_integer<std::uint64_t>(seed_bytes[i])) * 0x100000001B3ULL;
    for (int i = 0; i < 48; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        keys.push_back((x >> 11) % (std::uint64_t{1} << (i % 50 + 1)));
    }
    return keys;
}

// A store opened from fuzzed bytes: nullopt when refused with format_error, the store when
// accepted; any other exception breaks the stores' contract and stops the fuzzer.
template <class Store>
std::optional<Store> attempt(const char* what, auto&& make) {
    try {
        return make();
    } catch (const numrep::format_error&) {
        return std::nullopt;
    } catch (const std::exception& e) {
        NUMREP_FUZZ_CHECK(false, "%s threw something other than format_error: %s", what, e.what());
    }
    return std::nullopt;
}

}  // namespace numrep_fuzz
