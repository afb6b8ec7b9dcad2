// numrep's C++ exceptions as Python exceptions: ParseError (defined in python/numrep/_errors.py,
// with what did not parse as attributes, parse_failure.hpp) and FormatError are ValueErrors;
// I/O failures (std::system_error) become OSError with their errno, so Python picks the
// matching subclass (FileNotFoundError, IsADirectoryError, PermissionError, ...).
#include "common.hpp"
#include "parse_failure.hpp"

#include <cstring>
#include <stdexcept>
#include <system_error>

namespace numrep::python {

namespace {

// Messages name files, and a POSIX path is bytes that need not be UTF-8 (a bytes path, or a str
// from os.fsdecode): its other bytes become lone surrogates, as os.fsdecode makes them, rather
// than the message failing to decode (pybind11's own translators decode strictly).
py::str message_of(const std::exception& e) {
    const char* what = e.what();
    PyObject* text = PyUnicode_DecodeUTF8(what, static_cast<Py_ssize_t>(std::strlen(what)), "surrogateescape");
    if (text == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(text);
}

// The module's exception types, for the translator, which pybind11 takes as a plain function: it
// cannot capture them. Kept alive for the life of the interpreter: FormatError by pybind11,
// ParseError by a reference register_errors never gives back (the module's and numrep._errors'
// may go: `del numrep._core.ParseError` and a reload of numrep._errors must not free it).
PyObject* parse_error_type = nullptr;
PyObject* format_error_type = nullptr;

void set_error(PyObject* type, const std::exception& e) { PyErr_SetObject(type, message_of(e).ptr()); }

py::object python_value(const failed_value& value) {
    const auto size = static_cast<Py_ssize_t>(value.data.size());
    PyObject* object = nullptr;
    switch (value.type) {
        case failed_value::kind::none: return py::none();
        // As utf8_of read it: bytes that were not UTF-8 come back as os.fsdecode gives them.
        case failed_value::kind::text: object = PyUnicode_DecodeUTF8(value.data.data(), size, "surrogateescape"); break;
        case failed_value::kind::bytes: object = PyBytes_FromStringAndSize(value.data.data(), size); break;
        case failed_value::kind::integer: object = PyLong_FromString(value.data.c_str(), nullptr, 10); break;
    }
    if (object == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(object);
}

py::object optional_index(std::optional<std::size_t> index) {
    return index ? py::object(py::int_(*index)) : py::object(py::none());
}

// The ParseError with its attributes set.
void set_parse_failure(const parse_failure& e) {
    const py::object error = py::reinterpret_borrow<py::object>(parse_error_type)(message_of(e));
    error.attr("value") = python_value(e.value());
    error.attr("reason") = py::str(e.reason());
    error.attr("position") = optional_index(e.position());
    error.attr("item") = optional_index(e.item());
    PyErr_SetObject(parse_error_type, error.ptr());
}

}  // namespace

void register_errors(py::module_& m) {
    // Kept alive by the module's reference to it (and by numrep._errors).
    py::object parse_error_class = py::module_::import("numrep._errors").attr("ParseError");
    m.attr("ParseError") = parse_error_class;
    parse_error_type = parse_error_class.release().ptr();
    py::exception<format_error> format_error_class = py::register_exception<format_error>(m, "FormatError",
                                                                                          PyExc_ValueError);
    format_error_class.attr("__doc__") =
        "A file that is not what numrep wrote, or no longer is (a Bloom filter, a trie store, a database\n"
        "directory): damaged, cut short, of another format or version. The message names the file and the fault.\n"
        "A ValueError, so that `except ValueError` catches it with other bad input.";
    format_error_type = format_error_class.ptr();
    // ParseError.reason of each text error -> its words as from_csv's unparseable_by_error counts
    // them, so that a build from a frame or Parquet counts its unparseable rows the same way.
    py::dict error_words;
    for (int e = static_cast<int>(parse_errc::empty); e <= static_cast<int>(parse_errc::unknown_region); ++e)
        error_words[py::str(std::string(reason_of(static_cast<parse_errc>(e))))] = std::string(
            describe(static_cast<parse_errc>(e)));
    m.attr("_PARSE_ERROR_WORDS") = error_words;
    // Registered last, so tried first.
    py::register_exception_translator([](std::exception_ptr raised) {
        try {
            if (raised) std::rethrow_exception(raised);
        } catch (const parse_failure& e) {
            try {
                set_parse_failure(e);
            } catch (py::error_already_set& inner) {
                inner.restore();  // the attributes could not be made (no memory): that error
            }
        } catch (const parse_error& e) {
            set_error(parse_error_type, e);
        } catch (const format_error& e) {
            set_error(format_error_type, e);
        } catch (const std::system_error& e) {
            const int code = e.code().category() == std::generic_category() ||
                                     e.code().category() == std::system_category()
                                 ? e.code().value()
                                 : 0;
            // OSError(errno, message) instantiates the errno's subclass.
            py::object error = py::reinterpret_borrow<py::object>(PyExc_OSError)(code, message_of(e));
            PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
        } catch (const std::invalid_argument& e) {  // bad CSV files: their messages name the file
            set_error(PyExc_ValueError, e);
        }
    });
}

}  // namespace numrep::python
