#pragma once

// The catalog's data access: each operation is one statement (or two for a
// failed conditional write) and returns bodies ready to send.

#include "ecom/pg/database.hpp"
#include "product_input.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace catalog {

struct StoredProduct {
    std::int64_t id = 0;
    std::int64_t version = 0;
    std::string json;
};

enum class WriteStatus { ok, not_found, version_mismatch };

struct WriteResult {
    WriteStatus status = WriteStatus::ok;
    StoredProduct product;  // when ok
};

struct ListRequest {
    std::int64_t limit = 20;
    std::int64_t after_id = 0;
    std::optional<std::string> category;
    std::optional<std::string> search;
};

// Versions an If-Match accepts: nullopt for "*" or no header.
using AcceptedVersions = std::optional<std::vector<std::int64_t>>;

class CatalogStore {
public:
    explicit CatalogStore(ecom::pg::Database& db) : db_(db) {}

    boost::asio::awaitable<std::optional<StoredProduct>> find(std::int64_t id,
                                                              const ecom::trace::SpanContext* ctx = nullptr);
    // {"items":[...],"next_cursor":...}
    boost::asio::awaitable<std::string> list_page(const ListRequest& request,
                                                  const ecom::trace::SpanContext* ctx = nullptr);
    // {"items":[{"slug","product_count"}]}
    boost::asio::awaitable<std::string> categories(const ecom::trace::SpanContext* ctx = nullptr);
    // Throws HttpError 409 `sku_taken` when the SKU is in use.
    boost::asio::awaitable<StoredProduct> create(const ProductFields& fields,
                                                 const ecom::trace::SpanContext* ctx = nullptr);
    boost::asio::awaitable<WriteResult> replace(std::int64_t id, const ProductFields& fields,
                                                const AcceptedVersions& versions,
                                                const ecom::trace::SpanContext* ctx = nullptr);
    boost::asio::awaitable<WriteResult> patch(std::int64_t id, const ProductFields& fields,
                                              const AcceptedVersions& versions,
                                              const ecom::trace::SpanContext* ctx = nullptr);
    boost::asio::awaitable<WriteStatus> archive(std::int64_t id, const AcceptedVersions& versions,
                                                const ecom::trace::SpanContext* ctx = nullptr);

private:
    boost::asio::awaitable<WriteResult> update(const ecom::pg::Statement& statement, std::int64_t id,
                                               const ProductFields& fields, const AcceptedVersions& versions,
                                               const ecom::trace::SpanContext* ctx);
    boost::asio::awaitable<WriteStatus> missing_or_mismatch(std::int64_t id, const ecom::trace::SpanContext* ctx);

    ecom::pg::Database& db_;
};

// "{1,2,3}", the text form of a bigint[] parameter.
std::string versions_array(const std::vector<std::int64_t>& versions);

}  // namespace catalog
