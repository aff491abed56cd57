// Signing in with the issuer the api trusts (`API_AUTH=jwt` with `auth.oidc` in `/ui-config`):
// the OAuth 2.0 authorization-code flow with PKCE (RFC 7636, S256), as a public client in the
// browser. `loginUrl` remembers a random `state` and code verifier (and the page to come back
// to) in `sessionStorage` and names the issuer's authorize page; the issuer sends the browser
// back to this page with `?code=&state=`; `finishLogin` checks the state, trades the code
// and verifier for tokens at `token_url`, and puts the page's own URL back.

import type { OidcSettings } from './types';
import { isObject } from './json';

/** The login under way: what the issuer's answer must match, and where to come back to. */
const LOGIN_KEY = 'agent.login';

/** The browser's navigation, replaceable in tests (jsdom cannot leave the page). */
export const browser = {
  redirect(url: string) {
    window.location.assign(url);
  },
};

/** Why a sign-in could not finish; the message is for the user. */
export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

interface PendingLogin {
  state: string;
  verifier: string;
  returnTo: string;
}

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes as 43 URL-safe characters: a PKCE verifier (RFC 7636 §4.1), or a state. */
function randomText(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 code challenge of `verifier`: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** This page without its query: where the issuer sends the browser back. */
export function redirectUri(): string {
  return `${window.location.origin}${window.location.pathname}`;
}

/** The issuer's authorize page for a new login from the page shown now (remembered). */
export async function loginUrl(settings: OidcSettings): Promise<string> {
  const pending: PendingLogin = {
    state: randomText(),
    verifier: randomText(),
    returnTo: `${window.location.pathname}${window.location.search}${window.location.hash}`,
  };
  window.sessionStorage.setItem(LOGIN_KEY, JSON.stringify(pending));
  const url = new URL(settings.authorization_url);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.client_id);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', settings.scope);
  url.searchParams.set('state', pending.state);
  url.searchParams.set('code_challenge', await codeChallenge(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** The issuer's answer in the URL, if the page is one: a code, or the error it gave. */
export type LoginAnswer = { code: string; state: string } | { error: string };

export function loginAnswer(search: string): LoginAnswer | null {
  const params = new URLSearchParams(search);
  const code = params.get('code');
  const state = params.get('state');
  const error = params.get('error');
  if (code !== null && state !== null) return { code, state };
  if (error !== null && state !== null) return { error: params.get('error_description') || error };
  return null;
}

function takePending(): PendingLogin | null {
  const raw = window.sessionStorage.getItem(LOGIN_KEY);
  window.sessionStorage.removeItem(LOGIN_KEY);
  if (!raw) return null;
  try {
    const data: unknown = JSON.parse(raw);
    if (isObject(data) && typeof data.state === 'string' && typeof data.verifier === 'string' && typeof data.returnTo === 'string') {
      return { state: data.state, verifier: data.verifier, returnTo: data.returnTo };
    }
  } catch {
    // Unreadable: as if there were none.
  }
  return null;
}

/** Puts the page's URL back: the one before the login, else this one without the issuer's answer. */
function leaveAnswer(returnTo: string | null) {
  if (returnTo !== null && returnTo.startsWith('/')) {
    window.history.replaceState(null, '', returnTo);
    return;
  }
  const url = new URL(window.location.href);
  for (const param of ['code', 'state', 'error', 'error_description', 'session_state', 'iss']) url.searchParams.delete(param);
  window.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
}

const isJwt = (value: unknown): value is string => typeof value === 'string' && value.split('.').length === 3;

/**
 * Finishes the login the issuer answered: checks `state`, trades the code for tokens and
 * returns the one to send the api (the access token when it is a JWT, else the ID token).
 * The page's URL is put back either way.
 */
export async function finishLogin(settings: OidcSettings, answer: LoginAnswer): Promise<string> {
  const pending = takePending();
  leaveAnswer(pending?.returnTo ?? null);
  if ('error' in answer) throw new SignInError(`The sign-in page said: ${answer.error}`);
  if (!pending || pending.state !== answer.state) {
    throw new SignInError('This sign-in was not started from this page.');
  }
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: answer.code,
    redirect_uri: redirectUri(),
    client_id: settings.client_id,
    code_verifier: pending.verifier,
  });
  let response: Response;
  try {
    response = await fetch(settings.token_url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
    });
  } catch {
    throw new SignInError("Can't reach the sign-in server.");
  }
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new SignInError(`The sign-in server answered ${response.status}.`);
  const tokens = isObject(data) ? data : {};
  const token = isJwt(tokens.access_token) ? tokens.access_token : isJwt(tokens.id_token) ? tokens.id_token : null;
  if (!token) throw new SignInError('The sign-in server gave no token this agent can use.');
  return token;
}
