import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer';

describe('Composer', () => {
  it('is focused on load', () => {
    render(<Composer disabled={false} onSend={async () => true} focusKey={0} />);
    expect(screen.getByTestId('prompt-input')).toHaveFocus();
  });

  it('sends on Enter, clears the box and keeps focus', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn(async () => true);
    render(<Composer disabled={false} onSend={onSend} focusKey={0} />);
    const input = screen.getByTestId('prompt-input');
    await user.type(input, 'Austin in December{Enter}');
    expect(onSend).toHaveBeenCalledWith('Austin in December');
    expect(input).toHaveValue('');
    await waitFor(() => expect(input).toHaveFocus());
  });

  it('adds a line on Shift+Enter instead of sending', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn(async () => true);
    render(<Composer disabled={false} onSend={onSend} focusKey={0} />);
    const input = screen.getByTestId('prompt-input');
    await user.type(input, 'one{Shift>}{Enter}{/Shift}two');
    expect(onSend).not.toHaveBeenCalled();
    expect(input).toHaveValue('one\ntwo');
    await user.click(screen.getByTestId('send-button'));
    expect(onSend).toHaveBeenCalledWith('one\ntwo');
  });

  it('does not send blank text', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn(async () => true);
    render(<Composer disabled={false} onSend={onSend} focusKey={0} />);
    await user.type(screen.getByTestId('prompt-input'), '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByTestId('send-button')).toBeDisabled();
  });

  it('puts the text back when sending failed', async () => {
    const user = userEvent.setup();
    render(<Composer disabled={false} onSend={async () => false} focusKey={0} />);
    const input = screen.getByTestId('prompt-input');
    await user.type(input, 'keep me{Enter}');
    await waitFor(() => expect(input).toHaveValue('keep me'));
  });

  it('refuses a prompt over 8 KiB', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn(async () => true);
    render(<Composer disabled={false} onSend={onSend} focusKey={0} />);
    const input = screen.getByTestId('prompt-input');
    await user.click(input);
    await user.paste('é'.repeat(4097));
    expect(screen.getByText(/too long/)).toBeVisible();
    expect(screen.getByTestId('send-button')).toBeDisabled();
    await user.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('is disabled once the chat ended', () => {
    render(<Composer disabled onSend={async () => true} focusKey={0} />);
    expect(screen.getByTestId('prompt-input')).toBeDisabled();
    expect(screen.getByTestId('send-button')).toBeDisabled();
  });

  it('takes focus back when focusKey changes', () => {
    const { rerender } = render(
      <>
        <button type="button">elsewhere</button>
        <Composer disabled={false} onSend={async () => true} focusKey={0} />
      </>,
    );
    screen.getByText('elsewhere').focus();
    rerender(
      <>
        <button type="button">elsewhere</button>
        <Composer disabled={false} onSend={async () => true} focusKey={1} />
      </>,
    );
    expect(screen.getByTestId('prompt-input')).toHaveFocus();
  });
});
