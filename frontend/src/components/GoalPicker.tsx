// The choice a new chat starts with: which agent (goal) to talk to, grouped by category, the
// deployment's default one recommended. Choosing one only selects it (the default one is
// selected from the start); the chat begins with the first message written below. Goals this
// deployment cannot run are shown disabled with the reason.

import type { GoalCatalog, GoalInfo } from '../types';

export interface GoalPickerProps {
  catalog: GoalCatalog | null;
  /** Why the goals could not be loaded. */
  error: string | null;
  onRetry: () => void;
  /** A conversation is being started (every choice waits meanwhile)... */
  busy: boolean;
  /** ...with this goal, the one selected (null: the server's default). */
  chosen: string | null;
  /** Selects `goal` for the conversation the first message starts. */
  onChoose: (goal: string) => void;
  /** Back to the conversation shown before, when there is one. */
  onCancel?: () => void;
}

interface Group {
  category: string;
  goals: GoalInfo[];
}

/** The goals by category, in the order the server lists them. */
export function groupByCategory(goals: readonly GoalInfo[]): Group[] {
  const groups: Group[] = [];
  for (const goal of goals) {
    const group = groups.find((g) => g.category === goal.category);
    if (group) group.goals.push(goal);
    else groups.push({ category: goal.category, goals: [goal] });
  }
  return groups;
}

/** `travel-flights` → `Travel flights`. */
export function categoryLabel(category: string): string {
  const words = category.replace(/[-_]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Other';
}

const linkButton =
  'rounded-lg px-3 py-1.5 text-sm font-semibold text-teal-800 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-teal-600 dark:text-teal-300';

interface GoalOptionProps {
  goal: GoalInfo;
  recommended: boolean;
  busy: boolean;
  chosen: string | null;
  onChoose: (goal: string) => void;
}

function GoalOption({ goal, recommended, busy, chosen, onChoose }: GoalOptionProps) {
  const noteId = `goal-note-${goal.id}`;
  const selected = chosen === goal.id;
  const thisOne = busy && selected;
  return (
    <button
      type="button"
      data-testid="goal-option"
      data-goal-id={goal.id}
      data-recommended={recommended ? 'true' : undefined}
      aria-pressed={selected}
      disabled={!goal.available || busy}
      aria-describedby={goal.note ? noteId : undefined}
      aria-busy={thisOne || undefined}
      onClick={() => onChoose(goal.id)}
      className={`flex h-full w-full flex-col gap-1 rounded-xl border bg-white p-4 text-left shadow-sm transition hover:border-teal-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 disabled:cursor-not-allowed disabled:hover:border-slate-200 dark:bg-slate-900 dark:disabled:hover:border-slate-700 ${
        selected ? 'border-teal-600 ring-2 ring-teal-600/40 dark:border-teal-500' : 'border-slate-200 dark:border-slate-700'
      } ${goal.available ? '' : 'opacity-60'}`}
    >
      <span className="flex flex-wrap items-center gap-2">
        <span className="font-semibold text-slate-900 dark:text-slate-100">{goal.name}</span>
        {recommended ? (
          <span className="rounded-full bg-teal-100 px-2 py-0.5 text-xs font-semibold text-teal-900 dark:bg-teal-900/60 dark:text-teal-100">
            Recommended
          </span>
        ) : null}
        {selected ? (
          <span aria-hidden="true" className="ml-auto text-sm font-semibold text-teal-700 dark:text-teal-300">
            ✓
          </span>
        ) : null}
      </span>
      {goal.description ? <span className="text-sm text-slate-600 dark:text-slate-300">{goal.description}</span> : null}
      {goal.note ? (
        <span id={noteId} data-testid="goal-note" className="text-xs text-amber-800 dark:text-amber-200">
          {goal.note}
        </span>
      ) : null}
      {thisOne ? <span className="text-xs font-medium text-teal-800 dark:text-teal-300">Starting…</span> : null}
    </button>
  );
}

function LoadFailed({ error, onRetry }: Pick<GoalPickerProps, 'onRetry'> & { error: string }) {
  return (
    <div data-testid="goals-error" role="alert" className="rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-950/40 dark:text-amber-100">
      <p>Couldn't load the list of agents: {error}</p>
      <p className="mt-1">You can still write below: the usual agent will answer.</p>
      <div className="mt-2 flex flex-wrap gap-2">
        <button type="button" className={linkButton} onClick={onRetry}>
          Try again
        </button>
      </div>
    </div>
  );
}

export function GoalPicker({ catalog, error, onRetry, busy, chosen, onChoose, onCancel }: GoalPickerProps) {
  return (
    <section data-testid="goal-picker" aria-labelledby="goal-picker-title" className="flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-3xl flex-col gap-5 px-4 py-8">
        <div>
          <h2 id="goal-picker-title" className="text-xl font-semibold text-slate-900 dark:text-slate-100">
            Who would you like to talk to?
          </h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
            Each agent is good at one job. Pick one, then write your first message below; the agent picker can help if you're not
            sure.
          </p>
        </div>
        {catalog ? (
          groupByCategory(catalog.goals).map((group) => (
            <div key={group.category} role="group" aria-label={categoryLabel(group.category)} className="flex flex-col gap-2">
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{categoryLabel(group.category)}</h3>
              <ul className="grid gap-3 sm:grid-cols-2">
                {group.goals.map((goal) => (
                  <li key={goal.id}>
                    <GoalOption
                      goal={goal}
                      recommended={goal.id === catalog.default_goal}
                      busy={busy}
                      chosen={chosen}
                      onChoose={onChoose}
                    />
                  </li>
                ))}
              </ul>
            </div>
          ))
        ) : error ? (
          <LoadFailed error={error} onRetry={onRetry} />
        ) : (
          <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
            Loading the agents…
          </p>
        )}
        {onCancel ? (
          <div>
            <button type="button" data-testid="goal-picker-cancel" className={linkButton} onClick={onCancel}>
              ← Back to your chat
            </button>
          </div>
        ) : null}
      </div>
    </section>
  );
}
