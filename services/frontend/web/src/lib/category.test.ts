import { describe, expect, it } from 'vitest';
import { categoryLabel } from './category';
import { maxOrderable, stockLabel, stockLevel } from './stock';

describe('categoryLabel', () => {
  it('capitalises the slug and turns dashes into spaces', () => {
    expect(categoryLabel('kitchen')).toBe('Kitchen');
    expect(categoryLabel('home-office')).toBe('Home office');
    expect(categoryLabel('')).toBe('');
  });
});

describe('stock', () => {
  it('classifies stock into the three badges', () => {
    expect(stockLevel(0)).toBe('sold_out');
    expect(stockLevel(1)).toBe('low');
    expect(stockLevel(5)).toBe('low');
    expect(stockLevel(6)).toBe('in_stock');
    expect(stockLabel(3)).toBe('Only 3 left');
    expect(stockLabel(0)).toBe('Sold out');
    expect(stockLabel(50)).toBe('In stock');
  });

  it('caps what one line may order at min(stock, 100)', () => {
    expect(maxOrderable(0)).toBe(0);
    expect(maxOrderable(-3)).toBe(0);
    expect(maxOrderable(7)).toBe(7);
    expect(maxOrderable(100)).toBe(100);
    expect(maxOrderable(5000)).toBe(100);
  });
});
