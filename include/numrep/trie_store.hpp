// numrep::trie_store<Value>: a static, exact set of E.164 keys (optionally a fixed-width value
// per key) near the information-theoretic minimum of space, with lookups in tens of nanoseconds,
// prefix counts, rank/select and ordered iteration. Layout and costs: docs/architecture.md.
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

#include "detail/file_format.hpp"
#include "detail/key.hpp"
#include "detail/mapped_file.hpp"  // also <sys/mman.h> (madvise)
#include "detail/throw.hpp"
#include "detail/trie_build.hpp"
#include "detail/trie_file.hpp"
#include "detail/trie_layout.hpp"
#include "error.hpp"
#include "store_file.hpp"
#include "trie_value_traits.hpp"

namespace numrep {

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
    static_assert(trie_value<Value>,
                  "numrep::trie_store<Value>: Value must be void (a set), an unsigned integer type other than bool, "
                  "or a type with a complete numrep::trie_value_traits<Value> specialisation (trie_value_traits.hpp)");
    static_assert(std::endian::native == std::endian::little,
                  "numrep::trie_store keeps little-endian words so that files map in place; big-endian hosts "
                  "are not supported");

    using traits = trie_value_traits<Value>;
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
    trie_store() { attach_built(build_file({}, {})); }

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
        t.attach_built(build_file(sorted, {}));
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
            case merge_policy::sum:
                return build(keys, values, [](const Value& a, const Value& b) { return traits::sum(a, b); });
            case merge_policy::max:
                return build(keys, values, [](const Value& a, const Value& b) { return traits::max(a, b); });
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
            for (; j < order.size() && order[j].key == order[i].key; ++j)
                v = merge(std::as_const(v), values[order[j].index]);
            sorted_keys.push_back(order[i].key);
            sorted_values.push_back(v);
            i = j;
        }
        trie_store t(uninitialised_tag{});
        t.attach_built(build_file(sorted_keys, sorted_values));
        return t;
    }

    // From (key, value) pairs in any order.
    static trie_store build(std::span<const std::pair<key_type, value_arg>> pairs,
                            merge_policy merge = merge_policy::sum)
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
    // Moving leaves the source with no keys and no bytes: its views would otherwise outlive the
    // bytes it handed over (a moved-from store still said size 3 and read freed memory). Its
    // queries answer as an empty store's; save and to_bytes refuse it (it has no file).
    trie_store(trie_store&& other) noexcept
        : keys_(other.keys_),
          values_(other.values_),
          key_bytes_(other.key_bytes_),
          value_bytes_(other.value_bytes_),
          file_(other.file_),
          keep_(std::move(other.keep_)) {
        other.forget_bytes();
    }
    trie_store& operator=(trie_store&& other) noexcept {
        if (this == &other) return *this;
        keys_ = other.keys_;
        values_ = other.values_;
        key_bytes_ = other.key_bytes_;
        value_bytes_ = other.value_bytes_;
        file_ = other.file_;
        keep_ = std::move(other.keep_);
        other.forget_bytes();
        return *this;
    }
    ~trie_store() = default;

    // ---- queries: noexcept, allocation-free, any number of threads ----

    std::size_t size() const noexcept { return static_cast<std::size_t>(keys_.size); }
    bool empty() const noexcept { return keys_.size == 0; }

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
        const std::uint64_t i = keys_.find_index(key, [this](const detail::trie_group& g, std::uint64_t first) {
            if (first < g.count) values_.prefetch(g.rank_base + first);
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
        std::array<std::uint64_t, stored_fields> raw;
        values_.fields(i, raw);
        Value v{};
        [&]<std::size_t... F>(std::index_sequence<F...>) {
            (traits::set_field(v, F, raw[F]), ...);
        }(std::make_index_sequence<traits::field_count>{});
        return v;
    }

    // Number of keys below `key` (its position, if present).
    std::size_t rank(key_type key) const noexcept { return static_cast<std::size_t>(keys_.rank(key)); }

    // The key at position i in sorted order; nullopt when i >= size().
    std::optional<key_type> select(std::size_t i) const noexcept {
        if (i >= keys_.size) return std::nullopt;
        const detail::trie_group& g = keys_.group_of_index(i);
        return g.key_at(i - g.rank_base);
    }

    // Number of keys whose decimal digits start with those of `prefix` (0: every key). Keys of
    // every length count: 8491234 covers 84912345678 and 849123456789. Time: two rank
    // computations per key length present (one, usually).
    std::size_t count_prefix(std::uint64_t prefix) const noexcept {
        return static_cast<std::size_t>(keys_.count_prefix(prefix));
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
            return static_cast<std::size_t>(store_->keys_.groups[group_].rank_base + cursor_.index);
        }
        iterator& operator++() noexcept {
            const detail::trie_group& g = store_->keys_.groups[group_];
            g.advance(cursor_);
            if (cursor_.index >= end_) next_group(group_ + 1);
            else
                decode();
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
            it.group_ = s->keys_.group_count;
            return it;
        }
        std::size_t groups_end() const noexcept { return store_ == nullptr ? 0 : store_->keys_.group_count; }

        void next_group(std::size_t gi) noexcept {
            for (; gi < store_->keys_.group_count; ++gi) {
                const detail::trie_group& g = store_->keys_.groups[gi];
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
                    cursor_ = g.cursor_at(begin);
                    // "Before chunk 0": decode() then finds chunk rank 0 by next_one(0).
                    chunk_rank_ = ~std::uint64_t{0};
                    chunk_pos_ = ~std::uint64_t{0};
                    decode();
                    return;
                }
            }
            group_ = store_->keys_.group_count;
            cursor_ = {};
        }

        void decode() noexcept {
            const detail::trie_group& g = store_->keys_.groups[group_];
            const std::uint64_t m = g.value(cursor_);
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
        detail::trie_group::cursor cursor_{};
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
    // Bytes of the key structure (chunk bitmaps, Elias-Fano codes, key bitmaps or Rice codes,
    // their tables, the group table).
    std::size_t key_bytes() const noexcept { return static_cast<std::size_t>(key_bytes_); }
    // Bytes of the values.
    std::size_t value_bytes() const noexcept { return static_cast<std::size_t>(value_bytes_); }
    // Key structure bits per key (compare with trie_bound_bits_per_key).
    double bits_per_key() const noexcept {
        return keys_.size == 0 ? 0.0 : 8.0 * static_cast<double>(key_bytes_) / static_cast<double>(keys_.size);
    }
    // Bits per stored value record.
    unsigned value_bits() const noexcept { return static_cast<unsigned>(values_.record_width); }
    // Number of distinct key lengths (groups).
    std::size_t length_groups() const noexcept { return keys_.group_count; }
    // Number of those groups stored as a bitmap (dense ones) rather than Elias-Fano codes.
    std::size_t bitmap_groups() const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < keys_.group_count; ++i) n += keys_.groups[i].dense() ? 1U : 0U;
        return n;
    }
    // Number of groups stored as Rice codes (those whose other encodings stray from the bound).
    std::size_t rice_groups() const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < keys_.group_count; ++i) n += keys_.groups[i].coded() ? 1U : 0U;
        return n;
    }

    // ---- persistence ----

    // Saves atomically: the file at `path` is the old one or the complete new one.
    void save(const std::filesystem::path& path) const {
        check_not_moved_from("save");  // its empty file would replace a good one, unreadable
        detail::atomic_file_writer out(path);
        out.write(file_);
        out.commit();
    }

    std::vector<std::byte> to_bytes() const {
        check_not_moved_from("write");
        return {file_.begin(), file_.end()};
    }

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

    static trie_store from_bytes(std::span<const std::byte> bytes) {
        return from_bytes_named(bytes, "trie_store bytes");
    }

private:
    static constexpr std::uint64_t not_found = detail::trie_not_found;
    // Arrays of per-field tables need a length even for a set.
    static constexpr std::size_t stored_fields = has_values ? traits::field_count : 1;

    struct uninitialised_tag {};
    explicit trie_store(uninitialised_tag) noexcept {}

    std::uint64_t find_index(key_type key) const noexcept {
        return keys_.find_index(key, [](const detail::trie_group&, std::uint64_t) {});
    }

    // Lookups in groups of `lanes` keys, in passes that each issue one level of memory
    // accesses (prefetches) for every lane before any lane waits on them: for an Elias-Fano
    // group the bucket directory entry, then the high-bit words it points to, then the low
    // bits; for a bitmap group the bit's word and its block count (and, with values, the
    // value records, whose index is known as soon as the bucket start, or the rank, is). The
    // dependent misses of one lookup stay serial, but those of the lanes overlap.
    // emit(i, global index or not_found).
    template <class Emit>
    std::size_t batch(std::span<const key_type> keys, Emit emit) const noexcept {
        constexpr std::size_t lanes = 32;
        std::array<std::uint64_t, lanes> m{};
        std::array<std::uint64_t, lanes> at{};
        std::array<const detail::trie_group*, lanes> lane_group{};
        std::size_t hits = 0;
        for (std::size_t start = 0; start < keys.size(); start += lanes) {
            const std::size_t n = std::min(lanes, keys.size() - start);
            for (std::size_t j = 0; j < n; ++j) {
                const key_type k = keys[start + j];
                lane_group[j] = nullptr;
                const detail::trie_group* gp = keys_.group_for(k);
                if (gp == nullptr) continue;
                const detail::trie_group& g = *gp;
                m[j] = g.mapped(k);
                if (m[j] >= g.universe) continue;
                lane_group[j] = &g;
                g.prefetch_lookup(m[j]);
            }
            for (std::size_t j = 0; j < n; ++j) {
                if (lane_group[j] != nullptr) lane_group[j]->prefetch_lookup_next(m[j]);
            }
            for (std::size_t j = 0; j < n; ++j) {
                const detail::trie_group* g = lane_group[j];
                if (g == nullptr) continue;
                std::uint64_t first = 0;
                at[j] = g->locate(m[j], first);
                if constexpr (has_values) {
                    if (first < g->count) values_.prefetch(g->rank_base + first);
                }
            }
            for (std::size_t j = 0; j < n; ++j) {
                const detail::trie_group* g = lane_group[j];
                std::uint64_t i = detail::trie_not_found;
                if (g != nullptr) {
                    const std::uint64_t local = g->finish_lookup(m[j], at[j]);
                    if (local != detail::trie_not_found) i = g->rank_base + local;
                }
                at[j] = i;
            }
            for (std::size_t j = 0; j < n; ++j) {
                hits += at[j] != detail::trie_not_found ? 1U : 0U;
                emit(start + j, at[j]);
            }
        }
        return hits;
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

    static std::pair<std::vector<key_type>, std::vector<value_arg>> split(
        std::span<const std::pair<key_type, value_arg>> pairs) {
        std::pair<std::vector<key_type>, std::vector<value_arg>> out;
        out.first.reserve(pairs.size());
        out.second.reserve(pairs.size());
        for (const auto& [k, v] : pairs) {
            out.first.push_back(k);
            out.second.push_back(v);
        }
        return out;
    }

    static std::vector<std::byte> build_file(std::span<const key_type> keys, std::span<const value_arg> values) {
        detail::trie_sections s;
        detail::build_trie_keys(keys, s);
        if constexpr (has_values) {
            detail::build_trie_values<Value>(values, s);
        } else {
            detail::build_trie_no_values(s);
        }
        return detail::write_trie_file(s);
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

    void attach_built(const std::vector<std::byte>& file) {
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

    // Validates the file (sizes always; invariants when `deep`) and points the views into it.
    void attach(std::span<const std::byte> bytes, std::shared_ptr<const void> keep, const std::string& source,
                verify check, bool deep) {
        if (reinterpret_cast<std::uintptr_t>(bytes.data()) % detail::file_alignment != 0) {
            detail::throw_logic_error(source + ": store bytes are not 64-byte aligned");
        }
        detail::trie_value_expectation want;
        want.any_kind = !has_values;
        want.kind = traits::kind;
        want.field_count = traits::field_count;
        want.name = traits::name;
        if constexpr (has_values) want.field_max = traits::field_max;
        auto view = detail::trie_file_reader<stored_fields>(bytes, source, want).read(check, deep);
        keys_ = view.keys;
        values_ = view.values;
        key_bytes_ = view.key_bytes;
        value_bytes_ = view.value_bytes;
        file_ = bytes;
        keep_ = std::move(keep);
    }

    // Every store but a moved-from one has its file's bytes (an empty store too).
    void check_not_moved_from(const char* action) const {
        if (file_.empty()) detail::throw_logic_error(std::string("cannot ") + action + " a moved-from trie_store");
    }

    // The views of a store with no keys and no bytes.
    void forget_bytes() noexcept {
        keys_ = {};
        keys_.index_lengths();
        values_ = {};
        key_bytes_ = value_bytes_ = 0;
        file_ = {};
        keep_.reset();
    }

    detail::trie_keys keys_;
    detail::trie_values<stored_fields> values_;
    std::uint64_t key_bytes_ = 0;
    std::uint64_t value_bytes_ = 0;
    std::span<const std::byte> file_;
    std::shared_ptr<const void> keep_;
};

}  // namespace numrep
