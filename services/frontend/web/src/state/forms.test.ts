import { describe, expect, it } from 'vitest';
import { product } from '../test/fixtures';
import { addToCart, EMPTY_CART } from './cart';
import { buildOrderRequest, cardDigits, EMPTY_CHECKOUT_FORM, itemIndexOf, splitServerErrors, validateCheckoutForm, type CheckoutForm } from './checkout-form';
import { formFieldOfApi, formOfProduct, parseProductForm, EMPTY_PRODUCT_FORM } from './product-form';
import { createAdminKeyStore, ADMIN_KEY_STORAGE_KEY } from './admin-key';
import { MemoryStorage } from '../test/fixtures';

const today = new Date(2026, 10, 27);
const good: CheckoutForm = { name: ' Ada ', email: 'ada@example.com', cardNumber: '4242 4242 4242 4242', expMonth: '12', expYear: '2030', cvc: '123' };

describe('checkout form', () => {
  it('accepts a complete form', () => {
    expect(validateCheckoutForm(good, today)).toEqual({});
  });

  it('names every field that needs fixing', () => {
    const errors = validateCheckoutForm(EMPTY_CHECKOUT_FORM, today);
    expect(Object.keys(errors).sort()).toEqual(['cardNumber', 'cvc', 'email', 'expMonth', 'expYear', 'name']);
    expect(validateCheckoutForm({ ...good, email: 'ada@' }, today).email).toMatch(/email address/);
    expect(validateCheckoutForm({ ...good, cardNumber: '4242' }, today).cardNumber).toMatch(/12 to 19/);
    expect(validateCheckoutForm({ ...good, expMonth: '13' }, today).expMonth).toBeDefined();
    expect(validateCheckoutForm({ ...good, expYear: '30' }, today).expYear).toBeDefined();
    expect(validateCheckoutForm({ ...good, expYear: '2025' }, today).expYear).toMatch(/expired/);
    expect(validateCheckoutForm({ ...good, expYear: '2026', expMonth: '10' }, today).expMonth).toMatch(/expired/);
    expect(validateCheckoutForm({ ...good, cvc: '12a' }, today).cvc).toBeDefined();
  });

  it('builds the order request from the cart without prices', () => {
    const cart = addToCart(EMPTY_CART, product({ id: 4 }), 2).cart;
    expect(buildOrderRequest(good, cart)).toEqual({
      customer: { email: 'ada@example.com', name: 'Ada' },
      items: [{ product_id: 4, quantity: 2 }],
      payment: { card_number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    });
    expect(cardDigits('4000-0000 0000-0002')).toBe('4000000000000002');
  });

  it("places the server's field errors on the form", () => {
    const { fields, other } = splitServerErrors([
      { field: 'customer.email', message: 'is not an email' },
      { field: 'payment.card_number', message: 'unknown card' },
      { field: 'items[1].quantity', message: 'must be at most 100' },
    ]);
    expect(fields).toEqual({ email: 'is not an email', cardNumber: 'unknown card' });
    expect(other).toEqual([{ field: 'items[1].quantity', message: 'must be at most 100' }]);
    expect(itemIndexOf('items[1].quantity')).toBe(1);
    expect(itemIndexOf('customer.email')).toBeNull();
  });
});

describe('admin product form', () => {
  it('turns dollars into cents and checks every field', () => {
    const parsed = parseProductForm({ sku: 'BT-1', name: 'Test', description: 'd', category: 'kitchen', price: '12.50', stock: '7', image_url: '' });
    expect(parsed).toEqual({ ok: true, input: { sku: 'BT-1', name: 'Test', description: 'd', category: 'kitchen', price_cents: 1250, stock: 7, image_url: '' } });
    const bad = parseProductForm({ ...EMPTY_PRODUCT_FORM, stock: '-1', category: 'Kitchen' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(Object.keys(bad.errors).sort()).toEqual(['category', 'name', 'price', 'sku', 'stock']);
    }
  });

  it('fills the form from a product and maps API field names', () => {
    expect(formOfProduct(product({ price_cents: 1805, stock: 3 }))).toMatchObject({ price: '18.05', stock: '3' });
    expect(formFieldOfApi('price_cents')).toBe('price');
    expect(formFieldOfApi('sku')).toBe('sku');
    expect(formFieldOfApi('(body)')).toBeNull();
  });
});

describe('admin key storage', () => {
  it('keeps the key in the given (session) storage and forgets it', () => {
    const session = new MemoryStorage();
    const store = createAdminKeyStore(session);
    store.set('s3cret');
    expect(session.getItem(ADMIN_KEY_STORAGE_KEY)).toBe('s3cret');
    expect(createAdminKeyStore(session).get()).toBe('s3cret');
    store.clear();
    expect(store.get()).toBe('');
  });
});
