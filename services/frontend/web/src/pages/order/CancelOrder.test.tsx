import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import type { OrderDetail } from '../../api/types';
import { cancelledDetail, orderDetail } from '../../test/fixtures';
import { cancelNoticeOf, CancelOrderView, reasonError, type CancelNotice, type CancelPhase } from './CancelOrder';

function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

const noop = () => undefined;

function render(order: OrderDetail, phase: CancelPhase, extra: { reason?: string; error?: string | null; notice?: CancelNotice | null } = {}): string {
  return renderToStaticMarkup(
    <CancelOrderView
      order={order}
      phase={phase}
      reason={extra.reason ?? ''}
      error={extra.error ?? null}
      notice={extra.notice ?? null}
      onOpen={noop}
      onReasonChange={noop}
      onConfirm={noop}
      onKeep={noop}
      onRetry={noop}
    />,
  );
}

describe('the cancel button of "My order"', () => {
  it('is there while the answer\'s actions contain "cancel"', () => {
    expect(textOf(render(orderDetail(), 'closed'))).toBe('Cancel order');
  });

  it('is not there otherwise', () => {
    expect(textOf(render(orderDetail({ status: 'FULFILLED', actions: [] }), 'closed'))).toBe('');
    expect(textOf(render(cancelledDetail(), 'closed'))).toBe('');
  });

  it('asks to confirm, with an optional reason of at most 500 characters', () => {
    const html = render(orderDetail(), 'confirming', { reason: 'wrong colour' });
    const text = textOf(html);
    expect(text).toContain('Cancel this order?');
    expect(text).toContain('the payment is refunded to the card ending in 4242');
    expect(html).toContain('<label for="cancel-reason">Reason (optional)</label>');
    expect(html).toMatch(/<textarea[^>]*maxLength="500"/);
    expect(html).toContain('wrong colour</textarea>');
    expect(text).toContain('Yes, cancel the order');
    expect(text).toContain('No, keep the order');
    expect(text).not.toMatch(/^Cancel order/);
    expect(html).not.toContain('disabled');
  });

  it('disables both buttons while the cancel is sent', () => {
    const html = render(orderDetail(), 'sending');
    expect(textOf(html)).toContain('Cancelling…');
    expect(html.match(/disabled=""/g)).toHaveLength(2);
    expect(html).toContain('aria-busy="true"');
  });

  it('shows the reason\'s error beside it', () => {
    const html = render(orderDetail(), 'confirming', { error: 'Keep the reason to 500 characters or fewer.' });
    expect(html).toContain('aria-invalid="true"');
    expect(textOf(html)).toContain('Keep the reason to 500 characters or fewer.');
  });
});

describe('reasonError', () => {
  it('counts characters, not UTF-16 units', () => {
    expect(reasonError('x'.repeat(500))).toBeNull();
    expect(reasonError('😀'.repeat(500))).toBeNull();
    expect(reasonError(`  ${'x'.repeat(500)}  `)).toBeNull();
    expect(reasonError('x'.repeat(501))).toBe('Keep the reason to 500 characters or fewer.');
  });
});

describe('what the customer is told after a cancel', () => {
  const shown = (notice: CancelNotice) => textOf(render(cancelledDetail(), 'closed', { notice }));

  it('200: cancelled, stock back, payment refunded', () => {
    const notice = cancelNoticeOf({ kind: 'done', order: cancelledDetail() });
    expect(notice).toMatchObject({ tone: 'success', title: 'Your order is cancelled.' });
    expect(shown(notice)).toContain('The items went back to stock and your payment was refunded.');
    expect(render(cancelledDetail(), 'closed', { notice })).toContain('role="status"');
  });

  it('202 CANCELLING: being cancelled, refund pending', () => {
    const notice = cancelNoticeOf({ kind: 'accepted', order: orderDetail({ status: 'CANCELLING', actions: [] }) });
    expect(notice).toMatchObject({ tone: 'info', title: 'Your order is being cancelled; the refund is pending.' });
    expect(shown(notice)).toContain('This page updates by itself.');
  });

  it('follows an accepted cancel to the status the page polled: CANCELLING, then CANCELLED', () => {
    const accepted = { kind: 'accepted', order: orderDetail({ status: 'CANCELLING', actions: [] }) } as const;
    expect(cancelNoticeOf(accepted, accepted.order)).toMatchObject({ title: 'Your order is being cancelled; the refund is pending.' });
    expect(cancelNoticeOf(accepted, cancelledDetail())).toMatchObject({ tone: 'success', title: 'Your order is cancelled.' });
  });

  it('202 CANCEL_REFUND_FAILED: cancelled, the refund pending with the shop', () => {
    const notice = cancelNoticeOf({ kind: 'accepted', order: orderDetail({ status: 'CANCEL_REFUND_FAILED', actions: [] }) });
    expect(notice).toMatchObject({ tone: 'info', title: 'Your order is cancelled; the refund is pending.' });
  });

  it('409 illegal_transition: the current status', () => {
    const error = new ApiError({ status: 409, code: 'illegal_transition', message: 'no' });
    const notice = cancelNoticeOf({ kind: 'illegal', currentStatus: 'FULFILLED', error });
    expect(notice).toEqual({ tone: 'error', title: 'This order can no longer be cancelled.', text: 'It is shipped now. The page shows it as it is now.' });
    expect(render(orderDetail(), 'closed', { notice })).toContain('role="alert"');
  });

  it('errors go to the ErrorNotice, with "Try again" only when the same attempt may be retried', () => {
    const down = new ApiError({ status: 503, code: 'service_unavailable', message: 'The shop is temporarily unavailable.' });
    const retryable = render(orderDetail(), 'confirming', { notice: cancelNoticeOf({ kind: 'error', error: down, retryable: true }) });
    expect(textOf(retryable)).toContain('The order was not cancelled The shop is temporarily unavailable. Error code: service_unavailable Try again');
    const gone = new ApiError({ status: 404, code: 'not_found', message: 'no order with this id' });
    const final = render(orderDetail(), 'closed', { notice: cancelNoticeOf({ kind: 'error', error: gone, retryable: false }) });
    expect(textOf(final)).toContain('Error code: not_found');
    expect(textOf(final)).not.toContain('Try again');
  });
});
