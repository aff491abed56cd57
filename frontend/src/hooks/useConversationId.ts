// Which conversation the trip chat shows: `?c=<id>` in the URL (see `useIdInUrl`). A new
// conversation starts only once the user has chosen its goal (`startWith`), so a first visit
// without `?c=` starts nothing by itself.

import { useCallback, useRef } from 'react';
import * as api from '../api';
import { readParam, urlWithParam, useIdInUrl, type IdInUrl } from './useIdInUrl';

export const CONVERSATION_PARAM = 'c';

export function readConversationId(search: string): string | null {
  return readParam(search, CONVERSATION_PARAM);
}

/** The current page's URL with `?c=` set to `id` (other query parameters kept). */
export function urlWithConversation(href: string, id: string): string {
  return urlWithParam(href, CONVERSATION_PARAM, id);
}

export interface ConversationIdState extends Omit<IdInUrl, 'startNew'> {
  /** Starts a fresh conversation pursuing `goal` (the server's default when undefined). */
  startWith: (goal: string | undefined) => Promise<void>;
}

/** A fresh chat id, made here so every new chat is its own conversation. */
export function newConversationId(): string {
  return `chat-${crypto.randomUUID().replaceAll('-', '')}`;
}

export function useConversationId(): ConversationIdState {
  // The goal of the conversation being started; `retry` starts the same one again.
  const goal = useRef<string | undefined>(undefined);
  const start = useCallback(() => api.startWorkflow(newConversationId(), goal.current), []);
  const { startNew, ...rest } = useIdInUrl(CONVERSATION_PARAM, start, "Couldn't start a chat.", { startOnLoad: false });
  const startWith = useCallback(
    (chosen: string | undefined) => {
      goal.current = chosen;
      return startNew();
    },
    [startNew],
  );
  return { ...rest, startWith };
}
