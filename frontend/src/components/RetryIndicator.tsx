// Shown instead of the thinking indicator while a model call or a tool is being retried: the
// status's words for it, and how long until the next attempt.

import { nextTryIn, type Retrying } from '../retrying';
import { useNow } from './Countdown';

export function RetryIndicator({ retrying }: { retrying: Retrying }) {
  const now = useNow();
  const wait = nextTryIn(retrying.nextAttemptAt, now);
  return (
    <div data-testid="agent-retrying" role="status" className="flex items-center gap-2 text-sm text-amber-800 dark:text-amber-200">
      <span aria-hidden="true" className="size-3 animate-spin rounded-full border-2 border-current border-t-transparent" />
      <span>
        {retrying.text}
        {wait ? <span className="text-amber-700/80 tabular-nums dark:text-amber-300/80"> · {wait}</span> : null}
      </span>
    </div>
  );
}
