// product-service: the catalog. Wires configuration, migrations, the
// database pools, the cache and its invalidation listener, and the routes.

#include "catalog_store.hpp"
#include "config.hpp"
#include "ecom/http/admin_auth.hpp"
#include "ecom/log.hpp"
#include "ecom/pg/listener.hpp"
#include "ecom/pg/migrations.hpp"
#include "ecom/service.hpp"
#include "inventory_routes.hpp"
#include "inventory_sql.hpp"
#include "product_cache.hpp"
#include "product_routes.hpp"
#include "reservations_gauge.hpp"
#include "statements.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace catalog {
const ecom::pg::EmbeddedFiles& embedded_files();  // generated: the migrations folder
}

namespace {

int run() {
    ecom::Env env;
    const catalog::Config config = catalog::Config::from_env(env);
    ecom::log::set_level(config.service.log_level);

    if (config.migrate_on_start) {
        ecom::pg::migrate({config.database.conninfo, "catalog", config.database.startup_timeout},
                          catalog::embedded_files());
    }

    ecom::Service service(config.service);
    ecom::pg::Database db(service.workers(), config.database, catalog::sql::statements(), service.metrics());
    catalog::ProductCache cache(config.cache_max_entries, service.metrics());
    ecom::pg::Listener listener(
        *service.workers().front(), config.database, {"catalog_changes"},
        [&cache](std::string_view, std::string_view payload) { cache.apply_notification(payload); },
        [&cache](bool listening) {
            cache.set_active(listening);
            ecom::log::info(listening ? "cache enabled: listening for catalog changes"
                                      : "cache bypassed: catalog change notifications unavailable");
        });
    catalog::CatalogStore store(db);
    ecom::http::AdminAuth admin(config.admin_api_key, config.admin_api_key_previous);
    catalog::ProductRoutes routes(store, cache, admin);
    routes.register_on(service.api());
    catalog::InventoryRoutes inventory(db, cache, config.internal_api_key, config.internal_api_key_previous);
    inventory.register_on(service.api());

    catalog::ReservationsGauge reservations_held(*service.workers().front(), db, service.metrics(),
                                                 std::chrono::seconds(15));

    // Started in this order; drained and stopped newest first.
    service.add(db);
    if (config.cache_enabled) {
        service.add(listener);
    }
    service.add(reservations_held);
    service.add_readiness_check([&db] { return db.ping(std::chrono::milliseconds(1000)); });
    ecom::log::info(
        "starting",
        {{"database", ecom::pg::redact_conninfo(config.database.conninfo)}, {"cache", config.cache_enabled}});
    return service.run();
}

}  // namespace

int main(int argc, char** argv) {
    return ecom::service_main(argc, argv, "product-service", run, catalog::sql::statements());
}
