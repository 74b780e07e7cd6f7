#include "config.hpp"

namespace orders {

Config Config::from_env(ecom::Env& env) {
    using ms = std::chrono::milliseconds;
    Config c;
    c.service = ecom::ServiceConfig::from_env(env, "order-service");
    c.database = ecom::pg::Settings::from_env(env, "order-service", "postgresql://orders_svc@127.0.0.1:5432/shop");
    c.admin_api_key = env.required_string("ADMIN_API_KEY", 16);
    c.admin_api_key_previous = env.string("ADMIN_API_KEY_PREVIOUS", "");
    if (!c.admin_api_key_previous.empty() && c.admin_api_key_previous.size() < 16) {
        env.reject("ADMIN_API_KEY_PREVIOUS", "must be at least 16 characters long when set");
    }
    c.card_fingerprint_key = env.required_string("CARD_FINGERPRINT_KEY", 32);

    auto& ps = c.product_service;
    ps.name = "product-service";
    ps.base_url = env.http_url("PRODUCT_SERVICE_URL", "http://127.0.0.1:8081");
    ps.request_timeout = env.millis("INVENTORY_TIMEOUT_MS", ms(2'000), ms(10), ms(60'000));
    ps.connect_timeout = std::min(ps.request_timeout, ms(1'000));
    ps.max_attempts = static_cast<int>(env.integer("INVENTORY_MAX_ATTEMPTS", 3, 1, 10));
    ps.breaker_failures = static_cast<int>(env.integer("CIRCUIT_BREAKER_FAILURES", 5, 1, 1000));
    ps.breaker_open = env.millis("CIRCUIT_BREAKER_OPEN_MS", ms(5'000), ms(100), ms(600'000));
    ps.bearer_token = env.string("INTERNAL_API_KEY", "");

    c.payment.latency = env.millis("PAYMENT_LATENCY_MS", ms(0), ms(0), ms(60'000));
    c.payment.failure_rate = env.fraction("PAYMENT_FAILURE_RATE", 0.0, 0.0, 1.0);
    c.reconciler.window = std::chrono::seconds(env.integer("RECONCILE_WINDOW_SECONDS", 30, 1, 86'400));
    c.reconciler.interval = env.millis("RECONCILE_INTERVAL_MS", ms(2'000), ms(50), ms(3'600'000));
    c.lease = std::chrono::seconds(env.integer("ORDER_LEASE_SECONDS", 15, 1, 3'600));
    c.migrate_on_start = env.boolean("MIGRATE_ON_START", true);
    env.check();
    return c;
}

}  // namespace orders
