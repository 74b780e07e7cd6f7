import { useState } from 'react';
import { getProduct } from '../api/catalog';
import { ApiError } from '../api/http';
import type { Product } from '../api/types';
import { cartStore } from '../app/services';
import { Link } from '../components/Link';
import { Price } from '../components/Price';
import { ProductImage } from '../components/ProductImage';
import { QuantitySelect } from '../components/QuantitySelect';
import { ErrorNotice, Loading } from '../components/Status';
import { StockBadge } from '../components/StockBadge';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useCart } from '../hooks/useStores';
import { categoryLabel } from '../lib/category';
import { withQuery } from '../lib/router';
import { maxOrderable } from '../lib/stock';
import { addToCart } from '../state/cart';

const ID_PATTERN = /^[1-9]\d{0,17}$/;

function AddToCart({ product }: { product: Product }) {
  const cart = useCart();
  const max = maxOrderable(product.stock);
  const [quantity, setQuantity] = useState(1);
  const [message, setMessage] = useState('');
  const inCart = cart.lines.find((l) => l.productId === product.id)?.quantity ?? 0;

  if (max === 0) {
    return (
      <p className="sold-out-note">
        This product is sold out. <Link to={withQuery('/products', { category: product.category })}>See other {categoryLabel(product.category).toLowerCase()} products</Link>.
      </p>
    );
  }

  const add = (): void => {
    let added = 0;
    cartStore.update((c) => {
      const result = addToCart(c, product, Math.min(quantity, max));
      added = result.added;
      return result.cart;
    });
    if (added === 0) {
      setMessage(`Your cart already holds the most you can order (${String(Math.min(inCart, max))}).`);
    } else if (added < quantity) {
      setMessage(`Added ${String(added)}: your cart now holds the most you can order of this product.`);
    } else {
      setMessage(`Added ${String(added)} to your cart.`);
    }
  };

  return (
    <div className="buy">
      <QuantitySelect id="quantity" label="Quantity" value={Math.min(quantity, max)} max={max} onChange={setQuantity} />
      <button type="button" className="button" onClick={add}>
        Add to cart
      </button>
      <p className="buy-status" role="status">
        {message !== '' && (
          <>
            {message} <Link to="/cart">View cart</Link>
          </>
        )}
      </p>
    </div>
  );
}

export function ProductPage({ id }: { id: string }) {
  const valid = ID_PATTERN.test(id);
  const loaded = useAsync(
    async (signal) => {
      if (!valid) {
        throw new ApiError({ status: 404, code: 'not_found', message: 'There is no product with this id.' });
      }
      return (await getProduct(Number(id), { signal })).product;
    },
    [id],
  );
  const product = loaded.state.status === 'ready' ? loaded.state.data : null;
  useDocumentTitle(product ? product.name : 'Product');

  if (loaded.state.status === 'loading') {
    return (
      <section className="page">
        <h1>Product</h1>
        <Loading label="Loading the product…" />
      </section>
    );
  }
  if (loaded.state.status === 'error') {
    const error = loaded.state.error;
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <section className="page">
        <h1>{missing ? 'Product not found' : 'Product'}</h1>
        {missing ? (
          <p>
            This product does not exist or is no longer sold. <Link to="/products">Browse the products</Link>.
          </p>
        ) : (
          <ErrorNotice title="The product could not be loaded" error={error} onRetry={loaded.reload} />
        )}
      </section>
    );
  }
  const p = loaded.state.data;
  return (
    <article className="page product" aria-labelledby="product-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/products">Products</Link>
          </li>
          <li>
            <Link to={withQuery('/products', { category: p.category })}>{categoryLabel(p.category)}</Link>
          </li>
        </ol>
      </nav>
      <div className="product-layout">
        <ProductImage src={p.image_url} alt={p.name} eager />
        <div className="product-info">
          <h1 id="product-title">{p.name}</h1>
          <p className="product-price">
            <Price cents={p.price_cents} />
            <StockBadge stock={p.stock} />
          </p>
          {p.description !== '' && <p className="product-description">{p.description}</p>}
          <p className="product-sku">SKU {p.sku}</p>
          <AddToCart product={p} />
        </div>
      </div>
    </article>
  );
}
