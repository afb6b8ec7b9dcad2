// The file format every numrep store shares: a checksummed, self-describing header and 64-byte
// aligned sections, validated field by field before any offset is used. Layout, canonical
// section placement and versioning: docs/file-format.md.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store_file.hpp"
#include "file_error.hpp"
#include "hash.hpp"
#include "mapped_file.hpp"
#include "throw.hpp"

namespace numrep {

namespace detail {

inline constexpr std::array<std::byte, 8> file_magic{std::byte{0x89}, std::byte{'N'}, std::byte{'U'}, std::byte{'M'},
                                                     std::byte{'R'},  std::byte{'E'}, std::byte{'P'}, std::byte{'\n'}};
inline constexpr std::uint32_t file_format_version = 1;
inline constexpr std::size_t file_alignment = 64;
inline constexpr std::size_t file_fixed_header_size = 128;
inline constexpr std::size_t file_section_entry_size = 16;
inline constexpr std::size_t file_max_sections = 16;
inline constexpr std::size_t file_param_count = 8;
// Largest header of any version (one page), so that checking a header never reads more.
inline constexpr std::size_t file_max_header_size = 4096;

namespace header_offset {
inline constexpr std::size_t magic = 0;
inline constexpr std::size_t header_checksum = 8;
inline constexpr std::size_t checked_from = 16;  // the header checksum covers [16, header size)
inline constexpr std::size_t version = 16;
inline constexpr std::size_t kind = 20;
inline constexpr std::size_t header_size = 24;
inline constexpr std::size_t section_count = 28;
inline constexpr std::size_t file_size = 32;
inline constexpr std::size_t hash_seed = 40;
inline constexpr std::size_t payload_checksum = 48;
inline constexpr std::size_t reserved = 56;
inline constexpr std::size_t params = 64;
inline constexpr std::size_t sections = 128;
}  // namespace header_offset

constexpr std::size_t round_up_64(std::size_t n) noexcept { return (n + (file_alignment - 1)) & ~(file_alignment - 1); }

constexpr std::size_t file_header_size(std::size_t section_count) noexcept {
    return round_up_64(file_fixed_header_size + file_section_entry_size * section_count);
}

template <class T>
constexpr T byteswap_if_big_endian(T v) noexcept {
    if constexpr (std::endian::native == std::endian::big) {
        T r = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            r = static_cast<T>((r << 8) | ((v >> (8 * i)) & 0xFF));
        }
        return r;
    } else {
        return v;
    }
}

template <class T>
inline T load_le(const std::byte* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof v);
    return byteswap_if_big_endian(v);
}

template <class T>
inline void store_le(std::byte* p, T v) noexcept {
    v = byteswap_if_big_endian(v);
    std::memcpy(p, &v, sizeof v);
}

// What a store puts in its header besides its sections.
struct store_description {
    store_kind kind = store_kind::bloom_filter;
    std::uint64_t hash_seed = 0;
    std::array<std::uint64_t, file_param_count> params{};
};

// A validated file: the header fields and views of the sections into the caller's bytes.
struct store_view {
    store_description description;
    std::vector<std::span<const std::byte>> sections;
};

// How a writer may read the section bytes it is given.
enum class section_access : std::uint8_t {
    // Plain reads: nothing writes to the sections while the store is written.
    plain,
    // Each section is an array of 8-byte-aligned 64-bit words that other threads may update
    // with atomic operations meanwhile (a bloom_filter in insert_mode::concurrent): words are
    // read with relaxed atomic loads, once each, so the checksum covers exactly the bytes
    // written. The memory must not really be const (std::atomic_ref needs a mutable object).
    atomic_words,
};

// Section offsets of the canonical layout for these section sizes, and the file size.
struct file_layout {
    std::vector<std::uint64_t> offsets;
    std::vector<std::uint64_t> sizes;
    std::uint64_t header_size = 0;
    std::uint64_t file_size = 0;

    // Zero bytes between the end of section i and the start of the next (or the file end).
    std::size_t padding_after(std::size_t i) const noexcept {
        const std::uint64_t next = i + 1 < offsets.size() ? offsets[i + 1] : file_size;
        return static_cast<std::size_t>(next - offsets[i] - sizes[i]);
    }
};

inline file_layout plan_layout(std::span<const std::span<const std::byte>> sections) {
    if (sections.empty() || sections.size() > file_max_sections) {
        throw_invalid_argument("a store file holds 1 to " + std::to_string(file_max_sections) + " sections, not " +
                               std::to_string(sections.size()));
    }
    file_layout layout;
    layout.offsets.reserve(sections.size());
    layout.sizes.reserve(sections.size());
    layout.header_size = file_header_size(sections.size());
    std::uint64_t at = layout.header_size;
    for (const auto& s : sections) {
        layout.offsets.push_back(at);
        layout.sizes.push_back(s.size());
        at = round_up_64(static_cast<std::size_t>(at) + s.size());
    }
    layout.file_size = at;
    return layout;
}

// Writes the header of a file with this layout into `header` (layout.header_size bytes, which
// must be zero beyond the fields: the header padding).
inline void write_header(std::span<std::byte> header, const store_description& description, const file_layout& layout,
                         std::uint64_t payload_checksum) noexcept {
    namespace at = header_offset;
    std::byte* h = header.data();
    std::memcpy(h + at::magic, file_magic.data(), file_magic.size());
    store_le<std::uint32_t>(h + at::version, file_format_version);
    store_le<std::uint32_t>(h + at::kind, static_cast<std::uint32_t>(description.kind));
    store_le<std::uint32_t>(h + at::header_size, static_cast<std::uint32_t>(layout.header_size));
    store_le<std::uint32_t>(h + at::section_count, static_cast<std::uint32_t>(layout.offsets.size()));
    store_le<std::uint64_t>(h + at::file_size, layout.file_size);
    store_le<std::uint64_t>(h + at::hash_seed, description.hash_seed);
    store_le<std::uint64_t>(h + at::payload_checksum, payload_checksum);
    for (std::size_t i = 0; i < file_param_count; ++i) {
        store_le<std::uint64_t>(h + at::params + 8 * i, description.params[i]);
    }
    for (std::size_t i = 0; i < layout.offsets.size(); ++i) {
        store_le<std::uint64_t>(h + at::sections + 16 * i, layout.offsets[i]);
        store_le<std::uint64_t>(h + at::sections + 16 * i + 8, layout.sizes[i]);
    }
    store_le<std::uint64_t>(h + at::header_checksum,
                            xxh3_bytes(
                                header.first(static_cast<std::size_t>(layout.header_size)).subspan(at::checked_from)));
}

inline void check_section_access(std::span<const std::span<const std::byte>> sections, section_access access) {
    if (access != section_access::atomic_words) return;
    for (const auto& s : sections) {
        if (s.size() % sizeof(std::uint64_t) != 0 ||
            reinterpret_cast<std::uintptr_t>(s.data()) % alignof(std::uint64_t) != 0) {
            throw_invalid_argument("section_access::atomic_words needs sections of whole, aligned 64-bit words");
        }
    }
}

// Copies `from` to `to` (the same size). With atomic_words, one relaxed atomic load per word.
inline void copy_section_bytes(std::span<const std::byte> from, std::byte* to, section_access access) noexcept {
    if (from.empty()) return;
    if (access == section_access::plain) {
        std::memcpy(to, from.data(), from.size());
        return;
    }
    // check_section_access made sure these are whole, aligned words of mutable memory.
    auto* words = reinterpret_cast<std::uint64_t*>(const_cast<std::byte*>(from.data()));
    for (std::size_t i = 0; i < from.size() / sizeof(std::uint64_t); ++i) {
        const std::uint64_t w = std::atomic_ref<std::uint64_t>(words[i]).load(std::memory_order_relaxed);
        std::memcpy(to + i * sizeof w, &w, sizeof w);
    }
}

// The whole file as bytes: the sections are copied once into place, then the finished payload
// is hashed, so the checksum is of exactly the bytes returned.
inline std::vector<std::byte> write_store(const store_description& description,
                                          std::span<const std::span<const std::byte>> sections,
                                          section_access access = section_access::plain) {
    const file_layout layout = plan_layout(sections);
    check_section_access(sections, access);
    std::vector<std::byte> file(static_cast<std::size_t>(layout.file_size));  // zeroed: padding
    for (std::size_t i = 0; i < sections.size(); ++i) {
        copy_section_bytes(sections[i], file.data() + layout.offsets[i], access);
    }
    const auto header_size = static_cast<std::size_t>(layout.header_size);
    write_header(std::span(file).first(header_size), description, layout,
                 xxh3_bytes(std::span<const std::byte>(file).subspan(header_size)));
    return file;
}

// A new file that appears at `path` only when complete: bytes go to a temporary file in the
// same directory (rename is atomic only within one file system), which is flushed to disk and
// then renamed over `path`. A crash at any point leaves either the old file or the new one,
// never a mix; an exception removes the temporary file.
class atomic_file_writer {
public:
    explicit atomic_file_writer(std::filesystem::path path) : path_(std::move(path)) {
        static std::atomic<unsigned> counter{0};
        for (int attempt = 0; attempt < 100; ++attempt) {
            temp_ = temporary_name(path_, ".tmp-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(counter.fetch_add(1, std::memory_order_relaxed)));
            // 0666 before the umask, like any file a program creates; O_EXCL never reuses one.
            do {
                fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            } while (fd_ < 0 && errno == EINTR);
            if (fd_ >= 0) return;
            if (errno != EEXIST) throw_file_error(errno, path_, "cannot create a temporary file to save");
        }
        throw_file_error(EEXIST, path_, "cannot create a temporary file to save");
    }
    ~atomic_file_writer() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(temp_.c_str());
    }
    atomic_file_writer(const atomic_file_writer&) = delete;
    atomic_file_writer& operator=(const atomic_file_writer&) = delete;

    void write(std::span<const std::byte> bytes) {
        while (!bytes.empty()) {
            // Linux writes at most about 2 GB per call; ask for no more than that.
            const std::size_t chunk = std::min<std::size_t>(bytes.size(), std::size_t{1} << 30);
            const ::ssize_t n = ::write(fd_, bytes.data(), chunk);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_file_error(errno, path_, "cannot write");
            }
            bytes = bytes.subspan(static_cast<std::size_t>(n));
        }
    }

    // Overwrites bytes already written, at `offset` (the header, once the payload is hashed).
    void write_at(std::uint64_t offset, std::span<const std::byte> bytes) {
        while (!bytes.empty()) {
            const std::size_t chunk = std::min<std::size_t>(bytes.size(), std::size_t{1} << 30);
            const ::ssize_t n = ::pwrite(fd_, bytes.data(), chunk, static_cast<::off_t>(offset));
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_file_error(errno, path_, "cannot write");
            }
            bytes = bytes.subspan(static_cast<std::size_t>(n));
            offset += static_cast<std::uint64_t>(n);
        }
    }

    // Flushes, closes and renames. The directory is flushed too, so that the rename itself
    // survives a power loss; file systems that cannot flush a directory are not an error.
    void commit() {
        if (::fsync(fd_) != 0) throw_file_error(errno, path_, "cannot flush");
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) throw_file_error(errno, path_, "cannot close");
        if (::rename(temp_.c_str(), path_.c_str()) != 0) throw_file_error(errno, path_, "cannot replace");
        committed_ = true;
        std::filesystem::path dir = path_.parent_path();
        if (dir.empty()) dir = ".";
        const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            ::fsync(dfd);
            ::close(dfd);
        }
    }

private:
    // The target's name and `suffix`, the name cut short where both would be longer than the file
    // system allows a name to be: a file of a 250-byte name could be saved, but not beside it.
    static std::filesystem::path temporary_name(const std::filesystem::path& path, const std::string& suffix) {
        const std::filesystem::path parent = path.parent_path();
        std::string name = path.filename().string();
        const long longest = ::pathconf(parent.empty() ? "." : parent.c_str(), _PC_NAME_MAX);
        const std::size_t limit = longest > 0 ? static_cast<std::size_t>(longest) : 255;
        if (name.size() + suffix.size() > limit) name.resize(limit > suffix.size() ? limit - suffix.size() : 0);
        return parent / (name + suffix);
    }

    std::filesystem::path path_;
    std::filesystem::path temp_;
    int fd_ = -1;
    bool committed_ = false;
};

// Writes the file atomically in one pass over the sections: each piece of the payload is
// hashed and written from the same bytes (so the checksum always matches what is on disk,
// even if the sections change meanwhile), and the header, which holds the checksum, is written
// last over the zeros reserved for it. Plain sections are written where they lie (no copy of a
// large store); atomic_words sections go through a buffer of at most 1 MiB.
inline void write_store_file(const std::filesystem::path& path, const store_description& description,
                             std::span<const std::span<const std::byte>> sections,
                             section_access access = section_access::plain) {
    constexpr std::size_t chunk_bytes = std::size_t{1} << 20;
    static constexpr std::array<std::byte, file_alignment> zeros{};
    const file_layout layout = plan_layout(sections);
    check_section_access(sections, access);
    std::vector<std::byte> buffer;
    if (access == section_access::atomic_words) {
        std::size_t largest = 0;
        for (const auto& s : sections) largest = std::max(largest, s.size());
        buffer.resize(std::min(largest, chunk_bytes));
    }

    atomic_file_writer out(path);
    std::vector<std::byte> header(static_cast<std::size_t>(layout.header_size));
    out.write(header);  // zeros for now
    xxh3_stream payload;
    const auto emit = [&](std::span<const std::byte> bytes) {
        payload.update(bytes);
        out.write(bytes);
    };
    for (std::size_t i = 0; i < sections.size(); ++i) {
        const auto s = sections[i];
        for (std::size_t at = 0; at < s.size(); at += chunk_bytes) {
            const auto piece = s.subspan(at, std::min(chunk_bytes, s.size() - at));
            if (access == section_access::plain) {
                emit(piece);
            } else {
                copy_section_bytes(piece, buffer.data(), access);
                emit(std::span<const std::byte>(buffer).first(piece.size()));
            }
        }
        emit(std::span(zeros).first(layout.padding_after(i)));  // under 64 bytes
    }
    write_header(header, description, layout, payload.digest());
    out.write_at(0, header);
    out.commit();
}

// What the reader expects. `source` names the input in messages ("bloom_filter file
// '/data/x.nrb'", "bloom_filter bytes").
struct read_expectations {
    std::string_view source;
    store_kind kind = store_kind::bloom_filter;
    std::size_t min_sections = 1;
    std::size_t max_sections = file_max_sections;
    verify check = verify::full;
};

// Validates `file` and returns its header fields and section views. Every check happens before
// the value it checks is used; sizes are compared by subtraction so no sum can overflow.
inline store_view read_store(std::span<const std::byte> file, const read_expectations& expect) {
    namespace at = header_offset;
    const auto fail = [&](const std::string& reason) {
        throw_format_error(std::string(expect.source) + ": " + reason);
    };
    const std::size_t size = file.size();
    const std::byte* f = file.data();

    const std::size_t magic_bytes = std::min(size, file_magic.size());
    if (magic_bytes > 0 && std::memcmp(f, file_magic.data(), magic_bytes) != 0) {
        fail("not a numrep store (bad magic number)");
    }
    if (size < file_fixed_header_size) {
        fail("truncated: " + std::to_string(size) + " bytes, shorter than the " +
             std::to_string(file_fixed_header_size) + "-byte header");
    }
    // Bytes 0-31 and the header checksum rule are the same in every version (see the layout),
    // so the header checksum is verified first: a flipped bit anywhere in the header, the
    // version included, is reported as corruption, and only an intact header from a newer
    // numrep says it is a newer version.
    const auto declared_header_size = load_le<std::uint32_t>(f + at::header_size);
    if (declared_header_size < file_fixed_header_size || declared_header_size > file_max_header_size ||
        declared_header_size % file_alignment != 0) {
        fail("corrupt header: header size " + std::to_string(declared_header_size) + " is not a multiple of " +
             std::to_string(file_alignment) + " from " + std::to_string(file_fixed_header_size) + " to " +
             std::to_string(file_max_header_size));
    }
    if (size < declared_header_size) {
        fail("truncated: " + std::to_string(size) + " bytes, shorter than its " + std::to_string(declared_header_size) +
             "-byte header");
    }
    const auto header_checksum = load_le<std::uint64_t>(f + at::header_checksum);
    if (xxh3_bytes(file.subspan(at::checked_from, declared_header_size - at::checked_from)) != header_checksum) {
        fail("header checksum mismatch (corrupted header)");
    }
    const auto version = load_le<std::uint32_t>(f + at::version);
    if (version != file_format_version) {
        fail("unsupported format version " + std::to_string(version) + " (this build reads version " +
             std::to_string(file_format_version) + ")");
    }
    const auto section_count = load_le<std::uint32_t>(f + at::section_count);
    if (section_count < 1 || section_count > file_max_sections) {
        fail("corrupt header: section count " + std::to_string(section_count) + " is not in 1.." +
             std::to_string(file_max_sections));
    }
    const std::size_t header_size = file_header_size(section_count);
    if (declared_header_size != header_size) {
        fail("corrupt header: header size " + std::to_string(declared_header_size) + " does not match " +
             std::to_string(section_count) + " sections");
    }

    // The header is now known to be as written; what follows catches files that were written
    // wrong on purpose or by a different program, and truncation of the payload.
    const auto kind_value = load_le<std::uint32_t>(f + at::kind);
    const auto kind = static_cast<store_kind>(kind_value);
    if (kind != store_kind::bloom_filter && kind != store_kind::trie_store) {
        fail("unknown store kind " + std::to_string(kind_value));
    }
    if (kind != expect.kind) {
        fail("wrong kind of store: the file holds a " + std::string(to_string(kind)) + ", not a " +
             std::string(to_string(expect.kind)));
    }
    if (load_le<std::uint64_t>(f + at::reserved) != 0) fail("corrupt header: reserved field is not zero");
    for (std::size_t i = at::sections + file_section_entry_size * section_count; i < header_size; ++i) {
        if (f[i] != std::byte{0}) fail("corrupt header: header padding is not zero");
    }
    if (section_count < expect.min_sections || section_count > expect.max_sections) {
        fail("the file has " + std::to_string(section_count) + " sections, a " + std::string(to_string(kind)) +
             " has " +
             (expect.min_sections == expect.max_sections
                  ? std::to_string(expect.min_sections)
                  : std::to_string(expect.min_sections) + " to " + std::to_string(expect.max_sections)));
    }
    const auto file_size = load_le<std::uint64_t>(f + at::file_size);
    if (file_size > size) {
        fail("truncated: " + std::to_string(size) + " bytes, the header says " + std::to_string(file_size));
    }
    if (file_size < size) {
        fail("trailing bytes: " + std::to_string(size) + " bytes, the header says " + std::to_string(file_size));
    }

    store_view view;
    view.description.kind = kind;
    view.description.hash_seed = load_le<std::uint64_t>(f + at::hash_seed);
    for (std::size_t i = 0; i < file_param_count; ++i) {
        view.description.params[i] = load_le<std::uint64_t>(f + at::params + 8 * i);
    }
    view.sections.reserve(section_count);
    std::uint64_t expected_offset = header_size;
    for (std::size_t i = 0; i < section_count; ++i) {
        const auto offset = load_le<std::uint64_t>(f + at::sections + 16 * i);
        const auto length = load_le<std::uint64_t>(f + at::sections + 16 * i + 8);
        if (offset != expected_offset) {
            fail("corrupt section table: section " + std::to_string(i) + " starts at " + std::to_string(offset) +
                 ", expected " + std::to_string(expected_offset));
        }
        // offset <= file_size holds here (expected_offset never passes it, checked below).
        if (length > file_size - offset) {
            fail("section " + std::to_string(i) + " out of bounds: " + std::to_string(length) + " bytes at offset " +
                 std::to_string(offset) + " in a file of " + std::to_string(file_size) + " bytes");
        }
        view.sections.push_back(file.subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(length)));
        // offset + length <= file_size <= size, which fits in size_t, so neither sum overflows.
        expected_offset = round_up_64(static_cast<std::size_t>(offset + length));
        if (expected_offset > file_size) {
            fail("section " + std::to_string(i) +
                 " out of bounds: its padding runs past the end of a "
                 "file of " +
                 std::to_string(file_size) + " bytes");
        }
    }
    if (expected_offset != file_size) {
        fail("corrupt section table: sections end at " + std::to_string(expected_offset) + " but the file has " +
             std::to_string(file_size) + " bytes");
    }
    if (expect.check == verify::full &&
        xxh3_bytes(file.subspan(header_size)) != load_le<std::uint64_t>(f + at::payload_checksum)) {
        fail("checksum mismatch (corrupted data)");
    }
    // The padding after each section is zero (a writer writes nothing else there). Checked with
    // the payload, which reads every byte anyway; verify::header touches no section's bytes.
    if (expect.check == verify::full) {
        for (std::size_t i = 0; i < section_count; ++i) {
            const std::span<const std::byte> s = view.sections[i];
            const auto end = static_cast<std::size_t>(s.data() + s.size() - file.data());
            for (std::size_t b = end; b < round_up_64(end); ++b)
                if (file[b] != std::byte{0}) fail("section " + std::to_string(i) + ": its padding is not zero");
        }
    }
    return view;
}

}  // namespace detail
}  // namespace numrep
