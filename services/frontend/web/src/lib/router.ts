// A small client-side router over the History API: the current location as
// an external store, navigation, path patterns with :params, and the rule for
// which link clicks the app handles itself.

export interface RouteLocation {
  pathname: string;
  search: string;
}

/** The parts of `window` the router uses (a fake one in tests). */
export interface HistoryHost {
  location: { pathname: string; search: string; origin: string };
  history: {
    pushState(data: unknown, unused: string, url?: string | URL | null): void;
    replaceState(data: unknown, unused: string, url?: string | URL | null): void;
  };
  addEventListener(type: 'popstate', listener: () => void): void;
  removeEventListener(type: 'popstate', listener: () => void): void;
  scrollTo?(x: number, y: number): void;
}

export interface NavigateOptions {
  replace?: boolean;
}

export interface Router {
  getLocation(): RouteLocation;
  subscribe(listener: () => void): () => void;
  navigate(to: string, options?: NavigateOptions): void;
}

export function createRouter(host: HistoryHost): Router {
  let current: RouteLocation = { pathname: host.location.pathname, search: host.location.search };
  const listeners = new Set<() => void>();
  const refresh = (): void => {
    const { pathname, search } = host.location;
    if (pathname !== current.pathname || search !== current.search) {
      current = { pathname, search };
      for (const listener of listeners) {
        listener();
      }
    }
  };
  const onPopState = (): void => refresh();
  return {
    getLocation: () => current,
    subscribe(listener) {
      if (listeners.size === 0) {
        host.addEventListener('popstate', onPopState);
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          host.removeEventListener('popstate', onPopState);
        }
      };
    },
    navigate(to, options = {}) {
      const url = new URL(to, host.location.origin);
      if (url.origin !== host.location.origin) {
        throw new Error(`refusing to navigate to another origin: ${to}`);
      }
      const target = `${url.pathname}${url.search}`;
      const same = url.pathname === current.pathname && url.search === current.search;
      if (options.replace || same) {
        host.history.replaceState(null, '', target);
      } else {
        host.history.pushState(null, '', target);
        host.scrollTo?.(0, 0);
      }
      refresh();
    },
  };
}

export type RouteParams = Readonly<Record<string, string>>;

/** Matches "/products/:id" against "/products/42" -> { id: "42" }; null when it does not match. */
export function matchPath(pattern: string, pathname: string): RouteParams | null {
  const patternParts = pattern.split('/').filter((p) => p !== '');
  const pathParts = pathname.split('/').filter((p) => p !== '');
  if (patternParts.length !== pathParts.length) {
    return null;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < patternParts.length; i += 1) {
    const want = patternParts[i] ?? '';
    const have = pathParts[i] ?? '';
    if (want.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(have);
      } catch {
        return null;
      }
      params[want.slice(1)] = value;
    } else if (want !== have) {
      return null;
    }
  }
  return params;
}

export interface RouteTable<T> {
  pattern: string;
  value: T;
}

export interface RouteMatch<T> {
  value: T;
  params: RouteParams;
}

export function matchRoute<T>(routes: readonly RouteTable<T>[], pathname: string): RouteMatch<T> | null {
  for (const route of routes) {
    const params = matchPath(route.pattern, pathname);
    if (params) {
      return { value: route.value, params };
    }
  }
  return null;
}

/** The click facts that decide whether the router takes a link click. */
export interface LinkClick {
  button: number;
  defaultPrevented: boolean;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  target: string;
  download: boolean;
  href: string;
}

/** True for a plain left click on a same-origin link meant for this tab. */
export function isRouterClick(click: LinkClick, origin: string): boolean {
  if (click.defaultPrevented || click.button !== 0 || click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) {
    return false;
  }
  if ((click.target !== '' && click.target !== '_self') || click.download) {
    return false;
  }
  try {
    return new URL(click.href, origin).origin === origin;
  } catch {
    return false;
  }
}

export function searchParam(search: string, name: string): string {
  return new URLSearchParams(search).get(name) ?? '';
}

/** "/products" + { q: "mug", category: "" } -> "/products?q=mug". */
export function withQuery(pathname: string, params: Readonly<Record<string, string | null | undefined>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') {
      query.set(key, value);
    }
  }
  const text = query.toString();
  return text === '' ? pathname : `${pathname}?${text}`;
}
