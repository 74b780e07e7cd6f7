"use strict";
// scripts/lib/load_demo.py (setup.sh, run.sh, the container suite and the
// e2e tests load the demo catalog with it) against the fake shop: idempotent
// by SKU, the admin key from the command line or the environment, clear
// errors.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const h = require("./helpers");
const { startShop } = require("./fake-shop");

const LOADER = path.join(h.REPO, "scripts/lib/load_demo.py");
const CATALOG = path.join(h.REPO, "services/product-service/demo/catalog.json");
const DEMO = JSON.parse(fs.readFileSync(CATALOG, "utf8"));
const KEY = "test-admin-key";

function load(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/python3", [LOADER, ...args], { env: { PATH: process.env.PATH, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function posts(shop) {
  return shop.state.requests.filter((r) => r.method === "POST").length;
}

test("an empty catalog gets every demo product; a second run changes nothing", async () => {
  const shop = await startShop({ adminKey: KEY });
  try {
    let r = await load([shop.url, KEY, CATALOG]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `loaded ${DEMO.length} of ${DEMO.length} demo products; 0 already there`);
    assert.deepEqual(shop.stockBySku(), Object.fromEntries(DEMO.map((p) => [p.sku, p.stock])));
    const created = posts(shop);
    assert.equal(created, DEMO.length);
    for (const req of shop.state.requests.filter((q) => q.method === "POST")) assert.equal(req.headers.authorization, `Bearer ${KEY}`);

    r = await load([shop.url, KEY, CATALOG]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `loaded 0 of ${DEMO.length} demo products; ${DEMO.length} already there`);
    assert.equal(posts(shop), created, "no write the second time");
  } finally {
    await shop.close();
  }
});

test("by SKU: existing products are left alone (stock and price as they are), missing ones are created, across pages", async () => {
  // 150 other products first: the SKUs are found over two pages of 100.
  const others = Array.from({ length: 150 }, (_, i) => ({ sku: `OTHER-${i}`, name: `Other ${i}`, category: "misc", price_cents: 100, stock: 1 }));
  const kept = { ...DEMO[0], stock: 3, price_cents: 1 };
  const shop = await startShop({ adminKey: KEY, products: [...others, kept] });
  try {
    const r = await load([shop.url, KEY, CATALOG]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `loaded ${DEMO.length - 1} of ${DEMO.length} demo products; 1 already there`);
    const stock = shop.stockBySku();
    assert.equal(stock[DEMO[0].sku], 3, "not reset");
    assert.equal(stock[DEMO[1].sku], DEMO[1].stock);
    const lists = shop.state.requests.filter((q) => q.method === "GET").map((q) => q.url);
    assert.equal(lists.length, 2);
    assert.equal(lists[0], "/api/products?limit=100");
    assert.match(lists[1], /^\/api\/products\?limit=100&cursor=[A-Za-z0-9_-]+$/);
  } finally {
    await shop.close();
  }
});

test("the admin key from the environment with '-' (kept off the command line)", async () => {
  const shop = await startShop({ adminKey: KEY });
  try {
    let r = await load([shop.url, "-", CATALOG], { ADMIN_API_KEY: KEY });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Object.keys(shop.stockBySku()).length, DEMO.length);
    r = await load([shop.url, "-", CATALOG]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ADMIN_KEY is '-' but ADMIN_API_KEY is not set/);
  } finally {
    await shop.close();
  }
});

test("a wrong key stops at the first product with the API's answer", async () => {
  const shop = await startShop({ adminKey: KEY });
  try {
    const r = await load([shop.url, "wrong", CATALOG]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`could not load ${DEMO[0].sku}: 403 .*"forbidden"`));
    assert.equal(posts(shop), 1);
  } finally {
    await shop.close();
  }
});

test("usage errors: missing arguments, an unreadable catalog, a catalog without SKUs, a shop that does not answer", async () => {
  let r = await load([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage: load_demo.py BASE_URL ADMIN_KEY CATALOG_JSON/);
  r = await load(["--help"]);
  assert.equal(r.code, 0);
  r = await load(["http://127.0.0.1:9", KEY, "/nonexistent.json"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read the catalog \/nonexistent.json/);
  const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "catalog-")), "c.json");
  fs.writeFileSync(bad, JSON.stringify([{ name: "no sku" }]));
  r = await load(["http://127.0.0.1:9", KEY, bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is not a list of products with a sku each/);
  r = await load(["http://127.0.0.1:9", KEY, CATALOG]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /http:\/\/127.0.0.1:9 does not answer/);
});

// compose/seed-catalog.mjs: docker-compose.yml's one-shot seed service (its image has
// Node, not Python), the same contract as load_demo.py.
function seed(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(h.REPO, "compose/seed-catalog.mjs"), ...args], { env: { PATH: process.env.PATH, SEED_WAIT_SECONDS: "2", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("compose seed: loads the demo catalog by SKU like load_demo.py; a second `up` changes nothing", async () => {
  const kept = { ...DEMO[1], stock: 7 };
  const shop = await startShop({ adminKey: KEY, products: [kept] });
  try {
    let r = await seed([shop.url, CATALOG], { ADMIN_API_KEY: KEY });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `loaded ${DEMO.length - 1} of ${DEMO.length} demo products; 1 already there`);
    assert.equal(shop.stockBySku()[DEMO[1].sku], 7);
    const created = posts(shop);
    r = await seed([shop.url, CATALOG], { ADMIN_API_KEY: KEY });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `loaded 0 of ${DEMO.length} demo products; ${DEMO.length} already there`);
    assert.equal(posts(shop), created);
    r = await seed([shop.url, CATALOG]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ADMIN_API_KEY is not set/);
    r = await seed(["http://127.0.0.1:9", CATALOG], { ADMIN_API_KEY: KEY });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not answer/);
  } finally {
    await shop.close();
  }
});
