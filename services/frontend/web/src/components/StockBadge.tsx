import { stockLabel, stockLevel } from '../lib/stock';

export function StockBadge({ stock }: { stock: number }) {
  return <span className={`badge badge-${stockLevel(stock).replace('_', '-')}`}>{stockLabel(stock)}</span>;
}
