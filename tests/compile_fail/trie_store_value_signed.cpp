// expect-error: static assertion failed.*numrep::trie_store<Value>: Value must be void \(a set\), an unsigned integer type
// NOTE: trie_store's Value check is being replaced by a trie_value_traits<Value>
// customisation point; when it lands, update the regexes of the trie_store_value_* cases.
#include <numrep/trie_store.hpp>

numrep::trie_store<int> store;
