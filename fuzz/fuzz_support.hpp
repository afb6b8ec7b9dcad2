// Shared by the fuzz harnesses: a check that aborts (so libFuzzer and the regression runner
// both report it as a crash) and a reader of the harness's input bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>

#include <unistd.h>

// A property of the library that the input broke: print what and where, then abort().
#define NUMREP_FUZZ_CHECK(condition, ...)                                                                          \
    do {                                                                                                           \
        if (!(condition)) {                                                                                        \
            std::fprintf(stderr, "\nnumrep fuzz: %s:%d: property failed: %s\n  ", __FILE__, __LINE__, #condition); \
            std::fprintf(stderr, __VA_ARGS__);                                                                     \
            std::fprintf(stderr, "\n");                                                                            \
            std::abort();                                                                                          \
        }                                                                                                          \
    } while (false)

namespace numrep_fuzz {

// The input taken apart from the front: option bytes first, then the rest as text or bytes.
class input {
public:
    input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    // The next byte, 0 once the input is used up.
    std::uint8_t byte() noexcept {
        if (size_ == 0) return 0;
        --size_;
        return *data_++;
    }
    std::uint32_t u32() noexcept {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
        return v;
    }
    std::string_view rest_text() noexcept {
        const std::string_view text(reinterpret_cast<const char*>(data_), size_);
        size_ = 0;
        return text;
    }
    std::span<const std::byte> rest_bytes() noexcept {
        const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data_), size_);
        size_ = 0;
        return bytes;
    }
    std::size_t size() const noexcept { return size_; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
};

// A directory of this process's own under the temporary directory (libFuzzer's -jobs and
// -fork run several processes at once), removed at exit.
inline const std::filesystem::path& scratch_dir() {
    struct owned {
        std::filesystem::path path;
        owned() {
            path = std::filesystem::temp_directory_path() / ("numrep_fuzz_" + std::to_string(::getpid()));
            std::filesystem::remove_all(path);
            std::filesystem::create_directories(path);
        }
        ~owned() {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
    };
    static const owned dir;
    return dir.path;
}

inline void write_file(const std::filesystem::path& path, std::span<const std::byte> bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    NUMREP_FUZZ_CHECK(out.good(), "cannot write %s", path.c_str());
}

}  // namespace numrep_fuzz
