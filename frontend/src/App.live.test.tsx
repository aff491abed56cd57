// The agent's reply as the model writes it: `delta` events on the chat's stream grow a bubble
// that the final message then takes over.

import { act, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { setUp, stream, useAppTestEnvironment } from './test/app';
import { greeting, streamedReply, userAustin } from './test/fixtures';
import type { Message } from './types';

useAppTestEnvironment();

const FINAL = 'In December Austin has the Trail of Lights. Would you like to fly there for it?';

/** Opens `?c=c1` with `messages` as its history, and waits for it to show. */
async function openChat(messages: Message[]) {
  setUp({ 'GET /get-conversation-history': { body: { messages } } }, '/?c=c1');
  render(<App />);
  await screen.findAllByTestId('message-agent');
}

let sequence = 0;
function delta(reply: string, text: string, extra: Record<string, unknown> = {}) {
  sequence += 1;
  act(() => stream().emit('delta', { reply, text, ...extra }, sequence));
}

function history(messages: Message[]) {
  act(() => stream().emit('history', { messages }));
}

const agentBubbles = () => screen.getAllByTestId('message-agent');
const lastAgentBubble = () => agentBubbles()[agentBubbles().length - 1]!;

describe('live replies', () => {
  it('grows a bubble with the deltas in place of the thinking indicator', async () => {
    await openChat([greeting, userAustin]);
    expect(screen.getByTestId('agent-thinking')).toBeVisible();

    delta('r2', 'In December');
    expect(screen.queryByTestId('agent-thinking')).toBeNull();
    expect(agentBubbles()).toHaveLength(2);
    expect(lastAgentBubble()).toHaveTextContent(/^Agent: In December$/);
    expect(lastAgentBubble()).toHaveAttribute('data-streaming', 'true');
    expect(lastAgentBubble()).toHaveAttribute('aria-busy', 'true');

    delta('r2', ' Austin has');
    delta('r2', ' the Trail of Lights.');
    expect(lastAgentBubble()).toHaveTextContent(/^Agent: In December Austin has the Trail of Lights\.$/);
    expect(agentBubbles()).toHaveLength(2);
  });

  it('gives the bubble to the final message when it arrives, without redrawing it', async () => {
    await openChat([greeting, userAustin]);
    delta('r2', 'In December Austin has the Trail of Lights.');
    const live = lastAgentBubble();

    delta('r2', ' Would you like to fly there for it?');
    delta('r2', '', { done: true });
    history([greeting, userAustin, streamedReply('r2', FINAL)]);

    expect(agentBubbles()).toHaveLength(2);
    expect(agentBubbles().filter((b) => b.textContent?.includes('Trail of Lights'))).toHaveLength(1);
    expect(lastAgentBubble()).toBe(live);
    expect(live).toHaveTextContent(`Agent: ${FINAL}`);
    expect(live).not.toHaveAttribute('data-streaming');
    expect(within(live).queryByTestId('writing-caret')).toBeNull();
    expect(screen.queryByTestId('agent-thinking')).toBeNull();
  });

  it('ignores the replayed deltas of replies whose message is already in the history', async () => {
    const greetingStreamed = streamedReply('r1', 'Hi! Which city and month?');
    await openChat([greetingStreamed, userAustin]);
    // A reload: the server replays what it keeps, the finished greeting first.
    delta('r1', 'Hi! Which city');
    delta('r1', ' and month?');
    delta('r1', '', { done: true });
    expect(agentBubbles()).toHaveLength(1);
    expect(screen.getByTestId('agent-thinking')).toBeVisible();

    // ...then the reply still being written, from its beginning.
    delta('r2', 'In December');
    expect(agentBubbles()).toHaveLength(2);
    expect(agentBubbles()[0]).toHaveTextContent(/^Agent: Hi! Which city and month\?$/);
    expect(lastAgentBubble()).toHaveTextContent(/^Agent: In December$/);
  });

  it('starts the bubble over when a retried attempt restarts the reply', async () => {
    await openChat([greeting, userAustin]);
    delta('r2', 'Half of a first att');
    delta('r2', '', { restart: true });
    expect(agentBubbles()).toHaveLength(1);
    expect(screen.getByTestId('agent-thinking')).toBeVisible();

    delta('r2', 'In December');
    expect(lastAgentBubble()).toHaveTextContent(/^Agent: In December$/);
    expect(screen.queryByText(/first att/)).toBeNull();
  });

  it('shows no reply replayed from before while the chat waits for the user', async () => {
    await openChat([greeting]);
    delta('r0', 'A reply from earlier whose message was summarised');
    expect(agentBubbles()).toHaveLength(1);
    expect(screen.queryByText(/from earlier/)).toBeNull();
  });

  it('shows markup in a delta as text', async () => {
    await openChat([greeting, userAustin]);
    delta('r2', '<img src=x onerror="alert(1)"> <script>alert(2)</script>');
    expect(lastAgentBubble()).toHaveTextContent('<img src=x onerror="alert(1)"> <script>alert(2)</script>');
    expect(document.querySelector('[data-testid="message-list"] img, [data-testid="message-list"] script')).toBeNull();
  });

  it('works as before when nothing streams: the thinking indicator, then the whole reply', async () => {
    await openChat([greeting, userAustin]);
    expect(screen.getByTestId('agent-thinking')).toBeVisible();
    history([greeting, userAustin, { actor: 'agent', response: { next: 'question', tool: null, args: {}, response: FINAL } }]);
    expect(screen.queryByTestId('agent-thinking')).toBeNull();
    expect(lastAgentBubble()).toHaveTextContent(`Agent: ${FINAL}`);
    expect(document.querySelector('[data-streaming]')).toBeNull();
  });
});
