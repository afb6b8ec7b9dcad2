// Read-only store files: mapped_file maps a whole file (zero copy), read_file copies one. POSIX
// only; numrep never rewrites a mapped file in place (docs/architecture.md, "Mapped files").
// Paths are std::string (a std::filesystem::path converts implicitly): see file_error.hpp.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_error.hpp"
#include "throw.hpp"

namespace numrep::detail {

// An open file descriptor that closes itself; only regular files are accepted, so a FIFO or
// a directory named by mistake is an error instead of a hang or a confusing read failure.
// `path` is relative to the directory open as `dir_fd`, when given (openat).
class file_descriptor {
public:
    explicit file_descriptor(const std::string& path, int dir_fd = AT_FDCWD) {
        // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; we reject it below.
        do {
            fd_ = ::openat(dir_fd, path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        } while (fd_ < 0 && errno == EINTR);
        if (fd_ < 0) throw_file_error(errno, path, "cannot open");
        struct stat st{};
        if (::fstat(fd_, &st) != 0) {
            const int error = errno;
            ::close(fd_);
            throw_file_error(error, path, "cannot stat");
        }
        if (!S_ISREG(st.st_mode)) {
            ::close(fd_);
            if (S_ISDIR(st.st_mode)) throw_file_error(EISDIR, path, "cannot open");
            throw_file_error(EINVAL, path, "cannot open non-regular file");
        }
        if (static_cast<std::uintmax_t>(st.st_size) > std::numeric_limits<std::size_t>::max()) {
            ::close(fd_);
            throw_file_error(EFBIG, path, "cannot address all of");
        }
        size_ = static_cast<std::size_t>(st.st_size);
    }
    ~file_descriptor() { ::close(fd_); }
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;

    int get() const noexcept { return fd_; }
    std::size_t size() const noexcept { return size_; }

private:
    int fd_ = -1;
    std::size_t size_ = 0;
};

class mapped_file {
public:
    mapped_file() noexcept = default;

    // Maps the whole file read-only. Throws std::system_error naming the path when the file is
    // missing, unreadable, not a regular file, or cannot be mapped. An empty file gives an
    // empty mapping (mmap refuses length 0); the store reader then reports it as truncated.
    explicit mapped_file(const std::string& path) : path_(path) {
        const file_descriptor fd(path);
        size_ = fd.size();
        if (size_ == 0) return;
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd.get(), 0);
        if (p == MAP_FAILED) throw_file_error(errno, path, "cannot map");
        data_ = p;
        // The descriptor closes here; the mapping keeps the file alive on its own.
    }

    ~mapped_file() { unmap(); }
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;
    mapped_file(mapped_file&& other) noexcept
        : path_(std::move(other.path_)),
          data_(std::exchange(other.data_, nullptr)),
          size_(std::exchange(other.size_, 0)) {}
    mapped_file& operator=(mapped_file&& other) noexcept {
        if (this != &other) {
            unmap();
            path_ = std::move(other.path_);
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }

    // Page aligned (so 64-byte aligned) when not empty.
    std::span<const std::byte> bytes() const noexcept { return {static_cast<const std::byte*>(data_), size_}; }
    std::size_t size() const noexcept { return size_; }
    const std::string& path() const noexcept { return path_; }

    // Tells the kernel that accesses will be random (Bloom filter probes), which turns off
    // read-ahead that would otherwise fetch neighbouring pages nobody asked for. A hint only.
    void advise_random() const noexcept {
        if (data_ != nullptr) ::madvise(data_, size_, MADV_RANDOM);
    }

private:
    void unmap() noexcept {
        if (data_ != nullptr) ::munmap(data_, size_);
        data_ = nullptr;
        size_ = 0;
    }

    std::string path_;
    void* data_ = nullptr;
    std::size_t size_ = 0;
};

// Copies a whole file into memory, in a buffer of exactly its size. Reads until end of file
// rather than trusting the size reported by stat, so a file that changes size while being read
// is never over-read (the store reader then validates whatever was read): end of file is
// confirmed by a read into a small separate buffer, so the usual case allocates the file size
// once and nothing more.
inline std::vector<std::byte> read_file(const std::string& path) {
    const file_descriptor fd(path);
    std::vector<std::byte> bytes(fd.size());
    std::size_t done = 0;
    const auto read_some = [&](std::byte* into, std::size_t n) -> std::size_t {
        for (;;) {
            const ::ssize_t got = ::read(fd.get(), into, n);
            if (got >= 0) return static_cast<std::size_t>(got);
            if (errno != EINTR) throw_file_error(errno, path, "cannot read");
        }
    };
    for (;;) {
        if (done < bytes.size()) {
            const std::size_t n = read_some(bytes.data() + done, bytes.size() - done);
            if (n == 0) break;  // shrank since fstat
            done += n;
        } else {
            std::byte probe[4096];
            const std::size_t n = read_some(probe, sizeof probe);
            if (n == 0) break;
            bytes.insert(bytes.end(), probe, probe + n);  // grew since fstat
            done += n;
        }
    }
    bytes.resize(done);
    return bytes;
}

}  // namespace numrep::detail
