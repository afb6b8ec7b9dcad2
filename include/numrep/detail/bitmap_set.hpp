// Sorted distinct integers below u as a plain bitmap of u bits with rank and select1 (no
// select0 samples): u (1 + 1/16) + n / 16 bits. Cheaper than Elias-Fano, about n (2 +
// log2(u / n)) bits plus its directory, once n / u passes about 1 / 5; membership is one bit
// and one rank, two cache lines (Elias-Fano reads three). The trie's dense key groups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bit_vector.hpp"

namespace numrep::detail {

struct bitmap_set_shape {
    std::uint64_t n = 0;
    std::uint64_t u = 0;  // every value is below u; u >= n

    bit_vector_shape bits() const noexcept { return {u, n, false}; }
    std::uint64_t size_in_bytes() const noexcept { return bits().size_in_bytes(); }
};

class bitmap_set_view {
public:
    bitmap_set_view() noexcept = default;
    explicit bitmap_set_view(bit_vector_view bits) noexcept : bits_(bits) {}

    std::uint64_t size() const noexcept { return bits_.ones(); }
    std::uint64_t universe() const noexcept { return bits_.size(); }
    const bit_vector_view& bits() const noexcept { return bits_; }

    // Index of x, or size() if absent.
    std::uint64_t find(std::uint64_t x) const noexcept {
        if (x >= bits_.size() || !bits_.get(x)) return size();
        return bits_.rank1(x);
    }
    // Number of values below x.
    std::uint64_t lower_bound(std::uint64_t x) const noexcept { return x >= bits_.size() ? size() : bits_.rank1(x); }
    // The value at index i < size() (universe() if the tables are inconsistent).
    std::uint64_t access(std::uint64_t i) const noexcept { return bits_.select1(i); }
    // The first value at or after x (universe() if none): sequential decoding.
    std::uint64_t next_from(std::uint64_t x) const noexcept { return bits_.next_one(x); }
    // For batches: what find(x) reads.
    void prefetch(std::uint64_t x) const noexcept { bits_.prefetch_rank(x); }

private:
    bit_vector_view bits_;
};

// Sets the bits of sorted distinct values below shape.u in `words` (from `base`, grown here)
// and appends the rank and select1 tables.
template <class Values>
void append_bitmap_set(const Values& values, bitmap_set_shape shape, std::vector<std::uint64_t>& words,
                       std::vector<std::uint32_t>& ranks, std::vector<std::uint32_t>& select1,
                       std::vector<std::uint32_t>& select0) {
    const bit_vector_shape bs = shape.bits();
    const std::size_t base = words.size();
    words.resize(base + static_cast<std::size_t>(bs.words()), 0);
    std::uint64_t* w = words.data() + base;
    for (const std::uint64_t v : values) w[v >> 6] |= std::uint64_t{1} << (v & 63);
    append_bit_vector_tables(std::span<const std::uint64_t>(w, static_cast<std::size_t>(bs.words())), bs, ranks,
                             select1, select0);
}

}  // namespace numrep::detail
