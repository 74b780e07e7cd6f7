#pragma once

#include "ecom/config.hpp"
#include "ecom/http/client.hpp"
#include "ecom/pg/database.hpp"
#include "ecom/service.hpp"
#include "payment.hpp"
#include "reconciler.hpp"

#include <string>

namespace orders {

struct Config {
    ecom::ServiceConfig service;
    ecom::pg::Settings database;
    ecom::http::ClientOptions product_service;  // PRODUCT_SERVICE_URL, INVENTORY_TIMEOUT_MS, INVENTORY_MAX_ATTEMPTS,
                                                // INTERNAL_API_KEY, CIRCUIT_BREAKER_FAILURES, CIRCUIT_BREAKER_OPEN_MS
    std::string admin_api_key;                  // ADMIN_API_KEY
    std::string admin_api_key_previous;         // ADMIN_API_KEY_PREVIOUS (optional): also accepted during a rotation
    std::string card_fingerprint_key;           // CARD_FINGERPRINT_KEY (32+ characters): HMAC key for the card
                                                // number in a request's fingerprint
    SimulatorSettings payment;                  // PAYMENT_LATENCY_MS, PAYMENT_FAILURE_RATE
    ReconcilerSettings reconciler;              // RECONCILE_WINDOW_SECONDS, RECONCILE_INTERVAL_MS
    std::chrono::seconds lease{15};             // ORDER_LEASE_SECONDS
    bool migrate_on_start = true;               // MIGRATE_ON_START

    static Config from_env(ecom::Env& env);
};

}  // namespace orders
