// Messages shaped like the ones the workflow stores, for tests.

import type { Message } from '../types';

export const greeting: Message = {
  actor: 'agent',
  response: { next: 'question', tool: null, args: {}, response: 'Hi! Which city and month?', force_confirm: true },
};

export const userAustin: Message = { actor: 'user', response: "I'd like to go to Austin in December" };

export const findEventsArgs = { city: 'Austin', month: 'December' };

export function proposal(
  forceConfirm: boolean,
  tool = 'FindEvents',
  args: Record<string, unknown> | null = findEventsArgs,
  proposalId = 'p-1',
): Message {
  return {
    actor: 'agent',
    response: { next: 'confirm', tool, args, response: 'Shall I search?', force_confirm: forceConfirm, proposal_id: proposalId },
  };
}

export const denverArgs = { city: 'Denver', month: 'March' };

/** FindEvents for Austin and for Denver, proposed together. */
export const twoCalls: Message = {
  actor: 'agent',
  response: {
    next: 'confirm',
    tool: 'FindEvents',
    args: findEventsArgs,
    tool_calls: [
      { tool: 'FindEvents', args: findEventsArgs },
      { tool: 'FindEvents', args: denverArgs },
    ],
    response: 'Shall I look in both cities?',
    force_confirm: true,
    proposal_id: 'p-2',
  },
};

export function declinedFindEvents(reason: string | null = 'Too cold in December'): Message {
  return { actor: 'user_declined_tool_run', response: { tool_calls: [{ tool: 'FindEvents', args: findEventsArgs }], reason } };
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

/** `GET /goals` as the api answers it on the demo model. */
export const goalCatalog = {
  default_goal: 'goal_event_flight_invoice',
  goals: [
    {
      id: 'choose-agent',
      name: 'Agent picker',
      description: 'Tell it what you want to do, and it hands you to the agent for it.',
      category: 'agents',
      available: true,
      note: null,
    },
    {
      id: 'goal_event_flight_invoice',
      name: 'North America Event Flight Booking',
      description: 'Pick a festival, game or show in a North American city and fly there.',
      category: 'travel-flights',
      available: true,
      note: null,
    },
    {
      id: 'goal_flight_quote',
      name: 'Flight Quote',
      description: 'Compare round-trip flights and get an invoice for the one you pick.',
      category: 'travel-flights',
      available: false,
      note: 'The offline demo model cannot run this agent; set LLM_KEY to use a real model.',
    },
    {
      id: 'goal_travel_helper',
      name: 'Travel Desk',
      description: 'Convert prices between currencies, tell the time in any city, and keep trip notes.',
      category: 'travel-helpers',
      available: true,
      note: null,
    },
  ],
};

/** An agent message whose text streamed as the live reply `replyId`. */
export function streamedReply(replyId: string, text: string, next = 'question'): Message {
  return { actor: 'agent', response: { next, tool: null, args: {}, response: text, force_confirm: true, reply_id: replyId } };
}

/** `GET /get-conversation-usage` after the greeting and one reply, on a priced model. */
export const usageReport = {
  calls: 3,
  prompt_tokens: 1100,
  completion_tokens: 134,
  cost_usd: 0.0021,
  by_step: {
    planner: { calls: 2, prompt_tokens: 900, completion_tokens: 120, cost_usd: 0.0018 },
    validator: { calls: 1, prompt_tokens: 200, completion_tokens: 14, cost_usd: 0.0003 },
  },
  models: ['openai/gpt-4o-mini'],
};
