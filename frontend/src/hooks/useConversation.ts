// The live state of one conversation: its messages, goal and status (from the feed), the
// reply the agent is writing right now, whether the agent is working (and whether one of its
// model calls or tools is being retried), and the user's actions (send, confirm or decline a
// proposal, end). Failures of a send or an end go to `onError`; those of an answer to a
// proposal are thrown, for its card to show; the worker being down or the server being
// unreachable are reported as state, because they last until the feed sees things recover.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as api from '../api';
import {
  countAgentMessages,
  isAgentWorking,
  isChatDone,
  pendingTool,
  queuePrompt,
  replyIdsIn,
  stillQueued,
  type PendingTool,
  type QueuedPrompt,
} from '../conversation';
import { openFeed } from '../feed';
import type { Json } from '../json';
import { applyDelta, replyToShow, withoutFinished, type LiveReplies, type LiveReply } from '../liveReplies';
import { retryingFrom, type Retrying } from '../retrying';
import type { ChatHistory, ChatStatus, CurrentGoal, Message } from '../types';
import type { OpeningPrompt } from './useConversationId';

const UNKNOWN: ChatStatus = { state: 'unknown', detail: '' };

/** `/confirm`'s answer when the tools it started have not finished within the request. */
const STILL_RUNNING = 504;

export interface Conversation {
  messages: Message[];
  /** The goal the conversation pursues now, when the server says. */
  goal: CurrentGoal | null;
  /** The agent's reply as the model writes it, until its message is in the history. */
  live: LiveReply | null;
  status: ChatStatus;
  /** A model call or tool being retried right now, while the chat goes on. */
  retrying: Retrying | null;
  /** What keeps us from the server right now, if anything. */
  connectionProblem: string | null;
  /** True until the first history arrives. */
  loading: boolean;
  /** The conversation `messages` are of: null until its first history arrived. */
  historyOf: string | null;
  /** No conversation has this id (yet); the first message sent starts it. */
  missing: boolean;
  ended: boolean;
  working: boolean;
  pending: PendingTool | null;
  /** Prompts the api accepted that are not in the history yet. */
  queued: QueuedPrompt[];
  send: (prompt: string) => Promise<boolean>;
  /** Runs the tools of proposal `proposalId` (`args`: a single tool's edited arguments). */
  confirm: (proposalId: string | null, args?: Json) => Promise<void>;
  decline: (proposalId: string | null, reason: string) => Promise<void>;
  endChat: () => Promise<void>;
}

/** The feed resends the whole history; an unchanged one keeps its identity (no re-render). */
function sameHistory(a: ChatHistory, b: ChatHistory): boolean {
  return a.messages.length === b.messages.length && JSON.stringify(a) === JSON.stringify(b);
}

const EMPTY: ChatHistory = { messages: [], goal: null };

function describe(error: unknown): string {
  return error instanceof api.ApiError ? error.detail : 'Something went wrong.';
}

/**
 * `workflowId`'s conversation; `opening` is the first message of a conversation started here,
 * shown as on its way (and the agent as working) until the history has it.
 */
export function useConversation(workflowId: string | null, onError: (text: string) => void, opening: OpeningPrompt | null = null): Conversation {
  const [history, setHistory] = useState<ChatHistory>(EMPTY);
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const [replies, setReplies] = useState<LiveReplies>([]);
  const [status, setStatus] = useState<ChatStatus>(UNKNOWN);
  const [connectionProblem, setConnectionProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [awaitingAfter, setAwaitingAfter] = useState<number | null>(null);
  const [endedHere, setEndedHere] = useState(false);
  const [queuedPrompts, setQueuedPrompts] = useState<QueuedPrompt[]>([]);
  const { messages, goal } = history;
  const messagesRef = useRef(messages);
  messagesRef.current = messages;
  const openingRef = useRef(opening);
  openingRef.current = opening;
  const finished = useMemo(() => replyIdsIn(messages), [messages]);

  useEffect(() => {
    setHistory(EMPTY);
    setHistoryOf(null);
    setReplies([]);
    setStatus(UNKNOWN);
    setConnectionProblem(null);
    setLoading(true);
    setEndedHere(false);
    const first = openingRef.current?.id === workflowId ? openingRef.current.text : null;
    // A conversation started with a message greets first, then answers it: two agent messages.
    setAwaitingAfter(first === null ? null : 1);
    setQueuedPrompts(first === null ? [] : [{ text: first, baseline: 0 }]);
    if (!workflowId) return undefined;

    let active = true;
    // The feed is fresher than the first request: once it has spoken, that answer is stale.
    let feedHistory = false;
    let feedHeard = false;
    // The replies whose message the history holds, as of the newest history: deltas of these
    // are replays. Kept here, not read from state, so a delta right after a history sees it.
    let finishedNow = new Set<string>();
    const showHistory = (next: ChatHistory) => {
      finishedNow = replyIdsIn(next.messages);
      setHistory((previous) => (sameHistory(previous, next) ? previous : next));
      setHistoryOf(workflowId);
      setReplies((current) => withoutFinished(current, finishedNow));
      setLoading(false);
    };
    // The first history can come sooner by request than by the feed, which then keeps it current.
    api.getHistory(workflowId).then(
      (first) => {
        if (!active || feedHistory) return;
        showHistory(first);
      },
      (error: unknown) => {
        if (!active || feedHeard) return;
        if (api.isWorkerUnavailable(error)) {
          setStatus({ state: 'worker_unavailable', detail: describe(error) });
        } else {
          setConnectionProblem(describe(error));
        }
      },
    );
    const close = openFeed(
      workflowId,
      {
        onHistory: (next) => {
          if (!active) return;
          feedHistory = true;
          feedHeard = true;
          showHistory(next);
        },
        onDelta: (delta) => {
          if (!active) return;
          setReplies((current) => applyDelta(current, delta, finishedNow));
        },
        onStatus: (next) => {
          if (!active) return;
          feedHeard = true;
          setStatus(next);
        },
        onConnection: (problem) => {
          if (!active) return;
          feedHeard = true;
          setConnectionProblem(problem);
        },
      },
      {
        getHistory: api.getHistory,
        createEventSource: typeof EventSource === 'function' ? (url) => new EventSource(url) : null,
      },
    );
    return () => {
      active = false;
      close();
    };
  }, [workflowId]);

  const ended = endedHere || isChatDone(messages, status);
  const agentCount = countAgentMessages(messages);

  // A new agent message answers whatever we were waiting for.
  useEffect(() => {
    if (awaitingAfter !== null && agentCount > awaitingAfter) setAwaitingAfter(null);
  }, [agentCount, awaitingAfter]);

  // A conversation that does not exist (an id typed into the URL) is not preparing anything.
  const missing = status.state === 'not_found';
  const working = !loading && !missing && isAgentWorking(messages, { ended, awaitingAfter });
  const live = useMemo(() => replyToShow(replies, finished, working), [replies, finished, working]);
  const pending = useMemo(() => (ended ? null : pendingTool(messages)), [ended, messages]);
  const retrying = useMemo(() => (ended ? null : retryingFrom(status)), [ended, status]);
  // A finished workflow drops prompts it had not taken yet, so they are no longer "on the way".
  const queued = useMemo(() => (ended ? [] : stillQueued(queuedPrompts, messages)), [ended, queuedPrompts, messages]);

  const send = useCallback(
    async (prompt: string) => {
      if (!workflowId || !prompt.trim()) return false;
      // The history as it was before sending: the feed may deliver this very prompt before
      // the api's answer does, and the queue must not wait for it a second time.
      const before = messagesRef.current;
      setAwaitingAfter(countAgentMessages(before));
      try {
        await api.sendPrompt(workflowId, prompt);
        setQueuedPrompts((current) => queuePrompt(current, before, prompt));
        return true;
      } catch (error) {
        setAwaitingAfter(null);
        onError(`Your message wasn't sent: ${describe(error)}`);
        return false;
      }
    },
    [workflowId, onError],
  );

  // An answer to a proposal is followed by the agent's next message (after the tools, for a
  // confirmation); until then the agent is working.
  const answer = useCallback(
    async (send: (id: string) => Promise<unknown>) => {
      if (!workflowId) return;
      setAwaitingAfter(countAgentMessages(messagesRef.current));
      try {
        await send(workflowId);
      } catch (error) {
        // The confirmation was taken, but the tools outlast the request: the feed shows the rest.
        if (error instanceof api.ApiError && error.status === STILL_RUNNING) return;
        setAwaitingAfter(null);
        throw error;
      }
    },
    [workflowId],
  );

  const confirm = useCallback(
    (proposalId: string | null, args?: Json) => answer((id) => api.confirm(id, proposalId, args)),
    [answer],
  );

  const decline = useCallback(
    (proposalId: string | null, reason: string) => answer((id) => api.decline(id, proposalId, reason)),
    [answer],
  );

  const endChat = useCallback(async () => {
    if (!workflowId) return;
    try {
      await api.endChat(workflowId);
      setEndedHere(true);
    } catch (error) {
      onError(`Couldn't end the chat: ${describe(error)}`);
    }
  }, [workflowId, onError]);

  return {
    messages,
    goal,
    live,
    status,
    retrying,
    connectionProblem,
    loading,
    historyOf,
    missing,
    ended,
    working,
    pending,
    queued,
    send,
    confirm,
    decline,
    endChat,
  };
}
