// numrep::reputation_builder: accumulates reports into one number_record per number (memory
// grows with distinct numbers only), ready for reputation_db::build or add_reports.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "category.hpp"
#include "detail/key.hpp"
#include "detail/throw.hpp"
#include "number_record.hpp"
#include "report.hpp"
#include "score.hpp"
#include "string_interner.hpp"

namespace numrep {

// Accumulates reports into one record per number; memory grows with distinct numbers only.
class reputation_builder {
public:
    explicit reputation_builder(reputation_config config = {}) : config_(config) { config_.validate(); }

    // One report. `category` is a report_category (see classify_category for names). A time
    // outside earliest_report_time .. latest_storable_report_time is std::invalid_argument.
    void add(std::uint64_t key, report_category category, std::int64_t time, std::uint32_t source, bool not_spam) {
        if (key == 0 || key > detail::max_key)
            detail::throw_invalid_argument("report for key " + std::to_string(key) + ": not an E.164 key");
        if (time < earliest_report_time || time > latest_storable_report_time)
            detail::throw_invalid_argument("report for key " + std::to_string(key) + ": time " + std::to_string(time) +
                                           " is outside 1970-01-01 .. 2106-02-07 06:28:15 UTC, the times a record "
                                           "stores (unix seconds 0 .. 4294967295)");
        detail::check_category(category, "report for key", key);  // before records_[key] makes a record
        add_report(records_[key], category, static_cast<std::uint32_t>(time), source, not_spam,
                   config_.half_life_seconds());
    }

    // Reports from a report_reader, whose category ids name categories in `categories`.
    void add(std::span<const report> reports, const string_interner<std::uint16_t>& categories) {
        for (const report& r : reports) add(r.key, category_of(r.category, categories), r.time, r.source, r.not_spam);
    }

    // A whole record for a number (e.g. from another database); merged with what is there.
    void add_record(std::uint64_t key, const number_record& record) {
        if (key == 0 || key > detail::max_key)
            detail::throw_invalid_argument("record for key " + std::to_string(key) + ": not an E.164 key");
        merge_records(records_[key], record, config_.half_life_seconds());
    }

    std::size_t size() const noexcept { return records_.size(); }
    const reputation_config& config() const noexcept { return config_; }
    const std::unordered_map<std::uint64_t, number_record>& records() const noexcept { return records_; }

    // The records sorted by key, ready for trie_store::build.
    std::pair<std::vector<std::uint64_t>, std::vector<number_record>> sorted() const {
        std::vector<std::pair<std::uint64_t, number_record>> all(records_.begin(), records_.end());
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::pair<std::vector<std::uint64_t>, std::vector<number_record>> out;
        out.first.reserve(all.size());
        out.second.reserve(all.size());
        for (auto& [k, r] : all) {
            out.first.push_back(k);
            out.second.push_back(r);
        }
        return out;
    }

    static std::uint32_t clamp_time(std::int64_t t) noexcept {
        return static_cast<std::uint32_t>(std::clamp<std::int64_t>(t, 0, 0xFFFFFFFFLL));
    }

private:
    // The category an id stands for in `names`, classified once per name. The cache keeps the
    // name with its category and is believed only when the name matches: reports of different
    // readers (one a file, each with its own interner) use the same ids for different names, and
    // a reader made after another may even sit at the same address.
    report_category category_of(std::uint16_t id, const string_interner<std::uint16_t>& names) {
        if (id >= names.size()) detail::throw_invalid_argument("category id " + std::to_string(id) + " unknown");
        if (id >= category_cache_.size()) category_cache_.resize(names.size());
        const std::string_view name = names.name(id);
        cached_category& cached = category_cache_[id];
        if (!cached.known || cached.name != name) {
            cached.name.assign(name);
            cached.category = classify_category(name);
            cached.known = true;
        }
        return cached.category;
    }

    struct cached_category {
        std::string name;
        report_category category = report_category::other;
        bool known = false;
    };

    reputation_config config_;
    std::unordered_map<std::uint64_t, number_record> records_;
    std::vector<cached_category> category_cache_;
};

}  // namespace numrep
