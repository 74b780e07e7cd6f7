#include "order_routes.hpp"

#include "checkout_request.hpp"
#include "ecom/ascii.hpp"
#include "ecom/http/error.hpp"
#include "ecom/ids.hpp"
#include "ecom/json_writer.hpp"
#include "ecom/log.hpp"
#include "ecom/pg/http_errors.hpp"
#include "order_json.hpp"

#include <algorithm>
#include <charconv>

namespace orders {
namespace {

namespace asio = boost::asio;
using ecom::http::HttpError;
using ecom::http::Method;
using ecom::http::Request;
using ecom::http::Response;

Response in_progress() {
    auto r = ecom::http::error_response(409, "request_in_progress",
                                        "a request with this Idempotency-Key is still being processed; retry shortly");
    r.headers.add("Retry-After", "1");
    return r;
}

}  // namespace

OrderRoutes::OrderRoutes(OrderStore& store, CheckoutSaga& saga, InventoryClient& inventory,
                         const ecom::http::AdminAuth& admin, ecom::metrics::Registry& registry,
                         std::string card_fingerprint_key)
    : store_(store),
      saga_(saga),
      inventory_(inventory),
      admin_(admin),
      registry_(registry),
      card_fingerprint_key_(std::move(card_fingerprint_key)) {
    for (const auto* outcome : {"confirmed", "payment_declined", "rejected", "cancelled", "replayed", "in_progress",
                                "unavailable", "key_reused"}) {
        (void)registry_.counter("orders_total", "Checkout requests by outcome", {{"outcome", outcome}});
    }
}

void OrderRoutes::count(std::string_view outcome) {
    registry_.counter("orders_total", "Checkout requests by outcome", {{"outcome", std::string(outcome)}}).inc();
}

void OrderRoutes::register_on(ecom::http::Router& router) {
    using ecom::pg::with_database_errors;
    router.add({Method::post}, "/api/orders", with_database_errors([this](Request& r) { return create(r); }),
               {.json_body = true});
    router.add({Method::get}, "/api/orders", with_database_errors([this](Request& r) { return list(r); }));
    router.add({Method::get}, "/api/orders/{id}", with_database_errors([this](Request& r) { return get(r); }));
}

Response OrderRoutes::unavailable(std::string_view message) {
    count("unavailable");
    auto r = ecom::http::error_response(503, "service_unavailable", message);
    r.headers.add("Retry-After", inventory_.circuit_open() ? std::to_string(inventory_.retry_after().count()) : "1");
    return r;
}

Response OrderRoutes::answer(const SagaOutcome& outcome, bool replayed) {
    Response response;
    if (outcome.kind == SagaOutcome::Kind::lease_lost) {
        count("in_progress");
        return in_progress();
    }
    if (outcome.kind == SagaOutcome::Kind::transient) {
        ecom::log::warn("checkout paused: a dependency failed", {{"order_id", outcome.order.id}, {"reason", outcome.reason}});
        return unavailable("the order could not be completed right now; retry with the same Idempotency-Key");
    }
    response = Response::json(static_cast<unsigned>(outcome.answer.status), outcome.answer.body);
    response.headers.add("Cache-Control", "no-store");
    if (outcome.answer.status == 201) {
        response.headers.add("Location", "/api/orders/" + outcome.order.id);
    }
    if (replayed) {
        response.headers.add("Idempotent-Replayed", "true");
        count("replayed");
    } else {
        count(metric_label(outcome.order.status));
    }
    return response;
}

asio::awaitable<Response> OrderRoutes::create(Request& request) {
    const auto key_header = request.header("Idempotency-Key");
    if (!key_header) {
        throw HttpError(400, "idempotency_key_required",
                        "send an Idempotency-Key header (1 to 255 characters), the same one when retrying");
    }
    if (!valid_idempotency_key(*key_header)) {
        throw HttpError(400, "invalid_idempotency_key", "the Idempotency-Key must be 1 to 255 printable ASCII characters");
    }
    const std::string key(*key_header);
    const CheckoutRequest checkout = parse_checkout_request(request.body);
    const std::string fingerprint = checkout.fingerprint(card_fingerprint_key_);
    const std::string owner = ecom::new_uuid();

    const NewOrder fresh{.id = ecom::new_uuid(),
                         .idempotency_key = key,
                         .fingerprint = fingerprint,
                         .email = checkout.email,
                         .name = checkout.name,
                         .requested_items = checkout.items,
                         .card_last4 = checkout.card.last4(),
                         .lease_owner = owner,
                         .created_ms = now_ms()};
    // While product-service is known to be down a new order is not even
    // recorded; an existing key is still answered from what is stored.
    const bool inventory_down = inventory_.circuit_open();
    std::optional<OrderRecord> order;
    if (!inventory_down) {
        order = co_await store_.insert(fresh, &request.context);
    }
    if (!order) {
        const auto existing = co_await store_.find_by_key(checkout.email, key, &request.context);
        if (!existing) {
            if (inventory_down) {
                co_return unavailable("the inventory is unavailable; retry with the same Idempotency-Key");
            }
            count("in_progress");
            co_return in_progress();  // the key's first request has not committed yet
        }
        if (!checkout.matches_fingerprint(existing->fingerprint, card_fingerprint_key_)) {
            count("key_reused");
            throw HttpError(422, "idempotency_key_reused",
                            "this Idempotency-Key was used with a different request; use a new key for a new order");
        }
        if (existing->response_status) {
            SagaOutcome replay;
            replay.order = *existing;
            replay.answer = {.status = *existing->response_status, .body = existing->response_body.value_or("")};
            co_return answer(replay, true);
        }
        if (existing->leased) {
            count("in_progress");
            co_return in_progress();
        }
        if (inventory_down) {
            co_return unavailable("the inventory is unavailable; retry with the same Idempotency-Key");
        }
        // The first attempt stopped half-way (a dependency failed or its
        // process died): this retry takes over and carries on.
        order = co_await store_.take_lease(existing->id, owner, &request.context);
        if (!order) {
            count("in_progress");
            co_return in_progress();
        }
    }
    const SagaOutcome outcome = co_await saga_.run(*order, owner, &checkout.card, &request.context);
    co_return answer(outcome, false);
}

asio::awaitable<Response> OrderRoutes::get(Request& request) {
    const auto id = request.param("id");
    if (!ecom::is_uuid(id)) {
        throw HttpError(404, "not_found", "no order with this id");
    }
    const auto order = co_await store_.find(ecom::ascii::to_lower(id), &request.context);
    if (!order) {
        throw HttpError(404, "not_found", "no order with this id");
    }
    auto response = Response::json(200, order_json(*order));
    response.headers.add("Cache-Control", "no-store");
    co_return response;
}

asio::awaitable<Response> OrderRoutes::list(Request& request) {
    admin_.require(request);
    const auto email = request.query_param("email");
    if (!email || !plausible_email(*email)) {
        throw HttpError(400, "invalid_parameter", "email must be an email address");
    }
    const auto limit = request.int_query_param("limit", 20, 1, 100);
    const auto found = co_await store_.by_email(ecom::ascii::to_lower(*email), static_cast<int>(limit), &request.context);
    std::string body;
    ecom::JsonWriter w(body);
    w.begin_object().key("items").begin_array();
    for (const auto& order : found) {
        write_order_json(w, order);
    }
    w.end_array().end_object();
    auto response = Response::json(200, std::move(body));
    response.headers.add("Cache-Control", "no-store");
    co_return response;
}

}  // namespace orders
