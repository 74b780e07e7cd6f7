"use strict";
// A stand-in for the deployed shop's public API on 127.0.0.1, behaving like
// the real services for what the scripts use (docs/api/*.yaml):
//   GET  /api/products?limit=&cursor=   one page, ordered by id, next_cursor
//   GET  /api/products/{id}             200 or 404
//   POST /api/products                  admin (Bearer key): 401 unauthorized,
//                                       403 forbidden, 415, 422
//                                       validation_failed, 409 sku_taken, 201
//   POST /api/orders                    the checkout saga with an
//                                       Idempotency-Key: 400
//                                       idempotency_key_required, 422
//                                       validation_failed / unknown_product /
//                                       idempotency_key_reused, 409
//                                       insufficient_stock, test cards
//                                       4000000000000002 (402 card_declined)
//                                       and 4000000000009995 (402
//                                       insufficient_funds) release the stock
//                                       and end PAYMENT_DECLINED; any other
//                                       Luhn-valid card: 201 CONFIRMED, stock
//                                       committed; replays of a key
//                                       every answer with an order carries
//                                       its access_token, a fresh one on
//                                       each replay (only the latest works)
//   GET  /api/orders/{id}               200 with the order's X-Order-Token
//                                       or the admin key; 404 otherwise
// Options:
//   products        the initial catalog (default: empty, as on a new account)
//   adminKey        the admin API key (or world: the environment's secret)
//   staleReads      product reads keep answering the old stock for this many
//                   reads after a change (the services' cache is invalidated
//                   by LISTEN/NOTIFY, a little later)
//   productsStatus / orderHttp   force that HTTP status on GET /api/products /
//                   POST /api/orders
//   releaseFails    a declined checkout keeps the reserved stock (a bug)
//   lostOrderAnswers  the first N POST /api/orders are carried out but their
//                   answers are lost (the connection is cut, as a timeout
//                   on a busy host looks to the client)
//   pausedOrderAnswers  the first N POST /api/orders answer 503
//                   service_unavailable (the checkout paused: product-service
//                   did not answer; kept for a retry with the same key)
//   inProgressAnswers  the first N POST /api/orders answer 409
//                   request_in_progress with Retry-After: 1, as order-service
//                   does while an earlier try with the same key still runs
//   world           { dir, environment }: the fake AWS world decides whether
//                   each service answers (its tasks run, its database is
//                   available) like the ALB would (503 otherwise), and what
//                   the serving image's defect is (config.defects)
const http = require("node:http");
const crypto = require("node:crypto");

const sha256 = (text) => crypto.createHash("sha256").update(text).digest("hex");

const DECLINES = { "4000000000000002": "card_declined", "4000000000009995": "insufficient_funds" };

function luhn(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// The world's view of one service: null when it answers, else why not.
function worldProblem(world, environment, service) {
  if (!world) return null;
  const { readWorld } = require("./fake-world/state");
  const { serviceBlocker, serviceKey } = require("./fake-world/aws");
  const { names } = require("./fake-world/names");
  const w = readWorld(world.dir);
  const svc = w.ecs.services[serviceKey(names(environment).cluster, service)];
  if (!svc || svc.status !== "ACTIVE") return `${service} does not exist`;
  if (svc.runningCount === 0) return `${service} runs no task`;
  return serviceBlocker(w, svc);
}

function worldDefect(world, environment, service) {
  if (!world) return null;
  const { readWorld } = require("./fake-world/state");
  const { findTaskDefinition, defectOf, serviceKey } = require("./fake-world/aws");
  const { names } = require("./fake-world/names");
  const w = readWorld(world.dir);
  const svc = w.ecs.services[serviceKey(names(environment).cluster, service)];
  const td = svc && findTaskDefinition(w, svc.serving);
  const container = td && td.body.containerDefinitions.find((c) => c.name === service);
  return container ? defectOf(w, container.image) : null;
}

function worldAdminKey(world) {
  const { readWorld } = require("./fake-world/state");
  const { names } = require("./fake-world/names");
  const w = readWorld(world.dir);
  return w.secrets.byName[names(world.environment).adminKeySecret]?.value;
}

function startShop(options = {}) {
  const world = options.world || null;
  const environment = world?.environment;
  const products = new Map();
  let nextProductId = 1;
  const now = () => new Date().toISOString();
  const addProduct = (p) => {
    const id = p.id ?? nextProductId;
    nextProductId = Math.max(nextProductId, id + 1);
    const product = {
      id, sku: p.sku ?? `SKU-${id}`, name: p.name ?? `Product ${id}`, description: p.description ?? "",
      category: p.category ?? "misc", price_cents: p.price_cents ?? 100, currency: "USD", stock: p.stock ?? 0,
      image_url: p.image_url ?? "", created_at: now(), updated_at: now(), version: 1,
    };
    products.set(id, product);
    return product;
  };
  for (const p of options.products || []) addProduct(p);
  const state = { orders: [], requests: [], products, byKey: new Map(), tokens: new Map(), staleLeft: 0, stale: new Map(), lostOrderAnswers: options.lostOrderAnswers || 0, inProgressAnswers: options.inProgressAnswers || 0, pausedOrderAnswers: options.pausedOrderAnswers || 0 };

  const setStock = (p, stock) => {
    if (options.staleReads) {
      // A cache that has not seen this change yet shows the value before it.
      state.stale.set(p.id, p.stock);
      state.staleLeft = options.staleReads;
    }
    p.stock = stock;
    p.version += 1;
    p.updated_at = now();
  };
  const view = (p) => {
    if (state.staleLeft > 0 && state.stale.has(p.id)) return { ...p, stock: state.stale.get(p.id) };
    return { ...p };
  };
  const afterRead = () => {
    if (state.staleLeft > 0) {
      state.staleLeft -= 1;
      if (state.staleLeft === 0) state.stale.clear();
    }
  };

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      state.requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (world) {
        // In the world's call log too, so that tests see when (between which AWS calls) it came.
        require("node:fs").appendFileSync(require("node:path").join(world.dir, "calls.jsonl"), JSON.stringify({ tool: "http", args: [req.method, req.url] }) + "\n");
      }
      const loseAnswer = req.method === "POST" && req.url === "/api/orders" && state.lostOrderAnswers > 0;
      if (loseAnswer) state.lostOrderAnswers -= 1;
      const send = (status, obj, headers = {}) => {
        if (loseAnswer) return req.socket.destroy();
        res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers });
        res.end(JSON.stringify(obj));
      };
      const error = (status, code, message, extra = {}) => send(status, { error: { code, message }, ...extra });
      const albUnavailable = () => {
        res.writeHead(503, { "Content-Type": "text/html" });
        res.end("<html><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>");
      };
      const url = new URL(req.url, "http://x");
      const p = url.pathname;

      if (p.startsWith("/api/products")) {
        if (worldProblem(world, environment, "product-service")) return albUnavailable();
        if (req.method === "GET" && p === "/api/products") {
          if (options.productsStatus && options.productsStatus !== 200) return error(options.productsStatus, "service_unavailable", "forced by the test");
          const limit = Number(url.searchParams.get("limit") || 20);
          if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error(400, "invalid_limit", "limit must be an integer from 1 to 100");
          const cursor = url.searchParams.get("cursor") || "";
          let after = 0;
          if (cursor) {
            const m = /^p1:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString());
            if (!m) return error(400, "invalid_cursor", "cursor is not valid");
            after = Number(m[1]);
          }
          const all = [...products.values()].sort((a, b) => a.id - b.id).filter((x) => x.id > after);
          const page = all.slice(0, limit);
          const next = all.length > limit ? Buffer.from(`p1:${page[page.length - 1].id}`).toString("base64url") : null;
          const items = page.map(view);
          afterRead();
          return send(200, { items, next_cursor: next }, { "Cache-Control": "no-cache" });
        }
        const one = /^\/api\/products\/(\d+)$/.exec(p);
        if (req.method === "GET" && one) {
          const product = products.get(Number(one[1]));
          if (!product) return error(404, "not_found", "no product with this id");
          const v = view(product);
          afterRead();
          return send(200, v, { "Cache-Control": "no-cache", ETag: `"v${product.version}"` });
        }
        if (req.method === "POST" && p === "/api/products") {
          const auth = req.headers.authorization || "";
          if (!auth.startsWith("Bearer ")) return error(401, "unauthorized", "an admin API key is required", { });
          const key = world ? worldAdminKey(world) : options.adminKey;
          if (!key || auth.slice(7) !== key) return error(403, "forbidden", "the admin key is not valid");
          if (!(req.headers["content-type"] || "").startsWith("application/json")) return error(415, "unsupported_media_type", "send application/json");
          let product;
          try {
            product = JSON.parse(body);
          } catch {
            return error(400, "invalid_json", "the body is not JSON");
          }
          const details = [];
          for (const f of ["sku", "name", "category"]) if (typeof product[f] !== "string" || !product[f]) details.push({ field: f, message: "required" });
          for (const f of ["price_cents", "stock"]) if (!Number.isInteger(product[f]) || product[f] < 0) details.push({ field: f, message: "must be a non-negative integer" });
          if (details.length) return send(422, { error: { code: "validation_failed", message: "the product is not valid", details } });
          if ([...products.values()].some((x) => x.sku === product.sku)) return error(409, "sku_taken", "another product already uses this sku");
          const created = addProduct({ ...product, id: undefined });
          return send(201, created, { Location: `/api/products/${created.id}` });
        }
        return error(405, "method_not_allowed", "not allowed");
      }

      // Every answer that records an order carries a fresh access token; only its SHA-256 is kept.
      const withToken = (status, bodyObj, orderId) => {
        if (!orderId) return bodyObj;
        const token = crypto.randomBytes(32).toString("base64url");
        state.tokens.set(orderId, sha256(token));
        return { access_token: token, ...bodyObj };
      };
      if (p.startsWith("/api/orders")) {
        if (worldProblem(world, environment, "order-service")) return albUnavailable();
        const one = /^\/api\/orders\/([^/]+)$/.exec(p);
        if (req.method === "GET" && one) {
          if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(one[1])) return error(400, "invalid_id", "not an order id");
          const order = state.orders.find((o) => o.id === one[1]);
          const adminKey = world ? worldAdminKey(world) : options.adminKey;
          const admin = Boolean(adminKey) && req.headers.authorization === `Bearer ${adminKey}`;
          const token = req.headers["x-order-token"];
          const holder = Boolean(order && token) && state.tokens.get(order.id) === sha256(token);
          if (!order || !(admin || holder)) return error(404, "not_found", "no order with this id");
          return send(200, order);
        }
        if (req.method === "POST" && p === "/api/orders") {
          if (options.orderHttp && options.orderHttp !== 201) return error(options.orderHttp, "internal", "forced by the test");
          if (worldDefect(world, environment, "order-service") === "checkout-500") return error(500, "internal", "a bug");
          const key = req.headers["idempotency-key"];
          if (!key) return error(400, "idempotency_key_required", "send an Idempotency-Key header");
          if (!loseAnswer && state.pausedOrderAnswers > 0) {
            state.pausedOrderAnswers -= 1;
            return send(503, { error: { code: "service_unavailable", message: "the order could not be completed right now; retry with the same Idempotency-Key" } }, { "Retry-After": "1" });
          }
          if (!loseAnswer && state.inProgressAnswers > 0) {
            state.inProgressAnswers -= 1;
            return send(409, { error: { code: "request_in_progress", message: "a request with this Idempotency-Key is still being processed; retry shortly" } }, { "Retry-After": "1" });
          }
          let order;
          try {
            order = JSON.parse(body);
          } catch {
            return error(400, "invalid_json", "the body is not JSON");
          }
          const card = String(order?.payment?.card_number || "").replace(/[ -]/g, "");
          const details = [];
          if (!/^[^@\s]{1,64}@[^@\s]+\.[a-z]{2,}$/i.test(order?.customer?.email || "")) details.push({ field: "customer.email", message: "not an email address" });
          if (!order?.customer?.name) details.push({ field: "customer.name", message: "required" });
          if (!Array.isArray(order?.items) || !order.items.length) details.push({ field: "items", message: "at least one line" });
          for (const [i, line] of (order?.items || []).entries()) {
            if (!Number.isInteger(line.product_id) || line.product_id < 1) details.push({ field: `items[${i}].product_id`, message: "a product id" });
            if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 99) details.push({ field: `items[${i}].quantity`, message: "1 to 99" });
          }
          if (!/^\d{12,19}$/.test(card) || !luhn(card)) details.push({ field: "payment.card_number", message: "not a valid card number" });
          const exp = order?.payment || {};
          const thisMonth = new Date().getUTCFullYear() * 12 + new Date().getUTCMonth();
          if (!Number.isInteger(exp.exp_month) || !Number.isInteger(exp.exp_year) || exp.exp_year * 12 + exp.exp_month - 1 < thisMonth) details.push({ field: "payment.exp_year", message: "the card has expired" });
          if (!/^\d{3,4}$/.test(String(exp.cvc || ""))) details.push({ field: "payment.cvc", message: "3 or 4 digits" });
          if (details.length) return send(422, { error: { code: "validation_failed", message: "the order is not valid", details } });
          const fingerprint = JSON.stringify([order.customer.email.toLowerCase(), order.customer.name, order.items, card.slice(-4), exp.exp_month, exp.exp_year]);
          const earlier = state.byKey.get(key);
          if (earlier) {
            if (earlier.fingerprint !== fingerprint) return error(422, "idempotency_key_reused", "this Idempotency-Key was used with another body");
            return send(earlier.status, withToken(earlier.status, earlier.body, earlier.orderId), { "Idempotent-Replayed": "true" });
          }
          const record = {
            id: crypto.randomUUID(), status: "PENDING",
            customer: { email: order.customer.email.toLowerCase(), name: order.customer.name },
            items: [], total_cents: 0, currency: "USD",
            payment: { card_last4: card.slice(-4), outcome: null },
            created_at: now(), updated_at: now(),
          };
          state.orders.push(record);
          const finish = (status, bodyObj) => {
            record.updated_at = now();
            state.byKey.set(key, { fingerprint, status, body: bodyObj, orderId: record.id });
            return send(status, withToken(status, bodyObj, record.id));
          };
          // reserve
          const unknown = order.items.filter((l) => !products.has(l.product_id));
          if (unknown.length) {
            record.status = "REJECTED";
            return finish(422, { error: { code: "unknown_product", message: "a product does not exist", details: unknown.map((l) => ({ product_id: l.product_id })) }, order: record });
          }
          const short = order.items.filter((l) => products.get(l.product_id).stock < l.quantity);
          if (short.length) {
            record.status = "REJECTED";
            return finish(409, { error: { code: "insufficient_stock", message: "not enough stock", shortages: short.map((l) => ({ product_id: l.product_id, requested: l.quantity, available: products.get(l.product_id).stock })) }, order: record });
          }
          for (const l of order.items) {
            const product = products.get(l.product_id);
            setStock(product, product.stock - l.quantity);
            record.items.push({ product_id: product.id, sku: product.sku, name: product.name, quantity: l.quantity, unit_price_cents: product.price_cents, line_total_cents: product.price_cents * l.quantity });
          }
          record.total_cents = record.items.reduce((s, l) => s + l.line_total_cents, 0);
          // charge
          const decline = DECLINES[card];
          if (decline) {
            for (const l of options.releaseFails ? [] : order.items) {
              const product = products.get(l.product_id);
              setStock(product, product.stock + l.quantity);
            }
            record.status = "PAYMENT_DECLINED";
            record.payment.outcome = decline;
            return finish(402, { error: { code: decline, message: "the card was declined; nothing was charged" }, order: record });
          }
          record.status = "CONFIRMED";
          record.payment.outcome = "approved";
          return finish(201, record);
        }
        return error(405, "method_not_allowed", "not allowed");
      }

      if (worldProblem(world, environment, "frontend")) return albUnavailable();
      if (req.method === "GET" && (p === "/" || p === "/health")) {
        res.writeHead(200, { "Content-Type": "text/html" });
        return res.end("<!doctype html><title>shop</title>");
      }
      return error(404, "not_found", "no route");
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        state,
        seed: (list) => list.forEach((x) => addProduct({ ...x, id: undefined })),
        stockBySku: () => Object.fromEntries([...products.values()].map((x) => [x.sku, x.stock])),
        ordersByStatus: () => state.orders.reduce((m, o) => ({ ...m, [o.status]: (m[o.status] || 0) + 1 }), {}),
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

module.exports = { startShop, luhn };
