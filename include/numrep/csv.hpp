// numrep::csv_reader: an RFC 4180 reader over bytes in memory, one pass, allocation-free after
// warm-up, lenient so that no byte is lost (only an unclosed quote is an error). Rules:
// docs/architecture.md ("CSV").
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detail/throw.hpp"

namespace numrep {

// Pass as the delimiter to detect it from the first line.
inline constexpr char auto_delimiter = '\0';

// The delimiter among , ; TAB | that occurs most often outside quotes in the first record of
// `text` (ties go to the earlier one in that list); ',' when none occurs. Empty lines before it
// are skipped, as the readers skip them before the header ("no column number" named the
// header "number;time;category" when a blank line came first).
constexpr char detect_delimiter(std::string_view text) noexcept {
    constexpr char candidates[] = {',', ';', '\t', '|'};
    std::size_t counts[4] = {};
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    while (!text.empty() && (text.front() == '\n' || text.front() == '\r')) text.remove_prefix(1);
    // As the reader reads quotes: one opens a quoted field only where a field starts (the line's
    // start, or after a delimiter, whichever candidate it is); elsewhere it is an ordinary
    // character. A stray quote in a header name ("note\"") opened one here, the line break after
    // it was skipped, and the next row's quoted commas outvoted the header's ';'.
    bool quoted = false;
    for (std::size_t at = 0; at < text.size(); ++at) {
        const char c = text[at];
        if (quoted) {
            if (c == '"') {
                if (at + 1 < text.size() && text[at + 1] == '"') ++at;  // "" inside quotes: a quote
                else
                    quoted = false;
            }
            continue;
        }
        if (c == '\n' || c == '\r') break;
        const bool field_start = at == 0 ||
                                 std::string_view(candidates, 4).find(text[at - 1]) != std::string_view::npos;
        if (c == '"' && field_start) {
            quoted = true;
            continue;
        }
        for (std::size_t i = 0; i < 4; ++i) counts[i] += (c == candidates[i]) ? 1U : 0U;
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i < 4; ++i)
        if (counts[i] > counts[best]) best = i;
    return counts[best] == 0 ? ',' : candidates[best];
}

enum class csv_status : std::uint8_t {
    record,              // a record was read: see fields(), line(), raw()
    end,                 // no more input
    unterminated_quote,  // a quoted field runs to the end of the input: see error_message()
};

class csv_reader {
public:
    // Reads `text`, which must outlive the reader (fields are views into it). A leading UTF-8
    // BOM is skipped. Throws std::invalid_argument for a delimiter that cannot work ('"', CR, LF).
    explicit csv_reader(std::string_view text, char delimiter = ',') : text_(text) {
        if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
        if (delimiter == auto_delimiter) delimiter = detect_delimiter(text_.substr(pos_));
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
            detail::throw_invalid_argument("CSV delimiter cannot be a quote or a line break (got byte " +
                                           std::to_string(static_cast<unsigned char>(delimiter)) + ")");
        delimiter_ = delimiter;
    }

    // Reads the next record. An empty line is a record of one empty field (see is_blank()).
    csv_status next() {
        fields_.clear();
        pending_.clear();
        scratch_.clear();
        if (pos_ >= text_.size()) return csv_status::end;
        record_begin_ = pos_;
        record_line_ = line_;
        const char* const data = text_.data();
        const std::size_t size = text_.size();
        std::size_t p = pos_;
        for (;;) {
            // One field starts at p.
            if (p < size && data[p] == '"') {
                if (!read_quoted(p)) return csv_status::unterminated_quote;
            } else {
                const std::size_t start = p;
                const char d = delimiter_;
                while (p < size) {
                    const char c = data[p];
                    if (c == d || c == '\n' || c == '\r') break;
                    ++p;
                }
                fields_.emplace_back(data + start, p - start);
            }
            if (p < size && data[p] == delimiter_) {
                ++p;
                continue;
            }
            break;  // end of line or of input
        }
        record_end_ = p;
        if (p < size) {  // a line ending: LF, CRLF or CR
            if (data[p] == '\r' && p + 1 < size && data[p + 1] == '\n') ++p;
            ++p;
            ++line_;
        }
        pos_ = p;
        for (const auto& f : pending_) fields_[f.index] = std::string_view(scratch_.data() + f.offset, f.length);
        return csv_status::record;
    }

    // The current record's fields; views valid until the next call to next().
    std::span<const std::string_view> fields() const noexcept { return fields_; }
    std::size_t size() const noexcept { return fields_.size(); }
    std::string_view operator[](std::size_t i) const noexcept { return fields_[i]; }
    // An empty line (no bytes at all between line endings).
    bool is_blank() const noexcept { return record_end_ == record_begin_; }

    // Physical line (1-based) where the current record starts, and where it ends (later than
    // line() when a quoted field holds line breaks).
    std::size_t line() const noexcept { return record_line_; }
    std::size_t last_line() const noexcept { return line_ - (record_end_ < pos_ ? 1 : 0); }
    // The current record's bytes as written, without its line ending (after an unterminated
    // quote: everything from the record's start to the end of the input).
    std::string_view raw() const noexcept { return text_.substr(record_begin_, record_end_ - record_begin_); }

    // Bytes consumed so far and in all, for progress reports.
    std::size_t offset() const noexcept { return pos_; }
    std::size_t total() const noexcept { return text_.size(); }
    char delimiter() const noexcept { return delimiter_; }

    // After csv_status::unterminated_quote: the line where the unclosed quote opened, and a message.
    std::size_t error_line() const noexcept { return quote_line_; }
    std::string error_message() const {
        return "unterminated quoted field (the quote opened on line " + std::to_string(quote_line_) +
               " is never closed)";
    }

private:
    struct pending_field {
        std::size_t index;
        std::size_t offset;  // into scratch_, which may move while the record is read
        std::size_t length;
    };

    // Reads the quoted field whose opening quote is at p; leaves p after the field. Returns
    // false, consuming the rest of the input, when the closing quote is missing.
    bool read_quoted(std::size_t& p) {
        const char* const data = text_.data();
        const std::size_t size = text_.size();
        quote_line_ = line_;
        const std::size_t start = ++p;  // after the opening quote
        bool escaped = false;           // the field holds "" escapes: its value must be copied
        for (;;) {
            if (p >= size) {
                record_end_ = pos_ = size;
                return false;
            }
            const char c = data[p];
            if (c == '"') {
                if (p + 1 < size && data[p + 1] == '"') {
                    escaped = true;
                    p += 2;
                    continue;
                }
                break;
            }
            if (c == '\n') {
                ++line_;
            } else if (c == '\r') {
                if (!(p + 1 < size && data[p + 1] == '\n')) ++line_;  // CRLF counts once, at its LF
            }
            ++p;
        }
        const std::size_t close = p++;  // p: after the closing quote
        std::size_t tail = p;           // characters after the closing quote, kept as written
        while (tail < size && data[tail] != delimiter_ && data[tail] != '\n' && data[tail] != '\r') ++tail;
        if (!escaped && tail == p) {
            fields_.emplace_back(data + start, close - start);
            return true;
        }
        const std::size_t offset = scratch_.size();
        for (std::size_t i = start; i < close; ++i) {
            scratch_.push_back(data[i]);
            if (data[i] == '"') ++i;  // the second quote of ""
        }
        scratch_.append(data + p, tail - p);
        pending_.push_back({fields_.size(), offset, scratch_.size() - offset});
        fields_.emplace_back();
        p = tail;
        return true;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;  // physical line at pos_
    char delimiter_ = ',';
    std::size_t record_begin_ = 0;
    std::size_t record_end_ = 0;
    std::size_t record_line_ = 1;
    std::size_t quote_line_ = 0;
    std::vector<std::string_view> fields_;
    std::vector<pending_field> pending_;
    std::string scratch_;
};

}  // namespace numrep
