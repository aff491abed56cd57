import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { ConfirmCard, type ConfirmCardProps } from './ConfirmCard';

const args = {
  origin: 'ORD',
  destination: 'AUS',
  dateDepart: '2026-12-05',
  passengers: { adults: 2, children: [{ age: 7 }, { age: 9 }] },
  userConfirmation: null,
};

const findEvents = { tool: 'FindEvents', args: { city: 'Austin', month: 'December' } };

function renderCard(props: Partial<ConfirmCardProps> = {}) {
  const all: ConfirmCardProps = {
    calls: [findEvents],
    onConfirm: vi.fn(async () => undefined),
    onDecline: vi.fn(async () => undefined),
    ...props,
  };
  render(<ConfirmCard {...all} />);
  return all;
}

const button = (testId: string) => screen.getByTestId(testId);

describe('ConfirmCard', () => {
  it('shows the tool and its arguments, nested ones included', () => {
    renderCard({ calls: [{ tool: 'SearchFlights', args }] });
    const card = screen.getByTestId('confirm-card');
    expect(card).toHaveTextContent('SearchFlights');
    expect(card).toHaveTextContent('From: ORD');
    expect(card).toHaveTextContent('To: AUS');
    expect(card).toHaveTextContent('Depart: Sat 5 Dec 2026');
    expect(card).toHaveTextContent('Adults: 2');
    expect(card).toHaveTextContent('Age: 7');
    expect(card).toHaveTextContent('Age: 9');
    // No field names as the code spells them, and nothing about the workflow's own flag.
    expect(card.textContent).not.toMatch(/dateDepart|userConfirmation|User confirmation/);
    expect(card.textContent).not.toContain('[object Object]');
  });

  it('says so when there are no arguments', () => {
    renderCard({ calls: [{ tool: 'Ping', args: {} }] });
    expect(screen.getByTestId('confirm-card')).toHaveTextContent('No arguments.');
  });

  it('offers Confirm, Edit and Decline', () => {
    renderCard();
    expect(button('confirm-button')).toHaveTextContent('Confirm');
    expect(button('edit-button')).toHaveTextContent('Edit');
    expect(button('decline-button')).toHaveTextContent('Decline');
    for (const id of ['confirm-button', 'edit-button', 'decline-button']) expect(button(id)).toBeEnabled();
  });

  it('locks every button after one click and confirms exactly once, as proposed', async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn(() => new Promise<void>(() => {}));
    renderCard({ onConfirm });
    await user.click(button('confirm-button'));
    expect(button('confirm-button')).toBeDisabled();
    expect(button('confirm-button')).toHaveTextContent('Running FindEvents…');
    expect(button('edit-button')).toBeDisabled();
    expect(button('decline-button')).toBeDisabled();
    await user.click(button('confirm-button'));
    await user.dblClick(button('confirm-button'));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onConfirm).toHaveBeenCalledWith();
  });

  it('unlocks again and says why when confirming failed', async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn().mockRejectedValueOnce(new ApiError(503, 'Temporal is unreachable.')).mockResolvedValue(undefined);
    renderCard({ onConfirm });
    await user.click(button('confirm-button'));
    expect(screen.getByTestId('confirm-problem')).toHaveTextContent('Temporal is unreachable.');
    expect(button('confirm-button')).toBeEnabled();
    await user.click(button('confirm-button'));
    expect(onConfirm).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('confirm-problem')).toBeNull();
  });

  it('shows a refusal of a proposal that no longer waits (409) and stays disabled', async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn().mockRejectedValue(new ApiError(409, 'That proposal is no longer waiting for an answer.'));
    renderCard({ onConfirm });
    await user.click(button('confirm-button'));
    expect(screen.getByRole('alert')).toHaveTextContent('That proposal is no longer waiting for an answer.');
    expect(screen.getByTestId('confirm-card')).toHaveAttribute('data-state', 'stale');
    for (const id of ['confirm-button', 'edit-button', 'decline-button']) expect(button(id)).toBeDisabled();
  });

  it('is disabled once the user has answered in the chat', () => {
    renderCard({ answered: true });
    expect(screen.getByTestId('confirm-answered')).toHaveTextContent('You answered in the chat');
    for (const id of ['confirm-button', 'edit-button', 'decline-button']) expect(button(id)).toBeDisabled();
  });
});

describe('ConfirmCard editing', () => {
  const flight = { tool: 'SearchFlights', args: { origin: 'ORD', dateDepart: '2026-12-05', adults: 2, userConfirmation: false, dateReturn: null } };

  it('turns the arguments into labelled inputs and runs the tool with the edited ones, types kept', async () => {
    const user = userEvent.setup();
    const { onConfirm } = renderCard({ calls: [flight] });
    await user.click(button('edit-button'));
    const form = screen.getByTestId('edit-form');
    expect(within(form).getAllByRole('textbox').map((input) => input.getAttribute('data-arg'))).toEqual(['origin', 'dateDepart', 'dateReturn']);
    const origin = screen.getByLabelText('From');
    expect(origin).toHaveValue('ORD');
    expect(origin).toHaveFocus();
    expect(screen.getByLabelText('Depart')).toHaveValue('2026-12-05');
    expect(screen.getByLabelText('Adults')).toHaveValue(2);
    expect(screen.queryByLabelText('User confirmation')).toBeNull();

    await user.clear(origin);
    await user.type(origin, 'MDW');
    await user.clear(screen.getByLabelText('Adults'));
    await user.type(screen.getByLabelText('Adults'), '3');
    await user.click(button('edit-run-button'));
    expect(onConfirm).toHaveBeenCalledWith({ origin: 'MDW', dateDepart: '2026-12-05', adults: 3, userConfirmation: false, dateReturn: null });
  });

  it('sends nothing while a number does not read as one', async () => {
    const user = userEvent.setup();
    const { onConfirm } = renderCard({ calls: [flight] });
    await user.click(button('edit-button'));
    await user.clear(screen.getByLabelText('Adults'));
    await user.click(button('edit-run-button'));
    expect(within(screen.getByTestId('edit-form')).getByRole('alert')).toHaveTextContent('Adults must be a number.');
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('keeps the form open with the server’s reason when it refuses the arguments (400)', async () => {
    const user = userEvent.setup();
    const onConfirm = vi
      .fn()
      .mockRejectedValueOnce(new ApiError(400, 'FindEvents needs the argument "month".'))
      .mockResolvedValue(undefined);
    renderCard({ onConfirm });
    await user.click(button('edit-button'));
    await user.clear(screen.getByLabelText('Month'));
    await user.click(button('edit-run-button'));
    expect(onConfirm).toHaveBeenLastCalledWith({ city: 'Austin', month: '' });
    expect(screen.getByTestId('confirm-problem')).toHaveTextContent('FindEvents needs the argument "month".');
    expect(screen.getByTestId('edit-form')).toBeVisible();
    await user.type(screen.getByLabelText('Month'), 'March');
    await user.click(button('edit-run-button'));
    expect(onConfirm).toHaveBeenLastCalledWith({ city: 'Austin', month: 'March' });
  });

  it('goes back to the proposal on Cancel', async () => {
    const user = userEvent.setup();
    const { onConfirm } = renderCard();
    await user.click(button('edit-button'));
    await user.click(button('edit-cancel-button'));
    expect(screen.queryByTestId('edit-form')).toBeNull();
    expect(button('confirm-button')).toBeEnabled();
    expect(onConfirm).not.toHaveBeenCalled();
  });
});

describe('ConfirmCard declining', () => {
  it('asks why, optionally, and declines with the reason given', async () => {
    const user = userEvent.setup();
    const onDecline = vi.fn(() => new Promise<void>(() => {}));
    const { onConfirm } = renderCard({ onDecline });
    await user.click(button('decline-button'));
    expect(screen.getByLabelText(/Why not\?/)).toHaveFocus();
    await user.type(screen.getByTestId('decline-reason'), 'Too cold in December{Enter}');
    expect(onDecline).toHaveBeenCalledWith('Too cold in December');
    expect(button('decline-submit')).toHaveTextContent('Declining…');
    expect(button('decline-submit')).toBeDisabled();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('declines without a reason', async () => {
    const user = userEvent.setup();
    const { onDecline } = renderCard();
    await user.click(button('decline-button'));
    await user.click(button('decline-submit'));
    expect(onDecline).toHaveBeenCalledWith('');
  });

  it('shows a refused decline of a proposal that no longer waits', async () => {
    const user = userEvent.setup();
    renderCard({ onDecline: vi.fn().mockRejectedValue(new ApiError(409, 'Nothing waits for an answer.')) });
    await user.click(button('decline-button'));
    await user.click(button('decline-submit'));
    expect(screen.getByTestId('confirm-problem')).toHaveTextContent('Nothing waits for an answer.');
    expect(button('decline-submit')).toBeDisabled();
    expect(screen.getByTestId('decline-reason')).toBeDisabled();
  });
});

describe('ConfirmCard with several tools', () => {
  const calls = [findEvents, { tool: 'SearchFlights', args: { origin: 'ORD', destination: 'AUS' } }];

  it('lists every call with one Confirm and one Decline for all, and no Edit', async () => {
    const user = userEvent.setup();
    const { onConfirm } = renderCard({ calls });
    const card = screen.getByTestId('confirm-card');
    expect(card).toHaveTextContent('Ready to run 2 tools together');
    expect(card).toHaveAccessibleName('Confirm FindEvents and SearchFlights');
    const listed = screen.getAllByTestId('proposed-call');
    expect(listed).toHaveLength(2);
    expect(listed[0]).toHaveTextContent('FindEvents');
    expect(listed[0]).toHaveTextContent('City: Austin');
    expect(listed[1]).toHaveTextContent('SearchFlights');
    expect(listed[1]).toHaveTextContent('To: AUS');
    expect(screen.getAllByTestId('confirm-button')).toHaveLength(1);
    expect(screen.getAllByTestId('decline-button')).toHaveLength(1);
    expect(screen.queryByTestId('edit-button')).toBeNull();
    await user.click(button('confirm-button'));
    expect(onConfirm).toHaveBeenCalledWith();
  });
});
