import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { cancelledDetail, orderDetail } from '../test/fixtures';
import { isInProgress, LifecycleFacts, OrderHistory, refundText } from './OrderLifecycle';

function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

describe('OrderHistory', () => {
  it('lists every move, oldest first: when, who, from, to and why', () => {
    const html = renderToStaticMarkup(<OrderHistory order={cancelledDetail()} audience="customer" />);
    expect(html).toContain('<h2 id="order-history-title">History</h2>');
    expect(html.match(/<li /g)).toHaveLength(2);
    expect(html).toContain('<time dateTime="2026-03-04T16:40:02.288Z">');
    const text = textOf(html);
    expect(text).toMatch(/You : Confirmed → to Being cancelled Reason: ordered the wrong colour .* The shop \(automatic\) : Being cancelled → to Cancelled$/);
  });

  it('names the actors for the staff', () => {
    const text = textOf(renderToStaticMarkup(<OrderHistory order={cancelledDetail()} audience="admin" />));
    expect(text).toContain('Customer : Confirmed');
    expect(text).toContain('System : Being cancelled');
  });

  it('says when nothing happened yet', () => {
    expect(textOf(renderToStaticMarkup(<OrderHistory order={orderDetail()} audience="customer" />))).toBe('History No changes since the order was placed.');
  });
});

describe('LifecycleFacts', () => {
  it('shows the customer the refund once there is one', () => {
    expect(renderToStaticMarkup(<LifecycleFacts order={orderDetail()} audience="customer" />)).toBe('');
    expect(textOf(renderToStaticMarkup(<LifecycleFacts order={cancelledDetail()} audience="customer" />))).toMatch(/^Refund Refunded on /);
  });

  it('shows the staff the payment, the refund and the stock', () => {
    const text = textOf(renderToStaticMarkup(<LifecycleFacts order={orderDetail()} audience="admin" />));
    expect(text).toBe('Refund None asked for Payment Charged (approved) Stock Sold (committed)');
  });

  it('explains a refused refund to each reader', () => {
    const refund = { status: 'refused', at: '2026-03-04T16:40:02.301Z', failure_code: 'refund_refused' } as const;
    expect(refundText(refund, 'admin')).toMatch(/^Refused by the payment side on .* \(refund_refused\): retry the refund\.$/);
    expect(refundText(refund, 'customer')).toMatch(/the shop has been told and will complete it\.$/);
  });
});

describe('isInProgress', () => {
  it('is true while the server is still working on the order', () => {
    expect(['PENDING', 'CANCELLING', 'REFUNDING'].every((s) => isInProgress(s as 'PENDING'))).toBe(true);
    expect(['CONFIRMED', 'CANCELLED', 'CANCEL_REFUND_FAILED', 'REFUNDED'].some((s) => isInProgress(s as 'PENDING'))).toBe(false);
  });
});
