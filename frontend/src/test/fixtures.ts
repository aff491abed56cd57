// Messages shaped like the ones the workflow stores, for tests.

import type { Message } from '../types';

export const greeting: Message = {
  actor: 'agent',
  response: { next: 'question', tool: null, args: {}, response: 'Hi! Which city and month?', force_confirm: true },
};

export const userAustin: Message = { actor: 'user', response: "I'd like to go to Austin in December" };

export const findEventsArgs = { city: 'Austin', month: 'December' };

export function proposal(forceConfirm: boolean, tool = 'FindEvents', args: Record<string, unknown> | null = findEventsArgs): Message {
  return {
    actor: 'agent',
    response: { next: 'confirm', tool, args, response: 'Shall I search?', force_confirm: forceConfirm },
  };
}

export const confirmedFindEvents: Message = {
  actor: 'user_confirmed_tool_run',
  response: { next: 'user_confirmed_tool_run', tool: 'FindEvents', args: findEventsArgs, response: 'Shall I search?', force_confirm: true },
};

export const eventsResult: Message = {
  actor: 'tool_result',
  response: {
    tool: 'FindEvents',
    note: 'Events in November, December and January',
    events: [
      { city: 'Austin', eventName: 'Trail of Lights', dateFrom: '2026-12-06', dateTo: '2026-12-23', month: 'requested month' },
      { city: 'Austin', eventName: 'Austin Marathon', dateFrom: '2027-02-14', dateTo: '2027-02-14', month: 'next month' },
    ],
  },
};

export const done: Message = {
  actor: 'agent',
  response: {
    next: 'done',
    tool: null,
    args: {},
    response: 'All set! Your invoice is ready: https://pay.example.com/invoices/INV-1 (reference INV-1).',
    force_confirm: true,
  },
};
