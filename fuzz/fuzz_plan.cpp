// Fuzzes the numbering plan loaders (numbering_plan::load_carrier_data / load_geocoding_data,
// libphonenumber's "prefix|name" files). Input: one option byte (carrier or geocoding data, on
// an empty plan or (bits 3 and 4 set) the world plan, which national lengths), then the file text. Checks:
//  - a bad file is std::invalid_argument and leaves the plan exactly as it was (all or nothing);
//  - a good file adds as many rules as it has prefix lines, and each prefix line's number
//    (the prefix itself as a key) answers with the last name given for that exact prefix (on the
//    world plan, where libphonenumber's rules give the number a name at all);
//  - carriers()[carrier_id] / regions()[region_id] are the names returned.
#include <numrep/numbering_plan.hpp>
#include <numrep/world_plan.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"

namespace {

bool same(const numrep::number_info& a, const numrep::number_info& b) {
    return a.carrier == b.carrier && a.region == b.region && a.region_code == b.region_code && a.type == b.type &&
           a.valid == b.valid && a.carrier_id == b.carrier_id && a.region_id == b.region_id;
}

void check_ids(const numrep::numbering_plan& plan, const numrep::number_info& info, std::uint64_t key) {
    NUMREP_FUZZ_CHECK(info.carrier_id < plan.carriers().size() && plan.carriers()[info.carrier_id] == info.carrier,
                      "key %llu: carrier id %u", static_cast<unsigned long long>(key), unsigned{info.carrier_id});
    NUMREP_FUZZ_CHECK(info.region_id < plan.regions().size() && plan.regions()[info.region_id] == info.region,
                      "key %llu: region id %u", static_cast<unsigned long long>(key), unsigned{info.region_id});
}

std::string_view blanks_off(std::string_view text) {
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    while (!text.empty() && (text.front() == '\r' || text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    return text;
}

// On the world plan, loaded names follow libphonenumber's rules (docs/world-plan.md): a carrier
// only for mobile types, an area only for valid geographic numbers (fixed lines, and mobiles in
// +52, +54, +55, +62, +86); Vietnam (+84) keeps its own. Written from the docs, not from
// numbering_plan.hpp.
bool world_rules_name(bool carrier, const numrep::number_info& info, std::uint64_t key) {
    using numrep::number_type;
    const auto number = numrep::phone_number::from_key(key);
    if (!number) return false;  // a country code alone is no number: no name
    // Vietnam's own rules decide +84 on the world plan (plans::world() is built with them): a
    // number of any length shows what its prefix was allocated as.
    if (number->country_code() == 84) return true;
    if (carrier)
        return info.type == number_type::mobile || info.type == number_type::fixed_line_or_mobile ||
               info.type == number_type::pager;
    const unsigned cc = number->country_code();
    const bool geographic_mobile = cc == 52 || cc == 54 || cc == 55 || cc == 62 || cc == 86;
    return info.valid && (info.type == number_type::fixed_line || info.type == number_type::fixed_line_or_mobile ||
                          (info.type == number_type::mobile && geographic_mobile));
}

// An Argentine number whose national part starts with the mobile token 9: its area is looked up
// without it.
bool argentine_mobile_token(std::uint64_t key) {
    const auto number = numrep::phone_number::from_key(key);
    return number && number->country_code() == 54 && number->national_digits().starts_with('9');
}

// Keys probed before and after a failed load.
constexpr std::uint64_t probes[] = {84912345678ULL, 84241234567ULL, 12025550123ULL, 442079460000ULL,
                                    33123456789ULL, 8491ULL,        1ULL,           999999999999999ULL};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    numrep_fuzz::input in(data, size);
    const std::uint8_t options = in.byte();
    const bool carrier = (options & 1U) != 0;
    const bool world = (options & 0x18U) == 0x18U;  // a quarter of the runs: copying the world plan is slow
    const std::uint32_t lengths = (options & 4U) != 0 ? numrep::lengths({9, 10}) : 0;
    const std::string_view text = in.rest_text();

    // The world base is copied from the built plan: interning its names costs ~1 ms.
    numrep::numbering_plan plan = world ? numrep::plans::world() : numrep::numbering_plan();
    std::vector<numrep::number_info> before;
    for (const std::uint64_t key : probes) before.push_back(plan.lookup(key));
    const std::size_t rules_before = plan.rule_count();

    std::size_t added = 0;
    try {
        added = carrier ? plan.load_carrier_data(text, "fuzz", lengths)
                        : plan.load_geocoding_data(text, "fuzz", lengths);
    } catch (const std::invalid_argument& e) {
        NUMREP_FUZZ_CHECK(plan.rule_count() == rules_before, "a failed load (%s) changed the rule count", e.what());
        for (std::size_t i = 0; i < std::size(probes); ++i)
            NUMREP_FUZZ_CHECK(same(plan.lookup(probes[i]), before[i]), "a failed load (%s) changed the answer for %llu",
                              e.what(), static_cast<unsigned long long>(probes[i]));
        return 0;
    }

    // The file as the loader documents it: "prefix|name" lines, blank lines and '#' comments,
    // spaces, tabs and CRs around a line and around its bar ignored.
    std::map<std::string_view, std::string_view> names;
    std::set<std::string_view> every_name;
    std::size_t lines = 0;
    for (std::string_view rest = text; !rest.empty();) {
        const std::size_t end = rest.find('\n');
        std::string_view line = blanks_off(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (line.empty() || line.front() == '#') continue;
        const std::size_t bar = line.find('|');
        NUMREP_FUZZ_CHECK(bar != std::string_view::npos, "a line without '|' was accepted");
        names[blanks_off(line.substr(0, bar))] = blanks_off(line.substr(bar + 1));  // a later line refines
        every_name.insert(blanks_off(line.substr(bar + 1)));
        ++lines;
    }
    // One rule a prefix: a prefix given again refines its rule (the plans here start without
    // rules of their own).
    NUMREP_FUZZ_CHECK(added == lines && plan.rule_count() == rules_before + names.size(),
                      "%zu prefix lines (%zu prefixes), the loader says %zu, rule count %zu -> %zu", lines,
                      names.size(), added, rules_before, plan.rule_count());

    std::size_t checked = 0;
    for (const auto& [prefix, name] : names) {
        if (++checked > 200) break;
        std::uint64_t key = 0;
        for (const char c : prefix) key = key * 10 + static_cast<unsigned>(c - '0');
        const numrep::number_info info = plan.lookup(key);
        check_ids(plan, info, key);
        if (lengths != 0) continue;  // hints (no lengths) apply at every length; rules for lengths may not
        const std::string_view got = carrier ? info.carrier : info.region;
        if (world && !world_rules_name(carrier, info, key)) {
            NUMREP_FUZZ_CHECK(got.empty(), "prefix %.*s: a %s name \"%.*s\" where libphonenumber's rules give none",
                              static_cast<int>(prefix.size()), prefix.data(), carrier ? "carrier" : "area",
                              static_cast<int>(got.size()), got.data());
            continue;
        }
        if (world && !carrier && argentine_mobile_token(key)) {  // found under the prefix without the 9
            NUMREP_FUZZ_CHECK(got.empty() || every_name.count(got) == 1, "prefix %.*s: \"%.*s\" is no name of the file",
                              static_cast<int>(prefix.size()), prefix.data(), static_cast<int>(got.size()), got.data());
            continue;
        }
        NUMREP_FUZZ_CHECK(got == name, "prefix %.*s: the plan answers \"%.*s\", not the file's last name for it",
                          static_cast<int>(prefix.size()), prefix.data(), static_cast<int>(got.size()), got.data());
    }
    for (const std::uint64_t key : probes) check_ids(plan, plan.lookup(key), key);
    return 0;
}
