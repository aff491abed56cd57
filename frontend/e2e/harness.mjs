// What the browser end-to-end scripts share: settings from the environment, step logging,
// and one Chromium run with page-error watching, a failure screenshot and cleanup.
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
export const SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR || 'e2e-output');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const STEP_TIMEOUT = Number(process.env.E2E_STEP_TIMEOUT_MS || 90_000);

const started = Date.now();
export function log(message) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[e2e ${seconds}s] ${message}`);
}

/** A check that failed: reported by its message alone, without a stack. */
export class StepError extends Error {}

export function check(condition, message) {
  if (!condition) throw new StepError(message);
}

/** Runs one named step, logging its start and end. */
export async function step(name, body) {
  log(`→ ${name}`);
  const result = await body();
  log(`✓ ${name}`);
  return result;
}

export const byTestId = (id) => `[data-testid="${id}"]`;

/** The phone screen the runs check on (an iPhone 12–15's CSS pixels). */
export const PHONE = { width: 390, height: 844 };

/**
 * Runs axe-core on `page` as it is now and fails on any serious or critical violation (missing
 * labels, focus order, contrast…), naming each rule and the elements it found.
 */
export async function checkAccessibility(page, name) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations) log(`   axe ${name}: ${v.impact} ${v.id} (${v.help}) ${v.nodes.length} element(s)`);
  check(
    serious.length === 0,
    `accessibility (${name}): ${serious.map((v) => `${v.id} [${v.impact}] ${v.help}: ${v.nodes.join(' | ')}`).join(' || ')}`,
  );
  log(`   axe ${name}: no serious or critical violations`);
}

/**
 * Runs `body(session)` in a fresh headless Chromium profile and exits the process with 0 when
 * it passed, 1 otherwise. `session.page` is the page a failure is captured from (a body that
 * opens other pages assigns it); `session.context` opens them. Any uncaught error in a page
 * fails the run.
 */
export function runInBrowser(name, contextOptions, body) {
  run(name, contextOptions, body).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

async function run(name, contextOptions, body) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const profile = mkdtempSync(path.join(tmpdir(), `${name}-e2e-profile-`));
  log(`BASE_URL=${BASE_URL} SCREENSHOT_DIR=${SCREENSHOT_DIR} chromium=${CHROMIUM_PATH}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1100, height: 900 },
    colorScheme: 'light',
    ...contextOptions,
  });
  const pageErrors = [];
  const watch = (page) => {
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
      log(`   page error: ${error.message}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') log(`   console error: ${message.text()}`);
    });
  };
  context.on('page', watch);
  context.pages().forEach(watch);

  const session = { context, page: context.pages()[0] ?? (await context.newPage()) };
  try {
    await body(session);
    check(pageErrors.length === 0, `the page threw: ${pageErrors.join(' | ')}`);
    log('PASS: all steps passed');
    return 0;
  } catch (error) {
    log(`FAIL: ${error instanceof StepError ? error.message : error?.stack || error}`);
    const { page } = session;
    try {
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'failure.png'), fullPage: true });
      log(`   saved ${path.join(SCREENSHOT_DIR, 'failure.png')}`);
      console.log(`----- page text (${page.url()}) -----\n${await page.evaluate(() => document.body.innerText)}\n-----`);
    } catch (inner) {
      log(`   could not capture the page: ${inner}`);
    }
    return 1;
  } finally {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}
