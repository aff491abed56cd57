// The goals a new conversation can pursue (`GET /goals`), loaded once per page; `retry` asks
// again after a failure.

import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import type { GoalCatalog } from '../types';

export interface Goals {
  /** Null until loaded (or when loading failed). */
  catalog: GoalCatalog | null;
  error: string | null;
  retry: () => void;
}

export function useGoals(): Goals {
  const [catalog, setCatalog] = useState<GoalCatalog | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let active = true;
    setError(null);
    api.getGoals().then(
      (loaded) => {
        if (active) setCatalog(loaded);
      },
      (err: unknown) => {
        if (active) setError(err instanceof api.ApiError ? err.detail : "Couldn't load the agents.");
      },
    );
    return () => {
      active = false;
    };
  }, [attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { catalog, error, retry };
}
