"use strict";
// scripts/smoke-test.sh against a fake shop on 127.0.0.1.
const test = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");
const { startShop } = require("./fake-shop");

async function smoke(options, args) {
  const shop = await startShop(options);
  try {
    const r = await h.runScriptAsync("scripts/smoke-test.sh", args || [shop.url], { rules: [] });
    return { ...r, shop };
  } finally {
    await shop.close();
  }
}

test("passes: catalog read, a product with stock, a CONFIRMED checkout with an Idempotency-Key", async () => {
  const r = await smoke({});
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PASS GET \/api\/products\?limit=1 -> 200 with items/);
  assert.match(r.stdout, /PASS product 2 has stock/);
  assert.equal(r.shop.state.orders.length, 1);
  assert.deepEqual(r.shop.state.orders[0], {
    customer: { email: "smoke@example.com", name: "Smoke Test" },
    items: [{ product_id: 2, quantity: 1 }],
    payment: { card_number: "4242424242424242", exp_month: 12, exp_year: 2030, cvc: "123" },
  });
  const post = r.shop.state.requests.find((q) => q.method === "POST");
  assert.match(post.headers["idempotency-key"], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(post.headers["content-type"], "application/json");
});

test("fails when the order is not CONFIRMED", async () => {
  const r = await smoke({ orderStatus: "DECLINED" });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /status "DECLINED" \(expected CONFIRMED\)/);
});

test("fails when checkout does not answer 201", async () => {
  const r = await smoke({ orderHttp: 500 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /POST \/api\/orders: status 500 \(expected 201\)/);
});

test("fails when no product has stock, without ordering", async () => {
  const r = await smoke({ products: [{ id: 1, name: "x", price_cents: 1, stock: 0 }] });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no product with stock/);
  assert.equal(r.shop.state.orders.length, 0);
});

test("fails after the wait when the catalog keeps answering 503", async () => {
  const r = await smoke({ productsStatus: 503 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /GET \/api\/products\?limit=1: status 503/);
});

test("usage errors: no URL, not a URL", async () => {
  let r = await h.runScriptAsync("scripts/smoke-test.sh", [], { rules: [] });
  assert.equal(r.code, 2);
  r = await h.runScriptAsync("scripts/smoke-test.sh", ["shop.example.com"], { rules: [] });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not an http\(s\) URL/);
  r = await h.runScriptAsync("scripts/smoke-test.sh", ["--help"], { rules: [] });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: scripts\/smoke-test.sh BASE_URL/);
});
