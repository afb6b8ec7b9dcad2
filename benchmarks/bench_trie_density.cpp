// Key-structure space of numrep::trie_store as the key set fills the Vietnamese mobile space
// (mobile_universe.hpp, U = 401.4M): bits/key and the ratio to the information-theoretic bound
// log2 C(U, n) / n for the store as built (each group's encoding chosen by cost), and for the
// same keys forced to Elias-Fano and to bitmaps. Lookup ns of the two forced stores are
// measured in the same run, interleaved (round r times EF then bitmap, then the next query
// kind), so that machine noise hits both alike; medians over the rounds.
//
//   bench_trie_density [--sizes=1000000,10000000,...] [--rounds=5] [--full]
// --full adds n = U (every number: the bound is 0 bits/key). A smoke run (a
// --benchmark_min_time below 0.01, as CI passes) uses 10K and 100K keys.
#include <algorithm>
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
        "| keys | density | bound bits/key | built: bits/key | x bound | bitmap groups | EF only: bits/key | x bound "
        "| bitmap only: bits/key | x bound | hit ns EF / bitmap | miss ns EF / bitmap | batch ns EF / bitmap |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
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
        const auto ef = build_with(keys, trie_encoding::elias_fano);
        const auto bm = build_with(keys, trie_encoding::bitmap);
        constexpr std::size_t queries = 1'000'000;
        std::vector<std::uint64_t> hits, misses;
        for (std::size_t i = 0; i < queries; ++i) hits.push_back(keys[rng() % keys.size()]);
        for (std::size_t tries = 0; misses.size() < queries && tries < 50 * queries; ++tries) {
            const std::uint64_t k = nth_mobile(rng() % u);
            if (!built.contains(k)) misses.push_back(k);
        }
        keys.clear();
        keys.shrink_to_fit();
        std::vector<double> hit_ef, hit_bm, miss_ef, miss_bm, batch_ef, batch_bm;
        for (int r = 0; r < rounds; ++r) {
            hit_ef.push_back(lookup_ns(ef, hits));
            hit_bm.push_back(lookup_ns(bm, hits));
            if (!misses.empty()) {
                miss_ef.push_back(lookup_ns(ef, misses));
                miss_bm.push_back(lookup_ns(bm, misses));
            }
            batch_ef.push_back(batch_ns(ef, hits));
            batch_bm.push_back(batch_ns(bm, hits));
        }
        const auto fixed = [](double x, int digits) {
            char text[32];
            std::snprintf(text, sizeof text, "%.*f", digits, x);
            return std::string(text);
        };
        const auto ratio = [&](double bits) { return bound > 0 ? fixed(bits / bound, 3) : std::string("n/a"); };
        const std::string miss = misses.empty() ? std::string("n/a (no misses)")
                                                : fixed(median(miss_ef), 1) + " / " + fixed(median(miss_bm), 1);
        std::printf(
            "| %llu | %.4f | %.3f | %.3f | %s | %zu of %zu | %.3f | %s | %.3f | %s | %.1f / %.1f | %s | %.1f / %.1f "
            "|\n",
            static_cast<unsigned long long>(n), static_cast<double>(n) / static_cast<double>(u), bound,
            built.bits_per_key(), ratio(built.bits_per_key()).c_str(), built.bitmap_groups(), built.length_groups(),
            ef.bits_per_key(), ratio(ef.bits_per_key()).c_str(), bm.bits_per_key(), ratio(bm.bits_per_key()).c_str(),
            median(hit_ef), median(hit_bm), miss.c_str(), median(batch_ef), median(batch_bm));
        std::fflush(stdout);
    }
    return 0;
}
