#include "ecom/emf.hpp"

#include "ecom/json_writer.hpp"
#include "ecom/log.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>
#include <utility>

namespace ecom::emf {

const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();

namespace {

namespace bj = boost::json;

[[noreturn]] void invalid(std::string_view what) {
    throw std::invalid_argument("EMF catalog: " + std::string(what));
}

std::string text(const bj::object& o, std::string_view key, std::string_view where) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string() || v->as_string().empty()) {
        invalid(std::string(where) + " needs a non-empty string \"" + std::string(key) + "\"");
    }
    return std::string(v->as_string());
}

const bj::object& object(const bj::value* v, std::string_view where) {
    if (v == nullptr || !v->is_object()) {
        invalid(std::string(where) + " must be an object");
    }
    return v->as_object();
}

const bj::array& array(const bj::value* v, std::string_view where) {
    if (v == nullptr || !v->is_array()) {
        invalid(std::string(where) + " must be an array");
    }
    return v->as_array();
}

std::int64_t unix_millis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The key of the document a source belongs to: its dimension.
std::string group_key(const Source& s) {
    return s.dimension_name + '\x1f' + s.dimension_value;
}

struct Reading {
    const Source* source;
    double value;
};

// Readings by dimension (one document each), in catalog order.
using Groups = std::vector<std::pair<std::string, std::vector<Reading>>>;

void add_reading(Groups& groups, const Source& s, double value) {
    const auto key = group_key(s);
    for (auto& [k, readings] : groups) {
        if (k == key) {
            readings.push_back({&s, value});
            return;
        }
    }
    groups.push_back({key, {{&s, value}}});
}

// The labels that select a source's series: its dimension value, if any.
metrics::Labels labels_of(const Source& s) {
    metrics::Labels labels;
    if (!s.label.empty()) {
        labels.emplace_back(s.label, s.dimension_value);
    }
    return labels;
}

// The increase of a counter series since the last collect.
double increase(const metrics::Registry& registry, std::map<std::string, double>& previous, const std::string& series,
                const Source& s) {
    const metrics::Labels labels = labels_of(s);
    const double now = registry.read(series, labels).value_or(0.0);
    const auto key = series + metrics::render_labels(labels);
    auto [it, first] = previous.try_emplace(key, 0.0);
    const double delta = now >= it->second ? now - it->second : now;  // a reset counts from zero
    it->second = now;
    return delta;
}

// What a source reports for this interval: nothing for a count that did not
// grow, a gauge not set or a ratio of no requests.
std::optional<double> reading(const metrics::Registry& registry, std::map<std::string, double>& previous,
                              const Source& s) {
    switch (s.kind) {
        case Source::Kind::count: {
            const double delta = increase(registry, previous, s.series, s);
            if (delta > 0) {
                return delta;
            }
            break;
        }
        case Source::Kind::gauge: return registry.read(s.series, labels_of(s));
        case Source::Kind::ratio: {
            const double hits = increase(registry, previous, s.series, s);
            const double misses = increase(registry, previous, s.misses, s);
            if (hits + misses > 0) {
                return 100.0 * hits / (hits + misses);
            }
            break;
        }
    }
    return std::nullopt;
}

// A document's "_aws" member: the timestamp, the namespace, the dimension
// names and the metrics' names and units.
void write_metadata(JsonWriter& w, std::int64_t timestamp_ms, const Catalog& catalog,
                    const std::vector<Reading>& readings) {
    const Source& first = *readings.front().source;
    w.key("_aws").begin_object();
    w.field("Timestamp", timestamp_ms).key("CloudWatchMetrics").begin_array().begin_object();
    w.field("Namespace", catalog.metric_namespace).key("Dimensions").begin_array().begin_array();
    for (const auto& d : catalog.common_dimensions) {
        w.string(d);
    }
    if (!first.dimension_name.empty()) {
        w.string(first.dimension_name);
    }
    w.end_array().end_array().key("Metrics").begin_array();
    for (const auto& r : readings) {
        w.begin_object().field("Name", r.source->metric).field("Unit", r.source->unit).end_object();
    }
    w.end_array().end_object().end_array().end_object();
}

}  // namespace

Settings Settings::from_env(Env& env) {
    Settings s;
    s.interval = std::chrono::seconds(env.integer("METRICS_EMF_INTERVAL_SECONDS", 0, 0, 3600));
    return s;
}

Catalog Catalog::parse(std::string_view json, std::string_view service) {
    boost::system::error_code ec;
    const bj::value doc = bj::parse(json, ec);
    if (ec || !doc.is_object()) {
        invalid("not a JSON object");
    }
    const auto& root = doc.as_object();
    Catalog c;
    c.metric_namespace = text(root, "namespace", "the catalog");
    for (const auto& d : array(root.if_contains("common_dimensions"), "common_dimensions")) {
        if (!d.is_string() || (d.as_string() != "Service" && d.as_string() != "Environment")) {
            invalid("common_dimensions may only be \"Service\" and \"Environment\"");
        }
        c.common_dimensions.emplace_back(d.as_string());
    }
    for (const auto& entry : array(root.if_contains("metrics"), "metrics")) {
        const auto& m = object(&entry, "a metric");
        const std::string name = text(m, "name", "a metric");
        const std::string where = "metric " + name;
        if (text(m, "service", where) != service) {
            continue;
        }
        const std::string kind = text(m, "kind", where);
        const std::string unit = text(m, "unit", where);
        const auto& source = object(m.if_contains("source"), where + " source");
        Source base;
        base.metric = name;
        base.unit = unit;
        if (kind == "count" || kind == "gauge") {
            base.kind = kind == "count" ? Source::Kind::count : Source::Kind::gauge;
            base.series = text(source, kind == "count" ? "counter" : "gauge", where + " source");
        } else if (kind == "ratio") {
            base.kind = Source::Kind::ratio;
            base.series = text(source, "hits", where + " source");
            base.misses = text(source, "misses", where + " source");
        } else {
            invalid(where + ": kind must be count, gauge or ratio");
        }
        if (m.contains("dimension")) {
            base.dimension_name = text(m, "dimension", where);
            base.label = text(source, "label", where + " source");
            const auto& values = array(m.if_contains("values"), where + " values");
            if (values.empty()) {
                invalid(where + ": a dimension needs values");
            }
            for (const auto& v : values) {
                if (!v.is_string() || v.as_string().empty()) {
                    invalid(where + ": values must be non-empty strings");
                }
                Source s = base;
                s.dimension_value = std::string(v.as_string());
                c.sources.push_back(std::move(s));
            }
        } else {
            c.sources.push_back(std::move(base));
        }
    }
    return c;
}

Catalog Catalog::builtin(std::string_view service) {
    for (const auto& [name, contents] : embedded_files()) {
        if (name == "emf_metrics.json") {
            return parse(contents, service);
        }
    }
    invalid("not compiled in");
}

Reporter::Reporter(Catalog catalog, const metrics::Registry& registry, std::string service, std::string environment)
    : catalog_(std::move(catalog)),
      registry_(registry),
      service_(std::move(service)),
      environment_(std::move(environment)) {}

Reporter::~Reporter() = default;

std::vector<std::string> Reporter::collect(std::int64_t timestamp_ms) {
    Groups groups;
    for (const auto& s : catalog_.sources) {
        if (const auto value = reading(registry_, previous_, s)) {
            add_reading(groups, s, *value);
        }
    }
    std::vector<std::string> documents;
    for (const auto& [key, readings] : groups) {
        const Source& first = *readings.front().source;
        std::string out;
        JsonWriter w(out);
        w.begin_object();
        write_metadata(w, timestamp_ms, catalog_, readings);
        // Dimension values and metric values are top-level members.
        for (const auto& d : catalog_.common_dimensions) {
            w.field(d, d == "Service" ? service_ : environment_);
        }
        if (!first.dimension_name.empty()) {
            w.field(first.dimension_name, first.dimension_value);
        }
        for (const auto& r : readings) {
            w.key(r.source->metric).number(r.value);
        }
        w.end_object();
        documents.push_back(std::move(out));
    }
    return documents;
}

void Reporter::start(boost::asio::io_context& io, std::chrono::seconds interval) {
    if (interval.count() <= 0 || catalog_.sources.empty()) {
        return;
    }
    interval_ = interval;
    timer_ = std::make_unique<boost::asio::steady_timer>(io);
    schedule();
}

void Reporter::schedule() {
    timer_->expires_after(interval_);
    timer_->async_wait([this](const boost::system::error_code& ec) {
        if (ec) {
            return;
        }
        for (auto& line : collect(unix_millis())) {
            log::write_raw(std::move(line));
        }
        schedule();
    });
}

void Reporter::stop() {
    if (!timer_) {
        return;
    }
    timer_->cancel();
    timer_.reset();
    for (auto& line : collect(unix_millis())) {
        log::write_raw(std::move(line));
    }
}

}  // namespace ecom::emf
