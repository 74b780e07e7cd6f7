// order-service: checkout. Wires configuration, migrations, the database
// pools, the product-service client, the payment simulator, the saga, the
// routes and the reconciler.

#include "checkout_saga.hpp"
#include "config.hpp"
#include "ecom/http/admin_auth.hpp"
#include "ecom/http/client.hpp"
#include "ecom/log.hpp"
#include "ecom/pg/migrations.hpp"
#include "ecom/service.hpp"
#include "idempotent_checkout.hpp"
#include "inventory_client.hpp"
#include "order_moves.hpp"
#include "order_routes.hpp"
#include "order_sql.hpp"
#include "order_store.hpp"
#include "payment.hpp"
#include "reconciler.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace orders {
const ecom::pg::EmbeddedFiles& embedded_files();  // generated: the migrations folder
}

namespace {

int run() {
    ecom::Env env;
    const orders::Config config = orders::Config::from_env(env);
    ecom::log::set_level(config.service.log_level);

    if (config.migrate_on_start) {
        ecom::pg::migrate({config.database.conninfo, "orders", config.database.startup_timeout},
                          orders::embedded_files());
    }

    ecom::Service service(config.service);
    ecom::pg::Database db(service.workers(), config.database, orders::sql::statements(), service.metrics());
    ecom::http::Client product_service(service.workers(), config.product_service, service.metrics());
    orders::InventoryClient inventory(product_service);
    orders::SimulatedPaymentGateway payments(db, config.payment);
    orders::OrderStore store(db, config.lease);
    orders::CheckoutSaga saga(store, inventory, payments, &service.metrics());
    ecom::http::AdminAuth admin(config.admin_api_key, config.admin_api_key_previous);
    orders::IdempotentCheckout checkout(store, saga, inventory, config.card_fingerprint_key);
    orders::OrderMoves moves(store, inventory, payments, service.metrics());
    orders::OrderRoutes routes(store, checkout, moves, inventory, admin, service.metrics());
    routes.register_on(service.api());
    orders::Reconciler reconciler(*service.workers().front(), store, saga, moves, inventory, config.reconciler,
                                  service.metrics());

    // Started in this order; drained and stopped newest first.
    service.add(db);
    service.add(product_service);
    service.add(reconciler);
    service.add_readiness_check([&db] { return db.ping(std::chrono::milliseconds(1000)); });
    ecom::log::info("starting",
                    {{"database", ecom::pg::redact_conninfo(config.database.conninfo)},
                     {"product_service", config.product_service.base_url},
                     {"reconcile_window_s", static_cast<std::int64_t>(config.reconciler.window.count())}});
    return service.run();
}

}  // namespace

int main(int argc, char** argv) {
    return ecom::service_main(argc, argv, "order-service", run, orders::sql::statements());
}
