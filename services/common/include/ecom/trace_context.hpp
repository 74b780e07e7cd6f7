#pragma once

// Trace context from W3C `traceparent` and the ALB's `X-Amzn-Trace-Id`.
// Malformed values are ignored (a new trace starts); they never fail a request.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::trace {

// A request's place in its trace: what its spans, its database calls and
// the requests it makes carry. Parsed from the caller's headers (trace id,
// parent, sampling), completed by the server (its span, the decision).
struct SpanContext {
    std::string trace_id;        // 32 lowercase hex
    std::string parent_span_id;  // 16 lowercase hex, empty for a new trace
    std::string span_id;         // the request's server span, the parent of its children; empty when not recorded
    std::string tracestate;      // W3C tracestate of the caller, forwarded unchanged when valid
    bool sampled = false;
    bool sampling_decided = false;  // traceparent always decides; X-Amzn-Trace-Id only with Sampled=
};

// version "00": 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>; all-zero ids are invalid.
// Higher versions are parsed by their first four fields, as the spec asks.
std::optional<SpanContext> parse_traceparent(std::string_view header) noexcept;

// Root=1-<8 hex epoch>-<24 hex>[;Parent=<16 hex>][;Sampled=0|1][;...]
std::optional<SpanContext> parse_amzn_trace_id(std::string_view header) noexcept;

// W3C tracestate: up to 32 comma-separated key=value members, at most 512
// characters. Invalid values are dropped as a whole (never forwarded).
bool is_valid_tracestate(std::string_view header) noexcept;

// A new trace id whose first 8 hex digits are the current epoch seconds, so
// X-Ray accepts it as 1-<8 hex>-<24 hex>.
std::string new_trace_id();
std::string new_span_id();

std::string format_traceparent(std::string_view trace_id, std::string_view span_id, bool sampled);
// Root=1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx;Parent=...;Sampled=1
std::string format_amzn_trace_id(std::string_view trace_id, std::string_view span_id, bool sampled);

}  // namespace ecom::trace
