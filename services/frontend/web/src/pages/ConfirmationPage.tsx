import { getOrder } from '../api/orders';
import { orderTokens, placedOrder } from '../app/services';
import { Link } from '../components/Link';
import { ConfirmationNotice, OrderDetails } from '../components/OrderDetails';
import { ErrorNotice, Loading } from '../components/Status';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export default function ConfirmationPage({ id }: { id: string }) {
  useDocumentTitle('Thank you for your order');
  const loaded = useAsync((signal) => {
    const known = placedOrder(id);
    return known ? Promise.resolve(known) : getOrder(id, orderTokens.get(id), signal);
  }, [id]);
  return (
    <section className="page" aria-labelledby="confirmation-title">
      <h1 id="confirmation-title">Thank you for your order</h1>
      {loaded.state.status === 'loading' && <Loading label="Loading your order…" />}
      {loaded.state.status === 'error' && <ErrorNotice title="Your order could not be loaded" error={loaded.state.error} onRetry={loaded.reload} />}
      {loaded.state.status === 'ready' && (
        <>
          <ConfirmationNotice order={loaded.state.data} />
          <OrderDetails order={loaded.state.data} />
        </>
      )}
      <p className="actions">
        <Link to={`/orders/${encodeURIComponent(id)}`} className="button">
          View order status
        </Link>
        <Link to="/products" className="button button-secondary">
          Continue shopping
        </Link>
      </p>
    </section>
  );
}
