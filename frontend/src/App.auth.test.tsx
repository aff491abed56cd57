// Signing in: the token prompt (API_AUTH=tokens, or jwt without a sign-in page), the issuer's
// sign-in with PKCE (jwt with oidc), and the UI with no sign-in at all (none).

import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { TOKEN_KEY } from './auth';
import { browser, codeChallenge } from './oidc';
import { setUp, stream, uiConfig, useAppTestEnvironment } from './test/app';
import type { Recorded, Reply } from './test/fakeFetch';

useAppTestEnvironment();

const REFUSED = { status: 401, body: { detail: 'Sign in to use this agent.' } };
const oidc = { authorization_url: 'http://idp.test/authorize', token_url: 'http://idp.test/token', client_id: 'agent-ui', scope: 'openid' };

/** A JWT's shape (three dot-separated parts); the api, not the UI, checks what it says. */
const jwt = (name: string) => `header.${name}.signature`;

/** Routes of an api that wants `token`: every call but `/ui-config` is refused without it. */
function guarded(mode: 'tokens' | 'jwt', token: string, extra: Record<string, unknown> = {}) {
  const authorized = new Set<string>();
  let tickets = 0;
  const { calls, fetchMock } = setUp(
    {
      'GET /ui-config': { body: { ...uiConfig, auth: { mode, oidc: null, ...extra } } },
      'POST /events/ticket': () => ({ body: { ticket: `t-${++tickets}`, expires_at: '2026-03-07T09:00:00Z' } }),
    },
    '/?c=c1',
  );
  const answer = fetchMock.getMockImplementation()!;
  fetchMock.mockImplementation(async (input, init) => {
    const path = new URL(String(input), 'http://ui.test').pathname;
    const sent = new Headers(init?.headers).get('Authorization');
    if (path !== '/ui-config' && !path.startsWith('/token') && sent !== `Bearer ${token}`) {
      calls.push({ method: init?.method ?? 'GET', path, params: {} });
      return new Response(JSON.stringify(REFUSED.body), { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="agent"' } });
    }
    if (sent) authorized.add(path);
    return answer(input, init);
  });
  return { calls, fetchMock, authorized };
}

/** The calls to the api besides `/ui-config`. */
const apiCalls = (calls: Recorded[]) => calls.filter((c) => c.path !== '/ui-config');

describe('with API_AUTH=none', () => {
  it('shows the chat at once, sends no token and opens the stream without a ticket', async () => {
    const { calls, fetchMock } = setUp({}, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    expect(screen.queryByTestId('token-prompt')).toBeNull();
    expect(screen.queryByTestId('sign-out')).toBeNull();
    expect(stream().url).toBe('/events?workflow_id=c1');
    expect(calls.some((c) => c.path === '/events/ticket')).toBe(false);
    expect(fetchMock.mock.calls.every(([, init]) => !new Headers(init?.headers).has('Authorization'))).toBe(true);
  });
});

describe('the token prompt', () => {
  it('asks for the token before anything else calls the api, then sends it on every call', async () => {
    const user = userEvent.setup();
    const { calls, fetchMock } = guarded('tokens', 's3cret');
    render(<App />);
    const input = await screen.findByLabelText('Access token');
    expect(input).toHaveAttribute('type', 'password');
    expect(input).toHaveFocus();
    expect(screen.getByTestId('token-prompt')).toHaveTextContent('Sign in');
    expect(apiCalls(calls)).toEqual([]);

    await user.type(input, 's3cret');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByTestId('message-agent');
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBe('s3cret');
    expect(window.localStorage.getItem(TOKEN_KEY)).toBeNull();
    for (const [input_, init] of fetchMock.mock.calls) {
      if (String(input_).startsWith('/ui-config')) continue;
      expect(new Headers(init?.headers).get('Authorization'), String(input_)).toBe('Bearer s3cret');
    }
  });

  it('opens the stream with a ticket fetched first, and a fresh one when it reconnects', async () => {
    window.sessionStorage.setItem(TOKEN_KEY, 's3cret');
    const { calls } = guarded('tokens', 's3cret');
    render(<App />);
    await waitFor(() => expect(stream().url).toBe('/events?workflow_id=c1&ticket=t-1'));
    const ticketAt = calls.findIndex((c) => c.path === '/events/ticket');
    expect(ticketAt).toBeGreaterThanOrEqual(0);
    act(() => stream().emit('history', { messages: [] }));
    const first = stream();
    act(() => first.fail());
    expect(first.closed).toBe(true);
    await waitFor(() => expect(stream().url).toBe('/events?workflow_id=c1&ticket=t-2'), { timeout: 3000 });
  });

  it('brings the prompt back when the api refuses the token, saying so, and takes a good one', async () => {
    const user = userEvent.setup();
    const { calls } = guarded('tokens', 's3cret');
    render(<App />);
    await user.type(await screen.findByLabelText('Access token'), 'wrong');
    await user.click(screen.getByTestId('token-submit'));
    const note = await screen.findByTestId('token-refused');
    expect(note).toHaveTextContent('That token was not accepted.');
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    const refusedCalls = apiCalls(calls).length;
    // Nothing keeps calling while the prompt is up.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(apiCalls(calls).length).toBe(refusedCalls);
    expect(FakeEventSourceCount()).toBe(0);

    await user.type(screen.getByLabelText('Access token'), 's3cret');
    await user.click(screen.getByTestId('token-submit'));
    await screen.findByTestId('message-agent');
    expect(screen.queryByTestId('token-refused')).toBeNull();
  });

  it('asks again when a kept token stops working', async () => {
    window.sessionStorage.setItem(TOKEN_KEY, 'revoked');
    guarded('tokens', 's3cret');
    render(<App />);
    expect(await screen.findByTestId('token-refused')).toHaveTextContent('That token was not accepted.');
    expect(screen.getByLabelText('Access token')).toHaveValue('');
  });

  it('offers Sign out, which forgets the token', async () => {
    const user = userEvent.setup();
    window.sessionStorage.setItem(TOKEN_KEY, 's3cret');
    guarded('tokens', 's3cret');
    render(<App />);
    await screen.findByTestId('message-agent');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByTestId('token-prompt')).toBeVisible();
    expect(screen.queryByTestId('token-refused')).toBeNull();
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('asks for a token with API_AUTH=jwt and no sign-in page', async () => {
    guarded('jwt', jwt('alice'));
    render(<App />);
    expect(await screen.findByTestId('token-prompt')).toBeVisible();
  });

  it("shows a 429's detail in the banner", async () => {
    const user = userEvent.setup();
    window.sessionStorage.setItem(TOKEN_KEY, 's3cret');
    const { fetchMock } = guarded('tokens', 's3cret');
    const answer = fetchMock.getMockImplementation()!;
    fetchMock.mockImplementation(async (input, init) =>
      String(input).startsWith('/send-prompt')
        ? new Response(JSON.stringify({ detail: 'Slow down: try again in 5 s.' }), { status: 429, headers: { 'Retry-After': '5' } })
        : answer(input, init),
    );
    render(<App />);
    await screen.findByTestId('message-agent');
    await user.type(screen.getByTestId('prompt-input'), 'hello{Enter}');
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('Slow down: try again in 5 s.');
    expect(screen.queryByTestId('token-prompt')).toBeNull();
  });
});

const FakeEventSourceCount = () => (globalThis.EventSource as unknown as { instances: unknown[] }).instances.length;

describe('signing in with the issuer', () => {
  function issuer(routes: Record<string, Reply> = {}, path = '/?c=c1&view=chat') {
    const fetched = guarded('jwt', jwt('oidc-user'), { oidc });
    const answer = fetched.fetchMock.getMockImplementation()!;
    const token = routes['POST /token'] ?? { body: { access_token: jwt('oidc-user'), id_token: jwt('id'), token_type: 'Bearer', expires_in: 300 } };
    fetched.fetchMock.mockImplementation(async (input, init) => {
      const url = new URL(String(input), 'http://ui.test');
      if (url.origin === 'http://idp.test') {
        const request = { method: init?.method ?? 'GET', path: url.pathname, params: {}, body: init?.body };
        fetched.calls.push(request);
        const { status = 200, body } = typeof token === 'function' ? token(request) : token;
        return new Response(JSON.stringify(body), { status });
      }
      return answer(input, init);
    });
    window.history.replaceState(null, '', path);
    const redirect = vi.spyOn(browser, 'redirect').mockImplementation(() => undefined);
    return { ...fetched, redirect };
  }

  /** The login the page sent the browser to. */
  async function loginUrl(redirect: ReturnType<typeof issuer>['redirect']): Promise<URL> {
    await waitFor(() => expect(redirect).toHaveBeenCalledTimes(1));
    return new URL(String(redirect.mock.calls[0]?.[0]));
  }

  /** The browser back from the issuer (a new page) with `code` and `state`. */
  function comeBack(leave: () => void, state: string, code = 'code-1') {
    leave();
    window.history.replaceState(null, '', `/?code=${code}&state=${encodeURIComponent(state)}`);
    render(<App />);
  }

  it('goes to the sign-in page with PKCE (S256) and a random state, calling nothing else', async () => {
    const { redirect, calls } = issuer();
    render(<App />);
    expect(await screen.findByText('Signing you in…')).toBeVisible();
    const url = await loginUrl(redirect);
    expect(`${url.origin}${url.pathname}`).toBe('http://idp.test/authorize');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: 'agent-ui',
      redirect_uri: `${window.location.origin}/`,
      scope: 'openid',
      code_challenge_method: 'S256',
    });
    expect(params.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const pending = JSON.parse(window.sessionStorage.getItem('agent.login')!) as { verifier: string; state: string };
    expect(pending.state).toBe(params.state);
    expect(params.code_challenge).toBe(await codeChallenge(pending.verifier));
    expect(params.code_challenge).not.toBe(pending.verifier);
    expect(apiCalls(calls)).toEqual([]);
  });

  it('trades the code for a token, puts the URL back and opens the chat with it', async () => {
    const { redirect, calls, authorized } = issuer();
    const { unmount } = render(<App />);
    const state = (await loginUrl(redirect)).searchParams.get('state')!;
    const pending = JSON.parse(window.sessionStorage.getItem('agent.login')!) as { verifier: string };
    comeBack(unmount, state);
    await screen.findByTestId('message-agent');
    expect(window.location.search).toBe('?c=c1&view=chat');
    const trade = calls.find((c) => c.path === '/token');
    expect(trade?.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(String(trade?.body)))).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: `${window.location.origin}/`,
      client_id: 'agent-ui',
      code_verifier: pending.verifier,
    });
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBe(jwt('oidc-user'));
    expect(authorized.has('/get-conversation-history')).toBe(true);
    expect(redirect).toHaveBeenCalledTimes(1);
  });

  it('uses the ID token when the access token is not a JWT', async () => {
    const { redirect } = issuer({ 'POST /token': { body: { access_token: 'opaque', id_token: jwt('oidc-user') } } });
    const { unmount } = render(<App />);
    comeBack(unmount, (await loginUrl(redirect)).searchParams.get('state')!);
    await screen.findByTestId('message-agent');
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBe(jwt('oidc-user'));
  });

  it('refuses an answer whose state this page did not send, and offers to sign in again', async () => {
    const user = userEvent.setup();
    const { redirect, calls } = issuer();
    const { unmount } = render(<App />);
    await loginUrl(redirect);
    comeBack(unmount, 'forged-state');
    expect(await screen.findByTestId('sign-in-problem')).toHaveTextContent('This sign-in was not started from this page.');
    expect(calls.some((c) => c.path === '/token')).toBe(false);
    expect(window.location.search).toBe('?c=c1&view=chat');
    await user.click(screen.getByRole('button', { name: 'Sign in again' }));
    await waitFor(() => expect(redirect).toHaveBeenCalledTimes(2));
  });

  it('stops at "Sign in again" when the api refuses the token fresh from a sign-in, never looping', async () => {
    const { redirect } = issuer({ 'POST /token': { body: { access_token: jwt('wrong-audience') } } });
    const { unmount } = render(<App />);
    comeBack(unmount, (await loginUrl(redirect)).searchParams.get('state')!);
    expect(await screen.findByTestId('sign-in-problem')).toHaveTextContent('did not accept the sign-in');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(redirect).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Sign in again' })).toBeVisible();
  });

  it('signs in again when a token that worked is refused later', async () => {
    window.sessionStorage.setItem(TOKEN_KEY, jwt('expired'));
    const { redirect } = issuer();
    render(<App />);
    await loginUrl(redirect);
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('waits for the user after Sign out', async () => {
    const user = userEvent.setup();
    window.sessionStorage.setItem(TOKEN_KEY, jwt('oidc-user'));
    const { redirect } = issuer();
    render(<App />);
    await screen.findByTestId('message-agent');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'You are signed out' })).toBeVisible();
    expect(redirect).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(redirect).toHaveBeenCalledTimes(1));
  });
});
