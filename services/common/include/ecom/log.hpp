#pragma once

// Structured JSON log lines on stdout, one object per line:
//   {"time":"...","level":"info","service":"product-service","msg":"...",...}
// Writing never blocks the caller: lines go to a bounded in-memory queue
// that a background thread writes out; when the queue is full, lines are
// dropped and counted.

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace ecom::log {

enum class Level : std::uint8_t { debug, info, warn, error, fatal };

std::string_view to_string(Level level) noexcept;
// "debug", "info", "warn", "error"; throws std::invalid_argument otherwise.
Level level_from_string(std::string_view name);

struct Field {
    using Value = std::variant<std::string_view, std::int64_t, double, bool>;

    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
    Field(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
    Field(std::string_view k, unsigned v) : key(k), value(std::int64_t{v}) {}
    Field(std::string_view k, std::uint64_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
    Field(std::string_view k, double v) : key(k), value(v) {}
    Field(std::string_view k, bool v) : key(k), value(v) {}

    std::string_view key;
    Value value;
};

struct Options {
    std::string service = "service";
    Level level = Level::info;
    std::size_t max_queued_bytes = 4 * 1024 * 1024;
    int fd = 1;  // where lines go
};

// Starts the writer thread. Safe to call once; lines logged before start()
// are written synchronously (start-up errors must never be lost).
void start(const Options& options);
// Writes out everything queued and stops the writer thread.
void stop();
void set_level(Level level) noexcept;

bool enabled(Level level) noexcept;
void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
// Appends a complete, already formatted line (without newline).
void write_raw(std::string line);

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::error, m, f);
}
inline void fatal(std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::fatal, m, f);
}

// Lines dropped because the queue was full.
std::uint64_t dropped_lines() noexcept;

// Formats one log line (without newline); exposed for tests.
std::string format_line(std::string_view time, Level level, std::string_view service, std::string_view msg,
                        std::initializer_list<Field> fields);

// RFC 3339 UTC time with milliseconds: 2026-11-27T07:47:10.123Z
std::string utc_timestamp();

}  // namespace ecom::log
