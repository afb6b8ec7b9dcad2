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

// A __reduce__ for a class that cannot be pickled or copied, saying so and what to do instead
// (`instead`). Without one, pickle protocols 0 and 1 went through copyreg's default, which
// pybind11 answers with a C++ exception thrown from a C slot: the process aborted.
inline auto refuse_pickling(std::string name, std::string instead) {
    return [name = std::move(name), instead = std::move(instead)](const py::object&) -> typed<names::never> {
        throw py::type_error("numrep: cannot pickle or copy a " + name + ": " + instead);
    };
}

// The function _core._set_lock_busy_callback gave (None until then), called with the GIL. Never
// destroyed: a py::object released after the interpreter has ended would crash the exit.
inline py::object& lock_busy_callback() {
    static auto* callback = new py::object(py::none());
    return *callback;
}

// Codes of numrep.region_codes() for a number_info::region_code (0: none).
std::uint16_t region_code_id(std::string_view code);

// The plan's answer for many numbers as NumPy columns (carrier, type, region, valid,
// region_code ids), as lookup_many and check_many return them. Each thread fills its own
// plan_columns::block and writes it out (result_blocks.hpp), without the GIL.
class plan_columns {
public:
    explicit plan_columns(py::ssize_t n)
        : carrier_(n),
          type_(n),
          region_(n),
          valid_(n),
          region_code_(n),
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
        copy_rows(carrier_.data + begin, b.carrier.data(), count, stream_);
        copy_rows(type_.data + begin, b.type.data(), count, stream_);
        copy_rows(region_.data + begin, b.region.data(), count, stream_);
        copy_rows(valid_.data + begin, b.valid.data(), count, stream_);
        copy_rows(region_code_.data + begin, b.region_code.data(), count, stream_);
    }
    void add_to(py::dict& out) const {
        out["carrier"] = carrier_.array;
        out["type"] = type_.array;
        out["region"] = region_.array;
        out["valid"] = valid_.array;
        out["region_code"] = region_code_.array;
    }

private:
    result_column<std::uint16_t> carrier_;
    result_column<std::uint8_t> type_;
    result_column<std::uint16_t> region_;
    result_column<bool> valid_;
    result_column<std::uint16_t> region_code_;
    bool stream_;
};

// Arguments taken as any object (by any_object_caster below), so that the call names what is
// wrong with a value: pybind11 listed every signature ("incompatible function arguments") for a
// value its own conversion refused (BloomFilter(1000.0), get_many(default=None), verify=5).

// An int argument, shown as `int` in signatures; require_int then the call's own range checks.
struct int_arg {
    static constexpr auto signature = pybind11::detail::const_name("int");
    py::object value;
};

// A TypeError, "numrep: <what>, got a float (1.5)", unless `value` is an int (not a bool).
inline void require_int(const py::handle& value, const std::string& what) {
    if (PyFloat_Check(value.ptr()) || PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr()))
        throw py::type_error("numrep: " + what + ", got " + a_or_an(type_name(value)) + " (" + repr_of(value) + ")");
}

// The `verify=` of the stores' open: "full" or "header", shown as that Literal in signatures.
struct verify_arg {
    static constexpr auto signature = pybind11::detail::const_name("typing.Literal['full', 'header']");
    py::object value = py::str("full");
};

inline verify verify_from(const verify_arg& arg) {
    if (py::isinstance<py::str>(arg.value)) {
        const auto name = arg.value.cast<std::string>();
        if (name == "full") return verify::full;
        if (name == "header") return verify::header;
    }
    const std::string got = repr_of(arg.value);
    if (!py::isinstance<py::str>(arg.value))
        throw py::type_error("numrep: verify must be \"full\" or \"header\", got " + a_or_an(type_name(arg.value)) +
                             " (" + got + ")");
    throw py::value_error("numrep: verify must be \"full\" or \"header\", got " + got);
}

}  // namespace numrep::python

namespace pybind11::detail {
template <class Arg>
struct any_object_caster {
    PYBIND11_TYPE_CASTER(Arg, Arg::signature);
    bool load(handle src, bool) {
        if (src.ptr() == nullptr) return false;
        value.value = reinterpret_borrow<object>(src);
        return true;
    }
    static handle cast(const Arg& v, return_value_policy, handle) { return v.value.inc_ref(); }
};
template <>
struct type_caster<numrep::python::int_arg> : any_object_caster<numrep::python::int_arg> {};
template <>
struct type_caster<numrep::python::verify_arg> : any_object_caster<numrep::python::verify_arg> {};
}  // namespace pybind11::detail
