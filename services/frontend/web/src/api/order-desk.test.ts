import { describe, expect, it } from 'vitest';
import { cancelledDetail, jsonResponse, order, orderDetail } from '../test/fixtures';
import type { FetchLike } from './http';
import { createOrderDeskApi, orderListQuery, refundBody, type OrderQuery } from './order-desk';

interface Sent {
  url: string;
  method: string;
  auth: string | null;
  key: string | null;
  body: unknown;
}

function recordingFetch(response: () => Response | Promise<Response>): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers = new Headers(init?.headers);
    sent.push({
      url,
      method: init?.method ?? 'GET',
      auth: headers.get('Authorization'),
      key: headers.get('Idempotency-Key'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : null,
    });
    return response();
  };
  return { fetch, sent };
}

const query = (overrides: Partial<OrderQuery> = {}): OrderQuery => ({ statuses: [], email: '', createdFrom: null, createdTo: null, limit: 20, cursor: null, ...overrides });

describe('orderListQuery', () => {
  it('sends only the limit when nothing is filtered', () => {
    expect(orderListQuery(query())).toBe('limit=20');
  });

  it('joins several statuses with literal commas, once each', () => {
    expect(orderListQuery(query({ statuses: ['CONFIRMED', 'FULFILLED', 'CONFIRMED'] }))).toBe('status=CONFIRMED,FULFILLED&limit=20');
  });

  it('percent-encodes the email (a + is %2B, not a space), the instants and the cursor', () => {
    expect(
      orderListQuery(
        query({ email: ' ada+shop@example.com ', createdFrom: '2026-03-01T00:00:00Z', createdTo: '2026-04-01T00:00:00Z', cursor: 'eyJ0Ijo/xyz=', limit: 5 }),
      ),
    ).toBe('email=ada%2Bshop%40example.com&created_from=2026-03-01T00%3A00%3A00Z&created_to=2026-04-01T00%3A00%3A00Z&limit=5&cursor=eyJ0Ijo%2Fxyz%3D');
  });

  it('keeps the limit within 1 to 100', () => {
    expect(orderListQuery(query({ limit: 0 }))).toBe('limit=1');
    expect(orderListQuery(query({ limit: 500 }))).toBe('limit=100');
  });
});

describe('the order desk API', () => {
  it('lists with the admin key and reads items and next_cursor', async () => {
    const { fetch, sent } = recordingFetch(() => jsonResponse(200, { items: [order()], next_cursor: 'abc' }));
    const page = await createOrderDeskApi('secret', fetch).list(query({ statuses: ['CONFIRMED'] }));
    expect(page).toEqual({ items: [order()], next_cursor: 'abc' });
    expect(sent[0]).toMatchObject({ url: '/api/orders?status=CONFIRMED&limit=20', method: 'GET', auth: 'Bearer secret' });
  });

  it('throws the refusal of a wrong key and of a bad filter', async () => {
    const forbidden = recordingFetch(() => jsonResponse(403, { error: { code: 'forbidden', message: 'the admin key is not valid' } }));
    await expect(createOrderDeskApi('wrong', forbidden.fetch).list(query())).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    const invalid = recordingFetch(() => jsonResponse(400, { error: { code: 'invalid_parameter', message: 'email must be an email address' } }));
    await expect(createOrderDeskApi('k', invalid.fetch).list(query({ email: 'x' }))).rejects.toMatchObject({ status: 400, code: 'invalid_parameter' });
  });

  it('reads one order with its lifecycle', async () => {
    const { fetch, sent } = recordingFetch(() => jsonResponse(200, cancelledDetail()));
    expect(await createOrderDeskApi('k', fetch).get('o-1')).toEqual(cancelledDetail());
    expect(sent[0]).toMatchObject({ url: '/api/orders/o-1', auth: 'Bearer k' });
  });

  it('fulfils and retries a refund without a body or a key', async () => {
    const fulfilled = orderDetail({ status: 'FULFILLED', actions: ['refund'] });
    const { fetch, sent } = recordingFetch(() => jsonResponse(200, fulfilled));
    const api = createOrderDeskApi('k', fetch);
    expect(await api.fulfil('o-1')).toEqual({ kind: 'done', order: fulfilled });
    expect(await api.retryRefund('o-1')).toEqual({ kind: 'done', order: fulfilled });
    expect(sent.map((s) => [s.url, s.method, s.auth, s.key, s.body])).toEqual([
      ['/api/orders/o-1/fulfil', 'POST', 'Bearer k', null, null],
      ['/api/orders/o-1/retry-refund', 'POST', 'Bearer k', null, null],
    ]);
  });

  it('cancels and refunds with the key of the attempt and the body the document describes', async () => {
    const { fetch, sent } = recordingFetch(() => jsonResponse(202, orderDetail({ status: 'REFUNDING', actions: [] })));
    const api = createOrderDeskApi('k', fetch);
    expect((await api.cancel('o-1', 'key-1', 'out of stock at the warehouse')).kind).toBe('accepted');
    expect((await api.refund('o-1', 'key-2', { restock: true, reason: '' })).kind).toBe('accepted');
    expect(sent.map((s) => [s.url, s.key, s.body])).toEqual([
      ['/api/orders/o-1/cancel', 'key-1', { reason: 'out of stock at the warehouse' }],
      ['/api/orders/o-1/refund', 'key-2', { restock: true }],
    ]);
  });

  it('reads a move refused by the order status (409) and a refused key (401)', async () => {
    const illegal = recordingFetch(() => jsonResponse(409, { error: { code: 'illegal_transition', message: 'no', current_status: 'CONFIRMED' } }));
    expect(await createOrderDeskApi('k', illegal.fetch).refund('o-1', 'k1', { restock: false, reason: '' })).toMatchObject({
      kind: 'illegal',
      currentStatus: 'CONFIRMED',
    });
    const unauthorized = recordingFetch(() => jsonResponse(401, { error: { code: 'unauthorized', message: 'needs a key' } }));
    expect(await createOrderDeskApi('', unauthorized.fetch).fulfil('o-1')).toMatchObject({ kind: 'error', retryable: false, error: { status: 401 } });
  });
});

describe('refundBody', () => {
  it('always says whether to restock, and the reason when there is one', () => {
    expect(refundBody({ restock: false, reason: '  ' })).toEqual({ restock: false });
    expect(refundBody({ restock: true, reason: ' came back whole ' })).toEqual({ restock: true, reason: 'came back whole' });
  });
});
