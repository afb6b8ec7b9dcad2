// expect-error: static assertion failed.*numrep::trie_store<Value>: Value must be void \(a set\).*or a type with a complete numrep::trie_value_traits<Value> specialisation
#include <numrep/trie_store.hpp>

struct my_value {
    unsigned a, b;
};
numrep::trie_store<my_value> store;
