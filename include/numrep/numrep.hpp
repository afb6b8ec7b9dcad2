// numrep: phone-number reputation. Include this for everything, or the component headers.
#pragma once

#include "bloom_filter.hpp"
#include "csv.hpp"
#include "error.hpp"
#include "ingest.hpp"
#include "numbering_plan.hpp"
#include "parse.hpp"
#include "phone_number.hpp"
#include "region.hpp"
#include "report.hpp"
#include "report_record.hpp"
#include "reputation.hpp"
#include "reputation_db.hpp"
#include "trie_store.hpp"
#include "version.hpp"
#include "vietnam_plan.hpp"
#include "world_plan.hpp"
