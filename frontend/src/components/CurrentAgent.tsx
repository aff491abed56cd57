// The agent a conversation talks to now, named in the chat's header; the agent picker hands
// a conversation to another agent, and the name follows.

import type { CurrentGoal } from '../types';

export function CurrentAgent({ goal }: { goal: CurrentGoal }) {
  return (
    <span
      data-testid="current-agent"
      data-goal-id={goal.id}
      className="rounded-full bg-teal-50 px-2.5 py-0.5 text-sm font-medium text-teal-900 ring-1 ring-teal-200 dark:bg-teal-950/60 dark:text-teal-100 dark:ring-teal-700/60"
    >
      <span className="sr-only">Talking to </span>
      {goal.name}
    </span>
  );
}
