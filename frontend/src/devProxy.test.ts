// The dev server proxies the api's paths; a path the UI calls but the proxy lacks works in the
// built UI (served by the api) and fails only under `npm run dev`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(resolve(__dirname, path), 'utf8');

const firstGroups = (text: string, pattern: RegExp) =>
  [...text.matchAll(pattern)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));

describe('the dev server proxy', () => {
  it('covers every api path the UI calls', () => {
    const config = read('../vite.config.ts');
    const proxied = firstGroups(config, /^\s+'(\/[a-z-]+)',$/gm);
    expect(proxied).toContain('/goals');
    const called = new Set(
      ['api.ts', 'email.ts'].flatMap((file) => firstGroups(read(file), /[`'](\/[a-z-]+)[/?`']/g)),
    );
    expect(called.size).toBeGreaterThan(5);
    for (const path of called) {
      expect(proxied.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)), path).toBe(true);
    }
  });
});
