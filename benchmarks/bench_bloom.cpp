// numrep::bloom_filter at 10M keys and a 1% target: single and batch queries (hits and
// misses), inserts and a full build, for the blocked filter and the classic one. Counters give
// bits/key, the FPR measured on 10M keys never inserted, the model's prediction, and the ideal
// classic Bloom filter's FPR at the same bits/key (the yardstick: within 1.25x).
//
// Filters and key sets are built once per process and size, on first use, so that a smoke
// run (--benchmark_min_time=0.001s) costs one build of each size (about a second at 10M).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include <numrep/bloom_filter.hpp>

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
    const auto n = static_cast<double>(state.iterations()) * static_cast<double>(keys_per_iteration);
    state.SetItemsProcessed(static_cast<std::int64_t>(n));
    state.counters["ns/key"] = benchmark::Counter(n * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
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

BENCHMARK_TEMPLATE(contains_single, classic, true)->Arg(10'000'000);
BENCHMARK_TEMPLATE(contains_single, classic, false)->Arg(10'000'000);
BENCHMARK_TEMPLATE(contains_batch, classic, true)->Arg(10'000'000);
BENCHMARK_TEMPLATE(contains_batch, classic, false)->Arg(10'000'000);
BENCHMARK_TEMPLATE(build, classic)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
