#include "ecom/json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <memory>
#include <string>
#include <unordered_set>

namespace ecom::json {
namespace {

namespace bj = boost::json;

// A Boost.JSON parse handler that builds the value like boost::json::parser
// does, and also refuses a key that repeats within one object.
class StrictHandler {
public:
    static constexpr std::size_t max_array_size = 100'000;
    static constexpr std::size_t max_object_size = 10'000;
    static constexpr std::size_t max_string_size = 1 << 20;
    static constexpr std::size_t max_key_size = 1024;

    bj::value_stack stack;
    bool duplicate_key = false;

    bool on_document_begin(bj::error_code&) { return true; }
    bool on_document_end(bj::error_code&) { return true; }

    bool on_array_begin(bj::error_code&) { return true; }
    bool on_array_end(std::size_t n, bj::error_code&) {
        stack.push_array(n);
        return true;
    }

    bool on_object_begin(bj::error_code&) {
        frames_.emplace_back();
        return true;
    }
    bool on_object_end(std::size_t n, bj::error_code&) {
        frames_.pop_back();
        stack.push_object(n);
        return true;
    }

    bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
        stack.push_chars(s);
        return true;
    }
    bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
        stack.push_string(s);
        return true;
    }

    bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
        key_.append(s.data(), s.size());
        stack.push_chars(s);
        return true;
    }
    bool on_key(bj::string_view s, std::size_t, bj::error_code& ec) {
        key_.append(s.data(), s.size());
        if (!frames_.back().insert(key_)) {
            duplicate_key = true;
            ec = bj::error::syntax;
            return false;
        }
        key_.clear();
        stack.push_key(s);
        return true;
    }

    bool on_number_part(bj::string_view, bj::error_code&) { return true; }
    bool on_int64(std::int64_t i, bj::string_view, bj::error_code&) {
        stack.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, bj::string_view, bj::error_code&) {
        stack.push_uint64(u);
        return true;
    }
    bool on_double(double d, bj::string_view, bj::error_code&) {
        stack.push_double(d);
        return true;
    }
    bool on_bool(bool b, bj::error_code&) {
        stack.push_bool(b);
        return true;
    }
    bool on_null(bj::error_code&) {
        stack.push_null();
        return true;
    }
    bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
    bool on_comment(bj::string_view, bj::error_code&) { return true; }

private:
    // The keys of one object under construction: a short list, or a hash set
    // once the object is large (so a hostile body stays linear).
    class KeySet {
    public:
        bool insert(const std::string& key) {
            if (big_) {
                return big_->insert(key).second;
            }
            for (const auto& k : small_) {
                if (k == key) {
                    return false;
                }
            }
            small_.push_back(key);
            if (small_.size() > 32) {
                big_ = std::make_unique<std::unordered_set<std::string>>(small_.begin(), small_.end());
                small_.clear();
            }
            return true;
        }

    private:
        std::vector<std::string> small_;
        std::unique_ptr<std::unordered_set<std::string>> big_;
    };

    std::vector<KeySet> frames_;
    std::string key_;
};

}  // namespace

bj::value parse_strict(std::string_view text, const ParseLimits& limits) {
    if (text.size() > limits.max_bytes) {
        throw http::HttpError(413, "payload_too_large", "the JSON document is too large");
    }
    bj::parse_options options;
    options.max_depth = limits.max_depth;
    bj::basic_parser<StrictHandler> parser(options);
    parser.handler().stack.reset();
    bj::error_code ec;
    const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && consumed < text.size()) {
        ec = bj::error::extra_data;
    }
    if (ec) {
        std::string message;
        if (text.empty()) {
            message = "the request body is empty; a JSON document was expected";
        } else if (parser.handler().duplicate_key) {
            message = "duplicate key in a JSON object (near byte " + std::to_string(consumed) + ")";
        } else if (ec == bj::error::too_deep) {
            message = "JSON nesting is deeper than " + std::to_string(limits.max_depth) + " levels";
        } else if (ec == bj::error::syntax || ec == bj::error::extra_data || ec == bj::error::incomplete) {
            message = "malformed JSON (near byte " + std::to_string(consumed) + ")";
        } else {
            message = "invalid JSON (near byte " + std::to_string(consumed) + "): " + ec.message();
        }
        throw http::HttpError(400, "invalid_json", std::move(message));
    }
    return parser.handler().stack.release();
}

void FieldErrors::add(std::string field, std::string message) {
    details_.push_back({std::move(field), std::move(message)});
}

void FieldErrors::throw_if_any() const {
    if (details_.empty()) {
        return;
    }
    std::string message = details_.size() == 1 ? details_.front().field + ": " + details_.front().message
                                               : std::to_string(details_.size()) + " fields are invalid";
    throw http::HttpError(422, "validation_failed", std::move(message), details_);
}

std::string printable_field_name(std::string_view name) {
    if (name.empty() || name.size() > 64) {
        return "(field)";
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-' || c == '.';
        if (!ok) {
            return "(field)";
        }
    }
    return std::string(name);
}

bool valid_utf8(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        const unsigned c = *p;
        std::size_t n = 0;
        unsigned min = 0;
        unsigned cp = 0;
        if (c < 0x80) {
            ++p;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - p) <= n) {
            return false;
        }
        for (std::size_t i = 1; i <= n; ++i) {
            if ((p[i] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        p += n + 1;
    }
    return true;
}

bool contains_bidi_control(std::string_view text) noexcept {
    // In UTF-8, U+202A..U+202E are E2 80 AA..AE and U+2066..U+2069 are
    // E2 81 A6..A9; 0xE2 is always a lead byte, so a byte scan is exact.
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        if (static_cast<unsigned char>(text[i]) != 0xE2) {
            continue;
        }
        const auto second = static_cast<unsigned char>(text[i + 1]);
        const auto third = static_cast<unsigned char>(text[i + 2]);
        if ((second == 0x80 && third >= 0xAA && third <= 0xAE) || (second == 0x81 && third >= 0xA6 && third <= 0xA9)) {
            return true;
        }
    }
    return false;
}

std::size_t utf8_length(std::string_view text) noexcept {
    std::size_t n = 0;
    for (const char c : text) {
        // Count every byte that is not a continuation byte (10xxxxxx).
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++n;
        }
    }
    return n;
}

ObjectReader::ObjectReader(const bj::value& value, std::string path, FieldErrors& errors)
    : path_(std::move(path)), errors_(errors) {
    object_ = value.if_object();
    if (object_ == nullptr) {
        errors_.add(path_.empty() ? "(body)" : path_, "must be a JSON object");
    }
}

bool ObjectReader::has(std::string_view key) const {
    return object_ != nullptr && object_->contains(key);
}

std::string ObjectReader::field_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void ObjectReader::mark_seen(std::string_view key) {
    seen_.push_back(key);
}

const bj::value* ObjectReader::find(std::string_view key) {
    if (object_ == nullptr) {
        return nullptr;
    }
    mark_seen(key);
    return object_->if_contains(key);
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required, StringRule rule) {
    const bj::value* v = find(key);
    if (v == nullptr || (v->is_null() && !required)) {
        if (required && object_ != nullptr) {
            errors_.add(field_path(key), "is required");
        }
        return std::nullopt;
    }
    const bj::string* s = v->if_string();
    if (s == nullptr) {
        errors_.add(field_path(key), "must be a string");
        return std::nullopt;
    }
    const std::string_view text(s->data(), s->size());
    const std::size_t length = utf8_length(text);
    if (length < rule.min_chars || length > rule.max_chars) {
        errors_.add(field_path(key),
                    rule.min_chars == rule.max_chars ? "must be " + std::to_string(rule.min_chars) + " characters"
                                                     : "must be " + std::to_string(rule.min_chars) + " to " +
                            std::to_string(rule.max_chars) + " characters");
        return std::nullopt;
    }
    if (!rule.allow_control_chars) {
        for (const char c : text) {
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x20 || u == 0x7f) {
                errors_.add(field_path(key), "must not contain control characters");
                return std::nullopt;
            }
        }
    }
    if (contains_bidi_control(text)) {
        errors_.add(field_path(key),
                    "must not contain Unicode bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)");
        return std::nullopt;
    }
    return std::string(text);
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, bool required, std::int64_t min,
                                                  std::int64_t max) {
    const bj::value* v = find(key);
    if (v == nullptr || (v->is_null() && !required)) {
        if (required && object_ != nullptr) {
            errors_.add(field_path(key), "is required");
        }
        return std::nullopt;
    }
    std::optional<std::int64_t> value;
    if (const auto* i = v->if_int64()) {
        value = *i;
    } else if (const auto* u = v->if_uint64()) {
        if (*u <= static_cast<std::uint64_t>(INT64_MAX)) {
            value = static_cast<std::int64_t>(*u);
        }
    }
    if (!value || *value < min || *value > max) {
        errors_.add(field_path(key), "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
    const bj::value* v = find(key);
    if (v == nullptr || (v->is_null() && !required)) {
        if (required && object_ != nullptr) {
            errors_.add(field_path(key), "is required");
        }
        return std::nullopt;
    }
    if (!v->is_bool()) {
        errors_.add(field_path(key), "must be true or false");
        return std::nullopt;
    }
    return v->get_bool();
}

const bj::value* ObjectReader::object(std::string_view key, bool required) {
    const bj::value* v = find(key);
    if (v == nullptr || (v->is_null() && !required)) {
        if (required && object_ != nullptr) {
            errors_.add(field_path(key), "is required");
        }
        return nullptr;
    }
    if (!v->is_object()) {
        errors_.add(field_path(key), "must be an object");
        return nullptr;
    }
    return v;
}

const bj::array* ObjectReader::array(std::string_view key, bool required, std::size_t min_items,
                                     std::size_t max_items) {
    const bj::value* v = find(key);
    if (v == nullptr || (v->is_null() && !required)) {
        if (required && object_ != nullptr) {
            errors_.add(field_path(key), "is required");
        }
        return nullptr;
    }
    const bj::array* a = v->if_array();
    if (a == nullptr) {
        errors_.add(field_path(key), "must be an array");
        return nullptr;
    }
    if (a->size() < min_items || a->size() > max_items) {
        errors_.add(field_path(key),
                    "must have " + std::to_string(min_items) + " to " + std::to_string(max_items) + " items");
        return nullptr;
    }
    return a;
}

void ObjectReader::ignore(std::initializer_list<std::string_view> keys) {
    for (const auto key : keys) {
        mark_seen(key);
    }
}

void ObjectReader::forbid(std::initializer_list<std::string_view> keys, std::string_view why) {
    for (const auto key : keys) {
        mark_seen(key);
        if (has(key)) {
            errors_.add(field_path(key), std::string(why));
        }
    }
}

void ObjectReader::finish() {
    if (object_ == nullptr) {
        return;
    }
    for (const auto& entry : *object_) {
        const std::string_view key(entry.key().data(), entry.key().size());
        bool known = false;
        for (const auto s : seen_) {
            if (s == key) {
                known = true;
                break;
            }
        }
        if (!known) {
            errors_.add(field_path(printable_field_name(key)), "is not a known field");
        }
    }
}

std::vector<ItemLine> read_item_lines(ObjectReader& in, FieldErrors& errors, std::string_view duplicate,
                                      const std::function<void(ObjectReader&)>& check_line) {
    std::vector<ItemLine> lines;
    const auto* items = in.array("items", true, 1, 50);
    if (items == nullptr) {
        return lines;
    }
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string path = "items[" + std::to_string(i) + "]";
        ObjectReader line(items->at(i), path, errors);
        const auto product = line.integer("product_id", true, 1, std::int64_t{1} << 53);
        const auto quantity = line.integer("quantity", true, 1, 100);
        if (check_line) {
            check_line(line);
        }
        line.finish();
        if (!product || !quantity) {
            continue;
        }
        const bool repeated =
            std::any_of(lines.begin(), lines.end(), [&](const ItemLine& l) { return l.product_id == *product; });
        if (repeated) {
            errors.add(path + ".product_id", std::string(duplicate));
        } else {
            lines.push_back({*product, *quantity});
        }
    }
    return lines;
}

}  // namespace ecom::json
