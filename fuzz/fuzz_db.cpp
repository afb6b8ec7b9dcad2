// Fuzzes the database directory against its contract: reputation_db::open of a damaged
// directory either throws or answers every number exactly as the intact database did.
// At start-up a database of a few hundred reported numbers is built and saved, and the verdict
// on each number (and on some never reported) is remembered. Per input the directory is copied,
// ONE of its files (found by listing the directory, whatever the format version names them) is
// changed, and the copy is opened. Input: byte 0 picks the file (in name order), byte 1 the
// change (0 replace with the data, 1 overwrite at the offset, 2 truncate at the offset, 3 flip the
// bits the data names, 4 insert the data at the offset, 5 append it, 6 delete the file, 7 swap a
// byte with its neighbour), bytes 2-3 the offset (big-endian, modulo the file size + 1), then the data.
#include <numrep/error.hpp>
#include <numrep/reputation_builder.hpp>
#include <numrep/reputation_db.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t now = 1'750'000'000;  // fixed, so that verdicts are comparable
constexpr std::int64_t day = 86400;

struct baseline {
    fs::path dir;
    std::vector<std::uint64_t> keys;  // reported and never-reported numbers
    std::vector<numrep::reputation_verdict> verdicts;
};

bool same(const numrep::reputation_verdict& a, const numrep::reputation_verdict& b) {
    return a.key == b.key && a.reported == b.reported && a.record == b.record && a.score.score == b.score.score &&
           a.score.level == b.score.level && a.score.delisted == b.score.delisted &&
           a.score.recent_reports == b.score.recent_reports && a.score.distinct_sources == b.score.distinct_sources &&
           a.info.valid == b.info.valid && a.info.type == b.info.type && a.info.carrier == b.info.carrier;
}

const baseline& intact() {
    static const baseline b = [] {
        baseline out;
        numrep::reputation_builder builder;
        std::uint64_t x = 12345;
        for (int i = 0; i < 300; ++i) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            // Vietnamese mobiles, US numbers and a few elsewhere; some reported many times.
            const std::uint64_t key = i % 3 == 0   ? 84900000000ULL + (x >> 40) % 100000000
                                      : i % 3 == 1 ? 12020000000ULL + (x >> 40) % 10000000
                                                   : 442000000000ULL + (x >> 40) % 1000000000;
            const int reports = 1 + static_cast<int>((x >> 20) % 5);
            for (int r = 0; r < reports; ++r) {
                const auto category = static_cast<numrep::report_category>((x >> (8 + r)) %
                                                                           numrep::report_category_count);
                builder.add(key, category, now - static_cast<std::int64_t>((x >> (16 + r)) % 400) * day,
                            static_cast<std::uint32_t>(r + i), r == 4);
            }
            out.keys.push_back(key);
            out.keys.push_back(key + 1);  // most of these were never reported
        }
        numrep::reputation_db db = numrep::reputation_db::build(builder);
        out.dir = numrep_fuzz::scratch_dir() / "intact";
        db.save(out.dir);
        const numrep::reputation_db opened = numrep::reputation_db::open(out.dir);
        for (const std::uint64_t key : out.keys) {
            out.verdicts.push_back(opened.check(key, now));
            NUMREP_FUZZ_CHECK(same(out.verdicts.back(), db.check(key, now)),
                              "the saved database answers %llu differently from the one built",
                              static_cast<unsigned long long>(key));
        }
        return out;
    }();
    return b;
}

std::vector<char> read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write(const fs::path& path, const std::vector<char>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A fresh copy of the intact database. libFuzzer's timer signals can interrupt the kernel's
// file copy (EINTR, seen once in CI as "cannot copy: Interrupted system call"): copy again then.
void copy_fresh(const fs::path& from, const fs::path& to) {
    for (int attempt = 1;; ++attempt) {
        std::error_code error;
        fs::remove_all(to);
        fs::copy(from, to, fs::copy_options::recursive, error);
        if (!error) return;
        if (error != std::errc::interrupted || attempt == 100) throw fs::filesystem_error("copy", from, to, error);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)intact();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const baseline& base = intact();
    numrep_fuzz::input in(data, size);
    const std::uint8_t which = in.byte();
    const std::uint8_t change = in.byte() % 8;
    const std::uint32_t offset_bytes = (std::uint32_t{in.byte()} << 8) | in.byte();
    const std::string_view payload = in.rest_text();

    const fs::path dir = numrep_fuzz::scratch_dir() / "damaged";
    copy_fresh(base.dir, dir);
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) files.push_back(entry.path());
    NUMREP_FUZZ_CHECK(!files.empty(), "the saved database has no files");
    std::sort(files.begin(), files.end());
    const fs::path target = files[which % files.size()];

    std::vector<char> bytes = read(target);
    const std::size_t offset = offset_bytes % (bytes.size() + 1);
    switch (change) {
        case 0: bytes.assign(payload.begin(), payload.end()); break;
        case 1:
            for (std::size_t i = 0; i < payload.size() && offset + i < bytes.size(); ++i)
                bytes[offset + i] = payload[i];
            break;
        case 2: bytes.resize(offset); break;
        case 3:
            for (std::size_t i = 0; i + 1 < payload.size() && !bytes.empty(); i += 2) {
                const std::size_t at = ((static_cast<std::size_t>(static_cast<unsigned char>(payload[i])) << 8) |
                                        static_cast<unsigned char>(payload[i + 1])) %
                                       (bytes.size() * 8);
                bytes[at / 8] = static_cast<char>(bytes[at / 8] ^ (1 << (at % 8)));
            }
            break;
        case 4:
            bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(offset), payload.begin(), payload.end());
            break;
        case 5: bytes.insert(bytes.end(), payload.begin(), payload.end()); break;
        case 6: break;
        default:
            if (offset + 1 < bytes.size()) std::swap(bytes[offset], bytes[offset + 1]);
            break;
    }
    if (change == 6) fs::remove(target);
    else
        write(target, bytes);

    std::optional<numrep::reputation_db> db;
    try {
        db.emplace(numrep::reputation_db::open(dir));
    } catch (const std::exception&) {
        return 0;  // refused: as the contract allows
    }
    for (std::size_t i = 0; i < base.keys.size(); ++i) {
        const numrep::reputation_verdict v = db->check(base.keys[i], now);
        const numrep::reputation_verdict& want = base.verdicts[i];
        NUMREP_FUZZ_CHECK(same(v, want),
                          "the database opened after change %d to %s answers %llu differently: reported %d score %.17g "
                          "level %d (intact: reported %d score %.17g level %d)",
                          int{change}, target.filename().c_str(), static_cast<unsigned long long>(base.keys[i]),
                          int{v.reported}, v.score.score, static_cast<int>(v.score.level), int{want.reported},
                          want.score.score, static_cast<int>(want.score.level));
    }
    return 0;
}
