// PhoneNumber, parse, parse_many: text to keys (the conversions themselves are in convert.cpp).
// Batch parsing releases the GIL.
#include "arrow_column.hpp"
#include "common.hpp"
#include "parse_failure.hpp"

#include <algorithm>
#include <optional>

namespace numrep::python {

namespace {

// A pyarrow UInt64Array over the keys' own buffer (no copy), null where the key is 0. The
// validity bitmap is built here in one pass: pyarrow.array(keys, mask=keys == 0) cost more
// than a tenth of parsing an Arrow column. `zero_keys`: how many keys are 0, when the parse
// counted them.
py::object arrow_keys(const py::array_t<std::uint64_t>& keys, std::optional<std::size_t> zero_keys) {
    const auto count = static_cast<std::size_t>(keys.size());
    const std::uint64_t* k = keys.data();
    // Nulls counted first (unless the parse did), in a loop the compiler vectorises; most columns
    // have none, and then no bitmap is built. Otherwise a byte at a time, from eight keys: setting
    // bits one by one in place made every key wait on the store of the one before.
    std::size_t nulls = 0;
    if (zero_keys) nulls = *zero_keys;
    else
        for (std::size_t i = 0; i < count; ++i) nulls += k[i] == 0 ? 1U : 0U;
    std::string bits;
    if (nulls != 0) {
        bits.assign((count + 7) / 8, '\0');
        const auto byte_of = [k, count](std::size_t begin) {
            unsigned b = 0;
            if (begin + 8 <= count) {
                for (std::size_t j = 0; j < 8; ++j) b |= (k[begin + j] != 0 ? 1U : 0U) << j;  // a fixed count: unrolled
            } else {
                for (std::size_t j = 0; begin + j < count; ++j) b |= (k[begin + j] != 0 ? 1U : 0U) << j;
            }
            return static_cast<char>(b);
        };
        for (std::size_t byte = 0; byte < bits.size(); ++byte) bits[byte] = byte_of(8 * byte);
    }
    const py::module_ pyarrow = py::module_::import("pyarrow");
    const py::object bitmap = nulls == 0 ? py::object(py::none()) : pyarrow.attr("py_buffer")(py::bytes(bits));
    py::list buffers;
    buffers.append(bitmap);
    buffers.append(pyarrow.attr("py_buffer")(keys));
    return pyarrow.attr("Array").attr("from_buffers")(pyarrow.attr("uint64")(), count, buffers,
                                                      py::arg("null_count") = nulls);
}

typed<names::key_column> parse_many(const numbers_arg& values, const regions_arg& region_code,
                                    const std::string& errors) {
    if (errors != "coerce" && errors != "raise")
        throw py::value_error(
            "numrep: errors must be \"coerce\" (0 for a value that does not parse) or \"raise\", not " +
            detail::quote(errors));
    std::optional<std::size_t> zero_keys;  // counted by the parse of an Arrow or polars column
    const py::array_t<std::uint64_t> keys = parse_texts(values, region_code,
                                                        errors == "raise" ? bad_text::raise : bad_text::coerce, false,
                                                        "parse_many", &zero_keys);
    // Keys go back in the input's kind: an Arrow column gives an Arrow UInt64Array, a polars Series
    // a polars UInt64 Series, each with nulls where the value was missing or did not parse.
    const column_origin origin = origin_of(values);
    if (origin != column_origin::pyarrow && origin != column_origin::polars) return keys;
    if (origin == column_origin::pyarrow) return arrow_keys(keys, zero_keys);
    py::object series = py::module_::import("polars").attr("Series")(values.attr("name"), keys);
    if (zero_keys == std::optional<std::size_t>(0)) return series;
    const py::object missing = keys.attr("__eq__")(0);
    if (missing.attr("any")().cast<bool>())
        series.attr("scatter")(py::module_::import("numpy").attr("flatnonzero")(missing), py::none());
    return series;
}

// An int of 1 to 15 digits (a key, or with a region a written number that lost its leading
// zeros, for read_integer); nullopt for one that cannot be either: 0, negative or longer.
std::optional<std::uint64_t> integer_in_range(const py::int_& v) {
    if (!(v > py::int_(0) && v <= py::int_(detail::max_key))) return std::nullopt;
    return v.cast<std::uint64_t>();
}

// An int with a region is a written number that lost its leading zeros (read_integer's rule);
// with region=None it is an E.164 key, as everywhere else. An int that cannot be either (0,
// negative, more than 15 digits; without a region, no country code's) is a ParseError as in
// parse_many, not the ValueError of a bad key that the stores raise.
phone_number parse_value(const number_arg& value, const region_arg& region_code) {
    if (!is_integer(value)) return number_of(value, region_code);
    const region home = region_of(region_code);  // "ZZ" is none too
    const py::int_ v = as_int(value);
    const std::optional<std::uint64_t> n = integer_in_range(v);
    const std::optional<phone_number> key = n && home.is_none() ? phone_number::from_key(*n) : std::nullopt;
    if (!n || (home.is_none() && !key)) {
        const std::string digits = py::str(v);
        throw parse_failure("numrep: " + out_of_range_integer_message(digits, !home.is_none()), "not_a_key",
                            failed_value::of_integer(digits));
    }
    if (home.is_none()) return *key;
    const integer_reading r = read_integer(*n, home);
    if (!r)
        throw parse_failure("numrep: " + integer_error_message(*n, home, r) + ", or region=None for a key",
                            reason_of(r), failed_value::of_integer(std::to_string(*n)));
    return *r.number;
}

// ParseError.reason of each value as parse_many(values, region) reads it, "" where it parses:
// a build from a frame or Parquet counts its unparseable rows by error, as from_csv counts its
// own (numrep.reputation._report_arrays), without raising a ParseError per row (microseconds
// each). Values: str, bytes, int or None; anything else is a TypeError naming it.
typed<names::str_list> parse_error_reasons(const typed<names::written_values>& values, const region_arg& region_code) {
    const region home = region_of(region_code);
    py::list out;
    std::size_t i = 0;
    for (const py::handle value : values) {
        std::string_view reason;
        if (value.is_none()) {
            reason = "missing_value";
        } else if (is_integer(value)) {
            // 1 to 15 digits: with a region, read_integer's rule; without, a key as it is.
            const std::optional<std::uint64_t> n = integer_in_range(as_int(value));
            if (!n) {
                reason = "not_a_key";
            } else if (!home.is_none()) {
                if (const integer_reading r = read_integer(*n, home); !r) reason = reason_of(r);
            }
        } else if (py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value)) {
            const std::string text = py::isinstance<py::str>(value) ? utf8_of(value) : value.cast<std::string>();
            if (const parse_result r = try_parse(text, home); !r) reason = reason_of(r.error());
        } else {
            throw py::type_error("numrep: item " + std::to_string(i) + " is " + a_or_an(type_name(value)) +
                                 ", expected str, bytes, int or None");
        }
        out.append(py::str(std::string(reason)));
        ++i;
    }
    return out;
}

}  // namespace

void register_parse(py::module_& m) {
    py::class_<phone_number>(m, "PhoneNumber", "A telephone number as its E.164 integer key.")
        .def(py::init(&parse_value), py::arg("value"), py::arg("region") = default_region_code(),
             "Parse text, or take an int key, like numrep.parse.")
        .def_property_readonly("key", &phone_number::key, "E.164 digits as an int, e.g. 84912345678.")
        .def_property_readonly("e164", &phone_number::e164, "E.164 text, e.g. '+84912345678'.")
        .def_property_readonly("country_code", &phone_number::country_code, "The calling code as an int, e.g. 84.")
        .def_property_readonly("national_number", &phone_number::national_number,
                               "National significant number as an int (see national_digits for leading zeros).")
        .def_property_readonly("national_digits", &phone_number::national_digits,
                               "National significant number as digits, leading zeros kept (Italian fixed lines).")
        .def_property_readonly("national", &phone_number::national, "National written form, e.g. '0912 345 678'.")
        .def_property_readonly("is_legacy", &phone_number::is_legacy,
                               "True if converted from a pre-2018 Vietnamese 11-digit (or old VSAT) number.")
        .def_property_readonly("extension", &phone_number::extension,
                               "Extension digits written after the number ('123' for 'x123', ';ext=123'), '' if none.\n"
                               "Not part of the key: numbers that differ only in extension are equal.")
        .def("__str__", &phone_number::e164)
        .def(
            "_repr_html_", [](const py::object& self) { return html_of(self, "phone_number_html"); },
            "The notebook form (Jupyter shows it): a table of what this is.")
        .def("__repr__",
             [](const phone_number& n) {
                 return "PhoneNumber('" + n.e164() + (n.has_extension() ? ";ext=" + n.extension() : std::string()) +
                        "')";
             })
        .def("__int__", &phone_number::key)
        .def("__index__", &phone_number::key)
        .def("__hash__", [](const phone_number& n) { return py::hash(py::int_(n.key())); })
        .def(
            "__eq__",
            [](const phone_number& a, const typed<names::object>& b) -> typed<names::boolean> {
                if (!py::isinstance<phone_number>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
                return py::bool_(a == b.cast<phone_number>());
            },
            py::arg("other"))
        .def("__lt__", [](const phone_number& a, const phone_number& b) { return a < b; })
        .def("__le__", [](const phone_number& a, const phone_number& b) { return a <= b; })
        .def("__gt__", [](const phone_number& a, const phone_number& b) { return a > b; })
        .def("__ge__", [](const phone_number& a, const phone_number& b) { return a >= b; })
        // __reduce__ rather than py::pickle: it serves every pickle protocol, 0 and 1 included.
        .def("__reduce__", [](const phone_number& n) -> typed<names::phone_number_state> {
            const py::object restore = py::module_::import("numrep._core").attr("_phone_number_from_state");
            return py::make_tuple(restore, py::make_tuple(n.key(), n.is_legacy(), n.extension()));
        });
    m.def(
        "_phone_number_from_state",
        [](std::uint64_t key, bool legacy, const std::string& extension) {
            const auto n = phone_number::from_key(key, legacy);
            if (!n)
                throw py::value_error("numrep: bad PhoneNumber pickle state: " + std::to_string(key) +
                                      " is not an E.164 key");
            if (extension.size() > static_cast<std::size_t>(phone_number::max_extension_length) ||
                extension.find_first_not_of("0123456789") != std::string::npos)
                throw py::value_error("numrep: bad PhoneNumber pickle state: extension " + detail::quote(extension));
            return phone_number::from_parts(n->key(), n->country_code_length(), n->national_length(), legacy,
                                            extension);
        },
        py::arg("key"), py::arg("is_legacy"), py::arg("extension") = "");

    m.def("parse", &parse_value, py::arg("value"), py::arg("region") = default_region_code(),
          "Parse a phone number in any written form. National forms use `region` (None: international only).\n"
          "Raises ParseError (a ValueError) naming the input and the reason.");
    m.def(
        "_escaped", [](const py::str& text) { return detail::escaped(utf8_of(text)); }, py::arg("text"),
        "Text as numrep's messages show it: control and invisible characters, bytes that were no UTF-8 (lone "
        "surrogates) and backslashes escaped (the CLI's tables).");
    m.def(
        "_quote", [](const py::str& text) { return detail::quote(utf8_of(text)); }, py::arg("text"),
        "Text quoted as the C++ messages quote a value: escaped, and cut after 64 bytes with its size.");
    m.def(
        "_bad_time_hint",
        [](const py::str& written, int order) {
            // order: < 0 too early, > 0 too late, 0 unreadable (as _bad_row's seconds say it)
            return detail::bad_time_hint(utf8_of(written), order < 0   ? detail::bad_time_kind::too_early
                                                           : order > 0 ? detail::bad_time_kind::too_late
                                                                       : detail::bad_time_kind::unreadable);
        },
        py::arg("written"), py::arg("order"),
        "What follows the reason a time in a column is bad, as the CSV reader says it (\"\" when nothing).");
    m.def("_parse_error_reasons", &parse_error_reasons, py::arg("values"), py::arg("region"),
          "ParseError.reason of each value as parse_many(values, region) reads it, \"\" where it parses.");
    m.def("parse_many", &parse_many, py::arg("values"), py::arg("region") = default_region_code(),
          py::arg("errors") = "coerce",
          "Parse a list, NumPy array or Series of strings to a uint64 array of keys. A pyarrow array or chunked\n"
          "array, a polars Series or an Arrow-backed pandas Series is read in place (no Python str per value);\n"
          "pyarrow and polars columns give keys of the same kind, with nulls where the value was missing or did\n"
          "not parse. `region`: one default\n"
          "region for all, or a sequence/array/Series with one per value (e.g. each caller's country).\n"
          "errors='coerce' gives 0 for a value that does not parse; errors='raise' raises ParseError for the first.");
    m.def(
        "_ambiguous_integers",
        [](const py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>& values,
           const regions_arg& region_code) {
            const auto count = static_cast<std::size_t>(values.size());
            const batch_regions homes = regions_of(region_code, count);
            auto out = output_array<bool>(static_cast<py::ssize_t>(count));
            const std::uint64_t* v = values.data();
            bool* ambiguous = out.mutable_data();
            {
                py::gil_scoped_release unlocked;
                for (std::size_t i = 0; i < count; ++i)
                    ambiguous[i] = v[i] != 0 && v[i] <= detail::max_key && !homes[i].is_none() &&
                                   read_integer(v[i], homes[i]).ambiguous;
            }
            return out;
        },
        py::arg("values"), py::arg("region"),
        "For each integer, whether it reads validly both as a national number of its region and as an "
        "international\nnumber (or as two national numbers), so that the integer rule takes neither.");
    m.attr("DEFAULT_REGION") = default_region_code();  // the C++ library's default (numrep::default_region)
    py::dict legacy;
    for (const auto& p : detail::vietnam::legacy_mobile_prefixes)
        legacy[py::str(std::to_string(p.old_prefix))] = py::str(std::to_string(p.new_prefix));
    m.attr("LEGACY_MOBILE_PREFIXES") = legacy;  // the library's own table: demos and tests read it, never copy it
    m.def(
        "is_valid_key",
        [](const typed<names::key>& key) {
            // An int as every call takes a key: not a float, a str or a 0-d array of text, which
            // pybind11's own conversion read through __int__ (np.array("0912345678") was 912345678).
            if (!is_integer(key))
                throw py::type_error("numrep: is_valid_key takes an int key, got " + a_or_an(type_name(key)));
            int overflow = 0;  // beyond a long long: no key (2**64 and -2**70 included)
            const long long v = PyLong_AsLongLongAndOverflow(as_int(key).ptr(), &overflow);
            if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
            return overflow == 0 && v > 0 && static_cast<std::uint64_t>(v) <= detail::max_key &&
                   phone_number::from_key(static_cast<std::uint64_t>(v)).has_value();
        },
        py::arg("key"), "True if `key` is the E.164 digits of a number with an assigned country code.");
    m.def(
        "_valid_keys",
        [](const py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>& keys) {
            py::array_t<std::uint64_t> out(keys.size());
            const std::uint64_t* in = keys.data();
            std::uint64_t* o = out.mutable_data();
            const auto n = static_cast<std::size_t>(keys.size());
            py::gil_scoped_release unlocked;
            for (std::size_t i = 0; i < n; ++i) o[i] = phone_number::from_key(in[i]) ? in[i] : 0;
            return out;
        },
        py::arg("keys"), "The keys with 0 for each that is_valid_key refuses (no E.164 number), in one pass.");
}

}  // namespace numrep::python
