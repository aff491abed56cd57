/// <reference types="vitest/config" />
// Vite builds the UI into dist/ (served by the api from `/`) and, in development, proxies every
// API path to the api on 127.0.0.1:8000 so the browser only ever talks to one origin.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

const API_TARGET = process.env.API_TARGET ?? 'http://127.0.0.1:8000';

const API_PATHS = [
  '/start-workflow',
  '/send-prompt',
  '/confirm',
  '/decline',
  '/conversations',
  '/end-chat',
  '/get-conversation-history',
  '/get-conversation-usage',
  '/get-latest-tool-data',
  '/events',
  '/ui-config',
  '/goals',
  '/email',
];

const proxy = Object.fromEntries(API_PATHS.map((path) => [path, { target: API_TARGET, changeOrigin: false }]));

export default defineConfig({
  base: '/',
  plugins: [react(), tailwindcss()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port: 4173, proxy },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
