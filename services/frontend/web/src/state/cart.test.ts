import { describe, expect, it } from 'vitest';
import { MemoryStorage, product } from '../test/fixtures';
import { addToCart, applyShortages, cartTotals, EMPTY_CART, MAX_LINES, parseCart, removeLine, removeLines, serializeCart, setQuantity } from './cart';
import { CART_STORAGE_KEY, createCartStore } from './cart-store';

describe('adding to the cart', () => {
  it('adds a new line with the product as it was seen', () => {
    const { cart, added } = addToCart(EMPTY_CART, product({ id: 7, price_cents: 1800, stock: 50 }), 2);
    expect(added).toBe(2);
    expect(cart.lines).toEqual([
      { productId: 7, sku: 'KIT-001', name: 'Chef Knife', priceCents: 1800, imageUrl: '/images/products/kit-001.svg', quantity: 2, maxQuantity: 50 },
    ]);
  });

  it('merges the same product into one line', () => {
    const p = product({ id: 3 });
    const once = addToCart(EMPTY_CART, p, 1).cart;
    const twice = addToCart(once, p, 2);
    expect(twice.cart.lines).toHaveLength(1);
    expect(twice.cart.lines[0]?.quantity).toBe(3);
    expect(twice.added).toBe(2);
  });

  it('never goes past the stock', () => {
    const p = product({ stock: 3 });
    const first = addToCart(EMPTY_CART, p, 2).cart;
    const result = addToCart(first, p, 5);
    expect(result.cart.lines[0]?.quantity).toBe(3);
    expect(result.added).toBe(1);
  });

  it('never goes past 100 units a line, whatever the stock', () => {
    const p = product({ stock: 10_000 });
    const result = addToCart(addToCart(EMPTY_CART, p, 99).cart, p, 5);
    expect(result.cart.lines[0]?.quantity).toBe(100);
    expect(result.added).toBe(1);
  });

  it('adds nothing for a sold-out product or a bad quantity', () => {
    expect(addToCart(EMPTY_CART, product({ stock: 0 }), 1)).toEqual({ cart: EMPTY_CART, added: 0 });
    expect(addToCart(EMPTY_CART, product(), 0).added).toBe(0);
    expect(addToCart(EMPTY_CART, product(), 1.5).added).toBe(0);
    const withLine = addToCart(EMPTY_CART, product({ stock: 5 }), 2).cart;
    expect(addToCart(withLine, product({ stock: 0 }), 1).cart).toBe(withLine);
  });

  it(`holds at most ${String(MAX_LINES)} lines`, () => {
    let cart = EMPTY_CART;
    for (let id = 1; id <= MAX_LINES + 1; id += 1) {
      cart = addToCart(cart, product({ id }), 1).cart;
    }
    expect(cart.lines).toHaveLength(MAX_LINES);
  });
});

describe('editing the cart', () => {
  const cart = addToCart(addToCart(EMPTY_CART, product({ id: 1, stock: 4 }), 1).cart, product({ id: 2, price_cents: 250 }), 3).cart;

  it('sets a quantity within 1..max', () => {
    expect(setQuantity(cart, 1, 3).lines[0]?.quantity).toBe(3);
    expect(setQuantity(cart, 1, 9).lines[0]?.quantity).toBe(4);
  });

  it('removes a line at quantity 0 or on remove', () => {
    expect(setQuantity(cart, 1, 0).lines.map((l) => l.productId)).toEqual([2]);
    expect(removeLine(cart, 2).lines.map((l) => l.productId)).toEqual([1]);
  });

  it('ignores quantities that are not integers', () => {
    expect(setQuantity(cart, 1, Number.NaN)).toBe(cart);
  });

  it('totals in integer cents', () => {
    expect(cartTotals(cart)).toEqual({ itemCount: 4, subtotalCents: 8900 + 3 * 250 });
    expect(cartTotals(EMPTY_CART)).toEqual({ itemCount: 0, subtotalCents: 0 });
  });

  it('brings short lines down to what is available', () => {
    const fixed = applyShortages(cart, [
      { product_id: 2, requested: 3, available: 1 },
      { product_id: 1, requested: 1, available: 0 },
    ]);
    expect(fixed.lines).toHaveLength(1);
    expect(fixed.lines[0]).toMatchObject({ productId: 2, quantity: 1, maxQuantity: 1 });
  });
});

describe('storing the cart', () => {
  const cart = addToCart(EMPTY_CART, product({ id: 5 }), 2).cart;

  it('round-trips through its serialised form', () => {
    expect(parseCart(serializeCart(cart))).toEqual(cart);
  });

  it('reads anything broken as an empty cart or its valid lines', () => {
    expect(parseCart(null)).toEqual(EMPTY_CART);
    expect(parseCart('not json')).toEqual(EMPTY_CART);
    expect(parseCart('{"version":2,"lines":[]}')).toEqual(EMPTY_CART);
    const mixed = JSON.stringify({
      version: 1,
      lines: [...cart.lines, { productId: 'x' }, { ...cart.lines[0], quantity: -1 }, cart.lines[0], { ...cart.lines[0], productId: 6, priceCents: 1.5 }],
    });
    expect(parseCart(mixed)).toEqual(cart);
  });

  it('persists every change in storage and reads it back in a new store', () => {
    const storage = new MemoryStorage();
    const store = createCartStore(storage);
    let notified = 0;
    store.subscribe(() => {
      notified += 1;
    });
    store.update((c) => addToCart(c, product({ id: 9 }), 1).cart);
    expect(notified).toBe(1);
    expect(createCartStore(storage).getSnapshot().lines.map((l) => l.productId)).toEqual([9]);
    store.clear();
    expect(storage.items.has(CART_STORAGE_KEY)).toBe(false);
    expect(createCartStore(storage).getSnapshot()).toEqual(EMPTY_CART);
  });

  it('keeps working when storage throws', () => {
    const broken = {
      getItem(): string | null {
        throw new Error('denied');
      },
      setItem(): void {
        throw new Error('full');
      },
      removeItem(): void {
        throw new Error('denied');
      },
    };
    const store = createCartStore(broken);
    store.update((c) => addToCart(c, product(), 1).cart);
    expect(store.getSnapshot().lines).toHaveLength(1);
  });
});

describe('removing the lines of products the catalog no longer has', () => {
  it('removes every named line and keeps the others in order', () => {
    let cart = EMPTY_CART;
    for (const id of [1, 2, 3]) {
      cart = addToCart(cart, product({ id }), 1).cart;
    }
    expect(removeLines(cart, [3, 1]).lines.map((l) => l.productId)).toEqual([2]);
  });

  it('returns the same cart when no line matches (nothing to store or announce)', () => {
    const cart = addToCart(EMPTY_CART, product({ id: 1 }), 1).cart;
    expect(removeLines(cart, [9])).toBe(cart);
    expect(removeLines(cart, [])).toBe(cart);
  });
});
