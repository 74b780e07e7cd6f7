// The order desk's filter form: what the admin typed, its checks, the query
// it becomes (OrderQuery, see api/order-desk.ts) and its place in the page's
// URL (/admin/orders?status=CONFIRMED,FULFILLED&email=...&from=...&to=...),
// so a filtered list survives a reload and the way back from an order.
import type { OrderQuery } from '../api/order-desk';
import { allOrderStatuses, type OrderStatus } from '../api/types';

/** Dates are the admin's calendar days (YYYY-MM-DD, as <input type="date"> gives them), read in UTC. */
export interface OrderFilters {
  statuses: OrderStatus[];
  email: string;
  createdFrom: string;
  createdTo: string;
}

export type OrderFilterField = 'email' | 'createdFrom' | 'createdTo';
export type OrderFilterErrors = Partial<Record<OrderFilterField, string>>;

export const EMPTY_ORDER_FILTERS: OrderFilters = { statuses: [], email: '', createdFrom: '', createdTo: '' };

export const ORDER_DESK_PAGE_SIZE = 20;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The UTC midnight starting `day` (YYYY-MM-DD), `offsetDays` later; null when it is not a real date. */
function midnightUtc(day: string, offsetDays = 0): string | null {
  const match = DAY.exec(day);
  if (!match) {
    return null;
  }
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = new Date(Date.UTC(year, month - 1, date));
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== date) {
    return null;
  }
  at.setUTCDate(at.getUTCDate() + offsetDays);
  return `${at.toISOString().slice(0, 10)}T00:00:00Z`;
}

/** The statuses in the document's order, each once; unknown names are dropped. */
function knownStatuses(names: readonly string[]): OrderStatus[] {
  return allOrderStatuses().filter((s) => names.includes(s));
}

export type ParsedOrderFilters = { ok: true; filters: OrderFilters } | { ok: false; errors: OrderFilterErrors };

/** Checks the form: an email address (3 to 254 characters), real dates, "to" not before "from". */
export function parseOrderFilters(form: OrderFilters): ParsedOrderFilters {
  const errors: OrderFilterErrors = {};
  const email = form.email.trim();
  if (email !== '' && (email.length < 3 || email.length > 254 || !EMAIL.test(email))) {
    errors.email = 'Enter a whole email address, like ada@example.com.';
  }
  const from = form.createdFrom.trim();
  const to = form.createdTo.trim();
  if (from !== '' && midnightUtc(from) === null) {
    errors.createdFrom = 'Enter a date as YYYY-MM-DD.';
  }
  if (to !== '' && midnightUtc(to) === null) {
    errors.createdTo = 'Enter a date as YYYY-MM-DD.';
  }
  if (errors.createdFrom === undefined && errors.createdTo === undefined && from !== '' && to !== '' && to < from) {
    errors.createdTo = 'The last day cannot be before the first day.';
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return { ok: true, filters: { statuses: knownStatuses(form.statuses), email, createdFrom: from, createdTo: to } };
}

/**
 * The query of one page: the days become instants, from the first day's
 * midnight (UTC) up to the midnight after the last day (`created_to` is
 * exclusive), so both days are included.
 */
export function orderQueryOf(filters: OrderFilters, cursor: string | null = null, limit = ORDER_DESK_PAGE_SIZE): OrderQuery {
  return {
    statuses: knownStatuses(filters.statuses),
    email: filters.email.trim(),
    createdFrom: filters.createdFrom === '' ? null : midnightUtc(filters.createdFrom),
    createdTo: filters.createdTo === '' ? null : midnightUtc(filters.createdTo, 1),
    limit,
    cursor,
  };
}

/** The filters in the page's URL (`?status=A,B&email=&from=&to=`); anything malformed is left out. */
export function filtersFromSearch(search: string): OrderFilters {
  const params = new URLSearchParams(search);
  const day = (name: string): string => {
    const value = params.get(name) ?? '';
    return midnightUtc(value) === null ? '' : value;
  };
  const statuses = knownStatuses((params.get('status') ?? '').split(','));
  const parsed = parseOrderFilters({
    statuses,
    email: params.get('email') ?? '',
    createdFrom: day('from'),
    createdTo: day('to'),
  });
  return parsed.ok ? parsed.filters : { ...EMPTY_ORDER_FILTERS, statuses };
}

/** The page's URL query for `filters` ("" when there is none), the inverse of filtersFromSearch. */
export function searchOfFilters(filters: OrderFilters): string {
  const params = new URLSearchParams();
  const statuses = knownStatuses(filters.statuses);
  if (statuses.length > 0) {
    params.set('status', statuses.join(','));
  }
  if (filters.email.trim() !== '') {
    params.set('email', filters.email.trim());
  }
  if (filters.createdFrom !== '') {
    params.set('from', filters.createdFrom);
  }
  if (filters.createdTo !== '') {
    params.set('to', filters.createdTo);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
