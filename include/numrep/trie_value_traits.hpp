// numrep::trie_value_traits<Value>: how a trie_store<Value> stores, merges and checks its values.
// Specialise it for your own fixed-width record; unsigned integers are built in. A value is a
// row of `field_count` unsigned fields, each bit-packed in the store (see docs/file-format.md).
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "detail/requirements.hpp"

namespace numrep {

// How trie_store::build combines the values of a key given more than once. sum saturates
// rather than wrapping; max is the larger (field-wise for records); last keeps the value given
// last in the input.
enum class merge_policy : std::uint8_t {
    sum,
    max,
    last,
};

// Most fields a value may have: the store keeps a small per-field table inline.
inline constexpr std::size_t trie_max_fields = 32;

// Value kinds 0 (a set) and 1 (unsigned integers) are numrep's own, 2 is numrep::number_record;
// pick a kind of 256 or more for your own records. A store file remembers the kind and field
// count it was built with, and opening it as another value type is a format_error.
inline constexpr std::uint64_t trie_first_user_kind = 256;

// A specialisation provides (see examples/cpp/custom_value.cpp):
//   static constexpr std::uint64_t kind;           // tag stored in files (above)
//   static constexpr std::size_t field_count;      // 1 .. trie_max_fields
//   static constexpr const char* name;             // "call statistics", for error messages
//   static constexpr std::uint64_t field_max;      // largest value any field may hold
//   static std::uint64_t field(const Value&, std::size_t i) noexcept;
//   static void set_field(Value&, std::size_t i, std::uint64_t) noexcept;
//   static Value sum(const Value&, const Value&) noexcept;   // merge_policy::sum
//   static Value max(const Value&, const Value&) noexcept;   // merge_policy::max
template <class Value>
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

// A type trie_store<Value> can hold: void (a set) or a Value with a complete specialisation.
template <class Value>
concept trie_value = std::is_void_v<Value> ||
                     (std::default_initializable<Value> && std::copyable<Value> &&
                      requires(Value& v, const Value& c, std::size_t i, std::uint64_t f) {
                          { trie_value_traits<Value>::kind } -> std::convertible_to<std::uint64_t>;
                          { trie_value_traits<Value>::field_count } -> std::convertible_to<std::size_t>;
                          { trie_value_traits<Value>::name } -> std::convertible_to<const char*>;
                          { trie_value_traits<Value>::field_max } -> std::convertible_to<std::uint64_t>;
                          { trie_value_traits<Value>::field(c, i) } -> std::same_as<std::uint64_t>;
                          trie_value_traits<Value>::set_field(v, i, f);
                          { trie_value_traits<Value>::sum(c, c) } -> std::same_as<Value>;
                          { trie_value_traits<Value>::max(c, c) } -> std::same_as<Value>;
                      } && trie_value_traits<Value>::field_count >= 1 &&
                      trie_value_traits<Value>::field_count <= trie_max_fields && trie_value_traits<Value>::kind != 0);

}  // namespace numrep
