// expect: compiles
// The valid neighbours of every case here. If this fails, the harness (command, include paths,
// flags) is broken and the failing cases prove nothing.
#include <cstdint>
#include <span>
#include <string>

#include <numrep/bloom_filter.hpp>
#include <numrep/string_interner.hpp>
#include <numrep/number_record.hpp>
#include <numrep/trie_store.hpp>

struct custom_hash {
    static constexpr std::uint32_t id = 77;
    std::uint64_t operator()(std::uint64_t key, std::uint64_t seed) const noexcept { return key ^ seed; }
};

int main() {
    const std::uint64_t keys[] = {84912345678ULL};
    const std::uint32_t counts[] = {1};

    numrep::trie_store<> set = numrep::trie_store<>::build(keys);
    numrep::trie_store<std::uint8_t> bytes;
    numrep::trie_store<std::uint64_t> wide;
    numrep::trie_store<numrep::number_record> records;
    auto map = numrep::trie_store<std::uint32_t>::build(keys, counts);
    auto merged = numrep::trie_store<std::uint32_t>::build(
        std::span<const std::uint64_t>(keys), std::span<const std::uint32_t>(counts),
        [](std::uint32_t a, std::uint32_t b) { return a + b; });

    numrep::string_interner<std::uint8_t> small;
    numrep::string_interner<std::uint64_t> large;

    numrep::bloom_filter<> blocked(100, 0.01);
    numrep::bloom_filter<64> narrow(100, 0.01);
    numrep::bloom_filter<512, custom_hash> custom(100, 0.01);
    numrep::classic_bloom_filter<> classic(100, 0.01);
    numrep::bloom_filter<> other(100, 0.01);
    blocked |= other;
    blocked &= other;

    return static_cast<int>(set.contains(1) + bytes.size() + wide.size() + records.size() + map.find(1).value_or(0) +
                            merged.size() + small.intern("x") + large.intern("y") + narrow.contains(1) +
                            custom.contains(1) + classic.contains(1));
}
