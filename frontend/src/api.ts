// Every call the UI makes to the api lives here (docs/ARCHITECTURE.md, HTTP API). The api is served from the same
// origin as the UI, so paths are relative to it; in development Vite proxies them. Each call
// names its conversation with `workflow_id`, and every failure becomes an `ApiError` that
// carries the server's `detail` text. Calls carry the session's token (`auth.ts`) as
// `Authorization: Bearer`; a 401 hands it back to `auth.ts`, which forgets it.

import { currentToken, readAuthSettings, tokenAccepted, tokenRefused, tokenRequired } from './auth';
import { isObject, parseHistory } from './conversation';
import { parseEmailView } from './email';
import { parsePastChatsPage } from './pastChats';
import { readProposalAnswer } from './proposals';
import type { ChatHistory, ConversationUsage, EmailView, GoalCatalog, GoalInfo, PastChatsPage, ProposalAnswer, UiConfig } from './types';
import { parseUsage } from './usage';

/** The api refuses prompts larger than this (UTF-8 bytes). */
export const MAX_PROMPT_BYTES = 8 * 1024;

export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached at all. */
  readonly status: number;
  readonly detail: string;

  constructor(status: number, detail: string) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
  }
}

type Params = Record<string, string | undefined>;

/** A missing or refused token; the detail is the same whatever was wrong. */
const UNAUTHORIZED = 401;

function urlFor(path: string, params: Params = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) query.set(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function detailOf(data: unknown, response: Response): string {
  if (isObject(data) && typeof data.detail === 'string' && data.detail) return data.detail;
  return `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
}

async function request(method: 'GET' | 'POST', path: string, params?: Params, body?: unknown): Promise<unknown> {
  let response: Response;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = currentToken();
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  try {
    response = await fetch(urlFor(path, params), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "Can't reach the server.");
  }
  const answer = await response.text().catch(() => '');
  let data: unknown = null;
  if (answer) {
    try {
      data = JSON.parse(answer);
    } catch {
      data = null;
    }
  }
  if (response.status === UNAUTHORIZED) tokenRefused(token);
  else if (response.ok) tokenAccepted(token);
  if (!response.ok) throw new ApiError(response.status, detailOf(data, response));
  return data;
}

/**
 * Starts a conversation (without an id, the default `agent-workflow`) pursuing `goal` (an id
 * from `getGoals`; without one, the server's default). Returns its id.
 */
export async function startWorkflow(workflowId?: string, goal?: string): Promise<string> {
  const data = await request('POST', '/start-workflow', { workflow_id: workflowId, goal });
  const id = isObject(data) && typeof data.workflow_id === 'string' ? data.workflow_id : workflowId;
  if (!id) throw new ApiError(0, 'The server started a chat but did not say which one.');
  return id;
}

export async function sendPrompt(workflowId: string, prompt: string): Promise<void> {
  await request('POST', '/send-prompt', { prompt, workflow_id: workflowId });
}

/**
 * Runs the tools of proposal `proposalId` (null: whichever waits, for histories from before
 * proposals had ids); `args` replaces the arguments of a single proposed tool. Answers once
 * the tools ran. A 409 means the proposal no longer waits; a 400 that `args` names an
 * argument the tool does not have or leaves out one it needs (nothing ran).
 */
export async function confirm(workflowId: string, proposalId: string | null, args?: Record<string, unknown>): Promise<ProposalAnswer> {
  const params = { workflow_id: workflowId, proposal: proposalId ?? undefined };
  return readProposalAnswer(await request('POST', '/confirm', params, args === undefined ? undefined : { args }));
}

/** Declines proposal `proposalId`, saying why when `reason` is not blank; a 409 means it no longer waits. */
export async function decline(workflowId: string, proposalId: string | null, reason?: string): Promise<ProposalAnswer> {
  const said = reason?.trim() ? reason.trim() : undefined;
  return readProposalAnswer(await request('POST', '/decline', { workflow_id: workflowId, proposal: proposalId ?? undefined, reason: said }));
}

export async function endChat(workflowId: string): Promise<void> {
  await request('POST', '/end-chat', { workflow_id: workflowId });
}

/**
 * The conversation so far, and the goal it pursues now; no messages for a conversation that
 * does not exist (reading never starts one). A 404 means no worker is serving the task queue
 * (see `isWorkerUnavailable`).
 */
export async function getHistory(workflowId: string): Promise<ChatHistory> {
  return parseHistory(await request('GET', '/get-conversation-history', { workflow_id: workflowId }));
}

/** What the conversation's model calls have used so far, and what that cost. */
export async function getUsage(workflowId: string): Promise<ConversationUsage> {
  const usage = parseUsage(await request('GET', '/get-conversation-usage', { workflow_id: workflowId }));
  if (!usage) throw new ApiError(0, 'The server answered with something that is not a usage report.');
  return usage;
}

/** The past conversations, newest first, a page at a time (`pageToken` from the page before). */
export async function listConversations(pageToken?: string, pageSize?: number): Promise<PastChatsPage> {
  const params = { page_token: pageToken, page_size: pageSize === undefined ? undefined : String(pageSize) };
  return parsePastChatsPage(await request('GET', '/conversations', params));
}

/** A 404 from the history endpoint means the worker is down, not that the chat is gone. */
export function isWorkerUnavailable(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

function readGoalInfo(raw: unknown): GoalInfo | null {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return null;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    id: raw.id,
    name: text(raw.name) || raw.id,
    description: text(raw.description),
    category: text(raw.category),
    available: raw.available !== false,
    note: typeof raw.note === 'string' && raw.note ? raw.note : null,
  };
}

/** The goals a new conversation can pursue, the agent picker first, and the default one. */
export async function getGoals(): Promise<GoalCatalog> {
  const data = await request('GET', '/goals');
  const goals = isObject(data) && Array.isArray(data.goals) ? data.goals.map(readGoalInfo).filter((g) => g !== null) : [];
  if (goals.length === 0) throw new ApiError(0, 'The server offered no agents to chat with.');
  const named = isObject(data) && typeof data.default_goal === 'string' ? data.default_goal : '';
  return { default_goal: goals.some((g) => g.id === named) ? named : '', goals };
}

/**
 * A ticket that opens one event stream of `workflowId` (a conversation or an email) within
 * 60 s. `EventSource` cannot send the token, so the stream's URL carries the ticket instead.
 */
export async function eventsTicket(workflowId: string): Promise<string> {
  const data = await request('POST', '/events/ticket', { workflow_id: workflowId });
  if (!isObject(data) || typeof data.ticket !== 'string' || !data.ticket) {
    throw new ApiError(0, 'The server gave no ticket for the live updates.');
  }
  return data.ticket;
}

/**
 * Where to open `path`'s stream of `workflowId`: the URL itself when the api wants no token,
 * else a promise of it with a fresh ticket (one per opening: a ticket opens a stream once).
 */
function streamUrl(path: string, workflowId: string): string | Promise<string> {
  if (!tokenRequired()) return urlFor(path, { workflow_id: workflowId });
  return eventsTicket(workflowId).then((ticket) => urlFor(path, { workflow_id: workflowId, ticket }));
}

/** The server-sent event stream of one conversation (`history`, `status` and `delta` events). */
export function eventsUrl(workflowId: string): string | Promise<string> {
  return streamUrl('/events', workflowId);
}

/**
 * UI settings, and whether the api wants a token (never needs one itself); null when the
 * server has none to give (the chat works without them).
 */
export async function getUiConfig(): Promise<UiConfig | null> {
  const data = await request('GET', '/ui-config');
  if (!isObject(data)) return null;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    temporal_ui_url: text(data.temporal_ui_url),
    namespace: text(data.namespace),
    task_queue: text(data.task_queue),
    model: text(data.model),
    demo_model: data.demo_model === true,
    default_workflow_id: text(data.default_workflow_id),
    auth: readAuthSettings(data.auth),
  };
}

export function promptBytes(prompt: string): number {
  return new TextEncoder().encode(prompt).length;
}

// The email assistant (`/email/...`): one workflow per email, named by `workflow_id`. Every
// call but save-draft answers with the email as it now stands.

function emailView(data: unknown): EmailView {
  const view = parseEmailView(data);
  if (!view) throw new ApiError(0, 'The server answered with something that is not an email.');
  return view;
}

/** Starts an email; without an id the server picks a fresh one. Times are read in `timeZone`. */
export async function startEmail(timeZone: string | null, workflowId?: string): Promise<EmailView> {
  const body = timeZone ? { time_zone: timeZone } : {};
  return emailView(await request('POST', '/email/start', { workflow_id: workflowId }, body));
}

/** The email as it stands; a 404 means it does not exist or no worker is serving it. */
export async function describeEmail(workflowId: string): Promise<EmailView> {
  return emailView(await request('GET', '/email/describe', { workflow_id: workflowId }));
}

/** A request in words; refused with 409 while the assistant is busy or the email is finished. */
export async function sendEmailRequest(workflowId: string, text: string): Promise<EmailView> {
  return emailView(await request('POST', '/email/request', { workflow_id: workflowId }, { text }));
}

/** Saves what is being typed in the request box, so a reload finds it again. */
export async function saveEmailDraft(workflowId: string, text: string): Promise<void> {
  await request('POST', '/email/save-draft', { workflow_id: workflowId }, { text });
}

/** Cancels the email: nothing is sent. */
export async function cancelEmail(workflowId: string): Promise<EmailView> {
  return emailView(await request('POST', '/email/cancel', { workflow_id: workflowId }));
}

/** The server-sent event stream of one email (`email` and `status` events); see `eventsUrl`. */
export function emailEventsUrl(workflowId: string): string | Promise<string> {
  return streamUrl('/email/events', workflowId);
}
