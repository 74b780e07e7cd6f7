// Catalog writes with the admin key (Authorization: Bearer) and optimistic
// concurrency (If-Match: "v<version>").
import { browserFetch, requestJson, sendRequest, errorFromResponse, type FetchLike } from './http';
import { decodeProduct, type Product, type ProductCreate, type ProductPatch } from './types';
import type { VersionedProduct } from './catalog';
import { etagOf } from './catalog';

/** The writable fields of a product, as POST and PUT take them (ProductCreate), every one of them sent. */
export type ProductInput = Required<Omit<ProductCreate, 'currency'>>;

export interface AdminApi {
  create(input: ProductInput): Promise<VersionedProduct>;
  replace(id: number, etag: string, input: ProductInput): Promise<VersionedProduct>;
  patch(id: number, etag: string, fields: ProductPatch): Promise<VersionedProduct>;
  remove(id: number, etag: string): Promise<void>;
}

export function createAdminApi(adminKey: string, fetchFn: FetchLike = browserFetch): AdminApi {
  const headers = (etag?: string): Record<string, string> => {
    const h: Record<string, string> = { Authorization: `Bearer ${adminKey}` };
    if (etag !== undefined) {
      h['If-Match'] = etag;
    }
    return h;
  };
  const write = async (path: string, method: string, body: unknown, etag?: string): Promise<VersionedProduct> => {
    const result = await requestJson(fetchFn, path, { method, headers: headers(etag), body: JSON.stringify(body), cache: 'no-store' }, (b) =>
      decodeProduct(b),
    );
    return { product: result.data, etag: result.headers.get('ETag') ?? etagOf(result.data) };
  };
  return {
    create: (input) => write('/api/products', 'POST', input),
    replace: (id, etag, input) => write(`/api/products/${String(id)}`, 'PUT', input, etag),
    patch: (id, etag, fields) => write(`/api/products/${String(id)}`, 'PATCH', fields, etag),
    async remove(id, etag) {
      const response = await sendRequest(fetchFn, `/api/products/${String(id)}`, { method: 'DELETE', headers: headers(etag), cache: 'no-store' });
      if (response.status !== 204 && response.status !== 200) {
        throw errorFromResponse(response);
      }
    },
  };
}

export function inputOf(product: Product): ProductInput {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description,
    category: product.category,
    price_cents: product.price_cents,
    stock: product.stock,
    image_url: product.image_url,
  };
}
