#pragma once

// What a client may send for a product, validated. Prices are integer
// cents; read-only fields (id, version, timestamps) are refused.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace catalog {

struct ProductFields {
    std::optional<std::string> sku;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::string> category;
    std::optional<std::int64_t> price_cents;
    std::optional<std::int64_t> stock;
    std::optional<std::string> image_url;

    [[nodiscard]] bool empty() const noexcept {
        return !sku && !name && !description && !category && !price_cents && !stock && !image_url;
    }
};

inline constexpr std::int64_t max_price_cents = 1'000'000'000;
inline constexpr std::int64_t max_stock = 1'000'000'000;

// POST and PUT: sku, name, category, price_cents and stock are required.
// Throws HttpError 400 (malformed JSON) or 422 (invalid fields).
ProductFields parse_full_product(std::string_view body);
// PATCH: any non-empty subset of the fields.
ProductFields parse_product_patch(std::string_view body);

bool valid_sku(std::string_view sku) noexcept;
bool valid_category(std::string_view category) noexcept;
bool valid_image_url(std::string_view url) noexcept;

// An ILIKE pattern matching `text` anywhere, with %, _ and \ escaped.
std::string contains_pattern(std::string_view text);

}  // namespace catalog
