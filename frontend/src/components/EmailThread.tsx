// What was asked and answered about this email, in order, the newest at the bottom. The
// assistant's latest reply is the last of its messages (marked `email-reply`), shown once, and
// brought into view when it arrives. All of it is plain text (no HTML from the model).

import { useEffect, useRef } from 'react';
import type { EmailMessage } from '../types';

export interface EmailThreadProps {
  messages: EmailMessage[];
  /** The assistant's latest reply; null when there is none to show (or the card shows it). */
  reply: string | null;
  working: boolean;
}

const bubble = 'max-w-[85%] rounded-2xl px-4 py-2 break-words whitespace-pre-wrap';
const agentBubble = `${bubble} self-start bg-white text-slate-900 ring-1 ring-slate-200 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700`;

/** Where the latest reply is: the index of the last agent message, when it is that reply. */
export function replyIndex(messages: EmailMessage[], reply: string | null): number {
  if (reply === null) return -1;
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i]?.actor !== 'user') return messages[i]?.text.trim() === reply.trim() ? i : -1;
  }
  return -1;
}

export function EmailThread({ messages, reply, working }: EmailThreadProps) {
  const at = replyIndex(messages, reply);
  // A reply the thread does not hold (yet) is shown after it, still once.
  const extra = reply !== null && at === -1 ? reply : null;
  const newest = useRef<HTMLElement | null>(null);
  const newestText = extra ?? (at >= 0 ? messages[at]?.text : null) ?? null;

  useEffect(() => {
    if (newestText !== null) newest.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [newestText, messages.length]);

  return (
    <section aria-labelledby="email-thread-title" className="flex flex-col gap-3">
      <h2 id="email-thread-title" className="text-sm font-semibold text-slate-600 dark:text-slate-300">
        Requests and replies
      </h2>
      {messages.length === 0 && extra === null ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Nothing yet. Try: “Write to ana@example.com about lunch on Friday and send it tomorrow at 9am.”
        </p>
      ) : (
        <ol data-testid="email-thread" aria-live="polite" className="flex flex-col gap-2">
          {messages.map((message, i) => {
            const user = message.actor === 'user';
            return (
              <li
                key={i}
                ref={i === at ? (el) => void (newest.current = el) : undefined}
                data-testid={user ? 'email-message-user' : i === at ? 'email-reply' : 'email-message-agent'}
                className={user ? `${bubble} self-end bg-teal-700 text-white dark:bg-teal-700` : agentBubble}
              >
                <span className="sr-only">{user ? 'You: ' : 'Assistant: '}</span>
                {message.text}
              </li>
            );
          })}
          {extra !== null ? (
            <li ref={(el) => void (newest.current = el)} data-testid="email-reply" className={agentBubble}>
              <span className="sr-only">Assistant: </span>
              {extra}
            </li>
          ) : null}
        </ol>
      )}
      {working ? (
        <p data-testid="email-working" className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
          <span aria-hidden="true" className="size-3 animate-spin rounded-full border-2 border-current/30 border-t-current" />
          The assistant is working on your request…
        </p>
      ) : null}
    </section>
  );
}
