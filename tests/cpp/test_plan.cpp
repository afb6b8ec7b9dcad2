#include <numrep/parse.hpp>
#include <numrep/vietnam_plan.hpp>
#include <numrep/world_plan.hpp>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "catch.hpp"
#include "test_support.hpp"

using numrep::number_type;

namespace {

const numrep::numbering_plan& vn() { return numrep::plans::vietnam(); }

numrep::number_info info_of(const std::string& text) { return vn().lookup(numrep::parse(text)); }

}  // namespace

TEST_CASE("every mobile prefix gives its allocated carrier", "[plan]") {
    // The allocation table of ../shared/reference/VN-NUMBERING.md, written out as the spec.
    const std::map<std::string, std::string> carriers = {
        {"032", "Viettel"},      {"033", "Viettel"},      {"034", "Viettel"},      {"035", "Viettel"},
        {"036", "Viettel"},      {"037", "Viettel"},      {"038", "Viettel"},      {"039", "Viettel"},
        {"086", "Viettel"},      {"096", "Viettel"},      {"097", "Viettel"},      {"098", "Viettel"},
        {"031", "Viettel"},      {"081", "Vinaphone"},    {"082", "Vinaphone"},    {"083", "Vinaphone"},
        {"084", "Vinaphone"},    {"085", "Vinaphone"},    {"088", "Vinaphone"},    {"091", "Vinaphone"},
        {"094", "Vinaphone"},    {"087", "Itelecom"},     {"070", "MobiFone"},     {"076", "MobiFone"},
        {"077", "MobiFone"},     {"078", "MobiFone"},     {"079", "MobiFone"},     {"089", "MobiFone"},
        {"090", "MobiFone"},     {"093", "MobiFone"},     {"030", "MobiFone"},     {"051", "MobiFone"},
        {"052", "Vietnamobile"}, {"056", "Vietnamobile"}, {"058", "Vietnamobile"}, {"092", "Vietnamobile"},
        {"059", "Gmobile"},      {"099", "Gmobile"},      {"055", "Reddi"},        {"095", ""},
    };
    for (const auto& [prefix, carrier] : carriers) {
        for (const std::string rest : {"0000000", "1234567", "9999999"}) {
            INFO(prefix + rest);
            const auto info = info_of(prefix + rest);
            CHECK(info.carrier == carrier);
            CHECK(info.type == number_type::mobile);
            CHECK(info.valid);
            CHECK(info.region.empty());
        }
        // Wrong length: still the allocation, but not valid.
        const auto short_one = info_of(prefix + "12345");
        CHECK(short_one.carrier == carrier);
        CHECK(short_one.type == number_type::mobile);
        CHECK_FALSE(short_one.valid);
    }
    // The 9-digit 0121[0-3] (MobiFone) and 0160 (Viettel) ranges.
    for (const std::string p : {"01210", "01211", "01212", "01213"}) CHECK(info_of(p + "12345").carrier == "MobiFone");
    CHECK(info_of("0160123456").carrier == "Viettel");
    CHECK(info_of("0160123456").valid);
    CHECK_FALSE(vn().lookup(numrep::parse("+84 1214 12345")).valid);  // 1214 is not assigned
    // Legacy numbers land on the carrier of their new prefix.
    CHECK(info_of("01623456789").carrier == "Viettel");
    CHECK(info_of("01863456789").carrier == "Vietnamobile");
}

TEST_CASE("carrier ids index the plan's carrier names", "[plan]") {
    const auto info = info_of("0912345678");
    REQUIRE(info.carrier_id > 0);
    CHECK(vn().carriers()[info.carrier_id] == "Vinaphone");
    const auto fixed = info_of("02438264321");
    REQUIRE(fixed.region_id > 0);
    CHECK(vn().regions()[fixed.region_id] == "Hanoi City");
    CHECK(info_of("0952345678").carrier_id == 0);
}

TEST_CASE("every landline area code gives its province", "[plan]") {
    const auto rows = numrep_test::prefix_lines(numrep_test::data_path("libphonenumber_geocoding_en_84.txt"));
    REQUIRE(rows.size() == 63);
    for (const auto& [prefix, province] : rows) {
        const std::string area = prefix.substr(2);  // drop the country code 84
        const std::string subscriber = area.size() == 2 ? "38264321" : "3826432";
        const std::string expected = province == "Ving Long province" ? "Vinh Long province"
                                                                      : province;  // upstream typo
        INFO(area);
        const auto info = info_of("0" + area + subscriber);
        CHECK(info.type == number_type::fixed_line);
        CHECK(info.region == expected);
        CHECK(info.valid);
        CHECK(info.carrier.empty());
        const auto too_long = vn().lookup(std::stoull("84" + area + subscriber + "1"));
        CHECK(too_long.region == expected);
        CHECK_FALSE(too_long.valid);
    }
    // Hanoi numbers that libphonenumber rejects (0249...) are real and valid here.
    CHECK(info_of("024 9123 4567").valid);
    // An unassigned area code is still a fixed line, but not valid.
    const auto unassigned = info_of("0201 234 5678");
    CHECK(unassigned.type == number_type::fixed_line);
    CHECK(unassigned.region.empty());
    CHECK_FALSE(unassigned.valid);
}

TEST_CASE("special number types", "[plan]") {
    struct expected_type {
        const char* text;
        number_type type;
        bool valid;
    };
    const expected_type cases[] = {
        {"1800 1234", number_type::toll_free, true},
        {"1800 123456", number_type::toll_free, true},
        {"1800 123", number_type::toll_free, false},
        {"1201 1234", number_type::toll_free, true},
        {"1203 1234", number_type::toll_free, true},
        {"1228 1234", number_type::toll_free, true},
        {"1900 1234", number_type::premium_rate, true},
        {"1900 123456", number_type::premium_rate, true},
        {"0672 123 456", number_type::voip, true},
        {"199 1234", number_type::uan, true},
        {"799 1234", number_type::uan, true},
        {"069 12345", number_type::uan, true},
        {"069 123456", number_type::uan, true},
        {"069 234 8560", number_type::uan, false},
        {"113", number_type::short_code, true},
        {"114", number_type::short_code, true},
        {"115", number_type::short_code, true},
        {"156", number_type::short_code, true},
        {"5656", number_type::short_code, true},
        {"0565 612 345", number_type::mobile, true},
        {"+84 80 123 4567", number_type::unknown, false},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const auto info = info_of(c.text);
        CHECK(info.type == c.type);
        CHECK(info.valid == c.valid);
    }
    CHECK(info_of("5656").carrier.empty());  // the short code is nobody's subscription
    CHECK(info_of("0565612345").carrier == "Vietnamobile");
}

TEST_CASE("keys outside the plan are unknown and not valid", "[plan]") {
    for (std::uint64_t key : {0ULL, 1ULL, 14692576503ULL, 999'999'999'999'999ULL, 1'000'000'000'000'000ULL, ~0ULL}) {
        const auto info = vn().lookup(key);
        CHECK(info.type == number_type::unknown);
        CHECK_FALSE(info.valid);
        CHECK(info.carrier.empty());
    }
}

TEST_CASE("libphonenumber carrier and geocoding files load for any country", "[plan][load]") {
    numrep::numbering_plan plan;
    const auto carriers = plan.load_carrier_file(numrep_test::data_path("libphonenumber_carrier_en_84.txt"));
    CHECK(carriers == 29);
    const auto regions = plan.load_geocoding_file(numrep_test::data_path("libphonenumber_geocoding_en_84.txt"));
    CHECK(regions == 63);
    CHECK(plan.lookup(84912345678ULL).carrier == "Vinaphone");
    CHECK(plan.lookup(84871234567ULL).carrier == "Vinaphone");  // 848 in libphonenumber's data
    CHECK(plan.lookup(84301234567ULL).carrier == "MobiFone");   // 8430 refines 843
    CHECK(plan.lookup(84331234567ULL).carrier == "Viettel");
    CHECK(plan.lookup(84998123456ULL).carrier == "Indochina Telecom");
    CHECK(plan.lookup(842438264321ULL).region == "Hanoi City");
    CHECK_FALSE(plan.lookup(84912345678ULL).valid);  // no lengths given: the data validates nothing

    // With lengths, the same data validates.
    numrep::numbering_plan with_lengths;
    with_lengths.load_carrier_data("1201|Example Carrier\n", "us.txt", numrep::lengths({10}));
    CHECK(with_lengths.lookup(12015550123ULL).valid);
    CHECK(with_lengths.lookup(12015550123ULL).carrier == "Example Carrier");
    CHECK_FALSE(with_lengths.lookup(1201555012ULL).valid);

    // Another country added to the built-in plan: both answer.
    numrep::numbering_plan extended = vn();
    extended.load_geocoding_data("# comment\n\n1201|New Jersey\r\n44207|London\n", "extra");
    CHECK(extended.lookup(12015550123ULL).region == "New Jersey");
    CHECK(extended.lookup(442079460018ULL).region == "London");
    CHECK(extended.lookup(84912345678ULL).carrier == "Vinaphone");
}

TEST_CASE("malformed plan data names the source and the line", "[plan][load]") {
    numrep::numbering_plan plan;
    CHECK_THROWS_WITH(plan.load_carrier_data("8491|A\nno bar here\n", "x.txt"),
                      numrep_test::contains("x.txt line 2") && numrep_test::contains("prefix|name"));
    CHECK_THROWS_WITH(plan.load_carrier_data("84a1|A\n", "x.txt"), numrep_test::contains("x.txt line 1"));
    CHECK_THROWS_WITH(plan.load_carrier_data("8491|\n", "x.txt"), numrep_test::contains("empty name"));
    CHECK_THROWS_WITH(plan.load_carrier_data("999|A\n", "x.txt"), numrep_test::contains("country code"));
    CHECK_THROWS_WITH(plan.load_carrier_data("1234567890123456|A\n", "x.txt"), numrep_test::contains("1 to 15 digits"));
    // An I/O failure is a std::system_error (OSError in Python) naming the path (issue 9).
    CHECK_THROWS_AS(plan.load_carrier_file("/nonexistent/file.txt"), std::system_error);
    try {
        plan.load_geocoding_file("/nonexistent/file.txt");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::no_such_file_or_directory);
        CHECK(std::string(e.what()).find("/nonexistent/file.txt") != std::string::npos);
    }
}

TEST_CASE("lookup agrees with a naive longest-prefix scan on random keys", "[plan]") {
    // Model: for each key, the deepest rule on its digits that validates at its length.
    std::mt19937_64 rng(99);
    const char* heads[] = {"849", "843", "848", "847", "845", "842", "841", "846", "84"};
    for (int i = 0; i < 50000; ++i) {
        std::string digits = heads[rng() % std::size(heads)];
        const std::size_t length = 5 + rng() % 9;
        while (digits.size() < length) digits += static_cast<char>('0' + rng() % 10);
        const auto key = std::stoull(digits);
        const auto info = vn().lookup(key);
        const auto number = numrep::phone_number::from_key(key);
        REQUIRE(number.has_value());
        // A valid mobile number always has 9 national digits; a valid fixed line 10.
        if (info.valid && info.type == number_type::mobile) CHECK(number->national_length() == 9);
        if (info.valid && info.type == number_type::fixed_line) CHECK(number->national_length() == 10);
        if (info.carrier_id != 0) CHECK(vn().carriers()[info.carrier_id] == info.carrier);
    }
}

// A lookup takes its first steps down the prefix tree from a table (first_steps_): keys of every
// length, under prefixes of every depth and beside them (where the walk ends before the table's
// depth, at it, or after it), must get the deepest prefix's name, as a naive scan finds it.
TEST_CASE("lookup finds the deepest prefix of every length, as a naive scan does", "[plan]") {
    const std::vector<std::string> prefixes = {"7",        "79",  "791",  "7912",  "79123",  "791234",
                                               "84",       "849", "8491", "84912", "849123", "8491234",
                                               "84912345", "843", "8430", "880",   "8801",   "88017",
                                               "880171",   "1",   "12",   "120",   "1202",   "12025"};
    std::string lines;
    for (const auto& p : prefixes) lines += p + "|c" + p + "\n";
    numrep::numbering_plan plan;
    plan.load_carrier_data(lines);
    const auto naive = [&](const std::string& digits) {
        std::string best;
        for (const auto& p : prefixes)
            if (digits.starts_with(p) && p.size() > best.size()) best = p;
        return best.empty() ? std::string() : "c" + best;
    };
    std::mt19937_64 rng(20261207);
    std::string first_difference;
    std::size_t checked = 0;
    const auto check = [&](const numrep::numbering_plan& with, const std::string& digits) {
        const auto got = std::string(with.lookup(std::stoull(digits)).carrier);
        if (got != naive(digits) && first_difference.empty())
            first_difference = digits + ": " + got + ", the naive scan " + naive(digits);
        ++checked;
    };
    for (const auto& p : prefixes)
        for (std::size_t length = p.size(); length <= 15; ++length)
            for (int trial = 0; trial < 200; ++trial) {
                std::string digits = p;
                while (digits.size() < length) digits += static_cast<char>('0' + rng() % 10);
                check(plan, digits);
            }
    for (int trial = 0; trial < 100000; ++trial) {  // random keys of any length
        std::string digits(1, static_cast<char>('1' + rng() % 9));
        const std::size_t length = 1 + rng() % 15;
        while (digits.size() < length) digits += static_cast<char>('0' + rng() % 10);
        check(plan, digits);
    }
    // A copy answers alike; one given a prefix where the walk used to end within the table's
    // depth ("8429": it ended at "84") makes its table again.
    numrep::numbering_plan more = plan;
    for (const auto& digits : {"849123456", "84912345678", "7912345", "12025550123", "8801712345", "849"})
        check(more, digits);
    more.load_carrier_data("8429|c8429\n");
    CHECK(more.lookup(84291234567ULL).carrier == "c8429");
    CHECK(more.lookup(842ULL).carrier == "c84");
    CHECK(plan.lookup(84291234567ULL).carrier == "c84");
    CHECK(first_difference == "");
    CHECK(checked > 150000);
    CHECK(plan.lookup(84912345678ULL).carrier == "c84912345");
    CHECK(plan.lookup(849ULL).carrier == "c849");
    CHECK(plan.lookup(8ULL).carrier.empty());
}

TEST_CASE("a copied plan answers on its own after the original is gone", "[plan]") {
    auto original = std::make_unique<numrep::numbering_plan>();
    original->load_carrier_data("8491|Carrier With A Name Longer Than Small String Buffers\n8494|B\n");
    numrep::numbering_plan copy = *original;
    numrep::numbering_plan assigned;
    assigned = *original;
    numrep::numbering_plan moved = std::move(*original);
    original.reset();
    CHECK(copy.lookup(84912345678ULL).carrier == "Carrier With A Name Longer Than Small String Buffers");
    CHECK(copy.lookup(84941234567ULL).carrier == "B");
    CHECK(assigned.lookup(84941234567ULL).carrier == "B");
    CHECK(moved.lookup(84941234567ULL).carrier == "B");
}

TEST_CASE("a moved-from plan is an empty plan: it answers and takes rules", "[plan]") {
    // It had no root node: lookup and add crashed (SIGSEGV), with a world plan or an own one.
    numrep::numbering_plan world(numrep::world_base);
    numrep::numbering_plan taken(std::move(world));
    numrep::numbering_plan own;
    own.load_carrier_data("8491|A\n");
    numrep::numbering_plan assigned;
    assigned = std::move(own);
    for (numrep::numbering_plan* left : {&world, &own}) {
        const auto info = left->lookup(84912345678ULL);
        CHECK(info.carrier.empty());
        CHECK_FALSE(info.valid);
        CHECK(left->carriers().size() == 1);  // "" only
        CHECK(left->rule_count() == 0);
        CHECK_FALSE(left->has_world_base());
        left->load_carrier_data("8494|B\n");
        CHECK(left->lookup(84941234567ULL).carrier == "B");
        CHECK(left->carriers()[left->lookup(84941234567ULL).carrier_id] == "B");
    }
    const numrep::numbering_plan fresh(numrep::world_base);
    CHECK(taken.lookup(12025550123ULL).region == fresh.lookup(12025550123ULL).region);
    CHECK_FALSE(taken.lookup(12025550123ULL).region.empty());
    CHECK(taken.has_world_base());
    CHECK(assigned.lookup(84912345678ULL).carrier == "A");
    numrep::numbering_plan& self = assigned;
    assigned = std::move(self);  // self-move keeps it
    CHECK(assigned.lookup(84912345678ULL).carrier == "A");
}

TEST_CASE("loading plan data is all or nothing", "[plan][load]") {
    numrep::numbering_plan plan;
    plan.load_carrier_data("8491|Kept\n");
    CHECK_THROWS_AS(plan.load_carrier_data("8494|New\n8497|Also new\nbroken line\n", "bad.txt"), std::invalid_argument);
    CHECK(plan.lookup(84941234567ULL).carrier.empty());  // nothing of the failed load stayed
    CHECK(plan.lookup(84912345678ULL).carrier == "Kept");
    CHECK(plan.rule_count() == 1);
}

TEST_CASE("a prefix given again refines its rule: a file loaded again refreshes the names", "[plan][load]") {
    // The first name loaded kept answering, and each reload added its lines to the table.
    numrep::numbering_plan plan;
    plan.load_geocoding_data("8424|Old name\n8428|Saigon\n");
    plan.load_geocoding_data("8424|New name\n8428|Saigon\n");
    CHECK(plan.lookup(842412345678ULL).region == "New name");
    CHECK(plan.rule_count() == 2);
    for (int i = 0; i < 100; ++i) plan.load_geocoding_data("8424|New name\n8428|Ho Chi Minh City\n");
    CHECK(plan.rule_count() == 2);
    CHECK(plan.lookup(842812345678ULL).region == "Ho Chi Minh City");
    CHECK(plan.load_carrier_data("8491|A\n8491|B\n") == 2);  // within one file, the later line
    CHECK(plan.lookup(84912345678ULL).carrier == "B");
    CHECK(plan.rule_count() == 3);  // 8424, 8428 and the carrier rule of 8491
    plan.add({"8424", numrep::number_type::unknown, "", "Added", 0});
    CHECK(plan.lookup(842412345678ULL).region == "Added");
    plan.add({"8424", numrep::number_type::fixed_line, "", "Valid", numrep::lengths({10})});  // another rule
    CHECK(plan.rule_count() == 4);
    // On the world plan too.
    numrep::numbering_plan world(numrep::plans::world());
    world.load_carrier_data("3361|Carrier A\n");
    world.load_carrier_data("3361|Carrier B\n");
    CHECK(world.lookup(33612345678ULL).carrier == "Carrier B");
}

TEST_CASE("names loaded onto the Vietnamese plan take the place of its own, at any depth", "[plan][load]") {
    // They were counted as loaded and never answered: at a prefix the plan names itself, its own
    // rule was applied after the loaded one, and its longer prefixes won over shorter loaded ones.
    for (const numrep::numbering_plan* base : {&numrep::plans::vietnam(), &numrep::plans::world()}) {
        numrep::numbering_plan plan(*base);
        REQUIRE(plan.lookup(842438264321ULL).region == "Hanoi City");
        REQUIRE(plan.lookup(84870123456ULL).carrier == "Itelecom");
        CHECK(plan.load_geocoding_data("8424|Th\u1ee7 \u0111\u00f4 H\u00e0 N\u1ed9i\n8420|Loaded shorter\n") == 2);
        CHECK(plan.load_carrier_data("8487|Vinaphone\n") == 1);
        const auto hanoi = plan.lookup(842438264321ULL);
        CHECK(hanoi.region == "Th\u1ee7 \u0111\u00f4 H\u00e0 N\u1ed9i");
        CHECK(hanoi.type == numrep::number_type::fixed_line);  // names only: type and validity stay
        CHECK(hanoi.valid);
        CHECK(plan.lookup(842033826432ULL).region == "Loaded shorter");  // over the plan's 84203
        CHECK(plan.lookup(84870123456ULL).carrier == "Vinaphone");
        CHECK(plan.lookup(84870123456ULL).type == numrep::number_type::mobile);
        CHECK(plan.lookup(84912345678ULL).carrier == "Vinaphone");  // not loaded over: its own
        CHECK(plan.lookup(84961234567ULL).carrier == "Viettel");
        CHECK(plan.lookup(842838264321ULL).region == "Ho Chi Minh City");
        // The later load wins, whatever the depths of the two.
        plan.load_geocoding_data("842|Later and shorter\n");
        CHECK(plan.lookup(842438264321ULL).region == "Later and shorter");
        plan.load_geocoding_data("8424|Later still\n");
        CHECK(plan.lookup(842438264321ULL).region == "Later still");
        CHECK(plan.lookup(842838264321ULL).region == "Later and shorter");
    }
    // Within one load or add, the deeper prefix wins, as before.
    numrep::numbering_plan plan(numrep::plans::vietnam());
    plan.load_geocoding_data("842|Shorter\n8424|Deeper\n");
    CHECK(plan.lookup(842438264321ULL).region == "Deeper");
    CHECK(plan.lookup(842838264321ULL).region == "Shorter");
    // A carrier loaded deeper than the plan's own rule names the numbers but leaves their type:
    // carrier data implies "mobile" only where no rule says otherwise (it made Hanoi's fixed
    // lines and the 1800 toll-free numbers mobile).
    plan.load_carrier_data("84241|X\n8418001|Y\n");
    const auto hanoi = plan.lookup(842412345678ULL);
    CHECK(hanoi.carrier == "X");
    CHECK(hanoi.type == numrep::number_type::fixed_line);
    CHECK(hanoi.valid);
    CHECK(plan.lookup(8418001234567ULL).type == numrep::number_type::toll_free);
    numrep::numbering_plan loaded_only;  // where carrier data is all there is, it still says mobile
    loaded_only.load_carrier_data("84241|X\n");
    CHECK(loaded_only.lookup(842412345678ULL).type == numrep::number_type::mobile);
    CHECK_FALSE(loaded_only.lookup(842412345678ULL).valid);
}

TEST_CASE("loaded carrier data types a number only where nothing else does", "[plan][load]") {
    // The Vietnamese plan's "2" (fixed lines) is a hint of its own: a carrier loaded deeper made
    // 0217 numbers mobile.
    for (const numrep::numbering_plan* base : {&numrep::plans::vietnam(), &numrep::plans::world()}) {
        numrep::numbering_plan plan(*base);
        REQUIRE(plan.lookup(842171234567ULL).type == numrep::number_type::fixed_line);
        plan.load_carrier_data("84217|W\n8460|X\n");
        CHECK(plan.lookup(842171234567ULL).carrier == "W");
        CHECK(plan.lookup(842171234567ULL).type == numrep::number_type::fixed_line);
        CHECK(plan.lookup(84601234567ULL).type == numrep::number_type::mobile);  // the plan has no type there
        CHECK_FALSE(plan.lookup(84601234567ULL).valid);
    }
}

TEST_CASE("loaded names that are not text, or lines run together, are refused", "[plan][load]") {
    numrep::numbering_plan plan(numrep::plans::world());
    const auto before = plan.lookup(447100123456ULL);
    CHECK_THROWS_WITH(plan.load_carrier_data("4470|Fine\n4471|Caf\xe9\n", "uk.txt"),
                      numrep_test::contains("uk.txt line 2: ") && numrep_test::contains("is not UTF-8"));
    CHECK_THROWS_WITH(plan.load_carrier_data("4471|A\r4472|B\r", "mac.txt", numrep::lengths({10})),
                      numrep_test::contains("mac.txt line 1: ") && numrep_test::contains("a carriage return"));
    CHECK_THROWS_WITH(plan.load_carrier_data("4471|A\tB\n", "tab.txt"),
                      numrep_test::contains("tab.txt line 1: ") && numrep_test::contains("a control character"));
    CHECK_THROWS_WITH(plan.load_carrier_data("4471|A|B\n", "bars.txt"), numrep_test::contains("a second '|'"));
    CHECK(plan.lookup(447100123456ULL).carrier == before.carrier);              // nothing of them stayed
    CHECK(plan.load_carrier_data("4471|Caf\xc3\xa9 \xe2\x80\x93 Ltd\n") == 1);  // UTF-8 is fine
    CHECK(plan.lookup(447100123456ULL).carrier == "Caf\xc3\xa9 \xe2\x80\x93 Ltd");
}

TEST_CASE("a national length no key of the country code can have is refused", "[plan][load]") {
    // +880 has 3 digits: 13 national digits make 16. The length was dropped without a word and
    // the rule, validating nothing, made every +880 number invalid.
    numrep::numbering_plan plan(numrep::plans::world());
    REQUIRE(plan.lookup(8801712345678ULL).valid);
    CHECK_THROWS_WITH(plan.load_carrier_data("8801999|X\n", "bd.txt", numrep::lengths({13})),
                      numrep_test::contains("bd.txt line 1: ") &&
                          numrep_test::contains("national length 13 cannot follow country code +880"));
    CHECK(plan.lookup(8801712345678ULL).valid);
    CHECK_THROWS_AS(plan.add({"8801999", numrep::number_type::mobile, "X", "", numrep::lengths({10, 13})}),
                    std::invalid_argument);
    // Shorter than the prefix's own national digits (7 after +880's 3): no key reaches the rule either.
    CHECK_THROWS_WITH(plan.load_carrier_data("8801999|X\n", "bd.txt", numrep::lengths({3})),
                      numrep_test::contains("national length 3 is shorter than the prefix's own 4 national digits"));
    CHECK(plan.lookup(8801712345678ULL).valid);
    CHECK(plan.load_carrier_data("8801999|X\n", "bd.txt", numrep::lengths({10})) == 1);  // 13 digits in all
}

TEST_CASE("a loaded line and an added rule of the same prefix, type and lengths are one rule", "[plan][load]") {
    numrep::numbering_plan plan;
    plan.add({"8491", numrep::number_type::mobile, "Added", "", 0});
    plan.load_carrier_data("8491|Loaded\n");
    CHECK(plan.rule_count() == 1);
    CHECK(plan.lookup(84912345678ULL).carrier == "Loaded");
    CHECK(plan.lookup(84912345678ULL).type == numrep::number_type::mobile);
}

TEST_CASE("too many distinct names says which line", "[plan][load]") {
    std::string text;
    for (int i = 0; i < 70000; ++i) text += "8491" + std::to_string(100000 + i) + "|Name " + std::to_string(i) + "\n";
    numrep::numbering_plan plan;
    CHECK_THROWS_WITH(plan.load_carrier_data(text, "big.txt"),
                      numrep_test::contains("big.txt line ") && numrep_test::contains("too many distinct names"));
    CHECK(plan.rule_count() == 0);
}

TEST_CASE("rules added in one call take effect together, or not at all", "[plan]") {
    numrep::numbering_plan plan;
    const numrep::prefix_rule good[] = {
        {"8491", numrep::number_type::mobile, "A", "", numrep::lengths({9})},
        {"849", numrep::number_type::mobile, "B", "", numrep::lengths({9})},  // shallower, added later
    };
    plan.add(good);
    CHECK(plan.lookup(84912345678ULL).carrier == "A");  // the deeper rule wins whatever the order
    CHECK(plan.lookup(84932345678ULL).carrier == "B");
    const numrep::prefix_rule mixed[] = {
        {"8494", numrep::number_type::mobile, "C", "", numrep::lengths({9})},
        {"99", numrep::number_type::mobile, "D", "", 0},  // no such country code
    };
    CHECK_THROWS_AS(plan.add(mixed), std::invalid_argument);
    CHECK(plan.lookup(84942345678ULL).carrier == "B");
    CHECK(plan.rule_count() == 2);
}

TEST_CASE("lookup into a reused number_info overwrites every field", "[plan]") {
    // Batches fill one number_info per key in place: nothing of the previous key may remain.
    // Keys alternate between answers that differ in every field (a Vietnamese mobile with a
    // carrier, a US fixed line with an area, an unknown prefix, key 0, keys past 15 digits).
    const auto& world = numrep::plans::world();
    const std::uint64_t keys[] = {
        84912345678ULL, 16502530000ULL, 999ULL,         0ULL, 84912345678ULL, 1'000'000'000'000'000ULL, 442079460000ULL,
        84241234567ULL, 16502530000ULL, 84912345678ULL, 0ULL};
    for (const auto* plan : {&world, &vn()}) {
        numrep::number_info reused;
        for (const auto key : keys) {
            INFO(key);
            plan->lookup(key, reused);
            const numrep::number_info fresh = plan->lookup(key);
            CHECK(numrep_test::info_fields(reused) == numrep_test::info_fields(fresh));
        }
    }
    // The sequence exercises what it claims: consecutive answers differ.
    CHECK(world.lookup(keys[0]).carrier != world.lookup(keys[1]).carrier);
    CHECK(world.lookup(keys[0]).region_code != world.lookup(keys[1]).region_code);
    CHECK(!world.lookup(keys[2]).valid);
}
