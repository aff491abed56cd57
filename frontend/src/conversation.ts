// Reads the conversation history defensively and answers the questions the UI asks of it:
// what does this message say, is a tool waiting for the user's confirmation, is the agent
// still working, has the chat ended. Nothing here throws on a malformed message: the history
// comes from an LLM by way of the workflow, so any field may be missing, null or odd.

import { displayText, isObject, type Json } from './json';
import { proposedCalls } from './proposals';
import type { ActivityRetry, ChatHistory, ChatState, ChatStatus, CurrentGoal, Message, ToolCall } from './types';

export { displayText, isObject };

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** One history entry from the wire; a non-object becomes an `unknown` message rather than vanishing. */
export function normalizeMessage(raw: unknown): Message {
  if (!isObject(raw)) return { actor: 'unknown', response: raw };
  const actor = typeof raw.actor === 'string' ? raw.actor : 'unknown';
  return { actor, response: raw.response };
}

/** The history's `goal`, when it names one with an id and a name. */
function readGoal(raw: unknown): CurrentGoal | null {
  if (!isObject(raw)) return null;
  const id = str(raw.id);
  const name = str(raw.name);
  return id && name ? { id, name } : null;
}

/**
 * `{"messages": [...], "goal": {...}}` or `[]` (a failed run, or one that has just started)
 * into the messages and the goal the conversation pursues now (null when not said).
 */
export function parseHistory(data: unknown): ChatHistory {
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.messages) ? data.messages : [];
  return { messages: list.map(normalizeMessage), goal: isObject(data) ? readGoal(data.goal) : null };
}

const STATES: readonly ChatState[] = ['running', 'completed', 'ended', 'failed', 'not_found', 'worker_unavailable'];

/** A status's `activity`: what is being retried, when it names the activity and its attempt. */
function readActivityRetry(raw: unknown): ActivityRetry | null {
  if (!isObject(raw)) return null;
  const name = str(raw.name);
  const attempt = typeof raw.attempt === 'number' && Number.isInteger(raw.attempt) ? raw.attempt : null;
  if (!name || attempt === null) return null;
  return { name, attempt, last_failure: str(raw.last_failure), next_attempt_at: str(raw.next_attempt_at) };
}

export function parseStatus(data: unknown): ChatStatus {
  if (!isObject(data)) return { state: 'unknown', detail: '' };
  const state = STATES.find((s) => s === data.state) ?? 'unknown';
  const status: ChatStatus = { state, detail: typeof data.detail === 'string' ? data.detail : '' };
  const activity = readActivityRetry(data.activity);
  return activity ? { ...status, activity } : status;
}

/** What an agent message says and proposes, whatever shape it arrived in. */
export interface AgentView {
  text: string;
  next: string | null;
  tool: string | null;
  args: Json | null;
  forceConfirm: boolean;
  /** The live reply that streamed `text`, when it streamed (see `liveReplies.ts`). */
  replyId: string | null;
  /** Names the proposal when `next` is `confirm`, so the user's answer reaches this one. */
  proposalId: string | null;
  /** Every tool proposed: `tool_calls` when there are several, else `tool` and `args`. */
  calls: ToolCall[];
}

/** A ToolData that was stored as a JSON string is read as the object it encodes. */
function asToolData(response: unknown): Json | null {
  if (isObject(response)) return response;
  if (typeof response === 'string' && response.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(response);
      return isObject(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }
  return null;
}

export function readAgentResponse(response: unknown): AgentView {
  const data = asToolData(response);
  if (!data) {
    return { text: displayText(response), next: null, tool: null, args: null, forceConfirm: false, replyId: null, proposalId: null, calls: [] };
  }
  return {
    text: displayText(data.response),
    next: str(data.next),
    tool: str(data.tool),
    args: isObject(data.args) ? data.args : null,
    // The workflow sets this on every planner answer; a missing flag is treated as "ask first".
    forceConfirm: data.force_confirm !== false,
    replyId: str(data.reply_id),
    proposalId: str(data.proposal_id),
    calls: proposedCalls(data),
  };
}

/** The ids of the live replies whose final text is in `messages`. */
export function replyIdsIn(messages: readonly Message[]): Set<string> {
  const ids = new Set<string>();
  for (const message of messages) {
    if (message.actor !== 'agent') continue;
    const id = readAgentResponse(message.response).replyId;
    if (id) ids.add(id);
  }
  return ids;
}

/** The tool a `tool_result` message is about. */
export function toolNameOf(response: unknown): string | null {
  return isObject(response) ? str(response.tool) : null;
}

export function countAgentMessages(messages: readonly Message[]): number {
  return messages.filter((m) => m.actor === 'agent').length;
}

export function countUserMessages(messages: readonly Message[]): number {
  return messages.filter((m) => m.actor === 'user').length;
}

/**
 * A prompt the api accepted that the workflow has not put in the history yet (it is queued
 * in the workflow, or the worker is down). `baseline` is how many user messages the history
 * must exceed for this one to have arrived: the workflow takes prompts in order.
 */
export interface QueuedPrompt {
  text: string;
  baseline: number;
}

/** Adds `text`, sent when the history was `messages`, behind the prompts still waiting then. */
export function queuePrompt(queued: readonly QueuedPrompt[], messages: readonly Message[], text: string): QueuedPrompt[] {
  const waiting = stillQueued(queued, messages);
  return [...waiting, { text, baseline: countUserMessages(messages) + waiting.length }];
}

/** The queued prompts that have not shown up in the history yet. */
export function stillQueued(queued: readonly QueuedPrompt[], messages: readonly Message[]): QueuedPrompt[] {
  const users = countUserMessages(messages);
  return queued.filter((q) => users <= q.baseline);
}

function lastIndexOf(messages: readonly Message[], actor: string): number {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i]?.actor === actor) return i;
  }
  return -1;
}

/** The tools the last agent message proposes that the user has not confirmed or declined yet. */
export interface PendingTool {
  /** Index of the proposing agent message (stable key for its confirm card). */
  index: number;
  /** What the user's confirm or decline names; null in histories from before proposals had ids. */
  proposalId: string | null;
  /** One or more; several run together on one confirmation. */
  calls: ToolCall[];
  /** True: waits for the user's Confirm. False: the workflow runs it without asking. */
  forceConfirm: boolean;
  /** The user has written since it was proposed (a "yes", a "no", or something else): the agent is on it. */
  answered: boolean;
}

/** The user's answers to a proposal: once one of these follows it, nothing waits. */
const SETTLING: readonly string[] = ['user_confirmed_tool_run', 'user_declined_tool_run'];

export function pendingTool(messages: readonly Message[]): PendingTool | null {
  const index = lastIndexOf(messages, 'agent');
  if (index < 0) return null;
  const view = readAgentResponse(messages[index]?.response);
  if (view.next !== 'confirm' || view.calls.length === 0) return null;
  const after = messages.slice(index + 1);
  if (after.some((m) => SETTLING.includes(m.actor))) return null;
  return {
    index,
    proposalId: view.proposalId,
    calls: view.calls,
    forceConfirm: view.forceConfirm,
    answered: after.some((m) => m.actor === 'user'),
  };
}

/** Is the agent waiting for the user to press Confirm? */
export function isConfirmPending(messages: readonly Message[]): boolean {
  return pendingTool(messages)?.forceConfirm === true;
}

/** The workflow has finished (completed, ended or failed), or the agent said it is done. */
export function isChatDone(messages: readonly Message[], status: ChatStatus): boolean {
  if (status.state === 'completed' || status.state === 'ended' || status.state === 'failed') return true;
  const index = lastIndexOf(messages, 'agent');
  return index >= 0 && readAgentResponse(messages[index]?.response).next === 'done';
}

export interface WorkingInput {
  ended: boolean;
  /** Number of agent messages when the user last sent or confirmed; null when not waiting. */
  awaitingAfter: number | null;
}

/** Should the UI show that the agent is busy? */
export function isAgentWorking(messages: readonly Message[], { ended, awaitingAfter }: WorkingInput): boolean {
  if (ended) return false;
  if (awaitingAfter !== null && countAgentMessages(messages) <= awaitingAfter) return true;
  const last = messages[messages.length - 1];
  // A conversation that has just started is preparing its greeting.
  if (!last) return true;
  switch (last.actor) {
    case 'user':
    case 'user_confirmed_tool_run':
    case 'user_declined_tool_run':
    case 'tool_result':
      // Each of these is always followed by more work: validation and planning, the tool
      // itself, or planning the next step with the tool's result (or without the tool).
      return true;
    case 'agent': {
      const pending = pendingTool(messages);
      return pending !== null && !pending.forceConfirm;
    }
    default:
      return false;
  }
}
