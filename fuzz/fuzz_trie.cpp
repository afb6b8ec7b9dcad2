// Fuzzes trie store files: trie_store::from_bytes (fully verified, in memory) and
// trie_store::open of the bytes written to a file, with verify::full and verify::header.
// Input: a flag byte (bits 0-1: repair the header / payload checksum after mutation, see
// store_input.hpp; bits 2-3: the value type, a set, uint32_t, number_record or uint64_t), then
// the file. Checks: a bad file is numrep::format_error; from_bytes and open(full) accept the
// same files and open(header) every file they do. A fully verified store keeps its promises:
// keys ascend, select/rank/index_of/contains/find agree with iteration, count_prefix(0) is
// size(). A store opened with verify::header only may answer wrongly but must answer without
// crashing (every query kind is run, on a bounded number of keys).
#include <numrep/error.hpp>
#include <numrep/number_record.hpp>
#include <numrep/trie_store.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "fuzz_support.hpp"
#include "store_input.hpp"

namespace {

constexpr std::size_t max_walk = 2000;  // keys iterated per store

template <class Store>
constexpr bool has_values = requires(const Store& s) { s.find(std::uint64_t{}); };

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

// Every query, answers unchecked: for stores opened with verify::header.
template <class Store>
void query_all(const Store& s, const std::vector<std::uint64_t>& keys) {
    std::vector<std::uint8_t> found(keys.size());
    (void)s.contains_batch(keys, std::span<std::uint8_t>(found));
    for (const std::uint64_t k : keys) {
        (void)s.contains(k);
        (void)s.index_of(k);
        (void)s.rank(k);
        (void)s.count_prefix(k % 100000);
        if constexpr (has_values<Store>) (void)s.find(k);
    }
    (void)s.count_range(keys[2], keys[4]);
    std::size_t n = 0;
    for (auto it = s.begin(); it != s.end() && n < max_walk; ++it, ++n) {
        (void)*it;
        if constexpr (has_values<Store>) (void)s.value_at(it.index());
    }
    n = 0;
    for (auto it = s.keys(849).begin(); it != s.end() && n < 50; ++it, ++n) (void)*it;
    for (std::size_t i = 0; i < s.size() && i < 50; ++i) (void)s.select(i);
    (void)s.select(s.size());
    if constexpr (has_values<Store>) {
        std::vector<std::remove_cvref_t<decltype(*s.find(0))>> values(keys.size());
        (void)s.find_batch(keys, std::span(values), std::span<std::uint8_t>(found));
    }
    (void)s.bits_per_key();
    (void)s.length_groups();
}

// What a fully verified store promises.
template <class Store>
void check_promises(const Store& s, const std::vector<std::uint64_t>& keys) {
    std::uint64_t previous = 0;
    std::size_t i = 0;
    for (auto it = s.begin(); it != s.end() && i < max_walk; ++it, ++i) {
        const std::uint64_t k = *it;
        NUMREP_FUZZ_CHECK(k > previous && k <= Store::max_key, "key %zu is %llu after %llu", i,
                          static_cast<unsigned long long>(k), static_cast<unsigned long long>(previous));
        NUMREP_FUZZ_CHECK(it.index() == i && s.select(i) == k && s.rank(k) == i && s.index_of(k) == i && s.contains(k),
                          "key %llu at %zu: index %zu, rank %zu", static_cast<unsigned long long>(k), i, it.index(),
                          s.rank(k));
        if constexpr (has_values<Store>)
            NUMREP_FUZZ_CHECK(s.find(k) == s.value_at(i), "find(%llu) is not value_at(%zu)",
                              static_cast<unsigned long long>(k), i);
        previous = k;
    }
    if (s.size() <= max_walk) NUMREP_FUZZ_CHECK(i == s.size(), "size() %zu, iterated %zu", s.size(), i);
    NUMREP_FUZZ_CHECK(s.count_prefix(0) == s.size(), "count_prefix(0) %zu, size() %zu", s.count_prefix(0), s.size());
    for (const std::uint64_t k : keys) {
        const auto at = s.index_of(k);
        NUMREP_FUZZ_CHECK(at.has_value() == s.contains(k), "index_of and contains differ on %llu",
                          static_cast<unsigned long long>(k));
        if (at) NUMREP_FUZZ_CHECK(s.select(*at) == k, "select(index_of(%llu))", static_cast<unsigned long long>(k));
    }
}

template <class Store>
void run(std::vector<std::byte> bytes, std::vector<std::uint64_t> keys) {
    const auto path = numrep_fuzz::scratch_dir() / "input.trie";
    numrep_fuzz::write_file(path, bytes);
    const auto loaded = attempt<Store>("from_bytes", [&] { return Store::from_bytes(bytes); });
    const auto full = attempt<Store>("open(full)", [&] { return Store::open(path, numrep::verify::full); });
    const auto header = attempt<Store>("open(header)", [&] { return Store::open(path, numrep::verify::header); });
    NUMREP_FUZZ_CHECK(loaded.has_value() == full.has_value(), "from_bytes %s, open(full) %s",
                      loaded ? "accepts" : "refuses", full ? "accepts" : "refuses");
    NUMREP_FUZZ_CHECK(!full || header, "open(full) accepts a file open(header) refuses");
    if (header) query_all(*header, keys);
    if (!loaded) return;
    // Keys that are in the store, and their neighbours.
    for (std::size_t i = 0; i < loaded->size() && i < 16; ++i) {
        const std::uint64_t k = *loaded->select(i * (loaded->size() / 16 + 1) % loaded->size());
        keys.insert(keys.end(), {k, k - 1, k + 1});
    }
    check_promises(*loaded, keys);
    check_promises(*full, keys);
    for (const std::uint64_t k : keys)
        NUMREP_FUZZ_CHECK(loaded->contains(k) == full->contains(k) && full->contains(k) == header->contains(k),
                          "stores opened from the same bytes disagree on %llu", static_cast<unsigned long long>(k));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    numrep_fuzz::input in(data, size);
    const std::uint8_t flags = in.byte();
    const auto rest = in.rest_bytes();
    std::vector<std::byte> bytes(rest.begin(), rest.end());
    numrep_fuzz::fix_checksums(bytes, flags);
    auto keys = numrep_fuzz::probe_keys(rest);
    switch ((flags >> 2) & 3U) {
        case 0: run<numrep::trie_store<>>(std::move(bytes), std::move(keys)); break;
        case 1: run<numrep::trie_store<std::uint32_t>>(std::move(bytes), std::move(keys)); break;
        case 2: run<numrep::trie_store<numrep::number_record>>(std::move(bytes), std::move(keys)); break;
        default: run<numrep::trie_store<std::uint64_t>>(std::move(bytes), std::move(keys)); break;
    }
    return 0;
}
