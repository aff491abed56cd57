// One history entry, drawn according to who it is from. Unknown actors and odd shapes still
// render as readable text: a malformed message must never take the chat down.

import { displayText, isObject, readAgentResponse } from '../conversation';
import { proposedCalls, readDeclined, toolNames } from '../proposals';
import type { Message } from '../types';
import { AutoRunNote } from './ConfirmCard';
import { FormattedText } from './FormattedText';
import { LinkifiedText } from './LinkifiedText';
import { ToolResultView } from './ToolResultView';

function UserBubble({ response }: { response: unknown }) {
  return (
    <div className="flex justify-end">
      <div
        data-testid="message-user"
        className="max-w-[85%] rounded-2xl rounded-br-sm bg-teal-700 px-4 py-2 text-white shadow-sm dark:bg-teal-700"
      >
        <span className="sr-only">You: </span>
        <LinkifiedText text={displayText(response)} className="[&_a]:text-white [&_a]:decoration-white/60" />
      </div>
    </div>
  );
}

/** A prompt that was sent but is not in the conversation yet. */
export function QueuedBubble({ text }: { text: string }) {
  return (
    <div className="flex flex-col items-end gap-1">
      <div
        data-testid="message-queued"
        className="max-w-[85%] rounded-2xl rounded-br-sm border border-dashed border-teal-700/50 px-4 py-2 text-slate-700 dark:border-teal-400/50 dark:text-slate-200"
      >
        <span className="sr-only">You (sent, not yet received): </span>
        <LinkifiedText text={text} />
      </div>
      <span className="text-xs text-slate-500 dark:text-slate-400">Sent — waiting for the agent to pick it up</span>
    </div>
  );
}

/** While the agent is still writing: a blinking caret after the text. */
function WritingCaret() {
  return (
    <span
      data-testid="writing-caret"
      aria-hidden="true"
      className="ml-0.5 inline-block h-4 w-1.5 translate-y-0.5 animate-pulse rounded-sm bg-teal-600/70 dark:bg-teal-400/70"
    />
  );
}

/**
 * The agent's message; `streaming` while the model is still writing it. A live reply and the
 * message that replaces it draw through here alike, so the bubble stays put when it lands.
 */
function AgentBubble({ response, streaming }: { response: unknown; streaming: boolean }) {
  const view = readAgentResponse(response);
  const autoRuns = view.next === 'confirm' && view.calls.length > 0 && !view.forceConfirm;
  return (
    <div className="flex justify-start">
      <div
        data-testid="message-agent"
        data-streaming={streaming ? 'true' : undefined}
        aria-busy={streaming || undefined}
        className="max-w-[85%] rounded-2xl rounded-bl-sm bg-white px-4 py-2 text-slate-900 shadow-sm ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700"
      >
        <span className="sr-only">Agent: </span>
        {view.text.trim() ? (
          <FormattedText text={view.text} />
        ) : (
          <span className="italic text-slate-500 dark:text-slate-400">The agent sent an empty reply.</span>
        )}
        {streaming ? <WritingCaret /> : null}
        {autoRuns ? <AutoRunNote calls={view.calls} /> : null}
      </div>
    </div>
  );
}

function ConfirmedLine({ response }: { response: unknown }) {
  const tools = toolNames(isObject(response) ? proposedCalls(response) : []);
  const automatic = isObject(response) && response.force_confirm === false;
  return (
    <p data-testid="message-confirmed" className="text-center text-xs text-slate-500 dark:text-slate-400">
      {automatic ? `${tools} ran without confirmation` : `You confirmed ${tools}`}
    </p>
  );
}

/** The user said no to a proposal: nothing ran. */
function DeclinedLine({ response }: { response: unknown }) {
  const { calls, reason } = readDeclined(response);
  return (
    <p data-testid="message-declined" className="text-center text-xs text-slate-500 dark:text-slate-400">
      You declined {toolNames(calls)}
      {reason ? (
        <>
          {' — '}
          <span className="italic">“{reason}”</span>
        </>
      ) : null}
    </p>
  );
}

function SummaryNote({ response }: { response: unknown }) {
  const text = isObject(response) ? displayText(response.summary ?? response.response ?? response) : displayText(response);
  return (
    <div
      data-testid="message-summary"
      className="rounded-lg border border-dashed border-slate-300 px-3 py-2 text-sm text-slate-600 dark:border-slate-600 dark:text-slate-300"
    >
      <span className="font-medium">Earlier in this conversation: </span>
      <LinkifiedText text={text} />
    </div>
  );
}

function OtherMessage({ actor, response }: Message) {
  return (
    <p data-testid="message-other" className="text-sm text-slate-600 dark:text-slate-300">
      <span className="font-medium">{actor}: </span>
      <LinkifiedText text={displayText(response)} />
    </p>
  );
}

export interface MessageBubbleProps {
  message: Message;
  /** An agent message the model is still writing (a live reply). */
  streaming?: boolean;
}

export function MessageBubble({ message, streaming = false }: MessageBubbleProps) {
  switch (message.actor) {
    case 'user':
      return <UserBubble response={message.response} />;
    case 'agent':
      return <AgentBubble response={message.response} streaming={streaming} />;
    case 'tool_result':
      return <ToolResultView response={message.response} />;
    case 'user_confirmed_tool_run':
      return <ConfirmedLine response={message.response} />;
    case 'user_declined_tool_run':
      return <DeclinedLine response={message.response} />;
    case 'conversation_summary':
      return <SummaryNote response={message.response} />;
    default:
      return <OtherMessage actor={message.actor} response={message.response} />;
  }
}
