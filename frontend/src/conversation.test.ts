import { describe, expect, it } from 'vitest';
import {
  countAgentMessages,
  countUserMessages,
  displayText,
  isAgentWorking,
  isChatDone,
  isConfirmPending,
  normalizeMessage,
  parseHistory,
  parseStatus,
  pendingTool,
  queuePrompt,
  readAgentResponse,
  replyIdsIn,
  stillQueued,
  toolNameOf,
} from './conversation';
import { confirmedFindEvents, declinedFindEvents, done, eventsResult, greeting, proposal, streamedReply, twoCalls, userAustin } from './test/fixtures';
import type { ChatStatus, Message } from './types';

const running: ChatStatus = { state: 'running', detail: '' };

describe('parseHistory', () => {
  it('reads {"messages": [...]}', () => {
    expect(parseHistory({ messages: [greeting, userAustin] })).toEqual({ messages: [greeting, userAustin], goal: null });
  });

  it('reads the goal the conversation pursues now', () => {
    const goal = { id: 'goal_travel_helper', name: 'Travel Desk' };
    expect(parseHistory({ messages: [greeting], goal }).goal).toEqual(goal);
  });

  it.each([null, 'Travel Desk', { id: 'x' }, { name: 'No id' }, { id: '', name: '' }])('reads goal %j as none', (goal) => {
    expect(parseHistory({ messages: [], goal }).goal).toBeNull();
  });

  it('reads the bare [] of a failed or just-started run', () => {
    expect(parseHistory([])).toEqual({ messages: [], goal: null });
  });

  it.each([null, undefined, 'oops', 42, { messages: 'nope' }, {}])('gives an empty list for %j', (data) => {
    expect(parseHistory(data).messages).toEqual([]);
  });

  it('keeps odd entries as unknown messages instead of dropping them', () => {
    expect(parseHistory({ messages: ['text', null, { response: 'no actor' }] }).messages).toEqual([
      { actor: 'unknown', response: 'text' },
      { actor: 'unknown', response: null },
      { actor: 'unknown', response: 'no actor' },
    ]);
    expect(normalizeMessage({ actor: 7, response: 1 })).toEqual({ actor: 'unknown', response: 1 });
  });
});

describe('parseStatus', () => {
  it('reads known states and the detail', () => {
    expect(parseStatus({ state: 'worker_unavailable', detail: 'no poller' })).toEqual({ state: 'worker_unavailable', detail: 'no poller' });
    expect(parseStatus({ state: 'completed' })).toEqual({ state: 'completed', detail: '' });
    expect(parseStatus({ state: 'ended', detail: 'by the user' })).toEqual({ state: 'ended', detail: 'by the user' });
  });

  it('maps anything else to unknown', () => {
    expect(parseStatus({ state: 'exploded' }).state).toBe('unknown');
    expect(parseStatus(null).state).toBe('unknown');
  });

  it('reads the activity being retried', () => {
    const activity = {
      name: 'agent_toolPlanner',
      attempt: 3,
      last_failure: 'HTTP 500 from the model',
      next_attempt_at: '2026-12-07T01:00:02Z',
    };
    const detail = 'The model is busy, retrying (attempt 3)…';
    expect(parseStatus({ state: 'running', detail, activity })).toEqual({ state: 'running', detail, activity });
    expect(parseStatus({ state: 'running', detail, activity: { name: 'FindEvents', attempt: 2 } }).activity).toEqual({
      name: 'FindEvents',
      attempt: 2,
      last_failure: null,
      next_attempt_at: null,
    });
  });

  it('has no activity when none is said, or it names no activity and attempt', () => {
    expect(parseStatus({ state: 'running', detail: '' })).not.toHaveProperty('activity');
    expect(parseStatus({ state: 'running', detail: '', activity: null })).not.toHaveProperty('activity');
    expect(parseStatus({ state: 'running', detail: '', activity: { attempt: 2 } })).not.toHaveProperty('activity');
    expect(parseStatus({ state: 'running', detail: '', activity: { name: 'X', attempt: '2' } })).not.toHaveProperty('activity');
  });
});

describe('live reply ids', () => {
  it('reads the reply id an agent message streamed as', () => {
    expect(readAgentResponse(streamedReply('r7', 'Hi').response).replyId).toBe('r7');
    expect(readAgentResponse(greeting.response).replyId).toBeNull();
  });

  it('collects the reply ids of the agent messages only', () => {
    const toolResult = { actor: 'tool_result', response: { tool: 'X', reply_id: 'not-a-reply' } };
    expect(replyIdsIn([streamedReply('r1', 'a'), userAustin, greeting, toolResult, streamedReply('r2', 'b')])).toEqual(new Set(['r1', 'r2']));
  });
});

describe('readAgentResponse', () => {
  it('reads a full ToolData', () => {
    expect(readAgentResponse(proposal(true).response)).toEqual({
      text: 'Shall I search?',
      next: 'confirm',
      tool: 'FindEvents',
      args: { city: 'Austin', month: 'December' },
      forceConfirm: true,
      replyId: null,
      proposalId: 'p-1',
      calls: [{ tool: 'FindEvents', args: { city: 'Austin', month: 'December' } }],
    });
  });

  it('reads every call of tools proposed together', () => {
    const view = readAgentResponse(twoCalls.response);
    expect(view.proposalId).toBe('p-2');
    expect(view.calls).toEqual([
      { tool: 'FindEvents', args: { city: 'Austin', month: 'December' } },
      { tool: 'FindEvents', args: { city: 'Denver', month: 'March' } },
    ]);
  });

  it('reads a lone or odd tool_calls list as the single tool', () => {
    const single = readAgentResponse({ next: 'confirm', tool: 'SearchFlights', args: { origin: 'ORD' }, tool_calls: [] });
    expect(single.calls).toEqual([{ tool: 'SearchFlights', args: { origin: 'ORD' } }]);
    const odd = readAgentResponse({ next: 'confirm', tool: 'X', args: null, tool_calls: [{ tool: '' }, 'y', null] });
    expect(odd.calls).toEqual([{ tool: 'X', args: {} }]);
    expect(readAgentResponse({ next: 'question', response: 'Where to?' }).calls).toEqual([]);
  });

  it('reads a validation failure (only next and response)', () => {
    const view = readAgentResponse({ next: 'question', response: "That doesn't look like a trip question." });
    expect(view).toMatchObject({ text: "That doesn't look like a trip question.", next: 'question', tool: null, args: null });
  });

  it('survives missing, null and non-object responses', () => {
    expect(readAgentResponse(undefined).text).toBe('');
    expect(readAgentResponse(null).text).toBe('');
    expect(readAgentResponse({}).text).toBe('');
    expect(readAgentResponse({ response: null, args: null, tool: 5 })).toMatchObject({ text: '', tool: null, args: null });
    expect(readAgentResponse('plain words').text).toBe('plain words');
    expect(readAgentResponse(12).text).toBe('12');
    expect(readAgentResponse(['a', 'b']).text).toContain('"a"');
    expect(readAgentResponse({ response: { nested: true } }).text).toContain('"nested": true');
  });

  it('reads a ToolData that arrived as a JSON string', () => {
    expect(readAgentResponse('{"next":"done","response":"Bye"}')).toMatchObject({ next: 'done', text: 'Bye' });
    expect(readAgentResponse('{not json').text).toBe('{not json');
  });

  it('treats a missing force_confirm as asking first', () => {
    expect(readAgentResponse({ next: 'confirm', tool: 'X' }).forceConfirm).toBe(true);
    expect(readAgentResponse({ next: 'confirm', tool: 'X', force_confirm: false }).forceConfirm).toBe(false);
  });
});

describe('small readers', () => {
  it('displayText', () => {
    expect(displayText('a\nb')).toBe('a\nb');
    expect(displayText(null)).toBe('');
    expect(displayText(false)).toBe('false');
    expect(displayText({ a: 1 })).toBe('{\n  "a": 1\n}');
  });

  it('toolNameOf', () => {
    expect(toolNameOf(eventsResult.response)).toBe('FindEvents');
    expect(toolNameOf('x')).toBeNull();
    expect(toolNameOf({ tool: '' })).toBeNull();
  });

  it('countAgentMessages', () => {
    expect(countAgentMessages([greeting, userAustin, proposal(true)])).toBe(2);
  });
});

describe('pendingTool and isConfirmPending', () => {
  it('is pending when the last agent message proposes a tool with confirmation on', () => {
    const messages = [greeting, userAustin, proposal(true)];
    expect(pendingTool(messages)).toEqual({
      index: 2,
      proposalId: 'p-1',
      calls: [{ tool: 'FindEvents', args: { city: 'Austin', month: 'December' } }],
      forceConfirm: true,
      answered: false,
    });
    expect(isConfirmPending(messages)).toBe(true);
  });

  it('is not pending once the user declined it', () => {
    expect(pendingTool([greeting, userAustin, proposal(true), declinedFindEvents()])).toBeNull();
  });

  it('is answered once the user has written since (a typed "yes" or "no")', () => {
    expect(pendingTool([greeting, userAustin, proposal(true), { actor: 'user', response: 'yes' }])?.answered).toBe(true);
  });

  it('has every call of tools proposed together', () => {
    expect(pendingTool([greeting, userAustin, twoCalls])).toMatchObject({ proposalId: 'p-2', calls: [{ tool: 'FindEvents' }, { tool: 'FindEvents' }] });
  });

  it('is not pending once the user confirmed the tool', () => {
    const messages = [greeting, userAustin, proposal(true), confirmedFindEvents];
    expect(pendingTool(messages)).toBeNull();
    expect(isConfirmPending([...messages, eventsResult])).toBe(false);
  });

  it('reports an automatic tool, but not as waiting for the user', () => {
    const messages = [greeting, userAustin, proposal(false)];
    expect(pendingTool(messages)?.forceConfirm).toBe(false);
    expect(isConfirmPending(messages)).toBe(false);
  });

  it('only looks at the last agent message', () => {
    expect(isConfirmPending([proposal(true), greeting])).toBe(false);
  });

  it('ignores a question that names a tool, and a confirm without a tool', () => {
    const question: Message = { actor: 'agent', response: { next: 'question', tool: 'CreateInvoice', args: {}, response: 'Invoice it?' } };
    const toolless: Message = { actor: 'agent', response: { next: 'confirm', tool: null, response: '?' } };
    expect(pendingTool([question])).toBeNull();
    expect(pendingTool([toolless])).toBeNull();
    expect(pendingTool([])).toBeNull();
  });
});

describe('isChatDone', () => {
  it('is done when the workflow completed or failed', () => {
    expect(isChatDone([greeting], { state: 'completed', detail: '' })).toBe(true);
    expect(isChatDone([greeting], { state: 'ended', detail: '' })).toBe(true);
    expect(isChatDone([], { state: 'failed', detail: '' })).toBe(true);
  });

  it('is done when the last agent message says done', () => {
    expect(isChatDone([greeting, done], running)).toBe(true);
    expect(isChatDone([done, userAustin], running)).toBe(true);
  });

  it('is not done while running and the agent has more to do', () => {
    expect(isChatDone([greeting, userAustin, proposal(true)], running)).toBe(false);
    expect(isChatDone([], { state: 'worker_unavailable', detail: '' })).toBe(false);
  });
});

describe('isAgentWorking', () => {
  const idle = { ended: false, awaitingAfter: null };

  it('works while the greeting is being prepared', () => {
    expect(isAgentWorking([], idle)).toBe(true);
  });

  it('waits for the user after a question or a proposal', () => {
    expect(isAgentWorking([greeting], idle)).toBe(false);
    expect(isAgentWorking([greeting, userAustin, proposal(true)], idle)).toBe(false);
  });

  it('works after a user message, a confirmation or a tool result', () => {
    expect(isAgentWorking([greeting, userAustin], idle)).toBe(true);
    expect(isAgentWorking([greeting, userAustin, proposal(true), confirmedFindEvents], idle)).toBe(true);
    expect(isAgentWorking([greeting, userAustin, proposal(true), confirmedFindEvents, eventsResult], idle)).toBe(true);
  });

  it('works after a decline: the agent answers it', () => {
    expect(isAgentWorking([greeting, userAustin, proposal(true), declinedFindEvents()], idle)).toBe(true);
  });

  it('works while a tool that needs no confirmation runs', () => {
    expect(isAgentWorking([greeting, userAustin, proposal(false)], idle)).toBe(true);
  });

  it('works from the moment the user sends until a new agent message arrives', () => {
    const before = [greeting];
    expect(isAgentWorking(before, { ended: false, awaitingAfter: 1 })).toBe(true);
    expect(isAgentWorking([...before, userAustin, proposal(true)], { ended: false, awaitingAfter: 1 })).toBe(false);
  });

  it('never works once the chat ended', () => {
    expect(isAgentWorking([greeting, userAustin], { ended: true, awaitingAfter: 1 })).toBe(false);
  });

  it('does not spin on a summary or an unknown message', () => {
    expect(isAgentWorking([{ actor: 'conversation_summary', response: 'Earlier...' }], idle)).toBe(false);
    expect(isAgentWorking([{ actor: 'robot', response: 'beep' }], idle)).toBe(false);
  });
});

describe('queued prompts', () => {
  it('waits for a sent prompt until the history has it', () => {
    const queued = queuePrompt([], [greeting], 'Austin please');
    expect(stillQueued(queued, [greeting]).map((q) => q.text)).toEqual(['Austin please']);
    expect(stillQueued(queued, [greeting, { actor: 'user', response: 'Austin please' }])).toEqual([]);
  });

  it('takes prompts in order, one user message each', () => {
    let queued = queuePrompt([], [greeting], 'first');
    queued = queuePrompt(queued, [greeting], 'second');
    const oneIn = [greeting, { actor: 'user', response: 'first' }];
    expect(stillQueued(queued, oneIn).map((q) => q.text)).toEqual(['second']);
    expect(stillQueued(queued, [...oneIn, proposal(true), { actor: 'user', response: 'second' }])).toEqual([]);
  });

  it('does not wait twice for a prompt the history took in before the send returned', () => {
    const before = [greeting];
    const queued = queuePrompt([], before, 'quick');
    expect(stillQueued(queued, [greeting, { actor: 'user', response: 'quick' }])).toEqual([]);
    expect(countUserMessages([greeting, userAustin, userAustin])).toBe(2);
  });
});
