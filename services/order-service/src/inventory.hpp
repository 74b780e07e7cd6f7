#pragma once

// The stock the checkout saga takes, behind an interface (beside
// PaymentGateway), so the saga does not care whether product-service or a
// test's fake answers. Every call is idempotent per order id.

#include "ecom/http/message.hpp"
#include "order_domain.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <stdexcept>
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
    std::vector<PricedLine> lines{};                  // held
    std::vector<Shortage> shortages{};                // insufficient_stock
    std::vector<std::int64_t> unknown_product_ids{};  // unknown_products
    ReservationState state = ReservationState::held;  // held, or committed (a repeat after commit)
};

// Raised when the inventory cannot answer (down, circuit open, 5xx after
// retries, or an answer the client does not understand).
class InventoryUnavailable : public std::runtime_error {
public:
    InventoryUnavailable(const std::string& message, bool circuit_open)
        : std::runtime_error(message), circuit_open_(circuit_open) {}
    [[nodiscard]] bool circuit_open() const noexcept { return circuit_open_; }

private:
    bool circuit_open_;
};

class Inventory {
public:
    virtual ~Inventory() = default;
    // All or nothing: every line held (priced), or why not.
    virtual boost::asio::awaitable<ReserveResult> reserve(const std::string& order_id,
                                                          const std::vector<OrderLine>& lines,
                                                          const ecom::http::RequestContext* context) = 0;
    // The state after the call: committed, or released (or none: no such
    // reservation) when it could not be committed.
    virtual boost::asio::awaitable<ReservationState> commit(const std::string& order_id,
                                                            const ecom::http::RequestContext* context) = 0;
    // The state after the call: released, or committed when it could not be released.
    virtual boost::asio::awaitable<ReservationState> release(const std::string& order_id,
                                                             const ecom::http::RequestContext* context) = 0;
    // A sold order's stock back to the catalog (a cancel, a restocked
    // return): returned (also when it already was), or the state that had
    // nothing sold to give back (held, released; none: no reservation).
    virtual boost::asio::awaitable<ReservationState> give_back(const std::string& order_id,
                                                               const ecom::http::RequestContext* context) = 0;
    // Calls are known to fail right now (a circuit breaker is open): new
    // checkouts are not even recorded.
    [[nodiscard]] virtual bool circuit_open() const noexcept = 0;
};

}  // namespace orders
