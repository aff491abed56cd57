// A new chat offers the choice of agent (goal) above the message box and starts with the first
// message; the header names the agent the conversation talks to now.

import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { setUp, stream, useAppTestEnvironment } from './test/app';
import { greeting } from './test/fixtures';

useAppTestEnvironment();

const picker = { id: 'choose-agent', name: 'Agent picker' };
const desk = { id: 'goal_travel_helper', name: 'Travel Desk' };

const option = (name: RegExp) => screen.findByRole('button', { name });

async function write(user: ReturnType<typeof userEvent.setup>, text: string) {
  await user.type(screen.getByTestId('prompt-input'), `${text}{Enter}`);
}

describe('choosing the agent of a new chat', () => {
  it('offers the goals by category, the default recommended and the unavailable ones explained', async () => {
    const { calls } = setUp();
    render(<App />);
    const chooser = await screen.findByTestId('goal-picker');
    const groups = await within(chooser).findAllByRole('group');
    expect(groups.map((g) => g.getAttribute('aria-label'))).toEqual(['Agents', 'Travel flights', 'Travel helpers']);
    expect(within(groups[1]!).getAllByTestId('goal-option').map((b) => b.dataset.goalId)).toEqual([
      'goal_event_flight_invoice',
      'goal_flight_quote',
    ]);

    const recommended = await option(/North America Event Flight Booking/);
    expect(recommended).toHaveTextContent('Recommended');
    expect(recommended).toHaveAttribute('aria-pressed', 'true');
    const unavailable = await option(/Flight Quote/);
    expect(unavailable).toBeDisabled();
    expect(unavailable).toHaveAccessibleDescription(/offline demo model cannot run this agent/);
    expect(await option(/Travel Desk/)).toBeEnabled();

    // Nothing starts, and nothing about a conversation is asked of the server, until the user writes.
    expect(calls.map((c) => c.path).filter((path) => path !== '/conversations').sort()).toEqual(['/goals', '/ui-config']);
    expect(screen.getByTestId('prompt-input')).toBeEnabled();
    expect(screen.queryByTestId('goal-picker-cancel')).toBeNull();
  });

  it('starts the chosen goal with the first message, names the conversation in the URL and shows its agent in the header', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({ 'GET /get-conversation-history': { body: { messages: [greeting], goal: desk } } });
    render(<App />);
    await user.click(await option(/Travel Desk/));
    expect(await option(/Travel Desk/)).toHaveAttribute('aria-pressed', 'true');
    expect(await option(/North America Event Flight Booking/)).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('prompt-input')).toHaveFocus();
    expect(calls.some((c) => c.path === '/start-workflow')).toBe(false);
    await write(user, 'What time is it in Tokyo?');
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    expect(calls.filter((c) => c.path === '/start-workflow').map((c) => c.params.goal)).toEqual(['goal_travel_helper']);
    expect(window.history.length).toBe(1);
    expect(await screen.findByTestId('current-agent')).toHaveTextContent('Travel Desk');
    expect(screen.queryByTestId('goal-picker')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('prompt-input')).toHaveFocus());
  });

  it('follows the agent picker handing the conversation to another agent', async () => {
    setUp({ 'GET /get-conversation-history': { body: { messages: [greeting], goal: picker } } }, '/?c=c1');
    render(<App />);
    expect(await screen.findByTestId('current-agent')).toHaveTextContent('Agent picker');
    act(() => stream().emit('history', { messages: [greeting], goal: desk }));
    expect(screen.getByTestId('current-agent')).toHaveTextContent('Travel Desk');
    expect(screen.getByTestId('current-agent')).toHaveAttribute('data-goal-id', 'goal_travel_helper');
  });

  it('names no agent when the history does not say', async () => {
    setUp({}, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    expect(screen.queryByTestId('current-agent')).toBeNull();
  });

  it('offers the goals over the current chat on "New chat", and goes back to it on request', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({}, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    await user.click(screen.getByTestId('header-new-chat'));
    expect(await screen.findByTestId('goal-picker')).toBeVisible();
    expect(screen.getByTestId('prompt-input')).toHaveFocus();
    expect(screen.getByTestId('header-new-chat')).toBeDisabled();
    expect(screen.getByTestId('end-chat-button')).toBeDisabled();

    await user.click(screen.getByTestId('goal-picker-cancel'));
    expect(screen.queryByTestId('goal-picker')).toBeNull();
    expect(screen.getByTestId('message-agent')).toHaveTextContent('Which city and month?');
    expect(calls.some((c) => c.path === '/start-workflow')).toBe(false);
    expect(window.location.search).toBe('?c=c1');
  });

  it('starts the new chat as a new history entry, and Back returns to the chat before', async () => {
    const user = userEvent.setup();
    setUp({}, '/?c=c1');
    render(<App />);
    await screen.findByTestId('message-agent');
    await user.click(screen.getByTestId('header-new-chat'));
    await user.click(await option(/Agent picker/));
    await write(user, 'Which agents are there?');
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    expect(window.history.length).toBe(2);

    act(() => {
      window.history.back();
    });
    await waitFor(() => expect(window.location.search).toBe('?c=c1'));
    await waitFor(() => expect(stream().url).toBe('/events?workflow_id=c1'));
    expect(screen.queryByTestId('goal-picker')).toBeNull();
  });

  it("says why a chat didn't start, keeps the message, and starts the same conversation when it is sent again", async () => {
    const user = userEvent.setup();
    let refuse = true;
    const { calls } = setUp({
      'POST /start-workflow': (r) =>
        refuse
          ? { status: 503, body: { detail: 'Temporal is unreachable.' } }
          : { body: { message: 'started', workflow_id: r.params.workflow_id } },
    });
    render(<App />);
    await user.click(await option(/Travel Desk/));
    await write(user, 'Convert 10 USD to EUR');
    expect(await screen.findByTestId('error-banner')).toHaveTextContent("Couldn't start a chat: Temporal is unreachable.");
    expect(screen.getByTestId('goal-picker')).toBeVisible();
    await waitFor(() => expect(screen.getByTestId('prompt-input')).toHaveValue('Convert 10 USD to EUR'));
    expect(calls.some((c) => c.path === '/send-prompt')).toBe(false);

    refuse = false;
    await user.click(screen.getByTestId('send-button'));
    await waitFor(() => expect(window.location.search).toMatch(/^\?c=chat-/));
    const starts = calls.filter((c) => c.path === '/start-workflow');
    expect(starts.map((c) => c.params.goal)).toEqual(['goal_travel_helper', 'goal_travel_helper']);
    expect(starts[1]?.params.workflow_id).toBe(starts[0]?.params.workflow_id);
    expect(calls.filter((c) => c.path === '/send-prompt').map((c) => c.params)).toEqual([
      { workflow_id: starts[0]?.params.workflow_id, prompt: 'Convert 10 USD to EUR' },
    ]);
  });

  it('still starts a chat when the goals cannot be listed', async () => {
    const user = userEvent.setup();
    let fail = true;
    const { calls } = setUp({
      'GET /goals': () =>
        fail ? { status: 500, body: { detail: 'Goals are unreadable.' } } : { body: { default_goal: 'g', goals: [{ id: 'g', name: 'Only one' }] } },
    });
    render(<App />);
    expect(await screen.findByTestId('goals-error')).toHaveTextContent('Goals are unreadable.');

    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await option(/Only one/)).toHaveAttribute('aria-pressed', 'true');
    await write(user, 'Hello');
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    expect(calls.filter((c) => c.path === '/start-workflow').map((c) => c.params.goal)).toEqual(['g']);
  });

  it('starts the usual agent when the goals cannot be listed and the user writes anyway', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({ 'GET /goals': { status: 404, body: { detail: 'no such route' } } });
    render(<App />);
    expect(await screen.findByTestId('goals-error')).toHaveTextContent('the usual agent will answer');
    await write(user, 'Hello');
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    const start = calls.find((c) => c.path === '/start-workflow');
    expect(start?.params.goal).toBeUndefined();
    expect(calls).toContainEqual({ method: 'POST', path: '/send-prompt', params: { workflow_id: 'fresh-1', prompt: 'Hello' } });
  });
});
