// numrep::reputation_db: the database a call-screening service asks "is this caller a
// scammer?": an immutable mmap-able snapshot (one or more shards by key range, each a Bloom
// filter in front of a trie of records) plus delta layers of newer reports; lock-free readers;
// compaction rebuilds the shards that received reports and swaps snapshots atomically.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "background_task.hpp"
#include "bloom_filter.hpp"
#include "detail/db_directory.hpp"
#include "detail/key.hpp"
#include "detail/throw.hpp"
#include "number_record.hpp"
#include "numbering_plan.hpp"
#include "region.hpp"
#include "reputation_builder.hpp"
#include "score.hpp"
#include "time.hpp"
#include "trie_store.hpp"
#include "world_plan.hpp"

namespace numrep {

// Everything check() says about one number.
struct reputation_verdict {
    std::uint64_t key = 0;
    bool reported = false;   // at least one report or vote is on record
    reputation_score score;  // score, level, delisted, recent reports, distinct sources
    number_record record;    // counts by category, first/last seen, not-spam votes
    number_info info;        // allocated carrier, type, region, validity by the plan
};

struct reputation_db_options {
    reputation_config config;
    double bloom_fpr = 0.001;  // the filter costs ~15 bits per reported number at 0.1%
    const numbering_plan* plan = &plans::world();
    // The region the reports' national forms were read in (the FTC preset: US). Saved with the
    // database, so that its users read national forms the same way (the CLI and Python do).
    region default_region = numrep::default_region;
};

// How reputation_db::open reads a directory.
struct reputation_db_open_options {
    const numbering_plan* plan = &plans::world();
    // Overrides the region the database was saved with (format 1 saved none: VN is assumed).
    std::optional<region> default_region;
    // verify::header maps a huge database touching a few pages; its stores are then trusted.
    verify check = verify::full;
};

class reputation_db {
    struct state;  // the snapshot and the delta layers readers see (defined below)

public:
    using options = reputation_db_options;

    // An empty database.
    explicit reputation_db(options opts = {}) : options_(opts), saved_region_(opts.default_region) {
        options_.config.validate();
        if (!(options_.bloom_fpr >= detail::db_manifest::min_bloom_fpr &&
              options_.bloom_fpr <= detail::db_manifest::max_bloom_fpr))
            detail::throw_invalid_argument("bloom_fpr must be from 1e-09 to 0.5, got " +
                                           detail::shortest_text(options_.bloom_fpr));
        store_state(std::make_shared<const state>(state{whole_range_snapshot({}, {}), {}}));
    }

    // The region is the caller's to say (opts.default_region): the builder holds keys only. The
    // config is the builder's (its records' decayed counts are of its half-life): one set in opts
    // too must be the same, or std::invalid_argument (it was dropped without a word). opts.config
    // left at reputation_config{} means "the builder's": one set to exactly the defaults cannot
    // be told from it and is replaced too.
    static reputation_db build(const reputation_builder& builder, options opts = {}) {
        if (opts.config != reputation_config{} && opts.config != builder.config())
            detail::throw_invalid_argument(
                "reputation_db::build: opts.config differs from the builder's config, which the database takes "
                "(the builder aggregated its records with it): give the config to the builder");
        opts.config = builder.config();
        reputation_db db(opts);
        auto [keys, records] = builder.sorted();
        db.store_state(std::make_shared<const state>(state{db.whole_range_snapshot(keys, records), {}}));
        return db;
    }

    // Moving waits for the source's background compaction (which publishes into the source).
    reputation_db(reputation_db&& other) noexcept
        : options_(other.options_), state_(other.settled_state()), saved_region_(region::none()) {
        take_saved(other);
    }
    reputation_db& operator=(reputation_db&& other) noexcept {
        if (this == &other) return *this;
        background_.wait();
        options_ = other.options_;
        store_state(other.settled_state());
        take_saved(other);
        return *this;
    }
    reputation_db(const reputation_db&) = delete;
    reputation_db& operator=(const reputation_db&) = delete;
    ~reputation_db() { background_.wait(); }

    // The verdict on one number at time `now` (unix seconds). Never blocks on writers: it takes
    // the current state under a lock held for a pointer copy. For a hot path, check through a
    // reader(), which touches no lock and no reference count at all.
    reputation_verdict check(std::uint64_t key, std::int64_t now) const noexcept {
        return verdict_in(*load_state(), key, now);
    }
    reputation_verdict check(std::uint64_t key) const noexcept { return check(key, now_seconds()); }

    // A reader (`auto r = db.reader(); r.check(key)`) pins the database's current state (snapshot and delta layers): its checks see
    // exactly that state, however many reports and compactions follow, until refresh(). Checks
    // through it take no lock and change no shared counter, so threads each holding a reader
    // never contend. It must not outlive the database (it reads its settings and plan).
    class pinned_reader {
    public:
        reputation_verdict check(std::uint64_t key, std::int64_t now) const noexcept {
            return db_->verdict_in(*state_, key, now);
        }
        reputation_verdict check(std::uint64_t key) const noexcept { return check(key, now_seconds()); }
        template <class F>
        void check_each(std::span<const std::uint64_t> keys, std::int64_t now, F&& f) const {
            db_->check_each_in(*state_, keys, now, std::forward<F>(f));
        }
        std::optional<number_record> find(std::uint64_t key) const noexcept { return db_->find_in(*state_, key); }
        // The time of the newest report in the pinned state (unix seconds), nullopt when it holds
        // none (numbers with not-spam votes alone have no report time). A pass over every record.
        std::optional<std::int64_t> latest_report() const { return latest_report_in(*state_); }
        // Pins the database's state as it is now.
        void refresh() { state_ = db_->load_state(); }

    private:
        friend class reputation_db;
        pinned_reader(const reputation_db* db, std::shared_ptr<const state> s) : db_(db), state_(std::move(s)) {}
        const reputation_db* db_;
        std::shared_ptr<const state> state_;
    };
    pinned_reader reader() const { return pinned_reader(this, load_state()); }

    // check() for many numbers against one state (taken once, so a concurrent compaction
    // cannot mix two snapshots within a batch). out.size() must equal keys.size().
    void check_batch(std::span<const std::uint64_t> keys, std::int64_t now, std::span<reputation_verdict> out) const {
        if (keys.size() != out.size())
            detail::throw_invalid_argument("check_batch: " + std::to_string(keys.size()) + " keys but room for " +
                                           std::to_string(out.size()) + " verdicts");
        check_each(keys, now, [&](std::size_t i, const reputation_verdict& v) { out[i] = v; });
    }

    // check() for many numbers against one state, handing each verdict to f(index, verdict)
    // as it is made: no array of verdicts in between. f is called once for every index, in
    // increasing order (callers may gather rows in blocks by it). The verdict is refilled for
    // the next key: f copies what it keeps.
    // Works in chunks so that the Bloom probes, then the trie lookups of the keys that pass,
    // are issued together and their cache misses overlap (the stores' batch calls prefetch).
    template <class F>
    void check_each(std::span<const std::uint64_t> keys, std::int64_t now, F&& f) const {
        const std::shared_ptr<const state> s = load_state();
        check_each_in(*s, keys, now, std::forward<F>(f));
    }

    // The merged record of a number, if it was ever reported.
    std::optional<number_record> find(std::uint64_t key) const { return find_in(*load_state(), key); }

private:
    template <class F>
    void check_each_in(const state& s, std::span<const std::uint64_t> keys, std::int64_t now, F&& f) const {
        constexpr std::size_t chunk = detail::score_batch_size;
        std::array<std::optional<number_record>, chunk> found{};
        // The scores of the numbers found (score_batch), in storage left uninitialised as lookup_chunk
        // leaves its records: clearing 256 of them cost a small batch more than its checks.
        alignas(reputation_score) std::array<std::byte, chunk * sizeof(reputation_score)> score_bytes;
        const std::span<reputation_score> scores(reinterpret_cast<reputation_score*>(score_bytes.data()), chunk);
        std::array<std::optional<number_record>, chunk> group{};
        std::array<std::pair<std::uint32_t, std::uint32_t>, chunk> order{};  // (shard, position in chunk)
        std::array<std::uint64_t, chunk> gathered{};
        reputation_verdict verdict;  // filled in place for each key (see fill_verdict)
        const snapshot& snap = *s.snap;
        // The Bloom filter pays for itself on keys that are not there (most callers); on a run of
        // chunks in which nearly every key is reported (scoring the reported numbers themselves)
        // it answers "maybe" to all of them, so it is skipped until a chunk has misses again.
        // The verdicts are the same either way: the filter has no false negatives.
        bool filter = true;
        for (std::size_t begin = 0; begin < keys.size(); begin += chunk) {
            const std::size_t n = std::min(chunk, keys.size() - begin);
            const auto part = keys.subspan(begin, n);
            std::size_t hits = 0;
            if (snap.shards.size() == 1) {
                hits = lookup_chunk(*snap.shards[0], part, std::span(found.data(), n), filter);
            } else {
                // The chunk's keys grouped by shard (in chunk order within a shard), each group
                // looked up together.
                for (std::size_t i = 0; i < n; ++i) {
                    order[i] = {static_cast<std::uint32_t>(snap.shard_of(part[i])), static_cast<std::uint32_t>(i)};
                }
                std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n));
                for (std::size_t g = 0; g < n;) {
                    std::size_t e = g;
                    for (; e < n && order[e].first == order[g].first; ++e) gathered[e - g] = part[order[e].second];
                    hits += lookup_chunk(*snap.shards[order[g].first],
                                         std::span<const std::uint64_t>(gathered.data(), e - g),
                                         std::span(group.data(), e - g), filter);
                    for (std::size_t j = g; j < e; ++j) found[order[j].second] = std::move(group[j - g]);
                    g = e;
                }
            }
            filter = hits * filter_skip_denominator < n * filter_skip_numerator;
            for (std::size_t i = 0; i < n; ++i) add_delta(s.layers, part[i], found[i]);
            detail::score_batch(std::span(found.data(), n), now, options_.config, scores.first(n));
            for (std::size_t i = 0; i < n; ++i) {
                fill_scored_verdict(part[i], found[i], scores[i], verdict);
                f(begin + i, std::as_const(verdict));
            }
        }
    }

public:
    // New reports after the snapshot: a new delta layer, visible to check() at once. A check
    // looks each key up in every layer, so layers are kept few: the new one takes in the newest
    // ones while each is at most twice as big as what it took (see merge_newest_layers).
    // std::invalid_argument for reports aggregated with another half-life than the database's:
    // their decayed counts would be merged as if of this one (make the builder with
    // settings().config).
    void add_reports(const reputation_builder& reports) {
        if (reports.config().half_life_days != options_.config.half_life_days)
            detail::throw_invalid_argument("add_reports: the reports were aggregated with a half-life of " +
                                           detail::shortest_text(reports.config().half_life_days) +
                                           " days, the database decays with " +
                                           detail::shortest_text(options_.config.half_life_days) +
                                           ": make the reputation_builder with the database's settings().config");
        if (reports.size() == 0) return;
        auto layer = std::make_shared<delta_layer>(reports.records());
        // A compaction folds the layers it started with and keeps the ones published after
        // them as they are, by position: layers merge only while none runs (and cannot start).
        std::unique_lock no_compaction(compactor_, std::try_to_lock);
        std::lock_guard lock(writer_);
        const std::shared_ptr<const state> current = load_state();
        auto next = std::make_shared<state>(*current);
        if (no_compaction.owns_lock()) merge_newest_layers(next->layers, layer);
        next->layers.push_back(std::move(layer));
        store_state(std::move(next));
    }

    // Folds every delta layer present now into a new snapshot and swaps it in; layers added
    // meanwhile stay as delta. Readers keep answering from the old state until the swap.
    void compact() {
        std::lock_guard compacting(compactor_);
        const std::shared_ptr<const state> start = load_state();
        if (start->layers.empty()) return;
        auto next_snapshot = fold(*start);
        std::lock_guard lock(writer_);
        const std::shared_ptr<const state> current = load_state();
        auto next = std::make_shared<state>();
        next->snap = std::move(next_snapshot);
        // Layers are only ever appended, so the ones added since `start` are the tail.
        next->layers.assign(current->layers.begin() + static_cast<std::ptrdiff_t>(start->layers.size()),
                            current->layers.end());
        store_state(std::move(next));
    }

    // compact() on a thread of its own; the task's wait() waits for its end, get() also rethrows
    // what it threw. While one runs, another call returns it rather than start a second: it folds
    // the delta layers there were when it started, not those added since (compact() again, or
    // another compact_async once it has ended, folds those).
    background_task compact_async() {
        std::lock_guard lock(writer_);
        if (!background_.ready()) return background_;
        background_.wait();  // a finished task's thread is joined before the next starts
        background_ = background_task::start([this] { compact(); });
        return background_;
    }

    // Every reported number (snapshot and delta) whose digits start with `prefix` (0: all),
    // ascending. O(matches).
    std::vector<std::uint64_t> keys(std::uint64_t prefix = 0) const {
        const std::shared_ptr<const state> s = load_state();
        std::vector<std::uint64_t> out;
        for (const auto& sh : s->snap->shards)  // shards are in key order: so are their keys
            sh->records.for_each(prefix, [&](std::uint64_t k) {
                out.push_back(k);
                return true;
            });
        const std::size_t snapshot_count = out.size();
        for (const auto& layer : s->layers)
            for (const auto& entry : *layer)
                if (detail::key_has_prefix(entry.first, prefix)) out.push_back(entry.first);
        if (out.size() != snapshot_count) {
            std::sort(out.begin(), out.end());
            out.erase(std::unique(out.begin(), out.end()), out.end());
        }
        return out;
    }

    // How many reported numbers start with `prefix`: the snapshot's count is O(1) in the
    // number of matches; delta numbers are checked one by one (the delta is small).
    std::size_t count_prefix(std::uint64_t prefix) const {
        const std::shared_ptr<const state> s = load_state();
        std::size_t n = 0;
        for (const auto& sh : s->snap->shards) n += sh->records.count_prefix(prefix);
        if (s->layers.empty()) return n;
        std::vector<std::uint64_t> extra;
        for (const auto& layer : s->layers)
            for (const auto& entry : *layer)
                if (detail::key_has_prefix(entry.first, prefix) &&
                    !s->snap->shard_for(entry.first).records.contains(entry.first))
                    extra.push_back(entry.first);
        std::sort(extra.begin(), extra.end());
        return n + static_cast<std::size_t>(std::unique(extra.begin(), extra.end()) - extra.begin());
    }

    // Numbers in the snapshot (delta layers not counted).
    std::size_t size() const noexcept {
        std::size_t n = 0;
        for (const auto& sh : load_state()->snap->shards) n += static_cast<std::size_t>(sh->records.size());
        return n;
    }
    // Key ranges the snapshot is split into (1 unless built or opened sharded).
    std::size_t shard_count() const noexcept { return load_state()->snap->shards.size(); }
    // The first and last key of shard i's range.
    std::pair<std::uint64_t, std::uint64_t> shard_range(std::size_t i) const {
        const std::shared_ptr<const state> s = load_state();
        const shard& sh = shard_at(*s->snap, i);
        return {sh.first_key, sh.last_key};
    }
    // Distinct reported numbers, snapshot and delta together (a number in both counts once).
    std::size_t number_count() const { return count_prefix(0); }
    std::size_t delta_layers() const noexcept { return load_state()->layers.size(); }
    // How many states have been published (reports added, compactions ended): while it stays
    // the same, so do the contents, for callers that remember something about them (Python's
    // latest_report). Sizes cannot tell: reports for numbers already held, then a compaction,
    // leave both sizes as they were.
    std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

    // Distinct numbers in the delta layers (the reports added since the snapshot), each once
    // however many layers hold it: a sum over layers would depend on how the reports were
    // batched and merged. O(delta numbers).
    std::size_t delta_size() const {
        const std::shared_ptr<const state> s = load_state();
        if (s->layers.size() <= 1) return s->layers.empty() ? 0 : s->layers.front()->size();
        std::unordered_set<std::uint64_t> keys;
        for (const auto& layer : s->layers)
            for (const auto& entry : *layer) keys.insert(entry.first);
        return keys.size();
    }
    const options& settings() const noexcept { return options_; }
    // The stores of the current snapshot's shard i. The handles share ownership of the shard,
    // so they stay valid however many compactions follow (later ones are not seen through them).
    std::shared_ptr<const trie_store<number_record>> records(std::size_t i = 0) const {
        const std::shared_ptr<const state> s = load_state();
        shard_at(*s->snap, i);  // "shard 5 of 1", not std::vector's range check
        const std::shared_ptr<const shard> sh = s->snap->shards[i];
        return {sh, &sh->records};
    }
    std::shared_ptr<const bloom_filter<>> reported_numbers(std::size_t i = 0) const {
        const std::shared_ptr<const state> s = load_state();
        shard_at(*s->snap, i);
        const std::shared_ptr<const shard> sh = s->snap->shards[i];
        return {sh, &sh->bloom};
    }

    // Publishes the database (the snapshot with every delta layer folded in) as a directory in
    // format 2 (docs/file-format.md): new store files, fsynced, then one atomic rename of its
    // MANIFEST; a crash at any moment leaves the previous state or this one, whole. Refuses to
    // replace a directory that is neither empty nor a numrep database; a format 1 directory is
    // upgraded in place. Saving back to the directory a database was opened from (or last saved
    // to) writes only the shards that changed: the others keep their published files.
    //
    // A database opened from a directory remembers that directory (by device and inode, so
    // whatever path names it) and the publication it opened there (the MANIFEST's database id
    // and generation), then each one it makes there: saving over another publication made
    // there since, by another object or process, is refused (std::runtime_error), for its
    // reports would be dropped. (A database made in memory replaces what a directory holds, as
    // any save over another database does, and so does one saved to a directory it was not
    // opened from.)
    //
    // The region saved is `region` when given (and from then on, saved_region()), else
    // saved_region(): the one the database was built with or opened from, not a region given
    // to open().
    void save(const std::filesystem::path& where, std::optional<region> region_to_save = std::nullopt) {
        const std::filesystem::path dir = detail::db_directory::normal_path(where);
        detail::db_directory::check_replaceable(dir);
        detail::db_directory::fault_point("compacting");  // the tests' crash points (a no-op otherwise)
        compact();  // the bulk of the work, before the directory's lock: other writers do not wait for it
        const region saving = region_to_save.value_or(saved_region());
        detail::db_directory::publication out(dir, {options_.config, saving, options_.bloom_fpr});
        // The state saved is taken under the lock, so that two saves of this object that overlap
        // publish in the order they take it, the later with all the earlier had. (Taken before,
        // a save that waited for the lock could publish its older state over the newer one of a
        // save that took the lock first: reports on disk, from a save that had returned, were gone.)
        const std::shared_ptr<const state> s = load_state();
        std::shared_ptr<const snapshot> snap = s->snap;
        if (!s->layers.empty()) snap = fold(*s);  // reports added since compact() returned
        detail::db_directory::fault_point("compacted");
        const auto& published = out.published();
        // Checked under the directory's lock, which every publisher holds until its rename.
        const std::optional<directory_identity> where_id = identity_of(dir);
        if (const std::optional<seen_publication> seen = last_seen_publication(where_id);
            seen && published &&
            (published->database_id != seen->database_id || published->generation != seen->generation))
            detail::throw_runtime_error(
                dir.string() + ": the database there has been published again (generation " +
                std::to_string(published->generation) + ") since this one opened it or last saved it there (" +
                (seen->generation == 0 ? std::string("in format 1")
                                       : "generation " + std::to_string(seen->generation)) +
                "); saving would drop the reports published since: open it again and add the reports to that");
        std::vector<detail::db_manifest::shard_entry> entries;
        for (std::size_t i = 0; i < snap->shards.size(); ++i) {
            const shard& sh = *snap->shards[i];
            const std::optional<detail::db_manifest::shard_entry> kept = sh.saved_entry();
            if (kept && published && i < published->shards.size() && published->shards[i] == *kept &&
                detail::db_directory::files_intact(dir, *kept))
                entries.push_back(*kept);
            else
                entries.push_back(out.write_shard(i, sh.first_key, sh.last_key, sh.records, sh.bloom));
        }
        out.commit(entries);
        for (std::size_t i = 0; i < snap->shards.size(); ++i) snap->shards[i]->remember_saved(entries[i]);
        const std::lock_guard lock(saved_mutex_);
        saved_region_ = saving;  // after the commit: a refused or failed save changes nothing
        if (seen_ && where_id && seen_->where == *where_id)
            seen_ = seen_publication{*where_id, out.database_id(), out.generation()};
    }

    // The region saved with the database, which those who open it read national forms in: the
    // one it was built with or opened from, or last given to save(). A region given to open()
    // is the opened object's own (default_region in settings()) and is not saved.
    region saved_region() const {
        const std::lock_guard lock(saved_mutex_);
        return saved_region_;
    }

    // Opens a saved database (format 2, or 1); the stores are memory-mapped. After a crash it
    // opens the last published state. format_error for a damaged or foreign directory, naming
    // the file and the problem.
    static reputation_db open(const std::filesystem::path& dir, const reputation_db_open_options& how) {
        auto files = detail::db_directory::read(detail::db_directory::normal_path(dir), how.check);
        options opts;
        opts.config = files.saved.config;
        opts.bloom_fpr = files.saved.bloom_fpr;
        opts.default_region = how.default_region.value_or(files.saved.default_region);
        opts.plan = how.plan;
        reputation_db db(opts);
        db.saved_region_ = files.saved.default_region;
        // Format 1 has no publication to name: generation 0 stands for it, so that a save finding
        // the directory published since (another object's save upgraded it) refuses, as in format 2.
        if (const auto where_id = identity_of(dir))
            db.seen_ = files.format == 2 ? seen_publication{*where_id, files.database_id, files.generation}
                                         : seen_publication{*where_id, {}, 0};
        auto snap = std::make_shared<snapshot>();
        for (auto& opened : files.shards) {
            auto sh = std::make_shared<shard>();
            sh->first_key = opened.first_key;
            sh->last_key = opened.last_key;
            sh->records = std::move(opened.records);
            sh->bloom = std::move(opened.bloom);
            if (opened.entry) sh->remember_saved(*opened.entry);
            snap->add(std::move(sh));
        }
        db.store_state(std::make_shared<const state>(state{std::move(snap), {}}));
        return db;
    }
    static reputation_db open(const std::filesystem::path& dir, const numbering_plan* plan = &plans::world()) {
        reputation_db_open_options how;
        how.plan = plan;
        return open(dir, how);
    }

    static std::int64_t now_seconds() noexcept { return detail::unix_now(); }

private:
    using delta_layer = std::unordered_map<std::uint64_t, number_record>;

    // The reported numbers whose keys lie in [first_key, last_key]: a trie of records behind a
    // Bloom filter of the same keys. Immutable once in a snapshot, and shared by the snapshots
    // that did not change it.
    struct shard {
        std::uint64_t first_key = 0;
        std::uint64_t last_key = std::numeric_limits<std::uint64_t>::max();
        trie_store<number_record> records;
        bloom_filter<> bloom = detail::db_directory::empty_bloom();

        // The published files that hold exactly these stores (set when opened or saved): saving
        // to a directory whose manifest names the same files keeps them instead of rewriting.
        std::optional<detail::db_manifest::shard_entry> saved_entry() const {
            std::lock_guard lock(saved_mutex_);
            return saved_;
        }
        void remember_saved(const detail::db_manifest::shard_entry& e) const {
            std::lock_guard lock(saved_mutex_);
            saved_ = e;
        }

    private:
        mutable std::mutex saved_mutex_;
        mutable std::optional<detail::db_manifest::shard_entry> saved_;
    };

    struct snapshot {
        std::vector<std::shared_ptr<const shard>> shards;  // in key order, covering every key
        std::vector<std::uint64_t> first_keys;             // shards[i]->first_key, for routing

        void add(std::shared_ptr<const shard> sh) {
            first_keys.push_back(sh->first_key);
            shards.push_back(std::move(sh));
        }
        // The shard whose range holds `key`: no search when there is one.
        std::size_t shard_of(std::uint64_t key) const noexcept {
            if (first_keys.size() == 1) return 0;
            return static_cast<std::size_t>(std::upper_bound(first_keys.begin(), first_keys.end(), key) -
                                            first_keys.begin()) -
                   1;
        }
        const shard& shard_for(std::uint64_t key) const noexcept { return *shards[shard_of(key)]; }
    };
    struct state {
        std::shared_ptr<const snapshot> snap;
        std::vector<std::shared_ptr<const delta_layer>> layers;
        // The newest report's time in this state, found once (latest_report_in, a pass over every
        // record): then now="latest" costs a load, as the state never changes.
        static constexpr std::int64_t latest_unknown = std::numeric_limits<std::int64_t>::min();
        mutable std::atomic<std::int64_t> latest{latest_unknown};

        state() = default;
        state(std::shared_ptr<const snapshot> s, std::vector<std::shared_ptr<const delta_layer>> l)
            : snap(std::move(s)), layers(std::move(l)) {}
        // A copy is made to be changed (a layer added): it finds its own newest report.
        state(const state& o) : snap(o.snap), layers(o.layers) {}
        state& operator=(const state&) = delete;
    };

    static const shard& shard_at(const snapshot& snap, std::size_t i) {
        if (i >= snap.shards.size())
            detail::throw_invalid_argument("shard " + std::to_string(i) + " of " + std::to_string(snap.shards.size()) +
                                           ": shards count from 0");
        return *snap.shards[i];
    }

    // A new snapshot: `s`'s snapshot with its delta layers merged in. Only the shards whose range
    // received reports are rebuilt; the others are shared with the old snapshot.
    std::shared_ptr<const snapshot> fold(const state& s) const {
        const snapshot& old = *s.snap;
        // Each shard's delta entries, in layer order (the order merge_records sees them in).
        std::vector<std::vector<std::pair<std::uint64_t, const number_record*>>> delta(old.shards.size());
        for (const auto& layer : s.layers)
            for (const auto& [k, r] : *layer) delta[old.shard_of(k)].emplace_back(k, &r);
        auto next = std::make_shared<snapshot>();
        for (std::size_t i = 0; i < old.shards.size(); ++i) {
            if (delta[i].empty()) {
                next->add(old.shards[i]);
                continue;
            }
            auto& entries = delta[i];
            std::stable_sort(entries.begin(), entries.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
            const shard& sh = *old.shards[i];
            std::vector<std::uint64_t> keys;
            std::vector<number_record> records;
            keys.reserve(static_cast<std::size_t>(sh.records.size()) + entries.size());
            records.reserve(keys.capacity());
            std::size_t d = 0;
            const double half_life = options_.config.half_life_seconds();
            // Appends key k: `base` (its snapshot record, or empty) with its delta entries merged in.
            const auto append = [&](std::uint64_t k, number_record base) {
                for (; d < entries.size() && entries[d].first == k; ++d)
                    merge_records(base, *entries[d].second, half_life);
                keys.push_back(k);
                records.push_back(base);
            };
            sh.records.for_each(0, [&](std::uint64_t k, const number_record& r) {
                while (d < entries.size() && entries[d].first < k) append(entries[d].first, number_record{});
                append(k, r);
                return true;
            });
            while (d < entries.size()) append(entries[d].first, number_record{});
            next->add(make_shard(sh.first_key, sh.last_key, keys, records));
        }
        return next;
    }

    std::shared_ptr<const shard> make_shard(std::uint64_t first_key, std::uint64_t last_key,
                                            const std::vector<std::uint64_t>& keys,
                                            const std::vector<number_record>& records) const {
        auto sh = std::make_shared<shard>();
        sh->first_key = first_key;
        sh->last_key = last_key;
        sh->records = trie_store<number_record>::build(keys, records, merge_policy::last);
        if (keys.empty()) return sh;  // the empty filter answers "no" to every key
        sh->bloom = bloom_filter<>(keys.size(), options_.bloom_fpr);
        sh->bloom.insert_batch(keys);
        return sh;
    }

    std::shared_ptr<const snapshot> whole_range_snapshot(const std::vector<std::uint64_t>& keys,
                                                         const std::vector<number_record>& records) const {
        auto snap = std::make_shared<snapshot>();
        snap->add(make_shard(0, std::numeric_limits<std::uint64_t>::max(), keys, records));
        return snap;
    }

    // check_each skips the Bloom filter for the next chunk when at least this fraction of a
    // chunk's keys were reported. The filter costs about 9 ns a key, a trie search for a key it
    // would have stopped 35-45 ns (300k-number database), so skipping pays from about 3/4.
    static constexpr std::size_t filter_skip_numerator = 7;
    static constexpr std::size_t filter_skip_denominator = 8;

    // The snapshot records of `keys` (one shard's), through its filter (unless `filter` is
    // false) then its trie, batched so that the cache misses of a chunk overlap (the stores'
    // batch calls prefetch). Returns how many keys have a record.
    static std::size_t lookup_chunk(const shard& sh, std::span<const std::uint64_t> keys,
                                    std::span<std::optional<number_record>> out, bool filter) {
        // Scratch arrays, written before they are read: left uninitialised, as clearing them
        // (about 14 KB) cost as much as a chunk's verdict scoring.
        constexpr std::size_t chunk = 256;
        std::array<std::uint8_t, chunk> maybe;
        std::array<std::uint64_t, chunk> candidates;
        std::array<std::size_t, chunk> positions;
        alignas(number_record) std::array<std::byte, chunk * sizeof(number_record)> record_bytes;  // no constructors
        const std::span<number_record> records(reinterpret_cast<number_record*>(record_bytes.data()), chunk);
        std::array<std::uint8_t, chunk> found;
        const std::size_t n = keys.size();
        std::size_t m = 0;
        if (filter) {
            sh.bloom.contains_batch(keys, std::span<std::uint8_t>(maybe.data(), n));
            for (std::size_t i = 0; i < n; ++i)
                if (maybe[i] != 0) candidates[m] = keys[i], positions[m++] = i;
        } else {
            for (std::size_t i = 0; i < n; ++i) candidates[i] = keys[i], positions[i] = i;
            m = n;
        }
        for (std::size_t i = 0; i < n; ++i) out[i].reset();
        const std::size_t hits = sh.records.find_batch(std::span<const std::uint64_t>(candidates.data(), m),
                                                       records.first(m), std::span<std::uint8_t>(found.data(), m));
        for (std::size_t j = 0; j < m; ++j)
            if (found[j] != 0) out[positions[j]] = records[j];
        return hits;
    }

    reputation_verdict verdict_in(const state& s, std::uint64_t key, std::int64_t now) const noexcept {
        std::optional<number_record> in_snapshot;
        const shard& sh = s.snap->shard_for(key);
        if (sh.bloom.contains(key)) in_snapshot = sh.records.find(key);
        return verdict_from(s.layers, key, std::move(in_snapshot), now);
    }

    // The verdict given the snapshot's record of `key` (if any): delta layers merged in, scored.
    reputation_verdict verdict_from(const std::vector<std::shared_ptr<const delta_layer>>& layers, std::uint64_t key,
                                    std::optional<number_record> record, std::int64_t now) const noexcept {
        reputation_verdict v;
        fill_verdict(layers, key, record, now, v);
        return v;
    }

    // verdict_from written into `v` (every field; `record` gets the delta layers merged in).
    // Batches fill one verdict in place: building and returning a fresh one per key cost a
    // 150-byte clear and copies that stall on store forwarding.
    void fill_verdict(const std::vector<std::shared_ptr<const delta_layer>>& layers, std::uint64_t key,
                      std::optional<number_record>& record, std::int64_t now, reputation_verdict& v) const noexcept {
        add_delta(layers, key, record);
        fill_scored_verdict(key, record, record ? score_record(*record, now, options_.config) : reputation_score{}, v);
    }
    // The verdict on `key` with its merged record (if any) scored: the plan's answer added.
    void fill_scored_verdict(std::uint64_t key, const std::optional<number_record>& record,
                             const reputation_score& score, reputation_verdict& v) const noexcept {
        v.key = key;
        v.reported = record.has_value();
        if (record) {
            v.record = *record;
            v.score = score;
        } else {
            v.record = number_record{};
            v.score = reputation_score{};
        }
        if (options_.plan != nullptr) options_.plan->lookup(key, v.info);
        else
            v.info = number_info{};
    }

    // More layers than the doubling rule makes for any real delta (2^32 numbers): only layers added
    // during a compaction get there.
    static constexpr std::size_t max_delta_layers = 32;

    // Merges into `layer` the newest of `layers` while the next is at most twice as big as what
    // it has taken in so far (sizes summed), as a log-structured merge does: the layers' sizes then
    // at least double from newest to oldest, so n numbers make O(log n) layers, each record copied
    // O(log n) times. One pass: a copy of the oldest layer taken, then the newer ones merged into
    // it in order (older records first, as a check merges them), so that the many small layers
    // added while a compaction ran (when none merge) cost their size, not its square. Old layers
    // are copied, not changed: readers may hold them.
    void merge_newest_layers(std::vector<std::shared_ptr<const delta_layer>>& layers,
                             std::shared_ptr<delta_layer>& layer) const {
        std::size_t first = layers.size();
        std::size_t taken = layer->size();
        while (first > 0 && layers[first - 1]->size() <= 2 * taken) taken += layers[--first]->size();
        // Past max_delta_layers (layers added while a compaction ran, which do not merge, behind a
        // bigger one that stops the run above), every layer merges: the doubling rule alone left
        // thousands in place for as many calls as the bigger one had reports.
        if (layers.size() >= max_delta_layers)
            for (; first > 0; --first) taken += layers[first - 1]->size();
        if (first == layers.size()) return;
        auto merged = std::make_shared<delta_layer>(*layers[first]);
        merged->reserve(taken);
        const double half_life = options_.config.half_life_seconds();
        const auto merge_in = [&](const delta_layer& newer) {
            for (const auto& [key, record] : newer) {
                const auto [at, added] = merged->try_emplace(key, record);
                if (!added) merge_records(at->second, record, half_life);
            }
        };
        for (std::size_t i = first + 1; i < layers.size(); ++i) merge_in(*layers[i]);
        merge_in(*layer);
        layers.resize(first);
        layer = std::move(merged);
    }

    void add_delta(const std::vector<std::shared_ptr<const delta_layer>>& layers, std::uint64_t key,
                   std::optional<number_record>& record) const noexcept {
        for (const auto& layer : layers) {
            const auto it = layer->find(key);
            if (it == layer->end()) continue;
            if (!record) record = number_record{};
            merge_records(*record, it->second, options_.config.half_life_seconds());
        }
    }

    // Reports only (a record of votes alone has none: last_seen stays 0), so the newest over
    // the parts of a number (snapshot, delta layers) is its merged record's.
    static std::optional<std::int64_t> latest_report_in(const state& s) {
        std::int64_t latest = s.latest.load(std::memory_order_acquire);
        if (latest == state::latest_unknown) {
            latest = -1;  // none (times are never negative)
            const auto see = [&latest](const number_record& r) {
                if (r.total() != 0 && r.last_seen > latest) latest = r.last_seen;
            };
            for (const auto& sh : s.snap->shards)
                sh->records.for_each(0, [&](std::uint64_t, const number_record& r) {
                    see(r);
                    return true;
                });
            for (const auto& layer : s.layers)
                for (const auto& [key, r] : *layer) see(r);
            s.latest.store(latest, std::memory_order_release);  // two threads at once store the same
        }
        if (latest < 0) return std::nullopt;
        return latest;
    }

    std::optional<number_record> find_in(const state& s, std::uint64_t key) const noexcept {
        std::optional<number_record> found;
        const shard& sh = s.snap->shard_for(key);
        if (sh.bloom.contains(key)) found = sh.records.find(key);
        add_delta(s.layers, key, found);
        return found;
    }

    std::shared_ptr<const state> settled_state() {
        background_.wait();
        return load_state();
    }

    std::shared_ptr<const state> load_state() const noexcept {
        std::lock_guard lock(state_mutex_);
        return state_;
    }
    void store_state(std::shared_ptr<const state> next) {
        std::lock_guard lock(state_mutex_);
        state_.swap(next);  // the old state is released outside the lock, by `next`'s destructor
        generation_.fetch_add(1, std::memory_order_acq_rel);
    }

    // A directory by device and inode: the same whatever path names it.
    struct directory_identity {
        std::uint64_t device = 0, inode = 0;
        bool operator==(const directory_identity&) const = default;
    };
    static std::optional<directory_identity> identity_of(const std::filesystem::path& dir) {
        struct stat st{};
        if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
        return directory_identity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
    }
    // The directory the database was opened from, and the publication it last saw there (the
    // MANIFEST's database id and generation, at open or at its own save; generation 0 for a
    // format 1 database, which has none): save() refuses to replace another.
    struct seen_publication {
        directory_identity where;
        std::string database_id;
        std::uint64_t generation = 0;
    };
    std::optional<seen_publication> last_seen_publication(const std::optional<directory_identity>& where) const {
        if (!where) return std::nullopt;
        const std::lock_guard lock(saved_mutex_);
        if (seen_ && seen_->where == *where) return seen_;
        return std::nullopt;
    }
    // Moves (no allocation: the move constructor and assignment are noexcept).
    void take_saved(reputation_db& other) noexcept {
        const std::scoped_lock lock(saved_mutex_, other.saved_mutex_);
        saved_region_ = other.saved_region_;
        seen_ = std::move(other.seen_);
    }

    options options_;
    mutable std::mutex state_mutex_;  // guards the pointer only
    std::shared_ptr<const state> state_;
    mutable std::mutex saved_mutex_;  // guards the two below
    region saved_region_;
    std::optional<seen_publication> seen_;      // of the directory it was opened from
    std::atomic<std::uint64_t> generation_{0};  // states published so far (generation())
    std::mutex writer_;                         // serialises publishers (add_reports, the end of compact)
    std::mutex compactor_;                      // one compaction at a time
    background_task background_;
};

}  // namespace numrep
