import { useEffect, useState } from 'react';
import { api, ApiError } from './api.js';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly data: T }
  | { readonly state: 'error'; readonly error: ApiError };

/** GETs `path` (again whenever it changes); null skips the request. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (path === null) return undefined;
    let current = true;
    setLoaded({ state: 'loading' });
    api<T>(path).then(
      (data) => current && setLoaded({ state: 'ok', data }),
      (error: unknown) =>
        current &&
        setLoaded({
          state: 'error',
          error: error instanceof ApiError ? error : new ApiError(0, 'NETWORK', String(error)),
        }),
    );
    return () => {
      current = false;
    };
  }, [path]);
  return loaded;
}
