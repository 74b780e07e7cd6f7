// The shapes of the shop's HTTP API (docs/api/product-service.yaml and
// docs/api/order-service.yaml), with decoders for what the server sends.
import { array, integer, nullableInteger, nullableString, record, string } from './decode';

export interface Product {
  id: number;
  sku: string;
  name: string;
  description: string;
  category: string;
  price_cents: number;
  currency: string;
  stock: number;
  image_url: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ProductPage {
  items: Product[];
  next_cursor: string | null;
}

export interface CategorySummary {
  slug: string;
  product_count: number;
}

export interface StorefrontHome {
  categories: CategorySummary[];
  featured: Product[];
}

/** Every status but PENDING is final (docs/api/order-service.yaml, "Order statuses"). */
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'PAYMENT_DECLINED' | 'REJECTED' | 'CANCELLED';
export type PaymentOutcome = 'approved' | 'card_declined' | 'insufficient_funds';

/**
 * A line of an order. The catalog prices the lines when the stock is
 * reserved; until then, and for orders that never were reserved (REJECTED,
 * some PENDING and CANCELLED ones), sku, name and the prices are null.
 */
export interface OrderLine {
  product_id: number;
  sku: string | null;
  name: string | null;
  quantity: number;
  unit_price_cents: number | null;
  line_total_cents: number | null;
}

export interface Order {
  id: string;
  status: OrderStatus;
  customer: { email: string; name: string };
  items: OrderLine[];
  /** The sum of the line totals; null while the lines are not priced. */
  total_cents: number | null;
  currency: string;
  payment: { card_last4: string; outcome: PaymentOutcome | null };
  created_at: string;
  updated_at: string;
}

/** The body of POST /api/orders: never prices or totals. */
export interface OrderRequest {
  customer: { email: string; name: string };
  items: { product_id: number; quantity: number }[];
  payment: { card_number: string; exp_month: number; exp_year: number; cvc: string };
}

export interface Shortage {
  product_id: number;
  requested: number;
  available: number;
}

export function decodeProduct(value: unknown, path = 'product'): Product {
  const o = record(value, path);
  return {
    id: integer(o['id'], `${path}.id`),
    sku: string(o['sku'], `${path}.sku`),
    name: string(o['name'], `${path}.name`),
    description: string(o['description'] ?? '', `${path}.description`),
    category: string(o['category'], `${path}.category`),
    price_cents: integer(o['price_cents'], `${path}.price_cents`),
    currency: string(o['currency'] ?? 'USD', `${path}.currency`),
    stock: integer(o['stock'], `${path}.stock`),
    image_url: string(o['image_url'] ?? '', `${path}.image_url`),
    created_at: string(o['created_at'] ?? '', `${path}.created_at`),
    updated_at: string(o['updated_at'] ?? '', `${path}.updated_at`),
    version: integer(o['version'], `${path}.version`),
  };
}

export function decodeProductPage(value: unknown): ProductPage {
  const o = record(value, 'page');
  return {
    items: array(o['items'], 'page.items', decodeProduct),
    next_cursor: nullableString(o['next_cursor'], 'page.next_cursor'),
  };
}

export function decodeStorefrontHome(value: unknown): StorefrontHome {
  const o = record(value, 'home');
  return {
    categories: array(o['categories'], 'home.categories', (v, p) => {
      const c = record(v, p);
      return { slug: string(c['slug'], `${p}.slug`), product_count: integer(c['product_count'], `${p}.product_count`) };
    }),
    featured: array(o['featured'], 'home.featured', decodeProduct),
  };
}

const ORDER_STATUSES: readonly OrderStatus[] = ['PENDING', 'CONFIRMED', 'PAYMENT_DECLINED', 'REJECTED', 'CANCELLED'];
const PAYMENT_OUTCOMES: readonly PaymentOutcome[] = ['approved', 'card_declined', 'insufficient_funds'];

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const s = string(value, path);
  const found = allowed.find((a) => a === s);
  if (found === undefined) {
    throw new TypeError(`${path}: unexpected value ${s}`);
  }
  return found;
}

export function decodeOrder(value: unknown, path = 'order'): Order {
  const o = record(value, path);
  const customer = record(o['customer'], `${path}.customer`);
  const payment = record(o['payment'] ?? {}, `${path}.payment`);
  const outcome = payment['outcome'];
  return {
    id: string(o['id'], `${path}.id`),
    status: oneOf(o['status'], `${path}.status`, ORDER_STATUSES),
    customer: {
      email: string(customer['email'], `${path}.customer.email`),
      name: string(customer['name'], `${path}.customer.name`),
    },
    items: array(o['items'], `${path}.items`, (v, p) => {
      const l = record(v, p);
      return {
        product_id: integer(l['product_id'], `${p}.product_id`),
        sku: nullableString(l['sku'], `${p}.sku`),
        name: nullableString(l['name'], `${p}.name`),
        quantity: integer(l['quantity'], `${p}.quantity`),
        unit_price_cents: nullableInteger(l['unit_price_cents'], `${p}.unit_price_cents`),
        line_total_cents: nullableInteger(l['line_total_cents'], `${p}.line_total_cents`),
      };
    }),
    total_cents: nullableInteger(o['total_cents'], `${path}.total_cents`),
    currency: string(o['currency'] ?? 'USD', `${path}.currency`),
    payment: {
      card_last4: string(payment['card_last4'] ?? '', `${path}.payment.card_last4`),
      outcome: outcome === null || outcome === undefined ? null : oneOf(outcome, `${path}.payment.outcome`, PAYMENT_OUTCOMES),
    },
    created_at: string(o['created_at'] ?? '', `${path}.created_at`),
    updated_at: string(o['updated_at'] ?? '', `${path}.updated_at`),
  };
}

/** True when the catalog priced the order: every line and the total have an amount. */
export function isPriced(order: Order): boolean {
  return order.total_cents !== null && order.items.every((l) => l.unit_price_cents !== null && l.line_total_cents !== null);
}

/** What to call a line: its name, else its SKU, else "Product #42" (an unpriced line knows only the id). */
export function lineLabel(line: Pick<OrderLine, 'product_id' | 'sku' | 'name'>): string {
  if (line.name !== null && line.name !== '') {
    return line.name;
  }
  if (line.sku !== null && line.sku !== '') {
    return line.sku;
  }
  return `Product #${String(line.product_id)}`;
}

export function decodeShortage(value: unknown, path: string): Shortage {
  const o = record(value, path);
  return {
    product_id: integer(o['product_id'], `${path}.product_id`),
    requested: integer(o['requested'], `${path}.requested`),
    available: integer(o['available'], `${path}.available`),
  };
}
