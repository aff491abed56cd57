// The shell both pages share: the page from the URL (the trip chat at `/`, the email
// assistant at `?view=email`), the UI config, and the theme. Only the page on show is
// mounted, so opening one never starts a workflow for the other.

import { useEffect, useState } from 'react';
import * as api from './api';
import type { Shell } from './components/Header';
import { usePage } from './hooks/usePage';
import { useTheme } from './hooks/useTheme';
import { EmailPage } from './pages/EmailPage';
import { TripChat } from './pages/TripChat';
import type { UiConfig } from './types';

export function App() {
  const { theme, toggle } = useTheme();
  const { page, navigate } = usePage();
  const [config, setConfig] = useState<UiConfig | null>(null);

  useEffect(() => {
    api.getUiConfig().then(setConfig, () => setConfig(null));
  }, []);

  const shell: Shell = { config, theme, onToggleTheme: toggle, page, onNavigate: navigate };
  return page === 'email' ? <EmailPage shell={shell} /> : <TripChat shell={shell} />;
}
