// Result columns of the batch calls, in memory that earlier results gave back.
//
// A batch call returns fresh NumPy arrays: check_many writes about 75 bytes a number, so a
// call on 300k numbers asks for 22 MB. glibc hands blocks that large out as new mappings and
// returns them to the system when they are freed, so every call paid a page fault and a
// cleared page per 4 KiB written: a third of check_many's time on never-reported numbers was
// the kernel's (perf). Columns of at least pooled_minimum bytes therefore live in buffers that
// dead columns gave back, up to pool_limit bytes kept idle (check_many of 300k never-reported
// numbers: 70 -> 42 ns a number). Each array owns its buffer through a
// capsule (its .base): while any array of a buffer lives, nothing else is given that buffer.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <initializer_list>
#include <type_traits>
#include <vector>

namespace numrep::python {

namespace py = pybind11;

inline constexpr std::size_t pooled_minimum = std::size_t{64} << 10;  // smaller: NumPy's own
inline constexpr std::size_t pool_limit = std::size_t{256} << 20;     // idle bytes kept at most

// A buffer of at least `bytes` (64-byte aligned), and the capsule that gives it back to the
// pool when its last array dies.
struct output_buffer {
    void* data;
    py::capsule owner;
};
output_buffer take_output_buffer(std::size_t bytes);

// Idle buffers and their bytes, for tests.
struct output_pool_state {
    std::size_t buffers = 0;
    std::size_t bytes = 0;
};
output_pool_state output_pool_now();
// Frees the idle buffers (arrays in use keep theirs).
void clear_output_pool() noexcept;

// A call's temporary array of `count` T (uninitialised), from the same pool when it is large
// enough: parse_many of a list gathered 33 bytes a value into new memory on every call, and the
// page faults cost 14 ns of its 89 ns a value (1M values; measured with glibc told to keep freed
// memory). Hold the GIL when it is destroyed (the buffer goes back through its capsule).
template <class T>
class scratch_array {
    static_assert(std::is_trivially_destructible_v<T>, "scratch arrays are not destroyed element by element");

public:
    explicit scratch_array(std::size_t count) {
        if (count * sizeof(T) < pooled_minimum) {
            small_.resize(count);
            data_ = small_.data();
        } else {
            buffer_ = take_output_buffer(count * sizeof(T));
            data_ = static_cast<T*>(buffer_.data);
        }
    }
    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    std::vector<T> small_;
    output_buffer buffer_{nullptr, py::capsule()};
    T* data_ = nullptr;
};

// An uninitialised C-ordered array of `shape`, from the pool when it is large enough.
template <class T>
py::array_t<T> output_array(std::initializer_list<py::ssize_t> shape) {
    std::size_t count = 1;
    for (const auto extent : shape) count *= static_cast<std::size_t>(extent);
    if (count * sizeof(T) < pooled_minimum) return py::array_t<T>(std::vector<py::ssize_t>(shape));
    output_buffer buffer = take_output_buffer(count * sizeof(T));
    return py::array_t<T>(std::vector<py::ssize_t>(shape), static_cast<T*>(buffer.data), buffer.owner);
}

template <class T>
py::array_t<T> output_array(py::ssize_t n) {
    return output_array<T>({n});
}

// A result column and its data, taken once with the GIL: threads write through `data` without it.
template <class T>
struct result_column {
    explicit result_column(std::initializer_list<py::ssize_t> shape)
        : array(output_array<T>(shape)), data(array.mutable_data()) {}
    explicit result_column(py::ssize_t n) : result_column({n}) {}
    py::array_t<T> array;
    T* data;
};

}  // namespace numrep::python
