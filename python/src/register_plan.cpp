// NumberInfo, NumberingPlan, lookup, lookup_many: what the numbering plan says about keys.
#include "common.hpp"

#include <pybind11/gil.h>

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace numrep::python {

// Codes of region_codes(): 0 none, 1 "001" (non-geographic), then the ISO codes in order.
std::uint16_t region_code_id(std::string_view code) {
    // ids by the two letters, made once: lookup_many asks for one per key
    static const std::array<std::uint16_t, 26 * 26> ids = [] {
        std::array<std::uint16_t, 26 * 26> table{};
        const auto& rows = detail::world::regions;
        for (std::size_t i = 0; i < rows.size(); ++i)
            table[static_cast<std::size_t>((rows[i].code[0] - 'A') * 26 +
                                           (rows[i].code[1] - 'A'))] = static_cast<std::uint16_t>(2 + i);
        return table;
    }();
    if (code.size() == 3) return code == "001" ? 1 : 0;
    if (code.size() != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') return 0;
    return ids[static_cast<std::size_t>((code[0] - 'A') * 26 + (code[1] - 'A'))];
}

// Name tables come back as NumPy object arrays, so that names[codes] decodes a whole column.
typed<names::name_array> object_array(const py::list& names) {
    return py::module_::import("numpy").attr("array")(names, py::arg("dtype") = "object");
}

typed<names::name_array> region_code_names() {
    py::list out;
    out.append("");
    out.append("001");
    for (const auto& e : detail::world::regions) out.append(std::string(e.code));
    return object_array(out);
}

namespace {

// The plans a lookup_many is reading without the GIL, and how many calls read each. A load into a
// plan replaces its tables, which a reader on another thread was still walking (a segfault); a
// load while one reads is refused instead. Only touched with the GIL held.
std::unordered_map<const numbering_plan*, std::size_t>& plans_being_read() {
    static auto* readers = new std::unordered_map<const numbering_plan*, std::size_t>();  // never destroyed
    return *readers;
}

class plan_reading {
public:
    explicit plan_reading(const numbering_plan& plan) : plan_(&plan) { ++plans_being_read()[plan_]; }
    ~plan_reading() {
        auto& readers = plans_being_read();
        if (const auto it = readers.find(plan_); it != readers.end() && --it->second == 0) readers.erase(it);
    }
    plan_reading(const plan_reading&) = delete;
    plan_reading& operator=(const plan_reading&) = delete;

private:
    const numbering_plan* plan_;
};

// Refuses to change a plan that a lookup_many on another thread is reading.
void check_not_being_read(const numbering_plan& plan, std::string_view method) {
    if (plans_being_read().contains(&plan))
        throw std::runtime_error("numrep: NumberingPlan." + std::string(method) +
                                 ": a lookup_many on another thread is reading this plan; load into it once that "
                                 "call is done");
}

// Strings are parsed with `home`; one that does not parse gets key 0, which the plan calls invalid.
typed<names::info_columns> info_columns(const numbering_plan& plan, const numbers_arg& keys_in,
                                        const regions_arg& home) {
    const key_array keys = keys_of(keys_in, {.method = "lookup_many", .region = home, .on_bad_text = bad_text::coerce});
    const auto count = keys.shape(0);
    plan_columns columns(count);
    {
        const plan_reading reading(plan);  // released after the GIL is taken back (declared first)
        const std::uint64_t* in = keys.data();
        py::gil_scoped_release unlocked;
        for_each_range(static_cast<std::size_t>(count), [&](std::size_t begin, std::size_t end) {
            block_writer<plan_columns> rows(columns, begin, end - begin);
            number_info info;
            for (std::size_t k = 0; k < end - begin; ++k) {
                plan.lookup(in[begin + k], info);
                rows.set(k, info);
            }
        });
    }
    py::dict out;
    columns.add_to(out);
    return out;
}

// Names indexed by id, "" at 0 (the interner's own order).
typed<names::name_array> names_by_id(std::span<const std::string_view> names) {
    py::list out;
    for (const auto name : names) out.append(py::str(name.data(), name.size()));
    return object_array(out);
}

// National lengths given from Python as a list of ints, as the bit mask numbering_plan takes.
std::uint32_t lengths_mask(const std::vector<int>& national_lengths) {
    std::uint32_t mask = 0;
    for (int length : national_lengths) {
        if (length < 1 || length > 14)
            throw py::value_error("numrep: national lengths must be 1 to 14, got " + std::to_string(length));
        mask |= 1u << length;
    }
    return mask;
}

struct info_record {
    phone_number number;
    std::string carrier;
    std::string type;
    std::string region_name;
    std::string region_code;
    bool valid;
};

info_record make_record(const numbering_plan& plan, const phone_number& n) {
    const number_info info = plan.lookup(n);
    return {n,
            std::string(info.carrier),
            std::string(to_string(info.type)),
            std::string(info.region),
            std::string(info.region_code),
            info.valid};
}

}  // namespace

void register_plan(py::module_& m) {
    py::class_<info_record>(m, "NumberInfo", "What a numbering plan says about one number.")
        // __reduce__ rather than py::pickle: it serves every pickle protocol, 0 and 1 included.
        .def("__reduce__",
             [](const info_record& r) -> typed<names::number_info_state> {
                 const py::object restore = py::module_::import("numrep._core").attr("_number_info_from_state");
                 return py::make_tuple(restore, py::make_tuple(r.number, r.carrier, r.type, r.region_name,
                                                               r.region_code, r.valid));
             })
        .def_readonly("number", &info_record::number, "The number looked up, as a PhoneNumber.")
        .def_readonly("carrier", &info_record::carrier,
                      "Carrier the prefix was allocated to ('' if unknown; for mobile numbers); numbers may be ported.")
        .def_readonly("type", &info_record::type,
                      "One of TYPE_NAMES: libphonenumber's types (mobile, fixed_line,\n"
                      "fixed_line_or_mobile, toll_free, ...), short_code (Vietnam) or unknown.")
        .def_readonly(
            "region", &info_record::region_name,
            "Geographic area for geographic numbers (Vietnamese province, US state, Canadian province), else ''.")
        .def_readonly(
            "region_code", &info_record::region_code,
            "ISO 3166 code of the region the number belongs to ('US', 'CA' for +1), '001' for non-geographic\n"
            "codes such as +800, '' when none.")
        .def_readonly("valid", &info_record::valid, "True if the plan says a number of this prefix and length exists.")
        .def(
            "_asdict",
            [](const info_record& r) -> typed<names::info_dict> {
                py::dict d;
                d["number"] = r.number.e164();
                d["carrier"] = r.carrier;
                d["type"] = r.type;
                d["region"] = r.region_name;
                d["region_code"] = r.region_code;
                d["valid"] = r.valid;
                return d;
            },
            "The fields as a dict (number as E.164 text).")
        .def(
            "__eq__",
            [](const info_record& a, const typed<names::object>& other) -> typed<names::boolean> {
                if (!py::isinstance<info_record>(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
                const auto& b = other.cast<const info_record&>();
                return py::bool_(a.number == b.number && a.carrier == b.carrier && a.type == b.type &&
                                 a.region_name == b.region_name && a.region_code == b.region_code &&
                                 a.valid == b.valid);
            },
            py::arg("other"), "The same number (as PhoneNumber compares them) and the same fields.")
        .def("__hash__",
             [](const info_record& r) {
                 return py::hash(
                     py::make_tuple(r.number.key(), r.carrier, r.type, r.region_name, r.region_code, r.valid));
             })
        .def("__repr__", [](const info_record& r) {
            // Names as Python literals: a custom plan's carrier may hold a quote (O'Brien).
            const auto literal = [](const std::string& text) { return repr_of(py::str(text)); };
            return "NumberInfo(number='" + r.number.e164() + "', carrier=" + literal(r.carrier) +
                   ", type=" + literal(r.type) + ", region=" + literal(r.region_name) +
                   ", region_code=" + literal(r.region_code) + ", valid=" + (r.valid ? "True" : "False") + ")";
        });

    m.def(
        "_number_info_from_state",
        [](const phone_number& number, std::string carrier, std::string type, std::string region,
           std::string region_code, bool valid) {
            if (std::find(number_type_names.begin(), number_type_names.end(), type) == number_type_names.end())
                throw py::value_error("numrep: bad NumberInfo pickle state: type " + detail::quote(type) +
                                      " is not one of TYPE_NAMES");
            return info_record{number, std::move(carrier), std::move(type), std::move(region), std::move(region_code),
                               valid};
        },
        py::arg("number"), py::arg("carrier"), py::arg("type"), py::arg("region"), py::arg("region_code"),
        py::arg("valid"), "Unpickles a NumberInfo (its fields as NumberInfo.__reduce__ gives them).");

    py::class_<numbering_plan>(
        m, "NumberingPlan",
        "Longest-prefix table from keys to carrier, type and region. Extend it with libphonenumber's\n"
        "carrier and geocoding files ('prefix|name' lines) for other countries.")
        .def(py::init<>(), "An empty plan.")
        .def("__reduce__", refuse_pickling("NumberingPlan", "load its text files again in the other process"))
        .def_static(
            "vietnam", [] { return numbering_plan(plans::vietnam()); }, "A copy of the built-in Vietnamese plan.")
        .def_static(
            "world", [] { return numbering_plan(plans::world()); },
            "A copy of the built-in world plan (every region; Vietnam's rules on top), to extend.")
        .def(
            "load_carrier_text",
            [](numbering_plan& p, const std::string& text, const std::string& source, const std::vector<int>& lens) {
                check_not_being_read(p, "load_carrier_text");
                return p.load_carrier_data(text, source, lengths_mask(lens));
            },
            py::arg("text"), py::arg("source") = "carrier data", py::arg("national_lengths") = std::vector<int>{},
            "Adds libphonenumber's carrier data: \"prefix|name\" lines (prefix with the country code), '#' comments.\n"
            "`source` names the text in error messages (a malformed line is a ValueError naming it, the line and\n"
            "the fault). `national_lengths`: the national lengths the prefixes apply to and validate (empty: every\n"
            "length, validating nothing). A prefix given again has its name replaced. Returns the prefix lines read.")
        .def(
            "load_geocoding_text",
            [](numbering_plan& p, const std::string& text, const std::string& source, const std::vector<int>& lens) {
                check_not_being_read(p, "load_geocoding_text");
                return p.load_geocoding_data(text, source, lengths_mask(lens));
            },
            py::arg("text"), py::arg("source") = "geocoding data", py::arg("national_lengths") = std::vector<int>{},
            "Adds libphonenumber's geocoding data (areas: provinces, states) as load_carrier_text adds carriers.")
        .def(
            "lookup",
            [](const numbering_plan& p, const number_arg& value, const region_arg& region_code) {
                return make_record(p, number_of(value, region_code));
            },
            py::arg("number"), py::arg("region") = default_region_code(),
            "Carrier, type, area, region code and validity of one number (str parsed in `region`, int key or\n"
            "PhoneNumber) by this plan.")
        .def("lookup_many", &info_columns, py::arg("keys"), py::kw_only(), py::arg("region") = default_region_code(),
             "Columns for an array of keys, or of strings parsed with `region` (a pyarrow/polars/pandas column of\n"
             "strings is read in place; a string that does not parse is not valid): carrier and region codes (index "
             "carrier_names / region_names), type codes\n"
             "(index TYPE_NAMES), valid flags and region_code codes (index region_codes()). Releases the GIL.")
        .def_property_readonly(
            "carrier_names", [](const numbering_plan& p) { return names_by_id(p.carriers()); },
            "Names of this plan's carrier codes (a NumPy object array; index 0 is '', none).")
        .def_property_readonly(
            "region_names", [](const numbering_plan& p) { return names_by_id(p.regions()); },
            "Names of this plan's area codes (a NumPy object array; index 0 is '', none).")
        .def_property_readonly("rule_count", &numbering_plan::rule_count, "Prefix rules the plan holds.")
        .def("__repr__", [](const numbering_plan& p) {
            return "NumberingPlan(rules=" + std::to_string(p.rule_count()) +
                   ", carriers=" + std::to_string(p.carriers().size() - 1) +
                   ", regions=" + std::to_string(p.regions().size() - 1) + ")";
        });

    py::list type_names;
    for (auto name : number_type_names) type_names.append(std::string(name));
    m.attr("TYPE_NAMES") = py::tuple(type_names);

    m.def(
        "lookup",
        [](const number_arg& value, const region_arg& region_code) {
            return make_record(plans::world(), number_of(value, region_code));
        },
        py::arg("number"), py::arg("region") = default_region_code(),
        "Carrier, type, region, region code and validity of one number (str, int key or PhoneNumber) by the\n"
        "built-in world plan (every region libphonenumber knows; Vietnam's allocation notices for +84).");
    m.def(
        "lookup_many",
        [](const numbers_arg& keys, const regions_arg& home) { return info_columns(plans::world(), keys, home); },
        py::arg("keys"), py::kw_only(), py::arg("region") = default_region_code(),
        "lookup for an array of keys by the built-in plan; see NumberingPlan.lookup_many.");
    m.def(
        "carrier_names", [] { return names_by_id(plans::world().carriers()); },
        "Names of the built-in plan's carrier codes (a NumPy object array: names[codes] decodes a column); index 0 is "
        "'' (none).");
    m.def(
        "region_names", [] { return names_by_id(plans::world().regions()); },
        "Names of the built-in plan's region (area) codes (a NumPy object array); index 0 is '' (none).");
    m.def("region_codes", &region_code_names,
          "ISO region codes by the codes of lookup_many's 'region_code' column: '' (none), '001', then 'AC'...'ZW'.");
}

}  // namespace numrep::python
