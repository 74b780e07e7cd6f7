import { cartStore } from '../app/services';
import { Link } from '../components/Link';
import { Price } from '../components/Price';
import { ProductImage } from '../components/ProductImage';
import { QuantitySelect } from '../components/QuantitySelect';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useCart } from '../hooks/useStores';
import { cartTotals, lineTotalCents, removeLine, setQuantity, type CartLine } from '../state/cart';

function CartRow({ line }: { line: CartLine }) {
  const id = `qty-${String(line.productId)}`;
  return (
    <li className="cart-line">
      <ProductImage src={line.imageUrl} alt="" />
      <div className="cart-line-info">
        <p className="cart-line-name">
          <Link to={`/products/${String(line.productId)}`}>{line.name}</Link>
        </p>
        <p className="cart-line-unit">
          <Price cents={line.priceCents} /> each
        </p>
      </div>
      <div className="cart-line-actions">
        <QuantitySelect
          id={id}
          label={`Quantity of ${line.name}`}
          hiddenLabel
          value={line.quantity}
          max={Math.max(line.maxQuantity, line.quantity)}
          onChange={(q) => cartStore.update((c) => setQuantity(c, line.productId, q))}
        />
        <button type="button" className="button button-link" onClick={() => cartStore.update((c) => removeLine(c, line.productId))}>
          Remove<span className="visually-hidden"> {line.name}</span>
        </button>
      </div>
      <p className="cart-line-total">
        <span className="visually-hidden">Line total: </span>
        <Price cents={lineTotalCents(line)} />
      </p>
    </li>
  );
}

export function CartPage() {
  useDocumentTitle('Your cart');
  const cart = useCart();
  const totals = cartTotals(cart);
  return (
    <section className="page" aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      {cart.lines.length === 0 ? (
        <p>
          Your cart is empty. <Link to="/products">Browse the products</Link>.
        </p>
      ) : (
        <>
          <ul className="cart-lines" aria-label="Items in your cart">
            {cart.lines.map((line) => (
              <CartRow key={line.productId} line={line} />
            ))}
          </ul>
          <div className="cart-summary">
            <p className="cart-subtotal">
              Subtotal ({totals.itemCount} {totals.itemCount === 1 ? 'item' : 'items'}): <Price cents={totals.subtotalCents} className="price price-large" />
            </p>
            <p className="hint">Prices and stock are checked again when you place the order.</p>
            <Link to="/checkout" className="button">
              Go to checkout
            </Link>
          </div>
        </>
      )}
    </section>
  );
}
