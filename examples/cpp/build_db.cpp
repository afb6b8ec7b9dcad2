// Builds a reputation database from a CSV file of reports and saves it as a directory that
// example_call_screen (or `numrep check`, or numrep.ReputationDB.open) can open.
//
//   example_build_db REPORTS.csv OUT_DIR [--preset ftc]
//
// Without a preset the CSV needs the columns number, time and category (by header name);
// --preset ftc reads the US FTC Do-Not-Call complaint files. Bad rows are counted by reason
// and the first ones shown with their line numbers: nothing is dropped silently.
#include <numrep/numrep.hpp>

#include <cstdio>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
    std::vector<std::string_view> positional;
    numrep::ingest_options options;  // columns number,time,category; national forms are Vietnamese
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--preset" && i + 1 < argc) {
            const auto preset = numrep::find_preset(argv[++i]);
            if (!preset) {
                std::fprintf(stderr, "example_build_db: unknown preset \"%s\" (known: ftc)\n", argv[i]);
                return 2;
            }
            options = numrep::ingest_options::for_preset(*preset);
        } else if (!arg.empty() && arg[0] == '-') {
            std::fprintf(stderr, "example_build_db: unknown option %s\n", argv[i]);
            return 2;
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2) {
        std::fprintf(stderr, "usage: example_build_db REPORTS.csv OUT_DIR [--preset ftc]\n");
        return 2;
    }
    const std::string reports_path(positional[0]), out_dir(positional[1]);

    try {
        // The reader streams the (memory-mapped) file; the builder keeps one record per
        // distinct number, so memory follows the numbers, not the rows. Reports go to the
        // builder in batches: it resolves category names to report categories once per batch.
        numrep::report_reader reader(options);
        numrep::reputation_builder builder;
        std::vector<numrep::report> batch;
        batch.reserve(4096);
        const auto flush = [&] {
            builder.add(std::span<const numrep::report>(batch), reader.categories());
            batch.clear();
        };
        const numrep::ingest_stats stats = reader.read_file(reports_path, [&](const numrep::report& r) {
            batch.push_back(r);
            if (batch.size() == batch.capacity()) flush();
        });
        flush();

        // Sorts the records into a succinct trie with a Bloom filter in front, then writes
        // them as a directory (atomically: a crash leaves no half-written database). The region
        // the reports' national forms were read in (the ftc preset's: US) is saved with it, so
        // that its users read national forms the same way.
        numrep::reputation_db::options db_options;
        db_options.default_region = options.default_region;
        numrep::reputation_db db = numrep::reputation_db::build(builder, db_options);
        db.save(out_dir);

        std::printf("%s: %s\n", reports_path.c_str(), stats.summary().c_str());
        std::printf("%zu numbers, %zu categories; saved to %s\n", db.size(), reader.categories().size() - 1,
                    out_dir.c_str());
    } catch (const std::exception& e) {  // a missing file, a header without the mapped columns, ...
        std::fprintf(stderr, "example_build_db: %s\n", e.what());
        return 1;
    }
    return 0;
}
