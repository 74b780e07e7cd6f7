#pragma once

// Every SQL statement product-service runs, in one place. Each is prepared
// on every connection; parameters are $n, never spliced into the text.

#include "ecom/pg/result.hpp"

#include <vector>

namespace catalog::sql {

// Column order read by write_product_json(): keep them in step.
// Timestamps travel as milliseconds since the epoch and are formatted by
// the service: cheaper for the database than to_char.
#define CATALOG_PRODUCT_COLUMNS                                                       \
    "id, sku, name, description, category, price_cents, currency, stock, image_url, " \
    "floor(extract(epoch FROM created_at) * 1000)::bigint, "                          \
    "floor(extract(epoch FROM updated_at) * 1000)::bigint, version"

inline constexpr int col_id = 0;
inline constexpr int col_version = 11;

inline constexpr ecom::pg::Statement get_product{
    "get_product", "SELECT " CATALOG_PRODUCT_COLUMNS " FROM products WHERE id = $1 AND deleted_at IS NULL", true};

// $1 after id, $2 limit
inline constexpr ecom::pg::Statement list_products{"list_products",
                                                   "SELECT " CATALOG_PRODUCT_COLUMNS
                                                   " FROM products WHERE deleted_at IS NULL AND id > $1 "
                                                   "ORDER BY id LIMIT $2",
                                                   true};

// $1 category, $2 after id, $3 limit
inline constexpr ecom::pg::Statement list_products_in_category{
    "list_products_in_category",
    "SELECT " CATALOG_PRODUCT_COLUMNS
    " FROM products WHERE deleted_at IS NULL AND category = $1 AND id > $2 "
    "ORDER BY id LIMIT $3",
    true};

// $1 ILIKE pattern, $2 category or NULL, $3 after id, $4 limit
inline constexpr ecom::pg::Statement search_products{
    "search_products",
    "SELECT " CATALOG_PRODUCT_COLUMNS
    " FROM products WHERE deleted_at IS NULL AND id > $3 "
    "AND ($2::text IS NULL OR category = $2) AND (name ILIKE $1 OR description ILIKE $1) "
    "ORDER BY id LIMIT $4",
    true};

// $1 sku, $2 name, $3 description, $4 category, $5 price_cents, $6 stock, $7 image_url
inline constexpr ecom::pg::Statement insert_product{
    "insert_product",
    "INSERT INTO products (sku, name, description, category, price_cents, stock, image_url) "
    "VALUES ($1, $2, COALESCE($3, ''), $4, $5, $6, COALESCE($7, '')) RETURNING " CATALOG_PRODUCT_COLUMNS};

// $1 id, $2 accepted versions (bigint[]) or NULL for any, $3.. as insert_product
inline constexpr ecom::pg::Statement replace_product{
    "replace_product",
    "UPDATE products SET sku = $3, name = $4, description = COALESCE($5, ''), category = $6, "
    "price_cents = $7, stock = $8, image_url = COALESCE($9, '') "
    "WHERE id = $1 AND deleted_at IS NULL AND ($2::bigint[] IS NULL OR version = ANY($2::bigint[])) "
    "RETURNING " CATALOG_PRODUCT_COLUMNS};

// As replace_product; NULL leaves a column unchanged.
inline constexpr ecom::pg::Statement patch_product{
    "patch_product",
    "UPDATE products SET sku = COALESCE($3, sku), name = COALESCE($4, name), "
    "description = COALESCE($5, description), category = COALESCE($6, category), "
    "price_cents = COALESCE($7, price_cents), stock = COALESCE($8, stock), image_url = COALESCE($9, image_url) "
    "WHERE id = $1 AND deleted_at IS NULL AND ($2::bigint[] IS NULL OR version = ANY($2::bigint[])) "
    "RETURNING " CATALOG_PRODUCT_COLUMNS};

// $1 id, $2 accepted versions or NULL
inline constexpr ecom::pg::Statement archive_product{
    "archive_product",
    "UPDATE products SET deleted_at = now() "
    "WHERE id = $1 AND deleted_at IS NULL AND ($2::bigint[] IS NULL OR version = ANY($2::bigint[])) "
    "RETURNING id"};

// Categories with how many live products each has.
inline constexpr ecom::pg::Statement list_categories{
    "list_categories",
    "SELECT category, count(*) FROM products WHERE deleted_at IS NULL GROUP BY category ORDER BY category", true};

// Tells a missing product from a version mismatch after a conditional write.
inline constexpr ecom::pg::Statement product_exists{
    "product_exists", "SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL", true};

inline std::vector<ecom::pg::Statement> catalog_statements() {
    return {get_product,     list_products, list_products_in_category, search_products, insert_product,
            replace_product, patch_product, archive_product,           product_exists,  list_categories};
}

}  // namespace catalog::sql
