// The tools an agent proposes and the user's answers to them. A proposal (`next: "confirm"`)
// carries a `proposal_id` and one call in `tool`/`args`, or several in `tool_calls` (with the
// first repeated in `tool`/`args`). The user confirms it (`POST /confirm`, with edited
// arguments when there is one call), or declines it (`POST /decline`, optionally saying why);
// both name the proposal, so an answer meant for a proposal that is no longer current is
// refused (409) instead of landing on a newer one. A declined proposal stays in the history as
// `user_declined_tool_run`: `{"tool_calls": [...], "reason": string | null}`.

import { displayText, isObject, type Json } from './json';
import type { ProposalAnswer, ToolCall, ToolRun } from './types';

/** What a `user_declined_tool_run` message says. */
export interface Declined {
  calls: ToolCall[];
  reason: string | null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function readCall(raw: unknown): ToolCall | null {
  if (!isObject(raw)) return null;
  const tool = text(raw.tool);
  return tool ? { tool, args: isObject(raw.args) ? raw.args : {} } : null;
}

/** The `tool_calls` list of a decision or an answer, leaving out entries that name no tool. */
export function readToolCalls(raw: unknown): ToolCall[] {
  return Array.isArray(raw) ? raw.map(readCall).filter((call) => call !== null) : [];
}

/**
 * Every tool a planner decision proposes, in order: its `tool_calls` when it lists several,
 * otherwise its single `tool` with `args`.
 */
export function proposedCalls(decision: Json): ToolCall[] {
  const listed = readToolCalls(decision.tool_calls);
  if (listed.length > 0) return listed;
  const single = readCall(decision);
  return single ? [single] : [];
}

/** `/confirm`'s or `/decline`'s answer: the proposal's tools, with their results when they ran. */
export function readProposalAnswer(data: unknown): ProposalAnswer {
  const answer = isObject(data) ? data : {};
  const runs = Array.isArray(answer.tool_calls)
    ? answer.tool_calls.flatMap((raw): ToolRun[] => {
        const call = readCall(raw);
        if (!call) return [];
        return isObject(raw) && 'result' in raw ? [{ ...call, result: raw.result }] : [call];
      })
    : [];
  return {
    message: displayText(answer.message),
    workflow_id: displayText(answer.workflow_id),
    proposal_id: text(answer.proposal_id),
    tool_calls: runs,
  };
}

/** A `user_declined_tool_run` message's response. */
export function readDeclined(response: unknown): Declined {
  if (!isObject(response)) return { calls: [], reason: null };
  const calls = readToolCalls(response.tool_calls);
  const single = calls.length === 0 ? readCall(response) : null;
  return { calls: single ? [single] : calls, reason: text(response.reason) };
}

/** The tools' names for a sentence: "FindEvents", "FindEvents and SearchFlights". */
export function toolNames(calls: readonly ToolCall[], none = 'the tool'): string {
  const names = calls.map((call) => call.tool);
  if (names.length === 0) return none;
  if (names.length === 1) return names[0] ?? none;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
