import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { declinedFindEvents, eventsResult, twoCalls } from '../test/fixtures';
import type { Message } from '../types';
import { MessageBubble } from './MessageBubble';

describe('MessageBubble with malformed messages', () => {
  it.each<[string, Message]>([
    ['missing response', { actor: 'agent' } as unknown as Message],
    ['null response', { actor: 'agent', response: null }],
    ['response field null', { actor: 'agent', response: { next: 'question', response: null } }],
    ['empty object', { actor: 'agent', response: {} }],
    ['args null on a confirm', { actor: 'agent', response: { next: 'confirm', tool: 'FindEvents', args: null, response: 'Go?' } }],
  ])('renders an agent message with %s', (_name, message) => {
    render(<MessageBubble message={message} />);
    expect(screen.getByTestId('message-agent')).toBeInTheDocument();
  });

  it('says the agent reply was empty instead of showing a blank bubble', () => {
    render(<MessageBubble message={{ actor: 'agent', response: null }} />);
    expect(screen.getByTestId('message-agent')).toHaveTextContent('The agent sent an empty reply.');
  });

  it('renders a non-object agent response as its text', () => {
    render(
      <>
        <MessageBubble message={{ actor: 'agent', response: 'just a string' }} />
        <MessageBubble message={{ actor: 'agent', response: 42 }} />
        <MessageBubble message={{ actor: 'agent', response: ['a', 1] }} />
      </>,
    );
    const bubbles = screen.getAllByTestId('message-agent');
    expect(bubbles[0]).toHaveTextContent('just a string');
    expect(bubbles[1]).toHaveTextContent('42');
    expect(bubbles[2]).toHaveTextContent('"a"');
  });

  it('keeps line breaks in agent text', () => {
    render(<MessageBubble message={{ actor: 'agent', response: { response: 'Here:\n- one\n- two' } }} />);
    expect(screen.getByTestId('message-agent').textContent).toContain('Here:\n- one\n- two');
  });

  it('renders an unknown actor as a labelled line', () => {
    render(<MessageBubble message={{ actor: 'robot', response: { beep: true } }} />);
    expect(screen.getByTestId('message-other')).toHaveTextContent('robot:');
    expect(screen.getByTestId('message-other')).toHaveTextContent('"beep": true');
  });

  it('renders a user message with an object response', () => {
    render(<MessageBubble message={{ actor: 'user', response: { text: 'hi' } }} />);
    expect(screen.getByTestId('message-user')).toHaveTextContent('"text": "hi"');
  });

  it('renders odd confirmations and tool results without throwing', () => {
    render(
      <>
        <MessageBubble message={{ actor: 'user_confirmed_tool_run', response: null }} />
        <MessageBubble message={{ actor: 'tool_result', response: 'raw text result' }} />
        <MessageBubble message={{ actor: 'tool_result', response: null }} />
      </>,
    );
    expect(screen.getByTestId('message-confirmed')).toHaveTextContent('You confirmed the tool');
    expect(screen.getAllByTestId('tool-result')[0]).toHaveTextContent('raw text result');
  });
});

describe('MessageBubble by actor', () => {
  it('shows a tool result folded, with its key facts, and every field when opened', async () => {
    const user = userEvent.setup();
    render(<MessageBubble message={eventsResult} />);
    const result = screen.getByTestId('tool-result');
    expect(result.tagName).toBe('DETAILS');
    expect(result).not.toHaveAttribute('open');
    expect(result.querySelector('summary')).toHaveTextContent('FindEvents result · 2 events');
    await user.click(screen.getByText('FindEvents result'));
    expect(result).toHaveAttribute('open');
    expect(result).toHaveTextContent('eventName: Trail of Lights');
    expect(result).toHaveTextContent('dateFrom: 2026-12-06');
  });

  it('counts a one-item list in the singular', () => {
    render(<MessageBubble message={{ actor: 'tool_result', response: { tool: 'FindEvents', events: [{ city: 'Denver' }], notes: [] } }} />);
    expect(screen.getByTestId('tool-result').querySelector('summary')).toHaveTextContent('FindEvents result · 1 event · 0 notes');
  });

  it('says a tool failed', () => {
    render(<MessageBubble message={{ actor: 'tool_result', response: { tool: 'CreateInvoice', error: 'Invalid amount provided.' } }} />);
    expect(screen.getByTestId('tool-result').querySelector('summary')).toHaveTextContent('CreateInvoice failed · Invalid amount provided.');
  });

  it('makes links in tool results clickable', () => {
    render(
      <MessageBubble
        message={{ actor: 'tool_result', response: { tool: 'CreateInvoice', invoiceStatus: 'generated', invoiceURL: 'https://pay.example.com/i/2' } }}
      />,
    );
    expect(screen.getByTestId('tool-result').querySelector('summary')).toHaveTextContent('invoiceStatus: generated');
    expect(screen.getByRole('link', { hidden: true, name: 'https://pay.example.com/i/2' })).toHaveAttribute('href', 'https://pay.example.com/i/2');
  });

  it('shows a conversation summary as an earlier-in-the-chat note', () => {
    render(<MessageBubble message={{ actor: 'conversation_summary', response: 'The user picked Austin.' }} />);
    expect(screen.getByTestId('message-summary')).toHaveTextContent('Earlier in this conversation: The user picked Austin.');
  });

  it('says when a tool ran without confirmation', () => {
    render(<MessageBubble message={{ actor: 'user_confirmed_tool_run', response: { tool: 'FindEvents', force_confirm: false } }} />);
    expect(screen.getByTestId('message-confirmed')).toHaveTextContent('FindEvents ran without confirmation');
  });

  it('names every tool of several confirmed together', () => {
    render(<MessageBubble message={{ actor: 'user_confirmed_tool_run', response: { ...(twoCalls.response as object), next: 'user_confirmed_tool_run' } }} />);
    expect(screen.getByTestId('message-confirmed')).toHaveTextContent('You confirmed FindEvents and FindEvents');
  });

  it('says the user declined a proposal, and why', () => {
    render(
      <>
        <MessageBubble message={declinedFindEvents('Too cold in December')} />
        <MessageBubble message={declinedFindEvents(null)} />
        <MessageBubble message={{ actor: 'user_declined_tool_run', response: null }} />
      </>,
    );
    const lines = screen.getAllByTestId('message-declined');
    expect(lines[0]).toHaveTextContent('You declined FindEvents — “Too cold in December”');
    expect(lines[1]).toHaveTextContent(/^You declined FindEvents$/);
    expect(lines[2]).toHaveTextContent(/^You declined the tool$/);
  });

  it('notes that tools proposed together run without asking', () => {
    render(<MessageBubble message={{ actor: 'agent', response: { ...(twoCalls.response as object), force_confirm: false } }} />);
    expect(screen.getByTestId('auto-run-note')).toHaveTextContent('The agent chose FindEvents and FindEvents; they run without asking for confirmation.');
  });
});
