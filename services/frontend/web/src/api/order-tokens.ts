// Order access tokens (the `access_token` of a checkout answer that records
// the order) live in sessionStorage only, keyed by order id: the confirmation
// and order pages send one as `X-Order-Token`. A token never reaches a URL,
// a cookie or localStorage; it is gone when the tab closes.

/** The part of Web Storage used here (sessionStorage in the browser). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const ORDER_TOKENS_STORAGE_KEY = 'shop.orderTokens';
/** The most recent orders of this tab whose pages stay open. */
export const MAX_ORDER_TOKENS = 20;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface OrderTokenStore {
  get(orderId: string): string | null;
  /** Keeps `token` for `orderId` (the latest answer's token replaces an earlier one). */
  remember(orderId: string, token: string): void;
}

/** The `access_token` an answer body carries, if it has one of the right shape. */
export function accessTokenOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) {
    return null;
  }
  const token: unknown = (body as Record<string, unknown>)['access_token'];
  return typeof token === 'string' && TOKEN.test(token) ? token : null;
}

export function createOrderTokenStore(storage: TokenStorage | null): OrderTokenStore {
  let memory: [string, string][] = [];
  const read = (): [string, string][] => {
    try {
      const text = storage?.getItem(ORDER_TOKENS_STORAGE_KEY);
      if (!text) {
        return memory;
      }
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) {
        return memory;
      }
      const entries: unknown[] = parsed;
      return entries.filter(
        (e): e is [string, string] =>
          Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string' && TOKEN.test(e[1]),
      );
    } catch {
      return memory;
    }
  };
  return {
    get(orderId) {
      return read().find(([id]) => id === orderId)?.[1] ?? null;
    },
    remember(orderId, token) {
      if (!TOKEN.test(token)) {
        return;
      }
      memory = [...read().filter(([id]) => id !== orderId), [orderId, token] as [string, string]].slice(-MAX_ORDER_TOKENS);
      try {
        storage?.setItem(ORDER_TOKENS_STORAGE_KEY, JSON.stringify(memory));
      } catch {
        // Storage disabled: the token lasts as long as this page.
      }
    },
  };
}
