// numrep::report: one complaint about one number, as ingestion hands it on (24 bytes).
#pragma once

#include <cstdint>

namespace numrep {

// Report times numrep stores (number_record keeps unix seconds in 32 bits): 1970-01-01 00:00:00
// to 2106-02-07 06:28:15 UTC. Ingestion makes rows outside this range bad rows and
// reputation_builder refuses them, rather than clamp them to a date nobody wrote.
inline constexpr std::int64_t earliest_report_time = 0;
inline constexpr std::int64_t latest_storable_report_time = 0xFFFFFFFFLL;

struct report {
    std::uint64_t key = 0;       // E.164 number as an integer (see phone_number::key)
    std::int64_t time = 0;       // unix seconds, UTC
    std::uint16_t category = 0;  // id in the reader's category interner; 0: none given
    std::uint32_t source = 0;    // id in the reader's source interner; 0: none given
    bool not_spam = false;       // the reporter says the number is legitimate
    bool valid_number = false;   // the number parsed and is valid by the numbering plan
};

}  // namespace numrep
