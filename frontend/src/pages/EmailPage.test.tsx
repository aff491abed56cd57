import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { DRAFT_SAVE_MS } from '../hooks/useDraftAutosave';
import { emailView, scheduledView } from '../test/emailFixtures';
import { installFetch, type Reply } from '../test/fakeFetch';
import { FakeEventSource } from '../test/FakeEventSource';
import { greeting } from '../test/fixtures';

const uiConfig = {
  temporal_ui_url: 'http://localhost:8233',
  namespace: 'default',
  task_queue: 'agent-task-queue',
  model: 'demo/trip-agent',
  demo_model: true,
  default_workflow_id: 'agent-workflow',
};

function setUp(routes: Record<string, Reply> = {}, path = '/?view=email&e=email-1') {
  window.history.replaceState(null, '', path);
  return installFetch({
    'GET /ui-config': { body: uiConfig },
    'POST /email/start': { body: emailView({ workflow_id: 'email-new' }) },
    'GET /email/describe': (r) => ({ body: emailView({ workflow_id: r.params.workflow_id }) }),
    'POST /email/request': { body: emailView({ status: 'processing' }) },
    'POST /email/save-draft': (r) => ({ body: { saved: true, bytes: String((r.body as { text: string }).text).length } }),
    'POST /email/cancel': { body: scheduledView(2_000_000_000) },
    'POST /start-workflow': { body: { message: 'started', workflow_id: 'chat-new' } },
    'GET /get-conversation-history': { body: { messages: [greeting] } },
    ...routes,
  });
}

const stream = () => FakeEventSource.latest();
const input = () => screen.getByTestId('email-request-input');

beforeEach(() => {
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  window.localStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('Email page', () => {
  it("starts an email in the browser's time zone and names it in the URL, keeping the chat's", async () => {
    const { calls } = setUp({}, '/?c=trip-7&view=email');
    render(<App />);
    await waitFor(() => expect(window.location.search).toBe('?c=trip-7&view=email&e=email-new'));
    expect(calls.filter((c) => c.path === '/email/start')).toEqual([
      { method: 'POST', path: '/email/start', params: {}, body: { time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone } },
    ]);
    expect(calls.some((c) => c.path === '/start-workflow')).toBe(false);
    await waitFor(() => expect(stream().url).toBe('/email/events?workflow_id=email-new'));
    expect(await screen.findByTestId('email-status')).toHaveTextContent('Waiting for you');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Email assistant');
    expect(screen.getByTestId('temporal-link')).toHaveAttribute('href', 'http://localhost:8233/namespaces/default/workflows/email-new');
    expect(window.history.length).toBe(1);
  });

  it('restores the saved draft into the request box after a reload', async () => {
    const { calls } = setUp({ 'GET /email/describe': { body: emailView({ draft: 'Write to bo@example.com about' }) } });
    render(<App />);
    await waitFor(() => expect(input()).toHaveValue('Write to bo@example.com about'));
    expect(calls.some((c) => c.path === '/email/start')).toBe(false);
    expect(screen.getByTestId('draft-status')).toHaveTextContent('Draft saved');
    // A later view (the same draft, or the workflow clearing it) leaves what is typed alone.
    fireEvent.change(input(), { target: { value: 'Write to bo@example.com about the budget' } });
    act(() => stream().emit('email', emailView({ draft: '' })));
    expect(input()).toHaveValue('Write to bo@example.com about the budget');
  });

  it('saves the draft every 5 s while it changes, and when the box loses focus', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { calls } = setUp();
    render(<App />);
    await waitFor(() => expect(input()).toBeEnabled());
    const saves = () => calls.filter((c) => c.path === '/email/save-draft').map((c) => [c.params.workflow_id, c.body]);

    fireEvent.change(input(), { target: { value: 'Write to ana@' } });
    expect(screen.getByTestId('draft-status')).toHaveTextContent('Unsaved changes');
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_SAVE_MS - 100));
    expect(saves()).toEqual([]);
    fireEvent.change(input(), { target: { value: 'Write to ana@example.com' } });
    await act(() => vi.advanceTimersByTimeAsync(100));
    expect(saves()).toEqual([['email-1', { text: 'Write to ana@example.com' }]]);
    await waitFor(() => expect(screen.getByTestId('draft-status')).toHaveTextContent('Draft saved'));

    fireEvent.change(input(), { target: { value: 'Write to ana@example.com about lunch' } });
    fireEvent.blur(input());
    await waitFor(() => expect(saves()).toHaveLength(2));
    expect(saves()[1]).toEqual(['email-1', { text: 'Write to ana@example.com about lunch' }]);
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(saves()).toHaveLength(2);
  });

  it("sends a request, follows the email over SSE, and counts down once it's scheduled", async () => {
    const user = userEvent.setup();
    const { calls } = setUp();
    render(<App />);
    await waitFor(() => expect(input()).toBeEnabled());
    await user.type(input(), 'Write to ana@example.com saying lunch on Friday and send it in 90 seconds{Enter}');
    expect(calls).toContainEqual({
      method: 'POST',
      path: '/email/request',
      params: { workflow_id: 'email-1' },
      body: { text: 'Write to ana@example.com saying lunch on Friday and send it in 90 seconds' },
    });
    expect(input()).toHaveValue('');
    expect(await screen.findByTestId('email-working')).toBeVisible();
    expect(screen.getByTestId('email-status')).toHaveAttribute('data-status', 'processing');
    expect(screen.getByTestId('email-send-button')).toBeDisabled();

    act(() => stream().emit('email', scheduledView(Math.floor(Date.now() / 1000) + 90)));
    expect(screen.getByTestId('email-status')).toHaveTextContent('Scheduled');
    expect(screen.getByTestId('email-countdown')).toHaveTextContent(/Sends in 1 min (29|30) s/);
    expect(screen.getByTestId('email-reply')).toHaveTextContent('I wrote a draft.');
    expect(screen.getAllByTestId('email-message-user')).toHaveLength(1);
    expect(screen.getByTestId('email-recipient')).toHaveTextContent('ana@example.com');
  });

  it('shows why a request was refused (409) and keeps its text', async () => {
    const user = userEvent.setup();
    setUp({ 'POST /email/request': { status: 409, body: { detail: 'This email has already been sent.' } } });
    render(<App />);
    await waitFor(() => expect(input()).toBeEnabled());
    await user.type(input(), 'make it shorter{Enter}');
    expect(await screen.findByTestId('error-banner')).toHaveTextContent("Your request wasn't sent: This email has already been sent.");
    expect(input()).toHaveValue('make it shorter');
  });

  it('cancels a scheduled email and then takes no more requests', async () => {
    const user = userEvent.setup();
    const at = Math.floor(Date.now() / 1000) + 600;
    const { calls } = setUp({
      'GET /email/describe': (r) => ({
        body: r.params.workflow_id === 'email-1' ? scheduledView(at) : emailView({ workflow_id: r.params.workflow_id }),
      }),
    });
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Cancel email' }));
    expect(calls).toContainEqual({ method: 'POST', path: '/email/cancel', params: { workflow_id: 'email-1' } });
    act(() => stream().emit('email', scheduledView(at, { status: 'canceled', reply: 'Canceled. Nothing was sent.' })));
    act(() => stream().emit('status', { state: 'finished' }));
    expect(screen.getByTestId('email-status')).toHaveAttribute('data-status', 'canceled');
    expect(screen.queryByTestId('email-cancel')).toBeNull();
    expect(screen.queryByTestId('email-countdown')).toBeNull();
    expect(input()).toBeDisabled();
    expect(screen.getByText(/was canceled\. Start a new one/)).toBeVisible();

    await user.click(screen.getByTestId('new-email-cta'));
    await waitFor(() => expect(window.location.search).toBe('?view=email&e=email-new'));
    await waitFor(() => expect(screen.getByTestId('email-status')).toHaveAttribute('data-status', 'waiting'));
    expect(input()).toBeEnabled();
    expect(input()).toHaveValue('');
  });

  it("shows a cancel that came too late as the server's reason", async () => {
    const user = userEvent.setup();
    setUp({
      'GET /email/describe': { body: scheduledView(Math.floor(Date.now() / 1000) + 600) },
      'POST /email/cancel': { status: 409, body: { detail: 'Too late: the email is being sent right now.' } },
    });
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Cancel email' }));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent("Couldn't cancel the email: Too late");
  });

  it('shows why an email failed once, in the card', async () => {
    const failure = 'No way to send email: SMTP_FROM is not set';
    setUp({
      'GET /email/describe': {
        body: emailView({ status: 'failed', failure, reply: failure, messages: { messages: [{ actor: 'agent', response: failure }] } }),
      },
    });
    render(<App />);
    expect(await screen.findByTestId('email-failure')).toHaveTextContent(`Not sent: ${failure}`);
    expect(screen.queryByTestId('email-reply')).toBeNull();
    expect(input()).toBeDisabled();
    expect(screen.getByTestId('new-email-cta')).toBeVisible();
  });

  it('keeps a banner up while the worker is down', async () => {
    setUp();
    render(<App />);
    await screen.findByTestId('email-status');
    act(() => stream().emit('status', { state: 'worker_unavailable', detail: 'no poller' }));
    expect(screen.getByTestId('error-banner')).toHaveTextContent("worker isn't running");
    act(() => stream().emit('email', emailView()));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('says so when the email cannot be found, and offers a new one', async () => {
    const user = userEvent.setup();
    setUp({ 'GET /email/describe': { status: 404, body: { detail: 'No email email-1.' } } });
    render(<App />);
    expect(await screen.findByTestId('error-banner')).toHaveTextContent("Can't load this email (No email email-1.)");
    act(() => stream().emit('status', { state: 'not_found', detail: 'There is no email email-1 yet.' }));
    expect(screen.getByTestId('error-banner')).toHaveTextContent('There is no email with this id.');
    await user.click(within(screen.getByTestId('error-banner')).getByRole('button', { name: 'New email' }));
    await waitFor(() => expect(window.location.search).toBe('?view=email&e=email-new'));
  });
});

describe('page navigation', () => {
  it('switches between the trip chat and the email page, each keeping its workflow', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({}, '/?c=trip-7');
    render(<App />);
    await screen.findByTestId('message-agent');
    expect(screen.getByTestId('nav-chat')).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('nav-email')).toHaveAttribute('href', '/?c=trip-7&view=email');
    expect(calls.some((c) => c.path.startsWith('/email'))).toBe(false);

    await user.click(screen.getByTestId('nav-email'));
    await waitFor(() => expect(window.location.search).toBe('?c=trip-7&view=email&e=email-new'));
    expect(screen.getByTestId('nav-email')).toHaveAttribute('aria-current', 'page');
    await screen.findByTestId('email-status');

    await user.click(screen.getByTestId('nav-chat'));
    expect(window.location.search).toBe('?c=trip-7&e=email-new');
    await screen.findByTestId('message-agent');
    expect(calls.filter((c) => c.path === '/start-workflow')).toHaveLength(0);

    act(() => window.history.back());
    await waitFor(() => expect(screen.getByTestId('nav-email')).toHaveAttribute('aria-current', 'page'));
    expect(calls.filter((c) => c.path === '/email/start')).toHaveLength(1);
  });
});

describe('Email page polish', () => {
  it('shows the assistant’s reply once, as the newest message of the thread', async () => {
    setUp({ 'GET /email/describe': { body: scheduledView(2_000_000_000) } });
    render(<App />);
    const reply = await screen.findByTestId('email-reply');
    expect(reply).toHaveTextContent('I wrote a draft.');
    expect(screen.getAllByText('I wrote a draft.')).toHaveLength(1);
    expect(within(screen.getByTestId('email-thread')).getAllByRole('listitem').at(-1)).toBe(reply);
  });

  it('offers no Cancel on an email with nothing in it yet', async () => {
    setUp();
    render(<App />);
    await screen.findByTestId('email-status');
    expect(screen.queryByTestId('email-cancel')).toBeNull();
  });

  it('names the tab by the subject, never by the id', async () => {
    setUp({ 'GET /email/describe': { body: scheduledView(2_000_000_000) } });
    render(<App />);
    await screen.findByTestId('email-reply');
    await waitFor(() => expect(document.title).toBe('Lunch on Friday · Email assistant'));
  });

  it('finds what was typed after a reload even before the server saved it, and saves it then', async () => {
    const user = userEvent.setup();
    setUp();
    const first = render(<App />);
    await waitFor(() => expect(input()).toBeEnabled());
    await user.type(input(), 'Write to bo');
    expect(window.localStorage.getItem('draft:email:email-1')).toBe('Write to bo');
    first.unmount();
    FakeEventSource.reset();
    // The server never got it: its draft is still empty.
    const { calls } = setUp();
    render(<App />);
    await waitFor(() => expect(input()).toHaveValue('Write to bo'));
    fireEvent.blur(input());
    await waitFor(() => expect(calls.filter((c) => c.path === '/email/save-draft').map((c) => [c.params.workflow_id, c.body])).toContainEqual(['email-1', { text: 'Write to bo' }]));
  });

  it('puts "Write a new email" beside the request box once the email is finished', async () => {
    setUp({ 'GET /email/describe': { body: scheduledView(2_000_000_000, { status: 'canceled' }) } });
    render(<App />);
    const cta = await screen.findByTestId('new-email-cta');
    expect(cta.closest('main > div:last-child')).not.toBeNull();
  });
});
