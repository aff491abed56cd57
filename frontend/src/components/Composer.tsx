// The prompt box. Enter sends, Shift+Enter starts a new line; while a confirm card waits,
// Enter in the empty box confirms it (the box keeps the focus throughout, so the keyboard
// always works the same way). It takes focus on load and after every send or confirm
// (whenever `focusKey` changes), and is disabled once the chat has ended. What is typed is
// kept as a draft in this browser (see `useLocalDraft`): a reload or a failed send loses
// nothing. Phones get no keyboard hints.

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_PROMPT_BYTES, promptBytes } from '../api';
import { useLocalDraft } from '../hooks/useLocalDraft';
import { usePhone } from '../hooks/usePhone';
import { tooLongText } from '../readable';

export interface ComposerProps {
  disabled: boolean;
  onSend: (prompt: string) => Promise<boolean>;
  /** Change it to pull focus back into the prompt box. */
  focusKey: number;
  /** What the empty box says (while the chat is open), without the keyboard hint. */
  placeholder?: string;
  /** What the disabled box says. */
  closedText?: string;
  /** Set while a confirm card waits: Enter in the empty box calls it. */
  onConfirmCard?: (() => void) | null;
  /** Where the typed text is kept across reloads (one key per conversation). */
  draftKey?: string;
}

const MESSAGE_THE_AGENT = 'Message the agent…';

/** The placeholder with the keys to press, on a computer. */
export function composerHint(placeholder: string, phone: boolean, confirming: boolean): string {
  if (phone) return placeholder;
  if (confirming) return `${placeholder} (Enter on an empty box confirms the card; type to answer instead)`;
  return `${placeholder} (Enter to send, Shift+Enter for a new line)`;
}

export function Composer({
  disabled,
  onSend,
  focusKey,
  placeholder = MESSAGE_THE_AGENT,
  closedText = 'This chat has ended.',
  onConfirmCard = null,
  draftKey = 'prompt',
}: ComposerProps) {
  const { text, setText, sending: keepSending, settle } = useLocalDraft(draftKey);
  const phone = usePhone();
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const tooLong = promptBytes(text) > MAX_PROMPT_BYTES;
  const canSend = !disabled && !sending && !tooLong && text.trim() !== '';

  useEffect(() => {
    if (!disabled) input.current?.focus();
  }, [focusKey, disabled]);

  async function submit() {
    if (!canSend) return;
    const prompt = text;
    setText('');
    keepSending(prompt);
    setSending(true);
    const sent = await onSend(prompt);
    setSending(false);
    if (!sent) setText((current) => (current === '' ? prompt : current));
    settle();
    input.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (text.trim() === '' && onConfirmCard) onConfirmCard();
      else void submit();
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit();
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-1">
      <div className="flex items-end gap-2">
        <label htmlFor="prompt" className="sr-only">
          Message the agent
        </label>
        <textarea
          id="prompt"
          ref={input}
          data-testid="prompt-input"
          rows={2}
          value={text}
          disabled={disabled}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={disabled ? closedText : composerHint(placeholder, phone, onConfirmCard !== null)}
          aria-invalid={tooLong}
          aria-describedby={tooLong ? 'prompt-too-long' : undefined}
          className="max-h-48 min-h-12 flex-1 resize-y rounded-xl border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30 disabled:cursor-not-allowed disabled:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-500 dark:disabled:bg-slate-800"
        />
        <button
          type="submit"
          data-testid="send-button"
          disabled={!canSend}
          className="h-12 rounded-xl bg-teal-700 px-5 font-semibold text-white shadow-sm hover:bg-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 disabled:cursor-not-allowed disabled:opacity-50 dark:bg-teal-700 dark:hover:bg-teal-800"
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      {tooLong ? (
        <p id="prompt-too-long" className="text-xs text-red-700 dark:text-red-300">
          {tooLongText('message', text)}
        </p>
      ) : null}
    </form>
  );
}
