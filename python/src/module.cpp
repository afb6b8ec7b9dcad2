// numrep._core: the compiled part of the numrep package (the pure-Python package re-exports it).
#include "common.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "numrep's compiled core; import numrep instead.";
    m.attr("__version__") = NUMREP_PYTHON_VERSION;
    numrep::python::register_errors(m);
    numrep::python::register_parse(m);
    numrep::python::register_plan(m);
    numrep::python::register_bloom(m);
    numrep::python::register_trie(m);
    numrep::python::register_reputation(m);
    numrep::python::register_ingest(m);
    // The result columns' buffer pool (output_arrays.hpp), for tests.
    m.def(
        "_output_pool_buffers", [] { return numrep::python::output_pool_now().buffers; },
        "Idle buffers in the pool of result columns.");
    m.def(
        "_output_pool_bytes", [] { return numrep::python::output_pool_now().bytes; },
        "Bytes of the idle buffers in the pool of result columns.");
    m.def(
        "_output_pool_clear", [] { numrep::python::clear_output_pool(); },
        "Free the idle buffers of the pool of result columns (arrays in use keep theirs).");
    m.attr("_OUTPUT_POOL_MINIMUM") = numrep::python::pooled_minimum;
    m.attr("_OUTPUT_POOL_LIMIT") = numrep::python::pool_limit;
    // The constants' types, which the stub generator cannot see in their values (tools/gen_stubs.py
    // writes them into _core.pyi): a module's __annotations__, as Python modules have.
    pybind11::dict annotations;
    for (const char* name : {"TYPE_NAMES", "LEVEL_NAMES", "CATEGORY_NAMES"}) annotations[name] = "tuple[str, ...]";
    annotations["LEGACY_MOBILE_PREFIXES"] = "dict[str, str]";
    annotations["DEFAULT_REGION"] = "str";
    m.attr("__annotations__") = annotations;
}
