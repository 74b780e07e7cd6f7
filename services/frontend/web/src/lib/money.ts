// Money is an integer number of cents from the API to the screen: these
// functions format and parse it with integer and string arithmetic only.

const CENTS_PER_DOLLAR = 100;

/** Throws unless `cents` is a non-negative safe integer. */
export function assertCents(cents: number): void {
  if (!Number.isSafeInteger(cents)) {
    throw new RangeError(`not an integer number of cents: ${String(cents)}`);
  }
  if (cents < 0) {
    throw new RangeError(`a negative amount cannot be shown as a price: ${String(cents)}`);
  }
}

function groupThousands(digits: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i += 1) {
    const fromEnd = digits.length - i;
    if (i > 0 && fromEnd % 3 === 0) {
      out += ',';
    }
    out += digits.charAt(i);
  }
  return out;
}

/** 123456789 -> "$1,234,567.89"; 5 -> "$0.05". USD only, like the catalog. */
export function formatCents(cents: number): string {
  assertCents(cents);
  const remainder = cents % CENTS_PER_DOLLAR;
  const dollars = (cents - remainder) / CENTS_PER_DOLLAR;
  return `$${groupThousands(String(dollars))}.${String(remainder).padStart(2, '0')}`;
}

/** Multiplies a unit price by a quantity, refusing results that are not safe integers. */
export function multiplyCents(unitCents: number, quantity: number): number {
  assertCents(unitCents);
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw new RangeError(`not a quantity: ${String(quantity)}`);
  }
  const total = unitCents * quantity;
  assertCents(total);
  return total;
}

/** Adds amounts of cents, refusing results that are not safe integers. */
export function sumCents(amounts: readonly number[]): number {
  let total = 0;
  for (const amount of amounts) {
    assertCents(amount);
    total += amount;
    assertCents(total);
  }
  return total;
}

const DOLLARS_PATTERN = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses what a person types as a price ("12", "12.5", "$1,234.56") into
 * cents without floating point; null when it is not a price.
 */
export function parseDollarsToCents(text: string): number | null {
  const match = DOLLARS_PATTERN.exec(text.trim());
  if (!match) {
    return null;
  }
  const whole = (match[1] ?? '').replaceAll(',', '');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, '');
  const cents = Number(digits);
  return Number.isSafeInteger(cents) ? cents : null;
}

/** The form value of a price in cents: 1800 -> "18.00". */
export function centsToInput(cents: number): string {
  assertCents(cents);
  const remainder = cents % CENTS_PER_DOLLAR;
  return `${String((cents - remainder) / CENTS_PER_DOLLAR)}.${String(remainder).padStart(2, '0')}`;
}
