// numrep::database_builder: builds a database directory from more reports than fit in memory.
// Reports accumulate into one record per number (a reputation_builder) until the memory budget
// is reached; the records are then sorted and spilled to a run file. The end merges the runs in
// key order and builds the database one shard (key range) at a time, each within the budget,
// publishing them all with one manifest (crash-safe, as reputation_db::save).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <queue>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "bloom_filter.hpp"
#include "detail/db_directory.hpp"
#include "detail/file_error.hpp"
#include "detail/throw.hpp"
#include "number_record.hpp"
#include "region.hpp"
#include "reputation_builder.hpp"
#include "trie_store.hpp"

namespace numrep {

struct database_build_options {
    reputation_config config;
    double bloom_fpr = 0.001;
    region default_region = numrep::default_region;
    // Bytes the build may hold (0: no limit, nothing spills). Below about 64 MiB the build still
    // works, in many small runs and shards.
    std::uint64_t memory_budget = 0;
    // Shards to split the numbers into, of equal size (0: the fewest the budget allows; 1 without
    // a budget). More are made when the budget cannot hold a shard of that size.
    std::size_t shards = 0;
    // Where runs spill (default: a folder next to the output, removed at the end).
    std::filesystem::path temp_dir;
};

// What a build did, for reports and for the benchmarks.
struct database_build_summary {
    std::uint64_t numbers = 0;  // distinct numbers in the database
    std::size_t shards = 0;
    std::size_t runs = 0;  // run files spilled (0: the build never left memory)
    std::uint64_t spilled_bytes = 0;
};

namespace detail {

// Bytes a number costs while reports accumulate (an unordered_map node with its bucket, and the
// sorted copy a spill makes: measured 3.99 GiB peak for a 4 GiB budget) and while a shard is
// built (its key and record, the trie builder's copies and sections, the filter: measured 240 to
// 270 bytes in benchmarks/results/scale.md, so 288 keeps a shard's build within the budget).
inline constexpr std::uint64_t accumulate_bytes_per_number = 160;
inline constexpr std::uint64_t shard_build_bytes_per_number = 288;
inline constexpr std::size_t run_entry_bytes = 8 + number_record::packed_size;

// A sorted run of (key, record) entries in a temporary file.
class run_writer {
public:
    explicit run_writer(std::filesystem::path path) : path_(std::move(path)) {
        file_ = std::fopen(path_.c_str(), "wb");
        if (file_ == nullptr) throw_file_error(errno, path_, "cannot create the run file");
    }
    ~run_writer() {
        if (file_ != nullptr) std::fclose(file_);
    }
    run_writer(const run_writer&) = delete;
    run_writer& operator=(const run_writer&) = delete;

    void add(std::uint64_t key, const number_record& r) {
        std::array<std::byte, run_entry_bytes> entry{};
        for (std::size_t b = 0; b < 8; ++b) entry[b] = static_cast<std::byte>((key >> (8 * b)) & 0xFF);
        const auto packed = r.pack();
        std::copy(packed.begin(), packed.end(), entry.begin() + 8);
        if (std::fwrite(entry.data(), 1, entry.size(), file_) != entry.size())
            throw_file_error(errno != 0 ? errno : EIO, path_, "cannot write the run file");
    }
    void close() {
        const int result = std::fclose(file_);
        file_ = nullptr;
        if (result != 0) throw_file_error(errno != 0 ? errno : EIO, path_, "cannot write the run file");
    }

private:
    std::filesystem::path path_;
    std::FILE* file_ = nullptr;
};

// Reads a run back in order, through a buffer of the given size.
class run_reader {
public:
    run_reader(std::filesystem::path path, std::size_t buffer_bytes) : path_(std::move(path)) {
        file_ = std::fopen(path_.c_str(), "rb");
        if (file_ == nullptr) throw_file_error(errno, path_, "cannot open the run file");
        buffer_.resize(std::max<std::size_t>(1, buffer_bytes / run_entry_bytes) * run_entry_bytes);
        advance();
    }
    ~run_reader() {
        if (file_ != nullptr) std::fclose(file_);
    }
    run_reader(const run_reader&) = delete;
    run_reader& operator=(const run_reader&) = delete;

    bool done() const noexcept { return done_; }
    std::uint64_t key() const noexcept { return key_; }
    const number_record& record() const noexcept { return record_; }

    void advance() {
        if (at_ == filled_) {
            filled_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
            at_ = 0;
            if (filled_ % run_entry_bytes != 0 || std::ferror(file_))
                throw_file_error(std::ferror(file_) ? EIO : EINVAL, path_, "cannot read the run file (truncated?)");
            if (filled_ == 0) {
                done_ = true;
                return;
            }
        }
        const std::byte* e = buffer_.data() + at_;
        key_ = 0;
        for (std::size_t b = 0; b < 8; ++b) key_ |= static_cast<std::uint64_t>(e[b]) << (8 * b);
        std::array<std::byte, number_record::packed_size> packed{};
        std::copy(e + 8, e + run_entry_bytes, packed.begin());
        record_ = number_record::unpack(packed);
        at_ += run_entry_bytes;
    }

private:
    std::filesystem::path path_;
    std::FILE* file_ = nullptr;
    std::vector<std::byte> buffer_;
    std::size_t filled_ = 0, at_ = 0;
    bool done_ = false;
    std::uint64_t key_ = 0;
    number_record record_;
};

// Takes (key, record) in increasing key order and cuts them into shards, each built and
// written into the publication as soon as it is full: `shards` of equal size (to within one)
// when the total is known and shards > 1, none larger than `budget_cap` numbers.
class shard_cutter {
public:
    shard_cutter(db_directory::publication& out, std::uint64_t total, std::size_t shards, std::uint64_t budget_cap,
                 double bloom_fpr)
        : out_(out),
          total_(total),
          shards_(total > 0 ? shards : 0),
          budget_cap_(std::max<std::uint64_t>(1, budget_cap)),
          bloom_fpr_(bloom_fpr) {
        // A shard's vectors at their final size from the start: growing them by doubling would
        // hold up to three times a shard's keys and records at once, beyond the budget.
        const std::uint64_t first = std::min(limit(), total_ == 0 ? budget_cap_ : total_);
        if (first < (std::uint64_t{1} << 40)) {
            keys_.reserve(static_cast<std::size_t>(first));
            records_.reserve(static_cast<std::size_t>(first));
        }
    }

    void add(std::uint64_t key, const number_record& r) {
        if (keys_.size() == limit()) flush(key - 1);
        keys_.push_back(key);
        records_.push_back(r);
        ++numbers_;
    }
    // Writes the last shard (up to the largest key) and returns every shard's entry.
    std::vector<db_manifest::shard_entry> finish() {
        flush(std::numeric_limits<std::uint64_t>::max());
        return std::move(entries_);
    }
    std::uint64_t numbers() const noexcept { return numbers_; }

private:
    // The shard of the keys held, covering next_first_.. last_key.
    void flush(std::uint64_t last_key) {
        const trie_store<number_record> records = trie_store<number_record>::build(keys_, records_, merge_policy::last);
        bloom_filter<> bloom = db_directory::empty_bloom();
        if (!keys_.empty()) {
            bloom = bloom_filter<>(keys_.size(), bloom_fpr_);
            bloom.insert_batch(keys_);
        }
        keys_.clear();
        records_.clear();
        entries_.push_back(out_.write_shard(entries_.size(), next_first_, last_key, records, bloom));
        next_first_ = last_key + 1;
    }

    // The size of the shard being filled: shard k of N ends at number floor((k + 1) * total / N).
    std::uint64_t limit() const noexcept {
        std::uint64_t n = budget_cap_;
        if (shards_ > 1) {
            // floor((k + 1) * total / N) without the product overflowing: N and k are small.
            const std::uint64_t k1 = entries_.size() + 1, q = total_ / shards_, r = total_ % shards_;
            const std::uint64_t end = k1 * q + k1 * r / shards_;
            const std::uint64_t start = numbers_ - keys_.size();  // numbers in the shards before
            n = std::min(n, end > start ? end - start : 1);
        }
        return n;
    }

    db_directory::publication& out_;
    std::uint64_t total_;
    std::size_t shards_;
    std::uint64_t budget_cap_;
    double bloom_fpr_;
    std::vector<std::uint64_t> keys_;
    std::vector<number_record> records_;
    std::vector<db_manifest::shard_entry> entries_;
    std::uint64_t next_first_ = 0;
    std::uint64_t numbers_ = 0;
};

}  // namespace detail

class database_builder {
public:
    using options = database_build_options;

    // Refuses at once an output that a save could not replace (before any report is read).
    database_builder(std::filesystem::path output, options opts)
        : output_(detail::db_directory::normal_path(output)), options_(std::move(opts)), records_(options_.config) {
        detail::db_directory::check_replaceable(output_);
        if (!(options_.bloom_fpr >= detail::db_manifest::min_bloom_fpr &&
              options_.bloom_fpr <= detail::db_manifest::max_bloom_fpr))
            detail::throw_invalid_argument("bloom_fpr must be from 1e-09 to 0.5, got " +
                                           detail::shortest_text(options_.bloom_fpr));
        if (options_.shards > detail::db_manifest::max_shards)
            detail::throw_invalid_argument("shards: " + std::to_string(options_.shards) + " is more than the " +
                                           std::to_string(detail::db_manifest::max_shards) + " a database can hold");
        if (options_.memory_budget != 0)
            spill_at_ = std::max<std::uint64_t>(1024, options_.memory_budget / detail::accumulate_bytes_per_number);
    }
    ~database_builder() { remove_runs(); }
    database_builder(const database_builder&) = delete;
    database_builder& operator=(const database_builder&) = delete;

    // One report (see reputation_builder::add).
    void add(std::uint64_t key, report_category category, std::int64_t time, std::uint32_t source, bool not_spam) {
        records_.add(key, category, time, source, not_spam);
        spill_if_full();
    }
    void add(std::span<const report> reports, const string_interner<std::uint16_t>& categories) {
        records_.add(reports, categories);
        spill_if_full();
    }
    // A whole record for a number (e.g. a worker's partial records); merged with what is there.
    void add_record(std::uint64_t key, const number_record& record) {
        records_.add_record(key, record);
        spill_if_full();
    }

    const reputation_config& config() const noexcept { return options_.config; }
    // The region the reports' national forms were read in, saved with the database.
    void set_default_region(region r) noexcept { options_.default_region = r; }

    // Merges everything added and publishes the database in output (format 2). Once: a builder
    // that finished, or failed to, refuses more (its records are gone; a failure publishes nothing).
    database_build_summary finish() {
        if (finished_) detail::throw_invalid_argument(output_.string() + ": this build has already finished");
        finished_ = true;
        database_build_summary summary;
        detail::db_directory::publication out(output_, {options_.config, options_.default_region, options_.bloom_fpr});
        const std::uint64_t budget_cap = options_.memory_budget == 0
                                             ? std::numeric_limits<std::uint64_t>::max()
                                             : std::max<std::uint64_t>(1024, options_.memory_budget /
                                                                                 detail::shard_build_bytes_per_number);
        std::vector<detail::db_manifest::shard_entry> entries;
        if (runs_.empty()) {
            auto [keys, records] = records_.sorted();
            records_ = reputation_builder(options_.config);
            detail::shard_cutter cut(out, keys.size(), options_.shards, budget_cap, options_.bloom_fpr);
            for (std::size_t i = 0; i < keys.size(); ++i) cut.add(keys[i], records[i]);
            keys = {};
            records = {};
            entries = cut.finish();
            summary.numbers = cut.numbers();
        } else {
            if (records_.size() != 0) spill();
            summary.runs = runs_.size();
            merge_down_to_open_limit();
            const std::uint64_t total = options_.shards > 1 ? merge_runs([](std::uint64_t, const number_record&) {})
                                                            : std::uint64_t{0};
            detail::shard_cutter cut(out, total, options_.shards, budget_cap, options_.bloom_fpr);
            merge_runs([&](std::uint64_t k, const number_record& r) { cut.add(k, r); });
            entries = cut.finish();
            summary.numbers = cut.numbers();
        }
        summary.shards = entries.size();
        summary.spilled_bytes = spilled_bytes_;
        out.commit(std::move(entries));
        remove_runs();
        return summary;
    }

private:
    // Runs merged at once: each needs an open file and a read buffer (at least 64 KiB, within an
    // eighth of the budget), so many runs are first merged in passes into fewer, longer ones.
    std::size_t merge_fan_in() const noexcept {
        const std::uint64_t buffers = options_.memory_budget == 0 ? 1024 : options_.memory_budget / 8 / (64 * 1024);
        return static_cast<std::size_t>(std::clamp<std::uint64_t>(buffers, 4, 256));
    }

    void merge_down_to_open_limit() {
        while (runs_.size() > merge_fan_in()) {
            const std::size_t n = merge_fan_in();
            std::vector<std::filesystem::path> group(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(n));
            const std::filesystem::path merged = next_run_path();
            {
                detail::run_writer w(merged);
                merge_runs_of(group, [&](std::uint64_t k, const number_record& r) { w.add(k, r); });
                w.close();
            }
            std::error_code ignored;
            for (const auto& path : group) std::filesystem::remove(path, ignored);
            // The merged run takes the place of its inputs: earlier than every later run, so
            // records of one number still merge in the order they were added.
            runs_.erase(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(n));
            runs_.insert(runs_.begin(), merged);
        }
    }

    void spill_if_full() {
        if (finished_) detail::throw_invalid_argument(output_.string() + ": reports added after the build finished");
        if (records_.size() >= spill_at_) spill();
    }

    // A run file in this build's own folder, made on first use: next to the output (or in
    // temp_dir), named by the process and a counter so that no two builders share one.
    std::filesystem::path next_run_path() {
        if (temp_.empty()) {
            static std::atomic<unsigned> counter{0};
            for (int attempt = 0; temp_.empty(); ++attempt) {
                const std::string suffix = std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
                const std::filesystem::path candidate = options_.temp_dir.empty()
                                                            ? detail::db_directory::sibling(
                                                                  output_, (".build-" + suffix).c_str())
                                                            : options_.temp_dir / ("numrep-build-" + suffix);
                std::error_code error;
                if (!options_.temp_dir.empty() && !std::filesystem::create_directories(options_.temp_dir, error) &&
                    error)
                    detail::throw_file_error(error.value(), options_.temp_dir, "cannot create the temporary folder");
                if (std::filesystem::create_directory(candidate, error)) temp_ = candidate;  // false: it existed
                else if (error || attempt > 1000)
                    detail::throw_file_error(error ? error.value() : EEXIST, candidate,
                                             "cannot create the folder for spilled runs");
            }
        }
        return temp_ / ("run-" + std::to_string(run_files_++));
    }

    void spill() {
        const std::filesystem::path path = next_run_path();
        detail::run_writer w(path);
        runs_.push_back(path);
        {
            std::vector<std::pair<std::uint64_t, number_record>> sorted(records_.records().begin(),
                                                                        records_.records().end());
            records_ = reputation_builder(options_.config);  // frees the map before the sort's peak
            std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            for (const auto& [k, r] : sorted) w.add(k, r);
            spilled_bytes_ += sorted.size() * detail::run_entry_bytes;
        }
        w.close();
    }

    // Merges the runs in key order; records of one number merge in run order. Calls f(key,
    // record) per distinct number and returns how many there were.
    template <class F>
    std::uint64_t merge_runs(F&& f) {
        return merge_runs_of(runs_, std::forward<F>(f));
    }
    template <class F>
    std::uint64_t merge_runs_of(const std::vector<std::filesystem::path>& runs, F&& f) {
        const std::uint64_t buffer_total = options_.memory_budget == 0 ? (std::uint64_t{64} << 20)
                                                                       : options_.memory_budget / 8;
        const std::size_t buffer = static_cast<std::size_t>(
            std::clamp<std::uint64_t>(buffer_total / runs.size(), 64 * 1024, 4 << 20));
        std::vector<std::unique_ptr<detail::run_reader>> readers;
        for (const auto& path : runs) readers.push_back(std::make_unique<detail::run_reader>(path, buffer));
        using head = std::pair<std::uint64_t, std::size_t>;  // (key, run): equal keys in run order
        std::priority_queue<head, std::vector<head>, std::greater<>> heads;
        for (std::size_t i = 0; i < readers.size(); ++i)
            if (!readers[i]->done()) heads.emplace(readers[i]->key(), i);
        const double half_life = options_.config.half_life_seconds();
        std::uint64_t distinct = 0;
        while (!heads.empty()) {
            const std::uint64_t key = heads.top().first;
            number_record merged;
            while (!heads.empty() && heads.top().first == key) {
                const std::size_t i = heads.top().second;
                heads.pop();
                merge_records(merged, readers[i]->record(), half_life);
                readers[i]->advance();
                if (!readers[i]->done()) heads.emplace(readers[i]->key(), i);
            }
            f(key, merged);
            ++distinct;
        }
        return distinct;
    }

    void remove_runs() noexcept {
        std::error_code error;
        if (!temp_.empty()) std::filesystem::remove_all(temp_, error);  // the folder is this build's own
        runs_.clear();
    }

    std::filesystem::path output_;
    options options_;
    reputation_builder records_;
    std::uint64_t spill_at_ = std::numeric_limits<std::uint64_t>::max();
    std::filesystem::path temp_;
    std::size_t run_files_ = 0;
    bool finished_ = false;
    std::vector<std::filesystem::path> runs_;
    std::uint64_t spilled_bytes_ = 0;
};

}  // namespace numrep
