#include "ecom/json.hpp"
#include "ecom/json_writer.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

namespace ecom::json {
namespace {

int status_of(std::string_view text) {
    try {
        (void)parse_strict(text);
        return 0;
    } catch (const http::HttpError& e) {
        return static_cast<int>(e.status());
    }
}

TEST(ParseStrict, AcceptsValidDocuments) {
    const auto v = parse_strict(R"({"a":1,"b":[true,null,"x"],"c":{"d":-2}})");
    EXPECT_EQ(boost::json::serialize(v), R"({"a":1,"b":[true,null,"x"],"c":{"d":-2}})");
}

TEST(ParseStrict, RefusesDuplicateKeys) {
    EXPECT_EQ(status_of(R"({"a":1,"a":2})"), 400);
    EXPECT_EQ(status_of(R"({"x":{"a":1,"b":2,"a":3}})"), 400);
    // The same key in different objects is fine.
    EXPECT_EQ(status_of(R"({"a":{"a":1},"b":{"a":2}})"), 0);
}

TEST(ParseStrict, RefusesDuplicatesInLargeObjects) {
    std::string text = "{";
    for (int i = 0; i < 200; ++i) {
        text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    }
    text += "\"k150\":0}";
    EXPECT_EQ(status_of(text), 400);
}

TEST(ParseStrict, RefusesDeepNesting) {
    std::string deep(40, '[');
    deep += std::string(40, ']');
    EXPECT_EQ(status_of(deep), 400);
    std::string ok(30, '[');
    ok += std::string(30, ']');
    EXPECT_EQ(status_of(ok), 0);
}

TEST(ParseStrict, RefusesMalformedInput) {
    for (const auto* text : {"", "{", "{\"a\":}", "[1,]", "{\"a\":1} x", "nul", "'a'", "{\"a\":1,}", "/* c */ {}",
                             "\"\xff\"", "{\"a\":01}", "NaN"}) {
        EXPECT_EQ(status_of(text), 400) << text;
    }
}

TEST(ParseStrict, NeverEchoesInput) {
    try {
        (void)parse_strict(R"({"<script>":1,"<script>":2})");
        FAIL();
    } catch (const http::HttpError& e) {
        EXPECT_EQ(std::string(e.what()).find("script"), std::string::npos);
        EXPECT_EQ(e.code(), "invalid_json");
    }
}

TEST(ParseStrict, DefaultLimitsAreDepth32And64KiB) {
    const ParseLimits defaults;
    EXPECT_EQ(defaults.max_depth, 32u);
    EXPECT_EQ(defaults.max_bytes, 64u * 1024u);
    EXPECT_EQ(status_of(std::string(32, '[') + std::string(32, ']')), 0);
    EXPECT_EQ(status_of(std::string(33, '[') + std::string(33, ']')), 400);
    const std::string fits = "\"" + std::string(64 * 1024 - 2, 'a') + "\"";
    EXPECT_EQ(status_of(fits), 0);
    EXPECT_EQ(status_of(fits + " "), 413);
}

TEST(ParseStrict, RefusesOversizedDocuments) {
    ParseLimits limits;
    limits.max_bytes = 10;
    EXPECT_THROW((void)parse_strict("[1,2,3,4,5,6]", limits), http::HttpError);
}

TEST(ObjectReader, ReadsAndValidatesFields) {
    const auto v = parse_strict(R"({"name":"Mug","price":1299,"tags":["a"],"on":true})");
    FieldErrors errors;
    ObjectReader in(v, "", errors);
    EXPECT_EQ(in.string("name", true, {1, 10}), "Mug");
    EXPECT_EQ(in.integer("price", true, 0, 10000), 1299);
    EXPECT_NE(in.array("tags", true, 1, 5), nullptr);
    EXPECT_EQ(in.boolean("on", true), true);
    in.finish();
    EXPECT_TRUE(errors.empty());
}

TEST(ObjectReader, CollectsEveryProblem) {
    const auto v = parse_strict(R"({"name":"","price":12.5,"extra":1,"bad key!":2,"n":null})");
    FieldErrors errors;
    ObjectReader in(v, "item", errors);
    EXPECT_FALSE(in.string("name", true, {1, 10}));
    EXPECT_FALSE(in.integer("price", true, 0, 100));
    EXPECT_FALSE(in.integer("qty", true, 0, 100));
    EXPECT_FALSE(in.string("n", false));
    in.finish();
    ASSERT_EQ(errors.details().size(), 5u);
    EXPECT_EQ(errors.details()[0].field, "item.name");
    EXPECT_EQ(errors.details()[1].field, "item.price");
    EXPECT_EQ(errors.details()[2].field, "item.qty");
    EXPECT_EQ(errors.details()[2].message, "is required");
    EXPECT_EQ(errors.details()[3].field, "item.extra");
    EXPECT_EQ(errors.details()[4].field, "item.(field)");  // never echo odd input
    try {
        errors.throw_if_any();
        FAIL();
    } catch (const http::HttpError& e) {
        EXPECT_EQ(e.status(), 422u);
        EXPECT_EQ(e.details().size(), 5u);
    }
}

TEST(ObjectReader, IntegersMustBeIntegers) {
    const auto v = parse_strict(R"({"a":1e3,"b":"5","c":18446744073709551615,"d":-1,"e":true})");
    FieldErrors errors;
    ObjectReader in(v, "", errors);
    EXPECT_FALSE(in.integer("a", true, 0, 100000));
    EXPECT_FALSE(in.integer("b", true, 0, 100));
    EXPECT_FALSE(in.integer("c", true, 0, INT64_MAX));
    EXPECT_FALSE(in.integer("d", true, 0, 100));
    EXPECT_FALSE(in.integer("e", true, 0, 100));
    EXPECT_EQ(errors.details().size(), 5u);
}

TEST(ObjectReader, CountsCodePointsAndRefusesControlCharacters) {
    const auto v = parse_strict("{\"a\":\"\xc3\xa9t\xc3\xa9\",\"b\":\"x\\ny\"}");
    FieldErrors errors;
    ObjectReader in(v, "", errors);
    EXPECT_EQ(in.string("a", true, {3, 3}), "\xc3\xa9t\xc3\xa9");
    EXPECT_FALSE(in.string("b", true, {1, 10}));
    EXPECT_EQ(errors.details().size(), 1u);
}

TEST(BidiControls, FoundExactly) {
    for (const auto* control :
         {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}) {
        EXPECT_TRUE(contains_bidi_control(std::string("Eve ") + control + "lanretni")) << control;
        EXPECT_TRUE(contains_bidi_control(control)) << control;
    }
    // Neighbours, marks and right-to-left text are not controls.
    for (const auto* text : {"", "plain", "\u2029", "\u202f", "\u2065", "\u206a", "\u200e\u200f", "\u05d3\u05e0\u05d4",
                             "\u0645\u0631\u062d\u0628\u0627", "\u20ac 12", "\xe2\x80"}) {
        EXPECT_FALSE(contains_bidi_control(text)) << text;
    }
}

TEST(ObjectReader, RefusesBidiControlsInEveryStringField) {
    // From JSON escapes as a client sends them; also where control characters are allowed.
    const auto v = parse_strict(R"({"name":"Eve \u202Elanretni","notes":"a\n\u2066b","ok":"\u05d3\u05e0\u05d4"})");
    FieldErrors errors;
    ObjectReader in(v, "customer", errors);
    EXPECT_FALSE(in.string("name", true, {1, 200}));
    EXPECT_FALSE(in.string("notes", true, {0, 200, true}));
    EXPECT_EQ(in.string("ok", true, {1, 200}), "\u05d3\u05e0\u05d4");
    in.finish();
    ASSERT_EQ(errors.details().size(), 2u);
    EXPECT_EQ(errors.details()[0].field, "customer.name");
    EXPECT_NE(errors.details()[0].message.find("bidirectional"), std::string::npos);
    EXPECT_EQ(errors.details()[1].field, "customer.notes");
}

TEST(ObjectReader, NonObjectIsOneError) {
    const auto v = parse_strict("[1]");
    FieldErrors errors;
    ObjectReader in(v, "", errors);
    EXPECT_FALSE(in.valid());
    EXPECT_FALSE(in.string("a", true));
    in.finish();
    EXPECT_EQ(errors.details().size(), 1u);
}

TEST(ObjectReader, ForbiddenFieldsAreReported) {
    const auto v = parse_strict(R"({"id":5,"name":"x"})");
    FieldErrors errors;
    ObjectReader in(v, "", errors);
    in.forbid({"id", "created_at"}, "is read-only");
    (void)in.string("name", true);
    in.finish();
    ASSERT_EQ(errors.details().size(), 1u);
    EXPECT_EQ(errors.details()[0].field, "id");
}

TEST(JsonWriter, EscapesAndFormats) {
    std::string out;
    JsonWriter w(out);
    w.begin_object()
        .field("s", std::string_view("a\"b\\c\n\x01\x7f"))
        .field("i", std::int64_t{-5})
        .key("arr")
        .begin_array()
        .integer(1)
        .boolean(false)
        .null()
        .number(0.5)
        .end_array()
        .key("raw")
        .raw("{\"x\":1}")
        .end_object();
    EXPECT_EQ(out, R"({"s":"a\"b\\c\n\u0001\u007f","i":-5,"arr":[1,false,null,0.5],"raw":{"x":1}})");
    // The output is valid JSON.
    EXPECT_NO_THROW((void)parse_strict(out));
}

// The escaper checks 8 and 16 bytes at a time: every byte value, at every
// position of strings of 1 to 40 bytes, must come out as a byte-at-a-time
// escaper's.
TEST(JsonWriter, EscapesEveryByteAtEveryPosition) {
    const auto one_at_a_time = [](std::string_view text) {
        std::string out;
        for (const char ch : text) {
            const auto c = static_cast<unsigned char>(ch);
            static constexpr char hex[] = "0123456789abcdef";
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        out += "\\u00";
                        out += hex[c >> 4];
                        out += hex[c & 0xf];
                    } else {
                        out += ch;
                    }
            }
        }
        return out;
    };
    // Lengths below, at and around the 8- and 16-byte checks and their tails.
    for (std::size_t size = 1; size <= 40; ++size) {
        for (int value = 0; value < 256; ++value) {
            for (std::size_t at = 0; at < size; ++at) {
                std::string text(size, 'a');
                text[(at + 9) % size] = static_cast<char>(0xc3);  // bytes from 0x80 pass as they are
                text[at] = static_cast<char>(value);
                std::string out;
                append_json_escaped(out, text);
                ASSERT_EQ(out, one_at_a_time(text)) << "byte " << value << " at " << at << " of " << size;
            }
        }
        const std::string plain(size, 'a');
        std::string out;
        append_json_escaped(out, plain);
        ASSERT_EQ(out, plain);
    }
}

TEST(JsonWriter, FragmentsWriteMembersAsTheyAre) {
    std::string out;
    JsonWriter w(out);
    w.begin_array().integer(1);
    w.begin_object().fragment("\"a\":\"").escaped("x\"y").fragment("\",\"b\":2").end_object().integer(3).end_array();
    EXPECT_EQ(out, R"([1,{"a":"x\"y","b":2},3])");
}

TEST(JsonWriter, NonFiniteNumbersBecomeNull) {
    std::string out;
    JsonWriter(out).begin_array().number(1.0 / 0.0).end_array();
    EXPECT_EQ(out, "[null]");
}

TEST(ErrorBody, HasTheEnvelope) {
    EXPECT_EQ(http::error_body("not_found", "no such thing"),
              R"({"error":{"code":"not_found","message":"no such thing"}})");
    EXPECT_EQ(
        http::error_body("validation_failed", "1 field", {{"a", "is required"}}),
        R"({"error":{"code":"validation_failed","message":"1 field","details":[{"field":"a","message":"is required"}]}})");
}

}  // namespace
}  // namespace ecom::json
