// The admin key lives in sessionStorage only: it is gone when the tab closes
// and never reaches localStorage, a cookie or a URL.
import type { StorageLike } from './cart-store';

export const ADMIN_KEY_STORAGE_KEY = 'shop.adminKey';

export interface AdminKeyStore {
  get(): string;
  set(key: string): void;
  clear(): void;
}

export function createAdminKeyStore(storage: StorageLike | null): AdminKeyStore {
  let memory = '';
  return {
    get() {
      try {
        return storage?.getItem(ADMIN_KEY_STORAGE_KEY) ?? memory;
      } catch {
        return memory;
      }
    },
    set(key) {
      memory = key;
      try {
        storage?.setItem(ADMIN_KEY_STORAGE_KEY, key);
      } catch {
        // Storage disabled: the key lasts as long as this page.
      }
    },
    clear() {
      memory = '';
      try {
        storage?.removeItem(ADMIN_KEY_STORAGE_KEY);
      } catch {
        // Nothing stored.
      }
    },
  };
}

export function browserSessionStorage(): StorageLike | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}
