import { useEffect } from 'react';
import { SHOP_NAME } from '../app/services';

/** Sets the tab title: "Page · Shop". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title === '' ? SHOP_NAME : `${title} · ${SHOP_NAME}`;
  }, [title]);
}
