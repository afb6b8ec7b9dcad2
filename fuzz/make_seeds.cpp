// Writes the binary seeds of the store harnesses: small valid Bloom filter and trie files,
// each behind the harness's flag byte. Run from the repository root after a file format change:
//   c++ -std=c++20 -Iinclude fuzz/make_seeds.cpp -o /tmp/make_seeds && /tmp/make_seeds fuzz/corpus
// The committed trie seeds set_16_keys, set_1_key, u32_16_keys and records_16_keys were written
// before trie layout 3 (Elias-Fano groups only, layout 2), and the bitmap ones before layout 4
// (today's builder codes some of their groups with Rice codes): keep them, as old files still
// open, and copy only new seeds from a run.
#include <numrep/bloom_filter.hpp>
#include <numrep/number_record.hpp>
#include <numrep/trie_store.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

void write(const std::filesystem::path& path, std::uint8_t flags, const std::vector<std::byte>& file) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.put(static_cast<char>(flags));
    out.write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
    std::printf("%s: %zu bytes\n", path.c_str(), file.size() + 1);
}

// Keys of several lengths and countries, as reputation data has.
std::vector<std::uint64_t> sample_keys() {
    std::vector<std::uint64_t> keys{84912345678ULL,  84912345679ULL, 84987654321ULL, 84241234567ULL,
                                    8428123456ULL,   12025550123ULL, 12025550199ULL, 14155550100ULL,
                                    442079460000ULL, 33123456789ULL, 61412345678ULL, 8613812345678ULL,
                                    998901234567ULL, 99ULL,          123ULL,         999999999999999ULL};
    std::sort(keys.begin(), keys.end());
    return keys;
}

}  // namespace

int main(int argc, char** argv) {
    const std::filesystem::path dir = argc > 1 ? argv[1] : "fuzz/corpus";
    const auto keys = sample_keys();

    numrep::bloom_filter<> blocked(keys.size(), 0.01, numrep::bloom_options{7});
    blocked.insert_batch(keys);
    write(dir / "bloom" / "blocked_16_keys", 0, blocked.to_bytes());
    numrep::bloom_filter<> empty(1, 0.5);
    write(dir / "bloom" / "blocked_empty", 3, empty.to_bytes());
    numrep::bloom_filter<0> classic(keys.size(), 0.05);
    classic.insert_batch(keys);
    write(dir / "bloom" / "classic_16_keys", 4, classic.to_bytes());

    write(dir / "trie" / "set_16_keys", 0 << 2, numrep::trie_store<>::build(keys).to_bytes());
    write(dir / "trie" / "set_1_key", 3 | (0 << 2),
          numrep::trie_store<>::build(std::vector<std::uint64_t>{84912345678ULL}).to_bytes());
    std::vector<std::uint32_t> values;
    for (std::size_t i = 0; i < keys.size(); ++i) values.push_back(static_cast<std::uint32_t>(i * i * 977));
    write(dir / "trie" / "u32_16_keys", 1 << 2, numrep::trie_store<std::uint32_t>::build(keys, values).to_bytes());
    std::vector<numrep::number_record> records;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        auto r = numrep::number_record::single(static_cast<numrep::report_category>(i % numrep::report_category_count),
                                               1'700'000'000U + static_cast<std::uint32_t>(i) * 86400U);
        r.not_spam = static_cast<std::uint32_t>(i % 3);
        r.source_bits = 1U << (i % 32);
        r.set_decayed(1.0);
        records.push_back(r);
    }
    write(dir / "trie" / "records_16_keys", 2 << 2,
          numrep::trie_store<numrep::number_record>::build(keys, records).to_bytes());

    // A set and a uint32 map (values i % modulus) of the 16 keys and `extra` more.
    const auto write_set_and_map = [&](const std::string& name, std::vector<std::uint64_t> extra,
                                       std::uint32_t modulus) {
        extra.insert(extra.end(), keys.begin(), keys.end());
        std::sort(extra.begin(), extra.end());
        write(dir / "trie" / ("set_" + name), 0 << 2, numrep::trie_store<>::build(extra).to_bytes());
        std::vector<std::uint32_t> values;
        for (std::size_t i = 0; i < extra.size(); ++i) values.push_back(static_cast<std::uint32_t>(i % modulus));
        write(dir / "trie" / ("u32_" + name), 1 << 2,
              numrep::trie_store<std::uint32_t>::build(extra, values).to_bytes());
    };
    // Layout 3: a bitmap group (every other number of 300, 7 digits) beside Elias-Fano ones.
    std::vector<std::uint64_t> dense;
    for (std::uint64_t k = 8'491'200; k < 8'491'500; k += 2) dense.push_back(k);
    write_set_and_map("bitmap_group", dense, 7);
    // Layout 4: a Rice group (a quarter of 4000 7-digit numbers) beside the others.
    std::vector<std::uint64_t> quarter;
    for (std::uint64_t k = 8'491'000; k < 8'495'000; k += 3 + k % 2) quarter.push_back(k);
    write_set_and_map("rice_group", quarter, 11);
    // Build mode (flag 16): 9 bytes a key (7-byte number, digit count, value), 120 consecutive
    // 11-digit numbers and a few others, so that the builder makes a bitmap group.
    std::vector<std::byte> build_input;
    const auto add_key = [&](std::uint64_t k, unsigned digits, std::uint8_t value) {
        for (int b = 6; b >= 0; --b) build_input.push_back(static_cast<std::byte>((k >> (8 * b)) & 0xFF));
        build_input.push_back(static_cast<std::byte>(digits - 1));
        build_input.push_back(static_cast<std::byte>(value));
    };
    for (std::uint64_t i = 0; i < 120; ++i) add_key(84'912'345'000ULL + i, 11, static_cast<std::uint8_t>(i));
    for (const std::uint64_t k : {7ULL, 12ULL, 4915112345678ULL}) add_key(k, 13, 1);
    write(dir / "trie" / "build_bitmap_group", 16, build_input);
    return 0;
}
