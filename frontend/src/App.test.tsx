import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { THEME_STORAGE_KEY } from './hooks/useTheme';
import { setUp, stream, useAppTestEnvironment } from './test/app';
import { FakeEventSource } from './test/FakeEventSource';
import { done, greeting, proposal, userAustin } from './test/fixtures';

useAppTestEnvironment();

describe('App', () => {
  it('starts nothing on open; the first message starts a chat with the recommended agent and names it in the URL', async () => {
    const user = userEvent.setup();
    const { calls } = setUp();
    render(<App />);
    const recommended = await screen.findByRole('button', { name: /North America Event Flight Booking/ });
    expect(recommended).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(screen.getByTestId('prompt-input')).toHaveFocus());
    expect(calls.some((c) => ['/start-workflow', '/send-prompt', '/get-conversation-history'].includes(c.path))).toBe(false);
    expect(FakeEventSource.instances).toHaveLength(0);

    await user.type(screen.getByTestId('prompt-input'), "I'd like to go to Austin in December{Enter}");
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    const starts = calls.filter((c) => c.path === '/start-workflow');
    expect(starts).toHaveLength(1);
    expect(starts[0]?.params.workflow_id).toMatch(/^chat-[0-9a-f]{32}$/);
    expect(starts[0]?.params.goal).toBe('goal_event_flight_invoice');
    const sends = calls.filter((c) => c.path === '/send-prompt');
    expect(sends).toEqual([{ method: 'POST', path: '/send-prompt', params: { workflow_id: 'fresh-1', prompt: "I'd like to go to Austin in December" } }]);
    expect(calls.findIndex((c) => c.path === '/start-workflow')).toBeLessThan(calls.findIndex((c) => c.path === '/send-prompt'));

    await waitFor(() => expect(screen.getByTestId('message-agent')).toHaveTextContent('Which city and month?'));
    expect(screen.getByTestId('message-queued')).toHaveTextContent("I'd like to go to Austin in December");
    expect(screen.getByTestId('agent-thinking')).toBeVisible();
    expect(calls).toContainEqual({ method: 'GET', path: '/get-conversation-history', params: { workflow_id: 'fresh-1' } });
    expect(stream().url).toBe('/events?workflow_id=fresh-1');
    expect(window.history.length).toBe(1);
    act(() => stream().emit('history', { messages: [greeting, userAustin] }));
    expect(screen.queryByTestId('message-queued')).toBeNull();
    expect(screen.getByTestId('message-user')).toHaveTextContent("I'd like to go to Austin in December");
  });

  it('offers a new chat for an id no conversation has, and starts nothing under that id', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({ 'GET /get-conversation-history': { body: [] } }, '/?c=typed-id');
    render(<App />);
    await waitFor(() => stream());
    act(() => stream().emit('status', { state: 'not_found', detail: 'No conversation typed-id.' }));
    const missing = await screen.findByTestId('chat-missing');
    expect(missing).toHaveTextContent('There is no chat with this id.');
    expect(missing).toHaveAttribute('data-reason', 'missing');
    expect(screen.queryByTestId('agent-thinking')).toBeNull();
    expect(screen.getByTestId('prompt-input')).toBeDisabled();
    await user.click(screen.getByTestId('missing-new-chat'));
    expect(await screen.findByRole('button', { name: /North America Event Flight Booking/ })).toBeVisible();
    await user.type(screen.getByTestId('prompt-input'), 'Hello{Enter}');
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    expect(calls.some((c) => c.path === '/send-prompt' && c.params.workflow_id === 'typed-id')).toBe(false);
  });

  it('says once that a malformed id names no chat, asks the server nothing about it, and offers a new chat', async () => {
    const { calls } = setUp({}, '/?c=not%20an%20id!');
    render(<App />);
    const missing = await screen.findByTestId('chat-missing');
    expect(missing).toHaveAttribute('data-reason', 'malformed');
    expect(missing).toHaveTextContent('its chat id is not valid');
    expect(screen.getByTestId('missing-new-chat')).toBeEnabled();
    expect(screen.queryByText(/Can't reach the server/)).toBeNull();
    expect(screen.queryByText(/Opening your conversation/)).toBeNull();
    expect(calls.some((c) => c.path === '/get-conversation-history')).toBe(false);
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(document.title).toBe('Trip planner');
  });

  it('resumes the conversation named in ?c= without starting another', async () => {
    const { calls } = setUp({}, '/?c=trip-7');
    render(<App />);
    await screen.findByTestId('message-agent');
    expect(calls.some((c) => c.path === '/start-workflow')).toBe(false);
    expect(calls).toContainEqual({ method: 'GET', path: '/get-conversation-history', params: { workflow_id: 'trip-7' } });
    expect(stream().url).toBe('/events?workflow_id=trip-7');
    expect(screen.getByTestId('prompt-input')).toHaveFocus();
  });

  it('labels the demo model and links the workflow in the Temporal UI', async () => {
    setUp({}, '/?c=trip-7');
    render(<App />);
    expect(await screen.findByTestId('demo-label')).toHaveTextContent('Demo model');
    expect(screen.getByRole('tooltip', { hidden: true })).toHaveTextContent('LLM_MODEL');
    expect(screen.getByTestId('temporal-link')).toHaveAttribute('href', 'http://localhost:8233/namespaces/default/workflows/trip-7');
  });

  it('shows the agent working from send until the next agent message', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({}, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    act(() => stream().emit('history', { messages: [greeting] }));
    expect(screen.queryByTestId('agent-thinking')).toBeNull();

    await user.type(screen.getByTestId('prompt-input'), "I'd like to go to Austin in December{Enter}");
    expect(await screen.findByTestId('agent-thinking')).toBeVisible();
    expect(calls).toContainEqual({
      method: 'POST',
      path: '/send-prompt',
      params: { prompt: "I'd like to go to Austin in December", workflow_id: 'c1' },
    });

    expect(screen.getByTestId('message-queued')).toHaveTextContent("I'd like to go to Austin in December");
    act(() => stream().emit('history', { messages: [greeting, userAustin] }));
    expect(screen.queryByTestId('message-queued')).toBeNull();
    expect(screen.getByTestId('agent-thinking')).toBeVisible();
    act(() => stream().emit('history', { messages: [greeting, userAustin, proposal(true)] }));
    expect(screen.queryByTestId('agent-thinking')).toBeNull();

    await user.click(screen.getByTestId('confirm-button'));
    expect(calls).toContainEqual({ method: 'POST', path: '/confirm', params: { workflow_id: 'c1', proposal: 'p-1' } });
    expect(screen.getByTestId('agent-thinking')).toBeVisible();
    await waitFor(() => expect(screen.getByTestId('prompt-input')).toHaveFocus());
  });

  it('keeps the worker banner up while the worker is down, and clears it when it is back', async () => {
    setUp({}, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    vi.useFakeTimers();
    act(() => stream().emit('status', { state: 'worker_unavailable', detail: 'no poller' }));
    expect(screen.getByTestId('error-banner')).toHaveTextContent('retrying');
    act(() => vi.advanceTimersByTime(30000));
    expect(screen.getByTestId('error-banner')).toHaveTextContent("worker isn't running");
    act(() => stream().emit('status', { state: 'running', detail: '' }));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('shows a failed send for a few seconds, then clears it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    setUp({ 'POST /send-prompt': { status: 413, body: { detail: 'The prompt is too long.' } } }, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    fireEvent.change(screen.getByTestId('prompt-input'), { target: { value: 'hello' } });
    fireEvent.keyDown(screen.getByTestId('prompt-input'), { key: 'Enter' });
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('The prompt is too long.');
    expect(screen.getByTestId('prompt-input')).toHaveValue('hello');
    await act(async () => {}); // let the banner's timer start
    act(() => vi.advanceTimersByTime(3000));
    expect(screen.getByTestId('error-banner')).toBeVisible();
    act(() => vi.advanceTimersByTime(4000));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('ends the chat when the agent is done and starts a new one with the agent chosen', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({}, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    act(() => stream().emit('history', { messages: [greeting, done] }));
    expect(screen.getByTestId('chat-ended')).toHaveTextContent('Chat ended');
    expect(screen.getByTestId('prompt-input')).toBeDisabled();
    expect(screen.getByTestId('end-chat-button')).toBeDisabled();

    await user.click(screen.getByTestId('new-chat-button'));
    await user.click(await screen.findByRole('button', { name: /Travel Desk/ }));
    expect(calls.some((c) => c.path === '/start-workflow')).toBe(false);
    expect(screen.getByTestId('prompt-input')).toBeEnabled();
    await waitFor(() => expect(screen.getByTestId('prompt-input')).toHaveFocus());
    await user.keyboard('What time is it in Tokyo?{Enter}');
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    const starts = calls.filter((c) => c.path === '/start-workflow');
    expect(starts).toHaveLength(1);
    expect(starts[0]?.params.workflow_id).toMatch(/^chat-[0-9a-f]{32}$/);
    expect(starts[0]?.params.goal).toBe('goal_travel_helper');
    await waitFor(() => expect(stream().url).toBe('/events?workflow_id=fresh-1'));
    act(() => stream().emit('history', { messages: [greeting] }));
    expect(screen.queryByTestId('chat-ended')).toBeNull();
    expect(screen.getByTestId('prompt-input')).toHaveFocus();
  });

  it('ends the chat from the header', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({}, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    await user.click(screen.getByTestId('end-chat-button'));
    expect(calls).toContainEqual({ method: 'POST', path: '/end-chat', params: { workflow_id: 'c1' } });
    expect(await screen.findByTestId('chat-ended')).toBeVisible();
  });

  it('shows a chat that completed on the server as ended', async () => {
    setUp({}, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    act(() => stream().emit('status', { state: 'completed', detail: '' }));
    expect(screen.getByTestId('chat-ended')).toBeVisible();
  });

  it('toggles dark mode and remembers the choice', async () => {
    const user = userEvent.setup();
    setUp({}, '/?c=c1');
    const { unmount } = render(<App />);
    expect(document.documentElement).not.toHaveClass('dark');
    await user.click(await screen.findByTestId('theme-toggle'));
    expect(document.documentElement).toHaveClass('dark');
    expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    unmount();
    render(<App />);
    expect(document.documentElement).toHaveClass('dark');
    await user.click(await screen.findByTestId('theme-toggle'));
    expect(document.documentElement).not.toHaveClass('dark');
    expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
  });

  it('follows the system dark preference when nothing is stored', () => {
    setUp({}, '/?c=c1');
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query === '(prefers-color-scheme: dark)',
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    }));
    render(<App />);
    expect(document.documentElement).toHaveClass('dark');
  });
});
