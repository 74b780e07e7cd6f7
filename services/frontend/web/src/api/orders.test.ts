import { describe, expect, it } from 'vitest';
import { cancelledDetail, jsonResponse, order, orderDetail, orderRequest, unpricedOrder } from '../test/fixtures';
import { createOrderTokenStore, type OrderTokenStore } from './order-tokens';
import { cancelOrder, createOrderSender, getOrder, isRetryable, unknownProductIds } from './orders';
import type { FetchLike } from './http';

interface Sent {
  url: string;
  method: string;
  key: string | null;
  token: string | null;
  body: unknown;
}

function recordingFetch(response: () => Response | Promise<Response>): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers = new Headers(init?.headers);
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : null;
    sent.push({ url, method: init?.method ?? 'GET', key: headers.get('Idempotency-Key'), token: headers.get('X-Order-Token'), body });
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

  it('reads 409 order_cancelled with its order (and refuses to call it retryable)', async () => {
    const cancelled = unpricedOrder({ status: 'CANCELLED', items: [{ product_id: 1, sku: null, name: null, quantity: 2, unit_price_cents: null, line_total_cents: null }] });
    const message = 'the order could not be completed and was cancelled; nothing was charged. Start a new checkout (with a new Idempotency-Key)';
    const { fetch } = recordingFetch(() => jsonResponse(409, { error: { code: 'order_cancelled', message }, order: cancelled }, { 'Idempotent-Replayed': 'true' }));
    const outcome = await createOrderSender(fetch)('k', orderRequest());
    expect(outcome).toEqual({ kind: 'cancelled', message, order: cancelled });
    expect(isRetryable(outcome)).toBe(false);
  });

  it('reads order_cancelled without a readable order', async () => {
    const { fetch } = recordingFetch(() => jsonResponse(409, { error: { code: 'order_cancelled', message: 'cancelled' }, order: { id: 3 } }));
    expect(await createOrderSender(fetch)('k', orderRequest())).toEqual({ kind: 'cancelled', message: 'cancelled', order: null });
  });

  it('reads insufficient_stock whose order beside the error is unpriced', async () => {
    const { fetch } = recordingFetch(() =>
      jsonResponse(409, {
        error: { code: 'insufficient_stock', message: 'not enough', shortages: [{ product_id: 7, requested: 3, available: 1 }] },
        order: unpricedOrder(),
      }),
    );
    expect(await createOrderSender(fetch)('k', orderRequest())).toMatchObject({ kind: 'insufficient_stock', shortages: [{ product_id: 7 }] });
  });

  it('reads 422 unknown_product: the lines it names become product ids of the request', async () => {
    const request = orderRequest({
      items: [
        { product_id: 42, quantity: 2 },
        { product_id: 7, quantity: 1 },
        { product_id: 9, quantity: 1 },
      ],
    });
    const rejected = unpricedOrder({
      items: request.items.map((i) => ({ product_id: i.product_id, sku: null, name: null, quantity: i.quantity, unit_price_cents: null, line_total_cents: null })),
    });
    const body = {
      error: {
        code: 'unknown_product',
        message: 'some products do not exist',
        details: [
          { field: 'items[1].product_id', message: 'no such product' },
          { field: 'items[2].product_id', message: 'no such product' },
        ],
      },
      order: rejected,
    };
    const outcome = await createOrderSender(recordingFetch(() => jsonResponse(422, body)).fetch)('k', request);
    expect(outcome).toEqual({ kind: 'unknown_product', message: 'some products do not exist', productIds: [7, 9], order: rejected });
    expect(isRetryable(outcome)).toBe(false);
  });

  it('keeps validation_failed apart from unknown_product', async () => {
    const { fetch } = recordingFetch(() =>
      jsonResponse(422, { error: { code: 'validation_failed', message: 'invalid', details: [{ field: 'items[0].product_id', message: 'must be an integer' }] } }),
    );
    expect((await createOrderSender(fetch)('k', orderRequest())).kind).toBe('invalid');
  });

  it('reports other statuses as failed', async () => {
    const { fetch } = recordingFetch(() => jsonResponse(500, { error: { code: 'internal', message: 'oops' } }));
    expect(await createOrderSender(fetch)('k', orderRequest())).toEqual({ kind: 'failed', status: 500, code: 'internal', message: 'oops' });
  });
});

const TOKEN = 'q3Vb8nR0tYw2K5mZs9LxP1cD4fH7jA6eU0iO3gN8kT2';

function memoryTokens(): OrderTokenStore {
  const map = new Map<string, string>();
  return createOrderTokenStore({ getItem: (k) => map.get(k) ?? null, setItem: (k, v) => { map.set(k, v); } });
}

describe('order access tokens', () => {
  it('keeps the token of a 201 and of a 402, by order id', async () => {
    const tokens = memoryTokens();
    const created = await createOrderSender(recordingFetch(() => jsonResponse(201, { access_token: TOKEN, ...order() })).fetch, tokens)('k', orderRequest());
    expect(created).toMatchObject({ kind: 'created' });
    expect(tokens.get(order().id)).toBe(TOKEN);
    const declined = order({ id: 'd-1', status: 'PAYMENT_DECLINED', payment: { card_last4: '0002', outcome: 'card_declined' } });
    const other = TOKEN.replace('q', 'Q');
    await createOrderSender(recordingFetch(() => jsonResponse(402, { access_token: other, error: { code: 'card_declined', message: 'no' }, order: declined })).fetch, tokens)('k', orderRequest());
    expect(tokens.get('d-1')).toBe(other);
  });

  it('a replay\'s token replaces the earlier one; a malformed token is not kept', async () => {
    const tokens = memoryTokens();
    tokens.remember('o-1', TOKEN);
    const fresh = TOKEN.replace('q', 'x');
    tokens.remember('o-1', fresh);
    expect(tokens.get('o-1')).toBe(fresh);
    tokens.remember('o-2', 'not a token');
    expect(tokens.get('o-2')).toBeNull();
  });

  it('keeps the tokens of the latest orders only', () => {
    const tokens = memoryTokens();
    for (let i = 0; i < 25; i += 1) {
      tokens.remember(`o-${String(i)}`, TOKEN);
    }
    expect(tokens.get('o-0')).toBeNull();
    expect(tokens.get('o-24')).toBe(TOKEN);
  });

  it('sends the token as X-Order-Token, never in the URL', async () => {
    const { fetch, sent } = recordingFetch(() => jsonResponse(200, orderDetail()));
    await getOrder('o-1', TOKEN, undefined, fetch);
    expect(sent[0]?.token).toBe(TOKEN);
    expect(sent[0]?.url).toBe('/api/orders/o-1');
  });
});

describe('GET /api/orders/{id}', () => {
  it('reads the order and escapes the id', async () => {
    const { fetch, sent } = recordingFetch(() => jsonResponse(200, orderDetail()));
    const o = await getOrder('a/b', null, undefined, fetch);
    expect(o.id).toBe(order().id);
    expect(sent[0]?.url).toBe('/api/orders/a%2Fb');
  });

  it('throws not_found for an unknown order', async () => {
    const { fetch } = recordingFetch(() => jsonResponse(404, { error: { code: 'not_found', message: 'no such order' } }));
    await expect(getOrder('x', null, undefined, fetch)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('unknownProductIds', () => {
  const details = (...fields: string[]) => fields.map((field) => ({ field, message: 'no such product' }));

  it('maps items[i].product_id to the product of line i, once each', () => {
    const request = orderRequest({ items: [{ product_id: 5, quantity: 1 }, { product_id: 6, quantity: 1 }] });
    expect(unknownProductIds(details('items[1].product_id', 'items[1].product_id', 'items[0].product_id'), request, null)).toEqual([6, 5]);
  });

  it('uses the order beside the error when the request is not known', () => {
    expect(unknownProductIds(details('items[1].product_id'), null, unpricedOrder())).toEqual([7]);
  });

  it('ignores other fields and lines that do not exist', () => {
    const request = orderRequest({ items: [{ product_id: 5, quantity: 1 }] });
    expect(unknownProductIds(details('items[0].quantity', 'items[3].product_id', '(body)', 'items[x].product_id'), request, null)).toEqual([]);
  });
});

describe('GET /api/orders/{id} of orders that did not go through', () => {
  it('reads a REJECTED order that was never priced', async () => {
    const { fetch } = recordingFetch(() => jsonResponse(200, { ...orderDetail(), ...unpricedOrder(), actions: [] }));
    const o = await getOrder(unpricedOrder().id, null, undefined, fetch);
    expect(o.status).toBe('REJECTED');
    expect(o.total_cents).toBeNull();
    expect(o.items.map((l) => l.name)).toEqual([null, null]);
  });

  it('reads a CANCELLED order', async () => {
    const { fetch } = recordingFetch(() => jsonResponse(200, { ...cancelledDetail(), ...unpricedOrder({ status: 'CANCELLED' }) }));
    expect((await getOrder('x', null, undefined, fetch)).status).toBe('CANCELLED');
  });
});

describe('GET /api/orders/{id}: the order with its lifecycle', () => {
  it('reads reservation_state, refund, history and actions', async () => {
    const { fetch } = recordingFetch(() => jsonResponse(200, cancelledDetail()));
    const o = await getOrder('x', null, undefined, fetch);
    expect(o).toEqual(cancelledDetail());
    expect(o.history.map((h) => [h.actor, h.from, h.to])).toEqual([
      ['customer', 'CONFIRMED', 'CANCELLING'],
      ['system', 'CANCELLING', 'CANCELLED'],
    ]);
  });

  it('refuses an answer without its history, or with an unknown action or actor', async () => {
    const noHistory: Record<string, unknown> = { ...cancelledDetail() };
    delete noHistory['history'];
    for (const body of [noHistory, orderDetail({ actions: ['explode' as 'cancel'] }), { ...cancelledDetail(), history: [{ ...cancelledDetail().history[0], actor: 'robot' }] }]) {
      await expect(getOrder('x', null, undefined, recordingFetch(() => jsonResponse(200, body)).fetch)).rejects.toMatchObject({ code: 'bad_response' });
    }
  });
});

describe('POST /api/orders/{id}/cancel (the customer)', () => {
  const KEY = '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

  it('sends the token, the key and the reason; 200 is done', async () => {
    const { fetch, sent } = recordingFetch(() => jsonResponse(200, cancelledDetail()));
    const outcome = await cancelOrder('o/1', TOKEN, KEY, '  ordered the wrong colour ', fetch);
    expect(outcome).toEqual({ kind: 'done', order: cancelledDetail() });
    expect(sent[0]).toMatchObject({ url: '/api/orders/o%2F1/cancel', method: 'POST', key: KEY, token: TOKEN, body: { reason: 'ordered the wrong colour' } });
  });

  it('sends an empty body without a reason', async () => {
    const { fetch, sent } = recordingFetch(() => jsonResponse(200, cancelledDetail(null)));
    await cancelOrder('o-1', TOKEN, KEY, '   ', fetch);
    expect(sent[0]?.body).toEqual({});
  });

  it('202 is accepted, with the order as it is (CANCELLING or CANCEL_REFUND_FAILED)', async () => {
    for (const status of ['CANCELLING', 'CANCEL_REFUND_FAILED'] as const) {
      const body = orderDetail({ status, actions: [] });
      const outcome = await cancelOrder('o-1', TOKEN, KEY, '', recordingFetch(() => jsonResponse(202, body)).fetch);
      expect(outcome).toEqual({ kind: 'accepted', order: body });
    }
  });

  it('409 illegal_transition carries the current status', async () => {
    const body = { error: { code: 'illegal_transition', message: 'an order in status FULFILLED cannot be cancelled', current_status: 'FULFILLED' } };
    const outcome = await cancelOrder('o-1', TOKEN, KEY, '', recordingFetch(() => jsonResponse(409, body)).fetch);
    expect(outcome).toMatchObject({ kind: 'illegal', currentStatus: 'FULFILLED', error: { status: 409, code: 'illegal_transition' } });
    const unknown = await cancelOrder('o-1', TOKEN, KEY, '', recordingFetch(() => jsonResponse(409, { error: { ...body.error, current_status: 'LOST' } })).fetch);
    expect(unknown).toMatchObject({ kind: 'illegal', currentStatus: null });
  });

  it('other answers are errors; only no answer and 502/503/504 may be retried with the same key', async () => {
    const outcomeOf = (r: () => Response | Promise<Response>) => cancelOrder('o-1', TOKEN, KEY, '', recordingFetch(r).fetch);
    expect(await outcomeOf(() => jsonResponse(404, { error: { code: 'not_found', message: 'no order with this id' } }))).toMatchObject({
      kind: 'error',
      retryable: false,
      error: { status: 404, code: 'not_found' },
    });
    expect(await outcomeOf(() => jsonResponse(422, { error: { code: 'validation_failed', message: 'bad', details: [{ field: 'reason', message: 'too long' }] } }))).toMatchObject({
      kind: 'error',
      retryable: false,
      error: { details: [{ field: 'reason', message: 'too long' }] },
    });
    expect(await outcomeOf(() => jsonResponse(503, { error: { code: 'service_unavailable', message: 'down' } }))).toMatchObject({ kind: 'error', retryable: true });
    expect(await outcomeOf(() => Promise.reject(new TypeError('Failed to fetch')))).toMatchObject({ kind: 'error', retryable: true, error: { code: 'network_error' } });
    expect(await outcomeOf(() => jsonResponse(200, { status: 'CANCELLED' }))).toMatchObject({ kind: 'error', retryable: false, error: { code: 'bad_response' } });
  });
});
