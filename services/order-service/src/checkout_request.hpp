#pragma once

// POST /api/orders, validated. Money never comes from the client: prices,
// totals and statuses in the body are refused. The card number and CVC live
// only in memory for the length of the request; only the last four digits
// are stored or logged.

#include "order_domain.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace orders {

struct Card {
    std::string number;  // digits only
    int exp_month = 0;
    int exp_year = 0;
    std::string cvc;

    [[nodiscard]] std::string last4() const { return number.substr(number.size() - 4); }
};

struct CheckoutRequest {
    std::string email;  // lowercased
    std::string name;
    std::vector<OrderLine> items;
    Card card;

    // What a customer's retry under one Idempotency-Key must repeat:
    // "v2:" and the SHA-256 of a canonical form of the customer, the lines,
    // the expiry, whether a CVC was sent, and the HMAC-SHA256 of the whole
    // card number under `card_key` (a server secret). The number itself
    // never enters it, nor can its keyed hash be tested against guessed
    // numbers without the key; a card that only shares the last four
    // digits gives another fingerprint.
    [[nodiscard]] std::string fingerprint(std::string_view card_key) const;
    // Whether `stored`, the fingerprint of a recorded order, is this
    // request's. An order recorded before v2 carries the legacy form (the
    // last four digits stood for the card) and is compared in that form.
    [[nodiscard]] bool matches_fingerprint(std::string_view stored, std::string_view card_key) const;
    // The legacy form: SHA-256 without the card beyond its last four digits.
    [[nodiscard]] std::string legacy_fingerprint() const;
};

inline constexpr std::string_view fingerprint_version = "v2:";

// Today's year and month (UTC), for the expiry check; injectable in tests.
struct YearMonth {
    int year = 0;
    int month = 0;
    static YearMonth now();
};

// Throws HttpError 400 (malformed JSON) or 422 (a detail per invalid field).
CheckoutRequest parse_checkout_request(std::string_view body, YearMonth today = YearMonth::now());

bool luhn_valid(std::string_view digits) noexcept;
// A practical shape check: local@domain.tld, no spaces, at most 254 characters.
bool plausible_email(std::string_view email) noexcept;
// 1..255 printable ASCII characters.
bool valid_idempotency_key(std::string_view key) noexcept;

}  // namespace orders
