// numrep::bloom_filter at 10M keys and a 1% target: single and batch queries (hits and
// misses), inserts and a full build, for the blocked filter and the classic one. Counters give
// bits/key, the FPR measured on 10M keys never inserted, the model's prediction, and the ideal
// classic Bloom filter's FPR at the same bits/key (the yardstick: within 1.25x).
//
// Filters and key sets are built once per process and size, on first use, so that a smoke
// run (--benchmark_min_time=0.001s) costs one build of each size (about a second at 10M).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include <numrep/bloom_filter.hpp>

#include "hardware_counters.hpp"
#include "physical_reference.hpp"

namespace {

constexpr double target_fpr = 0.01;

// Random keys shaped like E.164 numbers; odd ones are inserted, even ones never are.
std::vector<std::uint64_t> make_keys(std::size_t n, std::uint64_t seed, std::uint64_t parity) {
    std::mt19937_64 rng(seed);
    std::vector<std::uint64_t> keys(n);
    for (auto& k : keys) k = ((10'000'000'000ULL + rng() % 900'000'000'000'000ULL) & ~std::uint64_t{1}) | parity;
    return keys;
}

template <class Filter>
struct fixture {
    std::vector<std::uint64_t> present;
    std::vector<std::uint64_t> absent;
    std::unique_ptr<Filter> filter;
    double measured_fpr = 0.0;

    explicit fixture(std::size_t n)
        : present(make_keys(n, 1, 1)), absent(make_keys(n, 2, 0)), filter(std::make_unique<Filter>(n, target_fpr)) {
        filter->insert_batch(present);
        std::vector<std::uint8_t> out(absent.size());
        measured_fpr = static_cast<double>(filter->contains_batch(absent, std::span<std::uint8_t>(out))) /
                       static_cast<double>(absent.size());
    }

    static fixture& get(std::size_t n) {
        static std::map<std::size_t, std::unique_ptr<fixture>> cache;
        auto& slot = cache[n];
        if (!slot) slot = std::make_unique<fixture>(n);
        return *slot;
    }

    void report(benchmark::State& state) const {
        const double bpk = filter->bits_per_key();
        state.counters["bits/key"] = bpk;
        state.counters["k"] = filter->num_probes();
        state.counters["fpr_measured_%"] = 100 * measured_fpr;
        state.counters["fpr_model_%"] = 100 * filter->sizing().expected_fpr;
        state.counters["fpr_ideal_%"] = 100 * numrep::ideal_bloom_fpr(bpk);
        state.counters["fpr/ideal"] = measured_fpr / numrep::ideal_bloom_fpr(bpk);
    }
};

void per_key(benchmark::State& state, std::size_t keys_per_iteration) {
    numrep_bench::report_per_key(state, keys_per_iteration);
}

template <class Filter, bool Hit>
void contains_single(benchmark::State& state) {
    auto& fx = fixture<Filter>::get(static_cast<std::size_t>(state.range(0)));
    const auto& keys = Hit ? fx.present : fx.absent;
    std::size_t i = 0;
    std::size_t hits = 0;
    for (auto _ : state) {
        hits += fx.filter->contains(keys[i]) ? 1U : 0U;
        if (++i == keys.size()) i = 0;
    }
    benchmark::DoNotOptimize(hits);
    per_key(state, 1);
    fx.report(state);
}

constexpr std::size_t batch_size = 4096;

template <class Filter, bool Hit>
void contains_batch(benchmark::State& state) {
    auto& fx = fixture<Filter>::get(static_cast<std::size_t>(state.range(0)));
    const auto& keys = Hit ? fx.present : fx.absent;
    std::vector<std::uint8_t> out(batch_size);
    std::size_t at = 0;
    const numrep_bench::counted_scope count(state, batch_size);
    for (auto _ : state) {
        if (at + batch_size > keys.size()) at = 0;
        benchmark::DoNotOptimize(
            fx.filter->contains_batch(std::span(keys).subspan(at, batch_size), std::span<std::uint8_t>(out)));
        benchmark::ClobberMemory();
        at += batch_size;
    }
    per_key(state, batch_size);
    fx.report(state);
}

// Inserts into a filter already holding the keys: the same memory traffic as a first insert.
template <class Filter>
void insert_single(benchmark::State& state) {
    auto& fx = fixture<Filter>::get(static_cast<std::size_t>(state.range(0)));
    Filter filter(*fx.filter);
    std::size_t i = 0;
    for (auto _ : state) {
        filter.insert(fx.present[i]);
        if (++i == fx.present.size()) i = 0;
    }
    benchmark::DoNotOptimize(filter.words().data());
    per_key(state, 1);
}

template <class Filter>
void insert_batch(benchmark::State& state) {
    auto& fx = fixture<Filter>::get(static_cast<std::size_t>(state.range(0)));
    Filter filter(*fx.filter);
    std::size_t at = 0;
    for (auto _ : state) {
        if (at + batch_size > fx.present.size()) at = 0;
        filter.insert_batch(std::span(fx.present).subspan(at, batch_size));
        at += batch_size;
    }
    benchmark::DoNotOptimize(filter.words().data());
    per_key(state, batch_size);
}

// The same in insert_mode::concurrent (atomic fetch_or; one thread, so no contention):
// the price of the mode itself, on inserts and on queries.
template <class Filter>
void insert_single_concurrent(benchmark::State& state) {
    auto& fx = fixture<Filter>::get(static_cast<std::size_t>(state.range(0)));
    Filter filter(*fx.filter);
    filter.set_insert_mode(numrep::insert_mode::concurrent);
    // Fresh bits each pass, or the atomic insert would find them set and skip the fetch_or.
    std::uint64_t key = 1;
    for (auto _ : state) filter.insert(key += 2);
    benchmark::DoNotOptimize(filter.words().data());
    per_key(state, 1);
}

template <class Filter>
void contains_batch_concurrent(benchmark::State& state) {
    auto& fx = fixture<Filter>::get(static_cast<std::size_t>(state.range(0)));
    Filter filter(*fx.filter);
    filter.set_insert_mode(numrep::insert_mode::concurrent);
    std::vector<std::uint8_t> out(batch_size);
    std::size_t at = 0;
    for (auto _ : state) {
        if (at + batch_size > fx.absent.size()) at = 0;
        benchmark::DoNotOptimize(
            filter.contains_batch(std::span(fx.absent).subspan(at, batch_size), std::span<std::uint8_t>(out)));
        benchmark::ClobberMemory();
        at += batch_size;
    }
    per_key(state, batch_size);
}

// Sizing, allocation and inserting every key, as a user building a store does.
template <class Filter>
void build(benchmark::State& state) {
    auto& fx = fixture<Filter>::get(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        Filter filter(fx.present.size(), target_fpr);
        filter.insert_batch(fx.present);
        benchmark::DoNotOptimize(filter.words().data());
    }
    per_key(state, fx.present.size());
    fx.report(state);
}

// The textbook cache-line-blocked Bloom filter (Putze, Sanders and Singler 2007), written here
// as the peer numrep's filter is measured against: one 512-bit block per key chosen by the
// high bits of one 64-bit hash, k bits within it from the low bits, 9 bits each. No files, no
// seeds, no modes: the least a blocked filter must do. Same bits per key as numrep's filter.
class textbook_blocked_bloom {
public:
    textbook_blocked_bloom(std::size_t bytes, unsigned k)
        : blocks_(std::max<std::size_t>(bytes / 64, 1)), k_(std::min(k, 6U)) {}
    void insert(std::uint64_t key) noexcept {
        const std::uint64_t h = mix(key);
        auto& target = blocks_[block_of(h)];
        for (unsigned i = 0; i < k_; ++i) {
            const unsigned bit = (h >> (9 * i)) & 511U;
            target.words[bit >> 6] |= std::uint64_t{1} << (bit & 63);
        }
    }
    bool contains(std::uint64_t key) const noexcept { return contains_hashed(mix(key)); }
    // Hashes ahead while earlier blocks load: each key is hashed once, its block prefetched
    // `ahead` keys before it is tested (the batching numrep's filter uses).
    std::size_t contains_batch(std::span<const std::uint64_t> keys, std::span<std::uint8_t> out) const noexcept {
        constexpr std::size_t ahead = 8;
        std::array<std::uint64_t, ahead> hashes{};
        std::size_t hits = 0;
        for (std::size_t i = 0; i < keys.size() + ahead; ++i) {
            if (i >= ahead) {
                out[i - ahead] = contains_hashed(hashes[i % ahead]) ? 1 : 0;
                hits += out[i - ahead];
            }
            if (i < keys.size()) {
                hashes[i % ahead] = mix(keys[i]);
                __builtin_prefetch(&blocks_[block_of(hashes[i % ahead])]);
            }
        }
        return hits;
    }
    std::size_t bytes() const noexcept { return blocks_.size() * 64; }

private:
    struct alignas(64) block {
        std::array<std::uint64_t, 8> words{};
    };
    std::vector<block> blocks_;
    unsigned k_;
    bool contains_hashed(std::uint64_t h) const noexcept {
        const auto& target = blocks_[block_of(h)];
        bool all = true;
        for (unsigned i = 0; i < k_; ++i) {
            const unsigned bit = (h >> (9 * i)) & 511U;
            all &= ((target.words[bit >> 6] >> (bit & 63)) & 1U) != 0;
        }
        return all;
    }
    static std::uint64_t mix(std::uint64_t x) noexcept {  // splitmix64's finaliser
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        return x ^ (x >> 31);
    }
    std::size_t block_of(std::uint64_t h) const noexcept {  // Lemire's range reduction, on 32 bits
        return static_cast<std::size_t>(((h >> 32) * blocks_.size()) >> 32);
    }
};

template <bool Hit>
void textbook_contains_batch(benchmark::State& state) {
    auto& fx = fixture<numrep::bloom_filter<>>::get(static_cast<std::size_t>(state.range(0)));
    static std::map<std::size_t, std::unique_ptr<textbook_blocked_bloom>> filters;
    auto& filter = filters[fx.present.size()];
    if (!filter) {
        filter = std::make_unique<textbook_blocked_bloom>(fx.filter->size_in_bytes(), fx.filter->num_probes());
        for (const auto key : fx.present) filter->insert(key);
    }
    const auto& keys = Hit ? fx.present : fx.absent;
    std::vector<std::uint8_t> out(batch_size);
    std::size_t at = 0;
    std::size_t hits = 0;
    const numrep_bench::counted_scope count(state, batch_size);
    for (auto _ : state) {
        if (at + batch_size > keys.size()) at = 0;
        hits += filter->contains_batch(std::span(keys).subspan(at, batch_size), std::span<std::uint8_t>(out));
        benchmark::ClobberMemory();
        at += batch_size;
    }
    benchmark::DoNotOptimize(hits);
    per_key(state, batch_size);
    if (!Hit)
        state.counters["fpr_measured_%"] = 100.0 * static_cast<double>(hits) /
                                           (static_cast<double>(state.iterations()) * batch_size);
}

// The physical references (physical_reference.hpp) over as many bytes as the filter.
numrep_bench::memory_reference& filter_memory(benchmark::State& state) {
    static std::map<std::size_t, std::unique_ptr<numrep_bench::memory_reference>> cache;
    const auto& fx = fixture<numrep::bloom_filter<>>::get(static_cast<std::size_t>(state.range(0)));
    auto& slot = cache[fx.filter->size_in_bytes()];
    if (!slot) slot = std::make_unique<numrep_bench::memory_reference>(fx.filter->size_in_bytes());
    return *slot;
}

void reference_independent_filter_bytes(benchmark::State& state) {
    auto& memory = filter_memory(state);
    const numrep_bench::counted_scope count(state, batch_size);
    numrep_bench::run_independent_loads(state, memory, batch_size);
}

void reference_answered_filter_bytes(benchmark::State& state) {
    auto& memory = filter_memory(state);
    const numrep_bench::counted_scope count(state, batch_size);
    numrep_bench::run_answered_loads(state, memory, batch_size);
}

void reference_dependent_filter_bytes(benchmark::State& state) {
    auto& memory = filter_memory(state);
    const numrep_bench::counted_scope count(state, 1);
    numrep_bench::run_dependent_misses(state, memory);
}

using blocked = numrep::bloom_filter<>;
using classic = numrep::classic_bloom_filter<>;

}  // namespace

// 10M keys (12 MB of filter: beyond L2, so every query is a cache or TLB miss on most
// machines), and 100k (120 kB: in L2) to show the cost of the hash and probes alone.
#define NUMREP_BLOOM_SIZES Arg(10'000'000)->Arg(100'000)

BENCHMARK_TEMPLATE(contains_single, blocked, true)->NUMREP_BLOOM_SIZES;
BENCHMARK_TEMPLATE(contains_single, blocked, false)->NUMREP_BLOOM_SIZES;
BENCHMARK_TEMPLATE(contains_batch, blocked, true)->NUMREP_BLOOM_SIZES;
BENCHMARK_TEMPLATE(contains_batch, blocked, false)->NUMREP_BLOOM_SIZES;
BENCHMARK_TEMPLATE(insert_single, blocked)->NUMREP_BLOOM_SIZES;
BENCHMARK_TEMPLATE(insert_batch, blocked)->NUMREP_BLOOM_SIZES;
BENCHMARK_TEMPLATE(insert_single_concurrent, blocked)->Arg(10'000'000);
BENCHMARK_TEMPLATE(contains_batch_concurrent, blocked)->Arg(10'000'000);
BENCHMARK_TEMPLATE(build, blocked)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

BENCHMARK_TEMPLATE(textbook_contains_batch, true)->NUMREP_BLOOM_SIZES;
BENCHMARK_TEMPLATE(textbook_contains_batch, false)->NUMREP_BLOOM_SIZES;
BENCHMARK(reference_independent_filter_bytes)->NUMREP_BLOOM_SIZES;
BENCHMARK(reference_answered_filter_bytes)->NUMREP_BLOOM_SIZES;
BENCHMARK(reference_dependent_filter_bytes)->NUMREP_BLOOM_SIZES;

BENCHMARK_TEMPLATE(contains_single, classic, true)->Arg(10'000'000);
BENCHMARK_TEMPLATE(contains_single, classic, false)->Arg(10'000'000);
BENCHMARK_TEMPLATE(contains_batch, classic, true)->Arg(10'000'000);
BENCHMARK_TEMPLATE(contains_batch, classic, false)->Arg(10'000'000);
BENCHMARK_TEMPLATE(build, classic)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) { return numrep_bench::run_benchmarks(argc, argv); }
