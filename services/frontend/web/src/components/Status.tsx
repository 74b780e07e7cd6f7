// Loading, error and empty states shared by every page.
import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError, describeError } from '../api/http';

export function Loading({ label }: { label: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A short explanation for errors a shopper may see. */
export function friendlyMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'catalog_unavailable' || error.code === 'database_unavailable') {
      return 'The catalog is unavailable right now. Please try again in a moment.';
    }
    return error.message;
  }
  return describeError(error);
}

export interface ErrorNoticeProps {
  title: string;
  error: unknown;
  onRetry?: () => void;
  children?: ReactNode;
}

export function ErrorNotice({ title, error, onRetry, children }: ErrorNoticeProps) {
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{title}</p>
      <p>{friendlyMessage(error)}</p>
      {code !== null && <p className="notice-code">Error code: {code}</p>}
      {children}
      {onRetry && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A message box that takes the focus when it appears, so it is read out at once. */
export function FocusedNotice({ tone, children, id }: { tone: 'error' | 'success' | 'info'; children: ReactNode; id?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [children]);
  return (
    <div ref={ref} id={id} className={`notice notice-${tone}`} tabIndex={-1} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
