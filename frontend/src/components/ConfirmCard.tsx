// The agent wants to run one tool, or several together. With confirmation on, the user sees
// each tool and its arguments and answers: Confirm runs them, Decline (optionally saying why)
// runs none, and Edit (for a single tool) changes its arguments first. Every answer names the
// proposal; the buttons lock at once so a double click cannot answer twice. The server's
// refusals show on the card: a proposal that no longer waits (409) leaves the card disabled;
// arguments the tool refuses (400) keep the form open to fix them. With confirmation off, a
// note under the agent's message says the tools run on their own.

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import type { Json } from '../json';
import { toolNames } from '../proposals';
import { visibleFields } from '../readable';
import type { ToolCall } from '../types';
import { ArgsForm } from './ArgsForm';
import { primaryButton, secondaryButton } from './buttons';
import { KeyValueList } from './ValueView';

export interface ConfirmCardProps {
  calls: ToolCall[];
  /** The user has written in the chat since the proposal: the agent takes it from there. */
  answered?: boolean;
  /** Runs the tools; `args` are the edited arguments of a single tool. */
  onConfirm: (args?: Json) => Promise<unknown>;
  onDecline: (reason: string) => Promise<unknown>;
  /** Changes when the keyboard confirms this card (Enter in the empty message box). */
  confirmKey?: number;
}

type Mode = 'review' | 'edit' | 'decline';

interface Problem {
  text: string;
  /** The proposal no longer waits: nothing on this card can be sent any more. */
  stale: boolean;
}

function problemOf(error: unknown): Problem {
  if (error instanceof ApiError) return { text: error.detail, stale: error.status === 409 };
  return { text: 'Something went wrong; try again.', stale: false };
}

function Spinner() {
  return <span aria-hidden="true" className="size-3.5 animate-spin rounded-full border-2 border-current/40 border-t-current" />;
}

function ProposedCall({ call }: { call: ToolCall }) {
  return (
    <>
      <h3 className="font-mono text-base font-semibold text-slate-900 dark:text-slate-100">{call.tool}</h3>
      <div className="mt-1 text-sm text-slate-800 dark:text-slate-200">
        {visibleFields(call.args).length > 0 ? (
          <KeyValueList value={call.args} />
        ) : (
          <p className="italic text-slate-500 dark:text-slate-400">No arguments.</p>
        )}
      </div>
    </>
  );
}

export function ConfirmCard({ calls, answered = false, onConfirm, onDecline, confirmKey = 0 }: ConfirmCardProps) {
  const [mode, setMode] = useState<Mode>('review');
  const [busy, setBusy] = useState<'confirm' | 'decline' | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reason, setReason] = useState('');
  const names = toolNames(calls);
  const single = calls.length === 1 ? calls[0] : undefined;
  const stale = answered || problem?.stale === true;
  const locked = busy !== null || stale;

  async function answer(kind: 'confirm' | 'decline', send: () => Promise<unknown>) {
    if (locked) return;
    setBusy(kind);
    setProblem(null);
    try {
      await send();
      // Stays locked: the history moves on and takes the card away.
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(null);
    }
  }

  // Enter in the empty message box is the Confirm button, while the card shows its buttons.
  const keyboardConfirm = useRef(confirmKey);
  useEffect(() => {
    if (keyboardConfirm.current === confirmKey) return;
    keyboardConfirm.current = confirmKey;
    if (mode === 'review') void answer('confirm', () => onConfirm());
  });

  function submitDecline(event: FormEvent) {
    event.preventDefault();
    void answer('decline', () => onDecline(reason));
  }

  return (
    <section
      data-testid="confirm-card"
      data-state={stale ? 'stale' : busy ? 'sending' : 'waiting'}
      aria-label={`Confirm ${names}`}
      className="rounded-xl border border-amber-300 bg-amber-50 p-4 shadow-sm dark:border-amber-500/40 dark:bg-amber-950/40"
    >
      <p className="text-sm text-amber-900 dark:text-amber-200">
        {calls.length > 1 ? `Ready to run ${calls.length} tools together — check the details first:` : 'Ready to run a tool — check the details first:'}
      </p>
      {mode === 'edit' && single ? (
        <ArgsForm
          call={single}
          disabled={locked}
          running={busy === 'confirm'}
          onRun={(args) => void answer('confirm', () => onConfirm(args))}
          onCancel={() => setMode('review')}
        />
      ) : single ? (
        <div className="mt-1">
          <ProposedCall call={single} />
        </div>
      ) : (
        <ol className="mt-2 flex flex-col gap-3">
          {calls.map((call, i) => (
            <li key={i} data-testid="proposed-call" className="rounded-lg border border-amber-200 bg-white/60 p-3 dark:border-amber-500/30 dark:bg-slate-900/40">
              <ProposedCall call={call} />
            </li>
          ))}
        </ol>
      )}

      {mode === 'decline' ? (
        <form data-testid="decline-form" onSubmit={submitDecline} className="mt-3 flex flex-col gap-2">
          <label htmlFor="decline-reason" className="text-sm font-medium text-slate-700 dark:text-slate-200">
            Why not? <span className="font-normal text-slate-500 dark:text-slate-400">(optional)</span>
          </label>
          <input
            id="decline-reason"
            data-testid="decline-reason"
            type="text"
            autoFocus
            value={reason}
            disabled={locked}
            onChange={(event) => setReason(event.target.value)}
            placeholder="For example: too expensive, wrong dates"
            className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-900 focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30 disabled:opacity-60 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
          />
          <div className="flex flex-wrap gap-2">
            <button type="submit" data-testid="decline-submit" disabled={locked} aria-busy={busy === 'decline'} className={primaryButton}>
              {busy === 'decline' ? (
                <>
                  <Spinner />
                  Declining…
                </>
              ) : (
                `Decline ${names}`
              )}
            </button>
            <button type="button" data-testid="decline-cancel" disabled={locked} onClick={() => setMode('review')} className={secondaryButton}>
              Back
            </button>
          </div>
        </form>
      ) : null}

      {problem ? (
        <p data-testid="confirm-problem" role="alert" className="mt-3 text-sm font-medium text-red-700 dark:text-red-300">
          {problem.text}
        </p>
      ) : null}
      {answered ? (
        <p data-testid="confirm-answered" className="mt-3 text-sm text-slate-600 dark:text-slate-300">
          You answered in the chat; the agent takes it from there.
        </p>
      ) : null}

      {mode === 'review' ? (
        <div className="mt-3 flex flex-wrap gap-2">
          <button
            type="button"
            data-testid="confirm-button"
            onClick={() => void answer('confirm', () => onConfirm())}
            disabled={locked}
            aria-busy={busy === 'confirm'}
            className={primaryButton}
          >
            {busy === 'confirm' ? (
              <>
                <Spinner />
                Running {names}…
              </>
            ) : (
              'Confirm'
            )}
          </button>
          {single ? (
            <button type="button" data-testid="edit-button" onClick={() => setMode('edit')} disabled={locked} className={secondaryButton}>
              Edit
            </button>
          ) : null}
          <button type="button" data-testid="decline-button" onClick={() => setMode('decline')} disabled={locked} className={secondaryButton}>
            Decline
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** Shown under an agent message whose tools run without asking. */
export function AutoRunNote({ calls }: { calls: ToolCall[] }) {
  return (
    <p data-testid="auto-run-note" className="mt-2 text-xs text-slate-500 dark:text-slate-400">
      The agent chose <span className="font-mono font-medium">{toolNames(calls)}</span>;{' '}
      {calls.length > 1 ? 'they run' : 'it runs'} without asking for confirmation.
    </p>
  );
}
