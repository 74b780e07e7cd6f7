import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import type { OrderDeskApi } from '../../api/order-desk';
import type { OrderAction } from '../../api/types';
import { orderDetail } from '../../test/fixtures';
import { moveNoticeOf, OrderActions } from './OrderActions';

function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

const unused = (): never => {
  throw new Error('not called while rendering');
};
const api: OrderDeskApi = { list: unused, get: unused, fulfil: unused, cancel: unused, refund: unused, retryRefund: unused };

function buttons(actions: OrderAction[]): string[] {
  const html = renderToStaticMarkup(
    <OrderActions order={orderDetail({ actions })} api={api} onOrder={() => undefined} onReload={() => undefined} onAuthError={() => false} />,
  );
  return [...html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((m) => m[1] ?? '');
}

describe('the order desk shows the moves the answer allows', () => {
  it('one button per action', () => {
    expect(buttons(['fulfil', 'cancel'])).toEqual(['Fulfil (mark as shipped)', 'Cancel order…']);
    expect(buttons(['refund'])).toEqual(['Refund…']);
    expect(buttons(['retry_refund'])).toEqual(['Retry refund']);
  });

  it('none when nothing is allowed, and says why', () => {
    const html = renderToStaticMarkup(
      <OrderActions order={orderDetail({ status: 'REFUNDED', actions: [] })} api={api} onOrder={() => undefined} onReload={() => undefined} onAuthError={() => false} />,
    );
    expect(html).not.toContain('<button');
    expect(textOf(html)).toContain('No move is possible from refunded (REFUNDED).');
  });
});

describe('what the admin is told after a move', () => {
  it('done, accepted, refused by the status, and errors', () => {
    expect(moveNoticeOf('fulfil', { kind: 'done', order: orderDetail({ status: 'FULFILLED' }) })).toEqual({
      tone: 'success',
      title: 'Done.',
      text: 'The order is marked as shipped (FULFILLED).',
    });
    expect(moveNoticeOf('refund', { kind: 'accepted', order: orderDetail({ status: 'RETURN_REFUND_FAILED' }) })).toMatchObject({
      tone: 'info',
      title: 'Accepted: the order is returned, refund pending (RETURN_REFUND_FAILED).',
      text: 'The payment side refused the refund. Retry the refund when it is back.',
    });
    const refunding = { kind: 'accepted', order: orderDetail({ status: 'REFUNDING' }) } as const;
    expect(moveNoticeOf('refund', refunding).tone).toBe('info');
    expect(moveNoticeOf('refund', refunding, orderDetail({ status: 'REFUNDED' }))).toEqual({ tone: 'success', title: 'Done.', text: 'The order is refunded.' });
    const conflict = new ApiError({ status: 409, code: 'illegal_transition', message: 'no' });
    expect(moveNoticeOf('cancel', { kind: 'illegal', currentStatus: 'FULFILLED', error: conflict })).toEqual({
      tone: 'error',
      title: 'The order was not cancelled.',
      text: 'It is FULFILLED now, which does not allow this. The order was loaded again.',
    });
    const down = new ApiError({ status: 503, code: 'service_unavailable', message: 'down' });
    expect(moveNoticeOf('retry_refund', { kind: 'error', error: down, retryable: true })).toEqual({
      tone: 'failure',
      title: 'The order was not refunded again',
      error: down,
      retry: true,
    });
  });
});
