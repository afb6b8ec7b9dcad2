// Fuzzes Bloom filter files: bloom_filter::from_bytes (fully verified, in memory) and
// bloom_filter::open of the bytes written to a file, with verify::full and verify::header.
// Input: a flag byte (bits 0-1: repair the header / payload checksum after mutation, see
// store_input.hpp; bit 2: a classic, unblocked filter instead of 512-bit blocks), the file.
// Checks: a bad file is numrep::format_error (std::system_error never: the file is there);
// from_bytes and open(full) accept the same files, and open(header) accepts every file those
// do; every filter that opens answers queries without crashing, and filters opened from the
// same bytes answer alike; to_bytes of an accepted filter reads back as an equal filter.
// With flag bit 3 the rest is not a file but 8-byte keys for two filters (alternating) of a
// capacity and FPR from the next bytes: no key added is ever missed (contains, contains_batch,
// the saved file opened, the bytes read back), insert one by one equals insert_batch, a | b holds
// every key of both and equals the filter of all keys, a & b holds the keys added to both.
#include <numrep/bloom_filter.hpp>
#include <numrep/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "store_input.hpp"

namespace {

template <class Filter>
void exercise(const Filter& f, const std::vector<std::uint64_t>& keys, std::vector<std::uint8_t>& answers) {
    answers.assign(keys.size(), 0);
    f.contains_batch(keys, std::span<std::uint8_t>(answers));
    for (std::size_t i = 0; i < keys.size(); ++i)
        NUMREP_FUZZ_CHECK(f.contains(keys[i]) == (answers[i] != 0), "contains and contains_batch differ on %llu",
                          static_cast<unsigned long long>(keys[i]));
    NUMREP_FUZZ_CHECK(f.popcount() <= f.num_bits(), "popcount %llu of %llu bits",
                      static_cast<unsigned long long>(f.popcount()), static_cast<unsigned long long>(f.num_bits()));
    (void)f.estimated_cardinality();
    (void)f.expected_fpr();
    (void)f.sizing();
}

template <class Filter>
void run(std::vector<std::byte> bytes, const std::vector<std::uint64_t>& keys) {
    const auto path = numrep_fuzz::scratch_dir() / "input.bloom";
    numrep_fuzz::write_file(path, bytes);
    const auto loaded = numrep_fuzz::attempt<Filter>("from_bytes", [&] { return Filter::from_bytes(bytes); });
    const auto full = numrep_fuzz::attempt<Filter>("open(full)",
                                                   [&] { return Filter::open(path, numrep::verify::full); });
    const auto header = numrep_fuzz::attempt<Filter>("open(header)",
                                                     [&] { return Filter::open(path, numrep::verify::header); });
    NUMREP_FUZZ_CHECK(loaded.has_value() == full.has_value(), "from_bytes %s, open(full) %s",
                      loaded ? "accepts" : "refuses", full ? "accepts" : "refuses");
    NUMREP_FUZZ_CHECK(!full || header, "open(full) accepts a file open(header) refuses");

    std::vector<std::uint8_t> a, b, c;
    if (header) exercise(*header, keys, c);
    if (!loaded) return;
    exercise(*loaded, keys, a);
    exercise(*full, keys, b);
    NUMREP_FUZZ_CHECK(a == b && b == c, "filters opened from the same bytes answer differently");
    NUMREP_FUZZ_CHECK(*loaded == *full && *full == *header, "filters opened from the same bytes differ");
    const Filter again = Filter::from_bytes(loaded->to_bytes());
    NUMREP_FUZZ_CHECK(again == *loaded, "to_bytes does not read back as the same filter");
}

template <class Filter>
void build_and_check(numrep_fuzz::input& in) {
    const std::uint32_t capacity = 1 + in.byte() * 4U;
    const double fpr = 0.5 / (1 + in.byte() % 64);
    const bool concurrent = (in.byte() & 1U) != 0;
    std::vector<std::uint64_t> a_keys, b_keys, both;
    for (std::size_t i = 0; in.size() >= 8; ++i) {
        std::uint64_t k = 0;
        for (int j = 0; j < 8; ++j) k = (k << 8) | in.byte();
        (i % 2 == 0 ? a_keys : b_keys).push_back(k);
        if (i % 3 == 0) {
            a_keys.push_back(k);
            b_keys.push_back(k);
            both.push_back(k);
        }
    }
    const numrep::bloom_options options{42,
                                        concurrent ? numrep::insert_mode::concurrent : numrep::insert_mode::exclusive};
    Filter a(capacity, fpr, options), b(capacity, fpr, options), one_by_one(capacity, fpr, options),
        all(capacity, fpr, options);
    a.insert_batch(a_keys);
    b.insert_batch(b_keys);
    for (const std::uint64_t k : a_keys) one_by_one.insert(k);
    all.insert_batch(a_keys);
    all.insert_batch(b_keys);
    NUMREP_FUZZ_CHECK(one_by_one == a, "insert one by one and insert_batch give different filters");
    const auto path = numrep_fuzz::scratch_dir() / "built.bloom";
    a.save(path);
    const Filter opened = Filter::open(path);
    const Filter read_back = Filter::from_bytes(a.to_bytes());
    NUMREP_FUZZ_CHECK(opened == a && read_back == a, "the saved filter reads back differently");
    std::vector<std::uint8_t> hits(a_keys.size());
    a.contains_batch(a_keys, std::span<std::uint8_t>(hits));
    for (std::size_t i = 0; i < a_keys.size(); ++i)
        NUMREP_FUZZ_CHECK(hits[i] != 0 && a.contains(a_keys[i]) && opened.contains(a_keys[i]),
                          "key %llu was added but is missed", static_cast<unsigned long long>(a_keys[i]));
    const Filter either = a | b;
    const Filter common = a & b;
    NUMREP_FUZZ_CHECK(either == all, "a | b is not the filter of all keys");
    for (const std::uint64_t k : b_keys)
        NUMREP_FUZZ_CHECK(either.contains(k), "a | b misses %llu", static_cast<unsigned long long>(k));
    for (const std::uint64_t k : both)
        NUMREP_FUZZ_CHECK(common.contains(k), "a & b misses %llu, added to both", static_cast<unsigned long long>(k));
    NUMREP_FUZZ_CHECK(common.popcount() <= a.popcount() && a.popcount() <= either.popcount(), "popcounts");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    numrep_fuzz::input in(data, size);
    const std::uint8_t flags = in.byte();
    if ((flags & 8U) != 0) {
        if ((flags & 4U) != 0) build_and_check<numrep::bloom_filter<0>>(in);
        else
            build_and_check<numrep::bloom_filter<>>(in);
        return 0;
    }
    const auto rest = in.rest_bytes();
    std::vector<std::byte> bytes(rest.begin(), rest.end());
    numrep_fuzz::fix_checksums(bytes, flags);
    const auto keys = numrep_fuzz::probe_keys(rest);
    if ((flags & 4U) != 0) run<numrep::bloom_filter<0>>(std::move(bytes), keys);
    else
        run<numrep::bloom_filter<>>(std::move(bytes), keys);
    return 0;
}
