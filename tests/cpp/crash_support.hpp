// What the database tests share: fresh temporary directories, the files a directory holds, and
// a child process that crashes at a chosen fault point of a save.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "catch.hpp"
#include "numrep/detail/db_directory.hpp"
#include "numrep/reputation_db.hpp"

namespace numrep_test {

inline constexpr std::int64_t probe_time = 1'750'000'000;

// Everything a user can ask a database, as text: equal fingerprints, equal answers.
inline std::string fingerprint(const numrep::reputation_db& db) {
    std::string out = std::string(db.settings().default_region.code()) + " " +
                      std::to_string(db.settings().config.half_life_days) + " " + std::to_string(db.number_count()) +
                      "\n";
    std::vector<std::uint64_t> probe = db.keys();
    for (std::uint64_t k = 84900000000ULL; k < 84901000000ULL; k += 9973) probe.push_back(k);
    for (const std::uint64_t k : probe) {
        const auto v = db.check(k, numrep_test::probe_time);
        out += std::to_string(k) + (v.reported ? " R " : " - ") + std::to_string(v.record.total()) + " " +
               std::to_string(v.record.not_spam) + " " + std::to_string(v.record.first_seen) + " " +
               std::to_string(v.score.score) + "\n";
    }
    return out;
}

// The fingerprint of whatever opens at `dir`, or "refused: <why>".
inline std::string what_opens(const std::filesystem::path& dir) {
    try {
        return fingerprint(numrep::reputation_db::open(dir));
    } catch (const std::exception& e) {
        return std::string("refused: ") + e.what();
    }
}

inline std::filesystem::path fresh_dir(const std::string& name) {
    auto p = std::filesystem::temp_directory_path() / ("numrep_test_dir_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(p);
    return p;
}

// The files a database directory holds besides its lock, sorted.
inline std::vector<std::string> files_in(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().filename() != "lock") names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Runs `save` in a child process that dies (_exit, no cleanup) at its `crash_at`-th fault
// point; true if it reached that point, false if the save finished first.
inline bool crash_child_at(int crash_at, const std::function<void()>& save) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        static int remaining;
        remaining = crash_at;
        numrep::detail::db_directory::fault_hook = [](std::string_view) {
            if (remaining-- == 0) ::_exit(42);
        };
        try {
            save();
        } catch (...) {
            ::_exit(3);
        }
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE((WEXITSTATUS(status) == 42 || WEXITSTATUS(status) == 0));
    return WEXITSTATUS(status) == 42;
}

// The fault points one call of `save` passes, in order.
inline std::vector<std::string> steps_of(const std::function<void()>& save) {
    static std::vector<std::string>* seen;
    std::vector<std::string> steps;
    seen = &steps;
    numrep::detail::db_directory::fault_hook = [](std::string_view step) { seen->emplace_back(step); };
    save();
    numrep::detail::db_directory::fault_hook = nullptr;
    return steps;
}

}  // namespace numrep_test
