#pragma once

// product-service's internal inventory API, as order-service sees it. Every
// call is idempotent per order id, so the HTTP client may retry them all.
// Unknown and short products come back by product id.

#include "ecom/http/client.hpp"
#include "inventory.hpp"
#include "order_domain.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orders {

struct HeldReservation {
    std::string order_id;
    ReservationState state = ReservationState::held;
};

class InventoryClient final : public Inventory {
public:
    explicit InventoryClient(ecom::http::Client& http) : http_(http) {}

    boost::asio::awaitable<ReserveResult> reserve(const std::string& order_id, const std::vector<OrderLine>& lines,
                                                  const ecom::http::RequestContext* context) override;
    boost::asio::awaitable<ReservationState> commit(const std::string& order_id,
                                                    const ecom::http::RequestContext* context) override;
    boost::asio::awaitable<ReservationState> release(const std::string& order_id,
                                                     const ecom::http::RequestContext* context) override;
    boost::asio::awaitable<ReservationState> give_back(const std::string& order_id,
                                                       const ecom::http::RequestContext* context) override;
    boost::asio::awaitable<std::vector<HeldReservation>> held_older_than(std::chrono::seconds age, int limit);

    [[nodiscard]] bool circuit_open() const noexcept override { return http_.circuit_open(); }
    [[nodiscard]] std::chrono::seconds retry_after() const noexcept { return http_.retry_after(); }

private:
    boost::asio::awaitable<ecom::http::IncomingResponse> call(ecom::http::OutgoingRequest request);

    ecom::http::Client& http_;
};

// Parses product-service answers; exposed for unit tests.
ReserveResult parse_reserve_response(unsigned status, std::string_view body);

}  // namespace orders
