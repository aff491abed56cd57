// The App under test: the api's routes answered by a fake fetch, SSE by `FakeEventSource`.

import { afterEach, beforeEach, vi } from 'vitest';
import { installFetch, type Reply } from './fakeFetch';
import { FakeEventSource } from './FakeEventSource';
import { goalCatalog, greeting, usageReport } from './fixtures';

export const uiConfig = {
  temporal_ui_url: 'http://localhost:8233',
  namespace: 'default',
  task_queue: 'agent-task-queue',
  model: 'demo/trip-agent',
  demo_model: true,
  default_workflow_id: 'agent-workflow',
};

/** Answers every route the chat uses (`routes` override them) and opens the UI at `path`. */
export function setUp(routes: Record<string, Reply> = {}, path = '/') {
  window.history.replaceState(null, '', path);
  return installFetch({
    'GET /ui-config': { body: uiConfig },
    'GET /goals': { body: goalCatalog },
    'POST /start-workflow': { body: { message: 'started', workflow_id: 'fresh-1' } },
    'GET /get-conversation-history': { body: { messages: [greeting] } },
    'GET /get-conversation-usage': { body: usageReport },
    'POST /send-prompt': { body: { message: 'sent', workflow_id: 'c1' } },
    'POST /confirm': { body: { message: 'Ran FindEvents.', workflow_id: 'c1', proposal_id: 'p-1', tool_calls: [] } },
    'POST /decline': { body: { message: 'Declined FindEvents.', workflow_id: 'c1', proposal_id: 'p-1', tool_calls: [] } },
    'POST /end-chat': { body: { message: 'ended' } },
    'GET /conversations': { body: { conversations: [], next_page_token: null } },
    ...routes,
  });
}

/** The SSE stream of the conversation shown now. */
export function stream(): FakeEventSource {
  return FakeEventSource.latest();
}

/** A fake EventSource, a clean theme and real timers around every test of the App. */
export function useAppTestEnvironment() {
  beforeEach(() => {
    FakeEventSource.reset();
    vi.stubGlobal('EventSource', FakeEventSource);
    window.localStorage.clear();
    document.documentElement.classList.remove('dark');
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
}
