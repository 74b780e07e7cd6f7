// The checkout form: its fields, the checks made before sending, the order
// request built from it and the cart, and where the server's field errors go.
import type { OrderRequest } from '../api/types';
import type { Cart } from './cart';

export interface CheckoutForm {
  name: string;
  email: string;
  cardNumber: string;
  expMonth: string;
  expYear: string;
  cvc: string;
}

export type CheckoutField = keyof CheckoutForm;
export type FieldErrors = Partial<Record<CheckoutField, string>>;

export const EMPTY_CHECKOUT_FORM: CheckoutForm = { name: '', email: '', cardNumber: '', expMonth: '', expYear: '', cvc: '' };

export interface TestCard {
  number: string;
  outcome: string;
}

export const TEST_CARDS: readonly TestCard[] = [
  { number: '4242424242424242', outcome: 'approved' },
  { number: '4000000000000002', outcome: 'declined: card_declined' },
  { number: '4000000000009995', outcome: 'declined: insufficient_funds' },
];

/** "4242 4242-4242 4242" -> "4242424242424242". */
export function cardDigits(text: string): string {
  return text.replace(/[\s-]/g, '');
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,4}$/.test(trimmed) ? Number(trimmed) : null;
}

/** The checks a person can fix before anything is sent; the server checks again. */
export function validateCheckoutForm(form: CheckoutForm, today: Date): FieldErrors {
  const errors: FieldErrors = {};
  const name = form.name.trim();
  if (name === '') {
    errors.name = 'Enter your name.';
  } else if (name.length > 200) {
    errors.name = 'Use at most 200 characters.';
  }
  const email = form.email.trim();
  if (email === '') {
    errors.email = 'Enter your email address.';
  } else if (!EMAIL_PATTERN.test(email) || email.length > 254) {
    errors.email = 'Enter an email address like name@example.com.';
  }
  const card = cardDigits(form.cardNumber);
  if (card === '') {
    errors.cardNumber = 'Enter a card number.';
  } else if (!/^\d{12,19}$/.test(card)) {
    errors.cardNumber = 'A card number has 12 to 19 digits.';
  }
  const month = wholeNumber(form.expMonth);
  if (month === null || month < 1 || month > 12) {
    errors.expMonth = 'Enter the expiry month, 1 to 12.';
  }
  const year = wholeNumber(form.expYear);
  const thisYear = today.getFullYear();
  if (year === null || form.expYear.trim().length !== 4) {
    errors.expYear = 'Enter the expiry year with four digits.';
  } else if (year < thisYear || year > thisYear + 25) {
    errors.expYear = 'This card has expired or the year is not valid.';
  } else if (month !== null && year === thisYear && month < today.getMonth() + 1) {
    errors.expMonth = 'This card has expired.';
  }
  if (!/^\d{3,4}$/.test(form.cvc.trim())) {
    errors.cvc = 'The security code has 3 or 4 digits.';
  }
  return errors;
}

export function buildOrderRequest(form: CheckoutForm, cart: Cart): OrderRequest {
  return {
    customer: { email: form.email.trim(), name: form.name.trim() },
    items: cart.lines.map((l) => ({ product_id: l.productId, quantity: l.quantity })),
    payment: {
      card_number: cardDigits(form.cardNumber),
      exp_month: Number(form.expMonth.trim()),
      exp_year: Number(form.expYear.trim()),
      cvc: form.cvc.trim(),
    },
  };
}

const SERVER_FIELDS: Readonly<Record<string, CheckoutField>> = {
  'customer.name': 'name',
  'customer.email': 'email',
  'payment.card_number': 'cardNumber',
  'payment.exp_month': 'expMonth',
  'payment.exp_year': 'expYear',
  'payment.cvc': 'cvc',
};

/** The form field a server error detail names ("customer.email" -> "email"), if any. */
export function formFieldOf(serverField: string): CheckoutField | null {
  return SERVER_FIELDS[serverField] ?? null;
}

/** Splits server details into per-field messages and the rest (e.g. "items[0].quantity"). */
export function splitServerErrors(details: readonly { field: string; message: string }[]): {
  fields: FieldErrors;
  other: { field: string; message: string }[];
} {
  const fields: FieldErrors = {};
  const other: { field: string; message: string }[] = [];
  for (const detail of details) {
    const field = formFieldOf(detail.field);
    if (field && fields[field] === undefined) {
      fields[field] = detail.message;
    } else if (!field) {
      other.push(detail);
    }
  }
  return { fields, other };
}

/** "items[2].quantity" -> 2, for naming the cart line a detail is about. */
export function itemIndexOf(serverField: string): number | null {
  const match = /^items\[(\d+)\]/.exec(serverField);
  return match ? Number(match[1]) : null;
}
