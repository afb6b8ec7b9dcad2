// numrep::trie_store against a std::map model: every query on random and adversarial key sets,
// values of every width, merge policies, report records, persistence, and refusal (or safe
// handling) of every damaged file.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include <numrep/bloom_filter.hpp>
#include <numrep/number_record.hpp>
#include <numrep/trie_store.hpp>

#include "catch.hpp"

namespace fs = std::filesystem;
using numrep::trie_store;

namespace {

using key_map = std::map<std::uint64_t, std::uint64_t>;

struct temp_dir {
    fs::path path;
    temp_dir() {
        static int counter = 0;
        path = fs::temp_directory_path() /
               ("numrep_test_trie_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

bool starts_with_digits(std::uint64_t key, std::uint64_t prefix) {
    if (prefix == 0) return true;
    const std::string k = std::to_string(key), p = std::to_string(prefix);
    return k.compare(0, p.size(), p) == 0;
}

// Probe keys: the keys, their neighbours, and the extremes.
std::vector<std::uint64_t> probes(const key_map& model, std::mt19937_64& rng) {
    std::vector<std::uint64_t> out{0,
                                   1,
                                   2,
                                   9,
                                   10,
                                   11,
                                   999'999'999'999'999ULL,
                                   1'000'000'000'000'000ULL,
                                   std::numeric_limits<std::uint64_t>::max()};
    for (const auto& [k, v] : model) {
        out.push_back(k);
        out.push_back(k - 1);
        out.push_back(k + 1);
        if (out.size() > 4000) break;
    }
    for (int i = 0; i < 500; ++i) out.push_back(rng() % 1'000'000'000'000'000ULL);
    return out;
}

// Prefixes to count: prefixes of keys at every length, of probes, and a few absent.
std::vector<std::uint64_t> prefixes(const key_map& model, std::mt19937_64& rng) {
    std::vector<std::uint64_t> out{0, 1, 8, 84, 849, 999'999'999'999'999ULL, 1'000'000'000'000'000ULL};
    std::size_t i = 0;
    for (const auto& [k, v] : model) {
        if (i++ % 7 != 0) continue;
        for (std::uint64_t p = k; p > 0; p /= 10) out.push_back(p);
        if (out.size() > 1500) break;
    }
    for (int j = 0; j < 100; ++j) out.push_back(rng() % 100'000);
    return out;
}

template <class Store>
void check_against_model(const Store& t, const key_map& model, std::uint64_t seed = 1) {
    std::mt19937_64 rng(seed);
    constexpr bool valued = !std::is_void_v<typename Store::value_type>;
    REQUIRE(t.size() == model.size());
    REQUIRE(t.empty() == model.empty());

    // select / value_at / iteration over everything.
    std::vector<std::uint64_t> sorted;
    for (const auto& [k, v] : model) sorted.push_back(k);
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        REQUIRE(t.select(i) == sorted[i]);
        if constexpr (valued) REQUIRE(static_cast<std::uint64_t>(t.value_at(i)) == model.at(sorted[i]));
    }
    REQUIRE_FALSE(t.select(sorted.size()).has_value());
    std::vector<std::uint64_t> all(t.begin(), t.end());
    REQUIRE(all == sorted);

    // Point queries.
    for (const auto k : probes(model, rng)) {
        const auto it = model.find(k);
        const bool present = it != model.end();
        INFO("key " << k);
        REQUIRE(t.contains(k) == present);
        const auto lower = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), k) - sorted.begin());
        REQUIRE(t.rank(k) == lower);
        REQUIRE(t.index_of(k) == (present ? std::optional<std::size_t>(lower) : std::nullopt));
        if constexpr (valued) {
            const auto f = t.find(k);
            REQUIRE(f.has_value() == present);
            if (present) REQUIRE(static_cast<std::uint64_t>(*f) == it->second);
            REQUIRE(t.get(k) == f);
        }
    }

    // Prefix counts and prefix iteration.
    std::vector<std::string> sorted_text;  // converted once: the reference scans every key per prefix
    for (const auto k : sorted) sorted_text.push_back(std::to_string(k));
    for (const auto p : prefixes(model, rng)) {
        INFO("prefix " << p);
        std::vector<std::uint64_t> expected;
        const std::string p_text = p == 0 ? std::string() : std::to_string(p);
        for (std::size_t i = 0; i < sorted.size(); ++i) {
            if (sorted_text[i].starts_with(p_text) && p <= 999'999'999'999'999ULL) expected.push_back(sorted[i]);
        }
        REQUIRE(t.count_prefix(p) == expected.size());
        std::vector<std::uint64_t> got;
        std::vector<std::size_t> indexes;
        auto range = t.keys(p);
        for (auto it = range.begin(); it != range.end(); ++it) {
            got.push_back(*it);
            indexes.push_back(it.index());
        }
        REQUIRE(got == expected);
        for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(t.select(indexes[i]) == got[i]);
    }

    // count_range
    for (int i = 0; i < 50 && !sorted.empty(); ++i) {
        const auto a = sorted[rng() % sorted.size()], b = sorted[rng() % sorted.size()];
        const auto expected = a < b
                                  ? static_cast<std::size_t>(std::distance(model.lower_bound(a), model.lower_bound(b)))
                                  : 0;
        REQUIRE(t.count_range(a, b) == expected);
    }

    // Batches.
    auto ks = probes(model, rng);
    std::vector<std::uint8_t> out(ks.size());
    std::size_t expected_hits = 0;
    for (const auto k : ks) expected_hits += model.count(k);
    REQUIRE(t.contains_batch(ks, out) == expected_hits);
    for (std::size_t i = 0; i < ks.size(); ++i) REQUIRE((out[i] != 0) == (model.count(ks[i]) == 1));
    if constexpr (valued) {
        using V = typename Store::value_type;
        std::vector<V> values(ks.size());
        std::vector<std::uint8_t> found(ks.size());
        REQUIRE(t.find_batch(ks, values, found, V{7}) == expected_hits);
        for (std::size_t i = 0; i < ks.size(); ++i) {
            const auto it = model.find(ks[i]);
            REQUIRE((found[i] != 0) == (it != model.end()));
            REQUIRE(static_cast<std::uint64_t>(values[i]) == (it != model.end() ? it->second : 7U));
        }
    }
}

trie_store<> set_of(const key_map& model) {
    std::vector<std::uint64_t> keys;
    for (const auto& [k, v] : model) keys.push_back(k);
    std::mt19937_64 rng(99);
    std::shuffle(keys.begin(), keys.end(), rng);
    return trie_store<>::build(keys);
}

template <class V>
trie_store<V> map_of(const key_map& model) {
    std::vector<std::uint64_t> keys;
    std::vector<V> values;
    for (const auto& [k, v] : model) {
        keys.push_back(k);
        values.push_back(static_cast<V>(v));
    }
    return trie_store<V>::build(keys, values);
}

key_map random_model(std::size_t n, std::uint64_t lo, std::uint64_t hi, std::uint64_t seed,
                     std::uint64_t value_mod = 1000) {
    std::mt19937_64 rng(seed);
    key_map m;
    while (m.size() < n) m[lo + rng() % (hi - lo)] = rng() % value_mod;
    return m;
}

using numrep::detail::trie_encoding;
template <class V = void>
trie_store<V> built_as(const key_map& model, std::optional<trie_encoding> only);

key_map vn_mobile_model(std::size_t n, std::uint64_t seed) {
    static const std::uint64_t two[] = {32, 33, 34, 35, 36, 37, 38, 39, 86, 96, 97, 98, 81, 82, 83, 84, 85, 88,
                                        91, 94, 87, 70, 76, 77, 78, 79, 89, 90, 93, 52, 56, 58, 92, 59, 99, 55};
    std::mt19937_64 rng(seed);
    key_map m;
    while (m.size() < n) m[(8400 + two[rng() % std::size(two)]) * 10'000'000 + rng() % 10'000'000] = rng() % 50;
    return m;
}

}  // namespace

TEST_CASE("decimal digit counts at every power of ten", "[trie]") {
    for (unsigned d = 1; d <= 15; ++d) {
        const std::uint64_t p = numrep::detail::pow10[d - 1];
        CHECK(numrep::detail::decimal_digits_u(p) == d);
        CHECK(numrep::detail::decimal_digits_u(p * 10 - 1) == d);
        if (p > 1) CHECK(numrep::detail::decimal_digits_u(p - 1) == d - 1);
    }
}

TEST_CASE("bit vector select and rank agree with a naive scan", "[trie]") {
    std::mt19937_64 rng(5);
    for (const double density : {0.01, 0.3, 0.5, 0.9, 0.999}) {
        const std::uint64_t bits = 20'000 + rng() % 1000;
        const numrep::detail::bit_vector_shape probe_shape{bits, 0};
        std::vector<std::uint64_t> words(static_cast<std::size_t>(probe_shape.words()), 0);
        std::uniform_real_distribution<double> u(0, 1);
        std::uint64_t ones = 0;
        for (std::uint64_t i = 0; i < bits; ++i) {
            if (u(rng) < density) {
                words[i / 64] |= std::uint64_t{1} << (i % 64);
                ++ones;
            }
        }
        const numrep::detail::bit_vector_shape shape{bits, ones};
        std::vector<std::uint32_t> ranks, s1, s0;
        numrep::detail::append_bit_vector_tables(words, shape, ranks, s1, s0);
        REQUIRE(numrep::detail::check_bit_vector(words, shape, ranks, s1, s0).empty());
        const numrep::detail::bit_vector_view bv(shape, words.data(), ranks.data(), s1.data(), s0.data());
        std::uint64_t r1 = 0, r0 = 0;
        for (std::uint64_t i = 0; i < bits; ++i) {
            REQUIRE(bv.rank1(i) == r1);
            if (bv.get(i)) {
                REQUIRE(bv.select1(r1) == i);
                ++r1;
            } else {
                REQUIRE(bv.select0(r0) == i);
                ++r0;
            }
        }
        REQUIRE(bv.rank1(bits) == ones);
        REQUIRE(bv.select1(ones) == bits);  // out of range: size()
    }
}

TEST_CASE("popcount64 counts like std::popcount, with the instruction and without", "[trie]") {
    // popcount64 takes the CPU's instruction where it has one (checked at start-up) and the
    // portable count elsewhere: both are checked here, and at compile time.
    static_assert(numrep::detail::popcount64(0xF0F0'0000'0000'0001ULL) == 9);
    static_assert(numrep::detail::popcount64_portable(~std::uint64_t{0}) == 64);
    std::mt19937_64 rng(11);
    std::vector<std::uint64_t> values{0, 1, ~std::uint64_t{0}, std::uint64_t{1} << 63, 0x5555'5555'5555'5555ULL};
    for (int t = 0; t < 5000; ++t) values.push_back(t % 2 ? rng() : rng() & rng() & rng());
    for (const std::uint64_t x : values) {
        const auto expected = static_cast<unsigned>(std::popcount(x));
        REQUIRE(numrep::detail::popcount64(x) == expected);
        REQUIRE(numrep::detail::popcount64_portable(x) == expected);
#if defined(NUMREP_X86_CPU_DISPATCH)
        if (__builtin_cpu_supports("popcnt")) REQUIRE(numrep::detail::popcount64_instruction(x) == expected);
#endif
    }
}

TEST_CASE("select64 finds every set bit, with pdep and without", "[trie]") {
    // select64 takes pdep where the CPU runs it fast and the portable code elsewhere: each
    // form is checked where this CPU can run it.
    std::mt19937_64 rng(3);
    for (int t = 0; t < 2000; ++t) {
        const std::uint64_t x = t == 0 ? ~std::uint64_t{0} : t == 1 ? std::uint64_t{1} << 63 : rng() & rng();
        unsigned k = 0;
        for (unsigned i = 0; i < 64; ++i) {
            if ((x >> i) & 1U) {
                REQUIRE(numrep::detail::select64_portable(x, k) == i);
#if defined(NUMREP_X86_CPU_DISPATCH)
                // Whatever the vendor (select64 takes it on Intel only), where the CPU has it.
                if (__builtin_cpu_supports("bmi2") && __builtin_cpu_supports("bmi"))
                    REQUIRE(numrep::detail::select64_pdep(x, k) == i);
#endif
                REQUIRE(numrep::detail::select64(x, k++) == i);
            }
        }
    }
}

TEST_CASE("Rice sets: find, lower_bound, access and iteration over empty, full and far buckets", "[trie]") {
    // Leading empty buckets (the first value far above 0: value 0 must not be found there),
    // empty runs between, buckets of up to rice_max_bucket_values, the last value at u - 1.
    std::mt19937_64 rng(7);
    for (const unsigned k : {0U, 1U, 3U, 10U}) {
        const std::uint64_t bucket = std::uint64_t{1} << (k + numrep::detail::rice_bucket_extra);
        const std::uint64_t u = 40 * bucket + 5;
        std::vector<std::uint64_t> values;
        for (std::uint64_t v = 3 * bucket + 17; v < u; v += 1 + rng() % (std::uint64_t{4} << k)) {
            if (v / bucket % 7 == 5) v += 2 * bucket;  // two empty buckets
            if (v < u - 1) values.push_back(v);
        }
        values.push_back(u - 1);
        const std::uint64_t n = values.size();
        INFO("k " << k << ", " << n << " values");
        const auto shape = numrep::detail::plan_rice_set(values, n, u, k);
        REQUIRE(shape.code_bits != 0);
        std::vector<std::uint64_t> code, low;
        std::vector<std::uint32_t> dir;
        numrep::detail::append_rice_set(values, shape, code, low, dir);
        REQUIRE(code.size() == shape.code_words());
        REQUIRE(dir.size() == shape.dir_entries());
        const numrep::detail::rice_set_view r(shape, code.data(), low.data(), dir.data());
        CHECK(numrep::detail::check_rice_set(r, code.data(), shape).empty());
        for (std::uint64_t x = 0; x < u + 2; x += (x < 4 * bucket || x + 3 * bucket > u) ? 1 : 1 + rng() % 5) {
            const auto it = std::lower_bound(values.begin(), values.end(), x);
            const auto lower = static_cast<std::uint64_t>(it - values.begin());
            const bool present = it != values.end() && *it == x;
            REQUIRE(r.lower_bound(x) == lower);
            REQUIRE(r.find(x) == (present ? lower : n));
        }
        for (std::uint64_t i = 0; i < n; ++i) REQUIRE(r.access(i) == values[i]);
        auto c = r.cursor_at(0);
        for (std::uint64_t i = 0; i < n; ++i, r.advance(c)) {
            REQUIRE(c.index == i);
            REQUIRE(r.value(c) == values[i]);
        }
        CHECK(c.index == n);
    }
    // More than rice_max_bucket_values in one bucket: not coded at that k.
    std::vector<std::uint64_t> crowded(numrep::detail::rice_max_bucket_values + 1);
    for (std::size_t i = 0; i < crowded.size(); ++i) crowded[i] = i;
    CHECK(numrep::detail::plan_rice_set(crowded, crowded.size(), 1 << 20, 3).code_bits == 0);
    CHECK(numrep::detail::plan_rice_set(crowded, crowded.size(), 1 << 20, 1).code_bits != 0);
}

TEST_CASE("Elias-Fano find and lower_bound on buckets of every length, bucket directory", "[trie]") {
    // Buckets of 0 to 40 values (short, unrolled, scanned and binary-searched), runs that
    // cross words, and gaps of many empty buckets (directory entries spanning them).
    std::mt19937_64 rng(99);
    for (const std::uint64_t u : {std::uint64_t{1} << 12, std::uint64_t{1} << 20, std::uint64_t{5'000'000'000ULL}}) {
        std::vector<std::uint64_t> values;
        std::uint64_t v = rng() % 64;
        while (v < u && values.size() < 20'000) {
            const unsigned run = static_cast<unsigned>(rng() % 41);
            for (unsigned i = 0; i < run && v < u; ++i) {
                values.push_back(v);
                v += 1 + rng() % 3;
            }
            v += rng() % (u / 256 + 1) + 1;
        }
        std::vector<std::uint64_t> hw, lw;
        std::vector<std::uint32_t> hr, h1, h0, dir;
        // A universe just above the values keeps the low bits wide, so buckets hold many.
        const numrep::detail::elias_fano_shape shape{values.size(), u};
        numrep::detail::append_elias_fano(values, shape, {hw, hr, h1, h0, lw, dir});
        REQUIRE(dir.size() == shape.dir_entries());
        const auto hs = shape.high();
        const numrep::detail::elias_fano_view ef(shape,
                                                 numrep::detail::bit_vector_view(hs, hw.data(), hr.data(), h1.data(),
                                                                                 h0.data()),
                                                 lw.data(), dir.data());
        CHECK(numrep::detail::check_elias_fano(ef).empty());
        INFO("u " << u << ", low bits " << ef.low_bits() << ", n " << values.size());
        std::vector<std::uint64_t> probes_ef(values.begin(), values.end());
        for (const auto x : values) {
            probes_ef.push_back(x + 1);
            if (x > 0) probes_ef.push_back(x - 1);
        }
        for (int i = 0; i < 20'000; ++i) probes_ef.push_back(rng() % u);
        probes_ef.push_back(u - 1);
        probes_ef.push_back(u);
        for (const auto x : probes_ef) {
            const auto it = std::lower_bound(values.begin(), values.end(), x);
            const auto below = static_cast<std::uint64_t>(it - values.begin());
            REQUIRE(ef.lower_bound(x) == below);
            REQUIRE(ef.find(x) == (it != values.end() && *it == x ? below : values.size()));
        }
        for (std::uint64_t i = 0; i < values.size(); i += 7) REQUIRE(ef.access(i) == values[i]);
        if (dir.size() > 1) {
            dir[dir.size() / 2] ^= 1;  // a wrong count: refused by the full check, harmless to queries
            CHECK(!numrep::detail::check_elias_fano(ef).empty());
            std::uint64_t sink = 0;
            for (int i = 0; i < 2000; ++i) sink += ef.find(rng() % u) + ef.lower_bound(rng() % u);
            CHECK(sink != 1);
        }
    }
}

TEST_CASE("trie_store matches a std::map on random key sets", "[trie]") {
    SECTION("Vietnamese mobile numbers") {
        const auto m = vn_mobile_model(20'000, 1);
        check_against_model(set_of(m), m);
        check_against_model(map_of<std::uint32_t>(m), m);
    }
    SECTION("sparse numbers of every length 1 to 15") {
        key_map m;
        std::mt19937_64 rng(2);
        for (unsigned d = 1; d <= 15; ++d) {
            const std::uint64_t lo = numrep::detail::pow10[d - 1], hi = numrep::detail::pow10[d];
            for (int i = 0; i < 300; ++i) m[lo + rng() % (hi - lo)] = rng() % 3;
        }
        check_against_model(set_of(m), m);
        check_against_model(map_of<std::uint8_t>(m), m);
    }
    SECTION("several countries") {
        key_map m;
        for (const auto& part : {random_model(3000, 84'900'000'000ULL, 84'999'999'999ULL, 3),    // VN
                                 random_model(3000, 12'025'550'000ULL, 12'129'999'999ULL, 4),    // US
                                 random_model(3000, 447'400'000'000ULL, 447'999'999'999ULL, 5),  // UK mobile
                                 random_model(1000, 4'930'000'000ULL, 4'939'999'999ULL, 6),      // Berlin, 10 digits
                                 random_model(1000, 491'510'000'000ULL, 491'519'999'999ULL, 7)}) {
            m.insert(part.begin(), part.end());
        }
        check_against_model(set_of(m), m);
        check_against_model(map_of<std::uint16_t>(m), m);
    }
}

TEST_CASE("trie_store on adversarial key sets", "[trie]") {
    SECTION("empty") {
        const key_map m;
        check_against_model(set_of(m), m);
        check_against_model(map_of<std::uint64_t>(m), m);
        const trie_store<> t;
        CHECK(t.size() == 0);
        CHECK(t.bits_per_key() == 0.0);
        CHECK(t.begin() == t.end());
    }
    SECTION("one key") {
        for (const std::uint64_t k : {1ULL, 7ULL, 84912345678ULL, 999'999'999'999'999ULL, 100'000'000'000'000ULL}) {
            const key_map m{{k, 5}};
            check_against_model(set_of(m), m);
            check_against_model(map_of<std::uint32_t>(m), m);
        }
    }
    SECTION("every key shares a long prefix") {
        key_map m;
        for (std::uint64_t i = 0; i < 10'000; i += 1 + i % 3) m[849'123'456'780'000ULL + i] = i % 17;
        check_against_model(set_of(m), m);
        check_against_model(map_of<std::uint16_t>(m), m);
    }
    SECTION("keys of every length 7 to 15 under one prefix") {
        key_map m;
        std::mt19937_64 rng(8);
        for (unsigned d = 7; d <= 15; ++d) {
            const std::uint64_t base = 8491234 * numrep::detail::pow10[d - 7];
            const std::uint64_t span = numrep::detail::pow10[d - 7];
            m[base] = 1;
            m[base + span - 1] = 2;
            for (int i = 0; i < 200; ++i) m[base + rng() % span] = 3;
            m[base + span] = 4;  // just past the prefix
        }
        check_against_model(set_of(m), m);
        check_against_model(map_of<std::uint8_t>(m), m);
    }
    SECTION("dense ranges, the largest and smallest keys") {
        key_map m;
        for (std::uint64_t k = 84'900'000'000ULL; k < 84'900'020'000ULL; ++k) m[k] = k % 2;
        for (std::uint64_t k = 999'999'999'990'000ULL; k <= 999'999'999'999'999ULL; ++k) m[k] = 1;
        for (std::uint64_t k = 1; k <= 9; ++k) m[k] = 0;
        check_against_model(set_of(m), m);
        check_against_model(map_of<std::uint8_t>(m), m);
    }
    SECTION("a dense cluster and far outliers (long Elias-Fano buckets)") {
        key_map m;
        for (std::uint64_t k = 0; k < 30'000; ++k) m[500'000'000'000'000ULL + k * 3] = 0;
        m[100'000'000'000'000ULL] = 0;
        m[999'999'999'999'999ULL] = 0;
        m[123'456'789'012'345ULL] = 0;
        check_against_model(set_of(m), m);
        // Rice codes would put the whole cluster in one bucket (k follows the average gap), and
        // every lookup would decode it: the builder keeps Elias-Fano, even when asked for Rice.
        CHECK(set_of(m).rice_groups() == 0);
        CHECK(built_as(m, trie_encoding::rice).rice_groups() == 0);
    }
    SECTION("every key of a short length") {
        key_map m;
        for (std::uint64_t k = 10; k <= 99; ++k) m[k] = k;
        for (std::uint64_t k = 100; k <= 999; k += 2) m[k] = k;
        check_against_model(set_of(m), m);
        check_against_model(map_of<std::uint16_t>(m), m);
    }
}

namespace {

// The model's keys (and values) built with every group in one encoding (where it fits), or
// each by cost (nullopt), through the builder that trie_store::build runs.
template <class V>
trie_store<V> built_as(const key_map& model, std::optional<trie_encoding> only) {
    std::vector<std::uint64_t> keys;
    for (const auto& [k, v] : model) keys.push_back(k);
    numrep::detail::trie_sections s;
    numrep::detail::build_trie_keys(keys, s, only);
    if constexpr (std::is_void_v<V>) {
        numrep::detail::build_trie_no_values(s);
    } else {
        std::vector<V> values;
        for (const auto& [k, v] : model) values.push_back(static_cast<V>(v));
        numrep::detail::build_trie_values<V>(std::span<const V>(values), s);
    }
    return trie_store<V>::from_bytes(numrep::detail::write_trie_file(s));
}

std::uint64_t layout_of(const std::vector<std::byte>& file) {
    return numrep::detail::load_le<std::uint64_t>(file.data() + numrep::detail::header_offset::params + 5 * 8);
}

// Each number of a few blocks of three key lengths (11, 9 and 7 digits) with probability
// `density`: the mapped universe of each group is its blocks (close together, as operator
// prefixes are, so that the chunk bitmap over the gaps stays small).
key_map density_model(double density, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::bernoulli_distribution pick(density);
    key_map m;
    for (const std::uint64_t block : {84912300ULL, 84912302ULL, 84912307ULL}) {  // 11 digits: 3 x 10^3
        for (std::uint64_t i = 0; i < 1000; ++i)
            if (pick(rng)) m[block * 1000 + i] = rng() % 1000;
    }
    for (const std::uint64_t block : {849123ULL, 849125ULL}) {  // 9 digits: 2 x 10^3
        for (std::uint64_t i = 0; i < 1000; ++i)
            if (pick(rng)) m[block * 1000 + i] = rng() % 1000;
    }
    for (std::uint64_t i = 0; i < 1000; ++i)  // 7 digits: 10^3
        if (pick(rng)) m[8491000 + i] = rng() % 1000;
    return m;
}

}  // namespace

TEST_CASE("bitmap, Elias-Fano and Rice groups answer alike around the switch points", "[trie]") {
    for (const double density : {0.02, 0.12, 0.18, 0.22, 0.27, 0.35, 0.6, 0.97, 1.0}) {
        INFO("density " << density);
        const auto m = density_model(density, static_cast<std::uint64_t>(density * 1000));
        const auto by_cost = built_as(m, std::nullopt);
        const auto ef = built_as(m, trie_encoding::elias_fano);
        const auto bitmap = built_as(m, trie_encoding::bitmap);
        const auto rice = built_as(m, trie_encoding::rice);
        check_against_model(by_cost, m);
        check_against_model(ef, m);
        check_against_model(bitmap, m);
        check_against_model(built_as<std::uint16_t>(m, trie_encoding::bitmap), m);
        check_against_model(built_as<std::uint16_t>(m, trie_encoding::rice), m);
        check_against_model(built_as<std::uint16_t>(m, std::nullopt), m);
        // trie_store::build is the builder by cost: a group keeps the cheaper of Elias-Fano and
        // a bitmap, and takes Rice codes only when they are smaller still.
        CHECK(set_of(m).to_bytes() == by_cost.to_bytes());
        CHECK(by_cost.key_bytes() <= std::min(ef.key_bytes(), bitmap.key_bytes()));
        CHECK(ef.bitmap_groups() + ef.rice_groups() == 0);
        CHECK(bitmap.bitmap_groups() == bitmap.length_groups());
        CHECK(rice.rice_groups() == rice.length_groups());
        // The 11-digit group alone (the short ones are a block or two, where padding decides).
        key_map eleven;
        for (const auto& [k, v] : m)
            if (k >= 10'000'000'000ULL) eleven[k] = v;
        const auto by_cost_11 = built_as(eleven, std::nullopt);
        if (density <= 0.12) CHECK(by_cost_11.bitmap_groups() == 0);
        if (density >= 0.27) CHECK(by_cost_11.bitmap_groups() + by_cost_11.rice_groups() == 1);
        // Nearly full, a bitmap is smaller than Rice codes (at least one bit a key and a directory).
        if (density >= 0.97) CHECK(by_cost_11.bitmap_groups() == 1);
        // Layouts 3 and 4 only when a bitmap or a Rice group needs them.
        CHECK(layout_of(ef.to_bytes()) == 2);
        CHECK(layout_of(bitmap.to_bytes()) == 3);
        CHECK(layout_of(rice.to_bytes()) == 4);
        CHECK(layout_of(by_cost.to_bytes()) == (by_cost.rice_groups() > 0     ? 4U
                                                : by_cost.bitmap_groups() > 0 ? 3U
                                                                              : 2U));
    }
}

TEST_CASE("bitmap groups: empty stores, one-key groups, whole and mixed lengths", "[trie]") {
    SECTION("empty") {
        const key_map m;
        const auto t = built_as(m, trie_encoding::bitmap);
        check_against_model(t, m);
        CHECK(t.length_groups() == 0);
    }
    SECTION("one key of every length") {
        key_map m;
        for (unsigned d = 1; d <= 15; ++d) m[numrep::detail::pow10[d] - 1 - d] = d;
        const auto t = built_as<std::uint8_t>(m, trie_encoding::bitmap);
        CHECK(t.bitmap_groups() == 15);
        check_against_model(t, m);
        check_against_model(built_as(m, trie_encoding::elias_fano), m);
    }
    SECTION("a dense group beside sparse and one-key groups") {
        auto m = density_model(0.5, 5);
        for (const auto& [k, v] : random_model(500, 100'000'000'000'000ULL, 999'999'999'999'999ULL, 6)) m[k] = v;
        m[42] = 1;
        const auto t = built_as<std::uint32_t>(m, std::nullopt);
        CHECK(t.bitmap_groups() >= 3);                 // the three dense lengths and the 2-digit key
        CHECK(t.bitmap_groups() < t.length_groups());  // the 15-digit keys stay Elias-Fano
        check_against_model(t, m);
    }
    SECTION("every other number of a range, lengths 2 to 5") {
        key_map m;
        for (std::uint64_t k = 10; k < 100'000; k += 1 + k % 2) m[k] = k % 5;
        const auto t = built_as<std::uint8_t>(m, std::nullopt);
        CHECK(t.bitmap_groups() + t.rice_groups() == t.length_groups());  // none Elias-Fano
        check_against_model(t, m);
        check_against_model(built_as<std::uint8_t>(m, trie_encoding::rice), m);
    }
}

TEST_CASE("trie_store opens a layout 2 file written before bitmap groups", "[trie]") {
    // tests/data/trie_layout2_u16.nrt was written by the code before layout 3 (see
    // tests/data/README.md): 200 keys and their uint16 values, in three groups.
    std::vector<std::uint64_t> keys;
    for (std::uint64_t i = 0; i < 150; ++i) keys.push_back(84'912'300'000ULL + i * i * 37);
    for (std::uint64_t i = 0; i < 40; ++i) keys.push_back(1'202'555'0000ULL + i * 7919);
    for (std::uint64_t i = 1; i <= 10; ++i) keys.push_back(i * 11);
    key_map m;
    for (std::size_t i = 0; i < keys.size(); ++i) m[keys[i]] = i * 331 % 65536;
    const std::string path = std::string(NUMREP_TEST_DATA_DIR) + "/trie_layout2_u16.nrt";
    const auto t = trie_store<std::uint16_t>::open(path);
    CHECK(layout_of(t.to_bytes()) == 2);
    CHECK(t.bitmap_groups() == 0);
    check_against_model(t, m);
    check_against_model(trie_store<std::uint16_t>::load(path), m);
    check_against_model(trie_store<std::uint16_t>::open(path, numrep::verify::header), m);
    // An Elias-Fano build of the same keys is the same file, byte for byte.
    CHECK(built_as<std::uint16_t>(m, trie_encoding::elias_fano).to_bytes() == t.to_bytes());
}

TEST_CASE("trie_store is near the information-theoretic bound on mobile numbers", "[trie]") {
    const auto m = vn_mobile_model(200'000, 11);
    const auto t = set_of(m);
    // 36 prefixes x 10^7 numbers; the target is 1.3x the bound.
    const double bound = numrep::trie_bound_bits_per_key(36e7, 200'000);
    INFO("bits/key " << t.bits_per_key() << ", bound " << bound);
    CHECK(t.bits_per_key() <= 1.3 * bound);
    CHECK(t.key_bytes() <= t.size_in_bytes());
    // Rice codes over many buckets and directory heads answer as the model does.
    const auto sample = vn_mobile_model(20'000, 12);
    const auto rice = built_as<std::uint32_t>(sample, trie_encoding::rice);
    REQUIRE(rice.rice_groups() == 1);
    check_against_model(rice, sample);
}

TEST_CASE("trie_store: a quarter of the numbers take Rice codes smaller than a bitmap or Elias-Fano", "[trie]") {
    // 4 blocks of 10^5 numbers (as operator prefixes hold 10^7), a quarter of them keys: a
    // plain bitmap takes 1 / H(1/4) = 1.23x the bound before its tables (1.33x here), EF 1.66x,
    // Rice codes with k = 2 about 1.16x.
    std::mt19937_64 rng(12);
    key_map m;
    for (const std::uint64_t block : {849120ULL, 849121ULL, 849122ULL, 849124ULL}) {
        for (std::uint64_t i = 0; i < 100'000; ++i)
            if (rng() % 4 == 0) m[block * 100'000 + i] = 0;
    }
    const auto t = set_of(m);
    const auto ef = built_as(m, trie_encoding::elias_fano);
    const auto bitmap = built_as(m, trie_encoding::bitmap);
    const double bound = numrep::trie_bound_bits_per_key(4e5, static_cast<double>(m.size()));
    INFO("bits/key " << t.bits_per_key() << ", EF " << ef.bits_per_key() << ", bitmap " << bitmap.bits_per_key()
                     << ", bound " << bound);
    CHECK(t.rice_groups() == 1);
    CHECK(t.bits_per_key() <= 1.2 * bound);
    CHECK(t.bits_per_key() < bitmap.bits_per_key());
    CHECK(bitmap.bits_per_key() < ef.bits_per_key());
}

TEST_CASE("trie_store values of every width 1 to 64 bits", "[trie]") {
    std::mt19937_64 rng(4);
    for (unsigned w = 1; w <= 64; ++w) {
        key_map m;
        const std::uint64_t top = numrep::detail::low_mask(w);
        while (m.size() < 300) m[84'900'000'000ULL + rng() % 1'000'000] = rng() & top;
        m[84'800'000'000ULL] = top;  // the largest of this width
        m[84'800'000'001ULL] = 0;
        const auto t = map_of<std::uint64_t>(m);
        INFO("width " << w);
        CHECK(t.value_bits() == w);
        check_against_model(t, m, w);
    }
    SECTION("values are stored from their minimum") {
        key_map m{{1, 1000}, {2, 1001}, {3, 1003}};
        CHECK(map_of<std::uint16_t>(m).value_bits() == 2);
        key_map same{{1, 5}, {2, 5}};
        CHECK(map_of<std::uint16_t>(same).value_bits() == 0);
        check_against_model(map_of<std::uint16_t>(same), same);
    }
}

TEST_CASE("trie_store merges repeated keys by policy, in input order", "[trie]") {
    const std::vector<std::uint64_t> keys{84912345678ULL, 5, 84912345678ULL, 5, 84912345678ULL, 7};
    const std::vector<std::uint8_t> values{200, 1, 100, 2, 3, 9};
    using T = trie_store<std::uint8_t>;
    const auto sum = T::build(keys, values, numrep::merge_policy::sum);
    CHECK(sum.size() == 3);
    CHECK(sum.get(84912345678ULL) == std::uint8_t{255});  // 303 saturates
    CHECK(sum.get(5) == std::uint8_t{3});
    CHECK(sum.get(7) == std::uint8_t{9});
    const auto max = T::build(keys, values, numrep::merge_policy::max);
    CHECK(max.get(84912345678ULL) == std::uint8_t{200});
    CHECK(max.get(5) == std::uint8_t{2});
    const auto last = T::build(keys, values, numrep::merge_policy::last);
    CHECK(last.get(84912345678ULL) == std::uint8_t{3});
    CHECK(last.get(5) == std::uint8_t{2});
    // A callable sees values in input order: a * 10 + b records the order.
    const std::vector<std::uint64_t> wide_values{1, 4, 2, 5, 3, 6};
    const auto order = trie_store<std::uint64_t>::build(keys, wide_values,
                                                        [](std::uint64_t a, std::uint64_t b) { return a * 10 + b; });
    CHECK(order.get(84912345678ULL) == std::uint64_t{123});
    CHECK(order.get(5) == std::uint64_t{45});
    // Pairs, and a set built from repeated keys.
    const std::vector<std::pair<std::uint64_t, std::uint8_t>> pairs{{9, 1}, {8, 2}, {9, 3}};
    CHECK(T::build(pairs, numrep::merge_policy::last).get(9) == std::uint8_t{3});
    CHECK(T::build(pairs).get(9) == std::uint8_t{4});
    CHECK(trie_store<>::build(keys).size() == 3);
    // Sorted input takes the no-sort path and must merge the same way.
    const std::vector<std::uint64_t> sorted_keys{5, 5, 7, 7, 7};
    const std::vector<std::uint8_t> sorted_values{1, 2, 3, 4, 5};
    CHECK(T::build(sorted_keys, sorted_values, numrep::merge_policy::last).get(7) == std::uint8_t{5});
}

TEST_CASE("trie_store refuses bad keys and mismatched inputs", "[trie]") {
    const std::vector<std::uint64_t> zero{5, 0};
    CHECK_THROWS_AS(trie_store<>::build(zero), std::invalid_argument);
    CHECK_THROWS_WITH(trie_store<>::build(zero), Catch::Matchers::Contains("key 0 at index 1"));
    const std::vector<std::uint64_t> long_key{1'000'000'000'000'000ULL};
    CHECK_THROWS_WITH(trie_store<>::build(long_key), Catch::Matchers::Contains("more than 15 digits"));
    const std::vector<std::uint64_t> keys{1, 2};
    const std::vector<std::uint32_t> values{1};
    CHECK_THROWS_AS(trie_store<std::uint32_t>::build(keys, values), std::invalid_argument);
    const auto t = trie_store<>::build(keys);
    std::vector<std::uint8_t> out(1);
    CHECK_THROWS_AS(t.contains_batch(keys, out), std::invalid_argument);
}

TEST_CASE("a moved-from trie_store is an empty store", "[trie]") {
    // Its views outlived the bytes it handed over: it said size 3 and read freed memory.
    const std::vector<std::uint64_t> keys{84912345678ULL, 84912345679ULL, 12025550143ULL};
    auto a = trie_store<>::build(keys);
    {
        const trie_store<> b(std::move(a));
        CHECK(b.size() == 3);
        CHECK(b.contains(84912345678ULL));
    }
    // NOLINTBEGIN(bugprone-use-after-move): what is tested
    CHECK(a.size() == 0);
    CHECK_FALSE(a.contains(84912345678ULL));
    CHECK(a.count_prefix(849) == 0);
    CHECK_FALSE(a.select(0).has_value());
    std::size_t visited = 0;
    a.for_each(0, [&](std::uint64_t) {
        ++visited;
        return true;
    });
    CHECK(visited == 0);
    // Writing it is refused: its empty file would replace a good one and not open again.
    CHECK_THROWS_WITH(a.to_bytes(), numrep_test::contains("cannot write a moved-from trie_store"));
    CHECK_THROWS_WITH(a.save(std::filesystem::temp_directory_path() / "numrep-never-written.trie"),
                      numrep_test::contains("cannot save a moved-from trie_store"));
    CHECK_FALSE(std::filesystem::exists(std::filesystem::temp_directory_path() / "numrep-never-written.trie"));
    CHECK(trie_store<>::from_bytes(trie_store<>().to_bytes()).size() == 0);  // an empty store writes a file
    auto c = trie_store<>::build(keys);
    trie_store<> d;
    d = std::move(c);
    CHECK(d.size() == 3);
    CHECK(c.size() == 0);
    CHECK_FALSE(c.contains(12025550143ULL));
    a = std::move(d);  // a moved-from store may be assigned to
    CHECK(a.contains(12025550143ULL));
    // NOLINTEND(bugprone-use-after-move)
}

TEST_CASE("trie_store for_each visits keys under a prefix and can stop", "[trie]") {
    const auto m = vn_mobile_model(5000, 21);
    const auto t = map_of<std::uint32_t>(m);
    std::vector<std::uint64_t> seen;
    std::uint64_t value_sum = 0, expected_sum = 0;
    t.for_each(8491, [&](std::uint64_t k, std::uint32_t v) {
        seen.push_back(k);
        value_sum += v;
    });
    for (const auto& [k, v] : m) {
        if (starts_with_digits(k, 8491)) expected_sum += v;
    }
    CHECK(seen.size() == t.count_prefix(8491));
    CHECK(value_sum == expected_sum);
    std::size_t calls = 0;
    t.for_each(0, [&](std::uint64_t) { return ++calls < 10; });
    CHECK(calls == 10);
}

TEST_CASE("number_record: combining, packing, and storing in a trie", "[trie]") {
    using numrep::number_record;
    using numrep::report_category;
    auto a = number_record::single(report_category::scam, 1'700'000'000);
    auto b = number_record::single(report_category::spam, 1'600'000'000);
    b.not_spam = 2;
    const auto c = a + b;
    CHECK(c.count(report_category::scam) == 1);
    CHECK(c.count(report_category::spam) == 1);
    CHECK(c.total() == 2);
    CHECK(c.not_spam == 2);
    CHECK(c.first_seen == 1'600'000'000U);
    CHECK(c.last_seen == 1'700'000'000U);
    auto big = a;
    big.count(report_category::scam) = 0xFFFFFFF0U;
    big += big;
    CHECK(big.count(report_category::scam) == 0xFFFFFFFFU);
    CHECK(number_record::unpack(c.pack()) == c);
    CHECK(c.pack()[0] == std::byte{1});  // little-endian, scam count first
    CHECK(to_string(report_category::debt_collection) == "debt_collection");

    std::mt19937_64 rng(6);
    std::vector<std::uint64_t> keys;
    std::vector<number_record> records;
    std::map<std::uint64_t, number_record> model;
    for (int i = 0; i < 3000; ++i) {
        const std::uint64_t k = 84'900'000'000ULL + rng() % 2000;
        auto r = number_record::single(static_cast<report_category>(rng() % 8),
                                       static_cast<std::uint32_t>(1'600'000'000 + rng() % 100'000'000));
        r.not_spam = static_cast<std::uint32_t>(rng() % 3);
        keys.push_back(k);
        records.push_back(r);
        auto [it, fresh] = model.emplace(k, r);
        if (!fresh) it->second += r;
    }
    const auto t = trie_store<number_record>::build(keys, records);
    REQUIRE(t.size() == model.size());
    for (const auto& [k, r] : model) REQUIRE(t.get(k) == r);
    CHECK(t.value_bits() < 8 * sizeof(number_record));
    const auto copy = trie_store<number_record>::from_bytes(t.to_bytes());
    for (const auto& [k, r] : model) REQUIRE(copy.get(k) == r);
    const auto maxed = trie_store<number_record>::build(keys, records, numrep::merge_policy::max);
    for (const auto& [k, r] : model) REQUIRE(maxed.get(k)->total() <= r.total());
}

TEST_CASE("number_record stores decode every field, at a word's end and with zero-width fields", "[trie]") {
    using numrep::number_record;
    // first_seen and last_seen take 32 bits each, every other field is the same in all records
    // (0 bits): each record is exactly one word, and zero-width fields come last. With 7 or 15
    // records the value words (n + 1 with the padding word) fill whole 64-byte lines, so the
    // store's bytes end right after them: a decoder that reads past its record's words (one
    // that loads zero-width fields at the record's end, say) reads past the buffer, which the
    // sanitizer build reports.
    for (const std::size_t n : {1U, 2U, 3U, 7U, 15U, 64U, 65U}) {
        std::vector<std::uint64_t> keys;
        std::vector<number_record> records;
        for (std::size_t i = 0; i < n; ++i) {
            number_record r;
            r.counts.fill(5);
            r.source_bits = 7;
            r.set_decayed(2.5);
            r.first_seen = i % 2 == 0 ? 0U : 0xFFFFFFFFU;
            r.last_seen = i % 3 == 0 ? 0xFFFFFFFFU : static_cast<std::uint32_t>(i);
            if (n == 1) r.last_seen = 0;  // one record: first_seen 0 alone, a zero-width record
            keys.push_back(84'900'000'000ULL + 10 * i);
            records.push_back(r);
        }
        INFO(n << " records");
        const auto t = trie_store<number_record>::build(keys, records);
        CHECK(t.value_bits() == (n == 1 ? 0U : 64U));
        for (const auto& copy : {t, trie_store<number_record>::from_bytes(t.to_bytes())}) {
            for (std::size_t i = 0; i < n; ++i) REQUIRE(copy.get(keys[i]) == records[i]);
            std::vector<number_record> found(n);
            std::vector<std::uint8_t> hit(n);
            copy.find_batch(keys, found, hit);
            CHECK(found == records);
        }
    }
}

TEST_CASE("trie_store file and byte round trips", "[trie]") {
    temp_dir dir;
    const auto m = vn_mobile_model(3000, 31);
    const auto t = map_of<std::uint32_t>(m);
    const auto bytes = t.to_bytes();
    CHECK(bytes.size() == t.size_in_bytes());
    check_against_model(trie_store<std::uint32_t>::from_bytes(bytes), m);
    const auto path = dir.path / "store.nrt";
    t.save(path);
    check_against_model(trie_store<std::uint32_t>::open(path), m);
    check_against_model(trie_store<std::uint32_t>::open(path, numrep::verify::header), m);
    check_against_model(trie_store<std::uint32_t>::load(path), m);
    // Saving over an open (mapped) store leaves the mapping valid.
    const auto mapped = trie_store<std::uint32_t>::open(path);
    map_of<std::uint32_t>(vn_mobile_model(10, 32)).save(path);
    check_against_model(mapped, m);
    // Copies share the bytes and outlive the original.
    std::optional<trie_store<std::uint32_t>> original(trie_store<std::uint32_t>::from_bytes(bytes));
    const auto shared = *original;
    original.reset();
    check_against_model(shared, m);
    // Any trie file opens as a set; values widen into a larger type.
    key_map keys_only;
    for (const auto& [k, v] : m) keys_only[k] = 0;
    check_against_model(trie_store<>::from_bytes(bytes), keys_only);
    check_against_model(trie_store<std::uint64_t>::from_bytes(bytes), m);
    CHECK(trie_store<>::from_bytes(trie_store<>().to_bytes()).empty());
}

TEST_CASE("trie_store refuses files of another kind or value type", "[trie]") {
    numrep::bloom_filter<> bloom(100, 0.01);
    CHECK_THROWS_AS(trie_store<>::from_bytes(bloom.to_bytes()), numrep::format_error);
    CHECK_THROWS_WITH(trie_store<>::from_bytes(bloom.to_bytes()), Catch::Matchers::Contains("wrong kind"));
    const std::vector<std::uint64_t> keys{1, 2, 3};
    const auto set = trie_store<>::build(keys);
    CHECK_THROWS_AS(numrep::bloom_filter<>::from_bytes(set.to_bytes()), numrep::format_error);
    CHECK_THROWS_WITH(trie_store<std::uint32_t>::from_bytes(set.to_bytes()), Catch::Matchers::Contains("no values"));
    const std::vector<std::uint32_t> wide{1, 70000, 3};
    const auto t = trie_store<std::uint32_t>::build(keys, wide);
    CHECK_THROWS_WITH(trie_store<std::uint16_t>::from_bytes(t.to_bytes()), Catch::Matchers::Contains("do not fit"));
    CHECK_THROWS_AS(trie_store<numrep::number_record>::from_bytes(t.to_bytes()), numrep::format_error);
    const std::vector<std::uint32_t> narrow{1, 200, 3};
    CHECK(trie_store<std::uint8_t>::from_bytes(trie_store<std::uint32_t>::build(keys, narrow).to_bytes()).get(2) ==
          std::uint8_t{200});
}

namespace user_values {

// A user's own record: two counters and a flag, stored through trie_value_traits.
struct tally {
    std::uint32_t calls = 0;
    std::uint16_t minutes = 0;
    bool blocked = false;
    friend bool operator==(const tally&, const tally&) = default;
};

// Same shape, another kind: files of one must not open as the other.
struct other_tally : tally {};

template <class T, std::uint64_t Kind>
struct tally_traits {
    static constexpr std::uint64_t kind = Kind;
    static constexpr std::size_t field_count = 3;
    static constexpr const char* name = "tally values";
    static constexpr std::uint64_t field_max = 0xFFFFFFFFu;
    static std::uint64_t field(const T& v, std::size_t i) noexcept {
        return i == 0 ? v.calls : i == 1 ? v.minutes : static_cast<std::uint64_t>(v.blocked);
    }
    static void set_field(T& v, std::size_t i, std::uint64_t f) noexcept {
        if (i == 0) v.calls = static_cast<std::uint32_t>(f);
        else if (i == 1)
            v.minutes = static_cast<std::uint16_t>(f);
        else
            v.blocked = f != 0;
    }
    static T sum(const T& a, const T& b) noexcept {
        T r;
        r.calls = a.calls + b.calls;
        r.minutes = static_cast<std::uint16_t>(a.minutes + b.minutes);
        r.blocked = a.blocked || b.blocked;
        return r;
    }
    static T max(const T& a, const T& b) noexcept {
        T r;
        r.calls = std::max(a.calls, b.calls);
        r.minutes = std::max(a.minutes, b.minutes);
        r.blocked = a.blocked || b.blocked;
        return r;
    }
};

// Four 64-bit fields: a record's widths are those of its values, so the test below picks
// values that put fields on either side of the one-load decode's limit (57 bits).
struct wide_record {
    std::array<std::uint64_t, 4> f{};
    friend bool operator==(const wide_record&, const wide_record&) = default;
};

}  // namespace user_values

template <>
struct numrep::trie_value_traits<user_values::wide_record> {
    static constexpr std::uint64_t kind = 302;
    static constexpr std::size_t field_count = 4;
    static constexpr const char* name = "wide records";
    static constexpr std::uint64_t field_max = ~std::uint64_t{0};
    static std::uint64_t field(const user_values::wide_record& v, std::size_t i) noexcept { return v.f[i]; }
    static void set_field(user_values::wide_record& v, std::size_t i, std::uint64_t x) noexcept { v.f[i] = x; }
    static user_values::wide_record sum(const user_values::wide_record&, const user_values::wide_record& b) noexcept {
        return b;
    }
    static user_values::wide_record max(const user_values::wide_record&, const user_values::wide_record& b) noexcept {
        return b;
    }
};

TEST_CASE("trie_store decodes records whose fields are 0 to 64 bits wide", "[trie]") {
    using user_values::wide_record;
    // Field 0 is constant (0 bits); the others span 2^w values above a base, w chosen per case:
    // the one-load path takes records whose fields are all at most 57 bits, read_bits the rest.
    for (const unsigned top : {1U, 13U, 56U, 57U, 58U, 63U, 64U}) {
        CAPTURE(top);
        std::mt19937_64 rng(top);
        const auto draw = [&](unsigned w) { return w >= 64 ? rng() : rng() & ((std::uint64_t{1} << w) - 1); };
        std::map<std::uint64_t, wide_record> model;
        for (int i = 0; i < 3000; ++i) {
            wide_record r;
            r.f = {12345, 1000 + draw(top), draw(top == 64 ? 64 : top % 7 + 1), draw(57)};
            model[84900000000ULL + rng() % 1'000'000] = r;
        }
        // Values at both ends of each field's range, so that the widths are exactly as drawn.
        wide_record lowest{{12345, 1000, 0, 0}};
        wide_record highest{{12345, 1000 + (top >= 64 ? ~std::uint64_t{0} - 1000 : (std::uint64_t{1} << top) - 1),
                             top == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << (top % 7 + 1)) - 1,
                             (std::uint64_t{1} << 57) - 1}};
        model[84900000000ULL] = lowest;
        model[84999999999ULL] = highest;
        std::vector<std::uint64_t> keys;
        std::vector<wide_record> values;
        for (const auto& [k, v] : model) keys.push_back(k), values.push_back(v);
        const auto built = trie_store<wide_record>::build(keys, values);
        const auto reread = trie_store<wide_record>::from_bytes(built.to_bytes());
        for (const auto* store : {&built, &reread}) {
            std::vector<wide_record> got(keys.size());
            std::vector<std::uint8_t> found(keys.size());
            REQUIRE(store->find_batch(keys, got, found) == keys.size());
            for (std::size_t i = 0; i < keys.size(); ++i) {
                REQUIRE(got[i] == values[i]);
                REQUIRE(store->get(keys[i]) == values[i]);
                REQUIRE(store->value_at(i) == values[i]);
            }
        }
    }
}

template <>
struct numrep::trie_value_traits<user_values::tally> : user_values::tally_traits<user_values::tally, 300> {};
template <>
struct numrep::trie_value_traits<user_values::other_tally> : user_values::tally_traits<user_values::other_tally, 301> {
};

static_assert(numrep::trie_value<user_values::tally>);
static_assert(!numrep::trie_value<bool>);
static_assert(!numrep::trie_value<double>);

TEST_CASE("trie_store holds a user's own record through trie_value_traits", "[trie]") {
    using user_values::tally;
    std::mt19937_64 rng(77);
    std::vector<std::uint64_t> keys;
    std::vector<tally> values;
    std::map<std::uint64_t, tally> sums;
    for (int i = 0; i < 5000; ++i) {
        const std::uint64_t k = 84900000000ULL + rng() % 20000;  // repeats on purpose
        tally t;
        t.calls = static_cast<std::uint32_t>(rng() % 1000);
        t.minutes = static_cast<std::uint16_t>(rng() % 60);
        t.blocked = rng() % 7 == 0;
        keys.push_back(k);
        values.push_back(t);
        auto [it, fresh] = sums.try_emplace(k, t);
        if (!fresh) it->second = numrep::trie_value_traits<tally>::sum(it->second, t);
    }
    const auto store = trie_store<tally>::build(keys, values);
    REQUIRE(store.size() == sums.size());
    for (const auto& [k, v] : sums) CHECK(store.find(k) == v);
    CHECK_FALSE(store.find(84900000000ULL + 20000).has_value());
    // Packed per field in the bits its range needs.
    std::uint64_t lo[3] = {~0ULL, ~0ULL, ~0ULL}, hi[3] = {};
    for (const auto& [k, v] : sums) {
        for (std::size_t f = 0; f < 3; ++f) {
            lo[f] = std::min(lo[f], numrep::trie_value_traits<tally>::field(v, f));
            hi[f] = std::max(hi[f], numrep::trie_value_traits<tally>::field(v, f));
        }
    }
    unsigned bits = 0;
    for (std::size_t f = 0; f < 3; ++f) bits += static_cast<unsigned>(std::bit_width(hi[f] - lo[f]));
    CHECK(store.value_bits() == bits);
    CHECK(bits < 8 * sizeof(tally));

    const auto reopened = trie_store<tally>::from_bytes(store.to_bytes());
    CHECK(std::equal(store.begin(), store.end(), reopened.begin(), reopened.end()));
    for (const auto& [k, v] : sums) CHECK(reopened.get(k) == v);

    // The file remembers its kind: other value types are refused with both names, a set reads the keys.
    const auto bytes = store.to_bytes();
    CHECK_THROWS_WITH(trie_store<user_values::other_tally>::from_bytes(bytes),
                      Catch::Matchers::Contains("values of kind 300 with 3 fields") &&
                          Catch::Matchers::Contains("tally values"));
    CHECK_THROWS_AS(trie_store<numrep::number_record>::from_bytes(bytes), numrep::format_error);
    CHECK_THROWS_AS(trie_store<std::uint32_t>::from_bytes(bytes), numrep::format_error);
    CHECK(trie_store<>::from_bytes(bytes).size() == sums.size());
    const auto counts = trie_store<std::uint32_t>::build(std::vector<std::uint64_t>{1, 2},
                                                         std::vector<std::uint32_t>{5, 6});
    CHECK_THROWS_WITH(trie_store<tally>::from_bytes(counts.to_bytes()),
                      Catch::Matchers::Contains("unsigned integer values"));

    // merge_policy::max and last use the traits and input order.
    const std::vector<std::uint64_t> twice{5, 5};
    const std::vector<tally> two{{3, 9, false}, {7, 1, true}};
    CHECK(trie_store<tally>::build(twice, two, numrep::merge_policy::max).get(5) == tally{7, 9, true});
    CHECK(trie_store<tally>::build(twice, two, numrep::merge_policy::last).get(5) == tally{7, 1, true});
}

namespace {

// Runs every query kind on a store that opened from damaged bytes: whatever it answers, it
// must not read out of bounds (ASan) or hit undefined behaviour (UBSan).
template <class Store>
void exercise(const Store& t) {
    std::uint64_t sink = t.size();
    for (const std::uint64_t k : {1ULL, 5ULL, 84912345678ULL, 84912345679ULL, 849ULL, 999'999'999'999'999ULL}) {
        sink += t.contains(k) + t.rank(k) + t.count_prefix(k) + t.count_prefix(k / 100);
        if (auto v = t.find(k)) sink += *v;
    }
    const std::size_t n = std::min<std::size_t>(t.size(), 64);
    for (std::size_t i = 0; i < n; ++i) sink += t.select(i).value_or(0) + t.value_at(i);
    std::size_t steps = 0;
    for (const auto k : t.keys()) {
        sink += k;
        if (++steps > 2 * t.size() + 10) break;
    }
    for (const auto k : t.keys(84)) {
        sink += k;
        if (++steps > 4 * t.size() + 20) break;
    }
    const std::vector<std::uint64_t> ks{84912345678ULL, 3, 12};
    std::vector<std::uint8_t> out(ks.size());
    sink += t.contains_batch(ks, out);
    CHECK(sink != 0xDEADBEEF);  // keeps the work observable
}

std::vector<std::byte> small_file() {
    key_map m;
    std::mt19937_64 rng(77);
    for (int i = 0; i < 40; ++i) m[84'912'300'000ULL + rng() % 200'000] = rng() % 300;
    m[5] = 1;
    m[1234567] = 2;
    m[999'999'999'999'999ULL] = 3;
    return map_of<std::uint16_t>(m).to_bytes();
}

// Rewrites both checksums so that a change passes them: what a hostile writer would do.
void fix_checksums(std::vector<std::byte>& f) {
    namespace at = numrep::detail::header_offset;
    const auto header_size = numrep::detail::load_le<std::uint32_t>(f.data() + at::header_size);
    if (header_size > f.size() || header_size < at::sections) return;
    numrep::detail::store_le<std::uint64_t>(f.data() + at::payload_checksum,
                                            numrep::detail::xxh3_bytes(std::span(f).subspan(header_size)));
    numrep::detail::store_le<std::uint64_t>(
        f.data() + at::header_checksum,
        numrep::detail::xxh3_bytes(std::span(f).subspan(at::checked_from, header_size - at::checked_from)));
}

}  // namespace

TEST_CASE("trie_store: every corrupted byte is refused, or safe with verify::header", "[trie]") {
    temp_dir dir;
    const auto good = small_file();
    const auto path = dir.path / "bad.nrt";
    std::size_t opened_with_header_check = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        auto bad = good;
        bad[i] ^= std::byte{0x5A};
        INFO("byte " << i);
        CHECK_THROWS_AS(trie_store<std::uint16_t>::from_bytes(bad), numrep::format_error);
        {
            std::ofstream(path, std::ios::binary)
                .write(reinterpret_cast<const char*>(bad.data()), static_cast<std::streamsize>(bad.size()));
        }
        try {
            const auto t = trie_store<std::uint16_t>::open(path, numrep::verify::header);
            ++opened_with_header_check;
            exercise(t);
        } catch (const numrep::format_error&) {
        }
    }
    CHECK(opened_with_header_check > 0);  // section bytes are not covered by the header check
}

TEST_CASE("trie_store: hostile files with valid checksums are refused or safe", "[trie]") {
    const auto good = small_file();
    std::size_t refused = 0, accepted = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (const std::byte flip : {std::byte{0x01}, std::byte{0x80}, std::byte{0xFF}}) {
            auto bad = good;
            bad[i] ^= flip;
            fix_checksums(bad);
            INFO("byte " << i);
            try {
                const auto t = trie_store<std::uint16_t>::from_bytes(bad);
                ++accepted;
                exercise(t);
            } catch (const numrep::format_error&) {
                ++refused;
            }
        }
    }
    CHECK(refused > 0);
    CHECK(accepted > 0);  // value bits and section padding... some changes are legitimate values
}

TEST_CASE("trie_store: every truncation is refused", "[trie]") {
    temp_dir dir;
    const auto good = small_file();
    const auto path = dir.path / "short.nrt";
    for (std::size_t n = 0; n < good.size(); ++n) {
        const std::vector<std::byte> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        INFO("length " << n);
        CHECK_THROWS_AS(trie_store<std::uint16_t>::from_bytes(cut), numrep::format_error);
        {
            std::ofstream(path, std::ios::binary)
                .write(reinterpret_cast<const char*>(cut.data()), static_cast<std::streamsize>(cut.size()));
        }
        CHECK_THROWS_AS(trie_store<std::uint16_t>::open(path, numrep::verify::header), numrep::format_error);
    }
    auto longer = good;
    longer.push_back(std::byte{0});
    CHECK_THROWS_AS(trie_store<std::uint16_t>::from_bytes(longer), numrep::format_error);
}

namespace {

// A small store with a bitmap group (7-digit keys, half of two blocks) beside a Rice coded
// one (20 11-digit keys, where Elias-Fano's tables would stray past the allowance).
key_map small_dense_model() {
    key_map m;
    std::mt19937_64 rng(78);
    for (std::uint64_t k = 8'491'200; k < 8'492'200; ++k)
        if (rng() % 2 == 0) m[k] = rng() % 300;
    for (int i = 0; i < 20; ++i) m[84'912'300'000ULL + rng() % 200'000] = rng() % 300;
    return m;
}
std::vector<std::byte> small_dense_file() {
    const auto t = map_of<std::uint16_t>(small_dense_model());
    REQUIRE(t.bitmap_groups() == 1);
    REQUIRE(t.rice_groups() == 1);
    return t.to_bytes();
}

// Field f of group record g, through the section table (the group table is section 0).
std::size_t group_field_at(const std::vector<std::byte>& f, std::size_t g, std::size_t field) {
    const auto table = numrep::detail::load_le<std::uint64_t>(f.data() + numrep::detail::header_offset::sections);
    return static_cast<std::size_t>(table) + 8 * (numrep::detail::trie_group_fields_of(layout_of(f)) * g + field);
}
void set_u64(std::vector<std::byte>& f, std::size_t at, std::uint64_t v) {
    numrep::detail::store_le<std::uint64_t>(f.data() + at, v);
}

// The message of the format_error reading `f` throws (empty if it opens).
std::string refusal(std::vector<std::byte> f) {
    fix_checksums(f);
    try {
        (void)trie_store<std::uint16_t>::from_bytes(f);
    } catch (const numrep::format_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("trie_store: damaged or hostile files with bitmap and Rice groups are refused or safe", "[trie]") {
    const auto good = small_dense_file();
    REQUIRE(refusal(good).empty());
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (const std::byte flip : {std::byte{0x01}, std::byte{0x80}, std::byte{0xFF}}) {
            auto bad = good;
            bad[i] ^= flip;
            INFO("byte " << i);
            CHECK_THROWS_AS(trie_store<std::uint16_t>::from_bytes(bad), numrep::format_error);
            fix_checksums(bad);
            try {
                exercise(trie_store<std::uint16_t>::from_bytes(bad));
                ++accepted;
            } catch (const numrep::format_error&) {
            }
        }
    }
    CHECK(accepted > 0);  // value bits
}

TEST_CASE("trie_store: hostile bitmap and Rice group records are refused before use", "[trie]") {
    using Catch::Matchers::Contains;
    const auto good = small_dense_file();
    // Group 0 is the 7-digit bitmap group, group 1 the 11-digit Rice group: a layout 4 file.
    REQUIRE(layout_of(good) == 4);
    REQUIRE(numrep::detail::load_le<std::uint64_t>(good.data() + group_field_at(good, 0, 7)) == 1);
    REQUIRE(numrep::detail::load_le<std::uint64_t>(good.data() + group_field_at(good, 1, 7)) == 2);
    const std::uint64_t code_bits = numrep::detail::load_le<std::uint64_t>(good.data() + group_field_at(good, 1, 8));
    const std::uint64_t rice_k = numrep::detail::load_le<std::uint64_t>(good.data() + group_field_at(good, 1, 6));
    REQUIRE(numrep::detail::load_le<std::uint64_t>(good.data() + group_field_at(good, 0, 8)) == 0);
    const std::size_t layout_at = numrep::detail::header_offset::params + 5 * 8;
    {
        auto f = good;
        set_u64(f, group_field_at(f, 0, 7), 3);
        CHECK_THAT(refusal(f), Contains("unknown encoding 3"));
        set_u64(f, group_field_at(f, 0, 7), ~std::uint64_t{0});
        CHECK_THAT(refusal(f), Contains("unknown encoding"));
    }
    {
        // Read with the 8-field records of layouts 2 and 3 the table no longer fits; and
        // layouts past 4 are unknown.
        auto f = good;
        set_u64(f, layout_at, 2);
        CHECK_FALSE(refusal(f).empty());
        set_u64(f, layout_at, 3);
        CHECK_FALSE(refusal(f).empty());
        set_u64(f, layout_at, 5);
        CHECK_THAT(refusal(f), Contains("unknown trie layout 5"));
    }
    {
        auto f = good;
        set_u64(f, group_field_at(f, 0, 6), 1);
        CHECK_THAT(refusal(f), Contains("a bitmap group has low bit width 1"));
        f = good;  // only a Rice group has code bits
        set_u64(f, group_field_at(f, 0, 8), 64);
        CHECK_THAT(refusal(f), Contains("in a group without Rice codes"));
    }
    {
        auto f = good;  // the bitmap read as Rice codes, and the Rice codes as a bitmap or Elias-Fano
        set_u64(f, group_field_at(f, 0, 7), 2);
        CHECK_FALSE(refusal(f).empty());
        f = good;
        set_u64(f, group_field_at(f, 1, 7), 1);
        CHECK_FALSE(refusal(f).empty());
        set_u64(f, group_field_at(f, 1, 8), 0);
        CHECK_FALSE(refusal(f).empty());
        set_u64(f, group_field_at(f, 1, 7), 0);
        CHECK_FALSE(refusal(f).empty());
    }
    {
        // Rice fields: every code-bit count but the written one, the parameter k.
        for (const std::uint64_t bits : {std::uint64_t{0}, code_bits - 1, code_bits + 1, code_bits + 64,
                                         std::uint64_t{1} << 32, ~std::uint64_t{0}}) {
            auto f = good;
            INFO("code bits " << bits);
            set_u64(f, group_field_at(f, 1, 8), bits);
            CHECK_FALSE(refusal(f).empty());
        }
        for (const std::uint64_t k : {std::uint64_t{0}, rice_k + 1, std::uint64_t{51}, ~std::uint64_t{0}}) {
            if (k == rice_k) continue;
            auto f = good;
            INFO("k " << k);
            set_u64(f, group_field_at(f, 1, 6), k);
            CHECK_FALSE(refusal(f).empty());
        }
    }
    {
        auto f = good;  // more keys than the bitmap's bits
        const std::uint64_t universe = numrep::detail::load_le<std::uint64_t>(f.data() + group_field_at(f, 0, 4)) *
                                       numrep::detail::pow10[numrep::detail::load_le<std::uint64_t>(
                                           f.data() + group_field_at(f, 0, 1))];
        set_u64(f, group_field_at(f, 0, 5), universe + 1);
        CHECK_THAT(refusal(f), Contains("key count out of range"));
    }
    {
        // Elias-Fano codes read as a bitmap, in a layout 3 file.
        auto f = built_as<std::uint16_t>(small_dense_model(), trie_encoding::elias_fano).to_bytes();
        set_u64(f, layout_at, 3);
        set_u64(f, group_field_at(f, 1, 7), 1);
        CHECK_FALSE(refusal(f).empty());
        set_u64(f, group_field_at(f, 1, 6), 0);
        CHECK_FALSE(refusal(f).empty());
        set_u64(f, group_field_at(f, 1, 7), 2);
        CHECK_THAT(refusal(f), Contains("unknown encoding 2 in a layout 3 file"));
    }
    {
        // A 15-digit bitmap group claiming 9 chunks of 10^14: 9 x 10^14 bits, past what a bit
        // vector indexes, refused before any size is computed from it.
        std::vector<std::uint64_t> keys;
        for (std::uint64_t i = 0; i < 1000; ++i) keys.push_back(100'000'000'000'000ULL + i);
        auto f = trie_store<>::build(keys).to_bytes();
        REQUIRE(trie_store<>::from_bytes(f).bitmap_groups() == 1);
        set_u64(f, group_field_at(f, 0, 1), 14);  // c
        set_u64(f, group_field_at(f, 0, 2), 1);   // first chunk
        set_u64(f, group_field_at(f, 0, 3), 9);   // chunks
        set_u64(f, group_field_at(f, 0, 4), 9);   // non-empty
        fix_checksums(f);
        CHECK_THROWS_WITH(trie_store<>::from_bytes(f), Contains("too large"));
    }
    {
        // Layout 3 is written only with a bitmap group: one reading of every file.
        key_map two{{84'912'345'678ULL, 0}, {84'987'654'321ULL, 0}};
        auto f = built_as(two, trie_encoding::elias_fano).to_bytes();
        REQUIRE(layout_of(f) == 2);
        set_u64(f, layout_at, 3);
        fix_checksums(f);
        CHECK_THROWS_WITH(trie_store<>::from_bytes(f), Contains("layout 3 without a bitmap group"));
    }
    {
        // Layout 4 is written only with a Rice group: Elias-Fano groups in 9-field records
        // under layout 4 are refused.
        const auto m = small_dense_model();
        std::vector<std::uint64_t> keys;
        for (const auto& [k, v] : m) keys.push_back(k);
        numrep::detail::trie_sections s;
        numrep::detail::build_trie_keys(keys, s, trie_encoding::elias_fano);
        numrep::detail::build_trie_no_values(s);
        REQUIRE(s.description.params[numrep::detail::trie_p_layout] == 2);
        CHECK_NOTHROW(trie_store<>::from_bytes(numrep::detail::write_trie_file(s)));
        std::vector<std::uint64_t> records;
        for (std::size_t i = 0; i < s.groups.size(); i += numrep::detail::trie_group_fields) {
            records.insert(records.end(), s.groups.begin() + static_cast<std::ptrdiff_t>(i),
                           s.groups.begin() + static_cast<std::ptrdiff_t>(i + numrep::detail::trie_group_fields));
            records.push_back(0);  // code bits
        }
        s.groups = std::move(records);
        s.description.params[numrep::detail::trie_p_layout] = 4;
        CHECK_THROWS_WITH(trie_store<>::from_bytes(numrep::detail::write_trie_file(s)),
                          Contains("layout 4 without a Rice group"));
    }
}
