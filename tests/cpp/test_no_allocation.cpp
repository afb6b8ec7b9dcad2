// The hot paths must not allocate: parsing and plan lookups are counted here against a
// replaced global operator new.
#include <numrep/parse.hpp>
#include <numrep/vietnam_plan.hpp>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

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
    const std::vector<std::string> inputs = {"0912 345 678", "+84 (0) 24 3826 4321", "0162 345 6789", "tel:+84-91-234-5678",
                                             "\xEF\xBC\x90\xEF\xBC\x99" "12345678", "bad input", "", "+1 469 257 6503"};
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
