import { describe, expect, it } from 'vitest';
import { centsToInput, formatCents, multiplyCents, parseDollarsToCents, sumCents } from './money';

describe('formatCents', () => {
  it.each([
    [0, '$0.00'],
    [5, '$0.05'],
    [99, '$0.99'],
    [100, '$1.00'],
    [1800, '$18.00'],
    [100000, '$1,000.00'],
    [123456789, '$1,234,567.89'],
    [Number.MAX_SAFE_INTEGER, '$90,071,992,547,409.91'],
  ])('formats %i cents as %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it('refuses negative amounts', () => {
    expect(() => formatCents(-1)).toThrow(RangeError);
    expect(() => formatCents(-100)).toThrow(/negative/);
  });

  it('refuses anything that is not an integer number of cents', () => {
    expect(() => formatCents(1.5)).toThrow(RangeError);
    expect(() => formatCents(Number.NaN)).toThrow(RangeError);
    expect(() => formatCents(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => formatCents(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });
});

describe('arithmetic on cents', () => {
  it('multiplies and sums exactly', () => {
    expect(multiplyCents(1999, 3)).toBe(5997);
    expect(sumCents([1999, 1, 0])).toBe(2000);
    expect(sumCents([])).toBe(0);
  });

  it('refuses overflow past safe integers and bad quantities', () => {
    expect(() => multiplyCents(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
    expect(() => multiplyCents(100, -1)).toThrow(RangeError);
    expect(() => multiplyCents(100, 0.5)).toThrow(RangeError);
  });
});

describe('parseDollarsToCents', () => {
  it.each([
    ['0', 0],
    ['12', 1200],
    ['12.5', 1250],
    ['12.05', 1205],
    ['0.99', 99],
    ['$1,234.56', 123456],
    [' 18.00 ', 1800],
    ['007.10', 710],
  ])('parses %j as %i cents', (text, cents) => {
    expect(parseDollarsToCents(text)).toBe(cents);
  });

  it.each(['', 'abc', '1.234', '-1', '1e3', '12,34', '1.', '.5', '99999999999999999'])('refuses %j', (text) => {
    expect(parseDollarsToCents(text)).toBeNull();
  });

  it('round-trips with centsToInput', () => {
    for (const cents of [0, 5, 99, 100, 123456789]) {
      expect(parseDollarsToCents(centsToInput(cents))).toBe(cents);
    }
  });
});
