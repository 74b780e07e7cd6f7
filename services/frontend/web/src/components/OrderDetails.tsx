import type { Order, OrderStatus } from '../api/types';
import { Price } from './Price';

const STATUS_TEXT: Readonly<Record<OrderStatus, string>> = {
  CONFIRMED: 'Confirmed',
  PENDING: 'Being processed',
  PAYMENT_DECLINED: 'Payment declined',
  REJECTED: 'Rejected',
};

export function statusText(status: OrderStatus): string {
  return STATUS_TEXT[status];
}

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`badge badge-status badge-${status.toLowerCase().replace('_', '-')}`}>{statusText(status)}</span>;
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** The lines, total, payment and dates of an order. */
export function OrderDetails({ order }: { order: Order }) {
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
              <th scope="row">{line.name !== '' ? line.name : line.sku}</th>
              <td className="num">{line.quantity}</td>
              <td className="num">
                <Price cents={line.unit_price_cents} />
              </td>
              <td className="num">
                <Price cents={line.line_total_cents} />
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
              <Price cents={order.total_cents} className="price price-large" />
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
