// Physical references for the benchmarks: what the memory system allows for a structure of a
// given size, measured in the same run as the structure (issue 13). A structure's time per key
// divided by these is a figure that means the same on any machine:
//   - dependent_misses: one random cache line per key, each address known only after the
//     previous load (pointer chasing), over an array as large as the structure. A lookup that
//     must follow k pointers through the structure costs about k of these.
//   - independent_loads: one random cache line per key with the addresses known in advance, in
//     batches, so the processor overlaps the misses (memory-level parallelism). Batch lookups
//     are bounded by this.
//   - answered_loads: the same loads, each tested for a bit and the answer stored: the least a
//     batch membership query (a Bloom filter's) does per key.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

namespace numrep_bench {

inline constexpr std::size_t cache_line_bytes = 64;

// `bytes` of memory as cache lines, linked into one random cycle (Sattolo's algorithm), so a
// chase visits every line before it repeats and the prefetchers cannot guess the next one.
class memory_reference {
public:
    explicit memory_reference(std::size_t bytes, std::uint64_t seed = 2026) {
        const std::size_t count = bytes / cache_line_bytes > 2 ? bytes / cache_line_bytes : 2;
        lines_.resize(count);
        std::vector<std::uint32_t> order(count);
        std::iota(order.begin(), order.end(), 0U);
        std::mt19937_64 rng(seed);
        for (std::size_t i = count - 1; i > 0; --i) {  // Sattolo: a single cycle through all lines
            const std::size_t j = rng() % i;
            std::swap(order[i], order[j]);
        }
        for (std::size_t i = 0; i < count; ++i) lines_[order[i]].next = order[(i + 1) % count];
        targets_.resize(1U << 20);
        for (auto& t : targets_) t = static_cast<std::uint32_t>(rng() % count);
    }

    std::size_t bytes() const noexcept { return lines_.size() * cache_line_bytes; }

    // `steps` dependent loads, continuing the chase where the last call stopped.
    std::uint32_t chase(std::size_t steps) noexcept {
        std::uint32_t at = position_;
        for (std::size_t i = 0; i < steps; ++i) at = lines_[at].next;
        position_ = at;
        return at;
    }

    // `count` loads of random lines whose addresses are known in advance (a batch).
    std::uint64_t load_batch(std::size_t count) noexcept {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < count; ++i) {
            sum += lines_[targets_[next_target_]].next;
            next_target_ = (next_target_ + 1) & (targets_.size() - 1);
        }
        return sum;
    }

    // `count` loads of random lines as a batch membership query makes them: a bit of each line
    // tested and the answer stored, one per key. Against load_batch this adds only the test
    // and the store; it shows what answering costs the memory-level parallelism on this
    // machine (a store per key also waits, in the store buffer, behind the outstanding misses).
    std::uint64_t answer_batch(std::size_t count, std::uint8_t* out) noexcept {
        std::uint64_t hits = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const std::uint32_t target = targets_[next_target_];
            const auto hit = static_cast<std::uint8_t>((lines_[target].next >> (target & 31U)) & 1U);
            out[i] = hit;
            hits += hit;
            next_target_ = (next_target_ + 1) & (targets_.size() - 1);
        }
        return hits;
    }

private:
    struct alignas(cache_line_bytes) line {
        std::uint32_t next = 0;
    };
    std::vector<line> lines_;
    std::vector<std::uint32_t> targets_;  // random line indices, a power of two of them
    std::uint32_t position_ = 0;
    std::size_t next_target_ = 0;
};

// Google Benchmark bodies: ns per key of each reference over `bytes` of memory. Register them
// next to the structure they bound, with the structure's size, and run with
// --benchmark_enable_random_interleaving so that both see the same moments of the machine.
// Items per second and the "ns/key" counter every numrep benchmark reports.
inline void report_per_key(benchmark::State& state, std::size_t keys_per_iteration) {
    const auto n = static_cast<double>(state.iterations()) * static_cast<double>(keys_per_iteration);
    state.SetItemsProcessed(static_cast<std::int64_t>(n));
    state.counters["ns/key"] = benchmark::Counter(n * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// report_per_key, and the size of the memory the reference ran over.
inline void report_reference(benchmark::State& state, const memory_reference& memory, std::size_t keys_per_iteration) {
    report_per_key(state, keys_per_iteration);
    state.counters["ref_MiB"] = static_cast<double>(memory.bytes()) / (1024.0 * 1024.0);
}

inline void run_dependent_misses(benchmark::State& state, memory_reference& memory) {
    for (auto _ : state) benchmark::DoNotOptimize(memory.chase(1));
    report_reference(state, memory, 1);
}

inline void run_independent_loads(benchmark::State& state, memory_reference& memory, std::size_t batch = 1024) {
    for (auto _ : state) benchmark::DoNotOptimize(memory.load_batch(batch));
    report_reference(state, memory, batch);
}

inline void run_answered_loads(benchmark::State& state, memory_reference& memory, std::size_t batch = 1024) {
    std::vector<std::uint8_t> out(batch);
    for (auto _ : state) {
        benchmark::DoNotOptimize(memory.answer_batch(batch, out.data()));
        benchmark::ClobberMemory();
    }
    report_reference(state, memory, batch);
}

}  // namespace numrep_bench
