import { afterEach, describe, expect, it, vi } from 'vitest';
import * as api from './api';
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

  it('confirms and ends the named conversation', async () => {
    const { calls } = installFetch({ 'POST /confirm': { body: { message: 'ok' } }, 'POST /end-chat': { body: { message: 'ok' } } });
    await api.confirm('c1');
    await api.endChat('c1');
    expect(calls.map((c) => `${c.path}?${c.params.workflow_id}`)).toEqual(['/confirm?c1', '/end-chat?c1']);
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
    });
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
