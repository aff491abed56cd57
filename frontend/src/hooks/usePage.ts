// Which page the tab shows: the trip chat (the default, `/`) or the email assistant
// (`?view=email`). Switching pages pushes a history entry and keeps the other query
// parameters, so each page's workflow (`?c=`, `?e=`) is still there on the way back.

import { useCallback, useEffect, useState } from 'react';

export type Page = 'chat' | 'email';

export const PAGE_PARAM = 'view';

export function readPage(search: string): Page {
  return new URLSearchParams(search).get(PAGE_PARAM) === 'email' ? 'email' : 'chat';
}

/** `href` as a path showing `page` (other query parameters kept). */
export function urlForPage(href: string, page: Page): string {
  const url = new URL(href);
  if (page === 'email') url.searchParams.set(PAGE_PARAM, 'email');
  else url.searchParams.delete(PAGE_PARAM);
  return `${url.pathname}${url.search}${url.hash}`;
}

export function usePage(): { page: Page; navigate: (page: Page) => void } {
  const [page, setPage] = useState<Page>(() => readPage(window.location.search));

  useEffect(() => {
    const onPopState = () => setPage(readPage(window.location.search));
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const navigate = useCallback((next: Page) => {
    if (readPage(window.location.search) === next) return;
    window.history.pushState(null, '', urlForPage(window.location.href, next));
    setPage(next);
  }, []);

  return { page, navigate };
}
