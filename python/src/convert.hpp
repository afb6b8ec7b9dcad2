// The one conversion layer of the bindings: Python values to what the C++ library takes.
// Every register_*.cpp converts numbers, keys, batches of keys, prefixes, times and regions
// through these functions, so that every call accepts the same forms and says the same thing
// about a bad value:
//
//   region   "VN", "us" (ISO 3166, any case) or None (international forms only); for batches
//            also one per value (a sequence, array or Series of those). Default: DEFAULT_REGION.
//   number   str (parsed with the region), int key or PhoneNumber.
//   key      the same, as the E.164 digits; an int must be 1 to 15 digits (ValueError naming it).
//   keys     a NumPy integer array (as it is: no copy for uint64), a list/tuple/iterable of ints,
//            or strings (a list, a NumPy str/object array, a pandas Series) parsed with the
//            region. A negative key is a ValueError naming the value and its index.
//   prefix   the start of a key: an int, "+84", "84", "+84 91-2" (digits with a leading '+' and
//            separators) or a PhoneNumber; a str starting with 0 (a national form) is an error.
//   time     a datetime (naive = UTC), a date, numpy.datetime64, pandas.Timestamp, int or float
//            unix seconds, or an ISO 8601 / unix-seconds str as the CSV reader reads it.
//   path     str, bytes or os.PathLike (of str or bytes); anything else is a TypeError naming the
//            argument.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <numrep/numrep.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace numrep::python {

namespace py = pybind11;

using key_array = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;

// ---- regions

// The default region of every call that parses text, taken from the C++ library's own default
// (numrep::default_region, region.hpp): "VN". numrep.DEFAULT_REGION in Python.
std::string default_region_code();
// That region, found once (for `x in store`, which cannot take a region argument).
const region& default_region();

// One default region: an ISO 3166 code or None. `text`, when given, is the input about to be
// parsed, so that an unknown region's ParseError names it as numrep.parse does.
region region_of(const py::handle& code, std::string_view text = {});

// Default regions of a batch: one for all (size 1), or one per value.
struct batch_regions {
    std::vector<region> homes;
    const region& operator[](std::size_t i) const noexcept { return homes[homes.size() == 1 ? 0 : i]; }
};
batch_regions regions_of(const py::handle& code, std::size_t count);

// ---- one number or key

// A number: str parsed with `home`, an int key (1 to 15 digits of an assigned country code), or
// a PhoneNumber. TypeError for anything else.
phone_number number_of(const py::handle& value, const region& home);
phone_number number_of(const py::handle& value, const py::handle& region_code);

// A key: as number_of, but an int is any key of 1 to 15 digits (stores hold keys of any
// country code). ValueError naming a negative, zero or too long int.
std::uint64_t key_of(const py::handle& value, const region& home);
std::uint64_t key_of(const py::handle& value, const py::handle& region_code);

// ---- batches of keys

enum class bad_text {
    raise,   // ParseError naming the first value that does not parse
    coerce,  // key 0 for it
};

struct batch_options {
    std::string_view method;  // for messages: "TrieStore.build"
    py::handle region;        // default region(s) of strings (borrowed for the call)
    bad_text on_bad_text = bad_text::raise;
    // Set, when given, to whether the keys are the caller's own memory (a uint64 array or Series
    // used as it is): a call that returns them copies them first.
    bool* keys_are_the_callers = nullptr;
    // For a call that checks the keys with the GIL and reads them again without it
    // (TrieStore.build, BloomFilter.add_many): the caller's own memory is copied first, so that
    // another thread writing into it in between cannot change what was checked.
    bool copy_callers_keys = false;
};

// Keys of a batch, as a contiguous uint64 array. Integer values are taken as they are (0 and
// keys longer than 15 digits included: stores reject or miss them as their C++ calls do); a
// negative one, or one that does not fit in 64 bits, is a ValueError naming it and its index.
key_array keys_of(const py::handle& values, const batch_options& options);

// numrep.parse_many: texts (and int keys, PhoneNumbers, missing values) to keys. An int is read by
// the integer rule (a number that lost its leading zeros, with a region), or with ints_are_keys
// taken as a key as it is (keys_of's rule for a list mixing ints with text).
// `method` names the call in error messages. `zero_keys`, when given, is set to how many keys are
// 0 where that is counted on the way (an Arrow column: while each block of keys is in cache), else
// to std::nullopt.
py::array_t<std::uint64_t> parse_texts(py::object values, const py::handle& region_code, bad_text on_bad,
                                       bool ints_are_keys = false, std::string_view method = "parse_many",
                                       std::optional<std::size_t>* zero_keys = nullptr);

// ---- prefixes and times

// The digits of a key prefix as an int (see the top of this file). None is not a prefix.
std::uint64_t prefix_of(const py::handle& prefix);

// The times numrep takes, years 1 to 9999 (the datetimes Python has: a verdict's as_of is one).
inline constexpr std::int64_t earliest_time = -62135596800;  // 0001-01-01T00:00:00Z
inline constexpr std::int64_t latest_time = 253402300799;    // 9999-12-31T23:59:59Z

// Unix seconds of a time (see the top of this file), earliest_time to latest_time; `what` names
// the argument in errors.
std::int64_t time_of(const py::handle& value, std::string_view what);
// time_of, or the current time for None.
std::int64_t time_or_now(const py::handle& value, std::string_view what);

// A filesystem path: str, bytes (decoded as os.fsdecode does, so undecodable bytes survive) or
// os.PathLike of either. A TypeError naming `what` (the argument) for anything else.
std::filesystem::path path_of(const py::handle& path, std::string_view what = "path");
// One path as above, or an iterable of them (a list, a generator such as Path.glob's; not a dict).
std::vector<std::filesystem::path> paths_of(const py::handle& paths, std::string_view what = "path");

// ---- small helpers shared by the bindings

// A NumPy masked array with its masked entries as missing values (an object array with None
// there, read one object at a time), or its data when nothing is masked; anything else as it
// is. The values under a mask are whatever the array held, and were read as numbers or keys.
// integers_refused: the caller refuses integer arrays (parse_many), so a masked one is given
// back as its data, to be refused whatever its mask (as objects, its ints were read).
py::object unmasked(const py::object& values, bool integers_refused = false);

// UTF-8 of a str. Lone surrogates U+DC80..U+DCFF (bytes os.fsdecode could not decode) become
// those bytes again, others are encoded with "surrogatepass"; the parser rejects both.
std::string utf8_of(const py::handle& text);
// "string", "bytes value", "bytearray" or "memoryview" when `value` is one text value (which a
// batch call would otherwise iterate: by character, or by byte as integers), else "".
std::string one_text_value(const py::handle& value);
// True for int, NumPy integers and anything with __index__; not bool, float or PhoneNumber.
bool is_integer(const py::handle& value);
// int(value) by __index__ (TypeError from Python if it has none).
py::int_ as_int(const py::handle& value);
// An int that must fit in 64 unsigned bits; `what` names it in the error ("value at index 3").
std::uint64_t to_u64(const py::handle& value, const std::string& what);
std::string repr_of(const py::handle& value);
// The notebook form of `self`: numrep._display.<function>(self), the one place the HTML is made.
std::string html_of(const py::handle& self, const char* function);
std::string type_name(const py::handle& value);
// A flag argument's value: True or False (numpy.bool_ too); anything else is a TypeError naming
// `name` and the value (pybind11's bool took any truthy value: concurrent=float("nan") was True).
bool flag_of(const py::handle& value, const char* name);
// "a float", "an int64": a type name with its article, for messages.
std::string a_or_an(const std::string& noun);

}  // namespace numrep::python
