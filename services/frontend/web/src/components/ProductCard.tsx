import type { Product } from '../api/types';
import { Link } from './Link';
import { Price } from './Price';
import { ProductImage } from './ProductImage';
import { StockBadge } from './StockBadge';

export function ProductCard({ product, eager = false, headingLevel = 3 }: { product: Product; eager?: boolean; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article className="card">
      <ProductImage src={product.image_url} alt="" eager={eager} />
      <Heading className="card-title">
        <Link to={`/products/${String(product.id)}`} className="card-link">
          {product.name}
        </Link>
      </Heading>
      <p className="card-meta">
        <Price cents={product.price_cents} />
        <StockBadge stock={product.stock} />
      </p>
    </article>
  );
}

export interface ProductGridProps {
  products: readonly Product[];
  label: string;
  eagerCount?: number;
  /** The level of each card's heading: 2 right under the page's h1, 3 under a section's h2. */
  headingLevel?: 2 | 3;
}

export function ProductGrid({ products, label, eagerCount = 0, headingLevel = 3 }: ProductGridProps) {
  return (
    <ul className="grid" aria-label={label}>
      {products.map((p, i) => (
        <li key={p.id} className="grid-item">
          <ProductCard product={p} eager={i < eagerCount} headingLevel={headingLevel} />
        </li>
      ))}
    </ul>
  );
}
