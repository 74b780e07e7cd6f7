#include "config.hpp"

namespace catalog {

Config Config::from_env(ecom::Env& env) {
    Config c;
    c.service = ecom::ServiceConfig::from_env(env, "product-service");
    c.database = ecom::pg::Settings::from_env(env, "product-service", "postgresql://catalog_svc@127.0.0.1:5432/shop");
    c.admin_api_key = env.required_string("ADMIN_API_KEY", 16);
    c.admin_api_key_previous = env.string("ADMIN_API_KEY_PREVIOUS", "");
    if (!c.admin_api_key_previous.empty() && c.admin_api_key_previous.size() < 16) {
        env.reject("ADMIN_API_KEY_PREVIOUS", "must be at least 16 characters long when set");
    }
    c.internal_api_key = env.string("INTERNAL_API_KEY", "");
    if (!c.internal_api_key.empty() && c.internal_api_key.size() < 16) {
        env.reject("INTERNAL_API_KEY", "must be at least 16 characters long when set");
    }
    c.internal_api_key_previous = env.string("INTERNAL_API_KEY_PREVIOUS", "");
    if (!c.internal_api_key_previous.empty() &&
        (c.internal_api_key_previous.size() < 16 || c.internal_api_key.empty())) {
        env.reject("INTERNAL_API_KEY_PREVIOUS",
                   "must be at least 16 characters long, and INTERNAL_API_KEY set, when set");
    }
    c.cache_enabled = env.boolean("CATALOG_CACHE", true);
    c.cache_max_entries = static_cast<std::size_t>(env.integer("CATALOG_CACHE_MAX_ENTRIES", 10'000, 10, 10'000'000));
    c.migrate_on_start = env.boolean("MIGRATE_ON_START", true);
    env.check();
    return c;
}

}  // namespace catalog
