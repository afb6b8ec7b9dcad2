// numrep::report_category: why a number was reported (a fixed order: the order of the counts
// in records and files), and classify_category for the free-form names report sources use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "detail/latin_letters.hpp"
#include "detail/unicode.hpp"

namespace numrep {

// Why a number was reported. Fixed order: it is the order of the counts in records and files.
enum class report_category : std::uint8_t {
    scam = 0,           // fraud attempts: fake bank, police, prize, parcel
    spam = 1,           // unsolicited advertising
    telemarketing = 2,  // sales calls from a real business
    robocall = 3,       // recorded or automated calls
    harassment = 4,
    debt_collection = 5,
    silent = 6,  // silent or one-ring ("wangiri") calls
    other = 7,
};

inline constexpr std::size_t report_category_count = 8;

constexpr std::string_view to_string(report_category c) noexcept {
    switch (c) {
        case report_category::scam: return "scam";
        case report_category::spam: return "spam";
        case report_category::telemarketing: return "telemarketing";
        case report_category::robocall: return "robocall";
        case report_category::harassment: return "harassment";
        case report_category::debt_collection: return "debt_collection";
        case report_category::silent: return "silent";
        case report_category::other: return "other";
    }
    return "unknown";
}

namespace detail {

// A category name as classify_category matches it, the same in every locale (std::tolower is
// not: under a Turkish locale "PHISHING" became "phıshıng" and was filed as "other"): ASCII
// and full-width letters in lower case, every accented Latin letter as its ASCII base letter
// ("LỪA ĐẢO", "lừa đảo" decomposed, as macOS and many web forms send it, and "lua dao" as it is
// often typed all read "lua dao"), combining marks dropped; other characters and malformed
// bytes as they are.
inline std::string fold_category_name(std::string_view name) {
    std::string folded;
    folded.reserve(name.size());
    for (std::size_t pos = 0; pos < name.size();) {
        const decoded d = decode_at(name, pos);
        const char32_t c = d.code_point;
        char ascii = 0;
        if (c < 0x80) ascii = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        else if (c >= 0xFF01 && c <= 0xFF5E)  // full-width ASCII
            ascii = static_cast<char>(c >= 0xFF21 && c <= 0xFF3A ? c - 0xFF21 + 'a' : c - 0xFF01 + '!');
        else
            ascii = latin_base_letter(c);
        if (ascii != 0) folded += ascii;
        else if (c < 0x300 || c > 0x36F)  // not a combining mark
            folded.append(name.substr(pos, d.length));
        pos += d.length;
    }
    return folded;
}

}  // namespace detail

// Maps a free-form category name from a report source to a report_category: exact names
// first ("scam", "robocall", ...), then keywords, for sources such as the US FTC whose
// subjects read "Calls pretending to be government, businesses, or family and friends", and
// Vietnamese ones ("giả danh", "mạo danh": impersonating), in any case, accents or none
// (detail::fold_category_name).
inline report_category classify_category(std::string_view name) {
    const std::string lower = detail::fold_category_name(name);
    const auto has = [&](std::string_view word) { return lower.find(word) != std::string::npos; };
    for (std::size_t i = 0; i < report_category_count; ++i)
        if (lower == to_string(static_cast<report_category>(i))) return static_cast<report_category>(i);
    if (has("scam") || has("fraud") || has("pretending") || has("imperson") || has("phishing") || has("lua dao") ||
        has("gia danh") || has("mao danh"))  // Vietnamese: fraud, impersonating
        return report_category::scam;
    if (has("robocall") || has("recorded") || has("automated")) return report_category::robocall;
    if (has("debt")) return report_category::debt_collection;
    if (has("harass") || has("threat") || has("abus")) return report_category::harassment;
    if (has("silent") || has("one ring") || has("wangiri") || has("hang up") || has("hung up") || has("dropped call") ||
        has("no message"))
        return report_category::silent;
    if (has("telemarket") || has("sales") || has("warrant") || has("insurance") || has("loan") || has("energy") ||
        has("solar") || has("vacation") || has("medical") || has("computer") || has("home"))
        return report_category::telemarketing;
    if (has("spam") || has("advert") || has("quang cao")) return report_category::spam;
    return report_category::other;
}

}  // namespace numrep
