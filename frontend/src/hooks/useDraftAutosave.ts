// The request box's text and its saving: while the text differs from what the server last
// took, it is saved every `intervalMs` (5 s), and at once on `flush` (the box lost focus),
// until saving is disabled (the email is finished).
// One save at a time; a failed save is retried on the next tick. `reset` says what the server
// already has (the draft restored after a reload, or nothing after a request was sent).

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';

export const DRAFT_SAVE_MS = 5000;

export type DraftState = 'empty' | 'saved' | 'unsaved' | 'saving' | 'error';

export interface DraftAutosave {
  text: string;
  setText: (text: string | ((current: string) => string)) => void;
  state: DraftState;
  /** Why the last save failed, while it is not retried successfully. */
  error: string | null;
  /** Saves now if the text changed since the last save. */
  flush: () => Promise<void>;
  /** Resolves once no save is in flight (so a request is never overtaken by an older save). */
  idle: () => Promise<void>;
  /** The server holds `text` already: show it, and do not save it again. */
  reset: (text: string) => void;
  /**
   * Like `reset`, unless something has been typed already (which then wins). `kept` is text
   * this browser kept that the server may not have had yet: shown instead, and saved.
   */
  restore: (text: string, kept?: string | null) => void;
  /** The server's draft is now `text` (say, cleared by a request); the box keeps what it has. */
  markSaved: (text: string) => void;
}

export interface AutosaveOptions {
  /** False once the email is finished: it takes no draft any more. */
  enabled?: boolean;
  intervalMs?: number;
}

export function useDraftAutosave(save: (text: string) => Promise<void>, options: AutosaveOptions = {}): DraftAutosave {
  const { enabled = true, intervalMs = DRAFT_SAVE_MS } = options;
  const [text, setTextState] = useState('');
  const [saved, setSaved] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const textRef = useRef('');
  const savedRef = useRef('');
  const inFlight = useRef<Promise<void> | null>(null);

  const setText = useCallback((next: string | ((current: string) => string)) => {
    textRef.current = typeof next === 'function' ? next(textRef.current) : next;
    setTextState(textRef.current);
  }, []);

  const markSaved = useCallback((value: string) => {
    savedRef.current = value;
    setSaved(value);
    setError(null);
  }, []);

  const reset = useCallback(
    (value: string) => {
      setText(value);
      markSaved(value);
    },
    [setText, markSaved],
  );

  const restore = useCallback(
    (value: string, kept: string | null = null) => {
      if (textRef.current !== '') return;
      reset(value);
      if (kept !== null && kept !== value) setText(kept);
    },
    [reset, setText],
  );

  const flush = useCallback(async () => {
    if (inFlight.current || !enabled) return;
    const draft = textRef.current;
    if (draft === savedRef.current) return;
    setSaving(true);
    const attempt = (async () => {
      try {
        await save(draft);
        markSaved(draft);
      } catch (err) {
        setError(err instanceof ApiError ? err.detail : "Couldn't save the draft.");
      }
    })();
    inFlight.current = attempt;
    await attempt;
    inFlight.current = null;
    setSaving(false);
  }, [save, markSaved, enabled]);

  const idle = useCallback(async () => {
    await inFlight.current;
  }, []);

  const dirty = text !== saved;
  useEffect(() => {
    if (!dirty || !enabled) return undefined;
    const timer = setInterval(() => void flush(), intervalMs);
    return () => clearInterval(timer);
  }, [dirty, enabled, flush, intervalMs]);

  let state: DraftState;
  if (saving) state = 'saving';
  else if (dirty && error) state = 'error';
  else if (dirty) state = 'unsaved';
  else state = text === '' ? 'empty' : 'saved';

  return { text, setText, state, error: dirty ? error : null, flush, idle, reset, restore, markSaved };
}
