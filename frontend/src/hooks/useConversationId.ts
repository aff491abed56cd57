// Which conversation this tab shows. The id lives in the URL as `?c=<id>`, so a reload resumes
// the same chat and two tabs can hold two chats. Without one, the server starts a fresh
// conversation and its id replaces the URL (no extra history entry); "new chat" pushes one.

import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '../api';

export const CONVERSATION_PARAM = 'c';

export function readConversationId(search: string): string | null {
  const id = new URLSearchParams(search).get(CONVERSATION_PARAM)?.trim();
  return id ? id : null;
}

/** The current page's URL with `?c=` set to `id` (other query parameters kept). */
export function urlWithConversation(href: string, id: string): string {
  const url = new URL(href);
  url.searchParams.set(CONVERSATION_PARAM, id);
  return `${url.pathname}${url.search}${url.hash}`;
}

export interface ConversationIdState {
  id: string | null;
  /** Set while the server is starting a conversation for us. */
  starting: boolean;
  /** Set when starting one failed; `retry` tries again. */
  error: string | null;
  startNew: () => Promise<void>;
  retry: () => void;
}

export function useConversationId(): ConversationIdState {
  const [id, setId] = useState<string | null>(() => readConversationId(window.location.search));
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const booted = useRef(false);

  const start = useCallback(async (mode: 'replace' | 'push') => {
    setStarting(true);
    setError(null);
    try {
      const fresh = await api.startWorkflow();
      const url = urlWithConversation(window.location.href, fresh);
      if (mode === 'replace') window.history.replaceState(null, '', url);
      else window.history.pushState(null, '', url);
      setId(fresh);
    } catch (err) {
      setError(err instanceof api.ApiError ? err.detail : "Couldn't start a chat.");
    } finally {
      setStarting(false);
    }
  }, []);

  // First load without `?c=`: start one. The ref keeps React's development double-run of
  // effects from starting two conversations.
  useEffect(() => {
    if (booted.current) return;
    booted.current = true;
    if (id === null) void start('replace');
  }, [id, start]);

  useEffect(() => {
    const onPopState = () => {
      const fromUrl = readConversationId(window.location.search);
      if (fromUrl) setId(fromUrl);
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const startNew = useCallback(() => start('push'), [start]);
  const retry = useCallback(() => void start(id === null ? 'replace' : 'push'), [id, start]);

  return { id, starting, error, startNew, retry };
}
