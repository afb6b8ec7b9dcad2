// numrep::background_task: a function running on a thread of its own, whose end can be waited
// for from any copy of the handle (what reputation_db::compact_async returns).
//
// Why not std::shared_future<void> (which it replaced, and whose wait/get/valid it keeps):
// <future> (with the <chrono> its wait_for needed) cost reputation_db.hpp and the umbrella
// header about 4% of their compile time (CHANGELOG), and a compaction needs only a thread, a
// join and the exception it may throw.
#pragma once

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

namespace numrep {

class background_task {
public:
    // No task: valid() is false, ready() true, wait() and get() return at once.
    background_task() = default;

    // Runs f() on a new thread. What f throws is kept for get().
    template <class F>
    static background_task start(F f) {
        background_task task;
        task.shared_ = std::make_shared<shared>();
        // The thread reaches its state through a plain pointer, not an owning one: the state
        // outlives the thread, as its destructor joins it (see ~shared).
        shared* s = task.shared_.get();
        s->thread = std::thread([s, f = std::move(f)]() mutable {
            try {
                f();
            } catch (...) {
                s->error = std::current_exception();
            }
            s->done.store(true, std::memory_order_release);
        });
        return task;
    }

    bool valid() const noexcept { return shared_ != nullptr; }

    // True when the task has ended (or there is none): wait() would not block.
    bool ready() const noexcept { return !shared_ || shared_->done.load(std::memory_order_acquire); }

    // Blocks until the task has ended. Any number of copies may wait, from any threads.
    void wait() const {
        if (!shared_) return;
        std::lock_guard lock(shared_->joining);
        if (shared_->thread.joinable()) shared_->thread.join();
    }

    // wait(), then rethrows what the task threw, if anything (every call does).
    void get() const {
        wait();
        if (shared_ && shared_->error) std::rethrow_exception(shared_->error);
    }

private:
    struct shared {
        std::thread thread;
        std::mutex joining;  // one joiner at a time; the others find the thread joined
        std::atomic<bool> done{false};
        std::exception_ptr error;  // written by the thread before `done`, read after a join
        shared() = default;
        shared(const shared&) = delete;
        shared& operator=(const shared&) = delete;
        // The last handle gone: the thread may still be finishing (after `done`), and a
        // std::thread destroyed unjoined ends the program.
        ~shared() {
            if (thread.joinable()) thread.join();
        }
    };
    std::shared_ptr<shared> shared_;
};

}  // namespace numrep
