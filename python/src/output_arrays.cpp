// The pool behind output_array (output_arrays.hpp).
#include "output_arrays.hpp"

#include <algorithm>
#include <mutex>
#include <new>
#include <vector>

namespace numrep::python {

namespace {

constexpr std::size_t alignment = 64;
constexpr std::size_t granule = std::size_t{64} << 10;  // capacities are multiples: near sizes share

// Each buffer starts with a header (its capacity), then the data at `alignment`.
struct header {
    std::size_t capacity;  // bytes after the header
};
constexpr std::size_t header_room = alignment;
static_assert(sizeof(header) <= header_room);

class output_pool {
public:
    // The smallest idle buffer of at least `bytes` and at most twice that (a much larger one
    // would keep its unused part alive with the array), or a new one.
    header* take(std::size_t bytes) {
        {
            std::lock_guard lock(mutex_);
            auto best = idle_.end();
            for (auto it = idle_.begin(); it != idle_.end(); ++it) {
                const std::size_t c = (*it)->capacity;
                if (c >= bytes && c / 2 <= bytes && (best == idle_.end() || c < (*best)->capacity)) best = it;
            }
            if (best != idle_.end()) {
                header* h = *best;
                idle_.erase(best);
                idle_bytes_ -= h->capacity;
                return h;
            }
        }
        const std::size_t capacity = (bytes + granule - 1) / granule * granule;
        void* raw = ::operator new(header_room + capacity, std::align_val_t{alignment});
        return new (raw) header{capacity};
    }

    // Kept for the next take, the oldest idle buffers freed to stay under pool_limit.
    void give_back(header* h) noexcept {
        std::vector<header*> freed;
        {
            std::lock_guard lock(mutex_);
            if (h->capacity > pool_limit) {
                freed.push_back(h);
            } else {
                try {
                    idle_.push_back(h);
                    idle_bytes_ += h->capacity;
                } catch (...) {  // no room to remember it: free it
                    freed.push_back(h);
                }
                std::size_t drop = 0;
                while (idle_bytes_ > pool_limit) {
                    idle_bytes_ -= idle_[drop]->capacity;
                    ++drop;
                }
                try {
                    freed.insert(freed.end(), idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(drop));
                } catch (...) {
                }
                idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(drop));
            }
        }
        for (header* f : freed) release(f);
    }

    output_pool_state now() {
        std::lock_guard lock(mutex_);
        return {idle_.size(), idle_bytes_};
    }

    static void* data_of(header* h) noexcept { return reinterpret_cast<std::byte*>(h) + header_room; }
    static header* header_of(void* data) noexcept {
        return reinterpret_cast<header*>(static_cast<std::byte*>(data) - header_room);
    }

private:
    static void release(header* h) noexcept { ::operator delete(static_cast<void*>(h), std::align_val_t{alignment}); }

    std::mutex mutex_;           // calls hold the GIL today; the lock keeps the pool right without it
    std::vector<header*> idle_;  // oldest first
    std::size_t idle_bytes_ = 0;
};

// Never destroyed: arrays may die after the module's static objects at interpreter exit (the
// idle buffers are left to the process's end).
output_pool& pool() {
    static auto* p = new output_pool;
    return *p;
}

}  // namespace

output_buffer take_output_buffer(std::size_t bytes) {
    header* h = pool().take(bytes);
    void* data = output_pool::data_of(h);
    // If the capsule cannot be made, the buffer goes back before the error propagates.
    try {
        return {data, py::capsule(data, [](void* d) { pool().give_back(output_pool::header_of(d)); })};
    } catch (...) {
        pool().give_back(h);
        throw;
    }
}

output_pool_state output_pool_now() { return pool().now(); }

}  // namespace numrep::python
