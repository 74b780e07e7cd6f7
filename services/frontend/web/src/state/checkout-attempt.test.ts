import { describe, expect, it } from 'vitest';
import { order, orderRequest, unpricedOrder } from '../test/fixtures';
import type { OrderOutcome } from '../api/orders';
import type { OrderRequest } from '../api/types';
import { CheckoutAttempts, fingerprintOf, spendsKey } from './checkout-attempt';

function keys(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `key-${String(n)}`;
  };
}

/** A sender that answers from a script and records the keys it was sent. */
function scriptedSender(answers: OrderOutcome[]) {
  const sentKeys: string[] = [];
  const send = (key: string, _request: OrderRequest): Promise<OrderOutcome> => {
    sentKeys.push(key);
    const next = answers.shift();
    return next ? Promise.resolve(next) : Promise.reject(new Error('no scripted answer'));
  };
  return { send, sentKeys };
}

const created: OrderOutcome = { kind: 'created', order: order() };
const unavailable: OrderOutcome = { kind: 'unavailable', code: 'service_unavailable', message: 'down', retryAfterSeconds: 1 };
const network: OrderOutcome = { kind: 'network', message: 'offline' };
const inProgress: OrderOutcome = { kind: 'in_progress', message: 'busy', retryAfterSeconds: null };
const noSleep = (): Promise<void> => Promise.resolve();

describe('the Idempotency-Key of a checkout attempt', () => {
  it('is created once and reused when the same attempt is retried after a 503 or a network error', async () => {
    const { send, sentKeys } = scriptedSender([unavailable, network, created]);
    const attempts = new CheckoutAttempts({ send, newKey: keys(), sleep: noSleep });
    expect((await attempts.submit(orderRequest())).kind).toBe('unavailable');
    expect((await attempts.submit(orderRequest())).kind).toBe('network');
    expect((await attempts.submit(orderRequest())).kind).toBe('created');
    expect(sentKeys).toEqual(['key-1', 'key-1', 'key-1']);
  });

  it('is retried automatically with the same key while the server says request_in_progress', async () => {
    const { send, sentKeys } = scriptedSender([inProgress, inProgress, created]);
    const waits: number[] = [];
    const attempts = new CheckoutAttempts({
      send,
      newKey: keys(),
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      inProgressDelayMs: 300,
    });
    expect((await attempts.submit(orderRequest())).kind).toBe('created');
    expect(sentKeys).toEqual(['key-1', 'key-1', 'key-1']);
    expect(waits).toEqual([300, 300]);
  });

  it('gives up after the configured in-progress retries and still keeps the key', async () => {
    const { send, sentKeys } = scriptedSender([inProgress, inProgress, inProgress, created]);
    const attempts = new CheckoutAttempts({ send, newKey: keys(), sleep: noSleep, inProgressRetries: 2 });
    expect((await attempts.submit(orderRequest())).kind).toBe('in_progress');
    expect((await attempts.submit(orderRequest())).kind).toBe('created');
    expect(sentKeys).toEqual(['key-1', 'key-1', 'key-1', 'key-1']);
  });

  it('is new when the cart or the form changes', async () => {
    const { send, sentKeys } = scriptedSender([unavailable, unavailable, unavailable, unavailable]);
    const attempts = new CheckoutAttempts({ send, newKey: keys(), sleep: noSleep });
    await attempts.submit(orderRequest());
    await attempts.submit(orderRequest({ items: [{ product_id: 1, quantity: 3 }] }));
    await attempts.submit(orderRequest({ items: [{ product_id: 1, quantity: 3 }], payment: { card_number: '4000000000000002', exp_month: 12, exp_year: 2030, cvc: '123' } }));
    await attempts.submit(orderRequest({ items: [{ product_id: 1, quantity: 3 }], payment: { card_number: '4000000000000002', exp_month: 12, exp_year: 2030, cvc: '123' } }));
    expect(sentKeys).toEqual(['key-1', 'key-2', 'key-3', 'key-3']);
  });

  it('is the same for an unchanged body after a decline, and new once the card changes', async () => {
    const declined: OrderOutcome = { kind: 'declined', code: 'card_declined', message: 'declined', order: null };
    const { send, sentKeys } = scriptedSender([declined, declined, created]);
    const attempts = new CheckoutAttempts({ send, newKey: keys(), sleep: noSleep });
    const declining = orderRequest({ payment: { card_number: '4000000000000002', exp_month: 1, exp_year: 2031, cvc: '999' } });
    await attempts.submit(declining);
    await attempts.submit(declining);
    await attempts.submit(orderRequest());
    expect(sentKeys).toEqual(['key-1', 'key-1', 'key-2']);
  });

  it('is replaced after the server says idempotency_key_reused', async () => {
    const reused: OrderOutcome = { kind: 'invalid', code: 'idempotency_key_reused', message: 'reused', details: [] };
    const { send, sentKeys } = scriptedSender([reused, created]);
    const attempts = new CheckoutAttempts({ send, newKey: keys(), sleep: noSleep });
    await attempts.submit(orderRequest());
    await attempts.submit(orderRequest());
    expect(sentKeys).toEqual(['key-1', 'key-2']);
  });

  it('is replaced after order_cancelled: the old key is spent, the same body gets a new one', async () => {
    const cancelled: OrderOutcome = { kind: 'cancelled', message: 'cancelled; nothing was charged', order: unpricedOrder({ status: 'CANCELLED' }) };
    const { send, sentKeys } = scriptedSender([unavailable, cancelled, created]);
    const attempts = new CheckoutAttempts({ send, newKey: keys(), sleep: noSleep });
    expect((await attempts.submit(orderRequest())).kind).toBe('unavailable');
    expect((await attempts.submit(orderRequest())).kind).toBe('cancelled');
    expect(attempts.currentKey).toBeNull();
    expect((await attempts.submit(orderRequest())).kind).toBe('created');
    expect(sentKeys).toEqual(['key-1', 'key-1', 'key-2']);
  });

  it('is kept after unknown_product (a retry replays it) and new once the lines are removed', async () => {
    const unknown: OrderOutcome = { kind: 'unknown_product', message: 'some products do not exist', productIds: [7], order: null };
    const { send, sentKeys } = scriptedSender([unknown, unknown, created]);
    const attempts = new CheckoutAttempts({ send, newKey: keys(), sleep: noSleep });
    const withGone = orderRequest({ items: [{ product_id: 1, quantity: 2 }, { product_id: 7, quantity: 1 }] });
    await attempts.submit(withGone);
    await attempts.submit(withGone);
    await attempts.submit(orderRequest({ items: [{ product_id: 1, quantity: 2 }] }));
    expect(sentKeys).toEqual(['key-1', 'key-1', 'key-2']);
  });

  it('is spent only by idempotency_key_reused, order_cancelled and insufficient_stock', () => {
    expect(spendsKey({ kind: 'cancelled', message: '', order: null })).toBe(true);
    expect(spendsKey({ kind: 'insufficient_stock', message: '', shortages: [] })).toBe(true);
    expect(spendsKey({ kind: 'invalid', code: 'idempotency_key_reused', message: '', details: [] })).toBe(true);
    expect(spendsKey({ kind: 'invalid', code: 'validation_failed', message: '', details: [] })).toBe(false);
    expect(spendsKey({ kind: 'unknown_product', message: '', productIds: [], order: null })).toBe(false);
    expect(spendsKey(unavailable)).toBe(false);
    expect(spendsKey(created)).toBe(false);
  });

  it('starts over after reset', async () => {
    const { send, sentKeys } = scriptedSender([created, created]);
    const attempts = new CheckoutAttempts({ send, newKey: keys(), sleep: noSleep });
    await attempts.submit(orderRequest());
    attempts.reset();
    expect(attempts.currentKey).toBeNull();
    await attempts.submit(orderRequest());
    expect(sentKeys).toEqual(['key-1', 'key-2']);
  });

  it('uses crypto.randomUUID by default', () => {
    const attempts = new CheckoutAttempts({ send: () => Promise.resolve(created) });
    expect(attempts.keyFor(orderRequest())).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('double submits', () => {
  it('sends once while a submit is in flight and hands both callers the same answer', async () => {
    let release: (o: OrderOutcome) => void = () => undefined;
    let calls = 0;
    const send = (): Promise<OrderOutcome> => {
      calls += 1;
      return new Promise((resolve) => {
        release = resolve;
      });
    };
    const attempts = new CheckoutAttempts({ send, newKey: keys(), sleep: noSleep });
    const first = attempts.submit(orderRequest());
    const second = attempts.submit(orderRequest({ customer: { email: 'other@example.com', name: 'Other' } }));
    expect(attempts.busy).toBe(true);
    expect(second).toBe(first);
    release(created);
    expect(await second).toBe(created);
    expect(calls).toBe(1);
    expect(attempts.busy).toBe(false);
  });

  it('is free again after a sender that throws', async () => {
    let calls = 0;
    const attempts = new CheckoutAttempts({
      send: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('bug')) : Promise.resolve(created);
      },
      newKey: keys(),
      sleep: noSleep,
    });
    await expect(attempts.submit(orderRequest())).rejects.toThrow('bug');
    expect(attempts.busy).toBe(false);
    expect((await attempts.submit(orderRequest())).kind).toBe('created');
  });
});

describe('fingerprintOf', () => {
  it('is equal for equal bodies and differs when anything changes', () => {
    expect(fingerprintOf(orderRequest())).toBe(fingerprintOf(orderRequest()));
    expect(fingerprintOf(orderRequest())).not.toBe(fingerprintOf(orderRequest({ customer: { email: 'ada@example.com', name: 'Ada L' } })));
  });
});
