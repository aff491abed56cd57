// Title bar shared by both pages: what this page is (and, for the chat, which agent is
// talking), which model answers (flagging the bundled demo model), the way to the other page, a link to this page's workflow in the Temporal Web
// UI, the page's own actions (its children), the theme toggle, and Sign out when signed in.

import type { MouseEvent, ReactNode } from 'react';
import { temporalWorkflowUrl } from '../linkify';
import type { UiConfig } from '../types';
import { urlForPage, type Page } from '../hooks/usePage';
import type { Theme } from '../hooks/useTheme';

/** What every page passes to the header besides its own title, workflow and actions. */
export interface Shell {
  config: UiConfig | null;
  theme: Theme;
  onToggleTheme: () => void;
  page: Page;
  onNavigate: (page: Page) => void;
  /** Forgets the token this tab signed in with; null when there is none. */
  onSignOut: (() => void) | null;
}

export interface HeaderProps {
  shell: Shell;
  title: string;
  /** Shown under the title: what this page is busy with right now. */
  subtitle?: ReactNode;
  workflowId: string | null;
  /** Shown before the title (the chat's button for its list of past chats, on phones). */
  leading?: ReactNode;
  /** The page's actions, shown before the theme toggle. */
  children?: ReactNode;
}

export const ghostButton =
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
        className="pointer-events-none invisible absolute top-full right-0 z-10 mt-2 w-72 sm:right-auto sm:left-0 rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-white shadow-lg group-focus-within:visible group-hover:visible dark:bg-slate-700"
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

const PAGES: { page: Page; label: string }[] = [
  { page: 'chat', label: 'Trip chat' },
  { page: 'email', label: 'Email' },
];

/** Links to both pages; a plain click switches in place, a middle click opens a tab. */
export function PageNav({ current, onNavigate }: { current: Page; onNavigate: (page: Page) => void }) {
  function follow(event: MouseEvent<HTMLAnchorElement>, page: Page) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onNavigate(page);
  }
  return (
    <nav aria-label="Pages" className="flex rounded-lg bg-slate-100 p-0.5 dark:bg-slate-800">
      {PAGES.map(({ page, label }) => (
        <a
          key={page}
          data-testid={`nav-${page}`}
          href={urlForPage(window.location.href, page)}
          aria-current={page === current ? 'page' : undefined}
          onClick={(event) => follow(event, page)}
          className={`rounded-md px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-teal-600 ${
            page === current
              ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-950 dark:text-slate-100'
              : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
          }`}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}

export function Header({ shell, title, subtitle, workflowId, leading, children }: HeaderProps) {
  const { config, theme, onToggleTheme, page, onNavigate, onSignOut } = shell;
  return (
    <header className="border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-3 gap-y-2 px-4 py-3">
        {leading}
        <div className="mr-auto flex min-w-0 flex-col">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-lg font-semibold text-slate-900 dark:text-slate-100">{title}</h1>
            {config?.demo_model ? (
              <DemoLabel />
            ) : config?.model ? (
              <span className="text-xs text-slate-500 dark:text-slate-400">{config.model}</span>
            ) : null}
          </div>
          {subtitle}
        </div>
        <PageNav current={page} onNavigate={onNavigate} />
        <div className="ml-auto flex items-center gap-1" role="group" aria-label="Actions">
          {config && workflowId ? <TemporalLink config={config} workflowId={workflowId} /> : null}
          {children}
          <ThemeToggle theme={theme} onToggle={onToggleTheme} />
          {onSignOut ? (
            <button type="button" data-testid="sign-out" className={ghostButton} onClick={onSignOut}>
              Sign out
            </button>
          ) : null}
        </div>
      </div>
    </header>
  );
}
