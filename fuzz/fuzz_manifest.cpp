// Fuzzes the database manifest reader (detail/db_manifest.hpp) past its checksum: a flipped
// byte of a real manifest is refused by the checksum alone (fuzz_db covers that), so here the
// first byte chooses whether the harness appends a correct checksum line to the text, which
// lets every later check see fuzzed content. Checks:
//  - parse_manifest throws numrep::format_error (nothing else) or returns a manifest;
//  - a manifest it accepts is canonical: format_manifest gives back exactly the input bytes;
//  - its settings are within the documented ranges, its shards cover every key in order, and
//    its store names follow from generation and shard (never a path).
#include <numrep/detail/db_manifest.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

namespace manifest = numrep::detail::db_manifest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool add_checksum = (data[0] & 1) != 0;
    std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    if (add_checksum) {
        if (!text.empty() && text.back() != '\n') text += '\n';
        text += "checksum=" +
                manifest::hex16(numrep::detail::xxh3_bytes(std::as_bytes(std::span(text.data(), text.size())))) + "\n";
    }
    manifest::manifest m;
    try {
        m = manifest::parse_manifest(text, "MANIFEST");
    } catch (const numrep::format_error&) {
        return 0;
    }
    NUMREP_FUZZ_CHECK(manifest::format_manifest(m) == text, "accepted a manifest that is not canonical");
    NUMREP_FUZZ_CHECK(manifest::settings_problem(m).empty(), "accepted settings out of range");
    NUMREP_FUZZ_CHECK(!m.shards.empty() && m.shards.front().first_key == 0 &&
                          m.shards.back().last_key == std::numeric_limits<std::uint64_t>::max(),
                      "shards do not cover every key");
    for (std::size_t i = 0; i < m.shards.size(); ++i) {
        const std::uint64_t g = manifest::generation_of_store(m.shards[i].records.name, true, i);
        NUMREP_FUZZ_CHECK(g >= 1 && g <= m.generation && m.shards[i].records.name == manifest::records_name(g, i) &&
                              m.shards[i].bloom.name == manifest::bloom_name(g, i),
                          "shard %zu names a file numrep would not", i);
        if (i > 0) NUMREP_FUZZ_CHECK(m.shards[i].first_key == m.shards[i - 1].last_key + 1, "gap at shard %zu", i);
    }
    return 0;
}
