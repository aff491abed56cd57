// The prompt box. Enter sends, Shift+Enter starts a new line. It takes focus on load and
// after every send or confirm (whenever `focusKey` changes), and is disabled once the chat
// has ended. A failed send puts the text back so nothing typed is lost.

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_PROMPT_BYTES, promptBytes } from '../api';

export interface ComposerProps {
  disabled: boolean;
  onSend: (prompt: string) => Promise<boolean>;
  /** Change it to pull focus back into the prompt box. */
  focusKey: number;
  /** What the empty box says (while the chat is open). */
  placeholder?: string;
}

const MESSAGE_THE_AGENT = 'Message the agent… (Enter to send, Shift+Enter for a new line)';

export function Composer({ disabled, onSend, focusKey, placeholder = MESSAGE_THE_AGENT }: ComposerProps) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const bytes = promptBytes(text);
  const tooLong = bytes > MAX_PROMPT_BYTES;
  const canSend = !disabled && !sending && !tooLong && text.trim() !== '';

  useEffect(() => {
    if (!disabled) input.current?.focus();
  }, [focusKey, disabled]);

  async function submit() {
    if (!canSend) return;
    const prompt = text;
    setText('');
    setSending(true);
    const sent = await onSend(prompt);
    setSending(false);
    if (!sent) setText((current) => (current === '' ? prompt : current));
    input.current?.focus();
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
          placeholder={disabled ? 'This chat has ended.' : placeholder}
          aria-invalid={tooLong}
          aria-describedby={tooLong ? 'prompt-too-long' : undefined}
          className="max-h-48 min-h-12 flex-1 resize-y rounded-xl border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30 disabled:cursor-not-allowed disabled:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-500 dark:disabled:bg-slate-800"
        />
        <button
          type="submit"
          data-testid="send-button"
          disabled={!canSend}
          className="h-12 rounded-xl bg-teal-700 px-5 font-semibold text-white shadow-sm hover:bg-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 disabled:cursor-not-allowed disabled:opacity-50 dark:bg-teal-600 dark:hover:bg-teal-500"
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      {tooLong ? (
        <p id="prompt-too-long" className="text-xs text-red-700 dark:text-red-300">
          That message is too long ({bytes.toLocaleString()} bytes); please keep it under {MAX_PROMPT_BYTES.toLocaleString()}.
        </p>
      ) : null}
    </form>
  );
}
