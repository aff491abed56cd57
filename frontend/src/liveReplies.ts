// The agent's replies while the model writes them. The api's `/events` stream sends `delta`
// events, `{"reply": "<id>", "text": "<new text>"}`, plus `"restart": true` (a retried attempt
// starts that reply over) and `"done": true` (its text is complete; it adds none). Joined in
// order, a reply's deltas are exactly the `response` of the agent message whose `reply_id` it
// is; once that message is in the history it takes the live reply's place, and the live reply
// is forgotten.
//
// A fresh connection (a reload) replays what the server still keeps, so deltas may name a
// reply whose message the history already has: those are ignored. The agent writes one reply
// at a time, so a reply whose message has arrived is also the end of every reply that started
// before it (one whose message left the history, summarised, is never shown again). Not every
// deployment streams; with no deltas at all, replies simply arrive whole in the history.

import { isObject } from './conversation';
import type { Message } from './types';

/** One `delta` event's data. */
export interface Delta {
  reply: string;
  text: string;
  restart: boolean;
}

/** A reply being written, and its text so far. */
export interface LiveReply {
  id: string;
  text: string;
}

/** Live replies in the order they started. */
export type LiveReplies = readonly LiveReply[];

/** Replies kept at most; older ones (whose message never came) are dropped first. */
const KEPT = 16;

/** A `delta` event's data, or null when it names no reply. */
export function parseDelta(data: unknown): Delta | null {
  if (!isObject(data) || typeof data.reply !== 'string' || data.reply === '') return null;
  return {
    reply: data.reply,
    text: typeof data.text === 'string' ? data.text : '',
    restart: data.restart === true,
  };
}

/**
 * `replies` after `delta`. `finished` holds the ids whose final message is already in the
 * history: their deltas are replays, and every reply before them is over.
 */
export function applyDelta(replies: LiveReplies, delta: Delta, finished: ReadonlySet<string>): LiveReplies {
  if (finished.has(delta.reply)) return replies.length === 0 ? replies : [];
  const current = replies.find((r) => r.id === delta.reply);
  if (!current) {
    // A reply is known from its first text; a lone restart or done before it says nothing.
    return delta.text === '' ? replies : [...replies, { id: delta.reply, text: delta.text }].slice(-KEPT);
  }
  const text = delta.restart ? delta.text : current.text + delta.text;
  if (text === current.text) return replies;
  return replies.map((r) => (r === current ? { id: r.id, text } : r));
}

/** The replies that started after the last one whose final message is in the history now. */
export function withoutFinished(replies: LiveReplies, finished: ReadonlySet<string>): LiveReplies {
  let last = replies.length - 1;
  while (last >= 0 && !finished.has(replies[last]?.id ?? '')) last -= 1;
  return last < 0 ? replies : replies.slice(last + 1);
}

/**
 * The reply to show as the agent's next bubble: the newest one, unless its message is in the
 * history, once it has text (after a restart, none until the new attempt writes), and only
 * while the agent is working: a replay of an old reply whose message has left the history
 * (summarised) must not appear at the end of a chat that waits for the user.
 */
export function replyToShow(replies: LiveReplies, finished: ReadonlySet<string>, working: boolean): LiveReply | null {
  const newest = replies[replies.length - 1];
  if (!working || !newest || finished.has(newest.id) || newest.text === '') return null;
  return newest;
}

/** The live reply as the agent message it will become, so both draw as the same bubble. */
export function asAgentMessage(reply: LiveReply): Message {
  return { actor: 'agent', response: { next: 'question', tool: null, args: {}, response: reply.text, reply_id: reply.id } };
}
