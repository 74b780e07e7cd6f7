import { ApiError } from '../api/http';
import { getOrder } from '../api/orders';
import { orderTokens } from '../app/services';
import { Link } from '../components/Link';
import { OrderDetails, OrderStatusLine, statusText } from '../components/OrderDetails';
import { isInProgress, LifecycleFacts, OrderHistory } from '../components/OrderLifecycle';
import { ErrorNotice, Loading } from '../components/Status';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { usePolling } from '../hooks/usePolling';
import { CancelOrder } from './order/CancelOrder';

const POLL_MS = 2000;
/** About two minutes of polling; the reconciler finishes a PENDING order (or a cancel under way) well within it. */
const MAX_POLLS = 60;

export default function OrderPage({ id }: { id: string }) {
  const token = orderTokens.get(id);
  const loaded = useAsync((signal) => getOrder(id, orderTokens.get(id), signal), [id]);
  const order = loaded.state.status === 'ready' ? loaded.state.data : null;
  useDocumentTitle(order ? `Order ${statusText(order.status).toLowerCase()}` : 'Order status');

  // A PENDING order (or a cancel under way) is being finished by the server: look again shortly.
  usePolling(order !== null && isInProgress(order.status), order, loaded.reload, POLL_MS, MAX_POLLS);

  const missing = loaded.state.status === 'error' && loaded.state.error instanceof ApiError && loaded.state.error.status === 404;
  return (
    <section className="page" aria-labelledby="order-title">
      <h1 id="order-title">Order status</h1>
      {loaded.state.status === 'loading' && <Loading label="Loading the order…" />}
      {missing && <p>There is no order with this number. Check the link you followed.</p>}
      {loaded.state.status === 'error' && !missing && <ErrorNotice title="The order could not be loaded" error={loaded.state.error} onRetry={loaded.reload} />}
      {order && (
        <>
          <OrderStatusLine order={order} />
          <CancelOrder order={order} token={token} onOrder={loaded.set} onReload={loaded.reload} />
          <OrderDetails order={order} />
          <LifecycleFacts order={order} audience="customer" />
          <OrderHistory order={order} audience="customer" />
          <p className="actions">
            <button type="button" className="button button-secondary" onClick={loaded.reload}>
              Refresh status
            </button>
            <Link to="/products">Continue shopping</Link>
          </p>
        </>
      )}
    </section>
  );
}
