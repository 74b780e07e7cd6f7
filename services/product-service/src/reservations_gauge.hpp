#pragma once

// inventory_reservations_held: the number of reservations held now (reserved
// at checkout, neither committed nor released), counted in the database
// every interval by one indexed query, so it is right across all tasks of
// the service. A failed count keeps the last value and retries next time.

#include "ecom/component.hpp"
#include "ecom/metrics.hpp"
#include "ecom/pg/database.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace catalog {

class ReservationsGauge : public ecom::Component {
public:
    ReservationsGauge(boost::asio::io_context& io, ecom::pg::Database& db, ecom::metrics::Registry& registry,
                      std::chrono::seconds interval);

    void start() override;
    // Ends the loop when the drain begins. Thread-safe; stop() again is a no-op.
    void stop() override;
    void drain() override { stop(); }

private:
    boost::asio::awaitable<void> loop();

    boost::asio::io_context& io_;
    ecom::pg::Database& db_;
    ecom::metrics::Gauge& held_;
    std::chrono::seconds interval_;
    boost::asio::steady_timer timer_;
    bool stopped_ = false;
};

}  // namespace catalog
