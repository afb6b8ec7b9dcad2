// numrep at scale (issue 11): bounded-memory builds with numrep::database_builder of millions to
// hundreds of millions of distinct numbers, and check latency on the big sharded databases they
// make, against a small one and against the memory itself. Not a Google Benchmark program: each
// build size runs in its own process (peak RSS is the process's), and the checks interleave
// databases within one process, so that a ratio compares like with like on a loaded machine.
//
//   ./bench_scale build --numbers 100M --memory 4G --out /data/db100m [--temp-dir D] [--shards S]
//   ./bench_scale check --db /data/db10m:10M --db /data/db300m:300M [--rounds 7] [--keys 1M]
//   ./bench_scale --smoke          # CI: a spilling, sharded 200k build and checks, in a second
//
// Each prints one JSON object on stdout (progress on stderr).
//
// Reports are synthetic: keys drawn uniformly without repetition from allocated ranges (40
// Vietnamese 2-digit mobile prefixes, 400M numbers; 10 US area codes, 80M; Thai mobile 08, 100M:
// 580M in all) through a keyed permutation of the range indices, so that no set of seen keys is
// held; ~1.3 reports per number (each report a new number, or with probability 0.3/1.3 a repeat of
// one seen before), times rising over 180 days, random categories, 5,000 sources, 2% not-spam votes.
#include <numrep/database_builder.hpp>
#include <numrep/reputation_db.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::uint64_t mix(std::uint64_t z) noexcept {  // SplitMix64's finaliser
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

struct splitmix {
    std::uint64_t state;
    std::uint64_t operator()() noexcept { return mix(state += 0x9E3779B97F4A7C15ULL); }
    std::uint64_t below(std::uint64_t n) noexcept { return (*this)() % n; }
};

// The allocated numbers keys are drawn from, as ranges of E.164 keys.
struct key_range {
    std::uint64_t first, count;
};

std::vector<key_range> allocated_ranges() {
    std::vector<key_range> out;
    for (const std::uint64_t p :
         std::initializer_list<std::uint64_t>{32, 33, 34, 35, 36, 37, 38, 39, 86, 96, 97, 98, 31,  // Viettel
                                              81, 82, 83, 84, 85, 88, 91, 94,                      // Vinaphone
                                              87, 70, 76, 77, 78, 79, 89, 90, 93, 30, 51,          // Itel, MobiFone
                                              52, 56, 58, 92, 59, 99, 55, 95})                     // the others
        out.push_back({(8400 + p) * 10'000'000ULL, 10'000'000ULL});
    for (const std::uint64_t npa :
         std::initializer_list<std::uint64_t>{201, 212, 213, 305, 312, 415, 646, 702, 713, 917})  // NXX 200-999
        out.push_back({(1000 + npa) * 10'000'000ULL + 2'000'000ULL, 8'000'000ULL});
    out.push_back({668 * 100'000'000ULL, 100'000'000ULL});  // +66 8x xxx xxxx
    return out;
}

// Index i in [0, size) of the allocated numbers <-> its key; a keyed bijection of [0, size) (a
// 4-round Feistel network on 30 bits, cycle-walked) makes "the first n indices" n distinct keys
// drawn uniformly without repetition.
class key_space {
public:
    explicit key_space(std::uint64_t seed) : ranges_(allocated_ranges()), seed_(seed) {
        for (const auto& r : ranges_) {
            starts_.push_back(size_);
            size_ += r.count;
        }
        if (size_ > (std::uint64_t{1} << (2 * half_bits))) throw std::logic_error("key space too large");
    }
    std::uint64_t size() const noexcept { return size_; }
    std::uint64_t key(std::uint64_t i) const noexcept {
        std::uint64_t x = permute(i);
        while (x >= size_) x = permute(x);  // cycle walking: stays a bijection of [0, size)
        const auto at = std::upper_bound(starts_.begin(), starts_.end(), x) - starts_.begin() - 1;
        return ranges_[static_cast<std::size_t>(at)].first + (x - starts_[static_cast<std::size_t>(at)]);
    }

private:
    static constexpr unsigned half_bits = 15;
    static constexpr std::uint64_t half_mask = (std::uint64_t{1} << half_bits) - 1;
    std::uint64_t permute(std::uint64_t x) const noexcept {
        std::uint64_t l = x >> half_bits, r = x & half_mask;
        for (std::uint64_t round = 0; round < 4; ++round) {
            const std::uint64_t f = mix(r ^ (seed_ * 4 + round) * 0x9E3779B97F4A7C15ULL) & half_mask;
            const std::uint64_t next = l ^ f;
            l = r;
            r = next;
        }
        return (l << half_bits) | r;
    }
    std::vector<key_range> ranges_;
    std::vector<std::uint64_t> starts_;
    std::uint64_t size_ = 0;
    std::uint64_t seed_;
};

// Keys at the top of the index space are never reported by a build of fewer numbers than this.
constexpr std::uint64_t unreported_band = 20'000'000;

struct options {
    std::string mode;
    std::uint64_t numbers = 0, memory = 0, keys = 1'000'000, seed = 11;
    std::size_t shards = 0, rounds = 7;
    std::filesystem::path out, temp_dir;
    std::vector<std::pair<std::filesystem::path, std::uint64_t>> dbs;
    std::uint64_t array_bytes = std::uint64_t{2} << 30;
};

std::uint64_t parse_size(std::string_view text) {                 // 10M, 4G, 1000000 (K/M/G: decimal for counts
    if (text.empty()) throw std::invalid_argument("empty size");  //  of numbers, binary for bytes)
    std::uint64_t scale = 1;
    const char unit = text.back();
    if (unit == 'K' || unit == 'M' || unit == 'G') text.remove_suffix(1);
    const std::uint64_t value = std::stoull(std::string(text));
    switch (unit) {
        case 'K': scale = 1'000; break;
        case 'M': scale = 1'000'000; break;
        case 'G': scale = 1'000'000'000; break;
        default: break;
    }
    return value * scale;
}
std::uint64_t parse_bytes(std::string_view text) {
    const char unit = text.empty() ? '\0' : text.back();
    const std::uint64_t n = parse_size(text);
    const std::uint64_t shift = unit == 'K' ? 10 : unit == 'M' ? 20 : unit == 'G' ? 30 : 0;
    const std::uint64_t decimal = unit == 'K' ? 1'000 : unit == 'M' ? 1'000'000 : unit == 'G' ? 1'000'000'000 : 1;
    return n / decimal << shift;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct usage {
    double user = 0, sys = 0;
    std::uint64_t max_rss = 0;
};
usage self_usage() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return {static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec) * 1e-6,
            static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) * 1e-6,
            static_cast<std::uint64_t>(u.ru_maxrss) * 1024};
}

std::pair<std::uint64_t, std::uint64_t> store_bytes(const std::filesystem::path& dir) {  // (tries, filters)
    std::uint64_t trie = 0, bloom = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string ext = entry.path().extension().string();
        if (ext == ".trie") trie += entry.file_size();
        if (ext == ".bloom") bloom += entry.file_size();
    }
    return {trie, bloom};
}

// ---------------------------------------------------------------------------------------- build

int run_build(const options& o) {
    const key_space space(o.seed);
    if (o.numbers == 0 || o.numbers > space.size() - unreported_band)
        throw std::invalid_argument("--numbers: from 1 to " + std::to_string(space.size() - unreported_band));
    numrep::database_build_options opts;
    opts.memory_budget = o.memory;
    opts.shards = o.shards;
    opts.temp_dir = o.temp_dir;
    numrep::database_builder builder(o.out, opts);

    splitmix rng{o.seed * 7919};
    const std::int64_t t0 = 1'735'689'600;  // 2025-01-01
    const std::uint64_t span = 180 * 86'400;
    const std::uint64_t expected_reports = o.numbers + o.numbers * 3 / 10;
    std::uint64_t fresh = 0, reports = 0;
    const auto start = std::chrono::steady_clock::now();
    while (fresh < o.numbers) {
        const std::uint64_t r = rng();
        // 3 in 13 reports are about a number seen before (any of them, uniformly).
        const std::uint64_t index = (r % 13 < 3 && fresh > 0) ? rng.below(fresh) : fresh++;
        const std::uint64_t key = space.key(index);
        const std::int64_t time = t0 + static_cast<std::int64_t>(
                                           std::min(span - 1, span * reports / expected_reports + (r >> 40) % 3600));
        builder.add(key, static_cast<numrep::report_category>((r >> 8) % numrep::report_category_count), time,
                    static_cast<std::uint32_t>(1 + (r >> 16) % 5000), (r >> 32) % 50 == 0);
        ++reports;
        if (reports % 50'000'000 == 0)
            std::fprintf(stderr, "  %llu reports, %llu numbers, %.0f s\n", static_cast<unsigned long long>(reports),
                         static_cast<unsigned long long>(fresh), seconds_since(start));
    }
    const double add_seconds = seconds_since(start);
    const usage after_add = self_usage();
    const auto finish_start = std::chrono::steady_clock::now();
    const numrep::database_build_summary summary = builder.finish();
    const double finish_seconds = seconds_since(finish_start);
    const usage end = self_usage();
    const auto [trie, bloom] = store_bytes(o.out);
    if (summary.numbers != o.numbers) throw std::runtime_error("the build holds a different number of numbers");
    std::printf(
        "{\"mode\": \"build\", \"numbers\": %llu, \"reports\": %llu, \"memory_budget\": %llu, \"shards_asked\": %zu, "
        "\"add_seconds\": %.3f, \"finish_seconds\": %.3f, \"wall_seconds\": %.3f, \"user_seconds\": %.3f, "
        "\"sys_seconds\": %.3f, \"peak_rss_bytes\": %llu, \"peak_rss_bytes_after_add\": %llu, \"runs\": %zu, "
        "\"spilled_bytes\": %llu, \"shards\": %zu, \"trie_bytes\": %llu, \"bloom_bytes\": %llu, \"out\": \"%s\"}\n",
        static_cast<unsigned long long>(summary.numbers), static_cast<unsigned long long>(reports),
        static_cast<unsigned long long>(o.memory), o.shards, add_seconds, finish_seconds, add_seconds + finish_seconds,
        end.user, end.sys, static_cast<unsigned long long>(end.max_rss),
        static_cast<unsigned long long>(after_add.max_rss), summary.runs,
        static_cast<unsigned long long>(summary.spilled_bytes), summary.shards, static_cast<unsigned long long>(trie),
        static_cast<unsigned long long>(bloom), o.out.c_str());
    return 0;
}

// ---------------------------------------------------------------------------------------- check

// ns per key of `keys` checked one at a time with check() and in batches of 1024 with check_each;
// the count of reported verdicts must be `expect_reported` (all or none).
struct check_result {
    double single_ns = 0, batch_ns = 0;
};
check_result time_checks(const numrep::reputation_db& db, std::span<const std::uint64_t> keys, bool expect_reported) {
    const std::int64_t now = 1'735'689'600 + 200 * 86'400;
    check_result out;
    std::size_t found = 0;
    std::uint32_t sink = 0;
    auto start = std::chrono::steady_clock::now();
    for (const std::uint64_t k : keys) {
        const numrep::reputation_verdict v = db.check(k, now);
        found += v.reported ? 1 : 0;
        sink += static_cast<std::uint32_t>(v.score.score);
    }
    out.single_ns = seconds_since(start) * 1e9 / static_cast<double>(keys.size());
    start = std::chrono::steady_clock::now();
    for (std::size_t at = 0; at < keys.size(); at += 1024) {
        db.check_each(keys.subspan(at, std::min<std::size_t>(1024, keys.size() - at)), now,
                      [&](std::size_t, const numrep::reputation_verdict& v) {
                          found += v.reported ? 1 : 0;
                          sink += static_cast<std::uint32_t>(v.score.score);
                      });
    }
    out.batch_ns = seconds_since(start) * 1e9 / static_cast<double>(keys.size());
    if (found != (expect_reported ? 2 * keys.size() : 0))
        throw std::runtime_error("check: reported flags do not match the keys");
    if (sink == 0xFFFFFFFF) std::fputc(' ', stderr);  // keeps the scores computed
    return out;
}

// The memory itself: ns per key of one random 8-byte read in an array of array_bytes, as
// independent reads (addresses known ahead: the misses overlap, as check_each's do) and as a
// dependent chain (each address from the value read: one full miss at a time, as check()'s walk).
struct memory_reference {
    std::vector<std::uint64_t> array;
    std::uint64_t mask;
    explicit memory_reference(std::uint64_t bytes) : array(std::bit_floor(bytes / 8)), mask(array.size() - 1) {
        splitmix rng{99};
        for (auto& x : array) x = rng();  // touches every page
    }
    double independent_ns(std::uint64_t n, std::uint64_t round) const {
        std::uint64_t sum = 0;
        const auto start = std::chrono::steady_clock::now();
        for (std::uint64_t i = 0; i < n; ++i) sum += array[mix(i + round * n) & mask];
        const double ns = seconds_since(start) * 1e9 / static_cast<double>(n);
        if (sum == 42) std::fputc(' ', stderr);
        return ns;
    }
    double dependent_ns(std::uint64_t n, std::uint64_t round) const {
        std::uint64_t at = round & mask;
        const auto start = std::chrono::steady_clock::now();
        for (std::uint64_t i = 0; i < n; ++i) at = mix(array[at] + i) & mask;
        const double ns = seconds_since(start) * 1e9 / static_cast<double>(n);
        if (at == 42) std::fputc(' ', stderr);
        return ns;
    }
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void print_list(const char* name, const std::vector<double>& v, bool last = false) {
    std::printf("\"%s\": [", name);
    for (std::size_t i = 0; i < v.size(); ++i) std::printf("%s%.2f", i ? ", " : "", v[i]);
    std::printf("], \"%s_median\": %.2f%s", name, median(v), last ? "" : ", ");
}

int run_check(const options& o) {
    if (o.dbs.empty()) throw std::invalid_argument("check: give at least one --db DIR:NUMBERS");
    const key_space space(o.seed);
    struct opened {
        std::filesystem::path dir;
        std::uint64_t numbers;
        std::unique_ptr<numrep::reputation_db> db;
        double open_seconds;
        std::vector<double> single_reported, batch_reported, single_unreported, batch_unreported;
    };
    std::vector<opened> dbs;
    for (const auto& [dir, numbers] : o.dbs) {
        // verify::full reads every byte through the mapping: the pages are resident and mapped
        // before timing, as in a server that has been answering for a while.
        const auto start = std::chrono::steady_clock::now();
        numrep::reputation_db_open_options how;
        how.check = numrep::verify::full;
        auto db = std::make_unique<numrep::reputation_db>(numrep::reputation_db::open(dir, how));
        const double s = seconds_since(start);
        if (db->size() != numbers) throw std::invalid_argument(dir.string() + ": holds another number of numbers");
        std::fprintf(stderr, "opened %s (%zu shards) in %.1f s\n", dir.c_str(), db->shard_count(), s);
        dbs.push_back({dir, numbers, std::move(db), s, {}, {}, {}, {}});
    }
    const memory_reference memory(o.array_bytes);
    std::vector<double> mem_independent, mem_dependent;
    splitmix rng{o.seed + 1};
    std::vector<std::uint64_t> reported(o.keys), unreported(o.keys);
    for (std::size_t round = 0; round <= o.rounds; ++round) {  // round 0 warms up, untimed
        for (std::size_t j = 0; j < dbs.size(); ++j) {
            // Alternate the order, so that neither database always runs right after the other.
            opened& d = dbs[round % 2 ? dbs.size() - 1 - j : j];
            for (auto& k : reported) k = space.key(rng.below(d.numbers));
            for (auto& k : unreported) k = space.key(space.size() - 1 - rng.below(unreported_band));
            const check_result r = time_checks(*d.db, reported, true);
            const check_result u = time_checks(*d.db, unreported, false);
            if (round == 0) continue;
            d.single_reported.push_back(r.single_ns);
            d.batch_reported.push_back(r.batch_ns);
            d.single_unreported.push_back(u.single_ns);
            d.batch_unreported.push_back(u.batch_ns);
        }
        const double ind = memory.independent_ns(o.keys, round), dep = memory.dependent_ns(o.keys, round);
        if (round == 0) continue;
        mem_independent.push_back(ind);
        mem_dependent.push_back(dep);
        std::fprintf(stderr, "round %zu done\n", round);
    }
    std::printf("{\"mode\": \"check\", \"rounds\": %zu, \"keys_per_round\": %llu, \"array_bytes\": %llu, ", o.rounds,
                static_cast<unsigned long long>(o.keys), static_cast<unsigned long long>(memory.array.size() * 8));
    print_list("memory_independent_ns", mem_independent);
    print_list("memory_dependent_ns", mem_dependent);
    std::printf("\"databases\": [");
    for (std::size_t j = 0; j < dbs.size(); ++j) {
        const opened& d = dbs[j];
        const auto [trie, bloom] = store_bytes(d.dir);
        std::printf(
            "%s{\"dir\": \"%s\", \"numbers\": %llu, \"shards\": %zu, \"trie_bytes\": %llu, "
            "\"bloom_bytes\": %llu, \"open_seconds\": %.2f, ",
            j ? ", " : "", d.dir.c_str(), static_cast<unsigned long long>(d.numbers), d.db->shard_count(),
            static_cast<unsigned long long>(trie), static_cast<unsigned long long>(bloom), d.open_seconds);
        print_list("single_reported_ns", d.single_reported);
        print_list("batch_reported_ns", d.batch_reported);
        print_list("single_unreported_ns", d.single_unreported);
        print_list("batch_unreported_ns", d.batch_unreported, true);
        std::printf("}");
    }
    std::printf("]}\n");
    return 0;
}

// ---------------------------------------------------------------------------------------- smoke

// A build that spills and shards, one that does not, and the checks on both: a second or two.
int run_smoke(const char* argv0) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("numrep-bench-scale-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    int status = 0;
    try {
        options big;
        big.numbers = 200'000;
        big.memory = 8 << 20;  // 8 MiB: about 50k numbers a run and a shard
        big.out = dir / "big";
        options small = big;
        small.numbers = 20'000;
        small.memory = 0;
        small.out = dir / "small";
        run_build(big);
        run_build(small);
        options check;
        check.dbs = {{small.out, small.numbers}, {big.out, big.numbers}};
        check.rounds = 2;
        check.keys = 20'000;
        check.array_bytes = 64 << 20;
        run_check(check);
        if (numrep::reputation_db::open(big.out).shard_count() < 2) throw std::runtime_error("smoke: no shards");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s --smoke: %s\n", argv0, e.what());
        status = 1;
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        options o;
        if (argc < 2) throw std::invalid_argument("usage: bench_scale build|check|--smoke [options] (see the source)");
        o.mode = argv[1];
        // ctest's bench_smoke label passes every bench_* program Google Benchmark's flags.
        if (o.mode == "--smoke" || std::string_view(o.mode).starts_with("--benchmark_")) return run_smoke(argv[0]);
        for (int i = 2; i < argc; ++i) {
            const std::string_view arg = argv[i];
            if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
            const std::string_view value = argv[++i];
            if (arg == "--numbers") o.numbers = parse_size(value);
            else if (arg == "--memory")
                o.memory = parse_bytes(value);
            else if (arg == "--shards")
                o.shards = static_cast<std::size_t>(parse_size(value));
            else if (arg == "--out")
                o.out = value;
            else if (arg == "--temp-dir")
                o.temp_dir = value;
            else if (arg == "--seed")
                o.seed = parse_size(value);
            else if (arg == "--rounds")
                o.rounds = static_cast<std::size_t>(parse_size(value));
            else if (arg == "--keys")
                o.keys = parse_size(value);
            else if (arg == "--array")
                o.array_bytes = parse_bytes(value);
            else if (arg == "--db") {
                const auto colon = value.rfind(':');
                if (colon == std::string_view::npos) throw std::invalid_argument("--db DIR:NUMBERS");
                o.dbs.emplace_back(std::filesystem::path(value.substr(0, colon)), parse_size(value.substr(colon + 1)));
            } else
                throw std::invalid_argument("unknown option " + std::string(arg));
        }
        if (o.mode == "build") return run_build(o);
        if (o.mode == "check") return run_check(o);
        throw std::invalid_argument("unknown mode " + o.mode);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_scale: %s\n", e.what());
        return 2;
    }
}
