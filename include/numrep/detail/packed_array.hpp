// Fixed-width bit fields packed end to end in 64-bit words: n values of w bits cost n w bits
// plus one word of padding, which lets every read be two unconditional word loads (no branch
// on whether a field straddles a word boundary). Widths 0 to 64.
#pragma once

#include "prefetch.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace numrep::detail {

inline constexpr std::uint64_t low_mask(unsigned width) noexcept {
    return width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
}

// Words holding `count` fields of `width` bits: the bits rounded up, plus the padding word.
inline constexpr std::uint64_t packed_words(std::uint64_t count, std::uint64_t width) noexcept {
    return (count * width + 63) / 64 + 1;
}

// The `width`-bit field starting at bit `pos`. Needs the word after the field's last one to be
// readable, which the padding word guarantees for fields inside the array. A zero-width field
// reads nothing (an array of them is the padding word alone).
inline std::uint64_t read_bits(const std::uint64_t* words, std::uint64_t pos, unsigned width) noexcept {
    if (width == 0) return 0;
    const std::uint64_t i = pos >> 6;
    const unsigned shift = static_cast<unsigned>(pos & 63);
    // (hi << 1) << (63 - shift) is hi << (64 - shift) without the undefined shift by 64.
    const std::uint64_t v = (words[i] >> shift) | ((words[i + 1] << 1) << (63 - shift));
    return v & low_mask(width);
}

inline void write_bits(std::uint64_t* words, std::uint64_t pos, unsigned width, std::uint64_t value) noexcept {
    if (width == 0) return;
    value &= low_mask(width);
    const std::uint64_t i = pos >> 6;
    const unsigned shift = static_cast<unsigned>(pos & 63);
    words[i] |= value << shift;
    if (shift + width > 64) words[i + 1] |= value >> (64 - shift);
}

// A read-only view of `count` fields of `width` bits.
class packed_view {
public:
    packed_view() noexcept = default;
    packed_view(const std::uint64_t* words, std::uint64_t count, unsigned width) noexcept
        : words_(words), count_(count), width_(width) {}

    // i < size().
    std::uint64_t operator[](std::uint64_t i) const noexcept { return read_bits(words_, i * width_, width_); }
    std::uint64_t size() const noexcept { return count_; }
    unsigned width() const noexcept { return width_; }
    void prefetch(std::uint64_t i) const noexcept { prefetch_read(words_ + ((i * width_) >> 6)); }

private:
    const std::uint64_t* words_ = nullptr;
    std::uint64_t count_ = 0;
    unsigned width_ = 0;
};

// Builds packed fields into a zeroed word vector (appended to `out`, the shared array).
class packed_writer {
public:
    packed_writer(std::vector<std::uint64_t>& out, std::uint64_t count, unsigned width)
        : out_(out), base_(out.size()), width_(width) {
        out.resize(out.size() + static_cast<std::size_t>(packed_words(count, width)), 0);
    }
    void set(std::uint64_t i, std::uint64_t value) noexcept {
        write_bits(out_.data() + base_, i * width_, width_, value);
    }

private:
    std::vector<std::uint64_t>& out_;
    std::size_t base_;
    unsigned width_;
};

}  // namespace numrep::detail
