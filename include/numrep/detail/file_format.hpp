// The file format every numrep store shares: a self-describing, checksummed header followed by
// the store's sections, each 64-byte aligned so that a mapped file can be used in place (zero
// copy). Reading validates every field before any offset is used: a truncated, corrupted,
// foreign or hostile file is a numrep::format_error naming the input and the reason, never a
// crash. Costs: a header of 128 bytes plus 16 per section (rounded up to 64), at most 63 bytes
// of padding per section, and one XXH3 pass (tens of GB/s) over the file to verify it.
//
// Layout, version 1 (all integers little-endian):
//
//   offset  size  field
//        0     8  magic "\x89NUMREP\n" (0x89 catches 7-bit transfers, \n catches LF -> CRLF)
//        8     8  header checksum: XXH3-64 (seed 0) of bytes [16, header_size)
//       16     4  format version (1)
//       20     4  store kind (numrep::store_kind)
//       24     4  header size = round_up(128 + 16 * section count, 64)
//       28     4  section count, 1 to 16
//       32     8  file size in bytes
//       40     8  hash seed the store's keys were hashed with
//       48     8  payload checksum: XXH3-64 (seed 0) of bytes [header size, file size)
//       56     8  reserved, zero
//       64    64  eight 64-bit parameters whose meaning belongs to the store kind
//      128  16*n  section table: n x {offset, size}, both 64-bit
//        .     .  zero padding to the header size
//
// Sections are laid out canonically and nothing else is accepted: the first starts at the
// header size, each next one at the end of the previous rounded up to 64, and the file ends at
// the end of the last rounded up to 64, with zero padding between. One layout per content
// means no overlapping, gapped or out-of-order sections to reason about. Two checksums let a
// huge store be opened without reading it all (verify::header) while its header is still
// fully checked; by default (verify::full) every byte is verified.
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

#include "hash.hpp"
#include "mapped_file.hpp"
#include "throw.hpp"

namespace numrep {

// What a store file holds. Stored in the header so that opening one kind of store as
// another is a clear error rather than garbage.
enum class store_kind : std::uint32_t {
    bloom_filter = 1,
    trie_store = 2,
};

constexpr std::string_view to_string(store_kind kind) noexcept {
    switch (kind) {
        case store_kind::bloom_filter: return "bloom_filter";
        case store_kind::trie_store: return "trie_store";
    }
    return "unknown";
}

// How much of a file to verify when reading it. `full` checks every byte against its checksum;
// `header` checks the header (sizes, offsets, kind, parameters, header checksum) but not the
// section bytes, so that opening a 1 GB mapped store touches one page. A store opened with
// `header` never reads out of bounds, but a corrupted section gives wrong answers.
enum class verify : std::uint8_t {
    full,
    header,
};

namespace detail {

inline constexpr std::array<std::byte, 8> file_magic{
    std::byte{0x89}, std::byte{'N'}, std::byte{'U'}, std::byte{'M'},
    std::byte{'R'},  std::byte{'E'}, std::byte{'P'}, std::byte{'\n'}};
inline constexpr std::uint32_t file_format_version = 1;
inline constexpr std::size_t file_alignment = 64;
inline constexpr std::size_t file_fixed_header_size = 128;
inline constexpr std::size_t file_section_entry_size = 16;
inline constexpr std::size_t file_max_sections = 16;
inline constexpr std::size_t file_param_count = 8;

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

constexpr std::size_t round_up_64(std::size_t n) noexcept {
    return (n + (file_alignment - 1)) & ~(file_alignment - 1);
}

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

// Section offsets of the canonical layout for these section sizes, and the file size.
struct file_layout {
    std::vector<std::uint64_t> offsets;
    std::uint64_t file_size = 0;
};

inline file_layout plan_layout(std::span<const std::span<const std::byte>> sections) {
    if (sections.empty() || sections.size() > file_max_sections) {
        throw_invalid_argument("a store file holds 1 to " + std::to_string(file_max_sections) +
                               " sections, not " + std::to_string(sections.size()));
    }
    file_layout layout;
    layout.offsets.reserve(sections.size());
    std::uint64_t at = file_header_size(sections.size());
    for (const auto& s : sections) {
        layout.offsets.push_back(at);
        at = round_up_64(static_cast<std::size_t>(at) + s.size());
    }
    layout.file_size = at;
    return layout;
}

// The header bytes for a file of these sections whose payload hashes to payload_checksum.
inline std::vector<std::byte> build_header(const store_description& description,
                                           std::span<const std::span<const std::byte>> sections,
                                           const file_layout& layout,
                                           std::uint64_t payload_checksum) {
    namespace at = header_offset;
    std::vector<std::byte> header(file_header_size(sections.size()));
    std::byte* h = header.data();
    std::memcpy(h + at::magic, file_magic.data(), file_magic.size());
    store_le<std::uint32_t>(h + at::version, file_format_version);
    store_le<std::uint32_t>(h + at::kind, static_cast<std::uint32_t>(description.kind));
    store_le<std::uint32_t>(h + at::header_size, static_cast<std::uint32_t>(header.size()));
    store_le<std::uint32_t>(h + at::section_count, static_cast<std::uint32_t>(sections.size()));
    store_le<std::uint64_t>(h + at::file_size, layout.file_size);
    store_le<std::uint64_t>(h + at::hash_seed, description.hash_seed);
    store_le<std::uint64_t>(h + at::payload_checksum, payload_checksum);
    for (std::size_t i = 0; i < file_param_count; ++i) {
        store_le<std::uint64_t>(h + at::params + 8 * i, description.params[i]);
    }
    for (std::size_t i = 0; i < sections.size(); ++i) {
        store_le<std::uint64_t>(h + at::sections + 16 * i, layout.offsets[i]);
        store_le<std::uint64_t>(h + at::sections + 16 * i + 8, sections[i].size());
    }
    store_le<std::uint64_t>(h + at::header_checksum,
                            xxh3_bytes(std::span(header).subspan(at::checked_from)));
    return header;
}

// Payload checksum computed from the sections where they lie, padding included.
inline std::uint64_t payload_checksum(std::span<const std::span<const std::byte>> sections,
                                      const file_layout& layout) {
    xxh3_stream stream;
    for (std::size_t i = 0; i < sections.size(); ++i) {
        stream.update(sections[i]);
        const std::uint64_t end = layout.offsets[i] + sections[i].size();
        const std::uint64_t next = i + 1 < sections.size() ? layout.offsets[i + 1] : layout.file_size;
        stream.update_zeros(static_cast<std::size_t>(next - end));
    }
    return stream.digest();
}

// The whole file as bytes.
inline std::vector<std::byte> write_store(const store_description& description,
                                          std::span<const std::span<const std::byte>> sections) {
    const file_layout layout = plan_layout(sections);
    const auto header =
        build_header(description, sections, layout, payload_checksum(sections, layout));
    std::vector<std::byte> file(static_cast<std::size_t>(layout.file_size));
    std::copy(header.begin(), header.end(), file.begin());
    for (std::size_t i = 0; i < sections.size(); ++i) {
        if (!sections[i].empty()) {
            std::memcpy(file.data() + layout.offsets[i], sections[i].data(), sections[i].size());
        }
    }
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
            temp_ = path_;
            temp_ += ".tmp-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
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

    void write_zeros(std::size_t n) {
        static constexpr std::array<std::byte, 64> zeros{};
        while (n > 0) {
            const std::size_t chunk = std::min(n, zeros.size());
            write(std::span(zeros).first(chunk));
            n -= chunk;
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
    std::filesystem::path path_;
    std::filesystem::path temp_;
    int fd_ = -1;
    bool committed_ = false;
};

// Writes the file atomically, straight from the sections (no second copy of a large store).
inline void write_store_file(const std::filesystem::path& path, const store_description& description,
                             std::span<const std::span<const std::byte>> sections) {
    const file_layout layout = plan_layout(sections);
    const auto header =
        build_header(description, sections, layout, payload_checksum(sections, layout));
    atomic_file_writer out(path);
    out.write(header);
    for (std::size_t i = 0; i < sections.size(); ++i) {
        out.write(sections[i]);
        const std::uint64_t end = layout.offsets[i] + sections[i].size();
        const std::uint64_t next = i + 1 < sections.size() ? layout.offsets[i + 1] : layout.file_size;
        out.write_zeros(static_cast<std::size_t>(next - end));
    }
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
    // Read before the header checksum so that a file from a newer numrep says so, instead of
    // reporting a checksum computed by rules this build does not know.
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
    if (load_le<std::uint32_t>(f + at::header_size) != header_size) {
        fail("corrupt header: header size " + std::to_string(load_le<std::uint32_t>(f + at::header_size)) +
             " does not match " + std::to_string(section_count) + " sections");
    }
    if (size < header_size) {
        fail("truncated: " + std::to_string(size) + " bytes, shorter than its " +
             std::to_string(header_size) + "-byte header");
    }
    const auto header_checksum = load_le<std::uint64_t>(f + at::header_checksum);
    if (xxh3_bytes(file.subspan(at::checked_from, header_size - at::checked_from)) != header_checksum) {
        fail("header checksum mismatch (corrupted header)");
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
        fail("trailing bytes: " + std::to_string(size) + " bytes, the header says " +
             std::to_string(file_size));
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
            fail("corrupt section table: section " + std::to_string(i) + " starts at " +
                 std::to_string(offset) + ", expected " + std::to_string(expected_offset));
        }
        // offset <= file_size holds here (expected_offset never passes it, checked below).
        if (length > file_size - offset) {
            fail("section " + std::to_string(i) + " out of bounds: " + std::to_string(length) +
                 " bytes at offset " + std::to_string(offset) + " in a file of " +
                 std::to_string(file_size) + " bytes");
        }
        view.sections.push_back(file.subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(length)));
        // offset + length <= file_size <= size, which fits in size_t, so neither sum overflows.
        expected_offset = round_up_64(static_cast<std::size_t>(offset + length));
        if (expected_offset > file_size) {
            fail("section " + std::to_string(i) + " out of bounds: its padding runs past the end of a "
                 "file of " + std::to_string(file_size) + " bytes");
        }
    }
    if (expected_offset != file_size) {
        fail("corrupt section table: sections end at " + std::to_string(expected_offset) +
             " but the file has " + std::to_string(file_size) + " bytes");
    }
    if (expect.check == verify::full &&
        xxh3_bytes(file.subspan(header_size)) != load_le<std::uint64_t>(f + at::payload_checksum)) {
        fail("checksum mismatch (corrupted data)");
    }
    return view;
}

}  // namespace detail
}  // namespace numrep
