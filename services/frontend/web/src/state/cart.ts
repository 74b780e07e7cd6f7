// The cart as plain data and pure functions: add (merging lines), change a
// quantity, remove, total in integer cents, and (de)serialise for storage.
import type { Product, Shortage } from '../api/types';
import { isRecord } from '../api/decode';
import { multiplyCents, sumCents } from '../lib/money';
import { MAX_QUANTITY_PER_LINE, maxOrderable } from '../lib/stock';

export const MAX_LINES = 50;

export interface CartLine {
  productId: number;
  sku: string;
  name: string;
  /** The unit price when the product was last seen; the server prices the order. */
  priceCents: number;
  imageUrl: string;
  quantity: number;
  /** min(stock, 100) when the product was last seen. */
  maxQuantity: number;
}

export interface Cart {
  lines: readonly CartLine[];
}

export const EMPTY_CART: Cart = { lines: [] };

export interface AddResult {
  cart: Cart;
  /** How many units were added (less than asked when a limit was reached). */
  added: number;
}

function clamp(quantity: number, max: number): number {
  if (!Number.isSafeInteger(quantity)) {
    return 0;
  }
  return Math.max(0, Math.min(quantity, max));
}

export function lineFromProduct(product: Product, quantity: number): CartLine {
  return {
    productId: product.id,
    sku: product.sku,
    name: product.name,
    priceCents: product.price_cents,
    imageUrl: product.image_url,
    quantity,
    maxQuantity: maxOrderable(product.stock),
  };
}

/** Adds units of a product, merging with its line; never past min(stock, 100) or MAX_LINES. */
export function addToCart(cart: Cart, product: Product, quantity: number): AddResult {
  const max = maxOrderable(product.stock);
  const existing = cart.lines.find((l) => l.productId === product.id);
  if (!existing) {
    const wanted = clamp(quantity, max);
    if (wanted === 0 || cart.lines.length >= MAX_LINES) {
      return { cart, added: 0 };
    }
    return { cart: { lines: [...cart.lines, lineFromProduct(product, wanted)] }, added: wanted };
  }
  const next = clamp(existing.quantity + Math.max(0, quantity), max);
  if (next === 0) {
    return { cart, added: 0 };
  }
  const refreshed = lineFromProduct(product, next);
  const lines = cart.lines.map((l) => (l.productId === product.id ? refreshed : l));
  return { cart: { lines }, added: Math.max(0, next - existing.quantity) };
}

/** Sets a line's quantity within 1..maxQuantity; 0 or less removes the line. */
export function setQuantity(cart: Cart, productId: number, quantity: number): Cart {
  if (!Number.isSafeInteger(quantity)) {
    return cart;
  }
  if (quantity <= 0) {
    return removeLine(cart, productId);
  }
  return {
    lines: cart.lines.map((l) => (l.productId === productId ? { ...l, quantity: Math.min(quantity, Math.max(l.maxQuantity, 1)) } : l)),
  };
}

export function removeLine(cart: Cart, productId: number): Cart {
  return { lines: cart.lines.filter((l) => l.productId !== productId) };
}

/** Removes the lines of these products (e.g. ones the catalog no longer has). */
export function removeLines(cart: Cart, productIds: readonly number[]): Cart {
  if (!cart.lines.some((l) => productIds.includes(l.productId))) {
    return cart;
  }
  return { lines: cart.lines.filter((l) => !productIds.includes(l.productId)) };
}

/** Brings every short line down to what is available (removing sold-out ones). */
export function applyShortages(cart: Cart, shortages: readonly Shortage[]): Cart {
  const lines: CartLine[] = [];
  for (const line of cart.lines) {
    const shortage = shortages.find((s) => s.product_id === line.productId);
    if (!shortage) {
      lines.push(line);
      continue;
    }
    const available = maxOrderable(shortage.available);
    if (available > 0) {
      lines.push({ ...line, quantity: Math.min(line.quantity, available), maxQuantity: available });
    }
  }
  return { lines };
}

export interface CartTotals {
  itemCount: number;
  subtotalCents: number;
}

export function lineTotalCents(line: CartLine): number {
  return multiplyCents(line.priceCents, line.quantity);
}

export function cartTotals(cart: Cart): CartTotals {
  return {
    itemCount: cart.lines.reduce((n, l) => n + l.quantity, 0),
    subtotalCents: sumCents(cart.lines.map(lineTotalCents)),
  };
}

export function serializeCart(cart: Cart): string {
  return JSON.stringify({ version: 1, lines: cart.lines });
}

function parseLine(value: unknown): CartLine | null {
  if (!isRecord(value)) {
    return null;
  }
  const { productId, sku, name, priceCents, imageUrl, quantity, maxQuantity } = value;
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (
    !isCount(productId) || productId === 0 ||
    typeof sku !== 'string' || typeof name !== 'string' || typeof imageUrl !== 'string' ||
    !isCount(priceCents) || !isCount(quantity) || !isCount(maxQuantity) ||
    quantity === 0 || maxQuantity > MAX_QUANTITY_PER_LINE
  ) {
    return null;
  }
  return { productId, sku, name, priceCents, imageUrl, quantity: Math.min(quantity, Math.max(maxQuantity, 1)), maxQuantity };
}

/** Reads a stored cart; anything unreadable gives the lines that are valid (or an empty cart). */
export function parseCart(text: string | null): Cart {
  if (text === null || text === '') {
    return EMPTY_CART;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return EMPTY_CART;
  }
  if (!isRecord(parsed) || parsed['version'] !== 1 || !Array.isArray(parsed['lines'])) {
    return EMPTY_CART;
  }
  const raw: unknown[] = parsed['lines'];
  const lines: CartLine[] = [];
  for (const item of raw) {
    const line = parseLine(item);
    if (line && !lines.some((l) => l.productId === line.productId) && lines.length < MAX_LINES) {
      lines.push(line);
    }
  }
  return { lines };
}
