// Whether the pages may call the api yet, and if not, what the user is asked. With mode `none`
// they may at once; with `tokens` (or `jwt` without a sign-in page) once a token is kept, the
// token prompt asking for one; with `jwt` and `oidc` the browser goes to the issuer's sign-in
// page and comes back with a code that becomes the token. A token refused later asks again,
// but a token fresh from a sign-in that is refused stops at "Sign in again", so a sign-in the
// api does not accept never loops.

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { authState, keepToken, signOut, subscribe } from '../auth';
import { browser, finishLogin, loginAnswer, loginUrl, SignInError, type LoginAnswer } from '../oidc';
import type { AuthSettings, OidcSettings } from '../types';

export type SignIn =
  /** The api's settings are not read yet, or the sign-in is under way. */
  | { kind: 'waiting'; note: string | null }
  /** The pages may call the api; `signOut` forgets the token (null: there is none). */
  | { kind: 'open'; signOut: (() => void) | null }
  /** The token prompt; `refused` when the last token was not accepted. */
  | { kind: 'ask-token'; refused: boolean; submit: (token: string) => void }
  /** The issuer's sign-in, started by the user: after signing out, or when it did not work. */
  | { kind: 'sign-in'; problem: string | null; signIn: () => void };

/** One trade per code, however often React runs the effect (development runs it twice). */
let trading: { code: string; token: Promise<string> } | null = null;

function trade(settings: OidcSettings, answer: LoginAnswer): Promise<string> {
  const code = 'code' in answer ? `${answer.code} ${answer.state}` : `error ${answer.error}`;
  if (trading?.code !== code) trading = { code, token: finishLogin(settings, answer) };
  return trading.token;
}

const REFUSED_LOGIN = 'You signed in, but this agent did not accept the sign-in.';

/** `settings`: the api's auth settings, undefined until `/ui-config` has answered. */
export function useSignIn(settings: AuthSettings | undefined): SignIn {
  const auth = useSyncExternalStore(subscribe, authState);
  const oidc = settings?.mode === 'jwt' ? settings.oidc : null;
  // The issuer's answer in the URL when the page opened (read once: the URL is then put back).
  const [answer] = useState(() => loginAnswer(window.location.search));
  const [exchange, setExchange] = useState<'none' | 'trading' | 'done'>(answer ? 'trading' : 'none');
  const [problem, setProblem] = useState<string | null>(null);
  const [redirecting, setRedirecting] = useState(false);
  // One login at a time: a second would overwrite the first one's state and verifier.
  const leaving = useRef(false);

  const startLogin = useCallback(() => {
    if (!oidc || leaving.current) return;
    leaving.current = true;
    setRedirecting(true);
    setProblem(null);
    loginUrl(oidc).then(
      (url) => browser.redirect(url),
      () => {
        leaving.current = false;
        setRedirecting(false);
        setProblem("Couldn't open the sign-in page.");
      },
    );
  }, [oidc]);

  // Back from the issuer with a code: trade it for the token.
  useEffect(() => {
    if (!oidc || !answer || exchange !== 'trading') return undefined;
    let active = true;
    trade(oidc, answer).then(
      (token) => {
        if (!active) return;
        keepToken(token, true);
        setExchange('done');
      },
      (error: unknown) => {
        if (!active) return;
        setProblem(error instanceof SignInError ? error.message : 'Signing in did not work.');
        setExchange('done');
      },
    );
    return () => {
      active = false;
    };
  }, [oidc, answer, exchange]);

  const needsLogin = oidc !== null && auth.token === null && exchange !== 'trading' && problem === null && !redirecting;
  const automatic = needsLogin && auth.reason !== 'login-refused' && auth.reason !== 'signed-out';
  useEffect(() => {
    if (automatic) startLogin();
  }, [automatic, startLogin]);

  const submit = useCallback((token: string) => {
    if (token.trim()) keepToken(token);
  }, []);

  if (settings === undefined) return { kind: 'waiting', note: null };
  if (settings.mode === 'none') return { kind: 'open', signOut: null };
  if (auth.token !== null) return { kind: 'open', signOut };
  if (!oidc) return { kind: 'ask-token', refused: auth.reason === 'refused' || auth.reason === 'login-refused', submit };
  if (exchange === 'trading' || redirecting || automatic) return { kind: 'waiting', note: 'Signing you in…' };
  if (problem !== null) return { kind: 'sign-in', problem, signIn: startLogin };
  if (auth.reason === 'login-refused') return { kind: 'sign-in', problem: REFUSED_LOGIN, signIn: startLogin };
  return { kind: 'sign-in', problem: null, signIn: startLogin };
}
