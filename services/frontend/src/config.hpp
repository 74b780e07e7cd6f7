#pragma once

#include "ecom/config.hpp"
#include "ecom/http/client.hpp"
#include "ecom/service.hpp"

#include <chrono>
#include <string>

namespace storefront {

struct Config {
    ecom::ServiceConfig service;
    std::string static_dir;                     // STATIC_DIR: the built web app (web/dist)
    ecom::http::ClientOptions product_service;  // PRODUCT_SERVICE_URL, CATALOG_TIMEOUT_MS
    std::chrono::milliseconds home_ttl{5'000};  // HOME_CACHE_MS

    static Config from_env(ecom::Env& env);
};

}  // namespace storefront
