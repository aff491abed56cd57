// The conversation's usage and cost for the header, asked for again whenever its history
// changes: each model call that matters ends in a new message. The asking waits for the
// history to settle (a turn may add a few messages in a row) and never follows the deltas of a
// reply being written. A failed request keeps what was shown: the usage is a side note, and
// the chat's own banners report a server that is down.

import { useEffect, useState } from 'react';
import * as api from '../api';
import type { ConversationUsage } from '../types';

/** How long the history must stay the same before the usage is asked for. */
export const USAGE_SETTLE_MS = 750;

/** `workflowId`'s usage, refreshed after each change of `history` (compared by identity). */
export function useUsage(workflowId: string | null, history: unknown): ConversationUsage | null {
  const [known, setKnown] = useState<{ workflowId: string; usage: ConversationUsage } | null>(null);

  useEffect(() => {
    if (!workflowId) return undefined;
    let active = true;
    const timer = setTimeout(() => {
      api.getUsage(workflowId).then(
        (usage) => {
          if (active) setKnown({ workflowId, usage });
        },
        () => undefined,
      );
    }, USAGE_SETTLE_MS);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [workflowId, history]);

  return known && known.workflowId === workflowId ? known.usage : null;
}
