// Every region: parsing by libphonenumber's rules and the world plan's answers. Expected keys and
// answers are phonenumbers 9.0.43's (the Python differential test covers ~30k more).
#include <numrep/parse.hpp>
#include <numrep/world_plan.hpp>

#include <random>
#include <string>
#include <tuple>

#include "catch.hpp"

using numrep::number_type;
using numrep::parse_errc;
using numrep::try_parse;

namespace {

std::uint64_t key_of(std::string_view text, std::string_view region) {
    const auto r = try_parse(text, region);
    INFO(std::string(text) << " in " << std::string(region) << ": " << numrep::describe(r.error()));
    REQUIRE(r.ok());
    return r->key();
}

}  // namespace

// The world data is constexpr too: a region's rules can be checked at compile time.
static_assert(try_parse("8 10 84 91 234 5678", *numrep::region::find("RU")).value().key() == 84912345678ULL);
// ISO codes without libphonenumber metadata read as "ZZ" does (international forms only); other
// unknown codes stay unknown.
static_assert(numrep::region::find("UM") == numrep::region::none());
static_assert(numrep::region::find("pn") == numrep::region::none());
static_assert(!numrep::region::find("VM").has_value());
static_assert(try_parse("+44 20 7031 3000", "UM").value().key() == 442070313000ULL);
static_assert(try_parse("020 7031 3000", "AQ").error() == numrep::parse_errc::missing_country_code);

TEST_CASE("numbers dialled from any region with its international prefix", "[world][parse]") {
    CHECK(key_of("8 10 84 91 234 5678", "RU") == 84912345678ULL);  // "8~10": 8, tone, 10
    CHECK(key_of("001 84 912345678", "KR") == 84912345678ULL);     // KR carrier-selecting prefixes
    CHECK(key_of("009 84 912345678", "HK") == 84912345678ULL);
    CHECK(key_of("0030 84 912345678", "HK") == 84912345678ULL);
    CHECK(key_of("0011 44 20 7031 3000", "AU") == 442070313000ULL);
    CHECK(key_of("1411 0011 84 912345678", "AU") == 84912345678ULL);
    CHECK(key_of("019 84 912345678", "SG") == 84912345678ULL);
    CHECK(key_of("010 84 912345678", "JP") == 84912345678ULL);
    CHECK(key_of("007 57 601 234 5678", "CO") == 576012345678ULL);
    CHECK(key_of("014 972 2 123 4567", "IL") == 97221234567ULL);
    CHECK(key_of("011 84 912 345 678", "US") == 84912345678ULL);
    // libphonenumber reads an IDD followed by 0 as a national number (no code starts with 0).
    CHECK(try_parse("00 0912345678", "DE")->country_code() == 49);
}

TEST_CASE("national prefixes and their transform rules", "[world][parse]") {
    CHECK(key_of("8 029 491-19-11", "BY") == 375294911911ULL);  // trunk "8", then a stray 0
    CHECK(key_of("8 (495) 123-45-67", "RU") == 74951234567ULL);
    CHECK(key_of("0 11 15 2345-6789", "AR") == 5491123456789ULL);  // 0 + area + 15 -> 9 + area
    CHECK(key_of("0 14 21 2345-6789", "BR") == 552123456789ULL);   // carrier code 14 dropped
    CHECK(key_of("08 2 123 4567", "KR") == 820821234567ULL);       // as libphonenumber: 08 is no carrier code here
    CHECK(key_of("4621234", "AG") == 12684621234ULL);              // 7 digits: area code 268 added
    CHECK(key_of("06 1234 5678", "IT") == 390612345678ULL);        // Italian numbers keep their 0
    CHECK(key_of("01481 256789", "GG") == 441481256789ULL);
}

TEST_CASE("+CC 0... and +CC (0)... give one key", "[world][parse]") {
    CHECK(key_of("+49 030 123456", "VN") == 4930123456ULL);
    CHECK(key_of("+49 (0)30 123456", "VN") == 4930123456ULL);
    CHECK(key_of("+44 020 7031 3000", "VN") == 442070313000ULL);
    CHECK(key_of("+33 (0)1 23 45 67 89", "VN") == 33123456789ULL);
}

TEST_CASE("tel: URIs with phone-context, extensions, vanity numbers", "[world][parse]") {
    CHECK(key_of("tel:331-6005;phone-context=+64-3", "US") == 6433316005ULL);
    CHECK(key_of("tel:03-331-6005;phone-context=example.com", "NZ") == 6433316005ULL);
    CHECK(try_parse("tel:331-6005;phone-context=", "US").error() == parse_errc::bad_character);
    CHECK(key_of("tel:331-6005;phone-context=1.com", "US") == 13316005ULL);  // a domain: ignored
    for (const char* context : {"a-.com", "-a.com", "a.1com", "a..com", ".com"})
        CHECK(try_parse(std::string("tel:331-6005;phone-context=") + context, "US").error() ==
              parse_errc::bad_character);
    CHECK(try_parse("tel:331-6005;foo=bar", "US").error() == parse_errc::bad_character);

    const struct {
        std::string_view text;
        std::string_view extension;
    } extensions[] = {
        {"(469) 257-6503 x123", "123"},
        {"469-257-6503 ext. 12", "12"},
        {"469 257 6503;ext=77", "77"},
        {"tel:+1-469-257-6503;ext=5", "5"},
        {"469-257-6503 extension 5", "5"},
        {"469-257-6503 #5", "5"},
        {"469-257-6503 - 503#", "503"},
        {"469-257-6503,,55", "55"},
        {"469-257-6503, 55", "55"},
        {"469-257-6503 ext:55#", "55"},
        {"469-257-6503 int 55", "55"},
        {"469 257 6503 ~ 9", "9"},
        {"469 257 6503\xEF\xBD\x9E"
         "12",
         "12"},
        {"tel:+1-469-257-6503 ext 9", "9"},
        {"tel:+14692576503x12", "12"},
        {"469 257 6503 extensio 12", "12"},
        {"469 257 6503 extensi\xC3\xB3 12", "12"},
    };
    for (const auto& e : extensions) {
        INFO(std::string(e.text));
        const auto r = try_parse(e.text, "US");
        REQUIRE(r.ok());
        CHECK(r->key() == 14692576503ULL);
        CHECK(r->extension() == e.extension);
    }
    CHECK(try_parse("469 257 6503", "US")->extension().empty());
    CHECK_FALSE(try_parse("469 257 6503", "US")->has_extension());
    CHECK(try_parse("469-257-6503 x0012", "US")->extension() == "0012");  // leading zeros kept
    CHECK(try_parse("(469) 257-6503/x12", "US")->extension().empty());    // "/x": a second number, cut off
    CHECK(try_parse("469 257 6503 ext. 1234567890123456789", "US")->extension().size() == 19);
    CHECK(try_parse("469 257 6503 ext. 12345678901234567890", "US").error() == parse_errc::too_long);  // see docs

    CHECK(key_of("1-800-FLOWERS", "US") == 18003569377ULL);
    CHECK(key_of("1 800 GOT JUNK", "US") == 18004685865ULL);
    CHECK(try_parse("FLOWERS", "US").error() == parse_errc::bad_character);  // letters before three digits
    CHECK(key_of("\xEF\xBC\x98\xEF\xBC\x90\xEF\xBC\x90-FLOWERS", "US") ==
          13569377ULL);  // with letters, only ASCII digits count
    // Two digits alone are a number (as in libphonenumber), with nothing between them.
    for (const char* text : {"12", " 12", "12 ", "(12)"}) CHECK(key_of(text, "US") == 112ULL);
    for (const char* text : {"1-2", "+12", "1 2"}) CHECK(try_parse(text, "US").error() == parse_errc::too_short);
    CHECK(try_parse("0912 345 67y", "VN").error() == parse_errc::bad_character);
}

TEST_CASE("messy text reads as libphonenumber reads it (tests/python/test_differential_messy.py)", "[world][parse]") {
    // After the number: whatever is neither a letter nor a number of any script (nor '#') goes:
    // an ideographic full stop, a closing quote, a combining accent, a telephone sign.
    for (const char* tail : {"\xE3\x80\x82", "\xE2\x80\x9D", "\xCC\x81", " \xE2\x98\x8E", "\xC2\xBB"})
        CHECK(key_of(std::string("0912 345 678") + tail, "VN") == 84912345678ULL);
    // A number (superscript two) or a letter of another script is kept, and refused there.
    CHECK(try_parse("0912 345 678\xC2\xB2", "VN").error() == parse_errc::bad_character);
    CHECK(try_parse("0912 345 678\xD0\xB6", "VN").error() == parse_errc::bad_character);
    // Bidirectional marks around and inside a number are white space.
    CHECK(key_of("\xE2\x80\xAA+84 912 345 678\xE2\x80\xAC", "VN") == 84912345678ULL);
    CHECK(key_of("\xE2\x80\x8F"
                 "0912\xE2\x81\xA6 345 678",
                 "VN") == 84912345678ULL);
    // An extension is kept apart only when the number before it is viable, and a text with fewer
    // than three digits in its number must be viable as a whole, its extension included.
    CHECK(key_of("1~01", "DJ") == 253101ULL);  // "1" is no number: '~' is punctuation here
    const auto seventy = try_parse("70~1", "DJ");
    REQUIRE(seventy.ok());
    CHECK(seventy->key() == 25370ULL);
    CHECK(seventy->extension() == "1");
    const auto with_x = try_parse("34x2", "AI");  // 'x' is punctuation in that test, then a label
    REQUIRE(with_x.ok());
    CHECK(with_x->key() == 134ULL);
    CHECK(with_x->extension() == "2");
    for (const char* text : {"56,2", "12 6#", "56xt2"}) {
        INFO(text);
        CHECK(try_parse(text, "DJ").error() == parse_errc::too_short);
    }
    CHECK(try_parse("tel:78;ext=2", "PR").error() == parse_errc::too_short);
    // Commas are an extension label before ':', '.' or '．' too; ";ext=" takes no '#'.
    for (const char* text : {"044 668 18 00,\xEF\xBC\x8E"
                             "12",
                             "044 668 18 00,,.12", "044 668 18 00,:12"}) {
        INFO(text);
        const auto r = try_parse(text, "CH");
        REQUIRE(r.ok());
        CHECK(r->key() == 41446681800ULL);
        CHECK(r->extension() == "12");
    }
    CHECK(try_parse("456;ext=2#", "CM").error() == parse_errc::bad_character);
    // White space numrep alone reads (a bidirectional mark, a thin space) stands for a space
    // around an extension label too: never another number.
    const struct {
        std::string_view text, region;
        std::uint64_t key;
        std::string_view extension;
    } spaced[] = {
        {"12\xE2\x80\x8E~3", "DJ", 25312ULL, "3"},
        {"044 668 18 00 ~\xE2\x80\x89"
         "12",
         "CH", 41446681800ULL, "12"},
        {"044 668 18 00\xE2\x80\xAF-\xE2\x80\xAF"
         "503#",
         "CH", 41446681800ULL, "503"},
    };
    for (const auto& e : spaced) {
        INFO(std::string(e.text));
        const auto r = try_parse(e.text, e.region);
        REQUIRE(r.ok());
        CHECK(r->key() == e.key);
        CHECK(r->extension() == e.extension);
    }
    // Only an ASCII '#' closes an extension; a second number is looked for from the first digit.
    CHECK(try_parse("0912345678 x12\xEF\xBC\x83/x3", "VN").error() == parse_errc::bad_character);
    CHECK(try_parse("/x12", "DJ").error() == parse_errc::bad_character);
    CHECK(key_of("tel:78/xa", "PR") == 178ULL);
    // With vanity letters, other scripts' digits are dropped, but a '+' after them is still no
    // leading plus.
    CHECK(try_parse("\xD9\xA1\xD9\xA2+123ext", "IT").error() == parse_errc::bad_character);
    // With a phone-context no second number is cut off; nothing after ";isub=" or after the
    // context counts; labels match in any case and width.
    const auto ext_of = [](std::string_view text, std::string_view region) {
        const auto r = try_parse(text, region);
        return r ? r->e164() + "/" + r->extension() : std::string("error");
    };
    CHECK(ext_of("tel:2015550123/x4;phone-context=+1", "US") == "+12015550123/4");
    CHECK(ext_of("tel:2015550123;isub=1;ext=4", "US") == "+12015550123/");
    CHECK(ext_of("tel:2015550123;isub=1;foo=bar", "US") == "+12015550123/");
    CHECK(ext_of("tel:2015550123;phone-context=+1;ext=4", "US") == "+12015550123/");
    CHECK(ext_of("tel:12;phone-context=example.com", "US") == "+112/");
    CHECK(try_parse("2015550123 / x;phone-context=+1", "BR").error() == parse_errc::bad_character);
    for (const char* label : {"\xEF\xBC\xB8\xEF\xBC\xB4 ", "\xD0\x94\xD0\x9E\xD0\x91 ", "\xC4\xB1nt ",
                              "exten\xC5\xBFion ", "EXTENSI\xC3\x93N "}) {
        INFO(label);
        CHECK(ext_of(std::string("0446681800 ") + label + "5", "CH") == "+41446681800/5");
    }
}

TEST_CASE("a plus that is no country code is read again without it", "[world][parse]") {
    CHECK(key_of("+011 84 912345678", "US") == 84912345678ULL);
    CHECK(try_parse("+0 123456", "VN").error() == parse_errc::unknown_country_code);
}

TEST_CASE("the world plan: valid, type, region code, carrier, area", "[world][lookup]") {
    const auto& world = numrep::plans::world();
    const auto us = world.lookup(14692576503ULL);
    CHECK(us.valid);
    CHECK(us.type == number_type::fixed_line_or_mobile);
    CHECK(us.region_code == "US");
    CHECK(us.region == "Texas");
    const auto ca = world.lookup(16135550123ULL);
    CHECK(ca.region_code == "CA");  // +1 is shared: the numbers of Canada
    CHECK(ca.region == "Ontario");
    CHECK(world.lookup(12684621234ULL).region_code == "AG");
    CHECK(world.lookup(77011234567ULL).region_code == "KZ");  // +7 is shared with Kazakhstan
    CHECK(world.lookup(77011234567ULL).carrier == "Kcell/Activ");
    CHECK(world.lookup(79161234567ULL).region_code == "RU");
    CHECK(world.lookup(442070313000ULL).type == number_type::fixed_line);
    CHECK(world.lookup(18002345678ULL).type == number_type::toll_free);
    CHECK(world.lookup(80012345678ULL).region_code == "001");  // international freephone
    CHECK(world.lookup(80012345678ULL).type == number_type::toll_free);
    CHECK_FALSE(world.lookup(12020550123ULL).valid);     // no NANP exchange starts with 0
    CHECK(world.lookup(12020550123ULL).region.empty());  // areas only for valid numbers
    // Vietnam: the overlay from the allocation notices decides, the world data adds the region code.
    const auto vn = world.lookup(84912345678ULL);
    CHECK(vn.valid);
    CHECK(vn.carrier == "Vinaphone");
    CHECK(vn.region_code == "VN");
    for (const std::uint64_t key : {84912345678ULL, 84323456789ULL, 842438264321ULL, 84113ULL, 8418001234ULL}) {
        const auto a = world.lookup(key);
        const auto b = numrep::plans::vietnam().lookup(key);
        INFO(key);
        CHECK(a.valid == b.valid);
        CHECK(a.type == b.type);
        CHECK(a.carrier == b.carrier);
        CHECK(a.region == b.region);
    }
    // An empty plan knows nothing; a plan on the world base knows every region.
    CHECK_FALSE(numrep::numbering_plan().lookup(14692576503ULL).valid);
    CHECK(numrep::numbering_plan(numrep::world_base).lookup(14692576503ULL).valid);
}

TEST_CASE("an overlay deciding a one-region country gives its region code to every key longer than the code",
          "[world][lookup]") {
    // lookup answers these from the overlay's node (world_rows_), not from the key's digits.
    const auto& world = numrep::plans::world();
    std::mt19937_64 rng(3);
    for (std::size_t national = 1; national <= 13; ++national)
        for (int i = 0; i < 200; ++i) {
            const std::uint64_t scale = numrep::detail::pow10[national];
            const std::uint64_t key = 84 * scale + rng() % scale;
            INFO(key);
            CHECK(world.lookup(key).region_code == "VN");
        }
    CHECK(world.lookup(84ULL).region_code.empty());  // a country code alone is no number
    CHECK(world.lookup(8ULL).region_code.empty());
    // An overlay rule for +44, which the world data splits into GB, GG, IM and JE, leaves the region
    // code to the world data.
    numrep::numbering_plan plan(numrep::world_base);
    plan.add(numrep::prefix_rule{"447400", number_type::mobile, "Test", {}, 1U << 10});
    CHECK(plan.lookup(447400123456ULL).valid);
    CHECK(plan.lookup(447400123456ULL).region_code == "GB");
    CHECK(plan.lookup(441534123456ULL).region_code == world.lookup(441534123456ULL).region_code);
    CHECK(plan.lookup(441534123456ULL).region_code == "JE");
}

TEST_CASE("carrier and area ranges: the range in force at every start and either side of it", "[world][lookup]") {
    // range_id's binary search against a scan of the same table, at each range's first key,
    // the key before it and the key after, over every country's carrier slice and the areas.
    namespace w = numrep::detail::world;
    const auto in_force = [](std::string_view starts, std::string_view ids, std::uint32_t begin, std::uint32_t end,
                             std::uint64_t key) {
        std::uint16_t id = 0;
        for (std::uint32_t i = begin; i < end && w::u64_at(starts, i) <= key; ++i) id = w::u16_at(ids, i);
        return id;
    };
    const auto check_slice = [&](std::string_view starts, std::string_view ids, std::uint32_t begin,
                                 std::uint32_t end) {
        for (std::uint32_t i = begin; i < end; ++i) {
            const std::uint64_t start = w::u64_at(starts, i);
            if (i > begin) REQUIRE(w::u64_at(starts, i - 1) <= start);  // what a binary search needs
            for (const std::uint64_t key : {start - 1, start, start + 1}) {
                INFO("range " << i << " of [" << begin << ", " << end << "), key " << key);
                REQUIRE(w::range_id(starts, ids, begin, end, key) == in_force(starts, ids, begin, end, key));
            }
        }
        REQUIRE(w::range_id(starts, ids, begin, begin, 0) == 0);  // an empty slice holds nothing
    };
    std::size_t slices = 0;
    for (const auto& country : w::countries) {
        if (country.carrier_first == country.carrier_end) continue;
        check_slice(w::carrier_starts, w::carrier_ids, country.carrier_first, country.carrier_end);
        ++slices;
    }
    CHECK(slices > 100);
    check_slice(w::area_starts, w::area_ids, 0, w::area_range_count);
}

TEST_CASE("random mixes of the tokens the parser treats specially never crash, and keys stay keys", "[world][fuzz]") {
    // Digits, punctuation, every prefix and label the scanner looks for, other scripts' digits
    // and letters: the inputs most likely to reach its rarely used paths.
    const std::string_view tokens[] = {
        "0",
        "1",
        "4",
        "8",
        "9",
        "00",
        "011",
        "810",
        "8~10",
        "+",
        "+84",
        "+1",
        " ",
        "-",
        ".",
        "(",
        ")",
        "(0)",
        "/",
        "tel:",
        ";phone-context=",
        ";phone-context=+64-3",
        ";phone-context=example.com",
        ";ext=",
        ";isub=",
        ";",
        ",,",
        ",",
        "x",
        "X",
        "ext",
        "ext.",
        "extension",
        "int",
        "#",
        "*",
        "~",
        "abc",
        "FLOWERS",
        "y",
        "\xEF\xBC\x91",
        "\xD9\xA3",
        "\xE3\x80\x80",
        "\xEF\xBC\x8B",
        "\xEF\xBD\x98",
        "\xD0\xB4\xD0\xBE\xD0\xB1",
        "\xFF",
    };
    const char* regions[] = {"VN", "US", "RU", "KR", "HK", "AU", "BR", "AR", "MX", "GB", "DE", "IT", "NZ", "AG"};
    std::mt19937_64 rng(8);
    std::size_t accepted = 0;
    for (int round = 0; round < 200000; ++round) {
        std::string text;
        const int count = static_cast<int>(rng() % 12);
        for (int i = 0; i < count; ++i) text += tokens[rng() % std::size(tokens)];
        if (rng() % 2) text += std::to_string(rng() % 1000000000);
        const auto r = try_parse(text, regions[rng() % std::size(regions)]);
        if (!r) continue;
        ++accepted;
        INFO(text);
        REQUIRE(r->key() <= numrep::detail::max_key);
        REQUIRE(numrep::phone_number::from_key(r->key()).has_value());  // starts with a country code
        const std::string extension = r->extension();
        REQUIRE(extension.find_first_not_of("0123456789") == std::string::npos);
        REQUIRE(numrep::plans::world().lookup(r->key()).region_code.size() <= 3);
    }
    CHECK(accepted > 10000);  // the mix reaches the accepting paths too
}

// matches_general stops at a dead walk without reading its tag set: that is only right while
// every country's dead state (its local state 0) matches no region's general pattern. Tables
// regenerated by tools/gen_world_plan.py must keep it so.
TEST_CASE("every country's dead state matches no general pattern", "[world][data]") {
    using namespace numrep::detail::world;
    std::size_t checked = 0;
    for (const auto& c : countries) {
        INFO("country code " << c.code);
        REQUIRE(general_mask(u16_at(state_tagsets, c.first_state)) == 0);
        ++checked;
    }
    REQUIRE(checked > 200);
    // And a walk that dies says so: "0..." matches nothing in Vietnam, whose numbers never start with 0.
    const auto& vn = country(84);
    REQUIRE(walk_state(vn, "0912345678", 10) == 0);
    REQUIRE(walk_state(vn, "912345678", 9) != 0);
    REQUIRE(matches_general(vn, 0, "912345678", 9));
    REQUIRE_FALSE(matches_general(vn, 0, "0912345678", 10));
}

// general_match answers from first_digits_by_code when a number's first digit kills the walk;
// it must answer as the walk does for every region, on every digit string of up to 4 digits and
// random longer ones, matched or not.
TEST_CASE("general_match's first-digit table answers as the walk does, for every region", "[world][data]") {
    using numrep::detail::digit_span;
    std::mt19937_64 random(20261207);
    std::size_t compared = 0, matched = 0, told_by_table = 0;
    std::string first_difference;
    const auto compare = [&](const numrep::detail::world::metadata_row& row, const std::string& digits) {
        const digit_span s{digits.data(), static_cast<int>(digits.size())};
        const bool expected = numrep::detail::general_match_walk(row, s);
        if (numrep::detail::general_match(row, s) != expected && first_difference.empty())
            first_difference = std::string(row.region) + " on \"" + digits + "\": the walk says " +
                               (expected ? "match" : "no match");
        ++compared;
        matched += expected ? 1U : 0U;
        if (!digits.empty() && ((unsigned{numrep::detail::world::first_digits_by_code[row.country_code]} >>
                                 static_cast<unsigned>(digits[0] - '0')) &
                                1U) == 0)
            ++told_by_table;
    };
    for (const auto& row : numrep::detail::world::metadata) {
        std::string digits;
        for (int length = 0; length <= 4; ++length)
            for (int value = 0, end = static_cast<int>(numrep::detail::pow10[static_cast<std::size_t>(length)]);
                 value < end; ++value) {
                digits.assign(static_cast<std::size_t>(length), '0');
                for (int k = length - 1, v = value; k >= 0; --k, v /= 10)
                    digits[static_cast<std::size_t>(k)] = static_cast<char>('0' + v % 10);
                compare(row, digits);
            }
        for (int trial = 0; trial < 300; ++trial) {
            digits.resize(5 + random() % 13);
            for (auto& d : digits) d = static_cast<char>('0' + random() % 10);
            compare(row, digits);
        }
    }
    CHECK(first_difference == "");
    // And the table itself: a bit is clear only where the start state takes that digit to the
    // dead state, so that every walk of a number starting with it dies there (the sample above
    // reaches few of the numbers that match: a wrong bit could hide from it).
    std::size_t clear_bits = 0;
    for (const auto& country : numrep::detail::world::countries) {
        using namespace numrep::detail::world;
        const std::uint32_t start = (country.first_state + 1) * row_width;
        for (unsigned d = 0; d < 10; ++d) {
            if (((unsigned{first_digits_by_code[country.code]} >> d) & 1U) != 0) continue;
            ++clear_bits;
            INFO("country code " << country.code << ", first digit " << d);
            const char digit = static_cast<char>('0' + d);
            CHECK(u16_at(transitions, start + 10) == 0);  // no chain or absorbing start state
            CHECK(walk_state(country, &digit, 1) == 0);
        }
    }
    CHECK(clear_bits > 500);
    CHECK(compared > 2'000'000);
    CHECK(matched > 10'000);         // numbers that match are among them
    CHECK(told_by_table > 100'000);  // and the table answers many that do not
    // Vietnam: no national number starts with 0, so a trunk prefix is told by the table.
    CHECK((numrep::detail::world::first_digits_by_code[84] & 1U) == 0);
}

// match_prefix_end is match_prefix without the groups, with its own loop for paths of digit
// steps alone, and prefix_end compares the digits of a set the generator found to be one string
// of them: both must find the same end as match_prefix for every prefix set (international and
// trunk) of every region, on every digit string of up to 4 digits (all of them) and on random
// longer ones, and never read past the number's end.
TEST_CASE("match_prefix_end and prefix_end end where match_prefix does, for every region's prefix sets",
          "[world][data]") {
    using namespace numrep::detail::world;
    std::mt19937_64 random(20261205);
    std::size_t compared = 0, matched = 0, general_paths = 0, literal_sets = 0;
    std::string first_difference;  // (a REQUIRE for each of millions of strings would take seconds)
    // Every leading part of `digits` as the number, read in place: the digits after it are there,
    // as in the parser's buffers, so reading past the number's end would change answers.
    const auto compare = [&](std::uint16_t first, std::uint16_t count, std::string_view literal,
                             const std::string& digits) {
        for (int n = static_cast<int>(digits.size()); n >= 0; --n) {
            const std::string number = digits.substr(0, static_cast<std::size_t>(n));
            const int expected = match_prefix(first, count, number.data(), n).end;
            const int got = match_prefix_end(first, count, digits.data(), n);
            const int got_literal = prefix_end(literal, first, count, digits.data(), n);
            if ((got != expected || got_literal != expected) && first_difference.empty())
                first_difference = "paths " + std::to_string(first) + "+" + std::to_string(count) + " (digits \"" +
                                   std::string(literal) + "\") on \"" + number + "\" (of \"" + digits +
                                   "\"): " + std::to_string(got) + ", prefix_end " + std::to_string(got_literal) +
                                   ", match_prefix " + std::to_string(expected);
            ++compared;
            matched += expected >= 0 ? 1 : 0;
        }
    };
    for (const auto& row : metadata) {
        for (const auto& [first, count, literal] : {std::tuple{row.idd_first, row.idd_count, row.idd_digits},
                                                    std::tuple{row.npp_first, row.npp_count, row.npp_digits}}) {
            if (count == 0) continue;
            literal_sets += literal.empty() ? 0U : 1U;
            for (std::uint16_t p = first; p < first + count; ++p)
                for (std::uint16_t k = 0; k < prefix_paths[p].step_count; ++k)
                    if ((path_steps[prefix_paths[p].first_step + k] & 0xC000) != 0) {
                        ++general_paths;  // a path with a group or an end anchor
                        break;
                    }
            std::string digits;
            for (int length = 0; length <= 4; ++length) {
                for (int value = 0, end = static_cast<int>(numrep::detail::pow10[static_cast<std::size_t>(length)]);
                     value < end; ++value) {
                    digits.assign(static_cast<std::size_t>(length), '0');
                    for (int k = length - 1, v = value; k >= 0; --k, v /= 10)
                        digits[static_cast<std::size_t>(k)] = static_cast<char>('0' + v % 10);
                    compare(first, count, literal, digits);
                }
            }
            for (int trial = 0; trial < 1000; ++trial) {
                digits.resize(6 + random() % 12);
                for (auto& d : digits) d = static_cast<char>('0' + random() % 10);
                compare(first, count, literal, digits);
            }
        }
    }
    CHECK(first_difference == "");
    CHECK(compared > 1'000'000);
    CHECK(matched > 10'000);     // the prefixes are found, not only missed
    CHECK(general_paths > 100);  // and the walk with groups and end anchors is exercised too
    CHECK(literal_sets > 250);   // and the direct comparison, which most prefix sets take
}
