#include "config.hpp"

namespace storefront {

Config Config::from_env(ecom::Env& env) {
    using ms = std::chrono::milliseconds;
    Config c;
    c.service = ecom::ServiceConfig::from_env(env, "frontend");
    c.static_dir = env.string("STATIC_DIR", "services/frontend/web/dist");
    auto& ps = c.product_service;
    ps.name = "product-service";
    ps.base_url = env.http_url("PRODUCT_SERVICE_URL", "http://127.0.0.1:8081");
    ps.request_timeout = env.millis("CATALOG_TIMEOUT_MS", ms(1'000), ms(10), ms(60'000));
    ps.connect_timeout = std::min(ps.request_timeout, ms(500));
    ps.max_attempts = 2;
    c.home_ttl = env.millis("HOME_CACHE_MS", ms(5'000), ms(0), ms(3'600'000));
    env.check();
    return c;
}

}  // namespace storefront
