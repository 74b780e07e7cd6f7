import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { cancelledDetail, order, unpricedOrder } from '../test/fixtures';
import { ConfirmationNotice, OrderDetails, OrderStatusLine, statusExplanation, statusText, wasRefunded } from './OrderDetails';

/** The text a person sees (tags dropped, whitespace squeezed). */
function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

describe('OrderDetails', () => {
  it('shows a priced order with its prices and total', () => {
    const html = renderToStaticMarkup(<OrderDetails order={order()} />);
    const text = textOf(html);
    expect(text).toContain('Chef Knife');
    expect(text).toContain('$89.00');
    expect(text).toContain('$178.00');
    expect(text).not.toMatch(/not priced/i);
  });

  it('shows an unpriced REJECTED order: product ids for names, "—" for prices, no total', () => {
    const html = renderToStaticMarkup(<OrderDetails order={unpricedOrder()} />);
    const text = textOf(html);
    expect(text).toContain('Product #42');
    expect(text).toContain('Product #7');
    expect(text).not.toContain('$');
    expect(html.match(/<span aria-hidden="true">—<\/span><span class="visually-hidden">not priced<\/span>/g)).toHaveLength(4);
    expect(text).toContain('Order total Not priced');
    expect(text).toContain('This order was never priced: no stock was reserved for it and nothing was charged.');
    expect(html).toContain('badge-rejected');
  });

  it('says a PENDING order is priced once its stock is reserved', () => {
    const text = textOf(renderToStaticMarkup(<OrderDetails order={unpricedOrder({ status: 'PENDING' })} />));
    expect(text).toContain('The prices are set when the stock is reserved.');
    expect(text).toContain('Being processed');
  });

  it('shows a CANCELLED order with its badge', () => {
    const html = renderToStaticMarkup(<OrderDetails order={unpricedOrder({ status: 'CANCELLED' })} />);
    expect(html).toContain('badge-cancelled');
    expect(textOf(html)).toContain('Cancelled');
  });
});

describe('order status wording', () => {
  it('has a name for every status', () => {
    expect(statusText('CANCELLED')).toBe('Cancelled');
    expect(statusText('REJECTED')).toBe('Rejected');
    expect(statusText('FULFILLED')).toBe('Shipped');
    expect(statusText('CANCEL_REFUND_FAILED')).toBe('Cancelled, refund pending');
  });

  it('explains the lifecycle after checkout', () => {
    expect(statusExplanation(order({ status: 'FULFILLED' }))).toBeNull();
    expect(statusExplanation(order({ status: 'REFUNDED' }))).toBe('The order was returned and the payment refunded.');
    expect(statusExplanation(order({ status: 'RETURN_REFUND_FAILED' }))).toMatch(/refund could not be completed yet/);
  });

  it('explains a cancelled order: nothing charged, or the payment refunded', () => {
    expect(statusExplanation(unpricedOrder({ status: 'CANCELLED' }))).toBe('This order could not be completed and was cancelled; nothing was charged.');
    const refunded = order({ status: 'CANCELLED', payment: { card_last4: '4242', outcome: 'approved' } });
    expect(statusExplanation(refunded)).toBe('This order could not be completed and was cancelled; the payment was refunded.');
  });

  it('tells a refund from the order or from the API message', () => {
    expect(wasRefunded(null, 'the order could not be completed and was cancelled; the payment was refunded. Start a new checkout')).toBe(true);
    expect(wasRefunded(null, 'the order could not be completed and was cancelled; nothing was charged.')).toBe(false);
    expect(wasRefunded(unpricedOrder({ status: 'CANCELLED' }))).toBe(false);
  });

  it('explains declined and rejected orders, and adds nothing to confirmed ones', () => {
    expect(statusExplanation(order({ status: 'PAYMENT_DECLINED', payment: { card_last4: '9995', outcome: 'insufficient_funds' } }))).toMatch(/insufficient funds/);
    expect(statusExplanation(order({ status: 'PAYMENT_DECLINED', payment: { card_last4: '0002', outcome: 'card_declined' } }))).toMatch(/declined/);
    expect(statusExplanation(unpricedOrder())).toMatch(/not in stock .* or no longer exist/);
    expect(statusExplanation(order())).toBeNull();
  });

  it('puts the status and its explanation on the order page', () => {
    const text = textOf(renderToStaticMarkup(<OrderStatusLine order={unpricedOrder({ status: 'CANCELLED' })} />));
    expect(text).toBe('This order is cancelled . This order could not be completed and was cancelled; nothing was charged.');
    expect(textOf(renderToStaticMarkup(<OrderStatusLine order={order()} />))).toBe('This order is confirmed .');
  });

  it('tells a cancel after confirmation from a checkout the reconciler cancelled', () => {
    expect(statusExplanation(cancelledDetail())).toBe('The order was cancelled: its items went back to stock and the payment was refunded.');
    expect(statusExplanation({ ...cancelledDetail(), history: [] })).toBe('This order could not be completed and was cancelled; the payment was refunded.');
  });

  it('does not thank for an order that was not placed on the confirmation page', () => {
    expect(textOf(renderToStaticMarkup(<ConfirmationNotice order={order()} />))).toContain('Your order is confirmed.');
    const cancelled = textOf(renderToStaticMarkup(<ConfirmationNotice order={unpricedOrder({ status: 'CANCELLED' })} />));
    expect(cancelled).toContain('This order was not placed (cancelled).');
    expect(cancelled).toContain('nothing was charged');
  });
});
