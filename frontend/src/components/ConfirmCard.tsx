// The agent wants to run a tool. With confirmation on, the user sees the tool and its
// arguments and presses Confirm; the button locks at once so a double click cannot send two
// confirmations. With confirmation off, a note says the tool runs on its own.

import { useState } from 'react';
import { KeyValueList } from './ValueView';

export interface ConfirmCardProps {
  tool: string;
  args: Record<string, unknown> | null;
  onConfirm: () => Promise<unknown> | void;
}

export function ConfirmCard({ tool, args, onConfirm }: ConfirmCardProps) {
  const [busy, setBusy] = useState(false);

  async function handleClick() {
    if (busy) return;
    setBusy(true);
    try {
      await onConfirm();
    } catch {
      // The failure is reported elsewhere; let the user try again.
      setBusy(false);
    }
  }

  return (
    <section
      data-testid="confirm-card"
      aria-label={`Confirm ${tool}`}
      className="rounded-xl border border-amber-300 bg-amber-50 p-4 shadow-sm dark:border-amber-500/40 dark:bg-amber-950/40"
    >
      <p className="text-sm text-amber-900 dark:text-amber-200">Ready to run a tool — check the details first:</p>
      <h3 className="mt-1 font-mono text-base font-semibold text-slate-900 dark:text-slate-100">{tool}</h3>
      <div className="mt-2 text-sm text-slate-800 dark:text-slate-200">
        {args && Object.keys(args).length > 0 ? (
          <KeyValueList value={args} />
        ) : (
          <p className="italic text-slate-500 dark:text-slate-400">No arguments.</p>
        )}
      </div>
      <button
        type="button"
        data-testid="confirm-button"
        onClick={() => void handleClick()}
        disabled={busy}
        aria-busy={busy}
        className="mt-3 inline-flex items-center gap-2 rounded-lg bg-teal-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 disabled:cursor-wait disabled:opacity-70 dark:bg-teal-600 dark:hover:bg-teal-500"
      >
        {busy ? (
          <>
            <span aria-hidden="true" className="size-3.5 animate-spin rounded-full border-2 border-white/40 border-t-white" />
            Running {tool}…
          </>
        ) : (
          'Confirm'
        )}
      </button>
    </section>
  );
}

/** Shown under an agent message whose tool runs without asking. */
export function AutoRunNote({ tool }: { tool: string }) {
  return (
    <p data-testid="auto-run-note" className="mt-2 text-xs text-slate-500 dark:text-slate-400">
      The agent chose <span className="font-mono font-medium">{tool}</span>; it runs without asking for confirmation.
    </p>
  );
}
