import type { Product } from '../api/types';
import { Link } from './Link';
import { Price } from './Price';
import { ProductImage } from './ProductImage';
import { StockBadge } from './StockBadge';

export function ProductCard({ product, eager = false }: { product: Product; eager?: boolean }) {
  return (
    <article className="card">
      <ProductImage src={product.image_url} alt="" eager={eager} />
      <h3 className="card-title">
        <Link to={`/products/${String(product.id)}`} className="card-link">
          {product.name}
        </Link>
      </h3>
      <p className="card-meta">
        <Price cents={product.price_cents} />
        <StockBadge stock={product.stock} />
      </p>
    </article>
  );
}

export function ProductGrid({ products, label, eagerCount = 0 }: { products: readonly Product[]; label: string; eagerCount?: number }) {
  return (
    <ul className="grid" aria-label={label}>
      {products.map((p, i) => (
        <li key={p.id} className="grid-item">
          <ProductCard product={p} eager={i < eagerCount} />
        </li>
      ))}
    </ul>
  );
}
