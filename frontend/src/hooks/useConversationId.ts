// Which conversation the trip chat shows: `?c=<id>` in the URL (see `useIdInUrl`). Nothing is
// started by opening the page: a new conversation starts with the user's first message
// (`startWith`), pursuing the goal chosen for it, and only then gets its id in the URL.

import { useCallback, useRef, useState } from 'react';
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

/** The first message of a conversation started here, until its history has it. */
export interface OpeningPrompt {
  id: string;
  text: string;
}

export interface ConversationIdState extends Pick<IdInUrl, 'id' | 'starting' | 'error' | 'show'> {
  /**
   * Starts a fresh conversation pursuing `goal` (the server's default when undefined) with
   * `prompt` as its first message, and shows it; false when that failed (see `error`).
   */
  startWith: (goal: string | undefined, prompt: string) => Promise<boolean>;
  opening: OpeningPrompt | null;
}

/** A fresh chat id, made here so every new chat is its own conversation. */
export function newConversationId(): string {
  return `chat-${crypto.randomUUID().replaceAll('-', '')}`;
}

export function useConversationId(): ConversationIdState {
  // What the conversation being started begins with. Its id is kept until it has started, so
  // sending again after a failure does not leave a second conversation behind.
  const first = useRef<{ id: string; goal: string | undefined; prompt: string } | null>(null);
  const [opening, setOpening] = useState<OpeningPrompt | null>(null);
  const start = useCallback(async () => {
    if (!first.current) throw new api.ApiError(0, 'There is no first message to start a chat with.');
    const { id, goal, prompt } = first.current;
    const started = await api.startWorkflow(id, goal);
    await api.sendPrompt(started, prompt);
    first.current = null;
    setOpening({ id: started, text: prompt });
    return started;
  }, []);
  const { startNew, id, starting, error, show } = useIdInUrl(CONVERSATION_PARAM, start, "Couldn't start a chat.", { startOnLoad: false });
  const startWith = useCallback(
    (goal: string | undefined, prompt: string) => {
      const before = first.current;
      const id = before && before.goal === goal ? before.id : newConversationId();
      first.current = { id, goal, prompt };
      return startNew();
    },
    [startNew],
  );
  return { id, starting, error, show, startWith, opening };
}
