// The email assistant: which email (from `?e=`), its live state, the request box with its
// auto-saved draft (kept in this browser too, so a reload at any moment loses nothing), and the
// banners for anything that went wrong. Once the email is finished, "Write a new email" takes
// the request box's place at the bottom, in view without scrolling.

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, MAX_PROMPT_BYTES, promptBytes } from '../api';
import { EmailCard } from '../components/EmailCard';
import { EmailThread } from '../components/EmailThread';
import { ErrorBanner } from '../components/ErrorBanner';
import { ghostButton, Header, type Shell } from '../components/Header';
import { RequestBox } from '../components/RequestBox';
import { isFinal, takesRequests, whyNoRequests } from '../email';
import { useDraftAutosave } from '../hooks/useDraftAutosave';
import { useEmail } from '../hooks/useEmail';
import { useEmailId } from '../hooks/useEmailId';
import { readLocalDraft, useLocalDraftSaver } from '../hooks/useLocalDraft';
import { useTransientError } from '../hooks/useTransientError';
import { LIMIT_IN_WORDS } from '../readable';
import type { EmailFeedStatus } from '../types';

export const emailDraftKey = (id: string) => `email:${id}`;

function lastingProblem(status: EmailFeedStatus, connectionProblem: string | null): string | null {
  if (status.state === 'worker_unavailable') {
    return "The assistant's worker isn't running right now. Your email and its schedule are safe and will pick up where they left off — retrying…";
  }
  if (status.state === 'not_found') return 'There is no email with this id. Start a new one?';
  if (connectionProblem) return `Can't load this email (${connectionProblem}) — retrying…`;
  return null;
}

export function EmailPage({ shell }: { shell: Shell }) {
  const transient = useTransientError();
  const emailId = useEmailId();
  const { id, starting } = emailId;
  const email = useEmail(id, transient.show);
  const { view, saveDraft } = email;

  const save = useCallback(
    async (text: string) => {
      // The api would refuse it; say so here instead of asking every 5 s.
      if (promptBytes(text) > MAX_PROMPT_BYTES) throw new ApiError(413, `it is too long (keep it ${LIMIT_IN_WORDS})`);
      await saveDraft(text);
    },
    [saveDraft],
  );
  const status = view?.status ?? 'initialized';
  const finished = view !== null && isFinal(status);
  const draft = useDraftAutosave(save, { enabled: !finished });

  // The draft the workflow kept comes back into the box once per email, when its first view
  // arrives (unless typing has begun in that instant); another email starts from an empty box.
  // What this browser kept of the box wins over the server's draft (it may be newer).
  const restoredFor = useRef<string | null>(null);
  const [keptFor, setKeptFor] = useState<string | null>(null);
  const { reset, restore } = draft;
  useEffect(() => {
    if (id === null || restoredFor.current === id) return;
    if (view === null || view.workflow_id !== id) {
      if (restoredFor.current !== null) {
        restoredFor.current = null;
        setKeptFor(null);
        reset('');
      }
      return;
    }
    restoredFor.current = id;
    restore(view.draft, isFinal(view.status) ? null : readLocalDraft(emailDraftKey(id)));
    setKeptFor(id);
  }, [id, view, reset, restore]);
  useLocalDraftSaver(keptFor !== null && keptFor === id && !finished ? emailDraftKey(keptFor) : null, draft.text);
  // The page may be closed before the next 5 s save: the server gets the draft too.
  const { flush } = draft;
  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    document.addEventListener('visibilitychange', onHide);
    return () => document.removeEventListener('visibilitychange', onHide);
  }, [flush]);

  // The tab names the email by its subject, never by its id.
  const subject = view !== null && view.workflow_id === id ? view.subject : null;
  useEffect(() => {
    document.title = subject ? `${subject} · Email assistant` : 'Email assistant';
  }, [subject]);

  const newEmail = useCallback(() => {
    void draft.flush().then(emailId.startNew);
  }, [draft, emailId.startNew]);

  const lasting = lastingProblem(email.feedStatus, email.connectionProblem);

  return (
    <div className="flex h-dvh flex-col bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <Header shell={shell} title="Email assistant" workflowId={id}>
        <button type="button" data-testid="new-email-button" className={ghostButton} onClick={newEmail} disabled={starting}>
          New email
        </button>
      </Header>
      <main className="flex min-h-0 flex-1 flex-col">
        {/* Focusable, so the keyboard can scroll it too. */}
        <div tabIndex={0} role="region" aria-label="Your email and its thread" className="flex-1 overflow-y-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-teal-600">
          <div className="mx-auto flex max-w-3xl flex-col gap-5 px-4 py-6">
            {view === null ? (
              <p data-testid="email-loading" className="text-center text-sm text-slate-500 dark:text-slate-400">
                {starting ? 'Starting a new email…' : 'Opening your email…'}
              </p>
            ) : (
              <>
                <EmailCard view={view} onCancel={email.cancel} />
                <EmailThread
                  messages={view.messages}
                  // The card already says why a failed email was not sent.
                  reply={view.reply === view.failure ? null : view.reply}
                  working={status === 'processing'}
                />
              </>
            )}
          </div>
        </div>
        <div className="border-t border-slate-200 bg-white/90 dark:border-slate-800 dark:bg-slate-950/90">
          <div className="mx-auto flex max-w-3xl flex-col gap-2 px-4 py-3">
            {emailId.error ? (
              <ErrorBanner message={`Couldn't start an email: ${emailId.error}`} action={{ label: 'Try again', onClick: emailId.retry }} />
            ) : null}
            {lasting ? <ErrorBanner lasting message={lasting} action={{ label: 'New email', onClick: newEmail }} /> : null}
            {transient.error ? <ErrorBanner message={transient.error} onDismiss={transient.dismiss} /> : null}
            {finished ? (
              <div className="flex flex-wrap items-center justify-between gap-2">
                <p className="text-sm text-slate-600 dark:text-slate-300">{whyNoRequests(status) ?? 'This email is finished.'}</p>
                <button
                  type="button"
                  data-testid="new-email-cta"
                  onClick={newEmail}
                  disabled={starting}
                  className="rounded-lg bg-teal-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 disabled:opacity-70 dark:bg-teal-700 dark:hover:bg-teal-800"
                >
                  {starting ? 'Starting…' : 'Write a new email'}
                </button>
              </div>
            ) : null}
            <RequestBox
              draft={draft}
              disabled={view === null || finished}
              canSend={takesRequests(status)}
              hint={view === null || finished ? null : whyNoRequests(status)}
              onSend={email.send}
            />
          </div>
        </div>
      </main>
    </div>
  );
}
