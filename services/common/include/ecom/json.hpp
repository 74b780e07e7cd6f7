#pragma once

// Strict JSON input: parsing that refuses duplicate keys and deep nesting,
// and a reader that validates an object field by field, collecting every
// problem into one 422 response.

#include "ecom/http/error.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::json {

struct ParseLimits {
    std::size_t max_depth = 32;
    std::size_t max_bytes = 64 * 1024;
};

// Parses `text` as one JSON document. Throws HttpError 400 `invalid_json`
// for a syntax error, invalid UTF-8, a duplicate key in one object, nesting
// deeper than the limit or trailing content. The message names the problem
// and the byte offset, never the input itself.
boost::json::value parse_strict(std::string_view text, const ParseLimits& limits = {});

// Collects validation failures; throw_if_any() turns them into one
// HttpError 422 `validation_failed` with a detail per field.
class FieldErrors {
public:
    void add(std::string field, std::string message);
    [[nodiscard]] bool empty() const noexcept { return details_.empty(); }
    [[nodiscard]] const std::vector<http::ErrorDetail>& details() const noexcept { return details_; }
    void throw_if_any() const;

private:
    std::vector<http::ErrorDetail> details_;
};

// A field name safe to show a client: only [A-Za-z0-9_.-], at most 64
// characters; anything else is replaced by "(field)".
std::string printable_field_name(std::string_view name);

struct StringRule {
    std::size_t min_chars = 0;  // counted in Unicode code points
    std::size_t max_chars = 1000;
    bool allow_control_chars = false;  // C0 controls and DEL; never the bidirectional ones
};

// Reads the fields of one JSON object. Each getter records an error and
// returns nullopt when the field is missing (and required), has the wrong
// type or breaks its rule. finish() reports every field that was not read
// as unknown, except those passed to ignore().
class ObjectReader {
public:
    // `path` prefixes field names in errors, e.g. "items[2]".
    ObjectReader(const boost::json::value& value, std::string path, FieldErrors& errors);

    [[nodiscard]] bool valid() const noexcept { return object_ != nullptr; }
    [[nodiscard]] bool has(std::string_view key) const;

    std::optional<std::string> string(std::string_view key, bool required, StringRule rule = {});
    std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min, std::int64_t max);
    std::optional<bool> boolean(std::string_view key, bool required);
    // The raw value of a field that must be an object or an array.
    const boost::json::value* object(std::string_view key, bool required);
    const boost::json::array* array(std::string_view key, bool required, std::size_t min_items, std::size_t max_items);
    // Fields the client may send but that are ignored (e.g. read-only ones).
    void ignore(std::initializer_list<std::string_view> keys);
    // Fields that must not be sent; each present one is an error.
    void forbid(std::initializer_list<std::string_view> keys, std::string_view why);
    void finish();

private:
    const boost::json::value* find(std::string_view key);
    std::string field_path(std::string_view key) const;
    void mark_seen(std::string_view key);

    const boost::json::object* object_ = nullptr;
    std::string path_;
    FieldErrors& errors_;
    std::vector<std::string_view> seen_;
};

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view text) noexcept;

// Number of Unicode code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view text) noexcept;

// True when valid UTF-8 `text` holds a Unicode bidirectional embedding,
// override or isolate control (U+202A to U+202E, U+2066 to U+2069), which
// make text render in another order than it is stored ("Trojan Source"):
// a name could read reversed in an e-mail or an admin tool. Right-to-left
// text itself, and the marks U+200E/U+200F, are fine. ObjectReader::string
// refuses such strings in every field; any other free text a service
// accepts must be checked with this too.
bool contains_bidi_control(std::string_view text) noexcept;

// One line of a checkout or a reservation.
struct ItemLine {
    std::int64_t product_id = 0;
    std::int64_t quantity = 0;
};

// The required "items" array of a checkout or a reservation: 1 to 50 lines
// of {"product_id": 1 to 2^53, "quantity": 1 to 100}, each product in one
// line only (a repeated one is an error at items[i].product_id, worded by
// `duplicate`). `check_line`, when given, checks more of each line before
// its reader is finished (e.g. refuses fields the server sets).
std::vector<ItemLine> read_item_lines(ObjectReader& in, FieldErrors& errors, std::string_view duplicate,
                                      const std::function<void(ObjectReader&)>& check_line = {});

}  // namespace ecom::json
