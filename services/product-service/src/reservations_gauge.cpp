#include "reservations_gauge.hpp"

#include "ecom/log.hpp"
#include "inventory_sql.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace catalog {
namespace {
namespace asio = boost::asio;
}

ReservationsGauge::ReservationsGauge(asio::io_context& io, ecom::pg::Database& db, ecom::metrics::Registry& registry,
                                     std::chrono::seconds interval)
    : io_(io),
      db_(db),
      held_(registry.gauge("inventory_reservations_held",
                           "Reservations held now (reserved, neither committed nor released)")),
      interval_(interval),
      timer_(io) {}

void ReservationsGauge::start() {
    asio::co_spawn(io_, loop(), asio::detached);
}

void ReservationsGauge::stop() {
    asio::post(io_, [this] {
        stopped_ = true;
        timer_.cancel();
    });
}

asio::awaitable<void> ReservationsGauge::loop() {
    bool warned = false;
    while (!stopped_) {
        try {
            const auto r = co_await db_.run(sql::count_held_reservations);
            held_.set(r.int64(0, 0));
            warned = false;
        } catch (const std::exception& e) {
            if (!warned) {  // once per outage, not every interval
                ecom::log::warn("counting held reservations failed", {{"error", e.what()}});
                warned = true;
            }
        }
        timer_.expires_after(interval_);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace catalog
