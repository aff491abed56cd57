// Answering the agent's proposals in the chat: confirm, edit, decline, and the server's
// refusals shown on the card.

import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { setUp, stream, useAppTestEnvironment } from './test/app';
import { declinedFindEvents, greeting, proposal, userAustin } from './test/fixtures';

useAppTestEnvironment();

async function openWithProposal(routes: Parameters<typeof setUp>[0] = {}) {
  const fake = setUp(routes, '/?c=c1');
  render(<App />);
  await screen.findByTestId('message-agent');
  act(() => stream().emit('history', { messages: [greeting, userAustin, proposal(true)] }));
  await screen.findByTestId('confirm-card');
  return fake;
}

describe('answering a proposal', () => {
  it('runs the tool with the edited arguments, named by the proposal', async () => {
    const user = userEvent.setup();
    const { calls } = await openWithProposal();
    await user.click(screen.getByTestId('edit-button'));
    await user.clear(screen.getByLabelText('City'));
    await user.type(screen.getByLabelText('City'), 'Denver');
    await user.clear(screen.getByLabelText('Month'));
    await user.type(screen.getByLabelText('Month'), 'March');
    await user.click(screen.getByRole('button', { name: 'Run with these' }));
    const sent = calls.filter((c) => c.path === '/confirm');
    expect(sent).toEqual([
      { method: 'POST', path: '/confirm', params: { workflow_id: 'c1', proposal: 'p-1' }, body: { args: { city: 'Denver', month: 'March' } } },
    ]);
    expect(screen.getByTestId('agent-thinking')).toBeVisible();
  });

  it('declines with the reason, and shows the decline once it is in the history', async () => {
    const user = userEvent.setup();
    const { calls } = await openWithProposal();
    await user.click(screen.getByTestId('decline-button'));
    await user.type(screen.getByTestId('decline-reason'), 'Too cold{Enter}');
    await waitFor(() => expect(calls.some((c) => c.path === '/decline')).toBe(true));
    expect(calls.find((c) => c.path === '/decline')).toEqual({
      method: 'POST',
      path: '/decline',
      params: { workflow_id: 'c1', proposal: 'p-1', reason: 'Too cold' },
    });
    expect(calls.some((c) => c.path === '/confirm')).toBe(false);
    expect(screen.getByTestId('agent-thinking')).toBeVisible();
    act(() => stream().emit('history', { messages: [greeting, userAustin, proposal(true), declinedFindEvents('Too cold')] }));
    expect(screen.queryByTestId('confirm-card')).toBeNull();
    expect(screen.getByTestId('message-declined')).toHaveTextContent('You declined FindEvents — “Too cold”');
  });

  it('shows on the card that the proposal no longer waits (409), and leaves it disabled', async () => {
    const user = userEvent.setup();
    await openWithProposal({ 'POST /confirm': { status: 409, body: { detail: 'That proposal is no longer current: a newer one is waiting.' } } });
    await user.click(screen.getByTestId('confirm-button'));
    expect(await screen.findByTestId('confirm-problem')).toHaveTextContent('That proposal is no longer current: a newer one is waiting.');
    expect(screen.getByTestId('confirm-button')).toBeDisabled();
    expect(screen.queryByTestId('agent-thinking')).toBeNull();
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('shows which argument the tool refused (400), with the form still open', async () => {
    const user = userEvent.setup();
    await openWithProposal({ 'POST /confirm': { status: 400, body: { detail: 'FindEvents needs a value for: month.' } } });
    await user.click(screen.getByTestId('edit-button'));
    await user.clear(screen.getByLabelText('Month'));
    await user.click(screen.getByRole('button', { name: 'Run with these' }));
    expect(await screen.findByTestId('confirm-problem')).toHaveTextContent('FindEvents needs a value for: month.');
    expect(screen.getByLabelText('Month')).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Run with these' })).toBeEnabled();
  });

  it('keeps waiting, without a complaint, when the tools outlast the request (504)', async () => {
    const user = userEvent.setup();
    await openWithProposal({ 'POST /confirm': { status: 504, body: { detail: 'Confirmed; the tools are still running.' } } });
    await user.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(screen.getByTestId('confirm-button')).toHaveTextContent('Running FindEvents…'));
    expect(screen.getByTestId('confirm-button')).toBeDisabled();
    expect(screen.queryByTestId('confirm-problem')).toBeNull();
    expect(screen.getByTestId('agent-thinking')).toBeVisible();
  });
});

describe('answering a proposal from the keyboard', () => {
  it('confirms the waiting card with Enter in the empty message box, which keeps the focus', async () => {
    const user = userEvent.setup();
    const { calls } = await openWithProposal();
    const input = screen.getByTestId('prompt-input');
    await waitFor(() => expect(input).toHaveFocus());
    expect(input).toHaveAttribute('placeholder', expect.stringContaining('Enter on an empty box confirms the card'));
    await user.keyboard('{Enter}');
    expect(calls.filter((c) => c.path === '/confirm')).toHaveLength(1);
    expect(screen.getByTestId('confirm-button')).toBeDisabled();
    await waitFor(() => expect(input).toHaveFocus());
  });

  it('sends what was typed instead of confirming when the box is not empty', async () => {
    const user = userEvent.setup();
    const { calls } = await openWithProposal();
    await user.type(screen.getByTestId('prompt-input'), 'Actually, Denver{Enter}');
    expect(calls.filter((c) => c.path === '/confirm')).toHaveLength(0);
    expect(calls).toContainEqual({ method: 'POST', path: '/send-prompt', params: { workflow_id: 'c1', prompt: 'Actually, Denver' } });
  });
});
