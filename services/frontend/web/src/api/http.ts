// One way to call the shop's API: JSON in and out, every failure turned into
// an ApiError that carries the server's {"error":{code,message,details}}.
import { DecodeError, isRecord } from './decode';
import type { FieldError } from './types';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export const browserFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

export type { FieldError };

export const NETWORK_ERROR = 'network_error';
export const BAD_RESPONSE = 'bad_response';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly FieldError[];
  /** The whole parsed error body, for callers that read more than `error`. */
  readonly body: unknown;
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: readonly FieldError[];
    body?: unknown;
    retryAfterSeconds?: number | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.body = init.body ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** The message for one field ("customer.email"), if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field)?.message;
  }
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

function fallbackMessage(status: number): string {
  if (status === 502 || status === 504) {
    return "The shop's server did not answer. Please try again in a moment.";
  }
  if (status === 503) {
    return 'The shop is temporarily unavailable. Please try again in a moment.';
  }
  if (status === 404) {
    return 'Not found.';
  }
  return `Unexpected answer from the server (HTTP ${String(status)}).`;
}

function parseDetails(value: unknown): FieldError[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const items: unknown[] = value;
  const details: FieldError[] = [];
  for (const item of items) {
    if (isRecord(item) && typeof item['field'] === 'string' && typeof item['message'] === 'string') {
      details.push({ field: item['field'], message: item['message'] });
    }
  }
  return details;
}

export function parseRetryAfter(value: string | null): number | null {
  if (value === null || !/^\d{1,6}$/.test(value.trim())) {
    return null;
  }
  return Number(value.trim());
}

/** Builds the ApiError for a response that is not a success. */
export function errorFromResponse(response: RawResponse): ApiError {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
  const error = isRecord(response.body) ? response.body['error'] : undefined;
  if (isRecord(error) && typeof error['code'] === 'string') {
    const message = typeof error['message'] === 'string' && error['message'] !== '' ? error['message'] : fallbackMessage(response.status);
    return new ApiError({
      status: response.status,
      code: error['code'],
      message,
      details: parseDetails(error['details']),
      body: response.body,
      retryAfterSeconds,
    });
  }
  return new ApiError({
    status: response.status,
    code: `http_${String(response.status)}`,
    message: fallbackMessage(response.status),
    body: response.body,
    retryAfterSeconds,
  });
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') {
    return null;
  }
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) {
    return text;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch {
    return text;
  }
}

/**
 * Sends a request and reads its body whatever the status. Throws an ApiError
 * with code `network_error` when no answer came (an abort is rethrown as is).
 */
export async function sendRequest(fetchFn: FetchLike, path: string, init: RequestInit = {}): Promise<RawResponse> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (init.body !== undefined && init.body !== null && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json');
  }
  let response: Response;
  try {
    response = await fetchFn(path, { ...init, headers });
  } catch (error) {
    if (isAbort(error)) {
      throw error;
    }
    throw new ApiError({
      status: 0,
      code: NETWORK_ERROR,
      message: 'Could not reach the shop. Check your connection and try again.',
    });
  }
  let body: unknown;
  try {
    body = await readBody(response);
  } catch (error) {
    if (isAbort(error)) {
      throw error;
    }
    throw new ApiError({ status: 0, code: NETWORK_ERROR, message: 'The connection broke while reading the answer. Please try again.' });
  }
  return { status: response.status, headers: response.headers, body };
}

export interface JsonResult<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** Sends a request and decodes a 2xx body; any other status throws its ApiError. */
export async function requestJson<T>(
  fetchFn: FetchLike,
  path: string,
  init: RequestInit,
  decode: (body: unknown) => T,
): Promise<JsonResult<T>> {
  const response = await sendRequest(fetchFn, path, init);
  if (response.status < 200 || response.status > 299) {
    throw errorFromResponse(response);
  }
  return { status: response.status, headers: response.headers, data: decodeBody(response, decode) };
}

export function decodeBody<T>(response: RawResponse, decode: (body: unknown) => T): T {
  try {
    return decode(response.body);
  } catch (error) {
    const reason = error instanceof DecodeError || error instanceof TypeError ? error.message : 'unreadable body';
    throw new ApiError({
      status: response.status,
      code: BAD_RESPONSE,
      message: `The server sent an answer this page cannot read (${reason}).`,
      body: response.body,
    });
  }
}

/** A human sentence for any error thrown by the API layer. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    return error.message;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return 'Something went wrong.';
}
