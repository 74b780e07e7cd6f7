// What happened to an order after checkout: its history (who moved it from
// which status to which, when and why), its refund and, for the shop's
// staff, where its stock is.
import type { OrderActor, OrderDetail, OrderRefund, OrderStatus, PaymentOutcome, ReservationState } from '../api/types';
import { formatDate, statusText } from './OrderDetails';

/** The statuses the server is still working on (a checkout, a cancel, a refund): pages look again shortly. */
const IN_PROGRESS: readonly OrderStatus[] = ['PENDING', 'CANCELLING', 'REFUNDING'];

export function isInProgress(status: OrderStatus): boolean {
  return IN_PROGRESS.includes(status);
}

/** Who reads the page: the customer ("You") or the shop's staff ("Customer"). */
export type Audience = 'customer' | 'admin';

const ACTOR_TEXT: Readonly<Record<Audience, Readonly<Record<OrderActor, string>>>> = {
  customer: { customer: 'You', admin: 'The shop', system: 'The shop (automatic)' },
  admin: { customer: 'Customer', admin: 'Admin', system: 'System' },
};

export function actorText(actor: OrderActor, audience: Audience): string {
  return ACTOR_TEXT[audience][actor];
}

const RESERVATION_TEXT: Readonly<Record<ReservationState, string>> = {
  none: 'None (never reserved)',
  held: 'Held for the checkout',
  committed: 'Sold (committed)',
  released: 'Released by the checkout',
  returned: 'Returned to the catalog',
};

const PAYMENT_TEXT: Readonly<Record<PaymentOutcome, string>> = {
  approved: 'Charged (approved)',
  card_declined: 'Declined (card_declined)',
  insufficient_funds: 'Declined (insufficient_funds)',
};

export function reservationText(state: ReservationState): string {
  return RESERVATION_TEXT[state];
}

/** The refund in a sentence; null when none was asked for. */
export function refundText(refund: OrderRefund, audience: Audience): string | null {
  if (refund === null) {
    return null;
  }
  if (refund.status === 'refunded') {
    return `Refunded on ${formatDate(refund.at)}.`;
  }
  const code = refund.failure_code ?? 'refused';
  return audience === 'admin'
    ? `Refused by the payment side on ${formatDate(refund.at)} (${code}): retry the refund.`
    : `Pending: the payment side did not accept the refund on ${formatDate(refund.at)}; the shop has been told and will complete it.`;
}

/** The order's moves, oldest first, as a list a screen reader reads in order. */
export function OrderHistory({ order, audience }: { order: OrderDetail; audience: Audience }) {
  return (
    <section className="order-history" aria-labelledby="order-history-title">
      <h2 id="order-history-title">History</h2>
      {order.history.length === 0 ? (
        <p className="hint">No changes since the order was placed.</p>
      ) : (
        <ol className="timeline">
          {order.history.map((entry, i) => (
            <li key={`${entry.at}-${String(i)}`} className="timeline-entry">
              <p className="timeline-when">
                <time dateTime={entry.at}>{formatDate(entry.at)}</time>
              </p>
              <p className="timeline-what">
                <span className="timeline-who">{actorText(entry.actor, audience)}</span>: {statusText(entry.from)}
                <span aria-hidden="true"> → </span>
                <span className="visually-hidden"> to </span>
                {statusText(entry.to)}
              </p>
              {entry.reason !== null && entry.reason !== '' && <p className="timeline-reason">Reason: {entry.reason}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The refund's state (and, for the staff, the stock's), as facts beside the order's. */
export function LifecycleFacts({ order, audience }: { order: OrderDetail; audience: Audience }) {
  const refund = refundText(order.refund, audience);
  if (refund === null && audience === 'customer') {
    return null;
  }
  return (
    <dl className="order-facts lifecycle-facts">
      <div>
        <dt>Refund</dt>
        <dd>{refund ?? 'None asked for'}</dd>
      </div>
      {audience === 'admin' && (
        <div>
          <dt>Payment</dt>
          <dd>{order.payment.outcome === null ? 'Not charged' : PAYMENT_TEXT[order.payment.outcome]}</dd>
        </div>
      )}
      {audience === 'admin' && (
        <div>
          <dt>Stock</dt>
          <dd>{reservationText(order.reservation_state)}</dd>
        </div>
      )}
    </dl>
  );
}
