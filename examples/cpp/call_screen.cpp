// Screens incoming calls against a numrep reputation database: the loop a call-screening
// service runs, minus the telephony. Reads caller numbers from stdin, one a line, in any
// written form ("0912 345 678", "+84912345678", "(202) 555-0143" with --region US), and
// prints one verdict line per call:
//
//   <input>  <E.164>  level=<clean|suspicious|likely_scam>  score=<0-100>  reports=<n>  carrier=<name|->
//
// A line that is not a phone number gets an "error" line instead; screening goes on. At the
// end, the number of calls and calls per second go to stderr.
//
//   example_build_db reports.csv db                 # or `numrep build`, or ReputationDB.save
//   example_call_screen db < callers.txt             # national forms in the database's region
//   example_call_screen db --region US --now 1625702400 < callers.txt
#include <numrep/numrep.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace {

struct options {
    std::string db_dir;
    std::int64_t now = numrep::reputation_db::now_seconds();  // scores decay with time: "now" matters
    // For national forms such as 0912...: --region, else the region the database was built with.
    std::optional<numrep::region> region;
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "example_call_screen: %s\nusage: example_call_screen DB_DIR [--now UNIX_SECONDS] [--region CC]\n",
                 problem.c_str());
    std::exit(2);
}

options parse_arguments(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) usage(std::string(arg) + " needs a value");
            return argv[++i];
        };
        if (arg == "--now") {
            const std::string text(value());
            const auto t = numrep::parse_time(text);  // unix seconds or an ISO 8601 date
            if (!t) usage("--now: \"" + text + "\" is not unix seconds or an ISO 8601 date");
            o.now = *t;
        } else if (arg == "--region") {
            const std::string code(value());
            const auto r = numrep::region::find(code);
            if (!r) usage("--region: unknown region \"" + code + "\" (expected an ISO code such as VN or US)");
            o.region = *r;
        } else if (!arg.empty() && arg[0] == '-') {
            usage("unknown option " + std::string(arg));
        } else if (o.db_dir.empty()) {
            o.db_dir = arg;
        } else {
            usage("more than one database given");
        }
    }
    if (o.db_dir.empty()) usage("no database given");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const options opts = parse_arguments(argc, argv);

    // open() maps the snapshot's files read-only: opening is instant whatever the size, and
    // several screening processes share one copy of the pages.
    std::optional<numrep::reputation_db> db;
    try {
        db.emplace(numrep::reputation_db::open(opts.db_dir));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "example_call_screen: %s\n", e.what());
        return 1;
    }
    const numrep::region region = opts.region.value_or(db->saved_region());
    std::fprintf(stderr, "screening against %zu reported numbers in %s\n", db->size(), opts.db_dir.c_str());

    std::ios::sync_with_stdio(false);
    std::uint64_t calls = 0, malformed = 0;
    std::string line;
    const auto start = std::chrono::steady_clock::now();
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF input
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        ++calls;

        // 1. Parse: any written form to an E.164 key. No exception on bad input, just a code.
        const numrep::parse_result parsed = numrep::try_parse(line, region);
        if (!parsed) {
            ++malformed;
            std::printf("%s\terror: %s\n", line.c_str(), numrep::parse_error_message(line, parsed).c_str());
            continue;
        }

        // 2. Check: Bloom filter, then trie, then any delta. Never blocks, never allocates much.
        const numrep::reputation_verdict v = db->check(parsed->key(), opts.now);

        // 3. Act on it: a real switch would reject or flag likely_scam calls here.
        const std::string_view carrier = v.info.carrier.empty() ? std::string_view("-") : v.info.carrier;
        // The score truncated, not rounded: 69.6 shown as 70 beside "suspicious" read as a wrong level.
        std::printf("%s\t%s\tlevel=%s\tscore=%d\treports=%llu\tcarrier=%.*s\n", line.c_str(), parsed->e164().c_str(),
                    std::string(numrep::to_string(v.score.level)).c_str(), static_cast<int>(v.score.score),
                    static_cast<unsigned long long>(v.record.total()), static_cast<int>(carrier.size()),
                    carrier.data());
    }
    std::fflush(stdout);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "%llu calls (%llu malformed) in %.3f s: %.0f calls/s\n",
                 static_cast<unsigned long long>(calls), static_cast<unsigned long long>(malformed), seconds,
                 seconds > 0 ? static_cast<double>(calls) / seconds : 0.0);
    return 0;
}
