// Sorted distinct integers below u as Rice codes of their gaps: within 3-7% of the information
// bound for uniformly spread values (Elias-Fano pays about half a bit a value more, a bitmap
// u / n bits), at the price of decoding a bucket of ~90 codes per lookup. The trie's groups
// whose faster encodings would stray too far from the bound (docs/architecture.md, "Rice
// groups").
//
// Values are split into buckets of 2^s values, s = k + rice_bucket_extra, k the Rice
// parameter. In each bucket the first value is coded as its offset from the bucket's start and
// each later one as its gap to the previous less one; a code d is d >> k in unary (that many
// zeros, then a one) in the code bits, and d's low k bits in a packed array at the value's
// index. A directory gives each bucket's first index and the zeros before its first code (so
// its first code's bit position is their sum): per 16 buckets an absolute pair, per bucket
// 16-bit offsets from it. Every d in a bucket is below 2^s, so every unary part is below 2^7
// and the zeros of 16 buckets below 2^11: only the index offsets can overflow 16 bits, and the
// builder then does not choose this encoding.
#pragma once

#include "prefetch.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "packed_array.hpp"

namespace numrep::detail {

inline constexpr unsigned rice_bucket_extra = 7;  // a bucket spans 2^7 units of 2^k: ~90 codes at the best k
inline constexpr unsigned rice_super_shift = 4;   // an absolute directory pair every 16 buckets
inline constexpr unsigned rice_max_k = 50;        // values below 10^15 < 2^50
inline constexpr std::uint64_t rice_max_code_bits = std::numeric_limits<std::uint32_t>::max();
// A lookup decodes up to a bucket of codes, so the builder codes no set whose values crowd
// one bucket past this (a dense cluster among sparse outliers: k follows the average gap,
// and one bucket would hold the cluster); such a group keeps Elias-Fano or a bitmap.
inline constexpr std::uint64_t rice_max_bucket_values = 512;
inline constexpr std::uint64_t rice_bad = ~std::uint64_t{0};

// The sizes of a Rice set follow from n, u, k and the code bit count (n plus the zeros).
struct rice_set_shape {
    std::uint64_t n = 0;
    std::uint64_t u = 0;  // every value is below u; u >= n
    unsigned k = 0;
    std::uint64_t code_bits = 0;

    unsigned bucket_shift() const noexcept { return k + rice_bucket_extra; }
    std::uint64_t buckets() const noexcept { return u == 0 ? 0 : ((u - 1) >> bucket_shift()) + 1; }
    // Absolute pairs for buckets 0..buckets() (the last one, "bucket" buckets(), is the end).
    std::uint64_t heads() const noexcept { return (buckets() >> rice_super_shift) + 1; }
    std::uint64_t dir_entries() const noexcept { return 2 * heads() + buckets() + 1; }  // 32-bit entries
    std::uint64_t code_words() const noexcept { return (code_bits + 63) / 64; }
    std::uint64_t low_words() const noexcept { return packed_words(n, k); }
    std::uint64_t size_in_bytes() const noexcept { return 8 * code_words() + 8 * low_words() + 4 * dir_entries(); }
};

class rice_set_view {
public:
    rice_set_view() noexcept = default;
    rice_set_view(rice_set_shape shape, const std::uint64_t* code_words, const std::uint64_t* low_words,
                  const std::uint32_t* dir) noexcept
        : n_(shape.n),
          u_(shape.u),
          k_(shape.k),
          s_(shape.bucket_shift()),
          buckets_(shape.buckets()),
          code_words_(shape.code_words()),
          code_(code_words),
          low_(low_words, shape.n, shape.k),
          heads_(dir),
          offsets_(dir + 2 * shape.heads()) {}

    std::uint64_t size() const noexcept { return n_; }
    std::uint64_t universe() const noexcept { return u_; }
    unsigned low_bits() const noexcept { return k_; }
    std::uint64_t buckets() const noexcept { return buckets_; }
    // The low k bits of the code at index i < size().
    std::uint64_t low_at(std::uint64_t i) const noexcept { return low_[i]; }

    // Where bucket j <= buckets() starts: its first value's index and the zeros before its code.
    struct bucket_start {
        std::uint64_t index;
        std::uint64_t zeros;
    };
    bucket_start start(std::uint64_t j) const noexcept {
        const std::uint64_t h = 2 * (j >> rice_super_shift);
        const std::uint32_t offset = offsets_[j];
        return {std::uint64_t{heads_[h]} + (offset >> 16), std::uint64_t{heads_[h + 1]} + (offset & 0xFFFFU)};
    }

    // Index of x, or size() if absent.
    std::uint64_t find(std::uint64_t x) const noexcept {
        if (x >= u_) return n_;
        const auto [i, v] = first_at_least(x);
        return i < n_ && v == x ? i : n_;
    }
    // Number of values below x.
    std::uint64_t lower_bound(std::uint64_t x) const noexcept {
        if (x >= u_) return n_;
        return first_at_least(x).index;
    }
    // The value at index i < size() (universe() if the tables are inconsistent).
    std::uint64_t access(std::uint64_t i) const noexcept {
        cursor c = cursor_at(i);
        return c.index == i ? c.value : u_;
    }

    // Sequential decoding: the value at `index`, the bit after its code, its bucket's end index.
    struct cursor {
        std::uint64_t pos = 0;
        std::uint64_t index = 0;
        std::uint64_t value = 0;
        std::uint64_t bucket = 0;
        std::uint64_t end = 0;
    };
    cursor cursor_at(std::uint64_t i) const noexcept {
        cursor c;
        c.index = i;
        if (i >= n_) return c;
        const std::uint64_t end = enter_bucket(c, bucket_holding(i, 0));
        while (c.index < i && c.index + 1 < end) {
            ++c.index;
            step_within(c);
        }
        return c;
    }
    std::uint64_t value(const cursor& c) const noexcept { return c.value; }
    void advance(cursor& c) const noexcept {
        ++c.index;
        if (c.index >= n_) return;
        if (c.index < c.end) {
            step_within(c);
            return;
        }
        // The next bucket that holds values (a long run of empty buckets may lie between).
        const std::uint64_t j = bucket_holding(c.index, c.bucket);
        if (j == c.bucket) {  // inconsistent directory: the bucket ended early
            c.index = n_;
            return;
        }
        enter_bucket(c, j, c.index);
    }

    // For batches: the directory entries, then (once they are cached) the code and low bits.
    void prefetch_dir(std::uint64_t x) const noexcept {
        const std::uint64_t j = x >> s_;
        if (j >= buckets_) return;
        prefetch_read(offsets_ + j);
        prefetch_read(heads_ + 2 * (j >> rice_super_shift));
    }
    void prefetch_codes(std::uint64_t x) const noexcept {
        const std::uint64_t j = x >> s_;
        if (j >= buckets_) return;
        const bucket_start b = start(j);
        const std::uint64_t pos = b.index + b.zeros;
        if (pos / 64 < code_words_) prefetch_read(code_ + pos / 64);
        if (b.index < n_) low_.prefetch(b.index);
    }

private:
    struct found {
        std::uint64_t index;
        std::uint64_t value;
    };

    // The bucket holding index i: the last from `first` on whose start index is at most i
    // (binary search; start(first).index <= i < start(buckets()).index if consistent).
    std::uint64_t bucket_holding(std::uint64_t i, std::uint64_t first) const noexcept {
        std::uint64_t lo = first, hi = buckets_;
        while (hi - lo > 1) {
            const std::uint64_t mid = lo + (hi - lo) / 2;
            if (start(mid).index <= i) lo = mid;
            else
                hi = mid;
        }
        return lo;
    }

    // The first index whose value is at least x, and that value (x < universe()); past x's
    // bucket the value is universe(), which equals no x: the next value is not decoded.
    found first_at_least(std::uint64_t x) const noexcept {
        const std::uint64_t j = x >> s_;
        cursor c;
        const std::uint64_t end = enter_bucket(c, j);
        if (c.index >= end) return {end, u_};
        for (;;) {
            if (c.value >= x) return {c.index, c.value};
            if (c.index + 1 >= end) return {end, u_};
            ++c.index;
            step_within(c);
        }
    }

    // Points c at bucket j's first value (at index `from`, its start unless the caller knows
    // better) and returns the bucket's end index (clamped to size(), and to the most values a
    // bucket is built with, so that a hostile directory cannot make a lookup decode more;
    // c.index == end: empty).
    std::uint64_t enter_bucket(cursor& c, std::uint64_t j, std::uint64_t from = rice_bad) const noexcept {
        const bucket_start b = start(j);
        const std::uint64_t end = std::min({start(j + 1).index, n_, b.index + rice_max_bucket_values});
        c.bucket = j;
        c.end = end;
        c.index = from == rice_bad ? b.index : from;
        if (c.index >= end) {
            c.index = std::max(c.index, end);
            return end;
        }
        c.pos = b.index + b.zeros;
        const std::uint64_t q = zeros_at(c.pos);
        if (q == rice_bad) {
            c.index = end;
            return end;
        }
        c.pos += q + 1;
        c.value = (j << s_) + ((q << k_) | low_[c.index]);
        return end;
    }
    // Decodes the value at c.index (< c.end) from the one before it in the same bucket.
    void step_within(cursor& c) const noexcept {
        const std::uint64_t q = zeros_at(c.pos);
        if (q == rice_bad) {
            c.index = c.end;  // inconsistent codes: the bucket ends here
            return;
        }
        c.pos += q + 1;
        c.value += 1 + ((q << k_) | low_[c.index]);
    }
    // The unary part at bit pos: zeros before the next one; rice_bad past the codes or beyond
    // the longest a bucket allows.
    std::uint64_t zeros_at(std::uint64_t pos) const noexcept {
        std::uint64_t wi = pos >> 6;
        if (wi >= code_words_) return rice_bad;
        const unsigned shift = static_cast<unsigned>(pos & 63);
        std::uint64_t x = code_[wi] >> shift;
        constexpr std::uint64_t longest = std::uint64_t{1} << rice_bucket_extra;
        if (x != 0) return static_cast<unsigned>(std::countr_zero(x));
        std::uint64_t q = 64 - shift;
        while (++wi < code_words_ && q < longest) {
            if (code_[wi] != 0) {
                q += static_cast<unsigned>(std::countr_zero(code_[wi]));
                return q < longest ? q : rice_bad;
            }
            q += 64;
        }
        return rice_bad;
    }

    std::uint64_t n_ = 0;
    std::uint64_t u_ = 0;
    unsigned k_ = 0;
    unsigned s_ = 0;
    std::uint64_t buckets_ = 0;
    std::uint64_t code_words_ = 0;
    const std::uint64_t* code_ = nullptr;
    packed_view low_;
    const std::uint32_t* heads_ = nullptr;
    const std::uint32_t* offsets_ = nullptr;
};

// The shape of sorted distinct values coded with parameter k: the code bit count, or nothing
// (code_bits == 0 with n > 0) when a directory offset would not fit 16 bits, the codes 32
// bits, or a bucket would hold more than rice_max_bucket_values.
template <class Values>
rice_set_shape plan_rice_set(const Values& values, std::uint64_t n, std::uint64_t u, unsigned k) {
    rice_set_shape shape{n, u, k, 0};
    const unsigned s = shape.bucket_shift();
    std::uint64_t bits = 0;
    std::uint64_t previous = 0;
    std::uint64_t bucket = rice_bad;
    std::uint64_t index = 0;
    std::uint64_t super_first = 0;  // index of the first value of the current super-bucket's range
    std::uint64_t super = rice_bad;
    std::uint64_t in_bucket = 0;
    for (const std::uint64_t v : values) {
        const std::uint64_t j = v >> s;
        const std::uint64_t d = j == bucket ? v - previous - 1 : v - (j << s);
        in_bucket = j == bucket ? in_bucket + 1 : 1;
        if (in_bucket > rice_max_bucket_values) return {n, u, k, 0};
        if ((j >> rice_super_shift) != super) {
            super = j >> rice_super_shift;
            super_first = index;
        }
        // Buckets of this super-bucket start at most index - super_first past its head.
        if (index - super_first >= 0xFFFFU) return {n, u, k, 0};
        bits += (d >> k) + 1;
        bucket = j;
        previous = v;
        ++index;
    }
    if (bits > rice_max_code_bits) return {n, u, k, 0};
    shape.code_bits = bits;
    return shape;
}

// Codes sorted distinct values below shape.u (shape from plan_rice_set), appending the code
// words, the low bits and the directory to the shared arrays.
template <class Values>
void append_rice_set(const Values& values, rice_set_shape shape, std::vector<std::uint64_t>& code_words,
                     std::vector<std::uint64_t>& low_words, std::vector<std::uint32_t>& dir) {
    const unsigned s = shape.bucket_shift();
    const unsigned k = shape.k;
    const std::size_t code_base = code_words.size();
    code_words.resize(code_base + static_cast<std::size_t>(shape.code_words()), 0);
    std::uint64_t* code = code_words.data() + code_base;
    packed_writer low(low_words, shape.n, k);
    // First pass: the codes, and each bucket's start (index, zeros before it).
    std::vector<std::uint64_t> start_index(static_cast<std::size_t>(shape.buckets() + 1), 0);
    std::vector<std::uint64_t> start_zeros(static_cast<std::size_t>(shape.buckets() + 1), 0);
    std::uint64_t pos = 0;
    std::uint64_t zeros = 0;
    std::uint64_t i = 0;
    std::uint64_t next_bucket = 0;  // buckets below this have their start
    std::uint64_t previous = 0;
    for (const std::uint64_t v : values) {
        const std::uint64_t j = v >> s;
        const bool first_in_bucket = j >= next_bucket;
        for (; next_bucket <= j; ++next_bucket) {
            start_index[static_cast<std::size_t>(next_bucket)] = i;
            start_zeros[static_cast<std::size_t>(next_bucket)] = zeros;
        }
        const std::uint64_t d = first_in_bucket ? v - (j << s) : v - previous - 1;
        pos += d >> k;
        zeros += d >> k;
        code[pos >> 6] |= std::uint64_t{1} << (pos & 63);
        ++pos;
        low.set(i, d);
        previous = v;
        ++i;
    }
    for (; next_bucket <= shape.buckets(); ++next_bucket) {
        start_index[static_cast<std::size_t>(next_bucket)] = i;
        start_zeros[static_cast<std::size_t>(next_bucket)] = zeros;
    }
    for (std::uint64_t h = 0; h < shape.heads(); ++h) {
        const auto j = static_cast<std::size_t>(h << rice_super_shift);
        dir.push_back(static_cast<std::uint32_t>(start_index[j]));
        dir.push_back(static_cast<std::uint32_t>(start_zeros[j]));
    }
    for (std::size_t j = 0; j < start_index.size(); ++j) {
        const std::size_t head = (j >> rice_super_shift) << rice_super_shift;
        dir.push_back(static_cast<std::uint32_t>(((start_index[j] - start_index[head]) << 16) |
                                                 (start_zeros[j] - start_zeros[head])));
    }
}

// Full check that the codes decode to strictly increasing values below u, each in its bucket,
// that the directory matches them and that no bit is set past the codes (the sections were
// sized from the shape). Empty string when they do.
inline std::string check_rice_set(const rice_set_view& r, const std::uint64_t* code_words, rice_set_shape shape) {
    const unsigned s = shape.bucket_shift();
    std::uint64_t pos = 0;
    std::uint64_t zeros = 0;
    std::uint64_t i = 0;
    std::uint64_t previous = 0;
    const auto bit = [&](std::uint64_t p) { return ((code_words[p >> 6] >> (p & 63)) & 1U) != 0; };
    for (std::uint64_t j = 0; j < shape.buckets(); ++j) {
        const auto b = r.start(j);
        const std::uint64_t end = r.start(j + 1).index;
        if (b.index != i || b.zeros != zeros || end < i || end > shape.n)
            return "bucket directory does not match the codes";
        if (end - i > rice_max_bucket_values)
            return "a bucket holds " + std::to_string(end - i) + " values, more than " +
                   std::to_string(rice_max_bucket_values);
        for (; i < end; ++i) {
            std::uint64_t q = 0;
            while (pos < shape.code_bits && !bit(pos)) {
                ++q;
                ++pos;
            }
            if (pos >= shape.code_bits) return "fewer codes than its count";
            ++pos;
            zeros += q;
            if ((q >> rice_bucket_extra) != 0) return "a value outside its bucket";
            const std::uint64_t d = (q << shape.k) | r.low_at(i);
            const std::uint64_t v = i == b.index ? (j << s) + d : previous + 1 + d;
            if (v >= shape.u || (v >> s) != j) return "a value outside its bucket";
            previous = v;
        }
    }
    const auto e = r.start(shape.buckets());
    if (i != shape.n || e.index != shape.n || e.zeros != zeros) return "bucket directory does not match the codes";
    if (pos != shape.code_bits) return "code bits beyond the last code";
    for (std::uint64_t p = pos; p < shape.code_words() * 64; ++p) {
        if (bit(p)) return "bits set past the last code";
    }
    return {};
}

}  // namespace numrep::detail
