// The user's past conversations, newest first: each one's title (or "New chat" before the user
// wrote), the agent it talks to, when it last changed and how it stands. A plain click reopens
// one in place; a middle click opens it in a new tab. "Load more" asks for older ones.

import { useEffect, useState, type MouseEvent } from 'react';
import { urlWithConversation } from '../hooks/useConversationId';
import { relativeTime, statusLabel } from '../pastChats';
import type { PastChat } from '../types';

export interface PastChatsProps {
  chats: PastChat[];
  more: boolean;
  loading: boolean;
  error: string | null;
  /** The conversation on show, marked in the list. */
  currentId: string | null;
  onOpen: (id: string) => void;
  onRetry: () => void;
  onLoadMore: () => void;
}

/** The time now, again every minute, so "5 min ago" keeps up while the page is open. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function PastChatLink({ chat, current, now, onOpen }: { chat: PastChat; current: boolean; now: number; onOpen: (id: string) => void }) {
  function follow(event: MouseEvent<HTMLAnchorElement>) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onOpen(chat.workflow_id);
  }
  const when = relativeTime(chat.updated_at, now);
  const status = statusLabel(chat.status);
  return (
    <a
      data-testid="past-chat"
      data-workflow-id={chat.workflow_id}
      data-status={chat.status}
      href={urlWithConversation(window.location.href, chat.workflow_id)}
      aria-current={current ? 'page' : undefined}
      onClick={follow}
      className={`flex flex-col gap-0.5 rounded-lg px-3 py-2 text-left focus-visible:outline-2 focus-visible:outline-teal-600 ${
        current ? 'bg-teal-50 ring-1 ring-teal-600/30 dark:bg-teal-950/50' : 'hover:bg-slate-100 dark:hover:bg-slate-800'
      }`}
    >
      <span className={`truncate text-sm font-medium ${chat.title ? 'text-slate-900 dark:text-slate-100' : 'italic text-slate-600 dark:text-slate-300'}`}>
        {chat.title ?? 'New chat'}
      </span>
      <span className="flex min-w-0 items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
        {chat.goal ? <span className="truncate">{chat.goal.name}</span> : null}
        {chat.goal && when ? <span aria-hidden="true">·</span> : null}
        {when ? (
          <time dateTime={chat.updated_at} title={new Date(chat.updated_at).toLocaleString()} className="shrink-0">
            {when}
          </time>
        ) : null}
        {status ? (
          <span
            className={`ml-auto shrink-0 rounded-full px-1.5 py-px font-medium ${
              chat.status === 'running'
                ? 'bg-teal-100 text-teal-900 dark:bg-teal-900/60 dark:text-teal-100'
                : chat.status === 'completed'
                  ? 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200'
                  : 'bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100'
            }`}
          >
            {status}
          </span>
        ) : null}
      </span>
    </a>
  );
}

export function PastChats({ chats, more, loading, error, currentId, onOpen, onRetry, onLoadMore }: PastChatsProps) {
  const now = useMinuteClock();
  return (
    <nav data-testid="past-chats" aria-label="Past chats" className="flex min-h-0 flex-1 flex-col gap-2 overflow-y-auto p-3">
      <h2 className="px-3 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Past chats</h2>
      {error ? (
        <div role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/50 dark:text-amber-100">
          <p>Couldn't load your chats: {error}</p>
          <button type="button" onClick={onRetry} className="mt-1 font-semibold underline">
            Try again
          </button>
        </div>
      ) : null}
      {chats.length === 0 && !error ? (
        <p className="px-3 text-sm text-slate-500 dark:text-slate-400">{loading ? 'Loading…' : 'No chats yet. Your conversations will show here.'}</p>
      ) : null}
      <ul className="flex flex-col gap-1">
        {chats.map((chat) => (
          <li key={chat.workflow_id}>
            <PastChatLink chat={chat} current={chat.workflow_id === currentId} now={now} onOpen={onOpen} />
          </li>
        ))}
      </ul>
      {more ? (
        <button
          type="button"
          data-testid="past-chats-more"
          onClick={onLoadMore}
          disabled={loading}
          className="mx-3 rounded-lg px-3 py-1.5 text-sm font-semibold text-teal-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-teal-600 disabled:opacity-60 dark:text-teal-300 dark:hover:bg-slate-800"
        >
          {loading ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </nav>
  );
}
