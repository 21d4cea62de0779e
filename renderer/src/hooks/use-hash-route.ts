import { useEffect, useState } from 'react';
import { pageFromHash, type PageId } from '../logic/routes.ts';

/** The page named by `location.hash`, following back/forward and link clicks. */
export function useHashRoute(): PageId {
  const [page, setPage] = useState<PageId>(() => pageFromHash(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setPage(pageFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return page;
}
