// Whether the trip chat offers the choice of agent for a new chat: always while no
// conversation is named, and over the one shown after "New chat" (`open`) until the user goes
// back to it (`cancel`) or another conversation is shown (the one just started, or one
// reached with the browser's Back button).

import { useCallback, useState } from 'react';

export interface AgentChoice {
  choosing: boolean;
  open: () => void;
  cancel: () => void;
}

export function useAgentChoice(id: string | null): AgentChoice {
  const [openOver, setOpenOver] = useState<string | null>(null);
  const [shownId, setShownId] = useState(id);
  if (shownId !== id) {
    setShownId(id);
    setOpenOver(null);
  }
  const open = useCallback(() => setOpenOver(id), [id]);
  const cancel = useCallback(() => setOpenOver(null), []);
  return { choosing: id === null || openOver === id, open, cancel };
}
