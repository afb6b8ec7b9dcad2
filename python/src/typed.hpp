// Arguments and results the bindings take or make as Python objects (converted by convert.hpp),
// named precisely in signatures, help() and the generated stubs (python/numrep/_core.pyi):
// typed<names::number> is a py::object that pybind11 shows as "str | int | PhoneNumber" rather
// than typing.Any. Loading never fails on the type, so that convert.hpp says what is wrong with
// a value (a TypeError naming it) instead of pybind11's "incompatible function arguments".
#pragma once

#include <pybind11/pybind11.h>

namespace numrep::python {

namespace py = pybind11;

inline bool any_object(PyObject*) { return true; }

template <class Name>
class typed : public py::object {
public:
    PYBIND11_OBJECT_DEFAULT(typed, py::object, any_object)
};

// The names, as Python type expressions (classes of the module are written numrep._core.X).
namespace names {

#define NUMREP_TYPE_NAME(tag, text)                                \
    struct tag {                                                   \
        static constexpr auto name = py::detail::const_name(text); \
    }

#define NUMREP_NUMBER "str | int | numrep._core.PhoneNumber"
#define NUMREP_TIME "datetime.datetime | datetime.date | numpy.datetime64 | int | float | str"
#define NUMREP_NDARRAY(dtypes) "numpy.typing.NDArray[" dtypes "]"

NUMREP_TYPE_NAME(number, NUMREP_NUMBER);
NUMREP_TYPE_NAME(region, "str | None");
NUMREP_TYPE_NAME(
    regions, "str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_]");
// A batch of numbers: integer or string arrays, Series, lists and other iterables.
NUMREP_TYPE_NAME(
    numbers, "numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | numrep._core.PhoneNumber | None]");
// parse_many's keys: NumPy, or the input's own kind for pyarrow and polars columns.
NUMREP_TYPE_NAME(key_column, NUMREP_NDARRAY("numpy.uint64") " | pyarrow.UInt64Array | polars.Series");
NUMREP_TYPE_NAME(int_keys, "numpy.typing.ArrayLike | collections.abc.Iterable[int]");
NUMREP_TYPE_NAME(prefix, NUMREP_NUMBER);
NUMREP_TYPE_NAME(optional_prefix, NUMREP_NUMBER " | None");
NUMREP_TYPE_NAME(time, NUMREP_TIME);
NUMREP_TYPE_NAME(optional_time, NUMREP_TIME " | None");
NUMREP_TYPE_NAME(path, "str | bytes | os.PathLike[str] | os.PathLike[bytes]");
NUMREP_TYPE_NAME(path_or_none, "str | bytes | os.PathLike[str] | os.PathLike[bytes] | None");
NUMREP_TYPE_NAME(paths,
                 "str | bytes | os.PathLike[str] | os.PathLike[bytes] | "
                 "collections.abc.Iterable[str | bytes | os.PathLike[str] | os.PathLike[bytes]]");
NUMREP_TYPE_NAME(optional_str, "str | None");
NUMREP_TYPE_NAME(optional_int, "int | None");
NUMREP_TYPE_NAME(index, "typing.SupportsIndex");
NUMREP_TYPE_NAME(real, "float");
NUMREP_TYPE_NAME(object, "builtins.object");  // stubgen reads a bare "object" as typing.Any
NUMREP_TYPE_NAME(boolean, "bool");
NUMREP_TYPE_NAME(memo, "dict[int, builtins.object]");
NUMREP_TYPE_NAME(values, "numpy.typing.ArrayLike | collections.abc.Iterable[int] | None");
NUMREP_TYPE_NAME(merge, "typing.Literal['sum', 'max', 'last'] | collections.abc.Callable[[int, int], int]");
NUMREP_TYPE_NAME(progress, "collections.abc.Callable[[int, int, int, int], None] | None");
NUMREP_TYPE_NAME(lock_busy_callback, "collections.abc.Callable[[str], None] | None");
NUMREP_TYPE_NAME(texts, "collections.abc.Sequence[str | None]");
NUMREP_TYPE_NAME(written_values, "collections.abc.Sequence[str | bytes | int | None]");
NUMREP_TYPE_NAME(str_list, "list[str]");
NUMREP_TYPE_NAME(key, "typing.SupportsIndex");
NUMREP_TYPE_NAME(name_array, NUMREP_NDARRAY("numpy.object_"));
NUMREP_TYPE_NAME(info_columns, "dict[str, " NUMREP_NDARRAY("numpy.uint8 | numpy.uint16 | numpy.bool") "]");
NUMREP_TYPE_NAME(verdict_columns, "dict[str, " NUMREP_NDARRAY(
                                      "numpy.float64 | numpy.uint8 | numpy.uint16 | numpy.uint32 | numpy.uint64 | "
                                      "numpy.int64 | numpy.bool") "]");
NUMREP_TYPE_NAME(checked_columns, "tuple[dict[str, " NUMREP_NDARRAY(
                                      "numpy.float64 | numpy.uint8 | numpy.uint16 | numpy.uint32 | numpy.uint64 | "
                                      "numpy.int64 | numpy.bool") "], int, int]");
NUMREP_TYPE_NAME(text_column, "tuple[" NUMREP_NDARRAY("numpy.int64") ", " NUMREP_NDARRAY("numpy.bool") "]");
NUMREP_TYPE_NAME(info_dict, "dict[str, str | bool]");
NUMREP_TYPE_NAME(counts, "dict[str, int]");
NUMREP_TYPE_NAME(optional_datetime, "datetime.datetime | None");
NUMREP_TYPE_NAME(datetime, "datetime.datetime");
NUMREP_TYPE_NAME(ingest_stats, "dict[str, int | str | dict[str, int] | list[dict[str, int | str]]]");
NUMREP_TYPE_NAME(phone_number_state,
                 "tuple[collections.abc.Callable[[int, bool, str], numrep._core.PhoneNumber], tuple[int, bool, str]]");
NUMREP_TYPE_NAME(verdict_state,
                 "tuple[collections.abc.Callable[..., numrep._core.Verdict], tuple[int, bool, float, int, "
                 "bool, float, int, bytes, str, int, str, str, bool, int, int, int]]");
NUMREP_TYPE_NAME(number_info_state,
                 "tuple[collections.abc.Callable[[numrep._core.PhoneNumber, str, str, str, str, "
                 "bool], numrep._core.NumberInfo], tuple[numrep._core.PhoneNumber, str, str, str, "
                 "str, bool]]");
NUMREP_TYPE_NAME(bloom_state,
                 "tuple[collections.abc.Callable[[bytes, bool], numrep._core.BloomFilter], tuple[bytes, bool]]");
// Records as arrays (keys, the thirteen fields of each record) and a shard's manifest entry.
#define NUMREP_RECORDS "tuple[" NUMREP_NDARRAY("numpy.uint64") ", " NUMREP_NDARRAY("numpy.uint32") "]"
#define NUMREP_FILE_ENTRY "tuple[str, int, int]"
NUMREP_TYPE_NAME(records, NUMREP_RECORDS);
NUMREP_TYPE_NAME(record_pieces, "collections.abc.Sequence[" NUMREP_RECORDS "]");
NUMREP_TYPE_NAME(csv_records, "tuple[" NUMREP_NDARRAY("numpy.uint64") ", " NUMREP_NDARRAY(
                                  "numpy.uint32") ", dict[str, int | str | dict[str, int] | list[dict[str, int | str]]], "
                                                  "str | None]");
NUMREP_TYPE_NAME(csv_stats, "tuple[dict[str, int | str | dict[str, int] | list[dict[str, int | str]]], str | None]");
NUMREP_TYPE_NAME(build_summary, "dict[str, int]");
NUMREP_TYPE_NAME(shard_entry, "tuple[int, int, int, " NUMREP_FILE_ENTRY ", " NUMREP_FILE_ENTRY "]");
NUMREP_TYPE_NAME(shard_entries,
                 "collections.abc.Sequence[tuple[int, int, int, " NUMREP_FILE_ENTRY ", " NUMREP_FILE_ENTRY "]]");
#undef NUMREP_RECORDS
#undef NUMREP_FILE_ENTRY
NUMREP_TYPE_NAME(trie_state, "tuple[collections.abc.Callable[[bytes], numrep._core.TrieStore], tuple[bytes]]");
NUMREP_TYPE_NAME(never, "typing.NoReturn");

#undef NUMREP_TYPE_NAME
#undef NUMREP_NUMBER
#undef NUMREP_TIME
#undef NUMREP_NDARRAY

}  // namespace names

using number_arg = typed<names::number>;
using region_arg = typed<names::region>;
using regions_arg = typed<names::regions>;
using numbers_arg = typed<names::numbers>;
using prefix_arg = typed<names::prefix>;
using optional_prefix_arg = typed<names::optional_prefix>;
using time_arg = typed<names::time>;
using optional_time_arg = typed<names::optional_time>;
using flag_arg = typed<names::boolean>;  // read with flag_of
using path_arg = typed<names::path>;
using path_or_none_arg = typed<names::path_or_none>;
using paths_arg = typed<names::paths>;

}  // namespace numrep::python

namespace pybind11::detail {
template <class Name>
struct handle_type_name<numrep::python::typed<Name>> {
    static constexpr auto name = Name::name;
};
}  // namespace pybind11::detail
