#include "ecom/log.hpp"

#include "ecom/json_writer.hpp"
#include "ecom/time_format.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace ecom::log {
namespace {

class Sink {
public:
    void start(const Options& options) {
        std::lock_guard lock(mutex_);
        if (running_) {
            return;
        }
        fd_ = options.fd;
        max_bytes_ = options.max_queued_bytes;
        running_ = true;
        thread_ = std::thread([this] { run(); });
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            if (!running_) {
                return;
            }
            running_ = false;
        }
        wake_.notify_one();
        thread_.join();
    }

    void push(std::string&& line) {
        line += '\n';
        std::unique_lock lock(mutex_);
        if (!running_) {
            lock.unlock();
            write_all(fd_, line);
            return;
        }
        if (pending_.size() + line.size() > max_bytes_) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        const bool was_empty = pending_.empty();
        pending_ += line;
        lock.unlock();
        if (was_empty) {
            wake_.notify_one();
        }
    }

    std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

    std::atomic<Level> level{Level::info};
    std::string service = "service";

private:
    void run() {
        std::string batch;
        std::unique_lock lock(mutex_);
        while (true) {
            wake_.wait(lock, [this] { return !pending_.empty() || !running_; });
            batch.swap(pending_);
            const bool stopping = !running_;
            lock.unlock();
            write_all(fd_, batch);
            batch.clear();
            lock.lock();
            if (stopping && pending_.empty()) {
                return;
            }
        }
    }

    static void write_all(int fd, std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::write(fd, data.data(), data.size());
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return;  // nowhere left to report a failing log stream
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::string pending_;
    std::thread thread_;
    bool running_ = false;
    int fd_ = 1;
    std::size_t max_bytes_ = 4 * 1024 * 1024;
    std::atomic<std::uint64_t> dropped_{0};
};

Sink& sink() {
    static Sink instance;
    return instance;
}

}  // namespace

std::string_view to_string(Level level) noexcept {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warn: return "warn";
        case Level::error: return "error";
        case Level::fatal: return "fatal";
    }
    return "info";
}

Level level_from_string(std::string_view name) {
    if (name == "debug")
        return Level::debug;
    if (name == "info")
        return Level::info;
    if (name == "warn")
        return Level::warn;
    if (name == "error")
        return Level::error;
    throw std::invalid_argument("unknown log level");
}

void start(const Options& options) {
    sink().service = options.service;
    sink().level.store(options.level, std::memory_order_relaxed);
    sink().start(options);
}

void stop() {
    sink().stop();
}

void set_level(Level level) noexcept {
    sink().level.store(level, std::memory_order_relaxed);
}

bool enabled(Level level) noexcept {
    return level >= sink().level.load(std::memory_order_relaxed);
}

std::string utc_timestamp() {
    return rfc3339_now();
}

std::string format_line(std::string_view time, Level level, std::string_view service, std::string_view msg,
                        std::initializer_list<Field> fields) {
    std::string line;
    line.reserve(160);
    JsonWriter w(line);
    w.begin_object();
    w.field("time", time).field("level", to_string(level)).field("service", service).field("msg", msg);
    for (const auto& f : fields) {
        w.key(f.key);
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string_view>) {
                    w.string(v);
                } else if constexpr (std::is_same_v<T, std::int64_t>) {
                    w.integer(v);
                } else if constexpr (std::is_same_v<T, double>) {
                    w.number(v);
                } else {
                    w.boolean(v);
                }
            },
            f.value);
    }
    w.end_object();
    return line;
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
    if (!enabled(level)) {
        return;
    }
    sink().push(format_line(utc_timestamp(), level, sink().service, msg, fields));
}

void write_raw(std::string line) {
    sink().push(std::move(line));
}

std::uint64_t dropped_lines() noexcept {
    return sink().dropped();
}

}  // namespace ecom::log
