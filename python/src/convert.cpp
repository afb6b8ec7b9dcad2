// The one conversion layer of the bindings (see convert.hpp): regions, numbers, keys, batches of
// keys (parse_many included), prefixes and times.
#include "convert.hpp"

#include "arrow_column.hpp"
#include "fixed_width_text.hpp"
#include "output_arrays.hpp"
#include "parallel.hpp"
#include "parse_failure.hpp"

#include <pybind11/gil.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace numrep::python {

// ------------------------------------------------------------------------------ helpers

std::string utf8_of(const py::handle& text) {
    Py_ssize_t size = 0;
    if (const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size))
        return std::string(data, static_cast<std::size_t>(size));
    PyErr_Clear();
    // Lone surrogates: U+DC80..U+DCFF are bytes that were not UTF-8 (os.fsdecode, sys.argv and
    // files read with errors="surrogateescape" carry them so), given back as those bytes; any
    // other surrogate as UTF-8 would write it. Neither is UTF-8: a parse names the bad bytes.
    PyObject* bytes = PyUnicode_AsEncodedString(text.ptr(), "utf-8", "surrogateescape");
    if (bytes == nullptr) {
        PyErr_Clear();
        bytes = PyUnicode_AsEncodedString(text.ptr(), "utf-8", "surrogatepass");
        if (bytes == nullptr) throw py::error_already_set();
    }
    return py::reinterpret_steal<py::bytes>(bytes).cast<std::string>();
}

py::object unmasked(const py::object& values, bool integers_refused) {
    if (!py::isinstance<py::array>(values)) return values;
    const py::module_ numpy = py::module_::import("numpy");
    if (Py_TYPE(values.ptr()) == reinterpret_cast<PyTypeObject*>(numpy.attr("ndarray").ptr())) return values;
    const py::module_ ma = py::module_::import("numpy.ma");
    if (!ma.attr("isMaskedArray")(values).cast<bool>()) return values;
    const py::object data = ma.attr("getdata")(values);
    const py::object mask = ma.attr("getmaskarray")(values);
    if (!mask.attr("any")().cast<bool>()) return data;
    // Arrays the calls refuse whatever their mask (floats that are not all missing, more than
    // one dimension, integers where integers_refused): as they are, to be refused with their own
    // messages.
    const auto array = py::reinterpret_borrow<py::array>(data);
    const char kind = array.dtype().kind();
    if (array.ndim() != 1 || kind == 'f' || kind == 'c' || (integers_refused && (kind == 'i' || kind == 'u')))
        return data;
    py::object out = data.attr("astype")("object");
    out.attr("__setitem__")(mask, py::none());
    return out;
}

std::string repr_of(const py::handle& value) { return py::repr(value).cast<std::string>(); }

std::string html_of(const py::handle& self, const char* function) {
    return py::module_::import("numrep._display").attr(function)(self).cast<std::string>();
}

std::string type_name(const py::handle& value) {
    return py::type::handle_of(value).attr("__name__").cast<std::string>();
}

bool flag_of(const py::handle& value, const char* name) {
    if (value.ptr() == Py_True) return true;
    if (value.ptr() == Py_False) return false;
    const std::string name_of_type = type_name(value);  // numpy.bool (NumPy 2), numpy.bool_ (1.x)
    if ((name_of_type == "bool" || name_of_type == "bool_") &&
        py::type::handle_of(value).attr("__module__").cast<std::string>() == "numpy")
        return value.cast<bool>();
    throw py::type_error(std::string("numrep: ") + name + " must be True or False, got " + type_name(value) + " " +
                         repr_of(value));
}

std::string a_or_an(const std::string& noun) {
    // By the first letter's sound in type names: "an int64", "an ndarray", "a uint32", "a str".
    const bool vowel = !noun.empty() && std::string_view("aeioAEIOn").find(noun[0]) != std::string_view::npos;
    return (vowel ? "an " : "a ") + noun;
}

std::string one_text_value(const py::handle& value) {
    if (py::isinstance<py::str>(value)) return "string";
    if (py::isinstance<py::bytes>(value)) return "bytes value";
    if (PyByteArray_Check(value.ptr())) return "bytearray";
    if (PyMemoryView_Check(value.ptr())) return "memoryview";
    return {};
}

bool is_integer(const py::handle& value) {
    if (PyLong_CheckExact(value.ptr())) return true;
    // NumPy integers and other objects with __index__; not arrays (an ndarray has __index__ too).
    return PyIndex_Check(value.ptr()) && !PyBool_Check(value.ptr()) && !PyFloat_Check(value.ptr()) &&
           !py::isinstance<py::array>(value) && !py::isinstance<phone_number>(value);
}

py::int_ as_int(const py::handle& value) {
    PyObject* index = PyNumber_Index(value.ptr());
    if (index == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::int_>(index);
}

namespace {

// The start of messages about a batch: "numrep: TrieStore.build " / "numrep: ".
std::string subject(std::string_view method) {
    return method.empty() ? std::string("numrep: ") : "numrep: " + std::string(method) + " ";
}
std::string context(std::string_view method) {
    return method.empty() ? std::string("numrep: ") : "numrep: " + std::string(method) + ": ";
}

[[noreturn]] void negative_key(std::string_view method, const py::handle& value, std::size_t index) {
    throw py::value_error(context(method) + "key " + repr_of(value) + " at index " + std::to_string(index) +
                          " is negative: keys are E.164 numbers");
}

// An int of a batch taken as a key as it is; a negative one, or one beyond 64 bits, is a
// ValueError naming it, its index and the call.
std::uint64_t key_as_given(const py::handle& item, std::string_view method, std::size_t index) {
    const py::int_ v = as_int(item);
    const unsigned long long u = PyLong_AsUnsignedLongLong(v.ptr());
    if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
        PyErr_Clear();
        if (v < py::int_(0)) negative_key(method, v, index);
        throw py::value_error(context(method) + "key " + repr_of(v) + " at index " + std::to_string(index) +
                              " does not fit in 64 bits");
    }
    return static_cast<std::uint64_t>(u);
}

}  // namespace

std::uint64_t to_u64(const py::handle& value, const std::string& what) {
    const py::int_ v = as_int(value);
    if (v < py::int_(0)) throw py::value_error("numrep: " + what + " is " + repr_of(v) + ", which is negative");
    const unsigned long long u = PyLong_AsUnsignedLongLong(v.ptr());
    if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
        PyErr_Clear();
        throw py::value_error("numrep: " + what + " is " + repr_of(v) + ", which does not fit in 64 bits");
    }
    return static_cast<std::uint64_t>(u);
}

// ------------------------------------------------------------------------------ regions

const region& default_region() { return numrep::default_region; }

std::string default_region_code() { return std::string(default_region().code()); }

region region_of(const py::handle& code, std::string_view text) {
    if (code.is_none()) return region::none();
    if (!py::isinstance<py::str>(code))
        throw py::type_error("numrep: region must be a str such as \"VN\" or None, got " + type_name(code));
    const std::string region_text = utf8_of(code);
    if (const auto found = region::find(region_text)) return *found;
    // ParseError.value stays None: the region is at fault, not the value (which some callers have
    // not read yet).
    const std::string message = text.data() != nullptr
                                    ? parse_error_message(text, parse_result(parse_errc::unknown_region), region_text)
                                    : "unknown region " + detail::quote(region_text);
    throw parse_failure("numrep: " + message + " (expected an ISO 3166 code such as \"VN\", or None)",
                        reason_of(parse_errc::unknown_region));
}

namespace {

// None, NaN, and pandas' NA / NaT markers: a missing value, not a type error.
bool is_missing(const py::handle& item) {
    if (item.is_none()) return true;
    if (py::isinstance<py::float_>(item)) return std::isnan(item.cast<double>());
    const std::string name = type_name(item);
    return name == "NAType" || name == "NaTType";
}

// Item i of a list or tuple (as PySequence_Fast gives it), held while it is read. Python code run
// since the last item (an item's __index__, a type's __name__, another thread meanwhile) may have
// shortened the list: its size is read again each time, and a shorter one is a RuntimeError
// (read through a size taken at the start, it was freed memory). The message is made only then.
py::object held_item(const py::handle& items, std::size_t i, std::string_view method, const char* list) {
    if (i >= static_cast<std::size_t>(PySequence_Fast_GET_SIZE(items.ptr())))
        throw std::runtime_error(context(method) + "the list of " + list + " changed size during the call");
    return py::reinterpret_borrow<py::object>(PySequence_Fast_GET_ITEM(items.ptr(), static_cast<Py_ssize_t>(i)));
}

}  // namespace

batch_regions regions_of(const py::handle& code, std::size_t count) {
    if (code.is_none() || py::isinstance<py::str>(code)) return {{region_of(code)}};
    // Bytes are a sequence of ints to Python ("2 regions for 1 values" for b"VN"); a 0-d array
    // is one value.
    if (py::isinstance<py::bytes>(code) || PyByteArray_Check(code.ptr()))
        throw py::type_error("numrep: region must be a str such as \"VN\", None, or one of those per value, not " +
                             type_name(code) + " (" + repr_of(code) + ")");
    if (py::isinstance<py::array>(code) && py::reinterpret_borrow<py::array>(code).ndim() == 0)
        return regions_of(code.attr("item")(), count);
    py::object column = py::reinterpret_borrow<py::object>(code);
    // pyarrow arrays (whose to_numpy refuses strings by default): as a list, nulls as None.
    if (origin_of(column) == column_origin::pyarrow && py::hasattr(column, "to_pylist"))
        column = column.attr("to_pylist")();
    if (!py::isinstance<py::array>(column) && py::hasattr(column, "to_numpy")) {
        try {
            column = column.attr("to_numpy")();
        } catch (py::error_already_set& e) {
            // An Arrow string_view Series: pandas cannot convert view dtypes (NotImplementedError),
            // but its tolist works (4x slower than to_numpy for other Arrow strings: the fallback only).
            if (!e.matches(PyExc_NotImplementedError) || !py::hasattr(column, "tolist")) throw;
            column = column.attr("tolist")();
        }
    }
    if (py::isinstance<py::array>(column)) column = column.attr("tolist")();  // a masked entry: None
    if (!py::isinstance<py::sequence>(column))
        throw py::type_error("numrep: region must be a str such as \"VN\", None, or one of those per value, got " +
                             type_name(code));
    const auto codes_fast = py::reinterpret_steal<py::object>(PySequence_Fast(column.ptr(), "numrep: region sequence"));
    if (!codes_fast) throw py::error_already_set();
    const auto given = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(codes_fast.ptr()));
    if (given != count)
        throw py::value_error("numrep: " + std::to_string(given) + " regions for " + std::to_string(count) +
                              " values: give one region, or one per value");
    batch_regions out;
    out.homes.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const py::object item = held_item(codes_fast, i, {}, "regions");  // is_missing may run Python code
        if (is_missing(item)) {                                           // None, NaN, pandas' NA: no region
            out.homes.push_back(region::none());
            continue;
        }
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_Check(item.ptr()) ? PyUnicode_AsUTF8AndSize(item.ptr(), &size) : nullptr;
        if (utf8 == nullptr) PyErr_Clear();
        if (utf8 == nullptr && !PyUnicode_Check(item.ptr()))
            throw py::type_error("numrep: region " + std::to_string(i) + " is " + a_or_an(type_name(item)) +
                                 ", expected str or None");
        // A str with lone surrogates (not UTF-8) is no region either, named as its bytes.
        const std::string surrogates = utf8 == nullptr ? utf8_of(item) : std::string();
        const std::string_view text = utf8 == nullptr ? std::string_view(surrogates)
                                                      : std::string_view(utf8, static_cast<std::size_t>(size));
        const auto found = region::find(text);  // one table read
        if (!found)
            throw parse_failure("numrep: region " + std::to_string(i) + ": unknown region " + detail::quote(text) +
                                    " (expected an ISO 3166 code such as \"VN\", or None)",
                                reason_of(parse_errc::unknown_region), {}, {}, i);
        out.homes.push_back(*found);
    }
    return out;
}

// ------------------------------------------------------------------------------ one number or key

namespace {

// A str's number (its UTF-8 from utf8_of); a ParseError's offset counts characters of the str, as
// Python indexes it, not bytes of its UTF-8.
phone_number parse_str(const std::string& utf8, const region& home) {
    const parse_result r = try_parse(utf8, home);
    if (!r) throw_parse_failure(utf8, r, offset_unit::code_points);
    return *r;
}

}  // namespace

std::uint64_t key_of(const py::handle& value, const region& home) {
    if (py::isinstance<phone_number>(value)) return value.cast<phone_number>().key();
    if (py::isinstance<py::str>(value)) return parse_str(utf8_of(value), home).key();
    if (is_integer(value)) {
        const py::int_ v = as_int(value);
        if (v < py::int_(0))
            throw py::value_error("numrep: key " + repr_of(v) + " is negative: keys are E.164 numbers");
        if (v.equal(py::int_(0)))
            throw py::value_error("numrep: key 0 is not an E.164 number (keys are 1 to 15 digits, no leading zero)");
        if (v > py::int_(detail::max_key))
            throw py::value_error("numrep: key " + repr_of(v) + " has more than 15 digits");
        return v.cast<std::uint64_t>();
    }
    throw py::type_error("numrep: expected a phone number as str, int key or PhoneNumber, got " + type_name(value));
}

std::uint64_t key_of(const py::handle& value, const py::handle& region_code) {
    if (py::isinstance<py::str>(value)) {
        const std::string text = utf8_of(value);
        return parse_str(text, region_of(region_code, text)).key();
    }
    (void)region_of(region_code);  // a bad region is an error whatever the value
    return key_of(value, region::none());
}

phone_number number_of(const py::handle& value, const region& home) {
    if (py::isinstance<phone_number>(value)) return value.cast<phone_number>();
    if (py::isinstance<py::str>(value)) return parse_str(utf8_of(value), home);
    const std::uint64_t key = key_of(value, home);  // ints (range-checked); TypeError for the rest
    const auto n = phone_number::from_key(key);
    if (!n)
        throw py::value_error("numrep: " + std::to_string(key) +
                              " is not an E.164 key (digits of a number with its country code)");
    return *n;
}

phone_number number_of(const py::handle& value, const py::handle& region_code) {
    if (py::isinstance<py::str>(value)) {
        const std::string text = utf8_of(value);
        return parse_str(text, region_of(region_code, text));
    }
    return number_of(value, region_of(region_code));
}

// ------------------------------------------------------------------------------ texts to keys

namespace {

// Whether iter() could be asked of `value` (its type has __iter__, or is a sequence), without
// calling it: pybind11's iterable check calls __iter__ and swallows what it raises (a closed
// reader's error became "not one Reader"), and runs it twice.
bool can_iterate(const py::handle& value) {
    return Py_TYPE(value.ptr())->tp_iter != nullptr || PySequence_Check(value.ptr()) != 0;
}

// numrep::parse_keys' loop with every step of the parse inlined into it, in one function. Left
// to itself, GCC kept the steps (scan, finish, strip_national_prefix, digits_value) as calls in
// this module, whose many parsers call them from many places; and a build for x86-64's baseline
// (as wheels are) cannot inline the SSSE3 byte shuffles (digit gathering and value) into code
// compiled without SSSE3, so with GCC the loop is compiled a second time for CPUs with SSSE3,
// chosen once a call. parse_many of an Arrow column of 1M Vietnamese numbers, one thread:
// 21.8 -> 20.9 ns a number (median of 7 interleaved runs each; the Arrow ÷ list ratio is
// (parse + Arrow's own cost) ÷ (parse + reading str objects), so it gains with the parse).
// The rare paths stay calls: the full scan of unusual forms (scan_decoded) and the prefix walks
// that are not one string of digits (world::match_paths, match_prefix_end_out_of_line). Clang's
// flatten inlines one level only: there the two copies would be the same, so only GCC makes two.
// (About 45 KB of code each.)
#if defined(__GNUC__) || defined(__clang__)
[[gnu::flatten]]
#endif
void parse_keys_inlined(std::span<const std::string_view> texts, const region& home, std::uint64_t* keys) noexcept {
    detail::parse_keys_of_same_size(texts, home, std::span(keys, texts.size()));
}

#if defined(NUMREP_X86_CPU_DISPATCH) && !defined(__SSSE3__) && !defined(__clang__)
#define NUMREP_PYTHON_SSSE3_PARSE 1
[[gnu::target("ssse3"), gnu::flatten]] void parse_keys_inlined_ssse3(std::span<const std::string_view> texts,
                                                                     const region& home, std::uint64_t* keys) noexcept {
    detail::parse_keys_of_same_size(texts, home, std::span(keys, texts.size()));
}
#endif

// keys[k] = the key of texts[k] read in the region of row first + k, 0 where it does not parse.
// One region for every row goes through parse_keys' loop (blocks ordered by shape); regions per
// row are read row by row. Runs without the GIL.
void parse_rows(std::span<const std::string_view> texts, const batch_regions& homes, std::size_t first,
                std::uint64_t* keys) {
    if (homes.homes.size() == 1) {
#if defined(NUMREP_PYTHON_SSSE3_PARSE)
        if (detail::cpu.ssse3) return parse_keys_inlined_ssse3(texts, homes.homes[0], keys);
#endif
        return parse_keys_inlined(texts, homes.homes[0], keys);
    }
    for (std::size_t k = 0; k < texts.size(); ++k) keys[k] = detail::parse_key(texts[k], homes[first + k]);
}

// parse_rows over a whole column, its rows split across threads (parallel.hpp).
void parse_all_rows(std::span<const std::string_view> texts, const batch_regions& homes, std::uint64_t* keys) {
    for_each_range(texts.size(), [&](std::size_t begin, std::size_t end) {
        parse_rows(texts.subspan(begin, end - begin), homes, begin, keys + begin);
    });
}

// Keys of rows [begin, end) of a NumPy 'U' (UTF-32) or 'S' (bytes) array, 0 where a value does
// not parse. The values are read a block at a time as UTF-8 views ('U' values converted first,
// fixed_width_text.hpp) and given to parse_rows, so that they take the path Arrow columns take:
// the parser's one-pass vector scan, which reads UTF-8, and, with one region, parse_keys' order
// by shape. Parsing UTF-32 in place, value by value, took 62 ns a value against Arrow's 40.
template <class Char>
void parse_fixed_width(const Char* data, std::size_t begin, std::size_t end, std::size_t width,
                       const batch_regions& homes, std::uint64_t* out) {
    constexpr bool wide = sizeof(Char) == 4;
    constexpr std::size_t block = 512;
    // A 'U' value of more code points than this (NumPy pads every value to the widest) is parsed
    // as UTF-32 in place rather than converted: more than max_input_length cannot parse unless it
    // ends in white space, and the buffer should not grow with the array's widest value.
    constexpr std::size_t converted_width = 2 * max_input_length;
    std::array<std::string_view, block> views;
    // The length of each value parsed in place (0: converted), as the first pass found it: the
    // second reads that many, whatever another thread writes into the array meanwhile (trimming
    // again walked back before a value that had been blanked, out of the array).
    std::array<std::size_t, block> in_place{};
    // Room for the block's values, sized by the rows there are: not cleared (every byte a view
    // covers is written first), so a call on a few rows of a wide array costs no more than they do.
    std::unique_ptr<char[]> utf8;
    if constexpr (wide)
        utf8 = std::make_unique_for_overwrite<char[]>(std::min(block, end - begin) *
                                                      utf8_bytes_at_most(std::min(width, converted_width)));
    for (std::size_t first = begin; first < end; first += block) {
        const std::size_t n = std::min(block, end - first);
        char* next = utf8.get();
        for (std::size_t k = 0; k < n; ++k) {
            const Char* item = data + (first + k) * width;
            if constexpr (wide) {
                std::size_t length = width;  // converted padding and all, then trimmed, when narrow
                if (width > converted_width)
                    while (length > 0 && item[length - 1] == 0) --length;
                in_place[k] = length > converted_width ? length : 0;
                if (in_place[k] != 0) {
                    views[k] = {};  // parsed below
                    continue;
                }
                char* start = next;
                next = utf8_of_code_points(item, length, start);
                views[k] = std::string_view(start,
                                            without_trailing_nuls(start, static_cast<std::size_t>(next - start)));
                next = start + views[k].size();
            } else {
                const auto* bytes = reinterpret_cast<const char*>(item);
                views[k] = std::string_view(bytes, without_trailing_nuls(bytes, width));
            }
        }
        parse_rows(std::span<const std::string_view>(views.data(), n), homes, first, out + first);
        if constexpr (wide) {
            for (std::size_t k = 0; k < n; ++k) {
                if (in_place[k] == 0) continue;
                const Char* item = data + (first + k) * width;
                out[first + k] = detail::parse_key(std::u32string_view(reinterpret_cast<const char32_t*>(item),
                                                                       in_place[k]),
                                                   homes[first + k]);
            }
        }
    }
}

// The UTF-8 text of item `index` of a NumPy 'U' (UTF-32) or 'S' (bytes) array, for messages.
std::string fixed_width_text(const py::array& array, std::size_t index) {
    const auto* base = static_cast<const unsigned char*>(array.data()) +
                       index * static_cast<std::size_t>(array.itemsize());
    std::size_t width = static_cast<std::size_t>(array.itemsize());
    if (array.dtype().kind() == 'S') {
        while (width > 0 && base[width - 1] == 0) --width;
        return std::string(reinterpret_cast<const char*>(base), width);
    }
    // As parse_fixed_width reads it (surrogates as a str's UTF-8 has them, a value above U+10FFFF
    // as the byte 0xFF, which the message shows escaped): not through a Python str, which cannot
    // hold a value above U+10FFFF.
    std::vector<std::uint32_t> code_points(width / 4);
    std::memcpy(code_points.data(), base, code_points.size() * 4);
    std::string text(utf8_bytes_at_most(code_points.size()), '\0');
    const char* end = utf8_of_code_points(code_points.data(), code_points.size(), text.data());
    text.resize(without_trailing_nuls(text.data(), static_cast<std::size_t>(end - text.data())));
    return text;
}

// References to the values whose text is being read without the GIL, so that no other thread
// can free one meanwhile (by changing the list); dropped, with the GIL, when it goes.
class kept_objects {
public:
    explicit kept_objects(std::size_t capacity) : objects_(capacity) {}
    kept_objects(const kept_objects&) = delete;
    kept_objects& operator=(const kept_objects&) = delete;
    ~kept_objects() {
        for (std::size_t i = 0; i < count_; ++i) Py_DECREF(objects_[i]);
    }
    void keep(py::object value) noexcept { objects_[count_++] = value.release().ptr(); }

private:
    scratch_array<PyObject*> objects_;
    std::size_t count_ = 0;
};

// The ParseError for value `index`, whose offset counts characters of a str (code points) or
// bytes of a bytes value (code units).
[[noreturn]] void raise_at(std::size_t index, const std::string& text, const region& home,
                           offset_unit unit = offset_unit::code_points) {
    throw_parse_failure(text, try_parse(text, home), unit, index);
}

// Keys of an Arrow column of strings, read in place without the GIL (a dictionary-encoded
// column parses each distinct value once when all values share one region). Nulls give 0, or
// with bad_text::raise a ParseError, as missing values in a list do.
py::array_t<std::uint64_t> parse_arrow(const arrow_column& column, const py::handle& region_code, bad_text on_bad,
                                       std::string_view method, std::optional<std::size_t>* zero_keys) {
    if (column.value_kind() == arrow_column::kind::integer)
        throw py::type_error(subject(method) + "takes strings; got an Arrow column of integers (format \"" +
                             column.format() + "\"; integer keys are used as they are)");
    const std::size_t count = column.size();
    const batch_regions homes = regions_of(region_code, count);
    auto out = output_array<std::uint64_t>(static_cast<py::ssize_t>(count));
    {
        py::gil_scoped_release unlocked;
        // A failed parse and a null both leave 0 (no number has key 0): the loop only parses,
        // and the first 0 is looked at afterwards, when errors must be raised.
        const bool one_region = homes.homes.size() == 1;
        // The 0 keys are counted block by block when asked for, while the block is in cache: a
        // pass over the whole column afterwards read it back from memory (0.3 ns a key). Not
        // for a dictionary-encoded column, whose blocks may be its values rather than its rows.
        const bool count_zeros = zero_keys != nullptr && !column.dictionary_encoded();
        std::atomic<std::size_t> zeros{0};
        column.keys_of_texts(out.mutable_data(), one_region,
                             [&](std::size_t first, std::span<const std::string_view> texts, std::uint64_t* keys) {
                                 parse_rows(texts, homes, first, keys);
                                 if (!count_zeros) return;
                                 std::size_t block_zeros = 0;
                                 for (std::size_t k = 0; k < texts.size(); ++k) block_zeros += keys[k] == 0 ? 1U : 0U;
                                 if (block_zeros != 0) zeros.fetch_add(block_zeros, std::memory_order_relaxed);
                             });
        if (count_zeros) *zero_keys = zeros.load();
    }
    if (on_bad == bad_text::raise) {
        const std::uint64_t* keys = out.data();
        const std::size_t bad = static_cast<std::size_t>(std::find(keys, keys + count, 0) - keys);
        if (bad < count) {
            if (column.is_null(bad)) throw_missing_value(bad);
            // Arrow binary columns ("z", "Z", "vz") hold bytes: their offsets count bytes.
            const bool binary = column.format() == "z" || column.format() == "Z" || column.format() == "vz";
            raise_at(bad, column.text_at(bad), homes[bad], binary ? offset_unit::code_units : offset_unit::code_points);
        }
    }
    return out;
}

}  // namespace

namespace {

// A float array whose values are all NaN: what pandas makes of a column with nothing in it
// (an empty CSV column, a category Series of missing values).
bool only_missing_values(const py::array& array) {
    const py::module_ numpy = py::module_::import("numpy");
    return numpy.attr("isnan")(array).attr("all")().cast<bool>();
}

// A pandas DataFrame is a table, not a column: its to_numpy() was refused as "a one-dimensional
// array, got 2 dimensions", which did not say what to pass (Arrow and polars tables say it).
void refuse_data_frame(const py::object& values, std::string_view method) {
    if (origin_of(values) == column_origin::pandas && py::hasattr(values, "columns"))
        throw py::type_error(subject(method) +
                             "takes a column, got a pandas DataFrame: pass one of its columns, "
                             "as df[\"number\"]");
}

// A pandas Series or Index (NumPy-backed; Arrow-backed ones were read in place) as a NumPy array,
// by position, not by label; anything else as it is. A categorical one as objects, its
// categories' values with NaN where one is missing (docs/python.md: a category Series is read
// one Python object at a time): its to_numpy() makes ints with a missing value floats, which
// the batch calls refuse as numbers that lost their leading zeros.
py::object numpy_of_column(const py::object& values, bool integers_refused = false) {
    if (py::isinstance<py::array>(values)) return unmasked(values, integers_refused);
    if (!py::hasattr(values, "to_numpy")) return values;
    if (origin_of(values) == column_origin::pandas && py::hasattr(values, "dtype") &&
        py::str(values.attr("dtype")).cast<std::string>() == "category") {
        // to_numpy(dtype=object) makes the ints floats. A Series' or an Index's astype gives its
        // own kind, a bare pd.Categorical's a NumPy array already (which has no to_numpy).
        const py::object objects = values.attr("astype")("object");
        return py::isinstance<py::array>(objects) ? objects : objects.attr("to_numpy")();
    }
    return values.attr("to_numpy")();
}

}  // namespace

py::array_t<std::uint64_t> parse_texts(py::object values, const py::handle& region_code, bad_text on_bad,
                                       bool ints_are_keys, std::string_view method,
                                       std::optional<std::size_t>* zero_keys) {
    if (zero_keys != nullptr) *zero_keys = std::nullopt;
    if (const auto column = arrow_column::of(values, method, ints_are_keys))
        return parse_arrow(*column, region_code, on_bad, method, zero_keys);
    refuse_data_frame(values, method);
    values = numpy_of_column(values, !ints_are_keys);
    const bool raise = on_bad == bad_text::raise;
    std::vector<std::size_t> failed;

    if (py::isinstance<py::array>(values)) {
        const auto array = py::reinterpret_borrow<py::array>(values);
        const char kind = array.dtype().kind();
        if (array.ndim() != 1)
            throw py::value_error(subject(method) + "takes a one-dimensional array, got " +
                                  std::to_string(array.ndim()) + " dimensions");
        if (kind == 'U' || kind == 'S') {
            // In this machine's byte order ('>U4' from another machine's file is converted), and
            // contiguous.
            const py::object native = kind == 'U' && !array.dtype().attr("isnative").cast<bool>()
                                          ? py::object(array.attr("astype")(array.dtype().attr("newbyteorder")("=")))
                                          : py::object(array);
            const auto contiguous = py::array::ensure(native, py::array::c_style);
            const std::size_t count = static_cast<std::size_t>(contiguous.shape(0));
            const batch_regions homes = regions_of(region_code, count);
            auto out = output_array<std::uint64_t>(static_cast<py::ssize_t>(count));
            std::uint64_t* keys = out.mutable_data();
            std::size_t bad = count;  // the first value that does not parse (every value is text: no nulls)
            // Read with the GIL: itemsize() takes a reference to the array's dtype.
            const auto width = static_cast<std::size_t>(contiguous.itemsize());
            const void* data = contiguous.data();
            {
                py::gil_scoped_release unlocked;
                for_each_range(count, [&](std::size_t begin, std::size_t end) {
                    if (kind == 'U')
                        parse_fixed_width(static_cast<const std::uint32_t*>(data), begin, end, width / 4, homes, keys);
                    else
                        parse_fixed_width(static_cast<const unsigned char*>(data), begin, end, width, homes, keys);
                });
                if (raise) bad = static_cast<std::size_t>(std::find(keys, keys + count, 0) - keys);
            }
            if (bad < count)
                raise_at(bad, fixed_width_text(contiguous, bad), homes[bad],
                         kind == 'U' ? offset_unit::code_points : offset_unit::code_units);
            return out;
        }
        if (kind == 'f' && only_missing_values(array)) {
            values = array.attr("astype")("object");  // read below, as None and NaN are: 0
        } else if (kind != 'O') {
            throw py::type_error(subject(method) + "takes strings; got an array of dtype " +
                                 py::str(array.dtype()).cast<std::string>() + " (for integer keys use them directly" +
                                 (kind == 'f' ? "; " + std::string(float_column_hint) : std::string()) + ")");
        }
    }

    // Any other iterable: gather UTF-8 views with the GIL (the list keeps the strings alive),
    // then parse without it. None and NaN (missing values in pandas) give 0.
    // One value is not a column: iterating bytes, a bytearray or a memoryview gave a row per byte.
    if (const std::string one = one_text_value(values); !one.empty())
        throw py::type_error(subject(method) + "takes a list of strings, not one " + one + " (use parse)");
    // One number is not a column either: "'int' object is not iterable" named neither.
    if (!can_iterate(values))
        throw py::type_error(subject(method) + "takes a list of strings, not one " + type_name(values) +
                             " (use parse)");
    // Any iterable but a list or tuple is read as the list of what it gives, as keys_of reads it:
    // a sequence whose __len__ said fewer items than it gives lost the rest here, not there.
    const py::sequence items = py::isinstance<py::list>(values) || py::isinstance<py::tuple>(values)
                                   ? py::reinterpret_borrow<py::sequence>(values)
                                   : py::sequence(py::list(values));
    const std::size_t count = py::len(items);
    const batch_regions homes = regions_of(region_code, count);
    scratch_array<std::string_view> texts(count);
    scratch_array<std::uint64_t> direct(count);  // keys given as int or PhoneNumber
    scratch_array<std::uint8_t> is_text(count);
    std::fill_n(texts.data(), count, std::string_view());
    std::fill_n(direct.data(), count, std::uint64_t{0});
    std::fill_n(is_text.data(), count, std::uint8_t{0});
    kept_objects keep_alive(count);
    // The bytes of strs with lone surrogates (utf8_of), which have no UTF-8 of their own to view.
    std::deque<std::string> surrogate_texts;
    // With bad_text::raise, the first value that is no number is named: a missing value or bad
    // int met while gathering waits until the texts before it are parsed, which may fail first.
    std::size_t gathered = count;
    std::function<void()> raise_gathered;
    const auto defer = [&](std::size_t i, std::function<void()> raise_it) {
        gathered = i;
        raise_gathered = std::move(raise_it);
    };
    for (std::size_t i = 0; i < count && gathered == count; ++i) {
        py::object item = held_item(items, i, method, "numbers");
        if (py::isinstance<py::str>(item)) {
            Py_ssize_t size = 0;
            const char* utf8 = PyUnicode_AsUTF8AndSize(item.ptr(), &size);
            if (utf8 == nullptr) {
                // Lone surrogates: read as the bytes they stand for, as parse() reads the str (they
                // were given 0 unread, where parse found "091234567\udcef\udcbc\udc98" a number:
                // an ASCII decode with surrogateescape of a full-width 8).
                PyErr_Clear();
                texts[i] = surrogate_texts.emplace_back(utf8_of(item));
                is_text[i] = 1;
                continue;
            }
            texts[i] = std::string_view(utf8, static_cast<std::size_t>(size));
            is_text[i] = 1;
            keep_alive.keep(std::move(item));
        } else if (py::isinstance<py::bytes>(item)) {
            char* data = nullptr;
            Py_ssize_t size = 0;
            PyBytes_AsStringAndSize(item.ptr(), &data, &size);
            texts[i] = std::string_view(data, static_cast<std::size_t>(size));
            is_text[i] = 1;
            keep_alive.keep(std::move(item));
        } else if (is_missing(item)) {
            if (raise) defer(i, [i] { throw_missing_value(i); });
        } else if (py::isinstance<phone_number>(item)) {
            direct[i] = item.cast<phone_number>().key();
        } else if (ints_are_keys && is_integer(item)) {
            // keys_of's rule for a list that mixes ints with text: an int is a key as it is. A
            // negative or too big one waits, as a missing value does, for the texts before it.
            try {
                direct[i] = key_as_given(item, method, i);
            } catch (const py::value_error& bad_key) {
                if (!raise) throw;
                defer(i, [bad_key] { throw bad_key; });
            }
        } else if (is_integer(item)) {
            // With a region, an int (or a NumPy integer) is a number that lost its leading zeros
            // (read_integer's rule: one valid reading or none); without one, an E.164 key.
            std::optional<phone_number> n;
            const py::int_ value = as_int(item);
            const bool in_range = value >= py::int_(1) && value <= py::int_(detail::max_key);
            const std::uint64_t v = in_range ? value.cast<std::uint64_t>() : 0;
            std::string message;
            std::string_view reason = "not_a_key";
            if (in_range && !homes[i].is_none()) {
                const integer_reading r = read_integer(v, homes[i]);
                if (r) n = r.number;
                else {
                    message = integer_error_message(v, homes[i], r);
                    reason = reason_of(r);
                }
            } else if (in_range) {
                n = phone_number::from_key(v);
            }
            if (n) direct[i] = n->key();
            else if (raise) {
                const std::string digits = py::str(value);
                if (message.empty()) message = out_of_range_integer_message(digits, !homes[i].is_none());
                defer(i, [i, message, reason, digits] {
                    throw parse_failure(failure_prefix(i) + message, reason, failed_value::of_integer(digits), {}, i);
                });
            }
        } else {
            throw py::type_error(subject(method) + "item " + std::to_string(i) + " is " + a_or_an(type_name(item)) +
                                 ", expected str, bytes or int");
        }
    }
    auto out = output_array<std::uint64_t>(static_cast<py::ssize_t>(count));
    std::uint64_t* keys = out.mutable_data();
    {
        py::gil_scoped_release unlocked;
        // Values that are not text have empty views here (0), then take their key.
        parse_all_rows(std::span<const std::string_view>(texts.data(), gathered), homes, keys);
        for (std::size_t i = 0; i < gathered; ++i) {
            if (!is_text[i]) keys[i] = direct[i];
            else if (keys[i] == 0 && raise && failed.empty())
                failed.push_back(i);
        }
    }
    if (!failed.empty()) {
        const std::size_t at = failed.front();
        raise_at(at, std::string(texts[at]), homes[at],
                 py::isinstance<py::bytes>(items[at]) ? offset_unit::code_units : offset_unit::code_points);
    }
    if (raise_gathered) raise_gathered();
    return out;
}

// ------------------------------------------------------------------------------ batches of keys

key_array keys_of(const py::handle& input, const batch_options& options) {
    // A bad region is an error whatever the values (a column of regions is checked against them,
    // where texts are read by it, and by region_column_checked where the values are keys).
    if (options.region.is_none() || py::isinstance<py::str>(options.region)) (void)region_of(options.region);
    const auto region_column_checked = [&options](key_array keys) {
        if (!options.region.is_none() && !py::isinstance<py::str>(options.region))
            (void)regions_of(options.region, static_cast<std::size_t>(keys.size()));
        return keys;
    };
    py::object values = py::reinterpret_borrow<py::object>(input);
    if (const auto column = arrow_column::of(values, options.method)) {
        if (column->value_kind() == arrow_column::kind::text)
            return key_array::ensure(
                parse_arrow(*column, options.region, options.on_bad_text, options.method, nullptr));
        // Integers or the null type: a null is missing, as in a text column (0, which no store
        // holds, or with bad_text::raise a ParseError naming it).
        key_array out(output_array<std::uint64_t>(static_cast<py::ssize_t>(column->size())));
        const auto negative = column->copy_integers(out.mutable_data());
        // The first bad row is named, whichever way it is bad (as for a list or an object array).
        if (options.on_bad_text == bad_text::raise) {
            const std::uint64_t* keys = out.data();
            const std::size_t end = negative ? *negative : column->size();
            for (std::size_t i = 0; i < end; ++i)
                if (keys[i] == 0 && column->is_null(i)) throw_missing_value(i);
        }
        if (negative)
            throw py::value_error(context(options.method) + "key " + column->integer_text(*negative) + " at index " +
                                  std::to_string(*negative) + " is negative: keys are E.164 numbers");
        return region_column_checked(out);
    }
    refuse_data_frame(values, options.method);
    values = numpy_of_column(values);
    // A memoryview of integers (a NumPy array's or an array.array's buffer) is a column of keys, as
    // NumPy reads it; one of bytes is one text, as bytes are.
    if (PyMemoryView_Check(values.ptr())) {
        const auto format = values.attr("format").cast<std::string>();
        if (format != "B" && format != "b" && format != "c")
            values = py::module_::import("numpy").attr("asarray")(values);
    }
    if (const std::string one = one_text_value(values); !one.empty())
        throw py::type_error(subject(options.method) + "takes a list or array of numbers, not one " + one);
    // One number is not a column either: "'int' object is not iterable" named neither.
    if (!can_iterate(values))
        throw py::type_error(subject(options.method) + "takes a list or array of numbers, not one " +
                             type_name(values));

    if (py::isinstance<py::array>(values)) {
        const auto array = py::reinterpret_borrow<py::array>(values);
        const char kind = array.dtype().kind();
        if (kind == 'u' || kind == 'i') {
            if (array.ndim() != 1)
                throw py::value_error(subject(options.method) + "takes a one-dimensional array of keys");
            if (kind == 'i' && array.size() > 0 && array.attr("min")() < py::int_(0)) {
                const py::object at = py::module_::import("numpy").attr("flatnonzero")(
                    array.attr("__lt__")(0))[py::int_(0)];
                negative_key(options.method, as_int(py::object(array[at])), as_int(at).cast<std::size_t>());
            }
            key_array keys = key_array::ensure(array);
            const bool callers = keys.data() == array.data();
            if (options.keys_are_the_callers != nullptr) *options.keys_are_the_callers = callers;
            if (callers && options.copy_callers_keys) keys = key_array::ensure(keys.attr("copy")());
            return region_column_checked(keys);
        }
        // A column with nothing in it (pd.read_csv makes floats of an empty one) is read as
        // parse_texts reads it: every row missing.
        const bool text = kind == 'U' || kind == 'S' || kind == 'O' || (kind == 'f' && only_missing_values(array));
        if (!text)
            throw py::type_error(subject(options.method) + "takes integer keys or strings, got an array of dtype " +
                                 py::str(array.dtype()).cast<std::string>() +
                                 (kind == 'f' ? "; " + std::string(float_column_hint) : std::string()));
        return key_array::ensure(parse_texts(values, options.region, options.on_bad_text, true, options.method));
    }

    // Lists, tuples and other iterables: ints are keys as they are; anything else is parsed.
    if (!py::isinstance<py::list>(values) && !py::isinstance<py::tuple>(values)) values = py::list(values);
    const auto items = py::reinterpret_steal<py::object>(PySequence_Fast(values.ptr(), "numrep: expected a sequence"));
    if (!items) throw py::error_already_set();
    const auto count = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(items.ptr()));
    key_array out(output_array<std::uint64_t>(static_cast<py::ssize_t>(count)));
    std::uint64_t* data = out.mutable_data();
    bool all_integers = true;
    for (std::size_t i = 0; i < count; ++i) {
        const py::object item = held_item(items, i, options.method, "numbers");  // __index__ runs Python code
        // From the first value that is not an int, parse_texts reads the rest in order, so that
        // an error names the first bad row (a bad key after a missing value named the key).
        if (!is_integer(item)) {
            all_integers = false;
            break;
        }
        data[i] = key_as_given(item, options.method, i);
    }
    if (all_integers) return region_column_checked(out);
    return key_array::ensure(parse_texts(values, options.region, options.on_bad_text, true, options.method));
}

// ------------------------------------------------------------------------------ prefixes

std::uint64_t prefix_of(const py::handle& prefix) {
    if (py::isinstance<phone_number>(prefix)) return prefix.cast<phone_number>().key();
    if (is_integer(prefix)) {
        const py::int_ v = as_int(prefix);
        if (v < py::int_(1) || v > py::int_(detail::max_key))
            throw py::value_error("numrep: prefix " + repr_of(v) +
                                  " is not 1 to 15 digits (the start of an E.164 key)");
        return v.cast<std::uint64_t>();
    }
    if (!py::isinstance<py::str>(prefix))
        throw py::type_error("numrep: a prefix is a str of digits, an int or a PhoneNumber, got " + type_name(prefix));
    PyObject* text = prefix.ptr();
    const Py_ssize_t length = PyUnicode_GetLength(text);
    std::uint64_t digits = 0;
    unsigned count = 0;
    bool plus_allowed = true;
    for (Py_ssize_t i = 0; i < length; ++i) {
        const Py_UCS4 c = PyUnicode_ReadChar(text, i);
        // "+44 (0) 20": the trunk zero in parentheses right after a country code whose trunk
        // prefix is 0, which parse() drops (the number is +44 20...), is dropped here too (read
        // as a digit, it matched nothing). Elsewhere parse() keeps such a 0 ("+36 (0) 1" is
        // +36 01, "+1 (0) 202" +1 0202), or not, by rules a prefix is too short to apply: refused.
        if (c == '(' && i + 2 < length && PyUnicode_ReadChar(text, i + 1) == '0' &&
            PyUnicode_ReadChar(text, i + 2) == ')') {
            const auto home = count > 0 && count <= 3 ? region::for_country_code(static_cast<unsigned>(digits))
                                                      : std::optional<region>{};
            if (!home || home->national_prefix() != "0")
                throw py::value_error("numrep: prefix " + repr_of(prefix) + " has \"(0)\" at position " +
                                      std::to_string(i) +
                                      ", which numbers keep or drop by rules a prefix is too short for: write "
                                      "the prefix without it, or with the 0 as a digit if the numbers have it");
            i += 2;
            continue;
        }
        if (c >= '0' && c <= '9') {
            if (count == 0 && c == '0') {
                const bool dialled = i + 1 < length && PyUnicode_ReadChar(text, i + 1) == '0';
                throw py::value_error("numrep: prefix " + repr_of(prefix) +
                                      (dialled ? " starts with 00, an international dialling prefix: write '+' for it "
                                                 "(e.g. '+4420' for 004420)"
                                               : " starts with 0: give it in international form, with the country "
                                                 "code (e.g. '+84912' for 0912)"));
            }
            if (++count > static_cast<unsigned>(detail::max_key_digits))
                throw py::value_error("numrep: prefix " + repr_of(prefix) + " has more than 15 digits");
            digits = digits * 10 + (c - '0');
            plus_allowed = false;
        } else if (c == '+' && plus_allowed) {
            plus_allowed = false;
        } else if ((c == '-' || c == '.') && count == 0) {
            // "-84" read as the prefix 84 (the int -84 is refused): a dash or dot before any
            // digit is no separator between digit groups.
            throw py::value_error("numrep: prefix " + repr_of(prefix) + " has '" + static_cast<char>(c) +
                                  "' at position " + std::to_string(i) +
                                  " before its digits: a prefix is digits, optionally with '+' first and spaces, "
                                  "dashes, dots or parentheses between them");
        } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t') {
            // separators between digit groups
        } else {
            const py::str bad = py::reinterpret_steal<py::str>(PyUnicode_Substring(text, i, i + 1));
            throw py::value_error(
                "numrep: prefix " + repr_of(prefix) + " has " + repr_of(bad) + " at position " + std::to_string(i) +
                ": a prefix is digits, optionally with '+' first and spaces, dashes, dots or parentheses between them");
        }
    }
    if (count == 0) throw py::value_error("numrep: prefix " + repr_of(prefix) + " has no digits");
    return digits;
}

// ------------------------------------------------------------------------------ paths

namespace {

bool is_path(const py::handle& value) {
    return py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value) || py::hasattr(value, "__fspath__");
}

}  // namespace

std::filesystem::path path_of(const py::handle& path, std::string_view what) {
    if (!is_path(path))
        throw py::type_error("numrep: " + std::string(what) + " must be a str, bytes or os.PathLike, got " +
                             type_name(path));
    // os.fsdecode calls __fspath__ and decodes bytes with the file-system encoding and
    // "surrogateescape", which the path caster reverses: a bytes path reaches the OS unchanged.
    const py::str decoded = py::module_::import("os").attr("fsdecode")(path);
    // No file name holds a NUL (the caster's own refusal said "Unable to cast ... to C++ type '?'").
    if (decoded.attr("__contains__")(py::str("\0", 1)).cast<bool>())
        throw py::value_error("numrep: " + std::string(what) + " " + repr_of(decoded) + " has a null byte in it");
    // A lone surrogate other than U+DC80..U+DCFF (os.fsdecode's bytes) stands for no byte a file
    // name could hold (the caster's refusal said "Unable to cast ... to C++ type '?'").
    PyObject* encoded = PyUnicode_AsEncodedString(decoded.ptr(), "utf-8", "surrogateescape");
    if (encoded == nullptr) {
        PyErr_Clear();
        throw py::value_error("numrep: " + std::string(what) + " " + repr_of(decoded) +
                              " has a lone surrogate that stands for no byte of a file name");
    }
    Py_DECREF(encoded);
    return decoded.cast<std::filesystem::path>();
}

std::vector<std::filesystem::path> paths_of(const py::handle& paths, std::string_view what) {
    if (is_path(paths)) return {path_of(paths, what)};
    // Any iterable (a list, Path.glob's generator) but a dict, whose keys are no list of files.
    if (!py::isinstance<py::iterable>(paths) || py::isinstance<py::dict>(paths))
        throw py::type_error("numrep: " + std::string(what) +
                             " must be a str, bytes or os.PathLike, or a list of them, got " + type_name(paths));
    std::vector<std::filesystem::path> out;
    for (const py::handle item : paths)
        out.push_back(path_of(item, std::string(what) + "[" + std::to_string(out.size()) + "]"));
    return out;
}

// ------------------------------------------------------------------------------ times

namespace {

std::string time_forms(std::string_view what) {
    return "numrep: " + std::string(what) +
           " must be a datetime (naive: UTC), date, numpy.datetime64, pandas.Timestamp, unix seconds (int or float) "
           "or an ISO 8601 str such as \"2026-03-01\" or \"2026-03-01T12:00:00Z\"";
}

// A number of unix seconds, or, with exactly 8 or 14 digits, a date written YYYYMMDD[hhmmss]
// (20250303): the rule of time columns and of the CSV reader (parse_time), so that one value means
// one instant whether given as now=, default_time= or in a column. As seconds those would be
// 1970-04-26..1973-03-03 or past the year 5000.
[[noreturn]] void throw_no_date(const py::handle& value, std::string_view what) {
    throw py::value_error(time_forms(what) + "; " + repr_of(value) +
                          " is not a time: a number of 8 or 14 digits is a date, YYYYMMDD or YYYYMMDDhhmmss, as in a "
                          "time column, and this is no date");
}

std::int64_t seconds_or_date(std::int64_t seconds, const py::handle& value, std::string_view what) {
    const bool eight = seconds >= 10'000'000 && seconds < 100'000'000;
    const bool fourteen = seconds >= 10'000'000'000'000 && seconds < 100'000'000'000'000;
    if (!eight && !fourteen) return seconds;
    if (const auto t = parse_time(std::to_string(seconds))) return *t;
    throw_no_date(value, what);
}

// Whether a text parse_time refused is 8 or 14 digits (blanks around them aside): no date, which
// is why (as unix seconds, "12345678" looks fine to whoever wrote it).
bool digits_of_a_date(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return (text.size() == 8 || text.size() == 14) &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t seconds_of_double(double seconds, const py::handle& value, std::string_view what) {
    if (!std::isfinite(seconds) || std::fabs(seconds) > 9.2e18)
        throw py::value_error(time_forms(what) + "; " + repr_of(value) + " is not a time");
    // Down to the second before (as datetime64's seconds and a datetime's are), also before 1970.
    return static_cast<std::int64_t>(std::floor(seconds));
}

}  // namespace

namespace {

// A numpy.datetime64 in whole unix seconds, rounded down. NumPy's own conversion to seconds is
// wrong at the ends: from days and coarser units it wraps around silently (2**60 days was
// 1970-01-01), and from attoseconds it overflows on the way (2**62 as, 4.6 s, was an error).
std::int64_t datetime64_seconds(const py::handle& value, const py::module_& numpy, std::string_view what) {
    const py::tuple unit_and_count = numpy.attr("datetime_data")(value.attr("dtype"));
    const auto unit = unit_and_count[0].cast<std::string>();
    const py::int_ count = unit_and_count[1];
    const py::int_ ticks = value.attr("astype")("int64").attr("item")();
    constexpr std::pair<const char*, int> finer[] = {{"ms", 3},  {"us", 6},  {"ns", 9},
                                                     {"ps", 12}, {"fs", 15}, {"as", 18}};
    for (const auto& [name, digits] : finer) {
        if (unit != name) continue;  // ticks * count / 10^digits, rounded down, in Python's ints
        const py::object seconds = (ticks * count).attr("__floordiv__")(py::int_(10).attr("__pow__")(digits));
        return seconds.cast<std::int64_t>();
    }
    const py::object seconds = value.attr("astype")("datetime64[s]");
    if (!seconds.attr("astype")(value.attr("dtype")).equal(value))  // wrapped around
        throw py::value_error("numrep: " + std::string(what) + " " + repr_of(value) +
                              " is out of the years 1 to 9999 that times may have");
    return seconds.attr("astype")("int64").cast<std::int64_t>();
}

// A time in any form time_of takes, in unix seconds, unchecked for range.
std::int64_t any_time_of(const py::handle& value, std::string_view what) {
    if (PyBool_Check(value.ptr()) || value.is_none())
        throw py::type_error(time_forms(what) + ", not " + type_name(value));
    if (py::isinstance<py::str>(value)) {
        const std::string text = utf8_of(value);
        if (const auto t = parse_time(text)) return *t;
        if (digits_of_a_date(text)) throw_no_date(value, what);
        throw py::value_error(time_forms(what) + "; " + repr_of(value) + " is not a time");
    }
    const py::module_ datetime = py::module_::import("datetime");
    const py::object utc = datetime.attr("timezone").attr("utc");
    if (py::isinstance(value, datetime.attr("datetime"))) {  // pandas.Timestamp too
        if (type_name(value) == "NaTType") throw py::value_error(time_forms(what) + "; got NaT (no time)");  // pandas
        py::object aware = py::reinterpret_borrow<py::object>(value);
        // Naive as Python has it (no tzinfo, or one without an offset): UTC, as report times are.
        if (value.attr("utcoffset")().is_none()) aware = value.attr("replace")(py::arg("tzinfo") = utc);
        // Whole seconds since 1970 counted exactly (a timestamp() double rounds 9999-12-31
        // 23:59:59.999999 up into the year 10000), down to the second before, as datetime64's.
        const py::object since = aware - datetime.attr("datetime")(1970, 1, 1, py::arg("tzinfo") = utc);
        const py::int_ seconds = py::int_(since.attr("days")) * py::int_(86400) + py::int_(since.attr("seconds"));
        const long long s = PyLong_AsLongLong(seconds.ptr());
        if (s == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            throw py::value_error(time_forms(what) + "; " + repr_of(value) + " is out of range");
        }
        return s;
    }
    if (py::isinstance(value, datetime.attr("date"))) {  // a day: its midnight, UTC
        const py::object midnight = datetime.attr("datetime")(value.attr("year"), value.attr("month"),
                                                              value.attr("day"), py::arg("tzinfo") = utc);
        return seconds_of_double(midnight.attr("timestamp")().cast<double>(), value, what);
    }
    if (is_integer(value)) {
        const py::int_ v = as_int(value);
        const long long s = PyLong_AsLongLong(v.ptr());
        if (s == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            throw py::value_error(time_forms(what) + "; " + repr_of(value) + " is out of range");
        }
        return seconds_or_date(s, value, what);
    }
    if (py::isinstance<py::float_>(value))
        return seconds_or_date(seconds_of_double(value.cast<double>(), value, what), value, what);
    const py::module_ numpy = py::module_::import("numpy");
    if (py::isinstance(value, numpy.attr("datetime64"))) {
        if (numpy.attr("isnat")(value).cast<bool>()) throw py::value_error(time_forms(what) + "; got NaT (no time)");
        return datetime64_seconds(value, numpy, what);
    }
    if (py::isinstance(value, numpy.attr("floating"))) {
        // A float32 keeps 24 bits: today's unix seconds in steps of 128 (np.float32(1710072000)
        // is 1710072064). Refused, as float32 columns of numbers are, rather than moved a minute.
        if (value.attr("dtype").attr("itemsize").cast<int>() < 8)
            throw py::type_error(time_forms(what) + ", not " + type_name(value) +
                                 ", which cannot hold unix seconds to the second (" + repr_of(value) + " is read as " +
                                 py::repr(py::float_(py::reinterpret_borrow<py::object>(value))).cast<std::string>() +
                                 "): give an int or a float64");
        return seconds_or_date(seconds_of_double(py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>(),
                                                 value, what),
                               value, what);
    }
    throw py::type_error(time_forms(what) + ", not " + type_name(value));
}

}  // namespace

std::int64_t time_of(const py::handle& value, std::string_view what) {
    // A time in milliseconds or nanoseconds given as seconds lands tens of thousands of years on;
    // it was judged then (every number decayed to clean) and failed only later, in as_of, without
    // naming `what`.
    const std::int64_t seconds = any_time_of(value, what);
    if (seconds < earliest_time)
        throw py::value_error("numrep: " + std::string(what) + " " + repr_of(value) +
                              " is before the year 1, out of the years 1 to 9999 that times may have");
    if (seconds > latest_time) {
        const std::int64_t year = detail::civil_from_days(seconds / 86400).year;
        // The hint is for numbers (digits in a str too): a date of the year 10000 is no unit mistake.
        const py::module_ datetime = py::module_::import("datetime");
        const bool number = !py::isinstance(value, datetime.attr("date")) &&  // datetime is a date
                            !py::isinstance(value, py::module_::import("numpy").attr("datetime64"));
        throw py::value_error(
            "numrep: " + std::string(what) + " " + repr_of(value) + " is in the year " + std::to_string(year) +
            ", out of the years 1 to 9999 that times may have" +
            (number ? "; unix times are in seconds (one in milliseconds is 1000 times too large)" : ""));
    }
    return seconds;
}

std::int64_t time_or_now(const py::handle& value, std::string_view what) {
    return value.is_none() ? reputation_db::now_seconds() : time_of(value, what);
}

}  // namespace numrep::python
