// What a shopper is told about stock, and how many units a line may hold.

export const MAX_QUANTITY_PER_LINE = 100;
export const LOW_STOCK_THRESHOLD = 5;

export type StockLevel = 'in_stock' | 'low' | 'sold_out';

export function stockLevel(stock: number): StockLevel {
  if (stock <= 0) {
    return 'sold_out';
  }
  return stock <= LOW_STOCK_THRESHOLD ? 'low' : 'in_stock';
}

export function stockLabel(stock: number): string {
  switch (stockLevel(stock)) {
    case 'sold_out':
      return 'Sold out';
    case 'low':
      return `Only ${String(stock)} left`;
    case 'in_stock':
      return 'In stock';
  }
}

/** The most one order line may ask for: min(stock, 100), never negative. */
export function maxOrderable(stock: number): number {
  if (!Number.isSafeInteger(stock) || stock <= 0) {
    return 0;
  }
  return Math.min(stock, MAX_QUANTITY_PER_LINE);
}
