// Nothing typed is lost: the text of a message box is kept in this browser's storage as it is
// typed, and again when the page is hidden or left (`visibilitychange`, `pagehide`, the last
// moments a phone gives a page), so a reload at any moment finds it back. A message on its way
// is kept until it has been taken; an empty box removes the entry.

import { useCallback, useEffect, useRef, useState } from 'react';

const PREFIX = 'draft:';

export function readLocalDraft(key: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

export function writeLocalDraft(key: string, text: string): void {
  try {
    if (text === '') window.localStorage.removeItem(PREFIX + key);
    else window.localStorage.setItem(PREFIX + key, text);
  } catch {
    // Storage full or disabled: the box still works, only without this safety net.
  }
}

/**
 * Keeps `text` stored under `key` (nothing while `key` is null): on every change, and when the
 * page is hidden or left.
 */
export function useLocalDraftSaver(key: string | null, text: string): void {
  const latest = useRef({ key, text });
  latest.current = { key, text };

  useEffect(() => {
    if (key !== null) writeLocalDraft(key, text);
  }, [key, text]);

  useEffect(() => {
    const save = () => {
      const { key: now, text: typed } = latest.current;
      if (now !== null) writeLocalDraft(now, typed);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') save();
    };
    window.addEventListener('pagehide', save);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('pagehide', save);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);
}

export interface LocalDraft {
  text: string;
  setText: (next: string | ((current: string) => string)) => void;
  /** A message on its way: kept in storage (though the box is empty) until `settle`. */
  sending: (text: string) => void;
  /** The message was taken (or put back in the box): storage follows the box again. */
  settle: () => void;
}

/** A message box's text, restored from storage under `key` (and again when `key` changes). */
export function useLocalDraft(key: string): LocalDraft {
  const [state, setState] = useState(() => ({ key, text: readLocalDraft(key) ?? '' }));
  const [inFlight, setInFlight] = useState<{ key: string; text: string } | null>(null);
  // Another conversation: its own draft.
  const current = state.key === key ? state : { key, text: readLocalDraft(key) ?? '' };
  if (current !== state) setState(current);

  const setText = useCallback(
    (next: string | ((text: string) => string)) =>
      setState((previous) => ({ key: previous.key, text: typeof next === 'function' ? next(previous.text) : next })),
    [],
  );
  useLocalDraftSaver(key, current.text !== '' ? current.text : inFlight?.key === key ? inFlight.text : '');
  // The key and text as of the last render, for a send that may have begun under another key.
  const now = useRef({ key, text: current.text });
  now.current = { key, text: current.text };
  const flightRef = useRef<{ key: string; text: string } | null>(null);
  const sending = useCallback((text: string) => {
    flightRef.current = { key: now.current.key, text };
    setInFlight(flightRef.current);
  }, []);
  const settle = useCallback(() => {
    const flight = flightRef.current;
    flightRef.current = null;
    setInFlight(null);
    // The entry the message was sent from holds what its box holds now: nothing, when the box
    // has since become another conversation's (a new chat got its id, maybe not rendered yet).
    if (flight) writeLocalDraft(flight.key, flight.key === now.current.key ? now.current.text : '');
  }, []);
  return { text: current.text, setText, sending, settle };
}
