#pragma once

#include <stdexcept>
#include <string>

namespace costmodel {

// Bad input: a missing or malformed file, an unknown option, a value out of range,
// an unknown resource type under --strict. The CLI prints the message and exits 2.
class InputError : public std::runtime_error {
public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace costmodel
