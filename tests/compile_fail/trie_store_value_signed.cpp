// expect-error: static assertion failed.*numrep::trie_store<Value>: Value must be void \(a set\), an unsigned integer type
#include <numrep/trie_store.hpp>

numrep::trie_store<int> store;
