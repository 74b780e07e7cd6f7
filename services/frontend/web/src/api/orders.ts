// order-service: placing an order under an Idempotency-Key, reading one, and
// the customer's cancel (the moves of the order's lifecycle).
import { isRecord } from './decode';
import { ApiError, browserFetch, decodeBody, errorFromResponse, requestJson, sendRequest, type FetchLike, type FieldError } from './http';
import { accessTokenOf, type OrderTokenStore } from './order-tokens';
import {
  decodeOrder,
  decodeOrderDetail,
  decodeOrderStatus,
  decodeShortage,
  type CancelRequest,
  type Order,
  type OrderDetail,
  type OrderErrorCode,
  type OrderRequest,
  type OrderStatus,
  type Shortage,
} from './types';

// The codes the checkout page tells apart, typed by the document: renaming
// one there fails the typecheck here.
const REQUEST_IN_PROGRESS: OrderErrorCode<'RequestInProgressError'> = 'request_in_progress';
const INSUFFICIENT_STOCK: OrderErrorCode<'InsufficientStockError'> = 'insufficient_stock';
const ORDER_CANCELLED: OrderErrorCode<'OrderCancelledError'> = 'order_cancelled';
const UNKNOWN_PRODUCT: OrderErrorCode<'UnknownProductError'> = 'unknown_product';
const ILLEGAL_TRANSITION: OrderErrorCode<'IllegalTransitionError'> = 'illegal_transition';

/** What became of one POST /api/orders, as the checkout page needs to know it. */
export type OrderOutcome =
  | { kind: 'created'; order: Order }
  | { kind: 'declined'; code: string; message: string; order: Order | null }
  | { kind: 'insufficient_stock'; message: string; shortages: Shortage[] }
  /** 409 order_cancelled: the order could not be completed and was compensated; its key is spent. */
  | { kind: 'cancelled'; message: string; order: Order | null }
  /** 422 unknown_product: the order was recorded REJECTED; `productIds` are the lines that do not exist. */
  | { kind: 'unknown_product'; message: string; productIds: number[]; order: Order | null }
  | { kind: 'in_progress'; message: string; retryAfterSeconds: number | null }
  | { kind: 'invalid'; code: string; message: string; details: readonly FieldError[] }
  | { kind: 'unavailable'; code: string; message: string; retryAfterSeconds: number | null }
  | { kind: 'network'; message: string }
  | { kind: 'failed'; status: number; code: string; message: string };

/** Outcomes after which the same attempt may be sent again with the same key. */
export function isRetryable(outcome: OrderOutcome): boolean {
  return outcome.kind === 'in_progress' || outcome.kind === 'unavailable' || outcome.kind === 'network';
}

function shortagesOf(body: unknown): Shortage[] {
  const error = isRecord(body) ? body['error'] : undefined;
  const list = isRecord(error) ? error['shortages'] : undefined;
  if (!Array.isArray(list)) {
    return [];
  }
  const items: unknown[] = list;
  const shortages: Shortage[] = [];
  items.forEach((item, i) => {
    try {
      shortages.push(decodeShortage(item, `shortages[${String(i)}]`));
    } catch {
      // A malformed entry is left out; the message still says what happened.
    }
  });
  return shortages;
}

/** The order an answer carries beside its error (`{"error":…,"order":…}`), if it is readable. */
function orderBeside(body: unknown): Order | null {
  if (!isRecord(body) || body['order'] === undefined) {
    return null;
  }
  try {
    return decodeOrder(body['order']);
  } catch {
    return null;
  }
}

const ITEM_PRODUCT_FIELD = /^items\[(\d+)\]\.product_id$/;

/**
 * The product ids of the lines an unknown_product answer names
 * (`details[].field` = "items[1].product_id"): looked up in the request that
 * was sent, else in the order the answer carries.
 */
export function unknownProductIds(details: readonly FieldError[], request: OrderRequest | null, order: Order | null): number[] {
  const ids: number[] = [];
  for (const detail of details) {
    const match = ITEM_PRODUCT_FIELD.exec(detail.field);
    if (!match) {
      continue;
    }
    const index = Number(match[1]);
    const id = request?.items[index]?.product_id ?? order?.items[index]?.product_id;
    if (id !== undefined && !ids.includes(id)) {
      ids.push(id);
    }
  }
  return ids;
}

/** Maps an error answer of POST /api/orders (for `request`, when known) to an outcome. */
export function outcomeOfError(error: ApiError, request: OrderRequest | null = null): OrderOutcome {
  if (error.code === 'network_error') {
    return { kind: 'network', message: error.message };
  }
  switch (error.status) {
    case 402:
      return { kind: 'declined', code: error.code, message: error.message, order: orderBeside(error.body) };
    case 409:
      if (error.code === REQUEST_IN_PROGRESS) {
        return { kind: 'in_progress', message: error.message, retryAfterSeconds: error.retryAfterSeconds };
      }
      if (error.code === INSUFFICIENT_STOCK) {
        return { kind: 'insufficient_stock', message: error.message, shortages: shortagesOf(error.body) };
      }
      if (error.code === ORDER_CANCELLED) {
        return { kind: 'cancelled', message: error.message, order: orderBeside(error.body) };
      }
      break;
    case 422:
      if (error.code === UNKNOWN_PRODUCT) {
        const order = orderBeside(error.body);
        return { kind: 'unknown_product', message: error.message, productIds: unknownProductIds(error.details, request, order), order };
      }
      return { kind: 'invalid', code: error.code, message: error.message, details: error.details };
    case 502:
    case 503:
    case 504:
      return { kind: 'unavailable', code: error.code, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
    default:
      break;
  }
  return { kind: 'failed', status: error.status, code: error.code, message: error.message };
}

export type OrderSender = (idempotencyKey: string, request: OrderRequest) => Promise<OrderOutcome>;

/**
 * POST /api/orders. Never throws for an HTTP answer: every answer is an
 * outcome. The order access token of an answer that records the order
 * (201, 402, 409/422 with an order) goes to `tokens` (the latest answer's
 * token is the one that works).
 */
export function createOrderSender(fetchFn: FetchLike = browserFetch, tokens: OrderTokenStore | null = null): OrderSender {
  const keepToken = (body: unknown, order: Order | null) => {
    const token = accessTokenOf(body);
    if (tokens && order && token) {
      tokens.remember(order.id, token);
    }
  };
  return async (idempotencyKey, request) => {
    try {
      const response = await sendRequest(fetchFn, '/api/orders', {
        method: 'POST',
        headers: { 'Idempotency-Key': idempotencyKey },
        body: JSON.stringify(request),
      });
      if (response.status === 201 || response.status === 200) {
        const order = decodeBody(response, (b) => decodeOrder(b));
        keepToken(response.body, order);
        return { kind: 'created', order };
      }
      const outcome = outcomeOfError(errorFromResponse(response), request);
      if ('order' in outcome) {
        keepToken(response.body, outcome.order);
      }
      return outcome;
    } catch (error) {
      if (error instanceof ApiError) {
        return outcomeOfError(error, request);
      }
      throw error;
    }
  };
}

/** GET /api/orders/{id} with the order's access token (`X-Order-Token`; without one the answer is 404). */
export async function getOrder(id: string, token: string | null, signal?: AbortSignal, fetchFn: FetchLike = browserFetch): Promise<OrderDetail> {
  const init: RequestInit = { cache: 'no-store' };
  if (token) {
    init.headers = { 'X-Order-Token': token };
  }
  if (signal) {
    init.signal = signal;
  }
  const result = await requestJson(fetchFn, orderPath(id), init, (b) => decodeOrderDetail(b));
  return result.data;
}

export function orderPath(id: string, move?: 'cancel' | 'fulfil' | 'refund' | 'retry-refund'): string {
  const path = `/api/orders/${encodeURIComponent(id)}`;
  return move === undefined ? path : `${path}/${move}`;
}

/**
 * What became of one move of an order's lifecycle (cancel, fulfil, refund,
 * retry-refund), as docs/api/order-service.yaml answers it.
 */
export type MoveOutcome =
  /** 200: the move is done (CANCELLED, FULFILLED, REFUNDED). */
  | { kind: 'done'; order: OrderDetail }
  /** 202: accepted, not finished: CANCELLING / REFUNDING (poll the order), or *_REFUND_FAILED (staff retry the refund). */
  | { kind: 'accepted'; order: OrderDetail }
  /** 409 illegal_transition: the order's status does not allow the move; nothing changed. */
  | { kind: 'illegal'; currentStatus: OrderStatus | null; error: ApiError }
  /** Any other answer, or none; `retryable` when the same attempt may be sent again with the same key. */
  | { kind: 'error'; error: ApiError; retryable: boolean };

function currentStatusOf(body: unknown): OrderStatus | null {
  const error = isRecord(body) ? body['error'] : undefined;
  try {
    return decodeOrderStatus(isRecord(error) ? error['current_status'] : undefined, 'error.current_status');
  } catch {
    return null;
  }
}

/** Retried with the same key: no answer, or a service that was briefly unavailable. */
function isRetryableError(error: ApiError): boolean {
  return error.code === 'network_error' || error.status === 502 || error.status === 503 || error.status === 504 || error.code === REQUEST_IN_PROGRESS;
}

/** Maps an error of a move to its outcome. */
export function moveOutcomeOfError(error: ApiError): MoveOutcome {
  if (error.status === 409 && error.code === ILLEGAL_TRANSITION) {
    return { kind: 'illegal', currentStatus: currentStatusOf(error.body), error };
  }
  return { kind: 'error', error, retryable: isRetryableError(error) };
}

/** Sends one move; never throws for an HTTP answer (an abort is rethrown). */
export async function sendMove(fetchFn: FetchLike, path: string, init: RequestInit): Promise<MoveOutcome> {
  try {
    const response = await sendRequest(fetchFn, path, { ...init, method: 'POST', cache: 'no-store' });
    if (response.status === 200 || response.status === 202) {
      const order = decodeBody(response, (b) => decodeOrderDetail(b));
      return { kind: response.status === 200 ? 'done' : 'accepted', order };
    }
    return moveOutcomeOfError(errorFromResponse(response));
  } catch (error) {
    if (error instanceof ApiError) {
      return moveOutcomeOfError(error);
    }
    throw error;
  }
}

/** The body of a cancel: `{"reason": ...}` when one was given (trimmed), else `{}`. */
export function cancelBody(reason: string): CancelRequest {
  const trimmed = reason.trim();
  return trimmed === '' ? {} : { reason: trimmed };
}

/**
 * POST /api/orders/{id}/cancel by the customer, with the order's access
 * token (`X-Order-Token`) and the attempt's `Idempotency-Key`.
 */
export function cancelOrder(
  id: string,
  token: string | null,
  idempotencyKey: string,
  reason: string,
  fetchFn: FetchLike = browserFetch,
): Promise<MoveOutcome> {
  const headers: Record<string, string> = { 'Idempotency-Key': idempotencyKey };
  if (token) {
    headers['X-Order-Token'] = token;
  }
  return sendMove(fetchFn, orderPath(id, 'cancel'), { headers, body: JSON.stringify(cancelBody(reason)) });
}
