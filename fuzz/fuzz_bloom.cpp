// Fuzzes Bloom filter files: bloom_filter::from_bytes (fully verified, in memory) and
// bloom_filter::open of the bytes written to a file, with verify::full and verify::header.
// Input: a flag byte (bits 0-1: repair the header / payload checksum after mutation, see
// store_input.hpp; bit 2: a classic, unblocked filter instead of 512-bit blocks), the file.
// Checks: a bad file is numrep::format_error (std::system_error never: the file is there);
// from_bytes and open(full) accept the same files, and open(header) accepts every file those
// do; every filter that opens answers queries without crashing, and filters opened from the
// same bytes answer alike; to_bytes of an accepted filter reads back as an equal filter.
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
std::optional<Filter> attempt(const char* what, auto&& make) {
    try {
        return make();
    } catch (const numrep::format_error&) {
        return std::nullopt;
    } catch (const std::exception& e) {
        NUMREP_FUZZ_CHECK(false, "%s threw something other than format_error: %s", what, e.what());
    }
    return std::nullopt;
}

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
    const auto loaded = attempt<Filter>("from_bytes", [&] { return Filter::from_bytes(bytes); });
    const auto full = attempt<Filter>("open(full)", [&] { return Filter::open(path, numrep::verify::full); });
    const auto header = attempt<Filter>("open(header)", [&] { return Filter::open(path, numrep::verify::header); });
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    numrep_fuzz::input in(data, size);
    const std::uint8_t flags = in.byte();
    const auto rest = in.rest_bytes();
    std::vector<std::byte> bytes(rest.begin(), rest.end());
    numrep_fuzz::fix_checksums(bytes, flags);
    const auto keys = numrep_fuzz::probe_keys(rest);
    if ((flags & 4U) != 0) run<numrep::bloom_filter<0>>(std::move(bytes), keys);
    else
        run<numrep::bloom_filter<>>(std::move(bytes), keys);
    return 0;
}
