// Scoring: from a number_record to a score (0-100) and a level (clean, suspicious, likely scam).
// Pure functions of the record, the time of the question and a reputation_config; O(1), no
// allocation. The model and its worked examples: docs/scoring.md.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "detail/number_text.hpp"
#include "detail/popcount.hpp"
#include "detail/throw.hpp"
#include "number_record.hpp"

namespace numrep {

enum class reputation_level : std::uint8_t { clean = 0, suspicious = 1, likely_scam = 2 };

constexpr std::string_view to_string(reputation_level l) noexcept {
    switch (l) {
        case reputation_level::clean: return "clean";
        case reputation_level::suspicious: return "suspicious";
        case reputation_level::likely_scam: return "likely_scam";
    }
    return "unknown";
}

struct reputation_config {
    double half_life_days = 90;          // a report's weight halves every half_life_days
    double quiet_days = 365;             // delisted after this long without a report
    std::uint32_t delist_min_votes = 3;  // not-spam votes needed (and at least one per report)
    double suspicious_score = 30;        // score >= this: suspicious
    double likely_scam_score = 70;       // score >= this: likely scam
    // Weight of a report per report_category, in its order.
    std::array<double, report_category_count> category_weights{3.0, 1.0, 0.5, 1.0, 2.0, 0.5, 0.5, 1.0};

    double half_life_seconds() const noexcept { return half_life_days * 86400.0; }
    friend bool operator==(const reputation_config&, const reputation_config&) = default;

    // The documented ranges (docs/scoring.md): wide enough for any real policy, narrow enough
    // that no parseable but absurd value (a half-life of 1e-300 days makes every score 0, a
    // weight of 1e308 makes every reported number 100) gets through.
    static constexpr double min_days = 1.0 / 24;  // one hour
    static constexpr double max_days = 36500;     // a hundred years
    static constexpr double max_category_weight = 100;
    static constexpr std::uint32_t max_delist_votes = 1000000;

    // What is wrong with these settings ("" when nothing is): callers add where they came from.
    std::string problem() const {
        const auto days = [](double v) { return v >= min_days && v <= max_days; };  // false for NaN
        const auto text = detail::shortest_text;
        if (!days(half_life_days))
            return "half_life_days must be from 1/24 (an hour) to 36500 days, got " + text(half_life_days);
        if (!days(quiet_days)) return "quiet_days must be from 1/24 (an hour) to 36500 days, got " + text(quiet_days);
        if (delist_min_votes > max_delist_votes)
            return "delist_min_votes must be at most 1000000, got " + std::to_string(delist_min_votes);
        if (!(suspicious_score > 0 && suspicious_score <= likely_scam_score && likely_scam_score <= 100))
            return "score thresholds must satisfy 0 < suspicious <= likely_scam <= 100, got " + text(suspicious_score) +
                   " and " + text(likely_scam_score);
        for (double w : category_weights)
            if (!(w >= 0 && w <= max_category_weight)) return "category weights must be from 0 to 100, got " + text(w);
        return {};
    }
    void validate() const {
        if (const std::string why = problem(); !why.empty()) detail::throw_invalid_argument(why);
    }
};

struct reputation_score {
    double score = 0;  // 0-100
    reputation_level level = reputation_level::clean;
    bool delisted = false;      // clean because of a quiet period or not-spam votes
    double recent_reports = 0;  // the decayed count of reports at the time asked
    int distinct_sources = 0;   // estimated from the record's 32-bit source sketch
};
// Trivially copyable: batches keep arrays of them in storage left uninitialised (reputation_db).
static_assert(std::is_trivially_copyable_v<reputation_score>);

// Estimated distinct sources from a 32-bit sketch (linear counting), saturating at 32 bits set.
// Sources that share a bit count once: two different ones 1 time in 32, three 1 time in 11;
// from about five on the estimate is typically a tenth off (docs/scoring.md, "Sources").
namespace detail {
// Linear-counting estimates for 0..32 bits set, computed once (std::log is not constexpr).
inline const std::array<int, 33>& distinct_source_table() noexcept {
    static const std::array<int, 33> table = [] {
        std::array<int, 33> t{};
        for (int set = 1; set <= 32; ++set)
            t[static_cast<std::size_t>(set)] = set == 32
                                                   ? static_cast<int>(std::lround(32 * std::log(32.0)))
                                                   : static_cast<int>(std::lround(-32.0 * std::log(1.0 - set / 32.0)));
        return t;
    }();
    return table;
}
// 1 + 0.5 log2(sources), the breadth factor of the score, for 0..128 sources (0 and 1 give 1).
inline const std::array<double, 129>& breadth_table() noexcept {
    static const std::array<double, 129> table = [] {
        std::array<double, 129> t{};
        for (std::size_t d = 0; d < t.size(); ++d)
            t[d] = 1.0 + 0.5 * std::log2(static_cast<double>(std::max<std::size_t>(d, 1)));
        return t;
    }();
    return table;
}
}  // namespace detail

inline int distinct_sources(std::uint32_t bits) noexcept {
    return detail::distinct_source_table()[static_cast<std::size_t>(detail::popcount64(bits))];
}

namespace detail {
// score_record in steps, around its two exponentials: a batch (score_batch) makes each one's calls
// for a run of records in a loop of its own, where they overlap, instead of waiting on one
// record's chain of them after another's. Every step computes what score_record computed, in
// the same order, so the scores are the same to the bit.
struct score_parts {  // no initialisers: score_batch's array of them is left uninitialised
    std::uint64_t reports;
    int distinct_sources;
    double decay_exponent;  // recent reports = decayed * 2^decay_exponent
};
inline score_parts score_start(const number_record& r, std::int64_t now, const reputation_config& config) noexcept {
    score_parts p;
    p.reports = r.total();
    // The sketch can overestimate a little; there are never more sources than reports.
    p.distinct_sources = static_cast<int>(
        std::min<std::uint64_t>(static_cast<std::uint64_t>(distinct_sources(r.source_bits)), p.reports));
    const double age = std::max(0.0, static_cast<double>(now) - static_cast<double>(r.last_seen));
    p.decay_exponent = -age / config.half_life_seconds();
    return p;
}
// The exponent of score = 100 (1 - e^x), given the decayed count of reports now.
inline double evidence_exponent(const number_record& r, const score_parts& p, double recent_reports,
                                const reputation_config& config) noexcept {
    double weighted = 0;
    for (std::size_t i = 0; i < report_category_count; ++i)
        weighted += config.category_weights[i] * static_cast<double>(r.counts[i]);
    const double mean_weight = weighted / static_cast<double>(p.reports);
    const double breadth = breadth_table()[static_cast<std::size_t>(std::min(p.distinct_sources, 128))];
    const double evidence = std::max(0.0, recent_reports * mean_weight * breadth - static_cast<double>(r.not_spam));
    return -evidence / 3.0;
}
// The score from the parts, the decayed count and e^evidence_exponent (both unused without reports).
inline reputation_score score_finish(const number_record& r, const score_parts& p, double recent_reports,
                                     double exp_evidence, std::int64_t now, const reputation_config& config) noexcept {
    reputation_score s;
    s.distinct_sources = p.distinct_sources;
    const std::uint64_t reports = p.reports;
    if (reports > 0) {
        s.recent_reports = recent_reports;
        s.score = 100.0 * (1.0 - exp_evidence);
    }
    s.level = s.score >= config.likely_scam_score  ? reputation_level::likely_scam
              : s.score >= config.suspicious_score ? reputation_level::suspicious
                                                   : reputation_level::clean;
    const bool quiet = reports > 0 && static_cast<double>(now) - r.last_seen > config.quiet_days * 86400.0;
    const bool voted_clean = r.not_spam >= config.delist_min_votes && r.not_spam >= reports;
    if ((quiet || voted_clean) && reports > 0) {
        s.delisted = true;
        s.level = reputation_level::clean;
    }
    return s;
}
}  // namespace detail

inline reputation_score score_record(const number_record& r, std::int64_t now,
                                     const reputation_config& config) noexcept {
    const detail::score_parts p = detail::score_start(r, now, config);
    if (p.reports == 0) return detail::score_finish(r, p, 0, 0, now, config);
    const double recent_reports = r.decayed() * std::exp2(p.decay_exponent);
    return detail::score_finish(r, p, recent_reports, std::exp(detail::evidence_exponent(r, p, recent_reports, config)),
                                now, config);
}

namespace detail {
// scores[i] = score_record(*records[i], now, config) for the records present (the others are
// left alone): the same scores, each exponential's calls in a loop of their own (score_parts).
// The spans have the same size, at most score_batch_size; of longer or unequal ones, only the
// first min(records.size(), scores.size(), score_batch_size) are scored.
inline constexpr std::size_t score_batch_size = 256;
inline void score_batch(std::span<const std::optional<number_record>> records, std::int64_t now,
                        const reputation_config& config, std::span<reputation_score> scores) noexcept {
    // Written before they are read: left uninitialised.
    std::array<std::uint16_t, score_batch_size> reported;  // indexes of the records with reports
    std::array<score_parts, score_batch_size> parts;
    std::array<double, score_batch_size> recent, e;
    const std::size_t n = std::min({records.size(), scores.size(), score_batch_size});
    std::size_t m = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!records[i]) continue;
        parts[i] = score_start(*records[i], now, config);
        if (parts[i].reports > 0) reported[m++] = static_cast<std::uint16_t>(i);
        else
            scores[i] = score_finish(*records[i], parts[i], 0, 0, now, config);
    }
    for (std::size_t j = 0; j < m; ++j) recent[j] = std::exp2(parts[reported[j]].decay_exponent);
    for (std::size_t j = 0; j < m; ++j) {
        const std::size_t i = reported[j];
        recent[j] = records[i]->decayed() * recent[j];
        e[j] = evidence_exponent(*records[i], parts[i], recent[j], config);
    }
    for (std::size_t j = 0; j < m; ++j) e[j] = std::exp(e[j]);
    for (std::size_t j = 0; j < m; ++j) {
        const std::size_t i = reported[j];
        scores[i] = score_finish(*records[i], parts[i], recent[j], e[j], now, config);
    }
}
}  // namespace detail

}  // namespace numrep
