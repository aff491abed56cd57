// A fetch stand-in that answers by path and records every request, for api and App tests.

import { vi } from 'vitest';

export interface Recorded {
  method: string;
  path: string;
  params: Record<string, string>;
  /** The JSON body, when there was one. */
  body?: unknown;
}

export type Reply = { status?: number; body: unknown } | ((request: Recorded) => { status?: number; body: unknown });

/** A JSON body as its value; any other (a form) as its text. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function installFetch(routes: Record<string, Reply>) {
  const calls: Recorded[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://ui.test');
    const request: Recorded = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      params: Object.fromEntries(url.searchParams),
      body: typeof init?.body === 'string' ? parseBody(init.body) : undefined,
    };
    calls.push(request);
    const route = routes[`${request.method} ${request.path}`];
    if (!route) return new Response(JSON.stringify({ detail: 'no such route' }), { status: 404 });
    const { status = 200, body } = typeof route === 'function' ? route(request) : route;
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
