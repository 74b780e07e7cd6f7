import { lazy, Suspense, useEffect, useRef } from 'react';
import { Layout } from '../components/Layout';
import { Loading } from '../components/Status';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { useLocation } from '../hooks/useStores';
import { matchRoute, type RouteParams } from '../lib/router';
import { CartPage } from '../pages/CartPage';
import { CatalogPage } from '../pages/CatalogPage';
import { HomePage } from '../pages/HomePage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { ProductPage } from '../pages/ProductPage';
import { ROUTES, type PageName } from './routes';

const CheckoutPage = lazy(() => import('../pages/CheckoutPage'));
const ConfirmationPage = lazy(() => import('../pages/ConfirmationPage'));
const OrderPage = lazy(() => import('../pages/OrderPage'));
const AdminPage = lazy(() => import('../pages/AdminPage'));
const AdminOrdersPage = lazy(() => import('../pages/AdminOrdersPage'));
const AdminOrderPage = lazy(() => import('../pages/AdminOrderPage'));

function Page({ name, params, search }: { name: PageName; params: RouteParams; search: string }) {
  switch (name) {
    case 'home':
      return <HomePage />;
    case 'catalog':
      return <CatalogPage search={search} />;
    case 'product':
      return <ProductPage id={params['id'] ?? ''} />;
    case 'cart':
      return <CartPage />;
    case 'checkout':
      return <CheckoutPage />;
    case 'confirmation':
      return <ConfirmationPage id={params['id'] ?? ''} />;
    case 'order':
      return <OrderPage id={params['id'] ?? ''} />;
    case 'admin':
      return <AdminPage />;
    case 'admin-orders':
      return <AdminOrdersPage search={search} />;
    case 'admin-order':
      return <AdminOrderPage id={params['id'] ?? ''} />;
  }
}

function focusMainHeading(): void {
  const target = document.querySelector<HTMLElement>('main h1') ?? document.getElementById('main');
  if (target) {
    if (!target.hasAttribute('tabindex')) {
      target.setAttribute('tabindex', '-1');
    }
    target.focus({ preventScroll: true });
  }
}

/**
 * After a client-side navigation, focus goes to the new page's heading, so
 * screen readers announce the page and keyboard users start from its top.
 * Pages that load render their heading again when the data arrives: until
 * the person does something, a heading that replaced the focused one gets
 * the focus back.
 */
function useFocusOnNavigation(key: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return undefined;
    }
    focusMainHeading();
    const main = document.getElementById('main');
    if (!main) {
      return undefined;
    }
    const observer = new MutationObserver(() => {
      if (document.activeElement === null || document.activeElement === document.body) {
        focusMainHeading();
      }
    });
    observer.observe(main, { childList: true, subtree: true });
    const stop = (): void => observer.disconnect();
    const timer = setTimeout(stop, 10_000);
    window.addEventListener('pointerdown', stop, { once: true });
    window.addEventListener('keydown', stop, { once: true });
    return () => {
      stop();
      clearTimeout(timer);
      window.removeEventListener('pointerdown', stop);
      window.removeEventListener('keydown', stop);
    };
  }, [key]);
}

export function App() {
  const location = useLocation();
  const match = matchRoute(ROUTES, location.pathname);
  useFocusOnNavigation(location.pathname);
  return (
    <Layout>
      <ErrorBoundary key={location.pathname}>
        <Suspense fallback={<Loading label="Loading the page…" />}>
          {match ? <Page name={match.value} params={match.params} search={location.search} /> : <NotFoundPage />}
        </Suspense>
      </ErrorBoundary>
    </Layout>
  );
}
