// numrep::plans::vietnam(): every Vietnamese mobile prefix with its allocated carrier, every area
// code with its province, and the special number types, from the allocation notices (where
// libphonenumber differs, the notices win: docs/vietnam-plan.md). Built once, on first use.
#pragma once

#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "numbering_plan.hpp"

namespace numrep {
namespace detail::vietnam {

struct area_code {
    std::string_view prefix;  // national digits after the trunk 0: "24" for Hanoi, "203"
    std::string_view province;
};

// Landline area codes since the 2017 change (NSN = area code + subscriber = 10 digits).
inline constexpr area_code area_codes[] = {
    {"203", "Quang Ninh province"},
    {"204", "Bac Giang province"},
    {"205", "Lang Son province"},
    {"206", "Cao Bang province"},
    {"207", "Tuyen Quang province"},
    {"208", "Thai Nguyen province"},
    {"209", "Bac Can province"},
    {"210", "Phu Tho province"},
    {"211", "Vinh Phuc province"},
    {"212", "Son La province"},
    {"213", "Lai Chau province"},
    {"214", "Lao Cai province"},
    {"215", "Dien Bien province"},
    {"216", "Yen Bai province"},
    {"218", "Hoa Binh province"},
    {"219", "Ha Giang province"},
    {"220", "Hai Duong province"},
    {"221", "Hung Yen province"},
    {"222", "Bac Ninh province"},
    {"225", "Hai Phong City"},
    {"226", "Ha Nam province"},
    {"227", "Thai Binh province"},
    {"228", "Nam Dinh province"},
    {"229", "Ninh Binh province"},
    {"232", "Quang Binh province"},
    {"233", "Quang Tri province"},
    {"234", "Thua Thien-Hue province"},
    {"235", "Quang Nam province"},
    {"236", "Da Nang"},
    {"237", "Thanh Hoa province"},
    {"238", "Nghe An province"},
    {"239", "Ha Tinh province"},
    {"24", "Hanoi City"},
    {"251", "Dong Nai province"},
    {"252", "Binh Thuan province"},
    {"254", "Ba Ria Vung Tau province"},
    {"255", "Quang Ngai province"},
    {"256", "Binh Dinh province"},
    {"257", "Phu Yen province"},
    {"258", "Khanh Hoa province"},
    {"259", "Ninh Thuan province"},
    {"260", "Kon Tum province"},
    {"261", "Dak Nong province"},
    {"262", "Dak Lak province"},
    {"263", "Lam Dong province"},
    {"269", "Gia Lai province"},
    {"270", "Vinh Long province"},
    {"271", "Binh Phuoc province"},
    {"272", "Long An province"},
    {"273", "Tien Giang province"},
    {"274", "Binh Duong province"},
    {"275", "Ben Tre province"},
    {"276", "Tay Ninh province"},
    {"277", "Dong Thap province"},
    {"28", "Ho Chi Minh City"},
    {"290", "Ca Mau province"},
    {"291", "Bac Lieu province"},
    {"292", "Can Tho City"},
    {"293", "Hau Giang province"},
    {"294", "Tra Vinh province"},
    {"296", "An Giang province"},
    {"297", "Kien Giang province"},
    {"299", "Soc Trang province"},
};

struct mobile_block {
    std::string_view carrier;
    std::initializer_list<std::string_view> prefixes;  // national digits after the trunk 0
};

}  // namespace detail::vietnam

namespace plans {

// Vietnam's rules added to `plan` (an empty plan by default; plans::world() adds them to the
// world data as an overlay).
inline numbering_plan build_vietnam(numbering_plan plan = numbering_plan()) {
    std::deque<std::string> prefixes;  // stable storage for the rules' prefix views
    std::vector<prefix_rule> rules;
    const auto add = [&](std::string_view national_prefix, number_type type, std::string_view carrier,
                         std::string_view region, std::uint32_t national_lengths) {
        prefixes.push_back("84" + std::string(national_prefix));
        rules.push_back({prefixes.back(), type, carrier, region, national_lengths});
    };
    const std::uint32_t nine = lengths({9});
    // Mobile, NSN 9 digits. 030/051 (MobiFone) and 031 (Viettel) are carried by libphonenumber
    // without an allocation notice; 095 and the 0990/0991 blocks have no named carrier there.
    const detail::vietnam::mobile_block mobile[] = {
        {"Viettel", {"32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98", "160", "31"}},
        {"Vinaphone", {"81", "82", "83", "84", "85", "88", "91", "94"}},
        {"Itelecom", {"87"}},
        {"MobiFone", {"70", "76", "77", "78", "79", "89", "90", "93", "1210", "1211", "1212", "1213", "30", "51"}},
        {"Vietnamobile", {"52", "56", "58", "92"}},
        {"Gmobile", {"59", "99"}},
        {"Reddi", {"55"}},
        {"", {"95"}},
    };
    for (const auto& block : mobile)
        for (std::string_view p : block.prefixes) add(p, number_type::mobile, block.carrier, "", nine);

    // Fixed line: "2" marks the type even for unassigned area codes; only known codes validate.
    add("2", number_type::fixed_line, "", "", 0);
    for (const auto& a : detail::vietnam::area_codes)
        add(a.prefix, number_type::fixed_line, "", a.province, lengths({10}));

    add("672", number_type::voip, "", "", nine);  // VSAT
    add("1800", number_type::toll_free, "", "", lengths({8, 9, 10}));
    for (std::string_view p : {"1201", "1203", "1228"}) add(p, number_type::toll_free, "", "", lengths({8}));
    add("1900", number_type::premium_rate, "", "", lengths({8, 9, 10}));
    add("199", number_type::uan, "", "", lengths({7}));
    add("799", number_type::uan, "", "", lengths({7}));
    add("69", number_type::uan, "", "", lengths({7, 8}));  // defence and public security
    // Short numbers: 113 police, 114 fire, 115 ambulance, 156 and 5656 spam-call reporting.
    for (std::string_view p : {"113", "114", "115", "156"}) add(p, number_type::short_code, "", "", lengths({3}));
    add("5656", number_type::short_code, "", "", lengths({4}));
    plan.add(rules);
    return plan;
}

// The built-in plan for Vietnam (+84); thread-safe, built on first use, lives forever.
inline const numbering_plan& vietnam() {
    static const numbering_plan plan = build_vietnam();
    return plan;
}

}  // namespace plans
}  // namespace numrep
