// Parsing any written form of a number from any region into a phone_number, by libphonenumber's
// steps (try_parse: noexcept, says what was wrong; parse: throws parse_error). No allocation,
// O(length). Steps and differences: docs/architecture.md ("Parsing"), docs/world-plan.md.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "detail/key.hpp"
#include "detail/plain_text_classes.hpp"
#include "detail/throw.hpp"
#include "detail/unicode.hpp"
#include "detail/unicode_word.hpp"
#include "detail/vietnam_rules.hpp"
#include "detail/world_rules.hpp"
#include "phone_number.hpp"
#include "region.hpp"

namespace numrep {

enum class parse_errc : std::uint8_t {
    ok = 0,
    empty,                 // nothing but white space
    bad_character,         // a character that has no place in a phone number (or bad UTF-8)
    too_short,             // fewer than 2 national digits (or nothing after an international prefix)
    too_long,              // more than 17 national digits, a key over E.164's 15 digits, or input over 250 characters
    unknown_country_code,  // international form whose leading digits are no country code
    missing_country_code,  // national form, but no default region to supply a country code
    unknown_region,        // the default region given is not an ISO 3166 code we know
};

constexpr std::string_view describe(parse_errc e) noexcept {
    switch (e) {
        case parse_errc::ok: return "ok";
        case parse_errc::empty: return "empty input";
        case parse_errc::bad_character: return "bad character";
        case parse_errc::too_short: return "too short";
        case parse_errc::too_long: return "too long";
        case parse_errc::unknown_country_code: return "unknown country code";
        case parse_errc::missing_country_code: return "national number without a default region";
        case parse_errc::unknown_region: return "unknown region";
    }
    return "unknown error";
}

// Shortest national significant number accepted (libphonenumber's): 2 digits.
inline constexpr int min_national_length = 2;
// Longest national significant number libphonenumber reads; keys also stop at 15 digits in all.
inline constexpr int max_parsed_national_length = 17;
// Longest input read, in characters (libphonenumber's limit).
inline constexpr std::size_t max_input_length = 250;

// Either a phone_number or the reason there is none (and, for bad characters, where).
class parse_result {
public:
    constexpr parse_result(phone_number number) noexcept : number_(number) {}
    constexpr parse_result(parse_errc error, std::size_t position = 0) noexcept : error_(error), position_(position) {}

    constexpr bool ok() const noexcept { return error_ == parse_errc::ok; }
    constexpr explicit operator bool() const noexcept { return ok(); }
    constexpr parse_errc error() const noexcept { return error_; }
    // Offset (in code units of the input) of the offending character for bad_character.
    constexpr std::size_t position() const noexcept { return position_; }
    // The number; an empty phone_number (key 0) when parsing failed.
    constexpr const phone_number& value() const noexcept { return number_; }
    constexpr const phone_number& operator*() const noexcept { return number_; }
    constexpr const phone_number* operator->() const noexcept { return &number_; }

private:
    phone_number number_{};
    parse_errc error_ = parse_errc::ok;
    std::size_t position_ = 0;
};

namespace detail {

// Digits kept: a national number of 17 digits behind a country code and the longest
// international prefix fits; more cannot become a number.
inline constexpr int scan_digit_capacity = 32;

struct scanned {
    // 8 bytes of room for gather_plain_text's stores and digits_value's reads (at most 24 digits
    // come before a national number of 8 or more in a capacity of 32).
    std::array<char, scan_digit_capacity + 8> digits{};
    int count = 0;
    bool plus = false;  // written in international form (or given a global phone-context)
    std::array<char, phone_number::max_extension_length> extension{};
    int extension_length = 0;
    parse_errc error = parse_errc::ok;
    std::size_t position = 0;
};

// The input as code points, with each one's offset in code units (for error positions).
// Left uninitialised (2 KB: clearing it would cost more than parsing); only [0, size] is read.
struct code_points {
    std::array<char32_t, max_input_length + 1> c;
    std::array<std::uint32_t, max_input_length + 2> at;
    int size;
    int untrimmed;      // decode: the size before trailing punctuation was dropped (c keeps those)
    bool spaced_start;  // decode: white space before c[0] was dropped
};

constexpr char32_t ascii_lower(char32_t c) noexcept { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
constexpr bool is_ascii_letter(char32_t c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// The phone keypad: ABC 2, DEF 3, GHI 4, JKL 5, MNO 6, PQRS 7, TUV 8, WXYZ 9.
constexpr char keypad_digit(char32_t c) noexcept {
    constexpr std::string_view keys = "22233344455566677778889999";
    return keys[static_cast<std::size_t>(ascii_lower(c) - 'a')];
}

// Punctuation libphonenumber lets stand between digits (its VALID_PUNCTUATION, '*' too).
constexpr bool is_punctuation_slow(char32_t c) noexcept {
    if (is_space(c) || is_digit_separator(c) || is_open_paren(c) || is_close_paren(c)) return true;
    switch (c) {
        case '~':
        case '*':
        case 0x2053:
        case 0x223C:
        case 0xFF5E:
        case 0x30FC:
        case 0xFF3B:
        case 0xFF3D: return true;
        default: return false;
    }
}

// ASCII by table (one load), the rest by is_punctuation_slow.
inline constexpr std::array<bool, 128> ascii_punctuation = [] {
    std::array<bool, 128> table{};
    for (char32_t c = 0; c < 128; ++c) table[c] = is_punctuation_slow(c);
    return table;
}();

constexpr bool is_punctuation(char32_t c) noexcept { return c < 128 ? ascii_punctuation[c] : is_punctuation_slow(c); }

// Lower case as libphonenumber's case-insensitive matching of its labels has it: ASCII,
// Latin-1, full-width Latin and Cyrillic capitals ("ＥＸＴ", "ДОБ"), and the dotless i, the
// dotted capital I and the long s, which match i and s.
constexpr char32_t label_lower(char32_t c) noexcept {
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x410 && c <= 0x42F) ||
        (c >= 0xFF21 && c <= 0xFF3A))
        return c + 0x20;
    if (c == 0x130 || c == 0x131) return 'i';
    return c == 0x17F ? U's' : c;
}

// t[pos, pos + word.size()) is `word` (lower case), in any case; exactly, when not any_case
// (RFC 3966's ";phone-context=" and ";isub=", which libphonenumber finds in this case only).
// Within t[0, end), the text kept after its trailing punctuation went unless told otherwise.
constexpr bool matches_at(const code_points& t, int pos, std::u32string_view word, bool any_case = true,
                          int end = -1) noexcept {
    if (pos < 0 || pos + static_cast<int>(word.size()) > (end < 0 ? t.size : end)) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        const char32_t c = t.c[static_cast<std::size_t>(pos) + i];
        if ((any_case ? label_lower(c) : c) != word[i]) return false;
    }
    return true;
}

// Extension labels (libphonenumber's, lower case), longest first within each kind, and the
// most digits each allows.
struct extension_label {
    std::u32string_view text;
    int max_digits;
    bool commas_before;  // the separators before the label may include commas
};
inline constexpr std::array<extension_label, 30> extension_labels{{
    // e?xt(?:ensi(?:o\u0301?|\u00F3))?n? : a label with its leading "e" before the one without
    {U"extensio\u0301n", 20, true},
    {U"extensi\u00F3n", 20, true},
    {U"extension", 20, true},
    {U"extensio\u0301", 20, true},
    {U"extensi\u00F3", 20, true},
    {U"extensio", 20, true},
    {U"xtensio\u0301n", 20, true},
    {U"xtensi\u00F3n", 20, true},
    {U"xtension", 20, true},
    {U"xtensio\u0301", 20, true},
    {U"xtensi\u00F3", 20, true},
    {U"xtensio", 20, true},
    {U"anexo", 20, true},
    {U"extn", 20, true},
    {U"ext", 20, true},
    {U"xtn", 20, true},
    {U"xt", 20, true},
    {U"\uFF45\uFF58\uFF54\uFF4E", 20, true},
    {U"\uFF45\uFF58\uFF54", 20, true},
    {U"\uFF58\uFF54\uFF4E", 20, true},
    {U"\uFF58\uFF54", 20, true},
    {U"\u0434\u043E\u0431", 20, true},
    // ambiguous labels: fewer digits
    {U"int", 9, true},
    {U"\uFF49\uFF4E\uFF54", 9, true},
    {U"x", 9, true},
    {U"\uFF58", 9, true},
    {U"#", 9, true},
    {U"\uFF03", 9, true},
    {U"~", 9, true},
    {U"\uFF5E", 9, true},
}};

// numrep reads every kind of white space (is_space) where libphonenumber reads a space. The
// kinds libphonenumber has rules of its own for keep them: the no-break space and the tab (which
// may stand around extension labels), the zero-width space, the word joiner and the ideographic
// space (punctuation between digits, but not around labels). The others, which libphonenumber
// refuses wherever they are, count as a plain space: where it reads the text with a space, numrep
// reads it alike.
constexpr bool reads_as_plain_space(char32_t c) noexcept {
    return c == ' ' || (is_space(c) && c != 0xA0 && c != '\t' && c != 0x200B && c != 0x2060 && c != 0x3000);
}

// libphonenumber's white space around an extension label: [ \u00A0\t], and what reads as a space.
constexpr bool extension_space(char32_t c) noexcept { return c == 0xA0 || c == '\t' || reads_as_plain_space(c); }

// Where an extension starts in t[begin, end) (the separators before its label included), or
// -1; its digits are t[*digits_begin, *digits_end).
constexpr int find_extension(const code_points& t, int begin, int end, int& digits_begin, int& digits_end) noexcept {
    int i = end;
    const bool hash = i > begin && t.c[static_cast<std::size_t>(i - 1)] == '#';  // ASCII only, as libphonenumber
    if (hash) --i;
    digits_end = i;
    while (i > begin && digit_value(t.c[static_cast<std::size_t>(i - 1)]) >= 0) --i;
    digits_begin = i;
    const int digits = digits_end - digits_begin;
    if (digits == 0) return -1;
    // Characters allowed between a label and the digits: [:.．]?[ \u00A0\t,-]*
    int k = i;
    while (k > begin && (extension_space(t.c[static_cast<std::size_t>(k - 1)]) ||
                         t.c[static_cast<std::size_t>(k - 1)] == ',' || t.c[static_cast<std::size_t>(k - 1)] == '-'))
        --k;
    const int run_begin = k;  // the separators [ \u00A0\t,-]* before the digits start here
    if (k > begin && (t.c[static_cast<std::size_t>(k - 1)] == ':' || t.c[static_cast<std::size_t>(k - 1)] == '.' ||
                      t.c[static_cast<std::size_t>(k - 1)] == 0xFF0E))
        --k;
    const auto skip_separators = [&](int at, bool commas) {
        while (at > begin && (extension_space(t.c[static_cast<std::size_t>(at - 1)]) ||
                              (commas && t.c[static_cast<std::size_t>(at - 1)] == ',')))
            --at;
        return at;
    };
    // Every label ends in one of these: most numbers have none there and skip the list.
    const char32_t last = k > begin ? label_lower(t.c[static_cast<std::size_t>(k - 1)]) : 0;
    const bool may_be_label = last == 'n' || last == 't' || last == 'o' || last == 'x' || last == '#' || last == '~' ||
                              last == 0xF3 || last == 0x301 || last == 0x431 || last == 0xFF4E || last == 0xFF54 ||
                              last == 0xFF58 || last == 0xFF03 || last == 0xFF5E;
    for (const auto& label : extension_labels) {
        if (!may_be_label) break;
        const int at = k - static_cast<int>(label.text.size());
        if (digits <= label.max_digits && matches_at(t, at, label.text))
            return skip_separators(at, label.commas_before);
    }
    // RFC 3966 ";ext=" and auto-dialling ";" or ",," (up to 15 digits), or only commas (9).
    // (RFC 3966's ";ext=" takes no '#' after its digits.)
    if (k == i && !hash && matches_at(t, i - 5, U";ext=") && digits <= 20) return i - 5;
    if (k > begin && t.c[static_cast<std::size_t>(k - 1)] == ';' && digits <= 15) return skip_separators(k - 1, false);
    // Commas as the label: ",," (auto-dialling, up to 15 digits) or any commas (up to 9), either
    // just before a ':', '.' or '．' that precedes the digits (",．7") or among the separators.
    // Before the ':' the 15-digit label is exactly two commas: ",,,.1234567890" is refused.
    const auto commas_label = [&](int first_comma, bool two) {
        return digits <= (two ? 15 : 9) ? skip_separators(first_comma, false) : -1;
    };
    if (k < run_begin) {
        int c = k;
        while (c > begin && t.c[static_cast<std::size_t>(c - 1)] == ',') --c;
        if (c < k) return commas_label(c, k - c == 2);
    }
    for (int c = k; c < i; ++c) {
        if (t.c[static_cast<std::size_t>(c)] != ',') continue;
        return commas_label(c, c + 1 < i && t.c[static_cast<std::size_t>(c + 1)] == ',');
    }
    // American style, "555-1234 - 503#": separators of spaces and dashes, up to 6 digits, a hash.
    const auto space_or_dash = [&](int at) {
        return reads_as_plain_space(t.c[static_cast<std::size_t>(at)]) || t.c[static_cast<std::size_t>(at)] == '-';
    };
    if (hash && digits <= 6 && i > begin && space_or_dash(i - 1)) {
        int at = i;
        while (at > begin && space_or_dash(at - 1)) --at;
        return at;
    }
    return -1;
}

// RFC 3966 phone-context: a global number ("+64-3", an ASCII '+' as libphonenumber requires,
// not '＋') or a domain name.
constexpr bool valid_phone_context(const code_points& t, int begin, int end, bool& global) noexcept {
    global = begin < end && t.c[static_cast<std::size_t>(begin)] == '+';
    if (begin >= end) return false;
    if (global) {
        bool digit = false;
        for (int i = begin + 1; i < end; ++i) {
            const char32_t c = t.c[static_cast<std::size_t>(i)];
            if (digit_value(c) >= 0) digit = true;
            else if (c != '-' && c != '.' && c != '(' && c != ')')
                return false;
        }
        return digit;
    }
    // domain: labels of letters, digits and inner dashes, split by dots; the last starts with a letter
    int label_start = begin;
    for (int i = begin; i <= end; ++i) {
        const bool dot = i < end && t.c[static_cast<std::size_t>(i)] == '.';
        if (i == end || dot) {
            if (i == label_start) return i == end && i > begin;  // a trailing dot is allowed
            if (t.c[static_cast<std::size_t>(i - 1)] == '-') return false;
            if (i == end || (i + 1 == end)) {
                if (!is_ascii_letter(t.c[static_cast<std::size_t>(label_start)])) return false;
            }
            label_start = i + 1;
            continue;
        }
        const char32_t c = t.c[static_cast<std::size_t>(i)];
        if (!is_ascii_letter(c) && digit_value(c) < 0 && !(c == '-' && i > label_start)) return false;
    }
    return true;
}

template <class Text>
constexpr bool decode(Text text, code_points& t, parse_errc& error, std::size_t& position) noexcept {
    std::size_t pos = 0;
    while (pos < text.size()) {  // leading white space does not count against the limit
        const decoded d = decode_at(text, pos);
        if (!is_space(d.code_point)) break;
        pos += d.length;
    }
    t.spaced_start = pos > 0;
    while (pos < text.size()) {
        const decoded d = decode_at(text, pos);
        if (d.code_point == invalid_code_point) {
            error = parse_errc::bad_character;
            position = pos;
            return false;
        }
        if (t.size == static_cast<int>(max_input_length)) {
            // Trailing white space is harmless; anything else makes the input too long.
            for (std::size_t p = pos; p < text.size();) {
                const decoded e = decode_at(text, p);
                if (!is_space(e.code_point)) {
                    error = parse_errc::too_long;
                    return false;
                }
                p += e.length;
            }
            break;
        }
        t.c[static_cast<std::size_t>(t.size)] = d.code_point;
        t.at[static_cast<std::size_t>(t.size)] = static_cast<std::uint32_t>(pos);
        ++t.size;
        pos += d.length;
    }
    // Trailing white space, punctuation and symbols go, as in libphonenumber ("0912 345 678?",
    // "...678.", "...678。"): it drops every trailing character that is not a letter or a number
    // of any script (Unicode L* and N*) or '#'.
    t.at[static_cast<std::size_t>(t.size)] = static_cast<std::uint32_t>(pos);
    const int untrimmed = t.size;
    while (t.size > 0) {  // (t.at[size] stays the offset just past what is kept)
        const char32_t c = t.c[static_cast<std::size_t>(t.size - 1)];
        if (c == '#' || is_letter_or_number(c)) break;
        --t.size;
    }
    if (t.size == 0 && untrimmed > 0) t.size = untrimmed;  // nothing but punctuation: "too short", not "empty"
    t.untrimmed = untrimmed;
    if (t.size == 0) {
        error = parse_errc::empty;
        return false;
    }
    return true;
}

// Collects digits of t[begin, end) into s (appending), checking that everything else is
// punctuation; with three or more ASCII letters the letters are keypad digits ("1-800-FLOWERS").
constexpr void scan_digits(const code_points& t, int begin, int end, scanned& s) noexcept {
    // libphonenumber reads letters as keypad digits from three letters on (after three digits),
    // keeping then only ASCII digits and letters; it drops one or two stray letters, which
    // numrep refuses: "0912y45678" is more likely a typo than a number.
    int letters = 0;
    int digits_before_letters = -1;
    for (int i = begin, digits = s.count; i < end; ++i) {
        const char32_t c = t.c[static_cast<std::size_t>(i)];
        if (is_ascii_letter(c)) {
            if (letters++ == 0) digits_before_letters = digits;
        } else if (digit_value(c) >= 0) {
            ++digits;
        }
    }
    const bool vanity = letters >= 3 && digits_before_letters >= 3;
    bool dropped_digit = false;  // a '+' after one is not in front of the number
    // A run of plus signs in front of the number is one ("++44 ...", "+＋44": a key pressed
    // twice), as libphonenumber strips [+＋]+; a '+' after anything else is a bad character.
    int after_plus = -1;  // the index just after the last '+' taken
    for (int i = begin; i < end; ++i) {
        const char32_t c = t.c[static_cast<std::size_t>(i)];
        char digit = 0;
        if (const int v = digit_value(c); v >= 0) {
            if (vanity && c >= 0x80) {  // dropped, as libphonenumber's alpha normalisation does
                dropped_digit = true;
                continue;
            }
            digit = static_cast<char>('0' + v);
        } else if (is_ascii_letter(c) && vanity) {
            digit = keypad_digit(c);
        }
        if (digit != 0) {
            if (s.count == scan_digit_capacity) {
                s.error = parse_errc::too_long;
                return;
            }
            s.digits[static_cast<std::size_t>(s.count++)] = digit;
        } else if (is_plus(c) && s.count == 0 && (!s.plus || after_plus == i) && !dropped_digit) {
            s.plus = true;
            after_plus = i + 1;
        } else if (!is_punctuation(c)) {
            s.error = parse_errc::bad_character;
            s.position = t.at[static_cast<std::size_t>(i)];
            return;
        }
    }
}

constexpr void set_extension(const code_points& t, int begin, int end, scanned& s) noexcept {
    for (int i = begin; i < end; ++i) {
        const int v = digit_value(t.c[static_cast<std::size_t>(i)]);
        if (v < 0) continue;
        if (s.extension_length == phone_number::max_extension_length) {
            s.error = parse_errc::too_long;
            s.position = t.at[static_cast<std::size_t>(i)];
            return;
        }
        s.extension[static_cast<std::size_t>(s.extension_length++)] = static_cast<char>('0' + v);
    }
}

// libphonenumber reads a text from its first digit or '+' on (extractPossibleNumber).
constexpr int first_digit_or_plus(const code_points& t, int begin, int end) noexcept {
    while (begin < end && digit_value(t.c[static_cast<std::size_t>(begin)]) < 0 &&
           !is_plus(t.c[static_cast<std::size_t>(begin)]))
        ++begin;
    return begin;
}

// The long branch of libphonenumber's number pattern (VALID_PHONE_NUMBER) on t[begin, end),
// `begin` being its first digit or '+': '+'s, three digits each after any punctuation, then only
// punctuation, ASCII letters and digits. Its extension pattern may follow only this branch:
// "70~1" matches as a whole, "56,2" neither as a whole nor as "56" and the extension ",2".
constexpr bool digits_first(const code_points& t, int begin, int end) noexcept {
    int i = begin;
    while (i < end && is_plus(t.c[static_cast<std::size_t>(i)])) ++i;
    for (int digits = 0; digits < 3; ++i) {
        if (i == end) return false;
        const char32_t c = t.c[static_cast<std::size_t>(i)];
        if (digit_value(c) >= 0) ++digits;
        else if (!is_punctuation(c) && ascii_lower(c) != 'x')  // libphonenumber's punctuation has 'x'
            return false;
    }
    for (; i < end; ++i) {
        const char32_t c = t.c[static_cast<std::size_t>(i)];
        if (digit_value(c) < 0 && !is_punctuation(c) && !is_ascii_letter(c)) return false;
    }
    return true;
}

// libphonenumber's viability test (isViablePhoneNumber) on t[begin, end), read from its first
// digit or '+': exactly two digits and nothing else ("12", "(12)" once its ')' is trimmed;
// not "1-2", "+12" or "12)"), or digits_first. `as_written`: from `begin` itself, as
// libphonenumber reads the number part of a text with a phone-context (no extraction of the
// number first): "(70" is not viable there, so "tel:(70~12;phone-context=example.com" has no
// extension and reads as 7012.
constexpr bool viable(const code_points& t, int begin, int end, bool as_written = false) noexcept {
    if (!as_written) begin = first_digit_or_plus(t, begin, end);
    // As written from the text's start, the white space decode dropped is there, and is
    // punctuation to libphonenumber: neither two digits alone nor a '+' may follow it
    // (" 12~345;phone-context=example.com" has no extension: it reads as 12345).
    else if (begin == 0 && t.spaced_start)
        return begin < end && !is_plus(t.c[0]) && digits_first(t, begin, end);
    if (end - begin == 2 && digit_value(t.c[static_cast<std::size_t>(begin)]) >= 0 &&
        digit_value(t.c[static_cast<std::size_t>(begin + 1)]) >= 0)
        return true;
    return digits_first(t, begin, end);
}

// Where a second number written after the first starts ("... / x 123", libphonenumber's
// "[\\/] *x" searched from the first digit or '+'), or `end`: it is cut off before anything
// else is read.
constexpr int second_number_start(const code_points& t, int begin, int end) noexcept {
    for (int i = first_digit_or_plus(t, begin, end); i < end; ++i) {
        const char32_t c = t.c[static_cast<std::size_t>(i)];
        if (c != '/' && c != '\\') continue;
        int j = i + 1;
        while (j < end && reads_as_plain_space(t.c[static_cast<std::size_t>(j)])) ++j;
        if (j < end && t.c[static_cast<std::size_t>(j)] == 'x') return i;
    }
    return end;
}

// The number part of t[begin, end), cut at second_number_start (except in texts with an RFC 3966
// phone-context, which libphonenumber reads without looking for a second number): an extension
// at the end is kept apart when what stands before it is viable (libphonenumber's rule:
// otherwise the label is read as part of the number, "1~01" as 101 as "1-01" would be), the
// rest is scanned for digits.
constexpr void scan_number_part(const code_points& t, int begin, int end, scanned& s,
                                bool phone_context = false) noexcept {
    if (!phone_context) end = second_number_start(t, begin, end);
    int digits_begin = 0, digits_end = 0;
    const int ext = find_extension(t, begin, end, digits_begin, digits_end);
    if (ext > begin && viable(t, begin, ext, phone_context)) {
        set_extension(t, digits_begin, digits_end, s);
        if (s.error != parse_errc::ok) return;
        end = ext;
    }
    scan_digits(t, begin, end, s);
}

// Where a text's RFC 3966 phone-context parameter starts, or -1.
// Searched in the text as written: the trailing trim may have cut the '=' of a phone-context
// whose value is empty or punctuation ("...;isub=1;phone-context=+-"), which libphonenumber
// refuses as invalid and numrep, not seeing it, read as a number with a subaddress.
constexpr int find_phone_context(const code_points& t) noexcept {
    for (int p = 0; p < t.size; ++p)
        if (t.c[static_cast<std::size_t>(p)] == ';' && matches_at(t, p, U";phone-context=", false, t.untrimmed))
            return p;
    return -1;
}

// Where the number part of an RFC 3966 number that starts at `begin` ends: at its first parameter.
constexpr int tel_number_end(const code_points& t, int begin) noexcept {
    int end = begin;
    while (end < t.size && t.c[static_cast<std::size_t>(end)] != ';') ++end;
    return end;
}

// Where libphonenumber's number part of an RFC 3966 text that starts at `begin` ends: at its
// subaddress or its phone-context, whichever comes first (its other parameters are in it).
constexpr int rfc3966_number_part_end(const code_points& t, int begin) noexcept {
    for (int p = begin; p < t.size; ++p)
        if (t.c[static_cast<std::size_t>(p)] == ';' && (matches_at(t, p, U";isub=", false, t.untrimmed) ||
                                                        matches_at(t, p, U";phone-context=", false, t.untrimmed)))
            return p;
    return t.size;
}

// Numbers with an RFC 3966 phone-context (tel: URIs, or the same without the scheme, which
// libphonenumber reads alike): the number from `begin` (after "tel:", or the text's start),
// then ;ext=, ;isub= and ;phone-context= parameters. As in libphonenumber, nothing after
// ";isub=" counts but a phone-context, and nothing after the phone-context's value.
constexpr void scan_tel_uri(const code_points& t, int begin, scanned& s) noexcept {
    int number_end = tel_number_end(t, begin);
    int context_begin = -1, context_end = -1, ext_begin = -1, ext_end = -1;
    int unknown_at = -1;   // the first parameter before the context that is none of these
    bool ignored = false;  // after ";isub=" or a phone-context
    for (int p = number_end; p < t.size;) {
        int q = p + 1;
        while (q < t.size && t.c[static_cast<std::size_t>(q)] != ';') ++q;
        if (matches_at(t, p, U";phone-context=", false)) {
            if (context_begin < 0) context_begin = p + 15, context_end = q;
            ignored = true;
        } else if (ignored) {
            // libphonenumber drops it
        } else if (matches_at(t, p, U";ext=")) {
            // A second extension (which took the first's place) or an empty one: libphonenumber
            // finds no number in such a text.
            if (ext_begin >= 0 || q == p + 5) {
                s.error = parse_errc::bad_character;
                s.position = t.at[static_cast<std::size_t>(p)];
                return;
            }
            ext_begin = p + 5;
            ext_end = q;
        } else if (matches_at(t, p, U";isub=", false)) {
            ignored = true;
        } else if (unknown_at < 0) {
            unknown_at = p;
        }
        p = q;
    }
    // libphonenumber's number part is all before the context (and a subaddress before it): a
    // parameter it has no name for is part of the number, where ";123" is an auto-dialled
    // extension ("tel:+1-650-253-0000;123;phone-context=example.com": extension 123) and anything
    // else is no number. With an ";ext=" too, there is no number either.
    if (unknown_at >= 0) {
        const int part_end = rfc3966_number_part_end(t, number_end);
        if (ext_begin >= 0 || part_end == t.size) {
            s.error = parse_errc::bad_character;
            s.position = t.at[static_cast<std::size_t>(unknown_at)];
            return;
        }
        number_end = part_end;
    }
    bool global = false;
    if (context_begin >= 0 && !valid_phone_context(t, context_begin, context_end, global)) {
        s.error = parse_errc::bad_character;
        s.position = t.at[static_cast<std::size_t>(context_begin < t.size ? context_begin : t.size)];
        return;
    }
    if (ext_begin >= 0) {
        for (int i = ext_begin; i < ext_end; ++i)
            if (digit_value(t.c[static_cast<std::size_t>(i)]) < 0) {
                s.error = parse_errc::bad_character;
                s.position = t.at[static_cast<std::size_t>(i)];
                return;
            }
        set_extension(t, ext_begin, ext_end, s);
        if (s.error != parse_errc::ok) return;
    }
    // A global context and the number part are read as one text, "+64-3" then "331-6005", as
    // libphonenumber joins them before it reads anything: an extension label right after the
    // context ("tel:~05;phone-context=+64-3-331-6005": extension 05), and letters read as keypad
    // digits (which drop other scripts' digits, the context's too), act on both together. The
    // characters keep their offsets in the text, for errors.
    code_points joined;
    joined.size = 0;
    joined.spaced_start = false;  // the context comes first
    if (global) {
        for (const auto& [from, to] : {std::pair{context_begin, context_end}, std::pair{begin, number_end}})
            for (int i = from; i < to; ++i, ++joined.size) {
                joined.c[static_cast<std::size_t>(joined.size)] = t.c[static_cast<std::size_t>(i)];
                joined.at[static_cast<std::size_t>(joined.size)] = t.at[static_cast<std::size_t>(i)];
            }
        joined.at[static_cast<std::size_t>(joined.size)] = t.at[static_cast<std::size_t>(number_end)];
    }
    const code_points& number = global ? joined : t;
    const int from = global ? 0 : begin;
    const int to = global ? joined.size : number_end;
    // libphonenumber reads the number part of a text with a phone-context as written, not from
    // its first digit or '+' as other texts: its viability pattern lets only '+'s come before
    // any punctuation, so "tel:/+64 21 123 459;phone-context=example.com" is no number, nor is
    // " +64 21 123 459;phone-context=example.com" (white space at the text's start, which decode
    // dropped, is punctuation there).
    if (!global) {
        const int first = first_digit_or_plus(t, begin, number_end);
        int plus = first;
        while (plus > begin && is_plus(t.c[static_cast<std::size_t>(plus - 1)])) --plus;
        const bool after_punctuation = plus > begin || (begin == 0 && t.spaced_start);
        if (first < number_end && is_plus(t.c[static_cast<std::size_t>(first)]) && after_punctuation) {
            s.error = parse_errc::bad_character;
            s.position = t.at[static_cast<std::size_t>(first)];
            return;
        }
    }
    // After a global context, a '+' in the number part is a bad character; an extension written
    // in the number part ("tel:+1-650-253-0000 ext 9") is read as in any other text.
    if (ext_begin >= 0) scan_digits(number, from, to, s);
    else
        scan_number_part(number, from, to, s, context_begin >= 0);
}

// Where ";isub=" (an RFC 3966 subaddress, which libphonenumber drops with all after it, in any
// text) starts, or the text's end. libphonenumber looks for it after the number's first digit or
// '+' only: ";isub=1 030 123456" is text before a number (a bad character at offset 0, where
// dropping it all had left "too short").
constexpr int subaddress_start(const code_points& t) noexcept {
    for (int p = first_digit_or_plus(t, 0, t.size) + 1; p < t.size; ++p)
        if (t.c[static_cast<std::size_t>(p)] == ';' && matches_at(t, p, U";isub=", false)) return p;
    return t.size;
}

// A text of full-width digits alone (U+FF10..U+FF19, UTF-8 EF BC 90..99), after one full-width
// plus (EF BC 8B) or none: the form East Asian input methods write. Its digits in one loop with
// no branch per character: scan_plain's byte loop made such a text take 1.4 times as long as an
// ASCII one to parse (C++, 200k Vietnamese numbers of each form), now 1.1-1.3 times. False, with
// s.count and s.plus untouched, for anything else.
inline bool scan_full_width(const char* p, std::size_t n, scanned& s) noexcept {
    const auto byte = [p](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(p[k])); };
    std::size_t k = 0;
    const bool plus = n >= 3 && byte(0) == 0xEF && byte(1) == 0xBC && byte(2) == 0x8B;
    if (plus) k = 3;
    if ((n - k) % 3 != 0 || n - k > 3 * static_cast<std::size_t>(scan_digit_capacity)) return false;
    unsigned bad = 0;
    int count = 0;
    for (; k < n; k += 3) {
        const unsigned digit = byte(k + 2) - 0x90U;
        bad |= (byte(k) ^ 0xEFU) | (byte(k + 1) ^ 0xBCU) | static_cast<unsigned>(digit > 9U);
        s.digits[static_cast<std::size_t>(count++)] = static_cast<char>('0' + digit);
    }
    if (bad != 0) return false;
    s.count = count;
    s.plus = plus;
    return true;
}

// The common case in one pass over the input, without decoding it: a "tel:" URI without
// parameters or plain text; ASCII or full-width digits, one leading '+' (or full-width '+'),
// spaces, the grouping punctuation " -.()/" and '~', at most max_input_length code units.
// Anything else (letters, extensions, URI parameters, other scripts) returns false: the full
// scan. For these characters the full scan gives the same digits: none of them but '~' can
// start an extension or end a URI's number part, and a bare "tel:" number is read as the text
// after it. '~' is an extension label when only separators stand between it and the last run
// of digits ("555 1234 ~ 56"), so it is taken here only with two runs of digits after it
// ("8~10 84 912..."), where the last run cannot be its extension.
template <class Text>
constexpr bool scan_plain(Text text, scanned& s) noexcept {
    if (text.size() > max_input_length) return false;
    constexpr bool utf8 = sizeof(text[0]) == 1;
    std::size_t i = 0;
    if (text.size() >= 4 && (text[0] | 0x20) == 't' && (text[1] | 0x20) == 'e' && (text[2] | 0x20) == 'l' &&
        text[3] == ':')
        i = 4;
    if constexpr (utf8) {
        if (!std::is_constant_evaluated() && i < text.size() && static_cast<unsigned char>(text[i]) == 0xEF &&
            scan_full_width(text.data() + i, text.size() - i, s))
            return s.count >= 3;
    }
#if NUMREP_HAVE_PLAIN_TEXT_CLASSES
    if constexpr (utf8) {
        const std::size_t n = text.size() - i;
        if (!std::is_constant_evaluated() && n >= plain_text_classes_min && n <= plain_text_classes_max) {
            const char* p = text.data() + i;
            const plain_text_classes c = classify_plain_text(p, n);
            // Otherwise (full-width forms, anything unusual) the loop below decides.
            if (c.any() == (n == 32 ? ~0U : (1U << n) - 1)) {
                const std::uint32_t first_digit = c.digits & (0U - c.digits);
                if ((c.plus & (c.plus - 1)) != 0 || c.plus > first_digit) return false;  // one '+', before the digits
                if (c.tilde != 0) {
                    const std::uint32_t after = c.digits >> (31 - std::countl_zero(c.tilde));
                    const std::uint32_t run_starts = after & ~(after << 1);
                    if ((run_starts & (run_starts - 1)) == 0) return false;
                }
                const int count = gather_plain_text(p, n, c.digits, s.digits.data());
                s.count = count;
                s.plus = c.plus != 0;
                return count >= 3;
            }
        }
    }
#endif
    // Counters live in locals: stores through char pointers may alias any object, so a count
    // kept in `s` would be written back and reloaded for every digit.
    int count = 0;
    bool plus = false;
    int runs_after_tilde = 2;  // runs of digits since the last '~' (2: enough, or no '~')
    bool after_digit = false;
    for (; i < text.size(); ++i) {
        char32_t c;
        if constexpr (utf8) {
            c = static_cast<unsigned char>(text[i]);
            // Full-width digits and plus, U+FF10..U+FF19 and U+FF0B: EF BC 90..99 and EF BC 8B.
            if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBC) {
                const auto last = static_cast<unsigned char>(text[i + 2]);
                if ((last >= 0x90 && last <= 0x99) || last == 0x8B) {
                    c = last == 0x8B ? U'+' : U'0' + (last - 0x90);
                    i += 2;
                }
            }
        } else {
            c = static_cast<char32_t>(text[i]);
            if (c >= 0xFF10 && c <= 0xFF19) c = U'0' + (c - 0xFF10);
            else if (c == 0xFF0B)
                c = U'+';
        }
        const bool digit = c >= '0' && c <= '9';
        if (digit) {
            if (count == scan_digit_capacity) return false;
            s.digits[static_cast<std::size_t>(count++)] = static_cast<char>(c);
            if (!after_digit) ++runs_after_tilde;
        } else if (c == '+' && count == 0 && !plus) {
            plus = true;
        } else if (c == '~') {
            runs_after_tilde = 0;
        } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
            return false;
        }
        after_digit = digit;
    }
    s.count = count;
    s.plus = plus;
    return count >= 3 && runs_after_tilde >= 2;  // fewer digits: the full scan applies libphonenumber's viability rules
}

// The full scan: the text decoded to code points, then every rule (tel: URIs, extensions,
// letters, any script's digits and punctuation). Never inlined: it is large and rare, and callers
// that inline every step of a parse (python/src/convert.cpp) keep only the common path in line.
template <class Text>
[[gnu::noinline]] constexpr scanned scan_decoded(Text text) noexcept {
    scanned s{};
    code_points t;
    t.size = 0;
    if (!decode(text, t, s.error, s.position)) return s;
    const int context_at = find_phone_context(t);
    const bool context = context_at >= 0;
    // The scheme in any case, but in lower case only where libphonenumber reads the text as an
    // RFC 3966 number (with a phone-context): it finds "tel:" there as written.
    const bool tel = matches_at(t, 0, U"tel:", !context);
    // libphonenumber checks a phone-context value as written, to the next ';' or the text's end:
    // punctuation that decode dropped as trailing may be part of it, invalid ("...=+44,") or not
    // ("example.com.", "+44-"; "+44;" ends at the ';'). Trailing white space stays dropped, as
    // white space is elsewhere (docs/world-plan.md, white-space-numrep-reads).
    if (context) {
        const int value_begin = context_at + 15;
        int value_end = value_begin;
        while (value_end < t.untrimmed && t.c[static_cast<std::size_t>(value_end)] != ';') ++value_end;
        // Only at the text's end: before a ';' the white space is the value's ("+44 ;", invalid).
        if (value_end == t.untrimmed)
            while (value_end > t.size && is_space(t.c[static_cast<std::size_t>(value_end - 1)])) --value_end;
        bool global = false;
        if (value_end > t.size && !valid_phone_context(t, value_begin, value_end, global)) {
            // The first character dropped that is not white space, or the value's first when the
            // trim took the "=" before it too (a value of punctuation alone: "...;phone-context=+-").
            int bad = value_begin > t.size && value_begin < value_end ? value_begin : t.size;
            while (is_space(t.c[static_cast<std::size_t>(bad)])) ++bad;
            s.error = parse_errc::bad_character;
            s.position = t.at[static_cast<std::size_t>(bad)];
            return s;
        }
    }
    // libphonenumber reads a text with a phone-context as an RFC 3966 number, "tel:" or not;
    // without one, "tel:" is text before the number, whose other parameters are then read as in
    // any text (";12": an extension), and a subaddress is dropped from any text.
    const int number_begin = tel ? 4 : 0;
    // libphonenumber reads a phone-context text's number from after the first "tel:" in it; one
    // that does not start the text (";isub=tel:005;phone-context=+64-3-331", read as +64 3 331
    // 005) leaves text before the number, which numrep refuses, as in any text.
    // (Searched in the text as written: the trailing trim may have cut its ':'.)
    if (context && !tel)
        for (int p = 1; p + 4 <= t.untrimmed; ++p)
            if (matches_at(t, p, U"tel:", false, t.untrimmed)) {
                s.error = parse_errc::bad_character;
                s.position = t.at[static_cast<std::size_t>(p)];
                return s;
            }
    const int end = context ? t.size : subaddress_start(t);
    if (context) scan_tel_uri(t, number_begin, s);
    else
        scan_number_part(t, number_begin, end, s);
    // Fewer than three digits in the number: libphonenumber reads the text only if it is viable
    // as a whole, its extension included ("70~1": 70, extension 1; not "56,2" or "12 6#"); with
    // a phone-context, the number part, its ";ext=" included ("tel:12;ext=3;phone-context=
    // example.com" is no number: an extension follows only three digits or more).
    if (s.error == parse_errc::ok && s.count < 3) {
        const int read_begin = context ? number_begin : 0;
        const int read_end = context ? rfc3966_number_part_end(t, number_begin) : second_number_start(t, 0, end);
        if (!viable(t, read_begin, read_end, context)) s.error = parse_errc::too_short;
    }
    return s;
}

template <class Text>
constexpr scanned scan(Text text) noexcept {
    scanned s{};  // one object returned from every path: no copy of it on the common one
    if (!scan_plain(text, s)) s = scan_decoded(text);
    return s;
}

// Digits being read as a national number: a view of the scanned digits, or of a transformed
// copy. Views, not copies: parsing passes them through several steps.
struct digit_span {
    const char* p = nullptr;
    int n = 0;
    constexpr const char* data() const noexcept { return p; }
    constexpr char operator[](int i) const noexcept { return p[i]; }
    constexpr digit_span tail(int from) const noexcept { return {p + from, n - from}; }
};

// Room for a national number that a national-prefix transform rewrote.
struct digit_buffer {
    std::array<char, scan_digit_capacity + 8> d{};  // as scanned::digits: room for digits_value's reads
    int n = 0;
    constexpr void append(char c) noexcept {
        if (n < scan_digit_capacity) d[static_cast<std::size_t>(n++)] = c;
    }
    constexpr digit_span span() const noexcept { return {d.data(), n}; }
};

// libphonenumber's matchNationalNumber against a region's general pattern, by the automaton.
constexpr bool general_match_walk(const world::metadata_row& row, digit_span s) noexcept {
    if (!world::is_country(row.country_code)) return false;
    const auto& country = world::country(row.country_code);
    return world::matches_general(country, row.index_in_country, s.data(), s.n);
}
// The same answer. Most numbers that do not match fail on their first digit (a trunk prefix):
// told by one table read, inline, the walk's setup skipped (parse_keys over the Vietnamese
// benchmark corpus: 442 to 434 instructions a number, callgrind).
[[gnu::always_inline]] constexpr bool general_match(const world::metadata_row& row, digit_span s) noexcept {
    if (s.n > 0 && row.country_code < world::first_digits_by_code.size() &&
        ((unsigned{world::first_digits_by_code[row.country_code]} >> static_cast<unsigned>(s[0] - '0')) & 1U) == 0)
        return false;
    return general_match_walk(row, s);
}

// The national number a trunk prefix matched by `m` leaves: the digits after it, or the row's
// transform of its groups followed by them (written to `buffer`), when the last group took part.
constexpr digit_span after_national_prefix(const world::metadata_row& row, const world::path_match& m,
                                           digit_span number, digit_buffer& buffer) noexcept {
    const int last_group = row.npp_groups;
    if (row.npp_transform.empty() || last_group == 0 || m.group_end[static_cast<std::size_t>(last_group)] < 0)
        return number.tail(m.end);
    buffer.n = 0;
    for (std::size_t i = 0; i < row.npp_transform.size(); ++i) {
        const char c = row.npp_transform[i];
        if (c == '$' && i + 1 < row.npp_transform.size()) {
            const auto g = static_cast<std::size_t>(row.npp_transform[++i] - '0');
            if (g <= static_cast<std::size_t>(world::max_groups) && m.group_end[g] >= 0)
                for (int k = m.group_begin[g]; k < m.group_end[g]; ++k) buffer.append(number[k]);
        } else {
            buffer.append(c);
        }
    }
    for (int k = m.end; k < number.n; ++k) buffer.append(number[k]);
    return buffer.span();
}

// libphonenumber's maybeStripNationalPrefixAndCarrierCode: the national number with its trunk
// prefix (and carrier code) removed or transformed, or unchanged when the rules say so. A
// transformed number is written to `buffer`, which the result may then view.
constexpr digit_span strip_matched_national_prefix(const world::metadata_row& row, digit_span number,
                                                   digit_buffer& buffer) noexcept {
    digit_span out;
    if (row.npp_transform.empty() || row.npp_groups == 0) {
        // No transform: only where the prefix ends matters (most regions: a "0").
        const int end = world::prefix_end(row.npp_digits, row.npp_first, row.npp_count, number.data(), number.n);
        if (end < 0) return number;
        out = number.tail(end);
    } else {
        const world::path_match m = world::match_prefix(row.npp_first, row.npp_count, number.data(), number.n);
        if (m.end < 0) return number;
        out = after_national_prefix(row, m, number, buffer);
    }
    if (general_match(row, number) && !general_match(row, out)) return number;
    return out;
}

// Most numbers keep their digits (no trunk prefix, or one that cannot start them): that test
// stays inline, the matching is called only when a prefix may be there.
constexpr digit_span strip_national_prefix(const world::metadata_row& row, digit_span number,
                                           digit_buffer& buffer) noexcept {
    if (number.n == 0 || row.npp_count == 0 || !world::may_start(row.npp_first, number[0])) return number;
    return strip_matched_national_prefix(row, number, buffer);
}

// The country code at the start of `s` (1 to 3 digits, never starting with 0), or 0.
constexpr unsigned extract_country_code(digit_span s, int& length) noexcept {
    if (s.n == 0 || s[0] == '0') return 0;
    unsigned cc = 0;
    for (int len = 1; len <= 3 && len <= s.n; ++len) {
        cc = cc * 10 + static_cast<unsigned>(s[len - 1] - '0');
        if (world::is_country(cc)) {
            length = len;
            return cc;
        }
    }
    return 0;
}

// Eight ASCII digits (the first in the lowest byte) as their value, in three multiplications
// instead of a chain of eight: pairs, then quadruples, then the whole.
constexpr std::uint64_t eight_digits_value(std::uint64_t chunk) noexcept {
    chunk -= 0x3030303030303030ULL;
    chunk = (chunk * 10 + (chunk >> 8)) & 0x00FF00FF00FF00FFULL;
    chunk = (chunk * 100 + (chunk >> 16)) & 0x0000FFFF0000FFFFULL;
    return (chunk * 10000 + (chunk >> 32)) & 0xFFFFFFFFULL;
}

// The value of `length` ASCII digits (at most 19). From 8 to 16 digits, 16 bytes from `digits`
// may be read: the caller's buffer must have them (scanned::digits and digit_buffer do).
constexpr std::uint64_t digits_value(const char* digits, int length) noexcept {
    std::uint64_t value = 0;
    int i = 0;
#if NUMREP_HAVE_BYTE_SHUFFLE
    if (!std::is_constant_evaluated() && length >= 8 && length <= 16 && plain_classes_impl::cpu_has_ssse3())
        return plain_classes_impl::digits_value_by_shuffle(digits, length);
#endif
    if (!std::is_constant_evaluated() && std::endian::native == std::endian::little && length >= 8 && length <= 16) {
        // Most national numbers: the last eight digits in one read, the first length - 8 in
        // another moved to the top of its word behind '0's. No loop whose end varies by number.
        std::uint64_t head, tail;
        std::memcpy(&head, digits, sizeof head);
        std::memcpy(&tail, digits + length - 8, sizeof tail);
        const unsigned drop = 4U * static_cast<unsigned>(16 - length);  // half the bits to shift out
        head = ((head << drop) << drop) | ((0x3030303030303030ULL >> (32 - drop)) >> (32 - drop));
        return eight_digits_value(head) * 100'000'000 + eight_digits_value(tail);
    }
    if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
        for (; i + 8 <= length; i += 8) {
            std::uint64_t chunk;
            std::memcpy(&chunk, digits + i, sizeof chunk);
            value = value * 100'000'000 + eight_digits_value(chunk);
        }
    }
    for (; i < length; ++i) value = value * 10 + static_cast<unsigned>(digits[i] - '0');
    return value;
}

// What a parse builds, a template argument of the steps below: the whole result (the number
// with its extension, or the error and where), or only the key, 0 for any error. Batches read
// only keys, and building the rest was 8% of a parse's instructions (callgrind, parse_keys over
// the Vietnamese benchmark corpus: 489 to 451 a number).
struct full_result {
    using type = parse_result;
    static constexpr type error(parse_errc e, std::size_t position = 0) noexcept { return parse_result(e, position); }
    static constexpr type number(std::uint64_t key, int cc_length, int national_length, bool legacy,
                                 const scanned& s) noexcept {
        return parse_result(phone_number::from_parts(key, cc_length, national_length, legacy,
                                                     std::string_view(s.extension.data(),
                                                                      static_cast<std::size_t>(s.extension_length))));
    }
};
struct key_only {
    using type = std::uint64_t;
    static constexpr type error(parse_errc, std::size_t = 0) noexcept { return 0; }
    static constexpr type number(std::uint64_t key, int, int, bool, const scanned&) noexcept { return key; }
};

template <class Out>
constexpr typename Out::type make_number(unsigned cc, digit_span national, const scanned& s) noexcept {
    const char* nsn = national.data();
    int nsn_length = national.n;
    if (nsn_length > max_parsed_national_length) return Out::error(parse_errc::too_long);
    // Vietnam (numrep's overlay): national numbers never start with 0, so zeros left there are
    // trunk-prefix noise ("+84 00912..."), and 11-digit numbers from before 2018 are converted.
    if (cc == vietnam::country_code) {
        while (nsn_length > 1 && nsn[0] == '0') {
            ++nsn;
            --nsn_length;
        }
    }
    if (nsn_length < min_national_length) return Out::error(parse_errc::too_short);
    const int cc_length = cc >= 100 ? 3 : cc >= 10 ? 2 : 1;
    if (cc_length + nsn_length > max_key_digits) return Out::error(parse_errc::too_long);
    std::uint64_t value = digits_value(nsn, nsn_length);
    bool legacy = false;
    if (cc == vietnam::country_code) {
        const auto converted = vietnam::convert_legacy(value, nsn_length);
        value = converted.national_number;
        nsn_length = converted.national_length;
        legacy = converted.converted;
    }
    const std::uint64_t key = cc * pow10[static_cast<std::size_t>(nsn_length)] + value;
    return Out::number(key, cc_length, nsn_length, legacy, s);
}

// After the country code is known: the national prefix and carrier code come off when what
// remains has a possible length (libphonenumber's rule), then the key is built.
template <class Out>
constexpr typename Out::type finish(unsigned cc, const world::metadata_row& row, digit_span national,
                                    const scanned& s) noexcept {
    if (national.n < min_national_length) return Out::error(parse_errc::too_short);
    digit_buffer buffer;
    const digit_span stripped = strip_national_prefix(row, national, buffer);
    const auto check = world::test_length(row, stripped.n);
    if (check != world::length_check::too_short && check != world::length_check::possible_local_only &&
        check != world::length_check::invalid_length)
        national = stripped;
    return make_number<Out>(cc, national, s);
}

// Once a country code is read, libphonenumber reads the rest by its main region's rules.
constexpr const world::metadata_row& main_row(unsigned cc) noexcept {
    return world::metadata[world::main_row_by_code[cc]];
}

template <class Out>
constexpr typename Out::type parse_international(digit_span rest, const scanned& s) noexcept {
    if (rest.n <= min_national_length) return Out::error(parse_errc::too_short);
    int cc_length = 0;
    const unsigned cc = extract_country_code(rest, cc_length);
    if (cc == 0) return Out::error(parse_errc::unknown_country_code);
    return finish<Out>(cc, main_row(cc), rest.tail(cc_length), s);
}

template <class Out>
constexpr typename Out::type parse_scanned(const scanned& s, const region& home) noexcept {
    if (s.error != parse_errc::ok) return Out::error(s.error, s.position);
    const digit_span all{s.digits.data(), s.count};
    if (s.plus) {
        // "+011 84 ..." and the like: libphonenumber drops the '+' and reads the rest again. The
        // test comes first so that the usual result is returned in place: a parse_result copied
        // out of a local was read back, just after its fields were stored one by one, in wider
        // moves that wait for those stores (store forwarding fails), a tenth of a parse.
        int cc_length = 0;
        const bool unknown_code = all.n > min_national_length && extract_country_code(all, cc_length) == 0;
        if (!unknown_code || !home.reads_national_forms()) return parse_international<Out>(all, s);
    }
    if (!home.reads_national_forms()) return Out::error(parse_errc::missing_country_code);
    const auto& row = home.metadata();
    // Dialled with this region's international prefix, unless a 0 follows (no code starts so).
    if (row.idd_count != 0) {
        const int end = world::prefix_end(row.idd_digits, row.idd_first, row.idd_count, all.data(), all.n);
        if (end >= 0 && !(end < all.n && all[end] == '0')) return parse_international<Out>(all.tail(end), s);
    }
    // The country code written without '+' ("84912345678"): taken when the number is not a
    // national number of the region but the rest is, or when it is too long to be one.
    const unsigned cc = row.country_code;
    const int cc_length = cc >= 100 ? 3 : cc >= 10 ? 2 : 1;
    unsigned leading = 0;  // the first cc_length digits as a number (no divisions: they are slow)
    for (int i = 0; i < cc_length && i < all.n; ++i) leading = leading * 10 + static_cast<unsigned>(all[i] - '0');
    if (all.n > cc_length && leading == cc) {
        digit_buffer buffer;
        const digit_span potential = strip_national_prefix(row, all.tail(cc_length), buffer);
        // The length test first: it is a few bit operations, and it decides the common case
        // ("84912345678" is too long for a Vietnamese national number) without the two walks
        // of the general pattern, each about as long as the rest of the parse.
        if (world::test_length(row, all.n) == world::length_check::too_long ||
            (!general_match(row, all) && general_match(row, potential)))
            return finish<Out>(cc, main_row(cc), potential, s);
    }
    if (s.plus) return Out::error(parse_errc::unknown_country_code);
    return finish<Out>(cc, row, all, s);
}

// The key try_parse(text, home) gives, or 0 where it gives an error, without building the rest.
// Text: std::string_view (UTF-8) or std::u32string_view.
template <class Text>
constexpr std::uint64_t parse_key(Text text, const region& home) noexcept {
    return parse_scanned<key_only>(scan(text), home);
}

}  // namespace detail

inline std::string phone_number::national() const {
    if (key_ == 0) return {};
    const unsigned cc = country_code();
    if (cc == detail::vietnam::country_code) return detail::vietnam::format_national(national_digits());
    const auto home = region::for_country_code(cc);
    if (!home) return e164();
    const std::string digits = national_digits();
    const auto reads_back = [&](const std::string& text) {
        const parse_result r = detail::parse_scanned<detail::full_result>(detail::scan(std::string_view(text)), *home);
        return r.ok() && r->key() == key_;
    };
    if (std::string with_prefix = std::string(home->national_prefix()) + digits; reads_back(with_prefix))
        return with_prefix;
    if (reads_back(digits)) return digits;
    return e164();
}

constexpr parse_result try_parse(std::string_view text, const region& home = default_region) noexcept {
    return detail::parse_scanned<detail::full_result>(detail::scan(text), home);
}

constexpr parse_result try_parse(std::u32string_view text, const region& home = default_region) noexcept {
    return detail::parse_scanned<detail::full_result>(detail::scan(text), home);
}

// Region given by ISO code ("VN", "US"); an unknown code is an error, not a fallback.
constexpr parse_result try_parse(std::string_view text, std::string_view region_code) noexcept {
    const auto home = region::find(region_code);
    if (!home) return parse_result(parse_errc::unknown_region);
    return try_parse(text, *home);
}

// What an error's offset counts: code units of the text as given (bytes of UTF-8, as
// parse_result::position does), or code points (the index into a Python str that was encoded).
enum class offset_unit : std::uint8_t { code_units, code_points };

// Where the bad character of r (parse_errc::bad_character) is in `text`, counted in `unit`;
// 0 for other errors.
inline std::size_t parse_error_offset(std::string_view text, const parse_result& r,
                                      offset_unit unit = offset_unit::code_units) noexcept {
    if (r.error() != parse_errc::bad_character) return 0;
    const std::size_t offset = std::min(r.position(), text.size());
    if (unit == offset_unit::code_units) return offset;
    // Every byte but UTF-8's continuation bytes starts a code point.
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset),
                      [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The message parse_error carries: `numrep: cannot parse "0912x": bad character "x" at offset 4`.
inline std::string parse_error_message(std::string_view text, const parse_result& r, std::string_view region_code = {},
                                       offset_unit unit = offset_unit::code_units) {
    // Built with append: GCC 12 warns falsely (-Wrestrict) on chains of operator+ here.
    std::string message = "cannot parse ";
    message.append(detail::quote(text)).append(": ").append(describe(r.error()));
    if (r.error() == parse_errc::bad_character && r.position() < text.size()) {
        const auto d = detail::decode_at(text, r.position());
        if (d.code_point == detail::invalid_code_point) {
            message.append(" (invalid UTF-8)");
        } else {
            message.append(" ").append(detail::quote(text.substr(r.position(), d.length)));
            // Named too: a character may look like another, or like nothing.
            if (d.code_point >= 0x80) message.append(" (").append(detail::code_point_name(d.code_point)).append(")");
        }
        message.append(" at offset ").append(std::to_string(parse_error_offset(text, r, unit)));
    } else if (r.error() == parse_errc::unknown_region) {
        message.append(" ").append(detail::quote(region_code));
    }
    return message;
}

inline phone_number parse(std::string_view text, const region& home = default_region) {
    const parse_result r = try_parse(text, home);
    if (!r) detail::throw_parse_error(parse_error_message(text, r));
    return r.value();
}

inline phone_number parse(std::string_view text, std::string_view region_code) {
    const auto home = region::find(region_code);
    if (!home)
        detail::throw_parse_error(parse_error_message(text, parse_result(parse_errc::unknown_region), region_code));
    return parse(text, *home);
}

}  // namespace numrep
