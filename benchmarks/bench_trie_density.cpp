// Key-structure space of numrep::trie_store as the key set fills the Vietnamese mobile space
// (mobile_universe.hpp, U = 401.4M): bits/key and the ratio to the information-theoretic bound
// log2 C(U, n) / n for the store as built (each group's encoding chosen by cost), and for the
// same keys forced to Elias-Fano, to bitmaps and to Rice codes. Lookup ns of the three forced
// stores are measured in the same run, interleaved (round r times EF, bitmap, Rice, then the
// next query kind), so that machine noise hits them alike; medians over the rounds.
//
//   bench_trie_density [--sizes=1000000,10000000,...] [--rounds=5] [--full]
// --full adds n = U (every number: the bound is 0 bits/key). A smoke run (a
// --benchmark_min_time below 0.01, as CI passes) uses 10K and 100K keys.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <numrep/trie_store.hpp>

#include "mobile_universe.hpp"

namespace {

using numrep::detail::trie_encoding;
using numrep_bench::nth_mobile;
using numrep_bench::universe;

// n distinct universe indexes in increasing order, uniformly: drawn and deduplicated while n is
// small against u, else by selection sampling (one pass over u, as long as a second).
std::vector<std::uint64_t> sample_indexes(std::uint64_t n, std::uint64_t u, std::mt19937_64& rng) {
    std::vector<std::uint64_t> out;
    if (n < u / 64) {
        while (out.size() < n) {
            while (out.size() < n + n / 16 + 16) out.push_back(rng() % u);
            std::sort(out.begin(), out.end());
            out.erase(std::unique(out.begin(), out.end()), out.end());
        }
        std::shuffle(out.begin(), out.end(), rng);  // drop a uniform surplus, not the largest
        out.resize(n);
        std::sort(out.begin(), out.end());
        return out;
    }
    out.reserve(n);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::uint64_t i = 0; i < u && out.size() < n; ++i) {
        const std::uint64_t need = n - out.size();
        if (need == u - i || unit(rng) * static_cast<double>(u - i) < static_cast<double>(need)) out.push_back(i);
    }
    return out;
}

numrep::trie_store<> build_with(std::span<const std::uint64_t> sorted, std::optional<trie_encoding> only) {
    numrep::detail::trie_sections s;
    numrep::detail::build_trie_keys(sorted, s, only);
    numrep::detail::build_trie_no_values(s);
    return numrep::trie_store<>::from_bytes(numrep::detail::write_trie_file(s));
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ns per contains() over the queries (independent lookups, as a loop over keys issues them).
double lookup_ns(const numrep::trie_store<>& t, const std::vector<std::uint64_t>& q) {
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t hits = 0;
    for (const auto k : q) hits += t.contains(k) ? 1U : 0U;
    const double s = seconds_since(t0);
    if (hits == 0xFFFFFFFFFFFFULL) std::puts("");  // keeps the loop
    return s * 1e9 / static_cast<double>(q.size());
}

double batch_ns(const numrep::trie_store<>& t, const std::vector<std::uint64_t>& q) {
    std::vector<std::uint8_t> out(q.size());
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t hits = t.contains_batch(q, out);
    const double s = seconds_since(t0);
    if (hits == 0xFFFFFFFFFFFFULL) std::puts("");
    return s * 1e9 / static_cast<double>(q.size());
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

std::vector<std::uint64_t> parse_sizes(std::string_view list) {
    std::vector<std::uint64_t> out;
    while (!list.empty()) {
        const auto comma = list.find(',');
        out.push_back(std::strtoull(std::string(list.substr(0, comma)).c_str(), nullptr, 10));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::uint64_t> sizes{1'000'000, 10'000'000, 30'000'000, 93'000'000};
    int rounds = 5;
    bool full = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("--sizes=")) sizes = parse_sizes(arg.substr(8));
        else if (arg.starts_with("--rounds="))
            rounds = std::max(1, std::atoi(argv[i] + 9));
        else if (arg == "--full")
            full = true;
        else if (arg.starts_with("--benchmark_min_time=") && std::strtod(argv[i] + 21, nullptr) < 0.01)
            sizes = {10'000, 100'000};
    }
    const std::uint64_t u = universe();
    if (full) sizes.push_back(u);
    std::printf("U = %llu valid Vietnamese mobile numbers; %d interleaved rounds, medians\n\n",
                static_cast<unsigned long long>(u), rounds);
    std::printf(
        "| keys | density | bound bits/key | built: bits/key | x bound | bitmap / Rice groups | x bound: EF only "
        "| bitmap only | Rice only | hit ns EF / bitmap / Rice | miss ns EF / bitmap / Rice "
        "| batch ns EF / bitmap / Rice |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    constexpr std::array<trie_encoding, 3> forced{trie_encoding::elias_fano, trie_encoding::bitmap,
                                                  trie_encoding::rice};
    for (const std::uint64_t n : sizes) {
        std::mt19937_64 rng(n);
        std::vector<std::uint64_t> keys;
        {
            const auto index = sample_indexes(n, u, rng);
            keys.reserve(index.size());
            for (const auto r : index) keys.push_back(nth_mobile(r));
        }
        std::sort(keys.begin(), keys.end());  // the prefixes are not listed in numeric order
        const double bound = numrep::trie_bound_bits_per_key(static_cast<double>(u), static_cast<double>(n));
        const auto built = build_with(keys, std::nullopt);
        std::vector<numrep::trie_store<>> stores;
        for (const trie_encoding e : forced) stores.push_back(build_with(keys, e));
        constexpr std::size_t queries = 1'000'000;
        std::vector<std::uint64_t> hits, misses;
        for (std::size_t i = 0; i < queries; ++i) hits.push_back(keys[rng() % keys.size()]);
        for (std::size_t tries = 0; misses.size() < queries && tries < 50 * queries; ++tries) {
            const std::uint64_t k = nth_mobile(rng() % u);
            if (!built.contains(k)) misses.push_back(k);
        }
        keys.clear();
        keys.shrink_to_fit();
        std::array<std::vector<double>, 3> hit_ns, miss_ns, batch;
        for (int r = 0; r < rounds; ++r) {
            for (std::size_t e = 0; e < forced.size(); ++e) hit_ns[e].push_back(lookup_ns(stores[e], hits));
            for (std::size_t e = 0; e < forced.size() && !misses.empty(); ++e)
                miss_ns[e].push_back(lookup_ns(stores[e], misses));
            for (std::size_t e = 0; e < forced.size(); ++e) batch[e].push_back(batch_ns(stores[e], hits));
        }
        const auto fixed = [](double x, int digits) {
            char text[32];
            std::snprintf(text, sizeof text, "%.*f", digits, x);
            return std::string(text);
        };
        const auto ratio = [&](double bits) { return bound > 0 ? fixed(bits / bound, 3) : std::string("n/a"); };
        const auto medians = [&](const std::array<std::vector<double>, 3>& ns) {
            if (ns[0].empty()) return std::string("n/a (no misses)");
            return fixed(median(ns[0]), 1) + " / " + fixed(median(ns[1]), 1) + " / " + fixed(median(ns[2]), 1);
        };
        std::printf(
            "| %llu | %.4f | %.3f | %.3f | %s | %zu / %zu of %zu | %s (%.2f) | %s (%.2f) | %s (%.2f) | %s | %s | %s "
            "|\n",
            static_cast<unsigned long long>(n), static_cast<double>(n) / static_cast<double>(u), bound,
            built.bits_per_key(), ratio(built.bits_per_key()).c_str(), built.bitmap_groups(), built.rice_groups(),
            built.length_groups(), ratio(stores[0].bits_per_key()).c_str(), stores[0].bits_per_key(),
            ratio(stores[1].bits_per_key()).c_str(), stores[1].bits_per_key(), ratio(stores[2].bits_per_key()).c_str(),
            stores[2].bits_per_key(), medians(hit_ns).c_str(), medians(miss_ns).c_str(), medians(batch).c_str());
        std::fflush(stdout);
    }
    return 0;
}
