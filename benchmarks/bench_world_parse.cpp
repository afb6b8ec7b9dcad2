// Parsing and lookup of a mixed-region corpus: numrep vs Google's libphonenumber, and the world
// plan's lookup vs the Vietnam-only one. Goals (issue 8): parse + lookup >= 100x libphonenumber
// on the same strings; world lookup no slower than 1.5x the Vietnam-only lookup.
//
// The corpus is benchmarks/world_corpus.py's file (REGION<TAB>TEXT lines): $NUMREP_WORLD_CORPUS,
// else the one CMake writes into the build directory; without either, a small built-in sample
// (fine for a smoke run, not for figures). One benchmark iteration handles one number, cycling
// through the corpus in file order (shuffled, so the regions are mixed): ns per iteration is ns
// per number, items_per_second numbers per second. Run (medians of interleaved repetitions):
//   ./bench_world_parse --benchmark_enable_random_interleaving=true --benchmark_repetitions=5
//       --benchmark_min_time=0.2 --benchmark_display_aggregates_only=true
//       --benchmark_out=world_parse.json --benchmark_out_format=json      (one command line)
// and `python benchmarks/compare_parse.py --cpp-results world_parse.json` puts the ratios in
// benchmarks/results/parse.md.
//
// libphonenumber (Debian: libphonenumber-dev) is compiled in when CMake finds it
// (NUMREP_HAVE_LIBPHONENUMBER); its benchmarks are absent otherwise. `--differential` compares
// the two libraries' keys on the corpus instead of timing them (CTest: differential_libphonenumber).
//
// A plan with a memory_bytes() member has its size reported (world_plan_memory_bytes in the
// JSON context).
#include <benchmark/benchmark.h>

#include <numrep/numrep.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#if NUMREP_HAVE_LIBPHONENUMBER
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#endif

namespace {

const numrep::numbering_plan& world_plan() { return numrep::plans::world(); }

// ---- the corpus ----

struct corpus {
    std::vector<std::string> regions;  // default region of each text (std::string: libphonenumber takes const&)
    std::vector<std::string> texts;
    std::string source;
};

// A few numbers of several regions and forms, for smoke runs without the generated file.
corpus built_in_corpus() {
    static const char* const lines[][2] = {
        {"VN", "0912 345 678"},        {"VN", "+84 24 3823 4567"}, {"US", "(201) 555-0123"},
        {"US", "+1 201-555-0123"},     {"GB", "07400 123456"},     {"GB", "+44 20 7031 3000"},
        {"DE", "030 123456"},          {"DE", "+49 1512 3456789"}, {"RU", "8 (912) 345-67-89"},
        {"RU", "8~10 84 91 234 5678"}, {"KR", "02-2123-4567"},     {"KR", "+82 10-2000-0000"},
        {"JP", "03-1234-5678"},        {"FR", "01 23 45 67 89"},   {"IN", "081234 56789"},
        {"BR", "(11) 96123-4567"},     {"AU", "0412 345 678"},     {"HK", "009 84 912345678"},
        {"CN", "131 2345 6789"},       {"TH", "081 234 5678"},     {"NG", "0802 123 4567"},
        {"SG", "8123 4567"},           {"IL", "050-234-5678"},     {"BY", "8 029 491-19-11"},
        {"US", "tel:+1-201-555-0123"}, {"AR", "011 15-2345-6789"}, {"MX", "222 123 4567"},
        {"KH", "091 234 567"},         {"GB", "+800 1234 5678"},   {"UA", "050 123 4567"},
    };
    corpus c;
    for (const auto& line : lines) {
        c.regions.emplace_back(line[0]);
        c.texts.emplace_back(line[1]);
    }
    c.source = "built-in sample of " + std::to_string(c.texts.size()) +
               " numbers (no corpus file: not representative, for smoke runs only)";
    return c;
}

const corpus& the_corpus() {
    static const corpus c = [] {
        std::string path;
        bool explicit_path = false;
        if (const char* env = std::getenv("NUMREP_WORLD_CORPUS"); env != nullptr && *env != '\0') {
            path = env;
            explicit_path = true;
        }
#ifdef NUMREP_WORLD_CORPUS_DEFAULT
        else {
            path = NUMREP_WORLD_CORPUS_DEFAULT;
        }
#endif
        std::ifstream in(path);
        if (path.empty() || !in) {
            if (explicit_path) {
                std::cerr << "bench_world_parse: cannot read NUMREP_WORLD_CORPUS=" << path << "\n";
                std::exit(2);
            }
            return built_in_corpus();
        }
        corpus out;
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            const auto tab = line.find('\t');
            if (tab == std::string::npos) continue;
            out.regions.push_back(line.substr(0, tab));
            out.texts.push_back(line.substr(tab + 1));
        }
        if (out.texts.empty()) {
            std::cerr << "bench_world_parse: no REGION<TAB>TEXT lines in " << path << "\n";
            std::exit(2);
        }
        out.source = path + " (" + std::to_string(out.texts.size()) + " numbers)";
        return out;
    }();
    return c;
}

// Keys of the corpus numbers numrep parses, in corpus order (the mixed keys for lookups).
const std::vector<std::uint64_t>& mixed_keys() {
    static const std::vector<std::uint64_t> keys = [] {
        std::vector<std::uint64_t> out;
        const corpus& c = the_corpus();
        for (std::size_t i = 0; i < c.texts.size(); ++i) {
            const auto r = numrep::try_parse(c.texts[i], c.regions[i]);
            if (r) out.push_back(r->key());
        }
        if (out.empty()) out.push_back(84912345678u);
        return out;
    }();
    return keys;
}

// Vietnamese mobile keys drawn as bench_parse.cpp draws them (its bm_lookup is today's
// Vietnam-only lookup): the same keys for the world and the Vietnam lookups.
const std::vector<std::uint64_t>& vietnam_keys() {
    static const std::vector<std::uint64_t> keys = [] {
        std::mt19937_64 rng(42);
        const char* prefixes[] = {"32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98",
                                  "81", "82", "83", "84", "85", "88", "91", "94", "70", "76", "77", "78",
                                  "79", "89", "90", "93", "56", "58", "92", "59", "99", "87", "52", "55"};
        std::vector<std::uint64_t> out;
        for (std::size_t i = 0; i < (1u << 16); ++i) {
            std::string digits = std::string("84") + prefixes[rng() % std::size(prefixes)];
            while (digits.size() < 11) digits += static_cast<char>('0' + rng() % 10);
            out.push_back(std::stoull(digits));
        }
        return out;
    }();
    return keys;
}

// ---- numrep ----

void bm_numrep_parse(benchmark::State& state) {
    const corpus& c = the_corpus();
    const std::size_t n = c.texts.size();
    std::size_t i = 0;
    for (auto _ : state) {
        auto r = numrep::try_parse(c.texts[i], c.regions[i]);
        benchmark::DoNotOptimize(r);
        if (++i == n) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_numrep_parse);

template <class Plan>
void parse_and_lookup(benchmark::State& state, const Plan& plan) {
    const corpus& c = the_corpus();
    const std::size_t n = c.texts.size();
    std::size_t i = 0;
    for (auto _ : state) {
        const auto r = numrep::try_parse(c.texts[i], c.regions[i]);
        if (r) {
            auto info = plan.lookup(r->key());
            benchmark::DoNotOptimize(info);
        }
        if (++i == n) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}

// The target: parse + world lookup (valid, type, region code) of every corpus number.
void bm_numrep_parse_lookup_world(benchmark::State& state) { parse_and_lookup(state, world_plan()); }
BENCHMARK(bm_numrep_parse_lookup_world);

// The same parse, looked up in the Vietnam-only plan (right only for +84): what 0.1 did.
void bm_numrep_parse_lookup_vietnam_plan(benchmark::State& state) { parse_and_lookup(state, numrep::plans::vietnam()); }
BENCHMARK(bm_numrep_parse_lookup_vietnam_plan);

template <class Plan>
void lookup_keys(benchmark::State& state, const Plan& plan, const std::vector<std::uint64_t>& keys) {
    const std::size_t n = keys.size();
    std::size_t i = 0;
    for (auto _ : state) {
        auto info = plan.lookup(keys[i]);
        benchmark::DoNotOptimize(info);
        if (++i == n) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}

// The 1.5x reference: today's Vietnam-only lookup on Vietnamese keys ...
void bm_lookup_vietnam_vn_keys(benchmark::State& state) {
    lookup_keys(state, numrep::plans::vietnam(), vietnam_keys());
}
BENCHMARK(bm_lookup_vietnam_vn_keys);

// ... and the world lookup on the same keys.
void bm_lookup_world_vn_keys(benchmark::State& state) { lookup_keys(state, world_plan(), vietnam_keys()); }
BENCHMARK(bm_lookup_world_vn_keys);

void bm_lookup_world_mixed_keys(benchmark::State& state) { lookup_keys(state, world_plan(), mixed_keys()); }
BENCHMARK(bm_lookup_world_mixed_keys);

// ---- libphonenumber, on the same strings and regions ----
#if NUMREP_HAVE_LIBPHONENUMBER
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

void bm_libphonenumber_parse(benchmark::State& state) {
    const corpus& c = the_corpus();
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    const std::size_t n = c.texts.size();
    PhoneNumber number;
    std::size_t i = 0;
    for (auto _ : state) {
        auto error = util.Parse(c.texts[i], c.regions[i], &number);
        benchmark::DoNotOptimize(error);
        benchmark::DoNotOptimize(number);
        if (++i == n) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_libphonenumber_parse);

// Parse, then type and validity: what numrep's parse + lookup answers (its region code too,
// which libphonenumber would need one more call for, GetRegionCodeForNumber: left out). The
// validity is the type's != UNKNOWN, which is what IsValidNumber computes: calling it as well
// classified each number twice (the corpus check in compare_parse.py holds them equal).
void bm_libphonenumber_parse_lookup(benchmark::State& state) {
    const corpus& c = the_corpus();
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    const std::size_t n = c.texts.size();
    PhoneNumber number;
    std::size_t i = 0;
    for (auto _ : state) {
        if (util.Parse(c.texts[i], c.regions[i], &number) == PhoneNumberUtil::NO_PARSING_ERROR) {
            const auto type = util.GetNumberType(number);
            const bool valid = type != PhoneNumberUtil::UNKNOWN;
            benchmark::DoNotOptimize(type);
            benchmark::DoNotOptimize(valid);
        }
        if (++i == n) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_libphonenumber_parse_lookup);
#endif

// ---- context: corpus, agreement, load time and bytes of the plans ----

double milliseconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

long rss_bytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6) * 1024;
    }
    return -1;
}

template <class Plan>
std::string plan_bytes(const Plan& plan) {
    if constexpr (requires { plan.memory_bytes(); }) {
        return std::to_string(plan.memory_bytes());
    } else {
        return "n/a (the plan has no memory_bytes())";
    }
}

// Time and resident memory of the first call of a plan (building or mapping it), as context.
template <class Get>
void first_use(const char* name, Get get) {
    const long rss_before = rss_bytes();
    const auto start = std::chrono::steady_clock::now();
    const auto& plan = get();
    const double ms = milliseconds_since(start);
    const long rss_after = rss_bytes();
    benchmark::AddCustomContext(std::string(name) + "_first_use_ms", std::to_string(ms));
    benchmark::AddCustomContext(std::string(name) + "_rss_growth_bytes", std::to_string(rss_after - rss_before));
    benchmark::AddCustomContext(std::string(name) + "_memory_bytes", plan_bytes(plan));
}

void add_context() {
    first_use("vietnam_plan", []() -> decltype(auto) { return numrep::plans::vietnam(); });
    first_use("world_plan", []() -> decltype(auto) { return world_plan(); });
    const corpus& c = the_corpus();
    benchmark::AddCustomContext("corpus", c.source);
    std::size_t numrep_ok = 0;
    for (std::size_t i = 0; i < c.texts.size(); ++i)
        if (numrep::try_parse(c.texts[i], c.regions[i])) ++numrep_ok;
    benchmark::AddCustomContext("numrep_parsed", std::to_string(numrep_ok) + " of " + std::to_string(c.texts.size()));
#if NUMREP_HAVE_LIBPHONENUMBER
    const auto start = std::chrono::steady_clock::now();
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    benchmark::AddCustomContext("libphonenumber_first_use_ms", std::to_string(milliseconds_since(start)));
    std::size_t theirs_ok = 0, same_key = 0;
    PhoneNumber number;
    std::string e164;
    for (std::size_t i = 0; i < c.texts.size(); ++i) {
        if (util.Parse(c.texts[i], c.regions[i], &number) != PhoneNumberUtil::NO_PARSING_ERROR) continue;
        ++theirs_ok;
        util.Format(number, PhoneNumberUtil::E164, &e164);
        const auto r = numrep::try_parse(c.texts[i], c.regions[i]);
        if (r && r->e164() == e164) ++same_key;
    }
    benchmark::AddCustomContext("libphonenumber_parsed",
                                std::to_string(theirs_ok) + " of " + std::to_string(c.texts.size()));
    benchmark::AddCustomContext("same_e164_as_libphonenumber",
                                std::to_string(same_key) + " of " + std::to_string(theirs_ok));
#else
    benchmark::AddCustomContext("libphonenumber", "not found at build time: its benchmarks are not compiled");
#endif
}

// `bench_world_parse --differential` (a CTest test): on every corpus line both libraries parse,
// numrep must give libphonenumber's E.164; numrep may refuse only what is longer than E.164's
// 15 digits. Prints the figures and the first disagreements; exit status 1 if there are any.
int differential() {
#if NUMREP_HAVE_LIBPHONENUMBER
    const corpus& c = the_corpus();
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    std::size_t both = 0, same = 0, only_theirs = 0, only_theirs_over_15 = 0, only_ours = 0, shown = 0;
    PhoneNumber number;
    std::string e164;
    for (std::size_t i = 0; i < c.texts.size(); ++i) {
        const bool theirs = util.Parse(c.texts[i], c.regions[i], &number) == PhoneNumberUtil::NO_PARSING_ERROR;
        if (theirs) util.Format(number, PhoneNumberUtil::E164, &e164);
        const auto ours = numrep::try_parse(c.texts[i], c.regions[i]);
        const bool over_15 = theirs && e164.size() > 16;
        if (theirs && ours) {
            ++both;
            if (ours->e164() == e164) {
                ++same;
                continue;
            }
        } else if (theirs) {
            ++(over_15 ? only_theirs_over_15 : only_theirs);
            if (over_15) continue;
        } else if (ours) {
            ++only_ours;
            continue;  // libphonenumber is stricter here (older metadata): not a wrong key
        } else {
            continue;
        }
        if (shown++ < 20)
            std::cout << "  " << c.regions[i] << " \"" << c.texts[i] << "\": libphonenumber "
                      << (theirs ? e164 : std::string("refuses")) << ", numrep "
                      << (ours ? ours->e164() : "refuses (" + std::string(numrep::describe(ours.error())) + ")")
                      << "\n";
    }
    std::cout << "corpus " << c.source << ": both parse " << both << ", same E.164 " << same << "; only libphonenumber "
              << only_theirs + only_theirs_over_15 << " (" << only_theirs_over_15
              << " of them over 15 digits), only numrep " << only_ours << "\n";
    return same == both && only_theirs == 0 ? 0 : 1;
#else
    std::cout << "libphonenumber was not found at build time\n";
    return 0;
#endif
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string_view(argv[1]) == "--differential") return differential();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    add_context();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
