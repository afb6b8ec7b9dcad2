// expect-error: static assertion failed.*numrep::trie_store<Value>: Value must be void \(a set\), an unsigned integer type other than bool
#include <numrep/trie_store.hpp>

numrep::trie_store<bool> store;
