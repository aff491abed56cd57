import { useState } from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer, composerHint } from './Composer';

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
    expect(screen.getByText(/too long/)).toHaveTextContent('please shorten it (accented letters');
    expect(screen.getByText(/too long/).textContent).not.toMatch(/bytes|KiB/);
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

describe('Composer drafts', () => {
  it('finds what was typed after a reload, and forgets it once sent', async () => {
    const user = userEvent.setup();
    const first = render(<Composer disabled={false} onSend={async () => true} focusKey={0} draftKey="trip:c1" />);
    await user.type(screen.getByTestId('prompt-input'), 'half a thought');
    first.unmount();
    // A reload: a fresh box under the same conversation.
    render(<Composer disabled={false} onSend={async () => true} focusKey={0} draftKey="trip:c1" />);
    expect(screen.getByTestId('prompt-input')).toHaveValue('half a thought');
    await user.type(screen.getByTestId('prompt-input'), '{Enter}');
    await waitFor(() => expect(window.localStorage.getItem('draft:trip:c1')).toBeNull());
  });

  it('keeps each conversation’s draft apart', () => {
    window.localStorage.setItem('draft:trip:c2', 'for c2');
    render(<Composer disabled={false} onSend={async () => true} focusKey={0} draftKey="trip:c1" />);
    expect(screen.getByTestId('prompt-input')).toHaveValue('');
  });

  it('saves the box when the page is hidden or left', async () => {
    const { writeLocalDraft } = await import('../hooks/useLocalDraft');
    const user = userEvent.setup();
    render(<Composer disabled={false} onSend={async () => true} focusKey={0} draftKey="trip:c3" />);
    await user.type(screen.getByTestId('prompt-input'), 'typed');
    writeLocalDraft('trip:c3', '');
    window.dispatchEvent(new Event('pagehide'));
    expect(window.localStorage.getItem('draft:trip:c3')).toBe('typed');
    writeLocalDraft('trip:c3', '');
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    expect(window.localStorage.getItem('draft:trip:c3')).toBe('typed');
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
  });

  it('keeps a message on its way until it is taken', async () => {
    const user = userEvent.setup();
    let finish: (sent: boolean) => void = () => {};
    render(<Composer disabled={false} onSend={() => new Promise<boolean>((resolve) => (finish = resolve))} focusKey={0} draftKey="trip:c4" />);
    await user.type(screen.getByTestId('prompt-input'), 'on its way{Enter}');
    expect(screen.getByTestId('prompt-input')).toHaveValue('');
    expect(window.localStorage.getItem('draft:trip:c4')).toBe('on its way');
    finish(true);
    await waitFor(() => expect(window.localStorage.getItem('draft:trip:c4')).toBeNull());
  });
});

describe('Composer hints', () => {
  it('names the keys on a computer, and leaves them out on a phone', () => {
    expect(composerHint('Message the agent…', false, false)).toBe('Message the agent… (Enter to send, Shift+Enter for a new line)');
    expect(composerHint('Message the agent…', true, false)).toBe('Message the agent…');
    expect(composerHint('Message the agent…', true, true)).toBe('Message the agent…');
  });

  it('shows no Shift+Enter hint on a narrow touch screen', () => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: true, media: query, addEventListener() {}, removeEventListener() {} }));
    try {
      render(<Composer disabled={false} onSend={async () => true} focusKey={0} />);
      expect(screen.getByTestId('prompt-input').getAttribute('placeholder')).not.toMatch(/Shift/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('Composer drafts of a new chat', () => {
  it('forgets the first message once the new chat has its id', async () => {
    const user = userEvent.setup();
    function NewChat() {
      const [key, setKey] = useState('trip:new');
      return (
        <Composer
          disabled={false}
          focusKey={0}
          draftKey={key}
          onSend={async () => {
            // Starting the chat names it before the send returns.
            setKey('trip:chat-1');
            return true;
          }}
        />
      );
    }
    render(<NewChat />);
    await user.type(screen.getByTestId('prompt-input'), 'Austin in December{Enter}');
    await waitFor(() => expect(window.localStorage.getItem('draft:trip:new')).toBeNull());
    expect(window.localStorage.getItem('draft:trip:chat-1')).toBeNull();
  });
});
