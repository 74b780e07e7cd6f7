#pragma once

// The public catalog API:
//   GET    /api/products?limit=&cursor=&q=&category=
//   GET    /api/products/categories      {"items":[{"slug","product_count"}]}
//   GET    /api/products/{id}            ETag, 304 on If-None-Match
//   POST   /api/products                 admin; 201 + Location
//   PUT    /api/products/{id}            admin; If-Match -> 412 on mismatch
//   PATCH  /api/products/{id}            admin; If-Match
//   DELETE /api/products/{id}            admin; If-Match; 204

#include "catalog_store.hpp"
#include "ecom/http/admin_auth.hpp"
#include "ecom/http/router.hpp"
#include "product_cache.hpp"

namespace catalog {

class ProductRoutes {
public:
    ProductRoutes(CatalogStore& store, ProductCache& cache, const ecom::http::AdminAuth& admin);

    void register_on(ecom::http::Router& router);

private:
    boost::asio::awaitable<ecom::http::Response> list(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> categories(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> get(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> create(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> replace(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> patch(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> remove(ecom::http::Request& request);

    ecom::http::Response written(unsigned status, const WriteResult& result);

    CatalogStore& store_;
    ProductCache& cache_;
    const ecom::http::AdminAuth& admin_;
};

// Query parameters of the list route, validated; throws HttpError 400.
ListRequest parse_list_request(const ecom::http::Request& request);
// A product id from the path: a positive integer, else HttpError 404.
std::int64_t parse_product_id(std::string_view text);
// The versions an If-Match header accepts; throws HttpError 400 when malformed.
AcceptedVersions parse_if_match(const ecom::http::Request& request);

}  // namespace catalog
