// The email's status as a coloured pill; the colour only repeats what the word says.

import { STATUS_LABELS } from '../email';
import type { EmailStatus } from '../types';

const TONES: Record<EmailStatus, string> = {
  initialized: 'bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600',
  waiting: 'bg-sky-50 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-700',
  processing: 'bg-violet-50 text-violet-800 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-700',
  scheduled: 'bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-700',
  sending: 'bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-700',
  sent: 'bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-700',
  canceled: 'bg-slate-100 text-slate-600 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-600',
  failed: 'bg-red-50 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-700',
};

export function EmailStatusBadge({ status }: { status: EmailStatus }) {
  const busy = status === 'processing' || status === 'sending' || status === 'initialized';
  return (
    <span
      data-testid="email-status"
      data-status={status}
      role="status"
      aria-label={`Status: ${STATUS_LABELS[status]}`}
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${TONES[status]}`}
    >
      {busy ? (
        <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-current" />
      ) : null}
      {STATUS_LABELS[status]}
    </span>
  );
}
