/** A product's picture; an empty `image_url` gets a neutral placeholder. */
export function ProductImage({ src, alt, eager = false }: { src: string; alt: string; eager?: boolean }) {
  if (src === '') {
    return <div className="product-image product-image-empty" role={alt === '' ? undefined : 'img'} aria-label={alt === '' ? undefined : alt} />;
  }
  return <img className="product-image" src={src} alt={alt} width={400} height={400} loading={eager ? 'eager' : 'lazy'} decoding="async" />;
}
