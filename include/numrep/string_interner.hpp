// numrep::string_interner<Id>: names to small dense ids that never change (id 0 is ""), for
// report categories and sources, and the carrier and area names of numbering plans.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "detail/throw.hpp"

namespace numrep {

// Names to dense ids in order of first appearance: id 0 is always "" (no name), the first
// other name gets 1, and so on. Ids never change, so they can be stored and looked up later.
// Memory grows with distinct names only. Id is the id type; interning the name that would
// need an id past its maximum throws std::length_error.
template <class Id = std::uint32_t>
class string_interner {
    static_assert(std::is_unsigned_v<Id>, "string_interner ids must be an unsigned integer type");

public:
    string_interner() { add(""); }
    string_interner(const string_interner& other) : string_interner() {
        for (std::size_t i = 1; i < other.names_.size(); ++i) add(other.names_[i]);
    }
    string_interner& operator=(const string_interner& other) {
        if (this != &other) *this = string_interner(other);
        return *this;
    }
    // Moving a deque hands over its blocks, so the map's views stay valid. The moved-from
    // interner is an empty one again (only "", id 0), not one without it, where intern() gave
    // a name id 0. (noexcept: the empty name's few bytes; std::terminate if even they cannot be had.)
    string_interner(string_interner&& other) noexcept
        : names_(std::move(other.names_)), views_(std::move(other.views_)), ids_(std::move(other.ids_)) {
        other.become_empty();
    }
    string_interner& operator=(string_interner&& other) noexcept {
        if (this != &other) {
            names_ = std::move(other.names_);
            views_ = std::move(other.views_);
            ids_ = std::move(other.ids_);
            other.become_empty();
        }
        return *this;
    }
    ~string_interner() = default;

    // The id of `name`, adding it if new.
    Id intern(std::string_view name) {
        if (const auto id = find(name)) return *id;
        if (full()) detail::throw_length_error(full_message(name));
        return add(name);
    }
    // Whether no new name fits, and what to say then (callers add where the name came from).
    bool full() const noexcept { return names_.size() > std::numeric_limits<Id>::max(); }
    static std::string full_message(std::string_view name) {
        return "more than " + std::to_string(std::numeric_limits<Id>::max()) + " distinct names; cannot add " +
               detail::quote(name);
    }

    std::optional<Id> find(std::string_view name) const noexcept {
        const auto it = ids_.find(name);
        if (it == ids_.end()) return std::nullopt;
        return it->second;
    }

    // The name of an id; std::invalid_argument for an id this interner never gave out.
    std::string_view name(Id id) const {
        if (id >= names_.size())
            detail::throw_invalid_argument("name id " + std::to_string(id) + " out of range (" +
                                           std::to_string(names_.size()) + " names)");
        return names_[id];
    }

    // Names known, counting the empty name of id 0.
    std::size_t size() const noexcept { return names_.size(); }

    // Every name, indexed by id (names()[0] is ""): unchecked, for hot paths.
    std::span<const std::string_view> names() const noexcept { return views_; }

private:
    void become_empty() noexcept {
        names_.clear();
        views_.clear();
        ids_.clear();
        add("");
    }

    Id add(std::string_view name) {
        const auto id = static_cast<Id>(names_.size());
        names_.emplace_back(name);
        views_.emplace_back(names_.back());  // deque elements never move
        ids_.emplace(views_.back(), id);
        return id;
    }

    std::deque<std::string> names_;
    std::vector<std::string_view> views_;
    std::unordered_map<std::string_view, Id> ids_;
};

}  // namespace numrep
