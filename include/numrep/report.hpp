// numrep::report: one complaint about one number, as ingestion hands it on (24 bytes), and
// numrep::source_id, the id of who reported it (a hash of the name: about 1 ns a byte).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "detail/hash.hpp"
#include "detail/requirements.hpp"
#include "time.hpp"

namespace numrep {

// Report times numrep stores (number_record keeps unix seconds in 32 bits): 1970-01-01 00:00:00
// to 2106-02-07 06:28:15 UTC. Ingestion makes rows outside this range bad rows and
// reputation_builder refuses them, rather than clamp them to a date nobody wrote.
inline constexpr std::int64_t earliest_report_time = 0;
inline constexpr std::int64_t latest_storable_report_time = 0xFFFFFFFFLL;

// The id of a report's source (who reported): 0 for none (an empty name or white space only),
// else XXH3-64 of the name's bytes with surrounding white space trimmed, folded to 32 bits and
// never 0. A function of the name alone, so a source has one id in every file, batch and process
// and in Python (numrep._core._source_ids): databases built from split inputs equal one built
// from all of them. Distinct names may share an id; a record keeps a 32-bit sketch of its
// sources anyway (detail::source_bit).
inline std::uint32_t source_id(std::string_view name) noexcept {
    name = detail::trim(name);
    if (name.empty()) return 0;
    const std::uint64_t h = detail::xxh3_bytes(std::as_bytes(std::span(name.data(), name.size())));
    const auto id = static_cast<std::uint32_t>(h ^ (h >> 32));
    return id != 0 ? id : 1;
}

struct report {
    std::uint64_t key = 0;       // E.164 number as an integer (see phone_number::key)
    std::int64_t time = 0;       // unix seconds, UTC
    std::uint16_t category = 0;  // id in the reader's category interner; 0: none given
    std::uint32_t source = 0;    // source_id of who reported; 0: none given
    bool not_spam = false;       // the reporter says the number is legitimate
    bool valid_number = false;   // the number parsed and is valid by the numbering plan
};

}  // namespace numrep
