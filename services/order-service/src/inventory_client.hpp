#pragma once

// product-service's internal inventory API, as order-service sees it. Every
// call is idempotent per order id, so the HTTP client may retry them all.

#include "checkout_request.hpp"
#include "ecom/http/client.hpp"
#include "order_domain.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orders {

struct Shortage {
    std::int64_t product_id = 0;
    std::int64_t requested = 0;
    std::int64_t available = 0;
};

struct ReserveResult {
    enum class Kind { held, insufficient_stock, unknown_products, released } kind = Kind::held;
    std::vector<PricedLine> lines;                 // held
    std::vector<Shortage> shortages;               // insufficient_stock
    std::vector<std::int64_t> unknown_product_ids;  // unknown_products
    ReservationState state = ReservationState::held;  // held, or committed (a repeat after commit)
};

struct HeldReservation {
    std::string order_id;
    ReservationState state = ReservationState::held;
};

// Raised when product-service cannot answer (down, circuit open, 5xx after
// retries, or an answer this client does not understand).
class InventoryUnavailable : public std::runtime_error {
public:
    InventoryUnavailable(const std::string& message, bool circuit_open)
        : std::runtime_error(message), circuit_open_(circuit_open) {}
    [[nodiscard]] bool circuit_open() const noexcept { return circuit_open_; }

private:
    bool circuit_open_;
};

class InventoryClient {
public:
    explicit InventoryClient(ecom::http::Client& http) : http_(http) {}

    boost::asio::awaitable<ReserveResult> reserve(const std::string& order_id, const std::vector<OrderLine>& lines,
                                                  const ecom::http::RequestContext* context);
    // The state after the call: committed, or released (or none: no such
    // reservation) when it could not be committed.
    boost::asio::awaitable<ReservationState> commit(const std::string& order_id, const ecom::http::RequestContext* context);
    // The state after the call: released, or committed when it could not be released.
    boost::asio::awaitable<ReservationState> release(const std::string& order_id, const ecom::http::RequestContext* context);
    boost::asio::awaitable<std::vector<HeldReservation>> held_older_than(std::chrono::seconds age, int limit);

    [[nodiscard]] bool circuit_open() const noexcept { return http_.circuit_open(); }
    [[nodiscard]] std::chrono::seconds retry_after() const noexcept { return http_.retry_after(); }

private:
    boost::asio::awaitable<ecom::http::IncomingResponse> call(ecom::http::OutgoingRequest request);

    ecom::http::Client& http_;
};

// Parses product-service answers; exposed for unit tests.
ReserveResult parse_reserve_response(unsigned status, std::string_view body);

}  // namespace orders
