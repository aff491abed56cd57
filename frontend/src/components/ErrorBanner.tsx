// A problem worth telling the user about. Lasting ones (the worker is down, the server is out
// of reach) stay until they clear; one-off failures can be dismissed and fade by themselves.

export interface ErrorBannerProps {
  message: string;
  lasting?: boolean;
  onDismiss?: () => void;
  action?: { label: string; onClick: () => void };
}

export function ErrorBanner({ message, lasting = false, onDismiss, action }: ErrorBannerProps) {
  return (
    <div
      data-testid="error-banner"
      role="alert"
      className={`flex items-start gap-3 rounded-lg border px-4 py-2 text-sm ${
        lasting
          ? 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-500/40 dark:bg-amber-950/60 dark:text-amber-100'
          : 'border-red-300 bg-red-50 text-red-900 dark:border-red-500/40 dark:bg-red-950/60 dark:text-red-100'
      }`}
    >
      {lasting ? (
        <span aria-hidden="true" className="mt-1 size-3 shrink-0 animate-spin rounded-full border-2 border-current/30 border-t-current" />
      ) : null}
      <p className="flex-1 whitespace-pre-wrap break-words">{message}</p>
      {action ? (
        <button type="button" onClick={action.onClick} className="rounded px-1 font-semibold underline">
          {action.label}
        </button>
      ) : null}
      {onDismiss ? (
        <button type="button" onClick={onDismiss} className="rounded px-1 font-semibold hover:underline" aria-label="Dismiss">
          ×
        </button>
      ) : null}
    </div>
  );
}
