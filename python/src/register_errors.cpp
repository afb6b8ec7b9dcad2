// numrep's C++ exceptions as Python exceptions: ParseError and FormatError are ValueErrors.
#include "common.hpp"

namespace numrep::python {

void register_errors(py::module_& m) {
    py::register_exception<numrep::parse_error>(m, "ParseError", PyExc_ValueError);
    py::register_exception<numrep::format_error>(m, "FormatError", PyExc_ValueError);
}

}  // namespace numrep::python
