// numrep::report_category: why a number was reported (a fixed order: the order of the counts
// in records and files), and classify_category for the free-form names report sources use.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "detail/latin_letters.hpp"
#include "detail/throw.hpp"
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

// An integer cast to report_category must be one: its count is written at counts[category], and
// past the last (8) that was not_spam, turning a scam report into a vote for the number. The
// message is built only when thrown: this runs for every report of every build.
[[noreturn]] inline void throw_bad_category(report_category category, std::string_view who, std::uint64_t key) {
    throw_invalid_argument(std::string(who) + (key != 0 ? " " + std::to_string(key) : std::string()) + ": category " +
                           std::to_string(static_cast<unsigned>(category)) + " is not a report_category (0 .. " +
                           std::to_string(report_category_count - 1) + ")");
}
inline void check_category(report_category category, std::string_view who, std::uint64_t key = 0) {
    if (static_cast<std::size_t>(category) >= report_category_count) throw_bad_category(category, who, key);
}

// A category name as classify_category matches it, the same in every locale (std::tolower is
// not: under a Turkish locale "PHISHING" became "phıshıng" and was filed as "other"): ASCII and
// full-width letters in lower case, and every Latin letter in its lower-case decomposed form
// (NFD), so that "LỪA ĐẢO" and "lừa đảo" written composed or decomposed (as macOS and many web
// forms send it) are one text. The marks after a letter are put in canonical order (by
// combining class, as normalization does), so that the order they were typed in does not
// matter either: Unikey's composite mode writes "ộ" as "ô" and a dot below, whose NFD has the
// dot first. The accents stay: without them, other words match keywords ("tham gia danh
// sách", to join a list, holds "gia danh"; "loạn", chaos, holds "loan"). White space of any kind
// (detail::is_space: a no-break space, a line break) is a space. Other characters and malformed
// bytes are kept as they are.
inline std::string fold_category_name(std::string_view name) {
    std::string folded;
    folded.reserve(name.size() + name.size() / 2);
    std::size_t marks_begin = 0;  // where the run of marks after the last base character starts
    const auto append_base = [&](std::string_view bytes) {
        folded += bytes;
        marks_begin = folded.size();
    };
    // A mark of U+0300..U+036F (two bytes of UTF-8) goes after the run's marks of a class not
    // above its own: an insertion sort, stable as canonical ordering is.
    const auto append_mark = [&](std::string_view bytes, unsigned mark) {
        std::size_t at = folded.size();
        while (at > marks_begin) {
            const auto lead = static_cast<unsigned char>(folded[at - 2]);
            const auto trail = static_cast<unsigned char>(folded[at - 1]);
            if (mark_class(((lead & 0x1FU) << 6) | (trail & 0x3FU)) <= mark) break;
            at -= 2;
        }
        folded.insert(at, bytes);
    };
    // Letters' decomposed forms, replaced marks: a base character (or none) then marks.
    const auto append_decomposed = [&](std::string_view utf8) {
        for (std::size_t i = 0; i < utf8.size();) {
            const decoded d = decode_at(utf8, i);
            if (const unsigned mark = mark_class(d.code_point); mark != 0) append_mark(utf8.substr(i, d.length), mark);
            else
                append_base(utf8.substr(i, d.length));
            i += d.length;
        }
    };
    for (std::size_t pos = 0; pos < name.size();) {
        const decoded d = decode_at(name, pos);
        const char32_t c = d.code_point;
        if (is_space(c)) {  // a no-break space from a web page, a line break: a space between words
            append_base(" ");
        } else if (c < 0x80 || (c >= 0xFF01 && c <= 0xFF5E)) {  // ASCII, full-width ASCII
            const char32_t ascii = c < 0x80 ? c : c - 0xFF01 + '!';
            const char lower = static_cast<char>(ascii >= 'A' && ascii <= 'Z' ? ascii + ('a' - 'A') : ascii);
            append_base(std::string_view(&lower, 1));
        } else if (const std::string_view nfd = latin_lower_nfd(c); !nfd.empty()) {
            append_decomposed(nfd);
        } else if (const std::string_view replaced = mark_replacement(c); !replaced.empty()) {
            append_decomposed(replaced);
        } else if (const unsigned mark = mark_class(c); mark != 0) {
            append_mark(name.substr(pos, d.length), mark);
        } else {
            append_base(name.substr(pos, d.length));
        }
        pos += d.length;
    }
    return folded;
}

}  // namespace detail

// Maps a free-form category name from a report source to a report_category: exact names
// first ("scam", "robocall", ...), then keywords, for sources such as the US FTC whose
// subjects read "Calls pretending to be government, businesses, or family and friends", and
// Vietnamese ones ("giả danh", "mạo danh": impersonating), in any case, composed or decomposed
// (detail::fold_category_name).
inline report_category classify_category(std::string_view name) {
    // Vietnamese keywords, folded as names are (once, on first use).
    static const std::array<std::string, 4> vietnamese{detail::fold_category_name("lừa đảo"),
                                                       detail::fold_category_name("giả danh"),
                                                       detail::fold_category_name("mạo danh"),
                                                       detail::fold_category_name("quảng cáo")};
    const std::string lower = detail::fold_category_name(name);
    for (std::size_t i = 0; i < report_category_count; ++i)
        if (lower == to_string(static_cast<report_category>(i))) return static_cast<report_category>(i);
    // Keywords are looked for with '-', '_' and '/' read as spaces and runs of spaces as one:
    // "One-ring", "hang_up" and "robo-call" are how sources write "one ring", "hang up" and
    // "robocall" ("robo call" is a keyword too).
    std::string words;
    words.reserve(lower.size());
    for (const char c : lower) {
        const bool space = c == ' ' || c == '-' || c == '_' || c == '/' || c == '\t';
        if (!space) words += c;
        else if (!words.empty() && words.back() != ' ')
            words += ' ';
    }
    const auto has = [&](std::string_view word) { return words.find(word) != std::string::npos; };
    if (has("scam") || has("fraud") || has("pretending") || has("imperson") || has("phishing") || has(vietnamese[0]) ||
        has(vietnamese[1]) || has(vietnamese[2]))  // fraud, impersonating (twice)
        return report_category::scam;
    if (has("robocall") || has("robo call") || has("recorded") || has("automated")) return report_category::robocall;
    if (has("debt")) return report_category::debt_collection;
    if (has("harass") || has("threat") || has("abus")) return report_category::harassment;
    if (has("silent") || has("one ring") || has("wangiri") || has("hang up") || has("hung up") || has("dropped call") ||
        has("no message"))
        return report_category::silent;
    if (has("telemarket") || has("sales") || has("warrant") || has("insurance") || has("loan") || has("energy") ||
        has("solar") || has("vacation") || has("medical") || has("computer") || has("home"))
        return report_category::telemarketing;
    if (has("spam") || has("advert") || has(vietnamese[3])) return report_category::spam;  // advertising
    return report_category::other;
}

}  // namespace numrep
