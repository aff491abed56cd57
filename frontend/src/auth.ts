// Who the UI is to the api. The api says in `GET /ui-config` whether it wants a bearer token
// (`auth.mode`: `none`, `tokens` or `jwt`) and, for `jwt`, where to sign in (`auth.oidc`).
// The token the user typed, or the one a sign-in brought back, is kept for this browser
// session only (`sessionStorage`) and sent by `api.ts` on every call. A 401 forgets it (only
// if it is still the token that call sent: a late answer to an older token changes nothing),
// and the App then asks again. Event streams cannot carry a header, so with a token each
// stream opens with a short-lived ticket instead (`api.eventsUrl`).

import { isObject } from './json';
import type { AuthMode, AuthSettings, OidcSettings } from './types';

/** What an api that names no mode (an older one) wants: nothing. */
export const NO_AUTH: AuthSettings = { mode: 'none', oidc: null };

/** `/ui-config`'s `auth`, read defensively: anything unreadable is mode `none`. */
export function readAuthSettings(raw: unknown): AuthSettings {
  if (!isObject(raw)) return NO_AUTH;
  const mode = raw.mode === 'tokens' || raw.mode === 'jwt' ? raw.mode : 'none';
  return { mode, oidc: mode === 'jwt' ? readOidc(raw.oidc) : null };
}

function readOidc(raw: unknown): OidcSettings | null {
  if (!isObject(raw)) return null;
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const settings = {
    authorization_url: text(raw.authorization_url),
    token_url: text(raw.token_url),
    client_id: text(raw.client_id),
    scope: text(raw.scope) || 'openid',
  };
  return settings.authorization_url && settings.token_url && settings.client_id ? settings : null;
}

/** Where the token is kept, for this browser session only. */
export const TOKEN_KEY = 'agent.apiToken';
/** Set while the token came from a sign-in and no call has been answered with it yet. */
const FRESH_KEY = 'agent.apiToken.fresh';

/** Why the user is asked to sign in (again), if anything happened. */
export type SignInReason = 'refused' | 'login-refused' | 'signed-out' | null;

export interface AuthState {
  mode: AuthMode;
  token: string | null;
  reason: SignInReason;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function stored(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function store(key: string, value: string | null) {
  try {
    if (value === null) storage()?.removeItem(key);
    else storage()?.setItem(key, value);
  } catch {
    // Storage full or blocked: the token lasts as long as the page does.
  }
}

let mode: AuthMode = 'none';
let reason: SignInReason = null;
let snapshot: AuthState | null = null;
const listeners = new Set<() => void>();

function changed() {
  snapshot = null;
  for (const listener of listeners) listener();
}

/** The state the App renders from (the same object until something changes). */
export function authState(): AuthState {
  const token = currentToken();
  if (!snapshot || snapshot.token !== token || snapshot.mode !== mode || snapshot.reason !== reason) {
    snapshot = { mode, token, reason };
  }
  return snapshot;
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The mode `/ui-config` named; until it is known the App calls nothing else. */
export function setAuthMode(next: AuthMode) {
  if (next === mode) return;
  mode = next;
  changed();
}

/** Whether calls need the token (and streams a ticket). */
export function tokenRequired(): boolean {
  return mode !== 'none';
}

export function currentToken(): string | null {
  const token = stored(TOKEN_KEY);
  return token ? token : null;
}

/** Keeps `token` for this session; `fromLogin` marks it fresh from a sign-in. */
export function keepToken(token: string, fromLogin = false) {
  store(TOKEN_KEY, token.trim());
  store(FRESH_KEY, fromLogin ? '1' : null);
  reason = null;
  changed();
}

/** The api refused `sent`: forgets it, unless another token has replaced it since. */
export function tokenRefused(sent: string | null) {
  if (sent === null || sent !== currentToken()) return;
  const fresh = stored(FRESH_KEY) === '1';
  store(TOKEN_KEY, null);
  store(FRESH_KEY, null);
  reason = fresh ? 'login-refused' : 'refused';
  changed();
}

/** The api answered a call made with `sent`: a token from a sign-in is no longer fresh. */
export function tokenAccepted(sent: string | null) {
  if (sent !== null && sent === currentToken()) store(FRESH_KEY, null);
}

export function signOut() {
  store(TOKEN_KEY, null);
  store(FRESH_KEY, null);
  reason = 'signed-out';
  changed();
}

/** Back to a fresh page's state (for tests). */
export function resetAuth() {
  store(TOKEN_KEY, null);
  store(FRESH_KEY, null);
  mode = 'none';
  reason = null;
  changed();
}
