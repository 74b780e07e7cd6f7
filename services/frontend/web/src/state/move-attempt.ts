// One lifecycle move the person asked for (a cancel, a refund) = one
// Idempotency-Key. The key is made when the move is first sent and reused
// when the same move (the same body) is sent again after an answer that
// allows a retry (no answer, 502/503/504); any other answer spends it, so the
// next request is a new attempt with a new key. While a send is in flight,
// another one gets the same promise: a move is never sent twice at once.
import type { MoveOutcome } from '../api/orders';

export class MoveAttempt {
  private readonly newKey: () => string;
  private key: string | null = null;
  private fingerprint: string | null = null;
  private inFlight: Promise<MoveOutcome> | null = null;

  constructor(newKey: () => string = () => globalThis.crypto.randomUUID()) {
    this.newKey = newKey;
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** The key of the current attempt, or null when none is open. */
  get currentKey(): string | null {
    return this.key;
  }

  /**
   * Sends the move described by `fingerprint` (its body, as text) with the
   * attempt's key: the open attempt's when the body is the same, else a new one.
   */
  run(fingerprint: string, send: (idempotencyKey: string) => Promise<MoveOutcome>): Promise<MoveOutcome> {
    if (this.inFlight !== null) {
      return this.inFlight;
    }
    if (this.key === null || this.fingerprint !== fingerprint) {
      this.key = this.newKey();
      this.fingerprint = fingerprint;
    }
    const key = this.key;
    const flight = send(key)
      .then((outcome) => {
        if (!(outcome.kind === 'error' && outcome.retryable)) {
          this.forget();
        }
        return outcome;
      })
      .finally(() => {
        this.inFlight = null;
      });
    this.inFlight = flight;
    return flight;
  }

  /** Closes the attempt (the person gave up on it): the next move gets a new key. */
  reset(): void {
    if (this.inFlight === null) {
      this.forget();
    }
  }

  private forget(): void {
    this.key = null;
    this.fingerprint = null;
  }
}
