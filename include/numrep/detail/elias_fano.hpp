// Elias-Fano coding of n sorted distinct integers below u: each value splits into l = floor(log2
// (u / n)) low bits, packed as is, and a high part h = v >> l, written in unary into a bit
// vector as a one at position h + i (so bucket h's ones sit between zero h - 1 and zero h).
// Space: n l + n + (u >> l) + 1 bits, at most n (2 + log2(u / n)) and within about 0.6 bits
// per value of the information-theoretic log2 C(u, n) / n, plus the bit vector's rank/select
// tables (about 0.25 bits per value, see bit_vector.hpp).
//
// Membership and lower bound: select0 to the start of the value's bucket, then a scan of the
// bucket (at most 2^l values, about one on average; binary search once a bucket proves long,
// so skewed sets cost O(log) rather than O(bucket)). Access by index: select1 and one low read.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bit_vector.hpp"
#include "packed_array.hpp"

namespace numrep::detail {

// The sizes of an Elias-Fano sequence follow from n and u alone.
struct elias_fano_shape {
    std::uint64_t n = 0;
    std::uint64_t u = 0;  // every value is below u; u >= n

    unsigned low_bits() const noexcept {
        return n == 0 || u <= n ? 0U : static_cast<unsigned>(std::bit_width(u / n) - 1);
    }
    std::uint64_t buckets() const noexcept { return u == 0 ? 0 : ((u - 1) >> low_bits()) + 1; }
    bit_vector_shape high() const noexcept { return {n + buckets(), n}; }
    std::uint64_t low_words() const noexcept { return packed_words(n, low_bits()); }
    std::uint64_t size_in_bytes() const noexcept { return high().size_in_bytes() + 8 * low_words(); }
};

class elias_fano_view {
public:
    elias_fano_view() noexcept = default;
    elias_fano_view(elias_fano_shape shape, bit_vector_view high, const std::uint64_t* low_words) noexcept
        : n_(shape.n), u_(shape.u), l_(shape.low_bits()), high_(high), low_(low_words, shape.n, shape.low_bits()) {}

    std::uint64_t size() const noexcept { return n_; }
    std::uint64_t universe() const noexcept { return u_; }
    unsigned low_bits() const noexcept { return l_; }
    const bit_vector_view& high() const noexcept { return high_; }
    const packed_view& low() const noexcept { return low_; }

    // Index of x, or size() if absent.
    std::uint64_t find(std::uint64_t x) const noexcept {
        if (x >= u_) return n_;
        const auto s = seek(x >> l_, x & low_mask(l_));
        return s.in_bucket && low_[s.index] == (x & low_mask(l_)) ? s.index : n_;
    }

    // Number of values below x.
    std::uint64_t lower_bound(std::uint64_t x) const noexcept {
        if (x >= u_) return n_;
        return seek(x >> l_, x & low_mask(l_)).index;
    }

    // The value at index i < size() (0 if the file's tables are inconsistent).
    std::uint64_t access(std::uint64_t i) const noexcept {
        const std::uint64_t pos = high_.select1(i);
        if (pos >= high_.size()) return 0;
        return ((pos - i) << l_) | low_[i];
    }

    // Sequential decoding from index i: position of the i-th one, then next_one per step.
    struct cursor {
        std::uint64_t pos = 0;    // position of the current value's one in the high bits
        std::uint64_t index = 0;  // its index
    };
    cursor cursor_at(std::uint64_t i) const noexcept { return {high_.select1(i), i}; }
    std::uint64_t value(const cursor& c) const noexcept {
        return ((c.pos - c.index) << l_) | (c.index < n_ ? low_[c.index] : 0);
    }
    void advance(cursor& c) const noexcept {
        c.pos = high_.next_one(c.pos + 1);
        ++c.index;
    }

    // Membership in steps, for batches that interleave the memory accesses of many lookups:
    // prefetch_bucket_sample, prefetch_bucket_block, bucket_start (then prefetch_low of
    // bucket_start - h), find_from.
    void prefetch_bucket_sample(std::uint64_t h) const noexcept {
        if (h > 0) high_.prefetch_select0_sample(h - 1);
    }
    void prefetch_bucket_block(std::uint64_t h) const noexcept {
        if (h > 0) high_.prefetch_select0_block(h - 1);
    }
    std::uint64_t bucket_start(std::uint64_t h) const noexcept { return h == 0 ? 0 : high_.select0(h - 1) + 1; }
    void prefetch_low(std::uint64_t i) const noexcept {
        if (i < n_) low_.prefetch(i);
    }
    // find(x) given bucket_start(x >> low_bits()); x < universe().
    std::uint64_t find_from(std::uint64_t pos, std::uint64_t x) const noexcept {
        const std::uint64_t low = x & low_mask(l_);
        const auto s = seek_from(pos, x >> l_, low);
        return s.in_bucket && low_[s.index] == low ? s.index : n_;
    }

private:
    struct seek_result {
        std::uint64_t index;  // first value >= (h << l) | low, or the first of a later bucket
        bool in_bucket;       // whether that value is in bucket h
    };

    static constexpr unsigned linear_steps = 16;

    seek_result seek(std::uint64_t h, std::uint64_t low) const noexcept { return seek_from(bucket_start(h), h, low); }

    seek_result seek_from(std::uint64_t pos, std::uint64_t h, std::uint64_t low) const noexcept {
        std::uint64_t i = pos - h;
        for (unsigned step = 0; step < linear_steps; ++step, ++pos, ++i) {
            if (pos >= high_.size() || i >= n_) return {n_, false};
            if (!high_.get(pos)) return {i, false};
            if (low_[i] >= low) return {i, true};
        }
        // A long bucket (skewed data): its end from select0, then binary search.
        const std::uint64_t end_pos = high_.select0(h);
        std::uint64_t end = end_pos >= h ? std::min(end_pos - h, n_) : i;
        if (end < i) end = i;
        std::uint64_t lo = i;
        std::uint64_t hi = end;
        while (lo < hi) {
            const std::uint64_t mid = lo + (hi - lo) / 2;
            if (low_[mid] < low) lo = mid + 1;
            else hi = mid;
        }
        return {lo, lo < end};
    }

    std::uint64_t n_ = 0;
    std::uint64_t u_ = 0;
    unsigned l_ = 0;
    bit_vector_view high_;
    packed_view low_;
};

// Encodes sorted distinct values below shape.u, appending the high bits, their tables and the
// low bits to the shared arrays.
struct elias_fano_arrays {
    std::vector<std::uint64_t>& high_words;
    std::vector<std::uint32_t>& high_ranks;
    std::vector<std::uint32_t>& high_select1;
    std::vector<std::uint32_t>& high_select0;
    std::vector<std::uint64_t>& low_words;
};

template <class Values>
void append_elias_fano(const Values& values, elias_fano_shape shape, elias_fano_arrays out) {
    const unsigned l = shape.low_bits();
    const bit_vector_shape hs = shape.high();
    const std::size_t base = out.high_words.size();
    out.high_words.resize(base + static_cast<std::size_t>(hs.words()), 0);
    std::uint64_t* high = out.high_words.data() + base;
    packed_writer low(out.low_words, shape.n, l);
    std::uint64_t i = 0;
    for (const std::uint64_t v : values) {
        const std::uint64_t pos = (v >> l) + i;
        high[pos >> 6] |= std::uint64_t{1} << (pos & 63);
        low.set(i, v);
        ++i;
    }
    append_bit_vector_tables(std::span<const std::uint64_t>(high, static_cast<std::size_t>(hs.words())), hs,
                             out.high_ranks, out.high_select1, out.high_select0);
}

// Full check that the sequence decodes to strictly increasing values below u (the tables were
// checked with check_bit_vector). Empty string when it does.
inline std::string check_elias_fano(const elias_fano_view& ef) {
    if (ef.size() == 0) return {};
    auto c = ef.cursor_at(0);
    std::uint64_t previous = 0;
    for (std::uint64_t i = 0; i < ef.size(); ++i, ef.advance(c)) {
        if (c.pos >= ef.high().size()) return "fewer values than its count";
        const std::uint64_t v = ef.value(c);
        if (v >= ef.universe()) return "a value beyond its universe";
        if (i > 0 && v <= previous) return "values out of order";
        previous = v;
    }
    return {};
}

}  // namespace numrep::detail
