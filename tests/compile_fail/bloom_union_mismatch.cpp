// expect-error: static assertion failed.*numrep::bloom_filter: union needs filters of the same BlockBits and Hash
#include <numrep/bloom_filter.hpp>

void merge(numrep::bloom_filter<512>& a, const numrep::bloom_filter<256>& b) { a |= b; }
