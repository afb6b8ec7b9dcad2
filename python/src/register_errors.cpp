// numrep's C++ exceptions as Python exceptions: ParseError and FormatError are ValueErrors;
// I/O failures (std::system_error) become OSError with their errno, so Python picks the
// matching subclass (FileNotFoundError, IsADirectoryError, PermissionError, ...).
#include "common.hpp"

#include <system_error>

namespace numrep::python {

void register_errors(py::module_& m) {
    py::register_exception<numrep::parse_error>(m, "ParseError", PyExc_ValueError);
    py::register_exception<numrep::format_error>(m, "FormatError", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr raised) {
        try {
            if (raised) std::rethrow_exception(raised);
        } catch (const std::system_error& e) {
            const int code = e.code().category() == std::generic_category() ||
                                     e.code().category() == std::system_category()
                                 ? e.code().value()
                                 : 0;
            // OSError(errno, message) instantiates the errno's subclass.
            py::object error = py::reinterpret_borrow<py::object>(PyExc_OSError)(code, e.what());
            PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
        }
    });
}

}  // namespace numrep::python
