// What was asked and answered about this email: the assistant's latest reply up front, then
// every request and reply in order. All of it is plain text (no HTML from the model).

import type { EmailMessage } from '../types';

export interface EmailThreadProps {
  messages: EmailMessage[];
  reply: string | null;
  working: boolean;
}

export function EmailThread({ messages, reply, working }: EmailThreadProps) {
  return (
    <section aria-labelledby="email-thread-title" className="flex flex-col gap-3">
      {working ? (
        <p data-testid="email-working" className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
          <span aria-hidden="true" className="size-3 animate-spin rounded-full border-2 border-current/30 border-t-current" />
          The assistant is working on your request…
        </p>
      ) : reply ? (
        <div
          data-testid="email-reply"
          className="rounded-2xl border border-teal-200 bg-teal-50 p-4 text-teal-950 dark:border-teal-700/50 dark:bg-teal-950/50 dark:text-teal-50"
        >
          <p className="text-xs font-semibold tracking-wide text-teal-800 uppercase dark:text-teal-300">Assistant</p>
          <p className="mt-1 break-words whitespace-pre-wrap">{reply}</p>
        </div>
      ) : null}
      <h2 id="email-thread-title" className="text-sm font-semibold text-slate-500 dark:text-slate-400">
        Requests and replies
      </h2>
      {messages.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          Nothing yet. Try: “Write to ana@example.com about lunch on Friday and send it tomorrow at 9am.”
        </p>
      ) : (
        <ol data-testid="email-thread" aria-live="polite" className="flex flex-col gap-2">
          {messages.map((message, i) => (
            <li
              key={i}
              data-testid={message.actor === 'user' ? 'email-message-user' : 'email-message-agent'}
              className={`max-w-[85%] rounded-2xl px-4 py-2 break-words whitespace-pre-wrap ${
                message.actor === 'user'
                  ? 'self-end bg-teal-700 text-white dark:bg-teal-600'
                  : 'self-start bg-white text-slate-900 ring-1 ring-slate-200 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700'
              }`}
            >
              <span className="sr-only">{message.actor === 'user' ? 'You: ' : 'Assistant: '}</span>
              {message.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
