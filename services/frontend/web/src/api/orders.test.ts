import { describe, expect, it } from 'vitest';
import { jsonResponse, order, orderRequest } from '../test/fixtures';
import { createOrderSender, getOrder, isRetryable } from './orders';
import type { FetchLike } from './http';

interface Sent {
  url: string;
  method: string;
  key: string | null;
  body: unknown;
}

function recordingFetch(response: () => Response | Promise<Response>): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers = new Headers(init?.headers);
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : null;
    sent.push({ url, method: init?.method ?? 'GET', key: headers.get('Idempotency-Key'), body });
    return response();
  };
  return { fetch, sent };
}

describe('POST /api/orders outcomes', () => {
  it('sends the key and a body without prices', async () => {
    const { fetch, sent } = recordingFetch(() => jsonResponse(201, order()));
    const outcome = await createOrderSender(fetch)('key-1', orderRequest());
    expect(outcome).toMatchObject({ kind: 'created', order: { status: 'CONFIRMED', total_cents: 17800 } });
    expect(sent[0]).toMatchObject({ url: '/api/orders', method: 'POST', key: 'key-1' });
    expect(JSON.stringify(sent[0]?.body)).not.toMatch(/price|total/);
  });

  it('reads a decline with its order', async () => {
    const declined = order({ status: 'PAYMENT_DECLINED', payment: { card_last4: '0002', outcome: 'card_declined' } });
    const { fetch } = recordingFetch(() => jsonResponse(402, { error: { code: 'card_declined', message: 'the card was declined' }, order: declined }));
    const outcome = await createOrderSender(fetch)('k', orderRequest());
    expect(outcome).toEqual({ kind: 'declined', code: 'card_declined', message: 'the card was declined', order: declined });
    expect(isRetryable(outcome)).toBe(false);
  });

  it('reads the shortages of insufficient_stock', async () => {
    const { fetch } = recordingFetch(() =>
      jsonResponse(409, { error: { code: 'insufficient_stock', message: 'not enough stock', shortages: [{ product_id: 1, requested: 3, available: 1 }, { nope: true }] } }),
    );
    expect(await createOrderSender(fetch)('k', orderRequest())).toEqual({
      kind: 'insufficient_stock',
      message: 'not enough stock',
      shortages: [{ product_id: 1, requested: 3, available: 1 }],
    });
  });

  it('tells request_in_progress, 503, network errors and validation apart', async () => {
    const send = (r: () => Response | Promise<Response>) => createOrderSender(recordingFetch(r).fetch)('k', orderRequest());
    const inProgress = await send(() => jsonResponse(409, { error: { code: 'request_in_progress', message: 'busy' } }, { 'Retry-After': '1' }));
    expect(inProgress).toEqual({ kind: 'in_progress', message: 'busy', retryAfterSeconds: 1 });
    const unavailable = await send(() => jsonResponse(503, { error: { code: 'service_unavailable', message: 'down' } }, { 'Retry-After': '3' }));
    expect(unavailable).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 3 });
    const network = await send(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(network.kind).toBe('network');
    const invalid = await send(() =>
      jsonResponse(422, { error: { code: 'validation_failed', message: 'invalid', details: [{ field: 'payment.card_number', message: 'bad' }] } }),
    );
    expect(invalid).toMatchObject({ kind: 'invalid', details: [{ field: 'payment.card_number', message: 'bad' }] });
    expect([inProgress, unavailable, network].every(isRetryable)).toBe(true);
    expect(isRetryable(invalid)).toBe(false);
  });

  it('reports other statuses as failed', async () => {
    const { fetch } = recordingFetch(() => jsonResponse(500, { error: { code: 'internal', message: 'oops' } }));
    expect(await createOrderSender(fetch)('k', orderRequest())).toEqual({ kind: 'failed', status: 500, code: 'internal', message: 'oops' });
  });
});

describe('GET /api/orders/{id}', () => {
  it('reads the order and escapes the id', async () => {
    const { fetch, sent } = recordingFetch(() => jsonResponse(200, order()));
    const o = await getOrder('a/b', undefined, fetch);
    expect(o.id).toBe(order().id);
    expect(sent[0]?.url).toBe('/api/orders/a%2Fb');
  });

  it('throws not_found for an unknown order', async () => {
    const { fetch } = recordingFetch(() => jsonResponse(404, { error: { code: 'not_found', message: 'no such order' } }));
    await expect(getOrder('x', undefined, fetch)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});
