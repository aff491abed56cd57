// Entry point: applies the theme before the first paint and mounts <App />.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyTheme, currentTheme } from './hooks/useTheme';
import './index.css';

// Before the first paint, so a dark-mode user never sees a white flash.
applyTheme(currentTheme());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
