#pragma once

// Finishes or compensates what a crash left behind, every interval:
//  - orders PENDING for longer than the window whose lease expired are
//    claimed (FOR UPDATE SKIP LOCKED, safe with several replicas) and driven
//    by the saga without a card: paid ones are confirmed, declined ones
//    released, unpaid ones cancelled with their stock released;
//  - cancels and returns left CANCELLING / REFUNDING for longer than the
//    window (a crash, or a dependency that did not answer) are finished by
//    OrderMoves (stock back, refund, settled), each step idempotent;
//  - reservations held at product-service for longer than the window whose
//    order is final (or unknown) are released, or committed if it was
//    confirmed.

#include "checkout_saga.hpp"
#include "ecom/component.hpp"
#include "ecom/metrics.hpp"
#include "inventory_client.hpp"
#include "order_moves.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>

namespace orders {

struct ReconcilerSettings {
    std::chrono::seconds window{30};            // RECONCILE_WINDOW_SECONDS
    std::chrono::milliseconds interval{2'000};  // RECONCILE_INTERVAL_MS
    int batch = 50;
};

class Reconciler : public ecom::Component {
public:
    Reconciler(boost::asio::io_context& io, OrderStore& store, CheckoutSaga& saga, OrderMoves& moves,
               InventoryClient& inventory, ReconcilerSettings settings, ecom::metrics::Registry& registry);

    void start() override;
    // Ends the loop when the drain begins. Thread-safe; stop() again is a no-op.
    void stop() override;
    void drain() override { stop(); }

    // One pass over both; exposed for tests. Returns the orders it finished.
    boost::asio::awaitable<int> reconcile_once();

private:
    boost::asio::awaitable<void> loop();
    boost::asio::awaitable<int> reconcile_orders();
    boost::asio::awaitable<void> reconcile_compensations();
    boost::asio::awaitable<void> reconcile_reservations();
    void count(std::string_view action);

    boost::asio::io_context& io_;
    OrderStore& store_;
    CheckoutSaga& saga_;
    OrderMoves& moves_;
    InventoryClient& inventory_;
    ReconcilerSettings settings_;
    ecom::metrics::Registry& registry_;
    boost::asio::steady_timer timer_;
    bool stopped_ = false;
};

}  // namespace orders
