// numrep: phone-number reputation. Include this for everything, or the component headers.
#pragma once

#include "bloom_filter.hpp"
#include "error.hpp"
#include "numbering_plan.hpp"
#include "parse.hpp"
#include "phone_number.hpp"
#include "region.hpp"
#include "version.hpp"
#include "vietnam_plan.hpp"
