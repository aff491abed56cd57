// Test setup: jest-dom matchers for Vitest, and a clean DOM and storage after every test.

import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { resetAuth } from '../auth';

afterEach(() => {
  cleanup();
  // Drafts are kept in storage; one test's must not show up in the next.
  window.localStorage.clear();
  // Nor its token, or the api mode it was told.
  resetAuth();
  window.sessionStorage.clear();
});
