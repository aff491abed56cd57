// The list of past conversations for the sidebar (`GET /conversations`, newest first): the
// first page on load, older ones on `loadMore`, and the first page again on `refresh` (entries
// already loaded from further down stay, unless the fresh page has them). After a change to a
// conversation (`changed`) it asks twice: Temporal's list of workflows, which the api reads,
// catches up with a change a moment after the change itself. `useListFollows` says when a
// conversation changed: when the chat on show gets its first message, and when it ends.

import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '../api';
import { countUserMessages } from '../conversation';
import { appendPage } from '../pastChats';
import type { Message, PastChat } from '../types';

export const PAST_CHATS_PAGE_SIZE = 20;

/** How long after a change the list is asked again, for Temporal's list to have caught up. */
export const LIST_CATCH_UP_MS = 1500;

export interface PastChats {
  chats: PastChat[];
  /** There are older conversations to load. */
  more: boolean;
  loading: boolean;
  error: string | null;
  refresh: () => void;
  /** A conversation changed: refresh now, and again once the list has caught up. */
  changed: () => void;
  loadMore: () => void;
}

function describe(error: unknown): string {
  return error instanceof api.ApiError ? error.detail : 'Something went wrong.';
}

export function usePastChats(pageSize = PAST_CHATS_PAGE_SIZE): PastChats {
  const [chats, setChats] = useState<PastChat[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Each request's number: an answer to one that a newer request overtook is dropped.
  const latest = useRef(0);

  const load = useCallback(
    (pageToken: string | null) => {
      const mine = ++latest.current;
      setLoading(true);
      setError(null);
      api.listConversations(pageToken ?? undefined, pageSize).then(
        (page) => {
          if (mine !== latest.current) return;
          setChats((shown) => (pageToken === null ? appendPage(page.conversations, shown) : appendPage(shown, page.conversations)));
          setNext(page.next_page_token);
          setLoading(false);
        },
        (err: unknown) => {
          if (mine !== latest.current) return;
          setError(describe(err));
          setLoading(false);
        },
      );
    },
    [pageSize],
  );

  const refresh = useCallback(() => load(null), [load]);
  const loadMore = useCallback(() => {
    if (next !== null && !loading) load(next);
  }, [load, next, loading]);

  const later = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const changed = useCallback(() => {
    refresh();
    clearTimeout(later.current);
    later.current = setTimeout(refresh, LIST_CATCH_UP_MS);
  }, [refresh]);

  useEffect(() => {
    refresh();
    return () => {
      // Nothing answered after the sidebar is gone is shown.
      latest.current += 1;
      clearTimeout(later.current);
    };
  }, [refresh]);

  return { chats, more: next !== null, loading, error, refresh, changed, loadMore };
}

/**
 * Calls `changed` when the conversation whose history `messages` is (`historyOf`) gets its
 * first user message or ends, and when a conversation started here first shows its message;
 * not when a conversation is merely opened.
 */
export function useListFollows(historyOf: string | null, messages: readonly Message[], ended: boolean, startedHere: boolean, changed: () => void) {
  const milestone = ended ? 'ended' : countUserMessages(messages) > 0 ? 'written' : 'empty';
  const seen = useRef<{ id: string | null; milestone: string }>({ id: null, milestone: 'empty' });

  useEffect(() => {
    const before = seen.current;
    seen.current = { id: historyOf, milestone };
    if (historyOf === null) return;
    const moved = before.id === historyOf ? before.milestone !== milestone : startedHere && milestone !== 'empty';
    if (moved) changed();
  }, [historyOf, milestone, startedHere, changed]);
}
