import { useEffect, useRef, useState } from 'react';
import { listProducts, PAGE_SIZE } from '../api/catalog';
import type { CategorySummary, Product } from '../api/types';
import { ProductGrid } from '../components/ProductCard';
import { SearchForm } from '../components/SearchForm';
import { ErrorNotice, Loading } from '../components/Status';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { categoryLabel } from '../lib/category';
import { searchParam } from '../lib/router';
import { loadStorefrontHome } from '../state/home-cache';

interface Listing {
  items: Product[];
  cursor: string | null;
}

function heading(q: string, category: string): string {
  const where = category === '' ? 'All products' : categoryLabel(category);
  return q === '' ? where : `${where} matching “${q}”`;
}

/** The categories for the filter; the catalog works without them when the BFF is down. */
function useCategories(): readonly CategorySummary[] {
  const home = useAsync(() => loadStorefrontHome(), []);
  return home.state.status === 'ready' ? home.state.data.categories : [];
}

export function CatalogPage({ search }: { search: string }) {
  const q = searchParam(search, 'q').trim();
  const category = searchParam(search, 'category');
  const title = heading(q, category);
  useDocumentTitle(title);
  const categories = useCategories();

  const first = useAsync<Listing>(
    async (signal) => {
      const page = await listProducts({ q, category }, signal);
      return { items: page.items, cursor: page.next_cursor };
    },
    [q, category],
  );
  const [more, setMore] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: null });
  const firstNewIndex = useRef<number | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setMore({ loading: false, error: null });
  }, [q, category]);

  const listing = first.state.status === 'ready' ? first.state.data : null;

  useEffect(() => {
    // After "Load more", move focus to the first new product so keyboard users continue from there.
    const index = firstNewIndex.current;
    if (index === null || !gridRef.current) {
      return;
    }
    firstNewIndex.current = null;
    gridRef.current.querySelectorAll<HTMLAnchorElement>('.card-link')[index]?.focus();
  }, [listing]);

  const loadMore = async (): Promise<void> => {
    if (!listing || listing.cursor === null || more.loading) {
      return;
    }
    setMore({ loading: true, error: null });
    try {
      const page = await listProducts({ q, category, cursor: listing.cursor });
      firstNewIndex.current = listing.items.length;
      const seen = new Set(listing.items.map((p) => p.id));
      first.set({ items: [...listing.items, ...page.items.filter((p) => !seen.has(p.id))], cursor: page.next_cursor });
      setMore({ loading: false, error: null });
    } catch (error) {
      setMore({ loading: false, error });
    }
  };

  return (
    <section className="page" aria-labelledby="catalog-title">
      <h1 id="catalog-title">{title}</h1>
      <SearchForm key={`${q}|${category}`} initialQuery={q} initialCategory={category} categories={categories} />
      {first.state.status === 'loading' && <Loading label="Loading products…" />}
      {first.state.status === 'error' && <ErrorNotice title="The products could not be loaded" error={first.state.error} onRetry={first.reload} />}
      {listing && (
        <div ref={gridRef}>
          <p className="result-count" role="status">
            {listing.items.length === 0
              ? 'No products match. Try another search or category.'
              : `Showing ${String(listing.items.length)} ${listing.items.length === 1 ? 'product' : 'products'}${listing.cursor === null ? '' : ' (more available)'}.`}
          </p>
          {listing.items.length > 0 && <ProductGrid products={listing.items} label="Products" eagerCount={Math.min(PAGE_SIZE, 4)} headingLevel={2} />}
          {more.error !== null && <ErrorNotice title="More products could not be loaded" error={more.error} onRetry={() => void loadMore()} />}
          {listing.cursor !== null && more.error === null && (
            <p className="load-more">
              <button type="button" className="button button-secondary" onClick={() => void loadMore()} disabled={more.loading}>
                {more.loading ? 'Loading…' : 'Load more products'}
              </button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
