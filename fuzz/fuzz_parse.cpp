// Fuzzes numrep::try_parse / parse on arbitrary bytes. Input: one byte choosing the default
// region, then the text. Besides "no crash, no undefined behaviour", checks what a parsed
// number promises:
//  - try_parse and parse agree (parse throws parse_error exactly when try_parse fails), and the
//    error message can be built for any failure;
//  - a number's key is a valid E.164 key whose country code / national split is the one
//    phone_number::from_key finds, and its extension is at most max_extension_length digits;
//  - for numbers the world plan says are valid: the E.164 form parses back to the same key, with
//    no default region and with any, and national() parses back in the number's home region.
//    (Not for invalid ones: libphonenumber, whose rules numrep follows, strips a national prefix
//    from "+111128634478" too, so the E.164 form of an invalid number may read differently.);
//  - a Vietnamese number's national() (formatted without a read-back check) always reads back;
//  - the UTF-32 overload reads the same text the same way;
//  - the one-pass scan of plain texts (scan_plain: ASCII and full-width digits, separators, a
//    leading plus, "tel:" without parameters) agrees with the full scan (scan_decoded) on every
//    input it accepts, both as UTF-8 and as UTF-32;
//  - the key-only parse (detail::parse_key) gives try_parse's key, and the batch parser
//    (parse_keys) gives every line of the input the key try_parse gives it.
#include <numrep/parse.hpp>
#include <numrep/parse_batch.hpp>
#include <numrep/phone_number.hpp>
#include <numrep/region.hpp>
#include <numrep/world_plan.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"

namespace {

using numrep::parse_errc;
using numrep::parse_result;
using numrep::region;

constexpr std::array<std::string_view, 15> region_codes{"VN", "US", "GB", "DE", "IT", "FR", "JP", "AU",
                                                        "BR", "IN", "CN", "RU", "AR", "MX", "NZ"};

region pick_region(std::uint8_t b) {
    if (b % 16 == 15) return region::none();
    return *region::find(region_codes[b % 16]);
}

std::string describe(const parse_result& r) {
    if (!r) return std::string("error ") + std::string(numrep::describe(r.error()));
    return "key " + std::to_string(r->key());
}

void check_number(std::string_view text, const region& home, const parse_result& r) {
    const numrep::phone_number& n = r.value();
    const std::uint64_t key = n.key();
    NUMREP_FUZZ_CHECK(key != 0 && key <= numrep::detail::max_key, "\"%.*s\" parsed to key %llu",
                      static_cast<int>(text.size()), text.data(), static_cast<unsigned long long>(key));
    const auto from_key = numrep::phone_number::from_key(key);
    NUMREP_FUZZ_CHECK(from_key.has_value(), "key %llu of \"%.*s\" is refused by from_key",
                      static_cast<unsigned long long>(key), static_cast<int>(text.size()), text.data());
    NUMREP_FUZZ_CHECK(from_key->country_code() == n.country_code() &&
                          from_key->national_length() == n.national_length(),
                      "\"%.*s\": parsed as +%u with %d national digits, from_key(%llu) says +%u with %d",
                      static_cast<int>(text.size()), text.data(), unsigned{n.country_code()}, n.national_length(),
                      static_cast<unsigned long long>(key), unsigned{from_key->country_code()},
                      from_key->national_length());
    NUMREP_FUZZ_CHECK(n.national_length() >= numrep::min_national_length, "\"%.*s\": %d national digits",
                      static_cast<int>(text.size()), text.data(), n.national_length());
    const std::string extension = n.extension();
    NUMREP_FUZZ_CHECK(extension.size() <= static_cast<std::size_t>(numrep::phone_number::max_extension_length) &&
                          extension.empty() == !n.has_extension() &&
                          extension.find_first_not_of("0123456789") == std::string::npos,
                      "\"%.*s\": extension \"%s\"", static_cast<int>(text.size()), text.data(), extension.c_str());

    // Vietnam's national form is formatted, not checked by reading it back: it must read back
    // for every Vietnamese number, valid or not.
    if (n.country_code() == 84) {
        const std::string vn = n.national();
        const parse_result back = numrep::try_parse(vn, region::vietnam());
        NUMREP_FUZZ_CHECK(back && back->key() == key, "%s: national() \"%s\" parses (in VN) to %s", n.e164().c_str(),
                          vn.c_str(), describe(back).c_str());
    }
    if (!numrep::plans::world().lookup(key).valid) return;
    // The E.164 form reads back as the same number, whatever the default region.
    const std::string e164 = n.e164();
    for (const region& again : {region::none(), home, region::vietnam()}) {
        const parse_result back = numrep::try_parse(e164, again);
        NUMREP_FUZZ_CHECK(back && back->key() == key, "\"%.*s\" (region %.*s) parsed to %s, which parses to %s",
                          static_cast<int>(text.size()), text.data(), static_cast<int>(home.code().size()),
                          home.code().data(), e164.c_str(), describe(back).c_str());
    }
    // national() is written so that it reads back in the number's home region.
    const std::string national = n.national();
    if (const auto own = region::for_country_code(n.country_code())) {
        const parse_result back = numrep::try_parse(national, *own);
        NUMREP_FUZZ_CHECK(back && back->key() == key, "\"%.*s\" is %s, national() \"%s\" parses (in %.*s) to %s",
                          static_cast<int>(text.size()), text.data(), e164.c_str(), national.c_str(),
                          static_cast<int>(own->code().size()), own->code().data(), describe(back).c_str());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    numrep_fuzz::input in(data, size);
    const region home = pick_region(in.byte());
    const std::string_view text = in.rest_text();

    const parse_result r = numrep::try_parse(text, home);
    NUMREP_FUZZ_CHECK(r.ok() == (r.error() == parse_errc::ok) && r.ok() == !r->empty(), "ok() %d, error %d, key %llu",
                      int{r.ok()}, static_cast<int>(r.error()), static_cast<unsigned long long>(r->key()));
    if (r) {
        check_number(text, home, r);
    } else {
        const std::string message = numrep::parse_error_message(text, r, home.code());
        NUMREP_FUZZ_CHECK(!message.empty(), "empty message");
        if (r.error() == parse_errc::bad_character)
            NUMREP_FUZZ_CHECK(r.position() < text.size(), "bad character at %zu of %zu", r.position(), text.size());
    }

    // parse() agrees with try_parse().
    bool threw = false;
    try {
        const numrep::phone_number n = numrep::parse(text, home);
        NUMREP_FUZZ_CHECK(r && n.key() == r->key(), "parse gave %llu, try_parse %s",
                          static_cast<unsigned long long>(n.key()), describe(r).c_str());
    } catch (const numrep::parse_error&) {
        threw = true;
    }
    NUMREP_FUZZ_CHECK(threw == !r.ok(), "parse threw: %d, try_parse: %s", int{threw}, describe(r).c_str());

    // The same text as UTF-32 (when it is valid UTF-8) parses the same way.
    std::u32string wide;
    bool valid_utf8 = true;
    for (std::size_t pos = 0; pos < text.size();) {
        const auto d = numrep::detail::decode_at(text, pos);
        if (d.code_point == numrep::detail::invalid_code_point) {
            valid_utf8 = false;
            break;
        }
        wide += d.code_point;
        pos += d.length;
    }
    if (valid_utf8) {
        const parse_result w = numrep::try_parse(std::u32string_view(wide), home);
        NUMREP_FUZZ_CHECK(w.error() == r.error() && w->key() == r->key(), "UTF-8: %s, UTF-32: %s", describe(r).c_str(),
                          describe(w).c_str());
    }

    // The key-only parse (batches) gives try_parse's key, 0 for an error.
    NUMREP_FUZZ_CHECK(numrep::detail::parse_key(text, home) == (r ? r->key() : 0), "key-only parse differs from %s",
                      describe(r).c_str());

    // Texts the one-pass scan accepts must read as the full scan reads them.
    if (numrep::detail::scanned plain{}; numrep::detail::scan_plain(text, plain)) {
        const parse_result full = numrep::detail::parse_scanned<numrep::detail::full_result>(
            numrep::detail::scan_decoded(text), home);
        NUMREP_FUZZ_CHECK(full.error() == r.error() && full->key() == r->key(), "\"%.*s\": %s, by the full scan: %s",
                          static_cast<int>(text.size()), text.data(), describe(r).c_str(), describe(full).c_str());
    }
    if (numrep::detail::scanned plain{}; valid_utf8 && numrep::detail::scan_plain(std::u32string_view(wide), plain)) {
        const parse_result full = numrep::detail::parse_scanned<numrep::detail::full_result>(
            numrep::detail::scan_decoded(std::u32string_view(wide)), home);
        NUMREP_FUZZ_CHECK(full.error() == r.error() && full->key() == r->key(), "UTF-32: %s, by the full scan: %s",
                          describe(r).c_str(), describe(full).c_str());
    }

    // The batch parser, which reorders texts by shape, gives each line of the input its own
    // try_parse key. The lines are repeated to 100 rows, enough for parse_keys to reorder them.
    std::vector<std::string_view> lines;
    for (std::size_t begin = 0; begin <= text.size();) {
        const std::size_t end = std::min(text.find('\n', begin), text.size());
        lines.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    std::vector<std::string_view> rows(100);
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = lines[i % lines.size()];
    std::vector<std::uint64_t> keys(rows.size());
    numrep::parse_keys(rows, home, keys);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const parse_result one = numrep::try_parse(rows[i], home);
        NUMREP_FUZZ_CHECK(keys[i] == (one ? one->key() : 0), "row %zu \"%.*s\": parse_keys %llu, try_parse %s", i,
                          static_cast<int>(rows[i].size()), rows[i].data(), static_cast<unsigned long long>(keys[i]),
                          describe(one).c_str());
    }
    return 0;
}
