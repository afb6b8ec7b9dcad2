// Helper for tests/python/test_trie.py: the C++ side of the Python <-> C++ file round trip.
//
//   trie_roundtrip build-set FILE     keys (decimal, whitespace-separated) on stdin -> saved set
//   trie_roundtrip build-map FILE     "key value" pairs on stdin -> saved map (uint64, merge max)
//   trie_roundtrip query-set FILE     keys on stdin -> "found rank" a line (opened by mmap)
//   trie_roundtrip query-map FILE     keys on stdin -> "found value" a line (0 when absent)
//   trie_roundtrip prefix-set FILE    prefixes on stdin -> "count first-key-or-0" a line
#include <numrep/trie_store.hpp>

#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    try {
        const std::string command = argc == 3 ? argv[1] : "";
        const std::string path = argc == 3 ? argv[2] : "";
        std::vector<std::uint64_t> numbers;
        for (std::uint64_t n; std::cin >> n;) numbers.push_back(n);
        std::string out;
        if (command == "build-set") {
            numrep::trie_store<>::build(numbers).save(path);
        } else if (command == "build-map") {
            std::vector<std::uint64_t> keys, values;
            for (std::size_t i = 0; i + 1 < numbers.size(); i += 2) {
                keys.push_back(numbers[i]);
                values.push_back(numbers[i + 1]);
            }
            numrep::trie_store<std::uint64_t>::build(keys, values, numrep::merge_policy::max).save(path);
        } else if (command == "query-set") {
            const auto store = numrep::trie_store<>::open(path);
            for (const auto key : numbers)
                out += std::to_string(store.contains(key)) + " " + std::to_string(store.rank(key)) + "\n";
        } else if (command == "query-map") {
            const auto store = numrep::trie_store<std::uint64_t>::open(path);
            for (const auto key : numbers) {
                const auto v = store.find(key);
                out += std::to_string(v.has_value()) + " " + std::to_string(v.value_or(0)) + "\n";
            }
        } else if (command == "prefix-set") {
            const auto store = numrep::trie_store<>::open(path);
            for (const auto prefix : numbers) {
                const auto keys = store.keys(prefix);
                const std::uint64_t first = keys.begin() == keys.end() ? 0 : *keys.begin();
                out += std::to_string(store.count_prefix(prefix)) + " " + std::to_string(first) + "\n";
            }
        } else {
            std::cerr
                << "usage: trie_roundtrip build-set|build-map|query-set|query-map|prefix-set FILE (numbers on stdin)\n";
            return 2;
        }
        std::cout << out;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "trie_roundtrip: " << e.what() << '\n';
        return 1;
    }
}
