#pragma once

#include "ecom/config.hpp"
#include "ecom/pg/database.hpp"
#include "ecom/service.hpp"

#include <string>

namespace catalog {

struct Config {
    ecom::ServiceConfig service;
    ecom::pg::Settings database;
    std::string admin_api_key;               // ADMIN_API_KEY (required, at least 16 characters)
    std::string admin_api_key_previous;      // ADMIN_API_KEY_PREVIOUS (optional): also accepted during a rotation
    std::string internal_api_key;            // INTERNAL_API_KEY (optional): required on /internal/ when set
    std::string internal_api_key_previous;   // INTERNAL_API_KEY_PREVIOUS (optional): also accepted during a rotation
    bool cache_enabled = true;               // CATALOG_CACHE
    std::size_t cache_max_entries = 10'000;  // CATALOG_CACHE_MAX_ENTRIES
    bool migrate_on_start = true;            // MIGRATE_ON_START

    // Reads every variable; throws ConfigError naming each invalid one.
    static Config from_env(ecom::Env& env);
};

}  // namespace catalog
