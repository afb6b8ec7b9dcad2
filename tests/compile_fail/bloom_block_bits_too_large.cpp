// expect-error: static assertion failed.*numrep::bloom_filter: BlockBits must be .* from 64 to 512
#include <numrep/bloom_filter.hpp>

numrep::bloom_filter<1024> filter(10, 0.01);
