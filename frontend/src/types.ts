// The shapes that cross the wire between the api and the UI (docs/ARCHITECTURE.md, Wire
// shapes and HTTP API). They come from one place: `generated/api.ts`, generated from the
// api's OpenAPI document (`npm run gen:types`; `npm test` fails when it is stale), which the
// api derives from the Rust types themselves. Everything the server sends is `unknown` until
// `conversation.ts` or `email.ts` has read it defensively, so the types below are the wire
// types as those readers hand them on: a state this UI does not know becomes `unknown`, and an
// actor or delivery channel it does not know is kept as its name, instead of breaking the
// page.

import type { components } from './generated/api';

type Schemas = components['schemas'];

/** Who a message came from. */
export type Actor = Schemas['Actor'];

/** Known names first; any other string is kept (`string & {}` keeps editors' completion). */
type Open<T extends string> = T | (string & {});

/** One entry of the conversation history, as the workflow stores it. */
export type Message = Omit<Schemas['Message'], 'actor'> & { actor: Open<Actor> };

/**
 * The goal a conversation pursues now, as its history names it (`"goal": {"id", "name"}`
 * next to `messages`); the agent picker changes it mid-conversation.
 */
export type CurrentGoal = Schemas['CurrentGoal'];

/** A conversation's history as `conversation.ts` reads it: the goal is null when not named. */
export interface ChatHistory {
  messages: Message[];
  goal: CurrentGoal | null;
}

/** One goal a new conversation can pursue (`GET /goals`); `note` says why it is unavailable. */
export type GoalInfo = Omit<Schemas['GoalInfo'], 'note'> & { note: string | null };

/** `GET /goals`, after `api.getGoals` has read it. */
export type GoalCatalog = Omit<Schemas['GoalsResponse'], 'goals'> & { goals: GoalInfo[] };

/** The planner's answer, stored as an `agent` message (on the wire: `ToolData`). */
export type PlannerDecision = Schemas['PlannerDecision'];

/** One tool a proposal names, with its arguments (none: `{}`). */
export type ToolCall = Required<Schemas['ToolCall']>;

/** A tool of a proposal and, once it ran, what it returned. */
export type ToolRun = Schemas['ToolRun'];

/** What `/confirm` ran or `/decline` dropped, after `proposals.ts` has read it. */
export type ProposalAnswer = Required<Schemas['ProposalResponse']>;

/**
 * How a listed conversation's workflow stands. The document types it as a string; these are
 * the names it gives, and `unknown` stands for any other.
 */
export type PastChatStatus = 'running' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed_out' | 'unknown';

/** One past conversation as the list shows it (`GET /conversations`); unknown fields are null. */
export type PastChat = Omit<Required<Schemas['ConversationSummary']>, 'status'> & { status: PastChatStatus };

/** One page of `GET /conversations`, newest first; `next_page_token` is null on the last. */
export type PastChatsPage = Required<Omit<Schemas['ConversationsPage'], 'conversations'>> & { conversations: PastChat[] };

/**
 * Lifecycle of the conversation's workflow, as pushed by `/events`: `completed` (the agent
 * reached its goal) or `ended` (the user ended the chat), among others.
 */
export type ChatState = Schemas['ConversationState'] | 'unknown';

/** A model call or a tool that failed and is being tried again (`activity` on a status). */
export type ActivityRetry = Schemas['ActivityRetry'];

/** A `status` event; `activity` is there only while something is being retried. */
export type ChatStatus = Omit<Schemas['Status'], 'state'> & { state: ChatState };

/**
 * `GET /get-conversation-usage`, as `usage.ts` reads it: the conversation's model calls and
 * tokens, and what they cost in US dollars (null when a model used has no known price).
 */
export type ConversationUsage = Omit<Schemas['UsageReport'], 'by_step' | 'cost_usd'> & { cost_usd: number | null };

/** How callers sign in: `none`, or a bearer token (`tokens`, or `jwt` from an issuer). */
export type AuthMode = Schemas['AuthModeName'];

/** Where `jwt` signs people in: the issuer's authorization-code flow, with PKCE. */
export type OidcSettings = Schemas['OidcSettings'];

/** `/ui-config`'s `auth`, after `auth.ts` has read it: `oidc` is null when not given. */
export type AuthSettings = Required<Schemas['AuthInfo']>;

/** `GET /ui-config`. */
export type UiConfig = Omit<Schemas['UiConfig'], 'auth'> & { auth: AuthSettings };

/** Where an email is in its life. */
export type EmailStatus = Schemas['EmailStatus'];

/** One entry of an email's thread: a request the user sent, or the assistant's reply. */
export interface EmailMessage {
  actor: 'user' | 'agent';
  text: string;
}

type DeliveryChannel = Open<Schemas['DeliveryChannel']>;

/** How the worker delivers email (never a secret). */
export type EmailSetup = Pick<Schemas['EmailSetup'], 'detail'> & { channel: DeliveryChannel };

/** Proof of delivery; `delivered_at` is Unix seconds, null when unreadable. */
export type EmailReceipt = Pick<Schemas['EmailReceipt'], 'message_id' | 'location'> & {
  channel: DeliveryChannel;
  delivered_at: number | null;
};

/**
 * The email as the user sees it (`EmailView`), after `email.ts` has read it: optional fields
 * are null rather than missing, and the thread is a list of plain texts.
 */
export type EmailView = {
  [K in keyof Omit<Schemas['EmailView'], 'messages' | 'setup' | 'receipt'>]-?: Exclude<
    Schemas['EmailView'][K],
    undefined
  >;
} & {
  messages: EmailMessage[];
  setup: EmailSetup | null;
  receipt: EmailReceipt | null;
};

/** What the email's event stream says besides the email itself. */
export type EmailFeedState = Schemas['EmailStreamState'] | 'unknown';

export type EmailFeedStatus = Omit<Schemas['EmailStreamStatus'], 'state'> & { state: EmailFeedState };
