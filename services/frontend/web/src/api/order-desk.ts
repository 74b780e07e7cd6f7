// The admin's order desk (Authorization: Bearer <admin key>): the list with
// its filters and keyset cursor, one order with its lifecycle, and the moves
// fulfil, cancel, refund and retry-refund.
import { browserFetch, requestJson, type FetchLike } from './http';
import { cancelBody, orderPath, sendMove, type MoveOutcome } from './orders';
import { decodeOrderDetail, decodeOrderList, type OrderDetail, type OrderList, type OrderStatus, type RefundRequest } from './types';

/** GET /api/orders accepts 1 to 100 (default 20). */
export const MAX_ORDER_PAGE_SIZE = 100;

/** What the order desk asks GET /api/orders for. Instants are RFC 3339 (UTC). */
export interface OrderQuery {
  statuses: readonly OrderStatus[];
  email: string;
  createdFrom: string | null;
  /** Exclusive: orders created before this instant. */
  createdTo: string | null;
  limit: number;
  cursor: string | null;
}

/**
 * The query string of GET /api/orders (without "?"): `status` as one
 * comma-separated list, every other value percent-encoded (a `+` in an email
 * is sent as %2B, as the document asks); empty filters are left out.
 */
export function orderListQuery(query: OrderQuery): string {
  const parts: string[] = [];
  const add = (name: string, value: string | null): void => {
    if (value !== null && value !== '') {
      parts.push(`${name}=${encodeURIComponent(value)}`);
    }
  };
  if (query.statuses.length > 0) {
    // The statuses are the document's upper-case names: the commas stay literal.
    parts.push(`status=${[...new Set(query.statuses)].join(',')}`);
  }
  add('email', query.email.trim());
  add('created_from', query.createdFrom);
  add('created_to', query.createdTo);
  add('limit', String(Math.min(Math.max(Math.trunc(query.limit), 1), MAX_ORDER_PAGE_SIZE)));
  add('cursor', query.cursor);
  return parts.join('&');
}

export interface RefundInput {
  restock: boolean;
  reason: string;
}

/** The body of a refund: `restock` always, `reason` when one was given (trimmed). */
export function refundBody(input: RefundInput): RefundRequest {
  const reason = input.reason.trim();
  return reason === '' ? { restock: input.restock } : { restock: input.restock, reason };
}

export interface OrderDeskApi {
  list(query: OrderQuery, signal?: AbortSignal): Promise<OrderList>;
  get(id: string, signal?: AbortSignal): Promise<OrderDetail>;
  fulfil(id: string): Promise<MoveOutcome>;
  cancel(id: string, idempotencyKey: string, reason: string): Promise<MoveOutcome>;
  refund(id: string, idempotencyKey: string, input: RefundInput): Promise<MoveOutcome>;
  retryRefund(id: string): Promise<MoveOutcome>;
}

export function createOrderDeskApi(adminKey: string, fetchFn: FetchLike = browserFetch): OrderDeskApi {
  const auth = (extra: Record<string, string> = {}): Record<string, string> => ({ Authorization: `Bearer ${adminKey}`, ...extra });
  const read = (signal: AbortSignal | undefined): RequestInit => {
    const init: RequestInit = { headers: auth(), cache: 'no-store' };
    if (signal) {
      init.signal = signal;
    }
    return init;
  };
  return {
    async list(query, signal) {
      const result = await requestJson(fetchFn, `/api/orders?${orderListQuery(query)}`, read(signal), (b) => decodeOrderList(b));
      return result.data;
    },
    async get(id, signal) {
      const result = await requestJson(fetchFn, orderPath(id), read(signal), (b) => decodeOrderDetail(b));
      return result.data;
    },
    fulfil: (id) => sendMove(fetchFn, orderPath(id, 'fulfil'), { headers: auth() }),
    cancel: (id, idempotencyKey, reason) =>
      sendMove(fetchFn, orderPath(id, 'cancel'), { headers: auth({ 'Idempotency-Key': idempotencyKey }), body: JSON.stringify(cancelBody(reason)) }),
    refund: (id, idempotencyKey, input) =>
      sendMove(fetchFn, orderPath(id, 'refund'), { headers: auth({ 'Idempotency-Key': idempotencyKey }), body: JSON.stringify(refundBody(input)) }),
    retryRefund: (id) => sendMove(fetchFn, orderPath(id, 'retry-refund'), { headers: auth() }),
  };
}
