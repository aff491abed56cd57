// The conversation: every message in order, then whatever the user should see next — the
// confirm card for a proposed tool, the thinking indicator, or the end-of-chat marker.

import { useEffect, useRef } from 'react';
import type { PendingTool, QueuedPrompt } from '../conversation';
import type { Message } from '../types';
import { ChatEnded } from './ChatEnded';
import { ConfirmCard } from './ConfirmCard';
import { MessageBubble, QueuedBubble } from './MessageBubble';
import { ThinkingIndicator } from './ThinkingIndicator';

export interface ChatWindowProps {
  messages: Message[];
  loading: boolean;
  working: boolean;
  pending: PendingTool | null;
  /** Sent prompts the conversation has not taken in yet. */
  queued?: QueuedPrompt[];
  ended: boolean;
  endedReason?: string | null;
  starting: boolean;
  onConfirm: () => Promise<unknown>;
  onNewChat: () => void;
}

export function ChatWindow(props: ChatWindowProps) {
  const { messages, loading, working, pending, queued = [], ended, endedReason, starting, onConfirm, onNewChat } = props;
  const scroller = useRef<HTMLDivElement>(null);

  // Keep the newest message in view whenever something is added at the bottom (not when the
  // same history arrives again, so reading back up is not interrupted).
  const pendingIndex = pending?.index ?? -1;
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, queued.length, working, pendingIndex, ended]);

  return (
    <div ref={scroller} className="relative flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-3xl flex-col gap-3 px-4 py-6">
        {loading && messages.length === 0 ? (
          <p className="text-center text-sm text-slate-500 dark:text-slate-400">Opening your conversation…</p>
        ) : null}
        <ol data-testid="message-list" aria-live="polite" aria-label="Conversation" className="flex flex-col gap-3">
          {messages.map((message, i) => (
            <li key={i}>
              <MessageBubble message={message} />
            </li>
          ))}
          {queued.map((prompt) => (
            <li key={`queued-${prompt.baseline}`}>
              <QueuedBubble text={prompt.text} />
            </li>
          ))}
        </ol>
        {pending?.forceConfirm && !ended ? (
          <ConfirmCard key={pending.index} tool={pending.tool} args={pending.args} onConfirm={onConfirm} />
        ) : null}
        {working ? <ThinkingIndicator /> : null}
        {ended ? <ChatEnded reason={endedReason} starting={starting} onNewChat={onNewChat} /> : null}
      </div>
    </div>
  );
}
