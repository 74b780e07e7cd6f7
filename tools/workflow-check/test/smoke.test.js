"use strict";
// scripts/smoke-test.sh against the fake shop on 127.0.0.1 (fake-shop.js,
// which answers like the real API): the whole checkout path with the decline
// test card, and no trace a customer or the books can see: stock unchanged,
// no confirmed order, one PAYMENT_DECLINED order.
const test = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");
const { startShop } = require("./fake-shop");

const CATALOG = [
  { sku: "OUT-1", name: "Sold out", price_cents: 100, stock: 0 },
  { sku: "MUG-1", name: "Mug", price_cents: 1200, stock: 5 },
];

async function smoke(options = {}, args, env) {
  const shop = await startShop({ products: CATALOG, ...options });
  try {
    const stockBefore = shop.stockBySku();
    const r = await h.runScript("scripts/smoke-test.sh", args || [shop.url], { rules: [], env });
    return { ...r, shop, stockBefore };
  } finally {
    await shop.close();
  }
}

test("passes: catalog, a product with stock, a declined checkout read back, stock unchanged, nothing confirmed", async () => {
  const r = await smoke();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PASS GET \/api\/products\?limit=1 -> 200 with items/);
  assert.match(r.stdout, /PASS product 2 has stock 5/);
  assert.match(r.stdout, /PASS POST \/api\/orders \(decline test card\) -> 402 card_declined, order [0-9a-f-]{36} PAYMENT_DECLINED/);
  assert.match(r.stdout, /PASS GET \/api\/orders\/[0-9a-f-]{36} -> PAYMENT_DECLINED, nothing charged/);
  assert.match(r.stdout, /PASS product 2: stock 5, unchanged/);
  // No trace a customer or the books can see.
  assert.deepEqual(r.shop.stockBySku(), r.stockBefore);
  assert.deepEqual(r.shop.ordersByStatus(), { PAYMENT_DECLINED: 1 });
  const order = r.shop.state.orders[0];
  assert.equal(order.customer.email, "smoke-test@example.com");
  assert.equal(order.payment.outcome, "card_declined");
  assert.deepEqual(order.items.map((l) => [l.product_id, l.quantity]), [[2, 1]]);
  const post = r.shop.state.requests.find((q) => q.method === "POST");
  assert.match(post.headers["idempotency-key"], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(post.headers["content-type"], "application/json");
  assert.equal(JSON.parse(post.body).payment.card_number, "4000000000000002");
  assert.ok(!r.shop.state.requests.some((q) => q.headers.authorization), "no secret is sent");
  assert.deepEqual(r.shop.state.requests.map((q) => `${q.method} ${q.url.replace(/[0-9a-f-]{36}/, "ID")}`), [
    "GET /api/products?limit=1",
    "GET /api/products?limit=100",
    "GET /api/products/2",
    "POST /api/orders",
    "GET /api/orders/ID",
    "GET /api/products/2",
  ]);
});

test("waits for the stock to read back (the services' cache is refreshed a little later)", async () => {
  const r = await smoke({ staleReads: 1 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PASS product 2: stock 5, unchanged/);
  assert.equal(r.shop.state.requests.filter((q) => q.url === "/api/products/2").length, 3, "one read before, two after (the first one stale)");
});

test("an order answer lost on the way is asked for again with the same Idempotency-Key: one order, no second charge", async () => {
  const r = await smoke({ lostOrderAnswers: 2 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PASS POST \/api\/orders \(decline test card\) -> 402 card_declined/);
  const posts = r.shop.state.requests.filter((q) => q.method === "POST");
  assert.equal(posts.length, 3);
  assert.equal(new Set(posts.map((q) => q.headers["idempotency-key"])).size, 1, "every try sends the same key");
  assert.deepEqual(r.shop.ordersByStatus(), { PAYMENT_DECLINED: 1 });
  assert.deepEqual(r.shop.stockBySku(), r.stockBefore);
});

test("a first try still running (409 request_in_progress, after an answer lost on the way) is asked for again after a pause: one order", async () => {
  const r = await smoke({ lostOrderAnswers: 1, inProgressAnswers: 2 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /no answer to POST \/api\/orders within \d+ s \(try 1\)/);
  assert.match(r.stdout, /the first try is still in progress \(try 2\)/);
  assert.match(r.stdout, /the first try is still in progress \(try 3\)/);
  assert.match(r.stdout, /PASS POST \/api\/orders \(decline test card\) -> 402 card_declined/);
  const posts = r.shop.state.requests.filter((q) => q.method === "POST");
  assert.equal(posts.length, 4);
  assert.equal(new Set(posts.map((q) => q.headers["idempotency-key"])).size, 1, "every try sends the same key");
  assert.deepEqual(r.shop.ordersByStatus(), { PAYMENT_DECLINED: 1 });
  assert.deepEqual(r.shop.stockBySku(), r.stockBefore);
});

test("a checkout paused while product-service is down (503 service_unavailable) is asked again after a pause: one order", async () => {
  const r = await smoke({ pausedOrderAnswers: 2 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /POST \/api\/orders: 503 the order could not be completed right now; retry with the same Idempotency-Key \(try 1\)/);
  assert.match(r.stdout, /PASS POST \/api\/orders \(decline test card\) -> 402 card_declined/);
  const posts = r.shop.state.requests.filter((q) => q.method === "POST");
  assert.equal(posts.length, 3);
  assert.equal(new Set(posts.map((q) => q.headers["idempotency-key"])).size, 1, "every try sends the same key");
  assert.deepEqual(r.shop.ordersByStatus(), { PAYMENT_DECLINED: 1 });
});

test("other 5xx answers are not retried: a broken order-service fails the smoke test at once", async () => {
  const r = await smoke({ orderHttp: 502 });
  assert.equal(r.code, 1);
  assert.equal(r.shop.state.requests.filter((q) => q.method === "POST").length, 1);
});

test("still in progress after every try: fails after 6 tries with the 409 it got", async () => {
  const r = await smoke({ inProgressAnswers: 10 });
  assert.equal(r.code, 1);
  assert.equal(r.shop.state.requests.filter((q) => q.method === "POST").length, 6);
  assert.match(r.stderr, /status 409 \(expected 402 card_declined\), body: .*request_in_progress/);
});

test("SMOKE_CHECKOUT_TRIES sets how many times the checkout is tried; a value that is not a positive number is refused", async () => {
  const r = await smoke({ inProgressAnswers: 10 }, undefined, { SMOKE_CHECKOUT_TRIES: "3" });
  assert.equal(r.code, 1);
  assert.equal(r.shop.state.requests.filter((q) => q.method === "POST").length, 3);
  const bad = await smoke({}, undefined, { SMOKE_CHECKOUT_TRIES: "0" });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /SMOKE_CHECKOUT_TRIES is not a positive number: 0/);
});

test("no answer to the order at all: fails after 6 tries, saying why (curl's reason), not with an earlier body", async () => {
  const r = await smoke({ lostOrderAnswers: 10 });
  assert.equal(r.code, 1);
  assert.equal(r.shop.state.requests.filter((q) => q.method === "POST").length, 6);
  assert.match(r.stderr, /FAIL POST \/api\/orders with the decline test card: status 000 \(expected 402 card_declined\), body: curl: \(52\) Empty reply from server/);
  assert.doesNotMatch(r.stderr, /"sku"/, "the body of the catalog read before is not shown as the order's");
});

test("fails when the reservation is not released (stock lower after the declined checkout)", async () => {
  const r = await smoke({ releaseFails: true }, undefined);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /FAIL product 2: stock 4 after the declined checkout, 5 before \(the reservation was not released\)/);
});

test("fails when checkout does not decline with 402 (e.g. a 500 from a broken order-service)", async () => {
  const r = await smoke({ orderHttp: 500 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /POST \/api\/orders with the decline test card: status 500 \(expected 402 card_declined\)/);
});

test("fails when no product has stock, without ordering", async () => {
  const r = await smoke({ products: [{ sku: "X", name: "x", price_cents: 1, stock: 0 }] });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no product with stock/);
  assert.equal(r.shop.state.orders.length, 0);
});

test("fails after the wait on an empty catalog, saying how to load it", async () => {
  const r = await smoke({ products: [] });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /an empty catalog: load it with scripts\/lib\/load_demo.py/);
  assert.equal(r.shop.state.orders.length, 0);
});

test("fails after the wait when the catalog keeps answering 503", async () => {
  const r = await smoke({ productsStatus: 503 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /GET \/api\/products\?limit=1: status 503/);
});

test("usage errors: no URL, not a URL", async () => {
  let r = await h.runScript("scripts/smoke-test.sh", [], { rules: [] });
  assert.equal(r.code, 2);
  r = await h.runScript("scripts/smoke-test.sh", ["shop.example.com"], { rules: [] });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not an http\(s\) URL/);
  r = await h.runScript("scripts/smoke-test.sh", ["--help"], { rules: [] });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: scripts\/smoke-test.sh BASE_URL/);
  assert.match(r.stdout, /DECLINE test card\s+4000 0000 0000 0002/);
});
