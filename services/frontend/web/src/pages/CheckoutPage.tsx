import { useState, type FormEvent } from 'react';
import { describeError } from '../api/http';
import type { OrderOutcome } from '../api/orders';
import { cartStore, checkoutAttempts, rememberPlacedOrder, router } from '../app/services';
import { Link } from '../components/Link';
import { Price } from '../components/Price';
import { TextField } from '../components/TextField';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useCart } from '../hooks/useStores';
import { applyShortages, cartTotals, lineTotalCents, removeLines, type Cart } from '../state/cart';
import {
  buildOrderRequest,
  EMPTY_CHECKOUT_FORM,
  splitServerErrors,
  TEST_CARDS,
  validateCheckoutForm,
  type CheckoutField,
  type CheckoutForm,
  type FieldErrors,
} from '../state/checkout-form';
import { FIELD_LABELS, nameOf, OutcomeMessage, type Notice } from './checkout/OutcomeMessage';

function OrderSummary({ cart }: { cart: Cart }) {
  const totals = cartTotals(cart);
  return (
    <section className="checkout-summary" aria-labelledby="summary-title">
      <h2 id="summary-title">Your order</h2>
      <ul className="summary-lines">
        {cart.lines.map((l) => (
          <li key={l.productId}>
            <span>
              {l.quantity} × {l.name}
            </span>
            <Price cents={lineTotalCents(l)} />
          </li>
        ))}
      </ul>
      <p className="summary-total">
        <span>Subtotal</span>
        <Price cents={totals.subtotalCents} className="price price-large" />
      </p>
      <p className="hint">
        The total is confirmed by the shop when you place the order. <Link to="/cart">Edit cart</Link>
      </p>
    </section>
  );
}

function TestCards({ onUse }: { onUse: (number: string) => void }) {
  return (
    <section className="test-cards" aria-labelledby="test-cards-title">
      <h2 id="test-cards-title">Test cards</h2>
      <p>This is a demo shop: use one of these numbers, any future expiry date and any 3-digit code.</p>
      <ul>
        {TEST_CARDS.map((card) => (
          <li key={card.number}>
            <code>{card.number}</code> {card.outcome}{' '}
            <button type="button" className="button button-link" onClick={() => onUse(card.number)}>
              Use<span className="visually-hidden"> card {card.number}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function CheckoutPage() {
  useDocumentTitle('Checkout');
  const cart = useCart();
  const [form, setForm] = useState<CheckoutForm>(EMPTY_CHECKOUT_FORM);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(checkoutAttempts.busy);

  const change = (field: CheckoutField) => (value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setFieldErrors((e) => {
      const next = { ...e };
      delete next[field];
      return next;
    });
  };

  const fillTestCard = (number: string): void => {
    const nextYear = String(new Date().getFullYear() + 4);
    setForm((f) => ({
      ...f,
      cardNumber: number,
      expMonth: f.expMonth === '' ? '12' : f.expMonth,
      expYear: f.expYear === '' ? nextYear : f.expYear,
      cvc: f.cvc === '' ? '123' : f.cvc,
    }));
    setFieldErrors({});
  };

  const handle = (outcome: OrderOutcome, sentCart: Cart): void => {
    if (outcome.kind === 'created') {
      checkoutAttempts.reset();
      rememberPlacedOrder(outcome.order);
      cartStore.clear();
      router.navigate(`/checkout/confirmation/${encodeURIComponent(outcome.order.id)}`);
      return;
    }
    if (outcome.kind === 'invalid') {
      setFieldErrors(splitServerErrors(outcome.details).fields);
    }
    setNotice({ kind: 'outcome', outcome, cart: sentCart });
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (busy || checkoutAttempts.busy || cart.lines.length === 0) {
      return;
    }
    const errors = validateCheckoutForm(form, new Date());
    if (Object.keys(errors).length > 0) {
      setFieldErrors(errors);
      setNotice({ kind: 'form_invalid' });
      return;
    }
    const sentCart = cart;
    setBusy(true);
    setNotice(null);
    try {
      handle(await checkoutAttempts.submit(buildOrderRequest(form, sentCart)), sentCart);
    } catch (error) {
      setNotice({ kind: 'crashed', message: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  const fixCart = (): void => {
    if (notice?.kind === 'outcome' && notice.outcome.kind === 'insufficient_stock') {
      const shortages = notice.outcome.shortages;
      cartStore.update((c) => applyShortages(c, shortages));
      setNotice({ kind: 'cart_fixed', reason: 'shortages', removed: [] });
    }
  };

  const removeUnknown = (): void => {
    if (notice?.kind === 'outcome' && notice.outcome.kind === 'unknown_product') {
      const ids = notice.outcome.productIds;
      const removed = ids.map((id) => nameOf(notice.cart, id));
      cartStore.update((c) => removeLines(c, ids));
      setNotice({ kind: 'cart_fixed', reason: 'unknown_products', removed });
    }
  };

  const message = notice && <OutcomeMessage notice={notice} fieldErrors={fieldErrors} onFixCart={fixCart} onRemoveUnknown={removeUnknown} />;

  if (cart.lines.length === 0 && !busy) {
    return (
      <section className="page">
        <h1>Checkout</h1>
        {message}
        <p>
          Your cart is empty. <Link to="/products">Browse the products</Link>.
        </p>
      </section>
    );
  }

  const field = (name: CheckoutField, extra: { type?: 'text' | 'email'; autoComplete: string; inputMode?: 'numeric' | 'email'; maxLength: number }) => (
    <TextField
      id={`checkout-${name}`}
      label={FIELD_LABELS[name]}
      value={form[name]}
      onChange={change(name)}
      error={fieldErrors[name]}
      required
      {...extra}
    />
  );

  return (
    <section className="page" aria-labelledby="checkout-title">
      <h1 id="checkout-title">Checkout</h1>
      {message}
      <div className="checkout-layout">
        <form className="checkout-form" noValidate onSubmit={(e) => void submit(e)} aria-busy={busy}>
          <fieldset>
            <legend>Contact</legend>
            {field('name', { autoComplete: 'name', maxLength: 200 })}
            {field('email', { type: 'email', autoComplete: 'email', inputMode: 'email', maxLength: 254 })}
          </fieldset>
          <fieldset>
            <legend>Payment</legend>
            {field('cardNumber', { autoComplete: 'cc-number', inputMode: 'numeric', maxLength: 23 })}
            <div className="field-row">
              {field('expMonth', { autoComplete: 'cc-exp-month', inputMode: 'numeric', maxLength: 2 })}
              {field('expYear', { autoComplete: 'cc-exp-year', inputMode: 'numeric', maxLength: 4 })}
              {field('cvc', { autoComplete: 'cc-csc', inputMode: 'numeric', maxLength: 4 })}
            </div>
          </fieldset>
          <button type="submit" className="button button-large" disabled={busy}>
            {busy ? 'Placing order…' : 'Place order'}
          </button>
          <p className="visually-hidden" role="status">
            {busy ? 'Placing your order, please wait.' : ''}
          </p>
        </form>
        <div className="checkout-aside">
          <OrderSummary cart={cart} />
          <TestCards onUse={fillTestCard} />
        </div>
      </div>
    </section>
  );
}
