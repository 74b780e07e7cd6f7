import { useState, type FormEvent } from 'react';
import type { Product } from '../../api/types';
import { Link } from '../../components/Link';
import { Price } from '../../components/Price';
import { StockBadge } from '../../components/StockBadge';
import { parseStock } from '../../state/product-form';

export interface AdminProductRowProps {
  product: Product;
  busy: boolean;
  onEdit: (product: Product) => void;
  onSetStock: (product: Product, stock: number) => Promise<void>;
  onDelete: (product: Product) => Promise<void>;
}

export function AdminProductRow({ product, busy, onEdit, onSetStock, onDelete }: AdminProductRowProps) {
  const [stock, setStock] = useState(String(product.stock));
  const [stockError, setStockError] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [shownVersion, setShownVersion] = useState(product.version);
  const id = String(product.id);

  if (shownVersion !== product.version) {
    // The product changed (saved here or reloaded after a conflict): show its stock.
    setShownVersion(product.version);
    setStock(String(product.stock));
    setStockError('');
  }

  const saveStock = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const parsed = parseStock(stock);
    if (parsed === null) {
      setStockError('Enter a whole number from 0.');
      return;
    }
    setStockError('');
    void onSetStock(product, parsed);
  };

  return (
    <tr>
      <th scope="row">
        <Link to={`/products/${id}`}>{product.name}</Link>
        <span className="admin-sku">{product.sku}</span>
      </th>
      <td>
        <Price cents={product.price_cents} />
      </td>
      <td>
        <form className="stock-form" onSubmit={saveStock} noValidate>
          <label htmlFor={`stock-${id}`} className="visually-hidden">
            Stock of {product.name}
          </label>
          <input
            id={`stock-${id}`}
            className="stock-input"
            inputMode="numeric"
            value={stock}
            aria-invalid={stockError !== '' ? true : undefined}
            aria-describedby={stockError !== '' ? `stock-${id}-error` : undefined}
            onChange={(e) => setStock(e.target.value)}
          />
          <button type="submit" className="button button-small" disabled={busy}>
            Save<span className="visually-hidden"> stock of {product.name}</span>
          </button>
          {stockError !== '' && (
            <span className="field-error" id={`stock-${id}-error`}>
              {stockError}
            </span>
          )}
        </form>
        <StockBadge stock={product.stock} />
      </td>
      <td className="admin-actions">
        {confirming ? (
          <span className="confirm">
            <span>Delete {product.name}?</span>
            <button
              type="button"
              className="button button-small button-danger"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                void onDelete(product);
              }}
            >
              Yes, delete
            </button>
            <button type="button" className="button button-small button-secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <>
            <button type="button" className="button button-small button-secondary" disabled={busy} onClick={() => onEdit(product)}>
              Edit<span className="visually-hidden"> {product.name}</span>
            </button>
            <button type="button" className="button button-small button-secondary" disabled={busy} onClick={() => setConfirming(true)}>
              Delete<span className="visually-hidden"> {product.name}</span>
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
