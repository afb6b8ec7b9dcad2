// The shared store file format: layout, round trips, and a reader that refuses every damaged,
// truncated, foreign or hostile input with numrep::format_error (never a crash).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include <numrep/detail/file_format.hpp>
#include <numrep/detail/hash.hpp>
#include <numrep/detail/mapped_file.hpp>

#include "catch.hpp"

namespace fs = std::filesystem;
using numrep::detail::read_expectations;
using numrep::detail::read_store;
using numrep::detail::store_description;
using numrep::detail::write_store;

namespace {

std::vector<std::byte> bytes_of(const std::string& s) {
    std::vector<std::byte> out(s.size());
    std::memcpy(out.data(), s.data(), s.size());
    return out;
}

struct sample {
    store_description description;
    std::vector<std::vector<std::byte>> contents;
    std::vector<std::span<const std::byte>> sections;
};

sample make_sample(std::vector<std::size_t> sizes) {
    sample s;
    s.description.kind = numrep::store_kind::trie_store;
    s.description.hash_seed = 0x0123456789ABCDEFULL;
    for (std::size_t i = 0; i < s.description.params.size(); ++i) s.description.params[i] = 1000 + i;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        std::vector<std::byte> c(sizes[i]);
        for (std::size_t j = 0; j < c.size(); ++j) c[j] = static_cast<std::byte>((j * 7 + i * 31 + 1) & 0xFF);
        s.contents.push_back(std::move(c));
    }
    for (const auto& c : s.contents) s.sections.emplace_back(c);
    return s;
}

read_expectations expect_trie(numrep::verify check = numrep::verify::full) {
    read_expectations e;
    e.source = "test input";
    e.kind = numrep::store_kind::trie_store;
    e.check = check;
    return e;
}

// Message of the format_error that reading `file` throws, or "" if it reads fine.
std::string read_error(std::span<const std::byte> file, const read_expectations& e) {
    try {
        read_store(file, e);
    } catch (const numrep::format_error& error) {
        return error.what();
    }
    return "";
}

std::uint64_t u64_at(const std::vector<std::byte>& f, std::size_t at) {
    return numrep::detail::load_le<std::uint64_t>(f.data() + at);
}

// Rewrites a header field and recomputes the header checksum: a hostile file that passes the
// checksum, so that only the structural checks can catch it.
template <class T>
void forge(std::vector<std::byte>& f, std::size_t at, T value) {
    numrep::detail::store_le<T>(f.data() + at, value);
    const std::size_t header_size = numrep::detail::load_le<std::uint32_t>(f.data() + 24);
    const std::size_t end = std::min(header_size, f.size());
    numrep::detail::store_le<std::uint64_t>(f.data() + 8, numrep::detail::xxh3_bytes(
                                                              std::span<const std::byte>(f).subspan(16, end - 16)));
}

struct temp_dir {
    fs::path path;
    temp_dir() {
        path = fs::temp_directory_path() /
               ("numrep_test_format_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    static int& counter() {
        static int c = 0;
        return c;
    }
};

}  // namespace

TEST_CASE("store files have the documented little-endian, 64-byte-aligned layout", "[format]") {
    const auto s = make_sample({100, 0, 64, 1});
    const auto f = write_store(s.description, s.sections);

    const std::array<unsigned char, 8> magic{0x89, 'N', 'U', 'M', 'R', 'E', 'P', '\n'};
    for (std::size_t i = 0; i < magic.size(); ++i) CHECK(f[i] == std::byte{magic[i]});
    CHECK(f[16] == std::byte{1});  // version 1, little-endian
    CHECK(f[17] == std::byte{0});
    CHECK(f[20] == std::byte{2});         // trie_store
    const std::size_t header_size = 192;  // 128 + 4 x 16 = 192, already a multiple of 64
    CHECK(numrep::detail::load_le<std::uint32_t>(f.data() + 24) == header_size);
    CHECK(numrep::detail::load_le<std::uint32_t>(f.data() + 28) == 4);
    CHECK(u64_at(f, 32) == f.size());
    CHECK(u64_at(f, 40) == 0x0123456789ABCDEFULL);
    CHECK(f[40] == std::byte{0xEF});
    CHECK(u64_at(f, 64) == 1000);
    CHECK(u64_at(f, 64 + 7 * 8) == 1007);
    // Sections: 100 bytes at 192, 0 at 320, 64 at 320, 1 at 384; file ends at 448.
    CHECK(u64_at(f, 128) == 192);
    CHECK(u64_at(f, 136) == 100);
    CHECK(u64_at(f, 144) == 320);
    CHECK(u64_at(f, 152) == 0);
    CHECK(u64_at(f, 160) == 320);
    CHECK(u64_at(f, 176) == 384);
    CHECK(f.size() == 448);
    CHECK(u64_at(f, 8) == numrep::detail::xxh3_bytes(std::span<const std::byte>(f).subspan(16, header_size - 16)));
    CHECK(u64_at(f, 48) == numrep::detail::xxh3_bytes(std::span<const std::byte>(f).subspan(header_size)));
    for (std::size_t i = 292; i < 320; ++i) CHECK(f[i] == std::byte{0});  // padding after section 0
}

TEST_CASE("a written store reads back with the same header and sections", "[format]") {
    for (const auto& sizes : std::vector<std::vector<std::size_t>>{
             {0}, {1}, {63}, {64}, {65}, {1000, 3, 0, 4096}, std::vector<std::size_t>(16, 17)}) {
        const auto s = make_sample(sizes);
        const auto f = write_store(s.description, s.sections);
        CHECK(f.size() % 64 == 0);
        const auto view = read_store(f, expect_trie());
        CHECK(view.description.kind == numrep::store_kind::trie_store);
        CHECK(view.description.hash_seed == s.description.hash_seed);
        CHECK(view.description.params == s.description.params);
        REQUIRE(view.sections.size() == sizes.size());
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            CHECK(static_cast<std::size_t>(view.sections[i].data() - f.data()) % 64 == 0);
            CHECK(std::equal(view.sections[i].begin(), view.sections[i].end(), s.contents[i].begin(),
                             s.contents[i].end()));
        }
    }
}

TEST_CASE("the streaming checksum equals the one-shot checksum", "[format]") {
    std::vector<std::byte> data(300);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 13);
    numrep::detail::xxh3_stream stream;
    stream.update(std::span<const std::byte>(data).first(100));
    stream.update(std::span<const std::byte>(data).subspan(100, 100));
    stream.update_zeros(100);
    std::fill(data.begin() + 200, data.end(), std::byte{0});
    CHECK(stream.digest() == numrep::detail::xxh3_bytes(data));
}

TEST_CASE("writers refuse 0 or more than 16 sections", "[format]") {
    const auto none = make_sample({});
    CHECK_THROWS_AS(write_store(none.description, none.sections), std::invalid_argument);
    const auto many = make_sample(std::vector<std::size_t>(17, 1));
    CHECK_THROWS_AS(write_store(many.description, many.sections), std::invalid_argument);
}

TEST_CASE("every corrupted byte of a store file is detected", "[format]") {
    const auto s = make_sample({70, 5});
    const auto good = write_store(s.description, s.sections);
    REQUIRE(read_error(good, expect_trie()).empty());
    const std::size_t header_size = 192;
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (const unsigned flip : {0x01U, 0x80U, 0xFFU}) {
            auto bad = good;
            bad[i] ^= static_cast<std::byte>(flip);
            INFO("byte " << i << " xor " << flip);
            const std::string full = read_error(bad, expect_trie());
            CHECK_FALSE(full.empty());
            CHECK(full.find("test input: ") != std::string::npos);
            // With verify::header the payload is not checked, but the header still is.
            const std::string header_only = read_error(bad, expect_trie(numrep::verify::header));
            CHECK(header_only.empty() == (i >= header_size));
        }
    }
}

TEST_CASE("every truncation of a store file is detected, and so are trailing bytes", "[format]") {
    const auto s = make_sample({70, 5});
    const auto good = write_store(s.description, s.sections);
    for (std::size_t n = 0; n < good.size(); ++n) {
        INFO("truncated to " << n << " bytes");
        const std::string e = read_error(std::span<const std::byte>(good).first(n), expect_trie());
        CHECK_FALSE(e.empty());
        if (n >= 192) CHECK(e.find("truncated") != std::string::npos);
    }
    auto longer = good;
    longer.push_back(std::byte{0});
    CHECK(read_error(longer, expect_trie()).find("trailing bytes") != std::string::npos);
}

TEST_CASE("the reader names the reason a file is refused", "[format]") {
    const auto s = make_sample({70, 5});
    const auto good = write_store(s.description, s.sections);
    const auto check_reason = [](const std::vector<std::byte>& f, const std::string& reason,
                                 const read_expectations& e = expect_trie()) {
        const std::string message = read_error(f, e);
        INFO(message);
        CHECK(message.find("numrep: test input: ") == 0);
        CHECK(message.find(reason) != std::string::npos);
    };

    check_reason(bytes_of("hello, this is a text file and not a store at all, not even close..........."), "bad magic");
    check_reason(bytes_of("he"), "bad magic");
    check_reason({}, "truncated");

    // A newer version is named only when its header is intact; a flipped bit in the version
    // field is corruption like any other (the header checksum is verified first).
    auto v = good;
    forge<std::uint32_t>(v, 16, 2);
    check_reason(v, "unsupported format version 2 (this build reads version 1)");
    for (std::size_t i = 16; i < 20; ++i) {
        for (const unsigned flip : {0x01U, 0x80U, 0xFFU}) {
            auto flipped = good;
            flipped[i] ^= static_cast<std::byte>(flip);
            INFO("byte " << i << " xor " << flip);
            check_reason(flipped, "header checksum mismatch (corrupted header)");
        }
    }
    auto newer = good;  // a future version with a bigger header: still told apart from corruption
    newer.resize(good.size() + 64);
    forge<std::uint32_t>(newer, 24, 256);
    forge<std::uint32_t>(newer, 16, 7);
    check_reason(newer, "unsupported format version 7");

    auto k = good;
    forge<std::uint32_t>(k, 20, 1);
    check_reason(k, "wrong kind of store: the file holds a bloom_filter, not a trie_store");
    forge<std::uint32_t>(k, 20, 7);
    check_reason(k, "unknown store kind 7");

    read_expectations one = expect_trie();
    one.min_sections = one.max_sections = 1;
    check_reason(good, "the file has 2 sections, a trie_store has 1", one);

    auto h = good;
    h[100] ^= std::byte{1};
    check_reason(h, "header checksum mismatch");
    auto p = good;
    p.back() ^= std::byte{1};
    check_reason(p, "checksum mismatch (corrupted data)");

    // Hostile headers with valid checksums.
    auto c0 = good;
    forge<std::uint32_t>(c0, 28, 0);
    check_reason(c0, "section count 0");
    auto c17 = good;
    forge<std::uint32_t>(c17, 28, 17);
    check_reason(c17, "section count 17");
    auto hs = good;
    forge<std::uint32_t>(hs, 24, 128);
    check_reason(hs, "header size 128 does not match 2 sections");
    for (const std::uint32_t bad_size : {0U, 64U, 200U, 4160U, 0xFFFFFFC0U}) {
        auto b = good;
        numrep::detail::store_le<std::uint32_t>(b.data() + 24, bad_size);
        check_reason(b, "corrupt header: header size " + std::to_string(bad_size) +
                            " is not a multiple of 64 from 128 to 4096");
    }
    auto long_header = good;
    numrep::detail::store_le<std::uint32_t>(long_header.data() + 24, 4096);
    check_reason(long_header, "truncated: 384 bytes, shorter than its 4096-byte header");
    auto r = good;
    forge<std::uint64_t>(r, 56, 1);
    check_reason(r, "reserved field is not zero");
    auto pad = good;
    forge<std::uint8_t>(pad, 170, 1);
    check_reason(pad, "header padding is not zero");
    auto fs_big = good;
    forge<std::uint64_t>(fs_big, 32, good.size() + 64);
    check_reason(fs_big, "truncated");
    auto fs_small = good;
    forge<std::uint64_t>(fs_small, 32, good.size() - 64);
    check_reason(fs_small, "trailing bytes");
    auto off = good;
    forge<std::uint64_t>(off, 128, 256);
    check_reason(off, "section 0 starts at 256, expected 192");
    auto off2 = good;
    forge<std::uint64_t>(off2, 144, 0xFFFFFFFFFFFFFFC0ULL);
    check_reason(off2, "section 1 starts at");
    auto huge = good;
    forge<std::uint64_t>(huge, 136, 0xFFFFFFFFFFFFFFFFULL);
    check_reason(huge, "section 0 out of bounds");
    // Section 1 grown from 5 to 60 bytes into its own padding: still inside the file and
    // canonically placed, so the format accepts it (the bytes are all checksummed); the store
    // that owns the section checks that its size fits its parameters.
    auto grown = good;
    forge<std::uint64_t>(grown, 152, 60);
    REQUIRE(read_error(grown, expect_trie()).empty());
    CHECK(read_store(grown, expect_trie()).sections[1].size() == 60);
    auto past = good;
    forge<std::uint64_t>(past, 152, 65);
    check_reason(past, "section 1 out of bounds");
    auto gap = good;
    forge<std::uint64_t>(gap, 136, 10);  // section 0 shrinks: section 1 no longer follows it
    check_reason(gap, "section 1 starts at 320, expected 256");
    auto short_end = good;
    forge<std::uint64_t>(short_end, 152, 0);
    check_reason(short_end, "sections end at 320 but the file has 384 bytes");
    // A byte of padding set, both checksums made to match: refused by the full check (the
    // header-only check reads no section bytes, and takes it).
    auto padded = good;
    padded[192 + 70 + 3] = std::byte{0xAB};  // section 0: 70 bytes at 192, padding to 320
    forge<std::uint64_t>(padded, 48, numrep::detail::xxh3_bytes(std::span<const std::byte>(padded).subspan(192)));
    check_reason(padded, "section 0: its padding is not zero");
    read_expectations header_only = expect_trie();
    header_only.check = numrep::verify::header;
    CHECK(read_error(padded, header_only).empty());
}

TEST_CASE("store files are written atomically and read by mapping or copying", "[format]") {
    temp_dir dir;
    const fs::path path = dir.path / "store.nrs";
    const auto s = make_sample({1000, 3});
    numrep::detail::write_store_file(path, s.description, s.sections);
    const auto expected = write_store(s.description, s.sections);

    const numrep::detail::mapped_file mapped(path);
    CHECK(mapped.size() == expected.size());
    CHECK(reinterpret_cast<std::uintptr_t>(mapped.bytes().data()) % 64 == 0);
    CHECK(std::equal(mapped.bytes().begin(), mapped.bytes().end(), expected.begin(), expected.end()));
    CHECK(numrep::detail::read_file(path) == expected);

    // Replacing the file leaves the existing mapping on the old contents (rename, not rewrite),
    // and leaves no temporary file behind.
    const auto t = make_sample({10});
    numrep::detail::write_store_file(path, t.description, t.sections);
    CHECK(std::equal(mapped.bytes().begin(), mapped.bytes().end(), expected.begin(), expected.end()));
    CHECK(numrep::detail::read_file(path) == write_store(t.description, t.sections));
    std::size_t entries = 0;
    for (const auto& entry : fs::directory_iterator(dir.path)) {
        (void)entry;
        ++entries;
    }
    CHECK(entries == 1);
}

TEST_CASE("files and bytes are the same for large sections, plain or read as atomic words", "[format]") {
    // Sections above the writer's 1 MiB buffer, with odd sizes and padding between them.
    temp_dir dir;
    const fs::path path = dir.path / "large.nrs";
    auto s = make_sample({(std::size_t{5} << 19) + 5, 3, std::size_t{1} << 20});
    numrep::detail::write_store_file(path, s.description, s.sections);
    const auto expected = write_store(s.description, s.sections);
    CHECK(numrep::detail::read_file(path) == expected);
    REQUIRE(read_error(expected, expect_trie()).empty());

    // atomic_words: sections of whole, aligned 64-bit words (as a concurrent bloom filter).
    std::vector<std::vector<std::uint64_t>> words{std::vector<std::uint64_t>((std::size_t{3} << 17) + 3),
                                                  std::vector<std::uint64_t>(1)};
    for (auto& w : words) {
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = i * 0x9E3779B97F4A7C15ULL;
    }
    const std::array<std::span<const std::byte>, 2> word_sections{std::as_bytes(std::span(words[0])),
                                                                  std::as_bytes(std::span(words[1]))};
    const auto plain = write_store(s.description, word_sections);
    CHECK(write_store(s.description, word_sections, numrep::detail::section_access::atomic_words) == plain);
    numrep::detail::write_store_file(path, s.description, word_sections, numrep::detail::section_access::atomic_words);
    CHECK(numrep::detail::read_file(path) == plain);

    // Anything but whole aligned words is refused for atomic reads.
    const std::array<std::span<const std::byte>, 1> odd{std::as_bytes(std::span(words[0])).subspan(1, 8)};
    CHECK_THROWS_AS(write_store(s.description, odd, numrep::detail::section_access::atomic_words),
                    std::invalid_argument);
    CHECK_THROWS_AS(numrep::detail::write_store_file(path, s.description, odd,
                                                     numrep::detail::section_access::atomic_words),
                    std::invalid_argument);
}

TEST_CASE("read_file allocates the file's size once", "[format]") {
    temp_dir dir;
    const fs::path path = dir.path / "sized.bin";
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4096}, std::size_t{1} << 20}) {
        {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            const std::string data(size, 'x');
            out.write(data.data(), static_cast<std::streamsize>(data.size()));
        }
        const auto bytes = numrep::detail::read_file(path);
        CHECK(bytes.size() == size);
        CHECK(bytes.capacity() == size);  // not doubled by probing for growth
    }
}

TEST_CASE("file errors name the path and the reason", "[format]") {
    temp_dir dir;
    const fs::path missing = dir.path / "missing.nrs";
    const auto message_of = [](auto&& f) -> std::string {
        try {
            f();
        } catch (const std::system_error& e) {
            return e.what();
        }
        return "";
    };
    const std::string m1 = message_of([&] { numrep::detail::mapped_file m(missing); });
    CHECK(m1.find(missing.string()) != std::string::npos);
    CHECK(m1.find("cannot open") != std::string::npos);
    CHECK(message_of([&] { numrep::detail::read_file(missing); }).find(missing.string()) != std::string::npos);
    CHECK(message_of([&] { numrep::detail::mapped_file m(dir.path); }).find("cannot open") != std::string::npos);

    // Saving into a directory that does not exist fails cleanly.
    const auto s = make_sample({1});
    CHECK_THROWS_AS(numrep::detail::write_store_file(dir.path / "no" / "such" / "dir.nrs", s.description, s.sections),
                    std::system_error);

    // An empty file maps to nothing and reads as truncated.
    const fs::path empty = dir.path / "empty.nrs";
    std::ofstream(empty).close();
    const numrep::detail::mapped_file m(empty);
    CHECK(m.bytes().empty());
    CHECK(read_error(m.bytes(), expect_trie()).find("truncated") != std::string::npos);
}

TEST_CASE("xxh3_hasher is pinned: files from other builds must hash keys the same", "[format]") {
    // XXH3-64 of the 8 little-endian bytes of the key. A change here breaks every saved store.
    const numrep::xxh3_hasher h;
    std::uint64_t key = 84912345678ULL;
    CHECK(h(key, 0) == XXH3_64bits_withSeed(&key, 8, 0));
    CHECK(h(84912345678ULL, 0) == 0x39e0c1fee9a2321eULL);
    CHECK(h(84912345678ULL, 0x6e756d7265702e62ULL) == 0x187c8396d010a9a3ULL);
    CHECK(h(84912345678ULL, 0) != h(84912345678ULL, 1));
    CHECK(h(84912345678ULL, 0) != h(84912345679ULL, 0));
}

TEST_CASE("a store file of the longest name a directory allows is saved", "[format]") {
    // Its temporary file was named after it with ".tmp-<pid>-<n>" added, past the 255 bytes a name
    // may have: "File name too long", though the file's own name is valid.
    temp_dir dir;
    const fs::path path = dir.path / std::string(255, 'n');
    const auto s = make_sample({100});
    numrep::detail::write_store_file(path, s.description, s.sections);
    CHECK(numrep::detail::read_file(path) == write_store(s.description, s.sections));
    numrep::detail::write_store_file(path, s.description, s.sections);  // over itself too
    std::size_t entries = 0;
    for (const auto& entry : fs::directory_iterator(dir.path)) {
        (void)entry;
        ++entries;
    }
    CHECK(entries == 1);
}
