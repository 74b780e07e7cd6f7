import { describe, expect, it } from 'vitest';
import { createRouter, isRouterClick, matchPath, matchRoute, searchParam, withQuery, type HistoryHost, type LinkClick } from './router';

function fakeWindow(path = '/'): HistoryHost & { entries: string[]; back(): void; listeners: Set<() => void> } {
  const origin = 'http://shop.test';
  const entries = [path];
  let index = 0;
  const listeners = new Set<() => void>();
  const location = { pathname: '/', search: '', origin };
  const apply = (url: string): void => {
    const u = new URL(url, origin);
    location.pathname = u.pathname;
    location.search = u.search;
  };
  apply(path);
  return {
    location,
    entries,
    listeners,
    history: {
      pushState(_d, _u, url) {
        entries.splice(index + 1);
        entries.push(String(url));
        index += 1;
        apply(String(url));
      },
      replaceState(_d, _u, url) {
        entries[index] = String(url);
        apply(String(url));
      },
    },
    addEventListener: (_t, l) => listeners.add(l),
    removeEventListener: (_t, l) => listeners.delete(l),
    back() {
      index -= 1;
      apply(entries[index] ?? '/');
      for (const l of listeners) {
        l();
      }
    },
  };
}

describe('createRouter', () => {
  it('pushes, notifies and follows the back button', () => {
    const win = fakeWindow('/');
    const router = createRouter(win);
    const seen: string[] = [];
    const stop = router.subscribe(() => seen.push(router.getLocation().pathname + router.getLocation().search));
    router.navigate('/products?q=mug');
    router.navigate('/products/3');
    expect(win.entries).toEqual(['/', '/products?q=mug', '/products/3']);
    win.back();
    expect(router.getLocation()).toEqual({ pathname: '/products', search: '?q=mug' });
    expect(seen).toEqual(['/products?q=mug', '/products/3', '/products?q=mug']);
    stop();
    expect(win.listeners.size).toBe(0);
  });

  it('replaces instead of pushing when asked, or when the location is the same', () => {
    const win = fakeWindow('/cart');
    const router = createRouter(win);
    router.navigate('/cart');
    router.navigate('/checkout', { replace: true });
    expect(win.entries).toEqual(['/checkout']);
  });

  it('keeps the snapshot stable between changes', () => {
    const router = createRouter(fakeWindow('/a'));
    expect(router.getLocation()).toBe(router.getLocation());
  });

  it('refuses another origin', () => {
    expect(() => createRouter(fakeWindow()).navigate('https://evil.test/x')).toThrow(/another origin/);
  });
});

describe('matching paths', () => {
  it('matches static and parameter segments', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/products', '/products/')).toEqual({});
    expect(matchPath('/products/:id', '/products/42')).toEqual({ id: '42' });
    expect(matchPath('/orders/:id', '/orders/a%20b')).toEqual({ id: 'a b' });
    expect(matchPath('/products/:id', '/products')).toBeNull();
    expect(matchPath('/products/:id', '/products/1/2')).toBeNull();
    expect(matchPath('/orders/:id', '/orders/%E0%A4%A')).toBeNull();
  });

  it('takes the first route that matches', () => {
    const routes = [
      { pattern: '/products', value: 'catalog' },
      { pattern: '/products/:id', value: 'product' },
    ];
    expect(matchRoute(routes, '/products/9')).toEqual({ value: 'product', params: { id: '9' } });
    expect(matchRoute(routes, '/nowhere')).toBeNull();
  });

  it('reads and writes query strings', () => {
    expect(searchParam('?q=blue+mug&category=kitchen', 'q')).toBe('blue mug');
    expect(searchParam('', 'q')).toBe('');
    expect(withQuery('/products', { q: 'mug', category: '', cursor: null })).toBe('/products?q=mug');
    expect(withQuery('/products', {})).toBe('/products');
  });
});

describe('isRouterClick', () => {
  const base: LinkClick = { button: 0, defaultPrevented: false, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, target: '', download: false, href: 'http://shop.test/cart' };
  const origin = 'http://shop.test';

  it('takes a plain left click on a same-origin link', () => {
    expect(isRouterClick(base, origin)).toBe(true);
    expect(isRouterClick({ ...base, target: '_self' }, origin)).toBe(true);
  });

  it('leaves modified clicks, other buttons, new tabs, downloads and other origins to the browser', () => {
    expect(isRouterClick({ ...base, ctrlKey: true }, origin)).toBe(false);
    expect(isRouterClick({ ...base, metaKey: true }, origin)).toBe(false);
    expect(isRouterClick({ ...base, shiftKey: true }, origin)).toBe(false);
    expect(isRouterClick({ ...base, button: 1 }, origin)).toBe(false);
    expect(isRouterClick({ ...base, target: '_blank' }, origin)).toBe(false);
    expect(isRouterClick({ ...base, download: true }, origin)).toBe(false);
    expect(isRouterClick({ ...base, defaultPrevented: true }, origin)).toBe(false);
    expect(isRouterClick({ ...base, href: 'https://elsewhere.test/' }, origin)).toBe(false);
  });
});
