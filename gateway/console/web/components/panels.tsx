import type { ReactNode } from 'react';
import type { ApiError } from '../api.js';
import type { Loaded } from '../use-api.js';

/** What a page shows for a refusal: the server's code and message, never a blank panel. */
export function ErrorPanel({ error, what }: { error: ApiError; what: string }) {
  const reason =
    error.status === 403
      ? `${what} is not for your roles`
      : error.status === 404
        ? `${what} is not available on this gateway`
        : error.status === 503
          ? `${what} is not available right now`
          : `${what} could not be loaded`;
  return (
    <div className="panel unavailable" role="status" data-code={error.code}>
      <strong>{reason}.</strong> <code>{error.code}</code> {error.message}
    </div>
  );
}

export function Unavailable({ children }: { children: ReactNode }) {
  return (
    <div className="panel unavailable" role="status">
      {children}
    </div>
  );
}

/** Renders `loaded` once it is there: a spinner line while loading, the error panel on failure. */
export function Show<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (loaded.state === 'loading') return <p className="muted">Loading {what}…</p>;
  if (loaded.state === 'error') return <ErrorPanel error={loaded.error} what={what} />;
  return <>{children(loaded.data)}</>;
}

export function HealthBadge({ state }: { state: string | null | undefined }) {
  const label = state ?? 'not measured';
  return <span className={`badge health-${label.replace(/\s+/g, '-')}`}>{label}</span>;
}
