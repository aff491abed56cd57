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

  it('keeps line breaks in agent text, and reads dashes at line starts as a list', () => {
    render(<MessageBubble message={{ actor: 'agent', response: { response: 'Dear traveller,\nhere:\n- one\n- two' } }} />);
    const bubble = screen.getByTestId('message-agent');
    expect(bubble.querySelector('p')?.textContent).toBe('Dear traveller,\nhere:');
    expect([...bubble.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['one', 'two']);
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
    expect(result).toHaveTextContent('Event: Trail of Lights');
    expect(result).toHaveTextContent('Starts: Sun 6 Dec 2026');
    expect(result.textContent).not.toMatch(/eventName|dateFrom/);
  });

  it('counts a one-item list in the singular', () => {
    render(<MessageBubble message={{ actor: 'tool_result', response: { tool: 'FindEvents', events: [{ city: 'Denver' }], notes: [] } }} />);
    expect(screen.getByTestId('tool-result').querySelector('summary')).toHaveTextContent('FindEvents result · 1 event · 0 notes');
  });

  it('says a tool failed', () => {
    render(<MessageBubble message={{ actor: 'tool_result', response: { tool: 'CreateInvoice', error: 'Invalid amount provided.' } }} />);
    expect(screen.getByTestId('tool-result').querySelector('summary')).toHaveTextContent('CreateInvoice failed · Invalid amount provided.');
  });

  it('shows an invoice as a card: amount as money, reference and a safe link', () => {
    render(
      <MessageBubble
        message={{
          actor: 'tool_result',
          response: { tool: 'CreateInvoice', invoiceStatus: 'generated', invoiceURL: 'https://pay.example.com/i/2', reference: 'INV-0002', amount: '412.5', currency: 'USD', tripDetails: 'AA 101 ORD-AUS' },
        }}
      />,
    );
    const card = screen.getByTestId('invoice-card');
    expect(card).toHaveTextContent('Invoice INV-0002');
    expect(card).toHaveTextContent('$412.50');
    expect(card).toHaveTextContent('AA 101 ORD-AUS');
    const link = screen.getByRole('link', { name: 'Open the invoice INV-0002' });
    expect(link).toHaveAttribute('href', 'https://pay.example.com/i/2');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  });

  it('keeps an invoice with a link that is not http(s) folded, without a link', () => {
    render(<MessageBubble message={{ actor: 'tool_result', response: { tool: 'CreateInvoice', invoiceStatus: 'generated', invoiceURL: 'javascript:alert(1)' } }} />);
    expect(screen.queryByTestId('invoice-card')).toBeNull();
    expect(screen.getByTestId('tool-result').querySelector('summary')).toHaveTextContent('Invoice status: generated');
    expect(screen.queryByRole('link', { hidden: true })).toBeNull();
  });

  it('shows flights found as cards: airline, flight codes and price as money', () => {
    const response = {
      tool: 'SearchFlights',
      currency: 'USD',
      origin: 'ORD',
      destination: 'AUS',
      results: [
        { operating_carrier: 'American Airlines', outbound_flight_code: 'AA101', return_flight_code: 'AA202', return_operating_carrier: 'American Airlines', price: 312.4 },
        { operating_carrier: 'Delta', outbound_flight_code: 'DL5', return_flight_code: 'DL6', return_operating_carrier: 'United', price: 299 },
      ],
    };
    render(<MessageBubble message={{ actor: 'tool_result', response }} />);
    const result = screen.getByTestId('tool-result');
    expect(result).toHaveTextContent('SearchFlights result · 2 flights · ORD → AUS');
    const cards = screen.getAllByTestId('flight-card');
    expect(cards[0]).toHaveTextContent('American Airlines');
    expect(cards[0]).toHaveTextContent('Out AA101 · Back AA202');
    expect(cards[0]).toHaveTextContent('$312.40');
    expect(cards[1]).toHaveTextContent('(United)');
    expect(cards[1]).toHaveTextContent('$299.00');
    expect(result.textContent).not.toMatch(/operating_carrier|flight_code/);
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

describe('MessageBubble formatting', () => {
  it('shows lists, bold and safe links in an agent message, and markup as text', () => {
    const text = 'Options:\n- **Delta** $299\n- [Book](https://book.example.com/x) or [bad](javascript:alert(1))\n<b>not bold</b>';
    render(<MessageBubble message={{ actor: 'agent', response: { response: text, next: 'question' } }} />);
    const bubble = screen.getByTestId('message-agent');
    expect(bubble.querySelectorAll('ul > li')).toHaveLength(2);
    expect(bubble.querySelector('strong')).toHaveTextContent('Delta');
    expect(bubble.querySelector('b')).toBeNull();
    expect(bubble).toHaveTextContent('<b>not bold</b>');
    const links = [...bubble.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://book.example.com/x']);
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer');
    expect(bubble).toHaveTextContent('[bad](javascript:alert(1))');
  });
});
