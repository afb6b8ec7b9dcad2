// The directory a reputation_db is saved as. Format 2 (written): a MANIFEST (db_manifest.hpp)
// naming the store files of one or more shards, each shard a trie of records and a Bloom
// filter. Format 1 (read, and upgraded by the next save): meta.txt, records.trie, numbers.bloom.
//
// Publication is crash-safe: new store files get names no published manifest uses (the next
// generation), are written and fsynced, then one atomic rename of MANIFEST publishes them and
// the directory is fsynced; only then are the files of older generations removed. Whatever
// moment a machine stops, the directory holds the last published manifest and every file it
// names. Writers hold an exclusive lock on `lock`; readers need none (they map files that are
// never rewritten) and remove leftovers of crashed writers only when no writer holds it.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../bloom_filter.hpp"
#include "../number_record.hpp"
#include "../score.hpp"
#include "../store_file.hpp"
#include "../trie_store.hpp"
#include "db_manifest.hpp"
#include "file_error.hpp"
#include "file_format.hpp"
#include "mapped_file.hpp"
#include "throw.hpp"

namespace numrep::detail::db_directory {

inline constexpr std::string_view manifest_name = "MANIFEST";
inline constexpr std::string_view lock_name = "lock";
inline constexpr std::string_view v1_meta_header = "numrep-reputation 1";
inline constexpr std::size_t v1_meta_max_bytes = 64 * 1024;

// ---- test hook ----

// Called with the name of each step of a publication, in order ("records written", ...,
// "published", "removed <file>"). Tests set it to crash the process (fork, then _exit) at
// every step in turn; nullptr (always, outside tests) costs one comparison per step.
inline void (*fault_hook)(std::string_view step) = nullptr;
inline void fault_point(std::string_view step) {
    if (fault_hook != nullptr) fault_hook(step);
}

// ---- paths and small files ----

// The path without a trailing separator ("db/" names the directory db).
inline std::filesystem::path normal_path(const std::filesystem::path& p) {
    std::filesystem::path normal = p.lexically_normal();
    if (!normal.has_filename() && normal.has_parent_path() && normal != normal.root_path())
        normal = normal.parent_path();
    return normal;
}

inline std::filesystem::path sibling(const std::filesystem::path& dir, const char* suffix) {
    return dir.parent_path() / (dir.filename().string() + suffix);
}

// A small file read whole, refusing (format_error) one larger than `limit` before reading it:
// a 16 GiB sparse file in place of a manifest costs a stat, not 16 GiB of memory. `path` is
// relative to the directory open as `dir_fd`, when given.
inline std::string read_small_file(const std::filesystem::path& path, std::size_t limit, int dir_fd = AT_FDCWD) {
    const file_descriptor fd(path, dir_fd);
    if (fd.size() > limit)
        throw_format_error(path.string() + ": " + std::to_string(fd.size()) + " bytes, more than the " +
                           std::to_string(limit) + " such a file can hold (not a numrep database file)");
    std::string text(fd.size(), '\0');
    std::size_t done = 0;
    while (done < text.size()) {
        const ::ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_file_error(errno, path, "cannot read");
        if (n == 0) break;  // shrank since fstat: the parser reports what is missing
        done += static_cast<std::size_t>(n);
    }
    text.resize(done);
    return text;
}

// Flushes a directory's entries (renames, creations, removals) to disk. False when that failed
// for a reason other than a file system that cannot flush directories (EINVAL, ENOTSUP): the
// caller then keeps what it would have removed, since the renames may not be durable yet.
inline bool fsync_directory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    int result = 0;
    do {
        result = ::fsync(fd);
    } while (result != 0 && errno == EINTR);
    const bool flushed = result == 0 || errno == EINVAL || errno == ENOTSUP;
    ::close(fd);
    return flushed;
}

// Called, when set, each time a wait for the writers' lock is interrupted by a signal; it may
// throw to give the wait up. A writer can wait as long as another writes (a Dask build: hours),
// and the wait restarts after a signal: numrep's Python module sets it to run Python's signal
// handlers, so that Ctrl-C stops a waiting save or build rather than let it replace the
// database once the other writer is done.
using lock_wait_hook = void (*)();
inline std::atomic<lock_wait_hook> on_lock_wait_interrupted{nullptr};

// Called, when set, once before a writer starts waiting for the lock (another writer holds it),
// with the lock file's path: numrep's command line says that it waits, and for what, rather
// than sit silent for as long as the other writer takes. It may throw to give the wait up.
using lock_busy_hook = void (*)(const std::filesystem::path& lock_path);
inline std::atomic<lock_busy_hook> on_lock_busy{nullptr};

// The lock files this process has open (fd + 1; 0: a free slot). A lock belongs to the open
// file, which a fork shares between parent and child: a child forked while a writer of the
// parent held a lock kept its copy open, and so held every later writer of the database (the
// parent's too) off until it exited; multiprocessing's fork workers, started during a save, live
// as long as their pool. A child closes its copies as it starts (close_lock_files_in_child);
// the parent keeps the lock. More locks open at once than there are slots go unrecorded, and a
// child forked at that moment keeps theirs.
inline std::array<std::atomic<int>, 64> open_lock_files{};

// pthread_atfork's child handler: only close(), which may be called there.
inline void close_lock_files_in_child() noexcept {
    for (auto& slot : open_lock_files) {
        const int recorded = slot.exchange(0);
        if (recorded != 0) ::close(recorded - 1);
    }
}

// The exclusive lock writers hold on dir/lock. `wait` = false (readers cleaning up): take it
// only if it exists and is free; no lock means "do not clean". The lock file is never followed
// through a symbolic link and must be a regular file, so a hostile `lock` cannot make numrep
// create or open anything elsewhere.
// With `dir_fd`, the lock of the directory open as it (directory_handle), whatever `dir` (its
// name in messages) names by then.
class directory_lock {
public:
    directory_lock(const std::filesystem::path& dir, bool wait, int dir_fd = AT_FDCWD) {
        const std::filesystem::path path = dir / lock_name;
        const std::filesystem::path opened = dir_fd == AT_FDCWD ? path : std::filesystem::path(lock_name);
        const int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | (wait ? O_RDWR | O_CREAT : O_RDONLY);
        [[maybe_unused]] static const bool children_close_locks = ::pthread_atfork(nullptr, nullptr,
                                                                                   &close_lock_files_in_child) == 0;
        do {
            fd_ = ::openat(dir_fd, opened.c_str(), flags, 0666);
        } while (fd_ < 0 && errno == EINTR);
        if (fd_ < 0) {
            if (wait) throw_file_error(errno, path, "cannot lock the database at");
            return;
        }
        record_open();
        struct stat st{};
        if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
            close_file();
            if (wait) throw_file_error(EINVAL, path, "cannot lock the database at (not a regular file)");
            return;
        }
        // Runs a hook; closes the file if it throws (the constructor does not complete).
        const auto run_hook = [this](const auto& hook) {
            try {
                hook();
            } catch (...) {
                close_file();
                throw;
            }
        };
        // A writer first tries without waiting too, so that it can say it waits.
        bool blocking = false;
        int result = 0;
        for (;;) {
            result = ::flock(fd_, LOCK_EX | (blocking ? 0 : LOCK_NB));
            if (result == 0) break;
            if (errno == EWOULDBLOCK && wait && !blocking) {
                blocking = true;
                if (const lock_busy_hook hook = on_lock_busy.load()) run_hook([&] { hook(path); });
                continue;
            }
            if (errno != EINTR) break;
            if (const lock_wait_hook hook = on_lock_wait_interrupted.load()) run_hook(hook);
        }
        if (result != 0) {
            const int error = errno;
            close_file();
            if (wait) throw_file_error(error, path, "cannot lock the database at");
        }
    }
    ~directory_lock() { close_file(); }  // closing releases the lock
    directory_lock(const directory_lock&) = delete;
    directory_lock& operator=(const directory_lock&) = delete;
    bool held() const noexcept { return fd_ >= 0; }

private:
    void record_open() noexcept {
        owner_ = ::getpid();
        for (std::size_t i = 0; i < open_lock_files.size(); ++i) {
            // The slot is set first: a child forked between the two steps keeps its copy open
            // (as an unrecorded lock) rather than close a number the handler closed already.
            slot_ = static_cast<int>(i);
            int free = 0;
            if (open_lock_files[i].compare_exchange_strong(free, fd_ + 1)) return;
        }
        slot_ = -1;
    }
    // Closes the file, unless this object is a forked child's copy of a recorded lock: the child
    // handler closed that one, and its number may name another file by now (one the child
    // opened since, even another lock in the same slot: the slot's value cannot tell).
    void close_file() noexcept {
        if (fd_ < 0) return;
        const bool inherited = owner_ != ::getpid();
        if (slot_ >= 0 && !inherited) open_lock_files[static_cast<std::size_t>(slot_)].store(0);
        if (!(inherited && slot_ >= 0)) ::close(fd_);
        fd_ = -1;
        slot_ = -1;
    }

    int fd_ = -1;
    int slot_ = -1;      // in open_lock_files, -1: not recorded
    ::pid_t owner_ = 0;  // the process that opened the file
};

// 32 hex digits from the kernel's random source, naming a new database.
inline std::string new_database_id() {
    std::array<unsigned char, 16> bytes{};
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ::ssize_t n = ::getrandom(bytes.data() + done, bytes.size() - done, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::system_error(errno, std::generic_category(), "numrep: getrandom");
        done += static_cast<std::size_t>(n);
    }
    std::string id;
    for (const unsigned char b : bytes) id += db_manifest::hex16(b).substr(14);
    return id;
}

// ---- what a directory holds ----

inline bool is_file(const std::filesystem::path& p) {
    std::error_code error;
    return std::filesystem::is_regular_file(p, error);
}
// The first line of dir/MANIFEST if it is a regular file ("" otherwise), read by a bounded read.
inline std::string manifest_first_line(const std::filesystem::path& dir) {
    if (!is_file(dir / manifest_name)) return {};
    try {
        const file_descriptor fd(dir / manifest_name);
        std::array<char, 64> head{};
        const ::ssize_t n = ::pread(fd.get(), head.data(), head.size(), 0);
        const std::string_view text(head.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
        return std::string(text.substr(0, text.find('\n')));
    } catch (const std::exception&) {
        return {};
    }
}

// A numrep database of some format 2 or later: a MANIFEST that says so (MANIFEST alone is a
// common name: Perl and Python source trees have one).
inline bool is_v2(const std::filesystem::path& dir) {
    return manifest_first_line(dir).rfind("numrep-database ", 0) == 0;
}
// `dir` is relative to the directory open as `dir_fd`, when given ("" for that directory).
inline bool is_v1(const std::filesystem::path& dir, int dir_fd = AT_FDCWD) {
    try {
        // A FIFO or a directory named meta.txt is refused by read_small_file, without waiting.
        const std::string text = read_small_file(dir / "meta.txt", v1_meta_max_bytes, dir_fd);
        return text.substr(0, v1_meta_header.size() + 1) == std::string(v1_meta_header) + "\n";
    } catch (const std::exception&) {
        return false;
    }
}

// `rest` is "", an atomic writer's temporary suffix ".tmp-<pid>-<n>", or two of them (the
// atomic writer's file of a shard's staging file, see place_new_file).
inline bool is_temporary_suffix(std::string_view rest) {
    const auto digits = [](std::string_view d) {
        return !d.empty() && d.size() <= 20 && d.find_first_not_of("0123456789") == std::string_view::npos;
    };
    for (int suffixes = 0; suffixes <= 2; ++suffixes) {
        if (rest.empty()) return true;
        if (suffixes == 2 || rest.substr(0, 5) != ".tmp-") return false;
        rest.remove_prefix(5);
        const std::size_t dash = rest.find('-');
        if (dash == std::string_view::npos || !digits(rest.substr(0, dash))) return false;
        rest.remove_prefix(dash + 1);
        const std::size_t end = std::min(rest.find('.'), rest.size());
        if (!digits(rest.substr(0, end))) return false;
        rest.remove_prefix(end);
    }
    return false;
}

// The generation of a store file name numrep writes ("records-00000007-00000.trie", or such a
// name with a temporary suffix) → 7; 0 for any other name.
inline std::uint64_t generation_in_name(std::string_view name) {
    const bool records = name.substr(0, 8) == "records-", bloom = name.substr(0, 8) == "numbers-";
    const std::string_view extension = records ? ".trie" : ".bloom";
    if (!(records || bloom) || name.size() < 22 + extension.size() || name[16] != '-') return 0;
    const std::string_view generation = name.substr(8, 8), shard = name.substr(17, 5);
    if (generation.find_first_not_of("0123456789") != std::string_view::npos ||
        shard.find_first_not_of("0123456789") != std::string_view::npos ||
        name.substr(22, extension.size()) != extension || !is_temporary_suffix(name.substr(22 + extension.size())))
        return 0;
    std::uint64_t g = 0;
    std::from_chars(generation.data(), generation.data() + generation.size(), g);
    return g;
}

// Files a publication or a crashed one may leave: store files of any generation and the atomic
// writer's temporary files, by their exact patterns. Anything else is the user's and stays.
inline bool is_ours(std::string_view name) {
    if (name.substr(0, 8) == "MANIFEST" && name.size() > 8 && is_temporary_suffix(name.substr(8))) return true;
    return generation_in_name(name) != 0;
}

// Whether format 2 store files (records-GGGGGGGG-SSSSS.trie, numbers-...bloom, by is_ours'
// exact pattern) are in `dir`: a user's notes.trie is not numrep's.
inline bool has_store_files(const std::filesystem::path& dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (generation_in_name(entry.path().filename().string()) != 0) return true;
    return false;
}

// Why a directory whose MANIFEST is not numrep's is refused: damage when numrep's store files
// are there beside it (the MANIFEST emptied or overwritten), an unreadable MANIFEST as the
// system says, anything else a directory of something else (a source tree has MANIFEST files).
inline std::string manifest_not_numrep(const std::filesystem::path& dir) {
    const file_descriptor readable(dir / manifest_name);  // throws the open error, naming the file
    if (has_store_files(dir))
        return ": damaged numrep database: its MANIFEST does not begin with \"numrep-database \" (it is empty "
               "or was overwritten) though its store files are there";
    // Format 1's files alone: a format 1 database with someone else's MANIFEST beside it. Not
    // opened (a MANIFEST, once published, outranks format 1's files), but the way out is said.
    if (is_v1(dir))
        return ": its MANIFEST is not numrep's, and a format 1 database's files are there: remove or rename the "
               "MANIFEST to open the format 1 database";
    return ": not a numrep database (its MANIFEST is not numrep's)";
}

// A directory held open: what is read, listed and removed through it is in that one directory,
// whatever is renamed over its path meanwhile (a deployment swapping a new database in with
// renameat2's RENAME_EXCHANGE, or by replacing a symbolic link). Closed when it goes.
class directory_handle {
public:
    explicit directory_handle(const std::filesystem::path& dir) {
        const char* name = dir.empty() ? "." : dir.c_str();
        do {
            fd_ = ::open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        } while (fd_ < 0 && errno == EINTR);
#ifdef O_PATH
        // A directory that may be written and searched but not listed (-wx): saving into it needs
        // no more (it names every file it touches), so the handle needs no more either; it then
        // lists nothing (names() is empty), and only the cleanup is skipped, as before handles.
        if (fd_ < 0 && errno == EACCES) {
            do {
                fd_ = ::open(name, O_PATH | O_DIRECTORY | O_CLOEXEC);
            } while (fd_ < 0 && errno == EINTR);
        }
#endif
    }
    ~directory_handle() {
        if (fd_ >= 0) ::close(fd_);
    }
    directory_handle(const directory_handle&) = delete;
    directory_handle& operator=(const directory_handle&) = delete;
    bool is_open() const noexcept { return fd_ >= 0; }
    int get() const noexcept { return fd_; }
    // The names of its entries ("." and ".." left out); empty when it cannot be listed.
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        const int listing = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);  // closedir closes its own descriptor
        if (listing < 0) return out;
        const std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(listing), ::closedir);
        if (d == nullptr) {
            ::close(listing);
            return out;
        }
        ::rewinddir(d.get());
        while (const ::dirent* entry = ::readdir(d.get())) {
            const std::string_view name = entry->d_name;
            if (name != "." && name != "..") out.emplace_back(name);
        }
        return out;
    }
    void remove(const std::string& name) const noexcept { ::unlinkat(fd_, name.c_str(), 0); }  // gone is fine
    // Whether `path` names this directory still (not another renamed over it since).
    bool is_at(const std::filesystem::path& path) const noexcept {
        struct stat here{}, there{};
        return ::fstat(fd_, &here) == 0 && ::stat(path.empty() ? "." : path.c_str(), &there) == 0 &&
               here.st_dev == there.st_dev && here.st_ino == there.st_ino;
    }

private:
    int fd_ = -1;
};

// Format 1's files, removed once a format 2 manifest is published in their directory (an
// upgrade); only when meta.txt is format 1's, so a user's meta.txt stays.
inline void remove_format_1_files(const directory_handle& dir, bool upgraded) {
    if (!upgraded) return;
    for (const char* name : {"records.trie", "numbers.bloom", "meta.txt"}) {
        fault_point(std::string("removing ") + name);
        dir.remove(name);
    }
}

// A directory holding nothing, or only what a crashed first save left (no MANIFEST yet).
inline bool holds_only_ours(const std::filesystem::path& dir) {
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error)) return false;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
        const std::string name = entry.path().filename().string();
        if (!(name == lock_name || is_ours(name))) return false;
    }
    return !error;
}

// Saving may replace an empty directory or a database, nothing else. A database is a directory:
// an empty path, or a file (even an empty one) in its place, is named as such.
inline void check_replaceable(const std::filesystem::path& dir) {
    if (dir.empty()) throw_invalid_argument("cannot save a database to an empty path: name a directory");
    std::error_code error;
    const auto status = std::filesystem::status(dir, error);
    if (!std::filesystem::exists(status)) return;
    if (!std::filesystem::is_directory(status))
        throw_invalid_argument("will not replace " + dir.string() +
                               ": it is a file, not a directory (a database is saved as a directory)");
    if (!(is_v2(dir) || is_v1(dir) || holds_only_ours(dir)))
        throw_invalid_argument("will not replace " + dir.string() +
                               ": it exists and is neither empty nor a numrep database (no MANIFEST or meta.txt)");
}

// Removes our files that `keep` does not name. The caller holds the directory lock.
inline void remove_unpublished(const directory_handle& dir, const db_manifest::manifest& keep) {
    std::vector<std::string> named;
    for (const auto& s : keep.shards) {
        named.push_back(s.records.name);
        named.push_back(s.bloom.name);
    }
    std::vector<std::string> doomed;
    for (std::string& name : dir.names())
        if (is_ours(name) && std::find(named.begin(), named.end(), name) == named.end())
            doomed.push_back(std::move(name));
    std::sort(doomed.begin(), doomed.end());
    for (const std::string& name : doomed) {
        fault_point("removing " + name);
        dir.remove(name);
    }
}

// A crashed writer's leftovers in the format 2 database at `dir`, removed when no writer is at
// work there (then they are its): files of ours its MANIFEST does not name, and an upgrade's
// format 1 files. The lock, the MANIFEST, the listing and the removals all go through one handle
// of the directory: read by its path at each step, the MANIFEST of one database and the listing
// of another, swapped in under the path meanwhile, removed every store of the other. A courtesy:
// whatever fails leaves files that the next save removes.
inline void remove_leftovers(const std::filesystem::path& dir) noexcept {
    try {
        const directory_handle handle(dir);
        if (!handle.is_open()) return;
        const directory_lock lock(dir, false, handle.get());
        if (!lock.held()) return;
        fault_point("cleaning");
        const std::string text = read_small_file(manifest_name, db_manifest::max_bytes, handle.get());
        const db_manifest::manifest keep = db_manifest::parse_manifest(text, (dir / manifest_name).string());
        fault_point("manifest read for cleaning");
        remove_unpublished(handle, keep);
        remove_format_1_files(handle, is_v1("", handle.get()));
    } catch (const std::exception&) {
    }
}

// ---- format 2 ----

// The checksum a store file's header holds (see file_format.hpp), read without mapping it.
inline std::uint64_t store_header_checksum(const std::filesystem::path& path) {
    const file_descriptor fd(path);
    std::array<std::byte, 16> head{};
    std::size_t done = 0;
    while (done < head.size()) {
        const ::ssize_t n = ::pread(fd.get(), head.data() + done, head.size() - done, static_cast<::off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_file_error(errno, path, "cannot read");
        if (n == 0) throw_format_error(path.string() + ": shorter than a store header");
        done += static_cast<std::size_t>(n);
    }
    return load_le<std::uint64_t>(head.data() + header_offset::header_checksum);
}

inline db_manifest::file_entry describe_file(const std::filesystem::path& dir, std::string name) {
    db_manifest::file_entry f;
    f.size = std::filesystem::file_size(dir / name);
    f.checksum = store_header_checksum(dir / name);
    f.name = std::move(name);
    return f;
}

// Whether a shard's two files are in `dir` with the sizes and header checksums `entry` gives,
// and headers that check (a save keeps such a shard's files instead of writing them again; the
// payload is checked against the header when the database is next opened).
inline bool files_intact(const std::filesystem::path& dir, const db_manifest::shard_entry& entry) {
    try {
        if (describe_file(dir, entry.records.name) != entry.records ||
            describe_file(dir, entry.bloom.name) != entry.bloom)
            return false;
        (void)trie_store<number_record>::open(dir / entry.records.name, verify::header);
        (void)bloom_filter<>::open(dir / entry.bloom.name, verify::header);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

inline db_manifest::manifest read_manifest(const std::filesystem::path& dir) {
    const std::filesystem::path path = dir / manifest_name;
    return db_manifest::parse_manifest(read_small_file(path, db_manifest::max_bytes), path.string());
}

// What a publication needs besides the stores.
struct settings {
    reputation_config config;
    region default_region = numrep::default_region;
    double bloom_fpr = 0.001;
};

// Whether two store files hold the same store: the same size and the same payload checksum in
// their headers (64-bit XXH3 of every byte after the header; false when either cannot be read).
inline bool same_store_file(const std::filesystem::path& a, const std::filesystem::path& b) noexcept {
    try {
        return std::filesystem::file_size(a) == std::filesystem::file_size(b) &&
               store_header_checksum(a) == store_header_checksum(b);
    } catch (const std::exception&) {
        return false;
    }
}

// Saves a new file at `path` with save(staging path), then gives it its name only if no file has
// it (a file there holding the same store is kept as it is): a worker of an abandoned publication
// still running can then never replace a file that a later publication of the same generation
// wrote (it fails instead). The staging name is a temporary one (removed by cleanup if a crash
// leaves it); link() refuses an existing name.
template <class Save>
void place_new_file(const std::filesystem::path& path, Save save) {
    static std::atomic<unsigned> counter{0};
    std::filesystem::path staging = path;
    staging += ".tmp-" + std::to_string(::getpid()) + "-" +
               std::to_string(1000000 + counter.fetch_add(1, std::memory_order_relaxed));
    save(staging);
    if (::link(staging.c_str(), path.c_str()) != 0) {
        const int error = errno;
        std::error_code ignored;
        if (error == EEXIST) {
            // A task run again writes the same store again (Dask re-runs a shard's write when the
            // worker that ran it is lost, and the merge is in partition order): the file there is
            // this one, kept, where refusing it failed every such build. Another is refused.
            const bool same = same_store_file(path, staging);
            std::filesystem::remove(staging, ignored);
            if (!same)
                throw_invalid_argument(path.string() +
                                       ": already written by another publication (a worker of an abandoned build?); "
                                       "not replaced");
            if (!fsync_directory(path.parent_path()))
                throw_file_error(EIO, path.parent_path(), "cannot flush the directory");
            return;
        }
        // A file system without hard links: rename, having checked the name is free (or holds
        // this file already, as above).
        if (std::filesystem::exists(path, ignored)) {
            const bool same = same_store_file(path, staging);
            std::filesystem::remove(staging, ignored);
            if (!same) throw_invalid_argument(path.string() + ": already written by another publication; not replaced");
            if (!fsync_directory(path.parent_path()))
                throw_file_error(EIO, path.parent_path(), "cannot flush the directory");
            return;
        }
        if (::rename(staging.c_str(), path.c_str()) != 0) throw_file_error(errno, path, "cannot name");
    } else {
        ::unlink(staging.c_str());
    }
    if (!fsync_directory(path.parent_path())) throw_file_error(EIO, path.parent_path(), "cannot flush the directory");
}

// Writes the stores of shard `index` (keys first_key..last_key) under generation `generation`'s
// names: each a temporary file, fsynced, renamed, the directory fsynced. Needs no lock, so that
// other processes (Dask workers) can write the shards of a publication a client holds open.
inline db_manifest::shard_entry write_shard(const std::filesystem::path& dir, std::uint64_t generation,
                                            std::size_t index, std::uint64_t first_key, std::uint64_t last_key,
                                            const trie_store<number_record>& records, const bloom_filter<>& bloom) {
    if (generation == 0 || generation > db_manifest::max_generation || index >= db_manifest::max_shards ||
        last_key < first_key)
        throw_invalid_argument("write_shard: generation " + std::to_string(generation) + ", shard " +
                               std::to_string(index) + " or key range " + std::to_string(first_key) + "-" +
                               std::to_string(last_key) + " out of range");
    db_manifest::shard_entry shard;
    shard.first_key = first_key;
    shard.last_key = last_key;
    shard.numbers = records.size();
    const std::string records_file = db_manifest::records_name(generation, index);
    const std::string bloom_file = db_manifest::bloom_name(generation, index);
    place_new_file(dir / records_file, [&](const std::filesystem::path& p) { records.save(p); });
    fault_point("records written");
    place_new_file(dir / bloom_file, [&](const std::filesystem::path& p) { bloom.save(p); });
    fault_point("bloom written");
    shard.records = describe_file(dir, records_file);
    shard.bloom = describe_file(dir, bloom_file);
    return shard;
}

// One publication of a directory's next generation: construction takes the writers' lock and
// picks the generation; shards are written (write_shard, here or in other processes) or kept
// from the published state; commit() checks every named file and publishes the manifest with one
// atomic rename. Until then the previous state stays published, whole; a publication dropped
// without commit leaves files the next save or open removes.
class publication {
public:
    publication(const std::filesystem::path& dir, const settings& s) : dir_(dir) {
        check_replaceable(dir);
        std::error_code error;
        if (!std::filesystem::is_directory(dir, error)) {
            // Named as the other file errors are ("filesystem error: cannot create directories:
            // Not a directory [a/b]" was the library's own words, without numrep's).
            std::filesystem::create_directories(dir, error);
            if (error) throw_file_error(error.value(), dir, "cannot create the database directory");
            fsync_directory(dir.parent_path());  // the new directory's name survives a power loss
        }
        // The lock of the directory held open: the one the cleanup after commit works in.
        handle_.emplace(dir);
        if (!handle_->is_open()) throw_file_error(errno, dir, "cannot open the database directory");
        lock_.emplace(dir, true, handle_->get());
        check_replaceable(dir);  // again, now that no other writer can change it
        if (const std::string first = manifest_first_line(dir); !first.empty() && first != db_manifest::header)
            throw_invalid_argument("will not replace " + dir.string() + ": its MANIFEST starts with " + quote(first) +
                                   ", a format this numrep does not know (written by a newer numrep?)");
        upgrading_ = is_v1(dir);  // format 1's files go once format 2 is published
        next_.config = s.config;
        next_.default_region = s.default_region;
        next_.bloom_fpr = s.bloom_fpr;
        if (const std::string why = db_manifest::settings_problem(next_); !why.empty()) throw_invalid_argument(why);
        // The next generation is beyond every name in the directory, published or left by a crash.
        std::uint64_t newest = 0;
        try {
            if (is_v2(dir)) published_ = read_manifest(dir);
        } catch (const format_error&) {
            // A damaged manifest is replaced by this publication; its id and generation are lost.
        }
        if (published_) newest = published_->generation;
        std::string newest_leftover;  // the file past the published generation that set `newest`, if any
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            const std::string name = entry.path().filename().string();
            if (const std::uint64_t g = generation_in_name(name); g > newest) {
                newest = g;
                newest_leftover = name;
            }
        }
        if (newest >= db_manifest::max_generation) {
            // A leftover (a crash's, or a stray file) is no reason to give the directory up.
            if (!newest_leftover.empty())
                throw_invalid_argument(dir.string() + ": the file " + newest_leftover +
                                       ", which no MANIFEST names, has generation " + std::to_string(newest) +
                                       ", the last: remove it (opening the database removes "
                                       "such leftovers) or save to a new directory");
            throw_invalid_argument(dir.string() + ": generation " + std::to_string(newest) +
                                   " is the last; save to a new directory");
        }
        next_.generation = newest + 1;
        next_.database_id = published_ ? published_->database_id : new_database_id();
        fault_point("locked");
    }

    const std::filesystem::path& directory() const noexcept { return dir_; }
    std::uint64_t generation() const noexcept { return next_.generation; }
    const std::string& database_id() const noexcept { return next_.database_id; }
    // The manifest published when this publication began (none for a new or format 1 directory).
    const std::optional<db_manifest::manifest>& published() const noexcept { return published_; }

    db_manifest::shard_entry write_shard(std::size_t index, std::uint64_t first_key, std::uint64_t last_key,
                                         const trie_store<number_record>& records, const bloom_filter<>& bloom) const {
        return db_directory::write_shard(dir_, next_.generation, index, first_key, last_key, records, bloom);
    }

    // Publishes `shards` (in key order, covering every key). Each named file must be in the
    // directory with the size and header checksum its entry states: a shard written by another
    // process, or kept from the published state, is checked like one written here.
    void commit(std::vector<db_manifest::shard_entry> shards) {
        if (committed_) throw_invalid_argument(dir_.string() + ": this publication was already committed");
        next_.shards = std::move(shards);
        const std::string text = db_manifest::format_manifest(next_);
        try {
            db_manifest::parse_manifest(text, (dir_ / manifest_name).string());  // ranges, names, generations
        } catch (const format_error& e) {
            throw_invalid_argument(std::string("cannot publish: ") + e.what());
        }
        for (const auto& shard : next_.shards)
            for (const db_manifest::file_entry* f : {&shard.records, &shard.bloom})
                if (describe_file(dir_, f->name) != *f)
                    throw_invalid_argument("cannot publish " + (dir_ / f->name).string() +
                                           ": its size or checksum is not the one its shard entry states");
        atomic_file_writer out(dir_ / manifest_name);
        out.write(std::as_bytes(std::span(text.data(), text.size())));
        fault_point("manifest written");
        out.commit();  // fsync, the publishing rename, fsync of the directory
        committed_ = true;
        fault_point("published");
        // Older files go only once the rename is surely on disk: otherwise a power loss could
        // bring back the previous manifest with its files deleted. The next save or open removes them.
        if (!fsync_directory(dir_)) return;
        // In the directory this publication locked, and only while the path names it: another
        // database swapped in under the path is not this one's to clean (its stores went).
        if (!handle_->is_at(dir_)) return;
        remove_unpublished(*handle_, next_);
        remove_format_1_files(*handle_, upgrading_);
        fault_point("cleaned");
    }

private:
    std::filesystem::path dir_;
    std::optional<directory_handle> handle_;  // declared before the lock: closed after it
    std::optional<directory_lock> lock_;
    std::optional<db_manifest::manifest> published_;
    db_manifest::manifest next_;
    bool upgrading_ = false;
    bool committed_ = false;
};

// Publishes one shard holding every key as the directory's next generation.
inline void write(const std::filesystem::path& dir, const trie_store<number_record>& records,
                  const bloom_filter<>& bloom, const settings& s) {
    publication p(dir, s);
    p.commit({p.write_shard(0, 0, std::numeric_limits<std::uint64_t>::max(), records, bloom)});
}

// ---- format 1 (read only) ----

inline reputation_config read_v1_meta(const std::filesystem::path& path) {
    const std::string text = read_small_file(path, v1_meta_max_bytes);
    const auto bad = [&](const std::string& why) { throw_format_error(path.string() + ": " + why); };
    std::size_t at = 0;
    const auto next_line = [&](std::string_view& line) {
        if (at >= text.size()) return false;
        const std::size_t end = std::min(text.find('\n', at), text.size());
        line = std::string_view(text).substr(at, end - at);
        at = end + 1;
        return true;
    };
    std::string_view line;
    if (!next_line(line) || line != v1_meta_header)
        bad("not a numrep database header (expected \"numrep-reputation 1\")");
    // A decimal number, nothing before or after it (no spaces, no hex, no "nan").
    const auto number = [&](const std::string& name, std::string_view value) {
        double v = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), v,
                                                  std::chars_format::general);
        if (error != std::errc{} || end != value.data() + value.size() || !std::isfinite(v))
            bad(name + ": " + quote(value) + " is not a finite decimal number");
        return v;
    };
    reputation_config c;
    const std::array<std::string_view, 6> names{"half_life_days",   "quiet_days",        "delist_min_votes",
                                                "suspicious_score", "likely_scam_score", "category_weights"};
    std::array<bool, 6> seen{};
    while (next_line(line)) {
        if (line.empty()) continue;
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) bad("malformed line " + quote(line));
        const std::string name(line.substr(0, eq));
        const std::string_view value = line.substr(eq + 1);
        const auto which = std::find(names.begin(), names.end(), name);
        if (which == names.end()) bad("unknown setting " + quote(name));
        const auto index = static_cast<std::size_t>(which - names.begin());
        if (seen[index]) bad("setting " + quote(name) + " given twice");
        seen[index] = true;
        if (name == "half_life_days") c.half_life_days = number(name, value);
        else if (name == "quiet_days")
            c.quiet_days = number(name, value);
        else if (name == "delist_min_votes") {
            const double v = number(name, value);
            if (v < 0 || v > 1e9 || v != std::floor(v)) bad("delist_min_votes must be a whole number from 0 to 10^9");
            c.delist_min_votes = static_cast<std::uint32_t>(v);
        } else if (name == "suspicious_score")
            c.suspicious_score = number(name, value);
        else if (name == "likely_scam_score")
            c.likely_scam_score = number(name, value);
        else {
            std::size_t i = 0, start = 0;
            while (start <= value.size()) {
                const std::size_t comma = std::min(value.find(',', start), value.size());
                if (i >= c.category_weights.size()) bad("too many category weights");
                c.category_weights[i++] = number("category weight", value.substr(start, comma - start));
                start = comma + 1;
            }
            if (i != c.category_weights.size())
                bad("expected " + std::to_string(c.category_weights.size()) + " category weights");
        }
    }
    for (std::size_t i = 0; i < names.size(); ++i)
        if (!seen[i]) bad("setting \"" + std::string(names[i]) + "\" missing");
    if (const std::string why = c.problem(); !why.empty()) bad("settings out of range: " + why);
    return c;
}

// ---- opening ----

// A filter of one block and no keys, made without the sizing search (which costs about a
// millisecond): the placeholder before a store is opened, and the filter of an empty snapshot.
inline bloom_filter<> empty_bloom() { return bloom_filter<>(bloom_sizing{1, 512, 1, 0.0}); }

struct shard {
    std::uint64_t first_key = 0;
    std::uint64_t last_key = 0;
    trie_store<number_record> records;
    bloom_filter<> bloom = empty_bloom();
    std::optional<db_manifest::shard_entry> entry;  // the manifest's entry (format 2)
};

struct contents {
    int format = 2;
    std::string database_id;  // "" for format 1
    std::uint64_t generation = 0;
    settings saved;
    std::vector<shard> shards;
};

// The stores of one shard, each bound to the manifest by its size and header checksum, so that
// a store of another database (or another generation) is refused, naming the file.
inline shard open_shard(const std::filesystem::path& dir, const db_manifest::shard_entry& entry, verify check) {
    // open_alone(path) opens the store by its own header: a store damaged in itself (truncated,
    // extended, its header hit) is refused for that, before it is called another database's.
    const auto bound = [&](const db_manifest::file_entry& f, const auto& open_alone) {
        const std::filesystem::path path = dir / f.name;
        // A directory, FIFO, socket or device in a store's place: named as such (file_size's own
        // reason was "Operation not supported", after the manifest's name). A missing file goes
        // on to file_size's ENOENT, which read_published tells from a writer's publication.
        std::error_code error;
        const auto type = std::filesystem::status(path, error).type();
        if (!error && type != std::filesystem::file_type::regular)
            throw_format_error(path.string() +
                               ": not a regular file (a directory, a FIFO, a socket or a device), "
                               "where the manifest names a store of this database");
        const std::uint64_t size = std::filesystem::file_size(path);
        if (size != f.size || store_header_checksum(path) != f.checksum) {
            open_alone(path);
            throw_format_error(path.string() + ": does not belong to this database (the manifest names a file of " +
                               std::to_string(f.size) + " bytes with checksum " + db_manifest::hex16(f.checksum) + ")");
        }
        return path;
    };
    const auto records_alone = [](const std::filesystem::path& p) {
        (void)trie_store<number_record>::open(p, verify::header);
    };
    const auto bloom_alone = [](const std::filesystem::path& p) { (void)bloom_filter<>::open(p, verify::header); };
    shard s;
    s.first_key = entry.first_key;
    s.last_key = entry.last_key;
    s.entry = entry;
    s.records = trie_store<number_record>::open(bound(entry.records, records_alone), check);
    s.bloom = bloom_filter<>::open(bound(entry.bloom, bloom_alone), check);
    const auto records_path = (dir / entry.records.name).string();
    if (s.records.size() != entry.numbers)
        throw_format_error(records_path + ": holds " + std::to_string(s.records.size()) +
                           " numbers, the manifest says " + std::to_string(entry.numbers));
    if (s.records.size() > 0) {
        const std::uint64_t first = s.records.select(0).value_or(0);
        const std::uint64_t last = s.records.select(s.records.size() - 1).value_or(0);
        if (first < entry.first_key || last > entry.last_key)
            throw_format_error(records_path + ": holds keys outside its shard's range");
        if (!s.bloom.contains(first) || !s.bloom.contains(last))
            throw_format_error((dir / entry.bloom.name).string() + ": does not hold the numbers of " + records_path);
    }
    return s;
}

// Whether a system error says that this process may not read a file or directory that is there
// (permissions, its open-file or memory limits, the device), not that the database is damaged:
// those stay system errors (Python: PermissionError and the other OSErrors), apart from a
// FormatError, so that a caller can tell "cannot access" from "corrupt".
inline bool cannot_access(std::error_code e) noexcept {
    return e == std::errc::permission_denied || e == std::errc::operation_not_permitted ||
           e == std::errc::too_many_files_open || e == std::errc::too_many_files_open_in_system ||
           e == std::errc::io_error || e == std::errc::not_enough_memory;
}

// A database directory that cannot be followed or searched: the system's reason, as a system
// error when it is one of access (cannot_access), else a format error (a symbolic link loop).
[[noreturn]] inline void throw_unreadable_directory(const std::filesystem::path& dir, std::error_code error) {
    if (cannot_access(error)) throw std::system_error(error, "numrep: " + dir.string() + ": cannot be read");
    throw_format_error(dir.string() + ": cannot be read: " + error.message());
}

// Most publications a reader of a database directory waits out (read_published).
inline constexpr int most_publications_while_reading = 1000;

// Reads what a manifest names while a writer may publish meanwhile: `read_manifest_now()` gives
// the manifest, `read_named(m)` what it names, throwing std::system_error ENOENT for a file the
// writer removed after publishing. Then the manifest is read again, as often as a newer
// publication is why (five tries were too few beside a writer saving in a loop, and called a
// healthy database damaged); past most_publications_while_reading of them the writer never lets
// a reader through, which is not damage either, and the error says so. A file gone without a
// new publication is damage: a format error naming the manifest.
template <class ReadManifest, class ReadNamed>
auto read_published(const std::filesystem::path& dir, ReadManifest&& read_manifest_now, ReadNamed&& read_named) {
    for (int attempt = 0;; ++attempt) {
        const db_manifest::manifest m = read_manifest_now();
        try {
            return read_named(m);
        } catch (const std::system_error& e) {
            const bool replaced = e.code() == std::errc::no_such_file_or_directory && [&] {
                try {
                    return read_manifest_now().generation != m.generation;
                } catch (const std::exception&) {
                    return false;
                }
            }();
            if (replaced && attempt < most_publications_while_reading) continue;
            if (replaced)
                throw_runtime_error(dir.string() + ": a writer published " +
                                    std::to_string(most_publications_while_reading) +
                                    " times while the database was being opened, each time removing files just "
                                    "read: open it again when the writer is done");
            // The file is there but this process may not read it (permissions, its limits, the
            // device): the system's error as it is (Python: PermissionError, an OSError), which
            // names the file; a damaged database is a FormatError.
            if (cannot_access(e.code())) throw;
            throw_format_error((dir / manifest_name).string() + ": names a file that cannot be opened: " + e.what());
        }
    }
}

inline contents read_v2(const std::filesystem::path& dir, verify check) {
    return read_published(
        dir, [&] { return read_manifest(dir); },
        [&](const db_manifest::manifest& m) {
            contents c;
            c.database_id = m.database_id;
            c.generation = m.generation;
            c.saved = {m.config, m.default_region, m.bloom_fpr};
            for (const auto& entry : m.shards) c.shards.push_back(open_shard(dir, entry, check));
            return c;
        });
}

inline contents read_v1(const std::filesystem::path& dir, verify check) {
    fault_point("reading format 1");
    for (const char* name : {"records.trie", "numbers.bloom"})
        if (!is_file(dir / name))
            throw_format_error((dir / name).string() + ": missing (not a complete numrep database)");
    contents c;
    c.format = 1;
    c.saved.config = read_v1_meta(dir / "meta.txt");
    shard s;
    s.last_key = std::numeric_limits<std::uint64_t>::max();
    s.records = trie_store<number_record>::open(dir / "records.trie", check);
    s.bloom = bloom_filter<>::open(dir / "numbers.bloom", check);
    // Format 1 binds its two files by nothing but their names: another copy's filter (an older
    // one, restored from a backup) opened and hid the numbers reported since. A full check asks
    // the filter for every number of the trie, as it asks the checksums for every byte.
    std::uint64_t absent = 0;
    if (check == verify::full)
        s.records.for_each(0, [&](std::uint64_t key) {
            absent += s.bloom.contains(key) ? 0U : 1U;
            return true;
        });
    else if (s.records.size() > 0 && !s.bloom.contains(s.records.select(0).value_or(0)))
        absent = 1;
    if (absent != 0)
        throw_format_error((dir / "numbers.bloom").string() + ": does not belong to records.trie (it lacks " +
                           std::to_string(absent) + " of its numbers)");
    c.shards.push_back(std::move(s));
    return c;
}

// Format 1, or format 2 when an upgrade in place published it while format 1's files were being
// read (they go once it is published): a reader that found one gone said "cannot open
// records.trie", as if the database were damaged; it reads the new manifest instead, as format
// 2's readers do when a writer publishes meanwhile.
inline contents read_v1_or_upgraded(const std::filesystem::path& dir, verify check) {
    try {
        return read_v1(dir, check);
    } catch (const std::exception&) {
        if (!is_v2(dir)) throw;
    }
    return read_v2(dir, check);
}

// One store file of a published state, for reports such as `numrep build`'s and `numrep stats`'.
struct store_file_size {
    std::string name;
    std::uint64_t bytes = 0;
    std::optional<std::uint64_t> numbers;  // its shard's, as the manifest says (format 1 has no count)
};

// The store files of the directory's published state: the manifest's (records then Bloom filter
// per shard), or format 1's two.
inline std::vector<store_file_size> store_files(const std::filesystem::path& dir) {
    std::vector<store_file_size> files;
    if (is_v2(dir)) {
        for (const auto& s : read_manifest(dir).shards) {
            files.push_back({s.records.name, s.records.size, s.numbers});
            files.push_back({s.bloom.name, s.bloom.size, s.numbers});
        }
    } else {
        for (const char* name : {"records.trie", "numbers.bloom"})
            files.push_back({name, std::filesystem::file_size(dir / name), std::nullopt});
    }
    return files;
}

// Opens a saved database (stores memory-mapped): the last published state, whatever crash came
// before. format_error naming the file and the problem for a damaged or foreign directory.
inline contents read(const std::filesystem::path& dir, verify check = verify::full) {
    std::error_code error;
    if (!std::filesystem::exists(dir, error)) {
        // Format 1's save renamed the old database to DB.tmp-old before moving the new one in;
        // a crash between the two left it there. It is the last published state: put it back.
        const std::filesystem::path old = sibling(dir, ".tmp-old");
        if (is_v1(old)) std::filesystem::rename(old, dir, error);
    }
    if (!std::filesystem::exists(dir, error)) {
        // Not "no such directory" when the path cannot be followed (a symbolic link loop, no
        // permission): the system's reason.
        if (error && error != std::errc::no_such_file_or_directory) throw_unreadable_directory(dir, error);
        // The stores say ENOENT for this; so does a database (Python: FileNotFoundError, which
        // `except FileNotFoundError` expects, not the FormatError of a damaged directory).
        // (what() appends ": No such file or directory".)
        throw std::system_error(ENOENT, std::generic_category(),
                                "numrep: " + dir.string() + " (a numrep database is a directory with a MANIFEST)");
    }
    if (!std::filesystem::is_directory(dir, error))
        throw_format_error(dir.string() + ": not a numrep database (expected a directory with a MANIFEST)");
    contents c;
    // Any MANIFEST entry settles the format: once one is published, format 1's files may be an
    // upgrade's leftovers (a crash before their removal), so a MANIFEST damaged afterwards must
    // not let them open in its place (they are an older state).
    const auto manifest_type = std::filesystem::symlink_status(dir / manifest_name, error).type();
    // A directory that cannot be searched (no x permission) hides its MANIFEST: the system's
    // reason, not "no MANIFEST".
    if (error && error != std::errc::no_such_file_or_directory) throw_unreadable_directory(dir, error);
    const bool has_manifest = manifest_type != std::filesystem::file_type::not_found &&
                              manifest_type != std::filesystem::file_type::none;
    if (is_v2(dir)) c = read_v2(dir, check);
    else if (has_manifest && !is_file(dir / manifest_name))  // not opened: a FIFO would block
        throw_format_error((dir / manifest_name).string() +
                           ": not a regular file (a directory, a device or a link to nothing): the database "
                           "cannot be read");
    else if (has_manifest)
        throw_format_error(dir.string() + manifest_not_numrep(dir));
    else if (is_file(dir / "meta.txt"))
        c = read_v1_or_upgraded(dir, check);
    else if (has_store_files(dir))
        // A first save that never published, or a MANIFEST lost: the files cannot say which, and
        // without the MANIFEST nothing binds them together.
        throw_format_error(dir.string() +
                           ": not a numrep database that can be opened: no MANIFEST, though numrep store files are "
                           "there (a save that never finished, or a MANIFEST that was lost)");
    else
        throw_format_error(dir.string() + ": not a numrep database (no MANIFEST: nothing was published here)");
    if (c.format == 2) remove_leftovers(dir);
    return c;
}

}  // namespace numrep::detail::db_directory
