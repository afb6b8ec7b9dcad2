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
}
