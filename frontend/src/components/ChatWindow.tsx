// The conversation: every message in order, the reply the agent is writing, then whatever the
// user should see next — the confirm card for a proposed tool, the thinking indicator (or, while
// a model call or tool is being retried, the retry note), or the end-of-chat marker.

import { useEffect, useRef } from 'react';
import type { PendingTool, QueuedPrompt } from '../conversation';
import type { Json } from '../json';
import { asAgentMessage, type LiveReply } from '../liveReplies';
import type { Retrying } from '../retrying';
import type { Message } from '../types';
import { primaryButton } from './buttons';
import { ChatEnded } from './ChatEnded';
import { ConfirmCard } from './ConfirmCard';
import { MessageBubble, QueuedBubble } from './MessageBubble';
import { RetryIndicator } from './RetryIndicator';
import { ThinkingIndicator } from './ThinkingIndicator';

export interface ChatWindowProps {
  messages: Message[];
  loading: boolean;
  working: boolean;
  /** The agent's reply as the model writes it; shown instead of the thinking indicator. */
  live?: LiveReply | null;
  /** A model call or tool being retried; shown instead of the thinking indicator. */
  retrying?: Retrying | null;
  pending: PendingTool | null;
  /** Sent prompts the conversation has not taken in yet. */
  queued?: QueuedPrompt[];
  ended: boolean;
  /** No conversation has this id. */
  missing?: boolean;
  /** The id in the link cannot name a conversation at all. */
  malformed?: boolean;
  endedReason?: string | null;
  starting: boolean;
  /** Runs the tools of proposal `proposalId`; `args` edits a single tool's arguments. */
  onConfirm: (proposalId: string | null, args?: Json) => Promise<unknown>;
  onDecline: (proposalId: string | null, reason: string) => Promise<unknown>;
  onNewChat: () => void;
  /** Changes when the keyboard confirms the waiting card (Enter in the empty message box). */
  confirmKey?: number;
}

export function ChatWindow(props: ChatWindowProps) {
  const { messages, loading, working, live = null, retrying = null, pending, queued = [], ended, missing = false, malformed = false, endedReason, starting } = props;
  const nothingToOpen = malformed || (missing && messages.length === 0 && queued.length === 0);
  const { onConfirm, onDecline, onNewChat, confirmKey = 0 } = props;
  const rows = live ? [...messages, asAgentMessage(live)] : messages;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  // Keep the newest message in view whenever something is added at the bottom (not when the
  // same history arrives again, so reading back up is not interrupted).
  const pendingIndex = pending?.index ?? -1;
  const streaming = live !== null;
  const retryShown = retrying !== null;
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, queued.length, working, streaming, retryShown, pendingIndex, ended]);

  // A growing reply follows its text down, unless the user has scrolled up to read.
  const liveLength = live?.text.length ?? 0;
  useEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [liveLength]);

  function noteScroll() {
    const el = scroller.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  return (
    // Focusable, so the keyboard can scroll it too.
    <div
      ref={scroller}
      onScroll={noteScroll}
      tabIndex={0}
      role="region"
      aria-label="Chat"
      className="relative flex-1 overflow-y-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-teal-600"
    >
      <div className="mx-auto flex max-w-3xl flex-col gap-3 px-4 py-6">
        {loading && messages.length === 0 && !nothingToOpen ? (
          <p className="text-center text-sm text-slate-500 dark:text-slate-400">Opening your conversation…</p>
        ) : null}
        {nothingToOpen ? (
          <div data-testid="chat-missing" data-reason={malformed ? 'malformed' : 'missing'} className="flex flex-col items-center gap-3 py-6 text-center">
            <p className="text-sm text-slate-700 dark:text-slate-200">
              {malformed
                ? 'This link does not name a chat: its chat id is not valid.'
                : 'There is no chat with this id. The link may be mistyped, or the chat is from another server.'}
            </p>
            <button type="button" data-testid="missing-new-chat" onClick={onNewChat} disabled={starting} className={primaryButton}>
              Start a new chat
            </button>
          </div>
        ) : null}
        <ol data-testid="message-list" aria-live="polite" aria-label="Conversation" className="flex flex-col gap-3">
          {/* The live reply is the row its message will be, so the bubble stays the same element when it lands. */}
          {rows.map((message, i) => (
            <li key={i}>
              <MessageBubble message={message} streaming={i === messages.length} />
            </li>
          ))}
          {queued.map((prompt) => (
            <li key={`queued-${prompt.baseline}`}>
              <QueuedBubble text={prompt.text} />
            </li>
          ))}
        </ol>
        {pending?.forceConfirm && !ended ? (
          <ConfirmCard
            // A new proposal is a new card: nothing typed or refused on the last one carries over.
            key={`${pending.index}:${pending.proposalId ?? ''}`}
            calls={pending.calls}
            answered={pending.answered}
            confirmKey={confirmKey}
            onConfirm={(args) => onConfirm(pending.proposalId, args)}
            onDecline={(reason) => onDecline(pending.proposalId, reason)}
          />
        ) : null}
        {retrying ? <RetryIndicator retrying={retrying} /> : working && !live ? <ThinkingIndicator /> : null}
        {ended ? <ChatEnded reason={endedReason} starting={starting} onNewChat={onNewChat} /> : null}
      </div>
    </div>
  );
}
