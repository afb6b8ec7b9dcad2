// numrep._core: the compiled part of the numrep package (the pure-Python package re-exports it).
#include "common.hpp"

#include <filesystem>
#include <string>

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
    numrep::python::refresh_default_threads();
    // A save or build waiting for another writer's lock runs Python's signal handlers when a
    // signal interrupts the wait (KeyboardInterrupt gives the wait up); from any thread, with the
    // GIL taken for the call (the wait itself runs without it).
    numrep::detail::db_directory::on_lock_wait_interrupted.store(+[] {
        pybind11::gil_scoped_acquire gil;
        if (PyErr_CheckSignals() != 0) throw pybind11::error_already_set();
    });
    // A writer about to wait for another's lock calls the function _set_lock_busy_callback gave
    // (the command line says that it waits), with the lock file's path as a str.
    numrep::detail::db_directory::on_lock_busy.store(+[](const std::filesystem::path& lock_path) {
        pybind11::gil_scoped_acquire gil;
        const pybind11::object callback = numrep::python::lock_busy_callback();
        if (callback.is_none()) return;
        PyObject* name = PyUnicode_DecodeFSDefault(lock_path.c_str());
        if (name == nullptr) throw pybind11::error_already_set();
        callback(pybind11::reinterpret_steal<pybind11::object>(name));
    });
    m.def(
        "_set_lock_busy_callback",
        [](const numrep::python::typed<numrep::python::names::lock_busy_callback>& callback) {
            numrep::python::lock_busy_callback() = callback;
        },
        pybind11::arg("callback"),
        "Private: callback(lock_path) runs once before a save or build waits for another writer's "
        "lock (None: nothing runs). The command line prints that it waits.");
    m.def(
        "set_threads",
        [](const numrep::python::typed<numrep::python::names::optional_int>& threads) {
            namespace py = pybind11;
            if (threads.is_none()) {
                numrep::python::refresh_default_threads();  // the environment may have changed
                numrep::python::set_batch_threads(0);
                return;
            }
            if (!py::isinstance<py::int_>(threads) || py::isinstance<py::bool_>(threads))
                throw py::type_error("numrep.set_threads takes an int or None, got " +
                                     numrep::python::type_name(threads));
            // Its value as a plain int: a subclass's own comparisons let 5000 and 0 through.
            const py::int_ n = numrep::python::as_int(threads);
            if (n < py::int_(1) || n > py::int_(numrep::python::max_batch_threads))
                throw py::value_error("numrep.set_threads: " + std::string(py::str(threads)) +
                                      " threads, expected 1 to " + std::to_string(numrep::python::max_batch_threads) +
                                      " (or None for the default)");
            numrep::python::set_batch_threads(n.cast<std::size_t>());
        },
        pybind11::arg("threads"),
        "Threads that batch calls (parse_many, lookup_many, check_many, contains_many, get_many) may split a "
        "large column across; None goes back to the default: the NUMREP_THREADS environment variable, else "
        "OMP_NUM_THREADS (Dask's worker processes set it to 1), else the CPUs this process may use (the "
        "environment is read at import and by set_threads(None)). Results do not depend on it.");
    m.def("get_threads", &numrep::python::batch_threads,
          "Threads batch calls may use now (set_threads, or the default it describes).");
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
    annotations["_PARSE_ERROR_WORDS"] = "dict[str, str]";
    annotations["DEFAULT_REGION"] = "str";
    annotations["_HALF_LIFE_DAYS_RANGE"] = "tuple[float, float]";
    m.attr("__annotations__") = annotations;
}
