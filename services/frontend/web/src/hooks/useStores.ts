// React views of the router and the cart.
import { useSyncExternalStore } from 'react';
import { cartStore, router } from '../app/services';
import type { RouteLocation } from '../lib/router';
import type { Cart } from '../state/cart';

export function useLocation(): RouteLocation {
  return useSyncExternalStore(router.subscribe, router.getLocation);
}

export function useCart(): Cart {
  return useSyncExternalStore(cartStore.subscribe, cartStore.getSnapshot);
}
