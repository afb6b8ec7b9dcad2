// Batch calls split their rows across threads (numrep.set_threads): parsing a column and checking
// its keys are independent per row, and each thread brings its own cache-miss parallelism, so on
// two cores a check of reported numbers takes about half the time (measured: 191 -> 98 ns a
// number). The C++ library's batch calls stay on the caller's thread: a service threads its own
// requests; it is the Python caller, handing over a whole column at once, who has no other way to
// use the cores.
//
// Threads are started per call, not pooled: a call worth splitting has at least
// rows_per_thread_minimum rows a thread (milliseconds of work against tens of microseconds to
// start a thread), and a process that forks (Dask's worker processes) holds no idle threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace numrep::python {

// Threads a batch call may use: numrep.set_threads(n), else the default, which
// refresh_default_threads() works out (with the GIL held: it reads the environment) from the
// NUMREP_THREADS environment variable, else OMP_NUM_THREADS (which Dask's worker processes set
// to 1, so that workers do not oversubscribe the machine), else the CPUs this process may run on.
// Reading it takes no lock and no system call.
std::size_t batch_threads() noexcept;
// n threads from now on; 0 goes back to the default.
void set_batch_threads(std::size_t threads) noexcept;
// Works the default out again (at import, and when numrep.set_threads(None) is called).
void refresh_default_threads();
// The most numrep.set_threads takes (and the most taken from the environment).
inline constexpr std::size_t max_batch_threads = 1024;

// Fewer rows a thread than this and a call stays on fewer threads (a check takes 50-200 ns a
// row, so this is a few milliseconds of work): a column is split once it has twice as many.
inline constexpr std::size_t rows_per_thread_minimum = std::size_t{1} << 15;
// Ranges start at multiples of this many rows, so that the blocks of parse_keys and of the
// Arrow reader stay whole.
inline constexpr std::size_t range_alignment = 4096;

// Pieces a thread's share of a column is cut into, on average (see for_each_range).
inline constexpr std::size_t pieces_per_thread = 8;

// Calls f(begin, end) on contiguous pieces that cover [0, n), on as many threads as allow at
// least `minimum` items each (the calling thread is one of them), and returns when all are
// done. Pieces start at multiples of `alignment` and are handed out in order to whichever thread
// is free, about pieces_per_thread of them a thread: a thread that runs slower (its core shared
// with other work, as on a busy or virtual machine) takes fewer, where equal ranges made every
// call wait for the slowest thread. If any piece throws, rethrows the exception of the earliest
// piece that threw (every piece runs), so that an error names the same row whatever the number
// of threads. Call it without the GIL; f must not need it.
template <class F>
void for_each_range(std::size_t n, F&& f, std::size_t minimum = rows_per_thread_minimum,
                    std::size_t alignment = range_alignment) {
    const std::size_t threads = n < 2 * minimum ? 1 : std::min({batch_threads(), n / minimum, max_batch_threads});
    if (threads <= 1) {
        f(std::size_t{0}, n);
        return;
    }
    // n / (threads * pieces_per_thread) rounded up to the alignment (a piece of at least one
    // alignment), written so that it cannot overflow.
    const std::size_t wanted = threads * pieces_per_thread;
    const std::size_t share = n / wanted + (n % wanted != 0 ? 1 : 0);
    const std::size_t piece = (share / alignment + (share % alignment != 0 ? 1 : 0)) * alignment;
    const std::size_t pieces = n / piece + (n % piece != 0 ? 1 : 0);
    std::vector<std::exception_ptr> errors(pieces);
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t p = next.fetch_add(1, std::memory_order_relaxed); p < pieces;
             p = next.fetch_add(1, std::memory_order_relaxed)) {
            const std::size_t begin = p * piece;
            try {
                f(begin, std::min(n, begin + piece));
            } catch (...) {
                errors[p] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> workers;
    workers.reserve(threads - 1);
    try {
        for (std::size_t t = 1; t < threads; ++t) workers.emplace_back(work);
    } catch (...) {
        // A thread could not start: the others (this one at least) take every piece.
    }
    work();
    for (auto& w : workers) w.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace numrep::python
