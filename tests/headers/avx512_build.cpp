// Compiled, not run, by the header_avx512_warnings test (tests/headers/CMakeLists.txt): a user's
// build for AVX-512 (-march=x86-64-v4, -march=native on such a CPU) with -Wall -Werror, where
// GCC 12 reported false (maybe-)uninitialized warnings from inside xxHash's AVX-512 code once
// opening or saving a store inlined its long-input checksum. Functions with external linkage,
// so that the compiler generates their code, and the inlined xxHash with them.
#include <numrep/numrep.hpp>

bool numrep_avx512_open_and_check(const char* bloom_path, const char* trie_path, std::uint64_t key) {
    const auto bloom = numrep::bloom_filter<>::open(bloom_path);
    const auto trie = numrep::trie_store<std::uint64_t>::open(trie_path);
    return bloom.contains(key) && trie.contains(key);
}

void numrep_avx512_save(const char* path) {
    numrep::bloom_filter<> bloom(1000, 0.01);
    bloom.insert(84912345678);
    bloom.save(path);
}
