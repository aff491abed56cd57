import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installFetch } from '../test/fakeFetch';
import { greeting, usageReport, userAustin } from '../test/fixtures';
import { USAGE_SETTLE_MS, useUsage } from './useUsage';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const usageOf = (calls: { path: string }[]) => calls.filter((c) => c.path === '/get-conversation-usage');

async function wait(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

function renderUsage(workflowId: string | null, history: unknown) {
  return renderHook((props: { workflowId: string | null; history: unknown }) => useUsage(props.workflowId, props.history), {
    initialProps: { workflowId, history },
  });
}

describe('useUsage', () => {
  it('asks once the history has settled, and once per change of it', async () => {
    const { calls } = installFetch({ 'GET /get-conversation-usage': { body: usageReport } });
    const first = [greeting];
    const { result, rerender } = renderUsage('c1', first);
    expect(result.current).toBeNull();
    await wait(USAGE_SETTLE_MS - 100);
    expect(usageOf(calls)).toHaveLength(0);

    await wait(100);
    expect(usageOf(calls)).toEqual([{ method: 'GET', path: '/get-conversation-usage', params: { workflow_id: 'c1' } }]);
    expect(result.current).toMatchObject({ prompt_tokens: 1100, completion_tokens: 134, cost_usd: 0.0021 });

    // The same history again (a delta re-rendered the page) asks nothing.
    rerender({ workflowId: 'c1', history: first });
    await wait(USAGE_SETTLE_MS * 2);
    expect(usageOf(calls)).toHaveLength(1);

    // Three changes in quick succession ask once, after the last.
    for (const history of [[greeting, userAustin], [greeting, userAustin, greeting], [greeting]]) {
      rerender({ workflowId: 'c1', history });
      await wait(USAGE_SETTLE_MS / 3);
    }
    expect(usageOf(calls)).toHaveLength(1);
    await wait(USAGE_SETTLE_MS);
    expect(usageOf(calls)).toHaveLength(2);
  });

  it("keeps what it showed when a request fails, and forgets it for another conversation", async () => {
    let status = 200;
    installFetch({ 'GET /get-conversation-usage': () => ({ status, body: status === 200 ? usageReport : { detail: 'No worker.' } }) });
    const { result, rerender } = renderUsage('c1', [greeting]);
    await wait(USAGE_SETTLE_MS);
    expect(result.current?.calls).toBe(3);

    status = 404;
    rerender({ workflowId: 'c1', history: [greeting, userAustin] });
    await wait(USAGE_SETTLE_MS);
    expect(result.current?.calls).toBe(3);

    rerender({ workflowId: 'c2', history: [greeting, userAustin] });
    expect(result.current).toBeNull();
  });

  it('asks nothing without a conversation', async () => {
    const { calls } = installFetch({});
    renderUsage(null, []);
    await wait(USAGE_SETTLE_MS * 2);
    expect(calls).toHaveLength(0);
  });
});
