// What the chat says while a model call or a tool is being retried. The api's `/events` stream
// describes the run about once a second while an activity is pending; a `status` event then
// carries `activity` (which one, the attempt, why the last one failed, when the next starts)
// and its `detail` says it in words ("The model is busy, retrying (attempt 3)…"). Once the
// attempt succeeds the next status has no `activity`, and the chat goes back to normal.

import type { ChatStatus } from './types';

/** A retry in progress, as the chat shows it. */
export interface Retrying {
  /** The status's own words for it. */
  text: string;
  /** When the next attempt starts (ms since the epoch), when the server says and can be read. */
  nextAttemptAt: number | null;
}

/** The retry `status` reports, if any. */
export function retryingFrom(status: ChatStatus): Retrying | null {
  const { activity } = status;
  if (!activity || status.state !== 'running') return null;
  const text = status.detail.trim() || `${activity.name} failed, retrying (attempt ${activity.attempt})…`;
  const at = activity.next_attempt_at ? Date.parse(activity.next_attempt_at) : NaN;
  return { text, nextAttemptAt: Number.isFinite(at) ? at : null };
}

/** "next try in 3s" while the next attempt is at least a second away; null otherwise. */
export function nextTryIn(nextAttemptAt: number | null, now: number): string | null {
  if (nextAttemptAt === null) return null;
  const seconds = Math.ceil((nextAttemptAt - now) / 1000);
  return seconds >= 1 ? `next try in ${seconds}s` : null;
}
