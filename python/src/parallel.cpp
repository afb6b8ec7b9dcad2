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

std::atomic<std::size_t> chosen_threads{0};  // numrep.set_threads; 0: the default

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
        if (n > 0) return static_cast<std::size_t>(n);
    }
#endif
    return std::max(1U, std::thread::hardware_concurrency());
}

}  // namespace

std::size_t batch_threads() {
    if (const std::size_t n = chosen_threads.load(std::memory_order_relaxed)) return n;
    for (const char* name : {"NUMREP_THREADS", "OMP_NUM_THREADS"})
        if (const std::size_t n = threads_from_environment(name)) return n;
    return usable_cpus();
}

void set_batch_threads(std::size_t threads) { chosen_threads.store(threads, std::memory_order_relaxed); }

}  // namespace numrep::python
