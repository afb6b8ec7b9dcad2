// Hardware counters per key for the benchmarks (issue 13): last-level cache misses, data-TLB
// load misses and instructions, read with Linux's perf_event_open around a benchmark's loop.
// Virtual machines often do not expose the performance-monitoring unit; then the counters
// are left out and why_not() says so, which the results print (a missing figure, never a zero).
#pragma once

#include <benchmark/benchmark.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace numrep_bench {

class hardware_counters {
public:
    hardware_counters() {
#if defined(__linux__)
        const std::array<std::pair<std::uint32_t, std::uint64_t>, count> events{{
            {PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
            {PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
            {PERF_TYPE_HW_CACHE,
             PERF_COUNT_HW_CACHE_DTLB | (PERF_COUNT_HW_CACHE_OP_READ << 8) | (PERF_COUNT_HW_CACHE_RESULT_MISS << 16)},
        }};
        for (std::size_t i = 0; i < count; ++i) {
            perf_event_attr attr{};
            attr.size = sizeof attr;
            attr.type = events[i].first;
            attr.config = events[i].second;
            attr.disabled = 1;
            attr.exclude_kernel = 1;  // user space only: allowed up to perf_event_paranoid 2 (Debian's is 3)
            attr.exclude_hv = 1;
            const long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
            if (fd < 0) {
                why_not_ = std::string(names[i]) + ": perf_event_open failed (" + std::strerror(errno) +
                           "): the machine does not expose this hardware counter";
                close_all();
                return;
            }
            fds_[i] = static_cast<int>(fd);
        }
#else
        why_not_ = "hardware counters are read through Linux's perf_event_open only";
#endif
    }
    ~hardware_counters() { close_all(); }
    hardware_counters(const hardware_counters&) = delete;
    hardware_counters& operator=(const hardware_counters&) = delete;

    bool available() const noexcept { return why_not_.empty(); }
    const std::string& why_not() const noexcept { return why_not_; }

    void start() noexcept {
#if defined(__linux__)
        for (const int fd : fds_)
            if (fd >= 0) {
                ioctl(fd, PERF_EVENT_IOC_RESET, 0);
                ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
            }
#endif
    }

    // Stops counting and adds "<event>/key" counters to the benchmark, per key handled.
    void stop_and_report(benchmark::State& state, double keys) noexcept {
        if (!available() || keys <= 0) return;
#if defined(__linux__)
        for (std::size_t i = 0; i < count; ++i) {
            ioctl(fds_[i], PERF_EVENT_IOC_DISABLE, 0);
            std::uint64_t value = 0;
            if (read(fds_[i], &value, sizeof value) != static_cast<ssize_t>(sizeof value)) return;
            state.counters[std::string(names[i]) + "/key"] = static_cast<double>(value) / keys;
        }
#endif
    }

    // The one instance a benchmark program uses (opened on first use).
    static hardware_counters& shared() {
        static hardware_counters counters;
        return counters;
    }

private:
    static constexpr std::size_t count = 3;
    static constexpr std::array<const char*, count> names{"instructions", "llc_misses", "dtlb_misses"};
    std::array<int, count> fds_{-1, -1, -1};
    std::string why_not_;

    void close_all() noexcept {
#if defined(__linux__)
        for (int& fd : fds_)
            if (fd >= 0) {
                close(fd);
                fd = -1;
            }
#endif
    }
};

// Counts around a benchmark's loop, from construction to destruction, and reports per key.
class counted_scope {
public:
    counted_scope(benchmark::State& state, std::size_t keys_per_iteration)
        : state_(state), keys_per_iteration_(keys_per_iteration) {
        hardware_counters::shared().start();
    }
    ~counted_scope() {
        hardware_counters::shared().stop_and_report(state_, static_cast<double>(state_.iterations()) *
                                                                static_cast<double>(keys_per_iteration_));
    }
    counted_scope(const counted_scope&) = delete;
    counted_scope& operator=(const counted_scope&) = delete;

private:
    benchmark::State& state_;
    std::size_t keys_per_iteration_;
};

// Says in the benchmark program's context (printed, and in its JSON) whether counters are read.
inline void describe_hardware_counters() {
    const auto& counters = hardware_counters::shared();
    benchmark::AddCustomContext("hardware_counters", counters.available()
                                                         ? "instructions, LLC misses, dTLB load misses per key"
                                                         : "not exposed: " + counters.why_not());
}

// BENCHMARK_MAIN with the counters' state in the context.
inline int run_benchmarks(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    describe_hardware_counters();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace numrep_bench
