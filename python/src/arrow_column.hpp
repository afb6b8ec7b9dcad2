// Columns handed over through the Arrow PyCapsule interface (__arrow_c_stream__ /
// __arrow_c_array__): pyarrow arrays and chunked arrays, polars Series, and pandas Series backed
// by Arrow ("string[pyarrow]", ArrowDtype, pandas 3's default str). Their buffers are read where
// they lie, through the Arrow C data interface, so a column of a million strings becomes keys
// without a million Python objects, and without linking against pyarrow.
//
// Read: UTF-8 strings and binary (32- and 64-bit offsets, and the 16-byte "view" layout polars
// uses), dictionary-encoded strings (pyarrow dictionaries, polars categoricals; each distinct value parsed once),
// integers of every width (keys), and the null type. Anything else is a TypeError naming the
// Arrow format.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace numrep::python {

namespace py = pybind11;

namespace arrow_abi {
// The Arrow C data interface's structs, as its specification lays them out (an ABI: the field
// order and types are fixed).
struct schema {
    const char* format;
    const char* name;
    const char* metadata;
    std::int64_t flags;
    std::int64_t n_children;
    schema** children;
    schema* dictionary;
    void (*release)(schema*);
    void* private_data;
};
struct array {
    std::int64_t length;
    std::int64_t null_count;
    std::int64_t offset;
    std::int64_t n_buffers;
    std::int64_t n_children;
    const void** buffers;
    array** children;
    array* dictionary;
    void (*release)(array*);
    void* private_data;
};
struct array_stream {
    int (*get_schema)(array_stream*, schema* out);
    int (*get_next)(array_stream*, array* out);
    const char* (*get_last_error)(array_stream*);
    void (*release)(array_stream*);
    void* private_data;
};
}  // namespace arrow_abi

// What to say of a float column of numbers (NumPy, pandas or Arrow).
inline constexpr const char* float_column_hint =
    "a column of phone numbers read as floats has lost its leading zeros: read it as str "
    "(pd.read_csv(..., dtype=str)), or use Series.numrep.parse, which reads whole-number floats by the integer rule";

// Which library a column came from, so that results can go back in the same kind.
enum class column_origin { other, pyarrow, polars, pandas };
column_origin origin_of(const py::handle& values);

// An imported Arrow column: its schema and chunks, released when it goes.
class arrow_column {
public:
    enum class kind { text, integer, null };

    // The column behind `values`, or nullopt when it offers no Arrow interface (NumPy arrays,
    // lists, pandas Series of Python objects). TypeError for an Arrow column of another type
    // (saying the call takes integer keys too when `integer_keys`).
    static std::optional<arrow_column> of(const py::handle& values, std::string_view method, bool integer_keys = true);

    arrow_column(arrow_column&&) noexcept;
    arrow_column& operator=(arrow_column&&) = delete;
    arrow_column(const arrow_column&) = delete;
    ~arrow_column();

    std::size_t size() const noexcept { return size_; }
    kind value_kind() const noexcept { return kind_; }
    const std::string& format() const noexcept { return format_; }
    // Whether the values are dictionary-encoded (keys_of_texts may then give values, not rows).
    bool dictionary_encoded() const noexcept { return !index_format_.empty(); }

    // Keys of a text column: keys(first, texts, out) is called for runs of values in order,
    // texts[k] being value first + k, and sets out[0, texts.size()); a null value is given as a
    // view whose data() is nullptr (an empty string is not). Called once per block of values,
    // not per value: the call costs more than a short text takes to parse. With
    // same_for_equal_values (callers that read every row alike), a dictionary-encoded column's
    // values are given instead of its rows, each once, and each row gets its value's key: the
    // whole dictionary in blocks when it is no larger than its chunk (`first` is then the chunk's
    // first row, not the values' place: such callers must not use it), else one call per value
    // a row needs. Safe without the GIL: the buffers are held by this object. A column's blocks (of
    // every chunk, not dictionary-encoded) are given from several threads at once (parallel.hpp):
    // `keys` must be safe to call so.
    using key_block_function = std::function<void(std::size_t first, std::span<const std::string_view> texts,
                                                  std::uint64_t* out)>;
    void keys_of_texts(std::uint64_t* out, bool same_for_equal_values, const key_block_function& keys) const;
    // The text of value i of a text column ("" for null), for messages.
    std::string text_at(std::size_t i) const;
    // Whether value i is null (in the column, or, dictionary-encoded, in its dictionary).
    bool is_null(std::size_t i) const;

    // Integer column: values into out[0..size()), null as 0. Returns the index of the first
    // negative value (a key cannot be negative), if any.
    std::optional<std::size_t> copy_integers(std::uint64_t* out) const;
    // The value at i of an integer column, as text, for messages.
    std::string integer_text(std::size_t i) const;

private:
    arrow_column() = default;
    void add_chunk(const arrow_abi::array& chunk, std::string_view method);
    // The chunk holding value i and its index there; nullptr past the end.
    std::pair<const arrow_abi::array*, std::size_t> locate(std::size_t i) const noexcept;
    // ValueError naming the call, the column and `which` value is malformed, and why.
    [[noreturn]] void throw_malformed(const char* reason, const std::string& which) const;

    arrow_abi::schema schema_{};
    std::vector<std::unique_ptr<arrow_abi::array>> chunks_;
    std::string format_;        // the values' format ("u", "U", "vu", "l", ...)
    std::string index_format_;  // a dictionary's index format, "" when not dictionary-encoded
    kind kind_ = kind::null;
    std::size_t size_ = 0;
    std::string method_;  // the call reading the column ("parse_many"), for messages
};

}  // namespace numrep::python
