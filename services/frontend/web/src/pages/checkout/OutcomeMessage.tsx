// What the checkout page says after "Place order": a form to fix, or what
// order-service answered (docs/api/order-service.yaml, POST /api/orders).
import type { OrderOutcome } from '../../api/orders';
import { Link } from '../../components/Link';
import { wasRefunded } from '../../components/OrderDetails';
import { FocusedNotice } from '../../components/Status';
import type { Cart } from '../../state/cart';
import { itemIndexOf, splitServerErrors, type CheckoutField, type FieldErrors } from '../../state/checkout-form';

export const FIELD_LABELS: Readonly<Record<CheckoutField, string>> = {
  name: 'Full name',
  email: 'Email',
  cardNumber: 'Card number',
  expMonth: 'Expiry month',
  expYear: 'Expiry year',
  cvc: 'Security code (CVC)',
};

export type Notice =
  | { kind: 'form_invalid' }
  | { kind: 'outcome'; outcome: Exclude<OrderOutcome, { kind: 'created' }>; cart: Cart }
  /** The cart was changed after an answer: lines brought down to the stock, or lines the catalog no longer has removed. */
  | { kind: 'cart_fixed'; reason: 'shortages' | 'unknown_products'; removed: readonly string[] }
  | { kind: 'crashed'; message: string };

/** The name a cart line had, or "Product #42" when the cart does not have it. */
export function nameOf(cart: Cart, productId: number): string {
  return cart.lines.find((l) => l.productId === productId)?.name ?? `Product #${String(productId)}`;
}

export interface OutcomeMessageProps {
  notice: Notice;
  fieldErrors: FieldErrors;
  /** Brings short lines down to the stock (after insufficient_stock). */
  onFixCart: () => void;
  /** Removes the lines the catalog no longer has (after unknown_product). */
  onRemoveUnknown: () => void;
}

export function OutcomeMessage({ notice, fieldErrors, onFixCart, onRemoveUnknown }: OutcomeMessageProps) {
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
    if (notice.reason === 'unknown_products') {
      return (
        <FocusedNotice tone="info">
          <p className="notice-title">The items that are no longer sold were removed from your cart</p>
          {notice.removed.length > 0 && <p>Removed: {notice.removed.join(', ')}.</p>}
          <p>Check the order below and place it again.</p>
        </FocusedNotice>
      );
    }
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
    case 'unknown_product': {
      const ids = outcome.productIds;
      return (
        <FocusedNotice tone="error">
          <p className="notice-title">Some items in your cart are no longer sold</p>
          {ids.length > 0 ? (
            <ul className="shortages">
              {ids.map((id) => (
                <li key={id}>
                  <strong>{nameOf(cart, id)}</strong> is no longer in the catalog.
                </li>
              ))}
            </ul>
          ) : (
            <p>{outcome.message}</p>
          )}
          <p>No order was placed and no money was taken.</p>
          <p className="notice-actions">
            {ids.length > 0 && (
              <button type="button" className="button" onClick={onRemoveUnknown}>
                {ids.length === 1 ? 'Remove this item from my cart' : 'Remove these items from my cart'}
              </button>
            )}
            <Link to="/cart">Review the cart</Link>
          </p>
        </FocusedNotice>
      );
    }
    case 'cancelled': {
      const refunded = wasRefunded(outcome.order, outcome.message);
      return (
        <FocusedNotice tone="error">
          <p className="notice-title">Your order was cancelled</p>
          <p>
            It could not be completed and was cancelled: {refunded ? 'the payment was refunded' : 'nothing was charged'}. Your cart and the form are
            kept.
          </p>
          <p>Press “Place order” to try again: it is sent as a new order.</p>
          {outcome.order && (
            <p>
              <Link to={`/orders/${encodeURIComponent(outcome.order.id)}`}>See the cancelled order</Link>
            </p>
          )}
          <p className="notice-code">{outcome.message}</p>
        </FocusedNotice>
      );
    }
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
