// The pool behind output_array (output_arrays.hpp).
#include "output_arrays.hpp"

#include <array>
#include <mutex>
#include <new>

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
            std::size_t best = idle_count_;
            for (std::size_t i = 0; i < idle_count_; ++i) {
                const std::size_t c = idle_[i]->capacity;
                if (c >= bytes && c / 2 <= bytes && (best == idle_count_ || c < idle_[best]->capacity)) best = i;
            }
            if (best != idle_count_) {
                header* h = idle_[best];
                remove_at(best);
                return h;
            }
        }
        const std::size_t capacity = (bytes + granule - 1) / granule * granule;
        void* raw = ::operator new(header_room + capacity, std::align_val_t{alignment});
        return new (raw) header{capacity};
    }

    // Kept for the next take; the oldest idle buffers are freed to stay within max_idle
    // buffers and pool_limit bytes. Allocates nothing (it runs in a capsule's destructor).
    void give_back(header* h) noexcept {
        std::lock_guard lock(mutex_);
        if (h->capacity > pool_limit) {
            release(h);
            return;
        }
        while (idle_count_ > 0 && (idle_count_ == max_idle || idle_bytes_ + h->capacity > pool_limit)) {
            header* oldest = idle_[0];
            remove_at(0);
            release(oldest);
        }
        idle_[idle_count_++] = h;
        idle_bytes_ += h->capacity;
    }

    // Frees every idle buffer.
    void clear() noexcept {
        std::lock_guard lock(mutex_);
        while (idle_count_ > 0) {
            header* h = idle_[idle_count_ - 1];
            remove_at(idle_count_ - 1);
            release(h);
        }
    }

    output_pool_state now() {
        std::lock_guard lock(mutex_);
        return {idle_count_, idle_bytes_};
    }

    static void* data_of(header* h) noexcept { return reinterpret_cast<std::byte*>(h) + header_room; }
    static header* header_of(void* data) noexcept {
        return reinterpret_cast<header*>(static_cast<std::byte*>(data) - header_room);
    }

private:
    static constexpr std::size_t max_idle = 64;

    static void release(header* h) noexcept { ::operator delete(static_cast<void*>(h), std::align_val_t{alignment}); }

    // Keeps the rest in order (oldest first).
    void remove_at(std::size_t i) noexcept {
        idle_bytes_ -= idle_[i]->capacity;
        for (std::size_t j = i + 1; j < idle_count_; ++j) idle_[j - 1] = idle_[j];
        --idle_count_;
    }

    std::mutex mutex_;                      // calls hold the GIL today; the lock keeps the pool right without it
    std::array<header*, max_idle> idle_{};  // the first idle_count_, oldest first
    std::size_t idle_count_ = 0;
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

void clear_output_pool() noexcept { pool().clear(); }

}  // namespace numrep::python
