#include "product_input.hpp"

#include "ecom/json.hpp"

namespace catalog {
namespace {

using ecom::json::FieldErrors;
using ecom::json::ObjectReader;
using ecom::json::StringRule;

bool plain_text_with_newlines(std::string_view text) {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\r' && c != '\t') || u == 0x7f) {
            return false;
        }
    }
    return true;
}

ProductFields parse(std::string_view body, bool full) {
    const auto document = ecom::json::parse_strict(body);
    FieldErrors errors;
    ObjectReader in(document, "", errors);
    ProductFields out;
    if (!in.valid()) {
        errors.throw_if_any();
    }
    out.sku = in.string("sku", full, StringRule{1, 64});
    if (out.sku && !valid_sku(*out.sku)) {
        errors.add("sku", "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        out.sku.reset();
    }
    out.name = in.string("name", full, StringRule{1, 200});
    out.description = in.string("description", false, StringRule{0, 5000, true});
    if (out.description && !plain_text_with_newlines(*out.description)) {
        errors.add("description", "must not contain control characters other than newlines and tabs");
    }
    out.category = in.string("category", full, StringRule{1, 50});
    if (out.category && !valid_category(*out.category)) {
        errors.add("category", "must be a lowercase slug: a-z, 0-9 and '-', starting with a letter or digit");
        out.category.reset();
    }
    out.price_cents = in.integer("price_cents", full, 0, max_price_cents);
    out.stock = in.integer("stock", full, 0, max_stock);
    out.image_url = in.string("image_url", false, StringRule{0, 500});
    if (out.image_url && !out.image_url->empty() && !valid_image_url(*out.image_url)) {
        errors.add("image_url", "must be a path starting with '/' or an https:// URL, without spaces");
    }
    if (auto currency = in.string("currency", false, StringRule{3, 3}); currency && *currency != "USD") {
        errors.add("currency", "must be USD");
    }
    in.forbid({"id", "version", "created_at", "updated_at"}, "is read-only");
    in.forbid({"price"}, "is not accepted: send price_cents, an integer number of cents");
    in.finish();
    if (!full && out.empty() && errors.empty()) {
        errors.add("(body)", "must set at least one field");
    }
    errors.throw_if_any();
    return out;
}

}  // namespace

ProductFields parse_full_product(std::string_view body) {
    return parse(body, true);
}

ProductFields parse_product_patch(std::string_view body) {
    return parse(body, false);
}

bool valid_sku(std::string_view sku) noexcept {
    if (sku.empty() || sku.size() > 64) {
        return false;
    }
    for (const char c : sku) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
            c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool valid_category(std::string_view category) noexcept {
    if (category.empty() || category.size() > 50 || category.front() == '-') {
        return false;
    }
    for (const char c : category) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

bool valid_image_url(std::string_view url) noexcept {
    if (!(url.starts_with("/") || url.starts_with("https://")) || url.starts_with("//")) {
        return false;
    }
    for (const char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') {
            return false;
        }
    }
    return true;
}

std::string contains_pattern(std::string_view text) {
    std::string out = "%";
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '%';
    return out;
}

}  // namespace catalog
