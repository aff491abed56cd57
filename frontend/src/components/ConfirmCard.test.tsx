import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmCard } from './ConfirmCard';

const args = {
  origin: 'ORD',
  destination: 'AUS',
  dateDepart: '2026-12-05',
  passengers: { adults: 2, children: [{ age: 7 }, { age: 9 }] },
  userConfirmation: null,
};

describe('ConfirmCard', () => {
  it('shows the tool and its arguments, nested ones included', () => {
    render(<ConfirmCard tool="SearchFlights" args={args} onConfirm={() => undefined} />);
    const card = screen.getByTestId('confirm-card');
    expect(card).toHaveTextContent('SearchFlights');
    expect(card).toHaveTextContent('origin: ORD');
    expect(card).toHaveTextContent('destination: AUS');
    expect(card).toHaveTextContent('dateDepart: 2026-12-05');
    expect(card).toHaveTextContent('adults: 2');
    expect(card).toHaveTextContent('age: 7');
    expect(card).toHaveTextContent('age: 9');
    expect(card).toHaveTextContent('userConfirmation: not set');
    expect(card.textContent).not.toContain('[object Object]');
  });

  it('says so when there are no arguments (args null)', () => {
    render(<ConfirmCard tool="Ping" args={null} onConfirm={() => undefined} />);
    expect(screen.getByTestId('confirm-card')).toHaveTextContent('No arguments.');
  });

  it('locks the button after one click and confirms exactly once', async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn(() => new Promise<void>(() => {}));
    render(<ConfirmCard tool="FindEvents" args={{ city: 'Austin' }} onConfirm={onConfirm} />);
    const button = screen.getByTestId('confirm-button');
    expect(button).toBeEnabled();
    await user.click(button);
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent('Running FindEvents…');
    await user.click(button);
    await user.dblClick(button);
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('unlocks the button again when confirming failed', async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn().mockRejectedValueOnce(new Error('503')).mockResolvedValue(undefined);
    render(<ConfirmCard tool="FindEvents" args={{}} onConfirm={onConfirm} />);
    await user.click(screen.getByTestId('confirm-button'));
    expect(screen.getByTestId('confirm-button')).toBeEnabled();
    await user.click(screen.getByTestId('confirm-button'));
    expect(onConfirm).toHaveBeenCalledTimes(2);
  });
});
