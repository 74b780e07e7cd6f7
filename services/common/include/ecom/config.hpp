#pragma once

// Settings come from environment variables, each with a documented default
// that works locally. Every getter validates its variable; problems are
// collected and reported together by check(), so a bad deployment names all
// of its mistakes at once.

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecom {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Env {
public:
    using Lookup = std::function<const char*(const char*)>;

    Env();  // reads the process environment
    explicit Env(Lookup lookup);

    std::string string(const char* name, std::string_view fallback);
    // Empty or unset is an error.
    std::string required_string(const char* name, std::size_t min_length = 1);
    std::int64_t integer(const char* name, std::int64_t fallback, std::int64_t min, std::int64_t max);
    // A decimal number such as 0.01; scientific notation is refused.
    double fraction(const char* name, double fallback, double min, double max);
    bool boolean(const char* name, bool fallback);
    std::chrono::milliseconds millis(const char* name, std::chrono::milliseconds fallback,
                                     std::chrono::milliseconds min, std::chrono::milliseconds max);
    std::string one_of(const char* name, std::string_view fallback, std::initializer_list<std::string_view> allowed);
    // An absolute http:// URL (scheme, host and optional port; no path; one
    // trailing '/' is dropped). With an empty fallback, unset or empty means "".
    std::string http_url(const char* name, std::string_view fallback);

    // Records a problem found by the caller's own check of a variable; the
    // value is not repeated (it may be a secret).
    void reject(const char* name, std::string_view expectation);

    // Throws ConfigError naming every invalid variable.
    void check() const;
    [[nodiscard]] const std::vector<std::string>& problems() const noexcept { return problems_; }

private:
    const char* raw(const char* name) const;
    void problem(const char* name, std::string_view value, std::string_view expectation);

    Lookup lookup_;
    std::vector<std::string> problems_;
};

}  // namespace ecom
