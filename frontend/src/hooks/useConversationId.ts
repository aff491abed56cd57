// Which conversation the trip chat shows: `?c=<id>` in the URL (see `useIdInUrl`).

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

export type ConversationIdState = IdInUrl;

/** A fresh chat id, made here so every new chat is its own conversation. */
export function newConversationId(): string {
  return `chat-${crypto.randomUUID().replaceAll('-', '')}`;
}

const startConversation = () => api.startWorkflow(newConversationId());

export function useConversationId(): ConversationIdState {
  return useIdInUrl(CONVERSATION_PARAM, startConversation, "Couldn't start a chat.");
}
