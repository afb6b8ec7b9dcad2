// Fuzzes trie store files: trie_store::from_bytes (fully verified, in memory) and
// trie_store::open of the bytes written to a file, with verify::full and verify::header.
// Input: a flag byte (bits 0-1: repair the header / payload checksum after mutation, see
// store_input.hpp; bits 2-3: the value type, a set, uint32_t, number_record or uint64_t), then
// the file. Checks: a bad file is numrep::format_error; from_bytes and open(full) accept the
// same files and open(header) every file they do. A fully verified store keeps its promises:
// keys ascend, select/rank/index_of/contains/find agree with iteration, count_prefix(0) is
// size(). A store opened with verify::header only may answer wrongly but must answer without
// crashing (every query kind is run, on a bounded number of keys).
// With flag bit 4 the rest of the input is not a file but keys and values (9 bytes each: a
// 56-bit number, a digit count, a value byte) for trie_store::build, and the store built,
// its to_bytes() read back and its saved file opened must all agree with a std::map: size,
// order, values (merge_policy::last), rank, contains, count_prefix, count_range, keys(prefix).
// Bit 5 passes the raw 64-bit numbers, so keys out of range (0, over 15 digits) must throw.
#include <numrep/error.hpp>
#include <numrep/number_record.hpp>
#include <numrep/trie_store.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "fuzz_support.hpp"
#include "store_input.hpp"

namespace {

constexpr std::size_t max_walk = 2000;  // keys iterated per store

template <class Store>
constexpr bool has_values = requires(const Store& s) { s.find(std::uint64_t{}); };

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
    const auto loaded = numrep_fuzz::attempt<Store>("from_bytes", [&] { return Store::from_bytes(bytes); });
    const auto full = numrep_fuzz::attempt<Store>("open(full)",
                                                  [&] { return Store::open(path, numrep::verify::full); });
    const auto header = numrep_fuzz::attempt<Store>("open(header)",
                                                    [&] { return Store::open(path, numrep::verify::header); });
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

bool has_digit_prefix(std::uint64_t key, std::uint64_t prefix) {
    if (prefix == 0) return true;
    const std::string k = std::to_string(key), p = std::to_string(prefix);
    return k.compare(0, p.size(), p) == 0;
}

void check_against(const numrep::trie_store<std::uint32_t>& t, const std::map<std::uint64_t, std::uint32_t>& model,
                   const char* what) {
    NUMREP_FUZZ_CHECK(t.size() == model.size(), "%s: size %zu, %zu distinct keys", what, t.size(), model.size());
    auto it = t.begin();
    std::size_t i = 0;
    for (const auto& [key, value] : model) {
        NUMREP_FUZZ_CHECK(it != t.end() && *it == key && t.value_at(it.index()) == value && it.index() == i,
                          "%s: key %zu should be %llu", what, i, static_cast<unsigned long long>(key));
        NUMREP_FUZZ_CHECK(t.find(key) == value && t.rank(key) == i && t.contains(key) && t.select(i) == key,
                          "%s: find/rank/contains/select of %llu", what, static_cast<unsigned long long>(key));
        for (const std::uint64_t near : {key - 1, key + 1})
            if (near != 0 && near <= numrep::trie_store<>::max_key)
                NUMREP_FUZZ_CHECK(t.contains(near) == (model.count(near) == 1), "%s: contains(%llu)", what,
                                  static_cast<unsigned long long>(near));
        ++it;
        ++i;
    }
    NUMREP_FUZZ_CHECK(it == t.end(), "%s: iteration goes past the keys", what);
    // Prefixes of some keys (and 0): counts and ordered listings by brute force.
    std::size_t probes = 0;
    for (auto m = model.begin(); m != model.end() && probes < 12; ++m, ++probes) {
        for (std::uint64_t prefix = m->first; prefix != 0; prefix /= 100) {
            std::vector<std::uint64_t> want;
            for (const auto& entry : model)
                if (has_digit_prefix(entry.first, prefix)) want.push_back(entry.first);
            std::sort(want.begin(), want.end());
            NUMREP_FUZZ_CHECK(t.count_prefix(prefix) == want.size(), "%s: count_prefix(%llu) %zu, expected %zu", what,
                              static_cast<unsigned long long>(prefix), t.count_prefix(prefix), want.size());
            std::vector<std::uint64_t> got;
            for (const std::uint64_t k : t.keys(prefix)) got.push_back(k);
            NUMREP_FUZZ_CHECK(got == want, "%s: keys(%llu) lists %zu keys, expected %zu", what,
                              static_cast<unsigned long long>(prefix), got.size(), want.size());
        }
        const std::uint64_t last = std::prev(model.end())->first;
        std::size_t in_range = 0;
        for (const auto& entry : model) in_range += entry.first >= m->first && entry.first < last ? 1U : 0U;
        NUMREP_FUZZ_CHECK(t.count_range(m->first, last) == in_range, "%s: count_range", what);
    }
    NUMREP_FUZZ_CHECK(t.count_prefix(0) == model.size(), "%s: count_prefix(0)", what);
}

void build_and_check(numrep_fuzz::input& in, bool raw) {
    std::vector<std::uint64_t> keys;
    std::vector<std::uint32_t> values;
    std::map<std::uint64_t, std::uint32_t> model;
    bool valid = true;
    while (in.size() >= 9) {
        std::uint64_t v = 0;
        for (int i = 0; i < 7; ++i) v = (v << 8) | in.byte();
        const unsigned digits = 1U + in.byte() % 15U;
        std::uint64_t key = v % numrep::detail::pow10[digits];
        if (raw) key = v * 0x10001ULL + digits;  // 0 or over 15 digits now and then
        else if (key == 0)
            key = 1;
        const std::uint32_t value = in.byte() * 0x01010101U;
        keys.push_back(key);
        values.push_back(value);
        model[key] = value;
        valid = valid && key != 0 && key <= numrep::trie_store<>::max_key;
    }
    numrep::trie_store<std::uint32_t> t;
    try {
        t = numrep::trie_store<std::uint32_t>::build(keys, values, numrep::merge_policy::last);
    } catch (const std::invalid_argument&) {
        NUMREP_FUZZ_CHECK(!valid, "build refused valid keys");
        return;
    }
    NUMREP_FUZZ_CHECK(valid, "build accepted a key that is not 1 to 15 digits");
    check_against(t, model, "built");
    check_against(numrep::trie_store<std::uint32_t>::from_bytes(t.to_bytes()), model, "from_bytes(to_bytes())");
    const auto path = numrep_fuzz::scratch_dir() / "built.trie";
    t.save(path);
    check_against(numrep::trie_store<std::uint32_t>::open(path), model, "saved and opened");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    numrep_fuzz::input in(data, size);
    const std::uint8_t flags = in.byte();
    if ((flags & 16U) != 0) {
        build_and_check(in, (flags & 32U) != 0);
        return 0;
    }
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
