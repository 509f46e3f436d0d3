import { useEffect, useState } from 'react';

/** A console page, from the URL's fragment: `#/catalog`, `#/product/orders`, `#/lineage`, … */
export interface Route {
  readonly page: string;
  readonly arg: string | null;
}

function current(): Route {
  const [page = 'catalog', arg] = window.location.hash.replace(/^#\/?/, '').split('/');
  return { page: page || 'catalog', arg: arg ? decodeURIComponent(arg) : null };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => setRoute(current());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const href = (page: string, arg?: string) => `#/${page}${arg ? `/${encodeURIComponent(arg)}` : ''}`;
