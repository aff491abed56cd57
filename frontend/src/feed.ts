// Keeps a workflow's state flowing into the UI. The primary channel is the api's server-sent
// events; when that keeps failing (a proxy that buffers, an old server) the feed polls the
// matching read endpoint instead and keeps trying to get back to SSE, so the page stays live
// either way. `openLiveFeed` is that machinery for any snapshot; `openFeed` is the chat's
// (`/events`, `history` events, `/get-conversation-history`, plus the `delta` events of live
// replies, which polling never gets) and `openEmailFeed` the email assistant's
// (`/email/events`, `email` events, `/email/describe`).
//
// When the api wants a token, a stream opens with a ticket (`api.eventsUrl`) that is good for
// one opening: the browser's own reconnect would reuse it and be refused, so on an error the
// feed closes the stream and opens it again with a fresh ticket. Such a stream starts over
// from what the server keeps, and `delta` events already seen are dropped by their id.

import { ApiError, emailEventsUrl, eventsUrl, isWorkerUnavailable } from './api';
import { parseHistory, parseStatus } from './conversation';
import { parseEmailFeedStatus, parseEmailView } from './email';
import { parseDelta, type Delta } from './liveReplies';
import type { ChatHistory, ChatStatus, EmailFeedStatus, EmailView } from './types';

export interface FeedHandlers {
  onHistory(history: ChatHistory): void;
  onStatus(status: ChatStatus): void;
  /** Null when the server is reachable again; otherwise what went wrong. */
  onConnection(problem: string | null): void;
  /** A piece of a live reply (each one once, in order). */
  onDelta?(delta: Delta): void;
}

/** The part of `EventSource` the feed uses (a fake one in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

/** How often, and after how many failures, the feed switches channels. */
export interface FeedTiming {
  pollMs?: number;
  retrySseMs?: number;
  /** Pause before a ticketed stream that failed opens again with a fresh ticket. */
  reopenMs?: number;
  /** Consecutive SSE errors (with no event in between) before falling back to polling. */
  maxSseErrors?: number;
}

export interface FeedOptions extends FeedTiming {
  getHistory: (workflowId: string) => Promise<ChatHistory>;
  /** Null where the browser has no EventSource: the feed polls from the start. */
  createEventSource: ((url: string) => EventSourceLike) | null;
}

/** What one kind of live feed reads, and from where. */
export interface LiveFeedSpec<T, S> {
  /**
   * The SSE stream, asked anew for every opening: a URL, or the promise of one with a fresh
   * ticket (such a stream is never left to the browser's own reconnects).
   */
  url: () => string | Promise<string>;
  /** The SSE event whose data is a whole snapshot. */
  snapshotEvent: string;
  /** Reads a snapshot event's data; null drops it. */
  readSnapshot(data: unknown): T | null;
  readStatus(data: unknown): S;
  /** The same snapshot by plain request, for polling. */
  fetchSnapshot(): Promise<T>;
  /** The status polling reports on a worker-unavailable 404, and once a poll succeeds again. */
  workerDown(detail: string): S;
  workerBack: S;
  createEventSource: ((url: string) => EventSourceLike) | null;
  /** Other SSE events to pass on, by name: their data and their `id:` (empty when none). */
  otherEvents?: Record<string, (data: unknown, eventId: string) => void>;
}

export interface LiveFeedHandlers<T, S> {
  onSnapshot(snapshot: T): void;
  onStatus(status: S): void;
  /** Null when the server is reachable again; otherwise what went wrong. */
  onConnection(problem: string | null): void;
}

const CLOSED = 2;

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Passes each delta on once. The browser resumes its own reconnects after the last event id
 * it got, but a stream the feed opens anew (after polling, or with a fresh ticket) starts
 * over from what the server keeps; the ids grow, so anything at or below the last one seen
 * was delivered already.
 */
function onceEach(onDelta: (delta: Delta) => void): (data: unknown, eventId: string) => void {
  let lastId = -1;
  return (data, eventId) => {
    const id = eventId === '' ? NaN : Number(eventId);
    if (Number.isFinite(id)) {
      if (id <= lastId) return;
      lastId = id;
    }
    const delta = parseDelta(data);
    if (delta) onDelta(delta);
  };
}

/** Starts feeding `workflowId`'s conversation to `handlers`; returns a function that stops it. */
export function openFeed(workflowId: string, handlers: FeedHandlers, options: FeedOptions): () => void {
  const { getHistory, createEventSource, ...timing } = options;
  const { onDelta } = handlers;
  return openLiveFeed<ChatHistory, ChatStatus>(
    {
      url: () => eventsUrl(workflowId),
      snapshotEvent: 'history',
      readSnapshot: parseHistory,
      readStatus: parseStatus,
      fetchSnapshot: () => getHistory(workflowId),
      workerDown: (detail) => ({ state: 'worker_unavailable', detail }),
      workerBack: { state: 'running', detail: '' },
      createEventSource,
      otherEvents: onDelta ? { delta: onceEach(onDelta) } : undefined,
    },
    { onSnapshot: handlers.onHistory, onStatus: handlers.onStatus, onConnection: handlers.onConnection },
    timing,
  );
}

export interface EmailFeedOptions extends FeedTiming {
  describe: (workflowId: string) => Promise<EmailView>;
  createEventSource: ((url: string) => EventSourceLike) | null;
}

/** Starts feeding `workflowId`'s email to `handlers`; returns a function that stops it. */
export function openEmailFeed(
  workflowId: string,
  handlers: LiveFeedHandlers<EmailView, EmailFeedStatus>,
  options: EmailFeedOptions,
): () => void {
  const { describe, createEventSource, ...timing } = options;
  return openLiveFeed<EmailView, EmailFeedStatus>(
    {
      url: () => emailEventsUrl(workflowId),
      snapshotEvent: 'email',
      readSnapshot: parseEmailView,
      readStatus: parseEmailFeedStatus,
      fetchSnapshot: () => describe(workflowId),
      workerDown: (detail) => ({ state: 'worker_unavailable', detail }),
      workerBack: { state: 'running', detail: '' },
      createEventSource,
    },
    handlers,
    timing,
  );
}

/** Starts feeding one workflow's snapshots to `handlers`; returns a function that stops it. */
export function openLiveFeed<T, S>(spec: LiveFeedSpec<T, S>, handlers: LiveFeedHandlers<T, S>, timing: FeedTiming = {}): () => void {
  const { createEventSource } = spec;
  const { pollMs = 1500, retrySseMs = 15000, reopenMs = 1000, maxSseErrors = 3 } = timing;
  let stopped = false;
  let source: EventSourceLike | null = null;
  // Set while the URL of the next stream (its ticket) is being fetched.
  let connecting = false;
  let polling = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let reopenTimer: ReturnType<typeof setTimeout> | undefined;
  // Set when polling (not SSE) reported the worker down, so polling also reports it back up.
  let pollSawWorkerDown = false;
  // Each start of polling gets a new generation, so a request still in flight from an earlier
  // round cannot start a second polling loop.
  let pollGeneration = 0;
  // SSE errors with no event in between, across the reopenings of a ticketed stream, and how
  // many are allowed: a probe made while polling gets one chance; a live stream a few.
  let errors = 0;
  let allowedErrors = maxSseErrors;

  function closeSource() {
    source?.close();
    source = null;
  }

  function stopPolling() {
    polling = false;
    clearTimeout(pollTimer);
    clearTimeout(retryTimer);
  }

  /** SSE delivered something: it works, so polling can stop. */
  function sseAlive(es: EventSourceLike): boolean {
    if (stopped || source !== es) return false;
    if (polling) stopPolling();
    errors = 0;
    allowedErrors = maxSseErrors;
    return true;
  }

  /** Opens the stream afresh (at the start, or as a probe while polling). */
  function connectSse() {
    errors = 0;
    allowedErrors = polling ? 1 : maxSseErrors;
    openStream();
  }

  function openStream() {
    if (!createEventSource) {
      startPolling();
      return;
    }
    let url: string | Promise<string>;
    try {
      url = spec.url();
    } catch {
      startPolling();
      return;
    }
    if (typeof url === 'string') {
      listen(url, false);
      return;
    }
    connecting = true;
    url.then(
      (ticketed) => {
        connecting = false;
        if (!stopped) listen(ticketed, true);
      },
      () => {
        connecting = false;
        if (!stopped) streamFailed(null, true);
      },
    );
  }

  /** The stream `es` (null: its ticket) failed; `ticketed` streams are reopened by the feed. */
  function streamFailed(es: EventSourceLike | null, ticketed: boolean) {
    errors += 1;
    const fatal = es !== null && es.readyState === CLOSED && !ticketed;
    if (fatal || errors >= allowedErrors) {
      closeSource();
      startPolling();
    } else if (ticketed) {
      // The browser would reconnect with the spent ticket: close, and open with a fresh one.
      closeSource();
      reopenTimer = setTimeout(() => {
        if (!stopped && !source && !connecting) openStream();
      }, reopenMs);
    }
    // Otherwise the browser reconnects by itself, resuming after the last event id.
  }

  function listen(url: string, ticketed: boolean) {
    let es: EventSourceLike;
    try {
      if (!createEventSource) throw new Error('no EventSource');
      es = createEventSource(url);
    } catch {
      startPolling();
      return;
    }
    source = es;
    const alive = () => sseAlive(es);
    es.addEventListener('open', () => {
      if (!alive()) return;
      handlers.onConnection(null);
    });
    es.addEventListener(spec.snapshotEvent, (event) => {
      if (!alive()) return;
      const snapshot = spec.readSnapshot(parseJson(event.data));
      if (snapshot !== null) handlers.onSnapshot(snapshot);
    });
    es.addEventListener('status', (event) => {
      if (!alive()) return;
      handlers.onStatus(spec.readStatus(parseJson(event.data)));
    });
    for (const [name, handle] of Object.entries(spec.otherEvents ?? {})) {
      es.addEventListener(name, (event) => {
        if (!alive()) return;
        handle(parseJson(event.data), event.lastEventId ?? '');
      });
    }
    es.addEventListener('error', () => {
      if (stopped || source !== es) return;
      streamFailed(es, ticketed);
    });
  }

  async function pollOnce(generation: number) {
    const current = () => !stopped && polling && generation === pollGeneration;
    if (!current()) return;
    try {
      const snapshot = await spec.fetchSnapshot();
      if (!current()) return;
      handlers.onSnapshot(snapshot);
      handlers.onConnection(null);
      if (pollSawWorkerDown) {
        pollSawWorkerDown = false;
        handlers.onStatus(spec.workerBack);
      }
    } catch (error) {
      if (!current()) return;
      if (isWorkerUnavailable(error)) {
        pollSawWorkerDown = true;
        handlers.onConnection(null);
        handlers.onStatus(spec.workerDown((error as ApiError).detail));
      } else {
        handlers.onConnection(error instanceof ApiError ? error.detail : 'Lost contact with the server.');
      }
    }
    if (current()) pollTimer = setTimeout(() => void pollOnce(generation), pollMs);
  }

  function scheduleSseRetry() {
    retryTimer = setTimeout(() => {
      if (stopped || !polling) return;
      if (!source && !connecting) connectSse();
      scheduleSseRetry();
    }, retrySseMs);
  }

  function startPolling() {
    if (stopped || polling) return;
    polling = true;
    pollGeneration += 1;
    void pollOnce(pollGeneration);
    if (createEventSource) scheduleSseRetry();
  }

  connectSse();

  return () => {
    stopped = true;
    clearTimeout(reopenTimer);
    closeSource();
    stopPolling();
  };
}
