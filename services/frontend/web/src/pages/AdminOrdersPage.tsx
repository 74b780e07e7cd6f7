// The order desk: the orders (newest first), filtered by status, customer
// email and the days they were placed, a keyset page at a time.
import { useEffect, useMemo, useRef, useState } from 'react';
import { createOrderDeskApi } from '../api/order-desk';
import type { OrderList } from '../api/types';
import { router } from '../app/services';
import { Link } from '../components/Link';
import { formatDate, MaybePrice, OrderStatusBadge } from '../components/OrderDetails';
import { Loading } from '../components/Status';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { filtersFromSearch, orderQueryOf, searchOfFilters, type OrderFilters } from '../state/order-filters';
import { AdminKeyForm } from './admin/AdminKeyForm';
import { AdminKeySession } from './admin/AdminKeySession';
import { AdminNav } from './admin/AdminNav';
import { ApiErrorNotice } from './admin/ApiErrorNotice';
import { rememberDeskSearch } from './admin/desk-location';
import { OrderFilterForm } from './admin/OrderFilterForm';
import { isAuthError, useAdminKey } from './admin/useAdminKey';

/** Which page of a filtered list is shown: the cursors that led to it (null: the first page). */
interface Paging {
  search: string;
  cursors: (string | null)[];
}

export default function AdminOrdersPage({ search }: { search: string }) {
  useDocumentTitle('Order desk');
  const admin = useAdminKey();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const [paging, setPaging] = useState<Paging>({ search, cursors: [null] });
  if (paging.search !== search) {
    // New filters start at their first page.
    setPaging({ search, cursors: [null] });
  }
  const cursor = paging.cursors[paging.cursors.length - 1] ?? null;
  const pageNumber = paging.cursors.length;
  const api = useMemo(() => createOrderDeskApi(admin.key), [admin.key]);
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const focusResults = useRef(false);

  useEffect(() => {
    rememberDeskSearch(search);
  }, [search]);

  const listing = useAsync<OrderList | null>(
    (signal) => (admin.key === '' ? Promise.resolve(null) : api.list(orderQueryOf(filters, cursor), signal)),
    [api, filters, cursor, admin.key],
  );
  const page = listing.state.status === 'ready' ? listing.state.data : null;
  const error = listing.state.status === 'error' ? listing.state.error : null;

  // A refused key is forgotten (the key form comes back) and the refusal stays on screen.
  const [refused, setRefused] = useState<unknown>(null);
  const { forget } = admin;
  useEffect(() => {
    if (error !== null && isAuthError(error)) {
      setRefused(error);
      forget();
    }
  }, [error, forget]);
  const acceptKey = (key: string): void => {
    setRefused(null);
    admin.accept(key);
  };

  useEffect(() => {
    if (page !== null && focusResults.current) {
      focusResults.current = false;
      resultsHeading.current?.focus();
    }
  }, [page]);

  const applyFilters = (next: OrderFilters): void => {
    const nextSearch = searchOfFilters(next);
    if (nextSearch === search) {
      setPaging({ search, cursors: [null] });
      listing.reload();
    } else {
      router.navigate(`/admin/orders${nextSearch}`);
    }
    focusResults.current = true;
  };

  const turn = (cursors: (string | null)[]): void => {
    focusResults.current = true;
    setPaging({ search, cursors });
  };

  const count = page === null ? '' : `${String(page.items.length)} ${page.items.length === 1 ? 'order' : 'orders'} on page ${String(pageNumber)}.`;

  return (
    <section className="page admin" aria-labelledby="desk-title">
      <h1 id="desk-title">Order desk</h1>
      <AdminNav current="orders" />
      {refused !== null && <ApiErrorNotice title="The admin key was refused" error={refused} />}
      {error !== null && !isAuthError(error) && <ApiErrorNotice title="The orders could not be loaded" error={error} />}
      {admin.key === '' ? (
        <AdminKeyForm onKey={acceptKey} />
      ) : (
        <>
          <AdminKeySession onForget={admin.forget} />
          <OrderFilterForm key={search} initial={filters} onFilter={applyFilters} />
          <section aria-labelledby="desk-orders-title">
            <h2 id="desk-orders-title" ref={resultsHeading} tabIndex={-1}>
              Orders
            </h2>
            <p className="result-count" role="status">
              {count}
            </p>
            {listing.state.status === 'loading' && <Loading label="Loading orders…" />}
            {error !== null && !isAuthError(error) && (
              <p>
                <button type="button" className="button button-secondary" onClick={listing.reload}>
                  Try again
                </button>
              </p>
            )}
            {page && page.items.length === 0 && <p>No order matches these filters.</p>}
            {page && page.items.length > 0 && (
              <div className="table-scroll">
                <table className="admin-table">
                  <caption className="visually-hidden">Orders, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Order</th>
                      <th scope="col">Placed</th>
                      <th scope="col">Customer</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="num">
                        Total
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((order) => (
                      <tr key={order.id}>
                        <th scope="row">
                          <Link to={`/admin/orders/${encodeURIComponent(order.id)}`}>
                            Order <code>{order.id.slice(0, 8)}</code>
                          </Link>
                        </th>
                        <td>{formatDate(order.created_at)}</td>
                        <td>
                          {order.customer.name}
                          <span className="admin-sku">{order.customer.email}</span>
                        </td>
                        <td>
                          <OrderStatusBadge status={order.status} />
                        </td>
                        <td className="num">
                          <MaybePrice cents={order.total_cents} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {page && (pageNumber > 1 || page.next_cursor !== null) && (
              <p className="actions">
                {pageNumber > 1 && (
                  <button type="button" className="button button-secondary" onClick={() => turn(paging.cursors.slice(0, -1))}>
                    Previous page
                  </button>
                )}
                {page.next_cursor !== null && (
                  <button type="button" className="button button-secondary" onClick={() => turn([...paging.cursors, page.next_cursor])}>
                    Next page
                  </button>
                )}
              </p>
            )}
          </section>
        </>
      )}
    </section>
  );
}
