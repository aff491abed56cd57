// The end of a conversation (finished, ended by the user, or failed) and the way to a new one.

export interface ChatEndedProps {
  /** Why the chat ended, when it is not the usual finish. */
  reason?: string | null;
  starting: boolean;
  onNewChat: () => void;
}

export function ChatEnded({ reason, starting, onNewChat }: ChatEndedProps) {
  return (
    <div data-testid="chat-ended" className="flex flex-col items-center gap-3 py-4 text-center">
      <div className="flex w-full items-center gap-3 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
        Chat ended
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
      </div>
      {reason ? <p className="text-sm text-slate-600 dark:text-slate-300">{reason}</p> : null}
      <button
        type="button"
        data-testid="new-chat-button"
        onClick={onNewChat}
        disabled={starting}
        className="rounded-lg bg-teal-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 disabled:opacity-70 dark:bg-teal-700 dark:hover:bg-teal-800"
      >
        {starting ? 'Starting…' : 'Start new chat'}
      </button>
    </div>
  );
}
