// One order at the order desk: its lines, payment, stock and refund, its
// history, and the moves its `actions` allow.
import { useEffect, useMemo, useState } from 'react';
import { createOrderDeskApi } from '../api/order-desk';
import type { OrderDetail } from '../api/types';
import { Link } from '../components/Link';
import { OrderDetails, OrderStatusLine } from '../components/OrderDetails';
import { isInProgress, LifecycleFacts, OrderHistory } from '../components/OrderLifecycle';
import { Loading } from '../components/Status';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { usePolling } from '../hooks/usePolling';
import { AdminKeyForm } from './admin/AdminKeyForm';
import { AdminKeySession } from './admin/AdminKeySession';
import { AdminNav } from './admin/AdminNav';
import { ApiErrorNotice } from './admin/ApiErrorNotice';
import { deskPath } from './admin/desk-location';
import { OrderActions } from './admin/OrderActions';
import { isAuthError, useAdminKey } from './admin/useAdminKey';

const POLL_MS = 2000;
const MAX_POLLS = 60;

export default function AdminOrderPage({ id }: { id: string }) {
  useDocumentTitle(`Order ${id.slice(0, 8)}`);
  const admin = useAdminKey();
  const api = useMemo(() => createOrderDeskApi(admin.key), [admin.key]);
  const loaded = useAsync<OrderDetail | null>((signal) => (admin.key === '' ? Promise.resolve(null) : api.get(id, signal)), [api, id, admin.key]);
  const order = loaded.state.status === 'ready' ? loaded.state.data : null;
  const error = loaded.state.status === 'error' ? loaded.state.error : null;
  usePolling(order !== null && isInProgress(order.status), order, loaded.reload, POLL_MS, MAX_POLLS);

  const [refused, setRefused] = useState<unknown>(null);
  const { forget } = admin;
  const refuse = (e: unknown): boolean => {
    if (!isAuthError(e)) {
      return false;
    }
    setRefused(e);
    forget();
    return true;
  };
  useEffect(() => {
    if (error !== null && isAuthError(error)) {
      setRefused(error);
      forget();
    }
  }, [error, forget]);

  return (
    <section className="page admin" aria-labelledby="admin-order-title">
      <h1 id="admin-order-title">
        Order <code>{id.slice(0, 8)}</code>
      </h1>
      <AdminNav current="orders" />
      <p>
        <Link to={deskPath()}>Back to the order desk</Link>
      </p>
      {refused !== null && <ApiErrorNotice title="The admin key was refused" error={refused} />}
      {admin.key === '' ? (
        <AdminKeyForm
          onKey={(key) => {
            setRefused(null);
            admin.accept(key);
          }}
        />
      ) : (
        <>
          <AdminKeySession onForget={admin.forget} />
          {loaded.state.status === 'loading' && <Loading label="Loading the order…" />}
          {error !== null && !isAuthError(error) && (
            <>
              <ApiErrorNotice title="The order could not be loaded" error={error} />
              <p>
                <button type="button" className="button button-secondary" onClick={loaded.reload}>
                  Try again
                </button>
              </p>
            </>
          )}
          {order && (
            <>
              <OrderStatusLine order={order} />
              <OrderActions order={order} api={api} onOrder={loaded.set} onReload={loaded.reload} onAuthError={refuse} />
              <OrderDetails order={order} />
              <LifecycleFacts order={order} audience="admin" />
              <OrderHistory order={order} audience="admin" />
              <p className="actions">
                <button type="button" className="button button-secondary" onClick={loaded.reload}>
                  Refresh
                </button>
              </p>
            </>
          )}
        </>
      )}
    </section>
  );
}
