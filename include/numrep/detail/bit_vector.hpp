// A static bit vector with rank and select, viewed in place (words and tables may be mapped);
// a corrupted table gives wrong answers, never an out-of-bounds read. Costs:
// docs/architecture.md ("Rank and select").
#pragma once

#include "cpu_features.hpp"
#include "popcount.hpp"
#include "prefetch.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace numrep::detail {

// select_in_byte[b | k << 8]: position of the k-th (0-based) set bit of byte b, 8 if none.
inline constexpr std::array<std::uint8_t, 2048> select_in_byte = [] {
    std::array<std::uint8_t, 2048> t{};
    for (unsigned b = 0; b < 256; ++b) {
        for (unsigned k = 0; k < 8; ++k) {
            unsigned seen = 0;
            std::uint8_t at = 8;
            for (unsigned i = 0; i < 8; ++i) {
                if ((b >> i) & 1U) {
                    if (seen == k) {
                        at = static_cast<std::uint8_t>(i);
                        break;
                    }
                    ++seen;
                }
            }
            t[b | (k << 8)] = at;
        }
    }
    return t;
}();

// Position of the k-th (0-based) set bit of x; k < popcount(x). Broadword byte sums locate the
// byte (Vigna, "Broadword implementation of rank/select queries"), a table finishes it.
inline unsigned select64_portable(std::uint64_t x, unsigned k) noexcept {
    constexpr std::uint64_t ones_step_8 = 0x0101010101010101ULL;
    constexpr std::uint64_t msbs_step_8 = 0x8080808080808080ULL;
    std::uint64_t s = x - ((x >> 1) & 0x5555555555555555ULL);
    s = (s & 0x3333333333333333ULL) + ((s >> 2) & 0x3333333333333333ULL);
    s = (s + (s >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    const std::uint64_t byte_sums = s * ones_step_8;  // byte i: ones in bytes 0..i
    const std::uint64_t k_step_8 = std::uint64_t{k} * ones_step_8;
    const std::uint64_t at_most_k = ((k_step_8 | msbs_step_8) - byte_sums) & msbs_step_8;
    const unsigned place = static_cast<unsigned>(((at_most_k >> 7) * ones_step_8) >> 56) * 8;
    const unsigned before = place == 0 ? 0U : static_cast<unsigned>((byte_sums >> (place - 8)) & 0xFF);
    const unsigned byte = static_cast<unsigned>((x >> (place & 63)) & 0xFF);
    const unsigned rest = (k - before) & 7U;  // in range for valid k; masked so bad k stays in the table
    return place + select_in_byte[byte | (rest << 8)];
}

#if defined(NUMREP_X86_CPU_DISPATCH)
// With BMI2: bit k deposited into x's set bits lands on the k-th of them (64 when k >=
// popcount(x)), for CPUs where pdep is fast (cpu.fast_pdep).
inline unsigned select64_pdep(std::uint64_t x, unsigned k) noexcept {
    const std::uint64_t bit = k < 64 ? std::uint64_t{1} << k : 0;
    std::uint64_t at;
    asm("pdepq %2, %1, %0\n\ttzcntq %0, %0" : "=&r"(at) : "r"(bit), "r"(x) : "cc");
    return static_cast<unsigned>(at);
}
#endif

// select64_portable, or select64_pdep where the CPU runs pdep fast. For k >= popcount(x) (as a
// corrupted table may ask) the answer is 64 or more, unspecified: callers clamp it.
inline unsigned select64(std::uint64_t x, unsigned k) noexcept {
#if defined(NUMREP_X86_CPU_DISPATCH)
    if (cpu.fast_pdep) return select64_pdep(x, k);
#endif
    return select64_portable(x, k);
}

inline constexpr std::uint64_t bv_block_bits = 512;
inline constexpr std::uint64_t bv_block_words = 8;
inline constexpr unsigned bv_sample_shift = 9;  // a select sample every 2^9 ones (and zeros)
// Block numbers and counts are 32-bit: at most 2^32 - 1 ones and 2^32 - 1 blocks.
inline constexpr std::uint64_t bv_max_ones = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint64_t bv_max_bits = (std::uint64_t{1} << 32) * bv_block_bits - 1;

// The size of every table follows from the bit count and the one count, so files store only
// those two numbers and a reader can check every table's length before using it. A vector
// that is never asked select0 (a bitmap set: its zeros are the absent values) can go without
// the zero samples, which would cost 1/16 bit per zero.
struct bit_vector_shape {
    std::uint64_t bits = 0;
    std::uint64_t ones = 0;
    bool select0 = true;  // whether the select0 samples exist

    std::uint64_t blocks() const noexcept { return (bits + bv_block_bits - 1) / bv_block_bits; }
    std::uint64_t words() const noexcept { return blocks() * bv_block_words; }
    std::uint64_t rank_entries() const noexcept { return blocks() + 1; }
    std::uint64_t select1_entries() const noexcept { return samples(ones); }
    std::uint64_t select0_entries() const noexcept { return select0 ? samples(bits - ones) : 0; }
    // Bytes of the bits and all tables together (what the structure costs).
    std::uint64_t size_in_bytes() const noexcept {
        return 8 * words() + 4 * (rank_entries() + select1_entries() + select0_entries());
    }
    // One sample per 512 of a kind, plus a sentinel (the last block) closing the last range.
    static std::uint64_t samples(std::uint64_t count) noexcept {
        return ((count + (std::uint64_t{1} << bv_sample_shift) - 1) >> bv_sample_shift) + 1;
    }
};

class bit_vector_view {
public:
    bit_vector_view() noexcept = default;
    bit_vector_view(bit_vector_shape shape, const std::uint64_t* words, const std::uint32_t* ranks,
                    const std::uint32_t* select1, const std::uint32_t* select0) noexcept
        : bits_(shape.bits),
          ones_(shape.ones),
          blocks_(shape.blocks()),
          select1_entries_(shape.select1_entries()),
          select0_entries_(shape.select0_entries()),
          words_(words),
          ranks_(ranks),
          select1_(select1),
          select0_(select0) {}

    std::uint64_t size() const noexcept { return bits_; }
    std::uint64_t ones() const noexcept { return ones_; }
    std::uint64_t zeros() const noexcept { return bits_ - ones_; }
    const std::uint64_t* words() const noexcept { return words_; }

    // pos < size().
    bool get(std::uint64_t pos) const noexcept { return ((words_[pos >> 6] >> (pos & 63)) & 1U) != 0; }

    // Ones in [0, pos), pos <= size().
    std::uint64_t rank1(std::uint64_t pos) const noexcept {
        const std::uint64_t b = pos / bv_block_bits;
        if (b >= blocks_) return ranks_[blocks_];
        std::uint64_t r = ranks_[b];
        const std::uint64_t* w = words_ + b * bv_block_words;
        const unsigned last = static_cast<unsigned>((pos >> 6) & 7U);
        for (unsigned i = 0; i < last; ++i) r += popcount64(w[i]);
        if ((pos & 63) != 0) r += popcount64(w[last] & ((std::uint64_t{1} << (pos & 63)) - 1));
        return r;
    }
    std::uint64_t rank0(std::uint64_t pos) const noexcept { return pos - rank1(pos); }

    // Position of the k-th one (0-based). k < ones(); size() if the tables are inconsistent.
    std::uint64_t select1(std::uint64_t k) const noexcept { return select<true>(k); }
    // Position of the k-th zero (0-based). k < zeros(); size() if the tables are inconsistent
    // or the shape has no select0 samples.
    std::uint64_t select0(std::uint64_t k) const noexcept { return select<false>(k); }

    // First one at or after pos, size() if none.
    std::uint64_t next_one(std::uint64_t pos) const noexcept {
        if (pos >= bits_) return bits_;
        std::uint64_t i = pos >> 6;
        std::uint64_t w = words_[i] & (~std::uint64_t{0} << (pos & 63));
        const std::uint64_t last = (bits_ - 1) >> 6;
        while (w == 0) {
            if (++i > last) return bits_;
            w = words_[i];
        }
        return std::min(bits_, i * 64 + static_cast<unsigned>(std::countr_zero(w)));
    }

    // Prefetches the line holding bit pos.
    void prefetch(std::uint64_t pos) const noexcept { prefetch_read(words_ + std::min(pos, bits_ - 1) / 64); }
    // Prefetches what get(pos) and rank1(pos) read: that line and its block's count.
    void prefetch_rank(std::uint64_t pos) const noexcept {
        if (bits_ == 0) return;
        const std::uint64_t p = std::min(pos, bits_ - 1);
        prefetch_read(words_ + p / 64);
        prefetch_read(ranks_ + p / bv_block_bits);
    }

    // For batches, one step of select0(k) ahead of time each: the sample, then (once the
    // sample is cached) the first block it points to and that block's count.
    void prefetch_select0_sample(std::uint64_t k) const noexcept {
        const std::uint64_t j = k >> bv_sample_shift;
        if (j < select0_entries_) prefetch_read(select0_ + j);
    }
    void prefetch_select0_block(std::uint64_t k) const noexcept {
        const std::uint64_t j = k >> bv_sample_shift;
        if (j + 1 >= select0_entries_ || blocks_ == 0) return;
        const std::uint64_t b = std::min<std::uint64_t>(select0_[j], blocks_ - 1);
        prefetch_read(ranks_ + b);
        prefetch_read(words_ + b * bv_block_words);
    }

private:
    template <bool One>
    std::uint64_t ones_before(std::uint64_t block) const noexcept {
        if constexpr (One) return ranks_[block];
        else
            return block * bv_block_bits - ranks_[block];
    }

    template <bool One>
    std::uint64_t select(std::uint64_t k) const noexcept {
        const std::uint32_t* samples = One ? select1_ : select0_;
        const std::uint64_t entries = One ? select1_entries_ : select0_entries_;
        const std::uint64_t j = k >> bv_sample_shift;
        if (j + 1 >= entries || blocks_ == 0) return bits_;
        const std::uint64_t last = blocks_ - 1;
        std::uint64_t hi = std::min<std::uint64_t>(samples[j + 1], last);
        std::uint64_t lo = std::min<std::uint64_t>(samples[j], hi);
        // The last block in [lo, hi] with fewer than k + 1 of the kind before it.
        while (hi - lo > 8) {
            const std::uint64_t mid = lo + (hi - lo + 1) / 2;
            if (ones_before<One>(mid) <= k) lo = mid;
            else
                hi = mid - 1;
        }
        while (lo < hi && ones_before<One>(lo + 1) <= k) ++lo;
        std::uint64_t rest = k - ones_before<One>(lo);  // wraps on bad tables; the scan then fails
        const std::uint64_t* w = words_ + lo * bv_block_words;
        for (unsigned i = 0; i < bv_block_words; ++i) {
            const std::uint64_t word = One ? w[i] : ~w[i];
            const unsigned c = popcount64(word);
            if (rest < c) {
                const std::uint64_t pos = lo * bv_block_bits + i * 64 + select64(word, static_cast<unsigned>(rest));
                return std::min(pos, bits_);
            }
            rest -= c;
        }
        return bits_;
    }

    std::uint64_t bits_ = 0;
    std::uint64_t ones_ = 0;
    std::uint64_t blocks_ = 0;
    std::uint64_t select1_entries_ = 0;
    std::uint64_t select0_entries_ = 0;
    const std::uint64_t* words_ = nullptr;
    const std::uint32_t* ranks_ = nullptr;
    const std::uint32_t* select1_ = nullptr;
    const std::uint32_t* select0_ = nullptr;
};

// The tables of a bit vector, appended to shared arrays (a store concatenates the tables of
// all its vectors into one file section per kind). `words` holds shape.words() words with the
// bits past shape.bits zero.
inline void append_bit_vector_tables(std::span<const std::uint64_t> words, bit_vector_shape shape,
                                     std::vector<std::uint32_t>& ranks, std::vector<std::uint32_t>& select1,
                                     std::vector<std::uint32_t>& select0) {
    const std::uint64_t blocks = shape.blocks();
    std::uint64_t ones = 0;
    std::uint64_t zeros = 0;
    const std::uint64_t zero_total = shape.bits - shape.ones;
    for (std::uint64_t b = 0; b < blocks; ++b) {
        ranks.push_back(static_cast<std::uint32_t>(ones));
        std::uint64_t block_ones = 0;
        for (std::uint64_t i = 0; i < bv_block_words; ++i) block_ones += popcount64(words[b * bv_block_words + i]);
        const std::uint64_t block_bits = std::min(bv_block_bits, shape.bits - b * bv_block_bits);
        const std::uint64_t block_zeros = block_bits - block_ones;
        // A sample for every multiple of 512 reached inside this block.
        constexpr std::uint64_t step = std::uint64_t{1} << bv_sample_shift;
        for (std::uint64_t next = (ones + step - 1) / step * step; next < ones + block_ones && next < shape.ones;
             next += step)
            select1.push_back(static_cast<std::uint32_t>(b));
        for (std::uint64_t next = (zeros + step - 1) / step * step;
             shape.select0 && next < zeros + block_zeros && next < zero_total; next += step)
            select0.push_back(static_cast<std::uint32_t>(b));
        ones += block_ones;
        zeros += block_zeros;
    }
    ranks.push_back(static_cast<std::uint32_t>(ones));
    select1.push_back(static_cast<std::uint32_t>(blocks == 0 ? 0 : blocks - 1));
    if (shape.select0) select0.push_back(static_cast<std::uint32_t>(blocks == 0 ? 0 : blocks - 1));
}

// Full check of a bit vector's tables against its bits (one pass of popcounts, about 1 ns per
// 64 bits): returns a description of the first inconsistency, or an empty string.
inline std::string check_bit_vector(std::span<const std::uint64_t> words, bit_vector_shape shape,
                                    std::span<const std::uint32_t> ranks, std::span<const std::uint32_t> select1,
                                    std::span<const std::uint32_t> select0) {
    std::vector<std::uint32_t> r, s1, s0;
    r.reserve(ranks.size());
    s1.reserve(select1.size());
    s0.reserve(select0.size());
    if (shape.bits % 64 != 0 && (words[shape.bits / 64] >> (shape.bits % 64)) != 0) return "bits past the end are set";
    for (std::uint64_t i = (shape.bits + 63) / 64; i < words.size(); ++i) {
        if (words[i] != 0) return "bits past the end are set";
    }
    append_bit_vector_tables(words, shape, r, s1, s0);
    if (r.back() != shape.ones) {
        return std::to_string(r.back()) + " bits set, expected " + std::to_string(shape.ones);
    }
    if (!std::equal(r.begin(), r.end(), ranks.begin(), ranks.end())) return "rank table does not match the bits";
    if (!std::equal(s1.begin(), s1.end(), select1.begin(), select1.end()))
        return "select table (ones) does not match the bits";
    if (!std::equal(s0.begin(), s0.end(), select0.begin(), select0.end()))
        return "select table (zeros) does not match the bits";
    return {};
}

}  // namespace numrep::detail
