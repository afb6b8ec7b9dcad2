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
#include "result_blocks.hpp"
#include "typed.hpp"

#include <array>
#include <cstddef>
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
// region_code ids), as lookup_many and check_many return them. Each thread fills its own
// plan_columns::block and writes it out (result_blocks.hpp), without the GIL.
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
          rc_(region_code_.mutable_data()),
          stream_(static_cast<std::size_t>(n) >= stream_minimum_rows) {}

    // Up to block_rows rows of the columns, and the region code id last looked up, so that a run
    // of one country's numbers (the usual batch) looks its code up once: a plan's codes are views
    // of fixed text, so the same view is the same code.
    struct block {
        std::array<std::uint16_t, block_rows> carrier;
        std::array<std::uint8_t, block_rows> type;
        std::array<std::uint16_t, block_rows> region;
        std::array<bool, block_rows> valid;
        std::array<std::uint16_t, block_rows> region_code;
        std::string_view last_code;
        std::uint16_t last_code_id = 0;

        void set(std::size_t k, const number_info& info) noexcept {
            carrier[k] = info.carrier_id;
            type[k] = static_cast<std::uint8_t>(info.type);
            region[k] = info.region_id;
            valid[k] = info.valid;
            if (info.region_code.data() != last_code.data() || info.region_code.size() != last_code.size()) {
                last_code = info.region_code;
                last_code_id = region_code_id(info.region_code);
            }
            region_code[k] = last_code_id;
        }
    };
    // Rows [begin, begin + count) from b's first count.
    void write(std::size_t begin, const block& b, std::size_t count) const noexcept {
        copy_rows(c_ + begin, b.carrier.data(), count, stream_);
        copy_rows(t_ + begin, b.type.data(), count, stream_);
        copy_rows(r_ + begin, b.region.data(), count, stream_);
        copy_rows(v_ + begin, b.valid.data(), count, stream_);
        copy_rows(rc_ + begin, b.region_code.data(), count, stream_);
    }
    bool stream() const noexcept { return stream_; }
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
    bool stream_;
};

}  // namespace numrep::python
