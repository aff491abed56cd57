// Shown while the agent works: after a send or a confirm, until its next message arrives.

export function ThinkingIndicator() {
  return (
    <div data-testid="agent-thinking" role="status" className="flex items-center gap-2 text-sm text-slate-500 dark:text-slate-400">
      <span aria-hidden="true" className="flex gap-1">
        <span className="size-1.5 animate-bounce rounded-full bg-current [animation-delay:-0.3s]" />
        <span className="size-1.5 animate-bounce rounded-full bg-current [animation-delay:-0.15s]" />
        <span className="size-1.5 animate-bounce rounded-full bg-current" />
      </span>
      The agent is thinking…
    </div>
  );
}
