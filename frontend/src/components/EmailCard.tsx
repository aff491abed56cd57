// The email as it stands: status, recipient, subject and body, when it goes out (with a live
// countdown while the timer runs), and how it ended: the receipt, the failure, or canceled.
// Cancel stays available until the send has started, once there is something to cancel (a
// recipient or some text).

import { useState } from 'react';
import { canCancel } from '../email';
import { formatMoment } from '../readable';
import type { EmailView } from '../types';
import { Countdown } from './Countdown';
import { EmailStatusBadge } from './EmailStatusBadge';

export interface EmailCardProps {
  view: EmailView;
  onCancel: () => Promise<void>;
}

function Field({ label, testId, value, placeholder }: { label: string; testId: string; value: string | null; placeholder: string }) {
  return (
    <div className="grid grid-cols-[5.5rem_1fr] gap-2">
      <dt className="text-sm font-medium text-slate-500 dark:text-slate-400">{label}</dt>
      <dd data-testid={testId} className={`min-w-0 break-words ${value ? '' : 'text-slate-600 italic dark:text-slate-400'}`}>
        {value ?? placeholder}
      </dd>
    </div>
  );
}

function formatDelivered(seconds: number | null): string | null {
  if (seconds === null) return null;
  return formatMoment(new Date(seconds * 1000));
}

export function EmailCard({ view, onCancel }: EmailCardProps) {
  const [canceling, setCanceling] = useState(false);
  const { status } = view;
  const cancelable = canCancel(status) && (view.recipient !== null || view.body !== null);

  async function cancel() {
    setCanceling(true);
    try {
      await onCancel();
    } finally {
      setCanceling(false);
    }
  }

  return (
    <section
      data-testid="email-card"
      aria-labelledby="email-card-title"
      className="flex flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="email-card-title" className="mr-auto text-base font-semibold">
          Your email
        </h2>
        <EmailStatusBadge status={status} />
      </div>

      <dl className="flex flex-col gap-2">
        <Field label="To" testId="email-recipient" value={view.recipient} placeholder="No recipient yet" />
        <Field label="Subject" testId="email-subject" value={view.subject} placeholder="No subject yet" />
      </dl>
      <div
        data-testid="email-body"
        aria-label="Email text"
        className={`min-h-16 rounded-xl bg-slate-50 p-3 break-words whitespace-pre-wrap dark:bg-slate-950 ${
          view.body ? '' : 'text-slate-600 italic dark:text-slate-400'
        }`}
      >
        {view.body ?? 'Nothing written yet. Tell the assistant who to write to and what to say.'}
      </div>

      <Schedule view={view} />

      {status === 'sent' && view.receipt ? (
        <p data-testid="email-receipt" className="rounded-xl bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-950/60 dark:text-emerald-100">
          {/* Where the file or the mail server is, and the Message-ID, are for the operator's logs. */}
          {view.receipt.channel === 'outbox' ? 'Delivered to the outbox' : 'Sent'}
          {formatDelivered(view.receipt.delivered_at) ? ` on ${formatDelivered(view.receipt.delivered_at)}` : ''}.
        </p>
      ) : null}
      {status === 'failed' ? (
        <p data-testid="email-failure" role="alert" className="rounded-xl bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950/60 dark:text-red-100">
          Not sent: {view.failure ?? 'the assistant gave no reason.'}
        </p>
      ) : null}
      {status === 'canceled' ? (
        <p data-testid="email-canceled" className="text-sm text-slate-600 dark:text-slate-300">
          Canceled — nothing was sent.
        </p>
      ) : null}

      {cancelable ? (
        <div>
          <button
            type="button"
            data-testid="email-cancel"
            onClick={() => void cancel()}
            disabled={canceling}
            className="rounded-lg border border-red-300 px-4 py-2 text-sm font-semibold text-red-800 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:opacity-60 dark:border-red-500/50 dark:text-red-200 dark:hover:bg-red-950/60"
          >
            {canceling ? 'Canceling…' : 'Cancel email'}
          </button>
        </div>
      ) : null}
    </section>
  );
}

const SCHEDULE_LABEL: Partial<Record<EmailView['status'], string>> = {
  sent: 'Scheduled for',
  canceled: 'Was due',
  failed: 'Was due',
};

function Schedule({ view }: { view: EmailView }) {
  if (view.scheduled_at === null) {
    if (view.status === 'canceled' || view.status === 'failed') return null;
    return (
      <p data-testid="email-schedule" className="text-sm text-slate-500 dark:text-slate-400">
        No send time yet — say when, e.g. “tomorrow at 9am” or “in 2 hours”.
      </p>
    );
  }
  const when = view.scheduled_at_text ?? formatMoment(new Date(view.scheduled_at * 1000));
  const iso = new Date(view.scheduled_at * 1000).toISOString();
  return (
    <p data-testid="email-schedule" className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
      <span>
        {SCHEDULE_LABEL[view.status] ?? 'Goes out'}{' '}
        <time dateTime={iso} className="font-semibold">
          {when}
        </time>
      </span>
      {view.status === 'scheduled' ? <Countdown at={view.scheduled_at} /> : null}
    </p>
  );
}
