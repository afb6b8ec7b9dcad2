// Shared pieces of the numrep._core bindings: conversion of Python inputs to keys and texts.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <numrep/numrep.hpp>

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

// Resolves a default-region argument ("VN", "us", or None for international forms only).
region region_from(const py::object& code);

// A single number given as str (parsed with `home`), int (a key) or PhoneNumber.
phone_number number_from(const py::handle& value, const region& home);

// Like number_from, with the region given as a Python object: what numrep.parse does.
phone_number parse_value(const py::object& value, const py::object& region_code);

// Keys from a NumPy array or any sequence of ints, as a uint64 array (no copy when possible).
py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast> keys_from(const py::object& keys);
// Codes of numrep.region_codes() for a number_info::region_code (0: none).
std::uint16_t region_code_id(std::string_view code);

}  // namespace numrep::python
