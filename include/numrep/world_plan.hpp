// numrep::plans::world(): the numbering plan of every region libphonenumber knows (validity, type,
// region code, mobile carrier, NANP state), built in, with Vietnam's rules as an overlay for +84.
// Data, sizes and lookup cost: docs/world-plan.md.
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
