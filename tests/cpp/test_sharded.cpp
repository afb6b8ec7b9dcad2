// Sharded databases: bounded-memory builds (runs spilled and merged) equal an in-memory build;
// checks route by key range; compaction rebuilds, and a save rewrites, only the shards whose
// range received reports; crashes at every step of a sharded build and of a partial save leave
// the old state or the new.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "catch.hpp"
#include "crash_support.hpp"
#include "numrep/database_builder.hpp"
#include "numrep/reputation_db.hpp"

namespace fs = std::filesystem;
using numrep::report_category;
using numrep_test::fingerprint;
using numrep_test::fresh_dir;
using numrep_test::what_opens;
namespace directory = numrep::detail::db_directory;

namespace {

constexpr std::int64_t now = numrep_test::probe_time;
constexpr std::int64_t day = 86400;

struct report_row {
    std::uint64_t key;
    report_category category;
    std::int64_t time;
    std::uint32_t source;
    bool not_spam;
};

// Reports on `numbers` distinct numbers of several lengths and countries, most reported more
// than once, in random order (so that a number's reports land in different runs).
std::vector<report_row> make_reports(std::size_t numbers, unsigned seed) {
    std::mt19937_64 random(seed);
    std::vector<std::uint64_t> keys;
    for (std::size_t i = 0; i < numbers; ++i) {
        switch (i % 4) {
            case 0: keys.push_back(84900000000ULL + random() % 100000000); break;  // VN mobile
            case 1: keys.push_back(8424000000ULL + random() % 10000000); break;    // VN fixed
            case 2: keys.push_back(12025550000ULL + random() % 10000); break;      // US
            default: keys.push_back(447700900000ULL + random() % 100000); break;   // UK
        }
    }
    std::vector<report_row> rows;
    for (const std::uint64_t k : keys)
        for (unsigned r = 0; r <= random() % 3; ++r)
            rows.push_back({k, static_cast<report_category>(random() % numrep::report_category_count),
                            now - static_cast<std::int64_t>(random() % 400) * day,
                            static_cast<std::uint32_t>(random() % 40), random() % 9 == 0});
    std::shuffle(rows.begin(), rows.end(), random);
    return rows;
}

numrep::reputation_db in_memory(const std::vector<report_row>& rows, const numrep::reputation_config& config) {
    numrep::reputation_builder b(config);
    for (const auto& r : rows) b.add(r.key, r.category, r.time, r.source, r.not_spam);
    return numrep::reputation_db::build(b);
}

numrep::database_build_summary build_dir(const fs::path& dir, const std::vector<report_row>& rows,
                                         numrep::database_build_options o) {
    numrep::database_builder b(dir, o);
    for (const auto& r : rows) b.add(r.key, r.category, r.time, r.source, r.not_spam);
    return b.finish();
}

// Every record equal but the decayed sum, which may differ in float rounding (records merge in
// another order), and the scores within that rounding.
void require_same_answers(const numrep::reputation_db& got, const numrep::reputation_db& want) {
    REQUIRE(got.keys() == want.keys());
    REQUIRE(got.number_count() == want.number_count());
    for (const std::uint64_t prefix : {0ULL, 8ULL, 84ULL, 849ULL, 8490ULL, 1ULL, 1202ULL, 44ULL, 447700ULL, 3ULL})
        REQUIRE(got.count_prefix(prefix) == want.count_prefix(prefix));
    std::vector<std::uint64_t> probe = want.keys();
    for (std::uint64_t k = 84900000000ULL; k < 85000000000ULL; k += 1000003) probe.push_back(k);
    std::vector<numrep::reputation_verdict> batch(probe.size());
    got.check_batch(probe, now, batch);
    for (std::size_t i = 0; i < probe.size(); ++i) {
        const auto a = got.check(probe[i], now), b = want.check(probe[i], now);
        INFO("key " << probe[i]);
        REQUIRE(a.reported == b.reported);
        REQUIRE(batch[i].reported == a.reported);
        auto ra = a.record, rb = b.record;
        REQUIRE(std::abs(ra.decayed() - rb.decayed()) <= 1e-5f * std::max(1.0f, rb.decayed()));
        REQUIRE(batch[i].record == a.record);
        ra.decayed_bits = rb.decayed_bits = 0;
        REQUIRE(ra == rb);
        REQUIRE(std::abs(a.score.score - b.score.score) <= 1e-3);
    }
}

}  // namespace

TEST_CASE("bounded-memory builds equal an in-memory build, however they spill and shard", "[db][sharded]") {
    const auto rows = make_reports(6000, 1);
    numrep::reputation_config config;
    config.half_life_days = 45;
    const auto want = in_memory(rows, config);
    struct variant {
        std::uint64_t budget;
        std::size_t shards;
        bool spills;
        std::size_t at_least_shards;
    };
    for (const variant v : {variant{0, 0, false, 1}, variant{0, 3, false, 3}, variant{200'000, 0, true, 4},
                            variant{200'000, 5, true, 5}, variant{0, 1, false, 1}}) {
        INFO("budget " << v.budget << " shards " << v.shards);
        const auto dir = fresh_dir("sharded_build");
        numrep::database_build_options o;
        o.config = config;
        o.memory_budget = v.budget;
        o.shards = v.shards;
        const auto summary = build_dir(dir, rows, o);
        CHECK((summary.runs > 1) == v.spills);
        CHECK(summary.shards >= v.at_least_shards);
        CHECK(summary.numbers == want.number_count());
        const auto db = numrep::reputation_db::open(dir);
        CHECK(db.shard_count() == summary.shards);
        // Equal shards when asked for a number of them.
        if (v.shards > 1) {
            for (std::size_t i = 0; i + 1 < db.shard_count(); ++i)
                CHECK(db.records(i)->size() + 1 >= db.records(0)->size());
        }
        // Ranges cover every key in order; each shard's keys lie in its range.
        CHECK(db.shard_range(0).first == 0);
        CHECK(db.shard_range(db.shard_count() - 1).second == ~std::uint64_t{0});
        for (std::size_t i = 0; i < db.shard_count(); ++i) {
            const auto [first, last] = db.shard_range(i);
            if (i > 0) CHECK(first == db.shard_range(i - 1).second + 1);
            if (db.records(i)->size() > 0) {
                CHECK(*db.records(i)->select(0) >= first);
                CHECK(*db.records(i)->select(db.records(i)->size() - 1) <= last);
            }
        }
        require_same_answers(db, want);
        // The spill folder is gone; the directory holds the manifest and two files per shard.
        for (const auto& e : fs::directory_iterator(dir.parent_path()))
            CHECK(e.path().filename().string().rfind(dir.filename().string() + ".build-", 0) != 0);
        CHECK(numrep_test::files_in(dir).size() == 1 + 2 * db.shard_count());
        fs::remove_all(dir);
    }
}

TEST_CASE("an empty build publishes one empty shard; bad options are refused at once", "[db][sharded]") {
    const auto dir = fresh_dir("sharded_empty");
    numrep::database_build_options o;
    o.shards = 4;
    CHECK(build_dir(dir, {}, o).shards == 1);
    const auto db = numrep::reputation_db::open(dir);
    CHECK(db.number_count() == 0);
    CHECK(!db.check(84912345678ULL, now).reported);
    fs::remove_all(dir);
    o.shards = 20000;
    CHECK_THROWS_WITH(numrep::database_builder(dir, o), numrep_test::contains("more than the 16384"));
    o.shards = 0;
    o.bloom_fpr = 0.9;
    CHECK_THROWS_WITH(numrep::database_builder(dir, o), numrep_test::contains("bloom_fpr"));
    fs::create_directories(dir);
    std::ofstream(dir / "mine.txt") << "not a database";
    CHECK_THROWS_WITH(numrep::database_builder(dir, numrep::database_build_options{}),
                      numrep_test::contains("will not replace"));
    fs::remove_all(dir);
}

TEST_CASE("compaction rebuilds only the shards whose range received reports; a save rewrites only those",
          "[db][sharded]") {
    const auto rows = make_reports(3000, 2);
    const auto dir = fresh_dir("sharded_partial");
    numrep::database_build_options o;
    o.shards = 4;
    build_dir(dir, rows, o);
    auto db = numrep::reputation_db::open(dir);
    REQUIRE(db.shard_count() == 4);
    const auto before = directory::read_manifest(dir);
    std::vector<const void*> stores;
    for (std::size_t i = 0; i < 4; ++i) stores.push_back(db.records(i).get());

    // Reports for numbers in shard 2's range only: one known, one new.
    const auto [first, last] = db.shard_range(2);
    // Past the last shard: numrep's message, not std::vector's range check.
    CHECK_THROWS_WITH(db.records(4), numrep_test::contains("shard 4 of 4: shards count from 0"));
    CHECK_THROWS_WITH(db.reported_numbers(9), numrep_test::contains("shard 9 of 4"));
    const std::uint64_t known = *db.records(2)->select(0);
    numrep::reputation_builder late(db.settings().config);
    late.add(known, report_category::scam, now, 7, false);
    late.add(first == last ? first : first + 1, report_category::robocall, now - day, 0, false);
    db.add_reports(late);
    auto reference = in_memory(rows, db.settings().config);
    reference.add_reports(late);
    db.compact();
    for (std::size_t i = 0; i < 4; ++i) CHECK((db.records(i).get() == stores[i]) == (i != 2));
    require_same_answers(db, reference);

    db.save(dir);
    const auto after = directory::read_manifest(dir);
    REQUIRE(after.shards.size() == 4);
    CHECK(after.generation == before.generation + 1);
    for (std::size_t i = 0; i < 4; ++i) {
        INFO("shard " << i);
        CHECK((after.shards[i] == before.shards[i]) == (i != 2));
    }
    CHECK(numrep_test::files_in(dir).size() == 9);  // the old shard 2 files are gone
    require_same_answers(numrep::reputation_db::open(dir), reference);

    // Saved elsewhere, every shard is written; saved again unchanged, nothing is.
    const auto copy = fresh_dir("sharded_copy");
    db.save(copy);
    db.save(copy);
    const auto copied = directory::read_manifest(copy);
    for (const auto& s : copied.shards) CHECK(s.records.name.find("-00000001-") != std::string::npos);
    CHECK(copied.generation == 2);
    fs::remove_all(copy);
    fs::remove_all(dir);
}

TEST_CASE("a crash at every step of a sharded build or a partial save leaves the old state or the new",
          "[db][sharded][crash]") {
    const auto dir = fresh_dir("sharded_crash");
    const auto rows_a = make_reports(800, 3), rows_b = make_reports(900, 4);
    numrep::database_build_options o;
    o.shards = 3;
    o.memory_budget = 150'000;  // spills: the merge is crashed too
    const auto build_b = [&] { build_dir(dir, rows_b, o); };
    build_dir(dir, rows_a, o);
    const std::string state_a = what_opens(dir);
    const std::vector<std::string> steps = numrep_test::steps_of(build_b);
    const std::string state_b = what_opens(dir);
    REQUIRE(state_a != state_b);
    REQUIRE(state_b.substr(0, 8) != "refused:");
    const auto published = std::find(steps.begin(), steps.end(), "published") - steps.begin();
    REQUIRE(published < static_cast<std::ptrdiff_t>(steps.size()));
    for (int at = 0; at <= static_cast<int>(steps.size()); ++at) {
        fs::remove_all(dir);
        build_dir(dir, rows_a, o);
        const bool crashed = numrep_test::crash_child_at(at, build_b);
        INFO("crash at step " << at);
        CHECK(what_opens(dir) == (crashed && at < published ? state_a : state_b));
    }

    // A partial save (one shard rewritten) crashed at every step.
    fs::remove_all(dir);
    build_dir(dir, rows_a, o);
    const auto partial_save = [&] {
        auto db = numrep::reputation_db::open(dir);
        numrep::reputation_builder late(db.settings().config);
        late.add(*db.records(1)->select(0), report_category::scam, now, 3, false);
        db.add_reports(late);
        db.save(dir);
    };
    const std::vector<std::string> save_steps = numrep_test::steps_of(partial_save);
    const std::string state_c = what_opens(dir);
    REQUIRE(state_c != state_a);
    const auto save_published = std::find(save_steps.begin(), save_steps.end(), "published") - save_steps.begin();
    for (int at = 0; at <= static_cast<int>(save_steps.size()); ++at) {
        fs::remove_all(dir);
        build_dir(dir, rows_a, o);
        const bool crashed = numrep_test::crash_child_at(at, partial_save);
        INFO("crash at save step " << at);
        CHECK(what_opens(dir) == (crashed && at < save_published ? state_a : state_c));
    }
    fs::remove_all(dir);
    // The spill folders of the crashed children (a crashed build leaves DIR.build-PID behind).
    for (const auto& e : fs::directory_iterator(dir.parent_path()))
        if (e.path().filename().string().rfind(dir.filename().string() + ".build-", 0) == 0) fs::remove_all(e.path());
}

TEST_CASE("builders never share spill files; many runs merge in passes; N shards are N", "[db][sharded]") {
    const auto rows_a = make_reports(3000, 11), rows_b = make_reports(3000, 12);
    const auto temp = fresh_dir("sharded_temp");
    const auto dir_a = fresh_dir("sharded_a"), dir_b = fresh_dir("sharded_b");
    numrep::database_build_options o;
    o.memory_budget = 1;  // 1024 numbers a run: a dozen runs each, merged 4 at a time
    o.temp_dir = temp;
    numrep::database_builder a(dir_a, o), b(dir_b, o);
    for (std::size_t i = 0; i < std::max(rows_a.size(), rows_b.size()); ++i) {
        if (i < rows_a.size())
            a.add(rows_a[i].key, rows_a[i].category, rows_a[i].time, rows_a[i].source, rows_a[i].not_spam);
        if (i < rows_b.size())
            b.add(rows_b[i].key, rows_b[i].category, rows_b[i].time, rows_b[i].source, rows_b[i].not_spam);
    }
    const auto summary_a = a.finish();
    CHECK(summary_a.runs > 4);
    b.finish();
    require_same_answers(numrep::reputation_db::open(dir_a), in_memory(rows_a, {}));
    require_same_answers(numrep::reputation_db::open(dir_b), in_memory(rows_b, {}));
    CHECK(fs::is_empty(temp));
    CHECK_THROWS_WITH(a.finish(), numrep_test::contains("already finished"));
    CHECK_THROWS_WITH(a.add(84912345678ULL, report_category::scam, now, 0, false),
                      numrep_test::contains("after the build finished"));

    // shards = N makes N shards of sizes within one of each other, whatever N and the count.
    for (const auto& [numbers, shards] : std::vector<std::pair<std::size_t, std::size_t>>{{9, 4}, {3, 4}, {10, 3}}) {
        std::vector<report_row> rows;
        for (std::size_t i = 0; i < numbers; ++i)
            rows.push_back({84900000000ULL + i * 7, report_category::scam, now - day, 0, false});
        numrep::database_build_options s;
        s.shards = shards;
        fs::remove_all(dir_a);
        CHECK(build_dir(dir_a, rows, s).shards == std::min(numbers, shards));
        const auto db = numrep::reputation_db::open(dir_a);
        std::size_t smallest = numbers, largest = 0;
        for (std::size_t i = 0; i < db.shard_count(); ++i) {
            smallest = std::min<std::size_t>(smallest, db.records(i)->size());
            largest = std::max<std::size_t>(largest, db.records(i)->size());
        }
        CHECK(largest - smallest <= 1);
    }
    fs::remove_all(dir_a);
    fs::remove_all(dir_b);
    fs::remove_all(temp);
}

TEST_CASE("a failed build publishes nothing and cannot be finished again", "[db][sharded]") {
    const auto dir = fresh_dir("sharded_fail");
    const auto rows = make_reports(500, 13);
    build_dir(dir, make_reports(200, 14), {});
    const std::string before = what_opens(dir);
    numrep::database_builder b(dir, {});
    for (const auto& r : rows) b.add(r.key, r.category, r.time, r.source, r.not_spam);
    directory::fault_hook = [](std::string_view step) {
        if (step == "records written") throw std::runtime_error("disk full");
    };
    CHECK_THROWS_WITH(b.finish(), numrep_test::contains("disk full"));
    directory::fault_hook = nullptr;
    CHECK_THROWS_WITH(b.finish(), numrep_test::contains("already finished"));
    CHECK(what_opens(dir) == before);
    fs::remove_all(dir);
}

TEST_CASE("a shard's files are never replaced once written; a save rewrites a damaged kept shard", "[db][sharded]") {
    const auto dir = fresh_dir("sharded_noreplace");
    numrep::database_build_options o;
    o.shards = 3;
    build_dir(dir, make_reports(600, 15), o);
    auto db = numrep::reputation_db::open(dir);
    const auto m = directory::read_manifest(dir);
    // A stale worker of an abandoned publication writing other stores under a name that exists
    // is refused.
    CHECK_THROWS_WITH(directory::write_shard(dir, m.generation, 1, m.shards[1].first_key, m.shards[1].last_key,
                                             *db.records(0), *db.reported_numbers(0)),
                      numrep_test::contains("already written by another publication"));
    CHECK(directory::read_manifest(dir).shards == m.shards);
    // The same stores written again (a Dask task re-run after its worker was lost) are the file
    // there: kept, and the entry is the published one. Refused, the retry failed the build.
    CHECK(directory::write_shard(dir, m.generation, 1, m.shards[1].first_key, m.shards[1].last_key, *db.records(1),
                                 *db.reported_numbers(1)) == m.shards[1]);
    CHECK(directory::read_manifest(dir).shards == m.shards);
    CHECK(what_opens(dir).substr(0, 8) != "refused:");
    // Shard 2's published Bloom filter damaged (its header): the next save writes shard 2 again
    // instead of keeping (or refusing to publish) it.
    const auto bloom = dir / m.shards[2].bloom.name;
    fs::permissions(bloom, fs::perms::owner_write, fs::perm_options::add);
    {
        std::fstream f(bloom, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(100);
        f.put('\x5a');
    }
    db.save(dir);
    const auto after = directory::read_manifest(dir);
    CHECK(after.shards[0] == m.shards[0]);
    CHECK(after.shards[2].bloom.name != m.shards[2].bloom.name);
    CHECK(what_opens(dir) == fingerprint(db));
    fs::remove_all(dir);
}
