#include "checkout_request.hpp"

#include "ecom/ascii.hpp"
#include "ecom/json.hpp"
#include "ecom/json_writer.hpp"
#include "ecom/sha256.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>

namespace orders {
namespace {

using ecom::json::FieldErrors;
using ecom::json::ObjectReader;

// Card numbers may be typed with spaces or dashes between digit groups.
std::optional<std::string> card_digits(std::string_view text) {
    std::string digits;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            digits += c;
        } else if (c != ' ' && c != '-') {
            return std::nullopt;
        }
    }
    return digits;
}

}  // namespace

YearMonth YearMonth::now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return {tm.tm_year + 1900, tm.tm_mon + 1};
}

bool luhn_valid(std::string_view digits) noexcept {
    if (digits.size() < 12 || digits.size() > 19) {
        return false;
    }
    int sum = 0;
    bool twice = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (*it < '0' || *it > '9') {
            return false;
        }
        int d = *it - '0';
        if (twice) {
            d *= 2;
            if (d > 9) {
                d -= 9;
            }
        }
        sum += d;
        twice = !twice;
    }
    return sum % 10 == 0;
}

bool plausible_email(std::string_view email) noexcept {
    if (email.size() < 3 || email.size() > 254) {
        return false;
    }
    const auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    const auto local = email.substr(0, at);
    const auto domain = email.substr(at + 1);
    if (local.size() > 64 || domain.size() < 3) {
        return false;
    }
    const auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2 || domain.front() == '-' ||
        domain.find("..") != std::string_view::npos) {
        return false;
    }
    for (const char c : email) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' ||
            c == '\\' || c == '"' || c == '[' || c == ']') {
            return false;
        }
    }
    return true;
}

bool valid_idempotency_key(std::string_view key) noexcept {
    if (key.empty() || key.size() > 255) {
        return false;
    }
    return std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string CheckoutRequest::fingerprint(std::string_view card_key) const {
    std::string canonical;
    ecom::JsonWriter w(canonical);
    w.begin_object().field("email", email).field("name", name).key("items").begin_array();
    for (const auto& line : items) {
        w.begin_array().integer(line.product_id).integer(line.quantity).end_array();
    }
    w.end_array()
        .field("card_hmac", ecom::hmac_sha256_hex(card_key, card.number))
        .field("cvc_sent", !card.cvc.empty())
        .field("exp_month", card.exp_month)
        .field("exp_year", card.exp_year)
        .end_object();
    return std::string(fingerprint_version) + ecom::sha256_hex(canonical);
}

bool CheckoutRequest::matches_fingerprint(std::string_view stored, std::string_view card_key) const {
    if (stored.starts_with(fingerprint_version)) {
        return stored == fingerprint(card_key);
    }
    return stored == legacy_fingerprint();
}

std::string CheckoutRequest::legacy_fingerprint() const {
    std::string canonical;
    ecom::JsonWriter w(canonical);
    w.begin_object().field("email", email).field("name", name).key("items").begin_array();
    for (const auto& line : items) {
        w.begin_array().integer(line.product_id).integer(line.quantity).end_array();
    }
    w.end_array()
        .field("card_last4", card.last4())
        .field("exp_month", card.exp_month)
        .field("exp_year", card.exp_year)
        .end_object();
    return ecom::sha256_hex(canonical);
}

namespace {

void read_customer(ObjectReader& in, FieldErrors& errors, CheckoutRequest& out) {
    const auto* customer = in.object("customer", true);
    if (customer == nullptr) {
        return;
    }
    ObjectReader c(*customer, "customer", errors);
    if (auto email = c.string("email", true, {3, 254})) {
        if (plausible_email(*email)) {
            out.email = ecom::ascii::to_lower(*email);
        } else {
            errors.add("customer.email", "must be an email address like name@example.com");
        }
    }
    if (auto name = c.string("name", true, {1, 200})) {
        out.name = *name;
    }
    c.finish();
}

void read_lines(ObjectReader& in, FieldErrors& errors, CheckoutRequest& out) {
    const auto server_set = [](ObjectReader& line) {
        line.forbid({"price", "price_cents", "unit_price_cents", "line_total_cents", "total_cents", "name", "sku"},
                    "is set by the server, not the client");
    };
    for (const auto& line : ecom::json::read_item_lines(
             in, errors, "is already in another line: change its quantity instead", server_set)) {
        out.items.push_back({line.product_id, line.quantity});
    }
}

void read_payment(ObjectReader& in, FieldErrors& errors, YearMonth today, CheckoutRequest& out) {
    const auto* payment = in.object("payment", true);
    if (payment == nullptr) {
        return;
    }
    ObjectReader p(*payment, "payment", errors);
    if (auto number = p.string("card_number", true, {12, 30})) {
        const auto digits = card_digits(*number);
        if (!digits || !luhn_valid(*digits)) {
            errors.add("payment.card_number", "is not a valid card number");
        } else {
            out.card.number = *digits;
        }
    }
    auto month = p.integer("exp_month", true, 1, 12);
    auto year = p.integer("exp_year", true, 2000, 2100);
    if (month && year) {
        out.card.exp_month = static_cast<int>(*month);
        out.card.exp_year = static_cast<int>(*year);
        // A card is valid through the last day of its expiry month.
        if (*year < today.year || (*year == today.year && *month < today.month)) {
            errors.add("payment.exp_year", "the card has expired");
        }
    }
    if (auto cvc = p.string("cvc", true, {3, 4})) {
        if (!std::all_of(cvc->begin(), cvc->end(), [](char c) { return c >= '0' && c <= '9'; })) {
            errors.add("payment.cvc", "must be 3 or 4 digits");
        } else {
            out.card.cvc = *cvc;
        }
    }
    p.finish();
}

}  // namespace

CheckoutRequest parse_checkout_request(std::string_view body, YearMonth today) {
    const auto document = ecom::json::parse_strict(body);
    FieldErrors errors;
    ObjectReader in(document, "", errors);
    CheckoutRequest out;
    if (!in.valid()) {
        errors.throw_if_any();
    }
    in.forbid({"id", "status", "total", "total_cents", "currency", "price", "price_cents", "amount", "amount_cents",
               "created_at"},
              "is set by the server, not the client");
    read_customer(in, errors, out);
    read_lines(in, errors, out);
    read_payment(in, errors, today, out);
    in.finish();
    errors.throw_if_any();
    return out;
}

}  // namespace orders
