// The email assistant's view of one email, read defensively from the wire, and the questions
// the Email page asks of it: can it take a request, is it finished, how is its status said,
// how long until it goes out. Nothing here throws on a malformed answer.

import { displayText, isObject } from './conversation';
import type { EmailFeedState, EmailFeedStatus, EmailMessage, EmailReceipt, EmailSetup, EmailStatus, EmailView } from './types';

const STATUSES: readonly EmailStatus[] = ['initialized', 'waiting', 'processing', 'scheduled', 'sending', 'sent', 'canceled', 'failed'];

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function seconds(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function readStatus(value: unknown): EmailStatus {
  return STATUSES.find((s) => s === value) ?? 'initialized';
}

/** `{"messages": [...]}` (how the workflow stores its thread) or a bare list. */
function readMessages(value: unknown): EmailMessage[] {
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.messages) ? value.messages : [];
  return list.flatMap((raw): EmailMessage[] => {
    if (!isObject(raw)) return [];
    const actor = raw.actor === 'user' ? 'user' : raw.actor === 'agent' ? 'agent' : null;
    if (!actor) return [];
    return [{ actor, text: displayText(raw.response) }];
  });
}

function readSetup(value: unknown): EmailSetup | null {
  if (!isObject(value)) return null;
  return { channel: text(value.channel) ?? '', detail: text(value.detail) ?? '' };
}

function readReceipt(value: unknown): EmailReceipt | null {
  if (!isObject(value)) return null;
  return {
    channel: text(value.channel) ?? '',
    message_id: text(value.message_id) ?? '',
    location: text(value.location) ?? '',
    delivered_at: seconds(value.delivered_at),
  };
}

/** An `EmailView` from the api; null when the answer is not one at all. */
export function parseEmailView(data: unknown): EmailView | null {
  if (!isObject(data) || typeof data.workflow_id !== 'string') return null;
  return {
    workflow_id: data.workflow_id,
    status: readStatus(data.status),
    request: text(data.request),
    draft: typeof data.draft === 'string' ? data.draft : '',
    recipient: text(data.recipient),
    subject: text(data.subject),
    body: text(data.body),
    scheduled_at: seconds(data.scheduled_at),
    scheduled_at_text: text(data.scheduled_at_text),
    time_zone: text(data.time_zone) ?? '',
    reply: text(data.reply),
    messages: readMessages(data.messages),
    setup: readSetup(data.setup),
    receipt: readReceipt(data.receipt),
    failure: text(data.failure),
  };
}

const FEED_STATES: readonly EmailFeedState[] = ['running', 'finished', 'not_found', 'worker_unavailable'];

/** The `status` event of the email's stream. */
export function parseEmailFeedStatus(data: unknown): EmailFeedStatus {
  if (!isObject(data)) return { state: 'unknown', detail: '' };
  const state = FEED_STATES.find((s) => s === data.state) ?? 'unknown';
  return { state, detail: typeof data.detail === 'string' ? data.detail : '' };
}

/** Sent, canceled or failed: nothing more happens to the email. */
export function isFinal(status: EmailStatus): boolean {
  return status === 'sent' || status === 'canceled' || status === 'failed';
}

/**
 * The assistant takes a new request while it is idle (waiting, or counting down), and right
 * after the start: a request sent while it is getting ready is read as soon as it is.
 */
export function takesRequests(status: EmailStatus): boolean {
  return status === 'initialized' || status === 'waiting' || status === 'scheduled';
}

/** Cancel works until the send has started. */
export function canCancel(status: EmailStatus): boolean {
  return !isFinal(status) && status !== 'sending';
}

export const STATUS_LABELS: Record<EmailStatus, string> = {
  initialized: 'Getting ready',
  waiting: 'Waiting for you',
  processing: 'Working on it',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  canceled: 'Canceled',
  failed: 'Failed',
};

/** Why the Send button is off, for the hint under the request box; null when it is on. */
export function whyNoRequests(status: EmailStatus): string | null {
  switch (status) {
    case 'processing':
      return 'The assistant is reading your request; you can send the next one when it has answered.';
    case 'sending':
      return 'The email is being sent right now.';
    case 'sent':
      return 'This email has been sent. Start a new one to write another.';
    case 'canceled':
      return 'This email was canceled. Start a new one to write another.';
    case 'failed':
      return 'This email failed. Start a new one to try again.';
    default:
      return null;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * How long until `atMs`, seen at `nowMs`, in the two largest units: `2 d 03 h`, `1 h 05 min`,
 * `4 min 09 s`, `9 s`. Null once the time has come.
 */
export function formatCountdown(atMs: number, nowMs: number): string | null {
  const left = Math.ceil((atMs - nowMs) / 1000);
  if (!Number.isFinite(left) || left <= 0) return null;
  const days = Math.floor(left / 86400);
  const hours = Math.floor((left % 86400) / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  const secs = left % 60;
  if (days > 0) return `${days} d ${pad(hours)} h`;
  if (hours > 0) return `${hours} h ${pad(minutes)} min`;
  if (minutes > 0) return `${minutes} min ${pad(secs)} s`;
  return `${secs} s`;
}

/** The browser's IANA time zone, or null where it cannot say. */
export function browserTimeZone(): string | null {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone ? zone : null;
  } catch {
    return null;
  }
}
