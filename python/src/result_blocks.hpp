// Result columns written a block of rows at a time.
//
// Why: check_many writes about 75 bytes a number across 14 columns. Stored row by row straight
// into columns of megabytes, each store's cache line is first read from memory (the CPU fills a
// line before it changes part of it), and those reads, interleaved with the lookups' own misses,
// cost 20-44 ns a number: up to a quarter of a reported check (benchmarked in C++ on the
// 300k-number database: 117 ns a number writing nothing, 122 into columns that fit in cache,
// 142-161 into the real ones). So a thread fills a small block of rows that stays in cache, then
// copies each column's part out with non-temporal stores, which write whole lines without
// reading them (126-134 ns). The price: whoever reads the results next reads them from memory,
// which a column of megabytes would come from anyway; a smaller call's columns (a few MB at most
// below stream_minimum_rows) may still be in cache then, so small calls copy with plain stores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "parallel.hpp"

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define NUMREP_PYTHON_STREAM_STORES 1
#endif

namespace numrep::python {

// Rows a thread fills before copying them out (at 75 bytes a row, 19 KB: within L1).
inline constexpr std::size_t block_rows = 256;
// Calls with fewer rows copy blocks out with plain stores.
inline constexpr std::size_t stream_minimum_rows = std::size_t{1} << 16;

// Copies `count` T from `in` to `out`. With `stream`, if `out` is 64-byte aligned and the copy is
// whole 64-byte lines, the lines are written with non-temporal stores (x86-64); otherwise, and on
// other CPUs, memcpy. Call stream_fence() when a thread's copies are done, before another
// thread (or Python) reads them: non-temporal stores are not ordered with later ones.
template <class T>
void copy_rows(T* out, const T* in, std::size_t count, bool stream) noexcept {
    const std::size_t bytes = count * sizeof(T);
#ifdef NUMREP_PYTHON_STREAM_STORES
    if (stream && reinterpret_cast<std::uintptr_t>(out) % 64 == 0 && bytes % 64 == 0) {
        auto* to = reinterpret_cast<__m128i*>(out);
        const auto* from = reinterpret_cast<const __m128i*>(in);
        for (std::size_t i = 0; i < bytes / 16; ++i) _mm_stream_si128(to + i, _mm_loadu_si128(from + i));
        return;
    }
#endif
    std::memcpy(out, in, bytes);
}

inline void stream_fence() noexcept {
#ifdef NUMREP_PYTHON_STREAM_STORES
    _mm_sfence();
#endif
}

// A thread's rows [begin, begin + count) of `columns`, given in order to set(k, value) for k = 0,
// 1, ..., count - 1: each goes into a block of the thread's (Columns::block, in cache), and every
// full block, and the last one, is written out with columns.write(first row, block, rows). The
// fence comes when the writer goes. Ranges of for_each_range start at multiples of block_rows,
// so every full block's columns start on whole lines.
template <class Columns>
class block_writer {
    static_assert(range_alignment % block_rows == 0, "blocks must stay whole within for_each_range's ranges");

public:
    block_writer(const Columns& columns, std::size_t begin, std::size_t count) noexcept
        : columns_(columns), begin_(begin), count_(count) {}
    block_writer(const block_writer&) = delete;
    block_writer& operator=(const block_writer&) = delete;
    ~block_writer() { stream_fence(); }

    template <class Value>
    void set(std::size_t k, const Value& value) noexcept {
        const std::size_t row = k % block_rows;
        rows_.set(row, value);
        if (row + 1 == block_rows || k + 1 == count_) columns_.write(begin_ + k - row, rows_, row + 1);
    }

private:
    const Columns& columns_;
    std::size_t begin_, count_;
    typename Columns::block rows_;
};

}  // namespace numrep::python
