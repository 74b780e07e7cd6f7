// The storefront home (categories and featured products) is fetched once and
// shared for a minute by the pages that need it.
import { getStorefrontHome } from '../api/catalog';
import type { StorefrontHome } from '../api/types';

const FRESH_MS = 60_000;

let cached: { at: number; promise: Promise<StorefrontHome> } | null = null;

export function loadStorefrontHome(now: number = Date.now()): Promise<StorefrontHome> {
  if (cached && now - cached.at < FRESH_MS) {
    return cached.promise;
  }
  const promise = getStorefrontHome();
  const entry = { at: now, promise };
  cached = entry;
  promise.catch(() => {
    if (cached === entry) {
      cached = null;
    }
  });
  return promise;
}
