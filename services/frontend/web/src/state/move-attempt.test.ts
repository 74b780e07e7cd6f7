import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import type { MoveOutcome } from '../api/orders';
import { cancelledDetail } from '../test/fixtures';
import { MoveAttempt } from './move-attempt';

function keys(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `key-${String(n)}`;
  };
}

const done: MoveOutcome = { kind: 'done', order: cancelledDetail() };
const unavailable: MoveOutcome = { kind: 'error', retryable: true, error: new ApiError({ status: 503, code: 'service_unavailable', message: 'down' }) };
const refused: MoveOutcome = { kind: 'error', retryable: false, error: new ApiError({ status: 404, code: 'not_found', message: 'gone' }) };

describe('MoveAttempt: one Idempotency-Key per attempt', () => {
  it('a retry of the same attempt after 503 or no answer reuses its key', async () => {
    const attempt = new MoveAttempt(keys());
    const sent: string[] = [];
    const answers = [unavailable, unavailable, done];
    for (const answer of answers) {
      await attempt.run('reason', async (key) => {
        sent.push(key);
        return answer;
      });
    }
    expect(sent).toEqual(['key-1', 'key-1', 'key-1']);
    expect(attempt.currentKey).toBeNull();
  });

  it('a final answer spends the key: the next request is a new attempt', async () => {
    const attempt = new MoveAttempt(keys());
    const sent: string[] = [];
    for (const answer of [refused, done, done]) {
      await attempt.run('reason', async (key) => {
        sent.push(key);
        return answer;
      });
    }
    expect(sent).toEqual(['key-1', 'key-2', 'key-3']);
  });

  it('another body is another attempt; giving up closes the attempt', async () => {
    const attempt = new MoveAttempt(keys());
    const sent: string[] = [];
    const send = async (key: string) => {
      sent.push(key);
      return unavailable;
    };
    await attempt.run('a', send);
    await attempt.run('b', send);
    attempt.reset();
    await attempt.run('b', send);
    expect(sent).toEqual(['key-1', 'key-2', 'key-3']);
  });

  it('never sends twice at once', async () => {
    const attempt = new MoveAttempt(keys());
    let calls = 0;
    let release: (o: MoveOutcome) => void = () => undefined;
    const send = () => {
      calls += 1;
      return new Promise<MoveOutcome>((resolve) => {
        release = resolve;
      });
    };
    const first = attempt.run('r', send);
    const second = attempt.run('r', send);
    expect(attempt.busy).toBe(true);
    release(done);
    expect(await first).toBe(done);
    expect(await second).toBe(done);
    expect(calls).toBe(1);
    expect(attempt.busy).toBe(false);
  });
});
