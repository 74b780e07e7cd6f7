import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { product } from '../test/fixtures';
import { HomeSections } from './HomePage';

// Link reads the app's router, which needs a browser window.
vi.mock('../app/services', () => ({ router: { navigate: () => undefined } }));

function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

describe('the home page sections (GET /api/storefront/home)', () => {
  it('links every category with its count and shows the featured products', () => {
    const html = renderToStaticMarkup(
      <HomeSections
        home={{
          categories: [
            { slug: 'home-office', product_count: 1 },
            { slug: 'kitchen', product_count: 9 },
          ],
          featured: [product({ id: 1, name: 'Chef Knife', stock: 23 }), product({ id: 2, name: 'Pour-Over', price_cents: 3450, stock: 3 })],
        }}
      />,
    );
    const text = textOf(html);
    expect(html).toContain('href="/products?category=kitchen"');
    expect(text).toContain('Kitchen 9 products');
    expect(text).toContain('Home office 1 product');
    expect(html).toContain('aria-label="Featured products"');
    expect(text).toContain('Chef Knife');
    expect(text).toContain('$34.50');
    expect(text).toContain('Only 3 left');
  });

  it('says so when nothing is in stock or the catalog is empty', () => {
    const text = textOf(renderToStaticMarkup(<HomeSections home={{ categories: [], featured: [] }} />));
    expect(text).toContain('The catalog is empty right now.');
    expect(text).toContain('Nothing is in stock right now.');
  });
});
