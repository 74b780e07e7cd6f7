// The client routes. The frontend service answers every one of these paths
// with index.html (SPA fallback); the page is chosen here.
import type { RouteTable } from '../lib/router';

export type PageName = 'home' | 'catalog' | 'product' | 'cart' | 'checkout' | 'confirmation' | 'order' | 'admin' | 'admin-orders' | 'admin-order';

export const ROUTES: readonly RouteTable<PageName>[] = [
  { pattern: '/', value: 'home' },
  { pattern: '/products', value: 'catalog' },
  { pattern: '/products/:id', value: 'product' },
  { pattern: '/cart', value: 'cart' },
  { pattern: '/checkout', value: 'checkout' },
  { pattern: '/checkout/confirmation/:id', value: 'confirmation' },
  { pattern: '/orders/:id', value: 'order' },
  { pattern: '/admin', value: 'admin' },
  { pattern: '/admin/orders', value: 'admin-orders' },
  { pattern: '/admin/orders/:id', value: 'admin-order' },
];
