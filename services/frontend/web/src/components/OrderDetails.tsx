import { isPriced, lineLabel, type Order, type OrderDetail, type OrderStatus } from '../api/types';
import { Price } from './Price';

const STATUS_TEXT: Readonly<Record<OrderStatus, string>> = {
  CONFIRMED: 'Confirmed',
  PENDING: 'Being processed',
  PAYMENT_DECLINED: 'Payment declined',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
  CANCELLING: 'Being cancelled',
  FULFILLED: 'Shipped',
  REFUNDING: 'Being refunded',
  REFUNDED: 'Refunded',
  CANCEL_REFUND_FAILED: 'Cancelled, refund pending',
  RETURN_REFUND_FAILED: 'Returned, refund pending',
};

export function statusText(status: OrderStatus): string {
  return STATUS_TEXT[status];
}

/**
 * True when a cancelled order had been charged, so the charge was refunded:
 * the order keeps the approved payment outcome, and the API's message (when
 * there is one) says "refunded".
 */
export function wasRefunded(order: Order | null, message = ''): boolean {
  return order?.payment.outcome === 'approved' || /refunded/i.test(message);
}

/** True for an order cancelled through its lifecycle (its history has the move to CANCELLING), not by the checkout's reconciler. */
function wasCancelledAfterConfirmation(order: Order | OrderDetail): boolean {
  return 'history' in order && order.history.some((h) => h.to === 'CANCELLING');
}

/** Why an order that did not go through ended as it did, in a sentence; null when there is nothing to add. */
export function statusExplanation(order: Order | OrderDetail): string | null {
  switch (order.status) {
    case 'CONFIRMED':
    case 'PENDING':
    case 'FULFILLED':
      return null;
    case 'CANCELLING':
      return 'The cancellation is under way: the items go back to stock and the payment is refunded.';
    case 'REFUNDING':
      return 'The return was accepted; the refund is under way.';
    case 'REFUNDED':
      return 'The order was returned and the payment refunded.';
    case 'CANCEL_REFUND_FAILED':
    case 'RETURN_REFUND_FAILED':
      return 'The refund could not be completed yet; the shop has been told and will complete it.';
    case 'PAYMENT_DECLINED':
      return order.payment.outcome === 'insufficient_funds'
        ? 'The card had insufficient funds; nothing was charged.'
        : 'The card was declined; nothing was charged.';
    case 'REJECTED':
      return 'Some items were not in stock in the quantity asked for, or no longer exist; nothing was held or charged.';
    case 'CANCELLED':
      if (wasCancelledAfterConfirmation(order)) {
        return wasRefunded(order) ? 'The order was cancelled: its items went back to stock and the payment was refunded.' : 'The order was cancelled: its items went back to stock.';
      }
      return wasRefunded(order)
        ? 'This order could not be completed and was cancelled; the payment was refunded.'
        : 'This order could not be completed and was cancelled; nothing was charged.';
  }
}

/** "This order is cancelled." and, for an order that did not go through, why. */
export function OrderStatusLine({ order }: { order: Order | OrderDetail }) {
  const why = statusExplanation(order);
  return (
    <div role="status">
      <p className="order-status-line">
        This order is <strong>{statusText(order.status).toLowerCase()}</strong>.
      </p>
      {why !== null && <p className="order-status-why">{why}</p>}
    </div>
  );
}

/**
 * The box at the top of the confirmation page. It is reached after a 201, but
 * its URL can be opened for any order, so an order that did not go through
 * says so instead of thanking for it.
 */
export function ConfirmationNotice({ order }: { order: Order }) {
  if (order.status === 'CONFIRMED' || order.status === 'PENDING') {
    return (
      <div className="notice notice-success">
        <p className="notice-title">{order.status === 'CONFIRMED' ? 'Your order is confirmed.' : 'Your order was received.'}</p>
        <p>A confirmation goes to {order.customer.email}.</p>
      </div>
    );
  }
  return (
    <div className="notice notice-error">
      <p className="notice-title">This order was not placed ({statusText(order.status).toLowerCase()}).</p>
      <p>{statusExplanation(order)}</p>
    </div>
  );
}

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`badge badge-status badge-${status.toLowerCase().replace(/_/g, '-')}`}>{statusText(status)}</span>;
}

/** A price, or "—" (read out as "not priced") for a line the catalog never priced. */
export function MaybePrice({ cents, className }: { cents: number | null; className?: string }) {
  if (cents === null) {
    return (
      <span className="price-none">
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">not priced</span>
      </span>
    );
  }
  return className === undefined ? <Price cents={cents} /> : <Price cents={cents} className={className} />;
}

/** A date and time in the reader's locale (the ISO text when it cannot be read). */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function unpricedNote(order: Order): string {
  return order.status === 'PENDING'
    ? 'The prices are set when the stock is reserved.'
    : 'This order was never priced: no stock was reserved for it and nothing was charged.';
}

/** The lines, total, payment and dates of an order (priced or not). */
export function OrderDetails({ order }: { order: Order }) {
  const priced = isPriced(order);
  return (
    <div className="order-details">
      <dl className="order-facts">
        <div>
          <dt>Order number</dt>
          <dd>
            <code>{order.id}</code>
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <OrderStatusBadge status={order.status} />
          </dd>
        </div>
        <div>
          <dt>Placed</dt>
          <dd>{formatDate(order.created_at)}</dd>
        </div>
        {order.payment.card_last4 !== '' && (
          <div>
            <dt>Card</dt>
            <dd>ending in {order.payment.card_last4}</dd>
          </div>
        )}
        <div>
          <dt>Email</dt>
          <dd>{order.customer.email}</dd>
        </div>
      </dl>
      <table className="order-lines">
        <caption className="visually-hidden">Items in this order</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Unit price
            </th>
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((line) => (
            <tr key={line.product_id}>
              <th scope="row">{lineLabel(line)}</th>
              <td className="num">{line.quantity}</td>
              <td className="num">
                <MaybePrice cents={line.unit_price_cents} />
              </td>
              <td className="num">
                <MaybePrice cents={line.line_total_cents} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Order total
            </th>
            <td className="num">
              {order.total_cents === null ? <span className="price-none">Not priced</span> : <Price cents={order.total_cents} className="price price-large" />}
            </td>
          </tr>
        </tfoot>
      </table>
      {!priced && <p className="hint order-unpriced">{unpricedNote(order)}</p>}
    </div>
  );
}
