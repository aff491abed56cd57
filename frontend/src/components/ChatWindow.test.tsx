import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { pendingTool } from '../conversation';
import { confirmedFindEvents, declinedFindEvents, done, eventsResult, greeting, proposal, twoCalls, userAustin } from '../test/fixtures';
import type { Message } from '../types';
import { ChatWindow, type ChatWindowProps } from './ChatWindow';

function renderChat(messages: Message[], overrides: Partial<ChatWindowProps> = {}) {
  const props: ChatWindowProps = {
    messages,
    loading: false,
    working: false,
    pending: pendingTool(messages),
    ended: false,
    starting: false,
    onConfirm: vi.fn(async () => undefined),
    onDecline: vi.fn(async () => undefined),
    onNewChat: vi.fn(),
    ...overrides,
  };
  return { ...render(<ChatWindow {...props} />), props };
}

describe('ChatWindow', () => {
  it('shows user and agent bubbles in an aria-live list', () => {
    renderChat([greeting, userAustin]);
    expect(screen.getByTestId('message-list')).toHaveAttribute('aria-live', 'polite');
    expect(screen.getByTestId('message-agent')).toHaveTextContent('Hi! Which city and month?');
    expect(screen.getByTestId('message-user')).toHaveTextContent("I'd like to go to Austin in December");
  });

  it('offers Confirm for a pending tool and calls confirm once', async () => {
    const user = userEvent.setup();
    const { props } = renderChat([greeting, userAustin, proposal(true)]);
    expect(screen.getByTestId('confirm-card')).toHaveTextContent('FindEvents');
    expect(screen.getByTestId('confirm-card')).toHaveTextContent('City: Austin');
    await user.click(screen.getByTestId('confirm-button'));
    expect(props.onConfirm).toHaveBeenCalledTimes(1);
    expect(props.onConfirm).toHaveBeenCalledWith('p-1', undefined);
  });

  it('names the proposal in an edit and a decline', async () => {
    const user = userEvent.setup();
    const { props } = renderChat([greeting, userAustin, proposal(true, 'FindEvents', { city: 'Austin', month: 'December' }, 'p-7')]);
    await user.click(screen.getByTestId('edit-button'));
    await user.clear(screen.getByLabelText('City'));
    await user.type(screen.getByLabelText('City'), 'Denver{Enter}');
    expect(props.onConfirm).toHaveBeenCalledWith('p-7', { city: 'Denver', month: 'December' });
  });

  it('declines the proposal shown, with the reason', async () => {
    const user = userEvent.setup();
    const { props } = renderChat([greeting, userAustin, proposal(true)]);
    await user.click(screen.getByTestId('decline-button'));
    await user.type(screen.getByTestId('decline-reason'), 'Not now{Enter}');
    expect(props.onDecline).toHaveBeenCalledWith('p-1', 'Not now');
  });

  it('shows one card for tools proposed together', () => {
    renderChat([greeting, userAustin, twoCalls]);
    expect(screen.getAllByTestId('confirm-card')).toHaveLength(1);
    expect(screen.getAllByTestId('proposed-call')).toHaveLength(2);
  });

  it('hides the card once the proposal was declined, and says so', () => {
    renderChat([greeting, userAustin, proposal(true), declinedFindEvents()]);
    expect(screen.queryByTestId('confirm-card')).toBeNull();
    expect(screen.getByTestId('message-declined')).toHaveTextContent('You declined FindEvents — “Too cold in December”');
  });

  it('disables the card while the agent takes an answer typed in the chat', () => {
    renderChat([greeting, userAustin, proposal(true), { actor: 'user', response: 'no' }]);
    expect(screen.getByTestId('confirm-card')).toHaveAttribute('data-state', 'stale');
    expect(screen.getByTestId('confirm-button')).toBeDisabled();
    expect(screen.getByTestId('decline-button')).toBeDisabled();
  });

  it('starts a fresh card for a newer proposal', async () => {
    const user = userEvent.setup();
    const first = [greeting, userAustin, proposal(true)];
    const { rerender, props } = renderChat(first, { onConfirm: vi.fn().mockRejectedValue(new ApiError(409, 'Stale.')) });
    await user.click(screen.getByTestId('confirm-button'));
    expect(screen.getByTestId('confirm-problem')).toHaveTextContent('Stale.');
    const next = [...first, { actor: 'user', response: 'Denver instead' }, proposal(true, 'FindEvents', { city: 'Denver', month: 'December' }, 'p-2')];
    rerender(<ChatWindow {...props} messages={next} pending={pendingTool(next)} />);
    expect(screen.queryByTestId('confirm-problem')).toBeNull();
    expect(screen.getByTestId('confirm-button')).toBeEnabled();
    expect(screen.getByTestId('confirm-card')).toHaveTextContent('City: Denver');
  });

  it('hides the card once the tool was confirmed', () => {
    renderChat([greeting, userAustin, proposal(true), confirmedFindEvents, eventsResult]);
    expect(screen.queryByTestId('confirm-button')).toBeNull();
    expect(screen.getByTestId('message-confirmed')).toHaveTextContent('You confirmed FindEvents');
  });

  it('shows a note instead of the card when the tool runs without confirmation', () => {
    renderChat([greeting, userAustin, proposal(false)]);
    expect(screen.queryByTestId('confirm-button')).toBeNull();
    expect(screen.getByTestId('auto-run-note')).toHaveTextContent('FindEvents');
    expect(screen.getByTestId('auto-run-note')).toHaveTextContent('without asking for confirmation');
  });

  it('shows the thinking indicator while the agent works', () => {
    renderChat([greeting, userAustin], { working: true });
    expect(screen.getByTestId('agent-thinking')).toHaveTextContent('thinking');
  });

  it('shows the retry note instead of the thinking indicator while a model call is retried', () => {
    const retrying = { text: 'The model is busy, retrying (attempt 3)…', nextAttemptAt: Date.now() + 2500 };
    renderChat([greeting, userAustin], { working: true, retrying });
    expect(screen.queryByTestId('agent-thinking')).toBeNull();
    expect(screen.getByTestId('agent-retrying')).toHaveTextContent('The model is busy, retrying (attempt 3)…');
    expect(screen.getByTestId('agent-retrying')).toHaveTextContent(/next try in [23]s/);
    expect(screen.getByRole('status')).toBe(screen.getByTestId('agent-retrying'));
  });

  it('shows no wait in the retry note when the next attempt is due', () => {
    renderChat([greeting, userAustin], { working: true, retrying: { text: 'FindEvents failed, retrying (attempt 2)…', nextAttemptAt: null } });
    expect(screen.getByTestId('agent-retrying')).toHaveTextContent(/^FindEvents failed, retrying \(attempt 2\)…$/);
  });

  it('marks the end of the chat and offers a new one', async () => {
    const user = userEvent.setup();
    const { props } = renderChat([greeting, done], { ended: true, pending: null });
    expect(screen.getByTestId('chat-ended')).toHaveTextContent('Chat ended');
    const link = screen.getByRole('link', { name: 'https://pay.example.com/invoices/INV-1' });
    expect(link).toHaveAttribute('href', 'https://pay.example.com/invoices/INV-1');
    await user.click(screen.getByTestId('new-chat-button'));
    expect(props.onNewChat).toHaveBeenCalledTimes(1);
  });

  it('shows no confirm card once the chat ended', () => {
    renderChat([greeting, proposal(true)], { ended: true });
    expect(screen.queryByTestId('confirm-card')).toBeNull();
  });
});

describe('ChatWindow queued prompts', () => {
  it('shows a sent prompt as waiting until it is in the history', () => {
    renderChat([greeting], { queued: [{ text: 'Austin in December', baseline: 0 }], working: true });
    expect(screen.getByTestId('message-queued')).toHaveTextContent('Austin in December');
    expect(screen.getByText(/waiting for the agent/)).toBeVisible();
    expect(screen.queryByTestId('message-user')).toBeNull();
  });
});
