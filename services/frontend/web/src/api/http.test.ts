import { describe, expect, it } from 'vitest';
import { jsonResponse, product } from '../test/fixtures';
import { productsPath, getProduct, listProducts, getStorefrontHome } from './catalog';
import { ApiError, errorFromResponse, parseRetryAfter, requestJson, type FetchLike } from './http';

const fetchReturning =
  (response: Response | (() => Response)): FetchLike =>
  () =>
    Promise.resolve(typeof response === 'function' ? response() : response);

describe('error parsing', () => {
  it('reads code, message and details from the error body', () => {
    const error = errorFromResponse({
      status: 422,
      headers: new Headers(),
      body: { error: { code: 'validation_failed', message: 'the body is not valid', details: [{ field: 'customer.email', message: 'is not an email' }, { bad: 1 }] } },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('the body is not valid');
    expect(error.details).toEqual([{ field: 'customer.email', message: 'is not an email' }]);
    expect(error.fieldMessage('customer.email')).toBe('is not an email');
  });

  it('gives a readable error for answers without an error body (an HTML 502 from a proxy)', () => {
    const error = errorFromResponse({ status: 502, headers: new Headers(), body: '<html>Bad Gateway</html>' });
    expect(error.code).toBe('http_502');
    expect(error.message).toMatch(/did not answer/);
  });

  it('keeps Retry-After', () => {
    const error = errorFromResponse({
      status: 503,
      headers: new Headers({ 'Retry-After': '2' }),
      body: { error: { code: 'catalog_unavailable', message: 'the catalog is unavailable' } },
    });
    expect(error.retryAfterSeconds).toBe(2);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });

  it('turns a failed fetch into a network_error', async () => {
    const failing: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(requestJson(failing, '/api/x', {}, (b) => b)).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });

  it('rethrows an abort untouched', async () => {
    const aborting: FetchLike = () => Promise.reject(new DOMException('aborted', 'AbortError'));
    await expect(requestJson(aborting, '/api/x', {}, (b) => b)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses a success body of the wrong shape', async () => {
    const f = fetchReturning(jsonResponse(200, { items: [{ id: 'one' }], next_cursor: null }));
    await expect(listProducts({}, undefined, f)).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('refuses prices that are not integers', async () => {
    const f = fetchReturning(jsonResponse(200, { ...product(), price_cents: 18.5 }));
    await expect(getProduct(1, {}, f)).rejects.toMatchObject({ code: 'bad_response' });
  });
});

describe('catalog calls', () => {
  it('builds list queries without empty parameters', () => {
    expect(productsPath({})).toBe('/api/products?limit=24');
    expect(productsPath({ q: '  mug ', category: 'kitchen', cursor: 'cDE6NDI', limit: 10 })).toBe('/api/products?limit=10&q=mug&category=kitchen&cursor=cDE6NDI');
    expect(productsPath({ q: 'a&b=c' })).toBe('/api/products?limit=24&q=a%26b%3Dc');
  });

  it('reads a page and its cursor', async () => {
    const seen: string[] = [];
    const f: FetchLike = (input) => {
      seen.push(input);
      return Promise.resolve(jsonResponse(200, { items: [product()], next_cursor: 'abc123' }));
    };
    const page = await listProducts({ q: 'knife' }, undefined, f);
    expect(seen).toEqual(['/api/products?limit=24&q=knife']);
    expect(page.items[0]?.name).toBe('Chef Knife');
    expect(page.next_cursor).toBe('abc123');
  });

  it('returns the ETag of a product, or derives it from the version', async () => {
    const withTag = await getProduct(1, {}, fetchReturning(jsonResponse(200, product({ version: 3 }), { ETag: '"v3"' })));
    expect(withTag.etag).toBe('"v3"');
    const without = await getProduct(1, {}, fetchReturning(jsonResponse(200, product({ version: 4 }))));
    expect(without.etag).toBe('"v4"');
  });

  it("surfaces the BFF's 503 catalog_unavailable", async () => {
    const f = fetchReturning(jsonResponse(503, { error: { code: 'catalog_unavailable', message: 'the catalog is unavailable; retry shortly' } }));
    await expect(getStorefrontHome(undefined, f)).rejects.toMatchObject({ status: 503, code: 'catalog_unavailable' });
  });
});
