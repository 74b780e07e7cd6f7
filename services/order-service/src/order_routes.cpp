#include "order_routes.hpp"

#include "checkout_request.hpp"
#include "ecom/ascii.hpp"
#include "ecom/http/error.hpp"
#include "ecom/ids.hpp"
#include "ecom/json_writer.hpp"
#include "ecom/log.hpp"
#include "ecom/pg/http_errors.hpp"
#include "lifecycle_request.hpp"
#include "order_access.hpp"
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

OrderRoutes::OrderRoutes(OrderStore& store, IdempotentCheckout& checkout, OrderMoves& moves, InventoryClient& inventory,
                         const ecom::http::AdminAuth& admin, ecom::metrics::Registry& registry)
    : store_(store), checkout_(checkout), moves_(moves), inventory_(inventory), admin_(admin), registry_(registry) {
    // Every label exists from the start: the final statuses a checkout answers with, then the others.
    for (const auto status :
         {OrderStatus::confirmed, OrderStatus::payment_declined, OrderStatus::rejected, OrderStatus::cancelled}) {
        (void)registry_.counter("orders_total", "Checkout requests by outcome",
                                {{"outcome", std::string(metric_label(status))}});
    }
    for (const auto* outcome : {"replayed", "in_progress", "unavailable", "key_reused"}) {
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
    const ecom::http::RouteOptions json{.json_body = true};
    router.add({Method::post}, "/api/orders/{id}/cancel",
               with_database_errors([this](Request& r) { return cancel(r); }), json);
    router.add({Method::post}, "/api/orders/{id}/fulfil",
               with_database_errors([this](Request& r) { return admin_move(r, OrderAction::fulfil); }));
    router.add({Method::post}, "/api/orders/{id}/refund",
               with_database_errors([this](Request& r) { return admin_move(r, OrderAction::refund); }), json);
    router.add({Method::post}, "/api/orders/{id}/retry-refund",
               with_database_errors([this](Request& r) { return admin_move(r, OrderAction::retry_refund); }));
}

Response OrderRoutes::unavailable(std::string_view message) {
    count("unavailable");
    auto r = ecom::http::error_response(503, "service_unavailable", message);
    r.headers.add("Retry-After", inventory_.circuit_open() ? std::to_string(inventory_.retry_after().count()) : "1");
    return r;
}

Response OrderRoutes::respond(const CheckoutResult& result, const std::optional<std::string>& access_token) {
    using Kind = CheckoutResult::Kind;
    switch (result.kind) {
        case Kind::in_progress: count("in_progress"); return in_progress();
        case Kind::inventory_down:
            return unavailable("the inventory is unavailable; retry with the same Idempotency-Key");
        case Kind::paused:
            ecom::log::warn("checkout paused: a dependency failed",
                            {{"order_id", result.order.id}, {"reason", result.reason}});
            return unavailable("the order could not be completed right now; retry with the same Idempotency-Key");
        case Kind::key_reused:
            count("key_reused");
            throw HttpError(422, "idempotency_key_reused",
                            "this Idempotency-Key was used with a different request; use a new key for a new order");
        case Kind::finished:
        case Kind::replayed: break;
    }
    auto response =
        Response::json(static_cast<unsigned>(result.answer.status),
                       access_token ? with_access_token(result.answer.body, *access_token) : result.answer.body);
    response.headers.add("Cache-Control", "no-store");
    if (result.answer.status == 201) {
        response.headers.add("Location", "/api/orders/" + result.order.id);
    }
    if (result.kind == Kind::replayed) {
        response.headers.add("Idempotent-Replayed", "true");
        count("replayed");
    } else {
        count(metric_label(result.order.status));
    }
    return response;
}

asio::awaitable<Response> OrderRoutes::create(Request& request) {
    const auto key = request.header("Idempotency-Key");
    if (!key) {
        throw HttpError(400, "idempotency_key_required",
                        "send an Idempotency-Key header (1 to 255 characters), the same one when retrying");
    }
    if (!valid_idempotency_key(*key)) {
        throw HttpError(400, "invalid_idempotency_key",
                        "the Idempotency-Key must be 1 to 255 printable ASCII characters");
    }
    const CheckoutRequest checkout = parse_checkout_request(request.body);
    const std::string key_text(*key);
    const CheckoutResult result = co_await checkout_.place(key_text, checkout, &request.context);
    co_return respond(result, co_await issue_access_token(result, &request.context));
}

// Every final answer (201, 402, 409 insufficient_stock or order_cancelled,
// 422 unknown_product: each carries the order), first or replayed, carries
// a fresh access token whose digest replaces the stored one
// (order_access.hpp): the stored answer never holds it, and the customer
// who lost an answer gets a working token from the retry.
asio::awaitable<std::optional<std::string>> OrderRoutes::issue_access_token(const CheckoutResult& result,
                                                                            const ecom::http::RequestContext* ctx) {
    using Kind = CheckoutResult::Kind;
    if (result.kind != Kind::finished && result.kind != Kind::replayed) {
        co_return std::nullopt;
    }
    std::string token = new_access_token();
    if (!co_await store_.set_access_token(result.order.id, access_token_digest(token), ecom::http::trace_of(ctx))) {
        co_return std::nullopt;
    }
    co_return token;
}

// An order is shown to an admin (Authorization: Bearer <ADMIN_API_KEY>;
// a wrong key is 401/403 whatever the id) or to whoever presents its
// access token in X-Order-Token; anyone else is told 404, as for an
// order that does not exist.
asio::awaitable<std::optional<OrderRoutes::Authorized>> OrderRoutes::authorized_order(Request& request) {
    const bool admin = request.header("Authorization").has_value();
    if (admin) {
        admin_.require(request);
    }
    const auto id = request.param("id");
    if (!ecom::is_uuid(id)) {
        co_return std::nullopt;
    }
    auto page = co_await store_.page(ecom::ascii::to_lower(id), &request.context.trace);
    if (!page) {
        co_return std::nullopt;
    }
    if (!admin) {
        const auto token = request.header("X-Order-Token");
        if (!token || !access_token_matches(page->order.access_token_sha256, *token)) {
            co_return std::nullopt;
        }
    }
    co_return Authorized{.page = std::move(*page), .actor = admin ? Actor::admin : Actor::customer};
}

asio::awaitable<Response> OrderRoutes::get(Request& request) {
    const auto who = co_await authorized_order(request);
    if (!who) {
        throw HttpError(404, "not_found", "no order with this id (or no valid X-Order-Token for it)");
    }
    auto response =
        Response::json(200, order_detail_json(who->page, available_actions(who->actor, who->page.order.status)));
    response.headers.add("Cache-Control", "no-store");
    co_return response;
}

namespace {

[[noreturn]] void refuse_move(OrderStatus current, OrderAction action) {
    throw HttpError(409, "illegal_transition",
                    "an order in status " + std::string(to_string(current)) + " cannot be asked to " +
                        std::string(to_string(action)))
        .with_member("current_status", "\"" + std::string(to_string(current)) + "\"");
}

void check_optional_idempotency_key(const Request& request) {
    const auto key = request.header("Idempotency-Key");
    if (key && !valid_idempotency_key(*key)) {
        throw HttpError(400, "invalid_idempotency_key",
                        "the Idempotency-Key must be 1 to 255 printable ASCII characters");
    }
}

}  // namespace

// Carries out a move (order_moves.hpp) and answers it: 200 when done, 202
// while under way or waiting for staff, 409 with the current status when
// the order's status does not allow it.
asio::awaitable<Response> OrderRoutes::carry_out(const std::string& id, const MoveRequest& move, Request& request) {
    const MoveAnswer answer = co_await moves_.ask(id, move, &request.context);
    if (answer.kind == MoveAnswer::Kind::not_found || !answer.page) {
        throw HttpError(404, "not_found", "no order with this id");
    }
    const OrderStatus now = answer.page->order.status;
    if (answer.kind == MoveAnswer::Kind::illegal) {
        refuse_move(now, move.action);
    }
    const unsigned status = answer.kind == MoveAnswer::Kind::done ? 200 : 202;
    auto response = Response::json(status, order_detail_json(*answer.page, available_actions(move.actor, now)));
    response.headers.add("Cache-Control", "no-store");
    co_return response;
}

// By the customer (X-Order-Token) or an admin.
asio::awaitable<Response> OrderRoutes::cancel(Request& request) {
    check_optional_idempotency_key(request);
    const MoveBody body = parse_move_body(request.body, false);
    const auto who = co_await authorized_order(request);
    if (!who) {
        throw HttpError(404, "not_found", "no order with this id (or no valid X-Order-Token for it)");
    }
    const MoveRequest move{.action = OrderAction::cancel, .actor = who->actor, .reason = body.reason};
    co_return co_await carry_out(who->page.order.id, move, request);
}

asio::awaitable<Response> OrderRoutes::admin_move(Request& request, OrderAction action) {
    admin_.require(request);
    check_optional_idempotency_key(request);
    MoveBody body;
    if (action == OrderAction::refund) {
        body = parse_move_body(request.body, true);
    }
    const auto id = request.param("id");
    if (!ecom::is_uuid(id)) {
        throw HttpError(404, "not_found", "no order with this id");
    }
    const MoveRequest move{.action = action, .actor = Actor::admin, .reason = body.reason, .restock = body.restock};
    co_return co_await carry_out(ecom::ascii::to_lower(id), move, request);
}

// The order desk: newest first, keyset pages (one more row than asked
// tells whether there is a next page).
asio::awaitable<Response> OrderRoutes::list(Request& request) {
    admin_.require(request);
    OrderFilterParams params{.status = request.query_param("status"),
                             .email = request.query_param("email"),
                             .created_from = request.query_param("created_from"),
                             .created_to = request.query_param("created_to"),
                             .cursor = request.query_param("cursor"),
                             .limit = request.int_query_param("limit", 20, 1, 100)};
    OrderFilter filter = parse_order_filter(params);
    const int limit = filter.limit;
    filter.limit = limit + 1;
    const auto found = co_await store_.list(filter, &request.context.trace);
    std::string body;
    ecom::JsonWriter w(body);
    w.begin_object().key("items").begin_array();
    const auto shown = std::min<std::size_t>(found.size(), static_cast<std::size_t>(limit));
    for (std::size_t i = 0; i < shown; ++i) {
        write_order_json(w, found[i]);
    }
    w.end_array().key("next_cursor");
    if (found.size() > shown) {
        w.string(order_cursor(found[shown - 1]));
    } else {
        w.null();
    }
    w.end_object();
    auto response = Response::json(200, std::move(body));
    response.headers.add("Cache-Control", "no-store");
    co_return response;
}

}  // namespace orders
