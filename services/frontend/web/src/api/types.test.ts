import { describe, expect, it } from 'vitest';
import { order, product, unpricedOrder } from '../test/fixtures';
import { decodeOrder, decodeStorefrontHome, isPriced, lineLabel } from './types';

// The examples of docs/api/order-service.yaml, as the service sends them.
const rejectedJson = {
  id: '1c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f',
  status: 'REJECTED',
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  items: [
    { product_id: 42, sku: null, name: null, quantity: 2, unit_price_cents: null, line_total_cents: null },
    { product_id: 7, sku: null, name: null, quantity: 3, unit_price_cents: null, line_total_cents: null },
  ],
  total_cents: null,
  currency: 'USD',
  payment: { card_last4: '4242', outcome: null },
  created_at: '2026-03-04T16:10:05.310Z',
  updated_at: '2026-03-04T16:10:05.318Z',
};

const cancelledJson = {
  ...rejectedJson,
  id: '2d4f6a8c-0e1b-4d3f-9a5c-7e9b1d3f5a7c',
  status: 'CANCELLED',
  items: [{ product_id: 42, sku: null, name: null, quantity: 1, unit_price_cents: null, line_total_cents: null }],
};

describe('decoding orders', () => {
  it('reads an unpriced REJECTED order: null sku, name, prices and total', () => {
    const o = decodeOrder(rejectedJson);
    expect(o.status).toBe('REJECTED');
    expect(o.total_cents).toBeNull();
    expect(o.items[0]).toEqual({ product_id: 42, sku: null, name: null, quantity: 2, unit_price_cents: null, line_total_cents: null });
    expect(isPriced(o)).toBe(false);
  });

  it('reads the CANCELLED status', () => {
    const o = decodeOrder(cancelledJson);
    expect(o.status).toBe('CANCELLED');
    expect(o.payment.outcome).toBeNull();
  });

  it('reads a cancelled order that had been priced and charged (then refunded)', () => {
    const o = decodeOrder({ ...order(), status: 'CANCELLED' });
    expect(o.status).toBe('CANCELLED');
    expect(o.total_cents).toBe(17800);
    expect(isPriced(o)).toBe(true);
  });

  it('reads every status of the API and refuses others', () => {
    const statuses = ['PENDING', 'CONFIRMED', 'PAYMENT_DECLINED', 'REJECTED', 'CANCELLED', 'CANCELLING', 'FULFILLED',
      'REFUNDING', 'REFUNDED', 'CANCEL_REFUND_FAILED', 'RETURN_REFUND_FAILED'];
    for (const status of statuses) {
      expect(decodeOrder({ ...rejectedJson, status }).status).toBe(status);
    }
    expect(() => decodeOrder({ ...rejectedJson, status: 'SHIPPED' })).toThrow(/order.status/);
    expect(() => decodeOrder({ ...rejectedJson, status: 'refunded' })).toThrow(/order.status/);
  });

  it('still refuses amounts that are missing or not integers', () => {
    const { total_cents: _total, ...withoutTotal } = rejectedJson;
    expect(() => decodeOrder(withoutTotal)).toThrow(/order.total_cents: expected an integer/);
    expect(() => decodeOrder({ ...rejectedJson, total_cents: 12.5 })).toThrow(/order.total_cents/);
    const badLine = { ...rejectedJson.items[0], unit_price_cents: '1800' };
    expect(() => decodeOrder({ ...rejectedJson, items: [badLine] })).toThrow(/order.items\[0\].unit_price_cents/);
  });

  it('refuses an order whose lines are partly priced, or a priced line without its name', () => {
    const priced = order().items[0];
    const unpriced = rejectedJson.items[0];
    expect(() => decodeOrder({ ...rejectedJson, items: [priced, unpriced] })).toThrow(/order.items: expected every line priced or none/);
    expect(() => decodeOrder({ ...rejectedJson, items: [{ ...unpriced, sku: 'KIT-001' }] })).toThrow(/order.items\[0\].sku/);
    expect(() => decodeOrder(order({ items: [{ ...priced, name: null }] as never }))).toThrow(/order.items\[0\].name: expected a string/);
  });

  it('reads the currency as the constant USD', () => {
    expect(decodeOrder(rejectedJson).currency).toBe('USD');
    expect(() => decodeOrder({ ...rejectedJson, currency: 'EUR' })).toThrow(/order.currency/);
  });

  it('says whether an order is priced', () => {
    expect(isPriced(order())).toBe(true);
    expect(isPriced(unpricedOrder())).toBe(false);
    expect(isPriced(order({ total_cents: null }))).toBe(false);
  });

  it('names a line by its name, else its SKU, else its product id', () => {
    expect(lineLabel({ product_id: 1, sku: 'KIT-001', name: 'Chef Knife' })).toBe('Chef Knife');
    expect(lineLabel({ product_id: 1, sku: 'KIT-001', name: null })).toBe('KIT-001');
    expect(lineLabel({ product_id: 42, sku: null, name: null })).toBe('Product #42');
    expect(lineLabel({ product_id: 42, sku: '', name: '' })).toBe('Product #42');
  });
});

describe('decoding the storefront home', () => {
  it('reads the BFF shape: categories with counts and featured products', () => {
    // An answer of GET /api/storefront/home from the running stack (one featured product kept).
    const body: unknown = JSON.parse(
      '{"categories":[{"slug":"apparel","product_count":9},{"slug":"audio","product_count":8},{"slug":"home","product_count":8},' +
        '{"slug":"kitchen","product_count":9},{"slug":"outdoor","product_count":8},{"slug":"stationery","product_count":8}],' +
        '"featured":[{"id":1,"sku":"KIT-001","name":"Carbon Steel Chef\'s Knife, 8 in","description":"A thin, hand-sharpened carbon steel blade.",' +
        '"category":"kitchen","price_cents":8900,"currency":"USD","stock":23,"image_url":"/images/products/kit-001.svg",' +
        '"created_at":"2026-11-27T08:35:46.965Z","updated_at":"2026-11-27T09:54:45.593Z","version":2}]}',
    );
    const home = decodeStorefrontHome(body);
    expect(home.categories).toHaveLength(6);
    expect(home.categories[3]).toEqual({ slug: 'kitchen', product_count: 9 });
    expect(home.featured[0]).toMatchObject({ id: 1, sku: 'KIT-001', price_cents: 8900, stock: 23, version: 2 });
  });

  it('accepts empty lists and refuses a wrong shape', () => {
    expect(decodeStorefrontHome({ categories: [], featured: [] })).toEqual({ categories: [], featured: [] });
    expect(() => decodeStorefrontHome({ categories: [{ slug: 'kitchen', count: 9 }], featured: [] })).toThrow(/home.categories\[0\].product_count/);
    expect(() => decodeStorefrontHome({ categories: [], featured: [{ ...product(), price_cents: null }] })).toThrow(/home.featured\[0\].price_cents/);
    expect(() => decodeStorefrontHome({ categories: [] })).toThrow(/home.featured/);
  });
});
