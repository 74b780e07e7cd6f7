import { Link } from '../../components/Link';

/** The admin's two desks: product editing and orders. */
export function AdminNav({ current }: { current: 'products' | 'orders' }) {
  return (
    <nav aria-label="Admin" className="admin-nav">
      <ul>
        <li>
          <Link to="/admin" aria-current={current === 'products' ? 'page' : undefined}>
            Products
          </Link>
        </li>
        <li>
          <Link to="/admin/orders" aria-current={current === 'orders' ? 'page' : undefined}>
            Orders
          </Link>
        </li>
      </ul>
    </nav>
  );
}
