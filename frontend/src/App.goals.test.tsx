// A new chat starts with the choice of agent (goal); the header names the agent the
// conversation talks to now.

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

describe('choosing the agent of a new chat', () => {
  it('offers the goals by category, the default recommended and the unavailable ones explained', async () => {
    const { calls } = setUp();
    render(<App />);
    const chooser = await screen.findByTestId('goal-picker');
    const groups = within(chooser).getAllByRole('group');
    expect(groups.map((g) => g.getAttribute('aria-label'))).toEqual(['Agents', 'Travel flights', 'Travel helpers']);
    expect(within(groups[1]!).getAllByTestId('goal-option').map((b) => b.dataset.goalId)).toEqual([
      'goal_event_flight_invoice',
      'goal_flight_quote',
    ]);

    const recommended = await option(/North America Event Flight Booking/);
    expect(recommended).toHaveTextContent('Recommended');
    expect(recommended).toHaveFocus();
    const unavailable = await option(/Flight Quote/);
    expect(unavailable).toBeDisabled();
    expect(unavailable).toHaveAccessibleDescription(/offline demo model cannot run this agent/);
    expect(await option(/Travel Desk/)).toBeEnabled();

    // Nothing starts, and nothing else is asked of the server, until the user chooses.
    expect(calls.map((c) => c.path).sort()).toEqual(['/goals', '/ui-config']);
    expect(screen.queryByTestId('prompt-input')).toBeNull();
    expect(screen.queryByTestId('goal-picker-cancel')).toBeNull();
  });

  it('starts the chosen goal, names the conversation in the URL and shows its agent in the header', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({ 'GET /get-conversation-history': { body: { messages: [greeting], goal: desk } } });
    render(<App />);
    await user.click(await option(/Travel Desk/));
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
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    expect(window.history.length).toBe(2);

    act(() => {
      window.history.back();
    });
    await waitFor(() => expect(window.location.search).toBe('?c=c1'));
    await waitFor(() => expect(stream().url).toBe('/events?workflow_id=c1'));
    expect(screen.queryByTestId('goal-picker')).toBeNull();
  });

  it("says why a chat didn't start, and tries the same goal again", async () => {
    const user = userEvent.setup();
    let refuse = true;
    const { calls } = setUp({
      'POST /start-workflow': () =>
        refuse ? { status: 503, body: { detail: 'Temporal is unreachable.' } } : { body: { message: 'started', workflow_id: 'fresh-2' } },
    });
    render(<App />);
    await user.click(await option(/Travel Desk/));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent("Couldn't start a chat: Temporal is unreachable.");
    expect(screen.getByTestId('goal-picker')).toBeVisible();

    refuse = false;
    await user.click(within(screen.getByTestId('error-banner')).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-2'));
    expect(calls.filter((c) => c.path === '/start-workflow').map((c) => c.params.goal)).toEqual(['goal_travel_helper', 'goal_travel_helper']);
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
    expect(await option(/Only one/)).toBeEnabled();
    await user.click(await option(/Only one/));
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    expect(calls.filter((c) => c.path === '/start-workflow').map((c) => c.params.goal)).toEqual(['g']);
  });

  it('starts the usual agent when the goals cannot be listed and the user does not wait', async () => {
    const user = userEvent.setup();
    const { calls } = setUp({ 'GET /goals': { status: 404, body: { detail: 'no such route' } } });
    render(<App />);
    await user.click(await screen.findByTestId('start-default-goal'));
    await waitFor(() => expect(window.location.search).toBe('?c=fresh-1'));
    const start = calls.find((c) => c.path === '/start-workflow');
    expect(start?.params.goal).toBeUndefined();
  });
});
