// numrep::bloom_filter: "has this number ever been reported?" in one cache miss, no false
// negatives; mergeable (| and &), saved and mapped in the shared store format. Costs, blocking
// and the threading rules (insert_mode::concurrent): docs/architecture.md ("Bloom filter").
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/block_probes.hpp"
#include "detail/file_format.hpp"
#include "detail/hash.hpp"
#include "detail/mapped_file.hpp"
#include "detail/popcount.hpp"
#include "detail/prefetch.hpp"
#include "detail/throw.hpp"
#include "error.hpp"

namespace numrep {

// How a filter may be written to; see the threads paragraph above.
enum class insert_mode : std::uint8_t {
    exclusive,   // one writer at a time, no concurrent readers during writes
    concurrent,  // inserts and queries from any number of threads at once (atomic OR)
};

// The size of a filter, computed by bloom_filter<...>::size_for without allocating anything.
struct bloom_sizing {
    std::uint64_t capacity = 0;    // keys the filter is sized for
    std::uint64_t num_bits = 0;    // a positive multiple of the block size (of 64 when unblocked)
    std::uint32_t num_probes = 0;  // k, bits set and tested per key
    double expected_fpr = 0.0;     // false-positive rate once `capacity` keys are in

    double bits_per_key() const noexcept {
        return capacity == 0 ? std::numeric_limits<double>::infinity()
                             : static_cast<double>(num_bits) / static_cast<double>(capacity);
    }
    std::uint64_t size_in_bytes() const noexcept { return num_bits / 8; }
};

// Seed used when none is given. Fixed, so that filters built separately with defaults are
// comparable and mergeable; pass your own to keep others from predicting false positives.
inline constexpr std::uint64_t bloom_default_seed = 0x6e756d7265702e62ULL;  // "numrep.b"

struct bloom_options {
    std::uint64_t seed = bloom_default_seed;
    insert_mode mode = insert_mode::exclusive;
};

// A hash policy: hash(key, seed) -> 64 bits, noexcept, plus an `id` recorded in files.
template <class H>
concept bloom_hash = std::is_default_constructible_v<H> && requires(const H& h, std::uint64_t v) {
    { h(v, v) } noexcept -> std::same_as<std::uint64_t>;
    { H::id } -> std::convertible_to<std::uint32_t>;
};

namespace detail {

inline std::uint64_t mul_high(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 uint128;
    return static_cast<std::uint64_t>((static_cast<uint128>(a) * b) >> 64);
#else
    const std::uint64_t a_lo = a & 0xFFFFFFFFU, a_hi = a >> 32;
    const std::uint64_t b_lo = b & 0xFFFFFFFFU, b_hi = b >> 32;
    const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi;
    const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFU) + lo_hi;
    return a_hi * b_hi + (hi_lo >> 32) + (cross >> 32);
#endif
}

// Odd constant with well-mixed bits (2^64 / golden ratio). Multiplying by it moves every input
// bit into the top bits, which is where probe positions are read from.
inline constexpr std::uint64_t probe_multiplier = 0x9E3779B97F4A7C15ULL;

// Identifies how probe positions derive from the hash; written to files so that a change in
// the derivation can never silently misread an old filter.
inline constexpr std::uint64_t bloom_probe_scheme = 1;

// Model false-positive rate of a blocked filter with `bits_per_key` and k probes. Keys land in
// blocks unevenly: a query's block holds Poisson(B / bits_per_key) keys, and with l keys each
// bit is set with probability 1 - (1 - 1/B)^(k l). Summed in log space because e^-lambda
// underflows for small bits_per_key. RocksDB measured its 512-bit blocked filter at 0.955%
// for 10 bits/key and 6 probes; this model gives 0.958%.
//
// Below 1 bit per key (possible only in a hand-made or hostile file; sizing never goes there)
// the filter is saturated and the model answers 1: that also bounds the loop below, which runs
// about lambda <= block_bits times, and keeps lambda small enough to convert to an integer.
inline double blocked_fpr(double block_bits, double bits_per_key, std::uint32_t k) noexcept {
    if (!(bits_per_key >= 1.0) || !(block_bits >= 1.0 && block_bits <= 4096.0)) return 1.0;
    const double lambda = block_bits / bits_per_key;
    const double log_lambda = std::log(lambda);
    const double log_unset_per_probe = std::log1p(-1.0 / block_bits);
    const auto last = static_cast<std::uint64_t>(lambda + 15.0 * std::sqrt(lambda) + 30.0);
    double log_p = -lambda;
    double sum = 0.0;
    for (std::uint64_t l = 0; l <= last; ++l) {
        if (l > 0) log_p += log_lambda - std::log(static_cast<double>(l));
        const double set = -std::expm1(static_cast<double>(k) * static_cast<double>(l) * log_unset_per_probe);
        sum += std::exp(log_p) * std::pow(set, static_cast<double>(k));
    }
    return std::clamp(sum, 0.0, 1.0);  // rounding of the terms must not leave [0, 1]
}

// The textbook (1 - e^(-k/bits_per_key))^k of a classic filter.
inline double classic_fpr(double bits_per_key, std::uint32_t k) noexcept {
    if (!(bits_per_key > 0.0)) return 1.0;
    return std::clamp(std::pow(-std::expm1(-static_cast<double>(k) / bits_per_key), static_cast<double>(k)), 0.0, 1.0);
}

}  // namespace detail

// The best a classic (unblocked) Bloom filter of `bits_per_key` can do, over integer k: the
// yardstick that blocked filters are compared with in benchmarks.
inline double ideal_bloom_fpr(double bits_per_key) noexcept {
    const auto k0 = static_cast<std::uint32_t>(std::max(1.0, std::floor(bits_per_key * 0.6931471805599453)));
    return std::min(detail::classic_fpr(bits_per_key, k0), detail::classic_fpr(bits_per_key, k0 + 1));
}

template <std::size_t BlockBits = 512, class Hash = xxh3_hasher>
class bloom_filter {
    static_assert(BlockBits == 0 || (std::has_single_bit(BlockBits) && BlockBits >= 64 && BlockBits <= 512),
                  "numrep::bloom_filter: BlockBits must be 0 (classic, unblocked) or a power of two "
                  "from 64 to 512 (so that a block fits one 64-byte cache line)");
    static_assert(bloom_hash<Hash>,
                  "numrep::bloom_filter: Hash must be default-constructible, callable as "
                  "hash(uint64_t key, uint64_t seed) noexcept -> uint64_t, and define "
                  "`static constexpr std::uint32_t id` (recorded in files; 1 is xxh3_hasher)");
    static_assert(std::endian::native == std::endian::little,
                  "numrep::bloom_filter keeps its bits as little-endian 64-bit words so that files "
                  "map in place; big-endian hosts are not supported");

public:
    using key_type = std::uint64_t;
    using hasher = Hash;
    static constexpr std::size_t block_bits = BlockBits;
    static constexpr bool is_blocked = BlockBits != 0;
    static constexpr std::uint32_t max_probes = 32;
    static constexpr double min_bits_per_key = 1.0;
    static constexpr double max_bits_per_key = 1024.0;

    // ---- sizing (static, allocation-free) ----

    // The probe count for a filter of `bits_per_key`. Classic: the integer nearest the optimum
    // ln 2 x bits/key. Blocked: the fewest probes whose model FPR is within 1% of the best.
    // Block-load variance makes extra probes hurt sooner than in a classic filter, so the
    // optimum is flat and lies well below 0.69 x bits/key; taking the cheap end of the flat
    // region costs under 1% of FPR and saves probes. This gives about 0.6 x bits/key in the
    // useful range (6 at 10, 7 at 12, 9 at 16), the values RocksDB arrived at by measurement
    // for its 512-bit blocked filter ("about bits/key / 2", not 0.69 x).
    static std::uint32_t probes_for(double bits_per_key) {
        check_bits_per_key(bits_per_key);
        if constexpr (!is_blocked) {
            const auto k0 = static_cast<std::uint32_t>(
                std::clamp(std::floor(bits_per_key * 0.6931471805599453), 1.0, double{max_probes}));
            if (k0 < max_probes && detail::classic_fpr(bits_per_key, k0 + 1) < detail::classic_fpr(bits_per_key, k0)) {
                return k0 + 1;
            }
            return k0;
        } else {
            std::array<double, max_probes + 1> fpr{};
            std::uint32_t best = 1;
            fpr[1] = model_fpr(bits_per_key, 1);
            for (std::uint32_t k = 2; k <= max_probes; ++k) {
                fpr[k] = model_fpr(bits_per_key, k);
                if (fpr[k] < fpr[best]) best = k;
                else if (fpr[k] > fpr[best] * 1.5)
                    break;  // unimodal in k: past the minimum
            }
            std::uint32_t k = 1;
            while (fpr[k] > fpr[best] * 1.01) ++k;
            return k;
        }
    }

    // Model FPR of this filter shape at `bits_per_key` with k probes, once full.
    static double model_fpr(double bits_per_key, std::uint32_t k) noexcept {
        if constexpr (is_blocked) {
            return detail::blocked_fpr(static_cast<double>(BlockBits), bits_per_key, k);
        } else {
            return detail::classic_fpr(bits_per_key, k);
        }
    }

    // Smallest filter whose model FPR with `capacity` keys is at most `fpr`. Throws
    // std::invalid_argument when fpr is not in (0, 1) (NaN included), cannot be reached
    // within max_bits_per_key, or the filter would not fit in memory.
    static bloom_sizing size_for(std::uint64_t capacity, double fpr) {
        if (!(fpr > 0.0 && fpr < 1.0)) {
            detail::throw_invalid_argument("bloom_filter: fpr must be in (0, 1), got " + format_double(fpr));
        }
        double lo = min_bits_per_key;
        double hi = max_bits_per_key;
        if (model_fpr(hi, probes_for(hi)) > fpr) {
            detail::throw_invalid_argument("bloom_filter: fpr " + format_double(fpr) + " is below what " +
                                           format_double(max_bits_per_key) + " bits per key can reach");
        }
        if (model_fpr(lo, probes_for(lo)) <= fpr) {
            hi = lo;
        } else {
            // Bisection on bits/key, to 0.001 bits; FPR falls as bits/key grows.
            while (hi - lo > 1e-3) {
                const double mid = 0.5 * (lo + hi);
                (model_fpr(mid, probes_for(mid)) <= fpr ? hi : lo) = mid;
            }
        }
        return size_with(capacity, hi, probes_for(hi));
    }

    // A filter of `bits_per_key` (in [1, 1024]) for `capacity` keys, with probes_for(bits_per_key).
    static bloom_sizing size_for_bits_per_key(std::uint64_t capacity, double bits_per_key) {
        return size_with(capacity, bits_per_key, probes_for(bits_per_key));
    }

    // ---- construction ----

    // A filter for `capacity` keys (at least 1) at false-positive rate `fpr` (in (0, 1)) once
    // full. Capacity 0 is std::invalid_argument: such a filter gets one block, and after a few
    // hundred inserts answers true for every key, a store that silently stops filtering.
    bloom_filter(std::uint64_t capacity, double fpr, bloom_options options = {})
        : bloom_filter(size_for(checked_capacity(capacity), fpr), options) {}

    // From an explicit sizing (e.g. size_for_bits_per_key, or one with num_probes changed);
    // its capacity must be at least 1, as above.
    explicit bloom_filter(const bloom_sizing& sizing, bloom_options options = {})
        : bloom_filter(checked_sizing(sizing), options, saved_tag{}) {}

    // A copy is always an independent, writable filter, also when copying a mapped one.
    bloom_filter(const bloom_filter& other)
        : capacity_(other.capacity_),
          num_bits_(other.num_bits_),
          num_probes_(other.num_probes_),
          seed_(other.seed_),
          concurrent_(other.concurrent_) {
        // A copy of a moved-from filter is moved-from too (no bits: inserts and saves refused).
        // With 0 bytes allocated it took inserts, written past that allocation, and saved a file
        // that open refuses.
        if (other.bits_ == nullptr) return;
        allocate_zeroed();
        if (other.concurrent_) {
            // Inserts may be running on `other`: read each word atomically.
            for (std::size_t i = 0; i < num_words(); ++i) owned_[i] = other.word_at(i);
        } else {
            std::memcpy(owned_.get(), other.bits_, num_words() * sizeof(std::uint64_t));
        }
    }
    bloom_filter& operator=(const bloom_filter& other) {
        if (this != &other) *this = bloom_filter(other);
        return *this;
    }
    // A moved-from filter may only be assigned to or destroyed.
    bloom_filter(bloom_filter&& other) noexcept
        : capacity_(other.capacity_),
          num_bits_(std::exchange(other.num_bits_, 0)),
          num_probes_(other.num_probes_),
          seed_(other.seed_),
          concurrent_(other.concurrent_),
          bits_(std::exchange(other.bits_, nullptr)),
          owned_(std::move(other.owned_)),
          mapping_(std::move(other.mapping_)) {}
    bloom_filter& operator=(bloom_filter&& other) noexcept {
        if (this != &other) {
            capacity_ = other.capacity_;
            num_bits_ = std::exchange(other.num_bits_, 0);
            num_probes_ = other.num_probes_;
            seed_ = other.seed_;
            concurrent_ = other.concurrent_;
            bits_ = std::exchange(other.bits_, nullptr);
            owned_ = std::move(other.owned_);
            mapping_ = std::move(other.mapping_);
        }
        return *this;
    }
    ~bloom_filter() = default;

    // ---- queries (noexcept, any number of threads) ----

    bool contains(key_type key) const noexcept {
        const std::uint64_t h = hash_(key, seed_);
        return concurrent_ ? test<true>(h) : test<false>(h);
    }

    // out[i] = contains(keys[i]); returns the number of hits. Hashes a group of keys and
    // prefetches their blocks before testing any, so that the cache misses of a group overlap
    // instead of queueing. Throws std::invalid_argument if the spans differ in size.
    std::size_t contains_batch(std::span<const key_type> keys, std::span<bool> out) const {
        return contains_batch_into(keys, out);
    }
    std::size_t contains_batch(std::span<const key_type> keys, std::span<std::uint8_t> out) const {
        return contains_batch_into(keys, out);
    }

    // ---- updates ----

    // Throws std::logic_error on a read-only (mapped) filter.
    void insert(key_type key) {
        check_writable("insert into");
        const std::uint64_t h = hash_(key, seed_);
        concurrent_ ? set<true>(h) : set<false>(h);
    }

    void insert_batch(std::span<const key_type> keys) {
        check_writable("insert into");
        if (concurrent_) insert_batch_impl<true>(keys);
        else
            insert_batch_impl<false>(keys);
    }

    // Union: afterwards the filter answers yes for every key either filter had. Exactly the
    // filter built from the union of the key sets. `other` may be taking concurrent-mode
    // inserts meanwhile (its words are then read atomically); this filter needs exclusive access.
    bloom_filter& operator|=(const bloom_filter& other) {
        check_writable("merge into");
        check_compatible(other, "union");
        std::uint64_t* w = owned_.get();
        if (other.concurrent_) {
            for (std::size_t i = 0; i < num_words(); ++i) w[i] |= other.word_at(i);
        } else {
            for (std::size_t i = 0; i < num_words(); ++i) w[i] |= other.bits_[i];
        }
        return *this;
    }

    // Intersection: yes for every key both filters had (no false negatives for the
    // intersection); its false-positive rate is at most the smaller of the two filters', and
    // can be above that of a filter built from the intersection of the key sets.
    bloom_filter& operator&=(const bloom_filter& other) {
        check_writable("intersect into");
        check_compatible(other, "intersection");
        std::uint64_t* w = owned_.get();
        if (other.concurrent_) {
            for (std::size_t i = 0; i < num_words(); ++i) w[i] &= other.word_at(i);
        } else {
            for (std::size_t i = 0; i < num_words(); ++i) w[i] &= other.bits_[i];
        }
        return *this;
    }

    template <std::size_t OtherBits, class OtherHash>
    bloom_filter& operator|=(const bloom_filter<OtherBits, OtherHash>&) {
        static_assert(OtherBits == BlockBits && std::is_same_v<OtherHash, Hash>,
                      "numrep::bloom_filter: union needs filters of the same BlockBits and Hash");
        return *this;
    }
    template <std::size_t OtherBits, class OtherHash>
    bloom_filter& operator&=(const bloom_filter<OtherBits, OtherHash>&) {
        static_assert(OtherBits == BlockBits && std::is_same_v<OtherHash, Hash>,
                      "numrep::bloom_filter: intersection needs filters of the same BlockBits and Hash");
        return *this;
    }

    friend bloom_filter operator|(const bloom_filter& a, const bloom_filter& b) {
        bloom_filter r(a);
        r |= b;
        return r;
    }
    friend bloom_filter operator&(const bloom_filter& a, const bloom_filter& b) {
        bloom_filter r(a);
        r &= b;
        return r;
    }

    void clear() {
        check_writable("clear");
        std::memset(owned_.get(), 0, num_words() * sizeof(std::uint64_t));
    }

    // Switches between exclusive and concurrent inserts; needs exclusive access to switch.
    void set_insert_mode(insert_mode new_mode) {
        check_writable("change the insert mode of");
        concurrent_ = new_mode == insert_mode::concurrent;
    }

    // Same size, probes, seed and bits (capacity, a sizing hint, is not compared). Either may be
    // taking concurrent-mode inserts meanwhile (the answer is then a snapshot of some moment).
    friend bool operator==(const bloom_filter& a, const bloom_filter& b) noexcept {
        if (a.num_bits_ != b.num_bits_ || a.num_probes_ != b.num_probes_ || a.seed_ != b.seed_) return false;
        // No bits (moved-from, whose bits_ is null: memcmp on null is UB even for 0 bytes).
        if (a.num_words() == 0 || a.bits_ == b.bits_) return true;
        if (a.concurrent_ || b.concurrent_) {
            for (std::size_t i = 0; i < a.num_words(); ++i) {
                if (a.word_at(i) != b.word_at(i)) return false;
            }
            return true;
        }
        return std::memcmp(a.bits_, b.bits_, a.num_words() * sizeof(std::uint64_t)) == 0;
    }

    // ---- estimates (one pass over the bits) ----

    std::uint64_t popcount() const noexcept {
        std::uint64_t n = 0;
        for (std::size_t i = 0; i < num_words(); ++i) n += static_cast<std::uint64_t>(detail::popcount64(word_at(i)));
        return n;
    }

    // Number of distinct keys inserted, estimated from the set bits: with k probes per key
    // (positions drawn with replacement), n keys leave a fraction 1 - (1 - 1/M)^(k n) of M
    // bits set, so n = ln(1 - set/M) / (k ln(1 - 1/M)). Blocked filters apply it per block
    // (M = block bits) and sum, which stays accurate although blocks fill unevenly. A block
    // with every bit set counts as if one bit were clear (the exact value is unbounded).
    double estimated_cardinality() const noexcept {
        if constexpr (is_blocked) {
            const auto counts = block_popcount_histogram();
            const double per_probe = static_cast<double>(num_probes_) * std::log1p(-1.0 / double{BlockBits});
            double n = 0.0;
            for (std::size_t c = 1; c <= BlockBits; ++c) {
                if (counts[c] == 0) continue;
                const double set = std::min(static_cast<double>(c), double{BlockBits} - 1.0);
                n += static_cast<double>(counts[c]) * std::log1p(-set / double{BlockBits}) / per_probe;
            }
            return n;
        } else {
            const double m = static_cast<double>(num_bits_);
            const double set = std::min(static_cast<double>(popcount()), m - 1.0);
            return std::log1p(-set / m) / (static_cast<double>(num_probes_) * std::log1p(-1.0 / m));
        }
    }

    // False-positive rate of a query for a key never inserted, given the bits set now: the
    // probability that all k probe positions are set, i.e. the mean over blocks of
    // (set bits / block bits)^k (for a classic filter, (set / num_bits)^k).
    double expected_fpr() const noexcept {
        const double k = static_cast<double>(num_probes_);
        if constexpr (is_blocked) {
            const auto counts = block_popcount_histogram();
            double sum = 0.0;
            for (std::size_t c = 1; c <= BlockBits; ++c) {
                if (counts[c] != 0) {
                    sum += static_cast<double>(counts[c]) * std::pow(static_cast<double>(c) / double{BlockBits}, k);
                }
            }
            return sum / static_cast<double>(num_blocks());
        } else {
            return std::pow(static_cast<double>(popcount()) / static_cast<double>(num_bits_), k);
        }
    }

    // ---- parameters ----

    std::uint64_t capacity() const noexcept { return capacity_; }
    std::uint64_t num_bits() const noexcept { return num_bits_; }
    std::uint32_t num_probes() const noexcept { return num_probes_; }
    std::uint64_t seed() const noexcept { return seed_; }
    double bits_per_key() const noexcept { return bloom_sizing{capacity_, num_bits_, num_probes_, 0.0}.bits_per_key(); }
    std::size_t size_in_bytes() const noexcept { return num_words() * sizeof(std::uint64_t); }
    // The parameters, with the model FPR at capacity (a few microseconds to compute: every
    // filter has at least 1 bit per key, which bounds the model's work).
    bloom_sizing sizing() const noexcept {
        return {capacity_, num_bits_, num_probes_,
                capacity_ == 0
                    ? 0.0
                    : model_fpr(static_cast<double>(num_bits_) / static_cast<double>(capacity_), num_probes_)};
    }
    insert_mode mode() const noexcept { return concurrent_ ? insert_mode::concurrent : insert_mode::exclusive; }
    // True for a filter from open(): its bits are the mapped file's, and updates throw.
    bool is_read_only() const noexcept { return owned_ == nullptr; }
    // The bit array: bit j of block b is bit (j % 64) of word (b x BlockBits + j) / 64.
    std::span<const std::uint64_t> words() const noexcept { return {bits_, num_words()}; }

    // ---- persistence ----

    // Saves atomically: the file at `path` is the old one or the complete new one, never a mix.
    // In concurrent mode inserts may run meanwhile: the file holds the bits of some moment
    // during the save (each word read once, atomically) and its checksum matches them.
    void save(const std::filesystem::path& path) const {
        check_not_moved_from("save");  // its file would replace a good one and be unreadable
        const std::array<std::span<const std::byte>, 1> sections{std::as_bytes(words())};
        detail::write_store_file(path, describe(), sections, write_access());
    }

    // The file as bytes; in concurrent mode inserts may run meanwhile, as for save.
    std::vector<std::byte> to_bytes() const {
        check_not_moved_from("write");
        const std::array<std::span<const std::byte>, 1> sections{std::as_bytes(words())};
        return detail::write_store(describe(), sections, write_access());
    }

    // Maps the file read-only and queries it in place: no copy, and pages are read on first
    // touch. `check` = verify::header skips the checksum of the bits so that opening a huge
    // filter reads nothing more than its header (see numrep::verify). Updates throw.
    static bloom_filter open(const std::filesystem::path& path, verify check = verify::full) {
        auto mapping = std::make_shared<detail::mapped_file>(path);
        const std::string source = "bloom_filter file '" + path.string() + "'";
        const auto view = read_view(mapping->bytes(), source, check);
        const auto* data = view.sections[0].data();
        if (reinterpret_cast<std::uintptr_t>(data) % detail::file_alignment != 0) {
            // mmap returns page-aligned memory and sections sit at multiples of 64.
            detail::throw_logic_error(source + ": mapped bits are not 64-byte aligned");
        }
        mapping->advise_random();
        bloom_filter f(view.description, mapped_tag{});
        f.bits_ = reinterpret_cast<const std::uint64_t*>(data);
        f.mapping_ = std::move(mapping);
        return f;
    }

    // Reads the whole file into a new writable filter (fully verified).
    static bloom_filter load(const std::filesystem::path& path, insert_mode mode = insert_mode::exclusive) {
        const detail::mapped_file mapping(path);
        return from_validated(read_view(mapping.bytes(), "bloom_filter file '" + path.string() + "'", verify::full),
                              mode);
    }

    static bloom_filter from_bytes(std::span<const std::byte> bytes, insert_mode mode = insert_mode::exclusive) {
        return from_validated(read_view(bytes, "bloom_filter bytes", verify::full), mode);
    }

private:
    static constexpr std::size_t bit_unit = is_blocked ? BlockBits : 64;
    static constexpr std::size_t words_per_block = is_blocked ? BlockBits / 64 : 1;
    static constexpr int probe_shift = is_blocked ? 64 - std::countr_zero(std::max<std::size_t>(BlockBits, 1)) : 0;
    static constexpr std::size_t batch_group = is_blocked ? 16 : 8;  // inserts
    static constexpr std::size_t batch_lead = 16;                    // queries

    struct aligned_delete {
        void operator()(std::uint64_t* p) const noexcept {
            ::operator delete[](p, std::align_val_t{detail::file_alignment});
        }
    };
    struct mapped_tag {};

    struct saved_tag {};

    // Any sizing, capacity 0 included: files written before capacity 0 was refused still load.
    bloom_filter(const bloom_sizing& sizing, bloom_options options, saved_tag)
        : capacity_(sizing.capacity),
          num_bits_(sizing.num_bits),
          num_probes_(sizing.num_probes),
          seed_(options.seed),
          concurrent_(options.mode == insert_mode::concurrent) {
        if (num_bits_ == 0 || num_bits_ % bit_unit != 0) {
            detail::throw_invalid_argument("bloom_filter: num_bits must be a positive multiple of " +
                                           std::to_string(bit_unit) + ", got " + std::to_string(num_bits_));
        }
        if (num_bits_ / 64 > std::numeric_limits<std::size_t>::max() / 8) {
            detail::throw_invalid_argument("bloom_filter: " + std::to_string(num_bits_) +
                                           " bits do not fit in this address space");
        }
        if (num_probes_ < 1 || num_probes_ > max_probes) {
            detail::throw_invalid_argument("bloom_filter: num_probes must be in 1.." + std::to_string(max_probes) +
                                           ", got " + std::to_string(num_probes_));
        }
        if (capacity_ != 0 && num_bits_ < capacity_) {
            detail::throw_invalid_argument("bloom_filter: " + std::to_string(num_bits_) + " bits for capacity " +
                                           std::to_string(capacity_) + " is under the minimum of 1 bit per key");
        }
        try {
            allocate_zeroed();
        } catch (const std::bad_alloc&) {  // as documented: a size no memory holds is a bad argument
            detail::throw_invalid_argument("bloom_filter of " + std::to_string(num_words() * sizeof(std::uint64_t)) +
                                           " bytes: the filter would not fit in memory");
        }
    }

    // Only for open(): parameters from a validated header, bits set by the caller.
    bloom_filter(const detail::store_description& d, mapped_tag)
        : capacity_(d.params[param_capacity]),
          num_bits_(d.params[param_num_bits]),
          num_probes_(static_cast<std::uint32_t>(d.params[param_num_probes])),
          seed_(d.hash_seed) {}

    // Header parameters of a bloom filter file.
    static constexpr std::size_t param_num_bits = 0;
    static constexpr std::size_t param_num_probes = 1;
    static constexpr std::size_t param_block_bits = 2;
    static constexpr std::size_t param_hash_id = 3;
    static constexpr std::size_t param_capacity = 4;
    static constexpr std::size_t param_probe_scheme = 5;

    // Concurrent mode only exists on owned storage, which atomic_words reads need.
    detail::section_access write_access() const noexcept {
        return concurrent_ ? detail::section_access::atomic_words : detail::section_access::plain;
    }

    detail::store_description describe() const noexcept {
        detail::store_description d;
        d.kind = store_kind::bloom_filter;
        d.hash_seed = seed_;
        d.params[param_num_bits] = num_bits_;
        d.params[param_num_probes] = num_probes_;
        d.params[param_block_bits] = BlockBits;
        d.params[param_hash_id] = Hash::id;
        d.params[param_capacity] = capacity_;
        d.params[param_probe_scheme] = detail::bloom_probe_scheme;
        return d;
    }

    // Checks the file's parameters against this filter type before any is used.
    static detail::store_view read_view(std::span<const std::byte> bytes, const std::string& source, verify check) {
        detail::read_expectations expect;
        expect.source = source;
        expect.kind = store_kind::bloom_filter;
        expect.min_sections = 1;
        expect.max_sections = 1;
        expect.check = check;
        auto view = detail::read_store(bytes, expect);
        const auto& p = view.description.params;
        const auto fail = [&](const std::string& reason) { detail::throw_format_error(source + ": " + reason); };
        const auto block_name = [](std::uint64_t b) {
            return b == 0 ? std::string("an unblocked (classic) filter")
                          : "a filter of " + std::to_string(b) + "-bit blocks";
        };
        if (p[param_block_bits] != BlockBits) {
            fail("the file holds " + block_name(p[param_block_bits]) + ", and this bloom_filter is " +
                 block_name(BlockBits));
        }
        if (p[param_hash_id] != Hash::id) {
            fail("the file's keys were hashed with hash id " + std::to_string(p[param_hash_id]) +
                 ", this bloom_filter's hash has id " + std::to_string(Hash::id));
        }
        if (p[param_probe_scheme] != detail::bloom_probe_scheme) {
            fail("unknown probe scheme " + std::to_string(p[param_probe_scheme]) + " (this build knows " +
                 std::to_string(detail::bloom_probe_scheme) + ")");
        }
        if (p[6] != 0 || p[7] != 0) fail("reserved parameters are not zero");
        if (p[param_num_probes] < 1 || p[param_num_probes] > max_probes) {
            fail("probe count " + std::to_string(p[param_num_probes]) + " is not in 1.." + std::to_string(max_probes));
        }
        if (p[param_num_bits] == 0 || p[param_num_bits] % bit_unit != 0) {
            fail("bit count " + std::to_string(p[param_num_bits]) + " is not a positive multiple of " +
                 std::to_string(bit_unit));
        }
        if (p[param_capacity] != 0 && p[param_num_bits] < p[param_capacity]) {
            fail("capacity " + std::to_string(p[param_capacity]) + " is more than the " +
                 std::to_string(p[param_num_bits]) + " bits hold at the minimum of 1 bit per key");
        }
        if (view.sections[0].size() != p[param_num_bits] / 8) {
            fail("the bit array has " + std::to_string(view.sections[0].size()) + " bytes, " +
                 std::to_string(p[param_num_bits]) + " bits need " + std::to_string(p[param_num_bits] / 8));
        }
        return view;
    }

    static bloom_filter from_validated(const detail::store_view& view, insert_mode mode) {
        bloom_sizing s;
        s.capacity = view.description.params[param_capacity];
        s.num_bits = view.description.params[param_num_bits];
        s.num_probes = static_cast<std::uint32_t>(view.description.params[param_num_probes]);
        bloom_filter f(s, bloom_options{view.description.hash_seed, mode}, saved_tag{});
        std::memcpy(f.owned_.get(), view.sections[0].data(), view.sections[0].size());
        return f;
    }

    static std::uint64_t checked_capacity(std::uint64_t capacity) {
        if (capacity == 0)
            detail::throw_invalid_argument(
                "bloom_filter: capacity must be at least 1, got 0 (a filter sized for no keys fills up after a few "
                "hundred and then answers true for every key; size it for the keys you will add)");
        return capacity;
    }
    static const bloom_sizing& checked_sizing(const bloom_sizing& sizing) {
        (void)checked_capacity(sizing.capacity);
        return sizing;
    }

    static void check_bits_per_key(double bits_per_key) {
        if (!(bits_per_key >= min_bits_per_key && bits_per_key <= max_bits_per_key)) {
            detail::throw_invalid_argument("bloom_filter: bits_per_key must be in [" + format_double(min_bits_per_key) +
                                           ", " + format_double(max_bits_per_key) + "], got " +
                                           format_double(bits_per_key));
        }
    }

    static bloom_sizing size_with(std::uint64_t capacity, double bits_per_key, std::uint32_t k) {
        check_bits_per_key(bits_per_key);
        // Whole units (blocks), at least one: an empty filter still answers queries.
        const double units = std::ceil(static_cast<double>(capacity) * bits_per_key / double{bit_unit});
        // 2^55 bits (4 PiB) is beyond any machine and keeps every product below exact in 64 bits.
        constexpr double max_units = 36028797018963968.0 / double{bit_unit};
        if (!(units <= max_units)) {
            detail::throw_invalid_argument("bloom_filter: capacity " + std::to_string(capacity) + " at " +
                                           format_double(bits_per_key) + " bits per key is too large a filter");
        }
        bloom_sizing s;
        s.capacity = capacity;
        s.num_bits = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(units)) * bit_unit;
        s.num_probes = k;
        s.expected_fpr = capacity == 0 ? 0.0 : model_fpr(s.bits_per_key(), k);
        return s;
    }

    static std::string format_double(double v) {
        if (std::isnan(v)) return "nan";
        char buffer[32];
        const int n = std::snprintf(buffer, sizeof buffer, "%.6g", v);
        return std::string(buffer, static_cast<std::size_t>(n));
    }

    void check_not_moved_from(const char* action) const {
        if (bits_ == nullptr) detail::throw_logic_error(std::string("cannot ") + action + " a moved-from bloom_filter");
    }

    void check_writable(const char* action) const {
        if (owned_ == nullptr) {
            if (mapping_ == nullptr)
                detail::throw_logic_error(std::string("cannot ") + action + " a moved-from bloom_filter");
            detail::throw_logic_error(std::string("cannot ") + action + " a read-only bloom_filter mapped from '" +
                                      mapping_->path() + "'; load() it for a writable copy");
        }
    }

    void check_compatible(const bloom_filter& other, const char* operation) const {
        const auto fail = [&](const char* what, const std::string& a, const std::string& b) {
            detail::throw_invalid_argument(std::string("bloom_filter: cannot take the ") + operation +
                                           " of filters with different " + what + " (" + a + " vs " + b + ")");
        };
        if (num_bits_ != other.num_bits_) {
            fail("sizes", std::to_string(num_bits_) + " bits", std::to_string(other.num_bits_) + " bits");
        }
        if (num_probes_ != other.num_probes_) {
            fail("probe counts", std::to_string(num_probes_), std::to_string(other.num_probes_));
        }
        if (seed_ != other.seed_) fail("hash seeds", std::to_string(seed_), std::to_string(other.seed_));
    }

    std::size_t num_words() const noexcept { return static_cast<std::size_t>(num_bits_ / 64); }
    std::uint64_t num_blocks() const noexcept { return num_bits_ / bit_unit; }

    void allocate_zeroed() {
        const std::size_t bytes = num_words() * sizeof(std::uint64_t);
        owned_.reset(static_cast<std::uint64_t*>(::operator new[](bytes, std::align_val_t{detail::file_alignment})));
        std::memset(owned_.get(), 0, bytes);
        bits_ = owned_.get();
    }

    std::uint64_t word_at(std::size_t i) const noexcept {
        if (concurrent_) return load_word<true>(bits_ + i);
        return bits_[i];
    }

    template <bool Atomic>
    static std::uint64_t load_word(const std::uint64_t* p) noexcept {
        if constexpr (Atomic) {
            // Concurrent mode only exists on owned (non-const) storage, so the cast is sound.
            return std::atomic_ref<std::uint64_t>(*const_cast<std::uint64_t*>(p)).load(std::memory_order_relaxed);
        } else {
            return *p;
        }
    }

    template <bool Atomic>
    static void or_word(std::uint64_t* p, std::uint64_t mask) noexcept {
        if constexpr (Atomic) {
            // Skipping the locked instruction when the bits are already set keeps the cache
            // line shared between cores that insert duplicate keys.
            std::atomic_ref<std::uint64_t> ref(*p);
            if ((ref.load(std::memory_order_relaxed) & mask) != mask) ref.fetch_or(mask, std::memory_order_relaxed);
        } else {
            *p |= mask;
        }
    }

    // Blocked probe positions: the block from the high bits of the hash (multiply-shift maps
    // it onto any block count without division); probe i at the top bits of x C^i, where x is
    // the hash rotated by 32 (so that probe 0 comes from bits the block choice did not use)
    // and C^i is a power of the odd constant C. The powers come from a table so that the k
    // multiplies are independent and run in parallel, not as a chain x *= C.
    static constexpr std::array<std::uint64_t, max_probes> probe_powers = [] {
        std::array<std::uint64_t, max_probes> p{};
        p[0] = 1;
        for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * detail::probe_multiplier;
        return p;
    }();

    std::size_t block_offset(std::uint64_t h) const noexcept {
        return static_cast<std::size_t>(detail::mul_high(h, num_blocks())) * words_per_block;
    }

    static unsigned block_bit(std::uint64_t x, std::uint32_t i) noexcept {
        return static_cast<unsigned>((x * probe_powers[i]) >> probe_shift);
    }

    // One mask per word of the block, for atomic inserts: one fetch_or per touched word.
    std::array<std::uint64_t, words_per_block> block_masks(std::uint64_t h) const noexcept {
        std::array<std::uint64_t, words_per_block> mask{};
        const std::uint64_t x = std::rotl(h, 32);
        for (std::uint32_t i = 0; i < num_probes_; ++i) {
            const unsigned bit = block_bit(x, i);
            mask[bit / 64] |= std::uint64_t{1} << (bit % 64);
        }
        return mask;
    }

    // Classic probe positions: enhanced double hashing (g += d; d += i) over 64-bit values,
    // each mapped onto [0, num_bits) by multiply-shift.
    struct classic_sequence {
        std::uint64_t g;
        std::uint64_t d;
        std::uint64_t next(std::uint64_t num_bits, std::uint32_t i) noexcept {
            const std::uint64_t pos = detail::mul_high(g, num_bits);
            g += d;
            d += i;
            return pos;
        }
    };
    static classic_sequence classic_start(std::uint64_t h) noexcept {
        return {h, (std::rotl(h, 32) * detail::probe_multiplier) | 1};
    }

    // Branch-free: after the block's one cache miss every probe is an L1 hit, and a branch per
    // probe would mispredict half the time on keys not in the filter.
    // Probes = 0: num_probes_ of them, counted at run time; otherwise exactly that many, a
    // loop the compiler unrolls with the multipliers as constants.
    template <bool Atomic, std::uint32_t Probes = 0>
    bool test_block(const std::uint64_t* block, std::uint64_t h) const noexcept {
        const std::uint64_t x = std::rotl(h, 32);
        std::uint64_t hit = 1;
        const std::uint32_t probes = Probes != 0 ? Probes : num_probes_;
        for (std::uint32_t i = 0; i < probes; ++i) {
            const unsigned bit = block_bit(x, i);
            hit &= load_word<Atomic>(block + bit / 64) >> (bit % 64);
        }
        return (hit & 1U) != 0;
    }

    template <bool Atomic>
    bool test(std::uint64_t h) const noexcept {
        if constexpr (is_blocked) {
            return test_block<Atomic>(bits_ + block_offset(h), h);
        } else {
            // Each probe is a cache miss of its own: stop at the first clear bit.
            auto seq = classic_start(h);
            for (std::uint32_t i = 0; i < num_probes_; ++i) {
                const std::uint64_t pos = seq.next(num_bits_, i);
                if (((load_word<Atomic>(bits_ + pos / 64) >> (pos % 64)) & 1U) == 0) return false;
            }
            return true;
        }
    }

    template <bool Atomic>
    void set(std::uint64_t h) noexcept {
        std::uint64_t* w = owned_.get();
        if constexpr (is_blocked) {
            std::uint64_t* block = w + block_offset(h);
            if constexpr (Atomic) {
                const auto mask = block_masks(h);
                for (std::size_t i = 0; i < words_per_block; ++i) {
                    if (mask[i] != 0) or_word<true>(block + i, mask[i]);
                }
            } else {
                const std::uint64_t x = std::rotl(h, 32);
                for (std::uint32_t i = 0; i < num_probes_; ++i) {
                    const unsigned bit = block_bit(x, i);
                    block[bit / 64] |= std::uint64_t{1} << (bit % 64);
                }
            }
        } else {
            auto seq = classic_start(h);
            for (std::uint32_t i = 0; i < num_probes_; ++i) {
                const std::uint64_t pos = seq.next(num_bits_, i);
                or_word<Atomic>(w + pos / 64, std::uint64_t{1} << (pos % 64));
            }
        }
    }

    void prefetch_probes(std::uint64_t h, bool write) const noexcept {
        if constexpr (is_blocked) {
            const std::uint64_t* p = bits_ + block_offset(h);
            if (write) detail::prefetch_write(p);
            else
                detail::prefetch_read(p);
        } else {
            auto seq = classic_start(h);
            for (std::uint32_t i = 0; i < num_probes_; ++i) {
                const std::uint64_t* p = bits_ + seq.next(num_bits_, i) / 64;
                if (write) detail::prefetch_write(p);
                else
                    detail::prefetch_read(p);
            }
        }
    }

    template <class Out>
    std::size_t contains_batch_into(std::span<const key_type> keys, std::span<Out> out) const {
        if (keys.size() != out.size()) {
            detail::throw_invalid_argument("bloom_filter::contains_batch: " + std::to_string(keys.size()) +
                                           " keys but room for " + std::to_string(out.size()) + " answers");
        }
        return concurrent_ ? contains_batch_impl<true>(keys, out.data()) : contains_batch_impl<false>(keys, out.data());
    }

    // The usual probe counts (5 to 9: false-positive rates from ~2% to ~0.1%) get a batch loop
    // of their own with the probes unrolled and their multipliers constant: bench_bloom's
    // contains_batch (k = 6) went from 13.4 to 11.2-12.0 ns a key at 10M keys, 7.3 to 6.7-6.9
    // at 100k (filter in cache), medians of interleaved runs.
    template <bool Atomic, class Out>
    std::size_t contains_batch_impl(std::span<const key_type> keys, Out* out) const noexcept {
#if defined(NUMREP_X86_CPU_DISPATCH)
        // 512-bit blocks (the default) and up to 8 probes: the whole block test in a few vector
        // instructions (block_probes.hpp), bit for bit the answer of test_block. bench_bloom's
        // contains_batch (k = 6): 10.4-10.7 to 8.7-8.8 ns a key at 10M keys, 6.2 to 4.1 at
        // 100k (in cache), medians of alternated runs on a Sapphire Rapids-class Xeon (older
        // AVX-512 parts may lower their clock for vpmullq: not measured). Not for concurrent
        // filters: their words are read one atomic load at a time. Where this path is taken,
        // the unrolled loops below serve only k = 9.
        if constexpr (BlockBits == 512 && !Atomic) {
            if (detail::cpu.avx512 && num_probes_ <= 8) {
                const unsigned lanes = (1U << num_probes_) - 1;
                const std::size_t hits = contains_batch_rolling(
                    keys, out, [lanes](std::uint64_t h, const std::uint64_t* block) {
                        return detail::block_probes_set_avx512(block, std::rotl(h, 32), probe_powers.data(), lanes);
                    });
                detail::leave_wide_vectors();
                return hits;
            }
        }
#endif
        if constexpr (is_blocked && !Atomic) {  // (concurrent filters keep one loop: less to compile)
            switch (num_probes_) {
                case 5: return contains_batch_probes<Atomic, 5>(keys, out);
                case 6: return contains_batch_probes<Atomic, 6>(keys, out);
                case 7: return contains_batch_probes<Atomic, 7>(keys, out);
                case 8: return contains_batch_probes<Atomic, 8>(keys, out);
                case 9: return contains_batch_probes<Atomic, 9>(keys, out);
                default: break;
            }
        }
        return contains_batch_probes<Atomic, 0>(keys, out);
    }

    template <bool Atomic, std::uint32_t Probes, class Out>
    std::size_t contains_batch_probes(std::span<const key_type> keys, Out* out) const noexcept {
        return contains_batch_rolling(keys, out, [this](std::uint64_t h, const std::uint64_t* block) {
            if constexpr (is_blocked) return test_block<Atomic, Probes>(block, h);
            else
                return test<Atomic>(h);
        });
    }

    // Hashes run `batch_lead` keys ahead of the tests, each key's block (or probes) prefetched
    // as soon as its hash is known, so a test finds its line arrived while the keys between
    // kept the processor busy. test(hash, block) (block: the key's block, or the filter's
    // words when unblocked). Against groups of 16 keys, all hashed and prefetched before any
    // was tested: the same for the portable blocked test (bench_bloom contains_batch at 10M
    // keys, 10.4-10.6 ns a key either way), faster for the classic filter (28-32 to 25 ns)
    // and for the AVX-512 test, which otherwise waited on memory (8.6 to 7.5 ns in a
    // prototype with both loops, medians of alternated runs).
    template <class Out, class Test>
    std::size_t contains_batch_rolling(std::span<const key_type> keys, Out* out, Test test) const noexcept {
        struct pending {
            std::uint64_t hash;
            const std::uint64_t* block;
        };
        std::array<pending, batch_lead> ahead{};
        const auto start = [this](std::uint64_t key) {
            const std::uint64_t h = hash_(key, seed_);
            if constexpr (is_blocked) {
                const std::uint64_t* block = bits_ + block_offset(h);
                detail::prefetch_read(block);
                return pending{h, block};
            } else {
                prefetch_probes(h, false);
                return pending{h, bits_};
            }
        };
        const std::size_t n = keys.size();
        for (std::size_t j = 0; j < std::min(batch_lead, n); ++j) ahead[j] = start(keys[j]);
        std::size_t hits = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t slot = i % batch_lead;
            const pending p = ahead[slot];
            if (i + batch_lead < n) ahead[slot] = start(keys[i + batch_lead]);
            const bool hit = test(p.hash, p.block);
            out[i] = static_cast<Out>(hit);
            hits += hit ? 1U : 0U;
        }
        return hits;
    }

    template <bool Atomic>
    void insert_batch_impl(std::span<const key_type> keys) noexcept {
        std::array<std::uint64_t, batch_group> hashes{};
        for (std::size_t start = 0; start < keys.size(); start += batch_group) {
            const std::size_t n = std::min(batch_group, keys.size() - start);
            for (std::size_t j = 0; j < n; ++j) {
                hashes[j] = hash_(keys[start + j], seed_);
                prefetch_probes(hashes[j], true);
            }
            for (std::size_t j = 0; j < n; ++j) set<Atomic>(hashes[j]);
        }
    }

    std::array<std::uint64_t, BlockBits + 1> block_popcount_histogram() const noexcept
        requires is_blocked
    {
        std::array<std::uint64_t, BlockBits + 1> counts{};
        for (std::size_t b = 0; b < num_words(); b += words_per_block) {
            unsigned c = 0;
            for (std::size_t w = 0; w < words_per_block; ++w)
                c += static_cast<unsigned>(detail::popcount64(word_at(b + w)));
            ++counts[c];
        }
        return counts;
    }

    std::uint64_t capacity_ = 0;
    std::uint64_t num_bits_ = 0;
    std::uint32_t num_probes_ = 0;
    std::uint64_t seed_ = bloom_default_seed;
    bool concurrent_ = false;
    [[no_unique_address]] Hash hash_{};
    const std::uint64_t* bits_ = nullptr;  // owned_ or the mapping's bytes
    std::unique_ptr<std::uint64_t[], aligned_delete> owned_;
    std::shared_ptr<const detail::mapped_file> mapping_;
};

// The unblocked textbook filter, for comparison and for FPR targets far below 0.1%.
template <class Hash = xxh3_hasher>
using classic_bloom_filter = bloom_filter<0, Hash>;

}  // namespace numrep
