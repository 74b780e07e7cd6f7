// One checkout attempt = one order request body = one Idempotency-Key.
//
// The key is made when a body is first sent and reused for every send of the
// same body (a retry after a network error, a 503 or request_in_progress), so
// the server places at most one order and charges at most once. Changing the
// cart or the form changes the body and so starts a new attempt with a new
// key. While a send is in flight, another submit gets the same promise: the
// order is never sent twice at once.
// A few answers spend the key (see spendsKey): the next submit then gets a
// new one even for the same body.
import { isRetryable, type OrderOutcome, type OrderSender } from '../api/orders';
import type { OrderRequest } from '../api/types';

export interface CheckoutAttemptOptions {
  send: OrderSender;
  newKey?: () => string;
  sleep?: (ms: number) => Promise<void>;
  /** How often a `request_in_progress` answer is retried before the page is told. */
  inProgressRetries?: number;
  /** The wait before such a retry when the server gave no Retry-After. */
  inProgressDelayMs?: number;
}

/** A canonical text of a request: equal bodies give equal fingerprints. */
export function fingerprintOf(request: OrderRequest): string {
  return JSON.stringify([
    request.customer.email,
    request.customer.name,
    request.items.map((i) => [i.product_id, i.quantity]),
    request.payment.card_number,
    request.payment.exp_month,
    request.payment.exp_year,
    request.payment.cvc,
  ]);
}

/**
 * Answers after which the key cannot place an order any more: the server holds
 * it for another body, or its order was cancelled (a retry would only replay
 * the cancellation). The next submit, even of the same body, needs a new key.
 */
export function spendsKey(outcome: OrderOutcome): boolean {
  // A rejection for stock is final for its key: trying the same cart again
  // later (the stock may be back) must be a new order.
  return (
    (outcome.kind === 'invalid' && outcome.code === 'idempotency_key_reused') ||
    outcome.kind === 'cancelled' ||
    outcome.kind === 'insufficient_stock'
  );
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class CheckoutAttempts {
  private readonly send: OrderSender;
  private readonly newKey: () => string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly inProgressRetries: number;
  private readonly inProgressDelayMs: number;
  private key: string | null = null;
  private fingerprint: string | null = null;
  private inFlight: Promise<OrderOutcome> | null = null;

  constructor(options: CheckoutAttemptOptions) {
    this.send = options.send;
    this.newKey = options.newKey ?? (() => globalThis.crypto.randomUUID());
    this.sleep = options.sleep ?? defaultSleep;
    this.inProgressRetries = options.inProgressRetries ?? 5;
    this.inProgressDelayMs = options.inProgressDelayMs ?? 700;
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** The key of the current attempt, or null before the first submit. */
  get currentKey(): string | null {
    return this.key;
  }

  /** The key for this body: the current one if the body is unchanged, else a new one. */
  keyFor(request: OrderRequest): string {
    const fingerprint = fingerprintOf(request);
    if (this.key === null || fingerprint !== this.fingerprint) {
      this.key = this.newKey();
      this.fingerprint = fingerprint;
    }
    return this.key;
  }

  /** Forgets the attempt (after an order was placed, or when the server refused the key). */
  reset(): void {
    if (this.inFlight === null) {
      this.key = null;
      this.fingerprint = null;
    }
  }

  submit(request: OrderRequest): Promise<OrderOutcome> {
    if (this.inFlight !== null) {
      return this.inFlight;
    }
    const key = this.keyFor(request);
    const flight = this.sendWithRetries(key, request).finally(() => {
      this.inFlight = null;
    });
    this.inFlight = flight;
    return flight;
  }

  private async sendWithRetries(key: string, request: OrderRequest): Promise<OrderOutcome> {
    let outcome = await this.send(key, request);
    for (let retry = 0; retry < this.inProgressRetries && outcome.kind === 'in_progress'; retry += 1) {
      const waitMs = outcome.retryAfterSeconds !== null ? outcome.retryAfterSeconds * 1000 : this.inProgressDelayMs;
      await this.sleep(Math.min(waitMs, 5000));
      outcome = await this.send(key, request);
    }
    if (spendsKey(outcome)) {
      this.key = null;
      this.fingerprint = null;
    }
    return outcome;
  }
}

export { isRetryable };
