// The reputation database in C++: ingest (CSV rows into a reputation_builder), build (records
// into a snapshot: sort, trie, Bloom filter) and check (ns per number, reported and never
// reported) on a database of 1M numbers. Goal (issue 5): ingest at least 1M rows/s.
// Rates are items_per_second: rows, records, or checks (ns per number = 1e9 / that).
//
//   ./bench_reputation                                  # ~1M rows, 1M-number database
//   ./bench_reputation --benchmark_min_time=0.001       # CI smoke run: small inputs (below 0.1 s)
//
// The CSV is generated in memory, FTC Do-Not-Call shaped (the preset's 8 columns, quoted
// subjects, CRLF, a few empty and malformed numbers), ~1M rows about ~300k distinct numbers
// (a few numbers draw many complaints), so the figure is the reader's and builder's, not the
// disk's. Inputs are built once, before timing.
#include <benchmark/benchmark.h>

#include <numrep/ingest.hpp>
#include <numrep/reputation_db.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Sizes; main() shrinks them for smoke runs.
std::size_t csv_rows = 1'000'000;
std::size_t csv_numbers = 300'000;
std::size_t db_numbers = 1'000'000;

// SplitMix64: a small deterministic generator, same stream on every platform.
struct splitmix {
    std::uint64_t state;
    std::uint64_t operator()() noexcept {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) noexcept { return (*this)() % n; }
};

constexpr std::string_view ftc_subjects[] = {
    "\"Calls pretending to be government, businesses, or family and friends\"",
    "Dropped call or no message",
    "Other",
    "No Subject Provided",
    "\"Reducing your debt (credit cards, mortgage, student loans)\"",
    "Computer  & technical support",
    "Warranties  & protection plans",
    "Medical  & prescriptions",
};

// FTC-shaped CSV of csv_rows rows whose numbers come from csv_numbers distinct US numbers;
// picking min of two uniform draws skews reports toward the low-index numbers.
const std::string& ftc_csv() {
    static const std::string text = [] {
        splitmix rng{2021};
        std::vector<std::uint64_t> numbers(csv_numbers);
        for (auto& n : numbers) n = 2'000'000'000ULL + rng.below(7'000'000'000ULL);  // NPA 200-899
        std::string
            s = "Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,"
                "Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\r\n";
        s.reserve(csv_rows * 128);
        char line[256];
        for (std::size_t i = 0; i < csv_rows; ++i) {
            const std::uint64_t r = rng();
            char number[24] = "";
            if (r % 50 == 0) {
                // empty: a bad row "missing number", as about 5% of the real file
            } else if (r % 50 == 1) {
                std::snprintf(number, sizeof number, "%llu",
                              static_cast<unsigned long long>(r % 100'000'000));  // too short
            } else {
                const std::size_t pick = std::min(rng.below(csv_numbers), rng.below(csv_numbers));
                std::snprintf(number, sizeof number, "%llu", static_cast<unsigned long long>(numbers[pick]));
            }
            const unsigned day = 1 + static_cast<unsigned>((r >> 8) % 28), hour = static_cast<unsigned>((r >> 16) % 24);
            const unsigned minute = static_cast<unsigned>((r >> 24) % 60);
            const int n = std::snprintf(line, sizeof line,
                                        "%s,2021-07-%02u %02u:%02u:11,2021-07-%02u %02u:%02u:00,,Texas,%u,%s,%s\r\n",
                                        number, day, hour, minute, day, hour, minute,
                                        201U + static_cast<unsigned>((r >> 32) % 700),
                                        ftc_subjects[(r >> 44) % std::size(ftc_subjects)].data(),
                                        (r >> 50) & 1 ? "Y" : "N");
            s.append(line, static_cast<std::size_t>(n));
        }
        return s;
    }();
    return text;
}

// Reads the CSV into a builder the way the CLI and Python do: reports in batches.
std::pair<numrep::reputation_builder, numrep::ingest_stats> ingest(std::string_view text) {
    numrep::report_reader reader(numrep::ingest_options::for_preset(numrep::preset::ftc));
    numrep::reputation_builder builder;
    std::vector<numrep::report> batch;
    batch.reserve(1 << 14);
    const auto flush = [&] {
        builder.add(std::span<const numrep::report>(batch), reader.categories());
        batch.clear();
    };
    numrep::ingest_stats stats = reader.read(text, [&](const numrep::report& r) {
        batch.push_back(r);
        if (batch.size() == batch.capacity()) flush();
    });
    flush();
    return {std::move(builder), std::move(stats)};
}

void bm_ingest_csv_to_builder(benchmark::State& state) {
    const std::string& text = ftc_csv();
    std::size_t numbers = 0;
    for (auto _ : state) {
        auto [builder, stats] = ingest(text);
        if (stats.rows != csv_rows) state.SkipWithError("ingest: wrong row count");
        numbers = builder.size();
        benchmark::DoNotOptimize(numbers);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(csv_rows));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
    state.counters["rows"] = static_cast<double>(csv_rows);
    state.counters["numbers"] = static_cast<double>(numbers);
}
BENCHMARK(bm_ingest_csv_to_builder)->Unit(benchmark::kMillisecond);

void bm_build_from_ingested(benchmark::State& state) {
    const auto ingested = ingest(ftc_csv());
    const numrep::reputation_builder& builder = ingested.first;
    for (auto _ : state) {
        numrep::reputation_db db = numrep::reputation_db::build(builder);
        benchmark::DoNotOptimize(db.size());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(builder.size()));
    state.counters["records"] = static_cast<double>(builder.size());
}
BENCHMARK(bm_build_from_ingested)->Unit(benchmark::kMillisecond);

// A database of db_numbers distinct Vietnamese mobile numbers (one to a few reports each)
// and as many numbers never reported, both shuffled.
struct check_fixture {
    numrep::reputation_db db;
    std::vector<std::uint64_t> reported, unreported;
};

const check_fixture& check_data() {
    static const check_fixture fixture = [] {
        splitmix rng{84};
        constexpr std::uint64_t prefixes[] = {8490, 8491, 8493, 8496, 8497, 8498, 8432, 8433, 8470, 8477, 8481, 8485};
        std::vector<std::uint64_t> keys;
        keys.reserve(db_numbers * 2 + db_numbers / 8);
        while (keys.size() < db_numbers * 2) {
            for (std::size_t i = 0; i < db_numbers / 4 + 16; ++i)
                keys.push_back(prefixes[rng.below(std::size(prefixes))] * 10'000'000ULL + rng.below(10'000'000));
            std::sort(keys.begin(), keys.end());
            keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        }
        for (std::size_t i = keys.size() - 1; i > 0; --i) std::swap(keys[i], keys[rng.below(i + 1)]);
        numrep::reputation_builder builder;
        for (std::size_t i = 0; i < db_numbers; ++i) {
            const auto reports = 1 + rng.below(3);
            for (std::uint64_t j = 0; j < reports; ++j)
                builder.add(keys[i], static_cast<numrep::report_category>(rng.below(numrep::report_category_count)),
                            1'700'000'000 + static_cast<std::int64_t>(rng.below(90 * 86400)),
                            static_cast<std::uint32_t>(1 + rng.below(500)), false);
        }
        check_fixture f{numrep::reputation_db::build(builder), {}, {}};
        f.reported.assign(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(db_numbers));
        f.unreported.assign(keys.begin() + static_cast<std::ptrdiff_t>(db_numbers),
                            keys.begin() + static_cast<std::ptrdiff_t>(2 * db_numbers));
        return f;
    }();
    return fixture;
}

void check_keys(benchmark::State& state, const std::vector<std::uint64_t>& keys, bool expect_reported) {
    const check_fixture& f = check_data();
    const std::int64_t now = 1'700'000'000 + 100 * 86400;
    std::size_t i = 0, found = 0, checked = 0;
    for (auto _ : state) {
        // 1024 checks per iteration, walking the shuffled keys: random access into the stores.
        for (int j = 0; j < 1024; ++j) {
            const numrep::reputation_verdict v = f.db.check(keys[i], now);
            found += v.reported ? 1 : 0;
            // What a caller reads: the score and the plan's answer (unread, the compiler may
            // drop the plan lookup, and the figure with it).
            benchmark::DoNotOptimize(v.score.score);
            benchmark::DoNotOptimize(v.info.carrier_id);
            if (++i == keys.size()) i = 0;
        }
        checked += 1024;
    }
    if (found != (expect_reported ? checked : 0)) state.SkipWithError("check: reported flags do not match the keys");
    state.SetItemsProcessed(static_cast<std::int64_t>(checked));
    state.counters["numbers_in_db"] = static_cast<double>(f.db.size());
}

void bm_check_reported(benchmark::State& state) { check_keys(state, check_data().reported, true); }
void bm_check_unreported(benchmark::State& state) { check_keys(state, check_data().unreported, false); }
BENCHMARK(bm_check_reported);
BENCHMARK(bm_check_unreported);

// The same checks through check_each, 1024 at a time: Bloom probes and trie lookups batched.
void check_keys_batched(benchmark::State& state, const std::vector<std::uint64_t>& keys, bool expect_reported) {
    const check_fixture& f = check_data();
    const std::int64_t now = 1'700'000'000 + 100 * 86400;
    std::size_t offset = 0, found = 0, checked = 0;
    for (auto _ : state) {
        if (offset + 1024 > keys.size()) offset = 0;
        const std::span<const std::uint64_t> part(keys.data() + offset, std::min<std::size_t>(1024, keys.size()));
        f.db.check_each(part, now, [&](std::size_t, const numrep::reputation_verdict& v) {
            found += v.reported ? 1 : 0;
            // What a caller reads: the score and the plan's answer (unread, the compiler may
            // drop the plan lookup, and the figure with it).
            benchmark::DoNotOptimize(v.score.score);
            benchmark::DoNotOptimize(v.info.carrier_id);
        });
        checked += part.size();
        offset += part.size();
    }
    if (found != (expect_reported ? checked : 0))
        state.SkipWithError("check_each: reported flags do not match the keys");
    state.SetItemsProcessed(static_cast<std::int64_t>(checked));
}
void bm_check_batch_reported(benchmark::State& state) { check_keys_batched(state, check_data().reported, true); }
void bm_check_batch_unreported(benchmark::State& state) { check_keys_batched(state, check_data().unreported, false); }
BENCHMARK(bm_check_batch_reported);
BENCHMARK(bm_check_batch_unreported);

// A service that adds each report as it comes: the database above, then 2,000 add_reports calls
// of one report each (numbers of the database). Each call used to leave a delta layer of its own,
// and a check looked a number up in every one; add_reports now merges them (O(log n) layers).
void bm_check_batch_after_single_adds(benchmark::State& state) {
    static const numrep::reputation_db& layered = *[] {
        const check_fixture& f = check_data();
        numrep::reputation_builder all;
        for (const std::uint64_t key : f.reported) {
            const auto r = f.db.find(key);
            if (r) all.add_record(key, *r);
        }
        auto* db = new numrep::reputation_db(numrep::reputation_db::build(all));  // kept to the end
        splitmix rng{7};
        for (int i = 0; i < 2000; ++i) {
            numrep::reputation_builder one;
            one.add(f.reported[rng.below(f.reported.size())], numrep::report_category::scam,
                    1'700'000'000 + static_cast<std::int64_t>(rng.below(90 * 86400)), 1, false);
            db->add_reports(one);
        }
        return db;
    }();
    const std::vector<std::uint64_t>& keys = check_data().reported;
    const std::int64_t now = 1'700'000'000 + 100 * 86400;
    std::size_t offset = 0, found = 0, checked = 0;
    for (auto _ : state) {
        if (offset + 1024 > keys.size()) offset = 0;
        const std::span<const std::uint64_t> part(keys.data() + offset, std::min<std::size_t>(1024, keys.size()));
        layered.check_each(part, now, [&](std::size_t, const numrep::reputation_verdict& v) {
            found += v.reported ? 1 : 0;
            benchmark::DoNotOptimize(v.score.score);
            benchmark::DoNotOptimize(v.info.carrier_id);
        });
        checked += part.size();
        offset += part.size();
    }
    if (found != checked) state.SkipWithError("check_each after adds: reported flags do not match the keys");
    state.SetItemsProcessed(static_cast<std::int64_t>(checked));
    state.counters["delta_layers"] = static_cast<double>(layered.delta_layers());
}
BENCHMARK(bm_check_batch_after_single_adds);

}  // namespace

int main(int argc, char** argv) {
    // Smoke runs (--benchmark_min_time below 0.1 s, as CI passes) get small inputs, so that
    // building them does not dominate the run.
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        constexpr std::string_view flag = "--benchmark_min_time=";
        if (arg.starts_with(flag) && std::strtod(arg.data() + flag.size(), nullptr) < 0.1) {
            csv_rows = 20'000;
            csv_numbers = 6'000;
            db_numbers = 20'000;
        }
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    std::fprintf(stderr, "ingest: %zu CSV rows about %zu numbers; check: %zu-number database\n", csv_rows, csv_numbers,
                 db_numbers);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
