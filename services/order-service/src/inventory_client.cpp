#include "inventory_client.hpp"

#include "ecom/json_writer.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace orders {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using ecom::http::IncomingResponse;
using ecom::http::Method;
using ecom::http::OutgoingRequest;

[[noreturn]] void unexpected(unsigned status, std::string_view what) {
    throw InventoryUnavailable("product-service answered " + std::to_string(status) + " to " + std::string(what),
                               false);
}

ReservationState reservation_state_of(const bj::value& state) {
    const auto parsed = reservation_state_from_string(state.as_string());
    if (!parsed) {
        throw std::runtime_error("unknown reservation state " + bj::serialize(state));
    }
    return *parsed;
}

std::string error_code_of(std::string_view body) {
    try {
        const auto v = bj::parse(body);
        return std::string(v.at("error").at("code").as_string());
    } catch (...) {
        return {};
    }
}

}  // namespace

ReserveResult parse_reserve_response(unsigned status, std::string_view body) {
    ReserveResult out;
    try {
        const auto v = bj::parse(body);
        if (status == 200) {
            out.kind = ReserveResult::Kind::held;
            out.state = reservation_state_of(v.at("state"));
            for (const auto& item : v.at("items").as_array()) {
                PricedLine line;
                line.product_id = item.at("product_id").to_number<std::int64_t>();
                line.quantity = item.at("quantity").to_number<std::int64_t>();
                line.unit_price_cents = item.at("unit_price_cents").to_number<std::int64_t>();
                line.sku = std::string(item.at("sku").as_string());
                line.name = std::string(item.at("name").as_string());
                out.lines.push_back(std::move(line));
            }
            return out;
        }
        const std::string code(v.at("error").at("code").as_string());
        if (status == 409 && code == "insufficient_stock") {
            out.kind = ReserveResult::Kind::insufficient_stock;
            for (const auto& s : v.at("error").at("shortages").as_array()) {
                out.shortages.push_back({s.at("product_id").to_number<std::int64_t>(),
                                         s.at("requested").to_number<std::int64_t>(),
                                         s.at("available").to_number<std::int64_t>()});
            }
            return out;
        }
        if (status == 409 && code == "reservation_released") {
            out.kind = ReserveResult::Kind::released;
            return out;
        }
        if (status == 422 && code == "unknown_product") {
            out.kind = ReserveResult::Kind::unknown_products;
            for (const auto& id : v.at("error").at("product_ids").as_array()) {
                out.unknown_product_ids.push_back(id.to_number<std::int64_t>());
            }
            return out;
        }
    } catch (const std::exception& e) {
        throw InventoryUnavailable(std::string("unreadable reservation answer: ") + e.what(), false);
    }
    unexpected(status, "a reservation");
}

asio::awaitable<IncomingResponse> InventoryClient::call(OutgoingRequest request) {
    request.idempotent = true;  // every inventory call is idempotent per order id
    try {
        co_return co_await http_.send(std::move(request));
    } catch (const ecom::http::UpstreamError& e) {
        throw InventoryUnavailable(e.what(), e.kind() == ecom::http::UpstreamError::Kind::circuit_open);
    }
}

asio::awaitable<ReserveResult> InventoryClient::reserve(const std::string& order_id,
                                                        const std::vector<OrderLine>& lines,
                                                        const ecom::http::RequestContext* context) {
    OutgoingRequest request;
    request.method = Method::post;
    request.target = "/internal/reservations";
    request.context = context;
    ecom::JsonWriter w(request.body);
    w.begin_object().field("order_id", order_id).key("items").begin_array();
    for (const auto& line : lines) {
        w.begin_object().field("product_id", line.product_id).field("quantity", line.quantity).end_object();
    }
    w.end_array().end_object();
    const IncomingResponse response = co_await call(std::move(request));
    if (response.status >= 500) {
        unexpected(response.status, "a reservation");
    }
    co_return parse_reserve_response(response.status, response.body);
}

asio::awaitable<ReservationState> InventoryClient::commit(const std::string& order_id,
                                                          const ecom::http::RequestContext* context) {
    OutgoingRequest request;
    request.method = Method::post;
    request.target = "/internal/reservations/" + order_id + "/commit";
    request.context = context;
    const IncomingResponse response = co_await call(std::move(request));
    if (response.status == 200) {
        co_return ReservationState::committed;
    }
    if (response.status == 404) {
        co_return ReservationState::none;
    }
    if (response.status == 409 && error_code_of(response.body) == "reservation_released") {
        co_return ReservationState::released;
    }
    unexpected(response.status, "a commit");
}

asio::awaitable<ReservationState> InventoryClient::release(const std::string& order_id,
                                                           const ecom::http::RequestContext* context) {
    OutgoingRequest request;
    request.method = Method::delete_;
    request.target = "/internal/reservations/" + order_id;
    request.context = context;
    const IncomingResponse response = co_await call(std::move(request));
    if (response.status == 200) {
        co_return ReservationState::released;
    }
    if (response.status == 409 && error_code_of(response.body) == "reservation_committed") {
        co_return ReservationState::committed;
    }
    unexpected(response.status, "a release");
}

asio::awaitable<ReservationState> InventoryClient::give_back(const std::string& order_id,
                                                             const ecom::http::RequestContext* context) {
    OutgoingRequest request;
    request.method = Method::post;
    request.target = "/internal/reservations/" + order_id + "/return";
    request.context = context;
    const IncomingResponse response = co_await call(std::move(request));
    if (response.status == 200) {
        co_return ReservationState::returned;
    }
    if (response.status == 404) {
        co_return ReservationState::none;
    }
    if (response.status == 409 && error_code_of(response.body) == "reservation_not_committed") {
        const bj::value answer = bj::parse(response.body);
        co_return reservation_state_of(answer.at("error").at("state"));
    }
    unexpected(response.status, "a return");
}

asio::awaitable<std::vector<HeldReservation>> InventoryClient::held_older_than(std::chrono::seconds age, int limit) {
    OutgoingRequest request;
    request.target = "/internal/reservations?state=held&older_than_seconds=" + std::to_string(age.count()) +
        "&limit=" + std::to_string(limit);
    const IncomingResponse response = co_await call(std::move(request));
    if (response.status != 200) {
        unexpected(response.status, "a reservation listing");
    }
    std::vector<HeldReservation> out;
    const bj::value listing = bj::parse(response.body);
    for (const auto& item : listing.at("items").as_array()) {
        out.push_back({std::string(item.at("order_id").as_string()), reservation_state_of(item.at("state"))});
    }
    co_return out;
}

}  // namespace orders
