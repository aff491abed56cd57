// Keeps one conversation's history and status flowing into the UI. The primary channel is the
// api's server-sent events (`/events`); when that keeps failing (a proxy that buffers, an old
// server) the feed polls `/get-conversation-history` instead and keeps trying to get back to
// SSE, so the chat stays live either way.

import { ApiError, eventsUrl, isWorkerUnavailable } from './api';
import { parseHistory, parseStatus } from './conversation';
import type { ChatStatus, Message } from './types';

export interface FeedHandlers {
  onHistory(messages: Message[]): void;
  onStatus(status: ChatStatus): void;
  /** Null when the server is reachable again; otherwise what went wrong. */
  onConnection(problem: string | null): void;
}

/** The part of `EventSource` the feed uses (a fake one in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export interface FeedOptions {
  getHistory: (workflowId: string) => Promise<Message[]>;
  /** Null where the browser has no EventSource: the feed polls from the start. */
  createEventSource: ((url: string) => EventSourceLike) | null;
  pollMs?: number;
  retrySseMs?: number;
  /** Consecutive SSE errors (with no event in between) before falling back to polling. */
  maxSseErrors?: number;
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

/** Starts feeding `workflowId`'s updates to `handlers`; returns a function that stops it. */
export function openFeed(workflowId: string, handlers: FeedHandlers, options: FeedOptions): () => void {
  const { getHistory, createEventSource, pollMs = 1500, retrySseMs = 15000, maxSseErrors = 3 } = options;
  let stopped = false;
  let source: EventSourceLike | null = null;
  let polling = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  // Set when polling (not SSE) reported the worker down, so polling also reports it back up.
  let pollSawWorkerDown = false;
  // Each start of polling gets a new generation, so a request still in flight from an earlier
  // round cannot start a second polling loop.
  let pollGeneration = 0;

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
    return true;
  }

  function connectSse() {
    if (!createEventSource) {
      startPolling();
      return;
    }
    let es: EventSourceLike;
    try {
      es = createEventSource(eventsUrl(workflowId));
    } catch {
      startPolling();
      return;
    }
    source = es;
    // A probe made while polling gets one chance; a live stream may hiccup a few times.
    let allowedErrors = polling ? 1 : maxSseErrors;
    let errors = 0;
    const alive = () => {
      if (!sseAlive(es)) return false;
      errors = 0;
      allowedErrors = maxSseErrors;
      return true;
    };
    es.addEventListener('open', () => {
      if (!alive()) return;
      handlers.onConnection(null);
    });
    es.addEventListener('history', (event) => {
      if (!alive()) return;
      handlers.onHistory(parseHistory(parseJson(event.data)));
    });
    es.addEventListener('status', (event) => {
      if (!alive()) return;
      handlers.onStatus(parseStatus(parseJson(event.data)));
    });
    es.addEventListener('error', () => {
      if (stopped || source !== es) return;
      errors += 1;
      if (es.readyState === CLOSED || errors >= allowedErrors) {
        closeSource();
        startPolling();
      }
    });
  }

  async function pollOnce(generation: number) {
    const current = () => !stopped && polling && generation === pollGeneration;
    if (!current()) return;
    try {
      const messages = await getHistory(workflowId);
      if (!current()) return;
      handlers.onHistory(messages);
      handlers.onConnection(null);
      if (pollSawWorkerDown) {
        pollSawWorkerDown = false;
        handlers.onStatus({ state: 'running', detail: '' });
      }
    } catch (error) {
      if (!current()) return;
      if (isWorkerUnavailable(error)) {
        pollSawWorkerDown = true;
        handlers.onConnection(null);
        handlers.onStatus({ state: 'worker_unavailable', detail: (error as ApiError).detail });
      } else {
        handlers.onConnection(error instanceof ApiError ? error.detail : 'Lost contact with the server.');
      }
    }
    if (current()) pollTimer = setTimeout(() => void pollOnce(generation), pollMs);
  }

  function scheduleSseRetry() {
    retryTimer = setTimeout(() => {
      if (stopped || !polling) return;
      if (!source) connectSse();
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
    closeSource();
    stopPolling();
  };
}
