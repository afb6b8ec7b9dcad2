// The exception types numrep throws. Standard types only: bad input and bad parameters are
// std::invalid_argument (parse_error is one); corrupt or foreign files are format_error.
#pragma once

#include <stdexcept>
#include <string>

namespace numrep {

// Thrown by parse() when text is not a phone number; the message quotes the input and says why.
class parse_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// Thrown when a file or byte buffer is not a valid numrep store (truncated, corrupt, wrong kind).
class format_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace numrep
