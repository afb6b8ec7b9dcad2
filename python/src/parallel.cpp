// How many threads a batch call may use (parallel.hpp).
#include "parallel.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <thread>

#if defined(__linux__)
#include <sched.h>
#endif

namespace numrep::python {

namespace {

std::atomic<std::size_t> chosen_threads{0};   // numrep.set_threads; 0: the default
std::atomic<std::size_t> default_threads{1};  // refresh_default_threads

// A positive count from an environment variable, 0 when unset or not a positive integer.
std::size_t threads_from_environment(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr) return 0;
    std::size_t n = 0;
    const char* end = text + std::strlen(text);
    const auto [stop, error] = std::from_chars(text, end, n);
    return error == std::errc{} && stop == end ? std::min(n, max_batch_threads) : 0;
}

std::size_t usable_cpus() {
#if defined(__linux__)
    // The CPUs this process may run on (a container's or taskset's share), not the machine's.
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return std::min(static_cast<std::size_t>(n), max_batch_threads);
    }
#endif
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, max_batch_threads);
}

}  // namespace

std::size_t batch_threads() noexcept {
    if (const std::size_t n = chosen_threads.load(std::memory_order_relaxed)) return n;
    return default_threads.load(std::memory_order_relaxed);
}

void set_batch_threads(std::size_t threads) noexcept { chosen_threads.store(threads, std::memory_order_relaxed); }

void refresh_default_threads() {
    std::size_t n = 0;
    for (const char* name : {"NUMREP_THREADS", "OMP_NUM_THREADS"})
        if ((n = threads_from_environment(name)) != 0) break;
    default_threads.store(n != 0 ? n : usable_cpus(), std::memory_order_relaxed);
}

}  // namespace numrep::python
