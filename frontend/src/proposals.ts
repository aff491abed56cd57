// The tools an agent proposes and the user's answers to them. A proposal (`next: "confirm"`)
// carries a `proposal_id` and one call in `tool`/`args`, or several in `tool_calls` (with the
// first repeated in `tool`/`args`). The user confirms it (`POST /confirm`, with edited
// arguments when there is one call), or declines it (`POST /decline`, optionally saying why);
// both name the proposal, so an answer meant for a proposal that is no longer current is
// refused (409) instead of landing on a newer one. A declined proposal stays in the history as
// `user_declined_tool_run`: `{"tool_calls": [...], "reason": string | null}`.

import { displayText, isObject, type Json } from './json';

/** One tool the agent proposes to run, with its arguments. */
export interface ToolCall {
  tool: string;
  args: Json;
}

/** A tool that ran after the user confirmed it, and what it returned. */
export interface ToolRun extends ToolCall {
  result: unknown;
}

/** `POST /confirm`'s answer: the proposal's tools, run. */
export interface ConfirmOutcome {
  message: string;
  proposalId: string | null;
  runs: ToolRun[];
}

/** `POST /decline`'s answer: the proposal's tools, none of them run. */
export interface DeclineOutcome {
  message: string;
  proposalId: string | null;
  calls: ToolCall[];
}

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

export function readConfirmOutcome(data: unknown): ConfirmOutcome {
  const answer = isObject(data) ? data : {};
  const runs = Array.isArray(answer.tool_calls)
    ? answer.tool_calls.flatMap((raw): ToolRun[] => {
        const call = readCall(raw);
        return call && isObject(raw) ? [{ ...call, result: raw.result }] : [];
      })
    : [];
  return { message: displayText(answer.message), proposalId: text(answer.proposal_id), runs };
}

export function readDeclineOutcome(data: unknown): DeclineOutcome {
  const answer = isObject(data) ? data : {};
  return { message: displayText(answer.message), proposalId: text(answer.proposal_id), calls: readToolCalls(answer.tool_calls) };
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
