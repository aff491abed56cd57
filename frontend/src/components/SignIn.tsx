// What shows instead of a page while the api wants a token the UI does not have: the token
// prompt, the issuer's sign-in (when it needs the user to start it), or a short wait.

import { useState, type FormEvent, type ReactNode } from 'react';
import { primaryButton } from './buttons';

function SignInLayout({ children, testId }: { children: ReactNode; testId: string }) {
  return (
    <main
      data-testid={testId}
      className="flex min-h-dvh items-center justify-center bg-slate-50 px-4 text-slate-900 dark:bg-slate-950 dark:text-slate-100"
    >
      <div className="w-full max-w-sm rounded-2xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        {children}
      </div>
    </main>
  );
}

const title = 'text-lg font-semibold text-slate-900 dark:text-slate-100';
const text = 'mt-2 text-sm text-slate-600 dark:text-slate-300';
const problemText =
  'mt-3 rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-500/40 dark:bg-red-950/60 dark:text-red-100';

/** Asks for the access token; `refused` says the last one was not accepted. */
export function TokenPrompt({ refused, onSubmit }: { refused: boolean; onSubmit: (token: string) => void }) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) onSubmit(token.trim());
  };
  return (
    <SignInLayout testId="token-prompt">
      <form onSubmit={submit} aria-labelledby="token-prompt-title" aria-describedby="token-prompt-text">
        <h1 id="token-prompt-title" className={title}>
          Sign in
        </h1>
        <p id="token-prompt-text" className={text}>
          This agent needs an access token. Whoever runs it can give you one.
        </p>
        {refused ? (
          <p role="alert" data-testid="token-refused" className={problemText}>
            That token was not accepted. Check it and try again.
          </p>
        ) : null}
        <label htmlFor="token-input" className="mt-4 block text-sm font-medium text-slate-800 dark:text-slate-200">
          Access token
        </label>
        <input
          id="token-input"
          data-testid="token-input"
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          required
          value={token}
          onChange={(event) => setToken(event.target.value)}
          className="mt-1 w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-teal-600 dark:border-slate-600 dark:bg-slate-950 dark:text-slate-100"
        />
        <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">Kept in this tab until you close it or sign out.</p>
        <button type="submit" data-testid="token-submit" className={`${primaryButton} mt-4 w-full justify-center`}>
          Continue
        </button>
      </form>
    </SignInLayout>
  );
}

/** The issuer's sign-in, for the user to start: after signing out, or when it did not work. */
export function SignInPage({ problem, onSignIn }: { problem: string | null; onSignIn: () => void }) {
  return (
    <SignInLayout testId="sign-in">
      <h1 className={title}>{problem ? "Signing in didn't work" : 'You are signed out'}</h1>
      {problem ? (
        <p role="alert" data-testid="sign-in-problem" className={problemText}>
          {problem}
        </p>
      ) : (
        <p className={text}>Sign in to talk to the agents again.</p>
      )}
      <button type="button" data-testid="sign-in-again" onClick={onSignIn} className={`${primaryButton} mt-4 w-full justify-center`}>
        {problem ? 'Sign in again' : 'Sign in'}
      </button>
    </SignInLayout>
  );
}

/** While the api's settings are read (a blank page: it takes a moment), or the sign-in is under way. */
export function SignInWait({ note }: { note: string | null }) {
  if (note === null) return <div data-testid="loading" className="h-dvh bg-slate-50 dark:bg-slate-950" />;
  return (
    <SignInLayout testId="signing-in">
      <p role="status" className="text-sm text-slate-600 dark:text-slate-300">
        {note}
      </p>
    </SignInLayout>
  );
}
