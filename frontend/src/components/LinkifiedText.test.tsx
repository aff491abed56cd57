import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LinkifiedText } from './LinkifiedText';
import { MessageBubble } from './MessageBubble';

describe('LinkifiedText', () => {
  it('renders http(s) links as safe anchors and keeps the surrounding text', () => {
    const { container } = render(<LinkifiedText text="Pay here: https://pay.example.com/i/1. Thanks!" />);
    const link = screen.getByRole('link', { name: 'https://pay.example.com/i/1' });
    expect(link).toHaveAttribute('href', 'https://pay.example.com/i/1');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    expect(container.textContent).toBe('Pay here: https://pay.example.com/i/1. Thanks!');
  });

  it('never links javascript: URLs', () => {
    const { container } = render(<LinkifiedText text="try javascript:alert(1) now" />);
    expect(container.querySelector('a')).toBeNull();
    expect(container.textContent).toBe('try javascript:alert(1) now');
  });

  it('keeps line breaks in the text', () => {
    const { container } = render(<LinkifiedText text={'one\ntwo'} />);
    expect(container.textContent).toBe('one\ntwo');
    expect(container.firstElementChild).toHaveClass('whitespace-pre-wrap');
  });
});

describe('markup in messages is shown as text', () => {
  const img = '<img src=x onerror=alert(1)>';
  const script = '<script>window.__pwned = true</script>';

  it('shows an agent <img onerror> literally', () => {
    const { container } = render(
      <MessageBubble message={{ actor: 'agent', response: { next: 'question', response: `Look ${img} here` } }} />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByTestId('message-agent')).toHaveTextContent(`Look ${img} here`);
  });

  it('shows an agent <script> literally and does not run it', () => {
    const { container } = render(<MessageBubble message={{ actor: 'agent', response: { response: script } }} />);
    expect(container.querySelector('script')).toBeNull();
    expect(screen.getByText(script, { exact: false })).toBeVisible();
    expect((window as unknown as { __pwned?: boolean }).__pwned).toBeUndefined();
  });

  it('shows markup in user messages and tool results literally', () => {
    const { container } = render(
      <>
        <MessageBubble message={{ actor: 'user', response: img }} />
        <MessageBubble message={{ actor: 'tool_result', response: { tool: 'FindEvents', note: script } }} />
      </>,
    );
    expect(container.querySelector('img, script')).toBeNull();
    expect(screen.getByTestId('message-user')).toHaveTextContent(img);
    expect(screen.getByTestId('tool-result')).toHaveTextContent(script);
  });

  it('shows a user message that starts with ### as typed', () => {
    render(<MessageBubble message={{ actor: 'user', response: '### not an internal prompt' }} />);
    expect(screen.getByTestId('message-user')).toHaveTextContent('### not an internal prompt');
  });
});
