import { useState, type FormEvent } from 'react';
import type { CategorySummary } from '../api/types';
import { router } from '../app/services';
import { categoryLabel } from '../lib/category';
import { withQuery } from '../lib/router';

export interface SearchFormProps {
  initialQuery?: string;
  initialCategory?: string;
  /** Shown as a filter when given (the catalog page); the home page searches everything. */
  categories?: readonly CategorySummary[] | null;
}

/** Search (and filter) the catalog; submitting opens /products?q=&category=. */
export function SearchForm({ initialQuery = '', initialCategory = '', categories = null }: SearchFormProps) {
  const [query, setQuery] = useState(initialQuery);
  const [category, setCategory] = useState(initialCategory);
  const options = categories ?? [];
  const hasCurrent = category === '' || options.some((c) => c.slug === category);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    router.navigate(withQuery('/products', { q: query.trim(), category }));
  };

  return (
    <form className="search" role="search" onSubmit={submit}>
      <div className="field field-grow">
        <label htmlFor="search-q">Search products</label>
        <input id="search-q" name="q" type="search" value={query} maxLength={100} onChange={(e) => setQuery(e.target.value)} />
      </div>
      {categories !== null && (
        <div className="field">
          <label htmlFor="search-category">Category</label>
          <select id="search-category" name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">All categories</option>
            {!hasCurrent && <option value={category}>{categoryLabel(category)}</option>}
            {options.map((c) => (
              <option key={c.slug} value={c.slug}>
                {categoryLabel(c.slug)}
              </option>
            ))}
          </select>
        </div>
      )}
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}
