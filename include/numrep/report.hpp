// numrep::report: one complaint about one number, as ingestion hands it on (24 bytes).
#pragma once

#include <cstdint>

namespace numrep {

struct report {
    std::uint64_t key = 0;       // E.164 number as an integer (see phone_number::key)
    std::int64_t time = 0;       // unix seconds, UTC
    std::uint16_t category = 0;  // id in the reader's category interner; 0: none given
    std::uint32_t source = 0;    // id in the reader's source interner; 0: none given
    bool not_spam = false;       // the reporter says the number is legitimate
    bool valid_number = false;   // the number parsed and is valid by the numbering plan
};

}  // namespace numrep
