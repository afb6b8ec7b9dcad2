// What every numrep store file names in its header (its kind) and how much of a file to verify
// when opening it. The format itself: docs/file-format.md.
#pragma once

#include <cstdint>
#include <string_view>

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

}  // namespace numrep
