// numrep::phone_number: one number as its E.164 integer key, the country code / national split, a
// flag for numbers converted from a legacy form, and the extension ("x123", not part of the key).
// 24 bytes, trivially copyable; formatting allocates only the returned string.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "detail/key.hpp"
#include "detail/vietnam_rules.hpp"
#include "region.hpp"

namespace numrep {

class phone_number {
public:
    constexpr phone_number() noexcept = default;

    // A number from its key (e.g. 84912345678). nullopt unless the key starts with an assigned
    // country code, has at most 15 digits and a national part of at least one digit.
    static constexpr std::optional<phone_number> from_key(std::uint64_t key, bool is_legacy = false) noexcept {
        if (key == 0 || key > detail::max_key) return std::nullopt;
        const int digits = detail::decimal_digits(key);
        const int cc_length = detail::country_code_length(key, digits);
        if (cc_length == 0) return std::nullopt;
        return phone_number(key, cc_length, digits - cc_length, is_legacy);
    }

    // Longest extension kept (libphonenumber reads up to 20 digits after an explicit label).
    static constexpr int max_extension_length = 19;

    // Used by the parser, which already knows the split. `extension`: ASCII digits, at most
    // max_extension_length of them (the parser refuses longer ones; any more are ignored here).
    static constexpr phone_number from_parts(std::uint64_t key, int cc_length, int national_length, bool is_legacy,
                                             std::string_view extension = {}) noexcept {
        phone_number n(key, cc_length, national_length, is_legacy);
        for (std::size_t i = 0; i < extension.size() && i < static_cast<std::size_t>(max_extension_length); ++i) {
            n.extension_ = n.extension_ * 10 + static_cast<unsigned>(extension[i] - '0');
            ++n.extension_length_;
        }
        return n;
    }

    constexpr std::uint64_t key() const noexcept { return key_; }
    constexpr bool empty() const noexcept { return key_ == 0; }
    constexpr std::uint16_t country_code() const noexcept {
        return static_cast<std::uint16_t>(key_ / detail::pow10[national_length_]);
    }
    // The national significant number as an integer (leading zeros, as in Italy, are lost: use
    // national_length() or the formatters when they matter).
    constexpr std::uint64_t national_number() const noexcept { return key_ % detail::pow10[national_length_]; }
    constexpr int national_length() const noexcept { return national_length_; }
    constexpr int country_code_length() const noexcept { return cc_length_; }
    // True when the text was a pre-2018 Vietnamese 11-digit mobile number (or an old VSAT
    // 0992 number) and was converted to today's form.
    constexpr bool is_legacy() const noexcept { return legacy_; }

    // The extension's digits ("" when none was written): "123" for "... ext. 123".
    std::string extension() const {
        if (extension_length_ == 0) return {};
        std::string digits = std::to_string(extension_);
        digits.insert(0, static_cast<std::size_t>(extension_length_) - digits.size(), '0');
        return digits;
    }
    constexpr bool has_extension() const noexcept { return extension_length_ != 0; }

    // "+84912345678"; "" for the empty number (key 0, what a failed parse_result holds).
    std::string e164() const {
        if (key_ == 0) return {};
        std::string out(1, '+');
        out += std::to_string(key_);
        return out;
    }

    // The national significant number as digits, leading zeros kept ("" for the empty number).
    std::string national_digits() const {
        if (key_ == 0) return {};
        std::string digits = std::to_string(national_number());
        digits.insert(0, static_cast<std::size_t>(national_length_) - digits.size(), '0');
        return digits;
    }

    // How the number is written at home: "0912 345 678" for Vietnam (grouped the way
    // Vietnamese operators print numbers); elsewhere the trunk prefix and the digits when that
    // reads back as this number in its home region (libphonenumber's rules decide), else the
    // digits alone, else the E.164 form.
    std::string national() const;

    friend constexpr bool operator==(const phone_number& a, const phone_number& b) noexcept { return a.key_ == b.key_; }
    friend constexpr std::strong_ordering operator<=>(const phone_number& a, const phone_number& b) noexcept {
        return a.key_ <=> b.key_;
    }

private:
    constexpr phone_number(std::uint64_t key, int cc_length, int national_length, bool legacy) noexcept
        : key_(key),
          cc_length_(static_cast<std::uint8_t>(cc_length)),
          national_length_(static_cast<std::uint8_t>(national_length)),
          legacy_(legacy) {}

    std::uint64_t key_ = 0;
    std::uint64_t extension_ = 0;
    std::uint8_t extension_length_ = 0;
    std::uint8_t cc_length_ = 0;
    std::uint8_t national_length_ = 0;
    bool legacy_ = false;
};

}  // namespace numrep

// national() checks its output by parsing it back: its definition lives with the parser.
#include "parse.hpp"  // IWYU pragma: export
