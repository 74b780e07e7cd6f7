#include "ecom/config.hpp"

#include <charconv>
#include <cstdlib>

namespace ecom {
namespace {

std::string printable(std::string_view value) {
    // Values are echoed in start-up errors; keep them short and on one line.
    std::string out;
    for (const char c : value.substr(0, 64)) {
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    }
    if (value.size() > 64) {
        out += "...";
    }
    return out;
}

bool parse_int(std::string_view text, std::int64_t& out) {
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, out);
    return result.ec == std::errc{} && result.ptr == end;
}

}  // namespace

Env::Env() : lookup_([](const char* name) { return std::getenv(name); }) {}

Env::Env(Lookup lookup) : lookup_(std::move(lookup)) {}

const char* Env::raw(const char* name) const {
    const char* value = lookup_(name);
    return (value != nullptr && *value != '\0') ? value : nullptr;
}

void Env::problem(const char* name, std::string_view value, std::string_view expectation) {
    std::string message = name;
    message += ": ";
    if (!value.empty()) {
        message += "'" + printable(value) + "' ";
    }
    message += expectation;
    problems_.push_back(std::move(message));
}

std::string Env::string(const char* name, std::string_view fallback) {
    const char* value = raw(name);
    return value != nullptr ? std::string(value) : std::string(fallback);
}

std::string Env::required_string(const char* name, std::size_t min_length) {
    const char* value = raw(name);
    if (value == nullptr) {
        problem(name, {}, "is required but not set");
        return {};
    }
    std::string s(value);
    if (s.size() < min_length) {
        problems_.push_back(std::string(name) + ": must be at least " + std::to_string(min_length) +
                            " characters long");
    }
    return s;
}

std::int64_t Env::integer(const char* name, std::int64_t fallback, std::int64_t min, std::int64_t max) {
    const char* value = raw(name);
    if (value == nullptr) {
        return fallback;
    }
    std::int64_t parsed = 0;
    if (!parse_int(value, parsed) || parsed < min || parsed > max) {
        problem(name, value, "is not an integer from " + std::to_string(min) + " to " + std::to_string(max));
        return fallback;
    }
    return parsed;
}

double Env::fraction(const char* name, double fallback, double min, double max) {
    const char* value = raw(name);
    if (value == nullptr) {
        return fallback;
    }
    const std::string_view text(value);
    double parsed = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), parsed, std::chars_format::fixed);
    if (result.ec != std::errc{} || result.ptr != text.data() + text.size() || !(parsed >= min) || !(parsed <= max)) {
        problem(name, value, "is not a decimal number from " + std::to_string(min) + " to " + std::to_string(max));
        return fallback;
    }
    return parsed;
}

bool Env::boolean(const char* name, bool fallback) {
    const char* value = raw(name);
    if (value == nullptr) {
        return fallback;
    }
    const std::string_view v(value);
    if (v == "true" || v == "1" || v == "yes" || v == "on") {
        return true;
    }
    if (v == "false" || v == "0" || v == "no" || v == "off") {
        return false;
    }
    problem(name, value, "is not a boolean (true/false)");
    return fallback;
}

std::chrono::milliseconds Env::millis(const char* name, std::chrono::milliseconds fallback,
                                      std::chrono::milliseconds min, std::chrono::milliseconds max) {
    return std::chrono::milliseconds(integer(name, fallback.count(), min.count(), max.count()));
}

std::string Env::one_of(const char* name, std::string_view fallback, std::initializer_list<std::string_view> allowed) {
    const char* value = raw(name);
    if (value == nullptr) {
        return std::string(fallback);
    }
    for (const auto option : allowed) {
        if (option == value) {
            return std::string(value);
        }
    }
    std::string expected = "is not one of:";
    for (const auto option : allowed) {
        expected += " ";
        expected += option;
    }
    problem(name, value, expected);
    return std::string(fallback);
}

std::string Env::http_url(const char* name, std::string_view fallback) {
    const char* value = raw(name);
    std::string url = value != nullptr ? std::string(value) : std::string(fallback);
    if (url.empty() && fallback.empty()) {
        return url;  // an optional URL left unset
    }
    constexpr std::string_view scheme = "http://";
    if (url.size() > scheme.size() + 1 && url.back() == '/') {
        url.pop_back();  // "http://collector:4318/" names the same endpoint
    }
    bool ok = url.starts_with(scheme) && url.size() > scheme.size();
    if (ok) {
        const std::string_view authority = std::string_view(url).substr(scheme.size());
        for (const char c : authority) {
            const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
            if (!allowed) {
                ok = false;
                break;
            }
        }
    }
    if (!ok) {
        problem(name, url, "is not an http:// URL with a host and optional port (no path)");
    }
    return url;
}

void Env::reject(const char* name, std::string_view expectation) {
    problem(name, {}, expectation);
}

void Env::check() const {
    if (problems_.empty()) {
        return;
    }
    std::string message = "invalid configuration: ";
    for (std::size_t i = 0; i < problems_.size(); ++i) {
        if (i > 0) {
            message += "; ";
        }
        message += problems_[i];
    }
    throw ConfigError(message);
}

}  // namespace ecom
