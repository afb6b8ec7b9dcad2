// Shared pieces of the numrep._core bindings: the registration functions, and the conversion
// layer every binding takes Python values through (convert.hpp).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <numrep/numrep.hpp>

#include "convert.hpp"
#include "output_arrays.hpp"
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
// region_code ids), as lookup_many and check_many return them. set() runs without the GIL.
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
    void set(std::size_t i, const number_info& info) noexcept {
        c_[i] = info.carrier_id;
        t_[i] = static_cast<std::uint8_t>(info.type);
        r_[i] = info.region_id;
        v_[i] = info.valid;
        // Batches are mostly of one country, and a plan's codes are views of fixed text: the
        // same view is the same code, without the call.
        if (info.region_code.data() != last_code_.data() || info.region_code.size() != last_code_.size()) {
            last_code_ = info.region_code;
            last_code_id_ = region_code_id(info.region_code);
        }
        rc_[i] = last_code_id_;
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
    std::string_view last_code_;  // region_code_id(last_code_) == last_code_id_
    std::uint16_t last_code_id_ = 0;
};

}  // namespace numrep::python
