// The app's single instances, created once when the page loads.
import { createOrderTokenStore } from '../api/order-tokens';
import { createOrderSender } from '../api/orders';
import type { Order } from '../api/types';
import { createRouter } from '../lib/router';
import { createAdminKeyStore, browserSessionStorage } from '../state/admin-key';
import { browserLocalStorage, CART_STORAGE_KEY, createCartStore } from '../state/cart-store';
import { CheckoutAttempts } from '../state/checkout-attempt';

export const SHOP_NAME = 'Evergreen Shop';

export const router = createRouter(window);

export const cartStore = createCartStore(browserLocalStorage());

window.addEventListener('storage', (event) => {
  if (event.key === CART_STORAGE_KEY || event.key === null) {
    cartStore.reload();
  }
});

export const adminKeyStore = createAdminKeyStore(browserSessionStorage());

/** One for the whole page life, so a retry after leaving the checkout page still reuses its key. */
/** Order access tokens of this tab (sessionStorage), for the order pages. */
export const orderTokens = createOrderTokenStore(browserSessionStorage());

export const checkoutAttempts = new CheckoutAttempts({ send: createOrderSender(undefined, orderTokens) });

/** The order the checkout just placed, so the confirmation needs no extra request. */
let lastPlacedOrder: Order | null = null;

export function rememberPlacedOrder(order: Order): void {
  lastPlacedOrder = order;
}

export function placedOrder(id: string): Order | null {
  return lastPlacedOrder?.id === id ? lastPlacedOrder : null;
}
