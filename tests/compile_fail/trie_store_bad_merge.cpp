// expect-error: is_invocable_r.*evaluated to .?false
// A merge function must be callable as merge(const V&, const V&) -> V.
#include <cstdint>
#include <span>
#include <string>

#include <numrep/trie_store.hpp>

auto build(std::span<const std::uint64_t> keys, std::span<const std::uint32_t> values) {
    return numrep::trie_store<std::uint32_t>::build(keys, values, [](const std::string&, int) { return 0U; });
}
