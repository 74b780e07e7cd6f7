// The admin's product form: text fields in, a ProductInput (integer cents)
// or per-field messages out. Field names match the API's error details.
import type { ProductInput } from '../api/admin';
import type { Product } from '../api/types';
import { centsToInput, parseDollarsToCents } from '../lib/money';

export interface ProductForm {
  sku: string;
  name: string;
  description: string;
  category: string;
  price: string;
  stock: string;
  image_url: string;
}

export type ProductFormField = keyof ProductForm;
export type ProductFormErrors = Partial<Record<ProductFormField, string>>;

export const EMPTY_PRODUCT_FORM: ProductForm = { sku: '', name: '', description: '', category: '', price: '', stock: '0', image_url: '' };

export function formOfProduct(product: Product): ProductForm {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description,
    category: product.category,
    price: centsToInput(product.price_cents),
    stock: String(product.stock),
    image_url: product.image_url,
  };
}

/** The API names the price `price_cents`; the form shows dollars. */
export function formFieldOfApi(field: string): ProductFormField | null {
  if (field === 'price_cents' || field === 'price') {
    return 'price';
  }
  const known: readonly ProductFormField[] = ['sku', 'name', 'description', 'category', 'stock', 'image_url'];
  return known.find((k) => k === field) ?? null;
}

export type ParsedProductForm = { ok: true; input: ProductInput } | { ok: false; errors: ProductFormErrors };

export function parseStock(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,10}$/.test(trimmed)) {
    return null;
  }
  const stock = Number(trimmed);
  return stock <= 1_000_000_000 ? stock : null;
}

export function parseProductForm(form: ProductForm): ParsedProductForm {
  const errors: ProductFormErrors = {};
  const sku = form.sku.trim();
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(sku)) {
    errors.sku = 'Use 1 to 64 letters, digits, dots, dashes or underscores.';
  }
  const name = form.name.trim();
  if (name === '' || name.length > 200) {
    errors.name = 'Enter a name of 1 to 200 characters.';
  }
  const category = form.category.trim();
  if (!/^[a-z0-9][a-z0-9-]{0,49}$/.test(category)) {
    errors.category = 'Use a lowercase slug such as kitchen or home-office.';
  }
  const price = parseDollarsToCents(form.price);
  if (price === null || price > 1_000_000_000) {
    errors.price = 'Enter a price in dollars, such as 18 or 18.50.';
  }
  const stock = parseStock(form.stock);
  if (stock === null) {
    errors.stock = 'Enter a whole number from 0 to 1,000,000,000.';
  }
  if (Object.keys(errors).length > 0 || price === null || stock === null) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    input: { sku, name, description: form.description, category, price_cents: price, stock, image_url: form.image_url.trim() },
  };
}
