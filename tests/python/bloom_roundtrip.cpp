// Helper for tests/python/test_bloom.py: the C++ side of the Python <-> C++ file round trip.
//
//   bloom_roundtrip build FILE CAPACITY FPR SEED   keys (decimal, one a line) on stdin -> saved filter
//   bloom_roundtrip query FILE                     keys on stdin -> one 0/1 a line (opened by mmap)
#include <numrep/bloom_filter.hpp>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    try {
        const std::string command = argc > 1 ? argv[1] : "";
        std::vector<std::uint64_t> keys;
        for (std::uint64_t key; std::cin >> key;) keys.push_back(key);
        if (command == "build" && argc == 6) {
            numrep::bloom_options options;
            options.seed = std::stoull(argv[5]);
            numrep::bloom_filter<> filter(std::stoull(argv[3]), std::stod(argv[4]), options);
            filter.insert_batch(keys);
            filter.save(argv[2]);
            return 0;
        }
        if (command == "query" && argc == 3) {
            const auto filter = numrep::bloom_filter<>::open(argv[2]);
            std::string out;
            for (const auto key : keys) out += filter.contains(key) ? "1\n" : "0\n";
            std::cout << out;
            return 0;
        }
        std::cerr << "usage: bloom_roundtrip build FILE CAPACITY FPR SEED | query FILE (keys on stdin)\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "bloom_roundtrip: " << e.what() << '\n';
        return 1;
    }
}
