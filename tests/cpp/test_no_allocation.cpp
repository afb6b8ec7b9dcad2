// The hot paths must not allocate: parsing, plan lookups, Bloom filter and trie_store queries
// and reputation checks are counted here against a replaced global operator new. Each is
// warmed up once first (function-local statics such as the plans are built on first use), then
// every further call must allocate nothing.
#include <numrep/bloom_filter.hpp>
#include <numrep/number_record.hpp>
#include <numrep/parse.hpp>
#include <numrep/reputation_db.hpp>
#include <numrep/trie_store.hpp>
#include <numrep/vietnam_plan.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <new>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "catch.hpp"

// GCC cannot see that operator new below is malloc-based too, and flags the frees.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
std::atomic<long> allocations{0};
}

// The whole unaligned family is replaced, so that every new pairs with a matching delete
// (AddressSanitizer checks that); the aligned forms are left to the runtime, consistently.
namespace {
void* counted_allocation(std::size_t size) noexcept {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(std::size_t size) {
    if (void* p = counted_allocation(size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    if (void* p = counted_allocation(size)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_allocation(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_allocation(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

TEST_CASE("parsing and lookups do not allocate", "[parse][plan][alloc]") {
    const auto& plan = numrep::plans::vietnam();  // built (and allocated) once, before counting
    const std::vector<std::string> inputs = {"0912 345 678",
                                             "+84 (0) 24 3826 4321",
                                             "0162 345 6789",
                                             "tel:+84-91-234-5678",
                                             "\xEF\xBC\x90\xEF\xBC\x99"
                                             "12345678",
                                             "bad input",
                                             "",
                                             "+1 469 257 6503"};
    std::uint64_t checksum = 0;
    const long before = allocations.load();
    for (int round = 0; round < 100; ++round) {
        for (const auto& text : inputs) {
            const auto r = numrep::try_parse(text);
            if (!r) continue;
            const auto info = plan.lookup(*r);
            checksum += r->key() + info.carrier.size() + static_cast<unsigned>(info.valid);
        }
    }
    const long during = allocations.load() - before;
    CHECK(during == 0);
    CHECK(checksum > 0);
    // The counter works: a std::string that outgrows its small buffer allocates.
    std::string grown(100, 'x');
    CHECK(allocations.load() > before);
    CHECK(grown.size() == 100);
}

namespace {

// Allocations made by `rounds` calls of f after one warm-up call.
template <class F>
long allocations_after_warm_up(F&& f, int rounds = 20) {
    f();
    const long before = allocations.load();
    for (int round = 0; round < rounds; ++round) f();
    return allocations.load() - before;
}

// Numbers shaped like Vietnamese mobiles, every other one in the returned "present" half.
struct key_sets {
    std::vector<std::uint64_t> present, absent, all;
    explicit key_sets(std::size_t n) {
        std::mt19937_64 rng(42);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t k = (84'900'000'000ULL + rng() % 100'000'000ULL) & ~std::uint64_t{1};
            present.push_back(k);
            absent.push_back(k + 1);
        }
        all = present;
        all.insert(all.end(), absent.begin(), absent.end());
    }
};

}  // namespace

TEST_CASE("the counter sees allocations", "[alloc]") {
    std::uint64_t sink = 0;
    const long n = allocations_after_warm_up([&] {
        std::string grown(100, 'x');  // past any small-string buffer
        sink += static_cast<unsigned char>(grown[50]);
    });
    CHECK(n >= 20);
    CHECK(sink > 0);
}

// Blocked (the default, as reputation_db uses it) and classic; other block sizes share the code
// and would only add compile time.
TEMPLATE_TEST_CASE("Bloom filter queries do not allocate", "[bloom][alloc]", numrep::bloom_filter<>,
                   numrep::classic_bloom_filter<>) {
    const key_sets keys(2000);
    for (const auto mode : {numrep::insert_mode::exclusive, numrep::insert_mode::concurrent}) {
        TestType filter(keys.present.size(), 0.01, {numrep::bloom_default_seed, mode});
        filter.insert_batch(keys.present);
        std::vector<std::uint8_t> bytes(keys.all.size());
        const auto bool_storage = std::make_unique<bool[]>(keys.all.size());  // std::vector<bool> has no span
        const std::span<bool> bools(bool_storage.get(), keys.all.size());
        std::size_t hits = 0;
        CHECK(allocations_after_warm_up([&] {
                  for (const auto k : keys.all) hits += filter.contains(k) ? 1U : 0U;
                  hits += filter.contains_batch(keys.all, std::span<std::uint8_t>(bytes));
                  hits += filter.contains_batch(keys.all, bools);
              }) == 0);
        CHECK(hits >= 21 * 3 * keys.present.size());  // no false negatives
    }
}

TEST_CASE("trie_store lookups, batches and prefix counts do not allocate", "[trie][alloc]") {
    const key_sets keys(2000);
    std::vector<std::uint32_t> counts(keys.present.size());
    std::vector<numrep::number_record> records(keys.present.size());
    for (std::size_t i = 0; i < counts.size(); ++i) {
        counts[i] = static_cast<std::uint32_t>(i + 1);
        records[i].last_seen = static_cast<std::uint32_t>(i + 1);
    }
    const auto set = numrep::trie_store<>::build(keys.present);
    const auto map = numrep::trie_store<std::uint32_t>::build(keys.present, counts);
    const auto rich = numrep::trie_store<numrep::number_record>::build(keys.present, records);

    std::vector<std::uint8_t> found(keys.all.size());
    std::vector<std::uint32_t> values(keys.all.size());
    std::vector<numrep::number_record> record_values(keys.all.size());
    std::uint64_t sink = 0;
    const auto queries = [&](const auto& t) {
        for (const auto k : keys.all) {
            sink += t.contains(k) ? 1U : 0U;
            sink += t.index_of(k).value_or(0) + t.rank(k);
            sink += t.count_prefix(k / 1000) + t.count_prefix(k / 1'000'000) + t.count_range(k - 500, k + 500);
        }
        sink += t.select(t.size() / 2).value_or(0) + t.count_prefix(0) + t.count_prefix(849);
        sink += t.contains_batch(keys.all, std::span<std::uint8_t>(found));
        for (const auto k : t.keys(8490)) sink += k % 7;  // iterating a prefix range
        t.for_each(84900, [&](std::uint64_t k) { sink += k % 3; });
    };
    CHECK(allocations_after_warm_up([&] { queries(set); }) == 0);
    CHECK(allocations_after_warm_up([&] {
              queries(map);
              for (const auto k : keys.all) {
                  sink += map.find(k).value_or(0) + map.get(k).value_or(0);
              }
              sink += map.find_batch(keys.all, std::span<std::uint32_t>(values), std::span<std::uint8_t>(found), 0U);
          }) == 0);
    CHECK(allocations_after_warm_up([&] {
              queries(rich);
              for (const auto k : keys.all) {
                  if (const auto r = rich.find(k)) sink += r->last_seen;
                  if (const auto r = rich.get(k)) sink += r->last_seen;
              }
              sink += rich.find_batch(keys.all, std::span<numrep::number_record>(record_values),
                                      std::span<std::uint8_t>(found));
          }) == 0);
    CHECK(sink > 0);
}

TEST_CASE("reputation checks do not allocate", "[reputation][db][alloc]") {
    constexpr std::int64_t now = 1'750'000'000;
    const key_sets keys(1000);
    numrep::reputation_builder snapshot_reports, delta_reports;
    for (std::size_t i = 0; i < keys.present.size(); ++i) {
        auto& b = i % 4 == 0 ? delta_reports : snapshot_reports;
        b.add(keys.present[i], numrep::report_category::scam, now - static_cast<std::int64_t>(i) * 3600,
              static_cast<std::uint32_t>(i % 5), false);
    }
    auto db = numrep::reputation_db::build(snapshot_reports);
    // An opened (memory-mapped) database as well as a built one.
    const auto dir = std::filesystem::temp_directory_path() / ("numrep_test_alloc_" + std::to_string(::getpid()));
    db.save(dir);  // (saving compacts, so the delta layers are added after it)
    auto opened = numrep::reputation_db::open(dir);
    std::filesystem::remove_all(dir);
    // A delta layer is consulted too.
    db.add_reports(delta_reports);
    opened.add_reports(delta_reports);
    REQUIRE(db.delta_layers() == 1);
    REQUIRE(opened.delta_layers() == 1);

    std::vector<numrep::reputation_verdict> verdicts(keys.all.size());
    for (const numrep::reputation_db* d : {&std::as_const(db), &std::as_const(opened)}) {
        std::size_t reported = 0;
        CHECK(allocations_after_warm_up([&] {
                  for (const auto k : keys.all) reported += d->check(k, now).reported ? 1U : 0U;
                  for (const auto k : keys.all) reported += d->check(k).reported ? 1U : 0U;  // now from the clock
                  d->check_batch(keys.all, now, verdicts);
                  for (const auto& v : verdicts) reported += v.reported ? 1U : 0U;
              }) == 0);
        CHECK(reported == 21 * 3 * keys.present.size());
        // A reader is taken once (that copies a shared_ptr, no allocation either); its checks
        // take no lock at all.
        const auto reader = d->reader();
        reported = 0;
        CHECK(allocations_after_warm_up([&] {
                  for (const auto k : keys.all) reported += reader.check(k, now).reported ? 1U : 0U;
                  reader.check_each(keys.all, now, [&](std::size_t, const numrep::reputation_verdict& v) {
                      reported += v.reported ? 1U : 0U;
                  });
              }) == 0);
        CHECK(reported == 21 * 2 * keys.present.size());
    }
}
