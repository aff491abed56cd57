// A model call or tool being retried: the chat's stream says so on its `status` events, and
// the chat shows it in place of the thinking indicator until the attempt succeeds.

import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { setUp, stream, useAppTestEnvironment } from './test/app';
import { greeting, proposal, userAustin } from './test/fixtures';

useAppTestEnvironment();

function status(payload: Record<string, unknown>) {
  act(() => stream().emit('status', payload));
}

function retrying(name: string, attempt: number, detail: string, inMs = 2000) {
  status({
    state: 'running',
    detail,
    activity: { name, attempt, last_failure: 'HTTP 500', next_attempt_at: new Date(Date.now() + inMs).toISOString() },
  });
}

async function openChat() {
  setUp({ 'GET /get-conversation-history': { body: { messages: [greeting, userAustin] } } }, '/?c=c1');
  render(<App />);
  await screen.findByTestId('message-user');
  status({ state: 'running', detail: 'Running.' });
}

describe('retries', () => {
  it('shows each attempt of a retried model call, then the thinking indicator again', async () => {
    await openChat();
    expect(screen.getByTestId('agent-thinking')).toBeVisible();

    retrying('agent_toolPlanner', 2, 'The model is busy, retrying (attempt 2)…');
    expect(screen.queryByTestId('agent-thinking')).toBeNull();
    expect(screen.getByTestId('agent-retrying')).toHaveTextContent('The model is busy, retrying (attempt 2)…');
    expect(screen.getByTestId('agent-retrying')).toHaveTextContent(/next try in [12]s/);

    retrying('agent_toolPlanner', 3, 'The model is busy, retrying (attempt 3)…');
    expect(screen.getByTestId('agent-retrying')).toHaveTextContent('The model is busy, retrying (attempt 3)…');

    status({ state: 'running', detail: 'Running.' });
    expect(screen.queryByTestId('agent-retrying')).toBeNull();
    expect(screen.getByTestId('agent-thinking')).toBeVisible();

    act(() => stream().emit('history', { messages: [greeting, userAustin, proposal(true)] }));
    expect(screen.queryByTestId('agent-thinking')).toBeNull();
    expect(screen.getByTestId('confirm-card')).toBeVisible();
  });

  it("says which tool is being retried in the status's words", async () => {
    await openChat();
    retrying('FindEvents', 2, 'FindEvents failed, retrying (attempt 2)…', 0);
    expect(screen.getByTestId('agent-retrying')).toHaveTextContent(/^FindEvents failed, retrying \(attempt 2\)…$/);
  });

  it('shows no retry note once the conversation has finished', async () => {
    await openChat();
    retrying('agent_toolPlanner', 2, 'The model is busy, retrying (attempt 2)…');
    status({ state: 'failed', detail: 'The conversation failed.', activity: { name: 'agent_toolPlanner', attempt: 6 } });
    expect(screen.queryByTestId('agent-retrying')).toBeNull();
  });
});
