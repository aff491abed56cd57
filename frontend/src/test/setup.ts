// Test setup: jest-dom matchers for Vitest, and a clean DOM after every test.

import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  // Drafts are kept in storage; one test's must not show up in the next.
  window.localStorage.clear();
});
