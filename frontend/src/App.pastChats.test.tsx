// The list of past conversations beside the chat (a drawer on phones): newest first, paged,
// reopening one in place, and refreshed when a chat gets its first message or ends.

import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { LIST_CATCH_UP_MS } from './hooks/usePastChats';
import type { Recorded } from './test/fakeFetch';
import { setUp, stream, useAppTestEnvironment } from './test/app';
import { done, greeting, userAustin } from './test/fixtures';

useAppTestEnvironment();

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

function pastChat(id: string, title: string | null, status: string, updatedMinutesAgo: number) {
  return {
    workflow_id: id,
    title,
    status,
    goal: { id: 'goal_event_flight_invoice', name: 'North America Event Flight Booking' },
    started_at: minutesAgo(updatedMinutesAgo + 10),
    updated_at: minutesAgo(updatedMinutesAgo),
    tokens: 1200,
    cost_usd: 0.002,
  };
}

const firstPage = {
  conversations: [pastChat('chat-b', 'Denver in March', 'running', 5), pastChat('chat-a', null, 'completed', 120)],
  next_page_token: 'tok-2',
};
const secondPage = { conversations: [pastChat('chat-0', 'Austin in December', 'failed', 3 * 24 * 60)], next_page_token: null };

const pages = (r: Recorded) => ({ body: r.params.page_token === 'tok-2' ? secondPage : firstPage });
const listCalls = (calls: Recorded[]) => calls.filter((c) => c.path === '/conversations');

describe('past chats', () => {
  it('lists the past conversations newest first, with title, agent, time and status', async () => {
    const { calls } = setUp({ 'GET /conversations': pages }, '/?c=chat-b');
    render(<App />);
    const list = await screen.findByRole('navigation', { name: 'Past chats' });
    await waitFor(() => expect(within(list).getAllByTestId('past-chat')).toHaveLength(2));
    const [b, a] = within(list).getAllByTestId('past-chat');
    expect(b).toHaveTextContent('Denver in March');
    expect(b).toHaveTextContent('North America Event Flight Booking');
    expect(b).toHaveTextContent('5 min ago');
    expect(b).toHaveTextContent('Active');
    expect(b).toHaveAttribute('aria-current', 'page');
    expect(b).toHaveAttribute('href', '/?c=chat-b');
    expect(a).toHaveTextContent('New chat');
    expect(a).toHaveTextContent('2 h ago');
    expect(a).toHaveTextContent('Finished');
    expect(a).not.toHaveAttribute('aria-current');
    expect(listCalls(calls)[0]?.params).toEqual({ page_size: '20' });
  });

  it('loads older conversations on "Load more" until there are none', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({ 'GET /conversations': pages });
    render(<App />);
    await user.click(await screen.findByTestId('past-chats-more'));
    await waitFor(() => expect(screen.getAllByTestId('past-chat')).toHaveLength(3));
    expect(screen.getAllByTestId('past-chat').map((a) => a.dataset.workflowId)).toEqual(['chat-b', 'chat-a', 'chat-0']);
    expect(screen.getAllByTestId('past-chat')[2]).toHaveTextContent('3 days ago');
    expect(screen.getAllByTestId('past-chat')[2]).toHaveTextContent('Failed');
    expect(screen.queryByTestId('past-chats-more')).toBeNull();
    expect(listCalls(calls).map((c) => c.params)).toEqual([{ page_size: '20' }, { page_size: '20', page_token: 'tok-2' }]);
  });

  it('reopens a conversation in place, starting nothing', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({
      'GET /conversations': pages,
      'GET /get-conversation-history': (r) => ({
        body: { messages: r.params.workflow_id === 'chat-a' ? [greeting, { actor: 'user', response: 'Chat A speaking' }] : [greeting] },
      }),
    });
    render(<App />);
    await user.click(await screen.findByRole('link', { name: /New chat/ }));
    await waitFor(() => expect(window.location.search).toBe('?c=chat-a'));
    expect(await screen.findByTestId('message-user')).toHaveTextContent('Chat A speaking');
    expect(stream().url).toBe('/events?workflow_id=chat-a');
    expect(screen.queryByTestId('goal-picker')).toBeNull();
    expect(screen.getByRole('link', { name: /New chat/ })).toHaveAttribute('aria-current', 'page');
    expect(calls.some((c) => c.path === '/start-workflow' || c.path === '/send-prompt')).toBe(false);

    await user.click(screen.getByRole('link', { name: /Denver in March/ }));
    await waitFor(() => expect(window.location.search).toBe('?c=chat-b'));
    await waitFor(() => expect(stream().url).toBe('/events?workflow_id=chat-b'));
    expect(window.history.length).toBe(2);
  });

  it('reopens a conversation from the list shown over it after "New chat"', async () => {
    const user = userEvent.setup();
    setUp({ 'GET /conversations': pages }, '/?c=chat-b');
    render(<App />);
    await screen.findByTestId('message-agent');
    await user.click(screen.getByTestId('header-new-chat'));
    expect(await screen.findByTestId('goal-picker')).toBeVisible();
    await user.click(await screen.findByRole('link', { name: /Denver in March/ }));
    expect(screen.queryByTestId('goal-picker')).toBeNull();
    expect(window.location.search).toBe('?c=chat-b');
  });

  it('says when the list cannot be loaded, and tries again', async () => {
    const user = userEvent.setup();
    let fail = true;
    setUp({ 'GET /conversations': () => (fail ? { status: 503, body: { detail: 'Temporal is unreachable.' } } : { body: firstPage }) });
    render(<App />);
    const list = await screen.findByRole('navigation', { name: 'Past chats' });
    expect(await within(list).findByRole('alert')).toHaveTextContent("Couldn't load your chats: Temporal is unreachable.");
    fail = false;
    await user.click(within(list).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(within(list).getAllByTestId('past-chat')).toHaveLength(2));
  });

  it('is asked again when a chat starts with its first message, when that message lands, and when the chat ends', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({ 'GET /get-conversation-history': { body: { messages: [greeting] } } });
    render(<App />);
    await waitFor(() => expect(listCalls(calls)).toHaveLength(1));
    const askedAgain = async (before: number) => waitFor(() => expect(listCalls(calls).length).toBeGreaterThan(before));

    let before = listCalls(calls).length;
    await user.type(screen.getByTestId('prompt-input'), "I'd like to go to Austin in December{Enter}");
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    await askedAgain(before);
    await screen.findByTestId('message-agent');

    before = listCalls(calls).length;
    act(() => stream().emit('history', { messages: [greeting, userAustin] }));
    await askedAgain(before);
    before = listCalls(calls).length;
    act(() => stream().emit('history', { messages: [greeting, userAustin, done] }));
    await askedAgain(before);
    expect(screen.getByTestId('chat-ended')).toBeVisible();
  });

  it('asks once more a moment after a change, when Temporal has caught up with it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { calls } = setUp({ 'GET /get-conversation-history': { body: { messages: [greeting] } } }, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    expect(listCalls(calls)).toHaveLength(1);
    act(() => stream().emit('history', { messages: [greeting, userAustin] }));
    await waitFor(() => expect(listCalls(calls)).toHaveLength(2));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(LIST_CATCH_UP_MS);
    });
    await waitFor(() => expect(listCalls(calls)).toHaveLength(3));
  });

  it('is not asked again just because a conversation was opened', async () => {
    const { calls } = setUp({ 'GET /get-conversation-history': { body: { messages: [greeting, userAustin, done] } } }, '/?c=c1');
    render(<App />);
    await screen.findByTestId('chat-ended');
    act(() => stream().emit('history', { messages: [greeting, userAustin, done] }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listCalls(calls)).toHaveLength(1);
  });
});

describe('past chats on a phone', () => {
  it('opens as a drawer from a labelled button, and closes once a chat is chosen', async () => {
    const user = userEvent.setup();
    setUp({ 'GET /conversations': pages }, '/?c=chat-b');
    render(<App />);
    const toggle = await screen.findByRole('button', { name: 'Past chats' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveAttribute('aria-controls', screen.getByTestId('sidebar').id);
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByTestId('sidebar')).toHaveAttribute('data-open', 'true');
    expect(screen.getByRole('button', { name: 'Close past chats' })).toHaveFocus();

    await user.keyboard('{Escape}');
    expect(screen.getByTestId('sidebar')).not.toHaveAttribute('data-open');

    await user.click(toggle);
    await user.click(await screen.findByRole('link', { name: /New chat/ }));
    expect(screen.getByTestId('sidebar')).not.toHaveAttribute('data-open');
    expect(window.location.search).toBe('?c=chat-a');
  });

  it('closes when the backdrop is tapped', async () => {
    const user = userEvent.setup();
    setUp();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Past chats' }));
    await user.click(screen.getByTestId('sidebar-backdrop'));
    expect(screen.getByTestId('sidebar')).not.toHaveAttribute('data-open');
  });
});
