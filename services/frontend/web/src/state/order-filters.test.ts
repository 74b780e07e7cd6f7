import { describe, expect, it } from 'vitest';
import { orderListQuery } from '../api/order-desk';
import { EMPTY_ORDER_FILTERS, filtersFromSearch, orderQueryOf, parseOrderFilters, searchOfFilters, type OrderFilters } from './order-filters';

const filters = (overrides: Partial<OrderFilters> = {}): OrderFilters => ({ ...EMPTY_ORDER_FILTERS, ...overrides });

/** What the order desk sends for these filters. */
function queryString(form: OrderFilters, cursor: string | null = null): string {
  const parsed = parseOrderFilters(form);
  if (!parsed.ok) {
    throw new Error(JSON.stringify(parsed.errors));
  }
  return orderListQuery(orderQueryOf(parsed.filters, cursor));
}

describe('order desk filters -> GET /api/orders query string', () => {
  it('no filter: the first page of 20', () => {
    expect(queryString(filters())).toBe('limit=20');
  });

  it('several statuses, in the document order, once each', () => {
    expect(queryString(filters({ statuses: ['FULFILLED', 'CONFIRMED', 'FULFILLED'] }))).toBe('status=CONFIRMED,FULFILLED&limit=20');
  });

  it('the email, trimmed and percent-encoded', () => {
    expect(queryString(filters({ email: '  Ada+1@Example.com ' }))).toBe('email=Ada%2B1%40Example.com&limit=20');
  });

  it('days become UTC instants; the last day is included (created_to is the next midnight)', () => {
    expect(queryString(filters({ createdFrom: '2026-02-28', createdTo: '2026-02-28' }))).toBe(
      'created_from=2026-02-28T00%3A00%3A00Z&created_to=2026-03-01T00%3A00%3A00Z&limit=20',
    );
    expect(queryString(filters({ createdTo: '2026-12-31' }))).toBe('created_to=2027-01-01T00%3A00%3A00Z&limit=20');
  });

  it('everything at once, with the cursor of the next page', () => {
    expect(queryString(filters({ statuses: ['CONFIRMED'], email: 'ada@example.com', createdFrom: '2026-03-01', createdTo: '2026-03-31' }), 'c1')).toBe(
      'status=CONFIRMED&email=ada%40example.com&created_from=2026-03-01T00%3A00%3A00Z&created_to=2026-04-01T00%3A00%3A00Z&limit=20&cursor=c1',
    );
  });
});

describe('parseOrderFilters', () => {
  it('refuses an email that is not one and days that do not exist', () => {
    expect(parseOrderFilters(filters({ email: 'ada', createdFrom: '2026-02-30', createdTo: '31/12/2026' }))).toEqual({
      ok: false,
      errors: {
        email: 'Enter a whole email address, like ada@example.com.',
        createdFrom: 'Enter a date as YYYY-MM-DD.',
        createdTo: 'Enter a date as YYYY-MM-DD.',
      },
    });
  });

  it('refuses a last day before the first', () => {
    expect(parseOrderFilters(filters({ createdFrom: '2026-03-02', createdTo: '2026-03-01' }))).toEqual({
      ok: false,
      errors: { createdTo: 'The last day cannot be before the first day.' },
    });
  });

  it('drops unknown statuses', () => {
    const parsed = parseOrderFilters(filters({ statuses: ['CONFIRMED', 'LOST' as 'CONFIRMED'] }));
    expect(parsed).toEqual({ ok: true, filters: filters({ statuses: ['CONFIRMED'] }) });
  });
});

describe('the filters in the page URL', () => {
  it('round-trips', () => {
    const f = filters({ statuses: ['CONFIRMED', 'REFUNDED'], email: 'ada@example.com', createdFrom: '2026-03-01', createdTo: '2026-03-31' });
    const search = searchOfFilters(f);
    expect(search).toBe('?status=CONFIRMED%2CREFUNDED&email=ada%40example.com&from=2026-03-01&to=2026-03-31');
    expect(filtersFromSearch(search)).toEqual(f);
    expect(searchOfFilters(EMPTY_ORDER_FILTERS)).toBe('');
  });

  it('leaves out what is malformed', () => {
    expect(filtersFromSearch('?status=CONFIRMED,NOPE&from=yesterday&to=2026-13-01')).toEqual(filters({ statuses: ['CONFIRMED'] }));
    expect(filtersFromSearch('?status=PENDING&email=nope')).toEqual(filters({ statuses: ['PENDING'] }));
  });
});
