// expect-error: static assertion failed.*numrep::bloom_filter: BlockBits must be 0 \(classic, unblocked\) or a power of two
#include <numrep/bloom_filter.hpp>

numrep::bloom_filter<100> filter(10, 0.01);
