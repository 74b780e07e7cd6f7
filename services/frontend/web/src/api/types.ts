// The shapes of the shop's HTTP API, taken from the types that
// scripts/generate-api-types.mjs generates from docs/api/product-service.yaml
// and docs/api/order-service.yaml (openapi-typescript), with decoders for what
// the server sends. A document that changes a shape the storefront reads
// fails the typecheck here, where the decoders build those types.
import { array, DecodeError, integer, nullableInteger, nullableString, record, string } from './decode';
import type { components as OrderApi } from './generated/order-service';
import type { components as ProductApi } from './generated/product-service';

type ProductSchemas = ProductApi['schemas'];
type OrderSchemas = OrderApi['schemas'];

export type Product = ProductSchemas['Product'];
export type ProductPage = ProductSchemas['ProductList'];
export type CategorySummary = ProductSchemas['CategoryList']['items'][number];

/** The frontend's own BFF answer (GET /api/storefront/home): product-service's shapes. */
export interface StorefrontHome {
  categories: CategorySummary[];
  featured: Product[];
}

/** PENDING (the checkout), CANCELLING and REFUNDING (moves under way) are being worked on and the pages poll them; the others change only through a move (cancel, fulfil, refund). See docs/api/order-service.yaml. */
export type OrderStatus = OrderSchemas['OrderStatus'];
export type PaymentOutcome = OrderSchemas['PaymentOutcome'];

/**
 * A line of an order. The catalog prices the lines when the stock is
 * reserved; until then, and for orders that never were reserved (REJECTED,
 * some PENDING and CANCELLED ones), sku, name and the prices are null.
 * Either every line of an order is priced or none is.
 */
export type PricedOrderLine = OrderSchemas['PricedOrderLine'];
export type RequestedOrderLine = OrderSchemas['RequestedOrderLine'];
export type OrderLine = PricedOrderLine | RequestedOrderLine;

export type Order = OrderSchemas['Order'];

/** One order with its lifecycle (GET /api/orders/{id} and the answers of its moves). */
export type OrderDetail = OrderSchemas['OrderDetail'];
export type OrderHistoryEntry = OrderSchemas['OrderHistoryEntry'];
export type OrderActor = OrderHistoryEntry['actor'];
/** The refund of the order's charge; null while none was asked for. */
export type OrderRefund = OrderSchemas['OrderRefund'];
export type OrderAction = OrderSchemas['OrderAction'];
export type ReservationState = OrderSchemas['ReservationState'];
/** A page of the order desk's list (GET /api/orders). */
export type OrderList = OrderSchemas['OrderList'];
/** The bodies of POST /api/orders/{id}/cancel and /refund. */
export type CancelRequest = OrderSchemas['CancelRequest'];
export type RefundRequest = OrderSchemas['RefundRequest'];

/** The body of POST /api/orders: never prices or totals. */
export type OrderRequest = OrderSchemas['CheckoutRequest'];

export type Shortage = OrderSchemas['Shortage'];

/** One problem of a `validation_failed` (or `unknown_product`) answer: `{field, message}`. */
export type FieldError = OrderSchemas['ErrorDetail'];

/** The body of POST and PUT /api/products, and of PATCH. */
export type ProductCreate = ProductSchemas['ProductCreate'];
export type ProductPatch = ProductSchemas['ProductPatch'];

/** The error code(s) of one of order-service's error schemas, e.g. OrderErrorCode<'InsufficientStockError'>. */
export type OrderErrorCode<S extends keyof OrderSchemas> = OrderSchemas[S] extends { error: { code: infer C } } ? C : never;

/** Refuses anything but one of `allowed` (an enum or constant of the documents). */
function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const s = string(value, path);
  const found = allowed.find((a) => a === s);
  if (found === undefined) {
    throw new TypeError(`${path}: unexpected value ${s}`);
  }
  return found;
}

const USD: readonly ['USD'] = ['USD'];

export function decodeProduct(value: unknown, path = 'product'): Product {
  const o = record(value, path);
  return {
    id: integer(o['id'], `${path}.id`),
    sku: string(o['sku'], `${path}.sku`),
    name: string(o['name'], `${path}.name`),
    description: string(o['description'] ?? '', `${path}.description`),
    category: string(o['category'], `${path}.category`),
    price_cents: integer(o['price_cents'], `${path}.price_cents`),
    currency: oneOf(o['currency'] ?? 'USD', `${path}.currency`, USD),
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

const ORDER_STATUSES: readonly OrderStatus[] = [
  'PENDING',
  'CONFIRMED',
  'PAYMENT_DECLINED',
  'REJECTED',
  'CANCELLED',
  'CANCELLING',
  'FULFILLED',
  'REFUNDING',
  'REFUNDED',
  'CANCEL_REFUND_FAILED',
  'RETURN_REFUND_FAILED',
];
/** One of the document's order statuses (e.g. the `current_status` of an illegal_transition answer). */
export function decodeOrderStatus(value: unknown, path = 'status'): OrderStatus {
  return oneOf(value, path, ORDER_STATUSES);
}

/** Every status, in the document's order. */
export function allOrderStatuses(): readonly OrderStatus[] {
  return ORDER_STATUSES;
}

const PAYMENT_OUTCOMES: readonly PaymentOutcome[] = ['approved', 'card_declined', 'insufficient_funds'];

/** A line with prices (`unit_price_cents` is a number), or one the catalog never priced (every price null). */
function decodeOrderLine(value: unknown, path: string): OrderLine {
  const l = record(value, path);
  const product_id = integer(l['product_id'], `${path}.product_id`);
  const quantity = integer(l['quantity'], `${path}.quantity`);
  if (l['unit_price_cents'] === null) {
    return {
      product_id,
      sku: nothing(l['sku'], `${path}.sku`),
      name: nothing(l['name'], `${path}.name`),
      quantity,
      unit_price_cents: null,
      line_total_cents: nothing(l['line_total_cents'], `${path}.line_total_cents`),
    };
  }
  const unit_price_cents = integer(l['unit_price_cents'], `${path}.unit_price_cents`);
  const line_total_cents = integer(l['line_total_cents'], `${path}.line_total_cents`);
  return { product_id, sku: string(l['sku'], `${path}.sku`), name: string(l['name'], `${path}.name`), quantity, unit_price_cents, line_total_cents };
}

/** null (or absent) and nothing else: a field of a line that was never priced. */
function nothing(value: unknown, path: string): null {
  if (value !== null && value !== undefined) {
    throw new DecodeError(path, 'null on a line that is not priced');
  }
  return null;
}

function isPricedLine(line: OrderLine): line is PricedOrderLine {
  return line.unit_price_cents !== null;
}

function isRequestedLine(line: OrderLine): line is RequestedOrderLine {
  return line.unit_price_cents === null;
}

/** The lines of an order: either every one is priced or none is (OrderLines in the document). */
function decodeOrderLines(value: unknown, path: string): Order['items'] {
  const lines = array(value, path, decodeOrderLine);
  const priced = lines.filter(isPricedLine);
  if (priced.length === lines.length) {
    return priced;
  }
  const requested = lines.filter(isRequestedLine);
  if (requested.length === lines.length) {
    return requested;
  }
  throw new DecodeError(path, 'every line priced or none');
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
    items: decodeOrderLines(o['items'], `${path}.items`),
    total_cents: nullableInteger(o['total_cents'], `${path}.total_cents`),
    currency: oneOf(o['currency'] ?? 'USD', `${path}.currency`, USD),
    payment: {
      card_last4: string(payment['card_last4'] ?? '', `${path}.payment.card_last4`),
      outcome: outcome === null || outcome === undefined ? null : oneOf(outcome, `${path}.payment.outcome`, PAYMENT_OUTCOMES),
    },
    created_at: string(o['created_at'] ?? '', `${path}.created_at`),
    updated_at: string(o['updated_at'] ?? '', `${path}.updated_at`),
  };
}

const RESERVATION_STATES: readonly ReservationState[] = ['none', 'held', 'committed', 'released', 'returned'];
const ORDER_ACTIONS: readonly OrderAction[] = ['cancel', 'fulfil', 'refund', 'retry_refund'];
const ACTORS: readonly OrderActor[] = ['customer', 'admin', 'system'];
const REFUND_STATUSES: readonly NonNullable<OrderRefund>['status'][] = ['refunded', 'refused'];

function decodeHistoryEntry(value: unknown, path: string): OrderHistoryEntry {
  const h = record(value, path);
  return {
    at: string(h['at'], `${path}.at`),
    actor: oneOf(h['actor'], `${path}.actor`, ACTORS),
    from: oneOf(h['from'], `${path}.from`, ORDER_STATUSES),
    to: oneOf(h['to'], `${path}.to`, ORDER_STATUSES),
    reason: nullableString(h['reason'], `${path}.reason`),
  };
}

function decodeRefund(value: unknown, path: string): OrderRefund {
  if (value === null) {
    return null;
  }
  const r = record(value, path);
  return {
    status: oneOf(r['status'], `${path}.status`, REFUND_STATUSES),
    at: string(r['at'], `${path}.at`),
    failure_code: nullableString(r['failure_code'], `${path}.failure_code`),
  };
}

/** An order with its lifecycle: the Order fields and reservation_state, refund, history and actions (all required). */
export function decodeOrderDetail(value: unknown, path = 'order'): OrderDetail {
  const order = decodeOrder(value, path);
  const o = record(value, path);
  const actions = array(o['actions'], `${path}.actions`, (v, p) => oneOf(v, p, ORDER_ACTIONS));
  return {
    ...order,
    reservation_state: oneOf(o['reservation_state'], `${path}.reservation_state`, RESERVATION_STATES),
    refund: decodeRefund(o['refund'], `${path}.refund`),
    history: array(o['history'], `${path}.history`, decodeHistoryEntry),
    actions: actions.filter((a, i) => actions.indexOf(a) === i),
  };
}

/** A page of GET /api/orders: orders (without their lifecycle) and the next page's cursor. */
export function decodeOrderList(value: unknown): OrderList {
  const o = record(value, 'page');
  return {
    items: array(o['items'], 'page.items', (v, p) => decodeOrder(v, p)),
    next_cursor: nullableString(o['next_cursor'], 'page.next_cursor'),
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
