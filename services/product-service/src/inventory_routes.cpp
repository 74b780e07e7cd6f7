#include "inventory_routes.hpp"

#include "ecom/ascii.hpp"
#include "ecom/http/error.hpp"
#include "ecom/ids.hpp"
#include "ecom/json.hpp"
#include "ecom/json_writer.hpp"
#include "ecom/pg/http_errors.hpp"
#include "ecom/time_format.hpp"
#include "inventory_sql.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

namespace catalog {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using ecom::http::HttpError;
using ecom::http::Method;
using ecom::http::Request;
using ecom::http::Response;

std::string order_id_param(const Request& request) {
    const auto id = request.param("order_id");
    if (!ecom::is_uuid(id)) {
        throw HttpError(404, "not_found", "no reservation for this order id");
    }
    return ecom::ascii::to_lower(id);
}

std::string array_literal(const std::vector<ReservationLine>& items, bool quantities) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += std::to_string(quantities ? items[i].quantity : items[i].product_id);
    }
    out += '}';
    return out;
}

bj::object function_result(const ecom::pg::Result& r) {
    return bj::parse(std::string(r.text(0, 0))).as_object();
}

std::vector<std::int64_t> reservation_product_ids(std::string_view reservation_json) {
    std::vector<std::int64_t> ids;
    const bj::value reservation = bj::parse(reservation_json);
    for (const auto& line : reservation.at("items").as_array()) {
        ids.push_back(line.at("product_id").to_number<std::int64_t>());
    }
    return ids;
}

Response state_response(std::string_view order_id, std::string_view state) {
    std::string body;
    ecom::JsonWriter(body).begin_object().field("order_id", order_id).field("state", state).end_object();
    return Response::json(200, std::move(body));
}

}  // namespace

ReservationRequest parse_reservation_request(std::string_view body) {
    const auto document = ecom::json::parse_strict(body);
    ecom::json::FieldErrors errors;
    ecom::json::ObjectReader in(document, "", errors);
    ReservationRequest out;
    if (auto id = in.string("order_id", true, {36, 36})) {
        if (ecom::is_uuid(*id)) {
            out.order_id = ecom::ascii::to_lower(*id);
        } else {
            errors.add("order_id", "must be a UUID");
        }
    }
    for (const auto& line : ecom::json::read_item_lines(in, errors, "appears in more than one line")) {
        out.items.push_back({line.product_id, line.quantity});
    }
    in.finish();
    errors.throw_if_any();
    return out;
}

InventoryRoutes::InventoryRoutes(ecom::pg::Database& db, ProductCache& cache, std::string internal_key,
                                 std::string previous_internal_key)
    : db_(db), cache_(cache) {
    if (!internal_key.empty()) {
        key_.emplace(std::move(internal_key), std::move(previous_internal_key));
    }
}

void InventoryRoutes::register_on(ecom::http::Router& router) {
    using ecom::pg::with_database_errors;
    const ecom::http::RouteOptions json{.json_body = true};
    router.add({Method::post}, "/internal/reservations",
               with_database_errors([this](Request& r) { return reserve(r); }), json);
    router.add({Method::get}, "/internal/reservations", with_database_errors([this](Request& r) { return list(r); }));
    router.add({Method::post}, "/internal/reservations/{order_id}/commit",
               with_database_errors([this](Request& r) { return commit(r); }));
    router.add({Method::post}, "/internal/reservations/{order_id}/return",
               with_database_errors([this](Request& r) { return give_back(r); }));
    router.add({Method::delete_}, "/internal/reservations/{order_id}",
               with_database_errors([this](Request& r) { return release(r); }));
    router.add({Method::get}, "/internal/reservations/{order_id}",
               with_database_errors([this](Request& r) { return get(r); }));
}

void InventoryRoutes::authorize(const Request& request) const {
    if (key_) {
        key_->require(request);
    }
}

void InventoryRoutes::stock_changed(const std::vector<std::int64_t>& product_ids) {
    // This replica drops them at once; the others when the NOTIFY arrives.
    for (const auto id : product_ids) {
        cache_.invalidate_product(id);
    }
}

asio::awaitable<Response> InventoryRoutes::reserve(Request& request) {
    authorize(request);
    const ReservationRequest input = parse_reservation_request(request.body);
    const auto r = co_await db_.run_traced(&request.context.trace, sql::reserve_stock, input.order_id,
                                           array_literal(input.items, false), array_literal(input.items, true));
    const bj::object result = function_result(r);
    const std::string_view outcome = result.at("outcome").as_string();
    if (outcome == "unknown_products") {
        // The caller reads the ids; the details point into the request like any 422's.
        const auto& unknown = result.at("product_ids");
        std::vector<ecom::http::ErrorDetail> details;
        for (const auto& id : unknown.as_array()) {
            for (std::size_t i = 0; i < input.items.size(); ++i) {
                if (input.items[i].product_id == id.to_number<std::int64_t>()) {
                    details.push_back({"items[" + std::to_string(i) + "].product_id", "no such product"});
                }
            }
        }
        throw HttpError(422, "unknown_product", "some products do not exist", std::move(details))
            .with_member("product_ids", bj::serialize(unknown));
    }
    if (outcome == "insufficient_stock") {
        throw HttpError(409, "insufficient_stock", "not enough stock for some products")
            .with_member("shortages", bj::serialize(result.at("shortages")));
    }
    const auto& reservation = result.at("reservation").as_object();
    const std::string_view state = reservation.at("state").as_string();
    if (state == "released") {
        throw HttpError(409, "reservation_released", "this order's reservation was released; use a new order id");
    }
    std::vector<std::int64_t> ids;
    for (const auto& line : input.items) {
        ids.push_back(line.product_id);
    }
    stock_changed(ids);
    co_return Response::json(200, bj::serialize(reservation));
}

asio::awaitable<Response> InventoryRoutes::commit(Request& request) {
    authorize(request);
    const std::string order_id = order_id_param(request);
    const auto r = co_await db_.run_traced(&request.context.trace, sql::commit_reservation, order_id);
    const bj::object result = function_result(r);
    const std::string_view outcome = result.at("outcome").as_string();
    if (outcome == "not_found") {
        throw HttpError(404, "not_found", "no reservation for this order id");
    }
    if (outcome == "released") {
        throw HttpError(409, "reservation_released", "the reservation was released and cannot be committed");
    }
    co_return state_response(order_id, outcome);
}

asio::awaitable<Response> InventoryRoutes::release(Request& request) {
    authorize(request);
    const std::string order_id = order_id_param(request);
    const auto before = co_await db_.run_traced(&request.context.trace, sql::get_reservation, order_id);
    const auto r = co_await db_.run_traced(&request.context.trace, sql::release_reservation, order_id);
    const bj::object result = function_result(r);
    const std::string_view outcome = result.at("outcome").as_string();
    if (outcome == "committed") {
        throw HttpError(409, "reservation_committed", "the reservation was committed and cannot be released");
    }
    if (!before.empty() && !before.is_null(0, 0)) {
        stock_changed(reservation_product_ids(before.text(0, 0)));
    }
    co_return state_response(order_id, outcome);
}

// A sold order's stock back to the catalog, exactly once (a cancel, or a
// restocked return): 200 returned, 404 no reservation, 409 when nothing was
// sold (held or released).
asio::awaitable<Response> InventoryRoutes::give_back(Request& request) {
    authorize(request);
    const std::string order_id = order_id_param(request);
    const auto r = co_await db_.run_traced(&request.context.trace, sql::return_reservation, order_id);
    const bj::object result = function_result(r);
    const std::string_view outcome = result.at("outcome").as_string();
    if (outcome == "not_found") {
        throw HttpError(404, "not_found", "no reservation for this order id");
    }
    if (outcome != "returned") {
        throw HttpError(409, "reservation_not_committed",
                        "only a committed reservation can be returned; this one is " + std::string(outcome))
            .with_member("state", "\"" + std::string(outcome) + "\"");
    }
    co_await forget_cached_stock(order_id, &request.context.trace);
    co_return state_response(order_id, outcome);
}

asio::awaitable<void> InventoryRoutes::forget_cached_stock(const std::string& order_id,
                                                           const ecom::trace::SpanContext* ctx) {
    const auto r = co_await db_.run_traced(ctx, sql::get_reservation, order_id);
    if (!r.empty() && !r.is_null(0, 0)) {
        stock_changed(reservation_product_ids(r.text(0, 0)));
    }
}

asio::awaitable<Response> InventoryRoutes::get(Request& request) {
    authorize(request);
    const std::string order_id = order_id_param(request);
    const auto r = co_await db_.run_traced(&request.context.trace, sql::get_reservation, order_id);
    if (r.empty() || r.is_null(0, 0)) {
        throw HttpError(404, "not_found", "no reservation for this order id");
    }
    co_return Response::json(200, std::string(r.text(0, 0)));
}

asio::awaitable<Response> InventoryRoutes::list(Request& request) {
    authorize(request);
    const std::string state = request.query_param("state").value_or("held");
    if (state != "held" && state != "committed" && state != "released" && state != "returned") {
        throw HttpError(400, "invalid_parameter", "state must be held, committed, released or returned");
    }
    const auto older_than = request.int_query_param("older_than_seconds", 0, 0, 30 * 24 * 3600);
    const auto limit = request.int_query_param("limit", 100, 1, 1000);
    const auto r = co_await db_.run_traced(&request.context.trace, sql::list_reservations, state, older_than, limit);
    std::string body;
    ecom::JsonWriter w(body);
    w.begin_object().key("items").begin_array();
    for (int i = 0; i < r.rows(); ++i) {
        w.begin_object()
            .field("order_id", r.text(i, 0))
            .field("state", r.text(i, 1))
            .key("created_at")
            .string(ecom::rfc3339_millis(r.int64(i, 2)))
            .end_object();
    }
    w.end_array().end_object();
    co_return Response::json(200, std::move(body));
}

}  // namespace catalog
