// Reads of the catalog (product-service) and of the storefront BFF.
import { browserFetch, requestJson, type FetchLike } from './http';
import { decodeProduct, decodeProductPage, decodeStorefrontHome, type Product, type ProductPage, type StorefrontHome } from './types';

export const PAGE_SIZE = 24;

export interface ProductQuery {
  q?: string;
  category?: string;
  cursor?: string | null;
  limit?: number;
}

/** "/api/products?limit=24&q=mug&category=kitchen", leaving out what is empty. */
export function productsPath(query: ProductQuery): string {
  const params = new URLSearchParams();
  params.set('limit', String(query.limit ?? PAGE_SIZE));
  const q = query.q?.trim() ?? '';
  if (q !== '') {
    params.set('q', q);
  }
  if (query.category) {
    params.set('category', query.category);
  }
  if (query.cursor) {
    params.set('cursor', query.cursor);
  }
  return `/api/products?${params.toString()}`;
}

export async function listProducts(query: ProductQuery, signal?: AbortSignal, fetchFn: FetchLike = browserFetch): Promise<ProductPage> {
  const result = await requestJson(fetchFn, productsPath(query), signal ? { signal } : {}, decodeProductPage);
  return result.data;
}

export interface VersionedProduct {
  product: Product;
  /** The entity tag to send as If-Match: `"v<version>"`. */
  etag: string;
}

export function etagOf(product: Product): string {
  return `"v${String(product.version)}"`;
}

export async function getProduct(
  id: number,
  options: { signal?: AbortSignal; fresh?: boolean } = {},
  fetchFn: FetchLike = browserFetch,
): Promise<VersionedProduct> {
  const init: RequestInit = {};
  if (options.signal) {
    init.signal = options.signal;
  }
  if (options.fresh) {
    init.cache = 'no-store';
  }
  const result = await requestJson(fetchFn, `/api/products/${String(id)}`, init, (body) => decodeProduct(body));
  return { product: result.data, etag: result.headers.get('ETag') ?? etagOf(result.data) };
}

export async function getStorefrontHome(signal?: AbortSignal, fetchFn: FetchLike = browserFetch): Promise<StorefrontHome> {
  const result = await requestJson(fetchFn, '/api/storefront/home', signal ? { signal } : {}, decodeStorefrontHome);
  return result.data;
}
