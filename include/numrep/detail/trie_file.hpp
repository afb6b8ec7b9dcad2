// A trie_store's file: store kind trie_store, layout 2, 3 or 4, 13 sections (docs/file-format.md).
// Writing is one call; reading validates the file in named steps, each before anything it
// checks is used, and produces the views of detail/trie_layout.hpp.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../trie_value_traits.hpp"
#include "bit_vector.hpp"
#include "bitmap_set.hpp"
#include "elias_fano.hpp"
#include "file_format.hpp"
#include "rice_set.hpp"
#include "throw.hpp"
#include "trie_layout.hpp"

namespace numrep::detail {

// Layout 3 adds bitmap groups (the group record's eighth field, zero in layout 2, names the
// encoding); layout 4 adds Rice groups and a ninth field, the group's code bits. A store is
// written in the oldest layout that holds its groups, which older readers open.
inline constexpr std::uint64_t trie_layout_elias_fano_only = 2;
inline constexpr std::uint64_t trie_layout_bitmaps = 3;
inline constexpr std::uint64_t trie_layout_version = 4;  // the newest
// Per group: length, c, first chunk, chunks, non-empty, keys, low bits, encoding (layouts 2
// and 3); then the code bits of a Rice group, zero for others (layout 4).
inline constexpr std::size_t trie_group_fields = 8;
inline constexpr std::size_t trie_group_fields_rice = 9;
inline constexpr std::size_t trie_group_fields_of(std::uint64_t layout) noexcept {
    return layout >= trie_layout_version ? trie_group_fields_rice : trie_group_fields;
}

enum trie_section : std::size_t {
    trie_s_groups,
    trie_s_chunk_words,
    trie_s_chunk_ranks,
    trie_s_chunk_select1,
    trie_s_chunk_select0,
    trie_s_high_words,  // the high bits of an Elias-Fano group, the bitmap of a bitmap group
    trie_s_high_ranks,
    trie_s_high_select1,
    trie_s_high_select0,  // nothing for a bitmap group
    trie_s_high_dir,
    trie_s_low_words,
    trie_s_value_fields,  // per field {smallest, bit width, largest}
    trie_s_value_words,
    trie_section_count,
};

enum trie_param : std::size_t {
    trie_p_size,
    trie_p_groups,
    trie_p_value_kind,
    trie_p_field_count,
    trie_p_record_width,
    trie_p_layout,
};

// The contents of every section, as the builder makes them.
struct trie_sections {
    store_description description;
    std::vector<std::uint64_t> groups;
    std::vector<std::uint64_t> chunk_words;
    std::vector<std::uint32_t> chunk_ranks, chunk_select1, chunk_select0;
    std::vector<std::uint64_t> high_words;
    std::vector<std::uint32_t> high_ranks, high_select1, high_select0;
    std::vector<std::uint32_t> high_dir;
    std::vector<std::uint64_t> low_words;
    std::vector<std::uint64_t> value_fields;
    std::vector<std::uint64_t> value_words;
};

inline std::vector<std::byte> write_trie_file(const trie_sections& s) {
    const std::array<std::span<const std::byte>, trie_section_count> sections{
        std::as_bytes(std::span(s.groups)),        std::as_bytes(std::span(s.chunk_words)),
        std::as_bytes(std::span(s.chunk_ranks)),   std::as_bytes(std::span(s.chunk_select1)),
        std::as_bytes(std::span(s.chunk_select0)), std::as_bytes(std::span(s.high_words)),
        std::as_bytes(std::span(s.high_ranks)),    std::as_bytes(std::span(s.high_select1)),
        std::as_bytes(std::span(s.high_select0)),  std::as_bytes(std::span(s.high_dir)),
        std::as_bytes(std::span(s.low_words)),     std::as_bytes(std::span(s.value_fields)),
        std::as_bytes(std::span(s.value_words)),
    };
    return write_store(s.description, sections);
}

// What the opening store holds: any kind (a set reads the keys of any store), or exactly one.
struct trie_value_expectation {
    bool any_kind = false;
    std::uint64_t kind = 0;
    std::size_t field_count = 0;
    std::uint64_t field_max = 0;
    const char* name = "";
};

template <std::size_t Fields>
struct trie_file_view {
    trie_keys keys;
    trie_values<Fields> values;
    std::size_t field_count = 0;  // as stored (a set opened on a map file ignores them)
    std::uint64_t key_bytes = 0;
    std::uint64_t value_bytes = 0;
};

// Reads and validates a trie_store file: the header, the value fields, the group table, every
// section's size against what the groups imply, then (when `deep`) every table against its bits.
template <std::size_t Fields>
class trie_file_reader {
public:
    trie_file_reader(std::span<const std::byte> bytes, const std::string& source, const trie_value_expectation& want)
        : bytes_(bytes), source_(source), want_(want) {}

    trie_file_view<Fields> read(verify check, bool deep) {
        read_expectations expect;
        expect.source = source_;
        expect.kind = store_kind::trie_store;
        expect.min_sections = trie_section_count;
        expect.max_sections = trie_section_count;
        expect.check = check;
        view_ = read_store(bytes_, expect);
        check_header();
        read_value_fields();
        read_group_table();
        check_section_sizes();
        point_views(deep);
        return std::move(out_);
    }

private:
    [[noreturn]] void fail(const std::string& reason) const { throw_format_error(source_ + ": " + reason); }
    [[noreturn]] void fail_group(std::size_t i, const std::string& reason) const {
        fail("group " + std::to_string(i) + ": " + reason);
    }
    std::uint64_t param(trie_param p) const noexcept { return view_.description.params[p]; }
    std::size_t group_fields() const noexcept { return trie_group_fields_of(param(trie_p_layout)); }
    std::span<const std::byte> section(trie_section s) const noexcept { return view_.sections[s]; }
    template <class T>
    const T* section_as(trie_section s) const noexcept {
        return reinterpret_cast<const T*>(view_.sections[s].data());
    }

    void check_header() const {
        if (param(trie_p_layout) < trie_layout_elias_fano_only || param(trie_p_layout) > trie_layout_version) {
            fail("unknown trie layout " + std::to_string(param(trie_p_layout)) + " (this build reads layouts " +
                 std::to_string(trie_layout_elias_fano_only) + " to " + std::to_string(trie_layout_version) + ")");
        }
        if (view_.description.params[6] != 0 || view_.description.params[7] != 0)
            fail("reserved parameters are not zero");
        if (view_.description.hash_seed != 0) fail("hash seed is not zero (a trie_store hashes nothing)");
        if (param(trie_p_size) > std::numeric_limits<std::uint32_t>::max()) {
            fail("key count " + std::to_string(param(trie_p_size)) + " exceeds " +
                 std::to_string(std::numeric_limits<std::uint32_t>::max()));
        }
        if (param(trie_p_groups) > trie_max_groups)
            fail("group count " + std::to_string(param(trie_p_groups)) + " is not in 0..15");
        if (section(trie_s_groups).size() != param(trie_p_groups) * group_fields() * 8) {
            fail("group table has " + std::to_string(section(trie_s_groups).size()) + " bytes, " +
                 std::to_string(param(trie_p_groups)) + " groups need " +
                 std::to_string(param(trie_p_groups) * group_fields() * 8));
        }
    }

    static std::string describe_kind(std::uint64_t kind, std::uint64_t fields) {
        if (kind == 0) return "no values (a set)";
        if (kind == 1) return "unsigned integer values";
        if (kind == 2) return "number_record values (a ReputationDB's report records: open its directory)";
        return "values of kind " + std::to_string(kind) + " with " + std::to_string(fields) + " fields";
    }

    // The value kind the file names, and per field {smallest, width, largest}: the width must be
    // exactly what largest - smallest needs, and the packed array must hold size records.
    void read_value_fields() {
        const std::uint64_t kind = param(trie_p_value_kind);
        const std::uint64_t fields = param(trie_p_field_count);
        if ((kind == 0) != (fields == 0) || (kind == 1 && fields != 1) || fields > trie_max_fields) {
            fail("field count " + std::to_string(fields) + " does not match the value kind " + std::to_string(kind));
        }
        if (!want_.any_kind && (kind != want_.kind || fields != want_.field_count)) {
            fail("the file holds " + describe_kind(kind, fields) + ", this trie_store has " + want_.name);
        }
        if (section(trie_s_value_fields).size() != fields * 24) fail("value field table has the wrong size");
        const auto* table = section_as<std::uint64_t>(trie_s_value_fields);
        std::uint64_t record_width = 0;
        for (std::size_t f = 0; f < fields; ++f) {
            const std::uint64_t base = table[3 * f];
            const std::uint64_t width = table[3 * f + 1];
            const std::uint64_t largest = table[3 * f + 2];
            const std::string field = "value field " + std::to_string(f);
            if (width > 64) fail(field + " is " + std::to_string(width) + " bits wide");
            if (largest < base || static_cast<std::uint64_t>(std::bit_width(largest - base)) != width) {
                fail(field + ": range " + std::to_string(base) + ".." + std::to_string(largest) +
                     " does not match its width " + std::to_string(width));
            }
            if (!want_.any_kind) {
                if (largest > want_.field_max) {
                    fail(field + " holds values up to " + std::to_string(largest) +
                         ", which do not fit this trie_store's value type");
                }
                out_.values.base[f] = base;
                out_.values.width[f] = static_cast<unsigned>(width);
                out_.values.offset[f] = record_width;
            }
            record_width += width;
        }
        if (record_width != param(trie_p_record_width)) fail("record width does not match the value fields");
        const std::uint64_t expected = packed_words(param(trie_p_size), record_width) * 8;
        if (section(trie_s_value_words).size() != expected) {
            fail("value array has " + std::to_string(section(trie_s_value_words).size()) + " bytes, expected " +
                 std::to_string(expected));
        }
        out_.field_count = want_.any_kind ? 0 : static_cast<std::size_t>(fields);
        out_.values.record_width = record_width;
        out_.values.words = section_as<std::uint64_t>(trie_s_value_words);
        out_.values.index_fields();
        out_.value_bytes = section(trie_s_value_fields).size() + section(trie_s_value_words).size();
    }

    // Each group record's fields in range and in order; the shapes of its bitmaps and codes.
    void read_group_table() {
        const auto* g = section_as<std::uint64_t>(trie_s_groups);
        std::uint64_t keys = 0;
        unsigned previous_length = 0;
        bool any_bitmap = false;
        bool any_rice = false;
        const std::uint64_t layout = param(trie_p_layout);
        for (std::size_t i = 0; i < param(trie_p_groups); ++i) {
            const std::uint64_t* r = g + group_fields() * i;
            const std::uint64_t length = r[0], c = r[1], first_chunk = r[2], chunk_count = r[3], nonempty = r[4],
                                count = r[5], low_bits = r[6], encoding = r[7];
            const std::uint64_t code_bits = layout >= trie_layout_version ? r[8] : 0;
            if (length <= previous_length || length > 15)
                fail_group(i, "key length " + std::to_string(length) + " out of order");
            if (c >= length) fail_group(i, "chunk exponent " + std::to_string(c) + " not below the key length");
            if (layout == trie_layout_elias_fano_only && encoding != 0)
                fail_group(i, "encoding " + std::to_string(encoding) + " in a layout 2 file (reserved, zero)");
            const auto newest = layout >= trie_layout_version ? trie_encoding::rice : trie_encoding::bitmap;
            if (encoding > static_cast<std::uint64_t>(newest)) {
                fail_group(i, "unknown encoding " + std::to_string(encoding) + " in a layout " +
                                  std::to_string(layout) + " file");
            }
            if (encoding != static_cast<std::uint64_t>(trie_encoding::rice) && code_bits != 0)
                fail_group(i, "code bits " + std::to_string(code_bits) + " in a group without Rice codes");
            const std::uint64_t pow = pow10[c];
            const std::uint64_t chunk_min = pow10[length - 1] / pow;
            const std::uint64_t chunk_max = (pow10[length] - 1) / pow;
            if (first_chunk < chunk_min || first_chunk > chunk_max || chunk_count == 0 ||
                chunk_count - 1 > chunk_max - first_chunk) {
                fail_group(i, "chunks outside the keys of length " + std::to_string(length));
            }
            if (chunk_count > bv_max_bits) fail_group(i, "too many chunks");
            if (nonempty == 0 || nonempty > chunk_count) fail_group(i, "non-empty chunk count out of range");
            if (count == 0 || count > nonempty * pow) fail_group(i, "key count out of range");
            keys += count;  // each count <= 2^50, at most 15 of them
            if (keys > param(trie_p_size))
                fail_group(i, "more keys than the header's count");  // also bounds the shapes
            const std::uint64_t universe = nonempty * pow;           // <= 10^15: the chunks are keys of this length
            encodings_[i] = static_cast<trie_encoding>(encoding);
            if (encodings_[i] == trie_encoding::bitmap) {
                any_bitmap = true;
                if (low_bits != 0) fail_group(i, "a bitmap group has low bit width " + std::to_string(low_bits));
                if (universe > bv_max_bits)
                    fail_group(i, "bitmap of " + std::to_string(universe) + " bits is too large");
                main_shapes_[i] = bitmap_set_shape{count, universe}.bits();
                ef_shapes_[i] = {};
            } else if (encodings_[i] == trie_encoding::rice) {
                any_rice = true;
                if (low_bits > rice_max_k)
                    fail_group(i, "Rice parameter " + std::to_string(low_bits) + " is above " +
                                      std::to_string(rice_max_k));
                // Each value costs at least its one; each at most 2^7 zeros more.
                if (code_bits < count || code_bits > rice_max_code_bits ||
                    code_bits - count > (count << rice_bucket_extra)) {
                    fail_group(i, "code bits " + std::to_string(code_bits) + " do not fit " + std::to_string(count) +
                                      " values");
                }
                rice_shapes_[i] = {count, universe, static_cast<unsigned>(low_bits), code_bits};
                main_shapes_[i] = {};
                ef_shapes_[i] = {};
            } else {
                const elias_fano_shape ef{count, universe};
                if (low_bits != ef.low_bits()) {
                    fail_group(i, "low bit width " + std::to_string(low_bits) + " is not " +
                                      std::to_string(ef.low_bits()));
                }
                main_shapes_[i] = ef.high();
                ef_shapes_[i] = ef;
            }
            chunk_shapes_[i] = {chunk_count, nonempty};
            previous_length = static_cast<unsigned>(length);
        }
        if (keys != param(trie_p_size)) {
            fail("groups hold " + std::to_string(keys) + " keys, the header says " +
                 std::to_string(param(trie_p_size)));
        }
        // One reading of every file: each layout only when it needs to be.
        if (layout == trie_layout_version && !any_rice)
            fail("layout 4 without a Rice group (such a store is written as layout 2 or 3)");
        if (layout == trie_layout_bitmaps && !any_bitmap)
            fail("layout 3 without a bitmap group (such a store is written as layout 2)");
    }

    // Every bitmap, table and code section holds exactly what the groups need.
    void check_section_sizes() const {
        std::array<std::uint64_t, trie_section_count> need{};
        for (std::size_t i = 0; i < param(trie_p_groups); ++i) {
            const auto cs = chunk_shapes_[i];
            const auto hs = main_shapes_[i];
            need[trie_s_chunk_words] += cs.words() * 8;
            need[trie_s_chunk_ranks] += cs.rank_entries() * 4;
            need[trie_s_chunk_select1] += cs.select1_entries() * 4;
            need[trie_s_chunk_select0] += cs.select0_entries() * 4;
            if (encodings_[i] == trie_encoding::rice) {
                need[trie_s_high_words] += rice_shapes_[i].code_words() * 8;  // the codes, without tables
            } else {
                need[trie_s_high_words] += hs.words() * 8;
                need[trie_s_high_ranks] += hs.rank_entries() * 4;
                need[trie_s_high_select1] += hs.select1_entries() * 4;
                need[trie_s_high_select0] += hs.select0_entries() * 4;
            }
            need[trie_s_high_dir] += dir_entries(i) * 4;
            need[trie_s_low_words] += low_words(i) * 8;
        }
        static constexpr std::array<std::pair<trie_section, const char*>, 10> named{{
            {trie_s_chunk_words, "chunk bitmap"},
            {trie_s_chunk_ranks, "chunk rank table"},
            {trie_s_chunk_select1, "chunk select table"},
            {trie_s_chunk_select0, "chunk select table"},
            {trie_s_high_words, "high-bit vector (and bitmaps, Rice codes)"},
            {trie_s_high_ranks, "high-bit rank table"},
            {trie_s_high_select1, "high-bit select table"},
            {trie_s_high_select0, "high-bit select table"},
            {trie_s_high_dir, "bucket directory"},
            {trie_s_low_words, "low-bit array"},
        }};
        for (const auto& [s, what] : named) {
            if (section(s).size() != need[s]) {
                fail(std::string(what) + " has " + std::to_string(section(s).size()) + " bytes, the groups need " +
                     std::to_string(need[s]));
            }
        }
    }

    // Points each group's views at its part of the sections; with `deep`, checks every rank and
    // select table against its bits and the keys' order.
    void point_views(bool deep) {
        const auto* cw = section_as<std::uint64_t>(trie_s_chunk_words);
        const auto* cr = section_as<std::uint32_t>(trie_s_chunk_ranks);
        const auto* c1 = section_as<std::uint32_t>(trie_s_chunk_select1);
        const auto* c0 = section_as<std::uint32_t>(trie_s_chunk_select0);
        const auto* hw = section_as<std::uint64_t>(trie_s_high_words);
        const auto* hr = section_as<std::uint32_t>(trie_s_high_ranks);
        const auto* h1 = section_as<std::uint32_t>(trie_s_high_select1);
        const auto* h0 = section_as<std::uint32_t>(trie_s_high_select0);
        const auto* hd = section_as<std::uint32_t>(trie_s_high_dir);
        const auto* lw = section_as<std::uint64_t>(trie_s_low_words);
        const auto* g = section_as<std::uint64_t>(trie_s_groups);
        trie_keys& keys = out_.keys;
        std::uint64_t rank_base = 0;
        std::uint64_t structure_bytes = section(trie_s_groups).size();
        for (std::size_t i = 0; i < param(trie_p_groups); ++i) {
            const std::uint64_t* r = g + group_fields() * i;
            trie_group& gr = keys.groups[i];
            const auto cs = chunk_shapes_[i];
            const auto ef = ef_shapes_[i];
            const auto hs = main_shapes_[i];
            gr.length = static_cast<unsigned>(r[0]);
            gr.c = static_cast<unsigned>(r[1]);
            gr.pow = pow10[gr.c];
            gr.first_chunk = r[2];
            gr.first_key = r[2] * gr.pow;
            gr.end_key = (r[2] + r[3]) * gr.pow;
            gr.count = r[5];
            gr.rank_base = rank_base;
            gr.universe = r[4] * gr.pow;
            gr.encoding = encodings_[i];
            gr.chunks = bit_vector_view(cs, cw, cr, c1, c0);
            const auto rs = rice_shapes_[i];
            if (gr.dense()) {
                gr.bitmap = bitmap_set_view(bit_vector_view(hs, hw, hr, h1, h0));
            } else if (gr.coded()) {
                gr.rice = rice_set_view(rs, hw, lw, hd);
                // The directory's end pair is the codes' end: checked here, at every open, since
                // a lookup trusts a bucket's directory entries only as far as the code bits go.
                const auto end = gr.rice.start(rs.buckets());
                if (end.index != rs.n || end.index + end.zeros != rs.code_bits)
                    fail_group(i, "Rice directory ends at " + std::to_string(end.index) + " values and " +
                                      std::to_string(end.index + end.zeros) + " code bits, the group has " +
                                      std::to_string(rs.n) + " and " + std::to_string(rs.code_bits));
            } else {
                gr.ef = elias_fano_view(ef, bit_vector_view(hs, hw, hr, h1, h0), lw, hd);
            }
            if (deep) {
                const auto check = [&](const char* what, const std::string& why) {
                    if (!why.empty()) fail_group(i, std::string(what) + ": " + why);
                };
                check("chunk bitmap", check_bit_vector({cw, static_cast<std::size_t>(cs.words())}, cs,
                                                       {cr, static_cast<std::size_t>(cs.rank_entries())},
                                                       {c1, static_cast<std::size_t>(cs.select1_entries())},
                                                       {c0, static_cast<std::size_t>(cs.select0_entries())}));
                // A bitmap's ones are its keys: with the count checked here, they are distinct,
                // ascending and below the universe by construction.
                if (gr.coded()) {
                    check("keys", check_rice_set(gr.rice, hw, rs));
                } else {
                    check(gr.dense() ? "bitmap" : "high bits",
                          check_bit_vector({hw, static_cast<std::size_t>(hs.words())}, hs,
                                           {hr, static_cast<std::size_t>(hs.rank_entries())},
                                           {h1, static_cast<std::size_t>(hs.select1_entries())},
                                           {h0, static_cast<std::size_t>(hs.select0_entries())}));
                }
                if (!gr.dense() && !gr.coded()) check("keys", check_elias_fano(gr.ef));
                if (!gr.chunks.get(0) || !gr.chunks.get(cs.bits - 1))
                    check("chunk bitmap", "first or last chunk is empty");
            }
            cw += cs.words();
            cr += cs.rank_entries();
            c1 += cs.select1_entries();
            c0 += cs.select0_entries();
            if (gr.coded()) {
                hw += rs.code_words();
            } else {
                hw += hs.words();
                hr += hs.rank_entries();
                h1 += hs.select1_entries();
                h0 += hs.select0_entries();
            }
            hd += dir_entries(i);
            lw += low_words(i);
            structure_bytes += cs.size_in_bytes() + (gr.dense()   ? hs.size_in_bytes()
                                                     : gr.coded() ? rs.size_in_bytes()
                                                                  : ef.size_in_bytes());
            rank_base += gr.count;
        }
        keys.group_count = static_cast<std::size_t>(param(trie_p_groups));
        keys.size = param(trie_p_size);
        keys.index_lengths();
        out_.key_bytes = structure_bytes;
    }

    // A bitmap group has no bucket directory and no low bits (not even the packed array's
    // padding word); a Rice group its own directory and low bits.
    std::uint64_t dir_entries(std::size_t i) const noexcept {
        if (encodings_[i] == trie_encoding::rice) return rice_shapes_[i].dir_entries();
        return encodings_[i] == trie_encoding::bitmap ? 0 : ef_shapes_[i].dir_entries();
    }
    std::uint64_t low_words(std::size_t i) const noexcept {
        if (encodings_[i] == trie_encoding::rice) return rice_shapes_[i].low_words();
        return encodings_[i] == trie_encoding::bitmap ? 0 : ef_shapes_[i].low_words();
    }

    std::span<const std::byte> bytes_;
    const std::string& source_;
    trie_value_expectation want_;
    store_view view_;
    std::array<bit_vector_shape, trie_max_groups> chunk_shapes_{};
    std::array<elias_fano_shape, trie_max_groups> ef_shapes_{};
    std::array<bit_vector_shape, trie_max_groups> main_shapes_{};  // EF high bits or the bitmap (none for Rice)
    std::array<rice_set_shape, trie_max_groups> rice_shapes_{};
    std::array<trie_encoding, trie_max_groups> encodings_{};
    trie_file_view<Fields> out_;
};

}  // namespace numrep::detail
