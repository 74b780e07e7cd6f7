// The moves an admin may ask for on one order, shown from the order's
// `actions`: fulfil, cancel (with an optional reason), refund (a return:
// "put the stock back" and an optional reason) and retry refund. Cancel and
// refund send one Idempotency-Key per attempt, reused when the same attempt
// is retried.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { OrderDeskApi } from '../../api/order-desk';
import type { MoveOutcome } from '../../api/orders';
import type { OrderAction, OrderDetail, OrderStatus } from '../../api/types';
import { statusText } from '../../components/OrderDetails';
import { TextField } from '../../components/TextField';
import { MoveAttempt } from '../../state/move-attempt';
import { MAX_REASON_LENGTH, reasonError } from '../order/CancelOrder';
import { ApiErrorNotice } from './ApiErrorNotice';

const VERB: Readonly<Record<OrderAction, string>> = {
  fulfil: 'fulfilled',
  cancel: 'cancelled',
  refund: 'refunded',
  retry_refund: 'refunded again',
};

const DONE: Readonly<Record<OrderAction, string>> = {
  fulfil: 'The order is marked as shipped (FULFILLED).',
  cancel: 'The order is cancelled: its stock is back in the catalog and its payment refunded.',
  refund: 'The order is refunded.',
  retry_refund: 'The refund went through.',
};

export type MoveNotice =
  | { tone: 'success' | 'info' | 'error'; title: string; text: string }
  | { tone: 'failure'; title: string; error: unknown; retry: boolean };

/** The statuses a move ends in once it is finished. */
const FINISHED: readonly OrderStatus[] = ['FULFILLED', 'CANCELLED', 'REFUNDED'];

/**
 * What the admin is told after a move. For an accepted move the order's
 * current status decides (`current`, as polling loads it), so the notice
 * follows a CANCELLING or REFUNDING order to its end.
 */
export function moveNoticeOf(action: OrderAction, outcome: MoveOutcome, current: OrderDetail | null = null): MoveNotice {
  switch (outcome.kind) {
    case 'done':
      return { tone: 'success', title: 'Done.', text: DONE[action] };
    case 'accepted': {
      const status = (current ?? outcome.order).status;
      if (FINISHED.includes(status)) {
        return { tone: 'success', title: 'Done.', text: DONE[action] };
      }
      const failed = status === 'CANCEL_REFUND_FAILED' || status === 'RETURN_REFUND_FAILED';
      return {
        tone: 'info',
        title: `Accepted: the order is ${statusText(status).toLowerCase()} (${status}).`,
        text: failed
          ? 'The payment side refused the refund. Retry the refund when it is back.'
          : 'A dependency did not answer in time: the service finishes the move by itself. This page looks again shortly.',
      };
    }
    case 'illegal':
      return {
        tone: 'error',
        title: `The order was not ${VERB[action]}.`,
        text:
          outcome.currentStatus === null
            ? `${outcome.error.message} The order was loaded again.`
            : `It is ${outcome.currentStatus} now, which does not allow this. The order was loaded again.`,
      };
    case 'error':
      return { tone: 'failure', title: `The order was not ${VERB[action]}`, error: outcome.error, retry: outcome.retryable };
  }
}

type Open = null | 'cancel' | 'refund';

export interface OrderActionsProps {
  order: OrderDetail;
  api: OrderDeskApi;
  onOrder: (order: OrderDetail) => void;
  onReload: () => void;
  /** A 401 or 403: the key is wrong or gone. */
  onAuthError: (error: unknown) => boolean;
}

export function OrderActions({ order, api, onOrder, onReload, onAuthError }: OrderActionsProps) {
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState<OrderAction | null>(null);
  const [reason, setReason] = useState('');
  const [restock, setRestock] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [answer, setAnswer] = useState<{ action: OrderAction; outcome: MoveOutcome } | null>(null);
  const notice = answer === null ? null : moveNoticeOf(answer.action, answer.outcome, order);
  const last = answer?.action ?? null;
  const attempts = useRef<Record<OrderAction, MoveAttempt>>({
    fulfil: new MoveAttempt(),
    cancel: new MoveAttempt(),
    refund: new MoveAttempt(),
    retry_refund: new MoveAttempt(),
  });
  const formHeading = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open !== null) {
      formHeading.current?.focus();
    }
  }, [open]);

  useEffect(() => {
    if (answer) {
      noticeRef.current?.focus();
    }
  }, [answer]);

  const run = (action: OrderAction): void => {
    const text = reason.trim();
    if ((action === 'cancel' || action === 'refund') && reasonError(reason) !== null) {
      setError(reasonError(reason));
      return;
    }
    const attempt = attempts.current[action];
    if (attempt.busy) {
      return;
    }
    const fingerprint = JSON.stringify([action, action === 'refund' ? restock : null, action === 'cancel' || action === 'refund' ? text : null]);
    setBusy(action);
    void attempt
      .run(fingerprint, (key) => {
        switch (action) {
          case 'fulfil':
            return api.fulfil(order.id);
          case 'cancel':
            return api.cancel(order.id, key, text);
          case 'refund':
            return api.refund(order.id, key, { restock, reason: text });
          case 'retry_refund':
            return api.retryRefund(order.id);
        }
      })
      .then((outcome) => {
        setBusy(null);
        setAnswer({ action, outcome });
        if (outcome.kind === 'done' || outcome.kind === 'accepted') {
          setOpen(null);
          setReason('');
          setRestock(false);
          onOrder(outcome.order);
        } else if (outcome.kind === 'illegal') {
          setOpen(null);
          onReload();
        } else {
          onAuthError(outcome.error);
        }
      });
  };

  const close = (): void => {
    if (open !== null) {
      attempts.current[open].reset();
    }
    setOpen(null);
    setError(null);
  };

  const submit = (action: 'cancel' | 'refund') => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    run(action);
  };

  const can = (action: OrderAction): boolean => order.actions.includes(action);
  const anyBusy = busy !== null;

  let noticeBox: ReactNode = null;
  if (notice?.tone === 'failure') {
    noticeBox = (
      <>
        <ApiErrorNotice title={notice.title} error={notice.error} />
        {notice.retry && last !== null && (
          <p>
            <button type="button" className="button button-secondary" onClick={() => run(last)} disabled={anyBusy}>
              Try again
            </button>
          </p>
        )}
      </>
    );
  } else if (notice) {
    noticeBox = (
      <div className={`notice notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
        <p className="notice-title">{notice.title}</p>
        <p>{notice.text}</p>
      </div>
    );
  }

  const reasonField = (
    <TextField
      id="move-reason"
      label="Reason (optional)"
      value={reason}
      onChange={(v) => {
        setReason(v);
        setError(null);
      }}
      error={error ?? undefined}
      hint={`Kept with the order's history. At most ${String(MAX_REASON_LENGTH)} characters.`}
      maxLength={MAX_REASON_LENGTH}
      multiline
    />
  );

  return (
    <section className="order-actions" aria-labelledby="order-actions-title">
      <h2 id="order-actions-title">Actions</h2>
      <div ref={noticeRef} tabIndex={-1} className="focus-target">
        {noticeBox}
      </div>
      {order.actions.length === 0 && <p className="hint">No move is possible from {statusText(order.status).toLowerCase()} ({order.status}).</p>}
      {open === null && order.actions.length > 0 && (
        <p className="actions">
          {can('fulfil') && (
            <button type="button" className="button" disabled={anyBusy} onClick={() => run('fulfil')}>
              {busy === 'fulfil' ? 'Fulfilling…' : 'Fulfil (mark as shipped)'}
            </button>
          )}
          {can('cancel') && (
            <button type="button" className="button button-danger" disabled={anyBusy} onClick={() => setOpen('cancel')}>
              Cancel order…
            </button>
          )}
          {can('refund') && (
            <button type="button" className="button button-secondary" disabled={anyBusy} onClick={() => setOpen('refund')}>
              Refund…
            </button>
          )}
          {can('retry_refund') && (
            <button type="button" className="button" disabled={anyBusy} onClick={() => run('retry_refund')}>
              {busy === 'retry_refund' ? 'Retrying…' : 'Retry refund'}
            </button>
          )}
        </p>
      )}
      {open === 'cancel' && (
        <section className="editor" aria-labelledby="move-form-title">
          <h3 id="move-form-title" ref={formHeading} tabIndex={-1}>
            Cancel this order?
          </h3>
          <p>Its stock goes back to the catalog and its payment is refunded.</p>
          <form onSubmit={submit('cancel')} noValidate aria-busy={busy === 'cancel'}>
            {reasonField}
            <p className="actions">
              <button type="submit" className="button button-danger" disabled={anyBusy}>
                {busy === 'cancel' ? 'Cancelling…' : 'Yes, cancel the order'}
              </button>
              <button type="button" className="button button-secondary" onClick={close} disabled={anyBusy}>
                Keep the order
              </button>
            </p>
          </form>
        </section>
      )}
      {open === 'refund' && (
        <section className="editor" aria-labelledby="move-form-title">
          <h3 id="move-form-title" ref={formHeading} tabIndex={-1}>
            Refund this order (a return)
          </h3>
          <form onSubmit={submit('refund')} noValidate aria-busy={busy === 'refund'}>
            <div className="field field-checkbox">
              <input id="refund-restock" type="checkbox" checked={restock} onChange={(e) => setRestock(e.target.checked)} aria-describedby="refund-restock-hint" />
              <label htmlFor="refund-restock">Put the stock back</label>
              <p className="field-hint" id="refund-restock-hint">
                Tick it when the parcel came back whole: its items return to the catalog.
              </p>
            </div>
            {reasonField}
            <p className="actions">
              <button type="submit" className="button" disabled={anyBusy}>
                {busy === 'refund' ? 'Refunding…' : 'Refund the order'}
              </button>
              <button type="button" className="button button-secondary" onClick={close} disabled={anyBusy}>
                Do not refund
              </button>
            </p>
          </form>
        </section>
      )}
    </section>
  );
}
