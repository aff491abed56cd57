// Title bar: what this is, which model answers (flagging the bundled demo model), a link to
// this conversation in the Temporal Web UI, and the chat-level actions.

import { temporalWorkflowUrl } from '../linkify';
import type { UiConfig } from '../types';
import type { Theme } from '../hooks/useTheme';

export interface HeaderProps {
  config: UiConfig | null;
  workflowId: string | null;
  theme: Theme;
  onToggleTheme: () => void;
  canEnd: boolean;
  onEndChat: () => void;
  onNewChat: () => void;
  starting: boolean;
}

const ghostButton =
  'rounded-lg px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-teal-600 disabled:opacity-50 dark:text-slate-200 dark:hover:bg-slate-800';

export function DemoLabel() {
  return (
    <span className="group relative inline-flex">
      <span
        data-testid="demo-label"
        tabIndex={0}
        aria-describedby="demo-label-tip"
        className="cursor-help rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900 ring-1 ring-amber-300 dark:bg-amber-900/50 dark:text-amber-100 dark:ring-amber-600/50"
      >
        Demo model — no API key
      </span>
      <span
        id="demo-label-tip"
        role="tooltip"
        className="pointer-events-none invisible absolute top-full left-0 z-10 mt-2 w-72 rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-white shadow-lg group-focus-within:visible group-hover:visible dark:bg-slate-700"
      >
        Replies come from the bundled demo server, not a real LLM. To use a real model, set{' '}
        <code className="font-mono">LLM_MODEL</code> (for example <code className="font-mono">openai/gpt-4o</code>) and{' '}
        <code className="font-mono">LLM_KEY</code> for the worker and restart it.
      </span>
    </span>
  );
}

export function ThemeToggle({ theme, onToggle }: { theme: Theme; onToggle: () => void }) {
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      data-testid="theme-toggle"
      onClick={onToggle}
      aria-label={`Switch to ${next} mode`}
      title={`Switch to ${next} mode`}
      className={ghostButton}
    >
      <span aria-hidden="true" className="text-base leading-none">
        {theme === 'dark' ? '☀' : '☾'}
      </span>
    </button>
  );
}

function TemporalLink({ config, workflowId }: { config: UiConfig; workflowId: string }) {
  const href = temporalWorkflowUrl(config.temporal_ui_url, config.namespace, workflowId);
  if (!href) return null;
  return (
    <a
      data-testid="temporal-link"
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      className={`${ghostButton} hidden sm:inline-block`}
      title={`Workflow ${workflowId} in the Temporal Web UI`}
    >
      View in Temporal ↗
    </a>
  );
}

export function Header({ config, workflowId, theme, onToggleTheme, canEnd, onEndChat, onNewChat, starting }: HeaderProps) {
  return (
    <header className="border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
      <div className="mx-auto flex max-w-3xl flex-wrap items-center gap-x-3 gap-y-2 px-4 py-3">
        <div className="mr-auto flex min-w-0 flex-wrap items-center gap-2">
          <h1 className="text-lg font-semibold text-slate-900 dark:text-slate-100">Trip planner</h1>
          {config?.demo_model ? (
            <DemoLabel />
          ) : config?.model ? (
            <span className="text-xs text-slate-500 dark:text-slate-400">{config.model}</span>
          ) : null}
        </div>
        <nav className="flex items-center gap-1" aria-label="Chat actions">
          {config && workflowId ? <TemporalLink config={config} workflowId={workflowId} /> : null}
          <button type="button" data-testid="end-chat-button" className={ghostButton} onClick={onEndChat} disabled={!canEnd}>
            End chat
          </button>
          <button type="button" data-testid="header-new-chat" className={ghostButton} onClick={onNewChat} disabled={starting}>
            New chat
          </button>
          <ThemeToggle theme={theme} onToggle={onToggleTheme} />
        </nav>
      </div>
    </header>
  );
}
