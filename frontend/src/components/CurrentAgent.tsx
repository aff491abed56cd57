// The agent a conversation talks to now, named in the chat's header; the agent picker hands
// a conversation to another agent, and the name follows.

import type { CurrentGoal } from '../types';

export function CurrentAgent({ goal }: { goal: CurrentGoal }) {
  return (
    <p className="truncate text-sm text-slate-600 dark:text-slate-300">
      Talking to{' '}
      <span data-testid="current-agent" data-goal-id={goal.id} title={goal.name} className="font-medium text-teal-800 dark:text-teal-300">
        {goal.name}
      </span>
    </p>
  );
}
