// numrep::plans::world(): the numbering plan of every region libphonenumber knows (valid,
// number type, region code, carrier for mobile numbers, NANP area code to state or province),
// with Vietnam's own rules from the allocation notices as an overlay for +84.
// The world data is built into the program (~0.7 MB of tables, no file to load, nothing
// parsed at start-up: see docs/world-plan.md); a lookup is one walk of the country's digit
// automaton plus, for mobile numbers, a binary search of the carrier ranges.
#pragma once

#include "numbering_plan.hpp"
#include "vietnam_plan.hpp"

namespace numrep::plans {

// Thread-safe, built on first use (interning the names: well under a millisecond), lives forever.
inline const numbering_plan& world() {
    static const numbering_plan plan = build_vietnam(numbering_plan(world_base));
    return plan;
}

}  // namespace numrep::plans
