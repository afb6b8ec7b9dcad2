// Arrow columns read through the C data interface (see arrow_column.hpp).
#include "arrow_column.hpp"
#include "parallel.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>
#include <utility>

namespace numrep::python {

namespace {

using arrow_abi::array;
using arrow_abi::array_stream;
using arrow_abi::schema;

// The struct a capsule points to, moved out of it: the capsule's destructor then finds no
// release callback and leaves the data to us (the PyCapsule interface's rule for consumers).
template <class T>
T move_out_of(const py::handle& capsule, const char* name) {
    auto* inside = static_cast<T*>(PyCapsule_GetPointer(capsule.ptr(), name));
    if (inside == nullptr) throw py::error_already_set();
    if (inside->release == nullptr)
        throw py::value_error(std::string("numrep: the Arrow capsule \"") + name + "\" was already consumed");
    T out = *inside;
    inside->release = nullptr;
    return out;
}

void release(schema& s) noexcept {
    if (s.release != nullptr) s.release(&s);
}
void release(array& a) noexcept {
    if (a.release != nullptr) a.release(&a);
}

bool is_text_format(std::string_view f) {
    return f == "u" || f == "U" || f == "z" || f == "Z" || f == "vu" || f == "vz";
}

// Bytes of one value of an integer format ("c" int8 ... "L" uint64), 0 for other formats.
std::size_t integer_width(std::string_view f) {
    if (f.size() != 1) return 0;
    switch (f[0]) {
        case 'c':
        case 'C': return 1;
        case 's':
        case 'S': return 2;
        case 'i':
        case 'I': return 4;
        case 'l':
        case 'L': return 8;
        default: return 0;
    }
}
bool is_signed_format(std::string_view f) { return f == "c" || f == "s" || f == "i" || f == "l"; }

// Buffers a chunk of each layout must have: validity + data for integers, validity + offsets +
// data for strings, validity + views + (data buffers) + their sizes for views, none for null.
std::int64_t fixed_buffer_count(std::string_view f) {
    if (f == "n") return 0;
    if (f == "u" || f == "U" || f == "z" || f == "Z") return 3;
    return 2;  // integers; views have at least 2 (+ data buffers + 1)
}

bool is_valid(const array& a, std::size_t j) noexcept {
    const auto* bits = static_cast<const std::uint8_t*>(a.buffers[0]);
    if (bits == nullptr) return true;
    const std::size_t at = static_cast<std::size_t>(a.offset) + j;
    return (bits[at >> 3] >> (at & 7)) & 1u;
}

std::int64_t integer_at(const array& a, std::string_view f, std::size_t j) noexcept {
    const std::size_t at = static_cast<std::size_t>(a.offset) + j;
    const void* data = a.buffers[1];
    switch (f[0]) {
        case 'c': return static_cast<const std::int8_t*>(data)[at];
        case 'C': return static_cast<const std::uint8_t*>(data)[at];
        case 's': return static_cast<const std::int16_t*>(data)[at];
        case 'S': return static_cast<const std::uint16_t*>(data)[at];
        case 'i': return static_cast<const std::int32_t*>(data)[at];
        case 'I': return static_cast<const std::uint32_t*>(data)[at];
        case 'l': return static_cast<const std::int64_t*>(data)[at];
        default: return static_cast<std::int64_t>(static_cast<const std::uint64_t*>(data)[at]);  // 'L'
    }
}

// A text value whose offsets or view a broken producer wrote wrongly (not a number: the column
// is refused). Thrown where the value is read, which knows only its place in its chunk; the
// column's readers name the call and the row (malformed_error).
struct malformed_value {
    std::size_t index;   // in its chunk (or dictionary)
    const char* reason;  // "its string offsets run backwards"
};

// How a text column's chunks hold their values: decided once from the format, not per value.
enum class text_layout { offsets32, offsets64, views };

constexpr const char* backwards_offsets = "its string offsets run backwards";
text_layout layout_of(std::string_view f) noexcept {
    if (f[0] == 'v') return text_layout::views;
    return (f == "u" || f == "z") ? text_layout::offsets32 : text_layout::offsets64;
}

// Value j of a chunk of the 16-byte view layout (polars' strings): a value of at most 12 bytes
// lies in its view, a longer one in data buffer `buffer` at `offset`, which must lie inside it.
// malformed_value otherwise.
inline std::string_view string_view_value(const array& a, std::size_t j) {
    const auto* view = static_cast<const std::uint8_t*>(a.buffers[1]) + 16 * (static_cast<std::size_t>(a.offset) + j);
    std::int32_t length = 0;
    std::memcpy(&length, view, 4);
    if (length < 0) throw malformed_value{j, "its string view has a negative length"};
    if (length <= 12) return {reinterpret_cast<const char*>(view + 4), static_cast<std::size_t>(length)};
    std::int32_t buffer = 0, offset = 0;
    std::memcpy(&buffer, view + 8, 4);
    std::memcpy(&offset, view + 12, 4);
    const std::int64_t data_buffers = a.n_buffers - 3;
    if (buffer < 0 || buffer >= data_buffers || offset < 0)
        throw malformed_value{j, "its string view points outside its data buffers"};
    const auto* sizes = static_cast<const std::int64_t*>(a.buffers[a.n_buffers - 1]);
    if (sizes != nullptr && static_cast<std::int64_t>(offset) + length > sizes[buffer])
        throw malformed_value{j, "its string view runs past the end of its data buffer"};
    const auto* data = static_cast<const char*>(a.buffers[2 + buffer]);
    return {data + offset, static_cast<std::size_t>(length)};
}

// The bytes of text value j of a chunk (valid values only); malformed_value for offsets that
// run backwards or views that point outside their buffers.
std::string_view text_at_chunk(const array& a, text_layout layout, std::size_t j) {
    if (layout == text_layout::views) return string_view_value(a, j);
    const std::size_t at = static_cast<std::size_t>(a.offset) + j;
    std::int64_t begin = 0, end = 0;
    if (layout == text_layout::offsets32) {
        const auto* offsets = static_cast<const std::int32_t*>(a.buffers[1]);
        begin = offsets[at];
        end = offsets[at + 1];
    } else {
        const auto* offsets = static_cast<const std::int64_t*>(a.buffers[1]);
        begin = offsets[at];
        end = offsets[at + 1];
    }
    if (begin < 0 || end < begin) throw malformed_value{j, backwards_offsets};
    if (end == begin) return std::string_view("");  // not a null view: keys_of_texts gives those for nulls
    return {static_cast<const char*>(a.buffers[2]) + begin, static_cast<std::size_t>(end - begin)};
}

// Views of values first .. first + n of a chunk of 32- or 64-bit offsets (null values as views
// whose data() is nullptr), as text_at_chunk gives them one by one: the offsets are checked for
// the whole block at once, and the validity bitmap read only when there is one.
template <class Offset>
void gather_offsets(const array& a, std::size_t first, std::size_t n, std::string_view* views) {
    const Offset* offsets = static_cast<const Offset*>(a.buffers[1]) + a.offset + first;
    const char* data = static_cast<const char*>(a.buffers[2]);
    bool backwards = false;
    for (std::size_t k = 0; k < n; ++k) {
        const Offset begin = offsets[k], end = offsets[k + 1];
        const bool bad = begin < 0 || end < begin;
        backwards |= bad;
        // An empty value is "" (a view that is not null), whatever the data buffer.
        views[k] = bad || end == begin ? std::string_view("")
                                       : std::string_view(data + begin, static_cast<std::size_t>(end - begin));
    }
    if (backwards) {
        std::size_t k = 0;
        while (offsets[k] >= 0 && offsets[k + 1] >= offsets[k]) ++k;
        throw malformed_value{first + k, backwards_offsets};
    }
    if (a.buffers[0] != nullptr)  // the bitmap, not null_count, says which values are null
        for (std::size_t k = 0; k < n; ++k)
            if (!is_valid(a, first + k)) views[k] = std::string_view();
}

// Views of values first .. first + n of a text chunk of any layout (nulls as null views).
void gather_texts(const array& a, text_layout layout, std::size_t first, std::size_t n, std::string_view* views) {
    if (layout == text_layout::offsets32) return gather_offsets<std::int32_t>(a, first, n, views);
    if (layout == text_layout::offsets64) return gather_offsets<std::int64_t>(a, first, n, views);
    // Views: a null slot's view is not read (the format leaves it undefined).
    const bool may_have_nulls = a.buffers[0] != nullptr;
    for (std::size_t k = 0; k < n; ++k)
        views[k] = may_have_nulls && !is_valid(a, first + k) ? std::string_view() : string_view_value(a, first + k);
}

// Whether two dictionaries are the same values: the same buffers, offset and length (slices of
// one array), so that results kept for one serve the other.
bool same_dictionary(const array& a, const array* b) noexcept {
    if (b == nullptr || a.length != b->length || a.offset != b->offset || a.n_buffers != b->n_buffers) return false;
    for (std::int64_t i = 0; i < a.n_buffers; ++i)
        if (a.buffers[i] != b->buffers[i]) return false;
    return true;
}

// The checks every chunk passes before any of its buffers is read.
void check_chunk(const array& a, std::string_view f, std::string_view method) {
    const std::string where = "numrep: " + std::string(method) + ": Arrow column (format \"" + std::string(f) + "\")";
    if (a.length < 0 || a.offset < 0 || a.null_count < -1)
        throw py::value_error(where + " has a chunk with a negative length or offset");
    const std::int64_t needed = f[0] == 'v' ? 3 : fixed_buffer_count(f);
    if (a.n_buffers < needed || (needed > 0 && a.buffers == nullptr))
        throw py::value_error(where + " has a chunk with " + std::to_string(a.n_buffers) + " buffers, expected " +
                              std::to_string(needed));
    if (a.length == 0 || f == "n") return;
    if (a.buffers[0] == nullptr && a.null_count != 0 && a.null_count != -1)
        throw py::value_error(where + " counts nulls but has no validity buffer");
    if (a.buffers[1] == nullptr) throw py::value_error(where + " has a chunk without its data buffer");
    // Only a chunk of empty strings may omit its character buffer: every offset must then be 0
    // (all of them, checked here once, since values are read before a later block's offsets are).
    if ((f == "u" || f == "z" || f == "U" || f == "Z") && a.buffers[2] == nullptr) {
        const auto from = static_cast<std::size_t>(a.offset), to = from + static_cast<std::size_t>(a.length);
        for (std::size_t i = from; i <= to; ++i) {
            const std::int64_t at = f == "u" || f == "z" ? static_cast<const std::int32_t*>(a.buffers[1])[i]
                                                         : static_cast<const std::int64_t*>(a.buffers[1])[i];
            if (at != 0) throw py::value_error(where + " has a chunk of strings without its character buffer");
        }
    }
    // String views: every data buffer a long view may point into must be there.
    if (f[0] == 'v')
        for (std::int64_t b = 2; b < a.n_buffers - 1; ++b)
            if (a.buffers[b] == nullptr) throw py::value_error(where + " has a chunk with a missing data buffer");
}

}  // namespace

// ------------------------------------------------------------------------------ origin

column_origin origin_of(const py::handle& values) {
    const py::object module = py::type::handle_of(values).attr("__module__");
    const std::string name = py::isinstance<py::str>(module) ? module.cast<std::string>() : std::string();
    const std::string top = name.substr(0, name.find('.'));
    if (top == "pyarrow") return column_origin::pyarrow;
    if (top == "polars") return column_origin::polars;
    if (top == "pandas") return column_origin::pandas;
    return column_origin::other;
}

// ------------------------------------------------------------------------------ import

namespace {

// The ARROW:extension:name of a schema's metadata ("" when it has none). The metadata is a
// count, then each key and value as a length and bytes, in 32-bit native integers. Trusted, as
// the producer's buffers are (the C data interface gives no size to check it against): only a
// negative length is taken as no extension.
std::string extension_name(const schema& s) {
    if (s.metadata == nullptr) return {};
    const char* at = s.metadata;
    const auto read_length = [&at]() {
        std::int32_t n = 0;
        std::memcpy(&n, at, sizeof n);
        at += sizeof n;
        return n;
    };
    const std::int32_t pairs = read_length();
    constexpr std::string_view wanted = "ARROW:extension:name";
    for (std::int32_t p = 0; p < pairs; ++p) {
        const std::int32_t key_length = read_length();
        if (key_length < 0) return {};
        const std::string_view key(at, static_cast<std::size_t>(key_length));
        at += key_length;
        const std::int32_t value_length = read_length();
        if (value_length < 0) return {};
        if (key == wanted) return std::string(at, static_cast<std::size_t>(value_length));
        at += value_length;
    }
    return {};
}

}  // namespace

std::optional<arrow_column> arrow_column::of(const py::handle& values, std::string_view method, bool integer_keys) {
    py::object source = py::reinterpret_borrow<py::object>(values);
    if (origin_of(values) == column_origin::pandas) {
        // A pandas Series or Index: its Arrow-backed array ("string[pyarrow]", ArrowDtype, nullable
        // integers) hands over Arrow data; NumPy-backed ones (object, int64, category) go the
        // NumPy way, as before.
        if (!py::hasattr(source, "array")) return std::nullopt;
        const py::object data = source.attr("array");
        const std::string data_type = py::type::handle_of(data).attr("__name__").cast<std::string>();
        if (!py::hasattr(data, "__arrow_array__") || data_type == "NumpyExtensionArray" || data_type == "PandasArray" ||
            data_type == "DatetimeArray" || data_type == "TimedeltaArray")
            return std::nullopt;
        try {
            source = data.attr("__arrow_array__")();
        } catch (py::error_already_set& e) {
            if (e.matches(PyExc_ImportError)) return std::nullopt;  // pyarrow is not installed
            // A str that has no UTF-8 (a lone surrogate, as surrogateescape leaves undecodable
            // bytes) in a "string[python]" Series: pyarrow cannot convert it, so the values are
            // read one by one, as an object column's are, where such a str is a bad value.
            if (e.matches(PyExc_UnicodeError)) return std::nullopt;
            throw;
        }
    }

    arrow_column column;
    if (py::hasattr(source, "__arrow_c_stream__")) {
        const py::object capsule = source.attr("__arrow_c_stream__")();
        array_stream stream = move_out_of<array_stream>(capsule, "arrow_array_stream");
        struct stream_guard {
            array_stream& s;
            ~stream_guard() {
                if (s.release != nullptr) s.release(&s);
            }
        } guard{stream};
        const auto failure = [&](const char* what) {
            const char* detail = stream.get_last_error != nullptr ? stream.get_last_error(&stream) : nullptr;
            return py::value_error("numrep: " + std::string(method) + ": the Arrow stream failed to give " + what +
                                   (detail != nullptr ? std::string(": ") + detail : std::string()));
        };
        if (stream.get_schema(&stream, &column.schema_) != 0) throw failure("its schema");
        for (;;) {
            auto chunk = std::make_unique<array>();
            if (stream.get_next(&stream, chunk.get()) != 0) throw failure("a chunk");
            if (chunk->release == nullptr) break;  // the end of the stream
            column.chunks_.push_back(std::move(chunk));
        }
    } else if (py::hasattr(source, "__arrow_c_array__")) {
        const py::tuple capsules = source.attr("__arrow_c_array__")();
        column.schema_ = move_out_of<schema>(capsules[0], "arrow_schema");
        column.chunks_.push_back(std::make_unique<array>(move_out_of<array>(capsules[1], "arrow_array")));
    } else {
        return std::nullopt;
    }
    if (column.schema_.format == nullptr)
        throw py::value_error("numrep: " + std::string(method) + ": an Arrow schema without a format");
    column.format_ = column.schema_.format;
    column.method_ = method;

    const std::string prefix = "numrep: " + std::string(method) + " ";
    if (column.schema_.dictionary != nullptr && column.schema_.dictionary->format == nullptr)
        throw py::value_error(prefix + "got an Arrow dictionary schema without a format");
    const std::string takes = integer_keys ? "takes strings or integer keys" : "takes strings";
    if (column.schema_.dictionary != nullptr) {
        column.index_format_ = column.format_;
        column.format_ = column.schema_.dictionary->format;
        // A dictionary of the null type (pa.array([None]).dictionary_encode()) is all missing,
        // as a null column is.
        if (integer_width(column.index_format_) == 0 || (!is_text_format(column.format_) && column.format_ != "n"))
            throw py::type_error(prefix + "takes dictionary-encoded strings, got an Arrow dictionary of format \"" +
                                 column.format_ + "\"");
    }
    if (is_text_format(column.format_)) column.kind_ = kind::text;
    else if (integer_width(column.format_) != 0)
        column.kind_ = kind::integer;
    else if (column.format_ == "n")
        column.kind_ = kind::null;
    else if (column.format_ == "+s")  // a table, record batch or data frame exports itself as a struct
        throw py::type_error(prefix + takes +
                             ", got an Arrow table or struct column (format \"+s\"): pass one of its columns, "
                             "as table[\"number\"]");
    else if (column.format_ == "e" || column.format_ == "f" || column.format_ == "g")
        throw py::type_error(prefix + takes + ", got an Arrow column of floats (format \"" + column.format_ +
                             "\"): " + float_column_hint);
    else
        throw py::type_error(prefix + takes + ", got an Arrow column of format \"" + column.format_ +
                             "\" (see the Arrow C data interface's format strings)");
    // An extension type stored as integers (a pandas Period, pyarrow's bool8) means something
    // else than its integers: not keys. One stored as text is read as its text.
    if (column.kind_ == kind::integer) {
        if (const std::string extension = extension_name(column.schema_); !extension.empty())
            throw py::type_error(prefix + takes + ", got an Arrow column of extension type \"" + extension +
                                 "\" (stored as format \"" + column.format_ + "\")");
    }
    for (const auto& chunk : column.chunks_) column.add_chunk(*chunk, method);
    return column;
}

void arrow_column::add_chunk(const array& chunk, std::string_view method) {
    if (index_format_.empty()) {
        check_chunk(chunk, format_, method);
    } else {
        check_chunk(chunk, index_format_, method);
        if (chunk.dictionary == nullptr)
            throw py::value_error("numrep: " + std::string(method) + ": Arrow dictionary chunk without its values");
        check_chunk(*chunk.dictionary, format_, method);
    }
    size_ += static_cast<std::size_t>(chunk.length);
}

arrow_column::arrow_column(arrow_column&& other) noexcept
    : schema_(std::exchange(other.schema_, schema{})),
      chunks_(std::move(other.chunks_)),
      format_(std::move(other.format_)),
      index_format_(std::move(other.index_format_)),
      kind_(other.kind_),
      size_(other.size_),
      method_(std::move(other.method_)) {}

arrow_column::~arrow_column() {
    for (auto& chunk : chunks_) release(*chunk);
    release(schema_);
}

// ------------------------------------------------------------------------------ reading

void arrow_column::keys_of_texts(std::uint64_t* out, bool same_for_equal_values, const key_block_function& keys) const {
    const text_layout layout = kind_ == kind::null ? text_layout::offsets32 : layout_of(format_);
    // Views gathered a block at a time: one call of `keys` per block, not one per value.
    constexpr std::size_t block = 512;
    if (kind_ == kind::null || index_format_.empty()) {
        // Every chunk's blocks in one list, split across threads (parallel.hpp) whatever the
        // chunks' lengths: a column of many short chunks (Parquet row groups, streamed batches)
        // is split as well as one long chunk is.
        struct block_ref {
            const array* chunk;
            std::size_t first;  // in the chunk
            std::size_t count;
            std::size_t row;  // in the column
        };
        std::vector<block_ref> blocks;
        blocks.reserve(size_ / block + chunks_.size());
        std::size_t row = 0;
        for (const auto& chunk : chunks_) {
            const auto length = static_cast<std::size_t>(chunk->length);
            for (std::size_t first = 0; first < length; first += block)
                blocks.push_back({chunk.get(), first, std::min(block, length - first), row + first});
            row += length;
        }
        constexpr std::size_t blocks_per_thread_minimum = rows_per_thread_minimum / block;
        constexpr std::size_t block_alignment = range_alignment / block;
        for_each_range(
            blocks.size(),
            [&](std::size_t from, std::size_t to) {
                std::array<std::string_view, block> views;
                for (std::size_t b = from; b < to; ++b) {
                    const block_ref& r = blocks[b];
                    if (kind_ == kind::null) std::fill_n(views.begin(), r.count, std::string_view());
                    else
                        try {
                            gather_texts(*r.chunk, layout, r.first, r.count, views.data());
                        } catch (const malformed_value& bad) {
                            throw_malformed(bad.reason,
                                            "the value at row " + std::to_string(r.row + bad.index - r.first));
                        }
                    keys(r.row, std::span<const std::string_view>(views.data(), r.count), out + r.row);
                }
            },
            blocks_per_thread_minimum, block_alignment);
        return;
    }
    // Dictionary-encoded: on this thread (a row's work is a copy of its value's key).
    std::array<std::string_view, block> views;
    std::size_t base = 0;
    std::vector<std::uint64_t> cached;
    std::vector<std::uint8_t> seen;
    const array* last_dictionary = nullptr;
    for (const auto& chunk : chunks_) {
        const auto length = static_cast<std::size_t>(chunk->length);
        const array& values = *chunk->dictionary;
        const auto entries = static_cast<std::size_t>(values.length);
        // Chunks sliced from one array share its dictionary: keep what was parsed for it.
        if (same_for_equal_values && !same_dictionary(values, last_dictionary)) {
            cached.assign(entries, 0);
            seen.assign(entries, 0);
            last_dictionary = &values;
            // A dictionary no larger than its chunk is read whole, a block at a time like a
            // plain column (its values parsed in one call per block, not one call per value);
            // a larger one (a slice of a column with a big dictionary) value by value as rows
            // need them.
            if (entries <= length) {
                for (std::size_t first = 0; first < entries; first += block) {
                    const std::size_t n = std::min(block, entries - first);
                    try {
                        gather_texts(values, layout, first, n, views.data());
                    } catch (const malformed_value& bad) {
                        throw_malformed(bad.reason, "dictionary value " + std::to_string(bad.index) +
                                                        " of the chunk from row " + std::to_string(base));
                    }
                    keys(base, std::span<const std::string_view>(views.data(), n), cached.data() + first);
                }
                std::fill(seen.begin(), seen.end(), std::uint8_t{1});
            }
        }
        for (std::size_t j = 0; j < length; ++j) {
            std::string_view text;  // null unless set
            if (!is_valid(*chunk, j)) {
                keys(base + j, std::span<const std::string_view>(&text, 1), out + base + j);
                continue;
            }
            const std::int64_t entry = integer_at(*chunk, index_format_, j);
            if (entry < 0 || entry >= static_cast<std::int64_t>(entries))
                throw py::value_error("numrep: " + method_ + ": Arrow dictionary index " + std::to_string(entry) +
                                      " at row " + std::to_string(base + j) + " is outside its " +
                                      std::to_string(entries) + " values");
            const auto e = static_cast<std::size_t>(entry);
            if (same_for_equal_values && seen[e]) {
                out[base + j] = cached[e];
                continue;
            }
            if (is_valid(values, e)) {  // else a null value
                try {
                    text = text_at_chunk(values, layout, e);
                } catch (const malformed_value& bad) {
                    throw_malformed(bad.reason, "dictionary value " + std::to_string(bad.index) + " (of row " +
                                                    std::to_string(base + j) + ")");
                }
            }
            if (text.data() == nullptr || !same_for_equal_values) {
                keys(base + j, std::span<const std::string_view>(&text, 1), out + base + j);
            } else {
                keys(base + j, std::span<const std::string_view>(&text, 1), &cached[e]);
                seen[e] = 1;
                out[base + j] = cached[e];
            }
        }
        base += length;
    }
}

std::pair<const array*, std::size_t> arrow_column::locate(std::size_t i) const noexcept {
    for (const auto& chunk : chunks_) {
        const auto length = static_cast<std::size_t>(chunk->length);
        if (i < length) return {chunk.get(), i};
        i -= length;
    }
    return {nullptr, 0};
}

std::string arrow_column::text_at(std::size_t i) const {
    const auto [chunk, j] = locate(i);
    if (chunk == nullptr || kind_ != kind::text || !is_valid(*chunk, j)) return {};
    try {
        if (index_format_.empty()) return std::string(text_at_chunk(*chunk, layout_of(format_), j));
        const std::int64_t entry = integer_at(*chunk, index_format_, j);
        if (entry < 0 || entry >= chunk->dictionary->length) return {};
        return std::string(text_at_chunk(*chunk->dictionary, layout_of(format_), static_cast<std::size_t>(entry)));
    } catch (const malformed_value& bad) {
        throw_malformed(bad.reason, "the value at row " + std::to_string(i));
    }
}

void arrow_column::throw_malformed(const char* reason, const std::string& which) const {
    throw py::value_error("numrep: " + method_ + ": Arrow column (format \"" + format_ + "\"): " + which +
                          " is malformed: " + reason + " (a broken Arrow producer)");
}

bool arrow_column::is_null(std::size_t i) const {
    const auto [chunk, j] = locate(i);
    if (chunk == nullptr || kind_ == kind::null || !is_valid(*chunk, j)) return true;
    if (index_format_.empty()) return false;
    const std::int64_t entry = integer_at(*chunk, index_format_, j);
    return entry < 0 || entry >= chunk->dictionary->length ||
           !is_valid(*chunk->dictionary, static_cast<std::size_t>(entry));
}

std::optional<std::size_t> arrow_column::copy_integers(std::uint64_t* out) const {
    std::optional<std::size_t> negative;
    std::size_t base = 0;
    const bool is_signed = is_signed_format(format_);
    for (const auto& chunk : chunks_) {
        const auto length = static_cast<std::size_t>(chunk->length);
        for (std::size_t j = 0; j < length; ++j) {
            if (kind_ != kind::integer || !is_valid(*chunk, j)) {
                out[base + j] = 0;
                continue;
            }
            const std::int64_t v = integer_at(*chunk, format_, j);
            if (is_signed && v < 0 && !negative) negative = base + j;
            out[base + j] = static_cast<std::uint64_t>(v);
        }
        base += length;
    }
    return negative;
}

std::string arrow_column::integer_text(std::size_t i) const {
    const auto [chunk, j] = locate(i);
    if (chunk == nullptr) return {};
    if (!is_valid(*chunk, j)) return "null";
    const std::int64_t v = integer_at(*chunk, format_, j);
    return is_signed_format(format_) ? std::to_string(v) : std::to_string(static_cast<std::uint64_t>(v));
}

}  // namespace numrep::python
