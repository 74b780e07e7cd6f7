"use strict";
// A tiny stand-in for the deployed shop's public API (catalog and checkout),
// on 127.0.0.1, for the smoke test's tests. Behaviour per option:
//   products: the catalog items; orderStatus: the status a checkout gets;
//   productsStatus: HTTP status of GET /api/products; orderHttp: status of POST.
const http = require("node:http");

function startShop(options = {}) {
  const state = { orders: [], requests: [] };
  const products = options.products || [
    { id: 1, name: "Sold out", price_cents: 100, stock: 0 },
    { id: 2, name: "Mug", price_cents: 1200, stock: 5 },
  ];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      state.requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const send = (status, obj) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(obj));
      };
      const url = new URL(req.url, "http://x");
      if (req.method === "GET" && url.pathname === "/api/products") {
        if (options.productsStatus && options.productsStatus !== 200) return send(options.productsStatus, { error: { code: "unavailable", message: "x" } });
        const limit = Number(url.searchParams.get("limit") || 20);
        return send(200, { items: products.slice(0, limit), next_cursor: null });
      }
      if (req.method === "POST" && url.pathname === "/api/orders") {
        let order;
        try {
          order = JSON.parse(body);
        } catch {
          return send(400, { error: { code: "bad_json", message: "x" } });
        }
        if (!req.headers["idempotency-key"]) return send(400, { error: { code: "missing_key", message: "x" } });
        state.orders.push(order);
        return send(options.orderHttp || 201, { id: 42, status: options.orderStatus || "CONFIRMED" });
      }
      send(404, { error: { code: "not_found", message: "x" } });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, state, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

module.exports = { startShop };
