#pragma once

// Entity tags and the conditional headers that use them (RFC 9110 13.1).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::http {

// A parsed If-Match or If-None-Match field: `*` or a list of entity tags.
struct EtagCondition {
    bool any = false;               // "*"
    std::vector<std::string> tags;  // opaque tags without quotes
    std::vector<bool> weak;         // per tag: was it W/"..."
};

// Parses a comma-separated list of entity tags or "*". Returns nullopt when
// the field is malformed (callers answer 400).
std::optional<EtagCondition> parse_etag_condition(std::string_view field);

// If-None-Match uses the weak comparison: W/"x" matches "x".
bool none_match_hits(const EtagCondition& condition, std::string_view opaque_tag);
// If-Match uses the strong comparison: weak tags never match.
bool match_hits(const EtagCondition& condition, std::string_view opaque_tag);

// "\"<opaque>\""
std::string quote_etag(std::string_view opaque_tag);

}  // namespace ecom::http
