// Where the order desk's list was (its filters), so an order's page links back to it.
let lastSearch = '';

export function rememberDeskSearch(search: string): void {
  lastSearch = search;
}

export function deskPath(): string {
  return `/admin/orders${lastSearch}`;
}
