// Direct calls to the shop's API, for setting up and checking scenarios.
import { randomUUID } from 'node:crypto';
import { BASE_URL, requireAdminKey } from './config.mjs';

async function call(method, path, { body, headers = {}, admin = false } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
  }
  if (admin) {
    h.Authorization = `Bearer ${requireAdminKey()}`;
  }
  const response = await fetch(`${BASE_URL}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  if (text !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  return { status: response.status, headers: response.headers, data };
}

function expectStatus(result, wanted, what) {
  if (result.status !== wanted) {
    throw new Error(`${what}: expected HTTP ${String(wanted)}, got ${String(result.status)} ${JSON.stringify(result.data)}`);
  }
  return result.data;
}

/** A SKU and name no other run uses. */
export function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.toUpperCase();
}

/** Creates a product for one scenario (so scenarios never drain the demo catalog). */
export async function createProduct(overrides = {}) {
  const suffix = uniqueSuffix();
  const body = {
    sku: `BT-${suffix}`,
    name: `Browser Test Item ${suffix}`,
    description: 'Created by the browser tests.',
    category: 'home',
    price_cents: 1234,
    stock: 10,
    image_url: '/images/products/hom-001.svg',
    ...overrides,
  };
  return expectStatus(await call('POST', '/api/products', { body, admin: true }), 201, 'create product');
}

export async function getProduct(id) {
  return expectStatus(await call('GET', `/api/products/${String(id)}`), 200, 'get product');
}

export async function setStock(id, stock) {
  return expectStatus(await call('PATCH', `/api/products/${String(id)}`, { body: { stock }, admin: true }), 200, 'set stock');
}

/** Deletes a product; a product already gone is fine. */
export async function deleteProduct(id) {
  const result = await call('DELETE', `/api/products/${String(id)}`, { admin: true });
  if (result.status !== 204 && result.status !== 404) {
    throw new Error(`delete product ${String(id)}: HTTP ${String(result.status)}`);
  }
}

/** Finds products by search text through the public API. */
// A UUID, as the storefront sends in Idempotency-Key.
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// createProduct for one test file: every product it makes is deleted when
// the file's tests are done (pass node:test's after), so the demo catalog is
// left as it was.
export function productsDeletedAfter(after) {
  const created = [];
  after(async () => {
    for (const id of created) {
      await deleteProduct(id).catch(() => undefined);
    }
  });
  return async (overrides) => {
    const product = await createProduct(overrides);
    created.push(product.id);
    return product;
  };
}

export async function searchProducts(q) {
  return expectStatus(await call('GET', `/api/products?limit=100&q=${encodeURIComponent(q)}`), 200, 'search products').items;
}

/** Places an order without the browser (for the order status scenario). */
export async function placeOrder(items, cardNumber = '4242424242424242', email = 'browser-test@example.com') {
  const body = {
    customer: { email, name: 'Browser Test' },
    items,
    payment: { card_number: cardNumber, exp_month: 12, exp_year: new Date().getFullYear() + 3, cvc: '123' },
  };
  return call('POST', '/api/orders', { body, headers: { 'Idempotency-Key': randomUUID() } });
}

/** Cancels an order as its customer (with the checkout's access token). */
export async function cancelOrderAsCustomer(id, token, reason) {
  return call('POST', `/api/orders/${id}/cancel`, {
    body: reason === undefined ? {} : { reason },
    headers: { 'X-Order-Token': token, 'Idempotency-Key': randomUUID() },
  });
}

/** Reads an order with the admin key (its lifecycle: history, refund, actions). */
export async function getOrderAsAdmin(id) {
  return expectStatus(await call('GET', `/api/orders/${id}`, { admin: true }), 200, 'get order');
}
