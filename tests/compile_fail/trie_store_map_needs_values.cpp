// expect-error: has_values.*evaluated to .?false
// A map (trie_store<V>) is built from keys and values: build(keys) alone is for sets.
#include <cstdint>
#include <span>

#include <numrep/trie_store.hpp>

auto build(std::span<const std::uint64_t> keys) { return numrep::trie_store<std::uint32_t>::build(keys); }
