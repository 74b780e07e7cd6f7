import type { ReactNode } from 'react';
import { SHOP_NAME } from '../app/services';
import { useCart, useLocation } from '../hooks/useStores';
import { cartTotals } from '../state/cart';
import { Link } from './Link';

function NavLink({ to, children, current }: { to: string; children: ReactNode; current: boolean }) {
  return (
    <Link to={to} className="nav-link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const { itemCount } = cartTotals(useCart());
  const itemsText = `${String(itemCount)} ${itemCount === 1 ? 'item' : 'items'}`;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            {SHOP_NAME}
          </Link>
          <nav aria-label="Main">
            <ul className="nav">
              <li>
                <NavLink to="/products" current={pathname === '/products' || pathname.startsWith('/products/')}>
                  Products
                </NavLink>
              </li>
              <li>
                <NavLink to="/cart" current={pathname === '/cart'}>
                  Cart <span className="cart-count">{itemsText}</span>
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin" current={pathname === '/admin' || pathname.startsWith('/admin/')}>
                  Admin
                </NavLink>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>A demo shop: no real payments are taken. Prices in US dollars.</p>
      </footer>
    </>
  );
}
