// Builders shared by the unit tests.
import type { Order, OrderDetail, OrderRequest, Product } from '../api/types';

export function product(overrides: Partial<Product> = {}): Product {
  return {
    id: 1,
    sku: 'KIT-001',
    name: 'Chef Knife',
    description: 'Sharp.',
    category: 'kitchen',
    price_cents: 8900,
    currency: 'USD',
    stock: 24,
    image_url: '/images/products/kit-001.svg',
    created_at: '2026-03-02T09:15:27.402Z',
    updated_at: '2026-03-02T09:15:27.402Z',
    version: 1,
    ...overrides,
  };
}

export function order(overrides: Partial<Order> = {}): Order {
  return {
    id: '0b7d2f7e-6a51-4c1e-9a8e-2f0c7b1d9e11',
    status: 'CONFIRMED',
    customer: { email: 'ada@example.com', name: 'Ada' },
    items: [{ product_id: 1, sku: 'KIT-001', name: 'Chef Knife', quantity: 2, unit_price_cents: 8900, line_total_cents: 17800 }],
    total_cents: 17800,
    currency: 'USD',
    payment: { card_last4: '4242', outcome: 'approved' },
    created_at: '2026-03-02T09:15:27.402Z',
    updated_at: '2026-03-02T09:15:27.402Z',
    ...overrides,
  };
}

/** An order with its lifecycle (GET /api/orders/{id}): a CONFIRMED one a customer may cancel, by default. */
export function orderDetail(overrides: Partial<OrderDetail> = {}): OrderDetail {
  return {
    ...order(),
    reservation_state: 'committed',
    refund: null,
    history: [],
    actions: ['cancel'],
    ...overrides,
  };
}

/** The order once cancelled by its customer: stock returned, charge refunded, two history rows. */
export function cancelledDetail(reason: string | null = 'ordered the wrong colour'): OrderDetail {
  return orderDetail({
    status: 'CANCELLED',
    updated_at: '2026-03-04T16:40:02.310Z',
    reservation_state: 'returned',
    refund: { status: 'refunded', at: '2026-03-04T16:40:02.301Z', failure_code: null },
    history: [
      { at: '2026-03-04T16:40:02.288Z', actor: 'customer', from: 'CONFIRMED', to: 'CANCELLING', reason },
      { at: '2026-03-04T16:40:02.310Z', actor: 'system', from: 'CANCELLING', to: 'CANCELLED', reason: null },
    ],
    actions: [],
  });
}

/**
 * An order the catalog never priced, as order-service sends it for REJECTED
 * orders (and PENDING or CANCELLED ones that were never reserved).
 */
export function unpricedOrder(overrides: Partial<Order> = {}): Order {
  return order({
    id: '1c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f',
    status: 'REJECTED',
    items: [
      { product_id: 42, sku: null, name: null, quantity: 2, unit_price_cents: null, line_total_cents: null },
      { product_id: 7, sku: null, name: null, quantity: 3, unit_price_cents: null, line_total_cents: null },
    ],
    total_cents: null,
    payment: { card_last4: '4242', outcome: null },
    ...overrides,
  });
}

export function orderRequest(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    customer: { email: 'ada@example.com', name: 'Ada' },
    items: [{ product_id: 1, quantity: 2 }],
    payment: { card_number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    ...overrides,
  };
}

/** A Response with a JSON body. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}
