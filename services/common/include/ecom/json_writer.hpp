#pragma once

// A fast, append-only JSON writer. Responses, log lines and metrics are
// written with it; Boost.JSON is used for parsing input only.

#include <cstdint>
#include <string>
#include <string_view>

namespace ecom {

// Appends `text` to `out` as the contents of a JSON string (no quotes),
// escaping quotes, backslashes and control characters. Input is assumed to be
// valid UTF-8 (everything we write was validated or produced by us).
void append_json_escaped(std::string& out, std::string_view text);

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);
    JsonWriter& string(std::string_view value);
    JsonWriter& integer(std::int64_t value);
    JsonWriter& unsigned_integer(std::uint64_t value);
    // Finite values only; NaN and infinities are written as null.
    JsonWriter& number(double value);
    JsonWriter& boolean(bool value);
    JsonWriter& null();
    // Appends already-serialised JSON as one value.
    JsonWriter& raw(std::string_view json);

    // The inside of an object written member by member with no separators
    // (a row written with constant keys): `fragment` appends JSON text as is,
    // `escaped` appends text as the contents of a JSON string, no quotes.
    // Between begin_object() and end_object() only.
    JsonWriter& fragment(std::string_view json) {
        out_ += json;
        return *this;
    }
    JsonWriter& escaped(std::string_view text) {
        append_json_escaped(out_, text);
        return *this;
    }

    // key(name) followed by the value.
    JsonWriter& field(std::string_view name, std::string_view value) { return key(name).string(value); }
    JsonWriter& field(std::string_view name, const char* value) { return key(name).string(value); }
    JsonWriter& field(std::string_view name, std::int64_t value) { return key(name).integer(value); }
    JsonWriter& field(std::string_view name, int value) { return key(name).integer(value); }
    JsonWriter& field(std::string_view name, bool value) { return key(name).boolean(value); }

private:
    void separate();

    std::string& out_;
    bool need_comma_ = false;
};

}  // namespace ecom
