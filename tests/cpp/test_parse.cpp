#include <numrep/ingest_options.hpp>
#include <numrep/parse.hpp>
#include <numrep/parse_batch.hpp>
#include <numrep/parse_integer.hpp>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "test_support.hpp"

using numrep::parse_errc;
using numrep::try_parse;

// Parsing is constexpr: a number can be checked at compile time.
static_assert(try_parse("0912 345 678").value().key() == 84912345678ULL);
static_assert(try_parse("0162 345 6789").value().is_legacy());
static_assert(try_parse("").error() == parse_errc::empty);

namespace {

std::string utf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
}

std::uint64_t key_of(std::string_view text, std::string_view region = "VN") {
    const auto r = try_parse(text, region);
    INFO("input: " << text << " error: " << numrep::describe(r.error()));
    REQUIRE(r.ok());
    return r->key();
}

}  // namespace

TEST_CASE("every written form in the reference parses to the same key", "[parse]") {
    const char* forms[] = {
        "0912345678",
        "0912.345.678",
        "091 234 5678",
        "+84 912 345 678",
        "(+84) 912-345-678",
        "0084912345678",
        "84912345678",
        "+84 (0) 912 345 678",
        "tel:+84-91-234-5678",
        "TEL:+84912345678",
        "  0912345678\t\n",
        "0912 345 678",
        "\xC2\xA0"
        "0912\xE2\x80\x91"
        "345\xE2\x80\x93"
        "678\xE3\x80\x80",  // NBSP, non-breaking hyphen, en dash, ideographic space
        "+84 0912 345 678",
        "0912/345/678",
        "[+84] 912345678",
        "tel:+84912345678;phone-context=vn",
        "\xEF\xBC\x8B"
        "84912345678",  // full-width plus
        "\xEF\xBC\x88"
        "091\xEF\xBC\x89"
        "2345678",  // full-width parentheses
    };
    for (const char* f : forms) CHECK(key_of(f) == 84912345678ULL);
}

// A failed parse holds the empty number (key 0): its texts are empty, not "+0", and none throws
// (national_digits padded to a length of 0 asked std::string for SIZE_MAX characters).
TEST_CASE("the empty number's texts are empty", "[parse]") {
    const numrep::parse_result failed = try_parse("0912x");
    REQUIRE_FALSE(failed);
    for (const numrep::phone_number& empty : {*failed, numrep::phone_number{}}) {
        CHECK(empty.empty());
        CHECK(empty.e164().empty());
        CHECK(empty.national_digits().empty());
        CHECK(empty.national().empty());
        CHECK(empty.extension().empty());
    }
}

TEST_CASE("digits of every Unicode script parse like ASCII digits", "[parse]") {
    for (char32_t zero : numrep::detail::digit_zeros) {
        std::string text;
        for (char c : std::string("0912345678")) text += utf8(zero + static_cast<char32_t>(c - '0'));
        INFO("zero code point " << static_cast<unsigned long>(zero));
        CHECK(key_of(text) == 84912345678ULL);
        // The UTF-32 entry point (NumPy strings) agrees.
        std::u32string wide;
        for (char c : std::string("+84912345678")) wide += c == '+' ? U'+' : zero + static_cast<char32_t>(c - '0');
        CHECK(try_parse(std::u32string_view(wide))->key() == 84912345678ULL);
    }
    CHECK(numrep::detail::digit_value(U'\x2160') == -1);  // Roman numeral one is a number, not a digit
}

TEST_CASE("legacy 11-digit mobile numbers convert and say so", "[parse][legacy]") {
    const auto rows = numrep_test::read_text(numrep_test::data_path("vn_2018_mobile_prefix_conversion.csv"));
    std::istringstream in(rows);
    std::string line;
    std::getline(in, line);  // header
    int checked = 0;
    while (std::getline(in, line)) {
        const auto fields = numrep_test::split(line, ',');
        REQUIRE(fields.size() == 5);
        std::string old_prefix = fields[0];
        std::string new_prefix = fields[1];
        std::string subscriber = "1234567";
        if (old_prefix.rfind("0992", 0) == 0) {  // VSAT: 0992 + 6 digits -> 0672 + 6 digits
            old_prefix = "0992";
            new_prefix = "0672";
            subscriber = "123456";
        }
        INFO(line);
        const auto national = try_parse(old_prefix + subscriber);
        REQUIRE(national.ok());
        CHECK(national->is_legacy());
        CHECK(national->e164() == "+84" + new_prefix.substr(1) + subscriber);
        const auto international = try_parse("+84 " + old_prefix.substr(1) + " " + subscriber);
        REQUIRE(international.ok());
        CHECK(international->key() == national->key());
        CHECK(international->is_legacy());
        // The converted form itself is not legacy.
        CHECK_FALSE(try_parse(new_prefix + subscriber)->is_legacy());
        ++checked;
    }
    CHECK(checked == 22);
}

TEST_CASE("length tells legacy numbers from today's 0121x and 0160 ranges", "[parse][legacy]") {
    CHECK(key_of("0121 012 345") == 84121012345ULL);  // 9-digit NSN: today's MobiFone range
    CHECK_FALSE(try_parse("0121012345")->is_legacy());
    CHECK(key_of("0160 123 456") == 84160123456ULL);
    CHECK_FALSE(try_parse("0160123456")->is_legacy());
    CHECK(key_of("0121 123 4567") == 84791234567ULL);  // 10-digit NSN: legacy 0121 -> 079
    CHECK(try_parse("01211234567")->is_legacy());
    // 1800 and 1900 numbers of 10 digits are not legacy mobile numbers.
    CHECK(key_of("1800 123456") == 841800123456ULL);
    CHECK_FALSE(try_parse("1800123456")->is_legacy());
}

TEST_CASE("default region decides national forms", "[parse][region]") {
    CHECK(key_of("(469) 257-6503", "US") == 14692576503ULL);
    CHECK(key_of("1 469 257 6503", "US") == 14692576503ULL);      // US trunk prefix 1
    CHECK(key_of("011 84 912 345 678", "US") == 84912345678ULL);  // US international prefix
    CHECK(key_of("020 7946 0018", "GB") == 442079460018ULL);
    CHECK(key_of("+44 (0)20 7946 0018", "VN") == 442079460018ULL);  // "(0)": GB's trunk prefix, dropped
    CHECK(key_of("06 1234 5678", "IT") == 390612345678ULL);         // Italian numbers keep their 0
    CHECK(key_of("+39 06 1234 5678") == 390612345678ULL);
    CHECK(key_of("+84912345678", "us") == 84912345678ULL);  // region codes are case-insensitive
    CHECK(try_parse("0912345678", numrep::region::none()).error() == parse_errc::missing_country_code);
    CHECK(try_parse("+84912345678", numrep::region::none())->key() == 84912345678ULL);
    CHECK(try_parse("0912345678", "XX").error() == parse_errc::unknown_region);
    CHECK(try_parse("0912345678", "VNM").error() == parse_errc::unknown_region);
    // International forms work for every assigned country code.
    for (const auto& row : numrep::detail::country_rows) {
        const std::string text = "+" + std::to_string(row.code) + " 123";
        INFO(text);
        const auto r = try_parse(text);
        REQUIRE(r.ok());
        CHECK(r->country_code() == row.code);
        CHECK(r->national_number() == 123);
    }
}

TEST_CASE("the country code without a plus is recognised only when the digits say so", "[parse][region]") {
    CHECK(key_of("84912345678") == 84912345678ULL);   // 11 digits: too long to be national
    CHECK(key_of("841623456789") == 84323456789ULL);  // with a legacy number behind it
    CHECK(try_parse("841623456789")->is_legacy());
    CHECK(key_of("842345678") == 84842345678ULL);  // 9 digits: a Vinaphone 084 number
    CHECK(key_of("84 24 3826 4321") == 842438264321ULL);
    CHECK(key_of("840912345678") == 84912345678ULL);  // country code, then the trunk 0
}

TEST_CASE("Vietnamese national numbers never keep a leading zero", "[parse][region]") {
    CHECK(key_of("+84 0912 345 678") == 84912345678ULL);
    CHECK(key_of("+84 (0) 0912 345 678") == 84912345678ULL);
    CHECK(key_of("0084 00 912 345 678") == 84912345678ULL);
    CHECK(try_parse("+84 000").error() == parse_errc::too_short);
    // Other countries keep theirs unless it stands alone in parentheses.
    CHECK(key_of("+39 06 1234 5678") == 390612345678ULL);
    CHECK(key_of("+44 (0) 20 7946 0018") == 442079460018ULL);
}

TEST_CASE("every error kind is reported with its position", "[parse][errors]") {
    CHECK(try_parse("").error() == parse_errc::empty);
    CHECK(try_parse(" \t\xC2\xA0").error() == parse_errc::empty);
    CHECK(try_parse("+").error() == parse_errc::too_short);
    CHECK(try_parse("()-").error() == parse_errc::too_short);
    CHECK(try_parse("1").error() == parse_errc::too_short);
    CHECK(try_parse("1-2").error() == parse_errc::too_short);  // two digits only when bare, as in libphonenumber
    CHECK(try_parse("+84 1").error() == parse_errc::too_short);
    CHECK(try_parse("+84 91234567890123").error() == parse_errc::too_long);  // 16 digits: over E.164's 15
    CHECK(try_parse("+1 469 257 6503 12345 6").error() == parse_errc::too_long);
    CHECK(try_parse(std::string(251, '9')).error() == parse_errc::too_long);  // libphonenumber's 250 characters
    CHECK(try_parse("+999 123456").error() == parse_errc::unknown_country_code);
    CHECK(try_parse("+0 123456").error() == parse_errc::unknown_country_code);
    CHECK(try_parse("00999 123456").error() == parse_errc::unknown_country_code);

    const auto bad = try_parse("0912y45678");
    CHECK(bad.error() == parse_errc::bad_character);
    CHECK(bad.position() == 4);
    CHECK(try_parse("0912+345678").error() == parse_errc::bad_character);  // '+' only in front
    CHECK(try_parse("0912345678+?!")->key() == 84912345678ULL);  // trailing punctuation goes, as in libphonenumber
    // A run of plus signs in front is one, as libphonenumber strips [+＋]+ (a key pressed
    // twice); a '+' apart from it is not in front of the number.
    CHECK(try_parse("++84912345678")->key() == 84912345678ULL);
    CHECK(try_parse("+++1 212 555 0100")->key() == 12125550100ULL);
    CHECK(try_parse("(+\uFF0B44 20 7946 0958")->key() == 442079460958ULL);
    CHECK(try_parse("++ 44 20 7946 0958")->key() == 442079460958ULL);
    CHECK(try_parse("+ +44 20 7946 0958").position() == 2);
    CHECK(try_parse("+(+44 20 7946 0958").position() == 2);
    CHECK(try_parse("++1").error() == parse_errc::too_short);
    // A phone-context makes an RFC 3966 number with or without "tel:", as libphonenumber reads
    // it; without one, "tel:" is text before the number and ";12" an extension as anywhere.
    CHECK(try_parse("02079460958;phone-context=+44")->key() == 442079460958ULL);
    CHECK(try_parse("5550100;phone-context=+1-212")->key() == 12125550100ULL);
    CHECK(try_parse("2125550100;phone-context=example.com", "US")->key() == 12125550100ULL);
    CHECK(try_parse("2125550100;ext=5;phone-context=+1")->extension() == "5");
    CHECK(try_parse("tel:+1-212-555-0100;12")->extension() == "12");
    CHECK(try_parse("tel:+1-212-555-0100;ext=5")->extension() == "5");
    CHECK(try_parse("tel:+1-212-555-0100;isub=12")->key() == 12125550100ULL);
    CHECK(try_parse("tel:+1-212-555-0100;foo=1").error() == parse_errc::bad_character);
    CHECK(try_parse("2125550100;phone-context=").error() == parse_errc::bad_character);
    // A global context and the number part are read as one text, as libphonenumber joins them
    // (C++ libphonenumber 8.12.57 and phonenumbers 9.0.43 give these keys): an extension label
    // right after the context, letters read as keypad digits (other scripts' digits dropped).
    const auto joined_extension = try_parse("tel:~05;phone-context=+64-3-331-6005", "NZ");
    CHECK(joined_extension->key() == 6433316005ULL);
    CHECK(joined_extension->extension() == "05");
    CHECK(try_parse("tel:abc;phone-context=+64-3-\u0663\u0663\u0661-6005", "NZ")->key() == 6436005222ULL);
    CHECK(try_parse("tel:331-6005;phone-context=+64-3", "NZ")->key() == 6433316005ULL);
    // "001" (the code() of a non-geographic region) is found, as none(): international forms only.
    CHECK(numrep::region::find(numrep::region::for_country_code(800)->code()) == numrep::region::none());
    CHECK(try_parse("+80012345678", "001")->key() == 80012345678ULL);
    CHECK(try_parse("12345678", "001").error() == parse_errc::missing_country_code);
    // The region for_country_code(800) gives ("001") reads as none() does: it took national forms
    // as +800 numbers ("12345678" was +80012345678, "0012345678" +8000012345678).
    const numrep::region freephone = *numrep::region::for_country_code(800);
    CHECK_FALSE(freephone.reads_national_forms());
    CHECK(numrep::region::vietnam().reads_national_forms());
    CHECK_FALSE(numrep::region::none().reads_national_forms());
    for (const std::string_view text : {"12345678", "0012345678", "+80012345678", "+8491234567", "+999 1234"}) {
        const auto as_none = try_parse(text, numrep::region::none());
        const auto as_freephone = try_parse(text, freephone);
        CHECK(as_freephone.ok() == as_none.ok());
        if (as_none) CHECK(as_freephone->key() == as_none->key());
        else
            CHECK(as_freephone.error() == as_none.error());
    }
    // A "tel:" that does not start the text leaves text before the number (libphonenumber reads
    // from after the first one); after one that does, another changes nothing.
    const auto inner_tel = try_parse(";isub=tel:005;phone-context=+64-3-331", "NZ");
    CHECK(inner_tel.error() == parse_errc::bad_character);
    CHECK(inner_tel.position() == 6);
    CHECK(try_parse("tel:331-6005;isub=tel:5;phone-context=+64-3", "NZ")->key() == 6433316005ULL);
    CHECK(try_parse("tel:+64-3-331-6005;phone-context=example.com;isub=tel:1", "NZ")->key() == 6433316005ULL);
    // RFC 3966's parameters in their own case only, as libphonenumber finds them; a subaddress
    // goes from any text (only after "tel:" before).
    CHECK(try_parse("0912345678;Phone-Context=+84").error() == parse_errc::bad_character);
    CHECK(try_parse("tel:++84912345678;ISUB=12").error() == parse_errc::bad_character);
    CHECK(try_parse("0912345678;isub=12")->key() == 84912345678ULL);
    CHECK(try_parse("+84912345678;isub=12")->key() == 84912345678ULL);
    CHECK(try_parse("tel:12;isub=1")->key() == 8412ULL);                      // "12" alone is viable
    CHECK(try_parse("0912 345 678 y").error() == parse_errc::bad_character);  // one stray letter
    CHECK(try_parse("\xE2\x82\xAC"
                    "0912345678")
              .position() == 0);  // euro sign
    CHECK_FALSE(try_parse("0912;x").ok());
}

TEST_CASE("malformed UTF-8 is a bad character, never a crash or over-read", "[parse][errors]") {
    const std::string cases[] = {
        "\xFF",
        "0912\xC0\xB1",  // invalid lead byte, overlong '1'
        "0912\xE0\x80\xB1",
        "0912\xED\xA0\x80",      // overlong, UTF-16 surrogate
        "0912\xF4\x90\x80\x80",  // above U+10FFFF
        "0912\xE3\x80",
        "0912\xF0\x9F",  // truncated at the end of the input
        "0912\x80"
        "345678",  // lone continuation byte
    };
    for (const auto& text : cases) {
        INFO(numrep::detail::quote(text));
        const auto r = try_parse(text);
        CHECK(r.error() == parse_errc::bad_character);
        const std::string message = numrep::parse_error_message(text, r);
        CHECK(message.find("invalid UTF-8") != std::string::npos);
    }
}

TEST_CASE("huge inputs are rejected in one bounded pass", "[parse][errors]") {
    const std::size_t ten_mb = 10u << 20;
    CHECK(try_parse(std::string(ten_mb, '9')).error() == parse_errc::too_long);
    CHECK(try_parse(std::string(ten_mb, ' ')).error() == parse_errc::empty);
    CHECK(try_parse(std::string(ten_mb, 'a')).error() == parse_errc::too_long);
    std::string dashes(ten_mb, '-');
    dashes.replace(0, 10, "0912345678");
    CHECK(try_parse(dashes).error() == parse_errc::too_long);
    std::string spaces(ten_mb, ' ');
    spaces.replace(ten_mb / 2, 10, "0912345678");
    CHECK(try_parse(spaces)->key() == 84912345678ULL);  // surrounding white space does not count
    const std::string message = numrep::parse_error_message(std::string(ten_mb, 'a'),
                                                            try_parse(std::string(ten_mb, 'a')));
    CHECK(message.size() < 200);  // the message quotes a bounded prefix of the input
    CHECK(message.find("10485760 bytes") != std::string::npos);
}

TEST_CASE("parse throws parse_error quoting the input and the reason", "[parse][errors]") {
    CHECK(numrep::parse("0912 345 678").key() == 84912345678ULL);
    try {
        (void)numrep::parse("0912y45678");
        FAIL("no exception");
    } catch (const numrep::parse_error& e) {
        const std::string what = e.what();
        CHECK(what.find("\"0912y45678\"") != std::string::npos);
        CHECK(what.find("bad character \"y\" at offset 4") != std::string::npos);
    }
    CHECK_THROWS_AS(numrep::parse(""), std::invalid_argument);  // parse_error is an invalid_argument
    CHECK_THROWS_WITH(numrep::parse("+999 1234"), numrep_test::contains("unknown country code"));
    CHECK_THROWS_WITH(numrep::parse("0912345678", "QQ"), numrep_test::contains("unknown region \"QQ\""));
    CHECK_THROWS_WITH(numrep::parse("\x01\"x"), numrep_test::contains("\"\\x01\\\"x\""));  // escaped in the message
}

TEST_CASE("messages quote printable text as written and escape what would not show", "[parse][errors]") {
    using numrep::detail::quote;
    CHECK(quote("G\xE1\xBB\x8Di 0912") == "\"G\xE1\xBB\x8Di 0912\"");            // "Gọi 0912": Vietnamese as is
    CHECK(quote("\xEF\xBC\x90\xEF\xBC\x99") == "\"\xEF\xBC\x90\xEF\xBC\x99\"");  // full-width digits
    CHECK(quote("09\x1B[31m") == "\"09\\x1b[31m\"");                             // a terminal escape
    CHECK(quote("09\x7F") == "\"09\\x7f\"");
    CHECK(quote("09\xC2\x85") == "\"09\\u0085\"");  // C1 control (next line)
    CHECK(quote("09\xE2\x80\xAE"
                "12") == "\"09\\u202e12\"");  // right-to-left override
    CHECK(quote("09\xE2\x80\x8B"
                "12") == "\"09\\u200b12\"");                             // zero-width space
    CHECK(quote("09\xC2\xAD") == "\"09\\u00ad\"");                       // soft hyphen
    CHECK(quote("09\xF3\xA0\x81\x81") == "\"09\\U000e0041\"");           // a tag character
    CHECK(quote("09\xC2\xA0") == "\"09\xC2\xA0\"");                      // no-break space prints
    CHECK(quote("09\xFF\xED\xA0\x80") == "\"09\\xff\\xed\\xa0\\x80\"");  // not UTF-8: byte by byte
    CHECK(quote("09\xE1\xBB") == "\"09\\xe1\\xbb\"");                    // a sequence cut short
    CHECK(quote("09\xEF\xB8\x8F") == "\"09\\ufe0f\"");                   // a variation selector
    CHECK(quote("09\xEE\x80\x80") == "\"09\\ue000\"");                   // private use
    CHECK(quote("09\xEF\xB7\x90") == "\"09\\ufdd0\"");                   // a noncharacter
    CHECK(quote("09\xF0\x9F\xBF\xBF") == "\"09\\U0001ffff\"");           // the noncharacter ending plane 1
    CHECK(quote("09\xF0\x9F\x98\x80") == "\"09\xF0\x9F\x98\x80\"");      // an emoji prints
    // At most 64 bytes of the input, never part of a character: 21 three-byte characters are 63
    // bytes, and the 22nd would end at 66.
    std::string long_text;
    for (int i = 0; i < 30; ++i) long_text += "\xEF\xBC\x90";
    CHECK(quote(long_text) == "\"" + long_text.substr(0, 63) + "\"... (90 bytes)");
    const std::string ascii(100, '7');
    CHECK(quote(ascii) == "\"" + ascii.substr(0, 64) + "\"... (100 bytes)");
    CHECK(quote(ascii.substr(0, 64)) == "\"" + ascii.substr(0, 64) + "\"");  // 64 bytes: whole
    CHECK(numrep::detail::code_point_name(0x1ECD) == "U+1ECD");
    CHECK(numrep::detail::code_point_name(0x41) == "U+0041");
    CHECK(numrep::detail::code_point_name(0x1F600) == "U+1F600");
    CHECK(numrep::detail::code_point_name(0x10FFFF) == "U+10FFFF");
}

TEST_CASE("error offsets count code units, or code points when asked", "[parse][errors]") {
    const std::string text = "\xEF\xBC\x90\xEF\xBC\x99x";  // full-width 0 and 9, then x
    const auto r = try_parse(text);
    REQUIRE(r.error() == parse_errc::bad_character);
    CHECK(r.position() == 6);
    CHECK_THAT(numrep::parse_error_message(text, r), numrep_test::contains("bad character \"x\" at offset 6"));
    // A bad character beyond ASCII is named by its code point too: it may look like another.
    const std::string
        o = "09\xE1\xBB\x8D"
            "1";  // "09ọ1"
    CHECK_THAT(numrep::parse_error_message(o, try_parse(o)),
               numrep_test::contains("bad character \"\xE1\xBB\x8D\" (U+1ECD) at offset 2"));
    CHECK_THAT(numrep::parse_error_message(text, r, {}, numrep::offset_unit::code_points),
               numrep_test::contains("bad character \"x\" at offset 2"));
    const auto y = try_parse("0912y45678");
    CHECK_THAT(numrep::parse_error_message("0912y45678", y, {}, numrep::offset_unit::code_points),
               numrep_test::contains("at offset 4"));  // ASCII: the same either way
    // The offset on its own, as the message gives it.
    CHECK(numrep::parse_error_offset(text, r) == 6);
    CHECK(numrep::parse_error_offset(text, r, numrep::offset_unit::code_points) == 2);
    CHECK(numrep::parse_error_offset("0912y45678", y, numrep::offset_unit::code_points) == 4);
    // Other errors have no offset, though some keep a position (an extension too long).
    const std::string long_extension = "+84912345678 ext. " + std::string(20, '1');
    const auto too_long = try_parse(long_extension);
    REQUIRE(too_long.error() == parse_errc::too_long);
    CHECK(numrep::parse_error_offset(long_extension, too_long) == 0);
    CHECK_THAT(numrep::parse_error_message(long_extension, too_long), !numrep_test::contains("offset"));
}

TEST_CASE("random bytes never crash and anything accepted is a well-formed key", "[parse][fuzz]") {
    std::mt19937_64 rng(20261129);
    const std::string alphabet = "0123456789+()-. \t/;:telTEL\xC2\xA0\xEF\xBC\x90\xEF\xBC\x8B\x80\xFF";
    for (int i = 0; i < 200000; ++i) {
        std::string text(rng() % 24, ' ');
        for (auto& c : text) c = (rng() % 4 == 0) ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
        const auto r = try_parse(text);
        if (!r) continue;
        const auto n = r.value();
        REQUIRE(n.key() > 0);
        REQUIRE(n.key() <= numrep::detail::max_key);
        const auto again = numrep::phone_number::from_key(n.key());
        REQUIRE(again.has_value());
        REQUIRE(again->country_code() == n.country_code());
        REQUIRE(try_parse(n.e164())->key() == n.key());
    }
}

// The one-pass scan of plain texts (scan_plain) must read exactly what the full scan reads.
TEST_CASE("the fast scan of plain texts agrees with the full scan", "[parse][fuzz]") {
    using numrep::detail::scan_decoded;
    using numrep::detail::scan_plain;
    using numrep::detail::scanned;
    std::mt19937_64 rng(20261204);
    // Pieces a plain text is made of, some that end the fast path, and full-width forms.
    const std::vector<std::string> pieces = {"0",
                                             "1",
                                             "2",
                                             "3",
                                             "4",
                                             "5",
                                             "6",
                                             "7",
                                             "8",
                                             "9",
                                             "0",
                                             "9",
                                             " ",
                                             "-",
                                             ".",
                                             "(",
                                             ")",
                                             "/",
                                             "~",
                                             "+",
                                             "\xEF\xBC\x90",
                                             "\xEF\xBC\x99",
                                             "\xEF\xBC\x8B",
                                             "\xEF\xBC\x95",
                                             "\xEF\xBC",
                                             "\xEF\xBD\x9E",
                                             "x",
                                             "#",
                                             ";",
                                             ","};
    const std::vector<std::string> heads = {"", "", "", "tel:", "TEL:", "Tel:", "tel:+", " tel:", "tel;", "+", "(+"};
    const auto require_full_scan_agrees = [](const std::string& text, const scanned& plain) {
        const scanned full = scan_decoded(std::string_view(text));
        INFO(text);
        REQUIRE(full.error == numrep::parse_errc::ok);
        REQUIRE(full.count == plain.count);
        REQUIRE(full.plus == plain.plus);
        REQUIRE(full.extension_length == 0);
        REQUIRE(std::string_view(full.digits.data(), static_cast<std::size_t>(full.count)) ==
                std::string_view(plain.digits.data(), static_cast<std::size_t>(plain.count)));
    };
    int fast = 0;
    for (int i = 0; i < 200000; ++i) {
        std::string text = heads[rng() % heads.size()];
        // Mostly plain pieces; now and then one that ends the fast path.
        for (int n = static_cast<int>(rng() % 30); n > 0; --n)
            text += pieces[rng() % (rng() % 16 == 0 ? pieces.size() : pieces.size() - 6)];
        scanned plain{};
        if (!scan_plain(std::string_view(text), plain)) continue;
        ++fast;
        require_full_scan_agrees(text, plain);
        // The same text as UTF-32 takes the same fast path to the same digits.
        std::u32string wide;
        for (std::size_t p = 0; p < text.size();) {
            const auto d = numrep::detail::decode_at(std::string_view(text), p);
            wide += d.code_point;
            p += d.length;
        }
        scanned plain32{};
        INFO(text);
        REQUIRE(scan_plain(std::u32string_view(wide), plain32));
        REQUIRE(plain32.count == plain.count);
        REQUIRE(plain32.plus == plain.plus);
    }
    CHECK(fast > 20000);  // the generator reaches the fast path often

    // Texts of full-width digits alone (scan_full_width), after a full-width or ASCII plus and
    // "tel:" or not; now and then one byte changed, or a character added, which the full scan
    // reads otherwise (or refuses).
    const std::vector<std::string> full_width_heads = {"", "", "\xEF\xBC\x8B", "+", "tel:", "tel:\xEF\xBC\x8B"};
    int full_width_fast = 0;
    for (int i = 0; i < 50000; ++i) {
        std::string text = full_width_heads[rng() % full_width_heads.size()];
        for (int n = static_cast<int>(rng() % 36); n > 0; --n) {
            text += "\xEF\xBC";
            text += static_cast<char>(0x90 + rng() % 10);
        }
        if (rng() % 4 == 0 && !text.empty()) {
            text[rng() % text.size()] = static_cast<char>(rng() % 256);
        } else if (rng() % 8 == 0) {
            text += pieces[rng() % pieces.size()];
        }
        scanned plain{};
        if (!scan_plain(std::string_view(text), plain)) continue;
        ++full_width_fast;
        require_full_scan_agrees(text, plain);
    }
    CHECK(full_width_fast > 20000);
    for (const std::string_view text : {"\xEF\xBC\x90\xEF\xBC\x99\xEF\xBC\x91\xEF\xBC\x92",
                                        "\xEF\xBC\x8B\xEF\xBC\x98\xEF\xBC\x94\xEF\xBC\x99\xEF\xBC\x91"}) {
        scanned plain{};
        INFO(text);
        REQUIRE(scan_plain(text, plain));
        CHECK(std::string_view(plain.digits.data(), static_cast<std::size_t>(plain.count)) ==
              (text.size() == 12 ? "0912" : "8491"));
        CHECK(plain.plus == (text.size() == 15));
    }

    // '~' groups digits ("8~10", a Russian international prefix waiting for the tone) unless
    // only separators stand between it and the last digits: then they are its extension.
    for (const std::string_view text : {"8~10 84 912 345 678", "0~0 670 211 2345", "tel:8~10-84-912-345-678"}) {
        scanned plain{};
        INFO(text);
        CHECK(scan_plain(text, plain));
    }
    for (const std::string_view text : {"0912 345 678 ~ 12", "0912 345 678~12", "0912 345 678 ~.- 12", "0912~"}) {
        scanned plain{};
        INFO(text);
        CHECK_FALSE(scan_plain(text, plain));
    }
    CHECK(numrep::parse("0912 345 678 ~ 12").extension() == "12");
    CHECK(numrep::parse("8~10 84 912 345 678", "RU").e164() == "+84912345678");
}

#if NUMREP_HAVE_PLAIN_TEXT_CLASSES
// The vector classes of a plain text's bytes, and the gathered digits, byte by byte as a loop
// would find them: every length the vector path takes, bytes of every value around the classes.
TEST_CASE("plain text classes and the gathered digits agree with a byte loop", "[parse]") {
    std::mt19937_64 rng(20261207);
    const std::string alphabet = "0123456789 -.()/+~x\x80\xEF:;#,9";
    for (int i = 0; i < 100000; ++i) {
        const std::size_t n = numrep::detail::plain_text_classes_min +
                              rng() %
                                  (numrep::detail::plain_text_classes_max - numrep::detail::plain_text_classes_min + 1);
        // The text is a view inside a larger buffer of other bytes: nothing outside it may count.
        std::string buffer(n + 64, '5');
        const std::size_t at = 32;
        for (std::size_t k = 0; k < n; ++k)
            buffer[at + k] = rng() % 8 == 0 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
        const char* text = buffer.data() + at;
        std::uint32_t digits = 0, separators = 0, plus = 0, tilde = 0;
        std::string expected_digits;
        for (std::size_t k = 0; k < n; ++k) {
            const char c = text[k];
            const std::uint32_t bit = 1U << k;
            if (c >= '0' && c <= '9') digits |= bit, expected_digits += c;
            if (std::string_view(" -.()/").find(c) != std::string_view::npos) separators |= bit;
            if (c == '+') plus |= bit;
            if (c == '~') tilde |= bit;
        }
        INFO(std::string_view(text, n));
        const auto classes = numrep::detail::classify_plain_text(text, n);
        REQUIRE(classes.digits == digits);
        REQUIRE(classes.separators == separators);
        REQUIRE(classes.plus == plus);
        REQUIRE(classes.tilde == tilde);
        std::array<char, numrep::detail::plain_text_classes_max + 8> out{};
        const int count = numrep::detail::gather_plain_text(text, n, digits, out.data());
        REQUIRE(std::string_view(out.data(), static_cast<std::size_t>(count)) == expected_digits);
    }
}
#endif

TEST_CASE("digits_value reads up to 19 digits as the plain loop does", "[parse]") {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 100000; ++i) {
        std::array<char, 32> digits{};
        const int length = static_cast<int>(rng() % 20);
        const int offset = static_cast<int>(rng() % 13);  // unaligned reads
        std::uint64_t expected = 0;
        for (int k = 0; k < length; ++k) {
            const char c = static_cast<char>('0' + rng() % 10);
            digits[static_cast<std::size_t>(offset + k)] = c;
            expected = expected * 10 + static_cast<std::uint64_t>(c - '0');
        }
        REQUIRE(numrep::detail::digits_value(digits.data() + offset, length) == expected);
    }
    static_assert(numrep::detail::digits_value("1234567890123", 13) == 1234567890123ULL);
}

TEST_CASE("formatting back: E.164 and national forms parse to the same number", "[parse][format]") {
    const auto n = numrep::parse("0912345678");
    CHECK(n.e164() == "+84912345678");
    CHECK(n.national() == "0912 345 678");
    CHECK(n.country_code() == 84);
    CHECK(n.national_number() == 912345678);
    CHECK(numrep::parse("02438264321").national() == "024 3826 4321");
    CHECK(numrep::parse("02033826432").national() == "0203 3826 432");
    CHECK(numrep::parse("18001234").national() == "1800 1234");
    CHECK(numrep::parse("113").national() == "113");
    CHECK(numrep::parse("+39 06 1234 5678").national_digits() == "0612345678");
    CHECK(numrep::parse("+1 469 257 6503").national() == "14692576503");

    std::mt19937_64 rng(7);
    const char* vn_prefixes[] = {"9", "3", "8", "7", "5", "24", "28", "203", "1800", "1900", "672", "199", "69", "113"};
    for (int i = 0; i < 20000; ++i) {
        std::string nsn = vn_prefixes[rng() % std::size(vn_prefixes)];
        const std::size_t length = nsn == "113" ? 3 : 7 + rng() % 4;
        while (nsn.size() < length) nsn += static_cast<char>('0' + rng() % 10);
        const auto parsed = try_parse("+84" + nsn);
        REQUIRE(parsed.ok());
        const auto& number = parsed.value();
        INFO(number.e164() << " national " << number.national());
        CHECK(numrep::parse(number.national()).key() == number.key());
        CHECK(numrep::parse(number.e164()).key() == number.key());
    }
}

TEST_CASE("phone_number from keys", "[parse][key]") {
    CHECK(numrep::phone_number::from_key(84912345678ULL)->national_length() == 9);
    CHECK_FALSE(numrep::phone_number::from_key(0).has_value());
    CHECK_FALSE(numrep::phone_number::from_key(999'123'456ULL).has_value());            // 999 is no country code
    CHECK_FALSE(numrep::phone_number::from_key(1'000'000'000'000'000ULL).has_value());  // 16 digits
    CHECK_FALSE(numrep::phone_number::from_key(999'999'999'999'999ULL).has_value());    // 9, 99, 999 unassigned
    CHECK_FALSE(numrep::phone_number::from_key(84).has_value());                        // a country code alone
    for (std::uint64_t x : {1ULL, 9ULL, 10ULL, 99ULL, 100ULL, 999'999'999'999'999ULL, 1'000'000'000'000'000ULL})
        CHECK(numrep::detail::decimal_digits(x) == static_cast<int>(std::to_string(x).size()));
}

TEST_CASE("one default region: try_parse, parse and ingestion read national forms alike", "[parse]") {
    static_assert(numrep::default_region == numrep::region::vietnam());
    CHECK(numrep::ingest_options{}.default_region == numrep::default_region);
    CHECK(numrep::try_parse("0912 345 678").value().key() ==
          numrep::try_parse("0912 345 678", numrep::default_region).value().key());
    CHECK(numrep::parse("0912 345 678").key() == 84912345678ULL);
}

TEST_CASE("read_integer: one valid reading wins, two or none are no answer", "[parse][integer]") {
    using numrep::read_integer;
    const auto vn = numrep::region::vietnam();
    const auto us = *numrep::region::find("US");
    // 0912345678 that lost its 0 is Vietnamese, not India's +91 2345678.
    auto r = read_integer(912345678, vn);
    REQUIRE(r);
    CHECK(r.number->key() == 84912345678ULL);
    CHECK(r.national_valid);
    CHECK_FALSE(r.international_valid);
    CHECK_FALSE(r.ambiguous);
    // A US number is not Norway's +47 08091299.
    r = read_integer(4708091299ULL, us);
    REQUIRE(r);
    CHECK(r.number->key() == 14708091299ULL);
    // An E.164 key reads as itself (its national reading is the same number or not valid).
    for (const std::uint64_t key : {84912345678ULL, 12125550100ULL, 442071234567ULL}) {
        INFO(key);
        r = read_integer(key, vn);
        REQUIRE(r);
        CHECK(r.number->key() == key);
    }
    r = read_integer(84912345678ULL, numrep::region::none());
    REQUIRE(r);
    CHECK(r.number->key() == 84912345678ULL);
    CHECK_FALSE(r.national);
    // A non-geographic region reads no national forms either: its message said "as a national
    // number of 001 does not parse" and to restore leading zeros.
    const numrep::region freephone = *numrep::region::for_country_code(800);
    r = read_integer(12345678ULL, freephone);
    CHECK_FALSE(r.national);
    CHECK(numrep::integer_error_message(12345678ULL, freephone, r) ==
          numrep::integer_error_message(12345678ULL, numrep::region::none(),
                                        read_integer(12345678ULL, numrep::region::none())));
    CHECK(numrep::integer_error_message(12345678ULL, freephone, r).find("001") == std::string::npos);
    // No valid reading: no answer, and a message naming both readings.
    r = read_integer(12345, vn);
    CHECK_FALSE(r);
    CHECK_FALSE(r.ambiguous);
    const std::string message = numrep::integer_error_message(12345, vn, r);
    CHECK_THAT(message, numrep_test::contains("integer 12345 is no valid number"));
    CHECK_THAT(message, numrep_test::contains("as a national number of VN"));
    CHECK_THAT(message, numrep_test::contains("dtype=str"));
    CHECK_FALSE(read_integer(0, vn));
    CHECK_FALSE(read_integer(~0ULL, vn));  // 20 digits: too long every way
}

TEST_CASE("read_integer: two valid readings of different numbers are ambiguous", "[parse][integer]") {
    // US numbers whose "+" reading is valid elsewhere too: such an integer has no answer,
    // whichever country wrote it.
    const auto us = *numrep::region::find("US");
    int found = 0;
    // 475 (Connecticut) and 458 (Oregon) are also Norway's +47 5... and Denmark's +45 8...
    for (std::uint64_t n = 4'580'000'000ULL; n < 4'760'000'000ULL && found < 3; n += 1'000'003) {
        const auto r = numrep::read_integer(n, us);
        if (!(r.national_valid && r.international_valid)) continue;
        INFO(n);
        CHECK(r.ambiguous);
        CHECK_FALSE(r);
        CHECK_THAT(numrep::integer_error_message(n, us, r), numrep_test::contains("is ambiguous"));
        CHECK_THAT(numrep::integer_error_message(n, us, r), numrep_test::contains("both are valid"));
        ++found;
    }
    CHECK(found > 0);
}

// parse_keys reorders each block by the texts' shapes before parsing: every key must still land
// in its own row, equal to try_parse's, for every block size around the sorting threshold (64)
// and the block size (512), with nulls, empty texts and texts of 31 characters and more.
TEST_CASE("parse_keys gives try_parse's key in each row, in any mix of forms", "[parse][batch]") {
    std::mt19937_64 rng(20261205);
    const std::vector<std::string> forms = {"0912 345 678",
                                            "0912.345.678",
                                            "+84 912 345 678",
                                            "(+84) 912-345-678",
                                            "0084912345678",
                                            "84912345678",
                                            "+84 (0) 912 345 678",
                                            "tel:+84-91-234-5678",
                                            "\xEF\xBC\x90\xEF\xBC\x99\xEF\xBC\x91\xEF\xBC\x92"
                                            "345678",
                                            " 0912345678 ",
                                            "0162 345 6789",
                                            "024 3826 4321",
                                            "+1 650 253 0000",
                                            "+44 20 7031 3000",
                                            "1800 1234",
                                            "not a number",
                                            "",
                                            "+",
                                            "0912 345 678 ext. 12",
                                            "tel:+84-91-234-5678;phone-context=+84",
                                            "+84 912 345 678 and some words after it"};
    const auto vn = *numrep::region::find("VN");
    const auto us = *numrep::region::find("US");
    for (const std::size_t size : {0U, 1U, 63U, 64U, 65U, 511U, 512U, 513U, 1024U, 1500U}) {
        std::vector<std::string> owned(size);
        std::vector<std::string_view> texts(size);
        for (std::size_t i = 0; i < size; ++i) {
            std::string t = forms[rng() % forms.size()];
            // Change a digit so that rows differ, and keys can only match in their own row.
            for (char& c : t)
                if (c >= '5' && c <= '9' && rng() % 3 == 0) c = static_cast<char>('5' + rng() % 5);
            owned[i] = std::move(t);
            texts[i] = rng() % 17 == 0 ? std::string_view() : std::string_view(owned[i]);  // some nulls
        }
        for (const auto& home : {vn, us, numrep::region::none()}) {
            std::vector<std::uint64_t> keys(size, 99);
            numrep::parse_keys(texts, home, keys);
            std::size_t parsed = 0;
            for (std::size_t i = 0; i < size; ++i) {
                const auto r = try_parse(texts[i], home);
                INFO("size " << size << " row " << i << " text \"" << texts[i] << "\" region " << home.code());
                REQUIRE(keys[i] == (r ? r->key() : 0));
                parsed += r ? 1U : 0U;
            }
            if (size >= 64 && !home.is_none()) REQUIRE(parsed > size / 2);  // the mix is mostly numbers
        }
    }
    // Spans of different sizes are refused (a smaller keys span was written past its end).
    std::vector<std::string_view> hundred(100, "0912345678");
    std::vector<std::uint64_t> ten(10);
    CHECK_THROWS_WITH(numrep::parse_keys(hundred, vn, ten),
                      numrep_test::contains("100 texts but 10 keys: the spans must have the same size"));
}
