import { afterEach, describe, expect, it, vi } from 'vitest';
import * as api from './api';
import { authState, currentToken, keepToken, setAuthMode } from './auth';
import { installFetch } from './test/fakeFetch';
import { emailView } from './test/emailFixtures';
import { goalCatalog, greeting, usageReport } from './test/fixtures';

afterEach(() => vi.unstubAllGlobals());

describe('api', () => {
  it('starts the named conversation and returns its id', async () => {
    const { calls } = installFetch({ 'POST /start-workflow': { body: { message: 'started', workflow_id: 'chat-42' } } });
    await expect(api.startWorkflow('chat-42')).resolves.toBe('chat-42');
    expect(calls).toEqual([{ method: 'POST', path: '/start-workflow', params: { workflow_id: 'chat-42' } }]);
  });

  it('starts a conversation with the goal chosen', async () => {
    const { calls } = installFetch({ 'POST /start-workflow': { body: { message: 'started', workflow_id: 'chat-43' } } });
    await expect(api.startWorkflow('chat-43', 'goal_travel_helper')).resolves.toBe('chat-43');
    expect(calls).toEqual([{ method: 'POST', path: '/start-workflow', params: { workflow_id: 'chat-43', goal: 'goal_travel_helper' } }]);
  });

  it("carries the server's reason for an unknown goal", async () => {
    installFetch({ 'POST /start-workflow': { status: 400, body: { detail: 'There is no goal "nope".' } } });
    await expect(api.startWorkflow('chat-44', 'nope')).rejects.toMatchObject({ status: 400, detail: 'There is no goal "nope".' });
  });

  it('lists the goals, the default one named', async () => {
    const { calls } = installFetch({ 'GET /goals': { body: goalCatalog } });
    const catalog = await api.getGoals();
    expect(calls).toEqual([{ method: 'GET', path: '/goals', params: {} }]);
    expect(catalog.default_goal).toBe('goal_event_flight_invoice');
    expect(catalog.goals.map((g) => g.id)).toEqual(['choose-agent', 'goal_event_flight_invoice', 'goal_flight_quote', 'goal_travel_helper']);
    expect(catalog.goals[2]).toEqual(goalCatalog.goals[2]);
  });

  it('reads the goals defensively', async () => {
    installFetch({
      'GET /goals': {
        body: { default_goal: 'gone', goals: [{ id: 'g1' }, { name: 'no id' }, 'odd', { id: 'g2', name: 'Two', available: false, note: '' }] },
      },
    });
    await expect(api.getGoals()).resolves.toEqual({
      default_goal: '',
      goals: [
        { id: 'g1', name: 'g1', description: '', category: '', available: true, note: null },
        { id: 'g2', name: 'Two', description: '', category: '', available: false, note: null },
      ],
    });
  });

  it('refuses a goal list with no goals', async () => {
    installFetch({ 'GET /goals': { body: { default_goal: 'x', goals: [] } } });
    await expect(api.getGoals()).rejects.toBeInstanceOf(api.ApiError);
  });

  it('sends the prompt and the conversation as query parameters', async () => {
    const { calls } = installFetch({ 'POST /send-prompt': { body: { message: 'ok', workflow_id: 'c1' } } });
    await api.sendPrompt('c1', "I'd like to go to Austin & more?\n#2");
    expect(calls[0]).toEqual({
      method: 'POST',
      path: '/send-prompt',
      params: { prompt: "I'd like to go to Austin & more?\n#2", workflow_id: 'c1' },
    });
  });

  it('confirms the proposal named, and answers with what ran', async () => {
    const ran = { tool: 'FindEvents', args: { city: 'Austin', month: 'December' }, result: { events: [] } };
    const { calls } = installFetch({
      'POST /confirm': { body: { message: 'Ran FindEvents.', workflow_id: 'c1', proposal_id: 'p-1', tool_calls: [ran, 'odd'] } },
    });
    await expect(api.confirm('c1', 'p-1')).resolves.toEqual({ message: 'Ran FindEvents.', workflow_id: 'c1', proposal_id: 'p-1', tool_calls: [ran] });
    expect(calls).toEqual([{ method: 'POST', path: '/confirm', params: { workflow_id: 'c1', proposal: 'p-1' } }]);
  });

  it('sends edited arguments as a JSON body', async () => {
    const { calls, fetchMock } = installFetch({ 'POST /confirm': { body: { message: 'ok', workflow_id: 'c1', proposal_id: 'p-1', tool_calls: [] } } });
    await api.confirm('c1', 'p-1', { city: 'Denver', month: 'March' });
    expect(calls).toEqual([
      { method: 'POST', path: '/confirm', params: { workflow_id: 'c1', proposal: 'p-1' }, body: { args: { city: 'Denver', month: 'March' } } },
    ]);
    expect(fetchMock.mock.calls[0]?.[1]?.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });

  it('confirms whatever waits when the proposal has no id', async () => {
    const { calls } = installFetch({ 'POST /confirm': { body: { message: 'ok' } } });
    await expect(api.confirm('c1', null)).resolves.toEqual({ message: 'ok', workflow_id: '', proposal_id: null, tool_calls: [] });
    expect(calls[0]?.params).toEqual({ workflow_id: 'c1' });
  });

  it('carries the reason of a stale proposal (409) and of edited arguments the tool refuses (400)', async () => {
    installFetch({ 'POST /confirm': { status: 409, body: { detail: 'That proposal is no longer current: a newer one is waiting.' } } });
    await expect(api.confirm('c1', 'p-0')).rejects.toMatchObject({ status: 409, detail: 'That proposal is no longer current: a newer one is waiting.' });
    const unknown = "FindEvents has no argument 'town'; its arguments are: city, month.";
    installFetch({ 'POST /confirm': { status: 400, body: { detail: unknown } } });
    await expect(api.confirm('c1', 'p-1', { town: 'Austin' })).rejects.toMatchObject({ status: 400, detail: unknown });
  });

  it('declines the proposal named, with the reason when one is given', async () => {
    const call = { tool: 'FindEvents', args: { city: 'Austin', month: 'December' } };
    const { calls } = installFetch({ 'POST /decline': { body: { message: 'Declined.', workflow_id: 'c1', proposal_id: 'p-1', tool_calls: [call] } } });
    await expect(api.decline('c1', 'p-1', '  Too far away ')).resolves.toEqual({
      message: 'Declined.',
      workflow_id: 'c1',
      proposal_id: 'p-1',
      tool_calls: [call],
    });
    await api.decline('c1', 'p-2', '   ');
    await api.decline('c1', 'p-3');
    expect(calls.map((c) => c.params)).toEqual([
      { workflow_id: 'c1', proposal: 'p-1', reason: 'Too far away' },
      { workflow_id: 'c1', proposal: 'p-2' },
      { workflow_id: 'c1', proposal: 'p-3' },
    ]);
    expect(calls.every((c) => c.method === 'POST' && c.path === '/decline' && c.body === undefined)).toBe(true);
  });

  it('ends the named conversation', async () => {
    const { calls } = installFetch({ 'POST /end-chat': { body: { message: 'ok' } } });
    await api.endChat('c1');
    expect(calls).toEqual([{ method: 'POST', path: '/end-chat', params: { workflow_id: 'c1' } }]);
  });

  it('lists past conversations a page at a time, reading them defensively', async () => {
    const chat = {
      workflow_id: 'chat-1',
      title: 'Austin in December',
      status: 'completed',
      goal: { id: 'goal_event_flight_invoice', name: 'North America Event Flight Booking' },
      started_at: '2026-12-01T10:00:00Z',
      updated_at: '2026-12-01T10:05:00Z',
      tokens: 1234,
      cost_usd: 0.002,
    };
    const { calls } = installFetch({
      'GET /conversations': (r) => ({
        body: r.params.page_token
          ? { conversations: [{ workflow_id: 'chat-0', title: null, status: 'exploded', goal: null, started_at: 'x' }], next_page_token: null }
          : { conversations: [chat, { title: 'no id' }, 7], next_page_token: 'tok-2' },
      }),
    });
    await expect(api.listConversations()).resolves.toEqual({ conversations: [chat], next_page_token: 'tok-2' });
    const older = await api.listConversations('tok-2', 50);
    expect(older).toEqual({
      conversations: [
        { workflow_id: 'chat-0', title: null, status: 'unknown', goal: null, started_at: 'x', updated_at: 'x', tokens: null, cost_usd: null },
      ],
      next_page_token: null,
    });
    expect(calls.map((c) => c.params)).toEqual([{}, { page_token: 'tok-2', page_size: '50' }]);
  });

  it('reads history in both shapes', async () => {
    installFetch({
      'GET /get-conversation-history': (r) => ({ body: r.params.workflow_id === 'empty' ? [] : { messages: [greeting] } }),
    });
    await expect(api.getHistory('c1')).resolves.toEqual({ messages: [greeting], goal: null });
    await expect(api.getHistory('empty')).resolves.toEqual({ messages: [], goal: null });
  });

  it('reads the goal the history names', async () => {
    installFetch({
      'GET /get-conversation-history': { body: { messages: [greeting], goal: { id: 'goal_travel_helper', name: 'Travel Desk' } } },
    });
    await expect(api.getHistory('c1')).resolves.toEqual({ messages: [greeting], goal: { id: 'goal_travel_helper', name: 'Travel Desk' } });
  });

  it("turns an error into an ApiError carrying the server's detail", async () => {
    installFetch({ 'POST /send-prompt': { status: 413, body: { detail: 'The prompt is longer than 8 KiB.' } } });
    const error = await api.sendPrompt('c1', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(api.ApiError);
    expect(error).toMatchObject({ status: 413, detail: 'The prompt is longer than 8 KiB.' });
  });

  it('recognises the worker-unavailable 404', async () => {
    installFetch({ 'GET /get-conversation-history': { status: 404, body: { detail: 'No worker.' } } });
    const error = await api.getHistory('c1').catch((e: unknown) => e);
    expect(api.isWorkerUnavailable(error)).toBe(true);
    expect(api.isWorkerUnavailable(new api.ApiError(503, 'x'))).toBe(false);
  });

  it("asks for the conversation's usage and reads it", async () => {
    const { calls } = installFetch({ 'GET /get-conversation-usage': { body: usageReport } });
    await expect(api.getUsage('c1')).resolves.toEqual({
      calls: 3,
      prompt_tokens: 1100,
      completion_tokens: 134,
      cost_usd: 0.0021,
      models: ['openai/gpt-4o-mini'],
    });
    expect(calls).toEqual([{ method: 'GET', path: '/get-conversation-usage', params: { workflow_id: 'c1' } }]);
  });

  it('refuses a usage answer that is not a report, and carries a 404', async () => {
    installFetch({ 'GET /get-conversation-usage': { body: [1, 2] } });
    await expect(api.getUsage('c1')).rejects.toBeInstanceOf(api.ApiError);
    installFetch({ 'GET /get-conversation-usage': { status: 404, body: { detail: 'No worker.' } } });
    await expect(api.getUsage('c1')).rejects.toMatchObject({ status: 404, detail: 'No worker.' });
  });

  it('reports an unreachable server as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(api.endChat('c1')).rejects.toMatchObject({ status: 0, detail: "Can't reach the server." });
  });

  it('reads the UI config defensively', async () => {
    installFetch({
      'GET /ui-config': {
        body: { temporal_ui_url: 'http://localhost:8233', namespace: 'default', model: 'demo/trip-agent', demo_model: true, task_queue: 7 },
      },
    });
    await expect(api.getUiConfig()).resolves.toEqual({
      temporal_ui_url: 'http://localhost:8233',
      namespace: 'default',
      task_queue: '',
      model: 'demo/trip-agent',
      demo_model: true,
      default_workflow_id: '',
      auth: { mode: 'none', oidc: null },
    });
  });

  it("reads the api's sign-in settings, an incomplete sign-in page as none", async () => {
    const oidc = { authorization_url: 'http://idp.test/authorize', token_url: 'http://idp.test/token', client_id: 'agent-ui', scope: '' };
    const read = async (auth: unknown) => {
      installFetch({ 'GET /ui-config': { body: { auth } } });
      return (await api.getUiConfig())?.auth;
    };
    await expect(read({ mode: 'tokens', oidc: null })).resolves.toEqual({ mode: 'tokens', oidc: null });
    await expect(read({ mode: 'jwt', oidc })).resolves.toEqual({ mode: 'jwt', oidc: { ...oidc, scope: 'openid' } });
    await expect(read({ mode: 'jwt', oidc: { ...oidc, token_url: '' } })).resolves.toEqual({ mode: 'jwt', oidc: null });
    await expect(read({ mode: 'sometimes' })).resolves.toEqual({ mode: 'none', oidc: null });
  });

  it('sends the kept token as a bearer token, and none without one', async () => {
    const { fetchMock } = installFetch({ 'GET /goals': { body: goalCatalog } });
    await api.getGoals();
    keepToken('s3cret');
    await api.getGoals();
    const headers = fetchMock.mock.calls.map(([, init]) => new Headers(init?.headers).get('Authorization'));
    expect(headers).toEqual([null, 'Bearer s3cret']);
  });

  it('forgets the token the api refused (401), but not one kept since', async () => {
    let answer: () => void = () => undefined;
    const late = new Promise<void>((resolve) => (answer = resolve));
    const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
      if (String(input).startsWith('/goals')) await late;
      return new Response(JSON.stringify({ detail: 'Sign in to use this agent.' }), { status: 401 });
    });
    vi.stubGlobal('fetch', fetchMock);
    keepToken('old');
    const slow = api.getGoals();
    await expect(api.endChat('c1')).rejects.toMatchObject({ status: 401, detail: 'Sign in to use this agent.' });
    expect(currentToken()).toBeNull();
    expect(authState().reason).toBe('refused');
    keepToken('new');
    answer();
    await expect(slow).rejects.toMatchObject({ status: 401 });
    expect(currentToken()).toBe('new');
  });

  it("carries a 429's detail", async () => {
    installFetch({ 'POST /send-prompt': { status: 429, body: { detail: 'Too many requests; try again in 3 s.' } } });
    await expect(api.sendPrompt('c1', 'hi')).rejects.toMatchObject({ status: 429, detail: 'Too many requests; try again in 3 s.' });
  });

  it('opens streams with a fresh ticket when the api wants a token', async () => {
    let issued = 0;
    const { calls, fetchMock } = installFetch({
      'POST /events/ticket': () => ({ body: { ticket: `t-${++issued}`, expires_at: '2026-03-07T09:00:00Z' } }),
    });
    setAuthMode('tokens');
    keepToken('s3cret');
    await expect(api.eventsUrl('a b')).resolves.toBe('/events?workflow_id=a+b&ticket=t-1');
    await expect(api.emailEventsUrl('email-1')).resolves.toBe('/email/events?workflow_id=email-1&ticket=t-2');
    expect(calls).toEqual([
      { method: 'POST', path: '/events/ticket', params: { workflow_id: 'a b' } },
      { method: 'POST', path: '/events/ticket', params: { workflow_id: 'email-1' } },
    ]);
    expect(new Headers(fetchMock.mock.calls[0]?.[1]?.headers).get('Authorization')).toBe('Bearer s3cret');
  });

  it('builds the events URL and counts prompt bytes', () => {
    expect(api.eventsUrl('a b')).toBe('/events?workflow_id=a+b');
    expect(api.promptBytes('é')).toBe(2);
  });
});

describe('email api', () => {
  it("starts an email with the browser's time zone and returns its view", async () => {
    const { calls } = installFetch({ 'POST /email/start': { body: emailView({ workflow_id: 'email-9' }) } });
    const view = await api.startEmail('Europe/Berlin');
    expect(view.workflow_id).toBe('email-9');
    expect(calls).toEqual([{ method: 'POST', path: '/email/start', params: {}, body: { time_zone: 'Europe/Berlin' } }]);
  });

  it('sends requests and drafts as JSON bodies, naming the email in the query', async () => {
    const { calls } = installFetch({
      'POST /email/request': { body: emailView({ status: 'processing' }) },
      'POST /email/save-draft': { body: { saved: true, bytes: 5 } },
      'POST /email/cancel': { body: emailView({ status: 'canceled' }) },
      'GET /email/describe': { body: emailView() },
    });
    await expect(api.sendEmailRequest('email-1', 'Write to ana & bo?')).resolves.toMatchObject({ status: 'processing' });
    await api.saveEmailDraft('email-1', 'hello');
    await expect(api.cancelEmail('email-1')).resolves.toMatchObject({ status: 'canceled' });
    await expect(api.describeEmail('email-1')).resolves.toMatchObject({ status: 'waiting' });
    expect(calls).toEqual([
      { method: 'POST', path: '/email/request', params: { workflow_id: 'email-1' }, body: { text: 'Write to ana & bo?' } },
      { method: 'POST', path: '/email/save-draft', params: { workflow_id: 'email-1' }, body: { text: 'hello' } },
      { method: 'POST', path: '/email/cancel', params: { workflow_id: 'email-1' } },
      { method: 'GET', path: '/email/describe', params: { workflow_id: 'email-1' } },
    ]);
  });

  it("carries a 409's reason", async () => {
    installFetch({ 'POST /email/request': { status: 409, body: { detail: 'This email has already been sent.' } } });
    await expect(api.sendEmailRequest('email-1', 'x')).rejects.toMatchObject({ status: 409, detail: 'This email has already been sent.' });
  });

  it('refuses an answer that is not an email', async () => {
    installFetch({ 'GET /email/describe': { body: { hello: 'world' } } });
    await expect(api.describeEmail('email-1')).rejects.toBeInstanceOf(api.ApiError);
  });

  it('builds the email events URL', () => {
    expect(api.emailEventsUrl('email 1')).toBe('/email/events?workflow_id=email+1');
  });
});
