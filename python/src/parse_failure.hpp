// ParseError's attributes (python/numrep/_errors.py): the value that did not parse, why (as an
// identifier), where its bad character is and its index in a batch. Thrown from the bindings as
// parse_failure, a numrep::parse_error carrying them besides its message; register_errors.cpp
// sets them on the Python exception.
#pragma once

#include <numrep/error.hpp>
#include <numrep/parse.hpp>
#include <numrep/parse_integer.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace numrep::python {

// A value as Python gave it, kept as bytes (no Python object: the exception may be made and
// dropped without the GIL).
struct failed_value {
    enum class kind : std::uint8_t { none, text, bytes, integer };
    kind type = kind::none;
    std::string data;  // a str's UTF-8, the bytes, or an int's decimal digits

    static failed_value of_text(std::string_view text, offset_unit unit) {
        return {unit == offset_unit::code_points ? kind::text : kind::bytes, std::string(text)};
    }
    static failed_value of_integer(std::string digits) { return {kind::integer, std::move(digits)}; }
};

class parse_failure : public parse_error {
public:
    parse_failure(const std::string& message, std::string_view reason, failed_value value = {},
                  std::optional<std::size_t> position = {}, std::optional<std::size_t> item = {})
        : parse_error(message), reason_(reason), value_(std::move(value)), position_(position), item_(item) {}

    const std::string& reason() const noexcept { return reason_; }
    const failed_value& value() const noexcept { return value_; }
    std::optional<std::size_t> position() const noexcept { return position_; }
    std::optional<std::size_t> item() const noexcept { return item_; }

private:
    std::string reason_;
    failed_value value_;
    std::optional<std::size_t> position_;
    std::optional<std::size_t> item_;
};

// parse_errc as ParseError.reason: its C++ name.
constexpr std::string_view reason_of(parse_errc e) noexcept {
    switch (e) {
        case parse_errc::ok: return "ok";
        case parse_errc::empty: return "empty";
        case parse_errc::bad_character: return "bad_character";
        case parse_errc::too_short: return "too_short";
        case parse_errc::too_long: return "too_long";
        case parse_errc::unknown_country_code: return "unknown_country_code";
        case parse_errc::missing_country_code: return "missing_country_code";
        case parse_errc::unknown_region: return "unknown_region";
    }
    return "unknown";
}

// An int that read_integer found no single valid reading of, as ParseError.reason.
constexpr std::string_view reason_of(const integer_reading& r) noexcept {
    return r.ambiguous ? "ambiguous_integer" : "invalid_integer";
}

// Why an int (its digits as given) is no number at all: 0, negative or more than 15 digits.
// Without a region an int is an E.164 key; with one, a written number that lost its leading
// zeros, which "is not an E.164 key" misdescribed.
inline std::string out_of_range_integer_message(const std::string& digits, bool with_region) {
    if (!with_region) return digits + " is not an E.164 key";
    return "integer " + digits +
           " is no number: with a region, an integer is a number that has lost its leading zeros, of 1 to 15 digits";
}

// "numrep: " and, in a batch, "item N: ".
inline std::string failure_prefix(std::optional<std::size_t> item) {
    return item ? "numrep: item " + std::to_string(*item) + ": " : std::string("numrep: ");
}

// The ParseError for `text`, which try_parse refused with r: the message parse_error_message
// writes (offsets in `unit`, as ParseError.position gives them), and the offset where the
// message gives one.
[[noreturn]] inline void throw_parse_failure(std::string_view text, const parse_result& r, offset_unit unit,
                                             std::optional<std::size_t> item = {}) {
    std::optional<std::size_t> position;
    if (r.error() == parse_errc::bad_character && r.position() < text.size())
        position = parse_error_offset(text, r, unit);
    throw parse_failure(failure_prefix(item) + parse_error_message(text, r, {}, unit), reason_of(r.error()),
                        failed_value::of_text(text, unit), position, item);
}

// A batch value that was missing (None, NaN, a null) where errors="raise" wants a number.
[[noreturn]] inline void throw_missing_value(std::size_t item) {
    throw parse_failure(failure_prefix(item) + "missing value", "missing_value", {}, {}, item);
}

}  // namespace numrep::python
