// BloomFilter: numrep::bloom_filter<> (blocked, XXH3) for Python. Batch calls release the GIL.
#include "common.hpp"

#include <pybind11/gil.h>
#include <pybind11/stl/filesystem.h>

#include <numrep/bloom_filter.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <span>

namespace numrep::python {

namespace {

using filter = numrep::bloom_filter<>;
using key_array = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;

// Mutating a filter mapped by open() would write to a read-only mapping: refuse with TypeError,
// as Python does for other read-only buffers.
void check_writable(const filter& f, const char* action) {
    if (f.is_read_only())
        throw py::type_error(std::string("numrep: cannot ") + action +
                             " a read-only BloomFilter (mapped by BloomFilter.open); use BloomFilter.load(path) for a writable copy");
}

// Keys of a batch: integer NumPy arrays are used as they are (no validation, no copy when
// already uint64); anything else (lists, string arrays, Series, iterables) goes through
// parse_many with errors="raise", so an invalid item raises ParseError naming it instead of
// silently becoming key 0.
key_array batch_keys(const py::object& values) {
    if (py::isinstance<py::array>(values)) {
        const char kind = py::reinterpret_borrow<py::array>(values).dtype().kind();
        if (kind == 'u' || kind == 'i') return keys_from(values);
    }
    if (py::isinstance<py::str>(values) || py::isinstance<py::bytes>(values))
        throw py::type_error("numrep: expected a list or array of numbers, not one string (use add / `in` for one number)");
    py::object items = values;
    if (!py::isinstance<py::array>(values) && !py::hasattr(values, "to_numpy") && !py::isinstance<py::list>(values) &&
        !py::isinstance<py::tuple>(values))
        items = py::list(values);  // generators and other iterables
    const py::object parse_many = py::module_::import("numrep._core").attr("parse_many");
    return key_array::ensure(parse_many(items, "VN", "raise"));
}

std::uint64_t key_of(const py::handle& value) {
    return parse_value(py::reinterpret_borrow<py::object>(value), py::str("VN")).key();
}

void add_batch(filter& f, const key_array& keys) {
    check_writable(f, "add to");
    const std::span<const std::uint64_t> span(keys.data(), static_cast<std::size_t>(keys.size()));
    py::gil_scoped_release unlocked;
    f.insert_batch(span);
}

std::string format_number(const char* format, double v) {
    char buffer[64];
    const int n = std::snprintf(buffer, sizeof buffer, format, v);
    return std::string(buffer, static_cast<std::size_t>(n));
}

filter from_bytes(const py::bytes& data, bool concurrent) {
    char* bytes = nullptr;
    Py_ssize_t size = 0;
    PyBytes_AsStringAndSize(data.ptr(), &bytes, &size);
    const std::span<const std::byte> view(reinterpret_cast<const std::byte*>(bytes), static_cast<std::size_t>(size));
    const auto mode = concurrent ? insert_mode::concurrent : insert_mode::exclusive;
    py::gil_scoped_release unlocked;
    return filter::from_bytes(view, mode);
}

}  // namespace

void register_bloom(py::module_& m) {
    py::class_<filter> cls(m, "BloomFilter",
        "A cache-line-blocked Bloom filter of phone numbers: `number in bf` is never False for a number added,\n"
        "and True for a number never added with probability about `fpr`. Numbers are str (parsed with region VN),\n"
        "int keys or PhoneNumber; batches are NumPy uint64 key arrays (e.g. from parse_many) or lists of those.\n"
        "Filters with the same size, probe count and seed combine with |, &, |= and &=.\n"
        "Thread safety: queries may run from any number of threads; add_many releases the GIL, so concurrent\n"
        "adds from several threads need concurrent=True (atomic inserts).");

    cls.def(py::init([](std::uint64_t capacity, double fpr, std::optional<std::uint64_t> seed, bool concurrent) {
                if (capacity == 0) throw py::value_error("numrep: BloomFilter capacity must be at least 1, got 0");
                bloom_options options;
                if (seed) options.seed = *seed;
                options.mode = concurrent ? insert_mode::concurrent : insert_mode::exclusive;
                return filter(capacity, fpr, options);
            }),
            py::arg("capacity"), py::arg("fpr") = 0.01, py::kw_only(), py::arg("seed") = py::none(),
            py::arg("concurrent") = false,
            "A filter for `capacity` numbers at false-positive rate `fpr` (in (0, 1)) once full.\n"
            "seed: hash seed (default: a fixed one, so that default filters merge); concurrent: atomic inserts.");

    cls.def("add", [](filter& f, const py::object& number) {
               check_writable(f, "add to");
               f.insert(key_of(number));
           }, py::arg("number"), "Add one number (str, int key or PhoneNumber).")
        .def("__contains__", [](const filter& f, const py::object& number) -> bool {
               return f.contains(key_of(number));
           }, py::arg("number"))
        .def("add_many", [](filter& f, const py::object& keys) -> void { add_batch(f, batch_keys(keys)); },
             py::arg("keys"),
             "Add a NumPy array of integer keys, or a list / array of str, int or PhoneNumber (an invalid string\n"
             "raises ParseError naming the item). Releases the GIL.")
        .def("update", [](filter& f, const py::object& numbers) -> void { add_batch(f, batch_keys(numbers)); },
             py::arg("numbers"), "Add every number of an iterable (as add_many).")
        .def("contains_many", [](const filter& f, const py::object& keys) -> py::array_t<bool> {
                 const key_array in = batch_keys(keys);
                 const auto count = static_cast<std::size_t>(in.size());
                 py::array_t<bool> out(static_cast<py::ssize_t>(count));
                 const std::span<const std::uint64_t> key_span(in.data(), count);
                 const std::span<bool> out_span(out.mutable_data(), count);
                 {
                     py::gil_scoped_release unlocked;
                     f.contains_batch(key_span, out_span);
                 }
                 return out;
             }, py::arg("keys"),
             "Membership of each key as a NumPy bool array; inputs as add_many. Releases the GIL.")
        .def("clear", [](filter& f) -> void {
                 check_writable(f, "clear");
                 f.clear();
             }, "Remove every number (set all bits to 0).");

    cls.def("__or__", [](const filter& a, const filter& b) -> filter { return a | b; }, py::is_operator(),
            "Union: a filter answering True for numbers of either (same size, probe count and seed, else ValueError).")
        .def("__and__", [](const filter& a, const filter& b) -> filter { return a & b; }, py::is_operator(),
             "Intersection of the bit arrays: True for numbers of both, with a higher FPR than a filter of the intersection.")
        .def("__ior__", [](filter& a, const filter& b) -> filter& {
                 check_writable(a, "merge into");
                 return a |= b;
             }, py::is_operator(), py::return_value_policy::reference_internal)
        .def("__iand__", [](filter& a, const filter& b) -> filter& {
                 check_writable(a, "intersect into");
                 return a &= b;
             }, py::is_operator(), py::return_value_policy::reference_internal)
        .def("__eq__", [](const filter& a, const filter& b) -> bool { return a == b; }, py::is_operator(),
             "Same size, probe count, seed and bits (capacity is not compared).")
        .def("__copy__", [](const filter& f) -> filter { return filter(f); }, "A writable copy.")
        .def("__deepcopy__", [](const filter& f, const py::object&) -> filter { return filter(f); }, py::arg("memo"));
    cls.attr("__hash__") = py::none();  // mutable

    cls.def("approx_len", [](const filter& f) -> double { return f.estimated_cardinality(); },
            "An ESTIMATE of the number of distinct numbers added, from the bits set (within a few percent up to\n"
            "capacity; repeated adds of one number count once).")
        .def("__len__", [](const filter& f) -> std::size_t {
                 return static_cast<std::size_t>(std::llround(f.estimated_cardinality()));
             },
             "approx_len() rounded: an ESTIMATE of the distinct numbers added, not an exact count.")
        .def("__bool__", [](const filter&) -> bool { return true; }, "Always True: a filter is never an empty container.")
        .def_property_readonly("expected_fpr", [](const filter& f) -> double { return f.expected_fpr(); },
                               "False-positive rate expected for a number never added, given the bits set now.")
        .def_property_readonly("capacity", [](const filter& f) -> std::uint64_t { return f.capacity(); },
                               "Numbers the filter was sized for.")
        .def_property_readonly("bits_per_key", [](const filter& f) -> double { return f.bits_per_key(); },
                               "Bits per number at capacity.")
        .def_property_readonly("num_probes", [](const filter& f) -> std::uint64_t { return f.num_probes(); },
                               "k: bits set and tested per number.")
        .def_property_readonly("num_bits", [](const filter& f) -> std::uint64_t { return f.num_bits(); },
                               "Size of the bit array.")
        .def_property_readonly("size_in_bytes", [](const filter& f) -> std::uint64_t { return f.size_in_bytes(); },
                               "Bytes of the bit array.")
        .def_property_readonly("seed", [](const filter& f) -> std::uint64_t { return f.seed(); },
                               "Hash seed.")
        .def_property_readonly("fpr_at_capacity", [](const filter& f) -> double { return f.sizing().expected_fpr; },
                               "Model false-positive rate once `capacity` distinct numbers are in.")
        .def_property_readonly("read_only", &filter::is_read_only, "True for a filter from BloomFilter.open.")
        .def_property_readonly("concurrent", [](const filter& f) -> bool { return f.mode() == insert_mode::concurrent; },
                               "True if inserts are atomic (safe from several threads at once).");

    cls.def("save", [](const filter& f, const std::filesystem::path& path) -> void {
               py::gil_scoped_release unlocked;
               f.save(path);
           }, py::arg("path"), "Write the filter to `path` atomically (numrep store format, readable from C++).")
        .def_static("open", [](const std::filesystem::path& path) -> filter {
                py::gil_scoped_release unlocked;
                return filter::open(path);
            }, py::arg("path"),
            "Map a saved filter read-only (zero copy, pages read on first use); add and other updates raise TypeError.\n"
            "Raises FormatError for a damaged or foreign file.")
        .def_static("load", [](const std::filesystem::path& path, bool concurrent) -> filter {
                py::gil_scoped_release unlocked;
                return filter::load(path, concurrent ? insert_mode::concurrent : insert_mode::exclusive);
            }, py::arg("path"), py::kw_only(), py::arg("concurrent") = false,
            "Read a saved filter into a new writable one. Raises FormatError for a damaged or foreign file.")
        .def("to_bytes", [](const filter& f) -> py::bytes {
                const auto bytes = f.to_bytes();
                return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
            }, "The filter in the file format, as bytes.")
        .def_static("from_bytes", [](const py::bytes& data, bool concurrent) -> filter { return from_bytes(data, concurrent); },
                    py::arg("data"), py::kw_only(), py::arg("concurrent") = false,
                    "A writable filter from to_bytes() output. Raises FormatError for damaged bytes.")
        // __reduce__ rather than py::pickle: it serves every pickle protocol, 0 and 1 included.
        .def("__reduce__", [](const filter& f) -> py::tuple {
                const py::object restore = py::module_::import("numrep._core").attr("_bloom_filter_from_state");
                const auto bytes = f.to_bytes();
                return py::make_tuple(restore, py::make_tuple(py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                                                              f.mode() == insert_mode::concurrent));
            })
        .def("__repr__", [](const filter& f) -> std::string {
                return "BloomFilter(capacity=" + std::to_string(f.capacity()) +
                       ", bits_per_key=" + format_number("%.3g", f.bits_per_key()) +
                       ", k=" + std::to_string(f.num_probes()) +
                       ", fpr_at_capacity=" + format_number("%.3g", f.sizing().expected_fpr) +
                       ", expected_fpr=" + format_number("%.3g", f.expected_fpr()) +
                       ", approx_len=" + std::to_string(std::llround(f.estimated_cardinality())) +
                       (f.is_read_only() ? ", read_only=True" : "") + ")";
            });

    m.def("_bloom_filter_from_state", [](const py::bytes& data, bool concurrent) -> filter { return from_bytes(data, concurrent); },
          py::arg("data"), py::arg("concurrent"), "Unpickles a BloomFilter (a writable copy, even of a mapped one).");
}

}  // namespace numrep::python
