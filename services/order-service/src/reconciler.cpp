#include "reconciler.hpp"

#include "ecom/ids.hpp"
#include "ecom/log.hpp"
#include "ecom/pg/result.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>

namespace orders {
namespace {
namespace asio = boost::asio;
}

Reconciler::Reconciler(asio::io_context& io, OrderStore& store, CheckoutSaga& saga, OrderMoves& moves,
                       InventoryClient& inventory, ReconcilerSettings settings, ecom::metrics::Registry& registry)
    : io_(io),
      store_(store),
      saga_(saga),
      moves_(moves),
      inventory_(inventory),
      settings_(settings),
      registry_(registry),
      timer_(io) {
    // The statuses an order finished without its card can end in, then the other actions.
    for (const auto status : {OrderStatus::confirmed, OrderStatus::payment_declined, OrderStatus::cancelled}) {
        (void)registry_.counter("reconciler_actions_total", "What the reconciler did",
                                {{"action", std::string(metric_label(status))}});
    }
    for (const auto* action :
         {"released_orphan", "committed_orphan", "deferred", "compensated", "compensation_deferred"}) {
        (void)registry_.counter("reconciler_actions_total", "What the reconciler did", {{"action", action}});
    }
}

void Reconciler::count(std::string_view action) {
    registry_.counter("reconciler_actions_total", "What the reconciler did", {{"action", std::string(action)}}).inc();
}

void Reconciler::start() {
    asio::co_spawn(io_, loop(), asio::detached);
}

void Reconciler::stop() {
    asio::post(io_, [this] {
        stopped_ = true;
        timer_.cancel();
    });
}

asio::awaitable<void> Reconciler::loop() {
    while (!stopped_) {
        timer_.expires_after(settings_.interval);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopped_) {
            co_return;
        }
        try {
            co_await reconcile_once();
        } catch (const std::exception& e) {
            // The next pass retries; a database or product-service outage is expected here.
            ecom::log::warn("reconciliation pass failed", {{"error", e.what()}});
        }
    }
}

asio::awaitable<int> Reconciler::reconcile_once() {
    const int finished = co_await reconcile_orders();
    co_await reconcile_compensations();
    co_await reconcile_reservations();
    co_return finished;
}

asio::awaitable<int> Reconciler::reconcile_orders() {
    const std::string owner = ecom::new_uuid();
    const auto claimed = co_await store_.claim_stale(settings_.window, settings_.batch, owner);
    int finished = 0;
    for (const auto& order : claimed) {
        const SagaOutcome outcome = co_await saga_.run(order, owner, nullptr, nullptr);
        if (outcome.kind == SagaOutcome::Kind::finished) {
            ++finished;
            // Without a card the saga never reserves, so it never rejects: confirmed, payment_declined or cancelled.
            count(metric_label(outcome.order.status));
            ecom::log::info("reconciler finished an order",
                            {{"order_id", order.id}, {"status", to_string(outcome.order.status)}});
        } else {
            count("deferred");
            ecom::log::warn("reconciler could not finish an order yet",
                            {{"order_id", order.id}, {"reason", outcome.reason}});
        }
    }
    co_return finished;
}

asio::awaitable<void> Reconciler::reconcile_compensations() {
    for (const auto& id : co_await store_.stale_compensations(settings_.window, settings_.batch)) {
        const auto page = co_await store_.page(id);
        if (!page) {
            continue;
        }
        const OrderStatus now = co_await moves_.finish(*page, nullptr);
        const bool finished = !compensation_pending(now);
        count(finished ? "compensated" : "compensation_deferred");
        ecom::log::info(finished ? "reconciler finished a cancel or return"
                                 : "reconciler could not finish a cancel "
                                   "or return yet",
                        {{"order_id", id}, {"status", to_string(now)}});
    }
}

asio::awaitable<void> Reconciler::reconcile_reservations() {
    const auto held = co_await inventory_.held_older_than(settings_.window, settings_.batch);
    if (held.empty()) {
        co_return;
    }
    std::vector<std::string> ids;
    for (const auto& r : held) {
        ids.push_back(r.order_id);
    }
    std::map<std::string, OrderStatus> status;
    for (auto& [id, s] : co_await store_.statuses(ids)) {
        status.emplace(std::move(id), s);
    }
    for (const auto& id : ids) {
        const auto it = status.find(id);
        if (it != status.end() && it->second == OrderStatus::pending) {
            continue;  // the order reconciler owns it
        }
        if (it != status.end() && it->second == OrderStatus::confirmed) {
            co_await inventory_.commit(id, nullptr);
            count("committed_orphan");
        } else {
            co_await inventory_.release(id, nullptr);
            count("released_orphan");
        }
        ecom::log::info("reconciler settled a reservation",
                        {{"order_id", id},
                         {"order_status", it == status.end() ? std::string_view("unknown") : to_string(it->second)}});
    }
}

}  // namespace orders
