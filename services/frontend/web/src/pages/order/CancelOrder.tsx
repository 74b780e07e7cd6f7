// "Cancel order" on the customer's order page: a confirmation step with an
// optional reason, one Idempotency-Key per attempt (reused when the same
// attempt is retried), and what the answer means for the customer.
import { useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { cancelOrder, type MoveOutcome } from '../../api/orders';
import type { OrderDetail } from '../../api/types';
import { statusText } from '../../components/OrderDetails';
import { ErrorNotice } from '../../components/Status';
import { TextField } from '../../components/TextField';
import { MoveAttempt } from '../../state/move-attempt';

/** The service keeps at most 500 characters of a reason. */
export const MAX_REASON_LENGTH = 500;

/** null when the reason can be sent, else what is wrong with it (counted in characters, as the service counts). */
export function reasonError(reason: string): string | null {
  return Array.from(reason.trim()).length > MAX_REASON_LENGTH ? `Keep the reason to ${String(MAX_REASON_LENGTH)} characters or fewer.` : null;
}

export type CancelPhase = 'closed' | 'confirming' | 'sending';

/** What the customer is told after a cancel; `retry` when the same attempt may be sent again. */
export type CancelNotice =
  | { tone: 'success' | 'info' | 'error'; title: string; text: string }
  | { tone: 'failure'; error: unknown; retry: boolean };

/**
 * What the customer is told after a cancel. For an accepted cancel the
 * order's current status decides (`current`, as polling loads it): the notice
 * follows a CANCELLING order to CANCELLED.
 */
export function cancelNoticeOf(outcome: MoveOutcome, current: OrderDetail | null = null): CancelNotice {
  switch (outcome.kind) {
    case 'done':
    case 'accepted': {
      const order = current ?? outcome.order;
      if (order.status === 'CANCELLED') {
        return {
          tone: 'success',
          title: 'Your order is cancelled.',
          text:
            order.refund?.status === 'refunded' || order.payment.outcome === 'approved'
              ? 'The items went back to stock and your payment was refunded.'
              : 'The items went back to stock; nothing was charged.',
        };
      }
      if (order.status === 'CANCEL_REFUND_FAILED') {
        return {
          tone: 'info',
          title: 'Your order is cancelled; the refund is pending.',
          text: 'The items went back to stock. The payment side did not accept the refund yet: the shop has been told and will complete it.',
        };
      }
      return {
        tone: 'info',
        title: 'Your order is being cancelled; the refund is pending.',
        text: 'The cancellation was accepted and is being finished. This page updates by itself.',
      };
    }
    case 'illegal':
      return {
        tone: 'error',
        title: 'This order can no longer be cancelled.',
        text:
          outcome.currentStatus === null
            ? 'Its status changed. The page shows it as it is now.'
            : `It is ${statusText(outcome.currentStatus).toLowerCase()} now. The page shows it as it is now.`,
      };
    case 'error':
      return { tone: 'failure', error: outcome.error, retry: outcome.retryable };
  }
}

export interface CancelOrderViewProps {
  order: OrderDetail;
  phase: CancelPhase;
  reason: string;
  error: string | null;
  notice: CancelNotice | null;
  onOpen: () => void;
  onReasonChange: (reason: string) => void;
  onConfirm: () => void;
  onKeep: () => void;
  /** Sends the same attempt again (after an answer that allows it). */
  onRetry: () => void;
  headingRef?: RefObject<HTMLHeadingElement | null>;
  noticeRef?: RefObject<HTMLDivElement | null>;
  openRef?: RefObject<HTMLButtonElement | null>;
}

function NoticeBox({ notice, onRetry }: { notice: CancelNotice; onRetry: () => void }): ReactNode {
  if (notice.tone === 'failure') {
    return <ErrorNotice title="The order was not cancelled" error={notice.error} {...(notice.retry ? { onRetry } : {})} />;
  }
  return (
    <div className={`notice notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <p className="notice-title">{notice.title}</p>
      <p>{notice.text}</p>
    </div>
  );
}

/** The cancel button, its confirmation and the answer's notice, from the state the container keeps. */
export function CancelOrderView(props: CancelOrderViewProps) {
  const { order, phase, reason, error, notice, onOpen, onReasonChange, onConfirm, onKeep, onRetry, headingRef, noticeRef, openRef } = props;
  const canCancel = order.actions.includes('cancel');
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    onConfirm();
  };
  const sending = phase === 'sending';
  return (
    <div className="order-cancel">
      <div ref={noticeRef} tabIndex={-1} className="focus-target">
        {notice && <NoticeBox notice={notice} onRetry={onRetry} />}
      </div>
      {canCancel && phase === 'closed' && (
        <p>
          <button type="button" ref={openRef} className="button button-danger" onClick={onOpen}>
            Cancel order
          </button>
        </p>
      )}
      {phase !== 'closed' && (
        <section className="editor cancel-confirm" aria-labelledby="cancel-title">
          <h2 id="cancel-title" ref={headingRef} tabIndex={-1}>
            Cancel this order?
          </h2>
          <p>
            {order.payment.outcome === 'approved'
              ? `The items go back to stock and the payment is refunded to the card ending in ${order.payment.card_last4}.`
              : 'The items go back to stock.'}{' '}
            This cannot be undone.
          </p>
          <form onSubmit={submit} noValidate aria-busy={sending}>
            <TextField
              id="cancel-reason"
              label="Reason (optional)"
              value={reason}
              onChange={onReasonChange}
              error={error ?? undefined}
              hint={`Kept with the order's history. At most ${String(MAX_REASON_LENGTH)} characters.`}
              maxLength={MAX_REASON_LENGTH}
              multiline
            />
            <p className="actions">
              <button type="submit" className="button button-danger" disabled={sending}>
                {sending ? 'Cancelling…' : 'Yes, cancel the order'}
              </button>
              <button type="button" className="button button-secondary" onClick={onKeep} disabled={sending}>
                No, keep the order
              </button>
            </p>
          </form>
        </section>
      )}
    </div>
  );
}

export interface CancelOrderProps {
  order: OrderDetail;
  /** The order's access token (X-Order-Token). */
  token: string | null;
  /** The order as the answer of a 200 or 202 shows it. */
  onOrder: (order: OrderDetail) => void;
  /** Loads the order again (after a 409: it moved meanwhile). */
  onReload: () => void;
  /** Sends the cancel (tests and the page use the real one by default). */
  send?: typeof cancelOrder;
}

export function CancelOrder({ order, token, onOrder, onReload, send = cancelOrder }: CancelOrderProps) {
  const [phase, setPhase] = useState<CancelPhase>('closed');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<MoveOutcome | null>(null);
  const notice = outcome === null ? null : cancelNoticeOf(outcome, order);
  const attempt = useRef(new MoveAttempt());
  const headingRef = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (phase === 'confirming') {
      headingRef.current?.focus();
    }
    if (phase === 'closed' && returnFocus.current) {
      returnFocus.current = false;
      openRef.current?.focus();
    }
  }, [phase]);

  useEffect(() => {
    if (outcome) {
      noticeRef.current?.focus();
    }
  }, [outcome]);

  const confirm = (): void => {
    const problem = reasonError(reason);
    setError(problem);
    if (problem !== null || attempt.current.busy) {
      return;
    }
    const text = reason.trim();
    setPhase('sending');
    void attempt.current
      .run(text, (key) => send(order.id, token, key, text))
      .then((answer) => {
        setOutcome(answer);
        if (answer.kind === 'done' || answer.kind === 'accepted') {
          setPhase('closed');
          setReason('');
          onOrder(answer.order);
        } else if (answer.kind === 'illegal') {
          setPhase('closed');
          onReload();
        } else {
          // Kept open, reason and all: "Try again" sends the same attempt.
          setPhase('confirming');
        }
      });
  };

  const keep = (): void => {
    attempt.current.reset();
    setError(null);
    returnFocus.current = true;
    setPhase('closed');
  };

  return (
    <CancelOrderView
      order={order}
      phase={phase}
      reason={reason}
      error={error}
      notice={notice}
      onOpen={() => {
        setOutcome(null);
        setPhase('confirming');
      }}
      onReasonChange={(value) => {
        setReason(value);
        setError(null);
      }}
      onConfirm={confirm}
      onKeep={keep}
      onRetry={confirm}
      headingRef={headingRef}
      noticeRef={noticeRef}
      openRef={openRef}
    />
  );
}
