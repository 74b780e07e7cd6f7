#include "ecom/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace ecom::metrics {
namespace {

enum Type { counter_type = 0, gauge_type = 1, histogram_type = 2 };

bool valid_name(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        const bool digit = c >= '0' && c <= '9';
        if (!letter && !(digit && i > 0)) {
            return false;
        }
    }
    return true;
}

void append_number(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "NaN";
    } else if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
    } else {
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, static_cast<std::size_t>(r.ptr - buf));
    }
}

void append_escaped_label(std::string& out, std::string_view value) {
    for (const char c : value) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
}

// Labels plus one more (le="..."), rendered.
std::string labels_with(const std::string& rendered, std::string_view name, std::string_view value) {
    std::string out;
    if (rendered.empty()) {
        out = "{";
    } else {
        out = rendered.substr(0, rendered.size() - 1);
        out += ',';
    }
    out += name;
    out += "=\"";
    append_escaped_label(out, value);
    out += "\"}";
    return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
    if (!std::is_sorted(bounds_.begin(), bounds_.end())) {
        throw std::invalid_argument("histogram bounds must be ascending");
    }
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        buckets_[i].store(0, std::memory_order_relaxed);
    }
}

void Histogram::observe(double value) noexcept {
    const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
    buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

std::uint64_t Histogram::cumulative(std::size_t i) const noexcept {
    std::uint64_t total = 0;
    for (std::size_t b = 0; b <= i && b <= bounds_.size(); ++b) {
        total += buckets_[b].load(std::memory_order_relaxed);
    }
    return total;
}

const std::vector<double>& latency_buckets() {
    static const std::vector<double> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                            0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
    return bounds;
}

std::string render_labels(const Labels& labels) {
    if (labels.empty()) {
        return {};
    }
    std::string out = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += labels[i].first;
        out += "=\"";
        append_escaped_label(out, labels[i].second);
        out += '"';
    }
    out += '}';
    return out;
}

struct Registry::Family {
    using Series = std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>,
                                std::function<double()>>;
    std::string help;
    int type = counter_type;
    bool callback = false;
    std::map<std::string, Series> series;  // by rendered labels
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(std::string_view name, std::string_view help, int type) {
    if (!valid_name(name)) {
        throw std::invalid_argument("invalid metric name: " + std::string(name));
    }
    auto it = families_.find(name);
    if (it == families_.end()) {
        auto f = std::make_unique<Family>();
        f->help = std::string(help);
        f->type = type;
        it = families_.emplace(std::string(name), std::move(f)).first;
    } else if (it->second->type != type) {
        throw std::invalid_argument("metric registered with another type: " + std::string(name));
    }
    return *it->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& f = family(name, help, counter_type);
    auto [it, inserted] = f.series.try_emplace(render_labels(labels));
    if (inserted) {
        it->second = std::make_unique<Counter>();
    }
    return *std::get<std::unique_ptr<Counter>>(it->second);
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& f = family(name, help, gauge_type);
    auto [it, inserted] = f.series.try_emplace(render_labels(labels));
    if (inserted) {
        it->second = std::make_unique<Gauge>();
    }
    auto* gauge = std::get_if<std::unique_ptr<Gauge>>(&it->second);
    if (gauge == nullptr) {
        throw std::invalid_argument("gauge series is a callback: " + std::string(name));
    }
    return **gauge;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, const Labels& labels,
                               const std::vector<double>& bounds) {
    std::lock_guard lock(mutex_);
    auto& f = family(name, help, histogram_type);
    auto [it, inserted] = f.series.try_emplace(render_labels(labels));
    if (inserted) {
        it->second = std::make_unique<Histogram>(bounds);
    }
    return *std::get<std::unique_ptr<Histogram>>(it->second);
}

void Registry::callback_gauge(std::string_view name, std::string_view help, const Labels& labels,
                              std::function<double()> read) {
    std::lock_guard lock(mutex_);
    auto& f = family(name, help, gauge_type);
    f.series[render_labels(labels)] = std::move(read);
}

std::optional<double> Registry::read(std::string_view name, const Labels& labels) const {
    std::function<double()> callback;
    {
        std::lock_guard lock(mutex_);
        const auto f = families_.find(name);
        if (f == families_.end()) {
            return std::nullopt;
        }
        const auto it = f->second->series.find(render_labels(labels));
        if (it == f->second->series.end()) {
            return std::nullopt;
        }
        if (const auto* c = std::get_if<std::unique_ptr<Counter>>(&it->second)) {
            return static_cast<double>((*c)->value());
        }
        if (const auto* g = std::get_if<std::unique_ptr<Gauge>>(&it->second)) {
            return static_cast<double>((*g)->value());
        }
        if (const auto* cb = std::get_if<std::function<double()>>(&it->second)) {
            callback = *cb;
        }
    }
    if (callback) {
        return callback();  // outside the lock: it may read other metrics
    }
    return std::nullopt;
}

std::string Registry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    out.reserve(16 * 1024);
    for (const auto& [name, f] : families_) {
        out += "# HELP ";
        out += name;
        out += ' ';
        out += f->help;
        out += "\n# TYPE ";
        out += name;
        out += f->type == counter_type ? " counter\n" : f->type == gauge_type ? " gauge\n" : " histogram\n";
        for (const auto& [labels, series] : f->series) {
            if (const auto* c = std::get_if<std::unique_ptr<Counter>>(&series)) {
                out += name + labels + ' ' + std::to_string((*c)->value()) + '\n';
            } else if (const auto* g = std::get_if<std::unique_ptr<Gauge>>(&series)) {
                out += name + labels + ' ' + std::to_string((*g)->value()) + '\n';
            } else if (const auto* cb = std::get_if<std::function<double()>>(&series)) {
                out += name + labels + ' ';
                append_number(out, (*cb)());
                out += '\n';
            } else if (const auto* h = std::get_if<std::unique_ptr<Histogram>>(&series)) {
                const auto& hist = **h;
                const auto bounds = hist.bounds();
                std::uint64_t cumulative = 0;
                for (std::size_t i = 0; i <= bounds.size(); ++i) {
                    cumulative = hist.cumulative(i);
                    std::string le;
                    if (i < bounds.size()) {
                        append_number(le, bounds[i]);
                    } else {
                        le = "+Inf";
                    }
                    out += name + "_bucket" + labels_with(labels, "le", le) + ' ' + std::to_string(cumulative) + '\n';
                }
                out += name + "_sum" + labels + ' ';
                append_number(out, hist.sum());
                out += '\n';
                out += name + "_count" + labels + ' ' + std::to_string(cumulative) + '\n';
            }
        }
    }
    return out;
}

}  // namespace ecom::metrics
