// Which workflow a page shows, named in the URL (`?c=` for the trip chat, `?e=` for an email),
// so a reload resumes it and two tabs can hold two. Without one, `start` asks the server for a
// fresh workflow (at once, or when the page calls `startNew`) and its id replaces the URL (no
// extra history entry); "new" over a shown workflow pushes one, and so does showing another
// one that exists (`show`). Other query parameters (the page, the other page's id) are kept.

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';

/**
 * Whether `id` can name a workflow at all: what the api accepts (1–128 of letters, digits,
 * '.', '_' and '-', starting with a letter or a digit). Anything else is a broken link.
 */
export function isWellFormedId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id);
}

export function readParam(search: string, param: string): string | null {
  const value = new URLSearchParams(search).get(param)?.trim();
  return value ? value : null;
}

/** `href` as a path with `?param=` set to `value` (other query parameters kept). */
export function urlWithParam(href: string, param: string, value: string): string {
  const url = new URL(href);
  url.searchParams.set(param, value);
  return `${url.pathname}${url.search}${url.hash}`;
}

export interface IdInUrl {
  id: string | null;
  /** Set while the server is starting a workflow for us. */
  starting: boolean;
  /** Set when starting one failed; `retry` tries again. */
  error: string | null;
  /** Starts a fresh workflow and shows it; false when that failed (see `error`). */
  startNew: () => Promise<boolean>;
  retry: () => void;
  /** Shows the workflow `id`, one that exists. */
  show: (id: string) => void;
}

export interface IdInUrlOptions {
  /** Start a workflow on the first load without an id (default); false waits for `startNew`. */
  startOnLoad?: boolean;
}

/**
 * The id in `?param=`; starts one with `start` when there is none. `failure` is what to say
 * when starting failed without a reason from the server.
 */
export function useIdInUrl(param: string, start: () => Promise<string>, failure: string, options: IdInUrlOptions = {}): IdInUrl {
  const { startOnLoad = true } = options;
  const [id, setId] = useState<string | null>(() => readParam(window.location.search, param));
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const booted = useRef(false);
  // The caller's `start` may be a fresh closure on every render; the latest one is used.
  const startRef = useRef(start);
  startRef.current = start;

  const begin = useCallback(
    async (mode: 'replace' | 'push') => {
      setStarting(true);
      setError(null);
      try {
        const fresh = await startRef.current();
        const url = urlWithParam(window.location.href, param, fresh);
        if (mode === 'replace') window.history.replaceState(null, '', url);
        else window.history.pushState(null, '', url);
        setId(fresh);
        return true;
      } catch (err) {
        setError(err instanceof ApiError ? err.detail : failure);
        return false;
      } finally {
        setStarting(false);
      }
    },
    [param, failure],
  );

  // First load without an id: start one. The ref keeps React's development double-run of
  // effects from starting two.
  useEffect(() => {
    if (booted.current || !startOnLoad) return;
    booted.current = true;
    if (id === null) void begin('replace');
  }, [id, begin, startOnLoad]);

  useEffect(() => {
    const onPopState = () => {
      const fromUrl = readParam(window.location.search, param);
      if (fromUrl) setId(fromUrl);
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, [param]);

  // The first workflow of a page replaces its id-less URL; a later one is a new history entry.
  const startNew = useCallback(() => begin(id === null ? 'replace' : 'push'), [id, begin]);
  const retry = useCallback(() => void startNew(), [startNew]);

  // Like a started one, the workflow shown replaces an id-less URL and is a new entry otherwise.
  const show = useCallback(
    (other: string) => {
      setError(null);
      const shown = readParam(window.location.search, param);
      if (other !== shown) {
        const url = urlWithParam(window.location.href, param, other);
        if (shown === null) window.history.replaceState(null, '', url);
        else window.history.pushState(null, '', url);
      }
      setId(other);
    },
    [param],
  );

  return { id, starting, error, startNew, retry, show };
}
