// TrieStore: numrep::trie_store for Python, as a set (trie_store<void>) or a map to unsigned
// integers (trie_store<std::uint64_t>: values of any unsigned width are widened to 64 bits in
// Python; the store bit-packs them to the width the largest needs anyway). A store never
// changes after it is built and its C++ queries are noexcept and thread-safe, so there is no
// lock: build, batch queries, save, open, load and the byte conversions release the GIL.
#include "arrow_column.hpp"
#include "common.hpp"

#include <pybind11/gil.h>
#include <pybind11/stl/filesystem.h>

#include <numrep/trie_store.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace numrep::python {

namespace {

using set_store = trie_store<void>;
using map_store = trie_store<std::uint64_t>;
using value_array = py::array_t<std::uint64_t, py::array::c_style>;

// The Python object. Never reassigned after construction, so iterators may point into it.
struct trie_holder {
    std::variant<set_store, map_store> store;
};
using holder_ptr = std::unique_ptr<trie_holder>;

template <class Store>
holder_ptr make_holder(Store&& s) {
    return std::make_unique<trie_holder>(trie_holder{std::forward<Store>(s)});
}

template <class Fn>
decltype(auto) visit(const trie_holder& h, Fn&& fn) {
    return std::visit(std::forward<Fn>(fn), h.store);
}

const map_store& values_of(const trie_holder& h, const char* method) {
    if (const auto* m = std::get_if<map_store>(&h.store)) return *m;
    throw py::type_error(std::string("numrep: TrieStore.") + method +
                         ": this store is a set (built with values=None) and has no values; use `in` or contains_many");
}

std::string format_double(const char* format, double v) {
    char buffer[64];
    const int n = std::snprintf(buffer, sizeof buffer, format, v);
    return std::string(buffer, static_cast<std::size_t>(n > 0 ? n : 0));
}

std::optional<py::object> to_numpy_if_frame(const py::object& values) {
    // pandas Series / Index and Arrow arrays: by position, as a NumPy array. pyarrow copies when
    // it must (decimals, strings: then named as the values they are, below), where by default
    // it raised its own "zero_copy_only" error.
    if (py::isinstance<py::array>(values) || !py::hasattr(values, "to_numpy")) return std::nullopt;
    if (origin_of(values) == column_origin::pyarrow) return values.attr("to_numpy")(py::arg("zero_copy_only") = false);
    return values.attr("to_numpy")();
}

// Keys of a batch (convert.hpp): integer arrays and lists as they are (a negative key is a
// ValueError naming it and its index), strings parsed with errors="raise" (a ParseError naming
// an unparseable item). Keys that no store can hold (0, more than 15 digits) are rejected by
// build and simply not found by queries.
key_array keys_from_batch(const numbers_arg& input, const regions_arg& home, const char* method,
                          bool copy_callers_keys = false) {
    const std::string name = std::string("TrieStore.") + method;
    return keys_of(input, {.method = name, .region = home, .copy_callers_keys = copy_callers_keys});
}

// The first missing value (None, NaN, NA, a null) of a pandas, polars or pyarrow column, if any:
// their NumPy forms would hide it (floats with NaN) or refuse (pyarrow's to_numpy).
std::optional<std::size_t> first_missing(const py::object& values) {
    const column_origin origin = origin_of(values);
    const char* method = origin == column_origin::pandas                                       ? "isna"
                         : origin == column_origin::polars || origin == column_origin::pyarrow ? "is_null"
                                                                                               : nullptr;
    // One column only: a 2-D frame's flattened index would name the wrong value (the shape is
    // refused below, as for any values).
    if (method == nullptr || !py::hasattr(values, method) ||
        (py::hasattr(values, "ndim") && values.attr("ndim").cast<int>() != 1))
        return std::nullopt;
    const py::module_ numpy = py::module_::import("numpy");
    const py::array where = numpy.attr("flatnonzero")(numpy.attr("asarray")(values.attr(method)(), "bool"));
    if (where.size() == 0) return std::nullopt;
    return as_int(where[py::int_(0)]).cast<std::size_t>();
}

[[noreturn]] void missing_value(std::size_t index) {
    throw py::value_error("numrep: TrieStore.build: value at index " + std::to_string(index) +
                          " is missing (values are unsigned integers, one per key)");
}

// Values for build: unsigned or non-negative integers, one per key.
value_array values_from(const py::object& input, std::size_t key_count) {
    if (const auto missing = first_missing(input)) missing_value(*missing);
    py::object values = unmasked(to_numpy_if_frame(input).value_or(input));
    value_array out;
    if (py::isinstance<py::array>(values) && py::reinterpret_borrow<py::array>(values).dtype().kind() != 'O') {
        const auto array = py::reinterpret_borrow<py::array>(values);
        if (array.ndim() != 1) throw py::value_error("numrep: TrieStore.build: values must be a one-dimensional array");
        const char kind = array.dtype().kind();
        if (kind == 'i') {
            const py::array negative = py::module_::import("numpy").attr("flatnonzero")(array.attr("__lt__")(0));
            if (negative.size() > 0) {
                const py::object at = negative[py::int_(0)];
                throw py::value_error("numrep: TrieStore.build: value at index " + repr_of(as_int(at)) + " is " +
                                      repr_of(as_int(py::object(array[at]))) +
                                      ", which is negative (values are unsigned integers)");
            }
        } else if (kind != 'u') {
            throw py::type_error("numrep: TrieStore.build: values must be unsigned integers, got an array of dtype " +
                                 py::str(array.dtype()).cast<std::string>());
        }
        out = value_array::ensure(py::module_::import("numpy").attr("ascontiguousarray")(array, "uint64"));
    } else {
        if (py::isinstance<py::str>(values) || py::isinstance<py::bytes>(values))
            throw py::type_error("numrep: TrieStore.build: values must be a list or array of integers, not a string");
        // A mapping or a set has no order of its own to pair with the keys: a dict gave its keys
        // as the values, a set its hash order.
        const py::module_ abc = py::module_::import("collections.abc");
        if (py::isinstance(values, abc.attr("Mapping")) || py::isinstance(values, abc.attr("Set")))
            throw py::type_error(
                "numrep: TrieStore.build: values must be a list or array of integers in the keys' "
                "order, not " +
                a_or_an(type_name(values)) +
                " (for a dict of key -> value, pass list(d) and "
                "list(d.values()))");
        if (!py::isinstance<py::iterable>(values))
            throw py::type_error("numrep: TrieStore.build: values must be a list or array of integers, not " +
                                 a_or_an(type_name(values)));
        if (!py::isinstance<py::list>(values) && !py::isinstance<py::tuple>(values) &&
            !py::isinstance<py::array>(values))
            values = py::list(values);
        const auto items = py::reinterpret_borrow<py::sequence>(values);
        const std::size_t count = py::len(items);
        out = value_array(static_cast<py::ssize_t>(count));
        std::uint64_t* data = out.mutable_data();
        for (std::size_t i = 0; i < count; ++i) {
            const py::object item = items[i];
            if (item.is_none()) missing_value(i);  // as in a frame (a masked entry is one too)
            if (!is_integer(item))
                throw py::type_error("numrep: TrieStore.build: value at index " + std::to_string(i) + " is " +
                                     a_or_an(type_name(item)) + ", expected an int");
            data[i] = to_u64(item, "TrieStore.build: value at index " + std::to_string(i));
        }
    }
    if (static_cast<std::size_t>(out.size()) != key_count)
        throw py::value_error("numrep: TrieStore.build: " + std::to_string(key_count) + " keys but " +
                              std::to_string(out.size()) + " values");
    return out;
}

holder_ptr build_named(const numbers_arg& keys_in, const typed<names::values>& values_in,
                       const typed<names::merge>& merge, const regions_arg& home);

// TrieStore.build: the C++ build's refusals (key 0, a key of 16 digits, too many keys) under the
// name Python callers know, as this binding's own messages are ("trie_store::build: key 0 ...").
holder_ptr build(const numbers_arg& keys_in, const typed<names::values>& values_in, const typed<names::merge>& merge,
                 const regions_arg& home) {
    try {
        return build_named(keys_in, values_in, merge, home);
    } catch (const std::invalid_argument& e) {
        const std::string_view message = e.what();
        constexpr std::string_view cpp_name = "numrep: trie_store::build: ";
        if (!message.starts_with(cpp_name)) throw;  // a ParseError and the like, as they are
        throw py::value_error("numrep: TrieStore.build: " + std::string(message.substr(cpp_name.size())));
    }
}

holder_ptr build_named(const numbers_arg& keys_in, const typed<names::values>& values_in,
                       const typed<names::merge>& merge, const regions_arg& home) {
    std::optional<merge_policy> policy;
    if (py::isinstance<py::str>(merge)) {
        const auto name = merge.cast<std::string>();
        if (name == "sum") policy = merge_policy::sum;
        else if (name == "max")
            policy = merge_policy::max;
        else if (name == "last")
            policy = merge_policy::last;
        else
            throw py::value_error(
                "numrep: TrieStore.build: merge must be \"sum\", \"max\", \"last\" or a function (a, b) -> int, got " +
                repr_of(merge));
    } else if (!PyCallable_Check(merge.ptr())) {
        throw py::type_error(
            "numrep: TrieStore.build: merge must be \"sum\", \"max\", \"last\" or a function (a, b) -> int, got " +
            repr_of(merge));
    }
    // The build checks the keys, then lays them out, without the GIL: another thread writing a
    // 0 or a key of 16 digits into the caller's own array in between reached the layout
    // unchecked (a crash). It builds from a copy.
    const key_array keys = keys_from_batch(keys_in, home, "build", true);
    const std::span<const std::uint64_t> key_span(keys.data(), static_cast<std::size_t>(keys.size()));
    if (values_in.is_none()) {
        py::gil_scoped_release unlocked;
        return make_holder(set_store::build(key_span));
    }
    const value_array values = values_from(values_in, key_span.size());
    const std::span<const std::uint64_t> value_span(values.data(), static_cast<std::size_t>(values.size()));
    if (policy) {
        py::gil_scoped_release unlocked;
        return make_holder(map_store::build(key_span, value_span, *policy));
    }
    // A Python function: called with the GIL held, in input order for each repeated key.
    return make_holder(map_store::build(key_span, value_span, [&](std::uint64_t a, std::uint64_t b) -> std::uint64_t {
        // Made only for a message: this runs once per repeated key.
        const auto call = [&] { return "merge(" + std::to_string(a) + ", " + std::to_string(b) + ")"; };
        py::object merged;
        try {
            merged = merge(a, b);
        } catch (py::error_already_set& e) {
            // The function's own exception, as it raised it, with a note of the call (PEP 678,
            // Python 3.11 and later).
            if (py::hasattr(e.value(), "add_note"))
                e.value().attr("add_note")("numrep: raised by TrieStore.build's " + call() + " for a repeated key");
            throw;
        }
        if (!is_integer(merged))
            throw py::type_error("numrep: TrieStore.build: " + call() + " returned " + a_or_an(type_name(merged)) +
                                 " (" + repr_of(merged) + "), expected an int");
        // An int that fits as it is; anything else (negative, too large, a NumPy integer) through
        // to_u64, which names what is wrong.
        const unsigned long long value = PyLong_AsUnsignedLongLong(merged.ptr());
        if (value != static_cast<unsigned long long>(-1) || PyErr_Occurred() == nullptr) return value;
        PyErr_Clear();
        return to_u64(merged, "TrieStore.build: " + call());
    }));
}

// The value kind a trie_store file declares: its third header parameter (bytes 80-87; see
// detail/file_format.hpp and trie_store's parameter list: 0 no values, 1 unsigned integers,
// 2 report records), or nullopt when the bytes do not start like a trie_store file.
std::optional<std::uint64_t> declared_value_kind(std::span<const std::byte> bytes) {
    namespace at = detail::header_offset;
    constexpr std::size_t kind_at = at::params + 2 * 8;
    if (bytes.size() < kind_at + 8) return std::nullopt;
    if (!std::equal(detail::file_magic.begin(), detail::file_magic.end(), bytes.begin())) return std::nullopt;
    if (detail::load_le<std::uint32_t>(bytes.data() + at::kind) != static_cast<std::uint32_t>(store_kind::trie_store))
        return std::nullopt;
    return detail::load_le<std::uint64_t>(bytes.data() + kind_at);
}

std::optional<std::uint64_t> declared_value_kind(const std::filesystem::path& path) {
    std::array<std::byte, detail::file_fixed_header_size> header{};
    // Only a regular file is read here: opening a FIFO blocked until a writer came (the
    // opener refuses it, naming why).
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;  // opening it again reports why
    in.read(reinterpret_cast<char*>(header.data()), static_cast<std::streamsize>(header.size()));
    return declared_value_kind(std::span<const std::byte>(header.data(), static_cast<std::size_t>(in.gcount())));
}

// Opens a file or bytes as the store type its header declares: a map for integer values, a
// set otherwise. Anything else (number_record values, damage) is then the C++ reader's
// FormatError, which says what the file holds and what is wrong.
template <class Source, class Open>
holder_ptr open_either(const Source& source, Open&& open) {
    const auto kind = declared_value_kind(source);
    if (kind && *kind != 0) return make_holder(open(std::type_identity<map_store>{}));
    return make_holder(open(std::type_identity<set_store>{}));
}

// A contiguous buffer (bytes, bytearray, memoryview, NumPy array) held for the duration of a
// call; a bytearray cannot be resized meanwhile, so its bytes stay valid without the GIL.
struct held_buffer {
    explicit held_buffer(const py::object& data) {
        if (PyObject_GetBuffer(data.ptr(), &view, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    }
    ~held_buffer() { PyBuffer_Release(&view); }
    held_buffer(const held_buffer&) = delete;
    held_buffer& operator=(const held_buffer&) = delete;
    std::span<const std::byte> bytes() const noexcept {
        return {static_cast<const std::byte*>(view.buf), static_cast<std::size_t>(view.len)};
    }
    Py_buffer view{};
};

holder_ptr from_bytes(const py::buffer& data) {
    const held_buffer buffer(data);
    py::gil_scoped_release unlocked;
    return open_either(buffer.bytes(), [&](auto tag) { return decltype(tag)::type::from_bytes(buffer.bytes()); });
}

// Whether two stores hold the same keys and values: one walk over both, in key order.
bool same_contents(const trie_holder& a, const trie_holder& b) {
    if (a.store.index() != b.store.index()) return false;
    py::gil_scoped_release unlocked;
    return visit(a, [&](const auto& x) {
        const auto& y = std::get<std::decay_t<decltype(x)>>(b.store);
        if (x.size() != y.size()) return false;
        for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
            if (*i != *j) return false;
            if constexpr (!std::is_same_v<std::decay_t<decltype(x)>, set_store>)
                if (x.value_at(i.index()) != y.value_at(j.index())) return false;
        }
        return true;
    });
}

py::bytes to_py_bytes(const trie_holder& h) {
    std::vector<std::byte> bytes;
    {
        py::gil_scoped_release unlocked;
        bytes = visit(h, [](const auto& s) { return s.to_bytes(); });
    }
    return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// ts.keys(prefix): ascending keys under a prefix. Holds a reference to its store.
struct key_iterator {
    template <class Store>
    using range = std::pair<typename Store::iterator, typename Store::iterator>;

    py::object owner;
    std::variant<range<set_store>, range<map_store>> at;
    std::size_t remaining = 0;

    std::uint64_t next() {
        return std::visit(
            [&](auto& r) -> std::uint64_t {
                if (r.first == r.second) throw py::stop_iteration();
                const std::uint64_t key = *r.first;
                ++r.first;
                --remaining;
                return key;
            },
            at);
    }
};

key_iterator make_key_iterator(const py::object& owner, const py::object& prefix_in) {
    const auto& h = owner.cast<const trie_holder&>();
    const std::uint64_t prefix = prefix_in.is_none() ? 0 : prefix_of(prefix_in);
    key_iterator it;
    it.owner = owner;
    std::visit(
        [&](const auto& s) {
            const auto keys = s.keys(prefix);
            it.at = std::pair(keys.begin(), keys.end());
            it.remaining = s.count_prefix(prefix);
        },
        h.store);
    return it;
}

}  // namespace

void register_trie(py::module_& m) {
    py::class_<key_iterator>(m, "TrieStoreKeyIterator", "Ascending int keys of a TrieStore (iter(store)).")
        .def("__reduce__", refuse_pickling("TrieStoreKeyIterator", "pickle the TrieStore, or a list of its keys"))
        .def(
            "__iter__", [](key_iterator& it) -> key_iterator& { return it; },
            py::return_value_policy::reference_internal)
        .def("__next__", [](key_iterator& it) -> std::uint64_t { return it.next(); })
        .def("__length_hint__", [](const key_iterator& it) -> std::size_t { return it.remaining; });

    py::class_<trie_holder> cls(
        m, "TrieStore",
        "A static, exact set of phone numbers (E.164 int keys of any country, 1 to 15 digits), optionally with an\n"
        "unsigned integer per number, in close to the information-theoretic minimum of space (a succinct trie:\n"
        "dense top digit levels over Elias-Fano coded lower digits). Build it once with TrieStore.build; it never\n"
        "changes afterwards, so every method may be called from any number of threads (no lock needed).\n"
        "\n"
        "Single calls (get, contains, `in`, rank) take str (parsed with `region=`, DEFAULT_REGION unless given), int\n"
        "keys or PhoneNumber. Batch calls (contains_many, get_many) take NumPy integer arrays (e.g. from parse_many)\n"
        "as they are, or lists of ints or strings, and release the GIL. Values are returned as uint64 whatever the "
        "dtype they were given in.");

    cls.def_static(
        "build", &build, py::arg("keys"), py::arg("values") = py::none(), py::arg("merge") = "sum", py::kw_only(),
        py::arg("region") = default_region_code(),
        "Build a store from `keys` in any order: a NumPy integer array, a list of ints, a list or array of str\n"
        "(parsed as parse_many(keys, region, errors=\"raise\"): an unparseable item raises ParseError naming it), or\n"
        "a pandas Series. values=None gives a set; otherwise `values` (NumPy unsigned or non-negative integer array,\n"
        "or a list of ints up to 2**64 - 1, one per key) gives a map. A key given more than once has its values "
        "combined by\n"
        "`merge`: \"sum\" (saturating at 2**64 - 1), \"max\", \"last\" (the value given last), or a function\n"
        "merge(accumulated, next) -> int called in input order. A key that is 0, negative or longer than 15 digits\n"
        "is a ValueError naming it. Releases the GIL (except while calling a merge function).");

    cls.def("__len__",
            [](const trie_holder& h) -> std::size_t { return visit(h, [](const auto& s) { return s.size(); }); })
        .def(
            "__eq__",
            [](const trie_holder& a, const typed<names::object>& other) -> typed<names::boolean> {
                if (!py::isinstance<trie_holder>(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
                return py::bool_(same_contents(a, other.cast<const trie_holder&>()));
            },
            py::arg("other"),
            "The same keys and, for stores with values, the same value for each (how each was made or opened\n"
            "does not matter); a set never equals a store with values.")
        .def(
            "__contains__",
            [](const trie_holder& h, const number_arg& number) -> bool {
                const std::uint64_t key = key_of(number, default_region());
                return visit(h, [&](const auto& s) { return s.contains(key); });
            },
            py::arg("number"))
        .def(
            "contains",
            [](const trie_holder& h, const number_arg& number, const region_arg& home) -> bool {
                const std::uint64_t key = key_of(number, home);
                return visit(h, [&](const auto& s) { return s.contains(key); });
            },
            py::arg("number"), py::kw_only(), py::arg("region") = default_region_code(),
            "`number in ts` with a region for national forms.")
        .def(
            "get",
            [](const trie_holder& h, const number_arg& number, const typed<names::optional_int>& default_,
               const region_arg& home) -> typed<names::optional_int> {
                const map_store& s = values_of(h, "get");
                const auto v = s.find(key_of(number, home));
                if (v) return py::int_(*v);
                return default_;
            },
            py::arg("number"), py::arg("default") = py::none(), py::kw_only(),
            py::arg("region") = default_region_code(),
            "The value of `number` (str parsed with `region`, int key or PhoneNumber), or `default` if absent.\n"
            "TypeError for a set.")
        .def(
            "rank",
            [](const trie_holder& h, const number_arg& number, const region_arg& home) -> std::size_t {
                const std::uint64_t key = key_of(number, home);
                return visit(h, [&](const auto& s) { return s.rank(key); });
            },
            py::arg("number"), py::kw_only(), py::arg("region") = default_region_code(),
            "Number of keys smaller than `number`'s key: its position in ascending order if present.")
        .def(
            "select",
            [](const trie_holder& h, const typed<names::index>& index) -> std::uint64_t {
                // Any int, or what has __index__ (NumPy's): beyond 64 bits an IndexError, as a list
                // says, not pybind11's TypeError for an argument it cannot convert.
                // A bool is an int to Python; select(True) answered the second key (numrep refuses
                // bools for keys, seeds and sizes alike).
                if (PyBool_Check(index.ptr()))
                    throw py::type_error("numrep: TrieStore.select takes an int index, not a bool");
                const auto as_int = py::reinterpret_steal<py::object>(PyNumber_Index(index.ptr()));
                if (!as_int) throw py::error_already_set();
                const auto size = static_cast<long long>(visit(h, [](const auto& s) { return s.size(); }));
                int overflow = 0;
                const long long i = PyLong_AsLongLongAndOverflow(as_int.ptr(), &overflow);
                const long long at = overflow != 0 ? -1 : i < 0 ? i + size : i;
                if (at < 0 || at >= size)
                    throw py::index_error("numrep: TrieStore.select: index " + py::str(as_int).cast<std::string>() +
                                          " is out of range for " + std::to_string(size) + " keys");
                return visit(h, [&](const auto& s) { return *s.select(static_cast<std::size_t>(at)); });
            },
            py::arg("i"),
            "The key at position i in ascending order (negative i counts from the end); IndexError out of range.")
        .def(
            "count_prefix",
            [](const trie_holder& h, const prefix_arg& prefix) -> std::size_t {
                const std::uint64_t p = prefix_of(prefix);
                return visit(h, [&](const auto& s) { return s.count_prefix(p); });
            },
            py::arg("prefix"),
            "Number of keys whose digits start with `prefix`, keys of every length included: \"+8491234\", \"84 "
            "912-34\",\n"
            "8491234 or a PhoneNumber. A str may have a leading '+' and spaces, dashes, dots or parentheses between\n"
            "digits; letters, other characters, a leading 0 (a national form) or more than 15 digits are a "
            "ValueError.\n"
            "Takes time independent of the count.")
        .def(
            "keys",
            [](const trie_holder& h, const optional_prefix_arg& prefix) -> py::array_t<std::uint64_t> {
                const std::uint64_t p = prefix.is_none() ? 0 : prefix_of(prefix);
                return visit(h, [&](const auto& s) {
                    py::array_t<std::uint64_t> out(static_cast<py::ssize_t>(s.count_prefix(p)));
                    std::uint64_t* at = out.mutable_data();
                    py::gil_scoped_release unlocked;
                    for (const std::uint64_t key : s.keys(p)) *at++ = key;
                    return out;
                });
            },
            py::arg("prefix") = py::none(),
            "The keys under `prefix` (as count_prefix; None: every key), ascending, as a NumPy uint64 array (as\n"
            "ReputationDB.keys). Releases the GIL. To walk a huge store without the array, iterate the store.")
        .def(
            "__iter__", [](const py::object& self) -> key_iterator { return make_key_iterator(self, py::none()); },
            "Every key in ascending order, one at a time (the iterator keeps the store alive).");

    cls.def(
           "contains_many",
           [](const trie_holder& h, const numbers_arg& keys, const regions_arg& home) -> py::array_t<bool> {
               const key_array in = keys_from_batch(keys, home, "contains_many");
               const auto count = static_cast<std::size_t>(in.size());
               auto out = output_array<bool>(static_cast<py::ssize_t>(count));
               const std::span<const std::uint64_t> key_span(in.data(), count);
               const std::span<bool> out_span(out.mutable_data(), count);
               py::gil_scoped_release unlocked;
               for_each_range(count, [&](std::size_t begin, std::size_t end) {
                   visit(h, [&](const auto& s) {
                       return s.contains_batch(key_span.subspan(begin, end - begin),
                                               out_span.subspan(begin, end - begin));
                   });
               });
               return out;
           },
           py::arg("keys"), py::kw_only(), py::arg("region") = default_region_code(),
           "Membership of each key as a NumPy bool array. Keys: a NumPy integer array (used as is; 0 or keys\n"
           "longer than 15 digits are simply absent), a list of ints, or a list / array of str parsed with `region`\n"
           "(ParseError naming an unparseable item). Releases the GIL.")
        .def(
            "get_many",
            [](const trie_holder& h, const numbers_arg& keys, const int_arg& default_,
               const regions_arg& home) -> std::pair<py::array_t<std::uint64_t>, py::array_t<bool>> {
                const map_store& s = values_of(h, "get_many");
                require_int(default_.value,
                            "TrieStore.get_many: default must be an int (the value of keys not in the "
                            "store, which the found column tells apart)");
                const std::uint64_t missing = to_u64(default_.value, "TrieStore.get_many: default");
                const key_array in = keys_from_batch(keys, home, "get_many");
                const auto count = static_cast<std::size_t>(in.size());
                auto values = output_array<std::uint64_t>(static_cast<py::ssize_t>(count));
                auto found = output_array<bool>(static_cast<py::ssize_t>(count));
                const std::span<const std::uint64_t> key_span(in.data(), count);
                const std::span<std::uint64_t> value_span(values.mutable_data(), count);
                // bool and uint8 have the same size; writing bytes through unsigned char is allowed.
                static_assert(sizeof(bool) == sizeof(std::uint8_t));
                const std::span<std::uint8_t> found_span(reinterpret_cast<std::uint8_t*>(found.mutable_data()), count);
                {
                    py::gil_scoped_release unlocked;
                    for_each_range(count, [&](std::size_t begin, std::size_t end) {
                        const std::size_t n = end - begin;
                        s.find_batch(key_span.subspan(begin, n), value_span.subspan(begin, n),
                                     found_span.subspan(begin, n), missing);
                    });
                }
                return {std::move(values), std::move(found)};
            },
            py::arg("keys"), py::arg("default") = int_arg{py::int_(0)}, py::kw_only(),
            py::arg("region") = default_region_code(),
            "(values, found) for a batch of keys (inputs as contains_many): a uint64 array holding each key's value,\n"
            "or `default` (0 unless given) where the key is absent, and a bool array saying which keys were found.\n"
            "TypeError for a set. Releases the GIL.");

    cls.def_property_readonly(
           "has_values", [](const trie_holder& h) -> bool { return std::holds_alternative<map_store>(h.store); },
           "True for a map (built with values), False for a set.")
        .def_property_readonly(
            "bits_per_key",
            [](const trie_holder& h) -> double { return visit(h, [](const auto& s) { return s.bits_per_key(); }); },
            "Bits per key of the key structure (values not included); 0.0 for an empty store.")
        .def_property_readonly(
            "size_in_bytes",
            [](const trie_holder& h) -> std::size_t {
                return visit(h, [](const auto& s) { return s.size_in_bytes(); });
            },
            "Bytes of the whole store: its file size, keys, values and header.")
        .def_property_readonly(
            "key_bytes",
            [](const trie_holder& h) -> std::size_t { return visit(h, [](const auto& s) { return s.key_bytes(); }); },
            "Bytes of the key structure.")
        .def_property_readonly(
            "value_bytes",
            [](const trie_holder& h) -> std::size_t { return visit(h, [](const auto& s) { return s.value_bytes(); }); },
            "Bytes of the values (a few for a set: the empty value sections).");

    cls.def(
           "save",
           [](const trie_holder& h, const path_arg& path_in) -> void {
               const std::filesystem::path path = path_of(path_in);
               py::gil_scoped_release unlocked;
               visit(h, [&](const auto& s) { s.save(path); });
           },
           py::arg("path"),
           "Write the store to `path` (str or PathLike) atomically, in numrep's store format (readable from C++).")
        .def_static(
            "open",
            [](const path_arg& path_in, const verify_arg& verify_mode) -> holder_ptr {
                const std::filesystem::path path = path_of(path_in);
                const verify check = verify_from(verify_mode);
                py::gil_scoped_release unlocked;
                return open_either(path, [&](auto tag) { return decltype(tag)::type::open(path, check); });
            },
            py::arg("path"), py::kw_only(), py::arg("verify") = verify_arg{},
            "Map a saved store read-only and query it in place (zero copy). verify=\"full\" (default) checks the\n"
            "checksum and every internal invariant first; verify=\"header\" checks sizes only (a corrupted store may\n"
            "then answer wrongly, never crash). FormatError for a damaged or foreign file, OSError if unreadable.")
        .def_static(
            "load",
            [](const path_arg& path_in) -> holder_ptr {
                const std::filesystem::path path = path_of(path_in);
                py::gil_scoped_release unlocked;
                return open_either(path, [&](auto tag) { return decltype(tag)::type::load(path); });
            },
            py::arg("path"),
            "Read a saved store into memory (fully verified). FormatError for a damaged or foreign file.")
        .def(
            "to_bytes", [](const trie_holder& h) -> py::bytes { return to_py_bytes(h); },
            "The store in the file format, as bytes.")
        .def_static(
            "from_bytes", [](const py::buffer& data) -> holder_ptr { return from_bytes(data); }, py::arg("data"),
            "A store from to_bytes() output (bytes, bytearray, memoryview or any contiguous buffer), fully\n"
            "verified. FormatError for damaged bytes.")
        // __reduce__ rather than py::pickle: it serves every pickle protocol, 0 and 1 included.
        .def("__reduce__",
             [](const trie_holder& h) -> typed<names::trie_state> {
                 const py::object restore = py::module_::import("numrep._core").attr("_trie_store_from_state");
                 return py::make_tuple(restore, py::make_tuple(to_py_bytes(h)));
             })
        .def(
            "_repr_html_", [](const py::object& self) { return html_of(self, "trie_html"); },
            "The notebook form (Jupyter shows it): a table of what this is.")
        .def("__repr__", [](const trie_holder& h) -> std::string {
            return visit(h, [&](const auto& s) {
                return "TrieStore(size=" + std::to_string(s.size()) +
                       ", bits_per_key=" + format_double("%.2f", s.bits_per_key()) +
                       ", values=" + (std::holds_alternative<map_store>(h.store) ? "'uint64'" : "None") + ")";
            });
        });

    m.def(
        "_trie_store_from_state", [](const py::buffer& data) -> holder_ptr { return from_bytes(data); },
        py::arg("data"), "Unpickles a TrieStore.");
}

}  // namespace numrep::python
