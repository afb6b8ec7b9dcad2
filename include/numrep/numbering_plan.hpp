// numrep::numbering_plan: longest-prefix lookup from a key to what the plan says about it
// (allocated carrier, type, region, validity): a digit trie with answers resolved per (node,
// length), so a lookup is a walk and one read. Design: docs/architecture.md ("Numbering plans").
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/file_error.hpp"
#include "detail/key.hpp"
#include "detail/mapped_file.hpp"
#include "detail/throw.hpp"
#include "detail/unicode.hpp"
#include "detail/world_names.hpp"
#include "detail/world_rules.hpp"
#include "phone_number.hpp"
#include "string_interner.hpp"

namespace numrep {

// libphonenumber's number types, plus short_code (Vietnam's plan). Values are stable: they
// are stored in NumPy columns and files, so new types go at the end.
enum class number_type : std::uint8_t {
    unknown = 0,
    mobile,
    fixed_line,
    toll_free,
    premium_rate,
    voip,
    uan,         // universal access numbers: government, public security, companies
    short_code,  // emergency and service numbers such as 113
    shared_cost,
    personal_number,
    pager,
    voicemail,
    fixed_line_or_mobile,  // the plan cannot tell (as in the US)
};

inline constexpr std::array<std::string_view, 13> number_type_names{
    "unknown",     "mobile",          "fixed_line", "toll_free", "premium_rate",        "voip", "uan", "short_code",
    "shared_cost", "personal_number", "pager",      "voicemail", "fixed_line_or_mobile"};

constexpr std::string_view to_string(number_type t) noexcept {
    const auto i = static_cast<std::size_t>(t);
    return i < number_type_names.size() ? number_type_names[i] : "unknown";
}

// What a plan says about one number. The string views point into the plan and stay valid
// while the plan lives unchanged (the built-in plans live for the whole program).
struct number_info {
    std::string_view carrier;      // allocated carrier, "" when the plan names none
    std::string_view region;       // geographic area (province, state) for geographic numbers, else ""
    std::string_view region_code;  // ISO 3166 region the number belongs to ("US", "CA"; "001" for
                                   // non-geographic codes such as +800); "" when the plan knows none
    number_type type = number_type::unknown;
    bool valid = false;            // a prefix rule for this length matched
    std::uint16_t carrier_id = 0;  // 1-based index into numbering_plan::carriers(); 0 for none
    std::uint16_t region_id = 0;   // 1-based index into numbering_plan::regions(); 0 for none
};

// One rule of a plan: numbers starting with `prefix` (digits, country code included).
struct prefix_rule {
    std::string_view prefix;
    number_type type = number_type::unknown;
    std::string_view carrier;
    std::string_view region;
    // Bit L set: numbers whose national part has L digits are valid here. 0 makes a hint that
    // applies at every length (carrier or region data from files) but validates nothing; on a
    // plan with the world base, where the world data then decides type and validity, a hint's
    // carrier names only mobile (fixed-line-or-mobile, pager) numbers and its region only valid
    // geographic ones, as libphonenumber's carrier mapper and geocoder do (docs/world-plan.md).
    std::uint32_t national_lengths = 0;
};

constexpr std::uint32_t lengths(std::initializer_list<int> national_lengths) noexcept {
    std::uint32_t mask = 0;
    for (int l : national_lengths) mask |= std::uint32_t{1} << l;
    return mask;
}

// Tag for a plan built on the world data (every region libphonenumber knows).
struct world_base_t {
    explicit world_base_t() = default;
};
inline constexpr world_base_t world_base{};

class numbering_plan {
public:
    // An empty plan: knows nothing until rules are added.
    numbering_plan() {
        nodes_.emplace_back();
        resolve();
    }
    // A plan that knows every region (libphonenumber's metadata, its carriers and the NANP
    // area codes, built in: detail/world_data.hpp); rules added on top are an overlay: where
    // they validate numbers of a country code, they decide validity and type for that code.
    explicit numbering_plan(world_base_t) : numbering_plan() {
        world_ = true;
        for (std::size_t i = 1; i < detail::world::carrier_names.size(); ++i)
            intern(carriers_, detail::world::carrier_names[i]);
        for (std::size_t i = 1; i < detail::world::area_names.size(); ++i)
            intern(regions_, detail::world::area_names[i]);
    }
    numbering_plan(const numbering_plan&) = default;
    numbering_plan& operator=(const numbering_plan&) = default;
    // Moving a deque hands over its blocks, so the name views stay valid. The moved-from plan
    // is an empty one (as numbering_plan()), not one without its root node, where lookup and add
    // crashed. (noexcept: an empty plan's few bytes; std::terminate if even they cannot be had.)
    numbering_plan(numbering_plan&& other) noexcept
        : nodes_(std::move(other.nodes_)),
          entries_(std::move(other.entries_)),
          carriers_(std::move(other.carriers_)),
          regions_(std::move(other.regions_)),
          answers_(std::move(other.answers_)),
          world_rows_(std::move(other.world_rows_)),
          results_(std::move(other.results_)),
          first_steps_(std::move(other.first_steps_)),
          rule_count_(other.rule_count_),
          generation_(other.generation_),
          world_(other.world_),
          overlay_codes_(other.overlay_codes_) {
        other.become_empty();
    }
    numbering_plan& operator=(numbering_plan&& other) noexcept {
        if (this != &other) {
            nodes_ = std::move(other.nodes_);
            entries_ = std::move(other.entries_);
            carriers_ = std::move(other.carriers_);
            regions_ = std::move(other.regions_);
            answers_ = std::move(other.answers_);
            world_rows_ = std::move(other.world_rows_);
            results_ = std::move(other.results_);
            first_steps_ = std::move(other.first_steps_);
            rule_count_ = other.rule_count_;
            generation_ = other.generation_;
            world_ = other.world_;
            overlay_codes_ = other.overlay_codes_;
            other.become_empty();
        }
        return *this;
    }
    ~numbering_plan() = default;

    // Adds or refines a rule: one for a prefix that has a rule of the same type and national
    // lengths gives that rule the names it sets. Throws std::invalid_argument for a prefix that
    // is not 1 to 15 digits or does not start with an assigned country code.
    void add(const prefix_rule& rule) { add(std::span<const prefix_rule>(&rule, 1)); }

    // Adds many rules and resolves once; all or nothing.
    void add(std::span<const prefix_rule> rules) {
        numbering_plan staged(*this);
        ++staged.generation_;
        for (const auto& rule : rules) staged.add_rule(rule);
        staged.resolve();
        *this = std::move(staged);
    }

private:
    // What is wrong with a rule's prefix ("" when nothing is); callers add where it came from.
    static std::string prefix_problem(std::string_view p) {
        if (p.empty() || p.size() > static_cast<std::size_t>(detail::max_key_digits) ||
            p.find_first_not_of("0123456789") != std::string_view::npos || p[0] == '0')
            return "numbering plan prefix " + detail::quote(p) + " must be 1 to 15 digits not starting with 0";
        if (detail::country_code_length(p) == 0)
            return "numbering plan prefix " + detail::quote(p) + " does not start with a country code";
        return {};
    }

    void add_rule(const prefix_rule& rule) {
        const std::string_view p = rule.prefix;
        if (const std::string why = prefix_problem(p); !why.empty()) detail::throw_invalid_argument(why);
        const int cc_length = detail::country_code_length(p);
        unsigned code = 0;
        for (int i = 0; i < cc_length; ++i)
            code = code * 10 + static_cast<unsigned>(p[static_cast<std::size_t>(i)] - '0');
        // A national length that no key of this country code can have (keys are at most 15
        // digits) was dropped without a word, and the rule, validating nothing, still made the
        // plan decide the code's validity: every +880 number became invalid.
        if (const std::uint32_t impossible = rule.national_lengths >> (detail::max_key_digits - cc_length + 1);
            impossible != 0)
            detail::throw_invalid_argument(
                "numbering plan prefix " + detail::quote(p) + ": national length " +
                std::to_string(detail::max_key_digits - cc_length + 1 + std::countr_zero(impossible)) +
                " cannot follow country code +" + std::to_string(code) + " (keys have at most " +
                std::to_string(detail::max_key_digits) + " digits)");
        // Nor one shorter than the prefix's own national digits: no key of it reaches the rule.
        if (const auto prefix_national = static_cast<unsigned>(p.size()) - static_cast<unsigned>(cc_length);
            (rule.national_lengths & ((std::uint32_t{1} << prefix_national) - 1)) != 0)
            detail::throw_invalid_argument("numbering plan prefix " + detail::quote(p) + ": national length " +
                                           std::to_string(std::countr_zero(rule.national_lengths)) +
                                           " is shorter than the prefix's own " + std::to_string(prefix_national) +
                                           " national digits");
        entry e;
        e.type = rule.type;
        e.carrier_id = intern(carriers_, rule.carrier);
        e.region_id = intern(regions_, rule.region);
        // Store validity as a mask over total key digits so that lookups need no country code split.
        e.key_lengths = static_cast<std::uint32_t>((static_cast<std::uint64_t>(rule.national_lengths) << cc_length) &
                                                   0xFFFF);
        e.hint = rule.national_lengths == 0;
        e.implied = e.hint && adding_loaded_lines_ && e.type != number_type::unknown;
        e.carrier_generation = e.region_generation = generation_;
        if (!e.hint) overlay_codes_[code / 64] |= std::uint64_t{1} << (code % 64);
        std::int32_t node = 0;
        for (char c : p) {
            const auto d = static_cast<std::size_t>(c - '0');
            if (nodes_[static_cast<std::size_t>(node)].child[d] < 0) {
                nodes_[static_cast<std::size_t>(node)].child[d] = static_cast<std::int32_t>(nodes_.size());
                nodes_.emplace_back();
            }
            node = nodes_[static_cast<std::size_t>(node)].child[d];
        }
        // The same rule again (a file loaded again, a prefix repeated, an add of a new name):
        // its names are refined. Stacked, the first one loaded kept answering, and every reload
        // of a file grew the table by its lines.
        for (std::int32_t i = nodes_[static_cast<std::size_t>(node)].first_entry; i >= 0;) {
            entry& same = entries_[static_cast<std::size_t>(i)];
            if (same.key_lengths == e.key_lengths && same.hint == e.hint && same.type == e.type) {
                same.implied = same.implied && e.implied;  // a type said outright outranks an implied one
                if (e.carrier_id != 0) {
                    same.carrier_id = e.carrier_id;
                    same.carrier_generation = e.carrier_generation;
                }
                if (e.region_id != 0) {
                    same.region_id = e.region_id;
                    same.region_generation = e.region_generation;
                }
                return;
            }
            i = same.next;
        }
        e.next = nodes_[static_cast<std::size_t>(node)].first_entry;
        nodes_[static_cast<std::size_t>(node)].first_entry = static_cast<std::int32_t>(entries_.size());
        entries_.push_back(e);
        ++rule_count_;
    }

public:
    // libphonenumber's carrier and geocoding data: "prefix|name" lines, '#' comments.
    // `source` names the data in error messages; a malformed line is std::invalid_argument
    // naming the source, the line number and the problem. Returns the number of prefix lines; a
    // prefix given again (in the file, or in data loaded before) has its name replaced, so a
    // file loaded again refreshes the names and adds no rule.
    std::size_t load_carrier_data(std::string_view text, std::string_view source = "carrier data",
                                  std::uint32_t national_lengths = 0) {
        return load_prefix_lines(text, source, national_lengths, true);
    }
    std::size_t load_geocoding_data(std::string_view text, std::string_view source = "geocoding data",
                                    std::uint32_t national_lengths = 0) {
        return load_prefix_lines(text, source, national_lengths, false);
    }
    std::size_t load_carrier_file(const std::string& path, std::uint32_t national_lengths = 0) {
        return load_carrier_data(read_file(path), path, national_lengths);
    }
    std::size_t load_geocoding_file(const std::string& path, std::uint32_t national_lengths = 0) {
        return load_geocoding_data(read_file(path), path, national_lengths);
    }

    number_info lookup(const phone_number& n) const noexcept { return lookup(n.key()); }

    number_info lookup(std::uint64_t key) const noexcept {
        number_info info;
        lookup(key, info);
        return info;
    }

    // lookup(key) written into `info` (every field), for callers that keep one number_info per
    // batch: copying a returned one, whose 1- and 2-byte fields were just stored one by one,
    // with 8- and 16-byte moves stalls on store forwarding (a fifth of a batch check's time).
    void lookup(std::uint64_t key, number_info& info) const noexcept {
        info = number_info{};
        if (key == 0 || key > detail::max_key) return;
        const int digits = detail::decimal_digits(key);
        const std::int32_t node = deepest_node(key, digits);
        const fields& f = answer_of(node, digits);
        info.type = f.type;
        info.valid = f.valid;
        info.carrier_id = f.carrier_id;
        info.region_id = f.region_id;
        info.carrier = carriers_.names()[f.carrier_id];
        info.region = regions_.names()[f.region_id];
        if (!world_) return;
        // Where the overlay decides a one-region country (Vietnam in the world plan), the world
        // data adds only the region code, known from the node (see world_rows_): about half of
        // a lookup's instructions were finding it from the key's digits again.
        const world_row row = world_rows_[static_cast<std::size_t>(node)];
        if (row.cc_length != 0 && digits > row.cc_length) info.region_code = detail::world::metadata[row.row].region;
        else
            add_world(key, digits, info);
    }

    // True for a plan built on the world data.
    bool has_world_base() const noexcept { return world_; }

    // Names by id: carriers()[info.carrier_id] == info.carrier (id 0: "", none).
    std::span<const std::string_view> carriers() const noexcept { return carriers_.names(); }
    std::span<const std::string_view> regions() const noexcept { return regions_.names(); }
    std::size_t rule_count() const noexcept { return rule_count_; }  // distinct rules (refining adds none)
    std::size_t node_count() const noexcept { return nodes_.size(); }

private:
    // Whether numbers of this type have a carrier (libphonenumber's carrier mapper: mobile ones).
    static constexpr bool has_carrier(number_type type) noexcept {
        return type == number_type::mobile || type == number_type::fixed_line_or_mobile || type == number_type::pager;
    }
    // Whether valid numbers of this type in this country have an area (libphonenumber's
    // isNumberGeographical): fixed lines, and mobiles where they are geographic.
    static constexpr bool is_geographic(number_type type, unsigned code) noexcept {
        return type == number_type::fixed_line || type == number_type::fixed_line_or_mobile ||
               (type == number_type::mobile && (code == 52 || code == 54 || code == 55 || code == 62 || code == 86));
    }

    static void clear_names(number_info& info) noexcept {
        info.carrier_id = 0;
        info.carrier = {};
        info.region_id = 0;
        info.region = {};
    }

    // What the world data says of `key`, merged under the overlay's answer in `info`.
    void add_world(std::uint64_t key, int digits, number_info& info) const noexcept {
        const int cc_length = detail::country_code_length(key, digits);
        if (cc_length == 0) {  // a country code alone: no number, which no hint names (a fuzzer's "49|C")
            if (!info.valid) clear_names(info);
            return;
        }
        const int national_length = digits - cc_length;
        const unsigned lead = detail::leading_three_digits(key, digits);  // no divide by a variable
        const unsigned code = cc_length == 1 ? lead / 100 : cc_length == 2 ? lead / 10 : lead;
        const auto* country = detail::world::find_country(code);
        if (country == nullptr) return;
        const bool overlay_decides = ((overlay_codes_[code / 64] >> (code % 64)) & 1U) != 0;
        if (overlay_decides && country->row_count == 1) {
            info.region_code = detail::world::metadata[country->first_row].region;
            return;
        }
        std::array<char, detail::max_key_digits> nsn{};
        std::uint64_t rest = key - code * detail::pow10[static_cast<std::size_t>(national_length)];
        for (int i = national_length - 1; i >= 0; --i, rest /= 10)
            nsn[static_cast<std::size_t>(i)] = static_cast<char>('0' + rest % 10);
        const auto answer = detail::world::answer(detail::world::walk(*country, nsn.data(), national_length),
                                                  national_length);
        const unsigned region_index = answer >> 8U;
        if (region_index != 0xFF) info.region_code = detail::world::metadata[country->first_row + region_index].region;
        if (overlay_decides) return;
        const auto type = static_cast<number_type>(answer & 0xFFU);
        info.type = type;
        info.valid = type != number_type::unknown && region_index != 0xFF;
        const std::uint64_t scaled = key * detail::pow10[static_cast<std::size_t>(detail::max_key_digits - digits)];
        // Carrier names go with mobile numbers only, as in libphonenumber's carrier mapper: the
        // loaded ones (load_carrier_data) too, where the world data decides the type.
        if (!has_carrier(type)) {
            info.carrier_id = 0;
            info.carrier = {};
        } else if (info.carrier_id == 0) {
            info.carrier_id = detail::world::range_id(detail::world::carrier_starts, detail::world::carrier_ids,
                                                      country->carrier_first, country->carrier_end, scaled);
            info.carrier = carriers_.names()[info.carrier_id];
        }
        // Areas go with valid geographic numbers, as in libphonenumber's geocoder: the loaded
        // ones (load_geocoding_data) too. Argentina's numbers are found without their mobile
        // token 9, as the geocoder reads them ("+54 9 11 ..." is in Buenos Aires' "5411").
        if (!info.valid || !is_geographic(type, code)) {
            info.region_id = 0;
        } else if (code == 54 && nsn[0] == '9' && national_length > 1) {
            const std::uint64_t shorter = detail::pow10[static_cast<std::size_t>(national_length - 1)];
            const std::uint64_t without_token = key - (code * 10 + 9) * shorter + code * shorter;
            info.region_id = overlay_fields(without_token, digits - 1).region_id;
        }
        info.region = regions_.names()[info.region_id];
        if (info.region_id == 0 && code == 1 && info.valid && is_geographic(type, code)) {
            info.region_id = detail::world::range_id(detail::world::area_starts, detail::world::area_ids, 0,
                                                     detail::world::area_range_count, scaled);
            info.region = regions_.names()[info.region_id];
        }
    }

    struct node_t {
        std::array<std::int32_t, 10> child;
        std::int32_t first_entry = -1;
        node_t() { child.fill(-1); }
    };
    struct entry {
        std::int32_t next = -1;  // another rule on the same prefix (different lengths)
        std::uint32_t key_lengths = 0;
        std::uint16_t carrier_id = 0;
        std::uint16_t region_id = 0;
        number_type type = number_type::unknown;
        bool hint = false;
        bool implied = false;  // its type only implied by the data it came from (carrier data: mobile)
        // The add or load its names came from (see fields::take).
        std::uint32_t carrier_generation = 0;
        std::uint32_t region_generation = 0;
    };
    // Deepest rule wins, field by field: a carrier prefix and a longer geocoding prefix combine.
    // Names loaded or added later win over earlier ones whatever their depth: a name is taken
    // only from a rule of its generation (one add or load) or a later one. A Vietnamese
    // geocoding file loaded onto the Vietnamese plan, whose own rules name the same prefixes, was
    // counted as loaded and then never answered (the built-in rules came later at each node).
    struct fields {
        std::uint16_t carrier_id = 0;
        std::uint16_t region_id = 0;
        number_type type = number_type::unknown;
        bool valid = false;
        std::uint32_t carrier_generation = 0;
        std::uint32_t region_generation = 0;
        // Types a rule's own type outranks whatever their depths: a hint's (the Vietnamese plan's
        // "2": fixed lines), then the one loaded carrier data implies (mobile), which gives a type
        // only where nothing else does: a carrier loaded on "84241" made Hanoi's fixed lines mobile.
        number_type hint_type = number_type::unknown;
        number_type implied_type = number_type::unknown;
        void take(const entry& e) noexcept {
            if (e.carrier_id && e.carrier_generation >= carrier_generation) {
                carrier_id = e.carrier_id;
                carrier_generation = e.carrier_generation;
            }
            if (e.region_id && e.region_generation >= region_generation) {
                region_id = e.region_id;
                region_generation = e.region_generation;
            }
            if (e.type != number_type::unknown) (!e.hint ? type : e.implied ? implied_type : hint_type) = e.type;
            valid = valid || !e.hint;
        }
        void fill_from(const fields& o) noexcept {
            if (!carrier_id) {
                carrier_id = o.carrier_id;
                carrier_generation = o.carrier_generation;
            }
            if (!region_id) {
                region_id = o.region_id;
                region_generation = o.region_generation;
            }
            if (type == number_type::unknown) type = o.type;
        }
        // The answer's type: a rule's, else a hint's.
        void settle_type() noexcept {
            if (type == number_type::unknown) type = hint_type;
            if (type == number_type::unknown) type = implied_type;
        }
    };

    // What add_world answers alone for the keys under a node (world_row_of), for lookup.
    struct world_row {
        std::uint16_t row = 0;       // in detail::world::metadata
        std::uint8_t cc_length = 0;  // 0: none, add_world answers
    };

    // answers_[node * answer_stride + key length] indexes results_.
    static constexpr std::size_t answer_stride = detail::max_key_digits + 1;
    using per_length = std::array<fields, answer_stride>;

    // What numbering_plan() makes (the interners are emptied by their own move).
    void become_empty() noexcept {
        nodes_.assign(1, node_t{});
        entries_.clear();
        rule_count_ = 0;
        generation_ = 0;
        world_ = false;
        overlay_codes_ = {};
        resolve();
    }

    // The overlay's answer for a key of `digits` digits: its deepest node's, for that length.
    const fields& overlay_fields(std::uint64_t key, int digits) const noexcept {
        return answer_of(deepest_node(key, digits), digits);
    }
    const fields& answer_of(std::int32_t node, int digits) const noexcept {
        return results_[answers_[static_cast<std::size_t>(node) * answer_stride + static_cast<std::size_t>(digits)]];
    }
    // The deepest node on the key's digits: the first first_step_digits steps in one read of
    // first_steps_ (keys that short walk all the way), the rest node by node.
    std::int32_t deepest_node(std::uint64_t key, int digits) const noexcept {
        const std::uint64_t scaled = key * detail::pow10[static_cast<std::size_t>(detail::max_key_digits - digits)];
        if (digits < first_step_digits) return walk_from(0, 0, scaled, digits);
        const std::int32_t after = first_steps_[static_cast<std::size_t>(
            scaled / detail::pow10[static_cast<std::size_t>(detail::max_key_digits - first_step_digits)])];
        if (after < 0) return ~after;  // the walk ended before them
        return walk_from(after, first_step_digits, scaled, digits);
    }
    // The walk from `node`, at depth `from`, on the digits of a scaled key from there to `digits`.
    std::int32_t walk_from(std::int32_t node, int from, std::uint64_t scaled, int digits) const noexcept {
        const auto digit = digits_of(scaled, std::make_index_sequence<detail::max_key_digits>{});
        for (int depth = from; depth < digits; ++depth) {
            const std::int32_t next = nodes_[static_cast<std::size_t>(node)]
                                          .child[digit[static_cast<std::size_t>(depth)]];
            if (next < 0) break;
            node = next;
        }
        return node;
    }
    // first_steps_ for the nodes as they are now: for each value of a key's first
    // first_step_digits digits, the node the walk reaches after them, or ~node where it ends
    // sooner, at `node`.
    void resolve_first_steps() {
        first_steps_.assign(static_cast<std::size_t>(detail::pow10[first_step_digits]), 0);
        for (std::size_t value = 0; value < first_steps_.size(); ++value) {
            std::int32_t node = 0;
            bool ended = false;
            for (int depth = 0; depth < first_step_digits && !ended; ++depth) {
                const auto d = static_cast<std::size_t>(
                    value / detail::pow10[static_cast<std::size_t>(first_step_digits - 1 - depth)] % 10);
                const std::int32_t next = nodes_[static_cast<std::size_t>(node)].child[d];
                if (next < 0) ended = true;
                else
                    node = next;
            }
            first_steps_[value] = ended ? ~node : node;
        }
    }

    // Computes the answer of every node for every key length: for each length, the deepest
    // rule wins field by field among the rules that apply at that length; if none of those
    // validates, fields still empty come from rules for other lengths (a number of the wrong
    // length still shows what its prefix was allocated as, with valid = false).
    void resolve() {
        resolve_first_steps();
        answers_.assign(nodes_.size() * answer_stride, 0);
        results_.assign(1, fields{});
        std::map<std::uint64_t, std::uint32_t> ids{{pack(fields{}), 0}};
        per_length applicable{};
        per_length other_lengths{};
        world_rows_.assign(nodes_.size(), world_row{});
        resolve_node(0, applicable, other_lengths, ids, 0, 0);
    }

    void resolve_node(std::int32_t node, per_length applicable, per_length other_lengths,
                      std::map<std::uint64_t, std::uint32_t>& ids, std::uint64_t prefix, int depth) {
        const node_t& n = nodes_[static_cast<std::size_t>(node)];
        if (world_ && depth > 0) world_rows_[static_cast<std::size_t>(node)] = world_row_of(prefix, depth);
        for (std::int32_t i = n.first_entry; i >= 0; i = entries_[static_cast<std::size_t>(i)].next) {
            const entry& e = entries_[static_cast<std::size_t>(i)];
            for (std::size_t length = 1; length < answer_stride; ++length) {
                if (e.hint || ((e.key_lengths >> length) & 1U) != 0) applicable[length].take(e);
                else
                    other_lengths[length].take(e);
            }
        }
        for (std::size_t length = 1; length < answer_stride; ++length) {
            fields answer = applicable[length];
            if (!answer.valid) answer.fill_from(other_lengths[length]);
            answer.settle_type();
            const auto [it, added] = ids.emplace(pack(answer), static_cast<std::uint32_t>(results_.size()));
            if (added) results_.push_back(answer);
            answers_[static_cast<std::size_t>(node) * answer_stride + length] = it->second;
        }
        for (std::size_t d = 0; d < n.child.size(); ++d)
            if (n.child[d] >= 0) resolve_node(n.child[d], applicable, other_lengths, ids, prefix * 10 + d, depth + 1);
    }

    // What add_world answers alone for every key longer than its country code under a node whose
    // path (`prefix`, `depth` digits) holds that code: the region code, when the overlay decides
    // the country and the world data has one region for it. Otherwise none (cc_length 0).
    world_row world_row_of(std::uint64_t prefix, int depth) const {
        const int cc_length = detail::country_code_length(std::to_string(prefix));
        if (cc_length == 0 || cc_length > depth) return {};
        const auto code = static_cast<unsigned>(prefix / detail::pow10[static_cast<std::size_t>(depth - cc_length)]);
        const auto* country = detail::world::find_country(code);
        const bool overlay_decides = ((overlay_codes_[code / 64] >> (code % 64)) & 1U) != 0;
        if (country == nullptr || !overlay_decides || country->row_count != 1) return {};
        return {static_cast<std::uint16_t>(country->first_row), static_cast<std::uint8_t>(cc_length)};
    }

    static constexpr std::uint64_t pack(const fields& f) noexcept {
        return (std::uint64_t{f.carrier_id} << 32) | (std::uint64_t{f.region_id} << 16) |
               (std::uint64_t{static_cast<std::uint8_t>(f.type)} << 8) | (f.valid ? 1U : 0U);
    }

    // The 15 digits of a scaled key, each extracted with a constant divisor (a multiply and
    // shift), in 32-bit halves; all of them up front, independent of one another, so that the
    // walk's loop is only its chain of node loads (a step per digit passed as a callable was
    // not inlined: a third of a lookup's time went to calls).
    template <std::size_t... Depth>
    static std::array<std::uint8_t, sizeof...(Depth)> digits_of(std::uint64_t scaled,
                                                                std::index_sequence<Depth...>) noexcept {
        const auto high = static_cast<std::uint32_t>(scaled / 10'000'000);  // digits 0-7
        const auto low = static_cast<std::uint32_t>(scaled % 10'000'000);   // digits 8-14
        return {static_cast<std::uint8_t>(digit_at<Depth>(high, low))...};
    }

    template <std::size_t Depth>
    static constexpr unsigned digit_at(std::uint32_t high, std::uint32_t low) noexcept {
        if constexpr (Depth < 8) return high / static_cast<std::uint32_t>(detail::pow10[7 - Depth]) % 10;
        else
            return low / static_cast<std::uint32_t>(detail::pow10[14 - Depth]) % 10;
    }

    static std::uint16_t intern(string_interner<std::uint16_t>& names, std::string_view name) {
        if (name.empty()) return 0;
        if (const auto id = names.find(name)) return *id;
        if (names.full()) detail::throw_invalid_argument("numbering plan holds too many distinct names");
        return names.intern(name);
    }

    // The file's text; std::system_error naming the path when it cannot be read (no <fstream>:
    // the POSIX reader the stores use, which also refuses directories and FIFOs).
    static std::string read_file(const std::string& path) {
        const std::vector<std::byte> bytes = detail::read_file(path);
        return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
    }

    // All or nothing: the lines go into a copy, which replaces this plan only if every line is good.
    std::size_t load_prefix_lines(std::string_view text, std::string_view source, std::uint32_t national_lengths,
                                  bool carrier) {
        numbering_plan staged(*this);
        ++staged.generation_;
        const std::size_t added = staged.add_prefix_lines(text, source, national_lengths, carrier);
        staged.resolve();
        *this = std::move(staged);
        return added;
    }

    // What is wrong with a loaded name ("" when nothing is): text that is not UTF-8 was taken and
    // made every later lookup of its numbers fail to decode; a control character or a '|' is a
    // sign of lines run together (a file with only '\r' line ends was read as one line).
    static std::string name_problem(std::string_view name) {
        for (std::size_t i = 0; i < name.size();) {
            const detail::decoded d = detail::decode_at(name, i);
            if (d.code_point == detail::invalid_code_point)
                return "the name " + detail::quote(name) + " is not UTF-8 (byte " + std::to_string(i) + ")";
            if (d.code_point == '\r' || d.code_point == '|')
                return "the name " + detail::quote(name) + " holds " +
                       (d.code_point == '|' ? std::string("a second '|'") : std::string("a carriage return")) +
                       " (lines run together? line ends must be \\n or \\r\\n)";
            if (d.code_point < 0x20 || d.code_point == 0x7F)
                return "the name " + detail::quote(name) + " holds a control character (byte " + std::to_string(i) +
                       ")";
            i += d.length;
        }
        return {};
    }

    // `text` without the spaces, tabs and carriage returns at its ends.
    static std::string_view trimmed(std::string_view text) noexcept {
        while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
            text.remove_suffix(1);
        while (!text.empty() && (text.front() == '\r' || text.front() == ' ' || text.front() == '\t'))
            text.remove_prefix(1);
        return text;
    }

    std::size_t add_prefix_lines(std::string_view text, std::string_view source, std::uint32_t national_lengths,
                                 bool carrier) {
        std::size_t added = 0;
        std::size_t line_number = 0;
        while (!text.empty()) {
            const std::size_t end = text.find('\n');
            std::string_view line = text.substr(0, end);
            text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
            ++line_number;
            line = trimmed(line);
            if (line.empty() || line.front() == '#') continue;
            // The source escaped as the rest is: it may be a file name with control characters, and a
            // NUL in it ended the whole message (what() is read up to its first NUL).
            const auto where = [&] { return detail::escaped(source) + " line " + std::to_string(line_number) + ": "; };
            const std::size_t bar = line.find('|');
            if (bar == std::string_view::npos)
                detail::throw_invalid_argument(where() + "expected \"prefix|name\", got " + detail::quote(line));
            // Blanks around the bar go as those at the line's ends do ("322| Brussels" kept the
            // name's leading space, "322 |Brussels" was a bad prefix).
            const std::string_view prefix = trimmed(line.substr(0, bar));
            const std::string_view name = trimmed(line.substr(bar + 1));
            if (name.empty())
                detail::throw_invalid_argument(where() + "empty name for prefix " + detail::quote(prefix));
            if (const std::string why = prefix_problem(prefix); !why.empty())
                detail::throw_invalid_argument(where() + why);
            if (const std::string why = name_problem(name); !why.empty()) detail::throw_invalid_argument(where() + why);
            prefix_rule rule{prefix, carrier ? number_type::mobile : number_type::unknown, {}, {}, national_lengths};
            (carrier ? rule.carrier : rule.region) = name;
            try {
                adding_loaded_lines_ = true;
                add_rule(rule);
                adding_loaded_lines_ = false;
            } catch (const std::invalid_argument& e) {  // too many names, impossible lengths: say where
                adding_loaded_lines_ = false;
                detail::throw_invalid_argument(where() + std::string(e.what()).substr(std::string("numrep: ").size()));
            }
            ++added;
        }
        return added;
    }

    std::vector<node_t> nodes_;
    std::vector<entry> entries_;
    string_interner<std::uint16_t> carriers_;
    string_interner<std::uint16_t> regions_;
    // Index = id; [0] is "" for "none". A copy of the plan re-points these at its own strings.
    std::vector<std::uint32_t> answers_;
    std::vector<world_row> world_rows_;  // by node: add_world's answer where it is one region code
    std::vector<fields> results_;
    // The walk's first steps, looked up (resolve_first_steps): a lookup's chain of dependent
    // node reads was most of its time, and its first steps are the same for every key that
    // starts alike (country codes, and their first digits after them). 10^4 entries (40 KB):
    // a key's few distinct first digits stay in cache.
    static constexpr int first_step_digits = 4;
    std::vector<std::int32_t> first_steps_;
    std::size_t rule_count_ = 0;
    std::uint32_t generation_ = 0;      // adds and loads so far: a rule's names are of the one it came in
    bool adding_loaded_lines_ = false;  // add_rule is adding a line of carrier or geocoding data
    bool world_ = false;
    std::array<std::uint64_t, 16> overlay_codes_{};  // country codes the overlay validates numbers of
};

}  // namespace numrep
