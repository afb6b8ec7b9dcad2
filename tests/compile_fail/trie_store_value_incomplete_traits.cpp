// expect-error: static assertion failed.*or a type with a complete numrep::trie_value_traits<Value> specialisation
// A specialisation without max() (merge_policy::max) is not a trie_value.
#include <cstddef>
#include <cstdint>

#include <numrep/trie_store.hpp>

struct half_done {
    std::uint32_t calls = 0;
};

template <>
struct numrep::trie_value_traits<half_done> {
    static constexpr std::uint64_t kind = 300;
    static constexpr std::size_t field_count = 1;
    static constexpr const char* name = "half_done values";
    static constexpr std::uint64_t field_max = 0xFFFFFFFFu;
    static std::uint64_t field(const half_done& v, std::size_t) noexcept { return v.calls; }
    static void set_field(half_done& v, std::size_t, std::uint64_t f) noexcept { v.calls = static_cast<std::uint32_t>(f); }
    static half_done sum(const half_done& a, const half_done& b) noexcept { return {a.calls + b.calls}; }
};

numrep::trie_store<half_done> store;
