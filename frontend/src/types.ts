// The shapes that cross the wire between the api and the UI (SPEC §2 and §6). Everything the
// server sends is `unknown` until `conversation.ts` has read it defensively.

/** One entry of the conversation history, exactly as the workflow stores it. */
export interface Message {
  actor: string;
  response: unknown;
}

/** The planner's answer, stored as an `agent` message (every field may be missing). */
export interface ToolData {
  next?: string | null;
  tool?: string | null;
  args?: Record<string, unknown> | null;
  response?: unknown;
  force_confirm?: boolean | null;
}

/**
 * Lifecycle of the conversation's workflow, as pushed by `/events`. `ended` (the user ended
 * the chat, as opposed to the agent finishing) is accepted too; anything else is `unknown`.
 */
export type ChatState = 'running' | 'completed' | 'ended' | 'failed' | 'not_found' | 'worker_unavailable' | 'unknown';

export interface ChatStatus {
  state: ChatState;
  detail: string;
}

/** `GET /ui-config`. */
export interface UiConfig {
  temporal_ui_url: string;
  namespace: string;
  task_queue: string;
  model: string;
  demo_model: boolean;
  default_workflow_id: string;
}

/** Where an email is in its life (`EmailStatus` in the models crate). */
export type EmailStatus = 'initialized' | 'waiting' | 'processing' | 'scheduled' | 'sending' | 'sent' | 'canceled' | 'failed';

/** One entry of an email's thread: a request the user sent, or the assistant's reply. */
export interface EmailMessage {
  actor: 'user' | 'agent';
  text: string;
}

/** How the worker delivers email (never a secret). */
export interface EmailSetup {
  channel: string;
  detail: string;
}

/** Proof of delivery. */
export interface EmailReceipt {
  channel: string;
  message_id: string;
  /** The outbox file, or the SMTP server that took the message. */
  location: string;
  /** Unix seconds. */
  delivered_at: number | null;
}

/** The email as the user sees it (`EmailView`), after `email.ts` has read it defensively. */
export interface EmailView {
  workflow_id: string;
  status: EmailStatus;
  request: string | null;
  draft: string;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  /** Unix seconds. */
  scheduled_at: number | null;
  scheduled_at_text: string | null;
  time_zone: string;
  reply: string | null;
  messages: EmailMessage[];
  setup: EmailSetup | null;
  receipt: EmailReceipt | null;
  failure: string | null;
}

/** What the email's event stream says besides the email itself. */
export type EmailFeedState = 'running' | 'finished' | 'not_found' | 'worker_unavailable' | 'unknown';

export interface EmailFeedStatus {
  state: EmailFeedState;
  detail: string;
}
