// Ingestion helpers that Python's report readers share with the C++ CSV reader, so that a row
// means the same from a CSV file, a DataFrame or a Parquet file: source ids (numrep::source_id).
#include "common.hpp"

namespace numrep::python {

namespace {

// source_id of each name: None (and empty or blank names) give 0, "no source".
py::array_t<std::uint32_t> source_ids(const typed<names::texts>& values) {
    const auto items = py::reinterpret_steal<py::object>(PySequence_Fast(values.ptr(), "numrep: expected a sequence"));
    if (!items) throw py::error_already_set();
    const auto n = PySequence_Fast_GET_SIZE(items.ptr());
    py::array_t<std::uint32_t> out(n);
    auto* o = out.mutable_data();
    for (Py_ssize_t i = 0; i < n; ++i) {
        PyObject* item = PySequence_Fast_GET_ITEM(items.ptr(), i);
        if (item == Py_None) {
            o[i] = 0;
            continue;
        }
        if (!PyUnicode_Check(item))
            throw py::type_error("numrep: source at index " + std::to_string(i) + " must be a str or None, got " +
                                 std::string(Py_TYPE(item)->tp_name));
        Py_ssize_t size = 0;
        if (const char* utf8 = PyUnicode_AsUTF8AndSize(item, &size)) {
            o[i] = source_id(std::string_view(utf8, static_cast<std::size_t>(size)));
            continue;
        }
        // Lone surrogates: the bytes they stand for (utf8_of), the name's bytes as from_csv hashes
        // them, so that one source counts once whichever way its reports came.
        PyErr_Clear();
        o[i] = source_id(utf8_of(py::handle(item)));
    }
    return out;
}

}  // namespace

void register_ingest(py::module_& m) {
    m.def("_source_ids", &source_ids, py::arg("values"),
          "Source ids of names as every reader computes them (numrep::source_id: a 32-bit hash of the trimmed "
          "UTF-8 name; 0 for None or a blank name).");
}

}  // namespace numrep::python
