// The user's past conversations, newest first (`GET /conversations`), as the sidebar reads
// them: one page at a time, each entry with its title (null until the conversation has one),
// its state, the agent it talks to, and when it last changed.

import { isObject } from './json';
import type { CurrentGoal, PastChat, PastChatStatus, PastChatsPage } from './types';

const STATUSES: readonly PastChatStatus[] = ['running', 'completed', 'failed', 'canceled', 'terminated', 'timed_out'];

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function amount(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function readGoal(raw: unknown): CurrentGoal | null {
  if (!isObject(raw)) return null;
  const id = text(raw.id);
  return id ? { id, name: text(raw.name) ?? id } : null;
}

function readPastChat(raw: unknown): PastChat | null {
  if (!isObject(raw)) return null;
  const id = text(raw.workflow_id);
  if (!id) return null;
  return {
    workflow_id: id,
    title: text(raw.title),
    status: STATUSES.find((s) => s === raw.status) ?? 'unknown',
    goal: readGoal(raw.goal),
    started_at: text(raw.started_at) ?? '',
    updated_at: text(raw.updated_at) ?? text(raw.started_at) ?? '',
    tokens: amount(raw.tokens),
    cost_usd: amount(raw.cost_usd),
  };
}

/** One page of `GET /conversations`; entries without an id are left out. */
export function parsePastChatsPage(data: unknown): PastChatsPage {
  if (!isObject(data)) return { conversations: [], next_page_token: null };
  const list = Array.isArray(data.conversations) ? data.conversations.map(readPastChat).filter((c) => c !== null) : [];
  return { conversations: list, next_page_token: text(data.next_page_token) };
}

/** `more` after `shown`, without repeating a conversation that moved between pages. */
export function appendPage(shown: readonly PastChat[], more: readonly PastChat[]): PastChat[] {
  const seen = new Set(shown.map((c) => c.workflow_id));
  return [...shown, ...more.filter((c) => !seen.has(c.workflow_id))];
}

const STATUS_WORDS: Record<PastChatStatus, string> = {
  running: 'Active',
  completed: 'Finished',
  failed: 'Failed',
  canceled: 'Canceled',
  terminated: 'Stopped',
  timed_out: 'Timed out',
  unknown: '',
};

/** The status in a word for the list ("Active", "Finished"); empty when unknown. */
export function statusLabel(status: PastChatStatus): string {
  return STATUS_WORDS[status];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long ago `iso` was, in a few words: "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", or the date. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const ago = Math.max(0, now - then);
  if (ago < MINUTE) return 'just now';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  if (ago < 2 * DAY) return 'yesterday';
  if (ago < 7 * DAY) return `${Math.floor(ago / DAY)} days ago`;
  return new Date(then).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
}
