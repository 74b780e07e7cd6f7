import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** Keeps a failing page from blanking the whole shop. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('page failed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <section className="page">
          <h1>Something went wrong</h1>
          <div className="notice notice-error" role="alert">
            <p>This page failed to show. Reload the page or go back to the shop.</p>
          </div>
          <p>
            <a href="/">Go to the home page</a>
          </p>
        </section>
      );
    }
    return this.props.children;
  }
}
