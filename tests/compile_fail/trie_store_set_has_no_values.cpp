// expect-error: has_values.*evaluated to .?false
// A set (trie_store<>) has no find(): the member is constrained away, and the diagnostic
// names the constraint.
#include <numrep/trie_store.hpp>

bool probe(const numrep::trie_store<>& set) { return set.find(84912345678ULL).has_value(); }
