import { useEffect, useRef } from 'react';
import { ApiError } from '../api/http';
import { getOrder } from '../api/orders';
import { orderTokens } from '../app/services';
import { Link } from '../components/Link';
import { OrderDetails, OrderStatusLine, statusText } from '../components/OrderDetails';
import { ErrorNotice, Loading } from '../components/Status';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

const POLL_MS = 2000;
/** About two minutes of polling; the reconciler finishes a PENDING order well within it. */
const MAX_POLLS = 60;

export default function OrderPage({ id }: { id: string }) {
  const loaded = useAsync((signal) => getOrder(id, orderTokens.get(id), signal), [id]);
  const order = loaded.state.status === 'ready' ? loaded.state.data : null;
  useDocumentTitle(order ? `Order ${statusText(order.status).toLowerCase()}` : 'Order status');

  // A PENDING order is being finished by the server: look again shortly.
  const pending = order?.status === 'PENDING';
  const polls = useRef(0);
  useEffect(() => {
    polls.current = 0;
  }, [id]);
  useEffect(() => {
    if (!pending || polls.current >= MAX_POLLS) {
      return undefined;
    }
    const timer = setTimeout(() => {
      polls.current += 1;
      loaded.reload();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, order, loaded.reload]);

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
          <OrderDetails order={order} />
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
