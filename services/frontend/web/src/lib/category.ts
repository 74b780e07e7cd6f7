// Category slugs come from the catalog ("home-office"); people read names.

/** "home-office" -> "Home office". */
export function categoryLabel(slug: string): string {
  const words = slug.replaceAll('-', ' ').trim();
  if (words === '') {
    return '';
  }
  return words.charAt(0).toUpperCase() + words.slice(1);
}
