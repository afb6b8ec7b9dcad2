// numrep::report_category: why a number was reported (a fixed order: the order of the counts
// in records and files), and classify_category for the free-form names report sources use.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

// Maps a free-form category name from a report source to a report_category: exact names
// first ("scam", "robocall", ...), then keywords, for sources such as the US FTC whose
// subjects read "Calls pretending to be government, businesses, or family and friends", and
// Vietnamese ones ("giả danh", "mạo danh": impersonating). Case folding is ASCII only.
inline report_category classify_category(std::string_view name) {
    std::string lower;
    lower.reserve(name.size());
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto has = [&](std::string_view word) { return lower.find(word) != std::string::npos; };
    for (std::size_t i = 0; i < report_category_count; ++i)
        if (lower == to_string(static_cast<report_category>(i))) return static_cast<report_category>(i);
    if (has("scam") || has("fraud") || has("pretending") || has("imperson") || has("phishing") || has("lừa đảo") ||
        has("giả danh") || has("mạo danh"))  // Vietnamese: fraud, impersonating
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
    if (has("spam") || has("advert") || has("quảng cáo")) return report_category::spam;
    return report_category::other;
}

}  // namespace numrep
