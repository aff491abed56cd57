import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api';
import { keepToken, setAuthMode } from './auth';
import { openEmailFeed, openFeed, type FeedHandlers } from './feed';
import { parseEmailView } from './email';
import { emailView } from './test/emailFixtures';
import type { EmailView } from './types';
import { installFetch } from './test/fakeFetch';
import { FakeEventSource } from './test/FakeEventSource';
import { greeting, userAustin } from './test/fixtures';
import type { ChatHistory, Message } from './types';

function handlers() {
  return {
    onHistory: vi.fn<FeedHandlers['onHistory']>(),
    onStatus: vi.fn<FeedHandlers['onStatus']>(),
    onConnection: vi.fn<FeedHandlers['onConnection']>(),
  };
}

const create = (url: string) => new FakeEventSource(url);

const history = (messages: Message[], goal: ChatHistory['goal'] = null): ChatHistory => ({ messages, goal });

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('openFeed over SSE', () => {
  it('subscribes to the conversation and passes history and status on', () => {
    const h = handlers();
    const getHistory = vi.fn(async (): Promise<ChatHistory> => history([]));
    const close = openFeed('trip 1', h, { getHistory, createEventSource: create });
    const es = FakeEventSource.latest();
    expect(es.url).toBe('/events?workflow_id=trip+1');
    es.open();
    es.emit('history', { messages: [greeting] });
    es.emit('status', { state: 'running', detail: '' });
    expect(h.onHistory).toHaveBeenLastCalledWith(history([greeting]));
    expect(h.onStatus).toHaveBeenLastCalledWith({ state: 'running', detail: '' });
    expect(h.onConnection).toHaveBeenCalledWith(null);
    expect(getHistory).not.toHaveBeenCalled();
    close();
    expect(es.closed).toBe(true);
  });

  it('rides out a few reconnects without polling', () => {
    const h = handlers();
    const getHistory = vi.fn(async (): Promise<ChatHistory> => history([]));
    openFeed('c', h, { getHistory, createEventSource: create });
    const es = FakeEventSource.latest();
    es.fail();
    es.open();
    es.fail();
    es.emit('history', { messages: [] });
    es.fail();
    vi.advanceTimersByTime(5000);
    expect(getHistory).not.toHaveBeenCalled();
    expect(es.closed).toBe(false);
  });
});

describe('openFeed live replies', () => {
  function deltaHandlers() {
    return { ...handlers(), onDelta: vi.fn<NonNullable<FeedHandlers['onDelta']>>() };
  }

  it('passes delta events on, restart and done included', () => {
    const h = deltaHandlers();
    openFeed('c', h, { getHistory: vi.fn(), createEventSource: create });
    const es = FakeEventSource.latest();
    es.emit('delta', { reply: 'r1', text: 'Hel' }, 1);
    es.emit('delta', { reply: 'r1', text: '', restart: true }, 2);
    es.emit('delta', { reply: 'r1', text: 'Hello' }, 3);
    es.emit('delta', { reply: 'r1', text: '', done: true }, 4);
    es.emit('delta', { text: 'names no reply' }, 5);
    expect(h.onDelta.mock.calls.map(([d]) => d)).toEqual([
      { reply: 'r1', text: 'Hel', restart: false },
      { reply: 'r1', text: '', restart: true },
      { reply: 'r1', text: 'Hello', restart: false },
      { reply: 'r1', text: '', restart: false },
    ]);
  });

  it('skips what a stream it opens anew replays, by event id', async () => {
    const h = deltaHandlers();
    const getHistory = vi.fn(async (): Promise<ChatHistory> => history([greeting]));
    openFeed('c', h, { getHistory, createEventSource: create, retrySseMs: 15000 });
    const first = FakeEventSource.latest();
    first.emit('delta', { reply: 'r1', text: 'One ' }, 41);
    first.emit('delta', { reply: 'r1', text: 'two ' }, 42);
    first.fail(true);
    await vi.advanceTimersByTimeAsync(15000);
    const second = FakeEventSource.latest();
    expect(second).not.toBe(first);
    // A fresh connection starts from what the server keeps: 41 and 42 again, then new text.
    second.emit('delta', { reply: 'r1', text: 'One ' }, 41);
    second.emit('delta', { reply: 'r1', text: 'two ' }, 42);
    second.emit('delta', { reply: 'r1', text: 'three' }, 43);
    expect(h.onDelta.mock.calls.map(([d]) => d.text).join('')).toBe('One two three');
  });

  it('passes deltas without an id on as they come', () => {
    const h = deltaHandlers();
    openFeed('c', h, { getHistory: vi.fn(), createEventSource: create });
    FakeEventSource.latest().emit('delta', { reply: 'r1', text: 'a' });
    FakeEventSource.latest().emit('delta', { reply: 'r1', text: 'b' });
    expect(h.onDelta).toHaveBeenCalledTimes(2);
  });
});

describe('openFeed falling back to polling', () => {
  it('polls every 1.5 s after SSE keeps failing, then returns to SSE', async () => {
    const h = handlers();
    const getHistory = vi.fn(async (): Promise<ChatHistory> => history([greeting, userAustin]));
    const close = openFeed('c', h, { getHistory, createEventSource: create, pollMs: 1500, retrySseMs: 15000 });
    const first = FakeEventSource.latest();
    first.fail();
    first.fail();
    first.fail();
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(getHistory).toHaveBeenCalledTimes(1);
    expect(h.onHistory).toHaveBeenLastCalledWith(history([greeting, userAustin]));
    await vi.advanceTimersByTimeAsync(1500);
    expect(getHistory).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(getHistory).toHaveBeenCalledTimes(4);

    // Time to try SSE again: a probe that fails once is dropped and polling goes on.
    await vi.advanceTimersByTimeAsync(15000 - 4500);
    const probe = FakeEventSource.latest();
    expect(probe).not.toBe(first);
    probe.fail();
    expect(probe.closed).toBe(true);
    const callsAfterFailedProbe = getHistory.mock.calls.length;
    await vi.advanceTimersByTimeAsync(1500);
    expect(getHistory.mock.calls.length).toBe(callsAfterFailedProbe + 1);

    // The next probe works: polling stops.
    await vi.advanceTimersByTimeAsync(15000);
    const working = FakeEventSource.latest();
    working.open();
    working.emit('history', { messages: [greeting] });
    const callsAtSwitch = getHistory.mock.calls.length;
    await vi.advanceTimersByTimeAsync(10000);
    expect(getHistory.mock.calls.length).toBe(callsAtSwitch);
    expect(h.onHistory).toHaveBeenLastCalledWith(history([greeting]));
    close();
  });

  it('falls back at once when the browser gives up on the stream', async () => {
    const getHistory = vi.fn(async (): Promise<ChatHistory> => history([]));
    openFeed('c', handlers(), { getHistory, createEventSource: create });
    FakeEventSource.latest().fail(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(getHistory).toHaveBeenCalledTimes(1);
  });

  it('polls from the start without EventSource', async () => {
    const getHistory = vi.fn(async (): Promise<ChatHistory> => history([greeting]));
    const h = handlers();
    openFeed('c', h, { getHistory, createEventSource: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(h.onHistory).toHaveBeenCalledWith(history([greeting]));
  });

  it('reports the worker down on a 404 and back up when polling succeeds', async () => {
    const h = handlers();
    const getHistory = vi
      .fn<(id: string) => Promise<ChatHistory>>()
      .mockRejectedValueOnce(new ApiError(404, 'No worker is polling the task queue.'))
      .mockResolvedValue(history([greeting]));
    openFeed('c', h, { getHistory, createEventSource: null, pollMs: 1500 });
    await vi.advanceTimersByTimeAsync(0);
    expect(h.onStatus).toHaveBeenLastCalledWith({ state: 'worker_unavailable', detail: 'No worker is polling the task queue.' });
    await vi.advanceTimersByTimeAsync(1500);
    expect(h.onStatus).toHaveBeenLastCalledWith({ state: 'running', detail: '' });
    expect(h.onHistory).toHaveBeenLastCalledWith(history([greeting]));
  });

  it('reports an unreachable server until a poll succeeds', async () => {
    const h = handlers();
    const getHistory = vi
      .fn<(id: string) => Promise<ChatHistory>>()
      .mockRejectedValueOnce(new ApiError(503, 'Temporal is unreachable.'))
      .mockResolvedValue(history([]));
    openFeed('c', h, { getHistory, createEventSource: null, pollMs: 1500 });
    await vi.advanceTimersByTimeAsync(0);
    expect(h.onConnection).toHaveBeenLastCalledWith('Temporal is unreachable.');
    await vi.advanceTimersByTimeAsync(1500);
    expect(h.onConnection).toHaveBeenLastCalledWith(null);
  });

  it('stops everything when closed', async () => {
    const getHistory = vi.fn(async (): Promise<ChatHistory> => history([]));
    const close = openFeed('c', handlers(), { getHistory, createEventSource: create });
    FakeEventSource.latest().fail(true);
    await vi.advanceTimersByTimeAsync(0);
    close();
    const calls = getHistory.mock.calls.length;
    const opened = FakeEventSource.instances.length;
    await vi.advanceTimersByTimeAsync(60000);
    expect(getHistory.mock.calls.length).toBe(calls);
    expect(FakeEventSource.instances.length).toBe(opened);
  });
});

describe('openEmailFeed', () => {
  const view = (overrides: Record<string, unknown> = {}) => parseEmailView(emailView(overrides)) as EmailView;

  function emailHandlers() {
    return { onSnapshot: vi.fn<(v: EmailView) => void>(), onStatus: vi.fn(), onConnection: vi.fn() };
  }

  it('passes email and status events on', () => {
    const h = emailHandlers();
    const describe = vi.fn(async () => view());
    openEmailFeed('email 1', h, { describe, createEventSource: create });
    const es = FakeEventSource.latest();
    expect(es.url).toBe('/email/events?workflow_id=email+1');
    es.open();
    es.emit('email', emailView({ status: 'scheduled' }));
    es.emit('email', { not: 'an email' });
    es.emit('status', { state: 'finished' });
    expect(h.onSnapshot).toHaveBeenCalledTimes(1);
    expect(h.onSnapshot.mock.calls[0]?.[0].status).toBe('scheduled');
    expect(h.onStatus).toHaveBeenLastCalledWith({ state: 'finished', detail: '' });
    expect(describe).not.toHaveBeenCalled();
  });

  it('polls describe when SSE fails, and reports a 404 as the worker being down', async () => {
    const h = emailHandlers();
    const describe = vi
      .fn<(id: string) => Promise<EmailView>>()
      .mockRejectedValueOnce(new ApiError(404, 'No worker.'))
      .mockResolvedValue(view({ status: 'sent' }));
    openEmailFeed('email-1', h, { describe, createEventSource: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(describe).toHaveBeenCalledWith('email-1');
    expect(h.onStatus).toHaveBeenLastCalledWith({ state: 'worker_unavailable', detail: 'No worker.' });
    await vi.advanceTimersByTimeAsync(1500);
    expect(h.onSnapshot.mock.calls[0]?.[0].status).toBe('sent');
    expect(h.onStatus).toHaveBeenLastCalledWith({ state: 'running', detail: '' });
  });
});

describe('openFeed when the api wants a token', () => {
  function ticketed() {
    let issued = 0;
    const fetched = installFetch({
      'POST /events/ticket': () => ({ body: { ticket: `t-${++issued}`, expires_at: '2026-03-07T09:00:00Z' } }),
    });
    setAuthMode('tokens');
    keepToken('s3cret');
    return fetched;
  }

  afterEach(() => vi.unstubAllGlobals());

  it('fetches a ticket before opening the stream with it', async () => {
    const { calls, fetchMock } = ticketed();
    openFeed('c1', handlers(), { getHistory: vi.fn(), createEventSource: create });
    expect(FakeEventSource.instances).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([{ method: 'POST', path: '/events/ticket', params: { workflow_id: 'c1' } }]);
    expect(new Headers(fetchMock.mock.calls[0]?.[1]?.headers).get('Authorization')).toBe('Bearer s3cret');
    expect(FakeEventSource.latest().url).toBe('/events?workflow_id=c1&ticket=t-1');
  });

  it('reopens a failed stream with a fresh ticket instead of letting the browser reuse the spent one', async () => {
    const { calls } = ticketed();
    const h = { ...handlers(), onDelta: vi.fn<NonNullable<FeedHandlers['onDelta']>>() };
    const getHistory = vi.fn(async (): Promise<ChatHistory> => history([]));
    openFeed('c1', h, { getHistory, createEventSource: create, reopenMs: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeEventSource.latest();
    first.open();
    first.emit('delta', { reply: 'r1', text: 'One ' }, 7);
    first.fail();
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    const second = FakeEventSource.latest();
    expect(second).not.toBe(first);
    expect(second.url).toBe('/events?workflow_id=c1&ticket=t-2');
    expect(calls.filter((c) => c.path === '/events/ticket')).toHaveLength(2);
    // The new stream starts over from what the server keeps: what was seen is not repeated.
    second.emit('delta', { reply: 'r1', text: 'One ' }, 7);
    second.emit('delta', { reply: 'r1', text: 'two' }, 8);
    expect(h.onDelta.mock.calls.map(([d]) => d.text).join('')).toBe('One two');
    expect(getHistory).not.toHaveBeenCalled();
  });

  it('falls back to polling when fresh tickets keep failing, and probes with a fresh ticket', async () => {
    const { calls } = ticketed();
    const getHistory = vi.fn(async (): Promise<ChatHistory> => history([greeting]));
    openFeed('c1', handlers(), { getHistory, createEventSource: create, reopenMs: 1000, maxSseErrors: 3, retrySseMs: 15000 });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await vi.advanceTimersByTimeAsync(attempt === 0 ? 0 : 1000);
      FakeEventSource.latest().fail(true);
    }
    expect(FakeEventSource.instances).toHaveLength(3);
    expect(getHistory).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(15000);
    expect(FakeEventSource.instances).toHaveLength(4);
    expect(FakeEventSource.latest().url).toBe('/events?workflow_id=c1&ticket=t-4');
    expect(calls.filter((c) => c.path === '/events/ticket')).toHaveLength(4);
  });

  it('opens the email stream with a ticket too', async () => {
    ticketed();
    openEmailFeed('email-1', { onSnapshot: vi.fn(), onStatus: vi.fn(), onConnection: vi.fn() }, { describe: vi.fn(), createEventSource: create });
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeEventSource.latest().url).toBe('/email/events?workflow_id=email-1&ticket=t-1');
  });

  it('opens the stream without a ticket when the api wants no token', () => {
    const { calls } = installFetch({});
    openFeed('c1', handlers(), { getHistory: vi.fn(), createEventSource: create });
    expect(FakeEventSource.latest().url).toBe('/events?workflow_id=c1');
    expect(calls).toEqual([]);
  });
});
