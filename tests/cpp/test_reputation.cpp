#include <numrep/reputation_db.hpp>

#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "catch.hpp"
#include "test_support.hpp"

using numrep::report_category;
using numrep::reputation_level;

namespace {

using numrep_test::contains;

constexpr std::int64_t day = 86400;
constexpr std::int64_t now = 1'750'000'000;  // a fixed "now" so scores are exact
constexpr double half_life = 90.0 * day;

numrep::number_record history(
    std::initializer_list<std::tuple<report_category, std::int64_t, std::uint32_t, bool>> reports) {
    numrep::number_record r;
    for (const auto& [c, t, source, vote] : reports)
        numrep::add_report(r, c, static_cast<std::uint32_t>(t), source, vote, half_life);
    return r;
}

double score_of(const numrep::number_record& r) { return numrep::score_record(r, now, {}).score; }

// A batch verdict against the one-by-one check of its key: every field (a batch fills one verdict
// in place, key after key).
void check_same_verdict(const numrep::reputation_verdict& batch, const numrep::reputation_verdict& one) {
    REQUIRE(batch.key == one.key);
    CHECK(batch.reported == one.reported);
    CHECK(batch.record == one.record);
    CHECK(batch.score.score == one.score.score);
    CHECK(batch.score.level == one.score.level);
    CHECK(batch.score.delisted == one.score.delisted);
    CHECK(batch.score.recent_reports == one.score.recent_reports);
    CHECK(batch.score.distinct_sources == one.score.distinct_sources);
    CHECK(numrep_test::info_fields(batch.info) == numrep_test::info_fields(one.info));
}

// Records of one number merged in another order or grouping: exact but for the float32 decayed
// count, whose rounding follows the order of the merges.
void check_same_record(const numrep::number_record& x, const numrep::number_record& y) {
    CHECK(x.counts == y.counts);
    CHECK(x.not_spam == y.not_spam);
    CHECK(x.first_seen == y.first_seen);
    CHECK(x.last_seen == y.last_seen);
    CHECK(x.source_bits == y.source_bits);
    CHECK(x.decayed() == Approx(y.decayed()).epsilon(1e-5));
}

std::filesystem::path temp_dir(const char* name) {
    auto p = std::filesystem::temp_directory_path() /
             ("numrep_test_" + std::string(name) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(p);
    return p;
}

}  // namespace

TEST_CASE("category names from report sources map to categories", "[reputation]") {
    CHECK(numrep::classify_category("scam") == report_category::scam);
    CHECK(numrep::classify_category("Robocall") == report_category::robocall);
    CHECK(numrep::classify_category("Calls pretending to be government, businesses, or family and friends") ==
          report_category::scam);
    CHECK(numrep::classify_category("Warranties  & protection plans") == report_category::telemarketing);
    CHECK(numrep::classify_category("Debt reduction") == report_category::debt_collection);
    CHECK(numrep::classify_category("No Subject Provided") == report_category::other);
    CHECK(numrep::classify_category("Giả danh công an - lừa đảo") == report_category::scam);
    CHECK(numrep::classify_category("Mạo danh cán bộ tỉnh") == report_category::scam);  // impersonating officials
    CHECK(numrep::classify_category("") == report_category::other);
    CHECK(numrep::classify_category("Dropped call or no message") == report_category::silent);
}

TEST_CASE("category keywords match written with hyphens, underscores, slashes or runs of spaces", "[reputation]") {
    // Each of these was "other" (weight 1, where silent calls weigh 0.5): sources write the
    // keywords' spaces as hyphens ("One-ring scam" is the usual spelling).
    CHECK(numrep::classify_category("One-ring") == report_category::silent);
    CHECK(numrep::classify_category("Hang-up call") == report_category::silent);
    CHECK(numrep::classify_category("hung_up") == report_category::silent);
    CHECK(numrep::classify_category("dropped/call") == report_category::silent);
    CHECK(numrep::classify_category("Robo-call") == report_category::robocall);
    CHECK(numrep::classify_category("robo call") == report_category::robocall);
    CHECK(numrep::classify_category("gi\u1EA3  danh") == report_category::scam);          // giả  danh, two spaces
    CHECK(numrep::classify_category("L\u1EEAA-\u0110\u1EA2O") == report_category::scam);  // LỪA-ĐẢO
    // The eight names themselves still match only as written (debt_collection has its underscore).
    CHECK(numrep::classify_category("debt_collection") == report_category::debt_collection);
    CHECK(numrep::classify_category("Debt-collection") == report_category::debt_collection);  // the keyword "debt"
    CHECK(numrep::classify_category("ring") == report_category::other);
    // White space of other kinds between the words: a no-break space (web pages), a line
    // break, an ideographic space. They were "other".
    CHECK(numrep::classify_category("hang\u00A0up") == report_category::silent);
    CHECK(numrep::classify_category("l\u1EEBa\u00A0\u0111\u1EA3o") == report_category::scam);  // lừa đảo
    CHECK(numrep::classify_category("one\nring") == report_category::silent);
    CHECK(numrep::classify_category("robo\u3000call") == report_category::robocall);
}

TEST_CASE("category keywords match in any case, composed or decomposed, never without their accents", "[reputation]") {
    // Each of these was "other": upper case Vietnamese, NFD (base letter + combining marks, as
    // macOS sends text), a mix of the two, full-width letters.
    CHECK(numrep::classify_category("L\u1EEAA \u0110\u1EA2O") == report_category::scam);  // LỪA ĐẢO
    CHECK(numrep::classify_category("GI\u1EA2 DANH C\u00D4NG AN") == report_category::scam);
    CHECK(numrep::classify_category("lu\u031B\u0300a \u0111a\u0309o") == report_category::scam);  // NFD lừa đảo
    CHECK(numrep::classify_category("L\u01AF\u0300A \u0110\u1EA2O") == report_category::scam);    // Ư + grave
    CHECK(numrep::classify_category("QU\u1EA2NG C\u00C1O") == report_category::spam);
    CHECK(numrep::classify_category("\uFF53\uFF43\uFF41\uFF4D") == report_category::scam);  // ｓｃａｍ
    CHECK(numrep::classify_category("\uFF33\uFF30\uFF21\uFF2D") == report_category::spam);  // ＳＰＡＭ
    CHECK(numrep::classify_category("PHISHING") == report_category::scam);
    CHECK(numrep::classify_category("SILENT") == report_category::silent);
    // What a Turkish locale makes of "i" and "I" (a tool upper- or lower-casing the name).
    CHECK(numrep::classify_category("PH\u0130SH\u0130NG") == report_category::scam);
    CHECK(numrep::classify_category("ph\u0131sh\u0131ng") == report_category::scam);
    // Accents tell words apart: other words hold a keyword once they are gone.
    CHECK(numrep::classify_category("tham gia danh s\u00E1ch") == report_category::other);  // join a list
    CHECK(numrep::classify_category("H\u1ED7n lo\u1EA1n") == report_category::other);       // chaos: not "loan"
    CHECK(numrep::classify_category("M\u00E9dical") == report_category::other);
    CHECK(numrep::classify_category("lua dao") == report_category::other);
    // Marks in any canonically equal order: grave before horn, a deprecated grave (U+0340).
    CHECK(numrep::classify_category("lu\u0300\u031Ba \u0111a\u0309o") == report_category::scam);
    CHECK(numrep::classify_category("lu\u031B\u0340a \u0111a\u0309o") == report_category::scam);
    // Unikey's composite mode: "ộ" as "ô" then a dot below; its NFD has the dot first.
    CHECK(numrep::detail::fold_category_name("\u00D4\u0323") == numrep::detail::fold_category_name("\u1ED9"));
    CHECK(numrep::detail::fold_category_name("\u00F4\u0323") == "o\u0323\u0302");
    // Marks of one class keep their order (they are not interchangeable), as do marks across a
    // base character or a mark outside U+0300..U+036F.
    CHECK(numrep::detail::fold_category_name("a\u0301\u0302") == "a\u0301\u0302");
    CHECK(numrep::detail::fold_category_name("\u0302\u0323") == "\u0323\u0302");
    CHECK(numrep::detail::fold_category_name("a\u0302\u1DC0\u0323") == "a\u0302\u1DC0\u0323");
    // Folding is ASCII case, whatever the process's locale (std::tolower under tr_TR left 'I'),
    // and NFD for Latin letters; other characters and bad bytes stay.
    CHECK(numrep::detail::fold_category_name("WANGIRI Caf\u00C9 \u00DF\u4E2D") == "wangiri cafe\u0301 \u00DF\u4E2D");
    CHECK(numrep::detail::fold_category_name("bad \xFF byte") == "bad \xFF byte");
}

TEST_CASE("a category outside report_category is refused, never counted elsewhere", "[reputation]") {
    // Category 8 was written to not_spam: a scam report became a vote for the number.
    numrep::reputation_builder b;
    for (const unsigned bad : {8U, 20U, 255U})
        CHECK_THROWS_WITH(b.add(84912345678ULL, static_cast<report_category>(bad), now, 0, false),
                          numrep_test::contains("category " + std::to_string(bad) + " is not a report_category"));
    CHECK(b.size() == 0);
    b.add(84912345678ULL, report_category::other, now, 0, false);
    CHECK(b.size() == 1);
    numrep::number_record r{};
    CHECK_THROWS_WITH(numrep::add_report(r, static_cast<report_category>(8), now, 0, false, 86400.0),
                      numrep_test::contains("add_report: category 8 is not a report_category (0 .. 7)"));
    CHECK(r.not_spam == 0);
}

TEST_CASE("scores of hand-made histories have known values", "[reputation]") {
    using numrep::report_category;
    const auto expected = [](double evidence) { return 100.0 * (1.0 - std::exp(-evidence / 3.0)); };
    // One fresh scam report: weight 3 -> 63.2, suspicious.
    const auto one_scam = history({{report_category::scam, now, 0, false}});
    CHECK(score_of(one_scam) == Approx(expected(3.0)));
    CHECK(numrep::score_record(one_scam, now, {}).level == reputation_level::suspicious);
    // Two: likely scam.
    const auto two_scams = history(
        {{report_category::scam, now, 0, false}, {report_category::scam, now - 10, 0, false}});
    CHECK(score_of(two_scams) == Approx(expected(3.0 * (1.0 + std::exp2(-10.0 / half_life)))));
    CHECK(numrep::score_record(two_scams, now, {}).level == reputation_level::likely_scam);
    // A report one half-life old counts half.
    CHECK(score_of(history({{report_category::scam, now - 90 * day, 0, false}})) == Approx(expected(1.5)));
    // One spam report: clean.
    const auto spam = history({{report_category::spam, now, 0, false}});
    CHECK(score_of(spam) == Approx(expected(1.0)));
    CHECK(numrep::score_record(spam, now, {}).level == reputation_level::clean);
    // Two distinct sources count 1.5 times as much as one.
    REQUIRE(numrep::detail::source_bit(1) != numrep::detail::source_bit(2));
    const auto two_sources = history({{report_category::scam, now, 1, false}, {report_category::scam, now, 2, false}});
    CHECK(numrep::score_record(two_sources, now, {}).distinct_sources == 2);
    CHECK(score_of(two_sources) == Approx(expected(2 * 3.0 * 1.5)));
    // A not-spam vote cancels one weighted report.
    const auto voted = history({{report_category::scam, now, 0, false}, {report_category::spam, now, 0, true}});
    CHECK(voted.not_spam == 1);
    CHECK(voted.total() == 1);
    CHECK(score_of(voted) == Approx(expected(2.0)));
}

TEST_CASE("batch scoring gives score_record's scores to the bit", "[reputation]") {
    // detail::score_batch makes the exponentials of a run of records in loops of their own; every
    // field must still be what score_record gives, for any record (none, votes only, huge counts,
    // reports after `now`, long quiet, every setting of the thresholds).
    std::mt19937_64 rng(41);
    const auto pick = [&](std::uint32_t below) { return static_cast<std::uint32_t>(rng() % below); };
    for (int round = 0; round < 200; ++round) {
        numrep::reputation_config config;
        config.half_life_days = 1.0 / 24 + static_cast<double>(rng() % 36500);
        config.quiet_days = 1.0 / 24 + static_cast<double>(rng() % 1000);
        config.delist_min_votes = pick(5);
        config.suspicious_score = 1 + static_cast<double>(rng() % 60);
        config.likely_scam_score = config.suspicious_score + static_cast<double>(rng() % 40);
        const std::size_t n = 1 + rng() % numrep::detail::score_batch_size;
        std::vector<std::optional<numrep::number_record>> records(n);
        for (auto& r : records) {
            if (rng() % 5 == 0) continue;  // not reported
            numrep::number_record x;
            const bool huge = rng() % 10 == 0;
            for (auto& c : x.counts) c = rng() % 3 == 0 ? 0 : huge ? static_cast<std::uint32_t>(rng()) : pick(20);
            if (rng() % 7 == 0) x.counts = {};  // votes only
            x.not_spam = rng() % 3 == 0 ? pick(huge ? 1U << 31 : 10) : 0;
            x.last_seen = static_cast<std::uint32_t>(now - static_cast<std::int64_t>(rng() % (800 * day)) +
                                                     (rng() % 8 == 0 ? 5 * day : 0));
            x.first_seen = x.last_seen - pick(100 * day);
            x.source_bits = static_cast<std::uint32_t>(rng());
            x.set_decayed(huge ? static_cast<double>(rng() % 1000000000) : static_cast<double>(rng() % 4000) / 100);
            r = x;
        }
        std::vector<numrep::reputation_score> batch(n);
        numrep::detail::score_batch(records, now, config, batch);
        for (std::size_t i = 0; i < n; ++i) {
            if (!records[i]) continue;
            INFO("round " << round << ", record " << i);
            const auto one = numrep::score_record(*records[i], now, config);
            CHECK(std::bit_cast<std::uint64_t>(batch[i].score) == std::bit_cast<std::uint64_t>(one.score));
            CHECK(std::bit_cast<std::uint64_t>(batch[i].recent_reports) ==
                  std::bit_cast<std::uint64_t>(one.recent_reports));
            CHECK(batch[i].level == one.level);
            CHECK(batch[i].delisted == one.delisted);
            CHECK(batch[i].distinct_sources == one.distinct_sources);
        }
    }
}

TEST_CASE("delisting after a quiet period or enough not-spam votes", "[reputation]") {
    const auto old = history(
        {{report_category::scam, now - 400 * day, 0, false}, {report_category::scam, now - 400 * day, 0, false}});
    const auto s = numrep::score_record(old, now, {});
    CHECK(s.delisted);
    CHECK(s.level == reputation_level::clean);
    auto votes = history({{report_category::scam, now, 0, false}, {report_category::scam, now, 0, false}});
    for (int i = 0; i < 2; ++i) numrep::add_report(votes, report_category::other, now, 0, true, half_life);
    CHECK_FALSE(numrep::score_record(votes, now, {}).delisted);  // 2 votes: fewer than delist_min_votes
    numrep::add_report(votes, report_category::other, now, 0, true, half_life);
    CHECK(numrep::score_record(votes, now, {}).delisted);  // 3 votes >= 3 and >= 2 reports
    CHECK_FALSE(numrep::score_record(numrep::number_record{}, now, {}).delisted);
    CHECK(numrep::score_record(numrep::number_record{}, now, {}).score == 0);
}

TEST_CASE("records merge the same whatever the order and split of reports", "[reputation]") {
    std::mt19937_64 rng(5);
    std::vector<std::tuple<report_category, std::uint32_t, std::uint32_t, bool>> reports;
    for (int i = 0; i < 200; ++i)
        reports.emplace_back(static_cast<report_category>(rng() % 8),
                             static_cast<std::uint32_t>(now - static_cast<std::int64_t>(rng() % (400 * day))),
                             static_cast<std::uint32_t>(rng() % 50), rng() % 10 == 0);
    numrep::number_record all;
    for (const auto& [c, t, s, v] : reports) numrep::add_report(all, c, t, s, v, half_life);
    for (int trial = 0; trial < 5; ++trial) {
        std::shuffle(reports.begin(), reports.end(), rng);
        numrep::number_record a, b;
        const std::size_t split = rng() % reports.size();
        for (std::size_t i = 0; i < reports.size(); ++i) {
            const auto& [c, t, s, v] = reports[i];
            numrep::add_report(i < split ? a : b, c, t, s, v, half_life);
        }
        numrep::merge_records(a, b, half_life);
        check_same_record(a, all);
    }
}

TEST_CASE("reputation_db answers from snapshot and delta; compaction equals a rebuild", "[reputation][db]") {
    numrep::reputation_builder first, later, everything;
    std::mt19937_64 rng(11);
    for (int i = 0; i < 3000; ++i) {
        const std::uint64_t key = 84900000000ULL + rng() % 2000;
        const auto category = static_cast<report_category>(rng() % 8);
        const auto time = now - static_cast<std::int64_t>(rng() % (200 * day));
        const auto source = static_cast<std::uint32_t>(rng() % 30);
        const bool vote = rng() % 20 == 0;
        (i < 2000 ? first : later).add(key, category, time, source, vote);
        everything.add(key, category, time, source, vote);
    }
    auto db = numrep::reputation_db::build(first);
    const auto rebuilt = numrep::reputation_db::build(everything);
    const auto built = db.generation();
    db.add_reports(later);
    CHECK(db.delta_layers() == 1);
    CHECK(db.generation() > built);      // a new state: whatever a caller remembered of the old one is stale
    CHECK(db.keys() == rebuilt.keys());  // snapshot and delta keys, merged
    CHECK(db.count_prefix(849000000) == rebuilt.count_prefix(849000000));
    const auto compare = [&](const numrep::reputation_db& a) {
        for (std::uint64_t key = 84900000000ULL; key < 84900002000ULL; ++key) {
            const auto x = a.check(key, now), y = rebuilt.check(key, now);
            REQUIRE(x.reported == y.reported);
            CHECK(x.record.counts == y.record.counts);
            CHECK(x.record.source_bits == y.record.source_bits);
            CHECK(x.record.last_seen == y.record.last_seen);
            CHECK(x.score.score == Approx(y.score.score).margin(1e-3));
            CHECK(x.score.level == y.score.level);
        }
    };
    compare(db);  // snapshot + delta
    // The batch path (Bloom and trie lookups in chunks) agrees with one-by-one checks.
    std::vector<std::uint64_t> batch_keys;
    for (std::uint64_t key = 84899999000ULL; key < 84900003000ULL; key += 3) batch_keys.push_back(key);
    // Among them numbers the plan answers differently for (other countries, a landline, none).
    const std::uint64_t others[] = {16502530000ULL, 442079460000ULL, 84241234567ULL, 999ULL};
    for (std::size_t i = 0; i < std::size(others); ++i)
        batch_keys.insert(batch_keys.begin() + static_cast<std::ptrdiff_t>(97 * (i + 1)), others[i]);
    std::vector<numrep::reputation_verdict> batch(batch_keys.size());
    db.check_batch(batch_keys, now, batch);
    std::size_t reported = 0;
    for (std::size_t i = 0; i < batch_keys.size(); ++i) {
        const auto one = db.check(batch_keys[i], now);
        check_same_verdict(batch[i], one);
        reported += one.reported ? 1 : 0;
    }
    CHECK(reported > 100);
    CHECK_THROWS_AS(db.check_batch(batch_keys, now, std::span<numrep::reputation_verdict>(batch.data(), 3)),
                    std::invalid_argument);
    const auto before_compaction = db.generation();
    db.compact();
    CHECK(db.generation() > before_compaction);
    CHECK(db.delta_layers() == 0);
    CHECK(db.size() == rebuilt.size());
    compare(db);  // compacted
    const auto unreported = db.check(84911111111ULL, now);
    CHECK_FALSE(unreported.reported);
    CHECK(unreported.score.level == reputation_level::clean);
    CHECK(unreported.info.carrier == "Vinaphone");
}

TEST_CASE("reports added one at a time keep the delta layers few, and answer as one build", "[reputation][db]") {
    // A service adding each report as it comes: one add_reports call per report. Every call
    // used to leave a layer of its own (a check looked a key up in each).
    numrep::reputation_builder seed, everything;
    std::mt19937_64 rng(5);
    const auto report = [&](numrep::reputation_builder& b, int i) {
        const std::uint64_t key = 84900000000ULL + rng() % 700;
        const auto category = static_cast<report_category>(rng() % 8);
        const auto time = now - static_cast<std::int64_t>(rng() % (100 * day));
        const auto source = static_cast<std::uint32_t>(i % 40);
        const bool vote = i % 17 == 0;
        b.add(key, category, time, source, vote);
        everything.add(key, category, time, source, vote);
    };
    for (int i = 0; i < 500; ++i) report(seed, i);
    auto db = numrep::reputation_db::build(seed);
    std::size_t most_layers = 0;
    std::set<std::uint64_t> added;
    for (int i = 0; i < 3000; ++i) {
        numrep::reputation_builder one;
        report(one, i);
        added.insert(one.records().begin()->first);
        db.add_reports(one);
        most_layers = std::max(most_layers, db.delta_layers());
    }
    CHECK(most_layers <= 16);                // O(log n): 3,000 one-report layers unmerged
    CHECK(db.delta_size() == added.size());  // numbers, each once whatever the layers
    const auto rebuilt = numrep::reputation_db::build(everything);
    CHECK(db.keys() == rebuilt.keys());
    CHECK(db.number_count() == rebuilt.number_count());
    const auto compare = [&](const numrep::reputation_db& a) {
        for (std::uint64_t key = 84900000000ULL; key < 84900000700ULL; ++key) {
            const auto x = a.check(key, now), y = rebuilt.check(key, now);
            REQUIRE(x.reported == y.reported);
            check_same_record(x.record, y.record);
        }
    };
    compare(db);
    db.compact();
    CHECK(db.delta_layers() == 0);
    compare(db);
}

TEST_CASE("layers added during a compaction merge at the next call, even behind a bigger one",
          "[reputation][db][threads]") {
    // While a compaction runs, layers do not merge: one-report calls leave a layer each. Behind a
    // bigger layer added last, the doubling rule alone kept them all until as many more calls
    // came; past max_delta_layers every layer merges.
    numrep::reputation_builder seed;
    for (std::uint64_t i = 0; i < 300'000; ++i) seed.add(84900000000ULL + i * 7, report_category::spam, now, 1, false);
    auto db = numrep::reputation_db::build(seed);
    numrep::reputation_builder first;
    first.add(84912345678ULL, report_category::scam, now, 1, false);
    db.add_reports(first);
    const numrep::background_task compaction = db.compact_async();
    int during = 0;
    for (; during < 1000 && !compaction.ready(); ++during) {
        numrep::reputation_builder one;
        one.add(84911000000ULL + static_cast<unsigned>(during), report_category::scam, now, 1, false);
        db.add_reports(one);
    }
    // Last, a bigger layer: the doubling rule stops at it, and the small ones behind it stayed.
    numrep::reputation_builder batch;
    for (std::uint64_t i = 0; i < 1000; ++i) batch.add(84922000000ULL + i, report_category::spam, now, 2, false);
    db.add_reports(batch);
    const bool batch_during = !compaction.ready();
    compaction.get();
    REQUIRE(during == 1000);
    REQUIRE(batch_during);  // the compaction of 300,000 numbers outlasted the calls
    numrep::reputation_builder one_more;
    one_more.add(84933000000ULL, report_category::scam, now, 1, false);
    db.add_reports(one_more);
    CHECK(db.delta_layers() <= 2);
    // Every number once, in the snapshot (calls before the compaction began) or the delta.
    CHECK(db.number_count() == 300'000 + 1 + static_cast<std::size_t>(during) + 1000 + 1);
    CHECK(db.check(84911000000ULL, now).record.total() == 1);
    CHECK(db.check(84912345678ULL, now).record.total() == 1);
}

TEST_CASE("reports added while compactions run are each counted once", "[reputation][db][threads]") {
    // Layers merge only while no compaction runs: a compaction folds the layers it started
    // with and keeps the ones published after them, by position.
    numrep::reputation_builder seed;
    seed.add(84912345678ULL, report_category::scam, now, 1, false);
    auto db = numrep::reputation_db::build(seed);
    std::atomic<bool> done{false};
    std::thread compactor([&] {
        while (!done.load()) db.compact();
    });
    constexpr int adds = 2000;
    for (int i = 0; i < adds; ++i) {
        numrep::reputation_builder one;
        one.add(84912345678ULL + static_cast<unsigned>(i % 50), report_category::spam, now, 1, false);
        db.add_reports(one);
        if (i % 400 == 0) (void)db.compact_async();
    }
    done = true;
    compactor.join();
    db.compact_async().wait();
    db.compact();
    std::uint64_t total = 0;
    for (std::uint64_t key = 84912345678ULL; key < 84912345678ULL + 50; ++key)
        total += db.check(key, now).record.total();
    CHECK(total == adds + 1);
    CHECK(db.delta_layers() == 0);
}

// check_each stops asking the Bloom filter once a chunk (256 keys) is nearly all reported
// numbers, and asks it again after a chunk with misses. Runs of each kind, in turn, must give the
// verdicts one-by-one checks give, with reports in a delta layer too.
TEST_CASE("batch checks give the same verdicts on runs of reported and unreported numbers", "[reputation][db]") {
    numrep::reputation_builder b, later;
    std::mt19937_64 rng(23);
    std::vector<std::uint64_t> reported;
    for (int i = 0; i < 4000; ++i) {
        const std::uint64_t key = 84900000000ULL + 2 * (rng() % 50000);  // even: odd keys are never reported
        const auto category = static_cast<report_category>(rng() % 8);
        const auto time = now - static_cast<std::int64_t>(rng() % (300 * day));
        b.add(key, category, time, static_cast<std::uint32_t>(rng() % 40), rng() % 9 == 0);
        // Some numbers have later reports too (a delta layer merged into the snapshot's record).
        if (i % 5 == 0) later.add(key, report_category::scam, now - day, 7, false);
        reported.push_back(key);
    }
    later.add(84900000003ULL, report_category::spam, now, 1, false);  // in the delta only
    auto db = numrep::reputation_db::build(b);
    db.add_reports(later);
    const auto pick_reported = [&] { return reported[rng() % reported.size()]; };
    const auto pick_unreported = [&] { return 84900000001ULL + 2 * (rng() % 50000); };
    std::vector<std::uint64_t> keys;
    // Chunks: reported, reported, unreported, mixed, reported with one miss in 16, reported,
    // then reported with a few zeros and numbers of other countries, then a short tail.
    for (int chunk = 0; chunk < 7; ++chunk)
        for (int i = 0; i < 256; ++i) {
            switch (chunk) {
                case 2: keys.push_back(pick_unreported()); break;
                case 3: keys.push_back(i % 2 ? pick_reported() : pick_unreported()); break;
                case 4: keys.push_back(i % 16 ? pick_reported() : pick_unreported()); break;
                case 6: keys.push_back(i % 50 == 0 ? 0 : i % 50 == 1 ? 16502530000ULL : pick_reported()); break;
                default: keys.push_back(pick_reported());
            }
        }
    for (int i = 0; i < 37; ++i) keys.push_back(i % 3 ? pick_reported() : i == 3 ? 84900000003ULL : pick_unreported());
    std::vector<numrep::reputation_verdict> batch(keys.size());
    db.check_batch(keys, now, batch);
    std::size_t hits = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        INFO("row " << i << ", key " << keys[i]);
        const auto one = db.check(keys[i], now);
        check_same_verdict(batch[i], one);
        hits += one.reported ? 1 : 0;
    }
    CHECK(hits > keys.size() / 2);
    CHECK(hits < keys.size() - 300);
}

TEST_CASE("reputation_db refuses to save over a publication made since it was opened", "[reputation][db]") {
    // Two objects on one directory, each with reports of its own: the second save replaced the
    // first one's publication, whose reports were gone without a word.
    numrep::reputation_builder b;
    b.add(84912345678ULL, report_category::scam, now, 1, false);
    const auto dir = temp_dir("two_writers");
    numrep::reputation_db::build(b).save(dir);
    auto first = numrep::reputation_db::open(dir);
    auto second = numrep::reputation_db::open(dir);
    numrep::reputation_builder one, other;
    one.add(84987654321ULL, report_category::scam, now, 2, false);
    other.add(84861234567ULL, report_category::spam, now, 3, false);
    first.add_reports(one);
    second.add_reports(other);
    first.save(dir);
    CHECK_THROWS_WITH(second.save(dir), contains("has been published again (generation 2) since this one opened it "
                                                 "or last saved it there (generation 1)"));
    // Whatever path names the directory: a symbolic link to it.
    const auto link = temp_dir("two_writers_link");
    std::filesystem::create_directory_symlink(dir, link);
    CHECK_THROWS_WITH(second.save(link), contains("published again"));
    std::filesystem::remove(link);
    CHECK(numrep::reputation_db::open(dir).keys() == std::vector<std::uint64_t>{84912345678ULL, 84987654321ULL});
    first.save(dir);  // its own publication: saved again
    auto moved = std::move(first);
    moved.add_reports(other);
    moved.save(dir);  // a move keeps the publication it last saw
    CHECK(numrep::reputation_db::open(dir).size() == 3);
    numrep::reputation_db::open(dir).save(dir);  // a third object publishes
    CHECK_THROWS_WITH(moved.save(dir), contains("published again"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("reputation_db keeps what it saw of each directory apart from copies of it", "[reputation][db]") {
    // cp -r keeps a directory's database id: a save to the copy must neither make a later
    // publication in the original look seen (its reports would be dropped) nor make the
    // original, unchanged since the open, look published again.
    numrep::reputation_builder b;
    b.add(84912345678ULL, report_category::scam, now, 1, false);
    const auto dir = temp_dir("copies"), copy = temp_dir("copies_copy");
    numrep::reputation_db::build(b).save(dir);
    auto first = numrep::reputation_db::open(dir);
    std::filesystem::copy(dir, copy, std::filesystem::copy_options::recursive);
    first.save(copy);
    first.save(dir);  // nothing was published in dir since first opened it
    auto second = numrep::reputation_db::open(dir);
    numrep::reputation_builder one;
    one.add(84987654321ULL, report_category::scam, now, 2, false);
    second.add_reports(one);
    second.save(dir);
    first.save(copy);
    CHECK_THROWS_WITH(first.save(dir), contains("published again"));  // second's report stays
    CHECK(numrep::reputation_db::open(dir).size() == 2);
    std::filesystem::remove_all(dir);
    std::filesystem::remove_all(copy);
}

TEST_CASE("reputation_db saves the region it was opened from, not open's override", "[reputation][db]") {
    numrep::reputation_builder b;
    b.add(84912345678ULL, report_category::scam, now, 1, false);
    const auto dir = temp_dir("saved_region");
    numrep::reputation_db::build(b).save(dir);  // the default region, VN
    numrep::reputation_db_open_options how;
    how.default_region = numrep::region::none();
    auto overridden = numrep::reputation_db::open(dir, how);
    CHECK(overridden.settings().default_region.is_none());
    CHECK(overridden.saved_region().code() == "VN");
    overridden.save(dir);
    CHECK(numrep::reputation_db::open(dir).settings().default_region.code() == "VN");
    overridden.save(dir, *numrep::region::find("US"));
    CHECK(numrep::reputation_db::open(dir).settings().default_region.code() == "US");
    CHECK(overridden.saved_region().code() == "US");
    overridden.save(dir);  // from then on
    CHECK(numrep::reputation_db::open(dir).settings().default_region.code() == "US");
    // A refused save changes nothing: the region stays the one last saved.
    auto other = numrep::reputation_db::open(dir);
    other.save(dir);
    CHECK_THROWS(overridden.save(dir, numrep::region::none()));
    CHECK(overridden.saved_region().code() == "US");
    std::filesystem::remove_all(dir);
}

TEST_CASE("reputation_db saves and opens as a directory", "[reputation][db]") {
    numrep::reputation_builder b;
    b.add(84912345678ULL, report_category::scam, now - day, 1, false);
    b.add(84912345678ULL, report_category::scam, now, 2, false);
    b.add(84323456789ULL, report_category::spam, now, 1, false);
    auto db = numrep::reputation_db::build(b);
    numrep::reputation_builder extra;
    extra.add(84861234567ULL, report_category::robocall, now, 3, false);
    db.add_reports(extra);  // saving includes the delta
    const auto dir = temp_dir("save");
    db.save(dir);
    db.save(dir);  // replacing an existing database works too
    const auto opened = numrep::reputation_db::open(dir);
    CHECK(opened.size() == 3);
    for (std::uint64_t key : {84912345678ULL, 84323456789ULL, 84861234567ULL, 84999999999ULL}) {
        const auto x = db.check(key, now), y = opened.check(key, now);
        CHECK(x.reported == y.reported);
        CHECK(x.record == y.record);
    }
    CHECK(opened.check(84912345678ULL, now).score.level == reputation_level::likely_scam);
    CHECK(opened.keys() == std::vector<std::uint64_t>{84323456789ULL, 84861234567ULL, 84912345678ULL});
    CHECK(opened.keys(849) == std::vector<std::uint64_t>{84912345678ULL});
    CHECK(opened.count_prefix(84) == 3);
    CHECK(opened.count_prefix(8486) == 1);
    CHECK(opened.count_prefix(1) == 0);

    // A trailing separator names the same directory; an empty directory may be used; nothing
    // temporary stays behind.
    db.save(dir.string() + "/");
    CHECK(numrep::reputation_db::open(dir.string() + "/").size() == 3);
    const auto empty = temp_dir("empty");
    std::filesystem::create_directories(empty);
    db.save(empty);
    CHECK(numrep::reputation_db::open(empty).size() == 3);
    for (const auto& saved : {dir, empty})
        for (const char* suffix : {".tmp-save", ".tmp-old"})
            CHECK_FALSE(std::filesystem::exists(saved.string() + suffix));
    std::filesystem::remove_all(empty);
    // The handles to the snapshot's stores outlive a compaction.
    const auto records = db.records();
    numrep::reputation_builder more;
    more.add(84351234567ULL, report_category::spam, now, 1, false);
    db.add_reports(more);
    db.compact();
    CHECK(records->size() == 3);
    CHECK(db.records()->size() == 4);

    // A directory that is not a database is never replaced by a save.
    const auto precious = temp_dir("precious");
    std::filesystem::create_directories(precious);
    std::ofstream(precious / "notes.txt") << "keep me";
    CHECK_THROWS_WITH(db.save(precious), numrep_test::contains("neither empty nor a numrep database"));
    CHECK(std::filesystem::exists(precious / "notes.txt"));
    // A file in the directory's place, even an empty one, is named as a file; an empty path too.
    std::ofstream(precious / "empty.db").close();
    CHECK_THROWS_WITH(db.save(precious / "empty.db"), numrep_test::contains("it is a file, not a directory"));
    CHECK(std::filesystem::is_regular_file(precious / "empty.db"));
    CHECK_THROWS_WITH(db.save(""), numrep_test::contains("empty path"));
    std::filesystem::remove_all(precious);

    // Damage, crashes and format 1: test_db_directory.cpp.
    std::filesystem::remove_all(dir);
}

TEST_CASE("readers never block while reports arrive and snapshots are rebuilt", "[reputation][db][threads]") {
    numrep::reputation_builder seed;
    seed.add(84912345678ULL, report_category::scam, now, 1, false);
    auto db = numrep::reputation_db::build(seed);
    std::atomic<bool> done{false};
    std::atomic<long> checks{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t) {
        readers.emplace_back([&] {
            std::uint64_t last_total = 0;
            while (!done.load()) {
                const auto v = db.check(84912345678ULL, now);
                // Reports only accumulate: a reader never sees the count go back.
                if (v.record.total() < last_total) FAIL("report count went backwards");
                last_total = v.record.total();
                checks.fetch_add(1);
            }
        });
    }
    for (int round = 0; round < 30; ++round) {
        numrep::reputation_builder more;
        more.add(84912345678ULL, report_category::scam, now, static_cast<std::uint32_t>(round), false);
        more.add(numrep::detail::max_key / 10000 + static_cast<unsigned>(round) * 1ULL, report_category::spam, now, 1,
                 false);
        db.add_reports(more);
        if (round % 5 == 4) db.compact_async().wait();
    }
    db.compact();
    // The readers must have run before they stop (on a loaded machine they may start late); a
    // bounded wait, so that readers that never run fail the check below rather than hang.
    for (int i = 0; i < 10'000 && checks.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    done = true;
    for (auto& r : readers) r.join();
    readers.clear();
    // A move waits for a background compaction, so nothing it publishes is lost.
    numrep::reputation_builder last;
    last.add(84912345678ULL, report_category::scam, now, 99, false);
    db.add_reports(last);
    (void)db.compact_async();
    numrep::reputation_db moved(std::move(db));
    CHECK(moved.delta_layers() == 0);
    CHECK(moved.check(84912345678ULL, now).record.total() == 32);
    db = std::move(moved);
    for (auto& r : readers) r.join();
    CHECK(checks.load() > 0);
    CHECK(db.check(84912345678ULL, now).record.total() == 32);
    CHECK(db.size() == 31);
}

TEST_CASE("a background task is waited for from any copy and keeps what it threw", "[reputation][threads]") {
    const numrep::background_task none;
    CHECK_FALSE(none.valid());
    CHECK(none.ready());
    none.wait();
    none.get();

    std::atomic<bool> release{false};
    std::atomic<int> runs{0};
    const auto task = numrep::background_task::start([&] {
        while (!release.load()) std::this_thread::yield();
        runs.fetch_add(1);
    });
    CHECK(task.valid());
    CHECK_FALSE(task.ready());  // it cannot end before `release`
    // Copies on other threads wait at the same time; each returns once the one run has ended.
    std::vector<std::thread> waiters;
    std::atomic<int> returned{0};
    for (int i = 0; i < 4; ++i)
        waiters.emplace_back([copy = task, &returned, &runs] {
            copy.wait();
            if (runs.load() == 1) returned.fetch_add(1);
        });
    release = true;
    for (auto& w : waiters) w.join();
    CHECK(returned.load() == 4);
    CHECK(task.ready());
    task.get();  // nothing thrown
    CHECK(runs.load() == 1);

    const auto failing = numrep::background_task::start([] { throw std::runtime_error("compaction failed"); });
    failing.wait();  // waiting does not throw
    CHECK_THROWS_WITH(failing.get(), "compaction failed");
    CHECK_THROWS_WITH(failing.get(), "compaction failed");  // every get() rethrows

    // A handle dropped while its task runs: the task finishes, and the program does not end
    // (a std::thread destroyed unjoined would terminate it).
    std::atomic<bool> finished{false};
    (void)numrep::background_task::start([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        finished = true;
    });
    CHECK(finished.load());  // the last handle's end joined the thread
}

TEST_CASE("compact_async called while one runs: every handle ends, every report is folded",
          "[reputation][db][threads]") {
    numrep::reputation_builder seed;
    seed.add(84912345678ULL, report_category::scam, now, 1, false);
    auto db = numrep::reputation_db::build(seed);
    for (int round = 0; round < 20; ++round) {
        numrep::reputation_builder more;
        more.add(84912345679ULL + static_cast<unsigned>(round), report_category::spam, now, 1, false);
        db.add_reports(more);
        const auto first = db.compact_async();
        const auto second = db.compact_async();  // the first one, or a new one if it had ended
        first.get();
        second.get();
    }
    CHECK(db.delta_layers() == 0);
    CHECK(db.size() == 21);
}

TEST_CASE("readers pin a state and check without locks while writers publish", "[reputation][db][threads]") {
    numrep::reputation_builder seed;
    seed.add(84912345678ULL, report_category::scam, now, 1, false);
    auto db = numrep::reputation_db::build(seed);
    // A reader sees the state it pinned: later reports appear only after refresh().
    auto pinned = db.reader();
    numrep::reputation_builder one;
    one.add(84912345678ULL, report_category::scam, now, 2, false);
    db.add_reports(one);
    CHECK(pinned.check(84912345678ULL, now).record.total() == 1);
    CHECK(db.check(84912345678ULL, now).record.total() == 2);
    pinned.refresh();
    CHECK(pinned.check(84912345678ULL, now).record.total() == 2);
    CHECK(pinned.find(84912345678ULL)->total() == 2);
    static_assert(noexcept(db.check(1ULL, now)) && noexcept(pinned.check(1ULL, now)));

    // Under ThreadSanitizer: readers refresh and check while reports arrive and compactions run.
    std::atomic<bool> done{false};
    std::atomic<long> checks{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&] {
            auto r = db.reader();
            std::uint64_t last_total = 0;
            while (!done.load()) {
                for (int i = 0; i < 64; ++i) {
                    const auto v = r.check(84912345678ULL, now);
                    if (v.record.total() < last_total) FAIL("report count went backwards");
                    last_total = v.record.total();
                }
                checks.fetch_add(64);
                r.refresh();
            }
        });
    }
    for (int round = 0; round < 20; ++round) {
        numrep::reputation_builder more;
        more.add(84912345678ULL, report_category::scam, now, static_cast<std::uint32_t>(round + 10), false);
        db.add_reports(more);
        if (round % 4 == 3) db.compact_async().wait();
    }
    db.compact();
    // The readers must have run before they stop (on a loaded machine they may start late); a
    // bounded wait, so that readers that never run fail the check below rather than hang.
    for (int i = 0; i < 10'000 && checks.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    done = true;
    for (auto& t : threads) t.join();
    CHECK(checks.load() > 0);
    CHECK(db.reader().check(84912345678ULL, now).record.total() == 22);
}

TEST_CASE("reputation_db: a config the database cannot honour is refused, not dropped", "[reputation]") {
    numrep::reputation_config weekly;
    weekly.half_life_days = 7;
    weekly.suspicious_score = 5;
    numrep::reputation_builder plain, seven(weekly);
    plain.add(84912345678ULL, report_category::spam, now, 1, false);
    seven.add(84912345678ULL, report_category::spam, now, 1, false);
    // build: the config is the builder's (its decayed counts are of its half-life); one given in
    // the options too was silently replaced by it, thresholds and all.
    numrep::reputation_db_options options;
    options.config = weekly;
    CHECK_THROWS_WITH(numrep::reputation_db::build(plain, options), contains("opts.config differs from the builder's"));
    CHECK(numrep::reputation_db::build(seven, options).settings().config == weekly);
    CHECK(numrep::reputation_db::build(seven).settings().config == weekly);  // default options: the builder's
    // add_reports: reports aggregated with another half-life were merged as if of the database's.
    auto db = numrep::reputation_db::build(plain);
    CHECK_THROWS_WITH(db.add_reports(seven), contains("half-life of 7 days, the database decays with 90"));
    CHECK(db.delta_layers() == 0);
    numrep::reputation_config stricter;  // the same half-life, other thresholds: the records agree
    stricter.suspicious_score = 5;
    numrep::reputation_builder more(stricter);
    more.add(84912345678ULL, report_category::spam, now + day, 2, false);
    db.add_reports(more);
    CHECK(db.check(84912345678ULL, now + day).record.total() == 2);
    CHECK(db.settings().config == numrep::reputation_config{});
}
