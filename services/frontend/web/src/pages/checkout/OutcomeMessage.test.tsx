import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { order, product, unpricedOrder } from '../../test/fixtures';
import { addToCart, EMPTY_CART, type Cart } from '../../state/cart';
import { OutcomeMessage, type Notice } from './OutcomeMessage';

// Link reads the app's router, which needs a browser window.
vi.mock('../../app/services', () => ({ router: { navigate: () => undefined } }));

function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

function cartOf(...items: { id: number; name: string }[]): Cart {
  let cart = EMPTY_CART;
  for (const item of items) {
    cart = addToCart(cart, product({ id: item.id, name: item.name }), 1).cart;
  }
  return cart;
}

function render(notice: Notice): string {
  return renderToStaticMarkup(<OutcomeMessage notice={notice} fieldErrors={{}} onFixCart={() => undefined} onRemoveUnknown={() => undefined} />);
}

const cart = cartOf({ id: 1, name: 'Chef Knife' }, { id: 7, name: 'Eraser Duo' }, { id: 9, name: 'Mug' });

describe('the checkout message after order_cancelled', () => {
  const message = 'the order could not be completed and was cancelled; nothing was charged. Start a new checkout (with a new Idempotency-Key)';

  it("says the order was cancelled, that nothing was charged, that a retry is a new order, and shows the API's message", () => {
    const cancelled = unpricedOrder({ status: 'CANCELLED' });
    const html = render({ kind: 'outcome', outcome: { kind: 'cancelled', message, order: cancelled }, cart });
    const text = textOf(html);
    expect(html).toContain('role="alert"');
    expect(text).toContain('Your order was cancelled');
    expect(text).toContain('nothing was charged');
    expect(text).toContain('it is sent as a new order');
    expect(text).toContain(message);
    expect(html).toContain(`href="/orders/${cancelled.id}"`);
  });

  it('says the payment was refunded when it was', () => {
    const refunded = order({ status: 'CANCELLED', payment: { card_last4: '4242', outcome: 'approved' } });
    const text = textOf(render({ kind: 'outcome', outcome: { kind: 'cancelled', message: 'cancelled; the payment was refunded', order: refunded }, cart }));
    expect(text).toContain('the payment was refunded');
    expect(text).not.toContain('nothing was charged');
  });

  it('needs no order to explain itself', () => {
    const html = render({ kind: 'outcome', outcome: { kind: 'cancelled', message, order: null }, cart });
    expect(textOf(html)).toContain('Your order was cancelled');
    expect(html).not.toContain('href="/orders/');
  });
});

describe('the checkout message after unknown_product', () => {
  it('names the cart lines that no longer exist and offers to remove them', () => {
    const html = render({ kind: 'outcome', outcome: { kind: 'unknown_product', message: 'some products do not exist', productIds: [7, 9], order: unpricedOrder() }, cart });
    const text = textOf(html);
    expect(text).toContain('Some items in your cart are no longer sold');
    expect(text).toContain('Eraser Duo is no longer in the catalog.');
    expect(text).toContain('Mug is no longer in the catalog.');
    expect(text).not.toContain('Chef Knife');
    expect(text).toContain('No order was placed and no money was taken.');
    expect(text).toContain('Remove these items from my cart');
    expect(html).toContain('href="/cart"');
  });

  it('words the button for one line, and names a line missing from the cart by its id', () => {
    const text = textOf(render({ kind: 'outcome', outcome: { kind: 'unknown_product', message: 'x', productIds: [55], order: null }, cart }));
    expect(text).toContain('Product #55 is no longer in the catalog.');
    expect(text).toContain('Remove this item from my cart');
  });

  it("falls back to the API's message when no line is named", () => {
    const text = textOf(render({ kind: 'outcome', outcome: { kind: 'unknown_product', message: 'some products do not exist', productIds: [], order: null }, cart }));
    expect(text).toContain('some products do not exist');
    expect(text).not.toContain('Remove');
  });

  it('says what was removed afterwards', () => {
    const text = textOf(render({ kind: 'cart_fixed', reason: 'unknown_products', removed: ['Eraser Duo', 'Mug'] }));
    expect(text).toContain('The items that are no longer sold were removed from your cart');
    expect(text).toContain('Removed: Eraser Duo, Mug.');
  });
});

describe('the other checkout messages', () => {
  it('keeps the sold-out wording', () => {
    const text = textOf(
      render({ kind: 'outcome', outcome: { kind: 'insufficient_stock', message: 'x', shortages: [{ product_id: 7, requested: 2, available: 0 }] }, cart }),
    );
    expect(text).toContain('Eraser Duo : you asked for 2, it is sold out.');
    expect(textOf(render({ kind: 'cart_fixed', reason: 'shortages', removed: [] }))).toContain('Your cart was updated to what is available');
  });
});
