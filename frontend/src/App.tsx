// The shell both pages share: the page from the URL (the trip chat at `/`, the email
// assistant at `?view=email`), the UI config, the theme, and signing in. Only the page on show
// is mounted, so opening one never starts a workflow for the other; and no page is mounted
// until `/ui-config` has said whether the api wants a token and there is one, so nothing
// calls the api only to be refused.

import { useEffect, useState } from 'react';
import * as api from './api';
import { NO_AUTH, setAuthMode } from './auth';
import type { Shell } from './components/Header';
import { SignInPage, SignInWait, TokenPrompt } from './components/SignIn';
import { usePage } from './hooks/usePage';
import { useSignIn } from './hooks/useSignIn';
import { useTheme } from './hooks/useTheme';
import { EmailPage } from './pages/EmailPage';
import { TripChat } from './pages/TripChat';
import type { UiConfig } from './types';

export function App() {
  const { theme, toggle } = useTheme();
  const { page, navigate } = usePage();
  // Undefined until the server answers; null when it has no config to give (no token then).
  const [config, setConfig] = useState<UiConfig | null | undefined>(undefined);

  useEffect(() => {
    api.getUiConfig().then(
      (next) => {
        setAuthMode((next?.auth ?? NO_AUTH).mode);
        setConfig(next);
      },
      () => setConfig(null),
    );
  }, []);

  const signIn = useSignIn(config === undefined ? undefined : (config?.auth ?? NO_AUTH));
  switch (signIn.kind) {
    case 'waiting':
      return <SignInWait note={signIn.note} />;
    case 'ask-token':
      return <TokenPrompt refused={signIn.refused} onSubmit={signIn.submit} />;
    case 'sign-in':
      return <SignInPage problem={signIn.problem} onSignIn={signIn.signIn} />;
    case 'open': {
      const shell: Shell = { config: config ?? null, theme, onToggleTheme: toggle, page, onNavigate: navigate, onSignOut: signIn.signOut };
      return page === 'email' ? <EmailPage shell={shell} /> : <TripChat shell={shell} />;
    }
  }
}
