import type { StorefrontHome } from '../api/types';
import { Link } from '../components/Link';
import { ProductGrid } from '../components/ProductCard';
import { SearchForm } from '../components/SearchForm';
import { ErrorNotice, Loading } from '../components/Status';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { categoryLabel } from '../lib/category';
import { withQuery } from '../lib/router';
import { loadStorefrontHome } from '../state/home-cache';

/**
 * The categories and featured products of `GET /api/storefront/home`
 * (`{"categories":[{"slug","product_count"}],"featured":[Product]}`): the
 * categories that have products, alphabetically, and up to eight products
 * that are in stock. Either list may be empty.
 */
export function HomeSections({ home }: { home: StorefrontHome }) {
  const categories = home.categories.filter((c) => c.product_count > 0);
  return (
    <>
      <section aria-labelledby="categories-title">
        <h2 id="categories-title">Shop by category</h2>
        {categories.length > 0 ? (
          <ul className="categories">
            {categories.map((c) => (
              <li key={c.slug}>
                <Link to={withQuery('/products', { category: c.slug })} className="category">
                  <span className="category-name">{categoryLabel(c.slug)}</span>
                  <span className="category-count">
                    {c.product_count} {c.product_count === 1 ? 'product' : 'products'}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p>The catalog is empty right now.</p>
        )}
      </section>
      <section aria-labelledby="featured-title">
        <h2 id="featured-title">Featured</h2>
        {home.featured.length > 0 ? (
          <ProductGrid products={home.featured} label="Featured products" eagerCount={4} />
        ) : (
          <p>Nothing is in stock right now. Please come back soon.</p>
        )}
        <p>
          <Link to="/products" className="button button-secondary">
            See all products
          </Link>
        </p>
      </section>
    </>
  );
}

export function HomePage() {
  useDocumentTitle('');
  const home = useAsync(() => loadStorefrontHome(), []);
  return (
    <section className="page" aria-labelledby="home-title">
      <div className="hero">
        <h1 id="home-title">Well-made things for every day</h1>
        <p className="lead">Kitchen, home, outdoor, audio, stationery and apparel, shipped from one small shop.</p>
        <SearchForm />
      </div>
      {home.state.status === 'loading' && <Loading label="Loading the shop…" />}
      {home.state.status === 'error' && <ErrorNotice title="The shop could not be loaded" error={home.state.error} onRetry={home.reload} />}
      {home.state.status === 'ready' && <HomeSections home={home.state.data} />}
    </section>
  );
}
