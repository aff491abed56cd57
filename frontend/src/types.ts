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
