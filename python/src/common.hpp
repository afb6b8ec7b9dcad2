// Shared pieces of the numrep._core bindings: the registration functions, and the conversion
// layer every binding takes Python values through (convert.hpp).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <numrep/numrep.hpp>

#include "convert.hpp"
#include "output_arrays.hpp"
#include "parallel.hpp"
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
void register_ingest(py::module_& m);

// Codes of numrep.region_codes() for a number_info::region_code (0: none).
std::uint16_t region_code_id(std::string_view code);

// The plan's answer for many numbers as NumPy columns (carrier, type, region, valid,
// region_code ids), as lookup_many and check_many return them. set() runs without the GIL, from
// any number of threads writing different rows.
class plan_columns {
public:
    explicit plan_columns(py::ssize_t n)
        : carrier_(output_array<std::uint16_t>(n)),
          type_(output_array<std::uint8_t>(n)),
          region_(output_array<std::uint16_t>(n)),
          valid_(output_array<bool>(n)),
          region_code_(output_array<std::uint16_t>(n)),
          c_(carrier_.mutable_data()),
          t_(type_.mutable_data()),
          r_(region_.mutable_data()),
          v_(valid_.mutable_data()),
          rc_(region_code_.mutable_data()) {}
    // The region code id last set, so that a run of one country's numbers (the usual batch)
    // looks its code up once: a plan's codes are views of fixed text, so the same view is the
    // same code. One per thread writing the columns.
    struct code_cache {
        std::string_view code;
        std::uint16_t id = 0;
    };
    void set(std::size_t i, const number_info& info, code_cache& cache) const noexcept {
        c_[i] = info.carrier_id;
        t_[i] = static_cast<std::uint8_t>(info.type);
        r_[i] = info.region_id;
        v_[i] = info.valid;
        if (info.region_code.data() != cache.code.data() || info.region_code.size() != cache.code.size()) {
            cache.code = info.region_code;
            cache.id = region_code_id(info.region_code);
        }
        rc_[i] = cache.id;
    }
    void add_to(py::dict& out) const {
        out["carrier"] = carrier_;
        out["type"] = type_;
        out["region"] = region_;
        out["valid"] = valid_;
        out["region_code"] = region_code_;
    }

private:
    py::array_t<std::uint16_t> carrier_;
    py::array_t<std::uint8_t> type_;
    py::array_t<std::uint16_t> region_;
    py::array_t<bool> valid_;
    py::array_t<std::uint16_t> region_code_;
    std::uint16_t* c_;
    std::uint8_t* t_;
    std::uint16_t* r_;
    bool* v_;
    std::uint16_t* rc_;
};

}  // namespace numrep::python
