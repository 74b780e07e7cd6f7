// The cart shared by every page: kept in localStorage, announced to React
// through subscribe/getSnapshot, and kept in step with other tabs.
import { EMPTY_CART, parseCart, serializeCart, type Cart } from './cart';

export const CART_STORAGE_KEY = 'shop.cart.v1';

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface CartStore {
  getSnapshot(): Cart;
  subscribe(listener: () => void): () => void;
  update(change: (cart: Cart) => Cart): Cart;
  clear(): void;
  /** Re-reads storage (another tab changed it). */
  reload(): void;
}

function readStorage(storage: StorageLike | null): Cart {
  if (!storage) {
    return EMPTY_CART;
  }
  try {
    return parseCart(storage.getItem(CART_STORAGE_KEY));
  } catch {
    return EMPTY_CART;
  }
}

function writeStorage(storage: StorageLike | null, cart: Cart): void {
  if (!storage) {
    return;
  }
  try {
    if (cart.lines.length === 0) {
      storage.removeItem(CART_STORAGE_KEY);
    } else {
      storage.setItem(CART_STORAGE_KEY, serializeCart(cart));
    }
  } catch {
    // Storage full or disabled: the cart still works for this page's life.
  }
}

export function createCartStore(storage: StorageLike | null): CartStore {
  let cart = readStorage(storage);
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) {
      listener();
    }
  };
  return {
    getSnapshot: () => cart,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    update(change) {
      const next = change(cart);
      if (next !== cart) {
        cart = next;
        writeStorage(storage, cart);
        notify();
      }
      return cart;
    },
    clear() {
      cart = EMPTY_CART;
      writeStorage(storage, cart);
      notify();
    },
    reload() {
      cart = readStorage(storage);
      notify();
    },
  };
}

/** localStorage when the browser lets this page use it. */
export function browserLocalStorage(): StorageLike | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
