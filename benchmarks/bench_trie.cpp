// numrep::trie_store on random valid Vietnamese mobile numbers (every mobile prefix of the
// built-in plan, uniformly over the U numbers they hold): bits/key beside the
// information-theoretic bound log2 C(U, n) / n, exact lookup (hits, misses, batches), prefix
// count, rank, select, ordered iteration and build from unsorted keys. Peers on the same keys:
// a sorted array with binary search, std::unordered_set, and libmarisa when built with
// NUMREP_HAVE_MARISA (defined, with -lmarisa, when libmarisa-dev is found), and sdsl-lite's
// Elias-Fano bit vector (sd_vector) when built with NUMREP_HAVE_SDSL (libsdsl-dev).
//
// Sizes are 1M and 10M keys. A smoke run (--benchmark_min_time below 0.01, as CI passes) uses
// 10K and 100K instead, so that it builds nothing big. Fixtures are built once per size.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <numrep/trie_store.hpp>

#include "hardware_counters.hpp"
#include "mobile_universe.hpp"
#include "physical_reference.hpp"

#if defined(NUMREP_HAVE_MARISA)
#include <marisa.h>
#endif
#if defined(NUMREP_HAVE_SDSL)
#include <sdsl/sd_vector.hpp>
#endif

namespace {

bool smoke = false;

using numrep_bench::nth_mobile;
using numrep_bench::universe;

struct fixture {
    std::vector<std::uint64_t> keys;      // distinct, in random order
    std::vector<std::uint64_t> absent;    // valid numbers not in keys
    std::vector<std::uint64_t> prefixes;  // 7-digit prefixes such as 8491234 ("+84 91 234")
    numrep::trie_store<> trie;
    numrep::trie_store<std::uint32_t> trie_values;
    double build_seconds = 0;

    explicit fixture(std::size_t n) {
        std::mt19937_64 rng(42);
        const std::uint64_t u = universe();
        std::vector<std::uint64_t> sorted;
        while (sorted.size() < n) {
            while (sorted.size() < n + n / 16) sorted.push_back(nth_mobile(rng() % u));
            std::sort(sorted.begin(), sorted.end());
            sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
        }
        std::shuffle(sorted.begin(), sorted.end(), rng);
        keys.assign(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(n));
        const auto t0 = std::chrono::steady_clock::now();
        trie = numrep::trie_store<>::build(keys);
        build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::vector<std::uint32_t> values(n);
        for (auto& v : values) v = static_cast<std::uint32_t>(rng() % 100);
        trie_values = numrep::trie_store<std::uint32_t>::build(keys, values);
        while (absent.size() < std::min<std::size_t>(n, 1'000'000)) {
            const std::uint64_t k = nth_mobile(rng() % u);
            if (!trie.contains(k)) absent.push_back(k);
        }
        for (std::size_t i = 0; i < 100'000; ++i) prefixes.push_back(keys[rng() % n] / 10'000);
    }

    static fixture& get(std::size_t n) {
        static std::map<std::size_t, std::unique_ptr<fixture>> cache;
        auto& slot = cache[n];
        if (!slot) slot = std::make_unique<fixture>(n);
        return *slot;
    }

    void report_space(benchmark::State& state, double bits_per_key) const {
        const double bound = numrep::trie_bound_bits_per_key(static_cast<double>(universe()),
                                                             static_cast<double>(keys.size()));
        state.counters["bits/key"] = bits_per_key;
        state.counters["bound"] = bound;
        state.counters["x_bound"] = bits_per_key / bound;
    }
};

std::size_t size_of(const benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    return smoke ? n / 100 : n;
}

void per_key(benchmark::State& state, std::size_t keys_per_iteration) {
    numrep_bench::report_per_key(state, keys_per_iteration);
}

// ---- numrep::trie_store ----

void trie_lookup_hit(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    const numrep_bench::counted_scope count(state, 1);
    std::size_t i = 0, hits = 0;
    for (auto _ : state) {
        hits += fx.trie.contains(fx.keys[i]) ? 1U : 0U;
        if (++i == fx.keys.size()) i = 0;
    }
    benchmark::DoNotOptimize(hits);
    per_key(state, 1);
    fx.report_space(state, fx.trie.bits_per_key());
    state.counters["build_s"] = fx.build_seconds;
    state.counters["build_Mkeys/s"] = static_cast<double>(fx.keys.size()) / fx.build_seconds / 1e6;
}

// Lookups one after another where each key's address depends on the previous answer, so that
// none overlaps the next: the latency of a lookup, comparable with the dependent-miss reference
// (the loops above let the processor overlap independent lookups: their throughput).
template <class Contains>
void chained_lookups(benchmark::State& state, const std::vector<std::uint64_t>& keys, Contains contains) {
    const numrep_bench::counted_scope count(state, 1);
    std::size_t i = 0;
    for (auto _ : state) {
        const bool found = contains(keys[i]);
        i += 2 - static_cast<std::size_t>(found);  // every key is present: the next one, by data
        if (i >= keys.size()) i = 0;
    }
    benchmark::DoNotOptimize(i);
    per_key(state, 1);
}

void trie_lookup_chained(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    chained_lookups(state, fx.keys, [&](std::uint64_t k) { return fx.trie.contains(k); });
}

void trie_lookup_miss(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    std::size_t i = 0, hits = 0;
    for (auto _ : state) {
        hits += fx.trie.contains(fx.absent[i]) ? 1U : 0U;
        if (++i == fx.absent.size()) i = 0;
    }
    benchmark::DoNotOptimize(hits);
    per_key(state, 1);
}

void trie_get_value(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    std::size_t i = 0;
    std::uint64_t sum = 0;
    for (auto _ : state) {
        sum += fx.trie_values.get(fx.keys[i]).value_or(0);
        if (++i == fx.keys.size()) i = 0;
    }
    benchmark::DoNotOptimize(sum);
    per_key(state, 1);
    state.counters["value_bits"] = fx.trie_values.value_bits();
}

void trie_contains_batch(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    constexpr std::size_t batch = 1024;
    const numrep_bench::counted_scope count(state, batch);
    std::vector<std::uint8_t> out(batch);
    std::size_t at = 0;
    for (auto _ : state) {
        if (at + batch > fx.keys.size()) at = 0;
        benchmark::DoNotOptimize(fx.trie.contains_batch(std::span(fx.keys).subspan(at, batch), std::span(out)));
        at += batch;
    }
    per_key(state, batch);
}

void trie_find_batch(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    constexpr std::size_t batch = 1024;
    std::vector<std::uint32_t> values(batch);
    std::vector<std::uint8_t> found(batch);
    std::size_t at = 0;
    for (auto _ : state) {
        if (at + batch > fx.keys.size()) at = 0;
        benchmark::DoNotOptimize(fx.trie_values.find_batch(std::span(fx.keys).subspan(at, batch), values, found));
        at += batch;
    }
    per_key(state, batch);
}

void trie_count_prefix(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    std::size_t i = 0, total = 0;
    for (auto _ : state) {
        total += fx.trie.count_prefix(fx.prefixes[i]);
        if (++i == fx.prefixes.size()) i = 0;
    }
    benchmark::DoNotOptimize(total);
    per_key(state, 1);
    state.counters["keys/prefix"] = static_cast<double>(total) / static_cast<double>(state.iterations());
}

void trie_count_prefix_short(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    std::size_t i = 0, total = 0;
    for (auto _ : state) {
        total += fx.trie.count_prefix(fx.prefixes[i] / 1000);  // "+8491": a whole operator prefix
        if (++i == fx.prefixes.size()) i = 0;
    }
    benchmark::DoNotOptimize(total);
    per_key(state, 1);
    state.counters["keys/prefix"] = static_cast<double>(total) / static_cast<double>(state.iterations());
}

void trie_rank(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    std::size_t i = 0, total = 0;
    for (auto _ : state) {
        total += fx.trie.rank(fx.keys[i]);
        if (++i == fx.keys.size()) i = 0;
    }
    benchmark::DoNotOptimize(total);
    per_key(state, 1);
}

void trie_select(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    std::mt19937_64 rng(7);
    std::uint64_t total = 0;
    const std::size_t n = fx.trie.size();
    for (auto _ : state) total += fx.trie.select(static_cast<std::size_t>(rng() % n)).value_or(0);
    benchmark::DoNotOptimize(total);
    per_key(state, 1);
}

void trie_iterate(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    std::size_t done = 0;
    for (auto _ : state) {
        std::uint64_t x = 0;
        for (const auto k : fx.trie.keys(849)) x ^= k;
        benchmark::DoNotOptimize(x);
        done += fx.trie.count_prefix(849);
    }
    const auto n = static_cast<double>(done);
    state.SetItemsProcessed(static_cast<std::int64_t>(n));
    state.counters["ns/key"] = benchmark::Counter(n * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void trie_build(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    for (auto _ : state) {
        auto t = numrep::trie_store<>::build(fx.keys);
        benchmark::DoNotOptimize(t.size());
    }
    per_key(state, fx.keys.size());
}

// ---- peers ----

void sorted_array_lookup(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    static std::map<std::size_t, std::vector<std::uint64_t>> arrays;
    auto& sorted = arrays[fx.keys.size()];
    if (sorted.empty()) {
        sorted = fx.keys;
        std::sort(sorted.begin(), sorted.end());
    }
    const numrep_bench::counted_scope count(state, 1);
    std::size_t i = 0, hits = 0;
    for (auto _ : state) {
        hits += std::binary_search(sorted.begin(), sorted.end(), fx.keys[i]) ? 1U : 0U;
        if (++i == fx.keys.size()) i = 0;
    }
    benchmark::DoNotOptimize(hits);
    per_key(state, 1);
    fx.report_space(state, 64.0);
}

// libstdc++'s unordered_set<uint64_t>: a node (next pointer + key) of 16 bytes plus malloc's
// 16-byte header per key, and a bucket pointer per bucket (load factor <= 1).
double unordered_set_bytes(const std::unordered_set<std::uint64_t>& set) {
    return 32.0 * static_cast<double>(set.size()) + 8.0 * static_cast<double>(set.bucket_count());
}

// The fixture's keys in an unordered_set, built once per size.
const std::unordered_set<std::uint64_t>& unordered_set_of(const fixture& fx) {
    static std::map<std::size_t, std::unique_ptr<std::unordered_set<std::uint64_t>>> sets;
    auto& set = sets[fx.keys.size()];
    if (!set) {
        // Inserted in another order than the queries come in: nodes are allocated in insertion
        // order, and querying in that same order would walk memory sequentially (a lookup then
        // costs one miss in the bucket array only, far below what a served lookup pays).
        std::vector<std::uint64_t> order = fx.keys;
        std::shuffle(order.begin(), order.end(), std::mt19937_64(7));
        set = std::make_unique<std::unordered_set<std::uint64_t>>(order.begin(), order.end());
    }
    return *set;
}

void unordered_set_lookup(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    const auto* set = &unordered_set_of(fx);
    const numrep_bench::counted_scope count(state, 1);
    std::size_t i = 0, hits = 0;
    for (auto _ : state) {
        hits += set->count(fx.keys[i]);
        if (++i == fx.keys.size()) i = 0;
    }
    benchmark::DoNotOptimize(hits);
    per_key(state, 1);
    fx.report_space(state, 8.0 * unordered_set_bytes(*set) / static_cast<double>(set->size()));
}

void unordered_set_lookup_chained(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    const auto& set = unordered_set_of(fx);
    chained_lookups(state, fx.keys, [&](std::uint64_t k) { return set.count(k) != 0; });
}

#if defined(NUMREP_HAVE_MARISA)
struct marisa_fixture {
    marisa::Trie trie;
    std::vector<std::string> queries;
    std::vector<std::string> prefixes;
    explicit marisa_fixture(const fixture& fx) {
        marisa::Keyset keyset;
        for (const auto k : fx.keys) {
            const std::string s = std::to_string(k);
            keyset.push_back(s.data(), s.size());
        }
        trie.build(keyset);
        for (std::size_t i = 0; i < std::min<std::size_t>(fx.keys.size(), 1'000'000); ++i)
            queries.push_back(std::to_string(fx.keys[i]));
        for (const auto p : fx.prefixes) prefixes.push_back(std::to_string(p));
    }
    static marisa_fixture& get(const fixture& fx) {
        static std::map<std::size_t, std::unique_ptr<marisa_fixture>> cache;
        auto& slot = cache[fx.keys.size()];
        if (!slot) slot = std::make_unique<marisa_fixture>(fx);
        return *slot;
    }
};

void marisa_lookup(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    auto& mf = marisa_fixture::get(fx);
    marisa::Agent agent;
    const numrep_bench::counted_scope count(state, 1);
    std::size_t i = 0, hits = 0;
    for (auto _ : state) {
        agent.set_query(mf.queries[i].data(), mf.queries[i].size());
        hits += mf.trie.lookup(agent) ? 1U : 0U;
        if (++i == mf.queries.size()) i = 0;
    }
    benchmark::DoNotOptimize(hits);
    per_key(state, 1);
    fx.report_space(state, 8.0 * static_cast<double>(mf.trie.io_size()) / static_cast<double>(fx.keys.size()));
}

void marisa_count_prefix(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    auto& mf = marisa_fixture::get(fx);
    marisa::Agent agent;
    std::size_t i = 0, total = 0;
    for (auto _ : state) {
        agent.set_query(mf.prefixes[i].data(), mf.prefixes[i].size());
        while (mf.trie.predictive_search(agent)) ++total;  // marisa has no count: it enumerates
        if (++i == mf.prefixes.size()) i = 0;
    }
    benchmark::DoNotOptimize(total);
    per_key(state, 1);
}
#endif

#if defined(NUMREP_HAVE_SDSL)
// sdsl-lite's Elias-Fano (sd_vector) over the keys as a user would give them: E.164 numbers,
// a universe up to the largest key. Membership is the access of the key's bit.
void sdsl_ef_lookup(benchmark::State& state) {
    auto& fx = fixture::get(size_of(state));
    static std::map<std::size_t, std::unique_ptr<sdsl::sd_vector<>>> vectors;
    auto& v = vectors[fx.keys.size()];
    if (!v) {
        std::vector<std::uint64_t> sorted = fx.keys;
        std::sort(sorted.begin(), sorted.end());
        v = std::make_unique<sdsl::sd_vector<>>(sorted.begin(), sorted.end());
    }
    const numrep_bench::counted_scope count(state, 1);
    std::size_t i = 0, hits = 0;
    for (auto _ : state) {
        hits += (*v)[fx.keys[i]] ? 1U : 0U;
        if (++i == fx.keys.size()) i = 0;
    }
    benchmark::DoNotOptimize(hits);
    per_key(state, 1);
    fx.report_space(state, 8.0 * static_cast<double>(sdsl::size_in_bytes(*v)) / static_cast<double>(fx.keys.size()));
}
#endif

// ---- physical references (physical_reference.hpp), over as many bytes as the structures ----

numrep_bench::memory_reference& reference_memory(std::size_t bytes) {
    static std::map<std::size_t, std::unique_ptr<numrep_bench::memory_reference>> cache;
    auto& slot = cache[bytes];
    if (!slot) slot = std::make_unique<numrep_bench::memory_reference>(bytes);
    return *slot;
}

std::size_t trie_bytes(const fixture& fx) { return fx.trie.size_in_bytes(); }

// An unordered_set of the same keys (unordered_set_bytes, about one bucket per key), without
// building one.
std::size_t set_bytes(const fixture& fx) { return 40 * fx.keys.size(); }

void reference_dependent_trie_bytes(benchmark::State& state) {
    auto& memory = reference_memory(trie_bytes(fixture::get(size_of(state))));
    const numrep_bench::counted_scope count(state, 1);
    numrep_bench::run_dependent_misses(state, memory);
}

void reference_independent_trie_bytes(benchmark::State& state) {
    auto& memory = reference_memory(trie_bytes(fixture::get(size_of(state))));
    const numrep_bench::counted_scope count(state, 1024);
    numrep_bench::run_independent_loads(state, memory, 1024);
}

void reference_dependent_set_bytes(benchmark::State& state) {
    auto& memory = reference_memory(set_bytes(fixture::get(size_of(state))));
    const numrep_bench::counted_scope count(state, 1);
    numrep_bench::run_dependent_misses(state, memory);
}

void sizes(benchmark::internal::Benchmark* b) { b->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kNanosecond); }

BENCHMARK(trie_lookup_hit)->Apply(sizes);
BENCHMARK(trie_lookup_chained)->Apply(sizes);
BENCHMARK(trie_lookup_miss)->Apply(sizes);
BENCHMARK(trie_get_value)->Apply(sizes);
BENCHMARK(trie_contains_batch)->Apply(sizes);
BENCHMARK(trie_find_batch)->Apply(sizes);
BENCHMARK(trie_count_prefix)->Apply(sizes);
BENCHMARK(trie_count_prefix_short)->Apply(sizes);
BENCHMARK(trie_rank)->Apply(sizes);
BENCHMARK(trie_select)->Apply(sizes);
BENCHMARK(trie_iterate)->Apply(sizes);
BENCHMARK(trie_build)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(reference_dependent_trie_bytes)->Apply(sizes);
BENCHMARK(reference_independent_trie_bytes)->Apply(sizes);
BENCHMARK(reference_dependent_set_bytes)->Apply(sizes);
BENCHMARK(sorted_array_lookup)->Apply(sizes);
BENCHMARK(unordered_set_lookup)->Apply(sizes);
BENCHMARK(unordered_set_lookup_chained)->Apply(sizes);
#if defined(NUMREP_HAVE_MARISA)
BENCHMARK(marisa_lookup)->Apply(sizes);
BENCHMARK(marisa_count_prefix)->Apply(sizes);
#endif
#if defined(NUMREP_HAVE_SDSL)
BENCHMARK(sdsl_ef_lookup)->Apply(sizes);
#endif

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        constexpr std::string_view flag = "--benchmark_min_time=";
        if (arg.substr(0, flag.size()) == flag)
            smoke = std::strtod(std::string(arg.substr(flag.size())).c_str(), nullptr) < 0.01;
    }
    return numrep_bench::run_benchmarks(argc, argv);
}
