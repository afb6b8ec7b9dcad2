// Parsing and plan lookup, ns per number. Goal (issue 2): lookup under 20 ns per key.
//   ./bench_parse --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <numrep/numrep.hpp>

#include <random>
#include <string>
#include <vector>

namespace {

// Vietnamese numbers of every carrier in the written forms of the reference, deterministic.
std::vector<std::string> sample_texts(std::size_t count) {
    std::mt19937_64 rng(42);
    const char* prefixes[] = {"32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98",
                              "81", "82", "83", "84", "85", "88", "91", "94", "70", "76", "77", "78",
                              "79", "89", "90", "93", "56", "58", "92", "59", "99", "87", "52", "55"};
    std::vector<std::string> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        std::string nsn = prefixes[rng() % std::size(prefixes)];
        while (nsn.size() < 9) nsn += static_cast<char>('0' + rng() % 10);
        switch (rng() % 5) {
            case 0: out.push_back("0" + nsn); break;
            case 1: out.push_back("+84 " + nsn.substr(0, 2) + " " + nsn.substr(2, 3) + " " + nsn.substr(5)); break;
            case 2: out.push_back("0" + nsn.substr(0, 3) + "." + nsn.substr(3, 3) + "." + nsn.substr(6)); break;
            case 3: out.push_back("84" + nsn); break;
            default: out.push_back("(+84) " + nsn.substr(0, 2) + "-" + nsn.substr(2)); break;
        }
    }
    return out;
}

const std::vector<std::string>& texts() {
    static const std::vector<std::string> t = sample_texts(1 << 16);
    return t;
}

std::vector<std::uint64_t> sample_keys() {
    std::vector<std::uint64_t> keys;
    for (const auto& t : texts()) keys.push_back(numrep::parse(t).key());
    return keys;
}

void bm_parse(benchmark::State& state) {
    const auto& in = texts();
    std::size_t i = 0;
    for (auto _ : state) {
        auto r = numrep::try_parse(in[i++ & (in.size() - 1)]);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_parse);

void bm_lookup(benchmark::State& state) {
    static const std::vector<std::uint64_t> keys = sample_keys();
    const auto& plan = numrep::plans::vietnam();
    std::size_t i = 0;
    for (auto _ : state) {
        auto info = plan.lookup(keys[i++ & (keys.size() - 1)]);
        benchmark::DoNotOptimize(info);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_lookup);

void bm_parse_and_lookup(benchmark::State& state) {
    const auto& in = texts();
    const auto& plan = numrep::plans::vietnam();
    std::size_t i = 0;
    for (auto _ : state) {
        const auto r = numrep::try_parse(in[i++ & (in.size() - 1)]);
        auto info = plan.lookup(r->key());
        benchmark::DoNotOptimize(info);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_parse_and_lookup);

}  // namespace

BENCHMARK_MAIN();
