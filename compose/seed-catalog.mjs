// The docker-compose.yml one-shot "seed" service: loads the demo catalog
// through product-service's API with the admin key, by SKU, then exits, so
// that `docker compose up` starts with a shop to browse. The same contract as
// scripts/lib/load_demo.py (which the scripts use; this image has Node, not
// Python): products whose SKU the catalog lacks are created, the others are
// left alone, and a second run changes nothing.
//
// Usage: node seed-catalog.mjs BASE_URL CATALOG_JSON   (admin key: $ADMIN_API_KEY)
// Exit 0 when every SKU is in the catalog afterwards, 1 otherwise, 2 on a usage error.
import { readFileSync } from "node:fs";

const [base, catalogPath] = process.argv.slice(2);
const key = process.env.ADMIN_API_KEY || "";
const WAIT_MS = Number(process.env.SEED_WAIT_SECONDS || 60) * 1000;

function usage(message) {
  console.error(`seed-catalog: ${message}\nusage: node seed-catalog.mjs BASE_URL CATALOG_JSON (with ADMIN_API_KEY set)`);
  process.exit(2);
}

if (!base || !catalogPath) usage("missing arguments");
if (!key) usage("ADMIN_API_KEY is not set");
let products;
try {
  products = JSON.parse(readFileSync(catalogPath, "utf8"));
} catch (e) {
  usage(`cannot read the catalog ${catalogPath}: ${e.message}`);
}
if (!Array.isArray(products) || !products.every((p) => p && typeof p.sku === "string" && p.sku)) {
  usage(`${catalogPath} is not a list of products with a sku each`);
}

// call(method, path, body): { status, json, text }; retried while the service
// is not reachable yet or answers 502/503/504, up to SEED_WAIT_SECONDS.
async function call(method, path, body) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const res = await fetch(`${base.replace(/\/$/, "")}${path}`, {
        method,
        headers: body ? { "Content-Type": "application/json", Authorization: `Bearer ${key}` } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(15000),
      });
      const text = await res.text();
      if (![502, 503, 504].includes(res.status) || Date.now() > deadline) {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON: reported with the status below
        }
        return { status: res.status, json, text };
      }
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${base} does not answer: ${e.cause?.code || e.message}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function existingSkus() {
  const skus = new Set();
  let cursor = "";
  for (;;) {
    const r = await call("GET", `/api/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (r.status !== 200 || !Array.isArray(r.json?.items)) throw new Error(`GET /api/products: ${r.status} ${r.text.slice(0, 300)}`);
    for (const item of r.json.items) skus.add(item.sku);
    cursor = r.json.next_cursor || "";
    if (!cursor) return skus;
  }
}

try {
  const have = await existingSkus();
  let created = 0;
  for (const product of products) {
    if (have.has(product.sku)) continue;
    const r = await call("POST", "/api/products", product);
    if (r.status === 201) created += 1;
    else if (!(r.status === 409 && r.json?.error?.code === "sku_taken")) {
      console.error(`seed-catalog: could not load ${product.sku}: ${r.status} ${r.text.slice(0, 300)}`);
      process.exit(1);
    }
    have.add(product.sku);
  }
  console.log(`loaded ${created} of ${products.length} demo products; ${products.length - created} already there`);
} catch (e) {
  console.error(`seed-catalog: ${e.message}`);
  process.exit(1);
}
