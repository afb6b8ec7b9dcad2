// BloomFilter: numrep::bloom_filter<> (blocked, XXH3) for Python. Batch calls, save and the
// bit scans release the GIL; a lock per filter (bloom_holder) keeps them from overlapping
// unsafely with one another from several threads.
#include "common.hpp"

#include <pybind11/gil.h>
#include <pybind11/stl/filesystem.h>

#include <numrep/bloom_filter.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace numrep::python {

namespace {

using filter = numrep::bloom_filter<>;

// The Python object: a filter and the lock that orders the threads using it. Unique (writer)
// lock: inserts in exclusive mode, clear, |= and &= into it. Shared lock: everything else that
// reads the bits (queries, estimates, save, to_bytes, copies, ==, being the right operand of a
// set operation), and inserts in concurrent mode (atomic in C++, so they may overlap each other
// and reads). Parameters (capacity, seed, ...) never change and need no lock.
//
// A thread never waits for a filter's lock while holding the GIL: a thread holding the lock
// may be waiting for the GIL (to return to Python), so that would deadlock. Locks are taken
// with try-lock while holding the GIL (no waiting, so safe; the common uncontended case), and
// otherwise with the GIL released first.
// A shared mutex that lets a waiting writer in. std::shared_mutex (glibc's rwlock prefers
// readers) let an add, |=, &= or clear wait for as long as other threads kept querying, each
// query taking the lock again at once: 19.5 s for one add beside eight querying threads. Here a
// writer holds a turnstile while it waits, which new readers pass through: it waits only for
// the readers already in. Lockable and SharedLockable, for std::unique_lock, std::shared_lock
// and std::lock; the try_ members never block.
class writer_first_mutex {
public:
    void lock() {
        const std::lock_guard turn(turnstile_);
        rw_.lock();
    }
    bool try_lock() {
        const std::unique_lock turn(turnstile_, std::try_to_lock);
        return turn.owns_lock() && rw_.try_lock();
    }
    void unlock() { rw_.unlock(); }
    void lock_shared() {
        {
            const std::lock_guard turn(turnstile_);
        }
        rw_.lock_shared();
    }
    bool try_lock_shared() {
        const std::unique_lock turn(turnstile_, std::try_to_lock);
        return turn.owns_lock() && rw_.try_lock_shared();
    }
    void unlock_shared() { rw_.unlock_shared(); }

private:
    std::mutex turnstile_;
    std::shared_mutex rw_;
};

struct bloom_holder {
    explicit bloom_holder(filter f) : bits(std::move(f)) {}
    filter bits;
    mutable writer_first_mutex mutex;

    bool concurrent() const noexcept { return bits.mode() == insert_mode::concurrent; }
};
using holder_ptr = std::unique_ptr<bloom_holder>;

holder_ptr make_holder(filter f) { return std::make_unique<bloom_holder>(std::move(f)); }

using read_lock = std::shared_lock<writer_first_mutex>;
using write_lock = std::unique_lock<writer_first_mutex>;

// Takes the (deferred) lock with the GIL held, without waiting: see bloom_holder.
template <class Lock>
void lock_holding_gil(Lock& lock) {
    if (lock.try_lock()) return;
    py::gil_scoped_release unlocked;
    lock.lock();
}

// Runs fn(filter&) with the GIL released, holding the lock for an insert.
template <class Fn>
void insert_with_gil_released(bloom_holder& h, Fn&& fn) {
    py::gil_scoped_release unlocked;
    if (h.concurrent()) {
        const read_lock lock(h.mutex);
        fn(h.bits);
    } else {
        const write_lock lock(h.mutex);
        fn(h.bits);
    }
}

// Runs fn() with the GIL released, holding `lock` and, for a different filter, `other_lock`
// (both taken at once, so that a |= b and b |= a from two threads cannot deadlock).
template <class Lock, class OtherLock, class Fn>
auto with_two_locks(const bloom_holder& a, const bloom_holder& b, Fn&& fn) {
    py::gil_scoped_release unlocked;
    Lock lock(a.mutex, std::defer_lock);
    if (&a == &b) {
        lock.lock();
        return fn();
    }
    OtherLock other_lock(b.mutex, std::defer_lock);
    std::lock(lock, other_lock);
    return fn();
}

// Mutating a filter mapped by open() would write to a read-only mapping: refuse with TypeError,
// as Python does for other read-only buffers.
void check_writable(const filter& f, const char* action) {
    if (f.is_read_only())
        throw py::type_error(
            std::string("numrep: cannot ") + action +
            " a read-only BloomFilter (mapped by BloomFilter.open); use BloomFilter.load(path) for a writable copy");
}

// Keys of a batch (convert.hpp): integer arrays as they are, strings parsed with errors="raise",
// so that an invalid item raises ParseError naming it instead of silently becoming key 0.
key_array batch_keys(const numbers_arg& values, const regions_arg& home, const char* method,
                     bool copy_callers_keys = false) {
    return keys_of(values, {.method = method, .region = home, .copy_callers_keys = copy_callers_keys});
}

// Only E.164 keys go in: 0 is what parse_many(errors="coerce") gives for text that is no number,
// and storing it would make every such text "reported" afterwards.
void check_batch_keys(const key_array& keys, const char* method) {
    const std::uint64_t* k = keys.data();
    for (py::ssize_t i = 0; i < keys.size(); ++i) {
        if (k[i] == 0 || k[i] > detail::max_key) {
            throw py::value_error(std::string("numrep: ") + method + ": key " + std::to_string(k[i]) + " at index " +
                                  std::to_string(i) +
                                  (k[i] == 0 ? " is not a number (0 stands for text that did not parse: "
                                               "filter it out, e.g. keys[keys != 0])"
                                             : " has more than 15 digits"));
        }
    }
}

// The keys are checked with the GIL and inserted without it: the caller's own array is copied
// first, so that another thread writing a 0 into it in between cannot put one in.
void add_batch(bloom_holder& h, const numbers_arg& values, const regions_arg& home, const char* method) {
    const key_array keys = batch_keys(values, home, method, true);
    check_writable(h.bits, "add to");
    check_batch_keys(keys, method);
    const std::span<const std::uint64_t> span(keys.data(), static_cast<std::size_t>(keys.size()));
    insert_with_gil_released(h, [&](filter& f) { f.insert_batch(span); });
}

std::string format_number(const char* format, double v) {
    char buffer[64];
    const int n = std::snprintf(buffer, sizeof buffer, format, v);
    return std::string(buffer, static_cast<std::size_t>(n));
}

// A contiguous buffer (bytes, bytearray, memoryview, ...) held for the duration of a call.
class byte_buffer {
public:
    explicit byte_buffer(const py::buffer& data) {
        // PyBUF_SIMPLE: C-contiguous bytes, or BufferError from the exporter.
        if (PyObject_GetBuffer(data.ptr(), &view_, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    }
    ~byte_buffer() { PyBuffer_Release(&view_); }
    byte_buffer(const byte_buffer&) = delete;
    byte_buffer& operator=(const byte_buffer&) = delete;

    std::span<const std::byte> bytes() const noexcept {
        return {static_cast<const std::byte*>(view_.buf), static_cast<std::size_t>(view_.len)};
    }

private:
    Py_buffer view_{};
};

holder_ptr from_bytes(const py::buffer& data, bool concurrent) {
    // While the buffer is held, a bytearray cannot be resized, so the bytes stay valid with
    // the GIL released; from_bytes copies them and verifies the copy's checksum.
    const byte_buffer buffer(data);
    const auto mode = concurrent ? insert_mode::concurrent : insert_mode::exclusive;
    py::gil_scoped_release unlocked;
    return make_holder(filter::from_bytes(buffer.bytes(), mode));
}

py::bytes to_py_bytes(const bloom_holder& h) {
    std::vector<std::byte> bytes;
    {
        py::gil_scoped_release unlocked;
        const read_lock lock(h.mutex);
        bytes = h.bits.to_bytes();
    }
    return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

template <class Fn>
auto read_with_gil_released(const bloom_holder& h, Fn&& fn) {
    py::gil_scoped_release unlocked;
    const read_lock lock(h.mutex);
    return fn(h.bits);
}

// A capacity given as any Python integer (int, NumPy integer, anything with __index__): a
// negative, zero or too large one is a ValueError naming it, not a TypeError from the conversion.
std::uint64_t capacity_from(const py::handle& value) {
    if (PyBool_Check(value.ptr()))  // an int to Python, but no count (fpr and seed refuse it too)
        throw py::type_error("numrep: BloomFilter capacity must be an int, got a bool");
    require_int(value, "BloomFilter capacity must be an int (the numbers it is sized for)");  // 1e6 too
    const py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
    if (!index) throw py::error_already_set();
    const py::int_ zero(0);
    if (index < zero)
        throw py::value_error("numrep: BloomFilter capacity must not be negative, got " +
                              py::str(index).cast<std::string>());
    const unsigned long long v = PyLong_AsUnsignedLongLong(index.ptr());
    if (v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
        PyErr_Clear();
        throw py::value_error("numrep: BloomFilter capacity " + py::str(index).cast<std::string>() +
                              " is too large (at most 2**64 - 1)");
    }
    if (v == 0)
        throw py::value_error(
            "numrep: BloomFilter capacity must be at least 1, got 0 (a filter sized for no numbers fills up after a "
            "few hundred and then answers True for every number; size it for the numbers you will add)");
    return static_cast<std::uint64_t>(v);
}

// The false-positive rate: a float or an int (the range is the filter's to check); a TypeError
// naming what was given otherwise (pybind11 listed its signatures, and float("0.1") would read
// a str).
double fpr_from(const py::handle& value) {
    if (PyFloat_Check(value.ptr()) || (is_integer(value) && !PyBool_Check(value.ptr())) ||
        (py::hasattr(value, "__float__") && !py::isinstance<py::str>(value) && !PyBool_Check(value.ptr())))
        return py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>();
    throw py::type_error("numrep: BloomFilter fpr must be a float in (0, 1), got " + a_or_an(type_name(value)) + " (" +
                         repr_of(value) + ")");
}

// The hash seed: an int of 0 to 2**64 - 1.
std::uint64_t seed_from(const py::handle& value) {
    if (!is_integer(value) || PyBool_Check(value.ptr()))
        throw py::type_error("numrep: BloomFilter seed must be an int or None, got " + a_or_an(type_name(value)) +
                             " (" + repr_of(value) + ")");
    const py::int_ seed = as_int(value);
    if (seed < py::int_(0) || seed > py::int_(py::reinterpret_steal<py::object>(PyLong_FromUnsignedLongLong(~0ULL))))
        throw py::value_error("numrep: BloomFilter seed must be 0 to 2**64 - 1, got " + repr_of(seed));
    return seed.cast<std::uint64_t>();
}

}  // namespace

void register_bloom(py::module_& m) {
    py::class_<bloom_holder> cls(
        m, "BloomFilter",
        "A cache-line-blocked Bloom filter of phone numbers: `number in bf` is never False for a number added,\n"
        "and True for a number never added with probability about `fpr`. Numbers are str (parsed with `region=`,\n"
        "DEFAULT_REGION unless given), int keys or PhoneNumber; batches are NumPy uint64 key arrays (e.g. from\n"
        "parse_many) or lists of those.\n"
        "Filters with the same size, probe count and seed combine with |, &, |= and &=.\n"
        "\n"
        "Thread safety: every method may be called from any number of threads at once. add_many, update,\n"
        "contains_many, save, to_bytes and the estimates release the GIL, and each filter has a reader-writer\n"
        "lock: queries, save, to_bytes, copies and == share it; add, add_many and update take it exclusively\n"
        "(one writer at a time, no readers meanwhile), as do clear, |= and &=. With concurrent=True inserts are\n"
        "atomic and share the lock instead, so adds from several threads and queries run in parallel; without\n"
        "it, adds from several threads are correct but take turns.");

    cls.def(py::init([](const int_arg& capacity, const typed<names::real>& fpr, const typed<names::optional_int>& seed,
                        const flag_arg& concurrent) {
                const std::uint64_t n = capacity_from(capacity.value);
                bloom_options options;
                if (!seed.is_none()) options.seed = seed_from(seed);
                options.mode = flag_of(concurrent, "concurrent") ? insert_mode::concurrent : insert_mode::exclusive;
                return make_holder(filter(n, fpr_from(fpr), options));
            }),
            py::arg("capacity"), py::arg("fpr") = 0.01, py::kw_only(), py::arg("seed") = py::none(),
            py::arg("concurrent") = false,
            "A filter for `capacity` numbers (at least 1) at false-positive rate `fpr` (in (0, 1)) once full.\n"
            "seed: hash seed (default: a fixed one, so that default filters merge); concurrent: atomic inserts.");

    cls.def(
           "add",
           [](bloom_holder& h, const number_arg& number, const region_arg& home) {
               check_writable(h.bits, "add to");
               const std::uint64_t key = key_of(number, home);
               if (h.concurrent()) {
                   read_lock lock(h.mutex, std::defer_lock);
                   lock_holding_gil(lock);
                   h.bits.insert(key);
               } else {
                   write_lock lock(h.mutex, std::defer_lock);
                   lock_holding_gil(lock);
                   h.bits.insert(key);
               }
           },
           py::arg("number"), py::kw_only(), py::arg("region") = default_region_code(),
           "Add one number (str parsed with `region`, int key or PhoneNumber).")
        .def(
            "contains",
            [](const bloom_holder& h, const number_arg& number, const region_arg& home) -> bool {
                const std::uint64_t key = key_of(number, home);
                read_lock lock(h.mutex, std::defer_lock);
                lock_holding_gil(lock);
                return h.bits.contains(key);
            },
            py::arg("number"), py::kw_only(), py::arg("region") = default_region_code(),
            "`number in bf` with a region for national forms: True if the number may have been added.")
        .def(
            "__contains__",
            [](const bloom_holder& h, const number_arg& number) -> bool {
                const std::uint64_t key = key_of(number, default_region());
                read_lock lock(h.mutex, std::defer_lock);
                lock_holding_gil(lock);
                return h.bits.contains(key);
            },
            py::arg("number"))
        .def(
            "add_many",
            [](bloom_holder& h, const numbers_arg& keys, const regions_arg& home) -> void {
                add_batch(h, keys, home, "BloomFilter.add_many");
            },
            py::arg("keys"), py::kw_only(), py::arg("region") = default_region_code(),
            "Add a NumPy array of integer keys, or a list / array of str, int or PhoneNumber (strings parsed with\n"
            "`region`: one for all or one per value; an invalid string raises ParseError naming the item).\n"
            "Releases the GIL.")
        .def(
            "update",
            [](bloom_holder& h, const numbers_arg& numbers, const regions_arg& home) -> void {
                add_batch(h, numbers, home, "BloomFilter.update");
            },
            py::arg("numbers"), py::kw_only(), py::arg("region") = default_region_code(),
            "Add every number of an iterable (as add_many).")
        .def(
            "contains_many",
            [](const bloom_holder& h, const numbers_arg& keys, const regions_arg& home) -> py::array_t<bool> {
                const key_array in = batch_keys(keys, home, "BloomFilter.contains_many");
                const auto count = static_cast<std::size_t>(in.size());
                auto out = output_array<bool>(static_cast<py::ssize_t>(count));
                const std::span<const std::uint64_t> key_span(in.data(), count);
                const std::span<bool> out_span(out.mutable_data(), count);
                read_with_gil_released(h, [&](const filter& f) {
                    // A block of keys at a time, so that the second pass finds its keys and answers
                    // still in cache rather than reading a whole column of keys from memory again.
                    // The blocks are split across threads (the lock taken here covers them all).
                    constexpr std::size_t block = 4096;
                    for_each_range(count, [&](std::size_t begin, std::size_t end) {
                        for (std::size_t first = begin; first < end; first += block) {
                            const std::size_t n = std::min(block, end - first);
                            const auto keys_here = key_span.subspan(first, n);
                            const auto out_here = out_span.subspan(first, n);
                            f.contains_batch(keys_here, out_here);
                            // No key was ever added as 0 or past 15 digits (add refuses them): those are
                            // not in. Branch-free (k - 1 wraps for 0): a branch on half-true answers cost
                            // ~4 ns a key.
                            for (std::size_t i = 0; i < n; ++i)
                                out_here[i] = out_here[i] & (keys_here[i] - 1 < detail::max_key);
                        }
                    });
                });
                return out;
            },
            py::arg("keys"), py::kw_only(), py::arg("region") = default_region_code(),
            "Membership of each key as a NumPy bool array; inputs as add_many. Releases the GIL.")
        .def(
            "clear",
            [](bloom_holder& h) -> void {
                check_writable(h.bits, "clear");
                py::gil_scoped_release unlocked;
                const write_lock lock(h.mutex);
                h.bits.clear();
            },
            "Remove every number (set all bits to 0).");

    cls.def(
           "__or__",
           [](const bloom_holder& a, const bloom_holder& b) -> holder_ptr {
               return with_two_locks<read_lock, read_lock>(a, b, [&] { return make_holder(a.bits | b.bits); });
           },
           py::is_operator(),
           "Union: a filter answering True for numbers of either (same size, probe count and seed, else ValueError). "
           "It keeps the left operand's capacity (filters of one size may have been made for slightly different "
           "capacities; == does not compare them).")
        .def(
            "__and__",
            [](const bloom_holder& a, const bloom_holder& b) -> holder_ptr {
                return with_two_locks<read_lock, read_lock>(a, b, [&] { return make_holder(a.bits & b.bits); });
            },
            py::is_operator(),
            "Intersection of the bit arrays: True for numbers of both, with a higher FPR than a filter of the "
            "intersection. It keeps the left operand's capacity, as the union does.")
        .def(
            "__ior__",
            [](bloom_holder& a, const bloom_holder& b) -> bloom_holder& {
                check_writable(a.bits, "merge into");
                with_two_locks<write_lock, read_lock>(a, b, [&] { a.bits |= b.bits; });
                return a;
            },
            py::is_operator(), py::return_value_policy::reference_internal)
        .def(
            "__iand__",
            [](bloom_holder& a, const bloom_holder& b) -> bloom_holder& {
                check_writable(a.bits, "intersect into");
                with_two_locks<write_lock, read_lock>(a, b, [&] { a.bits &= b.bits; });
                return a;
            },
            py::is_operator(), py::return_value_policy::reference_internal)
        .def(
            "__eq__",
            [](const bloom_holder& a, const typed<names::object>& other) -> typed<names::boolean> {
                if (!py::isinstance<bloom_holder>(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
                const auto& b = other.cast<const bloom_holder&>();
                return py::bool_(with_two_locks<read_lock, read_lock>(a, b, [&] { return a.bits == b.bits; }));
            },
            py::arg("other"), "Same size, probe count, seed and bits (capacity is not compared).")
        .def(
            "__copy__",
            [](const bloom_holder& h) -> holder_ptr {
                return read_with_gil_released(h, [](const filter& f) { return make_holder(filter(f)); });
            },
            "A writable copy.")
        .def(
            "__deepcopy__",
            [](const bloom_holder& h, const typed<names::memo>&) -> holder_ptr {
                return read_with_gil_released(h, [](const filter& f) { return make_holder(filter(f)); });
            },
            py::arg("memo"));
    cls.attr("__hash__") = py::none();  // mutable

    cls.def(
           "approx_len",
           [](const bloom_holder& h) -> double {
               return read_with_gil_released(h, [](const filter& f) { return f.estimated_cardinality(); });
           },
           "An ESTIMATE of the number of distinct numbers added, from the bits set (within a few percent up to\n"
           "capacity for a filter of a few thousand numbers or more, within about 15% for one of 10 to 100;\n"
           "repeated adds of one number count once). Of `a & b`, the numbers whose bits both filters set, which\n"
           "overcounts those added to both. A pass over the bits; releases the GIL.")
        .def(
            "__len__",
            [](const bloom_holder& h) -> std::size_t {
                const double n = read_with_gil_released(h, [](const filter& f) { return f.estimated_cardinality(); });
                return static_cast<std::size_t>(std::llround(n));
            },
            "approx_len() rounded: an ESTIMATE of the distinct numbers added, not an exact count.")
        .def(
            "__bool__", [](const bloom_holder&) -> bool { return true; },
            "Always True: a filter is never an empty container.")
        .def_property_readonly(
            "expected_fpr",
            [](const bloom_holder& h) -> double {
                return read_with_gil_released(h, [](const filter& f) { return f.expected_fpr(); });
            },
            "False-positive rate expected for a number never added, given the bits set now\n"
            "(a pass over the bits).")
        .def_property_readonly(
            "capacity", [](const bloom_holder& h) -> std::uint64_t { return h.bits.capacity(); },
            "Numbers the filter was sized for.")
        .def_property_readonly(
            "bits_per_key", [](const bloom_holder& h) -> double { return h.bits.bits_per_key(); },
            "Bits per number at capacity (inf for a capacity of 0, which only a file can give).")
        .def_property_readonly(
            "num_probes", [](const bloom_holder& h) -> std::uint64_t { return h.bits.num_probes(); },
            "k: bits set and tested per number.")
        .def_property_readonly(
            "num_bits", [](const bloom_holder& h) -> std::uint64_t { return h.bits.num_bits(); },
            "Size of the bit array.")
        .def_property_readonly(
            "size_in_bytes", [](const bloom_holder& h) -> std::uint64_t { return h.bits.size_in_bytes(); },
            "Bytes of the bit array.")
        .def_property_readonly(
            "seed", [](const bloom_holder& h) -> std::uint64_t { return h.bits.seed(); }, "Hash seed.")
        .def_property_readonly(
            "fpr_at_capacity", [](const bloom_holder& h) -> double { return h.bits.sizing().expected_fpr; },
            "Model false-positive rate once `capacity` distinct numbers are in.")
        .def_property_readonly(
            "read_only", [](const bloom_holder& h) -> bool { return h.bits.is_read_only(); },
            "True for a filter from BloomFilter.open.")
        .def_property_readonly(
            "concurrent", [](const bloom_holder& h) -> bool { return h.concurrent(); },
            "True if inserts are atomic (run in parallel from several threads).");

    cls.def(
           "save",
           [](const bloom_holder& h, const path_arg& path_in) -> void {
               const std::filesystem::path path = path_of(path_in);
               read_with_gil_released(h, [&](const filter& f) {
                   f.save(path);
                   return 0;
               });
           },
           py::arg("path"), "Write the filter to `path` atomically (numrep store format, readable from C++).")
        .def_static(
            "open",
            [](const path_arg& path_in, const verify_arg& verify_mode) -> holder_ptr {
                const std::filesystem::path path = path_of(path_in);
                const verify check = verify_from(verify_mode);
                py::gil_scoped_release unlocked;
                return make_holder(filter::open(path, check));
            },
            py::arg("path"), py::kw_only(), py::arg("verify") = verify_arg{},
            "Map a saved filter read-only (zero copy, pages read on first use); add and other updates raise "
            "TypeError.\n"
            "verify=\"full\" (default) checks every byte against its checksum, reading the whole file once;\n"
            "verify=\"header\" checks only the header, so that opening a huge filter reads one page (a corrupted bit\n"
            "array then gives wrong answers, never a crash). Raises FormatError for a damaged or foreign file.")
        .def_static(
            "load",
            [](const path_arg& path_in, const flag_arg& concurrent_arg) -> holder_ptr {
                const std::filesystem::path path = path_of(path_in);
                const bool concurrent = flag_of(concurrent_arg, "concurrent");
                py::gil_scoped_release unlocked;
                return make_holder(filter::load(path, concurrent ? insert_mode::concurrent : insert_mode::exclusive));
            },
            py::arg("path"), py::kw_only(), py::arg("concurrent") = false,
            "Read a saved filter into a new writable one (concurrent=True: atomic inserts, as the constructor's).\n"
            "Raises FormatError for a damaged or foreign file.")
        .def(
            "to_bytes", [](const bloom_holder& h) -> py::bytes { return to_py_bytes(h); },
            "The filter in the file format, as bytes.")
        .def_static(
            "from_bytes",
            [](const py::buffer& data, const flag_arg& concurrent) -> holder_ptr {
                return from_bytes(data, flag_of(concurrent, "concurrent"));
            },
            py::arg("data"), py::kw_only(), py::arg("concurrent") = false,
            "A writable filter from to_bytes() output (bytes, bytearray, memoryview or any contiguous buffer);\n"
            "concurrent=True: atomic inserts, as the constructor's. Raises FormatError for damaged bytes.")
        // __reduce__ rather than py::pickle: it serves every pickle protocol, 0 and 1 included.
        .def("__reduce__",
             [](const bloom_holder& h) -> typed<names::bloom_state> {
                 const py::object restore = py::module_::import("numrep._core").attr("_bloom_filter_from_state");
                 return py::make_tuple(restore, py::make_tuple(to_py_bytes(h), h.concurrent()));
             })
        // Parameters only: no pass over the bits (expected_fpr and approx_len() need one).
        .def(
            "_repr_html_", [](const py::object& self) { return html_of(self, "bloom_html"); },
            "The notebook form (Jupyter shows it): a table of what this is.")
        .def("__repr__", [](const bloom_holder& h) -> std::string {
            const filter& f = h.bits;
            return "BloomFilter(capacity=" + std::to_string(f.capacity()) +
                   ", bits_per_key=" + format_number("%.3g", f.bits_per_key()) +
                   ", k=" + std::to_string(f.num_probes()) +
                   ", fpr_at_capacity=" + format_number("%.3g", f.sizing().expected_fpr) +
                   (f.is_read_only() ? ", read_only=True" : "") + ")";
        });

    m.def(
        "_bloom_filter_from_state",
        [](const py::buffer& data, bool concurrent) -> holder_ptr { return from_bytes(data, concurrent); },
        py::arg("data"), py::arg("concurrent"), "Unpickles a BloomFilter (a writable copy, even of a mapped one).");
}

}  // namespace numrep::python
