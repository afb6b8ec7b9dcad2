// A trie_store holding your own fixed-width record: specialise numrep::trie_value_traits and the
// store packs each field in the bits it needs, merges repeats and refuses files of another kind.
//
//   example_custom_value [path]   builds call statistics for three numbers, saves, reopens, prints
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <limits>
#include <vector>

#include <numrep/trie_store.hpp>

// What a carrier might keep per number: calls seen, minutes, and the hour of day most calls come.
struct call_stats {
    std::uint32_t calls = 0;
    std::uint32_t minutes = 0;
    std::uint8_t busiest_hour = 0;  // 0-23
};

template <>
struct numrep::trie_value_traits<call_stats> {
    static constexpr std::uint64_t kind = numrep::trie_first_user_kind + 1;  // ours: 257
    static constexpr std::size_t field_count = 3;
    static constexpr const char* name = "call_stats values";
    static constexpr std::uint64_t field_max = std::numeric_limits<std::uint32_t>::max();
    static std::uint64_t field(const call_stats& v, std::size_t i) noexcept {
        return i == 0 ? v.calls : i == 1 ? v.minutes : v.busiest_hour;
    }
    static void set_field(call_stats& v, std::size_t i, std::uint64_t f) noexcept {
        if (i == 0) v.calls = static_cast<std::uint32_t>(f);
        else if (i == 1)
            v.minutes = static_cast<std::uint32_t>(f);
        else
            v.busiest_hour = static_cast<std::uint8_t>(f);
    }
    static call_stats sum(const call_stats& a, const call_stats& b) noexcept {  // merge_policy::sum
        return {a.calls + b.calls, a.minutes + b.minutes, a.calls >= b.calls ? a.busiest_hour : b.busiest_hour};
    }
    static call_stats max(const call_stats& a, const call_stats& b) noexcept {  // merge_policy::max
        return {std::max(a.calls, b.calls), std::max(a.minutes, b.minutes), std::max(a.busiest_hour, b.busiest_hour)};
    }
};

int main(int argc, char** argv) {
    const std::filesystem::path path = argc > 1 ? std::filesystem::path(argv[1])
                                                : std::filesystem::temp_directory_path() / "call_stats.trie";
    const std::vector<std::uint64_t> keys{84912345678, 84862000111, 84912345678, 12025550123};
    const std::vector<call_stats> stats{{3, 7, 9}, {120, 15, 14}, {2, 1, 9}, {1, 2, 20}};
    try {
        numrep::trie_store<call_stats>::build(keys, stats).save(path);  // the repeat of 84912345678 is summed

        const auto store = numrep::trie_store<call_stats>::open(path);
        for (const std::uint64_t key : {84912345678ULL, 84862000111ULL, 12025550123ULL}) {
            const call_stats s = store.find(key).value();
            std::printf("+%llu calls=%u minutes=%u busiest_hour=%u\n", static_cast<unsigned long long>(key), s.calls,
                        s.minutes, static_cast<unsigned>(s.busiest_hour));
        }
        std::printf("%zu numbers, %u bits per record\n", store.size(), store.value_bits());
    } catch (const std::exception& e) {  // a path that cannot be written, a damaged file
        std::fprintf(stderr, "example_custom_value: %s\n", e.what());
        return 1;
    }
    return 0;
}
