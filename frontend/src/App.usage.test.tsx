// The chat's header says what the conversation's model calls have used and cost, and keeps it
// current as the conversation goes on.

import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { USAGE_SETTLE_MS } from './hooks/useUsage';
import { setUp, stream, useAppTestEnvironment } from './test/app';
import type { Reply } from './test/fakeFetch';
import { greeting, proposal, usageReport, userAustin } from './test/fixtures';

useAppTestEnvironment();

const SETTLED = { timeout: USAGE_SETTLE_MS + 2000 };

/** Opens `?c=c1` with `usage` as its usage; returns how many times the usage was asked for. */
function openChat(usage: Reply): () => number {
  const { calls } = setUp({ 'GET /get-conversation-usage': usage }, '/?c=c1');
  render(<App />);
  return () => calls.filter((c) => c.path === '/get-conversation-usage').length;
}

describe('usage in the header', () => {
  it("shows the conversation's tokens and cost, broken down in the tooltip", async () => {
    openChat({ body: usageReport });
    const usage = await screen.findByTestId('conversation-usage', {}, SETTLED);
    expect(usage).toHaveTextContent(/^1,234 tokens · \$0\.0021$/);
    expect(usage).toHaveAttribute('title', '1,100 prompt + 134 completion tokens in 3 model calls, about $0.0021.');
    expect(screen.getByRole('banner')).toContainElement(usage);
  });

  it('says the cost is unknown for a model with no price', async () => {
    openChat({ body: { ...usageReport, cost_usd: null, models: ['acme/house-model'] } });
    const usage = await screen.findByTestId('conversation-usage', {}, SETTLED);
    expect(usage).toHaveTextContent(/^1,234 tokens · cost unknown$/);
    expect(usage.getAttribute('title')).toMatch(/^The model acme\/house-model has no price/);
  });

  it('shows nothing before the first model call', async () => {
    const asked = openChat({ body: { ...usageReport, calls: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 } });
    await waitFor(() => expect(asked()).toBe(1), SETTLED);
    expect(screen.queryByTestId('conversation-usage')).toBeNull();
  });

  it('asks again when the history changes, not for each delta of a reply', async () => {
    let tokens = 1000;
    const asked = openChat(() => ({ body: { ...usageReport, prompt_tokens: tokens, completion_tokens: 0 } }));
    const usage = await screen.findByTestId('conversation-usage', {}, SETTLED);
    expect(usage).toHaveTextContent('1,000 tokens');
    const before = asked();

    tokens = 2500;
    act(() => stream().emit('history', { messages: [greeting, userAustin] }));
    for (let i = 1; i <= 5; i += 1) act(() => stream().emit('delta', { reply: 'r2', text: `word ${i} ` }, i));
    await waitFor(() => expect(screen.getByTestId('conversation-usage')).toHaveTextContent('2,500 tokens'), SETTLED);
    expect(asked()).toBe(before + 1);

    tokens = 4000;
    act(() => stream().emit('history', { messages: [greeting, userAustin, proposal(true)] }));
    await waitFor(() => expect(screen.getByTestId('conversation-usage')).toHaveTextContent('4,000 tokens'), SETTLED);
    expect(asked()).toBe(before + 2);
  });
});
