// Elias-Fano coding of sorted distinct integers (low bits packed, high parts in unary) with a
// bucket directory that finds any bucket in two dependent reads. Space and lookup costs:
// docs/architecture.md ("Elias-Fano codes").
#pragma once

#include "prefetch.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "bit_vector.hpp"
#include "packed_array.hpp"

namespace numrep::detail {

inline constexpr unsigned ef_dir_shift = 6;  // a directory entry every 64 buckets

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
    // Directory entries: one per 2^ef_dir_shift buckets.
    std::uint64_t dir_entries() const noexcept {
        return ((buckets() + (std::uint64_t{1} << ef_dir_shift) - 1) >> ef_dir_shift);
    }
    std::uint64_t size_in_bytes() const noexcept {
        return high().size_in_bytes() + 8 * low_words() + 4 * dir_entries();
    }
};

class elias_fano_view {
public:
    elias_fano_view() noexcept = default;
    elias_fano_view(elias_fano_shape shape, bit_vector_view high, const std::uint64_t* low_words,
                    const std::uint32_t* dir) noexcept
        : n_(shape.n),
          u_(shape.u),
          l_(shape.low_bits()),
          high_(high),
          low_(low_words, shape.n, shape.low_bits()),
          dir_(dir),
          dir_entries_(shape.dir_entries()),
          high_words_((high.size() + 63) / 64) {}

    std::uint64_t size() const noexcept { return n_; }
    std::uint64_t universe() const noexcept { return u_; }
    unsigned low_bits() const noexcept { return l_; }
    const bit_vector_view& high() const noexcept { return high_; }
    const packed_view& low() const noexcept { return low_; }
    std::span<const std::uint32_t> dir() const noexcept { return {dir_, static_cast<std::size_t>(dir_entries_)}; }

    // Index of x, or size() if absent.
    std::uint64_t find(std::uint64_t x) const noexcept {
        if (x >= u_) return n_;
        return find_from(bucket_start(x >> l_), x);
    }

    // Number of values below x.
    std::uint64_t lower_bound(std::uint64_t x) const noexcept {
        if (x >= u_) return n_;
        return lower_bound_from(bucket_start(x >> l_), x);
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
    // prefetch_bucket_dir(h), prefetch_bucket_words(h) (once the entry is cached),
    // bucket_start(h) (then prefetch_low of bucket_start - h), find_from.
    void prefetch_bucket_dir(std::uint64_t h) const noexcept {
        const std::uint64_t j = h >> ef_dir_shift;
        if (j < dir_entries_) prefetch_read(dir_ + j);
    }
    void prefetch_bucket_words(std::uint64_t h) const noexcept {
        const std::uint64_t j = h >> ef_dir_shift;
        if (j >= dir_entries_) return;
        const std::uint64_t wi = (dir_[j] + (j << ef_dir_shift)) >> 6;
        if (wi < high_words_) prefetch_read(high_.words() + wi);
    }
    // Position in the high bits of bucket h's first value (or of the next bucket's zero if the
    // bucket is empty); h < the bucket count. size of the high bits if the tables are
    // inconsistent. Never below h.
    std::uint64_t bucket_start(std::uint64_t h) const noexcept {
        const std::uint64_t j = h >> ef_dir_shift;
        const std::uint64_t bits = high_.size();
        if (j >= dir_entries_) return bits;
        const std::uint64_t pos = dir_[j] + (j << ef_dir_shift);
        unsigned k = static_cast<unsigned>(h & ((std::uint64_t{1} << ef_dir_shift) - 1));  // zeros to pass
        if (k == 0) return std::min(pos, bits);
        std::uint64_t wi = pos >> 6;
        const std::uint64_t* w = high_.words();
        if (wi + 2 < high_words_) {
            // Usually within three words (64 zeros and ~64 ones from anywhere in the first):
            // chosen without branches, so that a lookup's next steps (and the next lookup's)
            // do not wait on a misprediction resolved only when these words arrive.
            const std::uint64_t x0 = ~w[wi] & (~std::uint64_t{0} << (pos & 63));
            const std::uint64_t x1 = ~w[wi + 1];
            const std::uint64_t x2 = ~w[wi + 2];
            const unsigned z0 = popcount64(x0);
            const unsigned z01 = z0 + popcount64(x1);
            const unsigned z012 = z01 + popcount64(x2);
            if (k <= z012) [[likely]] {
                const bool past0 = k > z0;
                const bool past1 = k > z01;
                const std::uint64_t x = past1 ? x2 : past0 ? x1 : x0;
                const unsigned before = past1 ? z01 : past0 ? z0 : 0U;
                const std::uint64_t at = (wi + static_cast<unsigned>(past0) + static_cast<unsigned>(past1)) * 64 +
                                         select64(x, k - before - 1) + 1;
                return std::min(at, bits);
            }
        }
        if (wi >= high_words_) return bits;
        std::uint64_t x = ~w[wi] & (~std::uint64_t{0} << (pos & 63));
        for (;;) {
            const unsigned z = popcount64(x);
            if (k <= z) return std::min(wi * 64 + select64(x, k - 1) + 1, bits);
            k -= z;
            if (++wi >= high_words_) return bits;
            x = ~w[wi];
        }
    }
    void prefetch_low(std::uint64_t i) const noexcept {
        if (i < n_) low_.prefetch(i);
    }
    // find(x) given pos = bucket_start(x >> low_bits()); x < universe(). A short bucket (the
    // usual case: its length is the run of ones at pos) is compared value by value without
    // branching on the low bits, and the first `unrolled` of them without branching on the
    // bucket's length either, so that nothing waits on a misprediction resolved only when a
    // cache miss completes (the next lookups' misses then overlap this one's).
    std::uint64_t find_from(std::uint64_t pos, std::uint64_t x) const noexcept {
        const std::uint64_t h = x >> l_;
        const std::uint64_t low = x & low_mask(l_);
        const std::uint64_t first = pos - h;  // pos >= h
        if (first >= n_) return n_;
        const std::uint64_t run = std::min<std::uint64_t>(static_cast<unsigned>(std::countr_one(high_window(pos))),
                                                          n_ - first);
        if (run > unrolled) [[unlikely]] {
            if (run > short_bucket) {
                const auto s = seek_from(pos, h, low);
                return s.in_bucket && low_[s.index] == low ? s.index : n_;
            }
            std::uint64_t found = n_;
            for (std::uint64_t i = first; i < first + run; ++i) found = low_[i] == low ? i : found;
            return found;
        }
        std::uint64_t found = n_;
        for (unsigned t = unrolled; t-- > 0;) {
            const std::uint64_t i = std::min(first + t, n_ - 1);
            found = t < run && low_[i] == low ? first + t : found;
        }
        return found;
    }
    // lower_bound(x) given pos = bucket_start(x >> low_bits()); x < universe().
    std::uint64_t lower_bound_from(std::uint64_t pos, std::uint64_t x) const noexcept {
        const std::uint64_t h = x >> l_;
        const std::uint64_t low = x & low_mask(l_);
        const std::uint64_t first = pos - h;
        if (first >= n_) return n_;
        const std::uint64_t run = std::min<std::uint64_t>(static_cast<unsigned>(std::countr_one(high_window(pos))),
                                                          n_ - first);
        if (run > unrolled) [[unlikely]] {
            if (run > short_bucket) return seek_from(pos, h, low).index;
            std::uint64_t below = first;
            for (std::uint64_t i = first; i < first + run; ++i) below += low_[i] < low ? 1U : 0U;  // sorted in a bucket
            return below;
        }
        std::uint64_t below = first;
        for (unsigned t = 0; t < unrolled; ++t) {
            const std::uint64_t i = std::min(first + t, n_ - 1);
            below += t < run && low_[i] < low ? 1U : 0U;
        }
        return below;
    }

private:
    struct seek_result {
        std::uint64_t index;  // first value >= (h << l) | low, or the first of a later bucket
        bool in_bucket;       // whether that value is in bucket h
    };

    static constexpr unsigned linear_steps = 16;
    static constexpr unsigned short_bucket = 8;
    static constexpr unsigned unrolled = 3;

    // Bits [pos, pos + 64) of the high bits (zeros past the stored words).
    std::uint64_t high_window(std::uint64_t pos) const noexcept {
        const std::uint64_t i = pos >> 6;
        if (i >= high_words_) return 0;
        const std::uint64_t* w = high_.words();
        const unsigned shift = static_cast<unsigned>(pos & 63);
        const std::uint64_t next = i + 1 < high_words_ ? w[i + 1] : 0;
        return (w[i] >> shift) | ((next << 1) << (63 - shift));
    }

    seek_result seek_from(std::uint64_t pos, std::uint64_t h, std::uint64_t low) const noexcept {
        std::uint64_t i = pos - h;
        for (unsigned step = 0; step < linear_steps; ++step, ++pos, ++i) {
            if (pos >= high_.size() || i >= n_) return {n_, false};
            if (!high_.get(pos)) return {i, false};
            if (low_[i] >= low) return {i, true};
        }
        // A long bucket (skewed data): its end (the next bucket's start, less one), then binary
        // search.
        const std::uint64_t end_pos = bucket_end(h);
        std::uint64_t end = end_pos >= h ? std::min(end_pos - h, n_) : i;
        if (end < i) end = i;
        std::uint64_t lo = i;
        std::uint64_t hi = end;
        while (lo < hi) {
            const std::uint64_t mid = lo + (hi - lo) / 2;
            if (low_[mid] < low) lo = mid + 1;
            else
                hi = mid;
        }
        return {lo, lo < end};
    }

    // Position of the zero closing bucket h.
    std::uint64_t bucket_end(std::uint64_t h) const noexcept {
        const std::uint64_t next = h + 1 < (dir_entries_ << ef_dir_shift) ? bucket_start(h + 1) : high_.size();
        return next == 0 ? 0 : next - 1;
    }

    std::uint64_t n_ = 0;
    std::uint64_t u_ = 0;
    unsigned l_ = 0;
    bit_vector_view high_;
    packed_view low_;
    const std::uint32_t* dir_ = nullptr;
    std::uint64_t dir_entries_ = 0;
    std::uint64_t high_words_ = 0;  // words holding the high bits (without the block padding)
};

// Encodes sorted distinct values below shape.u, appending the high bits, their tables and the
// low bits to the shared arrays.
struct elias_fano_arrays {
    std::vector<std::uint64_t>& high_words;
    std::vector<std::uint32_t>& high_ranks;
    std::vector<std::uint32_t>& high_select1;
    std::vector<std::uint32_t>& high_select0;
    std::vector<std::uint64_t>& low_words;
    std::vector<std::uint32_t>& dir;
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
    // Directory: values before bucket j << ef_dir_shift, for each j.
    std::uint64_t before = 0;
    auto it = std::begin(values);
    const auto end = std::end(values);
    for (std::uint64_t j = 0; j < shape.dir_entries(); ++j) {
        const std::uint64_t first_bucket = j << ef_dir_shift;
        while (it != end && (static_cast<std::uint64_t>(*it) >> l) < first_bucket) {
            ++it;
            ++before;
        }
        out.dir.push_back(static_cast<std::uint32_t>(before));
    }
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
    // The directory against the decoded high parts.
    const auto dir = ef.dir();
    c = ef.cursor_at(0);
    std::uint64_t i = 0;
    for (std::uint64_t j = 0; j < dir.size(); ++j) {
        const std::uint64_t first_bucket = j << ef_dir_shift;
        while (i < ef.size() && (ef.value(c) >> ef.low_bits()) < first_bucket) {
            ef.advance(c);
            ++i;
        }
        if (dir[j] != i) return "bucket directory does not match the values";
    }
    return {};
}

}  // namespace numrep::detail
