// PhoneNumber, parse, parse_many: text to keys. Batch parsing releases the GIL.
#include "common.hpp"

#include <pybind11/gil.h>

#include <cmath>
#include <cstring>

namespace numrep::python {

namespace {

// UTF-8 of a str. A str with lone surrogates has none: encode them anyway ("surrogatepass"),
// which yields bytes the parser rejects as invalid UTF-8, so the error names the position.
std::string utf8_of(const py::handle& text) {
    Py_ssize_t size = 0;
    if (const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size)) return std::string(data, static_cast<std::size_t>(size));
    PyErr_Clear();
    return py::bytes(text.attr("encode")("utf-8", "surrogatepass")).cast<std::string>();
}

std::optional<region> find_region(const py::object& code) {
    if (code.is_none()) return region::none();
    if (!py::isinstance<py::str>(code)) throw py::type_error("numrep: region must be a str such as \"VN\" or None");
    return region::find(utf8_of(code));
}

[[noreturn]] void throw_unknown_region(const py::object& code, std::string_view text) {
    const std::string region_text = utf8_of(code);
    std::string message = text.data() != nullptr
                              ? parse_error_message(text, parse_result(parse_errc::unknown_region), region_text)
                              : "unknown region " + detail::quote(region_text);
    throw parse_error("numrep: " + message + " (expected an ISO 3166 code such as \"VN\", or None)");
}

}  // namespace

region region_from(const py::object& code) {
    const auto found = find_region(code);
    if (!found) throw_unknown_region(code, {});
    return *found;
}

namespace {


phone_number number_from_key(std::uint64_t key) {
    const auto n = phone_number::from_key(key);
    if (!n) throw py::value_error("numrep: " + std::to_string(key) + " is not an E.164 key (digits of a number with its country code)");
    return *n;
}

// Default regions of a batch: one for all (size 1), or one per item ("region=" given a column).
struct batch_regions {
    std::vector<region> homes;
    const region& operator[](std::size_t i) const noexcept { return homes[homes.size() == 1 ? 0 : i]; }
};

batch_regions regions_for(const py::object& region_code, std::size_t count) {
    if (region_code.is_none() || py::isinstance<py::str>(region_code)) return {{region_from(region_code)}};
    py::object column = region_code;
    if (!py::isinstance<py::array>(column) && py::hasattr(column, "to_numpy")) column = column.attr("to_numpy")();
    if (py::isinstance<py::array>(column)) column = column.attr("tolist")();
    if (!py::isinstance<py::sequence>(column))
        throw py::type_error("numrep: region must be a str such as \"VN\", None, or one of those per value");
    const auto codes = py::reinterpret_borrow<py::sequence>(column);
    const auto codes_fast = py::reinterpret_steal<py::object>(PySequence_Fast(codes.ptr(), "numrep: region sequence"));
    if (!codes_fast) throw py::error_already_set();
    if (py::len(codes) != count)
        throw py::value_error("numrep: " + std::to_string(py::len(codes)) + " regions for " + std::to_string(count) +
                              " values: give one region, or one per value");
    batch_regions out;
    out.homes.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const py::handle code = PySequence_Fast_GET_ITEM(codes_fast.ptr(), static_cast<Py_ssize_t>(i));
        if (code.is_none() || (PyFloat_Check(code.ptr()) && std::isnan(PyFloat_AS_DOUBLE(code.ptr())))) {  // None, NaN: no region
            out.homes.push_back(region::none());
            continue;
        }
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_Check(code.ptr()) ? PyUnicode_AsUTF8AndSize(code.ptr(), &size) : nullptr;
        if (utf8 == nullptr) {
            PyErr_Clear();
            throw py::type_error("numrep: region " + std::to_string(i) + " is a " +
                                 std::string(py::str(code.get_type().attr("__name__"))) + ", expected str or None");
        }
        const std::string_view text(utf8, static_cast<std::size_t>(size));
        const auto found = region::find(text);  // one table read
        if (!found) throw parse_error("numrep: region " + std::to_string(i) + ": unknown region " + detail::quote(text) +
                                      " (expected an ISO 3166 code such as \"VN\", or None)");
        out.homes.push_back(*found);
    }
    return out;
}

// Keys of one column of NumPy strings, 0 where a value does not parse. Runs without the GIL.
template <class Char>
void parse_fixed_width(const Char* data, std::size_t count, std::size_t width, const batch_regions& homes,
                       std::uint64_t* out, std::vector<std::size_t>* failed) {
    for (std::size_t i = 0; i < count; ++i) {
        const Char* item = data + i * width;
        std::size_t length = width;
        while (length > 0 && item[length - 1] == 0) --length;  // NumPy pads with NULs
        parse_result r = [&] {
            if constexpr (sizeof(Char) == 4) return try_parse(std::u32string_view(reinterpret_cast<const char32_t*>(item), length), homes[i]);
            else return try_parse(std::string_view(reinterpret_cast<const char*>(item), length), homes[i]);
        }();
        out[i] = r ? r->key() : 0;
        if (!r && failed) failed->push_back(i);
    }
}

// None, NaN, and pandas' NA / NaT markers: a missing value, not a type error.
bool is_missing(const py::handle& item) {
    if (item.is_none()) return true;
    if (py::isinstance<py::float_>(item)) return std::isnan(item.cast<double>());
    const std::string type_name = py::str(item.get_type().attr("__name__"));
    return type_name == "NAType" || type_name == "NaTType";
}

// The UTF-8 text of item `index` of a NumPy 'U' (UTF-32) or 'S' (bytes) array, for messages.
std::string fixed_width_text(const py::array& array, std::size_t index) {
    const auto* base = static_cast<const unsigned char*>(array.data()) + index * static_cast<std::size_t>(array.itemsize());
    std::size_t width = static_cast<std::size_t>(array.itemsize());
    if (array.dtype().kind() == 'S') {
        while (width > 0 && base[width - 1] == 0) --width;
        return std::string(reinterpret_cast<const char*>(base), width);
    }
    std::u32string wide(width / 4, U'\0');
    std::memcpy(wide.data(), base, wide.size() * 4);
    while (!wide.empty() && wide.back() == 0) wide.pop_back();
    const py::str as_str = py::reinterpret_steal<py::str>(
        PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, wide.data(), static_cast<Py_ssize_t>(wide.size())));
    return utf8_of(as_str);
}

[[noreturn]] void raise_at(std::size_t index, const std::string& text, const region& home) {
    const parse_result r = try_parse(text, home);
    throw parse_error("numrep: item " + std::to_string(index) + ": " + parse_error_message(text, r));
}

py::array_t<std::uint64_t> parse_many(py::object values, const py::object& region_code, const std::string& errors) {
    // pandas Series / Arrow arrays: index by position, not by label.
    if (!py::isinstance<py::array>(values) && py::hasattr(values, "to_numpy")) values = values.attr("to_numpy")();
    if (errors != "coerce" && errors != "raise")
        throw py::value_error("numrep: errors must be \"coerce\" (0 for a value that does not parse) or \"raise\", not " +
                              detail::quote(errors));
    const bool raise = errors == "raise";
    std::vector<std::size_t> failed;

    if (py::isinstance<py::array>(values)) {
        const auto array = py::reinterpret_borrow<py::array>(values);
        const char kind = array.dtype().kind();
        if (kind == 'U' || kind == 'S') {
            if (array.ndim() != 1) throw py::value_error("numrep: parse_many takes a one-dimensional array");
            const auto contiguous = py::array::ensure(array, py::array::c_style);
            const std::size_t count = static_cast<std::size_t>(contiguous.shape(0));
            const batch_regions homes = regions_for(region_code, count);
            py::array_t<std::uint64_t> out(static_cast<py::ssize_t>(count));
            std::uint64_t* keys = out.mutable_data();
            {
                py::gil_scoped_release unlocked;
                if (kind == 'U')
                    parse_fixed_width(static_cast<const std::uint32_t*>(contiguous.data()), count,
                                      static_cast<std::size_t>(contiguous.itemsize()) / 4, homes, keys, raise ? &failed : nullptr);
                else
                    parse_fixed_width(static_cast<const unsigned char*>(contiguous.data()), count,
                                      static_cast<std::size_t>(contiguous.itemsize()), homes, keys, raise ? &failed : nullptr);
            }
            if (!failed.empty()) raise_at(failed.front(), fixed_width_text(contiguous, failed.front()), homes[failed.front()]);
            return out;
        }
        if (kind != 'O') {
            throw py::type_error(std::string("numrep: parse_many takes strings; got an array of dtype ") +
                                 py::str(array.dtype()).cast<std::string>() + " (for integer keys use them directly)");
        }
    }

    // Any other iterable: gather UTF-8 views with the GIL (the list keeps the strings alive),
    // then parse without it. None and NaN (missing values in pandas) give 0.
    const py::sequence items = py::isinstance<py::sequence>(values) && !py::isinstance<py::str>(values)
                                   ? py::reinterpret_borrow<py::sequence>(values)
                                   : py::sequence(py::list(values));
    if (py::isinstance<py::str>(values)) throw py::type_error("numrep: parse_many takes a list of strings, not one string (use parse)");
    const std::size_t count = py::len(items);
    const batch_regions homes = regions_for(region_code, count);
    std::vector<std::string_view> texts(count);
    std::vector<std::uint64_t> direct(count, 0);  // keys given as int or PhoneNumber
    std::vector<std::uint8_t> is_text(count, 0);
    std::vector<py::object> keep_alive;
    for (std::size_t i = 0; i < count; ++i) {
        py::object item = items[i];
        if (py::isinstance<py::str>(item)) {
            Py_ssize_t size = 0;
            const char* utf8 = PyUnicode_AsUTF8AndSize(item.ptr(), &size);
            if (utf8 == nullptr) {
                // Lone surrogates cannot be UTF-8: the value is not a number.
                PyErr_Clear();
                if (raise) raise_at(i, utf8_of(item), homes[i]);
                continue;
            }
            texts[i] = std::string_view(utf8, static_cast<std::size_t>(size));
            is_text[i] = 1;
            keep_alive.push_back(std::move(item));
        } else if (py::isinstance<py::bytes>(item)) {
            char* data = nullptr;
            Py_ssize_t size = 0;
            PyBytes_AsStringAndSize(item.ptr(), &data, &size);
            texts[i] = std::string_view(data, static_cast<std::size_t>(size));
            is_text[i] = 1;
            keep_alive.push_back(std::move(item));
        } else if (is_missing(item)) {
            if (raise) throw parse_error("numrep: item " + std::to_string(i) + ": missing value");
        } else if (py::isinstance<phone_number>(item)) {
            direct[i] = item.cast<phone_number>().key();
        } else if (py::isinstance<py::int_>(item) && !py::isinstance<py::bool_>(item)) {
            std::optional<phone_number> n;
            if (item >= py::int_(1) && item <= py::int_(detail::max_key)) n = phone_number::from_key(item.cast<std::uint64_t>());
            if (n) direct[i] = n->key();
            else if (raise) throw parse_error("numrep: item " + std::to_string(i) + ": " + std::string(py::str(item)) + " is not an E.164 key");
        } else {
            throw py::type_error("numrep: parse_many item " + std::to_string(i) + " is a " +
                                 std::string(py::str(item.get_type().attr("__name__"))) + ", expected str, bytes or int");
        }
    }
    py::array_t<std::uint64_t> out(static_cast<py::ssize_t>(count));
    std::uint64_t* keys = out.mutable_data();
    {
        py::gil_scoped_release unlocked;
        for (std::size_t i = 0; i < count; ++i) {
            if (!is_text[i]) {
                keys[i] = direct[i];
                continue;
            }
            const parse_result r = try_parse(texts[i], homes[i]);
            keys[i] = r ? r->key() : 0;
            if (!r && raise && failed.empty()) failed.push_back(i);
        }
    }
    if (!failed.empty()) raise_at(failed.front(), std::string(texts[failed.front()]), homes[failed.front()]);
    return out;
}

}  // namespace

phone_number number_from(const py::handle& value, const region& home) {
    if (py::isinstance<phone_number>(value)) return value.cast<phone_number>();
    if (py::isinstance<py::str>(value)) return numrep::parse(utf8_of(value), home);
    if (py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value)) {
        const auto key = value.cast<py::int_>();
        if (key < py::int_(1) || key > py::int_(detail::max_key))
            throw py::value_error("numrep: " + std::string(py::str(value)) + " is not an E.164 key (1 to 15 digits with the country code)");
        return number_from_key(key.cast<std::uint64_t>());
    }
    throw py::type_error("numrep: expected a phone number as str, int key or PhoneNumber, got " +
                         std::string(py::str(value.get_type().attr("__name__"))));
}

phone_number parse_value(const py::object& value, const py::object& region_code) {
    const auto home = find_region(region_code);
    if (!home) {
        if (py::isinstance<py::str>(value)) throw_unknown_region(region_code, utf8_of(value));
        throw_unknown_region(region_code, {});
    }
    return number_from(value, *home);
}

void register_parse(py::module_& m) {
    py::class_<phone_number>(m, "PhoneNumber", "A telephone number as its E.164 integer key.")
        .def(py::init(&parse_value),
             py::arg("value"), py::arg("region") = "VN", "Parse text, or take an int key, like numrep.parse.")
        .def_property_readonly("key", &phone_number::key, "E.164 digits as an int, e.g. 84912345678.")
        .def_property_readonly("e164", &phone_number::e164, "E.164 text, e.g. '+84912345678'.")
        .def_property_readonly("country_code", &phone_number::country_code)
        .def_property_readonly("national_number", &phone_number::national_number,
                               "National significant number as an int (see national_digits for leading zeros).")
        .def_property_readonly("national_digits", &phone_number::national_digits)
        .def_property_readonly("national", &phone_number::national, "National written form, e.g. '0912 345 678'.")
        .def_property_readonly("is_legacy", &phone_number::is_legacy,
                               "True if converted from a pre-2018 Vietnamese 11-digit (or old VSAT) number.")
        .def_property_readonly("extension", &phone_number::extension,
                               "Extension digits written after the number ('123' for 'x123', ';ext=123'), '' if none.\n"
                               "Not part of the key: numbers that differ only in extension are equal.")
        .def("__str__", &phone_number::e164)
        .def("__repr__", [](const phone_number& n) {
            return "PhoneNumber('" + n.e164() + (n.has_extension() ? ";ext=" + n.extension() : std::string()) + "')";
        })
        .def("__int__", &phone_number::key)
        .def("__index__", &phone_number::key)
        .def("__hash__", [](const phone_number& n) { return py::hash(py::int_(n.key())); })
        .def("__eq__", [](const phone_number& a, const py::object& b) -> py::object {
            if (!py::isinstance<phone_number>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::bool_(a == b.cast<phone_number>());
        })
        .def("__lt__", [](const phone_number& a, const phone_number& b) { return a < b; })
        .def("__le__", [](const phone_number& a, const phone_number& b) { return a <= b; })
        .def("__gt__", [](const phone_number& a, const phone_number& b) { return a > b; })
        .def("__ge__", [](const phone_number& a, const phone_number& b) { return a >= b; })
        // __reduce__ rather than py::pickle: it serves every pickle protocol, 0 and 1 included.
        .def("__reduce__", [](const phone_number& n) -> py::tuple {
            const py::object restore = py::module_::import("numrep._core").attr("_phone_number_from_state");
            return py::make_tuple(restore, py::make_tuple(n.key(), n.is_legacy(), n.extension()));
        });
    m.def("_phone_number_from_state", [](std::uint64_t key, bool legacy, const std::string& extension) {
        const auto n = phone_number::from_key(key, legacy);
        if (!n) throw py::value_error("numrep: bad PhoneNumber pickle state: " + std::to_string(key) + " is not an E.164 key");
        if (extension.size() > static_cast<std::size_t>(phone_number::max_extension_length) ||
            extension.find_first_not_of("0123456789") != std::string::npos)
            throw py::value_error("numrep: bad PhoneNumber pickle state: extension " + detail::quote(extension));
        return phone_number::from_parts(n->key(), n->country_code_length(), n->national_length(), legacy, extension);
    }, py::arg("key"), py::arg("is_legacy"), py::arg("extension") = "");

    m.def("parse", &parse_value,
          py::arg("value"), py::arg("region") = "VN",
          "Parse a phone number in any written form. National forms use `region` (None: international only).\n"
          "Raises ParseError (a ValueError) naming the input and the reason.");
    m.def("parse_many", &parse_many, py::arg("values"), py::arg("region") = "VN", py::arg("errors") = "coerce",
          "Parse a list, NumPy array or Series of strings to a uint64 array of keys. `region`: one default\n"
          "region for all, or a sequence/array/Series with one per value (e.g. each caller's country).\n"
          "errors='coerce' gives 0 for a value that does not parse; errors='raise' raises ParseError for the first.");
    py::dict legacy;
    for (const auto& p : detail::vietnam::legacy_mobile_prefixes)
        legacy[py::str(std::to_string(p.old_prefix))] = py::str(std::to_string(p.new_prefix));
    m.attr("LEGACY_MOBILE_PREFIXES") = legacy;  // the library's own table: demos and tests read it, never copy it
    m.def("is_valid_key", [](std::uint64_t key) { return phone_number::from_key(key).has_value(); }, py::arg("key"),
          "True if `key` is the E.164 digits of a number with an assigned country code.");
}

}  // namespace numrep::python
