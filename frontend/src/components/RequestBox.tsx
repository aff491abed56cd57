// The request box: what the user asks the assistant ("write to ana@example.com about lunch,
// send it tomorrow 9am"). Enter sends, Shift+Enter starts a new line. The text is a draft the
// workflow keeps (saved every few seconds and when the box loses focus), so a reload finds it
// again; a request that was not taken goes back into the box.

import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_PROMPT_BYTES, promptBytes } from '../api';
import { tooLongText } from '../readable';
import type { DraftAutosave, DraftState } from '../hooks/useDraftAutosave';

export interface RequestBoxProps {
  draft: DraftAutosave;
  /** The box takes no typing (the email is finished, or not loaded yet). */
  disabled: boolean;
  /** The assistant takes a request now. */
  canSend: boolean;
  /** Why Send is off, when it is. */
  hint: string | null;
  onSend: (text: string) => Promise<boolean>;
}

const DRAFT_NOTES: Record<DraftState, string> = {
  empty: '',
  saved: 'Draft saved',
  unsaved: 'Unsaved changes',
  saving: 'Saving draft…',
  error: 'Draft not saved',
};

export function RequestBox({ draft, disabled, canSend, hint, onSend }: RequestBoxProps) {
  const [sending, setSending] = useState(false);
  const tooLong = promptBytes(draft.text) > MAX_PROMPT_BYTES;
  const ready = canSend && !disabled && !sending && !tooLong && draft.text.trim() !== '';

  async function submit() {
    if (!ready) return;
    const request = draft.text;
    setSending(true);
    draft.setText('');
    // A save still on its way must not land after the request and bring the text back.
    await draft.idle();
    const sent = await onSend(request);
    setSending(false);
    if (sent) draft.markSaved('');
    else draft.setText((current) => (current === '' ? request : current));
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit();
  }

  const note = draft.state === 'error' && draft.error ? `${DRAFT_NOTES.error}: ${draft.error}` : DRAFT_NOTES[draft.state];

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-1" aria-label="Request to the email assistant">
      <div className="flex items-end gap-2">
        <label htmlFor="email-request" className="sr-only">
          Your request to the email assistant
        </label>
        <textarea
          id="email-request"
          data-testid="email-request-input"
          rows={3}
          value={draft.text}
          disabled={disabled}
          onChange={(event) => draft.setText(event.target.value)}
          onBlur={() => void draft.flush()}
          onKeyDown={onKeyDown}
          placeholder={
            disabled ? 'This email is finished.' : 'Ask the assistant… e.g. “Write to ana@example.com about lunch, send it tomorrow at 9am”'
          }
          aria-invalid={tooLong}
          aria-describedby="email-request-notes"
          className="max-h-48 min-h-16 flex-1 resize-y rounded-xl border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none disabled:cursor-not-allowed disabled:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-500 dark:disabled:bg-slate-800"
        />
        <button
          type="submit"
          data-testid="email-send-button"
          disabled={!ready}
          className="h-12 rounded-xl bg-teal-700 px-5 font-semibold text-white shadow-sm hover:bg-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 disabled:cursor-not-allowed disabled:opacity-50 dark:bg-teal-700 dark:hover:bg-teal-800"
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      <div id="email-request-notes" className="flex flex-wrap justify-between gap-x-4 text-xs">
        <span className={tooLong ? 'text-red-700 dark:text-red-300' : 'text-slate-500 dark:text-slate-400'}>
          {tooLong
            ? tooLongText('request', draft.text)
            : (hint ?? '')}
        </span>
        <span
          data-testid="draft-status"
          data-state={draft.state}
          aria-live="polite"
          className={draft.state === 'error' ? 'text-red-700 dark:text-red-300' : 'text-slate-500 dark:text-slate-400'}
        >
          {note}
        </span>
      </div>
    </form>
  );
}
