// The database directory (format 2): the manifest, binding stores to their database, format 1
// still opening and upgrading, every byte of every file flipped, and crashes at every step of a
// save and at random moments (fork, then _exit or SIGKILL), repeated.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "catch.hpp"
#include "crash_support.hpp"
#include "numrep/reputation_db.hpp"

namespace fs = std::filesystem;
using numrep::report_category;
namespace manifest = numrep::detail::db_manifest;
namespace directory = numrep::detail::db_directory;
using numrep_test::crash_child_at;
using numrep_test::files_in;
using numrep_test::fingerprint;
using numrep_test::fresh_dir;
using numrep_test::what_opens;

namespace {

constexpr std::int64_t now = 1'750'000'000;
constexpr std::int64_t day = 86400;

std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

// A database whose every answer differs from another's made with another seed: its own numbers,
// counts, settings and region.
numrep::reputation_db make_db(unsigned seed, std::size_t numbers = 40, std::uint32_t source_salt = 0) {
    numrep::reputation_config config;
    config.half_life_days = 30 + seed;
    numrep::reputation_builder b(config);
    std::mt19937_64 random(seed);
    for (std::size_t i = 0; i < numbers; ++i) {
        const std::uint64_t key = 84900000000ULL + random() % 1000000;
        for (unsigned r = 0; r <= seed % 3; ++r)
            b.add(key, static_cast<report_category>(random() % numrep::report_category_count),
                  now - static_cast<std::int64_t>(random() % 400) * day,
                  static_cast<std::uint32_t>(random() % 50) + source_salt, random() % 7 == 0);
    }
    numrep::reputation_db::options o;
    o.default_region = seed % 2 ? *numrep::region::find("US") : numrep::region::vietnam();
    return numrep::reputation_db::build(b, o);
}

// Writes a format 1 directory as numrep 0.1 did.
void write_v1(const fs::path& dir, const numrep::reputation_db& db) {
    fs::create_directories(dir);
    db.records()->save(dir / "records.trie");
    db.reported_numbers()->save(dir / "numbers.bloom");
    const auto& c = db.settings().config;
    std::ofstream meta(dir / "meta.txt", std::ios::binary);
    meta.precision(17);
    meta << "numrep-reputation 1\nhalf_life_days=" << c.half_life_days << "\nquiet_days=" << c.quiet_days
         << "\ndelist_min_votes=" << c.delist_min_votes << "\nsuspicious_score=" << c.suspicious_score
         << "\nlikely_scam_score=" << c.likely_scam_score << "\ncategory_weights=";
    for (std::size_t i = 0; i < c.category_weights.size(); ++i) meta << (i ? "," : "") << c.category_weights[i];
    meta << "\n";
}

}  // namespace

TEST_CASE("opening a path that is not there says so", "[db][directory]") {
    const auto dir = fresh_dir("not_there");
    fs::remove_all(dir);
    CHECK_THROWS_WITH(numrep::reputation_db::open(dir),
                      numrep_test::contains("(a numrep database is a directory with a MANIFEST): No such file"));
    // As the stores say it: ENOENT (Python's FileNotFoundError), not a format error.
    try {
        (void)numrep::reputation_db::open(dir);
        FAIL("opened a directory that is not there");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::no_such_file_or_directory);
    }
}

TEST_CASE("a saved database is a manifest and the files it names", "[db][directory]") {
    const auto dir = fresh_dir("layout");
    auto db = make_db(1);
    db.save(dir);
    CHECK(files_in(dir) ==
          std::vector<std::string>{"MANIFEST", "numbers-00000001-00000.bloom", "records-00000001-00000.trie"});
    const auto m = directory::read_manifest(dir);
    CHECK(m.generation == 1);
    CHECK(m.default_region.code() == "US");  // the region is remembered
    CHECK(m.config.half_life_days == 31);
    REQUIRE(m.shards.size() == 1);
    CHECK(m.shards[0].numbers == db.size());
    CHECK(m.shards[0].records.size == fs::file_size(dir / m.shards[0].records.name));
    // The manifest reads back to the same text, and the database to the same answers.
    CHECK(manifest::format_manifest(m) == read_bytes(dir / "MANIFEST"));
    const auto opened = numrep::reputation_db::open(dir);
    CHECK(fingerprint(opened) == fingerprint(db));
    CHECK(opened.settings().default_region.code() == "US");
    numrep::reputation_db_open_options how;
    how.default_region = numrep::region::vietnam();
    CHECK(numrep::reputation_db::open(dir, how).settings().default_region.code() == "VN");

    // The next save is the next generation; the files of the previous one go, the id stays.
    make_db(2).save(dir);
    CHECK(files_in(dir) ==
          std::vector<std::string>{"MANIFEST", "numbers-00000002-00000.bloom", "records-00000002-00000.trie"});
    CHECK(directory::read_manifest(dir).database_id == m.database_id);
    CHECK(fingerprint(numrep::reputation_db::open(dir)) == fingerprint(make_db(2)));
    // Files that are not numrep's stay.
    write_bytes(dir / "notes.txt", "mine");
    make_db(3).save(dir);
    CHECK(fs::exists(dir / "notes.txt"));
    fs::remove_all(dir);
}

TEST_CASE("the manifest refuses anything numrep would not write", "[db][directory]") {
    const auto dir = fresh_dir("manifest");
    make_db(1).save(dir);
    const std::string good = read_bytes(dir / "MANIFEST");
    const auto parse = [](const std::string& text) { return manifest::parse_manifest(text, "MANIFEST"); };
    CHECK_NOTHROW(parse(good));
    // Re-checksummed edits: absurd settings and other spellings are refused with a reason.
    const auto edited = [&](const std::string& from, const std::string& to) {
        std::string body = good.substr(0, good.rfind("checksum="));
        REQUIRE(body.find(from) != std::string::npos);
        body.replace(body.find(from), from.size(), to);
        return body + "checksum=" +
               manifest::hex16(numrep::detail::xxh3_bytes(std::as_bytes(std::span(body.data(), body.size())))) + "\n";
    };
    for (const auto& [from, to, why] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"half_life_days=31", "half_life_days=4.9e-324", "half_life_days must be from"},
             {"half_life_days=31", "half_life_days=31.0", "not in the form numrep writes"},
             {"half_life_days=31", "half_life_days=nan", "not a finite decimal number"},
             {"category_weights=3,", "category_weights=1e308,", "category weights must be from 0 to 100"},
             {"quiet_days=365", "quiet_days=-1", "quiet_days must be from"},
             {"suspicious_score=30", "suspicious_score=80", "score thresholds"},
             {"bloom_fpr=0.001", "bloom_fpr=1", "bloom_fpr must be from"},
             {"region=US", "region=XX", "unknown region"},
             {"region=US", "region=us", "unknown region"},
             {"generation=1", "generation=01", "not a whole number"},
             {"shards=1", "shards=2", "expected shard.1.keys"},
             {"shards=1", "shards=0", "no shards"},
             {"records-00000001-00000.trie", "../../etc/passwd", "is not a store name of shard 0"},
             {"records-00000001-00000.trie", "records-00000002-00000.trie", "generation 1 to 1"},
             {"records-00000001-00000.trie", "records-00000001-00001.trie", "is not a store name of shard 0"},
             {"numbers-00000001-00000.bloom", "numbers-00000000-00000.bloom", "is not the expected"},
             {"keys=0-", "keys=5-", "cover every key"},
             {"numrep-database 2", "numrep-database 3", "a database format this numrep does not know"}}) {
        INFO(to);
        CHECK_THROWS_WITH(parse(edited(from, to)), numrep_test::contains(why));
    }
    CHECK_THROWS_WITH(parse(good.substr(0, good.size() - 1)), numrep_test::contains("incomplete"));
    CHECK_THROWS_WITH(parse(good.substr(0, good.size() / 2)), numrep_test::contains("incomplete"));
    CHECK_THROWS_WITH(parse(""), numrep_test::contains("incomplete"));
    CHECK_THROWS_WITH(parse(good + "x\n"), numrep_test::contains("incomplete"));
    // A flipped byte is damage, whatever the text then says (suspicious_score 30 → 20).
    std::string flipped = good;
    flipped[flipped.find("suspicious_score=30") + 17] = '2';
    CHECK_THROWS_WITH(parse(flipped), numrep_test::contains("checksum mismatch"));
    fs::remove_all(dir);
}

TEST_CASE("stores from another database or generation are refused, naming them", "[db][directory]") {
    const auto a = fresh_dir("bind_a"), b = fresh_dir("bind_b");
    make_db(1).save(a);
    make_db(2, 60).save(b);
    const auto m = directory::read_manifest(a);
    const auto other = directory::read_manifest(b);
    for (const bool records : {true, false}) {
        const auto damaged = fresh_dir("bind_damaged");
        fs::copy(a, damaged);
        const std::string mine = records ? m.shards[0].records.name : m.shards[0].bloom.name;
        const std::string theirs = records ? other.shards[0].records.name : other.shards[0].bloom.name;
        fs::copy_file(b / theirs, damaged / mine, fs::copy_options::overwrite_existing);
        CHECK_THROWS_WITH(numrep::reputation_db::open(damaged),
                          numrep_test::contains(mine) && numrep_test::contains("does not belong to this database"));
        fs::remove_all(damaged);
    }
    // A store of the same size and keys but other records: only the checksum tells them apart.
    {
        const auto same_size = fresh_dir("bind_same_size");
        auto twin = make_db(1, 40, 7);  // the same reports from other sources
        twin.save(same_size);
        const auto theirs = directory::read_manifest(same_size).shards[0].records;
        REQUIRE(theirs.size == m.shards[0].records.size);
        REQUIRE(theirs.checksum != m.shards[0].records.checksum);
        const auto damaged = fresh_dir("bind_damaged_same_size");
        fs::copy(a, damaged);
        fs::copy_file(same_size / theirs.name, damaged / m.shards[0].records.name,
                      fs::copy_options::overwrite_existing);
        CHECK_THROWS_WITH(numrep::reputation_db::open(damaged),
                          numrep_test::contains("does not belong to this database"));
        fs::remove_all(damaged);
        fs::remove_all(same_size);
    }
    // A missing store, a manifest or a store passed as the database, a directory with no manifest.
    const auto damaged = fresh_dir("bind_missing");
    fs::copy(a, damaged);
    fs::remove(damaged / m.shards[0].bloom.name);
    CHECK_THROWS_WITH(numrep::reputation_db::open(damaged), numrep_test::contains(m.shards[0].bloom.name));
    fs::resize_file(damaged / "MANIFEST", 0);  // emptied: damaged, not "nothing published"
    CHECK_THROWS_WITH(numrep::reputation_db::open(damaged), numrep_test::contains("its MANIFEST does not begin with"));
    fs::remove(damaged / "MANIFEST");
    // Removed with store files left: not "nothing was published here", which may be untrue.
    CHECK_THROWS_WITH(numrep::reputation_db::open(damaged),
                      numrep_test::contains("no MANIFEST, though numrep store files are there"));
    CHECK_THROWS_AS(numrep::reputation_db::open(a / "MANIFEST"), numrep::format_error);
    // A huge (sparse) manifest is refused before it is read.
    fs::copy_file(a / "MANIFEST", damaged / "MANIFEST");
    fs::resize_file(damaged / "MANIFEST", std::uintmax_t{16} << 30);
    CHECK_THROWS_WITH(numrep::reputation_db::open(damaged), numrep_test::contains("more than the"));
    for (const auto& d : {a, b, damaged}) fs::remove_all(d);
}

TEST_CASE("a store damaged in itself is refused for its damage, not as another database's", "[db][directory]") {
    const auto a = fresh_dir("self_damaged");
    make_db(1).save(a);
    const auto m = directory::read_manifest(a);
    for (const bool records : {true, false}) {
        const std::string name = records ? m.shards[0].records.name : m.shards[0].bloom.name;
        const std::uintmax_t size = fs::file_size(a / name);
        for (const std::uintmax_t length : {std::uintmax_t{100}, size - 1, size + 8}) {
            const auto damaged = fresh_dir("self_damaged_copy");
            fs::copy(a, damaged);
            fs::resize_file(damaged / name, length);
            std::string message;
            try {
                (void)numrep::reputation_db::open(damaged);
            } catch (const numrep::format_error& e) {
                message = e.what();
            }
            INFO(name << " resized to " << length << ": " << message);
            CHECK(message.find(name) != std::string::npos);
            CHECK(message.find("does not belong") == std::string::npos);
            CHECK((message.find("truncated") != std::string::npos || message.find("bytes") != std::string::npos));
            fs::remove_all(damaged);
        }
    }
    fs::remove_all(a);
}

TEST_CASE("a database path that cannot be followed says why", "[db][directory]") {
    const auto dir = fresh_dir("link_loop");
    fs::create_directories(dir);
    fs::create_symlink(dir / "loop", dir / "loop");
    CHECK_THROWS_WITH(numrep::reputation_db::open(dir / "loop"),
                      numrep_test::contains("cannot be read") && !numrep_test::contains("No such file"));
    fs::remove_all(dir);
}

TEST_CASE("what is not numrep's is left alone, and a hostile lock is not followed", "[db][directory]") {
    // A MANIFEST that is not ours (Perl and Python source trees have one) is not a database.
    const auto tree = fresh_dir("perl_tree");
    fs::create_directories(tree);
    write_bytes(tree / "MANIFEST", "lib/Foo.pm\nMakefile.PL\n");
    CHECK_THROWS_WITH(make_db(1).save(tree), numrep_test::contains("neither empty nor a numrep database"));
    CHECK(read_bytes(tree / "MANIFEST") == "lib/Foo.pm\nMakefile.PL\n");
    // A manifest of a later format is not replaced.
    write_bytes(tree / "MANIFEST", "numrep-database 3\nsomething new\n");
    CHECK_THROWS_WITH(make_db(1).save(tree), numrep_test::contains("a format this numrep does not know"));
    fs::remove_all(tree);

    // Files that only look like numrep's stay through saves and opens.
    const auto dir = fresh_dir("not_ours");
    make_db(1).save(dir);
    const std::vector<std::string> theirs{"records-00000001-00000.trie.bak",
                                          "numbers-1.bloom",
                                          "meta.txt",
                                          "records.trie",
                                          "MANIFEST.orig",
                                          "records-99999999.csv"};
    for (const auto& name : theirs) write_bytes(dir / name, "mine");
    make_db(2).save(dir);
    CHECK(fingerprint(numrep::reputation_db::open(dir)) == fingerprint(make_db(2)));
    for (const auto& name : theirs) CHECK(fs::exists(dir / name));
    CHECK(directory::read_manifest(dir).generation == 2);  // stray names do not move the generation

    // A leftover of a crashed writer stays while a writer holds the lock, and goes after.
    const std::string leftover = "records-00000007-00000.trie.tmp-12-3";
    write_bytes(dir / leftover, "half written");
    {
        const directory::directory_lock writer(dir, true);
        (void)numrep::reputation_db::open(dir);
        CHECK(fs::exists(dir / leftover));
    }
    (void)numrep::reputation_db::open(dir);
    CHECK_FALSE(fs::exists(dir / leftover));

    // A stray file named as a store of the last generation: a save says which file stops it (it
    // blamed the database's own generation, 3), and works once an open has removed it.
    const std::string last = "records-99999999-00000.trie";
    write_bytes(dir / last, "junk");
    CHECK_THROWS_WITH(make_db(3).save(dir), numrep_test::contains("the file " + last) &&
                                                numrep_test::contains("generation 99999999, the last: remove it"));
    (void)numrep::reputation_db::open(dir);
    CHECK_FALSE(fs::exists(dir / last));
    make_db(3).save(dir);
    CHECK(fingerprint(numrep::reputation_db::open(dir)) == fingerprint(make_db(3)));
    make_db(2).save(dir);  // what the checks below expect

    // A `lock` that is a symbolic link is never followed, by readers or writers.
    fs::remove(dir / "lock");
    const auto target = fs::path(dir.string() + "_lock_target");
    fs::remove(target);
    fs::create_symlink(target, dir / "lock");
    CHECK(fingerprint(numrep::reputation_db::open(dir)) == fingerprint(make_db(2)));
    CHECK_THROWS_WITH(make_db(3).save(dir), numrep_test::contains("cannot lock"));
    CHECK_FALSE(fs::exists(target));
    CHECK(fingerprint(numrep::reputation_db::open(dir)) == fingerprint(make_db(2)));
    fs::remove_all(dir);
}

TEST_CASE("format 1 directories open, and the next save upgrades them in place", "[db][directory]") {
    const auto dir = fresh_dir("v1");
    auto db = make_db(4);
    write_v1(dir, db);
    auto opened = numrep::reputation_db::open(dir);
    CHECK(fingerprint(opened) == fingerprint(db));
    CHECK(opened.settings().default_region.code() == "VN");  // format 1 kept none: VN, as 0.1 read it
    opened.save(dir);                                        // the upgrade: a manifest, format 1's files gone
    CHECK(files_in(dir) ==
          std::vector<std::string>{"MANIFEST", "numbers-00000001-00000.bloom", "records-00000001-00000.trie"});
    CHECK(fingerprint(numrep::reputation_db::open(dir)) == fingerprint(db));

    // numrep 0.1's save, killed between its two renames, left the database at DB.tmp-old.
    const auto v1 = fresh_dir("v1_crashed");
    write_v1(fs::path(v1.string() + ".tmp-old"), db);
    CHECK(fingerprint(numrep::reputation_db::open(v1)) == fingerprint(db));
    CHECK(fs::exists(v1 / "meta.txt"));
    // Format 1 settings are held to the same ranges.
    std::string meta = read_bytes(v1 / "meta.txt");
    meta.replace(meta.find("half_life_days=34"), 17, "half_life_days=4.9e-324");
    write_bytes(v1 / "meta.txt", meta);
    CHECK_THROWS_WITH(numrep::reputation_db::open(v1), numrep_test::contains("half_life_days must be from"));
    fs::resize_file(v1 / "meta.txt", std::uintmax_t{16} << 30);
    CHECK_THROWS_WITH(numrep::reputation_db::open(v1), numrep_test::contains("more than the"));
    fs::remove_all(dir);
    fs::remove_all(v1);
}

TEST_CASE("every byte of every file flipped: refused, or the same answers", "[db][directory][corruption]") {
    const auto dir = fresh_dir("flip");
    auto db = make_db(5, 12);
    db.save(dir);
    const std::string expected = fingerprint(db);
    const auto work = fresh_dir("flip_work");
    std::size_t flips = 0, refused = 0;
    for (const std::string& name : files_in(dir)) {
        const std::string original = read_bytes(dir / name);
        fs::remove_all(work);
        fs::copy(dir, work);
        for (std::size_t i = 0; i < original.size(); ++i) {
            for (const unsigned mask : {0x01U, 0xFFU}) {
                std::string damaged = original;
                damaged[i] = static_cast<char>(static_cast<unsigned char>(damaged[i]) ^ mask);
                write_bytes(work / name, damaged);
                const std::string got = what_opens(work);
                ++flips;
                if (got.rfind("refused: ", 0) == 0) {
                    ++refused;
                    if (got.find("numrep:") == std::string::npos) FAIL(name << " byte " << i << ": " << got);
                } else if (got != expected) {
                    FAIL(name << " byte " << i << " ^ " << int(mask) << " opened with other answers");
                }
            }
        }
        write_bytes(work / name, original);
    }
    CHECK(flips > 1000);
    CHECK(refused == flips);  // every byte is covered by a checksum
    fs::remove_all(work);
    fs::remove_all(dir);
}

TEST_CASE("a crash at every step of a save leaves the old state or the new, and repeated crashes too",
          "[db][directory][crash]") {
    const auto dir = fresh_dir("crash");
    auto a = make_db(6), c = make_db(8);
    // b has a delta layer that its save compacts first: the compact path is crashed too.
    const auto make_b = [] {
        auto db = make_db(7);
        numrep::reputation_builder late(db.settings().config);
        late.add(84900000001ULL, report_category::scam, now, 9, false);
        db.add_reports(late);
        return db;
    };
    auto b = make_b();
    const std::map<std::string, char> states{{fingerprint(a), 'a'}, {fingerprint(b), 'b'}, {fingerprint(c), 'c'}};
    // Opened while the test holds the writers' lock, so that open() leaves a crash's leftovers
    // for the next save to write over (its own cleanup is checked by the kill test).
    const auto state_at = [&](const fs::path& d) {
        const directory::directory_lock hold(d, true);
        const auto it = states.find(what_opens(d));
        return it == states.end() ? '?' : it->second;
    };
    // Count the steps of one save.
    directory::fault_hook = nullptr;
    a.save(dir);
    const std::vector<std::string> steps = numrep_test::steps_of([&] { make_b().save(dir); });
    const auto published = std::find(steps.begin(), steps.end(), "published") - steps.begin();
    REQUIRE(published < static_cast<std::ptrdiff_t>(steps.size()));
    CHECK(steps.front() == "compacting");
    CHECK(std::find(steps.begin(), steps.end(), "compacted") < steps.begin() + published);
    REQUIRE(steps.size() >= 9);

    const int step_count = static_cast<int>(steps.size());
    const auto step_name = [&](int i) { return i < step_count ? steps[static_cast<std::size_t>(i)] : "(none)"; };
    for (int first = 0; first <= step_count; ++first) {
        // From a, a save of b crashes at step `first`; then saves of c crash at every step.
        for (int second = 0; second <= step_count; ++second) {
            fs::remove_all(dir);
            a.save(dir);
            const bool crashed = crash_child_at(first, [&] { make_b().save(dir); });
            const char after_first = state_at(dir);
            INFO("first crash at " << first << " " << step_name(first));
            REQUIRE((after_first == 'a' || after_first == 'b'));
            CHECK(after_first == (crashed && first < published ? 'a' : 'b'));
            const bool crashed_again = crash_child_at(second, [&] { c.save(dir); });
            const char after_second = state_at(dir);
            INFO("second crash at " << second << " " << step_name(second));
            CHECK(after_second == (crashed_again && second < published ? after_first : 'c'));
        }
        // A whole save after the crashes publishes, and leaves no file behind.
        c.save(dir);
        CHECK(state_at(dir) == 'c');
        CHECK(files_in(dir).size() == 3);
    }
    fs::remove_all(dir);
}

TEST_CASE("kill -9 at 200 random moments of saves: never lost, never wrong", "[db][directory][crash]") {
    const auto dir = fresh_dir("kill");
    auto a = make_db(9, 400), b = make_db(10, 500);
    const std::string fa = fingerprint(a), fb = fingerprint(b);
    a.save(dir);
    std::mt19937 random(20261203);
    int kills_mid_save = 0;
    for (int round = 0; round < 200; ++round) {
        // The random wait starts once the child runs: on a loaded machine a child can take
        // milliseconds to be scheduled, and a kill before its first save would count for nothing.
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(ready[0]);
            const char started = 1;
            if (::write(ready[1], &started, 1) != 1) ::_exit(3);
            for (int i = 0;; ++i) (i % 2 ? a : b).save(dir);
        }
        ::close(ready[1]);
        char started = 0;
        REQUIRE(::read(ready[0], &started, 1) == 1);
        ::close(ready[0]);
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 30000));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        REQUIRE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));  // not a save that threw
        // What a crashed writer left, if anything, besides the last published state.
        if (files_in(dir).size() > 3) ++kills_mid_save;
        const std::string got = what_opens(dir);
        INFO("round " << round);
        REQUIRE((got == fa || got == fb));
    }
    CHECK(kills_mid_save > 20);        // the kills did land inside saves
    CHECK(files_in(dir).size() == 3);  // the last open cleaned up
    fs::remove_all(dir);
}

TEST_CASE("a reader waits out every publication that removed files it was reading", "[db][directory]") {
    // Beside a writer saving in a loop, an open needed a sixth try now and then, and five were
    // all it had: a healthy database was called damaged. Here the files of each manifest are gone
    // when read, `published` times over, each time because a newer manifest was published.
    const fs::path dir = "/nonexistent/db";
    for (const int published : {0, 1, 6, 40, directory::most_publications_while_reading}) {
        std::uint64_t generation = 1;
        int reads = 0;
        const auto read_manifest = [&] {
            manifest::manifest m;
            m.generation = generation;
            return m;
        };
        const auto read_named = [&](const manifest::manifest& m) {
            ++reads;
            if (m.generation <= static_cast<std::uint64_t>(published)) {
                ++generation;  // a writer published meanwhile, removing what m names
                throw std::system_error(ENOENT, std::generic_category(), "gone");
            }
            return m.generation;
        };
        CHECK(directory::read_published(dir, read_manifest, read_named) == static_cast<std::uint64_t>(published) + 1);
        CHECK(reads == published + 1);
    }
    // A writer that never stops: refused as that, not as damage.
    std::uint64_t generation = 1;
    const auto endless_manifest = [&] {
        manifest::manifest m;
        m.generation = generation;
        return m;
    };
    const auto always_gone = [&](const manifest::manifest&) -> std::uint64_t {
        ++generation;
        throw std::system_error(ENOENT, std::generic_category(), "gone");
    };
    CHECK_THROWS_WITH(directory::read_published(dir, endless_manifest, always_gone),
                      numrep_test::contains("a writer published 1000 times"));
    // A file gone with no new publication is damage.
    const auto same_manifest = [] { return manifest::manifest{}; };
    CHECK_THROWS_AS(directory::read_published(dir, same_manifest, always_gone), numrep::format_error);
}

TEST_CASE("opening cleans the directory it read, not another swapped in under its path", "[db][directory]") {
    // A deployment swaps a new database in under the path (renameat2's RENAME_EXCHANGE) while
    // services open it. Opening cleaned by the path at each step: it read one database's MANIFEST,
    // then listed and removed, in the other now under the path, every store that MANIFEST does
    // not name: a healthy database lost its stores. The swap here comes between the MANIFEST
    // read and the listing.
    const auto a_dir = fresh_dir("swap_a"), b_dir = fresh_dir("swap_b");
    auto a = make_db(3), b = make_db(4);
    a.save(a_dir);
    make_db(5).save(b_dir);
    b.save(b_dir);  // generation 2: its store names are not a's
    REQUIRE(fs::exists(b_dir / "records-00000002-00000.trie"));
    write_bytes(a_dir / "records-00000009-00000.trie", "a crashed writer's leftover");
    const std::string a_answers = fingerprint(a), b_answers = fingerprint(b);
    static fs::path swap_from, swap_to;
    swap_from = a_dir;
    swap_to = b_dir;
    static int swaps = 0, swap_result = -1;
    swaps = 0;
    // The hook runs inside the cleanup, which catches std::exception only: no REQUIRE there.
    directory::fault_hook = [](std::string_view step) {
        if (step == "manifest read for cleaning" && swaps++ == 0)
            swap_result = ::renameat2(AT_FDCWD, swap_from.c_str(), AT_FDCWD, swap_to.c_str(), RENAME_EXCHANGE);
    };
    const std::string opened = what_opens(a_dir);
    directory::fault_hook = nullptr;
    REQUIRE(swaps == 1);
    REQUIRE(swap_result == 0);
    CHECK(opened == a_answers);  // opened before the swap
    // a's directory now at b's path, cleaned of its leftover; b's, at a's path, untouched.
    CHECK(what_opens(b_dir) == a_answers);
    CHECK(!fs::exists(b_dir / "records-00000009-00000.trie"));
    CHECK(what_opens(a_dir) == b_answers);
    fs::remove_all(a_dir);
    fs::remove_all(b_dir);
}

TEST_CASE("a database opened in format 1 refuses to save over a publication made since", "[db][directory]") {
    // Two objects open a format 1 database, each adds reports, each saves: the first save
    // upgrades the directory to format 2, and the second replaced it, dropping the first's
    // reports without a word (format 2's check knew no publication to compare with).
    const auto dir = fresh_dir("v1_two_writers");
    write_v1(dir, make_db(3));
    auto first = numrep::reputation_db::open(dir);
    auto second = numrep::reputation_db::open(dir);
    numrep::reputation_builder one(first.settings().config), other(first.settings().config);
    one.add(84987654321ULL, report_category::scam, now, 2, false);
    other.add(84861234567ULL, report_category::spam, now, 3, false);
    first.add_reports(one);
    second.add_reports(other);
    first.save(dir);
    CHECK_THROWS_WITH(second.save(dir), numrep_test::contains("has been published again (generation 1) since "
                                                              "this one opened it or last saved it there (in "
                                                              "format 1)"));
    CHECK(numrep::reputation_db::open(dir).check(84987654321ULL, now).reported);
    first.save(dir);  // its own publication: saved again
    fs::remove_all(dir);
}

// The directory the fault hook of the next test upgrades (a hook is a plain function: no capture).
fs::path& dir_of_upgrade() {
    static fs::path dir;
    return dir;
}

TEST_CASE("a format 1 database upgraded in place while it is opened opens in format 2", "[db][directory]") {
    // The upgrade removes format 1's files once format 2 is published: a reader that had begun
    // on format 1 found them gone and said the database was incomplete (or "cannot open
    // numbers.bloom"), where format 2's readers read the new manifest.
    const auto dir = fresh_dir("v1_upgraded_meanwhile");
    write_v1(dir, make_db(3));
    dir_of_upgrade() = dir;
    static numrep::reputation_db* upgrader = nullptr;
    auto upgraded = make_db(4);
    upgrader = &upgraded;
    directory::fault_hook = [](std::string_view step) {
        if (step != "reading format 1" || upgrader == nullptr) return;
        numrep::reputation_db* saving = std::exchange(upgrader, nullptr);
        saving->save(dir_of_upgrade());
    };
    const std::string opened = what_opens(dir);
    directory::fault_hook = nullptr;
    REQUIRE(upgrader == nullptr);  // the upgrade ran while the database was being opened
    CHECK(opened == fingerprint(upgraded));
    CHECK(!fs::exists(dir / "meta.txt"));
    fs::remove_all(dir);
}

TEST_CASE("a save cleans the directory it locked, not another swapped in under its path", "[db][directory]") {
    // After publishing, a save removes the files its MANIFEST does not name: in whatever
    // directory the path named by then, so a database swapped in under it lost its stores.
    const auto a_dir = fresh_dir("save_swap_a"), b_dir = fresh_dir("save_swap_b");
    auto b = make_db(4);
    make_db(3).save(a_dir);
    make_db(5).save(b_dir);
    make_db(7).save(b_dir);
    b.save(b_dir);  // generation 3: its store names are not those of a's next save (2)
    REQUIRE(fs::exists(b_dir / "records-00000003-00000.trie"));
    const std::string b_answers = fingerprint(b);
    auto a = make_db(6);
    static fs::path from, to;
    from = a_dir;
    to = b_dir;
    static int swap_result = -1;
    swap_result = -1;
    directory::fault_hook = [](std::string_view step) {
        if (step == "published" && swap_result != 0)
            swap_result = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE);
    };
    a.save(a_dir);
    directory::fault_hook = nullptr;
    REQUIRE(swap_result == 0);
    CHECK(what_opens(a_dir) == b_answers);  // b, swapped in under a's path, untouched
    CHECK(what_opens(b_dir) == fingerprint(a));
    fs::remove_all(a_dir);
    fs::remove_all(b_dir);
}

namespace {
// What the lock-busy hook saw (a plain function pointer: no captures).
// directory::on_lock_busy set for a test's scope, and cleared when it ends (passed or not).
struct lock_busy_hook_set {
    explicit lock_busy_hook_set(directory::lock_busy_hook hook) { directory::on_lock_busy.store(hook); }
    ~lock_busy_hook_set() { directory::on_lock_busy.store(nullptr); }
    lock_busy_hook_set(const lock_busy_hook_set&) = delete;
    lock_busy_hook_set& operator=(const lock_busy_hook_set&) = delete;
};

std::atomic<int> busy_calls{0};
std::string busy_path;
std::atomic<bool> busy_said{false};
void record_busy(const fs::path& lock_path) {
    busy_path = lock_path.string();
    ++busy_calls;
    busy_said = true;
}
}  // namespace

TEST_CASE("a writer that must wait for another's lock says so once, then takes the lock", "[db][directory]") {
    const fs::path dir = fresh_dir("lock_busy");
    make_db(1).save(dir);
    busy_calls = 0;
    busy_said = false;
    const lock_busy_hook_set hook(record_busy);

    // Free: taken at once, nothing said.
    {
        const directory::directory_lock free_lock(dir, true);
    }
    CHECK(busy_calls == 0);

    // Held (flock is per open file, so a second lock in this process waits as another's would):
    // the waiting writer says so once, with the lock's path, and gets the lock once it is free.
    std::optional<directory::directory_lock> holder;
    holder.emplace(dir, true);
    std::atomic<bool> taken{false};
    std::thread writer([&] {
        const directory::directory_lock lock(dir, true);
        taken = true;
    });
    for (int i = 0; i < 5000 && !busy_said; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    CHECK(busy_said);
    CHECK_FALSE(taken);
    holder.reset();
    writer.join();
    CHECK(taken);
    CHECK(busy_calls == 1);
    CHECK(busy_path == (dir / "lock").string());

    // A reader's cleanup lock (wait = false) never waits and says nothing.
    holder.emplace(dir, true);
    const directory::directory_lock reader(dir, false);
    CHECK_FALSE(reader.held());
    CHECK(busy_calls == 1);
    holder.reset();
    fs::remove_all(dir);  // (locks held by this process's open files do not keep it)
}

// Two saves of one database that overlap: the first to find the lock held is kept waiting (in
// the hook, before it waits for the lock) until the second, started after a report was added,
// has published; the first then publishes too, and must not take the report back off the disk.
std::atomic<int> saves_waiting{0};
std::atomic<bool> first_save_may_go{false};
void hold_first_save(const fs::path&) {
    if (saves_waiting.fetch_add(1) != 0) return;
    while (!first_save_may_go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST_CASE("overlapping saves of one database leave its newest state published", "[db][directory]") {
    const fs::path dir = fresh_dir("overlapping_saves");
    make_db(1).save(dir);
    auto db = numrep::reputation_db::open(dir, {});
    const std::size_t before = db.size();
    saves_waiting = 0;
    first_save_may_go = false;
    const lock_busy_hook_set hook(hold_first_save);
    const auto wait_for = [](int saves) {
        for (int i = 0; i < 10000 && saves_waiting < saves; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        REQUIRE(saves_waiting >= saves);
    };
    const auto published_numbers = [&] { return numrep::reputation_db::open(dir, {}).size(); };

    std::optional<directory::directory_lock> holder;
    holder.emplace(dir, true);
    std::thread first([&] { db.save(dir); });
    wait_for(1);
    numrep::reputation_builder late(db.settings().config);
    late.add(84911111111ULL, report_category::scam, now, 9, false);
    db.add_reports(late);
    std::thread second([&] { db.save(dir); });
    wait_for(2);
    holder.reset();  // the second takes the lock: the first is still in the hook
    second.join();
    CHECK(published_numbers() == before + 1);
    first_save_may_go = true;
    first.join();
    CHECK(published_numbers() == before + 1);  // was `before`: the first's state, taken before the lock
    CHECK(numrep::reputation_db::open(dir, {}).find(84911111111ULL).has_value());
    fs::remove_all(dir);
}

TEST_CASE("a child forked while a save holds the directory's lock does not hold it", "[db][directory]") {
    // The lock belongs to the open file, which a fork shares: a child that kept its copy open
    // held every later writer of the database (its parent's too) off until it exited, and
    // multiprocessing's fork workers live as long as their pool. The child closes its copy.
    const auto dir = fresh_dir("fork_during_save");
    auto db = make_db(3);
    static bool forked = false;
    static int child_exit = -1;
    forked = false;
    child_exit = -1;
    directory::fault_hook = [](std::string_view step) {
        if (step != "compacted" || forked) return;  // the lock is held from before this step
        forked = true;
        const pid_t pid = ::fork();
        if (pid == 0) {  // exits 1 if a file named "lock" is open here
            int lock_open = 0;
            std::error_code error;
            for (const auto& fd : fs::directory_iterator("/proc/self/fd", error))
                if (std::error_code e; fs::read_symlink(fd.path(), e).filename() == "lock" && !e) lock_open = 1;
            ::_exit(error ? 2 : lock_open);
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        child_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 100;
    };
    db.save(dir);
    directory::fault_hook = nullptr;
    REQUIRE(forked);
    CHECK(child_exit == 0);
    CHECK(what_opens(dir) == fingerprint(db));
    db.save(dir);  // the parent's lock went with its own save: it takes it again
    fs::remove_all(dir);
}

TEST_CASE("a forked child's copy of a lock object leaves the child's own locks alone", "[db][directory]") {
    // The child handler closes the inherited lock files; the objects themselves are copied too,
    // and one destroyed in the child closed whatever had its descriptor number by then: the
    // child's own lock of another database, taken since (same number, same slot).
    const auto a_dir = fresh_dir("fork_lock_a"), b_dir = fresh_dir("fork_lock_b");
    fs::create_directories(a_dir);
    fs::create_directories(b_dir);
    auto a = std::make_unique<directory::directory_lock>(a_dir, true);
    REQUIRE(a->held());
    const pid_t pid = ::fork();
    if (pid == 0) {  // exits 0 if b's lock is still held after a's copy is gone
        const directory::directory_lock b(b_dir, true);
        a.reset();
        const int other = ::open((b_dir / "lock").c_str(), O_RDONLY | O_CLOEXEC);
        const bool b_still_held = other >= 0 && ::flock(other, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
        ::_exit(b.held() && b_still_held ? 0 : 1);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    // The parent's lock of a is still its own.
    const int other = ::open((a_dir / "lock").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(other >= 0);
    CHECK(::flock(other, LOCK_EX | LOCK_NB) != 0);
    ::close(other);
    a.reset();
    fs::remove_all(a_dir);
    fs::remove_all(b_dir);
}
