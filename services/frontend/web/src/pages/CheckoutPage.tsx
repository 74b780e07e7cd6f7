import { useState, type FormEvent } from 'react';
import { describeError } from '../api/http';
import type { OrderOutcome } from '../api/orders';
import { cartStore, checkoutAttempts, rememberPlacedOrder, router } from '../app/services';
import { Link } from '../components/Link';
import { Price } from '../components/Price';
import { FocusedNotice } from '../components/Status';
import { TextField } from '../components/TextField';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useCart } from '../hooks/useStores';
import { applyShortages, cartTotals, lineTotalCents, type Cart } from '../state/cart';
import {
  buildOrderRequest,
  EMPTY_CHECKOUT_FORM,
  itemIndexOf,
  splitServerErrors,
  TEST_CARDS,
  validateCheckoutForm,
  type CheckoutField,
  type CheckoutForm,
  type FieldErrors,
} from '../state/checkout-form';

const FIELD_LABELS: Readonly<Record<CheckoutField, string>> = {
  name: 'Full name',
  email: 'Email',
  cardNumber: 'Card number',
  expMonth: 'Expiry month',
  expYear: 'Expiry year',
  cvc: 'Security code (CVC)',
};

type Notice =
  | { kind: 'form_invalid' }
  | { kind: 'outcome'; outcome: Exclude<OrderOutcome, { kind: 'created' }>; cart: Cart }
  | { kind: 'cart_fixed' }
  | { kind: 'crashed'; message: string };

function nameOf(cart: Cart, productId: number): string {
  return cart.lines.find((l) => l.productId === productId)?.name ?? `Product #${String(productId)}`;
}

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

function OutcomeMessage({ notice, fieldErrors, onFixCart }: { notice: Notice; fieldErrors: FieldErrors; onFixCart: () => void }) {
  if (notice.kind === 'form_invalid') {
    const fields = Object.keys(fieldErrors).filter((f): f is CheckoutField => f in FIELD_LABELS);
    return (
      <FocusedNotice tone="error" id="checkout-problems">
        <p className="notice-title">Please check the form</p>
        <ul>
          {fields.map((f) => (
            <li key={f}>
              <a href={`#checkout-${f}`}>
                {FIELD_LABELS[f]}: {fieldErrors[f]}
              </a>
            </li>
          ))}
        </ul>
      </FocusedNotice>
    );
  }
  if (notice.kind === 'cart_fixed') {
    return (
      <FocusedNotice tone="info">
        <p className="notice-title">Your cart was updated to what is available</p>
        <p>Check the order below and place it again.</p>
      </FocusedNotice>
    );
  }
  if (notice.kind === 'crashed') {
    return (
      <FocusedNotice tone="error">
        <p className="notice-title">The order could not be sent</p>
        <p>{notice.message}</p>
      </FocusedNotice>
    );
  }
  const { outcome, cart } = notice;
  switch (outcome.kind) {
    case 'declined':
      return (
        <FocusedNotice tone="error">
          <p className="notice-title">{outcome.code === 'insufficient_funds' ? 'Your card has insufficient funds' : 'Your card was declined'}</p>
          <p>No money was taken. Try another card.</p>
          <p className="notice-code">{outcome.message}</p>
        </FocusedNotice>
      );
    case 'insufficient_stock':
      return (
        <FocusedNotice tone="error">
          <p className="notice-title">Some items are no longer available in the quantity you asked for</p>
          <ul className="shortages">
            {outcome.shortages.map((s) => (
              <li key={s.product_id}>
                <strong>{nameOf(cart, s.product_id)}</strong>: you asked for {s.requested},{' '}
                {s.available === 0 ? 'it is sold out' : `only ${String(s.available)} available`}.
              </li>
            ))}
          </ul>
          {outcome.shortages.length === 0 && <p>{outcome.message}</p>}
          <p>No order was placed and no money was taken.</p>
          <p className="notice-actions">
            <button type="button" className="button" onClick={onFixCart}>
              Update my cart to what is available
            </button>
            <Link to="/cart">Review the cart</Link>
          </p>
        </FocusedNotice>
      );
    case 'invalid': {
      const { other } = splitServerErrors(outcome.details);
      return (
        <FocusedNotice tone="error">
          <p className="notice-title">The shop could not accept this order</p>
          <p>{outcome.message}</p>
          {other.length > 0 && (
            <ul>
              {other.map((d) => {
                const index = itemIndexOf(d.field);
                const line = index === null ? undefined : cart.lines[index];
                return <li key={d.field}>{line ? `${line.name}: ${d.message}` : `${d.field}: ${d.message}`}</li>;
              })}
            </ul>
          )}
        </FocusedNotice>
      );
    }
    case 'in_progress':
      return (
        <FocusedNotice tone="info">
          <p className="notice-title">Your order is still being processed</p>
          <p>Press “Place order” again in a moment to see the result. It will not be placed twice.</p>
        </FocusedNotice>
      );
    case 'unavailable':
    case 'network':
      return (
        <FocusedNotice tone="error">
          <p className="notice-title">The order could not be completed right now</p>
          <p>{outcome.message}</p>
          <p>Please try again: pressing “Place order” again is safe, the order will not be placed or charged twice.</p>
        </FocusedNotice>
      );
    case 'failed':
      return (
        <FocusedNotice tone="error">
          <p className="notice-title">The order failed</p>
          <p>{outcome.message}</p>
          <p className="notice-code">Error code: {outcome.code}</p>
        </FocusedNotice>
      );
  }
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
      setNotice({ kind: 'cart_fixed' });
    }
  };

  if (cart.lines.length === 0 && !busy) {
    return (
      <section className="page">
        <h1>Checkout</h1>
        {notice && <OutcomeMessage notice={notice} fieldErrors={fieldErrors} onFixCart={fixCart} />}
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
      {notice && <OutcomeMessage notice={notice} fieldErrors={fieldErrors} onFixCart={fixCart} />}
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
