// libFuzzer target: arbitrary bytes as a JSON request body, through the
// strict parser and the field reader the services validate bodies with.

#include "ecom/http/error.hpp"
#include "ecom/json.hpp"
#include "ecom/json_writer.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)ecom::json::valid_utf8(text);
    try {
        const auto value = ecom::json::parse_strict(text);
        ecom::json::FieldErrors errors;
        ecom::json::ObjectReader in(value, "", errors);
        (void)in.string("name", true, {1, 200});
        (void)in.integer("price_cents", true, 0, 1'000'000'000);
        (void)in.boolean("flag", false);
        if (const auto* items = in.array("items", false, 0, 50)) {
            for (const auto& item : *items) {
                ecom::json::ObjectReader line(item, "items[]", errors);
                (void)line.integer("quantity", true, 1, 100);
                line.finish();
            }
        }
        (void)in.object("customer", false);
        in.forbid({"id"}, "is read-only");
        in.finish();
        std::string out;
        ecom::JsonWriter w(out);
        w.begin_object().key("ok").boolean(errors.empty()).field("echo", text.substr(0, 64)).end_object();
        (void)ecom::json::parse_strict(out);  // what we write is always valid JSON
        errors.throw_if_any();
    } catch (const ecom::http::HttpError& e) {
        (void)ecom::http::error_body(e.code(), e.what(), e.details());
    }
    return 0;
}
