// Report ingestion from CSV, rows per second. Goal (issue 5): at least 1M rows/s for the C++
// path. The input is generated once in memory, shaped like the FTC Do-Not-Call file (8
// columns, ~100 bytes a row, quoted categories with commas, ~5% empty numbers, a few odd
// ones), so that the figure is the reader's, not the disk's.
//   ./bench_ingest --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <numrep/ingest.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

namespace {

constexpr std::size_t row_count = 1 << 20;

// Subjects of the real file, with their quoting.
constexpr const char* subjects[] = {
    "Other",
    "Dropped call or no message",
    "\"Calls pretending to be government, businesses, or family and friends\"",
    "No Subject Provided",
    "Warranties  & protection plans",
    "\"Reducing your debt (credit cards, mortgage, student loans)\"",
    "Medical  & prescriptions",
    "\"Energy, solar,  & utilities\"",
    "Computer  & technical support",
    "Vacation  & timeshares",
};
constexpr const char* states[] = {"California", "Texas", "Florida", "New York", "Ohio", "Illinois", "Georgia"};
constexpr const char* cities[] = {"", "", "Clinton", "Riverside", "Honolulu", "Irvine", "Springfield"};

const std::string& ftc_like_csv() {
    static const std::string text = [] {
        std::string
            s = "Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,"
                "Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\r\n";
        s.reserve(row_count * 112);
        std::mt19937_64 rng(7);
        char row[320];
        for (std::size_t i = 0; i < row_count; ++i) {
            const std::uint64_t r = rng();
            char number[24];
            switch (r % 40) {
                case 0:
                case 1: number[0] = '\0'; break;  // empty
                case 2: std::snprintf(number, sizeof number, "%07u", unsigned(r >> 20) % 10000000U); break;
                case 3: std::snprintf(number, sizeof number, "951677xxxx"); break;
                default:
                    std::snprintf(number, sizeof number, "%03u%07u", 201U + unsigned(r >> 8) % 790U,
                                  unsigned(r >> 24) % 10000000U);
            }
            const unsigned day = 1 + unsigned(r >> 40) % 28;
            const unsigned hour = unsigned(r >> 45) % 24;
            const unsigned minute = unsigned(r >> 50) % 60;
            const int n = std::snprintf(row, sizeof row,
                                        "%s,2021-07-07 %02u:%02u:%02u,2021-06-%02u %02u:%02u:00,%s,%s,%03u,%s,%s\r\n",
                                        number, hour, minute, unsigned(r >> 56) % 60, day, hour, minute,
                                        cities[(r >> 33) % 7], states[(r >> 36) % 7], 201U + unsigned(r >> 12) % 790U,
                                        subjects[(r >> 4) % 10], (r & 1) ? "Y" : "N");
            s.append(row, static_cast<std::size_t>(n));
        }
        return s;
    }();
    return text;
}

void bm_ingest_ftc(benchmark::State& state) {
    const std::string& text = ftc_like_csv();
    const auto options = numrep::ingest_options::for_preset(numrep::preset::ftc);
    std::uint64_t rows = 0;
    for (auto _ : state) {
        numrep::report_reader reader(options);
        std::uint64_t checksum = 0;
        const auto stats = reader.read(text, [&](const numrep::report& r) {
            checksum += r.key ^ static_cast<std::uint64_t>(r.time);
        });
        benchmark::DoNotOptimize(checksum);
        rows += stats.rows;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(rows));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
    state.counters["rows"] = static_cast<double>(row_count);
}
BENCHMARK(bm_ingest_ftc)->Unit(benchmark::kMillisecond);

// The CSV layer alone: how much of the time is splitting fields.
void bm_csv_only(benchmark::State& state) {
    const std::string& text = ftc_like_csv();
    std::uint64_t records = 0;
    for (auto _ : state) {
        numrep::csv_reader csv(text);
        std::size_t fields = 0;
        while (csv.next() == numrep::csv_status::record) fields += csv.size();
        benchmark::DoNotOptimize(fields);
        records += row_count + 1;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(records));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(bm_csv_only)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
