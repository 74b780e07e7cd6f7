import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';
import { router } from '../app/services';
import { isRouterClick } from '../lib/router';

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  children: ReactNode;
}

/** An ordinary link that the router follows without reloading the page. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(event);
    const anchor = event.currentTarget;
    const click = {
      button: event.button,
      defaultPrevented: event.defaultPrevented,
      metaKey: event.metaKey,
      ctrlKey: event.ctrlKey,
      shiftKey: event.shiftKey,
      altKey: event.altKey,
      target: anchor.target,
      download: anchor.hasAttribute('download'),
      href: anchor.href,
    };
    if (isRouterClick(click, window.location.origin)) {
      event.preventDefault();
      router.navigate(to);
    }
  };
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
