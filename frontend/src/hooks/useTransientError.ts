// An error message that clears itself after a few seconds (or when dismissed), for failures of
// one action such as a send that did not go through. Each new error restarts the clock.

import { useCallback, useEffect, useState } from 'react';

export const TRANSIENT_ERROR_MS = 6000;

export function useTransientError(timeoutMs = TRANSIENT_ERROR_MS) {
  const [error, setError] = useState<{ text: string } | null>(null);

  useEffect(() => {
    if (!error) return undefined;
    const timer = setTimeout(() => setError(null), timeoutMs);
    return () => clearTimeout(timer);
  }, [error, timeoutMs]);

  const show = useCallback((text: string) => setError({ text }), []);
  const dismiss = useCallback(() => setError(null), []);

  return { error: error?.text ?? null, show, dismiss };
}
