// numrep::trie_store<Value>: a static, exact set of E.164 keys (optionally with a value per
// key) in close to the information-theoretic minimum of space, with lookups in tens of
// nanoseconds, prefix counts in time independent of the count, rank/select and ordered
// iteration under a digit prefix. Static by design: updates go to a delta and a rebuild.
//
// Layout. Keys (1 to 999'999'999'999'999, i.e. 1 to 15 digits) are grouped by decimal length L;
// integer order is length-major, so a group is a contiguous range of ranks. Within a group:
//
//   * a dense top digit level: the keys' "chunks" k / 10^c (c chosen per group, see below)
//     form a bitmap over [first chunk, last chunk] with rank/select. It answers "is there any
//     key under these L - c leading digits?" in one bit and squeezes out the empty parts of
//     the number space (unallocated operator prefixes), so that
//   * the integer-coded lower level sees a dense universe: every key maps, order preserved,
//     to m = rank(chunk) * 10^c + (k mod 10^c) < u = (non-empty chunks) * 10^c, and the m are
//     Elias-Fano coded (see detail/elias_fano.hpp).
//
// Space per group of n keys: EF(n, u) + bitmap(C) bits, where C is the number of chunks in the
// group's span and EF(n, u) = n l + n + (u >> l) + 1 with l = floor(log2(u / n)), i.e. at most
// n (2 + log2(u / n)); the bit vectors add 6.25% rank tables and ~0.06 bits per bit of select
// samples, and the EF bucket directory 32 bits per 64 buckets (0.5 to 1 bit per key, see
// detail/elias_fano.hpp). The builder picks the c minimising the total for the actual keys.
// For random keys under P populated 2-digit operator prefixes (P x 10^7 numbers) u ~ P x 10^7,
// so the keys cost about log2(u / n) + 2.3 bits each plus the directory, against the bound
// log2 C(u, n) / n ~ log2(u / n) + 1.44: 11.7 vs 10.1 bits at 1M Vietnamese mobile keys, 8.2
// vs 6.8 at 10M (1.21x).
//
// Values sit in rank order in one bit-packed array of fixed-width records: each field (one for
// an unsigned integer, thirteen for a report_record) is stored as an offset from the store's
// smallest value of that field in just the bits the largest offset needs.
//
// Queries are noexcept, allocation-free and safe on any bytes that passed open()'s size
// checks. Lookup: one bitmap bit and rank (a few hundred bytes, cached), the bucket directory
// entry, the high-bit words it points to (a branch-free select over three words), the
// bucket's low bits compared without branching on them: three dependent cache lines, two of
// them random; with values the value record is fetched alongside the low bits (its index is
// the bucket's first, give or take one). Prefix count: two EF lower bounds per key length
// present. Batches run each of those steps for 32 keys before the next (software prefetch).
// Built and loaded stores of 4 MiB or more sit in transparent huge pages where the kernel
// offers them (madvise), which takes the TLB misses out of random lookups.
//
// Files: the shared store format (detail/file_format.hpp), kind trie_store, layout 2, 13
// sections: group table, then chunk bitmap words / rank table / select1 / select0 samples, EF
// high-bit words / rank / select1 / select0 / bucket directory, EF low bits, value field table,
// value words (each the concatenation over groups; every size follows from the group table, so
// nothing else in a file says where anything is and open() checks every size before use).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/bit_vector.hpp"
#include "detail/key.hpp"
#include "detail/elias_fano.hpp"
#include "detail/file_format.hpp"
#include "detail/mapped_file.hpp"  // also <sys/mman.h> (madvise)
#include "detail/packed_array.hpp"
#include "detail/throw.hpp"
#include "error.hpp"
#include "report_record.hpp"

namespace numrep {

// How build() combines the values of a key given more than once. sum saturates at the value
// type's maximum rather than wrapping (report_record: its +=); max is the larger (field-wise
// for report_record); last keeps the value given last in the input.
enum class merge_policy : std::uint8_t {
    sum,
    max,
    last,
};

namespace detail {

// How values are stored: as `field_count` unsigned integers each.
template <class V>
struct trie_value_traits;

template <>
struct trie_value_traits<void> {
    static constexpr std::uint64_t kind = 0;
    static constexpr std::size_t field_count = 0;
    static constexpr const char* name = "no values (a set)";
};

template <class T>
    requires(std::unsigned_integral<T> && !std::same_as<T, bool>)
struct trie_value_traits<T> {
    static constexpr std::uint64_t kind = 1;
    static constexpr std::size_t field_count = 1;
    static constexpr const char* name = "unsigned integer values";
    static constexpr std::uint64_t field_max = std::numeric_limits<T>::max();
    static std::uint64_t field(const T& v, std::size_t) noexcept { return v; }
    static void set_field(T& v, std::size_t, std::uint64_t f) noexcept { v = static_cast<T>(f); }
    static T sum(const T& a, const T& b) noexcept {
        const T s = static_cast<T>(a + b);
        return s < a ? std::numeric_limits<T>::max() : s;
    }
    static T max(const T& a, const T& b) noexcept { return std::max(a, b); }
};

template <>
struct trie_value_traits<report_record> {
    static constexpr std::uint64_t kind = 2;
    static constexpr std::size_t field_count = report_record::field_count;
    static constexpr const char* name = "report_record values";
    static constexpr std::uint64_t field_max = std::numeric_limits<std::uint32_t>::max();
    static std::uint64_t field(const report_record& v, std::size_t i) noexcept { return v.field(i); }
    static void set_field(report_record& v, std::size_t i, std::uint64_t f) noexcept {
        v.set_field(i, static_cast<std::uint32_t>(f));
    }
    static report_record sum(const report_record& a, const report_record& b) noexcept { return a + b; }
    static report_record max(const report_record& a, const report_record& b) noexcept { return report_record::max(a, b); }
};

inline constexpr std::size_t trie_max_fields = report_record::field_count;

// Stable LSD radix sort on the low `key_bits` bits of key_of(x), 11 bits per pass; passes in
// which every key has the same digit are skipped (E.164 keys share their top digits).
template <class T, class KeyOf>
void radix_sort(std::vector<T>& a, KeyOf key_of, unsigned key_bits) {
    constexpr unsigned digit_bits = 11;
    constexpr std::size_t radix = std::size_t{1} << digit_bits;
    const unsigned passes = (key_bits + digit_bits - 1) / digit_bits;
    if (a.size() < 2 || passes == 0) return;
    std::vector<std::array<std::size_t, radix>> counts(passes);
    for (auto& c : counts) c.fill(0);
    for (const T& x : a) {
        const std::uint64_t k = key_of(x);
        for (unsigned p = 0; p < passes; ++p) ++counts[p][(k >> (p * digit_bits)) & (radix - 1)];
    }
    std::vector<T> tmp(a.size());
    for (unsigned p = 0; p < passes; ++p) {
        auto& c = counts[p];
        if (std::find(c.begin(), c.end(), a.size()) != c.end()) continue;  // one digit value: no-op pass
        std::size_t sum = 0;
        for (auto& x : c) sum += std::exchange(x, sum);
        const unsigned shift = p * digit_bits;
        for (const T& x : a) tmp[c[(key_of(x) >> shift) & (radix - 1)]++] = x;
        a.swap(tmp);
    }
}

}  // namespace detail

// Bits per key of the information-theoretic minimum for any n-subset of a universe of u:
// log2 C(u, n) / n. The yardstick for bits_per_key().
inline double trie_bound_bits_per_key(double universe, double n) noexcept {
    if (n <= 0 || universe <= n) return 0.0;
    const double log2_binomial = (std::lgamma(universe + 1) - std::lgamma(n + 1) - std::lgamma(universe - n + 1)) /
                                 std::log(2.0);
    return log2_binomial / n;
}

template <class Value = void>
class trie_store {
    static_assert(std::is_void_v<Value> || (std::unsigned_integral<Value> && !std::same_as<Value, bool>) ||
                      std::same_as<Value, report_record>,
                  "numrep::trie_store<Value>: Value must be void (a set), an unsigned integer type other than "
                  "bool (std::uint8_t ... std::uint64_t), or numrep::report_record");
    static_assert(std::endian::native == std::endian::little,
                  "numrep::trie_store keeps little-endian words so that files map in place; big-endian hosts "
                  "are not supported");

    using traits = detail::trie_value_traits<Value>;
    // A stand-in so that signatures naming the value type stay well-formed for Value = void
    // (those members are constrained away).
    struct no_value {};
    using value_arg = std::conditional_t<std::is_void_v<Value>, no_value, Value>;
    static constexpr bool has_values = !std::is_void_v<Value>;

public:
    using key_type = std::uint64_t;
    using value_type = Value;
    static constexpr key_type min_key = 1;
    static constexpr key_type max_key = 999'999'999'999'999ULL;  // 15 digits
    static constexpr std::size_t max_keys = std::numeric_limits<std::uint32_t>::max();

    // ---- construction ----

    // An empty store.
    trie_store() { attach_built(build_sections({}, {})); }

    // A set from keys in any order; duplicates collapse. Throws std::invalid_argument naming
    // the first key that is not 1 to 15 digits (0 is not an E.164 number).
    static trie_store build(std::span<const key_type> keys)
        requires(!has_values)
    {
        check_keys(keys);
        std::vector<key_type> sorted(keys.begin(), keys.end());
        if (!std::is_sorted(sorted.begin(), sorted.end())) {
            detail::radix_sort(sorted, [](key_type k) { return k; }, key_bits(sorted));
        }
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
        trie_store t(uninitialised_tag{});
        t.attach_built(build_sections(sorted, {}));
        return t;
    }

    // A map from keys[i] to values[i], keys in any order; the values of a repeated key are
    // combined by `merge` in input order. Throws std::invalid_argument on a bad key or
    // different lengths.
    static trie_store build(std::span<const key_type> keys, std::span<const value_arg> values,
                            merge_policy merge = merge_policy::sum)
        requires has_values
    {
        switch (merge) {
            case merge_policy::sum: return build(keys, values, [](const Value& a, const Value& b) { return traits::sum(a, b); });
            case merge_policy::max: return build(keys, values, [](const Value& a, const Value& b) { return traits::max(a, b); });
            case merge_policy::last: break;
        }
        return build(keys, values, [](const Value&, const Value& b) { return b; });
    }

    // As above with merge(accumulated, next) -> Value, called for each repeat in input order.
    template <class Merge>
        requires(has_values && std::is_invocable_r_v<value_arg, Merge&, const value_arg&, const value_arg&>)
    static trie_store build(std::span<const key_type> keys, std::span<const value_arg> values, Merge merge) {
        if (keys.size() != values.size()) {
            detail::throw_invalid_argument("trie_store::build: " + std::to_string(keys.size()) + " keys but " +
                                           std::to_string(values.size()) + " values");
        }
        check_keys(keys);
        struct entry {
            key_type key;
            std::uint32_t index;
        };
        std::vector<entry> order(keys.size());
        for (std::size_t i = 0; i < keys.size(); ++i) order[i] = {keys[i], static_cast<std::uint32_t>(i)};
        if (!std::is_sorted(keys.begin(), keys.end())) {
            key_type top = 0;
            for (const auto k : keys) top = std::max(top, k);
            // Stable, so repeats stay in input order for `merge`.
            detail::radix_sort(order, [](const entry& e) { return e.key; }, static_cast<unsigned>(std::bit_width(top)));
        }
        std::vector<key_type> sorted_keys;
        std::vector<Value> sorted_values;
        sorted_keys.reserve(order.size());
        sorted_values.reserve(order.size());
        for (std::size_t i = 0; i < order.size();) {
            Value v = values[order[i].index];
            std::size_t j = i + 1;
            for (; j < order.size() && order[j].key == order[i].key; ++j) v = merge(std::as_const(v), values[order[j].index]);
            sorted_keys.push_back(order[i].key);
            sorted_values.push_back(v);
            i = j;
        }
        trie_store t(uninitialised_tag{});
        t.attach_built(build_sections(sorted_keys, sorted_values));
        return t;
    }

    // From (key, value) pairs in any order.
    static trie_store build(std::span<const std::pair<key_type, value_arg>> pairs, merge_policy merge = merge_policy::sum)
        requires has_values
    {
        const auto [k, v] = split(pairs);
        return build(k, v, merge);
    }
    template <class Merge>
        requires(has_values && std::is_invocable_r_v<value_arg, Merge&, const value_arg&, const value_arg&>)
    static trie_store build(std::span<const std::pair<key_type, value_arg>> pairs, Merge merge) {
        const auto [k, v] = split(pairs);
        return build(k, v, merge);
    }

    // Copies share the immutable bytes (owned or mapped): copying is cheap and thread-safe.
    trie_store(const trie_store&) = default;
    trie_store& operator=(const trie_store&) = default;
    trie_store(trie_store&&) noexcept = default;
    trie_store& operator=(trie_store&&) noexcept = default;
    ~trie_store() = default;

    // ---- queries: noexcept, allocation-free, any number of threads ----

    std::size_t size() const noexcept { return static_cast<std::size_t>(size_); }
    bool empty() const noexcept { return size_ == 0; }

    // The key's position in sorted order if present.
    std::optional<std::size_t> index_of(key_type key) const noexcept {
        const std::uint64_t i = find_index(key);
        if (i == not_found) return std::nullopt;
        return static_cast<std::size_t>(i);
    }

    bool contains(key_type key) const noexcept { return find_index(key) != not_found; }

    std::optional<value_arg> find(key_type key) const noexcept
        requires has_values
    {
        // The value's line is fetched while the key's low bits are (its index is the bucket's
        // first, give or take a value or two), so a get costs one lookup, not two misses more.
        const std::uint64_t i = find_index(key, [this](const group& g, std::uint64_t first) {
            if (first < g.count) prefetch_value(g.rank_base + first);
        });
        if (i == not_found) return std::nullopt;
        return value_at(static_cast<std::size_t>(i));
    }
    std::optional<value_arg> get(key_type key) const noexcept
        requires has_values
    {
        return find(key);
    }

    // The value of the key at position i < size() in sorted order.
    value_arg value_at(std::size_t i) const noexcept
        requires has_values
    {
        Value v{};
        const std::uint64_t at = static_cast<std::uint64_t>(i) * record_width_;
        for (std::size_t f = 0; f < field_count_; ++f) {
            traits::set_field(v, f, field_base_[f] + detail::read_bits(value_words_, at + field_offset_[f], field_width_[f]));
        }
        return v;
    }

    // Number of keys below `key` (its position, if present).
    std::size_t rank(key_type key) const noexcept {
        if (key == 0) return 0;
        if (key > max_key) return size();
        const unsigned d = detail::decimal_digits_u(key);
        std::uint64_t r = below_length_[d];
        if (group_of_length_[d] >= 0) r += groups_[static_cast<std::size_t>(group_of_length_[d])].rank(key);
        return static_cast<std::size_t>(r);
    }

    // The key at position i in sorted order; nullopt when i >= size().
    std::optional<key_type> select(std::size_t i) const noexcept {
        if (i >= size_) return std::nullopt;
        const group& g = group_of_index(i);
        return g.key_at(i - g.rank_base);
    }

    // Number of keys whose decimal digits start with those of `prefix` (0: every key). Keys of
    // every length count: 8491234 covers 84912345678 and 849123456789. Time: two rank
    // computations per key length present (one, usually).
    std::size_t count_prefix(std::uint64_t prefix) const noexcept {
        if (prefix == 0) return size();
        if (prefix > max_key) return 0;
        const unsigned d = detail::decimal_digits_u(prefix);
        std::uint64_t total = 0;
        for (std::size_t gi = 0; gi < group_count_; ++gi) {
            const group& g = groups_[gi];
            if (g.length < d) continue;
            const std::uint64_t scale = detail::pow10[g.length - d];
            const std::uint64_t lo = prefix * scale;
            const std::uint64_t hi = (prefix + 1) * scale;
            if (lo <= g.first_key && hi >= g.end_key) {
                total += g.count;
            } else {
                const std::uint64_t a = g.rank(lo);
                const std::uint64_t b = g.rank(hi);
                total += b > a ? b - a : 0;
            }
        }
        return static_cast<std::size_t>(total);
    }

    // Number of keys in [first, last).
    std::size_t count_range(key_type first, key_type last) const noexcept {
        const std::size_t a = rank(first);
        const std::size_t b = rank(last);
        return b > a ? b - a : 0;
    }

    // ---- ordered iteration ----

    // Keys under a digit prefix in ascending integer order (shorter keys first, so a store's
    // rank order); *it is the key, it.index() its position (for value_at).
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = key_type;
        using difference_type = std::ptrdiff_t;
        using pointer = const key_type*;
        using reference = key_type;

        iterator() noexcept = default;

        key_type operator*() const noexcept { return key_; }
        std::size_t index() const noexcept {
            return static_cast<std::size_t>(store_->groups_[group_].rank_base + cursor_.index);
        }
        iterator& operator++() noexcept {
            const group& g = store_->groups_[group_];
            g.ef.advance(cursor_);
            if (cursor_.index >= end_) next_group(group_ + 1);
            else decode();
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.group_ == b.group_ && (a.group_ == a.groups_end() || a.cursor_.index == b.cursor_.index);
        }

    private:
        friend class trie_store;

        iterator(const trie_store* s, std::uint64_t prefix, std::size_t start_group) noexcept
            : store_(s), prefix_(prefix), digits_(prefix == 0 ? 0 : detail::decimal_digits_u(prefix)) {
            next_group(start_group);
        }
        static iterator end_of(const trie_store* s) noexcept {
            iterator it;
            it.store_ = s;
            it.group_ = s->group_count_;
            return it;
        }
        std::size_t groups_end() const noexcept { return store_ == nullptr ? 0 : store_->group_count_; }

        void next_group(std::size_t gi) noexcept {
            for (; gi < store_->group_count_; ++gi) {
                const group& g = store_->groups_[gi];
                std::uint64_t begin = 0;
                std::uint64_t end = g.count;
                if (prefix_ != 0) {
                    if (g.length < digits_) continue;
                    const std::uint64_t scale = detail::pow10[g.length - digits_];
                    begin = g.rank(prefix_ * scale);
                    end = g.rank((prefix_ + 1) * scale);
                }
                if (begin < end) {
                    group_ = gi;
                    end_ = end;
                    cursor_ = g.ef.cursor_at(begin);
                    // "Before chunk 0": decode() then finds chunk rank 0 by next_one(0).
                    chunk_rank_ = ~std::uint64_t{0};
                    chunk_pos_ = ~std::uint64_t{0};
                    decode();
                    return;
                }
            }
            group_ = store_->group_count_;
            cursor_ = {};
        }

        void decode() noexcept {
            const group& g = store_->groups_[group_];
            const std::uint64_t m = g.ef.value(cursor_);
            const std::uint64_t r = detail::div_pow10(m, g.c);
            if (r != chunk_rank_) {
                chunk_pos_ = r == chunk_rank_ + 1 ? g.chunks.next_one(chunk_pos_ + 1) : g.chunks.select1(r);
                chunk_rank_ = r;
            }
            key_ = (g.first_chunk + chunk_pos_) * g.pow + (m - r * g.pow);
        }

        const trie_store* store_ = nullptr;
        std::uint64_t prefix_ = 0;
        unsigned digits_ = 0;
        std::size_t group_ = 0;
        std::uint64_t end_ = 0;
        detail::elias_fano_view::cursor cursor_{};
        std::uint64_t chunk_rank_ = 0;
        std::uint64_t chunk_pos_ = 0;
        key_type key_ = 0;
    };

    struct key_range {
        iterator first;
        iterator last;
        iterator begin() const noexcept { return first; }
        iterator end() const noexcept { return last; }
    };

    iterator begin() const noexcept { return iterator(this, 0, 0); }
    iterator end() const noexcept { return iterator::end_of(this); }
    // Keys whose digits start with those of `prefix` (0: all), ascending.
    key_range keys(std::uint64_t prefix = 0) const noexcept {
        if (prefix > max_key) return {end(), end()};
        return {iterator(this, prefix, 0), end()};
    }

    // Calls f(key) (or f(key, value) when that is how f is callable) for every key under
    // `prefix` in ascending order; stops early if f returns false.
    template <class F>
    void for_each(std::uint64_t prefix, F&& f) const {
        for (auto it = keys(prefix).begin(), e = end(); it != e; ++it) {
            if constexpr (has_values && std::is_invocable_v<F&, key_type, const value_arg&>) {
                if (!call(f, *it, value_at(it.index()))) return;
            } else {
                if (!call(f, *it)) return;
            }
        }
    }

    // ---- batches: the cache misses of a group of keys overlap (software prefetch) ----

    // out[i] = contains(keys[i]); returns the number present. Throws std::invalid_argument if
    // the spans differ in size.
    std::size_t contains_batch(std::span<const key_type> keys, std::span<std::uint8_t> out) const {
        check_batch(keys.size(), out.size(), "contains_batch");
        return batch(keys, [&](std::size_t i, std::uint64_t at) { out[i] = at != not_found; });
    }
    std::size_t contains_batch(std::span<const key_type> keys, std::span<bool> out) const {
        check_batch(keys.size(), out.size(), "contains_batch");
        return batch(keys, [&](std::size_t i, std::uint64_t at) { out[i] = at != not_found; });
    }

    // values[i] = find(keys[i]) or `missing`, found[i] = whether it was there; returns the
    // number found.
    std::size_t find_batch(std::span<const key_type> keys, std::span<value_arg> values, std::span<std::uint8_t> found,
                           const value_arg& missing = value_arg{}) const
        requires has_values
    {
        check_batch(keys.size(), values.size(), "find_batch");
        check_batch(keys.size(), found.size(), "find_batch");
        return batch(keys, [&](std::size_t i, std::uint64_t at) {
            found[i] = at != not_found;
            values[i] = at != not_found ? value_at(static_cast<std::size_t>(at)) : missing;
        });
    }

    // ---- sizes ----

    // Bytes of the whole store (its file size).
    std::size_t size_in_bytes() const noexcept { return file_.size(); }
    // Bytes of the key structure (bitmaps, Elias-Fano, their tables, the group table).
    std::size_t key_bytes() const noexcept { return static_cast<std::size_t>(key_bytes_); }
    // Bytes of the values.
    std::size_t value_bytes() const noexcept { return static_cast<std::size_t>(value_bytes_); }
    // Key structure bits per key (compare with trie_bound_bits_per_key).
    double bits_per_key() const noexcept {
        return size_ == 0 ? 0.0 : 8.0 * static_cast<double>(key_bytes_) / static_cast<double>(size_);
    }
    // Bits per stored value record.
    unsigned value_bits() const noexcept { return static_cast<unsigned>(record_width_); }
    // Number of distinct key lengths (groups).
    std::size_t length_groups() const noexcept { return group_count_; }

    // ---- persistence ----

    // Saves atomically: the file at `path` is the old one or the complete new one.
    void save(const std::filesystem::path& path) const {
        detail::atomic_file_writer out(path);
        out.write(file_);
        out.commit();
    }

    std::vector<std::byte> to_bytes() const { return {file_.begin(), file_.end()}; }

    // Maps the file read-only and queries it in place (zero copy). Every size and offset is
    // checked first; with verify::full (the default) also the checksum and every internal
    // invariant (rank and select tables, counts, order of the keys). verify::header checks
    // the sizes only, touching a page or two: queries stay in bounds on any bytes, but a
    // corrupted store may answer wrongly. Throws numrep::format_error for a bad file,
    // std::system_error when it cannot be read.
    static trie_store open(const std::filesystem::path& path, verify check = verify::full) {
        auto mapping = std::make_shared<detail::mapped_file>(path);
        const auto bytes = mapping->bytes();
        trie_store t(uninitialised_tag{});
        t.attach(bytes, std::move(mapping), "trie_store file '" + path.string() + "'", check, check == verify::full);
        return t;
    }

    // Reads the whole file into memory (fully verified).
    static trie_store load(const std::filesystem::path& path) {
        const auto bytes = detail::read_file(path);
        return from_bytes_named(bytes, "trie_store file '" + path.string() + "'");
    }

    static trie_store from_bytes(std::span<const std::byte> bytes) { return from_bytes_named(bytes, "trie_store bytes"); }

private:
    static constexpr std::uint64_t not_found = ~std::uint64_t{0};
    static constexpr std::size_t section_count = 13;
    static constexpr std::uint64_t layout_version = 2;
    static constexpr std::size_t group_fields = 8;

    enum section : std::size_t {
        s_groups,
        s_chunk_words,
        s_chunk_ranks,
        s_chunk_select1,
        s_chunk_select0,
        s_high_words,
        s_high_ranks,
        s_high_select1,
        s_high_select0,
        s_high_dir,
        s_low_words,
        s_value_fields,
        s_value_words,
    };
    enum param : std::size_t {
        p_size,
        p_groups,
        p_value_kind,
        p_field_count,
        p_record_width,
        p_layout,
    };

    struct uninitialised_tag {};
    explicit trie_store(uninitialised_tag) noexcept {}

    // One key length.
    struct group {
        unsigned length = 0;
        unsigned c = 0;               // chunks are k / 10^c
        std::uint64_t pow = 1;        // 10^c
        std::uint64_t first_chunk = 0;
        std::uint64_t first_key = 0;  // first_chunk * pow
        std::uint64_t end_key = 0;    // (first_chunk + chunk count) * pow
        std::uint64_t count = 0;
        std::uint64_t rank_base = 0;  // keys in shorter groups
        detail::bit_vector_view chunks;
        detail::elias_fano_view ef;

        // The EF value of key k (of this length) if its chunk is non-empty, else not_found.
        std::uint64_t mapped(key_type k) const noexcept {
            if (k < first_key || k >= end_key) return not_found;
            const std::uint64_t q = detail::div_pow10(k, c);
            const std::uint64_t bit = q - first_chunk;
            if (!chunks.get(bit)) return not_found;
            return chunks.rank1(bit) * pow + (k - q * pow);
        }

        // Local index of k, or not_found. `on_bucket(first index of k's bucket)` runs as soon as
        // that is known (before the bucket's low bits are read): a hook to prefetch values.
        template <class OnBucket>
        std::uint64_t find(key_type k, OnBucket on_bucket) const noexcept {
            const std::uint64_t m = mapped(k);
            if (m >= ef.universe()) return not_found;  // also not_found itself
            const std::uint64_t h = m >> ef.low_bits();
            const std::uint64_t pos = ef.bucket_start(h);
            on_bucket(pos - h);
            const std::uint64_t i = ef.find_from(pos, m);
            return i < count ? i : not_found;
        }
        std::uint64_t find(key_type k) const noexcept {
            return find(k, [](std::uint64_t) {});
        }

        // Keys of this group below k (k may have any number of digits >= length).
        std::uint64_t rank(key_type k) const noexcept {
            if (k <= first_key) return 0;
            if (k >= end_key) return count;
            const std::uint64_t q = detail::div_pow10(k, c);
            const std::uint64_t bit = q - first_chunk;
            const std::uint64_t m = chunks.rank1(bit) * pow + (chunks.get(bit) ? k - q * pow : 0);
            return std::min(ef.lower_bound(m), count);
        }

        key_type key_at(std::uint64_t i) const noexcept {
            const std::uint64_t m = ef.access(i);
            const std::uint64_t r = detail::div_pow10(m, c);
            return (first_chunk + chunks.select1(r)) * pow + (m - r * pow);
        }
    };

    // ---- lookups ----

    std::uint64_t find_index(key_type key) const noexcept {
        return find_index(key, [](const group&, std::uint64_t) {});
    }
    template <class OnBucket>
    std::uint64_t find_index(key_type key, OnBucket on_bucket) const noexcept {
        if (key == 0 || key > max_key) return not_found;
        const int gi = group_of_length_[detail::decimal_digits_u(key)];
        if (gi < 0) return not_found;
        const group& g = groups_[static_cast<std::size_t>(gi)];
        const std::uint64_t i = g.find(key, [&](std::uint64_t first) { on_bucket(g, first); });
        return i == not_found ? not_found : g.rank_base + i;
    }

    const group& group_of_index(std::uint64_t i) const noexcept {
        std::size_t gi = 0;
        while (gi + 1 < group_count_ && groups_[gi + 1].rank_base <= i) ++gi;
        return groups_[gi];
    }

    // Lookups in groups of `lanes` keys, in passes that each issue one level of memory
    // accesses (prefetches) for every lane before any lane waits on them: the bucket
    // directory entry, then the high-bit words it points to, then the low bits (and, with
    // values, the value records, whose index is known as soon as the bucket start is). The
    // dependent misses of one lookup stay serial, but those of the lanes overlap.
    // emit(i, global index or not_found).
    template <class Emit>
    std::size_t batch(std::span<const key_type> keys, Emit emit) const noexcept {
        constexpr std::size_t lanes = 32;
        std::array<std::uint64_t, lanes> m{};
        std::array<std::uint64_t, lanes> at{};
        std::array<const group*, lanes> lane_group{};
        std::size_t hits = 0;
        for (std::size_t start = 0; start < keys.size(); start += lanes) {
            const std::size_t n = std::min(lanes, keys.size() - start);
            for (std::size_t j = 0; j < n; ++j) {
                const key_type k = keys[start + j];
                const int gi = k == 0 || k > max_key ? -1 : group_of_length_[detail::decimal_digits_u(k)];
                lane_group[j] = nullptr;
                if (gi < 0) continue;
                const group& g = groups_[static_cast<std::size_t>(gi)];
                m[j] = g.mapped(k);
                if (m[j] >= g.ef.universe()) continue;
                lane_group[j] = &g;
                g.ef.prefetch_bucket_dir(m[j] >> g.ef.low_bits());
            }
            for (std::size_t j = 0; j < n; ++j) {
                if (lane_group[j] != nullptr) lane_group[j]->ef.prefetch_bucket_words(m[j] >> lane_group[j]->ef.low_bits());
            }
            for (std::size_t j = 0; j < n; ++j) {
                const group* g = lane_group[j];
                if (g == nullptr) continue;
                const std::uint64_t h = m[j] >> g->ef.low_bits();
                at[j] = g->ef.bucket_start(h);
                const std::uint64_t first = at[j] - h;
                g->ef.prefetch_low(first);
                if constexpr (has_values) {
                    if (first < g->count) prefetch_value(g->rank_base + first);
                }
            }
            for (std::size_t j = 0; j < n; ++j) {
                const group* g = lane_group[j];
                std::uint64_t i = not_found;
                if (g != nullptr) {
                    const std::uint64_t local = g->ef.find_from(at[j], m[j]);
                    if (local < g->count) i = g->rank_base + local;
                }
                at[j] = i;
            }
            for (std::size_t j = 0; j < n; ++j) {
                hits += at[j] != not_found ? 1U : 0U;
                emit(start + j, at[j]);
            }
        }
        return hits;
    }

    void prefetch_value(std::uint64_t i) const noexcept {
        detail::prefetch_read(value_words_ + ((i * record_width_) >> 6));
    }

    template <class F, class... Args>
    static bool call(F& f, Args&&... args) {
        if constexpr (std::is_same_v<std::invoke_result_t<F&, Args...>, bool>) {
            return std::invoke(f, std::forward<Args>(args)...);
        } else {
            std::invoke(f, std::forward<Args>(args)...);
            return true;
        }
    }

    static void check_batch(std::size_t keys, std::size_t out, const char* what) {
        if (keys != out) {
            detail::throw_invalid_argument(std::string("trie_store::") + what + ": " + std::to_string(keys) +
                                           " keys but room for " + std::to_string(out) + " answers");
        }
    }

    // ---- building ----

    static void check_keys(std::span<const key_type> keys) {
        if (keys.size() > max_keys) {
            detail::throw_invalid_argument("trie_store::build: " + std::to_string(keys.size()) + " keys, at most " +
                                           std::to_string(max_keys) + " are supported");
        }
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (keys[i] == 0 || keys[i] > max_key) {
                detail::throw_invalid_argument(
                    "trie_store::build: key " + std::to_string(keys[i]) + " at index " + std::to_string(i) +
                    (keys[i] == 0 ? " is not an E.164 number (keys are 1 to 15 digits with no leading zero)"
                                  : " has more than 15 digits"));
            }
        }
    }

    static unsigned key_bits(const std::vector<key_type>& keys) {
        key_type top = 0;
        for (const auto k : keys) top = std::max(top, k);
        return static_cast<unsigned>(std::bit_width(top));
    }

    static std::pair<std::vector<key_type>, std::vector<value_arg>> split(std::span<const std::pair<key_type, value_arg>> pairs) {
        std::pair<std::vector<key_type>, std::vector<value_arg>> out;
        out.first.reserve(pairs.size());
        out.second.reserve(pairs.size());
        for (const auto& [k, v] : pairs) {
            out.first.push_back(k);
            out.second.push_back(v);
        }
        return out;
    }

    struct sections_data {
        detail::store_description description;
        std::vector<std::uint64_t> groups;
        std::vector<std::uint64_t> chunk_words;
        std::vector<std::uint32_t> chunk_ranks, chunk_select1, chunk_select0;
        std::vector<std::uint64_t> high_words;
        std::vector<std::uint32_t> high_ranks, high_select1, high_select0;
        std::vector<std::uint32_t> high_dir;
        std::vector<std::uint64_t> low_words;
        std::vector<std::uint64_t> value_fields;
        std::vector<std::uint64_t> value_words;
    };

    // The chunk exponent c minimising the group's bits, from one pass over its sorted keys:
    // for each neighbour pair, the smallest c at which both fall in one chunk.
    static unsigned choose_chunk_exponent(std::span<const key_type> keys, unsigned length) {
        std::array<std::uint64_t, 17> same_from{};  // pairs whose chunks first coincide at c
        for (std::size_t i = 1; i < keys.size(); ++i) {
            std::uint64_t a = keys[i - 1], b = keys[i];
            unsigned c = 0;
            while (a != b) {
                a /= 10;
                b /= 10;
                ++c;
            }
            ++same_from[c];
        }
        const std::uint64_t n = keys.size();
        double best_bits = std::numeric_limits<double>::infinity();
        unsigned best = length - 1;
        std::uint64_t differing = n - 1;  // pairs in different chunks at c
        for (unsigned c = 0; c < length; ++c) {
            differing -= same_from[c];
            const std::uint64_t pow = detail::pow10[c];
            const std::uint64_t chunk_count = keys.back() / pow - keys.front() / pow + 1;
            if (chunk_count > detail::bv_max_bits) continue;
            const std::uint64_t nonempty = differing + 1;
            const detail::bit_vector_shape chunks{chunk_count, nonempty};
            const detail::elias_fano_shape ef{n, nonempty * pow};
            const double bits = 8.0 * static_cast<double>(chunks.size_in_bytes() + ef.size_in_bytes());
            if (bits <= best_bits) {
                best_bits = bits;
                best = c;
            }
        }
        return best;
    }

    static sections_data build_sections(std::span<const key_type> keys, std::span<const value_arg> values) {
        sections_data s;
        std::size_t group_count = 0;
        std::vector<std::uint64_t> mapped;
        for (std::size_t b = 0; b < keys.size();) {
            const unsigned length = detail::decimal_digits_u(keys[b]);
            std::size_t e = b;
            while (e < keys.size() && keys[e] < detail::pow10[length]) ++e;
            const auto group_keys = keys.subspan(b, e - b);
            const unsigned c = choose_chunk_exponent(group_keys, length);
            const std::uint64_t pow = detail::pow10[c];
            const std::uint64_t first_chunk = group_keys.front() / pow;
            const std::uint64_t chunk_count = group_keys.back() / pow - first_chunk + 1;

            // The chunk bitmap and the mapped values.
            const std::size_t chunk_base = s.chunk_words.size();
            detail::bit_vector_shape chunk_shape{chunk_count, 0};
            s.chunk_words.resize(chunk_base + static_cast<std::size_t>(chunk_shape.words()), 0);
            mapped.clear();
            mapped.reserve(group_keys.size());
            std::uint64_t rank = 0;
            std::uint64_t last_chunk = ~std::uint64_t{0};
            for (const key_type k : group_keys) {
                const std::uint64_t q = k / pow - first_chunk;
                if (q != last_chunk) {
                    if (last_chunk != ~std::uint64_t{0}) ++rank;
                    s.chunk_words[chunk_base + q / 64] |= std::uint64_t{1} << (q % 64);
                    last_chunk = q;
                }
                mapped.push_back(rank * pow + k % pow);
            }
            chunk_shape.ones = rank + 1;
            detail::append_bit_vector_tables(
                std::span<const std::uint64_t>(s.chunk_words.data() + chunk_base, static_cast<std::size_t>(chunk_shape.words())),
                chunk_shape, s.chunk_ranks, s.chunk_select1, s.chunk_select0);

            const detail::elias_fano_shape ef_shape{group_keys.size(), chunk_shape.ones * pow};
            detail::append_elias_fano(mapped, ef_shape,
                                      {s.high_words, s.high_ranks, s.high_select1, s.high_select0, s.low_words, s.high_dir});
            s.groups.insert(s.groups.end(), {length, c, first_chunk, chunk_count, chunk_shape.ones,
                                             static_cast<std::uint64_t>(group_keys.size()), ef_shape.low_bits(), 0});
            ++group_count;
            b = e;
        }

        // Values: per field, offsets from the smallest in the bits the largest offset needs.
        std::uint64_t record_width = 0;
        if constexpr (has_values) {
            std::array<std::uint64_t, traits::field_count> lo{}, hi{};
            lo.fill(std::numeric_limits<std::uint64_t>::max());
            for (const Value& v : values) {
                for (std::size_t f = 0; f < traits::field_count; ++f) {
                    lo[f] = std::min(lo[f], traits::field(v, f));
                    hi[f] = std::max(hi[f], traits::field(v, f));
                }
            }
            std::array<unsigned, traits::field_count> width{};
            std::array<std::uint64_t, traits::field_count> offset{};
            for (std::size_t f = 0; f < traits::field_count; ++f) {
                if (values.empty()) lo[f] = 0;
                width[f] = values.empty() ? 0U : static_cast<unsigned>(std::bit_width(hi[f] - lo[f]));
                offset[f] = record_width;
                record_width += width[f];
                s.value_fields.push_back(lo[f]);
                s.value_fields.push_back(width[f]);
                s.value_fields.push_back(values.empty() ? 0 : hi[f]);
            }
            s.value_words.assign(static_cast<std::size_t>(detail::packed_words(values.size(), record_width)), 0);
            for (std::size_t i = 0; i < values.size(); ++i) {
                for (std::size_t f = 0; f < traits::field_count; ++f) {
                    detail::write_bits(s.value_words.data(), i * record_width + offset[f], width[f],
                                       traits::field(values[i], f) - lo[f]);
                }
            }
        } else {
            s.value_words.assign(1, 0);
        }

        s.description.kind = store_kind::trie_store;
        s.description.params[p_size] = keys.size();
        s.description.params[p_groups] = group_count;
        s.description.params[p_value_kind] = traits::kind;
        s.description.params[p_field_count] = traits::field_count;
        s.description.params[p_record_width] = record_width;
        s.description.params[p_layout] = layout_version;
        return s;
    }

    // ---- attaching to bytes ----

    // A store's bytes in memory. Large ones sit in 2 MiB-aligned whole huge pages (asked for
    // with MADV_HUGEPAGE where transparent huge pages are opt-in): lookups are random reads
    // over the whole structure, and with 4 KiB pages most of them would also miss the TLB.
    struct aligned_bytes {
        static constexpr std::size_t huge_page = std::size_t{1} << 21;
        std::byte* data = nullptr;
        std::size_t size = 0;
        std::size_t alignment = detail::file_alignment;
        explicit aligned_bytes(std::size_t n) : size(n) {
            std::size_t allocated = std::max<std::size_t>(n, 1);
            if (n >= 2 * huge_page) {
                alignment = huge_page;
                allocated = (n + huge_page - 1) / huge_page * huge_page;
            }
            data = static_cast<std::byte*>(::operator new(allocated, std::align_val_t{alignment}));
#if defined(MADV_HUGEPAGE)
            if (alignment == huge_page) (void)::madvise(data, allocated, MADV_HUGEPAGE);  // advice only
#endif
        }
        ~aligned_bytes() { ::operator delete(data, std::align_val_t{alignment}); }
        aligned_bytes(const aligned_bytes&) = delete;
        aligned_bytes& operator=(const aligned_bytes&) = delete;
    };

    void attach_built(const sections_data& s) {
        const std::array<std::span<const std::byte>, section_count> sections{
            std::as_bytes(std::span(s.groups)),        std::as_bytes(std::span(s.chunk_words)),
            std::as_bytes(std::span(s.chunk_ranks)),   std::as_bytes(std::span(s.chunk_select1)),
            std::as_bytes(std::span(s.chunk_select0)), std::as_bytes(std::span(s.high_words)),
            std::as_bytes(std::span(s.high_ranks)),    std::as_bytes(std::span(s.high_select1)),
            std::as_bytes(std::span(s.high_select0)),  std::as_bytes(std::span(s.high_dir)),
            std::as_bytes(std::span(s.low_words)),
            std::as_bytes(std::span(s.value_fields)),  std::as_bytes(std::span(s.value_words)),
        };
        const auto file = detail::write_store(s.description, sections);
        auto owned = std::make_shared<aligned_bytes>(file.size());
        std::memcpy(owned->data, file.data(), file.size());
        const std::span<const std::byte> bytes(owned->data, owned->size);
        attach(bytes, std::move(owned), "trie_store (built)", verify::header, false);
    }

    static trie_store from_bytes_named(std::span<const std::byte> bytes, const std::string& source) {
        auto owned = std::make_shared<aligned_bytes>(bytes.size());
        if (!bytes.empty()) std::memcpy(owned->data, bytes.data(), bytes.size());
        const std::span<const std::byte> copy(owned->data, owned->size);
        trie_store t(uninitialised_tag{});
        t.attach(copy, std::move(owned), source, verify::full, true);
        return t;
    }

    template <class T>
    static const T* section_as(std::span<const std::byte> s) noexcept {
        return reinterpret_cast<const T*>(s.data());
    }

    // Validates the file (sizes always; invariants when `deep`) and points the views into it.
    void attach(std::span<const std::byte> bytes, std::shared_ptr<const void> keep, const std::string& source,
                verify check, bool deep) {
        const auto fail = [&](const std::string& reason) { detail::throw_format_error(source + ": " + reason); };
        detail::read_expectations expect;
        expect.source = source;
        expect.kind = store_kind::trie_store;
        expect.min_sections = section_count;
        expect.max_sections = section_count;
        expect.check = check;
        const auto view = detail::read_store(bytes, expect);
        if (reinterpret_cast<std::uintptr_t>(bytes.data()) % detail::file_alignment != 0) {
            throw std::logic_error("numrep: " + source + ": store bytes are not 64-byte aligned");
        }
        const auto& p = view.description.params;
        const auto& sec = view.sections;
        if (p[p_layout] != layout_version) {
            fail("unknown trie layout " + std::to_string(p[p_layout]) + " (this build reads layout " +
                 std::to_string(layout_version) + ")");
        }
        if (p[6] != 0 || p[7] != 0) fail("reserved parameters are not zero");
        if (view.description.hash_seed != 0) fail("hash seed is not zero (a trie_store hashes nothing)");
        if (p[p_size] > max_keys) fail("key count " + std::to_string(p[p_size]) + " exceeds " + std::to_string(max_keys));
        if (p[p_groups] > 15) fail("group count " + std::to_string(p[p_groups]) + " is not in 0..15");
        if (sec[s_groups].size() != p[p_groups] * group_fields * 8) {
            fail("group table has " + std::to_string(sec[s_groups].size()) + " bytes, " + std::to_string(p[p_groups]) +
                 " groups need " + std::to_string(p[p_groups] * group_fields * 8));
        }

        // Values: kind, field table and packed size.
        const std::uint64_t kind = p[p_value_kind];
        const std::uint64_t fields = p[p_field_count];
        if (kind > 2) fail("unknown value kind " + std::to_string(kind));
        if constexpr (has_values) {
            if (kind != traits::kind || fields != traits::field_count) {
                fail(std::string("the file holds ") +
                     (kind == 0 ? "no values (a set)" : kind == 1 ? "unsigned integer values" : "report_record values") +
                     ", this trie_store has " + traits::name);
            }
        }
        const std::uint64_t expected_fields = kind == 0 ? 0 : kind == 1 ? 1 : report_record::field_count;
        if (fields != expected_fields) fail("field count " + std::to_string(fields) + " does not match the value kind");
        if (sec[s_value_fields].size() != fields * 24) fail("value field table has the wrong size");
        const auto* field_table = section_as<std::uint64_t>(sec[s_value_fields]);
        std::uint64_t record_width = 0;
        for (std::size_t f = 0; f < fields; ++f) {
            // {smallest, width, largest}: the width is exactly what largest - smallest needs.
            const std::uint64_t base = field_table[3 * f];
            const std::uint64_t width = field_table[3 * f + 1];
            const std::uint64_t largest = field_table[3 * f + 2];
            if (width > 64) fail("value field " + std::to_string(f) + " is " + std::to_string(width) + " bits wide");
            if (largest < base || static_cast<std::uint64_t>(std::bit_width(largest - base)) != width) {
                fail("value field " + std::to_string(f) + ": range " + std::to_string(base) + ".." +
                     std::to_string(largest) + " does not match its width " + std::to_string(width));
            }
            if constexpr (has_values) {
                if (largest > traits::field_max) {
                    fail("value field " + std::to_string(f) + " holds values up to " + std::to_string(largest) +
                         ", which do not fit this trie_store's value type");
                }
                field_base_[f] = base;
                field_width_[f] = static_cast<unsigned>(width);
                field_offset_[f] = record_width;
            }
            record_width += width;
        }
        if (record_width != p[p_record_width]) fail("record width does not match the value fields");
        if (sec[s_value_words].size() != detail::packed_words(p[p_size], record_width) * 8) {
            fail("value array has " + std::to_string(sec[s_value_words].size()) + " bytes, expected " +
                 std::to_string(detail::packed_words(p[p_size], record_width) * 8));
        }

        // Groups: each record's fields, then the sizes they imply against the sections.
        const auto* g = section_as<std::uint64_t>(sec[s_groups]);
        std::uint64_t chunk_words = 0, chunk_ranks = 0, chunk_select1 = 0, chunk_select0 = 0;
        std::uint64_t high_words = 0, high_ranks = 0, high_select1 = 0, high_select0 = 0, high_dir = 0, low_words = 0;
        std::uint64_t keys = 0;
        unsigned previous_length = 0;
        std::array<group, 15> groups{};
        std::array<detail::bit_vector_shape, 15> chunk_shapes{};
        std::array<detail::elias_fano_shape, 15> ef_shapes{};
        for (std::size_t i = 0; i < p[p_groups]; ++i) {
            const std::uint64_t* r = g + group_fields * i;
            const auto gfail = [&](const std::string& why) { fail("group " + std::to_string(i) + ": " + why); };
            const std::uint64_t length = r[0], c = r[1], first_chunk = r[2], chunk_count = r[3], nonempty = r[4],
                                count = r[5], low_bits = r[6];
            if (length <= previous_length || length > 15) gfail("key length " + std::to_string(length) + " out of order");
            if (c >= length) gfail("chunk exponent " + std::to_string(c) + " not below the key length");
            if (r[7] != 0) gfail("reserved field is not zero");
            const std::uint64_t pow = detail::pow10[c];
            const std::uint64_t chunk_min = detail::pow10[length - 1] / pow;
            const std::uint64_t chunk_max = (detail::pow10[length] - 1) / pow;
            if (first_chunk < chunk_min || first_chunk > chunk_max || chunk_count == 0 ||
                chunk_count - 1 > chunk_max - first_chunk) {
                gfail("chunks outside the keys of length " + std::to_string(length));
            }
            if (chunk_count > detail::bv_max_bits) gfail("too many chunks");
            if (nonempty == 0 || nonempty > chunk_count) gfail("non-empty chunk count out of range");
            if (count == 0 || count > nonempty * pow) gfail("key count out of range");
            keys += count;  // each count <= 2^50, at most 15 of them
            const detail::elias_fano_shape ef{count, nonempty * pow};
            if (low_bits != ef.low_bits()) gfail("low bit width " + std::to_string(low_bits) + " is not " + std::to_string(ef.low_bits()));
            const detail::bit_vector_shape cs{chunk_count, nonempty};
            if (keys > p[p_size]) gfail("more keys than the header's count");  // also bounds the shapes below
            chunk_shapes[i] = cs;
            ef_shapes[i] = ef;
            chunk_words += cs.words();
            chunk_ranks += cs.rank_entries();
            chunk_select1 += cs.select1_entries();
            chunk_select0 += cs.select0_entries();
            const auto hs = ef.high();
            high_words += hs.words();
            high_ranks += hs.rank_entries();
            high_select1 += hs.select1_entries();
            high_select0 += hs.select0_entries();
            high_dir += ef.dir_entries();
            low_words += ef.low_words();
            previous_length = static_cast<unsigned>(length);
        }
        if (keys != p[p_size]) fail("groups hold " + std::to_string(keys) + " keys, the header says " + std::to_string(p[p_size]));
        const auto check_size = [&](std::size_t s, std::uint64_t entries, std::uint64_t entry_size, const char* what) {
            if (sec[s].size() / entry_size != entries || sec[s].size() % entry_size != 0) {
                fail(std::string(what) + " has " + std::to_string(sec[s].size()) + " bytes, the groups need " +
                     std::to_string(entries * entry_size));
            }
        };
        check_size(s_chunk_words, chunk_words, 8, "chunk bitmap");
        check_size(s_chunk_ranks, chunk_ranks, 4, "chunk rank table");
        check_size(s_chunk_select1, chunk_select1, 4, "chunk select table");
        check_size(s_chunk_select0, chunk_select0, 4, "chunk select table");
        check_size(s_high_words, high_words, 8, "high-bit vector");
        check_size(s_high_ranks, high_ranks, 4, "high-bit rank table");
        check_size(s_high_select1, high_select1, 4, "high-bit select table");
        check_size(s_high_select0, high_select0, 4, "high-bit select table");
        check_size(s_high_dir, high_dir, 4, "bucket directory");
        check_size(s_low_words, low_words, 8, "low-bit array");

        // Point the views; then, if asked, check every table against its bits.
        const auto* cw = section_as<std::uint64_t>(sec[s_chunk_words]);
        const auto* cr = section_as<std::uint32_t>(sec[s_chunk_ranks]);
        const auto* c1 = section_as<std::uint32_t>(sec[s_chunk_select1]);
        const auto* c0 = section_as<std::uint32_t>(sec[s_chunk_select0]);
        const auto* hw = section_as<std::uint64_t>(sec[s_high_words]);
        const auto* hr = section_as<std::uint32_t>(sec[s_high_ranks]);
        const auto* h1 = section_as<std::uint32_t>(sec[s_high_select1]);
        const auto* h0 = section_as<std::uint32_t>(sec[s_high_select0]);
        const auto* hd = section_as<std::uint32_t>(sec[s_high_dir]);
        const auto* lw = section_as<std::uint64_t>(sec[s_low_words]);
        std::uint64_t rank_base = 0;
        std::array<std::int8_t, 17> group_of_length{};
        group_of_length.fill(-1);
        std::uint64_t structure_bytes = sec[s_groups].size();
        for (std::size_t i = 0; i < p[p_groups]; ++i) {
            const std::uint64_t* r = g + group_fields * i;
            group& gr = groups[i];
            const auto cs = chunk_shapes[i];
            const auto ef = ef_shapes[i];
            const auto hs = ef.high();
            gr.length = static_cast<unsigned>(r[0]);
            gr.c = static_cast<unsigned>(r[1]);
            gr.pow = detail::pow10[gr.c];
            gr.first_chunk = r[2];
            gr.first_key = r[2] * gr.pow;
            gr.end_key = (r[2] + r[3]) * gr.pow;
            gr.count = r[5];
            gr.rank_base = rank_base;
            gr.chunks = detail::bit_vector_view(cs, cw, cr, c1, c0);
            gr.ef = detail::elias_fano_view(ef, detail::bit_vector_view(hs, hw, hr, h1, h0), lw, hd);
            if (deep) {
                const auto gfail = [&](const std::string& what, const std::string& why) {
                    fail("group " + std::to_string(i) + ": " + what + ": " + why);
                };
                std::string why = detail::check_bit_vector(
                    {cw, static_cast<std::size_t>(cs.words())}, cs, {cr, static_cast<std::size_t>(cs.rank_entries())},
                    {c1, static_cast<std::size_t>(cs.select1_entries())}, {c0, static_cast<std::size_t>(cs.select0_entries())});
                if (!why.empty()) gfail("chunk bitmap", why);
                why = detail::check_bit_vector(
                    {hw, static_cast<std::size_t>(hs.words())}, hs, {hr, static_cast<std::size_t>(hs.rank_entries())},
                    {h1, static_cast<std::size_t>(hs.select1_entries())}, {h0, static_cast<std::size_t>(hs.select0_entries())});
                if (!why.empty()) gfail("high bits", why);
                why = detail::check_elias_fano(gr.ef);
                if (!why.empty()) gfail("keys", why);
                if (!gr.chunks.get(0) || !gr.chunks.get(cs.bits - 1)) gfail("chunk bitmap", "first or last chunk is empty");
            }
            cw += cs.words();
            cr += cs.rank_entries();
            c1 += cs.select1_entries();
            c0 += cs.select0_entries();
            hw += hs.words();
            hr += hs.rank_entries();
            h1 += hs.select1_entries();
            h0 += hs.select0_entries();
            hd += ef.dir_entries();
            lw += ef.low_words();
            structure_bytes += cs.size_in_bytes() + ef.size_in_bytes();
            group_of_length[gr.length] = static_cast<std::int8_t>(i);
            rank_base += gr.count;
        }

        // Commit (nothing above touched *this but the value fields).
        groups_ = groups;
        group_count_ = static_cast<std::size_t>(p[p_groups]);
        group_of_length_ = group_of_length;
        below_length_.fill(0);
        for (std::size_t len = 1; len < below_length_.size(); ++len) {
            below_length_[len] = below_length_[len - 1];
            if (group_of_length_[len - 1] >= 0) below_length_[len] += groups_[static_cast<std::size_t>(group_of_length_[len - 1])].count;
        }
        size_ = p[p_size];
        field_count_ = has_values ? static_cast<std::size_t>(fields) : 0;
        record_width_ = record_width;
        value_words_ = section_as<std::uint64_t>(sec[s_value_words]);
        key_bytes_ = structure_bytes;
        value_bytes_ = sec[s_value_fields].size() + sec[s_value_words].size();
        file_ = bytes;
        keep_ = std::move(keep);
    }

    std::array<group, 15> groups_{};
    std::size_t group_count_ = 0;
    std::array<std::int8_t, 17> group_of_length_{};   // index by digit count; -1: no keys of that length
    std::array<std::uint64_t, 17> below_length_{};   // keys shorter than the index
    std::uint64_t size_ = 0;
    std::size_t field_count_ = 0;
    std::array<std::uint64_t, detail::trie_max_fields> field_base_{};
    std::array<std::uint64_t, detail::trie_max_fields> field_offset_{};
    std::array<unsigned, detail::trie_max_fields> field_width_{};
    std::uint64_t record_width_ = 0;
    const std::uint64_t* value_words_ = nullptr;
    std::uint64_t key_bytes_ = 0;
    std::uint64_t value_bytes_ = 0;
    std::span<const std::byte> file_;
    std::shared_ptr<const void> keep_;
};

}  // namespace numrep
