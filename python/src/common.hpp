// Shared pieces of the numrep._core bindings: the registration functions, and the conversion
// layer every binding takes Python values through (convert.hpp).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <numrep/numrep.hpp>

#include "convert.hpp"
#include "typed.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace numrep::python {

namespace py = pybind11;

void register_errors(py::module_& m);
void register_parse(py::module_& m);
void register_plan(py::module_& m);
void register_bloom(py::module_& m);
void register_trie(py::module_& m);
void register_reputation(py::module_& m);

// Codes of numrep.region_codes() for a number_info::region_code (0: none).
std::uint16_t region_code_id(std::string_view code);

}  // namespace numrep::python
