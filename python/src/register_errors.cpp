// numrep's C++ exceptions as Python exceptions: ParseError and FormatError are ValueErrors;
// I/O failures (std::system_error) become OSError with their errno, so Python picks the
// matching subclass (FileNotFoundError, IsADirectoryError, PermissionError, ...).
#include "common.hpp"

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

// The module's exception types (kept alive by pybind11 for the life of the interpreter), for the
// translator, which pybind11 takes as a plain function: it cannot capture them.
PyObject* parse_error_type = nullptr;
PyObject* format_error_type = nullptr;

void set_error(PyObject* type, const std::exception& e) { PyErr_SetObject(type, message_of(e).ptr()); }

}  // namespace

void register_errors(py::module_& m) {
    parse_error_type = py::register_exception<parse_error>(m, "ParseError", PyExc_ValueError).ptr();
    format_error_type = py::register_exception<format_error>(m, "FormatError", PyExc_ValueError).ptr();
    // Registered last, so tried first.
    py::register_exception_translator([](std::exception_ptr raised) {
        try {
            if (raised) std::rethrow_exception(raised);
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
