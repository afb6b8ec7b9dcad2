// expect-error: static assertion failed.*numrep::bloom_filter: intersection needs filters of the same BlockBits and Hash
#include <numrep/bloom_filter.hpp>

void keep_common(numrep::bloom_filter<>& a, const numrep::classic_bloom_filter<>& b) { a &= b; }
