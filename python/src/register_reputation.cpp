// ReputationDB and Verdict: reports in (CSV files or arrays), verdicts out. Ingestion and
// batch checks release the GIL.
#include "common.hpp"

#include <pybind11/functional.h>
#include <pybind11/gil.h>

#include <sys/stat.h>
#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <numrep/database_builder.hpp>
#include <optional>
#include <tuple>

namespace numrep::python {

namespace {

// Report columns as the bindings take them: contiguous, converted if need be.
template <class T>
using column = py::array_t<T, py::array::c_style | py::array::forcecast>;

// Shared, so that numrep.ReputationDB (the Python class, a subclass) can take over a database made
// here without a moved-from, empty object that would crash when used.
struct db_holder {
    std::shared_ptr<reputation_db> db;
    py::dict ingest_stats;  // of the reports it was built from (empty if opened)
};

typed<names::optional_datetime> datetime_or_none(std::uint32_t unix_seconds, bool present) {
    if (!present) return py::none();
    const py::module_ datetime = py::module_::import("datetime");
    return datetime.attr("datetime").attr("fromtimestamp")(unix_seconds, datetime.attr("timezone").attr("utc"));
}

// A time as ISO 8601 in UTC, to the second ("2021-07-08T00:00:00Z"), for reprs.
std::string format_utc(std::int64_t unix_seconds) {
    const auto day = std::chrono::floor<std::chrono::days>(
        std::chrono::sys_seconds(std::chrono::seconds(unix_seconds)));
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss time(std::chrono::sys_seconds(std::chrono::seconds(unix_seconds)) - day);
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return text;
}

// Text from a CSV file for Python: invalid UTF-8 (a Latin-1 file) must not turn a report of bad
// rows into a UnicodeDecodeError. Invalid bytes become \xNN escapes (errors="backslashreplace"),
// printable and encodable anywhere; the exact bytes are kept beside the text ("raw").
py::str text_of(const std::string& bytes) {
    PyObject* text = PyUnicode_DecodeUTF8(bytes.data(), static_cast<Py_ssize_t>(bytes.size()), "backslashreplace");
    if (text == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(text);
}

py::dict stats_dict(const ingest_stats& s) {
    py::dict d;
    d["rows"] = s.rows;
    d["good"] = s.good;
    d["bad"] = s.bad;
    d["invalid_numbers"] = s.invalid_numbers;
    d["defaulted_times"] = s.defaulted_times;
    d["blank_lines"] = s.blank_lines;
    d["multiline_rows"] = s.multiline_rows;
    d["longest_row_lines"] = s.longest_row_lines;
    d["longest_row_line"] = s.longest_row_line;
    d["longest_row_file"] = text_of(s.longest_row_input);
    py::dict by_reason;
    for (std::size_t i = 0; i < bad_row_reason_count; ++i)
        if (s.bad_by_reason[i] != 0)
            by_reason[py::str(std::string(to_string(static_cast<bad_row_reason>(i))))] = s.bad_by_reason[i];
    d["bad_by_reason"] = by_reason;
    py::dict by_error;
    for (std::size_t e = 1; e < parse_errc_count; ++e)
        if (s.unparseable_by_error[e] != 0)
            by_error[py::str(std::string(describe(static_cast<parse_errc>(e))))] = s.unparseable_by_error[e];
    d["unparseable_by_error"] = by_error;
    py::list first;
    for (const auto& b : s.first_bad_rows) {
        py::dict row;
        row["line"] = b.line;
        row["reason"] = std::string(to_string(b.reason));
        row["message"] = text_of(b.message);
        row["text"] = text_of(b.text);
        row["raw"] = py::bytes(b.text);
        first.append(row);
    }
    d["first_bad_rows"] = first;
    py::list ignored;
    for (const auto& c : s.ignored_columns) ignored.append(text_of(c));
    d["ignored_columns"] = ignored;
    d["summary"] = text_of(s.summary());
    return d;
}

void add_stats(py::dict& total, const py::dict& more) {
    if (total.empty()) {
        for (auto item : more) total[item.first] = item.second;
        return;
    }
    for (const char* name :
         {"rows", "good", "bad", "invalid_numbers", "defaulted_times", "blank_lines", "multiline_rows"})
        total[name] = total[name].cast<std::uint64_t>() + more[name].cast<std::uint64_t>();
    if (more["longest_row_lines"].cast<std::uint64_t>() > total["longest_row_lines"].cast<std::uint64_t>()) {
        total["longest_row_lines"] = more["longest_row_lines"];
        total["longest_row_line"] = more["longest_row_line"];
        total["longest_row_file"] = more["longest_row_file"];
    }
    for (const char* name : {"bad_by_reason", "unparseable_by_error"}) {
        py::dict t = total[name];
        for (auto item : more[name].cast<py::dict>()) {
            const std::uint64_t before = t.contains(item.first) ? t[item.first].cast<std::uint64_t>() : 0;
            t[item.first] = before + item.second.cast<std::uint64_t>();
        }
    }
    total["first_bad_rows"] = total["first_bad_rows"].cast<py::list>() + more["first_bad_rows"].cast<py::list>();
    py::list ignored = total["ignored_columns"];
    for (auto c : more["ignored_columns"].cast<py::list>())
        if (!ignored.contains(c)) ignored.append(c);
    total["summary"] = total["summary"].cast<std::string>() + "\n" + more["summary"].cast<std::string>();
}

reputation_config config_from(double half_life_days) {
    reputation_config c;
    c.half_life_days = half_life_days;
    c.validate();
    return c;
}

// A column name or delimiter as the header's bytes: a str from the command line holds a byte that
// is no UTF-8 (a Latin-1 header's "T\xe9l\xe9phone") as a lone surrogate, which pybind11's cast
// refused as "Unable to cast Python instance of type <class 'str'> to C++ type '?'".
std::string header_text(const py::object& o) { return py::isinstance<py::str>(o) ? utf8_of(o) : o.cast<std::string>(); }

// A column argument of _from_csv: None keeps the default (or the preset's) mapping, "" leaves
// the field out, anything else is a header name. Returns whether it was given.
bool set_column(std::optional<std::string>& column, const py::object& o) {
    if (o.is_none()) return false;
    const auto name = header_text(o);
    if (name.empty()) column = std::nullopt;
    else
        column = name;
    return true;
}

using column_arg = typed<names::optional_str>;

// The rejects file. Rows go to a private temporary file first (mkstemp, in the temporary
// directory) and are copied to the file named only once every input has been read: a build
// that fails while reading leaves that file as it was, and writing it at the end, through an
// ordinary open, keeps what the name is (a symlink's target, a device, a pipe) and the mode of
// a file that is there. A path that names an input is refused: it would be overwritten. A write
// that fails is an error, not a success.
class rejects_file {
public:
    rejects_file(std::filesystem::path path, const std::vector<std::filesystem::path>& inputs)
        : path_(std::move(path)) {
        std::error_code ec;
        for (const auto& input : inputs)
            if (std::filesystem::equivalent(path_, input, ec))
                throw py::value_error("numrep: the rejects file " + detail::quote(path_.string()) +
                                      " is one of the report files being read: give another path");
        std::string name = (std::filesystem::temp_directory_path(ec) / "numrep-rejects-XXXXXX").string();
        const int fd = ::mkstemp(name.data());
        if (fd < 0) detail::throw_file_error(errno, name, "cannot create a temporary file for the rejects");
        ::close(fd);
        temp_ = name;
        out_.open(temp_, std::ios::binary | std::ios::trunc);
        if (!out_) detail::throw_file_error(errno != 0 ? errno : EIO, temp_, "cannot write the rejects file");
    }
    rejects_file(const rejects_file&) = delete;
    rejects_file& operator=(const rejects_file&) = delete;
    ~rejects_file() {
        out_.close();
        std::error_code ignored;
        std::filesystem::remove(temp_, ignored);
    }

    std::ostream* stream() noexcept { return &out_; }

    // Every input read: the rows reach the file named, or this says why not.
    void commit() {
        errno = 0;
        out_.close();
        if (out_.fail()) detail::throw_file_error(errno != 0 ? errno : EIO, temp_, "cannot write the rejects file");
        std::ifstream rows(temp_, std::ios::binary);
        errno = 0;
        std::ofstream target(path_, std::ios::binary | std::ios::trunc);
        if (!target) detail::throw_file_error(errno != 0 ? errno : EIO, path_, "cannot write the rejects file");
        if (rows.peek() != std::ifstream::traits_type::eof()) target << rows.rdbuf();
        errno = 0;
        target.close();
        if (!rows || target.fail())
            detail::throw_file_error(errno != 0 ? errno : EIO, path_, "cannot write the rejects file");
    }

private:
    std::filesystem::path path_, temp_;
    std::ofstream out_;
};

// `now` as the verdicts' time: the str "latest" (as ReputationDB passes it on) is the newest
// report's time in the state `reader` pins, which the verdicts then come from (taken apart, a
// writer between the two gave times no state had); anything else as time_or_now reads it.
std::int64_t time_or_latest(const py::handle& now, const reputation_db::pinned_reader& reader) {
    // Compared without a conversion: a str of lone surrogates is time_or_now's to name.
    if (!py::isinstance<py::str>(now) || PyUnicode_CompareWithASCIIString(now.ptr(), "latest") != 0)
        return time_or_now(now, "now");
    std::optional<std::int64_t> newest;
    {
        py::gil_scoped_release unlocked;  // a pass over every record
        newest = reader.latest_report();
    }
    if (!newest) throw py::value_error("numrep: now=\"latest\" needs a report in the database, and it has none");
    return *newest;
}

// Reads CSV report files into `builder` (a reputation_builder or a database_builder) with the
// options _from_csv takes; returns the summed ingest stats and the region national forms were read in.
template <class Builder>
std::pair<py::dict, region> read_csv_into(Builder& builder, const paths_arg& path_list, const column_arg& preset_name,
                                          const column_arg& number, const column_arg& time, const column_arg& category,
                                          const column_arg& source, const column_arg& not_spam,
                                          const column_arg& delimiter, const region_arg& region_code,
                                          bool keep_preset_region, bool strict, const path_or_none_arg& rejects_path,
                                          const optional_time_arg& default_time,
                                          const typed<names::progress>& progress) {
    const std::vector<std::filesystem::path> paths = paths_of(path_list, "path");
    // As numrep._ingest.expand_inputs says (an empty database with ingest_stats {} was built).
    if (paths.empty())
        throw py::value_error(py::module_::import("numrep._ingest").attr("NO_REPORT_FILES").cast<std::string>());
    // The same file twice (a glob and its own name) would count every report in it twice: each
    // file's device and inode, one stat a file.
    std::map<std::pair<dev_t, ino_t>, std::size_t> seen;
    std::size_t bytes_in_all = 0;  // for progress over all the files
    for (std::size_t i = 0; i < paths.size(); ++i) {
        struct ::stat st{};
        if (::stat(paths[i].c_str(), &st) != 0) {
            if (errno == ENOENT) detail::throw_file_error(ENOENT, paths[i], "no such report file");
            continue;  // reading it says what is wrong
        }
        bytes_in_all += static_cast<std::size_t>(st.st_size);
        const auto [at, fresh] = seen.emplace(std::pair{st.st_dev, st.st_ino}, i);
        if (!fresh)
            throw py::value_error("numrep: the report file " + detail::quote(paths[i].string()) +
                                  " is given twice (as " + detail::quote(paths[at->second].string()) +
                                  " too): its reports would be counted twice");
    }
    ingest_options options;
    if (!preset_name.is_none()) {
        const auto p = find_preset(preset_name.cast<std::string>());
        if (!p)
            throw py::value_error("numrep: unknown preset " + detail::quote(preset_name.cast<std::string>()) +
                                  " (known: ftc)");
        options = ingest_options::for_preset(*p);
    }
    if (!keep_preset_region) options.default_region = region_of(region_code);
    if (!number.is_none()) options.columns.number = header_text(number);
    (void)set_column(options.columns.time, time);
    (void)set_column(options.columns.category, category);
    // A source or not_spam column named by the caller must be there; by default they are read
    // when the header has them.
    if (set_column(options.columns.source, source)) options.columns.optional_source = false;
    if (set_column(options.columns.not_spam, not_spam)) options.columns.optional_not_spam = false;
    if (delimiter.is_none()) {
        options.delimiter = auto_delimiter;
    } else {
        if (!py::isinstance<py::str>(delimiter))  // pybind11 said "Unable to cast ... to C++ type '?'"
            throw py::type_error(
                "numrep: delimiter must be a str of one byte (an ASCII character), or None to detect it, not " +
                type_name(delimiter));
        const auto d = header_text(delimiter);
        if (d.size() != 1)  // "one character" refused "é", one character to its writer
            throw py::value_error("numrep: delimiter must be one byte (an ASCII character such as ';'), got " +
                                  detail::quote(d) + " (" + std::to_string(d.size()) + " bytes in UTF-8)");
        // NUL is the reader's own "detect it": given, it was silently taken as None.
        if (d[0] == auto_delimiter)
            throw py::value_error("numrep: delimiter cannot be NUL (None detects the delimiter)");
        options.delimiter = d[0];
    }
    options.strict = strict;
    if (!default_time.is_none()) options.default_time = time_of(default_time, "default_time");
    std::optional<rejects_file> rejects;
    if (!rejects_path.is_none()) {
        rejects.emplace(path_of(rejects_path, "rejects"), paths);
        options.rejects = rejects->stream();
    }
    // The reader counts each file from zero; progress counts over all of them, as from_parquet's
    // does (a progress bar went to 100% once a file, and ended on the last file's rows).
    ingest_progress before_this_file;
    if (!progress.is_none()) {
        options.on_progress = [progress, &before_this_file, bytes_in_all](const ingest_progress& p) {
            py::gil_scoped_acquire with_gil;
            const std::size_t done = before_this_file.bytes_done + p.bytes_done;
            progress(before_this_file.rows + p.rows, before_this_file.bad + p.bad, done, std::max(bytes_in_all, done));
        };
    } else {
        // The reader runs without the GIL: without a callback, a Ctrl-C was raised only once every
        // file had been read (and, in from_csv, the database built). Signals are looked at as
        // often as progress would be reported (every 65,536 rows).
        options.on_progress = [](const ingest_progress&) {
            py::gil_scoped_acquire with_gil;
            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        };
    }
    const region read_in = options.default_region;
    report_reader reader(std::move(options));
    py::dict total;
    for (const auto& path : paths) {
        ingest_stats stats;
        {
            py::gil_scoped_release unlocked;
            std::vector<report> batch;
            batch.reserve(1 << 14);
            const auto flush = [&] {
                builder.add(batch, reader.categories());
                batch.clear();
            };
            stats = reader.read_file(path, [&](const report& r) {
                batch.push_back(r);
                if (batch.size() == batch.capacity()) flush();
            });
            flush();
        }
        before_this_file.rows += stats.rows;
        before_this_file.bad += stats.bad;
        before_this_file.bytes_done += stats.bytes;
        py::dict file_stats = stats_dict(stats);
        // Line numbers count in each file: a kept bad row says which (as the rejects file does).
        // Named as os.fsdecode names it: a file name need not be UTF-8.
        PyObject* name = PyUnicode_DecodeFSDefault(path.c_str());
        if (name == nullptr) throw py::error_already_set();
        const auto file = py::reinterpret_steal<py::str>(name);
        for (auto row : file_stats["first_bad_rows"].cast<py::list>()) row.cast<py::dict>()["file"] = file;
        if (stats.multiline_rows != 0) file_stats["longest_row_file"] = file;  // the same name as above
        add_stats(total, file_stats);
    }
    if (rejects) rejects->commit();
    return {total, read_in};
}

db_holder from_csv(const paths_arg& path_list, const column_arg& preset_name, const column_arg& number,
                   const column_arg& time, const column_arg& category, const column_arg& source,
                   const column_arg& not_spam, const column_arg& delimiter, const region_arg& region_code,
                   bool keep_preset_region, bool strict, const path_or_none_arg& rejects_path,
                   const optional_time_arg& default_time, double half_life_days,
                   const typed<names::progress>& progress) {
    reputation_builder builder(config_from(half_life_days));
    auto [total, read_in] = read_csv_into(builder, path_list, preset_name, number, time, category, source, not_spam,
                                          delimiter, region_code, keep_preset_region, strict, rejects_path,
                                          default_time, progress);
    reputation_db::options db_options;
    db_options.default_region = read_in;  // the database remembers how it read numbers
    db_holder h;
    h.db = std::make_shared<reputation_db>(reputation_db::build(builder, db_options));
    h.ingest_stats = total;
    return h;
}

// Reports as columns (from_frame): keys (0 = unparseable), unix times, category codes into
// category_names, source ids, not-spam flags. Rows with key 0 must have been counted by the caller.
template <class Builder>
void add_arrays(Builder& builder, const column<std::uint64_t>& keys, const column<std::int64_t>& times,
                const column<std::int64_t>& category_codes, const std::vector<std::string>& category_names,
                const column<std::int64_t>& sources, const column<bool>& not_spam) {
    const auto n = keys.shape(0);
    for (const auto* a : {static_cast<const py::array*>(&times), static_cast<const py::array*>(&category_codes),
                          static_cast<const py::array*>(&sources), static_cast<const py::array*>(&not_spam)})
        if (a->ndim() != 1 || a->shape(0) != n)
            throw py::value_error("numrep: report columns must all have the same length");
    std::vector<report_category> categories;
    for (const auto& name : category_names) categories.push_back(classify_category(name));
    const auto* k = keys.data();
    const auto* t = times.data();
    const auto* c = category_codes.data();
    const auto* s = sources.data();
    const auto* v = not_spam.data();
    for (py::ssize_t i = 0; i < n; ++i) {
        if (c[i] < -1 || c[i] >= static_cast<std::int64_t>(categories.size()))
            throw py::value_error("numrep: row " + std::to_string(i) + ": category code " + std::to_string(c[i]) +
                                  " out of range");
        if (s[i] < 0 || s[i] > 0xFFFFFFFFLL)
            throw py::value_error("numrep: row " + std::to_string(i) + ": bad source id");
    }
    py::gil_scoped_release unlocked;
    for (py::ssize_t i = 0; i < n; ++i) {
        if (k[i] == 0) continue;
        const report_category category = c[i] < 0 ? report_category::other : categories[static_cast<std::size_t>(c[i])];
        builder.add(k[i], category, t[i], static_cast<std::uint32_t>(s[i]), v[i]);
    }
}

// ---- building at scale: bounded memory in one process, and the pieces numrep.dask runs ----

// A database_builder and what it was told: the Python class _Builder.
struct builder_holder {
    // Shared with the call using it: close() from another thread lets go of it, and the call,
    // which runs without the GIL, keeps it until it returns (close() freed it under a running
    // add_csv: a crash).
    std::shared_ptr<database_builder> builder;
    bool busy = false;  // a call is using the builder (set and cleared with the GIL held)
    database_build_options options;
};

// The builder for one call, marked busy until the call returns: the calls release the GIL, and
// two of them at once from two threads would change it together.
class builder_use {
public:
    explicit builder_use(builder_holder& h) : holder_(h) {
        if (!h.builder) throw py::value_error("numrep: this builder has finished or was closed");
        if (h.busy)
            throw py::value_error("numrep: this builder is in use by another call (its calls run one at a time)");
        builder_ = h.builder;
        h.busy = true;
    }
    builder_use(const builder_use&) = delete;
    builder_use& operator=(const builder_use&) = delete;
    ~builder_use() { holder_.busy = false; }
    database_builder& operator*() const noexcept { return *builder_; }
    database_builder* operator->() const noexcept { return builder_.get(); }

private:
    builder_holder& holder_;
    std::shared_ptr<database_builder> builder_;
};

// A shard's manifest entry as Python sees it: (first_key, last_key, numbers, (records name, size,
// checksum), (bloom name, size, checksum)); plain values, so that it crosses processes.
using shard_tuple = typed<names::shard_entry>;
shard_tuple shard_to_tuple(const detail::db_manifest::shard_entry& e) {
    const auto file = [](const detail::db_manifest::file_entry& f) {
        return py::make_tuple(f.name, f.size, f.checksum);
    };
    return py::make_tuple(e.first_key, e.last_key, e.numbers, file(e.records), file(e.bloom));
}
detail::db_manifest::shard_entry shard_from_tuple(const py::handle& t) {
    const auto file = [](const py::handle& f) {
        const auto parts = f.cast<py::tuple>();
        if (parts.size() != 3) throw py::value_error("numrep: a shard's file is (name, size, checksum)");
        return detail::db_manifest::file_entry{parts[0].cast<std::string>(), parts[1].cast<std::uint64_t>(),
                                               parts[2].cast<std::uint64_t>()};
    };
    const auto parts = t.cast<py::tuple>();
    if (parts.size() != 5)
        throw py::value_error("numrep: a shard entry is (first_key, last_key, numbers, records file, bloom file)");
    detail::db_manifest::shard_entry e;
    e.first_key = parts[0].cast<std::uint64_t>();
    e.last_key = parts[1].cast<std::uint64_t>();
    e.numbers = parts[2].cast<std::uint64_t>();
    e.records = file(parts[3]);
    e.bloom = file(parts[4]);
    return e;
}

// Records as arrays: keys (n,) and the thirteen fields of each record (n, 13), uint32.
typed<names::records> records_to_arrays(const std::vector<std::uint64_t>& keys,
                                        const std::vector<number_record>& records) {
    const auto n = static_cast<py::ssize_t>(keys.size());
    py::array_t<std::uint64_t> k(n);
    py::array_t<std::uint32_t> r({n, static_cast<py::ssize_t>(number_record::field_count)});
    std::copy(keys.begin(), keys.end(), k.mutable_data());
    auto* out = r.mutable_data();
    for (std::size_t i = 0; i < records.size(); ++i)
        for (std::size_t f = 0; f < number_record::field_count; ++f)
            out[i * number_record::field_count + f] = records[i].field(f);
    return py::make_tuple(k, r);
}

// Merges pieces of (keys, records) arrays, each sorted by key, into one sorted record per key;
// records of one key merge in piece order (so the result does not depend on scheduling order).
std::pair<std::vector<std::uint64_t>, std::vector<number_record>> merge_pieces(const py::handle& pieces,
                                                                               const reputation_config& config) {
    struct piece {
        column<std::uint64_t> keys;
        column<std::uint32_t> records;
    };
    std::vector<piece> parts;
    std::size_t total = 0;
    for (const auto& item : pieces) {
        const auto t = item.cast<py::tuple>();
        if (t.size() != 2) throw py::value_error("numrep: a piece of records is a (keys, records) pair");
        piece p{column<std::uint64_t>::ensure(t[0]), column<std::uint32_t>::ensure(t[1])};
        if (!p.keys || !p.records || p.keys.ndim() != 1 || p.records.ndim() != 2 ||
            p.records.shape(0) != p.keys.shape(0) ||
            p.records.shape(1) != static_cast<py::ssize_t>(number_record::field_count))
            throw py::value_error("numrep: a piece of records is keys (n,) uint64 and records (n, " +
                                  std::to_string(number_record::field_count) + ") uint32");
        const auto* k = p.keys.data();
        for (py::ssize_t i = 0; i < p.keys.shape(0); ++i)
            if (k[i] == 0 || k[i] > detail::max_key || (i > 0 && k[i] <= k[i - 1]))
                throw py::value_error("numrep: piece " + std::to_string(parts.size()) + ": key " +
                                      std::to_string(k[i]) + " at " + std::to_string(i) +
                                      " is not an E.164 key in increasing order");
        total += static_cast<std::size_t>(p.keys.shape(0));
        // Each entry is found again by (piece << 40 | row): pieces and rows must fit.
        if (parts.size() >= (std::size_t{1} << 23) || p.keys.shape(0) >= (py::ssize_t{1} << 40))
            throw py::value_error("numrep: too many pieces of records, or a piece too long, to merge at once");
        parts.push_back(std::move(p));
    }
    py::gil_scoped_release unlocked;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> order;  // (key, piece << 40 | index): piece order kept
    order.reserve(total);
    for (std::size_t p = 0; p < parts.size(); ++p)
        for (py::ssize_t i = 0; i < parts[p].keys.shape(0); ++i)
            order.emplace_back(parts[p].keys.data()[i], (std::uint64_t{p} << 40) | static_cast<std::uint64_t>(i));
    std::sort(order.begin(), order.end());
    std::pair<std::vector<std::uint64_t>, std::vector<number_record>> out;
    const double half_life = config.half_life_seconds();
    for (const auto& [key, where] : order) {
        const auto& part = parts[where >> 40];
        const auto* fields = part.records.data() +
                             (where & ((std::uint64_t{1} << 40) - 1)) * number_record::field_count;
        number_record r;
        for (std::size_t f = 0; f < number_record::field_count; ++f) r.set_field(f, fields[f]);
        if (out.first.empty() || out.first.back() != key) {
            out.first.push_back(key);
            out.second.emplace_back();
        }
        merge_records(out.second.back(), r, half_life);
    }
    return out;
}

struct publication_holder {
    std::unique_ptr<detail::db_directory::publication> publication;
};

detail::db_directory::publication& open_publication(const publication_holder& h) {
    if (!h.publication) throw py::value_error("numrep: this publication is closed");
    return *h.publication;
}

void register_scale(py::module_& m) {
    py::class_<builder_holder>(
        m, "_Builder",
        "Builds a database directory from reports added in any number of calls, within a memory budget: records\n"
        "spill to sorted runs, merged at finish() into shards. numrep.ReputationDB.build and the CLI use it.")
        .def("__reduce__", refuse_pickling("_Builder", "it writes one directory from one process"))
        .def(py::init([](const path_arg& path, double half_life_days, double bloom_fpr, std::uint64_t memory,
                         std::size_t shards, const path_or_none_arg& temp_dir, const region_arg& region_code) {
                 builder_holder h;
                 h.options.config = config_from(half_life_days);
                 h.options.bloom_fpr = bloom_fpr;
                 h.options.memory_budget = memory;
                 h.options.shards = shards;
                 h.options.default_region = region_of(region_code);
                 if (!temp_dir.is_none()) h.options.temp_dir = path_of(temp_dir, "temp_dir");
                 h.builder = std::make_shared<database_builder>(path_of(path), h.options);
                 return h;
             }),
             py::arg("path"), py::arg("half_life_days") = 90.0, py::arg("bloom_fpr") = 0.001, py::arg("memory") = 0,
             py::arg("shards") = 0, py::arg("temp_dir") = py::none(), py::arg("region") = default_region_code())
        .def(
            "add_arrays",
            [](builder_holder& h, const column<std::uint64_t>& keys, const column<std::int64_t>& times,
               const column<std::int64_t>& category_codes, const std::vector<std::string>& category_names,
               const column<std::int64_t>& sources, const column<bool>& not_spam) {
                const builder_use builder(h);
                add_arrays(*builder, keys, times, category_codes, category_names, sources, not_spam);
            },
            py::arg("keys"), py::arg("times"), py::arg("category_codes"), py::arg("category_names"), py::arg("sources"),
            py::arg("not_spam"),
            "Reports as columns (keys 0: rows already counted as bad), as _from_arrays takes them.")
        .def(
            "add_csv",
            [](builder_holder& h, const paths_arg& paths, const column_arg& preset, const column_arg& number,
               const column_arg& time, const column_arg& category, const column_arg& source, const column_arg& not_spam,
               const column_arg& delimiter, const region_arg& region_code, bool keep_preset_region, bool strict,
               const path_or_none_arg& rejects, const optional_time_arg& default_time,
               const typed<names::progress>& progress) {
                const builder_use builder(h);
                auto [stats, read_in] = read_csv_into(*builder, paths, preset, number, time, category, source, not_spam,
                                                      delimiter, region_code, keep_preset_region, strict, rejects,
                                                      default_time, progress);
                return typed<names::csv_stats>(
                    py::make_tuple(stats, read_in.is_none() ? py::object(py::none())
                                                            : py::object(py::str(std::string(read_in.code())))));
            },
            py::arg("paths"), py::arg("preset"), py::arg("number"), py::arg("time"), py::arg("category"),
            py::arg("source"), py::arg("not_spam"), py::arg("delimiter"), py::arg("region"),
            py::arg("keep_preset_region"), py::arg("strict"), py::arg("rejects"), py::arg("default_time"),
            py::arg("progress"),
            "Reads CSV files as _from_csv does; returns (ingest stats, the region national forms were read in).")
        .def(
            "add_records",
            [](builder_holder& h, const column<std::uint64_t>& keys, const column<std::uint32_t>& records) {
                const builder_use builder(h);
                py::list pieces;
                pieces.append(py::make_tuple(keys, records));  // one piece: checked and merged as any
                const auto [k, r] = merge_pieces(pieces, h.options.config);
                py::gil_scoped_release unlocked;
                for (std::size_t i = 0; i < k.size(); ++i) builder->add_record(k[i], r[i]);
            },
            py::arg("keys"), py::arg("records"), "Whole records (keys sorted, records (n, 13) uint32), merged in.")
        .def(
            "finish",
            [](builder_holder& h, const region_arg& region_code) {
                const builder_use builder(h);
                const region recorded = region_of(region_code);  // with the GIL: it reads a str
                // Finished or failed, the builder is done: its records are gone either way.
                h.builder.reset();
                database_build_summary summary;
                {
                    py::gil_scoped_release unlocked;
                    builder->set_default_region(recorded);
                    summary = builder->finish();
                }
                typed<names::build_summary> d(py::dict{});
                d["numbers"] = summary.numbers;
                d["shards"] = summary.shards;
                d["runs"] = summary.runs;
                d["spilled_bytes"] = summary.spilled_bytes;
                return d;
            },
            py::arg("region"),
            "Merges everything added and publishes the database (national forms recorded as read in `region`); "
            "returns counts: numbers, shards, runs spilled, bytes spilled.")
        .def(
            "close", [](builder_holder& h) { h.builder.reset(); },
            "Gives up the build: its records and its spilled runs (the spill folder) go now (or when a call running "
            "meanwhile returns), not when the object does (a traceback that holds it, kept by a notebook, kept the "
            "folder on disk).");

    m.def(
        "_partial_records",
        [](const column<std::uint64_t>& keys, const column<std::int64_t>& times,
           const column<std::int64_t>& category_codes, const std::vector<std::string>& category_names,
           const column<std::int64_t>& sources, const column<bool>& not_spam, double half_life_days) {
            reputation_builder builder(config_from(half_life_days));
            add_arrays(builder, keys, times, category_codes, category_names, sources, not_spam);
            std::pair<std::vector<std::uint64_t>, std::vector<number_record>> sorted;
            {
                py::gil_scoped_release unlocked;
                sorted = builder.sorted();
            }
            return records_to_arrays(sorted.first, sorted.second);
        },
        py::arg("keys"), py::arg("times"), py::arg("category_codes"), py::arg("category_names"), py::arg("sources"),
        py::arg("not_spam"), py::arg("half_life_days"),
        "One record per number of a batch of reports: (keys sorted (n,) uint64, records (n, 13) uint32).");
    m.def(
        "_csv_records",
        [](const paths_arg& paths, const column_arg& preset, const column_arg& number, const column_arg& time,
           const column_arg& category, const column_arg& source, const column_arg& not_spam,
           const column_arg& delimiter, const region_arg& region_code, bool keep_preset_region, bool strict,
           const optional_time_arg& default_time, double half_life_days) {
            reputation_builder builder(config_from(half_life_days));
            auto [stats, read_in] = read_csv_into(builder, paths, preset, number, time, category, source, not_spam,
                                                  delimiter, region_code, keep_preset_region, strict, py::none(),
                                                  default_time, py::none());
            std::pair<std::vector<std::uint64_t>, std::vector<number_record>> sorted;
            {
                py::gil_scoped_release unlocked;
                sorted = builder.sorted();
            }
            const py::tuple arrays = records_to_arrays(sorted.first, sorted.second);
            const py::object keys = arrays[0], records = arrays[1];
            return typed<names::csv_records>(py::make_tuple(keys, records, stats,
                                                            read_in.is_none()
                                                                ? py::object(py::none())
                                                                : py::object(py::str(std::string(read_in.code())))));
        },
        py::arg("paths"), py::arg("preset"), py::arg("number"), py::arg("time"), py::arg("category"), py::arg("source"),
        py::arg("not_spam"), py::arg("delimiter"), py::arg("region"), py::arg("keep_preset_region"), py::arg("strict"),
        py::arg("default_time"), py::arg("half_life_days"),
        "CSV files read as _from_csv reads them, as one record per number: (keys, records, ingest stats, the region "
        "national forms were read in).");
    m.def(
        "_merge_records",
        [](const typed<names::record_pieces>& pieces, double half_life_days) {
            const auto [k, r] = merge_pieces(pieces, config_from(half_life_days));
            return records_to_arrays(k, r);
        },
        py::arg("pieces"), py::arg("half_life_days"),
        "Pieces of (keys, records), each sorted, merged into one record per key (in piece order).");
    m.def(
        "_write_shard",
        [](const path_arg& path, std::uint64_t generation, std::size_t index, std::uint64_t first_key,
           std::uint64_t last_key, const typed<names::record_pieces>& pieces, double half_life_days, double bloom_fpr) {
            const std::filesystem::path dir = path_of(path);
            auto [keys, records] = merge_pieces(pieces, config_from(half_life_days));
            if (!keys.empty() && (keys.front() < first_key || keys.back() > last_key))
                throw py::value_error("numrep: shard " + std::to_string(index) + " holds keys outside " +
                                      std::to_string(first_key) + "-" + std::to_string(last_key));
            detail::db_manifest::shard_entry entry;
            {
                py::gil_scoped_release unlocked;
                const auto trie = trie_store<number_record>::build(keys, records, merge_policy::last);
                bloom_filter<> bloom = detail::db_directory::empty_bloom();
                if (!keys.empty()) {
                    bloom = bloom_filter<>(keys.size(), bloom_fpr);
                    bloom.insert_batch(keys);
                }
                entry = detail::db_directory::write_shard(dir, generation, index, first_key, last_key, trie, bloom);
            }
            return shard_to_tuple(entry);
        },
        py::arg("path"), py::arg("generation"), py::arg("index"), py::arg("first_key"), py::arg("last_key"),
        py::arg("pieces"), py::arg("half_life_days"), py::arg("bloom_fpr"),
        "Merges pieces of records and writes them as shard `index` of a publication's generation (any process); "
        "returns the shard's entry for _Publication.commit.");
    py::class_<publication_holder>(
        m, "_Publication",
        "A publication of a database directory's next generation: holds the writers' lock until commit(entries).")
        .def("__reduce__", refuse_pickling("_Publication", "it holds the directory's lock in this process"))
        .def(py::init([](const path_arg& path, double half_life_days, double bloom_fpr, const region_arg& region_code) {
                 publication_holder h;
                 const std::filesystem::path dir = detail::db_directory::normal_path(path_of(path));
                 const reputation_config config = config_from(half_life_days);
                 detail::db_directory::settings s{config, region_of(region_code), bloom_fpr};
                 if (!(bloom_fpr >= detail::db_manifest::min_bloom_fpr &&
                       bloom_fpr <= detail::db_manifest::max_bloom_fpr))
                     throw py::value_error("numrep: bloom_fpr must be from 1e-09 to 0.5, got " +
                                           detail::shortest_text(bloom_fpr));
                 // Without the GIL: it may wait for the writers' lock, which another thread of this
                 // process can hold (a numrep.dask.build running), and needs the GIL to let it go.
                 py::gil_scoped_release released;
                 h.publication = std::make_unique<detail::db_directory::publication>(dir, s);
                 return h;
             }),
             py::arg("path"), py::arg("half_life_days"), py::arg("bloom_fpr"), py::arg("region"))
        .def_property_readonly("generation",
                               [](const publication_holder& h) { return open_publication(h).generation(); })
        .def_property_readonly("directory",
                               [](const publication_holder& h) { return open_publication(h).directory().string(); })
        .def(
            "commit",
            [](publication_holder& h, const typed<names::shard_entries>& entries) {
                detail::db_directory::publication& publication = open_publication(h);
                std::vector<detail::db_manifest::shard_entry> shards;
                for (const auto& e : entries) shards.push_back(shard_from_tuple(e));
                // With the GIL held: close() from another thread cannot free it meanwhile.
                publication.commit(std::move(shards));
            },
            py::arg("entries"), "Checks every shard's files and publishes them with one atomic rename.")
        .def(
            "close", [](publication_holder& h) { h.publication.reset(); },
            "Releases the lock (the files of an uncommitted publication are removed by the next save or open).");
}

// Whether the number was reported after `now`: a record keeps totals, not each report's time, so
// the verdict counts the later reports too.
bool includes_later_reports(const reputation_verdict& v, std::int64_t now) noexcept {
    return v.record.last_seen > now && v.record.total() > 0;
}

struct verdict_record {
    reputation_verdict v;
    std::int64_t now;
    // The carrier, region and region code of a verdict made by unpickling, which v.info's views
    // point into (a check's views point into the plan's own names, which live as long as numrep).
    std::shared_ptr<const std::array<std::string, 3>> unpickled_names;
};

// A pickle holds a verdict's every field as plain values (so that a verdict goes to another
// process, as multiprocessing and Dask send results): the record as number_record::pack's bytes.
py::tuple verdict_state(const verdict_record& r) {
    const auto packed = r.v.record.pack();
    const number_info& info = r.v.info;
    const auto str = [](std::string_view text) { return py::str(text.data(), text.size()); };
    return py::make_tuple(r.v.key, r.v.reported, r.v.score.score, static_cast<int>(r.v.score.level), r.v.score.delisted,
                          r.v.score.recent_reports, r.v.score.distinct_sources,
                          py::bytes(reinterpret_cast<const char*>(packed.data()), packed.size()), str(info.carrier),
                          static_cast<int>(info.type), str(info.region), str(info.region_code), info.valid,
                          info.carrier_id, info.region_id, r.now);
}

// verdict_state read back; every field checked, as a pickle may come from anywhere.
verdict_record verdict_from_state(std::uint64_t key, bool reported, double score, int level, bool delisted,
                                  double recent_reports, int distinct_sources, const py::bytes& record,
                                  std::string carrier, int type, std::string region, std::string region_code,
                                  bool valid, std::uint16_t carrier_id, std::uint16_t region_id, std::int64_t now) {
    const auto bad = [](const std::string& what) {
        return py::value_error("numrep: bad Verdict pickle state: " + what);
    };
    if (!phone_number::from_key(key)) throw bad(std::to_string(key) + " is not an E.164 key");
    if (!(score >= 0 && score <= 100)) throw bad("score " + std::to_string(score) + " is not 0 to 100");
    if (level < 0 || level > static_cast<int>(reputation_level::likely_scam))
        throw bad("level " + std::to_string(level) + " is not 0 to 2");
    if (!(recent_reports >= 0 && std::isfinite(recent_reports)))
        throw bad("recent_reports " + std::to_string(recent_reports) + " is not a count");
    if (distinct_sources < 0 || distinct_sources > 1'000'000)
        throw bad("distinct_sources " + std::to_string(distinct_sources) + " is not a count");
    if (now < earliest_time || now > latest_time)
        throw bad("as_of " + std::to_string(now) + " is out of the years 1 to 9999");
    if (type < 0 || type >= static_cast<int>(number_type_names.size()))
        throw bad("type " + std::to_string(type) + " is not 0 to " + std::to_string(number_type_names.size() - 1));
    const std::string_view bytes = record.cast<std::string_view>();
    std::array<std::byte, number_record::packed_size> packed{};
    if (bytes.size() != packed.size())
        throw bad("record of " + std::to_string(bytes.size()) + " bytes, not " + std::to_string(packed.size()));
    std::memcpy(packed.data(), bytes.data(), packed.size());
    verdict_record r;
    r.now = now;
    r.v.key = key;
    r.v.reported = reported;
    r.v.score = {score, static_cast<reputation_level>(level), delisted, recent_reports, distinct_sources};
    r.v.record = number_record::unpack(packed);
    const auto names = std::make_shared<const std::array<std::string, 3>>(
        std::array<std::string, 3>{std::move(carrier), std::move(region), std::move(region_code)});
    r.v.info = {(*names)[0], (*names)[1], (*names)[2], static_cast<number_type>(type), valid, carrier_id, region_id};
    r.unpickled_names = names;
    return r;
}

py::dict counts_dict(const number_record& r) {
    py::dict d;
    for (std::size_t i = 0; i < report_category_count; ++i)
        d[py::str(std::string(to_string(static_cast<report_category>(i))))] = r.counts[i];
    return d;
}

}  // namespace

namespace {

// Texts of a column for the C++ parsers: str as UTF-8, None / NaN / pandas NA as missing.
template <class Parse>
typed<names::text_column> parse_text_column(const typed<names::texts>& values, Parse parse) {
    const auto items = py::reinterpret_steal<py::object>(PySequence_Fast(values.ptr(), "numrep: expected a sequence"));
    if (!items) throw py::error_already_set();
    const auto n = PySequence_Fast_GET_SIZE(items.ptr());
    py::array_t<std::int64_t> out(n);
    py::array_t<bool> bad(n);
    auto* o = out.mutable_data();
    auto* b = bad.mutable_data();
    for (Py_ssize_t i = 0; i < n; ++i) {
        PyObject* item = PySequence_Fast_GET_ITEM(items.ptr(), i);
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &size) : nullptr;
        if (utf8 == nullptr) PyErr_Clear();
        const auto parsed = utf8 ? parse(std::string_view(utf8, static_cast<std::size_t>(size)))
                                 : decltype(parse(""))();
        o[i] = parsed ? static_cast<std::int64_t>(*parsed) : 0;
        b[i] = !parsed;
    }
    return py::make_tuple(out, bad);
}

// check_many's result columns (after the key): each thread fills a block of rows, then writes
// it out (result_blocks.hpp).
class verdict_columns {
public:
    // `now`: the time the verdicts are as of, to count the rows reported after it.
    verdict_columns(py::ssize_t n, std::int64_t now)
        : now_(now),
          score_(n),
          level_(n),
          reported_(n),
          delisted_(n),
          reports_(n),
          not_spam_(n),
          first_seen_(n),
          last_seen_(n),
          counts_({n, static_cast<py::ssize_t>(report_category_count)}),
          info_(n),
          stream_(static_cast<std::size_t>(n) >= stream_minimum_rows) {}

    struct block {
        std::array<double, block_rows> score;
        std::array<std::uint8_t, block_rows> level;
        std::array<bool, block_rows> reported, delisted;
        std::array<std::uint32_t, block_rows> reports, not_spam;
        std::array<std::int64_t, block_rows> first_seen, last_seen;
        std::array<std::uint32_t, block_rows * report_category_count> counts;
        plan_columns::block info;

        void set(std::size_t k, const reputation_verdict& v) noexcept {
            const std::uint64_t total = v.record.total();
            score[k] = v.score.score;
            level[k] = static_cast<std::uint8_t>(v.score.level);
            reported[k] = v.reported;
            delisted[k] = v.score.delisted;
            reports[k] = static_cast<std::uint32_t>(std::min<std::uint64_t>(total, 0xFFFFFFFFu));
            not_spam[k] = v.record.not_spam;
            // Times of a number with no report (only not-spam votes) are not times: 0.
            first_seen[k] = v.reported && total != 0 ? v.record.first_seen : 0;
            last_seen[k] = v.reported && total != 0 ? v.record.last_seen : 0;
            std::copy(v.record.counts.begin(), v.record.counts.end(), counts.begin() + k * report_category_count);
            info.set(k, v.info);
        }
    };
    // Rows [begin, begin + count) from b's first count.
    void write(std::size_t begin, const block& b, std::size_t count) const noexcept {
        // Rows whose number was reported after now_ (includes_later_reports), counted over the
        // block while it is in cache (about 9 instructions a row of a check's thousand, by
        // callgrind); a pass over the columns afterwards would read memory written around the
        // cache.
        std::size_t later = 0;
        for (std::size_t k = 0; k < count; ++k) later += b.last_seen[k] > now_ && b.reports[k] != 0 ? 1U : 0U;
        if (later != 0) later_.fetch_add(later, std::memory_order_relaxed);
        copy_rows(score_.data + begin, b.score.data(), count, stream_);
        copy_rows(level_.data + begin, b.level.data(), count, stream_);
        copy_rows(reported_.data + begin, b.reported.data(), count, stream_);
        copy_rows(delisted_.data + begin, b.delisted.data(), count, stream_);
        copy_rows(reports_.data + begin, b.reports.data(), count, stream_);
        copy_rows(not_spam_.data + begin, b.not_spam.data(), count, stream_);
        copy_rows(first_seen_.data + begin, b.first_seen.data(), count, stream_);
        copy_rows(last_seen_.data + begin, b.last_seen.data(), count, stream_);
        copy_rows(counts_.data + begin * report_category_count, b.counts.data(), count * report_category_count,
                  stream_);
        info_.write(begin, b.info, count);
    }
    // The columns in check_many's order after "key".
    void add_to(py::dict& out) const {
        out["reported"] = reported_.array;
        out["score"] = score_.array;
        out["level"] = level_.array;
        out["delisted"] = delisted_.array;
        out["reports"] = reports_.array;
        out["not_spam"] = not_spam_.array;
        out["first_seen"] = first_seen_.array;
        out["last_seen"] = last_seen_.array;
        info_.add_to(out);  // carrier, type, region, valid, region_code
        out["counts"] = counts_.array;
    }

    // Rows whose number was reported after the time the verdicts are as of.
    std::size_t later_rows() const noexcept { return later_.load(std::memory_order_relaxed); }

private:
    std::int64_t now_;
    mutable std::atomic<std::size_t> later_{0};
    result_column<double> score_;
    result_column<std::uint8_t> level_;
    result_column<bool> reported_, delisted_;
    result_column<std::uint32_t> reports_, not_spam_;
    result_column<std::int64_t> first_seen_, last_seen_;
    result_column<std::uint32_t> counts_;
    plan_columns info_;
    bool stream_;
};

}  // namespace

void register_reputation(py::module_& m) {
    register_scale(m);
    // The CSV reader's own parsers, for from_frame: one reading of times and flags (issue 9).
    m.def(
        "_parse_times",
        [](const typed<names::texts>& values) {
            return parse_text_column(values, [](std::string_view t) { return parse_time(t); });
        },
        py::arg("values"), "Unix seconds of time texts as from_csv reads them, and which are not times.");
    m.def(
        "_unix_time", [](const time_arg& value, const std::string& what) { return time_of(value, what); },
        py::arg("value"), py::arg("what") = "time",
        "Unix seconds of a time as every call taking one reads it (datetime, datetime64, Timestamp, seconds, ISO "
        "str).");
    m.def(
        "_loose_column_name", [](const std::string& name) { return detail::loose_column_name(detail::trim(name)); },
        py::arg("name"),
        "A header name as the CSV reader compares it with a field's (ASCII lower case, without ' ', '-', '_').");
    m.def(
        "_parse_flags",
        [](const typed<names::texts>& values) {
            return parse_text_column(values, [](std::string_view t) { return parse_flag(t); });
        },
        py::arg("values"), "not_spam flags of texts as from_csv reads them (0/1), and which are not flags.");
    py::class_<verdict_record>(m, "Verdict", "numrep's verdict on one number: score, level, its reports, its carrier.")
        // __reduce__ rather than py::pickle: it serves every pickle protocol, 0 and 1 included.
        .def("__reduce__",
             [](const verdict_record& r) -> typed<names::verdict_state> {
                 const py::object restore = py::module_::import("numrep._core").attr("_verdict_from_state");
                 return py::make_tuple(restore, verdict_state(r));
             })
        .def_property_readonly(
            "key", [](const verdict_record& r) { return r.v.key; },
            "The number's E.164 digits as an int, e.g. 84912345678.")
        .def_property_readonly(
            "e164", [](const verdict_record& r) { return "+" + std::to_string(r.v.key); },
            "The number in E.164 form, e.g. '+84912345678'.")
        .def_property_readonly(
            "reported", [](const verdict_record& r) { return r.v.reported; },
            "True when the database holds a record of the number (reports, or not-spam votes alone).")
        .def_property_readonly(
            "score", [](const verdict_record& r) { return r.v.score.score; }, "0 (nothing known) to 100.")
        .def_property_readonly(
            "level", [](const verdict_record& r) { return std::string(to_string(r.v.score.level)); },
            "clean, suspicious or likely_scam.")
        .def_property_readonly(
            "delisted", [](const verdict_record& r) { return r.v.score.delisted; },
            "True when the number is judged clean whatever its score: nothing reported for quiet_days, or not-spam\n"
            "votes reaching both delist_min_votes and its reports (docs/scoring.md).")
        .def_property_readonly(
            "recent_reports", [](const verdict_record& r) { return r.v.score.recent_reports; },
            "Reports weighted by age (a report one half-life old counts 0.5).")
        .def_property_readonly(
            "reports", [](const verdict_record& r) { return r.v.record.total(); },
            "Reports of the number, every category and time (the sum of counts).")
        .def_property_readonly(
            "counts", [](const verdict_record& r) -> typed<names::counts> { return counts_dict(r.v.record); },
            "Reports per category.")
        .def_property_readonly(
            "not_spam", [](const verdict_record& r) { return r.v.record.not_spam; },
            "\"Not spam\" votes for the number (they keep no time: every one counts).")
        .def_property_readonly(
            "distinct_sources", [](const verdict_record& r) { return r.v.score.distinct_sources; },
            "Estimated distinct sources that reported the number: each sets one of 32 bits by a hash of its name,\n"
            "so sources that share a bit count once (docs/scoring.md, \"Sources\").")
        .def_property_readonly(
            "first_seen",
            [](const verdict_record& r) { return datetime_or_none(r.v.record.first_seen, r.v.record.total() > 0); },
            "Time of the number's first report (UTC), None if it has none.")
        .def_property_readonly(
            "last_seen",
            [](const verdict_record& r) { return datetime_or_none(r.v.record.last_seen, r.v.record.total() > 0); },
            "Time of the number's latest report (UTC), None if it has none.")
        .def_property_readonly(
            "includes_later_reports", [](const verdict_record& r) { return includes_later_reports(r.v, r.now); },
            "True when the number was reported after as_of: a database keeps each number's totals, not each "
            "report's time,\nso the verdict counts those reports as if they had come by then.")
        .def_property_readonly(
            "carrier", [](const verdict_record& r) { return std::string(r.v.info.carrier); },
            "The carrier the number's range was allocated to by the numbering plan (not the one it may have been\n"
            "ported to), '' if the plan names none.")
        .def_property_readonly(
            "type", [](const verdict_record& r) { return std::string(to_string(r.v.info.type)); },
            "The number's type by the plan: one of numrep.TYPE_NAMES ('mobile', 'fixed_line', ...).")
        .def_property_readonly(
            "region", [](const verdict_record& r) { return std::string(r.v.info.region); },
            "Geographic area (province, state) for geographic numbers, else ''.")
        .def_property_readonly(
            "region_code", [](const verdict_record& r) { return std::string(r.v.info.region_code); },
            "ISO 3166 code of the number's region ('US', 'VN'; '001' non-geographic; '' none).")
        .def_property_readonly(
            "valid", [](const verdict_record& r) { return r.v.info.valid; },
            "True when the numbering plan says the number can exist (its length and prefix are allocated).")
        .def_property_readonly(
            "as_of",
            [](const verdict_record& r) -> typed<names::datetime> {
                const py::module_ datetime = py::module_::import("datetime");
                return datetime.attr("datetime").attr("fromtimestamp")(r.now, datetime.attr("timezone").attr("utc"));
            },
            "The time the verdict is as of (the `now` it was judged at: scores decay with time), UTC.")
        .def_property_readonly(
            "as_of_seconds", [](const verdict_record& r) { return r.now; }, "as_of in unix seconds.")
        .def(
            "_repr_html_", [](const py::object& self) { return html_of(self, "verdict_html"); },
            "The notebook form (Jupyter shows it): a table of what this is.")
        .def("__repr__", [](const verdict_record& r) {
            std::string s = "Verdict(number='+" + std::to_string(r.v.key) + "', level='" +
                            std::string(to_string(r.v.score.level)) +
                            // Truncated, not rounded: 69.6 shown as 70 beside "suspicious" read as a
                            // wrong level (levels start at 30 and 70).
                            "', score=" + std::to_string(static_cast<int>(r.v.score.score)) +
                            ", reports=" + std::to_string(r.v.record.total());
            // As Python literals: a custom plan's carrier may hold a quote (O'Brien).
            if (!r.v.info.carrier.empty()) s += ", carrier=" + repr_of(py::str(std::string(r.v.info.carrier)));
            if (!r.v.info.region_code.empty())
                s += ", region_code=" + repr_of(py::str(std::string(r.v.info.region_code)));
            return s + ", as_of='" + format_utc(r.now) + "')";
        });
    m.def("_verdict_from_state", &verdict_from_state, py::arg("key"), py::arg("reported"), py::arg("score"),
          py::arg("level"), py::arg("delisted"), py::arg("recent_reports"), py::arg("distinct_sources"),
          py::arg("record"), py::arg("carrier"), py::arg("type"), py::arg("region"), py::arg("region_code"),
          py::arg("valid"), py::arg("carrier_id"), py::arg("region_id"), py::arg("as_of"),
          "Unpickles a Verdict (its fields as Verdict.__reduce__ gives them).");

    py::class_<db_holder>(
        m, "ReputationDB",
        "The compiled part of numrep.ReputationDB (its base class): reported numbers and their records,\n"
        "a succinct trie snapshot behind a Bloom filter, plus a delta of later reports. Use\n"
        "numrep.ReputationDB.from_csv / from_frame / open, which return numrep.ReputationDB.")
        .def(py::init([](const db_holder& other) { return db_holder{other.db, other.ingest_stats}; }), py::arg("db"),
             "The same database as `db` (shared, not copied): how numrep.ReputationDB takes over one made here.")
        .def("__reduce__", refuse_pickling("ReputationDB", "save it and open it by its path in the other process"))
        .def_static("_from_csv", &from_csv, py::arg("paths"), py::arg("preset"), py::arg("number"), py::arg("time"),
                    py::arg("category"), py::arg("source"), py::arg("not_spam"), py::arg("delimiter"),
                    py::arg("region"), py::arg("keep_preset_region"), py::arg("strict"), py::arg("rejects"),
                    py::arg("default_time"), py::arg("half_life_days"), py::arg("progress"))
        .def_static(
            "_from_arrays",
            [](const column<std::uint64_t>& keys, const column<std::int64_t>& times,
               const column<std::int64_t>& category_codes, const std::vector<std::string>& category_names,
               const column<std::int64_t>& sources, const column<bool>& not_spam, double half_life_days,
               const region_arg& region_code) {
                reputation_builder builder(config_from(half_life_days));
                add_arrays(builder, keys, times, category_codes, category_names, sources, not_spam);
                reputation_db::options db_options;
                db_options.default_region = region_of(region_code);
                db_holder h;
                h.db = std::make_shared<reputation_db>(reputation_db::build(builder, db_options));
                return h;
            },
            py::arg("keys"), py::arg("times"), py::arg("category_codes"), py::arg("category_names"), py::arg("sources"),
            py::arg("not_spam"), py::arg("half_life_days"), py::arg("region"))
        .def(
            "_add_arrays",
            [](db_holder& h, const column<std::uint64_t>& keys, const column<std::int64_t>& times,
               const column<std::int64_t>& category_codes, const std::vector<std::string>& category_names,
               const column<std::int64_t>& sources, const column<bool>& not_spam) {
                reputation_builder builder(h.db->settings().config);
                add_arrays(builder, keys, times, category_codes, category_names, sources, not_spam);
                py::gil_scoped_release unlocked;
                h.db->add_reports(builder);
            },
            py::arg("keys"), py::arg("times"), py::arg("category_codes"), py::arg("category_names"), py::arg("sources"),
            py::arg("not_spam"))
        .def_static(
            "_open",
            [](const path_arg& path, const region_arg& region_code, bool saved_region) {
                db_holder h;
                const std::string p = path_of(path).string();
                reputation_db_open_options how;
                if (!saved_region) how.default_region = region_of(region_code);  // None: international only
                py::gil_scoped_release unlocked;
                h.db = std::make_shared<reputation_db>(reputation_db::open(p, how));
                return h;
            },
            py::arg("path"), py::arg("region"), py::arg("saved_region"),
            "Open a saved database (a directory); its stores are memory-mapped. Unless saved_region, `region` "
            "(None: international forms only) replaces the one it was saved with.")
        .def(
            "save",
            [](db_holder& h, const path_arg& path) {
                const std::string p = path_of(path).string();
                py::gil_scoped_release unlocked;
                h.db->save(p);
            },
            py::arg("path"),
            "Save as a directory (the delta is compacted first); atomic. Saving back to the directory the "
            "database was opened from is a RuntimeError when another object or process has published there since "
            "(its reports would be lost).")
        .def(
            "_save_with_region",
            [](db_holder& h, const path_arg& path, const region_arg& region_code) {
                const std::string p = path_of(path).string();
                const region saving = region_of(region_code);
                py::gil_scoped_release unlocked;
                h.db->save(p, saving);
            },
            py::arg("path"), py::arg("region"),
            "save(path), with `region` (None: international forms only) as the region saved, from now on.")
        .def(
            "compact",
            [](db_holder& h) {
                py::gil_scoped_release unlocked;
                h.db->compact();
            },
            "Fold reports added since the build into a new snapshot.")
        .def(
            "check",
            [](const db_holder& h, const number_arg& number, const optional_time_arg& now,
               const region_arg& region_code) {
                const phone_number n = number_of(number, region_code);
                const auto reader = h.db->reader();  // "latest" and the verdict from one state
                const std::int64_t t = time_or_latest(now, reader);
                return verdict_record{reader.check(n.key(), t), t};
            },
            py::arg("number"), py::arg("now") = py::none(), py::arg("region") = default_region_code(),
            "The verdict on one number (str, int key or PhoneNumber) at `now` (datetime or unix seconds; default: "
            "now).")
        .def(
            "_check_many",
            [](const db_holder& h, const numbers_arg& numbers, const optional_time_arg& now,
               const regions_arg& home) -> typed<names::checked_columns> {
                bool keys_are_the_callers = false;
                const key_array keys = keys_of(numbers, {.method = "ReputationDB.check_many",
                                                         .region = home,
                                                         .on_bad_text = bad_text::coerce,
                                                         .keys_are_the_callers = &keys_are_the_callers});
                // One state for every thread (a reader pins it): a compaction meanwhile cannot
                // mix two snapshots within one call, and "latest" is that state's newest report.
                const auto reader = h.db->reader();
                const std::int64_t t = time_or_latest(now, reader);
                const auto n = keys.shape(0);
                verdict_columns columns(n, t);
                const auto* in = keys.data();
                {
                    py::gil_scoped_release unlocked;
                    for_each_range(static_cast<std::size_t>(n), [&](std::size_t begin, std::size_t end) {
                        // One check_each for the range (it adapts to the keys as it goes).
                        block_writer<verdict_columns> rows(columns, begin, end - begin);
                        reader.check_each(std::span<const std::uint64_t>(in + begin, end - begin), t,
                                          [&](std::size_t k, const reputation_verdict& v) { rows.set(k, v); });
                    });
                }
                py::dict out;
                // A copy of a caller's array: the column was that array, so writing to the
                // result changed the caller's keys, and the result kept the input alive.
                out["key"] = keys_are_the_callers ? py::array(keys.attr("copy")()) : py::array(keys);
                columns.add_to(out);
                return py::make_tuple(out, columns.later_rows(), t);
            },
            py::arg("numbers"), py::arg("now"), py::arg("region"),
            "Verdict columns, the rows reported after `now`, and the unix seconds they are as of; now=\"latest\": "
            "the newest report's time in the state the verdicts come from.")
        .def(
            "_latest_report_seconds",
            [](const db_holder& h) -> std::int64_t {
                py::gil_scoped_release unlocked;
                return h.db->reader().latest_report().value_or(-1);
            },
            "The newest report's unix seconds in one state of the database (-1: none); a pass over every record.")
        .def(
            "__len__", [](const db_holder& h) { return h.db->number_count(); },
            "Distinct reported numbers, snapshot and delta together.")
        .def(
            "keys",
            [](const db_holder& h, const optional_prefix_arg& prefix) {
                const std::uint64_t p = prefix.is_none() ? 0 : prefix_of(prefix);
                std::vector<std::uint64_t> keys;
                {
                    py::gil_scoped_release unlocked;
                    keys = h.db->keys(p);
                }
                py::array_t<std::uint64_t> out(static_cast<py::ssize_t>(keys.size()));
                std::copy(keys.begin(), keys.end(), out.mutable_data());
                return out;
            },
            py::arg("prefix") = py::none(),
            "Reported numbers (keys, ascending) starting with `prefix` (e.g. \"+8491\"; None: all).")
        .def(
            "count_prefix",
            [](const db_holder& h, const prefix_arg& prefix) { return h.db->count_prefix(prefix_of(prefix)); },
            py::arg("prefix"), "How many reported numbers start with `prefix` (\"+8491234\", 8491234).")
        .def_property_readonly(
            "snapshot_size", [](const db_holder& h) { return h.db->size(); },
            "Numbers in the snapshot (the compacted part; delta_size counts those added since).")
        .def_property_readonly(
            "delta_size", [](const db_holder& h) { return h.db->delta_size(); },
            "Numbers in the reports added since the snapshot (add_reports), each once; 0 after compact().")
        .def_property_readonly(
            "_generation", [](const db_holder& h) { return h.db->generation(); },
            "States published so far (reports added, compactions ended): the same value, the same contents.")
        .def_property_readonly(
            "region",
            [](const db_holder& h) -> typed<names::optional_str> {
                const region r = h.db->settings().default_region;
                if (r.is_none()) return py::none();
                return py::str(std::string(r.code()));
            },
            "The region national forms are read in by default: the one the database was built (or opened) with.")
        .def_property_readonly(
            "half_life_days", [](const db_holder& h) { return h.db->settings().config.half_life_days; },
            "Days after which a report counts half in the score (90 unless the database was built with another).")
        .def_property_readonly(
            "quiet_days", [](const db_holder& h) { return h.db->settings().config.quiet_days; },
            "Days without a report after which a number is delisted (clean): 365 unless the database's "
            "settings say otherwise.")
        .def_property_readonly(
            "shard_count", [](const db_holder& h) { return h.db->shard_count(); },
            "Key ranges the snapshot is split into (1 unless built sharded).")
        .def(
            "shard_ranges",
            [](const db_holder& h) {
                std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
                for (std::size_t i = 0; i < h.db->shard_count(); ++i) out.push_back(h.db->shard_range(i));
                return out;
            },
            "The (first key, last key) of each shard, in key order.")
        .def_property_readonly(
            "records_bytes",
            [](const db_holder& h) {
                std::uint64_t n = 0;
                for (std::size_t i = 0; i < h.db->shard_count(); ++i) n += h.db->records(i)->size_in_bytes();
                return n;
            },
            "Bytes of the record tries, every shard.")
        .def_property_readonly(
            "bloom_bytes",
            [](const db_holder& h) {
                std::uint64_t n = 0;
                for (std::size_t i = 0; i < h.db->shard_count(); ++i) n += h.db->reported_numbers(i)->size_in_bytes();
                return n;
            },
            "Bytes of the Bloom filters, every shard.")
        .def_property_readonly(
            "records_bits_per_key",
            [](const db_holder& h) {
                double bits = 0;
                std::uint64_t keys = 0;
                for (std::size_t i = 0; i < h.db->shard_count(); ++i) {
                    bits += h.db->records(i)->bits_per_key() * static_cast<double>(h.db->records(i)->size());
                    keys += h.db->records(i)->size();
                }
                return keys == 0 ? 0.0 : bits / static_cast<double>(keys);
            },
            "Bits per number of the tries' key structure, every shard.")
        .def_property_readonly("_csv_stats",
                               [](const db_holder& h) -> typed<names::ingest_stats> { return h.ingest_stats; })
        .def("__repr__", [](const db_holder& h) {
            const region r = h.db->settings().default_region;
            // numbers as len() counts them: the snapshot's and those only in the delta
            return "ReputationDB(numbers=" + std::to_string(h.db->number_count()) +
                   ", delta=" + std::to_string(h.db->delta_size()) +
                   ", region=" + (r.is_none() ? std::string("None") : "'" + std::string(r.code()) + "'") +
                   ", half_life_days=" +
                   py::repr(py::float_(h.db->settings().config.half_life_days)).cast<std::string>() +
                   ", shards=" + std::to_string(h.db->shard_count()) + ")";
        });

    py::list levels;
    for (auto l : {reputation_level::clean, reputation_level::suspicious, reputation_level::likely_scam})
        levels.append(std::string(to_string(l)));
    m.attr("LEVEL_NAMES") = py::tuple(levels);
    py::list categories;
    for (std::size_t i = 0; i < report_category_count; ++i)
        categories.append(std::string(to_string(static_cast<report_category>(i))));
    m.attr("CATEGORY_NAMES") = py::tuple(categories);
    // The half-lives the library takes, in days, for the CLI to check what a user wrote (hours,
    // weeks) and name it as written.
    m.attr("_HALF_LIFE_DAYS_RANGE") = py::make_tuple(reputation_config::min_days, reputation_config::max_days);
    m.def(
        "_check_replaceable", [](const path_arg& path) { detail::db_directory::check_replaceable(path_of(path)); },
        py::arg("path"),
        "ValueError unless saving at `path` may replace what is there: nothing, an empty directory, a database, or "
        "the files\na save or build that never published left (the rule every save applies; the CLI asks before "
        "it reads).");
    m.def(
        "_store_files",
        [](const path_arg& path) {
            std::vector<std::tuple<std::string, std::uint64_t, std::optional<std::uint64_t>>> out;
            for (auto& file : detail::db_directory::store_files(path_of(path)))
                out.emplace_back(std::move(file.name), file.bytes, file.numbers);
            return out;
        },
        py::arg("path"),
        "The store files of a saved database's published state: (name, bytes, numbers of its shard) triples, "
        "records then Bloom filter per shard; numbers is None for format 1, whose files do not record it.");
    m.def(
        "classify_category", [](const std::string& name) { return std::string(to_string(classify_category(name))); },
        py::arg("name"), "The report category numrep files a free-form category name under.");
}

}  // namespace numrep::python
